/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Integration of neuron populations (integrator.h): methods by name, the
 * per-population choice, the block loop that runs a model's right-hand side
 * through soma__ode_step, the threshold helpers, and soma_model_rhs().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/internal.h"

/* Neurons per block: the stage arrays of a block stay in the L1/L2 cache. */
#define BLOCK 256

static const char *const method_names[SOMA_METHOD_COUNT] = {
	[SOMA_METHOD_DEFAULT] = "default", [SOMA_METHOD_EULER] = "euler",
	[SOMA_METHOD_RK2] = "rk2",         [SOMA_METHOD_RK4] = "rk4",
	[SOMA_METHOD_EXP_EULER] = "exp_euler", [SOMA_METHOD_RKF45] = "rkf45",
	[SOMA_METHOD_RK8PD] = "rk8pd",     [SOMA_METHOD_MSBDF] = "msbdf",
};

const char *soma_method_name(soma_method m)
{
	return (unsigned)m < SOMA_METHOD_COUNT ? method_names[m] : NULL;
}

int soma_method_from_name(const char *name, soma_method *out)
{
	if (!out)
		return SOMA_EINVAL;
	if (!name)
		return SOMA_ENOENT;
	if (strcmp(name, "rk45") == 0) {
		*out = SOMA_METHOD_RKF45;
		return SOMA_OK;
	}
	for (int m = 0; m < SOMA_METHOD_COUNT; m++)
		if (strcmp(name, method_names[m]) == 0) {
			*out = (soma_method)m;
			return SOMA_OK;
		}
	return SOMA_ENOENT;
}

static int integrated(const soma_model *m)
{
	return m && m->kind == SOMA_MODEL_NEURON && m->ops && m->ops->rhs;
}

soma_method soma_model_default_method(const soma_model *m)
{
	if (!integrated(m))
		return SOMA_METHOD_DEFAULT;
	return m->ops->default_method ? (soma_method)m->ops->default_method
				      : SOMA_METHOD_EULER;
}

int soma_population_set_method(soma_network *net, int pop, soma_method m)
{
	struct soma__pop *p;

	if (!net)
		return SOMA_EINVAL;
	if (pop < 0 || pop >= net->n_pops)
		return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
	p = net->pops[pop];
	if ((unsigned)m >= SOMA_METHOD_COUNT)
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s': %d is not a method", p->name, (int)m);
	if (!integrated(p->model))
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s': model '%s' has no differential equations to integrate",
				    p->name, p->model->name);
	if (net->started)
		return soma__seterr(net, SOMA_ESTATE,
				    "population '%s': the method cannot change after the first step",
				    p->name);
	p->method_set = m != SOMA_METHOD_DEFAULT;
	p->method = m == SOMA_METHOD_DEFAULT ? (int)soma_model_default_method(p->model)
					     : (int)m;
	net->prepared = 0;
	return SOMA_OK;
}

soma_method soma_population_method(const soma_network *net, int pop)
{
	if (!net || pop < 0 || pop >= net->n_pops ||
	    !integrated(net->pops[pop]->model))
		return SOMA_METHOD_DEFAULT;
	return (soma_method)net->pops[pop]->method;
}

int soma_population_set_tolerance(soma_network *net, int pop, double rtol,
				  double atol)
{
	struct soma__pop *p;

	if (!net)
		return SOMA_EINVAL;
	if (pop < 0 || pop >= net->n_pops)
		return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
	p = net->pops[pop];
	if (!integrated(p->model))
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s': model '%s' has no differential equations to integrate",
				    p->name, p->model->name);
	if (!(rtol >= 1e-14 && rtol < 1) || !(atol >= 0) || !isfinite(atol))
		return soma__seterr(net, SOMA_ERANGE,
				    "population '%s': tolerances rtol = %g, atol = %g: rtol must be in [1e-14, 1) and atol finite and >= 0",
				    p->name, rtol, atol);
	if (net->started)
		return soma__seterr(net, SOMA_ESTATE,
				    "population '%s': tolerances cannot change after the first step",
				    p->name);
	p->rtol = rtol;
	p->atol = atol;
	net->prepared = 0;
	return SOMA_OK;
}

/* ---- the block loop ---------------------------------------------------- */

struct pop_ctx {
	const struct soma__pop *p;
	struct soma__blk blk;
	const double *in[8];
	const int32_t *ref; /* the block's refractory counters */
};

/* The model's right-hand side, with dV/dt = 0 for refractory neurons, on
 * neurons [off, off + n) of the block. */
static void pop_f(void *ctx, uint32_t off, uint32_t n, const double *const *y,
		  double *const *dy, double *const *diag)
{
	struct pop_ctx *c = ctx;
	const int v = c->p->model->ops->v_index;
	const int32_t *ref = c->ref + off;
	const double *in[8];
	struct soma__blk b = c->blk;

	for (int k = 0; k < c->p->n_in && k < 8; k++)
		in[k] = c->in[k] + off;
	b.lo = c->blk.lo + off;
	b.n = n;
	b.in = in;
	b.g = c->blk.g + off;
	c->p->model->ops->rhs(c->p, &b, y, dy, diag);
	if (v >= 0) {
		double *restrict dv = dy[v];
		for (uint32_t i = 0; i < n; i++)
			if (ref[i] > 0)
				dv[i] = 0;
		if (diag)
			for (uint32_t i = 0; i < n; i++)
				if (ref[i] > 0)
					diag[v][i] = 0;
	}
}

/* Per-block results of soma__pop_chunks(). */
struct soma__blk_result {
	uint32_t n_spk;
	int status;
	uint32_t bad_index;
	int bad_var;
	const char *bad_why;
};

static void free_works(struct soma__pop *p)
{
	for (int t = 0; p->works && t < p->n_works; t++)
		soma__ode_work_free(p->works[t]);
	free(p->works);
	p->works = NULL;
	p->work = NULL;
	p->n_works = 0;
}

void soma__pop_work_free(struct soma__pop *p)
{
	free_works(p);
	free(p->h);
	free(p->V_old);
	free(p->spk_blk);
	free(p->blk_res);
	p->h = NULL;
	p->V_old = NULL;
	p->spk_blk = NULL;
	p->blk_res = NULL;
}

int soma__pop_work_prepare(struct soma__pop *p, int threads)
{
	const int n_ode = p->model->ops->n_ode ? p->model->ops->n_ode
					       : (int)p->model->n_state;
	uint32_t cap = p->method == SOMA_METHOD_RK8PD || p->method == SOMA_METHOD_MSBDF
			       ? 1
			       : (p->n < BLOCK ? p->n : BLOCK);
	int nt = threads > 0 ? threads : omp_get_max_threads();

	soma__pop_work_free(p);
	if (nt < 1)
		nt = 1;
	p->works = calloc((size_t)nt, sizeof(*p->works));
	p->V_old = malloc((size_t)nt * BLOCK * sizeof(double));
	p->spk_blk = malloc(p->n * sizeof(uint32_t));
	p->blk_res = malloc(p->n * sizeof(struct soma__blk_result));
	if (!p->works || !p->V_old || !p->spk_blk || !p->blk_res)
		goto nomem;
	p->n_works = nt;
	for (int t = 0; t < nt; t++) {
		p->works[t] = soma__ode_work_new(p->method, n_ode, cap, p->rtol,
						 p->atol);
		if (!p->works[t])
			goto nomem;
	}
	p->work = p->works[0];
	if (p->method == SOMA_METHOD_RKF45 || p->method == SOMA_METHOD_RK8PD ||
	    p->method == SOMA_METHOD_MSBDF) {
		p->h = calloc(p->n, sizeof(double));
		if (!p->h)
			goto nomem;
	}
	return SOMA_OK;
nomem:
	soma__pop_work_free(p);
	return SOMA_ENOMEM;
}

int soma__pop_chunks(struct soma__pop *p, uint32_t chunk, uint32_t min_parallel,
		     int (*fn)(struct soma__pop *tp, uint32_t lo, uint32_t hi,
			       void *ctx),
		     void *ctx)
{
	struct soma__blk_result *res = p->blk_res;
	const long nb = (long)((p->n + chunk - 1) / chunk);
	const int par = nb >= 2 && p->n >= min_parallel && p->n_works > 1;
	uint32_t n_spk = 0;

#pragma omp parallel for schedule(dynamic, 1) num_threads(p->n_works) if (par)
	for (long b = 0; b < nb; b++) {
		struct soma__pop tp = *p;
		uint32_t lo = (uint32_t)b * chunk;
		uint32_t hi = p->n - lo < chunk ? p->n : lo + chunk;

		tp.spk = p->spk_blk + lo;
		tp.n_spk = 0;
		tp.bad_why = NULL;
		res[b].status = fn(&tp, lo, hi, ctx);
		res[b].n_spk = tp.n_spk;
		res[b].bad_index = tp.bad_index;
		res[b].bad_var = tp.bad_var;
		res[b].bad_why = tp.bad_why;
	}
	/* gather in block order: the same spikes in the same order for any
	 * number of threads */
	for (long b = 0; b < nb; b++) {
		if (res[b].status) {
			p->n_spk = n_spk;
			p->bad_index = res[b].bad_index;
			p->bad_var = res[b].bad_var;
			p->bad_why = res[b].bad_why;
			return res[b].status;
		}
		memmove(p->spk + n_spk, p->spk_blk + (uint32_t)b * chunk,
			res[b].n_spk * sizeof(uint32_t));
		n_spk += res[b].n_spk;
	}
	p->n_spk = n_spk;
	return SOMA_OK;
}

/* One block [lo, hi) of an integrated population, on the calling thread's
 * work space; tp is the thread's view of the population. */
static int integrate_block(struct soma__pop *tp, uint32_t lo, uint32_t hi,
			   void *ctx)
{
	const double dt = *(const double *)ctx;
	const struct soma__model_ops *ops = tp->model->ops;
	const int n_ode = ops->n_ode ? ops->n_ode : (int)tp->model->n_state;
	const int v = ops->v_index;
	const int tid = omp_get_thread_num();
	struct soma__ode_work *w = tp->works[tid < tp->n_works ? tid : 0];
	double *V_old = tp->V_old + (size_t)(tid < tp->n_works ? tid : 0) * BLOCK;
	const uint32_t nb = hi - lo;
	struct pop_ctx c;
	struct soma__ode sys = { n_ode, pop_f, &c };
	double *y[32];
	int bad = 0, rc;

	memset(&c, 0, sizeof(c));
	c.p = tp;
	c.blk.in = c.in;
	for (int k = 0; k < n_ode; k++)
		y[k] = tp->state[k] + lo;
	for (int k = 0; k < tp->n_in; k++)
		c.in[k] = tp->in[k] + lo;
	c.blk.lo = lo;
	c.blk.n = nb;
	c.blk.g = tp->g + lo;
	c.ref = tp->ref + lo;
	if (v >= 0)
		memcpy(V_old, tp->state[v] + lo, nb * sizeof(double));
	rc = soma__ode_step(w, &sys, nb, y, dt, tp->h ? tp->h + lo : NULL);
	if (rc && soma__ode_work_why(w)) {
		tp->bad_index = lo;
		tp->bad_var = v >= 0 ? v : 0;
		tp->bad_why = soma__ode_work_why(w);
		return SOMA_ENUMERIC;
	}
	/* a non-finite V must not hide behind the reset */
	if (v >= 0)
		for (uint32_t i = 0; i < nb; i++)
			if (!(fabs(y[v][i]) < INFINITY)) {
				tp->bad_index = lo + i;
				tp->bad_var = v;
				tp->bad_why = "its membrane potential became infinite or "
					      "not a number during the step (an infinite "
					      "or enormous input?)";
				return SOMA_ENUMERIC;
			}
	if (ops->spike)
		ops->spike(tp, lo, nb, v >= 0 ? V_old : NULL);
	for (int k = 0; k < n_ode; k++) {
		const double lim = k == v ? SOMA__V_LIMIT : INFINITY;
		for (uint32_t i = 0; i < nb; i++)
			bad |= !(fabs(y[k][i]) < lim);
	}
	if (bad || rc) {
		tp->bad_index = lo;
		tp->bad_var = v >= 0 ? v : 0;
		for (uint32_t i = 0; i < nb; i++)
			for (int k = 0; k < n_ode; k++)
				if (!(fabs(y[k][i]) < (k == v ? SOMA__V_LIMIT : INFINITY))) {
					tp->bad_index = lo + i;
					tp->bad_var = k;
					return SOMA_ENUMERIC;
				}
		return SOMA_ENUMERIC;
	}
	return SOMA_OK;
}

/* Populations from this size on share their blocks among threads. */
#define MIN_PARALLEL 4096

int soma__pop_integrate(struct soma__pop *p, double dt)
{
	const struct soma__model_ops *ops = p->model->ops;
	const int n_ode = ops->n_ode ? ops->n_ode : (int)p->model->n_state;
	uint32_t cap = p->method == SOMA_METHOD_RK8PD || p->method == SOMA_METHOD_MSBDF
			       ? 1
			       : BLOCK;

	p->bad_why = NULL;
	if (p->method == SOMA_METHOD_EULER && ops->euler_update && !p->generic_only)
		return ops->euler_update(p, dt);
	if (n_ode > 32 || p->n_in > 8)
		return SOMA_EINVAL;
	/* the adaptive methods cost many evaluations per neuron: smaller
	 * populations already gain from threads */
	return soma__pop_chunks(p, cap,
				cap == 1 ? 64
				: p->method == SOMA_METHOD_RKF45 ? 2 * BLOCK
								 : MIN_PARALLEL,
				integrate_block, &dt);
}

/* ---- threshold helpers ------------------------------------------------- */

int soma__check_reset(double V_reset, double V_th, char *err, size_t len)
{
	if (V_reset < V_th)
		return SOMA_OK;
	snprintf(err, len,
		 "V_reset = %g mV must be below V_th = %g mV, or the neuron "
		 "fires again as soon as it may",
		 V_reset, V_th);
	return SOMA_ERANGE;
}

uint32_t soma__spike_reset(struct soma__pop *p, uint32_t lo, uint32_t n,
			   double *V, double V_th, double V_reset,
			   int32_t ref_steps)
{
	int32_t *restrict ref = p->ref + lo;
	uint32_t *restrict spk = p->spk;
	uint32_t n_spk = p->n_spk, first = n_spk;

	for (uint32_t i = 0; i < n; i++) {
		if (ref[i] > 0) {
			ref[i]--;
			continue;
		}
		if (V[i] >= V_th) {
			V[i] = V_reset;
			ref[i] = ref_steps;
			spk[n_spk++] = lo + i;
		}
	}
	p->n_spk = n_spk;
	return n_spk - first;
}

uint32_t soma__spike_crossing(struct soma__pop *p, uint32_t lo, uint32_t n,
			      const double *V_old, const double *V, double V_th)
{
	uint32_t n_spk = p->n_spk, first = n_spk;

	for (uint32_t i = 0; i < n; i++)
		if (V_old[i] < V_th && V[i] >= V_th)
			p->spk[n_spk++] = lo + i;
	p->n_spk = n_spk;
	return n_spk - first;
}

/* ---- one neuron's right-hand side ------------------------------------ */

int soma_model_rhs(const soma_model *m, const double *param, const double *y,
		   const double *input, double dt, double *dydt)
{
	struct soma__pop p;
	struct soma__blk b;
	double st[32], dy[32], zero_in[8] = { 0 }, g0 = 0;
	double *sp[32], *dp[32];
	const double *inp[8];
	int32_t ref0 = 0;
	char err[256];
	size_t n_in;
	int rc, n_ode;

	if (!integrated(m) || !y || !dydt || m->n_state > 32)
		return SOMA_EINVAL;
	n_in = soma_model_input_count(m);
	if (n_in > 8)
		return SOMA_EINVAL;
	memset(&p, 0, sizeof(p));
	p.model = m;
	p.n = 1;
	p.ref = &ref0;
	p.param = malloc((m->n_params ? m->n_params : 1) * sizeof(double));
	if (!p.param)
		return SOMA_ENOMEM;
	for (size_t k = 0; k < m->n_params; k++) {
		p.param[k] = param ? param[k] : m->params[k].def;
		if (!soma_var_in_range(&m->params[k], p.param[k])) {
			free(p.param);
			return SOMA_ERANGE;
		}
	}
	p.method = (int)soma_model_default_method(m);
	rc = m->ops->pop_prepare ? m->ops->pop_prepare(&p, dt > 0 ? dt : 0.01, err,
						       sizeof(err))
				 : SOMA_OK;
	if (rc) {
		free(p.param);
		return SOMA_ERANGE;
	}
	n_ode = m->ops->n_ode ? m->ops->n_ode : (int)m->n_state;
	for (size_t k = 0; k < m->n_state; k++) {
		st[k] = y[k];
		sp[k] = &st[k];
		dp[k] = &dy[k];
		dy[k] = 0;
	}
	for (size_t k = 0; k < n_in; k++)
		inp[k] = input ? &input[k] : &zero_in[k];
	b.lo = 0;
	b.n = 1;
	b.in = inp;
	b.g = &g0;
	m->ops->rhs(&p, &b, (const double *const *)sp, dp, NULL);
	for (size_t k = 0; k < m->n_state; k++)
		dydt[k] = (int)k < n_ode ? dy[k] : 0.0;
	free(p.param);
	return SOMA_OK;
}
