/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The soma command-line program: declarations shared by its files.
 *
 * The program uses only the public C API of libsoma. Its own non-static
 * names carry the prefix cli_ (not soma__), so they can never interpose on an
 * internal symbol of the shared library.
 */
#ifndef SOMA_CLI_H
#define SOMA_CLI_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "soma/soma.h"

/* Exit codes of the program. */
enum {
	CLI_EXIT_OK = 0,    /* success */
	CLI_EXIT_FAIL = 1,  /* the run failed (numerical error, output error) */
	CLI_EXIT_USAGE = 2  /* bad command line or bad model file */
};

/* What `soma run` was asked to do. */
struct cli_run_opts {
	const char *model;          /* model file, as given */
	const char *out_dir;        /* -o DIR, or NULL for the file's outputs.dir */
	soma_override *overrides;   /* --set, --duration, --dt, --seed, in order */
	size_t n_overrides;
	int no_plots;               /* --no-plots */
	int threads;                /* --threads, 0: the library's default */
};

/* `soma run`: load, run, write outputs, summary and figures.
 * Returns an exit code. */
int cli_run(const struct cli_run_opts *opts);

/* `soma models`: list the built-in models named in @names (all when
 * @n_names is 0), as readable text or as a markdown table.
 * Returns an exit code. */
int cli_models(int markdown, char *const *names, int n_names);

/* One recording, copied from soma_network_monitor_info() while the outputs
 * are open. File names are relative to the output directory. */
struct cli_record {
	soma_monitor_kind kind;
	int population;       /* population index */
	char *pop_name;       /* population name */
	uint32_t pop_size;    /* neurons in the population */
	char *variable;       /* state variable (state), else NULL */
	char *unit;           /* its unit, "" if dimensionless (state), else NULL */
	uint32_t n_neurons;   /* recorded neurons (state) */
	uint64_t spikes;      /* spikes recorded (spikes; set after the run) */
	char *file;           /* data file: "spikes.csv" or "POP.VAR.csv" */
	char *figure;         /* state: grid figure it is a panel of, or NULL */
	const char *columns;  /* what the columns index: "neuron", "pre neuron",
				 "post neuron" or "synapse" */
};

/* A figure: its script STEM.gp and, when drawn, STEM.png and STEM.svg. */
struct cli_figure {
	char *stem;               /* e.g. "raster_E" or "E.V" */
	int drawn;                /* STEM.png and STEM.svg are complete */
	int log_fd;               /* gnuplot's stderr (a memfd), or -1 */
};

/* The files of a run, relative to @dir. */
struct cli_outputs {
	char *dir;                /* output directory, as given */
	char *rates_file;         /* "rates.csv", or NULL without spike recordings */
	struct cli_record *rec;   /* recordings, in order */
	size_t n_rec;
	double t_end_ms;          /* simulated time, ms */
	struct cli_figure *figures; /* figures whose script was written */
	size_t n_figures;
	char **written;           /* files this run wrote under their final name */
	size_t n_written;         /* (the manifest, see cli_run()) */
};

/* Remember that @name (relative to out->dir) was written under its final
 * name. Returns 0, or -1 when out of memory (message printed). */
int cli_note_written(struct cli_outputs *out, const char *name);

/* The signal (SIGINT or SIGTERM) that asked the run to stop, else 0. Set by
 * the handlers cli_run() installs; polled between chunks of work. */
extern volatile sig_atomic_t cli_signal;

/* Result of cli_plot(). */
enum {
	CLI_PLOT_OK = 0,          /* scripts written and rendered */
	CLI_PLOT_NO_GNUPLOT = 1,  /* scripts written; gnuplot could not be run */
	CLI_PLOT_FAILED = -1,     /* a script could not be written or gnuplot failed */
	CLI_PLOT_INTERRUPTED = -2 /* cli_signal was set: drawing stopped */
};

/*
 * Write one gnuplot script per figure into out->dir (raster_POP.gp for each
 * spike recording, POP.VAR.gp for each state recording) and run gnuplot on
 * each, in out->dir, to draw STEM.png and STEM.svg. The program run is the
 * value of the environment variable SOMA_GNUPLOT, else "gnuplot". gnuplot
 * draws into STEM.png.part and STEM.svg.part, renamed to their final names
 * only when gnuplot succeeded and the file is complete; otherwise (and when
 * interrupted) they are removed. Fills out->figures and notes every file
 * written (cli_note_written()). Messages go to stderr. Returns a CLI_PLOT_*
 * code.
 */
int cli_plot(struct cli_outputs *out);

/* The name of @r's figure: raster_POP, POP.VAR, or the name of the grid
 * figure it is a panel of (record.state[].figure), in a new string (NULL when
 * out of memory). Its script is STEM.gp, its figures STEM.png and STEM.svg. */
char *cli_figure_stem(const struct cli_record *r);

/*
 * Draw every figure of out->figures (their scripts STEM.gp written in
 * out->dir) with gnuplot, as cli_plot() does. Returns a CLI_PLOT_* code.
 */
int cli_render(struct cli_outputs *out);

/* Write file @name of out->dir with @put(f, @ctx), as NAME.part renamed when
 * complete, and note it written. 0 or -1 (message printed; the .part file
 * removed). */
int cli_write_text(struct cli_outputs *out, const char *name,
		   void (*put)(FILE *f, const void *ctx), const void *ctx);

/* Pieces of every gnuplot script: the head (comment, output names, size),
 * the loop over the formats around the plotting commands, and a
 * single-quoted string. */
void cli_gp_head(FILE *f, const char *what, const char *stem, int width,
		 int height);
void cli_gp_loop_open(FILE *f);
void cli_gp_loop_close(FILE *f);
void cli_gp_quoted(FILE *f, const char *s);

/* The manifest of the files a run wrote, in the output directory. */
#define CLI_MANIFEST ".soma-outputs"

/* Remove the outputs of the previous run into out->dir (the files its
 * manifest lists). 0 or -1 (message printed). */
int cli_remove_previous(const struct cli_outputs *out);
/* Write the manifest listing @n @names / the files of out->written.
 * 0 or -1 (message printed). */
int cli_write_manifest_names(const struct cli_outputs *out,
			     char *const *names, size_t n);
int cli_write_manifest(const struct cli_outputs *out);
/* At the end of a command: the manifest of the files written, or, when
 * none was, no manifest (the planned one removed). Returns @rc, or
 * CLI_EXIT_FAIL when the manifest could not be written. */
int cli_finish_manifest(const struct cli_outputs *out, int planned, int rc);
/* Free what @out holds (not @out). */
void cli_free_outputs(struct cli_outputs *out);
/* Catch SIGINT and SIGTERM into cli_signal. */
void cli_catch_signals(void);

/* What `soma analyze` was asked to do. */
struct cli_analyze_opts {
	int kind;                   /* soma_analysis_kind */
	const char *file;           /* analysis file */
	const char *out_dir;        /* -o DIR, or NULL */
	soma_override *overrides;   /* --set */
	size_t n_overrides;
	int no_plots;
};

/* `soma analyze`: returns an exit code. */
int cli_analyze(const struct cli_analyze_opts *opts);

/* "DIR/NAME" in a new string, or NULL when out of memory. */
char *cli_path_join(const char *dir, const char *name);

/* Print "soma: MESSAGE" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
