/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Alpha synapse, BrainModels book §2.1.1 "Abstract reduced models" (2) and
 * its appendix "Alpha" (brainmodels.synapses.Alpha), with the peak
 * normalised to the weight.
 */
#include <math.h>

#include "core/internal.h"

enum { P_TAU_DECAY, P_E };
enum { S_S, S_X };
enum { D_DECAY, D_COUPLE };

static const soma_var_info params[] = {
	[P_TAU_DECAY] = { "tau_decay", "ms", 3.0, 0.0, INFINITY,
			  SOMA_VAR_MIN_OPEN,
			  "time constant tau (the seed's tau): time to peak and "
			  "decay time" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

static const soma_var_info state[] = {
	[S_S] = { "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed synaptic variable of each post neuron: current (pA) "
		  "or conductance (nS)", NULL },
	[S_X] = { "x", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed rise variable of each post neuron: jumps by w at "
		  "each arrival, decays with tau_decay", NULL },
};

/*
 * x' = -x/tau, s' = -s/tau + e x/tau: one arrival x += w gives
 * s(u) = w (u/tau) exp(1 - u/tau). Exact over h = dt:
 *   x <- x exp(-h/tau),  s <- s exp(-h/tau) + x e (h/tau) exp(-h/tau).
 */
static int alpha_prepare(struct soma__proj *j, double dt, char *err,
			 size_t len)
{
	const double u = dt / j->param[P_TAU_DECAY];

	(void)err;
	(void)len;
	j->derived[D_DECAY] = exp(-u);
	/* beyond 700 the coupling is below 1e-300: 0, not inf * 0 */
	j->derived[D_COUPLE] = u > 700.0 ? 0.0 : u * exp(1.0 - u);
	return SOMA_OK;
}

static void alpha_current(struct soma__proj *j, struct soma__pop *pre,
			     struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[S_S], j->param[P_E], post);
}

/* Exact over one step; the arrivals due at t_{n+1} jump x, so s stays
 * continuous and first moves one step after an arrival. */
static void alpha_advance(struct soma__proj *j, struct soma__pop *pre,
			     struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[S_S], *restrict x = j->state[S_X];
	const double d = j->derived[D_DECAY], c = j->derived[D_COUPLE];

	for (uint32_t i = 0; i < j->n_post; i++) {
		s[i] = s[i] * d + x[i] * c;
		x[i] = x[i] * d + arrive[i];
	}
}

static const struct soma__model_ops ops = {
	.proj_prepare = alpha_prepare,
	.proj_current = alpha_current,
	.proj_advance = alpha_advance,
	.v_index = -1,
};

const soma_model soma__model_alpha = {
	.name = "alpha",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Alpha synapse",
	.doc = "One presynaptic spike arriving at t_a (after the delay) with\n"
	       "weight w gives, for t >= t_a, u = t - t_a,\n"
	       "  s(t) = w (u/tau) exp(1 - u/tau)   (tau = tau_decay),\n"
	       "which peaks at s = w at u = tau.\n"
	       "Equations: dx/dt = -x/tau, ds/dt = -s/tau + e x/tau; an arrival\n"
	       "adds w to x (s is continuous: it is 0 at t_a and first non-zero\n"
	       "one step later). This is the dual-exponential synapse at\n"
	       "tau_rise = tau_decay.\n"
	       "Output: current-based I_post += s (w, s in pA) or conductance-based\n"
	       "I_post += s (E - V_post) (w, s in nS, E in mV).\n"
	       "Normalisation (chosen; the seed contradicts itself): the seed's\n"
	       "formula s = (u/tau) exp(-u/tau) peaks at 1/e, while its code\n"
	       "(ds/dt = x, dx/dt = -2x/tau - s/tau^2, x += 1 per spike) gives\n"
	       "s = u exp(-u/tau), peak tau/e with the unit weight*ms. soma scales\n"
	       "the peak to w, so that w is the peak current (pA) or conductance\n"
	       "(nS), as for the exponential and dual-exponential synapses; to\n"
	       "reproduce the seed's code use w = w_seed tau/e, its formula\n"
	       "w = w_seed/e.\n"
	       "Representation: the kinetics are linear and shared by every\n"
	       "synapse of the projection, so x and s are kept once per post neuron\n"
	       "(the sums over its synapses), which is exact.\n"
	       "Method: the exact propagator over one step,\n"
	       "x <- x exp(-dt/tau), s <- (s + e (dt/tau) x) exp(-dt/tau)\n"
	       "(the t exp(-t/tau) term of the repeated eigenvalue); the seed\n"
	       "integrates with RK4.",
	.source = "BrainModels book §2.1.1 \"Abstract reduced models\" (2) and "
		  "appendix \"Alpha\" (tau = 3 ms default); Rall (1967); "
		  "Rotter & Diesmann (1999) for exact propagators",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
