/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network: populations, projections, the step loop (network.h). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "core/internal.h"
#include "core/rng.h"

/* ---- helpers ------------------------------------------------------------ */

int soma__seterr(soma_network *net, int status, const char *fmt, ...)
{
	va_list ap;

	if (net) {
		va_start(ap, fmt);
		vsnprintf(net->err, sizeof(net->err), fmt, ap);
		va_end(ap);
	}
	return status;
}

int soma__grow(void **arr, int n, size_t elem)
{
	/* capacity doubles at powers of two */
	if (n == 0 || (n & (n - 1)) == 0) {
		size_t cap = n ? (size_t)n * 2 : 4;
		void *p = realloc(*arr, cap * elem);
		if (!p)
			return SOMA_ENOMEM;
		*arr = p;
	}
	return SOMA_OK;
}

char *soma__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

uint64_t soma__steps(double ms, double dt)
{
	double x = ms / dt;

	if (!(x > 0))
		return 0;
	if (x >= 1.8e19)
		return UINT64_MAX;
	/* the relative tolerance absorbs the rounding of ms/dt (0.25/0.1 =
	 * 2.4999999999999996 is 2.5 steps, rounded up) without moving a value
	 * that is really below a half */
	return (uint64_t)floor(x + 0.5 + 1e-12 * x);
}

int soma__dist_check(soma_network *net, const char *what, const soma_dist *d)
{
	if (!d)
		return soma__seterr(net, SOMA_EINVAL, "%s: no value given", what);
	switch (d->kind) {
	case SOMA_DIST_CONSTANT:
		if (!isfinite(d->a))
			return soma__seterr(net, SOMA_ERANGE,
					    "%s: value %g is not finite", what, d->a);
		return SOMA_OK;
	case SOMA_DIST_UNIFORM:
		if (!isfinite(d->a) || !isfinite(d->b) || d->b < d->a)
			return soma__seterr(net, SOMA_ERANGE,
					    "%s: uniform [%g, %g): the bounds must be finite with low <= high",
					    what, d->a, d->b);
		return SOMA_OK;
	case SOMA_DIST_NORMAL:
		if (!isfinite(d->a) || !isfinite(d->b) || d->b < 0)
			return soma__seterr(net, SOMA_ERANGE,
					    "%s: normal(mean %g, sd %g): mean and sd must be finite with sd >= 0",
					    what, d->a, d->b);
		return SOMA_OK;
	}
	return soma__seterr(net, SOMA_EINVAL, "%s: unknown distribution kind %d",
			    what, (int)d->kind);
}

int soma__check_indices(soma_network *net, const char *what,
			const uint32_t *idx, uint32_t n, uint32_t size)
{
	uint8_t *seen;

	if (n && !idx)
		return soma__seterr(net, SOMA_EINVAL, "%s: no neuron list", what);
	if (size == 0)
		return soma__seterr(net, SOMA_EINVAL, "%s: there is nothing to index (0 values)",
				    what);
	for (uint32_t k = 0; k < n; k++)
		if (idx[k] >= size)
			return soma__seterr(net, SOMA_EINVAL,
					    "%s: neuron index %u is out of range: must be in [0, %u]",
					    what, idx[k], size - 1);
	if (n < 2)
		return SOMA_OK;
	seen = calloc(size, 1);
	if (!seen)
		return soma__seterr(net, SOMA_ENOMEM, "out of memory");
	for (uint32_t k = 0; k < n; k++) {
		if (seen[idx[k]]) {
			free(seen);
			return soma__seterr(net, SOMA_EINVAL,
					    "%s: neuron %u is listed twice", what,
					    idx[k]);
		}
		seen[idx[k]] = 1;
	}
	free(seen);
	return SOMA_OK;
}

/* Names of populations and projections: identifiers, and not "t_ms", the
 * time column of rates.csv. */
static int valid_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_') ||
	    strcmp(s, "t_ms") == 0)
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/* Fill @x (n doubles) from @d using the stream (seed, purpose, object, i). */
static int fill_dist(soma_network *net, double *x, uint32_t n,
		     const soma_dist *d, uint32_t purpose, uint32_t object)
{
	gsl_rng *r;

	if (d->kind == SOMA_DIST_CONSTANT) {
		for (uint32_t i = 0; i < n; i++)
			x[i] = d->a;
		return SOMA_OK;
	}
	r = soma__rng_alloc();
	if (!r)
		return soma__seterr(net, SOMA_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		soma__rng_seek(r, net->seed, purpose, object, i);
		x[i] = d->kind == SOMA_DIST_UNIFORM ?
			       gsl_ran_flat(r, d->a, d->b) :
			       d->a + gsl_ran_gaussian(r, d->b);
	}
	gsl_rng_free(r);
	return SOMA_OK;
}

/* ---- network ------------------------------------------------------------ */

int soma_network_create(double dt_ms, uint64_t seed, soma_network **out)
{
	soma_network *net;

	if (!out)
		return SOMA_EINVAL;
	*out = NULL;
	if (!(dt_ms > 0) || !isfinite(dt_ms))
		return SOMA_ERANGE;
	/* GSL's default handler aborts; soma checks every return instead. */
	gsl_set_error_handler_off();
	net = calloc(1, sizeof(*net));
	if (!net)
		return SOMA_ENOMEM;
	net->dt = dt_ms;
	net->threads = 1;
	net->seed = seed;
	*out = net;
	return SOMA_OK;
}

static void pop_free(struct soma__pop *p)
{
	if (!p)
		return;
	if (p->state)
		for (size_t k = 0; k < p->model->n_state; k++)
			free(p->state[k]);
	free(p->state);
	free(p->param);
	if (p->in)
		for (int k = 0; k < p->n_in; k++)
			free(p->in[k]);
	free(p->in);
	free(p->g);
	soma__pop_work_free(p);
	free(p->ref);
	free(p->spk);
	free(p->name);
	free(p);
}

static void proj_free(struct soma__proj *j)
{
	if (!j)
		return;
	if (j->state)
		for (size_t k = 0; k < j->model->n_state; k++)
			free(j->state[k]);
	free(j->state);
	free(j->param);
	free(j->row_ptr);
	free(j->post_idx);
	free(j->w);
	free(j->ring);
	free(j->col_ptr);
	free(j->col_syn);
	free(j->syn_pre);
	free(j->scratch);
	free(j->name);
	free(j);
}

void soma_network_destroy(soma_network *net)
{
	if (!net)
		return;
	soma__outputs_free(net);
	for (int i = 0; i < net->n_mons; i++)
		soma__monitor_free(&net->mons[i]);
	free(net->mons);
	for (int i = 0; i < net->n_inputs; i++)
		soma__input_free(net->inputs[i]);
	free(net->inputs);
	for (int i = 0; i < net->n_projs; i++)
		proj_free(net->projs[i]);
	free(net->projs);
	for (int i = 0; i < net->n_pops; i++)
		pop_free(net->pops[i]);
	free(net->pops);
	free(net);
}

const char *soma_network_errmsg(const soma_network *net)
{
	return net ? net->err : "no network";
}

int soma_network_set_threads(soma_network *net, int threads)
{
	if (!net)
		return SOMA_EINVAL;
	if (threads < 0 || threads > 1024)
		return soma__seterr(net, SOMA_ERANGE,
				    "threads = %d: must be in [0, 1024] (0: OpenMP's default)",
				    threads);
	if (net->started)
		return soma__seterr(net, SOMA_ESTATE,
				    "the number of threads cannot change after the first step");
	net->threads = threads;
	net->prepared = 0;
	return SOMA_OK;
}

double soma_network_dt(const soma_network *net)
{
	return net->dt;
}

uint64_t soma_network_seed(const soma_network *net)
{
	return net->seed;
}

uint64_t soma_network_steps(const soma_network *net)
{
	return net->step;
}

double soma_network_time(const soma_network *net)
{
	return (double)net->step * net->dt;
}

uint64_t soma_network_steps_for(const soma_network *net, double duration_ms)
{
	return soma__steps(duration_ms, net->dt);
}

/* ---- populations -------------------------------------------------------- */

static double state_default(const soma_model *m, const double *param, size_t k);

static struct soma__pop *get_pop(const soma_network *net, int pop)
{
	return (net && pop >= 0 && pop < net->n_pops) ? net->pops[pop] : NULL;
}

static int no_pop(soma_network *net, int pop)
{
	return soma__seterr(net, SOMA_ENOENT, "no population with index %d", pop);
}

int soma_network_add_population(soma_network *net, const char *name,
				const char *model, uint32_t size, int *out_id)
{
	const soma_model *m;
	struct soma__pop *p;
	int dummy;

	if (!net)
		return SOMA_EINVAL;
	if (net->started)
		return soma__seterr(net, SOMA_ESTATE,
				    "population '%s': the network has already run; add populations before the first step",
				    name ? name : "");
	if (!valid_name(name))
		return soma__seterr(net, SOMA_EINVAL,
				    "population name '%s' is not valid: use letters, digits and '_', not starting with a digit (and not t_ms)",
				    name ? name : "");
	if (soma_population_find(net, name, &dummy) == SOMA_OK)
		return soma__seterr(net, SOMA_EEXIST,
				    "population '%s' already exists", name);
	/* POP.VAR.csv and PROJ.VAR.csv share one namespace */
	if (soma_projection_find(net, name, &dummy) == SOMA_OK)
		return soma__seterr(net, SOMA_EEXIST,
				    "population '%s': a projection already has that name (their recordings would share file names)",
				    name);
	m = soma_model_find(model);
	if (!m)
		return soma__seterr(net, SOMA_ENOENT,
				    "population '%s': no model '%s' (see `soma models`)",
				    name, model ? model : "");
	if (m->kind == SOMA_MODEL_SYNAPSE)
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s': '%s' is a synapse model, not a neuron or source model",
				    name, model);
	if (size == 0)
		return soma__seterr(net, SOMA_ERANGE,
				    "population '%s': size must be >= 1", name);

	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	p->model = m;
	p->n = size;
	p->id = net->n_pops;
	p->seed = net->seed;
	p->name = soma__strdup(name);
	p->param = calloc(m->n_params ? m->n_params : 1, sizeof(double));
	p->state = calloc(m->n_state ? m->n_state : 1, sizeof(double *));
	p->n_in = m->kind == SOMA_MODEL_NEURON && soma_model_input_count(m) > 1
			  ? (int)soma_model_input_count(m)
			  : 1;
	p->in = calloc((size_t)p->n_in, sizeof(double *));
	p->g = calloc(size, sizeof(double));
	p->ref = calloc(size, sizeof(int32_t));
	p->spk = calloc(size, sizeof(uint32_t));
	if (!p->name || !p->param || !p->state || !p->in || !p->g || !p->ref ||
	    !p->spk)
		goto nomem;
	for (int k = 0; k < p->n_in; k++) {
		p->in[k] = calloc(size, sizeof(double));
		if (!p->in[k])
			goto nomem;
	}
	p->I = p->in[0];
	p->method = (int)soma_model_default_method(m);
	p->rtol = 1e-6;
	p->atol = 1e-9;
	for (size_t k = 0; k < m->n_params; k++)
		p->param[k] = m->params[k].def;
	for (size_t k = 0; k < m->n_state; k++) {
		p->state[k] = malloc(size * sizeof(double));
		if (!p->state[k])
			goto nomem;
		for (uint32_t i = 0; i < size; i++)
			p->state[k][i] = state_default(m, p->param, k);
	}
	if (soma__grow((void **)&net->pops, net->n_pops, sizeof(*net->pops)))
		goto nomem;
	net->pops[net->n_pops++] = p;
	net->prepared = 0;
	if (out_id)
		*out_id = p->id;
	return SOMA_OK;
nomem:
	pop_free(p);
	return soma__seterr(net, SOMA_ENOMEM, "population '%s': out of memory",
			    name);
}

int soma_network_population_count(const soma_network *net)
{
	return net ? net->n_pops : 0;
}

int soma_population_find(const soma_network *net, const char *name, int *out_id)
{
	for (int i = 0; net && name && i < net->n_pops; i++)
		if (strcmp(net->pops[i]->name, name) == 0) {
			if (out_id)
				*out_id = i;
			return SOMA_OK;
		}
	return SOMA_ENOENT;
}

const char *soma_population_name(const soma_network *net, int pop)
{
	struct soma__pop *p = get_pop(net, pop);
	return p ? p->name : NULL;
}

uint32_t soma_population_size(const soma_network *net, int pop)
{
	struct soma__pop *p = get_pop(net, pop);
	return p ? p->n : 0;
}

const soma_model *soma_population_model(const soma_network *net, int pop)
{
	struct soma__pop *p = get_pop(net, pop);
	return p ? p->model : NULL;
}

/* Initial value of state @k: its def_param's value, else its default. */
static double state_default(const soma_model *m, const double *param, size_t k)
{
	int q = soma_model_param_index(m, m->state[k].def_param);

	return q >= 0 ? param[q] : m->state[k].def;
}

/* State variables not set explicitly follow the parameter they default to
 * (LIF's V starts at V_rest). */
static void follow_defaults(struct soma__pop *p)
{
	for (size_t k = 0; k < p->model->n_state && k < 64; k++) {
		double v;
		if (!p->model->state[k].def_param || (p->state_set >> k & 1))
			continue;
		v = state_default(p->model, p->param, k);
		for (uint32_t i = 0; i < p->n; i++)
			p->state[k][i] = v;
	}
}

/* Validate @value for @v and store it in @slot; shared by populations and
 * projections. */
static int set_param(soma_network *net, const char *owner, const char *kind,
		     const soma_model *m, double *param, const char *name,
		     double value)
{
	int k = soma_model_param_index(m, name);
	char range[96];

	if (k < 0)
		return soma__seterr(net, SOMA_ENOENT,
				    "%s '%s': model '%s' has no parameter '%s'",
				    kind, owner, m->name, name ? name : "");
	if (!soma_var_in_range(&m->params[k], value))
		return soma__seterr(net, SOMA_ERANGE,
				    "%s '%s': %s = %g is out of range: must be in %s",
				    kind, owner, name, value,
				    soma_var_range_str(&m->params[k], range,
						       sizeof(range)));
	param[k] = value;
	net->prepared = 0;
	return SOMA_OK;
}

int soma_population_set_param(soma_network *net, int pop, const char *param,
			      double value)
{
	struct soma__pop *p = get_pop(net, pop);

	int rc;

	if (!p)
		return no_pop(net, pop);
	rc = set_param(net, p->name, "population", p->model, p->param, param,
		       value);
	if (!rc && !net->started)
		follow_defaults(p);
	return rc;
}

int soma_population_get_param(const soma_network *net, int pop,
			      const char *param, double *out)
{
	struct soma__pop *p = get_pop(net, pop);
	int k = p ? soma_model_param_index(p->model, param) : -1;

	if (k < 0)
		return SOMA_ENOENT;
	*out = p->param[k];
	return SOMA_OK;
}

static int pop_var(soma_network *net, int pop, const char *var,
		   struct soma__pop **pp)
{
	struct soma__pop *p = get_pop(net, pop);
	int k;

	*pp = p;
	if (!p)
		return no_pop(net, pop);
	k = soma_model_state_index(p->model, var);
	if (k < 0)
		return soma__seterr(net, SOMA_ENOENT,
				    "population '%s': model '%s' has no state variable '%s'",
				    p->name, p->model->name, var ? var : "");
	return k;
}

int soma_population_init_state(soma_network *net, int pop, const char *var,
			       const soma_dist *d)
{
	struct soma__pop *p;
	int k = pop_var(net, pop, var, &p), rc;

	if (k < 0)
		return k;
	rc = soma__dist_check(net, var, d);
	if (rc)
		return rc;
	p->state_set |= 1ull << k;
	return fill_dist(net, p->state[k], p->n, d, SOMA__RNG_POP_INIT,
			 (uint32_t)pop | (uint32_t)k << 20);
}

int soma_population_set_state(soma_network *net, int pop, const char *var,
			      const double *values, uint32_t n)
{
	struct soma__pop *p;
	int k = pop_var(net, pop, var, &p);

	if (k < 0)
		return k;
	if (!values || (n != p->n && n != 1))
		return soma__seterr(net, SOMA_EINVAL,
				    "population '%s': %u values given for %s, expected %u or 1",
				    p->name, n, var, p->n);
	for (uint32_t i = 0; i < n; i++)
		if (!isfinite(values[i]))
			return soma__seterr(net, SOMA_ERANGE,
					    "population '%s': %s[%u] = %g is not finite",
					    p->name, var, i, values[i]);
	for (uint32_t i = 0; i < p->n; i++)
		p->state[k][i] = values[n == 1 ? 0 : i];
	p->state_set |= 1ull << k;
	return SOMA_OK;
}

int soma_population_state(const soma_network *net, int pop, const char *var,
			  const double **out)
{
	struct soma__pop *p = get_pop(net, pop);
	int k = p ? soma_model_state_index(p->model, var) : -1;

	if (k < 0)
		return SOMA_ENOENT;
	*out = p->state[k];
	return SOMA_OK;
}

int soma_population_spikes(const soma_network *net, int pop,
			   const uint32_t **idx, uint32_t *n)
{
	struct soma__pop *p = get_pop(net, pop);

	if (!p)
		return SOMA_ENOENT;
	if (idx)
		*idx = p->spk;
	if (n)
		*n = p->n_spk;
	return SOMA_OK;
}

uint64_t soma_population_spike_count(const soma_network *net, int pop)
{
	struct soma__pop *p = get_pop(net, pop);
	return p ? p->spike_count : 0;
}

/* ---- projections -------------------------------------------------------- */

static struct soma__proj *get_proj(const soma_network *net, int proj)
{
	return (net && proj >= 0 && proj < net->n_projs) ? net->projs[proj] : NULL;
}

static int no_proj(soma_network *net, int proj)
{
	return soma__seterr(net, SOMA_ENOENT, "no projection with index %d", proj);
}

int soma_network_add_projection(soma_network *net,
				const soma_projection_spec *s, int *out_id)
{
	struct soma__pop *pre, *post;
	struct soma__proj *j = NULL;
	const soma_model *m;
	const char *name;
	int dummy, rc;

	if (!net || !s)
		return SOMA_EINVAL;
	name = s->name ? s->name : "";
	if (net->started)
		return soma__seterr(net, SOMA_ESTATE,
				    "projection '%s': the network has already run", name);
	if (!valid_name(name))
		return soma__seterr(net, SOMA_EINVAL,
				    "projection name '%s' is not valid: use letters, digits and '_', not starting with a digit",
				    name);
	if (soma_projection_find(net, name, &dummy) == SOMA_OK)
		return soma__seterr(net, SOMA_EEXIST,
				    "projection '%s' already exists", name);
	if (soma_population_find(net, name, &dummy) == SOMA_OK)
		return soma__seterr(net, SOMA_EEXIST,
				    "projection '%s': a population already has that name (their recordings would share file names)",
				    name);
	pre = get_pop(net, s->pre);
	post = get_pop(net, s->post);
	if (!pre || !post)
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': no population with index %d",
				    name, pre ? s->post : s->pre);
	if (post->model->kind != SOMA_MODEL_NEURON)
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': post population '%s' (%s) takes no input",
				    name, post->name, post->model->name);
	if (post->model->ops->v_index < 0 && s->output == SOMA_OUTPUT_CONDUCTANCE)
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': post population '%s' (%s) has no membrane potential: "
				    "conductance-based output needs one; use output: current (into its "
				    "first input, %s)",
				    name, post->name, post->model->name,
				    soma_model_input(post->model, 0)->name);
	m = soma_model_find(s->synapse);
	if (!m || m->kind != SOMA_MODEL_SYNAPSE)
		return soma__seterr(net, m ? SOMA_EINVAL : SOMA_ENOENT,
				    "projection '%s': '%s' is not a synapse model (see `soma models`)",
				    name, s->synapse ? s->synapse : "");
	if (!m->ops->rate_based && !(m->ops->needs_v & 1) &&
	    pre->model->kind == SOMA_MODEL_NEURON && !pre->model->ops->spike)
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': synapse model '%s' is driven by presynaptic spikes, but '%s' (%s) never spikes; "
				    "rates are transmitted by oja or bcm between rate populations",
				    name, m->name, pre->name, pre->model->name);
	if (m->ops->rate_based &&
	    (soma_model_state_index(pre->model, "r") < 0 ||
	     soma_model_state_index(post->model, "r") < 0))
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': synapse model '%s' transmits firing rates: pre and post need a rate r (model 'rate'); '%s' is %s",
				    name, m->name,
				    soma_model_state_index(pre->model, "r") < 0 ? pre->name : post->name,
				    soma_model_state_index(pre->model, "r") < 0 ? pre->model->name : post->model->name);
	if (((m->ops->needs_v & 1) && pre->model->ops->v_index < 0) ||
	    ((m->ops->needs_v & 2) && post->model->ops->v_index < 0))
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': synapse model '%s' reads the membrane potential of its %s population, but '%s' (%s) has none",
				    name, m->name,
				    (m->ops->needs_v & 1) && pre->model->ops->v_index < 0 ? "pre" : "post",
				    (m->ops->needs_v & 1) && pre->model->ops->v_index < 0 ? pre->name : post->name,
				    (m->ops->needs_v & 1) && pre->model->ops->v_index < 0 ? pre->model->name : post->model->name);
	if (s->output != SOMA_OUTPUT_CURRENT && s->output != SOMA_OUTPUT_CONDUCTANCE)
		return soma__seterr(net, SOMA_EINVAL,
				    "projection '%s': unknown output kind %d",
				    name, (int)s->output);
	if (!(s->delay_ms >= 0) || !isfinite(s->delay_ms))
		return soma__seterr(net, SOMA_ERANGE,
				    "projection '%s': delay %g ms is out of range: must be in [0, inf) ms",
				    name, s->delay_ms);
	if (soma__steps(s->delay_ms, net->dt) > (1u << 24))
		return soma__seterr(net, SOMA_ERANGE,
				    "projection '%s': delay %g ms is more than 2^24 steps",
				    name, s->delay_ms);
	rc = soma__dist_check(net, "weight", &s->weight);
	if (rc)
		return rc;
	if (s->output == SOMA_OUTPUT_CONDUCTANCE &&
	    s->weight.a < 0)
		return soma__seterr(net, SOMA_ERANGE,
				    "projection '%s': a conductance weight must not be negative (got %g nS); "
				    "inhibition comes from the reversal potential E",
				    name, s->weight.a);

	j = calloc(1, sizeof(*j));
	if (!j)
		goto nomem;
	j->id = net->n_projs;
	j->model = m;
	j->pre = s->pre;
	j->post = s->post;
	j->n_pre = pre->n;
	j->n_post = post->n;
	j->output = s->output;
	j->connector = s->connector;
	j->weight = s->weight;
	j->delay_ms = s->delay_ms;
	j->name = soma__strdup(name);
	j->param = calloc(m->n_params ? m->n_params : 1, sizeof(double));
	j->state = calloc(m->n_state ? m->n_state : 1, sizeof(double *));
	if (!j->name || !j->param || !j->state)
		goto nomem;
	for (size_t k = 0; k < m->n_params; k++)
		j->param[k] = m->params[k].def;
	rc = soma__connect(net, j, s->pre == s->post);
	if (rc) {
		proj_free(j);
		return rc;
	}
	/* state per post neuron, per pre neuron or per synapse */
	for (size_t k = 0; k < m->n_state; k++) {
		uint64_t len = soma__proj_state_len(j, (int)k);
		j->state[k] = malloc((len ? len : 1) * sizeof(double));
		if (!j->state[k])
			goto nomem;
		for (uint64_t i = 0; i < len; i++)
			j->state[k][i] = m->state[k].def;
	}
	if (soma__grow((void **)&net->projs, net->n_projs, sizeof(*net->projs)))
		goto nomem;
	net->projs[net->n_projs++] = j;
	net->prepared = 0;
	if (out_id)
		*out_id = j->id;
	return SOMA_OK;
nomem:
	proj_free(j);
	return soma__seterr(net, SOMA_ENOMEM, "projection '%s': out of memory",
			    name);
}

int soma_network_projection_count(const soma_network *net)
{
	return net ? net->n_projs : 0;
}

int soma_projection_pre(const soma_network *net, int proj)
{
	const struct soma__proj *j = get_proj(net, proj);
	return j ? j->pre : -1;
}

int soma_projection_post(const soma_network *net, int proj)
{
	const struct soma__proj *j = get_proj(net, proj);
	return j ? j->post : -1;
}

const soma_model *soma_projection_model(const soma_network *net, int proj)
{
	const struct soma__proj *j = get_proj(net, proj);
	return j ? j->model : NULL;
}

int soma_projection_find(const soma_network *net, const char *name, int *out_id)
{
	for (int i = 0; net && name && i < net->n_projs; i++)
		if (strcmp(net->projs[i]->name, name) == 0) {
			if (out_id)
				*out_id = i;
			return SOMA_OK;
		}
	return SOMA_ENOENT;
}

const char *soma_projection_name(const soma_network *net, int proj)
{
	struct soma__proj *j = get_proj(net, proj);
	return j ? j->name : NULL;
}

uint64_t soma_projection_synapse_count(const soma_network *net, int proj)
{
	struct soma__proj *j = get_proj(net, proj);
	return j ? j->nnz : 0;
}

uint32_t soma_projection_delay_steps(const soma_network *net, int proj)
{
	struct soma__proj *j = get_proj(net, proj);
	return j ? (uint32_t)soma__steps(j->delay_ms, net->dt) : 0;
}

int soma_projection_csr(const soma_network *net, int proj,
			const uint64_t **row_ptr, const uint32_t **post,
			const double **weight)
{
	struct soma__proj *j = get_proj(net, proj);

	if (!j)
		return SOMA_ENOENT;
	if (row_ptr)
		*row_ptr = j->row_ptr;
	if (post)
		*post = j->post_idx;
	if (weight)
		*weight = j->w;
	return SOMA_OK;
}

int soma_projection_set_param(soma_network *net, int proj, const char *param,
			      double value)
{
	struct soma__proj *j = get_proj(net, proj);

	if (!j)
		return no_proj(net, proj);
	return set_param(net, j->name, "projection", j->model, j->param, param,
			 value);
}

int soma_projection_get_param(const soma_network *net, int proj,
			      const char *param, double *out)
{
	struct soma__proj *j = get_proj(net, proj);
	int k = j ? soma_model_param_index(j->model, param) : -1;

	if (k < 0)
		return SOMA_ENOENT;
	*out = j->param[k];
	return SOMA_OK;
}

const char *soma_model_weight_unit(const soma_model *m, soma_output_kind output)
{
	if (!m || m->kind != SOMA_MODEL_SYNAPSE)
		return NULL;
	if (m->ops && m->ops->weight_unit)
		return m->ops->weight_unit;
	return output == SOMA_OUTPUT_CONDUCTANCE ? "nS" : "pA";
}

const char *soma_projection_weight_unit(const soma_network *net, int proj)
{
	struct soma__proj *j = get_proj(net, proj);

	return j ? soma_model_weight_unit(j->model, j->output) : NULL;
}

int soma_projection_init_state(soma_network *net, int proj, const char *var,
			       const soma_dist *d)
{
	struct soma__proj *j = get_proj(net, proj);
	int k = j ? soma_model_state_index(j->model, var) : -1, rc;

	if (!j)
		return no_proj(net, proj);
	if (k < 0)
		return soma__seterr(net, SOMA_ENOENT,
				    "projection '%s': synapse model '%s' has no state variable '%s'",
				    j->name, j->model->name, var ? var : "");
	rc = soma__dist_check(net, var, d);
	if (rc)
		return rc;
	if (soma__proj_state_len(j, k) > UINT32_MAX)
		return soma__seterr(net, SOMA_ERANGE,
				    "projection '%s': more than 2^32 values of '%s' to draw",
				    j->name, var);
	return fill_dist(net, j->state[k], (uint32_t)soma__proj_state_len(j, k), d,
			 SOMA__RNG_PROJ_INIT, (uint32_t)proj | (uint32_t)k << 20);
}

uint64_t soma__proj_state_len(const struct soma__proj *j, int k)
{
	const unsigned char *sz = j->model->ops->state_size;

	switch (sz ? sz[k] : SOMA__PER_POST) {
	case SOMA__PER_PRE:
		return j->n_pre;
	case SOMA__PER_SYN:
		return j->nnz;
	default:
		return j->n_post;
	}
}

uint64_t soma_projection_state_size(const soma_network *net, int proj,
				    const char *var)
{
	struct soma__proj *j = get_proj(net, proj);
	int k = j ? soma_model_state_index(j->model, var) : -1;

	if (k < 0 && j && var && !strcmp(var, "w"))
		return j->nnz;
	return k < 0 ? 0 : soma__proj_state_len(j, k);
}

int soma_projection_state(const soma_network *net, int proj, const char *var,
			  const double **out)
{
	struct soma__proj *j = get_proj(net, proj);
	int k = j ? soma_model_state_index(j->model, var) : -1;

	if (!out)
		return SOMA_EINVAL;
	if (k < 0 && j && var && !strcmp(var, "w")) {
		*out = j->w; /* the weights, one per synapse */
		return SOMA_OK;
	}
	if (k < 0)
		return SOMA_ENOENT;
	*out = j->state[k];
	return SOMA_OK;
}

/* ---- running ------------------------------------------------------------ */

/* Work arrays and the indices a synapse model asks for, built once. */
static int proj_indices(struct soma__proj *j)
{
	const struct soma__model_ops *ops = j->model->ops;
	uint64_t *col_ptr = NULL, *col_syn = NULL, *next = NULL;
	uint32_t *syn_pre = NULL;

	if (!j->scratch)
		j->scratch = calloc(j->n_post, sizeof(double));
	if (!j->scratch)
		return SOMA_ENOMEM;
	if (!ops->needs_post_index || j->col_ptr)
		return SOMA_OK;
	/* built aside and kept only when complete: a failure leaves none */
	col_ptr = calloc((size_t)j->n_post + 1, sizeof(uint64_t));
	col_syn = malloc((j->nnz ? j->nnz : 1) * sizeof(uint64_t));
	syn_pre = malloc((j->nnz ? j->nnz : 1) * sizeof(uint32_t));
	next = malloc(((size_t)j->n_post + 1) * sizeof(uint64_t));
	if (!col_ptr || !col_syn || !syn_pre || !next) {
		free(col_ptr);
		free(col_syn);
		free(syn_pre);
		free(next);
		return SOMA_ENOMEM;
	}
	/* counting sort of the synapses by post neuron, stable in CSR order */
	for (uint32_t p = 0; p < j->n_pre; p++)
		for (uint64_t e = j->row_ptr[p]; e < j->row_ptr[p + 1]; e++) {
			syn_pre[e] = p;
			col_ptr[j->post_idx[e] + 1]++;
		}
	for (uint32_t i = 0; i < j->n_post; i++)
		col_ptr[i + 1] += col_ptr[i];
	memcpy(next, col_ptr, ((size_t)j->n_post + 1) * sizeof(uint64_t));
	for (uint64_t e = 0; e < j->nnz; e++)
		col_syn[next[j->post_idx[e]]++] = e;
	free(next);
	j->col_ptr = col_ptr;
	j->col_syn = col_syn;
	j->syn_pre = syn_pre;
	return SOMA_OK;
}


int soma_network_prepare(soma_network *net)
{
	char err[SOMA__ERRLEN / 2];
	int rc;

	if (!net)
		return SOMA_EINVAL;
	if (net->prepared)
		return SOMA_OK;
	for (int i = 0; i < net->n_pops; i++) {
		struct soma__pop *p = net->pops[i];
		err[0] = 0;
		rc = p->model->ops->pop_prepare
			     ? p->model->ops->pop_prepare(p, net->dt, err, sizeof(err))
			     : SOMA_OK;
		if (rc)
			return soma__seterr(net, rc, "population '%s': %s",
					    p->name, err);
		if (p->model->ops->rhs &&
		    (!p->work || !net->started) && soma__pop_work_prepare(p, net->threads))
			return soma__seterr(net, SOMA_ENOMEM,
					    "population '%s': out of memory for the integrator",
					    p->name);
	}
	for (int i = 0; i < net->n_projs; i++) {
		struct soma__proj *j = net->projs[i];
		uint32_t D = (uint32_t)soma__steps(j->delay_ms, net->dt);
		err[0] = 0;
		j->dt = net->dt;
		rc = j->model->ops->proj_prepare(j, net->dt, err, sizeof(err));
		if (rc)
			return soma__seterr(net, rc, "projection '%s': %s",
					    j->name, err);
		if (!j->ring || D + 1 != j->ring_len) {
			uint32_t width = j->model->ops->arrive_spikes ? j->n_pre : j->n_post;
			double *ring;
			if (net->started && j->ring)
				return soma__seterr(net, SOMA_ESTATE,
						    "projection '%s': the delay cannot change after the first step",
						    j->name);
			ring = calloc((size_t)(D + 1) * width, sizeof(double));
			if (!ring)
				return soma__seterr(net, SOMA_ENOMEM,
						    "projection '%s': out of memory for the delay buffer of %u steps",
						    j->name, D);
			free(j->ring);
			j->ring = ring;
			j->ring_len = D + 1;
			j->ring_width = width;
		}
		rc = proj_indices(j);
		if (rc)
			return soma__seterr(net, rc, "projection '%s': out of memory",
					    j->name);
		j->D = D;
	}
	net->prepared = 1;
	return SOMA_OK;
}

/* Stage 6: write the spikes of the last step into the delay ring buffers;
 * spikes of step n are due at step n+1+D. */
static void deliver(soma_network *net)
{
	for (int k = 0; k < net->n_projs; k++) {
		struct soma__proj *j = net->projs[k];
		const struct soma__pop *pre = net->pops[j->pre];
		double *slot = j->ring +
			       (size_t)((net->step + 1 + j->D) % j->ring_len) * j->ring_width;

		if (!pre->n_spk)
			continue;
		if (j->model->ops->arrive_spikes) {
			/* kinetics per pre neuron or per synapse: spike counts */
			for (uint32_t s = 0; s < pre->n_spk; s++)
				slot[pre->spk[s]] += 1;
			continue;
		}
		for (uint32_t s = 0; s < pre->n_spk; s++) {
			uint32_t i = pre->spk[s];
			for (uint64_t e = j->row_ptr[i]; e < j->row_ptr[i + 1]; e++)
				slot[j->post_idx[e]] += j->w[e];
		}
	}
}

/* One step n -> n+1 in the documented order (network.h). */
static int step_once(soma_network *net)
{
	int rc;

	/* 1. inputs */
	for (int i = 0; i < net->n_pops; i++) {
		struct soma__pop *p = net->pops[i];
		for (int k = 0; k < p->n_in; k++)
			memset(p->in[k], 0, p->n * sizeof(double));
		memset(p->g, 0, p->n * sizeof(double));
	}
	soma__inputs_apply(net, net->step);
	/* 2. synaptic currents at t_n */
	for (int k = 0; k < net->n_projs; k++) {
		struct soma__proj *j = net->projs[k];
		j->model->ops->proj_current(j, net->pops[j->pre], net->pops[j->post]);
	}
	/* 3-5. integrate, threshold, reset */
	for (int i = 0; i < net->n_pops; i++) {
		struct soma__pop *p = net->pops[i];
		rc = p->model->ops->pop_update
			     ? p->model->ops->pop_update(p, net->step, net->dt)
			     : soma__pop_integrate(p, net->dt);
		if (rc == SOMA_ENUMERIC && p->bad_why) {
			int v = p->bad_var;
			return soma__seterr(net, rc,
					    "population '%s' neuron %u at t = %g ms (step %llu), %s = %g%s%s: %s",
					    p->name, p->bad_index, (net->step + 1) * net->dt,
					    (unsigned long long)net->step + 1,
					    v >= 0 ? p->model->state[v].name : "state",
					    v >= 0 ? p->state[v][p->bad_index] : NAN,
					    v >= 0 && p->model->state[v].unit[0] ? " " : "",
					    v >= 0 ? p->model->state[v].unit : "", p->bad_why);
		}
		if (rc == SOMA_ENUMERIC && !p->model->ops->rhs) {
			/* not integrated (rate units): a diverging input */
			int v = p->model->n_state ? p->bad_var : -1;
			return soma__seterr(net, rc,
					    "population '%s' neuron %u: %s = %g at t = %g ms (step %llu) "
					    "is not finite: its input diverged (a plastic projection onto it, "
					    "e.g. Oja with gamma dt r^2 >= 2?)",
					    p->name, p->bad_index,
					    v >= 0 ? p->model->state[v].name : "state",
					    v >= 0 ? p->state[v][p->bad_index] : NAN,
					    (net->step + 1) * net->dt,
					    (unsigned long long)net->step + 1);
		}
		if (rc == SOMA_ENUMERIC) {
			int v = p->model->ops->rhs ? p->bad_var : p->model->ops->v_index;
			return soma__seterr(net, rc,
					    "population '%s' neuron %u: %s = %g%s%s at t = %g ms (step %llu) "
					    "is not finite%s: the integration with %s is unstable at dt = %g ms; "
					    "lower dt or choose a more stable method (exp_euler, rkf45)",
					    p->name, p->bad_index,
					    v >= 0 ? p->model->state[v].name : "state",
					    v >= 0 ? p->state[v][p->bad_index] : NAN,
					    v >= 0 && p->model->state[v].unit[0] ? " " : "",
					    v >= 0 ? p->model->state[v].unit : "",
					    (net->step + 1) * net->dt,
					    (unsigned long long)net->step + 1,
					    v == p->model->ops->v_index ? " or beyond 10^4 in size" : "",
					    soma_method_name((soma_method)p->method)
						    ? soma_method_name((soma_method)p->method)
						    : "its method",
					    net->dt);
		}
		if (rc)
			return soma__seterr(net, rc, "population '%s': update failed",
					    p->name);
		p->spike_count += p->n_spk;
	}
	/* 6. deliver */
	deliver(net);
	/* 7. synapses advance to t_{n+1} with the arrivals due then */
	for (int k = 0; k < net->n_projs; k++) {
		struct soma__proj *j = net->projs[k];
		double *slot = j->ring + (size_t)((net->step + 1) % j->ring_len) * j->ring_width;
		j->model->ops->proj_advance(j, net->pops[j->pre], net->pops[j->post], slot);
		memset(slot, 0, j->ring_width * sizeof(double));
	}
	/* 8. plasticity */
	for (int k = 0; k < net->n_projs; k++) {
		struct soma__proj *j = net->projs[k];
		if (j->model->ops->proj_plasticity)
			j->model->ops->proj_plasticity(j, net->pops[j->pre],
						       net->pops[j->post], net->dt);
	}
	net->step++;
	/* 9. monitors */
	return soma__outputs_step(net);
}

int soma_network_run(soma_network *net, uint64_t n_steps)
{
	int rc;

	if (!net)
		return SOMA_EINVAL;
	rc = soma_network_prepare(net);
	if (rc)
		return rc;
	net->started = 1;
	for (uint64_t s = 0; s < n_steps; s++) {
		rc = step_once(net);
		if (rc)
			return rc;
	}
	return SOMA_OK;
}
