/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The integrators (src/integrators/ode.c, integrator.h) on reference
 * problems with known solutions, through the internal soma__ode_step:
 *  - exponential decay y' = -k y, y = y0 e^{-k t};
 *  - the harmonic oscillator x' = v, v' = -w^2 x, x = cos w t, v = -w sin w t
 *    (each equation is free of its own variable: exp_euler's diag is 0);
 *  - the nonlinear y' = -y^2, y = y0 / (1 + y0 t), and the logistic
 *    y' = y (1 - y), y = 1 / (1 + (1/y0 - 1) e^{-t});
 *  - the coupled y1' = -y1 + y2^2, y2' = -y2,
 *    y1 = (y1_0 + c^2) e^{-t} - c^2 e^{-2t}, y2 = c e^{-t} (c = y2_0);
 *  - the linear y' = a - b y, which exponential Euler solves exactly;
 *  - a stiff linear system y' = A y, A = [[-500.5, 499.5], [499.5, -500.5]]
 *    (eigenvalues -1 along (1, 1) and -1000 along (1, -1)).
 * The convergence order is measured from the global error at a fixed time
 * for dt, dt/2, dt/4, dt/8 (each of the three ratios within 0.2 of the
 * theory: euler 1, rk2 2, rk4 4; exp_euler 2 on scalar equations, where its
 * diag is the whole Jacobian, and 1 on the coupled system); rkf45's error
 * against its tolerance and its per-unit sub-steps; the GSL references at
 * tight tolerance; msbdf on the stiff system where Euler is unstable; the
 * adaptive methods stopping at a blow-up. Then through populations: LIF
 * with exp_euler is exact for constant input, rkf45 matches it to its
 * tolerance, and both spike at the same steps.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/internal.h"
#include "soma/soma.h"

#define MAX_UNITS 4
#define MAX_VAR 2

/* ---- reference problems ---------------------------------------------- */

enum prob_kind { DECAY, OSC, SQUARE, LOGISTIC, LINEAR, STIFF, COUPLED };

struct prob {
	enum prob_kind kind;
	int n_var;
	double k[MAX_UNITS]; /* per unit: decay rate (DECAY), w (OSC) */
	double a, b;         /* LINEAR: y' = a - b y */
	long calls;          /* right-hand side evaluations (of blocks) */
};

static void prob_f(void *ctx, uint32_t off, uint32_t n, const double *const *y,
		   double *const *dy, double *const *diag)
{
	struct prob *p = ctx;
	const double *k_unit = p->k + off;

	p->calls++;
	for (uint32_t i = 0; i < n; i++) {
		switch (p->kind) {
		case DECAY:
			dy[0][i] = -k_unit[i] * y[0][i];
			if (diag)
				diag[0][i] = -k_unit[i];
			break;
		case OSC:
			dy[0][i] = y[1][i];
			dy[1][i] = -k_unit[i] * k_unit[i] * y[0][i];
			if (diag)
				diag[0][i] = diag[1][i] = 0;
			break;
		case SQUARE:
			dy[0][i] = -y[0][i] * y[0][i];
			if (diag)
				diag[0][i] = -2 * y[0][i];
			break;
		case LOGISTIC:
			dy[0][i] = y[0][i] * (1 - y[0][i]);
			if (diag)
				diag[0][i] = 1 - 2 * y[0][i];
			break;
		case LINEAR:
			dy[0][i] = p->a - p->b * y[0][i];
			if (diag)
				diag[0][i] = -p->b;
			break;
		case COUPLED:
			dy[0][i] = -y[0][i] + y[1][i] * y[1][i];
			dy[1][i] = -y[1][i];
			if (diag) {
				diag[0][i] = -1;
				diag[1][i] = -1;
			}
			break;
		case STIFF:
			dy[0][i] = -500.5 * y[0][i] + 499.5 * y[1][i];
			dy[1][i] = 499.5 * y[0][i] - 500.5 * y[1][i];
			if (diag)
				diag[0][i] = diag[1][i] = -500.5;
			break;
		}
	}
}

/* exact solution of unit @i at time t from y0 */
static void prob_exact(const struct prob *p, int i, const double *y0, double t,
		       double *y)
{
	double w, u, d;

	switch (p->kind) {
	case DECAY:
		y[0] = y0[0] * exp(-p->k[i] * t);
		break;
	case OSC:
		w = p->k[i];
		y[0] = y0[0] * cos(w * t) + y0[1] / w * sin(w * t);
		y[1] = -y0[0] * w * sin(w * t) + y0[1] * cos(w * t);
		break;
	case SQUARE:
		y[0] = y0[0] / (1 + y0[0] * t);
		break;
	case LOGISTIC:
		y[0] = 1 / (1 + (1 / y0[0] - 1) * exp(-t));
		break;
	case LINEAR:
		y[0] = p->a / p->b + (y0[0] - p->a / p->b) * exp(-p->b * t);
		break;
	case COUPLED: /* y2 = c e^-t, y1' + y1 = c^2 e^-2t */
		u = y0[1] * y0[1];
		y[0] = (y0[0] + u) * exp(-t) - u * exp(-2 * t);
		y[1] = y0[1] * exp(-t);
		break;
	case STIFF:
		u = (y0[0] + y0[1]) / 2 * exp(-t);
		d = (y0[0] - y0[1]) / 2 * exp(-1000 * t);
		y[0] = u + d;
		y[1] = u - d;
		break;
	}
}

/* Integrate @n units of @p from y0 (n_var values per unit, unit-major) to
 * t = steps * dt with @method; final state into yout (same layout). Returns
 * soma__ode_step's status. */
static int integrate(struct prob *p, int method, uint32_t n, const double *y0,
		     double dt, long steps, double rtol, double atol,
		     double *yout)
{
	struct soma__ode sys = { p->n_var, prob_f, p };
	struct soma__ode_work *w =
		soma__ode_work_new(method, p->n_var, n, rtol, atol);
	double store[MAX_VAR][MAX_UNITS], h[MAX_UNITS] = { 0 };
	double *y[MAX_VAR];
	int rc = 0;

	assert_non_null(w);
	for (int k = 0; k < p->n_var; k++) {
		y[k] = store[k];
		for (uint32_t i = 0; i < n; i++)
			store[k][i] = y0[i * p->n_var + k];
	}
	for (long s = 0; s < steps && !rc; s++)
		rc = soma__ode_step(w, &sys, n, y, dt,
				    method >= SOMA_METHOD_RKF45 ? h : NULL);
	for (int k = 0; k < p->n_var; k++)
		for (uint32_t i = 0; i < n; i++)
			yout[i * p->n_var + k] = store[k][i];
	soma__ode_work_free(w);
	return rc;
}

/* Largest |y - exact| of one unit (unit 0) at T = steps * dt. */
static double global_error(struct prob *p, int method, const double *y0,
			   double dt, long steps, double rtol, double atol)
{
	double y[MAX_VAR], ex[MAX_VAR], err = 0;

	assert_int_equal(integrate(p, method, 1, y0, dt, steps, rtol, atol, y), 0);
	prob_exact(p, 0, y0, dt * (double)steps, ex);
	for (int k = 0; k < p->n_var; k++)
		err = fmax(err, fabs(y[k] - ex[k]));
	return err;
}

/* Observed orders log2(e(h)/e(h/2)) for h = dt, dt/2, dt/4 (errors at T),
 * each within 0.2 of @order. */
static void check_order(struct prob *p, int method, const double *y0, double T,
			double dt, double order, const char *what)
{
	double e[4];

	for (int j = 0; j < 4; j++) {
		double h = dt / (1 << j);
		e[j] = global_error(p, method, y0, h, lround(T / h), 0, 0);
	}
	printf("# %-9s %-26s errors %.3e %.3e %.3e %.3e, orders", soma_method_name(method),
	       what, e[0], e[1], e[2], e[3]);
	for (int j = 0; j < 3; j++)
		printf(" %.3f", log2(e[j] / e[j + 1]));
	printf("\n");
	for (int j = 0; j < 3; j++)
		assert_true(fabs(log2(e[j] / e[j + 1]) - order) < 0.2);
}

static void test_order_euler_rk2_rk4(void **state)
{
	(void)state;
	const int methods[] = { SOMA_METHOD_EULER, SOMA_METHOD_RK2, SOMA_METHOD_RK4 };
	const double orders[] = { 1, 2, 4 };
	struct prob decay = { .kind = DECAY, .n_var = 1, .k = { 1.5 } };
	struct prob osc = { .kind = OSC, .n_var = 2, .k = { 2.0 } };
	struct prob sq = { .kind = SQUARE, .n_var = 1 };
	struct prob logi = { .kind = LOGISTIC, .n_var = 1 };
	const double y_decay[] = { 1.0 }, y_osc[] = { 1.0, 0.5 };
	const double y_sq[] = { 1.0 }, y_logi[] = { 0.1 };

	for (int m = 0; m < 3; m++) {
		check_order(&decay, methods[m], y_decay, 2.0, 0.1, orders[m],
			    "decay k = 1.5, T = 2");
		check_order(&osc, methods[m], y_osc, 2.0, 0.1, orders[m],
			    "oscillator w = 2, T = 2");
		check_order(&sq, methods[m], y_sq, 2.0, 0.1, orders[m],
			    "y' = -y^2, T = 2");
		check_order(&logi, methods[m], y_logi, 4.0, 0.2, orders[m],
			    "logistic, T = 4");
	}
}

/* Exponential Euler. On a scalar equation its diag is the whole Jacobian,
 * which makes it the exponential Rosenbrock-Euler method: second order
 * (local error h^3 f'' f / 6 ... for autonomous problems). On a coupled
 * system the off-diagonal terms are held at t_n: first order, e.g. on
 *   y1' = -y1 + y2^2, y2' = -y2  (y2 exact, y1 driven by the held y2^2).
 * On the oscillator (diag 0, phi(0) = 1) it is forward Euler, to the last
 * bit. */
static void test_order_exp_euler(void **state)
{
	(void)state;
	struct prob sq = { .kind = SQUARE, .n_var = 1 };
	struct prob logi = { .kind = LOGISTIC, .n_var = 1 };
	struct prob cpl = { .kind = COUPLED, .n_var = 2 };
	struct prob osc = { .kind = OSC, .n_var = 2, .k = { 2.0 } };
	const double y_sq[] = { 1.0 }, y_logi[] = { 0.1 }, y_osc[] = { 1.0, 0.5 };
	const double y_cpl[] = { 0.2, 1.5 };
	double a[2], b[2];

	check_order(&sq, SOMA_METHOD_EXP_EULER, y_sq, 2.0, 0.1, 2, "y' = -y^2, T = 2");
	check_order(&logi, SOMA_METHOD_EXP_EULER, y_logi, 4.0, 0.2, 2,
		    "logistic, T = 4");
	check_order(&cpl, SOMA_METHOD_EXP_EULER, y_cpl, 2.0, 0.1, 1,
		    "y1' = -y1 + y2^2, y2' = -y2");
	check_order(&osc, SOMA_METHOD_EXP_EULER, y_osc, 2.0, 0.1, 1,
		    "oscillator w = 2, T = 2");
	assert_int_equal(integrate(&osc, SOMA_METHOD_EXP_EULER, 1, y_osc, 0.05, 40, 0,
				   0, a), 0);
	assert_int_equal(integrate(&osc, SOMA_METHOD_EULER, 1, y_osc, 0.05, 40, 0, 0,
				   b), 0);
	assert_true(a[0] == b[0] && a[1] == b[1]);
}

/* y' = a - b y: exponential Euler is exact (relative 1e-13) whatever dt,
 * also for dt far beyond Euler's stability limit 2/b. So is y' = -k y, to
 * 1e-13 of y0: the step y0 + h phi(z) f = y0 + (e^z - 1) y0 rounds relative
 * to y0, so a result far below y0 (e^-40 after one step of dt = 1) has
 * an absolute, not a relative, error of a few 1e-17. */
static void test_exp_euler_exact_linear(void **state)
{
	(void)state;
	struct prob lin = { .kind = LINEAR, .n_var = 1, .a = 2.0, .b = 0.3 };
	struct prob decay = { .kind = DECAY, .n_var = 1, .k = { 40.0 } };
	const double dts[] = { 0.01, 0.1, 1.0, 10.0 }, y0[] = { -1.0, 0.0 };
	double worst = 0;

	for (int j = 0; j < 4; j++) {
		const long steps = lround(50 / dts[j]);
		for (long s = 1; s <= steps; s *= 3) {
			double y[2] = { 0 }, ex[2] = { 0 };
			assert_int_equal(integrate(&lin, SOMA_METHOD_EXP_EULER, 1, y0,
						   dts[j], s, 0, 0, y), 0);
			prob_exact(&lin, 0, y0, dts[j] * (double)s, ex);
			worst = fmax(worst, fabs(y[0] - ex[0]) / fabs(ex[0]));
		}
	}
	printf("# exp_euler on y' = 2 - 0.3 y: worst relative error %.2e\n", worst);
	assert_true(worst < 1e-13);
	worst = 0;
	for (int j = 0; j < 3; j++) {
		double y, ex, one = 1, rel;
		long steps = lround(1.0 / dts[j]);
		assert_int_equal(integrate(&decay, SOMA_METHOD_EXP_EULER, 1, &one,
					   dts[j], steps, 0, 0, &y), 0);
		prob_exact(&decay, 0, &one, dts[j] * (double)steps, &ex);
		rel = fabs(y - ex) / ex;
		printf("# exp_euler on y' = -40 y, dt %g, T = 1: y %.6e, exact %.6e, "
		       "error %.1e (relative %.1e)\n", dts[j], y, ex, fabs(y - ex), rel);
		worst = fmax(worst, fabs(y - ex));
		if (j < 2) /* e^-0.4 and e^-4 per step: relative accuracy holds */
			assert_true(rel < 1e-13);
	}
	assert_true(worst < 1e-13);
}

/* rkf45: the global error at the end is within 100 rtol |y|max of the
 * exact solution, and falls with the tolerance. The steps are dt = 1 long,
 * so that the tolerance, not the step, sets the sub-steps (with dt = 0.1
 * one sub-step per step already beats rtol = 1e-4 on these problems). */
static void test_rkf45_tolerance(void **state)
{
	(void)state;
	struct prob decay = { .kind = DECAY, .n_var = 1, .k = { 1.0 } };
	struct prob osc = { .kind = OSC, .n_var = 2, .k = { 1.0 } };
	struct prob sq = { .kind = SQUARE, .n_var = 1 };
	struct prob *probs[] = { &decay, &osc, &sq };
	const double y0s[3][2] = { { 1.0 }, { 1.0, 0.0 }, { 2.0 } };
	const double ymax[3] = { 1.0, 1.0, 2.0 };
	const char *names[] = { "decay, T = 10", "oscillator w = 1, T = 10",
				"y' = -y^2, T = 10" };
	const double rtols[] = { 1e-4, 1e-6, 1e-8, 1e-10 };

	for (int q = 0; q < 3; q++) {
		double prev = INFINITY;

		for (int j = 0; j < 4; j++) {
			double e = global_error(probs[q], SOMA_METHOD_RKF45, y0s[q],
						1.0, 10, rtols[j], rtols[j] * 1e-3);

			printf("# rkf45 %-26s rtol %.0e: error %.3e = %.2f rtol |y|max\n",
			       names[q], rtols[j], e, e / (rtols[j] * ymax[q]));
			assert_true(e <= 100 * rtols[j] * ymax[q]);
			assert_true(e < prev);
			prev = e;
		}
	}
}

/* rkf45 sub-steps are per unit: in one block a slow unit (k = 1) and a
 * stiff one (k = 1000, which needs sub-steps ~ 3/k) give each, to the last
 * bit, what the unit gives alone; so do four units of the oscillator with
 * different frequencies. */
static void test_rkf45_units_independent(void **state)
{
	(void)state;
	struct prob both = { .kind = DECAY, .n_var = 1, .k = { 1.0, 1000.0 } };
	struct prob slow = { .kind = DECAY, .n_var = 1, .k = { 1.0 } };
	struct prob fast = { .kind = DECAY, .n_var = 1, .k = { 1000.0 } };
	struct prob osc4 = { .kind = OSC, .n_var = 2, .k = { 1, 3, 10, 30 } };
	const double y0[] = { 1.0, 1.0 };
	const double o0[] = { 1, 0, 1, 0.5, -1, 2, 0.1, 0 };
	double yb[2] = { 0 }, ysv[2] = { 0 }, yfv[2] = { 0 }, exv[2] = { 0 };
	double ys, yf, ex;
	long calls_slow;

	assert_int_equal(integrate(&both, SOMA_METHOD_RKF45, 2, y0, 0.1, 20, 1e-8,
				   1e-12, yb), 0);
	assert_int_equal(integrate(&slow, SOMA_METHOD_RKF45, 1, y0, 0.1, 20, 1e-8,
				   1e-12, ysv), 0);
	assert_int_equal(integrate(&fast, SOMA_METHOD_RKF45, 1, y0, 0.1, 20, 1e-8,
				   1e-12, yfv), 0);
	ys = ysv[0];
	yf = yfv[0];
	calls_slow = slow.calls;
	printf("# rkf45 block: slow %.17g alone %.17g; fast %.17g alone %.17g; "
	       "evaluations slow %ld, fast %ld, both %ld\n",
	       yb[0], ys, yb[1], yf, calls_slow, fast.calls, both.calls);
	assert_true(yb[0] == ys && yb[1] == yf);
	/* the stiff unit takes many more sub-steps than the slow one */
	assert_true(fast.calls > 10 * calls_slow);
	prob_exact(&slow, 0, y0, 2.0, exv);
	ex = exv[0];
	assert_true(fabs(ys - ex) < 100 * 1e-8 * 1.0);

	double all[8], one[2];
	assert_int_equal(integrate(&osc4, SOMA_METHOD_RKF45, 4, o0, 0.1, 30, 1e-7,
				   1e-10, all), 0);
	for (int i = 0; i < 4; i++) {
		struct prob o1 = { .kind = OSC, .n_var = 2, .k = { osc4.k[i] } };
		double ex2[2];

		assert_int_equal(integrate(&o1, SOMA_METHOD_RKF45, 1, o0 + 2 * i, 0.1,
					   30, 1e-7, 1e-10, one), 0);
		assert_true(one[0] == all[2 * i] && one[1] == all[2 * i + 1]);
		prob_exact(&o1, 0, o0 + 2 * i, 3.0, ex2);
		/* amplitude up to 2 w: 100 rtol |y|max */
		assert_true(fabs(one[0] - ex2[0]) < 100 * 1e-7 * 2 * o1.k[0]);
	}
}

/* GSL rk8pd and msbdf (one unit at a time) at rtol 1e-12 agree with the
 * exact solutions over 50 steps of 0.1: rk8pd to 1e-11 (measured <= 1.4e-13),
 * msbdf to 2e-9 (measured <= 6e-10; see test_msbdf_stiff for why msbdf's
 * global error is hundreds of rtol). */
static void test_gsl_references(void **state)
{
	(void)state;
	const int methods[] = { SOMA_METHOD_RK8PD, SOMA_METHOD_MSBDF };
	struct prob decay = { .kind = DECAY, .n_var = 1, .k = { 1.0 } };
	struct prob osc = { .kind = OSC, .n_var = 2, .k = { 2.0 } };
	struct prob sq = { .kind = SQUARE, .n_var = 1 };
	struct prob lin = { .kind = LINEAR, .n_var = 1, .a = 2.0, .b = 0.3 };
	struct prob *probs[] = { &decay, &osc, &sq, &lin };
	const double y0s[4][2] = { { 1.0 }, { 1.0, 0.5 }, { 1.0 }, { -1.0 } };

	for (int m = 0; m < 2; m++)
		for (int q = 0; q < 4; q++) {
			double e = global_error(probs[q], methods[m], y0s[q], 0.1, 50,
						1e-12, 1e-14);
			printf("# %-6s problem %d at rtol 1e-12, T = 5: error %.2e\n",
			       soma_method_name(methods[m]), q, e);
			assert_true(e < (methods[m] == SOMA_METHOD_RK8PD ? 1e-11 : 2e-9));
		}
	/* several units in one call: each is integrated alone, from its own
	 * state (the driver is reset between units) */
	for (int m = 0; m < 2; m++) {
		const double y3[] = { 1, 0.5, -0.3, 2, 0.7, 0 };
		double all[6], one[2];

		assert_int_equal(integrate(&osc, methods[m], 3, y3, 0.1, 20, 1e-10,
					   1e-12, all), 0);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(integrate(&osc, methods[m], 1, y3 + 2 * i, 0.1,
						   20, 1e-10, 1e-12, one), 0);
			assert_true(one[0] == all[2 * i] && one[1] == all[2 * i + 1]);
		}
	}
}

/* The stiff system at dt = 0.01: Euler's amplification of the fast mode is
 * |1 - 1000 dt| = 9 > 1, so it blows up; msbdf follows the exact solution.
 * Its tolerance is local to each sub-step and each step of dt restarts the
 * BDF at order 1 (the driver is reset for every unit and step), so the
 * global error after 100 steps is some 100-1000 rtol |y| (measured: 5.4e-9
 * at rtol 1e-10, 8e-7 at rtol 1e-8); at rtol 1e-10 it must be below 1e-7. */
static void test_msbdf_stiff(void **state)
{
	(void)state;
	struct prob stiff = { .kind = STIFF, .n_var = 2 };
	const double y0[] = { 1.0, 0.0 }, dt = 0.01;
	double ye[2], yb[2], ex[2];
	const long steps = 100; /* T = 1 */

	assert_int_equal(integrate(&stiff, SOMA_METHOD_EULER, 1, y0, dt, steps, 0, 0,
				   ye), 0);
	assert_int_equal(integrate(&stiff, SOMA_METHOD_MSBDF, 1, y0, dt, steps, 1e-10,
				   1e-12, yb), 0);
	prob_exact(&stiff, 0, y0, 1.0, ex);
	printf("# stiff system, dt = 0.01, T = 1: exact (%.12f, %.12f), euler "
	       "(%.3g, %.3g), msbdf rtol 1e-10 (%.12f, %.12f), %ld evaluations\n",
	       ex[0], ex[1], ye[0], ye[1], yb[0], yb[1], stiff.calls);
	assert_true(fabs(ye[0]) > 1e10);
	assert_true(fabs(yb[0] - ex[0]) < 1e-7 && fabs(yb[1] - ex[1]) < 1e-7);
	/* and Euler at dt = 1e-3 (|1 - 1000 dt| = 0) is fine, first order */
	assert_int_equal(integrate(&stiff, SOMA_METHOD_EULER, 1, y0, 1e-3, 1000, 0, 0,
				   ye), 0);
	assert_true(fabs(ye[0] - ex[0]) < 1e-3);
}

/* Bad calls: more units than the work space holds, a system of another
 * size, rkf45 without its sub-step array. */
static void test_bad_calls(void **state)
{
	(void)state;
	struct prob decay = { .kind = DECAY, .n_var = 1, .k = { 1, 1, 1 } };
	struct prob osc = { .kind = OSC, .n_var = 2 };
	struct soma__ode sys = { 1, prob_f, &decay }, sys2 = { 2, prob_f, &osc };
	double a[3] = { 1, 1, 1 }, b[3] = { 0 };
	double *y[2] = { a, b };
	struct soma__ode_work *w = soma__ode_work_new(SOMA_METHOD_RKF45, 1, 2, 1e-6, 1e-9);

	assert_non_null(w);
	assert_int_equal(soma__ode_step(w, &sys, 3, y, 0.1, b), SOMA_EINVAL);
	assert_int_equal(soma__ode_step(w, &sys2, 2, y, 0.1, b), SOMA_EINVAL);
	assert_int_equal(soma__ode_step(w, &sys, 2, y, 0.1, NULL), SOMA_EINVAL);
	soma__ode_work_free(w);
	assert_null(soma__ode_work_new(SOMA_METHOD_EULER, 0, 2, 0, 0));
	assert_null(soma__ode_work_new(SOMA_METHOD_EULER, 1, 0, 0, 0));
	soma__ode_work_free(NULL);
}

/* y' = -y^2 from y0 = -1 blows up at t = 1 (y = -1/(1 - t)): the adaptive
 * methods stop with SOMA_ENUMERIC (sub-step below 1e-12 dt, or GSL's
 * driver failing) instead of stepping over the singularity or hanging. */
static void test_adaptive_blow_up(void **state)
{
	(void)state;
	const int methods[] = { SOMA_METHOD_RKF45, SOMA_METHOD_RK8PD };
	const double y0 = -1;

	for (int m = 0; m < 2; m++) {
		struct prob sq = { .kind = SQUARE, .n_var = 1 };
		double y;

		assert_int_equal(integrate(&sq, methods[m], 1, &y0, 0.1, 20, 1e-6, 1e-9,
					   &y), SOMA_ENUMERIC);
		printf("# %s on y' = -y^2, y0 = -1: stopped with y = %.3g after %ld "
		       "evaluations\n", soma_method_name(methods[m]), y, sq.calls);
	}
}


/* ---- through populations ---------------------------------------------- */

/* A LIF population (no spikes: V_th out of reach) with constant input I,
 * method @m; returns the largest relative error of V against
 * V_rest + R I (1 - e^{-t/tau}) over @ms ms (compared every step). */
static double lif_error(soma_method m, double dt, double ms, double rtol,
			double atol, uint32_t n)
{
	const double I = 21, R = 1, tau = 10, V_rest = 2;
	soma_network *net;
	const double *V;
	double d = INFINITY, worst = 0;
	int pop;
	uint64_t steps;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", n, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "V_th", 1e9), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "V_rest", V_rest), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, m), SOMA_OK);
	if (rtol > 0)
		assert_int_equal(soma_population_set_tolerance(net, pop, rtol, atol),
				 SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	steps = soma_network_steps_for(net, ms);
	for (uint64_t s = 1; s <= steps; s++) {
		double t = (double)s * dt, ex = V_rest + R * I * (1 - exp(-t / tau));

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (uint32_t i = 0; i < n; i++)
			worst = fmax(worst, fabs(V[i] - ex) / fabs(ex));
	}
	soma_network_destroy(net);
	return worst;
}

static void test_population_lif(void **state)
{
	(void)state;
	/* 600 neurons: three blocks of the population loop (256 each) */
	double e_exp = lif_error(SOMA_METHOD_EXP_EULER, 0.1, 200, 0, 0, 600);
	double e_big = lif_error(SOMA_METHOD_EXP_EULER, 2.5, 200, 0, 0, 3);
	double e_rkf[3], rt[3] = { 1e-5, 1e-7, 1e-9 };
	double e_rk8 = lif_error(SOMA_METHOD_RK8PD, 0.1, 50, 1e-12, 1e-12, 1);

	printf("# LIF population, exp_euler: worst relative error %.2e (dt 0.1), "
	       "%.2e (dt 2.5)\n", e_exp, e_big);
	assert_true(e_exp < 1e-12);
	assert_true(e_big < 1e-12);
	for (int j = 0; j < 3; j++) {
		e_rkf[j] = lif_error(SOMA_METHOD_RKF45, 5.0, 200, rt[j], rt[j] * 1e-2, 300);
		printf("# LIF population, rkf45 rtol %.0e: worst relative error %.2e\n",
		       rt[j], e_rkf[j]);
		assert_true(e_rkf[j] < 100 * rt[j]);
	}
	assert_true(e_rkf[1] < e_rkf[0] && e_rkf[2] < e_rkf[1]);
	printf("# LIF population, rk8pd rtol 1e-12: worst relative error %.2e\n", e_rk8);
	assert_true(e_rk8 < 1e-9);
}

/* Steps at which one LIF neuron (I = 21 pA, V_th 20 mV, defaults
 * otherwise: V from 0 to V_th in t* = 30.445 ms, refractory 1 ms) spikes
 * over 200 ms with method @m; returns the count. */
static int lif_spike_steps(soma_method m, double rtol, uint64_t *steps, int max)
{
	const double I = 21, d = INFINITY;
	soma_network *net;
	int pop, count = 0;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, m), SOMA_OK);
	if (rtol > 0)
		assert_int_equal(soma_population_set_tolerance(net, pop, rtol, 1e-12),
				 SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL),
			 SOMA_OK);
	for (uint64_t s = 1; s <= 2000; s++) {
		uint32_t n;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, pop, NULL, &n);
		if (n && count < max)
			steps[count++] = s;
	}
	soma_network_destroy(net);
	return count;
}

/* With spikes, exp_euler and rkf45 (rtol 1e-10) spike at the same steps,
 * and the first at the step that contains t* = -tau ln(1 - V_th/(R I)). */
static void test_population_lif_spikes(void **state)
{
	(void)state;
	uint64_t a[64], b[64];
	int na = lif_spike_steps(SOMA_METHOD_EXP_EULER, 0, a, 64);
	int nb = lif_spike_steps(SOMA_METHOD_RKF45, 1e-10, b, 64);
	const double t_star = -10 * log(1 - 20.0 / 21);

	assert_true(na >= 5);
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++)
		assert_true(a[i] == b[i]);
	assert_true((double)a[0] == ceil(t_star / 0.1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_euler_rk2_rk4),
		cmocka_unit_test(test_order_exp_euler),
		cmocka_unit_test(test_exp_euler_exact_linear),
		cmocka_unit_test(test_rkf45_tolerance),
		cmocka_unit_test(test_rkf45_units_independent),
		cmocka_unit_test(test_gsl_references),
		cmocka_unit_test(test_msbdf_stiff),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_adaptive_blow_up),
		cmocka_unit_test(test_population_lif),
		cmocka_unit_test(test_population_lif_spikes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
