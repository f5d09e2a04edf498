/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Poisson spike source (src/models/neurons/poisson.c): spike count, the
 * exponential inter-spike intervals, independence between neurons and
 * seeds, the rate*dt < 1 limit, rate 0, and the shot noise it makes through
 * an exponential current synapse (Campbell's theorem).
 *
 * Every network has a fixed seed, so the statistical bounds are
 * deterministic: they cannot flake, they catch wrong distributions.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soma/soma.h"

static soma_network *source(uint64_t seed, double dt, uint32_t n, double rate)
{
	soma_network *net;
	int pop;

	assert_int_equal(soma_network_create(dt, seed, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "P", "poisson", n, &pop),
			 SOMA_OK);
	assert_int_equal(pop, 0);
	assert_int_equal(soma_population_set_param(net, pop, "rate", rate), SOMA_OK);
	return net;
}

/* Spike trains of @n neurons over @steps steps, as step numbers (1-based:
 * a spike in step s is at t = s dt), per neuron. */
struct trains {
	uint32_t n;
	uint64_t *len;
	uint64_t **t;
	uint64_t total;
	uint64_t coincident_pairs; /* sum over steps of k (k-1) / 2 */
};

static struct trains record(soma_network *net, uint32_t n, uint64_t steps)
{
	struct trains tr = { 0 };
	uint64_t *cap = calloc(n, sizeof(uint64_t));

	tr.n = n;
	tr.len = calloc(n, sizeof(uint64_t));
	tr.t = calloc(n, sizeof(uint64_t *));
	assert_true(cap && tr.len && tr.t);
	for (uint64_t s = 1; s <= steps; s++) {
		const uint32_t *idx;
		uint32_t k;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_int_equal(soma_population_spikes(net, 0, &idx, &k), SOMA_OK);
		tr.coincident_pairs += (uint64_t)k * (k - (k > 0)) / 2;
		for (uint32_t q = 0; q < k; q++) {
			uint32_t i = idx[q];
			assert_true(i < n);
			if (q)
				assert_true(idx[q - 1] < i); /* ascending */
			if (tr.len[i] == cap[i]) {
				cap[i] = cap[i] ? 2 * cap[i] : 64;
				tr.t[i] = realloc(tr.t[i], cap[i] * sizeof(uint64_t));
				assert_non_null(tr.t[i]);
			}
			tr.t[i][tr.len[i]++] = s;
			tr.total++;
		}
	}
	free(cap);
	return tr;
}

static void free_trains(struct trains *tr)
{
	for (uint32_t i = 0; i < tr->n; i++)
		free(tr->t[i]);
	free(tr->t);
	free(tr->len);
}

/* 20 neurons at 50 Hz for 10 s at dt 0.1 ms: q = rate dt = 0.005 per step,
 * count ~ Binomial(20 * 1e5, q): mean 10000, sd 100. The ISIs are geometric
 * (in steps), i.e. exponential at this q: CV = sqrt(1-q) ~ 1, a fraction
 * exp(-1) of them longer than their mean, and neurons independent. */
static void test_count_and_isi(void **state)
{
	const uint32_t n = 20;
	const double rate = 50, dt = 0.1, T = 10000;
	soma_network *net = source(11, dt, n, rate);
	uint64_t steps = soma_network_steps_for(net, T);
	double q = rate * dt * 1e-3, expect, s = 0, s2 = 0, mean, cv;
	uint64_t n_isi = 0, longer = 0, pairs_expected;
	struct trains tr;

	(void)state;
	assert_int_equal(steps, 100000);
	tr = record(net, n, steps);
	expect = q * steps * n;
	assert_true(fabs(tr.total - expect) < 4 * sqrt(expect * (1 - q)));
	assert_int_equal(soma_population_spike_count(net, 0), tr.total);
	/* every neuron fires about rate * T: Binomial(1e5, q), sd 22 */
	for (uint32_t i = 0; i < n; i++)
		assert_true(fabs(tr.len[i] - q * steps) < 5 * sqrt(q * steps));

	for (uint32_t i = 0; i < n; i++)
		for (uint64_t k = 1; k < tr.len[i]; k++) {
			double isi = (double)(tr.t[i][k] - tr.t[i][k - 1]) * dt;
			s += isi;
			s2 += isi * isi;
			n_isi++;
		}
	mean = s / n_isi;
	cv = sqrt(s2 / n_isi - mean * mean) / mean;
	assert_true(fabs(mean - 1000 / rate) < 4 * (1000 / rate) / sqrt(n_isi));
	assert_true(cv > 0.9 && cv < 1.1);
	for (uint32_t i = 0; i < n; i++)
		for (uint64_t k = 1; k < tr.len[i]; k++)
			longer += (tr.t[i][k] - tr.t[i][k - 1]) * dt > mean;
	assert_true(fabs((double)longer / n_isi - exp(-1)) <
		    4 * sqrt(exp(-1) * (1 - exp(-1)) / n_isi) + 0.01);

	/* two trains are not the same */
	assert_false(tr.len[0] == tr.len[1] &&
		     memcmp(tr.t[0], tr.t[1], tr.len[0] * sizeof(uint64_t)) == 0);
	/* independent neurons: same-step pairs ~ steps * C(n,2) * q^2 = 475 */
	pairs_expected = (uint64_t)(steps * (n * (n - 1) / 2.0) * q * q);
	assert_true(fabs((double)tr.coincident_pairs - pairs_expected) <
		    4 * sqrt((double)pairs_expected) + 1);
	free_trains(&tr);
	soma_network_destroy(net);
}

/* Same seed, same trains; another seed or another population index, others. */
static void test_seed_and_population(void **state)
{
	const uint32_t n = 30;
	const uint64_t steps = 2000;
	soma_network *a = source(5, 0.1, n, 200), *b = source(5, 0.1, n, 200);
	soma_network *c = source(6, 0.1, n, 200);
	struct trains ta, tb, tc;
	int same_c = 1;

	(void)state;
	ta = record(a, n, steps);
	tb = record(b, n, steps);
	tc = record(c, n, steps);
	assert_int_equal(ta.total, tb.total);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(ta.len[i], tb.len[i]);
		assert_memory_equal(ta.t[i], tb.t[i], ta.len[i] * sizeof(uint64_t));
		same_c &= ta.len[i] == tc.len[i] &&
			  memcmp(ta.t[i], tc.t[i], ta.len[i] * sizeof(uint64_t)) == 0;
	}
	assert_false(same_c);
	free_trains(&ta);
	free_trains(&tb);
	free_trains(&tc);
	soma_network_destroy(a);
	soma_network_destroy(b);
	soma_network_destroy(c);

	/* two Poisson populations of one network draw different trains */
	{
		soma_network *net;
		uint32_t n0, n1;
		const uint32_t *i0, *i1;
		int differ = 0;
		assert_int_equal(soma_network_create(0.1, 5, &net), SOMA_OK);
		assert_int_equal(soma_network_add_population(net, "P", "poisson", n, NULL), SOMA_OK);
		assert_int_equal(soma_network_add_population(net, "Q", "poisson", n, NULL), SOMA_OK);
		assert_int_equal(soma_population_set_param(net, 0, "rate", 500), SOMA_OK);
		assert_int_equal(soma_population_set_param(net, 1, "rate", 500), SOMA_OK);
		for (int s = 0; s < 200; s++) {
			assert_int_equal(soma_network_run(net, 1), SOMA_OK);
			soma_population_spikes(net, 0, &i0, &n0);
			soma_population_spikes(net, 1, &i1, &n1);
			differ += n0 != n1 || memcmp(i0, i1, n0 * sizeof(uint32_t)) != 0;
		}
		assert_true(differ > 100);
		soma_network_destroy(net);
	}
}

/* rate * dt >= 1 cannot be drawn as at most one spike per step: prepare and
 * run fail with SOMA_ERANGE and say why. Just below the limit is fine. */
static void test_rate_limit(void **state)
{
	soma_network *net = source(1, 0.1, 5, 20000);
	const char *msg;

	(void)state;
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	msg = soma_network_errmsg(net);
	if (!strstr(msg, "rate*dt"))
		fail_msg("message \"%s\" does not mention rate*dt", msg);
	if (!strstr(msg, "'P'"))
		fail_msg("message \"%s\" does not name the population", msg);
	assert_int_equal(soma_network_run(net, 10), SOMA_ERANGE);
	assert_int_equal(soma_network_steps(net), 0);
	assert_int_equal(soma_population_spike_count(net, 0), 0);
	/* rate*dt = 1 exactly is refused too */
	assert_int_equal(soma_population_set_param(net, 0, "rate", 10000), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	/* fixed: runs */
	assert_int_equal(soma_population_set_param(net, 0, "rate", 9000), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_network_run(net, 1000), SOMA_OK);
	/* q = 0.9: 4500 expected, sd 21 */
	assert_true(fabs(soma_population_spike_count(net, 0) - 4500.0) < 4 * 21.3);
	soma_network_destroy(net);

	/* negative rates are refused when set */
	net = source(1, 0.1, 5, 10);
	assert_int_equal(soma_population_set_param(net, 0, "rate", -1), SOMA_ERANGE);
	soma_network_destroy(net);
}

static void test_rate_zero(void **state)
{
	soma_network *net = source(3, 0.1, 8, 0);

	(void)state;
	assert_int_equal(soma_network_run(net, 100000), SOMA_OK);
	assert_int_equal(soma_population_spike_count(net, 0), 0);
	soma_network_destroy(net);
}

/* Shot noise. N Poisson sources at rate nu drive N LIF neurons one-to-one
 * through an exponential current synapse (weight w, tau 8 ms, no delay).
 * Campbell's theorem gives s a stationary mean nu w tau and variance
 * nu w^2 tau / 2 (nu in 1/ms). The discrete process (a spike with probability
 * q = nu dt per step, s <- s e^{-dt/tau} + w) has mean q w / (1 - e^{-dt/tau})
 * = nu w tau (1 + dt/(2 tau) + ...), 0.6% above at dt = 0.1 ms, tau = 8 ms.
 * Samples are taken every 40 ms = 5 tau (correlation e^-5) from every neuron
 * after a 100 ms burn-in: 200 neurons x 50 times = 10000 nearly independent
 * samples, so the sample mean has a relative SE of ~1% (sd/mean =
 * 1/sqrt(2 nu tau) = 0.79). Tolerance: 4 SE plus the discretisation bias.
 * The variance is checked to 10%: its relative SE is
 * sqrt((kurtosis - 1)/n) with excess kurtosis 1/(nu tau) = 1.25, i.e. 1.8%. */
static void test_shot_noise(void **state)
{
	const uint32_t n = 200;
	const double nu_hz = 100, w = 2.0, tau = 8, dt = 0.1;
	const double nu = nu_hz * 1e-3;
	const double mean_th = nu * w * tau, var_th = nu * w * w * tau / 2;
	const double bias = fabs(nu * dt * w / (1 - exp(-dt / tau)) - mean_th);
	soma_network *net;
	soma_projection_spec s = { 0 };
	const double *sv;
	double sum = 0, sum2 = 0, mean, var, se, t;
	uint64_t m = 0;
	int src, lif, proj;

	(void)state;
	assert_int_equal(soma_network_create(dt, 77, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "src", "poisson", n, &src), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", n, &lif), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, src, "rate", nu_hz), SOMA_OK);
	s.name = "drive";
	s.pre = src;
	s.post = lif;
	s.synapse = "exponential";
	s.output = SOMA_OUTPUT_CURRENT;
	s.connector.kind = SOMA_CONNECT_ONE_TO_ONE;
	s.weight = soma_dist_constant(w);
	s.delay_ms = 0;
	assert_int_equal(soma_network_add_projection(net, &s, &proj), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau", tau), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "s", &sv), SOMA_OK);

	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 100)), SOMA_OK);
	for (int k = 0; k < 50; k++) {
		assert_int_equal(soma_network_run(net, soma_network_steps_for(net, 40)),
				 SOMA_OK);
		for (uint32_t i = 0; i < n; i++) {
			sum += sv[i];
			sum2 += sv[i] * sv[i];
			m++;
		}
	}
	mean = sum / m;
	var = sum2 / m - mean * mean;
	se = sqrt(var / m);
	t = soma_network_time(net);
	assert_true(fabs(t - 2100) < 1e-6);
	if (!(fabs(mean - mean_th) < 4 * se + bias))
		fail_msg("mean s = %g pA, expected %g +- %g", mean, mean_th,
			 4 * se + bias);
	if (!(fabs(var / var_th - 1) < 0.1))
		fail_msg("var s = %g pA^2, expected %g", var, var_th);
	/* the synapse also drove the LIF: V moved off rest, toward R <s> = 1.6 mV */
	{
		const double *V;
		double vm = 0;
		assert_int_equal(soma_population_state(net, lif, "V", &V), SOMA_OK);
		for (uint32_t i = 0; i < n; i++)
			vm += V[i] / n;
		assert_true(vm > 0.5 * mean_th && vm < 1.5 * mean_th);
	}
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_isi),
		cmocka_unit_test(test_seed_and_population),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_rate_zero),
		cmocka_unit_test(test_shot_noise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
