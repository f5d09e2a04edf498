/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file analysis.h
 * Phase-plane and bifurcation analysis of any model with a right-hand side
 * (the seed's `bp.analysis.PhasePlane`, Hindmarsh-Rose section 1.3.5 and the
 * Wong-Wang decision model, section 3.2.1).
 *
 * A soma_system is an autonomous ODE system dy/dt = f(y) of n variables: a
 * built-in neuron model (soma_model_rhs(): its state variables, its
 * parameters and its input channels held constant) or a function of your own.
 * An analysis picks a few *target* variables with a range each (a soma_box,
 * the seed's target_vars); every other variable is *fixed* at its value in
 * the system (the seed's fixed_vars, set with soma_system_set()), i.e. its
 * derivative is taken as 0. Parameters are changed with soma_system_set()
 * too (the seed's pars_update).
 *
 * Units: variables and parameters in the model's units (model.h, e.g. mV,
 * pA, Hz; "" for dimensionless); time in ms, so derivatives are per ms and
 * eigenvalues in 1/ms.
 *
 * Numerics (all from GSL):
 *  - fixed points: gsl_multiroot_fsolver_hybrids (Powell's hybrid method)
 *    started from every node of a grid over the box and from every crossing
 *    of the nullcline segments (2-D), polished by Newton steps, kept when the
 *    residual is below the tolerance and the point lies in the box;
 *    duplicates (closer than 1e-6 of the box size) are merged. In 1-D every
 *    sign change of f on the grid is bracketed and solved by Brent's method,
 *    and every local minimum of |f| is tried as a tangent root;
 *  - Jacobian: central differences with error control (gsl_deriv_central);
 *  - eigenvalues: gsl_eigen_nonsymm;
 *  - nullclines: marching squares on a grid, each crossing located on its
 *    grid edge by Brent's method, so every point satisfies dx_k/dt = 0 to
 *    the root finder's tolerance;
 *  - trajectories and limit cycles: soma's integrators (integrator.h).
 *
 * Every function returns a status (status.h); details of a failure are in
 * soma_system_errmsg(). No function prints or exits.
 */
#ifndef SOMA_ANALYSIS_H
#define SOMA_ANALYSIS_H

#include <signal.h>
#include <stddef.h>

#include "soma/integrator.h"
#include "soma/model.h"
#include "soma/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most target variables an analysis may have (and most eigenvalues). */
#define SOMA_ANALYSIS_MAX_DIM 8

/* ---- systems ------------------------------------------------------------ */

/** An autonomous ODE system dy/dt = f(y) with named variables and
 *  parameters. */
typedef struct soma_system soma_system;

/**
 * Right-hand side of a user system: dydt[k] = f_k(y) for the n variables,
 * with the current values of the system's parameters @p par (in the order
 * of the par_names given to soma_system_new()).
 * @return 0, or non-zero when f cannot be evaluated at y (the caller then
 *         treats the point as outside the domain)
 */
typedef int (*soma_system_fn)(void *ctx, const double *y, const double *par,
			      double *dydt);

/**
 * The system of built-in neuron model @p m for one neuron: its state
 * variables (with their initial values as values), its parameters (with
 * their defaults) and its input channels as constant parameters (0 by
 * default), in that order of lookup by soma_system_set().
 * @return SOMA_OK, SOMA_EINVAL (NULL, or a model without differential
 *         equations: sources, synapses), SOMA_ENOMEM
 */
int soma_system_from_model(const soma_model *m, soma_system **out);

/**
 * A system of your own: @p n_var variables called @p var_names (values 0)
 * and @p n_par parameters called @p par_names with values @p par_values,
 * evaluated by @p f with @p ctx. Names are copied. Units may be given with
 * soma_system_set_unit() (default "").
 * @return SOMA_OK, SOMA_EINVAL (n_var 0 or above 64, NULL f or names, a name
 *         used twice), SOMA_ENOMEM
 */
int soma_system_new(size_t n_var, const char *const *var_names, size_t n_par,
		    const char *const *par_names, const double *par_values,
		    soma_system_fn f, void *ctx, soma_system **out);

/** Free a system (NULL is fine). */
void soma_system_destroy(soma_system *s);

/** The message of the last failure on @p s ("" if none). */
const char *soma_system_errmsg(const soma_system *s);

/** Number of variables. */
size_t soma_system_n_vars(const soma_system *s);

/**
 * Let a long computation on @p s be interrupted: fixed-point searches,
 * trajectories, limit-cycle searches and bifurcation sweeps poll *@p flag
 * (e.g. set by a signal handler; NULL: never) and, once it is non-zero,
 * stop and return SOMA_ECANCELED.
 */
void soma_system_set_interrupt(soma_system *s, const volatile sig_atomic_t *flag);

/** Name and unit of variable @p k ("" when dimensionless), or NULL. */
const char *soma_system_var_name(const soma_system *s, size_t k);
const char *soma_system_var_unit(const soma_system *s, size_t k);

/** Index of variable @p name, or -1. */
int soma_system_var_index(const soma_system *s, const char *name);

/** The model the system was made from, or NULL for a user system. */
const soma_model *soma_system_model(const soma_system *s);

/**
 * Set the unit of variable or parameter @p name (a user system's; a model's
 * units are its own). @return SOMA_OK, SOMA_ENOENT, SOMA_ENOMEM
 */
int soma_system_set_unit(soma_system *s, const char *name, const char *unit);

/**
 * Set the value of @p name: a variable (the value it is held at when it is
 * not a target of an analysis, and the default start of trajectories; not
 * range-checked, as an analysis may look anywhere), a
 * parameter, or an input channel of a model (a constant input, in the
 * channel's unit). A model's parameters are checked against their valid
 * range.
 * @return SOMA_OK, SOMA_ENOENT (no such name; the message lists the valid
 *         ones), SOMA_ERANGE (non-finite, or outside the parameter's valid
 *         range, which the message gives)
 */
int soma_system_set(soma_system *s, const char *name, double value);

/** Value of variable, parameter or input @p name. @return SOMA_OK,
 *  SOMA_ENOENT, SOMA_EINVAL (NULL) */
int soma_system_get(const soma_system *s, const char *name, double *value);

/** Unit of variable, parameter or input @p name ("" when dimensionless), or
 *  NULL when there is none. */
const char *soma_system_unit(const soma_system *s, const char *name);

/**
 * dy/dt at @p y (n values; NULL: the system's current values) into @p dydt
 * (n values), with no variable held fixed.
 * @return SOMA_OK, SOMA_EINVAL, SOMA_ERANGE (a parameter combination the
 *         model refuses, e.g. V_reset >= V_th), SOMA_ENUMERIC (f could not
 *         be evaluated or is not finite)
 */
int soma_system_rhs(soma_system *s, const double *y, double *dydt);

/* ---- the box: target variables ----------------------------------------- */

/** Target variables of an analysis and their ranges (the seed's
 *  target_vars). The first is the x axis of a phase plane, the second y. */
typedef struct soma_box {
	size_t n;                           /**< 1 to SOMA_ANALYSIS_MAX_DIM */
	int var[SOMA_ANALYSIS_MAX_DIM];     /**< variable indices, distinct */
	double lo[SOMA_ANALYSIS_MAX_DIM];   /**< lower bounds, in each unit */
	double hi[SOMA_ANALYSIS_MAX_DIM];   /**< upper bounds, > lo */
} soma_box;

/* ---- fixed points ---------------------------------------------------------- */

/**
 * What a fixed point is, from the eigenvalues of the Jacobian of the target
 * variables. In 2-D, with trace T and determinant D (the trace-determinant
 * plane): D < 0 saddle; D > 0 and T^2 > 4D node, T^2 < 4D focus (T != 0)
 * or centre (T = 0), T^2 = 4D star (Jacobian a multiple of the identity)
 * or degenerate node; D = 0 (a zero eigenvalue) a line of fixed points,
 * stable or unstable by the sign of T, and uniform motion when T = 0 too.
 * "=" holds within 1e-7 relative to the sum of the terms compared (|ad| +
 * |bc| for D, T^2 + 4|ad| + 4|bc| for T^2 - 4D, |a| + |d| for T, with
 * J = [a b; c d]), which does not depend on the variables' units; above
 * 2-D, within 1e-7 of the largest eigenvalue's modulus. In
 * 1-D: f' < 0 stable point, f' > 0 unstable point, f' = 0 semi-stable
 * (saddle-node). Above 2-D: stable node or focus (all real parts < 0; focus
 * if there is a complex pair), unstable node or focus (all > 0), saddle or
 * saddle-focus (both signs), non-hyperbolic (a real part 0).
 */
typedef enum soma_fp_type {
	SOMA_FP_STABLE_NODE = 0,
	SOMA_FP_UNSTABLE_NODE,
	SOMA_FP_STABLE_FOCUS,
	SOMA_FP_UNSTABLE_FOCUS,
	SOMA_FP_SADDLE,
	SOMA_FP_CENTRE,
	SOMA_FP_STABLE_STAR,
	SOMA_FP_UNSTABLE_STAR,
	SOMA_FP_STABLE_DEGENERATE,
	SOMA_FP_UNSTABLE_DEGENERATE,
	SOMA_FP_STABLE_LINE,
	SOMA_FP_UNSTABLE_LINE,
	SOMA_FP_UNIFORM_MOTION,
	SOMA_FP_STABLE_POINT,       /**< 1-D, f' < 0 */
	SOMA_FP_UNSTABLE_POINT,     /**< 1-D, f' > 0 */
	SOMA_FP_SADDLE_NODE,        /**< 1-D, f' = 0 */
	SOMA_FP_SADDLE_FOCUS,       /**< n > 2 */
	SOMA_FP_NON_HYPERBOLIC,     /**< n > 2 */
	SOMA_FP_TYPE_COUNT
} soma_fp_type;

/** Name of a type, e.g. "stable node", "saddle", "centre"; NULL if invalid. */
const char *soma_fp_type_name(soma_fp_type t);

/** 1 for the types that attract (every eigenvalue with real part < 0), 0
 *  otherwise. */
int soma_fp_type_stable(soma_fp_type t);

/**
 * Classify a fixed point by its Jacobian @p jac (n x n, row-major,
 * jac[i*n + j] = df_i/dy_j), writing its eigenvalues (real and imaginary
 * parts, sorted by decreasing real part, then decreasing imaginary part)
 * into @p eig_re and @p eig_im (n values each; may be NULL).
 * @return the type, or -1 when n is 0 or above SOMA_ANALYSIS_MAX_DIM or the
 *         eigenvalue solver fails
 */
int soma_classify(size_t n, const double *jac, double *eig_re, double *eig_im);

/** A fixed point of the target variables. */
typedef struct soma_fixed_point {
	double x[SOMA_ANALYSIS_MAX_DIM];      /**< coordinates, in box order */
	double jac[SOMA_ANALYSIS_MAX_DIM * SOMA_ANALYSIS_MAX_DIM];
					      /**< Jacobian, n x n row-major, 1/ms */
	double eig_re[SOMA_ANALYSIS_MAX_DIM]; /**< eigenvalues, 1/ms (soma_classify order) */
	double eig_im[SOMA_ANALYSIS_MAX_DIM];
	double residual;                      /**< max_k |f_k| / scale_k at x */
	soma_fp_type type;
	int stable;                           /**< soma_fp_type_stable(type) */
} soma_fixed_point;

/** Options of soma_fixed_points(); zero-initialise for the defaults. */
typedef struct soma_fp_opts {
	unsigned grid;  /**< starting points per target variable: default 2000
			     in 1-D, 40 in 2-D, max(4, 8000^(1/n)) above */
	double tol;     /**< accept a root when every |f_k| <= tol * scale_k,
			     scale_k the largest |f_k| over the grid, and
			     (2-D and above) <= tol * the local scale of f_k:
			     its slope across the box at the root plus its
			     curvature over one grid step (default 1e-10). In
			     1-D, near each local minimum of |f| on the grid
			     the extremum of f is found: two roots when f
			     changes sign there, one tangent root
			     (saddle-node) when they would be closer than
			     1e-6 of the box */
} soma_fp_opts;

/**
 * Every fixed point of the target variables of @p box inside the box, the
 * other variables held at their values, sorted by the first coordinate,
 * then the second (ascending).
 * @param out   receives a malloc'ed array (free() it), NULL when none
 * @param n_out receives the count
 * @return SOMA_OK, SOMA_EINVAL (bad box), SOMA_ERANGE (the model refuses
 *         its parameters, e.g. V_reset >= V_th), SOMA_ECANCELED, SOMA_ENOMEM
 */
int soma_fixed_points(soma_system *s, const soma_box *box,
		      const soma_fp_opts *opts, soma_fixed_point **out,
		      size_t *n_out);

/**
 * Jacobian, eigenvalues and type of the target variables at @p x (box
 * order), which need not be a fixed point; fp->residual gets the scaled
 * residual there (scale 1).
 * @return SOMA_OK, SOMA_EINVAL, SOMA_ENUMERIC
 */
int soma_linearise(soma_system *s, const soma_box *box, const double *x,
		   soma_fixed_point *fp);

/* ---- nullclines and the vector field -------------------------------------- */

/**
 * The nullcline dx_k/dt = 0 of target variable @p k (0 or 1) of a 2-D
 * box: curves as a polyline of points (x, y) in @p xy (2 doubles per point),
 * consecutive curves separated by one point (NAN, NAN). Found on a
 * @p resolution x @p resolution grid (0: 200); every point satisfies
 * |f_k| <= 1e-12 scale_k or lies within 1e-12 of the box size of the exact
 * crossing on its grid edge.
 * @param xy       receives a malloc'ed array of 2 * *n_points doubles
 * @return SOMA_OK, SOMA_EINVAL (box not 2-D, k not 0 or 1), SOMA_ENOMEM
 */
int soma_nullcline(soma_system *s, const soma_box *box, size_t k,
		   unsigned resolution, double **xy, size_t *n_points);

/**
 * The vector field of a 1-D or 2-D box on a grid of @p resolution points
 * per variable (0: 20): rows of (x, [y,] dx/dt, [dy/dt]) in @p rows (2 or 4
 * doubles per row, x varying slowest), in the variables' units and per ms.
 * @return SOMA_OK, SOMA_EINVAL, SOMA_ENOMEM
 */
int soma_vector_field(soma_system *s, const soma_box *box, unsigned resolution,
		      double **rows, size_t *n_rows);

/* ---- trajectories and limit cycles ------------------------------------------ */

/** How trajectories are integrated; zero-initialise for the defaults (a
 *  NULL pointer to options, here and for soma_fp_opts and soma_cycle_opts,
 *  means the defaults too). */
typedef struct soma_flow_opts {
	double dt;          /**< step, ms (default 0.01) */
	soma_method method; /**< SOMA_METHOD_DEFAULT means rk4 here (not the
				 model's default method: analysis wants
				 accuracy) */
	double rtol, atol;  /**< adaptive methods (defaults 1e-6, 1e-9) */
	unsigned every;     /**< keep every k-th step in the output (default 1) */
} soma_flow_opts;

/**
 * Integrate from @p y0 (all n variables; NULL: the system's values) for
 * @p duration ms, with the variables that are not targets of @p box held
 * fixed (box NULL: none held). Rows of (t, y_0, ..., y_{n-1}), n + 1 doubles
 * each, the first at t = 0 and the last at t = duration (the last step is
 * shortened to end there; it is kept whatever opts->every).
 * @return SOMA_OK, SOMA_EINVAL, SOMA_ENUMERIC (the state stopped being
 *         finite: the rows end with the last finite state), SOMA_ENOMEM
 */
int soma_trajectory(soma_system *s, const soma_box *box, const double *y0,
		    double duration, const soma_flow_opts *opts, double **rows,
		    size_t *n_rows);

/** A limit cycle found by simulation. */
typedef struct soma_limit_cycle {
	int found;                          /**< 1 when the trajectory settled
						 on a cycle */
	double period;                      /**< ms */
	double min[SOMA_ANALYSIS_MAX_DIM];  /**< of each target variable */
	double max[SOMA_ANALYSIS_MAX_DIM];
	double *points;                     /**< one period: n_points rows of
						 (t, x_0 .. x_{n-1}) of the box's
						 variables, malloc'ed */
	size_t n_points;
} soma_limit_cycle;

/** Options of soma_limit_cycle_find(); zero-initialise for the defaults. */
typedef struct soma_cycle_opts {
	soma_flow_opts flow;
	double transient;  /**< ms simulated before looking (default 1000) */
	double max_time;   /**< ms looked at after it (default 2000) */
	double tol;        /**< two successive returns to the Poincare section
			        agree within tol of the box size (default 1e-4) */
} soma_cycle_opts;

/**
 * Integrate from @p y0 (NULL: the system's values) and decide whether the
 * trajectory settles on a limit cycle of the box's variables. After the
 * transient, the Poincare section is the upward crossing of the first
 * variable through its mean over the last half of the stretch seen so far,
 * each crossing placed by cubic Hermite interpolation within its step. A
 * cycle is found when the last 3 returns agree with those m crossings
 * earlier (m = 1 to 8, so a burst may cross several times per period)
 * within tol of the box size, with periods equal within 1e-3 relative, an
 * amplitude above 1e-6 of the box size and a drift between returns below
 * 1e-3 of the amplitude (a slowly decaying spiral is no cycle). The search
 * stops as soon as a cycle is found, the trajectory comes to rest (its range
 * below 1e-9 of the box), leaves the box by more than half its size, or
 * stops being finite: max_time is the most it looks at. lc->points runs
 * from the crossing at t = 0 to the next return at t = period.
 * @return SOMA_OK (with lc->found 0 when the trajectory goes to a fixed
 *         point, leaves the box or does not settle), SOMA_EINVAL,
 *         SOMA_ENOMEM
 */
int soma_limit_cycle_find(soma_system *s, const soma_box *box, const double *y0,
			  const soma_cycle_opts *opts, soma_limit_cycle *lc);

/** Free lc->points (and zero it). */
void soma_limit_cycle_clear(soma_limit_cycle *lc);

/* ---- bifurcation ------------------------------------------------------------ */

/** A parameter swept by a bifurcation analysis: a parameter, an input
 *  channel or a variable of the system (a slow variable held fixed: the
 *  fast-slow analysis of bursting models). */
typedef struct soma_sweep {
	const char *name;
	double from, to;   /**< from != to */
	unsigned points;   /**< values, from and to included (default 200; >= 2) */
} soma_sweep;

/** Options of soma_bifurcation(); zero-initialise for the defaults. */
typedef struct soma_bif_opts {
	soma_sweep par[2];     /**< par[1].name NULL: one parameter */
	soma_fp_opts fp;       /**< fixed points at each value */
	int cycles;            /**< non-zero: look for limit cycles (one
				    parameter only) from beside each unstable
				    fixed point */
	soma_cycle_opts cycle; /**< fields left 0 take defaults from the time
				    scale of the fixed points of the sweep:
				    with r_max the largest eigenvalue modulus
				    and r_typ the geometric mean of the
				    moduli, T = 2 pi / r_typ, transient T,
				    max_time 60 T, dt min(T/500, 0.2/r_max),
				    rk4, tol 1e-4 */
} soma_bif_opts;

/** One fixed point at one parameter value. */
typedef struct soma_bif_point {
	double p[2];           /**< parameter value(s) */
	int branch;            /**< branch it continues (one parameter), from 0 */
	soma_fixed_point fp;
} soma_bif_point;

/** Kind of a located bifurcation point. */
typedef enum soma_bif_kind {
	SOMA_BIF_HOPF = 0,        /**< a complex pair crosses the imaginary axis */
	SOMA_BIF_SADDLE_NODE = 1, /**< a real eigenvalue crosses zero (fold) */
	SOMA_BIF_KIND_COUNT
} soma_bif_kind;

/** "hopf", "saddle-node"; NULL if invalid. */
const char *soma_bif_kind_name(soma_bif_kind k);

/** A bifurcation point located on a branch (one parameter). */
typedef struct soma_bif_special {
	soma_bif_kind kind;
	double p;                          /**< parameter value, located by
						bisection to 1e-10 of max(|p|, 1e-3 of
						the swept range) */
	double x[SOMA_ANALYSIS_MAX_DIM];   /**< fixed point there */
	int branch;
	double omega;                      /**< Hopf: imaginary part, rad/ms */
} soma_bif_special;

/** A limit cycle at one parameter value. */
typedef struct soma_bif_cycle {
	double p;
	double period;                     /**< ms */
	double min[SOMA_ANALYSIS_MAX_DIM]; /**< of each target variable */
	double max[SOMA_ANALYSIS_MAX_DIM];
} soma_bif_cycle;

/** Result of soma_bifurcation(); free with soma_bifurcation_free(). */
typedef struct soma_bifurcation {
	size_t n_par;                  /**< 1 or 2 */
	soma_bif_point *points;        /**< by parameter value (p[0] slowest
					    in 2-D), then soma_fixed_points
					    order */
	size_t n_points;
	int n_branches;
	soma_bif_special *special;
	size_t n_special;
	soma_bif_cycle *cycles;        /**< by parameter value */
	size_t n_cycles;
} soma_bifurcation;

/**
 * Fixed points of the box's variables and their stability as one parameter
 * (or two, on a grid) varies. With one parameter, the fixed points of
 * successive values are linked into branches (nearest neighbour within 2%
 * of the box size), and where a branch changes stability the point is
 * located by bisection: a Hopf point when a complex pair crosses, a
 * saddle-node when a real eigenvalue crosses zero. Where a branch ends or
 * begins between two values (a fold), the point where it stops existing is
 * located by bisection and recorded as a saddle-node when a real eigenvalue
 * is near zero there (a branch leaving the box is no fold; the two branches
 * of one fold give one record). With two parameters there are no branches
 * (branch -1), special points or cycles: the fixed points at every node of
 * the grid. With opts->cycles, at
 * each value with an unstable fixed point a trajectory starts beside it
 * (1e-3 of the box size along each variable) and any limit cycle it
 * settles on is recorded with its extremes. The swept value is restored
 * afterwards.
 * @return SOMA_OK, SOMA_EINVAL, SOMA_ENOENT (no such name), SOMA_ERANGE (a
 *         value outside the parameter's valid range), SOMA_ENOMEM
 */
int soma_bifurcation_run(soma_system *s, const soma_box *box,
			 const soma_bif_opts *opts, soma_bifurcation **out);

/** Free a result (NULL is fine). */
void soma_bifurcation_free(soma_bifurcation *b);

/* ---- analysis files ------------------------------------------------------------ */

/**
 * An analysis file (docs/analysis-file.md): a YAML file naming a built-in
 * model, its parameters and constant inputs (`params`, the seed's
 * pars_update), the target variables with their ranges (`target_vars`), the
 * values of the others (`fixed_vars`), the integrator, and a `phase_plane`
 * and/or a `bifurcation` section. `soma analyze phase-plane|bifurcation
 * FILE` runs it.
 */
typedef struct soma_analysis soma_analysis;

/** Which analysis of a file to run. */
typedef enum soma_analysis_kind {
	SOMA_ANALYSIS_PHASE_PLANE = 0,
	SOMA_ANALYSIS_BIFURCATION = 1
} soma_analysis_kind;

/** What an analysis found, for printing and drawing: valid after
 *  soma_analysis_run() until the analysis is destroyed. File names are
 *  relative to the output directory. */
typedef struct soma_analysis_info {
	soma_analysis_kind kind;
	const soma_system *system;
	soma_box box;                       /**< the target variables */
	/* phase plane */
	const soma_fixed_point *fixed_points;
	size_t n_fixed_points;
	int nullclines;                     /**< nullcline_VAR.csv written (2-D) */
	int vector_field;                   /**< vector_field.csv written */
	size_t n_trajectories;              /**< trajectory_K.csv, K from 1 */
	const soma_limit_cycle *cycles;     /**< distinct limit cycles found */
	size_t n_cycles;                    /**< limit_cycle_K.csv, K from 1 */
	/* bifurcation */
	const soma_bifurcation *bifurcation;
	const char *par_name[2];            /**< swept names (second NULL) */
	const char *par_unit[2];
	double par_from[2], par_to[2];      /**< the swept ranges */
	int fast_slow;                      /**< the swept name is a variable */
	/* every data file soma_analysis_write() writes */
	const char *const *files;
	size_t n_files;
} soma_analysis_info;

/**
 * Load analysis file @p path for the analysis @p kind, with @p n_overrides
 * overrides (sim.h). Errors name the file, line, column and key path, as
 * for model files. *out is set even on failure (except SOMA_ENOMEM and a
 * NULL out), so soma_analysis_errmsg() can be read.
 * @return SOMA_OK, SOMA_EIO, SOMA_EPARSE, SOMA_EUNIT, SOMA_ERANGE,
 *         SOMA_ENOMEM
 */
int soma_analysis_load(const char *path, soma_analysis_kind kind,
		       const soma_override *overrides, size_t n_overrides,
		       soma_analysis **out);

/** Free an analysis (NULL is fine). */
void soma_analysis_destroy(soma_analysis *a);

/** Message of the last failure ("" if none). */
const char *soma_analysis_errmsg(const soma_analysis *a);

/** outputs.dir of the file, or out/NAME for file NAME.yaml. */
const char *soma_analysis_output_dir(const soma_analysis *a);

/** outputs.plots (default 1). */
int soma_analysis_plots(const soma_analysis *a);

/** Let soma_analysis_run() be interrupted by *@p flag becoming non-zero
 *  (soma_system_set_interrupt()). */
void soma_analysis_set_interrupt(soma_analysis *a,
				 const volatile sig_atomic_t *flag);

/** Compute everything the file asks for. @return SOMA_OK, SOMA_ECANCELED
 *  (interrupted), or the status of the failing computation, with a
 *  message. */
int soma_analysis_run(soma_analysis *a);

/** What soma_analysis_run() found, or NULL before it succeeded. */
const soma_analysis_info *soma_analysis_get_info(const soma_analysis *a);

/* What soma_analysis_open_dir() and soma_analysis_write() leave to the
 * caller, as `soma analyze` does it: removing the previous outputs listed
 * in DIR/.soma-outputs, writing that manifest, drawing the figures. */

/**
 * Create directory @p dir (with its parents) and lock it for this analysis
 * until it is destroyed (DIR/.soma.lock, as soma_network_open_outputs()
 * does): one run or analysis at a time writes into a directory.
 * @return SOMA_OK, SOMA_EIO (cannot create, or locked by another run),
 *         SOMA_ESTATE (already open), SOMA_ENOMEM
 */
int soma_analysis_open_dir(soma_analysis *a, const char *dir);

/**
 * Write the data files into directory @p dir (which must exist): each as
 * NAME.part, renamed to NAME when complete. On failure the .part files are
 * removed and the files already renamed are left.
 * @param written receives how many of info->files were written (may be NULL)
 * @return SOMA_OK, SOMA_ESTATE (before a successful run), SOMA_EIO
 */
int soma_analysis_write(soma_analysis *a, const char *dir, size_t *written);

#ifdef __cplusplus
}
#endif
#endif
