/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The model-file loader (sim.h): the example E/I network built as written,
 * overrides, exact error messages, every malformed file of tests/data/bad,
 * and silence on stderr.
 */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "soma/soma.h"

#define EXAMPLE SOMA_SOURCE_DIR "/examples/ei_balanced.yaml"
#define BAD_DIR SOMA_SOURCE_DIR "/tests/data/bad"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/soma_modelfile_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write @text to tmpdir/@name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Write @len bytes of @data to tmpdir/@name; returns the path. */
static const char *write_bytes(const char *name, const char *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The message of a failed load must start with @prefix and go on. */
static void load_fails_prefix(const char *path, const soma_override *ov,
			      size_t n, int status, const char *prefix)
{
	soma_sim *sim = NULL;
	int rc = soma_sim_load(path, ov, n, &sim);

	assert_non_null(sim);
	if (rc != status)
		fail_msg("%s: status %d, expected %d: %s", path, rc, status,
			 soma_sim_errmsg(sim));
	assert_null(soma_sim_network(sim));
	if (strncmp(soma_sim_errmsg(sim), prefix, strlen(prefix)))
		fail_msg("message\n  %s\ndoes not start with\n  %s",
			 soma_sim_errmsg(sim), prefix);
	assert_true(strlen(soma_sim_errmsg(sim)) > strlen(prefix));
	soma_sim_destroy(sim);
}

static soma_sim *load_ok(const char *path, const soma_override *ov, size_t n)
{
	soma_sim *sim = NULL;
	int rc = soma_sim_load(path, ov, n, &sim);

	if (rc != SOMA_OK)
		fail_msg("%s: status %d: %s", path, rc, soma_sim_errmsg(sim));
	assert_non_null(soma_sim_network(sim));
	assert_string_equal(soma_sim_errmsg(sim), "");
	return sim;
}

/* Load must fail with @status and exactly @msg. */
static void load_fails(const char *path, const soma_override *ov, size_t n,
		       int status, const char *msg)
{
	soma_sim *sim = NULL;
	int rc = soma_sim_load(path, ov, n, &sim);

	assert_non_null(sim);
	if (rc != status)
		fail_msg("%s: status %d, expected %d: %s", path, rc, status,
			 soma_sim_errmsg(sim));
	assert_null(soma_sim_network(sim));
	if (msg)
		assert_string_equal(soma_sim_errmsg(sim), msg);
	soma_sim_destroy(sim);
}

static double param(soma_network *net, int pop, const char *name)
{
	double x = NAN;

	assert_int_equal(soma_population_get_param(net, pop, name, &x), SOMA_OK);
	return x;
}

static double syn_param(soma_network *net, int proj, const char *name)
{
	double x = NAN;

	assert_int_equal(soma_projection_get_param(net, proj, name, &x), SOMA_OK);
	return x;
}

/* ---- the example -------------------------------------------------------- */

static void test_example(void **state)
{
	static const char *const proj_names[] = { "E2E", "E2I", "I2E", "I2I" };
	static const int pre[] = { 0, 0, 1, 1 }, post[] = { 0, 1, 0, 1 };
	soma_monitor_info mi;
	soma_sim *sim;
	soma_network *net;
	const double *V;
	int i;

	(void)state;
	sim = load_ok(EXAMPLE, NULL, 0);
	net = soma_sim_network(sim);

	assert_string_equal(soma_sim_path(sim), EXAMPLE);
	assert_true(soma_sim_duration(sim) == 500.0);
	assert_string_equal(soma_sim_output_dir(sim), "out/ei_balanced");
	assert_int_equal(soma_sim_plots(sim), 1);
	assert_true(fabs(soma_network_dt(net) - 0.1) < 1e-15);
	assert_int_equal(soma_network_seed(net), 1);

	/* populations, in file order, with their parameters */
	assert_int_equal(soma_network_population_count(net), 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(soma_population_name(net, i), i ? "I" : "E");
		assert_string_equal(soma_population_model(net, i)->name, "lif");
		assert_int_equal(soma_population_size(net, i), 500);
		assert_true(param(net, i, "tau") == 10.0);
		assert_true(param(net, i, "V_rest") == -52.0);
		assert_true(param(net, i, "V_reset") == -60.0);
		assert_true(param(net, i, "V_th") == -50.0);
		/* not in the file: the model's default */
		assert_true(param(net, i, "t_refractory") == 1.0);
		/* V drawn uniformly on [-52, -50) mV */
		assert_int_equal(soma_population_state(net, i, "V", &V), SOMA_OK);
		double lo = INFINITY, hi = -INFINITY;
		for (int k = 0; k < 500; k++) {
			lo = fmin(lo, V[k]);
			hi = fmax(hi, V[k]);
		}
		assert_true(lo >= -52.0 && hi < -50.0 && hi - lo > 1.5);
	}

	/* four projections, p = 0.1, constant weights +-J */
	assert_int_equal(soma_network_projection_count(net), 4);
	for (i = 0; i < 4; i++) {
		const uint64_t *row;
		const uint32_t *idx;
		const double *w;
		uint64_t nnz = soma_projection_synapse_count(net, i);
		double want = pre[i] ? -0.1414214 : 0.1414214;
		int id;

		assert_string_equal(soma_projection_name(net, i), proj_names[i]);
		assert_int_equal(soma_projection_find(net, proj_names[i], &id),
				 SOMA_OK);
		assert_int_equal(id, i);
		/* 250000 pairs (249500 without self-connections) with p = 0.1 */
		assert_true(nnz > 23500 && nnz < 26500);
		assert_int_equal(soma_projection_csr(net, i, &row, &idx, &w),
				 SOMA_OK);
		assert_int_equal(row[500], nnz);
		for (uint64_t k = 0; k < nnz; k++)
			assert_true(w[k] == want);
		assert_true(syn_param(net, i, "tau") == 2.0);
		assert_int_equal(soma_projection_delay_steps(net, i), 0);
		(void)post;
	}
	/* no self-connections in E2E */
	{
		const uint64_t *row;
		const uint32_t *idx;

		soma_projection_csr(net, 0, &row, &idx, NULL);
		for (uint32_t n = 0; n < 500; n++)
			for (uint64_t k = row[n]; k < row[n + 1]; k++)
				assert_true(idx[k] != n);
	}

	/* recordings: spikes of E and I (5 ms window), V of E 0..2 */
	assert_int_equal(soma_network_monitor_count(net), 3);
	for (i = 0; i < 2; i++) {
		assert_int_equal(soma_network_monitor_info(net, i, &mi), SOMA_OK);
		assert_int_equal(mi.kind, SOMA_MONITOR_SPIKES);
		assert_int_equal(mi.population, i);
		assert_true(mi.rate_window_ms == 5.0);
	}
	assert_int_equal(soma_network_monitor_info(net, 2, &mi), SOMA_OK);
	assert_int_equal(mi.kind, SOMA_MONITOR_STATE);
	assert_int_equal(mi.population, 0);
	assert_string_equal(mi.variable, "V");
	assert_int_equal(mi.n_neurons, 3);
	assert_int_equal(mi.every, 1);

	soma_sim_destroy(sim);
}

/* The constant inputs of the example drive every neuron with 3 pA: with
 * R = 1 GOhm and no spikes yet, V relaxes towards V_rest + 3 mV. */
static void test_example_inputs(void **state)
{
	soma_override ov[] = {
		{ "projections", "{}" },
		{ "populations.E.init.V", "-52 mV" },
		{ "populations.E.params.V_th", "0 mV" },
	};
	soma_sim *sim;
	soma_network *net;
	const double *V;

	(void)state;
	sim = load_ok(EXAMPLE, ov, 3);
	net = soma_sim_network(sim);
	assert_int_equal(soma_network_projection_count(net), 0);
	assert_int_equal(soma_network_run(net, 2000), SOMA_OK); /* 200 ms */
	assert_int_equal(soma_population_state(net, 0, "V", &V), SOMA_OK);
	for (int k = 0; k < 500; k++)
		assert_true(fabs(V[k] - (-49.0)) < 1e-3);
	soma_sim_destroy(sim);
}

/* ---- overrides ---------------------------------------------------------- */

static void test_overrides(void **state)
{
	soma_override ov[] = {
		{ "populations.E.params.tau", "20 ms" },
		{ "simulation.seed", "7" },
		{ "simulation.duration", "1 s" },
		{ "simulation.dt", "50 us" },
		{ "projections.E2E.weight", "{uniform: [0, 1]}" },
		{ "populations.I.params.t_refractory", "2 ms" }, /* added */
		{ "record.state.0.neurons", "[4, 5]" },
		{ "record.state.0.every", "10" },
		{ "record.spikes", "[I]" },
		{ "outputs", "{plots: false}" },
		{ "projections.I2I.delay", "1.5 ms" },      /* added */
		{ "populations.N", "{model: poisson, size: 3, params: {rate: 0.02 kHz}}" },
	};
	soma_monitor_info mi;
	soma_sim *sim;
	soma_network *net;
	const double *w;

	(void)state;
	sim = load_ok(EXAMPLE, ov, sizeof(ov) / sizeof(ov[0]));
	net = soma_sim_network(sim);
	assert_true(param(net, 0, "tau") == 20.0);
	assert_true(param(net, 1, "tau") == 10.0);
	assert_true(param(net, 1, "t_refractory") == 2.0);
	assert_int_equal(soma_network_seed(net), 7);
	assert_true(soma_sim_duration(sim) == 1000.0);
	assert_true(fabs(soma_network_dt(net) - 0.05) < 1e-15);
	assert_int_equal(soma_projection_delay_steps(net, 3), 30);

	/* drawn weights of E2E, constant ones elsewhere */
	uint64_t nnz = soma_projection_synapse_count(net, 0);
	assert_int_equal(soma_projection_csr(net, 0, NULL, NULL, &w), SOMA_OK);
	double lo = INFINITY, hi = -INFINITY;
	for (uint64_t k = 0; k < nnz; k++) {
		lo = fmin(lo, w[k]);
		hi = fmax(hi, w[k]);
	}
	assert_true(lo >= 0.0 && hi < 1.0 && hi - lo > 0.9);

	/* the replaced output section has no dir: the default */
	assert_int_equal(soma_sim_plots(sim), 0);
	assert_string_equal(soma_sim_output_dir(sim), "out/ei_balanced");

	/* a population added at the end */
	assert_int_equal(soma_network_population_count(net), 3);
	assert_string_equal(soma_population_name(net, 2), "N");
	assert_true(param(net, 2, "rate") == 20.0);

	assert_int_equal(soma_network_monitor_count(net), 2);
	assert_int_equal(soma_network_monitor_info(net, 0, &mi), SOMA_OK);
	assert_int_equal(mi.kind, SOMA_MONITOR_SPIKES);
	assert_int_equal(mi.population, 1);
	assert_int_equal(soma_network_monitor_info(net, 1, &mi), SOMA_OK);
	assert_int_equal(mi.n_neurons, 2);
	assert_int_equal(mi.every, 10);
	soma_sim_destroy(sim);

	/* a later override wins over an earlier one on the same key */
	{
		soma_override twice[] = {
			{ "populations.E.params", "{tau: 5 ms}" },
			{ "populations.E.params.tau", "6 ms" },
			{ "populations.E.params.tau", "7 ms" },
		};

		sim = load_ok(EXAMPLE, twice, 3);
		assert_true(param(soma_sim_network(sim), 0, "tau") == 7.0);
		/* the first replaced the whole mapping */
		assert_true(param(soma_sim_network(sim), 0, "V_th") == 20.0);
		soma_sim_destroy(sim);
	}
}

static void test_override_errors(void **state)
{
	char want[1024];

	(void)state;
	/* a bad value: the message names the override, not a file position */
	{
		soma_override ov[] = { { "populations.E.params.tau", "-3 ms" } };

		snprintf(want, sizeof(want),
			 "%s: override 'populations.E.params.tau=-3 ms': populations.E.params.tau: -3 ms is out of range: must be in (0, inf) ms",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_ERANGE, want);
	}
	/* a whole entry replaced by an override: errors found in it (by the
	 * loader or by the network) name the override, not the file position
	 * of the entry's key */
	{
		soma_override ov[] = { { "inputs.drive_E", "{target: E}" } };

		snprintf(want, sizeof(want),
			 "%s: override 'inputs.drive_E={target: E}': inputs.drive_E: missing key 'current', 'segments', 'steps' or 'ramp' (a constant, [value, duration] pairs, [time, value] pairs, or {from, to, start, end})",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EPARSE, want);
	}
	{
		soma_override ov[] = { { "inputs.drive_E",
					 "{target: E, current: 1 pA, neurons: [0, 0]}" } };

		snprintf(want, sizeof(want),
			 "%s: override 'inputs.drive_E={target: E, current: 1 pA, neurons: [0, 0]}': inputs.drive_E: input to 'E': neuron 0 is listed twice",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EINVAL, want);
	}
	/* a missing intermediate key is named, with a did-you-mean */
	{
		soma_override ov[] = { { "populations.Ex.size", "3" } };

		snprintf(want, sizeof(want),
			 "%s: override 'populations.Ex.size=3': populations.Ex: no such key in the file (did you mean 'E'?)",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EPARSE, want);
	}
	/* an added key is still checked */
	{
		soma_override ov[] = { { "populations.E.sise", "3" } };

		snprintf(want, sizeof(want),
			 "%s: override 'populations.E.sise=3': populations.E.sise: unknown key (did you mean 'size'?)",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EPARSE, want);
	}
	/* into a scalar */
	{
		soma_override ov[] = { { "simulation.dt.x", "1" } };

		snprintf(want, sizeof(want),
			 "%s: override 'simulation.dt.x=1': simulation.dt: is '0.1 ms', not a mapping: cannot set 'x' in it",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EPARSE, want);
	}
	/* not YAML, empty value, bad keys, list index out of range */
	{
		soma_override a[] = { { "simulation.dt", "[1" } };
		soma_override b[] = { { "simulation.dt", "" } };
		soma_override c[] = { { "simulation..dt", "1" } };
		soma_override d[] = { { "record.state.5.every", "1" } };
		soma_override e[] = { { "", "1" } };
		soma_override f[] = { { "simulation.dt", "10 mV" } };

		load_fails(EXAMPLE, a, 1, SOMA_EPARSE, NULL);
		load_fails(EXAMPLE, b, 1, SOMA_EPARSE, NULL);
		load_fails(EXAMPLE, c, 1, SOMA_EPARSE, NULL);
		load_fails(EXAMPLE, d, 1, SOMA_EPARSE, NULL);
		load_fails(EXAMPLE, e, 1, SOMA_EPARSE, NULL);
		snprintf(want, sizeof(want),
			 "%s: override 'simulation.dt=10 mV': simulation.dt: unit 'mV' is a voltage, expected a time (ms)",
			 EXAMPLE);
		load_fails(EXAMPLE, f, 1, SOMA_EUNIT, want);
	}
	/* an alias in a value is not resolved: it is named as such */
	{
		soma_override ov[] = { { "populations.E.params", "{tau: *p}" } };

		snprintf(want, sizeof(want),
			 "%s: override 'populations.E.params={tau: *p}': populations.E.params.tau: got an alias *p, expected a time (a number in ms, or with a unit)",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_EPARSE, want);
	}
	/* infinity is no valid parameter value, even where the range has no end */
	{
		soma_override ov[] = { { "populations.E.params.tau", "inf ms" } };

		snprintf(want, sizeof(want),
			 "%s: override 'populations.E.params.tau=inf ms': populations.E.params.tau: inf ms is out of range: must be in (0, inf) ms",
			 EXAMPLE);
		load_fails(EXAMPLE, ov, 1, SOMA_ERANGE, want);
	}
}

/* ---- exact messages ------------------------------------------------------ */

static const char small[] =
	"simulation:\n"                       /* 1 */
	"  dt: 0.1 ms\n"                      /* 2 */
	"  duration: 10 ms\n"                 /* 3 */
	"populations:\n"                      /* 4 */
	"  E:\n"                              /* 5 */
	"    model: lif\n"                    /* 6 */
	"    size: 4\n"                       /* 7 */
	"    params: {tau: 10 ms}\n"          /* 8 */
	"projections:\n"                      /* 9 */
	"  EE: {pre: E, post: E, synapse: exponential, connector: all_to_all, weight: 1 pA}\n";

static void test_messages(void **state)
{
	soma_override o1[] = { { "populations.E.params.tau", "-3 ms" } };
	char want[1024];
	const char *path;

	(void)state;
	path = write_file("small.yaml", small);
	soma_sim_destroy(load_ok(path, NULL, 0));

	/* an error in the file: position of the value, key path */
	path = write_file("tau.yaml",
			  "simulation:\n"
			  "  dt: 0.1 ms\n"
			  "  duration: 10 ms\n"
			  "populations:\n"
			  "  E:\n"
			  "    model: lif\n"
			  "    params:\n"
			  "      tau: -3 ms\n"
			  "    size: 4\n");
	snprintf(want, sizeof(want),
		 "%s:8:12: populations.E.params.tau: -3 ms is out of range: must be in (0, inf) ms",
		 path);
	load_fails(path, NULL, 0, SOMA_ERANGE, want);

	/* a misspelt key: position of the key */
	path = write_file("sise.yaml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations:\n"
			  "  E:\n"
			  "    model: lif\n"
			  "    sise: 4\n");
	snprintf(want, sizeof(want),
		 "%s:5:5: populations.E.sise: unknown key (did you mean 'size'?)",
		 path);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);

	/* a wrong dimension in a flow mapping */
	path = write_file("delay.yaml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations: {E: {model: lif, size: 4}}\n"
			  "projections:\n"
			  "  EE: {pre: E, post: E, synapse: exponential, connector: all_to_all, weight: 1 pA, delay: 2 mV}\n");
	snprintf(want, sizeof(want),
		 "%s:4:91: projections.EE.delay: unit 'mV' is a voltage, expected a time (ms)",
		 path);
	load_fails(path, NULL, 0, SOMA_EUNIT, want);

	/* a YAML syntax error, from libfyaml's diagnostics */
	path = write_file("syntax.yaml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms\n"
			  "populations: {}\n");
	{
		soma_sim *sim;

		assert_int_equal(soma_sim_load(path, NULL, 0, &sim), SOMA_EPARSE);
		snprintf(want, sizeof(want), "%s:", path);
		assert_memory_equal(soma_sim_errmsg(sim), want, strlen(want));
		assert_non_null(strstr(soma_sim_errmsg(sim), "YAML syntax error: "));
		soma_sim_destroy(sim);
	}

	/* a missing file */
	snprintf(want, sizeof(want), "%s/none.yaml", tmpdir);
	{
		soma_sim *sim;
		char msg[1100];

		assert_int_equal(soma_sim_load(want, NULL, 0, &sim), SOMA_EIO);
		snprintf(msg, sizeof(msg), "%s: cannot read: ", want);
		assert_memory_equal(soma_sim_errmsg(sim), msg, strlen(msg));
		soma_sim_destroy(sim);
	}

	/* the path is shown as given, directories and all */
	snprintf(want, sizeof(want), "%s/./tau.yaml", tmpdir);
	{
		soma_sim *sim;

		assert_int_equal(soma_sim_load(want, NULL, 0, &sim), SOMA_ERANGE);
		assert_memory_equal(soma_sim_errmsg(sim), want, strlen(want));
		assert_string_equal(soma_sim_path(sim), want);
		soma_sim_destroy(sim);
	}

	/* a network error gets the position of the node */
	path = write_file("twice.yaml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations: {E: {model: lif, size: 4}}\n"
			  "record:\n"
			  "  spikes: [E, E]\n");
	{
		soma_sim *sim;

		assert_int_equal(soma_sim_load(path, NULL, 0, &sim), SOMA_EEXIST);
		snprintf(want, sizeof(want), "%s:4:15: record.spikes.1: ", path);
		assert_memory_equal(soma_sim_errmsg(sim), want, strlen(want));
		assert_true(strlen(soma_sim_errmsg(sim)) > strlen(want));
		soma_sim_destroy(sim);
	}

	path = write_file("small.yaml", small);
	snprintf(want, sizeof(want),
		 "%s: override 'populations.E.params.tau=-3 ms': populations.E.params.tau: -3 ms is out of range: must be in (0, inf) ms",
		 path);
	load_fails(path, o1, 1, SOMA_ERANGE, want);
}

/* ---- defaults and YAML features ------------------------------------------ */

static void test_defaults(void **state)
{
	soma_sim *sim;
	soma_network *net;
	soma_monitor_info mi;
	const char *path;

	(void)state;
	path = write_file("run1.yml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations: {E: {model: lif, size: 4}}\n"
			  "record: {spikes: E, state: [{population: E, variable: V}]}\n");
	sim = load_ok(path, NULL, 0);
	net = soma_sim_network(sim);
	assert_string_equal(soma_sim_output_dir(sim), "out/run1");
	assert_int_equal(soma_sim_plots(sim), 1);
	assert_int_equal(soma_network_seed(net), 1);
	assert_int_equal(soma_network_monitor_count(net), 2);
	assert_int_equal(soma_network_monitor_info(net, 0, &mi), SOMA_OK);
	assert_true(mi.rate_window_ms == 5.0);
	/* neurons default [0], every 1 */
	assert_int_equal(soma_network_monitor_info(net, 1, &mi), SOMA_OK);
	assert_int_equal(mi.n_neurons, 1);
	assert_int_equal(mi.every, 1);
	soma_sim_destroy(sim);

	path = write_file("model",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations: {E: {model: lif, size: 4, params: ~, init: }}\n"
			  "record: {state: [{population: E, variable: V, neurons: all}]}\n"
			  "inputs:\n"
			  "  pulse: {target: E, segments: [[0 pA, 2 ms], [5 pA, inf]], neurons: [1]}\n");
	sim = load_ok(path, NULL, 0);
	assert_string_equal(soma_sim_output_dir(sim), "out/model");
	assert_int_equal(soma_network_monitor_info(soma_sim_network(sim), 0, &mi),
			 SOMA_OK);
	assert_int_equal(mi.n_neurons, 4);
	soma_sim_destroy(sim);
}

static void test_yaml_features(void **state)
{
	soma_sim *sim;
	soma_network *net;
	const char *path;

	(void)state;
	/* anchors, aliases and merge keys; quoted values; ~ for nothing */
	path = write_file("anchors.yaml",
			  "simulation: {dt: 0.1 ms, duration: \"10 ms\"}\n"
			  "populations:\n"
			  "  E: &pop\n"
			  "    model: lif\n"
			  "    size: 4\n"
			  "    params: &par {tau: 15 ms, V_th: 25 mV}\n"
			  "  I:\n"
			  "    <<: *pop\n"
			  "    size: 2\n"
			  "  J: {model: lif, size: 1, params: *par}\n"
			  "projections: ~\n"
			  "outputs: {dir: 'my out'}\n");
	sim = load_ok(path, NULL, 0);
	net = soma_sim_network(sim);
	assert_int_equal(soma_network_population_count(net), 3);
	assert_int_equal(soma_population_size(net, 1), 2);
	assert_true(param(net, 1, "tau") == 15.0);
	assert_true(param(net, 2, "V_th") == 25.0);
	assert_true(soma_sim_duration(sim) == 10.0);
	assert_string_equal(soma_sim_output_dir(sim), "my out");
	soma_sim_destroy(sim);

	/* connectors */
	path = write_file("conn.yaml",
			  "simulation: {dt: 0.1 ms, duration: 10 ms}\n"
			  "populations: {A: {model: lif, size: 5}, B: {model: lif, size: 5}}\n"
			  "projections:\n"
			  "  AA: {pre: A, post: A, synapse: exponential, connector: {all_to_all: {allow_self: true}}, weight: 1 pA}\n"
			  "  AB: {pre: A, post: B, synapse: exponential, connector: one_to_one, weight: 1 pA}\n"
			  "  BB: {pre: B, post: B, synapse: exponential, connector: all_to_all, weight: 1 pA}\n"
			  "  BA: {pre: B, post: A, synapse: exponential, connector: {fixed_probability: 1, allow_self: false}, weight: 1 pA}\n"
			  "  C: {pre: A, post: B, synapse: exponential, output: conductance, params: {E: 0 mV, tau: 5 ms},\n"
			  "      connector: {fixed_probability: 0}, weight: {normal: {mean: 1 nS, sd: 0.1 nS}},\n"
			  "      init: {s: 0.5 nS}}\n");
	sim = load_ok(path, NULL, 0);
	net = soma_sim_network(sim);
	assert_int_equal(soma_projection_synapse_count(net, 0), 25);
	assert_int_equal(soma_projection_synapse_count(net, 1), 5);
	assert_int_equal(soma_projection_synapse_count(net, 2), 20);
	assert_int_equal(soma_projection_synapse_count(net, 3), 25);
	assert_int_equal(soma_projection_synapse_count(net, 4), 0);
	assert_true(syn_param(net, 4, "tau") == 5.0);
	{
		const double *s;

		assert_int_equal(soma_projection_state(net, 4, "s", &s), SOMA_OK);
		assert_true(s[0] == 0.5 && s[4] == 0.5);
	}
	soma_sim_destroy(sim);
}

#define MODEL_FILE_DOC SOMA_SOURCE_DIR "/docs/model-file.md"

/* The YAML block after the "<!-- anchors-example" line of the reference:
 * the example of where anchors may be defined, as the reader sees it. */
static const char *doc_anchors_example(void)
{
	static char text[16384], yaml[8192];
	char *p, *end;
	size_t len;
	FILE *f;

	f = fopen(MODEL_FILE_DOC, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	p = strstr(text, "<!-- anchors-example");
	assert_non_null(p);
	p = strstr(p, "```yaml\n");
	assert_non_null(p);
	p += strlen("```yaml\n");
	end = strstr(p, "```");
	assert_non_null(end);
	assert_true((size_t)(end - p) < sizeof(yaml));
	memcpy(yaml, p, (size_t)(end - p));
	yaml[end - p] = '\0';
	return yaml;
}

static void test_doc_anchors(void **state)
{
	soma_sim *sim;
	soma_network *net;
	const double *V;
	int i;

	(void)state;
	sim = load_ok(write_file("doc_anchors.yaml", doc_anchors_example()),
		      NULL, 0);
	net = soma_sim_network(sim);
	for (i = 0; i < 2; i++) {
		assert_true(param(net, i, "tau") == 20.0);
		assert_true(param(net, i, "V_th") == -50.0);
		assert_int_equal(soma_population_state(net, i, "V", &V), SOMA_OK);
		assert_true(V[0] >= -60.0 && V[0] < -50.0);
	}
	assert_int_equal(soma_network_projection_count(net), 3);
	/* E2I: E's 400 neurons onto I's 100 */
	{
		const uint64_t *row;
		const uint32_t *idx;
		uint64_t nnz = soma_projection_synapse_count(net, 1);

		assert_int_equal(soma_projection_csr(net, 1, &row, &idx, NULL),
				 SOMA_OK);
		assert_int_equal(row[400], nnz);
		assert_true(nnz > 400 && nnz < 1200);
		for (uint64_t k = 0; k < nnz; k++)
			assert_true(idx[k] < 100);
	}
	for (i = 0; i < 3; i++) {
		assert_true(syn_param(net, i, "tau") == (i < 2 ? 5.0 : 8.0));
		assert_int_equal(soma_projection_delay_steps(net, i), 15);
	}
	soma_sim_destroy(sim);
}

/* ---- robustness ------------------------------------------------------------ */

/* Errors at nodes that overrides or aliases changed, or built, still get a
 * position (these crashed when libfyaml was asked to render such a node). */
static void test_positions_after_changes(void **state)
{
	soma_override seed[] = { { "simulation.seed", "3" } };
	soma_override size[] = { { "populations.A.size", "2" } };
	soma_override every[] = { { "record.state.0.every", "2" } };
	soma_override add[] = {
		{ "populations.N", "{model: poisson, size: 1, params: {rate: 20 kHz}}" },
	};
	char want[1024];
	const char *path;

	(void)state;
	/* a missing top-level key, when an override changed the top */
	path = write_file("nopops.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n");
	snprintf(want, sizeof(want),
		 "%s:1:1: missing key 'populations' (the populations)", path);
	load_fails(path, seed, 1, SOMA_EPARSE, want);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);
	path = write_file("nosim.yaml", "populations:\n  A: {model: lif, size: 1}\n");
	snprintf(want, sizeof(want),
		 "%s:1:1: missing key 'simulation' (dt, duration and seed)",
		 path);
	load_fails(path, size, 1, SOMA_EPARSE, want);

	/* ... when aliases were resolved */
	path = write_file("aliased.yaml",
			  "simulation: {dt: &d 0.1 ms, duration: *d}\n");
	snprintf(want, sizeof(want),
		 "%s:1:1: missing key 'populations' (the populations)", path);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);

	/* a list whose item an override changed keeps its position */
	path = write_file("norec.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations: {A: {model: lif, size: 1}}\n"
			  "record:\n"
			  "  state:\n"
			  "    - {population: A}\n");
	snprintf(want, sizeof(want),
		 "%s:5:5: record.state.0: missing key 'variable' (the state variable to record, e.g. V)",
		 path);
	load_fails(path, every, 1, SOMA_EPARSE, want);

	/* the copy of an aliased empty mapping: the position of its parent */
	path = write_file("empty_alias.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations:\n"
			  "  A: {model: lif, size: 1, params: &l {}}\n"
			  "  B: {model: lif, size: *l}\n");
	snprintf(want, sizeof(want),
		 "%s:4:6: populations.B.size: got a mapping, expected the number of neurons (an integer in [1, 4294967295])",
		 path);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);

	/* a copy of an aliased mapping: the position of the anchored one */
	path = write_file("alias_map.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations:\n"
			  "  A: {model: lif, size: 1, params: &l {tau: 10 ms}}\n"
			  "  B: {model: lif, size: *l}\n");
	snprintf(want, sizeof(want),
		 "%s:3:40: populations.B.size: got a mapping, expected the number of neurons (an integer in [1, 4294967295])",
		 path);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);

	/* a prepare error in a population that an override added */
	path = write_file("small.yaml", small);
	snprintf(want, sizeof(want),
		 "%s: override 'populations.N=%s': populations.N.params: rate 20000 Hz with dt 0.1 ms gives rate*dt = 2 >= 1",
		 path, add[0].value);
	load_fails_prefix(path, add, 1, SOMA_ERANGE, want);
}

/* Load @len bytes of @text; the message must be "PATH@msg". */
static void text_fails(const char *text, size_t len, const char *msg)
{
	const char *path = write_bytes("text.yaml", text, len);
	char want[1024];

	snprintf(want, sizeof(want), "%s%s", path, msg);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);
}

#define TEXT_FAILS(lit, msg) text_fails(lit, sizeof(lit) - 1, msg)

/* The file is UTF-8 text: nothing is silently cut off at a NUL or bad byte. */
static void test_text(void **state)
{
	static const char head[] = "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
				   "populations: {A: {model: lif, size: 1}}\n";
	char buf[512];
	soma_sim *sim;

	(void)state;
	TEXT_FAILS("simulation: {dt: 0.1 ms, duration: 1 ms}\n"
		   "populations: {A: {model: lif, size: 1}}\n"
		   "\0inputs: {x: {target: A, current: 1 mA}}\n",
		   ":3:1: a NUL byte: expected UTF-8 text");
	TEXT_FAILS("simulation: {dt: 0.1 ms, duration: 1 ms}\n"
		   "popu\0lations: {A: {model: lif, size: 1}}\n",
		   ":2:5: a NUL byte: expected UTF-8 text");
	TEXT_FAILS("simulation: {dt: 0.1 ms, duration: 1 ms}\n"
		   "populations: {A: {model: lif, size: 1}}\n"
		   "\xffinputs: {x: {target: A, current: 1 mA}}\n",
		   ":3:1: invalid UTF-8 (byte 0xff): expected UTF-8 text");
	/* columns count characters; CR LF is one line break, CR alone one */
	TEXT_FAILS("# \xc2\xb5\xc2\xb5\xc0\xaf\r\n", /* overlong '/' */
		   ":1:5: invalid UTF-8 (byte 0xc0): expected UTF-8 text");
	TEXT_FAILS("#\r\n#\r# \xed\xa0\x80\n", /* a surrogate */
		   ":3:3: invalid UTF-8 (byte 0xed): expected UTF-8 text");
	TEXT_FAILS("# \xf4\x90\x80\x80\n", /* beyond U+10FFFF */
		   ":1:3: invalid UTF-8 (byte 0xf4): expected UTF-8 text");
	TEXT_FAILS("# cut short \xe2\x82", /* at the end of the file */
		   ":1:13: invalid UTF-8 (byte 0xe2): expected UTF-8 text");
	TEXT_FAILS("# \xe2\x82 x\n",
		   ":1:3: invalid UTF-8 (byte 0xe2): expected UTF-8 text");
	TEXT_FAILS("simulation: {dt: 0.1 ms, duration: 1 ms}\n"
		   "populations: {A: {model: lif, size: 1, x\x1by: 1}}\n",
		   ":2:41: non-printable character U+001B: YAML allows tabs, line breaks and printable characters only");
	TEXT_FAILS("# \x7f\n",
		   ":1:3: non-printable character U+007F: YAML allows tabs, line breaks and printable characters only");

	/* UTF-8 in comments, quoted strings and units; a byte order mark */
	snprintf(buf, sizeof(buf),
		 "\xef\xbb\xbf# r\xc3\xa9seau \xe2\x80\x94 \xf0\x9f\xa7\xa0\n%s"
		 "  B: {model: lif, size: 1, params: {t_refractory: 2000 \xc2\xb5s}}\n"
		 "outputs: {dir: \"sortie \xc3\xa9\"}\n",
		 "simulation: {dt: 0.1 ms, duration: 1 ms}\npopulations:\n");
	sim = load_ok(write_bytes("utf8.yaml", buf, strlen(buf)), NULL, 0);
	assert_true(param(soma_sim_network(sim), 0, "t_refractory") == 2.0);
	assert_string_equal(soma_sim_output_dir(sim), "sortie \xc3\xa9");
	soma_sim_destroy(sim);

	/* positions after a byte order mark are those an editor shows */
	snprintf(buf, sizeof(buf), "\xef\xbb\xbf%s  B: {model: lif, size: 0}\n",
		 "simulation: {dt: 0.1 ms, duration: 1 ms}\npopulations:\n");
	{
		const char *path = write_bytes("bom.yaml", buf, strlen(buf));
		char want[1024];

		snprintf(want, sizeof(want),
			 "%s:3:25: populations.B.size: 0 is out of range: must be in [1, 4294967295] (the number of neurons)",
			 path);
		load_fails(path, NULL, 0, SOMA_ERANGE, want);
	}
	(void)head;
}

/* Write a document whose aliases add exactly @extra nodes (and one more
 * alias of a 2-node list when @one_more), all under an unknown key of
 * population A, so that a document that passes the alias check fails at
 * that key instead. */
static const char *write_growth(int one_more)
{
	static char text[16384];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			      "populations:\n"
			      "  A:\n"
			      "    model: lif\n"
			      "    size: 1\n"
			      "    junk:\n"
			      "      - &k [x]\n"
			      "      - &a [");
	/* a list of 1000 scalars: 1001 nodes, 1000 more with each alias */
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%sx",
				      i ? "," : "");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n      - [");
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s*a",
				      i ? "," : "");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n%s",
			      one_more ? "      - *k\n" : "");
	assert_true(n < sizeof(text));
	return write_file("growth.yaml", text);
}

/* Aliases may add up to 10^6 nodes; beyond, the file is refused before any
 * alias is expanded ("billion laughs"). */
static void test_alias_growth(void **state)
{
	char want[1024];
	const char *path;

	(void)state;
	path = write_growth(0);
	snprintf(want, sizeof(want),
		 "%s:6:5: populations.A.junk: unknown key: expected one of model, size, method, rtol, atol, params, init",
		 path);
	load_fails(path, NULL, 0, SOMA_EPARSE, want);
	path = write_growth(1);
	snprintf(want, sizeof(want),
		 "%s:10:9: populations.A.junk.3: alias *k stands for 2 nodes, and the aliases so far add more than 1000000 nodes to the document: refusing to expand them",
		 path);
	load_fails(path, NULL, 0, SOMA_ERANGE, want);

	/* an alias inside its own anchor: reported, not followed forever */
	path = write_file("cycle.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations: {A: {model: lif, size: 1, init: &c [*c]}}\n");
	snprintf(want, sizeof(want), "%s:2:", path);
	load_fails_prefix(path, NULL, 0, SOMA_EPARSE, want);
}

/* soma_network_prepare() errors get the position of the population or
 * projection that causes them. */
static void test_prepare_positions(void **state)
{
	soma_override rate[] = { { "populations.S.params.rate", "20 kHz" } };
	char want[1024];
	const char *path;

	(void)state;
	path = write_file("poisson.yaml",
			  "simulation: {dt: 100 ms, duration: 1 s}\n"
			  "populations:\n"
			  "  A: {model: poisson, size: 1, params: {rate: 1 Hz}}\n"
			  "  S: {model: poisson, size: 1}\n");
	/* no params: at the population's name, without "population 'S': " */
	snprintf(want, sizeof(want),
		 "%s:4:3: populations.S: rate 10 Hz with dt 100 ms gives rate*dt = 1 >= 1",
		 path);
	load_fails_prefix(path, NULL, 0, SOMA_ERANGE, want);

	path = write_file("poisson2.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 s}\n"
			  "populations:\n"
			  "  S:\n"
			  "    model: poisson\n"
			  "    size: 1\n"
			  "    params:\n"
			  "      rate: 2 kHz\n"
			  "  E: {model: lif, size: 2}\n");
	soma_sim_destroy(load_ok(path, NULL, 0));
	/* at its params, also when an override set the value */
	snprintf(want, sizeof(want),
		 "%s:7:7: populations.S.params: rate 20000 Hz with dt 0.1 ms gives rate*dt = 2 >= 1",
		 path);
	load_fails_prefix(path, rate, 1, SOMA_ERANGE, want);

	/* a delay beyond 2^24 steps: at the delay */
	path = write_file("delay.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations: {A: {model: lif, size: 2}}\n"
			  "projections:\n"
			  "  AA: {pre: A, post: A, synapse: exponential, connector: all_to_all, weight: 1 pA,\n"
			  "       delay: 1677721.7 ms}\n");
	snprintf(want, sizeof(want),
		 "%s:5:15: projections.AA.delay: 1677721.7 ms is out of range: more than 2^24 = 16777216 steps of 0.1 ms",
		 path);
	load_fails(path, NULL, 0, SOMA_ERANGE, want);
	/* 2^24 steps exactly is allowed */
	path = write_file("delay2.yaml",
			  "simulation: {dt: 0.1 ms, duration: 1 ms}\n"
			  "populations: {A: {model: lif, size: 1}}\n"
			  "projections:\n"
			  "  AA: {pre: A, post: A, synapse: exponential, connector: all_to_all, weight: 1 pA,\n"
			  "       delay: 1677721.6 ms}\n");
	{
		soma_sim *sim = load_ok(path, NULL, 0);

		assert_int_equal(soma_projection_delay_steps(soma_sim_network(sim), 0),
				 1u << 24);
		soma_sim_destroy(sim);
	}
}

/* ---- every malformed file of tests/data/bad -------------------------------- */

static int ends_with_yaml(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcmp(name + n - 5, ".yaml");
}

/* Check one bad file; returns 0 if it behaves. */
static int check_bad(const char *path)
{
	char text[8192], expect[512];
	soma_override ov[8];
	char sets[8][256];
	size_t n_ov = 0, len;
	soma_sim *sim = NULL;
	char *line, *save = NULL;
	FILE *f;
	int rc, ok = 0;

	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';

	expect[0] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# expect: ", 10) && !expect[0]) {
			snprintf(expect, sizeof(expect), "%s", line + 10);
		} else if (!strncmp(line, "# set: ", 7) && n_ov < 8) {
			char *eq;

			snprintf(sets[n_ov], sizeof(sets[n_ov]), "%s", line + 7);
			eq = strchr(sets[n_ov], '=');
			assert_non_null(eq);
			*eq = '\0';
			ov[n_ov].key = sets[n_ov];
			ov[n_ov].value = eq + 1;
			n_ov++;
		}
	}
	if (!expect[0]) {
		print_error("%s: no '# expect:' line\n", path);
		return -1;
	}
	rc = soma_sim_load(path, ov, n_ov, &sim);
	if (rc == SOMA_OK)
		print_error("%s: loaded, expected an error\n", path);
	else if (soma_sim_network(sim))
		print_error("%s: failed but has a network\n", path);
	else if (!strstr(soma_sim_errmsg(sim), expect))
		print_error("%s: message\n  %s\nlacks\n  %s\n", path,
			    soma_sim_errmsg(sim), expect);
	else if (strncmp(soma_sim_errmsg(sim), path, strlen(path)))
		print_error("%s: message does not start with the path: %s\n",
			    path, soma_sim_errmsg(sim));
	else
		ok = 1;
	soma_sim_destroy(sim);
	return ok ? 0 : -1;
}

static void test_bad_files(void **state)
{
	struct dirent *de;
	int n = 0, bad = 0;
	DIR *d;

	(void)state;
	d = opendir(BAD_DIR);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[1024];

		if (!ends_with_yaml(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BAD_DIR, de->d_name);
		if (check_bad(path))
			bad++;
		n++;
	}
	closedir(d);
	if (bad)
		fail_msg("%d of %d bad model files misbehave", bad, n);
	assert_true(n >= 20);
}

/* The library prints nothing, whatever libfyaml finds. */
static void test_silent(void **state)
{
	const char *files[] = { BAD_DIR "/yaml_syntax.yaml",
				BAD_DIR "/tab_indent.yaml",
				BAD_DIR "/duplicate_key.yaml",
				BAD_DIR "/param_out_of_range.yaml",
				EXAMPLE };
	soma_override ov[] = { { "simulation.dt", "{a: [1, " } };
	char cap[256];
	struct stat st;
	int saved_out, saved_err, fd;

	(void)state;
	snprintf(cap, sizeof(cap), "%s/captured", tmpdir);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		soma_sim *sim;

		soma_sim_load(files[i], ov, i == 4, &sim);
		soma_sim_destroy(sim);
	}
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(fd);
	assert_int_equal(stat(cap, &st), 0);
	assert_int_equal(st.st_size, 0);
}

static void test_api_edges(void **state)
{
	soma_sim *sim = (soma_sim *)1;

	(void)state;
	assert_int_equal(soma_sim_load(EXAMPLE, NULL, 0, NULL), SOMA_EINVAL);
	assert_int_equal(soma_sim_load(NULL, NULL, 0, &sim), SOMA_EINVAL);
	assert_non_null(sim);
	assert_true(soma_sim_errmsg(sim)[0] != '\0');
	soma_sim_destroy(sim);
	soma_sim_destroy(NULL);
	assert_string_equal(soma_sim_errmsg(NULL), "");
	assert_null(soma_sim_network(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_example_inputs),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_yaml_features),
		cmocka_unit_test(test_doc_anchors),
		cmocka_unit_test(test_positions_after_changes),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_alias_growth),
		cmocka_unit_test(test_prepare_positions),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_api_edges),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
