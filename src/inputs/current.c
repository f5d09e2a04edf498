/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Piecewise-constant current inputs (the seed's bp.inputs.constant_current). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/internal.h"

void soma__input_free(struct soma__input *in)
{
	if (!in)
		return;
	free(in->neurons);
	free(in->value);
	free(in->end);
	free(in);
}

int soma_network_add_current(soma_network *net, int pop,
			     const uint32_t *neurons, uint32_t n_neurons,
			     const double *values, const double *durations,
			     size_t n_segments, int *out_id)
{
	struct soma__input *in;
	uint32_t size;
	double t = 0;

	if (!net)
		return SOMA_EINVAL;
	if (pop < 0 || pop >= net->n_pops)
		return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
	size = net->pops[pop]->n;
	if (net->pops[pop]->model->kind != SOMA_MODEL_NEURON)
		return soma__seterr(net, SOMA_EINVAL,
				    "input to '%s': a %s population takes no input current",
				    net->pops[pop]->name,
				    soma_model_kind_name(net->pops[pop]->model->kind));
	if (n_segments == 0 || !values || !durations)
		return soma__seterr(net, SOMA_EINVAL,
				    "input to '%s': no segments given",
				    net->pops[pop]->name);
	{
		char what[300];
		int rc;

		snprintf(what, sizeof(what), "input to '%s'", net->pops[pop]->name);
		rc = soma__check_indices(net, what, neurons, n_neurons, size);
		if (rc)
			return rc;
	}
	for (size_t k = 0; k < n_segments; k++) {
		int last_forever = k == n_segments - 1 && isinf(durations[k]) &&
				   durations[k] > 0;
		if (!isfinite(values[k]))
			return soma__seterr(net, SOMA_ERANGE,
					    "input to '%s': segment %zu: value %g is not finite",
					    net->pops[pop]->name, k, values[k]);
		if (!(durations[k] >= 0) || (!isfinite(durations[k]) && !last_forever))
			return soma__seterr(net, SOMA_ERANGE,
					    "input to '%s': segment %zu: duration %g ms must be finite and >= 0 (only the last may be infinite)",
					    net->pops[pop]->name, k, durations[k]);
	}

	in = calloc(1, sizeof(*in));
	if (!in)
		goto nomem;
	in->pop = pop;
	in->n_seg = n_segments;
	in->value = malloc(n_segments * sizeof(double));
	in->end = malloc(n_segments * sizeof(uint64_t));
	if (!in->value || !in->end)
		goto nomem;
	if (n_neurons) {
		in->neurons = malloc(n_neurons * sizeof(uint32_t));
		if (!in->neurons)
			goto nomem;
		for (uint32_t k = 0; k < n_neurons; k++)
			in->neurons[k] = neurons[k];
		in->n_neurons = n_neurons;
	}
	for (size_t k = 0; k < n_segments; k++) {
		in->value[k] = values[k];
		t += durations[k];
		in->end[k] = isinf(t) ? UINT64_MAX : soma__steps(t, net->dt);
	}
	if (soma__grow((void **)&net->inputs, net->n_inputs, sizeof(*net->inputs)))
		goto nomem;
	net->inputs[net->n_inputs] = in;
	if (out_id)
		*out_id = net->n_inputs;
	net->n_inputs++;
	return SOMA_OK;
nomem:
	soma__input_free(in);
	return soma__seterr(net, SOMA_ENOMEM, "input: out of memory");
}

/* Stage 1 of step @step: add each input's value at t_step. */
void soma__inputs_apply(soma_network *net, uint64_t step)
{
	for (int k = 0; k < net->n_inputs; k++) {
		struct soma__input *in = net->inputs[k];
		double *I = net->pops[in->pop]->I;
		double v;

		while (in->cursor < in->n_seg && step >= in->end[in->cursor])
			in->cursor++;
		if (in->cursor == in->n_seg)
			continue;
		v = in->value[in->cursor];
		if (v == 0)
			continue;
		if (in->neurons)
			for (uint32_t q = 0; q < in->n_neurons; q++)
				I[in->neurons[q]] += v;
		else
			for (uint32_t i = 0, n = net->pops[in->pop]->n; i < n; i++)
				I[i] += v;
	}
}
