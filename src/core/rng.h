/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Counter-based random streams: Random123's Philox4x32-10 keyed by the
 * network's seed and addressed by (purpose, object, index, sequence). A
 * draw's value depends only on its address, never on the order or the thread
 * in which draws are made, so results do not depend on how work is split.
 *
 * Counter words: c0 = sequence (low 32 bits), c1 = index (neuron),
 * c2 = object (population or projection id, with a sub-index in the high
 * bits), c3 = purpose | sequence high bits << 8.
 */
#ifndef SOMA_CORE_RNG_H
#define SOMA_CORE_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

enum soma__rng_purpose {
	SOMA__RNG_POP_INIT = 1, /* initial state of populations */
	SOMA__RNG_CONNECT = 2,  /* connectivity of projections */
	SOMA__RNG_WEIGHT = 3,   /* weights of projections */
	SOMA__RNG_SOURCE = 4,   /* spike sources, per step */
	SOMA__RNG_PROJ_INIT = 5 /* initial state of projections */
};

/* A gsl_rng whose generator is a Philox stream, so GSL's distributions
 * (gsl_ran_*) draw from counter-based streams. NULL on allocation failure. */
gsl_rng *soma__rng_alloc(void);

/* Point @r at the start of stream (seed, purpose, object, index). */
void soma__rng_seek(gsl_rng *r, uint64_t seed, uint32_t purpose,
		    uint32_t object, uint32_t index);

/* Four independent uniform 32-bit words of address (seed, purpose, object,
 * index, seq): the stateless form used per neuron and step. */
void soma__rng_words(uint64_t seed, uint32_t purpose, uint32_t object,
		     uint32_t index, uint64_t seq, uint32_t out[4]);

/* A 32-bit word as a double in [0, 1). */
static inline double soma__u01(uint32_t x)
{
	return x * (1.0 / 4294967296.0);
}

#endif
