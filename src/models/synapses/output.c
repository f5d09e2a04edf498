/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output of synapse models whose current is linear in their state. */
#include "core/internal.h"

void soma__syn_output(const struct soma__proj *j, const double *s, double E,
		      double *I, double *g)
{
	const uint32_t n = j->n_post;

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

void soma__syn_exp_advance(struct soma__proj *j, const double *arrive)
{
	double *restrict s = j->state[0];
	const double decay = j->derived[0];

	for (uint32_t i = 0; i < j->n_post; i++)
		s[i] = s[i] * decay + arrive[i];
}
