/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file sim.h
 * Model files: a YAML file describing a whole simulation (docs/model-file.md
 * is the reference), loaded into a network with its recordings.
 *
 * Errors name the file, line and column, the key path and what was expected:
 *   model.yaml:12:9: populations.E.params.tau: -3 is out of range: must be in (0, inf) ms
 *   model.yaml:4:3: populations.E.sise: unknown key (did you mean 'size'?)
 */
#ifndef SOMA_SIM_H
#define SOMA_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "soma/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque handle of a loaded model file. */
typedef struct soma_sim soma_sim;

/** A KEY=VALUE override applied to the file before it is read, as
 *  `soma run --set populations.E.params.tau=20ms`. KEY is a dotted path of
 *  mapping keys (an existing key is replaced, a missing last key is added);
 *  VALUE is parsed as YAML (a scalar such as `20 ms`, or a flow collection). */
typedef struct soma_override {
	const char *key;
	const char *value;
} soma_override;

/**
 * Load model file @p path, apply @p n_overrides overrides, validate it and
 * build the network with its inputs and recordings.
 * *out is set even on failure (except SOMA_ENOMEM and a NULL out), so that
 * soma_sim_errmsg() can be read; destroy it with soma_sim_destroy().
 * @return SOMA_OK, SOMA_EIO (cannot read the file), SOMA_EPARSE (YAML syntax,
 *         unknown/missing key, wrong type, bad value), SOMA_EUNIT,
 *         SOMA_ERANGE (value outside the documented range), SOMA_ENOMEM,
 *         or an error of the network calls, with the file position added
 */
int soma_sim_load(const char *path, const soma_override *overrides,
		  size_t n_overrides, soma_sim **out);

/** Free @p sim and its network. NULL is a no-op. */
void soma_sim_destroy(soma_sim *sim);

/** Message of the last failure ("" if none). */
const char *soma_sim_errmsg(const soma_sim *sim);

/** The network built from the file (owned by @p sim), NULL if loading failed. */
soma_network *soma_sim_network(soma_sim *sim);

/** simulation.duration, ms. */
double soma_sim_duration(const soma_sim *sim);

/** outputs.dir as written in the file (relative to the working directory),
 *  or out/NAME (NAME: the file's name without .yaml/.yml) when the file has
 *  none; NULL only when loading failed. */
const char *soma_sim_output_dir(const soma_sim *sim);

/** outputs.plots (default 1). */
int soma_sim_plots(const soma_sim *sim);

/** The figure state monitor @p monitor is drawn in (record.state[].figure:
 *  recordings that share a name are panels of one grid figure), or NULL when
 *  it has its own figure. */
const char *soma_sim_figure(const soma_sim *sim, int monitor);

/** The file path given to soma_sim_load(). */
const char *soma_sim_path(const soma_sim *sim);

#ifdef __cplusplus
}
#endif
#endif
