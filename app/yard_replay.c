/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yard-replay: a topology and pcap files in, one pcap per port out, with the
 * same graph, nodes and tables as yard-dp, in one thread, with the clock
 * taken from the pcap timestamps so that every run is the same.
 *
 * Every port of the topology becomes a ring port that this program feeds
 * and drains. Input packets are merged in timestamp order (ties: order of
 * --in, then order in the file) and injected in batches: consecutive
 * packets of one port with one timestamp, at most BATCH_MAX. For each batch:
 * set the clock, age the FDB, inject, walk the graph until the batch is
 * through, write what left each port, apply learning.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_eal.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "topology.h"
#include "yard.h"

#define BATCH_MAX 256
#define SNAPLEN 65535

struct in_pkt {
	uint32_t port;		/* Index into the topology's ports. */
	uint32_t in_order;	/* Which --in gave it. */
	uint32_t seq;		/* Order within its file. */
	struct timeval ts;
	uint32_t len;
	uint8_t *data;
};

struct out_pkt {
	uint32_t len;
	uint8_t *data;
};

struct replay_port {
	const char *name;
	int dp_port;		/* dataplane port index */
	pcap_dumper_t *dumper;
	struct out_pkt *out;
	unsigned int n_out, cap_out;
	uint64_t in_count;
};

static struct topo *topo;
static struct replay_port *rports;
static unsigned int n_rports;
static struct in_pkt *pkts;
static size_t n_pkts, cap_pkts;
static bool quiet;
static bool keep_outputs;	/* Only needed to compare with --expect-dir. */

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: yard-replay --topology FILE --in PORT=FILE.pcap [--in ...]\n"
"                   --out-dir DIR [--expect-dir EDIR] [--trace] [--quiet]\n"
"\n"
"Run pcap files through the Switchyard dataplane, deterministically, with\n"
"no root, hugepages or NIC: the same graph nodes and tables as yard-dp,\n"
"in one thread. Use it in CI to prove what a network does.\n"
"\n"
"  -t, --topology FILE   Topology (YAML or JSON, schema v1). Every port\n"
"                        becomes a replay port, whatever its kind.\n"
"  -i, --in PORT=FILE    Frames arriving on PORT (a pcap file, Ethernet\n"
"                        link type). Repeat for several ports.\n"
"  -o, --out-dir DIR     Where DIR/PORT.pcap is written for every port,\n"
"                        empty when nothing left by it. Created if missing.\n"
"  -e, --expect-dir EDIR Compare each DIR/PORT.pcap with EDIR/PORT.pcap,\n"
"                        packet by packet (bytes, not timestamps). When\n"
"                        EDIR/drops.txt exists (lines 'reason count'), the\n"
"                        non-zero drop counters must match it exactly.\n"
"  -T, --trace           Print every packet's path through the graph nodes\n"
"                        with each node's decision, its MACs, VLAN and\n"
"                        length as received, where it left, or which node\n"
"                        dropped it and why.\n"
"  -q, --quiet           Print only errors and mismatches.\n"
"  -h, --help            This text.\n"
"\n"
"Timing: packets of all inputs are merged in timestamp order (ties: the\n"
"order of --in, then file order). The dataplane clock is the pcap time:\n"
"a gap in timestamps ages MAC entries. Consecutive packets of one port\n"
"with the same timestamp form one batch of up to 256; MACs learned from a\n"
"batch are known to the batches after it.\n"
"\n"
"Exit status: 0 when outputs match (or no --expect-dir), 1 on a mismatch,\n"
"2 on bad usage or input (unreadable topology or pcap).\n"
"\n"
"More: yard-replay(1); in the source tree docs/yard-replay.md (the\n"
"contract) and docs/topology.md (the schema).\n");
}

/* ---- Input ---- */

static int
pcap_load(const char *port_name, const char *path, uint32_t in_order)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const struct topo_port *tp = topo_port_find(topo, port_name);
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint32_t seq = 0;
	pcap_t *pc;
	int ret;

	if (tp == NULL) {
		fprintf(stderr, "yard-replay: --in %s=%s: the topology has no port "
			"called '%s'; its ports are:", port_name, path, port_name);
		for (unsigned int i = 0; i < topo->n_ports; i++)
			fprintf(stderr, "%s %s", i ? "," : "", topo->ports[i].name);
		fprintf(stderr, "%s\n", topo->n_ports ? "" : " none");
		return -ENOENT;
	}
	pc = pcap_open_offline(path, errbuf);
	if (pc == NULL) {
		fprintf(stderr, "yard-replay: %s: cannot read as pcap: %s\n", path,
			errbuf);
		return -EINVAL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "yard-replay: %s: link type %s, only Ethernet (EN10MB) "
			"is supported\n", path,
			pcap_datalink_val_to_name(pcap_datalink(pc)));
		pcap_close(pc);
		return -EINVAL;
	}
	while ((ret = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct in_pkt *p;

		if (n_pkts == cap_pkts) {
			size_t cap = cap_pkts ? 2 * cap_pkts : 1024;
			struct in_pkt *np = realloc(pkts, cap * sizeof(*np));

			if (np == NULL)
				goto nomem;
			pkts = np;
			cap_pkts = cap;
		}
		p = &pkts[n_pkts];
		p->port = (uint32_t)(tp - topo->ports);
		p->in_order = in_order;
		p->seq = seq++;
		p->ts = hdr->ts;
		p->len = hdr->caplen;
		p->data = malloc(hdr->caplen ? hdr->caplen : 1);
		if (p->data == NULL)
			goto nomem;
		memcpy(p->data, data, hdr->caplen);
		n_pkts++;
	}
	if (ret == -1) {
		fprintf(stderr, "yard-replay: %s: bad pcap after %u packets: %s\n",
			path, seq, pcap_geterr(pc));
		pcap_close(pc);
		return -EINVAL;
	}
	pcap_close(pc);
	return 0;

nomem:
	fprintf(stderr, "yard-replay: %s: out of memory\n", path);
	pcap_close(pc);
	return -ENOMEM;
}

static int
pkt_cmp(const void *a, const void *b)
{
	const struct in_pkt *x = a, *y = b;

	if (x->ts.tv_sec != y->ts.tv_sec)
		return x->ts.tv_sec < y->ts.tv_sec ? -1 : 1;
	if (x->ts.tv_usec != y->ts.tv_usec)
		return x->ts.tv_usec < y->ts.tv_usec ? -1 : 1;
	if (x->in_order != y->in_order)
		return x->in_order < y->in_order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- Trace ---- */

static void
trace_print(struct rte_mbuf *m, uint16_t out_port, unsigned int reason)
{
	char line[1024];

	dp_trace_format(line, sizeof(line), dp_priv(m), m->port, out_port,
			reason);
	printf("trace #%u %s\n", dp_priv(m)->trace_id, line);
}

/* ---- Output ---- */

static int
out_keep(struct replay_port *rp, struct rte_mbuf *m, const struct timeval *ts)
{
	struct pcap_pkthdr hdr = { .ts = *ts };
	struct out_pkt *o;
	uint8_t *buf;

	hdr.caplen = hdr.len = m->pkt_len;
	if (!keep_outputs) {
		uint8_t tmp[RTE_MBUF_DEFAULT_DATAROOM];
		const void *d = m->pkt_len <= sizeof(tmp) ?
			rte_pktmbuf_read(m, 0, m->pkt_len, tmp) : NULL;

		if (d == NULL) {
			buf = malloc(m->pkt_len);
			if (buf == NULL)
				return -ENOMEM;
			d = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
			pcap_dump((u_char *)rp->dumper, &hdr, d);
			free(buf);
		} else {
			pcap_dump((u_char *)rp->dumper, &hdr, d);
		}
		rp->n_out++;
		return 0;
	}
	if (rp->n_out == rp->cap_out) {
		unsigned int cap = rp->cap_out ? 2 * rp->cap_out : 64;
		struct out_pkt *n = realloc(rp->out, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		rp->out = n;
		rp->cap_out = cap;
	}
	buf = malloc(m->pkt_len ? m->pkt_len : 1);
	if (buf == NULL)
		return -ENOMEM;
	rte_memcpy(buf, rte_pktmbuf_read(m, 0, m->pkt_len, buf), m->pkt_len);
	o = &rp->out[rp->n_out++];
	o->len = m->pkt_len;
	o->data = buf;
	pcap_dump((u_char *)rp->dumper, &hdr, buf);
	return 0;
}

static int
drain_tx(const struct timeval *ts)
{
	for (unsigned int i = 0; i < n_rports; i++) {
		struct replay_port *rp = &rports[i];
		struct rte_ring *r = dp_ports[rp->dp_port].tx_ring;
		struct rte_mbuf *m;

		while (rte_ring_sc_dequeue(r, (void **)&m) == 0) {
			int ret = out_keep(rp, m, ts);

			rte_pktmbuf_free(m);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* Make an mbuf (chained when the frame is larger than one buffer). */
static struct rte_mbuf *
mbuf_from(const struct in_pkt *ip)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(dp_pool), *seg = head;
	uint32_t off = 0;

	if (head == NULL)
		return NULL;
	do {
		uint32_t n = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(seg),
				     ip->len - off);

		/* Appending to the head appends to its last segment. */
		memcpy(rte_pktmbuf_append(head, (uint16_t)n), ip->data + off, n);
		off += n;
		if (off < ip->len) {
			struct rte_mbuf *next = rte_pktmbuf_alloc(dp_pool);

			if (next == NULL) {
				rte_pktmbuf_free(head);
				return NULL;
			}
			seg->next = next;
			head->nb_segs++;
			seg = next;
		}
	} while (off < ip->len);
	return head;
}

/* Walk the graph until `rx` (or nothing) is empty and no node has work. */
static int
walk(struct rte_ring *rx, const struct timeval *ts)
{
	struct dp_worker *wk = &dp_workers[0];

	do {
		rte_graph_walk(wk->graph);
		rte_rcu_qsbr_quiescent(dp_rcu, 0);
		if (drain_tx(ts) < 0)
			return -ENOMEM;
	} while ((rx != NULL && rte_ring_count(rx) != 0) ||
		 (wk->last_rx | wk->last_inject) != 0 || dp_inject_pending());
	return 0;
}

/* Inject one batch, walk the graph until it is through. */
static int
run_batch(size_t first, size_t n)
{
	const struct in_pkt *ip0 = &pkts[first];
	struct replay_port *rp = &rports[ip0->port];
	struct rte_ring *rx = dp_ports[rp->dp_port].rx_ring;

	for (size_t i = first; i < first + n; i++) {
		struct rte_mbuf *m = mbuf_from(&pkts[i]);

		if (m == NULL) {
			fprintf(stderr, "yard-replay: out of mbufs\n");
			return -ENOMEM;
		}
		m->port = (uint16_t)rp->dp_port;
		dp_priv(m)->trace_id = (uint32_t)i + 1;
		rte_ring_sp_enqueue(rx, m);
		rp->in_count++;
	}
	/* The trace id is set before port-rx, which resets the rest. */
	return walk(rx, &ip0->ts);
}

/*
 * The modules' housekeeping after a batch (learning; a module may send
 * packets of its own then, such as ARP requests or frames it held), and
 * walks until what they sent is out, a bounded number of rounds.
 */
static int
after_batch(const struct timeval *ts)
{
	for (unsigned int round = 0; round < 8; round++) {
		dp_modules_tick();
		if (!dp_inject_pending())
			return 0;
		if (walk(NULL, ts) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- Comparison ---- */

static void
frame_describe(const uint8_t *d, uint32_t len)
{
	printf("      %u bytes", len);
	if (len >= 14) {
		uint16_t type = (uint16_t)(d[12] << 8 | d[13]);
		unsigned int off = 14;

		printf(", %02x:%02x:%02x:%02x:%02x:%02x > "
		       "%02x:%02x:%02x:%02x:%02x:%02x",
		       d[6], d[7], d[8], d[9], d[10], d[11],
		       d[0], d[1], d[2], d[3], d[4], d[5]);
		if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
			printf(", vlan %u", (d[14] << 8 | d[15]) & 0xfff);
			type = (uint16_t)(d[16] << 8 | d[17]);
			off = 18;
		}
		printf(", type 0x%04x", type);
		if (type == 0x0800 && len >= off + 20)
			printf(", %u.%u.%u.%u > %u.%u.%u.%u proto %u",
			       d[off + 12], d[off + 13], d[off + 14], d[off + 15],
			       d[off + 16], d[off + 17], d[off + 18], d[off + 19],
			       d[off + 9]);
	}
	printf("\n      ");
	for (uint32_t i = 0; i < len && i < 64; i++)
		printf("%02x%s", d[i], (i % 16 == 15) ? "\n      " : " ");
	printf("%s\n", len > 64 ? "..." : "");
}

static int
compare_port(const struct replay_port *rp, const char *edir)
{
	char path[4096], errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	unsigned int k = 0;
	pcap_t *pc;
	int ret, bad = 0;

	snprintf(path, sizeof(path), "%s/%s.pcap", edir, rp->name);
	pc = pcap_open_offline(path, errbuf);
	if (pc == NULL) {
		printf("MISMATCH %s: no expected file: %s\n", rp->name, errbuf);
		return 1;
	}
	while ((ret = pcap_next_ex(pc, &hdr, &data)) == 1) {
		if (k >= rp->n_out) {
			printf("MISMATCH %s: packet %u expected, none sent:\n",
			       rp->name, k + 1);
			frame_describe(data, hdr->caplen);
			bad = 1;
			break;
		}
		if (hdr->caplen != rp->out[k].len ||
		    memcmp(data, rp->out[k].data, hdr->caplen) != 0) {
			printf("MISMATCH %s: packet %u differs\n    expected:\n",
			       rp->name, k + 1);
			frame_describe(data, hdr->caplen);
			printf("    got:\n");
			frame_describe(rp->out[k].data, rp->out[k].len);
			bad = 1;
			break;
		}
		k++;
	}
	if (ret == -1) {
		printf("MISMATCH %s: %s: %s\n", rp->name, path, pcap_geterr(pc));
		bad = 1;
	} else if (!bad && k < rp->n_out) {
		printf("MISMATCH %s: %u packets expected, %u sent; first extra:\n",
		       rp->name, k, rp->n_out);
		frame_describe(rp->out[k].data, rp->out[k].len);
		bad = 1;
	}
	pcap_close(pc);
	return bad;
}

static uint64_t
drop_count(unsigned int reason)
{
	return dp_workers[0].drops[reason];
}

static int
compare_drops(const char *edir)
{
	char path[4096], line[256], name[128];
	uint64_t want[DP_DROP_MAX] = { 0 };
	unsigned long long cnt;
	int bad = 0, lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/drops.txt", edir);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;	/* Optional. */
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned int r;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sscanf(line, "%127s %llu", name, &cnt) != 2) {
			printf("MISMATCH drops: %s:%d: want 'reason count'\n", path,
			       lineno);
			bad = 1;
			continue;
		}
		for (r = 0; r < DP_DROP_MAX; r++)
			if (dp_drop_reason_name(r) &&
			    strcmp(dp_drop_reason_name(r), name) == 0)
				break;
		if (r == DP_DROP_MAX) {
			printf("MISMATCH drops: %s:%d: no drop reason called '%s'\n",
			       path, lineno, name);
			bad = 1;
			continue;
		}
		want[r] = cnt;
	}
	fclose(f);
	for (unsigned int r = 0; r < DP_DROP_MAX; r++)
		if (drop_count(r) != want[r]) {
			printf("MISMATCH drops: %s: expected %llu, counted %llu\n",
			       dp_drop_reason_name(r) ? dp_drop_reason_name(r) : "?",
			       (unsigned long long)want[r],
			       (unsigned long long)drop_count(r));
			bad = 1;
		}
	return bad;
}

/* ---- Main ---- */

struct in_arg {
	char *port;
	char *file;
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "topology", required_argument, NULL, 't' },
		{ "in", required_argument, NULL, 'i' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "expect-dir", required_argument, NULL, 'e' },
		{ "trace", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *topo_path = NULL, *out_dir = NULL, *expect_dir = NULL;
	struct in_arg *ins = NULL;
	unsigned int n_ins = 0;
	struct topo_error terr;
	struct dp_config cfg = { .n_workers = 1, .launch = false, .n_mbufs = 16383 };
	char why[512], path[4096];
	bool trace = false, no_huge;
	struct timespec t0, t1;
	int opt, ret, status = 2, bad = 0;

	while ((opt = getopt_long(argc, argv, "t:i:o:e:Tqh", longopts, NULL)) != -1) {
		char *eq;

		switch (opt) {
		case 't':
			topo_path = optarg;
			break;
		case 'i':
			eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg || eq[1] == '\0') {
				fprintf(stderr, "yard-replay: --in '%s': want "
					"PORT=FILE.pcap\n", optarg);
				return 2;
			}
			ins = realloc(ins, (n_ins + 1) * sizeof(*ins));
			if (ins == NULL)
				return 2;
			*eq = '\0';
			ins[n_ins].port = optarg;
			ins[n_ins].file = eq + 1;
			n_ins++;
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'e':
			expect_dir = optarg;
			break;
		case 'T':
			trace = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (topo_path == NULL || out_dir == NULL || optind < argc) {
		if (optind < argc)
			fprintf(stderr, "yard-replay: unexpected argument '%s'\n",
				argv[optind]);
		else
			fprintf(stderr, "yard-replay: %s is required "
				"(yard-replay --help says more)\n",
				topo_path == NULL ? "--topology FILE" :
				"--out-dir DIR (where DIR/PORT.pcap is written)");
		return 2;
	}
	topo = topo_parse_file(topo_path, &terr);
	if (topo == NULL) {
		fprintf(stderr, "yard-replay: %s\n", terr.msg);
		return 2;
	}
	for (unsigned int i = 0; i < n_ins; i++)
		if (pcap_load(ins[i].port, ins[i].file, i) < 0)
			goto out_topo;
	qsort(pkts, n_pkts, sizeof(*pkts), pkt_cmp);
	if (mkdir(out_dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "yard-replay: --out-dir %s: %s\n", out_dir,
			strerror(errno));
		goto out_topo;
	}

	{
		char *eal_extra[] = { (char *)"--log-level=*:warning" };
		char prefix[64];

		/* Runs in parallel (CI) must not share a runtime directory. */
		snprintf(prefix, sizeof(prefix), "yard-replay-%d", (int)getpid());
		rte_log_set_global_level(RTE_LOG_WARNING);
		if (dp_eal_init(argv[0], prefix, 0, NULL, true, 1, eal_extra,
				&no_huge) < 0)
			goto out_topo;
	}
	/* A small FDB: the fixtures hold a few MACs. */
	if (dp_modules_param("fdb-size", "65536", why, sizeof(why)) < 0 ||
	    dp_init(&cfg) < 0)
		goto out_eal;
	/* Every port, whatever its kind, is a pair of rings this program drives. */
	dp_port_factory_set(dp_port_ring_make);
	ret = dp_modules_apply(topo, false, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "yard-replay: %s: %s\n", topo_path, why);
		goto out_dp;
	}

	n_rports = topo->n_ports;
	rports = calloc(n_rports ? n_rports : 1, sizeof(*rports));
	if (rports == NULL)
		goto out_dp;
	for (unsigned int i = 0; i < n_rports; i++) {
		pcap_t *dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);

		rports[i].name = topo->ports[i].name;
		rports[i].dp_port = dp_port_find(rports[i].name);
		snprintf(path, sizeof(path), "%s/%s.pcap", out_dir, rports[i].name);
		rports[i].dumper = pcap_dump_open(dead, path);
		if (rports[i].dumper == NULL) {
			fprintf(stderr, "yard-replay: %s: %s\n", path, pcap_geterr(dead));
			pcap_close(dead);
			goto out_ports;
		}
		pcap_close(dead);
	}

	keep_outputs = expect_dir != NULL;
	dp_trace_sink = trace_print;
	dp_trace_on = trace;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < n_pkts;) {
		size_t n = 1;

		while (i + n < n_pkts && n < BATCH_MAX &&
		       pkts[i + n].port == pkts[i].port &&
		       pkts[i + n].ts.tv_sec == pkts[i].ts.tv_sec &&
		       pkts[i + n].ts.tv_usec == pkts[i].ts.tv_usec)
			n++;
		/*
		 * The modules' housekeeping at the batch's time (ageing counts
		 * whole seconds), and after it (learning from the batch).
		 */
		dp_clock_set((uint64_t)pkts[i].ts.tv_sec);
		dp_modules_tick();
		if (run_batch(i, n) < 0 || after_batch(&pkts[i].ts) < 0)
			goto out_ports;
		i += n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fflush(stdout);

	for (unsigned int i = 0; i < n_rports; i++) {
		pcap_dump_close(rports[i].dumper);
		rports[i].dumper = NULL;
	}
	if (!quiet) {
		double secs = (double)(t1.tv_sec - t0.tv_sec) +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		printf("replayed %zu packets in %.3f s (%.0f packets/s)\n", n_pkts,
		       secs, secs > 0 ? (double)n_pkts / secs : 0.0);
		for (unsigned int i = 0; i < n_rports; i++)
			printf("  port %-16s in %6llu  out %6u\n", rports[i].name,
			       (unsigned long long)rports[i].in_count,
			       rports[i].n_out);
		for (unsigned int r = 1; r < DP_DROP_MAX; r++)
			if (drop_count(r) != 0)
				printf("  drop %-16s %llu\n", dp_drop_reason_name(r),
				       (unsigned long long)drop_count(r));
	}
	status = 0;
	if (expect_dir != NULL) {
		for (unsigned int i = 0; i < n_rports; i++)
			bad |= compare_port(&rports[i], expect_dir);
		bad |= compare_drops(expect_dir);
		status = bad ? 1 : 0;
		if (!quiet || bad)
			printf("%s: outputs %s %s\n", bad ? "FAIL" : "OK",
			       bad ? "differ from" : "match", expect_dir);
	}

out_ports:
	for (unsigned int i = 0; i < n_rports; i++) {
		if (rports[i].dumper != NULL)
			pcap_dump_close(rports[i].dumper);
		for (unsigned int k = 0; keep_outputs && k < rports[i].n_out; k++)
			free(rports[i].out[k].data);
		free(rports[i].out);
	}
	free(rports);
out_dp:
	dp_fini();
out_eal:
	dp_eal_fini();
out_topo:
	for (size_t i = 0; i < n_pkts; i++)
		free(pkts[i].data);
	free(pkts);
	free(ins);
	topo_free(topo);
	return status;
}
