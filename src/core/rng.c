/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Philox streams as a GSL generator type (see rng.h). */
#include "core/rng.h"

#include <Random123/philox.h>
#include <string.h>

struct philox_state {
	philox4x32_key_t key;
	philox4x32_ctr_t ctr;
	philox4x32_ctr_t out;
	unsigned pos; /* next word of out to hand out; 4 = empty */
};

static void st_set(void *vstate, unsigned long seed)
{
	struct philox_state *s = vstate;

	memset(s, 0, sizeof(*s));
	s->key.v[0] = (uint32_t)seed;
	s->key.v[1] = (uint32_t)((uint64_t)seed >> 32);
	s->pos = 4;
}

static unsigned long st_get(void *vstate)
{
	struct philox_state *s = vstate;

	if (s->pos == 4) {
		s->out = philox4x32(s->ctr, s->key);
		if (++s->ctr.v[0] == 0) /* carry into the high sequence bits */
			s->ctr.v[3] += 1u << 8;
		s->pos = 0;
	}
	return s->out.v[s->pos++];
}

static double st_get_double(void *vstate)
{
	return soma__u01((uint32_t)st_get(vstate));
}

static const gsl_rng_type philox_type = {
	"soma_philox4x32", 0xffffffffUL, 0, sizeof(struct philox_state),
	st_set, st_get, st_get_double
};

gsl_rng *soma__rng_alloc(void)
{
	return gsl_rng_alloc(&philox_type);
}

static philox4x32_key_t key_of(uint64_t seed)
{
	philox4x32_key_t k = { { (uint32_t)seed, (uint32_t)(seed >> 32) } };
	return k;
}

void soma__rng_seek(gsl_rng *r, uint64_t seed, uint32_t purpose,
		    uint32_t object, uint32_t index)
{
	struct philox_state *s = r->state;

	s->key = key_of(seed);
	s->ctr.v[0] = 0;
	s->ctr.v[1] = index;
	s->ctr.v[2] = object;
	s->ctr.v[3] = purpose & 0xffu;
	s->pos = 4;
}

void soma__rng_words(uint64_t seed, uint32_t purpose, uint32_t object,
		     uint32_t index, uint64_t seq, uint32_t out[4])
{
	philox4x32_ctr_t c = { { (uint32_t)seq, index, object,
				 (purpose & 0xffu) | (uint32_t)(seq >> 32) << 8 } };
	philox4x32_ctr_t r = philox4x32(c, key_of(seed));

	memcpy(out, r.v, sizeof(r.v));
}
