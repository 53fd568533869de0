/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VXLAN overlay (RFC 7348): this host's VTEP on an underlay port, the
 * networks stretched to other hosts by their VNI, head-end replication of
 * what a network floods to the VTEPs of its flood list, and MACs learned
 * behind remote VTEPs.
 *
 * The module "overlay" applies the topology's `overlay` section and the
 * networks' `vni`. Its nodes: underlay-input (the first node of the
 * underlay port: the VTEP answers ARP and ICMP echo for its address and
 * decapsulates VXLAN), vxlan-flood (replication) and vxlan-encap.
 *
 * Contract: the control thread is the only writer of the overlay's state
 * and the only caller of every function here. Workers read the state
 * through one RCU-published object, replaced on every change (a new peer,
 * a neighbor resolved) and freed after a grace period on dp_rcu. Workers
 * do not learn: remote MACs and underlay neighbors reach the control
 * thread through a ring, and frames for a VTEP whose next hop is not
 * resolved yet wait there, a few per next hop, until ARP answers.
 */
#ifndef YARD_OVERLAY_H
#define YARD_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#define OV_UDP_PORT 4789
#define OV_ENCAP_LEN 50		/**< Outer Ethernet, IPv4, UDP, VXLAN. */
#define OV_VTEPS_MAX 256	/**< Remote VTEPs over all VNIs. */
#define OV_HOLD_MAX 16		/**< Frames held per unresolved next hop. */
#define OV_NEIGH_TIMEOUT 300	/**< Seconds an unrefreshed neighbor is kept. */

#define OV_VTEP_VNIS_SHOWN 16	/**< VNIs listed per VTEP in its figures. */

/** Per-VTEP figures, summed over the workers. */
struct ov_vtep_stats {
	uint32_t ip;		/**< Network byte order. */
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	bool resolved;		/**< The next hop's MAC is known. */
	/** The largest inner IP packet: the underlay MTU - OV_ENCAP_LEN. */
	uint16_t inner_mtu;
	/** The VNIs whose flood list has this VTEP (the first few). */
	unsigned int n_vnis;
	uint32_t vnis[OV_VTEP_VNIS_SHOWN];
};

/**
 * Fill up to `max` entries, one per remote VTEP.
 *
 * @return
 *   The number of VTEPs (may exceed `max`).
 */
unsigned int ov_vtep_stats_get(struct ov_vtep_stats *out, unsigned int max);

#endif /* YARD_OVERLAY_H */
