/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The BCM rule (Bienenstock, Cooper & Munro 1982) between firing-rate
 * populations, BrainModels book §2.2.2 "BCM rule" and its appendix
 * (brainmodels' BCM): Hebbian potentiation above a sliding threshold, the
 * time average of the post rate, and depression below it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

enum { P_ETA, P_TAU_THETA, P_W_MIN, P_W_MAX };
enum { S_THETA, S_R_PRE };
/* D_COUNT: post rates averaged so far (running-mean mode); kept across
 * prepares, so it is never written by bcm_prepare */
enum { D_EMA, D_COUNT };

static const soma_var_info params[] = {
	[P_ETA] = { "eta", "1/ms", 0.005, 0.0, INFINITY, 0,
		    "learning rate (the seed's lr)" },
	[P_TAU_THETA] = { "tau_theta", "ms", 0.0, 0.0, INFINITY, 0,
			  "averaging time of the threshold: 0, the mean of the "
			  "post rate over the whole run (the seed's); > 0, an "
			  "exponential moving average with this time constant" },
	[P_W_MIN] = { "w_min", "", 0.0, -INFINITY, INFINITY, 0,
		      "lower bound of the weights" },
	[P_W_MAX] = { "w_max", "", 1.0, -INFINITY, INFINITY, 0,
		      "upper bound of the weights" },
};

static const soma_var_info state[] = {
	[S_THETA] = { "theta", "", 0.0, -INFINITY, INFINITY, 0,
		      "sliding threshold r_theta of each post unit: the time "
		      "average of its rate", NULL },
	[S_R_PRE] = { "r_pre", "", 0.0, -INFINITY, INFINITY, 0,
		      "presynaptic rate transmitted in the last step (r_j at "
		      "t_n, the rate the post rate of t_{n+1} was made from)",
		      NULL },
};

static const unsigned char state_size[] = {
	[S_THETA] = SOMA__PER_POST,
	[S_R_PRE] = SOMA__PER_PRE,
};

static int bcm_prepare(struct soma__proj *j, double dt, char *err, size_t len)
{
	const double tau = j->param[P_TAU_THETA];
	int rc = soma__rate_check(j, "the BCM rule", err, len);

	if (rc)
		return rc;
	if (!(j->param[P_W_MIN] <= j->param[P_W_MAX])) {
		snprintf(err, len,
			 "w_min = %g is above w_max = %g: the weights are kept "
			 "in [w_min, w_max], so w_min <= w_max is needed",
			 j->param[P_W_MIN], j->param[P_W_MAX]);
		return SOMA_ERANGE;
	}
	/* exact relaxation over a step towards a rate held during it */
	j->derived[D_EMA] = tau > 0 ? -expm1(-dt / tau) : 0.0;
	return SOMA_OK;
}

/* Stage 2: post->I += sum_j w_ij r_j(t_n), keeping r_j(t_n) for stage 8. */
static void bcm_current(struct soma__proj *j, struct soma__pop *pre,
                struct soma__pop *post)
{
	soma__rate_current(j, pre, post, j->state[S_R_PRE]);
}

/* Stage 8: the threshold takes in r_i(t_{n+1}), then
 * w_ij <- clip(w_ij + dt eta r_i (r_i - theta_i) r_j, w_min, w_max). */
static void bcm_plasticity(struct soma__proj *j, const struct soma__pop *pre,
			   const struct soma__pop *post, double dt)
{
	const int k = soma_model_state_index(post->model, "r");
	const double lr = j->param[P_ETA] * dt;
	const double w_min = j->param[P_W_MIN], w_max = j->param[P_W_MAX];
	const double *restrict x = j->state[S_R_PRE];
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict pi = j->post_idx;
	double *restrict theta = j->state[S_THETA];
	double *restrict w = j->w;
	const double *restrict y;
	double a;

	(void)pre;
	if (k < 0)
		return;
	y = post->state[k];
	/* running mean: theta's initial value counts as the first sample (the
	 * seed's r_post(t_0) = 0), so after n steps theta is the mean of
	 * theta(0), r(t_1), ..., r(t_n); else an exponential average */
	a = j->param[P_TAU_THETA] > 0 ? j->derived[D_EMA]
				      : 1.0 / (j->derived[D_COUNT] + 2.0);
	j->derived[D_COUNT] += 1.0;
	for (uint32_t i = 0; i < j->n_post; i++)
		theta[i] += a * (y[i] - theta[i]);
	for (uint32_t p = 0; p < j->n_pre; p++) {
		const double xp = lr * x[p];
		for (uint64_t e = row[p]; e < row[p + 1]; e++) {
			const uint32_t i = pi[e];
			const double v = w[e] + xp * y[i] * (y[i] - theta[i]);
			w[e] = fmin(fmax(v, w_min), w_max);
		}
	}
}

static const struct soma__model_ops ops = {
	.state_size = state_size,
	.weight_unit = "",
	.rate_based = 1,
	.proj_prepare = bcm_prepare,
	.proj_current = bcm_current,
	.proj_advance = soma__rate_advance,
	.proj_plasticity = bcm_plasticity,
	.v_index = -1,
};

const soma_model soma__model_bcm = {
	.name = "bcm",
	.kind = SOMA_MODEL_SYNAPSE,
	.title = "BCM rule (rate-based plasticity with a sliding threshold)",
	.doc = "Weights w_ij (dimensionless) from rate units j onto rate units i\n"
	       "(model `rate`), transmitted without delay: each step adds\n"
	       "  sum_j w_ij r_j(t_n)\n"
	       "to the input I of post unit i, so r_i(t_{n+1}) = sum_j w_ij r_j(t_n)\n"
	       "plus whatever else the unit receives. After the step the weights\n"
	       "learn by the BCM rule\n"
	       "  dw_ij/dt = eta r_i (r_i - theta_i) r_j,\n"
	       "potentiation when the post rate is above the threshold theta_i,\n"
	       "depression below it, with r_i = r_i(t_{n+1}) the post rate just\n"
	       "made and r_j = r_j(t_n) the pre rate it was made from (state\n"
	       "r_pre, per pre unit). The threshold slides with the post rate,\n"
	       "its time average (state theta, per post unit), updated first:\n"
	       "with tau_theta = 0 (default, the seed's) the mean over the whole\n"
	       "run, theta(t_n) = (theta(0) + r_i(t_1) + ... + r_i(t_n))/(n + 1),\n"
	       "with theta(0) = 0 (the seed's r_post(t_0)); with tau_theta > 0\n"
	       "the exponential average dtheta/dt = (r_i - theta)/tau_theta,\n"
	       "advanced exactly over the step with r_i held. The weights take\n"
	       "one forward-Euler step of dt and are then clipped to\n"
	       "[w_min, w_max] (weights set outside are clipped at the first\n"
	       "update). The right-hand side does not depend on w, so the\n"
	       "seed's RK4 step is this Euler step.\n"
	       "Representation: the weights are the projection's synapses (CSR,\n"
	       "by pre unit); all_to_all gives the seed's dense matrix,\n"
	       "fixed_probability or one_to_one a sparse one. Requirements:\n"
	       "output current (the only one accepted), delay 0, and pre and\n"
	       "post populations with a rate r (the `rate` model); projections\n"
	       "from or to other populations are refused.\n"
	       "Where the seed contradicts itself: w_min is 0 in §2.2.2 and -1\n"
	       "in the appendix; soma takes 0 (the chapter, whose figure draws w\n"
	       "in [0, w_max]). The seed learns from the post rate of the\n"
	       "previous update with the pre rate of the current one and sends\n"
	       "the unclipped weights; soma pairs the rates that caused each\n"
	       "other and sends the clipped weights.",
	.source = "Bienenstock, Cooper & Munro (1982), J. Neurosci. 2:32-48; "
		  "Gerstner et al. (2014) Neuronal Dynamics §19.2; BrainModels "
		  "book §2.2.2 \"BCM rule\" and appendix \"Synaptic plasticity\" "
		  "(lr = 0.005, w = 0.5 initially, w in [0, 1], threshold the "
		  "mean post rate since t = 0)",
	.params = params,
	.n_params = sizeof(params) / sizeof(params[0]),
	.state = state,
	.n_state = sizeof(state) / sizeof(state[0]),
	.ops = &ops,
};
