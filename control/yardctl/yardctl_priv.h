/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to yardctl: what yardctl.c (command line, requests),
 * yardctl_input.c (files, KEY=VALUE pairs) and yardctl_format.c (tables and
 * text for people) share. Not part of the control/ library.
 *
 * Every printer takes a method's result as yardd answered it (borrowed), and
 * trusts none of its shape: a value of the wrong type prints as "-" or, when
 * the whole answer is unusable, the printer says so on stderr and returns
 * -EPROTO. Allocation failures end the program (yc_die_nomem()).
 */
#ifndef YARD_CONTROL_YARDCTL_PRIV_H
#define YARD_CONTROL_YARDCTL_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "topology.h"

/** Exit statuses. */
#define YC_EXIT_OK	0	/**< Done. */
#define YC_EXIT_FAIL	1	/**< The request failed, yardd is unreachable,
				  * or the object changed ends in "error". */
#define YC_EXIT_USAGE	2	/**< Bad command line. */
#define YC_EXIT_PENDING	3	/**< Stored, but the dataplane cannot do it yet. */

/**
 * Parse a kind as a person types it, singular or plural ("port", "ports"):
 * the kinds of TOPO_KINDS() (topology.h) that are lists of named objects.
 *
 * @return
 *   The kind, or NULL.
 */
const struct topo_kind_info *yc_kind_parse(const char *s);

struct rpc_client;

/* The command line as yardctl.c parsed it, shared by the command files. */
struct yc {
	const char *socket;
	bool json;
	struct rpc_client *client;	/* Connected on the first request. */
};

/* Options a command takes besides the global ones. */
enum {
	YC_OPT_FILE = 1 << 0,
	YC_OPT_DRY_RUN = 1 << 1,
	YC_OPT_FORMAT = 1 << 2,
	YC_OPT_ALL = 1 << 3,
	YC_OPT_ROUTER = 1 << 4,
	YC_OPT_TOP = 1 << 5,
	/* The command parses its own options: they come in pos[]. */
	YC_OPT_RAW = 1 << 6,
};

struct yc_args {
	const char *file;
	const char *format;
	const char *router;
	const char *interval, *iterations;
	bool dry_run, all, batch, nodes;
	int npos;
	char **pos;
};

struct yc_cmd {
	const char *name;
	const char *synopsis;	/* One line, after "yardctl [global] ". */
	const char *brief;	/* One line: what it does. */
	const char *text;	/* The rest of its manual page. */
	unsigned int opts;
	int (*run)(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
};

/* yardctl.c: the commands of the table (yardctl_cmds.c). */
int yc_cmd_apply(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_export(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_list(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_named(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_write(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_stats(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_top(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_fdb(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_capture(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_trace(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_status(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_completion(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_vm(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_port(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_help(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);

/* The commands, ended by one without a name (yardctl_cmds.c). */
extern const struct yc_cmd yc_cmds[];

/* yardctl.c: what the command files share. */
int yc_usage(const struct yc_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int yc_done(json_t *res, int rc);
void yc_json_print(json_t *v);
int yc_status_exit(const char *status);
int yc_kind_call(struct yc *y, const struct topo_kind_info *k, const char *verb,
		 json_t *params, json_t **res);
int yc_cmd_view(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_object_from_pairs(struct yc *y, const struct yc_cmd *cmd,
			 const struct topo_kind_info *k, struct yc_args *a,
			 json_t **out);

/* yardctl_route.c, yardctl_flow.c: commands of the table. */
int yc_cmd_router(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_route(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);
int yc_cmd_flow(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a);

/**
 * Call `method` of yardd (params stolen); on failure say why on stderr.
 * Returns 0 with *res set (a new reference), or -1.
 */
int yc_call(struct yc *y, const char *method, json_t *params, json_t **res);

/**
 * yardctl capture with its arguments (yardctl_capture.c): PORT and the
 * options, in order. Returns an exit status.
 */
int yc_capture(struct yc *y, int npos, char **pos);

/** yardctl trace with its arguments, as yc_capture(). */
int yc_trace(struct yc *y, int npos, char **pos);

/** Print "yardctl: out of memory" and exit YC_EXIT_FAIL. */
__attribute__((noreturn)) void yc_die_nomem(void);

/* ---- Input (yardctl_input.c): each says why on stderr when it fails ---- */

/**
 * Read a whole file ("-": standard input), NUL-terminated, refusing one
 * larger than a request may be (RPC_MAX_LINE).
 *
 * @return
 *   The malloc'd text with its length in *len, or NULL.
 */
char *yc_file_read(const char *path, size_t *len);

/**
 * One object of kind `k` from a YAML or JSON file: the object itself, or a
 * document that holds exactly one, like "networks: [{name: blue}]". Plain
 * YAML scalars true/false, null and integers keep their types; anything
 * else, quoted or not, is a string.
 *
 * @return
 *   A new object, or NULL.
 */
json_t *yc_object_from_file(const struct topo_kind_info *k, const char *path);

/**
 * Objects of kind `k` from a YAML or JSON file: one object, a list of
 * them, or a document holding only a list of that kind ("flows: [...]").
 *
 * @return
 *   A new non-empty array of objects, or NULL.
 */
json_t *yc_objects_from_file(const struct topo_kind_info *k, const char *path);

/**
 * Set keys of `obj` from command-line pairs: KEY=VALUE (typed as described
 * in yardctl's manual), KEY:=JSON, and KEY= which removes KEY.
 *
 * @return
 *   0, or -EINVAL for a malformed pair (a usage error).
 */
int yc_pairs_apply(json_t *obj, int n, char **pairs);

/* ---- Output (yardctl_format.c) ---- */

/** apply: the summary line, then one "+ kind/name" line per change. */
int yc_print_apply(json_t *res, bool dry_run);
/** list KIND: one row per object, defaults filled in. */
int yc_print_list(const struct topo_kind_info *k, json_t *res);
/** get KIND NAME: the object as YAML-ish lines, then status and message. */
int yc_print_get(const struct topo_kind_info *k, json_t *res);
/** stats ports: yard-dp's port.stats as a table. */
int yc_print_stats_ports(json_t *res);
/** stats nodes: yard-dp's stats.nodes as a table. */
int yc_print_stats_nodes(json_t *res);
/** stats drops: reason -> count; zero counts only when `all`. */
int yc_print_stats_drops(json_t *res, bool all);
/** fdb show: yard-dp's fdb.list as a table. */
int yc_print_fdb(json_t *res);
/** neigh list: yard-dp's neigh.list as a table. */
int yc_print_neigh(json_t *res);
/** vtep list: yard-dp's vtep.list as a table. */
int yc_print_vteps(json_t *res);
/**
 * flow list: yardd's stored flows ({object, status, message}) with the
 * "packets" and "bytes" yard-dp counted for each (absent: not held).
 */
int yc_print_flow_list(json_t *res);
/** flow stats: yard-dp's flow.list, the rules with their counters. */
int yc_print_flow_stats(json_t *res);
/** router stats: yard-dp's router.stats, one counter a row. */
int yc_print_router_stats(json_t *res);
/** router list: yardd's routers, each with "fib" (yard-dp's router.list). */
int yc_print_routers(json_t *res);
/** router show NAME: one router of that list, in lines. */
int yc_print_router_show(json_t *router);
/** route list: PREFIX VIA lines, the header when `head` (pages follow). */
void yc_print_routes(json_t *routes, bool head);
/** route get: the chosen prefix, its next hops, the flow's member. */
int yc_print_route_get(json_t *res);
/** status: a few lines; `socket` is the path yardctl used. */
int yc_print_status(json_t *res, const char *socket);
/** top: the ports' rates (yardctl_top.c's "ports" list) as a table. */
void yc_print_top_ports(json_t *rates);
/** top --nodes: the nodes' rates and cycles per packet as a table. */
void yc_print_top_nodes(json_t *rates);

/* ---- top (yardctl_top.c) ---- */

struct yc_top_opts {
	double interval;	/**< Seconds between readings, > 0. */
	long iterations;	/**< Screens to print; 0: until q or Ctrl-C. */
	bool batch;		/**< Print screens one after another. */
	bool nodes;		/**< Also the graph nodes. */
	bool json;		/**< One JSON object per line instead. */
	/** Call a yardd method with no params: 0 and *res, or -1 (said why). */
	int (*fetch)(void *ctx, const char *method, json_t **res);
	void *ctx;
};

/**
 * Show rates until `o->iterations` screens are printed or the user quits
 * (q, Ctrl-C, SIGTERM). On a terminal (not batch, not json) it redraws the
 * screen in place and reads keys unechoed, and puts the terminal's mode
 * back as it was before returning.
 *
 * @return
 *   YC_EXIT_OK, or YC_EXIT_FAIL when a reading failed.
 */
int yc_top(const struct yc_top_opts *o);

#endif /* YARD_CONTROL_YARDCTL_PRIV_H */
