/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Linear rate unit: the firing-rate "neuron" that the BrainModels book's
 * rate-based learning rules drive (§2.2.2 "Oja's rule" and "BCM rule", and
 * the appendix's `neu` group): its rate is the sum of what it receives.
 */
#include <math.h>

#include "core/internal.h"

enum { S_R };

static const soma_var_info state[] = {
	[S_R] = { "r", "", 0.0, -INFINITY, INFINITY, 0,
		  "firing rate (the seed's dimensionless number)", NULL },
};

static const soma_var_info inputs[] = {
	{ "I", "", 0.0, -INFINITY, INFINITY, 0,
	  "summed input: external inputs plus sum_j w_ij r_j of the rate "
	  "projections (oja, bcm) onto the unit", NULL },
};

/* Stages 3-5: r(t_{n+1}) = I(t_n); no spikes. */
static int rate_update(struct soma__pop *p, uint64_t step, double dt)
{
	const double *restrict I = p->I;
	double *restrict r = p->state[S_R];

	(void)step;
	(void)dt;
	p->n_spk = 0;
	for (uint32_t i = 0; i < p->n; i++) {
		if (!isfinite(I[i])) {
			r[i] = I[i];
			p->bad_index = i;
			p->bad_var = S_R;
			return SOMA_ENUMERIC;
		}
		r[i] = I[i];
	}
	return SOMA_OK;
}

static const struct soma__model_ops ops = {
	.pop_update = rate_update,
	.v_index = -1,
};

const soma_model soma__model_rate = {
	.name = "rate",
	.kind = SOMA_MODEL_NEURON,
	.title = "Linear rate unit",
	.doc = "A population of firing rates r (dimensionless numbers, as the\n"
	       "seed's rates), each the sum of what the unit receives:\n"
	       "  r_i(t_{n+1}) = I_i(t_n) = external inputs to I at t_n\n"
	       "                 + sum over rate projections sum_j w_ij r_j(t_n),\n"
	       "so a unit driven by a projection alone has r_i = sum_j w_ij r_j\n"
	       "(the seed's rate model of Oja's and the BCM rule), and a unit\n"
	       "with inputs alone follows them one step later (the seed's `neu`\n"
	       "whose r is set by an input with \"=\"). No dynamics, no spikes,\n"
	       "no membrane potential: nothing is integrated, so the population\n"
	       "has no method (a `method:` key is refused), and projections onto\n"
	       "it must be current-based. One input channel, I (dimensionless,\n"
	       "in the unit of r). A non-finite input stops the run with\n"
	       "SOMA_ENUMERIC. Setting r (init or soma_population_set_state)\n"
	       "sets the rate the unit sends during the next step; the step then\n"
	       "replaces it by the unit's input. In a chain pre -> post the post\n"
	       "rate therefore follows the pre rate with one step of lag: no\n"
	       "effect reaches a population within the step in which it\n"
	       "happened (include/soma/network.h).",
	.source = "BrainModels book §2.2.2 \"Oja's rule\" (class neu: r = r, with "
		  "r set by inputs, and r_post = sum_j w_ij r_j in the synapse's "
		  "update) and \"BCM rule\"; appendix \"Synaptic plasticity\", "
		  "Oja's rule (neu)",
	.params = NULL,
	.n_params = 0,
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
	.inputs = inputs,
	.n_inputs = sizeof(inputs) / sizeof(inputs[0]),
};
