/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC 2.0 over a unix stream socket, one request or response per line.
 *
 * This is the one codec shared by every Switchyard process: yard-dp and yardd
 * serve it, yardctl and the tests speak it as clients.
 *
 * Framing: each message is one JSON object followed by '\n'. A line longer
 * than RPC_MAX_LINE bytes is answered with an "Invalid Request" error and the
 * connection is closed, so a client cannot make the server buffer without
 * bound. Batches (JSON arrays) are not supported and get an error.
 *
 * Threading: a server or a client belongs to the thread that created it; none
 * of the functions here are thread-safe. The server never blocks: it is meant
 * to be polled from a control thread's event loop, never from a worker.
 *
 * Access: the socket is created with mode 0660, owner root and group "yard"
 * when that group exists. Every accepted connection is checked with
 * SO_PEERCRED; a peer that is neither uid 0, nor the server's own uid, nor a
 * member of group "yard" is refused (one error line, then close).
 */
#ifndef YARD_CONTROL_RPC_H
#define YARD_CONTROL_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include <jansson.h>

/** Longest request or response line accepted, newline excluded. */
#define RPC_MAX_LINE (4u << 20)

/** Most connections a server keeps open at once; more are refused. */
#define RPC_MAX_CLIENTS 64

/* JSON-RPC 2.0 error codes. */
#define RPC_ERR_PARSE		-32700	/**< The line is not valid JSON. */
#define RPC_ERR_INVALID_REQUEST	-32600	/**< JSON, but not a request object. */
#define RPC_ERR_METHOD		-32601	/**< No such method. */
#define RPC_ERR_PARAMS		-32602	/**< A parameter is missing or wrong. */
#define RPC_ERR_INTERNAL	-32603	/**< The server failed. */
#define RPC_ERR_NOT_FOUND	-32001	/**< The named object does not exist. */
#define RPC_ERR_EXISTS		-32002	/**< The named object exists already. */
#define RPC_ERR_REFUSED		-32003	/**< Permission denied (peer credentials). */
#define RPC_ERR_FAILED		-32004	/**< Valid request that could not be done. */

/**
 * An error to send back: a JSON-RPC code, a message for a person and, when
 * a program needs more than the code to act on it, a "data" value (batch:
 * {"op": INDEX} of the operation that failed).
 *
 * Start from a zeroed error (`struct rpc_error err = { 0 };`). Once `data`
 * may have been filled (by a handler, rpc_error_data_set() or a client
 * call), release it with rpc_error_clear(): the server does so after
 * sending the response, a client's caller after reading the error.
 */
struct rpc_error {
	int code;
	char message[512];
	json_t *data;		/**< Owned; NULL when the error has none. */
};

/**
 * Fill an error's code and message. The message should name the offending
 * field and value, e.g. "params.mac: 'zz:00' is not a MAC address". `data`
 * is left as it is.
 *
 * @return
 *   Always -EINVAL, so a handler can write `return rpc_error_set(...)`.
 */
int rpc_error_set(struct rpc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Give an error its "data" member, releasing the one it held.
 *
 * @param data
 *   Stolen; NULL removes the data. Any JSON value.
 */
void rpc_error_data_set(struct rpc_error *err, json_t *data);

/** Release the data and zero the error. NULL-safe. */
void rpc_error_clear(struct rpc_error *err);

/* ---- Codec (pure functions, no I/O; unit tested) ---- */

/** A decoded request. `method` and `params` point into `root`. */
struct rpc_request {
	json_t *root;		/**< Owned: the whole decoded object. */
	json_t *id;		/**< Borrowed; NULL for a notification. */
	const char *method;	/**< Borrowed. */
	json_t *params;		/**< Borrowed; an empty object if absent. */
};

/**
 * Decode one request line (without its '\n').
 *
 * Checks: valid JSON; an object; "jsonrpc" is "2.0"; "method" is a string;
 * "params", when present, is an object or an array; "id", when present, is a
 * string, an integer or null.
 *
 * @return
 *   0 and a filled `req` (free with rpc_request_release()), or -EINVAL with
 *   `err` filled (code RPC_ERR_PARSE or RPC_ERR_INVALID_REQUEST). On error
 *   `req->id` still holds the request's id when one could be read (a new
 *   reference the caller releases with json_decref), else NULL.
 */
int rpc_request_decode(const char *line, size_t len, struct rpc_request *req,
		       struct rpc_error *err);

/** Release what rpc_request_decode() filled. NULL-safe. */
void rpc_request_release(struct rpc_request *req);

/**
 * Encode a response line, '\n' terminated, as a malloc'd string.
 *
 * @param id
 *   The request's id (borrowed); NULL encodes as null.
 * @param result
 *   Stolen. Used when `err` is NULL; NULL encodes as null.
 * @param err
 *   When not NULL, an error response is encoded instead (with "data" when
 *   err->data is set; borrowed) and `result` is only released.
 * @return
 *   The line, or NULL on allocation failure.
 */
char *rpc_response_encode(json_t *id, json_t *result,
			  const struct rpc_error *err);

/** Encode a request line ('\n' terminated). `params` is stolen (may be NULL). */
char *rpc_request_encode(const char *method, json_t *params, long long id);

/* ---- Parameter helpers: fill `err` naming the field on failure ---- */

/** Required string member `key` of `params`. Returns 0 or -EINVAL. */
int rpc_param_str(json_t *params, const char *key, const char **out,
		  struct rpc_error *err);
/** Optional string member: leaves *out untouched when absent. */
int rpc_param_str_opt(json_t *params, const char *key, const char **out,
		      struct rpc_error *err);
/** Required integer member within [min, max]. */
int rpc_param_int(json_t *params, const char *key, long long min,
		  long long max, long long *out, struct rpc_error *err);
/** Optional integer member within [min, max]; untouched when absent. */
int rpc_param_int_opt(json_t *params, const char *key, long long min,
		      long long max, long long *out, struct rpc_error *err);
/** Optional boolean member; untouched when absent. */
int rpc_param_bool_opt(json_t *params, const char *key, bool *out,
		       struct rpc_error *err);

/* ---- Server ---- */

struct rpc_server;

/**
 * A method handler.
 *
 * @param ctx
 *   The pointer given to rpc_server_method_add().
 * @param params
 *   Borrowed: an object (empty when the request had none) or an array.
 * @param result
 *   On success, set to a new reference (NULL means JSON null).
 * @param err
 *   Zeroed. On failure, filled with rpc_error_set() and, when a program
 *   needs it, rpc_error_data_set(); the server releases it.
 * @return
 *   0 on success, a negative value on failure.
 */
typedef int (*rpc_method_fn)(void *ctx, json_t *params, json_t **result,
			     struct rpc_error *err);

/**
 * Create a server listening on the unix socket `path`. A stale socket file
 * left by a dead process is replaced; a live one (something answers connect)
 * is an error (-EADDRINUSE). Parent directories are created (mode 0755).
 *
 * @return
 *   The server, or NULL with *errp set to a negative errno.
 */
struct rpc_server *rpc_server_create(const char *path, int *errp);

/** Defaults of struct rpc_server_limits. */
#define RPC_IDLE_MS_DEFAULT 60000
#define RPC_PER_UID_DEFAULT 16
/** Idle time after which a connection may be closed to admit a new one. */
#define RPC_EVICT_IDLE_MS 1000

/**
 * What one client may hold of a server. Whatever they are, 200 idle
 * clients cannot lock others out: when all RPC_MAX_CLIENTS slots are
 * taken, a new connection closes the one silent for longest (at least
 * RPC_EVICT_IDLE_MS, nothing half-sent, nothing pending); a client that
 * is not root may only displace clients that are not root either.
 */
struct rpc_server_limits {
	unsigned int idle_ms;	/**< Close a connection silent this long, a
				  * partial line included (0: never). */
	unsigned int per_uid;	/**< Connections one uid other than root may
				  * hold at once (0: no limit). */
};

/**
 * Set the limits of `srv` (by default RPC_IDLE_MS_DEFAULT and
 * RPC_PER_UID_DEFAULT). Connections already open keep theirs until the
 * next poll. Returns 0 or -EINVAL.
 */
int rpc_server_limits_set(struct rpc_server *srv,
			  const struct rpc_server_limits *limits);

/** Register `name`. Returns 0, -EEXIST or -ENOMEM. */
int rpc_server_method_add(struct rpc_server *srv, const char *name,
			  rpc_method_fn fn, void *ctx);

/** One method of a table for rpc_server_methods_add(). */
struct rpc_method_def {
	const char *name;
	rpc_method_fn fn;
};

/** Register `n` methods, all with `ctx`. 0 or the first error. */
int rpc_server_methods_add(struct rpc_server *srv,
			   const struct rpc_method_def *defs, unsigned int n,
			   void *ctx);

/**
 * Run the method `method` in-process, as if a request had named it: used
 * to run a batch of operations through the same handlers.
 *
 * @return
 *   0 with *result set (a new reference, may be NULL for JSON null), or
 *   non-zero with `err` filled (RPC_ERR_METHOD when there is no such
 *   method); `err` must be zeroed before, and its data released with
 *   rpc_error_clear() after.
 */
int rpc_server_call(struct rpc_server *srv, const char *method, json_t *params,
		    json_t **result, struct rpc_error *err);

/**
 * The server's epoll descriptor: readable when rpc_server_poll() has work.
 * Lets a caller fold the server into its own event loop.
 */
int rpc_server_fd(const struct rpc_server *srv);

/**
 * Accept connections, read requests, call handlers and write responses, for
 * at most `timeout_ms` (0: only what is ready now; -1: block until one
 * event). Slow readers are handled with a bounded output buffer per client
 * (a client whose pending output exceeds 4 * RPC_MAX_LINE is disconnected).
 *
 * @return
 *   The number of requests handled, or a negative errno on a fatal error.
 */
int rpc_server_poll(struct rpc_server *srv, int timeout_ms);

/** Close all connections, unlink the socket file and free. NULL-safe. */
void rpc_server_free(struct rpc_server *srv);

/* ---- Client (blocking) ---- */

struct rpc_client;

/** Connect to `path`. NULL with *errp = -errno on failure. */
struct rpc_client *rpc_client_connect(const char *path, int *errp);

/**
 * Call `method` and wait for its response.
 *
 * @param params
 *   Stolen; NULL sends no params.
 * @param result
 *   On success, a new reference to the result (may be JSON null).
 * @param err
 *   Zeroed or cleared by the caller beforehand (data it holds is released
 *   first), may be NULL. On a JSON-RPC error response, filled with the
 *   server's code, message and data (a new reference, or NULL when the
 *   response had none: release with rpc_error_clear()); on a transport
 *   failure, code RPC_ERR_INTERNAL and a description.
 * @return
 *   0, -EREMOTEIO for an error response, or another -errno for transport
 *   failures (-ECONNRESET when the server closed the connection).
 */
int rpc_client_call(struct rpc_client *c, const char *method, json_t *params,
		    json_t **result, struct rpc_error *err);

/**
 * The connection's descriptor: readable (or hung up) between calls means
 * the server went away. For poll(); do not read or write it.
 */
int rpc_client_fd(const struct rpc_client *c);

/**
 * Bound every later call: a server silent for `ms` milliseconds fails the
 * call with -EAGAIN (0: wait for ever, the default). Returns 0 or -errno.
 */
int rpc_client_set_timeout(struct rpc_client *c, unsigned int ms);

/** Close and free. NULL-safe. */
void rpc_client_free(struct rpc_client *c);

/* ---- Files ---- */

/**
 * Create the directories leading to `path` (not `path` itself), like
 * mkdir -p on its dirname, with `mode` for those it makes. Shared by the
 * socket server, yardd's store and its VM directories.
 *
 * @return
 *   0, or -errno of the first mkdir that failed for another reason than
 *   the directory existing.
 */
int rpc_parents_make(const char *path, mode_t mode);

#endif /* YARD_CONTROL_RPC_H */
