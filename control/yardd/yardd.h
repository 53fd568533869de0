/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd internals (not a library header): the daemon's state, its methods
 * (yardd_api.c) and the reconciler that programs yard-dp (yardd_sync.c).
 * Everything runs on the daemon's one thread.
 */
#ifndef YARD_YARDD_H
#define YARD_YARDD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "policy.h"
#include "rpc.h"
#include "store.h"
#include "topology.h"

struct yardd {
	struct rpc_server *srv;
	struct store *store;
	const char *db_path;
	json_t *desired;		/* Canonical document, as stored. */

	const char *dp_path;		/* yard-dp's API socket. */
	struct rpc_client *dp;		/* NULL while yard-dp is away. */
	uint64_t dp_last_try;		/* Last connection attempt, ms. */
	uint64_t dp_last_call;		/* Last call to yard-dp, ms (keepalive). */
	uint64_t dp_connects;		/* Successful connections so far. */
	unsigned int dp_ports_max;	/* Ports yard-dp can hold (0: not known). */
	unsigned int dp_flows_max;	/* Its flow-max-rules (0: not known). */
	/* vhost ports (vNICs) it holds beside those (0: they count as ports). */
	unsigned int dp_vnics_max;
	/* Its workers: a VM NIC gets a queue pair per worker (0: not known). */
	unsigned int dp_workers;
	unsigned int last_sync_ops;	/* Operations the last sync sent. */
	/*
	 * What yard-dp holds, per programmed kind: name -> object, as its
	 * topology.export gave it when yardd connected, then kept up to date
	 * with every operation it accepted. NULL: not read yet (a sync reads
	 * it). So a change costs the objects it touches, not a read of
	 * everything yard-dp holds.
	 */
	json_t *held[TOPO_KIND_MAX];
	uint64_t held_reads;		/* topology.export reads so far. */
	/*
	 * "kind/name" -> a failed push: {"message", "op" (what was sent),
	 * "attempts", "next_ms"}. The same operation is sent again only when
	 * next_ms has come (back-off: 1 s, doubling up to 60 s), or at once
	 * when the object changed or yard-dp reconnected.
	 */
	json_t *errors;
	uint64_t next_retry_ms;		/* Earliest next_ms of errors; 0: none. */

	struct yardd_routes *routes;	/* Routers' routes (yardd_routes.c). */

	const struct policy *policy;	/* What clients may make root do. */
	const char *vm_dir;		/* VM state directories live here. */
	int vm_accel;			/* enum hv_accel for VMs that say auto. */
};

void yardd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* yardd_api.c */
int yardd_api_register(struct yardd *d);

/* yardd_sync.c */

/** Connect to yard-dp when away (at most every 500 ms) and notice when it goes. */
void yardd_dp_poll(struct yardd *d);

/**
 * Make yard-dp hold the desired objects of the kinds it programs (those
 * with yard-dp methods in TOPO_KINDS()): read what it has, send only the
 * difference. Failures of single objects are kept in
 * d->errors and not sent again before their back-off ends (unless the
 * object changed); a transport failure drops the connection.
 */
void yardd_sync(struct yardd *d);

/**
 * Push failed objects of kind `k` again now, their back-off and attempt
 * count reset: object `name`, or every one of the kind in error when
 * `name` is NULL. An object not in error is left alone.
 *
 * @param names
 *   When not NULL, the names of the objects pushed again are appended.
 * @return
 *   How many objects were in error and were pushed again; -ENOTCONN when
 *   yard-dp is away (nothing can be pushed).
 */
int yardd_retry(struct yardd *d, const struct topo_kind_info *k,
		const char *name, json_t *names);

/** Call yard-dp; -ENOTCONN (and `err` filled) when it is away. */
int yardd_dp_call(struct yardd *d, const char *method, json_t *params,
		  json_t **result, struct rpc_error *err);

/**
 * Status of a stored object of kind `k` ("" names the one object of a
 * single kind): "programmed", "pending", "unprogrammed" or "error" (then
 * *message is set, borrowed).
 */
const char *yardd_object_status(const struct yardd *d,
				const struct topo_kind_info *k,
				const char *name, const char **message);

/** The key of an object in d->errors: "ports/vm1-eth0". */
void yardd_object_key(char *buf, size_t len, const struct topo_kind_info *k,
		      const char *name);

/* yardd_routes.c: routes are rows, not part of the router objects */

/* router.get shows a router's routes up to this many (then route.list). */
#define YARDD_ROUTES_INLINE_MAX 10000

/** Open the routes table in d->db_path (created when missing). 0 or -errno. */
int yardd_routes_open(struct yardd *d);
void yardd_routes_close(struct yardd *d);
/** Recount the per-router summaries from the table. */
int yardd_routes_reload(struct yardd *d);
int yardd_routes_api_register(struct yardd *d);

/**
 * Check that every route of `r` has its next hops on one of r's
 * interfaces; -EINVAL with `why` naming the first that does not.
 */
int yardd_routes_check(struct yardd *d, const struct topo_router *r,
		       char *why, size_t len);

/**
 * Make the stored routes of `router` exactly `rts` (one transaction) and
 * queue the difference for yard-dp (sent by yardd_routes_sync()).
 */
int yardd_routes_replace(struct yardd *d, const char *router,
			 const struct topo_route *rts, unsigned int n);

/** Delete the routes of routers no longer desired. */
int yardd_routes_prune(struct yardd *d);

/** Stored routes of `router`. */
uint64_t yardd_routes_count(const struct yardd *d, const char *router);

/** The digest of the stored routes of `router`, as yard-dp writes it. */
json_t *yardd_routes_digest_json(const struct yardd *d, const char *router);

/** The stored routes of `router` as [{prefix, via}], sorted. */
json_t *yardd_routes_json(struct yardd *d, const char *router);

/**
 * Send queued route changes to yard-dp, then compare each router's route
 * count and digest with yard-dp's and repair the routers that differ.
 * Called at the end of yardd_sync().
 */
void yardd_routes_sync(struct yardd *d);

/** Add {"routes": {stored, pushed, repairs}} to status object `o`. */
void yardd_routes_status(const struct yardd *d, json_t *o);

/* yardd_refs.c */

/**
 * The stored objects of `doc` that name object `name` of kind `k` (a port
 * naming its network, a vm its nics, a flow its ports): what stands in the
 * way of its delete.
 *
 * @param buf
 *   Filled with "port 'p1', port 'p2', router 'r1'" (cut at `len`).
 * @return
 *   How many objects name it (0: none, `buf` is "").
 */
unsigned int yardd_refs_list(json_t *doc, const struct topo_kind_info *k,
			     const char *name, char *buf, size_t len);

/* yardd_vm.c */

/**
 * Keep the stored VMs running: adopt running QEMUs, start those whose
 * ports yard-dp holds, restart dead ones after a back-off, stop deleted
 * ones. Cheap when there are no VMs; checks QEMU at most every 2 s.
 */
void yardd_vms_sync(struct yardd *d);

/**
 * The main loop's call: yardd_vms_sync() at most once a second (changes
 * and dataplane syncs call yardd_vms_sync() themselves, at once).
 */
void yardd_vms_tick(struct yardd *d);

/** yardd exits: forget the VMs, leaving them running. */
void yardd_vms_forget(void);

/** "running", "stopped", "starting", "unprogrammed" or "error" (+ message). */
const char *yardd_vm_status(const struct yardd *d, const char *name,
			    const char **message);

int yardd_vm_api_register(struct yardd *d);

/* yardd_metrics.c */

/**
 * Serve Prometheus/OpenMetrics text on GET /metrics at `spec`
 * ("ADDRESS:PORT", "[IPV6]:PORT", or "PORT" for 127.0.0.1), refusing an
 * address other than loopback unless `public`.
 *
 * @return
 *   A descriptor that is readable when yardd_metrics_run() has work, or
 *   -errno with `why` filled (-EINVAL a bad spec, -EPERM not loopback,
 *   -EADDRINUSE cannot listen).
 */
int yardd_metrics_start(struct yardd *d, const char *spec, bool public,
			char *why, size_t len);

/**
 * Answer what scrapers sent; never waits for them.
 *
 * @return
 *   Milliseconds before it must run again even if nothing is readable
 *   (0: at once), or -1 for no such deadline.
 */
int yardd_metrics_run(void);

/** Close the listener and every scrape. Safe when not started. */
void yardd_metrics_stop(void);

#endif /* YARD_YARDD_H */
