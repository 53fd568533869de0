/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC 2.0 codec and parameter helpers: pure functions, no I/O. The
 * server (rpc_server.c) and the client (rpc_client.c) are built on these.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "rpc.h"
#include "rpc_priv.h"

int
rpc_error_set(struct rpc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -EINVAL;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void
rpc_error_data_set(struct rpc_error *err, json_t *data)
{
	if (err == NULL) {
		json_decref(data);
		return;
	}
	json_decref(err->data);
	err->data = data;
}

void
rpc_error_clear(struct rpc_error *err)
{
	if (err == NULL)
		return;
	json_decref(err->data);
	memset(err, 0, sizeof(*err));
}

const char *
rpc_json_describe(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		snprintf(buf, size, "the string '%.40s%s'", json_string_value(v),
			 json_string_length(v) > 40 ? "..." : "");
		return buf;
	case JSON_INTEGER:
		snprintf(buf, size, "the integer %" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, size, "the number %g", json_real_value(v));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

/* ---- Requests ---- */

int
rpc_request_decode(const char *line, size_t len, struct rpc_request *req,
		   struct rpc_error *err)
{
	json_error_t jerr;
	json_t *root, *id, *v;
	char desc[80];
	int rc;

	memset(req, 0, sizeof(*req));
	if (line == NULL)
		return rpc_error_set(err, RPC_ERR_PARSE, "empty request");

	/*
	 * Duplicate members would make the request ambiguous (which "id"?).
	 * Any JSON value is decoded, so that valid JSON which is not an object
	 * is an invalid request, not a parse error, as JSON-RPC 2.0 asks.
	 */
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			  &jerr);
	if (root == NULL)
		return rpc_error_set(err, RPC_ERR_PARSE,
				     "invalid JSON at byte %d: %s",
				     jerr.position, jerr.text);
	if (json_is_array(root)) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "batch requests (arrays) are not supported; send one request object per line");
		goto out_free;
	}
	if (!json_is_object(root)) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "a request must be a JSON object, got %s",
				   rpc_json_describe(root, desc, sizeof(desc)));
		goto out_free;
	}

	/*
	 * Read the id first so that the errors below can be answered with it,
	 * as JSON-RPC 2.0 asks whenever the id could be read.
	 */
	id = json_object_get(root, "id");
	if (id != NULL && !json_is_string(id) && !json_is_integer(id) &&
	    !json_is_null(id)) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "id: expected a string, an integer or null, got %s",
				   rpc_json_describe(id, desc, sizeof(desc)));
		goto out_free;
	}

	v = json_object_get(root, "jsonrpc");
	if (v == NULL || !json_is_string(v) ||
	    strcmp(json_string_value(v), "2.0") != 0) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "jsonrpc: expected the string '2.0', got %s",
				   v ? rpc_json_describe(v, desc, sizeof(desc)) :
				       "nothing");
		goto out_id;
	}

	v = json_object_get(root, "method");
	if (v == NULL || !json_is_string(v)) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "method: expected a string, got %s",
				   v ? rpc_json_describe(v, desc, sizeof(desc)) :
				       "nothing");
		goto out_id;
	}
	req->method = json_string_value(v);

	v = json_object_get(root, "params");
	if (v == NULL) {
		/* Handlers always get an object, so they need no NULL checks. */
		if (json_object_set_new(root, "params", json_object()) < 0) {
			rc = rpc_error_set(err, RPC_ERR_INTERNAL,
					   "out of memory");
			goto out_id;
		}
		v = json_object_get(root, "params");
	} else if (!json_is_object(v) && !json_is_array(v)) {
		rc = rpc_error_set(err, RPC_ERR_INVALID_REQUEST,
				   "params: expected an object or an array, got %s",
				   rpc_json_describe(v, desc, sizeof(desc)));
		goto out_id;
	}
	req->params = v;
	req->id = id;
	req->root = root;
	return 0;

out_id:
	req->id = json_incref(id);
out_free:
	req->method = NULL;
	json_decref(root);
	return rc;
}

void
rpc_request_release(struct rpc_request *req)
{
	if (req == NULL)
		return;
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}

/* ---- Encoding ---- */

/*
 * Messages are cut at a fixed size and may carry bytes from a request, so
 * they can end inside a UTF-8 sequence or hold invalid bytes; jansson refuses
 * such strings. Replace the bad bytes with '?' rather than lose the message.
 */
static json_t *
rpc_json_string_make(const char *s)
{
	json_t *v;
	char *copy;
	size_t i;

	v = json_string(s);
	if (v != NULL)
		return v;
	copy = strdup(s);
	if (copy == NULL)
		return NULL;
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

/* Serialize `msg` compactly, '\n' terminated, and release it. */
static char *
rpc_line_dump(json_t *msg)
{
	char *s, *line;
	size_t len;

	/* JSON_COMPACT never emits a newline: strings escape theirs. */
	s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (s == NULL)
		return NULL;
	len = strlen(s);
	line = realloc(s, len + 2);
	if (line == NULL) {
		free(s);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

char *
rpc_response_encode(json_t *id, json_t *result, const struct rpc_error *err)
{
	json_t *msg, *e;
	int rc = 0;

	msg = json_object();
	if (msg == NULL) {
		json_decref(result);
		return NULL;
	}
	rc |= json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	rc |= json_object_set(msg, "id", id != NULL ? id : json_null());
	if (err != NULL) {
		json_decref(result);
		e = json_object();
		if (e != NULL) {
			rc |= json_object_set_new(e, "code",
						  json_integer(err->code));
			rc |= json_object_set_new(e, "message",
				rpc_json_string_make(err->message));
			if (err->data != NULL)
				rc |= json_object_set(e, "data", err->data);
		}
		rc |= json_object_set_new(msg, "error", e);
	} else {
		rc |= json_object_set_new(msg, "result",
					  result != NULL ? result : json_null());
	}
	if (rc != 0) {
		json_decref(msg);
		return NULL;
	}
	return rpc_line_dump(msg);
}

char *
rpc_request_encode(const char *method, json_t *params, long long id)
{
	json_t *msg;
	int rc = 0;

	if (method == NULL) {
		json_decref(params);
		return NULL;
	}
	msg = json_object();
	if (msg == NULL) {
		json_decref(params);
		return NULL;
	}
	rc |= json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	rc |= json_object_set_new(msg, "id", json_integer(id));
	rc |= json_object_set_new(msg, "method", json_string(method));
	if (params != NULL)
		rc |= json_object_set_new(msg, "params", params);
	if (rc != 0) {
		json_decref(msg);
		return NULL;
	}
	return rpc_line_dump(msg);
}

int
rpc_response_decode(const char *line, size_t len, json_t **id,
		    json_t **result, struct rpc_error *err)
{
	json_t *root, *v, *code, *msg;
	json_error_t jerr;
	char desc[80];
	int rc;

	*id = NULL;
	*result = NULL;
	root = json_loadb(line, len, JSON_DECODE_ANY, &jerr);
	if (root == NULL) {
		rpc_error_set(err, RPC_ERR_INTERNAL,
			      "the server sent invalid JSON at byte %d: %s",
			      jerr.position, jerr.text);
		return -EPROTO;
	}
	if (!json_is_object(root)) {
		rpc_error_set(err, RPC_ERR_INTERNAL,
			      "the server sent %s instead of a response object",
			      rpc_json_describe(root, desc, sizeof(desc)));
		rc = -EPROTO;
		goto out;
	}
	v = json_object_get(root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		rpc_error_set(err, RPC_ERR_INTERNAL,
			      "the server's response lacks \"jsonrpc\": \"2.0\"");
		rc = -EPROTO;
		goto out;
	}

	v = json_object_get(root, "error");
	if (v != NULL) {
		code = json_object_get(v, "code");
		msg = json_object_get(v, "message");
		if (!json_is_integer(code) || !json_is_string(msg)) {
			rpc_error_set(err, RPC_ERR_INTERNAL,
				      "the server sent an error without an integer code and a string message");
			rc = -EPROTO;
			goto out;
		}
		if (err != NULL) {
			err->code = (int)json_integer_value(code);
			snprintf(err->message, sizeof(err->message), "%s",
				 json_string_value(msg));
			err->data = json_incref(json_object_get(v, "data"));
		}
		rc = -EREMOTEIO;
	} else {
		v = json_object_get(root, "result");
		if (v == NULL) {
			rpc_error_set(err, RPC_ERR_INTERNAL,
				      "the server's response has neither result nor error");
			rc = -EPROTO;
			goto out;
		}
		*result = json_incref(v);
		rc = 0;
	}
	v = json_object_get(root, "id");
	*id = json_incref(v != NULL ? v : json_null());
out:
	json_decref(root);
	return rc;
}

/* ---- Parameter helpers ---- */

static int
rpc_param_get(json_t *params, const char *key, json_t **out,
	      struct rpc_error *err)
{
	char desc[80];

	if (!json_is_object(params))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params: expected an object with named members, got %s",
				     params != NULL ?
					     rpc_json_describe(params, desc,
							       sizeof(desc)) :
					     "nothing");
	*out = json_object_get(params, key);
	return 0;
}

static int
rpc_param_str_get(json_t *params, const char *key, bool required,
		  const char **out, struct rpc_error *err)
{
	char desc[80];
	json_t *v;
	int rc;

	rc = rpc_param_get(params, key, &v, err);
	if (rc < 0)
		return rc;
	if (v == NULL) {
		if (!required)
			return 0;
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: missing; a string is required",
				     key);
	}
	if (!json_is_string(v))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: expected a string, got %s", key,
				     rpc_json_describe(v, desc, sizeof(desc)));
	*out = json_string_value(v);
	return 0;
}

int
rpc_param_str(json_t *params, const char *key, const char **out,
	      struct rpc_error *err)
{
	return rpc_param_str_get(params, key, true, out, err);
}

int
rpc_param_str_opt(json_t *params, const char *key, const char **out,
		  struct rpc_error *err)
{
	return rpc_param_str_get(params, key, false, out, err);
}

static int
rpc_param_int_get(json_t *params, const char *key, bool required,
		  long long min, long long max, long long *out,
		  struct rpc_error *err)
{
	char desc[80];
	long long n;
	json_t *v;
	int rc;

	rc = rpc_param_get(params, key, &v, err);
	if (rc < 0)
		return rc;
	if (v == NULL) {
		if (!required)
			return 0;
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: missing; an integer in %lld..%lld is required",
				     key, min, max);
	}
	if (!json_is_integer(v))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: expected an integer, got %s", key,
				     rpc_json_describe(v, desc, sizeof(desc)));
	n = json_integer_value(v);
	if (n < min || n > max)
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: %lld is out of range %lld..%lld",
				     key, n, min, max);
	*out = n;
	return 0;
}

int
rpc_param_int(json_t *params, const char *key, long long min, long long max,
	      long long *out, struct rpc_error *err)
{
	return rpc_param_int_get(params, key, true, min, max, out, err);
}

int
rpc_param_int_opt(json_t *params, const char *key, long long min,
		  long long max, long long *out, struct rpc_error *err)
{
	return rpc_param_int_get(params, key, false, min, max, out, err);
}

int
rpc_param_bool_opt(json_t *params, const char *key, bool *out,
		   struct rpc_error *err)
{
	char desc[80];
	json_t *v;
	int rc;

	rc = rpc_param_get(params, key, &v, err);
	if (rc < 0 || v == NULL)
		return rc;
	if (!json_is_boolean(v))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.%s: expected true or false, got %s",
				     key,
				     rpc_json_describe(v, desc, sizeof(desc)));
	*out = json_is_true(v);
	return 0;
}

int
rpc_sockaddr_make(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (path == NULL || path[0] == '\0')
		return -EINVAL;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}
