/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file model.h
 * Built-in model descriptors: the single source of every model's name,
 * documentation, parameters and state variables (with unit, default and valid
 * range). Validation, `soma models`, the README's model table and the
 * model-file loader all read these descriptors; there is no second copy.
 *
 * Internal units: ms, mV, nS, pA, pF, GOhm (so nS*mV = pA, GOhm*pA = mV), Hz.
 */
#ifndef SOMA_MODEL_H
#define SOMA_MODEL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a model is. */
typedef enum soma_model_kind {
	SOMA_MODEL_NEURON = 0, /**< a neuron population (integrated, spikes) */
	SOMA_MODEL_SOURCE = 1, /**< a spike source population (no input) */
	SOMA_MODEL_SYNAPSE = 2 /**< the kinetics of a projection */
} soma_model_kind;

/** Bound flags of soma_var_info.flags. */
enum {
	SOMA_VAR_MIN_OPEN = 1u << 0, /**< the minimum itself is excluded */
	SOMA_VAR_MAX_OPEN = 1u << 1, /**< the maximum itself is excluded */
	SOMA_VAR_INTEGER = 1u << 2   /**< value must be a whole number */
};

/** Unit of synapse state variables that carry the unit of the projection's
 *  weights: pA for current-based, nS for conductance-based output. */
#define SOMA_UNIT_WEIGHT "weight"

/** One parameter or state variable of a model. */
typedef struct soma_var_info {
	const char *name; /**< field name, e.g. "V_th" */
	const char *unit; /**< internal unit, e.g. "mV"; "" if dimensionless;
			       SOMA_UNIT_WEIGHT for synapse state that has the
			       unit of the projection's weights */
	double def;       /**< default value, in unit */
	double min;       /**< lower bound of the valid range (-INFINITY: none) */
	double max;       /**< upper bound of the valid range (INFINITY: none) */
	unsigned flags;   /**< SOMA_VAR_* bound flags */
	const char *doc;  /**< one-line meaning */
	const char *def_param; /**< state only: name of the parameter whose value
				    is the initial value (e.g. V starts at V_rest),
				    or NULL for def */
} soma_var_info;

struct soma__model_ops; /* internal kernels */

/** A model descriptor. Built-in descriptors live for the program's life. */
typedef struct soma_model {
	const char *name;    /**< name used in model files, e.g. "lif" */
	soma_model_kind kind;
	const char *title;   /**< short human name, e.g. "Leaky integrate-and-fire" */
	const char *doc;     /**< equations and behaviour, plain text */
	const char *source;  /**< paper and seed section of equations and defaults */
	const soma_var_info *params;
	size_t n_params;
	const soma_var_info *state;
	size_t n_state;
	const struct soma__model_ops *ops; /**< internal; NULL-safe to ignore */
	/** Input channels of a neuron model (name, unit, meaning): what an input
	 *  or a projection adds to. NULL with n_inputs 0 means the one channel
	 *  "I", a current in pA; read them with soma_model_input(). Rate models
	 *  have their own (the Wilson-Cowan unit: I_ext_e, I_ext_i). */
	const soma_var_info *inputs;
	size_t n_inputs;
} soma_model;

/** Number of built-in models. */
size_t soma_model_count(void);

/** The i-th built-in model (0 <= i < soma_model_count()), or NULL. */
const soma_model *soma_model_at(size_t i);

/** The built-in model called @p name, or NULL when there is none. */
const soma_model *soma_model_find(const char *name);

/** Index of parameter @p name in @p m->params, or -1. */
int soma_model_param_index(const soma_model *m, const char *name);

/** Index of state variable @p name in @p m->state, or -1. */
int soma_model_state_index(const soma_model *m, const char *name);

/** Number of input channels of a neuron model (1 for models that take a
 *  current I; 0 for sources and synapses). */
size_t soma_model_input_count(const soma_model *m);

/** Input channel @p k of a neuron model (k < soma_model_input_count()), or
 *  NULL. Channel 0 is the one inputs and projections use by default. */
const soma_var_info *soma_model_input(const soma_model *m, size_t k);

/** Index of the input channel called @p name, or -1. */
int soma_model_input_index(const soma_model *m, const char *name);

/** Where state variable @p k of synapse model @p m lives: "post" (one value
 *  per post neuron, summed over its synapses), "pre" (one per pre neuron) or
 *  "synapse" (one per synapse); NULL for other models or a bad index. */
const char *soma_model_state_location(const soma_model *m, size_t k);

/** Output kind (soma_output_kind, network.h) a projection of synapse model
 *  @p m takes when a model file does not say: conductance-based for the
 *  kinetic models the seed writes that way (ampa, nmda, gaba_a, gaba_b,
 *  gap_junction), current-based for the others; -1 for a model that is not
 *  a synapse. */
int soma_model_default_output(const soma_model *m);

/** Non-zero when @p value is finite and lies in the valid range of @p v. */
int soma_var_in_range(const soma_var_info *v, double value);

/**
 * Write the valid range of @p v as text, e.g. "(0, inf) ms" or "[0, 1]",
 * into @p buf of @p len bytes (always NUL-terminated). Returns @p buf.
 */
char *soma_var_range_str(const soma_var_info *v, char *buf, size_t len);

/** Text name of a model kind ("neuron", "source", "synapse"). */
const char *soma_model_kind_name(soma_model_kind kind);

#ifdef __cplusplus
}
#endif
#endif
