/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/rpc: the codec, the parameter helpers, and a real server and
 * client talking over a unix socket in a temporary directory (the server is
 * polled from a thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "rpc.h"

/* ---- Codec ---- */

static int
decode(const char *s, struct rpc_request *req, struct rpc_error *err)
{
	memset(err, 0, sizeof(*err));
	return rpc_request_decode(s, strlen(s), req, err);
}

static void
test_decode_valid(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"port.add\","
				"\"params\":{\"name\":\"p1\"},\"id\":7}",
				&req, &err), 0);
	assert_string_equal(req.method, "port.add");
	assert_true(json_is_integer(req.id));
	assert_int_equal(json_integer_value(req.id), 7);
	assert_string_equal(json_string_value(json_object_get(req.params,
							       "name")), "p1");
	rpc_request_release(&req);
	assert_null(req.root);

	/* No params: an empty object; a string id. */
	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"ping\","
				"\"id\":\"a\"}", &req, &err), 0);
	assert_true(json_is_object(req.params));
	assert_int_equal(json_object_size(req.params), 0);
	assert_string_equal(json_string_value(req.id), "a");
	rpc_request_release(&req);

	/* Array params are allowed; a null id is a request, not a notification. */
	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\","
				"\"params\":[1,2],\"id\":null}", &req, &err), 0);
	assert_true(json_is_array(req.params));
	assert_non_null(req.id);
	assert_true(json_is_null(req.id));
	rpc_request_release(&req);
	rpc_request_release(NULL);
}

static void
test_decode_notification(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"log\"}",
				&req, &err), 0);
	assert_null(req.id);
	assert_string_equal(req.method, "log");
	rpc_request_release(&req);
}

static void
test_decode_bad_version(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"1.0\",\"method\":\"m\",\"id\":5}",
				&req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "jsonrpc");
	assert_contains(err.message, "'1.0'");
	/* The id could be read, so the error can be answered with it. */
	assert_non_null(req.id);
	assert_int_equal(json_integer_value(req.id), 5);
	json_decref(req.id);

	assert_int_equal(decode("{\"method\":\"m\",\"id\":5}", &req, &err),
			 -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "jsonrpc");
	json_decref(req.id);
}

static void
test_decode_method_not_string(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":42,\"id\":1}",
				&req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "method");
	assert_contains(err.message, "integer 42");
	json_decref(req.id);

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"id\":1}", &req, &err),
			 -EINVAL);
	assert_contains(err.message, "method");
	json_decref(req.id);
}

static void
test_decode_params_scalar(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\","
				"\"params\":3,\"id\":1}", &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "params");
	assert_contains(err.message, "integer 3");
	json_decref(req.id);
}

static void
test_decode_bad_id(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\","
				"\"id\":1.5}", &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "id");
	/* An id of the wrong type cannot be echoed. */
	assert_null(req.id);
}

static void
test_decode_batch(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("[{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1}]",
				&req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "batch");
	assert_null(req.id);

	assert_int_equal(decode("\"hello\"", &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_INVALID_REQUEST);
	assert_contains(err.message, "object");
}

static void
test_decode_invalid_json(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };

	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",,}", &req, &err),
			 -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARSE);
	assert_contains(err.message, "invalid JSON");
	assert_null(req.id);

	/* Duplicate members would make the id ambiguous. */
	assert_int_equal(decode("{\"jsonrpc\":\"2.0\",\"method\":\"m\","
				"\"id\":1,\"id\":2}", &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARSE);

	/* A NUL byte inside the line. */
	assert_int_equal(rpc_request_decode("{\"a\"\0:1}", 9, &req, &err),
			 -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARSE);
}

static void
test_decode_deep_nesting(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };
	size_t n = 100000;
	char *s = malloc(n);

	assert_non_null(s);
	memset(s, '[', n);
	assert_int_equal(rpc_request_decode(s, n, &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARSE);
	assert_null(req.root);
	memset(s, '{', n);
	assert_int_equal(rpc_request_decode(s, n, &req, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARSE);
	free(s);
}

static void
test_decode_truncated(void **state)
{
	const char *full = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1}";
	struct rpc_request req;
	struct rpc_error err = { 0 };
	size_t len;

	for (len = 0; len < strlen(full); len++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(rpc_request_decode(full, len, &req, &err),
				 -EINVAL);
		assert_int_equal(err.code, RPC_ERR_PARSE);
		assert_null(req.root);
	}
	assert_int_equal(rpc_request_decode(full, len, &req, &err), 0);
	rpc_request_release(&req);
}

/* Decode an encoded line back for checking; it must end in one '\n'. */
static json_t *
line_parse(char *line)
{
	size_t len;
	json_t *v;

	assert_non_null(line);
	len = strlen(line);
	assert_true(len > 1);
	assert_int_equal(line[len - 1], '\n');
	assert_null(memchr(line, '\n', len - 1));
	v = json_loadb(line, len - 1, 0, NULL);
	assert_non_null(v);
	free(line);
	return v;
}

static void
test_response_encode(void **state)
{
	json_t *id = json_integer(7), *v, *r;

	v = line_parse(rpc_response_encode(id, json_pack("{s:i}", "x", 1),
					   NULL));
	assert_string_equal(json_string_value(json_object_get(v, "jsonrpc")),
			    "2.0");
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 7);
	r = json_object_get(v, "result");
	assert_int_equal(json_integer_value(json_object_get(r, "x")), 1);
	assert_null(json_object_get(v, "error"));
	json_decref(v);

	/* No result and no id encode as null. */
	v = line_parse(rpc_response_encode(NULL, NULL, NULL));
	assert_true(json_is_null(json_object_get(v, "id")));
	assert_true(json_is_null(json_object_get(v, "result")));
	json_decref(v);
	json_decref(id);
}

static void
test_response_encode_error(void **state)
{
	struct rpc_error err = { 0 };
	json_t *id = json_string("q1"), *v, *e;

	rpc_error_set(&err, RPC_ERR_NOT_FOUND, "network '%s' does not exist",
		      "blue");
	/* The result is released, not sent, when there is an error. */
	v = line_parse(rpc_response_encode(id, json_true(), &err));
	assert_string_equal(json_string_value(json_object_get(v, "id")), "q1");
	assert_null(json_object_get(v, "result"));
	e = json_object_get(v, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")),
			 RPC_ERR_NOT_FOUND);
	assert_string_equal(json_string_value(json_object_get(e, "message")),
			    "network 'blue' does not exist");
	/* No data, no "data" member. */
	assert_null(json_object_get(e, "data"));
	json_decref(v);
	json_decref(id);

	/* A message holding invalid UTF-8 still makes a response. */
	rpc_error_set(&err, RPC_ERR_PARAMS, "bad \xff\xfe value\nx");
	v = line_parse(rpc_response_encode(NULL, NULL, &err));
	e = json_object_get(v, "error");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
			    "bad ?? value\nx");
	json_decref(v);
}

static void
test_error_data(void **state)
{
	struct rpc_error err = { 0 };
	json_t *v, *e;

	/* Clearing a zeroed error is a no-op; NULL too. */
	rpc_error_clear(&err);
	rpc_error_clear(NULL);
	assert_null(err.data);

	rpc_error_set(&err, RPC_ERR_FAILED, "ops[2] (port.set): no network");
	rpc_error_data_set(&err, json_pack("{s:i}", "op", 1));
	/* A second data replaces the first, which is released (LSan). */
	rpc_error_data_set(&err, json_pack("{s:i}", "op", 2));
	v = line_parse(rpc_response_encode(NULL, NULL, &err));
	e = json_object_get(v, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")),
			 RPC_ERR_FAILED);
	assert_string_equal(json_string_value(json_object_get(e, "message")),
			    "ops[2] (port.set): no network");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(e, "data"), "op")), 2);
	json_decref(v);

	/* The encoder borrows: the error still holds its data. */
	assert_non_null(err.data);
	rpc_error_clear(&err);
	assert_null(err.data);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.message, "");
}

static void
test_request_encode(void **state)
{
	struct rpc_request req;
	struct rpc_error err = { 0 };
	char *line;

	line = rpc_request_encode("vm.start", json_pack("{s:s}", "name", "vm1"),
				  42);
	assert_non_null(line);
	assert_int_equal(line[strlen(line) - 1], '\n');
	assert_int_equal(rpc_request_decode(line, strlen(line) - 1, &req, &err),
			 0);
	assert_string_equal(req.method, "vm.start");
	assert_int_equal(json_integer_value(req.id), 42);
	assert_string_equal(json_string_value(json_object_get(req.params,
							       "name")), "vm1");
	rpc_request_release(&req);
	free(line);
	assert_null(rpc_request_encode(NULL, json_object(), 1));
}

static void
test_param_helpers(void **state)
{
	json_t *p = json_pack("{s:s, s:i, s:b, s:i}", "name", "p1", "vlan",
			      5000, "up", 1, "n", 3);
	json_t *arr = json_array();
	struct rpc_error err = { 0 };
	const char *s = "unset";
	long long n = -1;
	bool b = false;

	assert_int_equal(rpc_param_str(p, "name", &s, &err), 0);
	assert_string_equal(s, "p1");

	memset(&err, 0, sizeof(err));
	assert_int_equal(rpc_param_str(p, "network", &s, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARAMS);
	assert_contains(err.message, "params.network");
	assert_contains(err.message, "missing");

	assert_int_equal(rpc_param_str(p, "vlan", &s, &err), -EINVAL);
	assert_contains(err.message, "params.vlan");
	assert_contains(err.message, "integer 5000");

	s = "unset";
	assert_int_equal(rpc_param_str_opt(p, "absent", &s, &err), 0);
	assert_string_equal(s, "unset");

	assert_int_equal(rpc_param_int(p, "vlan", 1, 4094, &n, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARAMS);
	assert_contains(err.message, "params.vlan");
	assert_contains(err.message, "5000");
	assert_contains(err.message, "1..4094");
	assert_int_equal(n, -1);

	assert_int_equal(rpc_param_int(p, "n", 0, 10, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rpc_param_int(p, "name", 0, 10, &n, &err), -EINVAL);
	assert_contains(err.message, "params.name");
	assert_contains(err.message, "string 'p1'");
	assert_int_equal(rpc_param_int(p, "gone", 0, 10, &n, &err), -EINVAL);
	assert_contains(err.message, "params.gone");
	n = 9;
	assert_int_equal(rpc_param_int_opt(p, "gone", 0, 10, &n, &err), 0);
	assert_int_equal(n, 9);

	assert_int_equal(rpc_param_bool_opt(p, "up", &b, &err), 0);
	assert_true(b);
	assert_int_equal(rpc_param_bool_opt(p, "n", &b, &err), -EINVAL);
	assert_contains(err.message, "params.n");
	assert_contains(err.message, "true or false");

	/* Named parameters are needed; positional ones are refused. */
	assert_int_equal(rpc_param_str(arr, "name", &s, &err), -EINVAL);
	assert_int_equal(err.code, RPC_ERR_PARAMS);
	assert_contains(err.message, "params");
	assert_contains(err.message, "array");

	assert_int_equal(rpc_error_set(&err, RPC_ERR_EXISTS, "x %d", 1),
			 -EINVAL);
	assert_int_equal(err.code, RPC_ERR_EXISTS);
	assert_string_equal(err.message, "x 1");
	json_decref(p);
	json_decref(arr);
}

/* ---- Server and client ---- */

struct fixture {
	char dir[64];
	char path[128];
	struct rpc_server *srv;
	pthread_t thread;
	atomic_bool stop;
	atomic_int notified;
	atomic_int poll_errors;	/* cmocka asserts only work in the test thread. */
};

static int
h_echo(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	*result = json_incref(params);
	return 0;
}

static int
h_sum(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	long long a, b;
	int rc;

	rc = rpc_param_int(params, "a", -1000, 1000, &a, err);
	if (rc == 0)
		rc = rpc_param_int(params, "b", -1000, 1000, &b, err);
	if (rc < 0)
		return rc;
	*result = json_integer(a + b);
	return 0;
}

static int
h_missing(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	return rpc_error_set(err, RPC_ERR_NOT_FOUND,
			     "params.name: port 'p9' does not exist");
}

static int
h_data(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	rpc_error_data_set(err, json_pack("{s:i}", "op", 7));
	return rpc_error_set(err, RPC_ERR_FAILED, "ops[7] (port.set): no");
}

static int
h_nocode(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	/* A result left behind on failure must not leak or be sent. */
	*result = json_string("ignored");
	return -EIO;
}

static int
h_big(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	long long n = 0;
	char *s;
	int rc;

	rc = rpc_param_int(params, "size", 1, RPC_MAX_LINE - 1024, &n, err);
	if (rc < 0)
		return rc;
	s = malloc((size_t)n + 1);
	memset(s, 'z', (size_t)n);
	s[n] = '\0';
	*result = json_string(s);
	free(s);
	return 0;
}

static int
h_notify(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct fixture *f = ctx;

	atomic_fetch_add(&f->notified, 1);
	*result = json_true();
	return 0;
}

static void *
server_loop(void *arg)
{
	struct fixture *f = arg;

	while (!atomic_load(&f->stop))
		if (rpc_server_poll(f->srv, 10) < 0)
			atomic_fetch_add(&f->poll_errors, 1);
	return NULL;
}

static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int rc;

	snprintf(f->dir, sizeof(f->dir), "/tmp/yard-test-rpc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/run/yard.sock", f->dir);
	f->srv = rpc_server_create(f->path, &rc);
	assert_non_null(f->srv);
	assert_int_equal(rc, 0);
	assert_int_equal(rpc_server_method_add(f->srv, "echo", h_echo, NULL), 0);
	assert_int_equal(rpc_server_method_add(f->srv, "echo", h_echo, NULL),
			 -EEXIST);
	assert_int_equal(rpc_server_method_add(f->srv, "sum", h_sum, NULL), 0);
	assert_int_equal(rpc_server_method_add(f->srv, "missing", h_missing,
					       NULL), 0);
	assert_int_equal(rpc_server_method_add(f->srv, "nocode", h_nocode,
					       NULL), 0);
	assert_int_equal(rpc_server_method_add(f->srv, "data", h_data, NULL),
			 0);
	assert_int_equal(rpc_server_method_add(f->srv, "big", h_big, NULL), 0);
	assert_int_equal(rpc_server_method_add(f->srv, "notify", h_notify, f),
			 0);
	assert_true(rpc_server_fd(f->srv) >= 0);
	assert_int_equal(pthread_create(&f->thread, NULL, server_loop, f), 0);
	*state = f;
	return 0;
}

static int
fixture_teardown(void **state)
{
	struct fixture *f = *state;
	char sub[160];

	if (f->srv != NULL) {
		atomic_store(&f->stop, true);
		pthread_join(f->thread, NULL);
		rpc_server_free(f->srv);
	}
	assert_int_equal(atomic_load(&f->poll_errors), 0);
	/* The server removes its socket file. */
	assert_int_equal(access(f->path, F_OK), -1);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

/* A raw connection with a small line reader, to see the bytes sent. */
struct raw {
	int fd;
	char buf[1 << 16];
	size_t len;
};

static void
raw_open(struct raw *r, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	r->len = 0;
	r->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(r->fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

static void
raw_send(struct raw *r, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(r->fd, s, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* Next line as JSON; NULL at end of stream. */
static json_t *
raw_line(struct raw *r)
{
	char *nl;
	json_t *v;
	ssize_t n;

	while ((nl = memchr(r->buf, '\n', r->len)) == NULL) {
		assert_true(r->len < sizeof(r->buf));
		n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
		if (n <= 0) {
			assert_int_equal(r->len, 0);
			return NULL;
		}
		r->len += (size_t)n;
	}
	v = json_loadb(r->buf, (size_t)(nl - r->buf), 0, NULL);
	assert_non_null(v);
	r->len -= (size_t)(nl - r->buf) + 1;
	memmove(r->buf, nl + 1, r->len);
	return v;
}

static int
error_code(const json_t *v)
{
	return (int)json_integer_value(json_object_get(json_object_get(v,
								      "error"),
						       "code"));
}

static const char *
error_message(const json_t *v)
{
	const char *m = json_string_value(json_object_get(
		json_object_get(v, "error"), "message"));

	return m != NULL ? m : "";
}

static void
test_server_round_trip(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c;
	struct rpc_error err = { 0 };
	json_t *res;
	int rc, i;

	c = rpc_client_connect(f->path, &rc);
	assert_non_null(c);
	assert_int_equal(rc, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rpc_client_call(c, "sum",
						 json_pack("{s:i,s:i}", "a", i,
							   "b", 40),
						 &res, &err), 0);
		assert_int_equal(json_integer_value(res), 40 + i);
		json_decref(res);
	}
	assert_int_equal(rpc_client_call(c, "echo",
					 json_pack("{s:[i,s]}", "x", 1, "y"),
					 &res, &err), 0);
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(res, "x"), 0)), 1);
	json_decref(res);

	/* No params: the handler sees an empty object. */
	assert_int_equal(rpc_client_call(c, "echo", NULL, &res, &err), 0);
	assert_true(json_is_object(res));
	assert_int_equal(json_object_size(res), 0);
	json_decref(res);
	rpc_client_free(c);
	rpc_client_free(NULL);
}

static void
test_server_errors(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c;
	struct rpc_error err = { 0 };
	json_t *res = json_true();

	c = rpc_client_connect(f->path, NULL);
	assert_non_null(c);

	assert_int_equal(rpc_client_call(c, "no.such", NULL, &res, &err),
			 -EREMOTEIO);
	assert_null(res);
	assert_int_equal(err.code, RPC_ERR_METHOD);
	assert_contains(err.message, "'no.such'");

	assert_int_equal(rpc_client_call(c, "missing", NULL, &res, &err),
			 -EREMOTEIO);
	assert_int_equal(err.code, RPC_ERR_NOT_FOUND);
	assert_string_equal(err.message, "params.name: port 'p9' does not exist");
	assert_null(err.data);

	/* The error's data comes across; the next call releases it. */
	assert_int_equal(rpc_client_call(c, "data", NULL, &res, &err),
			 -EREMOTEIO);
	assert_int_equal(err.code, RPC_ERR_FAILED);
	assert_string_equal(err.message, "ops[7] (port.set): no");
	assert_true(json_is_object(err.data));
	assert_int_equal(json_integer_value(json_object_get(err.data, "op")), 7);

	assert_int_equal(rpc_client_call(c, "nocode", NULL, &res, &err),
			 -EREMOTEIO);
	assert_int_equal(err.code, RPC_ERR_FAILED);
	assert_contains(err.message, "nocode");
	assert_null(err.data);

	assert_int_equal(rpc_client_call(c, "sum", json_pack("{s:i}", "a", 1),
					 &res, &err), -EREMOTEIO);
	assert_int_equal(err.code, RPC_ERR_PARAMS);
	assert_contains(err.message, "params.b");

	/* The connection survives errors. */
	assert_int_equal(rpc_client_call(c, "sum",
					 json_pack("{s:i,s:i}", "a", 1, "b", 2),
					 &res, &err), 0);
	assert_int_equal(json_integer_value(res), 3);
	json_decref(res);

	/* Data kept by the caller is released by rpc_error_clear(). */
	assert_int_equal(rpc_client_call(c, "data", NULL, &res, &err),
			 -EREMOTEIO);
	assert_non_null(err.data);
	rpc_error_clear(&err);
	/* With no error to fill, the client releases the data itself. */
	assert_int_equal(rpc_client_call(c, "data", NULL, &res, NULL),
			 -EREMOTEIO);
	rpc_client_free(c);
}

static void
test_server_notification(void **state)
{
	struct fixture *f = *state;
	struct raw r;
	json_t *v;

	raw_open(&r, f->path);
	/* Two notifications (one to an unknown method), then a request. */
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"notify\"}\n"
		     "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}\n"
		     "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[9],\"id\":2}\n",
		 strlen("{\"jsonrpc\":\"2.0\",\"method\":\"notify\"}\n"
			"{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}\n"
			"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[9],\"id\":2}\n"));
	v = raw_line(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 2);
	assert_int_equal(json_integer_value(json_array_get(
		json_object_get(v, "result"), 0)), 9);
	json_decref(v);
	assert_int_equal(atomic_load(&f->notified), 1);
	/* Nothing else was sent: the next thing is the end of the stream. */
	shutdown(r.fd, SHUT_WR);
	assert_null(raw_line(&r));
	close(r.fd);
}

static void
test_server_garbage(void **state)
{
	struct fixture *f = *state;
	static const char *const junk[] = {
		"garbage", "{", "}", "[1,2", "\"str\"", "null", "42",
		"{\"jsonrpc\":\"2.0\"}", "[]",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":1,\"id\":3}",
	};
	size_t n = sizeof(junk) / sizeof(junk[0]), i, rounds = 50, len = 0;
	char *buf = malloc(65536);
	int blank;
	struct raw r;
	json_t *v;

	raw_open(&r, f->path);
	for (i = 0; i < rounds * n; i++)
		len += (size_t)sprintf(buf + len, "%s\n\n  \r\n", junk[i % n]);
	len += (size_t)sprintf(buf + len,
			       "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":77}\n");
	raw_send(&r, buf, len);
	for (i = 0; i < rounds * n; i++) {
		v = raw_line(&r);
		assert_non_null(v);
		assert_non_null(json_object_get(v, "error"));
		/* One error per line, in order: the junk, then two blank ones. */
		if (i % n == n - 1) {
			assert_int_equal(error_code(v), RPC_ERR_INVALID_REQUEST);
			assert_int_equal(json_integer_value(json_object_get(v, "id")), 3);
		} else if (i % n <= 3) {
			assert_int_equal(error_code(v), RPC_ERR_PARSE);
			assert_true(json_is_null(json_object_get(v, "id")));
		} else {
			assert_int_equal(error_code(v), RPC_ERR_INVALID_REQUEST);
		}
		json_decref(v);
		for (blank = 0; blank < 2; blank++) {
			v = raw_line(&r);
			assert_non_null(v);
			assert_int_equal(error_code(v), RPC_ERR_INVALID_REQUEST);
			assert_true(json_is_null(json_object_get(v, "id")));
			assert_non_null(strstr(error_message(v), "empty request line"));
			json_decref(v);
		}
	}
	v = raw_line(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 77);
	assert_non_null(json_object_get(v, "result"));
	json_decref(v);
	close(r.fd);
	free(buf);
}

static void
test_server_oversize(void **state)
{
	const char *req = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}";
	struct fixture *f = *state;
	size_t size = RPC_MAX_LINE + 100;
	char *buf = malloc(size);
	struct raw r;
	json_t *v;

	raw_open(&r, f->path);
	/* Exactly RPC_MAX_LINE bytes before the '\n' is still accepted. */
	memset(buf, ' ', RPC_MAX_LINE);
	memcpy(buf, req, strlen(req));
	buf[RPC_MAX_LINE] = '\n';
	raw_send(&r, buf, RPC_MAX_LINE + 1);
	v = raw_line(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 1);
	assert_non_null(json_object_get(v, "result"));
	json_decref(v);

	/* One byte more, with no end in sight: error, then close. */
	memset(buf, 'x', size);
	(void)send(r.fd, buf, size, MSG_NOSIGNAL);
	v = raw_line(&r);
	assert_non_null(v);
	assert_int_equal(error_code(v), RPC_ERR_INVALID_REQUEST);
	assert_true(json_is_null(json_object_get(v, "id")));
	assert_contains(json_string_value(json_object_get(
		json_object_get(v, "error"), "message")), "longer than");
	json_decref(v);
	assert_null(raw_line(&r));
	close(r.fd);
	free(buf);
}

static void
test_server_big_response(void **state)
{
	struct fixture *f = *state;
	struct rpc_client *c;
	struct rpc_error err = { 0 };
	json_t *res;
	size_t size = 3u << 20;

	c = rpc_client_connect(f->path, NULL);
	assert_non_null(c);
	assert_int_equal(rpc_client_call(c, "big",
					 json_pack("{s:I}", "size",
						   (json_int_t)size),
					 &res, &err), 0);
	assert_int_equal(json_string_length(res), size);
	assert_int_equal(json_string_value(res)[size - 1], 'z');
	json_decref(res);
	/* The stream stays in step after a large response. */
	assert_int_equal(rpc_client_call(c, "sum",
					 json_pack("{s:i,s:i}", "a", 2, "b", 2),
					 &res, &err), 0);
	assert_int_equal(json_integer_value(res), 4);
	json_decref(res);
	rpc_client_free(c);
}

static void
test_server_max_clients(void **state)
{
	struct fixture *f = *state;
	struct raw *r = calloc(RPC_MAX_CLIENTS + 1, sizeof(*r));
	struct rpc_client *c;
	struct rpc_error err = { 0 };
	json_t *v, *res;
	int i;

	for (i = 0; i < RPC_MAX_CLIENTS; i++) {
		raw_open(&r[i], f->path);
		/* Wait for each answer, so every connection is accepted. */
		raw_send(&r[i], "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}\n",
			 strlen("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}\n"));
		v = raw_line(&r[i]);
		assert_non_null(json_object_get(v, "result"));
		json_decref(v);
	}
	raw_open(&r[i], f->path);
	v = raw_line(&r[i]);
	assert_non_null(v);
	assert_int_equal(error_code(v), RPC_ERR_REFUSED);
	assert_contains(json_string_value(json_object_get(
		json_object_get(v, "error"), "message")), "too many");
	json_decref(v);
	assert_null(raw_line(&r[i]));
	close(r[i].fd);

	/* A freed slot can be used again; the client sees the codes. */
	close(r[0].fd);
	for (i = 0; i < 100; i++) {
		c = rpc_client_connect(f->path, NULL);
		assert_non_null(c);
		if (rpc_client_call(c, "echo", NULL, &res, &err) == 0)
			break;
		assert_int_equal(err.code, RPC_ERR_REFUSED);
		rpc_client_free(c);
		usleep(10000);
	}
	assert_true(i < 100);
	json_decref(res);
	rpc_client_free(c);
	for (i = 1; i < RPC_MAX_CLIENTS; i++)
		close(r[i].fd);
	free(r);
}

static void
test_server_refuses_stranger(void **state)
{
	struct fixture *f = *state;
	struct group *g;
	struct raw r;
	json_t *v;
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		skip();
		return;
	}
	g = getgrnam("yard");
	/* Let uid 65534 reach the socket, so that SO_PEERCRED decides. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(chmod(f->path, 0666), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int code = 1;

		if (g != NULL && g->gr_gid == 65534)
			_exit(77);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0)
			_exit(2);
		raw_open(&r, f->path);
		v = raw_line(&r);
		if (v != NULL && error_code(v) == RPC_ERR_REFUSED &&
		    strstr(json_string_value(json_object_get(
			    json_object_get(v, "error"), "message")),
			   "uid 65534") != NULL)
			code = raw_line(&r) == NULL ? 0 : 3;
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_server_socket_file(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rpc_server *srv;
	struct rpc_client *c;
	struct rpc_error err = { 0 };
	char path[96];
	struct stat st;
	struct raw r;
	json_t *res, *v;
	int fd, rc, i, n;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);

	/* A live socket is not taken over. */
	assert_null(rpc_server_create(f->path, &rc));
	assert_int_equal(rc, -EADDRINUSE);

	/* A stale one (bound, nobody listening) is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", f->dir);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(access(path, F_OK), 0);
	srv = rpc_server_create(path, &rc);
	assert_non_null(srv);
	assert_int_equal(rpc_server_method_add(srv, "echo", h_echo, NULL), 0);
	/* Single-threaded: send, let the server work, then read. */
	raw_open(&r, path);
	raw_send(&r, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":5}\n",
		 strlen("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":5}\n"));
	for (i = 0, n = 0; i < 10 && n == 0; i++) {
		n = rpc_server_poll(srv, 1000);
		assert_true(n >= 0);
	}
	assert_int_equal(n, 1);
	v = raw_line(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "id")), 5);
	json_decref(v);
	close(r.fd);
	rpc_server_free(srv);
	assert_int_equal(access(path, F_OK), -1);

	/* A regular file in the way is never removed. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_null(rpc_server_create(path, &rc));
	assert_int_equal(rc, -EEXIST);
	assert_int_equal(unlink(path), 0);

	/* Clients see transport errors as such. */
	assert_null(rpc_client_connect(path, &rc));
	assert_int_equal(rc, -ENOENT);
	c = rpc_client_connect(f->path, NULL);
	assert_non_null(c);
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	rpc_server_free(f->srv);
	f->srv = NULL;
	assert_int_equal(rpc_client_call(c, "echo", NULL, &res, &err),
			 -ECONNRESET);
	assert_int_equal(err.code, RPC_ERR_INTERNAL);
	assert_contains(err.message, "closed");
	rpc_client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_notification),
		cmocka_unit_test(test_decode_bad_version),
		cmocka_unit_test(test_decode_method_not_string),
		cmocka_unit_test(test_decode_params_scalar),
		cmocka_unit_test(test_decode_bad_id),
		cmocka_unit_test(test_decode_batch),
		cmocka_unit_test(test_decode_invalid_json),
		cmocka_unit_test(test_decode_deep_nesting),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_response_encode),
		cmocka_unit_test(test_response_encode_error),
		cmocka_unit_test(test_error_data),
		cmocka_unit_test(test_request_encode),
		cmocka_unit_test(test_param_helpers),
		cmocka_unit_test_setup_teardown(test_server_round_trip,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_errors,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_notification,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_garbage,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_oversize,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_big_response,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_max_clients,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_refuses_stranger,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_server_socket_file,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
