/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every built-in model descriptor is complete and consistent: documented
 * (title, equations, source), each parameter and state variable with a unit,
 * a meaning and a default inside its own valid range; every integrated
 * neuron model's right-hand side is finite at its default state, and the
 * diagonal it gives exponential Euler (df_k/dy_k) equals a central finite
 * difference of its own right-hand side at several states.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/internal.h"

static void check_vars(const soma_model *m, const soma_var_info *v, size_t n,
		       const char *what)
{
	for (size_t k = 0; k < n; k++) {
		if (!v[k].name || !v[k].name[0] || !v[k].unit || !v[k].doc ||
		    !v[k].doc[0])
			fail_msg("%s: %s %zu lacks a name, unit or meaning", m->name,
				 what, k);
		if (strcmp(v[k].unit, SOMA_UNIT_WEIGHT) &&
		    !soma_unit_dimension(v[k].unit))
			fail_msg("%s: %s %s: unit '%s' is not one soma parses",
				 m->name, what, v[k].name, v[k].unit);
		if (!v[k].def_param && !soma_var_in_range(&v[k], v[k].def))
			fail_msg("%s: %s %s: default %g outside its range", m->name,
				 what, v[k].name, v[k].def);
		if (v[k].def_param && soma_model_param_index(m, v[k].def_param) < 0)
			fail_msg("%s: %s %s starts at unknown parameter %s", m->name,
				 what, v[k].name, v[k].def_param);
	}
}

static void test_descriptors(void **state)
{
	(void)state;
	assert_true(soma_model_count() >= 14);
	for (size_t i = 0; i < soma_model_count(); i++) {
		const soma_model *m = soma_model_at(i);

		assert_non_null(m);
		if (!m->title || !m->title[0] || !m->doc || !m->doc[0] ||
		    !m->source || !m->source[0] || !m->ops)
			fail_msg("%s: title, doc, source or kernels missing", m->name);
		if (strstr(m->title, "not yet available"))
			fail_msg("%s is still a placeholder", m->name);
		assert_ptr_equal(soma_model_find(m->name), m);
		check_vars(m, m->params, m->n_params, "parameter");
		check_vars(m, m->state, m->n_state, "state variable");
		if (m->kind == SOMA_MODEL_NEURON) {
			soma_method d = soma_model_default_method(m);
			if (!m->ops->rhs && !m->ops->pop_update)
				fail_msg("%s: a neuron model with no kernels", m->name);
			if (m->ops->rhs && (d == SOMA_METHOD_DEFAULT ||
					    !soma_method_name(d)))
				fail_msg("%s: no valid default method", m->name);
			assert_true(soma_model_input_count(m) >= 1);
			if (m->inputs)
				check_vars(m, m->inputs, m->n_inputs, "input");
		}
		if (m->kind == SOMA_MODEL_SYNAPSE &&
		    (!m->ops->proj_prepare || !m->ops->proj_current ||
		     !m->ops->proj_advance))
			fail_msg("%s: a synapse model with missing kernels", m->name);
	}
}

/* One neuron of @m as a population of one, for calling its kernels. */
struct one {
	struct soma__pop p;
	double param[64];
	double in[8], g;
	const double *inp[8];
	int32_t ref;
};

static int one_init(struct one *o, const soma_model *m)
{
	char err[256];

	memset(o, 0, sizeof(*o));
	o->p.model = m;
	o->p.n = 1;
	o->p.param = o->param;
	o->p.ref = &o->ref;
	o->p.method = SOMA_METHOD_EXP_EULER;
	for (size_t k = 0; k < m->n_params; k++)
		o->param[k] = m->params[k].def;
	for (int k = 0; k < 8; k++)
		o->inp[k] = &o->in[k];
	return m->ops->pop_prepare ? m->ops->pop_prepare(&o->p, 0.01, err, sizeof(err))
				   : 0;
}

static void eval(struct one *o, const double *y, double *f, double *diag)
{
	const soma_model *m = o->p.model;
	double ys[32], fs[32], ds[32];
	double *yp[32], *fp[32], *dp[32];
	struct soma__blk b = { 0, 1, o->inp, &o->g };

	for (size_t k = 0; k < m->n_state; k++) {
		ys[k] = y[k];
		yp[k] = &ys[k];
		fp[k] = &fs[k];
		dp[k] = &ds[k];
		fs[k] = ds[k] = NAN;
	}
	m->ops->rhs(&o->p, &b, (const double *const *)yp, fp, diag ? dp : NULL);
	for (size_t k = 0; k < m->n_state; k++) {
		f[k] = fs[k];
		if (diag)
			diag[k] = ds[k];
	}
}

static void test_diagonal(void **state)
{
	(void)state;
	for (size_t i = 0; i < soma_model_count(); i++) {
		const soma_model *m = soma_model_at(i);
		struct one o;
		int n_ode;

		if (m->kind != SOMA_MODEL_NEURON || !m->ops->rhs)
			continue;
		assert_int_equal(one_init(&o, m), 0);
		n_ode = m->ops->n_ode ? m->ops->n_ode : (int)m->n_state;
		/* default state, then moved by a few percent, with and without
		 * input and input conductance */
		for (int trial = 0; trial < 3; trial++) {
			double y[32], f[32], diag[32], fp[32], fm[32];

			for (size_t k = 0; k < m->n_state; k++) {
				const soma_var_info *v = &m->state[k];
				double d = v->def_param
						   ? o.param[soma_model_param_index(m, v->def_param)]
						   : v->def;
				y[k] = d + trial * 0.03 * (fabs(d) + 0.1) * (k % 2 ? -1 : 1);
			}
			for (int c = 0; c < 8; c++)
				o.in[c] = trial * 0.3;
			o.g = trial == 2 ? 0.5 : 0.0;
			eval(&o, y, f, diag);
			for (int k = 0; k < n_ode; k++) {
				double h = 1e-6 * fmax(fabs(y[k]), 1.0), yk = y[k], fd;

				if (!isfinite(f[k]))
					fail_msg("%s: d%s/dt not finite at trial %d", m->name,
						 m->state[k].name, trial);
				y[k] = yk + h;
				eval(&o, y, fp, NULL);
				y[k] = yk - h;
				eval(&o, y, fm, NULL);
				y[k] = yk;
				fd = (fp[k] - fm[k]) / (2 * h);
				if (!(fabs(diag[k] - fd) <= 1e-5 * fabs(fd) + 1e-7))
					fail_msg("%s: d(d%s/dt)/d%s = %.10g, finite difference %.10g (trial %d)",
						 m->name, m->state[k].name,
						 m->state[k].name, diag[k], fd, trial);
			}
		}
	}
}

/* A model's fused Euler kernel gives bit for bit what its right-hand side,
 * the generic Euler step and its spike rule give: two identical populations
 * with input current and conductance, spikes and refractoriness. */
static void test_fused_euler(void **state)
{
	(void)state;
	for (size_t i = 0; i < soma_model_count(); i++) {
		const soma_model *m = soma_model_at(i);
		soma_network *net;
		double I[] = { 25, 0, 40, -5 }, d[] = { 30, 5, 40, INFINITY };
		const int n_steps = 2000;
		uint64_t spikes[2] = { 0, 0 };
		int a, b;

		if (m->kind != SOMA_MODEL_NEURON || !m->ops->euler_update)
			continue;
		assert_int_equal(soma_network_create(0.1, 3, &net), SOMA_OK);
		assert_int_equal(soma_network_add_population(net, "A", m->name, 50, &a), SOMA_OK);
		assert_int_equal(soma_network_add_population(net, "B", m->name, 50, &b), SOMA_OK);
		for (int p = a; p <= b; p++) {
			/* all-to-all: the same synapses in both (drawn ones
			 * would come from different streams) */
			soma_projection_spec spec = {
				.name = p == a ? "A2A" : "B2B", .pre = p, .post = p,
				.synapse = "exponential", .output = SOMA_OUTPUT_CONDUCTANCE,
				.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
				.weight = soma_dist_constant(0.05), .delay_ms = 0.5,
			};
			assert_int_equal(soma_network_add_current(net, p, NULL, 0, I, d, 4, NULL), SOMA_OK);
			assert_int_equal(soma_network_add_projection(net, &spec, NULL), SOMA_OK);
			assert_int_equal(soma_population_set_method(net, p, SOMA_METHOD_EULER), SOMA_OK);
		}
		net->pops[b]->generic_only = 1;
		for (int s = 0; s < n_steps; s++) {
			const double *Va, *Vb;
			assert_int_equal(soma_network_run(net, 1), SOMA_OK);
			for (size_t k = 0; k < m->n_state; k++) {
				assert_int_equal(soma_population_state(net, a, m->state[k].name, &Va), SOMA_OK);
				assert_int_equal(soma_population_state(net, b, m->state[k].name, &Vb), SOMA_OK);
				assert_memory_equal(Va, Vb, 50 * sizeof(double));
			}
		}
		spikes[0] = soma_population_spike_count(net, a);
		spikes[1] = soma_population_spike_count(net, b);
		assert_true(spikes[0] > 50); /* the comparison covered spikes */
		assert_true(spikes[0] == spikes[1]);
		soma_network_destroy(net);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_diagonal),
		cmocka_unit_test(test_fused_euler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
