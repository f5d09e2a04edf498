/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reference runs of one neuron (neuron_ref.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "core/internal.h"
#include "neuron_ref.h"

#define MAXV 32
/* dt given to the model's prepare: refractory periods become
 * round(t_ref/REF_DT) steps of REF_DT, i.e. t_ref to 1e-5 ms */
#define REF_DT 1e-5

struct ctx {
	struct soma__pop p;
	double in[8];
	const double *inp[8];
	double g;
	int held; /* refractory: dV/dt = 0 */
};

static int func(double t, const double y[], double dydt[], void *params)
{
	struct ctx *c = params;
	const soma_model *m = c->p.model;
	double st[MAXV] = { 0 }, dy[MAXV] = { 0 };
	double *sp[MAXV] = { 0 }, *dp[MAXV] = { 0 };
	struct soma__blk b = { 0, 1, c->inp, &c->g };
	int n_ode = m->ops->n_ode ? m->ops->n_ode : (int)m->n_state;

	(void)t;
	for (int k = 0; k < n_ode; k++) {
		st[k] = y[k];
		sp[k] = &st[k];
		dp[k] = &dy[k];
	}
	m->ops->rhs(&c->p, &b, (const double *const *)sp, dp, NULL);
	for (int k = 0; k < n_ode; k++)
		dydt[k] = dy[k];
	if (c->held && m->ops->v_index >= 0)
		dydt[m->ops->v_index] = 0;
	for (int k = 0; k < n_ode; k++)
		if (!isfinite(dydt[k]))
			return GSL_EBADFUNC;
	return GSL_SUCCESS;
}

/* Apply the model's spike rule to state y (in place) given V at the start of
 * the interval; returns 1 when it spiked, with *ref the refractory steps. */
static int spike_rule(struct ctx *c, double *y, double V_old, int32_t *ref)
{
	const soma_model *m = c->p.model;
	double *sp[MAXV];
	uint32_t spk[1];
	int32_t r = 0;

	if (!m->ops->spike)
		return 0;
	for (size_t k = 0; k < m->n_state; k++)
		sp[k] = &y[k];
	c->p.state = sp;
	c->p.ref = &r;
	c->p.spk = spk;
	c->p.n_spk = 0;
	m->ops->spike(&c->p, 0, 1, &V_old);
	*ref = r;
	return c->p.n_spk > 0;
}

int ref_run(const soma_model *m, const double *param, const double *y0,
	    const struct ref_input *in, double t_end, double rtol,
	    struct ref_result *res, size_t max_spikes)
{
	struct ctx c;
	gsl_odeiv2_system sys;
	gsl_odeiv2_driver *d;
	double y[MAXV], ya[MAXV], yb[MAXV], t = 0;
	double hold_until = -1;
	const double h_out = 0.005, t_tol = 1e-9;

	size_t seg = 0;
	int v, n_ode, rc = 0;
	char err[256];

	if (!m || !m->ops || !m->ops->rhs || m->n_state > MAXV)
		return -1;
	memset(&c, 0, sizeof(c));
	c.p.model = m;
	c.p.n = 1;
	c.p.param = malloc((m->n_params + 1) * sizeof(double));
	if (!c.p.param)
		return -1;
	for (size_t k = 0; k < m->n_params; k++)
		c.p.param[k] = param ? param[k] : m->params[k].def;
	c.p.method = (int)soma_model_default_method(m);
	if (m->ops->pop_prepare &&
	    m->ops->pop_prepare(&c.p, REF_DT, err, sizeof(err))) {
		fprintf(stderr, "ref_run: prepare: %s\n", err);
		free(c.p.param);
		return -1;
	}
	for (int k = 0; k < 8; k++)
		c.inp[k] = &c.in[k];
	v = m->ops->v_index;
	n_ode = m->ops->n_ode ? m->ops->n_ode : (int)m->n_state;
	for (size_t k = 0; k < m->n_state; k++) {
		if (y0)
			y[k] = y0[k];
		else if (m->state[k].def_param)
			y[k] = c.p.param[soma_model_param_index(m, m->state[k].def_param)];
		else
			y[k] = m->state[k].def;
	}
	sys.function = func;
	sys.jacobian = NULL;
	sys.dimension = (size_t)n_ode;
	sys.params = &c;
	d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-4,
					  rtol * 1e-2, rtol);
	if (!d) {
		free(c.p.param);
		return -1;
	}
	gsl_odeiv2_driver_set_nmax(d, 100000000);
	res->n_spikes = 0;
	while (t < t_end - 1e-12) {
		double t1 = fmin(t + h_out, t_end), V_old, ta;
		int32_t ref;

		/* the input segment of t */
		while (in && seg + 1 < in->n && in->start[seg + 1] <= t + 1e-12)
			seg++;
		if (in && seg + 1 < in->n && in->start[seg + 1] < t1)
			t1 = in->start[seg + 1];
		if (hold_until > t && hold_until < t1)
			t1 = hold_until;
		for (int k = 0; k < 8; k++)
			c.in[k] = 0;
		if (in && in->n && in->start[0] <= t + 1e-12)
			c.in[in->channel] = in->value[seg];
		c.held = hold_until > t + 1e-12;
		memcpy(ya, y, sizeof(y));
		ta = t;
		V_old = v >= 0 ? y[v] : 0;
		rc = gsl_odeiv2_driver_apply(d, &t, t1, y);
		if (rc != GSL_SUCCESS)
			break;
		if (c.held) {
			if (t >= hold_until - 1e-12) {
				hold_until = -1;
				gsl_odeiv2_driver_reset(d);
			}
			continue;
		}
		memcpy(yb, y, sizeof(y));
		if (!spike_rule(&c, yb, V_old, &ref))
			continue;
		/* an event in (ta, t]: bisect to t_tol */
		{
			double lo = ta, hi = t, tt;
			double ylo[MAXV], ytry[MAXV], ychk[MAXV];
			int32_t r2;

			memcpy(ylo, ya, sizeof(ya));
			while (hi - lo > t_tol) {
				double mid = 0.5 * (lo + hi);
				memcpy(ytry, ylo, sizeof(ylo));
				tt = lo;
				gsl_odeiv2_driver_reset(d);
				rc = gsl_odeiv2_driver_apply(d, &tt, mid, ytry);
				if (rc != GSL_SUCCESS)
					goto out;
				memcpy(ychk, ytry, sizeof(ytry));
				if (spike_rule(&c, ychk, v >= 0 ? ylo[v] : 0, &r2)) {
					hi = mid;
				} else {
					lo = mid;
					memcpy(ylo, ytry, sizeof(ytry));
				}
			}
			memcpy(ytry, ylo, sizeof(ylo));
			tt = lo;
			gsl_odeiv2_driver_reset(d);
			rc = gsl_odeiv2_driver_apply(d, &tt, hi, ytry);
			if (rc != GSL_SUCCESS)
				goto out;
			if (!spike_rule(&c, ytry, v >= 0 ? ylo[v] : 0, &ref)) {
				/* cannot happen unless the rule is not monotone in
				 * time; take the end of the interval */
				memcpy(ytry, yb, sizeof(yb));
				hi = t;
			}
			if (res->n_spikes < max_spikes && res->spikes)
				res->spikes[res->n_spikes] = hi;
			res->n_spikes++;
			memcpy(y, ytry, sizeof(ytry));
			t = hi;
			gsl_odeiv2_driver_reset(d);
			if (ref > 0)
				hold_until = hi + ref * REF_DT;
		}
	}
out:
	if (res->y_end && rc == GSL_SUCCESS)
		for (size_t k = 0; k < m->n_state; k++)
			res->y_end[k] = y[k];
	gsl_odeiv2_driver_free(d);
	free(c.p.param);
	return rc == GSL_SUCCESS ? 0 : -1;
}

long soma_spike_times(const char *model, const char *const *names,
		      const double *values, size_t n_set, soma_method method,
		      double dt, const struct ref_input *in, double t_end,
		      double *spikes, size_t max)
{
	soma_network *net = NULL;
	int pop, inp;
	long count = 0;
	double *dur = NULL;
	uint64_t steps;

	if (soma_network_create(dt, 1, &net) ||
	    soma_network_add_population(net, "N", model, 1, &pop))
		goto fail;
	for (size_t k = 0; k < n_set; k++)
		if (soma_population_set_param(net, pop, names[k], values[k]))
			goto fail;
	if (soma_population_set_method(net, pop, method))
		goto fail;
	if (in && in->n) {
		dur = malloc(in->n * sizeof(double));
		if (!dur)
			goto fail;
		for (size_t k = 0; k < in->n; k++)
			dur[k] = k + 1 < in->n ? in->start[k + 1] - in->start[k]
					       : INFINITY;
		if (soma_network_add_current(net, pop, NULL, 0, in->value, dur,
					     in->n, &inp))
			goto fail;
		if (in->channel &&
		    soma_input_set_channel(net, inp,
					   soma_model_input(soma_model_find(model),
							    (size_t)in->channel)->name))
			goto fail;
	}
	steps = soma_network_steps_for(net, t_end);
	for (uint64_t s = 0; s < steps; s++) {
		const uint32_t *idx;
		uint32_t n;

		if (soma_network_run(net, 1) ||
		    soma_population_spikes(net, pop, &idx, &n))
			goto fail;
		if (n) {
			if ((size_t)count < max)
				spikes[count] = (double)(s + 1) * dt;
			count++;
		}
	}
	free(dur);
	soma_network_destroy(net);
	return count;
fail:
	fprintf(stderr, "soma_spike_times: %s\n", soma_network_errmsg(net));
	free(dur);
	soma_network_destroy(net);
	return -1;
}
