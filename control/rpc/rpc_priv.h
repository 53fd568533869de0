/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private helpers shared by rpc.c, rpc_server.c and rpc_client.c. Not part of
 * the control/ public interface: other folders include only rpc.h.
 */
#ifndef YARD_CONTROL_RPC_PRIV_H
#define YARD_CONTROL_RPC_PRIV_H

#include <stddef.h>

#include <jansson.h>

#include "rpc.h"

/**
 * Decode one response line (without its '\n').
 *
 * @param id
 *   Set to a new reference to the response's id (JSON null when absent).
 * @param result
 *   On success, set to a new reference to the result.
 * @param err
 *   For an error response, the server's code, message and data (a new
 *   reference or NULL; err->data is overwritten, not released); for a
 *   malformed line, RPC_ERR_INTERNAL and what was wrong.
 * @return
 *   0, -EREMOTEIO for an error response, -EPROTO for a malformed line (then
 *   *id and *result are NULL).
 */
int rpc_response_decode(const char *line, size_t len, json_t **id,
			json_t **result, struct rpc_error *err);

/**
 * Describe a JSON value for an error message, with the value itself when it
 * is short: "the string 'abc'", "the integer 5", "an object".
 */
const char *rpc_json_describe(const json_t *v, char *buf, size_t size);

struct sockaddr_un;
/* Fill a unix socket address: 0, -EINVAL (empty) or -ENAMETOOLONG. */
int rpc_sockaddr_make(const char *path, struct sockaddr_un *sa);

#endif /* YARD_CONTROL_RPC_PRIV_H */
