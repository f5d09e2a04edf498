/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Wong-Wang reduced decision model (Wong & Wang 2006): two competing pools
 * of a cortical decision circuit, each described by the NMDA gating s of
 * its recurrent synapses, as in the BrainModels book §3.2.1 "Decision
 * model" (the seed's class Decision).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_COH, P_J_A_EXT, P_J_REC, P_J_INH, P_I_0, P_A, P_B, P_D, P_TAU_S,
       P_GAMMA };
enum { D_INV_TAU, D_INV_D, D_D_S, D_AJ_REC };
enum { S_S1, S_S2 };
enum { IN_MU_0, IN_I_1, IN_I_2 };

/* The seed writes the model in seconds and nA (J_rec = 0.3725 nA, a = 270
 * Hz/nA, d = 0.154 s, tau_s = 0.06 s); here the same values in pA and ms. */
static const soma_var_info params[] = {
	[P_COH] = { "coh", "", 0.0, -1.0, 1.0, 0,
		    "coherence c'/100% of the stimulus: pool 1 receives "
		    "mu_0 (1 + coh), pool 2 mu_0 (1 - coh)" },
	[P_J_A_EXT] = { "J_A_ext", "pA/Hz", 1.17, 0.0, INFINITY, 0,
			"current per Hz of stimulus (the seed's JAext, "
			"0.00117 nA/Hz)" },
	[P_J_REC] = { "J_rec", "pA", 372.5, 0.0, INFINITY, 0,
		      "recurrent excitation of a pool by itself (J_11 = J_22)" },
	[P_J_INH] = { "J_inh", "pA", 113.7, 0.0, INFINITY, 0,
		      "effective inhibition of a pool by the other "
		      "(J_12 = J_21)" },
	[P_I_0] = { "I_0", "pA", 329.7, -INFINITY, INFINITY, 0,
		    "background current onto both pools" },
	[P_A] = { "a", "Hz/pA", 0.27, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "gain of the input-output function (270 Hz/nA)" },
	[P_B] = { "b", "Hz", 108.0, -INFINITY, INFINITY, 0,
		  "offset of the input-output function: x = a I_syn - b" },
	[P_D] = { "d", "ms", 154.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "curvature of the input-output function (0.154 s): "
		  "r = x / (1 - exp(-d x))" },
	[P_TAU_S] = { "tau_s", "ms", 60.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		      "decay time of the NMDA gating s (the seed's 0.06 s; "
		      "Wong & Wang use 100 ms)" },
	[P_GAMMA] = { "gamma", "", 0.641, 0.0, INFINITY, 0,
		      "saturation factor of the gating: (1 - s) gamma r" },
};

static const soma_var_info state[] = {
	[S_S1] = { "s1", "", 0.06, 0.0, 1.0, 0,
		   "NMDA gating of pool 1 (choice 1)", NULL },
	[S_S2] = { "s2", "", 0.06, 0.0, 1.0, 0,
		   "NMDA gating of pool 2 (choice 2)", NULL },
};

static const soma_var_info inputs[] = {
	[IN_MU_0] = { "mu_0", "Hz", 0.0, -INFINITY, INFINITY, 0,
		      "stimulus strength mu_0, split between the pools by coh",
		      NULL },
	[IN_I_1] = { "I_1", "pA", 0.0, -INFINITY, INFINITY, 0,
		     "extra current onto pool 1", NULL },
	[IN_I_2] = { "I_2", "pA", 0.0, -INFINITY, INFINITY, 0,
		     "extra current onto pool 2", NULL },
};

/*
 * g(u) = u / (1 - exp(-u)) and its derivative g'(u), u = d x: the rate is
 * r = g(d x) / d and dr/dx = g'(d x). No cancellation near u = 0 (expm1,
 * g(0) = 1; g' by its Taylor series, the Bernoulli numbers), no overflow for
 * large |u| (exponentials of non-positive arguments only).
 */
static inline double ww_g(double u, double *gp)
{
	double e, m;

	if (fabs(u) < 0.1) {
		double u2 = u * u;

		*gp = 0.5 + u * (1.0 / 6 + u2 * (-1.0 / 180 + u2 * (1.0 / 5040 +
			    u2 * (-1.0 / 151200 + u2 * (1.0 / 4790016)))));
		if (u == 0.0)
			return 1.0;
		return u >= 0 ? u / -expm1(-u) : u * exp(u) / expm1(u);
	}
	if (u > 0) {
		/* m = 1 - e^-u: g = u / m, g' = (m - u e^-u) / m^2 */
		e = exp(-u);
		m = -expm1(-u);
		*gp = (m - u * e) / (m * m);
		return u / m;
	}
	/* m = e^u - 1 < 0: g = u e^u / m, g' = e^u (m - u) / m^2 */
	e = exp(u);
	m = expm1(u);
	*gp = e * (m - u) / (m * m);
	return u * e / m;
}

static int ww_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	if (p->method == SOMA_METHOD_EULER && dt > p->param[P_TAU_S]) {
		snprintf(err, len,
			 "tau_s = %g ms: dt = %g ms is longer than it: forward "
			 "Euler would overshoot the decay of s; use dt <= tau_s "
			 "(better a hundredth of it) or another method",
			 p->param[P_TAU_S], dt);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU] = 1.0 / p->param[P_TAU_S];
	p->derived[D_INV_D] = 1.0 / p->param[P_D];       /* 1/ms */
	p->derived[D_D_S] = p->param[P_D] * 1e-3;        /* s: u = d x, x in Hz */
	/* d x / d s_k of the own pool in 1/ms: a J_rec Hz */
	p->derived[D_AJ_REC] = p->param[P_A] * p->param[P_J_REC] * 1e-3;
	return SOMA_OK;
}

/*
 * I_syn1 = J_rec s1 - J_inh s2 + I_0 + J_A_ext mu_0 (1 + coh) + I_1   (pA)
 * x1 = a I_syn1 - b (Hz), r1 = x1 / (1 - exp(-d x1))                 (Hz)
 * ds1/dt = -s1 / tau_s + (1 - s1) gamma r1
 * and pool 2 with 1 and 2 swapped and coh -> -coh. r in Hz is r/1000 per
 * ms: with u = d x (d in s), r/1000 = g(u) / d(ms).
 */
static void ww_rhs(const struct soma__pop *p, const struct soma__blk *b,
		   const double *const *y, double *const *dy, double *const *diag)
{
	const double coh = p->param[P_COH], J_ext = p->param[P_J_A_EXT];
	const double J_rec = p->param[P_J_REC], J_inh = p->param[P_J_INH];
	const double I_0 = p->param[P_I_0], a = p->param[P_A];
	const double bb = p->param[P_B], gamma = p->param[P_GAMMA];
	const double inv_tau = p->derived[D_INV_TAU], inv_d = p->derived[D_INV_D];
	const double d_s = p->derived[D_D_S], aJ = p->derived[D_AJ_REC];
	const double *restrict s1 = y[S_S1], *restrict s2 = y[S_S2];
	const double *restrict mu = b->in[IN_MU_0];
	const double *restrict I1 = b->in[IN_I_1], *restrict I2 = b->in[IN_I_2];
	double *restrict ds1 = dy[S_S1], *restrict ds2 = dy[S_S2];

	for (uint32_t i = 0; i < b->n; i++) {
		double ext = J_ext * mu[i];
		double Is1 = J_rec * s1[i] - J_inh * s2[i] + I_0 +
			     ext * (1.0 + coh) + I1[i];
		double Is2 = J_rec * s2[i] - J_inh * s1[i] + I_0 +
			     ext * (1.0 - coh) + I2[i];
		double gp1, gp2;
		double g1 = ww_g(d_s * (a * Is1 - bb), &gp1);
		double g2 = ww_g(d_s * (a * Is2 - bb), &gp2);
		double r1 = g1 * inv_d, r2 = g2 * inv_d; /* 1/ms */

		ds1[i] = -s1[i] * inv_tau + (1.0 - s1[i]) * gamma * r1;
		ds2[i] = -s2[i] * inv_tau + (1.0 - s2[i]) * gamma * r2;
		if (diag) {
			/* dr_k/ds_k = g'(u_k) a J_rec (1/ms) */
			diag[S_S1][i] = -inv_tau - gamma * r1 +
					(1.0 - s1[i]) * gamma * gp1 * aJ;
			diag[S_S2][i] = -inv_tau - gamma * r2 +
					(1.0 - s2[i]) * gamma * gp2 * aJ;
		}
	}
}

static const struct soma__model_ops ops = {
	.pop_prepare = ww_prepare,
	.rhs = ww_rhs,
	.spike = NULL,
	.n_ode = 2,
	.default_method = SOMA_METHOD_RK4,
	.v_index = -1,
};

const soma_model soma__model_wong_wang = {
	.name = "wong_wang",
	.kind = SOMA_MODEL_NEURON,
	.title = "Wong-Wang reduced decision model",
	.doc = "One unit is a decision circuit of two competing excitatory pools\n"
	       "(choice 1 and choice 2), each described by the NMDA gating s of\n"
	       "its recurrent synapses (dimensionless, in [0, 1]):\n"
	       "  ds1/dt = -s1/tau_s + (1 - s1) gamma r1\n"
	       "  ds2/dt = -s2/tau_s + (1 - s2) gamma r2\n"
	       "  r_k = f(I_syn,k),  f(I) = (a I - b) / (1 - exp(-d (a I - b)))\n"
	       "  I_syn,1 = J_rec s1 - J_inh s2 + I_0 + J_A_ext mu_0 (1 + coh) + I_1\n"
	       "  I_syn,2 = J_rec s2 - J_inh s1 + I_0 + J_A_ext mu_0 (1 - coh) + I_2\n"
	       "Units: currents in pA, a in Hz/pA, b and the rates r in Hz, d in\n"
	       "ms (d x is taken with d in s and x in Hz), tau_s in ms; the rate\n"
	       "enters ds/dt per ms (r/1000). Model files may write the seed's\n"
	       "units: J_rec: 0.3725 nA, a: 270 Hz/nA, J_A_ext: 0.00117 nA/Hz,\n"
	       "d: 0.154 s, tau_s: 0.06 s.\n"
	       "Three input channels: mu_0 (Hz, the stimulus strength, the\n"
	       "default channel), split between the pools by the parameter coh\n"
	       "(the coherence c'/100%), and I_1, I_2 (pA), extra currents onto\n"
	       "pool 1 and pool 2. Projections of spiking synapses cannot target\n"
	       "the unit (it has no membrane potential); the input conductance g\n"
	       "of the integrator is not used.\n"
	       "No spikes. Default method rk4 (the seed's). exp_euler linearises\n"
	       "each s in itself (the diagonal of the Jacobian, with the\n"
	       "recurrent term (1 - s_k) gamma f'(I_syn,k) a J_rec, is provided).\n"
	       "f is computed as x / -expm1(-d x), with its limit 1/d at x = 0,\n"
	       "and as x e^(d x) / expm1(d x) for x < 0: no cancellation near\n"
	       "x = 0, no overflow for large |x|. Prepare refuses forward Euler\n"
	       "with dt > tau_s.\n"
	       "With the defaults: at mu_0 = 0 five fixed points (spontaneous\n"
	       "state, two decision states, two saddles); at mu_0 = 30 Hz and\n"
	       "coh = 0.512 the circuit settles at s1 = 0.7231, s2 = 0.0054\n"
	       "(choice 1).",
	.source = "Wong & Wang (2006), J. Neurosci. 26:1314-1328 (reduced "
		  "two-variable model); BrainModels book §3.2.1 \"Decision model\" "
		  "(class Decision, defaults JAext=0.00117 nA/Hz, J_rec=0.3725 nA, "
		  "J_inh=0.1137 nA, I_0=0.3297 nA, a=270 Hz/nA, b=108 Hz, "
		  "d=0.154 s, tau_s=0.06 s, gamma=0.641; s1=s2=0.06 initially; "
		  "rk4). tau_s = 0.06 s is the seed's value; the paper uses "
		  "tau_S = 100 ms",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
	.inputs = inputs,
	.n_inputs = sizeof(inputs) / sizeof(inputs[0]),
};
