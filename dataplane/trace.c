/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet trace: who holds path recording on, the kinds of decisions nodes
 * record, and the one line that yard-replay --trace and the live trace
 * print for a packet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "dataplane.h"

static unsigned int trace_holds;

static struct {
	const char *name;
	dp_trace_fmt_fn fmt;
} whats[DP_TRACE_WHAT_MAX];
static unsigned int n_whats = 1;	/* 0 is no decision. */

void
dp_trace_hold(void)
{
	trace_holds++;
	__atomic_store_n(&dp_trace_on, true, __ATOMIC_RELAXED);
}

void
dp_trace_release(void)
{
	if (trace_holds > 0 && --trace_holds == 0)
		__atomic_store_n(&dp_trace_on, false, __ATOMIC_RELAXED);
}

int
dp_trace_what_register(const char *name, dp_trace_fmt_fn fmt)
{
	if (n_whats >= DP_TRACE_WHAT_MAX)
		return -ENOSPC;
	whats[n_whats].name = name;
	whats[n_whats].fmt = fmt;
	return (int)n_whats++;
}

int
dp_trace_fmt_port(char *buf, size_t len, uint32_t arg)
{
	if (arg < DP_PORTS_MAX && dp_ports[arg].used)
		return snprintf(buf, len, "%s", dp_ports[arg].name);
	return snprintf(buf, len, "port %u", arg);
}

int
dp_trace_fmt_none(char *buf, size_t len, uint32_t arg)
{
	RTE_SET_USED(arg);
	if (len > 0)
		buf[0] = '\0';
	return 0;
}

/* Append to buf at *off, never past len. */
__attribute__((format(printf, 4, 5)))
static void
put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = RTE_MIN(*off + (size_t)n, len);
}

static const char *
port_name(uint16_t port)
{
	if (port < DP_PORTS_MAX && dp_ports[port].used)
		return dp_ports[port].name;
	return port == DP_PORT_NONE ? "inject" : "?";
}

void
dp_trace_format(char *buf, size_t len, const struct dp_mbuf_priv *p,
		uint16_t in_port, uint16_t out_port, unsigned int reason)
{
	struct rte_ether_addr src, dst;
	char s[RTE_ETHER_ADDR_FMT_SIZE], d[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int n = RTE_MIN(p->trace_n, (unsigned int)DP_TRACE_MAX);
	size_t off = 0;

	if (len > 0)
		buf[0] = '\0';
	memcpy(&dst, p->rx_eth, sizeof(dst));
	memcpy(&src, p->rx_eth + 6, sizeof(src));
	dp_mac_format(s, sizeof(s), &src);
	dp_mac_format(d, sizeof(d), &dst);
	put(buf, len, &off, "in=%s len=%u %s > %s vlan=", port_name(in_port),
	    p->rx_len, s, d);
	if (p->rx_vlan == 0xffff)
		put(buf, len, &off, "-:");
	else
		put(buf, len, &off, "%u:", p->rx_vlan);
	for (unsigned int i = 0; i < n; i++) {
		const char *name = rte_node_id_to_name(p->trace[i]);
		bool first = true;

		put(buf, len, &off, "%s%s", i ? " > " : " ", name ? name : "?");
		for (unsigned int k = 0; k < p->note_n && k < DP_TRACE_NOTES; k++) {
			const struct dp_trace_note *t = &p->note[k];
			char arg[64] = "";

			if (t->at != i || t->what == 0 || t->what >= n_whats)
				continue;
			if (whats[t->what].fmt != NULL)
				whats[t->what].fmt(arg, sizeof(arg), t->arg);
			else
				snprintf(arg, sizeof(arg), "%u", t->arg);
			put(buf, len, &off, "%s%s%s%s", first ? " (" : ", ",
			    whats[t->what].name, arg[0] ? " " : "", arg);
			first = false;
		}
		if (!first)
			put(buf, len, &off, ")");
	}
	if (out_port != DP_PORT_NONE) {
		put(buf, len, &off, " => out %s", port_name(out_port));
	} else {
		/* The last node before drop is the one that dropped it. */
		const char *by = n >= 2 ? rte_node_id_to_name(p->trace[n - 2]) : NULL;
		const char *why = dp_drop_reason_name(reason);

		put(buf, len, &off, " => dropped by %s (%s)", by ? by : "?",
		    why ? why : "?");
	}
}
