/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd --metrics ADDRESS:PORT: the counters of yard-dp and the state of
 * yardd as Prometheus text (or OpenMetrics when the scraper asks for it),
 * served by libmicrohttpd on GET /metrics.
 *
 * libmicrohttpd runs without a thread of its own: its epoll descriptor
 * joins yardd's loop, so a scrape reads yardd's state on yardd's one
 * thread. A scrape costs one call to yard-dp per view (port.stats,
 * stats.drops, stats.nodes, network.list); yard_metrics_scrape_seconds
 * says how long the last one took.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "yardd.h"

#define METRICS_CONN_MAX 16		/* Scrapers at once. */
#define METRICS_CONN_TIMEOUT_S 10	/* A silent connection is closed. */

static struct MHD_Daemon *metrics_daemon;
static double metrics_last_scrape_s;

/* ---- Text format ---- */

struct mtext {
	FILE *f;
	bool om;	/* OpenMetrics: counter families drop "_total", "# EOF". */
};

/* "# HELP" and "# TYPE" of a family; `name` of a counter ends in _total. */
static void
mfamily(struct mtext *t, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	if (t->om && strcmp(type, "counter") == 0 && n > 6 &&
	    strcmp(name + n - 6, "_total") == 0)
		n -= 6;
	fprintf(t->f, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help,
		(int)n, name, type);
}

/* Append `key="value"` to a label set, escaped as the format wants. */
static void
mlabel(char *buf, size_t len, const char *key, const char *value)
{
	size_t off = strlen(buf);

	off += (size_t)snprintf(buf + off, len - off, "%s%s=\"",
				off ? "," : "", key);
	for (const char *c = value ? value : ""; *c != '\0' && off + 3 < len;
	     c++) {
		if (*c == '\\' || *c == '"')
			buf[off++] = '\\';
		if (*c == '\n') {
			buf[off++] = '\\';
			buf[off++] = 'n';
			continue;
		}
		buf[off++] = *c;
	}
	if (off + 2 <= len) {
		buf[off++] = '"';
		buf[off] = '\0';
	}
}

static void
msample(struct mtext *t, const char *name, const char *labels, double v)
{
	if (labels != NULL && labels[0] != '\0')
		fprintf(t->f, "%s{%s} %.17g\n", name, labels, v);
	else
		fprintf(t->f, "%s %.17g\n", name, v);
}

/* A sample with one label. */
static void
msample1(struct mtext *t, const char *name, const char *key, const char *value,
	 double v)
{
	char labels[256] = "";

	mlabel(labels, sizeof(labels), key, value);
	msample(t, name, labels, v);
}

static double
jnum(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* ---- What a scrape shows ---- */

static json_t *
dp_view(struct yardd *d, const char *method)
{
	struct rpc_error err = { 0 };
	json_t *res = NULL;

	if (yardd_dp_call(d, method, NULL, &res, &err) < 0) {
		json_decref(res);
		res = NULL;
	}
	rpc_error_clear(&err);
	return res;
}

static void
metrics_ports(struct mtext *t, json_t *ports)
{
	static const struct {
		const char *metric, *key, *help;
	} counters[] = {
		{ "yard_port_rx_packets_total", "rx_packets",
		  "Packets received on the port." },
		{ "yard_port_rx_bytes_total", "rx_bytes",
		  "Bytes received on the port." },
		{ "yard_port_tx_packets_total", "tx_packets",
		  "Packets sent out of the port." },
		{ "yard_port_tx_bytes_total", "tx_bytes",
		  "Bytes sent out of the port." },
		{ "yard_port_rx_drops_total", "drops",
		  "Packets received on the port and dropped in the graph." },
		{ "yard_port_tx_drops_total", "tx_drops",
		  "Packets for the port that its tx queue refused." },
	};
	json_t *p;
	size_t i;

	for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
		mfamily(t, counters[c].metric, "counter", counters[c].help);
		json_array_foreach(ports, i, p) {
			const char *net = json_string_value(json_object_get(p, "network"));
			char labels[256] = "";

			/* A trunk or a port in no network has no one network. */
			if (net == NULL || strcmp(net, "-") == 0 ||
			    strncmp(net, "trunk:", 6) == 0)
				net = "";
			mlabel(labels, sizeof(labels), "port",
			       json_string_value(json_object_get(p, "name")));
			mlabel(labels, sizeof(labels), "network", net);
			msample(t, counters[c].metric, labels,
				jnum(json_object_get(p, "stats"), counters[c].key));
		}
	}
	mfamily(t, "yard_port_link_up", "gauge",
		"1 when the port's link is up, 0 when down or unknown.");
	json_array_foreach(ports, i, p)
		msample1(t, "yard_port_link_up", "port",
			 json_string_value(json_object_get(p, "name")),
			 strcmp(json_string_value(json_object_get(p, "link")) ?: "",
				"up") == 0);
}

static void
metrics_drops(struct mtext *t, json_t *drops)
{
	const char *reason;
	json_t *v;

	mfamily(t, "yard_drops_total", "counter",
		"Packets the dataplane dropped, by reason.");
	json_object_foreach(drops, reason, v)
		msample1(t, "yard_drops_total", "reason", reason,
			 json_number_value(v));
}

static void
metrics_nodes(struct mtext *t, json_t *nodes)
{
	static const struct {
		const char *metric, *key, *type, *help;
	} fields[] = {
		{ "yard_node_packets_total", "packets", "counter",
		  "Packets the graph node processed." },
		{ "yard_node_calls_total", "calls", "counter",
		  "Times the graph node ran with packets." },
		{ "yard_node_cycles_total", "cycles", "counter",
		  "TSC cycles the graph node spent." },
		{ "yard_node_cycles_per_packet", "cycles_per_packet", "gauge",
		  "The node's cycles per packet since yard-dp started (the rate "
		  "of yard_node_cycles_total over yard_node_packets_total gives "
		  "it over a window)." },
	};
	json_t *n;
	size_t i;

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		mfamily(t, fields[f].metric, fields[f].type, fields[f].help);
		json_array_foreach(nodes, i, n)
			msample1(t, fields[f].metric, "node",
				 json_string_value(json_object_get(n, "node")),
				 jnum(n, fields[f].key));
	}
}

static void
metrics_fdb(struct mtext *t, json_t *networks)
{
	json_t *n;
	size_t i;

	mfamily(t, "yard_fdb_learned_entries", "gauge",
		"MAC addresses the network has learned.");
	json_array_foreach(networks, i, n)
		msample1(t, "yard_fdb_learned_entries", "network",
			 json_string_value(json_object_get(n, "name")),
			 jnum(n, "learned"));
}

/* Count `s` in counts[], at its index in names[] (nothing if not there). */
static void
mcount(unsigned int *counts, const char *const *names, size_t n,
       const char *s)
{
	for (size_t j = 0; j < n; j++)
		counts[j] += strcmp(s, names[j]) == 0;
}

/* Stored objects by kind and status, and VMs by state. */
static void
metrics_objects(struct mtext *t, struct yardd *d)
{
	static const char *const statuses[] = {
		"programmed", "pending", "unprogrammed", "error",
	};
	static const char *const vm_states[] = {
		"running", "stopped", "starting", "unprogrammed", "error",
	};
	enum { N_STATUS = sizeof(statuses) / sizeof(statuses[0]),
	       N_VM_STATE = sizeof(vm_states) / sizeof(vm_states[0]) };
	unsigned int count[TOPO_KIND_MAX][N_STATUS] = { { 0 } };
	unsigned int vms[N_VM_STATE] = { 0 };
	const char *msg;

	for (unsigned int k = 0; k < TOPO_KIND_MAX; k++) {
		const struct topo_kind_info *ki = topo_kind_get(k);
		json_t *v = json_object_get(d->desired, ki->plural), *o;
		size_t i;

		if (ki->single && v != NULL)
			mcount(count[k], statuses, N_STATUS,
			       yardd_object_status(d, ki, "", &msg));
		json_array_foreach(v, i, o) {
			const char *name = json_string_value(json_object_get(o, "name"));

			mcount(count[k], statuses, N_STATUS,
			       yardd_object_status(d, ki, name ?: "", &msg));
			if (k == TOPO_KIND_VM)
				mcount(vms, vm_states, N_VM_STATE,
				       yardd_vm_status(d, name ?: "", &msg));
		}
	}
	mfamily(t, "yard_objects", "gauge",
		"Stored objects by kind and status (yardctl list KIND).");
	for (unsigned int k = 0; k < TOPO_KIND_MAX; k++)
		for (unsigned int j = 0; j < N_STATUS; j++) {
			char labels[128] = "";

			mlabel(labels, sizeof(labels), "kind",
			       topo_kind_get(k)->singular);
			mlabel(labels, sizeof(labels), "status", statuses[j]);
			msample(t, "yard_objects", labels, count[k][j]);
		}
	mfamily(t, "yard_vms", "gauge", "Stored VMs by state (yardctl vm list).");
	for (unsigned int j = 0; j < N_VM_STATE; j++)
		msample1(t, "yard_vms", "state", vm_states[j], vms[j]);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The whole page, malloc'd; its length in *len. */
static char *
metrics_render(struct yardd *d, bool om, size_t *len)
{
	/* yard-dp's views, in the order of v[] below. */
	static const char *const views[] = {
		"port.stats", "stats.drops", "stats.nodes", "network.list",
	};
	enum { N_VIEWS = sizeof(views) / sizeof(views[0]) };
	struct mtext t = { .om = om };
	json_t *v[N_VIEWS] = { NULL };
	double start = now_s();
	char *buf = NULL;

	for (unsigned int i = 0; i < N_VIEWS; i++)
		v[i] = dp_view(d, views[i]);
	t.f = open_memstream(&buf, len);
	if (t.f == NULL) {
		for (unsigned int i = 0; i < N_VIEWS; i++)
			json_decref(v[i]);
		return NULL;
	}
	mfamily(&t, "yard_dataplane_connected", "gauge",
		"1 while yardd is connected to yard-dp.");
	msample(&t, "yard_dataplane_connected", NULL, d->dp != NULL);
	mfamily(&t, "yard_dataplane_resyncs_total", "counter",
		"Times yardd connected to yard-dp and brought it in line.");
	msample(&t, "yard_dataplane_resyncs_total", NULL, (double)d->dp_connects);
	metrics_objects(&t, d);
	/* Without yard-dp (or when a view fails) its families are left out. */
	if (json_is_array(v[0]))
		metrics_ports(&t, v[0]);
	if (json_is_object(v[1]))
		metrics_drops(&t, v[1]);
	if (json_is_array(v[2]))
		metrics_nodes(&t, v[2]);
	if (json_is_array(v[3]))
		metrics_fdb(&t, v[3]);
	mfamily(&t, "yard_metrics_scrape_seconds", "gauge",
		"How long yardd took to gather the previous scrape.");
	msample(&t, "yard_metrics_scrape_seconds", NULL, metrics_last_scrape_s);
	if (om)
		fputs("# EOF\n", t.f);
	for (unsigned int i = 0; i < N_VIEWS; i++)
		json_decref(v[i]);
	if (fclose(t.f) != 0) {
		free(buf);
		return NULL;
	}
	metrics_last_scrape_s = now_s() - start;
	return buf;
}

/* ---- HTTP ---- */

static enum MHD_Result
metrics_reply(struct MHD_Connection *conn, unsigned int code, const char *type,
	      char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
metrics_handle(void *cls, struct MHD_Connection *conn, const char *url,
	       const char *method, const char *version,
	       const char *upload_data, size_t *upload_data_size, void **state)
{
	static char not_found[] = "Switchyard metrics are at /metrics\n";
	static char not_allowed[] = "GET /metrics only\n";
	struct yardd *d = cls;
	const char *accept;
	size_t len = 0;
	char *body;
	bool om;

	(void)version;
	(void)upload_data;
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return metrics_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				     "text/plain", not_allowed,
				     strlen(not_allowed), MHD_RESPMEM_PERSISTENT);
	if (*upload_data_size != 0)
		return MHD_NO;
	if (strcmp(url, "/metrics") != 0)
		return metrics_reply(conn, MHD_HTTP_NOT_FOUND, "text/plain",
				     not_found, strlen(not_found),
				     MHD_RESPMEM_PERSISTENT);
	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_ACCEPT);
	om = accept != NULL && strstr(accept, "application/openmetrics-text");
	body = metrics_render(d, om, &len);
	if (body == NULL)
		return MHD_NO;
	return metrics_reply(conn, MHD_HTTP_OK, om ?
			     "application/openmetrics-text; version=1.0.0; "
			     "charset=utf-8" :
			     "text/plain; version=0.0.4; charset=utf-8",
			     body, len, MHD_RESPMEM_MUST_FREE);
}

static void
metrics_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	yardd_log("metrics: %s", msg);
}

/* Is this address one that only this host reaches? */
static bool
addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return false;
}

/*
 * "HOST:PORT", "[IPV6]:PORT" or "PORT" (loopback) into an address. Names
 * resolve to their first address.
 */
static int
metrics_addr_parse(const char *spec, struct sockaddr_storage *ss, char *why,
		   size_t len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *ai;
	char host[256];
	const char *port, *colon = strrchr(spec, ':');
	char *end;
	unsigned long n;
	int rc;

	if (colon == NULL) {
		snprintf(host, sizeof(host), "127.0.0.1");
		port = spec;
	} else {
		const char *h = spec;
		size_t hl = (size_t)(colon - spec);

		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (hl == 0 || hl >= sizeof(host)) {
			snprintf(why, len, "'%s': give ADDRESS:PORT, e.g. "
				 "127.0.0.1:9465 or [::1]:9465", spec);
			return -EINVAL;
		}
		memcpy(host, h, hl);
		host[hl] = '\0';
		port = colon + 1;
	}
	errno = 0;
	n = strtoul(port, &end, 10);
	if (port[0] == '\0' || *end != '\0' || errno != 0 || n == 0 ||
	    n > 65535) {
		snprintf(why, len, "'%s': the port '%s' is not a number in "
			 "1..65535", spec, port);
		return -EINVAL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(why, len, "'%s': cannot resolve '%s': %s", spec, host,
			 gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

int
yardd_metrics_start(struct yardd *d, const char *spec, bool public, char *why,
		    size_t len)
{
	struct sockaddr_storage ss = { 0 };
	const union MHD_DaemonInfo *info;
	int rc;

	rc = metrics_addr_parse(spec, &ss, why, len);
	if (rc < 0)
		return rc;
	if (!public && !addr_is_loopback((struct sockaddr *)&ss)) {
		snprintf(why, len, "'%s' is not a loopback address: the metrics "
			 "tell anyone who connects what runs here; add "
			 "--metrics-public to serve them there anyway", spec);
		return -EPERM;
	}
	metrics_daemon = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
		(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, metrics_handle, d,
		MHD_OPTION_EXTERNAL_LOGGER, metrics_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONN_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)METRICS_CONN_TIMEOUT_S,
		MHD_OPTION_END);
	if (metrics_daemon == NULL) {
		snprintf(why, len, "cannot serve metrics on '%s': %s (is the "
			 "port in use?)", spec, strerror(errno ? errno : EADDRINUSE));
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(metrics_daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		yardd_metrics_stop();
		snprintf(why, len, "libmicrohttpd gives no epoll descriptor");
		return -ENOTSUP;
	}
	return info->epoll_fd;
}

int
yardd_metrics_run(void)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (metrics_daemon == NULL)
		return -1;
	/* Again while libmicrohttpd has work it can do at once. */
	for (int i = 0; i < 8; i++) {
		MHD_run(metrics_daemon);
		if (MHD_get_timeout(metrics_daemon, &ms) != MHD_YES)
			return -1;
		if (ms > 0)
			return ms > INT32_MAX ? -1 : (int)ms;
	}
	return 0;
}

void
yardd_metrics_stop(void)
{
	if (metrics_daemon != NULL)
		MHD_stop_daemon(metrics_daemon);
	metrics_daemon = NULL;
}
