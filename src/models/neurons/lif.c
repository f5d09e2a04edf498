/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Leaky integrate-and-fire neuron (Lapicque 1907), as in the BrainModels
 * book §1.3.1 and its appendix "LIF model" (brainmodels.neurons.LIF).
 */
#include <math.h>
#include <stdio.h>

#include "core/internal.h"

enum { P_V_REST, P_V_RESET, P_V_TH, P_R, P_TAU, P_T_REF };
enum { D_INV_TAU, D_REF_STEPS };

static const soma_var_info params[] = {
	[P_V_REST] = { "V_rest", "mV", 0.0, -INFINITY, INFINITY, 0,
		       "resting potential" },
	[P_V_RESET] = { "V_reset", "mV", -5.0, -INFINITY, INFINITY, 0,
			"potential after a spike" },
	[P_V_TH] = { "V_th", "mV", 20.0, -INFINITY, INFINITY, 0,
		     "spike threshold (spike when V >= V_th)" },
	[P_R] = { "R", "GOhm", 1.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		  "membrane resistance (GOhm * pA = mV)" },
	[P_TAU] = { "tau", "ms", 10.0, 0.0, INFINITY, SOMA_VAR_MIN_OPEN,
		    "membrane time constant tau = R C" },
	[P_T_REF] = { "t_refractory", "ms", 1.0, 0.0, INFINITY, 0,
		      "refractory period: V held, not integrated" },
};

static const soma_var_info state[] = {
	{ "V", "mV", 0.0, -INFINITY, INFINITY, 0, "membrane potential",
	  "V_rest" },
};

static int lif_prepare(struct soma__pop *p, double dt, char *err, size_t len)
{
	if (soma__check_reset(p->param[P_V_RESET], p->param[P_V_TH], err, len))
		return SOMA_ERANGE;
	if (p->method == SOMA_METHOD_EULER && dt > p->param[P_TAU]) {
		snprintf(err, len,
			 "tau = %g ms is shorter than dt = %g ms: forward Euler "
			 "would overshoot the membrane's relaxation; use dt <= tau "
			 "(better dt <= tau/10) or method exp_euler",
			 p->param[P_TAU], dt);
		return SOMA_ERANGE;
	}
	p->derived[D_INV_TAU] = 1.0 / p->param[P_TAU];
	p->derived[D_REF_STEPS] = (double)soma__steps(p->param[P_T_REF], dt);
	return SOMA_OK;
}

/* tau dV/dt = V_rest - V + R (I - g V) */
static void lif_rhs(const struct soma__pop *p, const struct soma__blk *b,
		    const double *const *y, double *const *dy,
		    double *const *diag)
{
	const double V_rest = p->param[P_V_REST], R = p->param[P_R];
	const double inv_tau = p->derived[D_INV_TAU];
	const double *restrict V = y[0], *restrict I = b->in[0], *restrict g = b->g;
	double *restrict dV = dy[0];

	for (uint32_t i = 0; i < b->n; i++)
		dV[i] = (V_rest - V[i] + R * (I[i] - g[i] * V[i])) * inv_tau;
	if (diag)
		for (uint32_t i = 0; i < b->n; i++)
			diag[0][i] = -(1.0 + R * g[i]) * inv_tau;
}

static void lif_spike(struct soma__pop *p, uint32_t lo, uint32_t n,
		      const double *V_old)
{
	(void)V_old;
	soma__spike_reset(p, lo, n, p->state[0] + lo, p->param[P_V_TH],
			  p->param[P_V_RESET], (int32_t)p->derived[D_REF_STEPS]);
}

/* Forward Euler, threshold, reset and refractoriness in one pass over the
 * neurons [lo, hi): the same arithmetic as lif_rhs + the generic Euler step +
 * lif_spike (the tests compare them bit for bit), without the stage arrays;
 * large LIF networks spend most of their time here. */
static int lif_euler_range(struct soma__pop *p, uint32_t lo, uint32_t hi,
			   void *ctx)
{
	const double dt = *(const double *)ctx;
	const double V_rest = p->param[P_V_REST], V_reset = p->param[P_V_RESET];
	const double V_th = p->param[P_V_TH], R = p->param[P_R];
	const double inv_tau = p->derived[D_INV_TAU];
	const int32_t ref_steps = (int32_t)p->derived[D_REF_STEPS];
	double *restrict V = p->state[0];
	const double *restrict I = p->I, *restrict g = p->g;
	int32_t *restrict ref = p->ref;
	const double k_max = 1.0 / (dt * inv_tau); /* largest stable 1 + R g */
	uint32_t n_spk = 0;
	int bad = 0, stiff = 0, nonfinite = 0;

	for (uint32_t i = lo; i < hi; i++) {
		double v;

		if (ref[i] > 0) {
			ref[i]--;
			continue;
		}
		v = V[i] + dt * ((V_rest - V[i] + R * (I[i] - g[i] * V[i])) * inv_tau);
		/* Euler overshoots once dt (1 + R g)/tau > 1; a non-finite V must
		 * not hide behind the reset */
		stiff |= 1.0 + R * g[i] > k_max;
		nonfinite |= !(fabs(v) < INFINITY);
		if (v >= V_th && !nonfinite) {
			v = V_reset;
			ref[i] = ref_steps;
			p->spk[n_spk++] = i;
		}
		bad |= !(fabs(v) < SOMA__V_LIMIT); /* also NaN */
		V[i] = v;
	}
	p->n_spk = n_spk;
	if (!stiff && !bad && !nonfinite)
		return SOMA_OK;
	p->bad_var = 0;
	p->bad_index = lo;
	for (uint32_t i = lo; i < hi; i++)
		if (stiff ? 1.0 + R * g[i] > k_max : !(fabs(V[i]) < SOMA__V_LIMIT)) {
			p->bad_index = i;
			break;
		}
	if (stiff)
		p->bad_why = "its conductance input is too strong for forward Euler at "
			     "this dt (dt (1 + R g)/tau > 1, where V would overshoot the "
			     "reversal potentials): use method exp_euler, which integrates "
			     "conductance input exactly, or a smaller dt";
	else if (nonfinite)
		p->bad_why = "its membrane potential became infinite or not a "
			     "number during the step (an infinite or enormous input?)";
	return SOMA_ENUMERIC;
}

/* Chunks of this many neurons, shared among threads from LIF_PARALLEL on:
 * the fused loop is cheap, so only large populations gain. */
#define LIF_CHUNK 8192
#define LIF_PARALLEL 32768

static int lif_euler(struct soma__pop *p, double dt)
{
	return soma__pop_chunks(p, LIF_CHUNK, LIF_PARALLEL, lif_euler_range, &dt);
}

static const struct soma__model_ops ops = {
	.euler_update = lif_euler,
	.pop_prepare = lif_prepare,
	.rhs = lif_rhs,
	.spike = lif_spike,
	.n_ode = 1,
	.default_method = SOMA_METHOD_EULER,
	.v_index = 0,
};

const soma_model soma__model_lif = {
	.name = "lif",
	.kind = SOMA_MODEL_NEURON,
	.title = "Leaky integrate-and-fire neuron",
	.doc = "tau dV/dt = -(V - V_rest) + R I(t), I in pA, R in GOhm.\n"
	       "Spike when V >= V_th, then V <- V_reset; V is held (not\n"
	       "integrated) for t_refractory after a spike, i.e. for\n"
	       "round(t_refractory/dt) steps. Default method forward Euler, the\n"
	       "seed's default; exp_euler is exact for constant input and\n"
	       "conductance. The spike time is the end of the step in\n"
	       "which V reached V_th. V starts at V_rest unless initialised.\n"
	       "Prepare refuses V_reset >= V_th, and dt > tau with Euler (it\n"
	       "would overshoot). With conductance-based input (I - g V) the\n"
	       "effective time constant tau/(1 + R g) is shorter: keep dt well\n"
	       "below it, or use exp_euler. A run\n"
	       "stops with SOMA_ENUMERIC when |V| reaches 10^4 mV or V is not\n"
	       "a number, the sign of an unstable integration.",
	.source = "Lapicque (1907); BrainModels book §1.3.1 and appendix "
		  "\"LIF model\" (defaults V_rest=0, V_reset=-5, V_th=20 mV, "
		  "R=1, tau=10 ms, t_refractory=1 ms)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
