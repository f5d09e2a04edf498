/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal structures of the engine, shared by src/core, src/models,
 * src/connect, src/inputs and src/io. Not installed.
 */
#ifndef SOMA_CORE_INTERNAL_H
#define SOMA_CORE_INTERNAL_H

#include <math.h>
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

/* Where a synapse state variable lives (soma__model_ops.state_size). */
enum { SOMA__PER_POST = 0, SOMA__PER_PRE = 1, SOMA__PER_SYN = 2 };

/* The neurons [lo, lo+n) of a population seen by a right-hand side: their
 * inputs at t_n, held during the step. */
struct soma__blk {
	uint32_t lo, n;
	const double *const *in; /* n_inputs channels of n doubles (channel 0:
				    current I, pA, for spiking models) */
	const double *g;         /* n, nS: conductance of conductance-based
				    synapses; the synaptic current at V is
				    in[0] - g V (the g E part is in in[0]) */
};

/* Right-hand side of a neuron model on a block: dy[k][i] = f_k(y)[i] for the
 * n_ode integrated variables (units of state k per ms). When diag is not
 * NULL (exponential Euler and the stiff GSL method) it also receives
 * diag[k][i] = df_k/dy_k, 1/ms. y[k], dy[k], diag[k] point at the block's
 * first neuron. No allocation, no output; must not fail (return non-finite
 * values instead and the step stops with SOMA_ENUMERIC). */
typedef void (*soma__rhs_fn)(const struct soma__pop *p,
			     const struct soma__blk *b, const double *const *y,
			     double *const *dy, double *const *diag);

/* Threshold, reset and refractoriness of neurons [lo, lo+n) after the
 * integration: V_old (n doubles, the block's V at t_n, NULL when the model
 * has no V) for crossing rules. Appends spiking indices to p->spk (ascending)
 * and sets p->ref[i] to the refractory steps of a neuron that spiked. */
typedef void (*soma__spike_fn)(struct soma__pop *p, uint32_t lo, uint32_t n,
			       const double *V_old);

/* Kernels of a model. One call per population or projection per step (or
 * per block of neurons and stage): no function pointer is called per neuron.
 * Neuron models set rhs/spike (integrated by src/integrators with the
 * population's method) or pop_update (sources); synapse models
 * proj_prepare/proj_current/proj_advance. */
struct soma__model_ops {
	/* derived constants from params, dt and p->method into p->derived;
	 * checks that need them (V_reset < V_th, stability of the method).
	 * 0 or a status, with a message in err */
	int (*pop_prepare)(struct soma__pop *p, double dt, char *err, size_t len);
	/* stages 3-5 of a step for models that are not integrated (sources):
	 * fills p->spk/p->n_spk in ascending order. Returns 0, or
	 * SOMA_ENUMERIC with p->bad_index set. */
	int (*pop_update)(struct soma__pop *p, uint64_t step, double dt);
	/* integrated models */
	soma__rhs_fn rhs;
	soma__spike_fn spike;         /* NULL: never spikes (rate models) */
	int n_ode;                    /* integrated variables: state[0, n_ode) */
	/* optional: stages 3-5 with forward Euler in one fused pass, giving
	 * the same numbers as rhs + spike with the generic Euler step (the
	 * hot path of large networks); 0 or SOMA_ENUMERIC with p->bad_index */
	int (*euler_update)(struct soma__pop *p, double dt);
	int default_method;           /* soma_method; 0 means Euler */
	/* index of the membrane potential in the state, -1 if none */
	int v_index;

	/* ---- synapse models ----
	 * Representation: where each state variable lives, n_state entries of
	 * SOMA__PER_POST (default, NULL: all), SOMA__PER_PRE or SOMA__PER_SYN
	 * (one per synapse, in CSR order) */
	const unsigned char *state_size;
	/* what the delay ring carries: 0, the summed weights due at each post
	 * neuron (linear kinetics); 1, the number of spikes of each pre neuron
	 * due (kinetics per pre neuron or per synapse) */
	int arrive_spikes;
	/* build j->col_ptr/j->col_syn (synapses by post neuron) and j->syn_pre
	 * (pre neuron of each synapse) at prepare: plasticity on post spikes */
	int needs_post_index;
	/* unit of the weights when it does not follow the output (pA for
	 * current, nS for conductance): "mV" for voltage jumps, "nS" for gap
	 * junctions, "" for rate projections; NULL otherwise */
	const char *weight_unit;
	/* the model reads V of the pre (bit 0) and/or post (bit 1) population:
	 * projections from or to populations without V are refused */
	int needs_v;
	/* output of a projection whose model file gives none: 0 (current) or
	 * SOMA_OUTPUT_CONDUCTANCE for the kinetic models the seed writes
	 * conductance-based (AMPA, NMDA, GABA_A, GABA_B, gap junctions) */
	int default_output;
	/* the model transmits firing rates: pre and post need a state r (the
	 * `rate` unit); projections between other populations are refused */
	int rate_based;

	int (*proj_prepare)(struct soma__proj *j, double dt, char *err, size_t len);
	/* stage 2: add the output at t_n to the post population: a current to
	 * post->I (pA) or, for outputs linear in V, g to post->g and g E to
	 * post->I (the neuron sees I - g V, which exponential Euler integrates
	 * exactly). pre is read for continuous transmission (rates, gap
	 * junctions; a symmetric gap junction also adds to pre->I). */
	void (*proj_current)(struct soma__proj *j, struct soma__pop *pre,
			     struct soma__pop *post);
	/* stage 7: advance the state to t_{n+1} and apply the arrivals due then
	 * (arrive: n_post summed weights, or n_pre spike counts with
	 * arrive_spikes); may change post state (voltage jumps) */
	void (*proj_advance)(struct soma__proj *j, struct soma__pop *pre,
			     struct soma__pop *post, const double *arrive);
	/* stage 8, optional: plasticity, after the arrivals of this step, with
	 * the post population's spikes of this step (post->spk) and rates */
	void (*proj_plasticity)(struct soma__proj *j, const struct soma__pop *pre,
				const struct soma__pop *post, double dt);
};

/* Integrator work space of a population (src/integrators). */
struct soma__ode_work;
struct soma__blk_result;

struct soma__pop {
	char *name;
	int id;
	const soma_model *model;
	uint32_t n;
	double *param;                     /* model->n_params values */
	double **state;                    /* model->n_state arrays of n doubles */
	double *I;                         /* n: input current of this step, pA
					      (= in[0]) */
	double **in;                       /* n_in channels of n doubles */
	int n_in;
	double *g;                         /* n: input conductance, nS */
	int32_t *ref;                      /* n: refractory steps left */
	uint32_t *spk;                     /* n: indices that spiked in the last step */
	uint32_t n_spk;
	uint64_t spike_count;
	uint64_t state_set;                /* bit k: state k set explicitly */
	double derived[SOMA__MAX_DERIVED]; /* the model's derived constants */
	uint64_t seed;                     /* the network's seed (for sources) */
	uint32_t bad_index;                /* neuron whose state went non-finite */
	int method;                        /* soma_method in use (never DEFAULT
					      once prepared) */
	int method_set;                    /* chosen explicitly */
	double rtol, atol;                 /* adaptive methods */
	struct soma__ode_work *work;       /* integrator scratch (= works[0]) */
	struct soma__ode_work **works;     /* n_works: one per thread */
	int n_works;
	double *h;                         /* n: sub-step of adaptive methods, ms */
	double *V_old;                     /* n_works blocks: V at t_n */
	uint32_t *spk_blk;                 /* n: spikes of each block, at the
					      block's own offset, before they
					      are gathered into spk */
	struct soma__blk_result *blk_res;  /* n: per-block results */
	int bad_var;                       /* state index that went bad */
	int generic_only;                  /* tests: never the fused euler_update */
	const char *bad_why;               /* with SOMA_ENUMERIC: the cause, when
					      the kernel knows it, else NULL */
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
	double *ring;       /* ring_len * ring_width: weights (per post) or
			       spike counts (per pre) due at future steps */
	uint32_t ring_len;  /* D + 1 */
	uint32_t ring_width; /* n_post, or n_pre for arrive_spikes models */
	uint64_t *col_ptr;  /* n_post + 1: synapses by post neuron (if needed) */
	uint64_t *col_syn;  /* nnz: synapse ids (CSR positions) by post */
	uint32_t *syn_pre;  /* nnz: pre neuron of each synapse (if needed) */
	double *scratch;    /* n_post: work array of the kernels */
	double dt;          /* step, ms */
};

struct soma__input {
	int pop;
	uint32_t *neurons; /* NULL: all */
	uint32_t n_neurons;
	int channel;       /* input channel of the population */
	double *value;     /* n_seg, pA (or the channel's unit) */
	double *slope;     /* n_seg: change per step within the segment
			      (ramps), or NULL when all are constant */
	uint64_t *begin;   /* n_seg: first step of segment k */
	uint64_t *end;     /* n_seg: step at which segment k ends (exclusive);
			      UINT64_MAX for forever */
	size_t n_seg;
	size_t cursor;     /* current segment */
};

struct soma__monitor {
	soma_monitor_kind kind;
	int pop;            /* population (post population for proj >= 0) */
	int proj;           /* projection whose state is recorded, or -1 */
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
	int threads;        /* soma_network_set_threads(): 1 by default */
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

/* Create directory @dir (and its parents) and lock DIR/.soma.lock (flock,
 * exclusive, not waiting) into *lock_fd (close it to release; -1 on
 * failure): one writer per output directory. 0 or SOMA_EIO/SOMA_ENOMEM
 * with a message in @err. */
int soma__outdir_open(const char *dir, int *lock_fd, char *err, size_t len);

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

/* ---- integrators (src/integrators) ---- */

/* A generic autonomous ODE system on a block of n independent units of n_var
 * variables each, for the integrators and their tests. */
struct soma__ode {
	int n_var;
	/* dy/dt of units [off, off + n) of the block; y, dy, diag point at
	 * unit off (the adaptive method evaluates only the units still
	 * stepping) */
	void (*f)(void *ctx, uint32_t off, uint32_t n, const double *const *y,
		  double *const *dy, double *const *diag);
	void *ctx;
};

/* Scratch for soma__ode_step with blocks of up to cap units. */
struct soma__ode_work *soma__ode_work_new(int method, int n_var, uint32_t cap,
					  double rtol, double atol);
void soma__ode_work_free(struct soma__ode_work *w);

/* Advance units [0, n) (n <= cap) of y (n_var arrays) by dt with @method.
 * h: per-unit sub-step of rkf45 (n doubles, in/out; <= 0 means dt), NULL
 * for other methods. The GSL methods (rk8pd, msbdf) call f with one unit
 * at a time, copied to position 0, so f must not depend on the unit's index
 * there (populations use blocks of one neuron with them). Returns 0, or SOMA_ENUMERIC when an adaptive method
 * cannot meet its tolerance (sub-step below 1e-12 dt, or a non-finite
 * value). */
int soma__ode_step(struct soma__ode_work *w, const struct soma__ode *sys,
		   uint32_t n, double *const *y, double dt, double *h);

/* Why the last soma__ode_step() failed (a sentence), or NULL. */
const char *soma__ode_work_why(const struct soma__ode_work *w);

/* Stages 3-5 of an integrated population, its blocks of neurons shared
 * among the OpenMP threads (results do not depend on their number); 0 or
 * SOMA_ENUMERIC with p->bad_index set. */
int soma__pop_integrate(struct soma__pop *p, double dt);
/* Allocate the integrator's work for p->method, one per thread (at
 * prepare), and free it. 0 or SOMA_ENOMEM. */
int soma__pop_work_prepare(struct soma__pop *p, int threads);
void soma__pop_work_free(struct soma__pop *p);

/* Run @fn(p, lo, hi, ctx) over [0, p->n) in chunks of @chunk neurons, in
 * parallel when the population is large enough, with p->spk/p->n_spk of each
 * call private to it; the spikes are gathered into p->spk in ascending order
 * afterwards, so the result does not depend on the number of threads. A
 * failing chunk (non-zero status) stops the gathering; the first in order
 * sets p->bad_index, p->bad_var and p->bad_why. Returns its status or 0. */
int soma__pop_chunks(struct soma__pop *p, uint32_t chunk, uint32_t min_parallel,
		     int (*fn)(struct soma__pop *tp, uint32_t lo, uint32_t hi,
			       void *ctx),
		     void *ctx);

/* Spike helpers for models' spike functions. Integrate-and-fire: V >= V_th
 * (V_th a number) -> V_reset and ref_steps refractory steps; returns the
 * number of spikes appended. */
uint32_t soma__spike_reset(struct soma__pop *p, uint32_t lo, uint32_t n,
			   double *V, double V_th, double V_reset,
			   int32_t ref_steps);
/* Prepare check of integrate-and-fire models: SOMA_OK when V_reset < V_th,
 * else SOMA_ERANGE with the message in err. */
int soma__check_reset(double V_reset, double V_th, char *err, size_t len);
/* Upward crossing: V_old < V_th <= V (HH-like models); no reset. */
uint32_t soma__spike_crossing(struct soma__pop *p, uint32_t lo, uint32_t n,
			      const double *V_old, const double *V, double V_th);

/* Number of values of state variable @k of projection @j (n_post, n_pre or
 * nnz, see SOMA__PER_*). */
uint64_t soma__proj_state_len(const struct soma__proj *j, int k);

/* out[i] = sum over the synapses e of post neuron i of w_e x[pre(e)], for
 * out of n_post doubles (overwritten) and x of n_pre doubles; pre neurons
 * with x = 0 cost nothing. */
void soma__proj_gather(const struct soma__proj *j, const double *x,
		       double *out);

/* Rate transmission of Oja and BCM (src/models/plasticity/rate_transmission.c):
 * the prepare check (current output, no delay; @rule names the rule in the
 * message), stage 2 (x, n_pre doubles, receives r_pre(t_n); post->I +=
 * sum_j w_ij x_j) and stage 7 (nothing: rates carry no spikes). */
int soma__rate_check(const struct soma__proj *j, const char *rule, char *err,
		     size_t len);
void soma__rate_current(struct soma__proj *j, const struct soma__pop *pre,
			struct soma__pop *post, double *x);
void soma__rate_advance(struct soma__proj *j, struct soma__pop *pre,
			struct soma__pop *post, const double *arrive);

/* Stage-2 output of a synapse with state @s (n_post doubles, pA or nS):
 * current-based I += s; conductance-based g += s and I += s E, i.e. the
 * current s (E - V) (src/models/synapses/output.c). */
void soma__syn_output(const struct soma__proj *j, const double *s, double E,
		      struct soma__pop *post);

/* Stage-2 output of a synapse with state kept per pre neuron: the sum
 * over each post neuron's synapses of w s_pre, then as soma__syn_output. */
void soma__syn_output_pre(struct soma__proj *j, const double *s_pre, double E,
			  struct soma__pop *post);

/* Transmitter pulse of the kinetic synapses (AMPA, GABA_B), a per-pre
 * state holding the pulse time left in ms, a whole number of steps
 * (src/models/synapses/output.c). soma__pulse_steps: the pulse length in
 * steps, round(T_duration/dt); 0, or SOMA_ERANGE with a message when that is
 * no step. soma__pulse_tick: whether the pulse is on during this step,
 * counting it down. */
int soma__pulse_steps(double T_duration, double dt, uint64_t *n, char *err,
		      size_t len);
static inline int soma__pulse_tick(double *pulse, double dt)
{
	/* steps left, from a value that is a multiple of dt */
	const double k = nearbyint(*pulse / dt);

	*pulse = k >= 1 ? (k - 1) * dt : 0;
	return k >= 1;
}

/* Stage 7 of a single-exponential synapse (state[0] = s, derived[0] =
 * exp(-dt/tau)): s <- s exp(-dt/tau) + arrivals, exact over the step. */
void soma__syn_exp_advance(struct soma__proj *j, struct soma__pop *pre,
			   struct soma__pop *post, const double *arrive);

/* Built-in model registry (src/models/registry.c). */
extern const soma_model soma__model_lif;
extern const soma_model soma__model_hh;
extern const soma_model soma__model_quaif;
extern const soma_model soma__model_expif;
extern const soma_model soma__model_adexif;
extern const soma_model soma__model_hindmarsh_rose;
extern const soma_model soma__model_gif;
extern const soma_model soma__model_wilson_cowan;
extern const soma_model soma__model_wong_wang;
extern const soma_model soma__model_izhikevich;
extern const soma_model soma__model_morris_lecar;
extern const soma_model soma__model_fitzhugh_nagumo;
extern const soma_model soma__model_poisson;
extern const soma_model soma__model_exponential;
extern const soma_model soma__model_dual_exponential;
extern const soma_model soma__model_alpha;
extern const soma_model soma__model_gaba_a;
extern const soma_model soma__model_ampa;
extern const soma_model soma__model_nmda;
extern const soma_model soma__model_gaba_b;
extern const soma_model soma__model_voltage_jump;
extern const soma_model soma__model_gap_junction;
extern const soma_model soma__model_stp;
extern const soma_model soma__model_stdp;
extern const soma_model soma__model_oja;
extern const soma_model soma__model_bcm;
extern const soma_model soma__model_rate;

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
