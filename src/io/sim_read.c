/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sections of a model file (docs/model-file.md), checked against the
 * model descriptors and built into a network through the public API.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "soma/integrator.h"
#include "soma/monitor.h"
#include "soma/status.h"
#include "io/sim_internal.h"

/* Ranges of the file's own values, in the form of the model descriptors so
 * that checks and messages are those of model parameters. */
static const soma_var_info v_dt = {
	.name = "dt", .unit = "ms", .def = 0.1, .min = 0.0, .max = INFINITY,
	.flags = SOMA_VAR_MIN_OPEN | SOMA_VAR_MAX_OPEN, .doc = "step"
};
static const soma_var_info v_duration = {
	.name = "duration", .unit = "ms", .def = 0.0, .min = 0.0,
	.max = INFINITY, .flags = SOMA_VAR_MAX_OPEN, .doc = "simulated time"
};
static const soma_var_info v_delay = {
	.name = "delay", .unit = "ms", .def = 0.0, .min = 0.0, .max = INFINITY,
	.flags = SOMA_VAR_MAX_OPEN, .doc = "delay"
};
static const soma_var_info v_p = {
	.name = "p", .unit = "", .def = 0.1, .min = 0.0, .max = 1.0,
	.flags = 0, .doc = "connection probability"
};
static const soma_var_info v_rate_window = {
	.name = "rate_window", .unit = "ms", .def = 5.0, .min = 0.0,
	.max = INFINITY, .flags = SOMA_VAR_MIN_OPEN | SOMA_VAR_MAX_OPEN,
	.doc = "rate window"
};
static const soma_var_info v_seg_duration = {
	.name = "duration", .unit = "ms", .def = 0.0, .min = 0.0,
	.max = INFINITY, .flags = 0, .doc = "segment duration"
};
static const soma_var_info v_weight = {
	.name = "weight", .unit = "pA", .def = 0.0, .min = -INFINITY,
	.max = INFINITY, .flags = SOMA_VAR_MIN_OPEN | SOMA_VAR_MAX_OPEN,
	.doc = "synaptic weight"
};

#define DEFAULT_SEED 1
#define DEFAULT_RATE_WINDOW 5.0 /* ms, as the seed's firing_rate(spikes, 5.) */
/* Prefix the network's last message with the position of @at. */
static int net_err(struct soma__yctx *c, soma_network *net, struct fy_node *at,
		   struct fy_node *alt, int rc)
{
	return soma__yerr(c, at, alt, rc, "%s",
			  net ? soma_network_errmsg(net) : soma_strerror(rc));
}

/* Longest delay the network takes, in steps. */
#define MAX_DELAY_STEPS (UINT64_C(1) << 24)

/*
 * soma_network_prepare() right after population or projection @name (kind
 * "population" or "projection") is complete, so that what it finds wrong
 * (e.g. a Poisson rate*dt >= 1) is reported at that population or projection:
 * at its params (pair @params) when given, else at its name @key. Earlier
 * ones passed this check, so a failure is this one's. The network's
 * "population 'NAME': " prefix is dropped: the key path names it.
 */
static int prepare_at(struct soma__yctx *c, soma_network *net,
		      const char *kind, const char *name, struct fy_node *key,
		      struct fy_node_pair *params)
{
	char prefix[320];
	const char *msg;
	size_t old, n;
	int rc;

	rc = soma_network_prepare(net);
	if (!rc)
		return SOMA_OK;
	msg = soma_network_errmsg(net);
	n = (size_t)snprintf(prefix, sizeof(prefix), "%s '%s': ", kind, name);
	if (n < sizeof(prefix) && !strncmp(msg, prefix, n))
		msg += n;
	if (!params)
		return soma__yerr(c, key, NULL, rc, "%s", msg);
	old = soma__ypush(c, "params");
	rc = soma__yerr(c, PV(params), PK(params), rc, "%s", msg);
	soma__ypop(c, old);
	return rc;
}

/* [A-Za-z_][A-Za-z0-9_]*, the rule of population and projection names. */
static int valid_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/* A population name, looked up in @net, with a did-you-mean when unknown. */
/* The population (@proj 0) or projection (@proj 1) named by @val. */
static int get_named(struct soma__yctx *c, soma_network *net,
		     struct fy_node *key, struct fy_node *val, int proj,
		     int *out)
{
	const char *what = proj ? "projection" : "population";
	char list[512] = "", sugg[128], desc[32];
	struct soma__ysugg s;
	const char *name;
	int i, n, rc;

	snprintf(desc, sizeof(desc), "a %s name", what);
	rc = soma__yscalar(c, key, val, desc, &name);
	if (rc)
		return rc;
	if ((proj ? soma_projection_find(net, name, out)
		  : soma_population_find(net, name, out)) == SOMA_OK)
		return SOMA_OK;
	soma__ysugg_init(&s);
	n = proj ? soma_network_projection_count(net)
		 : soma_network_population_count(net);
	for (i = 0; i < n; i++) {
		const char *ni = proj ? soma_projection_name(net, i)
				      : soma_population_name(net, i);
		soma__ysugg_add(&s, name, ni);
		soma__ylist_add(list, sizeof(list), ni);
	}
	if (s.best)
		return soma__yerr(c, val, key, SOMA_ENOENT, "unknown %s '%s'%s",
				  what, name,
				  soma__ysugg_str(&s, sugg, sizeof(sugg)));
	return soma__yerr(c, val, key, SOMA_ENOENT,
			  "unknown %s '%s': expected one of %s", what, name,
			  n ? list : "(none: the file has no projections)");
}

static int get_population(struct soma__yctx *c, soma_network *net,
			  struct fy_node *key, struct fy_node *val, int *out)
{
	return get_named(c, net, key, val, 0, out);
}

static int get_projection(struct soma__yctx *c, soma_network *net,
			  struct fy_node *key, struct fy_node *val, int *out)
{
	return get_named(c, net, key, val, 1, out);
}

/* A model name of one of the kinds in @kinds (bit 1 << kind). */
static int get_model(struct soma__yctx *c, struct fy_node *key,
		     struct fy_node *val, unsigned kinds, const char *what,
		     const soma_model **out)
{
	char list[512] = "", sugg[128];
	struct soma__ysugg s;
	const soma_model *m;
	const char *name;
	size_t i;
	int rc;

	rc = soma__yscalar(c, key, val, what, &name);
	if (rc)
		return rc;
	m = soma_model_find(name);
	if (m && (kinds & (1u << m->kind))) {
		*out = m;
		return SOMA_OK;
	}
	if (m)
		return soma__yerr(c, val, key, SOMA_EINVAL,
				  "model '%s' is a %s model, expected %s", name,
				  soma_model_kind_name(m->kind), what);
	soma__ysugg_init(&s);
	for (i = 0; i < soma_model_count(); i++) {
		const soma_model *mi = soma_model_at(i);

		if (!(kinds & (1u << mi->kind)))
			continue;
		soma__ysugg_add(&s, name, mi->name);
		soma__ylist_add(list, sizeof(list), mi->name);
	}
	if (s.best)
		return soma__yerr(c, val, key, SOMA_ENOENT,
				  "unknown model '%s'%s", name,
				  soma__ysugg_str(&s, sugg, sizeof(sugg)));
	return soma__yerr(c, val, key, SOMA_ENOENT,
			  "unknown model '%s': expected %s (one of %s)", name,
			  what, list);
}

/* Variable @name of @vars (@n of them, "parameter"/"state variable" @what). */
static int get_var(struct soma__yctx *c, struct fy_node *key,
		   const soma_model *m, const soma_var_info *vars, size_t n,
		   const char *name, const char *what, int *out)
{
	char list[512] = "", sugg[128];
	struct soma__ysugg s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(vars[i].name, name)) {
			*out = (int)i;
			return SOMA_OK;
		}
	}
	soma__ysugg_init(&s);
	for (i = 0; i < n; i++) {
		soma__ysugg_add(&s, name, vars[i].name);
		soma__ylist_add(list, sizeof(list), vars[i].name);
	}
	if (s.best)
		return soma__yerr(c, key, NULL, SOMA_ENOENT,
				  "model '%s' has no %s '%s'%s", m->name, what,
				  name, soma__ysugg_str(&s, sugg, sizeof(sugg)));
	if (!n)
		return soma__yerr(c, key, NULL, SOMA_ENOENT,
				  "model '%s' has no %ss", m->name, what);
	return soma__yerr(c, key, NULL, SOMA_ENOENT,
			  "model '%s' has no %s '%s': expected one of %s",
			  m->name, what, name, list);
}

/*
 * Neuron indices: a list of integers in [0, size), or `all` when @allow_all
 * (then *out is NULL and *n 0). The list is malloc'ed.
 */
static int get_index_list(struct soma__yctx *c, struct fy_node *key,
			  struct fy_node *val, uint32_t size, const char *item_name,
			  const char *of, uint32_t **out, uint32_t *n)
{
	struct fy_node *item;
	void *it = NULL;
	char what[256], buf[64];
	uint32_t *idx;
	size_t i = 0, cnt;

	*out = NULL;
	*n = 0;
	if (fy_node_is_scalar(val) && !soma__yis_null(val) &&
	    !strcmp(soma__ytext(val), "all"))
		return SOMA_OK;
	if (!fy_node_is_sequence(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected a list of neuron indices or all",
				  soma__ydescribe(val, buf, sizeof(buf)));
	cnt = (size_t)fy_node_sequence_item_count(val);
	if (!cnt)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "empty list: expected at least one neuron index, or all");
	if (size == 0)
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "%s: there is nothing to index", of);
	if (cnt > size)
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "%zu indices for %s", cnt, of);
	idx = malloc(cnt * sizeof(*idx));
	if (!idx)
		return soma__yerr(c, val, key, SOMA_ENOMEM, "out of memory");
	snprintf(what, sizeof(what), "%s of %s", item_name, of);
	while ((item = fy_node_sequence_iterate(val, &it))) {
		size_t old = soma__ypush_index(c, i);
		uint64_t x;
		int rc = soma__yuint(c, val, item, 0, size - 1, what, &x);

		soma__ypop(c, old);
		if (rc) {
			free(idx);
			return rc;
		}
		idx[i++] = (uint32_t)x;
	}
	*out = idx;
	*n = (uint32_t)i;
	return SOMA_OK;
}

static int get_indices(struct soma__yctx *c, soma_network *net, int pop,
		       struct fy_node *key, struct fy_node *val,
		       uint32_t **out, uint32_t *n)
{
	char of[256];
	uint32_t size = soma_population_size(net, pop);

	snprintf(of, sizeof(of), "population '%s' of %" PRIu32 " neurons",
		 soma_population_name(net, pop), size);
	return get_index_list(c, key, val, size, "a neuron index", of, out, n);
}

/* ---- simulation ---------------------------------------------------------- */

static int read_simulation(struct soma__yctx *c, struct fy_node *key,
			   struct fy_node *val, soma_sim *sim,
			   soma_network **net)
{
	static const char *const keys[] = { "dt", "duration", "seed", NULL };
	struct fy_node_pair *p_dt, *p_dur, *p_seed;
	uint64_t seed = DEFAULT_SEED;
	size_t old;
	double dt;
	int rc;

	old = soma__ypush(c, "simulation");
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with dt, duration and seed");
	if (!rc)
		rc = soma__yrequire(c, key, val, "dt", "the step, e.g. 0.1 ms",
				    &p_dt);
	if (!rc)
		rc = soma__yrequire(c, key, val, "duration",
				    "the simulated time, e.g. 500 ms", &p_dur);
	soma__ypop(c, old);
	if (rc)
		return rc;

	old = soma__ypush(c, "simulation.dt");
	rc = soma__ynumber(c, PK(p_dt), PV(p_dt), &v_dt, &dt);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush(c, "simulation.duration");
	rc = soma__ynumber(c, PK(p_dur), PV(p_dur), &v_duration, &sim->duration);
	/* 2^40 steps (3.5 years at 0.1 ms): beyond it a typo, not a run */
	if (!rc && sim->duration / dt > 1099511627776.0)
		rc = soma__yerr(c, PV(p_dur), PK(p_dur), SOMA_ERANGE,
				"%g ms is out of range: more than 2^40 steps of %g ms",
				sim->duration, dt);
	soma__ypop(c, old);
	if (rc)
		return rc;
	p_seed = soma__yget(val, "seed");
	if (p_seed) {
		old = soma__ypush(c, "simulation.seed");
		rc = soma__yuint(c, PK(p_seed), PV(p_seed), 0, INT64_MAX,
				 "the seed", &seed);
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	rc = soma_network_create(dt, seed, net);
	if (rc) {
		old = soma__ypush(c, "simulation");
		rc = soma__yerr(c, key, val, rc, "cannot create the network: %s",
				soma_strerror(rc));
		soma__ypop(c, old);
	}
	return rc;
}

/* ---- populations --------------------------------------------------------- */

/* What a params: or init: section sets: a population or a projection. */
struct target {
	soma_network *net;
	const soma_model *m;
	int id;
	int is_proj;
	const char *weight_unit; /* replaces SOMA_UNIT_WEIGHT, or NULL */
};

/* One entry of params: (@init 0) or init: (@init 1): look the name up among
 * the model's parameters or state variables, read its value or
 * distribution, set it. */
static int read_var(struct soma__yctx *c, struct fy_node_pair *q,
		    const struct target *t, int init)
{
	const char *name = soma__ytext(PK(q));
	soma_var_info v;
	soma_dist d;
	double x;
	int i, rc;

	rc = get_var(c, PK(q), t->m, init ? t->m->state : t->m->params,
		     init ? t->m->n_state : t->m->n_params, name,
		     init ? "state variable" : "parameter", &i);
	if (rc)
		return rc;
	v = init ? t->m->state[i] : t->m->params[i];
	if (t->weight_unit && !strcmp(v.unit, SOMA_UNIT_WEIGHT))
		v.unit = t->weight_unit;
	rc = init ? soma__ydist(c, PK(q), PV(q), &v, &d) :
		    soma__ynumber(c, PK(q), PV(q), &v, &x);
	if (rc)
		return rc;
	if (init)
		rc = t->is_proj ? soma_projection_init_state(t->net, t->id, name, &d) :
				  soma_population_init_state(t->net, t->id, name, &d);
	else
		rc = t->is_proj ? soma_projection_set_param(t->net, t->id, name, x) :
				  soma_population_set_param(t->net, t->id, name, x);
	return rc ? net_err(c, t->net, PV(q), PK(q), rc) : SOMA_OK;
}

/* params: (@init 0), a mapping of the model's parameter names to values, or
 * init: (@init 1), of state variable names to values or distributions;
 * empty: none. */
static int read_vars(struct soma__yctx *c, struct fy_node_pair *p,
		     const struct target *t, int init)
{
	static const char *const expected[2][2] = {
		{ "a mapping of parameter names to values",
		  "a mapping of state variable names to values" },
		{ "a mapping of synapse parameter names to values",
		  "a mapping of synapse state variable names to values" },
	};
	struct fy_node_pair *q;
	void *it = NULL;
	size_t old;
	int rc;

	if (!p || soma__yis_null(PV(p)))
		return SOMA_OK;
	old = soma__ypush(c, init ? "init" : "params");
	rc = soma__ycheck_map(c, PK(p), PV(p), NULL, expected[t->is_proj][init]);
	while (!rc && (q = fy_node_mapping_iterate(PV(p), &it))) {
		size_t old2 = soma__ypush(c, soma__ytext(PK(q)));

		rc = read_var(c, q, t, init);
		soma__ypop(c, old2);
	}
	soma__ypop(c, old);
	return rc;
}

static const soma_var_info v_rtol = {
	.name = "rtol", .unit = "", .def = 1e-6, .min = 1e-14, .max = 1,
	.flags = SOMA_VAR_MAX_OPEN, .doc = "relative tolerance",
};
static const soma_var_info v_atol = {
	.name = "atol", .unit = "", .def = 1e-9, .min = 0, .max = INFINITY,
	.doc = "absolute tolerance, in each variable's unit",
};

/* method, rtol and atol of a population (integrator.h). */
static int read_method(struct soma__yctx *c, soma_network *net, int pop,
		       const soma_model *m, struct fy_node *val)
{
	struct fy_node_pair *p_m = soma__yget(val, "method");
	struct fy_node_pair *p_r = soma__yget(val, "rtol");
	struct fy_node_pair *p_a = soma__yget(val, "atol");
	double rtol = 1e-6, atol = 1e-9;
	size_t old;
	int rc = SOMA_OK;

	if ((p_m || p_r || p_a) &&
	    soma_model_default_method(m) == SOMA_METHOD_DEFAULT) {
		struct fy_node_pair *q = p_m ? p_m : p_r ? p_r : p_a;
		old = soma__ypush(c, soma__ytext(PK(q)));
		rc = soma__yerr(c, PK(q), NULL, SOMA_EINVAL,
				"model '%s' has no differential equations: it takes no %s",
				m->name, soma__ytext(PK(q)));
		soma__ypop(c, old);
		return rc;
	}
	if (p_m) {
		char list[256] = "", sugg[128];
		struct soma__ysugg s;
		const char *name;
		soma_method meth;

		old = soma__ypush(c, "method");
		rc = soma__yscalar(c, PK(p_m), PV(p_m), "an integration method",
				   &name);
		if (!rc && soma_method_from_name(name, &meth) == SOMA_OK &&
		    meth != SOMA_METHOD_DEFAULT) {
			rc = soma_population_set_method(net, pop, meth);
			if (rc)
				rc = net_err(c, net, PV(p_m), PK(p_m), rc);
		} else if (!rc) {
			soma__ysugg_init(&s);
			for (int k = 1; k < SOMA_METHOD_COUNT; k++) {
				soma__ysugg_add(&s, name, soma_method_name((soma_method)k));
				soma__ylist_add(list, sizeof(list),
						soma_method_name((soma_method)k));
			}
			rc = soma__yerr(c, PV(p_m), PK(p_m), SOMA_ENOENT,
					"unknown method '%s'%s%sexpected one of %s",
					name, soma__ysugg_str(&s, sugg, sizeof(sugg)),
					s.best ? "; " : ": ", list);
		}
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	if (p_r) {
		old = soma__ypush(c, "rtol");
		rc = soma__ynumber(c, PK(p_r), PV(p_r), &v_rtol, &rtol);
		soma__ypop(c, old);
	}
	if (!rc && p_a) {
		old = soma__ypush(c, "atol");
		rc = soma__ynumber(c, PK(p_a), PV(p_a), &v_atol, &atol);
		soma__ypop(c, old);
	}
	if (!rc && (p_r || p_a)) {
		soma_method used = soma_population_method(net, pop);
		if (used != SOMA_METHOD_RKF45 && used != SOMA_METHOD_RK8PD &&
		    used != SOMA_METHOD_MSBDF) {
			struct fy_node_pair *q = p_r ? p_r : p_a;
			old = soma__ypush(c, soma__ytext(PK(q)));
			rc = soma__yerr(c, PK(q), NULL, SOMA_EINVAL,
					"%s applies to the adaptive methods rkf45, rk8pd and msbdf; this population uses %s (set method: to one of them)",
					soma__ytext(PK(q)), soma_method_name(used));
			soma__ypop(c, old);
			return rc;
		}
		rc = soma_population_set_tolerance(net, pop, rtol, atol);
		if (rc)
			rc = net_err(c, net, PV(p_r ? p_r : p_a), NULL, rc);
	}
	return rc;
}

static int read_population(struct soma__yctx *c, soma_network *net,
			   struct fy_node *key, struct fy_node *val)
{
	static const char *const keys[] = { "model", "size", "method", "rtol",
					    "atol", "params", "init", NULL };
	struct fy_node_pair *p_model, *p_size;
	struct target t;
	const char *name = soma__ytext(key);
	const soma_model *m;
	uint64_t size;
	size_t old;
	int rc, pop;

	if (!valid_name(name))
		return soma__yerr(c, key, NULL, SOMA_EINVAL,
				  "invalid population name '%s': expected letters, digits and _, not starting with a digit",
				  name);
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with model, size, method, rtol, atol, params and init");
	if (!rc)
		rc = soma__yrequire(c, key, val, "model",
				    "a neuron or source model, e.g. lif",
				    &p_model);
	if (!rc)
		rc = soma__yrequire(c, key, val, "size",
				    "the number of neurons", &p_size);
	if (rc)
		return rc;

	old = soma__ypush(c, "model");
	rc = get_model(c, PK(p_model), PV(p_model),
		       (1u << SOMA_MODEL_NEURON) | (1u << SOMA_MODEL_SOURCE),
		       "a neuron or source model", &m);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush(c, "size");
	rc = soma__yuint(c, PK(p_size), PV(p_size), 1, UINT32_MAX,
			 "the number of neurons", &size);
	soma__ypop(c, old);
	if (rc)
		return rc;
	rc = soma_network_add_population(net, name, m->name, (uint32_t)size,
					 &pop);
	if (rc)
		return net_err(c, net, key, val, rc);

	t.net = net;
	t.m = m;
	t.id = pop;
	t.is_proj = 0;
	t.weight_unit = NULL;
	rc = read_method(c, net, pop, m, val);
	if (!rc)
		rc = read_vars(c, soma__yget(val, "params"), &t, 0);
	if (!rc)
		rc = read_vars(c, soma__yget(val, "init"), &t, 1);
	if (!rc)
		rc = prepare_at(c, net, "population", name, key,
				soma__yget(val, "params"));
	return rc;
}

/* A section mapping names to items (populations, projections, inputs), each
 * read by @read under its name's key path. @required: the section must hold
 * at least one item; otherwise an empty (null) section is no item. */
static int read_named(struct soma__yctx *c, soma_network *net,
		      struct fy_node *key, struct fy_node *val,
		      const char *section, const char *expected, int required,
		      int (*read)(struct soma__yctx *c, soma_network *net,
				  struct fy_node *key, struct fy_node *val))
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t old;
	int rc;

	if (!required && soma__yis_null(val))
		return SOMA_OK;
	old = soma__ypush(c, section);
	rc = soma__ycheck_map(c, key, val, NULL, expected);
	if (!rc && required && fy_node_mapping_is_empty(val))
		rc = soma__yerr(c, val, key, SOMA_EPARSE,
				"no %s: expected at least one", section);
	while (!rc && (p = fy_node_mapping_iterate(val, &it))) {
		size_t old2 = soma__ypush(c, soma__ytext(PK(p)));

		rc = read(c, net, PK(p), PV(p));
		soma__ypop(c, old2);
	}
	soma__ypop(c, old);
	return rc;
}

/* ---- projections --------------------------------------------------------- */

/* allow_self: true/false under @map, if given. */
static int get_allow_self(struct soma__yctx *c, struct fy_node *map,
			  soma_connector *conn)
{
	struct fy_node_pair *p = soma__yget(map, "allow_self");
	size_t old;
	int rc;

	if (!p)
		return SOMA_OK;
	old = soma__ypush(c, "allow_self");
	rc = soma__ybool(c, PK(p), PV(p), &conn->allow_self);
	soma__ypop(c, old);
	return rc;
}

static const char connector_expected[] =
	"all_to_all, one_to_one or {fixed_probability: p}";

/* Path "...connector" in the context. */
static int read_connector(struct soma__yctx *c, struct fy_node *key,
			  struct fy_node *val, soma_connector *conn)
{
	static const char *const rules[] = { "all_to_all", "one_to_one",
					     "fixed_probability", NULL };
	static const char *const keys[] = { "all_to_all", "one_to_one",
					    "fixed_probability", "allow_self",
					    NULL };
	static const char *const sub_keys[] = { "allow_self", NULL };
	struct fy_node_pair *p, *rule = NULL;
	const char *name;
	char buf[128];
	void *it = NULL;
	size_t i, old;
	int rc;

	memset(conn, 0, sizeof(*conn));
	if (fy_node_is_scalar(val) && !soma__yis_null(val)) {
		struct soma__ysugg s;

		name = soma__ytext(val);
		if (!strcmp(name, "all_to_all")) {
			conn->kind = SOMA_CONNECT_ALL_TO_ALL;
			return SOMA_OK;
		}
		if (!strcmp(name, "one_to_one")) {
			conn->kind = SOMA_CONNECT_ONE_TO_ONE;
			return SOMA_OK;
		}
		if (!strcmp(name, "fixed_probability"))
			return soma__yerr(c, val, key, SOMA_EPARSE,
					  "fixed_probability needs its probability: expected {fixed_probability: p}");
		soma__ysugg_init(&s);
		for (i = 0; rules[i]; i++)
			soma__ysugg_add(&s, name, rules[i]);
		if (s.best)
			return soma__yerr(c, val, key, SOMA_EPARSE,
					  "unknown connector '%s'%s", name,
					  soma__ysugg_str(&s, buf, sizeof(buf)));
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "unknown connector '%s': expected %s", name,
				  connector_expected);
	}
	rc = soma__ycheck_map(c, key, val, keys, connector_expected);
	if (rc)
		return rc;
	while ((p = fy_node_mapping_iterate(val, &it))) {
		name = soma__ytext(PK(p));
		if (!strcmp(name, "allow_self"))
			continue;
		if (rule) {
			old = soma__ypush(c, name);
			rc = soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
					"a second connection rule (after '%s'): expected exactly one of %s",
					soma__ytext(PK(rule)), connector_expected);
			soma__ypop(c, old);
			return rc;
		}
		rule = p;
	}
	if (!rule)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "no connection rule: expected %s",
				  connector_expected);
	rc = get_allow_self(c, val, conn);
	if (rc)
		return rc;

	name = soma__ytext(PK(rule));
	old = soma__ypush(c, name);
	if (!strcmp(name, "fixed_probability")) {
		conn->kind = SOMA_CONNECT_FIXED_PROBABILITY;
		rc = soma__ynumber(c, PK(rule), PV(rule), &v_p, &conn->p);
	} else {
		conn->kind = !strcmp(name, "all_to_all") ?
				     SOMA_CONNECT_ALL_TO_ALL :
				     SOMA_CONNECT_ONE_TO_ONE;
		/* {all_to_all: {allow_self: true}} or {all_to_all: null} */
		if (!soma__yis_null(PV(rule))) {
			rc = soma__ycheck_map(c, PK(rule), PV(rule), sub_keys,
					      "nothing or {allow_self: true|false}");
			if (!rc && soma__yget(val, "allow_self") &&
			    soma__yget(PV(rule), "allow_self"))
				rc = soma__yerr(c, PV(rule), PK(rule),
						SOMA_EPARSE,
						"allow_self given twice");
			if (!rc)
				rc = get_allow_self(c, PV(rule), conn);
		}
	}
	soma__ypop(c, old);
	return rc;
}

static int read_projection(struct soma__yctx *c, soma_network *net,
			   struct fy_node *key, struct fy_node *val)
{
	static const char *const keys[] = { "pre", "post", "synapse", "output",
					    "connector", "weight", "delay",
					    "params", "init", NULL };
	static const char *const outputs[] = { "current", "conductance", NULL };
	struct fy_node_pair *p_pre, *p_post, *p_syn, *p_conn, *p_w, *p;
	struct target t;
	const char *name = soma__ytext(key);
	soma_projection_spec spec;
	const soma_model *m, *post_model;
	size_t old;
	int rc, proj;

	memset(&spec, 0, sizeof(spec));
	spec.name = name;
	if (!valid_name(name))
		return soma__yerr(c, key, NULL, SOMA_EINVAL,
				  "invalid projection name '%s': expected letters, digits and _, not starting with a digit",
				  name);
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with pre, post, synapse, connector and weight");
	if (!rc)
		rc = soma__yrequire(c, key, val, "pre",
				    "the presynaptic population", &p_pre);
	if (!rc)
		rc = soma__yrequire(c, key, val, "post",
				    "the postsynaptic population", &p_post);
	if (!rc)
		rc = soma__yrequire(c, key, val, "synapse",
				    "a synapse model, e.g. exponential", &p_syn);
	if (!rc)
		rc = soma__yrequire(c, key, val, "connector", connector_expected,
				    &p_conn);
	if (!rc)
		rc = soma__yrequire(c, key, val, "weight",
				    "the synaptic weight, pA or nS", &p_w);
	if (rc)
		return rc;

	old = soma__ypush(c, "pre");
	rc = get_population(c, net, PK(p_pre), PV(p_pre), &spec.pre);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush(c, "post");
	rc = get_population(c, net, PK(p_post), PV(p_post), &spec.post);
	post_model = soma_population_model(net, spec.post);
	if (!rc && post_model && post_model->kind != SOMA_MODEL_NEURON)
		rc = soma__yerr(c, PV(p_post), PK(p_post), SOMA_EINVAL,
				"population '%s' is a %s (model '%s') and cannot receive a projection: expected a neuron population",
				soma__ytext(PV(p_post)),
				soma_model_kind_name(post_model->kind),
				post_model->name);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush(c, "synapse");
	rc = get_model(c, PK(p_syn), PV(p_syn), 1u << SOMA_MODEL_SYNAPSE,
		       "a synapse model", &m);
	soma__ypop(c, old);
	if (rc)
		return rc;
	spec.synapse = m->name;

	spec.output = (soma_output_kind)soma_model_default_output(m);
	p = soma__yget(val, "output");
	if (p) {
		const char *o;

		old = soma__ypush(c, "output");
		rc = soma__yscalar(c, PK(p), PV(p), "current or conductance",
				   &o);
		if (!rc && !strcmp(o, "conductance")) {
			spec.output = SOMA_OUTPUT_CONDUCTANCE;
		} else if (!rc && strcmp(o, "current")) {
			struct soma__ysugg s;
			char buf[128];

			soma__ysugg_init(&s);
			soma__ysugg_add(&s, o, outputs[0]);
			soma__ysugg_add(&s, o, outputs[1]);
			rc = soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
					"unknown output '%s'%s", o,
					s.best ? soma__ysugg_str(&s, buf, sizeof(buf)) :
						 ": expected current or conductance");
		}
		soma__ypop(c, old);
		if (rc)
			return rc;
	}

	old = soma__ypush(c, "connector");
	rc = read_connector(c, PK(p_conn), PV(p_conn), &spec.connector);
	if (!rc && spec.connector.kind == SOMA_CONNECT_ONE_TO_ONE &&
	    soma_population_size(net, spec.pre) !=
		    soma_population_size(net, spec.post))
		rc = soma__yerr(c, PV(p_conn), PK(p_conn), SOMA_ERANGE,
				"one_to_one needs pre and post of the same size: '%s' has %" PRIu32 " neurons, '%s' has %" PRIu32,
				soma_population_name(net, spec.pre),
				soma_population_size(net, spec.pre),
				soma_population_name(net, spec.post),
				soma_population_size(net, spec.post));
	soma__ypop(c, old);
	if (rc)
		return rc;

	old = soma__ypush(c, "weight");
	{
		soma_var_info vw = v_weight;
		vw.unit = soma_model_weight_unit(m, spec.output);
		rc = soma__ydist(c, PK(p_w), PV(p_w), &vw, &spec.weight);
	}
	soma__ypop(c, old);
	if (rc)
		return rc;

	p = soma__yget(val, "delay");
	if (p) {
		old = soma__ypush(c, "delay");
		rc = soma__ynumber(c, PK(p), PV(p), &v_delay, &spec.delay_ms);
		if (!rc && soma_network_steps_for(net, spec.delay_ms) >
				   MAX_DELAY_STEPS)
			rc = soma__yerr(c, PV(p), PK(p), SOMA_ERANGE,
					"%s is out of range: more than 2^24 = %" PRIu64 " steps of %g ms",
					soma__ytext(PV(p)), MAX_DELAY_STEPS,
					soma_network_dt(net));
		soma__ypop(c, old);
		if (rc)
			return rc;
	}

	rc = soma_network_add_projection(net, &spec, &proj);
	if (rc)
		return net_err(c, net, key, val, rc);

	t.net = net;
	t.m = m;
	t.id = proj;
	t.is_proj = 1;
	t.weight_unit = soma_model_weight_unit(m, spec.output);
	rc = read_vars(c, soma__yget(val, "params"), &t, 0);
	if (!rc)
		rc = read_vars(c, soma__yget(val, "init"), &t, 1);
	if (!rc)
		rc = prepare_at(c, net, "projection", name, key,
				soma__yget(val, "params"));
	return rc;
}

/* ---- inputs -------------------------------------------------------------- */

/* segments: a list of [value, duration] pairs. Arrays are malloc'ed. */
static int read_segments(struct soma__yctx *c, struct fy_node *key,
			 struct fy_node *val, const soma_var_info *vi,
			 double **values, double **durations, size_t *n)
{
	struct fy_node *item;
	void *it = NULL;
	char buf[64];
	size_t i = 0, cnt;
	int rc = SOMA_OK;

	if (!fy_node_is_sequence(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected a list of [value, duration] pairs",
				  soma__ydescribe(val, buf, sizeof(buf)));
	cnt = (size_t)fy_node_sequence_item_count(val);
	if (!cnt)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "empty list: expected at least one [value, duration] pair");
	*values = malloc(cnt * sizeof(double));
	*durations = malloc(cnt * sizeof(double));
	if (!*values || !*durations)
		return soma__yerr(c, val, key, SOMA_ENOMEM, "out of memory");
	while (!rc && (item = fy_node_sequence_iterate(val, &it))) {
		size_t old = soma__ypush_index(c, i), old2;

		if (!fy_node_is_sequence(item) ||
		    fy_node_sequence_item_count(item) != 2) {
			rc = soma__yerr(c, item, val, SOMA_EPARSE,
					"got %s, expected a pair [value, duration], e.g. [25 pA, 20 ms]",
					fy_node_is_sequence(item) ?
						"a list of another length" :
						soma__ydescribe(item, buf,
								sizeof(buf)));
		} else {
			old2 = soma__ypush_index(c, 0);
			rc = soma__ynumber(c, item,
					   fy_node_sequence_get_by_index(item, 0),
					   vi, &(*values)[i]);
			soma__ypop(c, old2);
			if (!rc) {
				old2 = soma__ypush_index(c, 1);
				/* inf: the last value holds forever */
				rc = soma__ynumber_inf(c, item,
						       fy_node_sequence_get_by_index(item, 1),
						       &v_seg_duration, 1,
						       &(*durations)[i]);
				soma__ypop(c, old2);
			}
		}
		soma__ypop(c, old);
		i++;
	}
	*n = cnt;
	return rc;
}

/* steps: a list of [time, value] pairs, the value holding from its time
 * until the next (0 before the first; the last holds forever), turned into
 * segments. */
static int read_steps(struct soma__yctx *c, struct fy_node *key,
		      struct fy_node *val, const soma_var_info *vi,
		      double **values, double **durations, size_t *n)
{
	struct fy_node *item;
	void *it = NULL;
	char buf[64];
	size_t i = 0, cnt, k = 0;
	double t_prev = 0;
	int rc = SOMA_OK;

	if (!fy_node_is_sequence(val) || !fy_node_sequence_item_count(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected a non-empty list of [time, value] pairs, e.g. [[10 ms, 5 pA], [20 ms, 0 pA]]",
				  soma__ydescribe(val, buf, sizeof(buf)));
	cnt = (size_t)fy_node_sequence_item_count(val);
	*values = malloc((cnt + 1) * sizeof(double));
	*durations = malloc((cnt + 1) * sizeof(double));
	if (!*values || !*durations)
		return soma__yerr(c, val, key, SOMA_ENOMEM, "out of memory");
	while (!rc && (item = fy_node_sequence_iterate(val, &it))) {
		size_t old = soma__ypush_index(c, i), old2;
		double t = 0, v = 0;

		if (!fy_node_is_sequence(item) ||
		    fy_node_sequence_item_count(item) != 2) {
			rc = soma__yerr(c, item, val, SOMA_EPARSE,
					"got %s, expected a pair [time, value], e.g. [10 ms, 5 pA]",
					fy_node_is_sequence(item) ?
						"a list of another length" :
						soma__ydescribe(item, buf, sizeof(buf)));
		} else {
			old2 = soma__ypush_index(c, 0);
			rc = soma__ynumber(c, item,
					   fy_node_sequence_get_by_index(item, 0),
					   &v_seg_duration, &t);
			if (!rc && i > 0 && t < t_prev)
				rc = soma__yerr(c, fy_node_sequence_get_by_index(item, 0),
						item, SOMA_ERANGE,
						"time %g ms is before the previous step's %g ms: times must not decrease",
						t, t_prev);
			soma__ypop(c, old2);
			if (!rc) {
				old2 = soma__ypush_index(c, 1);
				rc = soma__ynumber(c, item,
						   fy_node_sequence_get_by_index(item, 1),
						   vi, &v);
				soma__ypop(c, old2);
			}
		}
		soma__ypop(c, old);
		if (rc)
			break;
		/* the segment before this time: 0 up to the first time, then
		 * the previous value */
		if (i == 0) {
			(*values)[k] = 0;
			(*durations)[k++] = t;
		} else {
			(*durations)[k - 1] = t - t_prev;
		}
		(*values)[k] = v;
		(*durations)[k++] = INFINITY;
		t_prev = t;
		i++;
	}
	*n = k;
	return rc;
}

static const soma_var_info v_ramp_time = {
	.name = "time", .unit = "ms", .def = 0.0, .min = 0.0, .max = INFINITY,
	.doc = "time",
};

/* ramp: {from, to, start (default 0), end}: the value goes linearly from
 * `from` at `start` to `to` at `end`, 0 outside (the seed's ramp_current). */
static int read_ramp(struct soma__yctx *c, struct fy_node *key,
		     struct fy_node *val, const soma_var_info *vi,
		     double *from, double *to, double *start, double *end)
{
	static const char *const keys[] = { "from", "to", "start", "end", NULL };
	struct fy_node_pair *pf, *pt, *ps, *pe;
	size_t old;
	int rc;

	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with from, to, start and end, e.g. {from: 0 pA, to: 10 pA, start: 0 ms, end: 500 ms}");
	if (!rc)
		rc = soma__yrequire(c, key, val, "from", "the value at start", &pf);
	if (!rc)
		rc = soma__yrequire(c, key, val, "to", "the value at end", &pt);
	if (!rc)
		rc = soma__yrequire(c, key, val, "end", "the time the ramp ends", &pe);
	if (rc)
		return rc;
	old = soma__ypush(c, "from");
	rc = soma__ynumber(c, PK(pf), PV(pf), vi, from);
	soma__ypop(c, old);
	if (!rc) {
		old = soma__ypush(c, "to");
		rc = soma__ynumber(c, PK(pt), PV(pt), vi, to);
		soma__ypop(c, old);
	}
	*start = 0;
	ps = soma__yget(val, "start");
	if (!rc && ps) {
		old = soma__ypush(c, "start");
		rc = soma__ynumber(c, PK(ps), PV(ps), &v_ramp_time, start);
		soma__ypop(c, old);
	}
	if (!rc) {
		old = soma__ypush(c, "end");
		rc = soma__ynumber(c, PK(pe), PV(pe), &v_ramp_time, end);
		if (!rc && !(*end > *start))
			rc = soma__yerr(c, PV(pe), PK(pe), SOMA_ERANGE,
					"end = %g ms must be after start = %g ms",
					*end, *start);
		soma__ypop(c, old);
	}
	return rc;
}

static int read_input(struct soma__yctx *c, soma_network *net,
		      struct fy_node *key, struct fy_node *val)
{
	static const char *const keys[] = { "target", "channel", "current",
					    "segments", "steps", "ramp",
					    "neurons", NULL };
	static const char *const forms[] = { "current", "segments", "steps",
					     "ramp" };
	struct fy_node_pair *p_target, *p_form = NULL, *p;
	double *values = NULL, *durations = NULL, cur, inf = INFINITY;
	double r_from = 0, r_to = 0, r_start = 0, r_end = 0;
	uint32_t *neurons = NULL, n_neurons = 0;
	size_t n_seg = 0, old;
	const soma_model *m;
	soma_var_info vi;
	int rc, pop, ch = 0, id, form = -1;

	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with target and one of current, segments, steps and ramp");
	if (!rc)
		rc = soma__yrequire(c, key, val, "target",
				    "the population that receives the input",
				    &p_target);
	if (rc)
		return rc;
	old = soma__ypush(c, "target");
	rc = get_population(c, net, PK(p_target), PV(p_target), &pop);
	soma__ypop(c, old);
	if (rc)
		return rc;
	m = soma_population_model(net, pop);
	if (m->kind != SOMA_MODEL_NEURON)
		return net_err(c, net, PV(p_target), PK(p_target),
			       soma_network_add_current(net, pop, NULL, 0, &inf,
							&inf, 1, NULL));

	p = soma__yget(val, "channel");
	if (p) {
		const char *name;
		soma_var_info chans[8];
		size_t nch = soma_model_input_count(m);

		for (size_t k = 0; k < nch && k < 8; k++)
			chans[k] = *soma_model_input(m, k);
		old = soma__ypush(c, "channel");
		rc = soma__yscalar(c, PK(p), PV(p), "an input channel name", &name);
		if (!rc)
			rc = get_var(c, PV(p), m, chans, nch < 8 ? nch : 8, name,
				     "input channel", &ch);
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	vi = *soma_model_input(m, (size_t)ch);
	vi.min = -INFINITY;
	vi.max = INFINITY;
	vi.flags = 0;

	for (int f = 0; f < 4; f++) {
		struct fy_node_pair *q = soma__yget(val, forms[f]);
		if (!q)
			continue;
		if (p_form) {
			old = soma__ypush(c, forms[f]);
			rc = soma__yerr(c, PK(q), NULL, SOMA_EPARSE,
					"both %s and %s given: expected one of current, segments, steps and ramp",
					forms[form], forms[f]);
			soma__ypop(c, old);
			return rc;
		}
		p_form = q;
		form = f;
	}
	if (!p_form)
		return soma__yerr(c, key, val, SOMA_EPARSE,
				  "missing key 'current', 'segments', 'steps' or 'ramp' (a constant, [value, duration] pairs, [time, value] pairs, or {from, to, start, end})");
	old = soma__ypush(c, forms[form]);
	switch (form) {
	case 0:
		rc = soma__ynumber(c, PK(p_form), PV(p_form), &vi, &cur);
		break;
	case 1:
		rc = read_segments(c, PK(p_form), PV(p_form), &vi, &values,
				   &durations, &n_seg);
		break;
	case 2:
		rc = read_steps(c, PK(p_form), PV(p_form), &vi, &values,
				&durations, &n_seg);
		break;
	default:
		rc = read_ramp(c, PK(p_form), PV(p_form), &vi, &r_from, &r_to,
			       &r_start, &r_end);
		break;
	}
	soma__ypop(c, old);
	if (rc)
		goto out_free;

	p = soma__yget(val, "neurons");
	if (p) {
		old = soma__ypush(c, "neurons");
		rc = get_indices(c, net, pop, PK(p), PV(p), &neurons,
				 &n_neurons);
		soma__ypop(c, old);
		if (rc)
			goto out_free;
	}

	if (form == 0) {
		rc = soma_network_add_current(net, pop, neurons, n_neurons, &cur,
					      &inf, 1, &id);
	} else if (form == 3) {
		double v[3] = { 0, r_from, 0 };
		double d[3] = { r_start, r_end - r_start, INFINITY };
		rc = soma_network_add_current(net, pop, neurons, n_neurons, v, d,
					      3, &id);
		if (!rc)
			rc = soma_input_set_ramp(net, id, 1, r_to);
	} else {
		rc = soma_network_add_current(net, pop, neurons, n_neurons,
					      values, durations, n_seg, &id);
	}
	if (!rc && ch)
		rc = soma_input_set_channel(net, id, soma_model_input(m, (size_t)ch)->name);
	if (rc)
		rc = net_err(c, net, key, val, rc);
out_free:
	free(neurons);
	free(values);
	free(durations);
	return rc;
}

/* ---- record -------------------------------------------------------------- */

static int read_state_record(struct soma__yctx *c, soma_sim *sim,
			     soma_network *net, struct fy_node *key,
			     struct fy_node *val)
{
	static const char *const keys[] = { "population", "projection",
					    "variable", "neurons", "every",
					    "figure", NULL };
	struct fy_node_pair *p_pop, *p_proj, *p_var, *p;
	uint32_t *neurons = NULL, n_neurons = 0, zero = 0;
	const soma_model *m;
	const char *var;
	uint64_t every = 1;
	size_t old;
	int rc, pop = -1, proj = -1, i, id = -1;

	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with population (or projection), variable, neurons, every and figure");
	if (rc)
		return rc;
	p_pop = soma__yget(val, "population");
	p_proj = soma__yget(val, "projection");
	if (p_pop && p_proj) {
		old = soma__ypush(c, "projection");
		rc = soma__yerr(c, PK(p_proj), NULL, SOMA_EPARSE,
				"both population and projection given: a recording is of one of them");
		soma__ypop(c, old);
		return rc;
	}
	if (!p_proj)
		rc = soma__yrequire(c, key, val, "population",
				    "the population (or projection) to record",
				    &p_pop);
	if (!rc)
		rc = soma__yrequire(c, key, val, "variable",
				    "the state variable to record, e.g. V",
				    &p_var);
	if (rc)
		return rc;

	if (p_proj) {
		old = soma__ypush(c, "projection");
		rc = get_projection(c, net, PK(p_proj), PV(p_proj), &proj);
		soma__ypop(c, old);
		if (rc)
			return rc;
		pop = soma_projection_post(net, proj);
		m = soma_projection_model(net, proj);
	} else {
		old = soma__ypush(c, "population");
		rc = get_population(c, net, PK(p_pop), PV(p_pop), &pop);
		soma__ypop(c, old);
		if (rc)
			return rc;
		m = soma_population_model(net, pop);
	}
	old = soma__ypush(c, "variable");
	rc = soma__yscalar(c, PK(p_var), PV(p_var), "a state variable name",
			   &var);
	if (!rc && !(proj >= 0 && !strcmp(var, "w") &&
		     soma_model_state_index(m, "w") < 0))
		rc = get_var(c, PV(p_var), m, m->state, m->n_state, var,
			     "state variable", &i);
	soma__ypop(c, old);
	if (rc)
		return rc;

	p = soma__yget(val, "every");
	if (p) {
		old = soma__ypush(c, "every");
		rc = soma__yuint(c, PK(p), PV(p), 1, UINT32_MAX,
				 "the sampling period in steps", &every);
		soma__ypop(c, old);
		if (rc)
			return rc;
	}

	p = soma__yget(val, "neurons");
	if (p) {
		old = soma__ypush(c, "neurons");
		if (proj >= 0) {
			/* per post or pre neuron, or per synapse (w) */
			uint64_t len = strcmp(var, "w") || soma_model_state_index(m, "w") >= 0
					       ? soma_projection_state_size(net, proj, var)
					       : soma_projection_synapse_count(net, proj);
			char of[256];
			snprintf(of, sizeof(of), "%s of projection '%s' (%" PRIu64 " values)",
				 var, soma_projection_name(net, proj), len);
			rc = get_index_list(c, PK(p), PV(p),
					    len > UINT32_MAX ? UINT32_MAX : (uint32_t)len,
					    "an index", of, &neurons, &n_neurons);
		} else {
			rc = get_indices(c, net, pop, PK(p), PV(p), &neurons,
					 &n_neurons);
		}
		soma__ypop(c, old);
		if (rc)
			return rc;
		rc = proj >= 0 ? soma_network_record_projection_state(
					 net, proj, var, neurons, n_neurons,
					 (uint32_t)every, &id)
			       : soma_network_record_state(net, pop, var, neurons,
							   n_neurons,
							   (uint32_t)every, &id);
	} else {
		rc = proj >= 0 ? soma_network_record_projection_state(
					 net, proj, var, &zero, 1, (uint32_t)every,
					 &id)
			       : soma_network_record_state(net, pop, var, &zero, 1,
							   (uint32_t)every, &id);
	}
	free(neurons);
	if (rc)
		return net_err(c, net, val, key, rc);
	p = soma__yget(val, "figure");
	if (p) {
		const char *fig;

		old = soma__ypush(c, "figure");
		rc = soma__yscalar(c, PK(p), PV(p), "a figure name", &fig);
		if (!rc && !valid_name(fig))
			rc = soma__yerr(c, PV(p), PK(p), SOMA_EINVAL,
					"invalid figure name '%s': expected letters, digits and _, not starting with a digit",
					fig);
		if (!rc && !strncmp(fig, "raster_", 7))
			rc = soma__yerr(c, PV(p), PK(p), SOMA_EINVAL,
					"figure name '%s' starts with raster_, the prefix of the raster figures of spike recordings: choose another name",
					fig);
		if (!rc && soma__sim_set_figure(sim, id, fig))
			rc = soma__yerr(c, PV(p), PK(p), SOMA_ENOMEM, "out of memory");
		soma__ypop(c, old);
	}
	return rc;
}

static int read_record(struct soma__yctx *c, soma_sim *sim, soma_network *net,
		       struct fy_node *key, struct fy_node *val)
{
	static const char *const keys[] = { "spikes", "rate_window", "state",
					    NULL };
	double window = DEFAULT_RATE_WINDOW;
	struct fy_node_pair *p;
	struct fy_node *item;
	void *it = NULL;
	char buf[64];
	size_t old, i = 0;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	old = soma__ypush(c, "record");
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with spikes, rate_window and state");
	if (rc)
		goto out;

	p = soma__yget(val, "rate_window");
	if (p) {
		size_t old2 = soma__ypush(c, "rate_window");

		rc = soma__ynumber(c, PK(p), PV(p), &v_rate_window, &window);
		/* the window's counts are kept in memory (monitor.h) */
		if (!rc && window / soma_network_dt(net) > 16777216.0)
			rc = soma__yerr(c, PV(p), PK(p), SOMA_ERANGE,
					"%g ms is out of range: more than 2^24 steps of %g ms",
					window, soma_network_dt(net));
		soma__ypop(c, old2);
		if (rc)
			goto out;
	}

	p = soma__yget(val, "spikes");
	if (p) {
		size_t old2 = soma__ypush(c, "spikes");
		struct fy_node *v = PV(p);
		int pop;

		if (fy_node_is_scalar(v) && !soma__yis_null(v)) {
			/* a single name */
			rc = get_population(c, net, PK(p), v, &pop);
			if (!rc) {
				rc = soma_network_record_spikes(net, pop, window,
								NULL);
				if (rc)
					rc = net_err(c, net, v, PK(p), rc);
			}
		} else if (!fy_node_is_sequence(v)) {
			rc = soma__yerr(c, v, PK(p), SOMA_EPARSE,
					"got %s, expected a list of population names",
					soma__ydescribe(v, buf, sizeof(buf)));
		}
		while (!rc && fy_node_is_sequence(v) &&
		       (item = fy_node_sequence_iterate(v, &it))) {
			size_t old3 = soma__ypush_index(c, i++);

			rc = get_population(c, net, v, item, &pop);
			if (!rc) {
				rc = soma_network_record_spikes(net, pop, window,
								NULL);
				if (rc)
					rc = net_err(c, net, item, v, rc);
			}
			soma__ypop(c, old3);
		}
		soma__ypop(c, old2);
		if (rc)
			goto out;
	}

	p = soma__yget(val, "state");
	if (p) {
		size_t old2 = soma__ypush(c, "state");
		struct fy_node *v = PV(p);

		if (!fy_node_is_sequence(v))
			rc = soma__yerr(c, v, PK(p), SOMA_EPARSE,
					"got %s, expected a list of {population, variable, neurons, every}",
					soma__ydescribe(v, buf, sizeof(buf)));
		it = NULL;
		i = 0;
		while (!rc && (item = fy_node_sequence_iterate(v, &it))) {
			size_t old3 = soma__ypush_index(c, i++);

			rc = read_state_record(c, sim, net, v, item);
			soma__ypop(c, old3);
		}
		soma__ypop(c, old2);
	}
out:
	soma__ypop(c, old);
	return rc;
}
/* ---- outputs ------------------------------------------------------------- */

int soma__yread_outputs(struct soma__yctx *c, struct fy_node *key,
			struct fy_node *val, char **outdir, int *plots)
{
	static const char *const keys[] = { "dir", "plots", NULL };
	struct fy_node_pair *p;
	size_t old;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	rc = soma__ycheck_map(c, key, val, keys, "a mapping with dir and plots");
	if (!rc && (p = soma__yget(val, "dir"))) {
		const char *dir;

		old = soma__ypush(c, "dir");
		rc = soma__yscalar(c, PK(p), PV(p), "a directory", &dir);
		if (!rc && !*dir)
			rc = soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
					"empty directory name");
		if (!rc) {
			free(*outdir);
			*outdir = strdup(dir);
			if (!*outdir)
				rc = soma__yerr(c, PV(p), PK(p), SOMA_ENOMEM,
						"out of memory");
		}
		soma__ypop(c, old);
	}
	if (!rc && (p = soma__yget(val, "plots"))) {
		old = soma__ypush(c, "plots");
		rc = soma__ybool(c, PK(p), PV(p), plots);
		soma__ypop(c, old);
	}
	return rc;
}

int soma__sim_check_top_keys(struct soma__yctx *c, int early)
{
	static const char *const keys[] = { "simulation", "populations",
					    "projections", "inputs", "record",
					    "outputs", NULL };

	return soma__ycheck_top(c, early, keys,
				"a mapping with simulation, populations, projections, inputs, record and outputs",
				"model file: expected a mapping with simulation and populations");
}

int soma__sim_read_document(struct soma__yctx *c, soma_sim *sim)
{
	struct fy_node *root = fy_document_root(c->fyd);
	struct fy_node_pair *p_sim, *p_pops, *p;
	soma_network *net = NULL;
	int rc;

	rc = soma__sim_check_top_keys(c, 0);
	if (!rc)
		rc = soma__yrequire(c, NULL, root, "simulation",
				    "dt, duration and seed", &p_sim);
	if (!rc)
		rc = soma__yrequire(c, NULL, root, "populations",
				    "the populations", &p_pops);
	if (rc)
		return rc;

	p = soma__yget(root, "outputs");
	if (p) {
		size_t old = soma__ypush(c, "outputs");

		rc = soma__yread_outputs(c, PK(p), PV(p), &sim->outdir,
					 &sim->plots);
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	rc = read_simulation(c, PK(p_sim), PV(p_sim), sim, &net);
	if (rc)
		return rc;
	sim->net = net;
	rc = read_named(c, net, PK(p_pops), PV(p_pops), "populations",
			"a mapping of population names to populations", 1,
			read_population);
	if (!rc && (p = soma__yget(root, "projections")))
		rc = read_named(c, net, PK(p), PV(p), "projections",
				"a mapping of projection names to projections",
				0, read_projection);
	if (!rc && (p = soma__yget(root, "inputs")))
		rc = read_named(c, net, PK(p), PV(p), "inputs",
				"a mapping of input names to inputs", 0,
				read_input);
	if (!rc && (p = soma__yget(root, "record")))
		rc = read_record(c, sim, net, PK(p), PV(p));
	return rc;
}
