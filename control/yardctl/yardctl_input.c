/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl's input: files read whole, one object from YAML or JSON, and
 * objects built from KEY=VALUE pairs on the command line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "rpc.h"
#include "yardctl_priv.h"

/* Caps on what a file may nest or hold (a YAML alias bomb, say). */
#define YC_YAML_DEPTH_MAX 64
#define YC_YAML_NODES_MAX 100000

__attribute__((format(printf, 1, 2)))
static int
yc_pair_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("yardctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

char *
yc_file_read(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t cap = 0, n;
	char *buf = NULL, *nbuf;

	*len = 0;
	if (f == NULL)
		goto fail;
	for (;;) {
		if (cap - *len < 2) {
			cap = cap ? cap * 2 : 64 << 10;
			nbuf = realloc(buf, cap);
			if (nbuf == NULL)
				yc_die_nomem();
			buf = nbuf;
		}
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (*len > RPC_MAX_LINE) {
			fprintf(stderr, "yardctl: %s is larger than the %u MiB "
				"a request to yardd may hold\n", path,
				RPC_MAX_LINE >> 20);
			goto fail_quiet;
		}
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	if (f != stdin)
		fclose(f);
	buf[*len] = '\0';
	return buf;

fail:
	fprintf(stderr, "yardctl: cannot read %s: %s\n",
		f == stdin ? "standard input" : path, strerror(errno));
fail_quiet:
	if (f != NULL && f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}

/* Decimal or 0x hex integer, as the topology parser reads numbers. */
static bool
yc_integer_parse(const char *s, long long *v)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	char *end;

	if (d[0] < '0' || d[0] > '9' || (d[0] == '0' && d[1] >= '0' &&
					 d[1] <= '9'))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return *end == '\0' && errno == 0;
}

/* Plain YAML scalars: booleans, null, integers; the rest are strings. */
static json_t *
yc_scalar_json(const char *s, bool plain)
{
	long long v;

	if (plain) {
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
			return json_boolean(s[0] == 't');
		if (s[0] == '\0' || strcmp(s, "null") == 0 || strcmp(s, "~") == 0)
			return json_null();
		if (yc_integer_parse(s, &v))
			return json_integer(v);
	}
	return json_string(s);
}

struct yc_yaml {
	yaml_document_t doc;
	const char *path;
	size_t nodes;
};

static json_t *
yc_yaml_fail(struct yc_yaml *yy, yaml_node_t *n, const char *what)
{
	fprintf(stderr, "yardctl: %s:%zu: %s\n", yy->path,
		n->start_mark.line + 1, what);
	return NULL;
}

static json_t *
yc_yaml_json(struct yc_yaml *yy, yaml_node_t *n, int depth)
{
	yaml_node_item_t *item;
	yaml_node_pair_t *pair;
	json_t *out, *v;

	if (depth > YC_YAML_DEPTH_MAX || ++yy->nodes > YC_YAML_NODES_MAX)
		return yc_yaml_fail(yy, n, "nested too deep, or too large");
	switch (n->type) {
	case YAML_SCALAR_NODE:
		out = yc_scalar_json((const char *)n->data.scalar.value,
				     n->data.scalar.style ==
				     YAML_PLAIN_SCALAR_STYLE);
		if (out == NULL)
			return yc_yaml_fail(yy, n, "not UTF-8 text");
		return out;
	case YAML_SEQUENCE_NODE:
		out = json_array();
		for (item = n->data.sequence.items.start;
		     item < n->data.sequence.items.top; item++) {
			v = yc_yaml_json(yy, yaml_document_get_node(&yy->doc,
								    *item),
					 depth + 1);
			if (v == NULL || json_array_append_new(out, v) < 0)
				goto fail;
		}
		return out;
	case YAML_MAPPING_NODE:
		out = json_object();
		for (pair = n->data.mapping.pairs.start;
		     pair < n->data.mapping.pairs.top; pair++) {
			yaml_node_t *k = yaml_document_get_node(&yy->doc,
								 pair->key);
			const char *key;

			if (k->type != YAML_SCALAR_NODE) {
				yc_yaml_fail(yy, k, "a key must be a name");
				goto fail;
			}
			key = (const char *)k->data.scalar.value;
			if (json_object_get(out, key) != NULL) {
				char msg[128];

				snprintf(msg, sizeof(msg), "'%.64s' is given "
					 "twice", key);
				yc_yaml_fail(yy, k, msg);
				goto fail;
			}
			v = yc_yaml_json(yy, yaml_document_get_node(&yy->doc,
								    pair->value),
					 depth + 1);
			if (v == NULL || json_object_set_new(out, key, v) < 0)
				goto fail;
		}
		return out;
	default:
		return yc_yaml_fail(yy, n, "an empty document");
	}
fail:
	json_decref(out);
	return NULL;
}

/* Parse YAML (or JSON) text into JSON values; NULL after saying why. */
static json_t *
yc_text_json(const char *text, size_t len, const char *path)
{
	struct yc_yaml yy = { .path = path };
	const char *start, *next;
	yaml_document_t extra;
	json_error_t jerr;
	yaml_parser_t p;
	yaml_node_t *root;
	json_t *out = NULL;

	/*
	 * JSON ({"name": ...) keeps its own types (reals, escapes) when jansson
	 * reads it; {name: blue} is YAML.
	 */
	start = text + strspn(text, " \t\r\n");
	next = *start == '{' ? start + 1 + strspn(start + 1, " \t\r\n") : "";
	if (*next == '"' || *next == '}') {
		out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (out == NULL)
			fprintf(stderr, "yardctl: %s:%d: %s\n", path, jerr.line,
				jerr.text);
		return out;
	}
	if (!yaml_parser_initialize(&p))
		yc_die_nomem();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &yy.doc))
		goto parse_error;
	root = yaml_document_get_root_node(&yy.doc);
	if (root == NULL) {
		fprintf(stderr, "yardctl: %s: the file is empty\n", path);
	} else if (!yaml_parser_load(&p, &extra)) {
		yaml_document_delete(&yy.doc);
		goto parse_error;
	} else {
		if (yaml_document_get_root_node(&extra) != NULL)
			fprintf(stderr, "yardctl: %s:%zu: a second document; "
				"give one object\n", path,
				yaml_document_get_root_node(&extra)->start_mark.line + 1);
		else
			out = yc_yaml_json(&yy, root, 0);
		yaml_document_delete(&extra);
	}
	yaml_document_delete(&yy.doc);
	yaml_parser_delete(&p);
	return out;

parse_error:
	fprintf(stderr, "yardctl: %s:%zu: %s\n", path, p.problem_mark.line + 1,
		p.problem != NULL ? p.problem : "not YAML");
	yaml_parser_delete(&p);
	return NULL;
}

json_t *
yc_objects_from_file(const struct topo_kind_info *k, const char *path)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	json_t *doc, *list, *out = NULL, *v;
	size_t len, i;
	char *text = yc_file_read(path, &len);

	if (text == NULL)
		return NULL;
	doc = yc_text_json(text, len, name);
	free(text);
	if (doc == NULL)
		return NULL;
	list = json_object_get(doc, k->plural);
	if (json_object_size(doc) == 1 && json_is_array(list))
		out = json_incref(list);
	else if (json_is_array(doc))
		out = json_incref(doc);
	else if (json_is_object(doc))
		out = json_pack("[O]", doc);
	json_decref(doc);
	json_array_foreach(out, i, v)
		if (!json_is_object(v))
			break;
	if (out == NULL || json_array_size(out) == 0 ||
	    i < json_array_size(out)) {
		fprintf(stderr, "yardctl: %s: expected %s objects (key: value "
			"lines or {...}; a list of them; or a document with "
			"only '%s')\n", name, k->singular, k->plural);
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
yc_object_from_file(const struct topo_kind_info *k, const char *path)
{
	json_t *list = yc_objects_from_file(k, path), *obj = NULL;

	if (json_array_size(list) == 1)
		obj = json_incref(json_array_get(list, 0));
	else if (list != NULL)
		fprintf(stderr, "yardctl: %s: one %s object was expected, it "
			"holds %zu; to set several at once use 'yardctl apply'"
			"%s\n", path, k->singular, json_array_size(list),
			k->kind == TOPO_KIND_FLOW ? " or 'yardctl flow add'" : "");
	json_decref(list);
	return obj;
}

/* Keys whose values are always strings, even "123" or "true". */
static bool
yc_key_is_string(const char *key)
{
	static const char *const keys[] = {
		"name", "kind", "network", "mac", "socket", "devargs", "memory",
		"accel", "kernel", "initrd", "cmdline", "disk", "netns", NULL,
	};

	for (unsigned int i = 0; keys[i] != NULL; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* The value of KEY=VALUE; NULL after saying why. */
static json_t *
yc_pair_value(const char *key, const char *val)
{
	json_t *out;
	char *copy, *item, *save = NULL;

	if (strcmp(key, "ips") == 0 || strcmp(key, "nics") == 0 ||
	    strcmp(key, "addresses") == 0 || strcmp(key, "trunk") == 0) {
		out = json_array();
		copy = strdup(val);
		if (out == NULL || copy == NULL)
			yc_die_nomem();
		for (item = strtok_r(copy, ",", &save); item != NULL;
		     item = strtok_r(NULL, ",", &save)) {
			char *slash = strchr(item, '/');
			long long vlan;
			json_t *v;

			if (strcmp(key, "trunk") != 0) {
				v = json_string(item);
			} else if (slash == NULL ||
				   !yc_integer_parse(slash + 1, &vlan)) {
				fprintf(stderr, "yardctl: trunk=%s: write each "
					"VLAN as NETWORK/VLAN, e.g. "
					"trunk=blue/100,red/200\n", val);
				free(copy);
				json_decref(out);
				return NULL;
			} else {
				*slash = '\0';
				v = json_pack("{s:s, s:I}", "network", item,
					      "vlan", (json_int_t)vlan);
			}
			if (v == NULL || json_array_append_new(out, v) < 0)
				yc_die_nomem();
		}
		free(copy);
		return out;
	}
	if (strcmp(key, "action") == 0 && (strncmp(val, "output:", 7) == 0 ||
					   strncmp(val, "mirror:", 7) == 0)) {
		out = json_object();
		if (out == NULL)
			yc_die_nomem();
		json_object_set_new(out, val[0] == 'o' ? "output" : "mirror",
				    json_string(val + 7));
		return out;
	}
	out = yc_key_is_string(key) ? json_string(val) :
	      yc_scalar_json(val, true);
	if (out == NULL)
		fprintf(stderr, "yardctl: %s=: the value is not UTF-8 text\n",
			key);
	return out;
}

int
yc_pairs_apply(json_t *obj, int n, char **pairs)
{
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');
		size_t klen = eq != NULL ? (size_t)(eq - pairs[i]) : 0;
		bool raw = klen > 0 && pairs[i][klen - 1] == ':';
		char key[64];
		json_error_t jerr;
		json_t *v;

		if (raw)
			klen--;
		if (eq == NULL || klen == 0 || klen >= sizeof(key) ||
		    strspn(pairs[i], "abcdefghijklmnopqrstuvwxyz_0123456789")
		    != klen)
			return yc_pair_fail("'%s' is not KEY=VALUE (keys are "
					    "those of topology schema v1: name, "
					    "vni, ...)", pairs[i]);
		memcpy(key, pairs[i], klen);
		key[klen] = '\0';
		for (int j = 0; j < i; j++)
			if (strncmp(pairs[j], key, klen) == 0 &&
			    (pairs[j][klen] == '=' || pairs[j][klen] == ':'))
				return yc_pair_fail("%s is given twice", key);
		if (eq[1] == '\0') {
			json_object_del(obj, key);
			continue;
		}
		if (raw) {
			v = json_loads(eq + 1, JSON_DECODE_ANY, &jerr);
			if (v == NULL)
				return yc_pair_fail("%s:=%s: not JSON: %s", key,
						    eq + 1, jerr.text);
		} else {
			v = yc_pair_value(key, eq + 1);
			if (v == NULL)
				return -EINVAL;
		}
		json_object_set_new(obj, key, v);
	}
	return 0;
}
