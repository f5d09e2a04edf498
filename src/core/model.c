/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The built-in model registry and descriptor helpers (model.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* Every built-in model, in the order `soma models` lists them. Adding a
 * model: write src/models/<kind>/<name>.c exporting a descriptor, declare it
 * in internal.h, list it here. */
static const soma_model *const registry[] = {
	&soma__model_lif,
	&soma__model_hh,
	&soma__model_quaif,
	&soma__model_expif,
	&soma__model_adexif,
	&soma__model_hindmarsh_rose,
	&soma__model_gif,
	&soma__model_wilson_cowan,
	&soma__model_wong_wang,
	&soma__model_izhikevich,
	&soma__model_morris_lecar,
	&soma__model_fitzhugh_nagumo,
	&soma__model_rate,
	&soma__model_poisson,
	&soma__model_exponential,
	&soma__model_dual_exponential,
	&soma__model_alpha,
	&soma__model_gaba_a,
	&soma__model_ampa,
	&soma__model_nmda,
	&soma__model_gaba_b,
	&soma__model_voltage_jump,
	&soma__model_gap_junction,
	&soma__model_stp,
	&soma__model_stdp,
	&soma__model_oja,
	&soma__model_bcm,
};

size_t soma_model_count(void)
{
	return sizeof(registry) / sizeof(registry[0]);
}

const soma_model *soma_model_at(size_t i)
{
	return i < soma_model_count() ? registry[i] : NULL;
}

const soma_model *soma_model_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < soma_model_count(); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

static const soma_var_info current_input = {
	"I", "pA", 0.0, -INFINITY, INFINITY, 0, "input current", NULL
};

size_t soma_model_input_count(const soma_model *m)
{
	if (!m || m->kind != SOMA_MODEL_NEURON)
		return 0;
	return m->inputs ? m->n_inputs : 1;
}

const soma_var_info *soma_model_input(const soma_model *m, size_t k)
{
	if (k >= soma_model_input_count(m))
		return NULL;
	return m->inputs ? &m->inputs[k] : &current_input;
}

static int var_index(const soma_var_info *v, size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (int)i;
	return -1;
}

int soma_model_param_index(const soma_model *m, const char *name)
{
	return m ? var_index(m->params, m->n_params, name) : -1;
}

int soma_model_input_index(const soma_model *m, const char *name)
{
	if (!m || !name)
		return -1;
	for (size_t k = 0; k < soma_model_input_count(m); k++)
		if (strcmp(soma_model_input(m, k)->name, name) == 0)
			return (int)k;
	return -1;
}

int soma_model_default_output(const soma_model *m)
{
	if (!m || m->kind != SOMA_MODEL_SYNAPSE)
		return -1;
	return m->ops ? m->ops->default_output : 0;
}

const char *soma_model_state_location(const soma_model *m, size_t k)
{
	if (!m || m->kind != SOMA_MODEL_SYNAPSE || k >= m->n_state)
		return NULL;
	switch (m->ops && m->ops->state_size ? m->ops->state_size[k] : SOMA__PER_POST) {
	case SOMA__PER_PRE:
		return "pre";
	case SOMA__PER_SYN:
		return "synapse";
	default:
		return "post";
	}
}

int soma_model_state_index(const soma_model *m, const char *name)
{
	return m ? var_index(m->state, m->n_state, name) : -1;
}

int soma_var_in_range(const soma_var_info *v, double x)
{
	if (!isfinite(x)) /* every parameter and state value is finite */
		return 0;
	if (x < v->min || ((v->flags & SOMA_VAR_MIN_OPEN) && x == v->min))
		return 0;
	if (x > v->max || ((v->flags & SOMA_VAR_MAX_OPEN) && x == v->max))
		return 0;
	if ((v->flags & SOMA_VAR_INTEGER) && x != floor(x))
		return 0;
	return 1;
}

static void fmt_bound(char *buf, size_t len, double x)
{
	if (isinf(x))
		snprintf(buf, len, "%sinf", x < 0 ? "-" : "");
	else
		snprintf(buf, len, "%g", x);
}

char *soma_var_range_str(const soma_var_info *v, char *buf, size_t len)
{
	char lo[32], hi[32];
	int lo_open = (v->flags & SOMA_VAR_MIN_OPEN) || isinf(v->min);
	int hi_open = (v->flags & SOMA_VAR_MAX_OPEN) || isinf(v->max);
	const char *unit = v->unit ? v->unit : "";

	if (strcmp(unit, SOMA_UNIT_WEIGHT) == 0)
		unit = "pA or nS";
	fmt_bound(lo, sizeof(lo), v->min);
	fmt_bound(hi, sizeof(hi), v->max);
	snprintf(buf, len, "%c%s, %s%c%s%s%s", lo_open ? '(' : '[', lo, hi,
		 hi_open ? ')' : ']', *unit ? " " : "", unit,
		 (v->flags & SOMA_VAR_INTEGER) ? ", integer" : "");
	return buf;
}

const char *soma_model_kind_name(soma_model_kind kind)
{
	switch (kind) {
	case SOMA_MODEL_NEURON:
		return "neuron";
	case SOMA_MODEL_SOURCE:
		return "source";
	case SOMA_MODEL_SYNAPSE:
		return "synapse";
	}
	return "unknown";
}
