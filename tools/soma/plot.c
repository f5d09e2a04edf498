/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Figures of a run, drawn by gnuplot from the CSV files.
 *
 * For every figure a gnuplot script is written beside the data, with paths
 * relative to the output directory, so a user can restyle it and re-render
 * with `cd DIR && gnuplot FILE.gp`. Each script draws the figure twice: as
 * PNG (pngcairo when that gnuplot has it, else the libgd png terminal) and as
 * SVG. gnuplot runs with the output directory as working directory, started
 * with fork and exec (no shell, so no file name is ever interpreted).
 *
 *  - raster_POP: spikes of population POP (t in ms against neuron index) on
 *    the top 3/4, its population rate (rates.csv, Hz) on the bottom 1/4, as
 *    Fig. 3-3 of the seed (BrainModels book, section 3.1.1 and the appendix
 *    "E/I balanced network": `bp.visualize.get_figure(4, 1, 2, 10)`, raster
 *    on rows 0-2, rate on row 3, 10 x 8 inches).
 *  - POP.VAR: each recorded neuron's VAR against t in ms, as the seed's V-t
 *    plots.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* gnuplot processes running at once */
#define MAX_JOBS 2

/* Above this many recorded neurons a state plot has no key. */
#define MAX_KEY_ENTRIES 10

/* Write @s as a single-quoted gnuplot string ('' stands for '). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* The head of every script, up to the opening of the loop over formats. */
static void put_head(FILE *f, const char *what, const char *stem, int width,
		     int height)
{
	fprintf(f,
		"# %s\n"
		"# Written by soma %s. Re-render (after restyling) with:\n"
		"#   cd <this directory> && gnuplot %s.gp\n"
		"# which draws %s.png and %s.svg.\n\n",
		what, SOMA_VERSION_STRING, stem, stem, stem);
	fprintf(f,
		"width = %d\n"
		"height = %d\n"
		"have_pngcairo = strstrt(' '.GPVAL_TERMINALS.' ', ' pngcairo ') > 0\n"
		"set datafile separator ','\n",
		width, height);
}

/* Open the loop that draws the figure once per format. */
static void put_loop_open(FILE *f, const char *stem)
{
	fputs("\ndo for [fmt in 'png svg'] {\n"
	      "\tif (fmt eq 'svg') {\n"
	      "\t\tset terminal svg size width, height dynamic font 'sans,12' background rgb 'white'\n"
	      "\t} else {\n"
	      "\t\tif (have_pngcairo) {\n"
	      "\t\t\tset terminal pngcairo size width, height font 'sans,11'\n"
	      "\t\t} else {\n"
	      "\t\t\tset terminal png size width, height\n"
	      "\t\t}\n"
	      "\t}\n"
	      "\tset output ", f);
	put_quoted(f, stem);
	fputs(".'.'.fmt\n"
	      "\treset\n"
	      "\tset termoption noenhanced\n"
	      "\tset datafile separator ','\n", f);
}

static void put_loop_close(FILE *f)
{
	fputs("\tset output\n}\n", f);
}

/* The raster plot and population rate of a spike recording. */
static void put_raster(FILE *f, const struct cli_outputs *out,
		       const struct cli_record *r, const char *stem)
{
	char what[256];

	snprintf(what, sizeof(what),
		 "Spikes of population %s (raster, top 3/4) and its population "
		 "rate (bottom 1/4).", r->pop_name);
	put_head(f, what, stem, 1000, 800);
	fprintf(f,
		"\n# %s: columns t_ms,population,index; population %d is %s\n",
		r->file, r->population, r->pop_name);
	fprintf(f, "# %s: column %s is its rate in Hz\n",
		out->rates_file, r->pop_name);
	fprintf(f,
		"pop = %d\n"
		"n = %u\n"
		"n_spikes = %" PRIu64 "\n"
		"t_end = %.17g\n",
		r->population, (unsigned)r->pop_size, r->spikes, out->t_end_ms);
	/* a rate axis with 2 to 5 round tics */
	fputs("stats ", f);
	put_quoted(f, out->rates_file);
	fputs(" using ", f);
	put_quoted(f, r->pop_name);
	fputs(" nooutput\n"
	      "rate_max = STATS_max > 0 ? STATS_max : 1.0\n"
	      "mag = 10.0**floor(log10(rate_max))\n"
	      "rate_tic = rate_max/mag >= 5 ? 2*mag : (rate_max/mag >= 2 ? mag : mag/2)\n",
	      f);

	put_loop_open(f, stem);
	fputs("\tset multiplot title ", f);
	snprintf(what, sizeof(what), "Population %s: spikes and population rate",
		 r->pop_name);
	put_quoted(f, what);
	fputs("\n"
	      "\tset lmargin at screen 0.09\n"
	      "\tset rmargin at screen 0.97\n"
	      "\tset xrange [0:t_end]\n"
	      "\n"
	      "\t# raster: one dot per spike\n"
	      "\tset tmargin at screen 0.92\n"
	      "\tset bmargin at screen 0.32\n"
	      "\tset format x ''\n"
	      "\tset yrange [-0.5:n - 0.5]\n"
	      "\tset ylabel 'Neuron index'\n"
	      "\tif (n_spikes > 0) {\n"
	      "\t\tplot ", f);
	put_quoted(f, r->file);
	fputs(" using 1:($2 == pop ? $3 : NaN) with points pt 7 ps 0.2 lc rgb '#1f4e9c' notitle\n"
	      "\t} else {\n"
	      "\t\tplot NaN notitle # no spike\n"
	      "\t}\n"
	      "\n"
	      "\t# population rate\n"
	      "\tset tmargin at screen 0.28\n"
	      "\tset bmargin at screen 0.08\n"
	      "\tset format x '%g'\n"
	      "\tset xlabel 't (ms)'\n"
	      "\tset yrange [0:1.05*rate_max]\n"
	      "\tset ytics 0, rate_tic\n"
	      "\tset ylabel 'Rate (Hz)'\n"
	      "\tplot ", f);
	put_quoted(f, out->rates_file);
	fputs(" using 1:", f);
	put_quoted(f, r->pop_name);
	fputs(" with lines lw 1 lc rgb '#b03a2e' notitle\n"
	      "\tunset multiplot\n", f);
	put_loop_close(f);
}

/* The time course of a recorded state variable. */
static void put_state(FILE *f, const struct cli_outputs *out,
		      const struct cli_record *r, const char *stem)
{
	char what[256];

	snprintf(what, sizeof(what),
		 "State variable %s of %u neuron%s of population %s against time.",
		 r->variable, (unsigned)r->n_neurons,
		 r->n_neurons == 1 ? "" : "s", r->pop_name);
	put_head(f, what, stem, 1000, 500);
	fprintf(f,
		"\n# %s: column 1 is t_ms, columns 2 .. n+1 the recorded neurons "
		"(header: neuron index)\n"
		"n = %u\n"
		"t_end = %.17g\n",
		r->file, (unsigned)r->n_neurons, out->t_end_ms);

	put_loop_open(f, stem);
	fputs("\tset title ", f);
	snprintf(what, sizeof(what), "Population %s: %s", r->pop_name,
		 r->variable);
	put_quoted(f, what);
	fputs("\n\tset xrange [0:t_end]\n"
	      "\tset autoscale yfix\n"
	      "\tset offsets 0, 0, graph 0.05, graph 0.05\n"
	      "\tset xlabel 't (ms)'\n"
	      "\tset ylabel ", f);
	if (r->unit && r->unit[0]) {
		char label[128];

		snprintf(label, sizeof(label), "%s (%s)", r->variable, r->unit);
		put_quoted(f, label);
	} else {
		put_quoted(f, r->variable);
	}
	fputc('\n', f);
	if (r->n_neurons <= MAX_KEY_ENTRIES)
		fputs("\tset key outside right top title 'neuron'\n", f);
	else
		fputs("\tunset key\n", f);
	fputs("\tplot for [i = 2:n + 1] ", f);
	put_quoted(f, r->file);
	fputs(" using 1:i with lines lw 1 title columnheader(i)\n", f);
	put_loop_close(f);
}

/* Write script STEM.gp in out->dir. Returns 0 or -1 (message printed). */
static int write_script(const struct cli_outputs *out,
			const struct cli_record *r, const char *stem)
{
	char name[512];
	char *path;
	FILE *f;
	int rc = 0;

	snprintf(name, sizeof(name), "%s.gp", stem);
	path = cli_path_join(out->dir, name);
	if (!path) {
		cli_error("out of memory");
		return -1;
	}
	f = fopen(path, "w");
	if (!f) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (r->kind == SOMA_MONITOR_SPIKES)
		put_raster(f, out, r, stem);
	else
		put_state(f, out, r, stem);
	if (ferror(f) | fclose(f)) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

/*
 * Start `PROG SCRIPT` in directory @dir. Returns the child's pid, or -1 with
 * *stage (0: chdir, 1: exec) and *err (errno) when the child could not start:
 * a close-on-exec pipe carries the child's errno back if exec fails.
 */
static pid_t spawn(const char *prog, const char *dir, const char *script,
		   int *stage, int *err)
{
	int fds[2], msg[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		*stage = 1;
		*err = errno;
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		*stage = 1;
		*err = errno;
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		msg[0] = 0;
		if (chdir(dir) == 0) {
			msg[0] = 1;
			execlp(prog, prog, script, (char *)NULL);
		}
		msg[1] = errno;
		n = write(fds[1], msg, sizeof(msg));
		(void)n;
		_exit(127);
	}
	close(fds[1]);
	do
		n = read(fds[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n == (ssize_t)sizeof(msg)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		*stage = msg[0];
		*err = msg[1];
		return -1;
	}
	return pid;
}

/* Wait for gnuplot on @script; 0 if it succeeded, else -1 (message printed). */
static int reap(pid_t pid, const char *dir, const char *script)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			cli_error("waiting for gnuplot on %s/%s: %s", dir, script,
				  strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		cli_error("gnuplot failed on %s/%s (exit status %d)", dir, script,
			  WEXITSTATUS(status));
	else
		cli_error("gnuplot failed on %s/%s (signal %d)", dir, script,
			  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/* The figure's name: raster_POP or POP.VAR, in a new string. */
static char *figure_stem(const struct cli_record *r)
{
	char *s = NULL;
	int n;

	if (r->kind == SOMA_MONITOR_SPIKES)
		n = asprintf(&s, "raster_%s", r->pop_name);
	else
		n = asprintf(&s, "%s.%s", r->pop_name, r->variable);
	return n < 0 ? NULL : s;
}

int cli_plot(struct cli_outputs *out)
{
	const char *prog = getenv("SOMA_GNUPLOT");
	pid_t *pids = NULL;
	size_t i, k;
	int rc = CLI_PLOT_OK, stage = 0, err = 0;

	if (!prog || !prog[0])
		prog = "gnuplot";
	out->figures = calloc(out->n_rec ? out->n_rec : 1, sizeof(*out->figures));
	pids = calloc(out->n_rec ? out->n_rec : 1, sizeof(*pids));
	if (!out->figures || !pids) {
		cli_error("out of memory");
		free(pids);
		return CLI_PLOT_FAILED;
	}

	/* the scripts */
	for (i = 0; i < out->n_rec; i++) {
		const struct cli_record *r = &out->rec[i];
		char *stem;

		if (r->kind == SOMA_MONITOR_SPIKES && !out->rates_file)
			continue; /* cannot happen with a conforming library */
		stem = figure_stem(r);
		if (!stem) {
			cli_error("out of memory");
			rc = CLI_PLOT_FAILED;
			goto out;
		}
		if (write_script(out, r, stem)) {
			free(stem);
			rc = CLI_PLOT_FAILED;
			goto out;
		}
		out->figures[out->n_figures++] = stem;
	}

	/* the figures, at most MAX_JOBS gnuplot processes at a time */
	for (i = 0; i < out->n_figures; i++) {
		char script[512];

		if (i >= MAX_JOBS && pids[i - MAX_JOBS] > 0) {
			snprintf(script, sizeof(script), "%s.gp",
				 out->figures[i - MAX_JOBS]);
			if (reap(pids[i - MAX_JOBS], out->dir, script))
				rc = CLI_PLOT_FAILED;
			pids[i - MAX_JOBS] = 0;
		}
		snprintf(script, sizeof(script), "%s.gp", out->figures[i]);
		pids[i] = spawn(prog, out->dir, script, &stage, &err);
		if (pids[i] < 0) {
			pids[i] = 0;
			break;
		}
	}
	for (k = 0; k < out->n_figures; k++) {
		char script[512];

		if (pids[k] <= 0)
			continue;
		snprintf(script, sizeof(script), "%s.gp", out->figures[k]);
		if (reap(pids[k], out->dir, script))
			rc = CLI_PLOT_FAILED;
	}
	if (i < out->n_figures) {
		if (stage == 1 && (err == ENOENT || err == EACCES || err == ENOTDIR)) {
			cli_error("cannot run %s (%s): figures not drawn.\n"
				  "The data and the gnuplot scripts are in %s. To draw the figures,\n"
				  "install gnuplot (Debian, Ubuntu: apt-get install gnuplot-nox), then\n"
				  "  cd %s && gnuplot *.gp",
				  prog, strerror(err), out->dir, out->dir);
			if (rc == CLI_PLOT_OK)
				rc = CLI_PLOT_NO_GNUPLOT;
		} else {
			cli_error("cannot run %s in %s: %s", prog, out->dir,
				  strerror(err));
			rc = CLI_PLOT_FAILED;
		}
	}
out:
	free(pids);
	return rc;
}
