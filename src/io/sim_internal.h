/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Shared by the parts of the model-file loader: sim.c (files, public API),
 * sim_read.c (the sections, into a network), sim_override.c (overrides and
 * merge keys).
 */
#ifndef SOMA_IO_SIM_INTERNAL_H
#define SOMA_IO_SIM_INTERNAL_H

#include <libfyaml.h>

#include "soma/sim.h"
#include "io/yaml_util.h"

#define SOMA__SIM_ERRLEN 2048

struct soma_sim {
	char *path;        /* as given */
	char *outdir;      /* outputs.dir, or out/<file name> */
	soma_network *net; /* NULL when loading failed */
	double duration;   /* simulation.duration, ms */
	int plots;         /* outputs.plots */
	char **figure;     /* n_figure: figure name of monitor k, or NULL */
	int n_figure;
	char err[SOMA__SIM_ERRLEN];
};

/* Key and value of a pair (NULL pair: both NULL). */
#define PK(p) ((p) ? fy_node_pair_key(p) : NULL)
#define PV(p) ((p) ? fy_node_pair_value(p) : NULL)

/*
 * The top of the document must be a mapping of known keys. @early: before
 * merge keys are expanded, so an empty document or one with a merge key at
 * the top passes (the full check comes later).
 */
int soma__sim_check_top_keys(struct soma__yctx *c, int early);

/* Check the document of @c and build sim->net, sim->duration, sim->outdir
 * (when given) and sim->plots from it. */
int soma__sim_read_document(struct soma__yctx *c, soma_sim *sim);

/* Draw state monitor @monitor in figure @name (record.state[].figure).
 * 0 or SOMA_ENOMEM. */
int soma__sim_set_figure(soma_sim *sim, int monitor, const char *name);

/* The outputs section {dir, plots} (key path already on @c): *outdir
 * replaced by a copy of dir, *plots set. 0 or a status with message. */
int soma__yread_outputs(struct soma__yctx *c, struct fy_node *key,
			struct fy_node *val, char **outdir, int *plots);

/* Apply override @k of c->ovr to the document. */
int soma__sim_apply_override(struct soma__yctx *c, size_t k);

/* Expand the YAML merge keys (<<) under @n. */
int soma__sim_expand_merges(struct soma__yctx *c, struct fy_node *n);

/* A YAML file to read (a model file, an analysis file): its path, where its
 * message goes, and the reader of its document. */
struct soma__yfile {
	const char *path;
	char *err;
	size_t errlen;
	const char *empty;   /* what an empty file should have been, for the
				message "FILE:1:1: empty ..." */
	/* check the top-level keys (@early: before merge keys are expanded) */
	int (*check_top)(struct soma__yctx *c, int early);
	/* read the checked document (overrides applied, aliases resolved) */
	int (*read)(struct soma__yctx *c, void *user);
	void *user;
};

/* Read @f: its text checked (UTF-8, printable), parsed with libfyaml (one
 * document), aliases bounded and resolved, merge keys expanded, duplicate
 * keys refused, overrides applied, then f->read. A status with the message
 * in f->err. */
int soma__yload(const struct soma__yfile *f, const soma_override *ovr,
		size_t n_ovr);

/* out/NAME for a file DIR/NAME.yaml (or .yml), in a new string. */
char *soma__default_outdir(const char *path);

#endif
