/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * QuaIF, ExpIF and AdExIF (src/models/neurons/quaif.c, expif.c, adexif.c):
 *  - spike times under constant and step input, for every fixed-step method
 *    and rkf45 at dt = 0.1, 0.05, 0.025 ms, against the GSL reference run of
 *    tests/support (rk8pd at rtol 1e-10, spikes located to 1e-9 ms);
 *  - the sub-threshold fixed points (rest and threshold) of QuaIF and ExpIF
 *    against their closed forms (quadratic formula, Lambert W), and the
 *    rheobase where the two merge;
 *  - AdExIF's adaptation: inter-spike intervals growing under constant input,
 *    and w jumping by exactly b at each spike;
 *  - no overflow: a huge input (10^6 pA) at dt = 1 ms with every method
 *    (rk8pd and msbdf too) spikes in every step with a finite state: no
 *    inf/NaN, no SOMA_ENUMERIC; likewise for QuaIF.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_poly.h>
#include <gsl/gsl_sf_lambert.h>

#include "neuron_ref.h"
#include "soma/soma.h"

#define MAXSPK 512

/* ---- spike times against the reference ------------------------------- */

struct spike_case {
	const char *what;
	const char *model;
	const char *names[2];
	double values[2];
	size_t n_set;
	size_t n_in;
	double start[3]; /* ms */
	double value[3]; /* pA */
	double t_end;    /* ms */
};

static const struct spike_case cases[] = {
	/* the seed's appendix run: 21 pA, t_refractory 5 ms */
	{ "quaif, 21 pA", "quaif", { "t_refractory" }, { 5 }, 1,
	  1, { 0 }, { 21 }, 200 },
	{ "quaif, step 0/5/15 pA", "quaif", { NULL }, { 0 }, 0,
	  3, { 0, 20, 60 }, { 0, 5, 15 }, 150 },
	{ "expif, 1 pA", "expif", { NULL }, { 0 }, 0,
	  1, { 0 }, { 1 }, 100 },
	{ "expif, step 0/0.3/2 pA", "expif", { NULL }, { 0 }, 0,
	  3, { 0, 20, 60 }, { 0, 0.3, 2 }, 100 },
	{ "adexif, 21 pA", "adexif", { "t_refractory" }, { 5 }, 1,
	  1, { 0 }, { 21 }, 100 },
	{ "adexif, step 0/12/20 pA", "adexif", { NULL }, { 0 }, 0,
	  3, { 0, 20, 60 }, { 0, 12, 20 }, 100 },
};

static const soma_method methods[] = {
	SOMA_METHOD_EULER, SOMA_METHOD_RK2, SOMA_METHOD_RK4,
	SOMA_METHOD_EXP_EULER, SOMA_METHOD_RKF45,
};

/*
 * Tolerance on E = max_k |t_k - t_k,ref| / k (ms), the spike-time error per
 * spike so far, as a multiple of dt. Soma's spike time is the end of the
 * step in which V reached V_th and the reset happens there too, so every
 * spike adds a delay in [0, dt) that the following spikes inherit: even an
 * exact integration has E up to dt, and AdExIF's w, integrated to the end of
 * that step, lengthens the next interval a little more. This delay, not the
 * order of the method, dominates for rk2, rk4, exp_euler and rkf45; Euler
 * adds its own O(dt) error. Measured maxima over the cases and dt: Euler
 * 5.4 dt, rk2 2.4 dt, rk4 2.2 dt, rkf45 1.7 dt, exp_euler 1.6 dt, all for
 * AdExIF under the step input (QuaIF and ExpIF: Euler 3.6 dt, the others
 * at most 1.4 dt).
 */
static double tol_factor(soma_method m)
{
	return m == SOMA_METHOD_EULER ? 7.0 : 3.0;
}

/* The reference spikes of a case, once. */
static size_t ref_spikes(const struct spike_case *c, double *ref)
{
	const soma_model *m = soma_model_find(c->model);
	double param[32];
	struct ref_input in = { c->n_in, c->start, c->value, 0 };
	struct ref_result r = { ref, 0, NULL };

	assert_non_null(m);
	for (size_t k = 0; k < m->n_params; k++)
		param[k] = m->params[k].def;
	for (size_t k = 0; k < c->n_set; k++) {
		int i = soma_model_param_index(m, c->names[k]);
		assert_true(i >= 0);
		param[i] = c->values[k];
	}
	assert_int_equal(ref_run(m, param, NULL, &in, c->t_end, 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes <= MAXSPK);
	return r.n_spikes;
}

/* E (see tol_factor) of soma's run over the reference's spikes; soma runs
 * 20 ms longer so that spikes it delays past t_end still pair with them. */
static double spike_error(const struct spike_case *c, const double *ref,
			  size_t n_ref, soma_method m, double dt)
{
	struct ref_input in = { c->n_in, c->start, c->value, 0 };
	double sp[MAXSPK], e = 0;
	long n = soma_spike_times(c->model, c->names, c->values, c->n_set, m, dt,
				  &in, c->t_end + 20, sp, MAXSPK);

	assert_true(n >= (long)n_ref);
	for (size_t k = 0; k < n_ref; k++)
		e = fmax(e, fabs(sp[k] - ref[k]) / (double)(k + 1));
	return e;
}

static void test_spike_times(void **state)
{
	static const double dts[] = { 0.1, 0.05, 0.025 };
	(void)state;

	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
		const struct spike_case *c = &cases[ci];
		double ref[MAXSPK];
		size_t n_ref = ref_spikes(c, ref);

		assert_true(n_ref >= 3);
		print_message("%s: %zu reference spikes, first at %.6f ms\n",
			      c->what, n_ref, ref[0]);
		for (size_t mi = 0; mi < sizeof(methods) / sizeof(methods[0]); mi++) {
			soma_method m = methods[mi];
			double e[3];

			for (int d = 0; d < 3; d++)
				e[d] = spike_error(c, ref, n_ref, m, dts[d]);
			print_message("  %-9s E/dt = %.2f %.2f %.2f\n",
				      soma_method_name(m), e[0] / dts[0],
				      e[1] / dts[1], e[2] / dts[2]);
			for (int d = 0; d < 3; d++)
				assert_true(e[d] <= tol_factor(m) * dts[d]);
			/* the error shrinks with dt: at dt/4 below 2/3 of that at dt
			 * (the delays of the end-of-step spike times are
			 * deterministic, so the halving in between need not
			 * reduce it) */
			assert_true(e[2] < e[0] * 2.0 / 3.0);
		}
	}
}

/* ---- sub-threshold fixed points -------------------------------------- */

/* Run one neuron of @model (params names/values) from V0 under constant
 * input I for t ms with rk4 at dt 0.01 ms; the number of spikes and the
 * final V. */
static uint64_t run_from(const char *model, const char *const *names,
			 const double *values, size_t n_set, double V0, double I,
			 double t, double *V_end)
{
	soma_network *net;
	int pop;
	double d = INFINITY;
	const double *V;
	uint64_t count;

	assert_int_equal(soma_network_create(0.01, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", model, 1, &pop), SOMA_OK);
	for (size_t k = 0; k < n_set; k++)
		assert_int_equal(soma_population_set_param(net, pop, names[k], values[k]),
				 SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, SOMA_METHOD_RK4), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pop, "V", &V0, 1), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_network_run(net, soma_network_steps_for(net, t)), SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	*V_end = V[0];
	count = soma_population_spike_count(net, pop);
	soma_network_destroy(net);
	return count;
}

/* dV/dt of one neuron at V (defaults, input I) */
static double dVdt(const char *model, double V, double I)
{
	const soma_model *m = soma_model_find(model);
	double y[4] = { V, 0, 0, 0 }, dy[4];

	assert_int_equal(soma_model_rhs(m, NULL, y, &I, 0.01, dy), SOMA_OK);
	return dy[0];
}

/*
 * The stable root V_lo (rest) and the unstable root V_hi (threshold) of the
 * right-hand side under a constant sub-rheobase input: the neuron settles
 * at V_lo from either side; from just below V_hi it returns to V_lo, from
 * just above it fires.
 */
static void check_fixed_points(const char *model, double I, double V_lo,
			       double V_hi)
{
	double V;

	print_message("%s, I = %g pA: rest %.9f mV, threshold %.9f mV\n", model,
		      I, V_lo, V_hi);
	assert_true(fabs(dVdt(model, V_lo, I)) < 1e-12);
	assert_true(fabs(dVdt(model, V_hi, I)) < 1e-12);
	assert_true(dVdt(model, V_hi - 0.05, I) < 0);
	assert_true(dVdt(model, V_hi + 0.05, I) > 0);

	assert_int_equal(run_from(model, NULL, NULL, 0, V_lo - 5, I, 800, &V), 0);
	assert_true(fabs(V - V_lo) < 1e-6);
	assert_int_equal(run_from(model, NULL, NULL, 0, V_lo + 0.5 * (V_hi - V_lo),
				  I, 800, &V), 0);
	assert_true(fabs(V - V_lo) < 1e-6);
	assert_int_equal(run_from(model, NULL, NULL, 0, V_hi - 0.05, I, 800, &V), 0);
	assert_true(fabs(V - V_lo) < 1e-6);
	assert_true(run_from(model, NULL, NULL, 0, V_hi + 0.05, I, 800, &V) >= 1);
}

/* tau dV/dt = a_0 (V - V_rest)(V - V_c) + R I: roots of
 * a_0 V^2 - a_0 (V_rest + V_c) V + a_0 V_rest V_c + R I */
static void test_quaif_fixed_points(void **state)
{
	const double a_0 = 0.07, V_rest = -65, V_c = -50, R = 1;
	const double I_rh = a_0 * (V_c - V_rest) * (V_c - V_rest) / (4 * R);
	double r0, r1, V;
	(void)state;

	for (double I = 0; I <= 3; I += 1.5) {
		assert_int_equal(gsl_poly_solve_quadratic(a_0, -a_0 * (V_rest + V_c),
							  a_0 * V_rest * V_c + R * I,
							  &r0, &r1), 2);
		if (I == 0) { /* without input the roots are V_rest, V_c */
			assert_true(fabs(r0 - V_rest) < 1e-9);
			assert_true(fabs(r1 - V_c) < 1e-9);
		}
		check_fixed_points("quaif", I, r0, r1);
	}
	/* the rheobase R I = a_0 (V_c - V_rest)^2 / 4 = 3.9375 mV: no root above */
	assert_int_equal(gsl_poly_solve_quadratic(a_0, -a_0 * (V_rest + V_c),
						  a_0 * V_rest * V_c + R * I_rh * 1.01,
						  &r0, &r1), 0);
	assert_int_equal(run_from("quaif", NULL, NULL, 0, V_rest, 0.99 * I_rh, 1000, &V), 0);
	assert_true(run_from("quaif", NULL, NULL, 0, V_rest, 1.01 * I_rh, 1000, &V) >= 1);
}

/*
 * -(V - V_rest) + delta_T e^((V - V_T)/delta_T) + R I = 0: with
 * s = (V - V_rest - R I)/delta_T, s e^-s = z = e^((V_rest + R I - V_T)/delta_T),
 * so V = V_rest + R I - delta_T W(-z), W_0 for rest, W_-1 for threshold, two
 * roots while z < 1/e, i.e. R I < V_T - V_rest - delta_T (the rheobase).
 */
static void test_expif_fixed_points(void **state)
{
	const double V_rest = -65, V_T = -59.9, delta_T = 3.48, R = 10;
	const double I_rh = (V_T - V_rest - delta_T) / R; /* 0.162 pA */
	double V;
	(void)state;

	for (double I = 0; I <= 0.13; I += 0.06) {
		double z = exp((V_rest + R * I - V_T) / delta_T);
		double V_lo = V_rest + R * I - delta_T * gsl_sf_lambert_W0(-z);
		double V_hi = V_rest + R * I - delta_T * gsl_sf_lambert_Wm1(-z);

		check_fixed_points("expif", I, V_lo, V_hi);
	}
	assert_int_equal(run_from("expif", NULL, NULL, 0, V_rest, 0.99 * I_rh, 1000, &V), 0);
	assert_true(run_from("expif", NULL, NULL, 0, V_rest, 1.01 * I_rh, 1000, &V) >= 1);
}

/* ---- AdExIF adaptation ------------------------------------------------ */

/* The seed's input (21 pA, defaults): the intervals lengthen from 1.16 ms
 * to 3.52 ms (reference run) as w builds up, never shortening. */
static void test_adexif_isi_grow(void **state)
{
	const double dt = 0.01;
	double st[] = { 0 }, val[] = { 21 }, ref[MAXSPK], sp[MAXSPK];
	struct ref_input in = { 1, st, val, 0 };
	struct ref_result r = { ref, 0, NULL };
	long n;
	(void)state;

	assert_int_equal(ref_run(soma_model_find("adexif"), NULL, NULL, &in, 200,
				 1e-10, &r, MAXSPK), 0);
	assert_true(r.n_spikes > 20);
	for (size_t k = 2; k < r.n_spikes; k++)
		assert_true(ref[k] - ref[k - 1] >= ref[k - 1] - ref[k - 2] - 1e-6);
	print_message("adexif 21 pA: reference ISIs %.4f ... %.4f ms\n",
		      ref[1] - ref[0], ref[r.n_spikes - 1] - ref[r.n_spikes - 2]);
	assert_true(fabs(ref[1] - ref[0] - 1.162) < 0.01);
	assert_true(fabs(ref[r.n_spikes - 1] - ref[r.n_spikes - 2] - 3.518) < 0.01);

	n = soma_spike_times("adexif", NULL, NULL, 0, SOMA_METHOD_RK4, dt, &in, 200,
			     sp, MAXSPK);
	assert_true(n > 20 && (size_t)n <= MAXSPK);
	/* ISIs on the grid of dt: non-decreasing up to one step */
	for (long k = 2; k < n; k++)
		assert_true(sp[k] - sp[k - 1] >= sp[k - 1] - sp[k - 2] - dt - 1e-9);
	assert_true((sp[n - 1] - sp[n - 2]) / (sp[1] - sp[0]) > 2.5);
	/* without adaptation (a = b = 0) the intervals do not grow */
	{
		const char *nm[] = { "a", "b" };
		double v[] = { 0, 0 };
		n = soma_spike_times("adexif", nm, v, 2, SOMA_METHOD_RK4, dt, &in,
				     50, sp, MAXSPK);
		assert_true(n > 20);
		assert_true(fabs((sp[n - 1] - sp[n - 2]) - (sp[2] - sp[1])) <= dt + 1e-9);
	}
}

/*
 * w jumps by exactly b at each spike. Stepping one step at a time, w after
 * a step is w_int, the method's step of dw/dt = (a (V - V_rest) - w)/tau_w
 * from (V, w) before it (computed here independently: Euler, or the exact
 * solution for V held, which is exponential Euler), plus b when the neuron
 * spiked in that step and nothing otherwise.
 */
static void check_w_jumps(soma_method m, double b)
{
	const double dt = 0.1, a = 1, V_rest = -65, tau_w = 30;
	soma_network *net;
	int pop;
	double I = 21, d = INFINITY;
	const double *V, *w;
	int spikes = 0;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", "adexif", 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "b", b), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, m), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "w", &w), SOMA_OK);
	for (int s = 0; s < 2000; s++) {
		double V0 = V[0], w0 = w[0], w_int, jump;
		uint32_t n;

		if (m == SOMA_METHOD_EULER)
			w_int = w0 + dt * (a * (V0 - V_rest) - w0) / tau_w;
		else
			w_int = a * (V0 - V_rest) +
				(w0 - a * (V0 - V_rest)) * exp(-dt / tau_w);
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_int_equal(soma_population_spikes(net, pop, NULL, &n), SOMA_OK);
		jump = w[0] - w_int;
		if (n) {
			assert_true(fabs(jump - b) < 1e-9);
			assert_true(V[0] == -68.0); /* V_reset */
			spikes++;
		} else {
			assert_true(fabs(jump) < 1e-9);
		}
	}
	print_message("adexif %s, b = %g pA: %d spikes, w jumps checked\n",
		      soma_method_name(m), b, spikes);
	assert_true(spikes >= 15);
	soma_network_destroy(net);
}

static void test_adexif_w_jump(void **state)
{
	(void)state;
	check_w_jumps(SOMA_METHOD_EULER, 1.0);
	check_w_jumps(SOMA_METHOD_EULER, 7.5);
	check_w_jumps(SOMA_METHOD_EXP_EULER, 1.0);
	check_w_jumps(SOMA_METHOD_EXP_EULER, 7.5);
}

/* ---- no overflow -------------------------------------------------------- */

/*
 * A huge input (10^6 pA, R I = 10^7 mV for ExpIF/AdExIF) at dt = 1 and
 * 0.1 ms with every method, and a moderate one (100 pA) at dt = 1 ms: the
 * state must stay finite after every step (a run may only ever stop with a
 * clean SOMA_ENUMERIC, never hold inf/NaN); what we expect, and check, is
 * better: no SOMA_ENUMERIC at all, and with t_refractory = 0 at least
 * min_spikes spikes in 50 steps (a spike in every step under the huge
 * input).
 */
static void check_no_overflow(const char *model, soma_method m, double I,
			      double dt, uint64_t min_spikes)
{
	soma_network *net;
	int pop, rc = SOMA_OK;
	double d = INFINITY;
	const double *V, *w = NULL;
	const uint64_t steps = 50;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", model, 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, "t_refractory", 0), SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, m), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, &I, &d, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	if (!strcmp(model, "adexif"))
		assert_int_equal(soma_population_state(net, pop, "w", &w), SOMA_OK);
	for (uint64_t s = 0; s < steps; s++) {
		rc = soma_network_run(net, 1);
		if (rc) {
			assert_int_equal(rc, SOMA_ENUMERIC);
			break;
		}
		assert_true(isfinite(V[0]) && fabs(V[0]) < 1e4);
		if (w)
			assert_true(isfinite(w[0]));
	}
	if (rc)
		print_message("%s, %s, I = %g pA, dt = %g ms: %s\n", model,
			      soma_method_name(m), I, dt, soma_network_errmsg(net));
	assert_int_equal(rc, SOMA_OK);
	assert_true(soma_population_spike_count(net, pop) >= min_spikes);
	soma_network_destroy(net);
}

static void test_no_overflow(void **state)
{
	static const char *const models[] = { "expif", "adexif", "quaif" };
	(void)state;

	for (int k = 0; k < 3; k++)
		for (int m = SOMA_METHOD_EULER; m <= SOMA_METHOD_MSBDF; m++) {
			check_no_overflow(models[k], (soma_method)m, 1e6, 1.0, 50);
			check_no_overflow(models[k], (soma_method)m, 1e6, 0.1, 50);
			check_no_overflow(models[k], (soma_method)m, 100, 1.0, 1);
		}
}

/* ---- parameter checks -------------------------------------------------- */

static int prepare_with(const char *model, const char *name, double value)
{
	soma_network *net;
	int pop, rc;

	assert_int_equal(soma_network_create(0.1, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "N", model, 1, &pop), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pop, name, value), SOMA_OK);
	rc = soma_network_prepare(net);
	soma_network_destroy(net);
	return rc;
}

static void test_prepare_checks(void **state)
{
	(void)state;
	assert_int_equal(prepare_with("quaif", "V_reset", -30), SOMA_ERANGE);
	assert_int_equal(prepare_with("quaif", "V_c", -70), SOMA_ERANGE);
	assert_int_equal(prepare_with("quaif", "V_reset", -31), SOMA_OK);
	assert_int_equal(prepare_with("expif", "V_reset", -20), SOMA_ERANGE);
	assert_int_equal(prepare_with("expif", "delta_T", 0.05), SOMA_ERANGE);
	assert_int_equal(prepare_with("expif", "delta_T", 0.1), SOMA_OK);
	assert_int_equal(prepare_with("expif", "tau", 0.05), SOMA_ERANGE); /* Euler */
	assert_int_equal(prepare_with("adexif", "V_reset", -30), SOMA_ERANGE);
	assert_int_equal(prepare_with("adexif", "tau_w", 0.05), SOMA_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spike_times),
		cmocka_unit_test(test_quaif_fixed_points),
		cmocka_unit_test(test_expif_fixed_points),
		cmocka_unit_test(test_adexif_isi_grow),
		cmocka_unit_test(test_adexif_w_jump),
		cmocka_unit_test(test_no_overflow),
		cmocka_unit_test(test_prepare_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
