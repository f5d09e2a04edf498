/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Izhikevich (2003) neuron (src/models/neurons/izhikevich.c):
 *  - the five cortical firing patterns of Izhikevich (2003), fig. 2, with
 *    the published (a, b, c, d) under a step to I = 10, each pattern's
 *    defining property stated as numbers on its inter-spike intervals;
 *  - spike times of one pattern (chattering) against the GSL reference run
 *    of tests/support for every method at dt = 0.1, 0.05, 0.025 ms;
 *  - the resting state (the lower root of 0.04 V^2 + (5 - b) V + 140),
 *    the jump u += d at a spike, and the input scale I/C.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_poly.h>

#include "neuron_ref.h"
#include "soma/soma.h"

#define MAXSPK 512

struct pattern {
	const char *name;
	double a, b, c, d;
};

/* Izhikevich (2003), fig. 2 */
static const struct pattern RS = { "RS", 0.02, 0.2, -65, 8 };
static const struct pattern IB = { "IB", 0.02, 0.2, -55, 4 };
static const struct pattern CH = { "CH", 0.02, 0.2, -50, 2 };
static const struct pattern FS = { "FS", 0.1, 0.2, -65, 2 };
static const struct pattern LTS = { "LTS", 0.02, 0.25, -65, 2 };

/* Step input: 0 until 20 ms, then 10 pA (Izhikevich's I = 10 with C = 1 pF) */
#define T_STEP 20.0
#define I_STEP 10.0
#define T_END 400.0

/*
 * Spike times of one neuron with pattern @q from V = -65 mV, u = b V
 * (Izhikevich's initialisation) under the step, with @method at @dt, over
 * T_END ms. Returns the count.
 */
static size_t run_pattern(const struct pattern *q, soma_method method, double dt,
			  double *sp)
{
	soma_network *net;
	int pop;
	double val[] = { 0, I_STEP }, dur[] = { T_STEP, INFINITY };
	double V0 = -65, u0 = q->b * V0;
	size_t n = 0;
	uint64_t steps;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, q->name, "izhikevich", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "a", q->a), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "b", q->b), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "c", q->c), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "d", q->d), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "V", &V0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "u", &u0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, method), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, val, dur, 2, NULL),
			 SOMA_OK);
	steps = soma_network_steps_for(net, T_END);
	for (uint64_t s = 0; s < steps; s++) {
		uint32_t k;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_int_equal(soma_population_spikes(net, pop, NULL, &k), SOMA_OK);
		if (k) {
			assert_true(n < MAXSPK);
			sp[n++] = (double)(s + 1) * dt;
		}
	}
	soma_network_destroy(net);
	return n;
}

/* Inter-spike intervals of n spikes into isi (n - 1 of them). */
static size_t intervals(const double *sp, size_t n, double *isi)
{
	for (size_t k = 1; k < n; k++)
		isi[k - 1] = sp[k] - sp[k - 1];
	return n ? n - 1 : 0;
}

static void print_isi(const char *name, const char *how, const double *isi,
		      size_t m)
{
	char buf[400];
	size_t len = 0;

	for (size_t k = 0; k < m && k < 14 && len + 12 < sizeof(buf); k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %.2f", isi[k]);
	print_message("%-3s %s: %zu ISIs (ms):%s%s\n", name, how, m, buf,
		      m > 14 ? " ..." : "");
}

/* steady rate, Hz: the inverse of the last ISI (ms) */
static double steady_rate(const double *isi, size_t m)
{
	return 1e3 / isi[m - 1];
}

/* the last m ISIs agree within a fraction tol of each other (settled) */
static int settled(const double *isi, size_t n, size_t m, double tol)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t k = n - m; k < n; k++) {
		lo = fmin(lo, isi[k]);
		hi = fmax(hi, isi[k]);
	}
	return hi - lo <= tol * hi;
}

/*
 * The properties, each from Izhikevich (2003), fig. 2, as numbers (values
 * measured with rk4 at dt = 0.01 ms in brackets; rates are 1000 / the last
 * ISI):
 *  RS: spike-frequency adaptation: the second ISI is more than twice the
 *      first [21.0 -> 44.9 ms], then the ISIs settle (last 4 within 1%);
 *      single spikes: every ISI > 15 ms; rate 15-30 Hz [22.3 Hz].
 *  IB: an initial burst: the first two ISIs < 5 ms [2.2, 3.8], then single
 *      spikes: every later ISI > 25 ms [39.0, 31.2, ...], settled.
 *  CH: repetitive bursts: the ISIs fall into two clusters, short (< 10 ms)
 *      and long (> 30 ms), the shortest long one more than 3 times the
 *      longest short one [46.1 / 4.8 = 9.6]; at least 4 long ISIs [6
 *      bursts], never two in a row (each burst has >= 2 spikes).
 *  FS: high rate with little adaptation: rate > 4 times RS's [135.9 vs
 *      22.3 Hz], last/first ISI < 2 [7.36/3.96 = 1.86], below RS's [2.14]
 *      and LTS's [4.63]; settled after 5 ISIs; every ISI < 10 ms. (The
 *      ratio is not near 1: u, with a = 0.1/ms, builds up over the first
 *      ~20 ms, 4 ISIs, before the train is regular.)
 *  LTS: high rate with adaptation: rate > 3 times RS's [74.7 Hz, 3.35x],
 *      last/first ISI > 3 [13.4/2.9 = 4.63], settled; every ISI < 20 ms.
 * The same hold for the default method (Euler) at dt = 0.1 ms.
 */
static void check_patterns(soma_method method, double dt)
{
	double sp[5][MAXSPK], isi[5][MAXSPK], rate[5];
	size_t n[5], m[5];
	const struct pattern *all[5] = { &RS, &IB, &CH, &FS, &LTS };
	enum { P_RS, P_IB, P_CH, P_FS, P_LTS };

	for (int p = 0; p < 5; p++) {
		n[p] = run_pattern(all[p], method, dt, sp[p]);
		m[p] = intervals(sp[p], n[p], isi[p]);
		rate[p] = steady_rate(isi[p], m[p]);
		assert_true(m[p] >= 5);
		print_isi(all[p]->name, soma_method_name(method), isi[p], m[p]);
		print_message("    steady rate %.1f Hz, last/first ISI %.2f\n", rate[p],
			      isi[p][m[p] - 1] / isi[p][0]);
		/* nothing fires before the step */
		assert_true(sp[p][0] > T_STEP);
	}

	/* RS */
	assert_true(isi[P_RS][1] > 2 * isi[P_RS][0]);
	assert_true(settled(isi[P_RS], m[P_RS], 4, 0.01));
	for (size_t k = 0; k < m[P_RS]; k++)
		assert_true(isi[P_RS][k] > 15);
	assert_true(rate[P_RS] > 15 && rate[P_RS] < 30);

	/* IB */
	assert_true(isi[P_IB][0] < 5 && isi[P_IB][1] < 5);
	for (size_t k = 2; k < m[P_IB]; k++)
		assert_true(isi[P_IB][k] > 25);
	assert_true(settled(isi[P_IB], m[P_IB], 5, 0.01));

	/* CH */
	{
		double short_max = 0, long_min = INFINITY;
		int n_long = 0;

		for (size_t k = 0; k < m[P_CH]; k++) {
			double x = isi[P_CH][k];

			assert_true(x < 10 || x > 30); /* two clusters */
			if (x < 10) {
				short_max = fmax(short_max, x);
			} else {
				long_min = fmin(long_min, x);
				n_long++;
				if (k > 0)
					assert_true(isi[P_CH][k - 1] < 10);
			}
		}
		print_message("CH  clusters: short <= %.2f ms, long >= %.2f ms (x%.1f), "
			      "%d bursts\n", short_max, long_min, long_min / short_max,
			      n_long);
		assert_true(long_min > 3 * short_max);
		assert_true(n_long >= 4);
	}

	/* FS */
	{
		double ratio = isi[P_FS][m[P_FS] - 1] / isi[P_FS][0];

		assert_true(rate[P_FS] > 4 * rate[P_RS]);
		assert_true(ratio < 2);
		assert_true(ratio < isi[P_RS][m[P_RS] - 1] / isi[P_RS][0]);
		assert_true(ratio < isi[P_LTS][m[P_LTS] - 1] / isi[P_LTS][0]);
		assert_true(settled(isi[P_FS], m[P_FS], m[P_FS] - 5,
				    method == SOMA_METHOD_EULER ? 0.05 : 0.01));
		for (size_t k = 0; k < m[P_FS]; k++)
			assert_true(isi[P_FS][k] < 10);
	}

	/* LTS */
	assert_true(rate[P_LTS] > 3 * rate[P_RS]);
	assert_true(isi[P_LTS][m[P_LTS] - 1] / isi[P_LTS][0] > 3);
	assert_true(settled(isi[P_LTS], m[P_LTS], 5, method == SOMA_METHOD_EULER ? 0.02 : 0.01));
	for (size_t k = 0; k < m[P_LTS]; k++)
		assert_true(isi[P_LTS][k] < 20);
}

static void test_patterns_accurate(void **state)
{
	(void)state;
	check_patterns(SOMA_METHOD_RK4, 0.01);
}

static void test_patterns_default_method(void **state)
{
	(void)state;
	check_patterns(SOMA_METHOD_EULER, 0.1);
}

/*
 * Chattering (the default V = -65 mV, u = -13 mV/ms is u = b V for b = 0.2)
 * under the step, 150 ms: E = max_k |t_k - t_k,ref| / k (ms) for each
 * method and dt. As for the integrate-and-fire models (test_if_models.c)
 * every end-of-step spike adds a delay in [0, dt), so E is about dt for the
 * accurate methods; measured E/dt at most: Euler 3.0, rk2 0.9, rk4 0.8,
 * rkf45 0.8, exp_euler 0.7. Tolerance: 4 dt for Euler, 1.5 dt for the
 * others; and the error at dt/4 is below 2/3 of that at dt.
 */
static void test_reference(void **state)
{
	static const soma_method methods[] = {
		SOMA_METHOD_EULER, SOMA_METHOD_RK2, SOMA_METHOD_RK4,
		SOMA_METHOD_EXP_EULER, SOMA_METHOD_RKF45,
	};
	static const double dts[] = { 0.1, 0.05, 0.025 };
	const soma_model *mod = soma_model_find("izhikevich");
	const char *names[] = { "c", "d" };
	const double values[] = { CH.c, CH.d }, t_end = 150;
	double st[] = { 0, T_STEP }, val[] = { 0, I_STEP };
	struct ref_input in = { 2, st, val, 0 };
	double param[16], ref[MAXSPK], sp[MAXSPK];
	struct ref_result r = { ref, 0, NULL };
	(void)state;

	assert_non_null(mod);
	for (size_t k = 0; k < mod->n_params; k++)
		param[k] = mod->params[k].def;
	param[soma_model_param_index(mod, "c")] = CH.c;
	param[soma_model_param_index(mod, "d")] = CH.d;
	assert_int_equal(ref_run(mod, param, NULL, &in, t_end, 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes >= 10 && r.n_spikes < MAXSPK);
	print_message("CH reference: %zu spikes, first %.6f ms\n", r.n_spikes, ref[0]);
	for (size_t mi = 0; mi < sizeof(methods) / sizeof(methods[0]); mi++) {
		double e[3], tol = methods[mi] == SOMA_METHOD_EULER ? 4.0 : 1.5;

		for (int d = 0; d < 3; d++) {
			long n = soma_spike_times("izhikevich", names, values, 2,
						  methods[mi], dts[d], &in, t_end + 20,
						  sp, MAXSPK);

			assert_true(n >= (long)r.n_spikes);
			e[d] = 0;
			for (size_t k = 0; k < r.n_spikes; k++)
				e[d] = fmax(e[d], fabs(sp[k] - ref[k]) / (double)(k + 1));
		}
		print_message("  %-9s E/dt = %.2f %.2f %.2f\n",
			      soma_method_name(methods[mi]), e[0] / dts[0],
			      e[1] / dts[1], e[2] / dts[2]);
		for (int d = 0; d < 3; d++)
			assert_true(e[d] <= tol * dts[d]);
		assert_true(e[2] < e[0] * 2.0 / 3.0);
	}
}

/*
 * Rest: with I = 0 the fixed points are u = b V and the roots of
 * 0.04 V^2 + (5 - b) V + 140 (-70 and -50 mV for b = 0.2). The neuron placed
 * at the lower one stays there; the right-hand side vanishes at both.
 */
static void test_rest(void **state)
{
	const soma_model *mod = soma_model_find("izhikevich");
	const double b = 0.2;
	double r0, r1, dy[2], in0 = 0;
	soma_network *net;
	int pop;
	const double *V, *u;
	(void)state;

	assert_int_equal(gsl_poly_solve_quadratic(0.04, 5 - b, 140, &r0, &r1), 2);
	assert_true(fabs(r0 + 70) < 1e-9 && fabs(r1 + 50) < 1e-9);
	for (int k = 0; k < 2; k++) {
		double y[2] = { k ? r1 : r0, b * (k ? r1 : r0) };

		assert_int_equal(soma_model_rhs(mod, NULL, y, &in0, 0.1, dy), SOMA_OK);
		assert_true(fabs(dy[0]) < 1e-12 && fabs(dy[1]) < 1e-12);
	}
	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "izhikevich", 1, &pop), SOMA_OK);
	{
		double V0 = r0, u0 = b * r0;

		assert_int_equal(soma_population_set_state(net, pop, "V", &V0, 1), SOMA_OK);
		assert_int_equal(soma_population_set_state(net, pop, "u", &u0, 1), SOMA_OK);
	}
	assert_int_equal(soma_network_run(net, 1000), SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "u", &u), SOMA_OK);
	assert_true(fabs(V[0] - r0) < 1e-9 && fabs(u[0] - b * r0) < 1e-9);
	assert_int_equal(soma_population_spike_count(net, pop), 0);
	soma_network_destroy(net);
}

/*
 * At a spike V <- c and u <- u + d: stepping with Euler, u after a step is
 * u + dt a (b V - u) from the state before it (computed here), plus d when
 * the neuron spiked and nothing otherwise.
 */
static void test_reset_jump(void **state)
{
	const double dt = 0.1, a = 0.02, b = 0.2, c = -55, d = 4;
	soma_network *net;
	int pop, spikes = 0;
	double I = 10, dur = INFINITY;
	const double *V, *u;
	(void)state;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "izhikevich", 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "c", c), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "d", d), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &dur, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "u", &u), SOMA_OK);
	for (int s = 0; s < 3000; s++) {
		double u_int = u[0] + dt * a * (b * V[0] - u[0]);
		uint32_t n;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_int_equal(soma_population_spikes(net, pop, NULL, &n), SOMA_OK);
		if (n) {
			assert_true(V[0] == c);
			assert_true(fabs(u[0] - u_int - d) < 1e-12);
			spikes++;
		} else {
			assert_true(fabs(u[0] - u_int) < 1e-12);
			assert_true(V[0] < 30);
		}
	}
	assert_true(spikes >= 5);
	soma_network_destroy(net);
}

/* The input enters as I/C: 20 pA into C = 2 pF fires exactly as 10 pA into
 * the default 1 pF; 10 pA into 2 pF fires less. */
static void test_input_scale(void **state)
{
	const char *nm[] = { "C" };
	const double C2[] = { 2 };
	double st[] = { 0 }, v10[] = { 10 }, v20[] = { 20 };
	struct ref_input in10 = { 1, st, v10, 0 }, in20 = { 1, st, v20, 0 };
	double s1[MAXSPK], s2[MAXSPK], s3[MAXSPK];
	long n1, n2, n3;
	(void)state;

	n1 = soma_spike_times("izhikevich", NULL, NULL, 0, SOMA_METHOD_EULER, 0.1,
			      &in10, 300, s1, MAXSPK);
	n2 = soma_spike_times("izhikevich", nm, C2, 1, SOMA_METHOD_EULER, 0.1, &in20,
			      300, s2, MAXSPK);
	n3 = soma_spike_times("izhikevich", nm, C2, 1, SOMA_METHOD_EULER, 0.1, &in10,
			      300, s3, MAXSPK);
	assert_true(n1 >= 5);
	assert_int_equal(n1, n2);
	for (long k = 0; k < n1; k++)
		assert_true(fabs(s1[k] - s2[k]) < 1e-9);
	assert_true(n3 < n1);
}

/* A huge input or a long step with every method: spikes, finite state. */
static void test_no_overflow(void **state)
{
	(void)state;
	for (int m = SOMA_METHOD_EULER; m <= SOMA_METHOD_MSBDF; m++) {
		static const double Is[] = { 1e6, 1e3 };

		for (int k = 0; k < 2; k++) {
			soma_network *net;
			int pop;
			double I = Is[k], d = INFINITY;
			const double *V, *u;

			assert_int_equal(soma_network_create(1.0, 1, &net), SOMA_OK);
			assert_int_equal(soma_network_add_population(net, "N", "izhikevich",
								     1, &pop), SOMA_OK);
			assert_int_equal(soma_population_set_method(net, pop, (soma_method)m),
					 SOMA_OK);
			assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d,
								  1, NULL), SOMA_OK);
			assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
			assert_int_equal(soma_population_state(net, pop, "u", &u), SOMA_OK);
			for (int s = 0; s < 50; s++) {
				int rc = soma_network_run(net, 1);

				if (rc)
					print_message("%s: %s\n", soma_method_name((soma_method)m),
						      soma_network_errmsg(net));
				assert_int_equal(rc, SOMA_OK);
				assert_true(isfinite(V[0]) && isfinite(u[0]));
			}
			assert_true(soma_population_spike_count(net, pop) >= 25);
			soma_network_destroy(net);
		}
	}
}

static void test_prepare_checks(void **state)
{
	soma_network *net;
	int pop;
	(void)state;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "izhikevich", 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "c", 30), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_int_equal(soma_population_set_param(net, pop, "c", 29), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns_accurate),
		cmocka_unit_test(test_patterns_default_method),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_reset_jump),
		cmocka_unit_test(test_input_scale),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_prepare_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
