/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Oja's rule (Oja 1982) between firing-rate populations, BrainModels book
 * §2.2.2 "Oja's rule" and its appendix (brainmodels' Oja): a Hebbian rule
 * with a decay that keeps the weight vector of each post unit at unit norm.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

enum { P_GAMMA };
enum { S_R_PRE };

static const soma_var_info params[] = {
	[P_GAMMA] = { "gamma", "1/ms", 0.005, 0.0, INFINITY, 0,
		      "learning rate" },
};

static const soma_var_info state[] = {
	[S_R_PRE] = { "r_pre", "", 0.0, -INFINITY, INFINITY, 0,
		      "presynaptic rate transmitted in the last step (r_j at "
		      "t_n, the rate the post rate of t_{n+1} was made from)",
		      NULL },
};

static const unsigned char state_size[] = { [S_R_PRE] = SOMA__PER_PRE };

static int oja_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	(void)dt;
	return soma__rate_check(j, "Oja's rule", err, len);
}

/* Stage 2: post->I += sum_j w_ij r_j(t_n), keeping r_j(t_n) for stage 8. */
static void oja_current(struct soma__proj *j, struct soma__pop *pre,
                struct soma__pop *post)
{
	soma__rate_current(j, pre, post, j->state[S_R_PRE]);
}

/* Stage 8: w_ij += dt gamma (r_i r_j - r_i^2 w_ij), forward Euler (the
 * seed's), with r_i = r_post(t_{n+1}) and r_j the pre rate it was made of. */
static void oja_plasticity(struct soma__proj *j, const struct soma__pop *pre,
			   const struct soma__pop *post, double dt)
{
	const int k = soma_model_state_index(post->model, "r");
	const double g = j->param[P_GAMMA] * dt;
	const double *restrict x = j->state[S_R_PRE];
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict pi = j->post_idx;
	double *restrict w = j->w;
	const double *restrict y;

	(void)pre;
	if (k < 0)
		return;
	y = post->state[k];
	for (uint32_t p = 0; p < j->n_pre; p++) {
		const double xp = x[p];
		for (uint64_t e = row[p]; e < row[p + 1]; e++) {
			const double yi = y[pi[e]];
			w[e] += g * yi * (xp - yi * w[e]);
		}
	}
}

static const struct soma__model_ops ops = {
	.state_size = state_size,
	.weight_unit = "",
	.rate_based = 1,
	.proj_prepare = oja_prepare,
	.proj_current = oja_current,
	.proj_advance = soma__rate_advance,
	.proj_plasticity = oja_plasticity,
	.v_index = -1,
};

const soma_model soma__model_oja = {
	.name = "oja",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "Oja's rule (rate-based Hebbian plasticity)",
	.doc = "Weights w_ij (dimensionless) from rate units j onto rate units i\n"
	       "(model `rate`), transmitted without delay: each step adds\n"
	       "  sum_j w_ij r_j(t_n)\n"
	       "to the input I of post unit i, so r_i(t_{n+1}) = sum_j w_ij r_j(t_n)\n"
	       "plus whatever else the unit receives. After the step the weights\n"
	       "learn by Oja's rule\n"
	       "  dw_ij/dt = gamma (r_i r_j - r_i^2 w_ij),\n"
	       "one forward-Euler step of dt (the seed's integration), in which\n"
	       "r_i = r_i(t_{n+1}) is the post rate just made and r_j = r_j(t_n)\n"
	       "the pre rate it was made from (state r_pre, per pre unit), so\n"
	       "that the Hebbian product pairs the rates that caused each other\n"
	       "(as the seed computes r_post from r_pre and learns from both in\n"
	       "one update). With zero-mean inputs of covariance C the weight\n"
	       "vector of a post unit driven by them alone converges to the\n"
	       "unit-norm principal eigenvector of C (for gamma dt small). The\n"
	       "update is stable while gamma dt r_i^2 < 2.\n"
	       "Representation: the weights are the projection's synapses (CSR,\n"
	       "by pre unit); all_to_all gives the seed's dense matrix,\n"
	       "fixed_probability or one_to_one a sparse one: the rule runs over\n"
	       "the synapses that exist. Requirements: output current (the only\n"
	       "one accepted), delay 0, and pre and post populations with a rate\n"
	       "r (the `rate` model); projections from or to other populations\n"
	       "are refused.\n"
	       "Where the seed differs: its Oja class takes w_max and w_min but\n"
	       "never uses them (no clipping); soma has no such parameters. Its\n"
	       "initial weight 0.05 is the projection's weight here.",
	.source = "Oja (1982), J. Math. Biol. 15:267-273; BrainModels book §2.2.2 "
		  "\"Oja's rule\" and appendix \"Synaptic plasticity\" (gamma = "
		  "0.005, w = 0.05 initially, dt = 0.1 ms)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
