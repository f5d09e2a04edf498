/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hodgkin-Huxley neuron (Hodgkin & Huxley 1952) with the rate functions and
 * defaults of the BrainModels book §1.2.1 and its appendix "Hodgkin-Huxley
 * model" (brainmodels.neurons.HH), on a membrane patch of 1e-6 cm^2 so that
 * the seed's per-area numbers read directly in soma's units.
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_E_NA, P_G_NA, P_E_K, P_G_K, P_E_L, P_G_L, P_C, P_V_TH };
enum { S_V, S_M, S_H, S_N };
enum { D_INV_C };

/* Largest argument given to exp() in the rate functions: exp(50) ~ 5e21 1/ms
 * is far beyond any physiological rate; the cap only acts for V < -965 mV
 * (beta_m), which no membrane reaches, and keeps the trial states of a
 * diverging Runge-Kutta step finite until the |V| cut-off stops the run. */
#define HH_EXP_MAX 50.0

static const soma_var_info params[] = {
	[P_E_NA] = { "E_Na", "mV", 50.0, -INFINITY, INFINITY, 0,
		     "sodium reversal potential" },
	[P_G_NA] = { "g_Na", "nS", 120.0, 0.0, INFINITY, 0,
		     "maximal sodium conductance (120 mS/cm^2 on 1e-6 cm^2)" },
	[P_E_K] = { "E_K", "mV", -77.0, -INFINITY, INFINITY, 0,
		    "potassium reversal potential" },
	[P_G_K] = { "g_K", "nS", 36.0, 0.0, INFINITY, 0,
		    "maximal potassium conductance (36 mS/cm^2 on 1e-6 cm^2)" },
	[P_E_L] = { "E_L", "mV", -54.387, -INFINITY, INFINITY, 0,
		    "leak reversal potential" },
	[P_G_L] = { "g_L", "nS", 0.03, 0.0, INFINITY, 0,
		    "leak conductance (the seed's 0.03 mS/cm^2; HH 1952: 0.3)" },
	[P_C] = { "C", "pF", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane capacitance (1 uF/cm^2 on 1e-6 cm^2)" },
	[P_V_TH] = { "V_th", "mV", 20.0, -INFINITY, INFINITY, 0,
		     "spike when V crosses V_th upwards" },
};

static const soma_var_info state[] = {
	[S_V] = { "V", "mV", -65.0, -INFINITY, INFINITY, 0,
		  "membrane potential", NULL },
	[S_M] = { "m", "", 0.5, 0.0, 1.0, 0,
		  "sodium activation gate", NULL },
	[S_H] = { "h", "", 0.6, 0.0, 1.0, 0,
		  "sodium inactivation gate", NULL },
	[S_N] = { "n", "", 0.32, 0.0, 1.0, 0,
		  "potassium activation gate", NULL },
};

static inline double hh_exp(double x)
{
	return exp(fmin(x, HH_EXP_MAX));
}

/*
 * x / (exp(x) - 1), the shape of alpha_m and alpha_n, continuous through its
 * removable singularity x = 0 (value 1). expm1 keeps full relative accuracy
 * for small |x|; below 1e-5 the series 1 - x/2 + x^2/12 (next term
 * -x^4/720 < 2e-23) is used so that x = 0 itself is no 0/0. For large x
 * expm1 overflows to inf and the quotient is 0, its limit.
 */
static inline double hh_vtrap(double x)
{
	if (fabs(x) < 1e-5)
		return 1.0 - x * (0.5 - x * (1.0 / 12.0));
	return x / expm1(x);
}

static int hh_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	(void)dt;
	(void)err;
	(void)len;
	p->derived[D_INV_C] = 1.0 / p->param[P_C];
	return SOMA_OK;
}

/*
 * C dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L) + I
 * dx/dt = alpha_x(V) (1 - x) - beta_x(V) x,  x in {m, h, n}
 */
static void hh_rhs(const struct soma__pop *p, const struct soma__blk *b,
		   const double *const *y, double *const *dy,
		   double *const *diag)
{
	const double E_Na = p->param[P_E_NA], g_Na = p->param[P_G_NA];
	const double E_K = p->param[P_E_K], g_K = p->param[P_G_K];
	const double E_L = p->param[P_E_L], g_L = p->param[P_G_L];
	const double inv_C = p->derived[D_INV_C];
	const double *restrict V = y[S_V], *restrict m = y[S_M];
	const double *restrict h = y[S_H], *restrict n = y[S_N];
	const double *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[S_V], *restrict dm = dy[S_M];
	double *restrict dh = dy[S_H], *restrict dn = dy[S_N];

	for (uint32_t i = 0; i < b->n; i++) {
		const double v = V[i];
		/* rates, 1/ms, V in mV */
		const double a_m = hh_vtrap(-(v + 40.0) / 10.0);
		const double b_m = 4.0 * hh_exp(-(v + 65.0) / 18.0);
		const double a_h = 0.07 * hh_exp(-(v + 65.0) / 20.0);
		const double b_h = 1.0 / (1.0 + hh_exp(-(v + 35.0) / 10.0));
		const double a_n = 0.1 * hh_vtrap(-(v + 55.0) / 10.0);
		const double b_n = 0.125 * hh_exp(-(v + 65.0) / 80.0);
		const double m3h = m[i] * m[i] * m[i] * h[i];
		const double n2 = n[i] * n[i];
		const double G_Na = g_Na * m3h, G_K = g_K * n2 * n2; /* nS */

		dV[i] = (-G_Na * (v - E_Na) - G_K * (v - E_K) - g_L * (v - E_L) +
			 I[i] - g[i] * v) * inv_C;
		dm[i] = a_m * (1.0 - m[i]) - b_m * m[i];
		dh[i] = a_h * (1.0 - h[i]) - b_h * h[i];
		dn[i] = a_n * (1.0 - n[i]) - b_n * n[i];
		if (diag) {
			diag[S_V][i] = -(G_Na + G_K + g_L + g[i]) * inv_C;
			diag[S_M][i] = -(a_m + b_m);
			diag[S_H][i] = -(a_h + b_h);
			diag[S_N][i] = -(a_n + b_n);
		}
	}
}

static void hh_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		     const double *V_old)
{
	soma__spike_crossing(p, lo, n, V_old, p->state[S_V] + lo,
			     p->param[P_V_TH]);
}

static const struct soma__model_ops ops = {
	.pop_prepare = hh_prepare,
	.rhs = hh_rhs,
	.spike = hh_spike,
	.n_ode = 4,
	.default_method = SOMA_METHOD_EXP_EULER,
	.v_index = S_V,
};

const soma_model soma__model_hh = {
	.name = "hh",
	.kind = SOMA_MODEL_NEURON,
	.title = "Hodgkin-Huxley neuron",
	.doc = "C dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K)\n"
	       "          - g_L (V - E_L) + I(t)\n"
	       "dx/dt = alpha_x(V) (1 - x) - beta_x(V) x,  x = m, h, n,\n"
	       "  alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40)/10))\n"
	       "  beta_m  = 4 exp(-(V + 65)/18)\n"
	       "  alpha_h = 0.07 exp(-(V + 65)/20)\n"
	       "  beta_h  = 1 / (1 + exp(-(V + 35)/10))\n"
	       "  alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55)/10))\n"
	       "  beta_n  = 0.125 exp(-(V + 65)/80)\n"
	       "(rates in 1/ms, V in mV). Units: the seed works per unit area\n"
	       "(uF/cm^2, mS/cm^2, uA/cm^2); soma takes a patch of 1e-6 cm^2\n"
	       "(100 um^2), so the numbers stay the seed's: C = 1 pF,\n"
	       "g_Na = 120 nS, g_K = 36 nS, g_L = 0.03 nS, and an input of\n"
	       "10 pA is the seed's 10 uA/cm^2.\n"
	       "Spike: V crosses V_th upwards within a step (V(t_n) < V_th <=\n"
	       "V(t_n+1)); the spike time is the end of that step. No reset and\n"
	       "no refractory period: the dynamics repolarise the membrane.\n"
	       "(§1.2.1 gives no spike rule; the appendix's update() uses this\n"
	       "crossing rule with V_th = 20 mV.)\n"
	       "alpha_m and alpha_n have removable singularities at V = -40 and\n"
	       "V = -55 mV; they are evaluated as x/expm1(x) (a series for\n"
	       "|x| < 1e-5), continuous and accurate to rounding through the\n"
	       "singular points, where they equal 1 and 0.1 per ms. exp()\n"
	       "arguments are capped at 50, which changes the rates only below\n"
	       "V = -965 mV: a diverging integration stops at |V| = 10^4 mV with\n"
	       "SOMA_ENUMERIC instead of overflowing.\n"
	       "Initial state: the seed's V = -65 mV, m = 0.5, h = 0.6,\n"
	       "n = 0.32. m = 0.5 is far from its resting value (the steady\n"
	       "state at -65 mV is m = 0.0529325, h = 0.596121, n = 0.317677), so\n"
	       "the neuron fires one spike at the onset (t = 0.14 ms) even\n"
	       "without input; initialise m, h, n to the steady-state values to\n"
	       "avoid it.\n"
	       "Parameters: g_K = 36 mS/cm^2 (the seed's appendix line is cut\n"
	       "after \"gK=3\"; BrainModels' code and table give 36). g_L is\n"
	       "the seed's 0.03 mS/cm^2 (BrainPy's value), with E_L =\n"
	       "-54.387 mV, which Hodgkin & Huxley's g_L = 0.3 puts at rest at\n"
	       "-65 mV; with 0.03 the resting potential is -70.68 mV and\n"
	       "repetitive firing starts between 3 and 4 pA (period 14.14 ms at\n"
	       "10 pA). Set g_L = 0.3 for the classical model.\n"
	       "Default method exp_euler (the seed's), stable at dt = 0.1 ms:\n"
	       "each gate is exact for V held over the step and V is exact for\n"
	       "the gates held. It is only first order, though: at 10 pA its\n"
	       "period is 5% too long at dt = 0.1 ms and 0.5% at 0.01 ms. For\n"
	       "accurate spike times use rk4 or rkf45 (rk4 at dt = 0.05 ms\n"
	       "matches a high-accuracy reference to the step); euler needs\n"
	       "dt <= 0.02 ms, and euler, rk2 and rk4 diverge at dt = 0.1 ms\n"
	       "(the run stops with SOMA_ENUMERIC).",
	.source = "Hodgkin & Huxley (1952), J. Physiol. 117:500-544; BrainModels "
		  "book §1.2.1 and appendix \"Hodgkin-Huxley model\" (defaults "
		  "E_Na=50, E_K=-77, E_L=-54.387 mV, g_Na=120, g_K=36, "
		  "g_L=0.03 mS/cm^2, C=1 uF/cm^2, V_th=20 mV; V=-65 mV, m=0.5, "
		  "h=0.6, n=0.32 initially; method exponential_euler)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
