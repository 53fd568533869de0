/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking JSON-RPC client: one request at a time, each answered by one
 * response line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc.h"
#include "rpc_priv.h"

#define RPC_CLIENT_CHUNK (64u << 10)

struct rpc_client {
	int fd;
	long long next_id;
	char *buf;		/* Received bytes not yet consumed. */
	size_t len, cap;
	size_t scan;		/* buf[0..scan) holds no '\n'. */
};

struct rpc_client *
rpc_client_connect(const char *path, int *errp)
{
	struct sockaddr_un sa;
	struct rpc_client *c;
	int rc;

	rc = rpc_sockaddr_make(path, &sa);
	if (rc < 0)
		goto err;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	c->next_id = 1;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		rc = -errno;
		goto err_free;
	}
	while (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		rc = -errno;
		goto err_close;
	}
	if (errp != NULL)
		*errp = 0;
	return c;

err_close:
	close(c->fd);
err_free:
	free(c);
err:
	if (errp != NULL)
		*errp = rc;
	return NULL;
}

/* Wait until buf holds a whole line; its length (without '\n') in *len. */
static int
rpc_client_line_read(struct rpc_client *c, size_t *len)
{
	size_t cap;
	char *nl, *nbuf;
	ssize_t n;

	for (;;) {
		nl = c->len > c->scan ?
		     memchr(c->buf + c->scan, '\n', c->len - c->scan) : NULL;
		if (nl != NULL) {
			*len = (size_t)(nl - c->buf);
			return 0;
		}
		c->scan = c->len;
		if (c->len > RPC_MAX_LINE)
			return -EMSGSIZE;
		if (c->cap - c->len < RPC_CLIENT_CHUNK) {
			cap = c->cap ? c->cap * 2 : RPC_CLIENT_CHUNK * 2;
			nbuf = realloc(c->buf, cap);
			if (nbuf == NULL)
				return -ENOMEM;
			c->buf = nbuf;
			c->cap = cap;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0)
			c->len += (size_t)n;
		else if (n == 0)
			return -ECONNRESET;
		else if (errno != EINTR)
			return -errno;
	}
}

static void
rpc_client_line_consume(struct rpc_client *c, size_t len)
{
	c->len -= len + 1;
	memmove(c->buf, c->buf + len + 1, c->len);
	c->scan = 0;
}

static int
rpc_client_send(struct rpc_client *c, const char *line)
{
	size_t len = strlen(line), off = 0;
	ssize_t n;

	while (off < len) {
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

static int
rpc_client_fail(struct rpc_error *err, int rc, const char *what)
{
	if (rc == -EPIPE)
		rc = -ECONNRESET;
	if (rc == -ECONNRESET)
		rpc_error_set(err, RPC_ERR_INTERNAL,
			      "%s: the server closed the connection", what);
	else if (rc == -EMSGSIZE)
		rpc_error_set(err, RPC_ERR_INTERNAL,
			      "%s: response longer than %u bytes", what,
			      RPC_MAX_LINE);
	else
		rpc_error_set(err, RPC_ERR_INTERNAL, "%s: %s", what,
			      strerror(-rc));
	return rc;
}

/* rpc_client_call() with a cleared `err`. */
static int
rpc_client_exchange(struct rpc_client *c, const char *method, json_t *params,
		    json_t **result, struct rpc_error *err)
{
	json_t *id, *res;
	long long want;
	size_t len = 0;
	char *line;
	int rc, send_rc;

	if (result != NULL)
		*result = NULL;
	if (c == NULL || method == NULL) {
		json_decref(params);
		return rpc_client_fail(err, -EINVAL, "call");
	}
	want = c->next_id++;
	line = rpc_request_encode(method, params, want);
	if (line == NULL)
		return rpc_client_fail(err, -ENOMEM, "encoding the request");
	send_rc = rpc_client_send(c, line);
	free(line);
	/*
	 * A server that refused the connection has already sent its reason and
	 * closed; the send fails then, but the reason is waiting to be read.
	 */
	if (send_rc < 0 && send_rc != -EPIPE && send_rc != -ECONNRESET)
		return rpc_client_fail(err, send_rc, "sending the request");

	for (;;) {
		rc = rpc_client_line_read(c, &len);
		if (rc < 0)
			return rpc_client_fail(err, send_rc < 0 ? send_rc : rc,
					       "reading the response");
		rc = rpc_response_decode(c->buf, len, &id, &res, err);
		rpc_client_line_consume(c, len);
		if (rc == -EPROTO)
			return rc;
		/*
		 * An error with a null id answers a request the server could
		 * not read, or refuses the connection: it is ours. Responses
		 * to other ids are stale and skipped.
		 */
		if ((json_is_integer(id) && json_integer_value(id) == want) ||
		    (rc == -EREMOTEIO && json_is_null(id))) {
			json_decref(id);
			if (rc == 0 && result != NULL)
				*result = res;
			else
				json_decref(res);
			return rc;
		}
		json_decref(id);
		json_decref(res);
		rpc_error_clear(err);
	}
}

int
rpc_client_call(struct rpc_client *c, const char *method, json_t *params,
		json_t **result, struct rpc_error *err)
{
	struct rpc_error local = { 0 };
	int rc;

	if (err != NULL) {
		rpc_error_clear(err);
		return rpc_client_exchange(c, method, params, result, err);
	}
	/* Nobody reads the error: do not keep its data. */
	rc = rpc_client_exchange(c, method, params, result, &local);
	rpc_error_clear(&local);
	return rc;
}

int
rpc_client_fd(const struct rpc_client *c)
{
	return c->fd;
}

int
rpc_client_set_timeout(struct rpc_client *c, unsigned int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

void
rpc_client_free(struct rpc_client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}
