/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Wilson-Cowan unit (src/models/neurons/wilson_cowan.c) against its
 * equations (BrainModels book §1.4.1), written again here:
 *  - the right-hand side and its diagonal Jacobian at chosen points;
 *  - S(0) = 0: without input the state (0, 0) is a fixed point, exactly;
 *  - a unit run by soma with several methods and inputs (on both channels)
 *    settles on the fixed point that GSL's hybrid root finder finds for the
 *    equations of this file, and that fixed point is stable.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>

#include "core/internal.h"
#include "soma/soma.h"
#include "root2.h"

/* The seed's §1.4.1 parameters, in this file's own order. */
struct wc {
	double c1, c2, c3, c4, k_e, k_i, tau_e, tau_i, r_e, r_i;
	double slope_e, slope_i, theta_e, theta_i;
	double I_e, I_i;
};

static const struct wc seed_defaults = {
	.c1 = 12, .c2 = 4, .c3 = 13, .c4 = 11, .k_e = 1, .k_i = 1,
	.tau_e = 1, .tau_i = 1, .r_e = 1, .r_i = 1,
	.slope_e = 1.2, .slope_i = 1, .theta_e = 2.8, .theta_i = 4,
};

static double S(double x, double a, double theta)
{
	return 1 / (1 + exp(-a * (x - theta))) - 1 / (1 + exp(a * theta));
}

static void wc_f(const struct wc *q, double ae, double ai, double *dae,
		 double *dai)
{
	double xe = q->c1 * ae - q->c2 * ai + q->I_e;
	double xi = q->c3 * ae - q->c4 * ai + q->I_i;

	*dae = (-ae + (q->k_e - q->r_e * ae) * S(xe, q->slope_e, q->theta_e)) /
	       q->tau_e;
	*dai = (-ai + (q->k_i - q->r_i * ai) * S(xi, q->slope_i, q->theta_i)) /
	       q->tau_i;
}

/* the parameters in the model's order, by name */
static void wc_params(const soma_model *m, const struct wc *q, double *p)
{
	const struct { const char *name; double v; } nv[] = {
		{ "c1", q->c1 }, { "c2", q->c2 }, { "c3", q->c3 }, { "c4", q->c4 },
		{ "k_e", q->k_e }, { "k_i", q->k_i }, { "tau_e", q->tau_e },
		{ "tau_i", q->tau_i }, { "r_e", q->r_e }, { "r_i", q->r_i },
		{ "slope_e", q->slope_e }, { "slope_i", q->slope_i },
		{ "theta_e", q->theta_e }, { "theta_i", q->theta_i },
	};

	assert_int_equal(m->n_params, sizeof(nv) / sizeof(nv[0]));
	for (size_t k = 0; k < sizeof(nv) / sizeof(nv[0]); k++) {
		int i = soma_model_param_index(m, nv[k].name);
		assert_true(i >= 0);
		p[i] = nv[k].v;
	}
}

static void test_descriptor(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wilson_cowan");
	double p[14];
	struct wc d = seed_defaults;

	assert_non_null(m);
	assert_int_equal(m->n_state, 2);
	assert_int_equal(soma_model_state_index(m, "a_e"), 0);
	assert_int_equal(soma_model_state_index(m, "a_i"), 1);
	assert_true(m->state[0].def == 0.1 && m->state[1].def == 0.05);
	assert_int_equal(soma_model_input_count(m), 2);
	assert_int_equal(soma_model_input_index(m, "I_ext_e"), 0);
	assert_int_equal(soma_model_input_index(m, "I_ext_i"), 1);
	assert_int_equal(soma_model_default_method(m), SOMA_METHOD_EULER);
	/* the defaults are the seed's §1.4.1 values */
	wc_params(m, &d, p);
	for (size_t k = 0; k < m->n_params; k++)
		assert_true(m->params[k].def == p[k]);
	assert_string_equal(m->params[soma_model_param_index(m, "tau_e")].unit, "ms");
}

/* soma_model_rhs against wc_f at points spread over the state plane, with
 * inputs on both channels and parameters other than the defaults (tau and
 * slope differ, so a division by the slope would show). */
static void test_rhs_matches_equations(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wilson_cowan");
	struct wc q = seed_defaults;
	double p[14], worst = 0;

	q.tau_e = 3.0;
	q.tau_i = 7.5;
	q.r_i = 0.5;
	q.k_e = 0.9;
	for (int set = 0; set < 2; set++) {
		if (set == 1)
			q = seed_defaults;
		wc_params(m, &q, p);
		for (int a = -4; a <= 12; a++)
			for (int b = -4; b <= 12; b++)
				for (int c = -2; c <= 2; c++) {
					double y[2] = { 0.05 * a, 0.05 * b }, in[2], dy[2];
					double fe, fi;

					q.I_e = 0.7 * c;
					q.I_i = -0.4 * c + 0.3;
					in[0] = q.I_e;
					in[1] = q.I_i;
					assert_int_equal(soma_model_rhs(m, p, y, in, 0.01, dy),
							 SOMA_OK);
					wc_f(&q, y[0], y[1], &fe, &fi);
					worst = fmax(worst, fabs(dy[0] - fe) /
							       fmax(fabs(fe), 1e-3));
					worst = fmax(worst, fabs(dy[1] - fi) /
							       fmax(fabs(fi), 1e-3));
				}
	}
	assert_true(worst < 1e-12);
}

/* The model's diag (for exponential Euler) against central differences of
 * wc_f: diag_k = d f_k / d a_k. */
static void test_diag(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wilson_cowan");
	struct wc q = seed_defaults;
	struct soma__pop p;
	double param[14], worst = 0;
	char err[256];

	q.tau_e = 2;
	q.tau_i = 0.5;
	memset(&p, 0, sizeof(p));
	p.model = m;
	p.param = param;
	p.method = SOMA_METHOD_EXP_EULER;
	wc_params(m, &q, param);
	assert_int_equal(m->ops->pop_prepare(&p, 0.1, err, sizeof(err)), SOMA_OK);
	for (int a = -2; a <= 10; a++)
		for (int b = -2; b <= 10; b++) {
			double ae = 0.06 * a, ai = 0.05 * b, Ie = 1.3, Ii = -0.2;
			double f[2], d[2], fp, fm, gp, gm, h = 1e-5;
			double *fy[2] = { &f[0], &f[1] }, *dg[2] = { &d[0], &d[1] };
			double y0 = ae, y1 = ai;
			const double *yy[2] = { &y0, &y1 };
			const double *in[2] = { &Ie, &Ii };
			double g = 0;
			struct soma__blk blk = { 0, 1, in, &g };

			m->ops->rhs(&p, &blk, yy, fy, dg);
			q.I_e = Ie;
			q.I_i = Ii;
			wc_f(&q, ae + h, ai, &fp, &gp);
			wc_f(&q, ae - h, ai, &fm, &gm);
			worst = fmax(worst, fabs(d[0] - (fp - fm) / (2 * h)));
			wc_f(&q, ae, ai + h, &fp, &gp);
			wc_f(&q, ae, ai - h, &fm, &gm);
			worst = fmax(worst, fabs(d[1] - (gp - gm) / (2 * h)));
		}
	/* central differences: error ~ h^2 f''' plus rounding eps/h */
	assert_true(worst < 1e-8);
}

/* S(0) = 0 (the offset 1/(1 + exp(slope theta))): with no input, (0, 0) is a
 * fixed point, for the defaults and for other slopes and thresholds. */
static void test_sigmoid_zero(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wilson_cowan");
	const double slopes[] = { 0.3, 1.2, 4.0 }, thetas[] = { -2, 0, 2.8, 9 };
	struct wc q = seed_defaults;
	double p[14], y[2] = { 0, 0 }, dy[2];
	soma_network *net;
	const double *ae, *ai;
	const double zero = 0;
	int pop;

	for (size_t s = 0; s < 3; s++)
		for (size_t t = 0; t < 4; t++) {
			q.slope_e = slopes[s];
			q.slope_i = slopes[2 - s];
			q.theta_e = thetas[t];
			q.theta_i = thetas[3 - t];
			wc_params(m, &q, p);
			assert_int_equal(soma_model_rhs(m, p, y, NULL, 0.1, dy), SOMA_OK);
			assert_true(fabs(dy[0]) <= 1e-16 && fabs(dy[1]) <= 1e-16);
		}
	/* a unit started at rest stays there */
	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "W", "wilson_cowan", 3, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "a_e", &zero, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "a_i", &zero, 1), SOMA_OK);
	assert_int_equal(soma_network_run(net, 1000), SOMA_OK);
	soma_population_state(net, pop, "a_e", &ae);
	soma_population_state(net, pop, "a_i", &ai);
	for (int i = 0; i < 3; i++)
		assert_true(fabs(ae[i]) <= 1e-15 && fabs(ai[i]) <= 1e-15);
	soma_network_destroy(net);
}

/* ---- fixed points ------------------------------------------------------ */

/* wc_f as root2() takes it */
static void root_f(const void *ctx, double x, double y, double *fx, double *fy)
{
	wc_f(ctx, x, y, fx, fy);
}

/* A root of wc_f near (ae, ai) (tests/support/root2.c); 0 on convergence
 * (|f| < 1e-14). */
static int fixed_point(struct wc *q, double *ae, double *ai)
{
	return root2(root_f, q, ae, ai, 1e-14);
}

/* Largest real part of the eigenvalues of the Jacobian of wc_f at (ae, ai),
 * by central differences. */
static double max_real_eig(struct wc *q, double ae, double ai)
{
	const double h = 1e-6;
	double fp, gp, fm, gm, J[2][2], tr, det, disc;

	wc_f(q, ae + h, ai, &fp, &gp);
	wc_f(q, ae - h, ai, &fm, &gm);
	J[0][0] = (fp - fm) / (2 * h);
	J[1][0] = (gp - gm) / (2 * h);
	wc_f(q, ae, ai + h, &fp, &gp);
	wc_f(q, ae, ai - h, &fm, &gm);
	J[0][1] = (fp - fm) / (2 * h);
	J[1][1] = (gp - gm) / (2 * h);
	tr = J[0][0] + J[1][1];
	det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
	disc = tr * tr / 4 - det;
	return disc >= 0 ? tr / 2 + sqrt(disc) : tr / 2;
}

/* Run one unit (defaults, initial a_e = 0.1, a_i = 0.05) for 300 ms under
 * constant I_ext_e = I_e and I_ext_i = I_i (the latter through
 * soma_input_set_channel) and return its final state. */
static void run_unit(soma_method method, double dt, double I_e, double I_i,
		     double *ae, double *ai)
{
	soma_network *net;
	const double *a, *b;
	double d = INFINITY;
	int pop, in_e, in_i;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "W", "wilson_cowan", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, method), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I_e, &d, 1, &in_e),
			 SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I_i, &d, 1, &in_i),
			 SOMA_OK);
	assert_int_equal(soma_input_set_channel(net, in_e, "I_ext_e"), SOMA_OK);
	assert_int_equal(soma_input_set_channel(net, in_i, "I_ext_i"), SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 300)), SOMA_OK);
	soma_population_state(net, pop, "a_e", &a);
	soma_population_state(net, pop, "a_i", &b);
	*ae = a[0];
	*ai = b[0];
	soma_network_destroy(net);
}

/* Every method's discrete map has the ODE's fixed points as its own (f = 0
 * there), so a converged run sits on the root to rounding: tolerance 1e-10
 * in a_e and a_i (activities of order 0.01-0.5). */
static void test_fixed_points(void **state)
{
	(void)state;
	const struct { double I_e, I_i; } cases[] = {
		{ 0.0, 0.0 }, { 1.0, 0.0 }, { 2.0, 0.0 }, { 0.5, 1.5 },
		{ 2.0, -1.0 }, { -1.0, 0.0 },
	};
	const soma_method methods[] = { SOMA_METHOD_EULER, SOMA_METHOD_RK4,
					SOMA_METHOD_EXP_EULER, SOMA_METHOD_RKF45 };

	gsl_set_error_handler_off();
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct wc q = seed_defaults;
		double ae0 = 0, ai0 = 0;

		q.I_e = cases[c].I_e;
		q.I_i = cases[c].I_i;
		for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
			double ae, ai, re, ri;

			run_unit(methods[k], 0.05, q.I_e, q.I_i, &ae, &ai);
			/* the root nearest the run's end state */
			re = ae;
			ri = ai;
			assert_int_equal(fixed_point(&q, &re, &ri), 0);
			printf("# I_ext_e = %4.1f, I_ext_i = %4.1f, %-9s: a_e = %.12f "
			       "a_i = %.12f, root (%.12f, %.12f), max Re(lambda) "
			       "%.3f /ms\n",
			       q.I_e, q.I_i, soma_method_name(methods[k]), ae, ai, re,
			       ri, max_real_eig(&q, re, ri));
			/* a stable node or focus: the run could settle there */
			assert_true(max_real_eig(&q, re, ri) < -0.05);
			assert_true(fabs(ae - re) < 1e-10 && fabs(ai - ri) < 1e-10);
			/* every method settles on the same fixed point */
			if (k == 0) {
				ae0 = re;
				ai0 = ri;
			}
			assert_true(fabs(re - ae0) < 1e-12 && fabs(ri - ai0) < 1e-12);
		}
	}
}

/* The unit refuses Euler with dt longer than a time constant. */
static void test_prepare_refuses_euler_overshoot(void **state)
{
	(void)state;
	soma_network *net;
	int pop;

	assert_int_equal(soma_network_create(0.5, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "W", "wilson_cowan", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "tau_i", 0.25), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "tau_i = 0.25 ms"));
	assert_int_equal(soma_population_set_method(net, pop, SOMA_METHOD_RK4), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_rhs_matches_equations),
		cmocka_unit_test(test_diag),
		cmocka_unit_test(test_sigmoid_zero),
		cmocka_unit_test(test_fixed_points),
		cmocka_unit_test(test_prepare_refuses_euler_overshoot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
