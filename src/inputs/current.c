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
	free(in->slope);
	free(in->begin);
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
	in->begin = malloc(n_segments * sizeof(uint64_t));
	if (!in->value || !in->end || !in->begin)
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
		in->begin[k] = k ? in->end[k - 1] : 0;
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
		double *I = net->pops[in->pop]->in[in->channel];
		double v;

		while (in->cursor < in->n_seg && step >= in->end[in->cursor])
			in->cursor++;
		if (in->cursor == in->n_seg)
			continue;
		v = in->value[in->cursor];
		if (in->slope)
			v += in->slope[in->cursor] *
			     (double)(step - in->begin[in->cursor]);
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

static struct soma__input *get_input(soma_network *net, int input)
{
	if (input < 0 || input >= net->n_inputs) {
		soma__seterr(net, SOMA_ENOENT, "no input with index %d", input);
		return NULL;
	}
	if (net->started) {
		soma__seterr(net, SOMA_ESTATE,
			     "input %d: inputs cannot change after the first step", input);
		return NULL;
	}
	return net->inputs[input];
}

int soma_input_set_ramp(soma_network *net, int input, size_t segment,
			double end_value)
{
	struct soma__input *in;
	uint64_t len;

	if (!net)
		return SOMA_EINVAL;
	in = get_input(net, input);
	if (!in)
		return net->started ? SOMA_ESTATE : SOMA_ENOENT;
	if (segment >= in->n_seg)
		return soma__seterr(net, SOMA_ENOENT,
				    "input %d has no segment %zu (it has %zu)", input,
				    segment, in->n_seg);
	if (!isfinite(end_value) || in->end[segment] == UINT64_MAX)
		return soma__seterr(net, SOMA_ERANGE,
				    "input %d segment %zu: a ramp needs a finite end value and a finite duration",
				    input, segment);
	if (!in->slope) {
		in->slope = calloc(in->n_seg, sizeof(double));
		if (!in->slope)
			return soma__seterr(net, SOMA_ENOMEM, "input: out of memory");
	}
	len = in->end[segment] - in->begin[segment];
	in->slope[segment] = len ? (end_value - in->value[segment]) / (double)len : 0;
	return SOMA_OK;
}

int soma_input_set_channel(soma_network *net, int input, const char *channel)
{
	struct soma__input *in;
	const struct soma__pop *p;
	int k;

	if (!net || !channel)
		return SOMA_EINVAL;
	in = get_input(net, input);
	if (!in)
		return net->started ? SOMA_ESTATE : SOMA_ENOENT;
	p = net->pops[in->pop];
	k = soma_model_input_index(p->model, channel);
	if (k < 0) {
		char list[256] = "";
		size_t used = 0;
		for (size_t c = 0; c < soma_model_input_count(p->model) &&
				   used < sizeof(list) - 1; c++)
			used += (size_t)snprintf(list + used, sizeof(list) - used,
						 "%s%s", c ? ", " : "",
						 soma_model_input(p->model, c)->name);
		return soma__seterr(net, SOMA_ENOENT,
				    "population '%s' (model '%s') has no input channel '%s'; it has: %s",
				    p->name, p->model->name, channel, list);
	}
	in->channel = k;
	return SOMA_OK;
}
