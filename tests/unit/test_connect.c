/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connectors (src/connect/connect.c) through soma_network_add_projection():
 * degree statistics of fixed probability (both of its paths), the exact
 * counts of the edge cases, all-to-all and one-to-one, CSR invariants,
 * errors, weight distributions, and the keying of the random streams by
 * seed, projection and presynaptic neuron.
 *
 * Every network has a fixed seed, so every statistical check below is
 * deterministic: the 4-standard-error bounds cannot flake, they only catch
 * wrong distributions.
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

/* ---- helpers ------------------------------------------------------------ */

/* A network with population "A" of n_a LIF neurons and, when n_b > 0, "B"
 * of n_b. */
static soma_network *two_pops(uint64_t seed, uint32_t n_a, uint32_t n_b)
{
	soma_network *net;

	assert_int_equal(soma_network_create(0.1, seed, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "A", "lif", n_a, NULL),
			 SOMA_OK);
	if (n_b)
		assert_int_equal(soma_network_add_population(net, "B", "lif", n_b, NULL),
				 SOMA_OK);
	return net;
}

static soma_projection_spec spec(const char *name, int pre, int post,
				 soma_connect_kind kind, double p, int allow_self)
{
	soma_projection_spec s = { 0 };

	s.name = name;
	s.pre = pre;
	s.post = post;
	s.synapse = "exponential";
	s.output = SOMA_OUTPUT_CURRENT;
	s.connector.kind = kind;
	s.connector.p = p;
	s.connector.allow_self = allow_self;
	s.weight = soma_dist_constant(1.0);
	s.delay_ms = 0;
	return s;
}

static int add(soma_network *net, const soma_projection_spec *s)
{
	int id = -1;

	assert_int_equal(soma_network_add_projection(net, s, &id), SOMA_OK);
	return id;
}

/* CSR invariants: row_ptr starts at 0, never decreases, ends at the synapse
 * count; post indices in range and strictly ascending within each row (sorted,
 * no duplicate pair). */
static void check_csr(const soma_network *net, int proj, uint32_t n_pre,
		      uint32_t n_post)
{
	const uint64_t *rp;
	const uint32_t *post;
	const double *w;
	uint64_t nnz = soma_projection_synapse_count(net, proj);

	assert_int_equal(soma_projection_csr(net, proj, &rp, &post, &w), SOMA_OK);
	assert_non_null(rp);
	assert_int_equal(rp[0], 0);
	assert_int_equal(rp[n_pre], nnz);
	for (uint32_t i = 0; i < n_pre; i++) {
		assert_true(rp[i] <= rp[i + 1]);
		for (uint64_t e = rp[i]; e < rp[i + 1]; e++) {
			assert_true(post[e] < n_post);
			if (e > rp[i])
				assert_true(post[e - 1] < post[e]);
			assert_true(isfinite(w[e]));
		}
	}
}

/* Number of synapses i -> i. */
static uint64_t self_count(const soma_network *net, int proj, uint32_t n)
{
	const uint64_t *rp;
	const uint32_t *post;
	uint64_t k = 0;

	assert_int_equal(soma_projection_csr(net, proj, &rp, &post, NULL), SOMA_OK);
	for (uint32_t i = 0; i < n; i++)
		for (uint64_t e = rp[i]; e < rp[i + 1]; e++)
			k += post[e] == i;
	return k;
}

struct moments {
	double mean, var;
};

/* Mean and (sample) variance of the out-degrees (rows) and in-degrees. */
static void degrees(const soma_network *net, int proj, uint32_t n_pre,
		    uint32_t n_post, struct moments *out_deg,
		    struct moments *in_deg)
{
	const uint64_t *rp;
	const uint32_t *post;
	uint64_t *in = calloc(n_post, sizeof(uint64_t));
	double s = 0, s2 = 0;

	assert_non_null(in);
	assert_int_equal(soma_projection_csr(net, proj, &rp, &post, NULL), SOMA_OK);
	for (uint32_t i = 0; i < n_pre; i++) {
		double k = (double)(rp[i + 1] - rp[i]);
		s += k;
		s2 += k * k;
		for (uint64_t e = rp[i]; e < rp[i + 1]; e++)
			in[post[e]]++;
	}
	out_deg->mean = s / n_pre;
	out_deg->var = (s2 - s * s / n_pre) / (n_pre - 1);
	s = s2 = 0;
	for (uint32_t j = 0; j < n_post; j++) {
		s += (double)in[j];
		s2 += (double)in[j] * in[j];
	}
	in_deg->mean = s / n_post;
	in_deg->var = (s2 - s * s / n_post) / (n_post - 1);
	free(in);
}

/* Degrees of a fixed-probability projection, each Binomial(m, p) over
 * @n_rows rows: mean within 4 SE of m p, variance within 20% of m p (1-p)
 * (the sample variance of ~1000 values has a relative SE of ~4.5%). The
 * variance catches correlated rows (one stream shared by every row) and
 * fixed-count rows, which the mean alone does not. */
static void check_binomial(const struct moments *d, double m, double p,
			   uint32_t n_rows)
{
	double var = m * p * (1 - p);

	assert_true(fabs(d->mean - m * p) < 4 * sqrt(var / n_rows));
	assert_true(fabs(d->var / var - 1) < 0.2);
}

/* ---- fixed probability -------------------------------------------------- */

/* 1000 -> 1000, p = 0.1, separate populations: degrees ~ Binomial(1000, 0.1). */
static void test_fixed_p_degrees(void **state)
{
	soma_network *net = two_pops(1, 1000, 1000);
	soma_projection_spec s = spec("AB", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY,
				      0.1, 0);
	struct moments out_deg, in_deg;
	int id;

	(void)state;
	id = add(net, &s);
	check_csr(net, id, 1000, 1000);
	degrees(net, id, 1000, 1000, &out_deg, &in_deg);
	check_binomial(&in_deg, 1000, 0.1, 1000);
	check_binomial(&out_deg, 1000, 0.1, 1000);
	/* separate populations: i -> i (same index) is an ordinary pair */
	assert_true(self_count(net, id, 1000) > 0);
	soma_network_destroy(net);
}

/* pre == post: degrees ~ Binomial(N-1, p), no i -> i by default; with
 * allow_self about N p of them. */
static void test_fixed_p_same_population(void **state)
{
	const uint32_t n = 1000;
	const double p = 0.1;
	soma_network *net = two_pops(2, n, 0);
	soma_projection_spec s = spec("AA", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY,
				      p, 0);
	struct moments out_deg, in_deg;
	uint64_t k;
	int id;

	(void)state;
	id = add(net, &s);
	check_csr(net, id, n, n);
	assert_int_equal(self_count(net, id, n), 0);
	degrees(net, id, n, n, &out_deg, &in_deg);
	check_binomial(&in_deg, n - 1, p, n);
	check_binomial(&out_deg, n - 1, p, n);

	s = spec("AA_self", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY, p, 1);
	id = add(net, &s);
	check_csr(net, id, n, n);
	k = self_count(net, id, n);
	/* Binomial(n, p): mean 100, sd 9.5 */
	assert_true(fabs((double)k - n * p) < 4 * sqrt(n * p * (1 - p)));
	degrees(net, id, n, n, &out_deg, &in_deg);
	check_binomial(&in_deg, n, p, n);
	soma_network_destroy(net);
}

/* p = 0: nothing; p = 1: every pair (but i -> i in the same population). */
static void test_fixed_p_extremes(void **state)
{
	soma_network *net = two_pops(3, 40, 30);
	const uint64_t *rp;
	const uint32_t *post;
	soma_projection_spec s;
	int id;

	(void)state;
	s = spec("zero", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.0, 0);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 0);
	check_csr(net, id, 40, 30);

	s = spec("zero_same", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY, 0.0, 1);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 0);

	s = spec("one", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 1.0, 0);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 40 * 30);
	check_csr(net, id, 40, 30);
	assert_int_equal(soma_projection_csr(net, id, &rp, &post, NULL), SOMA_OK);
	for (uint32_t i = 0; i < 40; i++) {
		assert_int_equal(rp[i], (uint64_t)i * 30);
		for (uint32_t j = 0; j < 30; j++)
			assert_int_equal(post[rp[i] + j], j);
	}

	s = spec("one_same", 1, 1, SOMA_CONNECT_FIXED_PROBABILITY, 1.0, 0);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 30 * 29);
	check_csr(net, id, 30, 30);
	assert_int_equal(self_count(net, id, 30), 0);

	s = spec("one_self", 1, 1, SOMA_CONNECT_FIXED_PROBABILITY, 1.0, 1);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 30 * 30);
	assert_int_equal(self_count(net, id, 30), 30);
	soma_network_destroy(net);
}

/* p < 1e-4 takes the binomial-count-then-choose path: the total is
 * Binomial(N (N-1), p), rows stay sorted, no self-connection, and the
 * chosen posts are spread over the whole range (not the first k). */
static void test_fixed_p_small(void **state)
{
	const uint32_t n = 4000;
	const double p = 5e-5;
	soma_network *net = two_pops(4, n, 0);
	soma_projection_spec s = spec("sparse", 0, 0,
				      SOMA_CONNECT_FIXED_PROBABILITY, p, 0);
	const uint64_t *rp;
	const uint32_t *post;
	double m = (double)n * (n - 1);
	uint64_t nnz, low = 0;
	int id;

	(void)state;
	id = add(net, &s);
	check_csr(net, id, n, n);
	assert_int_equal(self_count(net, id, n), 0);
	nnz = soma_projection_synapse_count(net, id);
	/* mean 800, sd 28 */
	assert_true(fabs((double)nnz - m * p) < 4 * sqrt(m * p * (1 - p)));
	assert_int_equal(soma_projection_csr(net, id, &rp, &post, NULL), SOMA_OK);
	for (uint64_t e = 0; e < nnz; e++)
		low += post[e] < n / 2;
	/* Binomial(nnz, 1/2) */
	assert_true(fabs((double)low - nnz / 2.0) < 4 * sqrt(nnz / 4.0));

	/* with allow_self nothing is skipped: Binomial(N^2, p) */
	s = spec("sparse_ab", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY, 2e-5, 1);
	id = add(net, &s);
	check_csr(net, id, n, n);
	nnz = soma_projection_synapse_count(net, id);
	m = (double)n * n;
	assert_true(fabs((double)nnz - m * 2e-5) < 4 * sqrt(m * 2e-5));
	soma_network_destroy(net);
}

/* ---- all-to-all, one-to-one --------------------------------------------- */

static void test_all_to_all(void **state)
{
	soma_network *net = two_pops(5, 3, 4);
	const uint64_t *rp;
	const uint32_t *post;
	const double *w;
	soma_projection_spec s;
	int id;

	(void)state;
	s = spec("ab", 0, 1, SOMA_CONNECT_ALL_TO_ALL, 0, 0);
	s.weight = soma_dist_constant(2.5);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 12);
	check_csr(net, id, 3, 4);
	assert_int_equal(soma_projection_csr(net, id, &rp, &post, &w), SOMA_OK);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(rp[i + 1] - rp[i], 4);
		for (uint32_t j = 0; j < 4; j++) {
			assert_int_equal(post[rp[i] + j], j);
			assert_true(w[rp[i] + j] == 2.5);
		}
	}

	/* same population: no i -> i unless allowed */
	s = spec("bb", 1, 1, SOMA_CONNECT_ALL_TO_ALL, 0, 0);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 12);
	check_csr(net, id, 4, 4);
	assert_int_equal(self_count(net, id, 4), 0);
	assert_int_equal(soma_projection_csr(net, id, &rp, &post, NULL), SOMA_OK);
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t j = 0;
		for (uint64_t e = rp[i]; e < rp[i + 1]; e++, j++)
			assert_int_equal(post[e], j < i ? j : j + 1);
	}

	s = spec("bb_self", 1, 1, SOMA_CONNECT_ALL_TO_ALL, 0, 1);
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 16);
	assert_int_equal(self_count(net, id, 4), 4);
	check_csr(net, id, 4, 4);
	soma_network_destroy(net);
}

static void test_one_to_one(void **state)
{
	soma_network *net = two_pops(6, 7, 7);
	const uint64_t *rp;
	const uint32_t *post;
	soma_projection_spec s = spec("ab", 0, 1, SOMA_CONNECT_ONE_TO_ONE, 0, 0);
	int id;

	(void)state;
	id = add(net, &s);
	assert_int_equal(soma_projection_synapse_count(net, id), 7);
	check_csr(net, id, 7, 7);
	assert_int_equal(soma_projection_csr(net, id, &rp, &post, NULL), SOMA_OK);
	for (uint32_t i = 0; i < 7; i++) {
		assert_int_equal(rp[i], i);
		assert_int_equal(post[i], i);
	}
	assert_int_equal(rp[7], 7);
	soma_network_destroy(net);
}

/* ---- errors ------------------------------------------------------------- */

static void expect_erange(soma_network *net, const soma_projection_spec *s,
			  const char *in_msg)
{
	int n = soma_network_projection_count(net), id = 1234;

	assert_int_equal(soma_network_add_projection(net, s, &id), SOMA_ERANGE);
	/* a failed call leaves the network as it was */
	assert_int_equal(soma_network_projection_count(net), n);
	assert_int_equal(soma_projection_find(net, s->name, NULL), SOMA_ENOENT);
	if (in_msg && !strstr(soma_network_errmsg(net), in_msg))
		fail_msg("message \"%s\" does not mention \"%s\"",
			 soma_network_errmsg(net), in_msg);
}

static void test_errors(void **state)
{
	soma_network *net = two_pops(7, 10, 20);
	soma_projection_spec s;

	(void)state;
	s = spec("bad", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 1.5, 0);
	expect_erange(net, &s, "[0, 1]");
	s = spec("bad", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, -0.1, 0);
	expect_erange(net, &s, "[0, 1]");
	s = spec("bad", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, NAN, 0);
	expect_erange(net, &s, "[0, 1]");
	s = spec("bad", 0, 1, SOMA_CONNECT_ONE_TO_ONE, 0, 0);
	expect_erange(net, &s, NULL);
	s = spec("bad", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY, 0.5, 0);
	s.weight.kind = SOMA_DIST_NORMAL;
	s.weight.a = 1;
	s.weight.b = -1; /* sd < 0 */
	expect_erange(net, &s, NULL);
	s = spec("bad", 0, 0, SOMA_CONNECT_FIXED_PROBABILITY, 0.5, 0);
	s.delay_ms = -1;
	expect_erange(net, &s, NULL);
	/* the failures left nothing behind: the name is still free */
	s = spec("bad", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.5, 0);
	assert_int_equal(soma_network_add_projection(net, &s, NULL), SOMA_OK);
	assert_int_equal(soma_network_projection_count(net), 1);

	/* a population of size 0 is refused, so no projection can reach it */
	assert_int_equal(soma_network_add_population(net, "Z", "lif", 0, NULL),
			 SOMA_ERANGE);
	assert_int_equal(soma_network_population_count(net), 2);
	soma_network_destroy(net);
}

/* ---- weights ------------------------------------------------------------ */

/* Mean, variance and pooled within-row variance of the weights. */
static void weight_stats(const soma_network *net, int proj, uint32_t n_pre,
			 double *mean, double *var, double *var_in_row,
			 double *lo, double *hi)
{
	const uint64_t *rp;
	const double *w;
	uint64_t nnz = soma_projection_synapse_count(net, proj), dof = 0;
	double s = 0, s2 = 0, within = 0;

	assert_int_equal(soma_projection_csr(net, proj, &rp, NULL, &w), SOMA_OK);
	*lo = INFINITY;
	*hi = -INFINITY;
	for (uint32_t i = 0; i < n_pre; i++) {
		double rs = 0, rs2 = 0;
		uint64_t k = rp[i + 1] - rp[i];
		for (uint64_t e = rp[i]; e < rp[i + 1]; e++) {
			rs += w[e];
			rs2 += w[e] * w[e];
			*lo = fmin(*lo, w[e]);
			*hi = fmax(*hi, w[e]);
		}
		s += rs;
		s2 += rs2;
		if (k > 1) {
			within += rs2 - rs * rs / k;
			dof += k - 1;
		}
	}
	*mean = s / nnz;
	*var = s2 / nnz - *mean * *mean;
	*var_in_row = within / dof;
}

static void test_weights(void **state)
{
	soma_network *net = two_pops(8, 1000, 1000);
	soma_projection_spec s;
	double mean, var, vin, lo, hi, n;
	int id;

	(void)state;
	/* constant */
	s = spec("c", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.05, 0);
	s.weight = soma_dist_constant(-3.25);
	id = add(net, &s);
	weight_stats(net, id, 1000, &mean, &var, &vin, &lo, &hi);
	assert_true(lo == -3.25 && hi == -3.25);

	/* uniform on [2, 6): mean 4, variance 16/12, every value in range;
	 * the within-row variance catches one draw shared by a whole row */
	s = spec("u", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.05, 0);
	s.weight.kind = SOMA_DIST_UNIFORM;
	s.weight.a = 2;
	s.weight.b = 6;
	id = add(net, &s);
	n = (double)soma_projection_synapse_count(net, id);
	assert_true(n > 40000);
	weight_stats(net, id, 1000, &mean, &var, &vin, &lo, &hi);
	assert_true(lo >= 2 && hi < 6);
	assert_true(fabs(mean - 4) < 4 * sqrt(16.0 / 12 / n));
	/* SE of the variance of a uniform: (b-a)^2 sqrt((1/80 - 1/144)/n) */
	assert_true(fabs(var - 16.0 / 12) < 4 * 16 * sqrt((1.0 / 80 - 1.0 / 144) / n));
	assert_true(fabs(vin / (16.0 / 12) - 1) < 0.05);

	/* normal, mean 1.5, sd 0.5 */
	s = spec("g", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.05, 0);
	s.weight.kind = SOMA_DIST_NORMAL;
	s.weight.a = 1.5;
	s.weight.b = 0.5;
	id = add(net, &s);
	n = (double)soma_projection_synapse_count(net, id);
	weight_stats(net, id, 1000, &mean, &var, &vin, &lo, &hi);
	assert_true(fabs(mean - 1.5) < 4 * 0.5 / sqrt(n));
	/* SE of the sd of a normal sample: sd / sqrt(2n) */
	assert_true(fabs(sqrt(var) - 0.5) < 4 * 0.5 / sqrt(2 * n));
	assert_true(fabs(sqrt(vin) / 0.5 - 1) < 0.05);
	assert_true(lo < 1.5 - 3 * 0.5 && hi > 1.5 + 3 * 0.5); /* real tails */

	/* normal with sd 0 is the constant */
	s = spec("g0", 0, 1, SOMA_CONNECT_FIXED_PROBABILITY, 0.05, 0);
	s.weight.kind = SOMA_DIST_NORMAL;
	s.weight.a = 0.75;
	s.weight.b = 0;
	id = add(net, &s);
	weight_stats(net, id, 1000, &mean, &var, &vin, &lo, &hi);
	assert_true(lo == 0.75 && hi == 0.75);
	soma_network_destroy(net);
}

/* ---- streams ------------------------------------------------------------ */

struct csr_copy {
	uint64_t nnz;
	uint64_t *rp;
	uint32_t *post;
	double *w;
	uint32_t n_pre;
};

static struct csr_copy copy_csr(const soma_network *net, int proj,
				uint32_t n_pre)
{
	struct csr_copy c = { 0 };
	const uint64_t *rp;
	const uint32_t *post;
	const double *w;

	assert_int_equal(soma_projection_csr(net, proj, &rp, &post, &w), SOMA_OK);
	c.n_pre = n_pre;
	c.nnz = soma_projection_synapse_count(net, proj);
	c.rp = malloc((n_pre + 1) * sizeof(uint64_t));
	c.post = malloc((c.nnz + 1) * sizeof(uint32_t));
	c.w = malloc((c.nnz + 1) * sizeof(double));
	assert_true(c.rp && c.post && c.w);
	memcpy(c.rp, rp, (n_pre + 1) * sizeof(uint64_t));
	memcpy(c.post, post, c.nnz * sizeof(uint32_t));
	memcpy(c.w, w, c.nnz * sizeof(double));
	return c;
}

static void free_csr(struct csr_copy *c)
{
	free(c->rp);
	free(c->post);
	free(c->w);
}

/* Same CSR and weights on the first @rows rows. */
static int same_rows(const struct csr_copy *a, const struct csr_copy *b,
		     uint32_t rows)
{
	uint64_t n = a->rp[rows];

	return memcmp(a->rp, b->rp, (rows + 1) * sizeof(uint64_t)) == 0 &&
	       memcmp(a->post, b->post, n * sizeof(uint32_t)) == 0 &&
	       memcmp(a->w, b->w, n * sizeof(double)) == 0;
}

static soma_projection_spec random_spec(const char *name, int pre, int post)
{
	soma_projection_spec s = spec(name, pre, post,
				      SOMA_CONNECT_FIXED_PROBABILITY, 0.2, 0);

	s.weight.kind = SOMA_DIST_UNIFORM;
	s.weight.a = 0;
	s.weight.b = 1;
	return s;
}

/* Same seed: identical synapses and weights; another seed: different. */
static void test_seed(void **state)
{
	struct csr_copy c[3];
	uint64_t seeds[3] = { 42, 42, 43 };

	(void)state;
	for (int k = 0; k < 3; k++) {
		soma_network *net = two_pops(seeds[k], 300, 200);
		soma_projection_spec s = random_spec("ab", 0, 1);
		int id = add(net, &s);
		c[k] = copy_csr(net, id, 300);
		soma_network_destroy(net);
	}
	assert_int_equal(c[0].nnz, c[1].nnz);
	assert_true(same_rows(&c[0], &c[1], 300));
	assert_false(c[0].nnz == c[2].nnz &&
		     memcmp(c[0].post, c[2].post, c[0].nnz * sizeof(uint32_t)) == 0);
	assert_false(memcmp(c[0].w, c[2].w, 10 * sizeof(double)) == 0);
	for (int k = 0; k < 3; k++)
		free_csr(&c[k]);
}

/* Streams are keyed by projection and presynaptic neuron: adding a second
 * projection leaves the first unchanged (and draws other synapses even with
 * the same spec), random draws made before a projection do not change it,
 * and row i does not depend on how many rows come before or after it. */
static void test_streams_keyed(void **state)
{
	soma_network *n1 = two_pops(9, 300, 200);
	soma_network *n2 = two_pops(9, 300, 200);
	soma_network *n3 = two_pops(9, 500, 200);
	soma_projection_spec s = random_spec("P", 0, 1);
	soma_projection_spec s2 = random_spec("Q", 0, 1);
	soma_dist u = { SOMA_DIST_UNIFORM, -70, -50 };
	struct csr_copy a1, a1_after, a2, a3, b1;
	int id;

	(void)state;
	/* n1: P, then Q with the same spec */
	id = add(n1, &s);
	assert_int_equal(id, 0);
	a1 = copy_csr(n1, id, 300);
	id = add(n1, &s2);
	assert_int_equal(id, 1);
	b1 = copy_csr(n1, id, 300);
	a1_after = copy_csr(n1, 0, 300);
	assert_true(same_rows(&a1, &a1_after, 300));
	assert_false(a1.nnz == b1.nnz &&
		     memcmp(a1.post, b1.post, a1.nnz * sizeof(uint32_t)) == 0);

	/* n2: random initial states drawn first, then P alone */
	assert_int_equal(soma_population_init_state(n2, 0, "V", &u), SOMA_OK);
	assert_int_equal(soma_population_init_state(n2, 1, "V", &u), SOMA_OK);
	id = add(n2, &s);
	a2 = copy_csr(n2, id, 300);
	assert_int_equal(a1.nnz, a2.nnz);
	assert_true(same_rows(&a1, &a2, 300));

	/* n3: 500 presynaptic neurons; the first 300 rows are those of n1 */
	id = add(n3, &s);
	a3 = copy_csr(n3, id, 500);
	assert_true(same_rows(&a1, &a3, 300));
	assert_true(a3.nnz > a1.nnz);

	free_csr(&a1);
	free_csr(&a1_after);
	free_csr(&a2);
	free_csr(&a3);
	free_csr(&b1);
	soma_network_destroy(n1);
	soma_network_destroy(n2);
	soma_network_destroy(n3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_p_degrees),
		cmocka_unit_test(test_fixed_p_same_population),
		cmocka_unit_test(test_fixed_p_extremes),
		cmocka_unit_test(test_fixed_p_small),
		cmocka_unit_test(test_all_to_all),
		cmocka_unit_test(test_one_to_one),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_streams_keyed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
