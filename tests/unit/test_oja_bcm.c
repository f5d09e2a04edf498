/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Rate-based plasticity between linear rate units (models rate, oja, bcm):
 * - the rate unit: r(t_{n+1}) = I(t_n), its inputs plus sum_j w_ij r_j;
 * - transmission and updates step by step against a naive computation in
 *   this file (dense and sparse connectivity, both threshold modes of BCM),
 *   to 1e-12;
 * - Oja: with correlated zero-mean Gaussian inputs the weight vector of the
 *   post unit converges to the unit-norm principal eigenvector of the input
 *   covariance (GSL's gsl_eigen_symmv), norm and components within 2%;
 * - BCM on the seed's set-up (20 pre units in two alternating groups, 1.5
 *   and 1): the strong group potentiates, the weak one depresses;
 * - what prepare refuses.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "soma/soma.h"

#define DT 0.1

static void close_to(double got, double want, double tol, const char *what,
		     long step)
{
	if (!(fabs(got - want) <= tol * fmax(1.0, fabs(want))))
		fail_msg("%s at step %ld: %.15g, expected %.15g", what, step, got,
			 want);
}

/* Network of rate populations pre (n_pre) -> post (n_post) through a
 * projection of @syn. */
static soma_network *rate_net(uint32_t n_pre, uint32_t n_post, const char *syn,
			      soma_connector conn, double w0, int *pre,
			      int *post, int *proj)
{
	soma_network *net;
	soma_projection_spec spec = {
		.name = "P", .synapse = syn, .output = SOMA_OUTPUT_CURRENT,
		.connector = conn, .weight = soma_dist_constant(w0),
		.delay_ms = 0,
	};

	assert_int_equal(soma_network_create(DT, 7, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "rate", n_pre, pre),
			 SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "rate", n_post, post),
			 SOMA_OK);
	spec.pre = *pre;
	spec.post = *post;
	assert_int_equal(soma_network_add_projection(net, &spec, proj), SOMA_OK);
	return net;
}

static const soma_connector all_to_all = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 };

/* The rate unit alone: r(t_{n+1}) = I(t_n) for piecewise-constant inputs,
 * and no method to choose. */
static void test_rate_unit(void **state)
{
	soma_network *net;
	int pop;
	const double v[3] = { 2.0, -0.5, 3.25 }, d[3] = { 1.0, 0.5, INFINITY };
	const double v2[1] = { 0.125 }, d2[1] = { INFINITY };
	const uint32_t second = 1;
	const double *r;

	(void)state;
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "R", "rate", 2, &pop), SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, NULL, 0, v, d, 3, NULL),
			 SOMA_OK);
	assert_int_equal(soma_network_add_current(net, pop, &second, 1, v2, d2, 1, NULL),
			 SOMA_OK);
	assert_int_equal(soma_population_set_method(net, pop, SOMA_METHOD_RK4),
			 SOMA_EINVAL);
	assert_int_equal(soma_population_state(net, pop, "r", &r), SOMA_OK);
	assert_true(r[0] == 0 && r[1] == 0);
	for (long n = 0; n < 30; n++) {
		/* input of step n, at t_n = n dt: 2 on [0, 1) ms, -0.5 on
		 * [1, 1.5) ms, 3.25 after; neuron 1 also 0.125 */
		double I = n < 10 ? 2.0 : n < 15 ? -0.5 : 3.25;
		const uint32_t *idx;
		uint32_t nspk;

		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		close_to(r[0], I, 0, "r[0]", n + 1);
		close_to(r[1], I + 0.125, 0, "r[1]", n + 1);
		assert_int_equal(soma_population_spikes(net, pop, &idx, &nspk), SOMA_OK);
		assert_int_equal(nspk, 0);
	}
	soma_network_destroy(net);
}

/* A naive Oja step on the synapse list of a CSR: returns nothing, updates
 * w (copy) from x (pre rates at t_n), producing y (post rates). */
static void naive_oja(const uint64_t *row, const uint32_t *pi, uint32_t n_pre,
		      uint32_t n_post, double *w, const double *x, double gamma,
		      double *y)
{
	for (uint32_t i = 0; i < n_post; i++)
		y[i] = 0;
	for (uint32_t p = 0; p < n_pre; p++)
		for (uint64_t e = row[p]; e < row[p + 1]; e++)
			y[pi[e]] += w[e] * x[p];
	for (uint32_t p = 0; p < n_pre; p++)
		for (uint64_t e = row[p]; e < row[p + 1]; e++)
			w[e] += DT * gamma * (y[pi[e]] * x[p] -
					      y[pi[e]] * y[pi[e]] * w[e]);
}

/* Transmission and Oja updates step by step against naive_oja, for a
 * dense (all_to_all) and a sparse (fixed_probability 0.4) projection, pre
 * rates set each step. */
static void check_oja_steps(soma_connector conn, uint32_t n_pre,
			    uint32_t n_post)
{
	int pre, post, proj;
	soma_network *net = rate_net(n_pre, n_post, "oja", conn, 0.05, &pre,
				     &post, &proj);
	const uint64_t *row;
	const uint32_t *pi;
	const double *w, *r_post;
	double *wn, *x, *y;
	uint64_t nnz;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	const double gamma = 0.01;

	assert_int_equal(soma_projection_set_param(net, proj, "gamma", gamma), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, &row, &pi, &w), SOMA_OK);
	assert_int_equal(soma_population_state(net, post, "r", &r_post), SOMA_OK);
	nnz = soma_projection_synapse_count(net, proj);
	assert_true(nnz > 0);
	wn = malloc(nnz * sizeof(double));
	x = malloc(n_pre * sizeof(double));
	y = malloc(n_post * sizeof(double));
	memcpy(wn, w, nnz * sizeof(double));
	for (long n = 0; n < 500; n++) {
		for (uint32_t p = 0; p < n_pre; p++)
			x[p] = 2.0 * gsl_rng_uniform(rng);
		assert_int_equal(soma_population_set_state(net, pre, "r", x, n_pre),
				 SOMA_OK);
		naive_oja(row, pi, n_pre, n_post, wn, x, gamma, y);
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		for (uint32_t i = 0; i < n_post; i++)
			close_to(r_post[i], y[i], 1e-12, "r_post", n + 1);
		for (uint64_t e = 0; e < nnz; e++)
			close_to(w[e], wn[e], 1e-12, "w", n + 1);
	}
	/* the weights did learn */
	assert_true(fabs(w[0] - 0.05) > 0.01);
	free(wn);
	free(x);
	free(y);
	gsl_rng_free(rng);
	soma_network_destroy(net);
}

static void test_oja_steps(void **state)
{
	const soma_connector sparse = { SOMA_CONNECT_FIXED_PROBABILITY, 0.4, 0 };

	(void)state;
	check_oja_steps(all_to_all, 4, 3);
	/* 12 x 6 = 72 pairs at p 0.4: about 29 synapses */
	check_oja_steps(sparse, 12, 6);
}

/* Oja's rule extracts the principal component: 3 zero-mean Gaussian inputs
 * x = L z of covariance C = L L^T onto one post unit. */
static void test_oja_principal_component(void **state)
{
	enum { N = 3 };
	const double C[N][N] = {
		{ 3.0, 1.0, 0.5 },
		{ 1.0, 2.0, 0.3 },
		{ 0.5, 0.3, 1.0 },
	};
	const double gamma = 0.002; /* 1/ms: gamma dt = 2e-4 per step */
	const long steps = 120000, avg_from = 80000;
	int pre, post, proj;
	soma_network *net = rate_net(N, 1, "oja", all_to_all, 0.05, &pre, &post,
				     &proj);
	gsl_matrix *L = gsl_matrix_alloc(N, N), *A = gsl_matrix_alloc(N, N);
	gsl_matrix *evec = gsl_matrix_alloc(N, N);
	gsl_vector *eval = gsl_vector_alloc(N);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(N);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	const double *w;
	double v[N], wm[N] = { 0 }, norm = 0, wnorm = 0, cosang = 0, sgn = 0;

	(void)state;
	for (int a = 0; a < N; a++)
		for (int b = 0; b < N; b++) {
			gsl_matrix_set(L, a, b, C[a][b]);
			gsl_matrix_set(A, a, b, C[a][b]);
		}
	assert_int_equal(gsl_linalg_cholesky_decomp1(L), 0);
	/* principal eigenvector of C */
	assert_int_equal(gsl_eigen_symmv(A, eval, evec, ws), 0);
	assert_int_equal(gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC), 0);
	for (int a = 0; a < N; a++) {
		v[a] = gsl_matrix_get(evec, a, 0);
		sgn += v[a];
	}
	for (int a = 0; a < N; a++)
		v[a] = sgn < 0 ? -v[a] : v[a];

	assert_int_equal(soma_projection_set_param(net, proj, "gamma", gamma), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, NULL, NULL, &w), SOMA_OK);
	for (long n = 0; n < steps; n++) {
		double z[N], x[N];

		for (int a = 0; a < N; a++)
			z[a] = gsl_ran_gaussian_ziggurat(rng, 1.0);
		for (int a = 0; a < N; a++) {
			x[a] = 0;
			for (int b = 0; b <= a; b++)
				x[a] += gsl_matrix_get(L, a, b) * z[b];
		}
		assert_int_equal(soma_population_set_state(net, pre, "r", x, N), SOMA_OK);
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		if (n >= avg_from)
			for (int a = 0; a < N; a++)
				wm[a] += w[a] / (double)(steps - avg_from);
	}
	/* all_to_all with one post unit: synapse a is pre unit a */
	for (int a = 0; a < N; a++) {
		norm += wm[a] * wm[a];
		wnorm += w[a] * w[a];
		cosang += wm[a] * v[a];
	}
	norm = sqrt(norm);
	wnorm = sqrt(wnorm);
	cosang /= norm;
	print_message("Oja: eigenvalues %.4f %.4f %.4f; v = (%.4f, %.4f, %.4f)\n",
		      gsl_vector_get(eval, 0), gsl_vector_get(eval, 1),
		      gsl_vector_get(eval, 2), v[0], v[1], v[2]);
	print_message("Oja: mean w over the last %ld steps = (%.4f, %.4f, %.4f), "
		      "|w| = %.4f, angle %.4f rad; final w (%.4f, %.4f, %.4f), "
		      "|w| = %.4f\n",
		      steps - avg_from, wm[0], wm[1], wm[2], norm,
		      acos(fmin(cosang, 1.0)), w[0], w[1], w[2], wnorm);
	assert_true(fabs(norm - 1.0) < 0.02);
	assert_true(fabs(wnorm - 1.0) < 0.02);
	for (int a = 0; a < N; a++)
		assert_true(fabs(wm[a] - v[a]) < 0.02);
	assert_true(acos(fmin(cosang, 1.0)) < 0.02);

	gsl_rng_free(rng);
	gsl_eigen_symmv_free(ws);
	gsl_vector_free(eval);
	gsl_matrix_free(evec);
	gsl_matrix_free(A);
	gsl_matrix_free(L);
	soma_network_destroy(net);
}

/* The seed's BCM set-up: 20 pre units, group 1 (0-9) at 1.5 for 1 ms then 0
 * for 1 ms, group 2 (10-19) the opposite phase at 1, ten times (20 ms). */
#define BCM_PRE 20
static soma_network *bcm_net(double tau_theta, int *pre, int *post, int *proj)
{
	uint32_t g1[10], g2[10];
	double v1[20], v2[20], d[20];
	soma_network *net = rate_net(BCM_PRE, 1, "bcm", all_to_all, 0.5, pre,
				     post, proj);

	for (int k = 0; k < 10; k++) {
		g1[k] = (uint32_t)k;
		g2[k] = (uint32_t)k + 10;
	}
	for (int k = 0; k < 20; k++) {
		v1[k] = k % 2 ? 0.0 : 1.5;
		v2[k] = k % 2 ? 1.0 : 0.0;
		d[k] = 1.0;
	}
	assert_int_equal(soma_network_add_current(net, *pre, g1, 10, v1, d, 20, NULL),
			 SOMA_OK);
	assert_int_equal(soma_network_add_current(net, *pre, g2, 10, v2, d, 20, NULL),
			 SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, *proj, "tau_theta", tau_theta),
			 SOMA_OK);
	return net;
}

/* Naive BCM over the whole run, step by step beside soma; returns the mean
 * weights of the two groups at the end. */
static void check_bcm(double tau_theta, double *m1, double *m2)
{
	int pre, post, proj;
	soma_network *net = bcm_net(tau_theta, &pre, &post, &proj);
	const double *w, *r_pre, *r_post, *theta;
	double wn[BCM_PRE], x[BCM_PRE], th = 0, eta = 0.005;
	const long steps = 200;

	assert_int_equal(soma_network_prepare(net), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, NULL, NULL, &w), SOMA_OK);
	assert_int_equal(soma_population_state(net, pre, "r", &r_pre), SOMA_OK);
	assert_int_equal(soma_population_state(net, post, "r", &r_post), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "theta", &theta), SOMA_OK);
	assert_int_equal(soma_projection_state_size(net, proj, "theta"), 1);
	assert_int_equal(soma_projection_state_size(net, proj, "r_pre"), BCM_PRE);
	memcpy(wn, w, sizeof(wn));
	for (long n = 0; n < steps; n++) {
		double y = 0, a;

		memcpy(x, r_pre, sizeof(x)); /* r_pre(t_n) */
		for (int j = 0; j < BCM_PRE; j++)
			y += w[j] * x[j];
		assert_int_equal(soma_network_run(net, 1), SOMA_OK);
		/* r_post(t_{n+1}) = sum_j w_j(t_n) r_j(t_n), exactly */
		close_to(r_post[0], y, 1e-12, "r_post", n + 1);
		/* the threshold: mean of 0, r(t_1), ..., r(t_{n+1}), or the
		 * exponential average */
		a = tau_theta > 0 ? 1.0 - exp(-DT / tau_theta) : 1.0 / (n + 2.0);
		th += a * (y - th);
		close_to(theta[0], th, 1e-12, "theta", n + 1);
		for (int j = 0; j < BCM_PRE; j++) {
			wn[j] += DT * eta * y * (y - th) * x[j];
			wn[j] = wn[j] < 0 ? 0 : wn[j] > 1 ? 1 : wn[j];
			close_to(w[j], wn[j], 1e-12, "w", n + 1);
		}
	}
	*m1 = *m2 = 0;
	for (int j = 0; j < 10; j++) {
		*m1 += w[j] / 10;
		*m2 += w[j + 10] / 10;
	}
	print_message("BCM tau_theta %g ms: mean w strong %.4f, weak %.4f, "
		      "theta %.4f after 20 ms\n", tau_theta, *m1, *m2, theta[0]);
	soma_network_destroy(net);
}

static void test_bcm_selectivity(void **state)
{
	double m1, m2;

	(void)state;
	/* the seed's threshold: the mean post rate since t = 0 */
	check_bcm(0.0, &m1, &m2);
	assert_true(m1 > 0.5 + 0.2);
	assert_true(m2 < 0.5 - 0.2);
	assert_true(m1 > m2);
	/* an exponential average over 2 ms selects the same group */
	check_bcm(2.0, &m1, &m2);
	assert_true(m1 > 0.5 + 0.2);
	assert_true(m2 < 0.5 - 0.2);
}

/* An initial theta counts as the first sample of the running mean, and
 * w_min/w_max clip: theta(t_1) = (theta0 + r(t_1))/2, w stays in bounds. */
static void test_bcm_theta_init(void **state)
{
	int pre, post, proj;
	soma_network *net = rate_net(2, 1, "bcm", all_to_all, 0.5, &pre, &post,
				     &proj);
	const soma_dist th0 = soma_dist_constant(3.0);
	const double x[2] = { 4.0, 1.0 };
	const double *theta, *w;

	(void)state;
	assert_int_equal(soma_projection_init_state(net, proj, "theta", &th0), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_max", 0.6), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", 0.45), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "eta", 1.0), SOMA_OK);
	assert_int_equal(soma_population_set_state(net, pre, "r", x, 2), SOMA_OK);
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	assert_int_equal(soma_projection_state(net, proj, "theta", &theta), SOMA_OK);
	assert_int_equal(soma_projection_csr(net, proj, NULL, NULL, &w), SOMA_OK);
	/* r_post = 0.5 (4 + 1) = 2.5; theta = (3 + 2.5)/2 = 2.75 */
	close_to(theta[0], 2.75, 1e-15, "theta", 1);
	/* dw = eta dt r_post (r_post - theta) r_j = 0.1 x 2.5 x (-0.25) r_j
	 * = -0.0625 r_j: w_0 = 0.5 - 0.25 and w_1 = 0.5 - 0.0625 both fall
	 * below w_min and are clipped to 0.45 */
	close_to(w[0], 0.45, 0, "w[0]", 1);
	close_to(w[1], 0.45, 0, "w[1]", 1);
	assert_int_equal(soma_population_set_state(net, pre, "r", x, 2), SOMA_OK);
	assert_int_equal(soma_network_run(net, 1), SOMA_OK);
	/* r_post = 0.45 x 5 = 2.25; theta = (3 + 2.5 + 2.25)/3 */
	close_to(theta[0], (3 + 2.5 + 2.25) / 3, 1e-15, "theta", 2);
	soma_network_destroy(net);
}

static void test_refused(void **state)
{
	soma_network *net;
	int pre, post, lif, proj;
	soma_projection_spec spec = {
		.name = "Q", .synapse = "oja", .output = SOMA_OUTPUT_CONDUCTANCE,
		.connector = { SOMA_CONNECT_ALL_TO_ALL, 0, 0 },
		.weight = soma_dist_constant(0.1), .delay_ms = 0,
	};

	(void)state;
	/* onto a population without a rate r (a LIF neuron) */
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "rate", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "L", "lif", 2, &lif), SOMA_OK);
	spec.pre = pre;
	spec.post = lif;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_EINVAL);
	assert_non_null(strstr(soma_network_errmsg(net), "need a rate r"));
	spec.pre = lif;
	spec.post = pre;
	spec.output = SOMA_OUTPUT_CURRENT;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_EINVAL);
	assert_non_null(strstr(soma_network_errmsg(net), "'L' is lif"));
	spec.output = SOMA_OUTPUT_CONDUCTANCE;
	soma_network_destroy(net);

	/* onto a rate unit the network itself refuses conductance */
	assert_int_equal(soma_network_create(DT, 1, &net), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "pre", "rate", 2, &pre), SOMA_OK);
	assert_int_equal(soma_network_add_population(net, "post", "rate", 1, &post), SOMA_OK);
	spec.pre = pre;
	spec.post = post;
	spec.synapse = "bcm";
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_EINVAL);
	/* a delay */
	spec.output = SOMA_OUTPUT_CURRENT;
	spec.delay_ms = 1.0;
	assert_int_equal(soma_network_add_projection(net, &spec, &proj), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "delay"));
	soma_network_destroy(net);

	/* w_min above w_max */
	net = rate_net(2, 1, "bcm", all_to_all, 0.5, &pre, &post, &proj);
	assert_int_equal(soma_projection_set_param(net, proj, "w_min", 0.8), SOMA_OK);
	assert_int_equal(soma_projection_set_param(net, proj, "w_max", 0.6), SOMA_OK);
	assert_int_equal(soma_network_prepare(net), SOMA_ERANGE);
	assert_non_null(strstr(soma_network_errmsg(net), "w_min"));
	soma_network_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_unit),
		cmocka_unit_test(test_oja_steps),
		cmocka_unit_test(test_oja_principal_component),
		cmocka_unit_test(test_bcm_selectivity),
		cmocka_unit_test(test_bcm_theta_init),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
