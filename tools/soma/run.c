/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soma run: load a model file, remove the outputs of the previous run into
 * the same directory, run it in chunks (with a progress bar on a terminal),
 * close the outputs, write summary.json, draw the figures, write the manifest
 * of the files written and print a short summary.
 *
 * The manifest DIR/.soma-outputs lists, one plain file name a line, the
 * files of a run. Written at the start with every name the run may write
 * (data, summary.json, scripts, figures, and their NAME.part), so that even
 * a run killed outright (SIGKILL) leaves nothing the next run cannot find;
 * rewritten at the end with the files written under their final names. The
 * next run into DIR removes the listed files (regular files with a plain
 * name only: no '/', no leading '.') and the manifest once it has opened its
 * outputs (which locks DIR and opens its own NAME.part data files, which it
 * skips), so DIR never mixes the outputs of two runs; nothing else in DIR is
 * ever removed.
 *
 * SIGINT and SIGTERM set a flag, polled between chunks of the run (each
 * about CHUNK_S of work) and while gnuplot runs: the run stops, leaves no
 * temporary file, and exits with 128 + the signal number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* At most this many chunks per run: the progress bar moves by this fraction. */
#define CHUNKS 100

/* Wall time of a chunk aimed at, s: an interrupt is seen this soon. */
#define CHUNK_S 0.05

/* Steps of the first chunk (then doubled or halved towards CHUNK_S). */
#define FIRST_CHUNK 16

/* The manifest of the files a run wrote, in the output directory. */

/* The progress bar appears once a run has taken this long, s. */
#define PROGRESS_DELAY_S 1.0

/* Width of the bar, characters. */
#define BAR_WIDTH 30

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- progress bar ------------------------------------------------------ */

struct progress {
	int enabled;   /* stderr is a terminal */
	double t0;     /* start of the run, s */
	int width;     /* characters of the last line drawn (0: none) */
};

static void format_time_left(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);

	if (t < 60)
		snprintf(buf, len, "%ld s", t);
	else if (t < 3600)
		snprintf(buf, len, "%ld min %02ld s", t / 60, t % 60);
	else
		snprintf(buf, len, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
}

static void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	char bar[BAR_WIDTH + 1], left[32];
	double elapsed, frac;
	int filled, w;

	if (!p->enabled || done == 0 || total == 0)
		return;
	elapsed = now_s() - p->t0;
	if (elapsed < PROGRESS_DELAY_S)
		return;
	frac = (double)done / (double)total;
	filled = (int)(frac * BAR_WIDTH);
	memset(bar, '#', (size_t)filled);
	memset(bar + filled, '.', (size_t)(BAR_WIDTH - filled));
	bar[BAR_WIDTH] = '\0';
	format_time_left(elapsed * (1.0 - frac) / frac, left, sizeof(left));
	w = fprintf(stderr, "\r[%s] %3d%%  %s left", bar, (int)(100.0 * frac),
		    left);
	/* blank what a longer previous line left behind */
	if (w < p->width)
		fprintf(stderr, "%*s", p->width - w, "");
	if (w > p->width)
		p->width = w;
	fflush(stderr);
}

static void progress_clear(struct progress *p)
{
	if (p->width > 0) {
		fprintf(stderr, "\r%*s\r", p->width, "");
		fflush(stderr);
	}
	p->width = 0;
}

/* ---- interrupts ----------------------------------------------------------- */

volatile sig_atomic_t cli_signal;

static void on_signal(int sig)
{
	cli_signal = sig;
}

/* Catch SIGINT and SIGTERM (unless ignored, as in a background job). */
void cli_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* ---- outputs ------------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* out/NAME for model file DIR/NAME.yaml (or .yml). */
static char *default_out_dir(const char *model)
{
	const char *b = base_name(model);
	size_t n = strlen(b);
	char *dir = NULL;

	if (n > 5 && !strcmp(b + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(b + n - 4, ".yml"))
		n -= 4;
	if (asprintf(&dir, "out/%.*s", (int)n, b) < 0)
		return NULL;
	return dir;
}

int cli_note_written(struct cli_outputs *out, const char *name)
{
	char **w;

	for (size_t i = 0; i < out->n_written; i++)
		if (!strcmp(out->written[i], name))
			return 0;
	w = realloc(out->written, (out->n_written + 1) * sizeof(*w));
	if (!w) {
		cli_error("out of memory");
		return -1;
	}
	out->written = w;
	w[out->n_written] = strdup(name);
	if (!w[out->n_written]) {
		cli_error("out of memory");
		return -1;
	}
	out->n_written++;
	return 0;
}

void cli_free_outputs(struct cli_outputs *out)
{
	for (size_t i = 0; i < out->n_rec; i++) {
		free(out->rec[i].pop_name);
		free(out->rec[i].variable);
		free(out->rec[i].unit);
		free(out->rec[i].file);
		free(out->rec[i].figure);
	}
	free(out->rec);
	for (size_t i = 0; i < out->n_figures; i++)
		free(out->figures[i].stem);
	free(out->figures);
	for (size_t i = 0; i < out->n_written; i++)
		free(out->written[i]);
	free(out->written);
	free(out->rates_file);
	free(out->dir);
}

/* Copy what was recorded and the file names, while the outputs are open.
 * Returns 0 or -1 when out of memory. */
static int collect_outputs(const soma_sim *sim, const soma_network *net,
			   struct cli_outputs *out)
{
	int n = soma_network_monitor_count(net), spikes = 0;
	const char *rates;

	out->rec = calloc(n > 0 ? (size_t)n : 1, sizeof(*out->rec));
	if (!out->rec)
		return -1;
	for (int id = 0; id < n; id++) {
		struct cli_record *r = &out->rec[out->n_rec];
		const char *name;
		soma_monitor_info mi;

		if (soma_network_monitor_info(net, id, &mi) != SOMA_OK)
			continue;
		/* a projection's state is drawn under the projection's name and
		 * grouped apart from its post population in grid figures */
		name = mi.projection >= 0 ? soma_projection_name(net, mi.projection)
					  : soma_population_name(net, mi.population);
		r->kind = mi.kind;
		r->population = mi.projection >= 0 ? -2 - mi.projection
						   : mi.population;
		r->pop_name = strdup(name ? name : "?");
		r->pop_size = soma_population_size(net, mi.population);
		r->n_neurons = mi.n_neurons;
		out->n_rec++;
		if (!r->pop_name)
			return -1;
		if (mi.kind == SOMA_MONITOR_STATE) {
			r->variable = strdup(mi.variable ? mi.variable : "?");
			r->unit = strdup(mi.unit ? mi.unit : "");
			if (!r->variable || !r->unit)
				return -1;
			r->columns = "neuron";
			if (mi.projection >= 0) {
				const soma_model *pm = soma_projection_model(net, mi.projection);
				int k = soma_model_state_index(pm, mi.variable);
				const char *where = k >= 0 ? soma_model_state_location(pm, (size_t)k)
							   : "synapse"; /* w */
				r->columns = !strcmp(where, "pre") ? "pre neuron"
					     : !strcmp(where, "post") ? "post neuron"
								      : "synapse";
			}
			if (soma_sim_figure(sim, id)) {
				r->figure = strdup(soma_sim_figure(sim, id));
				if (!r->figure)
					return -1;
			}
			if (mi.path)
				r->file = strdup(base_name(mi.path));
			else if (asprintf(&r->file, "%s.%s.csv", r->pop_name,
					  r->variable) < 0)
				r->file = NULL;
		} else {
			spikes = 1;
			r->file = strdup(mi.path ? base_name(mi.path) : "spikes.csv");
		}
		if (!r->file)
			return -1;
	}
	rates = soma_network_rates_path(net);
	if (rates || spikes) {
		out->rates_file = strdup(rates ? base_name(rates) : "rates.csv");
		if (!out->rates_file)
			return -1;
	}
	return 0;
}

/* After a failed run: remove the temporary NAME.part files of the outputs
 * (the network must be destroyed first, which closes them). */
static void remove_part_files(const struct cli_outputs *out)
{
	for (size_t i = 0; i <= out->n_rec; i++) {
		const char *name = i < out->n_rec ? out->rec[i].file : out->rates_file;
		char *part = NULL;

		if (!name)
			continue;
		if (asprintf(&part, "%s%s%s.part", out->dir,
			     out->dir[0] && out->dir[strlen(out->dir) - 1] != '/' ?
			     "/" : "", name) < 0)
			continue;
		if (unlink(part) && errno != ENOENT)
			cli_error("cannot remove %s: %s", part, strerror(errno));
		free(part);
	}
}

/* ---- the manifest ------------------------------------------------------------ */

/* May a manifest name @name: not empty, no '/', no leading '.'? */
static int plain_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/');
}

/* Is @name the temporary NAME.part of one of this run's data files, open
 * now? */
static int own_part_file(const struct cli_outputs *out, const char *name)
{
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 5, ".part"))
		return 0;
	if (out->rates_file && !strncmp(name, out->rates_file, n - 5) &&
	    !out->rates_file[n - 5])
		return 1;
	for (size_t i = 0; i < out->n_rec; i++)
		if (!strncmp(name, out->rec[i].file, n - 5) &&
		    !out->rec[i].file[n - 5])
			return 1;
	return 0;
}

/*
 * Remove the outputs of the previous run into @dir: the regular files named
 * by the plain names of DIR/.soma-outputs, then the manifest itself. Returns
 * 0, or -1 when one could not be removed (message printed; the manifest is
 * then kept).
 */
int cli_remove_previous(const struct cli_outputs *out)
{
	const char *dir = out->dir;
	char *manifest = cli_path_join(dir, CLI_MANIFEST), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int rc = 0;

	if (!manifest) {
		cli_error("out of memory");
		return -1;
	}
	f = fopen(manifest, "r");
	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR) {
			cli_error("cannot read %s: %s", manifest, strerror(errno));
			rc = -1;
		}
		free(manifest);
		return rc;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct stat st;
		char *path;

		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len != strlen(line) || !plain_name(line) ||
		    own_part_file(out, line))
			continue;
		path = cli_path_join(dir, line);
		if (!path) {
			cli_error("out of memory");
			rc = -1;
			break;
		}
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    unlink(path) && errno != ENOENT) {
			cli_error("cannot remove %s, an output of the previous run "
				  "(listed in %s): %s", path, manifest,
				  strerror(errno));
			rc = -1;
		}
		free(path);
	}
	if (ferror(f)) {
		cli_error("cannot read %s: %s", manifest, strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc == 0 && unlink(manifest) && errno != ENOENT) {
		cli_error("cannot remove %s: %s", manifest, strerror(errno));
		rc = -1;
	}
	free(line);
	free(manifest);
	return rc;
}

/* Write DIR/.soma-outputs listing @n @names (as .part, then renamed).
 * Returns 0 or -1 (message printed). */
int cli_write_manifest_names(const struct cli_outputs *out,
				char *const *names, size_t n)
{
	char *path = cli_path_join(out->dir, CLI_MANIFEST), *part = NULL;
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
	for (size_t i = 0; i < n; i++)
		if (plain_name(names[i]))
			fprintf(f, "%s\n", names[i]);
	if (ferror(f) | fclose(f)) {
		cli_error("cannot write %s: %s", part, strerror(errno));
		unlink(part);
		goto out;
	}
	if (rename(part, path)) {
		cli_error("cannot rename %s to %s: %s", part, path, strerror(errno));
		unlink(part);
		goto out;
	}
	rc = 0;
out:
	free(part);
	free(path);
	return rc;
}

/* The manifest of the files written under their final names. */
int cli_write_manifest(const struct cli_outputs *out)
{
	return cli_write_manifest_names(out, out->written, out->n_written);
}

int cli_finish_manifest(const struct cli_outputs *out, int planned, int rc)
{
	if (out->n_written > 0) {
		if (cli_write_manifest(out) && rc == CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
	} else if (planned) {
		char *m = cli_path_join(out->dir, CLI_MANIFEST);

		if (m)
			unlink(m);
		free(m);
	}
	return rc;
}

/* Append "@a@b" to @names. Returns 0 or -1 (out of memory). */
static int add_name(char **names, size_t *n, const char *a, const char *b)
{
	size_t len = strlen(a) + strlen(b) + 1;
	char *s = malloc(len);

	if (!s)
		return -1;
	snprintf(s, len, "%s%s", a, b);
	names[(*n)++] = s;
	return 0;
}

/* The manifest of every name this run may write, before it writes any: its
 * data files, summary.json, and with @plots the scripts and figures, each
 * also as NAME.part. Returns 0 or -1 (message printed). */
static int write_planned_manifest(const struct cli_outputs *out, int plots)
{
	static const char *const fig_ext[] = { ".gp", ".png", ".svg" };
	char **names = calloc(4 * (out->n_rec + 1) * 3 + 4, sizeof(char *));
	size_t n = 0;
	int rc = -1;

	if (!names)
		goto nomem;
	for (size_t i = 0; i <= out->n_rec; i++) {
		const char *file = i < out->n_rec ? out->rec[i].file : out->rates_file;
		char *stem;

		if (file && (add_name(names, &n, file, "") ||
			     add_name(names, &n, file, ".part")))
			goto nomem;
		if (!plots || i == out->n_rec)
			continue;
		stem = cli_figure_stem(&out->rec[i]);
		if (!stem)
			goto nomem;
		for (size_t k = 0; k < 3; k++)
			if (add_name(names, &n, stem, fig_ext[k]) ||
			    add_name(names, &n, stem, k == 0 ? ".gp.part" :
						      k == 1 ? ".png.part" : ".svg.part")) {
				free(stem);
				goto nomem;
			}
		free(stem);
	}
	if (add_name(names, &n, "summary.json", "") ||
	    add_name(names, &n, "summary.json", ".part"))
		goto nomem;
	rc = cli_write_manifest_names(out, names, n);
	goto out;
nomem:
	cli_error("out of memory");
out:
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Note the data files, renamed to their final names. Returns 0 or -1. */
static int note_data_files(struct cli_outputs *out)
{
	for (size_t i = 0; i < out->n_rec; i++)
		if (cli_note_written(out, out->rec[i].file))
			return -1;
	if (out->rates_file && cli_note_written(out, out->rates_file))
		return -1;
	return 0;
}

/* ---- summary on stdout --------------------------------------------------- */

static void print_summary(const struct cli_run_opts *opts,
			  const soma_network *net, const struct cli_outputs *out,
			  double wall_s)
{
	int n_pop = soma_network_population_count(net);
	int n_proj = soma_network_projection_count(net);
	double t_s = out->t_end_ms / 1000.0;
	uint64_t synapses = 0;
	int w = 10;

	printf("%s: %g ms simulated in %" PRIu64 " steps of %g ms, seed %" PRIu64 "\n",
	       opts->model, out->t_end_ms, soma_network_steps(net),
	       soma_network_dt(net), soma_network_seed(net));

	for (int p = 0; p < n_pop; p++) {
		const char *name = soma_population_name(net, p);
		int l = name ? (int)strlen(name) : 0;

		if (l > w)
			w = l;
	}
	printf("  %-*s %-12s %9s %11s %12s\n", w, "population", "model",
	       "neurons", "spikes", "mean rate");
	for (int p = 0; p < n_pop; p++) {
		const soma_model *m = soma_population_model(net, p);
		uint32_t size = soma_population_size(net, p);
		uint64_t spikes = soma_population_spike_count(net, p);
		double rate = size > 0 && t_s > 0 ?
			(double)spikes / ((double)size * t_s) : 0.0;

		printf("  %-*s %-12s %9" PRIu32 " %11" PRIu64 " %9.2f Hz\n", w,
		       soma_population_name(net, p), m ? m->name : "?", size,
		       spikes, rate);
	}
	for (int j = 0; j < n_proj; j++)
		synapses += soma_projection_synapse_count(net, j);
	printf("  %" PRIu64 " synapse%s in %d projection%s\n", synapses,
	       synapses == 1 ? "" : "s", n_proj, n_proj == 1 ? "" : "s");
	if (wall_s > 0)
		printf("  wall time %.3g s: %.3g simulated s per wall s\n",
		       wall_s, t_s / wall_s);
	else
		printf("  wall time %.3g s\n", wall_s);

	printf("Output files in %s%s\n", out->dir,
	       out->dir[0] && out->dir[strlen(out->dir) - 1] == '/' ? "" : "/");
	printf("  summary.json");
	for (size_t i = 0; i < out->n_rec; i++) {
		/* spikes.csv is shared by every spike recording */
		if (out->rec[i].kind == SOMA_MONITOR_SPIKES) {
			size_t k;

			for (k = 0; k < i; k++)
				if (out->rec[k].kind == SOMA_MONITOR_SPIKES)
					break;
			if (k < i)
				continue;
		}
		printf(" %s", out->rec[i].file);
		if (out->rec[i].kind == SOMA_MONITOR_SPIKES && out->rates_file)
			printf(" %s", out->rates_file);
	}
	putchar('\n');
	for (size_t i = 0; i < out->n_figures; i++) {
		const char *s = out->figures[i].stem;

		if (out->figures[i].drawn)
			printf("  %s.png %s.svg %s.gp\n", s, s, s);
		else
			printf("  %s.gp\n", s);
	}
}

/* ---- soma run --------------------------------------------------------------- */

int cli_run(const struct cli_run_opts *opts)
{
	struct cli_outputs out = { 0 };
	struct progress prog = { 0 };
	soma_sim *sim = NULL;
	soma_network *net;
	uint64_t steps, chunk, chunk_max, done = 0;
	double wall_s = 0.0;
	char *summary = NULL;
	int st, rc = CLI_EXIT_FAIL, plots, planned = 0;

	st = soma_sim_load(opts->model, opts->overrides, opts->n_overrides, &sim);
	if (st != SOMA_OK) {
		const char *msg = sim ? soma_sim_errmsg(sim) : NULL;

		if (msg && msg[0])
			cli_error("%s", msg);
		else
			cli_error("%s: %s", opts->model, soma_strerror(st));
		soma_sim_destroy(sim);
		return st == SOMA_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	net = soma_sim_network(sim);

	if (opts->out_dir)
		out.dir = strdup(opts->out_dir);
	else if (soma_sim_output_dir(sim))
		out.dir = strdup(soma_sim_output_dir(sim));
	else
		out.dir = default_out_dir(opts->model);
	if (!out.dir) {
		cli_error("out of memory");
		goto out;
	}
	if (opts->threads > 0 && soma_network_set_threads(net, opts->threads)) {
		cli_error("%s", soma_network_errmsg(net));
		goto out_fail;
	}
	plots = !opts->no_plots && soma_sim_plots(sim);
	steps = soma_network_steps_for(net, soma_sim_duration(sim));

	/* configuration errors the loader could not see (e.g. rate * dt >= 1) */
	st = soma_network_prepare(net);
	if (st != SOMA_OK) {
		cli_error("%s: %s", opts->model, soma_network_errmsg(net));
		rc = st == SOMA_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
		goto out;
	}

	/* from here on, an interrupt stops the run cleanly */
	cli_catch_signals();
	st = soma_network_open_outputs(net, out.dir);
	if (st != SOMA_OK) {
		cli_error("%s", soma_network_errmsg(net)[0] ?
			  soma_network_errmsg(net) : soma_strerror(st));
		goto out;
	}
	if (collect_outputs(sim, net, &out)) {
		cli_error("out of memory");
		goto out_fail;
	}
	/* after the opening, which locks the directory against a second run
	 * and writes only NAME.part files */
	if (cli_remove_previous(&out) || write_planned_manifest(&out, plots))
		goto out_fail;
	planned = 1;
	if (cli_signal) {
		cli_error("interrupted: no output written");
		rc = 128 + cli_signal;
		goto out_fail;
	}

	/* the run, in chunks of at most 1% and about CHUNK_S of work */
	chunk_max = steps / CHUNKS;
	if (chunk_max == 0)
		chunk_max = 1;
	chunk = chunk_max < FIRST_CHUNK ? chunk_max : FIRST_CHUNK;
	prog.enabled = isatty(STDERR_FILENO);
	prog.t0 = now_s();
	while (done < steps && !cli_signal) {
		uint64_t n = steps - done < chunk ? steps - done : chunk;
		double t = now_s();

		st = soma_network_run(net, n);
		if (st != SOMA_OK)
			break;
		done += n;
		t = now_s() - t;
		if (t < CHUNK_S / 2 && chunk < chunk_max)
			chunk = 2 * chunk < chunk_max ? 2 * chunk : chunk_max;
		else if (t > 2 * CHUNK_S && chunk > 1)
			chunk /= 2;
		progress_update(&prog, done, steps);
	}
	wall_s = now_s() - prog.t0;
	progress_clear(&prog);
	if (st != SOMA_OK) {
		const char *msg = soma_network_errmsg(net);

		cli_error("%s: run failed: %s", opts->model,
			  msg[0] ? msg : soma_strerror(st));
		goto out_fail;
	}
	if (cli_signal) {
		cli_error("interrupted at t = %g ms of %g ms: no output written",
			  soma_network_time(net),
			  (double)steps * soma_network_dt(net));
		rc = 128 + cli_signal;
		goto out_fail;
	}
	out.t_end_ms = soma_network_time(net);
	for (size_t i = 0; i < out.n_rec; i++)
		if (out.rec[i].kind == SOMA_MONITOR_SPIKES)
			out.rec[i].spikes = soma_population_spike_count(
				net, out.rec[i].population);

	st = soma_network_close_outputs(net);
	if (st != SOMA_OK) {
		cli_error("%s", soma_network_errmsg(net)[0] ?
			  soma_network_errmsg(net) : soma_strerror(st));
		goto out;
	}
	if (note_data_files(&out))
		goto out;
	summary = cli_path_join(out.dir, "summary.json");
	if (!summary) {
		cli_error("out of memory");
		goto out;
	}
	st = soma_network_write_summary(net, summary, opts->model, wall_s);
	if (st != SOMA_OK) {
		cli_error("%s", soma_network_errmsg(net)[0] ?
			  soma_network_errmsg(net) : soma_strerror(st));
		goto out;
	}
	if (cli_note_written(&out, "summary.json"))
		goto out;

	rc = CLI_EXIT_OK;
	if (plots && steps > 0) {
		switch (cli_plot(&out)) {
		case CLI_PLOT_OK:
		case CLI_PLOT_NO_GNUPLOT:
			break;
		case CLI_PLOT_INTERRUPTED:
			cli_error("interrupted while drawing the figures: the data, "
				  "summary.json and the scripts are in %s", out.dir);
			rc = 128 + cli_signal;
			goto out;
		default:
			rc = CLI_EXIT_FAIL;
			break;
		}
	}
	print_summary(opts, net, &out, wall_s);
	goto out;

out_fail:
	/* destroying the network closes the NAME.part files unrenamed */
	soma_sim_destroy(sim);
	sim = NULL;
	remove_part_files(&out);
out:
	/* what this run wrote, for the next run into the directory to remove;
	 * when it wrote nothing, the planned list goes too (its .part files are
	 * removed) */
	rc = cli_finish_manifest(&out, planned, rc);
	free(summary);
	cli_free_outputs(&out);
	soma_sim_destroy(sim);
	return rc;
}
