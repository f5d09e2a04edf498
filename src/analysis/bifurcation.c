/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Bifurcation analysis (analysis.h): fixed points and their stability as
 * one parameter (or two, on a grid) varies; branches, Hopf and saddle-node
 * points located by bisection, and limit cycles by simulation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_vector.h>

#include "analysis/analysis_internal.h"

#define MAXD SOMA_ANALYSIS_MAX_DIM

const char *soma_bif_kind_name(soma_bif_kind k)
{
	switch (k) {
	case SOMA_BIF_HOPF:
		return "hopf";
	case SOMA_BIF_SADDLE_NODE:
		return "saddle-node";
	default:
		return NULL;
	}
}

void soma_bifurcation_free(soma_bifurcation *b)
{
	if (!b)
		return;
	free(b->points);
	free(b->special);
	free(b->cycles);
	free(b);
}

/* ---- following one fixed point ----------------------------------------- */

struct bif {
	soma_system *s;
	const soma_box *box;
	size_t n;
	const char *name;          /* swept (one parameter) */
	double span;               /* |to - from| */
	double fscale[MAXD];       /* typical |f_k| over the box */
	double rscale;             /* typical rate: max_k fscale_k / size_k */
	gsl_multiroot_fsolver *S;
	gsl_multiroot_function func;
	gsl_vector *u0;
	int fail;
	soma_bifurcation *res;
	size_t cap_points, cap_special, cap_cycles;
};

static double size_k(const struct bif *b, size_t k)
{
	return b->box->hi[k] - b->box->lo[k];
}

/* Normalised distance (Euclidean, in units of each variable's box size). */
static double ndist(const struct bif *b, const double *x, const double *y)
{
	double d = 0;

	for (size_t k = 0; k < b->n; k++) {
		double e = (x[k] - y[k]) / size_k(b, k);

		d += e * e;
	}
	return sqrt(d);
}

/* Scaled f at scaled point u (x = lo + u size); a failed evaluation gives
 * a large finite value so that GSL raises no error. */
static int bif_f(const gsl_vector *u, void *p, gsl_vector *F)
{
	struct bif *b = p;
	double x[MAXD], fx[MAXD];

	for (size_t k = 0; k < b->n; k++)
		x[k] = b->box->lo[k] + gsl_vector_get(u, k) * size_k(b, k);
	if (soma__sys_eval_box(b->s, b->box, x, fx)) {
		b->fail = 1;
		for (size_t k = 0; k < b->n; k++)
			gsl_vector_set(F, k, 1e6);
		return GSL_SUCCESS;
	}
	for (size_t k = 0; k < b->n; k++)
		gsl_vector_set(F, k, fx[k] / b->fscale[k]);
	return GSL_SUCCESS;
}

static double scaled_res(struct bif *b, const double *x)
{
	double fx[MAXD], r = 0;

	if (soma__sys_eval_box(b->s, b->box, x, fx))
		return INFINITY;
	for (size_t k = 0; k < b->n; k++)
		r = fmax(r, fabs(fx[k]) / b->fscale[k]);
	return r;
}

/* The fixed point at the current parameter values nearest @x0, by Powell's
 * hybrid method started there: 1 when it converged (residual below 1e-12 of
 * the typical |f|: this bounds how near a fold a point is taken to exist)
 * within @reach (normalised distance) of x0, into @x. */
static int follow(struct bif *b, const double *x0, double reach, double *x)
{
	double u[MAXD];
	size_t n = b->n;

	b->fail = 0;
	for (size_t k = 0; k < n; k++)
		gsl_vector_set(b->u0, k, (x0[k] - b->box->lo[k]) / size_k(b, k));
	if (gsl_multiroot_fsolver_set(b->S, &b->func, b->u0) != GSL_SUCCESS ||
	    b->fail)
		return 0;
	for (int it = 0; it < 200; it++) {
		double r = 0;

		if (gsl_multiroot_fsolver_iterate(b->S) != GSL_SUCCESS)
			break;
		for (size_t k = 0; k < n; k++)
			r = fmax(r, fabs(gsl_vector_get(b->S->f, k)));
		if (r <= 1e-14)
			break;
		if (gsl_multiroot_test_delta(b->S->dx, b->S->x, 1e-15, 1e-14) ==
		    GSL_SUCCESS)
			break;
	}
	for (size_t k = 0; k < n; k++) {
		u[k] = gsl_vector_get(b->S->x, k);
		x[k] = b->box->lo[k] + u[k] * size_k(b, k);
	}
	if (!(scaled_res(b, x) <= 1e-12))
		return 0;
	return ndist(b, x, x0) <= reach;
}

static int inside(const struct bif *b, const double *x)
{
	for (size_t k = 0; k < b->n; k++)
		if (x[k] < b->box->lo[k] || x[k] > b->box->hi[k])
			return 0;
	return 1;
}

/* Typical |f_k| over the box: the largest over a small grid (1 if 0). */
static void f_scale(struct bif *b)
{
	size_t g = b->n <= 2 ? 21 : b->n <= 4 ? 5 : 3, total = 1;
	double x[MAXD], fx[MAXD];

	for (size_t k = 0; k < b->n; k++) {
		b->fscale[k] = 0;
		total *= g;
	}
	for (size_t i = 0; i < total; i++) {
		size_t r = i;

		for (size_t k = 0; k < b->n; k++) {
			x[k] = b->box->lo[k] +
			       size_k(b, k) * (double)(r % g) / (double)(g - 1);
			r /= g;
		}
		if (soma__sys_eval_box(b->s, b->box, x, fx))
			continue;
		for (size_t k = 0; k < b->n; k++)
			b->fscale[k] = fmax(b->fscale[k], fabs(fx[k]));
	}
	b->rscale = 0;
	for (size_t k = 0; k < b->n; k++) {
		if (!(b->fscale[k] > 0) || !isfinite(b->fscale[k]))
			b->fscale[k] = 1;
		b->rscale = fmax(b->rscale, b->fscale[k] / size_k(b, k));
	}
}

/* Eigenvalues with a positive real part at x (-1: linearisation failed). */
static int n_unstable(struct bif *b, const double *x, soma_fixed_point *fp)
{
	int nu = 0;

	if (soma_linearise(b->s, b->box, x, fp))
		return -1;
	for (size_t k = 0; k < b->n; k++)
		nu += fp->eig_re[k] > 0;
	return nu;
}

static int n_unstable_fp(const struct bif *b, const soma_fixed_point *fp)
{
	int nu = 0;

	for (size_t k = 0; k < b->n; k++)
		nu += fp->eig_re[k] > 0;
	return nu;
}

/* ---- results ------------------------------------------------------------- */

#define GROW(arr, cnt, cap)                                                  \
	do {                                                                 \
		if ((cnt) == (cap)) {                                        \
			size_t c2_ = (cap) ? 2 * (cap) : 64;                 \
			void *p_ = realloc((arr), c2_ * sizeof(*(arr)));     \
			if (!p_)                                             \
				return SOMA_ENOMEM;                          \
			(arr) = p_;                                          \
			(cap) = c2_;                                         \
		}                                                            \
	} while (0)

static int add_special(struct bif *b, soma_bif_kind kind, double p,
		       const double *x, int branch, double omega)
{
	soma_bifurcation *r = b->res;
	soma_bif_special *sp;

	GROW(r->special, r->n_special, b->cap_special);
	sp = &r->special[r->n_special++];
	memset(sp, 0, sizeof(*sp));
	sp->kind = kind;
	sp->p = p;
	memcpy(sp->x, x, b->n * sizeof(double));
	sp->branch = branch;
	sp->omega = omega;
	return SOMA_OK;
}

static double ptol(const struct bif *b, double p)
{
	return 1e-10 * fmax(fabs(p), 1e-3 * b->span);
}

static int set_p(struct bif *b, double p)
{
	return soma_system_set(b->s, b->name, p);
}

/*
 * A branch changes its number of unstable eigenvalues between (pa, xa) and
 * (pb, xb): bisection on the parameter, the fixed point followed by the
 * hybrid method from the nearer end's point, down to 1e-10 relative. Hopf
 * when the eigenvalue nearest the imaginary axis there is one of a complex
 * pair (omega its imaginary part), else saddle-node.
 */
static int locate_change(struct bif *b, double pa, const double *xa, int nua,
			 double pb, const double *xb, int branch)
{
	double lo = pa, hi = pb, xl[MAXD], xh[MAXD], xm[MAXD], x0[MAXD];
	soma_fixed_point fp;
	double best = INFINITY, im = 0, mod = 0;
	int rc, nu;

	memcpy(xl, xa, b->n * sizeof(double));
	memcpy(xh, xb, b->n * sizeof(double));
	for (int it = 0; it < 200 && fabs(hi - lo) > ptol(b, 0.5 * (lo + hi));
	     it++) {
		double m = 0.5 * (lo + hi);

		if ((rc = set_p(b, m)))
			return rc;
		for (size_t k = 0; k < b->n; k++)
			x0[k] = 0.5 * (xl[k] + xh[k]);
		if (!follow(b, x0, 0.05, xm))
			break;
		nu = n_unstable(b, xm, &fp);
		if (nu < 0)
			break;
		if (nu == nua) {
			lo = m;
			memcpy(xl, xm, b->n * sizeof(double));
		} else {
			hi = m;
			memcpy(xh, xm, b->n * sizeof(double));
		}
	}
	{
		double m = 0.5 * (lo + hi);

		if ((rc = set_p(b, m)))
			return rc;
		for (size_t k = 0; k < b->n; k++)
			x0[k] = 0.5 * (xl[k] + xh[k]);
		if (!follow(b, x0, 0.05, xm))
			memcpy(xm, x0, b->n * sizeof(double));
		if (n_unstable(b, xm, &fp) < 0)
			return SOMA_OK;
		for (size_t k = 0; k < b->n; k++) {
			double a = fabs(fp.eig_re[k]);

			mod = fmax(mod, hypot(fp.eig_re[k], fp.eig_im[k]));
			if (a < best) {
				best = a;
				im = fabs(fp.eig_im[k]);
			}
		}
		if (im > 1e-6 * mod)
			return add_special(b, SOMA_BIF_HOPF, m, xm, branch, im);
		return add_special(b, SOMA_BIF_SADDLE_NODE, m, xm, branch, 0);
	}
}

/*
 * A branch exists at pe (point xe) and not at pn: bisection on existence
 * (the hybrid method from the last point found converges, within 10% of
 * the box, inside the box). A fold when the Jacobian there has a real
 * eigenvalue near zero (below 1e-3 of the largest modulus, or of the typical
 * rate max_k |f_k| / size_k over the box if that is larger); otherwise the
 * branch left the box or was lost, and nothing is recorded. A fold found
 * already from its other branch is not recorded twice.
 */
static int locate_fold(struct bif *b, double pe, const double *xe, double pn,
		       int branch)
{
	double e = pe, ne = pn, xl[MAXD], xm[MAXD];
	soma_fixed_point fp;
	double best = INFINITY, im = 0, mod = 0;
	int rc;

	memcpy(xl, xe, b->n * sizeof(double));
	/* lost by the grid only? */
	if ((rc = set_p(b, pn)))
		return rc;
	if (follow(b, xl, 0.1, xm) && inside(b, xm))
		return SOMA_OK;
	for (int it = 0; it < 200 && fabs(ne - e) > ptol(b, 0.5 * (e + ne));
	     it++) {
		double m = 0.5 * (e + ne);

		if ((rc = set_p(b, m)))
			return rc;
		if (follow(b, xl, 0.1, xm) && inside(b, xm)) {
			e = m;
			memcpy(xl, xm, b->n * sizeof(double));
		} else {
			ne = m;
		}
	}
	if ((rc = set_p(b, e)))
		return rc;
	if (soma_linearise(b->s, b->box, xl, &fp))
		return SOMA_OK;
	for (size_t k = 0; k < b->n; k++) {
		mod = fmax(mod, hypot(fp.eig_re[k], fp.eig_im[k]));
		if (fabs(fp.eig_re[k]) < best) {
			best = fabs(fp.eig_re[k]);
			im = fabs(fp.eig_im[k]);
		}
	}
	mod = fmax(mod, b->rscale);
	if (!(best <= 1e-3 * mod) || im > 1e-6 * mod)
		return SOMA_OK;
	/* the other branch of the same fold may have been located already */
	for (size_t i = 0; i < b->res->n_special; i++) {
		soma_bif_special *sp = &b->res->special[i];

		if (sp->kind == SOMA_BIF_SADDLE_NODE &&
		    fabs(sp->p - e) <= 1e-6 * b->span + 1e3 * ptol(b, e) &&
		    ndist(b, sp->x, xl) <= 0.05)
			return SOMA_OK;
	}
	return add_special(b, SOMA_BIF_SADDLE_NODE, e, xl, branch, 0);
}

/* ---- the sweep ------------------------------------------------------------ */

static double sweep_value(const soma_sweep *sw, unsigned i)
{
	if (i + 1 == sw->points)
		return sw->to;
	return sw->from + (sw->to - sw->from) * (double)i / (double)(sw->points - 1);
}

static int add_points(struct bif *b, double p0, double p1,
		      const soma_fixed_point *fps, size_t nfp)
{
	soma_bifurcation *r = b->res;

	for (size_t j = 0; j < nfp; j++) {
		soma_bif_point *pt;

		GROW(r->points, r->n_points, b->cap_points);
		pt = &r->points[r->n_points++];
		pt->p[0] = p0;
		pt->p[1] = p1;
		pt->branch = -1;
		pt->fp = fps[j];
	}
	return SOMA_OK;
}

struct pair {
	double d;
	size_t a, b;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	return (p->d > q->d) - (p->d < q->d);
}

/*
 * Link the points of value i (start[i] .. start[i+1]) to those of value
 * i - 1: nearest neighbours within 2% of the box (normalised Euclidean
 * distance), closest pairs first; a point left over is linked when the
 * hybrid method started from a left-over point of value i - 1 lands on it
 * (within 1e-6), else it starts a new branch.
 */
static int link_value(struct bif *b, const size_t *start, unsigned i,
		      double p)
{
	soma_bif_point *pt = b->res->points;
	size_t a0 = start[i - 1], a1 = start[i], c0 = start[i], c1 = start[i + 1];
	size_t na = a1 - a0, nc = c1 - c0, np = 0;
	struct pair *pairs = NULL;
	unsigned char *used_a = NULL;
	int rc = SOMA_OK;

	if (nc == 0)
		return SOMA_OK;
	if (na) {
		pairs = malloc(na * nc * sizeof(*pairs));
		used_a = calloc(na, 1);
		if (!pairs || !used_a) {
			rc = SOMA_ENOMEM;
			goto out;
		}
	}
	for (size_t x = 0; x < na; x++)
		for (size_t y = 0; y < nc; y++) {
			double d = ndist(b, pt[a0 + x].fp.x, pt[c0 + y].fp.x);

			if (d <= 0.02)
				pairs[np++] = (struct pair){ d, x, y };
		}
	if (np > 1)
		qsort(pairs, np, sizeof(*pairs), pair_cmp);
	for (size_t k = 0; k < np; k++) {
		soma_bif_point *c = &pt[c0 + pairs[k].b];

		if (used_a[pairs[k].a] || c->branch >= 0)
			continue;
		used_a[pairs[k].a] = 1;
		c->branch = pt[a0 + pairs[k].a].branch;
	}
	/* left-overs: follow from value i - 1 */
	if ((rc = set_p(b, p)))
		goto out;
	for (size_t x = 0; x < na; x++) {
		double xm[MAXD];

		if (used_a[x] || !follow(b, pt[a0 + x].fp.x, 0.2, xm))
			continue;
		for (size_t y = 0; y < nc; y++) {
			soma_bif_point *c = &pt[c0 + y];

			if (c->branch < 0 && ndist(b, xm, c->fp.x) <= 1e-6) {
				c->branch = pt[a0 + x].branch;
				used_a[x] = 1;
				break;
			}
		}
	}
	for (size_t y = 0; y < nc; y++)
		if (pt[c0 + y].branch < 0)
			pt[c0 + y].branch = b->res->n_branches++;
out:
	free(pairs);
	free(used_a);
	return rc;
}

/* The point of @branch at value @v, or NULL. */
static const soma_bif_point *on_value(const struct bif *b, const size_t *start,
				      unsigned v, int branch)
{
	for (size_t j = start[v]; j < start[v + 1]; j++)
		if (b->res->points[j].branch == branch)
			return &b->res->points[j];
	return NULL;
}

/* Stability changes and folds along the branches. */
static int specials(struct bif *b, const soma_sweep *sw, const size_t *start)
{
	soma_bif_point *pt;
	int rc;

	for (unsigned v = 1; v < sw->points; v++) {
		double pa = sweep_value(sw, v - 1), pb = sweep_value(sw, v);

		for (size_t j = start[v]; j < start[v + 1]; j++) {
			const soma_bif_point *a;
			soma_bif_point c;
			int nua, nub;

			pt = b->res->points;
			c = pt[j];
			a = on_value(b, start, v - 1, c.branch);
			if (!a) {
				/* born between pa and pb */
				if ((rc = locate_fold(b, pb, c.fp.x, pa, c.branch)))
					return rc;
				continue;
			}
			nua = n_unstable_fp(b, &a->fp);
			nub = n_unstable_fp(b, &c.fp);
			if (nua != nub) {
				double xa[MAXD];

				memcpy(xa, a->fp.x, sizeof(xa));
				if ((rc = locate_change(b, pa, xa, nua, pb,
							c.fp.x, c.branch)))
					return rc;
			}
		}
		/* branches that end at value v - 1 */
		for (size_t j = start[v - 1]; j < start[v]; j++) {
			soma_bif_point a = b->res->points[j];

			if (on_value(b, start, v, a.branch))
				continue;
			if ((rc = locate_fold(b, pa, a.fp.x, pb, a.branch)))
				return rc;
		}
	}
	return SOMA_OK;
}

static int special_cmp(const void *x, const void *y)
{
	const soma_bif_special *p = x, *q = y;

	if (p->p != q->p)
		return (p->p > q->p) - (p->p < q->p);
	return (p->branch > q->branch) - (p->branch < q->branch);
}

/*
 * Default options of the cycle search from the eigenvalues of every fixed
 * point of the sweep, when the caller left them 0: with r_max the largest
 * eigenvalue modulus and r_typ the geometric mean of the moduli (those
 * above 1e-6 r_max), the time scale T = 2 pi / r_typ (FitzHugh-Nagumo: about
 * 25 ms, its cycle's period being about 40 ms); transient T, max_time 60 T
 * (the search stops as soon as the cycle is found or the trajectory comes to
 * rest), step dt = min(T / 500, 0.2 / r_max) with rk4, tol 1e-4. Without
 * fixed points: soma_limit_cycle_find()'s own defaults.
 */
static void cycle_defaults(const struct bif *b, const soma_cycle_opts *in,
			   soma_cycle_opts *o)
{
	const soma_bifurcation *r = b->res;
	double rmax = 0, lsum = 0, T, dt;
	size_t cnt = 0;

	*o = *in;
	for (size_t j = 0; j < r->n_points; j++)
		for (size_t k = 0; k < b->n; k++)
			rmax = fmax(rmax, hypot(r->points[j].fp.eig_re[k],
						r->points[j].fp.eig_im[k]));
	if (!(rmax > 0) || !isfinite(rmax))
		return;
	for (size_t j = 0; j < r->n_points; j++)
		for (size_t k = 0; k < b->n; k++) {
			double m = hypot(r->points[j].fp.eig_re[k],
					 r->points[j].fp.eig_im[k]);

			if (m > 1e-6 * rmax) {
				lsum += log(m);
				cnt++;
			}
		}
	T = 2 * M_PI / exp(lsum / (double)cnt);
	dt = fmin(T / 500, 0.2 / rmax);
	if (o->transient == 0)
		o->transient = T;
	if (o->max_time == 0)
		o->max_time = 60 * T;
	if (o->flow.dt == 0)
		o->flow.dt = dt;
}

/* Limit cycles from beside each unstable fixed point of value v. */
static int cycles_at(struct bif *b, const soma_cycle_opts *co, double p,
		     size_t j0, size_t j1)
{
	soma_bifurcation *r = b->res;
	size_t first = r->n_cycles;
	int rc;

	for (size_t j = j0; j < j1; j++) {
		double y0[SOMA__SYS_MAX_VARS];
		soma_limit_cycle lc;
		const soma_fixed_point *fp = &r->points[j].fp;
		int dup = 0;

		if (fp->stable)
			continue;
		soma__cycle_start(b->s, b->box, fp->x, y0);
		rc = soma_limit_cycle_find(b->s, b->box, y0, co, &lc);
		if (rc)
			return rc;
		if (!lc.found)
			continue;
		for (size_t i = first; i < r->n_cycles && !dup; i++)
			dup = soma__same_cycle(b->box, r->cycles[i].period,
					       r->cycles[i].min, r->cycles[i].max,
					       &lc, 1e-3);
		if (!dup) {
			soma_bif_cycle *c;

			if (r->n_cycles == b->cap_cycles) {
				size_t c2 = b->cap_cycles ? 2 * b->cap_cycles : 64;
				void *q = realloc(r->cycles, c2 * sizeof(*r->cycles));

				if (!q) {
					soma_limit_cycle_clear(&lc);
					return SOMA_ENOMEM;
				}
				r->cycles = q;
				b->cap_cycles = c2;
			}
			c = &r->cycles[r->n_cycles++];
			memset(c, 0, sizeof(*c));
			c->p = p;
			c->period = lc.period;
			memcpy(c->min, lc.min, sizeof(c->min));
			memcpy(c->max, lc.max, sizeof(c->max));
		}
		soma_limit_cycle_clear(&lc);
	}
	return SOMA_OK;
}

static int check_sweep(soma_system *s, const soma_box *box, const soma_sweep *sw,
		       double *orig)
{
	int rc;

	if (!sw->name)
		return soma__sys_err(s, SOMA_EINVAL, "bifurcation: no parameter to "
				     "sweep");
	for (size_t k = 0; k < box->n; k++)
		if (!strcmp(soma_system_var_name(s, (size_t)box->var[k]), sw->name))
			return soma__sys_err(s, SOMA_EINVAL, "bifurcation: '%s' is a "
					     "target variable of the analysis and "
					     "cannot be swept", sw->name);
	rc = soma_system_get(s, sw->name, orig);
	if (rc == SOMA_ENOENT) {
		char names[1024];

		soma__sys_list_names(s, names, sizeof(names));
		return soma__sys_err(s, SOMA_ENOENT, "bifurcation: '%s' is no "
				     "parameter, input or variable of the system "
				     "(valid: %s)", sw->name, names);
	}
	if (rc)
		return rc;
	if (!isfinite(sw->from) || !isfinite(sw->to) || sw->from == sw->to)
		return soma__sys_err(s, SOMA_EINVAL, "bifurcation: '%s' from %g to "
				     "%g: the ends must be finite and differ",
				     sw->name, sw->from, sw->to);
	if (sw->points == 1)
		return soma__sys_err(s, SOMA_EINVAL, "bifurcation: '%s' needs 2 "
				     "values or more", sw->name);
	return SOMA_OK;
}

static int run_one(struct bif *b, const soma_bif_opts *opts,
		   const soma_sweep *sw)
{
	size_t *start;
	int rc = SOMA_OK;

	start = calloc((size_t)sw->points + 1, sizeof(size_t));
	if (!start)
		return SOMA_ENOMEM;
	for (unsigned v = 0; v < sw->points; v++) {
		double p = sweep_value(sw, v);
		soma_fixed_point *fps = NULL;
		size_t nfp = 0;

		start[v] = b->res->n_points;
		if (soma__sys_stopped(b->s)) {
			rc = soma__sys_cancelled(b->s);
			goto out;
		}
		if ((rc = set_p(b, p)))
			goto out;
		if (v == 0)
			f_scale(b);
		rc = soma_fixed_points(b->s, b->box, &opts->fp, &fps, &nfp);
		if (rc)
			goto out;
		rc = add_points(b, p, 0, fps, nfp);
		free(fps);
		if (rc)
			goto out;
		start[v + 1] = b->res->n_points;
		if (v == 0) {
			for (size_t j = start[0]; j < start[1]; j++)
				b->res->points[j].branch = b->res->n_branches++;
		} else if ((rc = link_value(b, start, v, p))) {
			goto out;
		}
	}
	if ((rc = specials(b, sw, start)))
		goto out;
	if (b->res->n_special > 1)
		qsort(b->res->special, b->res->n_special,
		      sizeof(*b->res->special), special_cmp);
	if (opts->cycles) {
		soma_cycle_opts co;

		cycle_defaults(b, &opts->cycle, &co);
		for (unsigned v = 0; v < sw->points; v++) {
			double p = sweep_value(sw, v);

			if (soma__sys_stopped(b->s)) {
				rc = soma__sys_cancelled(b->s);
				goto out;
			}
			if ((rc = set_p(b, p)))
				goto out;
			if ((rc = cycles_at(b, &co, p, start[v], start[v + 1])))
				goto out;
		}
	}
out:
	free(start);
	return rc;
}

static int run_two(struct bif *b, const soma_bif_opts *opts)
{
	const soma_sweep *s0 = &opts->par[0], *s1 = &opts->par[1];
	int rc;

	for (unsigned i = 0; i < s0->points; i++) {
		double p0 = sweep_value(s0, i);

		if ((rc = soma_system_set(b->s, s0->name, p0)))
			return rc;
		for (unsigned j = 0; j < s1->points; j++) {
			double p1 = sweep_value(s1, j);
			soma_fixed_point *fps = NULL;
			size_t nfp = 0;

			if (soma__sys_stopped(b->s))
				return soma__sys_cancelled(b->s);
			if ((rc = soma_system_set(b->s, s1->name, p1)))
				return rc;
			rc = soma_fixed_points(b->s, b->box, &opts->fp, &fps, &nfp);
			if (rc)
				return rc;
			rc = add_points(b, p0, p1, fps, nfp);
			free(fps);
			if (rc)
				return rc;
		}
	}
	return SOMA_OK;
}

int soma_bifurcation_run(soma_system *s, const soma_box *box,
			 const soma_bif_opts *opts, soma_bifurcation **out)
{
	soma_sweep sw[2];
	double orig[2] = { 0, 0 };
	size_t n_par;
	struct bif b;
	int rc;

	if (out)
		*out = NULL;
	if (!s || !opts || !out)
		return s ? soma__sys_err(s, SOMA_EINVAL, "NULL argument") :
			   SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	n_par = opts->par[1].name ? 2 : 1;
	for (size_t i = 0; i < n_par; i++) {
		sw[i] = opts->par[i];
		if (sw[i].points == 0)
			sw[i].points = 200;
		if ((rc = check_sweep(s, box, &sw[i], &orig[i])))
			return rc;
	}
	if (n_par == 2 && !strcmp(sw[0].name, sw[1].name))
		return soma__sys_err(s, SOMA_EINVAL, "bifurcation: '%s' swept twice",
				     sw[0].name);
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	/* GSL must report, not abort (as soma_network_new() does) */
	gsl_set_error_handler_off();

	memset(&b, 0, sizeof(b));
	b.s = s;
	b.box = box;
	b.n = box->n;
	b.name = sw[0].name;
	b.span = fabs(sw[0].to - sw[0].from);
	b.res = calloc(1, sizeof(*b.res));
	b.S = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, b.n);
	b.u0 = gsl_vector_alloc(b.n);
	if (!b.res || !b.S || !b.u0) {
		rc = soma__sys_err(s, SOMA_ENOMEM, "out of memory");
		goto out;
	}
	b.func.f = bif_f;
	b.func.n = b.n;
	b.func.params = &b;
	b.res->n_par = n_par;
	{
		soma_bif_opts o = *opts;

		o.par[0] = sw[0];
		if (n_par == 2)
			o.par[1] = sw[1];
		rc = n_par == 1 ? run_one(&b, &o, &sw[0]) : run_two(&b, &o);
	}
out:
	/* restore the swept values (in reverse, should both be one name) */
	for (size_t i = n_par; i-- > 0;)
		soma_system_set(s, sw[i].name, orig[i]);
	if (b.S)
		gsl_multiroot_fsolver_free(b.S);
	if (b.u0)
		gsl_vector_free(b.u0);
	if (rc) {
		if (rc == SOMA_ENOMEM)
			soma__sys_err(s, rc, "out of memory");
		soma_bifurcation_free(b.res);
		return rc;
	}
	*out = b.res;
	return SOMA_OK;
}
