/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LIF (src/models/neurons/lif.c) against its analytic solution:
 *   V(t) = V_rest + R I (1 - exp(-t/tau)),
 *   t*   = -tau ln(1 - (V_th - V_rest)/(R I))   (first spike from V_rest),
 * forward Euler's first-order convergence, the inter-spike interval and
 * spike count with a refractory period, and refractoriness itself.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "soma/soma.h"

static soma_network *one_lif(double dt, double I, double V_th, double t_ref,
			     uint32_t n)
{
	soma_network *net;
	double v = I, d = INFINITY;
	int pop;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", n, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "V_th", V_th), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "t_refractory", t_ref), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &v, &d, 1, NULL), SOMA_OK);
	return net;
}

/* Largest |V_soma - V_exact| over 100 ms without spiking (V_th out of reach). */
static double max_error(double dt)
{
	const double I = 21, R = 1, tau = 10;
	soma_network *net = one_lif(dt, I, 1e9, 1, 1);
	const double *V;
	double err = 0;
	uint64_t steps = soma_network_steps_for(net, 100);

	assert_int_equal(soma_population_state(net, 0, "V", &V), SOMA_OK);
	for (uint64_t s = 1; s <= steps; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		double t = s * dt, exact = R * I * (1 - exp(-t / tau));
		err = fmax(err, fabs(V[0] - exact));
	}
	soma_network_destroy(net);
	return err;
}

static void test_trajectory_first_order(void **state)
{
	(void)state;
	/* Euler's global error on tau V' = RI - V is at most dt/2 * max|V''| *
	 * tau = dt R I / (2 tau) (the problem is contractive). */
	double e1 = max_error(0.1), e2 = max_error(0.05), e3 = max_error(0.025);
	double bound = 0.1 * 21 / (2 * 10);

	assert_true(e1 <= bound);
	assert_true(e1 > bound / 10); /* it is Euler, not an exact method */
	/* first order: the error halves with dt */
	assert_true(fabs(e1 / e2 - 2) < 0.2);
	assert_true(fabs(e2 / e3 - 2) < 0.2);
}

/* Time of the first spike from V = V_rest = 0 with constant input. */
static double first_spike(double dt)
{
	soma_network *net = one_lif(dt, 21, 20, 1, 1);
	double t = -1;

	for (uint64_t s = 1; s < 1000000 && t < 0; s++) {
		uint32_t n;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_int_equal(soma_population_spikes(net, 0, NULL, &n), SOMA_OK);
		if (n)
			t = s * dt;
	}
	soma_network_destroy(net);
	return t;
}

static void test_first_spike_time(void **state)
{
	(void)state;
	const double t_star = -10 * log(1 - 20.0 / 21); /* 30.4452 ms */
	double e1 = first_spike(0.1) - t_star, e2 = first_spike(0.01) - t_star,
	       e3 = first_spike(0.001) - t_star;

	/* Euler's V_k = RI (1 - (1 - dt/tau)^k) lies above the exact
	 * RI (1 - exp(-k dt/tau)), so the spike comes early; the error is
	 * O(dt) (about -1.5 dt here) and shrinks ten-fold with dt. */
	assert_true(e1 < 0 && e1 > -2 * 0.1);
	assert_true(e2 < 0 && e2 > -2 * 0.01);
	assert_true(e3 < 0 && e3 > -2 * 0.001);
	assert_true(fabs(e2) < fabs(e1) / 5 && fabs(e3) < fabs(e2) / 5);
}

/* The seed's appendix LIF run: input 21, t_refractory 5 ms, 200 ms. */
static void test_isi_and_count(void **state)
{
	(void)state;
	const double dt = 0.1, tau = 10, RI = 21, V_th = 20, V_reset = -5, t_ref = 5;
	soma_network *net = one_lif(dt, RI, V_th, t_ref, 1);
	uint64_t steps = soma_network_steps_for(net, 200);
	double last = -1, isi = -1;
	int count = 0;

	assert_int_equal(soma_population_set_param(net, 0, "V_reset", V_reset), SOMA_OK);
	for (uint64_t s = 1; s <= steps; s++) {
		uint32_t n;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, NULL, &n);
		if (!n)
			continue;
		if (last >= 0) {
			double this_isi = s * dt - last;
			if (isi >= 0) /* the interval is the same every time */
				assert_true(fabs(this_isi - isi) < 1e-9);
			isi = this_isi;
		}
		last = s * dt;
		count++;
	}
	soma_network_destroy(net);

	/* Continuous prediction: V held for t_ref, then climbs from V_reset. */
	double isi_exact = t_ref + tau * log((RI - V_reset) / (RI - V_th));
	double t1 = -tau * log(1 - V_th / RI);
	int count_exact = (int)floor((200 - t1) / isi_exact) + 1;

	/* Discrete prediction of the same scheme, computed independently:
	 * t_ref/dt held steps, then Euler steps until V >= V_th. */
	int k = 0;
	for (double v = V_reset; v < V_th; k++)
		v += dt / tau * (RI - v);
	double isi_discrete = (round(t_ref / dt) + k) * dt;

	assert_true(fabs(isi - isi_discrete) < 1e-9);
	assert_true(fabs(isi - isi_exact) < 2 * dt);
	assert_int_equal(count, count_exact);
}

/* V is constant (= V_reset) and no spike for t_refractory after a spike. */
static void test_refractory(void **state)
{
	(void)state;
	const double dt = 0.1, t_ref = 2.5;
	soma_network *net = one_lif(dt, 1e4, 20, t_ref, 1);
	const double *V;
	uint32_t n;
	int held = 0;

	soma_population_state(net, 0, "V", &V);
	/* with I = 1e4 pA the neuron crosses V_th in one step */
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	soma_population_spikes(net, 0, NULL, &n);
	assert_int_equal(n, 1);
	assert_true(V[0] == -5.0);
	for (;;) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, NULL, &n);
		if (V[0] != -5.0 || n)
			break;
		held++;
	}
	/* held for exactly t_ref / dt steps, then integration resumes and
	 * (I = 1e4) the neuron fires at once */
	assert_int_equal(held, (int)round(t_ref / dt));
	assert_int_equal(n, 1);
	soma_network_destroy(net);
}

/* t_refractory = 0: integration resumes on the very next step. */
static void test_no_refractory(void **state)
{
	(void)state;
	soma_network *net = one_lif(0.1, 1e4, 20, 0, 1);
	uint32_t n;

	for (int s = 0; s < 5; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, NULL, &n);
		assert_int_equal(n, 1);
	}
	soma_network_destroy(net);
}

static void test_param_errors(void **state)
{
	(void)state;
	soma_network *net;
	int pop;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 3, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "tau", -3), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "(0, inf) ms"));
	assert_int_equal(soma_population_set_param(net, pop, "tua", 3), SOMA_ENOENT);
	assert_int_equal(soma_population_set_param(net, pop, "t_refractory", -1), SOMA_ERANGE);
	double tau;
	assert_int_equal(soma_population_get_param(net, pop, "tau", &tau), SOMA_OK);
	assert_true(tau == 10.0); /* failed set left it unchanged */
	assert_int_equal(soma_network_add_population(net, "L", "lif", 3, NULL), SOMA_EEXIST);
	assert_int_equal(soma_network_add_population(net, "M", "lif", 0, NULL), SOMA_ERANGE);
	assert_int_equal(soma_network_add_population(net, "M", "nope", 1, NULL), SOMA_ENOENT);
	assert_int_equal(soma_network_add_population(net, "M", "exponential", 1, NULL), SOMA_EINVAL);
	assert_int_equal(soma_network_add_population(net, "9x", "lif", 1, NULL), SOMA_EINVAL);
	soma_network_destroy(net);
	assert_int_equal(soma_network_create(0, 1, &net), SOMA_ERANGE);
	assert_null(net);
	assert_int_equal(soma_network_create(NAN, 1, &net), SOMA_ERANGE);
	soma_network_destroy(NULL);
}

/* V starts at V_rest (BrainModels' LIF: V = V_rest), follows V_rest until it
 * is initialised explicitly; nonsense parameter pairs are refused. */
static void test_initial_V_and_prepare_checks(void **state)
{
	(void)state;
	soma_network *net;
	const double *V;
	double v0 = -70;
	int pop;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 3, &pop), SOMA_OK);
	soma_population_state(net, pop, "V", &V);
	assert_true(V[0] == 0.0 && V[2] == 0.0);
	assert_int_equal(soma_population_set_param(net, pop, "V_rest", -52), SOMA_OK);
	assert_true(V[0] == -52.0 && V[2] == -52.0);
	double bad = NAN;
	assert_int_equal(soma_population_set_state(net, pop, "V", &bad, 1), SOMA_ERANGE);
	assert_true(V[0] == -52.0);
	assert_int_equal(soma_population_set_state(net, pop, "V", &v0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "V_rest", -60), SOMA_OK);
	assert_true(V[1] == -70.0); /* explicit initial state wins */

	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "V_reset", 25), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "V_reset"));
	assert_int_equal(soma_population_set_param(net, pop, "V_reset", -5), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "tau", 0.06), SOMA_OK);
	assert_int_equal(soma_network_run(net, 1), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "dt"));
	assert_int_equal(soma_network_steps(net), 0);
	soma_network_destroy(net);
}

/* The seed's defaults, from the descriptor. */
static void test_defaults(void **state)
{
	(void)state;
	const soma_model *m = soma_model_find("lif");
	const char *names[] = { "V_rest", "V_reset", "V_th", "R", "tau", "t_refractory" };
	const double defs[] = { 0, -5, 20, 1, 10, 1 };

	assert_non_null(m);
	for (int i = 0; i < 6; i++) {
		int k = soma_model_param_index(m, names[i]);
		assert_true(k >= 0);
		assert_true(m->params[k].def == defs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trajectory_first_order),
		cmocka_unit_test(test_first_spike_time),
		cmocka_unit_test(test_isi_and_count),
		cmocka_unit_test(test_refractory),
		cmocka_unit_test(test_no_refractory),
		cmocka_unit_test(test_param_errors),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_initial_V_and_prepare_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
