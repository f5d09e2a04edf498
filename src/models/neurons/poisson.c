/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Poisson spike source: one independent Poisson train per neuron, as
 * Brian2's PoissonGroup and BrainPy's PoissonInput.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"
#include "core/rng.h"

enum { P_RATE };
enum { D_P, D_THRESH };

static const soma_var_info params[] = {
	[P_RATE] = { "rate", "Hz", 10.0, 0.0, INFINITY, 0,
		     "firing rate of each train" },
};

static int poisson_prepare(struct soma__pop *p, double dt, char *err,
			   size_t len)
{
	double q = p->param[P_RATE] * dt * 1e-3;

	if (q >= 1.0) {
		snprintf(err, len,
			 "rate %g Hz with dt %g ms gives rate*dt = %g >= 1: a "
			 "source fires at most once per step, so rates must be "
			 "below 1/dt = %g Hz; lower the rate or dt",
			 p->param[P_RATE], dt, q, 1e3 / dt);
		return SOMA_ERANGE;
	}
	p->derived[D_P] = q;
	/* spike when the 32-bit word is below q * 2^32 */
	p->derived[D_THRESH] = ceil(q * 4294967296.0);
	return SOMA_OK;
}

static int poisson_update(struct soma__pop *p, uint64_t step, double dt)
{
	const uint64_t thresh = (uint64_t)p->derived[D_THRESH];
	uint32_t n_spk = 0;
	uint32_t w[4];

	(void)dt;
	for (uint32_t i = 0; i < p->n; i++) {
		soma__rng_words(p->seed, SOMA__RNG_SOURCE, (uint32_t)p->id, i,
				step, w);
		if ((uint64_t)w[0] < thresh)
			p->spk[n_spk++] = i;
	}
	p->n_spk = n_spk;
	return SOMA_OK;
}

static const struct soma__model_ops ops = {
	.pop_prepare = poisson_prepare,
	.pop_update = poisson_update,
	.v_index = -1,
};

const soma_model soma__model_poisson = {
	.name = "poisson",
	.kind = SOMA_MODEL_SOURCE,
	.title = "Poisson spike source",
	.doc = "Each neuron fires an independent Poisson train of the given\n"
	       "rate: in every step it spikes with probability rate*dt, from a\n"
	       "counter-based stream addressed by (seed, population, neuron,\n"
	       "step), so the trains do not depend on threads or call order.\n"
	       "At most one spike per neuron and step: rate*dt must be < 1\n"
	       "(prepare fails with SOMA_ERANGE otherwise). Takes no input.",
	.source = "BrainModels book §3.1.2, PoissonInput of the decision "
		  "network (spike when rand() < freqs*dt/1000); Brian2 "
		  "PoissonGroup",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = NULL,
	.n_state = 0,
	.ops = &ops,
};
