/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Model files (sim.h): a YAML file read into memory and checked to be UTF-8
 * text, parsed from there with libfyaml, whose diagnostics are collected
 * into the message rather than printed; the growth that aliases would cause
 * bounded; overrides applied; then checked and built into a network
 * (sim_read.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "soma/status.h"
#include "io/sim_internal.h"

/* out/<file name without .yaml/.yml> */
static char *default_outdir(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;
	char *d;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	d = malloc(n + 5);
	if (!d)
		return NULL;
	memcpy(d, "out/", 4);
	memcpy(d + 4, base, n);
	d[n + 4] = '\0';
	return d;
}

/* ---- the file ------------------------------------------------------------ */

static int read_file(const struct soma__yfile *sim, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL;
	FILE *f;

	f = fopen(sim->path, "rb");
	if (!f)
		goto fail;
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			char *nb;

			cap = cap ? 2 * cap : 8192;
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				snprintf(sim->err, sim->errlen,
					 "%s: out of memory", sim->path);
				return SOMA_ENOMEM;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(b);
		goto fail;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return SOMA_OK;
fail:
	snprintf(sim->err, sim->errlen, "%s: cannot read: %s", sim->path,
		 strerror(errno));
	return SOMA_EIO;
}

/* ---- the text ------------------------------------------------------------ */

/*
 * Length of the UTF-8 sequence at @s (@n bytes left), its code point in *cp;
 * 0 if it is not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* A character YAML allows in a stream (its c-printable set). */
static int yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0a || c == 0x0d ||
	       (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	       (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * The file must be UTF-8 text of YAML's printable characters: libfyaml would
 * take a NUL byte, or an invalid byte at the start of a line, for the end of
 * the input and silently ignore the rest. The position is line and column
 * (in characters) of the offending byte.
 */
static int check_text(const struct soma__yfile *sim, const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, k;
	int line = 1, col = 1;
	uint32_t cp;

	while (i < len) {
		k = utf8_decode(s + i, len - i, &cp);
		if (!k) {
			snprintf(sim->err, sim->errlen,
				 "%s:%d:%d: invalid UTF-8 (byte 0x%02x): expected UTF-8 text",
				 sim->path, line, col, s[i]);
			return SOMA_EPARSE;
		}
		if (!cp) {
			snprintf(sim->err, sim->errlen,
				 "%s:%d:%d: a NUL byte: expected UTF-8 text",
				 sim->path, line, col);
			return SOMA_EPARSE;
		}
		if (!yaml_printable(cp)) {
			snprintf(sim->err, sim->errlen,
				 "%s:%d:%d: non-printable character U+%04X: YAML allows tabs, line breaks and printable characters only",
				 sim->path, line, col, (unsigned)cp);
			return SOMA_EPARSE;
		}
		i += k;
		if (cp == '\n' || (cp == '\r' && (i == len || s[i] != '\n'))) {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return SOMA_OK;
}

/* ---- aliases ------------------------------------------------------------- */

/* Nodes that aliases may add to a document, beyond those written. */
#define MAX_ALIAS_NODES 1000000u

/*
 * Number of nodes of @n with every alias replaced by what it stands for,
 * as fy_document_resolve() would make it; above MAX_ALIAS_NODES, just
 * MAX_ALIAS_NODES + 1. Memoised in the meta pointer of collections (0: not
 * counted, 1: being counted, else count + 2), so that each collection is
 * counted once however many aliases name it.
 */
static uint64_t expanded_count(struct fy_node *n)
{
	struct fy_node_pair *p;
	struct fy_node *item;
	void *it = NULL;
	uintptr_t memo;
	uint64_t sum = 1;

	if (!n)
		return 0;
	if (fy_node_is_alias(n)) {
		struct fy_node *t = fy_node_resolve_alias(n);

		/* an unknown anchor: fy_document_resolve() reports it */
		return t ? expanded_count(t) : 1;
	}
	if (fy_node_is_scalar(n))
		return 1;
	memo = (uintptr_t)fy_node_get_meta(n);
	if (memo == 1) /* a cycle: fy_document_resolve() reports it */
		return 1;
	if (memo)
		return memo - 2;
	fy_node_set_meta(n, (void *)(uintptr_t)1);
	if (fy_node_is_mapping(n)) {
		while (sum <= MAX_ALIAS_NODES &&
		       (p = fy_node_mapping_iterate(n, &it)))
			sum += expanded_count(fy_node_pair_key(p)) +
			       expanded_count(fy_node_pair_value(p));
	} else {
		while (sum <= MAX_ALIAS_NODES &&
		       (item = fy_node_sequence_iterate(n, &it)))
			sum += expanded_count(item);
	}
	if (sum > MAX_ALIAS_NODES)
		sum = MAX_ALIAS_NODES + 1;
	fy_node_set_meta(n, (void *)(uintptr_t)(sum + 2));
	return sum;
}

/*
 * Walk the document as written (not into aliases) and add up what each alias
 * adds; stop at the alias that takes the total past MAX_ALIAS_NODES, before
 * anything is expanded (nested anchors, each an alias repeated a few times
 * of the one before, grow exponentially: a "billion laughs").
 */
static int check_alias_growth(struct soma__yctx *c, struct fy_node *n,
			      uint64_t *extra)
{
	struct fy_node_pair *p;
	struct fy_node *item;
	void *it = NULL;
	size_t i = 0, old;
	int rc = SOMA_OK;

	if (!n)
		return SOMA_OK;
	if (fy_node_is_alias(n)) {
		struct fy_node *t = fy_node_resolve_alias(n);
		uint64_t k = t ? expanded_count(t) : 1;

		*extra += k - 1;
		if (*extra <= MAX_ALIAS_NODES)
			return SOMA_OK;
		return soma__yerr(c, n, NULL, SOMA_ERANGE,
				  "alias *%s stands for %s%" PRIu64 " nodes, and the aliases so far add more than %u nodes to the document: refusing to expand them",
				  soma__ytext(n) ? soma__ytext(n) : "",
				  k > MAX_ALIAS_NODES ? "more than " : "",
				  k > MAX_ALIAS_NODES ? (uint64_t)MAX_ALIAS_NODES : k,
				  MAX_ALIAS_NODES);
	}
	if (fy_node_is_mapping(n)) {
		while (!rc && (p = fy_node_mapping_iterate(n, &it))) {
			const char *k = soma__ytext(fy_node_pair_key(p));

			old = soma__ypush(c, k ? k : "?");
			rc = check_alias_growth(c, fy_node_pair_key(p), extra);
			if (!rc)
				rc = check_alias_growth(c, fy_node_pair_value(p),
							extra);
			soma__ypop(c, old);
		}
	} else if (fy_node_is_sequence(n)) {
		while (!rc && (item = fy_node_sequence_iterate(n, &it))) {
			old = soma__ypush_index(c, i++);
			rc = check_alias_growth(c, item, extra);
			soma__ypop(c, old);
		}
	}
	return rc;
}

/* Clear the counts that expanded_count() left in the collections. */
static void clear_counts(struct fy_node *n)
{
	struct fy_node_pair *p;
	struct fy_node *item;
	void *it = NULL;

	if (!n || fy_node_is_scalar(n))
		return;
	fy_node_clear_meta(n);
	if (fy_node_is_mapping(n)) {
		while ((p = fy_node_mapping_iterate(n, &it))) {
			clear_counts(fy_node_pair_key(p));
			clear_counts(fy_node_pair_value(p));
		}
	} else {
		while ((item = fy_node_sequence_iterate(n, &it)))
			clear_counts(item);
	}
}

static int check_aliases(struct soma__yctx *c)
{
	struct fy_node *root = fy_document_root(c->fyd);
	uint64_t extra = 0;
	int rc;

	rc = check_alias_growth(c, root, &extra);
	soma__ypop(c, 0);
	clear_counts(root);
	return rc;
}

static void diag_discard(struct fy_diag *diag, void *user, const char *buf,
			 size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}
int soma__yload(const struct soma__yfile *sim, const soma_override *ovr,
		 size_t n_ovr)
{
	struct fy_parse_cfg cfg;
	struct fy_diag_cfg dcfg;
	struct fy_diag_error *e;
	struct soma__yctx c;
	struct fy_parser *fyp = NULL;
	char *buf = NULL;
	const char *text;
	size_t len = 0, k;
	int rc;

	memset(&c, 0, sizeof(c));
	c.file = sim->path;
	c.ovr = ovr;
	c.n_ovr = ovr ? n_ovr : 0;
	c.cur_ovr = -1;
	c.err = sim->err;
	c.errlen = sim->errlen;

	rc = read_file(sim, &buf, &len);
	if (rc)
		return rc;
	/* a byte order mark may start the file */
	text = buf;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	rc = check_text(sim, text, len);
	if (rc)
		goto out_free_buf;

	/* collect libfyaml's diagnostics; it prints nothing */
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_discard;
	dcfg.colorize = false;
	c.diag = fy_diag_create(&dcfg);
	if (!c.diag) {
		rc = SOMA_ENOMEM;
		snprintf(sim->err, sim->errlen, "%s: out of memory",
			 sim->path);
		goto out_free_buf;
	}
	fy_diag_set_collect_errors(c.diag, true);

	memset(&cfg, 0, sizeof(cfg));
	/* duplicate keys are found by soma__ycheck_dups(), with a key path */
	cfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS;
	cfg.diag = c.diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp || fy_parser_set_string(fyp, text, len)) {
		rc = SOMA_ENOMEM;
		snprintf(sim->err, sim->errlen, "%s: out of memory",
			 sim->path);
		goto out_free_parser;
	}
	c.fyd = fy_parse_load_document(fyp);
	/* one document per file: a second one is an error, not ignored */
	while (c.fyd && !soma__ydiag_error(c.diag, 0)) {
		struct fy_document *next = fy_parse_load_document(fyp);
		int line = 1, col = 1;

		if (!next)
			break;
		/* an empty one (a trailing ---) is harmless */
		if (soma__yis_null(fy_document_root(next))) {
			fy_parse_document_destroy(fyp, next);
			continue;
		}
		soma__ynode_pos(&c, fy_document_root(next), &line, &col);
		snprintf(sim->err, sim->errlen,
			 "%s:%d:%d: a second YAML document: expected one document per file",
			 sim->path, line, col);
		fy_parse_document_destroy(fyp, next);
		rc = SOMA_EPARSE;
		goto out_free_doc;
	}
	e = soma__ydiag_error(c.diag, 0);
	if (!c.fyd || e) {
		if (e)
			snprintf(sim->err, sim->errlen,
				 "%s:%d:%d: YAML syntax error: %s", sim->path,
				 e->line, e->column, e->msg ? e->msg : "");
		else
			snprintf(sim->err, sim->errlen,
				 "%s:1:1: empty %s",
				 sim->path, sim->empty);
		rc = SOMA_EPARSE;
		goto out_free_doc;
	}

	/* before anything follows aliases: unknown top-level keys, growth */
	rc = sim->check_top(&c, 1);
	if (!rc)
		rc = check_aliases(&c);
	if (!rc)
		rc = soma__ycheck_dups(&c, fy_document_root(c.fyd));
	if (!rc)
		rc = soma__sim_expand_merges(&c, fy_document_root(c.fyd));
	if (rc)
		goto out_free_doc;
	/* aliases */
	if (fy_document_resolve(c.fyd)) {
		e = soma__ydiag_error(c.diag, 0);
		if (e)
			snprintf(sim->err, sim->errlen,
				 "%s:%d:%d: YAML error: %s", sim->path, e->line,
				 e->column, e->msg ? e->msg : "cannot resolve aliases");
		else
			snprintf(sim->err, sim->errlen,
				 "%s: cannot resolve aliases", sim->path);
		rc = SOMA_EPARSE;
		goto out_free_doc;
	}

	for (k = 0; k < c.n_ovr; k++) {
		rc = soma__sim_apply_override(&c, k);
		if (rc)
			goto out_free_doc;
	}
	c.cur_ovr = -1;
	soma__ypop(&c, 0);

	rc = sim->read(&c, sim->user);

out_free_doc:
	if (c.fyd)
		fy_parse_document_destroy(fyp, c.fyd);
out_free_parser:
	if (fyp)
		fy_parser_destroy(fyp);
	fy_diag_destroy(c.diag);
out_free_buf:
	free(buf);
	free(c.origin);
	return rc;
}

static int sim_check_top(struct soma__yctx *c, int early)
{
	return soma__sim_check_top_keys(c, early);
}

static int sim_read(struct soma__yctx *c, void *user)
{
	soma_sim *sim = user;
	int rc = soma__sim_read_document(c, sim);

	if (!rc && !sim->outdir) {
		sim->outdir = default_outdir(sim->path);
		if (!sim->outdir) {
			rc = SOMA_ENOMEM;
			snprintf(sim->err, sizeof(sim->err), "%s: out of memory",
				 sim->path);
		}
	}
	return rc;
}

static int load(soma_sim *sim, const soma_override *ovr, size_t n_ovr)
{
	const struct soma__yfile f = {
		.path = sim->path,
		.err = sim->err,
		.errlen = sizeof(sim->err),
		.empty = "model file: expected a mapping with simulation and populations",
		.check_top = sim_check_top,
		.read = sim_read,
		.user = sim,
	};

	return soma__yload(&f, ovr, n_ovr);
}

char *soma__default_outdir(const char *path)
{
	return default_outdir(path);
}

/* ---- public API ------------------------------------------------------------ */

int soma_sim_load(const char *path, const soma_override *overrides,
		  size_t n_overrides, soma_sim **out)
{
	soma_sim *sim;
	int rc;

	if (!out)
		return SOMA_EINVAL;
	*out = NULL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return SOMA_ENOMEM;
	sim->plots = 1;
	if (!path) {
		snprintf(sim->err, sizeof(sim->err), "no model file given");
		*out = sim;
		return SOMA_EINVAL;
	}
	sim->path = strdup(path);
	if (!sim->path) {
		free(sim);
		return SOMA_ENOMEM;
	}
	if (n_overrides && !overrides) {
		snprintf(sim->err, sizeof(sim->err),
			 "%s: %zu overrides but no array of them", path,
			 n_overrides);
		*out = sim;
		return SOMA_EINVAL;
	}
	rc = load(sim, overrides, n_overrides);
	if (rc) {
		soma_network_destroy(sim->net);
		sim->net = NULL;
		if (!sim->err[0])
			snprintf(sim->err, sizeof(sim->err), "%s: %s", path,
				 soma_strerror(rc));
	}
	*out = sim;
	return rc;
}

void soma_sim_destroy(soma_sim *sim)
{
	if (!sim)
		return;
	soma_network_destroy(sim->net);
	for (int k = 0; k < sim->n_figure; k++)
		free(sim->figure[k]);
	free(sim->figure);
	free(sim->outdir);
	free(sim->path);
	free(sim);
}

const char *soma_sim_errmsg(const soma_sim *sim)
{
	return sim ? sim->err : "";
}

soma_network *soma_sim_network(soma_sim *sim)
{
	return sim ? sim->net : NULL;
}

double soma_sim_duration(const soma_sim *sim)
{
	return sim ? sim->duration : 0.0;
}

const char *soma_sim_output_dir(const soma_sim *sim)
{
	return sim ? sim->outdir : NULL;
}

int soma_sim_plots(const soma_sim *sim)
{
	return sim ? sim->plots : 0;
}

const char *soma_sim_path(const soma_sim *sim)
{
	return sim ? sim->path : NULL;
}

int soma__sim_set_figure(soma_sim *sim, int monitor, const char *name)
{
	char *copy;

	if (monitor < 0)
		return SOMA_EINVAL;
	if (monitor >= sim->n_figure) {
		char **f = realloc(sim->figure, (size_t)(monitor + 1) * sizeof(*f));
		if (!f)
			return SOMA_ENOMEM;
		for (int k = sim->n_figure; k <= monitor; k++)
			f[k] = NULL;
		sim->figure = f;
		sim->n_figure = monitor + 1;
	}
	copy = strdup(name);
	if (!copy)
		return SOMA_ENOMEM;
	free(sim->figure[monitor]);
	sim->figure[monitor] = copy;
	return SOMA_OK;
}

const char *soma_sim_figure(const soma_sim *sim, int monitor)
{
	if (!sim || monitor < 0 || monitor >= sim->n_figure)
		return NULL;
	return sim->figure[monitor];
}
