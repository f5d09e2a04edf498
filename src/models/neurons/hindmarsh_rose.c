/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hindmarsh-Rose neuron (Hindmarsh & Rose 1984), as in the BrainModels book
 * §1.3.5 and its appendix "HindmarshRose model": a dimensionless
 * three-variable model whose slow variable z turns spiking into bursting.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_A, P_B, P_C, P_D, P_R, P_S, P_V_REST, P_V_TH };
enum { S_V, S_Y, S_Z };

/* The model is dimensionless: V, y, z, the input and the parameters carry
 * no unit; time is counted in ms, as the seed's dt = 0.02 is. */
static const soma_var_info params[] = {
	[P_A] = { "a", "", 1.0, -INFINITY, INFINITY, 0,
		  "coefficient of -V^3 in dV/dt" },
	[P_B] = { "b", "", 3.0, -INFINITY, INFINITY, 0,
		  "coefficient of V^2 in dV/dt: switches spiking and bursting" },
	[P_C] = { "c", "", 1.0, -INFINITY, INFINITY, 0,
		  "constant term of dy/dt" },
	[P_D] = { "d", "", 5.0, -INFINITY, INFINITY, 0,
		  "coefficient of -V^2 in dy/dt" },
	[P_R] = { "r", "1/ms", 0.01, 0.0, INFINITY, 0,
		  "speed of the slow variable z" },
	[P_S] = { "s", "", 4.0, -INFINITY, INFINITY, 0,
		  "coupling of z to V - V_rest (adaptation)" },
	[P_V_REST] = { "V_rest", "", -1.6, -INFINITY, INFINITY, 0,
		       "resting value of V in the z equation" },
	[P_V_TH] = { "V_th", "", 1.0, -INFINITY, INFINITY, 0,
		     "spike: V crosses V_th upwards" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "", -1.6, -INFINITY, INFINITY, 0,
		  "membrane potential (dimensionless)", NULL },
	[S_Y] = { "y", "", -10.0, -INFINITY, INFINITY, 0,
		  "fast recovery (spiking) variable", NULL },
	[S_Z] = { "z", "", 0.0, -INFINITY, INFINITY, 0,
		  "slow adaptation (bursting) variable", NULL },
};

static const soma_var_info inputs[] = {
	{ "I", "", 0.0, -INFINITY, INFINITY, 0,
	  "external input I_ext, dimensionless, added to dV/dt", NULL },
};

static int hr_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	if (p->method == SOMA_METHOD_EULER && dt > 1.0) {
		snprintf(err, len,
			 "dt = %g ms is longer than the 1 ms relaxation time of "
			 "y: forward Euler would overshoot (the seed uses dt = "
			 "0.02 ms; V needs dt well below 0.1 ms during a spike)",
			 dt);
		return SOMA_ERANGE;
	}
	return SOMA_OK;
}

/*
 * dV/dt = y - a V^3 + b V^2 - z + I
 * dy/dt = c - d V^2 - y
 * dz/dt = r (s (V - V_rest) - z)
 * I is the input minus g V (conductance input, dimensionless g).
 */
static void hr_rhs(const struct soma__pop *p, const struct soma__blk *b,
		   const double *const *y, double *const *dy,
		   double *const *diag)
{
	const double *q = p->param;
	const double a = q[P_A], bb = q[P_B], c = q[P_C], d = q[P_D];
	const double r = q[P_R], s = q[P_S], V_rest = q[P_V_REST];
	const double *restrict V = y[S_V], *restrict Y = y[S_Y];
	const double *restrict Z = y[S_Z];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dY = dy[S_Y];
	double *restrict dZ = dy[S_Z];

	for (uint32_t i = 0; i < b->n; i++) {
		const double v = V[i], v2 = v * v;

		dV[i] = Y[i] - a * v2 * v + bb * v2 - Z[i] + I[i] - g[i] * v;
		dY[i] = c - d * v2 - Y[i];
		dZ[i] = r * (s * (v - V_rest) - Z[i]);
	}
	if (diag) {
		for (uint32_t i = 0; i < b->n; i++) {
			const double v = V[i];

			diag[S_V][i] = -3.0 * a * v * v + 2.0 * bb * v - g[i];
			diag[S_Y][i] = -1.0;
			diag[S_Z][i] = -r;
		}
	}
}

static void hr_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		     const double *V_old)
{
	soma__spike_crossing(p, lo, n, V_old, p->state[S_V] + lo,
			     p->param[P_V_TH]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = hr_prepare,
	.rhs = hr_rhs,
	.spike = hr_spike,
	.n_ode = 3,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_hindmarsh_rose = {
	.name = "hindmarsh_rose",
	.kind = SOMA_MODEL_NEURON,
	.title = "Hindmarsh-Rose neuron",
	.doc = "dV/dt = y - a V^3 + b V^2 - z + I,\n"
	       "dy/dt = c - d V^2 - y,\n"
	       "dz/dt = r (s (V - V_rest) - z).\n"
	       "Dimensionless: V, y, z, the parameters and the input channel I\n"
	       "have no unit (I is the seed's I_ext, added to dV/dt); time is\n"
	       "counted in ms as the seed's dt = 0.02 is, so r is per ms.\n"
	       "A spike is an upward crossing of V_th within a step (V before the\n"
	       "step < V_th <= V after it), time = end of the step; there is no\n"
	       "reset: the dynamics make the spike. V_th = 1 is BrainModels'\n"
	       "default (the book's code records no spikes). The seed's modes\n"
	       "(b, I): quiescence (1, 2), spiking (3.5, 5), bursting (2.5, 3),\n"
	       "irregular spiking (2.95, 3.3), irregular bursting (2.8, 3.7);\n"
	       "examples/neurons/hindmarsh_rose_modes.yaml runs them. Irregular\n"
	       "spiking is irregular only with the seed's Euler at dt = 0.02 ms:\n"
	       "integrated accurately it is a periodic burst of 4 spikes.\n"
	       "Initial state V = -1.6, y = -10, z = 0 as in the seed.\n"
	       "Conductance input adds -g V to dV/dt (g dimensionless).\n"
	       "Default method forward Euler (the seed's, at dt = 0.02 ms);\n"
	       "prepare refuses Euler with dt > 1 ms. exp_euler linearises each\n"
	       "equation in its own variable (exact for y and z with V held).\n"
	       "The cubic term makes a diverging integration grow fast: a run\n"
	       "stops with SOMA_ENUMERIC when |V| reaches 10^4 or a variable is\n"
	       "not finite.",
	.source = "Hindmarsh & Rose, Proc. R. Soc. Lond. B 221:87-102 (1984); "
		  "BrainModels book §1.3.5 and appendix \"HindmarshRose model\" "
		  "(defaults a=1, b=3, c=1, d=5, r=0.01, s=4, V_rest=-1.6; "
		  "V_th=1 from brainmodels.neurons.HindmarshRose)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
	.inputs = inputs,
	.n_inputs = sizeof(inputs) / sizeof(inputs[0]),
};
