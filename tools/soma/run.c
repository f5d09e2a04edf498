/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soma run: load a model file, run it in chunks (with a progress bar on a
 * terminal), close the outputs, write summary.json, draw the figures and
 * print a short summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Chunks per run: the progress bar moves by this fraction. */
#define CHUNKS 100

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

static void free_outputs(struct cli_outputs *out)
{
	for (size_t i = 0; i < out->n_rec; i++) {
		free(out->rec[i].pop_name);
		free(out->rec[i].variable);
		free(out->rec[i].unit);
		free(out->rec[i].file);
	}
	free(out->rec);
	for (size_t i = 0; i < out->n_figures; i++)
		free(out->figures[i]);
	free(out->figures);
	free(out->rates_file);
	free(out->dir);
}

/* Copy what was recorded and the file names, while the outputs are open.
 * Returns 0 or -1 when out of memory. */
static int collect_outputs(const soma_network *net, struct cli_outputs *out)
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
		name = soma_population_name(net, mi.population);
		r->kind = mi.kind;
		r->population = mi.population;
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

/* ---- summary on stdout --------------------------------------------------- */

static void print_summary(const struct cli_run_opts *opts,
			  const soma_network *net, const struct cli_outputs *out,
			  double wall_s, int figures)
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
		const char *s = out->figures[i];

		if (figures)
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
	uint64_t steps, chunk, done = 0;
	double wall_s = 0.0;
	char *summary = NULL;
	int st, rc = CLI_EXIT_FAIL, plots, drawn = 0;

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
	plots = !opts->no_plots && soma_sim_plots(sim);
	steps = soma_network_steps_for(net, soma_sim_duration(sim));

	/* configuration errors the loader could not see (e.g. rate * dt >= 1) */
	st = soma_network_prepare(net);
	if (st != SOMA_OK) {
		cli_error("%s: %s", opts->model, soma_network_errmsg(net));
		rc = st == SOMA_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
		goto out;
	}

	st = soma_network_open_outputs(net, out.dir);
	if (st != SOMA_OK) {
		cli_error("%s", soma_network_errmsg(net)[0] ?
			  soma_network_errmsg(net) : soma_strerror(st));
		goto out;
	}
	if (collect_outputs(net, &out)) {
		cli_error("out of memory");
		goto out_fail;
	}

	/* the run, in chunks of about 1% */
	chunk = steps / CHUNKS;
	if (chunk == 0)
		chunk = 1;
	prog.enabled = isatty(STDERR_FILENO);
	prog.t0 = now_s();
	while (done < steps) {
		uint64_t n = steps - done < chunk ? steps - done : chunk;

		st = soma_network_run(net, n);
		if (st != SOMA_OK)
			break;
		done += n;
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

	rc = CLI_EXIT_OK;
	if (plots && steps > 0) {
		switch (cli_plot(&out)) {
		case CLI_PLOT_OK:
			drawn = 1;
			break;
		case CLI_PLOT_NO_GNUPLOT:
			break;
		default:
			rc = CLI_EXIT_FAIL;
			break;
		}
	}
	print_summary(opts, net, &out, wall_s, drawn);
	goto out;

out_fail:
	/* destroying the network closes the NAME.part files unrenamed */
	soma_sim_destroy(sim);
	sim = NULL;
	remove_part_files(&out);
out:
	free(summary);
	free_outputs(&out);
	soma_sim_destroy(sim);
	return rc;
}
