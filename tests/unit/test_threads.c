/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Results do not depend on the number of threads: populations large enough
 * to share their blocks among OpenMP threads (the fused LIF Euler loop, the
 * generic integrators with exp_euler and the adaptive rkf45) give bit-for-bit
 * the same states and the same spikes, in the same order, with 1, 2 (and 3)
 * threads, in a network with drawn initial states, drawn connections and
 * Poisson input.
 */
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soma/soma.h"

#define STEPS 80

struct run {
	double *state[3];    /* V of the three populations at the end */
	uint64_t *spk;       /* every spike as step << 32 | pop << 24 ... */
	size_t n_spk;
};

static const char *const models[3] = { "lif", "hh", "adexif" };
static const uint32_t sizes[3] = { 40000, 5000, 1000 };
static const soma_method methods[3] = { SOMA_METHOD_EULER,
					SOMA_METHOD_EXP_EULER,
					SOMA_METHOD_RKF45 };

static void run_with(int threads, struct run *r)
{
	soma_network *net;
	int pop[3], src;
	double I[3] = { 25, 8, 10 }, inf = INFINITY;
	size_t cap = 1 << 20;

	assert_int_equal(soma_network_create(0.1, 11, &net), SOMA_OK);
	assert_int_equal(soma_network_set_threads(net, threads), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "src", "poisson", 200, &src), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, src, "rate", 200), SOMA_OK);
	for (int k = 0; k < 3; k++) {
		char name[8] = { 'P', (char)('0' + k), 0 };
		soma_projection_spec spec = {
			.pre = src, .synapse = "exponential",
			.output = SOMA_OUTPUT_CURRENT,
			.connector = { SOMA_CONNECT_FIXED_PROBABILITY, 0.05, 0 },
			.weight = { SOMA_DIST_UNIFORM, 0, 20 }, .delay_ms = 0.3,
		};
		char pname[8] = { 'S', (char)('0' + k), 0 };
		soma_dist v0 = { SOMA_DIST_UNIFORM, -70, -60 };

		assert_int_equal(soma_network_add_population(net, name, models[k], sizes[k], &pop[k]),
				 SOMA_OK);
		assert_int_equal(soma_population_set_method(net, pop[k], methods[k]), SOMA_OK);
		if (k == 0)
			v0 = (soma_dist){ SOMA_DIST_UNIFORM, 0, 19 };
		assert_int_equal(soma_population_init_state(net, pop[k], "V", &v0), SOMA_OK);
		assert_int_equal(soma_network_add_current(net, pop[k], NULL, 0, &I[k], &inf, 1, NULL),
				 SOMA_OK);
		spec.name = pname;
		spec.post = pop[k];
		assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_OK);
	}
	r->spk = malloc(cap * sizeof(uint64_t));
	assert_non_null(r->spk);
	r->n_spk = 0;
	for (int s = 0; s < STEPS; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (int k = 0; k < 3; k++) {
			const uint32_t *idx;
			uint32_t n;
			assert_int_equal(soma_population_spikes(net, pop[k], &idx, &n), SOMA_OK);
			for (uint32_t q = 0; q < n && r->n_spk < cap; q++)
				r->spk[r->n_spk++] = (uint64_t)s << 32 | (uint64_t)k << 24 | idx[q];
		}
	}
	for (int k = 0; k < 3; k++) {
		const double *V;
		assert_int_equal(soma_population_state(net, pop[k], "V", &V), SOMA_OK);
		r->state[k] = malloc(sizes[k] * sizeof(double));
		assert_non_null(r->state[k]);
		memcpy(r->state[k], V, sizes[k] * sizeof(double));
	}
	soma_network_destroy(net);
}

static void free_run(struct run *r)
{
	for (int k = 0; k < 3; k++)
		free(r->state[k]);
	free(r->spk);
}

static void test_thread_count_invariance(void **state)
{
	struct run one, other;

	(void)state;
	run_with(1, &one);
	/* every population fired, so spikes and resets were compared */
	for (int k = 0; k < 3; k++) {
		size_t c = 0;
		for (size_t q = 0; q < one.n_spk; q++)
			c += (int)(one.spk[q] >> 24 & 0xff) == k;
		assert_true(c > 100);
	}
	/* more threads than processors would spin in the barriers: 2, and 3
	 * where there are 3 processors */
	for (int t = 2; t <= (omp_get_num_procs() >= 3 ? 3 : 2); t++) {
		run_with(t, &other);
		assert_int_equal(other.n_spk, one.n_spk);
		assert_memory_equal(other.spk, one.spk, one.n_spk * sizeof(uint64_t));
		for (int k = 0; k < 3; k++)
			assert_memory_equal(other.state[k], one.state[k],
					    sizes[k] * sizeof(double));
		free_run(&other);
	}
	free_run(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_count_invariance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
