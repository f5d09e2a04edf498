/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Single-exponential synapse, BrainModels book §2.1.1 (3) "Single
 * exponential decay" (brainmodels.synapses.Exponential).
 */
#include <math.h>

#include "core/internal.h"

enum { P_TAU, P_E };
enum { D_DECAY };

static const soma_var_info params[] = {
	[P_TAU] = { "tau", "ms", 8.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "decay time constant tau_decay" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

static const soma_var_info state[] = {
	{ "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
	  "summed synaptic variable of each post neuron: current (pA) or "
	  "conductance (nS)", NULL },
};

static int exp_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)err;
	(void)len;
	j->derived[D_DECAY] = exp(-dt / j->param[P_TAU]);
	return SOMA_OK;
}

static void exp_current(struct soma__proj *j, struct soma__pop *pre,
			   struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[0], j->param[P_E], post);
}

/* s advances exactly over one step: s(t+dt) = s(t) exp(-dt/tau) +
 * arrivals (soma__syn_exp_advance; the seed's exponential Euler is exact for
 * this linear equation). */
static const struct soma__model_ops ops = {
	.proj_prepare = exp_prepare,
	.proj_current = exp_current,
	.proj_advance = soma__syn_exp_advance,
	.v_index = -1,
};

const soma_model soma__model_exponential = {
	.name = "exponential",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Single-exponential synapse",
	.doc = "ds/dt = -s/tau; a presynaptic spike arriving after the delay\n"
	       "adds the synapse's weight w to s. Output: current-based\n"
	       "I_post += s (w, s in pA) or conductance-based\n"
	       "I_post += s (E - V_post) (w, s in nS, E in mV).\n"
	       "Representation: the kinetics are linear and shared by every\n"
	       "synapse of the projection, so s is kept once per post neuron (the\n"
	       "sum over its synapses), which is exact. Advanced exactly:\n"
	       "s(t+dt) = s(t) exp(-dt/tau) + arrivals at t+dt.",
	.source = "BrainModels book §2.1.1 (3) (tau_decay = 8 ms default); "
		  "Brette et al. (2007) for the conductance-based form",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
