/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kinetic synapses ampa, nmda and gaba_b, whose gating is kept once per
 * presynaptic neuron:
 *  - AMPA under a long transmitter pulse follows
 *    s = s_inf (1 - exp(-(alpha T + beta) u)), s_inf = alpha T/(alpha T + beta),
 *    then decays as exp(-beta u) (1e-12 relative at every step); the pulse
 *    lasts round(T_duration/dt) steps;
 *  - NMDA: x = exp(-u/tau_rise) after one arrival (1e-12), s against a fine
 *    RK4 of the seed's equations (1e-11), and the magnesium block
 *    B = 1/(1 + exp(-0.062 V) 1.2/3.57) at V = -70, -20 and 0 mV
 *    (0.0373357, 0.462631, 0.748428, computed with 30 digits) read back from
 *    the conductance and the current the post neurons receive;
 *  - GABA_B after one spike peaks 102.1 ms after the arrival at
 *    s = 1.5569e-7 and is still 71.76 % of that (above 70 %) 200 ms after
 *    the arrival (values of the closed-form solution with 30 digits);
 *  - conductance-based output reverses sign at E;
 *  - representation: on 3 pre -> 2 post neurons all-to-all with random
 *    weights and several spikes (two in one step, one during a running
 *    pulse), the currents and conductances the post neurons receive at every
 *    step equal those of a naive implementation written here, in which
 *    every synapse has its own state, its own queue of delayed spikes and is
 *    integrated by RK4 with many sub-steps;
 *  - the delay: the first effect of a spike shows in the state at the
 *    arrival t_s + D dt and in the post input one step later.
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

#include "core/internal.h"
#include "soma/soma.h"
#include "spike_drive.h"

#define DT 0.1
#define MAX_PULSES 8
#define MAX_SPIKES 64
#define MAX_SYN 16

enum kind { AMPA, NMDA, GABAB };
static const char *const model_name[] = { "ampa", "nmda", "gaba_b" };

/* |a - b| within rel of scale (or below 1e-300) */
static void assert_close(double a, double b, double scale, double rel)
{
	if (!(fabs(a - b) <= rel * scale + 1e-300)) {
		print_error("got %.17g, expected %.17g (scale %g, rel %g)\n", a, b,
			    scale, rel);
		fail();
	}
}

/* pre: n_pre LIF, neuron i fired by one-step pulses at the steps
 * pulses[i][0..] (ascending, ended by a value < 0), each giving a spike at
 * the end of that step (run number step + 1); post: n_post LIF that never
 * spike, and ctl, a copy of post without synapses. */
static soma_network *build(enum kind k, soma_output_kind out, uint32_t n_pre,
			   uint32_t n_post, soma_connect_kind conn, soma_dist w,
			   double delay, const int pulses[][MAX_PULSES],
			   int *proj)
{
	soma_network *net;
	int pre, post, ctl;
	soma_projection_spec spec = {
		.name = "P", .synapse = model_name[k], .output = out,
		.connector = { conn, 0, 0 }, .weight = w, .delay_ms = delay,
	};

	assert_int_equal(soma_network_create(DT, 7, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", n_pre, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", n_post, &post), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "ctl", "lif", n_post, &ctl), SOMA_OK);
	for (int p = post; p <= ctl; p++)
		assert_int_equal(soma_population_set_param(net, p, "V_th", 1e9), SOMA_OK);
	for (uint32_t i = 0; i < n_pre; i++)
		assert_int_equal(spike_drive(net, pre, i, pulses[i], MAX_PULSES, DT),
				 SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	assert_int_equal(soma_network_add_projection(net, &spec, proj), SOMA_OK);
	return net;
}

static double param(soma_network *net, int proj, const char *name)
{
	double v;

	assert_int_equal(soma_projection_get_param(net, proj, name, &v), SOMA_OK);
	return v;
}

/* ---- a naive implementation: every synapse its own state -------------- */

/* The parameters of one projection, read from it. */
struct prm {
	enum kind k;
	double alpha, beta, T, E;       /* AMPA (alpha, beta, T, E) */
	int pulse_steps;                /* AMPA, GABA_B */
	double tau_d, tau_r, a;         /* NMDA kinetics */
	double alpha_mg, beta_mg, c_mg; /* NMDA block */
	double k1, k2, k3, k4, K_d;     /* GABA_B */
};

static struct prm read_prm(soma_network *net, int proj, enum kind k)
{
	struct prm q = { .k = k };

	q.E = param(net, proj, "E");
	switch (k) {
	case AMPA:
		q.alpha = param(net, proj, "alpha");
		q.beta = param(net, proj, "beta");
		q.T = param(net, proj, "T");
		q.pulse_steps = (int)lround(param(net, proj, "T_duration") / DT);
		break;
	case NMDA:
		q.tau_d = param(net, proj, "tau_decay");
		q.tau_r = param(net, proj, "tau_rise");
		q.a = param(net, proj, "a");
		q.alpha_mg = param(net, proj, "alpha");
		q.beta_mg = param(net, proj, "beta");
		q.c_mg = param(net, proj, "c_Mg");
		break;
	case GABAB:
		q.k1 = param(net, proj, "k1");
		q.k2 = param(net, proj, "k2");
		q.k3 = param(net, proj, "k3");
		q.k4 = param(net, proj, "k4");
		q.K_d = param(net, proj, "K_d");
		q.T = param(net, proj, "T");
		q.pulse_steps = (int)lround(param(net, proj, "T_duration") / DT);
		break;
	}
	return q;
}

/* The seed's right-hand sides: AMPA y = (s), NMDA y = (s, x), GABA_B
 * y = (R, G); TT the transmitter concentration. */
static void rhs(const struct prm *q, double TT, const double *y, double *dy)
{
	switch (q->k) {
	case AMPA:
		dy[0] = q->alpha * TT * (1 - y[0]) - q->beta * y[0];
		dy[1] = 0;
		break;
	case NMDA:
		dy[0] = -y[0] / q->tau_d + q->a * y[1] * (1 - y[0]);
		dy[1] = -y[1] / q->tau_r;
		break;
	case GABAB:
		dy[0] = q->k3 * TT * (1 - y[0]) - q->k4 * y[0];
		dy[1] = q->k1 * y[0] - q->k2 * y[1];
		break;
	}
}

/* RK4 over one step dt in m sub-steps, TT held. */
static void rk4(const struct prm *q, double TT, double *y, int m)
{
	const double h = DT / m;

	for (int i = 0; i < m; i++) {
		double k1[2], k2[2], k3[2], k4[2], t[2];
		rhs(q, TT, y, k1);
		for (int v = 0; v < 2; v++)
			t[v] = y[v] + 0.5 * h * k1[v];
		rhs(q, TT, t, k2);
		for (int v = 0; v < 2; v++)
			t[v] = y[v] + 0.5 * h * k2[v];
		rhs(q, TT, t, k3);
		for (int v = 0; v < 2; v++)
			t[v] = y[v] + h * k3[v];
		rhs(q, TT, t, k4);
		for (int v = 0; v < 2; v++)
			y[v] += h / 6 * (k1[v] + 2 * k2[v] + 2 * k3[v] + k4[v]);
	}
}

/* The gating s of a synapse: s, s, or G^4/(G^4 + K_d). */
static double gate(const struct prm *q, const double *y)
{
	if (q->k == GABAB)
		return pow(y[1], 4) / (pow(y[1], 4) + q->K_d);
	return y[0];
}

/* Magnesium block, from the seed's formula. */
static double block(const struct prm *q, double V)
{
	return 1.0 / (1.0 + exp(-q->alpha_mg * V) * q->c_mg / q->beta_mg);
}

/* One naive synapse. */
struct nsyn {
	uint32_t pre, post;
	double w;
	double y[2];
	int left;                  /* pulse steps left */
	uint64_t due[MAX_SPIKES];  /* run numbers at which its spikes arrive */
	int n_due;
};

/* Advance a naive synapse over the step of run n and apply the spikes due
 * at its end. */
static void nsyn_advance(const struct prm *q, struct nsyn *e, uint64_t n, int m)
{
	double TT = 0;

	if (e->left > 0) {
		TT = q->T;
		e->left--;
	}
	rk4(q, TT, e->y, m);
	for (int i = 0; i < e->n_due; i++)
		if (e->due[i] == n) {
			if (q->k == NMDA)
				e->y[1] += 1;
			else
				e->left = q->pulse_steps;
		}
}

/* The input each post neuron should receive at t_n from the naive synapses:
 * current-based I = sum w s (times B(V) for NMDA), conductance-based
 * g = sum w s (times B(V)), I = g E. */
static void naive_output(const struct prm *q, soma_output_kind out,
			 const struct nsyn *e, int n_syn, const double *V,
			 uint32_t n_post, double *I, double *g, double *scale)
{
	for (uint32_t i = 0; i < n_post; i++)
		I[i] = g[i] = scale[i] = 0;
	for (int k = 0; k < n_syn; k++) {
		uint32_t i = e[k].post;
		double v = e[k].w * gate(q, e[k].y);

		if (q->k == NMDA)
			v *= block(q, V[i]);
		if (out == SOMA_OUTPUT_CONDUCTANCE) {
			g[i] += v;
			I[i] += v * q->E;
			scale[i] += fabs(v) * (1 + fabs(q->E));
		} else {
			I[i] += v;
			scale[i] += fabs(v);
		}
	}
}

/* ---- AMPA ---------------------------------------------------------------- */

/* One spike (pulse in step 10: spike and, with delay 0, arrival at the end
 * of run 11) under a T_duration of 50 ms = 500 steps: s climbs to within
 * 3e-15 of s_inf = alpha T/(alpha T + beta) = 0.49/0.67, then decays. */
static void check_ampa_pulse(double T_duration, int steps_on, int n_run)
{
	const int pulses[1][MAX_PULSES] = { { 10, -1 } };
	int proj;
	soma_network *net = build(AMPA, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  0, pulses, &proj);
	const double *s, *pulse;
	const double alpha = 0.98, beta = 0.18, T = 0.5;
	const double kap = alpha * T + beta, s_inf = alpha * T / kap;
	double s_end = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "T_duration", T_duration),
			 SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "pulse", &pulse), SOMA_OK);
	for (int n = 1; n <= n_run; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		double e, u = (n - 11) * DT, u_on = steps_on * DT;
		if (n < 11)
			e = 0;
		else if (n - 11 <= steps_on)
			e = s_inf * -expm1(-kap * u);
		else
			e = s_inf * -expm1(-kap * u_on) * exp(-beta * (u - u_on));
		assert_close(s[0], e, e, 1e-12);
		/* the pulse state counts the steps left */
		if (n >= 11 && n - 11 <= steps_on)
			assert_close(pulse[0], (steps_on - (n - 11)) * DT, 1, 1e-12);
		else
			assert_true(pulse[0] == 0);
		if (n - 11 == steps_on)
			s_end = s[0];
	}
	if (steps_on >= 500)
		assert_close(s_end, 0.49 / 0.67, 1, 1e-12);
	soma_network_destroy(net);
}

static void test_ampa_long_pulse(void **st)
{
	(void)st;
	check_ampa_pulse(50.0, 500, 800);
	check_ampa_pulse(0.5, 5, 300);   /* the default */
	check_ampa_pulse(0.25, 3, 100);  /* 2.5 steps: halves round up */
	check_ampa_pulse(0.33, 3, 100);  /* nearest step */
}

/* A second spike during the pulse restarts it: the pulse ends T_duration
 * after the latest spike (the seed's t_last_pre_spike). */
static void test_ampa_restart(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 10, 25, -1 } };
	int proj;
	soma_network *net = build(AMPA, SOMA_OUTPUT_CURRENT, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  0, pulses, &proj);
	const double *s, *pulse;
	int on = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "T_duration", 3.0), SOMA_OK);
	soma_projection_state(net, proj, "s", &s);
	soma_projection_state(net, proj, "pulse", &pulse);
	for (int n = 1; n <= 100; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		if (pulse[0] > 0)
			on++;
	}
	/* arrivals at runs 11 and 26: on from 11 to 26 + 29 */
	assert_int_equal(on, (26 + 30) - 11);
	soma_network_destroy(net);
}

/* ---- NMDA ---------------------------------------------------------------- */

/* One arrival: x = exp(-u/tau_rise) exactly, s as a fine RK4 of the seed's
 * equations (1000 sub-steps per step, its error below 1e-14 here). */
static void test_nmda_kinetics(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 10, 200, -1 } };
	int proj;
	soma_network *net = build(NMDA, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(0.15),
				  1.0, pulses, &proj);
	const double *s, *x;
	const struct prm q = read_prm(net, proj, NMDA);
	double y[2] = { 0, 0 }, peak = 0, peak1 = 0;

	assert_true(q.tau_d == 100 && q.tau_r == 2 && q.a == 0.5);
	assert_true(q.alpha_mg == 0.062 && q.beta_mg == 3.57 && q.c_mg == 1.2 && q.E == 0);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "x", &x), SOMA_OK);
	assert_int_equal(soma_projection_state_size(net, proj, "s"), 1);
	for (int n = 1; n <= 3000; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		rk4(&q, 0, y, 1000);
		/* spikes at runs 11 and 201, arriving 10 steps later */
		if (n == 21 || n == 211)
			y[1] += 1;
		if (n <= 210) {
			double u = (n - 21) * DT;
			double e = n < 21 ? 0 : exp(-u / q.tau_r);
			assert_close(x[0], e, e, 1e-12);
		}
		assert_close(x[0], y[1], y[1], 1e-11);
		assert_close(s[0], y[0], y[0], 1e-11);
		peak = fmax(peak, s[0]);
		if (n <= 210)
			peak1 = peak;
	}
	/* without decay (tau_decay -> inf) one arrival gives
	 * s = 1 - exp(-a tau_rise (1 - exp(-u/tau_rise))) -> 1 - 1/e = 0.632,
	 * and a second one s -> 1 - (1 - s) / e: the decay (100 ms) takes
	 * less than a tenth of that (0.592 and 0.786 here) */
	assert_true(peak1 < 1 - exp(-1.0) && peak1 > 0.9 * (1 - exp(-1.0)));
	assert_true(peak < 1 - (1 - peak1) * exp(-1.0) &&
		    peak > 0.9 * (1 - (1 - peak1) * exp(-1.0)));
	/* 272 ms after the peak: about exp(-2.72) of it (0.052) */
	assert_true(s[0] > 0.04 && s[0] < peak * exp(-2.6));
	soma_network_destroy(net);
}

/* The block read back from the post neurons' input: g = w s B(V) with V the
 * post V at the start of the step. Post neurons held at -70, -20 and 0 mV
 * (tau = 1e15 ms). Current-based: I = w s B(V). */
static void check_block(soma_output_kind out)
{
	static const double V0[3] = { -70, -20, 0 };
	/* 1/(1 + exp(-0.062 V) 1.2/3.57), 30 digits (mpmath) */
	static const double B_ref[3] = { 0.037335657531815238,
					 0.46263082306250755,
					 0.74842767295597484 };
	const int pulses[1][MAX_PULSES] = { { 5, -1 } };
	const double w = 0.8;
	int proj, checked = 0;
	soma_network *net = build(NMDA, out, 1, 3, SOMA_CONNECT_ALL_TO_ALL,
				  soma_dist_constant(w), 0, pulses, &proj);
	const double *s, *V;
	double s_old, V_old[3];

	for (int p = 1; p <= 2; p++) {
		assert_int_equal(soma_population_set_param(net, p, "tau", 1e15), SOMA_OK);
		assert_int_equal(soma_population_set_state(net, p, "V", V0, 3), SOMA_OK);
	}
	soma_projection_state(net, proj, "s", &s);
	soma_population_state(net, 1, "V", &V);
	for (int n = 1; n <= 200; n++) {
		const struct soma__pop *post;

		s_old = s[0];
		memcpy(V_old, V, sizeof(V_old));
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		post = net->pops[1];
		for (int i = 0; i < 3; i++) {
			double got = out == SOMA_OUTPUT_CONDUCTANCE ? post->g[i] : post->I[i];
			if (s_old == 0) {
				assert_true(got == 0);
				continue;
			}
			assert_close(got / (w * s_old), B_ref[i], B_ref[i], 1e-9);
			if (out == SOMA_OUTPUT_CONDUCTANCE)
				assert_true(post->I[i] == 0); /* g E, E = 0 */
			else
				assert_true(post->g[i] == 0);
			assert_true(fabs(V_old[i] - V0[i]) < 1e-6);
			checked++;
		}
	}
	assert_true(checked > 100);
	soma_network_destroy(net);
}

static void test_nmda_block(void **st)
{
	(void)st;
	check_block(SOMA_OUTPUT_CONDUCTANCE);
	check_block(SOMA_OUTPUT_CURRENT);
}

/* The block needs the post V: a projection onto a population without one
 * (the Wilson-Cowan unit) is refused, also current-based. */
static void test_nmda_needs_v(void **st)
{
	(void)st;
	soma_network *net;
	int pre, post, proj;

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 1, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "wc", "wilson_cowan", 1, &post),
			 SOMA_OK);
	soma_projection_spec spec = {
		.name = "N", .pre = pre, .post = post, .synapse = "nmda",
		.output = SOMA_OUTPUT_CURRENT,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(0.3),
	};
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_EINVAL);
	assert_non_null(strstr(soma_network_errmsg(net), "membrane potential"));
	/* AMPA and GABA_B do not read V: current-based onto it is fine */
	spec.synapse = "ampa";
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	soma_network_destroy(net);
}

/* ---- GABA_B -------------------------------------------------------------- */

/* One spike (arrival at run 21): K_d = 100 by default; s peaks 102.1 ms
 * after the arrival at 1.5569e-7 and 200 ms after the arrival is still
 * 0.7176 of its peak (closed form, 30 digits: peak 1.5569202733e-7 at
 * 1021 steps, ratio 0.71757569457), checked to 1e-10. */
static void test_gaba_b_decay(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 10, -1 } };
	int proj;
	soma_network *net = build(GABAB, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(0.02),
				  1.0, pulses, &proj);
	const double *s, *R, *G;
	const struct prm q = read_prm(net, proj, GABAB);
	double peak = 0, y[2] = { 0, 0 };
	int n_peak = 0, left = 0;

	assert_true(q.K_d == 100 && q.E == -95 && q.k1 == 0.18 && q.k2 == 0.034 &&
		    q.k3 == 0.09 && q.k4 == 0.0012 && q.T == 0.5 && q.pulse_steps == 3);
	soma_projection_state(net, proj, "s", &s);
	soma_projection_state(net, proj, "R", &R);
	soma_projection_state(net, proj, "G", &G);
	for (int n = 1; n <= 21 + 2000; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		rk4(&q, left > 0 ? q.T : 0, y, 10);
		if (left > 0)
			left--;
		if (n == 21)
			left = q.pulse_steps;
		assert_close(R[0], y[0], y[0], 1e-12);
		assert_close(G[0], y[1], y[1], 1e-12);
		assert_close(s[0], gate(&q, y), gate(&q, y), 1e-11);
		if (s[0] > peak) {
			peak = s[0];
			n_peak = n;
		}
		if (n == 21 + 2000) {
			double ratio = s[0] / 1.5569202733086891e-7;
			assert_close(ratio, 0.71757569457206258, 1, 1e-10);
			assert_true(ratio > 0.7);
		}
	}
	assert_int_equal(n_peak - 21, 1021);
	assert_close(peak, 1.5569202733086891e-7, 1.5569202733086891e-7, 1e-10);
	/* the seed's appendix K_d = 1e-7 would hold s near 1 */
	soma_network_destroy(net);
}

/* ---- outputs ------------------------------------------------------------- */

/*
 * Conductance-based output: post neurons held near V = E - 10, E, E + 10 mV
 * (tau = 1e4 ms). The synaptic current at V, I - g V, is positive below E,
 * 0 at E and negative above; V moves against a control copy accordingly
 * (except at E). GABA_B with K_d = 1e-4 so that s is not tiny.
 */
static void check_reversal(enum kind k, double E)
{
	const int pulses[2][MAX_PULSES] = { { 3, 30, -1 }, { 12, -1 } };
	int proj;
	soma_network *net = build(k, SOMA_OUTPUT_CONDUCTANCE, 2, 3,
				  SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(2.0),
				  0.2, pulses, &proj);
	const double V0[3] = { E - 10, E, E + 10 };
	const double *V, *Vc;
	double V_old[3];
	int seen = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "E", E), SOMA_OK);
	if (k == GABAB)
		assert_int_equal(soma_projection_set_param(net, proj, "K_d", 1e-4), SOMA_OK);
	for (int p = 1; p <= 2; p++) {
		assert_int_equal(soma_population_set_param(net, p, "tau", 1e4), SOMA_OK);
		assert_int_equal(soma_population_set_param(net, p, "V_rest", E), SOMA_OK);
		assert_int_equal(soma_population_set_state(net, p, "V", V0, 3), SOMA_OK);
	}
	soma_population_state(net, 1, "V", &V);
	soma_population_state(net, 2, "V", &Vc);
	for (int n = 1; n <= 1000; n++) {
		memcpy(V_old, V, sizeof(V_old));
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		const struct soma__pop *post = net->pops[1];
		for (int j = 0; j < 3; j++) {
			double I_syn = post->I[j] - post->g[j] * V_old[j];
			assert_close(post->I[j], post->g[j] * E, post->g[j] * fabs(E), 1e-15);
			assert_true(fabs(V[j] - V0[j]) < 1);
			if (post->g[j] > 1e-3) {
				seen = 1;
				if (j == 0)
					assert_true(I_syn > 0 && V[0] > Vc[0]);
				if (j == 2)
					assert_true(I_syn < 0 && V[2] < Vc[2]);
			}
		}
		assert_true(V[1] == Vc[1]);
	}
	assert_true(seen);
	soma_network_destroy(net);
}

static void test_conductance_reversal(void **st)
{
	(void)st;
	for (int k = AMPA; k <= GABAB; k++) {
		check_reversal((enum kind)k, 0);
		check_reversal((enum kind)k, -70);
		check_reversal((enum kind)k, -95);
	}
}

/* GABA_B takes current-based output only with weights <= 0. */
static void test_gaba_b_current_refused(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 2, -1 } };
	int proj;
	soma_network *net = build(GABAB, SOMA_OUTPUT_CURRENT, 1, 2,
				  SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(0.5),
				  0, pulses, &proj);

	assert_int_equal(soma_network_run(net, 1), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "projection 'P'"));
	assert_non_null(strstr(soma_network_errmsg(net), "output conductance"));
	soma_network_destroy(net);
}

/* ---- representation: per-pre state against naive per-synapse state ----- */

/*
 * 3 pre neurons all-to-all onto 2 post neurons (V starting at -70 and
 * -30 mV, relaxing to -65 mV, so NMDA's block changes), weights drawn
 * uniformly, delay 0.5 ms. Pre 0 and 1 spike in the same step; pre 0 spikes
 * again 1.5 ms after its first spike, during its AMPA pulse (T_duration
 * 3 ms here). At every step the post neurons' I and g must equal those of
 * the naive synapses.
 */
static void check_repr(enum kind k, soma_output_kind out, double rel, int m,
		       int n_run)
{
	const int pulses[3][MAX_PULSES] = {
		{ 4, 19, 80, 95, 110, -1 }, { 4, 40, 300, -1 }, { 25, 40, 600, -1 },
	};
	const soma_dist wd = out == SOMA_OUTPUT_CONDUCTANCE ?
				     (soma_dist){ SOMA_DIST_UNIFORM, 0.2, 3.0 } :
			     k == GABAB ? (soma_dist){ SOMA_DIST_UNIFORM, -3.0, -0.2 } :
					  (soma_dist){ SOMA_DIST_UNIFORM, -1.0, 3.0 };
	const uint32_t D = 5;
	int proj;
	soma_network *net = build(k, out, 3, 2, SOMA_CONNECT_ALL_TO_ALL, wd, 0.5,
				  pulses, &proj);
	const double V0[2] = { -70, -30 };
	const uint64_t *row;
	const uint32_t *post_idx;
	const double *w, *V;
	struct nsyn syn[MAX_SYN];
	int n_syn = 0, n_sp = 0;
	double worst = 0;

	if (k == AMPA)
		assert_int_equal(soma_projection_set_param(net, proj, "T_duration", 3.0),
				 SOMA_OK);
	if (k == GABAB)
		assert_int_equal(soma_projection_set_param(net, proj, "K_d", 1e-4), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, 1, "V_rest", -65), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, 1, "V", V0, 2), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), D);
	assert_int_equal(soma_projection_csr(net, proj, &row, &post_idx, &w), SOMA_OK);
	assert_int_equal(row[3], 6);
	for (uint32_t p = 0; p < 3; p++)
		for (uint64_t e = row[p]; e < row[p + 1]; e++) {
			struct nsyn z = { .pre = p, .post = post_idx[e], .w = w[e] };
			syn[n_syn++] = z;
		}
	assert_true(w[0] != w[1] && w[1] != w[2]);
	/* the gating is kept per pre neuron */
	const char *var = k == GABAB ? "G" : "s";
	assert_int_equal(soma_projection_state_size(net, proj, var), 3);

	const struct prm q = read_prm(net, proj, k);
	soma_population_state(net, 1, "V", &V);
	for (uint64_t n = 1; n <= (uint64_t)n_run; n++) {
		double V_old[2], I[2], g[2], scale[2];
		const uint32_t *idx;
		uint32_t ns;

		memcpy(V_old, V, sizeof(V_old));
		naive_output(&q, out, syn, n_syn, V_old, 2, I, g, scale);
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (int i = 0; i < 2; i++) {
			const struct soma__pop *post = net->pops[1];
			assert_close(post->I[i], I[i], scale[i], rel);
			assert_close(post->g[i], g[i], scale[i], rel);
			if (scale[i] > 0)
				worst = fmax(worst, fmax(fabs(post->I[i] - I[i]),
							 fabs(post->g[i] - g[i])) / scale[i]);
		}
		soma_population_spikes(net, 0, &idx, &ns);
		for (uint32_t z = 0; z < ns; z++) {
			n_sp++;
			for (int e = 0; e < n_syn; e++)
				if (syn[e].pre == idx[z]) {
					assert_true(syn[e].n_due < MAX_SPIKES);
					syn[e].due[syn[e].n_due++] = n + D;
				}
		}
		for (int e = 0; e < n_syn; e++)
			nsyn_advance(&q, &syn[e], n, m);
	}
	assert_int_equal(n_sp, 11);
	if (getenv("SOMA_TEST_VERBOSE"))
		fprintf(stderr, "%s output %d: worst relative difference %.3g\n",
			model_name[k], (int)out, worst);
	soma_network_destroy(net);
}

static void test_representation(void **st)
{
	(void)st;
	check_repr(AMPA, SOMA_OUTPUT_CONDUCTANCE, 1e-12, 200, 1000);
	check_repr(AMPA, SOMA_OUTPUT_CURRENT, 1e-12, 200, 1000);
	check_repr(NMDA, SOMA_OUTPUT_CONDUCTANCE, 1e-12, 200, 1000);
	check_repr(NMDA, SOMA_OUTPUT_CURRENT, 1e-12, 200, 1000);
	check_repr(GABAB, SOMA_OUTPUT_CONDUCTANCE, 1e-12, 200, 1000);
	check_repr(GABAB, SOMA_OUTPUT_CURRENT, 1e-12, 200, 1000);
}

/* ---- delays -------------------------------------------------------------- */

/*
 * A spike at t_s (the end of step 10: run 11) reaches the synapse at
 * t_a = t_s + D dt (run n_a = 11 + D): the pulse (AMPA, GABA_B) or x (NMDA)
 * is set at t_a, s first moves one step later, and the post neuron's input
 * carries it in the step after that (run n_a + 2); its V departs from the
 * control's at the end of that step.
 */
static void check_delay(enum kind k, double delay, uint32_t D)
{
	const int pulses[1][MAX_PULSES] = { { 10, -1 } };
	const uint64_t n_a = 11 + D;
	int proj;
	soma_network *net = build(k, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  delay, pulses, &proj);
	const double *s, *trig, *V, *Vc;
	uint64_t first_s = 0, first_trig = 0, first_g = 0, first_V = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "E", -70), SOMA_OK);
	if (k == GABAB)
		assert_int_equal(soma_projection_set_param(net, proj, "K_d", 1e-12), SOMA_OK);
	soma_projection_state(net, proj, "s", &s);
	soma_projection_state(net, proj, k == NMDA ? "x" : "pulse", &trig);
	soma_population_state(net, 1, "V", &V);
	soma_population_state(net, 2, "V", &Vc);
	for (uint64_t n = 1; n <= n_a + 10; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		if (!first_s && s[0] != 0)
			first_s = n;
		if (!first_trig && trig[0] != 0)
			first_trig = n;
		if (!first_g && net->pops[1]->g[0] != 0)
			first_g = n;
		if (!first_V && V[0] != Vc[0])
			first_V = n;
	}
	assert_int_equal(soma_projection_delay_steps(net, proj), D);
	assert_int_equal(first_trig, n_a);
	assert_int_equal(first_s, n_a + 1);
	assert_int_equal(first_g, n_a + 2);
	assert_int_equal(first_V, n_a + 2);
	soma_network_destroy(net);
}

static void test_delays(void **st)
{
	(void)st;
	for (int k = AMPA; k <= GABAB; k++) {
		check_delay((enum kind)k, 0.0, 0);
		check_delay((enum kind)k, DT, 1);
		check_delay((enum kind)k, 2.0, 20);
		check_delay((enum kind)k, 0.25, 3); /* 2.5 steps: halves round up */
	}
}

/* ---- parameters ---------------------------------------------------------- */

static void test_parameters(void **st)
{
	(void)st;
	const int pulses[2][MAX_PULSES] = { { 2, -1 }, { -1 } };
	for (int k = AMPA; k <= GABAB; k += 2) {
		int proj;
		soma_network *net = build((enum kind)k, SOMA_OUTPUT_CONDUCTANCE, 2, 1,
					  SOMA_CONNECT_ALL_TO_ALL,
					  soma_dist_constant(1), 0, pulses, &proj);
		const char *msg;

		/* a pulse shorter than half a step would never open */
		assert_int_equal(soma_projection_set_param(net, proj, "T_duration", 0.04),
				 SOMA_OK);
		assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
		msg = soma_network_errmsg(net);
		assert_non_null(strstr(msg, "projection 'P'"));
		assert_non_null(strstr(msg, "T_duration = 0.04 ms"));
		assert_int_equal(soma_projection_set_param(net, proj, "T_duration", 0.05),
				 SOMA_OK);
		assert_int_equal(soma_network_prepare(net), SOMA_OK);
		assert_int_equal(soma_projection_set_param(net, proj, "T_duration", 0),
				 SOMA_ERANGE);
		assert_int_equal(soma_projection_set_param(net, proj, "beta", 0),
				 k == AMPA ? SOMA_ERANGE : SOMA_ENOENT);
		assert_int_equal(soma_projection_state_size(net, proj, "s"), 2);
		assert_int_equal(soma_projection_state_size(net, proj, "pulse"), 2);
		soma_network_destroy(net);
	}
	{
		int proj;
		soma_network *net = build(AMPA, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
					  SOMA_CONNECT_ALL_TO_ALL,
					  soma_dist_constant(1), 0, pulses, &proj);
		assert_true(param(net, proj, "alpha") == 0.98);
		assert_true(param(net, proj, "beta") == 0.18);
		assert_true(param(net, proj, "T") == 0.5);
		assert_true(param(net, proj, "T_duration") == 0.5);
		assert_true(param(net, proj, "E") == 0);
		soma_network_destroy(net);
	}
	{
		/* GABA_B's s follows G, also a G set by hand */
		int proj;
		soma_network *net = build(GABAB, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
					  SOMA_CONNECT_ALL_TO_ALL,
					  soma_dist_constant(1), 0, pulses, &proj);
		const double G = 3.0, *s;
		assert_int_equal(soma_projection_init_state(net, proj, "G",
							    &(soma_dist){ SOMA_DIST_CONSTANT, G, 0 }),
				 SOMA_OK);
		assert_int_equal(soma_network_prepare(net), SOMA_OK);
		soma_projection_state(net, proj, "s", &s);
		assert_close(s[0], 81.0 / 181.0, 1, 1e-15);
		soma_network_destroy(net);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ampa_long_pulse),
		cmocka_unit_test(test_ampa_restart),
		cmocka_unit_test(test_nmda_kinetics),
		cmocka_unit_test(test_nmda_block),
		cmocka_unit_test(test_nmda_needs_v),
		cmocka_unit_test(test_gaba_b_decay),
		cmocka_unit_test(test_conductance_reversal),
		cmocka_unit_test(test_gaba_b_current_refused),
		cmocka_unit_test(test_representation),
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
