/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Spike-timing-dependent plasticity with traces, BrainModels book §2.2.2
 * "Spike-timing dependent plasticity (STDP)" and its appendix "STDP"
 * (brainmodels.synapses.STDP); Bi & Poo (1998), Song, Miller & Abbott (2000).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_TAU, P_TAU_S, P_TAU_T, P_DELTA_A_S, P_DELTA_A_T, P_W_MIN, P_W_MAX,
       P_E };
enum { S_S, S_A_S, S_A_T };
enum { D_DECAY, D_DECAY_S, D_DECAY_T };

static const soma_var_info params[] = {
	[P_TAU] = { "tau", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "decay time constant of the synaptic variable s" },
	[P_TAU_S] = { "tau_s", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "decay time constant of the presynaptic trace A_s" },
	[P_TAU_T] = { "tau_t", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "decay time constant of the postsynaptic trace A_t" },
	[P_DELTA_A_S] = { "delta_A_s", SOMA_UNIT_WEIGHT, 0.5, -INFINITY,
			  INFINITY, 0,
			  "increment of A_s per presynaptic spike (potentiation "
			  "amplitude)" },
	[P_DELTA_A_T] = { "delta_A_t", SOMA_UNIT_WEIGHT, 0.5, -INFINITY,
			  INFINITY, 0,
			  "increment of A_t per postsynaptic spike (depression "
			  "amplitude)" },
	[P_W_MIN] = { "w_min", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		      "lower bound of the weights" },
	[P_W_MAX] = { "w_max", SOMA_UNIT_WEIGHT, 20.0, -INFINITY, INFINITY, 0,
		      "upper bound of the weights" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

static const unsigned char state_size[] = {
	[S_S] = SOMA__PER_POST,
	[S_A_S] = SOMA__PER_PRE,
	[S_A_T] = SOMA__PER_POST,
};

static const soma_var_info state[] = {
	[S_S] = { "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed synaptic variable of each post neuron: current (pA) "
		  "or conductance (nS)", NULL },
	[S_A_S] = { "A_s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		    "presynaptic trace, one per pre neuron: added to w at each "
		    "post spike", NULL },
	[S_A_T] = { "A_t", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		    "postsynaptic trace, one per post neuron: taken from w at "
		    "each pre arrival", NULL },
};

static int stdp_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	const double lo = j->param[P_W_MIN], hi = j->param[P_W_MAX];

	if (!(lo <= hi)) {
		snprintf(err, len, "w_min = %g must not exceed w_max = %g", lo, hi);
		return SOMA_ERANGE;
	}
	if (j->output == SOMA_OUTPUT_CONDUCTANCE && lo < 0) {
		snprintf(err, len,
			 "w_min = %g nS: conductance-based weights must stay >= 0",
			 lo);
		return SOMA_ERANGE;
	}
	for (uint32_t p = 0; p < j->n_pre; p++)
		for (uint64_t e = j->row_ptr[p]; e < j->row_ptr[p + 1]; e++)
			if (!(j->w[e] >= lo && j->w[e] <= hi)) {
				snprintf(err, len,
					 "weight %g of synapse %u:%u is outside "
					 "[w_min, w_max] = [%g, %g]",
					 j->w[e], p, j->post_idx[e], lo, hi);
				return SOMA_ERANGE;
			}
	j->derived[D_DECAY] = exp(-dt / j->param[P_TAU]);
	j->derived[D_DECAY_S] = exp(-dt / j->param[P_TAU_S]);
	j->derived[D_DECAY_T] = exp(-dt / j->param[P_TAU_T]);
	return SOMA_OK;
}

static void stdp_current(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[S_S], j->param[P_E], post);
}

static inline double clip(double w, double lo, double hi)
{
	return w < lo ? lo : w > hi ? hi : w;
}

/*
 * Stage 7: s, A_s, A_t decay exactly to t_{n+1}; each presynaptic spike
 * arriving then does, for every synapse e of its pre neuron p (post i),
 *   s_i += w_e;  A_s[p] += delta_A_s;  w_e -= A_t[i],
 * in the seed's order. w_e is clipped to [w_min, w_max] now unless post
 * neuron i spiked in this step: then stage 8 adds A_s and clips once, as
 * the seed clips once after both updates of a step.
 */
static void stdp_advance(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post, const double *arrive)
{
	(void)pre;
	double *restrict s = j->state[S_S], *restrict A_s = j->state[S_A_S];
	double *restrict A_t = j->state[S_A_T], *restrict w = j->w;
	double *restrict spiked = j->scratch; /* all 0 between steps */
	const double d = j->derived[D_DECAY], d_s = j->derived[D_DECAY_S];
	const double d_t = j->derived[D_DECAY_T];
	const double dA_s = j->param[P_DELTA_A_S];
	const double lo = j->param[P_W_MIN], hi = j->param[P_W_MAX];
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict post_idx = j->post_idx;

	for (uint32_t i = 0; i < j->n_post; i++) {
		s[i] *= d;
		A_t[i] *= d_t;
	}
	for (uint32_t k = 0; k < post->n_spk; k++)
		spiked[post->spk[k]] = 1;
	for (uint32_t p = 0; p < j->n_pre; p++) {
		A_s[p] *= d_s;
		/* at most one spike per pre neuron and step with a constant
		 * delay; several would be simultaneous, one after the other */
		for (double c = arrive[p]; c > 0.5; c -= 1.0) {
			A_s[p] += dA_s;
			for (uint64_t e = row[p]; e < row[p + 1]; e++) {
				const uint32_t i = post_idx[e];
				s[i] += w[e];
				w[e] -= A_t[i];
				if (!spiked[i])
					w[e] = clip(w[e], lo, hi);
			}
		}
	}
	for (uint32_t k = 0; k < post->n_spk; k++)
		spiked[post->spk[k]] = 0;
}

/*
 * Stage 8: each post neuron i that spiked at t_{n+1}:
 *   A_t[i] += delta_A_t;  w_e += A_s[pre(e)] for its synapses e,
 * then w_e is clipped to [w_min, w_max].
 */
static void stdp_plasticity(struct soma__proj *j, const struct soma__pop *pre,
			    const struct soma__pop *post, double dt)
{
	(void)pre;
	(void)dt;
	double *restrict A_t = j->state[S_A_T], *restrict w = j->w;
	const double *restrict A_s = j->state[S_A_S];
	const double dA_t = j->param[P_DELTA_A_T];
	const double lo = j->param[P_W_MIN], hi = j->param[P_W_MAX];
	const uint64_t *restrict col = j->col_ptr, *restrict syn = j->col_syn;
	const uint32_t *restrict syn_pre = j->syn_pre;

	for (uint32_t k = 0; k < post->n_spk; k++) {
		const uint32_t i = post->spk[k];
		A_t[i] += dA_t;
		for (uint64_t q = col[i]; q < col[i + 1]; q++) {
			const uint64_t e = syn[q];
			w[e] = clip(w[e] + A_s[syn_pre[e]], lo, hi);
		}
	}
}

static const struct soma__model_ops ops = {
	.state_size = state_size,
	.arrive_spikes = 1,
	.needs_post_index = 1,
	.proj_prepare = stdp_prepare,
	.proj_current = stdp_current,
	.proj_advance = stdp_advance,
	.proj_plasticity = stdp_plasticity,
	.v_index = -1,
};

const soma_model soma__model_stdp = {
	.name = "stdp",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "STDP synapse (traces, bounded weights)",
	.doc = "ds/dt = -s/tau, dA_s/dt = -A_s/tau_s, dA_t/dt = -A_t/tau_t.\n"
	       "Presynaptic spike (at its arrival, spike time + delay), in the\n"
	       "seed's order: s += w, A_s += delta_A_s, w -= A_t.\n"
	       "Postsynaptic spike: A_t += delta_A_t, w += A_s.\n"
	       "After the updates of a step w is clipped to [w_min, w_max], once.\n"
	       "A single pair with t_post - t_arrival = dt_pair > 0 from rest\n"
	       "changes w by +delta_A_s exp(-dt_pair/tau_s) (potentiation), one\n"
	       "with dt_pair < 0 by -delta_A_t exp(dt_pair/tau_t) (depression).\n"
	       "Output: current-based I_post += s (w, s in pA) or\n"
	       "conductance-based I_post += s (E - V_post) (w, s in nS; then\n"
	       "w_min >= 0). delta_A_s, delta_A_t, w_min, w_max are in the unit\n"
	       "of the weights.\n"
	       "Same step: a pre spike arriving at t_{n+1} and a post spike at\n"
	       "t_{n+1} count as pre before post (step stages 7 then 8,\n"
	       "network.h): w changes by -A_t (A_t without this post spike) +\n"
	       "A_s (with this pre spike's delta_A_s), clipped once, as in the\n"
	       "seed's code.\n"
	       "Delays: the delay is axonal. The presynaptic side (s, A_s and\n"
	       "the depression w -= A_t) acts when the spike arrives at the\n"
	       "synapse, t_pre + delay; the postsynaptic side acts at the post\n"
	       "spike time (no dendritic delay). The effective interval is\n"
	       "t_post - (t_pre + delay). The seed delays only the output s and\n"
	       "applies the plasticity at the presynaptic spike time; with its\n"
	       "default delay 0 both agree.\n"
	       "Representation: the weights w are per synapse (plastic); A_s is\n"
	       "kept once per pre neuron, A_t and s once per post neuron. This\n"
	       "is exact: the seed's per-synapse A_s changes only with its pre\n"
	       "neuron's spikes (all synapses of a pre neuron share the same\n"
	       "constant delay), its A_t only with its post neuron's spikes, and\n"
	       "s is linear, so the sum over a post neuron's synapses decays as\n"
	       "one variable.\n"
	       "Method: the traces and s decay exactly over each step\n"
	       "(x <- x exp(-dt/tau_x)); spikes fall on step ends.\n"
	       "Chosen where the seed contradicts itself: the chapter gives\n"
	       "delta_A_s = 0.5 and tau_t = 10 ms but no tau for s; the appendix\n"
	       "gives delta_A_s = 0 (no potentiation at all) and tau = 10 ms but\n"
	       "no tau_t. soma takes delta_A_s = delta_A_t = 0.5, tau_s = tau_t =\n"
	       "tau = 10 ms, w_min = 0, w_max = 20 (the chapter's values and the\n"
	       "appendix's tau).",
	.source = "BrainModels book §2.2.2 \"Spike-timing dependent plasticity\" "
		  "and appendix \"STDP\"; Bi & Poo (1998) J Neurosci 18:10464; "
		  "Song, Miller & Abbott (2000) Nat Neurosci 3:919",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
