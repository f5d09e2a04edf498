/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exponential integrate-and-fire neuron (Fourcaud-Trocmé et al. 2003), as
 * in the BrainModels book §1.3.3 and its appendix "ExpIF model"
 * (brainmodels.neurons.ExpIF).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_V_REST, P_V_RESET, P_V_TH, P_V_T, P_DELTA_T, P_R, P_TAU, P_T_REF };
enum { D_INV_TAU, D_REF_STEPS, D_DIAG_MAX };

/* The right-hand side is evaluated at min(V, V_th): the exponent is capped
 * at x_th = (V_th - V_T)/delta_T, exact wherever a step can end without a
 * spike. Largest x_th prepare accepts: e^500 ~ 1e217 leaves room for every
 * Runge-Kutta combination without overflow. */
#define X_TH_MAX 500.0
/* exponential Euler: largest diag * dt (see quaif.c) */
#define DIAG_DT_MAX 100.0

static const soma_var_info params[] = {
	[P_V_REST] = { "V_rest", "mV", -65.0, -INFINITY, INFINITY, 0,
		       "resting potential" },
	[P_V_RESET] = { "V_reset", "mV", -68.0, -INFINITY, INFINITY, 0,
			"potential after a spike" },
	[P_V_TH] = { "V_th", "mV", -30.0, -INFINITY, INFINITY, 0,
		     "spike cut-off (spike when V >= V_th)" },
	[P_V_T] = { "V_T", "mV", -59.9, -INFINITY, INFINITY, 0,
		    "threshold of the exponential (rheobase potential)" },
	[P_DELTA_T] = { "delta_T", "mV", 3.48, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
			"spike slope factor" },
	[P_R] = { "R", "GOhm", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane resistance (GOhm * pA = mV)" },
	[P_TAU] = { "tau", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "membrane time constant" },
	[P_T_REF] = { "t_refractory", "ms", 1.7, 0.0, INFINITY, 0,
		      "refractory period: V held, not integrated" },
};

static const soma_var_info state[] = {
	{ "V", "mV", -65.0, -INFINITY, INFINITY, 0, "membrane potential",
	  "V_rest" },
};

static int expif_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	const double *q = p->param;
	double x_th = (q[P_V_TH] - q[P_V_T]) / q[P_DELTA_T];

	if (soma__check_reset(q[P_V_RESET], q[P_V_TH], err, len))
		return SOMA_ERANGE;
	if (x_th > X_TH_MAX) {
		snprintf(err, len,
			 "(V_th - V_T)/delta_T = (%g - %g)/%g = %g: the exponential "
			 "would overflow below V_th; use V_th - V_T <= %g delta_T",
			 q[P_V_TH], q[P_V_T], q[P_DELTA_T], x_th, X_TH_MAX);
		return SOMA_ERANGE;
	}
	if (p->method == SOMA_METHOD_EULER && dt > q[P_TAU]) {
		snprintf(err, len,
			 "tau = %g ms is shorter than dt = %g ms: forward Euler "
			 "would overshoot the membrane's relaxation; use dt <= tau "
			 "(better dt <= tau/10) or method exp_euler",
			 q[P_TAU], dt);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU] = 1.0 / q[P_TAU];
	p->derived[D_REF_STEPS] = (double)soma__steps(q[P_T_REF], dt);
	p->derived[D_DIAG_MAX] = DIAG_DT_MAX / dt;
	return SOMA_OK;
}

/* tau dV/dt = -(V - V_rest) + delta_T exp((V - V_T)/delta_T) + R (I - g V),
 * at min(V, V_th) */
static void expif_rhs(const struct soma__pop *p, const struct soma__blk *b,
		      const double *const *y, double *const *dy,
		      double *const *diag)
{
	const double V_rest = p->param[P_V_REST], V_T = p->param[P_V_T];
	const double delta_T = p->param[P_DELTA_T], R = p->param[P_R];
	const double V_th = p->param[P_V_TH];
	const double inv_dT = 1.0 / delta_T;
	const double inv_tau = p->derived[D_INV_TAU];
	const double diag_max = p->derived[D_DIAG_MAX];
	const double *restrict V = y[0], *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[0];

	/* a NaN V stays NaN: the integrator adds dV to it */
	for (uint32_t i = 0; i < b->n; i++) {
		double v = fmin(V[i], V_th);

		dV[i] = (V_rest - v + delta_T * exp((v - V_T) * inv_dT) +
			 R * (I[i] - g[i] * v)) * inv_tau;
	}
	if (diag)
		for (uint32_t i = 0; i < b->n; i++) {
			double d = V[i] < V_th
					   ? exp((V[i] - V_T) * inv_dT) - 1.0 - R * g[i]
					   : 0.0; /* clamped: constant in V */

			diag[0][i] = fmin(d * inv_tau, diag_max);
		}
}

static void expif_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
			const double *V_old)
{
	(void)V_old;
	soma__spike_reset(p, lo, n, p->state[0] + lo, p->param[P_V_TH],
			  p->param[P_V_RESET], (int32_t)p->derived[D_REF_STEPS]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = expif_prepare,
	.rhs = expif_rhs,
	.spike = expif_spike,
	.n_ode = 1,
	.default_method = SOMA_METHOD_EULER,
	.v_index = 0,
};

const soma_model soma__model_expif = {
	.name = "expif",
	.kind = SOMA_MODEL_NEURON,
	.title = "Exponential integrate-and-fire neuron",
	.doc = "tau dV/dt = -(V - V_rest) + delta_T exp((V - V_T)/delta_T)\n"
	       "            + R I(t),\n"
	       "I in pA, R in GOhm (R I in mV). Below V_T the exponential is\n"
	       "small and the neuron is nearly a LIF; above it V runs away.\n"
	       "Spike when V >= V_th (the cut-off, after the step; the spike\n"
	       "time is the end of that step), then V <- V_reset; V is held\n"
	       "(not integrated) for round(t_refractory/dt) steps. Input at V:\n"
	       "I - g V (g of conductance-based synapses). V starts at V_rest.\n"
	       "Seed: §1.3.3 writes V_rest=65. (a typo: V would start 95 mV\n"
	       "above V_th); the appendix has V_rest=-65 mV, used here. The\n"
	       "seed's parameter C (1, unused by its equations) is left out.\n"
	       "Default method forward Euler, the seed's.\n"
	       "Numerics: the right-hand side is evaluated at min(V, V_th), so\n"
	       "the exponent (V - V_T)/delta_T is capped at its value at the\n"
	       "cut-off, x_th = (V_th - V_T)/delta_T (8.59 with the defaults).\n"
	       "This is exact wherever a step can end without a spike. Above\n"
	       "V_th, V goes on rising at its rate at V_th (about\n"
	       "delta_T e^x_th/tau = 1870 mV/ms with the defaults, 187 mV in a\n"
	       "step of 0.1 ms) until the step ends and V_th resets it; the\n"
	       "Runge-Kutta trial stages and rkf45 sub-steps that overshoot\n"
	       "V_th stay finite (no inf/NaN) whatever the input, method and\n"
	       "dt. For exponential Euler, dV/dt's derivative in V,\n"
	       "(e^x - 1 - R g)/tau (0 above V_th), is capped at 100/dt (e^100:\n"
	       "a spike whatever the exact rate).\n"
	       "Prepare refuses V_reset >= V_th, (V_th - V_T)/delta_T > 500\n"
	       "and dt > tau with Euler.",
	.source = "Fourcaud-Trocmé, Hansel, van Vreeswijk & Brunel (2003) J "
		  "Neurosci 23:11628; BrainModels book §1.3.3 and appendix "
		  "\"ExpIF model\" (defaults V_rest=-65, V_reset=-68, V_th=-30, "
		  "V_T=-59.9 mV, delta_T=3.48 mV, R=10, tau=10 ms, "
		  "t_refractory=1.7 ms)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
