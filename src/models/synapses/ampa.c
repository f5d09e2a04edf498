/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * AMPA synapse, BrainModels book §2.1 "AMPA Synapse" and its appendix
 * "AMPA" (brainmodels.synapses.AMPA): a two-state Markov channel opened by a
 * square pulse of transmitter after each presynaptic spike.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_ALPHA, P_BETA, P_T, P_T_DURATION, P_E };
enum { S_S, S_PULSE };
enum { D_PULSE_STEPS, D_DECAY_ON, D_S_INF, D_DECAY_OFF };

static const soma_var_info params[] = {
	[P_ALPHA] = { "alpha", "1/ms", 0.98, 0.0, INFINITY, 0,
		      "opening rate per mM of transmitter (1/(mM ms)): "
		      "alpha [T] is the opening rate" },
	[P_BETA] = { "beta", "1/ms", 0.18, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		     "closing rate" },
	[P_T] = { "T", "", 0.5, 0.0, INFINITY, 0,
		  "mM: transmitter concentration [T] during the pulse" },
	[P_T_DURATION] = { "T_duration", "ms", 0.5, 0.0, INFINITY,
			   SOMA_VAR_MIN_OPEN,
			   "length of the transmitter pulse after each spike "
			   "arrival (rounded to whole steps)" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

/* Both variables are kept once per presynaptic neuron (state_size). */
static const soma_var_info state[] = {
	[S_S] = { "s", "", 0.0, 0.0, 1.0, 0,
		  "open fraction of the channels of each presynaptic neuron's "
		  "synapses", NULL },
	[S_PULSE] = { "pulse", "ms", 0.0, 0.0, INFINITY, 0,
		      "transmitter pulse time left, a whole number of steps",
		      NULL },
};

static const unsigned char state_size[] = { SOMA__PER_PRE, SOMA__PER_PRE };

/*
 * With [T] constant over a step (the pulse starts and ends on step
 * boundaries), ds/dt = alpha T - (alpha T + beta) s is linear with constant
 * coefficients; exact over h = dt:
 *   pulse on:  s <- s_inf + (s - s_inf) exp(-(alpha T + beta) h),
 *              s_inf = alpha T / (alpha T + beta);
 *   pulse off: s <- s exp(-beta h).
 */
static int ampa_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	const double aT = j->param[P_ALPHA] * j->param[P_T];
	const double beta = j->param[P_BETA];
	uint64_t n;

	if (soma__pulse_steps(j->param[P_T_DURATION], dt, &n, err, len))
		return SOMA_ERANGE;
	j->derived[D_PULSE_STEPS] = (double)n;
	j->derived[D_DECAY_ON] = exp(-(aT + beta) * dt);
	j->derived[D_S_INF] = aT / (aT + beta);
	j->derived[D_DECAY_OFF] = exp(-beta * dt);
	return SOMA_OK;
}

static void ampa_current(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post)
{
	(void)pre;
	soma__syn_output_pre(j, j->state[S_S], j->param[P_E], post);
}

/* Advance each pre neuron's s over [t_n, t_{n+1}] with the pulse of that
 * step, then start a pulse (or restart it: the seed's t_last_pre_spike
 * moves to the latest spike) for the pre neurons whose spike arrives at
 * t_{n+1}: [T] = T during the next D_PULSE_STEPS steps. */
static void ampa_advance(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[S_S], *restrict pulse = j->state[S_PULSE];
	const double d_on = j->derived[D_DECAY_ON], s_inf = j->derived[D_S_INF];
	const double d_off = j->derived[D_DECAY_OFF], dt = j->dt;
	const double full = j->derived[D_PULSE_STEPS] * dt;

	for (uint32_t p = 0; p < j->n_pre; p++) {
		if (soma__pulse_tick(&pulse[p], dt))
			s[p] = s_inf + (s[p] - s_inf) * d_on;
		else
			s[p] *= d_off;
		if (arrive[p] > 0)
			pulse[p] = full;
	}
}

static const struct soma__model_ops ops = {
	.default_output = SOMA_OUTPUT_CONDUCTANCE,
	.state_size = state_size,
	.arrive_spikes = 1,
	.proj_prepare = ampa_prepare,
	.proj_current = ampa_current,
	.proj_advance = ampa_advance,
	.v_index = -1,
};

const soma_model soma__model_ampa = {
	.name = "ampa",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "AMPA synapse (Markov kinetics, transmitter pulse)",
	.doc = "ds/dt = alpha [T] (1 - s) - beta s: s is the open fraction of a\n"
	       "two-state channel; [T] = T (mM) for T_duration after each\n"
	       "presynaptic spike arrives (after the projection's delay), 0\n"
	       "otherwise. A spike during a pulse restarts it (the pulse ends\n"
	       "T_duration after the latest spike). A long pulse drives s to\n"
	       "alpha T/(alpha T + beta) (0.731 at the defaults).\n"
	       "Output: current-based I_post = sum over synapses of w s (w in pA)\n"
	       "or conductance-based I_post = sum of w s (E - V_post) (w in nS:\n"
	       "the seed's g_max; E in mV).\n"
	       "Units: T is a concentration in mM (written without unit), alpha\n"
	       "a rate per mM (1/(mM ms), written 1/ms).\n"
	       "Representation: s and the pulse depend only on the presynaptic\n"
	       "spike train, and with a constant delay every synapse of a pre\n"
	       "neuron sees the same train, so they are kept once per pre neuron\n"
	       "(the state has n_pre values), which is exact; the output sums\n"
	       "w s over the synapses of each post neuron. The seed keeps s and\n"
	       "t_last_pre_spike per synapse but indexes t_last_pre_spike by the\n"
	       "pre neuron (its text) or by the synapse (its GABA_B): both hold\n"
	       "the same value for all synapses of a pre neuron, so the per-pre\n"
	       "state is the consistent reading of either.\n"
	       "Method: the pulse lasts round(T_duration/dt) whole steps (halves\n"
	       "up; the seed's test t - t_spike < T_duration gives\n"
	       "ceil(T_duration/dt), the same when T_duration is a multiple of\n"
	       "dt), starting with the step that begins at the arrival; [T] is\n"
	       "then constant within each step and s advances exactly:\n"
	       "s <- s_inf + (s - s_inf) exp(-(alpha T + beta) dt) during the pulse,\n"
	       "s <- s exp(-beta dt) after (the seed's exponential Euler is exact\n"
	       "for this equation too). s first moves at the end of the step that\n"
	       "starts at the arrival, as the seed's s moves in the step that\n"
	       "starts at the spike.",
	.source = "BrainModels book §2.1 \"AMPA Synapse\" and appendix \"AMPA\" "
		  "(alpha = 0.98, beta = 0.18, T = 0.5, T_duration = 0.5); "
		  "Destexhe, Mainen & Sejnowski (1994) Neural Comput 6:14",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
