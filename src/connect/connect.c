/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connectors: all-to-all, one-to-one, fixed probability. They build a
 * projection's synapses as CSR by presynaptic neuron (row_ptr of n_pre+1,
 * 32-bit post indices, one weight each), rows sorted by post index.
 *
 * Every row is drawn from its own streams, (seed, CONNECT, projection, pre)
 * for the connectivity and (seed, WEIGHT, projection, pre) for the weights,
 * so a row does not depend on the others or on the order they are built in.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/internal.h"
#include "core/rng.h"

/* below this p, a row is drawn as a binomial count of chosen posts rather
 * than by geometric gaps (whose values would overflow an unsigned int) */
#define GEOMETRIC_MIN_P 1e-4

struct csr_build {
	uint32_t *idx;
	uint64_t n, cap;
};

static int push(struct csr_build *b, uint32_t j)
{
	if (b->n == b->cap) {
		uint64_t cap = b->cap ? b->cap * 2 : 1024;
		uint32_t *p = realloc(b->idx, cap * sizeof(uint32_t));
		if (!p)
			return SOMA_ENOMEM;
		b->idx = p;
		b->cap = cap;
	}
	b->idx[b->n++] = j;
	return SOMA_OK;
}

/* Fixed-probability row of pre neuron @i: each post j (but i itself when
 * @skip_self) independently with probability p. */
static int row_fixed_p(struct csr_build *b, gsl_rng *r, double p,
		       uint32_t n_post, int64_t skip, uint32_t *cand)
{
	if (p <= 0)
		return SOMA_OK;
	if (p >= GEOMETRIC_MIN_P) {
		/* gaps between successes are geometric */
		uint64_t j = gsl_ran_geometric(r, p) - 1;
		while (j < n_post) {
			if ((int64_t)j != skip && push(b, (uint32_t)j))
				return SOMA_ENOMEM;
			j += gsl_ran_geometric(r, p);
		}
		return SOMA_OK;
	}
	{
		uint32_t m = 0, k;
		for (uint32_t j = 0; j < n_post; j++)
			if ((int64_t)j != skip)
				cand[m++] = j;
		k = gsl_ran_binomial(r, p, m);
		if (k == 0)
			return SOMA_OK;
		/* gsl_ran_choose keeps the order of cand: the row stays sorted */
		gsl_ran_choose(r, cand + n_post, k, cand, m, sizeof(uint32_t));
		for (uint32_t q = 0; q < k; q++)
			if (push(b, cand[n_post + q]))
				return SOMA_ENOMEM;
	}
	return SOMA_OK;
}

int soma__connect(soma_network *net, struct soma__proj *j, int same_pop)
{
	const soma_connector *c = &j->connector;
	struct csr_build b = { 0 };
	uint32_t *cand = NULL;
	gsl_rng *r = NULL;
	int rc = SOMA_ENOMEM;

	switch (c->kind) {
	case SOMA_CONNECT_ALL_TO_ALL:
		break;
	case SOMA_CONNECT_ONE_TO_ONE:
		if (j->n_pre != j->n_post)
			return soma__seterr(net, SOMA_ERANGE,
					    "projection '%s': one_to_one needs pre and post of the same size, got %u and %u",
					    j->name, j->n_pre, j->n_post);
		break;
	case SOMA_CONNECT_FIXED_PROBABILITY:
		if (!(c->p >= 0 && c->p <= 1))
			return soma__seterr(net, SOMA_ERANGE,
					    "projection '%s': connection probability %g is out of range: must be in [0, 1]",
					    j->name, c->p);
		break;
	default:
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': unknown connector kind %d",
				    j->name, (int)c->kind);
	}
	if (j->n_pre == 0 || j->n_post == 0)
		return soma__seterr(net, SOMA_ERANGE,
				    "projection '%s': empty population", j->name);

	j->row_ptr = calloc((size_t)j->n_pre + 1, sizeof(uint64_t));
	r = soma__rng_alloc();
	if (!j->row_ptr || !r)
		goto fail;
	if (c->kind == SOMA_CONNECT_FIXED_PROBABILITY && c->p > 0 &&
	    c->p < GEOMETRIC_MIN_P) {
		cand = malloc((size_t)j->n_post * 2 * sizeof(uint32_t));
		if (!cand)
			goto fail;
	}
	for (uint32_t i = 0; i < j->n_pre; i++) {
		int64_t skip = (same_pop && !c->allow_self) ? (int64_t)i : -1;

		switch (c->kind) {
		case SOMA_CONNECT_ALL_TO_ALL:
			for (uint32_t q = 0; q < j->n_post; q++)
				if ((int64_t)q != skip && push(&b, q))
					goto fail;
			break;
		case SOMA_CONNECT_ONE_TO_ONE:
			if (push(&b, i))
				goto fail;
			break;
		case SOMA_CONNECT_FIXED_PROBABILITY:
			soma__rng_seek(r, net->seed, SOMA__RNG_CONNECT,
				       (uint32_t)j->id, i);
			if (row_fixed_p(&b, r, c->p, j->n_post, skip, cand))
				goto fail;
			break;
		}
		if (b.n > UINT32_MAX) {
			rc = soma__seterr(net, SOMA_ERANGE,
					  "projection '%s': too many synapses",
					  j->name);
			goto fail_msg;
		}
		j->row_ptr[i + 1] = b.n;
	}
	j->nnz = b.n;
	j->post_idx = b.idx ? b.idx : malloc(sizeof(uint32_t));
	b.idx = NULL;
	j->w = malloc((j->nnz ? j->nnz : 1) * sizeof(double));
	if (!j->post_idx || !j->w)
		goto fail;
	for (uint32_t i = 0; i < j->n_pre; i++) {
		const soma_dist *d = &j->weight;
		if (d->kind != SOMA_DIST_CONSTANT)
			soma__rng_seek(r, net->seed, SOMA__RNG_WEIGHT,
				       (uint32_t)j->id, i);
		for (uint64_t e = j->row_ptr[i]; e < j->row_ptr[i + 1]; e++) {
			j->w[e] = d->kind == SOMA_DIST_CONSTANT ? d->a :
				  d->kind == SOMA_DIST_UNIFORM ?
								gsl_ran_flat(r, d->a, d->b) :
								d->a + gsl_ran_gaussian(r, d->b);
			/* a conductance is never negative (network.h) */
			if (j->output == SOMA_OUTPUT_CONDUCTANCE && j->w[e] < 0)
				j->w[e] = 0;
		}
	}
	free(cand);
	gsl_rng_free(r);
	return SOMA_OK;
fail:
	rc = soma__seterr(net, SOMA_ENOMEM,
			  "projection '%s': out of memory building synapses",
			  j->name);
fail_msg:
	free(b.idx);
	free(cand);
	gsl_rng_free(r);
	return rc;
}
