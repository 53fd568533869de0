/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The topology document: loading it with libyaml, error messages with the
 * file, line and key path, and typed access to its nodes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "topology_priv.h"

static int
topo_fail_va(struct topo_ctx *c, int line, const char *path, const char *fmt,
	     va_list ap)
{
	char *msg;
	size_t size, off;
	int n;

	/* The first error is the one reported; later ones are consequences. */
	if (c->err == NULL || c->err->msg[0] != '\0')
		return -EINVAL;
	c->err->line = line;
	msg = c->err->msg;
	size = sizeof(c->err->msg);
	if (line > 0)
		n = snprintf(msg, size, "%s:%d: ", c->file, line);
	else
		n = snprintf(msg, size, "%s: ", c->file);
	off = n > 0 && (size_t)n < size ? (size_t)n : size - 1;
	if (path != NULL && path[0] != '\0') {
		n = snprintf(msg + off, size - off, "%s: ", path);
		if (n > 0 && (size_t)n < size - off)
			off += (size_t)n;
		else
			off = size - 1;
	}
	vsnprintf(msg + off, size - off, fmt, ap);
	return -EINVAL;
}

int
topo_fail(struct topo_ctx *c, const yaml_node_t *n, const char *path,
	  const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = topo_fail_va(c, n != NULL ? topo_node_line(n) : 0, path, fmt, ap);
	va_end(ap);
	return rc;
}

static int
topo_fail_line(struct topo_ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
topo_fail_line(struct topo_ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = topo_fail_va(c, line, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
topo_node_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* ---- Loading ---- */

static int
topo_syntax_fail(struct topo_ctx *c, const yaml_parser_t *p, const char *text,
		 size_t len)
{
	size_t i, line = 1;

	if (p->error == YAML_MEMORY_ERROR)
		return topo_fail_line(c, 0, "out of memory");
	if (p->error == YAML_READER_ERROR) {
		/* The reader counts bytes, not lines; find the line. */
		for (i = 0; i < p->problem_offset && i < len; i++)
			if (text[i] == '\n')
				line++;
		return topo_fail_line(c, (int)line, "%s (byte %zu)",
				      p->problem ? p->problem : "unreadable input",
				      p->problem_offset);
	}
	if (p->context != NULL)
		return topo_fail_line(c, (int)p->problem_mark.line + 1,
				      "YAML syntax error: %s (%s started on line %zu)",
				      p->problem ? p->problem : "unknown problem",
				      p->context, p->context_mark.line + 1);
	return topo_fail_line(c, (int)p->problem_mark.line + 1,
			      "YAML syntax error: %s",
			      p->problem ? p->problem : "unknown problem");
}

/*
 * libyaml's loader spends time quadratic in the flow nesting depth (100000
 * '[' take seconds), while its event parser can stop at once. Walk the events
 * first and refuse documents nested deeper than any topology can be.
 */
static int
topo_depth_check(struct topo_ctx *c, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return topo_fail_line(c, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = topo_syntax_fail(c, &p, text, len);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > TOPO_DEPTH_MAX) {
				rc = topo_fail_line(c,
					(int)ev.start_mark.line + 1,
					"lists and mappings nested deeper than %d levels; a topology needs at most 6",
					TOPO_DEPTH_MAX);
				done = true;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_STREAM_END_EVENT) {
			done = true;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

int
topo_doc_load(struct topo_ctx *c, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_document_t extra;
	yaml_node_t *root;
	int rc;

	rc = topo_depth_check(c, text, len);
	if (rc < 0)
		return rc;
	if (!yaml_parser_initialize(&p))
		return topo_fail_line(c, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &c->doc)) {
		rc = topo_syntax_fail(c, &p, text, len);
		goto out;
	}
	c->doc_loaded = true;
	c->budget = 4 * (size_t)(c->doc.nodes.top - c->doc.nodes.start) + 1024;

	/* A second document would be ignored silently; refuse it instead. */
	if (!yaml_parser_load(&p, &extra)) {
		rc = topo_syntax_fail(c, &p, text, len);
		goto out;
	}
	root = yaml_document_get_root_node(&extra);
	if (root != NULL)
		rc = topo_fail_line(c, topo_node_line(root),
				    "a second YAML document starts here; a topology is one document");
	yaml_document_delete(&extra);
out:
	yaml_parser_delete(&p);
	return rc;
}

/* ---- Paths and descriptions ---- */

/* A path cut at the buffer's end says so, rather than look complete. */
static void
topo_path_fit(char *dst, int n)
{
	if (n >= TOPO_KEYPATH_MAX)
		memcpy(dst + TOPO_KEYPATH_MAX - 4, "...", 4);
}

void
topo_path_key(char *dst, const char *parent, const char *key)
{
	if (parent == NULL || parent[0] == '\0')
		topo_path_fit(dst, snprintf(dst, TOPO_KEYPATH_MAX, "%s", key));
	else
		topo_path_fit(dst, snprintf(dst, TOPO_KEYPATH_MAX, "%s.%s",
					    parent, key));
}

void
topo_path_idx(char *dst, const char *parent, size_t i)
{
	topo_path_fit(dst, snprintf(dst, TOPO_KEYPATH_MAX, "%s[%zu]", parent,
				    i));
}

bool
topo_node_is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return n->data.scalar.length == 0 || topo_node_is(n, "~") ||
	       topo_node_is(n, "null") || topo_node_is(n, "Null") ||
	       topo_node_is(n, "NULL");
}

/* What a node is, for "expected X, got Y" messages. */
static const char *
topo_node_describe(const yaml_node_t *n, char *buf, size_t size)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		if (topo_node_is_null(n))
			return "nothing (null)";
		snprintf(buf, size, "%s'%.40s%s'",
			 n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ?
				 "" : "the string ",
			 (const char *)n->data.scalar.value,
			 n->data.scalar.length > 40 ? "..." : "");
		return buf;
	default:
		return "an empty node";
	}
}

static int
topo_budget_take(struct topo_ctx *c, yaml_node_t *n, const char *path,
		 size_t count)
{
	if (count > c->budget)
		return topo_fail(c, n, path,
				 "aliases (*name) expand the document to more than four times its size");
	c->budget -= count;
	return 0;
}

/* ---- Mappings ---- */

bool
topo_node_is(const yaml_node_t *n, const char *s)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.length == strlen(s) &&
	       memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

int
topo_map_load(struct topo_ctx *c, yaml_node_t *n, const char *path,
	      const char *const *keys, struct topo_map *m)
{
	char desc[64], known[256];
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t off;
	int k, rc;

	memset(m, 0, sizeof(*m));
	m->c = c;
	m->node = n;
	m->path = path;
	m->keys = keys;
	if (n->type != YAML_MAPPING_NODE)
		return topo_fail(c, n, path, "expected a mapping, got %s",
				 topo_node_describe(n, desc, sizeof(desc)));
	rc = topo_budget_take(c, n, path, (size_t)(n->data.mapping.pairs.top -
						   n->data.mapping.pairs.start));
	if (rc < 0)
		return rc;

	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(&c->doc, pair->key);
		if (key->type != YAML_SCALAR_NODE)
			return topo_fail(c, key, path,
					 "keys must be names, got %s",
					 topo_node_describe(key, desc,
							    sizeof(desc)));
		for (k = 0; keys[k] != NULL; k++)
			if (topo_node_is(key, keys[k]))
				break;
		if (keys[k] == NULL) {
			off = 0;
			known[0] = '\0';
			for (k = 0; keys[k] != NULL && off < sizeof(known); k++)
				off += (size_t)snprintf(known + off,
							sizeof(known) - off,
							"%s%s", k ? ", " : "",
							keys[k]);
			return topo_fail(c, key, path,
					 "unknown key '%.40s' (the keys here are: %s)",
					 (const char *)key->data.scalar.value,
					 known);
		}
		if (m->val[k] != NULL)
			return topo_fail(c, key, path,
					 "key '%s' is given twice (first on line %d)",
					 keys[k], topo_node_line(m->key[k]));
		m->key[k] = key;
		m->val[k] = yaml_document_get_node(&c->doc, pair->value);
	}
	return 0;
}

void
topo_map_path(const struct topo_map *m, int k, char *dst)
{
	topo_path_key(dst, m->path, m->keys[k]);
}

int
topo_map_missing(const struct topo_map *m, int k)
{
	return topo_fail(m->c, m->node, m->path, "missing required key '%s'",
			 m->keys[k]);
}

/* ---- Typed node getters ---- */

int
topo_node_seq(struct topo_ctx *c, yaml_node_t *n, const char *path,
	      yaml_node_item_t **items, size_t *count)
{
	char desc[64];

	if (n->type == YAML_SCALAR_NODE && !topo_node_is_null(n))
		return topo_fail(c, n, path,
				 "expected a list, got %s; write a single item as [%.40s]",
				 topo_node_describe(n, desc, sizeof(desc)),
				 (const char *)n->data.scalar.value);
	if (n->type != YAML_SEQUENCE_NODE && !topo_node_is_null(n))
		return topo_fail(c, n, path, "expected a list, got %s",
				 topo_node_describe(n, desc, sizeof(desc)));
	if (n->type != YAML_SEQUENCE_NODE) {
		/* "key:" with nothing after it is an empty list. */
		*items = NULL;
		*count = 0;
		return 0;
	}
	*items = n->data.sequence.items.start;
	*count = (size_t)(n->data.sequence.items.top -
			  n->data.sequence.items.start);
	return topo_budget_take(c, n, path, *count);
}

/* The text of a non-null scalar without NUL bytes. */
static int
topo_node_text(struct topo_ctx *c, yaml_node_t *n, const char *path,
	       const char *what, const char **text)
{
	char desc[64];

	if (n->type != YAML_SCALAR_NODE || topo_node_is_null(n))
		return topo_fail(c, n, path, "expected %s, got %s", what,
				 topo_node_describe(n, desc, sizeof(desc)));
	*text = (const char *)n->data.scalar.value;
	if (strlen(*text) != n->data.scalar.length)
		return topo_fail(c, n, path,
				 "'%.40s...' contains a NUL character", *text);
	return 0;
}

int
topo_node_str(struct topo_ctx *c, yaml_node_t *n, const char *path, char *buf,
	      size_t size)
{
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "a string", &s);
	if (rc < 0)
		return rc;
	if (n->data.scalar.length >= size)
		return topo_fail(c, n, path,
				 "'%.40s...' is %zu characters long; the limit is %zu",
				 s, n->data.scalar.length, size - 1);
	memcpy(buf, s, n->data.scalar.length + 1);
	return 0;
}

int
topo_node_name(struct topo_ctx *c, yaml_node_t *n, const char *path,
	       char buf[TOPO_NAME_MAX])
{
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "a name", &s);
	if (rc < 0)
		return rc;
	if (topo_name_check(s) < 0)
		return topo_fail(c, n, path,
				 "'%.40s%s' is not a valid name: use 1 to %d characters from a-z, 0-9 and '-', starting with a letter or a digit",
				 s, n->data.scalar.length > 40 ? "..." : "",
				 TOPO_NAME_MAX - 1);
	memcpy(buf, s, n->data.scalar.length + 1);
	return 0;
}

int
topo_node_uint(struct topo_ctx *c, yaml_node_t *n, const char *path,
	       uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s;
	uint64_t v;
	int rc;

	rc = topo_node_text(c, n, path, "a number", &s);
	if (rc < 0)
		return rc;
	/*
	 * A quoted number is a string in YAML and in JSON alike; say so only
	 * when the quotes are what is wrong.
	 */
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    topo_uint_parse(s, &v) == 0)
		return topo_fail(c, n, path,
				 "expected a number, got the string '%.40s'; write it without quotes",
				 s);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return topo_fail(c, n, path, "expected a number, got '%.40s'",
				 s);
	rc = topo_uint_parse(s, &v);
	if (rc == -ERANGE || (rc == 0 && (v < min || v > max)))
		return topo_fail(c, n, path, "%.40s is out of range %llu..%llu",
				 s, (unsigned long long)min,
				 (unsigned long long)max);
	if (rc < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not a number (write decimal digits without leading zeros, or 0x and hex digits)",
				 s);
	*out = v;
	return 0;
}

int
topo_node_bool(struct topo_ctx *c, yaml_node_t *n, const char *path,
	       bool *out)
{
	char desc[64];

	if (n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (topo_node_is(n, "true")) {
			*out = true;
			return 0;
		}
		if (topo_node_is(n, "false")) {
			*out = false;
			return 0;
		}
	}
	return topo_fail(c, n, path, "expected true or false, got %s",
			 topo_node_describe(n, desc, sizeof(desc)));
}

int
topo_node_mac(struct topo_ctx *c, yaml_node_t *n, const char *path,
	      bool unicast, uint8_t mac[6])
{
	static const uint8_t zero[6];
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "a MAC address", &s);
	if (rc < 0)
		return rc;
	if (topo_mac_parse(s, mac) < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not a MAC address (write six two-digit hex groups, e.g. 52:54:00:00:01:01)",
				 s);
	if (unicast && (mac[0] & 1))
		return topo_fail(c, n, path,
				 "'%s' is a multicast MAC address; a port or interface MAC must be unicast (first byte even)",
				 s);
	if (unicast && memcmp(mac, zero, sizeof(zero)) == 0)
		return topo_fail(c, n, path,
				 "'%s' is the zero MAC address, which no port or interface can use",
				 s);
	return 0;
}

int
topo_node_ipv4(struct topo_ctx *c, yaml_node_t *n, const char *path,
	       uint32_t *addr)
{
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "an IPv4 address", &s);
	if (rc < 0)
		return rc;
	if (topo_ipv4_parse(s, addr) < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not an IPv4 address (write a dotted quad like 10.0.1.11)",
				 s);
	return 0;
}

int
topo_node_prefix(struct topo_ctx *c, yaml_node_t *n, const char *path,
		 bool network, struct topo_prefix *p)
{
	char buf[16];
	const char *s;
	uint32_t mask;
	int rc;

	rc = topo_node_text(c, n, path, "an IPv4 prefix", &s);
	if (rc < 0)
		return rc;
	if (topo_prefix_parse(s, p) < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not an IPv4 prefix (write an address and a length 0..32, like 10.0.1.0/24)",
				 s);
	mask = topo_plen_mask(p->plen);
	if (network && (p->addr & ~mask) != 0)
		return topo_fail(c, n, path,
				 "'%s' has host bits set; did you mean %s/%u?", s,
				 topo_ipv4_str(p->addr & mask, buf), p->plen);
	return 0;
}

int
topo_node_port_range(struct topo_ctx *c, yaml_node_t *n, const char *path,
		     uint16_t *lo, uint16_t *hi)
{
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "a port or a port range", &s);
	if (rc < 0)
		return rc;
	rc = topo_port_range_parse(s, lo, hi);
	if (rc == -ERANGE)
		return topo_fail(c, n, path,
				 "'%.40s' is out of range: ports are 0..65535, the low one first",
				 s);
	if (rc < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not a port or a port range (write 22 or \"1000-2000\")",
				 s);
	return 0;
}

int
topo_node_memory(struct topo_ctx *c, yaml_node_t *n, const char *path,
		 uint64_t *bytes)
{
	const char *s;
	int rc;

	rc = topo_node_text(c, n, path, "a memory size", &s);
	if (rc < 0)
		return rc;
	rc = topo_memory_parse(s, bytes);
	if (rc == -ERANGE)
		return topo_fail(c, n, path,
				 "'%.40s' is out of range 1M..4096G", s);
	if (rc < 0)
		return topo_fail(c, n, path,
				 "'%.40s' is not a memory size (write 256M, 1G or a number of MiB)",
				 s);
	return 0;
}

/* ---- Typed getters on a map key ---- */

#define TOPO_MAP_GET(m, k, required)					\
	do {								\
		if ((m)->val[k] == NULL)				\
			return (required) ? topo_map_missing(m, k) : 0;	\
		topo_map_path(m, k, path);				\
	} while (0)

int
topo_map_seq(const struct topo_map *m, int k, bool required,
	     yaml_node_item_t **items, size_t *count)
{
	char path[TOPO_KEYPATH_MAX];

	*items = NULL;
	*count = 0;
	TOPO_MAP_GET(m, k, required);
	return topo_node_seq(m->c, m->val[k], path, items, count);
}

int
topo_map_str(const struct topo_map *m, int k, bool required, char *buf,
	     size_t size)
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, required);
	return topo_node_str(m->c, m->val[k], path, buf, size);
}

int
topo_map_name(const struct topo_map *m, int k, bool required,
	      char buf[TOPO_NAME_MAX])
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, required);
	return topo_node_name(m->c, m->val[k], path, buf);
}

int
topo_map_uint(const struct topo_map *m, int k, bool required, uint64_t min,
	      uint64_t max, uint64_t *out)
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, required);
	return topo_node_uint(m->c, m->val[k], path, min, max, out);
}

int
topo_map_bool(const struct topo_map *m, int k, bool *out)
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, false);
	return topo_node_bool(m->c, m->val[k], path, out);
}

int
topo_map_mac(const struct topo_map *m, int k, bool unicast, bool *has,
	     uint8_t mac[6])
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, false);
	*has = true;
	return topo_node_mac(m->c, m->val[k], path, unicast, mac);
}

int
topo_map_ipv4(const struct topo_map *m, int k, bool required, bool *has,
	      uint32_t *addr)
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, required);
	if (has != NULL)
		*has = true;
	return topo_node_ipv4(m->c, m->val[k], path, addr);
}

int
topo_map_prefix(const struct topo_map *m, int k, bool required, bool network,
		struct topo_prefix *p)
{
	char path[TOPO_KEYPATH_MAX];

	TOPO_MAP_GET(m, k, required);
	return topo_node_prefix(m->c, m->val[k], path, network, p);
}

/* ---- Schema helpers ---- */

int
topo_nomem(struct topo_ctx *c)
{
	topo_fail(c, NULL, NULL, "out of memory");
	return -ENOMEM;
}

/* Key `k` as one of the NULL-terminated `names`; its index in *out. */
int
topo_map_enum(const struct topo_map *m, int k, bool required,
	      const char *const *names, const char *what, int *out)
{
	char path[TOPO_KEYPATH_MAX], list[128];
	size_t off = 0;
	int i;

	if (m->val[k] == NULL)
		return required ? topo_map_missing(m, k) : 0;
	topo_map_path(m, k, path);
	for (i = 0; names[i] != NULL; i++) {
		if (topo_node_is(m->val[k], names[i])) {
			*out = i;
			return 0;
		}
	}
	list[0] = '\0';
	for (i = 0; names[i] != NULL && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", names[i]);
	if (m->val[k]->type != YAML_SCALAR_NODE)
		return topo_fail(m->c, m->val[k], path,
				 "expected %s (one of %s), got a %s", what,
				 list,
				 m->val[k]->type == YAML_MAPPING_NODE ?
					 "mapping" : "list");
	return topo_fail(m->c, m->val[k], path,
			 "'%.40s' is not %s; use one of: %s",
			 (const char *)m->val[k]->data.scalar.value, what, list);
}

/*
 * Parse the list under key `k` with `item` for each entry. The array grows
 * as entries are parsed, so memory follows the document's real content and
 * *n always counts the entries topo_free() must look at.
 */
int
topo_list_parse(const struct topo_map *m, int k, bool required, void *arrp,
		unsigned int *n, size_t elem,
		int (*item)(struct topo_ctx *c, yaml_node_t *node,
			    const char *path, void *parent, unsigned int i),
		void *parent)
{
	char path[TOPO_KEYPATH_MAX], ipath[TOPO_KEYPATH_MAX];
	yaml_node_item_t *items;
	unsigned int cap = 0;
	size_t count, i;
	void *arr, *na;
	int rc;

	rc = topo_map_seq(m, k, required, &items, &count);
	if (rc < 0)
		return rc;
	topo_map_path(m, k, path);
	if (required && count == 0)
		return topo_fail(m->c, m->key[k], path,
				 "must list at least one entry");
	if (count >= UINT32_MAX / 2)
		return topo_fail(m->c, m->key[k], path, "too many entries");
	/* arrp points at a struct pointer; copy it bytewise, not as void *. */
	memcpy(&arr, arrp, sizeof(arr));
	for (i = 0; i < count; i++) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			na = realloc(arr, (size_t)cap * elem);
			if (na == NULL)
				return topo_nomem(m->c);
			arr = na;
			memcpy(arrp, &arr, sizeof(arr));
			memset((char *)arr + (size_t)*n * elem, 0,
			       (size_t)(cap - *n) * elem);
		}
		(*n)++;
		topo_path_idx(ipath, path, i);
		rc = item(m->c, yaml_document_get_node(&m->c->doc, items[i]),
			  ipath, parent, (unsigned int)i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A list of IPv4 addresses under key `k`, at most `max`, no duplicates. */
int
topo_map_ipv4_list(const struct topo_map *m, int k, bool required,
		   unsigned int max, const char *what, uint32_t *out,
		   unsigned int *n)
{
	char path[TOPO_KEYPATH_MAX], ipath[TOPO_KEYPATH_MAX], buf[16];
	yaml_node_item_t *items;
	yaml_node_t *node;
	size_t count, i, j;
	int rc;

	rc = topo_map_seq(m, k, required, &items, &count);
	if (rc < 0 || m->val[k] == NULL)
		return rc;
	topo_map_path(m, k, path);
	if (required && count == 0)
		return topo_fail(m->c, m->key[k], path,
				 "must list at least one %s", what);
	if (count > max)
		return topo_fail(m->c, m->val[k], path,
				 "%zu %s entries listed; the maximum is %u", count,
				 what, max);
	for (i = 0; i < count; i++) {
		node = yaml_document_get_node(&m->c->doc, items[i]);
		topo_path_idx(ipath, path, i);
		rc = topo_node_ipv4(m->c, node, ipath, &out[i]);
		if (rc < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				return topo_fail(m->c, node, ipath,
						 "%s is listed twice",
						 topo_ipv4_str(out[i], buf));
	}
	*n = (unsigned int)count;
	return 0;
}
