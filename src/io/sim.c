/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Model files (sim.h): a YAML file read with libfyaml, whose diagnostics are
 * collected into the message rather than printed; overrides applied; then
 * checked and built into a network (sim_read.c).
 */
#include <errno.h>
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

static int read_file(soma_sim *sim, char **buf, size_t *len)
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
				snprintf(sim->err, sizeof(sim->err),
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
	snprintf(sim->err, sizeof(sim->err), "%s: cannot read: %s", sim->path,
		 strerror(errno));
	return SOMA_EIO;
}

static void diag_discard(struct fy_diag *diag, void *user, const char *buf,
			 size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}
static int load(soma_sim *sim, const soma_override *ovr, size_t n_ovr)
{
	struct fy_parse_cfg cfg;
	struct fy_diag_cfg dcfg;
	struct fy_diag_error *e;
	struct soma__yctx c;
	struct fy_parser *fyp = NULL;
	char *buf = NULL;
	size_t len = 0, k;
	int rc;

	memset(&c, 0, sizeof(c));
	c.file = sim->path;
	c.ovr = ovr;
	c.n_ovr = ovr ? n_ovr : 0;
	c.cur_ovr = -1;
	c.err = sim->err;
	c.errlen = sizeof(sim->err);

	rc = read_file(sim, &buf, &len);
	if (rc)
		return rc;

	/* collect libfyaml's diagnostics; it prints nothing */
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_discard;
	dcfg.colorize = false;
	c.diag = fy_diag_create(&dcfg);
	if (!c.diag) {
		rc = SOMA_ENOMEM;
		snprintf(sim->err, sizeof(sim->err), "%s: out of memory",
			 sim->path);
		goto out_free_buf;
	}
	fy_diag_set_collect_errors(c.diag, true);

	memset(&cfg, 0, sizeof(cfg));
	/* duplicate keys are found by soma__ycheck_dups(), with a key path */
	cfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS;
	cfg.diag = c.diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp || fy_parser_set_string(fyp, buf, len)) {
		rc = SOMA_ENOMEM;
		snprintf(sim->err, sizeof(sim->err), "%s: out of memory",
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
		snprintf(sim->err, sizeof(sim->err),
			 "%s:%d:%d: a second YAML document: expected one document per model file",
			 sim->path, line, col);
		fy_parse_document_destroy(fyp, next);
		rc = SOMA_EPARSE;
		goto out_free_doc;
	}
	e = soma__ydiag_error(c.diag, 0);
	if (!c.fyd || e) {
		if (e)
			snprintf(sim->err, sizeof(sim->err),
				 "%s:%d:%d: YAML syntax error: %s", sim->path,
				 e->line, e->column, e->msg ? e->msg : "");
		else
			snprintf(sim->err, sizeof(sim->err),
				 "%s:1:1: empty model file: expected a mapping with simulation and populations",
				 sim->path);
		rc = SOMA_EPARSE;
		goto out_free_doc;
	}

	rc = soma__ycheck_dups(&c, fy_document_root(c.fyd));
	if (!rc)
		rc = soma__sim_expand_merges(&c, fy_document_root(c.fyd));
	if (rc)
		goto out_free_doc;
	/* aliases */
	if (fy_document_resolve(c.fyd)) {
		e = soma__ydiag_error(c.diag, 0);
		if (e)
			snprintf(sim->err, sizeof(sim->err),
				 "%s:%d:%d: YAML error: %s", sim->path, e->line,
				 e->column, e->msg ? e->msg : "cannot resolve aliases");
		else
			snprintf(sim->err, sizeof(sim->err),
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

	rc = soma__sim_read_document(&c, sim);
	if (!rc && !sim->outdir) {
		sim->outdir = default_outdir(sim->path);
		if (!sim->outdir) {
			rc = SOMA_ENOMEM;
			snprintf(sim->err, sizeof(sim->err), "%s: out of memory",
				 sim->path);
		}
	}

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
