/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Morris-Lecar neuron (Morris & Lecar 1981): an instantaneous calcium
 * conductance for excitation and a delayed potassium conductance for
 * recovery, with the parameters of BrainModels (brainmodels.neurons.
 * MorrisLecar), on a membrane patch of 1e-6 cm^2 as for hh.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_E_CA, P_G_CA, P_E_K, P_G_K, P_E_L, P_G_L, P_C, P_V1, P_V2, P_V3,
       P_V4, P_PHI, P_V_TH };
enum { S_V, S_W };
enum { D_INV_C, D_INV_V2, D_INV_V4, D_INV_2V4 };

/* Largest argument of cosh(): cosh(50) ~ 3e21, reached at |V - V3| = 100 V4
 * (3 V with the defaults), far outside any membrane potential; the cap keeps
 * the trial states of a diverging step finite until the |V| cut-off. */
#define ML_COSH_MAX 50.0

static const soma_var_info params[] = {
	[P_E_CA] = { "E_Ca", "mV", 130.0, -INFINITY, INFINITY, 0,
		     "calcium reversal potential (BrainModels' V_Ca)" },
	[P_G_CA] = { "g_Ca", "nS", 4.4, 0.0, INFINITY, 0,
		     "maximal calcium conductance (4.4 mS/cm^2 on 1e-6 cm^2)" },
	[P_E_K] = { "E_K", "mV", -84.0, -INFINITY, INFINITY, 0,
		    "potassium reversal potential (BrainModels' V_K)" },
	[P_G_K] = { "g_K", "nS", 8.0, 0.0, INFINITY, 0,
		    "maximal potassium conductance (8 mS/cm^2 on 1e-6 cm^2)" },
	[P_E_L] = { "E_L", "mV", -60.0, -INFINITY, INFINITY, 0,
		    "leak reversal potential (BrainModels' V_leak)" },
	[P_G_L] = { "g_L", "nS", 2.0, 0.0, INFINITY, 0,
		    "leak conductance (2 mS/cm^2 on 1e-6 cm^2)" },
	[P_C] = { "C", "pF", 20.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane capacitance (20 uF/cm^2 on 1e-6 cm^2)" },
	[P_V1] = { "V1", "mV", -1.2, -INFINITY, INFINITY, 0,
		   "potential at which M_inf = 1/2" },
	[P_V2] = { "V2", "mV", 18.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		   "voltage scale of M_inf (inverse slope)" },
	[P_V3] = { "V3", "mV", 2.0, -INFINITY, INFINITY, 0,
		   "potential at which W_inf = 1/2" },
	[P_V4] = { "V4", "mV", 30.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		   "voltage scale of W_inf (inverse slope)" },
	[P_PHI] = { "phi", "1/ms", 0.04, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "rate (temperature) factor of W" },
	[P_V_TH] = { "V_th", "mV", 10.0, -INFINITY, INFINITY, 0,
		     "spike when V crosses V_th upwards" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "mV", -20.0, -INFINITY, INFINITY, 0,
		  "membrane potential", NULL },
	[S_W] = { "W", "", 0.02, 0.0, 1.0, 0,
		  "fraction of open potassium channels (recovery variable)",
		  NULL },
};

static int ml_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	(void)dt;
	(void)err;
	(void)len;
	p->derived[D_INV_C] = 1.0 / p->param[P_C];
	p->derived[D_INV_V2] = 1.0 / p->param[P_V2];
	p->derived[D_INV_V4] = 1.0 / p->param[P_V4];
	p->derived[D_INV_2V4] = 0.5 / p->param[P_V4];
	return SOMA_OK;
}

/*
 * C dV/dt = -g_Ca M_inf(V) (V - E_Ca) - g_K W (V - E_K) - g_L (V - E_L) + I
 * dW/dt   = phi cosh((V - V3)/(2 V4)) (W_inf(V) - W)
 * M_inf = (1 + tanh((V - V1)/V2))/2, W_inf = (1 + tanh((V - V3)/V4))/2
 */
static void ml_rhs(const struct soma__pop *p, const struct soma__blk *b,
		   const double *const *y, double *const *dy,
		   double *const *diag)
{
	const double E_Ca = p->param[P_E_CA], g_Ca = p->param[P_G_CA];
	const double E_K = p->param[P_E_K], g_K = p->param[P_G_K];
	const double E_L = p->param[P_E_L], g_L = p->param[P_G_L];
	const double V1 = p->param[P_V1], V3 = p->param[P_V3];
	const double phi = p->param[P_PHI];
	const double inv_C = p->derived[D_INV_C], inv_V2 = p->derived[D_INV_V2];
	const double inv_V4 = p->derived[D_INV_V4];
	const double inv_2V4 = p->derived[D_INV_2V4];
	const double *restrict V = y[S_V], *restrict W = y[S_W];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dW = dy[S_W];

	for (uint32_t i = 0; i < b->n; i++) {
		const double v = V[i];
		const double tm = tanh((v - V1) * inv_V2);
		const double M_inf = 0.5 * (1.0 + tm);
		const double W_inf = 0.5 * (1.0 + tanh((v - V3) * inv_V4));
		/* 1/tau_W, 1/ms */
		const double rate = phi * cosh(fmin(fabs((v - V3) * inv_2V4),
						    ML_COSH_MAX));

		dV[i] = (-g_Ca * M_inf * (v - E_Ca) - g_K * W[i] * (v - E_K) -
			 g_L * (v - E_L) + I[i] - g[i] * v) * inv_C;
		dW[i] = rate * (W_inf - W[i]);
		if (diag) {
			/* dM_inf/dV = (1 - tanh^2)/(2 V2) */
			const double dM = 0.5 * (1.0 - tm * tm) * inv_V2;

			diag[S_V][i] = -(g_Ca * (M_inf + dM * (v - E_Ca)) +
					 g_K * W[i] + g_L + g[i]) * inv_C;
			diag[S_W][i] = -rate;
		}
	}
}

static void ml_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		     const double *V_old)
{
	soma__spike_crossing(p, lo, n, V_old, p->state[S_V] + lo,
			     p->param[P_V_TH]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = ml_prepare,
	.rhs = ml_rhs,
	.spike = ml_spike,
	.n_ode = 2,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_morris_lecar = {
	.name = "morris_lecar",
	.kind = SOMA_MODEL_NEURON,
	.title = "Morris-Lecar neuron",
	.doc = "C dV/dt = -g_Ca M_inf(V) (V - E_Ca) - g_K W (V - E_K)\n"
	       "          - g_L (V - E_L) + I(t)\n"
	       "dW/dt = (W_inf(V) - W) / tau_W(V),\n"
	       "  M_inf = (1 + tanh((V - V1)/V2)) / 2\n"
	       "  W_inf = (1 + tanh((V - V3)/V4)) / 2\n"
	       "  tau_W = 1 / (phi cosh((V - V3)/(2 V4)))   (ms)\n"
	       "The calcium conductance follows V instantly; W is the fraction\n"
	       "of open potassium channels. Units: like hh, the per-area\n"
	       "parameters (uF/cm^2, mS/cm^2, uA/cm^2) are taken on a patch of\n"
	       "1e-6 cm^2, so C = 20 pF, g_Ca = 4.4 nS, g_K = 8 nS, g_L = 2 nS\n"
	       "and an input of 100 pA is 100 uA/cm^2. phi is per ms (BrainModels\n"
	       "labels it 1/s but integrates in ms). BrainModels names the\n"
	       "reversal potentials V_Ca, V_K, V_leak and the leak conductance\n"
	       "g_leak; soma uses E_Ca, E_K, E_L, g_L as for hh.\n"
	       "Spike: V crosses V_th upwards within a step (V(t_n) < V_th <=\n"
	       "V(t_n+1)), BrainModels' rule; the spike time is the end of that\n"
	       "step. No reset, no refractory period.\n"
	       "With the defaults and no input the neuron rests at\n"
	       "V = -60.83 mV. The resting state loses stability at a subcritical\n"
	       "Hopf bifurcation near I = 88.6 pA; from the default initial\n"
	       "state the neuron fires repetitively from between 83 and 84 pA\n"
	       "(period 114 ms there, 85 ms at 100 pA, BrainModels' example\n"
	       "input). Below, at most the onset transient from V = -20 mV\n"
	       "crosses V_th.\n"
	       "Default method forward Euler (BrainModels'); exp_euler uses the\n"
	       "exact diagonal of the Jacobian (dM_inf/dV included). cosh()\n"
	       "arguments are capped at 50, which changes tau_W only for\n"
	       "|V - V3| > 100 V4: a diverging integration stops at |V| =\n"
	       "10^4 mV with SOMA_ENUMERIC instead of overflowing.\n"
	       "Initial state: V = -20 mV, W = 0.02, as BrainModels' table and\n"
	       "its first code (its later code starts V at 0 through a base\n"
	       "class, against its own table).",
	.source = "Morris & Lecar (1981), Biophys. J. 35:193-213; Rinzel & "
		  "Ermentrout (1989) in Methods in Neuronal Modeling; not in the "
		  "BrainModels book: equations, defaults and spike rule of "
		  "BrainModels' brainmodels/neurons/MorrisLecar.py (E_Ca=130, "
		  "E_K=-84, E_L=-60 mV, g_Ca=4.4, g_K=8, g_L=2 mS/cm^2, "
		  "C=20 uF/cm^2, V1=-1.2, V2=18, V3=2, V4=30 mV, phi=0.04, "
		  "V_th=10 mV; V=-20 mV, W=0.02 initially; method euler)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
