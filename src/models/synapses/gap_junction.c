/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Gap junction (electrical synapse), BrainModels book §2.1.2 "Electrical
 * Synapses" and its appendix "Gap_junction": an ohmic current
 * w (V_pre - V_post) and a delayed spikelet k_spikelet w per pre spike.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_K_SPIKELET, P_POST_REF, P_SYMMETRIC };

static const soma_var_info params[] = {
	[P_K_SPIKELET] = { "k_spikelet", "", 0.1, -INFINITY, INFINITY, 0,
			   "spikelet: V_post jumps by k_spikelet w (mV) when a pre "
			   "spike arrives; mV per nS of w, written as a bare number" },
	[P_POST_REF] = { "post_refractory", "", 0.0, 0.0, 1.0,
			 SOMA_VAR_INTEGER,
			 "1: no spikelet while the post neuron is refractory; 0: "
			 "always (the seed's default)" },
	[P_SYMMETRIC] = { "symmetric", "", 0.0, 0.0, 1.0, SOMA_VAR_INTEGER,
			  "1: the junction also drives the pre neuron, "
			  "I_pre += w (V_post - V_pre); 0: post only (the seed's)" },
};

static int gap_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)dt;
	if (j->output != SOMA_OUTPUT_CONDUCTANCE) {
		snprintf(err, len,
			 "the weight of a gap_junction is its conductance: use "
			 "output conductance (weights in nS)");
		return SOMA_ERANGE;
	}
	if (j->param[P_SYMMETRIC] != 0 && j->pre == j->post &&
	    j->connector.kind != SOMA_CONNECT_ONE_TO_ONE) {
		snprintf(err, len,
			 "symmetric = 1 within one population: all_to_all lists "
			 "each pair both ways (i -> k and k -> i) and "
			 "fixed_probability may draw both, so symmetric coupling "
			 "would count those junctions twice; use symmetric = 0 (or "
			 "a projection between two populations)");
		return SOMA_ERANGE;
	}
	return SOMA_OK;
}

/*
 * Stage 2, V at t_n: the current w (V_pre - V_post) into each post neuron,
 * added as g += w and I += w V_pre, so the neuron integrating I - g V sees
 * exactly w (V_pre - V_post) at t_n and exponential Euler treats the
 * -w V_post part exactly. Symmetric: the mirror image on the pre neuron.
 * One pass over the synapses, O(nnz).
 */
static void gap_current(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post)
{
	const int vq = pre->model->ops->v_index, vi = post->model->ops->v_index;
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict idx = j->post_idx;
	const double *restrict w = j->w;
	const double *Vpre, *Vpost;
	double *Ipost = post->I, *gpost = post->g;
	double *Ipre = pre->I, *gpre = pre->g;

	/* a side with no membrane potential: refused when the engine checks
	 * (see the report of this model); no current */
	if (vq < 0 || vi < 0)
		return;
	Vpre = pre->state[vq];
	Vpost = post->state[vi];
	if (j->param[P_SYMMETRIC] == 0) {
		for (uint32_t p = 0; p < j->n_pre; p++) {
			const double V = Vpre[p];
			for (uint64_t e = row[p]; e < row[p + 1]; e++) {
				Ipost[idx[e]] += w[e] * V;
				gpost[idx[e]] += w[e];
			}
		}
		return;
	}
	for (uint32_t p = 0; p < j->n_pre; p++) {
		const double V = Vpre[p];
		double I = 0, g = 0;
		for (uint64_t e = row[p]; e < row[p + 1]; e++) {
			const uint32_t i = idx[e];
			Ipost[i] += w[e] * V;
			gpost[i] += w[e];
			I += w[e] * Vpost[i];
			g += w[e];
		}
		Ipre[p] += I;
		gpre[p] += g;
	}
}

/* Stage 7 of step n: the spikelets arriving at t_{n+1} (summed w of the
 * pre spikes due, per post neuron) move V_post by k_spikelet w. */
static void gap_advance(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post, const double *arrive)
{
	const int v = post->model->ops->v_index;
	const int guard = j->param[P_POST_REF] != 0;
	const double k = j->param[P_K_SPIKELET];
	const int32_t *restrict ref = post->ref;
	double *restrict V;

	(void)pre;
	if (v < 0 || k == 0)
		return;
	V = post->state[v];
	for (uint32_t i = 0; i < j->n_post; i++)
		if (arrive[i] != 0 && !(guard && ref[i] > 0))
			V[i] += k * arrive[i];
}

static const struct soma__model_ops ops = {
	.default_output = SOMA_OUTPUT_CONDUCTANCE,
	.proj_prepare = gap_prepare,
	.proj_current = gap_current,
	.proj_advance = gap_advance,
	.weight_unit = "nS",
	.needs_v = 3,
	.v_index = -1,
};

const soma_model soma__model_gap_junction = {
	.name = "gap_junction",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Gap junction (electrical synapse)",
	.doc = "Two neurons joined by junction channels of conductance w (nS),\n"
	       "Ohm's law: each synapse pre p -> post i adds\n"
	       "  I_post,i += w (V_pre,p - V_post,i)   (pA; nS * mV)\n"
	       "and, with symmetric = 1, also\n"
	       "  I_pre,p  += w (V_post,i - V_pre,p),\n"
	       "the same current with the opposite sign (charge conserved). The\n"
	       "seed's Gap_junction drives the post neuron only (symmetric = 0,\n"
	       "the default); a physical junction is symmetric: write symmetric:\n"
	       "1, or a second projection post -> pre. A connector that already\n"
	       "lists both directions (all_to_all within one population) must\n"
	       "keep symmetric 0, or each pair is coupled twice.\n"
	       "Spikelet: a pre spike emitted at t_s moves V_post by k_spikelet w\n"
	       "(mV) at t_s + D dt (the projection's delay D steps; the seed's\n"
	       "delay, which only delays the spikelet), dropped while the post\n"
	       "neuron is refractory when post_refractory = 1. k_spikelet is in\n"
	       "mV per nS of w (a bare number). The spikelet goes pre -> post\n"
	       "only, also with symmetric = 1.\n"
	       "Write output: conductance and the weight in nS (weight: 0.5 nS);\n"
	       "current output is refused.\n"
	       "When each part acts (network.h): the current is computed at stage\n"
	       "2 of step n from V_pre(t_n) and V_post(t_n) (no delay), added as\n"
	       "g_post += w and I_post += w V_pre, so the neuron integrating\n"
	       "I - g V sees w (V_pre - V_post) and exponential Euler treats the\n"
	       "-w V_post part exactly (V_pre is held over the step); the\n"
	       "spikelet moves V at stage 7 of step n+D, like a voltage jump.\n"
	       "Representation: no state; the weights are per synapse (j->w, in\n"
	       "nS), the current is one pass over the synapses (O(synapses)),\n"
	       "and the delay ring carries the summed w of the spikes due at each\n"
	       "post neuron for the spikelet.\n"
	       "Both populations need a membrane potential (not a rate model or a\n"
	       "spike source).",
	.source = "BrainModels book §2.1.2 \"Electrical Synapses\" and appendix "
		  "\"Gap_junction\" (k_spikelet = 0.1, post_refractory = False "
		  "defaults); Sterratt et al. (2011)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.ops = &ops,
};
