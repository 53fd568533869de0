/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl top: the ports' rates (and optionally the graph nodes' cost),
 * from two readings of yard-dp's counters an interval apart, redrawn in
 * place on a terminal or printed one screen after another in batch mode.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "yardctl_priv.h"
#include "yardd_api.h"

static volatile sig_atomic_t top_quit;

static void
top_on_signal(int sig)
{
	(void)sig;
	top_quit = 1;
}

static double
top_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
top_num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/*
 * The entry of the earlier reading `before` that matches `entry` by its
 * `key` (set in *name), or NULL when it is new since then.
 */
static json_t *
top_before(json_t *entry, json_t *before, const char *key, const char **name)
{
	json_t *o;
	size_t i;

	*name = json_string_value(json_object_get(entry, key));
	if (*name == NULL)
		return NULL;
	json_array_foreach(before, i, o)
		if (strcmp(json_string_value(json_object_get(o, key)) ?: "",
			   *name) == 0)
			return o;
	return NULL;
}

/* Counter growth per second; a counter that went back (restart) counts from 0. */
static double
top_rate(json_t *now, json_t *before, const char *key, double dt)
{
	double a = top_num(now, key), b = top_num(before, key);

	return (a >= b ? a - b : a) / dt;
}

/* Per port: packets and bits per second each way, drops per second. */
static json_t *
top_port_rates(json_t *now, json_t *before, double dt)
{
	json_t *out = json_array(), *p;
	size_t i;

	json_array_foreach(now, i, p) {
		json_t *s = json_object_get(p, "stats"), *b;
		const char *name;

		b = json_object_get(top_before(p, before, "name", &name), "stats");
		if (b == NULL)
			continue;
		json_array_append_new(out, json_pack(
			"{s:s, s:O, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:O}",
			"name", name, "network", json_object_get(p, "network"),
			"rx_pps", top_rate(s, b, "rx_packets", dt),
			"rx_bps", 8 * top_rate(s, b, "rx_bytes", dt),
			"tx_pps", top_rate(s, b, "tx_packets", dt),
			"tx_bps", 8 * top_rate(s, b, "tx_bytes", dt),
			"drops_ps", top_rate(s, b, "drops", dt),
			"tx_drops_ps", top_rate(s, b, "tx_drops", dt),
			"drops", (json_int_t)top_num(s, "drops"),
			"link", json_object_get(p, "link")));
	}
	return out;
}

/* Per node over the interval: packets per second and per call, cycles per packet. */
static json_t *
top_node_rates(json_t *now, json_t *before, double dt)
{
	json_t *out = json_array(), *n;
	size_t i;

	json_array_foreach(now, i, n) {
		const char *name;
		json_t *b = top_before(n, before, "node", &name);
		double pkts, calls, cycles;

		if (b == NULL)
			continue;
		pkts = top_rate(n, b, "packets", 1);
		calls = top_rate(n, b, "calls", 1);
		cycles = top_rate(n, b, "cycles", 1);
		json_array_append_new(out, json_pack("{s:s, s:f, s:f, s:f}",
			"node", name, "pps", pkts / dt,
			"packets_per_call", calls > 0 ? pkts / calls : 0.0,
			"cycles_per_packet", pkts > 0 ? cycles / pkts : 0.0));
	}
	return out;
}

struct top_reading {
	json_t *ports, *nodes;
	double t;
};

static void
top_reading_clear(struct top_reading *r)
{
	json_decref(r->ports);
	json_decref(r->nodes);
	memset(r, 0, sizeof(*r));
}

static int
top_read(const struct yc_top_opts *o, struct top_reading *r)
{
	if (o->fetch(o->ctx, YARDD_M_STATS_PORTS, &r->ports) < 0)
		return -1;
	if (o->nodes && o->fetch(o->ctx, YARDD_M_STATS_NODES, &r->nodes) < 0)
		return -1;
	r->t = top_now();
	if (!json_is_array(r->ports) || (o->nodes && !json_is_array(r->nodes))) {
		fputs("yardctl: unexpected answer from yardd: a list of ports "
		      "or nodes was expected\n", stderr);
		return -1;
	}
	return 0;
}

/* One screen (or one JSON line). */
static void
top_show(const struct yc_top_opts *o, json_t *ports, json_t *nodes,
	 double dt, bool tty)
{
	char stamp[32];
	time_t t = time(NULL);

	if (o->json) {
		json_t *doc = json_pack("{s:I, s:f, s:o}", "time", (json_int_t)t,
					"interval", dt, "ports", json_incref(ports));

		if (nodes != NULL)
			json_object_set(doc, "nodes", nodes);
		json_dumpf(doc, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(doc);
		fflush(stdout);
		return;
	}
	if (tty)
		fputs("\033[H\033[2J", stdout);	/* Home, clear. */
	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
	printf("yardctl top - %s, rates over %.1f s%s\n\n", stamp, dt,
	       tty ? " (q quits)" : "");
	yc_print_top_ports(ports);
	if (nodes != NULL) {
		putchar('\n');
		yc_print_top_nodes(nodes);
	}
	if (!tty)
		putchar('\n');
	fflush(stdout);
}

/*
 * Wait until `deadline`; true when the user asked to quit (q, Q, Ctrl-C,
 * or the end of a terminal's input).
 */
static bool
top_wait(double deadline, bool keys)
{
	while (!top_quit) {
		double left = deadline - top_now();
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char c;

		if (left <= 0)
			return false;
		if (poll(&pfd, keys ? 1 : 0, (int)(left * 1000) + 1) <= 0)
			continue;
		if (read(STDIN_FILENO, &c, 1) != 1 || c == 'q' || c == 'Q' ||
		    c == 3)
			return true;
	}
	return true;
}

int
yc_top(const struct yc_top_opts *o)
{
	bool tty = !o->batch && !o->json && isatty(STDOUT_FILENO);
	bool keys = tty && isatty(STDIN_FILENO);
	struct sigaction sa = { .sa_handler = top_on_signal }, old_int, old_term;
	struct top_reading before = { 0 }, now = { 0 };
	struct termios saved, raw;
	int rc = YC_EXIT_OK;

	if (keys && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		/* Keys one by one, not echoed; Ctrl-C still signals. */
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		keys = false;
	}
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/*
	 * The screen is cleared and drawn again in place, not on the
	 * terminal's alternate screen: the last rates and any error stay
	 * readable after yardctl ends.
	 */
	if (top_read(o, &before) < 0) {
		rc = YC_EXIT_FAIL;
		goto out;
	}
	for (long i = 0; o->iterations == 0 || i < o->iterations; i++) {
		json_t *ports, *nodes = NULL;
		double dt;

		if (top_wait(before.t + o->interval, keys))
			break;
		if (top_read(o, &now) < 0) {
			rc = YC_EXIT_FAIL;
			break;
		}
		dt = now.t - before.t;
		ports = top_port_rates(now.ports, before.ports, dt);
		if (o->nodes)
			nodes = top_node_rates(now.nodes, before.nodes, dt);
		top_show(o, ports, nodes, dt, tty);
		json_decref(ports);
		json_decref(nodes);
		top_reading_clear(&before);
		before = now;
		memset(&now, 0, sizeof(now));
	}
out:
	top_reading_clear(&before);
	top_reading_clear(&now);
	if (keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
