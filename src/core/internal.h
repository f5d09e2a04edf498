/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal structures of the engine, shared by src/core, src/models,
 * src/connect, src/inputs and src/io. Not installed.
 */
#ifndef SOMA_CORE_INTERNAL_H
#define SOMA_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "soma/soma.h"

#define SOMA__ERRLEN 1024
/* |V| beyond this (mV) is no membrane potential but a diverging
 * integration: neuron models stop the run with SOMA_ENUMERIC. */
#define SOMA__V_LIMIT 1e4
#define SOMA__MAX_DERIVED 8

struct soma__pop;
struct soma__proj;

/* Kernels of a model. One call per population or projection per step: no
 * function pointer is called per neuron. Neuron and source models set
 * pop_prepare/pop_update; synapse models proj_prepare/proj_current/proj_advance. */
struct soma__model_ops {
	/* derived constants from params and dt, into pop->derived; 0 or a status,
	 * with a message in err */
	int (*pop_prepare)(struct soma__pop *p, double dt, char *err, size_t len);
	/* stages 3-5 of a step (network.h): integrate t_n -> t_{n+1} with input
	 * p->I, threshold, reset; fills p->spk/p->n_spk in ascending order.
	 * Returns 0, or SOMA_ENUMERIC with p->bad_index set. */
	int (*pop_update)(struct soma__pop *p, uint64_t step, double dt);
	/* index of the membrane potential in the state, -1 if none */
	int v_index;

	int (*proj_prepare)(struct soma__proj *j, double dt, char *err, size_t len);
	/* stage 2: add the output current at t_n to I_post (n_post doubles) */
	void (*proj_current)(const struct soma__proj *j, const double *V_post,
			     double *I_post);
	/* stage 7: advance the state to t_{n+1} and add the arrivals (n_post
	 * doubles, the summed weights due at t_{n+1}) */
	void (*proj_advance)(struct soma__proj *j, const double *arrive);
};

struct soma__pop {
	char *name;
	int id;
	const soma_model *model;
	uint32_t n;
	double *param;                     /* model->n_params values */
	double **state;                    /* model->n_state arrays of n doubles */
	double *I;                         /* n: input current of this step, pA */
	int32_t *ref;                      /* n: refractory steps left */
	uint32_t *spk;                     /* n: indices that spiked in the last step */
	uint32_t n_spk;
	uint64_t spike_count;
	uint64_t state_set;                /* bit k: state k set explicitly */
	double derived[SOMA__MAX_DERIVED]; /* the model's derived constants */
	uint64_t seed;                     /* the network's seed (for sources) */
	uint32_t bad_index;                /* neuron whose state went non-finite */
};

struct soma__proj {
	char *name;
	int id;
	const soma_model *model;
	int pre, post;
	uint32_t n_pre, n_post;
	soma_output_kind output;
	soma_connector connector;
	soma_dist weight;
	double delay_ms;
	uint32_t D;         /* delay in steps, from prepare */
	uint64_t *row_ptr;  /* n_pre + 1 */
	uint32_t *post_idx; /* nnz */
	double *w;          /* nnz, pA or nS */
	uint64_t nnz;
	double *param;      /* model->n_params */
	double **state;     /* model->n_state arrays of n_post doubles */
	double derived[SOMA__MAX_DERIVED];
	double *ring;       /* ring_len * n_post: weights due at future steps */
	uint32_t ring_len;  /* D + 1 */
};

struct soma__input {
	int pop;
	uint32_t *neurons; /* NULL: all */
	uint32_t n_neurons;
	double *value;     /* n_seg, pA */
	uint64_t *end;     /* n_seg: step at which segment k ends (exclusive);
			      UINT64_MAX for forever */
	size_t n_seg;
	size_t cursor;     /* current segment */
};

struct soma__monitor {
	soma_monitor_kind kind;
	int pop;
	int var;            /* state index */
	uint32_t *neurons;  /* state: recorded indices */
	uint32_t n_neurons;
	uint32_t every;
	double window_ms;
	char *path;         /* final path once outputs are open */
	char *tmp;          /* path.part */
	FILE *f;            /* state file */
	/* rate window (spikes) */
	uint32_t *counts;   /* ring of win counts */
	uint32_t win;       /* window length, steps (odd) */
};

struct soma__outputs {
	char *dir;
	FILE *spikes;
	char *spikes_path, *spikes_tmp;
	FILE *rates;
	char *rates_path, *rates_tmp;
	uint64_t start;     /* step at which outputs were opened */
	uint64_t rate_next; /* next step whose rate row is due */
	int closed;         /* files complete and renamed; paths kept for
			       soma_network_monitor_info() */
	int lock_fd;        /* DIR/.soma.lock, flock()ed while the outputs live */
};

struct soma_network {
	double dt;
	uint64_t seed;
	uint64_t step;
	int prepared;
	int started;
	char err[SOMA__ERRLEN];

	struct soma__pop **pops;
	int n_pops;
	struct soma__proj **projs;
	int n_projs;
	struct soma__input **inputs;
	int n_inputs;
	struct soma__monitor *mons;
	int n_mons;
	struct soma__outputs *out;
};

/* Record a failure on @net and return @status. */
int soma__seterr(soma_network *net, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Grow an array of pointers/elements by one slot; 0 or SOMA_ENOMEM. */
int soma__grow(void **arr, int n, size_t elem);

char *soma__strdup(const char *s);

/* Step count of a duration: floor(ms/dt + 1/2) with a relative tolerance of
 * 1e-12 for floating-point noise (network.h, "Delays"). */
uint64_t soma__steps(double ms, double dt);

/* Check a list of @n neuron indices for a population of @size: each in range
 * and listed once. 0 or SOMA_EINVAL with a message naming @what. */
int soma__check_indices(soma_network *net, const char *what,
			const uint32_t *idx, uint32_t n, uint32_t size);

/* Check @d (unit @unit) for sanity: 0 or SOMA_EINVAL/SOMA_ERANGE with message. */
int soma__dist_check(soma_network *net, const char *what, const soma_dist *d);

/* Built-in model registry (src/models/registry.c). */
extern const soma_model soma__model_lif;
extern const soma_model soma__model_poisson;
extern const soma_model soma__model_exponential;

/* Connectors (src/connect/connect.c): build the CSR of @j (n_pre, n_post,
 * connector, weight filled in) from the streams of @seed. */
int soma__connect(soma_network *net, struct soma__proj *j, int same_pop);

/* Inputs (src/inputs/current.c): add stage-1 input of step @step. */
void soma__inputs_apply(soma_network *net, uint64_t step);
void soma__input_free(struct soma__input *in);

/* Outputs (src/io/output.c): stage 9 of a step, and cleanup. */
int soma__outputs_step(soma_network *net);
void soma__outputs_free(soma_network *net);
void soma__monitor_free(struct soma__monitor *m);

#endif
