/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Wilson-Cowan firing-rate unit (Wilson & Cowan 1972): the mean activity of
 * an excitatory and an inhibitory group of a cortical column, as in the
 * BrainModels book §1.4.1 "Firing Rate Unit" and its appendix
 * (brainmodels.neurons.FiringRateUnit).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_C1, P_C2, P_C3, P_C4, P_K_E, P_K_I, P_TAU_E, P_TAU_I, P_R_E, P_R_I,
       P_SLOPE_E, P_SLOPE_I, P_THETA_E, P_THETA_I };
enum { D_INV_TAU_E, D_INV_TAU_I, D_S0_E, D_S0_I };
enum { A_E, A_I };

static const soma_var_info params[] = {
	[P_C1] = { "c1", "", 12.0, 0.0, INFINITY, 0,
		   "coupling from the excitatory to the excitatory group" },
	[P_C2] = { "c2", "", 4.0, 0.0, INFINITY, 0,
		   "coupling from the inhibitory to the excitatory group" },
	[P_C3] = { "c3", "", 13.0, 0.0, INFINITY, 0,
		   "coupling from the excitatory to the inhibitory group" },
	[P_C4] = { "c4", "", 11.0, 0.0, INFINITY, 0,
		   "coupling from the inhibitory to the inhibitory group" },
	[P_K_E] = { "k_e", "", 1.0, 0.0, INFINITY, 0,
		    "excitatory refractory factor: gain at a_e = 0 (with r_e)" },
	[P_K_I] = { "k_i", "", 1.0, 0.0, INFINITY, 0,
		    "inhibitory refractory factor: gain at a_i = 0 (with r_i)" },
	[P_TAU_E] = { "tau_e", "ms", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "time constant of the excitatory activity" },
	[P_TAU_I] = { "tau_i", "ms", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "time constant of the inhibitory activity" },
	[P_R_E] = { "r_e", "", 1.0, 0.0, INFINITY, 0,
		    "excitatory refractoriness: gain falls as k_e - r_e a_e" },
	[P_R_I] = { "r_i", "", 1.0, 0.0, INFINITY, 0,
		    "inhibitory refractoriness: gain falls as k_i - r_i a_i" },
	[P_SLOPE_E] = { "slope_e", "", 1.2, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
			"slope of the excitatory sigmoid" },
	[P_SLOPE_I] = { "slope_i", "", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
			"slope of the inhibitory sigmoid" },
	[P_THETA_E] = { "theta_e", "", 2.8, -INFINITY, INFINITY, 0,
			"threshold (half-activation input) of the excitatory sigmoid" },
	[P_THETA_I] = { "theta_i", "", 4.0, -INFINITY, INFINITY, 0,
			"threshold (half-activation input) of the inhibitory sigmoid" },
};

static const soma_var_info state[] = {
	[A_E] = { "a_e", "", 0.1, -INFINITY, INFINITY, 0,
		  "activity of the excitatory group (fraction firing)", NULL },
	[A_I] = { "a_i", "", 0.05, -INFINITY, INFINITY, 0,
		  "activity of the inhibitory group (fraction firing)", NULL },
};

static const soma_var_info inputs[] = {
	{ "I_ext_e", "", 0.0, -INFINITY, INFINITY, 0,
	  "external input to the excitatory group (sigmoid argument units)",
	  NULL },
	{ "I_ext_i", "", 0.0, -INFINITY, INFINITY, 0,
	  "external input to the inhibitory group (sigmoid argument units)",
	  NULL },
};

/* 1/(1 + exp(-z)) without overflow for any z: the exponential is only ever
 * taken of a non-positive argument. */
static inline double logistic(double z)
{
	double e = exp(-fabs(z));

	return z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

static int wc_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	const double tau_min = fmin(p->param[P_TAU_E], p->param[P_TAU_I]);

	if (p->method == SOMA_METHOD_EULER && dt > tau_min) {
		snprintf(err, len,
			 "tau_e = %g ms, tau_i = %g ms: dt = %g ms is longer than "
			 "the shorter one: forward Euler would overshoot the "
			 "relaxation of the activity; use dt <= min(tau_e, tau_i) "
			 "(better a tenth of it) or another method",
			 p->param[P_TAU_E], p->param[P_TAU_I], dt);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU_E] = 1.0 / p->param[P_TAU_E];
	p->derived[D_INV_TAU_I] = 1.0 / p->param[P_TAU_I];
	/* the offset 1/(1 + exp(slope theta)) that makes S(0) = 0 */
	p->derived[D_S0_E] = logistic(-p->param[P_SLOPE_E] * p->param[P_THETA_E]);
	p->derived[D_S0_I] = logistic(-p->param[P_SLOPE_I] * p->param[P_THETA_I]);
	return SOMA_OK;
}

/*
 * tau_e da_e/dt = -a_e + (k_e - r_e a_e) S_e(c1 a_e - c2 a_i + I_ext_e)
 * tau_i da_i/dt = -a_i + (k_i - r_i a_i) S_i(c3 a_e - c4 a_i + I_ext_i)
 * S(x) = L(slope (x - theta)) - L(-slope theta), L(z) = 1/(1 + e^-z).
 */
static void wc_rhs(const struct soma__pop *p, const struct soma__blk *b,
		   const double *const *y, double *const *dy, double *const *diag)
{
	const double c1 = p->param[P_C1], c2 = p->param[P_C2];
	const double c3 = p->param[P_C3], c4 = p->param[P_C4];
	const double k_e = p->param[P_K_E], k_i = p->param[P_K_I];
	const double r_e = p->param[P_R_E], r_i = p->param[P_R_I];
	const double s_e = p->param[P_SLOPE_E], s_i = p->param[P_SLOPE_I];
	const double th_e = p->param[P_THETA_E], th_i = p->param[P_THETA_I];
	const double inv_te = p->derived[D_INV_TAU_E];
	const double inv_ti = p->derived[D_INV_TAU_I];
	const double S0_e = p->derived[D_S0_E], S0_i = p->derived[D_S0_I];
	const double *restrict ae = y[A_E], *restrict ai = y[A_I];
	const double *restrict Ie = b->in[0], *restrict Ii = b->in[1];
	double *restrict dae = dy[A_E], *restrict dai = dy[A_I];

	for (uint32_t i = 0; i < b->n; i++) {
		double Le = logistic(s_e * (c1 * ae[i] - c2 * ai[i] + Ie[i] - th_e));
		double Li = logistic(s_i * (c3 * ae[i] - c4 * ai[i] + Ii[i] - th_i));
		double ge = k_e - r_e * ae[i], gi = k_i - r_i * ai[i];

		dae[i] = (-ae[i] + ge * (Le - S0_e)) * inv_te;
		dai[i] = (-ai[i] + gi * (Li - S0_i)) * inv_ti;
		if (diag) {
			/* S'(x) = slope L (1 - L) */
			diag[A_E][i] = (-1.0 - r_e * (Le - S0_e) +
					ge * s_e * Le * (1.0 - Le) * c1) * inv_te;
			diag[A_I][i] = (-1.0 - r_i * (Li - S0_i) -
					gi * s_i * Li * (1.0 - Li) * c4) * inv_ti;
		}
	}
}

static const struct soma__model_ops ops = {
	.pop_prepare = wc_prepare,
	.rhs = wc_rhs,
	.spike = NULL,
	.n_ode = 2,
	.default_method = SOMA_METHOD_EULER,
	.v_index = -1,
};

const soma_model soma__model_wilson_cowan = {
	.name = "wilson_cowan",
	.kind = SOMA_MODEL_NEURON,
	.title = "Wilson-Cowan firing-rate unit",
	.doc = "One unit is a cortical column: the activities a_e, a_i of its\n"
	       "excitatory and inhibitory groups (dimensionless fractions),\n"
	       "  tau_e da_e/dt = -a_e + (k_e - r_e a_e) S_e(c1 a_e - c2 a_i + I_ext_e)\n"
	       "  tau_i da_i/dt = -a_i + (k_i - r_i a_i) S_i(c3 a_e - c4 a_i + I_ext_i)\n"
	       "  S(x) = 1/(1 + exp(-slope (x - theta))) - 1/(1 + exp(slope theta)),\n"
	       "so S(0) = 0 and a_e = a_i = 0 is the rest state without input.\n"
	       "Two input channels, I_ext_e and I_ext_i (dimensionless, in the\n"
	       "units of the sigmoid's argument): an input goes to I_ext_e\n"
	       "unless its channel says I_ext_i. Projections of spiking synapses\n"
	       "cannot target the unit (it has no membrane potential); the input\n"
	       "conductance g of the integrator is not used.\n"
	       "No spikes. Default method forward Euler (the seed's); prepare\n"
	       "refuses Euler with dt > min(tau_e, tau_i). exp_euler linearises\n"
	       "each activity in itself (the diagonal of the Jacobian is\n"
	       "provided). The logistic is evaluated so that its exponential\n"
	       "never overflows, for any input.\n"
	       "Where the seed contradicts itself: the appendix's code divides\n"
	       "the derivatives by slope_e, slope_i instead of tau_e, tau_i,\n"
	       "subtracts 1/(1 + exp(slope theta - x)) (which depends on x, so\n"
	       "S(0) != 0) and has theta_i = 1.5; soma follows §1.4.1, whose\n"
	       "equations, code and defaults agree with each other and with\n"
	       "Wilson & Cowan (1972): tau as the time constant, the constant\n"
	       "offset, theta_i = 4.",
	.source = "Wilson & Cowan (1972), Biophys. J. 12:1-24; BrainModels book "
		  "§1.4.1 \"Firing Rate Unit\" and appendix \"Firing Rate Unit "
		  "model\" (defaults c1=12, c2=4, c3=13, c4=11, k_e=k_i=1, "
		  "tau_e=tau_i=1 ms, r_e=r_i=1, slope_e=1.2, slope_i=1, "
		  "theta_e=2.8, theta_i=4; a_e=0.1, a_i=0.05 initially)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
	.inputs = inputs,
	.n_inputs = sizeof(inputs) / sizeof(inputs[0]),
};
