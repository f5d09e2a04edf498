/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Single-exponential synapse and delays (network.h, "Delays"):
 * one presynaptic spike at t_s gives, at the post side,
 *   s(t) = w exp(-(t - t_a)/tau) for t >= t_a = t_s + D dt, and 0 before,
 * with D = floor(delay/dt + 1/2), for delays of 0, one step, 2 ms and a
 * delay that is not a multiple of dt; and the current- and
 * conductance-based outputs.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "soma/soma.h"

#define DT 0.1

/* pre: 1 LIF fired once by a one-step pulse at step k0 (spike time
 * (k0+1)*dt); post: 3 LIF that never spike. */
static soma_network *pair(double delay, soma_output_kind out, double w,
			  int *proj, uint64_t k0)
{
	soma_network *net;
	int pre, post;
	double v[3] = { 0, 1e4, 0 };
	double d[3] = { k0 * DT, DT, INFINITY };
	soma_projection_spec spec = {
		.name = "P", .synapse = "exponential", .output = out,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(w), .delay_ms = delay,
	};

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 1, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 3, &post), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, post, "V_th", 1e9), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pre, NULL, 0, v, d, 3, NULL), SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, proj), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, *proj, "tau", 2.0), SOMA_OK);
	return net;
}

static void check_delay(double delay, uint32_t D_expected)
{
	const double w = 0.7, tau = 2.0;
	const uint64_t k0 = 10; /* the spike happens in step 10, at t = 1.1 ms */
	int proj;
	soma_network *net = pair(delay, SOMA_OUTPUT_CURRENT, w, &proj, k0);
	const double *s;
	double t_s = -1;

	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), D_expected);
	assert_int_equal(soma_projection_synapse_count(net, proj), 3);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	for (uint64_t step = 1; step <= 200; step++) {
		uint32_t n;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, NULL, &n);
		if (n) {
			assert_true(t_s < 0); /* exactly one spike */
			t_s = step * DT;
			assert_int_equal(step, k0 + 1);
		}
		double t = step * DT;
		double t_a = (k0 + 1 + D_expected) * DT;
		double expect = step >= k0 + 1 + D_expected ?
					w * exp(-(t - t_a) / tau) : 0.0;
		for (int j = 0; j < 3; j++)
			assert_true(fabs(s[j] - expect) <= 1e-12);
	}
	assert_true(t_s > 0);
	soma_network_destroy(net);
}

static void test_delay_zero(void **st) { (void)st; check_delay(0.0, 0); }
static void test_delay_one_step(void **st) { (void)st; check_delay(DT, 1); }
static void test_delay_2ms(void **st) { (void)st; check_delay(2.0, 20); }
/* 0.25 ms = 2.5 steps: halves round up */
static void test_delay_half_step(void **st) { (void)st; check_delay(0.25, 3); }
/* 0.33 ms = 3.3 steps: nearest */
static void test_delay_not_multiple(void **st) { (void)st; check_delay(0.33, 3); }

static void test_delay_errors(void **st)
{
	(void)st;
	int proj;
	soma_network *net = pair(0, SOMA_OUTPUT_CURRENT, 1, &proj, 0);
	soma_projection_spec spec = {
		.name = "Q", .pre = 0, .post = 1, .synapse = "exponential",
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(1), .delay_ms = -1,
	};
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_ERANGE);
	spec.delay_ms = NAN;
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_ERANGE);
	spec.delay_ms = 0;
	spec.synapse = "lif";
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_EINVAL);
	spec.synapse = "nope";
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_ENOENT);
	spec.synapse = "exponential";
	spec.name = "P";
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_EEXIST);
	assert_int_equal(soma_projection_set_param(net, proj, "tau", 0), SOMA_ERANGE);
	soma_network_destroy(net);
}

/* Output currents: one step of the post neuron's Euler update with the
 * synaptic current of the documented form, computed by hand. */
static void check_output(soma_output_kind out)
{
	const double w = 3.0, E = -80, tau = 2.0;
	int proj;
	soma_network *net = pair(0, out, w, &proj, 0);
	const double *V, *s;
	double V0 = -10, Vn;

	soma_projection_set_param(net, proj, "E", E);
	assert_int_equal(soma_population_set_state(net, 1, "V", &V0, 1), SOMA_OK);
	soma_population_state(net, 1, "V", &V);
	soma_projection_state(net, proj, "s", &s);
	/* step 0: the pre spike (t = 0.1) reaches s at once (delay 0) */
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	assert_true(fabs(s[0] - w) < 1e-15);
	Vn = V0 + DT / 10 * (0 - V0); /* no synaptic current yet */
	assert_true(fabs(V[0] - Vn) < 1e-12);
	/* step 1: I = s (current) or s (E - V) (conductance) at t = 0.1 */
	double I = out == SOMA_OUTPUT_CURRENT ? w : w * (E - Vn);
	double V2 = Vn + DT / 10 * (0 - Vn + 1.0 * I);
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	assert_true(fabs(V[0] - V2) < 1e-12);
	assert_true(fabs(s[0] - w * exp(-DT / tau)) < 1e-15);
	assert_string_equal(soma_projection_weight_unit(net, proj),
			    out == SOMA_OUTPUT_CURRENT ? "pA" : "nS");
	soma_network_destroy(net);
}

static void test_current_output(void **st) { (void)st; check_output(SOMA_OUTPUT_CURRENT); }
static void test_conductance_output(void **st) { (void)st; check_output(SOMA_OUTPUT_CONDUCTANCE); }

/* An initial synaptic state s(0) decays from t = 0 (the COBA kick). */
static void test_initial_state(void **st)
{
	(void)st;
	int proj;
	soma_network *net = pair(0, SOMA_OUTPUT_CONDUCTANCE, 1, &proj, 1000);
	soma_dist d = { SOMA_DIST_NORMAL, 40, 15 };
	const double *s;
	double s0[3];

	assert_int_equal(soma_projection_init_state(net, proj, "s", &d), SOMA_OK);
	soma_projection_state(net, proj, "s", &s);
	memcpy(s0, s, sizeof(s0));
	assert_true(s0[0] != s0[1]);
	assert_int_equal(soma_network_run(net, 10), SOMA_OK);
	for (int j = 0; j < 3; j++)
		assert_true(fabs(s[j] - s0[j] * exp(-10 * DT / 2.0)) < 1e-12);
	d.b = -1;
	assert_int_equal(soma_projection_init_state(net, proj, "s", &d), SOMA_ERANGE);
	assert_int_equal(soma_projection_init_state(net, proj, "g", &d), SOMA_ENOENT);
	soma_network_destroy(net);
}

/* Conductance weights drawn from a normal distribution never go negative:
 * draws below 0 are set to 0 (network.h); current weights keep their sign. */
static void test_conductance_weights_not_negative(void **st)
{
	(void)st;
	soma_network *net;
	int pre, post, proj;
	const double *w;
	const uint64_t *row;
	soma_projection_spec spec = {
		.name = "G", .synapse = "exponential", .output = SOMA_OUTPUT_CONDUCTANCE,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = { SOMA_DIST_NORMAL, 0.0, 5.0 },
	};

	assert_int_equal(soma_network_create(DT, 3, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "poisson", 40, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 50, &post), SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	soma_projection_csr(net, proj, &row, NULL, &w);
	uint64_t zero = 0, n = row[40];
	for (uint64_t e = 0; e < n; e++) {
		assert_true(w[e] >= 0);
		zero += w[e] == 0;
	}
	/* half the draws of N(0, 5) are negative: 1000 +- 4 sd (sd 31.6) */
	assert_true(zero > 1000 - 127 && zero < 1000 + 127);
	spec.name = "C";
	spec.output = SOMA_OUTPUT_CURRENT;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	soma_projection_csr(net, proj, &row, NULL, &w);
	zero = 0;
	for (uint64_t e = 0; e < n; e++)
		zero += w[e] < 0;
	assert_true(zero > 1000 - 127 && zero < 1000 + 127);
	/* a negative constant or mean is refused for conductances */
	spec.name = "N";
	spec.output = SOMA_OUTPUT_CONDUCTANCE;
	spec.weight = soma_dist_constant(-1);
	assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_ERANGE);
	soma_network_destroy(net);
}

/* A conductance far too strong for the step makes forward Euler overshoot
 * (factor 1 - dt/tau (1 + R g) = -49 per step): the run stops with
 * SOMA_ENUMERIC at the first step where dt (1 + R g)/tau > 1, naming the
 * cure, instead of going on with nonsense; exponential Euler integrates the
 * same input exactly: V stays between E = -70 mV and V_rest = 0. */
static void test_unstable_integration_stops(void **st)
{
	(void)st;
	int proj;
	soma_network *net = pair(0, SOMA_OUTPUT_CONDUCTANCE, 5000, &proj, 0);
	const double *V;
	int rc;

	/* V starts at V_rest = 0 mV, driven towards E = -70 mV */
	assert_int_equal(soma_projection_set_param(net, proj, "E", -70), SOMA_OK);
	soma_population_state(net, 1, "V", &V);
	rc = soma_network_run(net, 50);
	assert_int_equal(rc, SOMA_ENUMERIC);
	assert_true(soma_network_steps(net) < 10);
	assert_non_null(strstr(soma_network_errmsg(net), "too strong for forward Euler"));
	assert_non_null(strstr(soma_network_errmsg(net), "exp_euler"));
	assert_non_null(strstr(soma_network_errmsg(net), "population 'post'"));
	soma_network_destroy(net);

	net = pair(0, SOMA_OUTPUT_CONDUCTANCE, 5000, &proj, 0);
	assert_int_equal(soma_projection_set_param(net, proj, "E", -70), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, 1, SOMA_METHOD_EXP_EULER), SOMA_OK);
	soma_population_state(net, 1, "V", &V);
	{
		double lowest = 0;
		/* between E and V_rest at every step, never beyond */
		for (int k = 0; k < 200; k++) {
			assert_int_equal(soma_network_run(net, 1), SOMA_OK);
			assert_true(V[0] <= 1e-12 && V[0] >= -70 - 1e-9);
			lowest = fmin(lowest, V[0]);
		}
		assert_true(lowest < -60); /* it went most of the way to E */
	}
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_zero),
		cmocka_unit_test(test_delay_one_step),
		cmocka_unit_test(test_delay_2ms),
		cmocka_unit_test(test_delay_half_step),
		cmocka_unit_test(test_delay_not_multiple),
		cmocka_unit_test(test_delay_errors),
		cmocka_unit_test(test_current_output),
		cmocka_unit_test(test_conductance_output),
		cmocka_unit_test(test_initial_state),
		cmocka_unit_test(test_conductance_weights_not_negative),
		cmocka_unit_test(test_unstable_integration_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
