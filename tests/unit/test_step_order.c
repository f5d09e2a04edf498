/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The order of operations within one step (network.h): inputs at t_n,
 * synaptic currents at t_n, integrate, threshold, reset, deliver, synapses
 * advance, monitors. Checked through what it implies:
 *  - piecewise inputs switch at the documented steps and add up;
 *  - a spike reaches a zero-delay target one step later, never in the step
 *    it happened, so a chain A -> B -> C fires one step per hop whatever the
 *    order in which the populations were added;
 *  - a neuron that spiked shows V_reset at its spike time.
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

static void test_piecewise_input(void **st)
{
	(void)st;
	soma_network *net;
	int pop;
	/* the seed's constant_current([(0, 0.5), (2, 0.3), (0, 0.2)]) plus a
	 * constant 1 on neuron 1 only */
	double v[3] = { 0, 2, 0 }, d[3] = { 0.5, 0.3, 0.2 };
	double c = 1, inf = INFINITY;
	uint32_t one = 1;
	const double *V;

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 2, &pop), SOMA_OK);
	soma_population_set_param(net, pop, "tau", 1e12); /* V integrates R I dt / tau */
	soma_population_set_param(net, pop, "V_th", 1e9);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, v, d, 3, NULL), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, &one, 1, &c, &inf, 1, NULL), SOMA_OK);
	soma_population_state(net, pop, "V", &V);
	for (int s = 0; s < 12; s++) {
		double before0 = V[0], before1 = V[1];
		double I = (s >= 5 && s < 8) ? 2 : 0; /* steps 5,6,7 */
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_true(fabs((V[0] - before0) * 1e12 / DT - I) < 1e-6);
		assert_true(fabs((V[1] - before1) * 1e12 / DT - (I + 1)) < 1e-6);
	}
	uint32_t bad = 5;
	assert_int_equal(soma_network_add_current(net, pop, &bad, 1, &c, &inf, 1, NULL), SOMA_EINVAL);
	double neg = -1;
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &c, &neg, 1, NULL), SOMA_ERANGE);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &c, &inf, 0, NULL), SOMA_EINVAL);
	soma_network_destroy(net);
}

/* Spike step of each of A, B, C (A driven, A->B->C with delay 0 and a
 * weight that makes one spike fire the target). @order gives the order in
 * which the three populations are added. */
static void chain(const char *order, int64_t fired[3])
{
	soma_network *net;
	int id[3];
	double v[2] = { 0, 1e4 }, d[2] = { 0.3, DT }; /* A fires in step 3 */
	const char *names[3] = { "A", "B", "C" };

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	for (int k = 0; k < 3; k++) {
		int which = order[k] - 'A';
		assert_int_equal(soma_network_add_population(net, names[which], "lif", 1,
							     &id[which]), SOMA_OK);
	}
	soma_network_add_current(net, id[0], NULL, 0, v, d, 2, NULL);
	for (int k = 0; k < 2; k++) {
		soma_projection_spec spec = {
			.name = k ? "BC" : "AB", .pre = id[k], .post = id[k + 1],
			.synapse = "exponential", .output = SOMA_OUTPUT_CURRENT,
			.connector = { SOMA_CONNECT_ONE_TO_ONE, 0, 0 },
			.weight = soma_dist_constant(1e4), .delay_ms = 0,
		};
		assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_OK);
	}
	for (int k = 0; k < 3; k++)
		fired[k] = -1;
	for (int64_t s = 0; s < 20; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (int k = 0; k < 3; k++) {
			uint32_t n;
			soma_population_spikes(net, id[k], NULL, &n);
			if (n && fired[k] < 0) {
				fired[k] = s;
				/* reset happens before anything can see the state */
				const double *V;
				soma_population_state(net, id[k], "V", &V);
				assert_true(V[0] == -5.0);
			}
		}
	}
	soma_network_destroy(net);
}

static void test_one_step_per_hop(void **st)
{
	(void)st;
	const char *orders[] = { "ABC", "CBA", "BAC", "CAB" };

	for (int o = 0; o < 4; o++) {
		int64_t f[3];
		chain(orders[o], f);
		assert_int_equal(f[0], 3);
		assert_int_equal(f[1], 4);
		assert_int_equal(f[2], 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_piecewise_input),
		cmocka_unit_test(test_one_step_per_hop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
