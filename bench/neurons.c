/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Single-neuron throughput: for every built-in neuron model with
 * differential equations (soma_model_default_method() != DEFAULT) and every
 * integration method, one population of unconnected neurons under a
 * constant input is run for a while, and the rate of neuron-steps per
 * wall-clock second is printed as a table. Nothing is asserted: this is a
 * measurement, not a test (bench/run.sh builds and runs it).
 *
 * The input: the smallest of 0, 1, 2, 5, 10, 20, ... 5000 (in the unit of
 * the model's first input channel, pA for spiking models) with which one
 * neuron of the model fires in the run's duration with the model's default
 * method; 0 for models that do not spike (rate units) or when none does.
 *
 * Methods euler, rk2, rk4, exp_euler and rkf45 run N neurons (default
 * 100,000); the GSL reference methods rk8pd and msbdf, which integrate neuron
 * by neuron through GSL's driver, run N_GSL neurons (default 1,000): they are
 * marked in the table. A run that a model refuses (prepare, e.g. Euler with
 * dt > tau) or that diverges (SOMA_ENUMERIC) is listed with its status.
 *
 * usage: neurons [-n N] [-g N_GSL] [-t MS] [-d DT] [-j THREADS] [-m MODEL]... [-M METHOD]...
 *   -n N       neurons per population for the fixed-step methods and rkf45
 *   -g N_GSL   neurons per population for rk8pd and msbdf (0: skip them)
 *   -t MS      simulated time, ms (default 100)
 *   -d DT      step, ms (default 0.1)
 *   -j N       threads per network (default 1; 0: OpenMP's default)
 *   -m MODEL   only this model (repeatable)
 *   -M METHOD  only this method (repeatable)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <soma/soma.h>

#define MAX_SEL 32

/* -j: threads of each network (soma_network_set_threads) */
static int bench_threads = 1;

struct opts {
	unsigned long n, n_gsl;
	double t_ms, dt;
	const char *models[MAX_SEL];
	int n_models;
	const char *methods[MAX_SEL];
	int n_methods;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int selected(const char *const *list, int n, const char *name)
{
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* A network with one population of @n neurons of @m, method @method, input
 * @I on channel 0. 0 or a soma status (message in @err). */
static int build(const soma_model *m, soma_method method, unsigned long n,
		 double dt, double I, soma_network **out, char *err, size_t len)
{
	soma_network *net;
	double d = INFINITY;
	int pop, rc;

	rc = soma_network_create(dt, 1, &net);
	if (rc) {
		snprintf(err, len, "%s", soma_strerror(rc));
		return rc;
	}
	rc = soma_network_set_threads(net, bench_threads);
	if (rc) {
		snprintf(err, len, "%s", soma_network_errmsg(net));
		soma_network_destroy(net);
		return rc;
	}
	rc = soma_network_add_population(net, "P", m->name, (uint32_t)n, &pop);
	if (!rc)
		rc = soma_population_set_method(net, pop, method);
	if (!rc && I != 0)
		rc = soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL);
	if (!rc)
		rc = soma_network_prepare(net);
	if (rc) {
		snprintf(err, len, "%s", soma_network_errmsg(net));
		soma_network_destroy(net);
		return rc;
	}
	*out = net;
	return 0;
}

/* Smallest input from the ladder with which one neuron fires in @t_ms. */
static double firing_input(const soma_model *m, const struct opts *o)
{
	static const double ladder[] = { 0, 1, 2, 5, 10, 20, 50, 100, 200, 500,
					 1000, 2000, 5000 };
	const soma_method method = soma_model_default_method(m);

	for (size_t k = 0; k < sizeof(ladder) / sizeof(ladder[0]); k++) {
		soma_network *net;
		char err[256];
		int rc;

		if (build(m, method, 1, o->dt, ladder[k], &net, err, sizeof(err)))
			return 0;
		rc = soma_network_run(net, soma_network_steps_for(net, o->t_ms));
		if (!rc && soma_population_spike_count(net, 0) > 0) {
			soma_network_destroy(net);
			return ladder[k];
		}
		soma_network_destroy(net);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: neurons [-n N] [-g N_GSL] [-t MS] [-d DT] [-j THREADS] [-m MODEL]... [-M METHOD]...\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (!v || a[0] != '-' || strlen(a) != 2)
			return -1;
		i++;
		switch (a[1]) {
		case 'n':
			o->n = strtoul(v, &end, 10);
			break;
		case 'g':
			o->n_gsl = strtoul(v, &end, 10);
			break;
		case 't':
			o->t_ms = strtod(v, &end);
			break;
		case 'd':
			o->dt = strtod(v, &end);
			break;
		case 'j':
			bench_threads = (int)strtol(v, &end, 10);
			break;
		case 'm':
			if (o->n_models == MAX_SEL)
				return -1;
			o->models[o->n_models++] = v;
			continue;
		case 'M': {
			soma_method m;
			if (o->n_methods == MAX_SEL || soma_method_from_name(v, &m))
				return -1;
		}
			o->methods[o->n_methods++] = v;
			continue;
		default:
			return -1;
		}
		if (!end || *end)
			return -1;
	}
	if (o->n == 0 || o->n > UINT32_MAX || o->n_gsl > UINT32_MAX ||
	    !(o->t_ms > 0) || !(o->dt > 0))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const soma_method methods[] = {
		SOMA_METHOD_EULER, SOMA_METHOD_RK2, SOMA_METHOD_RK4,
		SOMA_METHOD_EXP_EULER, SOMA_METHOD_RKF45, SOMA_METHOD_RK8PD,
		SOMA_METHOD_MSBDF,
	};
	struct opts o = { .n = 100000, .n_gsl = 1000, .t_ms = 100, .dt = 0.1 };
	int rows = 0;

	if (parse(argc, argv, &o)) {
		usage();
		return 2;
	}
	printf("soma %s: single-neuron throughput, %g ms at dt = %g ms, unconnected "
	       "neurons under a constant input;\nrk8pd and msbdf (GSL, neuron by "
	       "neuron) with %lu neurons, the other methods with %lu\n\n",
	       soma_version(), o.t_ms, o.dt, o.n_gsl, o.n);
	printf("%-16s %-9s %9s %7s %9s %9s %11s %16s\n", "model", "method", "neurons",
	       "steps", "input", "wall s", "spikes/n/s", "Mneuron-steps/s");
	fflush(stdout);
	for (size_t i = 0; i < soma_model_count(); i++) {
		const soma_model *m = soma_model_at(i);
		const soma_var_info *ch;
		double I;

		if (!m || m->kind != SOMA_MODEL_NEURON ||
		    soma_model_default_method(m) == SOMA_METHOD_DEFAULT ||
		    !selected(o.models, o.n_models, m->name))
			continue;
		I = firing_input(m, &o);
		ch = soma_model_input(m, 0);
		for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
			const soma_method meth = methods[k];
			const int gsl = meth == SOMA_METHOD_RK8PD || meth == SOMA_METHOD_MSBDF;
			const unsigned long n = gsl ? o.n_gsl : o.n;
			soma_network *net = NULL;
			char err[1024], input[32];
			uint64_t steps;
			double t0, wall;
			int rc;

			if (n == 0 || !selected(o.methods, o.n_methods, soma_method_name(meth)))
				continue;
			snprintf(input, sizeof(input), "%g%s%s", I,
				 ch && ch->unit[0] ? " " : "", ch ? ch->unit : "");
			rc = build(m, meth, n, o.dt, I, &net, err, sizeof(err));
			if (rc) {
				printf("%-16s %-9s %9lu %7s %9s  not run: %s\n", m->name,
				       soma_method_name(meth), n, "-", input, err);
				continue;
			}
			steps = soma_network_steps_for(net, o.t_ms);
			t0 = now_s();
			rc = soma_network_run(net, steps);
			wall = now_s() - t0;
			if (rc) {
				printf("%-16s %-9s %9lu %7llu %9s  failed after %.3f s: %s\n",
				       m->name, soma_method_name(meth), n,
				       (unsigned long long)steps, input, wall,
				       soma_network_errmsg(net));
			} else {
				double sp = (double)soma_population_spike_count(net, 0) /
					    (double)n / (o.t_ms * 1e-3);
				printf("%-16s %-9s %9lu %7llu %9s %9.3f %11.1f %16.2f%s\n",
				       m->name, soma_method_name(meth), n,
				       (unsigned long long)steps, input, wall, sp,
				       (double)n * (double)steps / wall * 1e-6,
				       gsl ? "  (GSL)" : "");
			}
			fflush(stdout);
			soma_network_destroy(net);
			rows++;
		}
	}
	if (rows == 0) {
		fprintf(stderr, "neurons: no model/method selected has differential equations\n");
		return 1;
	}
	return 0;
}
