/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An independent 2-D root finder for the model tests (GSL's hybrid method on
 * the test's own copy of a model's equations), to check fixed points.
 */
#ifndef SOMA_TESTS_ROOT2_H
#define SOMA_TESTS_ROOT2_H

/* f(ctx, x, y) -> (fx, fy). */
typedef void (*root2_fn)(const void *ctx, double x, double y, double *fx,
			 double *fy);

/* Refine (*x, *y) to a root of @f with gsl_multiroot_fsolver_hybrids, at
 * most 1000 iterations; 0 when every |f| < @tol there, else -1. */
int root2(root2_fn f, const void *ctx, double *x, double *y, double tol);

#endif
