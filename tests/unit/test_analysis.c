/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The analysis module (analysis.h) against independent references:
 *  - the Wong-Wang decision model's fixed points against the seed's printed
 *    ones (BrainModels book section 3.2.1), their types against a
 *    trace/determinant classification of a Jacobian derived by hand here
 *    (in the seed's units: nA, s, Hz);
 *  - linear systems dx/dt = A x + b: the fixed point -A^-1 b and every
 *    region of the trace-determinant plane; soma_classify in 1-D and 3-D
 *    with known eigenvalues;
 *  - FitzHugh-Nagumo: the Hopf currents from the trace of the Jacobian
 *    (analytic), its limit cycle's period and extremes against a GSL rk8pd
 *    run written here;
 *  - systems with many known roots (sin, a rotated product of cubics), and
 *    Hindmarsh-Rose against the real roots of its cubic (gsl_poly);
 *  - nullcline points against the equations written here;
 *  - trajectories against the exact solution of a linear system;
 *  - error statuses.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_poly.h>

#include "soma/soma.h"

/* ---- helpers ------------------------------------------------------------ */

static soma_system *model_system(const char *name)
{
	soma_system *s = NULL;
	const soma_model *m = soma_model_find(name);

	assert_non_null(m);
	assert_int_equal(soma_system_from_model(m, &s), SOMA_OK);
	assert_non_null(s);
	return s;
}

static soma_box box2(const soma_system *s, const char *x, double xlo,
		     double xhi, const char *y, double ylo, double yhi)
{
	soma_box b;

	memset(&b, 0, sizeof(b));
	b.n = 2;
	b.var[0] = soma_system_var_index(s, x);
	b.var[1] = soma_system_var_index(s, y);
	assert_true(b.var[0] >= 0 && b.var[1] >= 0);
	b.lo[0] = xlo;
	b.hi[0] = xhi;
	b.lo[1] = ylo;
	b.hi[1] = yhi;
	return b;
}

/* The 2-D type from trace and determinant, as the header defines it, for a
 * Jacobian with no "=" case (the caller makes sure of that). */
static soma_fp_type td_type(double T, double D)
{
	if (D < 0)
		return SOMA_FP_SADDLE;
	if (T * T > 4 * D)
		return T < 0 ? SOMA_FP_STABLE_NODE : SOMA_FP_UNSTABLE_NODE;
	return T < 0 ? SOMA_FP_STABLE_FOCUS : SOMA_FP_UNSTABLE_FOCUS;
}

/* Match every expected point (n of them, 2-D) to a distinct found point
 * within @tol (max norm); returns the index of the match of each in idx. */
static void match_points(const double (*want)[2], size_t n,
			 const soma_fixed_point *fp, size_t n_fp, double tol,
			 size_t *idx, const char *what)
{
	int used[256] = { 0 };

	assert_true(n_fp <= 256);
	if (n_fp != n) {
		print_error("%s: %zu fixed points found, %zu expected\n", what,
			    n_fp, n);
		for (size_t i = 0; i < n_fp; i++)
			print_error("  found (%.12g, %.12g) %s\n", fp[i].x[0],
				    fp[i].x[1], soma_fp_type_name(fp[i].type));
	}
	assert_int_equal(n_fp, n);
	for (size_t i = 0; i < n; i++) {
		size_t best = n_fp;
		double bd = INFINITY;

		for (size_t j = 0; j < n_fp; j++) {
			double d = fmax(fabs(fp[j].x[0] - want[i][0]),
					fabs(fp[j].x[1] - want[i][1]));

			if (!used[j] && d < bd) {
				bd = d;
				best = j;
			}
		}
		if (!(bd <= tol))
			print_error("%s: no found point within %g of (%.12g, %.12g)"
				    " (nearest at %g)\n", what, tol, want[i][0],
				    want[i][1], bd);
		assert_true(bd <= tol);
		used[best] = 1;
		idx[i] = best;
	}
}

/* Sorted by the first coordinate (ascending; ties within 1e-9 allowed). */
static void check_sorted(const soma_fixed_point *fp, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(fp[i].x[0] <= fp[i + 1].x[0] + 1e-9);
}

/* ---- 1. Wong-Wang, the seed's four cases -------------------------------- */

/* The seed's equations and defaults, in its units (nA, Hz, s). */
static const double WW_JA = 0.00117, WW_JREC = 0.3725, WW_JINH = 0.1137,
		    WW_I0 = 0.3297, WW_A = 270., WW_B = 108., WW_D = 0.154,
		    WW_TAU = 0.06, WW_GAMMA = 0.641;

/* r(x) = x / (1 - exp(-d x)) and r'(x) */
static double ww_r(double x)
{
	if (fabs(WW_D * x) < 1e-8)
		return 1.0 / WW_D + x / 2;
	return x / -expm1(-WW_D * x);
}

static double ww_dr(double x)
{
	double e, g;

	if (fabs(WW_D * x) < 1e-4)
		return 0.5 + WW_D * x / 6;
	e = exp(-WW_D * x);
	g = -expm1(-WW_D * x);
	return (g - x * WW_D * e) / (g * g);
}

/* x1, x2 (Hz) = a I_syn - b of the two pools */
static void ww_x(double s1, double s2, double mu, double coh, double *x1,
		 double *x2)
{
	double I1 = WW_JREC * s1 - WW_JINH * s2 + WW_I0 + WW_JA * mu * (1 + coh);
	double I2 = WW_JREC * s2 - WW_JINH * s1 + WW_I0 + WW_JA * mu * (1 - coh);

	*x1 = WW_A * I1 - WW_B;
	*x2 = WW_A * I2 - WW_B;
}

/* ds1/dt, ds2/dt in 1/s */
static void ww_f(double s1, double s2, double mu, double coh, double *f1,
		 double *f2)
{
	double x1, x2;

	ww_x(s1, s2, mu, coh, &x1, &x2);
	*f1 = -s1 / WW_TAU + (1 - s1) * WW_GAMMA * ww_r(x1);
	*f2 = -s2 / WW_TAU + (1 - s2) * WW_GAMMA * ww_r(x2);
}

/* Jacobian in box order (x = s2, y = s1), 1/s, row-major:
 * [[df2/ds2, df2/ds1], [df1/ds2, df1/ds1]] */
static void ww_jac(double s1, double s2, double mu, double coh, double *J)
{
	double x1, x2;

	ww_x(s1, s2, mu, coh, &x1, &x2);
	const double g1 = (1 - s1) * WW_GAMMA * ww_dr(x1) * WW_A;
	const double g2 = (1 - s2) * WW_GAMMA * ww_dr(x2) * WW_A;

	J[0] = -1 / WW_TAU - WW_GAMMA * ww_r(x2) + g2 * WW_JREC;
	J[1] = -g2 * WW_JINH;
	J[2] = -g1 * WW_JINH;
	J[3] = -1 / WW_TAU - WW_GAMMA * ww_r(x1) + g1 * WW_JREC;
}

struct ww_case {
	double mu, coh;
	size_t n;
	double p[5][2];  /* the seed's (s2, s1) */
	int stable[5];   /* expected stability, in the same order */
};

/*
 * Seed output (book lines ~2540-2612). Stability (the dynamics' story, and
 * what the Jacobian gives): at mu_0 = 0 the symmetric low state (0.0618,
 * 0.0618) is a stable node (no decision), the two decision states (0.0042,
 * 0.630) and (0.630, 0.0042) are stable nodes and the two points between
 * them saddles. At mu_0 = 30 Hz, coh = 0 the two decision states are
 * stable and the symmetric middle point (0.4987, 0.4987) a saddle; at coh =
 * 0.512 the decision states (0.666, 0.028) and (0.0054, 0.723) are stable
 * and (0.567, 0.286) the saddle between them; at coh = 1 only the choice-1
 * state (0.0027, 0.741) remains, stable.
 */
static const struct ww_case ww_cases[] = {
	{ 0, 0, 5,
	  { { 0.06176109215560733, 0.061761097896 },
	    { 0.029354239100062428, 0.18815448592 },
	    { 0.0042468423702408655, 0.6303045696 },
	    { 0.6303045696241589, 0.0042468423702 },
	    { 0.18815439944520335, 0.029354240536 } },
	  { 1, 0, 1, 1, 0 } },
	{ 30, 0, 3,
	  { { 0.6993504413889349, 0.0116220495267 },
	    { 0.49867489858358865, 0.49867489858358865 },
	    { 0.011622051540013889, 0.699350435556 } },
	  { 1, 0, 1 } },
	{ 30, 0.512, 3,
	  { { 0.5673124813731691, 0.2864701069327 },
	    { 0.6655747347157656, 0.02783527956556 },
	    { 0.005397687847426814, 0.723145352056 } },
	  { 0, 1, 1 } },
	{ 30, 1, 1, { { 0.0026865954387078755, 0.7410985604 } }, { 1 } },
};

static void test_wong_wang_fixed_points(void **state)
{
	(void)state;
	soma_system *s = model_system("wong_wang");
	soma_box box = box2(s, "s2", 0, 1, "s1", 0, 1);

	for (size_t c = 0; c < sizeof(ww_cases) / sizeof(ww_cases[0]); c++) {
		const struct ww_case *k = &ww_cases[c];
		soma_fixed_point *fp = NULL;
		size_t n = 0, idx[5];
		char what[64];

		/* my equations reproduce the seed's points: |f| / (1/tau) small */
		for (size_t i = 0; i < k->n; i++) {
			double f1, f2;

			ww_f(k->p[i][1], k->p[i][0], k->mu, k->coh, &f1, &f2);
			assert_true(fmax(fabs(f1), fabs(f2)) * WW_TAU < 1e-6);
		}
		assert_int_equal(soma_system_set(s, "mu_0", k->mu), SOMA_OK);
		assert_int_equal(soma_system_set(s, "coh", k->coh), SOMA_OK);
		assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
		snprintf(what, sizeof(what), "wong_wang mu_0=%g coh=%g", k->mu,
			 k->coh);
		match_points(k->p, k->n, fp, n, 1e-6, idx, what);
		check_sorted(fp, n);
		for (size_t i = 0; i < k->n; i++) {
			const soma_fixed_point *q = &fp[idx[i]];
			double J[4], T, D, norm, l1, l2;
			soma_fp_type want;

			/* independent Jacobian at the found point, in 1/s */
			ww_jac(q->x[1], q->x[0], k->mu, k->coh, J);
			T = J[0] + J[3];
			D = J[0] * J[3] - J[1] * J[2];
			want = td_type(T, D);
			/* well away from the "=" cases */
			assert_true(fabs(D) > 1e-3 * T * T &&
				    fabs(T * T - 4 * D) > 1e-3 * T * T);
			print_message("  ww mu=%g coh=%g (%.10f, %.10f) %-12s T=%.4g"
				      " D=%.4g /s^2, residual %.2g\n", k->mu,
				      k->coh, q->x[0], q->x[1],
				      soma_fp_type_name(q->type), T, D, q->residual);
			assert_int_equal(q->type, want);
			assert_int_equal(q->stable, soma_fp_type_stable(want));
			assert_int_equal(q->stable, k->stable[i]);
			/* soma's Jacobian is per ms: J / 1000, to 1e-5 of its size */
			norm = fmax(fmax(fabs(J[0]), fabs(J[1])),
				    fmax(fabs(J[2]), fabs(J[3]))) / 1000;
			for (int j = 0; j < 4; j++)
				assert_true(fabs(q->jac[j] - J[j] / 1000) <=
					    1e-5 * norm);
			/* eigenvalues (real here), decreasing, per ms */
			assert_true(T * T - 4 * D > 0);
			l1 = (T / 2 + sqrt(T * T / 4 - D)) / 1000;
			l2 = (T / 2 - sqrt(T * T / 4 - D)) / 1000;
			assert_true(fabs(q->eig_re[0] - l1) <= 1e-5 * norm);
			assert_true(fabs(q->eig_re[1] - l2) <= 1e-5 * norm);
			assert_true(fabs(q->eig_im[0]) <= 1e-5 * norm);
			assert_true(q->residual <= 1e-10);
		}
		free(fp);
	}
	soma_system_destroy(s);
}

/* ---- 2. linear systems: the trace-determinant plane --------------------- */

/* par: A00 A01 A10 A11 b0 b1 */
static int lin2(void *ctx, const double *y, const double *p, double *dydt)
{
	(void)ctx;
	dydt[0] = p[0] * y[0] + p[1] * y[1] + p[4];
	dydt[1] = p[2] * y[0] + p[3] * y[1] + p[5];
	return 0;
}

static const char *const xy_names[] = { "x", "y" };
static const char *const lin_par[] = { "A00", "A01", "A10", "A11", "b0", "b1" };

static soma_system *lin_system(const double A[4], const double b[2])
{
	double p[6] = { A[0], A[1], A[2], A[3], b[0], b[1] };
	soma_system *s = NULL;

	assert_int_equal(soma_system_new(2, xy_names, 6, lin_par, p, lin2, NULL,
					 &s), SOMA_OK);
	return s;
}

static void test_linear_classes(void **state)
{
	(void)state;
	static const struct {
		double A[4];
		soma_fp_type type;
	} cases[] = {
		{ { 1, 2, 3, -1 }, SOMA_FP_SADDLE },             /* D = -7 */
		{ { -3, 1, 0.5, -1 }, SOMA_FP_STABLE_NODE },      /* T -4, D 2.5 */
		{ { 3, 1, 0.5, 1 }, SOMA_FP_UNSTABLE_NODE },      /* T 4, D 2.5 */
		{ { -1, -2, 2, -1 }, SOMA_FP_STABLE_FOCUS },      /* -1 +- 2i */
		{ { 1, -2, 2, 1 }, SOMA_FP_UNSTABLE_FOCUS },      /* 1 +- 2i */
		{ { 0, -2, 3, 0 }, SOMA_FP_CENTRE },              /* +- sqrt(6) i */
		{ { -2, 0, 0, -2 }, SOMA_FP_STABLE_STAR },
		{ { 1.5, 0, 0, 1.5 }, SOMA_FP_UNSTABLE_STAR },
		{ { -1, 1, 0, -1 }, SOMA_FP_STABLE_DEGENERATE },  /* Jordan */
		{ { 2, 1, 0, 2 }, SOMA_FP_UNSTABLE_DEGENERATE },
		{ { -1, 0.5, -2, -3 }, SOMA_FP_STABLE_DEGENERATE }, /* T^2=4D=16 */
	};
	const double b[2] = { 0.37, -1.13 };

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const double *A = cases[c].A;
		soma_system *s = lin_system(A, b);
		soma_box box = box2(s, "x", -5, 5, "y", -4, 6);
		soma_fixed_point *fp = NULL, lin;
		size_t n = 0;
		const double det = A[0] * A[3] - A[1] * A[2];
		/* A x = -b by Cramer's rule */
		const double xs = (-b[0] * A[3] + b[1] * A[1]) / det;
		const double ys = (-b[1] * A[0] + b[0] * A[2]) / det;

		assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
		if (n != 1 || fp[0].type != cases[c].type)
			print_error("case %zu: %zu points, first %s (want %s)\n", c,
				    n, n ? soma_fp_type_name(fp[0].type) : "-",
				    soma_fp_type_name(cases[c].type));
		assert_int_equal(n, 1);
		assert_true(fabs(fp[0].x[0] - xs) <= 1e-9);
		assert_true(fabs(fp[0].x[1] - ys) <= 1e-9);
		assert_int_equal(fp[0].type, cases[c].type);
		assert_int_equal(fp[0].stable, soma_fp_type_stable(cases[c].type));
		for (int j = 0; j < 4; j++)
			assert_true(fabs(fp[0].jac[j] - A[j]) <= 1e-8);
		/* soma_linearise away from the point: same Jacobian, residual
		 * max |f| */
		double at[2] = { xs + 0.5, ys - 0.25 };
		double f0 = A[0] * at[0] + A[1] * at[1] + b[0];
		double f1 = A[2] * at[0] + A[3] * at[1] + b[1];

		assert_int_equal(soma_linearise(s, &box, at, &lin), SOMA_OK);
		assert_int_equal(lin.type, cases[c].type);
		assert_true(fabs(lin.residual - fmax(fabs(f0), fabs(f1))) <= 1e-9);
		free(fp);
		soma_system_destroy(s);
	}
	assert_int_equal(soma_fp_type_stable(SOMA_FP_STABLE_FOCUS), 1);
	assert_int_equal(soma_fp_type_stable(SOMA_FP_CENTRE), 0);
	assert_int_equal(soma_fp_type_stable(SOMA_FP_SADDLE), 0);
	assert_int_equal(soma_fp_type_stable(SOMA_FP_STABLE_STAR), 1);
	assert_int_equal(soma_fp_type_stable(SOMA_FP_STABLE_LINE), 0);
	assert_string_equal(soma_fp_type_name(SOMA_FP_SADDLE), "saddle");
	assert_string_equal(soma_fp_type_name(SOMA_FP_CENTRE), "centre");
	assert_string_equal(soma_fp_type_name(SOMA_FP_STABLE_NODE), "stable node");
	assert_null(soma_fp_type_name(SOMA_FP_TYPE_COUNT));
	for (int t = 0; t < SOMA_FP_TYPE_COUNT; t++)
		assert_non_null(soma_fp_type_name((soma_fp_type)t));
}

/* Eigenvalues from soma_classify against known ones (order of the header:
 * decreasing real part, then decreasing imaginary part). */
static void check_classify(size_t n, const double *J, int type,
			   const double *re, const double *im)
{
	double er[SOMA_ANALYSIS_MAX_DIM], ei[SOMA_ANALYSIS_MAX_DIM];
	int t = soma_classify(n, J, er, ei);

	if (t != type)
		print_error("soma_classify n=%zu: %s, want %s\n", n,
			    t >= 0 ? soma_fp_type_name(t) : "-1",
			    soma_fp_type_name(type));
	assert_int_equal(t, type);
	for (size_t k = 0; k < n; k++) {
		assert_true(fabs(er[k] - re[k]) <= 1e-10);
		assert_true(fabs(ei[k] - im[k]) <= 1e-10);
	}
	assert_int_equal(soma_classify(n, J, NULL, NULL), type);
}

static void test_classify(void **state)
{
	(void)state;
	/* 2-D lines (D = 0) */
	const double sl[4] = { -1, 0, 0, 0 }, ul[4] = { 1, 2, 0, 0 };
	const double um[4] = { 0, 1, 0, 0 }, sl2[4] = { -2, 4, 1, -2 };
	const double z2[2] = { 0, 0 };

	check_classify(2, sl, SOMA_FP_STABLE_LINE, (double[]){ 0, -1 }, z2);
	check_classify(2, ul, SOMA_FP_UNSTABLE_LINE, (double[]){ 1, 0 }, z2);
	check_classify(2, um, SOMA_FP_UNIFORM_MOTION, z2, z2);
	check_classify(2, sl2, SOMA_FP_STABLE_LINE, (double[]){ 0, -4 }, z2);
	/* 2-D others, with eigenvalues */
	check_classify(2, (double[]){ -1, -2, 2, -1 }, SOMA_FP_STABLE_FOCUS,
		       (double[]){ -1, -1 }, (double[]){ 2, -2 });
	check_classify(2, (double[]){ 0, -2, 8, 0 }, SOMA_FP_CENTRE,
		       (double[]){ 0, 0 }, (double[]){ 4, -4 });
	check_classify(2, (double[]){ 1, 2, 3, -1 }, SOMA_FP_SADDLE,
		       (double[]){ sqrt(7), -sqrt(7) }, z2);
	/* 1-D */
	check_classify(1, (double[]){ -2 }, SOMA_FP_STABLE_POINT,
		       (double[]){ -2 }, (double[]){ 0 });
	check_classify(1, (double[]){ 3 }, SOMA_FP_UNSTABLE_POINT,
		       (double[]){ 3 }, (double[]){ 0 });
	check_classify(1, (double[]){ 0 }, SOMA_FP_SADDLE_NODE,
		       (double[]){ 0 }, (double[]){ 0 });
	/* 3-D */
	const double z3[3] = { 0, 0, 0 };

	check_classify(3, (double[]){ -1, 0, 0, 0, -3, 0, 0, 0, -2 },
		       SOMA_FP_STABLE_NODE, (double[]){ -1, -2, -3 }, z3);
	/* triangular: eigenvalues on the diagonal */
	check_classify(3, (double[]){ 2, 1, 3, 0, -1, 4, 0, 0, -4 },
		       SOMA_FP_SADDLE, (double[]){ 2, -1, -4 }, z3);
	check_classify(3, (double[]){ 0.5, 1, 3, 0, 2, 4, 0, 0, 1 },
		       SOMA_FP_UNSTABLE_NODE, (double[]){ 2, 1, 0.5 }, z3);
	check_classify(3, (double[]){ -1, -5, 0, 5, -1, 0, 0, 0, -2 },
		       SOMA_FP_STABLE_FOCUS, (double[]){ -1, -1, -2 },
		       (double[]){ 5, -5, 0 });
	check_classify(3, (double[]){ 1, -5, 0, 5, 1, 0, 0, 0, 2 },
		       SOMA_FP_UNSTABLE_FOCUS, (double[]){ 2, 1, 1 },
		       (double[]){ 0, 5, -5 });
	check_classify(3, (double[]){ 1, -5, 0, 5, 1, 0, 0, 0, -2 },
		       SOMA_FP_SADDLE_FOCUS, (double[]){ 1, 1, -2 },
		       (double[]){ 5, -5, 0 });
	check_classify(3, (double[]){ 0, -1, 0, 1, 0, 0, 0, 0, -1 },
		       SOMA_FP_NON_HYPERBOLIC, (double[]){ 0, 0, -1 },
		       (double[]){ 1, -1, 0 });
	/* invalid sizes */
	assert_int_equal(soma_classify(0, sl, NULL, NULL), -1);
	double big[81] = { 0 };

	assert_int_equal(soma_classify(SOMA_ANALYSIS_MAX_DIM + 1, big, NULL, NULL),
			 -1);
}

/* 1-D fixed points: x' = x^3 + x^2 - 2x = x (x - 1)(x + 2), and a tangent
 * root x' = (x - 0.5)^2. */
static int cubic1(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	(void)p;
	d[0] = y[0] * (y[0] - 1) * (y[0] + 2);
	return 0;
}

static int tangent1(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	(void)p;
	d[0] = (y[0] - 0.5) * (y[0] - 0.5);
	return 0;
}

static void test_one_dimensional(void **state)
{
	(void)state;
	const char *const xn[] = { "x" };
	soma_system *s = NULL;
	soma_box box = { 1, { 0 }, { -3 }, { 3 } };
	soma_fixed_point *fp = NULL;
	size_t n = 0;
	const double roots[3] = { -2, 0, 1 };
	const soma_fp_type types[3] = { SOMA_FP_UNSTABLE_POINT,
					SOMA_FP_STABLE_POINT,
					SOMA_FP_UNSTABLE_POINT };

	assert_int_equal(soma_system_new(1, xn, 0, NULL, NULL, cubic1, NULL, &s),
			 SOMA_OK);
	assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(fabs(fp[i].x[0] - roots[i]) <= 1e-9);
		assert_int_equal(fp[i].type, types[i]);
		/* f' = 3x^2 + 2x - 2 */
		double d = 3 * roots[i] * roots[i] + 2 * roots[i] - 2;

		assert_true(fabs(fp[i].eig_re[0] - d) <= 1e-7);
	}
	free(fp);
	soma_system_destroy(s);

	assert_int_equal(soma_system_new(1, xn, 0, NULL, NULL, tangent1, NULL, &s),
			 SOMA_OK);
	fp = NULL;
	assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
	if (n != 1)
		print_error("tangent root (x-0.5)^2: %zu points found\n", n);
	assert_int_equal(n, 1);
	/* residual (x - 0.5)^2 <= 1e-10 * 12.25: |x - 0.5| <= 4e-5 */
	assert_true(fabs(fp[0].x[0] - 0.5) <= 4e-5);
	assert_int_equal(fp[0].type, SOMA_FP_SADDLE_NODE);
	free(fp);
	soma_system_destroy(s);
}

/* ---- 3. FitzHugh-Nagumo: Hopf points and cycles ------------------------- */

static const double FHN_A = 0.7, FHN_B = 0.8, FHN_TAU = 12.5;

static void fhn_f_box(const void *ctx, double V, double w, double f[2])
{
	const double I = *(const double *)ctx;

	f[0] = V - V * V * V / 3 - w + I;
	f[1] = (V + FHN_A - FHN_B * w) / FHN_TAU;
}

/* The Hopf current: trace 1 - V^2 - b/tau = 0 at the fixed point. */
static double fhn_hopf_I(double sign, double *V)
{
	const double v = sign * sqrt(1 - FHN_B / FHN_TAU);

	*V = v;
	return -v + v * v * v / 3 + (v + FHN_A) / FHN_B;
}

static int fhn_gsl(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	fhn_f_box(params, y[0], y[1], dydt);
	return GSL_SUCCESS;
}

/* Period (mean over the last upward crossings of V = 0) and V extremes of
 * FitzHugh-Nagumo at @I by GSL rk8pd, tolerances 1e-12. */
static void fhn_reference(double I, double *period, double *vmin, double *vmax)
{
	gsl_odeiv2_system sys = { fhn_gsl, NULL, 2, &I };
	gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(
		&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-12);
	double t = 0, y[2] = { 0, 0 }, prev = 0, tc[64];
	const double h = 0.005;
	int nc = 0;

	assert_non_null(drv);
	assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, 1500, y), GSL_SUCCESS);
	*vmin = INFINITY;
	*vmax = -INFINITY;
	prev = y[0];
	for (int i = 1; i <= 400000 && nc < 12; i++) {
		double ti = 1500 + h * i;

		assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, ti, y),
				 GSL_SUCCESS);
		*vmin = fmin(*vmin, y[0]);
		*vmax = fmax(*vmax, y[0]);
		if (prev < 0 && y[0] >= 0)
			tc[nc++] = ti - h + h * (-prev) / (y[0] - prev);
		prev = y[0];
	}
	assert_true(nc >= 2);
	*period = (tc[nc - 1] - tc[0]) / (nc - 1);
	gsl_odeiv2_driver_free(drv);
}

static void test_fhn_bifurcation(void **state)
{
	(void)state;
	soma_system *s = model_system("fitzhugh_nagumo");
	soma_box box = box2(s, "V", -3, 3, "w", -2, 3);
	soma_bif_opts o;
	soma_bifurcation *bif = NULL;
	double Vl, Vu, Il = fhn_hopf_I(-1, &Vl), Iu = fhn_hopf_I(1, &Vu), I0;
	/* omega^2 = det at the Hopf point = (1 - b^2/tau) / tau */
	const double omega = sqrt((1 - FHN_B * FHN_B / FHN_TAU) / FHN_TAU);

	assert_true(fabs(Il - 0.3313) < 1e-4);
	assert_true(fabs(Iu - 1.4187) < 2e-4);
	assert_int_equal(soma_system_set(s, "I", 0.25), SOMA_OK);

	/* fine sweep, fixed points only */
	memset(&o, 0, sizeof(o));
	o.par[0].name = "I";
	o.par[0].from = 0;
	o.par[0].to = 2;
	o.par[0].points = 101;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_OK);
	assert_non_null(bif);
	assert_int_equal(bif->n_par, 1);
	/* one fixed point at every value (dI/dV = V^2 - 1 + 1/b > 0) */
	assert_int_equal(bif->n_points, 101);
	assert_int_equal(bif->n_branches, 1);
	for (size_t i = 0; i < bif->n_points; i++) {
		const soma_bif_point *p = &bif->points[i];
		double V = p->fp.x[0];
		/* on the branch: I = -V + V^3/3 + (V + a)/b */
		double I = -V + V * V * V / 3 + (V + FHN_A) / FHN_B;

		assert_true(fabs(I - p->p[0]) <= 1e-8);
		assert_true(fabs(p->fp.x[1] - (V + FHN_A) / FHN_B) <= 1e-8);
		if (p->p[0] < Il - 1e-6 || p->p[0] > Iu + 1e-6)
			assert_int_equal(p->fp.stable, 1);
		else if (p->p[0] > Il + 1e-6 && p->p[0] < Iu - 1e-6)
			assert_int_equal(p->fp.stable, 0);
	}
	for (size_t i = 0; i < bif->n_special; i++)
		print_message("  fhn special %s at I = %.10f (V = %.6f), omega "
			      "%.6f\n", soma_bif_kind_name(bif->special[i].kind),
			      bif->special[i].p, bif->special[i].x[0],
			      bif->special[i].omega);
	assert_int_equal(bif->n_special, 2);
	{
		const soma_bif_special *lo = &bif->special[0], *hi = &bif->special[1];

		if (lo->p > hi->p) {
			const soma_bif_special *t = lo;

			lo = hi;
			hi = t;
		}
		assert_int_equal(lo->kind, SOMA_BIF_HOPF);
		assert_int_equal(hi->kind, SOMA_BIF_HOPF);
		assert_true(fabs(lo->p - Il) <= 1e-3);
		assert_true(fabs(hi->p - Iu) <= 1e-3);
		assert_true(fabs(lo->x[0] - Vl) <= 1e-3);
		assert_true(fabs(hi->x[0] - Vu) <= 1e-3);
		assert_true(fabs(fabs(lo->omega) - omega) <= 1e-3 * omega);
		assert_true(fabs(fabs(hi->omega) - omega) <= 1e-3 * omega);
	}
	soma_bifurcation_free(bif);
	bif = NULL;
	/* the swept value is restored */
	assert_int_equal(soma_system_get(s, "I", &I0), SOMA_OK);
	assert_true(I0 == 0.25);

	/* coarse sweep with cycles: present between the Hopf points, absent
	 * outside; at I = 0.5 as the reference run */
	double T, vmin, vmax;

	fhn_reference(0.5, &T, &vmin, &vmax);
	o.par[0].points = 21;   /* I = 0, 0.1, ..., 2 */
	o.cycles = 1;
	o.cycle.flow.dt = 0.02;
	o.cycle.transient = 1000;
	o.cycle.max_time = 400;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_OK);
	for (int j = 0; j <= 20; j++) {
		const double I = 0.1 * j;
		int found = 0;

		for (size_t i = 0; i < bif->n_cycles; i++) {
			const soma_bif_cycle *c = &bif->cycles[i];

			if (fabs(c->p - I) > 1e-9)
				continue;
			found++;
			/* relaxation oscillation (GSL rk8pd: V in about
			 * [-1.98, 1.78] at I = 0.34 up to [-1.77, 1.99] at
			 * 1.415): V swings across [-1.5, 1.5] */
			assert_true(c->min[0] < -1.5 && c->max[0] > 1.5);
			assert_true(c->period > 20 && c->period < 80);
			if (j == 5) {
				print_message("  fhn cycle at I = 0.5: period %.4f"
					      " (ref %.4f), V in [%.5f, %.5f] (ref "
					      "[%.5f, %.5f])\n", c->period, T,
					      c->min[0], c->max[0], vmin, vmax);
				assert_true(fabs(c->period - T) <= 0.01 * T);
				assert_true(fabs(c->min[0] - vmin) <= 5e-3);
				assert_true(fabs(c->max[0] - vmax) <= 5e-3);
			}
		}
		if (I > Il && I < Iu) {
			if (found != 1)
				print_error("I = %g: %d cycles recorded\n", I, found);
			assert_int_equal(found, 1);
		} else {
			assert_int_equal(found, 0);
		}
	}
	soma_bifurcation_free(bif);
	soma_system_destroy(s);
}

/* ---- 4. many roots ------------------------------------------------------- */

static int sines(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	(void)p;
	d[0] = sin(y[0]);
	d[1] = 2 * sin(y[1]);
	return 0;
}

/* u = x + 0.3 y, v = -0.2 x + y: x' = (u^2 - 1) u, y' = v (v - 0.5)(v + 2) */
static int rotated_cubics(void *ctx, const double *y, const double *p,
			  double *d)
{
	(void)ctx;
	(void)p;
	const double u = y[0] + 0.3 * y[1], v = -0.2 * y[0] + y[1];

	d[0] = (u * u - 1) * u;
	d[1] = v * (v - 0.5) * (v + 2);
	return 0;
}

static void test_many_roots(void **state)
{
	(void)state;
	soma_system *s = NULL;
	soma_box box;
	soma_fixed_point *fp = NULL;
	size_t n = 0, idx[64];
	double want[64][2];
	size_t nw = 0;

	/* sin x, 2 sin y on [-10, 10] x [-6.5, 6.5]: 7 x 5 roots k pi */
	assert_int_equal(soma_system_new(2, xy_names, 0, NULL, NULL, sines, NULL,
					 &s), SOMA_OK);
	box = box2(s, "x", -10, 10, "y", -6.5, 6.5);
	for (int i = -3; i <= 3; i++)
		for (int j = -2; j <= 2; j++) {
			want[nw][0] = i * M_PI;
			want[nw][1] = j * M_PI;
			nw++;
		}
	assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
	match_points((const double (*)[2])want, nw, fp, n, 1e-8, idx, "sines");
	check_sorted(fp, n);
	for (size_t k = 0; k < nw; k++) {
		/* J = diag(cos x, 2 cos y), entries +-1, +-2 */
		double a = cos(want[k][0]), b = 2 * cos(want[k][1]);
		soma_fp_type t = a * b < 0 ? SOMA_FP_SADDLE :
				 a < 0 ? SOMA_FP_STABLE_NODE :
					 SOMA_FP_UNSTABLE_NODE;

		assert_int_equal(fp[idx[k]].type, t);
	}
	free(fp);
	soma_system_destroy(s);

	/* the rotated product of cubics: 3 x 3 roots, M x = (u_i, v_j) */
	assert_int_equal(soma_system_new(2, xy_names, 0, NULL, NULL,
					 rotated_cubics, NULL, &s), SOMA_OK);
	box = box2(s, "x", -3, 3, "y", -3, 3);
	nw = 0;
	const double us[3] = { -1, 0, 1 }, vs[3] = { -2, 0, 0.5 };
	soma_fp_type types[9];

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			/* [1 0.3; -0.2 1] (x, y) = (u, v), det 1.06 */
			const double u = us[i], v = vs[j];
			const double x = (u - 0.3 * v) / 1.06, y = (v + 0.2 * u) / 1.06;
			/* J = diag(p'(u), q'(v)) M */
			const double pu = 3 * u * u - 1;
			const double qv = 3 * v * v + 3 * v - 1;
			const double J[4] = { pu, 0.3 * pu, -0.2 * qv, qv };

			want[nw][0] = x;
			want[nw][1] = y;
			types[nw] = td_type(J[0] + J[3], J[0] * J[3] - J[1] * J[2]);
			nw++;
		}
	fp = NULL;
	assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
	match_points((const double (*)[2])want, nw, fp, n, 1e-8, idx,
		     "rotated cubics");
	check_sorted(fp, n);
	for (size_t k = 0; k < nw; k++)
		assert_int_equal(fp[idx[k]].type, types[k]);
	free(fp);
	soma_system_destroy(s);
}

/* Hindmarsh-Rose, V in [-3, 3], y in [-20, 5], z held at 0, the seed's
 * parameters (a 1, b 3, c 1, d 5) and its input values: y = c - d V^2 and
 * -a V^3 + (b - d) V^2 + c + I = 0. I = 0 gives three roots. */
static void test_hindmarsh_rose(void **state)
{
	(void)state;
	const double I_vals[] = { 0, 2, 3, 3.3, 3.7, 5 };
	const double a = 1, b = 3, c = 1, d = 5;
	soma_system *s = model_system("hindmarsh_rose");
	soma_box box = box2(s, "V", -3, 3, "y", -20, 5);

	assert_int_equal(soma_system_set(s, "z", 0), SOMA_OK);
	assert_int_equal(soma_system_set(s, "a", a), SOMA_OK);
	assert_int_equal(soma_system_set(s, "b", b), SOMA_OK);
	assert_int_equal(soma_system_set(s, "c", c), SOMA_OK);
	assert_int_equal(soma_system_set(s, "d", d), SOMA_OK);
	assert_int_equal(soma_system_set(s, "r", 0.01), SOMA_OK);
	assert_int_equal(soma_system_set(s, "s", 4), SOMA_OK);
	assert_int_equal(soma_system_set(s, "V_rest", -1.6), SOMA_OK);
	for (size_t c_ = 0; c_ < sizeof(I_vals) / sizeof(I_vals[0]); c_++) {
		const double I = I_vals[c_];
		double r[3], want[3][2];
		size_t nw = 0, n = 0, idx[3];
		soma_fixed_point *fp = NULL;
		char what[48];
		/* V^3 - (b - d)/a V^2 - (c + I)/a = 0 */
		int nr = gsl_poly_solve_cubic(-(b - d) / a, 0, -(c + I) / a, &r[0],
					      &r[1], &r[2]);

		for (int i = 0; i < nr; i++) {
			double y = c - d * r[i] * r[i];

			if (r[i] >= -3 && r[i] <= 3 && y >= -20 && y <= 5) {
				want[nw][0] = r[i];
				want[nw][1] = y;
				nw++;
			}
		}
		assert_true(nw >= 1);
		assert_int_equal(soma_system_set(s, "I", I), SOMA_OK);
		assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
		snprintf(what, sizeof(what), "hindmarsh_rose I=%g", I);
		match_points((const double (*)[2])want, nw, fp, n, 1e-7, idx, what);
		for (size_t k = 0; k < nw; k++) {
			const double V = want[k][0];
			/* J = [[-3aV^2 + 2bV, 1], [-2dV, -1]] */
			const double J[4] = { -3 * a * V * V + 2 * b * V, 1,
					      -2 * d * V, -1 };
			soma_fp_type t = td_type(J[0] + J[3],
						 J[0] * J[3] - J[1] * J[2]);

			print_message("  hr I=%g V=%.9f y=%.9f %s\n", I,
				      fp[idx[k]].x[0], fp[idx[k]].x[1],
				      soma_fp_type_name(fp[idx[k]].type));
			assert_int_equal(fp[idx[k]].type, t);
		}
		free(fp);
	}
	soma_system_destroy(s);
}

/* ---- 5. nullclines -------------------------------------------------------- */

typedef void (*f2_fn)(const void *ctx, double x, double y, double f[2]);

static void ww_f_box(const void *ctx, double x, double y, double f[2])
{
	const double *mc = ctx;   /* mu, coh; x = s2, y = s1 */

	ww_f(y, x, mc[0], mc[1], &f[1], &f[0]);
}

static void check_nullclines(soma_system *s, const soma_box *box, f2_fn f,
			     const void *ctx, const char *what)
{
	for (size_t k = 0; k < 2; k++) {
		double *xy = NULL, scale = 0, worst = 0;
		size_t n = 0, good = 0;

		/* the typical size of f_k over the box */
		for (int i = 0; i <= 50; i++)
			for (int j = 0; j <= 50; j++) {
				double v[2];

				f(ctx, box->lo[0] + (box->hi[0] - box->lo[0]) * i / 50,
				  box->lo[1] + (box->hi[1] - box->lo[1]) * j / 50, v);
				scale = fmax(scale, fabs(v[k]));
			}
		assert_int_equal(soma_nullcline(s, box, k, 0, &xy, &n), SOMA_OK);
		assert_true(n > 0);
		assert_non_null(xy);
		for (size_t i = 0; i < n; i++) {
			double x = xy[2 * i], y = xy[2 * i + 1], v[2];

			if (isnan(x) || isnan(y)) {
				assert_true(isnan(x) && isnan(y));
				continue;
			}
			assert_true(x >= box->lo[0] - 1e-12 && x <= box->hi[0] + 1e-12);
			assert_true(y >= box->lo[1] - 1e-12 && y <= box->hi[1] + 1e-12);
			f(ctx, x, y, v);
			worst = fmax(worst, fabs(v[k]) / scale);
			good++;
		}
		print_message("  %s nullcline %zu: %zu points, max |f|/scale %.3g\n",
			      what, k, good, worst);
		assert_true(good >= 50);
		assert_true(worst <= 1e-9);
		free(xy);
	}
}

static void test_nullclines(void **state)
{
	(void)state;
	soma_system *s = model_system("wong_wang");
	soma_box box = box2(s, "s2", 0, 1, "s1", 0, 1);
	double mc[2] = { 30, 0.512 }, I = 0.5;

	assert_int_equal(soma_system_set(s, "mu_0", mc[0]), SOMA_OK);
	assert_int_equal(soma_system_set(s, "coh", mc[1]), SOMA_OK);
	check_nullclines(s, &box, ww_f_box, mc, "wong_wang");
	mc[0] = 0;
	mc[1] = 0;
	assert_int_equal(soma_system_set(s, "mu_0", 0), SOMA_OK);
	assert_int_equal(soma_system_set(s, "coh", 0), SOMA_OK);
	check_nullclines(s, &box, ww_f_box, mc, "wong_wang");
	soma_system_destroy(s);

	s = model_system("fitzhugh_nagumo");
	box = box2(s, "V", -3, 3, "w", -2, 3);
	assert_int_equal(soma_system_set(s, "I", I), SOMA_OK);
	check_nullclines(s, &box, fhn_f_box, &I, "fitzhugh_nagumo");

	/* the vector field against the equations */
	double *rows = NULL;
	size_t nr = 0;

	assert_int_equal(soma_vector_field(s, &box, 7, &rows, &nr), SOMA_OK);
	assert_int_equal(nr, 49);
	for (size_t i = 0; i < nr; i++) {
		double v[2];

		fhn_f_box(&I, rows[4 * i], rows[4 * i + 1], v);
		assert_true(fabs(rows[4 * i + 2] - v[0]) <= 1e-12 * (1 + fabs(v[0])));
		assert_true(fabs(rows[4 * i + 3] - v[1]) <= 1e-12 * (1 + fabs(v[1])));
		if (i)
			assert_true(rows[4 * i] >= rows[4 * (i - 1)]);
	}
	free(rows);
	soma_system_destroy(s);
}

/* ---- 6. trajectories and limit cycles -------------------------------------- */

static void test_trajectory_linear(void **state)
{
	(void)state;
	/* A = [[al, be], [-be, al]]: e^{At} = e^{al t} [[cos, sin], [-sin, cos]] */
	const double al = -0.1, be = 1.0;
	const double A[4] = { al, be, -be, al }, b[2] = { 0.3, -0.2 };
	soma_system *s = lin_system(A, b);
	soma_box box = box2(s, "x", -5, 5, "y", -5, 5);
	const double det = al * al + be * be;
	const double xs = (-b[0] * A[3] + b[1] * A[1]) / det;
	const double ys = (-b[1] * A[0] + b[0] * A[2]) / det;
	const double y0[2] = { 1.5, -0.5 };
	soma_flow_opts o = { 0 };
	double *rows = NULL, err = 0;
	size_t n = 0;

	o.dt = 0.01;
	o.method = SOMA_METHOD_RK4;
	assert_int_equal(soma_trajectory(s, &box, y0, 10, &o, &rows, &n), SOMA_OK);
	assert_int_equal(n, 1001);
	for (size_t i = 0; i < n; i++) {
		const double t = rows[3 * i];
		const double e = exp(al * t), C = cos(be * t), S = sin(be * t);
		const double dx = y0[0] - xs, dy = y0[1] - ys;
		const double x = xs + e * (C * dx + S * dy);
		const double y = ys + e * (-S * dx + C * dy);

		assert_true(fabs(t - 0.01 * (double)i) <= 1e-9);
		err = fmax(err, fmax(fabs(rows[3 * i + 1] - x),
				     fabs(rows[3 * i + 2] - y)));
	}
	print_message("  linear trajectory rk4 dt 0.01, 10 ms: max error %.3g\n",
		      err);
	assert_true(err < 1e-8);
	free(rows);
	/* every = 10 keeps every 10th step */
	o.every = 10;
	rows = NULL;
	assert_int_equal(soma_trajectory(s, &box, y0, 10, &o, &rows, &n), SOMA_OK);
	assert_int_equal(n, 101);
	assert_true(fabs(rows[3 * 100] - 10) <= 1e-9);
	free(rows);
	soma_system_destroy(s);
}

/* x' = -x + z, y' = -2 y + z, z' = 1 */
static int held3(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	(void)p;
	d[0] = -y[0] + y[2];
	d[1] = -2 * y[1] + y[2];
	d[2] = 1;
	return 0;
}

static void test_trajectory_held(void **state)
{
	(void)state;
	const char *const names[] = { "x", "y", "z" };
	soma_system *s = NULL;
	soma_box box;
	const double y0[3] = { 1, 2, 0.7 };
	double *rows = NULL, err = 0;
	size_t n = 0;

	assert_int_equal(soma_system_new(3, names, 0, NULL, NULL, held3, NULL, &s),
			 SOMA_OK);
	assert_int_equal(soma_system_set(s, "z", 0.7), SOMA_OK);
	box = box2(s, "x", -5, 5, "y", -5, 5);
	assert_int_equal(soma_trajectory(s, &box, y0, 5, NULL, &rows, &n), SOMA_OK);
	assert_int_equal(n, 501);
	for (size_t i = 0; i < n; i++) {
		const double t = rows[4 * i], z = 0.7;

		assert_true(rows[4 * i + 3] == z);
		err = fmax(err, fabs(rows[4 * i + 1] - (z + (1 - z) * exp(-t))));
		err = fmax(err, fabs(rows[4 * i + 2] -
				     (z / 2 + (2 - z / 2) * exp(-2 * t))));
	}
	assert_true(err < 1e-8);
	free(rows);
	/* no box: nothing held, z = 0.7 + t */
	rows = NULL;
	assert_int_equal(soma_trajectory(s, NULL, y0, 5, NULL, &rows, &n), SOMA_OK);
	assert_int_equal(n, 501);
	assert_true(fabs(rows[4 * 500 + 3] - 5.7) <= 1e-10);
	free(rows);
	soma_system_destroy(s);
}

static void test_limit_cycle(void **state)
{
	(void)state;
	soma_system *s = model_system("fitzhugh_nagumo");
	soma_box box = box2(s, "V", -3, 3, "w", -2, 3);
	soma_limit_cycle lc;
	double T, vmin, vmax;

	fhn_reference(0.5, &T, &vmin, &vmax);
	assert_int_equal(soma_system_set(s, "I", 0.5), SOMA_OK);
	memset(&lc, 0, sizeof(lc));
	assert_int_equal(soma_limit_cycle_find(s, &box, NULL, NULL, &lc), SOMA_OK);
	print_message("  fhn I=0.5: reference period %.6f ms, V in [%.6f, %.6f];"
		      " soma found %d period %.6f V in [%.6f, %.6f], %zu points\n",
		      T, vmin, vmax, lc.found, lc.period, lc.min[0], lc.max[0],
		      lc.n_points);
	assert_int_equal(lc.found, 1);
	assert_true(fabs(lc.period - T) <= 0.01 * T);
	assert_true(fabs(lc.min[0] - vmin) <= 5e-3);
	assert_true(fabs(lc.max[0] - vmax) <= 5e-3);
	assert_non_null(lc.points);
	assert_true(lc.n_points > 100);
	/* one period of (t, V, w): spans about T */
	assert_true(fabs(lc.points[3 * (lc.n_points - 1)] - lc.points[0] - T) <=
		    0.02 * T);
	soma_limit_cycle_clear(&lc);
	assert_null(lc.points);

	/* I = 0: a stable fixed point, no cycle */
	assert_int_equal(soma_system_set(s, "I", 0), SOMA_OK);
	memset(&lc, 0, sizeof(lc));
	assert_int_equal(soma_limit_cycle_find(s, &box, NULL, NULL, &lc), SOMA_OK);
	assert_int_equal(lc.found, 0);
	soma_limit_cycle_clear(&lc);
	soma_system_destroy(s);
}

/* ---- 7. errors -------------------------------------------------------------- */

static void test_errors(void **state)
{
	(void)state;
	soma_system *s = model_system("fitzhugh_nagumo");
	soma_box box = box2(s, "V", -3, 3, "w", -2, 3), bad;
	soma_fixed_point *fp = NULL;
	size_t n = 0;
	double *xy = NULL;
	const char *msg;
	soma_system *u = NULL;

	/* unknown names: ENOENT, the message lists the valid ones */
	assert_int_equal(soma_system_set(s, "nope", 1), SOMA_ENOENT);
	msg = soma_system_errmsg(s);
	assert_non_null(strstr(msg, "nope"));
	assert_non_null(strstr(msg, "tau"));
	assert_non_null(strstr(msg, "V_th"));
	assert_non_null(strstr(msg, "w"));
	double v;

	assert_int_equal(soma_system_get(s, "nope", &v), SOMA_ENOENT);
	/* out of range: ERANGE */
	assert_int_equal(soma_system_set(s, "tau", -1), SOMA_ERANGE);
	assert_non_null(strstr(soma_system_errmsg(s), "tau"));
	assert_int_equal(soma_system_set(s, "tau", 0), SOMA_ERANGE);
	assert_int_equal(soma_system_set(s, "I", NAN), SOMA_ERANGE);
	assert_int_equal(soma_system_get(s, "tau", &v), SOMA_OK);
	assert_true(v == 12.5);

	/* bad boxes: EINVAL */
	bad = box;
	bad.n = 0;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad.n = SOMA_ANALYSIS_MAX_DIM + 1;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad = box;
	bad.var[1] = 5;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad.var[1] = -1;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad.var[1] = bad.var[0];
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad = box;
	bad.hi[0] = bad.lo[0];
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad.hi[0] = -4;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	bad.hi[0] = NAN;
	assert_int_equal(soma_fixed_points(s, &bad, NULL, &fp, &n), SOMA_EINVAL);
	assert_int_equal(soma_fixed_points(s, NULL, NULL, &fp, &n), SOMA_EINVAL);
	assert_int_equal(soma_nullcline(s, &bad, 0, 0, &xy, &n), SOMA_EINVAL);
	assert_int_equal(soma_vector_field(s, &bad, 0, &xy, &n), SOMA_EINVAL);
	bad = box;
	bad.n = 1;
	assert_int_equal(soma_nullcline(s, &bad, 0, 0, &xy, &n), SOMA_EINVAL);
	assert_int_equal(soma_nullcline(s, &box, 2, 0, &xy, &n), SOMA_EINVAL);
	soma_limit_cycle lc;

	memset(&lc, 0, sizeof(lc));
	bad = box;
	bad.lo[1] = 5;
	assert_int_equal(soma_limit_cycle_find(s, &bad, NULL, NULL, &lc),
			 SOMA_EINVAL);
	assert_int_equal(soma_trajectory(s, &bad, NULL, 10, NULL, &xy, &n),
			 SOMA_EINVAL);
	assert_int_equal(soma_trajectory(s, &box, NULL, -1, NULL, &xy, &n),
			 SOMA_EINVAL);

	/* bifurcation: unknown name, empty sweep, out of range */
	soma_bif_opts o;
	soma_bifurcation *bif = NULL;

	memset(&o, 0, sizeof(o));
	o.par[0].name = "J_rec";
	o.par[0].from = 0;
	o.par[0].to = 1;
	o.par[0].points = 5;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_ENOENT);
	assert_null(bif);
	msg = soma_system_errmsg(s);
	assert_non_null(strstr(msg, "J_rec"));
	assert_non_null(strstr(msg, "tau"));
	o.par[0].name = "I";
	o.par[0].to = 0;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_EINVAL);
	o.par[0].to = 1;
	o.par[0].points = 1;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_EINVAL);
	o.par[0].points = 5;
	assert_int_equal(soma_bifurcation_run(s, &bad, &o, &bif), SOMA_EINVAL);
	o.par[0].name = "tau";
	o.par[0].from = -1;
	o.par[0].to = 10;
	assert_int_equal(soma_bifurcation_run(s, &box, &o, &bif), SOMA_ERANGE);
	assert_null(bif);
	assert_int_equal(soma_system_get(s, "tau", &v), SOMA_OK);
	assert_true(v == 12.5);
	soma_system_destroy(s);

	/* Wong-Wang: coherence in [-1, 1] */
	s = model_system("wong_wang");
	assert_int_equal(soma_system_set(s, "coh", 1.5), SOMA_ERANGE);
	assert_int_equal(soma_system_set(s, "coh", -1), SOMA_OK);
	assert_int_equal(soma_system_set(s, "coherence", 0), SOMA_ENOENT);
	assert_non_null(strstr(soma_system_errmsg(s), "mu_0"));
	assert_non_null(strstr(soma_system_errmsg(s), "coh"));
	soma_system_destroy(s);

	/* systems */
	assert_int_equal(soma_system_from_model(NULL, &u), SOMA_EINVAL);
	assert_int_equal(soma_system_from_model(soma_model_find("ampa"), &u),
			 SOMA_EINVAL);
	assert_null(u);
	const char *const dup[] = { "x", "x" };

	assert_int_equal(soma_system_new(2, dup, 0, NULL, NULL, lin2, NULL, &u),
			 SOMA_EINVAL);
	assert_int_equal(soma_system_new(0, dup, 0, NULL, NULL, lin2, NULL, &u),
			 SOMA_EINVAL);
	assert_int_equal(soma_system_new(2, xy_names, 0, NULL, NULL, NULL, NULL,
					 &u), SOMA_EINVAL);
	assert_string_equal(soma_bif_kind_name(SOMA_BIF_HOPF), "hopf");
	assert_string_equal(soma_bif_kind_name(SOMA_BIF_SADDLE_NODE),
			    "saddle-node");
	assert_null(soma_bif_kind_name(SOMA_BIF_KIND_COUNT));
	soma_system_destroy(NULL);
	soma_bifurcation_free(NULL);
}

/* ---- 9. robust acceptance: wide boxes, tangent roots in 1-D ------------- */

/* HH-like gating: dy/dt = alpha(x) (1 - y) - beta(x) y with beta =
 * 0.1 exp(-x/100) (5e7 at x = -2000: |f_y| is huge at that edge of the
 * box), and dx/dt = (10 - x - 100 y^4) / 10. The fixed point: y = y_inf(x),
 * x + 100 y_inf(x)^4 = 10, whose left side increases with x: one root. */
static double wide_alpha(double x)
{
	return 0.1 / (1 + exp(-x / 20));
}

static double wide_beta(double x)
{
	return 0.1 * exp(-x / 100);
}

static int wide_gate(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	(void)p;
	d[0] = (10 - y[0] - 100 * pow(y[1], 4)) / 10;
	d[1] = wide_alpha(y[0]) * (1 - y[1]) - wide_beta(y[0]) * y[1];
	return 0;
}

/* HH (m, h held) with n = n_inf(V): C dV/dt as a function of V alone. */
struct hh_par {
	double E_Na, g_Na, E_K, g_K, E_L, g_L, C, m, h;
};

static double hh_ninf(double V)
{
	const double an = 0.01 * (V + 55) / (1 - exp(-(V + 55) / 10));
	const double bn = 0.125 * exp(-(V + 65) / 80);

	return an / (an + bn);
}

static double hh_g(const struct hh_par *q, double V)
{
	const double n = hh_ninf(V);

	return (-q->g_Na * q->m * q->m * q->m * q->h * (V - q->E_Na) -
		q->g_K * n * n * n * n * (V - q->E_K) - q->g_L * (V - q->E_L)) /
	       q->C;
}

/* Sign changes of g on [lo, hi] in steps of 0.01 (offset so that no node
 * hits alpha_n's removable singularity), each refined by bisection. */
static size_t scan_roots(double (*g)(const void *, double), const void *q,
			 double lo, double hi, double *r, size_t max)
{
	size_t nr = 0, N = (size_t)((hi - lo) / 0.01);
	double a = lo + 0.001234, ga = g(q, a);

	for (size_t i = 1; i <= N; i++) {
		double b = lo + 0.001234 + 0.01 * (double)i, gb = g(q, b);

		if (ga * gb < 0 && nr < max) {
			double x0 = a, x1 = b, g0 = ga;

			for (int it = 0; it < 200; it++) {
				double xm = 0.5 * (x0 + x1), gm = g(q, xm);

				if (gm * g0 > 0) {
					x0 = xm;
					g0 = gm;
				} else {
					x1 = xm;
				}
			}
			r[nr++] = 0.5 * (x0 + x1);
		}
		a = b;
		ga = gb;
	}
	return nr;
}

static double wide_g(const void *q, double x)
{
	(void)q;
	const double yi = wide_alpha(x) / (wide_alpha(x) + wide_beta(x));

	return 10 - x - 100 * pow(yi, 4);
}

static double hh_g_v(const void *q, double V)
{
	return hh_g(q, V);
}

static void test_wide_box(void **state)
{
	(void)state;
	soma_system *s = NULL;
	soma_box box;
	soma_fixed_point *fp = NULL;
	size_t n = 0, nr;
	double r[8];

	/* the gating system: one root, found once, |f| there ~ 0 */
	assert_int_equal(soma_system_new(2, xy_names, 0, NULL, NULL, wide_gate,
					 NULL, &s), SOMA_OK);
	box = box2(s, "x", -2000, 2000, "y", 0, 1);
	nr = scan_roots(wide_g, NULL, -2000, 2000, r, 8);
	assert_int_equal(nr, 1);
	assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n), SOMA_OK);
	if (n != 1)
		print_error("wide gate: %zu fixed points, 1 expected (x = %.9g)\n",
			    n, r[0]);
	assert_int_equal(n, 1);
	{
		const double yi = wide_alpha(r[0]) /
				  (wide_alpha(r[0]) + wide_beta(r[0]));
		double f[2];

		print_message("  wide gate: (%.10f, %.10f), reference (%.10f, "
			      "%.10f)\n", fp[0].x[0], fp[0].x[1], r[0], yi);
		/* bisection to ~1e-12; the slopes are O(1): 1e-8 in x */
		assert_true(fabs(fp[0].x[0] - r[0]) <= 1e-8);
		assert_true(fabs(fp[0].x[1] - yi) <= 1e-10);
		wide_gate(NULL, fp[0].x, NULL, f);
		assert_true(fabs(f[0]) <= 1e-9 && fabs(f[1]) <= 1e-9);
	}
	free(fp);
	soma_system_destroy(s);

	/* Hodgkin-Huxley, g_L 0.3 nS, V in [-2000, 2000] mV, n in [0, 1], m
	 * and h held at their initial values: the roots of C dV/dt at
	 * n = n_inf(V) */
	{
		struct hh_par q;

		s = model_system("hh");
		assert_int_equal(soma_system_set(s, "g_L", 0.3), SOMA_OK);
		assert_int_equal(soma_system_get(s, "E_Na", &q.E_Na), SOMA_OK);
		assert_int_equal(soma_system_get(s, "g_Na", &q.g_Na), SOMA_OK);
		assert_int_equal(soma_system_get(s, "E_K", &q.E_K), SOMA_OK);
		assert_int_equal(soma_system_get(s, "g_K", &q.g_K), SOMA_OK);
		assert_int_equal(soma_system_get(s, "E_L", &q.E_L), SOMA_OK);
		assert_int_equal(soma_system_get(s, "g_L", &q.g_L), SOMA_OK);
		assert_int_equal(soma_system_get(s, "C", &q.C), SOMA_OK);
		assert_int_equal(soma_system_get(s, "m", &q.m), SOMA_OK);
		assert_int_equal(soma_system_get(s, "h", &q.h), SOMA_OK);
		box = box2(s, "V", -2000, 2000, "n", 0, 1);
		nr = scan_roots(hh_g_v, &q, -2000, 2000, r, 8);
		assert_int_equal(nr, 1);
		fp = NULL;
		assert_int_equal(soma_fixed_points(s, &box, NULL, &fp, &n),
				 SOMA_OK);
		if (n != 1)
			print_error("hh wide box: %zu fixed points, 1 expected "
				    "(V = %.9g)\n", n, r[0]);
		assert_int_equal(n, 1);
		print_message("  hh wide box: V = %.10f mV, n = %.10f; reference "
			      "V = %.10f, n_inf = %.10f\n", fp[0].x[0],
			      fp[0].x[1], r[0], hh_ninf(r[0]));
		/* dg/dV ~ 30 pA/mV/pF: 1e-7 mV is far above both errors */
		assert_true(fabs(fp[0].x[0] - r[0]) <= 1e-7);
		assert_true(fabs(fp[0].x[1] - hh_ninf(r[0])) <= 1e-9);
		free(fp);
		soma_system_destroy(s);
	}
}

/* the quaif right-hand side, a_0 (V - V_rest)(V - V_c) + I over tau: a
 * quadratic with a double root at (V_rest + V_c) / 2 when I = a_0 (V_c -
 * V_rest)^2 / 4 */
static int quad1(void *ctx, const double *y, const double *p, double *d)
{
	(void)ctx;
	d[0] = (p[0] * (y[0] - p[1]) * (y[0] - p[2]) + p[3]) / p[4];
	return 0;
}

static void test_tangent_1d(void **state)
{
	(void)state;
	const char *const vn[] = { "V" };
	const char *const pn[] = { "a0", "V_rest", "V_c", "I", "tau" };
	const double a0 = 0.07, Vr = -65, Vc = -50, tau = 10;
	const double Is = a0 * (Vc - Vr) * (Vc - Vr) / 4; /* 3.9375, exact */
	const double pv[5] = { a0, Vr, Vc, Is, tau };
	const double boxes[][2] = { { -80, -35 }, { -60, -55 }, { -70, -40 },
				    { -57.6, -57.4 }, { -59.3, -51.1 },
				    { -100, 0 } };
	const double dI[] = { 0, -1e-7, -1e-9, 1e-7, 1e-9 };
	const unsigned grids[] = { 0, 101 };
	soma_system *s = NULL;

	assert_int_equal(soma_system_new(1, vn, 5, pn, pv, quad1, NULL, &s),
			 SOMA_OK);
	for (size_t b = 0; b < sizeof(boxes) / sizeof(boxes[0]); b++)
		for (size_t i = 0; i < sizeof(dI) / sizeof(dI[0]); i++)
			for (size_t g = 0; g < 2; g++) {
				soma_box box = { 1, { 0 }, { boxes[b][0] },
						 { boxes[b][1] } };
				soma_fp_opts o = { .grid = grids[g] };
				soma_fixed_point *fp = NULL;
				size_t n = 0, want;
				/* roots V_m -+ sqrt(-dI / a0) */
				const double Vm = 0.5 * (Vr + Vc);
				const double d = dI[i] < 0 ? sqrt(-dI[i] / a0) : 0;

				want = dI[i] == 0 ? 1 : dI[i] < 0 ? 2 : 0;
				assert_int_equal(soma_system_set(s, "I", Is + dI[i]),
						 SOMA_OK);
				assert_int_equal(soma_fixed_points(s, &box, &o, &fp,
								   &n), SOMA_OK);
				if (n != want)
					print_error("quadratic, box [%g, %g], I* %+g, "
						    "grid %u: %zu points, %zu "
						    "expected\n", boxes[b][0],
						    boxes[b][1], dI[i], grids[g],
						    n, want);
				assert_int_equal(n, want);
				if (want == 1) {
					if (fp[0].type != SOMA_FP_SADDLE_NODE)
						print_error("quadratic, box [%g, %g], "
							    "grid %u: tangent root "
							    "%.12g is a %s\n",
							    boxes[b][0], boxes[b][1],
							    grids[g], fp[0].x[0],
							    soma_fp_type_name(fp[0].type));
					/* |f| ~ rounding 1e-17 at a0/tau (V -
					 * V_m)^2: |V - V_m| <= 1e-6 */
					assert_true(fabs(fp[0].x[0] - Vm) <= 1e-6);
					assert_int_equal(fp[0].type,
							 SOMA_FP_SADDLE_NODE);
					assert_int_equal(fp[0].stable, 0);
				} else if (want == 2) {
					/* simple roots, to 1e-9 mV */
					assert_true(fabs(fp[0].x[0] - (Vm - d)) <=
						    1e-9);
					assert_true(fabs(fp[1].x[0] - (Vm + d)) <=
						    1e-9);
					assert_int_equal(fp[0].type,
							 SOMA_FP_STABLE_POINT);
					assert_int_equal(fp[1].type,
							 SOMA_FP_UNSTABLE_POINT);
				}
				free(fp);
			}
	soma_system_destroy(s);
}

/*
 * The type must not depend on the variables' units: y -> S y maps J to
 * S J S^-1 (same eigenvalues). Morris-Lecar at rest with phi = 3e-5/ms has
 * eigenvalues -5.2e-5 and -0.1 per ms: a stable node, however V and W are
 * scaled (a tolerance relative to max |J_ij| once called it a line).
 */
static void test_classify_units(void **state)
{
	static const double lam[][2] = { { -5.2e-5, -0.1 }, { -1e-3, -2.0 },
					 { 1e-4, -3.0 } };
	static const double scale[] = { 1e-6, 1e-3, 1.0, 1e3, 1e6 };

	(void)state;
	for (size_t e = 0; e < sizeof(lam) / sizeof(lam[0]); e++) {
		/* a non-normal matrix with eigenvalues l1, l2: [l1 1; 0 l2] */
		const double l1 = lam[e][0], l2 = lam[e][1];
		int want = l1 * l2 < 0 ? SOMA_FP_SADDLE : SOMA_FP_STABLE_NODE;

		for (size_t k = 0; k < sizeof(scale) / sizeof(scale[0]); k++) {
			double s = scale[k];
			double J[4] = { l1, s * 1.0, 0.0, l2 }; /* S J S^-1, S = diag(s, 1) */
			double re[2], im[2];
			int t = soma_classify(2, J, re, im);

			assert_int_equal(t, want);
			assert_true(fabs(re[0] - fmax(l1, l2)) <= 1e-12 * fabs(l2));
			/* and with a coupling below the diagonal */
			J[1] = 0.0;
			J[2] = 3.0 / s;
			assert_int_equal(soma_classify(2, J, NULL, NULL), want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wong_wang_fixed_points),
		cmocka_unit_test(test_linear_classes),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_one_dimensional),
		cmocka_unit_test(test_fhn_bifurcation),
		cmocka_unit_test(test_many_roots),
		cmocka_unit_test(test_hindmarsh_rose),
		cmocka_unit_test(test_nullclines),
		cmocka_unit_test(test_trajectory_linear),
		cmocka_unit_test(test_trajectory_held),
		cmocka_unit_test(test_limit_cycle),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_wide_box),
		cmocka_unit_test(test_tangent_1d),
		cmocka_unit_test(test_classify_units),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
