/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dual-exponential (difference of two exponentials) synapse, BrainModels
 * book §2.1.1 "Abstract reduced models" (1) and its appendix "Differences of
 * two exponentials" (brainmodels.synapses.Two_exponentials), with the peak
 * normalised to the weight.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_TAU_DECAY, P_TAU_RISE, P_E };
enum { S_S, S_X };
enum { D_DECAY_S, D_DECAY_X, D_COUPLE };

static const soma_var_info params[] = {
	[P_TAU_DECAY] = { "tau_decay", "ms", 3.0, 0.0, INFINITY,
			  SOMA_VAR_MIN_OPEN,
			  "decay time constant (the slower one, seed tau2)" },
	[P_TAU_RISE] = { "tau_rise", "ms", 1.0, 0.0, INFINITY,
			 SOMA_VAR_MIN_OPEN,
			 "rise time constant, <= tau_decay (the faster one, "
			 "seed tau1)" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

static const soma_var_info state[] = {
	[S_S] = { "s", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed synaptic variable of each post neuron: current (pA) "
		  "or conductance (nS)", NULL },
	[S_X] = { "x", SOMA_UNIT_WEIGHT, 0.0, -INFINITY, INFINITY, 0,
		  "summed rise variable of each post neuron: jumps by w at "
		  "each arrival, decays with tau_rise", NULL },
};

/*
 * x' = -x/tau_r, s' = -s/tau_d + a x/tau_r with a = exp(t_peak/tau_d), so
 * that one arrival of weight w (x += w) gives
 *   s(t) = a w tau_d/(tau_d - tau_r) (exp(-t/tau_d) - exp(-t/tau_r)),
 * whose peak, at t_peak = tau_d tau_r/(tau_d - tau_r) ln(tau_d/tau_r), is
 * a w exp(-t_peak/tau_d) = w. With r = (tau_d - tau_r)/tau_r,
 * t_peak/tau_d = log1p(r)/r (1 at r = 0, the alpha limit). The exact
 * propagator over h = dt is
 *   x <- x exp(-h/tau_r)
 *   s <- s exp(-h/tau_d) + x a tau_d/(tau_d - tau_r) (exp(-h/tau_d) - exp(-h/tau_r)),
 * where the difference is written exp(-h/tau_d) (-expm1(-h delta)),
 * delta = 1/tau_r - 1/tau_d, so that it keeps full precision however close
 * the two time constants are; at tau_r = tau_d the coupling is its limit
 * e (h/tau) exp(-h/tau).
 */
static int dexp_prepare(struct soma__proj *j, double dt, char *err,
			size_t len)
{
	const double td = j->param[P_TAU_DECAY], tr = j->param[P_TAU_RISE];
	double r, a, couple;

	if (tr > td) {
		snprintf(err, len,
			 "tau_rise = %g ms must not exceed tau_decay = %g ms: the "
			 "rise is the faster process (the waveform is symmetric in "
			 "the two time constants, so swap them)", tr, td);
		return SOMA_ERANGE;
	}
	r = (td - tr) / tr;
	a = exp(r > 0 ? log1p(r) / r : 1.0);
	if (td > tr) {
		double delta = (td - tr) / td / tr;
		couple = a * exp(-dt / td) * -expm1(-dt * delta) * (td / (td - tr));
	} else {
		double u = dt / td;
		/* beyond 700 the coupling is below 1e-300: 0, not inf * 0 */
		couple = u > 700.0 ? 0.0 : a * u * exp(-u);
	}
	j->derived[D_DECAY_S] = exp(-dt / td);
	j->derived[D_DECAY_X] = exp(-dt / tr);
	j->derived[D_COUPLE] = couple;
	return SOMA_OK;
}

static void dexp_current(struct soma__proj *j, struct soma__pop *pre,
			    struct soma__pop *post)
{
	(void)pre;
	soma__syn_output(j, j->state[S_S], j->param[P_E], post);
}

/* Exact over one step; the arrivals due at t_{n+1} jump x, so s stays
 * continuous and first moves one step after an arrival. */
static void dexp_advance(struct soma__proj *j, struct soma__pop *pre,
			    struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[S_S], *restrict x = j->state[S_X];
	const double ds = j->derived[D_DECAY_S], dx = j->derived[D_DECAY_X];
	const double c = j->derived[D_COUPLE];

	for (uint32_t i = 0; i < j->n_post; i++) {
		s[i] = s[i] * ds + x[i] * c;
		x[i] = x[i] * dx + arrive[i];
	}
}

static const struct soma__model_ops ops = {
	.proj_prepare = dexp_prepare,
	.proj_current = dexp_current,
	.proj_advance = dexp_advance,
	.v_index = -1,
};

const soma_model soma__model_dual_exponential = {
	.name = "dual_exponential",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Dual-exponential synapse",
	.doc = "One presynaptic spike arriving at t_a (after the delay) with\n"
	       "weight w gives, for t >= t_a,\n"
	       "  s(t) = w (exp(-u/tau_decay) - exp(-u/tau_rise))\n"
	       "         / (exp(-t_peak/tau_decay) - exp(-t_peak/tau_rise)),\n"
	       "u = t - t_a, peaking at s = w at\n"
	       "  t_peak = tau_decay tau_rise/(tau_decay - tau_rise)\n"
	       "           ln(tau_decay/tau_rise).\n"
	       "Equations: dx/dt = -x/tau_rise, ds/dt = -s/tau_decay + a x/tau_rise,\n"
	       "a = exp(t_peak/tau_decay); an arrival adds w to x (s is continuous:\n"
	       "it is 0 at t_a and first non-zero one step later).\n"
	       "Output: current-based I_post += s (w, s in pA) or conductance-based\n"
	       "I_post += s (E - V_post) (w, s in nS, E in mV).\n"
	       "Normalisation (chosen): the seed's Two_exponentials adds 1 to\n"
	       "x = ds/dt, i.e. s = tau1 tau2/(tau1 - tau2) (exp(-u/tau1) -\n"
	       "exp(-u/tau2)), whose peak is tau_rise (tau_rise/tau_decay)^\n"
	       "(tau_rise/(tau_decay - tau_rise)) ms (0.577 ms for its defaults 1\n"
	       "and 3 ms) and whose s has the unit weight*ms. soma scales the peak\n"
	       "to w, so that w is the peak current (pA) or conductance (nS), as for\n"
	       "the exponential and alpha synapses; to reproduce the seed's curve\n"
	       "multiply its weight by that peak. The seed's tau1 and tau2 enter\n"
	       "symmetrically: the faster is tau_rise here, and tau_rise > tau_decay\n"
	       "is refused. tau_rise = tau_decay = tau is allowed and gives the\n"
	       "alpha synapse w (u/tau) exp(1 - u/tau).\n"
	       "Representation: the kinetics are linear and shared by every\n"
	       "synapse of the projection, so x and s are kept once per post neuron\n"
	       "(the sums over its synapses), which is exact.\n"
	       "Method: the exact propagator of the linear pair over one step\n"
	       "(x <- x exp(-dt/tau_rise); s <- s exp(-dt/tau_decay) + c x, c the\n"
	       "exact coupling), computed with expm1 so that it stays exact when\n"
	       "tau_rise is close to tau_decay; the seed integrates with RK4.",
	.source = "BrainModels book §2.1.1 \"Abstract reduced models\" (1) and "
		  "appendix \"Differences of two exponentials\" (tau1 = 1 ms, "
		  "tau2 = 3 ms defaults: tau_rise = 1 ms, tau_decay = 3 ms); "
		  "Rotter & Diesmann (1999) for exact propagators",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
