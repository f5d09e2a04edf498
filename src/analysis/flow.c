/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Trajectories and limit cycles of a system (analysis.h), integrated with
 * soma's integrators (one unit of n_var variables).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"

/* ---- one unit integrated by soma__ode_step ------------------------------ */

struct flow {
	struct soma__sys_ode_ctx ctx;
	struct soma__ode ode;
	struct soma__ode_work *work;
	double y[SOMA__SYS_MAX_VARS];      /* the state (one unit) */
	double *yp[SOMA__SYS_MAX_VARS];    /* y[k] as arrays of one */
	double h;                          /* rkf45 sub-step */
	double dt;
	int method;
	size_t n;
};

/* Defaults of soma_flow_opts, checked. 0 or SOMA_EINVAL. */
static int flow_opts(soma_system *s, const soma_flow_opts *in,
		     soma_flow_opts *o)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (o->dt == 0)
		o->dt = 0.01;
	if (o->method == SOMA_METHOD_DEFAULT)
		o->method = SOMA_METHOD_RK4;
	if (o->rtol == 0)
		o->rtol = 1e-6;
	if (o->atol == 0)
		o->atol = 1e-9;
	if (o->every == 0)
		o->every = 1;
	if (!isfinite(o->dt) || o->dt <= 0)
		return soma__sys_err(s, SOMA_EINVAL, "step dt = %g ms must be "
				     "finite and positive", o->dt);
	if ((int)o->method < 0 || (int)o->method >= SOMA_METHOD_COUNT)
		return soma__sys_err(s, SOMA_EINVAL, "no integration method %d",
				     (int)o->method);
	if (!(o->rtol > 0) || !(o->atol > 0) || !isfinite(o->rtol) ||
	    !isfinite(o->atol))
		return soma__sys_err(s, SOMA_EINVAL, "tolerances rtol = %g, "
				     "atol = %g must be finite and positive",
				     o->rtol, o->atol);
	return SOMA_OK;
}

/* Prepare the system and the integrator from @y0 (NULL: s->y). */
static int flow_init(struct flow *fl, soma_system *s, const soma_box *box,
		     const double *y0, const soma_flow_opts *o)
{
	int rc;

	memset(fl, 0, sizeof(*fl));
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	fl->n = s->n_var;
	fl->dt = o->dt;
	fl->method = (int)o->method;
	memcpy(fl->y, y0 ? y0 : s->y, s->n_var * sizeof(double));
	for (size_t k = 0; k < s->n_var; k++) {
		if (!isfinite(fl->y[k]))
			return soma__sys_err(s, SOMA_EINVAL, "start value of '%s' "
					     "is not finite",
					     soma_system_var_name(s, k));
		fl->yp[k] = &fl->y[k];
	}
	soma__sys_ode(s, box, &fl->ctx, &fl->ode);
	fl->work = soma__ode_work_new(fl->method, (int)s->n_var, 1, o->rtol,
				      o->atol);
	if (!fl->work)
		return soma__sys_err(s, SOMA_ENOMEM, "out of memory");
	return SOMA_OK;
}

static void flow_free(struct flow *fl)
{
	soma__ode_work_free(fl->work);
	fl->work = NULL;
}

/* One step of @dt: 0, or SOMA_ENUMERIC (the state is then not usable). */
static int flow_step(struct flow *fl, double dt)
{
	int rc = soma__ode_step(fl->work, &fl->ode, 1, fl->yp, dt, &fl->h);

	if (rc || fl->ctx.failed)
		return SOMA_ENUMERIC;
	for (size_t k = 0; k < fl->n; k++)
		if (!isfinite(fl->y[k]))
			return SOMA_ENUMERIC;
	return SOMA_OK;
}

/* ---- trajectories --------------------------------------------------------- */

int soma_trajectory(soma_system *s, const soma_box *box, const double *y0,
		    double duration, const soma_flow_opts *opts, double **rows,
		    size_t *n_rows)
{
	soma_flow_opts o;
	struct flow fl;
	size_t n_steps, cap, nr = 0, w;
	double *out, t = 0, last[SOMA__SYS_MAX_VARS];
	int rc;

	if (rows)
		*rows = NULL;
	if (n_rows)
		*n_rows = 0;
	if (!s || !rows || !n_rows)
		return s ? soma__sys_err(s, SOMA_EINVAL, "NULL argument") :
			   SOMA_EINVAL;
	if (box && (rc = soma__sys_check_box(s, box)))
		return rc;
	if (!isfinite(duration) || duration < 0)
		return soma__sys_err(s, SOMA_EINVAL, "duration %g ms must be "
				     "finite and >= 0", duration);
	if ((rc = flow_opts(s, opts, &o)))
		return rc;
	if (duration / o.dt > 1e9)
		return soma__sys_err(s, SOMA_EINVAL, "%g ms in steps of %g ms: "
				     "too many steps", duration, o.dt);
	/* whole steps of dt; a last shorter step ends exactly at duration */
	n_steps = (size_t)ceil(duration / o.dt - 1e-9);
	if (n_steps == 0 && duration > 0)
		n_steps = 1;
	w = s->n_var + 1;
	/* every every-th step, and the last one (or the last finite one) */
	cap = n_steps / o.every + 2;
	out = malloc(cap * w * sizeof(double));
	if (!out)
		return soma__sys_err(s, SOMA_ENOMEM, "out of memory (%zu rows)",
				     cap);
	if ((rc = flow_init(&fl, s, box, y0, &o))) {
		free(out);
		return rc;
	}
	out[0] = 0;
	memcpy(out + 1, fl.y, s->n_var * sizeof(double));
	nr = 1;
	for (size_t i = 1; i <= n_steps; i++) {
		double step = i < n_steps ? o.dt : duration - (double)(i - 1) * o.dt;

		if (i % 4096 == 0 && soma__sys_stopped(s)) {
			rc = soma__sys_cancelled(s);
			break;
		}

		memcpy(last, fl.y, s->n_var * sizeof(double));
		if (flow_step(&fl, step)) {
			const char *why = soma__ode_work_why(fl.work);

			rc = soma__sys_err(s, SOMA_ENUMERIC, "trajectory: the state "
					   "stopped being finite in the step from "
					   "t = %g ms%s%s", t, why ? ": " : "",
					   why ? why : "");
			/* the last finite state ends the rows */
			if (out[(nr - 1) * w] != t) {
				out[nr * w] = t;
				memcpy(out + nr * w + 1, last,
				       s->n_var * sizeof(double));
				nr++;
			}
			break;
		}
		t = i < n_steps ? (double)i * o.dt : duration;
		if (i % o.every == 0 || i == n_steps) {
			out[nr * w] = t;
			memcpy(out + nr * w + 1, fl.y, s->n_var * sizeof(double));
			nr++;
		}
	}
	flow_free(&fl);
	*rows = out;
	*n_rows = nr;
	return rc;
}

/* ---- limit cycles ---------------------------------------------------------- */

/*
 * The trajectory's samples over the looked-at stretch (box variables only,
 * every step) are examined from time to time while it goes on, on the last
 * half of what has been stored (the "window"):
 *  - Poincare section: the first box variable x_0 crossing upwards the mean
 *    of x_0 over the window. The mean lies strictly inside the range of any
 *    oscillation, and on a relaxation oscillation (FitzHugh-Nagumo,
 *    Hindmarsh-Rose) it is not biased towards the extremes as the middle of
 *    the box's range may be (a cycle need not reach the middle of the box at
 *    all). Each crossing is located inside its step by cubic Hermite
 *    interpolation (the samples and f at both ends), to O(dt^4);
 *  - returns r_j (the point on the section) of the last 3 crossings are
 *    compared with those m crossings before (m = 1 .. 8, the smallest that
 *    fits, so cycles crossing the section several times per period such as
 *    bursts are found): a cycle when every |r_j - r_{j-m}| <= tol * size
 *    (per variable, size = hi - lo) and <= 1e-3 of the cycle's amplitude
 *    (this tells a slowly decaying spiral, whose returns drift by a fixed
 *    fraction of its amplitude per turn, from a cycle), the 3 periods agree
 *    within 1e-3 relative, and the amplitude max_k (max - min) / size
 *    exceeds 1e-6;
 *  - the search stops as soon as a cycle is found, or when the window has
 *    shrunk to a point (range below 1e-9 of the box size: a fixed point),
 *    or when the trajectory leaves the box by more than half its size on any
 *    side or stops being finite (found = 0); max_time is the most looked at.
 */

#define LC_CHECKS 3   /* returns compared */
#define LC_MAX_M 8    /* crossings per period tried */
#define LC_CAP (1u << 20)

struct lc_run {
	soma_system *s;
	const soma_box *box;
	size_t n;               /* box variables */
	double yfull[SOMA__SYS_MAX_VARS]; /* held values (and scratch) */
	double *buf;            /* rows of n doubles */
	size_t count, cap;
	double t0;              /* time of buf row 0 */
	double dt;
	double tol;
	/* crossings of the last analysis */
	double *ct;             /* times */
	double *cx;             /* points, n each */
	size_t *cseg;           /* step index (row) before the crossing */
	size_t nc, ccap;
};

static double lc_size(const struct lc_run *r, size_t k)
{
	return r->box->hi[k] - r->box->lo[k];
}

/* dx/dt of the box variables at box point x. */
static int lc_deriv(struct lc_run *r, const double *x, double *fx)
{
	double dy[SOMA__SYS_MAX_VARS];
	int rc;

	for (size_t k = 0; k < r->n; k++)
		r->yfull[r->box->var[k]] = x[k];
	rc = soma__sys_eval(r->s, r->yfull, dy);
	for (size_t k = 0; k < r->n; k++)
		fx[k] = dy[r->box->var[k]];
	return rc;
}

/* Cubic Hermite on [0, 1] with values a, b and scaled slopes da, db. */
static double hermite(double a, double b, double da, double db, double u)
{
	double u2 = u * u, u3 = u2 * u;

	return (2 * u3 - 3 * u2 + 1) * a + (u3 - 2 * u2 + u) * da +
	       (-2 * u3 + 3 * u2) * b + (u3 - u2) * db;
}

/* Locate the crossing of x_0 = level on step i -> i + 1 (x_0[i] < level <=
 * x_0[i+1]); append it. 0 or SOMA_ENOMEM. */
static int lc_cross(struct lc_run *r, size_t i, double level)
{
	const double *a = r->buf + i * r->n, *b = a + r->n;
	double fa[SOMA_ANALYSIS_MAX_DIM], fb[SOMA_ANALYSIS_MAX_DIM];
	double lo = 0, hi = 1, u;

	/* slopes scaled to the step; the chord where f cannot be evaluated
	 * (linear interpolation) */
	if (lc_deriv(r, a, fa) || lc_deriv(r, b, fb))
		for (size_t k = 0; k < r->n; k++)
			fa[k] = fb[k] = (b[k] - a[k]) / r->dt;
	for (size_t k = 0; k < r->n; k++) {
		fa[k] *= r->dt;
		fb[k] *= r->dt;
	}
	/* x_0(u) - level changes sign on [0, 1]: bisection on the cubic (60
	 * halvings: to rounding) */
	for (int it = 0; it < 60; it++) {
		double m = 0.5 * (lo + hi);

		if (hermite(a[0], b[0], fa[0], fb[0], m) < level)
			lo = m;
		else
			hi = m;
	}
	u = 0.5 * (lo + hi);
	if (r->nc == r->ccap) {
		size_t nc2 = r->ccap ? 2 * r->ccap : 64;
		double *t = realloc(r->ct, nc2 * sizeof(double));

		if (!t)
			return SOMA_ENOMEM;
		r->ct = t;
		t = realloc(r->cx, nc2 * r->n * sizeof(double));
		if (!t)
			return SOMA_ENOMEM;
		r->cx = t;
		size_t *sg = realloc(r->cseg, nc2 * sizeof(size_t));

		if (!sg)
			return SOMA_ENOMEM;
		r->cseg = sg;
		r->ccap = nc2;
	}
	r->ct[r->nc] = r->t0 + ((double)i + u) * r->dt;
	for (size_t k = 0; k < r->n; k++)
		r->cx[r->nc * r->n + k] = hermite(a[k], b[k], fa[k], fb[k], u);
	r->cx[r->nc * r->n] = level;
	r->cseg[r->nc] = i;
	r->nc++;
	return SOMA_OK;
}

/* Range max_k (max - min) / size_k of rows [i0, i1] plus the crossing
 * points ca and cb. */
static double lc_amp(const struct lc_run *r, size_t ca, size_t cb, double *mn,
		     double *mx)
{
	double amp = 0;

	for (size_t k = 0; k < r->n; k++) {
		mn[k] = fmin(r->cx[ca * r->n + k], r->cx[cb * r->n + k]);
		mx[k] = fmax(r->cx[ca * r->n + k], r->cx[cb * r->n + k]);
	}
	for (size_t i = r->cseg[ca] + 1; i <= r->cseg[cb]; i++)
		for (size_t k = 0; k < r->n; k++) {
			double v = r->buf[i * r->n + k];

			mn[k] = fmin(mn[k], v);
			mx[k] = fmax(mx[k], v);
		}
	for (size_t k = 0; k < r->n; k++)
		amp = fmax(amp, (mx[k] - mn[k]) / lc_size(r, k));
	return amp;
}

/* Look at the window: 1 cycle found (lc filled), 0 not yet, 2 settled on a
 * fixed point, 3 out of memory. */
static int lc_analyse(struct lc_run *r, soma_limit_cycle *lc)
{
	size_t w0 = r->count / 2, n = r->n;
	double level = 0, lo = INFINITY, hi = -INFINITY, range = 0;

	if (r->count < 8)
		return 0;
	for (size_t k = 0; k < n; k++) {
		double a = INFINITY, b = -INFINITY;

		for (size_t i = w0; i < r->count; i++) {
			a = fmin(a, r->buf[i * n + k]);
			b = fmax(b, r->buf[i * n + k]);
		}
		range = fmax(range, (b - a) / lc_size(r, k));
		if (k == 0) {
			lo = a;
			hi = b;
		}
	}
	if (range < 1e-9)
		return 2;
	for (size_t i = w0; i < r->count; i++)
		level += r->buf[i * n];
	level /= (double)(r->count - w0);
	if (!(level > lo && level < hi))
		return 0;
	r->nc = 0;
	for (size_t i = w0; i + 1 < r->count; i++)
		if (r->buf[i * n] < level && r->buf[(i + 1) * n] >= level)
			if (lc_cross(r, i, level))
				return 3;
	for (size_t m = 1; m <= LC_MAX_M; m++) {
		size_t last = r->nc - 1, ca, cb;
		double p0, mn[SOMA_ANALYSIS_MAX_DIM], mx[SOMA_ANALYSIS_MAX_DIM];
		double amp, drift = 0, pdev = 0;

		if (r->nc < LC_CHECKS + m)
			break;
		cb = last;
		ca = last - m;
		amp = lc_amp(r, ca, cb, mn, mx);
		p0 = r->ct[cb] - r->ct[ca];
		for (size_t j = last + 1 - LC_CHECKS; j <= last; j++) {
			double p = r->ct[j] - r->ct[j - m];

			pdev = fmax(pdev, fabs(p - p0) / p0);
			for (size_t k = 0; k < n; k++)
				drift = fmax(drift,
					     fabs(r->cx[j * n + k] -
						  r->cx[(j - m) * n + k]) /
						     lc_size(r, k));
		}
		if (!(p0 > 0) || amp <= 1e-6 || drift > r->tol ||
		    drift > 1e-3 * amp || pdev > 1e-3)
			continue;
		/* one period: the crossing ca, the samples, the crossing cb */
		size_t i0 = r->cseg[ca] + 1, i1 = r->cseg[cb];
		size_t np = i1 + 1 - i0 + 2, wd = n + 1;
		double *pts = malloc(np * wd * sizeof(double));

		if (!pts)
			return 3;
		pts[0] = 0;
		memcpy(pts + 1, r->cx + ca * n, n * sizeof(double));
		for (size_t i = i0; i <= i1; i++) {
			double *row = pts + (i - i0 + 1) * wd;

			row[0] = r->t0 + (double)i * r->dt - r->ct[ca];
			memcpy(row + 1, r->buf + i * n, n * sizeof(double));
		}
		pts[(np - 1) * wd] = p0;
		memcpy(pts + (np - 1) * wd + 1, r->cx + cb * n,
		       n * sizeof(double));
		lc->found = 1;
		lc->period = p0;
		for (size_t k = 0; k < n; k++) {
			lc->min[k] = mn[k];
			lc->max[k] = mx[k];
		}
		lc->points = pts;
		lc->n_points = np;
		return 1;
	}
	return 0;
}

static int lc_outside(const struct lc_run *r, const double *y)
{
	for (size_t k = 0; k < r->n; k++) {
		double v = y[r->box->var[k]], m = 0.5 * lc_size(r, k);

		if (v < r->box->lo[k] - m || v > r->box->hi[k] + m)
			return 1;
	}
	return 0;
}

int soma_limit_cycle_find(soma_system *s, const soma_box *box, const double *y0,
			  const soma_cycle_opts *opts, soma_limit_cycle *lc)
{
	soma_cycle_opts o;
	struct flow fl;
	struct lc_run r;
	size_t n_trans, n_look, next_check;
	int rc;

	if (lc)
		memset(lc, 0, sizeof(*lc));
	if (!s || !lc)
		return s ? soma__sys_err(s, SOMA_EINVAL, "NULL argument") :
			   SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	if (opts)
		o = *opts;
	else
		memset(&o, 0, sizeof(o));
	if (o.transient == 0)
		o.transient = 1000;
	if (o.max_time == 0)
		o.max_time = 2000;
	if (o.tol == 0)
		o.tol = 1e-4;
	if (!isfinite(o.transient) || o.transient < 0 ||
	    !isfinite(o.max_time) || o.max_time <= 0 || !(o.tol > 0))
		return soma__sys_err(s, SOMA_EINVAL, "limit cycle: transient %g ms "
				     "(>= 0), max_time %g ms and tol %g (> 0) must "
				     "be finite", o.transient, o.max_time, o.tol);
	if ((rc = flow_opts(s, &o.flow, &o.flow)))
		return rc;
	if ((o.transient + o.max_time) / o.flow.dt > 1e9)
		return soma__sys_err(s, SOMA_EINVAL, "limit cycle: too many steps "
				     "of %g ms", o.flow.dt);
	n_trans = (size_t)ceil(o.transient / o.flow.dt - 1e-9);
	n_look = (size_t)ceil(o.max_time / o.flow.dt - 1e-9);

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.box = box;
	r.n = box->n;
	r.dt = o.flow.dt;
	r.tol = o.tol;
	if ((rc = flow_init(&fl, s, box, y0, &o.flow)))
		return rc;
	memcpy(r.yfull, fl.y, s->n_var * sizeof(double));
	r.cap = n_look + 1 < LC_CAP ? n_look + 1 : LC_CAP;
	r.buf = malloc(r.cap * r.n * sizeof(double));
	if (!r.buf) {
		rc = soma__sys_err(s, SOMA_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_trans; i++) {
		if (i % 4096 == 0 && soma__sys_stopped(s)) {
			rc = soma__sys_cancelled(s);
			goto out;
		}
		if (flow_step(&fl, o.flow.dt))
			goto out;       /* not finite: no cycle */
	}
	r.t0 = 0;
	next_check = 256;
	for (size_t i = 0; i <= n_look; i++) {
		if (i % 4096 == 0 && soma__sys_stopped(s)) {
			rc = soma__sys_cancelled(s);
			goto out;
		}
		if (i > 0 && flow_step(&fl, o.flow.dt))
			goto out;
		if (lc_outside(&r, fl.y))
			goto out;
		if (r.count == r.cap) {
			size_t keep = r.cap / 2;

			memmove(r.buf, r.buf + (r.count - keep) * r.n,
				keep * r.n * sizeof(double));
			r.t0 += (double)(r.count - keep) * r.dt;
			r.count = keep;
			next_check = r.count;
		}
		for (size_t k = 0; k < r.n; k++)
			r.buf[r.count * r.n + k] = fl.y[box->var[k]];
		r.count++;
		if (r.count >= next_check || i == n_look) {
			int a = lc_analyse(&r, lc);

			if (a == 3) {
				rc = soma__sys_err(s, SOMA_ENOMEM, "out of memory");
				goto out;
			}
			if (a)
				goto out;
			next_check = r.count + 64 + r.count / 4;
		}
	}
out:
	flow_free(&fl);
	free(r.buf);
	free(r.ct);
	free(r.cx);
	free(r.cseg);
	return rc;
}

void soma__cycle_start(const soma_system *s, const soma_box *box,
		       const double *x, double *y)
{
	memcpy(y, s->y, s->n_var * sizeof(double));
	for (size_t k = 0; k < box->n; k++)
		y[box->var[k]] = x[k] + 1e-3 * (box->hi[k] - box->lo[k]);
}

int soma__same_cycle(const soma_box *box, double period_a, const double *min_a,
		     const double *max_a, const soma_limit_cycle *b, double tol)
{
	if (fabs(period_a - b->period) > tol * b->period)
		return 0;
	for (size_t k = 0; k < box->n; k++) {
		double e = tol * (box->hi[k] - box->lo[k]);

		if (fabs(min_a[k] - b->min[k]) > e || fabs(max_a[k] - b->max[k]) > e)
			return 0;
	}
	return 1;
}

void soma_limit_cycle_clear(soma_limit_cycle *lc)
{
	if (!lc)
		return;
	free(lc->points);
	memset(lc, 0, sizeof(*lc));
}
