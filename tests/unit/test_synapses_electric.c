/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Synapses that act on V directly: voltage_jump and gap_junction.
 *
 * voltage_jump: a pre spike emitted at t_s (the end of step k) moves V_post
 * by exactly w at t_a = t_s + D dt (stage 7 of step k + D) and not before;
 * the whole post trajectory equals a naive Euler recurrence with the jumps
 * added at the arrival steps (1e-12 mV); with post_refractory = 1 an arrival
 * during the post neuron's refractory period leaves V at V_reset exactly,
 * and the first arrival after it is applied (the boundary step checked).
 *
 * gap_junction: the output at every step, read back as the current the
 * neuron integrates (I - g V at t_n), equals sum_e w_e (V_pre - V_post) from
 * an independent loop over the synapses (1e-12 relative); with symmetric =
 * 1 the pre neurons get the opposite current and the total is 0 (1e-12
 * relative); two identical coupled LIF neurons converge with
 * d(V0 - V1)/dt = -(1 + 2 R w)/tau (V0 - V1): exactly the Euler recurrence
 * of that equation (1e-10 relative over 2000 steps), exactly the recurrence
 * of exponential Euler with the other V held, and a measured rate within
 * 0.5 % of (1 + 2 R w)/tau for both (their bias is k dt/2 = 0.25 % and 0.1 %);
 * the spikelet moves V_post by k_spikelet w at the arrival step (1e-12) and
 * not before, or not at all while refractory with post_refractory = 1; and
 * the seed's example pair equals a naive simulation written here (1e-9 mV
 * over 1000 steps), with its 7 spikes.
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

#define DT 0.1
#define PULSE 1e4 /* pA for one step: a LIF V rises ~100 mV, so it spikes */
#define MAX_PULSES 4

/* Neuron @i of @pop gets PULSE pA during each step of @steps (ascending,
 * ended by -1), so it spikes at the end of each of those steps. */
static void add_pulses(soma_network *net, int pop, uint32_t i, const int *steps)
{
	double v[2 * MAX_PULSES + 1], d[2 * MAX_PULSES + 1];
	size_t n = 0;
	int last = 0;

	for (int k = 0; k < MAX_PULSES && steps[k] >= 0; k++) {
		v[n] = 0;
		d[n++] = (steps[k] - last) * DT;
		v[n] = PULSE;
		d[n++] = DT;
		last = steps[k] + 1;
	}
	v[n] = 0;
	d[n++] = INFINITY;
	assert_int_equal(soma_network_add_current(net, pop, &i, 1, v, d, n, NULL),
			 SOMA_OK);
}

static void add_const(soma_network *net, int pop, uint32_t i, double I)
{
	const double v = I, d = INFINITY;

	assert_int_equal(soma_network_add_current(net, pop, &i, 1, &v, &d, 1, NULL),
			 SOMA_OK);
}

static int add_proj(soma_network *net, int pre, int post, const char *model,
		    soma_output_kind out, soma_connect_kind conn, soma_dist w,
		    double delay)
{
	soma_projection_spec spec = {
		.name = "P", .pre = pre, .post = post, .synapse = model,
		.output = out, .connector = { conn, 0, 0 }, .weight = w,
		.delay_ms = delay,
	};
	int proj;

	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	return proj;
}

/* The weight of synapse pre p -> post i (a projection with at most one
 * synapse per pair), NAN when absent. */
static double weight(const soma_network *net, int proj, uint32_t p, uint32_t i)
{
	const uint64_t *row;
	const uint32_t *post;
	const double *w;

	assert_int_equal(soma_projection_csr(net, proj, &row, &post, &w), SOMA_OK);
	for (uint64_t e = row[p]; e < row[p + 1]; e++)
		if (post[e] == i)
			return w[e];
	return NAN;
}

static void assert_near(double got, double want, double tol, const char *what,
			uint64_t step)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("%s at step %llu: got %.17g, expected %.17g (tol %g)\n",
			    what, (unsigned long long)step, got, want, tol);
		fail();
	}
}

static const double *state(const soma_network *net, int pop)
{
	const double *V;

	assert_int_equal(soma_population_state(net, pop, "V", &V), SOMA_OK);
	return V;
}

/* ---- voltage jump ------------------------------------------------------- */

/* 2 pre -> 3 post all-to-all, weights uniform in [-2, 3) mV, delay 1 ms
 * (D = 10). Pre 0 spikes at the end of step 10, pre 1 of step 14: their
 * jumps arrive at stage 7 of steps 20 and 24. The post neurons (no input,
 * V = V_rest = 0) follow V <- V (1 - dt/tau) plus the jumps. */
static void test_jump_arrival(void **st)
{
	(void)st;
	const int p0[] = { 10, -1 }, p1[] = { 14, -1 };
	const uint64_t arrive[2] = { 10 + 10, 14 + 10 };
	const soma_dist w = { SOMA_DIST_UNIFORM, -2.0, 3.0 };
	soma_network *net;
	int pre, post, proj;
	double Vref[3] = { 0, 0, 0 };
	const double *V, *s;

	assert_int_equal(soma_network_create(DT, 11, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 3, &post), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, post, "V_th", 1e9), SOMA_OK);
	add_pulses(net, pre, 0, p0);
	add_pulses(net, pre, 1, p1);
	proj = add_proj(net, pre, post, "voltage_jump", SOMA_OUTPUT_CURRENT,
			SOMA_CONNECT_ALL_TO_ALL, w, 1.0);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_delay_steps(net, proj), 10);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	V = state(net, post);
	for (uint64_t n = 0; n < 40; n++) {
		double before[3], jump[3] = { 0, 0, 0 };
		const uint32_t *spk;
		uint32_t n_spk;

		memcpy(before, V, sizeof(before));
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		/* the set-up: pre 0 fires in step 10, pre 1 in step 14 */
		assert_int_equal(soma_population_spikes(net, pre, &spk, &n_spk), SOMA_OK);
		assert_int_equal(n_spk, (n == 10 || n == 14) ? 1 : 0);
		for (uint32_t p = 0; p < 2; p++)
			if (n == arrive[p])
				for (uint32_t i = 0; i < 3; i++)
					jump[i] += weight(net, proj, p, i);
		for (uint32_t i = 0; i < 3; i++) {
			/* naive: forward Euler of tau dV/dt = -V, then the jump */
			Vref[i] += DT * ((0.0 - Vref[i]) * (1.0 / 10.0));
			Vref[i] += jump[i];
			assert_near(V[i], Vref[i], 1e-12, "V_post", n);
			/* the rise at the arrival step is w, exactly */
			assert_near(V[i] - before[i] * (1 - DT / 10.0), jump[i], 1e-12,
				    "jump of V_post", n);
			assert_near(s[i], jump[i], 0, "s", n);
			if (n < arrive[0])
				assert_true(V[i] == 0);
		}
	}
	/* the weights really differ and are not all zero */
	assert_true(fabs(weight(net, proj, 0, 0) - weight(net, proj, 0, 1)) > 1e-3);
	soma_network_destroy(net);
}

/* post 0 spikes at the end of step 5 (t_refractory 2 ms: held in steps
 * 6..25; refractory counter > 0 at stage 7 of steps 5..24). Pre 0 and pre 1
 * spike in steps 24 and 25; delay 0, so the jumps (w = 1.5 mV) come at stage
 * 7 of steps 24 (the last refractory one) and 25 (the first after). Post 1
 * never spikes and takes every jump. */
static void run_refractory(int guard)
{
	const int p0[] = { 24, -1 }, p1[] = { 25, -1 }, q0[] = { 5, -1 };
	const double w = 1.5, V_reset = -5.0;
	soma_network *net;
	int pre, post, proj;
	const double *V, *s;
	double V1 = 0;

	assert_int_equal(soma_network_create(DT, 3, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 2, &post), SOMA_OK);
	assert_int_equal(soma_population_set_param(net, post, "t_refractory", 2.0), SOMA_OK);
	add_pulses(net, pre, 0, p0);
	add_pulses(net, pre, 1, p1);
	add_pulses(net, post, 0, q0);
	proj = add_proj(net, pre, post, "voltage_jump", SOMA_OUTPUT_CURRENT,
			SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(w), 0.0);
	assert_int_equal(soma_projection_set_param(net, proj, "post_refractory", guard),
			 SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "s", &s), SOMA_OK);
	V = state(net, post);
	for (uint64_t n = 0; n < 30; n++) {
		double want0 = NAN, jump = (n == 24 || n == 25) ? w : 0;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		V1 += DT * ((0.0 - V1) * (1.0 / 10.0));
		V1 += jump;
		assert_near(V[1], V1, 1e-12, "V of post 1", n);
		assert_near(s[1], jump, 0, "s of post 1", n);
		if (n == 5)
			assert_int_equal(soma_population_spike_count(net, post), 1);
		if (n >= 5 && n < 24)
			want0 = V_reset;
		else if (n == 24)
			want0 = guard ? V_reset : V_reset + w;
		else if (n == 25)
			want0 = guard ? V_reset + w : V_reset + 2 * w;
		if (!isnan(want0)) {
			assert_near(V[0], want0, 1e-12, "V of refractory post 0", n);
			assert_near(s[0], n == 24 ? (guard ? 0 : w) : (n == 25 ? w : 0),
				    0, "s of post 0", n);
		}
	}
	assert_int_equal(soma_population_spike_count(net, post), 1);
	soma_network_destroy(net);
}

static void test_jump_refractory(void **st)
{
	(void)st;
	run_refractory(1);
	run_refractory(0);
}

/* ---- gap junction: the current ------------------------------------------ */

/* 2 pre LIF (35, 60 pA: they fire), 3 post LIF (0, 10, 30 pA), all-to-all
 * gap junctions of 0.2-1.5 nS. After every step, the projection's output at
 * the new state is read back as the current each neuron integrates at its V,
 * I - g V, and compared with an independent sum over the synapses. */
static void run_gap_current(int symmetric)
{
	const soma_dist w = { SOMA_DIST_UNIFORM, 0.2, 1.5 };
	soma_network *net;
	struct soma__pop *pr, *po;
	struct soma__proj *j;
	int pre, post, proj;
	uint64_t spikes;

	assert_int_equal(soma_network_create(DT, 5, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 3, &post), SOMA_OK);
	add_const(net, pre, 0, 35);
	add_const(net, pre, 1, 60);
	add_const(net, post, 1, 10);
	add_const(net, post, 2, 30);
	proj = add_proj(net, pre, post, "gap_junction", SOMA_OUTPUT_CONDUCTANCE,
			SOMA_CONNECT_ALL_TO_ALL, w, 0.0);
	assert_int_equal(soma_projection_set_param(net, proj, "symmetric", symmetric),
			 SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	pr = net->pops[pre];
	po = net->pops[post];
	j = net->projs[proj];
	for (uint64_t n = 0; n < 300; n++) {
		double cur_post[3] = { 0 }, cur_pre[2] = { 0 }, g_post[3] = { 0 };
		double g_pre[2] = { 0 }, scale[3] = { 0 }, total = 0, tscale = 0;
		const double *Vq = pr->state[0], *Vi = po->state[0];

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		/* independent: Ohm's law per pair */
		for (uint32_t p = 0; p < 2; p++) {
			for (uint32_t i = 0; i < 3; i++) {
				const double we = weight(net, proj, p, i);
				cur_post[i] += we * (Vq[p] - Vi[i]);
				cur_pre[p] += we * (Vi[i] - Vq[p]);
				g_post[i] += we;
				g_pre[p] += we;
				scale[i] += we * (fabs(Vq[p]) + fabs(Vi[i]));
				tscale += 2 * we * (fabs(Vq[p]) + fabs(Vi[i]));
			}
		}
		/* the output at t_{n+1}, alone in cleared input arrays (stage 1
		 * of the next step clears them again) */
		memset(pr->I, 0, 2 * sizeof(double));
		memset(pr->g, 0, 2 * sizeof(double));
		memset(po->I, 0, 3 * sizeof(double));
		memset(po->g, 0, 3 * sizeof(double));
		j->model->ops->proj_current(j, pr, po);
		for (uint32_t i = 0; i < 3; i++) {
			const double c = po->I[i] - po->g[i] * Vi[i];
			assert_near(c, cur_post[i], 1e-12 * scale[i], "I_post", n);
			assert_near(po->g[i], g_post[i], 1e-12 * g_post[i], "g_post", n);
			total += c;
		}
		for (uint32_t p = 0; p < 2; p++) {
			const double c = pr->I[p] - pr->g[p] * Vq[p];
			if (!symmetric) {
				assert_true(pr->I[p] == 0 && pr->g[p] == 0);
				continue;
			}
			assert_near(c, cur_pre[p], 1e-12 * tscale, "I_pre", n);
			assert_near(pr->g[p], g_pre[p], 1e-12 * g_pre[p], "g_pre", n);
			total += c;
		}
		/* equal and opposite: the junction conserves charge */
		if (symmetric)
			assert_near(total, 0, 1e-12 * tscale, "I_pre + I_post", n);
	}
	/* the run went through spikes, so V took many values */
	spikes = soma_population_spike_count(net, pre);
	if (spikes < 4)
		fail_msg("only %llu pre spikes", (unsigned long long)spikes);
	soma_network_destroy(net);
}

static void test_gap_current(void **st)
{
	(void)st;
	run_gap_current(0);
	run_gap_current(1);
}

/* ---- gap junction: two coupled neurons converge ------------------------- */

/* A -> B, one synapse of w = 2 nS, symmetric; LIF (R 1 GOhm, tau 10 ms,
 * V_rest 0, no threshold), V_A = 12 mV, V_B = -6 mV at t = 0; dt 0.01 ms.
 *   d(V_A - V_B)/dt = -(1 + 2 R w)/tau (V_A - V_B),  k = 0.5/ms;
 *   d(V_A + V_B)/dt = -(V_A + V_B)/tau.
 * Euler: e_n = e_0 (1 - k dt)^n, sum_n = sum_0 (1 - dt/tau)^n.
 * Exponential Euler with the other V held over the step: each V relaxes
 * towards c V_other, c = R w/(1 + R w), with a = exp(-(1 + R w) dt/tau):
 * e_n = e_0 (a - (1 - a) c)^n, sum_n = sum_0 (a + (1 - a) c)^n (first
 * order in the coupling: the sum's factor is exp(-dt/tau) + O(dt^2)).
 * Both recurrences to 1e-10 relative; then the rate measured between 2 and
 * 20 ms against the analytic k to 0.5 %. */
static void run_converge(soma_method method)
{
	const double dt = 0.01, w = 2.0, R = 1.0, tau = 10.0;
	const double k = (1 + 2 * R * w) / tau;
	const double a = exp(-(1 + R * w) * dt / tau), c = R * w / (1 + R * w);
	const double f = method == SOMA_METHOD_EULER ? 1 - k * dt : a - (1 - a) * c;
	const double fs = method == SOMA_METHOD_EULER ? 1 - dt / tau : a + (1 - a) * c;
	const double VA0 = 12.0, VB0 = -6.0;
	soma_network *net;
	int A, B, proj;
	const double *VA, *VB;
	double e2 = NAN, e20 = NAN, rate;

	assert_int_equal(soma_network_create(dt, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "A", "lif", 1, &A), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "B", "lif", 1, &B), SOMA_OK);
	for (int p = A; p <= B; p++) {
		assert_int_equal(soma_population_set_param(net, p, "V_th", 1e9), SOMA_OK);
		assert_int_equal(soma_population_set_method(net, p, method), SOMA_OK);
	}
	assert_int_equal(soma_population_set_state(net, A, "V", &VA0, 1), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, B, "V", &VB0, 1), SOMA_OK);
	proj = add_proj(net, A, B, "gap_junction", SOMA_OUTPUT_CONDUCTANCE,
			SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(w), 0.0);
	assert_int_equal(soma_projection_set_param(net, proj, "symmetric", 1), SOMA_OK);
	VA = state(net, A);
	VB = state(net, B);
	for (uint64_t n = 1; n <= 2000; n++) {
		const double e = VA[0] - VB[0], sum = VA[0] + VB[0];
		const double pe = (VA0 - VB0) * pow(f, (double)(n - 1));
		const double ps = (VA0 + VB0) * pow(fs, (double)(n - 1));

		/* the state before step n: n - 1 steps done */
		assert_near(e, pe, 1e-10 * fabs(pe), "V_A - V_B", n - 1);
		assert_near(sum, ps, 1e-10 * fabs(ps), "V_A + V_B", n - 1);
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		if (n == 200)
			e2 = VA[0] - VB[0];
		if (n == 2000)
			e20 = VA[0] - VB[0];
	}
	/* the decay rate against the analytic (1 + 2 R w)/tau */
	rate = log(e2 / e20) / (20.0 - 2.0);
	if (!(fabs(rate - k) <= 5e-3 * k)) {
		print_error("decay rate %.6g /ms, expected %.6g /ms (0.5 %%)\n", rate, k);
		fail();
	}
	assert_true(e20 > 0 && e20 < 1e-3 * (VA0 - VB0));
	soma_network_destroy(net);
}

static void test_gap_converge(void **st)
{
	(void)st;
	run_converge(SOMA_METHOD_EULER);
	run_converge(SOMA_METHOD_EXP_EULER);
}

/* ---- gap junction: the spikelet ----------------------------------------- */

/* Pre (1 LIF) spikes at the end of step 10; delay 0.5 ms (D = 5): the
 * spikelet arrives at stage 7 of step 15. Post 0 (no input) is never
 * refractory; post 1 spikes at the end of step 12 and is refractory
 * (1 ms) at step 15. Two networks that differ only in k_spikelet (5 and 0)
 * give the same V up to step 14; at step 15 they differ by k_spikelet w. */
static soma_network *spikelet_net(double k, int guard, int *post)
{
	const int p0[] = { 10, -1 }, q1[] = { 12, -1 };
	soma_network *net;
	int pre, proj;

	assert_int_equal(soma_network_create(DT, 2, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "lif", 1, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "lif", 2, post), SOMA_OK);
	add_pulses(net, pre, 0, p0);
	add_pulses(net, *post, 1, q1);
	proj = add_proj(net, pre, *post, "gap_junction", SOMA_OUTPUT_CONDUCTANCE,
			SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(0.8), 0.5);
	assert_int_equal(soma_projection_set_param(net, proj, "k_spikelet", k), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "post_refractory", guard),
			 SOMA_OK);
	return net;
}

static void test_spikelet(void **st)
{
	(void)st;
	const double k = 5.0, w = 0.8;

	for (int guard = 0; guard <= 1; guard++) {
		int post;
		soma_network *a = spikelet_net(k, guard, &post);
		soma_network *b = spikelet_net(0.0, guard, &post);
		const double *Va = state(a, post), *Vb = state(b, post);

		for (uint64_t n = 0; n < 16; n++) {
			assert_int_equal(soma_network_run(a, 1), SOMA_OK);
			assert_int_equal(soma_network_run(b, 1), SOMA_OK);
			if (n < 15) {
				assert_true(Va[0] == Vb[0] && Va[1] == Vb[1]);
				continue;
			}
			assert_near(Va[0] - Vb[0], k * w, 1e-12, "spikelet of post 0", n);
			assert_near(Va[1] - Vb[1], guard ? 0 : k * w, 1e-12,
				    "spikelet of refractory post 1", n);
		}
		/* the set-up: one pre spike, post 1 fired */
		assert_int_equal(soma_population_spike_count(a, 0), 1);
		assert_int_equal(soma_population_spike_count(a, post), 1);
		soma_network_destroy(a);
		soma_network_destroy(b);
	}
}

/* ---- the seed's example pair against a naive simulation ------------------ */

/* examples/synapses/gap_junction.yaml: two LIF (t_refractory 0), V = -10 mV
 * at t = 0, 30 pA into neuron 0, neu0 -> neu1 with w = 0.5 nS, k_spikelet 5,
 * no delay, forward Euler at dt 0.1 ms, 100 ms. */
static void test_seed_pair(void **st)
{
	(void)st;
	const double w = 0.5, k = 5.0, V0i = -10.0;
	double V0 = V0i, V1 = V0i;
	soma_network *net;
	int A, B, proj, n_spk = 0;
	const double *VA, *VB;

	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "neu0", "lif", 1, &A), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "neu1", "lif", 1, &B), SOMA_OK);
	for (int p = A; p <= B; p++) {
		assert_int_equal(soma_population_set_param(net, p, "t_refractory", 0.0),
				 SOMA_OK);
		assert_int_equal(soma_population_set_state(net, p, "V", &V0i, 1), SOMA_OK);
	}
	add_const(net, A, 0, 30.0);
	proj = add_proj(net, A, B, "gap_junction", SOMA_OUTPUT_CONDUCTANCE,
			SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(w), 0.0);
	assert_int_equal(soma_projection_set_param(net, proj, "k_spikelet", k), SOMA_OK);
	VA = state(net, A);
	VB = state(net, B);
	for (uint64_t n = 0; n < 1000; n++) {
		const double I1 = w * (V0 - V1); /* at t_n */
		int spike = 0;

		V0 += DT / 10.0 * (-V0 + 30.0);
		V1 += DT / 10.0 * (-V1 + I1);
		if (V0 >= 20.0) {
			V0 = -5.0;
			spike = 1;
			n_spk++;
		}
		if (spike)
			V1 += k * w;
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		assert_near(VA[0], V0, 1e-9, "V0", n);
		assert_near(VB[0], V1, 1e-9, "V1", n);
	}
	assert_int_equal(n_spk, 7);
	assert_int_equal(soma_population_spike_count(net, A), 7);
	assert_int_equal(soma_population_spike_count(net, B), 0);
	soma_network_destroy(net);
}

/* ---- parameters and refusals -------------------------------------------- */

static void test_refusals(void **st)
{
	(void)st;
	soma_network *net;
	int a, b, pj;

	/* a gap junction's weight is a conductance */
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "a", "lif", 1, &a), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "b", "lif", 1, &b), SOMA_OK);
	pj = add_proj(net, a, b, "gap_junction", SOMA_OUTPUT_CURRENT,
		      SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(1), 0);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "conductance"));
	/* flags are 0 or 1 */
	assert_int_equal(soma_projection_set_param(net, pj, "symmetric", 0.5), SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, pj, "symmetric", 2), SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, pj, "post_refractory", -1),
			 SOMA_ERANGE);
	soma_network_destroy(net);

	/* a voltage jump has no conductance */
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "a", "lif", 1, &a), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "b", "lif", 1, &b), SOMA_OK);
	pj = add_proj(net, a, b, "voltage_jump", SOMA_OUTPUT_CONDUCTANCE,
		      SOMA_CONNECT_ALL_TO_ALL, soma_dist_constant(1), 0);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, pj, "post_refractory", 0.5),
			 SOMA_ERANGE);
	assert_int_equal(soma_projection_set_param(net, pj, "post_refractory", 1), SOMA_OK);
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jump_arrival),
		cmocka_unit_test(test_jump_refractory),
		cmocka_unit_test(test_gap_current),
		cmocka_unit_test(test_gap_converge),
		cmocka_unit_test(test_spikelet),
		cmocka_unit_test(test_seed_pair),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
