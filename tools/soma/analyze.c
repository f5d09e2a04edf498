/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soma analyze phase-plane|bifurcation FILE: load an analysis file, run it,
 * print what it found (fixed points as the seed prints them), write the data
 * files and draw the figure (phase_plane or bifurcation, .png and .svg,
 * beside its gnuplot script), with the output directory handled as
 * `soma run` does (lock, manifest, .part files).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *vname(const soma_analysis_info *in, size_t k)
{
	return soma_system_var_name(in->system, (size_t)in->box.var[k]);
}

static const char *vunit(const soma_analysis_info *in, size_t k)
{
	return soma_system_var_unit(in->system, (size_t)in->box.var[k]);
}

/* "V (mV)" or "y" */
static void label(char *buf, size_t len, const char *name, const char *unit)
{
	if (unit && unit[0])
		snprintf(buf, len, "%s (%s)", name, unit);
	else
		snprintf(buf, len, "%s", name);
}

/* 1-based column of variable @var in trajectory files (t_ms first). */
static int traj_col(const soma_analysis_info *in, int var)
{
	(void)in;
	return var + 2;
}

/* Colour of trajectory @i. */
static const char *traj_colour(size_t i)
{
	static const char *const c[] = { "#2ca02c", "#ff7f0e", "#8c564b",
					 "#e377c2", "#17becf", "#bcbd22" };

	return c[i % (sizeof(c) / sizeof(c[0]))];
}

/* ---- printing -------------------------------------------------------------- */

static void print_point(const soma_analysis_info *in, const double *x)
{
	for (size_t k = 0; k < in->box.n; k++)
		printf("%s%s=%.12g%s%s", k ? ", " : "", vname(in, k), x[k],
		       vunit(in, k)[0] ? " " : "", vunit(in, k));
}

static void print_phase_plane(const soma_analysis_info *in)
{
	if (in->nullclines)
		printf("plot nullcline ...\n");
	printf("plot fixed point ...\n");
	for (size_t i = 0; i < in->n_fixed_points; i++) {
		const soma_fixed_point *fp = &in->fixed_points[i];

		printf("Fixed point #%zu at ", i + 1);
		print_point(in, fp->x);
		printf(": %s (eigenvalues", soma_fp_type_name(fp->type));
		for (size_t k = 0; k < in->box.n; k++) {
			if (fp->eig_im[k] != 0)
				printf("%s %.4g%+.4gi", k ? "," : "", fp->eig_re[k],
				       fp->eig_im[k]);
			else
				printf("%s %.4g", k ? "," : "", fp->eig_re[k]);
		}
		printf(" 1/ms)\n");
	}
	if (in->n_fixed_points == 0)
		printf("No fixed point in the box.\n");
	if (in->vector_field)
		printf("plot vector field ...\n");
	for (size_t i = 0; i < in->n_cycles; i++) {
		const soma_limit_cycle *lc = &in->cycles[i];

		printf("Limit cycle #%zu: period %.6g ms", i + 1, lc->period);
		for (size_t k = 0; k < in->box.n; k++)
			printf(", %s in [%.6g, %.6g]%s%s", vname(in, k), lc->min[k],
			       lc->max[k], vunit(in, k)[0] ? " " : "",
			       vunit(in, k));
		printf("\n");
	}
}

static void print_bifurcation(const soma_analysis_info *in)
{
	const soma_bifurcation *b = in->bifurcation;
	double pmin = INFINITY, pmax = -INFINITY, tmin = INFINITY, tmax = 0;

	if (b->n_par == 2) {
		printf("%zu fixed points over the %s-%s grid\n", b->n_points,
		       in->par_name[0], in->par_name[1]);
		return;
	}
	printf("%zu fixed points on %d branch%s against %s%s\n", b->n_points,
	       b->n_branches, b->n_branches == 1 ? "" : "es", in->par_name[0],
	       in->fast_slow ? " (fast-slow: the slow variable held at each value)" : "");
	for (size_t i = 0; i < b->n_special; i++) {
		const soma_bif_special *s = &b->special[i];

		printf("%s point at %s=%.10g%s%s (", s->kind == SOMA_BIF_HOPF ?
		       "Hopf" : "Saddle-node", in->par_name[0], s->p,
		       in->par_unit[0] && in->par_unit[0][0] ? " " : "",
		       in->par_unit[0] ? in->par_unit[0] : "");
		print_point(in, s->x);
		if (s->kind == SOMA_BIF_HOPF)
			printf("; frequency %.6g Hz", s->omega / (2 * M_PI) * 1e3);
		printf(")\n");
	}
	for (size_t i = 0; i < b->n_cycles; i++) {
		pmin = fmin(pmin, b->cycles[i].p);
		pmax = fmax(pmax, b->cycles[i].p);
		tmin = fmin(tmin, b->cycles[i].period);
		tmax = fmax(tmax, b->cycles[i].period);
	}
	if (b->n_cycles)
		printf("Limit cycles at %zu values, %s in [%.6g, %.6g], periods %.6g to %.6g ms\n",
		       b->n_cycles, in->par_name[0], pmin, pmax, tmin, tmax);
}

/* ---- figures ------------------------------------------------------------ */

static void put_fixed_points(FILE *f, const soma_analysis_info *in,
			     const char *xcol, const char *ycol, int stable_col)
{
	size_t n_stable = 0;

	for (size_t i = 0; i < in->n_fixed_points; i++)
		n_stable += in->fixed_points[i].stable != 0;
	if (n_stable)
		fprintf(f, ", \\\n\t     'fixed_points.csv' using %s:(column(%d) == 1 ? %s : NaN) "
			"with points pt 7 ps 1.6 lc rgb 'black' title 'stable fixed point'",
			xcol, stable_col, ycol);
	if (n_stable < in->n_fixed_points)
		fprintf(f, ", \\\n\t     'fixed_points.csv' using %s:(column(%d) == 0 ? %s : NaN) "
			"with points pt 6 ps 1.6 lw 2 lc rgb 'black' title 'unstable fixed point'",
			xcol, stable_col, ycol);
}

static void put_phase_plane(FILE *f, const soma_analysis_info *in,
			    const char *file)
{
	char what[512], xl[128], yl[128], title[256];
	int two = in->box.n == 2;
	int n_fp = (int)in->box.n;

	snprintf(what, sizeof(what), "Phase %s of model %s: %s.",
		 two ? "plane" : "line", soma_system_model(in->system)->name,
		 two ? "nullclines, fixed points, vector field, trajectories and limit cycles" :
		       "the right-hand side and the fixed points");
	cli_gp_head(f, what, "phase_plane", 900, 800);
	label(xl, sizeof(xl), vname(in, 0), vunit(in, 0));
	fprintf(f, "xlo = %.17g\nxhi = %.17g\n", in->box.lo[0], in->box.hi[0]);
	if (two)
		fprintf(f, "ylo = %.17g\nyhi = %.17g\n"
			"# arrows: a fixed length, 1/25 of the box, in the direction of the flow\n"
			"len = 0.04\n"
			"nx(dx, dy) = dx / (xhi - xlo)\n"
			"ny(dx, dy) = dy / (yhi - ylo)\n"
			"nn(dx, dy) = sqrt(nx(dx, dy)**2 + ny(dx, dy)**2)\n",
			in->box.lo[1], in->box.hi[1]);
	cli_gp_loop_open(f);
	fputs("\tset datafile columnheaders\n", f);
	snprintf(title, sizeof(title), "%s: %s", soma_system_model(in->system)->name,
		 file);
	fputs("\tset title ", f);
	cli_gp_quoted(f, title);
	fputs("\n\tset xlabel ", f);
	cli_gp_quoted(f, xl);
	fputs("\n\tset xrange [xlo:xhi]\n", f);
	fputs("\tset key outside right top\n\tset grid\n", f);
	if (!two) {
		char d[160];

		snprintf(d, sizeof(d), "d%s/dt (%s/ms)", vname(in, 0),
			 vunit(in, 0)[0] ? vunit(in, 0) : "1");
		fputs("\tset ylabel ", f);
		cli_gp_quoted(f, d);
		fputs("\n\tset xzeroaxis lt -1\n", f);
		if (in->n_trajectories)
			fputs("\tset multiplot layout 2,1\n", f);
		fputs("\tplot 'vector_field.csv' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'right-hand side'", f);
		put_fixed_points(f, in, "2", "0", 3 + n_fp);
		fputs("\n", f);
		if (in->n_trajectories) {
			/* below: the trajectories against time */
			fputs("\tunset xzeroaxis\n\tset title\n\tset autoscale x\n"
			      "\tset xlabel 't (ms)'\n\tset yrange [xlo:xhi]\n\tset ylabel ", f);
			cli_gp_quoted(f, xl);
			fputs("\n\tplot ", f);
			for (size_t i = 0; i < in->n_trajectories; i++)
				fprintf(f, "%s'trajectory_%zu.csv' using 1:%d with lines lw 1.5 lc rgb '%s' title 'trajectory %zu'",
					i ? ", \\\n\t     " : "", i + 1,
					traj_col(in, in->box.var[0]), traj_colour(i), i + 1);
			fputs("\n\tunset multiplot\n", f);
		}
		cli_gp_loop_close(f);
		return;
	}
	label(yl, sizeof(yl), vname(in, 1), vunit(in, 1));
	fputs("\tset ylabel ", f);
	cli_gp_quoted(f, yl);
	fputs("\n\tset yrange [ylo:yhi]\n", f);
	fputs("\tplot ", f);
	if (in->vector_field)
		fputs("'vector_field.csv' using 1:2:"
		      "(len * (xhi - xlo) * nx($3, $4) / nn($3, $4)):"
		      "(len * (yhi - ylo) * ny($3, $4) / nn($3, $4)) "
		      "with vectors head size screen 0.008,20 lc rgb '#b0b0b0' title 'vector field', \\\n\t     ", f);
	else
		fputs("NaN notitle, \\\n\t     ", f);
	if (in->nullclines) {
		fprintf(f, "'nullcline_%s.csv' using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'd%s/dt = 0', \\\n\t     ",
			vname(in, 0), vname(in, 0));
		fprintf(f, "'nullcline_%s.csv' using 1:2 with lines lw 2 lc rgb '#d62728' title 'd%s/dt = 0'",
			vname(in, 1), vname(in, 1));
	} else {
		fputs("NaN notitle", f);
	}
	for (size_t i = 0; i < in->n_trajectories; i++)
		fprintf(f, ", \\\n\t     'trajectory_%zu.csv' using %d:%d with lines lw 1.5 lc rgb '%s' title 'trajectory %zu'",
			i + 1, traj_col(in, in->box.var[0]),
			traj_col(in, in->box.var[1]), traj_colour(i), i + 1);
	for (size_t i = 0; i < in->n_cycles; i++)
		fprintf(f, ", \\\n\t     'limit_cycle_%zu.csv' using 2:3 with lines lw 3 lc rgb '#9467bd' title 'limit cycle (%.4g ms)'",
			i + 1, in->cycles[i].period);
	put_fixed_points(f, in, "2", "$3", 3 + n_fp);
	fputs("\n", f);
	cli_gp_loop_close(f);
}

static void put_bifurcation(FILE *f, const soma_analysis_info *in,
			    const char *file)
{
	const soma_bifurcation *b = in->bifurcation;
	size_t n = in->box.n;
	char what[512], pl[128], yl[128], title[256];

	label(pl, sizeof(pl), in->par_name[0], in->par_unit[0]);
	if (b->n_par == 2) {
		char ql[128];

		label(ql, sizeof(ql), in->par_name[1], in->par_unit[1]);
		snprintf(what, sizeof(what), "Fixed points of model %s over the %s-%s plane.",
			 soma_system_model(in->system)->name, in->par_name[0],
			 in->par_name[1]);
		cli_gp_head(f, what, "bifurcation", 1400, 600);
		cli_gp_loop_open(f);
		fputs("\tset datafile columnheaders\n", f);
		fputs("\tset multiplot layout 1,2 title ", f);
		cli_gp_quoted(f, file);
		fputs("\n\tset xlabel ", f);
		cli_gp_quoted(f, pl);
		fputs("\n\tset ylabel ", f);
		cli_gp_quoted(f, ql);
		fprintf(f, "\n\tset xrange [%.17g:%.17g]\n\tset yrange [%.17g:%.17g]\n",
			in->par_from[0], in->par_to[0], in->par_from[1],
			in->par_to[1]);
		fputs("\tset palette maxcolors 6 defined (0 '#ffffff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b', 5 '#000000')\n"
		      "\tset cbrange [-0.5:5.5]\n\tset cbtics 1\n"
		      "\tset title 'number of fixed points'\n"
		      "\tplot 'bifurcation_map.csv' using 1:2:3 with image notitle\n"
		      "\tset title 'number of stable fixed points'\n"
		      "\tplot 'bifurcation_map.csv' using 1:2:4 with image notitle\n"
		      "\tunset multiplot\n", f);
		cli_gp_loop_close(f);
		return;
	}
	snprintf(what, sizeof(what),
		 "Bifurcation diagram of model %s against %s: fixed points (solid: stable, dashed: unstable)%s.",
		 soma_system_model(in->system)->name, in->par_name[0],
		 b->n_cycles ? ", limit-cycle extremes" : "");
	cli_gp_head(f, what, "bifurcation", 1000, (int)(n * 380 + 60));
	cli_gp_loop_open(f);
	fputs("\tset datafile columnheaders\n", f);
	fprintf(f, "\tset multiplot layout %zu,1 title ", n);
	snprintf(title, sizeof(title), "%s: %s", soma_system_model(in->system)->name,
		 file);
	cli_gp_quoted(f, title);
	fprintf(f, "\n\tset key outside right top\n\tset grid\n"
		"\tset xrange [%.17g:%.17g]\n", fmin(in->par_from[0], in->par_to[0]),
		fmax(in->par_from[0], in->par_to[0]));
	for (size_t k = 0; k < n; k++) {
		int col = 2 + (int)k, scol = 2 + (int)n;

		label(yl, sizeof(yl), vname(in, k), vunit(in, k));
		fputs("\tset xlabel ", f);
		cli_gp_quoted(f, pl);
		fputs("\n\tset ylabel ", f);
		cli_gp_quoted(f, yl);
		fprintf(f, "\n\tset yrange [%.17g:%.17g]", in->box.lo[k],
			in->box.hi[k]);
		fprintf(f, "\n\tplot 'bifurcation_branches.csv' using 1:(column(%d) == 1 ? column(%d) : NaN) "
			"with lines lw 2.5 dt 1 lc rgb 'black' title 'stable', \\\n"
			"\t     'bifurcation_branches.csv' using 1:(column(%d) == 0 ? column(%d) : NaN) "
			"with lines lw 1.5 dt 2 lc rgb 'black' title 'unstable'",
			scol, col, scol, col);
		if (b->n_cycles)
			fprintf(f, ", \\\n\t     'limit_cycles.csv' using 1:%d with points pt 7 ps 0.5 lc rgb '#d62728' title 'cycle max', \\\n"
				"\t     'limit_cycles.csv' using 1:%d with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'cycle min'",
				3 + 2 * (int)k + 1, 3 + 2 * (int)k);
		for (size_t i = 0; i < in->n_trajectories; i++) {
			int pv = soma_system_var_index(in->system, in->par_name[0]);

			if (pv >= 0)
				fprintf(f, ", \\\n\t     'trajectory_%zu.csv' using %d:%d with lines lw 1 lc rgb '#2ca02c' title 'trajectory %zu'",
					i + 1, traj_col(in, pv),
					traj_col(in, in->box.var[k]), i + 1);
		}
		for (int kind = 0; kind < SOMA_BIF_KIND_COUNT; kind++) {
			int seen = 0;

			for (size_t i = 0; i < b->n_special; i++)
				seen |= b->special[i].kind == (soma_bif_kind)kind;
			if (seen)
				fprintf(f, ", \\\n\t     'bifurcation_points.csv' using 2:(strcol(1) eq '%s' ? column(%d) : NaN) "
					"with points pt %s lc rgb '%s' title '%s'",
					soma_bif_kind_name((soma_bif_kind)kind), 4 + (int)k,
					kind == SOMA_BIF_HOPF ? "9 ps 2" : "5 ps 1.5",
					kind == SOMA_BIF_HOPF ? "#ff7f0e" : "#8c564b",
					kind == SOMA_BIF_HOPF ? "Hopf" : "saddle-node");
		}
		fputs("\n", f);
	}
	fputs("\tunset multiplot\n", f);
	cli_gp_loop_close(f);
}

struct script_ctx {
	const soma_analysis_info *in;
	const char *file;
};

static void put_script(FILE *f, const void *ctx)
{
	const struct script_ctx *c = ctx;

	if (c->in->kind == SOMA_ANALYSIS_PHASE_PLANE)
		put_phase_plane(f, c->in, c->file);
	else
		put_bifurcation(f, c->in, c->file);
}

/* The figure's stem: phase_plane or bifurcation. */
static const char *figure_stem(const soma_analysis_info *in)
{
	return in->kind == SOMA_ANALYSIS_PHASE_PLANE ? "phase_plane" :
						       "bifurcation";
}

/* Write STEM.gp and make it the one figure of @out. 0 or -1. */
static int write_script(struct cli_outputs *out, const soma_analysis_info *in,
			const char *file)
{
	struct script_ctx c = { in, file };
	char name[32];

	snprintf(name, sizeof(name), "%s.gp", figure_stem(in));
	if (cli_write_text(out, name, put_script, &c))
		return -1;
	out->figures = calloc(1, sizeof(*out->figures));
	if (!out->figures || !(out->figures[0].stem = strdup(figure_stem(in)))) {
		cli_error("out of memory");
		return -1;
	}
	out->figures[0].log_fd = -1;
	out->n_figures = 1;
	return 0;
}

/* Every name the analysis may write, with its .part: the manifest written
 * before any of them. */
static int plan(struct cli_outputs *out, const soma_analysis_info *in, int plots)
{
	static const char *const ext[] = { ".gp", ".png", ".svg" };
	const char *stem = figure_stem(in);
	size_t n = 0, cap = 2 * in->n_files + 6;
	char **names = calloc(cap, sizeof(char *));
	int rc = -1;

	if (!names)
		goto oom;
	for (size_t i = 0; i < in->n_files; i++) {
		if (asprintf(&names[n++], "%s", in->files[i]) < 0 ||
		    asprintf(&names[n++], "%s.part", in->files[i]) < 0)
			goto oom;
	}
	for (size_t k = 0; plots && k < 3; k++)
		if (asprintf(&names[n++], "%s%s", stem, ext[k]) < 0 ||
		    asprintf(&names[n++], "%s%s.part", stem, ext[k]) < 0)
			goto oom;
	rc = cli_write_manifest_names(out, names, n);
	goto out;
oom:
	n = names ? n - 1 : 0;
	cli_error("out of memory");
out:
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int cli_analyze(const struct cli_analyze_opts *opts)
{
	struct cli_outputs out = { 0 };
	const soma_analysis_info *in;
	soma_analysis *a = NULL;
	size_t written = 0;
	int st, rc = CLI_EXIT_FAIL, plots, planned = 0;

	st = soma_analysis_load(opts->file, (soma_analysis_kind)opts->kind,
				opts->overrides, opts->n_overrides, &a);
	if (st != SOMA_OK) {
		const char *msg = a ? soma_analysis_errmsg(a) : NULL;

		if (msg && msg[0])
			cli_error("%s", msg);
		else
			cli_error("%s: %s", opts->file, soma_strerror(st));
		soma_analysis_destroy(a);
		return st == SOMA_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	out.dir = strdup(opts->out_dir ? opts->out_dir : soma_analysis_output_dir(a));
	if (!out.dir) {
		cli_error("out of memory");
		goto out;
	}
	plots = !opts->no_plots && soma_analysis_plots(a);

	/* the directory first: locked against a second writer, its previous
	 * outputs removed, before the work (as soma run does) */
	st = soma_analysis_open_dir(a, out.dir);
	if (st != SOMA_OK) {
		cli_error("%s", soma_analysis_errmsg(a));
		goto out;
	}
	if (cli_remove_previous(&out))
		goto out;
	cli_catch_signals();
	soma_analysis_set_interrupt(a, &cli_signal);
	st = soma_analysis_run(a);
	if (cli_signal || st == SOMA_ECANCELED) {
		cli_error("interrupted: no output written");
		rc = 128 + (cli_signal ? cli_signal : SIGINT);
		goto out;
	}
	if (st != SOMA_OK) {
		cli_error("%s", soma_analysis_errmsg(a));
		goto out;
	}
	in = soma_analysis_get_info(a);
	if (plan(&out, in, plots))
		goto out;
	planned = 1;
	st = soma_analysis_write(a, out.dir, &written);
	for (size_t i = 0; i < written; i++)
		if (cli_note_written(&out, in->files[i]))
			goto out;
	if (st != SOMA_OK) {
		cli_error("%s", soma_analysis_errmsg(a));
		goto out;
	}
	if (in->kind == SOMA_ANALYSIS_PHASE_PLANE)
		print_phase_plane(in);
	else
		print_bifurcation(in);

	rc = CLI_EXIT_OK;
	if (plots) {
		if (write_script(&out, in, opts->file)) {
			rc = CLI_EXIT_FAIL;
			goto out;
		}
		switch (cli_render(&out)) {
		case CLI_PLOT_OK:
		case CLI_PLOT_NO_GNUPLOT:
			break;
		case CLI_PLOT_INTERRUPTED:
			cli_error("interrupted while drawing the figure: the data and the script are in %s",
				  out.dir);
			rc = 128 + cli_signal;
			goto out;
		default:
			rc = CLI_EXIT_FAIL;
			break;
		}
	}
	printf("Wrote %zu files to %s%s\n", out.n_written, out.dir,
	       plots && out.n_figures && out.figures[0].drawn ?
	       (in->kind == SOMA_ANALYSIS_PHASE_PLANE ? " (figure: phase_plane.png, .svg)" :
		" (figure: bifurcation.png, .svg)") : "");
out:
	rc = cli_finish_manifest(&out, planned, rc);
	cli_free_outputs(&out);
	soma_analysis_destroy(a);
	return rc;
}
