/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Izhikevich (2003) simple model of spiking neurons, with the names
 * and defaults of BrainModels (brainmodels.neurons.Izhikevich).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_A, P_B, P_C, P_D, P_V_TH, P_CM, P_T_REF };
enum { S_V, S_U };
enum { D_INV_C, D_REF_STEPS, D_DIAG_MAX };

/* the right-hand side is evaluated at V clamped to [-V_LIMIT, V_th], and
 * exponential Euler's diag * dt is capped: see quaif.c */
#define DIAG_DT_MAX 100.0

static const soma_var_info params[] = {
	[P_A] = { "a", "", 0.02, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "1/ms: rate of the recovery variable u" },
	[P_B] = { "b", "", 0.2, -INFINITY, INFINITY, 0,
		  "1/ms: sensitivity of u to V (u relaxes to b V)" },
	[P_C] = { "c", "mV", -65.0, -INFINITY, INFINITY, 0,
		  "V after a spike (reset)" },
	[P_D] = { "d", "", 8.0, -INFINITY, INFINITY, 0,
		  "mV/ms: jump of u at a spike" },
	[P_V_TH] = { "V_th", "mV", 30.0, -INFINITY, INFINITY, 0,
		     "spike cut-off (spike when V >= V_th)" },
	[P_CM] = { "C", "pF", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		   "input scale: I/C (pA/pF = mV/ms) is Izhikevich's I" },
	[P_T_REF] = { "t_refractory", "ms", 0.0, 0.0, INFINITY, 0,
		      "refractory period: V held (u still evolves)" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "mV", -65.0, -INFINITY, INFINITY, 0,
		  "membrane potential", NULL },
	[S_U] = { "u", "", -13.0, -INFINITY, INFINITY, 0,
		  "mV/ms: recovery variable (-13 = b V at the defaults)", NULL },
};

static int izh_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	const double *q = p->param;

	if (q[P_C] >= q[P_V_TH]) {
		snprintf(err, len,
			 "c = %g mV must be below V_th = %g mV, or the neuron "
			 "fires again as soon as it may",
			 q[P_C], q[P_V_TH]);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_C] = 1.0 / q[P_CM];
	p->derived[D_REF_STEPS] = (double)soma__steps(q[P_T_REF], dt);
	p->derived[D_DIAG_MAX] = DIAG_DT_MAX / dt;
	return SOMA_OK;
}

/*
 * dV/dt = 0.04 V^2 + 5 V + 140 - u + (I - g V)/C
 * du/dt = a (b V - u)
 * at V clamped to [-V_LIMIT, V_th]. u's equation is linear in u:
 * exponential Euler is exact for it with V held.
 */
static void izh_rhs(const struct soma__pop *p, const struct soma__blk *b,
		    const double *const *y, double *const *dy,
		    double *const *diag)
{
	const double a = p->param[P_A], bb = p->param[P_B];
	const double V_th = p->param[P_V_TH];
	const double inv_C = p->derived[D_INV_C];
	const double diag_max = p->derived[D_DIAG_MAX];
	const double *restrict V = y[S_V], *restrict u = y[S_U];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict du = dy[S_U];

	/* a NaN V stays NaN: the integrator adds dV to it */
	for (uint32_t i = 0; i < b->n; i++) {
		double v = fmin(fmax(V[i], -SOMA__V_LIMIT), V_th);

		dV[i] = (0.04 * v + 5.0) * v + 140.0 - u[i] +
			(I[i] - g[i] * v) * inv_C;
		du[i] = a * (bb * v - u[i]);
	}
	if (diag)
		for (uint32_t i = 0; i < b->n; i++) {
			double d = 0.08 * V[i] + 5.0 - g[i] * inv_C;

			if (!(V[i] > -SOMA__V_LIMIT && V[i] < V_th))
				d = 0.0; /* clamped: constant in V */
			diag[S_V][i] = fmin(d, diag_max);
			diag[S_U][i] = -a;
		}
}

/* V >= V_th: V <- c, u <- u + d, refractoriness */
static void izh_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		      const double *V_old)
{
	const double d = p->param[P_D];
	double *restrict u = p->state[S_U];
	uint32_t count;

	(void)V_old;
	count = soma__spike_reset(p, lo, n, p->state[S_V] + lo, p->param[P_V_TH],
				  p->param[P_C], (int32_t)p->derived[D_REF_STEPS]);
	for (uint32_t k = p->n_spk - count; k < p->n_spk; k++)
		u[p->spk[k]] += d;
}

static const struct soma__model_ops ops = {
	.pop_prepare = izh_prepare,
	.rhs = izh_rhs,
	.spike = izh_spike,
	.n_ode = 2,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_izhikevich = {
	.name = "izhikevich",
	.kind = SOMA_MODEL_NEURON,
	.title = "Izhikevich simple spiking neuron",
	.doc = "dV/dt = 0.04 V^2 + 5 V + 140 - u + I(t)/C,\n"
	       "du/dt = a (b V - u),\n"
	       "V in mV, t in ms, u in mV/ms; the coefficients are Izhikevich's\n"
	       "(0.04 per mV ms, 5 per ms, 140 mV/ms). a and b are per ms and\n"
	       "d in mV/ms (listed dimensionless: soma has no compound units).\n"
	       "Input convention: Izhikevich's I is a rate of change of V\n"
	       "(mV/ms); soma's input is a current in pA, divided by C in pF\n"
	       "(pA/pF = mV/ms). With the default C = 1 pF, I = 10 pA is\n"
	       "Izhikevich's I = 10, so published inputs carry over unchanged.\n"
	       "Input at V: (I - g V)/C (g of conductance-based synapses, nS).\n"
	       "Spike when V >= V_th (30 mV, the peak; after the step, the\n"
	       "spike time is the end of that step), then V <- c, u <- u + d.\n"
	       "V is held for round(t_refractory/dt) steps (default 0, as\n"
	       "in BrainModels) while u goes on.\n"
	       "Defaults a=0.02, b=0.2, c=-65, d=8: regular spiking (RS). The\n"
	       "other cortical types of Izhikevich (2003), fig. 2: IB (c=-55,\n"
	       "d=4), CH (c=-50, d=2), FS (a=0.1, d=2), LTS (b=0.25, d=2).\n"
	       "V starts at -65 mV (BrainModels, Izhikevich 2003) and u at\n"
	       "-13 mV/ms = b V with the defaults, Izhikevich's initialisation\n"
	       "u = b V (BrainModels starts u at 1, far from the u-nullcline;\n"
	       "soma follows the paper). Set u to b V when changing b.\n"
	       "Default method forward Euler (BrainModels). Izhikevich (2003)\n"
	       "integrates V with two Euler half-steps of 0.5 ms per 1 ms step;\n"
	       "soma uses the chosen method at dt as for every model.\n"
	       "Numerics: V^2 reaches infinity in finite time, so both\n"
	       "right-hand sides are evaluated at V clamped to\n"
	       "[-10^4 mV, V_th]: above the peak V goes on rising at its rate\n"
	       "at V_th (326 - u + I/C mV/ms) until the step ends and V_th\n"
	       "resets it, and u sees at most V_th. The clamp never acts on a\n"
	       "state a step can end in without a spike or a stopped run\n"
	       "(|V| >= 10^4 mV stops it); it keeps the Runge-Kutta trial\n"
	       "stages and rkf45 sub-steps that overshoot V_th finite with any\n"
	       "input and dt. For exponential Euler, dV/dt's derivative in V,\n"
	       "0.08 V + 5 - g/C (0 where clamped), is capped at 100/dt; u's\n"
	       "is -a (exact for u with V held). Prepare refuses c >= V_th.",
	.source = "Izhikevich (2003) IEEE Trans Neural Netw 14:1569 (equations, "
		  "V_th = 30 mV, the RS/IB/CH/FS/LTS parameters); BrainModels "
		  "brainmodels.neurons.Izhikevich (names, defaults a=0.02, "
		  "b=0.2, c=-65, d=8, V_th=30 mV, refractory period 0, V "
		  "starts at -65 mV); not in the BrainModels book",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
