/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Systems to analyse (analysis.h): a built-in neuron model for one neuron,
 * or a function of the caller's, with named variables and parameters.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "analysis/analysis_internal.h"

int soma__sys_err(soma_system *s, int status, const char *fmt, ...)
{
	va_list ap;

	if (s) {
		va_start(ap, fmt);
		vsnprintf(s->err, sizeof(s->err), fmt, ap);
		va_end(ap);
	}
	return status;
}

static int integrated(const soma_model *m)
{
	return m && m->kind == SOMA_MODEL_NEURON && m->ops && m->ops->rhs;
}

int soma_system_from_model(const soma_model *m, soma_system **out)
{
	soma_system *s;

	if (!out)
		return SOMA_EINVAL;
	*out = NULL;
	if (!integrated(m) || m->n_state > SOMA__SYS_MAX_VARS ||
	    soma_model_input_count(m) > 8)
		return SOMA_EINVAL;
	/* GSL's default handler aborts; soma reads GSL's status codes */
	gsl_set_error_handler_off();
	s = calloc(1, sizeof(*s));
	if (!s)
		return SOMA_ENOMEM;
	s->model = m;
	s->n_var = m->n_state;
	s->n_par = m->n_params;
	s->n_in = soma_model_input_count(m);
	s->y = calloc(s->n_var, sizeof(double));
	s->y_set = calloc(s->n_var, 1);
	s->par = calloc(s->n_par ? s->n_par : 1, sizeof(double));
	s->in = calloc(s->n_in ? s->n_in : 1, sizeof(double));
	if (!s->y || !s->y_set || !s->par || !s->in) {
		soma_system_destroy(s);
		return SOMA_ENOMEM;
	}
	for (size_t k = 0; k < s->n_par; k++)
		s->par[k] = m->params[k].def;
	for (size_t k = 0; k < s->n_var; k++) {
		const soma_var_info *v = &m->state[k];
		int pi = v->def_param ? soma_model_param_index(m, v->def_param) : -1;

		s->y[k] = pi >= 0 ? s->par[pi] : v->def;
	}
	for (size_t k = 0; k < s->n_in; k++)
		s->inp[k] = &s->in[k];
	s->pop.model = m;
	s->pop.n = 1;
	s->pop.param = s->par;
	s->pop.ref = &s->ref0;
	s->pop.g = &s->g0;
	s->pop.method = (int)soma_model_default_method(m);
	*out = s;
	return SOMA_OK;
}

static int valid_name(const char *n)
{
	return n && n[0];
}

int soma_system_new(size_t n_var, const char *const *var_names, size_t n_par,
		    const char *const *par_names, const double *par_values,
		    soma_system_fn f, void *ctx, soma_system **out)
{
	soma_system *s;

	if (!out)
		return SOMA_EINVAL;
	*out = NULL;
	if (n_var == 0 || n_var > SOMA__SYS_MAX_VARS || !var_names || !f ||
	    (n_par && (!par_names || !par_values)))
		return SOMA_EINVAL;
	for (size_t i = 0; i < n_var + n_par; i++) {
		const char *a = i < n_var ? var_names[i] : par_names[i - n_var];

		if (!valid_name(a))
			return SOMA_EINVAL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a, j < n_var ? var_names[j] : par_names[j - n_var]))
				return SOMA_EINVAL;
	}
	gsl_set_error_handler_off();
	s = calloc(1, sizeof(*s));
	if (!s)
		return SOMA_ENOMEM;
	s->n_var = n_var;
	s->n_par = n_par;
	s->f = f;
	s->ctx = ctx;
	s->y = calloc(n_var, sizeof(double));
	s->y_set = calloc(n_var, 1);
	s->par = calloc(n_par ? n_par : 1, sizeof(double));
	s->in = calloc(1, sizeof(double));
	s->var_name = calloc(n_var, sizeof(char *));
	s->var_unit = calloc(n_var, sizeof(char *));
	s->par_name = calloc(n_par ? n_par : 1, sizeof(char *));
	s->par_unit = calloc(n_par ? n_par : 1, sizeof(char *));
	if (!s->y || !s->y_set || !s->par || !s->in || !s->var_name || !s->var_unit ||
	    !s->par_name || !s->par_unit)
		goto nomem;
	for (size_t k = 0; k < n_var; k++)
		if (!(s->var_name[k] = soma__strdup(var_names[k])))
			goto nomem;
	for (size_t k = 0; k < n_par; k++) {
		if (!(s->par_name[k] = soma__strdup(par_names[k])))
			goto nomem;
		s->par[k] = par_values[k];
	}
	s->prepared = 1;
	*out = s;
	return SOMA_OK;
nomem:
	soma_system_destroy(s);
	return SOMA_ENOMEM;
}

void soma_system_destroy(soma_system *s)
{
	if (!s)
		return;
	for (size_t k = 0; s->var_name && k < s->n_var; k++)
		free(s->var_name[k]);
	for (size_t k = 0; s->var_unit && k < s->n_var; k++)
		free(s->var_unit[k]);
	for (size_t k = 0; s->par_name && k < s->n_par; k++)
		free(s->par_name[k]);
	for (size_t k = 0; s->par_unit && k < s->n_par; k++)
		free(s->par_unit[k]);
	free(s->var_name);
	free(s->var_unit);
	free(s->par_name);
	free(s->par_unit);
	free(s->y);
	free(s->y_set);
	free(s->par);
	free(s->in);
	free(s);
}

void soma_system_set_interrupt(soma_system *s, const volatile sig_atomic_t *flag)
{
	if (s)
		s->stop = flag;
}

int soma__sys_cancelled(soma_system *s)
{
	return soma__sys_err(s, SOMA_ECANCELED, "interrupted");
}

const char *soma_system_errmsg(const soma_system *s)
{
	return s ? s->err : "";
}

size_t soma_system_n_vars(const soma_system *s)
{
	return s ? s->n_var : 0;
}

const char *soma_system_var_name(const soma_system *s, size_t k)
{
	if (!s || k >= s->n_var)
		return NULL;
	return s->model ? s->model->state[k].name : s->var_name[k];
}

const char *soma_system_var_unit(const soma_system *s, size_t k)
{
	if (!s || k >= s->n_var)
		return NULL;
	if (s->model)
		return s->model->state[k].unit;
	return s->var_unit[k] ? s->var_unit[k] : "";
}

int soma_system_var_index(const soma_system *s, const char *name)
{
	if (!s || !name)
		return -1;
	for (size_t k = 0; k < s->n_var; k++)
		if (!strcmp(soma_system_var_name(s, k), name))
			return (int)k;
	return -1;
}

const soma_model *soma_system_model(const soma_system *s)
{
	return s ? s->model : NULL;
}

/* Where @name lives: 0 variable, 1 parameter, 2 input; -1 none. */
static int lookup(const soma_system *s, const char *name, size_t *idx)
{
	int k = soma_system_var_index(s, name);

	if (k >= 0) {
		*idx = (size_t)k;
		return 0;
	}
	if (!name)
		return -1;
	if (s->model) {
		k = soma_model_param_index(s->model, name);
		if (k >= 0) {
			*idx = (size_t)k;
			return 1;
		}
		k = soma_model_input_index(s->model, name);
		if (k >= 0) {
			*idx = (size_t)k;
			return 2;
		}
		return -1;
	}
	for (size_t j = 0; j < s->n_par; j++)
		if (!strcmp(s->par_name[j], name)) {
			*idx = j;
			return 1;
		}
	return -1;
}

void soma__sys_list_names(const soma_system *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
#define ADD(str)                                                             \
	do {                                                                 \
		int w_ = snprintf(buf + used, len - used, "%s%s",            \
				  used ? ", " : "", (str));                  \
		if (w_ > 0 && (size_t)w_ < len - used)                       \
			used += (size_t)w_;                                  \
	} while (0)
	for (size_t k = 0; k < s->n_var; k++)
		ADD(soma_system_var_name(s, k));
	for (size_t k = 0; k < s->n_par; k++)
		ADD(s->model ? s->model->params[k].name : s->par_name[k]);
	for (size_t k = 0; k < s->n_in; k++)
		ADD(soma_model_input(s->model, k)->name);
#undef ADD
}

int soma_system_set_unit(soma_system *s, const char *name, const char *unit)
{
	size_t i;
	int where;
	char **slot, *copy;

	if (!s || !unit)
		return SOMA_EINVAL;
	where = lookup(s, name, &i);
	if (where < 0 || s->model)
		return soma__sys_err(s, SOMA_ENOENT,
				     "'%s' is no variable or parameter of a user system",
				     name ? name : "(null)");
	slot = where == 0 ? &s->var_unit[i] : &s->par_unit[i];
	copy = soma__strdup(unit);
	if (!copy)
		return SOMA_ENOMEM;
	free(*slot);
	*slot = copy;
	return SOMA_OK;
}

int soma_system_set(soma_system *s, const char *name, double value)
{
	char names[1024], range[96];
	size_t i;
	int where;

	if (!s)
		return SOMA_EINVAL;
	where = lookup(s, name, &i);
	if (where < 0) {
		soma__sys_list_names(s, names, sizeof(names));
		return soma__sys_err(s, SOMA_ENOENT,
				     "'%s' is no variable, parameter or input of %s "
				     "(valid: %s)", name ? name : "(null)",
				     s->model ? s->model->name : "the system", names);
	}
	if (!isfinite(value))
		return soma__sys_err(s, SOMA_ERANGE, "%s = %g: not a finite number",
				     name, value);
	switch (where) {
	case 0:
		s->y[i] = value;
		s->y_set[i] = 1;
		break;
	case 1:
		if (s->model && !soma_var_in_range(&s->model->params[i], value))
			return soma__sys_err(
				s, SOMA_ERANGE, "%s = %g %s: outside its valid range %s",
				name, value, s->model->params[i].unit,
				soma_var_range_str(&s->model->params[i], range,
						   sizeof(range)));
		if (s->par[i] != value)
			s->prepared = s->model ? 0 : 1;
		s->par[i] = value;
		/* V = V_rest: a state not set itself follows its parameter */
		for (size_t k = 0; s->model && k < s->n_var; k++) {
			const char *dp = s->model->state[k].def_param;

			if (!s->y_set[k] && dp && !strcmp(dp, name))
				s->y[k] = value;
		}
		break;
	default:
		s->in[i] = value;
		break;
	}
	return SOMA_OK;
}

int soma_system_get(const soma_system *s, const char *name, double *value)
{
	size_t i;
	int where;

	if (!s || !value)
		return SOMA_EINVAL;
	where = lookup(s, name, &i);
	if (where < 0)
		return SOMA_ENOENT;
	*value = where == 0 ? s->y[i] : where == 1 ? s->par[i] : s->in[i];
	return SOMA_OK;
}

const char *soma_system_unit(const soma_system *s, const char *name)
{
	size_t i;
	int where;

	if (!s)
		return NULL;
	where = lookup(s, name, &i);
	if (where < 0)
		return NULL;
	if (where == 0)
		return soma_system_var_unit(s, i);
	if (where == 1)
		return s->model ? s->model->params[i].unit :
				  (s->par_unit[i] ? s->par_unit[i] : "");
	return soma_model_input(s->model, i)->unit;
}

int soma__sys_ready(soma_system *s)
{
	char err[512];

	if (s->prepared)
		return s->prep_status;
	s->prepared = 1;
	s->prep_status = SOMA_OK;
	if (s->model->ops->pop_prepare) {
		err[0] = '\0';
		if (s->model->ops->pop_prepare(&s->pop, 0.01, err, sizeof(err))) {
			s->prep_status = SOMA_ERANGE;
			soma__sys_err(s, SOMA_ERANGE, "%s: %s", s->model->name,
				      err[0] ? err : "parameters refused");
		}
	}
	return s->prep_status;
}

int soma__sys_eval(soma_system *s, const double *y, double *dydt)
{
	if (s->model) {
		const soma_model *m = s->model;
		double *sp[SOMA__SYS_MAX_VARS], *dp[SOMA__SYS_MAX_VARS];
		double st[SOMA__SYS_MAX_VARS];
		struct soma__blk b;
		int n_ode = m->ops->n_ode ? m->ops->n_ode : (int)m->n_state;

		for (size_t k = 0; k < s->n_var; k++) {
			st[k] = y[k];
			sp[k] = &st[k];
			dp[k] = &dydt[k];
			dydt[k] = 0;
		}
		b.lo = 0;
		b.n = 1;
		b.in = s->inp;
		b.g = &s->g0;
		m->ops->rhs(&s->pop, &b, (const double *const *)sp, dp, NULL);
		for (size_t k = (size_t)n_ode; k < s->n_var; k++)
			dydt[k] = 0;
	} else if (s->f(s->ctx, y, s->par, dydt)) {
		return SOMA_ENUMERIC;
	}
	for (size_t k = 0; k < s->n_var; k++)
		if (!isfinite(dydt[k]))
			return SOMA_ENUMERIC;
	return SOMA_OK;
}

int soma__sys_eval_box(soma_system *s, const soma_box *box, const double *x,
		       double *fx)
{
	double y[SOMA__SYS_MAX_VARS], dy[SOMA__SYS_MAX_VARS];
	int rc;

	memcpy(y, s->y, s->n_var * sizeof(double));
	for (size_t k = 0; k < box->n; k++)
		y[box->var[k]] = x[k];
	rc = soma__sys_eval(s, y, dy);
	for (size_t k = 0; k < box->n; k++)
		fx[k] = dy[box->var[k]];
	return rc;
}

int soma__sys_check_box(soma_system *s, const soma_box *box)
{
	if (!box || box->n < 1 || box->n > SOMA_ANALYSIS_MAX_DIM)
		return soma__sys_err(s, SOMA_EINVAL,
				     "an analysis takes 1 to %d target variables",
				     SOMA_ANALYSIS_MAX_DIM);
	for (size_t k = 0; k < box->n; k++) {
		if (box->var[k] < 0 || (size_t)box->var[k] >= s->n_var)
			return soma__sys_err(s, SOMA_EINVAL,
					     "target variable %zu: no variable with index %d",
					     k, box->var[k]);
		for (size_t j = 0; j < k; j++)
			if (box->var[j] == box->var[k])
				return soma__sys_err(s, SOMA_EINVAL,
						     "target variable '%s' given twice",
						     soma_system_var_name(s, (size_t)box->var[k]));
		if (!isfinite(box->lo[k]) || !isfinite(box->hi[k]) ||
		    !(box->lo[k] < box->hi[k]))
			return soma__sys_err(s, SOMA_EINVAL,
					     "target variable '%s': range [%g, %g] must "
					     "be finite with lower < upper",
					     soma_system_var_name(s, (size_t)box->var[k]),
					     box->lo[k], box->hi[k]);
	}
	return SOMA_OK;
}

int soma_system_rhs(soma_system *s, const double *y, double *dydt)
{
	int rc;

	if (!s || !dydt)
		return SOMA_EINVAL;
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	rc = soma__sys_eval(s, y ? y : s->y, dydt);
	if (rc)
		return soma__sys_err(s, rc, "the right-hand side is not finite "
				     "at this state");
	return SOMA_OK;
}

/* ---- the system as an ODE for the integrators ---------------------------- */

static void ode_f(void *ctx, uint32_t off, uint32_t n, const double *const *y,
		  double *const *dy, double *const *diag)
{
	struct soma__sys_ode_ctx *c = ctx;
	soma_system *s = c->s;
	size_t nv = s->n_var;

	(void)off;
	for (uint32_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nv; k++)
			c->yb[k] = y[k][i];
		if (soma__sys_eval(s, c->yb, c->db)) {
			c->failed = 1;
			for (size_t k = 0; k < nv; k++)
				c->db[k] = NAN;
		}
		for (size_t k = 0; k < nv; k++)
			dy[k][i] = c->held[k] ? 0.0 : c->db[k];
		if (!diag)
			continue;
		/* df_k/dy_k by a forward difference (exponential Euler, msbdf) */
		for (size_t k = 0; k < nv; k++) {
			double h, save = c->yb[k], d1[SOMA__SYS_MAX_VARS];

			if (c->held[k]) {
				diag[k][i] = 0.0;
				continue;
			}
			h = 1e-7 * fmax(fabs(save), 1e-3);
			c->yb[k] = save + h;
			if (soma__sys_eval(s, c->yb, d1))
				d1[k] = NAN;
			c->yb[k] = save;
			diag[k][i] = (d1[k] - dy[k][i]) / h;
		}
	}
}

void soma__sys_ode(soma_system *s, const soma_box *box,
		   struct soma__sys_ode_ctx *ctx, struct soma__ode *ode)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->s = s;
	for (size_t k = 0; k < s->n_var; k++)
		ctx->held[k] = box != NULL;
	for (size_t k = 0; box && k < box->n; k++)
		ctx->held[box->var[k]] = 0;
	ode->n_var = (int)s->n_var;
	ode->f = ode_f;
	ode->ctx = ctx;
}
