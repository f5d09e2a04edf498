/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Overrides (`soma run --set KEY=VALUE`) and YAML merge keys: changes to the
 * document made before it is checked.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "soma/status.h"
#include "io/sim_internal.h"

/* ---- overrides ------------------------------------------------------------- */

int soma__sim_apply_override(struct soma__yctx *c, size_t k)
{
	const char *key = c->ovr[k].key, *value = c->ovr[k].value;
	struct fy_node *node = fy_document_root(c->fyd), *nv, *kn;
	const char *comp, *dot;
	char name[256], buf[128];
	size_t len, before;
	int rc;

	c->cur_ovr = (long)k;
	soma__ypop(c, 0);
	if (!key || !*key)
		return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
				  "empty key: expected a dotted key path such as simulation.seed");
	if (!value)
		value = "";
	for (comp = value; isspace((unsigned char)*comp); comp++)
		;
	if (!*comp)
		return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
				  "empty value: expected a YAML value");
	if (!node || !fy_node_is_mapping(node))
		return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
				  "the file is not a mapping");

	for (comp = key;; comp = dot + 1) {
		struct fy_node_pair *p;
		int last;

		dot = strchr(comp, '.');
		len = dot ? (size_t)(dot - comp) : strlen(comp);
		last = !dot;
		if (!len || len >= sizeof(name))
			return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
					  "bad key '%s': expected names separated by single dots",
					  key);
		memcpy(name, comp, len);
		name[len] = '\0';

		if (fy_node_is_sequence(node)) {
			char *end;
			unsigned long idx = strtoul(name, &end, 10);
			int cnt = fy_node_sequence_item_count(node);

			if (*end || !isdigit((unsigned char)name[0]) ||
			    idx > (unsigned long)cnt ||
			    (idx == (unsigned long)cnt && !last))
				return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
						  "'%s' is not an index of %s (a list of %d)",
						  name, c->plen ? c->path : "the file",
						  cnt);
			if (!last) {
				node = fy_node_sequence_get_by_index(node,
								     (int)idx);
				soma__ypush(c, name);
				continue;
			}
			soma__ypush(c, name);
			break;
		}
		if (!fy_node_is_mapping(node))
			return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
					  "is %s, not a mapping: cannot set '%s' in it",
					  soma__ydescribe(node, buf, sizeof(buf)),
					  name);
		p = soma__yget(node, name);
		if (last) {
			soma__ypush(c, name);
			break;
		}
		if (!p) {
			struct soma__ysugg s;
			struct fy_node_pair *q;
			void *it = NULL;
			char sugg[128];

			soma__ysugg_init(&s);
			while ((q = fy_node_mapping_iterate(node, &it)))
				if (soma__ytext(PK(q)))
					soma__ysugg_add(&s, name,
							soma__ytext(PK(q)));
			soma__ypush(c, name);
			return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
					  "no such key in the file%s",
					  soma__ysugg_str(&s, sugg, sizeof(sugg)));
		}
		soma__ypush(c, name);
		node = PV(p);
	}

	/* the new value */
	before = soma__ydiag_count(c->diag);
	nv = fy_node_build_from_string(c->fyd, value, FY_NT);
	if (!nv) {
		struct fy_diag_error *e = soma__ydiag_error(c->diag, before);

		return soma__yerr(c, NULL, NULL, SOMA_EPARSE,
				  "value is not valid YAML: %s",
				  e && e->msg ? e->msg : "cannot parse it");
	}
	rc = soma__yorigin_add(c, nv, k);
	if (rc) {
		fy_node_free(nv);
		return soma__yerr(c, NULL, NULL, rc, "out of memory");
	}
	rc = soma__ycheck_dups(c, nv);
	if (rc) {
		fy_node_free(nv);
		return rc;
	}

	if (fy_node_is_sequence(node)) {
		int idx = atoi(name);
		struct fy_node *old = fy_node_sequence_get_by_index(node, idx);

		if (old) {
			if (fy_node_sequence_insert_after(node, old, nv))
				goto fail;
			fy_node_free(fy_node_sequence_remove(node, old));
		} else if (fy_node_sequence_append(node, nv)) {
			goto fail;
		}
		return SOMA_OK;
	}
	{
		struct fy_node_pair *p = soma__yget(node, name);

		if (p) {
			if (fy_node_pair_set_value(p, nv))
				goto fail;
			return SOMA_OK;
		}
	}
	kn = fy_node_create_scalar_copy(c->fyd, name, FY_NT);
	if (!kn || soma__yorigin_add(c, kn, k) ||
	    fy_node_mapping_append(node, kn, nv)) {
		fy_node_free(kn);
		goto fail;
	}
	return SOMA_OK;
fail:
	fy_node_free(nv);
	return soma__yerr(c, NULL, NULL, SOMA_ENOMEM,
			  "cannot change the document: out of memory");
}
/* ---- merge keys ---------------------------------------------------------- */

/* Copy the pairs of mapping @src whose keys @dst lacks to the end of @dst. */
static int merge_from(struct soma__yctx *c, struct fy_node *dst,
		      struct fy_node *src)
{
	struct fy_node_pair *p;
	void *it = NULL;

	while ((p = fy_node_mapping_iterate(src, &it))) {
		const char *k = soma__ytext(PK(p));
		struct fy_node *kc, *vc;

		if (!k || soma__yget(dst, k))
			continue;
		kc = fy_node_copy(c->fyd, PK(p));
		vc = PV(p) ? fy_node_copy(c->fyd, PV(p)) : NULL;
		if (!kc || (PV(p) && !vc) || fy_node_mapping_append(dst, kc, vc)) {
			fy_node_free(kc);
			fy_node_free(vc);
			return soma__yerr(c, dst, NULL, SOMA_ENOMEM,
					  "out of memory");
		}
	}
	return SOMA_OK;
}

/*
 * YAML merge keys (`<<: *anchor` or `<<: [*a, *b]`): the pairs of the merged
 * mappings whose keys are not written in the mapping itself are added to it.
 * Done here rather than by fy_document_resolve(), which rejects a merged key
 * that the mapping sets again: overriding is what merge keys are for.
 */
int soma__sim_expand_merges(struct soma__yctx *c, struct fy_node *n)
{
	struct fy_node_pair *p, *merge = NULL;
	struct fy_node *v, *item;
	void *it = NULL;
	char buf[64];
	size_t old;
	int rc;

	if (!n || fy_node_is_alias(n))
		return SOMA_OK;
	if (fy_node_is_sequence(n)) {
		size_t i = 0;

		while ((item = fy_node_sequence_iterate(n, &it))) {
			old = soma__ypush_index(c, i++);
			rc = soma__sim_expand_merges(c, item);
			soma__ypop(c, old);
			if (rc)
				return rc;
		}
		return SOMA_OK;
	}
	if (!fy_node_is_mapping(n))
		return SOMA_OK;
	while ((p = fy_node_mapping_iterate(n, &it))) {
		const char *k = soma__ytext(PK(p));

		if (k && !strcmp(k, "<<") &&
		    fy_node_get_style(PK(p)) == FYNS_PLAIN)
			merge = p;
		old = soma__ypush(c, k ? k : "?");
		rc = soma__sim_expand_merges(c, PV(p));
		soma__ypop(c, old);
		if (rc)
			return rc;
	}
	if (!merge)
		return SOMA_OK;

	old = soma__ypush(c, "<<");
	v = PV(merge);
	rc = SOMA_OK;
	if (fy_node_is_sequence(v)) {
		it = NULL;
		while (!rc && (item = fy_node_sequence_iterate(v, &it))) {
			struct fy_node *src = fy_node_resolve_alias(item);

			if (!fy_node_is_mapping(src))
				rc = soma__yerr(c, item, v, SOMA_EPARSE,
						"got %s, expected an alias of a mapping",
						soma__ydescribe(src, buf, sizeof(buf)));
			else
				rc = merge_from(c, n, src);
		}
	} else {
		struct fy_node *src = fy_node_is_alias(v) ?
					      fy_node_resolve_alias(v) : v;

		if (!fy_node_is_mapping(src))
			rc = soma__yerr(c, v, PK(merge), SOMA_EPARSE,
					"got %s, expected an alias of a mapping (or a list of them)",
					soma__ydescribe(src, buf, sizeof(buf)));
		else
			rc = merge_from(c, n, src);
	}
	soma__ypop(c, old);
	if (rc)
		return rc;
	fy_node_free(fy_node_mapping_remove_by_key(n, PK(merge)));
	return SOMA_OK;
}
