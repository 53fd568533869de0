/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow table internals: the classification key, the published table. */
#ifndef YARD_FLOW_PRIV_H
#define YARD_FLOW_PRIV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_graph.h>
#include <rte_hash_crc.h>

#include "dataplane.h"
#include "flow.h"

extern int flow_logtype;
#define FLOW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, flow_logtype, "flow: " fmt "\n", ##__VA_ARGS__)

#define foreach_flow_drop				\
	_(DROP, "flow-drop")				\
	_(NO_PORT, "flow-no-port")			\
	_(TOO_BIG, "flow-too-big")

/* Reason codes 1..n of the module; the id is flow_module.drop_base + code. */
enum flow_drop {
	FLOW_DROP_NONE_,
#define _(sym, str) FLOW_DROP_##sym,
	foreach_flow_drop
#undef _
	FLOW_DROP_END_,
};

extern struct dp_module flow_module;

/*
 * What rte_acl classifies: one key per frame, made by flow-classify. The
 * ACL reads its input in 4-byte words after a first 1-byte field, so the
 * fields are grouped by fours at fixed offsets. Every field is in network
 * byte order, as rte_acl wants its input (its rules are in host order).
 */
struct flow_key {
	uint8_t proto;		/**< IPv4 protocol; 0 for other frames. */
	uint8_t pad[3];
	uint16_t in_port;
	uint16_t bd;
	uint16_t eth_type;
	uint16_t flags;		/**< FLOW_KEY_F_*. */
	uint8_t eth_src[6];
	uint8_t eth_dst[6];
	uint32_t ip_src;
	uint32_t ip_dst;
	uint16_t tp_src;
	uint16_t tp_dst;
	uint32_t pad2;		/**< Zero: the key is five 8-byte words. */
};

/* An IPv4 frame (so IP keys may match it). */
#define FLOW_KEY_F_IPV4 0x1000
/* A first fragment (or whole datagram) of TCP/UDP/SCTP: port keys may match. */
#define FLOW_KEY_F_PORTS 0x2000

/** The ACL fields, in rule order. */
enum flow_field {
	FLOW_F_PROTO,
	FLOW_F_IN_PORT,
	FLOW_F_BD,
	FLOW_F_ETH_TYPE,
	FLOW_F_FLAGS,
	FLOW_F_SRC_HI,		/* eth_src bytes 0-3 */
	FLOW_F_SRC_LO,		/* eth_src bytes 4-5 */
	FLOW_F_DST_HI,		/* eth_dst bytes 0-1 */
	FLOW_F_DST_LO,		/* eth_dst bytes 2-5 */
	FLOW_F_IP_SRC,
	FLOW_F_IP_DST,
	FLOW_F_TP_SRC,
	FLOW_F_TP_DST,
	FLOW_F_N_,
};

RTE_ACL_RULE_DEF(flow_acl_rule, FLOW_F_N_);

enum flow_act { FLOW_ACT_ALLOW, FLOW_ACT_DROP, FLOW_ACT_OUTPUT, FLOW_ACT_MIRROR };

/** A rule's verdict, as workers read it. */
struct flow_action {
	uint8_t type;		/**< enum flow_act. */
	uint16_t port;		/**< output/mirror port. */
	uint32_t max_len;	/**< Largest frame the port sends. */
};

/** Per worker, per rule. */
struct flow_counter {
	uint64_t packets;
	uint64_t bytes;
};

struct flow_rule;

/**
 * One generation of the rules. Built whole, published with a release
 * store, freed after an RCU grace period; never edited while published,
 * except for the counters each worker writes in its own row.
 */
/** Most ACL contexts of one table (see acl_build_range()). */
#define FLOW_ACL_MAX 16

struct flow_table {
	/**
	 * Contexts, each holding a run of slots; a frame takes the lowest
	 * slot any of them gives. None when no rule is active.
	 */
	struct rte_acl_ctx *acl[FLOW_ACL_MAX];
	unsigned int n_acl;
	unsigned int n;			/**< Slots: rules given to the ACL. */
	struct flow_action *act;	/**< [n], by rank; ACL userdata is slot + 1. */
	struct flow_counter *cnt;	/**< [DP_WORKERS_MAX][n]. */
	struct flow_rule **rule;	/**< [n]: whose counters a slot holds. */
	uint64_t vlan_sig;		/**< Of the VID mappings it was built with. */
	uint64_t gen;			/**< Unique per table built, never 0. */
};

/** A rule as the control thread keeps it. */
struct flow_rule {
	struct topo_flow conf;
	uint64_t packets, bytes;	/**< From tables already freed. */
	int slot;			/**< In the published table, or -1. */
	unsigned int pos;		/**< Scratch of flow_rules_update(). */
	bool named;			/**< Scratch of flow_rules_update(). */
};

/*
 * Each worker's verdict cache: the ACL result of recent keys, direct-mapped
 * by the key's hash, valid for the table whose `gen` it holds. A frame whose
 * key is there skips rte_acl (traffic is mostly a few flows at a time, as
 * OVS's exact-match cache assumes); a new table invalidates every entry.
 */
#define FLOW_CACHE_SIZE 1024	/* Entries per worker; a power of 2. */

struct flow_cache_entry {
	struct flow_key key;
	uint32_t result;	/**< Slot + 1, or 0: no rule matched. */
	uint64_t gen;		/**< flow_table.gen; 0: empty. */
} __rte_cache_aligned;

/** [worker][FLOW_CACHE_SIZE], made at init. */
extern struct flow_cache_entry *flow_cache[DP_WORKERS_MAX];

/** The published table (worker: load with acquire). */
extern struct flow_table *flow_table_cur;

/** Most rules the table takes (program parameter flow-max-rules). */
extern unsigned int flow_rules_max;

/**
 * Set rules fs[0..n), each replacing the rule of its name. With
 * `doc_order` the rules become fs in their order followed by the rules fs
 * does not name (apply); otherwise a replaced rule keeps its place and new
 * ones go last. One table rebuild, none when nothing changes.
 *
 * @return
 *   0, or -ENOENT, -ENOSPC, -ENOMEM with `why` filled; the table is then
 *   as it was.
 */
int flow_rules_update(const struct topo_flow *fs, unsigned int n,
		      bool doc_order, char *why, size_t len);

/**
 * Check that what rule `f` names exists: 0, or -ENOENT with `why` filled.
 */
int flow_rule_check(const struct topo_flow *f, char *why, size_t len);

/**
 * How many of fs[0..n), set one after the other, the table takes before
 * one goes past flow-max-rules: *fit (n when all do). 0 or -ENOMEM.
 */
int flow_rules_fit(const struct topo_flow *fs, unsigned int n, unsigned int *fit);

/**
 * Delete the rules called names[0..n) with one rebuild. 0; -ENOENT when
 * names[*failed] is no rule (or named twice): the ones before it are
 * deleted; -ENOMEM with *failed 0: none is.
 */
int flow_rules_del_names(const char *const *names, unsigned int n,
			 unsigned int *failed);

/** Delete the rules for which gone(rule, arg) is true. 0 or -ENOMEM. */
int flow_rules_remove(bool (*gone)(const struct flow_rule *r, const void *arg),
		      const void *arg);

/** Rebuild the table without the rules naming port `port`. 0 or -errno. */
int flow_port_gone(uint16_t port);

/** Add the flow.* methods (flow_api.c). 0 or -errno. */
int flow_api_register(struct rpc_server *srv);

/**
 * The module's flush (struct dp_module): carry out the flow.set or
 * flow.del calls set aside while a batch is open.
 */
int flow_batch_flush(unsigned int *failed, char *why, size_t len);

/** Free what flow_api.c keeps. */
void flow_api_free(void);

/**
 * Switch the ingress step on where a rule may match and off elsewhere
 * (flow.h). Called after every change of the rules, and once a second.
 */
void flow_ingress_sync(void);

/**
 * Rebuild the table when the VID -> (port, network) mappings that its
 * `vlan` rules were expanded with have changed. 0 or -errno.
 */
int flow_vlan_refresh(void);

/** Unpublish the table and free it and every rule. */
void flow_rules_free(void);

/**
 * Translate rule `f` into an ACL rule. Names are resolved by the caller:
 * `in_port` and `bd` are indexes, or -1 when the rule has none. `vlan` is
 * the caller's too: it makes one rule per (trunk port, network) pair.
 */
void flow_acl_rule_make(const struct topo_flow *f, int in_port, int bd,
			int32_t priority, uint32_t userdata,
			struct flow_acl_rule *r);

/** The ACL field layout of struct flow_key. */
void flow_acl_config(struct rte_acl_config *cfg);

/**
 * Fill `k` from frame `d` of `len` bytes (VLAN tag already popped) that
 * entered port `in_port` into network `bd`. Worker-safe. The VID a frame
 * arrived with is not in the key: a `vlan` rule becomes one ACL rule per
 * (trunk port, network) pair that carries the VID.
 */
static __rte_always_inline void
flow_key_make(struct flow_key *k, const uint8_t *d, uint32_t len,
	      uint16_t in_port, uint16_t bd)
{
	uint16_t flags = 0;

	memset(k, 0, sizeof(*k));
	k->in_port = rte_cpu_to_be_16(in_port);
	k->bd = rte_cpu_to_be_16(bd);
	memcpy(k->eth_dst, d, 6);
	memcpy(k->eth_src, d + 6, 6);
	memcpy(&k->eth_type, d + 12, 2);
	/* eth-input checked an IPv4 header's lengths against the frame. */
	if (k->eth_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && len >= 34) {
		const uint8_t *ip = d + 14;
		unsigned int ihl = (ip[0] & 0xf) * 4u;
		uint16_t frag;

		flags |= FLOW_KEY_F_IPV4;
		k->proto = ip[9];
		memcpy(&k->ip_src, ip + 12, 4);
		memcpy(&k->ip_dst, ip + 16, 4);
		memcpy(&frag, ip + 6, 2);
		/* A non-first fragment has no L4 header: its ports are absent. */
		if ((frag & RTE_BE16(0x1fff)) == 0 &&
		    (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP ||
		     k->proto == IPPROTO_SCTP) &&
		    14 + ihl + 4 <= len) {
			flags |= FLOW_KEY_F_PORTS;
			memcpy(&k->tp_src, ip + ihl, 2);
			memcpy(&k->tp_dst, ip + ihl + 2, 2);
		}
	}
	k->flags = rte_cpu_to_be_16(flags);
}

static __rte_always_inline bool
flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;

	RTE_BUILD_BUG_ON(sizeof(struct flow_key) != 40);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4])) == 0;
}

/**
 * Classify keys data[0..n) (n <= RTE_GRAPH_BURST_SIZE) with table `t`
 * (n_acl > 0): results[i] is the winning slot + 1, 0 for no match.
 * Worker-safe.
 */
static __rte_always_inline void
flow_table_classify(const struct flow_table *t, const uint8_t **data,
		    uint32_t *results, uint32_t n)
{
	uint32_t more[RTE_GRAPH_BURST_SIZE];

	rte_acl_classify(t->acl[0], data, results, n, 1);
	for (unsigned int j = 1; j < t->n_acl; j++) {
		rte_acl_classify(t->acl[j], data, more, n, 1);
		/* Slots are ranks: the lower one wins. */
		for (uint32_t i = 0; i < n; i++)
			if (more[i] != 0 && (results[i] == 0 || more[i] < results[i]))
				results[i] = more[i];
	}
}

/**
 * Classify keys[0..n) (n <= RTE_GRAPH_BURST_SIZE) with table `t` (n_acl >
 * 0) through a worker's verdict cache `cache`: results[i] as
 * flow_table_classify() gives it. One rte_acl call for the keys the cache
 * does not hold, whose verdicts it then keeps. Worker-safe (own cache).
 */
static __rte_always_inline void
flow_cache_classify(const struct flow_table *t, struct flow_cache_entry *cache,
		    const struct flow_key *keys, uint32_t *results, uint32_t n)
{
	const uint8_t *data[RTE_GRAPH_BURST_SIZE];
	uint32_t hashes[RTE_GRAPH_BURST_SIZE], mres[RTE_GRAPH_BURST_SIZE];
	uint16_t miss[RTE_GRAPH_BURST_SIZE];
	uint32_t n_miss = 0, i;

	for (i = 0; i < n; i++) {
		struct flow_cache_entry *e;

		hashes[i] = rte_hash_crc(&keys[i], sizeof(keys[i]), 0) &
			    (FLOW_CACHE_SIZE - 1);
		e = &cache[hashes[i]];
		if (likely(e->gen == t->gen && flow_key_eq(&e->key, &keys[i]))) {
			results[i] = e->result;
			continue;
		}
		miss[n_miss] = (uint16_t)i;
		data[n_miss++] = (const uint8_t *)&keys[i];
	}
	if (n_miss == 0)
		return;
	flow_table_classify(t, data, mres, n_miss);
	for (uint32_t j = 0; j < n_miss; j++) {
		struct flow_cache_entry *e = &cache[hashes[miss[j]]];

		results[miss[j]] = mres[j];
		e->key = keys[miss[j]];
		e->result = mres[j];
		e->gen = t->gen;
	}
}

#endif /* YARD_FLOW_PRIV_H */
