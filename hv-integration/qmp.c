/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small blocking QMP client: one JSON object per line, greeting, then
 * qmp_capabilities, then commands matched to their responses by "id".
 * Asynchronous events ({"event": ...}) are read and dropped.
 *
 * The socket is non-blocking and every wait is a poll() against a deadline,
 * so a QEMU that hangs cannot hang the caller.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hv_priv.h"

/* A line longer than this is not QMP talking: give up on the connection. */
#define QMP_LINE_MAX (16u << 20)

enum qmp_stage {
	QMP_GREETING,		/* waiting for {"QMP": ...} */
	QMP_CAPABILITIES,	/* qmp_capabilities sent (caps_id), waiting for its answer */
	QMP_READY,
};

struct hv_qmp {
	int fd;
	enum qmp_stage stage;
	char *buf;		/* received, not yet consumed */
	size_t len, cap;
	long long next_id;
	long long caps_id;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int
hv_qmp_open(const char *path, struct hv_qmp **qp, struct hv_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct hv_qmp *q;
	int fd, e;

	*qp = NULL;
	if (path == NULL || strlen(path) >= sizeof(sa.sun_path))
		return hv_err(err, -ENAMETOOLONG,
			      "QMP socket path '%s' is longer than %zu bytes",
			      path ? path : "(null)", sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return hv_err(err, -errno, "cannot create a socket: %s", strerror(errno));
	/* A unix connect completes at once or fails; EAGAIN = backlog full. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		return hv_err(err, -e, "cannot connect to QMP at %s: %s", path,
			      strerror(e));
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL) {
		close(fd);
		return hv_err(err, -ENOMEM, "out of memory");
	}
	q->fd = fd;
	q->next_id = 1;
	snprintf(q->path, sizeof(q->path), "%s", path);
	*qp = q;
	return 0;
}

void
hv_qmp_close(struct hv_qmp *q)
{
	if (q == NULL)
		return;
	close(q->fd);
	free(q->buf);
	free(q);
}

/* Read one message (a JSON object) before the deadline. */
static int
qmp_read(struct hv_qmp *q, uint64_t deadline, json_t **msg, struct hv_error *err)
{
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		json_error_t je;
		ssize_t n;
		int r;

		if (nl != NULL) {
			size_t line = (size_t)(nl - q->buf);

			*msg = json_loadb(q->buf, line, 0, &je);
			memmove(q->buf, nl + 1, q->len - line - 1);
			q->len -= line + 1;
			if (*msg == NULL || !json_is_object(*msg)) {
				json_decref(*msg);
				*msg = NULL;
				return hv_err(err, -EPROTO, "QMP at %s sent a line that is not a JSON object (%s)",
					      q->path, je.text);
			}
			return 0;
		}
		if (q->len >= QMP_LINE_MAX)
			return hv_err(err, -EMSGSIZE, "QMP at %s sent a line longer than %u bytes",
				      q->path, QMP_LINE_MAX);
		if (q->cap - q->len < 4096) {
			size_t cap = q->cap ? q->cap * 2 : 8192;
			char *b = realloc(q->buf, cap);

			if (b == NULL)
				return hv_err(err, -ENOMEM, "out of memory");
			q->buf = b;
			q->cap = cap;
		}
		r = poll(&pfd, 1, hv_remaining_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return hv_err(err, -errno, "poll: %s", strerror(errno));
		if (r == 0)
			return hv_err(err, -ETIMEDOUT, "QMP at %s did not answer in time",
				      q->path);
		n = recv(q->fd, q->buf + q->len, q->cap - q->len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return hv_err(err, -errno, "QMP at %s: %s", q->path, strerror(errno));
		if (n == 0)
			return hv_err(err, -ECONNRESET, "QMP at %s closed the connection",
				      q->path);
		q->len += (size_t)n;
	}
}

static int
qmp_send(struct hv_qmp *q, json_t *req, uint64_t deadline, struct hv_error *err)
{
	char *text = json_dumps(req, JSON_COMPACT);
	size_t len, off = 0;

	if (text == NULL)
		return hv_err(err, -ENOMEM, "out of memory");
	len = strlen(text);
	text[len] = '\n';	/* json_dumps's NUL becomes the line end. */
	len++;
	while (off < len) {
		struct pollfd pfd = { .fd = q->fd, .events = POLLOUT };
		ssize_t n = send(q->fd, text + off, len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			int e = errno;

			free(text);
			return hv_err(err, e == EPIPE ? -ECONNRESET : -e,
				      "QMP at %s: %s", q->path, strerror(e));
		}
		if (poll(&pfd, 1, hv_remaining_ms(deadline)) == 0) {
			free(text);
			return hv_err(err, -ETIMEDOUT, "QMP at %s does not read", q->path);
		}
	}
	free(text);
	return 0;
}

/* Send `command` with a fresh id, returned in *idp. `args` is stolen. */
static int
qmp_request(struct hv_qmp *q, const char *command, json_t *args,
	    uint64_t deadline, long long *idp, struct hv_error *err)
{
	long long id = q->next_id++;
	json_t *req;
	int rc;

	req = json_pack("{s:s, s:I}", "execute", command, "id", (json_int_t)id);
	if (req == NULL) {
		json_decref(args);
		return hv_err(err, -ENOMEM, "out of memory");
	}
	if (args != NULL && json_object_set_new(req, "arguments", args) < 0) {
		json_decref(req);
		return hv_err(err, -ENOMEM, "out of memory");
	}
	rc = qmp_send(q, req, deadline, err);
	json_decref(req);
	*idp = id;
	return rc;
}

/* Wait for the response to request `id`; events and stale answers are dropped. */
static int
qmp_response(struct hv_qmp *q, const char *command, long long id,
	     uint64_t deadline, json_t **ret, struct hv_error *err)
{
	for (;;) {
		json_t *msg = NULL, *rid, *e;
		int rc = qmp_read(q, deadline, &msg, err);

		if (rc < 0)
			return rc;
		rid = json_object_get(msg, "id");
		if (!json_is_integer(rid) || json_integer_value(rid) != id) {
			json_decref(msg);
			continue;
		}
		e = json_object_get(msg, "error");
		if (e != NULL) {
			rc = hv_err(err, -EREMOTEIO, "QMP %s: %s: %s", command,
				    json_string_value(json_object_get(e, "class")) ?: "Error",
				    json_string_value(json_object_get(e, "desc")) ?: "(no description)");
		} else if (ret != NULL) {
			*ret = json_incref(json_object_get(msg, "return"));
			if (*ret == NULL)
				*ret = json_object();
		}
		json_decref(msg);
		return rc;
	}
}

int
hv_qmp_handshake(struct hv_qmp *q, uint64_t deadline, struct hv_error *err)
{
	json_t *msg = NULL;
	int rc;

	if (q->stage == QMP_GREETING) {
		rc = qmp_read(q, deadline, &msg, err);
		if (rc < 0)
			return rc;
		if (json_object_get(msg, "QMP") == NULL) {
			json_decref(msg);
			return hv_err(err, -EPROTO, "%s is not a QMP socket (no greeting)",
				      q->path);
		}
		json_decref(msg);
		rc = qmp_request(q, "qmp_capabilities", NULL, deadline, &q->caps_id, err);
		if (rc < 0)
			return rc;
		q->stage = QMP_CAPABILITIES;
	}
	if (q->stage == QMP_CAPABILITIES) {
		rc = qmp_response(q, "qmp_capabilities", q->caps_id, deadline, NULL, err);
		if (rc < 0)
			return rc;
		q->stage = QMP_READY;
	}
	return 0;
}

int
hv_qmp_connect(const char *path, unsigned int timeout_ms, struct hv_qmp **qp,
	       struct hv_error *err)
{
	uint64_t deadline = hv_now_ms() + timeout_ms;
	struct hv_qmp *q;
	int rc;

	*qp = NULL;
	rc = hv_qmp_open(path, &q, err);
	if (rc < 0)
		return rc;
	rc = hv_qmp_handshake(q, deadline, err);
	if (rc < 0) {
		hv_qmp_close(q);
		return rc;
	}
	*qp = q;
	return 0;
}

int
hv_qmp_command(struct hv_qmp *q, const char *command, json_t *args,
	       unsigned int timeout_ms, json_t **ret, struct hv_error *err)
{
	uint64_t deadline = hv_now_ms() + timeout_ms;
	long long id;
	int rc;

	if (ret != NULL)
		*ret = NULL;
	if (q == NULL || command == NULL) {
		json_decref(args);
		return hv_err(err, -EINVAL, "no QMP connection or command");
	}
	if (q->stage != QMP_READY) {
		json_decref(args);
		return hv_err(err, -EPROTO, "QMP at %s: handshake not done", q->path);
	}
	rc = qmp_request(q, command, args, deadline, &id, err);
	if (rc < 0)
		return rc;
	return qmp_response(q, command, id, deadline, ret, err);
}
