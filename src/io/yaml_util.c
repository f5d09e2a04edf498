/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a libfyaml document with messages that name the file position and
 * the key path of what is wrong.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soma/status.h"
#include "soma/units.h"
#include "io/yaml_util.h"

/* ---- key path ----------------------------------------------------------- */

size_t soma__ypush(struct soma__yctx *c, const char *key)
{
	size_t old = c->plen;
	int n;

	n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s%s",
		     c->plen ? "." : "", key);
	if (n > 0)
		c->plen += (size_t)n;
	if (c->plen >= sizeof(c->path))
		c->plen = sizeof(c->path) - 1;
	return old;
}

size_t soma__ypush_index(struct soma__yctx *c, size_t i)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%zu", i);
	return soma__ypush(c, buf);
}

void soma__ypop(struct soma__yctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

/* ---- positions and messages --------------------------------------------- */

/* Index of the override that created @n, or -1. */
static long origin_of(const struct soma__yctx *c, struct fy_node *n)
{
	size_t i;

	if (!n)
		return -1;
	/* the latest entry wins: a freed node's address may be reused */
	for (i = c->n_origin; i-- > 0;)
		if (c->origin[i].node == n)
			return (long)c->origin[i].ovr;
	return -1;
}

/* 0-based @m as 1-based line and column; 0, or -1 without a mark. */
static int mark_pos(const struct fy_mark *m, int *line, int *col)
{
	if (!m || m->line < 0 || m->column < 0)
		return -1;
	*line = m->line + 1;
	*col = m->column + 1;
	return 0;
}

/*
 * Start of collection @n: the mark of the token that opens it ('{', '[' or
 * the first key of a block mapping), read from the first event of a
 * document iterator over @n. Unlike fy_node_report(), this never renders
 * a node: a node built or changed after parsing simply has no such token,
 * or keeps the one it was parsed with.
 */
static int collection_pos(struct fy_node *n, int *line, int *col)
{
	struct fy_document_iterator *fydi;
	struct fy_event *fye;
	int rc = -1;

	fydi = fy_document_iterator_create();
	if (!fydi)
		return -1;
	fy_document_iterator_node_start(fydi, n);
	fye = fy_document_iterator_body_next(fydi);
	if (fye) {
		if (fye->type == FYET_MAPPING_START ||
		    fye->type == FYET_SEQUENCE_START)
			rc = mark_pos(fy_event_start_mark(fye), line, col);
		fy_document_iterator_event_free(fydi, fye);
	}
	fy_document_iterator_destroy(fydi);
	return rc;
}

/* Position of @n itself, or of its first entry (recursively). */
static int own_pos(struct soma__yctx *c, struct fy_node *n, int *line,
		   int *col)
{
	struct fy_node_pair *p;
	void *it = NULL;

	/* built from an override's text: a position in that text */
	if (!n || origin_of(c, n) >= 0)
		return -1;
	if (fy_node_is_scalar(n)) {
		if (mark_pos(fy_token_start_mark(fy_node_get_scalar_token(n)),
			     line, col))
			return -1;
		/* an alias's token is its name: include the '*' */
		if (fy_node_is_alias(n) && *col > 1)
			(*col)--;
		return 0;
	}
	if (!collection_pos(n, line, col))
		return 0;
	if (fy_node_is_mapping(n)) {
		p = fy_node_mapping_iterate(n, &it);
		return p ? own_pos(c, fy_node_pair_key(p), line, col) : -1;
	}
	if (fy_node_is_sequence(n))
		return own_pos(c, fy_node_sequence_iterate(n, &it), line, col);
	return -1;
}

int soma__ynode_pos(struct soma__yctx *c, struct fy_node *n, int *line,
		    int *col)
{
	/* else the position of the nearest parent that has one */
	for (; n; n = fy_node_get_parent(n)) {
		if (!own_pos(c, n, line, col))
			return 0;
		if (origin_of(c, n) >= 0)
			return -1;
	}
	return -1;
}

int soma__yorigin_add(struct soma__yctx *c, struct fy_node *n, size_t ovr)
{
	void *it = NULL;

	if (!n)
		return SOMA_OK;
	if (c->n_origin == c->cap_origin) {
		size_t cap = c->cap_origin ? 2 * c->cap_origin : 16;
		struct soma__yorigin *o;

		o = realloc(c->origin, cap * sizeof(*o));
		if (!o)
			return SOMA_ENOMEM;
		c->origin = o;
		c->cap_origin = cap;
	}
	c->origin[c->n_origin].node = n;
	c->origin[c->n_origin].ovr = ovr;
	c->n_origin++;

	if (fy_node_is_mapping(n)) {
		struct fy_node_pair *p;

		while ((p = fy_node_mapping_iterate(n, &it))) {
			if (soma__yorigin_add(c, fy_node_pair_key(p), ovr) ||
			    soma__yorigin_add(c, fy_node_pair_value(p), ovr))
				return SOMA_ENOMEM;
		}
	} else if (fy_node_is_sequence(n)) {
		struct fy_node *item;

		while ((item = fy_node_sequence_iterate(n, &it)))
			if (soma__yorigin_add(c, item, ovr))
				return SOMA_ENOMEM;
	}
	return SOMA_OK;
}

static int override_prefix(const struct soma__yctx *c, long k, char *buf,
			   size_t len)
{
	if (k < 0 || (size_t)k >= c->n_ovr)
		return -1;
	snprintf(buf, len, "%s: override '%s=%s'", c->file,
		 c->ovr[k].key ? c->ovr[k].key : "",
		 c->ovr[k].value ? c->ovr[k].value : "");
	return 0;
}

/* Position prefix of node @n: 0 on success, -1 when @n has none. */
static int node_prefix(struct soma__yctx *c, struct fy_node *n, char *buf,
		       size_t len)
{
	int line, col;

	if (!n)
		return -1;
	if (!override_prefix(c, origin_of(c, n), buf, len))
		return 0;
	if (soma__ynode_pos(c, n, &line, &col))
		return -1;
	snprintf(buf, len, "%s:%d:%d", c->file, line, col);
	return 0;
}

int soma__yerr(struct soma__yctx *c, struct fy_node *at, struct fy_node *alt,
	       int status, const char *fmt, ...)
{
	char prefix[512];
	char msg[1024];
	va_list ap;

	if (c->failed)
		return status;
	c->failed = 1;

	/* a key in the file whose value an override set (at, alt = key,
	 * value): the override is the place */
	if (at && alt && origin_of(c, at) < 0 && origin_of(c, alt) >= 0) {
		struct fy_node *t = at;
		at = alt;
		alt = t;
	}
	if (node_prefix(c, at, prefix, sizeof(prefix)) &&
	    node_prefix(c, alt, prefix, sizeof(prefix)) &&
	    override_prefix(c, c->cur_ovr, prefix, sizeof(prefix)))
		snprintf(prefix, sizeof(prefix), "%s", c->file);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (c->err && c->errlen) {
		if (c->plen)
			snprintf(c->err, c->errlen, "%s: %s: %s", prefix,
				 c->path, msg);
		else
			snprintf(c->err, c->errlen, "%s: %s", prefix, msg);
	}
	return status;
}

const char *soma__ydescribe(struct fy_node *n, char *buf, size_t len)
{
	if (soma__yis_null(n))
		return "nothing";
	if (fy_node_is_alias(n)) {
		snprintf(buf, len, "an alias *%s",
			 soma__ytext(n) ? soma__ytext(n) : "");
		return buf;
	}
	if (fy_node_is_mapping(n))
		return "a mapping";
	if (fy_node_is_sequence(n))
		return "a list";
	snprintf(buf, len, "'%s'", soma__ytext(n) ? soma__ytext(n) : "");
	return buf;
}

/* ---- did you mean ------------------------------------------------------- */

#define SUGG_MAXLEN 64

/* Optimal string alignment distance of lower-cased @a and @b. */
static int edit_distance(const char *a, const char *b)
{
	int d[SUGG_MAXLEN + 1][SUGG_MAXLEN + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > SUGG_MAXLEN || lb > SUGG_MAXLEN)
		return 1 << 20;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			int cost = ca != cb;
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

void soma__ysugg_init(struct soma__ysugg *s)
{
	s->best = NULL;
	s->dist = 1 << 20;
}

void soma__ysugg_add(struct soma__ysugg *s, const char *word, const char *cand)
{
	size_t lw = strlen(word), lc = strlen(cand);
	size_t maxlen = lw > lc ? lw : lc;
	int limit = maxlen <= 3 ? 1 : maxlen <= 6 ? 2 : 3;
	int d = edit_distance(word, cand);

	/* close, and not a replacement of the whole word */
	if (d <= limit && (size_t)d < maxlen && d < s->dist) {
		s->best = cand;
		s->dist = d;
	}
}

const char *soma__ysugg_str(const struct soma__ysugg *s, char *buf, size_t len)
{
	if (s->best)
		snprintf(buf, len, " (did you mean '%s'?)", s->best);
	else if (len)
		buf[0] = '\0';
	return buf;
}

void soma__ylist_add(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	if (used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

/* ---- structure ---------------------------------------------------------- */

int soma__yis_null(struct fy_node *n)
{
	const char *t;
	size_t len;

	if (!n)
		return 1;
	if (!fy_node_is_scalar(n))
		return 0;
	if (fy_node_get_style(n) != FYNS_PLAIN)
		return 0;
	t = fy_node_get_scalar(n, &len);
	if (!t || !len)
		return 1;
	return (len == 1 && t[0] == '~') ||
	       (len == 4 && (!strncmp(t, "null", 4) || !strncmp(t, "Null", 4) ||
			     !strncmp(t, "NULL", 4)));
}

const char *soma__ytext(struct fy_node *n)
{
	if (!n || !fy_node_is_scalar(n))
		return NULL;
	return fy_node_get_scalar0(n);
}

/* A scalar with an escaped NUL ("a\0b") would be cut short by every C
 * string function: refuse it. */
static int check_nul(struct soma__yctx *c, struct fy_node *n)
{
	size_t len = 0;
	const char *t;

	if (!n || !fy_node_is_scalar(n))
		return SOMA_OK;
	t = fy_node_get_scalar(n, &len);
	if (t && memchr(t, 0, len))
		return soma__yerr(c, n, NULL, SOMA_EPARSE,
				  "a NUL character (\\0 or \\x00) is not allowed in a value or key");
	return SOMA_OK;
}

int soma__ycheck_dups(struct soma__yctx *c, struct fy_node *n)
{
	void *it = NULL;
	int rc;

	if (!n)
		return SOMA_OK;
	if (fy_node_is_scalar(n))
		return check_nul(c, n);
	if (fy_node_is_mapping(n)) {
		struct fy_node_pair *p;

		while ((p = fy_node_mapping_iterate(n, &it))) {
			struct fy_node *k = fy_node_pair_key(p);
			const char *kt = soma__ytext(k);
			size_t old;

			rc = check_nul(c, k);
			if (rc)
				return rc;

			if (kt) {
				void *it2 = NULL;
				struct fy_node_pair *q;

				while ((q = fy_node_mapping_iterate(n, &it2)) &&
				       q != p) {
					const char *qt =
						soma__ytext(fy_node_pair_key(q));
					int line, col;

					if (!qt || strcmp(qt, kt))
						continue;
					old = soma__ypush(c, kt);
					if (soma__ynode_pos(c, fy_node_pair_key(q),
							    &line, &col))
						rc = soma__yerr(c, k, NULL,
								SOMA_EPARSE,
								"duplicate key");
					else
						rc = soma__yerr(c, k, NULL,
								SOMA_EPARSE,
								"duplicate key (first given at %d:%d)",
								line, col);
					soma__ypop(c, old);
					return rc;
				}
			}
			old = soma__ypush(c, kt ? kt : "?");
			rc = soma__ycheck_dups(c, fy_node_pair_value(p));
			soma__ypop(c, old);
			if (rc)
				return rc;
		}
	} else if (fy_node_is_sequence(n)) {
		struct fy_node *item;
		size_t i = 0;

		while ((item = fy_node_sequence_iterate(n, &it))) {
			size_t old = soma__ypush_index(c, i++);

			rc = soma__ycheck_dups(c, item);
			soma__ypop(c, old);
			if (rc)
				return rc;
		}
	}
	return SOMA_OK;
}

int soma__ycheck_map(struct soma__yctx *c, struct fy_node *key,
		     struct fy_node *val, const char *const *allowed,
		     const char *expected)
{
	struct fy_node_pair *p;
	void *it = NULL;
	char buf[128];

	if (soma__yis_null(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "missing value: expected %s", expected);
	if (!fy_node_is_mapping(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected %s",
				  soma__ydescribe(val, buf, sizeof(buf)),
				  expected);
	while ((p = fy_node_mapping_iterate(val, &it))) {
		struct fy_node *k = fy_node_pair_key(p);
		const char *name = soma__ytext(k);
		struct soma__ysugg s;
		char list[512] = "";
		size_t i, old;
		int rc;

		if (!name || soma__yis_null(k) ||
		    fy_node_get_style(k) == FYNS_ALIAS)
			return soma__yerr(c, k, val, SOMA_EPARSE,
					  "got %s as a key, expected a name",
					  soma__ydescribe(k, buf, sizeof(buf)));
		if (!allowed)
			continue;
		soma__ysugg_init(&s);
		for (i = 0; allowed[i]; i++) {
			if (!strcmp(allowed[i], name))
				break;
			soma__ysugg_add(&s, name, allowed[i]);
			soma__ylist_add(list, sizeof(list), allowed[i]);
		}
		if (allowed[i])
			continue;
		old = soma__ypush(c, name);
		if (s.best)
			rc = soma__yerr(c, k, NULL, SOMA_EPARSE,
					"unknown key%s",
					soma__ysugg_str(&s, buf, sizeof(buf)));
		else
			rc = soma__yerr(c, k, NULL, SOMA_EPARSE,
					"unknown key: expected one of %s", list);
		soma__ypop(c, old);
		return rc;
	}
	return SOMA_OK;
}

struct fy_node_pair *soma__yget(struct fy_node *map, const char *name)
{
	if (!map || !fy_node_is_mapping(map))
		return NULL;
	return fy_node_mapping_lookup_pair_by_string(map, name, FY_NT);
}

int soma__yrequire(struct soma__yctx *c, struct fy_node *key,
		   struct fy_node *val, const char *name, const char *what,
		   struct fy_node_pair **out)
{
	*out = soma__yget(val, name);
	if (*out)
		return SOMA_OK;
	return soma__yerr(c, key, val, SOMA_EPARSE, "missing key '%s' (%s)",
			  name, what);
}

/* ---- values ------------------------------------------------------------- */

int soma__yscalar(struct soma__yctx *c, struct fy_node *key,
		  struct fy_node *val, const char *expected, const char **out)
{
	char buf[128];

	if (soma__yis_null(val))
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "missing value: expected %s", expected);
	if (!fy_node_is_scalar(val) || fy_node_get_style(val) == FYNS_ALIAS)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected %s",
				  soma__ydescribe(val, buf, sizeof(buf)),
				  expected);
	*out = soma__ytext(val);
	if (!*out)
		return soma__yerr(c, val, key, SOMA_ENOMEM, "out of memory");
	return SOMA_OK;
}

/* "a time (a number in ms, or with a unit)" */
static const char *expect_quantity(const char *unit, char *buf, size_t len)
{
	const char *dim = soma_unit_dimension(unit);

	if (!*unit || !dim)
		snprintf(buf, len, "a number");
	else
		snprintf(buf, len, "a %s (a number in %s, or with a unit)",
			 dim, unit);
	return buf;
}

int soma__ynumber(struct soma__yctx *c, struct fy_node *key,
		  struct fy_node *val, const soma_var_info *v, double *out)
{
	return soma__ynumber_inf(c, key, val, v, 0, out);
}

int soma__ynumber_inf(struct soma__yctx *c, struct fy_node *key,
		      struct fy_node *val, const soma_var_info *v,
		      int allow_inf, double *out)
{
	char exp[128], ubuf[256], range[128];
	const char *text;
	double x;
	int rc;

	expect_quantity(v->unit, exp, sizeof(exp));
	rc = soma__yscalar(c, key, val, exp, &text);
	if (rc)
		return rc;
	rc = soma_unit_parse(text, v->unit, &x, ubuf, sizeof(ubuf));
	switch (rc) {
	case SOMA_OK:
		break;
	case SOMA_EPARSE:
		return soma__yerr(c, val, key, SOMA_EPARSE, "%s: expected %s",
				  ubuf, exp);
	case SOMA_EUNIT:
		return soma__yerr(c, val, key, SOMA_EUNIT, "%s", ubuf);
	default:
		return soma__yerr(c, val, key, rc, "%s (of '%s')", ubuf,
				  v->name ? v->name : "value");
	}
	if ((v->flags & SOMA_VAR_INTEGER) && x != floor(x))
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "%s is not a whole number", text);
	/* soma_var_in_range() refuses inf; a last segment may last forever */
	if (!(allow_inf && isinf(x) && x > 0 && isinf(v->max)) &&
	    !soma_var_in_range(v, x))
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "%s is out of range: must be in %s", text,
				  soma_var_range_str(v, range, sizeof(range)));
	*out = x;
	return SOMA_OK;
}

int soma__yuint(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, uint64_t min, uint64_t max,
		const char *what, uint64_t *out)
{
	unsigned long long x;
	const char *text, *p;
	char exp[256];
	char *end;
	int rc;

	snprintf(exp, sizeof(exp), "%s (an integer in [%" PRIu64 ", %" PRIu64 "])",
		 what, min, max);
	rc = soma__yscalar(c, key, val, exp, &text);
	if (rc)
		return rc;
	p = text;
	if (*p == '-' && isdigit((unsigned char)p[1])) {
		for (p++; isdigit((unsigned char)*p); p++)
			;
		if (!*p)
			return soma__yerr(c, val, key, SOMA_ERANGE,
					  "%s is out of range: must be in [%" PRIu64
					  ", %" PRIu64 "] (%s)",
					  text, min, max, what);
		p = text;
	}
	for (; isdigit((unsigned char)*p); p++)
		;
	if (p == text || *p)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "'%s' is not an integer: expected %s", text,
				  exp);
	errno = 0;
	x = strtoull(text, &end, 10);
	if (errno == ERANGE || x < min || x > max)
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "%s is out of range: must be in [%" PRIu64
				  ", %" PRIu64 "] (%s)",
				  text, min, max, what);
	*out = x;
	return SOMA_OK;
}

int soma__ybool(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, int *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	const char *text;
	size_t i;
	int rc;

	rc = soma__yscalar(c, key, val, "true or false", &text);
	if (rc)
		return rc;
	for (i = 0; i < 3; i++) {
		if (!strcmp(text, yes[i])) {
			*out = 1;
			return SOMA_OK;
		}
		if (!strcmp(text, no[i])) {
			*out = 0;
			return SOMA_OK;
		}
	}
	return soma__yerr(c, val, key, SOMA_EPARSE,
			  "'%s' is not a boolean: expected true or false", text);
}

static const char dist_expected[] =
	"a value, {uniform: [low, high]} or {normal: {mean: M, sd: SD}}";

static int dist_uniform(struct soma__yctx *c, struct fy_node *key,
			struct fy_node *val, const soma_var_info *v,
			soma_dist *out)
{
	soma_var_info hi = *v;
	struct fy_node *lo_n, *hi_n;
	char buf[128];
	size_t old;
	int rc;

	if (!fy_node_is_sequence(val) || fy_node_sequence_item_count(val) != 2)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected a list [low, high]",
				  fy_node_is_sequence(val) ?
					  "a list of another length" :
					  soma__ydescribe(val, buf, sizeof(buf)));
	lo_n = fy_node_sequence_get_by_index(val, 0);
	hi_n = fy_node_sequence_get_by_index(val, 1);
	/* the high bound is excluded, so it may equal an excluded maximum */
	hi.flags &= ~(unsigned)SOMA_VAR_MAX_OPEN;

	old = soma__ypush_index(c, 0);
	rc = soma__ynumber(c, val, lo_n, v, &out->a);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush_index(c, 1);
	rc = soma__ynumber(c, val, hi_n, &hi, &out->b);
	soma__ypop(c, old);
	if (rc)
		return rc;
	if (out->b < out->a)
		return soma__yerr(c, val, key, SOMA_ERANGE,
				  "high %s is below low %s: expected [low, high] with low <= high",
				  soma__ytext(hi_n), soma__ytext(lo_n));
	out->kind = SOMA_DIST_UNIFORM;
	return SOMA_OK;
}

static int dist_normal(struct soma__yctx *c, struct fy_node *key,
		       struct fy_node *val, const soma_var_info *v,
		       soma_dist *out)
{
	static const char *const keys[] = { "mean", "sd", NULL };
	soma_var_info sd = { .name = "sd", .unit = v->unit, .def = 0.0,
			     .min = 0.0, .max = INFINITY,
			     .flags = SOMA_VAR_MAX_OPEN,
			     .doc = "standard deviation" };
	struct fy_node_pair *pm, *ps;
	size_t old;
	int rc;

	rc = soma__ycheck_map(c, key, val, keys, "{mean: M, sd: SD}");
	if (rc)
		return rc;
	rc = soma__yrequire(c, key, val, "mean", "the mean", &pm);
	if (!rc)
		rc = soma__yrequire(c, key, val, "sd", "the standard deviation",
				    &ps);
	if (rc)
		return rc;
	old = soma__ypush(c, "mean");
	rc = soma__ynumber(c, fy_node_pair_key(pm), fy_node_pair_value(pm), v,
			   &out->a);
	soma__ypop(c, old);
	if (rc)
		return rc;
	old = soma__ypush(c, "sd");
	rc = soma__ynumber(c, fy_node_pair_key(ps), fy_node_pair_value(ps), &sd,
			   &out->b);
	soma__ypop(c, old);
	if (rc)
		return rc;
	out->kind = SOMA_DIST_NORMAL;
	return SOMA_OK;
}

int soma__ydist(struct soma__yctx *c, struct fy_node *key,
		struct fy_node *val, const soma_var_info *v, soma_dist *out)
{
	static const char *const keys[] = { "uniform", "normal", NULL };
	struct fy_node_pair *p;
	const char *name;
	void *it = NULL;
	size_t old;
	int rc;

	out->kind = SOMA_DIST_CONSTANT;
	out->a = out->b = 0.0;
	if (soma__yis_null(val) || fy_node_is_sequence(val)) {
		char buf[32];

		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "got %s, expected %s",
				  soma__ydescribe(val, buf, sizeof(buf)),
				  dist_expected);
	}
	if (fy_node_is_scalar(val))
		return soma__ynumber(c, key, val, v, &out->a);

	rc = soma__ycheck_map(c, key, val, keys, dist_expected);
	if (rc)
		return rc;
	if (fy_node_mapping_item_count(val) != 1)
		return soma__yerr(c, val, key, SOMA_EPARSE,
				  "expected exactly one of uniform or normal, got %d keys",
				  fy_node_mapping_item_count(val));
	p = fy_node_mapping_iterate(val, &it);
	name = soma__ytext(fy_node_pair_key(p));
	old = soma__ypush(c, name);
	if (!strcmp(name, "uniform"))
		rc = dist_uniform(c, fy_node_pair_key(p), fy_node_pair_value(p),
				  v, out);
	else
		rc = dist_normal(c, fy_node_pair_key(p), fy_node_pair_value(p),
				 v, out);
	soma__ypop(c, old);
	return rc;
}

/* ---- diagnostics ------------------------------------------------------- */

/* Collected libfyaml error newer than the first @skip ones, or NULL. */
struct fy_diag_error *soma__ydiag_error(struct fy_diag *diag, size_t skip)
{
	struct fy_diag_error *e;
	void *it = NULL;
	size_t i = 0;

	while ((e = fy_diag_errors_iterate(diag, &it)))
		if (i++ >= skip && e->type >= FYET_ERROR)
			return e;
	return NULL;
}

size_t soma__ydiag_count(struct fy_diag *diag)
{
	void *it = NULL;
	size_t n = 0;

	while (fy_diag_errors_iterate(diag, &it))
		n++;
	return n;
}

int soma__ycheck_top(struct soma__yctx *c, int early, const char *const *keys,
		     const char *expected, const char *empty)
{
	struct fy_node *root = fy_document_root(c->fyd);
	struct fy_node_pair *p;
	void *it = NULL;

	if (!root || soma__yis_null(root))
		return early ? SOMA_OK :
			       soma__yerr(c, NULL, NULL, SOMA_EPARSE, "empty %s",
					  empty);
	/* merge keys at the top are expanded first, then checked */
	while (early && fy_node_is_mapping(root) &&
	       (p = fy_node_mapping_iterate(root, &it))) {
		const char *k = soma__ytext(fy_node_pair_key(p));

		if (k && !strcmp(k, "<<") &&
		    fy_node_get_style(fy_node_pair_key(p)) == FYNS_PLAIN)
			return SOMA_OK;
	}
	return soma__ycheck_map(c, NULL, root, keys, expected);
}
