/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GABA_A synapse of the decision-making network (Wang 2002), as in the
 * BrainModels book §3.1.2 and its appendix code (class GABAa, with the
 * network's E_GABAa and tau_decay_GABAa).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_TAU_DECAY, P_E };
enum { D_DECAY };

static const soma_var_info params[] = {
	[P_TAU_DECAY] = { "tau_decay", "ms", 5.0, 0.0, INFINITY,
			  SOMA_VAR_MIN_OPEN, "decay time constant" },
	[P_E] = { "E", "mV", -70.0, -INFINITY, INFINITY, 0,
		  "reversal potential of the chloride current "
		  "(conductance-based output)" },
};

static const soma_var_info state[] = {
	{ "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
	  "summed synaptic variable of each post neuron: conductance (nS), or "
	  "current (pA) for current-based output", NULL },
};

static int gaba_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	if (j->output == SOMA_OUTPUT_CURRENT) {
		/* a current-based GABA_A synapse must not excite: positive
		 * weights are what a projection that forgot `output:
		 * conductance` gets */
		for (uint64_t e = 0; e < j->nnz; e++) {
			if (j->w[e] > 0) {
				snprintf(err, len,
					 "a current-based gaba_a synapse with a positive weight "
					 "(w = %g pA) would excite; GABA_A is conductance-based: "
					 "use output conductance (weights in nS, E = %g mV), or "
					 "weights <= 0 pA for a current-based inhibitory synapse",
					 j->w[e], j->param[P_E]);
				return SOMA_ERANGE;
			}
		}
	}
	j->derived[D_DECAY] = exp(-dt / j->param[P_TAU_DECAY]);
	return SOMA_OK;
}

static void gaba_current(struct soma__proj *j, struct soma__pop *pre,
			    struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[0], j->param[P_E], post);
}

/* s advances exactly over one step: s(t+dt) = s(t) exp(-dt/tau) +
 * arrivals (soma__syn_exp_advance; the seed's exponential Euler is exact for
 * this linear equation). */
static const struct soma__model_ops ops = {
	.default_output = SOMA_OUTPUT_CONDUCTANCE,
	.proj_prepare = gaba_prepare,
	.proj_current = gaba_current,
	.proj_advance = soma__syn_exp_advance,
	.v_index = -1,
};

const soma_model soma__model_gaba_a = {
	.name = "gaba_a",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "GABA_A synapse (fast inhibition)",
	.doc = "ds/dt = -s/tau_decay; a presynaptic spike arriving after the delay\n"
	       "adds the synapse's weight w to s (the seed's g_max, in nS: its\n"
	       "g_max_I2E = 1.3e-3 uS is w = 1.3 nS). Output: conductance-based\n"
	       "I_post += s (E - V_post) (w, s in nS, E in mV), the Wang (2002)\n"
	       "form, and the default output of a gaba_a projection. Current-based\n"
	       "output (I_post += s, w in pA) is accepted only with weights <= 0,\n"
	       "since a GABA_A synapse that excites is most likely a mistake.\n"
	       "Defaults (chosen): E = -70 mV and tau_decay = 5 ms, the values the\n"
	       "seed's decision network sets (E_GABAa, tau_decay_GABAa) and those of\n"
	       "Wang (2002); the seed's GABAa class defaults are E = -80 mV and\n"
	       "tau_decay = 6 ms (GABA_A reversal potentials lie between -70 and\n"
	       "-80 mV).\n"
	       "Representation: the kinetics are linear and shared by every\n"
	       "synapse of the projection, so s is kept once per post neuron (the\n"
	       "sum over its synapses), which is exact.\n"
	       "Method: exact over one step, s(t+dt) = s(t) exp(-dt/tau_decay) +\n"
	       "arrivals at t+dt (the seed integrates with Euler).",
	.source = "Wang (2002) Neuron 36:955 (tau = 5 ms, V_I = -70 mV); "
		  "BrainModels book §3.1.2 decision-making network "
		  "(E_GABAa = -70 mV, tau_decay_GABAa = 5 ms)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
