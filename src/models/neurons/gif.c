/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Generalized integrate-and-fire neuron (Mihalas & Niebur 2009), as in the
 * BrainModels book §1.3.6 and its appendix "GeneralizedIF model"
 * (brainmodels.neurons.GeneralizedIF): a leaky integrator with two
 * spike-induced internal currents I1, I2 and a moving threshold V_th.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum {
	P_V_REST, P_V_RESET, P_V_TH_INF, P_V_TH_RESET, P_R, P_TAU, P_A, P_B,
	P_K1, P_K2, P_R1, P_R2, P_A1, P_A2, P_T_REF
};
enum { S_V, S_V_TH, S_I1, S_I2 };
enum { D_INV_TAU, D_REF_STEPS };

/* Rate constants (a, b, k1, k2) are per ms. soma's unit table has no
 * "1/ms", so they are declared dimensionless and their docs say 1/ms. */
static const soma_var_info params[] = {
	[P_V_REST] = { "V_rest", "mV", -70.0, -INFINITY, INFINITY, 0,
		       "resting potential" },
	[P_V_RESET] = { "V_reset", "mV", -70.0, -INFINITY, INFINITY, 0,
			"potential after a spike" },
	[P_V_TH_INF] = { "V_th_inf", "mV", -50.0, -INFINITY, INFINITY, 0,
			 "value V_th relaxes to (V_th_inf of the seed)" },
	[P_V_TH_RESET] = { "V_th_reset", "mV", -60.0, -INFINITY, INFINITY, 0,
			   "after a spike V_th <- max(V_th_reset, V_th)" },
	[P_R] = { "R", "GOhm", 20.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane resistance (GOhm * pA = mV)" },
	[P_TAU] = { "tau", "ms", 20.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "membrane time constant" },
	[P_A] = { "a", "", 0.0, -INFINITY, INFINITY, 0,
		  "1/ms: dependence of dV_th/dt on V - V_rest" },
	[P_B] = { "b", "", 0.01, 0.0, INFINITY, 0,
		  "1/ms: rate at which V_th relaxes to V_th_inf" },
	[P_K1] = { "k1", "", 0.2, 0.0, INFINITY, 0,
		   "1/ms: decay rate of the internal current I1" },
	[P_K2] = { "k2", "", 0.02, 0.0, INFINITY, 0,
		   "1/ms: decay rate of the internal current I2" },
	[P_R1] = { "R1", "", 0.0, -INFINITY, INFINITY, 0,
		   "after a spike I1 <- R1 I1 + A1" },
	[P_R2] = { "R2", "", 1.0, -INFINITY, INFINITY, 0,
		   "after a spike I2 <- R2 I2 + A2" },
	[P_A1] = { "A1", "pA", 0.0, -INFINITY, INFINITY, 0,
		   "jump of I1 at a spike" },
	[P_A2] = { "A2", "pA", 0.0, -INFINITY, INFINITY, 0,
		   "jump of I2 at a spike" },
	[P_T_REF] = { "t_refractory", "ms", 0.0, 0.0, INFINITY, 0,
		      "V held after a spike (not in the seed: default 0)" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "mV", -70.0, -INFINITY, INFINITY, 0,
		  "membrane potential", "V_rest" },
	[S_V_TH] = { "V_th", "mV", -50.0, -INFINITY, INFINITY, 0,
		     "spike threshold (spike when V >= V_th)", "V_th_inf" },
	[S_I1] = { "I1", "pA", 0.0, -INFINITY, INFINITY, 0,
		   "internal current, decays at rate k1", NULL },
	[S_I2] = { "I2", "pA", 0.0, -INFINITY, INFINITY, 0,
		   "internal current, decays at rate k2", NULL },
};

static int gif_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	const double *q = p->param;

	if (q[P_V_RESET] >= q[P_V_TH_RESET]) {
		snprintf(err, len,
			 "V_reset = %g mV must be below V_th_reset = %g mV: after "
			 "a spike V_th >= V_th_reset, so the neuron would fire "
			 "again at once",
			 q[P_V_RESET], q[P_V_TH_RESET]);
		return SOMA_ERANGE;
	}
	if (p->method == SOMA_METHOD_EULER) {
		/* the fastest linear rate of the system: Euler overshoots
		 * (and beyond 2/rate diverges) when dt exceeds 1/rate */
		double rate = fmax(fmax(1.0 / q[P_TAU], q[P_B]),
				   fmax(q[P_K1], q[P_K2]));

		if (dt * rate > 1.0) {
			snprintf(err, len,
				 "dt = %g ms is longer than the fastest time "
				 "constant 1/max(1/tau, b, k1, k2) = %g ms: "
				 "forward Euler would overshoot; use a smaller "
				 "dt or method exp_euler",
				 dt, 1.0 / rate);
			return SOMA_ERANGE;
		}
	}
	p->derived[D_INV_TAU] = 1.0 / q[P_TAU];
	p->derived[D_REF_STEPS] = (double)soma__steps(q[P_T_REF], dt);
	return SOMA_OK;
}

/*
 * tau dV/dt    = -(V - V_rest) + R (I - g V + I1 + I2)
 * dV_th/dt     = a (V - V_rest) - b (V_th - V_th_inf)
 * dI1/dt       = -k1 I1,   dI2/dt = -k2 I2
 * Each equation is linear in its own variable: exponential Euler is exact
 * for I1, I2, and for V and V_th with the other variables held.
 */
static void gif_rhs(const struct soma__pop *p, const struct soma__blk *b,
		    const double *const *y, double *const *dy,
		    double *const *diag)
{
	const double *q = p->param;
	const double V_rest = q[P_V_REST], R = q[P_R], a = q[P_A], bb = q[P_B];
	const double V_th_inf = q[P_V_TH_INF], k1 = q[P_K1], k2 = q[P_K2];
	const double inv_tau = p->derived[D_INV_TAU];
	const double *restrict V = y[S_V], *restrict V_th = y[S_V_TH];
	const double *restrict I1 = y[S_I1], *restrict I2 = y[S_I2];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dV_th = dy[S_V_TH];
	double *restrict dI1 = dy[S_I1], *restrict dI2 = dy[S_I2];

	for (uint32_t i = 0; i < b->n; i++) {
		dV[i] = (V_rest - V[i] +
			 R * (I[i] - g[i] * V[i] + I1[i] + I2[i])) * inv_tau;
		dV_th[i] = a * (V[i] - V_rest) - bb * (V_th[i] - V_th_inf);
		dI1[i] = -k1 * I1[i];
		dI2[i] = -k2 * I2[i];
	}
	if (diag) {
		for (uint32_t i = 0; i < b->n; i++) {
			diag[S_V][i] = -(1.0 + R * g[i]) * inv_tau;
			diag[S_V_TH][i] = -bb;
			diag[S_I1][i] = -k1;
			diag[S_I2][i] = -k2;
		}
	}
}

/* V >= V_th (each neuron's own threshold, after the step): V <- V_reset,
 * I_j <- R_j I_j + A_j, V_th <- max(V_th_reset, V_th); the refractory
 * contract of soma__spike_reset (counters decremented, no spike while
 * counting, indices appended in ascending order). */
static void gif_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		      const double *V_old)
{
	const double *q = p->param;
	const double V_reset = q[P_V_RESET], V_th_reset = q[P_V_TH_RESET];
	const double R1 = q[P_R1], R2 = q[P_R2], A1 = q[P_A1], A2 = q[P_A2];
	const int32_t ref_steps = (int32_t)p->derived[D_REF_STEPS];
	double *restrict V = p->state[S_V] + lo;
	double *restrict V_th = p->state[S_V_TH] + lo;
	double *restrict I1 = p->state[S_I1] + lo;
	double *restrict I2 = p->state[S_I2] + lo;
	int32_t *restrict ref = p->ref + lo;
	uint32_t *restrict spk = p->spk;
	uint32_t n_spk = p->n_spk;

	(void)V_old;
	for (uint32_t i = 0; i < n; i++) {
		if (ref[i] > 0) {
			ref[i]--;
			continue;
		}
		if (V[i] >= V_th[i]) {
			V[i] = V_reset;
			I1[i] = R1 * I1[i] + A1;
			I2[i] = R2 * I2[i] + A2;
			V_th[i] = fmax(V_th_reset, V_th[i]);
			ref[i] = ref_steps;
			spk[n_spk++] = lo + i;
		}
	}
	p->n_spk = n_spk;
}

static const struct soma__model_ops ops = {
	.pop_prepare = gif_prepare,
	.rhs = gif_rhs,
	.spike = gif_spike,
	.n_ode = 4,
	.default_method = SOMA_METHOD_EULER,
	.v_index = S_V,
};

const soma_model soma__model_gif = {
	.name = "gif",
	.kind = SOMA_MODEL_NEURON,
	.title = "Generalized integrate-and-fire neuron (Mihalas-Niebur)",
	.doc = "tau dV/dt = -(V - V_rest) + R (I + I1 + I2),\n"
	       "dV_th/dt = a (V - V_rest) - b (V_th - V_th_inf),\n"
	       "dI1/dt = -k1 I1, dI2/dt = -k2 I2.\n"
	       "Spike when V >= V_th (the neuron's own, moving threshold, after\n"
	       "the step); then I1 <- R1 I1 + A1, I2 <- R2 I2 + A2,\n"
	       "V <- V_reset, V_th <- max(V_th_reset, V_th). The spike time is\n"
	       "the end of that step.\n"
	       "Units: the seed writes R = 20 and inputs such as 1.5 without\n"
	       "units, with R I in mV. soma reads R in GOhm and I, I1, I2, A1,\n"
	       "A2 in pA (GOhm * pA = mV), so the seed's numbers carry over\n"
	       "unchanged: R = 20 GOhm and I = 1.5 pA give R I = 30 mV (V\n"
	       "settles at -40 mV), a capacitance tau/R = 1 pF. The rate\n"
	       "constants a, b, k1, k2 are per ms (listed dimensionless: soma\n"
	       "has no 1/ms unit); R1, R2 are dimensionless.\n"
	       "Choices: the seed's code tests V_th_old < V with the threshold\n"
	       "before the step; soma tests V >= V_th with both after the step,\n"
	       "as its other integrate-and-fire models do (it differs by at most\n"
	       "one step). The appendix writes tau = 2 ms, the chapter's listing\n"
	       "of the same class 20 ms: soma takes 20 ms (the appendix lost a\n"
	       "digit). V starts at V_rest and V_th at V_th_inf (the seed's -70\n"
	       "and -50 mV) unless set.\n"
	       "t_refractory (default 0, as the seed has none) holds V after a\n"
	       "spike while V_th, I1, I2 go on.\n"
	       "Conductance input: I - g V replaces I. Default method forward\n"
	       "Euler (the seed's, with dt = 0.1 ms); prepare refuses Euler with\n"
	       "dt longer than 1/max(1/tau, b, k1, k2) and V_reset >= V_th_reset.\n"
	       "exp_euler integrates each linear equation exactly with the\n"
	       "others held over the step.\n"
	       "examples/neurons/gif_patterns.yaml runs the seed's table of 20\n"
	       "firing patterns. Where the seed's table differs from the\n"
	       "published protocol (Mihalas & Niebur 2009 Table 1 / Fig. 1, pulse\n"
	       "timings as read off Fig. 1 by Detorakis, ReScience 2017) the\n"
	       "example follows the published one: hyperpolarization-induced\n"
	       "spiking and bursting use a = 0.03/ms with V_th_inf = -50 mV (the\n"
	       "seed's a = 0, V_th_inf = -120 mV fires at zero input too);\n"
	       "threshold variability uses 25 ms pulses (with the seed's 20 ms\n"
	       "nothing fires); preferred frequency uses 5 ms pulses (the seed's\n"
	       "10 ms pulses fire from rest). Phasic spiking with the published\n"
	       "values (a = 0.005/ms, I = 1.5 pA, the seed's too) is an onset\n"
	       "train of 5 spikes; at I = 1.3 pA the neuron fires exactly once.",
	.source = "Mihalas & Niebur, Neural Comput. 21:704-718 (2009); "
		  "BrainModels book §1.3.6 and appendix \"GeneralizedIF model\" "
		  "with its table of firing patterns (defaults V_rest=-70, "
		  "V_reset=-70, V_th_inf=-50, V_th_reset=-60 mV, R=20, tau=20 ms, "
		  "a=0, b=0.01, k1=0.2, k2=0.02, R1=0, R2=1, A1=A2=0)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
