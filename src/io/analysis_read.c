/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reader of analysis files (analysis.h, docs/analysis-file.md): the
 * document, checked key by key with file positions in every message, into a
 * soma_system, the target variables and the options of each analysis.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_file.h"
#include "io/sim_internal.h"

static const char *const top_keys[] = { "model", "params", "target_vars",
					"fixed_vars", "integrator",
					"phase_plane", "bifurcation",
					"outputs", NULL };

int soma__analysis_check_top(struct soma__yctx *c, int early)
{
	return soma__ycheck_top(c, early, top_keys,
				"a mapping with model, params, target_vars, fixed_vars, integrator, phase_plane, bifurcation and outputs",
				"analysis file: expected a mapping with model and target_vars");
}

/* A number in @unit without range (beyond finite). */
static int number_in(struct soma__yctx *c, struct fy_node *key,
		     struct fy_node *val, const char *name, const char *unit,
		     double min, double max, double *out)
{
	soma_var_info v = { name, unit ? unit : "", 0, min, max, 0, NULL, NULL };

	return soma__ynumber(c, key, val, &v, out);
}

/* [low, high] in @unit, low < high. */
static int read_range(struct soma__yctx *c, struct fy_node *key,
		      struct fy_node *val, const char *name, const char *unit,
		      const soma_var_info *range, double *lo, double *hi)
{
	soma_var_info v = { name, unit ? unit : "", 0, -INFINITY, INFINITY, 0,
			    NULL, NULL };
	struct fy_node *item[2];
	double x[2];
	char buf[64];
	int rc;

	if (range)
		v = *range;
	if (!fy_node_is_sequence(val) || fy_node_sequence_item_count(val) != 2)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "expected a range [low, high], got %s",
				  soma__ydescribe(val, buf, sizeof(buf)));
	for (int k = 0; k < 2; k++) {
		size_t old = soma__ypush_index(c, (size_t)k);

		item[k] = fy_node_sequence_get_by_index(val, k);
		rc = soma__ynumber(c, key, item[k], &v, &x[k]);
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	if (!(x[0] < x[1]))
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "range [%g, %g]: low must be below high", x[0],
				  x[1]);
	*lo = x[0];
	*hi = x[1];
	return SOMA_OK;
}

/* Did-you-mean among the system's names. */
static int unknown_name(struct soma__yctx *c, struct fy_node *key,
			const soma_system *s, const char *name, int vars,
			int pars)
{
	const soma_model *m = soma_system_model(s);
	struct soma__ysugg sg;
	char list[1024] = "", sugg[128];

	soma__ysugg_init(&sg);
	for (size_t k = 0; vars && k < soma_system_n_vars(s); k++) {
		soma__ysugg_add(&sg, name, soma_system_var_name(s, k));
		soma__ylist_add(list, sizeof(list), soma_system_var_name(s, k));
	}
	for (size_t k = 0; pars && k < m->n_params; k++) {
		soma__ysugg_add(&sg, name, m->params[k].name);
		soma__ylist_add(list, sizeof(list), m->params[k].name);
	}
	for (size_t k = 0; pars && k < soma_model_input_count(m); k++) {
		soma__ysugg_add(&sg, name, soma_model_input(m, k)->name);
		soma__ylist_add(list, sizeof(list), soma_model_input(m, k)->name);
	}
	return soma__yerr(c, key, NULL, SOMA_EPARSE,
			  "'%s' is no %s of model '%s'%s; valid: %s", name,
			  vars && pars ? "variable, parameter or input" :
			  vars ? "state variable" : "parameter or input",
			  m->name, soma__ysugg_str(&sg, sugg, sizeof(sugg)), list);
}

/* The valid range of parameter or input @name, or NULL for a variable. */
static const soma_var_info *par_info(const soma_model *m, const char *name)
{
	int k = soma_model_param_index(m, name);

	if (k >= 0)
		return &m->params[k];
	k = soma_model_input_index(m, name);
	return k >= 0 ? soma_model_input(m, (size_t)k) : NULL;
}

static int read_params(struct soma__yctx *c, struct fy_node *key,
		       struct fy_node *val, soma_analysis *a)
{
	const soma_model *m = soma_system_model(a->sys);
	struct fy_node_pair *p;
	void *it = NULL;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	rc = soma__ycheck_map(c, key, val, NULL,
			      "a mapping of parameter and input names to values");
	while (!rc && (p = fy_node_mapping_iterate(val, &it))) {
		const char *name = soma__ytext(PK(p));
		const soma_var_info *v = par_info(m, name);
		size_t old = soma__ypush(c, name);
		double x;

		if (!v && soma_model_state_index(m, name) >= 0)
			rc = soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
					"'%s' is a state variable: give its value in fixed_vars",
					name);
		else if (!v)
			rc = unknown_name(c, PK(p), a->sys, name, 0, 1);
		else
			rc = soma__ynumber(c, PK(p), PV(p), v, &x);
		if (!rc)
			rc = soma_system_set(a->sys, name, x) ?
				     soma__yerr(c, PV(p), PK(p), SOMA_ERANGE, "%s",
						soma_system_errmsg(a->sys)) :
				     SOMA_OK;
		soma__ypop(c, old);
	}
	return rc;
}

/* A mapping of variables to values (fixed_vars, a trajectory's start) into
 * @y. */
static int read_var_values(struct soma__yctx *c, struct fy_node *key,
			   struct fy_node *val, soma_analysis *a, double *y)
{
	struct fy_node_pair *p;
	void *it = NULL;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	rc = soma__ycheck_map(c, key, val, NULL,
			      "a mapping of state variables to values");
	while (!rc && (p = fy_node_mapping_iterate(val, &it))) {
		const char *name = soma__ytext(PK(p));
		int k = soma_system_var_index(a->sys, name);
		size_t old = soma__ypush(c, name);

		if (k < 0)
			rc = unknown_name(c, PK(p), a->sys, name, 1, 0);
		else
			rc = number_in(c, PK(p), PV(p), name,
				       soma_system_var_unit(a->sys, (size_t)k),
				       -INFINITY, INFINITY, &y[k]);
		soma__ypop(c, old);
	}
	return rc;
}

static int read_target_vars(struct soma__yctx *c, struct fy_node *key,
			    struct fy_node *val, soma_analysis *a)
{
	struct fy_node_pair *p;
	void *it = NULL;
	size_t max = a->kind == SOMA_ANALYSIS_PHASE_PLANE ? 2 : SOMA_ANALYSIS_MAX_DIM;
	int rc;

	rc = soma__ycheck_map(c, key, val, NULL,
			      "a mapping of state variables to ranges [low, high]");
	while (!rc && (p = fy_node_mapping_iterate(val, &it))) {
		const char *name = soma__ytext(PK(p));
		int k = soma_system_var_index(a->sys, name);
		size_t old = soma__ypush(c, name), n = a->box.n;

		if (k < 0) {
			rc = unknown_name(c, PK(p), a->sys, name, 1, 0);
		} else if (n == max) {
			rc = soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
					"a %s takes at most %zu target variables",
					a->kind == SOMA_ANALYSIS_PHASE_PLANE ?
						"phase plane" : "bifurcation analysis",
					max);
		} else {
			a->box.var[n] = k;
			rc = read_range(c, PK(p), PV(p), name,
					soma_system_var_unit(a->sys, (size_t)k),
					NULL, &a->box.lo[n], &a->box.hi[n]);
			a->box.n++;
		}
		soma__ypop(c, old);
	}
	if (!rc && a->box.n == 0)
		rc = soma__yerr(c, val, key, SOMA_EPARSE,
				"no target variable: expected at least one, e.g. V: [-80, 40]");
	return rc;
}

static int read_integrator(struct soma__yctx *c, struct fy_node *key,
			   struct fy_node *val, soma_analysis *a)
{
	static const char *const keys[] = { "method", "dt", "rtol", "atol", NULL };
	struct fy_node_pair *p;
	size_t old;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with method, dt, rtol and atol");
	if (!rc && (p = soma__yget(val, "method"))) {
		const char *text;

		old = soma__ypush(c, "method");
		rc = soma__yscalar(c, PK(p), PV(p), "a method (euler, rk2, rk4, exp_euler, rkf45, rk8pd, msbdf)",
				   &text);
		if (!rc && (soma_method_from_name(text, &a->flow.method) ||
			    a->flow.method == SOMA_METHOD_DEFAULT))
			rc = soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
					"unknown method '%s': expected euler, rk2, rk4, exp_euler, rkf45, rk8pd or msbdf",
					text);
		soma__ypop(c, old);
	}
	if (!rc && (p = soma__yget(val, "dt"))) {
		old = soma__ypush(c, "dt");
		rc = number_in(c, PK(p), PV(p), "dt", "ms", 0, INFINITY, &a->flow.dt);
		if (!rc && !(a->flow.dt > 0))
			rc = soma__yerr(c, PV(p), PK(p), SOMA_ERANGE,
					"dt must be above 0 ms");
		soma__ypop(c, old);
	}
	if (!rc && (p = soma__yget(val, "rtol"))) {
		old = soma__ypush(c, "rtol");
		rc = number_in(c, PK(p), PV(p), "rtol", "", 1e-14, 0.999,
			       &a->flow.rtol);
		soma__ypop(c, old);
	}
	if (!rc && (p = soma__yget(val, "atol"))) {
		old = soma__ypush(c, "atol");
		rc = number_in(c, PK(p), PV(p), "atol", "", 0, INFINITY,
			       &a->flow.atol);
		soma__ypop(c, old);
	}
	return rc;
}

/* true, false, or a mapping of @keys (*on = 1): *map gets the mapping. */
static int bool_or_map(struct soma__yctx *c, struct fy_node *key,
		       struct fy_node *val, const char *const *keys,
		       const char *expected, int *on, struct fy_node **map)
{
	*map = NULL;
	if (fy_node_is_mapping(val)) {
		*on = 1;
		*map = val;
		return soma__ycheck_map(c, key, val, keys, expected);
	}
	return soma__ybool(c, key, val, on);
}

static int read_uint(struct soma__yctx *c, struct fy_node *map, const char *name,
		     uint64_t min, uint64_t max, const char *what, unsigned *out)
{
	struct fy_node_pair *p = soma__yget(map, name);
	uint64_t v;
	size_t old;
	int rc;

	if (!p)
		return SOMA_OK;
	old = soma__ypush(c, name);
	rc = soma__yuint(c, PK(p), PV(p), min, max, what, &v);
	soma__ypop(c, old);
	if (!rc)
		*out = (unsigned)v;
	return rc;
}

static int read_num(struct soma__yctx *c, struct fy_node *map, const char *name,
		    const char *unit, double min, double max, double *out)
{
	struct fy_node_pair *p = soma__yget(map, name);
	size_t old;
	int rc;

	if (!p)
		return SOMA_OK;
	old = soma__ypush(c, name);
	rc = number_in(c, PK(p), PV(p), name, unit, min, max, out);
	soma__ypop(c, old);
	return rc;
}

static int read_fp_opts(struct soma__yctx *c, struct fy_node *parent,
			soma_fp_opts *fp, size_t n_dim)
{
	static const char *const keys[] = { "grid", "tol", NULL };
	struct fy_node_pair *p = soma__yget(parent, "fixed_points");
	size_t old;
	int rc;

	if (!p || soma__yis_null(PV(p)))
		return SOMA_OK;
	old = soma__ypush(c, "fixed_points");
	rc = soma__ycheck_map(c, PK(p), PV(p), keys, "a mapping with grid and tol");
	if (!rc) {
		/* at most 10^6 starting points in all */
		double lim = floor(pow(1e6, 1.0 / (double)(n_dim ? n_dim : 1)) + 1e-9);

		rc = read_uint(c, PV(p), "grid", 2, (uint64_t)lim,
			       n_dim <= 1 ? "starting points (at most 10^6)" :
			       "starting points per variable (at most 10^6 in all)",
			       &fp->grid);
	}
	if (!rc)
		rc = read_num(c, PV(p), "tol", "", 1e-15, 1e-2, &fp->tol);
	soma__ypop(c, old);
	return rc;
}

static int read_cycle_opts(struct soma__yctx *c, struct fy_node *parent,
			   const char *name, int *on, soma_cycle_opts *o)
{
	static const char *const keys[] = { "transient", "duration", "tol", NULL };
	struct fy_node_pair *p = soma__yget(parent, name);
	struct fy_node *map;
	size_t old;
	int rc;

	if (!p || soma__yis_null(PV(p)))
		return SOMA_OK;
	old = soma__ypush(c, name);
	rc = bool_or_map(c, PK(p), PV(p), keys,
			 "true, false or a mapping with transient, duration and tol",
			 on, &map);
	if (!rc && map)
		rc = read_num(c, map, "transient", "ms", 0, INFINITY, &o->transient);
	if (!rc && map) {
		rc = read_num(c, map, "duration", "ms", 0, INFINITY, &o->max_time);
		if (!rc && soma__yget(map, "duration") && !(o->max_time > 0))
			rc = soma__yerr(c, PV(soma__yget(map, "duration")), NULL,
					SOMA_ERANGE, "duration must be above 0 ms");
	}
	if (!rc && map)
		rc = read_num(c, map, "tol", "", 1e-12, 0.5, &o->tol);
	soma__ypop(c, old);
	return rc;
}

/* A phase-plane trajectory starts in the plane: the other variables are
 * held at their fixed_vars values (a start may repeat them, as the seed's
 * does). */
static int only_targets(struct soma__yctx *c, struct fy_node *map,
			soma_analysis *a, const double *y0)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(map, &it))) {
		int k = soma_system_var_index(a->sys, soma__ytext(PK(p)));
		int target = 0;

		for (size_t j = 0; j < a->box.n; j++)
			target |= a->box.var[j] == k;
		if (!target && y0[k] != a->sys->y[k]) {
			size_t old = soma__ypush(c, soma__ytext(PK(p)));
			int rc = soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
					    "%s = %g: '%s' is not a target variable; in the phase plane it is held at its fixed_vars value %g",
					    soma__ytext(PK(p)), y0[k], soma__ytext(PK(p)),
					    a->sys->y[k]);

			soma__ypop(c, old);
			return rc;
		}
	}
	return SOMA_OK;
}

static int read_trajectories(struct soma__yctx *c, struct fy_node *parent,
			     soma_analysis *a)
{
	static const char *const keys[] = { "start", "duration", "every", NULL };
	struct fy_node_pair *p = soma__yget(parent, "trajectories");
	char buf[64];
	size_t old, n;
	int rc = SOMA_OK;

	if (!p || soma__yis_null(PV(p)))
		return SOMA_OK;
	old = soma__ypush(c, "trajectories");
	if (!fy_node_is_sequence(PV(p))) {
		rc = soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
				"expected a list of {start: {VAR: value, ...}, duration: T}, got %s",
				soma__ydescribe(PV(p), buf, sizeof(buf)));
		goto out;
	}
	n = (size_t)fy_node_sequence_item_count(PV(p));
	a->traj = calloc(n ? n : 1, sizeof(*a->traj));
	if (!a->traj) {
		rc = soma__yerr(c, PV(p), PK(p), SOMA_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct fy_node *it = fy_node_sequence_get_by_index(PV(p), (int)i);
		struct soma__an_traj *t = &a->traj[a->n_traj++];
		struct fy_node_pair *q;
		size_t old2 = soma__ypush_index(c, i);

		memcpy(t->y0, a->sys->y, a->sys->n_var * sizeof(double));
		t->duration = 100.0;
		rc = soma__ycheck_map(c, PK(p), it, keys,
				      "a mapping with start and duration");
		if (!rc && (q = soma__yget(it, "start"))) {
			size_t old3 = soma__ypush(c, "start");

			rc = read_var_values(c, PK(q), PV(q), a, t->y0);
			if (!rc && a->kind == SOMA_ANALYSIS_PHASE_PLANE)
				rc = only_targets(c, PV(q), a, t->y0);
			soma__ypop(c, old3);
		}
		if (!rc && (q = soma__yget(it, "duration"))) {
			soma_var_info v = { "duration", "ms", 0, 0, 1e9,
					    SOMA_VAR_MIN_OPEN, NULL, NULL };
			size_t old3 = soma__ypush(c, "duration");

			rc = soma__ynumber(c, PK(q), PV(q), &v, &t->duration);
			soma__ypop(c, old3);
		}
		if (!rc)
			rc = read_uint(c, it, "every", 1, UINT32_MAX,
				       "steps between the rows written", &t->every);
		if (!rc) {
			double dt = a->flow.dt > 0 ? a->flow.dt : 0.01;
			double rows = t->duration / dt / (t->every ? t->every : 1);

			if (rows > 1e7)
				rc = soma__yerr(c, it, PK(p), SOMA_ERANGE,
						"%.3g ms at dt %g ms would keep %.3g rows (at most 10^7): raise every or dt",
						t->duration, dt, rows);
		}
		soma__ypop(c, old2);
	}
out:
	soma__ypop(c, old);
	return rc;
}

static int read_phase_plane(struct soma__yctx *c, struct fy_node *key,
			    struct fy_node *val, soma_analysis *a)
{
	static const char *const keys[] = { "nullclines", "fixed_points",
					    "vector_field", "trajectories",
					    "limit_cycle", NULL };
	static const char *const res_keys[] = { "resolution", NULL };
	static const char *const grid_keys[] = { "grid", NULL };
	struct fy_node_pair *p;
	struct fy_node *map;
	size_t old;
	int rc;

	if (soma__yis_null(val))
		return SOMA_OK;
	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with nullclines, fixed_points, vector_field, trajectories and limit_cycle");
	if (!rc && (p = soma__yget(val, "nullclines"))) {
		old = soma__ypush(c, "nullclines");
		rc = bool_or_map(c, PK(p), PV(p), res_keys,
				 "true, false or {resolution: N}", &a->nullclines, &map);
		if (!rc && map)
			rc = read_uint(c, map, "resolution", 4, 10000,
				       "grid points per variable", &a->nullcline_res);
		soma__ypop(c, old);
	}
	if (!rc)
		rc = read_fp_opts(c, val, &a->fp, a->box.n);
	if (!rc && (p = soma__yget(val, "vector_field"))) {
		old = soma__ypush(c, "vector_field");
		rc = bool_or_map(c, PK(p), PV(p), grid_keys,
				 "true, false or {grid: N}", &a->vector_field, &map);
		if (!rc && map)
			rc = read_uint(c, map, "grid", 2, 1000,
				       "arrows per variable", &a->vf_res);
		soma__ypop(c, old);
	}
	if (!rc && a->kind == SOMA_ANALYSIS_PHASE_PLANE)
		rc = read_trajectories(c, val, a);
	if (!rc)
		rc = read_cycle_opts(c, val, "limit_cycle", &a->limit_cycle, &a->cyc);
	return rc;
}

/* target_pars or slow_vars: one or two names with ranges. */
static int read_sweeps(struct soma__yctx *c, struct fy_node *key,
		       struct fy_node *val, soma_analysis *a, int slow)
{
	const soma_model *m = soma_system_model(a->sys);
	struct fy_node_pair *p;
	void *it = NULL;
	size_t n = 0;
	int rc;

	rc = soma__ycheck_map(c, key, val, NULL,
			      slow ? "a mapping of slow variables to ranges [low, high]" :
				     "a mapping of parameters or inputs to ranges [low, high]");
	while (!rc && (p = fy_node_mapping_iterate(val, &it))) {
		const char *name = soma__ytext(PK(p));
		const soma_var_info *v = par_info(m, name);
		int k = soma_system_var_index(a->sys, name);
		size_t old = soma__ypush(c, name);
		soma_sweep *sw = &a->bif.par[n];

		if (n == 2) {
			rc = soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
					"at most two parameters are swept");
		} else if (slow && k < 0) {
			rc = unknown_name(c, PK(p), a->sys, name, 1, 0);
		} else if (!slow && !v) {
			rc = k >= 0 ? soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
						 "'%s' is a state variable: sweep it under slow_vars (fast-slow analysis)",
						 name) :
				      unknown_name(c, PK(p), a->sys, name, 0, 1);
		} else {
			for (size_t j = 0; j < a->box.n; j++)
				if (a->box.var[j] == k)
					rc = soma__yerr(c, PK(p), NULL, SOMA_EPARSE,
							"'%s' is a target variable; a slow variable must not be",
							name);
			if (!rc)
				rc = read_range(c, PK(p), PV(p), name,
						slow ? soma_system_var_unit(a->sys, (size_t)k) : v->unit,
						slow ? NULL : v, &sw->from, &sw->to);
			if (!rc) {
				a->par_name[n] = soma__strdup(name);
				if (!a->par_name[n])
					rc = soma__yerr(c, PK(p), NULL, SOMA_ENOMEM,
							"out of memory");
				sw->name = a->par_name[n];
				n++;
			}
		}
		soma__ypop(c, old);
	}
	if (!rc && n == 0)
		rc = soma__yerr(c, val, key, SOMA_EPARSE,
				"expected one or two names with ranges");
	if (!rc && slow)
		a->fast_slow = 1;
	return rc;
}

/* Every value of the sweep (the grid of two) must be one the model takes:
 * its prepare may refuse combinations (V_reset >= V_th). Refused here,
 * with the file position, rather than half-way through the run. */
static int check_sweeps(struct soma__yctx *c, struct fy_node *map,
			soma_analysis *a)
{
	const soma_sweep *sw = a->bif.par;
	unsigned n0 = sw[0].points ? sw[0].points : 200;
	unsigned n1 = sw[1].name ? (sw[1].points ? sw[1].points : 200) : 1;
	double orig[2] = { 0, 0 }, x[2];
	int rc = SOMA_OK;

	for (int k = 0; k < 2 && sw[k].name; k++)
		soma_system_get(a->sys, sw[k].name, &orig[k]);
	for (unsigned i = 0; i < n0 && !rc; i++) {
		x[0] = sw[0].from + (sw[0].to - sw[0].from) * i / (n0 - 1);
		soma_system_set(a->sys, sw[0].name, x[0]);
		for (unsigned j = 0; j < n1 && !rc; j++) {
			if (sw[1].name) {
				x[1] = sw[1].from + (sw[1].to - sw[1].from) * j /
				       (n1 - 1);
				soma_system_set(a->sys, sw[1].name, x[1]);
			}
			if (soma__sys_ready(a->sys)) {
				struct fy_node_pair *p = soma__yget(map, sw[0].name);
				size_t o1 = soma__ypush(c, "target_pars");
				size_t o2 = soma__ypush(c, sw[0].name);

				rc = soma__yerr(c, PV(p), PK(p), SOMA_ERANGE,
						"the model refuses the value %g of the sweep: %s",
						x[0], soma_system_errmsg(a->sys));
				soma__ypop(c, o2);
				soma__ypop(c, o1);
			}
		}
	}
	for (int k = 0; k < 2 && sw[k].name; k++)
		soma_system_set(a->sys, sw[k].name, orig[k]);
	return rc;
}

static int read_bifurcation(struct soma__yctx *c, struct fy_node *key,
			    struct fy_node *val, soma_analysis *a)
{
	static const char *const keys[] = { "target_pars", "slow_vars", "points",
					    "fixed_points", "cycles",
					    "trajectories", NULL };
	struct fy_node_pair *p, *q;
	size_t old;
	int rc;

	rc = soma__ycheck_map(c, key, val, keys,
			      "a mapping with target_pars or slow_vars, points, fixed_points, cycles and trajectories");
	if (rc)
		return rc;
	p = soma__yget(val, "target_pars");
	q = soma__yget(val, "slow_vars");
	if (p && q)
		return soma__yerr(c, PK(q), NULL, SOMA_EPARSE,
				  "give target_pars or slow_vars, not both");
	if (!p && !q)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "missing target_pars (parameters to sweep) or slow_vars (fast-slow analysis)");
	old = soma__ypush(c, p ? "target_pars" : "slow_vars");
	rc = read_sweeps(c, PK(p ? p : q), PV(p ? p : q), a, q != NULL);
	soma__ypop(c, old);
	if (!rc)
		rc = read_uint(c, val, "points", 2, 100000,
			       "values per parameter", &a->bif.par[0].points);
	a->bif.par[1].points = a->bif.par[0].points;
	if (!rc && a->bif.par[1].name && a->bif.par[0].points > 1000)
		rc = soma__yerr(c, PV(soma__yget(val, "points")), NULL,
				SOMA_ERANGE,
				"%u values per parameter on a grid of two: at most 1000",
				a->bif.par[0].points);
	if (!rc && !a->fast_slow)
		rc = check_sweeps(c, PV(p ? p : q), a);
	if (!rc)
		rc = read_fp_opts(c, val, &a->bif.fp, a->box.n);
	if (!rc)
		rc = read_cycle_opts(c, val, "cycles", &a->bif.cycles, &a->bif.cycle);
	if (!rc && a->bif.cycles && a->bif.par[1].name)
		rc = soma__yerr(c, PK(soma__yget(val, "cycles")), NULL,
				SOMA_EPARSE,
				"limit cycles are followed along one parameter only");
	if (!rc && a->kind == SOMA_ANALYSIS_BIFURCATION)
		rc = read_trajectories(c, val, a);
	return rc;
}

static int read_outputs(struct soma__yctx *c, struct fy_node *key,
			struct fy_node *val, soma_analysis *a)
{
	return soma__yread_outputs(c, key, val, &a->outdir, &a->plots);
}

/* Read section @name of the root with @fn, its key on the path. */
static int section(struct soma__yctx *c, struct fy_node *root, const char *name,
		   int (*fn)(struct soma__yctx *, struct fy_node *,
			     struct fy_node *, soma_analysis *),
		   soma_analysis *a)
{
	struct fy_node_pair *p = soma__yget(root, name);
	size_t old;
	int rc;

	if (!p)
		return SOMA_OK;
	old = soma__ypush(c, name);
	rc = fn(c, PK(p), PV(p), a);
	soma__ypop(c, old);
	return rc;
}

int soma__analysis_read(struct soma__yctx *c, soma_analysis *a)
{
	struct fy_node *root = fy_document_root(c->fyd);
	struct fy_node_pair *p;
	const soma_model *m;
	const char *name;
	char list[2048] = "", sugg[128];
	struct soma__ysugg sg;
	size_t old;
	int rc;

	rc = soma__analysis_check_top(c, 0);
	if (!rc)
		rc = soma__yrequire(c, NULL, root, "model",
				    "the name of a built-in neuron model", &p);
	if (rc)
		return rc;
	old = soma__ypush(c, "model");
	rc = soma__yscalar(c, PK(p), PV(p), "the name of a built-in neuron model",
			   &name);
	if (rc)
		return rc;
	m = soma_model_find(name);
	if (!m || soma_system_from_model(m, &a->sys) == SOMA_EINVAL) {
		soma__ysugg_init(&sg);
		for (size_t k = 0; k < soma_model_count(); k++) {
			const soma_model *mk = soma_model_at(k);

			if (mk->kind != SOMA_MODEL_NEURON || !mk->ops || !mk->ops->rhs)
				continue;
			soma__ysugg_add(&sg, name, mk->name);
			soma__ylist_add(list, sizeof(list), mk->name);
		}
		return soma__yerr(c, PV(p), PK(p), SOMA_EPARSE,
				  m ? "model '%s' has no differential equations to analyse%s; models that have: %s" :
				      "unknown model '%s'%s; models with differential equations: %s",
				  name, soma__ysugg_str(&sg, sugg, sizeof(sugg)), list);
	}
	if (!a->sys)
		return soma__yerr(c, PV(p), PK(p), SOMA_ENOMEM, "out of memory");
	soma__ypop(c, old);

	rc = section(c, root, "params", read_params, a);
	if (!rc && (p = soma__yget(root, "fixed_vars"))) {
		old = soma__ypush(c, "fixed_vars");
		rc = read_var_values(c, PK(p), PV(p), a, a->sys->y);
		soma__ypop(c, old);
	}
	if (!rc)
		rc = soma__yrequire(c, NULL, root, "target_vars",
				    "the variables to analyse with their ranges", &p);
	if (!rc) {
		old = soma__ypush(c, "target_vars");
		rc = read_target_vars(c, PK(p), PV(p), a);
		soma__ypop(c, old);
	}
	if (!rc)
		rc = section(c, root, "integrator", read_integrator, a);
	if (!rc)
		rc = section(c, root, "phase_plane", read_phase_plane, a);
	if (!rc && a->kind == SOMA_ANALYSIS_BIFURCATION &&
	    !soma__yget(root, "bifurcation"))
		rc = soma__yrequire(c, NULL, root, "bifurcation",
				    "the parameters to sweep (target_pars or slow_vars)", &p);
	if (!rc)
		rc = section(c, root, "bifurcation", read_bifurcation, a);
	if (!rc)
		rc = section(c, root, "outputs", read_outputs, a);
	/* the model's own checks of its parameter combination */
	if (!rc && soma__sys_ready(a->sys))
		rc = soma__yerr(c, PV(soma__yget(root, "params")), NULL,
				SOMA_ERANGE, "%s", soma_system_errmsg(a->sys));
	return rc;
}
