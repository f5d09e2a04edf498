/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file integrator.h
 * Numerical integration of neuron populations and single-neuron right-hand
 * sides.
 *
 * A neuron model with differential equations (every built-in neuron model
 * except the `poisson` source) is integrated over each step dt with the
 * method chosen for its population. The input (current, conductance) is held
 * at its value at t_n during the step (network.h, stage 3), so within a step
 * every model is an autonomous ODE system dy/dt = f(y).
 *
 * Methods, for dy/dt = f(y) and one step h = dt:
 *  - SOMA_METHOD_EULER: y1 = y0 + h f(y0). Order 1.
 *  - SOMA_METHOD_RK2: Heun's method, k1 = f(y0), k2 = f(y0 + h k1),
 *    y1 = y0 + h (k1 + k2)/2. Order 2.
 *  - SOMA_METHOD_RK4: the classical fourth-order Runge-Kutta. Order 4.
 *  - SOMA_METHOD_EXP_EULER: exponential Euler as BrainPy defines it: each
 *    variable's equation is linearised in that variable,
 *    f_k(y) ~ f_k(y0) + a_k (y_k - y_k0) with a_k = df_k/dy_k at y0, and the
 *    linear equation is integrated exactly over the step:
 *    y1_k = y0_k + h phi(a_k h) f_k(y0), phi(z) = (e^z - 1)/z, phi(0) = 1.
 *    Exact (to rounding of y0 + (e^z - 1) y0-like sums: the absolute error
 *    stays tiny when e^z << 1, the relative one need not) when every
 *    equation is linear in its own variable with the others fixed, e.g. LIF
 *    with constant input or a gating variable with V fixed. Order 2 for a
 *    single equation (a_k is then the whole Jacobian: exponential
 *    Rosenbrock-Euler), order 1 for coupled systems such as HH. Every
 *    variable uses y0 of all others.
 *  - SOMA_METHOD_RKF45: Runge-Kutta-Fehlberg 4(5) with error control. Each
 *    neuron takes its own sub-steps inside the step, each accepted when
 *    max_k |err_k| / (atol + rtol max(|y_k|, |y_k new|)) <= 1, and the
 *    fifth-order solution is kept (local extrapolation). A neuron's last
 *    accepted sub-step is reused as the first guess of its next step.
 *  - SOMA_METHOD_RK8PD, SOMA_METHOD_MSBDF: GSL's odeiv2 drivers
 *    (gsl_odeiv2_step_rk8pd, the Prince-Dormand 8(9) Runge-Kutta, and
 *    gsl_odeiv2_step_msbdf, the variable-order BDF for stiff systems, with a
 *    finite-difference Jacobian), run neuron by neuron to rtol/atol over each
 *    step. Slow; meant for one neuron or a small population used as a
 *    high-accuracy reference. The driver restarts at every step (the input
 *    may change between steps), so msbdf restarts at order 1 each step and
 *    its global error over many steps can reach 10^2-10^4 rtol (1% on
 *    Morris-Lecar over 1000 ms at the default rtol 1e-6): give it rtol 1e-8
 *    or below for a reference; rk8pd has no such cost.
 *
 * Neurons in their refractory period have dV/dt = 0 (V is held), while their
 * other variables (adaptation, gates) go on evolving.
 *
 * After the integration, each model's threshold rule is applied to the state
 * at t_{n+1} (network.h, stages 4-5).
 */
#ifndef SOMA_INTEGRATOR_H
#define SOMA_INTEGRATOR_H

#include <stddef.h>

#include "soma/model.h"
#include "soma/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Integration method of a population. */
typedef enum soma_method {
	SOMA_METHOD_DEFAULT = 0,   /**< the model's default (soma_model_default_method) */
	SOMA_METHOD_EULER = 1,     /**< forward Euler, order 1 */
	SOMA_METHOD_RK2 = 2,       /**< Heun, order 2 */
	SOMA_METHOD_RK4 = 3,       /**< classical Runge-Kutta, order 4 */
	SOMA_METHOD_EXP_EULER = 4, /**< exponential Euler (BrainPy) */
	SOMA_METHOD_RKF45 = 5,     /**< adaptive Runge-Kutta-Fehlberg 4(5) */
	SOMA_METHOD_RK8PD = 6,     /**< GSL odeiv2 rk8pd, per neuron (reference) */
	SOMA_METHOD_MSBDF = 7      /**< GSL odeiv2 msbdf, per neuron (stiff reference) */
} soma_method;

/** Number of soma_method values, SOMA_METHOD_DEFAULT included. */
#define SOMA_METHOD_COUNT 8

/** Name of a method as written in model files ("euler", "rk2", "rk4",
 *  "exp_euler", "rkf45", "rk8pd", "msbdf"; "default"), or NULL if invalid. */
const char *soma_method_name(soma_method m);

/**
 * Method called @p name (as soma_method_name() writes it, "default"
 * included; "rk45" is accepted for "rkf45", the seed's name). Model files
 * take the names of actual methods only.
 * @return SOMA_OK, SOMA_ENOENT when no method has that name, SOMA_EINVAL
 *         when @p out is NULL
 */
int soma_method_from_name(const char *name, soma_method *out);

/** Default method of a neuron model (the seed's choice: exponential Euler
 *  for Hodgkin-Huxley, forward Euler for the others), or SOMA_METHOD_DEFAULT
 *  for models that are not integrated (sources, synapses). */
soma_method soma_model_default_method(const soma_model *m);

/**
 * Choose the integration method of population @p pop (before the first step).
 * SOMA_METHOD_DEFAULT restores the model's default.
 * @return SOMA_OK, SOMA_ENOENT (no such population), SOMA_EINVAL (invalid
 *         method, or a population that is not integrated), SOMA_ESTATE
 *         (after the first step)
 */
int soma_population_set_method(soma_network *net, int pop, soma_method m);

/** The method population @p pop uses (its model's default when not set), or
 *  SOMA_METHOD_DEFAULT for a source population or an invalid index. */
soma_method soma_population_method(const soma_network *net, int pop);

/**
 * Tolerances of the adaptive methods (rkf45, rk8pd, msbdf) for population
 * @p pop. The error of a (sub-)step is accepted when, for every variable,
 * |err| <= atol + rtol |y|, with atol in each variable's own unit.
 * Defaults: rtol = 1e-6, atol = 1e-9.
 * @param rtol relative tolerance, in [1e-14, 1)
 * @param atol absolute tolerance, finite and >= 0
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (a population that is not
 *         integrated), SOMA_ERANGE (out of range), SOMA_ESTATE (after the
 *         first step)
 */
int soma_population_set_tolerance(soma_network *net, int pop, double rtol,
				  double atol);

/**
 * Evaluate the right-hand side of a neuron model for one neuron: the
 * derivatives (each state variable's unit per ms) of the state @p y (m->n_state
 * values, in the units of m->state) with parameters @p param (m->n_params
 * values; NULL for the defaults), input @p input (one value per input channel
 * of the model, m->n_inputs values, NULL for zero; a current in pA for
 * spiking models) and no refractoriness. Variables that are not integrated
 * (none in the built-in models) get 0. This is the same function the
 * integrators call: phase-plane and bifurcation analysis use it.
 * @param dt   step, ms, used only by models whose derived constants need it
 * @param dydt receives m->n_state derivatives
 * @return SOMA_OK, SOMA_EINVAL (NULL arguments, or a model without
 *         differential equations), SOMA_ERANGE (a parameter outside its
 *         valid range, or a combination the model's prepare refuses),
 *         SOMA_ENOMEM
 */
int soma_model_rhs(const soma_model *m, const double *param, const double *y,
		   const double *input, double dt, double *dydt);

#ifdef __cplusplus
}
#endif
#endif
