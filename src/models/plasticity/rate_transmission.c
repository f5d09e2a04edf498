/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Transmission of firing rates through rate-based plasticity rules (Oja,
 * BCM): r_post += sum_j w_ij r_j, with the pre rates of t_n kept for the
 * rule of stage 8.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

int soma__rate_check(const struct soma__proj *j, const char *rule, char *err,
		     size_t len)
{
	if (j->output != SOMA_OUTPUT_CURRENT) {
		snprintf(err, len,
			 "%s transmits firing rates (r_post += sum_j w_ij r_j): "
			 "use output: current, not conductance", rule);
		return SOMA_EINVAL;
	}
	if (j->delay_ms != 0) {
		snprintf(err, len,
			 "delay %g ms: rates are transmitted without delay "
			 "(the post rate of t_{n+1} is made from the pre rates of "
			 "t_n); use delay 0", j->delay_ms);
		return SOMA_ERANGE;
	}
	return SOMA_OK;
}

void soma__rate_current(struct soma__proj *j, const struct soma__pop *pre,
			struct soma__pop *post, double *x)
{
	const int k = soma_model_state_index(pre->model, "r");

	if (k < 0) { /* refused at add_projection; nothing to transmit */
		memset(x, 0, j->n_pre * sizeof(double));
		return;
	}
	memcpy(x, pre->state[k], j->n_pre * sizeof(double));
	soma__syn_output_pre(j, x, 0.0, post);
}

void soma__rate_advance(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post, const double *arrive)
{
	(void)j;
	(void)pre;
	(void)post;
	(void)arrive;
}
