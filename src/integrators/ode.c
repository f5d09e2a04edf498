/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The integrators (integrator.h) on a block of independent units of an
 * autonomous ODE system: forward Euler, Heun (rk2), classical Runge-Kutta
 * (rk4), exponential Euler, the adaptive Runge-Kutta-Fehlberg 4(5) with a
 * sub-step per unit, and GSL's odeiv2 drivers (rk8pd, msbdf) unit by unit.
 *
 * Each stage is one call of the system's function on the whole block, and
 * the arithmetic between stages runs over contiguous arrays.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "core/internal.h"

enum { SLOT_K1, SLOT_K2, SLOT_K3, SLOT_K4, SLOT_K5, SLOT_K6, SLOT_YTMP,
       SLOT_DIAG, SLOT_Y5, N_SLOTS };

struct soma__ode_work {
	int method;
	int n_var;
	uint32_t cap;
	double rtol, atol;
	double *buf;            /* N_SLOTS * n_var * cap */
	double **ptr;           /* N_SLOTS * n_var pointers into buf */
	/* rkf45 */
	double *t_left, *hh, *err; /* cap each */
	unsigned char *active;
	/* GSL */
	gsl_odeiv2_driver *drv;
	gsl_odeiv2_system gsys;
	double *y1;             /* n_var */
	double *tmp;            /* 2 * n_var */
	const struct soma__ode *cur;
	const char *why;        /* cause of the last failure, or NULL */
};

/* Sub-steps one unit of rkf45 may take within one step before the step
 * fails: beyond it the problem is too stiff for an explicit method. */
#define RKF45_MAX_SUBSTEPS 100000

#define SLOT(w, s) ((w)->ptr + (size_t)(s) * (size_t)(w)->n_var)

static int gsl_func(double t, const double y[], double dydt[], void *params);
static int gsl_jac(double t, const double y[], double *dfdy, double dfdt[],
		   void *params);

void soma__ode_work_free(struct soma__ode_work *w)
{
	if (!w)
		return;
	if (w->drv)
		gsl_odeiv2_driver_free(w->drv);
	free(w->buf);
	free(w->ptr);
	free(w->t_left);
	free(w->hh);
	free(w->err);
	free(w->active);
	free(w->y1);
	free(w->tmp);
	free(w);
}

struct soma__ode_work *soma__ode_work_new(int method, int n_var, uint32_t cap,
					  double rtol, double atol)
{
	struct soma__ode_work *w = calloc(1, sizeof(*w));
	size_t per = (size_t)n_var * cap;

	if (!w || n_var <= 0 || cap == 0)
		goto fail;
	w->method = method;
	w->n_var = n_var;
	w->cap = cap;
	w->rtol = rtol;
	w->atol = atol;
	w->buf = calloc(N_SLOTS * per, sizeof(double));
	w->ptr = malloc(N_SLOTS * (size_t)n_var * sizeof(double *));
	if (!w->buf || !w->ptr)
		goto fail;
	for (size_t s = 0; s < N_SLOTS; s++)
		for (int k = 0; k < n_var; k++)
			w->ptr[s * (size_t)n_var + (size_t)k] =
				w->buf + (s * (size_t)n_var + (size_t)k) * cap;
	if (method == SOMA_METHOD_RKF45) {
		w->t_left = malloc(cap * sizeof(double));
		w->hh = malloc(cap * sizeof(double));
		w->err = malloc(cap * sizeof(double));
		w->active = malloc(cap);
		if (!w->t_left || !w->hh || !w->err || !w->active)
			goto fail;
	}
	if (method == SOMA_METHOD_RK8PD || method == SOMA_METHOD_MSBDF) {
		const gsl_odeiv2_step_type *T = method == SOMA_METHOD_RK8PD
							? gsl_odeiv2_step_rk8pd
							: gsl_odeiv2_step_msbdf;
		w->y1 = malloc((size_t)n_var * sizeof(double));
		w->tmp = malloc(2 * (size_t)n_var * sizeof(double));
		if (!w->y1 || !w->tmp)
			goto fail;
		w->gsys.function = gsl_func;
		w->gsys.jacobian = gsl_jac;
		w->gsys.dimension = (size_t)n_var;
		w->gsys.params = w;
		w->drv = gsl_odeiv2_driver_alloc_y_new(&w->gsys, T, 1e-3, atol,
						       rtol);
		if (!w->drv)
			goto fail;
		gsl_odeiv2_driver_set_nmax(w->drv, 1000000);
	}
	return w;
fail:
	soma__ode_work_free(w);
	return NULL;
}

/* ---- GSL callbacks: one unit, packed in y[] --------------------------- */

static void unit_eval(struct soma__ode_work *w, const double y[], double dydt[],
		      int want_diag, double *diag)
{
	const int nv = w->n_var;
	double **yp = SLOT(w, SLOT_YTMP), **dp = SLOT(w, SLOT_K1);
	double **gp = SLOT(w, SLOT_DIAG);

	for (int k = 0; k < nv; k++)
		yp[k][0] = y[k];
	w->cur->f(w->cur->ctx, 0, 1, (const double *const *)yp, dp,
		  want_diag ? gp : NULL);
	for (int k = 0; k < nv; k++) {
		dydt[k] = dp[k][0];
		if (want_diag)
			diag[k] = gp[k][0];
	}
}

static int gsl_func(double t, const double y[], double dydt[], void *params)
{
	struct soma__ode_work *w = params;

	(void)t;
	unit_eval(w, y, dydt, 0, NULL);
	/* not GSL_EBADFUNC, which GSL treats as fatal: any other failure makes
	 * the driver retry with a smaller step */
	for (int k = 0; k < w->n_var; k++)
		if (!isfinite(dydt[k]))
			return GSL_EFAILED;
	return GSL_SUCCESS;
}

/* Jacobian by central differences of the right-hand side. */
static int gsl_jac(double t, const double y[], double *dfdy, double dfdt[],
		   void *params)
{
	struct soma__ode_work *w = params;
	const int nv = w->n_var;
	double *fp = w->tmp, *fm = w->tmp + nv;
	double ycopy[64];

	(void)t;
	if (nv > 64)
		return GSL_EBADFUNC;
	memcpy(ycopy, y, (size_t)nv * sizeof(double));
	for (int j = 0; j < nv; j++) {
		double h = cbrt(DBL_EPSILON) * fmax(fabs(y[j]), 1.0);
		ycopy[j] = y[j] + h;
		unit_eval(w, ycopy, fp, 0, NULL);
		ycopy[j] = y[j] - h;
		unit_eval(w, ycopy, fm, 0, NULL);
		ycopy[j] = y[j];
		for (int k = 0; k < nv; k++)
			dfdy[k * nv + j] = (fp[k] - fm[k]) / (2 * h);
	}
	for (int k = 0; k < nv; k++)
		dfdt[k] = 0;
	return GSL_SUCCESS;
}

static int step_gsl(struct soma__ode_work *w, const struct soma__ode *sys,
		    uint32_t n, double *const *y, double dt, double *h)
{
	const int nv = w->n_var;

	w->cur = sys;
	for (uint32_t i = 0; i < n; i++) {
		double t = 0;
		int rc;

		for (int k = 0; k < nv; k++)
			w->y1[k] = y[k][i];
		gsl_odeiv2_driver_reset_hstart(w->drv,
					       h && h[i] > 0 ? fmin(h[i], dt) : dt);
		rc = gsl_odeiv2_driver_apply(w->drv, &t, dt, w->y1);
		if (rc != GSL_SUCCESS) {
			w->why = rc == GSL_EMAXITER
					 ? "the GSL driver took more than 10^6 sub-steps in "
					   "one step (too stiff for this method: use msbdf or "
					   "exp_euler)"
					 : "the GSL driver could not meet its tolerance within "
					   "the step (the state left the range where the model "
					   "is finite)";
			return SOMA_ENUMERIC;
		}
		if (h)
			h[i] = w->drv->h;
		for (int k = 0; k < nv; k++)
			y[k][i] = w->y1[k];
	}
	return SOMA_OK;
}

/* ---- fixed-step methods ------------------------------------------------ */

/* ytmp = y + sum_s c_s k_s (c already scaled by the step) */
static void combine(struct soma__ode_work *w, uint32_t n, double *const *y,
		    double *const *out, int m, const int *slots, const double *c)
{
	for (int k = 0; k < w->n_var; k++) {
		double *restrict o = out[k];
		const double *restrict yk = y[k];
		for (uint32_t i = 0; i < n; i++)
			o[i] = yk[i];
		for (int s = 0; s < m; s++) {
			const double *restrict kk = SLOT(w, slots[s])[k];
			const double cs = c[s];
			if (cs == 0)
				continue;
			for (uint32_t i = 0; i < n; i++)
				o[i] += cs * kk[i];
		}
	}
}

#define F(yy, slot, dg) \
	sys->f(sys->ctx, 0, n, (const double *const *)(yy), SLOT(w, slot), (dg))

static void step_euler(struct soma__ode_work *w, const struct soma__ode *sys,
		       uint32_t n, double *const *y, double dt)
{
	F(y, SLOT_K1, NULL);
	for (int k = 0; k < w->n_var; k++) {
		double *restrict yk = y[k];
		const double *restrict k1 = SLOT(w, SLOT_K1)[k];
		for (uint32_t i = 0; i < n; i++)
			yk[i] += dt * k1[i];
	}
}

static void step_rk2(struct soma__ode_work *w, const struct soma__ode *sys,
		     uint32_t n, double *const *y, double dt)
{
	static const int s1[] = { SLOT_K1 };
	double **yt = SLOT(w, SLOT_YTMP);
	const double c1[] = { dt };

	F(y, SLOT_K1, NULL);
	combine(w, n, y, yt, 1, s1, c1);
	F(yt, SLOT_K2, NULL);
	for (int k = 0; k < w->n_var; k++) {
		double *restrict yk = y[k];
		const double *restrict a = SLOT(w, SLOT_K1)[k];
		const double *restrict b = SLOT(w, SLOT_K2)[k];
		for (uint32_t i = 0; i < n; i++)
			yk[i] += 0.5 * dt * (a[i] + b[i]);
	}
}

static void step_rk4(struct soma__ode_work *w, const struct soma__ode *sys,
		     uint32_t n, double *const *y, double dt)
{
	double **yt = SLOT(w, SLOT_YTMP);
	static const int s1[] = { SLOT_K1 }, s2[] = { SLOT_K2 }, s3[] = { SLOT_K3 };
	const double half[] = { 0.5 * dt }, full[] = { dt };

	F(y, SLOT_K1, NULL);
	combine(w, n, y, yt, 1, s1, half);
	F(yt, SLOT_K2, NULL);
	combine(w, n, y, yt, 1, s2, half);
	F(yt, SLOT_K3, NULL);
	combine(w, n, y, yt, 1, s3, full);
	F(yt, SLOT_K4, NULL);
	for (int k = 0; k < w->n_var; k++) {
		double *restrict yk = y[k];
		const double *restrict a = SLOT(w, SLOT_K1)[k];
		const double *restrict b = SLOT(w, SLOT_K2)[k];
		const double *restrict c = SLOT(w, SLOT_K3)[k];
		const double *restrict d = SLOT(w, SLOT_K4)[k];
		for (uint32_t i = 0; i < n; i++)
			yk[i] += dt / 6.0 * (a[i] + 2 * b[i] + 2 * c[i] + d[i]);
	}
}

static void step_exp_euler(struct soma__ode_work *w, const struct soma__ode *sys,
			   uint32_t n, double *const *y, double dt)
{
	F(y, SLOT_K1, SLOT(w, SLOT_DIAG));
	for (int k = 0; k < w->n_var; k++) {
		double *restrict yk = y[k];
		const double *restrict f = SLOT(w, SLOT_K1)[k];
		const double *restrict a = SLOT(w, SLOT_DIAG)[k];
		for (uint32_t i = 0; i < n; i++) {
			double z = a[i] * dt;
			/* phi(z) = expm1(z)/z, 1 at z = 0 */
			double phi = z == 0 ? 1.0 : expm1(z) / z;
			yk[i] += dt * phi * f[i];
		}
	}
}

/* ---- Runge-Kutta-Fehlberg 4(5), one sub-step size per unit ------------- */

static const double A2[] = { 1.0 / 4 };
static const double A3[] = { 3.0 / 32, 9.0 / 32 };
static const double A4[] = { 1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197 };
static const double A5[] = { 439.0 / 216, -8.0, 3680.0 / 513, -845.0 / 4104 };
static const double A6[] = { -8.0 / 27, 2.0, -3544.0 / 2565, 1859.0 / 4104,
			     -11.0 / 40 };
static const double B5[] = { 16.0 / 135, 0, 6656.0 / 12825, 28561.0 / 56430,
			     -9.0 / 50, 2.0 / 55 };
static const double B4[] = { 25.0 / 216, 0, 1408.0 / 2565, 2197.0 / 4104,
			     -1.0 / 5, 0 };

/* out = y + hh[i] * sum_s a_s k_s over units [0, n) of the (offset) arrays */
static void rk_stage(int n_var, uint32_t n, const double *hh,
		     double *const *y, double *const *ks[6], double *const *out,
		     int m, const double *a)
{
	for (int k = 0; k < n_var; k++) {
		double *restrict o = out[k];
		for (uint32_t i = 0; i < n; i++) {
			double acc = 0;
			for (int s = 0; s < m; s++)
				acc += a[s] * ks[s][k][i];
			o[i] = y[k][i] + hh[i] * acc;
		}
	}
}

/*
 * Each unit i has its own sub-step h[i] and time left; a round takes one
 * sub-step for every unit still stepping, evaluating the right-hand side on
 * the range [a, b) of those units only (so one stiff unit does not make the
 * whole block pay for its sub-steps).
 */
static int step_rkf45(struct soma__ode_work *w, const struct soma__ode *sys,
		      uint32_t n, double *const *y, double dt, double *h)
{
	const int nv = w->n_var;
	const double hmin = 1e-12 * dt;
	double *yv[32], *ytv[32], *y5v[32], *kv[6][32];
	double *const *ks[6] = { kv[0], kv[1], kv[2], kv[3], kv[4], kv[5] };
	uint32_t left = n, a = 0, b = n;
	long rounds = 0;

	if (nv > 32)
		return SOMA_EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		w->t_left[i] = dt;
		w->active[i] = 1;
		if (!(h[i] > 0) || h[i] > dt)
			h[i] = dt;
	}
	while (left > 0) {
		uint32_t m;
		const double *hh;

		if (++rounds > RKF45_MAX_SUBSTEPS) {
			w->why = "rkf45 needed more than 10^5 sub-steps in one step: "
				 "the equations are too stiff for an explicit method at "
				 "this tolerance; use exp_euler or msbdf";
			return SOMA_ENUMERIC;
		}
		/* the range of the units still stepping */
		while (!w->active[a])
			a++;
		while (!w->active[b - 1])
			b--;
		m = b - a;
		for (int k = 0; k < nv; k++) {
			yv[k] = y[k] + a;
			ytv[k] = SLOT(w, SLOT_YTMP)[k] + a;
			y5v[k] = SLOT(w, SLOT_Y5)[k] + a;
			for (int s = 0; s < 6; s++)
				kv[s][k] = SLOT(w, SLOT_K1 + s)[k] + a;
		}
		for (uint32_t i = a; i < b; i++)
			w->hh[i] = w->active[i] ? fmin(h[i], w->t_left[i]) : 0.0;
		hh = w->hh + a;
#define FR(yy, s) sys->f(sys->ctx, a, m, (const double *const *)(yy), kv[s], NULL)
		FR(yv, 0);
		rk_stage(nv, m, hh, yv, ks, ytv, 1, A2);
		FR(ytv, 1);
		rk_stage(nv, m, hh, yv, ks, ytv, 2, A3);
		FR(ytv, 2);
		rk_stage(nv, m, hh, yv, ks, ytv, 3, A4);
		FR(ytv, 3);
		rk_stage(nv, m, hh, yv, ks, ytv, 4, A5);
		FR(ytv, 4);
		rk_stage(nv, m, hh, yv, ks, ytv, 5, A6);
		FR(ytv, 5);
#undef FR
		rk_stage(nv, m, hh, yv, ks, y5v, 6, B5);
		/* error estimate: hh * sum (b5 - b4) k, scaled */
		for (uint32_t i = a; i < b; i++)
			w->err[i] = 0;
		for (int k = 0; k < nv; k++) {
			for (uint32_t i = 0; i < m; i++) {
				double e = 0, sc;
				for (int s = 0; s < 6; s++)
					e += (B5[s] - B4[s]) * kv[s][k][i];
				e = fabs(hh[i] * e);
				sc = w->atol + w->rtol * fmax(fabs(yv[k][i]),
							      fabs(y5v[k][i]));
				e = sc > 0 ? e / sc : (e > 0 ? INFINITY : 0);
				if (!isfinite(y5v[k][i]))
					e = INFINITY;
				if (!(e <= w->err[a + i]))
					w->err[a + i] = e;
			}
		}
		for (uint32_t i = a; i < b; i++) {
			double e = w->err[i], fac;

			if (!w->active[i])
				continue;
			if (e <= 1.0) {
				for (int k = 0; k < nv; k++)
					y[k][i] = y5v[k][i - a];
				w->t_left[i] -= w->hh[i];
				fac = e > 0 ? 0.9 * pow(e, -0.2) : 5.0;
				/* the last, shortened sub-step says little about the
				 * next one: keep the longer of the two */
				h[i] = fmax(h[i], fmin(5.0, fac) * w->hh[i]);
				if (w->t_left[i] <= 1e-12 * dt) {
					w->active[i] = 0;
					left--;
				}
			} else {
				fac = isfinite(e) ? fmax(0.1, 0.9 * pow(e, -0.25)) : 0.1;
				h[i] = fac * w->hh[i];
				if (h[i] < hmin) {
					w->why = "rkf45 could not meet its tolerance with a "
						 "sub-step above 10^-12 dt (a state that is "
						 "not finite, or a tolerance too tight)";
					return SOMA_ENUMERIC;
				}
			}
		}
	}
	return SOMA_OK;
}

const char *soma__ode_work_why(const struct soma__ode_work *w)
{
	return w ? w->why : NULL;
}

int soma__ode_step(struct soma__ode_work *w, const struct soma__ode *sys,
		   uint32_t n, double *const *y, double dt, double *h)
{
	w->why = NULL;
	if (n > w->cap || sys->n_var != w->n_var)
		return SOMA_EINVAL;
	switch (w->method) {
	case SOMA_METHOD_EULER:
		step_euler(w, sys, n, y, dt);
		return SOMA_OK;
	case SOMA_METHOD_RK2:
		step_rk2(w, sys, n, y, dt);
		return SOMA_OK;
	case SOMA_METHOD_RK4:
		step_rk4(w, sys, n, y, dt);
		return SOMA_OK;
	case SOMA_METHOD_EXP_EULER:
		step_exp_euler(w, sys, n, y, dt);
		return SOMA_OK;
	case SOMA_METHOD_RKF45:
		if (!h)
			return SOMA_EINVAL;
		return step_rkf45(w, sys, n, y, dt, h);
	case SOMA_METHOD_RK8PD:
	case SOMA_METHOD_MSBDF:
		return step_gsl(w, sys, n, y, dt, h);
	default:
		return SOMA_EINVAL;
	}
}
