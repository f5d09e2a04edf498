/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Short-term plasticity (Tsodyks & Markram 1997; Tsodyks, Pawelzik &
 * Markram 1998), BrainModels book §2.2.1 and its appendix "STP"
 * (brainmodels.synapses.STP).
 */
#include <math.h>

#include "core/internal.h"

enum { P_U, P_TAU_F, P_TAU_D, P_TAU, P_E };
enum { S_S, S_U, S_X };
enum { D_DECAY_S, D_DECAY_U, D_DECAY_X };

static const soma_var_info params[] = {
	[P_U] = { "U", "", 0.15, 0.0, 1.0, SOMA_VAR_MIN_OPEN,
		  "increment of the release probability u per spike: "
		  "u <- u + U (1 - u)" },
	[P_TAU_F] = { "tau_f", "ms", 1500.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "facilitation time constant: u relaxes to 0" },
	[P_TAU_D] = { "tau_d", "ms", 200.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "depression (recovery) time constant: x relaxes to 1" },
	[P_TAU] = { "tau", "ms", 8.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "decay time constant of the synaptic variable s" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

static const unsigned char state_size[] = {
	[S_S] = SOMA__PER_POST,
	[S_U] = SOMA__PER_PRE,
	[S_X] = SOMA__PER_PRE,
};

static const soma_var_info state[] = {
	[S_S] = { "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed synaptic variable of each post neuron: current (pA) "
		  "or conductance (nS)", NULL },
	[S_U] = { "u", "", 0.0, 0.0, 1.0, 0,
		  "release probability (facilitation), one per pre neuron",
		  NULL },
	[S_X] = { "x", "", 1.0, 0.0, 1.0, 0,
		  "fraction of available resources (depression), one per pre "
		  "neuron", NULL },
};

static int stp_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)err;
	(void)len;
	j->derived[D_DECAY_S] = exp(-dt / j->param[P_TAU]);
	j->derived[D_DECAY_U] = exp(-dt / j->param[P_TAU_F]);
	j->derived[D_DECAY_X] = exp(-dt / j->param[P_TAU_D]);
	return SOMA_OK;
}

static void stp_current(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[S_S], j->param[P_E], post);
}

/*
 * t_n -> t_{n+1}, exactly: s and u decay, x recovers towards 1; then each
 * spike arriving at t_{n+1} applies the jumps in the order of the seed's
 * equations, with u-, x- the values just before the spike:
 *   u+ = u- + U (1 - u-);  s += w u+ x-;  x+ = x- - u+ x-.
 */
static void stp_advance(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[S_S];
	double *restrict u = j->state[S_U], *restrict x = j->state[S_X];
	const double ds = j->derived[D_DECAY_S], du = j->derived[D_DECAY_U];
	const double dx = j->derived[D_DECAY_X], U = j->param[P_U];
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict post_idx = j->post_idx;
	const double *restrict w = j->w;

	for (uint32_t i = 0; i < j->n_post; i++)
		s[i] *= ds;
	for (uint32_t p = 0; p < j->n_pre; p++) {
		u[p] *= du;
		x[p] = 1.0 - (1.0 - x[p]) * dx;
		/* at most one spike per pre neuron and step with a constant
		 * delay; several would be simultaneous spikes, one after the
		 * other */
		for (double k = arrive[p]; k > 0.5; k -= 1.0) {
			const double up = u[p] + U * (1.0 - u[p]);
			const double a = up * x[p];

			for (uint64_t e = row[p]; e < row[p + 1]; e++)
				s[post_idx[e]] += w[e] * a;
			u[p] = up;
			x[p] -= a;
		}
	}
}

static const struct soma__model_ops ops = {
	.state_size = state_size,
	.arrive_spikes = 1,
	.proj_prepare = stp_prepare,
	.proj_current = stp_current,
	.proj_advance = stp_advance,
	.v_index = -1,
};

const soma_model soma__model_stp = {
	.name = "stp",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Short-term plasticity (Tsodyks-Markram)",
	.doc = "ds/dt = -s/tau, du/dt = -u/tau_f, dx/dt = (1 - x)/tau_d;\n"
	       "a presynaptic spike arriving after the delay, with u-, x- the\n"
	       "values just before it, applies in this order\n"
	       "  u+ = u- + U (1 - u-),  s += w u+ x-,  x+ = x- - u+ x-\n"
	       "(the seed's A is the weight w). u (release probability,\n"
	       "facilitation) rises from 0 at each spike and decays with tau_f;\n"
	       "x (available resources, depression) falls from 1 and recovers\n"
	       "with tau_d. tau_d > tau_f gives depression (the seed's U = 0.2,\n"
	       "tau_d = 150 ms, tau_f = 2 ms), tau_f > tau_d facilitation\n"
	       "(U = 0.1, tau_d = 10 ms, tau_f = 100 ms). Output: current-based\n"
	       "I_post += s (w, s in pA) or conductance-based\n"
	       "I_post += s (E - V_post) (w, s in nS, E in mV).\n"
	       "Representation: u and x are kept once per presynaptic neuron and\n"
	       "s once per post neuron. This is exact: u and x depend only on\n"
	       "the presynaptic spike train, and every synapse of a pre neuron\n"
	       "sees the same train shifted by the same constant delay, so the\n"
	       "per-synapse u, x of the seed are equal for all synapses of one\n"
	       "pre neuron; s is linear, so the sum over a post neuron's\n"
	       "synapses decays as one variable. u and x therefore jump at the\n"
	       "arrival time (spike time + delay); the seed jumps them at the\n"
	       "spike and delays the output s instead, which gives the same s\n"
	       "at the post neuron (the recorded u, x are shifted by the delay).\n"
	       "Method: exact over each step, s <- s exp(-dt/tau),\n"
	       "u <- u exp(-dt/tau_f), x <- 1 - (1 - x) exp(-dt/tau_d), then the\n"
	       "jumps of the spikes arriving at t_{n+1}.\n"
	       "Chosen where the seed contradicts itself: (1) its code applies\n"
	       "the jumps with the values of the previous step (U (1 - u(t_n)),\n"
	       "w u+ x(t_n), x -= u+ x(t_n)) while its equations use the values\n"
	       "just before the spike; soma follows the equations (the code's\n"
	       "form differs by O(dt) and is not the Tsodyks-Markram model).\n"
	       "(2) Defaults: the chapter's code has U = 0.15, tau_f = 1500 ms,\n"
	       "tau_d = 200 ms and 'tau_u = 8' for the s decay (read as tau), the\n"
	       "appendix U = 0.15, tau = 10 ms, tau_d = 200 ms, tau_f = 8 ms;\n"
	       "soma takes the chapter's (those of brainmodels.synapses.STP):\n"
	       "tau_f = 1500 ms, tau_d = 200 ms, tau = 8 ms (a facilitation time\n"
	       "constant of 8 ms would leave almost no facilitation).",
	.source = "BrainModels book §2.2.1 \"Short-term plasticity\" and "
		  "appendix \"STP\"; Tsodyks & Markram (1997) PNAS 94:719; "
		  "Tsodyks, Pawelzik & Markram (1998) Neural Comput 10:821",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
