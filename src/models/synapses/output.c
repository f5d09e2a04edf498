/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output of synapse models whose current is linear in their state. */
#include <stdio.h>

#include "core/internal.h"

void soma__syn_output(const struct soma__proj *j, const double *s, double E,
		      struct soma__pop *post)
{
	const uint32_t n = j->n_post;
	double *restrict I = post->I, *restrict g = post->g;

	if (j->output == SOMA_OUTPUT_CONDUCTANCE) {
		/* I = s (E - V) = s E - s V: the neuron integrates I - g V */
		for (uint32_t i = 0; i < n; i++) {
			I[i] += s[i] * E;
			g[i] += s[i];
		}
	} else {
		for (uint32_t i = 0; i < n; i++)
			I[i] += s[i];
	}
}

void soma__syn_exp_advance(struct soma__proj *j, struct soma__pop *pre,
			   struct soma__pop *post, const double *arrive)
{
	(void)pre;
	(void)post;
	double *restrict s = j->state[0];
	const double decay = j->derived[0];

	for (uint32_t i = 0; i < j->n_post; i++)
		s[i] = s[i] * decay + arrive[i];
}

void soma__proj_gather(const struct soma__proj *j, const double *x,
		       double *out)
{
	const uint64_t *restrict row = j->row_ptr;
	const uint32_t *restrict post = j->post_idx;
	const double *restrict w = j->w;

	for (uint32_t i = 0; i < j->n_post; i++)
		out[i] = 0;
	for (uint32_t p = 0; p < j->n_pre; p++) {
		const double xp = x[p];
		if (xp == 0)
			continue;
		for (uint64_t e = row[p]; e < row[p + 1]; e++)
			out[post[e]] += w[e] * xp;
	}
}

void soma__syn_output_pre(struct soma__proj *j, const double *s_pre, double E,
			  struct soma__pop *post)
{
	soma__proj_gather(j, s_pre, j->scratch);
	soma__syn_output(j, j->scratch, E, post);
}

int soma__pulse_steps(double T_duration, double dt, uint64_t *n, char *err,
		      size_t len)
{
	*n = soma__steps(T_duration, dt);
	if (*n >= 1)
		return SOMA_OK;
	snprintf(err, len,
		 "T_duration = %g ms is less than half a step (dt = %g ms): "
		 "the transmitter pulse would last no step; use "
		 "T_duration >= dt or a smaller dt",
		 T_duration, dt);
	return SOMA_ERANGE;
}
