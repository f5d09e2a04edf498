/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file monitor.h
 * Recordings and the files they are streamed to.
 *
 * Recordings are declared on the network, then soma_network_open_outputs()
 * opens their files in a directory; every step appends to them, so memory does
 * not grow with the length of a run. Each file is written as NAME.part and
 * renamed to NAME by soma_network_close_outputs(): an interrupted run never
 * leaves a half-written file under a final name.
 *
 * Files (the contract tools and tests read):
 *  - spikes.csv  header `t_ms,population,index`; one row per spike, ordered by
 *    time, then population (in order of adding), then index; t_ms is the spike
 *    time t_{n+1} (see network.h).
 *  - rates.csv   `t_ms` then one column per spike-recorded population: the
 *    population rate in Hz at every step t_n (n = 0 .. steps): the spikes of
 *    the population in a window centred on t_n, divided by the number of
 *    neurons and by the window's duration. The window spans 2h+1 steps,
 *    h = floor(width/(2 dt)), each step q standing for the interval
 *    (t_{q-1}, t_q] (a spike at t_{n+1} counts at step n+1); near the start
 *    and the end of the run it is cut to the steps inside the run, and the
 *    rate divided by the duration of that part, so the ends are not biased
 *    low (0 at t_0 when h = 0). This is the seed's
 *    `bp.measure.firing_rate(spikes, width)` except that the seed divides by
 *    width rather than by the window's true duration (2h+1) dt (2% high for
 *    5 ms at dt 0.1 ms) and pads with zeros outside the run. Being centred,
 *    the rate at t_n uses spikes up to t_n + h dt.
 *  - POP.VAR.csv `t_ms` then one column per recorded neuron (header: the
 *    neuron's index); one row every k steps starting at t = 0.
 */
#ifndef SOMA_MONITOR_H
#define SOMA_MONITOR_H

#include <stdint.h>

#include "soma/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Kinds of recording. */
typedef enum soma_monitor_kind {
	SOMA_MONITOR_SPIKES = 0, /**< spikes (and population rate) of a population */
	SOMA_MONITOR_STATE = 1   /**< a state variable of chosen neurons */
} soma_monitor_kind;

/** What a recording is. Strings are owned by the network. */
typedef struct soma_monitor_info {
	soma_monitor_kind kind;
	int population;        /**< population index */
	const char *variable;  /**< state variable (SOMA_MONITOR_STATE), else NULL */
	const char *unit;      /**< the variable's unit, else NULL */
	uint32_t n_neurons;    /**< recorded neurons (state) */
	uint32_t every;        /**< sampling period in steps (state) */
	double rate_window_ms; /**< rate window width, ms (spikes) */
	const char *path;      /**< final path of the data file once outputs are
				    open (spikes.csv, POP.VAR.csv or PROJ.VAR.csv),
				    else NULL */
	int projection;        /**< projection index of a projection's state
				    recording (then population is its post
				    population), else -1 */
} soma_monitor_info;

/**
 * Record the spikes of @p pop, and its population rate with a sliding window
 * of @p rate_window_ms ms (> 0 and at most 2^24 steps; the seed uses 5 ms).
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (a rate model, which never
 *         spikes), SOMA_ERANGE (window), SOMA_EEXIST (already recorded),
 *         SOMA_ESTATE (outputs open), SOMA_ENOMEM
 */
int soma_network_record_spikes(soma_network *net, int pop,
			       double rate_window_ms, int *out_id);

/**
 * Record state variable @p var of @p n neurons of @p pop (indices in
 * @p neurons; NULL with n 0 for all) every @p every steps (>= 1), from t = 0.
 * @return SOMA_OK, SOMA_ENOENT, SOMA_EINVAL (index out of range or listed
 *         twice, every 0),
 *         SOMA_EEXIST (same population and variable twice), SOMA_ESTATE, SOMA_ENOMEM
 */
int soma_network_record_state(soma_network *net, int pop, const char *var,
			      const uint32_t *neurons, uint32_t n,
			      uint32_t every, int *out_id);

/**
 * Record state variable @p var of projection @p proj (e.g. the synaptic
 * variable s) every @p every steps into PROJ.VAR.csv; @p var "w" records the
 * weights of the synapses (models with plastic weights change them). @p
 * neurons are indices into the variable's values (NULL with n 0 for all):
 * post neurons, pre neurons or synapses in CSR order, as
 * soma_projection_state_size() says; per-synapse columns are headed
 * "pre:post". Values are in the variable's unit (for SOMA_UNIT_WEIGHT and w,
 * the projection's weight unit, pA or nS).
 * @return as soma_network_record_state()
 */
int soma_network_record_projection_state(soma_network *net, int proj,
					 const char *var,
					 const uint32_t *neurons, uint32_t n,
					 uint32_t every, int *out_id);

/** Number of recordings. */
int soma_network_monitor_count(const soma_network *net);

/** Describe recording @p id: SOMA_OK or SOMA_ENOENT. */
int soma_network_monitor_info(const soma_network *net, int id,
			      soma_monitor_info *out);

/**
 * Create directory @p dir (and its parents) if needed and open the files of
 * every recording under temporary names; the state at t = 0 is written.
 * One network at a time writes into a directory: DIR/.soma.lock is locked
 * (flock) from here until the network is destroyed or opens outputs again,
 * so a second run into the same directory fails at once instead of mixing
 * its files with the first's. The lock file itself stays.
 * @return SOMA_OK, SOMA_EIO (message names the path and the system error,
 *         or says the directory is in use by another run; a data file's
 *         final name taken by a directory), SOMA_ESTATE (already open),
 *         SOMA_ENOMEM
 */
int soma_network_open_outputs(soma_network *net, const char *dir);

/** Path of rates.csv when outputs are open and a spike recording exists, else NULL. */
const char *soma_network_rates_path(const soma_network *net);

/**
 * Write the tail of the rates, flush, close and rename every output file to
 * its final name. @return SOMA_OK, SOMA_EIO, SOMA_ESTATE (not open)
 */
int soma_network_close_outputs(soma_network *net);

/**
 * Write summary.json to @p path (atomically): soma version, model file, seed,
 * dt_ms, duration_ms (simulated so far), steps, wall_s, per population size,
 * spikes, mean_rate_hz, per projection synapses.
 * @param model_file  shown as given; may be NULL
 * @param wall_s      wall-clock seconds of the run, s
 * @return SOMA_OK or SOMA_EIO
 */
int soma_network_write_summary(const soma_network *net, const char *path,
			       const char *model_file, double wall_s);

#ifdef __cplusplus
}
#endif
#endif
