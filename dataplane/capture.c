/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture sessions: the workers' copy path (dp_capture_burst) and the
 * control thread's side (start, read, stop).
 *
 * Sessions are published to the workers in a fixed array of pointers under
 * RCU: the control thread fills a session, stores its pointer with release,
 * and only frees one after unpublishing it and a grace period. Each session
 * has one single-producer single-consumer ring per worker, so workers never
 * share a cache line with one another on this path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "dp_priv.h"

/* Records in the pool all sessions share (9 MB); a full pool is a counted loss. */
#define CAPTURE_POOL_SIZE 4095
#define CAPTURE_POOL_CACHE 64

struct capture {
	unsigned int dirs;
	int slot;
	int64_t left;		/* Trace: packets still to mark. */
	uint32_t seq;		/* Trace: the last packet number given. */
	uint16_t port;
	int reason;
	int bd;
	struct bpf_insn *filter;	/* Classic BPF, or NULL: all. */
	struct rte_ring *rings[DP_WORKERS_MAX];
	/* Written by worker w only. */
	struct {
		uint64_t copied, lost;
	} __rte_cache_aligned count[DP_WORKERS_MAX];
};

uint32_t dp_capture_dirs;
static struct capture *sessions[DP_CAPTURE_MAX];
static struct rte_mempool *rec_pool;

/* The TSC and the wall clock read together, to date records. */
static uint64_t ref_tsc, ref_ns, tsc_hz;

uint64_t
dp_capture_time_ns(uint64_t tsc)
{
	if (tsc_hz == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ref_tsc = rte_rdtsc();
		ref_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		tsc_hz = rte_get_tsc_hz();
	}
	if (tsc < ref_tsc)
		return ref_ns - (uint64_t)((double)(ref_tsc - tsc) * 1e9 / (double)tsc_hz);
	return ref_ns + (uint64_t)((double)(tsc - ref_tsc) * 1e9 / (double)tsc_hz);
}

/*
 * Run a classic BPF program on a frame with libpcap's interpreter: a pure
 * function, safe on a worker. A frame in several segments is gathered into
 * a buffer first so that the program sees all of its first bytes.
 */
static bool
capture_filter_run(const struct bpf_insn *insns, struct rte_mbuf *m)
{
	uint8_t buf[DP_CAPTURE_SNAPLEN];
	uint32_t len = RTE_MIN(m->pkt_len, (uint32_t)sizeof(buf));
	const uint8_t *d = rte_pktmbuf_read(m, 0, len, buf);

	return d != NULL && bpf_filter(insns, d, m->pkt_len, len) != 0;
}

static __rte_always_inline bool
capture_match(const struct capture *c, unsigned int dir, struct rte_mbuf *m,
	      uint16_t port)
{
	if (!(c->dirs & dir))
		return false;
	if (c->port != DP_PORT_NONE && c->port != port)
		return false;
	if (dir == DP_CAPTURE_DROP) {
		if (c->reason >= 0 && c->reason != dp_meta(m)->drop_reason)
			return false;
		if (c->bd >= 0 && c->bd != dp_meta(m)->bd)
			return false;
	}
	if (c->filter != NULL)
		return capture_filter_run(c->filter, m);
	return true;
}

/* The node that sent `m` to drop: the last one its path recorded. */
static uint16_t
capture_drop_node(struct rte_mbuf *m)
{
	const struct dp_mbuf_priv *p = dp_priv(m);

	if (!dp_trace_on || p->trace_n == 0 || p->trace_n > DP_TRACE_MAX)
		return DP_NODE_NONE;
	return p->trace[p->trace_n - 1];
}

/*
 * Copy `m` into a record of session `c` on worker `wk`, counted as copied
 * or, when the ring or the pool is full, as lost.
 */
static void
capture_copy(struct capture *c, struct dp_worker *wk, struct rte_mbuf *m,
	     uint64_t tsc, unsigned int dir, uint16_t port, uint16_t node)
{
	struct dp_capture_rec *r;
	const void *d;

	/* A reader that cannot keep up costs a test, not a copy. */
	if (rte_ring_full(c->rings[wk->index]) ||
	    rte_mempool_get(rec_pool, (void **)&r) < 0) {
		c->count[wk->index].lost++;
		return;
	}
	r->tsc = tsc;
	r->orig_len = m->pkt_len;
	r->cap_len = (uint16_t)RTE_MIN(m->pkt_len, (uint32_t)DP_CAPTURE_SNAPLEN);
	r->port = port;
	r->in_port = m->port;
	r->dir = (uint8_t)dir;
	r->reason = dp_meta(m)->drop_reason;
	r->bd = dp_meta(m)->bd;
	r->node = node;
	if (dir == DP_CAPTURE_TRACE)
		r->priv = *dp_priv(m);
	d = rte_pktmbuf_read(m, 0, r->cap_len, r->data);
	if (d != r->data)
		rte_memcpy(r->data, d, r->cap_len);
	if (rte_ring_sp_enqueue(c->rings[wk->index], r) < 0) {
		rte_mempool_put(rec_pool, r);
		c->count[wk->index].lost++;
		return;
	}
	c->count[wk->index].copied++;
}

/* Mark the packets of a burst that trace session `c` follows. */
static void
capture_trace_mark(struct capture *c, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_mbuf_priv *p = dp_priv(m);

		if (__atomic_load_n(&c->left, __ATOMIC_RELAXED) <= 0)
			return;
		if (p->trace_sel != 0 ||
		    !capture_match(c, DP_CAPTURE_TRACE, m, m->port))
			continue;
		if (__atomic_fetch_sub(&c->left, 1, __ATOMIC_RELAXED) <= 0)
			return;
		p->trace_sel = (uint8_t)(c->slot + 1);
		p->trace_id = __atomic_add_fetch(&c->seq, 1, __ATOMIC_RELAXED);
	}
}

void
dp_trace_emit(struct dp_worker *wk, struct rte_mbuf *m, uint16_t out_port,
	      unsigned int reason)
{
	unsigned int slot = dp_priv(m)->trace_sel - 1u;
	struct capture *c;

	RTE_SET_USED(reason);	/* The drop node has set it on m. */
	if (slot >= DP_CAPTURE_MAX)
		return;
	c = __atomic_load_n(&sessions[slot], __ATOMIC_ACQUIRE);
	/* The session may have ended, or its slot gone to another. */
	if (c == NULL || !(c->dirs & DP_CAPTURE_TRACE))
		return;
	capture_copy(c, wk, m, rte_rdtsc(), DP_CAPTURE_TRACE, out_port,
		     DP_NODE_NONE);
}

void
dp_capture_burst(struct dp_worker *wk, unsigned int dir, struct rte_mbuf **pkts,
		 uint16_t n)
{
	uint64_t tsc = rte_rdtsc();

	for (unsigned int s = 0; s < DP_CAPTURE_MAX; s++) {
		struct capture *c = __atomic_load_n(&sessions[s], __ATOMIC_ACQUIRE);

		if (c == NULL || !(c->dirs & dir))
			continue;
		if (dir == DP_CAPTURE_TRACE) {
			capture_trace_mark(c, pkts, n);
			continue;
		}
		for (uint16_t i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint16_t port = dir == DP_CAPTURE_TX ?
					dp_meta(m)->out_port : m->port;

			if (!capture_match(c, dir, m, port))
				continue;
			capture_copy(c, wk, m, tsc, dir, port,
				     dir == DP_CAPTURE_DROP ? capture_drop_node(m)
							    : DP_NODE_NONE);
		}
	}
}

static void
capture_dirs_update(void)
{
	uint32_t dirs = 0;

	for (unsigned int s = 0; s < DP_CAPTURE_MAX; s++)
		if (sessions[s] != NULL)
			dirs |= sessions[s]->dirs;
	__atomic_store_n(&dp_capture_dirs, dirs, __ATOMIC_RELEASE);
}

static void
capture_free(struct capture *c)
{
	struct dp_capture_rec *recs[64];

	if (c == NULL)
		return;
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
		unsigned int k;

		if (c->rings[w] == NULL)
			continue;
		while ((k = rte_ring_sc_dequeue_burst(c->rings[w], (void **)recs,
						      RTE_DIM(recs), NULL)) > 0)
			dp_capture_rec_free(recs, k);
		rte_ring_free(c->rings[w]);
	}
	rte_free(c->filter);
	rte_free(c);
}

/*
 * Compile `filter` with libpcap. The workers run the classic BPF program
 * with libpcap's bpf_filter(), not as eBPF: DPDK 22.11's rte_bpf_convert()
 * gets the indirect loads wrong that every filter on a transport header
 * uses (after "ldxb 4*([14]&0xf)", "icmp[icmptype] == icmp-echoreply"
 * matches nothing), and the interpreter costs less than the copy.
 */
static int
capture_filter_load(struct capture *c, const char *filter, char *why,
		    size_t len)
{
	struct bpf_program prog;
	pcap_t *pc;
	size_t sz;

	pc = pcap_open_dead(DLT_EN10MB, DP_CAPTURE_SNAPLEN);
	if (pc == NULL) {
		snprintf(why, len, "filter: libpcap cannot open a dead handle");
		return -ENOMEM;
	}
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(why, len, "filter '%s' does not compile: %s", filter,
			 pcap_geterr(pc));
		pcap_close(pc);
		return -EINVAL;
	}
	pcap_close(pc);
	sz = prog.bf_len * sizeof(prog.bf_insns[0]);
	c->filter = rte_malloc("yard_capture_bpf", sz, 0);
	if (c->filter != NULL)
		memcpy(c->filter, prog.bf_insns, sz);
	pcap_freecode(&prog);
	if (c->filter == NULL) {
		snprintf(why, len, "filter '%s': out of memory", filter);
		return -ENOMEM;
	}
	return 0;
}

int
dp_capture_start(const struct dp_capture_params *p, char *why, size_t len)
{
	unsigned int ring_size = p->ring_size ? p->ring_size : DP_CAPTURE_RING;
	struct capture *c;
	int slot = -1, ret;

	snprintf(why, len, "%s", "");
	if (p->dirs == 0 || (p->dirs & ~15u) != 0 ||
	    ((p->dirs & DP_CAPTURE_TRACE) &&
	     (p->dirs != DP_CAPTURE_TRACE || p->count == 0)) ||
	    !rte_is_power_of_2(ring_size) || ring_size > 65536) {
		snprintf(why, len, "capture: bad directions or ring size");
		return -EINVAL;
	}
	for (unsigned int s = 0; s < DP_CAPTURE_MAX; s++)
		if (sessions[s] == NULL) {
			slot = (int)s;
			break;
		}
	if (slot < 0) {
		snprintf(why, len, "%u capture and trace sessions are open "
			 "already: stop one first", DP_CAPTURE_MAX);
		return -ENOSPC;
	}
	c = rte_zmalloc("yard_capture", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL)
		goto nomem;
	c->dirs = p->dirs;
	c->slot = slot;
	c->left = p->count;
	c->port = p->port;
	c->reason = p->reason;
	c->bd = p->bd;
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "yard_cap%d_%u", slot, w);
		c->rings[w] = rte_ring_create(name, ring_size, (int)rte_socket_id(),
					      RING_F_SP_ENQ | RING_F_SC_DEQ |
					      RING_F_EXACT_SZ);
		if (c->rings[w] == NULL)
			goto nomem;
	}
	if (p->filter != NULL && p->filter[0] != '\0') {
		ret = capture_filter_load(c, p->filter, why, len);
		if (ret < 0) {
			capture_free(c);
			return ret;
		}
	}
	/*
	 * Drops name the node that dropped them, traces print the path: the
	 * nodes record it while such a session is open.
	 */
	if (c->dirs & (DP_CAPTURE_DROP | DP_CAPTURE_TRACE))
		dp_trace_hold();
	__atomic_store_n(&sessions[slot], c, __ATOMIC_RELEASE);
	capture_dirs_update();
	return slot;
nomem:
	snprintf(why, len, "capture: out of memory");
	capture_free(c);
	return -ENOMEM;
}

static struct capture *
capture_get(int id)
{
	if (id < 0 || id >= DP_CAPTURE_MAX)
		return NULL;
	return sessions[id];
}

int
dp_capture_read(int id, struct dp_capture_rec **recs, unsigned int max)
{
	struct capture *c = capture_get(id);
	unsigned int n = 0;

	if (c == NULL)
		return -ENOENT;
	for (unsigned int w = 0; w < dp_n_workers && n < max; w++)
		n += rte_ring_sc_dequeue_burst(c->rings[w], (void **)&recs[n],
					       max - n, NULL);
	return (int)n;
}

void
dp_capture_rec_free(struct dp_capture_rec **recs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (recs[i] != NULL)
			rte_mempool_put(rec_pool, recs[i]);
}

int
dp_capture_stats_get(int id, struct dp_capture_stats *st)
{
	struct capture *c = capture_get(id);

	if (c == NULL)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		st->copied += c->count[w].copied;
		st->lost += c->count[w].lost;
	}
	return 0;
}

int
dp_capture_stop(int id)
{
	struct capture *c = capture_get(id);

	if (c == NULL)
		return -ENOENT;
	__atomic_store_n(&sessions[id], NULL, __ATOMIC_RELEASE);
	capture_dirs_update();
	dp_rcu_synchronize();
	if (c->dirs & (DP_CAPTURE_DROP | DP_CAPTURE_TRACE))
		dp_trace_release();
	capture_free(c);
	return 0;
}

/*
 * The record pool is made once, with the dataplane: a capture never fails
 * for memory that the mbuf pool or a module took meanwhile.
 */
int
dp_capture_init(void)
{
	rec_pool = rte_mempool_create("yard_capture", CAPTURE_POOL_SIZE,
				      sizeof(struct dp_capture_rec),
				      CAPTURE_POOL_CACHE, 0, NULL, NULL, NULL,
				      NULL, (int)rte_socket_id(), 0);
	if (rec_pool == NULL) {
		DP_LOG(ERR, "cannot create the capture record pool (%u "
		       "records): %s", CAPTURE_POOL_SIZE,
		       rte_strerror(rte_errno));
		return -rte_errno ? -rte_errno : -ENOMEM;
	}
	dp_capture_time_ns(0);
	return 0;
}

void
dp_capture_fini(void)
{
	for (int s = 0; s < DP_CAPTURE_MAX; s++)
		dp_capture_stop(s);
	rte_mempool_free(rec_pool);
	rec_pool = NULL;
}
