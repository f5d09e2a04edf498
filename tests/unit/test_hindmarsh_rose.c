/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Hindmarsh-Rose neuron (src/models/neurons/hindmarsh_rose.c).
 *
 * The seed's five modes (BrainModels book §1.3.5 and appendix
 * "HindmarshRose model": (b, I) = quiescence (1, 2), spiking (3.5, 5),
 * bursting (2.5, 3), irregular spiking (2.95, 3.3), irregular bursting
 * (2.8, 3.7)) are run as one network of five one-neuron populations with
 * the seed's forward Euler at dt = 0.02 ms, as
 * examples/neurons/hindmarsh_rose_modes.yaml does, but for 3000 ms instead
 * of 350 ms so that the statistics mean something; spikes after 300 ms
 * (past the transient) are analysed. Each mode's property is checked as
 * numbers; quiescence against the fixed point (GSL's cubic solver), the
 * regular modes' trajectories against the GSL rk8pd reference.
 *
 * A finding: the seed's "irregular spiking" (b = 2.95, I = 3.3) is
 * irregular only because of Euler's error at dt = 0.02 ms. Integrated
 * accurately (rk4 at dt = 0.005 ms; Euler converges to it below
 * dt = 0.0005 ms) it is a periodic burst of four spikes every 59.4 ms.
 * "Irregular bursting" (2.8, 3.7) stays irregular when integrated
 * accurately.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_poly.h>

#include "core/internal.h"
#include "neuron_ref.h"
#include "soma/soma.h"

enum { QUIESCENCE, SPIKING, BURSTING, IRR_SPIKING, IRR_BURSTING, N_MODES };

static const struct {
	const char *name;
	double b, I;
} modes[N_MODES] = {
	{ "quiescence", 1.0, 2.0 },
	{ "spiking", 3.5, 5.0 },
	{ "bursting", 2.5, 3.0 },
	{ "irregular_spiking", 2.95, 3.3 },
	{ "irregular_bursting", 2.8, 3.7 },
};

#define DT 0.02      /* ms, the seed's */
#define T_RUN 3000.0 /* ms */
#define T_SKIP 300.0 /* ms of transient left out of the statistics */
#define MAX_SPIKES 1024

struct train {
	double t[MAX_SPIKES]; /* spike times after T_SKIP, ms */
	int n;
	double y_end[3];      /* V, y, z at T_RUN */
};

static struct train seed_runs[N_MODES];

/* The modes as one network (each mode a population of one neuron), with
 * @method and @dt, for @T ms: spike times after T_SKIP into @out. */
static void run_modes(soma_method method, double dt, double T, struct train *out)
{
	soma_network *net;
	int pop[N_MODES];
	const double *st[N_MODES][3];
	static const char *const var[3] = { "V", "y", "z" };
	uint64_t steps;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	for (int k = 0; k < N_MODES; k++) {
		double inf = INFINITY;

		assert_int_equal(soma_network_add_population(net, modes[k].name,
							     "hindmarsh_rose", 1, &pop[k]),
				 SOMA_OK);
		assert_int_equal(soma_population_set_param(net, pop[k], "b", modes[k].b),
				 SOMA_OK);
		assert_int_equal(soma_population_set_method(net, pop[k], method), SOMA_OK);
		assert_int_equal(soma_network_add_current(net, pop[k], NULL, 0,
							  &modes[k].I, &inf, 1, NULL),
				 SOMA_OK);
		for (int v = 0; v < 3; v++)
			assert_int_equal(soma_population_state(net, pop[k], var[v],
							       &st[k][v]),
					 SOMA_OK);
		out[k].n = 0;
	}
	steps = soma_network_steps_for(net, T);
	for (uint64_t s = 1; s <= steps; s++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (int k = 0; k < N_MODES; k++) {
			uint32_t n;

			soma_population_spikes(net, pop[k], NULL, &n);
			if (n && (double)s * dt > T_SKIP && out[k].n < MAX_SPIKES)
				out[k].t[out[k].n++] = (double)s * dt;
		}
	}
	for (int k = 0; k < N_MODES; k++)
		for (int v = 0; v < 3; v++)
			out[k].y_end[v] = st[k][v][0];
	soma_network_destroy(net);
}

static int setup(void **state)
{
	(void)state;
	run_modes(SOMA_METHOD_EULER, DT, T_RUN, seed_runs);
	return 0;
}

/* ---- statistics of a spike train --------------------------------------- */

static int isis(const struct train *r, double *isi)
{
	for (int i = 1; i < r->n; i++)
		isi[i - 1] = r->t[i] - r->t[i - 1];
	return r->n > 1 ? r->n - 1 : 0;
}

static double mean(const double *x, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += x[i];
	return s / n;
}

/* coefficient of variation: standard deviation / mean */
static double cv(const double *x, int n)
{
	double m = mean(x, n), s = 0;

	for (int i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return sqrt(s / n) / m;
}

/* Aperiodicity: the smallest, over periods p = 1..12 spikes, of the mean
 * |ISI_{i+p} - ISI_i| relative to the mean ISI. 0 for a train that repeats
 * itself every p spikes (p <= 12); order 0.1-1 for an irregular one. */
static double aperiodicity(const double *x, int n)
{
	double best = INFINITY, m = mean(x, n);

	for (int p = 1; p <= 12 && p < n; p++) {
		double d = 0;

		for (int i = 0; i + p < n; i++)
			d += fabs(x[i + p] - x[i]);
		best = fmin(best, d / (n - p) / m);
	}
	return best;
}

/* Bursts: ISIs longer than @gap ms end a burst. The sizes (spikes per
 * complete burst, the first and last bursts left out) into @size; returns
 * their number. */
static int burst_sizes(const double *x, int n, double gap, int *size)
{
	int nb = 0, c = 1, started = 0;

	for (int i = 0; i < n; i++) {
		if (x[i] > gap) {
			if (started)
				size[nb++] = c;
			started = 1;
			c = 1;
		} else {
			c++;
		}
	}
	return nb;
}

static int distinct(const int *v, int n)
{
	int d = 0;

	for (int i = 0; i < n; i++) {
		int seen = 0;

		for (int j = 0; j < i; j++)
			seen |= v[j] == v[i];
		d += !seen;
	}
	return d;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Ratio of the means of the two ISI clusters split at the largest ratio
 * between neighbours in sorted order; *sep: smallest long / largest short. */
static double clusters(const double *x0, int n, double *sep)
{
	double x[MAX_SPIKES], best = 0, s = 0, l = 0;
	int cut = 0;

	memcpy(x, x0, (size_t)n * sizeof(double));
	qsort(x, (size_t)n, sizeof(double), cmp_double);
	for (int i = 1; i < n; i++)
		if (x[i] / x[i - 1] > best) {
			best = x[i] / x[i - 1];
			cut = i;
		}
	*sep = best;
	s = mean(x, cut);
	l = mean(x + cut, n - cut);
	return l / s;
}

/* ---- the modes --------------------------------------------------------- */

/* Quiescence: no spike, and the state settles on the fixed point: with
 * y = c - d V^2 and z = s (V - V_rest), dV/dt = 0 is the cubic
 * a V^3 + (d - b) V^2 + s V - (c + s V_rest + I) = 0 (one real root here). */
static void test_quiescence(void **state)
{
	const struct train *r = &seed_runs[QUIESCENCE];
	const double a = 1, b = 1, c = 1, d = 5, s = 4, V_rest = -1.6, I = 2;
	double x0, x1, x2, V;
	int nroot;

	(void)state;
	assert_int_equal(r->n, 0);
	nroot = gsl_poly_solve_cubic((d - b) / a, s / a, -(c + s * V_rest + I) / a,
				     &x0, &x1, &x2);
	assert_int_equal(nroot, 1);
	V = x0;
	printf("  quiescence: fixed point V = %.6f, soma V(3000 ms) = %.6f\n", V,
	       r->y_end[0]);
	assert_true(fabs(r->y_end[0] - V) < 1e-4);
	assert_true(fabs(r->y_end[1] - (c - d * V * V)) < 1e-3);
	assert_true(fabs(r->y_end[2] - s * (V - V_rest)) < 1e-3);
}

/* Spiking: regular, the ISIs after the transient within 2% of their mean
 * (CV below 0.005; they differ by a step or two of 0.02 ms). */
static void test_spiking(void **state)
{
	double isi[MAX_SPIKES] = { 0 };
	int n = isis(&seed_runs[SPIKING], isi);

	(void)state;
	printf("  spiking: %d ISIs, mean %.3f ms, CV %.4f, aperiodicity %.4f\n", n,
	       mean(isi, n), cv(isi, n), aperiodicity(isi, n));
	assert_true(n > 200);
	assert_true(cv(isi, n) < 0.005);
	for (int i = 0; i < n; i++)
		assert_true(fabs(isi[i] - mean(isi, n)) < 0.02 * mean(isi, n));
}

/* Bursting: two ISI clusters (means more than 3 times apart), every burst
 * the same size and the bursts regular (periodic). */
static void test_bursting(void **state)
{
	double isi[MAX_SPIKES] = { 0 }, sep;
	int n = isis(&seed_runs[BURSTING], isi), size[MAX_SPIKES], nb;
	double ratio = clusters(isi, n, &sep);

	(void)state;
	nb = burst_sizes(isi, n, 30, size);
	printf("  bursting: %d ISIs, cluster mean ratio %.1f (gap x%.1f), %d bursts of %d spikes, aperiodicity %.2g\n",
	       n, ratio, sep, nb, nb ? size[0] : 0, aperiodicity(isi, n));
	assert_true(ratio > 3);
	assert_true(sep > 3);
	assert_true(nb >= 15);
	assert_int_equal(distinct(size, nb), 1);
	assert_true(size[0] >= 5);
	assert_true(aperiodicity(isi, n) < 0.01);
}

/*
 * Irregular spiking with the seed's Euler at dt = 0.02 ms: ISI CV above
 * 0.25 (about 0.4), no period of up to 12 spikes (aperiodicity above 0.05),
 * no bursts (all ISIs above 10 ms). Integrated accurately (rk4, dt = 0.005
 * ms) the same parameters give a periodic train: a burst of 4 spikes every
 * 59.4 ms (aperiodicity below 0.005, against 0.27 with Euler).
 */
static void test_irregular_spiking(void **state)
{
	double isi[MAX_SPIKES] = { 0 };
	int n = isis(&seed_runs[IRR_SPIKING], isi);
	struct train acc[N_MODES];
	int size[MAX_SPIKES] = { 0 }, nb;

	(void)state;
	printf("  irregular spiking (euler, dt 0.02): %d ISIs, CV %.3f, aperiodicity %.3f\n",
	       n, cv(isi, n), aperiodicity(isi, n));
	assert_true(n > 60);
	assert_true(cv(isi, n) > 0.25);
	assert_true(aperiodicity(isi, n) > 0.05);
	for (int i = 0; i < n; i++)
		assert_true(isi[i] > 10);

	run_modes(SOMA_METHOD_RK4, 0.005, T_RUN, acc);
	n = isis(&acc[IRR_SPIKING], isi);
	nb = burst_sizes(isi, n, 40, size);
	printf("  irregular spiking (rk4, dt 0.005): %d ISIs, CV %.3f, aperiodicity %.2g, %d bursts, sizes %d..\n",
	       n, cv(isi, n), aperiodicity(isi, n), nb, nb ? size[0] : 0);
	assert_true(aperiodicity(isi, n) < 0.005);
	assert_int_equal(distinct(size, nb), 1);
	assert_int_equal(size[0], 4);

	/* irregular bursting stays irregular when integrated accurately */
	n = isis(&acc[IRR_BURSTING], isi);
	nb = burst_sizes(isi, n, 30, size);
	printf("  irregular bursting (rk4, dt 0.005): %d ISIs, CV %.3f, aperiodicity %.3f, %d burst sizes\n",
	       n, cv(isi, n), aperiodicity(isi, n), distinct(size, nb));
	assert_true(cv(isi, n) > 0.5);
	assert_true(aperiodicity(isi, n) > 0.05);
	assert_true(distinct(size, nb) >= 3);
}

/* Irregular bursting: ISI CV above 0.5 (about 0.9), aperiodic, bursts of
 * at least three different sizes. */
static void test_irregular_bursting(void **state)
{
	double isi[MAX_SPIKES] = { 0 };
	int n = isis(&seed_runs[IRR_BURSTING], isi), size[MAX_SPIKES], nb;

	(void)state;
	nb = burst_sizes(isi, n, 30, size);
	printf("  irregular bursting: %d ISIs, CV %.3f, aperiodicity %.3f, %d bursts, %d sizes\n",
	       n, cv(isi, n), aperiodicity(isi, n), nb, distinct(size, nb));
	assert_true(n > 100);
	assert_true(cv(isi, n) > 0.5);
	assert_true(aperiodicity(isi, n) > 0.05);
	assert_true(distinct(size, nb) >= 3);
}

/* ---- against the reference --------------------------------------------- */

static long soma_run_hr(double b, double I, soma_method method, double dt,
			double T, double *spikes, size_t max, double *y_end)
{
	const char *names[] = { "b" };
	const double start[] = { 0 }, value[] = { I };
	const struct ref_input in = { 1, start, value, 0 };
	soma_network *net;
	int pop;
	double inf = INFINITY;
	long n = 0;
	static const char *const var[3] = { "V", "y", "z" };

	if (!y_end)
		return soma_spike_times("hindmarsh_rose", names, &b, 1, method, dt, &in,
					T, spikes, max);
	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "hindmarsh_rose", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "b", b), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, method), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &inf, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, T)), SOMA_OK);
	n = (long)soma_population_spike_count(net, pop);
	for (int v = 0; v < 3; v++) {
		const double *x;

		soma_population_state(net, pop, var[v], &x);
		y_end[v] = x[0];
	}
	soma_network_destroy(net);
	return n;
}

/*
 * Spiking mode (b = 3.5, I = 5), 0-17.3 ms (five spikes; 17.3 ms lies
 * between two): spike times (upward crossings of V_th = 1) and the state
 * (V, y, z) at 17.3 ms against GSL rk8pd at rtol 1e-11 (crossings located
 * to 1e-9 ms). A crossing is reported at the end of its step, so a method
 * is late by less than dt plus its own error. Bounds on |spike time error|
 * (ms) / max |state error| at 17.3 ms:
 *   euler      dt 0.02: 0.6 / 3        dt 0.002: 0.06 / 0.3
 *   exp_euler  dt 0.02: 0.8 / 4        dt 0.002: 0.08 / 0.4
 *   rk2        dt 0.02: dt + 0.002 / 0.05   dt 0.002: dt + 1e-4 / 5e-4
 *   rk4        dt 0.02: dt + 1e-4 / 5e-5    dt 0.002: dt + 1e-4 / 1e-8
 *   rkf45      dt 0.02, 0.002: dt + 1e-4 / 1e-5 (its tolerance, not dt)
 * Both errors shrink with dt; for Euler and exp_euler (order 1) tenfold,
 * within a factor 2. The seed's Euler at dt = 0.02 ms is half a
 * millisecond off after five spikes, in the transient; its steady ISI
 * (9.77 ms) is close to the exact 9.78 ms, but in the bursting mode its
 * pause between bursts is 89 ms against 113.6 ms integrated accurately.
 */
static void test_reference(void **state)
{
	const soma_model *m = soma_model_find("hindmarsh_rose");
	const double b = 3.5, I = 5, T = 17.3;
	const double start[] = { 0 }, value[] = { I };
	const struct ref_input in = { 1, start, value, 0 };
	double param[16], ref[64], got[64], y_ref[3], y_got[3];
	struct ref_result res = { ref, 0, y_ref };
	const struct {
		soma_method m;
		double dt, t_tol, y_tol;
	} cases[] = {
		{ SOMA_METHOD_EULER, 0.02, 0.6, 3 },
		{ SOMA_METHOD_EULER, 0.002, 0.06, 0.3 },
		{ SOMA_METHOD_RK2, 0.02, 0.02 + 0.002, 0.05 },
		{ SOMA_METHOD_RK2, 0.002, 0.002 + 1e-4, 5e-4 },
		{ SOMA_METHOD_RK4, 0.02, 0.02 + 1e-4, 5e-5 },
		{ SOMA_METHOD_RK4, 0.002, 0.002 + 1e-4, 1e-8 },
		{ SOMA_METHOD_EXP_EULER, 0.02, 0.8, 4 },
		{ SOMA_METHOD_EXP_EULER, 0.002, 0.08, 0.4 },
		{ SOMA_METHOD_RKF45, 0.02, 0.02 + 1e-4, 1e-5 },
		{ SOMA_METHOD_RKF45, 0.002, 0.002 + 1e-4, 1e-5 },
	};
	double prev_t = INFINITY, prev_y = INFINITY;

	(void)state;
	for (size_t k = 0; k < m->n_params; k++)
		param[k] = m->params[k].def;
	param[soma_model_param_index(m, "b")] = b;
	assert_int_equal(ref_run(m, param, NULL, &in, T, 1e-11, &res, 64), 0);
	printf("  reference: %zu spikes, first %.6f ms, state at %g ms (%.6f, %.6f, %.6f)\n",
	       res.n_spikes, ref[0], T, y_ref[0], y_ref[1], y_ref[2]);

	assert_true(res.n_spikes >= 5);
	for (size_t r = 0; r < sizeof(cases) / sizeof(cases[0]); r++) {
		const double dt = cases[r].dt;
		long n = soma_run_hr(b, I, cases[r].m, dt, T, got, 64, NULL);
		double t_err = 0, y_err = 0;

		assert_int_equal(n, (long)res.n_spikes);
		for (long i = 0; i < n; i++) {
			double e = got[i] - ref[i];
			/* the accurate methods only lose the end of the step */
			if (cases[r].m != SOMA_METHOD_EULER &&
			    cases[r].m != SOMA_METHOD_EXP_EULER)
				assert_true(e >= -1e-4);
			t_err = fmax(t_err, fabs(e));
		}
		assert_true(soma_run_hr(b, I, cases[r].m, dt, T, NULL, 0, y_got) == n);
		for (int v = 0; v < 3; v++)
			y_err = fmax(y_err, fabs(y_got[v] - y_ref[v]));
		printf("  %-9s dt %-5g: max |spike time error| %.3g ms, max |state error| %.3g\n",
		       soma_method_name(cases[r].m), dt, t_err, y_err);
		assert_true(t_err <= cases[r].t_tol);
		assert_true(y_err <= cases[r].y_tol);
		if (r % 2 == 1) { /* the second dt of a method: smaller errors */
			assert_true(t_err < prev_t);
			assert_true(y_err < prev_y);
			if (cases[r].m == SOMA_METHOD_EULER ||
			    cases[r].m == SOMA_METHOD_EXP_EULER) {
				assert_true(prev_t / t_err > 5 && prev_t / t_err < 20);
				assert_true(prev_y / y_err > 5 && prev_y / y_err < 20);
			}
		}
		prev_t = t_err;
		prev_y = y_err;
	}
}

/* Bursting mode (b = 2.5, I = 3), 0-200 ms (a burst of 14 spikes, the
 * 90 ms pause, the next burst's start), rk4 at dt = 0.01 ms: every spike
 * within dt + 1e-4 ms of the reference. */
static void test_reference_bursting(void **state)
{
	const soma_model *m = soma_model_find("hindmarsh_rose");
	const double b = 2.5, I = 3, T = 200, dt = 0.01;
	const double start[] = { 0 }, value[] = { I };
	const struct ref_input in = { 1, start, value, 0 };
	double param[16], ref[64], got[64];
	struct ref_result res = { ref, 0, NULL };
	long n;

	(void)state;
	for (size_t k = 0; k < m->n_params; k++)
		param[k] = m->params[k].def;
	param[soma_model_param_index(m, "b")] = b;
	assert_int_equal(ref_run(m, param, NULL, &in, T, 1e-11, &res, 64), 0);
	n = soma_run_hr(b, I, SOMA_METHOD_RK4, dt, T, got, 64, NULL);
	assert_int_equal(n, (long)res.n_spikes);
	assert_true(n >= 15);
	for (long i = 0; i < n; i++)
		assert_true(got[i] - ref[i] >= -1e-4 && got[i] - ref[i] <= dt + 1e-4);
}

/* ---- the model's mechanics --------------------------------------------- */

static void test_rhs_and_descriptor(void **state)
{
	const soma_model *m = soma_model_find("hindmarsh_rose");
	const soma_var_info *in;
	double y[3] = { 0.5, -2, 0.3 }, I = 1.2, dy[3];

	(void)state;
	assert_non_null(m);
	assert_int_equal((int)soma_model_input_count(m), 1);
	in = soma_model_input(m, 0);
	assert_string_equal(in->name, "I");
	assert_string_equal(in->unit, "");
	for (size_t k = 0; k < m->n_state; k++)
		assert_string_equal(m->state[k].unit, "");
	assert_true(m->state[0].def == -1.6 && m->state[1].def == -10 &&
		    m->state[2].def == 0);
	assert_int_equal(soma_model_rhs(m, NULL, y, &I, 0.02, dy), SOMA_OK);
	/* y - a V^3 + b V^2 - z + I = -2 - 0.125 + 0.75 - 0.3 + 1.2 */
	assert_true(fabs(dy[0] - (-0.475)) < 1e-12);
	/* c - d V^2 - y = 1 - 1.25 + 2 */
	assert_true(fabs(dy[1] - 1.75) < 1e-12);
	/* r (s (V - V_rest) - z) = 0.01 (4 * 2.1 - 0.3) */
	assert_true(fabs(dy[2] - 0.081) < 1e-12);
}

/* A spike is a crossing, not a level: a neuron that starts above V_th
 * (and falls) does not spike; Euler with dt > 1 ms is refused. */
static void test_crossing_and_checks(void **state)
{
	soma_network *net;
	int pop;
	double V0 = 1.5;

	(void)state;
	assert_int_equal(soma_network_create(0.02, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "hindmarsh_rose", 1, &pop),
			 SOMA_OK);
	/* starting above V_th = 1: V falls from there, no crossing */
	assert_int_equal(soma_population_set_state(net, pop, "V", &V0, 1), SOMA_OK);
	assert_int_equal(soma_network_run(net, 10), SOMA_OK);
	assert_int_equal((int)soma_population_spike_count(net, pop), 0);
	soma_network_destroy(net);

	/* Euler with dt > 1 ms is refused */
	assert_int_equal(soma_network_create(2, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "hindmarsh_rose", 1, &pop),
			 SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "dt"));
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiescence),
		cmocka_unit_test(test_spiking),
		cmocka_unit_test(test_bursting),
		cmocka_unit_test(test_irregular_spiking),
		cmocka_unit_test(test_irregular_bursting),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_reference_bursting),
		cmocka_unit_test(test_rhs_and_descriptor),
		cmocka_unit_test(test_crossing_and_checks),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
