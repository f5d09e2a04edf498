/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soma: the command-line program. This file holds the command dispatch, the
 * help texts and the parsing of each command's arguments; run.c, plot.c and
 * models.c do the work.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: soma COMMAND [ARGS]\n"
	"       soma --help [COMMAND] | --version\n"
	"\n"
	"soma simulates networks of spiking neurons described in a model file.\n"
	"\n"
	"Commands:\n"
	"  run MODEL.yaml [OPTIONS]   run a model file; write data, summary and figures\n"
	"  analyze phase-plane|bifurcation FILE.yaml [OPTIONS]\n"
	"                             phase-plane or bifurcation analysis of a model\n"
	"  models [--markdown] [NAME...]\n"
	"                             describe the built-in models (parameters, units,\n"
	"                             defaults, valid ranges, sources)\n"
	"  help [COMMAND]             show this help, or a command's help\n"
	"\n"
	"Options:\n"
	"  -h, --help                 show this help and exit\n"
	"  -V, --version              show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 the run failed, 2 bad command line or model file,\n"
	"130 or 143 interrupted (SIGINT, SIGTERM).\n"
	"The model-file format is described in docs/model-file.md, the analysis\n"
	"files of `soma analyze` in docs/analysis-file.md.\n";

static const char run_usage_text[] =
	"Usage: soma run MODEL.yaml [OPTIONS]\n"
	"\n"
	"Load MODEL.yaml, run it and write into the output directory:\n"
	"  summary.json      version, seed, dt, duration, steps, wall time, spikes and\n"
	"                    mean rate per population, synapses per projection\n"
	"  spikes.csv        t_ms,population,index: one row per recorded spike\n"
	"  rates.csv         t_ms, then the population rate (Hz) of each recorded population\n"
	"  POP.VAR.csv       t_ms, then one column per recorded neuron\n"
	"  raster_POP.png/.svg, POP.VAR.png/.svg  figures, drawn with gnuplot, beside\n"
	"                    their scripts raster_POP.gp and POP.VAR.gp\n"
	"                    (restyle and re-render with `cd DIR && gnuplot FILE.gp`)\n"
	"  .soma-outputs     the names of the files above that the run wrote, one a line\n"
	"\n"
	"Every file is written as NAME.part and renamed to NAME when complete, so no\n"
	"file under its final name is ever truncated. One run at a time writes into\n"
	"a directory (it locks .soma.lock). .soma-outputs lists the files of a run:\n"
	"at its start every name it may write (so even a killed run leaves nothing\n"
	"unlisted), at its end the files it wrote. The next run into the directory\n"
	"(once its model file is found valid) removes those, regular files with a\n"
	"plain name only, and nothing else, before it writes its own. So the\n"
	"directory never holds files of two runs: after a failed run, none of the\n"
	"previous run's remain.\n"
	"SIGINT (Ctrl-C) or SIGTERM stops a run. While it runs, it leaves no file;\n"
	"while it draws, the data, summary.json and scripts stay, and no figure\n"
	"that is incomplete.\n"
	"\n"	"Options:\n"
	"  -o, --output DIR      output directory (default: outputs.dir of the file,\n"
	"                        else out/NAME for MODEL file NAME.yaml)\n"
	"      --duration T      simulated time, e.g. 200ms (simulation.duration)\n"
	"      --dt DT           step, e.g. 0.05ms (simulation.dt)\n"
	"      --seed S          seed of every random stream (simulation.seed)\n"
	"  -s, --set KEY=VALUE   set a value of the model file before it is checked,\n"
	"                        e.g. --set 'populations.E.params.tau=20 ms';\n"
	"                        may be repeated; applied in order\n"
	"      --no-plots        write no gnuplot scripts and no figures\n"
	"  -j, --threads N       threads for large populations (default 1; results\n"
	"                        are the same for any number)\n"
	"  -h, --help            show this help and exit\n"
	"A value may also follow '=': --duration=50ms, --set=KEY=VALUE, --output=DIR.\n"
	"\n"
	"A progress bar is shown on a terminal when the run takes more than a second.\n"
	"Environment: SOMA_GNUPLOT names the gnuplot program (default: gnuplot).\n"
	"Exit status: 0 success, 1 the run failed (numerical error, output error,\n"
	"gnuplot failed), 2 bad command line or model file, 130 interrupted by\n"
	"SIGINT, 143 by SIGTERM.\n";

static const char analyze_usage_text[] =
	"Usage: soma analyze phase-plane FILE.yaml [OPTIONS]\n"
	"       soma analyze bifurcation FILE.yaml [OPTIONS]\n"
	"\n"
	"Analyse a built-in model as analysis file FILE.yaml describes it\n"
	"(docs/analysis-file.md): the model, its parameters and constant inputs\n"
	"(params), the target variables with their ranges (target_vars) and the\n"
	"values of the others (fixed_vars).\n"
	"\n"
	"phase-plane: nullclines, every fixed point in the box with its type and\n"
	"eigenvalues (printed as \"Fixed point #1 at s2=..., s1=...\"), the vector\n"
	"field, trajectories and limit cycles. Writes fixed_points.csv and .json,\n"
	"nullcline_VAR.csv, vector_field.csv, trajectory_K.csv, limit_cycle_K.csv\n"
	"and the figure phase_plane.png/.svg beside its script phase_plane.gp.\n"
	"\n"
	"bifurcation: fixed points and their stability as one parameter varies\n"
	"(target_pars; two on a grid), with Hopf and saddle-node points located and\n"
	"limit-cycle extremes found by simulation; with slow_vars instead, the\n"
	"fast-slow analysis of a bursting model. Writes bifurcation.csv,\n"
	"bifurcation_branches.csv, bifurcation_points.csv and .json,\n"
	"limit_cycles.csv (or bifurcation_map.csv for two parameters),\n"
	"trajectory_K.csv and the figure bifurcation.png/.svg.\n"
	"\n"
	"The output directory works as for `soma run`: files written as NAME.part\n"
	"and renamed when complete, one writer at a time, the previous outputs\n"
	"(listed in .soma-outputs) removed first.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR      output directory (default: outputs.dir of the file,\n"
	"                        else out/NAME for FILE NAME.yaml)\n"
	"  -s, --set KEY=VALUE   set a value of the file before it is checked, e.g.\n"
	"                        --set params.I=0.5; may be repeated\n"
	"      --no-plots        write no gnuplot script and no figure\n"
	"  -h, --help            show this help and exit\n"
	"\n"
	"Exit status: 0 success, 1 the analysis failed (or an output error),\n"
	"2 bad command line or file, 130 or 143 interrupted (SIGINT, SIGTERM:\n"
	"no data written).\n";

static const char models_usage_text[] =
	"Usage: soma models [--markdown] [NAME...]\n"
	"\n"
	"Describe the built-in models: kind, parameters and state variables with\n"
	"unit, default, valid range and meaning, and the source of the equations.\n"
	"With NAMEs, describe only those models, with their equations.\n"
	"\n"
	"Options:\n"
	"  -m, --markdown   print a markdown table (name, kind, title, parameters\n"
	"                   with default and unit, source), as in README.md\n"
	"  -h, --help       show this help and exit\n";

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("soma: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *cli_path_join(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	int slash = ld > 0 && dir[ld - 1] != '/';
	char *p = malloc(ld + slash + ln + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, ld);
	if (slash)
		p[ld] = '/';
	memcpy(p + ld + slash, name, ln + 1);
	return p;
}

static int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print a usage error and the hint to the help; returns CLI_EXIT_USAGE. */
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("soma: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'soma %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return CLI_EXIT_USAGE;
}

/*
 * Report what getopt_long() rejected: an unknown or ambiguous option, a
 * missing value, or a value given to an option that takes none.
 */
static int bad_option(const char *cmd, int c, char **argv,
		      const struct option *longopts)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", arg);
	/*
	 * A long option, when getopt set optopt to 0 (unknown, ambiguous) or
	 * to the value of the option it matched (a value given to an option
	 * taking none). Any other optopt is a short option, in a cluster such
	 * as -xq that getopt has not left yet, so arg may be an earlier one.
	 */
	if (!strncmp(arg, "--", 2) && arg[2]) {
		const char *name = arg + 2, *eq = strchr(name, '=');
		int len = eq ? (int)(eq - name) : (int)strlen(name);
		const struct option *hit = NULL;
		int hits = 0;

		for (const struct option *o = longopts; o->name; o++) {
			if (strncmp(o->name, name, (size_t)len))
				continue;
			hit = o;
			if ((int)strlen(o->name) == len) {
				hits = 1;
				break;
			}
			hits++;
		}
		if (optopt == 0 && hits > 1)
			return usage_error(cmd, "option '--%.*s' is ambiguous",
					   len, name);
		if (optopt == 0)
			return usage_error(cmd, "unknown option '--%.*s'", len,
					   name);
		if (hits == 1 && eq && hit->has_arg == no_argument &&
		    hit->val == optopt)
			return usage_error(cmd, "option '--%s' takes no value",
					   hit->name);
	}
	if (optopt > 0 && optopt < 256)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", arg);
}

static int print_version(void)
{
	printf("soma %s (libsoma %s)\n", SOMA_VERSION_STRING, soma_version());
	printf("License GPL-3.0-or-later: this is free software; there is NO WARRANTY.\n");
	return CLI_EXIT_OK;
}

/* The overrides of a command line: at most one per argument. */
struct overrides {
	soma_override *ov;
	size_t n;
	char **keys;      /* the KEY parts of --set KEY=VALUE, owned */
	size_t n_keys;
};

/* Room for @argc overrides. 0, or -1 when out of memory (printed). */
static int overrides_init(struct overrides *o, int argc)
{
	o->ov = calloc((size_t)argc, sizeof(*o->ov));
	o->keys = calloc((size_t)argc, sizeof(*o->keys));
	if (!o->ov || !o->keys) {
		cli_error("out of memory");
		return -1;
	}
	return 0;
}

static void overrides_add(struct overrides *o, const char *key,
			  const char *value)
{
	o->ov[o->n].key = key;
	o->ov[o->n].value = value;
	o->n++;
}

/* --set KEY=VALUE of command @cmd (@example shows one). Returns 0 or an exit
 * code (message printed). */
static int overrides_set(struct overrides *o, const char *cmd,
			 const char *arg, const char *example)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return usage_error(cmd, "--set '%s': expected KEY=VALUE, e.g. "
				   "--set %s", arg, example);
	o->keys[o->n_keys] = strndup(arg, (size_t)(eq - arg));
	if (!o->keys[o->n_keys]) {
		cli_error("out of memory");
		return CLI_EXIT_FAIL;
	}
	overrides_add(o, o->keys[o->n_keys++], eq + 1);
	return 0;
}

static void overrides_free(struct overrides *o)
{
	for (size_t i = 0; i < o->n_keys; i++)
		free(o->keys[i]);
	free(o->keys);
	free(o->ov);
}

/* soma run MODEL.yaml [OPTIONS] (argv[0] is "run") */
static int cmd_run(int argc, char **argv)
{
	enum { OPT_DURATION = 256, OPT_DT, OPT_SEED, OPT_NO_PLOTS };
	char *end;
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "dt", required_argument, NULL, OPT_DT },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "set", required_argument, NULL, 's' },
		{ "no-plots", no_argument, NULL, OPT_NO_PLOTS },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_run_opts o = { 0 };
	struct overrides ov = { 0 };
	int c, rc = CLI_EXIT_USAGE;

	if (overrides_init(&ov, argc)) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:s:j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(run_usage_text, stdout);
			rc = CLI_EXIT_OK;
			goto out;
		case 'o':
			if (!optarg[0]) {
				rc = usage_error("run", "-o needs a directory");
				goto out;
			}
			o.out_dir = optarg;
			break;
		case OPT_DURATION:
			overrides_add(&ov, "simulation.duration", optarg);
			break;
		case OPT_DT:
			overrides_add(&ov, "simulation.dt", optarg);
			break;
		case OPT_SEED:
			overrides_add(&ov, "simulation.seed", optarg);
			break;
		case 's':
			rc = overrides_set(&ov, "run", optarg, "simulation.seed=7");
			if (rc)
				goto out;
			break;
		case OPT_NO_PLOTS:
			o.no_plots = 1;
			break;
		case 'j': {
			long t = strtol(optarg, &end, 10);
			if (!optarg[0] || *end || t < 1 || t > 1024) {
				rc = usage_error("run", "--threads '%s': expected a whole "
						 "number in [1, 1024]", optarg);
				goto out;
			}
			o.threads = (int)t;
			break;
		}
		default:
			rc = bad_option("run", c, argv, longopts);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = usage_error("run", "missing MODEL file (soma run MODEL.yaml)");
		goto out;
	}
	if (argc - optind > 1) {
		rc = usage_error("run", "one MODEL file expected, got '%s' and '%s'",
				 argv[optind], argv[optind + 1]);
		goto out;
	}
	o.model = argv[optind];
	o.overrides = ov.ov;
	o.n_overrides = ov.n;
	rc = cli_run(&o);
out:
	overrides_free(&ov);
	return rc;
}

/* soma analyze phase-plane|bifurcation FILE [OPTIONS] (argv[0] is "analyze") */
static int cmd_analyze(int argc, char **argv)
{
	enum { OPT_NO_PLOTS = 256 };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "set", required_argument, NULL, 's' },
		{ "no-plots", no_argument, NULL, OPT_NO_PLOTS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_analyze_opts o = { 0 };
	struct overrides ov = { 0 };
	int c, rc = CLI_EXIT_USAGE;

	if (overrides_init(&ov, argc)) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(analyze_usage_text, stdout);
			rc = CLI_EXIT_OK;
			goto out;
		case 'o':
			if (!optarg[0]) {
				rc = usage_error("analyze", "-o needs a directory");
				goto out;
			}
			o.out_dir = optarg;
			break;
		case 's':
			rc = overrides_set(&ov, "analyze", optarg, "params.I=0.5");
			if (rc)
				goto out;
			break;
		case OPT_NO_PLOTS:
			o.no_plots = 1;
			break;
		default:
			rc = bad_option("analyze", c, argv, longopts);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = usage_error("analyze", "missing analysis: phase-plane or bifurcation "
				 "(soma analyze phase-plane FILE.yaml)");
		goto out;
	}
	if (!strcmp(argv[optind], "phase-plane")) {
		o.kind = SOMA_ANALYSIS_PHASE_PLANE;
	} else if (!strcmp(argv[optind], "bifurcation")) {
		o.kind = SOMA_ANALYSIS_BIFURCATION;
	} else {
		rc = usage_error("analyze", "unknown analysis '%s': expected phase-plane "
				 "or bifurcation", argv[optind]);
		goto out;
	}
	if (optind + 1 >= argc) {
		rc = usage_error("analyze", "missing FILE (soma analyze %s FILE.yaml)",
				 argv[optind]);
		goto out;
	}
	if (argc - optind > 2) {
		rc = usage_error("analyze", "one FILE expected, got '%s' and '%s'",
				 argv[optind + 1], argv[optind + 2]);
		goto out;
	}
	o.file = argv[optind + 1];
	o.overrides = ov.ov;
	o.n_overrides = ov.n;
	rc = cli_analyze(&o);
out:
	overrides_free(&ov);
	return rc;
}

/* soma models [--markdown] [NAME...] (argv[0] is "models") */
static int cmd_models(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "markdown", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, markdown = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hm", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(models_usage_text, stdout);
			return CLI_EXIT_OK;
		case 'm':
			markdown = 1;
			break;
		default:
			return bad_option("models", c, argv, longopts);
		}
	}
	return cli_models(markdown, argv + optind, argc - optind);
}

/* soma help [COMMAND], soma --help [COMMAND] (argv[0] is the word "help") */
static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return usage_error(NULL, "%s: unexpected argument '%s' after '%s'",
				   argv[0], argv[2], argv[1]);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "run")) {
		fputs(run_usage_text, stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "models")) {
		fputs(models_usage_text, stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "analyze")) {
		fputs(analyze_usage_text, stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return CLI_EXIT_OK;
	}
	return usage_error(NULL, "no command '%s'", argv[1]);
}

static int dispatch(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		if (argc > 2)
			return usage_error(NULL, "%s: unexpected argument '%s'",
					   cmd, argv[2]);
		return print_version();
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "models"))
		return cmd_models(argc - 1, argv + 1);
	if (!strcmp(cmd, "analyze"))
		return cmd_analyze(argc - 1, argv + 1);
	if (!strcmp(cmd, "help"))
		return cmd_help(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return usage_error(NULL, "unknown option '%s'", cmd);
	return usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);

	/* a full disk or a closed pipe must not pass for success */
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("error writing to standard output");
		if (rc == CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
	}
	return rc;
}
