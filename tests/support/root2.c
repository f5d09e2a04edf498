/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multiroots.h>

#include "root2.h"

struct root2_ctx {
	root2_fn f;
	const void *ctx;
};

static int root2_f(const gsl_vector *v, void *params, gsl_vector *out)
{
	const struct root2_ctx *c = params;
	double fx, fy;

	c->f(c->ctx, gsl_vector_get(v, 0), gsl_vector_get(v, 1), &fx, &fy);
	gsl_vector_set(out, 0, fx);
	gsl_vector_set(out, 1, fy);
	return GSL_SUCCESS;
}

int root2(root2_fn f, const void *ctx, double *x, double *y, double tol)
{
	struct root2_ctx c = { f, ctx };
	gsl_multiroot_fsolver *s =
		gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, 2);
	gsl_multiroot_function F = { root2_f, 2, &c };
	gsl_vector *v = gsl_vector_alloc(2);
	int status = GSL_CONTINUE, iter = 0;

	if (!s || !v) {
		gsl_multiroot_fsolver_free(s);
		gsl_vector_free(v);
		return -1;
	}
	gsl_vector_set(v, 0, *x);
	gsl_vector_set(v, 1, *y);
	gsl_multiroot_fsolver_set(s, &F, v);
	while (status == GSL_CONTINUE && iter++ < 1000) {
		if (gsl_multiroot_fsolver_iterate(s))
			break;
		status = gsl_multiroot_test_residual(s->f, tol);
	}
	*x = gsl_vector_get(s->x, 0);
	*y = gsl_vector_get(s->x, 1);
	gsl_multiroot_fsolver_free(s);
	gsl_vector_free(v);
	return status == GSL_SUCCESS ? 0 : -1;
}
