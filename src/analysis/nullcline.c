/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Nullclines of a 2-D box by marching squares, each crossing located on
 * its grid edge by Brent's method (gsl_root_fsolver_brent), and the vector
 * field on a grid (analysis.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "analysis/analysis_internal.h"

struct edge_ctx {
	soma_system *s;
	const soma_box *box;
	size_t k, dim;     /* component, coordinate varied */
	double other;      /* value of the other coordinate */
	int fail;
};

static double edge_f(double t, void *p)
{
	struct edge_ctx *c = p;
	double x[2], fx[2];

	x[c->dim] = t;
	x[1 - c->dim] = c->other;
	if (soma__sys_eval_box(c->s, c->box, x, fx)) {
		c->fail = 1;
		return 0.0;
	}
	return fx[c->k];
}

struct grid {
	soma_system *s;
	const soma_box *box;
	size_t R;
	double x0[2], h[2];
	double *v[2];         /* f_k at node (i, j): v[k][j * R + i]; NAN: failed */
	double *root[2];      /* crossing on each edge (NAN: not computed) */
	gsl_root_fsolver *rs;
};

static double node(const struct grid *g, size_t d, size_t i)
{
	return i + 1 == g->R ? g->box->hi[d] : g->x0[d] + (double)i * g->h[d];
}

/* Edge ids: horizontal (i, j)-(i + 1, j): j (R - 1) + i; vertical
 * (i, j)-(i, j + 1): (R - 1) R + j R + i. */
static size_t edge_h(const struct grid *g, size_t i, size_t j)
{
	return j * (g->R - 1) + i;
}

static size_t edge_v(const struct grid *g, size_t i, size_t j)
{
	return (g->R - 1) * g->R + j * g->R + i;
}

/* The crossing of nullcline k on edge e, as a point p (x, y). */
static void edge_point(struct grid *g, size_t k, size_t e, double *p)
{
	const size_t R = g->R, nh = (R - 1) * R;
	size_t i, j, dim;
	double a, b, fa, fb, t;

	if (e < nh) {
		dim = 0;
		j = e / (R - 1);
		i = e % (R - 1);
		fa = g->v[k][j * R + i];
		fb = g->v[k][j * R + i + 1];
		a = node(g, 0, i);
		b = node(g, 0, i + 1);
		p[1] = node(g, 1, j);
	} else {
		dim = 1;
		j = (e - nh) / R;
		i = (e - nh) % R;
		fa = g->v[k][j * R + i];
		fb = g->v[k][(j + 1) * R + i];
		a = node(g, 1, j);
		b = node(g, 1, j + 1);
		p[0] = node(g, 0, i);
	}
	t = g->root[k][e];
	if (isnan(t)) {
		if (fa == 0.0) {
			t = a;
		} else if (fb == 0.0) {
			t = b;
		} else {
			struct edge_ctx c = { g->s, g->box, k, dim, p[1 - dim], 0 };
			gsl_function F = { edge_f, &c };
			double tol = 1e-13 * (g->box->hi[dim] - g->box->lo[dim]);

			t = a + fa / (fa - fb) * (b - a); /* fallback: linear */
			if (gsl_root_fsolver_set(g->rs, &F, a, b) == GSL_SUCCESS) {
				for (int it = 0; it < 200; it++) {
					if (gsl_root_fsolver_iterate(g->rs) != GSL_SUCCESS ||
					    c.fail)
						break;
					if (gsl_root_test_interval(
						    gsl_root_fsolver_x_lower(g->rs),
						    gsl_root_fsolver_x_upper(g->rs),
						    tol, 0) != GSL_CONTINUE)
						break;
				}
				if (!c.fail)
					t = gsl_root_fsolver_root(g->rs);
			}
		}
		g->root[k][e] = t;
	}
	p[dim] = t;
}

static int push_seg(struct soma__nc_seg **seg, size_t *n, size_t *cap,
		    size_t cell, size_t e0, size_t e1)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		struct soma__nc_seg *p = realloc(*seg, c * sizeof(*p));

		if (!p)
			return SOMA_ENOMEM;
		*seg = p;
		*cap = c;
	}
	(*seg)[*n].cell = cell;
	(*seg)[*n].e[0] = e0;
	(*seg)[*n].e[1] = e1;
	(*n)++;
	return SOMA_OK;
}

/* Segments of nullcline k over every cell of the grid. */
static int march(struct grid *g, size_t k, struct soma__nc_seg **seg,
		 size_t *n_seg)
{
	const size_t R = g->R;
	const double *v = g->v[k];
	size_t cap = 0;
	int rc = SOMA_OK;

	*seg = NULL;
	*n_seg = 0;
	for (size_t j = 0; j + 1 < R && !rc; j++)
		for (size_t i = 0; i + 1 < R && !rc; i++) {
			const double c[4] = { v[j * R + i], v[j * R + i + 1],
					      v[(j + 1) * R + i + 1],
					      v[(j + 1) * R + i] };
			const size_t e[4] = { edge_h(g, i, j), edge_v(g, i + 1, j),
					      edge_h(g, i, j + 1), edge_v(g, i, j) };
			const size_t cell = j * (R - 1) + i;
			int p[4], cut[4], nc = 0;

			if (isnan(c[0]) || isnan(c[1]) || isnan(c[2]) || isnan(c[3]))
				continue;
			for (int q = 0; q < 4; q++)
				p[q] = c[q] > 0;
			/* edges: 0 = c0-c1, 1 = c1-c2, 2 = c3-c2, 3 = c0-c3 */
			cut[0] = p[0] != p[1];
			cut[1] = p[1] != p[2];
			cut[2] = p[3] != p[2];
			cut[3] = p[0] != p[3];
			for (int q = 0; q < 4; q++)
				nc += cut[q];
			if (nc == 2) {
				size_t a = 0, b = 0;
				int got = 0;

				for (int q = 0; q < 4; q++)
					if (cut[q]) {
						if (got++)
							b = e[q];
						else
							a = e[q];
					}
				rc = push_seg(seg, n_seg, &cap, cell, a, b);
			} else if (nc == 4) {
				/* saddle cell: the sign at the centre decides */
				double xc[2] = { 0.5 * (node(g, 0, i) + node(g, 0, i + 1)),
						 0.5 * (node(g, 1, j) + node(g, 1, j + 1)) };
				double fc[2];
				int pc = p[0];

				if (!soma__sys_eval_box(g->s, g->box, xc, fc))
					pc = fc[k] > 0;
				if (pc == p[0]) { /* c0, c2 joined: cut off c1, c3 */
					rc = push_seg(seg, n_seg, &cap, cell, e[0], e[1]);
					if (!rc)
						rc = push_seg(seg, n_seg, &cap, cell, e[2], e[3]);
				} else {          /* cut off c0, c2 */
					rc = push_seg(seg, n_seg, &cap, cell, e[3], e[0]);
					if (!rc)
						rc = push_seg(seg, n_seg, &cap, cell, e[1], e[2]);
				}
			}
		}
	for (size_t q = 0; q < *n_seg; q++)
		for (int a = 0; a < 2; a++)
			edge_point(g, k, (*seg)[q].e[a], (*seg)[q].p[a]);
	return rc;
}

static void grid_free(struct grid *g)
{
	for (int k = 0; k < 2; k++) {
		free(g->v[k]);
		free(g->root[k]);
	}
	if (g->rs)
		gsl_root_fsolver_free(g->rs);
}

int soma__nullcline_segs(soma_system *s, const soma_box *box, unsigned res,
			 int mask, struct soma__nc_seg *seg[2], size_t n_seg[2])
{
	struct grid g = { .s = s, .box = box };
	size_t R = res < 2 ? 2 : res, ne;
	int rc = SOMA_ENOMEM;

	for (int k = 0; k < 2; k++) {
		seg[k] = NULL;
		n_seg[k] = 0;
	}
	g.R = R;
	ne = 2 * (R - 1) * R;
	for (int d = 0; d < 2; d++) {
		g.x0[d] = box->lo[d];
		g.h[d] = (box->hi[d] - box->lo[d]) / (double)(R - 1);
	}
	g.rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!g.rs)
		goto out;
	for (int k = 0; k < 2; k++) {
		if (!(mask & (1 << k)))
			continue;
		g.v[k] = malloc(R * R * sizeof(double));
		g.root[k] = malloc(ne * sizeof(double));
		if (!g.v[k] || !g.root[k])
			goto out;
		for (size_t e = 0; e < ne; e++)
			g.root[k][e] = NAN;
	}
	for (size_t j = 0; j < R; j++)
		for (size_t i = 0; i < R; i++) {
			double x[2] = { node(&g, 0, i), node(&g, 1, j) }, fx[2];
			int bad = soma__sys_eval_box(s, box, x, fx);

			for (int k = 0; k < 2; k++)
				if (g.v[k])
					g.v[k][j * R + i] = bad ? NAN : fx[k];
		}
	rc = SOMA_OK;
	for (int k = 0; k < 2 && !rc; k++)
		if (mask & (1 << k))
			rc = march(&g, (size_t)k, &seg[k], &n_seg[k]);
out:
	grid_free(&g);
	if (rc)
		for (int k = 0; k < 2; k++) {
			free(seg[k]);
			seg[k] = NULL;
			n_seg[k] = 0;
		}
	return rc;
}

/* ---- chaining segments into curves ----------------------------------------- */

struct chain {
	double *xy;
	size_t n, cap;
};

static int put(struct chain *c, double x, double y)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 512;
		double *p = realloc(c->xy, 2 * cap * sizeof(double));

		if (!p)
			return SOMA_ENOMEM;
		c->xy = p;
		c->cap = cap;
	}
	c->xy[2 * c->n] = x;
	c->xy[2 * c->n + 1] = y;
	c->n++;
	return SOMA_OK;
}

/* Walk from segment q entering at its end a, marking segments used. */
static int walk(struct chain *c, const struct soma__nc_seg *seg,
		const long (*adj)[2], unsigned char *used, size_t q, int a)
{
	int rc;

	if (c->n && (rc = put(c, NAN, NAN)))
		return rc;
	if ((rc = put(c, seg[q].p[a][0], seg[q].p[a][1])))
		return rc;
	for (;;) {
		size_t e = seg[q].e[1 - a];
		long nx;

		used[q] = 1;
		if ((rc = put(c, seg[q].p[1 - a][0], seg[q].p[1 - a][1])))
			return rc;
		nx = adj[e][0] == (long)q ? adj[e][1] : adj[e][0];
		if (nx < 0 || used[nx])
			return SOMA_OK;
		q = (size_t)nx;
		a = seg[q].e[0] == e ? 0 : 1;
	}
}

int soma_nullcline(soma_system *s, const soma_box *box, size_t k,
		   unsigned resolution, double **xy, size_t *n_points)
{
	struct soma__nc_seg *seg[2] = { NULL, NULL };
	size_t ns[2] = { 0, 0 }, R = resolution ? resolution : 200, ne;
	long (*adj)[2] = NULL;
	unsigned char *used = NULL;
	struct chain c = { 0 };
	int rc;

	if (xy)
		*xy = NULL;
	if (n_points)
		*n_points = 0;
	if (!s || !xy || !n_points)
		return SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	if (box->n != 2 || k > 1)
		return soma__sys_err(s, SOMA_EINVAL,
				     "nullclines need a 2-D box and variable 0 or 1");
	if (R < 2 || R > 20000)
		return soma__sys_err(s, SOMA_EINVAL,
				     "nullcline resolution %u: 2 to 20000", resolution);
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	rc = soma__nullcline_segs(s, box, (unsigned)R, 1 << k, seg, ns);
	if (rc)
		goto out;
	ne = 2 * (R - 1) * R;
	rc = SOMA_ENOMEM;
	adj = malloc(ne * sizeof(*adj));
	used = calloc(ns[k] ? ns[k] : 1, 1);
	if (!adj || !used)
		goto out;
	for (size_t e = 0; e < ne; e++)
		adj[e][0] = adj[e][1] = -1;
	for (size_t q = 0; q < ns[k]; q++)
		for (int a = 0; a < 2; a++) {
			size_t e = seg[k][q].e[a];

			adj[e][adj[e][0] < 0 ? 0 : 1] = (long)q;
		}
	rc = SOMA_OK;
	/* open curves first, from an end that no other segment continues */
	for (size_t q = 0; q < ns[k] && !rc; q++)
		for (int a = 0; a < 2 && !rc; a++)
			if (!used[q] && adj[seg[k][q].e[a]][1] < 0)
				rc = walk(&c, seg[k], (const long(*)[2])adj, used, q, a);
	/* then closed ones */
	for (size_t q = 0; q < ns[k] && !rc; q++)
		if (!used[q])
			rc = walk(&c, seg[k], (const long(*)[2])adj, used, q, 0);
out:
	free(adj);
	free(used);
	free(seg[0]);
	free(seg[1]);
	if (rc) {
		free(c.xy);
		if (rc == SOMA_ENOMEM)
			soma__sys_err(s, rc, "nullcline: out of memory");
		return rc;
	}
	*xy = c.xy;
	*n_points = c.n;
	return SOMA_OK;
}

/* ---- the vector field --------------------------------------------------- */

int soma_vector_field(soma_system *s, const soma_box *box, unsigned resolution,
		      double **rows, size_t *n_rows)
{
	size_t R = resolution ? resolution : 20, n, cols, m;
	double *out;
	int rc;

	if (rows)
		*rows = NULL;
	if (n_rows)
		*n_rows = 0;
	if (!s || !rows || !n_rows)
		return SOMA_EINVAL;
	if ((rc = soma__sys_check_box(s, box)))
		return rc;
	n = box->n;
	if (n > 2)
		return soma__sys_err(s, SOMA_EINVAL,
				     "the vector field needs a 1-D or 2-D box");
	if (R > 100000 || (n == 2 && R > 10000))
		return soma__sys_err(s, SOMA_EINVAL,
				     "vector field resolution %zu is too large", R);
	if (s->model && (rc = soma__sys_ready(s)))
		return rc;
	cols = 2 * n;
	m = n == 1 ? R : R * R;
	out = malloc(m * cols * sizeof(double));
	if (!out)
		return soma__sys_err(s, SOMA_ENOMEM, "vector field: out of memory");
	for (size_t r = 0; r < m; r++) {
		double x[2], fx[2];
		size_t idx[2] = { n == 1 ? r : r / R, r % R };

		for (size_t d = 0; d < n; d++)
			x[d] = R == 1 ? 0.5 * (box->lo[d] + box->hi[d]) :
			       idx[d] + 1 == R ? box->hi[d] :
			       box->lo[d] + (double)idx[d] *
						    (box->hi[d] - box->lo[d]) / (double)(R - 1);
		if (soma__sys_eval_box(s, box, x, fx))
			for (size_t d = 0; d < n; d++)
				fx[d] = NAN;
		for (size_t d = 0; d < n; d++) {
			out[r * cols + d] = x[d];
			out[r * cols + n + d] = fx[d];
		}
	}
	*rows = out;
	*n_rows = m;
	return SOMA_OK;
}
