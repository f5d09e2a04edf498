/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Short-term plasticity (stp) and STDP (stdp) synapses, BrainModels book
 * §2.2.1 and §2.2.2.
 *
 * STP: presynaptic trains with exact spike steps (a one-step pulse of
 * 10^4 pA fires a LIF neuron in that step) give responses whose amplitudes
 * (the jumps of s) equal the Tsodyks-Markram recursion computed here from the
 * inter-spike intervals, u_k- = u_{k-1}+ exp(-T/tau_f),
 * x_k- = 1 - (1 - x_{k-1}+) exp(-T/tau_d), u_k+ = u_k- + U (1 - u_k-),
 * A_k = w u_k+ x_k-, x_k+ = x_k- - u_k+ x_k-, to 1e-12, for the seed's
 * depression and facilitation sets, with and without a delay; s, u and x
 * agree with the closed form at every step.
 *
 * STDP: a single pair at dt = +-5 ms changes w by delta_A_s exp(-5/tau_s) or
 * -delta_A_t exp(-5/tau_t) (1e-12); a delay shifts the effective interval;
 * a pre and a post spike in the same step count as pre before post, clipped
 * once; random trains keep w in [w_min, w_max] and agree step by step with
 * the seed's per-synapse code written out here (1e-12).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soma/soma.h"

#define DT 0.1
#define TOL 1e-12

/* A one-step pulse to @neuron of @pop in step k: it spikes at t = (k+1) dt,
 * seen after the (k+1)-th step. */
static void pulse(soma_network *net, int pop, uint32_t neuron, uint64_t k)
{
	double v[2] = { 0, 1e4 }, d[2] = { (double)k * DT, DT };

	assert_int_equal(soma_network_add_current(net, pop, &neuron, 1, v, d, 2,
						  NULL),
			 SOMA_OK);
}

/* ---- STP ---------------------------------------------------------------- */

#define STP_STEPS 2600
#define NSPK 10

/* pre neuron 0: every 20 ms; pre neuron 1: every 13 ms from another start */
static uint64_t stp_pulse_step(int p, int m)
{
	return p == 0 ? 50 + 200 * (uint64_t)m : 80 + 130 * (uint64_t)m;
}

/* Closed-form state of one pre neuron's synapses. */
struct tm_train {
	uint64_t arr[NSPK]; /* arrival steps */
	double amp[NSPK];   /* A_k / w */
	double u_plus[NSPK], x_plus[NSPK];
};

static void tm_recursion(struct tm_train *tr, double U, double tau_d,
			 double tau_f)
{
	double u = 0, x = 1;

	for (int k = 0; k < NSPK; k++) {
		if (k) {
			double T = (double)(tr->arr[k] - tr->arr[k - 1]) * DT;
			u = u * exp(-T / tau_f);
			x = 1 - (1 - x) * exp(-T / tau_d);
		}
		u = u + U * (1 - u);
		tr->amp[k] = u * x;
		x = x - u * x;
		tr->u_plus[k] = u;
		tr->x_plus[k] = x;
	}
}

/* jumps: measured amplitudes of pre neuron 0's train (the arrivals where
 * neuron 1 has none), per unit weight */
static void check_stp(double U, double tau_d, double tau_f, double delay,
		      double *jumps)
{
	const double w = 1.5, tau = 8.0;
	const uint32_t D = (uint32_t)floor(delay / DT + 0.5);
	soma_network *net;
	int pre, post, proj;
	const double *s, *u, *x;
	struct tm_train tr[2];
	soma_projection_spec spec = {
		.name = "P", .synapse = "stp", .output = SOMA_OUTPUT_CURRENT,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(w), .delay_ms = delay,
	};
	int seen[2] = { 0, 0 }, n_jumps = 0;
	double s_prev = 0;

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 3, &post), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, post, "V_th", 1e9), SOMA_OK);
	for (int p = 0; p < 2; p++)
		for (int m = 0; m < NSPK; m++)
			pulse(net, pre, (uint32_t)p, stp_pulse_step(p, m));
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "U", U), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_d", tau_d), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_f", tau_f), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau", tau), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), D);
	/* u, x per pre neuron; s per post neuron */
	assert_int_equal(soma_projection_state_size(net, proj, "u"), 2);
	assert_int_equal(soma_projection_state_size(net, proj, "x"), 2);
	assert_int_equal(soma_projection_state_size(net, proj, "s"), 3);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "u", &u), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "x", &x), SOMA_OK);

	for (int p = 0; p < 2; p++) {
		for (int m = 0; m < NSPK; m++)
			tr[p].arr[m] = stp_pulse_step(p, m) + 1 + D;
		tm_recursion(&tr[p], U, tau_d, tau_f);
	}

	for (uint64_t c = 1; c <= STP_STEPS; c++) {
		const uint32_t *idx;
		uint32_t n;
		double s_exp = 0, jump_exp = 0;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		/* the pre spikes happen where the pulses put them */
		soma_population_spikes(net, pre, &idx, &n);
		for (uint32_t q = 0; q < n; q++) {
			int p = (int)idx[q];
			assert_true(seen[p] < NSPK);
			assert_int_equal(c, stp_pulse_step(p, seen[p]) + 1);
			seen[p]++;
		}
		for (int p = 0; p < 2; p++) {
			double u_exp = 0, x_exp = 1;
			for (int k = 0; k < NSPK && tr[p].arr[k] <= c; k++) {
				double age = (double)(c - tr[p].arr[k]) * DT;
				s_exp += w * tr[p].amp[k] * exp(-age / tau);
				u_exp = tr[p].u_plus[k] * exp(-age / tau_f);
				x_exp = 1 - (1 - tr[p].x_plus[k]) * exp(-age / tau_d);
				if (tr[p].arr[k] == c)
					jump_exp += w * tr[p].amp[k];
			}
			assert_true(fabs(u[p] - u_exp) <= TOL);
			assert_true(fabs(x[p] - x_exp) <= TOL);
		}
		for (int i = 0; i < 3; i++)
			assert_true(fabs(s[i] - s_exp) <= TOL);
		/* the response amplitude: s(t_{n+1}) - s(t_n) exp(-dt/tau);
		 * the trains coincide once (arrival 1251 + D: neuron 0's 7th
		 * spike, neuron 1's 10th), where the jump is the sum */
		{
			double jump = s[0] - s_prev * exp(-DT / tau);
			assert_true(fabs(jump - jump_exp) <= TOL);
			for (int k = 0; k < NSPK; k++)
				if (tr[0].arr[k] == c) {
					for (int m = 0; m < NSPK; m++)
						if (tr[1].arr[m] == c)
							jump -= w * tr[1].amp[m];
					jumps[n_jumps++] = jump / w;
				}
		}
		s_prev = s[0];
	}
	assert_int_equal(seen[0], NSPK);
	assert_int_equal(seen[1], NSPK);
	assert_int_equal(n_jumps, NSPK);
	soma_network_destroy(net);
}

/* The seed's depression set: U = 0.2, tau_d = 150 ms, tau_f = 2 ms. The
 * amplitudes fall at every spike of the 50 Hz train. */
static void test_stp_depression(void **st)
{
	(void)st;
	double a[NSPK];

	check_stp(0.2, 150, 2, 0, a);
	assert_true(fabs(a[0] - 0.2) <= TOL); /* u+ = U, x- = 1 */
	for (int k = 1; k < NSPK; k++)
		assert_true(a[k] < a[k - 1]);
	assert_true(a[NSPK - 1] < 0.5 * a[0]);
	check_stp(0.2, 150, 2, 1.5, a);
}

/* The seed's facilitation set: U = 0.1, tau_d = 10 ms, tau_f = 100 ms. The
 * amplitudes rise first: A_2 = u+ x- = 0.1737 x 0.9865 = 0.1714 > 0.1. */
static void test_stp_facilitation(void **st)
{
	(void)st;
	double a[NSPK];

	check_stp(0.1, 10, 100, 0, a);
	assert_true(fabs(a[0] - 0.1) <= TOL);
	assert_true(a[1] > a[0] && a[2] > a[1]);
	assert_true(fabs(a[1] - (0.1 * exp(-0.2) + 0.1 * (1 - 0.1 * exp(-0.2))) *
				     (1 - 0.1 * exp(-2.0))) <= TOL);
	check_stp(0.1, 10, 100, 2.0, a);
}

/* ---- STDP --------------------------------------------------------------- */

#define TAU_S 10.0
#define TAU_T 20.0
#define DA_S 0.5
#define DA_T 0.3

/* 1 pre and 1 post LIF; the pre neuron spikes after the steps in pre_k, the
 * post neuron after those in post_k (-1 ends a list). Returns the final w
 * and checks that w only changes at the steps where a spike arrives or the
 * post neuron spikes. */
static double stdp_pair(double w0, double w_min, double delay,
			const int64_t *pre_k, const int64_t *post_k,
			uint64_t steps)
{
	soma_network *net;
	int pre, post, proj;
	const double *w;
	soma_projection_spec spec = {
		.name = "P", .synapse = "stdp", .output = SOMA_OUTPUT_CURRENT,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(w0), .delay_ms = delay,
	};
	const uint64_t D = (uint64_t)floor(delay / DT + 0.5);
	double w_prev = w0, out;

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 1, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 1, &post), SOMA_OK);
	for (int k = 0; pre_k[k] >= 0; k++)
		pulse(net, pre, 0, (uint64_t)pre_k[k]);
	for (int k = 0; post_k[k] >= 0; k++)
		pulse(net, post, 0, (uint64_t)post_k[k]);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_s", TAU_S), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_t", TAU_T), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "delta_A_s", DA_S), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "delta_A_t", DA_T), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", w_min), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, NULL, NULL, &w), SOMA_OK);
	for (uint64_t c = 1; c <= steps; c++) {
		int event = 0;
		uint32_t n;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, post, NULL, &n);
		for (int k = 0; pre_k[k] >= 0; k++)
			event |= (uint64_t)pre_k[k] + 1 + D == c;
		for (int k = 0; post_k[k] >= 0; k++)
			if ((uint64_t)post_k[k] + 1 == c) {
				event = 1;
				assert_int_equal(n, 1);
			}
		if (!event)
			assert_true(w[0] == w_prev);
		w_prev = w[0];
	}
	out = w[0];
	soma_network_destroy(net);
	return out;
}

/* t_post - t_pre = +5 ms: w += delta_A_s exp(-5/tau_s); -5 ms:
 * w -= delta_A_t exp(-5/tau_t). */
static void test_stdp_pair(void **st)
{
	(void)st;
	const int64_t a[] = { 100, -1 }, b[] = { 150, -1 };
	double dw;

	dw = stdp_pair(5, 0, 0, a, b, 300) - 5;
	assert_true(fabs(dw - DA_S * exp(-5 / TAU_S)) <= TOL);
	dw = stdp_pair(5, 0, 0, b, a, 300) - 5;
	assert_true(fabs(dw + DA_T * exp(-5 / TAU_T)) <= TOL);
}

/* A delay of 3 ms is axonal: the effective interval is
 * t_post - (t_pre + 3 ms). Post 5 ms after pre: +2 ms; post 1 ms after
 * pre: -2 ms (depression at the arrival, 2 ms after the post spike). */
static void test_stdp_delay(void **st)
{
	(void)st;
	const int64_t pre_k[] = { 100, -1 }, late[] = { 150, -1 },
		      early[] = { 110, -1 };
	double dw;

	dw = stdp_pair(5, 0, 3.0, pre_k, late, 300) - 5;
	assert_true(fabs(dw - DA_S * exp(-2 / TAU_S)) <= TOL);
	dw = stdp_pair(5, 0, 3.0, pre_k, early, 300) - 5;
	assert_true(fabs(dw + DA_T * exp(-2 / TAU_T)) <= TOL);
}

/* A pre arrival and a post spike in the same step count as pre before post:
 * from rest w += delta_A_s (post before pre would give -delta_A_t). After a
 * post spike 2 ms earlier, from w = w_min = 0, the seed's single clip gives
 * w = clip(0 - delta_A_t exp(-2/tau_t) + delta_A_s) = 0.2285, where a clip
 * after each half would give delta_A_s = 0.5. */
static void test_stdp_same_step(void **st)
{
	(void)st;
	const int64_t one[] = { 100, -1 }, none[] = { -1 },
		      post2[] = { 80, 100, -1 };
	double w;

	w = stdp_pair(5, 0, 0, one, one, 200);
	assert_true(fabs(w - (5 + DA_S)) <= TOL);
	w = stdp_pair(0, 0, 0, one, post2, 200);
	assert_true(fabs(w - (DA_S - DA_T * exp(-2 / TAU_T))) <= TOL);
	/* and with a delay: the arrival, not the emission, meets the post spike */
	{
		const int64_t pre_k[] = { 70, -1 };
		w = stdp_pair(0, 0, 3.0, pre_k, post2, 200);
		assert_true(fabs(w - (DA_S - DA_T * exp(-2 / TAU_T))) <= TOL);
	}
	/* nothing happens without spikes */
	w = stdp_pair(5, 0, 0, none, none, 100);
	assert_true(w == 5);
}

/* Random trains: Poisson pre neurons, LIF post neurons at different phases,
 * random connections, a delay of 0.5 ms and large trace increments so that
 * both bounds are hit. Every step, each weight equals the seed's
 * per-synapse update (decay the traces; pre arrival: s += w, A_s += dA_s,
 * w -= A_t; post spike: A_t += dA_t, w += A_s; clip once) written out here,
 * and lies in [w_min, w_max]; s equals its own recursion. */
static void test_stdp_random_bounds(void **st)
{
	(void)st;
	enum { NPRE = 6, NPOST = 4, STEPS = 4000, D = 5 };
	const double w_min = 1, w_max = 3, dA_s = 0.8, dA_t = 0.9;
	const double tau_s = 15, tau_t = 25, tau = 10;
	soma_network *net;
	int pre, post, proj;
	const double *w, *s;
	const uint64_t *row;
	const uint32_t *pidx;
	soma_dist vinit = { SOMA_DIST_UNIFORM, -5, 20 };
	soma_dist winit = { SOMA_DIST_UNIFORM, w_min, w_max };
	soma_projection_spec spec = {
		.name = "P", .synapse = "stdp", .output = SOMA_OUTPUT_CURRENT,
		.connector = { SOMA_CONNECT_FIXED_PROBABILITY, 0.6, 0 },
		.delay_ms = D * DT,
	};
	double cur[2] = { 25, INFINITY };
	uint64_t nnz;
	double *rw, *ras, *rat, rs[NPOST] = { 0 };
	uint32_t *spre;
	static unsigned char prehist[STEPS + 1][NPRE];
	int at_min = 0, at_max = 0, n_post_spk = 0;

	spec.weight = winit;
	assert_int_equal(soma_network_create(DT, 7, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "poisson", NPRE, &pre), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, pre, "rate", 80), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", NPOST, &post), SOMA_OK);
	assert_int_equal(soma_population_init_state(net, post, "V", &vinit), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, post, NULL, 0, cur, cur + 1, 1, NULL), SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_s", tau_s), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_t", tau_t), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau", tau), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "delta_A_s", dA_s), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "delta_A_t", dA_t), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", w_min), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_max", w_max), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_state_size(net, proj, "A_s"), NPRE);
	assert_int_equal(soma_projection_state_size(net, proj, "A_t"), NPOST);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, &row, &pidx, &w), SOMA_OK);
	nnz = soma_projection_synapse_count(net, proj);
	assert_true(nnz > 8 && nnz < NPRE * NPOST);
	rw = malloc(nnz * sizeof(double));
	ras = calloc(nnz, sizeof(double));
	rat = calloc(nnz, sizeof(double));
	spre = malloc(nnz * sizeof(uint32_t));
	assert_non_null(rw);
	assert_non_null(ras);
	assert_non_null(rat);
	assert_non_null(spre);
	memcpy(rw, w, nnz * sizeof(double));
	for (uint32_t p = 0; p < NPRE; p++)
		for (uint64_t e = row[p]; e < row[p + 1]; e++)
			spre[e] = p;
	memset(prehist, 0, sizeof(prehist));

	for (uint64_t c = 1; c <= STEPS; c++) {
		const uint32_t *idx;
		uint32_t n;
		unsigned char post_spk[NPOST] = { 0 };
		/* the pre spikes seen after step c - D arrive now */
		const unsigned char *due = c > D ? prehist[c - D] : NULL;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, pre, &idx, &n);
		for (uint32_t q = 0; q < n; q++)
			prehist[c][idx[q]] = 1;
		soma_population_spikes(net, post, &idx, &n);
		for (uint32_t q = 0; q < n; q++)
			post_spk[idx[q]] = 1;
		n_post_spk += (int)n;
		for (int i = 0; i < NPOST; i++)
			rs[i] *= exp(-DT / tau);
		for (uint64_t e = 0; e < nnz; e++) {
			const uint32_t i = pidx[e];
			double we = rw[e];
			ras[e] *= exp(-DT / tau_s);
			rat[e] *= exp(-DT / tau_t);
			if (due && due[spre[e]]) {
				rs[i] += we;
				ras[e] += dA_s;
				we -= rat[e];
			}
			if (post_spk[i]) {
				rat[e] += dA_t;
				we += ras[e];
			}
			rw[e] = we < w_min ? w_min : we > w_max ? w_max : we;
		}
		for (uint64_t e = 0; e < nnz; e++) {
			assert_true(w[e] >= w_min && w[e] <= w_max);
			assert_true(fabs(w[e] - rw[e]) <= TOL);
			at_min += w[e] == w_min;
			at_max += w[e] == w_max;
		}
		for (int i = 0; i < NPOST; i++)
			assert_true(fabs(s[i] - rs[i]) <= TOL);
	}
	/* the bounds were reached, so clipping was exercised */
	assert_true(at_min > 0 && at_max > 0);
	assert_true(n_post_spk > 4 * NPOST);
	free(rw);
	free(ras);
	free(rat);
	free(spre);
	soma_network_destroy(net);
}

/* Bounds and weights are checked at prepare. */
static void test_stdp_errors(void **st)
{
	(void)st;
	soma_network *net;
	int pre, post, proj, q;
	soma_projection_spec spec = {
		.name = "P", .synapse = "stdp", .output = SOMA_OUTPUT_CURRENT,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(25),
	};

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 2, &post), SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	/* weight 25 > w_max = 20 */
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "outside"));
	assert_int_equal(soma_projection_set_param(net, proj, "w_max", 30), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", 40), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "w_max"));
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", 0), SOMA_OK);
	spec.name = "G";
	spec.output = SOMA_OUTPUT_CONDUCTANCE;
	spec.weight = soma_dist_constant(1);
	assert_int_equal(soma_network_add_projection(net, &spec, &q), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, q, "w_min", -1), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), ">= 0"));
	assert_int_equal(soma_projection_set_param(net, q, "w_min", 0), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stp_depression),
		cmocka_unit_test(test_stp_facilitation),
		cmocka_unit_test(test_stdp_pair),
		cmocka_unit_test(test_stdp_delay),
		cmocka_unit_test(test_stdp_same_step),
		cmocka_unit_test(test_stdp_random_bounds),
		cmocka_unit_test(test_stdp_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
