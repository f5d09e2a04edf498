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
 * No truncated file under a final name: a script is written as STEM.gp.part
 * and renamed; gnuplot is run as
 *   gnuplot -e "png='STEM.png.part'; svg='STEM.svg.part'" STEM.gp
 * (the script's own names are defaults, used only when png and svg are not
 * set; -e runs before the script because gnuplot reads its arguments in
 * order), and each .part is renamed to its final name only when gnuplot
 * exited 0 and the file is complete (a PNG ending with its IEND chunk, an SVG
 * with its closing tag): gnuplot exits 0 even when the disk is full.
 * Otherwise, and when the run is interrupted, the .part files are removed.
 *
 *  - raster_POP: spikes of population POP (t in ms against neuron index) on
 *    the top 3/4, its population rate (rates.csv, Hz) on the bottom 1/4, as
 *    Fig. 3-3 of the seed (BrainModels book, section 3.1.1 and the appendix
 *    "E/I balanced network": `bp.visualize.get_figure(4, 1, 2, 10)`, raster
 *    on rows 0-2, rate on row 3, 10 x 8 inches).
 *  - POP.VAR: each recorded neuron's VAR against t in ms, as the seed's V-t
 *    plots.
 *  - FIGURE: state recordings that name the same figure (record.state[].figure)
 *    are drawn as panels of one grid, one panel per population and unit
 *    holding those recordings (e.g. V and V_th in mV; m, h, n beside them),
 *    as the seed's grids of firing patterns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* gnuplot processes running at once */
#define MAX_JOBS 2

/* Above this many recorded neurons a state plot has no key. */
#define MAX_KEY_ENTRIES 10

/* A state figure draws at most this many traces (the first recorded
 * neurons): gnuplot reads the data file once per trace. */
#define MAX_TRACES 20

/* While gnuplot runs, the interrupt flag is polled this often, ns. */
#define POLL_NS (20 * 1000 * 1000)

/* The figure formats, as file name extensions. */
static const char *const formats[] = { "png", "svg" };
#define N_FORMATS 2

/* Write @s as a single-quoted gnuplot string ('' stands for '). */
void cli_gp_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* @s as a single-quoted gnuplot string in a new string, or NULL. */
static char *quoted(const char *s)
{
	char *q = malloc(2 * strlen(s) + 3), *p = q;

	if (!q)
		return NULL;
	*p++ = '\'';
	for (; *s; s++) {
		if (*s == '\'')
			*p++ = '\'';
		*p++ = *s;
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

/* The head of every script, up to the opening of the loop over formats. */
void cli_gp_head(FILE *f, const char *what, const char *stem, int width,
		     int height)
{
	char name[512];

	fprintf(f,
		"# %s\n"
		"# Written by soma %s. Re-render (after restyling) with:\n"
		"#   cd <this directory> && gnuplot %s.gp\n"
		"# which draws %s.png and %s.svg; other file names with:\n"
		"#   gnuplot -e \"png='a.png'; svg='a.svg'\" %s.gp\n\n",
		what, SOMA_VERSION_STRING, stem, stem, stem, stem);
	for (int k = 0; k < N_FORMATS; k++) {
		snprintf(name, sizeof(name), "%s.%s", stem, formats[k]);
		fprintf(f, "if (!exists(\"%s\")) %s = ", formats[k], formats[k]);
		cli_gp_quoted(f, name);
		fputc('\n', f);
	}
	fprintf(f,
		"width = %d\n"
		"height = %d\n"
		"have_pngcairo = strstrt(' '.GPVAL_TERMINALS.' ', ' pngcairo ') > 0\n"
		"set datafile separator ','\n",
		width, height);
}

/* Open the loop that draws the figure once per format, into the file named
 * by the variable png or svg. */
void cli_gp_loop_open(FILE *f)
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
	      "\tset output (fmt eq 'svg' ? svg : png)\n"
	      "\treset\n"
	      "\tset termoption noenhanced\n"
	      "\tset datafile separator ','\n", f);
}

void cli_gp_loop_close(FILE *f)
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
	cli_gp_head(f, what, stem, 1000, 800);
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
	cli_gp_quoted(f, out->rates_file);
	fputs(" using ", f);
	cli_gp_quoted(f, r->pop_name);
	fputs(" nooutput\n"
	      "rate_max = STATS_max > 0 ? STATS_max : 1.0\n"
	      "mag = 10.0**floor(log10(rate_max))\n"
	      "rate_tic = rate_max/mag >= 5 ? 2*mag : (rate_max/mag >= 2 ? mag : mag/2)\n",
	      f);

	cli_gp_loop_open(f);
	fputs("\tset multiplot title ", f);
	snprintf(what, sizeof(what), "Population %s: spikes and population rate",
		 r->pop_name);
	cli_gp_quoted(f, what);
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
	cli_gp_quoted(f, r->file);
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
	cli_gp_quoted(f, out->rates_file);
	fputs(" using 1:", f);
	cli_gp_quoted(f, r->pop_name);
	fputs(" with lines lw 1 lc rgb '#b03a2e' notitle\n"
	      "\tunset multiplot\n", f);
	cli_gp_loop_close(f);
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
	cli_gp_head(f, what, stem, 1000, 500);
	fprintf(f,
		"\n# %s: column 1 is t_ms, columns 2 .. n+1 the recorded neurons "
		"(header: neuron index)\n"
		"n = %u\n"
		"# traces drawn: gnuplot reads the file once per trace, so many\n"
		"# traces take long; raise it to draw more\n"
		"n_draw = n < %d ? n : %d\n"
		"t_end = %.17g\n",
		r->file, (unsigned)r->n_neurons, MAX_TRACES, MAX_TRACES,
		out->t_end_ms);

	cli_gp_loop_open(f);
	fputs("\tset title ", f);
	if (r->n_neurons > MAX_TRACES)
		snprintf(what, sizeof(what),
			 "%s %s: %s (the first %d of %u recorded neurons)",
			 r->population < -1 ? "Projection" : "Population", r->pop_name, r->variable, MAX_TRACES,
			 (unsigned)r->n_neurons);
	else
		snprintf(what, sizeof(what), "%s %s: %s",
			 r->population < -1 ? "Projection" : "Population", r->pop_name,
			 r->variable);
	cli_gp_quoted(f, what);
	fputs("\n\tset xrange [0:t_end]\n"
	      "\tset autoscale yfix\n"
	      "\tset offsets 0, 0, graph 0.05, graph 0.05\n"
	      "\tset xlabel 't (ms)'\n"
	      "\tset ylabel ", f);
	if (r->unit && r->unit[0]) {
		char label[128];

		snprintf(label, sizeof(label), "%s (%s)", r->variable, r->unit);
		cli_gp_quoted(f, label);
	} else {
		cli_gp_quoted(f, r->variable);
	}
	fputc('\n', f);
	if (r->n_neurons <= MAX_KEY_ENTRIES && r->n_neurons <= MAX_TRACES) {
		fputs("\tset key outside right top title ", f);
		cli_gp_quoted(f, r->columns ? r->columns : "neuron");
		fputc('\n', f);
	}
	else
		fputs("\tunset key\n", f);
	fputs("\tplot for [i = 2:n_draw + 1] ", f);
	cli_gp_quoted(f, r->file);
	fputs(" using 1:i with lines lw 1 title columnheader(i)\n", f);
	cli_gp_loop_close(f);
}

/* Is @r a state recording in grid figure @fig? */
static int in_grid(const struct cli_record *r, const char *fig)
{
	return r->kind == SOMA_MONITOR_STATE && r->figure && !strcmp(r->figure, fig);
}

/* Do @a and @b share a panel: the same population and the same unit? */
static int same_panel(const struct cli_record *a, const struct cli_record *b)
{
	return a->population == b->population &&
	       !strcmp(a->unit ? a->unit : "", b->unit ? b->unit : "");
}

/* A grid of panels: every state recording of figure @fig, one panel per
 * population (in order of first appearance) with all of its recordings. */
static void put_grid(FILE *f, const struct cli_outputs *out, const char *fig)
{
	size_t n_panels = 0, cols, rows;
	char what[256];

	for (size_t i = 0; i < out->n_rec; i++) {
		int first = in_grid(&out->rec[i], fig);
		for (size_t k = 0; first && k < i; k++)
			if (in_grid(&out->rec[k], fig) &&
			    same_panel(&out->rec[k], &out->rec[i]))
				first = 0;
		n_panels += (size_t)first;
	}
	for (cols = 1; cols * cols < n_panels; cols++)
		;
	rows = (n_panels + cols - 1) / cols;
	snprintf(what, sizeof(what),
		 "Figure %s: %zu panels, one per population, state against time.",
		 fig, n_panels);
	cli_gp_head(f, what, fig, (int)(cols * 360 > 800 ? cols * 360 : 800),
		 (int)(rows * 240 > 400 ? rows * 240 : 400));
	fprintf(f, "t_end = %.17g\n", out->t_end_ms);
	cli_gp_loop_open(f);
	fprintf(f, "\tset multiplot layout %zu, %zu title ", rows, cols);
	cli_gp_quoted(f, fig);
	fputs("\n", f);
	for (size_t i = 0; i < out->n_rec; i++) {
		const struct cli_record *r = &out->rec[i];
		int first = in_grid(r, fig), more = 0;

		for (size_t k = 0; first && k < i; k++)
			if (in_grid(&out->rec[k], fig) &&
			    same_panel(&out->rec[k], r))
				first = 0;
		if (!first)
			continue;
		{
			/* "POP: VAR, VAR" for the variables of this panel */
			char title[256];
			size_t used = (size_t)snprintf(title, sizeof(title), "%s: %s",
						       r->pop_name, r->variable);
			for (size_t k = i + 1; k < out->n_rec && used < sizeof(title); k++)
				if (in_grid(&out->rec[k], fig) && same_panel(&out->rec[k], r))
					used += (size_t)snprintf(title + used, sizeof(title) - used,
								 ", %s", out->rec[k].variable);
			fputs("\tset title ", f);
			cli_gp_quoted(f, title);
		}
		fputs("\n\tset xrange [0:t_end]\n"
		      "\tset autoscale yfix\n"
		      "\tset offsets 0, 0, graph 0.05, graph 0.05\n"
		      "\tset xlabel 't (ms)'\n", f);
		for (size_t k = i + 1; k < out->n_rec; k++)
			more |= in_grid(&out->rec[k], fig) &&
				same_panel(&out->rec[k], r);
		fputs("\tset ylabel ", f);
		if (more) {
			/* several variables of one unit */
			cli_gp_quoted(f, r->unit ? r->unit : "");
		} else if (r->unit && r->unit[0]) {
			char label[128];
			snprintf(label, sizeof(label), "%s (%s)", r->variable, r->unit);
			cli_gp_quoted(f, label);
		} else {
			cli_gp_quoted(f, r->variable);
		}
		fputs("\n", f);
		if (more || (r->n_neurons > 1 && r->n_neurons <= MAX_KEY_ENTRIES)) {
			fputs("\tset key top right font ',8' title ", f);
			cli_gp_quoted(f, more ? "" : (r->columns ? r->columns : "neuron"));
			fputc('\n', f);
		} else {
			fputs("\tunset key\n", f);
		}
		fputs("\tplot ", f);
		for (size_t k = i, sep = 0; k < out->n_rec; k++) {
			const struct cli_record *q = &out->rec[k];
			uint32_t n_draw;

			if (!in_grid(q, fig) || !same_panel(q, r))
				continue;
			n_draw = q->n_neurons < MAX_TRACES ? q->n_neurons : MAX_TRACES;
			fprintf(f, "%sfor [i = 2:%u] ", sep++ ? ", \\\n\t\t" : "",
				(unsigned)n_draw + 1);
			cli_gp_quoted(f, q->file);
			if (more) {
				fputs(" using 1:i with lines lw 1 title ", f);
				cli_gp_quoted(f, q->variable);
			} else {
				fputs(" using 1:i with lines lw 1 title columnheader(i)", f);
			}
		}
		fputs("\n", f);
	}
	fputs("\tunset multiplot\n", f);
	cli_gp_loop_close(f);
}

/* Remove @path if it exists; a failure is reported. */
static void remove_file(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		cli_error("cannot remove %s: %s", path, strerror(errno));
}

int cli_write_text(struct cli_outputs *out, const char *name,
		   void (*put)(FILE *f, const void *ctx), const void *ctx)
{
	char *path = cli_path_join(out->dir, name), *part = NULL;
	FILE *f;
	int rc = -1;

	if (!path || asprintf(&part, "%s.part", path) < 0) {
		part = NULL;
		cli_error("out of memory");
		goto out;
	}
	f = fopen(part, "w");
	if (!f) {
		cli_error("cannot write %s: %s", part, strerror(errno));
		goto out;
	}
	put(f, ctx);
	if (ferror(f) | fclose(f)) {
		cli_error("cannot write %s: %s", part, strerror(errno));
		remove_file(part);
		goto out;
	}
	if (rename(part, path)) {
		cli_error("cannot rename %s to %s: %s", part, path, strerror(errno));
		remove_file(part);
		goto out;
	}
	rc = cli_note_written(out, name);
out:
	free(part);
	free(path);
	return rc;
}

struct script_ctx {
	const struct cli_outputs *out;
	const struct cli_record *r;
	const char *stem;
};

static void put_script(FILE *f, const void *ctx)
{
	const struct script_ctx *c = ctx;

	if (c->r->kind == SOMA_MONITOR_SPIKES)
		put_raster(f, c->out, c->r, c->stem);
	else if (c->r->figure)
		put_grid(f, c->out, c->r->figure);
	else
		put_state(f, c->out, c->r, c->stem);
}

/* Write script STEM.gp in out->dir, as STEM.gp.part renamed when complete.
 * Returns 0 or -1 (message printed). */
static int write_script(struct cli_outputs *out, const struct cli_record *r,
			const char *stem)
{
	struct script_ctx c = { out, r, stem };
	char *name = NULL;
	int rc;

	if (asprintf(&name, "%s.gp", stem) < 0) {
		cli_error("out of memory");
		return -1;
	}
	rc = cli_write_text(out, name, put_script, &c);
	free(name);
	return rc;
}

/*
 * Start @argv (argv[0] is the program, looked up in PATH) in directory @dir.
 * Returns the child's pid, or -1 with *stage (0: chdir, 1: exec) and *err
 * (errno) when the child could not start: a close-on-exec pipe carries the
 * child's errno back if exec fails.
 */
static pid_t spawn(char *const argv[], const char *dir, int errfd, int *stage,
		   int *err)
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
		/* gnuplot does not outlive a soma killed outright */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (errfd >= 0)
			dup2(errfd, STDERR_FILENO);
		msg[0] = 0;
		if (chdir(dir) == 0) {
			msg[0] = 1;
			execvp(argv[0], argv);
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

/*
 * Start `PROG -e "png='STEM.png.part'; svg='STEM.svg.part'" STEM.gp` in
 * out->dir. Returns the pid, or -1 with *stage and *err as spawn().
 */
static pid_t start_figure(const char *prog, const struct cli_outputs *out,
			  const char *stem, int log_fd, int *stage, int *err)
{
	char *script = NULL, *expr = NULL, *q[N_FORMATS] = { NULL };
	pid_t pid = -1;
	int k;

	*stage = 1;
	*err = ENOMEM;
	for (k = 0; k < N_FORMATS; k++) {
		char *name = NULL;

		if (asprintf(&name, "%s.%s.part", stem, formats[k]) < 0)
			goto out;
		q[k] = quoted(name);
		free(name);
		if (!q[k])
			goto out;
	}
	if (asprintf(&expr, "%s=%s; %s=%s", formats[0], q[0], formats[1],
		     q[1]) < 0) {
		expr = NULL;
		goto out;
	}
	if (asprintf(&script, "%s.gp", stem) < 0) {
		script = NULL;
		goto out;
	}
	{
		/* -e before the script: gnuplot runs its arguments in order */
		char *argv[] = { (char *)prog, (char *)"-e", expr, script, NULL };

		pid = spawn(argv, out->dir, log_fd, stage, err);
	}
out:
	for (k = 0; k < N_FORMATS; k++)
		free(q[k]);
	free(expr);
	free(script);
	return pid;
}

/*
 * Wait for gnuplot on @script. Returns 0 if it exited 0, -1 if it failed
 * (message printed), -2 if the run was interrupted meanwhile (gnuplot is then
 * terminated and waited for).
 */
static int reap(pid_t pid, const char *dir, const char *script)
{
	const struct timespec nap = { 0, POLL_NS };
	int status, killed = 0;
	pid_t r;

	for (;;) {
		if (cli_signal && !killed) {
			kill(pid, SIGTERM);
			killed = 1;
		}
		r = waitpid(pid, &status, killed ? 0 : WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			cli_error("waiting for gnuplot on %s/%s: %s", dir, script,
				  strerror(errno));
			return -1;
		}
		if (r == 0)
			nanosleep(&nap, NULL);
	}
	if (cli_signal)
		return -2;
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

/*
 * Is the figure file @path complete? NULL if so, else what it is: gnuplot
 * exits 0 even when it could not write the file (a full disk leaves it
 * empty). A PNG must start with the PNG signature and end with the IEND
 * chunk; an SVG must end with its closing tag.
 */
static const char *incomplete(const char *path, const char *format)
{
	static const unsigned char png_sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	static const unsigned char png_end[12] = {
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
	};
	unsigned char buf[256];
	const char *why = "an incomplete file";
	struct stat st;
	size_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "no file";
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return "no file";
	}
	if (st.st_size == 0) {
		close(fd);
		return "an empty file";
	}
	if (!strcmp(format, "png")) {
		if (st.st_size >= 20 &&
		    pread(fd, buf, 8, 0) == 8 && !memcmp(buf, png_sig, 8) &&
		    pread(fd, buf, 12, st.st_size - 12) == 12 &&
		    !memcmp(buf, png_end, 12))
			why = NULL;
	} else {
		len = (size_t)st.st_size < sizeof(buf) ? (size_t)st.st_size :
			sizeof(buf);
		if (pread(fd, buf, len, st.st_size - (off_t)len) == (ssize_t)len &&
		    memmem(buf, len, "</svg>", 6))
			why = NULL;
	}
	close(fd);
	return why;
}

/*
 * After gnuplot on @fig: when @ok and every STEM.FMT.part is complete, rename
 * each to STEM.FMT (fig->drawn = 1); otherwise remove them. Returns 0 when
 * drawn, else -1 (a message printed when @ok).
 */
static int finish_figure(struct cli_outputs *out, struct cli_figure *fig,
			 int ok)
{
	char *name[N_FORMATS] = { NULL }, *path[N_FORMATS] = { NULL };
	char *part[N_FORMATS] = { NULL };
	const char *why;
	int k;

	for (k = 0; k < N_FORMATS; k++) {
		if (asprintf(&name[k], "%s.%s", fig->stem, formats[k]) < 0)
			name[k] = NULL;
		path[k] = name[k] ? cli_path_join(out->dir, name[k]) : NULL;
		if (!path[k] || asprintf(&part[k], "%s.part", path[k]) < 0) {
			part[k] = NULL;
			if (ok)
				cli_error("out of memory");
			ok = 0;
		}
	}
	for (k = 0; ok && k < N_FORMATS; k++) {
		why = incomplete(part[k], formats[k]);
		if (why) {
			cli_error("gnuplot left %s for %s (is the disk full?): "
				  "figure %s not drawn", why, path[k], fig->stem);
			ok = 0;
		}
	}
	for (k = 0; ok && k < N_FORMATS; k++) {
		if (rename(part[k], path[k])) {
			cli_error("cannot rename %s to %s: %s", part[k], path[k],
				  strerror(errno));
			ok = 0;
		} else if (cli_note_written(out, name[k])) {
			ok = 0;
		}
	}
	fig->drawn = ok;
	for (k = 0; k < N_FORMATS; k++) {
		if (part[k])
			remove_file(part[k]); /* gone when renamed */
		free(part[k]);
		free(path[k]);
		free(name[k]);
	}
	return ok ? 0 : -1;
}

/* Wait for the gnuplot of figure @k and keep or remove its files.
 * Returns 0 when the figure was drawn, else -1. */
/* gnuplot's messages of figure @fig: shown when it failed (its warnings,
 * such as an empty y range for a silent population, are not news when the
 * figure is drawn), then dropped. */
static void flush_log(struct cli_figure *fig, int show)
{
	char buf[4096];
	ssize_t n;

	if (fig->log_fd < 0)
		return;
	if (show && lseek(fig->log_fd, 0, SEEK_SET) == 0)
		while ((n = read(fig->log_fd, buf, sizeof(buf))) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) < 0)
				break;
	close(fig->log_fd);
	fig->log_fd = -1;
}

static int wait_figure(struct cli_outputs *out, pid_t *pids, size_t k)
{
	char script[512];
	int r, done;

	snprintf(script, sizeof(script), "%s.gp", out->figures[k].stem);
	r = reap(pids[k], out->dir, script);
	pids[k] = 0;
	done = finish_figure(out, &out->figures[k], r == 0);
	/* gnuplot's messages explain a failure, also one it did not notice */
	flush_log(&out->figures[k], r == -1 || (r == 0 && done));
	return done || r ? -1 : 0;
}

char *cli_figure_stem(const struct cli_record *r)
{
	char *s = NULL;
	int n;

	if (r->kind == SOMA_MONITOR_STATE && r->figure)
		n = asprintf(&s, "%s", r->figure);
	else if (r->kind == SOMA_MONITOR_SPIKES)
		n = asprintf(&s, "raster_%s", r->pop_name);
	else
		n = asprintf(&s, "%s.%s", r->pop_name, r->variable);
	return n < 0 ? NULL : s;
}

int cli_plot(struct cli_outputs *out)
{
	size_t i, k;
	int rc = CLI_PLOT_OK;

	out->figures = calloc(out->n_rec ? out->n_rec : 1, sizeof(*out->figures));
	if (!out->figures) {
		cli_error("out of memory");
		return CLI_PLOT_FAILED;
	}

	/* the scripts */
	for (i = 0; i < out->n_rec; i++) {
		const struct cli_record *r = &out->rec[i];
		char *stem;

		if (r->kind == SOMA_MONITOR_SPIKES && !out->rates_file)
			continue; /* cannot happen with a conforming library */
		if (r->kind == SOMA_MONITOR_STATE && r->figure) {
			int seen = 0; /* the grid is drawn at its first panel */
			for (k = 0; k < i; k++)
				seen |= in_grid(&out->rec[k], r->figure);
			if (seen)
				continue;
		}
		stem = cli_figure_stem(r);
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
		out->figures[out->n_figures].stem = stem;
		out->figures[out->n_figures].log_fd = -1;
		out->figures[out->n_figures++].drawn = 0;
	}

	return cli_render(out);
out:
	return rc;
}

int cli_render(struct cli_outputs *out)
{
	const char *prog = getenv("SOMA_GNUPLOT");
	pid_t *pids;
	size_t i, k;
	int rc = CLI_PLOT_OK, failed = 0, not_started = 0, stage = 0, err = 0;

	if (!prog || !prog[0])
		prog = "gnuplot";
	pids = calloc(out->n_figures ? out->n_figures : 1, sizeof(*pids));
	if (!pids) {
		cli_error("out of memory");
		return CLI_PLOT_FAILED;
	}
	/* the figures, at most MAX_JOBS gnuplot processes at a time */
	for (i = 0; i < out->n_figures && !cli_signal; i++) {
		if (i >= MAX_JOBS && pids[i - MAX_JOBS] > 0) {
			if (wait_figure(out, pids, i - MAX_JOBS))
				failed = 1;
			if (cli_signal)
				break;
		}
		/* gnuplot's stderr goes to an anonymous file, shown if it fails */
		out->figures[i].log_fd = memfd_create("gnuplot-stderr", MFD_CLOEXEC);
		pids[i] = start_figure(prog, out, out->figures[i].stem,
				       out->figures[i].log_fd, &stage,
				       &err);
		if (pids[i] < 0) {
			pids[i] = 0;
			flush_log(&out->figures[i], 0);
			not_started = 1;
			break;
		}
	}
	for (k = 0; k < out->n_figures; k++)
		if (pids[k] > 0 && wait_figure(out, pids, k))
			failed = 1;
	for (k = 0; k < out->n_figures; k++)
		flush_log(&out->figures[k], 0);
	if (cli_signal) {
		rc = CLI_PLOT_INTERRUPTED;
		goto out;
	}
	if (failed)
		rc = CLI_PLOT_FAILED;
	if (not_started) {
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
