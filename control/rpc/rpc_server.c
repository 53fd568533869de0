/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC server on a unix stream socket: one nonblocking epoll loop that a
 * control thread polls. Every connection has a bounded input buffer (one line
 * of at most RPC_MAX_LINE bytes) and a bounded output buffer, so no client
 * can make the server block or grow without limit.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rpc.h"
#include "rpc_priv.h"

#define RPC_GROUP "yard"
/* Bytes asked of recv() at once. */
#define RPC_READ_CHUNK (64u << 10)
/* Bytes read from one client per poll, so a busy client cannot starve others. */
#define RPC_READ_BUDGET (1u << 20)
/* Pending output past which a client is a slow reader and is disconnected. */
#define RPC_OUT_MAX (4 * (size_t)RPC_MAX_LINE)
/* Pending output past which the server stops reading that client's requests. */
#define RPC_OUT_PAUSE ((size_t)RPC_MAX_LINE)

struct rpc_conn {
	int fd;
	unsigned int slot;	/* Index in rpc_server.conns. */
	uint32_t events;	/* What epoll watches now. */
	bool closing;		/* Read no more; close once output is flushed. */
	bool dead;		/* Close now, dropping pending output. */
	uid_t uid;		/* The peer's, from SO_PEERCRED. */
	uint64_t last_ms;	/* Accepted or last received a byte. */
	char *in;
	size_t in_len, in_cap;
	size_t in_scan;		/* in[0..in_scan) holds no '\n'. */
	char *out;
	size_t out_off, out_len, out_cap;
};

struct rpc_method {
	char *name;
	rpc_method_fn fn;
	void *ctx;
};

struct rpc_server {
	int lfd;
	int epfd;
	char *path;
	bool bound;		/* The socket file is ours to unlink. */
	dev_t dev;
	ino_t ino;
	uid_t euid;
	struct rpc_method *methods;
	size_t n_methods, cap_methods;
	struct rpc_conn *conns[RPC_MAX_CLIENTS];
	unsigned int n_conns;
	struct rpc_server_limits limits;
};

static uint64_t
rpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- Access control ---- */

/*
 * The reentrant NSS calls need a caller buffer whose size is only a hint;
 * retry with a bigger one on ERANGE.
 */
static int
rpc_group_gid_get(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	size_t size = 1024;
	char *buf = NULL, *nbuf;
	int rc;

	for (;;) {
		nbuf = realloc(buf, size);
		if (nbuf == NULL) {
			rc = -ENOMEM;
			break;
		}
		buf = nbuf;
		rc = getgrnam_r(name, &gr, buf, size, &res);
		if (rc == ERANGE && size < (1u << 20)) {
			size *= 2;
			continue;
		}
		if (rc != 0)
			rc = -rc;
		else if (res == NULL)
			rc = -ENOENT;
		else
			*gid = gr.gr_gid;
		break;
	}
	free(buf);
	return rc;
}

/* Whether user `uid` has `gid` among its primary and supplementary groups. */
static bool
rpc_user_group_has(uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	gid_t *groups = NULL, *ng;
	size_t size = 1024;
	char *buf = NULL, *nbuf;
	bool found = false;
	int n = 32, i, rc;

	for (;;) {
		nbuf = realloc(buf, size);
		if (nbuf == NULL)
			goto out;
		buf = nbuf;
		rc = getpwuid_r(uid, &pw, buf, size, &res);
		if (rc == ERANGE && size < (1u << 20)) {
			size *= 2;
			continue;
		}
		if (rc != 0 || res == NULL)
			goto out;
		break;
	}
	if (pw.pw_gid == gid) {
		found = true;
		goto out;
	}
	for (;;) {
		int want = n;

		ng = realloc(groups, (size_t)n * sizeof(*groups));
		if (ng == NULL)
			goto out;
		groups = ng;
		if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) >= 0)
			break;
		/* getgrouplist() set n to the count it needs. */
		if (n <= want)
			n = want * 2;
		if (n > 65536)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			found = true;
out:
	free(groups);
	free(buf);
	return found;
}

static bool
rpc_peer_is_allowed(const struct rpc_server *srv, int fd, uid_t *uid,
		    char *why, size_t size)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t yard;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		snprintf(why, size, "the peer's credentials cannot be read: %s",
			 strerror(errno));
		return false;
	}
	*uid = cr.uid;
	if (cr.uid == 0 || cr.uid == srv->euid)
		return true;
	/* Look the group up on every connection: membership can change. */
	if (rpc_group_gid_get(RPC_GROUP, &yard) == 0 &&
	    (cr.gid == yard || rpc_user_group_has(cr.uid, yard)))
		return true;
	if (srv->euid == 0)
		snprintf(why, size, "permission denied: uid %u is neither root "
			 "nor a member of group '%s'", (unsigned int)cr.uid,
			 RPC_GROUP);
	else
		snprintf(why, size, "permission denied: uid %u is neither root, "
			 "nor uid %u, nor a member of group '%s'",
			 (unsigned int)cr.uid, (unsigned int)srv->euid, RPC_GROUP);
	return false;
}

/* Send one error line on a connection that is about to be closed. */
static void
rpc_fd_refuse(int fd, int code, const char *msg)
{
	struct rpc_error err = { 0 };
	char *line;

	rpc_error_set(&err, code, "%s", msg);
	line = rpc_response_encode(NULL, NULL, &err);
	if (line != NULL) {
		/* Best effort: a fresh socket buffer always holds one line. */
		(void)send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
		free(line);
	}
	close(fd);
}

/* ---- Connections ---- */

static void
rpc_conn_free(struct rpc_server *srv, struct rpc_conn *conn)
{
	/* Closing the fd also removes it from the epoll set. */
	close(conn->fd);
	srv->conns[conn->slot] = NULL;
	srv->n_conns--;
	free(conn->in);
	free(conn->out);
	free(conn);
}

static int
rpc_conn_events_update(struct rpc_server *srv, struct rpc_conn *conn)
{
	struct epoll_event ev = { .data.ptr = conn };
	size_t pending = conn->out_len - conn->out_off;

	if (!conn->closing && pending < RPC_OUT_PAUSE)
		ev.events |= EPOLLIN;
	if (pending > 0)
		ev.events |= EPOLLOUT;
	if (ev.events == conn->events)
		return 0;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, conn->fd, &ev) < 0)
		return -errno;
	conn->events = ev.events;
	return 0;
}

static void
rpc_conn_flush(struct rpc_conn *conn)
{
	ssize_t n;

	while (conn->out_off < conn->out_len) {
		n = send(conn->fd, conn->out + conn->out_off,
			 conn->out_len - conn->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			conn->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* The peer is gone (EPIPE, ECONNRESET): nothing can be sent. */
		conn->dead = true;
		return;
	}
	conn->out_off = 0;
	conn->out_len = 0;
}

/* Queue `line` (owned, '\n' terminated) for sending. */
static void
rpc_conn_queue(struct rpc_conn *conn, char *line)
{
	size_t len = strlen(line), pending, cap;
	char *nout;

	pending = conn->out_len - conn->out_off;
	if (pending + len > RPC_OUT_MAX) {
		conn->dead = true;
		goto out;
	}
	if (conn->out_off > 0) {
		memmove(conn->out, conn->out + conn->out_off, pending);
		conn->out_off = 0;
		conn->out_len = pending;
	}
	if (conn->out_len + len > conn->out_cap) {
		cap = conn->out_cap ? conn->out_cap : 4096;
		while (cap < conn->out_len + len)
			cap *= 2;
		nout = realloc(conn->out, cap);
		if (nout == NULL) {
			conn->dead = true;
			goto out;
		}
		conn->out = nout;
		conn->out_cap = cap;
	}
	memcpy(conn->out + conn->out_len, line, len);
	conn->out_len += len;
out:
	free(line);
}

static const struct rpc_method *
rpc_method_find(const struct rpc_server *srv, const char *name)
{
	size_t i;

	for (i = 0; i < srv->n_methods; i++)
		if (strcmp(srv->methods[i].name, name) == 0)
			return &srv->methods[i];
	return NULL;
}

int
rpc_server_call(struct rpc_server *srv, const char *method, json_t *params,
		json_t **result, struct rpc_error *err)
{
	const struct rpc_method *m = rpc_method_find(srv, method);
	int rc;

	*result = NULL;
	if (m == NULL)
		return rpc_error_set(err, RPC_ERR_METHOD,
				     "method '%.200s' does not exist", method);
	rc = m->fn(m->ctx, params, result, err);
	if (rc != 0) {
		json_decref(*result);
		*result = NULL;
		if (err->code == 0)
			err->code = RPC_ERR_FAILED;
		if (err->message[0] == '\0')
			snprintf(err->message, sizeof(err->message),
				 "%s failed: %s", method,
				 strerror(rc < 0 ? -rc : rc));
	}
	return rc;
}

/*
 * Decode and run one request. Returns the response line to send (NULL for a
 * notification) in *out; -ENOMEM when even an error response could not be
 * made.
 */
static int
rpc_server_dispatch(struct rpc_server *srv, const char *line, size_t len,
		    char **out)
{
	struct rpc_error err = { 0 };
	struct rpc_request req;
	json_t *result = NULL;
	int rc;

	*out = NULL;
	rc = rpc_request_decode(line, len, &req, &err);
	if (rc < 0) {
		/* JSON-RPC answers invalid requests even without an id. */
		*out = rpc_response_encode(req.id, NULL, &err);
		json_decref(req.id);
		return *out != NULL ? 0 : -ENOMEM;
	}

	rc = rpc_server_call(srv, req.method, req.params, &result, &err);

	if (req.id == NULL) {
		json_decref(result);
		rpc_error_clear(&err);
		rpc_request_release(&req);
		return 0;
	}
	*out = rpc_response_encode(req.id, result, rc != 0 ? &err : NULL);
	if (*out == NULL) {
		/* The handler's result could not be serialized. */
		rpc_error_set(&err, RPC_ERR_INTERNAL,
			      "the response to '%.200s' could not be encoded",
			      req.method);
		*out = rpc_response_encode(req.id, NULL, &err);
	}
	rpc_error_clear(&err);
	rpc_request_release(&req);
	return *out != NULL ? 0 : -ENOMEM;
}

static bool
rpc_line_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/*
 * An empty (or blank) line is no request, but a client that sent one waits
 * for something: answer it as JSON-RPC answers any invalid request.
 */
static char *
rpc_blank_line_reply(void)
{
	struct rpc_error err = { 0 };

	rpc_error_set(&err, RPC_ERR_INVALID_REQUEST,
		      "empty request line: send one JSON-RPC request object "
		      "per line, e.g. {\"jsonrpc\": \"2.0\", \"id\": 1, "
		      "\"method\": \"version\"}");
	return rpc_response_encode(NULL, NULL, &err);
}

/* Handle one line (a blank one too); returns 1. */
static int
rpc_conn_line_handle(struct rpc_server *srv, struct rpc_conn *conn,
		     const char *line, size_t len)
{
	char *out;
	int rc;

	if (rpc_line_is_blank(line, len)) {
		out = rpc_blank_line_reply();
		rc = out != NULL ? 0 : -ENOMEM;
	} else {
		rc = rpc_server_dispatch(srv, line, len, &out);
	}
	if (rc < 0)
		conn->dead = true;
	else if (out != NULL)
		rpc_conn_queue(conn, out);
	/*
	 * Many small requests in one read can ask for large responses: send
	 * as we go, so that only a client that does not read hits RPC_OUT_MAX.
	 */
	if (!conn->dead && conn->out_len - conn->out_off >= RPC_OUT_PAUSE)
		rpc_conn_flush(conn);
	return 1;
}

static void
rpc_conn_oversize_reject(struct rpc_conn *conn)
{
	struct rpc_error err = { 0 };
	char *line;

	rpc_error_set(&err, RPC_ERR_INVALID_REQUEST,
		      "request line longer than %u bytes; closing the connection",
		      RPC_MAX_LINE);
	line = rpc_response_encode(NULL, NULL, &err);
	if (line == NULL)
		conn->dead = true;
	else
		rpc_conn_queue(conn, line);
	conn->closing = true;
	conn->in_len = 0;
	conn->in_scan = 0;
}

/* Run every complete line in the input buffer; `eof` runs the rest too. */
static int
rpc_conn_lines_handle(struct rpc_server *srv, struct rpc_conn *conn, bool eof)
{
	size_t start = 0, end, rest;
	int handled = 0;
	char *nl;

	while (!conn->dead && !conn->closing &&
	       (nl = memchr(conn->in + conn->in_scan, '\n',
			    conn->in_len - conn->in_scan)) != NULL) {
		end = (size_t)(nl - conn->in);
		if (end - start > RPC_MAX_LINE) {
			rpc_conn_oversize_reject(conn);
			return handled;
		}
		handled += rpc_conn_line_handle(srv, conn, conn->in + start,
						end - start);
		start = end + 1;
		conn->in_scan = start;
	}
	if (conn->dead || conn->closing)
		return handled;

	rest = conn->in_len - start;
	if (start > 0)
		memmove(conn->in, conn->in + start, rest);
	conn->in_len = rest;
	conn->in_scan = rest;
	if (rest > RPC_MAX_LINE) {
		rpc_conn_oversize_reject(conn);
	} else if (eof && rest > 0) {
		/* A last request without its '\n' is still a request. */
		handled += rpc_conn_line_handle(srv, conn, conn->in, rest);
		conn->in_len = 0;
		conn->in_scan = 0;
	}
	return handled;
}

/* Read what the client sent, within this poll's budget. */
static int
rpc_conn_read(struct rpc_server *srv, struct rpc_conn *conn)
{
	size_t budget = RPC_READ_BUDGET, want, cap;
	int handled = 0;
	char *nin;
	ssize_t n;

	while (budget > 0 && !conn->closing && !conn->dead &&
	       conn->out_len - conn->out_off < RPC_OUT_PAUSE) {
		/* Never hold more than one maximal line and one byte. */
		want = RPC_MAX_LINE + 1 - conn->in_len;
		if (want > RPC_READ_CHUNK)
			want = RPC_READ_CHUNK;
		if (conn->in_len + want > conn->in_cap) {
			cap = conn->in_cap ? conn->in_cap : 4096;
			while (cap < conn->in_len + want)
				cap *= 2;
			nin = realloc(conn->in, cap);
			if (nin == NULL) {
				conn->dead = true;
				break;
			}
			conn->in = nin;
			conn->in_cap = cap;
		}
		n = recv(conn->fd, conn->in + conn->in_len, want, MSG_DONTWAIT);
		if (n > 0) {
			conn->last_ms = rpc_now_ms();
			conn->in_len += (size_t)n;
			budget -= (size_t)n < budget ? (size_t)n : budget;
			handled += rpc_conn_lines_handle(srv, conn, false);
		} else if (n == 0) {
			handled += rpc_conn_lines_handle(srv, conn, true);
			conn->closing = true;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else {
			conn->dead = true;
		}
	}
	return handled;
}

static int
rpc_conn_event(struct rpc_server *srv, struct rpc_conn *conn, uint32_t events)
{
	int handled = 0;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		handled = rpc_conn_read(srv, conn);
	if (!conn->dead)
		rpc_conn_flush(conn);
	/*
	 * A hang-up seen while input is paused would be reported forever by
	 * level-triggered epoll; the flush above has failed in that case.
	 */
	if (conn->dead ||
	    (conn->closing && conn->out_off == conn->out_len) ||
	    rpc_conn_events_update(srv, conn) < 0)
		rpc_conn_free(srv, conn);
	return handled;
}

/*
 * The connection to close so that one of `uid` can come in: the one silent
 * for longest, past RPC_EVICT_IDLE_MS, with nothing half-read or unsent. A
 * client that is not root displaces only clients that are not root.
 */
static struct rpc_conn *
rpc_conn_evictable(struct rpc_server *srv, uid_t uid, uint64_t now)
{
	struct rpc_conn *best = NULL;

	for (unsigned int i = 0; i < RPC_MAX_CLIENTS; i++) {
		struct rpc_conn *c = srv->conns[i];

		if (c == NULL || c->in_len > 0 || c->out_len > c->out_off ||
		    now - c->last_ms < RPC_EVICT_IDLE_MS ||
		    (uid != 0 && c->uid == 0))
			continue;
		if (best == NULL || c->last_ms < best->last_ms ||
		    (c->last_ms == best->last_ms && best->uid == 0))
			best = c;
	}
	return best;
}

/* Close a connection with one error line saying why. */
static void
rpc_conn_close_why(struct rpc_server *srv, struct rpc_conn *conn,
		   const char *why)
{
	int fd = dup(conn->fd);

	rpc_conn_free(srv, conn);
	if (fd >= 0)
		rpc_fd_refuse(fd, RPC_ERR_REFUSED, why);
}

/* 0 when a connection of `uid` fits the limits, else -EUSERS and `why`. */
static int
rpc_conn_admit(struct rpc_server *srv, uid_t uid, char *why, size_t len)
{
	unsigned int mine = 0;
	struct rpc_conn *victim;

	for (unsigned int i = 0; i < RPC_MAX_CLIENTS; i++)
		mine += srv->conns[i] != NULL && srv->conns[i]->uid == uid;
	if (uid != 0 && srv->limits.per_uid && mine >= srv->limits.per_uid) {
		snprintf(why, len, "too many connections from uid %u (the limit "
			 "is %u per user); close some and try again",
			 (unsigned int)uid, srv->limits.per_uid);
		return -EUSERS;
	}
	if (srv->n_conns < RPC_MAX_CLIENTS)
		return 0;
	victim = rpc_conn_evictable(srv, uid, rpc_now_ms());
	if (victim == NULL) {
		snprintf(why, len, "too many connections (the limit is %d, all "
			 "busy); try again later", RPC_MAX_CLIENTS);
		return -EUSERS;
	}
	rpc_conn_close_why(srv, victim, "closed: idle while the server was "
			   "full and another client came; reconnect");
	return 0;
}

static void
rpc_server_accept(struct rpc_server *srv)
{
	struct epoll_event ev;
	struct rpc_conn *conn;
	unsigned int slot;
	char why[160];
	uid_t uid;
	int fd;

	for (;;) {
		fd = accept4(srv->lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* EAGAIN ends the backlog; EMFILE and such wait. */
			return;
		}
		if (!rpc_peer_is_allowed(srv, fd, &uid, why, sizeof(why)) ||
		    rpc_conn_admit(srv, uid, why, sizeof(why)) < 0) {
			rpc_fd_refuse(fd, RPC_ERR_REFUSED, why);
			continue;
		}
		conn = calloc(1, sizeof(*conn));
		if (conn == NULL) {
			close(fd);
			continue;
		}
		for (slot = 0; srv->conns[slot] != NULL; slot++)
			;
		conn->fd = fd;
		conn->slot = slot;
		conn->uid = uid;
		conn->last_ms = rpc_now_ms();
		conn->events = EPOLLIN;
		ev.events = EPOLLIN;
		ev.data.ptr = conn;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(conn);
			continue;
		}
		srv->conns[slot] = conn;
		srv->n_conns++;
	}
}

/*
 * Close connections silent for longer than the idle limit: a client that
 * sends half a line and waits, or holds a slot doing nothing.
 */
static void
rpc_server_idle_sweep(struct rpc_server *srv)
{
	uint64_t now = rpc_now_ms();
	char why[96];

	if (srv->limits.idle_ms == 0)
		return;
	snprintf(why, sizeof(why), "closed: idle for %u s; reconnect when there "
		 "is something to ask", srv->limits.idle_ms / 1000);
	for (unsigned int i = 0; i < RPC_MAX_CLIENTS; i++) {
		struct rpc_conn *c = srv->conns[i];

		if (c != NULL && now - c->last_ms >= srv->limits.idle_ms)
			rpc_conn_close_why(srv, c, why);
	}
}

int
rpc_server_limits_set(struct rpc_server *srv,
		      const struct rpc_server_limits *limits)
{
	if (srv == NULL || limits == NULL)
		return -EINVAL;
	srv->limits = *limits;
	return 0;
}

int
rpc_server_poll(struct rpc_server *srv, int timeout_ms)
{
	struct epoll_event ev[RPC_MAX_CLIENTS + 1];
	bool accept_ready = false;
	int n, i, handled = 0;

	if (srv == NULL)
		return -EINVAL;
	n = epoll_wait(srv->epfd, ev, RPC_MAX_CLIENTS + 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (ev[i].data.ptr == srv)
			accept_ready = true;
		else
			handled += rpc_conn_event(srv, ev[i].data.ptr,
						  ev[i].events);
	}
	/*
	 * Accepting and sweeping may close connections: only once no event
	 * of this round still points at one.
	 */
	if (accept_ready)
		rpc_server_accept(srv);
	rpc_server_idle_sweep(srv);
	return handled;
}

/* ---- Creation ---- */


/*
 * Bind, replacing a socket file that no process listens on any more (left by
 * a crash). A live socket is never taken over, and a file that is not a
 * socket is never removed.
 */
static int
rpc_socket_bind(int fd, const struct sockaddr_un *sa)
{
	struct stat st;
	int probe, rc;

	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	if (lstat(sa->sun_path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		/* Removed since bind() failed: the name is free now. */
		st.st_mode = S_IFSOCK;
	}
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	rc = connect(probe, (const struct sockaddr *)sa, sizeof(*sa));
	if (rc < 0)
		rc = -errno;
	close(probe);
	if (rc != -ECONNREFUSED && rc != -ENOENT)
		return -EADDRINUSE;
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return -errno;
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		return -errno;
	return 0;
}

struct rpc_server *
rpc_server_create(const char *path, int *errp)
{
	struct epoll_event ev;
	struct sockaddr_un sa;
	struct rpc_server *srv;
	struct stat st;
	gid_t yard;
	int rc;

	rc = rpc_sockaddr_make(path, &sa);
	if (rc < 0)
		goto err;

	srv = calloc(1, sizeof(*srv));
	if (srv == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	srv->lfd = -1;
	srv->epfd = -1;
	srv->euid = geteuid();
	srv->limits.idle_ms = RPC_IDLE_MS_DEFAULT;
	srv->limits.per_uid = RPC_PER_UID_DEFAULT;
	srv->path = strdup(path);
	if (srv->path == NULL) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = rpc_parents_make(path, 0755);
	if (rc < 0)
		goto err_free;

	srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (srv->lfd < 0) {
		rc = -errno;
		goto err_free;
	}
	rc = rpc_socket_bind(srv->lfd, &sa);
	if (rc < 0)
		goto err_free;
	if (stat(path, &st) == 0) {
		srv->bound = true;
		srv->dev = st.st_dev;
		srv->ino = st.st_ino;
	}
	/* Nobody can connect before listen(), so set the mode first. */
	if (chmod(path, 0660) < 0) {
		rc = -errno;
		goto err_free;
	}
	/*
	 * A server that is not root and not in group yard cannot hand the
	 * socket to the group; it still serves its own uid, so go on.
	 */
	if (rpc_group_gid_get(RPC_GROUP, &yard) == 0 &&
	    chown(path, -1, yard) < 0) {
		/* Not fatal, see above. */
	}
	if (listen(srv->lfd, SOMAXCONN) < 0) {
		rc = -errno;
		goto err_free;
	}

	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0) {
		rc = -errno;
		goto err_free;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = srv;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &ev) < 0) {
		rc = -errno;
		goto err_free;
	}
	if (errp != NULL)
		*errp = 0;
	return srv;

err_free:
	rpc_server_free(srv);
err:
	if (errp != NULL)
		*errp = rc;
	return NULL;
}

int
rpc_server_methods_add(struct rpc_server *srv,
		       const struct rpc_method_def *defs, unsigned int n,
		       void *ctx)
{
	for (unsigned int i = 0; i < n; i++) {
		int rc = rpc_server_method_add(srv, defs[i].name, defs[i].fn, ctx);

		if (rc < 0)
			return rc;
	}
	return 0;
}

int
rpc_server_method_add(struct rpc_server *srv, const char *name,
		      rpc_method_fn fn, void *ctx)
{
	struct rpc_method *nm;
	size_t cap;
	char *dup;

	if (srv == NULL || name == NULL || fn == NULL)
		return -EINVAL;
	if (rpc_method_find(srv, name) != NULL)
		return -EEXIST;
	if (srv->n_methods == srv->cap_methods) {
		cap = srv->cap_methods ? srv->cap_methods * 2 : 16;
		nm = realloc(srv->methods, cap * sizeof(*nm));
		if (nm == NULL)
			return -ENOMEM;
		srv->methods = nm;
		srv->cap_methods = cap;
	}
	dup = strdup(name);
	if (dup == NULL)
		return -ENOMEM;
	srv->methods[srv->n_methods++] = (struct rpc_method){
		.name = dup, .fn = fn, .ctx = ctx,
	};
	return 0;
}

int
rpc_server_fd(const struct rpc_server *srv)
{
	return srv != NULL ? srv->epfd : -EINVAL;
}

void
rpc_server_free(struct rpc_server *srv)
{
	struct stat st;
	unsigned int i;
	size_t j;

	if (srv == NULL)
		return;
	for (i = 0; i < RPC_MAX_CLIENTS; i++)
		if (srv->conns[i] != NULL)
			rpc_conn_free(srv, srv->conns[i]);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->lfd >= 0)
		close(srv->lfd);
	/* Unlink only our own socket, not one a newer server put there. */
	if (srv->bound && stat(srv->path, &st) == 0 &&
	    st.st_dev == srv->dev && st.st_ino == srv->ino)
		unlink(srv->path);
	for (j = 0; j < srv->n_methods; j++)
		free(srv->methods[j].name);
	free(srv->methods);
	free(srv->path);
	free(srv);
}
