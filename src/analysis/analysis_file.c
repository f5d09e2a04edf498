/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Analysis files (analysis.h): loading (the reader is src/io/analysis_read.c),
 * running the phase-plane or bifurcation analysis a file asks for, and
 * writing its data files (CSV, JSON), each as NAME.part renamed when
 * complete.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis_file.h"
#include "io/sim_internal.h"

static int read_doc(struct soma__yctx *c, void *user)
{
	soma_analysis *a = user;
	int rc = soma__analysis_read(c, a);

	if (!rc && !a->outdir) {
		a->outdir = soma__default_outdir(a->path);
		if (!a->outdir)
			rc = soma__yerr(c, NULL, NULL, SOMA_ENOMEM, "out of memory");
	}
	return rc;
}

int soma_analysis_load(const char *path, soma_analysis_kind kind,
		       const soma_override *overrides, size_t n_overrides,
		       soma_analysis **out)
{
	soma_analysis *a;
	int rc;

	if (!out)
		return SOMA_EINVAL;
	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return SOMA_ENOMEM;
	*out = a;
	a->lock_fd = -1;
	a->plots = 1;
	a->kind = kind;
	a->nullclines = 1;
	a->vector_field = 1;
	a->limit_cycle = 1;
	if (!path) {
		snprintf(a->err, sizeof(a->err), "no analysis file given");
		return SOMA_EINVAL;
	}
	if (kind != SOMA_ANALYSIS_PHASE_PLANE && kind != SOMA_ANALYSIS_BIFURCATION) {
		snprintf(a->err, sizeof(a->err), "%s: %d is no analysis", path,
			 (int)kind);
		return SOMA_EINVAL;
	}
	if (n_overrides && !overrides) {
		snprintf(a->err, sizeof(a->err),
			 "%s: %zu overrides but no array of them", path, n_overrides);
		return SOMA_EINVAL;
	}
	a->path = soma__strdup(path);
	if (!a->path)
		return SOMA_ENOMEM;
	{
		const struct soma__yfile f = {
			.path = a->path,
			.err = a->err,
			.errlen = sizeof(a->err),
			.empty = "analysis file: expected a mapping with model and target_vars",
			.check_top = soma__analysis_check_top,
			.read = read_doc,
			.user = a,
		};

		rc = soma__yload(&f, overrides, n_overrides);
	}
	if (rc && !a->err[0])
		snprintf(a->err, sizeof(a->err), "%s: %s", path, soma_strerror(rc));
	return rc;
}

static void free_results(soma_analysis *a)
{
	free(a->fps);
	a->fps = NULL;
	a->n_fps = 0;
	for (int k = 0; k < 2; k++) {
		free(a->nc[k]);
		a->nc[k] = NULL;
		a->n_nc[k] = 0;
	}
	free(a->vf);
	a->vf = NULL;
	for (size_t i = 0; a->traj_rows && i < a->n_traj; i++)
		free(a->traj_rows[i]);
	free(a->traj_rows);
	free(a->traj_n);
	a->traj_rows = NULL;
	a->traj_n = NULL;
	for (size_t i = 0; i < a->n_cycles; i++)
		soma_limit_cycle_clear(&a->cycles[i]);
	a->n_cycles = 0;
	soma_bifurcation_free(a->bres);
	a->bres = NULL;
	for (size_t i = 0; i < a->n_files; i++)
		free(a->files[i]);
	free(a->files);
	a->files = NULL;
	a->n_files = 0;
	a->ran = 0;
}

void soma_analysis_destroy(soma_analysis *a)
{
	if (!a)
		return;
	free_results(a);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	free(a->traj);
	free(a->par_name[0]);
	free(a->par_name[1]);
	soma_system_destroy(a->sys);
	free(a->outdir);
	free(a->path);
	free(a);
}

const char *soma_analysis_errmsg(const soma_analysis *a)
{
	return a ? a->err : "";
}

const char *soma_analysis_output_dir(const soma_analysis *a)
{
	return a ? a->outdir : NULL;
}

int soma_analysis_plots(const soma_analysis *a)
{
	return a ? a->plots : 0;
}

static int fail(soma_analysis *a, int rc, const char *what)
{
	const char *m = soma_system_errmsg(a->sys);

	if (m && m[0])
		snprintf(a->err, sizeof(a->err), "%s: %s", a->path, m);
	else
		snprintf(a->err, sizeof(a->err), "%s: %s: %s", a->path, what,
			 soma_strerror(rc));
	return rc;
}

static int add_file(soma_analysis *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_file(soma_analysis *a, const char *fmt, ...)
{
	char **f = realloc(a->files, (a->n_files + 1) * sizeof(*f));
	va_list ap;
	int n;

	if (!f)
		return SOMA_ENOMEM;
	a->files = f;
	va_start(ap, fmt);
	n = vasprintf(&f[a->n_files], fmt, ap);
	va_end(ap);
	if (n < 0)
		return SOMA_ENOMEM;
	a->n_files++;
	return SOMA_OK;
}

static const char *var_name(const soma_analysis *a, size_t k)
{
	return soma_system_var_name(a->sys, (size_t)a->box.var[k]);
}

/* Is @lc the same cycle as one found before? */
static int known_cycle(const soma_analysis *a, const soma_limit_cycle *lc)
{
	for (size_t i = 0; i < a->n_cycles; i++)
		if (soma__same_cycle(&a->box, a->cycles[i].period,
				     a->cycles[i].min, a->cycles[i].max, lc, 1e-2))
			return 1;
	return 0;
}

/* Look for a limit cycle from @y0; keep it when new. */
static int try_cycle(soma_analysis *a, const double *y0)
{
	soma_limit_cycle lc = { 0 };
	int rc;

	if (a->n_cycles == SOMA__AN_MAX_CYCLES)
		return SOMA_OK;
	rc = soma_limit_cycle_find(a->sys, &a->box, y0, &a->cyc, &lc);
	if (rc)
		return rc;
	if (lc.found && !known_cycle(a, &lc))
		a->cycles[a->n_cycles++] = lc;
	else
		soma_limit_cycle_clear(&lc);
	return SOMA_OK;
}

static int run_trajectories(soma_analysis *a, const soma_box *held)
{
	int rc;

	a->traj_rows = calloc(a->n_traj ? a->n_traj : 1, sizeof(double *));
	a->traj_n = calloc(a->n_traj ? a->n_traj : 1, sizeof(size_t));
	if (!a->traj_rows || !a->traj_n)
		return SOMA_ENOMEM;
	for (size_t i = 0; i < a->n_traj; i++) {
		soma_flow_opts fo = a->flow;

		fo.every = a->traj[i].every;
		rc = soma_trajectory(a->sys, held, a->traj[i].y0,
				     a->traj[i].duration, &fo,
				     &a->traj_rows[i], &a->traj_n[i]);
		if (rc && rc != SOMA_ENUMERIC)
			return rc;
		if (rc == SOMA_ENUMERIC && a->traj_n[i] < 2)
			return rc;
		if ((rc = add_file(a, "trajectory_%zu.csv", i + 1)))
			return rc;
	}
	return SOMA_OK;
}

static int run_phase_plane(soma_analysis *a)
{
	int rc;

	rc = soma_fixed_points(a->sys, &a->box, &a->fp, &a->fps, &a->n_fps);
	if (rc)
		return fail(a, rc, "fixed points");
	if ((rc = add_file(a, "fixed_points.csv")) ||
	    (rc = add_file(a, "fixed_points.json")))
		return rc;
	if (a->box.n == 2 && a->nullclines) {
		for (size_t k = 0; k < 2; k++) {
			rc = soma_nullcline(a->sys, &a->box, k, a->nullcline_res,
					    &a->nc[k], &a->n_nc[k]);
			if (rc)
				return fail(a, rc, "nullclines");
			if ((rc = add_file(a, "nullcline_%s.csv", var_name(a, k))))
				return rc;
		}
	} else {
		a->nullclines = 0;
	}
	if (a->box.n == 1)
		a->vector_field = 1; /* the phase line's figure is f(x) */
	if (a->vector_field) {
		/* a phase line draws f(x) as a curve: finer than arrows */
		rc = soma_vector_field(a->sys, &a->box,
				       a->vf_res || a->box.n > 1 ? a->vf_res : 400,
				       &a->vf, &a->n_vf);
		if (rc)
			return fail(a, rc, "vector field");
		if ((rc = add_file(a, "vector_field.csv")))
			return rc;
	}
	rc = run_trajectories(a, &a->box);
	if (rc)
		return fail(a, rc, "trajectory");
	if (a->limit_cycle && a->box.n >= 2) {
		double y[SOMA__SYS_MAX_VARS];

		for (size_t i = 0; i < a->n_traj && !rc; i++)
			rc = try_cycle(a, a->traj[i].y0);
		for (size_t i = 0; i < a->n_fps && !rc; i++) {
			if (a->fps[i].stable)
				continue;
			soma__cycle_start(a->sys, &a->box, a->fps[i].x, y);
			rc = try_cycle(a, y);
		}
		if (rc)
			return fail(a, rc, "limit cycle");
		for (size_t i = 0; i < a->n_cycles; i++)
			if ((rc = add_file(a, "limit_cycle_%zu.csv", i + 1)))
				return rc;
	}
	return SOMA_OK;
}

static int run_bifurcation(soma_analysis *a)
{
	int rc;

	if (a->bif.cycles && !a->bif.cycle.flow.dt)
		a->bif.cycle.flow = a->flow;
	rc = soma_bifurcation_run(a->sys, &a->box, &a->bif, &a->bres);
	if (rc)
		return fail(a, rc, "bifurcation");
	if ((rc = add_file(a, "bifurcation.csv")))
		return rc;
	if (a->bres->n_par == 1) {
		if ((rc = add_file(a, "bifurcation_branches.csv")) ||
		    (rc = add_file(a, "bifurcation_points.csv")) ||
		    (rc = add_file(a, "bifurcation_points.json")))
			return rc;
		if (a->bif.cycles && (rc = add_file(a, "limit_cycles.csv")))
			return rc;
	} else if ((rc = add_file(a, "bifurcation_map.csv"))) {
		return rc;
	}
	/* the whole system, no variable held: the fast-slow picture */
	rc = run_trajectories(a, NULL);
	if (rc)
		return fail(a, rc, "trajectory");
	return SOMA_OK;
}

void soma_analysis_set_interrupt(soma_analysis *a,
				 const volatile sig_atomic_t *flag)
{
	if (a && a->sys)
		soma_system_set_interrupt(a->sys, flag);
}

int soma_analysis_run(soma_analysis *a)
{
	int rc;

	if (!a || !a->sys)
		return SOMA_EINVAL;
	free_results(a);
	a->cyc.flow = a->flow;
	rc = a->kind == SOMA_ANALYSIS_PHASE_PLANE ? run_phase_plane(a) :
						    run_bifurcation(a);
	if (rc) {
		if (rc == SOMA_ENOMEM)
			snprintf(a->err, sizeof(a->err), "%s: out of memory", a->path);
		free_results(a);
		return rc;
	}
	memset(&a->info, 0, sizeof(a->info));
	a->info.kind = a->kind;
	a->info.system = a->sys;
	a->info.box = a->box;
	a->info.fixed_points = a->fps;
	a->info.n_fixed_points = a->n_fps;
	a->info.nullclines = a->nullclines && a->kind == SOMA_ANALYSIS_PHASE_PLANE;
	a->info.vector_field = a->vector_field && a->kind == SOMA_ANALYSIS_PHASE_PLANE;
	a->info.n_trajectories = a->n_traj;
	a->info.cycles = a->cycles;
	a->info.n_cycles = a->n_cycles;
	a->info.bifurcation = a->bres;
	for (int k = 0; k < 2; k++) {
		a->info.par_name[k] = a->par_name[k];
		a->info.par_unit[k] = a->par_name[k] ?
			soma_system_unit(a->sys, a->par_name[k]) : NULL;
		a->info.par_from[k] = a->bif.par[k].from;
		a->info.par_to[k] = a->bif.par[k].to;
	}
	a->info.fast_slow = a->fast_slow;
	a->info.files = (const char *const *)a->files;
	a->info.n_files = a->n_files;
	a->ran = 1;
	return SOMA_OK;
}

const soma_analysis_info *soma_analysis_get_info(const soma_analysis *a)
{
	return a && a->ran ? &a->info : NULL;
}

/* ---- writing ------------------------------------------------------------- */

static void put_header_vars(FILE *f, const soma_analysis *a)
{
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",%s", var_name(a, k));
}

static void put_eig_header(FILE *f, const soma_analysis *a)
{
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",eig%zu_re,eig%zu_im", k + 1, k + 1);
}

static void put_fp_csv(FILE *f, const soma_analysis *a,
		       const soma_fixed_point *fp)
{
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",%.17g", fp->x[k]);
	fprintf(f, ",%s,%d", soma_fp_type_name(fp->type), fp->stable);
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",%.12g,%.12g", fp->eig_re[k], fp->eig_im[k]);
}

static void write_fixed_points_csv(FILE *f, const soma_analysis *a)
{
	fputs("index", f);
	put_header_vars(f, a);
	fputs(",type,stable", f);
	put_eig_header(f, a);
	fputc('\n', f);
	for (size_t i = 0; i < a->n_fps; i++) {
		fprintf(f, "%zu", i + 1);
		put_fp_csv(f, a, &a->fps[i]);
		fputc('\n', f);
	}
}

/* A JSON string (names are identifiers; quote and backslash escaped). */
static void put_jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void put_jnum(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.17g", x);
	else
		fputs("null", f);
}

static void write_fixed_points_json(FILE *f, const soma_analysis *a)
{
	size_t n = a->box.n;

	fputs("{\n  \"model\": ", f);
	put_jstr(f, soma_system_model(a->sys)->name);
	fputs(",\n  \"target_vars\": [", f);
	for (size_t k = 0; k < n; k++) {
		fputs(k ? ", " : "", f);
		put_jstr(f, var_name(a, k));
	}
	fputs("],\n  \"units\": [", f);
	for (size_t k = 0; k < n; k++) {
		fputs(k ? ", " : "", f);
		put_jstr(f, soma_system_var_unit(a->sys, (size_t)a->box.var[k]));
	}
	fputs("],\n  \"eigenvalue_unit\": \"1/ms\",\n  \"fixed_points\": [", f);
	for (size_t i = 0; i < a->n_fps; i++) {
		const soma_fixed_point *fp = &a->fps[i];

		fprintf(f, "%s\n    {\"index\": %zu, \"x\": {", i ? "," : "", i + 1);
		for (size_t k = 0; k < n; k++) {
			fputs(k ? ", " : "", f);
			put_jstr(f, var_name(a, k));
			fputs(": ", f);
			put_jnum(f, fp->x[k]);
		}
		fprintf(f, "}, \"type\": \"%s\", \"stable\": %s,\n     \"eigenvalues\": [",
			soma_fp_type_name(fp->type), fp->stable ? "true" : "false");
		for (size_t k = 0; k < n; k++) {
			fputs(k ? ", " : "", f);
			fputs("{\"re\": ", f);
			put_jnum(f, fp->eig_re[k]);
			fputs(", \"im\": ", f);
			put_jnum(f, fp->eig_im[k]);
			fputc('}', f);
		}
		fputs("],\n     \"jacobian\": [", f);
		for (size_t r = 0; r < n; r++) {
			fputs(r ? ", [" : "[", f);
			for (size_t k = 0; k < n; k++) {
				fputs(k ? ", " : "", f);
				put_jnum(f, fp->jac[r * n + k]);
			}
			fputc(']', f);
		}
		fputs("],\n     \"residual\": ", f);
		put_jnum(f, fp->residual);
		fputc('}', f);
	}
	fputs(a->n_fps ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* Rows of 2-D points, a blank line where a NAN pair separates curves. */
static void write_curve(FILE *f, const soma_analysis *a, const double *xy,
			size_t n)
{
	fprintf(f, "%s,%s\n", var_name(a, 0), var_name(a, 1));
	for (size_t i = 0; i < n; i++) {
		if (isnan(xy[2 * i]))
			fputc('\n', f);
		else
			fprintf(f, "%.12g,%.12g\n", xy[2 * i], xy[2 * i + 1]);
	}
}

static void write_vector_field(FILE *f, const soma_analysis *a)
{
	size_t n = a->box.n, w = 2 * n;

	fputs(var_name(a, 0), f);
	if (n == 2)
		fprintf(f, ",%s", var_name(a, 1));
	fprintf(f, ",d%s_dt", var_name(a, 0));
	if (n == 2)
		fprintf(f, ",d%s_dt", var_name(a, 1));
	fputc('\n', f);
	for (size_t i = 0; i < a->n_vf; i++) {
		for (size_t k = 0; k < w; k++)
			fprintf(f, "%s%.12g", k ? "," : "", a->vf[i * w + k]);
		fputc('\n', f);
	}
}

static void write_trajectory(FILE *f, const soma_analysis *a, size_t i)
{
	size_t nv = a->sys->n_var;

	fputs("t_ms", f);
	for (size_t k = 0; k < nv; k++)
		fprintf(f, ",%s", soma_system_var_name(a->sys, k));
	fputc('\n', f);
	for (size_t r = 0; r < a->traj_n[i]; r++) {
		const double *row = a->traj_rows[i] + r * (nv + 1);

		for (size_t k = 0; k <= nv; k++)
			fprintf(f, "%s%.12g", k ? "," : "", row[k]);
		fputc('\n', f);
	}
}

static void write_cycle(FILE *f, const soma_analysis *a, size_t i)
{
	const soma_limit_cycle *lc = &a->cycles[i];
	size_t n = a->box.n;

	fprintf(f, "t_ms");
	put_header_vars(f, a);
	fputc('\n', f);
	for (size_t r = 0; r < lc->n_points; r++) {
		for (size_t k = 0; k <= n; k++)
			fprintf(f, "%s%.12g", k ? "," : "",
				lc->points[r * (n + 1) + k]);
		fputc('\n', f);
	}
}

static void write_bifurcation(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;

	fputs(a->par_name[0], f);
	if (b->n_par == 2)
		fprintf(f, ",%s", a->par_name[1]);
	else
		fputs(",branch", f);
	put_header_vars(f, a);
	fputs(",type,stable", f);
	put_eig_header(f, a);
	fputc('\n', f);
	for (size_t i = 0; i < b->n_points; i++) {
		const soma_bif_point *p = &b->points[i];

		fprintf(f, "%.12g", p->p[0]);
		if (b->n_par == 2)
			fprintf(f, ",%.12g", p->p[1]);
		else
			fprintf(f, ",%d", p->branch);
		put_fp_csv(f, a, &p->fp);
		fputc('\n', f);
	}
}

/* The saddle-node located next to an end of branch @br whose end point is
 * @end (within one sweep step and 5% of the box), or NULL: the fold the
 * branch runs into, so the lines reach it. */
static const soma_bif_special *fold_at(const soma_analysis *a,
				       const soma_bif_point *end)
{
	const soma_bifurcation *b = a->bres;
	unsigned n = a->bif.par[0].points ? a->bif.par[0].points : 200;
	double step = fabs(a->bif.par[0].to - a->bif.par[0].from) / (n - 1);

	for (size_t i = 0; i < b->n_special; i++) {
		const soma_bif_special *s = &b->special[i];
		double d = 0;

		if (s->kind != SOMA_BIF_SADDLE_NODE ||
		    fabs(s->p - end->p[0]) > 1.0001 * step)
			continue;
		for (size_t k = 0; k < a->box.n; k++) {
			double w = (s->x[k] - end->fp.x[k]) /
				   (a->box.hi[k] - a->box.lo[k]);

			d += w * w;
		}
		if (d <= 0.05 * 0.05)
			return s;
	}
	return NULL;
}

static void put_branch_row(FILE *f, const soma_analysis *a, double p,
			   const double *x, int stable)
{
	fprintf(f, "%.12g", p);
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",%.12g", x[k]);
	fprintf(f, ",%d\n", stable);
}

/* For drawing: each branch as runs of one stability, a blank line between
 * runs; a run starts at the last point of the one before, so the lines
 * join, and a branch that ends in a located fold is drawn up to it. */
static void write_branches(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;

	fputs(a->par_name[0], f);
	put_header_vars(f, a);
	fputs(",stable\n", f);
	for (int br = 0; br < b->n_branches; br++) {
		const soma_bif_point *prev = NULL, *first = NULL;
		const soma_bif_special *fold;

		for (size_t i = 0; i < b->n_points; i++) {
			const soma_bif_point *p = &b->points[i];

			if (p->branch != br)
				continue;
			if (!first) {
				first = p;
				fold = fold_at(a, p);
				if (fold)
					put_branch_row(f, a, fold->p, fold->x,
						       p->fp.stable);
			}
			if (prev && prev->fp.stable != p->fp.stable) {
				fputc('\n', f);
				put_branch_row(f, a, prev->p[0], prev->fp.x,
					       p->fp.stable);
			}
			put_branch_row(f, a, p->p[0], p->fp.x, p->fp.stable);
			prev = p;
		}
		if (prev && prev != first && (fold = fold_at(a, prev)))
			put_branch_row(f, a, fold->p, fold->x, prev->fp.stable);
		fputc('\n', f);
	}
}

static void write_special_csv(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;

	fprintf(f, "kind,%s,branch", a->par_name[0]);
	put_header_vars(f, a);
	fputs(",omega_rad_per_ms\n", f);
	for (size_t i = 0; i < b->n_special; i++) {
		const soma_bif_special *s = &b->special[i];

		fprintf(f, "%s,%.12g,%d", soma_bif_kind_name(s->kind), s->p,
			s->branch);
		for (size_t k = 0; k < a->box.n; k++)
			fprintf(f, ",%.12g", s->x[k]);
		fprintf(f, ",%.12g\n", s->omega);
	}
}

static void write_special_json(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;

	fputs("{\n  \"model\": ", f);
	put_jstr(f, soma_system_model(a->sys)->name);
	fputs(",\n  \"parameter\": ", f);
	put_jstr(f, a->par_name[0]);
	fputs(",\n  \"unit\": ", f);
	put_jstr(f, a->info.par_unit[0] ? a->info.par_unit[0] : "");
	fprintf(f, ",\n  \"fast_slow\": %s,\n  \"branches\": %d,\n  \"points\": [",
		a->fast_slow ? "true" : "false", b->n_branches);
	for (size_t i = 0; i < b->n_special; i++) {
		const soma_bif_special *s = &b->special[i];

		fprintf(f, "%s\n    {\"kind\": \"%s\", \"value\": ", i ? "," : "",
			soma_bif_kind_name(s->kind));
		put_jnum(f, s->p);
		fprintf(f, ", \"branch\": %d, \"x\": {", s->branch);
		for (size_t k = 0; k < a->box.n; k++) {
			fputs(k ? ", " : "", f);
			put_jstr(f, var_name(a, k));
			fputs(": ", f);
			put_jnum(f, s->x[k]);
		}
		fputs("}", f);
		if (s->kind == SOMA_BIF_HOPF) {
			fputs(", \"omega_rad_per_ms\": ", f);
			put_jnum(f, s->omega);
		}
		fputc('}', f);
	}
	fputs(b->n_special ? "\n  ]\n}\n" : "]\n}\n", f);
}

static void write_cycles(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;

	fprintf(f, "%s,period_ms", a->par_name[0]);
	for (size_t k = 0; k < a->box.n; k++)
		fprintf(f, ",%s_min,%s_max", var_name(a, k), var_name(a, k));
	fputc('\n', f);
	for (size_t i = 0; i < b->n_cycles; i++) {
		const soma_bif_cycle *c = &b->cycles[i];

		fprintf(f, "%.12g,%.12g", c->p, c->period);
		for (size_t k = 0; k < a->box.n; k++)
			fprintf(f, ",%.12g,%.12g", c->min[k], c->max[k]);
		fputc('\n', f);
	}
}

/* Number of fixed points and of stable ones at each node of the grid, a
 * blank line after each value of the first parameter (gnuplot's grid
 * format). */
static void write_map(FILE *f, const soma_analysis *a)
{
	const soma_bifurcation *b = a->bres;
	unsigned n0 = a->bif.par[0].points ? a->bif.par[0].points : 200;
	unsigned n1 = a->bif.par[1].points ? a->bif.par[1].points : 200;
	size_t i = 0;

	fprintf(f, "%s,%s,fixed_points,stable\n", a->par_name[0], a->par_name[1]);
	for (unsigned r = 0; r < n0; r++) {
		for (unsigned q = 0; q < n1; q++) {
			/* the sweep's values: the last is `to` itself */
			double p0 = r + 1 == n0 ? a->bif.par[0].to :
				    a->bif.par[0].from + (a->bif.par[0].to -
				    a->bif.par[0].from) * (double)r / (double)(n0 - 1);
			double p1 = q + 1 == n1 ? a->bif.par[1].to :
				    a->bif.par[1].from + (a->bif.par[1].to -
				    a->bif.par[1].from) * (double)q / (double)(n1 - 1);
			int nfp = 0, nst = 0;

			while (i < b->n_points && b->points[i].p[0] == p0 &&
			       b->points[i].p[1] == p1) {
				nfp++;
				nst += b->points[i].fp.stable;
				i++;
			}
			fprintf(f, "%.12g,%.12g,%d,%d\n", p0, p1, nfp, nst);
		}
		fputc('\n', f);
	}
}

static void write_one(FILE *f, const soma_analysis *a, const char *name)
{
	size_t k;

	if (!strcmp(name, "fixed_points.csv"))
		write_fixed_points_csv(f, a);
	else if (!strcmp(name, "fixed_points.json"))
		write_fixed_points_json(f, a);
	else if (!strcmp(name, "vector_field.csv"))
		write_vector_field(f, a);
	else if (!strcmp(name, "bifurcation.csv"))
		write_bifurcation(f, a);
	else if (!strcmp(name, "bifurcation_branches.csv"))
		write_branches(f, a);
	else if (!strcmp(name, "bifurcation_points.csv"))
		write_special_csv(f, a);
	else if (!strcmp(name, "bifurcation_points.json"))
		write_special_json(f, a);
	else if (!strcmp(name, "limit_cycles.csv"))
		write_cycles(f, a);
	else if (!strcmp(name, "bifurcation_map.csv"))
		write_map(f, a);
	else if (sscanf(name, "trajectory_%zu.csv", &k) == 1)
		write_trajectory(f, a, k - 1);
	else if (sscanf(name, "limit_cycle_%zu.csv", &k) == 1)
		write_cycle(f, a, k - 1);
	else
		for (k = 0; k < 2 && a->nullclines; k++) {
			char nm[300];

			snprintf(nm, sizeof(nm), "nullcline_%s.csv", var_name(a, k));
			if (!strcmp(nm, name))
				write_curve(f, a, a->nc[k], a->n_nc[k]);
		}
}

int soma_analysis_open_dir(soma_analysis *a, const char *dir)
{
	if (!a || !dir)
		return SOMA_EINVAL;
	if (a->lock_fd >= 0) {
		snprintf(a->err, sizeof(a->err), "an output directory is already open");
		return SOMA_ESTATE;
	}
	return soma__outdir_open(dir, &a->lock_fd, a->err, sizeof(a->err));
}

int soma_analysis_write(soma_analysis *a, const char *dir, size_t *written)
{
	size_t done = 0;
	int rc = SOMA_OK;

	if (written)
		*written = 0;
	if (!a || !dir)
		return SOMA_EINVAL;
	if (!a->ran) {
		snprintf(a->err, sizeof(a->err), "%s: nothing to write before the analysis ran",
			 a->path ? a->path : "analysis");
		return SOMA_ESTATE;
	}
	for (size_t i = 0; i < a->n_files && !rc; i++) {
		char *path = NULL, *part = NULL;
		FILE *f;

		if (asprintf(&path, "%s/%s", dir, a->files[i]) < 0)
			path = NULL;
		if (!path || asprintf(&part, "%s.part", path) < 0) {
			free(path);
			snprintf(a->err, sizeof(a->err), "out of memory");
			if (written)
				*written = done;
			return SOMA_ENOMEM;
		}
		f = fopen(part, "w");
		if (!f) {
			snprintf(a->err, sizeof(a->err), "cannot write %s: %s", part,
				 strerror(errno));
			rc = SOMA_EIO;
		} else {
			write_one(f, a, a->files[i]);
			if (ferror(f) | fclose(f)) {
				snprintf(a->err, sizeof(a->err), "cannot write %s: %s",
					 part, strerror(errno));
				unlink(part);
				rc = SOMA_EIO;
			} else if (rename(part, path)) {
				snprintf(a->err, sizeof(a->err),
					 "cannot rename %s to %s: %s", part, path,
					 strerror(errno));
				unlink(part);
				rc = SOMA_EIO;
			} else {
				done++;
			}
		}
		free(part);
		free(path);
	}
	if (written)
		*written = done;
	return rc;
}
