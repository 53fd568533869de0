/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the topology parser: the parse context, typed access to the
 * libyaml document with errors that name FILE:LINE and the key path, and a
 * small hash index for duplicate and reference checks.
 *
 * topology_yaml.c  the document: loading, errors, typed getters, lists
 * topology_value.c scalar syntax: names, MAC, IPv4, prefixes, ranges, sizes
 * topology.c       the schema: sections, defaults, cross references
 */
#ifndef YARD_CONTROL_TOPOLOGY_PRIV_H
#define YARD_CONTROL_TOPOLOGY_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "topology.h"

/** Longest key path shown in a message, e.g. "routers[2].routes[10].via[3]". */
#define TOPO_KEYPATH_MAX 128
/** Most keys one mapping of the schema knows. */
#define TOPO_MAP_KEYS_MAX 12
/** Deepest nesting accepted; the schema itself needs 6 levels. */
#define TOPO_DEPTH_MAX 32

/** Open-addressing hash from a short byte key to an array index. */
struct topo_index_slot {
	uint32_t idx1;		/* Array index + 1; 0 marks a free slot. */
	uint8_t klen;
	char key[TOPO_NAME_MAX];
};

struct topo_index {
	struct topo_index_slot *slots;
	size_t cap;		/* A power of two, or 0. */
	size_t n;
};

/* Parse `text`; `part`: a part of a larger document (topo_parse_json_part). */
struct topo *topo_parse_text(const char *text, size_t len, const char *name,
			     bool part, struct topo_error *err);

#define TOPO_MSG_NO_NETWORK \
	"missing required key 'network' (or 'trunk' for an 802.1Q trunk port)"

struct topo_ctx {
	const char *file;	/* Shown in messages. */
	struct topo_error *err;
	struct topo *t;
	yaml_document_t doc;
	bool doc_loaded;
	/*
	 * Node visits left. Aliases let a small document name the same large
	 * subtree many times; the walk stops instead of building it each time.
	 */
	size_t budget;
	struct topo_index networks, ports, routers, flows, vms;
	struct topo_index vnis;		/* vni -> network. */
	struct topo_index routes;	/* prefix -> route, of one router. */
	/* Per-network marks, to find a network listed twice in one object. */
	uint32_t *net_stamp;
	uint32_t *net_aux;
	uint32_t stamp;
	int32_t *port_vm;	/* Per port: the index of the VM using it, or -1. */
	/*
	 * The port with neither network nor trunk, if any: allowed only as
	 * the overlay's underlay, which is parsed after the ports.
	 */
	yaml_node_t *bare_node;
	bool part;		/* topo_parse_json_part(): no bare-port rule. */
	char bare_path[TOPO_KEYPATH_MAX];
	unsigned int bare_idx;
};

/** A mapping checked against its known keys, with each key's value node. */
struct topo_map {
	struct topo_ctx *c;
	yaml_node_t *node;
	const char *path;
	const char *const *keys;
	yaml_node_t *key[TOPO_MAP_KEYS_MAX];	/* Key nodes, for their lines. */
	yaml_node_t *val[TOPO_MAP_KEYS_MAX];
};

/* ---- topology_yaml.c ---- */

/**
 * Record the first error: "FILE:LINE: PATH: message". `n` gives the line
 * (none when NULL); `path` may be NULL or "". Returns -EINVAL.
 */
int topo_fail(struct topo_ctx *c, const yaml_node_t *n, const char *path,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Load `text` into c->doc; a syntax error is reported with its line. */
int topo_doc_load(struct topo_ctx *c, const char *text, size_t len);

/** 1-based line of a node. */
int topo_node_line(const yaml_node_t *n);
/** A scalar whose whole text is `s`. */
bool topo_node_is(const yaml_node_t *n, const char *s);
/** A plain empty, "~" or "null" scalar. */
bool topo_node_is_null(const yaml_node_t *n);

/** "parent.key", or "key" at the top. */
void topo_path_key(char *dst, const char *parent, const char *key);
/** "parent[i]". */
void topo_path_idx(char *dst, const char *parent, size_t i);

/**
 * Check that `n` is a mapping whose keys are all in the NULL-terminated
 * `keys`, each at most once, and fill m->val. `path` must outlive `m`.
 */
int topo_map_load(struct topo_ctx *c, yaml_node_t *n, const char *path,
		  const char *const *keys, struct topo_map *m);
/** Child path of key `k`. */
void topo_map_path(const struct topo_map *m, int k, char *dst);
/** Report key `k` as missing. */
int topo_map_missing(const struct topo_map *m, int k);

/*
 * Typed getters on a node. Each checks the node's type and syntax and
 * reports with the node's line and `path`.
 */
int topo_node_seq(struct topo_ctx *c, yaml_node_t *n, const char *path,
		  yaml_node_item_t **items, size_t *count);
int topo_node_str(struct topo_ctx *c, yaml_node_t *n, const char *path,
		  char *buf, size_t size);
int topo_node_name(struct topo_ctx *c, yaml_node_t *n, const char *path,
		   char buf[TOPO_NAME_MAX]);
int topo_node_uint(struct topo_ctx *c, yaml_node_t *n, const char *path,
		   uint64_t min, uint64_t max, uint64_t *out);
int topo_node_bool(struct topo_ctx *c, yaml_node_t *n, const char *path,
		   bool *out);
int topo_node_mac(struct topo_ctx *c, yaml_node_t *n, const char *path,
		  bool unicast, uint8_t mac[6]);
int topo_node_ipv4(struct topo_ctx *c, yaml_node_t *n, const char *path,
		   uint32_t *addr);
/** `network`: the host bits must be zero (a route or match prefix). */
int topo_node_prefix(struct topo_ctx *c, yaml_node_t *n, const char *path,
		     bool network, struct topo_prefix *p);
int topo_node_port_range(struct topo_ctx *c, yaml_node_t *n, const char *path,
			 uint16_t *lo, uint16_t *hi);
int topo_node_memory(struct topo_ctx *c, yaml_node_t *n, const char *path,
		     uint64_t *bytes);

/*
 * The same on key `k` of a map. Optional keys (`required` false) that are
 * absent leave the output untouched and return 0.
 */
int topo_map_seq(const struct topo_map *m, int k, bool required,
		 yaml_node_item_t **items, size_t *count);
int topo_map_str(const struct topo_map *m, int k, bool required, char *buf,
		 size_t size);
int topo_map_name(const struct topo_map *m, int k, bool required,
		  char buf[TOPO_NAME_MAX]);
int topo_map_uint(const struct topo_map *m, int k, bool required,
		  uint64_t min, uint64_t max, uint64_t *out);
int topo_map_bool(const struct topo_map *m, int k, bool *out);
int topo_map_mac(const struct topo_map *m, int k, bool unicast,
		 bool *has, uint8_t mac[6]);
int topo_map_ipv4(const struct topo_map *m, int k, bool required,
		  bool *has, uint32_t *addr);
int topo_map_prefix(const struct topo_map *m, int k, bool required,
		    bool network, struct topo_prefix *p);

/** Record "out of memory" and return -ENOMEM. */
int topo_nomem(struct topo_ctx *c);

/** Key `k` as one of the NULL-terminated `names`; its index in *out. */
int topo_map_enum(const struct topo_map *m, int k, bool required,
		  const char *const *names, const char *what, int *out);

/**
 * Parse the list under key `k`, calling `item` for entry i with `path`
 * "...[i]". `arrp` points at the struct array pointer (NULL on entry) that
 * grows as entries are parsed; *n counts them, the failed one included, so
 * that topo_free() sees every allocation.
 */
int topo_list_parse(const struct topo_map *m, int k, bool required,
		    void *arrp, unsigned int *n, size_t elem,
		    int (*item)(struct topo_ctx *c, yaml_node_t *node,
				const char *path, void *parent, unsigned int i),
		    void *parent);

/** Up to `max` distinct IPv4 addresses under key `k`; `what` names one. */
int topo_map_ipv4_list(const struct topo_map *m, int k, bool required,
		       unsigned int max, const char *what, uint32_t *out,
		       unsigned int *n);

/* ---- topology_value.c ---- */

/** "22" or "1000-2000", lo <= hi. */
int topo_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi);
/** Decimal or 0x hexadecimal, no sign, no leading zeros. */
int topo_uint_parse(const char *s, uint64_t *out);
/** "256M", "1G" or a number of MiB; bytes out. */
int topo_memory_parse(const char *s, uint64_t *bytes);
/** Network mask of a prefix length, network byte order. */
uint32_t topo_plen_mask(uint8_t plen);
/** "a.b.c.d" into buf (at least 16 bytes). */
const char *topo_ipv4_str(uint32_t addr, char *buf);

int topo_index_put(struct topo_index *ix, const void *key, size_t klen,
		   uint32_t idx, uint32_t *prev);
int topo_index_get(const struct topo_index *ix, const void *key, size_t klen,
		   uint32_t *idx);
void topo_index_reset(struct topo_index *ix);
void topo_index_fini(struct topo_index *ix);

#endif /* YARD_CONTROL_TOPOLOGY_PRIV_H */
