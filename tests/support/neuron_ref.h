/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * High-accuracy reference runs of one neuron for the model tests: the
 * model's own right-hand side (soma_model_rhs) integrated with GSL's rk8pd
 * driver at a tight tolerance, with each threshold event located in
 * continuous time by bisection and the model's own spike rule (threshold,
 * reset, jumps) applied at that time; a refractory period holds V for
 * exactly t_refractory. Soma's fixed-step runs are compared with it.
 */
#ifndef SOMA_TESTS_NEURON_REF_H
#define SOMA_TESTS_NEURON_REF_H

#include <stddef.h>

#include "soma/soma.h"

/* Piecewise-constant input: channel `channel` of the model takes value[k]
 * from t = start[k] (ms, ascending, start[0] = 0) until the next start. */
struct ref_input {
	size_t n;
	const double *start; /* ms */
	const double *value; /* unit of the channel */
	int channel;
};

struct ref_result {
	double *spikes;    /* spike times, ms (caller's array) */
	size_t n_spikes;   /* spikes found (may exceed max_spikes; only the
			      first max_spikes are stored) */
	double *y_end;     /* state at t_end (caller's array of n_state), or NULL */
};

/*
 * Run one neuron of model @m (parameters @param, NULL: defaults; initial state
 * @y0, NULL: the model's defaults) from t = 0 to @t_end ms under @in, at
 * relative tolerance @rtol (e.g. 1e-10) and absolute tolerance rtol*1e-2.
 * Spike times are located to 1e-9 ms. Returns 0, or -1 when the model has no
 * right-hand side or the integration fails.
 */
int ref_run(const soma_model *m, const double *param, const double *y0,
	    const struct ref_input *in, double t_end, double rtol,
	    struct ref_result *res, size_t max_spikes);

/* The soma side of a comparison: one neuron of @model as a population of
 * one, with parameters (names/values, n_set of them), method, dt, the
 * same input; spike times (end of the step) into @spikes (at most max).
 * Returns the spike count, or -1 on a soma error (message printed). */
long soma_spike_times(const char *model, const char *const *names,
		      const double *values, size_t n_set, soma_method method,
		      double dt, const struct ref_input *in, double t_end,
		      double *spikes, size_t max);

#endif
