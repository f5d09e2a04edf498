/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internals of the analysis module (analysis.h), shared by the files of src/analysis.
 * Not installed.
 */
#ifndef SOMA_ANALYSIS_INTERNAL_H
#define SOMA_ANALYSIS_INTERNAL_H

#include "core/internal.h"
#include "soma/analysis.h"

#define SOMA__SYS_MAX_VARS 64

struct soma_system {
	const soma_model *model;  /* NULL for a user system */
	size_t n_var, n_par, n_in;
	char **var_name;          /* user system: n_var names */
	char **par_name;          /* user system: n_par names */
	char **var_unit;          /* user system: n_var units (NULL: "") */
	char **par_unit;          /* user system: n_par units (NULL: "") */
	double *y;                /* n_var: values (fixed values, start) */
	unsigned char *y_set;     /* n_var: set by soma_system_set(); else a
				     state whose initial value is a parameter
				     (V = V_rest) follows that parameter */
	double *par;              /* n_par */
	double *in;               /* n_in: constant input of each channel */
	soma_system_fn f;         /* user system */
	void *ctx;
	/* model: a one-neuron population, prepared when the parameters change */
	struct soma__pop pop;
	int prepared;             /* pop_prepare ran with the current params */
	int prep_status;          /* its result */
	double g0;
	int32_t ref0;
	const double *inp[8];     /* pop inputs for a block of one */
	const volatile sig_atomic_t *stop; /* soma_system_set_interrupt() */
	char err[SOMA__ERRLEN];
};

/* Has the caller asked the computation on @s to stop? */
static inline int soma__sys_stopped(const soma_system *s)
{
	return s->stop && *s->stop;
}

/* SOMA_ECANCELED with its message. */
int soma__sys_cancelled(soma_system *s);

/* Record a failure on @s and return @status. */
int soma__sys_err(soma_system *s, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "V, y, z, a, ..." : every variable, parameter and input, into @buf. */
void soma__sys_list_names(const soma_system *s, char *buf, size_t len);

/* Prepare the model (derived constants) if the parameters changed: 0 or
 * SOMA_ERANGE with the model's message in s->err. */
int soma__sys_ready(soma_system *s);

/* dy/dt of the full state @y (n_var values) into @dydt: 0, or
 * SOMA_ENUMERIC when f fails or is not finite. soma__sys_ready() first. */
int soma__sys_eval(soma_system *s, const double *y, double *dydt);

/* The derivatives of the box's variables at @x (box order), the others at
 * their values in s->y: fx gets box->n values. 0 or SOMA_ENUMERIC. */
int soma__sys_eval_box(soma_system *s, const soma_box *box, const double *x,
		       double *fx);

/* Check @box against @s: 1 to SOMA_ANALYSIS_MAX_DIM distinct valid
 * variables, finite lo < hi. 0 or SOMA_EINVAL with a message. */
int soma__sys_check_box(soma_system *s, const soma_box *box);

/* An ODE for the integrators (one unit, n_var variables) with every
 * variable not in @box (NULL: none) held fixed. @ctx is scratch the caller
 * keeps alive while the ODE is used. */
struct soma__sys_ode_ctx {
	soma_system *s;
	unsigned char held[SOMA__SYS_MAX_VARS];
	double yb[SOMA__SYS_MAX_VARS], db[SOMA__SYS_MAX_VARS];
	int failed;
};
void soma__sys_ode(soma_system *s, const soma_box *box,
		   struct soma__sys_ode_ctx *ctx, struct soma__ode *ode);

/* The full state beside fixed point @x (box order) where a search for a
 * limit cycle starts: 1e-3 of the box size along each target variable, the
 * others at their values in s->y; @y gets s->n_var values. */
void soma__cycle_start(const soma_system *s, const soma_box *box,
		       const double *x, double *y);

/* Are two cycles the same: periods within @tol relative, extremes of each
 * target variable within @tol of the box size? */
int soma__same_cycle(const soma_box *box, double period_a, const double *min_a,
		     const double *max_a, const soma_limit_cycle *b, double tol);

/* The nullcline segments of a 2-D box (nullcline.c), one per grid cell
 * crossing, for the nullclines k with bit k of @mask set, on a @res x @res
 * grid; the box checked and soma__sys_ready() called. 0 or SOMA_ENOMEM;
 * seg[k] malloc'ed. */
struct soma__nc_seg {
	size_t cell;     /* j * (R - 1) + i of its grid cell */
	size_t e[2];     /* ids of the grid edges it joins */
	double p[2][2];  /* its ends (x, y) */
};
int soma__nullcline_segs(soma_system *s, const soma_box *box, unsigned res,
			 int mask, struct soma__nc_seg *seg[2], size_t n_seg[2]);

#endif
