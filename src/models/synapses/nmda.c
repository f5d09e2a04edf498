/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NMDA synapse, BrainModels book §2.1 "NMDA Synapse" and its appendix "NMDA"
 * (brainmodels.synapses.NMDA): saturating gating s driven by a rise variable
 * x, and the voltage-dependent magnesium block of Jahr & Stevens (1990).
 */
#include <math.h>

#include "core/internal.h"

enum { P_TAU_DECAY, P_TAU_RISE, P_A, P_ALPHA, P_BETA, P_C_MG, P_E };
enum { S_S, S_X };
enum { D_DECAY_R, D_DECAY_D, D_RISE_R };

static const soma_var_info params[] = {
	[P_TAU_DECAY] = { "tau_decay", "ms", 100.0, 0.0, INFINITY,
			  SOMA_VAR_MIN_OPEN,
			  "decay time constant of s (the seed's tau)" },
	[P_TAU_RISE] = { "tau_rise", "ms", 2.0, 0.0, INFINITY,
			 SOMA_VAR_MIN_OPEN, "decay time constant of x" },
	[P_A] = { "a", "1/ms", 0.5, 0.0, INFINITY, 0,
		  "rate at which x opens the channels" },
	[P_ALPHA] = { "alpha", "", 0.062, 0.0, INFINITY, 0,
		      "1/mV: voltage sensitivity of the magnesium block" },
	[P_BETA] = { "beta", "", 3.57, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		     "mM: magnesium concentration of half block at V = 0" },
	[P_C_MG] = { "c_Mg", "", 1.2, 0.0, INFINITY, 0,
		     "mM: extracellular magnesium concentration (the seed's "
		     "cc_Mg)" },
	[P_E] = { "E", "mV", 0.0, -INFINITY, INFINITY, 0,
		  "reversal potential (conductance-based output only)" },
};

/* Both variables are kept once per presynaptic neuron (state_size). */
static const soma_var_info state[] = {
	[S_S] = { "s", "", 0.0, 0.0, 1.0, 0,
		  "open fraction of the channels of each presynaptic neuron's "
		  "synapses, before the block", NULL },
	[S_X] = { "x", "", 0.0, 0.0, INFINITY, 0,
		  "rise variable: +1 at each spike arrival, decays with "
		  "tau_rise", NULL },
};

static const unsigned char state_size[] = { SOMA__PER_PRE, SOMA__PER_PRE };

/* Gauss-Legendre rule of 6 nodes on [-1, 1] (nodes +-xi, weights). */
#define GL_N 6
static const double gl_xi[GL_N] = {
	-0.932469514203152027812301554494, -0.661209386466264513661399595020,
	-0.238619186083196908630501721681, 0.238619186083196908630501721681,
	0.661209386466264513661399595020, 0.932469514203152027812301554494,
};
static const double gl_w[GL_N] = {
	0.171324492379170345040296142173, 0.360761573048138607569833513838,
	0.467913934572691047389870343990, 0.467913934572691047389870343990,
	0.360761573048138607569833513838, 0.171324492379170345040296142173,
};
/* sub-intervals are added when the exponent moves by more than this
 * within one (rate times length) */
#define GL_SPAN 1.0
#define GL_MAX_PARTS 1024

/* A Gauss-Legendre node u of [0, h] with what the integrand needs there:
 * r = exp(-u/tau_r), q = exp(-(h - u)/tau_d),
 * m = exp(-u/tau_r) - exp(-h/tau_r) >= 0, wt = quadrature weight. */
struct node {
	double r, q, m, wt;
};

static void make_node(struct node *n, double u, double wt, double h,
		      double tau_r, double tau_d)
{
	n->r = exp(-u / tau_r);
	n->q = exp(-(h - u) / tau_d);
	n->m = -n->r * expm1(-(h - u) / tau_r);
	n->wt = wt;
}

/* int_0^h exp(-u/tau_r) exp(psi(u) - psi(h)) du for c = a x0 tau_r, on
 * @parts equal pieces; @one holds the nodes of the single piece. */
static double integral(const struct node *one, int parts, double c, double h,
		       double tau_r, double tau_d)
{
	const double len = h / parts;
	double sum = 0;

	if (parts == 1) {
		for (int k = 0; k < GL_N; k++)
			sum += one[k].wt * one[k].r * one[k].q * exp(-c * one[k].m);
		return sum;
	}
	for (int i = 0; i < parts; i++)
		for (int k = 0; k < GL_N; k++) {
			struct node n;
			make_node(&n, len * (i + 0.5 * (1.0 + gl_xi[k])),
				  0.5 * len * gl_w[k], h, tau_r, tau_d);
			sum += n.wt * n.r * n.q * exp(-c * n.m);
		}
	return sum;
}

/*
 * x(u) = x0 exp(-u/tau_r) is exact. With it, ds/dt = a x (1 - s) - s/tau_d
 * is linear in s:
 *   ds/dt = a x(u) - k(u) s,  k = 1/tau_d + a x(u),
 *   psi(u) = integral_0^u k = u/tau_d + c (1 - exp(-u/tau_r)), c = a x0 tau_r,
 *   s(h) = s0 exp(-psi(h)) + integral_0^h a x(u) exp(psi(u) - psi(h)) du,
 * psi(u) - psi(h) = -(h - u)/tau_d - c m(u). The integral has no closed form
 * (an incomplete gamma function); it is a smooth positive integrand,
 * integrated by Gauss-Legendre with 6 nodes on pieces over which the
 * exponent's rate (1/tau_r + 1/tau_d + a x0) times the length is at most
 * GL_SPAN (the rule is exact for polynomials of degree 11): relative error
 * of a step below 3e-14 against a 40-digit quadrature for dt = 0.01 to
 * 1 ms, tau_rise = 0.05 to 2 ms, tau_decay = 0.5 to 100 ms and x0 up to
 * 1000 (tests/unit/test_synapses_kinetic.c checks a whole run against a
 * fine RK4). All exponents are <= 0: nothing overflows.
 */
static int nmda_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)err;
	(void)len;
	j->derived[D_DECAY_R] = exp(-dt / j->param[P_TAU_RISE]);
	j->derived[D_DECAY_D] = exp(-dt / j->param[P_TAU_DECAY]);
	j->derived[D_RISE_R] = -expm1(-dt / j->param[P_TAU_RISE]);
	return SOMA_OK;
}

/* Magnesium block at V (mV): B = 1/(1 + exp(-alpha V) c_Mg/beta). */
static inline double block(double V, double alpha, double c_beta)
{
	return 1.0 / (1.0 + exp(-alpha * V) * c_beta);
}

/* Stage 2. G_i = sum over synapses of w s_pre; the output carries the block
 * B(V_i) at V_i = V_post(t_n). Conductance-based: g = G B, held over the
 * step, so the neuron sees g (E - V) with the driving force at its own V
 * (the neuron's integrator treats it like any conductance); current-based:
 * I = G B (w in pA). The post population has a V (needs_v). */
static void nmda_current(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post)
{
	(void)pre;
	double *restrict G = j->scratch;
	const double *restrict V = post->state[post->model->ops->v_index];
	const double alpha = j->param[P_ALPHA];
	const double c_beta = j->param[P_C_MG] / j->param[P_BETA];

	soma__proj_gather(j, j->state[S_S], G);
	for (uint32_t i = 0; i < j->n_post; i++)
		if (G[i] != 0)
			G[i] *= block(V[i], alpha, c_beta);
	soma__syn_output(j, G, j->param[P_E], post);
}

static void nmda_advance(struct soma__proj *j, struct soma__pop *pre,
			 struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[S_S], *restrict x = j->state[S_X];
	const double h = j->dt, tau_r = j->param[P_TAU_RISE];
	const double tau_d = j->param[P_TAU_DECAY], a = j->param[P_A];
	const double dr = j->derived[D_DECAY_R], dd = j->derived[D_DECAY_D];
	const double rise = j->derived[D_RISE_R];
	const double base = h / tau_r + h / tau_d;
	struct node one[GL_N];

	for (int k = 0; k < GL_N; k++)
		make_node(&one[k], 0.5 * h * (1.0 + gl_xi[k]), 0.5 * h * gl_w[k],
			  h, tau_r, tau_d);
	for (uint32_t p = 0; p < j->n_pre; p++) {
		const double x0 = x[p];

		if (x0 == 0 || a == 0) {
			s[p] *= dd;
		} else {
			const double c = a * x0 * tau_r;
			const double span = (base + a * x0 * h) / GL_SPAN;
			const int parts = span <= 1 ? 1 :
					  span < GL_MAX_PARTS ? (int)ceil(span) :
								GL_MAX_PARTS;

			s[p] = s[p] * dd * exp(-c * rise) +
			       a * x0 * integral(one, parts, c, h, tau_r, tau_d);
		}
		x[p] = x0 * dr + arrive[p];
	}
}

static const struct soma__model_ops ops = {
	.default_output = SOMA_OUTPUT_CONDUCTANCE,
	.state_size = state_size,
	.arrive_spikes = 1,
	.needs_v = 2, /* the block reads V_post */
	.proj_prepare = nmda_prepare,
	.proj_current = nmda_current,
	.proj_advance = nmda_advance,
	.v_index = -1,
};

const soma_model soma__model_nmda = {
	.name = "nmda",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "NMDA synapse (saturating gating, magnesium block)",
	.doc = "ds/dt = -s/tau_decay + a x (1 - s),  dx/dt = -x/tau_rise;\n"
	       "a presynaptic spike arriving after the delay adds 1 to x.\n"
	       "Magnesium block at the post neuron's V:\n"
	       "  B(V) = 1/(1 + exp(-alpha V) c_Mg/beta)\n"
	       "(0.0373 at -70 mV, 0.463 at -20 mV, 0.748 at 0 mV with the\n"
	       "defaults).\n"
	       "Output, with G = sum over the post neuron's synapses of w s:\n"
	       "conductance-based I_post = G B(V) (E - V_post) (w in nS: the\n"
	       "seed's g_max; E in mV); current-based I_post = G B(V) (w in pA:\n"
	       "the block stays part of the output, as the seed's NMDA always\n"
	       "includes it). B is evaluated at V_post(t_n), the start of the\n"
	       "step, and held over the step; the conductance G B enters the\n"
	       "neuron like any conductance, so the driving force E - V follows\n"
	       "V within the step. A post population without V (a rate unit) is\n"
	       "refused, whatever the output. The seed delays g = g_max s B(V)\n"
	       "itself, i.e. it uses the block at the V of one delay earlier;\n"
	       "soma delays the spike and applies the block at the present V (the\n"
	       "same when the delay is 0, as in the seed's runs).\n"
	       "Units: alpha in 1/mV, beta and c_Mg in mM, written without unit.\n"
	       "Representation: s and x depend only on the presynaptic spike\n"
	       "train (the block acts on the output, not on s), and with a\n"
	       "constant delay every synapse of a pre neuron sees the same train,\n"
	       "so they are kept once per pre neuron (n_pre values), which is\n"
	       "exact (as in Wang 2002); the output sums w s per post neuron.\n"
	       "Method: x <- x exp(-dt/tau_rise) exactly; given x(t), the s\n"
	       "equation is linear and is solved with its integrating factor,\n"
	       "s(t+h) = s exp(-psi(h)) + int_0^h a x(u) exp(psi(u) - psi(h)) du,\n"
	       "psi(u) = u/tau_decay + a x tau_rise (1 - exp(-u/tau_rise)), where\n"
	       "the integral (no closed form) is computed by 6-point\n"
	       "Gauss-Legendre quadrature on pieces short against the kinetics:\n"
	       "relative error per step below 1e-13 (the seed integrates with\n"
	       "RK4). An arrival at t adds to x at t, so s first rises one step\n"
	       "after the arrival. x is bounded by 1/(1 - exp(-dt/tau_rise))\n"
	       "(20.5 at dt = 0.1 ms) when each pre neuron spikes every step.",
	.source = "BrainModels book §2.1 \"NMDA Synapse\" and appendix \"NMDA\" "
		  "(g_max = 0.15, E = 0, cc_Mg = 1.2, alpha = 0.062, beta = 3.57, "
		  "tau = 100, a = 0.5, tau_rise = 2); Jahr & Stevens (1990) "
		  "J Neurosci 10:3178 for the block; Wang (2002) Neuron 36:955",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
