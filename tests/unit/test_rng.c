/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Counter-based random streams (src/core/rng.c): a draw depends only on its
 * address (seed, purpose, object, index, sequence), every part of the
 * address matters, the gsl_rng wrapper gives uniform doubles and walks the
 * documented counter space, and reseeking replays a stream.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

#include "core/rng.h"

struct addr {
	uint64_t seed;
	uint32_t purpose, object, index;
	uint64_t seq;
};

static void words(const struct addr *a, uint32_t out[4])
{
	soma__rng_words(a->seed, a->purpose, a->object, a->index, a->seq, out);
}

static int same_words(const uint32_t a[4], const uint32_t b[4])
{
	return memcmp(a, b, 4 * sizeof(uint32_t)) == 0;
}

/* Same address, same words, whatever was drawn before or in between. */
static void test_words_depend_only_on_address(void **state)
{
	const struct addr a = { 12345, SOMA__RNG_SOURCE, 3, 17, 1000 };
	const struct addr b = { 999, SOMA__RNG_CONNECT, 0, 5, 7 };
	uint32_t a1[4], b1[4], a2[4], b2[4], junk[4];

	(void)state;
	words(&a, a1);
	words(&b, b1);
	/* other order, with unrelated draws in between */
	for (uint64_t s = 0; s < 100; s++)
		soma__rng_words(s, SOMA__RNG_WEIGHT, 1, 2, s, junk);
	words(&b, b2);
	words(&a, a2);
	assert_true(same_words(a1, a2));
	assert_true(same_words(b1, b2));
	assert_false(same_words(a1, b1));
	/* the four words of one address are not all equal */
	assert_false(a1[0] == a1[1] && a1[1] == a1[2] && a1[2] == a1[3]);
}

/* Changing any part of the address changes the words, including the high
 * 32 bits of the seed and of the sequence number. */
static void test_every_address_part_matters(void **state)
{
	const struct addr base = { 0x0000000100000007ull, SOMA__RNG_SOURCE, 4,
				   9, 123 };
	uint32_t w0[4], w[4];
	struct addr a;

	(void)state;
	words(&base, w0);

	a = base;
	a.seed ^= 1;
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.seed ^= 1ull << 40; /* high half of the key */
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.purpose = SOMA__RNG_WEIGHT;
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.object = 5;
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.object = 4 | 1u << 20; /* sub-index in the high bits of object */
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.index = 10;
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.seq = 124;
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.seq = base.seq + (1ull << 32); /* high bits of the sequence */
	words(&a, w);
	assert_false(same_words(w0, w));

	a = base;
	a.seq = base.seq + (1ull << 50);
	words(&a, w);
	assert_false(same_words(w0, w));

	/* index and object are not interchangeable */
	a = base;
	a.index = base.object;
	a.object = base.index;
	words(&a, w);
	assert_false(same_words(w0, w));
}

/* gsl_rng_uniform on a Philox stream: mean 1/2 and variance 1/12 within 4
 * standard errors over 1e5 draws, values in [0, 1), and uniform_int evenly
 * spread (chi-square). The streams are deterministic, so this cannot flake. */
static void test_gsl_uniform_moments(void **state)
{
	const int n = 100000;
	gsl_rng *r = soma__rng_alloc();
	double sum = 0, sum2 = 0, mean, var, chi2 = 0;
	unsigned long hist[10] = { 0 };

	(void)state;
	assert_non_null(r);
	assert_int_equal(gsl_rng_min(r), 0);
	assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
	soma__rng_seek(r, 2024, SOMA__RNG_WEIGHT, 1, 0);
	for (int k = 0; k < n; k++) {
		double u = gsl_rng_uniform(r);
		assert_true(u >= 0 && u < 1);
		sum += u;
		sum2 += u * u;
	}
	mean = sum / n;
	var = sum2 / n - mean * mean;
	/* SE of the mean: sqrt(1/12/n); of the variance: sqrt((1/80 - 1/144)/n) */
	assert_true(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / n));
	assert_true(fabs(var - 1.0 / 12) < 4 * sqrt((1.0 / 80 - 1.0 / 144) / n));

	for (int k = 0; k < n; k++)
		hist[gsl_rng_uniform_int(r, 10)]++;
	for (int b = 0; b < 10; b++)
		chi2 += (hist[b] - n / 10.0) * (hist[b] - n / 10.0) / (n / 10.0);
	/* 9 degrees of freedom: P(chi2 > 33.7) = 1e-4 */
	assert_true(chi2 < 33.7);
	gsl_rng_free(r);
}

/* Seeking back to a stream replays it; another stream differs. */
static void test_seek_replays(void **state)
{
	enum { N = 257 }; /* not a multiple of 4: a partly used block */
	gsl_rng *r = soma__rng_alloc();
	unsigned long first[N], other[N];
	int differ = 0;

	(void)state;
	assert_non_null(r);
	soma__rng_seek(r, 7, SOMA__RNG_CONNECT, 2, 31);
	for (int k = 0; k < N; k++)
		first[k] = gsl_rng_get(r);
	/* half-way into the stream, then elsewhere */
	soma__rng_seek(r, 7, SOMA__RNG_CONNECT, 2, 31);
	for (int k = 0; k < 3; k++)
		gsl_rng_get(r);
	soma__rng_seek(r, 7, SOMA__RNG_CONNECT, 2, 32);
	for (int k = 0; k < N; k++) {
		other[k] = gsl_rng_get(r);
		differ += other[k] != first[k];
	}
	assert_true(differ > N - 3);
	soma__rng_seek(r, 7, SOMA__RNG_CONNECT, 2, 31);
	for (int k = 0; k < N; k++)
		assert_int_equal(gsl_rng_get(r), first[k]);
	/* a second generator on the same stream gives the same words */
	{
		gsl_rng *r2 = soma__rng_alloc();
		assert_non_null(r2);
		soma__rng_seek(r2, 7, SOMA__RNG_CONNECT, 2, 31);
		for (int k = 0; k < N; k++)
			assert_int_equal(gsl_rng_get(r2), first[k]);
		gsl_rng_free(r2);
	}
	gsl_rng_free(r);
}

/* rng.h documents one counter layout for both forms: word k of stream
 * (seed, purpose, object, index) is word k % 4 of address seq = k / 4. */
static void test_stream_matches_words(void **state)
{
	gsl_rng *r = soma__rng_alloc();
	uint32_t w[4];

	(void)state;
	assert_non_null(r);
	soma__rng_seek(r, 0xdeadbeefcafeull, SOMA__RNG_POP_INIT, 6, 40);
	for (uint64_t seq = 0; seq < 50; seq++) {
		soma__rng_words(0xdeadbeefcafeull, SOMA__RNG_POP_INIT, 6, 40,
				seq, w);
		for (int q = 0; q < 4; q++)
			assert_int_equal(gsl_rng_get(r), w[q]);
	}
	gsl_rng_free(r);
}

/* The generator's private state, as rng.c lays it out. The test checks
 * that this mirror matches before using it, and skips otherwise. */
struct mirror_state {
	philox4x32_key_t key;
	philox4x32_ctr_t ctr;
	philox4x32_ctr_t out;
	unsigned pos;
};

/* Crossing 2^32 words blocks: the low counter word wraps and carries into
 * the sequence's high bits, so the stream continues at seq = 2^32 (not back
 * at seq 0). Reached by setting the counter, not by drawing 2^34 words. */
static void test_counter_carry(void **state)
{
	const uint64_t seed = 0x123456789ull;
	gsl_rng *r = soma__rng_alloc();
	struct mirror_state *s;
	uint32_t w[4], w0[4];

	(void)state;
	assert_non_null(r);
	soma__rng_seek(r, seed, SOMA__RNG_SOURCE, 3, 8);
	s = r->type->size == sizeof(struct mirror_state) ? r->state : NULL;
	if (!s || s->ctr.v[0] != 0 || s->ctr.v[1] != 8 || s->ctr.v[2] != 3 ||
	    s->ctr.v[3] != SOMA__RNG_SOURCE || s->key.v[0] != (uint32_t)seed ||
	    s->key.v[1] != (uint32_t)(seed >> 32) || s->pos != 4) {
		gsl_rng_free(r);
		skip(); /* the generator's state is laid out differently */
	}
	s->ctr.v[0] = 0xffffffffu;
	soma__rng_words(seed, SOMA__RNG_SOURCE, 3, 8, 0xffffffffull, w);
	for (int q = 0; q < 4; q++)
		assert_int_equal(gsl_rng_get(r), w[q]);
	soma__rng_words(seed, SOMA__RNG_SOURCE, 3, 8, 1ull << 32, w);
	soma__rng_words(seed, SOMA__RNG_SOURCE, 3, 8, 0, w0);
	assert_false(same_words(w, w0));
	for (int q = 0; q < 4; q++)
		assert_int_equal(gsl_rng_get(r), w[q]);
	soma__rng_words(seed, SOMA__RNG_SOURCE, 3, 8, (1ull << 32) + 1, w);
	for (int q = 0; q < 4; q++)
		assert_int_equal(gsl_rng_get(r), w[q]);
	gsl_rng_free(r);
}

/* soma__u01 maps words onto [0, 1) evenly. */
static void test_u01(void **state)
{
	(void)state;
	assert_true(soma__u01(0) == 0.0);
	assert_true(soma__u01(0xffffffffu) < 1.0);
	assert_true(soma__u01(0x80000000u) == 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_depend_only_on_address),
		cmocka_unit_test(test_every_address_part_matters),
		cmocka_unit_test(test_gsl_uniform_moments),
		cmocka_unit_test(test_seek_replays),
		cmocka_unit_test(test_stream_matches_words),
		cmocka_unit_test(test_counter_carry),
		cmocka_unit_test(test_u01),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
