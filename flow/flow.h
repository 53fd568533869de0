/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow (ACL) table: rules of topology schema v1 (`flows:`) classified
 * with rte_acl at ingress, between eth-input and l2-input, in the node
 * flow-classify.
 *
 * Semantics (DESIGN.md, "Flows"): a rule with a network applies to frames
 * entering that network, one without to every network. IP keys never match
 * a non-IPv4 frame; port keys never match a non-first IPv4 fragment. The
 * highest priority wins, then the rule listed first; no match means allow.
 * `drop` drops the frame before learning; `output` sends it to a port
 * instead of switching it; `mirror` sends a copy there and switches the
 * original.
 *
 * Contract: the control thread is the only caller of every function here
 * and the only writer of the table. Every change builds a new rte_acl
 * context off the workers, publishes it with a release store and frees the
 * old one after an RCU grace period on dp_rcu, so a worker classifies every
 * frame with one whole generation of the rules, old or new.
 *
 * The ingress step is switched on only where a rule may match: on the ports
 * that rules name in `in_port`, on the networks that rules without in_port
 * name, on every network while a rule has neither. Networks and ports made
 * later get it at the next apply or change of the rules or, at the latest,
 * one second (of the dataplane clock) later, from the module's tick.
 */
#ifndef YARD_FLOW_H
#define YARD_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology.h"

/** Default of the program parameter `flow-max-rules`. */
#define FLOW_RULES_MAX_DEFAULT 65536

/**
 * JSON-RPC methods of the flow module. It also answers the set and delete
 * methods of the flow row of the list of kinds (topology.h, "flow.set" and
 * "flow.del"): one rule or {"flows": [rules]}, and {"name": N}.
 */
#define FLOW_METHOD_LIST "flow.list"
/** {"rules": N, "max_rules": M}: held now, and flow-max-rules. */
#define FLOW_METHOD_LIMITS "flow.limits"

/**
 * Add rule `f`, or replace the rule of the same name (it keeps its place
 * in the order, and its counters when nothing but its counters differ).
 * A new rule goes after every existing one. The new table is in use when
 * this returns.
 *
 * @param f
 *   The rule, as the topology parser makes it.
 * @param why
 *   Filled on error: the rule, the offending value, what to do.
 * @return
 *   0; -ENOENT (a network or port it names does not exist), -ENOSPC (the
 *   table holds flow-max-rules rules already), -ENOMEM. On error the table
 *   is as it was.
 */
int flow_rule_set(const struct topo_flow *f, char *why, size_t len);

/**
 * Delete the rule called `name`. The new table is in use when this returns.
 *
 * @return
 *   0, -ENOENT (no such rule), -ENOMEM (the table is as it was).
 */
int flow_rule_del(const char *name);

/** A rule and its counters, as flow_rule_get() reports them. */
struct flow_rule_info {
	struct topo_flow conf;
	uint64_t packets;	/**< Frames that matched it (summed over workers). */
	uint64_t bytes;		/**< Their bytes, after any VLAN tag was popped. */
};

/** Number of rules in the table. */
unsigned int flow_rule_count(void);

/**
 * Fill `info` for the rule at position `i` (0 .. flow_rule_count() - 1) of
 * the table's order.
 *
 * @return
 *   0, -ENOENT when `i` is out of range.
 */
int flow_rule_get(unsigned int i, struct flow_rule_info *info);

#endif /* YARD_FLOW_H */
