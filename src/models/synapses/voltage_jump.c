/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Voltage-jump synapse, BrainModels book §2.1.1 "Abstract reduced models"
 * (4) "Voltage jump" and its appendix "Voltage_jump"
 * (brainmodels.synapses.VoltageJump): a presynaptic spike moves the post
 * membrane potential by the synapse's weight when it arrives.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_POST_REF };
enum { S_S };

static const soma_var_info params[] = {
	[P_POST_REF] = { "post_refractory", "", 0.0, 0.0, 1.0,
			 SOMA_VAR_INTEGER,
			 "1: no jump while the post neuron is refractory; 0: "
			 "jump always (the seed's default)" },
};

static const soma_var_info state[] = {
	[S_S] = { "s", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "jump of V_post at the last step: the summed weights of the "
		  "spikes that arrived then (0 when none, or when refractoriness "
		  "blocked them)", NULL },
};

static int vj_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)dt;
	if (j->output != SOMA_OUTPUT_CURRENT) {
		snprintf(err, len,
			 "a voltage_jump synapse moves V_post itself and has no "
			 "conductance: use output current (the weight's number is "
			 "the jump in mV)");
		return SOMA_ERANGE;
	}
	return SOMA_OK;
}

/* No current: the synapse acts on V at stage 7 only. */
static void vj_current(struct soma__proj *j, struct soma__pop *pre,
		       struct soma__pop *post)
{
	(void)j;
	(void)pre;
	(void)post;
}

/* Stage 7 of step n: V_post(t_{n+1}) += the weights arriving at t_{n+1},
 * unless post_refractory and the post neuron is refractory (its V is held
 * during the next step). */
static void vj_advance(struct soma__proj *j, struct soma__pop *pre,
		       struct soma__pop *post, const double *arrive)
{
	const int v = post->model->ops->v_index;
	const int guard = j->param[P_POST_REF] != 0;
	const int32_t *restrict ref = post->ref;
	double *restrict s = j->state[S_S];
	double *restrict V;

	(void)pre;
	if (v < 0) {
		/* no membrane potential: refused when the engine checks
		 * (see the report of this model); nothing to move */
		for (uint32_t i = 0; i < j->n_post; i++)
			s[i] = 0;
		return;
	}
	V = post->state[v];
	for (uint32_t i = 0; i < j->n_post; i++) {
		const double a = (guard && ref[i] > 0) ? 0.0 : arrive[i];
		V[i] += a;
		s[i] = a;
	}
}

static const struct soma__model_ops ops = {
	.proj_prepare = vj_prepare,
	.proj_current = vj_current,
	.proj_advance = vj_advance,
	.weight_unit = "mV",
	.needs_v = 2,
	.v_index = -1,
};

const soma_model soma__model_voltage_jump = {
	.name = "voltage_jump",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Voltage-jump synapse",
	.doc = "A presynaptic spike emitted at t_s arrives at t_a = t_s + D dt\n"
	       "(D the delay in steps) and moves the post membrane potential:\n"
	       "  V_post(t_a) <- V_post(t_a) + w   (w in mV),\n"
	       "the limit of a synapse whose current is a delta pulse of charge\n"
	       "C w. No current flows otherwise.\n"
	       "Weight: the jump in mV (positive excites, negative inhibits),\n"
	       "e.g. `weight: 0.5 mV` (a bare number is taken in mV). Output\n"
	       "current (the default); conductance output is refused.\n"
	       "post_refractory = 1: arrivals at a post neuron that is refractory\n"
	       "(its V held) are dropped; 0 (default, the seed's): V jumps\n"
	       "anyway: a refractory neuron keeps the moved V (held) and resumes\n"
	       "from it.\n"
	       "When it acts (network.h): at stage 7 of step n, after threshold and\n"
	       "reset of that step, so the jump at t_{n+1} is seen by the\n"
	       "integration of step n+1; the threshold sees the moved V at the\n"
	       "threshold stage of step n+1, after that step's integration (a\n"
	       "jump that keeps V >= V_th through it gives a spike at t_{n+2},\n"
	       "one step after the arrival). With delay 0 the jump comes at the pre spike's time\n"
	       "t_{n+1} itself; no spike moves a V within the step it is\n"
	       "emitted in.\n"
	       "Representation: no kinetics; the delay ring carries the summed\n"
	       "weights due at each post neuron, exact for any number of\n"
	       "synapses. State s (per post neuron, mV): the jump applied at the\n"
	       "last step, for recording (the seed's s, which is 1 in the step of\n"
	       "a pre spike, times w).\n"
	       "Seed: its Voltage_jump only sets s = pre.spike and never moves\n"
	       "V_post; soma follows brainmodels.synapses.VoltageJump (V += w s,\n"
	       "post_refractory option) and the book's text.",
	.source = "BrainModels book §2.1.1 (4) \"Voltage jump\" and appendix "
		  "\"Voltage_jump\"; brainmodels.synapses.VoltageJump "
		  "(post_refractory = False default)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
