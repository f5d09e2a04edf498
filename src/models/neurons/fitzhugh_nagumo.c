/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * FitzHugh-Nagumo neuron (FitzHugh 1961, Nagumo et al. 1962): a cubic,
 * self-exciting variable V and a slow linear recovery variable w, with the
 * parameters of BrainModels (brainmodels.neurons.FHN). Dimensionless.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_A, P_B, P_TAU, P_V_TH };
enum { S_V, S_W };
enum { D_INV_TAU };

static const soma_var_info params[] = {
	[P_A] = { "a", "", 0.7, -INFINITY, INFINITY, 0,
		  "offset of the w nullcline" },
	[P_B] = { "b", "", 0.8, -INFINITY, INFINITY, 0,
		  "self-coupling of w (slope of its nullcline)" },
	[P_TAU] = { "tau", "ms", 12.5, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "time constant of w (V's own time scale is 1 ms)" },
	[P_V_TH] = { "V_th", "", 1.8, -INFINITY, INFINITY, 0,
		     "spike when V crosses V_th upwards" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "", 0.0, -INFINITY, INFINITY, 0,
		  "voltage-like variable (dimensionless)", NULL },
	[S_W] = { "w", "", 0.0, -INFINITY, INFINITY, 0,
		  "recovery variable (dimensionless)", NULL },
};

static const soma_var_info inputs[] = {
	{ "I", "", 0.0, -INFINITY, INFINITY, 0,
	  "external drive, dimensionless (in the units of dV/dt times 1 ms)",
	  NULL },
};

static int fhn_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	(void)dt;
	(void)err;
	(void)len;
	p->derived[D_INV_TAU] = 1.0 / p->param[P_TAU];
	return SOMA_OK;
}

/*
 * dV/dt = V - V^3/3 - w + I        (per ms)
 * tau dw/dt = V + a - b w
 */
static void fhn_rhs(const struct soma__pop *p, const struct soma__blk *b,
		    const double *const *y, double *const *dy,
		    double *const *diag)
{
	const double a = p->param[P_A], bb = p->param[P_B];
	const double inv_tau = p->derived[D_INV_TAU];
	const double *restrict V = y[S_V], *restrict w = y[S_W];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dw = dy[S_W];

	for (uint32_t i = 0; i < b->n; i++) {
		const double v = V[i];

		dV[i] = v - v * v * v * (1.0 / 3.0) - w[i] + I[i] - g[i] * v;
		dw[i] = (v + a - bb * w[i]) * inv_tau;
		if (diag) {
			diag[S_V][i] = 1.0 - v * v - g[i];
			diag[S_W][i] = -bb * inv_tau;
		}
	}
}

static void fhn_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		      const double *V_old)
{
	soma__spike_crossing(p, lo, n, V_old, p->state[S_V] + lo,
			     p->param[P_V_TH]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = fhn_prepare,
	.rhs = fhn_rhs,
	.spike = fhn_spike,
	.n_ode = 2,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_fitzhugh_nagumo = {
	.name = "fitzhugh_nagumo",
	.kind = SOMA_MODEL_NEURON,
	.title = "FitzHugh-Nagumo neuron",
	.doc = "dV/dt = V - V^3/3 - w + I(t)\n"
	       "tau dw/dt = V + a - b w\n"
	       "with t in ms. V, w, a, b, V_th and the input I are\n"
	       "dimensionless (unit \"\"): the model is a caricature of\n"
	       "excitability, not a membrane in mV; V's time scale is 1 ms and\n"
	       "w's is tau. Its input channel I is dimensionless too, so an\n"
	       "input to it is written without a unit (\"0.5\", not \"0.5 pA\").\n"
	       "A conductance-based projection acts as I - g V with g taken as\n"
	       "a number.\n"
	       "Spike: V crosses V_th upwards within a step (V(t_n) < V_th <=\n"
	       "V(t_n+1)), BrainModels' rule; the spike time is the end of that\n"
	       "step. No reset, no refractory period.\n"
	       "With the defaults (a = 0.7, b = 0.8, tau = 12.5 ms) the fixed\n"
	       "point is stable for I below 0.3313 (Hopf bifurcation, where the\n"
	       "trace 1 - V^2 - b/tau of the Jacobian vanishes) and above\n"
	       "1.4188; in between the neuron oscillates, and its peaks cross\n"
	       "V_th = 1.8 (spikes) from I = 0.36-0.365 up (period 39.47 ms at\n"
	       "I = 0.5). At I = 0 it rests at V = -1.19941, w = -0.62426.\n"
	       "Default method forward Euler (BrainModels'); exp_euler uses\n"
	       "the diagonal 1 - V^2 and -b/tau. Initial state V = w = 0.",
	.source = "FitzHugh (1961), Biophys. J. 1:445-466; Nagumo, Arimoto & "
		  "Yoshizawa (1962), Proc. IRE 50:2061-2070; not in the "
		  "BrainModels book: equations, defaults and spike rule of "
		  "BrainModels' brainmodels/neurons/FHN.py (a=0.7, b=0.8, "
		  "tau=12.5 ms, V_th=1.8; V=w=0 initially; method euler)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
	.inputs = inputs,
	.n_inputs = sizeof(inputs) / sizeof(inputs[0]),
};
