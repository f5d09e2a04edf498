/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Quadratic integrate-and-fire neuron (Latham et al. 2000), as in the
 * BrainModels book §1.3.2 and its appendix "QuaIF model"
 * (brainmodels.neurons.QuaIF).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_V_REST, P_V_RESET, P_V_TH, P_V_C, P_A_0, P_R, P_TAU, P_T_REF };
enum { D_INV_TAU, D_REF_STEPS, D_DIAG_MAX };

/* The right-hand side is evaluated at V clamped to [-V_LIMIT, V_th] (mV):
 * exact wherever a step can end without a spike or a stopped run, and
 * bounded at the trial states of Runge-Kutta stages and rkf45 sub-steps
 * beyond the cut-off, where the quadratic would reach infinity in finite
 * time. */
/* exponential Euler: largest diag * dt (expm1(100) is finite; a linearised
 * growth of e^100 in one step is a spike whatever the exact rate) */
#define DIAG_DT_MAX 100.0

static const soma_var_info params[] = {
	[P_V_REST] = { "V_rest", "mV", -65.0, -INFINITY, INFINITY, 0,
		       "resting potential (stable root without input)" },
	[P_V_RESET] = { "V_reset", "mV", -68.0, -INFINITY, INFINITY, 0,
			"potential after a spike" },
	[P_V_TH] = { "V_th", "mV", -30.0, -INFINITY, INFINITY, 0,
		     "spike cut-off (spike when V >= V_th)" },
	[P_V_C] = { "V_c", "mV", -50.0, -INFINITY, INFINITY, 0,
		    "critical potential (unstable root without input), > V_rest" },
	[P_A_0] = { "a_0", "", 0.07, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "1/mV: slope of the quadratic (seed's a_0)" },
	[P_R] = { "R", "GOhm", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane resistance (GOhm * pA = mV)" },
	[P_TAU] = { "tau", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "membrane time constant" },
	[P_T_REF] = { "t_refractory", "ms", 0.0, 0.0, INFINITY, 0,
		      "refractory period: V held, not integrated" },
};

static const soma_var_info state[] = {
	{ "V", "mV", -68.0, -INFINITY, INFINITY, 0, "membrane potential",
	  "V_reset" },
};

static int quaif_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	const double *q = p->param;

	if (soma__check_reset(q[P_V_RESET], q[P_V_TH], err, len))
		return SOMA_ERANGE;
	if (q[P_V_C] <= q[P_V_REST]) {
		snprintf(err, len,
			 "V_c = %g mV must be above V_rest = %g mV: V_rest is the "
			 "stable root of a_0 (V - V_rest)(V - V_c), V_c the "
			 "unstable one",
			 q[P_V_C], q[P_V_REST]);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU] = 1.0 / q[P_TAU];
	p->derived[D_REF_STEPS] = (double)soma__steps(q[P_T_REF], dt);
	p->derived[D_DIAG_MAX] = DIAG_DT_MAX / dt;
	return SOMA_OK;
}

/* tau dV/dt = a_0 (V - V_rest)(V - V_c) + R (I - g V), at V clamped to
 * [-V_LIMIT, V_th] */
static void quaif_rhs(const struct soma__pop *p, const struct soma__blk *b,
		      const double *const *y, double *const *dy,
		      double *const *diag)
{
	const double V_rest = p->param[P_V_REST], V_c = p->param[P_V_C];
	const double a_0 = p->param[P_A_0], R = p->param[P_R];
	const double V_th = p->param[P_V_TH];
	const double inv_tau = p->derived[D_INV_TAU];
	const double diag_max = p->derived[D_DIAG_MAX];
	const double *restrict V = y[0], *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[0];

	/* a NaN V stays NaN: the integrator adds dV to it */
	for (uint32_t i = 0; i < b->n; i++) {
		double v = fmin(fmax(V[i], -SOMA__V_LIMIT), V_th);

		dV[i] = (a_0 * (v - V_rest) * (v - V_c) + R * (I[i] - g[i] * v)) *
			inv_tau;
	}
	if (diag)
		for (uint32_t i = 0; i < b->n; i++) {
			double d = a_0 * (2.0 * V[i] - V_rest - V_c) - R * g[i];

			if (!(V[i] > -SOMA__V_LIMIT && V[i] < V_th))
				d = 0.0; /* clamped: constant in V */
			diag[0][i] = fmin(d * inv_tau, diag_max);
		}
}

static void quaif_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
			const double *V_old)
{
	(void)V_old;
	soma__spike_reset(p, lo, n, p->state[0] + lo, p->param[P_V_TH],
			  p->param[P_V_RESET], (int32_t)p->derived[D_REF_STEPS]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = quaif_prepare,
	.rhs = quaif_rhs,
	.spike = quaif_spike,
	.n_ode = 1,
	.default_method = SOMA_METHOD_EULER,
	.v_index = 0,
};

const soma_model soma__model_quaif = {
	.name = "quaif",
	.kind = SOMA_MODEL_NEURON,
	.title = "Quadratic integrate-and-fire neuron",
	.doc = "tau dV/dt = a_0 (V - V_rest)(V - V_c) + R I(t),\n"
	       "I in pA, R in GOhm (R I in mV), a_0 in 1/mV (listed\n"
	       "dimensionless: soma has no 1/mV unit).\n"
	       "Without input V_rest is the stable and V_c the unstable fixed\n"
	       "point; a constant input moves them to the roots of\n"
	       "a_0 (V - V_rest)(V - V_c) + R I, and above the rheobase\n"
	       "R I = a_0 (V_c - V_rest)^2 / 4 (3.94 mV with the defaults)\n"
	       "there is none and the neuron fires repetitively.\n"
	       "Spike when V >= V_th (after the step; the spike time is the end\n"
	       "of that step), then V <- V_reset; V is held (not integrated)\n"
	       "for round(t_refractory/dt) steps. Input at V: I - g V (g of\n"
	       "conductance-based synapses).\n"
	       "The seed's code resets V to V_rest although it defines\n"
	       "V_reset = -68 mV (used there only as the initial V); soma\n"
	       "resets to V_reset, the parameter's meaning (as later versions\n"
	       "of BrainModels do). Set V_reset = V_rest to reproduce the\n"
	       "seed's figure. V starts at V_reset, as in the seed.\n"
	       "Default method forward Euler (the seed's §1.3.2; its appendix\n"
	       "uses rk45, soma's rkf45).\n"
	       "Numerics: the quadratic reaches infinity in finite time, so the\n"
	       "right-hand side is evaluated at V clamped to [-10^4 mV, V_th]:\n"
	       "above the cut-off V goes on rising at its rate at V_th (with\n"
	       "the defaults and no input 4.9 mV/ms, more with input) until\n"
	       "the step ends and V_th resets it. The clamp never acts on a\n"
	       "state a step can end in without a spike or a stopped run\n"
	       "(|V| >= 10^4 mV stops it); it keeps the Runge-Kutta trial\n"
	       "stages and rkf45 sub-steps that overshoot V_th finite with any\n"
	       "input and dt. For exponential Euler, dV/dt's derivative in V,\n"
	       "(a_0 (2V - V_rest - V_c) - R g)/tau (0 where clamped), is\n"
	       "capped at 100/dt (e^100: a spike whatever the exact rate).\n"
	       "Prepare refuses V_reset >= V_th and V_c <= V_rest.",
	.source = "Latham, Richmond, Nelson & Nirenberg (2000) J Neurophysiol "
		  "83:808; BrainModels book §1.3.2 and appendix \"QuaIF "
		  "model\" (defaults V_rest=-65, V_reset=-68, V_th=-30, "
		  "V_c=-50 mV, a_0=0.07, R=1, tau=10 ms, t_refractory=0)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
