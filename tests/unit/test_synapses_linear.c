/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Synapses with linear kinetics shared by a projection: dual_exponential,
 * alpha and gaba_a, each kept once per post neuron. Checked against the
 * analytic waveforms of one presynaptic spike arriving at t_a = t_s + D dt
 * (network.h, "Delays"), u = t - t_a:
 *   dual_exponential: w (exp(-u/tau_d) - exp(-u/tau_r)) /
 *                     (exp(-t_p/tau_d) - exp(-t_p/tau_r)),
 *                     t_p = tau_d tau_r/(tau_d - tau_r) ln(tau_d/tau_r);
 *   alpha:            w (u/tau) exp(1 - u/tau), peak w at u = tau;
 *   gaba_a:           w exp(-u/tau_decay);
 * at every step to 1e-12 relative (the propagators are exact); the
 * conductance output s (E - V) and its sign around E; the per-post state
 * against a naive sum over synapses of each synapse's own waveform; and the
 * step at which a spike first shows in s, in x and in the post V.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/internal.h"
#include "soma/soma.h"
#include "spike_drive.h"

#define DT 0.1
#define MAX_PULSES 8
#define MAX_SPIKES 64
#define REL 1e-12

enum kind { DUAL, ALPHA, GABA };
static const char *const model_name[] = { "dual_exponential", "alpha", "gaba_a" };

/* The kinetics of one test: model and time constants (tau_r only for the
 * dual exponential). */
struct kin {
	enum kind k;
	double tau_r, tau_d;
};

/* Analytic response to one arrival of weight 1 at u = 0 (0 for u < 0),
 * written from the formulas above, independent of the propagators. */
static double wave(const struct kin *q, double u)
{
	double td = q->tau_d, tr = q->tau_r, tp;

	if (u < 0)
		return 0.0;
	switch (q->k) {
	case GABA:
		return exp(-u / td);
	case ALPHA:
		return u / td * exp(1 - u / td);
	case DUAL:
		if (tr == td)
			return u / td * exp(1 - u / td);
		tp = td * tr / (td - tr) * log(td / tr);
		return (exp(-u / td) - exp(-u / tr)) /
		       (exp(-tp / td) - exp(-tp / tr));
	}
	return NAN;
}

/* The rise variable x of the two-variable models: w exp(-u/tau_rise). */
static double wave_x(const struct kin *q, double u)
{
	if (u < 0 || q->k == GABA)
		return 0.0;
	return exp(-u / (q->k == DUAL ? q->tau_r : q->tau_d));
}

/* pre: n_pre LIF, neuron i fired by one-step pulses at the steps
 * pulses[i][0..] (ascending, ended by a value < 0), each giving a spike at
 * the end of that step; post: n_post LIF that never spike, and ctl, a copy
 * of post without synapses. */
static soma_network *build(const struct kin *q, soma_output_kind out,
			   uint32_t n_pre, uint32_t n_post, soma_connect_kind conn,
			   soma_dist w, double delay,
			   const int pulses[][MAX_PULSES], int *proj)
{
	soma_network *net;
	int pre, post, ctl;
	soma_projection_spec spec = {
		.name = "P", .synapse = model_name[q->k], .output = out,
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
	if (q->k == DUAL) {
		assert_int_equal(soma_projection_set_param(net, *proj, "tau_rise", q->tau_r), SOMA_OK);
		assert_int_equal(soma_projection_set_param(net, *proj, "tau_decay", q->tau_d), SOMA_OK);
	} else {
		assert_int_equal(soma_projection_set_param(net, *proj, "tau_decay", q->tau_d), SOMA_OK);
	}
	return net;
}

/* |a - b| within REL of scale, or below 1e-300 (subnormal values of
 * decayed states carry only a few digits). */
static void assert_close(double a, double b, double scale)
{
	if (!(fabs(a - b) <= REL * scale + 1e-300)) {
		print_error("got %.17g, expected %.17g (scale %g)\n", a, b, scale);
		fail();
	}
}

/* ---- the waveform of one spike --------------------------------------- */

/* One pre neuron, two post neurons all-to-all with weight w, delay 1 ms; the
 * pulse in step 10 makes a spike at t_s = 1.1 ms (step 11), arriving at
 * t_a = 2.1 ms (step 21). Checks s (and x) at every step, and returns the
 * step of the largest s and that value. */
static void check_wave(const struct kin *q, soma_output_kind out, double w,
		       uint64_t *peak_step, double *peak)
{
	const int pulses[1][MAX_PULSES] = { { 10, -1 } };
	const uint64_t n_a = 11 + 10, n_steps = 600;
	int proj;
	soma_network *net = build(q, out, 1, 2, SOMA_CONNECT_ALL_TO_ALL,
				  soma_dist_constant(w), 1.0, pulses, &proj);
	const double *s, *x = NULL;
	uint64_t spikes = 0;

	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), 10);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	if (q->k != GABA)
		assert_int_equal(soma_projection_state(net, proj, "x", &x), SOMA_OK);
	else
		assert_int_equal(soma_projection_state(net, proj, "x", &x), SOMA_ENOENT);
	*peak = -1;
	for (uint64_t n = 1; n <= n_steps; n++) {
		uint32_t k;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, NULL, &k);
		if (k) {
			assert_int_equal(n, 11);
			spikes++;
		}
		double u = ((double)n - (double)n_a) * DT;
		double e = w * wave(q, u);
		for (int j = 0; j < 2; j++) {
			assert_close(s[j], e, fabs(e));
			if (x)
				assert_close(x[j], w * wave_x(q, u), fabs(w * wave_x(q, u)));
		}
		if (s[0] > *peak) {
			*peak = s[0];
			*peak_step = n;
		}
	}
	assert_int_equal(spikes, 1);
	soma_network_destroy(net);
}

static void check_dual(double tau_r, double tau_d)
{
	const struct kin q = { DUAL, tau_r, tau_d };
	const double w = 0.7;
	uint64_t n_peak;
	double peak, tp;

	tp = tau_r == tau_d ? tau_d :
			      tau_d * tau_r / (tau_d - tau_r) * log(tau_d / tau_r);
	check_wave(&q, SOMA_OUTPUT_CURRENT, w, &n_peak, &peak);
	/* peak at t_p within one step; its value w there, below w next to it */
	double t_peak = ((double)n_peak - 21) * DT;
	assert_true(fabs(t_peak - tp) <= DT);
	assert_true(peak <= w * (1 + REL));
	assert_true(peak >= w * fmin(wave(&q, tp - DT), wave(&q, tp + DT)));
	check_wave(&q, SOMA_OUTPUT_CONDUCTANCE, w, &n_peak, &peak);
}

/* The defaults 1 and 3 ms (t_p = 1.648 ms), the seed's run_syn (tau1 =
 * 2 ms), well separated time constants, a rise faster than dt, and the
 * alpha limit tau_rise = tau_decay. */
static void test_dual_waveform(void **st)
{
	(void)st;
	check_dual(1.0, 3.0);
	check_dual(2.0, 3.0);
	check_dual(0.5, 10.0);
	check_dual(0.03, 7.0); /* tau_rise below dt */
	check_dual(3.0, 3.0);
}

/* Close time constants: the propagator keeps its precision and tends to
 * the alpha function. Checked against the closed form written without the
 * cancellation, exp(-u/tau_d) - exp(-u/tau_r) = -exp(-u/tau_d)
 * expm1(-u (1/tau_r - 1/tau_d)), to 1e-12 (the plain formula would lose 9
 * digits here), and against the alpha function to 1e-8 (their distance is
 * 6.1e-9 at u = 40 ms for tau_r/tau_d = 1 - 1e-9, computed with 50 digits). */
static double dual_stable(double tr, double td, double u)
{
	double delta = (td - tr) / (td * tr);
	double tp = td * tr / (td - tr) * log1p((td - tr) / tr);

	return exp(-u / td) * -expm1(-u * delta) /
	       (exp(-tp / td) * -expm1(-tp * delta));
}

static void test_dual_near_alpha(void **st)
{
	(void)st;
	const struct kin q = { DUAL, 3.0 * (1 - 1e-9), 3.0 };
	const struct kin a = { ALPHA, 0, 3.0 };
	const int pulses[1][MAX_PULSES] = { { 0, -1 } };
	int proj;
	soma_network *net = build(&q, SOMA_OUTPUT_CURRENT, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  0, pulses, &proj);
	const double *s;
	double far = 0;

	soma_projection_state(net, proj, "s", &s);
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	assert_true(s[0] == 0);
	for (uint64_t n = 2; n <= 400; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		double u = ((double)n - 1) * DT;
		double e = dual_stable(q.tau_r, q.tau_d, u), ea = wave(&a, u);
		assert_close(s[0], e, e);
		assert_true(fabs(s[0] - ea) <= 1e-8 * ea);
		far = fmax(far, fabs(s[0] - ea) / ea);
	}
	assert_true(far > 1e-9); /* not the alpha function itself */
	soma_network_destroy(net);
}

static void test_alpha_waveform(void **st)
{
	(void)st;
	const double w = 2.5;
	uint64_t n_peak;
	double peak;
	struct kin q = { ALPHA, 0, 3.0 };

	/* tau = 3 ms is a whole number of steps: the peak is sampled at u = tau */
	check_wave(&q, SOMA_OUTPUT_CURRENT, w, &n_peak, &peak);
	assert_int_equal(n_peak, 21 + 30);
	assert_close(peak, w, w);
	check_wave(&q, SOMA_OUTPUT_CONDUCTANCE, w, &n_peak, &peak);
	/* tau = 0.35 ms: the peak step is next to u = tau, peak just below w */
	q.tau_d = 0.35;
	check_wave(&q, SOMA_OUTPUT_CURRENT, w, &n_peak, &peak);
	assert_true(fabs(((double)n_peak - 21) * DT - 0.35) <= DT);
	assert_true(peak <= w);
	assert_true(peak >= w * fmin(wave(&q, 0.35 - DT), wave(&q, 0.35 + DT)));
	/* the alpha function is the dual exponential at tau_rise = tau_decay */
	q.tau_d = 3.0;
	struct kin d = { DUAL, 3.0, 3.0 };
	for (double u = 0; u < 30; u += 0.37)
		assert_close(wave(&q, u), wave(&d, u), 1.0);
}

static void test_gaba_waveform(void **st)
{
	(void)st;
	soma_network *net;
	int pre, post, proj;
	double v;
	uint64_t n_peak;
	double peak;
	struct kin q = { GABA, 0, 5.0 };

	/* defaults: Wang (2002), the seed's decision network */
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	soma_network_add_population(net, "a", "lif", 1, &pre);
	soma_network_add_population(net, "b", "lif", 1, &post);
	soma_projection_spec spec = {
		.name = "G", .pre = pre, .post = post, .synapse = "gaba_a",
		.output = SOMA_OUTPUT_CONDUCTANCE,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(1.3),
	};
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	assert_int_equal(soma_projection_get_param(net, proj, "tau_decay", &v), SOMA_OK);
	assert_true(v == 5.0);
	assert_int_equal(soma_projection_get_param(net, proj, "E", &v), SOMA_OK);
	assert_true(v == -70.0);
	soma_network_destroy(net);

	check_wave(&q, SOMA_OUTPUT_CONDUCTANCE, 1.3, &n_peak, &peak);
	assert_int_equal(n_peak, 21); /* jumps at the arrival */
	assert_close(peak, 1.3, 1.3);
	q.tau_d = 0.05; /* below dt */
	check_wave(&q, SOMA_OUTPUT_CONDUCTANCE, 1.3, &n_peak, &peak);
	q.tau_d = 12.0;
	check_wave(&q, SOMA_OUTPUT_CURRENT, -0.4, &n_peak, &peak);
}

/* ---- outputs ----------------------------------------------------------- */

/*
 * Conductance-based output: post neurons held near V = E - 10, E, E + 10 mV
 * (tau = 1e4 ms, so V moves by less than 0.5 mV in the run). Each step
 * the post population's input must be I = s E, g = s with s = s(t_n), so
 * the current at V is s (E - V): positive below E, 0 at E, negative above.
 * The effect on V against a control copy without synapses: V above the
 * control's below E, equal at E, below above E.
 */
static void check_reversal(enum kind k, double E)
{
	const struct kin q = { k, 1.0, 4.0 };
	const int pulses[2][MAX_PULSES] = { { 3, 30, -1 }, { 12, -1 } };
	const double w = 2.0;
	int proj;
	soma_network *net = build(&q, SOMA_OUTPUT_CONDUCTANCE, 2, 3,
				  SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(w),
				  0.2, pulses, &proj);
	const double V0[3] = { E - 10, E, E + 10 };
	const double *s, *V, *Vc;
	double s_old[3], V_old[3];
	int seen = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "E", E), SOMA_OK);
	for (int p = 1; p <= 2; p++) {
		assert_int_equal(soma_population_set_param(net, p, "tau", 1e4), SOMA_OK);
		assert_int_equal(soma_population_set_param(net, p, "V_rest", E), SOMA_OK);
		assert_int_equal(soma_population_set_state(net, p, "V", V0, 3), SOMA_OK);
	}
	soma_projection_state(net, proj, "s", &s);
	soma_population_state(net, 1, "V", &V);
	soma_population_state(net, 2, "V", &Vc);
	for (int n = 1; n <= 300; n++) {
		memcpy(s_old, s, sizeof(s_old));
		memcpy(V_old, V, sizeof(V_old));
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		const struct soma__pop *post = net->pops[1];
		for (int j = 0; j < 3; j++) {
			double I_syn = post->I[j] - post->g[j] * V_old[j];
			double expect = s_old[j] * (E - V_old[j]);
			assert_true(post->g[j] == s_old[j]);
			assert_close(I_syn, expect,
				     s_old[j] * (fabs(E) + fabs(V_old[j])));
			assert_true(fabs(V[j] - V0[j]) < 0.5);
		}
		if (s_old[0] > 1e-3 * w) {
			seen = 1;
			assert_true(post->I[0] - post->g[0] * V_old[0] > 0);
			assert_true(post->I[2] - post->g[2] * V_old[2] < 0);
			assert_true(V[0] > Vc[0] && V[2] < Vc[2]);
		}
		assert_true(V[1] == Vc[1]); /* at E: no synaptic current at all */
	}
	assert_true(seen);
	soma_network_destroy(net);
}

static void test_conductance_reversal(void **st)
{
	(void)st;
	for (int k = DUAL; k <= GABA; k++) {
		check_reversal((enum kind)k, -70);
		check_reversal((enum kind)k, 0);
		check_reversal((enum kind)k, -80);
	}
}

/* Current-based output: I_post = s(t_n) exactly; gaba_a takes it only with
 * weights <= 0. */
static void test_current_output(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 2, -1 } };
	for (int k = DUAL; k <= GABA; k++) {
		const struct kin q = { (enum kind)k, 0.5, 2.0 };
		double w = k == GABA ? -3.0 : 3.0;
		int proj;
		soma_network *net = build(&q, SOMA_OUTPUT_CURRENT, 1, 2,
					  SOMA_CONNECT_ALL_TO_ALL,
					  soma_dist_constant(w), 0, pulses, &proj);
		const double *s;
		double s_old[2], sum = 0;

		soma_projection_state(net, proj, "s", &s);
		for (int n = 1; n <= 100; n++) {
			memcpy(s_old, s, sizeof(s_old));
			assert_int_equal(soma_network_run(net, 1), SOMA_OK);
			for (int j = 0; j < 2; j++) {
				assert_true(net->pops[1]->I[j] == s_old[j]);
				assert_true(net->pops[1]->g[j] == 0);
			}
			sum += fabs(s_old[0]);
		}
		assert_true(sum > 1.0);
		soma_network_destroy(net);
	}
}

static void test_gaba_current_refused(void **st)
{
	(void)st;
	const int pulses[1][MAX_PULSES] = { { 2, -1 } };
	const struct kin q = { GABA, 0, 5.0 };
	int proj;
	soma_network *net = build(&q, SOMA_OUTPUT_CURRENT, 1, 2,
				  SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(0.5),
				  0, pulses, &proj);

	assert_int_equal(soma_network_run(net, 1), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "projection 'P'"));
	assert_non_null(strstr(soma_network_errmsg(net), "output conductance"));
	soma_network_destroy(net);
}

/* ---- representation: per-post sums against a naive per-synapse run ----- */

/* 3 pre neurons all-to-all onto 2 post neurons with weights drawn uniformly,
 * several spikes (two of them in the same step); each synapse's response is
 * its own analytic waveform, summed by hand. */
static void check_sum(const struct kin *q, soma_output_kind out)
{
	const int pulses[3][MAX_PULSES] = {
		{ 4, 40, 41 + 15, -1 }, { 4, 17, 70, -1 }, { 25, 40, -1 },
	};
	const soma_dist wd = { SOMA_DIST_UNIFORM, 0.2, 3.0 };
	const double delay = 0.5;
	const uint32_t D = 5;
	int proj;
	soma_network *net = build(q, out, 3, 2, SOMA_CONNECT_ALL_TO_ALL, wd,
				  delay, pulses, &proj);
	const uint64_t *row;
	const uint32_t *post;
	const double *w, *s, *x = NULL;
	uint32_t sp_pre[MAX_SPIKES];
	uint64_t sp_step[MAX_SPIKES];
	int n_sp = 0;

	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), D);
	assert_int_equal(soma_projection_csr(net, proj, &row, &post, &w), SOMA_OK);
	assert_int_equal(row[3], 6);
	assert_true(w[0] != w[1] && w[1] != w[2]);
	soma_projection_state(net, proj, "s", &s);
	if (q->k != GABA)
		soma_projection_state(net, proj, "x", &x);
	for (uint64_t n = 1; n <= 500; n++) {
		const uint32_t *idx;
		uint32_t k;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		soma_population_spikes(net, 0, &idx, &k);
		for (uint32_t m = 0; m < k; m++) {
			assert_true(n_sp < MAX_SPIKES);
			sp_pre[n_sp] = idx[m];
			sp_step[n_sp++] = n;
		}
		for (uint32_t j = 0; j < 2; j++) {
			double es = 0, ex = 0, scale_s = 0, scale_x = 0;
			for (int m = 0; m < n_sp; m++) {
				uint32_t i = sp_pre[m];
				double u = ((double)n - (double)(sp_step[m] + D)) * DT;
				for (uint64_t e = row[i]; e < row[i + 1]; e++) {
					if (post[e] != j)
						continue;
					es += w[e] * wave(q, u);
					ex += w[e] * wave_x(q, u);
					scale_s += fabs(w[e] * wave(q, u));
					scale_x += fabs(w[e] * wave_x(q, u));
				}
			}
			assert_close(s[j], es, scale_s);
			if (x)
				assert_close(x[j], ex, scale_x);
		}
	}
	/* every pulse made exactly one spike, at the end of its step */
	assert_int_equal(n_sp, 8);
	soma_network_destroy(net);
}

static void test_sum_over_synapses(void **st)
{
	(void)st;
	const struct kin dual = { DUAL, 1.0, 3.0 }, alpha = { ALPHA, 0, 3.0 };
	const struct kin gaba = { GABA, 0, 5.0 };

	check_sum(&dual, SOMA_OUTPUT_CURRENT);
	check_sum(&dual, SOMA_OUTPUT_CONDUCTANCE);
	check_sum(&alpha, SOMA_OUTPUT_CURRENT);
	check_sum(&gaba, SOMA_OUTPUT_CONDUCTANCE);
}

/* ---- delays ------------------------------------------------------------ */

/*
 * A spike at t_s (the end of step k0 = 10, t_s = 1.1 ms) reaches the synapse
 * at t_a = t_s + D dt: gaba_a's s is first non-zero at t_a; the rise
 * variable x of the others at t_a and their s, which is continuous, one step
 * later. The post V first departs from the control's one step after s does
 * (the current of the step starting at a time carries s at that time).
 */
static void check_delay(enum kind k, double delay, uint32_t D)
{
	const struct kin q = { k, 0.5, 2.0 };
	const int pulses[1][MAX_PULSES] = { { 10, -1 } };
	const uint64_t n_a = 11 + D;
	int proj;
	soma_network *net = build(&q, SOMA_OUTPUT_CONDUCTANCE, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  delay, pulses, &proj);
	const double *s, *x = NULL, *V, *Vc;
	uint64_t first_s = 0, first_x = 0, first_V = 0;

	assert_int_equal(soma_projection_set_param(net, proj, "E", -70), SOMA_OK);
	soma_projection_state(net, proj, "s", &s);
	if (k != GABA)
		soma_projection_state(net, proj, "x", &x);
	soma_population_state(net, 1, "V", &V);
	soma_population_state(net, 2, "V", &Vc);
	for (uint64_t n = 1; n <= n_a + 10; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		if (!first_s && s[0] != 0)
			first_s = n;
		if (x && !first_x && x[0] != 0)
			first_x = n;
		if (!first_V && V[0] != Vc[0])
			first_V = n;
	}
	assert_int_equal(soma_projection_delay_steps(net, proj), D);
	if (k == GABA) {
		assert_int_equal(first_s, n_a);
	} else {
		assert_int_equal(first_x, n_a);
		assert_int_equal(first_s, n_a + 1);
	}
	assert_int_equal(first_V, first_s + 1);
	soma_network_destroy(net);
}

static void test_delays(void **st)
{
	(void)st;
	for (int k = DUAL; k <= GABA; k++) {
		check_delay((enum kind)k, 0.0, 0);
		check_delay((enum kind)k, DT, 1);
		check_delay((enum kind)k, 2.0, 20);
		check_delay((enum kind)k, 0.25, 3); /* 2.5 steps: halves round up */
		check_delay((enum kind)k, 0.33, 3); /* nearest step */
	}
}

/* ---- parameters -------------------------------------------------------- */

static void test_parameters(void **st)
{
	(void)st;
	const struct kin q = { DUAL, 1.0, 3.0 };
	const int pulses[1][MAX_PULSES] = { { 0, -1 } };
	int proj;
	soma_network *net = build(&q, SOMA_OUTPUT_CURRENT, 1, 1,
				  SOMA_CONNECT_ONE_TO_ONE, soma_dist_constant(1),
				  0, pulses, &proj);
	const char *msg;
	const double *s;

	/* the rise must not be slower than the decay */
	assert_int_equal(soma_projection_set_param(net, proj, "tau_rise", 4.0), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	msg = soma_network_errmsg(net);
	assert_non_null(strstr(msg, "projection 'P'"));
	assert_non_null(strstr(msg, "tau_rise = 4 ms"));
	assert_non_null(strstr(msg, "tau_decay = 3 ms"));
	assert_int_equal(soma_projection_set_param(net, proj, "tau_rise", 0), SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_decay", -1), SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, proj, "tau", 1), SOMA_ENOENT);
	/* a change after a prepare is taken up: now 2 and 6 ms */
	assert_int_equal(soma_projection_set_param(net, proj, "tau_rise", 2.0), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_decay", 6.0), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "tau_rise", 1.5), SOMA_OK);
	soma_projection_state(net, proj, "s", &s);
	const struct kin r = { DUAL, 1.5, 6.0 };
	for (int n = 1; n <= 100; n++) {
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		double e = wave(&r, (n - 1) * DT);
		assert_close(s[0], e, e);
	}
	soma_network_destroy(net);

	/* descriptors: defaults, units */
	const soma_model *m = soma_model_find("dual_exponential");
	assert_non_null(m);
	assert_true(m->params[soma_model_param_index(m, "tau_rise")].def == 1.0);
	assert_true(m->params[soma_model_param_index(m, "tau_decay")].def == 3.0);
	m = soma_model_find("alpha");
	assert_true(m->params[soma_model_param_index(m, "tau_decay")].def == 3.0);
	for (int k = DUAL; k <= GABA; k++) {
		m = soma_model_find(model_name[k]);
		assert_int_equal(m->kind, SOMA_MODEL_SYNAPSE);
		for (size_t i = 0; i < m->n_state; i++)
			assert_string_equal(m->state[i].unit, SOMA_UNIT_WEIGHT);
		assert_non_null(strstr(m->doc, "Representation:"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dual_waveform),
		cmocka_unit_test(test_dual_near_alpha),
		cmocka_unit_test(test_alpha_waveform),
		cmocka_unit_test(test_gaba_waveform),
		cmocka_unit_test(test_conductance_reversal),
		cmocka_unit_test(test_current_output),
		cmocka_unit_test(test_gaba_current_refused),
		cmocka_unit_test(test_sum_over_synapses),
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
