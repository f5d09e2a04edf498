/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a libfyaml document with messages that name the file position and
 * the key path of what is wrong ("ei.yaml:7:11: populations.E.params.tau:
 * ..."). Used by the model-file loader (sim.c).
 */
#ifndef SOMA_IO_YAML_UTIL_H
#define SOMA_IO_YAML_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <libfyaml.h>

#include "soma/model.h"
#include "soma/network.h"
#include "soma/sim.h"

/* A node created by an override, and which override created it. */
struct soma__yorigin {
	struct fy_node *node;
	size_t ovr;
};

/* State of one read of a document. */
struct soma__yctx {
	const char *file;          /* path as given, for messages */
	struct fy_document *fyd;
	struct fy_diag *diag;      /* the document's diagnostics, collected */
	const soma_override *ovr;  /* the overrides, for messages */
	size_t n_ovr;
	long cur_ovr;              /* override being applied, or -1 */
	struct soma__yorigin *origin; /* nodes created by overrides */
	size_t n_origin, cap_origin;
	char path[1024];           /* key path of the node being read */
	size_t plen;
	char *err;                 /* message buffer */
	size_t errlen;
	int failed;                /* a message has been written */
};

/* ---- key path ----------------------------------------------------------- */

/* Append ".key" (or "key" at the top) to the key path; returns the old length. */
size_t soma__ypush(struct soma__yctx *c, const char *key);
/* Append ".i" for item i of a list; returns the old length. */
size_t soma__ypush_index(struct soma__yctx *c, size_t i);
/* Restore the key path to length @old. */
void soma__ypop(struct soma__yctx *c, size_t old);

/* ---- messages ----------------------------------------------------------- */

/*
 * Write "POSITION: key.path: message" into the context's buffer and return
 * @status. The position is that of @at, or of @alt when @at has none (a null
 * value: then its key), as FILE:LINE:COLUMN, or "FILE: override 'K=V'" for
 * a node created by an override, or just "FILE" when neither has a position.
 * Only the first message of a read is kept.
 */
int soma__yerr(struct soma__yctx *c, struct fy_node *at, struct fy_node *alt,
	       int status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * 1-based line and column of @n in the file: where it starts, or where its
 * first entry does, or else where its nearest parent does; 0 on success, -1
 * if unknown (no node, or one created by an override). Never renders a node,
 * so it is safe on nodes built or changed after parsing.
 */
int soma__ynode_pos(struct soma__yctx *c, struct fy_node *n, int *line,
		    int *col);

/* Record @n and everything under it as created by override @ovr. */
int soma__yorigin_add(struct soma__yctx *c, struct fy_node *n, size_t ovr);

/* "a mapping", "a list", "nothing" or "'text'", for "got ..." messages. */
const char *soma__ydescribe(struct fy_node *n, char *buf, size_t len);

/* Closest name to a misspelt word. */
struct soma__ysugg {
	const char *best;
	int dist;
};
void soma__ysugg_init(struct soma__ysugg *s);
/* Consider @cand as a correction of @word. */
void soma__ysugg_add(struct soma__ysugg *s, const char *word, const char *cand);
/* " (did you mean 'X'?)" or "" into buf. */
const char *soma__ysugg_str(const struct soma__ysugg *s, char *buf, size_t len);

/* Append ", name" (or "name" first) to the list in @buf of @len bytes. */
void soma__ylist_add(char *buf, size_t len, const char *name);

/* ---- structure ---------------------------------------------------------- */

/* A null node: absent, empty, "~" or "null" unquoted. */
int soma__yis_null(struct fy_node *n);

/* Text of a non-null scalar node, or NULL. */
const char *soma__ytext(struct fy_node *n);

/*
 * Report every duplicate key of every mapping under @n, the first one found
 * ("duplicate key (first given at L:C)"), and any key or value holding an
 * escaped NUL character; key path of @n must be in the context. Returns
 * SOMA_OK or SOMA_EPARSE.
 */
int soma__ycheck_dups(struct soma__yctx *c, struct fy_node *n);

/*
 * @val, the value of @key, must be a mapping whose keys are plain scalars and,
 * when @allowed (NULL-terminated) is given, among @allowed (an unknown key gets
 * a did-you-mean). @expected describes the mapping for a "got ..." message.
 */
int soma__ycheck_map(struct soma__yctx *c, struct fy_node *key,
		     struct fy_node *val, const char *const *allowed,
		     const char *expected);

/*
 * The top of the document must be a mapping of @keys (@expected describes
 * it); an empty document is refused with "empty @empty". @early: before
 * merge keys are expanded, so an empty document or one with a merge key at
 * the top passes (the full check comes later).
 */
int soma__ycheck_top(struct soma__yctx *c, int early, const char *const *keys,
		     const char *expected, const char *empty);

/* Pair @name of mapping @map, or NULL. */
struct fy_node_pair *soma__yget(struct fy_node *map, const char *name);

/* Require key @name in mapping @val (the value of @key); @what says what it is. */
int soma__yrequire(struct soma__yctx *c, struct fy_node *key,
		   struct fy_node *val, const char *name, const char *what,
		   struct fy_node_pair **out);

/* ---- values (the key path must name the value) -------------------------- */

/* A non-null scalar; @expected says what it should be. */
int soma__yscalar(struct soma__yctx *c, struct fy_node *key,
		  struct fy_node *val, const char *expected, const char **out);

/* A finite number in the unit of @v, converted from a written unit, within @v's range. */
int soma__ynumber(struct soma__yctx *c, struct fy_node *key,
		  struct fy_node *val, const soma_var_info *v, double *out);

/* The same, accepting an infinite value when @allow_inf and @v's range reaches it. */
int soma__ynumber_inf(struct soma__yctx *c, struct fy_node *key,
		      struct fy_node *val, const soma_var_info *v,
		      int allow_inf, double *out);

/* A whole number in [min, max]; @what describes it ("the number of neurons"). */
int soma__yuint(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, uint64_t min, uint64_t max,
		const char *what, uint64_t *out);

/* true or false. */
int soma__ybool(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, int *out);

/* A constant, {uniform: [low, high]} or {normal: {mean: M, sd: S}} in the unit of @v. */
int soma__ydist(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, const soma_var_info *v, soma_dist *out);

/* ---- libfyaml diagnostics ------------------------------------------------ */

/* The first collected error after the first @skip diagnostics, or NULL. */
struct fy_diag_error *soma__ydiag_error(struct fy_diag *diag, size_t skip);

/* Number of collected diagnostics. */
size_t soma__ydiag_count(struct fy_diag *diag);

#endif
