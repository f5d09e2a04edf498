/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FitzHugh-Nagumo and Morris-Lecar (src/models/neurons/fitzhugh_nagumo.c,
 * morris_lecar.c) against independent results: fixed points found with GSL
 * (a cubic's real root, Brent's method), the Hopf current of FitzHugh-Nagumo
 * from the trace of its Jacobian, the right-hand sides against the
 * equations, the exponential-Euler diagonals against finite differences, and
 * soma's spike times with every method against GSL rk8pd reference runs
 * (tests/support/neuron_ref.h, rtol 1e-10).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_roots.h>

#include "core/internal.h"
#include "neuron_ref.h"
#include "soma/soma.h"

#define MAXSPK 128

static const double t0[1] = { 0 };

/* ---- shared checks ---------------------------------------------------- */

/* diag[k] = d f_k / d y_k against central differences at @y (n_ode values),
 * with input I and conductance g. */
static void check_diag(const char *model, const double *y0, double I, double g)
{
	const soma_model *m = soma_model_find(model);
	struct soma__pop p;
	double param[16], y[4], dy[4], dg[4], yp[4], ym[4], fp[4], fm[4];
	double *yv[4], *dyv[4], *dgv[4], *ypv[4], *ymv[4], *fpv[4], *fmv[4];
	const double *in[1] = { &I };
	struct soma__blk b = { 0, 1, in, &g };
	const int n = m->ops->n_ode;
	char err[128];

	memset(&p, 0, sizeof(p));
	p.model = m;
	p.n = 1;
	p.param = param;
	for (size_t k = 0; k < m->n_params; k++)
		param[k] = m->params[k].def;
	p.method = SOMA_METHOD_EXP_EULER;
	assert_int_equal(m->ops->pop_prepare(&p, 0.01, err, sizeof(err)), SOMA_OK);
	for (int k = 0; k < n; k++) {
		y[k] = y0[k];
		yv[k] = &y[k];
		dyv[k] = &dy[k];
		dgv[k] = &dg[k];
		ypv[k] = &yp[k];
		ymv[k] = &ym[k];
		fpv[k] = &fp[k];
		fmv[k] = &fm[k];
	}
	m->ops->rhs(&p, &b, (const double *const *)yv, dyv, dgv);
	for (int k = 0; k < n; k++) {
		const double e = 1e-6 * fmax(1, fabs(y[k]));

		memcpy(yp, y, sizeof(y));
		memcpy(ym, y, sizeof(y));
		yp[k] += e;
		ym[k] -= e;
		m->ops->rhs(&p, &b, (const double *const *)ypv, fpv, NULL);
		m->ops->rhs(&p, &b, (const double *const *)ymv, fmv, NULL);
		double fd = (fp[k] - fm[k]) / (2 * e);
		assert_true(fabs(dg[k] - fd) <= 1e-6 * fmax(1, fabs(fd)));
	}
}

struct method_case {
	soma_method m;
	double dt, tol; /* ms; tol: largest allowed |t_soma - t_ref| */
};

/* Spike times of each case against the reference run (same count; error
 * within tol; the second case of each pair, half the step, has a smaller
 * error). */
static void check_methods(const char *model, double I, double t_end,
			  size_t n_expect, const struct method_case *cases,
			  size_t n_cases)
{
	struct ref_input in = { 1, t0, &I, 0 };
	double ref[MAXSPK], sp[MAXSPK], prev = INFINITY;
	struct ref_result r = { ref, 0, NULL };

	assert_int_equal(ref_run(soma_model_find(model), NULL, NULL, &in, t_end,
				 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, n_expect);
	for (size_t c = 0; c < n_cases; c++) {
		long n = soma_spike_times(model, NULL, NULL, 0, cases[c].m, cases[c].dt,
					  &in, t_end, sp, MAXSPK);
		double e = 0;

		assert_int_equal(n, (long)n_expect);
		for (size_t k = 0; k < n_expect; k++)
			e = fmax(e, fabs(sp[k] - ref[k]));
		print_message("  %s %-9s dt %-5g max |t - t_ref| = %.4g ms (tol %g)\n",
			      model, soma_method_name(cases[c].m), cases[c].dt, e,
			      cases[c].tol);
		assert_true(e <= cases[c].tol + 1e-9);
		if (c % 2 == 1)
			assert_true(e < 0.75 * prev);
		prev = e;
	}
}

/* ---- FitzHugh-Nagumo -------------------------------------------------- */

static const double FHN_A = 0.7, FHN_B = 0.8, FHN_TAU = 12.5;

/* The fixed point at input I: V - V^3/3 - (V + a)/b + I = 0, i.e.
 * V^3 + (3/b - 3) V + 3a/b - 3I = 0 (one real root for these a, b). */
static void fhn_fixed_point(double I, double *V, double *w)
{
	double x0, x1, x2;
	int nr = gsl_poly_solve_cubic(0, 3 / FHN_B - 3, 3 * FHN_A / FHN_B - 3 * I,
				      &x0, &x1, &x2);

	assert_int_equal(nr, 1);
	*V = x0;
	*w = (x0 + FHN_A) / FHN_B;
}

static void test_fhn_fixed_point(void **state)
{
	(void)state;
	double Vs, ws, y_end[2], sp[MAXSPK];
	struct ref_result r = { sp, 0, y_end };
	soma_network *net;
	const double *V, *w;
	int pop;

	fhn_fixed_point(0, &Vs, &ws);
	/* the values the model's doc gives */
	assert_true(fabs(Vs + 1.19941) < 1e-5 && fabs(ws + 0.62426) < 1e-5);

	assert_int_equal(ref_run(soma_model_find("fitzhugh_nagumo"), NULL, NULL, NULL,
				 300, 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 0);
	assert_true(fabs(y_end[0] - Vs) < 1e-8 && fabs(y_end[1] - ws) < 1e-8);

	/* soma, default method (Euler, whose fixed points are the ODE's) */
	assert_int_equal(soma_network_create(0.01, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "F", "fitzhugh_nagumo", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_method(net, pop), SOMA_METHOD_EULER);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 300)), SOMA_OK);
	assert_int_equal(soma_population_spike_count(net, pop), 0);
	soma_population_state(net, pop, "V", &V);
	soma_population_state(net, pop, "w", &w);
	assert_true(fabs(V[0] - Vs) < 1e-9 && fabs(w[0] - ws) < 1e-9);
	soma_network_destroy(net);
}

/*
 * The Hopf current: the fixed point loses stability where the trace of the
 * Jacobian, 1 - V^2 - b/tau, vanishes: V_H = -sqrt(1 - b/tau),
 * I_H = (V_H + a)/b - V_H + V_H^3/3 = 0.3313. Below it the neuron settles,
 * above it it oscillates, with the reference period.
 */
static void test_fhn_hopf_and_period(void **state)
{
	(void)state;
	const double V_H = -sqrt(1 - FHN_B / FHN_TAU);
	const double I_H = (V_H + FHN_A) / FHN_B - V_H + V_H * V_H * V_H / 3;
	double Vs, ws, y_end[2], ref[MAXSPK], sp[MAXSPK];
	struct ref_result r = { ref, 0, y_end };
	double I;
	struct ref_input in = { 1, t0, &I, 0 };
	long n;

	assert_true(fabs(I_H - 0.3313) < 1e-4); /* the doc's value */

	/* below: no spike, and the state spirals into the fixed point */
	I = I_H - 0.03;
	fhn_fixed_point(I, &Vs, &ws);
	assert_int_equal(ref_run(soma_model_find("fitzhugh_nagumo"), NULL, NULL, &in,
				 600, 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 0);
	assert_true(fabs(y_end[0] - Vs) < 1e-3 && fabs(y_end[1] - ws) < 1e-3);
	n = soma_spike_times("fitzhugh_nagumo", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.01,
			     &in, 600, sp, MAXSPK);
	assert_int_equal(n, 0);

	/* above: regular spikes; reference period 39.4744 ms at I = 0.5 */
	I = 0.5;
	assert_int_equal(ref_run(soma_model_find("fitzhugh_nagumo"), NULL, NULL, &in,
				 500, 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 12);
	double T_ref = (ref[11] - ref[1]) / 10;
	for (int k = 2; k < 12; k++)
		assert_true(fabs(ref[k] - ref[k - 1] - T_ref) < 1e-4);
	assert_true(fabs(T_ref - 39.4744) < 1e-3);
	n = soma_spike_times("fitzhugh_nagumo", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.01,
			     &in, 500, sp, MAXSPK);
	assert_int_equal(n, 12);
	double T = (sp[11] - sp[1]) / 10;
	assert_true(fabs(T - T_ref) < 1e-3 * T_ref);
}

/*
 * I = 0.5, 500 ms, 12 spikes. Tolerances (measured in brackets), ms:
 *   euler     dt 0.02: 0.2 (0.16)   dt 0.01: 0.1 (0.082)
 *   rk2       dt 0.1:  0.2 (0.15)   dt 0.05: 0.06 (0.052)
 *   rk4       dt 0.1:  dt (0.0996)  dt 0.05: dt
 *   exp_euler dt 0.02: 0.25 (0.22)  dt 0.01: 0.125 (0.108)
 *   rkf45     dt 0.1:  dt           dt 0.05: dt
 */
static void test_fhn_methods(void **state)
{
	(void)state;
	const struct method_case cases[] = {
		{ SOMA_METHOD_EULER, 0.02, 0.2 },      { SOMA_METHOD_EULER, 0.01, 0.1 },
		{ SOMA_METHOD_RK2, 0.1, 0.2 },         { SOMA_METHOD_RK2, 0.05, 0.06 },
		{ SOMA_METHOD_RK4, 0.1, 0.1 },         { SOMA_METHOD_RK4, 0.05, 0.05 },
		{ SOMA_METHOD_EXP_EULER, 0.02, 0.25 }, { SOMA_METHOD_EXP_EULER, 0.01, 0.125 },
		{ SOMA_METHOD_RKF45, 0.1, 0.1 },       { SOMA_METHOD_RKF45, 0.05, 0.05 },
	};

	check_methods("fitzhugh_nagumo", 0.5, 500, 12, cases,
		      sizeof(cases) / sizeof(cases[0]));
}

static void test_fhn_rhs_and_descriptor(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("fitzhugh_nagumo");
	const double V = 1.3, w = -0.4, I = 0.25;
	double y[2] = { V, w }, dy[2], in[1] = { I };
	const double pts[][2] = { { 0, 0 }, { 1.3, -0.4 }, { -2, 1 }, { 1, 0.5 } };

	assert_non_null(m);
	assert_int_equal(soma_model_rhs(m, NULL, y, in, 0.01, dy), SOMA_OK);
	assert_true(fabs(dy[0] - (V - V * V * V / 3 - w + I)) < 1e-14);
	assert_true(fabs(dy[1] - (V + FHN_A - FHN_B * w) / FHN_TAU) < 1e-15);
	for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++)
		check_diag("fitzhugh_nagumo", pts[k], 0.3, 0.2);

	/* dimensionless: V, w and the input channel I have unit "" */
	assert_int_equal(soma_model_input_count(m), 1);
	assert_string_equal(soma_model_input(m, 0)->name, "I");
	assert_string_equal(soma_model_input(m, 0)->unit, "");
	assert_string_equal(m->state[soma_model_state_index(m, "V")].unit, "");
	assert_string_equal(m->state[soma_model_state_index(m, "w")].unit, "");
	assert_true(m->params[soma_model_param_index(m, "a")].def == 0.7);
	assert_true(m->params[soma_model_param_index(m, "b")].def == 0.8);
	assert_true(m->params[soma_model_param_index(m, "tau")].def == 12.5);
	assert_true(m->params[soma_model_param_index(m, "V_th")].def == 1.8);
	assert_int_equal(soma_model_default_method(m), SOMA_METHOD_EULER);
}

/* ---- Morris-Lecar ----------------------------------------------------- */

/* BrainModels' defaults */
static const double ML_ECA = 130, ML_GCA = 4.4, ML_EK = -84, ML_GK = 8,
		    ML_EL = -60, ML_GL = 2, ML_C = 20, ML_V1 = -1.2, ML_V2 = 18,
		    ML_V3 = 2, ML_V4 = 30, ML_PHI = 0.04;

static double ml_minf(double V) { return 0.5 * (1 + tanh((V - ML_V1) / ML_V2)); }
static double ml_winf(double V) { return 0.5 * (1 + tanh((V - ML_V3) / ML_V4)); }

/* membrane current with W at its steady state, minus the input, pA */
static double ml_ss(double V, void *params)
{
	double I = *(double *)params;

	return ML_GCA * ml_minf(V) * (V - ML_ECA) + ML_GK * ml_winf(V) * (V - ML_EK) +
	       ML_GL * (V - ML_EL) - I;
}

static double ml_rest(double I)
{
	gsl_function F = { ml_ss, &I };
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	double lo = -80, hi = -40, r = 0;

	assert_non_null(s);
	gsl_root_fsolver_set(s, &F, lo, hi);
	for (int it = 0; it < 200; it++) {
		gsl_root_fsolver_iterate(s);
		r = gsl_root_fsolver_root(s);
		if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
					   gsl_root_fsolver_x_upper(s), 1e-12, 0) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(s);
	return r;
}

static void test_ml_rhs(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("morris_lecar");
	const double V = -25, W = 0.3, I = 40;
	double y[2] = { V, W }, dy[2], in[1] = { I };
	const double pts[][2] = { { -20, 0.02 }, { -60, 0.01 }, { 0, 0.4 }, { 30, 0.8 },
				  { -1.2, 0.5 } };

	assert_non_null(m);
	assert_int_equal(soma_model_rhs(m, NULL, y, in, 0.05, dy), SOMA_OK);
	double dV = (-ML_GCA * ml_minf(V) * (V - ML_ECA) - ML_GK * W * (V - ML_EK) -
		     ML_GL * (V - ML_EL) + I) / ML_C;
	double dW = (ml_winf(V) - W) * ML_PHI * cosh((V - ML_V3) / (2 * ML_V4));
	assert_true(fabs(dy[0] - dV) <= 1e-13 * fabs(dV));
	assert_true(fabs(dy[1] - dW) <= 1e-13 * fabs(dW));
	for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++)
		check_diag("morris_lecar", pts[k], 50, 1.5);

	const char *names[] = { "E_Ca", "g_Ca", "E_K", "g_K", "E_L", "g_L", "C",
				"V1", "V2", "V3", "V4", "phi", "V_th" };
	const double defs[] = { 130, 4.4, -84, 8, -60, 2, 20, -1.2, 18, 2, 30, 0.04, 10 };
	assert_int_equal(m->n_params, 13);
	for (int i = 0; i < 13; i++) {
		int k = soma_model_param_index(m, names[i]);
		assert_true(k >= 0);
		assert_true(m->params[k].def == defs[i]);
	}
	assert_true(m->state[soma_model_state_index(m, "V")].def == -20);
	assert_true(m->state[soma_model_state_index(m, "W")].def == 0.02);
	assert_int_equal(soma_model_default_method(m), SOMA_METHOD_EULER);
}

/* No input: from V = -20 mV, W = 0.02 it settles at the root of the
 * steady-state current, -60.8288 mV, without a spike. */
static void test_ml_rest(void **state)
{
	(void)state;
	const double Vr = ml_rest(0);
	double y_end[2], sp[MAXSPK];
	struct ref_result r = { sp, 0, y_end };
	soma_network *net;
	const double *V, *W;
	int pop;

	assert_true(fabs(Vr + 60.8288) < 1e-4);
	assert_int_equal(ref_run(soma_model_find("morris_lecar"), NULL, NULL, NULL, 1000,
				 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 0);
	assert_true(fabs(y_end[0] - Vr) < 1e-7);

	assert_int_equal(soma_network_create(0.05, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "M", "morris_lecar", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 1000)), SOMA_OK);
	assert_int_equal(soma_population_spike_count(net, pop), 0);
	soma_population_state(net, pop, "V", &V);
	soma_population_state(net, pop, "W", &W);
	assert_true(fabs(V[0] - Vr) < 1e-9);
	assert_true(fabs(W[0] - ml_winf(Vr)) < 1e-9);
	soma_network_destroy(net);
}

/* Repetitive firing above rheobase (100 pA: period 84.977 ms), none below
 * (70 pA: the onset transient from V = -20 mV at most, then rest). From
 * the default state, repetitive firing starts between 83 and 84 pA. */
static void test_ml_rheobase(void **state)
{
	(void)state;
	double ref[MAXSPK], sp[MAXSPK], I;
	struct ref_result r = { ref, 0, NULL };
	struct ref_input in = { 1, t0, &I, 0 };
	const soma_model *m = soma_model_find("morris_lecar");
	long n;

	I = 100;
	assert_int_equal(ref_run(m, NULL, NULL, &in, 1000, 1e-10, &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 12);
	double T_ref = (ref[11] - ref[1]) / 10;
	for (int k = 2; k < 12; k++)
		assert_true(fabs(ref[k] - ref[k - 1] - T_ref) < 1e-4);
	assert_true(fabs(T_ref - 84.977) < 1e-2);
	/* BrainModels' own setting: dt = 0.05 ms, here with its default Euler */
	n = soma_spike_times("morris_lecar", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.05, &in,
			     1000, sp, MAXSPK);
	assert_int_equal(n, 12);
	assert_true(fabs((sp[11] - sp[1]) / 10 - T_ref) < 2e-3 * T_ref);

	I = 70;
	assert_int_equal(ref_run(m, NULL, NULL, &in, 1000, 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes <= 1);
	assert_true(r.n_spikes == 0 || ref[0] < 20);
	n = soma_spike_times("morris_lecar", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.05, &in,
			     1000, sp, MAXSPK);
	assert_true(n == (long)r.n_spikes);
	assert_true(n == 0 || sp[0] < 20);

	/* the doc's onset */
	I = 83;
	assert_int_equal(ref_run(m, NULL, NULL, &in, 2000, 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes <= 1);
	I = 84;
	assert_int_equal(ref_run(m, NULL, NULL, &in, 2000, 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes >= 15);
}

/*
 * I = 100 pA, 1000 ms, 12 spikes. Tolerances (measured in brackets), ms:
 *   euler     dt 0.1:  0.8 (0.73)   dt 0.05: 0.4 (0.33)
 *   rk2       dt 0.1:  0.12 (0.107) dt 0.05: 0.06 (0.053)
 *   rk4       dt 0.1:  dt (0.099)   dt 0.05: dt
 *   exp_euler dt 0.02: 0.4 (0.33)   dt 0.01: 0.2 (0.16)
 *   rkf45     dt 0.1:  dt           dt 0.05: dt
 */
static void test_ml_methods(void **state)
{
	(void)state;
	const struct method_case cases[] = {
		{ SOMA_METHOD_EULER, 0.1, 0.8 },      { SOMA_METHOD_EULER, 0.05, 0.4 },
		{ SOMA_METHOD_RK2, 0.1, 0.12 },       { SOMA_METHOD_RK2, 0.05, 0.06 },
		{ SOMA_METHOD_RK4, 0.1, 0.1 },        { SOMA_METHOD_RK4, 0.05, 0.05 },
		{ SOMA_METHOD_EXP_EULER, 0.02, 0.4 }, { SOMA_METHOD_EXP_EULER, 0.01, 0.2 },
		{ SOMA_METHOD_RKF45, 0.1, 0.1 },      { SOMA_METHOD_RKF45, 0.05, 0.05 },
	};

	check_methods("morris_lecar", 100, 1000, 12, cases,
		      sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fhn_fixed_point),
		cmocka_unit_test(test_fhn_hopf_and_period),
		cmocka_unit_test(test_fhn_methods),
		cmocka_unit_test(test_fhn_rhs_and_descriptor),
		cmocka_unit_test(test_ml_rhs),
		cmocka_unit_test(test_ml_rest),
		cmocka_unit_test(test_ml_rheobase),
		cmocka_unit_test(test_ml_methods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
