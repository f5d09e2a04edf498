/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soma models: the built-in models, read from their descriptors
 * (soma_model_count(), soma_model_at()), as readable text or as the markdown
 * table kept in README.md between <!-- models:begin --> and
 * <!-- models:end -->.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* "10 ms", "-65 mV", "0.5" (no unit), "inf ms" */
static void format_value(double v, const char *unit, char *buf, size_t len)
{
	if (v == 0.0)
		v = 0.0; /* no "-0" */
	if (unit && !strcmp(unit, SOMA_UNIT_WEIGHT))
		unit = "pA|nS"; /* the projection's weight unit */
	snprintf(buf, len, "%g%s%s", v, unit && unit[0] ? " " : "",
		 unit ? unit : "");
}

static int name_width(const soma_var_info *v, size_t n, int w)
{
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(v[i].name) > w)
			w = (int)strlen(v[i].name);
	return w;
}

/* Print @text with every line indented by @indent spaces. */
static void put_indented(const char *text, int indent)
{
	const char *s = text;

	while (*s) {
		const char *e = strchr(s, '\n');
		int n = e ? (int)(e - s) : (int)strlen(s);

		if (n > 0)
			printf("%*s%.*s\n", indent, "", n, s);
		else
			putchar('\n');
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void print_model(const soma_model *m, int with_doc)
{
	char def[64], range[96];
	int w = name_width(m->params, m->n_params, 9);

	w = name_width(m->state, m->n_state, w);
	printf("%s  %s  (%s model)\n", m->name, m->title ? m->title : "",
	       soma_model_kind_name(m->kind));
	if (m->source && m->source[0])
		printf("  source: %s\n", m->source);
	if (with_doc && m->doc && m->doc[0]) {
		printf("  equations and behaviour:\n");
		put_indented(m->doc, 4);
	}
	if (m->n_params) {
		printf("  %-*s  %-14s  %-22s  %s\n", w, "parameter", "default",
		       "valid range", "meaning");
		for (size_t i = 0; i < m->n_params; i++) {
			const soma_var_info *v = &m->params[i];

			format_value(v->def, v->unit, def, sizeof(def));
			soma_var_range_str(v, range, sizeof(range));
			printf("  %-*s  %-14s  %-22s  %s\n", w, v->name, def,
			       range, v->doc ? v->doc : "");
		}
	} else {
		printf("  no parameters\n");
	}
	if (m->n_state) {
		printf("  %-*s  %-14s  %-22s  %s\n", w, "state", "initial", "",
		       "meaning");
		for (size_t i = 0; i < m->n_state; i++) {
			const soma_var_info *v = &m->state[i];

			const char *where = soma_model_state_location(m, i);
			char loc[32] = "";

			if (v->def_param) /* starts at a parameter's value */
				snprintf(def, sizeof(def), "%s", v->def_param);
			else
				format_value(v->def, v->unit, def, sizeof(def));
			if (where)
				snprintf(loc, sizeof(loc), "one per %s%s", where,
					 strcmp(where, "synapse") ? " neuron" : "");
			printf("  %-*s  %-14s  %-22s  %s\n", w, v->name, def,
			       loc, v->doc ? v->doc : "");
		}
	}
	if (m->kind == SOMA_MODEL_SYNAPSE) {
		const char *uc = soma_model_weight_unit(m, SOMA_OUTPUT_CURRENT);
		const char *ug = soma_model_weight_unit(m, SOMA_OUTPUT_CONDUCTANCE);
		int cond = soma_model_default_output(m) == SOMA_OUTPUT_CONDUCTANCE;

		if (!strcmp(uc, ug))
			printf("  weights  %s\n", uc[0] ? uc : "dimensionless");
		else if (cond)
			printf("  weights  %s (output: conductance, the default) or %s (output: current)\n",
			       ug, uc);
		else
			printf("  weights  %s (output: current, the default) or %s (output: conductance)\n",
			       uc, ug);
	}
	if (soma_model_default_method(m) != SOMA_METHOD_DEFAULT) {
		printf("  input   ");
		for (size_t k = 0; k < soma_model_input_count(m); k++) {
			const soma_var_info *in = soma_model_input(m, k);
			printf("%s%s%s%s%s", k ? ", " : " ", in->name,
			       in->unit[0] ? " (" : "", in->unit,
			       in->unit[0] ? ")" : "");
		}
		printf("\n  method   %s (default); also", 
		       soma_method_name(soma_model_default_method(m)));
		for (int k = 1; k < SOMA_METHOD_COUNT; k++)
			if (k != (int)soma_model_default_method(m))
				printf(" %s", soma_method_name((soma_method)k));
		printf("\n");
	}
}

/* Text in a markdown table cell: no line breaks, '|' escaped, no HTML. */
static void put_cell(const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|':
			fputs("\\|", stdout);
			break;
		case '\n':
		case '\r':
		case '\t':
			putchar(' ');
			break;
		case '*':
			fputs("\\*", stdout);
			break;
		case '<':
			fputs("&lt;", stdout);
			break;
		case '>':
			fputs("&gt;", stdout);
			break;
		default:
			putchar(*s);
		}
	}
}

static void print_markdown(void)
{
	size_t n = soma_model_count();
	char def[64];

	printf("| Model | Kind | Title | Parameters (default and unit) | Source |\n");
	printf("|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const soma_model *m = soma_model_at(i);

		if (!m)
			continue;
		printf("| `%s` | %s | ", m->name, soma_model_kind_name(m->kind));
		put_cell(m->title);
		fputs(" | ", stdout);
		for (size_t k = 0; k < m->n_params; k++) {
			const soma_var_info *v = &m->params[k];

			format_value(v->def, v->unit, def, sizeof(def));
			printf("%s`%s` = ", k ? "<br>" : "", v->name);
			put_cell(def);
		}
		if (m->n_params == 0)
			fputs("none", stdout);
		fputs(" | ", stdout);
		put_cell(m->source);
		fputs(" |\n", stdout);
	}
}

static void list_names(FILE *f)
{
	size_t n = soma_model_count();

	for (size_t i = 0; i < n; i++) {
		const soma_model *m = soma_model_at(i);

		if (m)
			fprintf(f, "%s%s", i ? ", " : "", m->name);
	}
}

int cli_models(int markdown, char *const *names, int n_names)
{
	size_t n = soma_model_count();

	for (int i = 0; i < n_names; i++) {
		if (!soma_model_find(names[i])) {
			fprintf(stderr, "soma: unknown model '%s'; the built-in models are: ",
				names[i]);
			list_names(stderr);
			fputc('\n', stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (markdown) {
		if (n_names > 0) {
			fprintf(stderr, "soma: --markdown lists every model; give no NAME\n");
			return CLI_EXIT_USAGE;
		}
		print_markdown();
		return CLI_EXIT_OK;
	}
	if (n_names > 0) {
		for (int i = 0; i < n_names; i++) {
			if (i)
				putchar('\n');
			print_model(soma_model_find(names[i]), 1);
		}
		return CLI_EXIT_OK;
	}
	printf("%zu built-in models (soma models NAME shows a model's equations; "
	       "units are soma's: ms, mV, nS, pA, pF, GOhm, Hz):\n", n);
	for (size_t i = 0; i < n; i++) {
		const soma_model *m = soma_model_at(i);

		if (!m)
			continue;
		putchar('\n');
		print_model(m, 0);
	}
	return CLI_EXIT_OK;
}
