/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005),
 * as in the BrainModels book §1.3.4 and its appendix "AdExIF model"
 * (brainmodels.neurons.AdExIF).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum {
	P_V_REST, P_V_RESET, P_V_TH, P_V_T, P_DELTA_T, P_A, P_B, P_R, P_TAU,
	P_TAU_W, P_T_REF
};
enum { S_V, S_W };
enum { D_INV_TAU, D_INV_TAU_W, D_REF_STEPS, D_DIAG_MAX };

/* The right-hand side is evaluated at min(V, V_th); prepare's limit on
 * (V_th - V_T)/delta_T and exponential Euler's cap on diag * dt: see
 * expif.c */
#define X_TH_MAX 500.0
#define DIAG_DT_MAX 100.0

static const soma_var_info params[] = {
	[P_V_REST] = { "V_rest", "mV", -65.0, -INFINITY, INFINITY, 0,
		       "resting potential" },
	[P_V_RESET] = { "V_reset", "mV", -68.0, -INFINITY, INFINITY, 0,
			"potential after a spike" },
	[P_V_TH] = { "V_th", "mV", -30.0, -INFINITY, INFINITY, 0,
		     "spike cut-off (spike when V >= V_th)" },
	[P_V_T] = { "V_T", "mV", -59.9, -INFINITY, INFINITY, 0,
		    "soft threshold: where the exponential takes over" },
	[P_DELTA_T] = { "delta_T", "mV", 3.48, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
			"spike slope factor" },
	[P_A] = { "a", "nS", 1.0, -INFINITY, INFINITY, 0,
		  "sub-threshold adaptation: dw/dt has a (V - V_rest)/tau_w" },
	[P_B] = { "b", "pA", 1.0, -INFINITY, INFINITY, 0,
		  "spike-triggered adaptation: w <- w + b at a spike" },
	[P_R] = { "R", "GOhm", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane resistance (GOhm * pA = mV)" },
	[P_TAU] = { "tau", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "membrane time constant (the seed's tau_m)" },
	[P_TAU_W] = { "tau_w", "ms", 30.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "time constant of the adaptation current w" },
	[P_T_REF] = { "t_refractory", "ms", 0.0, 0.0, INFINITY, 0,
		      "refractory period: V held (w still evolves)" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "mV", -68.0, -INFINITY, INFINITY, 0,
		  "membrane potential", "V_reset" },
	[S_W] = { "w", "pA", 0.0, -INFINITY, INFINITY, 0,
		  "adaptation current (R w in mV)", NULL },
};

static int adexif_prepare(struct soma__pop *p, double dt, char *err, size_t len)
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
	if (p->method == SOMA_METHOD_EULER && dt > fmin(q[P_TAU], q[P_TAU_W])) {
		snprintf(err, len,
			 "dt = %g ms is longer than min(tau, tau_w) = min(%g, %g) "
			 "ms: forward Euler would overshoot; use a smaller dt "
			 "(better dt <= min(tau, tau_w)/10) or method exp_euler",
			 dt, q[P_TAU], q[P_TAU_W]);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU] = 1.0 / q[P_TAU];
	p->derived[D_INV_TAU_W] = 1.0 / q[P_TAU_W];
	p->derived[D_REF_STEPS] = (double)soma__steps(q[P_T_REF], dt);
	p->derived[D_DIAG_MAX] = DIAG_DT_MAX / dt;
	return SOMA_OK;
}

/*
 * tau dV/dt   = -(V - V_rest) + delta_T exp((V - V_T)/delta_T) - R w
 *               + R (I - g V)
 * tau_w dw/dt = a (V - V_rest) - w
 * at min(V, V_th). w's equation is linear in w: exponential Euler is exact
 * for it with V held.
 */
static void adexif_rhs(const struct soma__pop *p, const struct soma__blk *b,
		       const double *const *y, double *const *dy,
		       double *const *diag)
{
	const double *q = p->param;
	const double V_rest = q[P_V_REST], V_T = q[P_V_T], delta_T = q[P_DELTA_T];
	const double R = q[P_R], a = q[P_A], V_th = q[P_V_TH];
	const double inv_dT = 1.0 / delta_T;
	const double inv_tau = p->derived[D_INV_TAU];
	const double inv_tau_w = p->derived[D_INV_TAU_W];
	const double diag_max = p->derived[D_DIAG_MAX];
	const double *restrict V = y[S_V], *restrict w = y[S_W];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dw = dy[S_W];

	/* a NaN V stays NaN: the integrator adds dV to it */
	for (uint32_t i = 0; i < b->n; i++) {
		double v = fmin(V[i], V_th);

		dV[i] = (V_rest - v + delta_T * exp((v - V_T) * inv_dT) +
			 R * (I[i] - g[i] * v - w[i])) * inv_tau;
		dw[i] = (a * (v - V_rest) - w[i]) * inv_tau_w;
	}
	if (diag)
		for (uint32_t i = 0; i < b->n; i++) {
			double d = V[i] < V_th
					   ? exp((V[i] - V_T) * inv_dT) - 1.0 - R * g[i]
					   : 0.0; /* clamped: constant in V */

			diag[S_V][i] = fmin(d * inv_tau, diag_max);
			diag[S_W][i] = -inv_tau_w;
		}
}

/* V >= V_th: V <- V_reset, w <- w + b, refractoriness */
static void adexif_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
			 const double *V_old)
{
	const double b = p->param[P_B];
	double *restrict w = p->state[S_W];
	uint32_t count;

	(void)V_old;
	count = soma__spike_reset(p, lo, n, p->state[S_V] + lo, p->param[P_V_TH],
				  p->param[P_V_RESET],
				  (int32_t)p->derived[D_REF_STEPS]);
	for (uint32_t k = p->n_spk - count; k < p->n_spk; k++)
		w[p->spk[k]] += b;
}

static const struct soma__model_ops ops = {
	.pop_prepare = adexif_prepare,
	.rhs = adexif_rhs,
	.spike = adexif_spike,
	.n_ode = 2,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_adexif = {
	.name = "adexif",
	.kind = SOMA_MODEL_NEURON,
	.title = "Adaptive exponential integrate-and-fire neuron",
	.doc = "tau dV/dt   = -(V - V_rest) + delta_T exp((V - V_T)/delta_T)\n"
	       "              - R w + R I(t),\n"
	       "tau_w dw/dt = a (V - V_rest) - w.\n"
	       "I and w in pA, R in GOhm (R I, R w in mV), a in nS, b in pA.\n"
	       "Spike when V >= V_th (the cut-off, after the step; the spike\n"
	       "time is the end of that step), then V <- V_reset and\n"
	       "w <- w + b (the seed's b tau_w sum delta(t - t_f) term). V is\n"
	       "held (not integrated) for round(t_refractory/dt) steps while\n"
	       "w goes on relaxing (the seed freezes both during the refractory\n"
	       "period; its default t_refractory is 0). Input at V: I - g V\n"
	       "(g of conductance-based synapses). V starts at V_reset and w\n"
	       "at 0, as in the seed.\n"
	       "The seed's code resets V to V_rest although it defines\n"
	       "V_reset = -68 mV (used there only as the initial V); soma\n"
	       "resets to V_reset, the parameter's meaning (as later versions\n"
	       "of BrainModels and Brette & Gerstner do). Set V_reset = V_rest\n"
	       "to reproduce the seed's figure.\n"
	       "Default method forward Euler, the seed's; exp_euler integrates\n"
	       "w exactly for V held over the step.\n"
	       "Numerics: both right-hand sides are evaluated at min(V, V_th)\n"
	       "(as NEST's aeif models do at V_peak), so the exponent\n"
	       "(V - V_T)/delta_T is capped at its value at the cut-off,\n"
	       "x_th = (V_th - V_T)/delta_T (8.59 with the defaults). This is\n"
	       "exact wherever a step can end without a spike. Above V_th, V\n"
	       "goes on rising at its rate at V_th (about 1870 mV/ms with the\n"
	       "defaults) until the step ends and V_th resets it, and w sees at\n"
	       "most V_th: the Runge-Kutta trial stages and rkf45 sub-steps\n"
	       "that overshoot V_th stay finite and cannot drive w to absurd\n"
	       "values (unclamped, V would climb to ~10^6 mV within the\n"
	       "crossing step and a (V - V_rest) would swamp w). For\n"
	       "exponential Euler, dV/dt's derivative in V, (e^x - 1 - R g)/tau\n"
	       "(0 above V_th), is capped at 100/dt; w's is -1/tau_w.\n"
	       "Prepare refuses V_reset >= V_th,\n"
	       "(V_th - V_T)/delta_T > 500 and dt > min(tau, tau_w) with Euler.",
	.source = "Brette & Gerstner (2005) J Neurophysiol 94:3637; Gerstner "
		  "et al. (2014) Neuronal Dynamics §6.1; BrainModels book "
		  "§1.3.4 and appendix \"AdExIF model\" (defaults V_rest=-65, "
		  "V_reset=-68, V_th=-30, V_T=-59.9 mV, delta_T=3.48 mV, a=1 "
		  "nS, b=1 pA, R=10, tau=10 ms, tau_w=30 ms, t_refractory=0)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
