/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Wong-Wang reduced decision model (src/models/rates/wong_wang.c) against
 * the seed's §3.2.1 equations, written again here in the seed's own units
 * (seconds, nA, Hz/nA; derivatives per second):
 *  - the right-hand side and its diagonal at states over the plane, with
 *    coherence and the extra currents I_1, I_2;
 *  - the rate r(x) = x / (1 - exp(-d x)) at and around x = 0 (limit 1/d,
 *    continuity to 1e-12) and for huge |x| (finite);
 *  - long runs settle on the seed's fixed points (mu_0 = 0; 30 Hz with
 *    coh = 0.512 and coh = 0), which GSL's root finder also finds for the
 *    equations of this file;
 *  - the units the parameters are written in ("270 Hz/nA", "0.00117 nA/Hz").
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

/* The seed's parameters in the seed's units (nA, s, Hz). */
struct ww {
	double coh, JAext, J_rec, J_inh, I_0, a, b, d, tau_s, gamma;
	double mu, I1, I2; /* Hz, nA, nA */
};

static const struct ww seed = {
	.coh = 0, .JAext = 0.00117, .J_rec = 0.3725, .J_inh = 0.1137,
	.I_0 = 0.3297, .a = 270, .b = 108, .d = 0.154, .tau_s = 0.06,
	.gamma = 0.641,
};

/* The seed's derivative(), per second. */
static void seed_f(const struct ww *q, double s1, double s2, double *f1,
		   double *f2)
{
	double I1 = q->JAext * q->mu * (1 + q->coh) + q->I1;
	double I2 = q->JAext * q->mu * (1 - q->coh) + q->I2;
	double Is1 = q->J_rec * s1 - q->J_inh * s2 + q->I_0 + I1;
	double Is2 = q->J_rec * s2 - q->J_inh * s1 + q->I_0 + I2;
	double r1 = (q->a * Is1 - q->b) / (1 - exp(-q->d * (q->a * Is1 - q->b)));
	double r2 = (q->a * Is2 - q->b) / (1 - exp(-q->d * (q->a * Is2 - q->b)));

	*f1 = -s1 / q->tau_s + (1 - s1) * q->gamma * r1;
	*f2 = -s2 / q->tau_s + (1 - s2) * q->gamma * r2;
}

/* The model's parameters (pA, ms, Hz/pA, pA/Hz), by name, and its inputs. */
static void ww_params(const soma_model *m, const struct ww *q, double *p,
		      double *in)
{
	const struct { const char *name; double v; } nv[] = {
		{ "coh", q->coh }, { "J_A_ext", q->JAext * 1e3 },
		{ "J_rec", q->J_rec * 1e3 }, { "J_inh", q->J_inh * 1e3 },
		{ "I_0", q->I_0 * 1e3 }, { "a", q->a * 1e-3 }, { "b", q->b },
		{ "d", q->d * 1e3 }, { "tau_s", q->tau_s * 1e3 },
		{ "gamma", q->gamma },
	};

	assert_int_equal(m->n_params, sizeof(nv) / sizeof(nv[0]));
	for (size_t k = 0; k < sizeof(nv) / sizeof(nv[0]); k++) {
		int i = soma_model_param_index(m, nv[k].name);
		assert_true(i >= 0);
		p[i] = nv[k].v;
	}
	if (in) {
		in[soma_model_input_index(m, "mu_0")] = q->mu;
		in[soma_model_input_index(m, "I_1")] = q->I1 * 1e3;
		in[soma_model_input_index(m, "I_2")] = q->I2 * 1e3;
	}
}

static void test_descriptor(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wong_wang");
	double p[10];
	struct ww q = seed;

	assert_non_null(m);
	assert_int_equal(m->kind, SOMA_MODEL_NEURON);
	assert_null(m->ops->spike);
	assert_int_equal(m->n_state, 2);
	assert_int_equal(soma_model_state_index(m, "s1"), 0);
	assert_int_equal(soma_model_state_index(m, "s2"), 1);
	assert_true(m->state[0].def == 0.06 && m->state[1].def == 0.06);
	assert_int_equal(soma_model_input_count(m), 3);
	assert_int_equal(soma_model_input_index(m, "mu_0"), 0);
	assert_int_equal(soma_model_input_index(m, "I_1"), 1);
	assert_int_equal(soma_model_input_index(m, "I_2"), 2);
	assert_string_equal(soma_model_input(m, 0)->unit, "Hz");
	assert_string_equal(soma_model_input(m, 1)->unit, "pA");
	assert_int_equal(soma_model_default_method(m), SOMA_METHOD_RK4);
	/* the defaults are the seed's, converted (to 1e-12: 270e-3 and
	 * 0.00117e3 need not round to the literals) */
	ww_params(m, &q, p, NULL);
	for (size_t k = 0; k < m->n_params; k++)
		assert_true(fabs(m->params[k].def - p[k]) <= 1e-12 * fabs(p[k]));
	assert_string_equal(m->params[soma_model_param_index(m, "a")].unit, "Hz/pA");
	assert_string_equal(m->params[soma_model_param_index(m, "J_A_ext")].unit,
			    "pA/Hz");
	assert_string_equal(m->params[soma_model_param_index(m, "d")].unit, "ms");
}

/* soma_model_rhs (per ms) against seed_f (per s) / 1000 over the plane,
 * with the defaults and with other parameters, coherence and inputs on
 * every channel. */
static void test_rhs_matches_equations(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wong_wang");
	double worst = 0;

	for (int set = 0; set < 3; set++) {
		struct ww q = seed;
		double p[10], in[3];

		if (set == 1) {
			q.coh = 0.512;
			q.mu = 30;
		} else if (set == 2) {
			q.coh = -0.3;
			q.mu = 12.5;
			q.I1 = 0.02;
			q.I2 = -0.015;
			q.tau_s = 0.1;
			q.d = 0.2;
			q.gamma = 0.5;
			q.J_inh = 0.05;
		}
		ww_params(m, &q, p, in);
		for (int i = 0; i <= 20; i++)
			for (int j = 0; j <= 20; j++) {
				double y[2] = { 0.0013 + 0.049 * i, 0.0021 + 0.0487 * j };
				double dy[2], f1, f2;

				assert_int_equal(soma_model_rhs(m, p, y, in, 0.1, dy),
						 SOMA_OK);
				seed_f(&q, y[0], y[1], &f1, &f2);
				f1 /= 1000;
				f2 /= 1000;
				worst = fmax(worst, fabs(dy[0] - f1) / fmax(fabs(f1), 1e-6));
				worst = fmax(worst, fabs(dy[1] - f2) / fmax(fabs(f2), 1e-6));
			}
	}
	printf("# rhs: worst relative difference %.3g\n", worst);
	assert_true(worst < 1e-11);
}

/* One neuron of the model, for calling its kernel with a diagonal. */
static void kernel(const soma_model *m, double *param, const double *in,
		   double s1, double s2, double *f, double *d)
{
	struct soma__pop p;
	char err[256];
	const double *inp[3] = { &in[0], &in[1], &in[2] };
	double g = 0, y0 = s1, y1 = s2;
	const double *yy[2] = { &y0, &y1 };
	double *fy[2] = { &f[0], &f[1] }, *dg[2] = { &d[0], &d[1] };
	struct soma__blk blk = { 0, 1, inp, &g };

	memset(&p, 0, sizeof(p));
	p.model = m;
	p.n = 1;
	p.param = param;
	p.method = SOMA_METHOD_EXP_EULER;
	assert_int_equal(m->ops->pop_prepare(&p, 0.1, err, sizeof(err)), SOMA_OK);
	m->ops->rhs(&p, &blk, yy, fy, dg);
}

/* The diagonal (for exp_euler) against central differences of seed_f:
 * d(ds1/dt)/ds1 with the recurrent term (1 - s1) gamma r1'(x) a J_rec.
 * Also where |d x| < 0.1 (the Taylor branch of the derivative): a = 0.25
 * Hz/pA, b = 100 Hz, I_0 = 400 pA put x = 0 at s1 = s2 = 0. */
static void test_diag(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wong_wang");
	double worst = 0;
	int near_zero = 0;

	for (int set = 0; set < 2; set++) {
		struct ww q = seed;
		double p[10], in[3];
		const double h = 1e-6;

		q.mu = 20;
		q.coh = 0.2;
		if (set == 1) {
			q.a = 250;
			q.b = 100;
			q.I_0 = 0.4;
			q.mu = 0;
		}
		ww_params(m, &q, p, in);
		for (int i = 0; i <= 12; i++)
			for (int j = 0; j <= 12; j++) {
				double s1 = set ? 0.0005 + 0.0011 * i : 0.03 + 0.07 * i;
				double s2 = set ? 0.0003 + 0.0013 * j : 0.02 + 0.075 * j;
				double f[2], d[2], fp1, fp2, fm1, fm2, fd1, fd2, u1, u2;

				u1 = q.d * (q.a * (q.J_rec * s1 - q.J_inh * s2 +
						   q.I_0) - q.b);
				u2 = q.d * (q.a * (q.J_rec * s2 - q.J_inh * s1 +
						   q.I_0) - q.b);
				if (fabs(u1) < 1e-3 || fabs(u2) < 1e-3)
					continue; /* seed_f cancels there */
				near_zero += fabs(u1) < 0.1;
				kernel(m, p, in, s1, s2, f, d);
				seed_f(&q, s1 + h, s2, &fp1, &fp2);
				seed_f(&q, s1 - h, s2, &fm1, &fm2);
				fd1 = (fp1 - fm1) / (2 * h) / 1000;
				seed_f(&q, s1, s2 + h, &fp1, &fp2);
				seed_f(&q, s1, s2 - h, &fm1, &fm2);
				fd2 = (fp2 - fm2) / (2 * h) / 1000;
				worst = fmax(worst, fabs(d[0] - fd1));
				worst = fmax(worst, fabs(d[1] - fd2));
			}
	}
	printf("# diag: worst difference %.3g /ms (%d points with |d x| < 0.1)\n",
	       worst, near_zero);
	assert_true(near_zero > 20);
	/* diagonal entries are 0.01-1 /ms; central differences err by
	 * h^2 f''' plus rounding eps |f| / h, both < 1e-9 */
	assert_true(worst < 1e-8);
}

/* r(x) = x / (1 - exp(-d x)) at x = 0 is its limit 1/d, and is continuous
 * there: around x = 0 it follows the series g(u) = u / (1 - e^-u) =
 * 1 + u/2 + u^2/12 - u^4/720 (u = d x, error < u^6/30240 < 1e-16 for
 * |u| < 0.004) to 1e-12 relative. With s1 = 0, ds1/dt = gamma r1 exactly.
 * a = 0.25 Hz/pA, b = 100 Hz and I_0 = 400 pA give x = 0 exactly. */
static void test_rate_at_zero(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("wong_wang");
	struct ww q = seed;
	double p[10], in[3], y[2] = { 0, 0 }, dy[2];
	const int i0 = soma_model_param_index(m, "I_0");
	const double d_ms = 154, gamma = 0.641;

	q.a = 250;
	q.b = 100;
	q.I_0 = 0.4;
	ww_params(m, &q, p, in);
	assert_int_equal(soma_model_rhs(m, p, y, in, 0.1, dy), SOMA_OK);
	assert_true(isfinite(dy[0]));
	assert_true(fabs(dy[0] - gamma / d_ms) <= 1e-15 * gamma / d_ms);
	assert_true(dy[0] == dy[1]);
	for (int e = -14; e <= -1; e++)
		for (int sign = -1; sign <= 1; sign += 2) {
			double eps = sign * pow(10, e); /* pA */
			double x, u, g;

			p[i0] = 400 + eps;
			x = 0.25 * p[i0] - 100;  /* Hz, as the model forms it */
			u = 0.154 * x;
			g = 1 + u / 2 + u * u / 12 - u * u * u * u / 720;
			assert_int_equal(soma_model_rhs(m, p, y, in, 0.1, dy), SOMA_OK);
			if (!(fabs(dy[0] - gamma * g / d_ms) <= 1e-12 * gamma * g / d_ms))
				fail_msg("I_0 = 400 %+g pA: ds1/dt = %.17g, series %.17g",
					 eps, dy[0], gamma * g / d_ms);
		}
	/* huge |x|: no overflow, r -> 0 below and r -> x above */
	for (int sign = -1; sign <= 1; sign += 2) {
		p[i0] = sign * 1e7;
		assert_int_equal(soma_model_rhs(m, p, y, in, 0.1, dy), SOMA_OK);
		assert_true(isfinite(dy[0]) && isfinite(dy[1]));
		if (sign < 0)
			assert_true(dy[0] >= 0 && dy[0] < 1e-300);
		else /* x = 0.25e7 - 100 Hz, r/1000 per ms */
			assert_true(fabs(dy[0] - gamma * (0.25e7 - 100) / 1000) <
				    1e-12 * gamma * 0.25e7 / 1000);
	}
	/* and the kernel's diagonal there: finite, with r'(x) -> 0 and 1/2 */
	{
		double f[2], d[2];

		p[i0] = -1e7;
		kernel(m, p, in, 0.5, 0.5, f, d);
		assert_true(isfinite(d[0]) && fabs(d[0] + 1 / 60.0) < 1e-12);
		p[i0] = 400;
		kernel(m, p, in, 0, 0, f, d);
		/* -1/tau - gamma/d + gamma r'(0) a J_rec, r'(0) = 1/2 */
		assert_true(fabs(d[0] - (-1 / 60.0 - gamma / d_ms +
					 gamma * 0.5 * 0.25 * 372.5e-3)) < 1e-15);
	}
}

/* ---- fixed points ------------------------------------------------------ */

/* seed_f as root2() takes it */
static void root_f(const void *ctx, double x, double y, double *fx, double *fy)
{
	seed_f(ctx, x, y, fx, fy);
}

/* A root of seed_f near (s1, s2) (tests/support/root2.c); 0 on convergence
 * (|f| < 1e-12). */
static int fixed_point(struct ww *q, double *s1, double *s2)
{
	return root2(root_f, q, s1, s2, 1e-12);
}

/* One unit with mu_0 constant and coherence coh, from (s1, s2), for
 * duration ms with dt = 0.1 ms; returns the final state. */
static void run_unit(soma_method method, double mu, double coh, double s1_0,
		     double s2_0, double duration, double *s1, double *s2)
{
	soma_network *net;
	const double *a, *b;
	double inf = INFINITY;
	int pop;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "D", "wong_wang", 1, &pop),
			 SOMA_OK);
	if (method != SOMA_METHOD_DEFAULT)
		assert_int_equal(soma_population_set_method(net, pop, method), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "coh", coh), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "s1", &s1_0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "s2", &s2_0, 1), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &mu, &inf, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, duration)),
			 SOMA_OK);
	soma_population_state(net, pop, "s1", &a);
	soma_population_state(net, pop, "s2", &b);
	*s1 = a[0];
	*s2 = b[0];
	soma_network_destroy(net);
}

/* The seed's printed fixed points (§3.2.1) are reached by long runs, to
 * 1e-6 (the seed prints 10-16 digits from its own root finder); the runs
 * sit on the root of this file's equations (GSL) to 1e-9: every method's
 * map has the ODE's fixed points as its own. */
static void test_fixed_points(void **state)
{
	(void)state;
	const struct {
		double mu, coh, s1_0, s2_0, s1, s2;
	} cases[] = {
		/* mu_0 = 30 Hz, coh = 0.512: choice 1 */
		{ 30, 0.512, 0.06, 0.06, 0.723145352056, 0.005397687847426814 },
		/* mu_0 = 30 Hz, coh = 0: symmetric, a slight lead of pool 1
		 * decides for it, of pool 2 for pool 2 */
		{ 30, 0, 0.07, 0.06, 0.699350435556, 0.011622051540013889 },
		{ 30, 0, 0.06, 0.07, 0.0116220495267, 0.6993504413889349 },
		/* no stimulus: the spontaneous state */
		{ 0, 0, 0.06, 0.06, 0.061761097896, 0.06176109215560733 },
		/* coh = 1: the single fixed point */
		{ 30, 1, 0.06, 0.06, 0.7410985604, 0.0026865954387078755 },
	};
	const soma_method methods[] = { SOMA_METHOD_DEFAULT, SOMA_METHOD_EXP_EULER,
					SOMA_METHOD_RKF45 };

	gsl_set_error_handler_off();
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
			struct ww q = seed;
			double s1, s2, r1, r2;

			run_unit(methods[k], cases[c].mu, cases[c].coh,
				 cases[c].s1_0, cases[c].s2_0, 10000, &s1, &s2);
			q.mu = cases[c].mu;
			q.coh = cases[c].coh;
			r1 = s1;
			r2 = s2;
			assert_int_equal(fixed_point(&q, &r1, &r2), 0);
			printf("# mu_0 = %2g Hz, coh = %5.3f, %-9s: s1 = %.12f "
			       "s2 = %.12f, root (%.12f, %.12f), seed (%.12f, %.12f)\n",
			       cases[c].mu, cases[c].coh,
			       methods[k] ? soma_method_name(methods[k]) : "rk4",
			       s1, s2, r1, r2, cases[c].s1, cases[c].s2);
			assert_true(fabs(s1 - r1) < 1e-9 && fabs(s2 - r2) < 1e-9);
			assert_true(fabs(s1 - cases[c].s1) < 1e-6);
			assert_true(fabs(s2 - cases[c].s2) < 1e-6);
		}
}

/* The units of the parameters, as the seed writes them. */
static void test_units(void **state)
{
	(void)state;
	char err[256];
	double v;

	assert_int_equal(soma_unit_parse("270 Hz/nA", "Hz/pA", &v, err, sizeof(err)),
			 SOMA_OK);
	assert_true(fabs(v - 0.27) < 1e-15);
	assert_int_equal(soma_unit_parse("0.27 Hz/pA", "Hz/pA", &v, err, sizeof(err)),
			 SOMA_OK);
	assert_true(v == 0.27);
	assert_int_equal(soma_unit_parse("0.00117 nA/Hz", "pA/Hz", &v, err, sizeof(err)),
			 SOMA_OK);
	assert_true(fabs(v - 1.17) < 1e-14);
	assert_int_equal(soma_unit_parse("1.17 pA/Hz", "pA/Hz", &v, err, sizeof(err)),
			 SOMA_OK);
	assert_true(v == 1.17);
	assert_string_equal(soma_unit_dimension("Hz/pA"), "gain");
	assert_string_equal(soma_unit_dimension("pA/Hz"), "coupling");
	/* a gain is no coupling, no current and no frequency */
	assert_int_equal(soma_unit_parse("270 Hz/nA", "pA/Hz", &v, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_string_equal(err, "unit 'Hz/nA' is a gain, expected a coupling (pA/Hz)");
	assert_int_equal(soma_unit_parse("270 Hz", "Hz/pA", &v, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_int_equal(soma_unit_parse("1 nA/Hz", "pA", &v, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_int_equal(soma_unit_parse("1 Hz/uA", "Hz/pA", &v, err, sizeof(err)),
			 SOMA_EUNIT);
	assert_string_equal(err, "unknown unit 'Hz/uA': a gain takes Hz/pA, Hz/nA");
}

/* Forward Euler with dt > tau_s is refused; rk4 is the default. */
static void test_prepare(void **state)
{
	(void)state;
	soma_network *net;
	int pop;

	assert_int_equal(soma_network_create(0.5, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "D", "wong_wang", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_method(net, pop), SOMA_METHOD_RK4);
	assert_int_equal(soma_population_set_param(net, pop, "tau_s", 0.25), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, SOMA_METHOD_EULER), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "tau_s = 0.25 ms"));
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
		cmocka_unit_test(test_rate_at_zero),
		cmocka_unit_test(test_fixed_points),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_prepare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
