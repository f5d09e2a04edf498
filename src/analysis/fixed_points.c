/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fixed points of the target variables of a system (analysis.h): their
 * search (GSL's Brent solver in 1-D, Powell's hybrid method from a grid and
 * from the nullcline crossings above), their Jacobian (gsl_deriv_central)
 * and their classification (gsl_eigen_nonsymm).
 *
 * A root is kept when its residual is below the tolerance both of the
 * global scale of f (its largest value on the grid) and of a local one
 * (local_ok(): f's slope across the box and its curvature over a grid
 * step at the point), so that a box where f is huge near one edge lets no
 * slow point through. In 1-D, every local minimum of |f| on the grid is
 * searched for the extremum of f (extremum_1d()), which gives a tangent
 * root or a pair of close roots whatever the grid.
 *
 * GSL's default error handler aborts: every GSL routine here is called so
 * that it cannot raise an error (brackets checked first, function values
 * always finite, with failures reported through a flag instead).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_deriv.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_roots.h>

#include "analysis/analysis_internal.h"

#define MAXD SOMA_ANALYSIS_MAX_DIM

/* ---- types ------------------------------------------------------------- */

static const char *const type_names[SOMA_FP_TYPE_COUNT] = {
	[SOMA_FP_STABLE_NODE] = "stable node",
	[SOMA_FP_UNSTABLE_NODE] = "unstable node",
	[SOMA_FP_STABLE_FOCUS] = "stable focus",
	[SOMA_FP_UNSTABLE_FOCUS] = "unstable focus",
	[SOMA_FP_SADDLE] = "saddle",
	[SOMA_FP_CENTRE] = "centre",
	[SOMA_FP_STABLE_STAR] = "stable star",
	[SOMA_FP_UNSTABLE_STAR] = "unstable star",
	[SOMA_FP_STABLE_DEGENERATE] = "stable degenerate node",
	[SOMA_FP_UNSTABLE_DEGENERATE] = "unstable degenerate node",
	[SOMA_FP_STABLE_LINE] = "stable line",
	[SOMA_FP_UNSTABLE_LINE] = "unstable line",
	[SOMA_FP_UNIFORM_MOTION] = "uniform motion",
	[SOMA_FP_STABLE_POINT] = "stable point",
	[SOMA_FP_UNSTABLE_POINT] = "unstable point",
	[SOMA_FP_SADDLE_NODE] = "saddle-node",
	[SOMA_FP_SADDLE_FOCUS] = "saddle-focus",
	[SOMA_FP_NON_HYPERBOLIC] = "non-hyperbolic",
};

const char *soma_fp_type_name(soma_fp_type t)
{
	if ((int)t < 0 || t >= SOMA_FP_TYPE_COUNT)
		return NULL;
	return type_names[t];
}

int soma_fp_type_stable(soma_fp_type t)
{
	switch (t) {
	case SOMA_FP_STABLE_NODE:
	case SOMA_FP_STABLE_FOCUS:
	case SOMA_FP_STABLE_STAR:
	case SOMA_FP_STABLE_DEGENERATE:
	case SOMA_FP_STABLE_POINT:
		return 1;
	default:
		return 0;
	}
}

static int eig_cmp(const void *a, const void *b)
{
	const double *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] > y[1] ? -1 : 1;
	return 0;
}

/* Eigenvalues of the n x n matrix jac, sorted, as (re, im) pairs. */
static int eigenvalues(size_t n, const double *jac, double ev[][2])
{
	gsl_matrix *a;
	gsl_vector_complex *e;
	gsl_eigen_nonsymm_workspace *w;
	int rc = -1;

	if (n == 1) {
		ev[0][0] = jac[0];
		ev[0][1] = 0.0;
		return 0;
	}
	a = gsl_matrix_alloc(n, n);
	e = gsl_vector_complex_alloc(n);
	w = gsl_eigen_nonsymm_alloc(n);
	if (a && e && w) {
		memcpy(a->data, jac, n * n * sizeof(double)); /* tda == n */
		if (gsl_eigen_nonsymm(a, e, w) == GSL_SUCCESS &&
		    w->n_evals == n) {
			for (size_t k = 0; k < n; k++) {
				gsl_complex z = gsl_vector_complex_get(e, k);

				ev[k][0] = GSL_REAL(z);
				ev[k][1] = GSL_IMAG(z);
			}
			rc = 0;
		}
	}
	gsl_eigen_nonsymm_free(w);
	gsl_vector_complex_free(e);
	gsl_matrix_free(a);
	if (!rc)
		qsort(ev, n, sizeof(ev[0]), eig_cmp);
	return rc;
}

/*
 * The tolerances of "=" are relative to sums of the terms compared, which
 * do not change with the variables' units (y -> S y maps J to S J S^-1: the
 * diagonal, a d, b c, T, D and the discriminant stay).
 */
static soma_fp_type classify_2d(const double *j)
{
	const double a = j[0], b = j[1], c = j[2], d = j[3];
	const double T = a + d, D = a * d - b * c;
	const double disc = T * T - 4.0 * D, diag = fabs(a) + fabs(d);
	const double eps = 1e-7;
	const int st = T < 0;

	if (fabs(D) <= eps * (fabs(a * d) + fabs(b * c))) {
		if (fabs(T) <= eps * diag)
			return SOMA_FP_UNIFORM_MOTION;
		return st ? SOMA_FP_STABLE_LINE : SOMA_FP_UNSTABLE_LINE;
	}
	if (D < 0)
		return SOMA_FP_SADDLE;
	if (fabs(disc) <= eps * (T * T + 4.0 * fabs(a * d) + 4.0 * fabs(b * c))) {
		if (fabs(b) <= eps * diag && fabs(c) <= eps * diag &&
		    fabs(a - d) <= eps * diag)
			return st ? SOMA_FP_STABLE_STAR : SOMA_FP_UNSTABLE_STAR;
		return st ? SOMA_FP_STABLE_DEGENERATE : SOMA_FP_UNSTABLE_DEGENERATE;
	}
	if (disc > 0)
		return st ? SOMA_FP_STABLE_NODE : SOMA_FP_UNSTABLE_NODE;
	if (fabs(T) <= eps * diag)
		return SOMA_FP_CENTRE;
	return st ? SOMA_FP_STABLE_FOCUS : SOMA_FP_UNSTABLE_FOCUS;
}

int soma_classify(size_t n, const double *jac, double *eig_re, double *eig_im)
{
	double ev[MAXD][2], size = 0.0, eps;
	int neg = 0, pos = 0, zero = 0, cplx = 0;

	if (n == 0 || n > MAXD || !jac)
		return -1;
	for (size_t k = 0; k < n * n; k++)
		if (!isfinite(jac[k]))
			return -1;
	if (eigenvalues(n, jac, ev))
		return -1;
	for (size_t k = 0; k < n; k++) {
		if (eig_re)
			eig_re[k] = ev[k][0];
		if (eig_im)
			eig_im[k] = ev[k][1];
	}
	if (n == 1)
		return jac[0] < 0 ? SOMA_FP_STABLE_POINT :
		       jac[0] > 0 ? SOMA_FP_UNSTABLE_POINT : SOMA_FP_SADDLE_NODE;
	if (n == 2)
		return classify_2d(jac);
	/* relative to the largest eigenvalue: the same in any units */
	for (size_t k = 0; k < n; k++)
		size = fmax(size, hypot(ev[k][0], ev[k][1]));
	eps = 1e-7 * size;
	for (size_t k = 0; k < n; k++) {
		if (fabs(ev[k][0]) <= eps)
			zero = 1;
		else if (ev[k][0] < 0)
			neg = 1;
		else
			pos = 1;
		if (fabs(ev[k][1]) > eps)
			cplx = 1;
	}
	if (zero)
		return SOMA_FP_NON_HYPERBOLIC;
	if (neg && pos)
		return cplx ? SOMA_FP_SADDLE_FOCUS : SOMA_FP_SADDLE;
	if (neg)
		return cplx ? SOMA_FP_STABLE_FOCUS : SOMA_FP_STABLE_NODE;
	return cplx ? SOMA_FP_UNSTABLE_FOCUS : SOMA_FP_UNSTABLE_NODE;
}

/* ---- the Jacobian --------------------------------------------------------- */

struct deriv_ctx {
	soma_system *s;
	const soma_box *box;
	double x[MAXD];
	size_t i, j;
	int fail;
};

/* f_i with x_j = t, the other targets at c->x */
static double deriv_f(double t, void *p)
{
	struct deriv_ctx *c = p;
	double x[MAXD], fx[MAXD];

	memcpy(x, c->x, sizeof(x));
	x[c->j] = t;
	if (soma__sys_eval_box(c->s, c->box, x, fx)) {
		c->fail = 1;
		return 0.0;
	}
	return fx[c->i];
}

/* Jacobian of the box's variables at x into jac (n x n): 0 or
 * SOMA_ENUMERIC. Central differences with error control, one-sided next
 * to a point where f fails. */
static int jacobian(soma_system *s, const soma_box *box, const double *x,
		    double *jac)
{
	struct deriv_ctx c = { .s = s, .box = box };
	gsl_function F = { deriv_f, &c };
	size_t n = box->n;

	memcpy(c.x, x, n * sizeof(double));
	for (size_t j = 0; j < n; j++) {
		double h = 1e-5 * (box->hi[j] - box->lo[j]);

		for (size_t i = 0; i < n; i++) {
			double d, err;

			c.i = i;
			c.j = j;
			c.fail = 0;
			gsl_deriv_central(&F, x[j], h, &d, &err);
			if (c.fail || !isfinite(d)) {
				c.fail = 0;
				gsl_deriv_forward(&F, x[j], h, &d, &err);
			}
			if (c.fail || !isfinite(d)) {
				c.fail = 0;
				gsl_deriv_backward(&F, x[j], h, &d, &err);
			}
			if (c.fail || !isfinite(d))
				return SOMA_ENUMERIC;
			jac[i * n + j] = d;
		}
	}
	return SOMA_OK;
}

/* Jacobian, eigenvalues and type of fp at fp->x. */
static int linearise(soma_system *s, const soma_box *box, soma_fixed_point *fp)
{
	size_t n = box->n;
	int t;

	if (jacobian(s, box, fp->x, fp->jac))
		return SOMA_ENUMERIC;
	t = soma_classify(n, fp->jac, fp->eig_re, fp->eig_im);
	if (t < 0)
		return SOMA_ENUMERIC;
	fp->type = (soma_fp_type)t;
	fp->stable = soma_fp_type_stable(fp->type);
	return SOMA_OK;
}

int soma_linearise(soma_system *s, const soma_box *box, const double *x,
		   soma_fixed_point *fp)
{
	double fx[MAXD];
	int rc;

	if (!s || !x || !fp)
		return SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	memset(fp, 0, sizeof(*fp));
	for (size_t k = 0; k < box->n; k++) {
		if (!isfinite(x[k]))
			return soma__sys_err(s, SOMA_EINVAL,
					     "linearise: coordinate %zu is not finite", k);
		fp->x[k] = x[k];
	}
	if (soma__sys_eval_box(s, box, x, fx))
		return soma__sys_err(s, SOMA_ENUMERIC,
				     "linearise: the right-hand side cannot be "
				     "evaluated at this point");
	fp->residual = 0.0;
	for (size_t k = 0; k < box->n; k++)
		fp->residual = fmax(fp->residual, fabs(fx[k]));
	if (linearise(s, box, fp))
		return soma__sys_err(s, SOMA_ENUMERIC,
				     "linearise: the Jacobian is not finite at "
				     "this point");
	return SOMA_OK;
}

/* ---- the search --------------------------------------------------------- */

struct search {
	soma_system *s;
	const soma_box *box;
	size_t n;
	double lo[MAXD], w[MAXD], scale[MAXD];
	double tol;
	double g;     /* n-D: the grid step, in scaled coordinates */
	int fail;
	/* 1-D */
	size_t comp;
	double sign;
	/* results */
	soma_fixed_point *fp;
	size_t n_fp, cap;
	unsigned char *tangent;
};

static void to_x(const struct search *c, const double *u, double *x)
{
	for (size_t k = 0; k < c->n; k++)
		x[k] = c->lo[k] + u[k] * c->w[k];
}

/* Scaled F(u) = f(x(u)) / scale: 0, or -1 when f fails there. */
static int eval_u(struct search *c, const double *u, double *F)
{
	double x[MAXD], fx[MAXD];

	to_x(c, u, x);
	if (soma__sys_eval_box(c->s, c->box, x, fx))
		return -1;
	for (size_t k = 0; k < c->n; k++)
		F[k] = fx[k] / c->scale[k];
	return 0;
}

static double maxabs(const double *v, size_t n)
{
	double m = 0.0;

	for (size_t k = 0; k < n; k++)
		m = fmax(m, fabs(v[k]));
	return m;
}

/* Record a root at u (scaled coordinates) with scaled residual res, merging
 * it with one closer than 1e-6 of the box size. 0 or SOMA_ENOMEM. */
static int add_root(struct search *c, const double *u, double res, int tangent)
{
	for (size_t r = 0; r < c->n_fp; r++) {
		soma_fixed_point *p = &c->fp[r];
		double d = 0.0;

		for (size_t k = 0; k < c->n; k++)
			d = fmax(d, fabs(c->lo[k] + u[k] * c->w[k] - p->x[k]) /
					    c->w[k]);
		if (d >= 1e-6)
			continue;
		if (res < p->residual) {
			to_x(c, u, p->x);
			p->residual = res;
			c->tangent[r] = (unsigned char)tangent;
		}
		return SOMA_OK;
	}
	if (c->n_fp == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		soma_fixed_point *fp = realloc(c->fp, cap * sizeof(*fp));
		unsigned char *tg;

		if (!fp)
			return SOMA_ENOMEM;
		c->fp = fp;
		tg = realloc(c->tangent, cap);
		if (!tg)
			return SOMA_ENOMEM;
		c->tangent = tg;
		c->cap = cap;
	}
	memset(&c->fp[c->n_fp], 0, sizeof(c->fp[0]));
	to_x(c, u, c->fp[c->n_fp].x);
	c->fp[c->n_fp].residual = res;
	c->tangent[c->n_fp] = (unsigned char)tangent;
	c->n_fp++;
	return SOMA_OK;
}

static int inside(const struct search *c, const double *u)
{
	for (size_t k = 0; k < c->n; k++)
		if (!(u[k] >= -1e-12 && u[k] <= 1.0 + 1e-12))
			return 0;
	return 1;
}

/* 1-D: scaled f (times sign) at scaled coordinate u, 0 on failure */
static double f1_u(double u, void *p)
{
	struct search *c = p;
	double F;

	if (eval_u(c, &u, &F)) {
		c->fail = 1;
		return 0.0;
	}
	return c->sign * F;
}

/* Brent's method on [a, b] (scaled), F(a) and F(b) of opposite signs. */
static int brent_1d(struct search *c, gsl_root_fsolver *rs, double a, double b)
{
	gsl_function F = { f1_u, c };
	double u[3], best = INFINITY, ub = NAN;

	c->fail = 0;
	c->sign = 1.0;
	if (gsl_root_fsolver_set(rs, &F, a, b) != GSL_SUCCESS)
		return SOMA_OK;
	for (int it = 0; it < 200; it++) {
		if (gsl_root_fsolver_iterate(rs) != GSL_SUCCESS || c->fail)
			break;
		if (gsl_root_test_interval(gsl_root_fsolver_x_lower(rs),
					   gsl_root_fsolver_x_upper(rs), 1e-15,
					   0) != GSL_CONTINUE)
			break;
	}
	u[0] = gsl_root_fsolver_root(rs);
	u[1] = gsl_root_fsolver_x_lower(rs);
	u[2] = gsl_root_fsolver_x_upper(rs);
	for (int k = 0; k < 3; k++) {
		double v;

		c->fail = 0;
		v = fabs(f1_u(u[k], c));
		if (!c->fail && v < best) {
			best = v;
			ub = u[k];
		}
	}
	if (best <= c->tol && inside(c, &ub))
		return add_root(c, &ub, best, 0);
	return SOMA_OK;
}

/* sign * F at u (1-D), or 0 with c->fail set */
static double f1_at(struct search *c, double u, double sign, int *bad)
{
	double v;

	c->fail = 0;
	c->sign = sign;
	v = f1_u(u, c);
	*bad = c->fail;
	return v;
}

/*
 * Around grid node m, a local minimum of |F| on the grid (F of sign @sign
 * at a, m and b): the extremum e of F in [a, b] (Brent's minimiser on
 * sign * F). With k = |F''(e)| / 2 (from the change of F between e and the
 * ends of the bracket), e is a tangent root when |F(e)| <= k d^2, d half the
 * distance at which two roots merge (1e-6 of the box): a shift of F by
 * F(e) either way would leave roots closer than that; or when |F(e)| <=
 * tol times the change of F over the bracket (about |F''| times the grid
 * step squared, a local scale). Otherwise, when F(e) has the other sign,
 * the two roots on either side of e are solved by Brent's method. Both
 * tests are local: f's largest value on the grid plays no part.
 */
static int extremum_1d(struct search *c, gsl_min_fminimizer *ms,
		       gsl_root_fsolver *rs, double a, double m, double b,
		       double sign)
{
	gsl_function F = { f1_u, c };
	double fa, fb, fm, e, fe, loc, k2, cand[3];
	int bad, rc;

	fa = f1_at(c, a, sign, &bad);
	if (bad)
		return SOMA_OK;
	fb = f1_at(c, b, sign, &bad);
	if (bad)
		return SOMA_OK;
	/* a start strictly below both ends (GSL requires it): the node, or
	 * the middle of one of its two cells (a minimum halfway between two
	 * nodes leaves them equal) */
	cand[0] = m;
	cand[1] = 0.5 * (a + m);
	cand[2] = 0.5 * (m + b);
	fm = INFINITY;
	e = m;
	for (int k = 0; k < 3; k++) {
		double v = f1_at(c, cand[k], sign, &bad);

		if (!bad && v < fm) {
			fm = v;
			e = cand[k];
		}
	}
	if (!(fm < fa && fm < fb))
		return SOMA_OK;
	c->fail = 0;
	c->sign = sign;
	if (gsl_min_fminimizer_set_with_values(ms, &F, e, fm, a, fa, b, fb) !=
	    GSL_SUCCESS)
		return SOMA_OK;
	for (int it = 0; it < 100; it++) {
		if (gsl_min_fminimizer_iterate(ms) != GSL_SUCCESS || c->fail)
			return SOMA_OK;
		if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(ms),
					  gsl_min_fminimizer_x_upper(ms), 1e-13,
					  0) != GSL_CONTINUE)
			break;
	}
	e = gsl_min_fminimizer_x_minimum(ms);
	fe = f1_at(c, e, sign, &bad); /* sign * F(e) */
	if (bad || !inside(c, &e))
		return SOMA_OK;
	loc = fmax(fa - fe, fb - fe); /* > 0: fe <= fm < fa, fb */
	k2 = fmax((fa - fe) / ((e - a) * (e - a)),
		  (fb - fe) / ((b - e) * (b - e)));
	if (fabs(fe) <= c->tol * loc || fabs(fe) <= k2 * 0.25e-12)
		return add_root(c, &e, fabs(fe), 1);
	if (fe >= 0)
		return SOMA_OK;
	/* two roots, one on each side of e */
	rc = brent_1d(c, rs, a, e);
	if (!rc)
		rc = brent_1d(c, rs, e, b);
	return rc;
}

/* Whether interior grid node i is 0 or of the other sign than both its
 * neighbours, which have the same sign (a root pair or a tangent root
 * within two grid steps). */
static int dip(const double *F, const unsigned char *ok, size_t N, size_t i)
{
	return i > 0 && i + 1 < N && ok[i - 1] && ok[i] && ok[i + 1] &&
	       F[i - 1] * F[i + 1] > 0 && F[i - 1] * F[i] <= 0;
}

static int search_1d(struct search *c, unsigned grid)
{
	size_t N = grid < 3 ? 3 : grid;
	double *F = malloc(N * sizeof(double));
	double *u = malloc(N * sizeof(double));
	unsigned char *ok = malloc(N);
	gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	gsl_min_fminimizer *ms = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
	double scale = 0.0;
	int rc = SOMA_ENOMEM;

	if (!F || !u || !ok || !rs || !ms)
		goto out;
	c->scale[0] = 1.0;
	for (size_t i = 0; i < N; i++) {
		u[i] = (double)i / (double)(N - 1);
		ok[i] = !eval_u(c, &u[i], &F[i]);
		if (ok[i])
			scale = fmax(scale, fabs(F[i]));
	}
	rc = SOMA_OK;
	if (scale == 0.0) /* f fails or vanishes on the whole grid */
		goto out;
	c->scale[0] = scale;
	for (size_t i = 0; i < N; i++)
		F[i] /= scale;
	for (size_t i = 0; i < N && !rc; i++) {
		if (!ok[i])
			continue;
		if (dip(F, ok, N, i)) {
			/* F at node i is 0 or of the other sign than at both
			 * neighbours: two roots, or one tangent root, around
			 * the extremum in [u_i-1, u_i+1] */
			rc = extremum_1d(c, ms, rs, u[i - 1], u[i], u[i + 1],
					 F[i - 1] > 0 ? 1.0 : -1.0);
			continue;
		}
		if (F[i] == 0.0) {
			rc = add_root(c, &u[i], 0.0, 0);
			continue;
		}
		if (i + 1 < N && ok[i + 1] && F[i] * F[i + 1] < 0 &&
		    !dip(F, ok, N, i + 1))
			rc = brent_1d(c, rs, u[i], u[i + 1]);
		/* a local minimum of |F| without a sign change (<= on the
		 * left: a minimum between two equal nodes counts once) */
		if (!rc && i > 0 && i + 1 < N && ok[i - 1] && ok[i + 1] &&
		    F[i - 1] * F[i] > 0 && F[i] * F[i + 1] > 0 &&
		    fabs(F[i]) <= fabs(F[i - 1]) && fabs(F[i]) < fabs(F[i + 1]))
			rc = extremum_1d(c, ms, rs, u[i - 1], u[i], u[i + 1],
					 F[i] > 0 ? 1.0 : -1.0);
	}
out:
	gsl_min_fminimizer_free(ms);
	gsl_root_fsolver_free(rs);
	free(ok);
	free(u);
	free(F);
	return rc;
}

/* n-D: scaled F for the hybrid solver; a failed evaluation gives a large
 * finite value (so that GSL raises no error) and sets c->fail. */
static int hyb_f(const gsl_vector *u, void *p, gsl_vector *F)
{
	struct search *c = p;
	double F_[MAXD];

	if (eval_u(c, u->data, F_)) {
		c->fail = 1;
		for (size_t k = 0; k < c->n; k++)
			gsl_vector_set(F, k, 1e6);
		return GSL_SUCCESS;
	}
	for (size_t k = 0; k < c->n; k++)
		gsl_vector_set(F, k, F_[k]);
	return GSL_SUCCESS;
}

/* Newton steps from u (scaled; residual *res), each kept while it lowers
 * the residual. */
static void newton_polish(struct search *c, double *u, double *res,
			  gsl_matrix *J, gsl_permutation *perm, gsl_vector *b,
			  gsl_vector *dx)
{
	size_t n = c->n;

	for (int it = 0; it < 10 && *res > 0; it++) {
		double F[MAXD], Fp[MAXD], Fm[MAXD], v[MAXD], wt[MAXD], r, r0;
		int sgn, bad = 0;

		if (eval_u(c, u, F))
			return;
		for (size_t j = 0; j < n && !bad; j++) {
			const double h = 1e-7;

			memcpy(v, u, n * sizeof(double));
			v[j] = u[j] + h;
			bad |= eval_u(c, v, Fp);
			v[j] = u[j] - h;
			bad |= eval_u(c, v, Fm);
			for (size_t i = 0; i < n; i++)
				gsl_matrix_set(J, i, j, (Fp[i] - Fm[i]) / (2 * h));
		}
		if (bad)
			return;
		for (size_t i = 0; i < n * n; i++)
			if (!isfinite(J->data[i]))
				return;
		/* the residual weighted by each row's slope, so that a
		 * component whose global scale is huge still counts */
		r0 = 0.0;
		for (size_t i = 0; i < n; i++) {
			wt[i] = 0.0;
			for (size_t j = 0; j < n; j++)
				wt[i] += fabs(gsl_matrix_get(J, i, j));
			wt[i] = wt[i] > 0 ? 1.0 / wt[i] : 1.0;
			r0 = fmax(r0, fabs(F[i]) * wt[i]);
		}
		gsl_linalg_LU_decomp(J, perm, &sgn);
		for (size_t i = 0; i < n; i++)
			if (!(fabs(gsl_matrix_get(J, i, i)) > 1e-300))
				return;
		for (size_t i = 0; i < n; i++)
			gsl_vector_set(b, i, F[i]);
		gsl_linalg_LU_solve(J, perm, b, dx);
		for (size_t i = 0; i < n; i++)
			v[i] = u[i] - gsl_vector_get(dx, i);
		if (eval_u(c, v, F))
			return;
		r = 0.0;
		for (size_t i = 0; i < n; i++)
			r = fmax(r, fabs(F[i]) * wt[i]);
		if (!(r < r0))
			return;
		memcpy(u, v, n * sizeof(double));
		*res = maxabs(F, n);
	}
}

/*
 * Whether u is a root to the tolerance of a local scale: every
 * |F_k(u)| <= tol * L_k, L_k = sum_j |dF_k/du_j| (the change of f_k across
 * the box at the slope there) + |F_k(u + g e_j) - 2 F_k(u) + F_k(u - g e_j)|
 * (its curvature over a grid step, for tangent roots where the slope
 * vanishes). The global scale of F (the largest |f_k| on the grid) alone
 * lets points far from any root through in a box where f is huge near an
 * edge.
 */
static int local_ok(struct search *c, const double *u, const double *F)
{
	const double eta = 1e-6;
	double L[MAXD] = { 0 };
	size_t n = c->n;

	for (size_t j = 0; j < n; j++) {
		double v[MAXD], Fp[MAXD], Fm[MAXD], Gp[MAXD], Gm[MAXD];
		int p, m, gp, gm;

		memcpy(v, u, n * sizeof(double));
		v[j] = u[j] + eta;
		p = !eval_u(c, v, Fp);
		v[j] = u[j] - eta;
		m = !eval_u(c, v, Fm);
		v[j] = u[j] + c->g;
		gp = !eval_u(c, v, Gp);
		v[j] = u[j] - c->g;
		gm = !eval_u(c, v, Gm);
		for (size_t k = 0; k < n; k++) {
			if (p && m)
				L[k] += fabs(Fp[k] - Fm[k]) / (2 * eta);
			else if (p || m)
				L[k] += fabs((p ? Fp[k] : Fm[k]) - F[k]) / eta;
			if (gp && gm)
				L[k] += fabs(Gp[k] - 2 * F[k] + Gm[k]);
		}
	}
	for (size_t k = 0; k < n; k++)
		if (!(fabs(F[k]) <= c->tol * L[k]))
			return 0;
	return 1;
}

struct hyb {
	gsl_multiroot_fsolver *S;
	gsl_multiroot_function func;
	gsl_vector *u0, *b, *dx;
	gsl_matrix *J;
	gsl_permutation *perm;
};

static int hyb_solve(struct search *c, struct hyb *h, const double *u0)
{
	double u[MAXD] = { 0 }, F[MAXD], res;
	size_t n = c->n;

	c->fail = 0;
	memcpy(h->u0->data, u0, n * sizeof(double));
	if (gsl_multiroot_fsolver_set(h->S, &h->func, h->u0) != GSL_SUCCESS ||
	    c->fail)
		return SOMA_OK;
	for (int it = 0; it < 100; it++) {
		const double *x = h->S->x->data;
		int far = 0;

		if (gsl_multiroot_fsolver_iterate(h->S) != GSL_SUCCESS)
			break;
		if (maxabs(h->S->f->data, n) <= 1e-3 * c->tol)
			break;
		for (size_t k = 0; k < n; k++)
			far |= !(fabs(x[k] - 0.5) < 3.0);
		if (far)
			return SOMA_OK;
	}
	memcpy(u, h->S->x->data, n * sizeof(double));
	if (eval_u(c, u, F))
		return SOMA_OK;
	res = maxabs(F, n);
	if (res > 1e-3 * c->tol)
		newton_polish(c, u, &res, h->J, h->perm, h->b, h->dx);
	if (res <= c->tol && inside(c, u) && !eval_u(c, u, F) &&
	    local_ok(c, u, F))
		return add_root(c, u, res, 0);
	return SOMA_OK;
}

/* the point of segment a nearest segment b (both in scaled coordinates):
 * their crossing, or the middle of their nearest ends */
static void seg_start(const double a[2][2], const double b[2][2], double *u)
{
	double r0 = a[1][0] - a[0][0], r1 = a[1][1] - a[0][1];
	double s0 = b[1][0] - b[0][0], s1 = b[1][1] - b[0][1];
	double den = r0 * s1 - r1 * s0, best = INFINITY;

	if (den != 0.0) {
		double q0 = b[0][0] - a[0][0], q1 = b[0][1] - a[0][1];
		double t = (q0 * s1 - q1 * s0) / den;
		double v = (q0 * r1 - q1 * r0) / den;

		if (t >= -0.5 && t <= 1.5 && v >= -0.5 && v <= 1.5) {
			u[0] = a[0][0] + t * r0;
			u[1] = a[0][1] + t * r1;
			return;
		}
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double d = hypot(a[i][0] - b[j][0], a[i][1] - b[j][1]);

			if (d < best) {
				best = d;
				u[0] = 0.5 * (a[i][0] + b[j][0]);
				u[1] = 0.5 * (a[i][1] + b[j][1]);
			}
		}
}

static int seg_cell_cmp(const void *a, const void *b)
{
	const struct soma__nc_seg *x = a, *y = b;

	return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* Starts from the nullcline crossings of a 2-D box. */
static int crossing_starts(struct search *c, struct hyb *h, unsigned grid)
{
	struct soma__nc_seg *seg[2] = { NULL, NULL };
	size_t ns[2] = { 0, 0 };
	unsigned res = grid * 5 < 200 ? 200 : grid * 5 > 2000 ? 2000 : grid * 5;
	int rc;

	rc = soma__nullcline_segs(c->s, c->box, res, 3, seg, ns);
	if (rc)
		goto out;
	/* to scaled coordinates */
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < ns[k]; i++)
			for (int e = 0; e < 2; e++)
				for (int d = 0; d < 2; d++)
					seg[k][i].p[e][d] = (seg[k][i].p[e][d] - c->lo[d]) /
							    c->w[d];
	if (ns[1] > 1)
		qsort(seg[1], ns[1], sizeof(seg[1][0]), seg_cell_cmp);
	for (size_t i = 0; i < ns[0] && !rc; i++) {
		size_t lo = 0, hi = ns[1];

		while (lo < hi) { /* first seg[1] with cell >= seg[0][i].cell */
			size_t mid = lo + (hi - lo) / 2;

			if (seg[1][mid].cell < seg[0][i].cell)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < ns[1] && seg[1][j].cell == seg[0][i].cell &&
				    !rc; j++) {
			double u[2] = { 0.5, 0.5 };

			seg_start((const double(*)[2])seg[0][i].p,
				  (const double(*)[2])seg[1][j].p, u);
			rc = hyb_solve(c, h, u);
		}
	}
out:
	free(seg[0]);
	free(seg[1]);
	return rc;
}

static int search_nd(struct search *c, unsigned grid)
{
	size_t n = c->n, G, total = 1;
	struct hyb h = { 0 };
	int rc = SOMA_ENOMEM;
	int any = 0;

	if (grid)
		G = grid;
	else if (n == 2)
		G = 40;
	else
		G = (size_t)fmax(4.0, floor(pow(8000.0, 1.0 / (double)n) + 1e-9));
	if (G < 2)
		G = 2;
	c->g = 1.0 / (double)(G - 1);
	for (size_t k = 0; k < n; k++) {
		if (total > 100000000 / G)
			return soma__sys_err(c->s, SOMA_EINVAL,
					     "fixed points: a grid of %zu^%zu starting "
					     "points is too large", G, n);
		total *= G;
	}
	h.S = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, n);
	h.u0 = gsl_vector_alloc(n);
	h.b = gsl_vector_alloc(n);
	h.dx = gsl_vector_alloc(n);
	h.J = gsl_matrix_alloc(n, n);
	h.perm = gsl_permutation_alloc(n);
	if (!h.S || !h.u0 || !h.b || !h.dx || !h.J || !h.perm)
		goto out;
	h.func.f = hyb_f;
	h.func.n = n;
	h.func.params = c;

	/* scale_k: the largest |f_k| over the grid */
	for (size_t k = 0; k < n; k++)
		c->scale[k] = 1.0;
	{
		double sc[MAXD] = { 0 };

		for (size_t idx = 0; idx < total; idx++) {
			double u[MAXD] = { 0 }, F[MAXD];
			size_t r = idx;

			for (size_t k = 0; k < n; k++) {
				u[k] = (double)(r % G) / (double)(G - 1);
				r /= G;
			}
			if (eval_u(c, u, F))
				continue;
			any = 1;
			for (size_t k = 0; k < n; k++)
				sc[k] = fmax(sc[k], fabs(F[k]));
		}
		for (size_t k = 0; k < n; k++)
			c->scale[k] = sc[k] > 0 ? sc[k] : 1.0;
	}
	rc = SOMA_OK;
	if (!any)
		goto out;
	for (size_t idx = 0; idx < total && !rc; idx++) {
		double u[MAXD] = { 0 };
		size_t r = idx;

		for (size_t k = 0; k < n; k++) {
			u[k] = (double)(r % G) / (double)(G - 1);
			r /= G;
		}
		rc = hyb_solve(c, &h, u);
	}
	if (!rc && n == 2)
		rc = crossing_starts(c, &h, (unsigned)G);
out:
	gsl_permutation_free(h.perm);
	gsl_matrix_free(h.J);
	gsl_vector_free(h.dx);
	gsl_vector_free(h.b);
	gsl_vector_free(h.u0);
	if (h.S)
		gsl_multiroot_fsolver_free(h.S);
	return rc;
}

/* Insertion sort by coordinates (few points; no global state for qsort),
 * coordinates within 1e-9 of the box width counted as equal (points
 * symmetric in x1 may differ in the last bits of x0). */
static void sort_points(soma_fixed_point *p, unsigned char *tg, size_t m,
			size_t n, const double *w)
{
	for (size_t i = 1; i < m; i++) {
		soma_fixed_point t = p[i];
		unsigned char tt = tg[i];
		size_t j = i;

		while (j > 0) {
			int less = 0;

			for (size_t k = 0; k < n; k++)
				if (fabs(t.x[k] - p[j - 1].x[k]) > 1e-9 * w[k]) {
					less = t.x[k] < p[j - 1].x[k];
					break;
				}
			if (!less)
				break;
			p[j] = p[j - 1];
			tg[j] = tg[j - 1];
			j--;
		}
		p[j] = t;
		tg[j] = tt;
	}
}

int soma_fixed_points(soma_system *s, const soma_box *box,
		      const soma_fp_opts *opts, soma_fixed_point **out,
		      size_t *n_out)
{
	struct search c;
	size_t m = 0;
	int rc;

	if (out)
		*out = NULL;
	if (n_out)
		*n_out = 0;
	if (!s || !out || !n_out)
		return SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.box = box;
	c.n = box->n;
	c.tol = opts && opts->tol > 0 ? opts->tol : 1e-10;
	if (opts && !(opts->tol >= 0))
		return soma__sys_err(s, SOMA_EINVAL,
				     "fixed points: the tolerance must be >= 0");
	for (size_t k = 0; k < c.n; k++) {
		c.lo[k] = box->lo[k];
		c.w[k] = box->hi[k] - box->lo[k];
	}
	if (c.n == 1)
		rc = search_1d(&c, opts && opts->grid ? opts->grid : 2000);
	else
		rc = search_nd(&c, opts ? opts->grid : 0);
	if (rc) {
		free(c.fp);
		free(c.tangent);
		if (rc == SOMA_ENOMEM)
			soma__sys_err(s, rc, "fixed points: out of memory");
		return rc;
	}
	for (size_t r = 0; r < c.n_fp; r++) {
		soma_fixed_point *p = &c.fp[r];

		if (linearise(s, box, p))
			continue; /* the Jacobian cannot be evaluated there */
		if (c.tangent[r]) {
			p->type = SOMA_FP_SADDLE_NODE;
			p->stable = 0;
		}
		c.fp[m] = *p;
		c.tangent[m] = c.tangent[r];
		m++;
	}
	sort_points(c.fp, c.tangent, m, c.n, c.w);
	free(c.tangent);
	if (!m) {
		free(c.fp);
		c.fp = NULL;
	}
	*out = c.fp;
	*n_out = m;
	return SOMA_OK;
}
