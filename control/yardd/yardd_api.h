/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's public interface: the names of its JSON-RPC methods, compiled
 * into both yardd and its clients (yardctl), so that a method cannot be
 * renamed on one side only. What each method takes and answers is in
 * docs/api.md.
 *
 * The per-kind methods are "<singular>.<verb>", the singular from
 * TOPO_KINDS() (topology.h): a list kind answers the list verbs
 * ("network.create", ..., "network.list"), a single kind the single verbs
 * ("overlay.get", "overlay.set", "overlay.delete").
 *
 * Header only, no state: safe from any thread.
 */
#ifndef YARD_CONTROL_YARDD_API_H
#define YARD_CONTROL_YARDD_API_H

#include <errno.h>
#include <stdio.h>

#include "topology.h"

/* Verbs of the kinds that are lists of named objects. */
#define YARDD_VERB_CREATE "create"	/**< {"object": {...}}, a new name. */
#define YARDD_VERB_UPDATE "update"	/**< {"object": {...}}, replaces it. */
#define YARDD_VERB_LIST "list"		/**< No params: every object. */

/* Verbs of both: a list kind takes {"name": N}, a single kind nothing. */
#define YARDD_VERB_GET "get"
#define YARDD_VERB_DELETE "delete"

/* Verb of a single kind (the overlay): {"object": {...}}, set or replace. */
#define YARDD_VERB_SET "set"

/* The desired state as a whole. */
#define YARDD_M_APPLY "apply"		/**< Replace it with a document. */
#define YARDD_M_EXPORT "export"		/**< The document, YAML or JSON. */
#define YARDD_M_STATUS "status"		/**< Store and dataplane summary. */

/*
 * Runtime queries, answered by yard-dp through yardd: yardd passes the
 * params and the result through unchanged (docs/api.md has their shapes)
 * and fails with "dataplane not connected" while yard-dp is away. A name
 * may differ from yard-dp's own where that one is taken by a per-kind
 * method: yard-dp's flow.list (rules with their counters) is flow.stats
 * here, since flow.list is the stored flows.
 */
#define YARDD_M_STATS_PORTS "stats.ports"	/**< {"name"?}: port.stats. */
#define YARDD_M_STATS_NODES "stats.nodes"	/**< No params. */
#define YARDD_M_STATS_DROPS "stats.drops"	/**< No params. */
#define YARDD_M_FDB_LIST "fdb.list"		/**< {"network"?}. */
#define YARDD_M_NEIGH_LIST "neigh.list"		/**< {"router"?}. */
#define YARDD_M_ROUTER_STATS "router.stats"	/**< No params. */
#define YARDD_M_VTEP_LIST "vtep.list"		/**< No params. */
#define YARDD_M_FLOW_STATS "flow.stats"		/**< No params: flow.list. */
/* Capture sessions, passed to yard-dp as they are (docs/api.md). */
#define YARDD_M_CAPTURE_START "capture.start"
#define YARDD_M_CAPTURE_READ "capture.read"
#define YARDD_M_CAPTURE_STOP "capture.stop"
#define YARDD_M_TRACE_START "trace.start"	/**< Read and stopped as a capture. */

/*
 * Routes of a router, stored one row each (routes are data): a change
 * reaches yard-dp as route.add/route.del of the routes it touches.
 */
#define YARDD_M_ROUTE_ADD "route.add"	/**< {router, routes: [...]}. */
#define YARDD_M_ROUTE_DEL "route.del"	/**< {router, prefixes: [...]}. */
#define YARDD_M_ROUTE_LIST "route.list"	/**< {router, offset?, limit?}. */
#define YARDD_M_ROUTE_GET "route.get"	/**< yard-dp's route.get. */
#define YARDD_M_ROUTER_FIB "router.fib"	/**< yard-dp's router.list. */

/*
 * Push failed ports again now, resetting their back-off: {"name": N} or
 * {"all": true}. Answers {"ports": [{"name", "retried" (it was in error),
 * "status", "message"?}, ...]}.
 */
#define YARDD_M_PORT_RETRY "port.retry"

/* A VM's own verbs, besides the per-kind methods of kind vm. */
#define YARDD_M_VM_START "vm.start"
#define YARDD_M_VM_STOP "vm.stop"
#define YARDD_M_VM_LOG "vm.log"

/**
 * Write the per-kind method "<singular>.<verb>" ("port.create").
 *
 * @param buf
 *   Where the name goes, NUL-terminated.
 * @param len
 *   Size of `buf`; 64 bytes hold every name.
 * @param k
 *   The kind, from topo_kind_get() or a look-up.
 * @param verb
 *   One of the YARDD_VERB_* constants.
 * @return
 *   0, or -ENAMETOOLONG when `buf` is too small (it then holds a
 *   truncated name).
 */
static inline int
yardd_kind_method(char *buf, size_t len, const struct topo_kind_info *k,
		  const char *verb)
{
	int n = snprintf(buf, len, "%s.%s", k->singular, verb);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

#endif /* YARD_CONTROL_YARDD_API_H */
