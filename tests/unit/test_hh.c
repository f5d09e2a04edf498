/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hodgkin-Huxley (src/models/neurons/hh.c) against independent results:
 * the rate functions against their series (long double) through the
 * removable singularities of alpha_m and alpha_n, the right-hand side
 * against the seed's formulas, the exponential-Euler diagonal against finite
 * differences, the resting potential against a root of the steady-state
 * current (GSL Brent), and soma's spike times with every method against a
 * GSL rk8pd reference run (tests/support/neuron_ref.h, rtol 1e-10).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "core/internal.h"
#include "neuron_ref.h"
#include "soma/soma.h"

#define MAXSPK 64

/* ---- the seed's formulas, written out independently ------------------ */

static double seed_alpha_m(double V) { return 0.1 * (V + 40) / (1 - exp(-(V + 40) / 10)); }
static double seed_beta_m(double V) { return 4.0 * exp(-(V + 65) / 18); }
static double seed_alpha_h(double V) { return 0.07 * exp(-(V + 65) / 20); }
static double seed_beta_h(double V) { return 1 / (1 + exp(-(V + 35) / 10)); }
static double seed_alpha_n(double V) { return 0.01 * (V + 55) / (1 - exp(-(V + 55) / 10)); }
static double seed_beta_n(double V) { return 0.125 * exp(-(V + 65) / 80); }

/* x / (e^x - 1) in long double: its Taylor series near 0, else directly */
static long double ref_vtrap(long double x)
{
	if (fabsl(x) < 1e-3L)
		return 1 - x / 2 + x * x / 12 - x * x * x * x / 720;
	return x / expm1l(x);
}

/* alpha_m(V) and alpha_n(V) from soma's right-hand side: with m = n = 0,
 * dm/dt = alpha_m and dn/dt = alpha_n. */
static void soma_alphas(double V, double *a_m, double *a_n)
{
	const soma_model *m = soma_model_find("hh");
	double y[4] = { V, 0, 0.5, 0 }, dy[4];

	assert_int_equal(soma_model_rhs(m, NULL, y, NULL, 0.01, dy), SOMA_OK);
	*a_m = dy[1];
	*a_n = dy[3];
}

static void test_rates_at_singularities(void **state)
{
	(void)state;
	double a_m, a_n, dummy;
	/* offsets from the singular point, mV */
	const double d[] = { 0, 1e-300, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9,
			     3e-7, -3e-7, 1e-6, -1e-6, 1e-4, -1e-4, 1e-2, -1e-2,
			     1, -1, 7, -7 };

	soma_alphas(-40.0, &a_m, &dummy);
	soma_alphas(-55.0, &dummy, &a_n);
	assert_true(fabs(a_m - 1.0) < 1e-12);
	assert_true(fabs(a_n - 0.1) < 1e-13);

	for (size_t k = 0; k < sizeof(d) / sizeof(d[0]); k++) {
		double Vm = -40.0 + d[k], Vn = -55.0 + d[k];
		/* the exact x of the V soma received (V + 40 is exact here) */
		long double xm = -((long double)Vm + 40) / 10;
		long double xn = -((long double)Vn + 55) / 10;
		long double em = ref_vtrap(xm), en = 0.1L * ref_vtrap(xn);

		soma_alphas(Vm, &a_m, &dummy);
		soma_alphas(Vn, &dummy, &a_n);
		assert_true(isfinite(a_m) && isfinite(a_n));
		/* relative accuracy to a few ulp through the singular point */
		assert_true(fabsl(a_m - em) <= 4e-15L * em);
		assert_true(fabsl(a_n - en) <= 4e-15L * en);
		/* continuity: the slope there is -1/20 (alpha_m) and -1/200
		 * (alpha_n) per mV */
		if (fabs(d[k]) <= 1e-6) {
			assert_true(fabs(a_m - 1.0) <= 0.051 * fabs(d[k]) + 4e-16);
			assert_true(fabs(a_n - 0.1) <= 0.0051 * fabs(d[k]) + 4e-17);
		}
	}
	/* away from the singularities soma's forms equal the seed's */
	for (double V = -100; V <= 60; V += 2.5) {
		if (fabs(V + 40) < 1e-9 || fabs(V + 55) < 1e-9)
			continue;
		soma_alphas(V, &a_m, &a_n);
		assert_true(fabs(a_m - seed_alpha_m(V)) <= 1e-13 * seed_alpha_m(V));
		assert_true(fabs(a_n - seed_alpha_n(V)) <= 1e-13 * seed_alpha_n(V));
	}
	/* far out, the rates stay finite (and alpha_m tends to 0) */
	soma_alphas(-5000, &a_m, &a_n);
	assert_true(isfinite(a_m) && a_m >= 0 && a_m < 1e-100);
}

/* The right-hand side equals the seed's equations at a test point. */
static void test_rhs_formula(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("hh");
	const double V = -30, mm = 0.1, h = 0.5, n = 0.4, I = 7;
	double y[4] = { V, mm, h, n }, dy[4], in[1] = { I };
	const double E_Na = 50, g_Na = 120, E_K = -77, g_K = 36, E_L = -54.387,
		     g_L = 0.03, C = 1;
	double dV = (-g_Na * pow(mm, 3) * h * (V - E_Na) -
		     g_K * pow(n, 4) * (V - E_K) - g_L * (V - E_L) + I) / C;
	double dm = seed_alpha_m(V) * (1 - mm) - seed_beta_m(V) * mm;
	double dh = seed_alpha_h(V) * (1 - h) - seed_beta_h(V) * h;
	double dn = seed_alpha_n(V) * (1 - n) - seed_beta_n(V) * n;

	assert_int_equal(soma_model_rhs(m, NULL, y, in, 0.01, dy), SOMA_OK);
	assert_true(fabs(dy[0] - dV) <= 1e-13 * fabs(dV));
	assert_true(fabs(dy[1] - dm) <= 1e-13 * fabs(dm));
	assert_true(fabs(dy[2] - dh) <= 1e-13 * fabs(dh));
	assert_true(fabs(dy[3] - dn) <= 1e-13 * fabs(dn));

	/* other parameters are used: C = 2 pF halves dV/dt */
	double p[8], dy2[4];
	for (size_t k = 0; k < m->n_params; k++)
		p[k] = m->params[k].def;
	p[soma_model_param_index(m, "C")] = 2;
	assert_int_equal(soma_model_rhs(m, p, y, in, 0.01, dy2), SOMA_OK);
	assert_true(fabs(dy2[0] - dV / 2) <= 1e-13 * fabs(dV));
}

/* diag[k] = d f_k / d y_k (exponential Euler), against central differences,
 * with a conductance input g. */
static void test_diag_jacobian(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("hh");
	struct soma__pop p;
	double param[8];
	char err[128];
	const double pts[][4] = { { -65, 0.5, 0.6, 0.32 }, { -30, 0.1, 0.5, 0.4 },
				  { 10, 0.9, 0.2, 0.7 }, { -40, 0.3, 0.3, 0.3 } };

	memset(&p, 0, sizeof(p));
	p.model = m;
	p.n = 1;
	p.param = param;
	for (size_t k = 0; k < m->n_params; k++)
		param[k] = m->params[k].def;
	p.method = SOMA_METHOD_EXP_EULER;
	assert_int_equal(m->ops->pop_prepare(&p, 0.01, err, sizeof(err)), SOMA_OK);
	for (size_t t = 0; t < sizeof(pts) / sizeof(pts[0]); t++) {
		double y[4], dy[4], dg[4], yp[4], ym[4], fp[4], fm[4];
		double I = 5, g = 0.7;
		const double *in[1] = { &I };
		struct soma__blk b = { 0, 1, in, &g };
		double *yv[4], *dyv[4], *dgv[4], *ypv[4], *ymv[4], *fpv[4], *fmv[4];

		for (int k = 0; k < 4; k++) {
			y[k] = pts[t][k];
			yv[k] = &y[k];
			dyv[k] = &dy[k];
			dgv[k] = &dg[k];
			ypv[k] = &yp[k];
			ymv[k] = &ym[k];
			fpv[k] = &fp[k];
			fmv[k] = &fm[k];
		}
		m->ops->rhs(&p, &b, (const double *const *)yv, dyv, dgv);
		for (int k = 0; k < 4; k++) {
			const double e = k == 0 ? 1e-5 : 1e-7;

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
}

/* ---- resting potential ----------------------------------------------- */

/* steady-state membrane current at V (gates at their steady state), pA */
static double ss_current(double V, void *params)
{
	(void)params;
	double m = seed_alpha_m(V) / (seed_alpha_m(V) + seed_beta_m(V));
	double h = seed_alpha_h(V) / (seed_alpha_h(V) + seed_beta_h(V));
	double n = seed_alpha_n(V) / (seed_alpha_n(V) + seed_beta_n(V));

	return 120 * m * m * m * h * (V - 50) + 36 * pow(n, 4) * (V + 77) +
	       0.03 * (V + 54.387);
}

static double rest_potential(void)
{
	gsl_function F = { ss_current, NULL };
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	double lo = -80, hi = -60, r = 0;

	assert_non_null(s);
	gsl_root_fsolver_set(s, &F, lo, hi);
	for (int it = 0; it < 200; it++) {
		gsl_root_fsolver_iterate(s);
		r = gsl_root_fsolver_root(s);
		lo = gsl_root_fsolver_x_lower(s);
		hi = gsl_root_fsolver_x_upper(s);
		if (gsl_root_test_interval(lo, hi, 1e-12, 0) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(s);
	return r;
}

/* With the seed's initial state and no input: one spike at the onset (m
 * starts at 0.5), then rest at the root of the steady-state current
 * (-70.676 mV with the seed's g_L = 0.03 nS); from the steady state at
 * -65 mV, no spike at all. */
static void test_onset_and_rest(void **state)
{
	(void)state;
	const double V_rest = rest_potential();
	double sp[MAXSPK], y_end[4];
	struct ref_result r = { sp, 0, y_end };
	soma_network *net;
	const double *V;
	int pop;
	long n;

	assert_true(fabs(V_rest + 70.676) < 1e-3);
	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, NULL, 200, 1e-10,
				 &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 1);
	assert_true(sp[0] > 0.1 && sp[0] < 0.2);
	assert_true(fabs(y_end[0] - V_rest) < 1e-6);

	/* soma with its default method (exp_euler): the same, and exp_euler's
	 * fixed point is the exact one */
	n = soma_spike_times("hh", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.01, NULL,
			     200, sp, MAXSPK);
	assert_int_equal(n, 1);
	assert_true(sp[0] > 0.1 && sp[0] < 0.2);

	assert_int_equal(soma_network_create(0.01, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "hh", 1, &pop), SOMA_OK);
	const double m0 = 0.0529325, h0 = 0.596121, n0 = 0.317677; /* doc */
	assert_true(fabs(m0 - seed_alpha_m(-65) / (seed_alpha_m(-65) + seed_beta_m(-65))) < 1e-6);
	assert_true(fabs(h0 - seed_alpha_h(-65) / (seed_alpha_h(-65) + seed_beta_h(-65))) < 1e-6);
	assert_true(fabs(n0 - seed_alpha_n(-65) / (seed_alpha_n(-65) + seed_beta_n(-65))) < 1e-6);
	assert_int_equal(soma_population_set_state(net, pop, "m", &m0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "h", &h0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "n", &n0, 1), SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 300)), SOMA_OK);
	assert_int_equal(soma_population_spike_count(net, pop), 0);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	assert_true(fabs(V[0] - V_rest) < 1e-6);
	soma_network_destroy(net);
}

/* ---- firing ---------------------------------------------------------- */

static const double t0[1] = { 0 };

static void test_repetitive_10pA(void **state)
{
	(void)state;
	const double I = 10;
	struct ref_input in = { 1, t0, &I, 0 };
	double ref[MAXSPK], sp[MAXSPK];
	struct ref_result r = { ref, 0, NULL };
	long n;

	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, &in, 200, 1e-10,
				 &r, MAXSPK), 0);
	/* regular firing: 15 spikes in 200 ms, period 14.1446 ms (70.70 Hz) */
	assert_int_equal(r.n_spikes, 15);
	double T_ref = (ref[14] - ref[4]) / 10;
	for (int k = 5; k < 15; k++)
		assert_true(fabs(ref[k] - ref[k - 1] - T_ref) < 1e-4);
	assert_true(fabs(T_ref - 14.1446) < 1e-3);

	/* soma, default method (exp_euler) at dt = 0.01 ms: same count, rate
	 * within 1% */
	n = soma_spike_times("hh", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.01, &in,
			     200, sp, MAXSPK);
	assert_int_equal(n, 15);
	double T = (sp[14] - sp[4]) / 10;
	assert_true(fabs(1000 / T - 1000 / T_ref) < 0.01 * 1000 / T_ref);
}

/* Below the current of repetitive firing (3-4 pA with g_L = 0.03 nS) only
 * the onset spike. */
static void test_no_repetitive_2pA(void **state)
{
	(void)state;
	const double I = 2;
	struct ref_input in = { 1, t0, &I, 0 };
	double ref[MAXSPK], sp[MAXSPK];
	struct ref_result r = { ref, 0, NULL };
	long n;

	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, &in, 200, 1e-10,
				 &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 1);
	assert_true(ref[0] < 1);
	n = soma_spike_times("hh", NULL, NULL, 0, SOMA_METHOD_DEFAULT, 0.01, &in,
			     200, sp, MAXSPK);
	assert_int_equal(n, 1);
	assert_true(sp[0] < 1);

	/* the doc's onset of repetitive firing, between 3 and 4 pA */
	double I3 = 3, I4 = 4;
	struct ref_input in3 = { 1, t0, &I3, 0 }, in4 = { 1, t0, &I4, 0 };
	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, &in3, 500, 1e-10,
				 &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 1);
	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, &in4, 500, 1e-10,
				 &r, MAXSPK), 0);
	assert_true(r.n_spikes >= 20);
}

/*
 * Spike times of every method at two steps against the reference (15
 * spikes in 200 ms at 10 pA). The error is the largest |t_soma - t_ref|
 * over the spikes; soma's spike time is the end of the step, so it includes
 * up to dt of quantisation. Tolerances (measured errors in brackets):
 *   euler     dt 0.01: 0.06 (0.041)   dt 0.005: 0.03 (0.021)
 *   rk2       dt 0.02: 0.04 (0.031)   dt 0.01: 0.015 (0.011)
 *   rk4       dt 0.05: dt (0.048)     dt 0.025: dt
 *   exp_euler dt 0.01: 1.0 (0.93)     dt 0.005: 0.5 (0.46)
 *   rkf45     dt 0.1:  dt (0.090)     dt 0.05: dt (0.048)
 * exp_euler is first order with a large constant here (its phase error
 * grows by 0.066 ms per period at dt = 0.01 ms); at the seed's dt = 0.1 ms
 * it fires 14 spikes instead of 15. Euler, rk2 and rk4 diverge at 0.1 ms.
 */
static void test_methods_vs_reference(void **state)
{
	(void)state;
	const struct {
		soma_method m;
		double dt, tol;
	} cases[] = {
		{ SOMA_METHOD_EULER, 0.01, 0.06 },     { SOMA_METHOD_EULER, 0.005, 0.03 },
		{ SOMA_METHOD_RK2, 0.02, 0.04 },       { SOMA_METHOD_RK2, 0.01, 0.015 },
		{ SOMA_METHOD_RK4, 0.05, 0.05 },       { SOMA_METHOD_RK4, 0.025, 0.025 },
		{ SOMA_METHOD_EXP_EULER, 0.01, 1.0 },  { SOMA_METHOD_EXP_EULER, 0.005, 0.5 },
		{ SOMA_METHOD_RKF45, 0.1, 0.1 },       { SOMA_METHOD_RKF45, 0.05, 0.05 },
	};
	const double I = 10;
	struct ref_input in = { 1, t0, &I, 0 };
	double ref[MAXSPK], sp[MAXSPK], prev = INFINITY;
	struct ref_result r = { ref, 0, NULL };

	assert_int_equal(ref_run(soma_model_find("hh"), NULL, NULL, &in, 200, 1e-10,
				 &r, MAXSPK), 0);
	assert_int_equal(r.n_spikes, 15);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		long n = soma_spike_times("hh", NULL, NULL, 0, cases[c].m, cases[c].dt,
					  &in, 200, sp, MAXSPK);
		double e = 0;

		assert_int_equal(n, 15);
		for (int k = 0; k < 15; k++)
			e = fmax(e, fabs(sp[k] - ref[k]));
		print_message("  %-9s dt %-5g max |t - t_ref| = %.4g ms (tol %g)\n",
			      soma_method_name(cases[c].m), cases[c].dt, e, cases[c].tol);
		assert_true(e <= cases[c].tol + 1e-9);
		if (c % 2 == 1) /* half the step: a smaller error */
			assert_true(e < 0.75 * prev);
		prev = e;
	}
	/* the seed's setting (exp_euler, dt = 0.1 ms) still fires regularly,
	 * 5% slower */
	long n = soma_spike_times("hh", NULL, NULL, 0, SOMA_METHOD_EXP_EULER, 0.1, &in,
				  200, sp, MAXSPK);
	assert_int_equal(n, 14);
}

/* The seed's defaults, from the descriptor. */
static void test_defaults(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("hh");
	const char *names[] = { "E_Na", "g_Na", "E_K", "g_K", "E_L", "g_L", "C", "V_th" };
	const double defs[] = { 50, 120, -77, 36, -54.387, 0.03, 1, 20 };
	const char *sn[] = { "V", "m", "h", "n" };
	const double sd[] = { -65, 0.5, 0.6, 0.32 };

	assert_non_null(m);
	assert_int_equal(m->n_params, 8);
	for (int i = 0; i < 8; i++) {
		int k = soma_model_param_index(m, names[i]);
		assert_true(k >= 0);
		assert_true(m->params[k].def == defs[i]);
	}
	for (int i = 0; i < 4; i++) {
		int k = soma_model_state_index(m, sn[i]);
		assert_int_equal(k, i);
		assert_true(m->state[k].def == sd[i]);
	}
	assert_int_equal(soma_model_default_method(m), SOMA_METHOD_EXP_EULER);
	assert_int_equal(soma_model_input_count(m), 1);
	assert_string_equal(soma_model_input(m, 0)->name, "I");
	assert_string_equal(soma_model_input(m, 0)->unit, "pA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_at_singularities),
		cmocka_unit_test(test_rhs_formula),
		cmocka_unit_test(test_diag_jacobian),
		cmocka_unit_test(test_onset_and_rest),
		cmocka_unit_test(test_repetitive_10pA),
		cmocka_unit_test(test_no_repetitive_2pA),
		cmocka_unit_test(test_methods_vs_reference),
		cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
