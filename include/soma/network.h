/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file network.h
 * The simulation engine: a network of populations and projections advanced
 * with a fixed step.
 *
 * Time. Time is an integer step counter n; t = n * dt (ms). soma_network_run()
 * advances the counter; step n integrates the state from t_n = n*dt to
 * t_{n+1} = (n+1)*dt.
 *
 * Order of the operations within step n (tested in tests/unit/test_step_order.c):
 *   1. inputs: each population's input current I (pA, n doubles) is set to
 *      the sum of its current inputs' values at t_n;
 *   2. synaptic currents: each projection adds its output current at t_n,
 *      computed from its synaptic state s(t_n), to I of the post population
 *      (conductance-based outputs use V_post(t_n));
 *   3. integrate: each neuron population integrates t_n -> t_{n+1} with I held
 *      constant; neurons in their refractory period are not integrated;
 *   4. threshold: neurons whose V reached V_th spike; their spike time is
 *      t_{n+1}, the end of the step; spike sources draw their spikes here;
 *   5. reset and refractoriness: V <- V_reset, the refractory counter is set;
 *   6. deliver: each spike is written into the delay ring buffers of the
 *      projections leaving its population (one place in the step, so a later
 *      distributed version exchanges spikes here): the synapse's weight into
 *      the slot of its post neuron, or, for synapse models whose kinetics are
 *      kept per pre neuron or per synapse, the spike itself into the slot
 *      of its pre neuron;
 *   7. synapses advance: each projection's state goes from t_n to t_{n+1}
 *      (for linear kinetics exactly, e.g. s <- s exp(-dt/tau)) and the spikes
 *      due at t_{n+1} are added from its delay ring buffer (a voltage jump
 *      moves V_post here; presynaptic STDP updates happen here);
 *   8. plasticity: rules that act on the post neuron's spikes of this step
 *      (STDP potentiation) or on rates (Oja, BCM) update the weights, after
 *      the arrivals of stage 7: a pre spike arriving at t_{n+1} and a post
 *      spike at t_{n+1} count as pre before post;
 *   9. monitors: spikes and recorded state at t_{n+1} are written out.
 *
 * Delays. A projection's delay d (ms) becomes D = floor(d/dt + 1/2) whole
 * steps at prepare (nearest step, halves rounded up; a relative tolerance of
 * 1e-12 absorbs floating-point noise, so 2 ms at dt 0.1 ms is 20 steps). A
 * spike emitted at t_s = t_{n+1} reaches the synapse at t_a = t_s + D*dt: it
 * is added to the synaptic state s(t_a) (stage 7 of step n+D), so the current
 * of the step starting at t_a is the first to carry it. A delay of 0
 * therefore means the synapse jumps at the spike time itself and first acts
 * on the integration step that starts there; no effect can reach a neuron
 * within the step in which the spike happened.
 *
 * Threads and randomness. Every random draw comes from a counter-based
 * Philox4x32 stream keyed by the seed and addressed by (purpose, population or
 * projection, neuron, step), so results do not depend on how work is split.
 */
#ifndef SOMA_NETWORK_H
#define SOMA_NETWORK_H

#include <stdint.h>
#include <stddef.h>

#include "soma/model.h"
#include "soma/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque network handle. */
typedef struct soma_network soma_network;

/** Distribution of a drawn value (weights, initial states). */
typedef enum soma_dist_kind {
	SOMA_DIST_CONSTANT = 0, /**< a */
	SOMA_DIST_UNIFORM = 1,  /**< uniform on [a, b) */
	SOMA_DIST_NORMAL = 2    /**< normal with mean a and standard deviation b */
} soma_dist_kind;

/** A value or a distribution of values, in the unit of what it sets. */
typedef struct soma_dist {
	soma_dist_kind kind;
	double a; /**< constant value, lower bound, or mean */
	double b; /**< upper bound or standard deviation (unused for constant) */
} soma_dist;

/** A constant soma_dist. */
static inline soma_dist soma_dist_constant(double a)
{
	soma_dist d = { SOMA_DIST_CONSTANT, a, 0.0 };
	return d;
}

/* ---- network ---------------------------------------------------------- */

/**
 * Create an empty network.
 * @param dt_ms   step, ms; must be finite and > 0
 * @param seed    seed of every random stream of the network
 * @param out     receives the handle (NULL on failure)
 * @return SOMA_OK, SOMA_ERANGE (dt not > 0), SOMA_EINVAL (out NULL), SOMA_ENOMEM
 */
int soma_network_create(double dt_ms, uint64_t seed, soma_network **out);

/** Free the network and everything it owns; closes open outputs without
 *  renaming them to final names. NULL is a no-op. */
void soma_network_destroy(soma_network *net);

/** Message of the last failure on @p net ("" if none); valid until the next call. */
const char *soma_network_errmsg(const soma_network *net);

/**
 * Number of threads that share the work of large populations (neuron
 * updates, in blocks of neurons; populations of a few thousand neurons and
 * up, fewer for the adaptive methods). The results are the same, bit for
 * bit, for any number: blocks are fixed and their spikes are gathered in
 * order. Default 1, as threads spinning on a busy machine cost more than
 * they give; 0 takes OpenMP's default (OMP_NUM_THREADS, else one per
 * processor). Only before the first step.
 * @return SOMA_OK, SOMA_ERANGE (@p threads < 0 or > 1024), SOMA_ESTATE
 */
int soma_network_set_threads(soma_network *net, int threads);

/** Step, ms. */
double soma_network_dt(const soma_network *net);

/** The seed given at creation. */
uint64_t soma_network_seed(const soma_network *net);

/** Steps done so far (the step counter n). */
uint64_t soma_network_steps(const soma_network *net);

/** Current time t = n * dt, ms. */
double soma_network_time(const soma_network *net);

/* ---- populations ------------------------------------------------------ */

/**
 * Add a population of @p size neurons of built-in model @p model (see
 * soma_model_find()), with the model's default parameters and initial state.
 * @param name  unique name, [A-Za-z_][A-Za-z0-9_]*, not "t_ms" (the time column)
 * @param out_id receives the population index (0, 1, ... in order of adding); may be NULL
 * @return SOMA_OK, SOMA_EINVAL (bad name, model not a neuron/source model),
 *         SOMA_ENOENT (unknown model), SOMA_EEXIST (name taken),
 *         SOMA_ERANGE (size 0), SOMA_ESTATE (network already run), SOMA_ENOMEM
 */
int soma_network_add_population(soma_network *net, const char *name,
				const char *model, uint32_t size, int *out_id);

/** Number of populations. */
int soma_network_population_count(const soma_network *net);

/** Index of population @p name: SOMA_OK or SOMA_ENOENT. */
int soma_population_find(const soma_network *net, const char *name, int *out_id);

/** Name of population @p pop, or NULL for a bad index. */
const char *soma_population_name(const soma_network *net, int pop);

/** Number of neurons of @p pop (0 for a bad index). */
uint32_t soma_population_size(const soma_network *net, int pop);

/** Model of @p pop, or NULL for a bad index. */
const soma_model *soma_population_model(const soma_network *net, int pop);

/**
 * Set a parameter of every neuron of @p pop, in the model's unit.
 * @return SOMA_OK, SOMA_ENOENT (no such population or parameter),
 *         SOMA_ERANGE (outside the descriptor's range; nothing changed)
 */
int soma_population_set_param(soma_network *net, int pop, const char *param,
			      double value);

/** Read a parameter: SOMA_OK or SOMA_ENOENT. */
int soma_population_get_param(const soma_network *net, int pop,
			      const char *param, double *out);

/**
 * Initialise state variable @p var of every neuron of @p pop from @p d
 * (unit of the variable). Drawn values come from the stream keyed by
 * (seed, population, variable, neuron), so they do not depend on call order.
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (b < a for uniform, sd < 0)
 */
int soma_population_init_state(soma_network *net, int pop, const char *var,
			       const soma_dist *d);

/**
 * Set state variable @p var of neurons from @p values (@p n doubles, n equal to
 * the population size; n == 1 sets all neurons to values[0]).
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (n mismatch), SOMA_ERANGE (a value
 *         not finite; nothing changed)
 */
int soma_population_set_state(soma_network *net, int pop, const char *var,
			      const double *values, uint32_t n);

/**
 * Pointer to the current values of state variable @p var of @p pop (size
 * doubles, unit of the variable), valid until the network is destroyed.
 * @return SOMA_OK or SOMA_ENOENT
 */
int soma_population_state(const soma_network *net, int pop, const char *var,
			  const double **out);

/**
 * Indices of the neurons of @p pop that spiked in the last step (ascending),
 * and their number. @return SOMA_OK or SOMA_ENOENT
 */
int soma_population_spikes(const soma_network *net, int pop,
			   const uint32_t **idx, uint32_t *n);

/** Total spikes of @p pop since creation. */
uint64_t soma_population_spike_count(const soma_network *net, int pop);

/* ---- projections ------------------------------------------------------- */

/** How a projection's synaptic state acts on the post neurons. */
typedef enum soma_output_kind {
	SOMA_OUTPUT_CURRENT = 0,    /**< I_post += s; s and weights in pA */
	SOMA_OUTPUT_CONDUCTANCE = 1 /**< I_post += s (E - V_post); s and weights in nS */
} soma_output_kind;

/** Connection rule. */
typedef enum soma_connect_kind {
	SOMA_CONNECT_ALL_TO_ALL = 0,       /**< every pre to every post */
	SOMA_CONNECT_ONE_TO_ONE = 1,       /**< pre i to post i; sizes must match */
	SOMA_CONNECT_FIXED_PROBABILITY = 2 /**< each pair independently with p */
} soma_connect_kind;

/** A connector. */
typedef struct soma_connector {
	soma_connect_kind kind;
	double p;       /**< connection probability, [0, 1] (fixed probability) */
	int allow_self; /**< when pre == post: 0 excludes i->i (default), 1 allows it;
			     all-to-all follows the same rule */
} soma_connector;

/** What a projection is made of. */
typedef struct soma_projection_spec {
	const char *name;         /**< unique name */
	int pre;                  /**< presynaptic population index */
	int post;                 /**< postsynaptic population index (a neuron model) */
	const char *synapse;      /**< synapse model name, e.g. "exponential" */
	soma_output_kind output;  /**< current- or conductance-based */
	soma_connector connector;
	soma_dist weight;         /**< pA (current) or nS (conductance); for
				       conductance the value, low bound or mean
				       must be >= 0 (inhibition comes from E)
				       and normal draws below 0 are set to 0 */
	double delay_ms;          /**< constant delay, ms, >= 0 */
} soma_projection_spec;

/**
 * Add a projection and build its synapses now (CSR by presynaptic neuron,
 * 32-bit post indices). Connectivity and weights come from streams keyed by
 * (seed, projection index, presynaptic neuron).
 * @return SOMA_OK; SOMA_EINVAL (bad name, bad index, post not a neuron
 *         population, unknown output), SOMA_ENOENT (unknown synapse model),
 *         SOMA_EEXIST, SOMA_ERANGE (p outside [0,1], delay < 0 or not finite,
 *         negative conductance weight,
 *         one-to-one size mismatch, sd < 0, more than 2^32-1 synapses),
 *         SOMA_ESTATE (network already run), SOMA_ENOMEM
 */
int soma_network_add_projection(soma_network *net,
				const soma_projection_spec *spec, int *out_id);

/** Number of projections. */
int soma_network_projection_count(const soma_network *net);

/** Presynaptic population of projection @p proj, or -1 for an invalid index. */
int soma_projection_pre(const soma_network *net, int proj);

/** Postsynaptic population of projection @p proj, or -1 for an invalid index. */
int soma_projection_post(const soma_network *net, int proj);

/**
 * Number of values of state variable @p var of projection @p proj: n_post
 * for state kept per post neuron (linear kinetics), n_pre for state per pre
 * neuron (kinetics driven by the presynaptic train alone, e.g. AMPA gating,
 * short-term plasticity), the synapse count for per-synapse state (plastic
 * weights, in CSR order: by pre neuron, then as soma_projection_csr()
 * lists them); "w" counts the synapses. 0 for an invalid projection or
 * variable.
 */
uint64_t soma_projection_state_size(const soma_network *net, int proj,
				    const char *var);

/** Synapse model of projection @p proj, or NULL for an invalid index. */
const soma_model *soma_projection_model(const soma_network *net, int proj);

/** Index of projection @p name: SOMA_OK or SOMA_ENOENT. */
int soma_projection_find(const soma_network *net, const char *name, int *out_id);

/** Name of projection @p proj, or NULL. */
const char *soma_projection_name(const soma_network *net, int proj);

/** Number of synapses of @p proj (0 for a bad index). */
uint64_t soma_projection_synapse_count(const soma_network *net, int proj);

/** Delay of @p proj in whole steps, as rounded at prepare (see top of file). */
uint32_t soma_projection_delay_steps(const soma_network *net, int proj);

/**
 * Read-only CSR view of @p proj: row_ptr (n_pre+1 uint64), post (nnz uint32),
 * weight (nnz doubles, pA or nS). Any pointer argument may be NULL.
 * @return SOMA_OK or SOMA_ENOENT
 */
int soma_projection_csr(const soma_network *net, int proj,
			const uint64_t **row_ptr, const uint32_t **post,
			const double **weight);

/** Set a synapse parameter (e.g. "tau", "E"): SOMA_OK, SOMA_ENOENT, SOMA_ERANGE. */
int soma_projection_set_param(soma_network *net, int proj, const char *param,
			      double value);

/** Read a synapse parameter: SOMA_OK or SOMA_ENOENT. */
int soma_projection_get_param(const soma_network *net, int proj,
			      const char *param, double *out);

/** Initialise synapse state @p var (soma_projection_state_size() values) from @p d, as
 *  soma_population_init_state() does. */
int soma_projection_init_state(soma_network *net, int proj, const char *var,
			       const soma_dist *d);

/** Unit of the weights of synapse model @p m with output @p output: pA
 *  (current-based) or nS (conductance-based) for chemical synapses; a model
 *  may fix its own: mV for voltage jumps, nS for gap junctions, "" (none)
 *  for rate projections. NULL when @p m is not a synapse model. */
const char *soma_model_weight_unit(const soma_model *m, soma_output_kind output);

/** Unit of the weights and weight-like state of @p proj:
 *  soma_model_weight_unit() of its model and output; NULL for a bad index. */
const char *soma_projection_weight_unit(const soma_network *net, int proj);

/** Pointer to synapse state @p var: soma_projection_state_size() doubles,
 *  one per post neuron, pre neuron or synapse as the model keeps it; "w"
 *  (unless the model has a state of that name) gives the weights, one per
 *  synapse in CSR order (plastic models change them).
 *  @return SOMA_OK, SOMA_ENOENT (no such projection or variable),
 *          SOMA_EINVAL (@p out NULL) */
int soma_projection_state(const soma_network *net, int proj, const char *var,
			  const double **out);

/* ---- inputs ------------------------------------------------------------ */

/**
 * Add a piecewise-constant current input to @p pop: value[k] pA for duration
 * durations[k] ms, one segment after the other from t = 0 (the seed's
 * `constant_current` list); after the last segment the input is 0. A last
 * duration of INFINITY makes the last value hold forever, so one segment
 * (value, INFINITY) is a constant input. Segment boundaries are rounded to
 * steps as delays are. Inputs to the same neuron add up.
 * @param neurons  indices of the neurons that receive it (n_neurons of them),
 *                 or NULL with n_neurons 0 for every neuron
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (no segments, index out of range
 *         or listed twice),
 *         SOMA_ERANGE (negative or non-finite duration, non-finite value),
 *         SOMA_ENOMEM
 */
int soma_network_add_current(soma_network *net, int pop,
			     const uint32_t *neurons, uint32_t n_neurons,
			     const double *values, const double *durations,
			     size_t n_segments, int *out_id);

/**
 * Make segment @p segment of input @p input (the id soma_network_add_current()
 * returned) a linear ramp: from its value at the segment's first step to
 * @p end_value at its end, i.e. v(t_n) = v_k + (end_value - v_k)(n - n_0)/(n_1 - n_0)
 * for the steps n_0 <= n < n_1 of the segment (the seed's `ramp_current`).
 * @return SOMA_OK, SOMA_ENOENT (no such input or segment), SOMA_ERANGE
 *         (end_value not finite, or a segment of infinite duration),
 *         SOMA_ESTATE (after the first step)
 */
int soma_input_set_ramp(soma_network *net, int input, size_t segment,
			double end_value);

/**
 * Send input @p input to input channel @p channel of its population (a name
 * from soma_model_input(); every input starts on channel 0, "I" for spiking
 * models). Rate models have several channels, e.g. the Wilson-Cowan unit's
 * I_ext_e and I_ext_i.
 * @return SOMA_OK, SOMA_ENOENT (no such input or channel; the message lists
 *         the channels), SOMA_ESTATE (after the first step)
 */
int soma_input_set_channel(soma_network *net, int input, const char *channel);

/* ---- running ----------------------------------------------------------- */

/**
 * Compute derived constants (decay factors, delays in steps) and allocate the
 * buffers. Called by soma_network_run() when needed; calling it yourself
 * reports configuration errors early.
 * @return SOMA_OK, SOMA_ERANGE (e.g. Poisson rate*dt >= 1), SOMA_ENOMEM
 */
int soma_network_prepare(soma_network *net);

/**
 * Advance @p n_steps steps (see the order at the top of this file).
 * After a failure the step that failed is partly done (some populations
 * advanced, others not): read the state for diagnosis, but do not run on.
 * @return SOMA_OK, SOMA_ENUMERIC (a state became NaN or infinite, a membrane
 *         potential passed 10^4 mV, forward Euler met a conductance it would
 *         overshoot, or an adaptive method could not meet its tolerance; the
 *         message names population, neuron, variable, value, time and cause),
 *         SOMA_EIO (writing an output failed), or a soma_network_prepare()
 *         error
 */
int soma_network_run(soma_network *net, uint64_t n_steps);

/** Number of steps that @p duration_ms takes: floor(duration/dt + 1/2). */
uint64_t soma_network_steps_for(const soma_network *net, double duration_ms);

#ifdef __cplusplus
}
#endif
#endif
