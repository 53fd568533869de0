/* SPDX-License-Identifier: BSD-3-Clause */
/* Overlay internals: the state workers read, the nodes' shared helpers. */
#ifndef YARD_OV_PRIV_H
#define YARD_OV_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "overlay.h"
#include "switch.h"

extern int ov_logtype;
#define OV_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, ov_logtype, "overlay: " fmt "\n", ##__VA_ARGS__)

#define foreach_ov_drop					\
	_(NOT_FOR_US, "vtep-not-for-us")		\
	_(TRUNCATED, "vxlan-truncated")			\
	_(BAD_FLAGS, "vxlan-bad-flags")			\
	_(UNKNOWN_VNI, "vxlan-unknown-vni")		\
	_(UNKNOWN_VTEP, "vxlan-unknown-vtep")		\
	_(BAD_INNER, "vxlan-bad-inner")			\
	_(NOT_VXLAN, "vtep-unsupported")		\
	_(NO_VNI, "vxlan-no-vni")			\
	_(SPLIT_HORIZON, "vxlan-split-horizon")		\
	_(TOO_BIG, "vxlan-too-big")			\
	_(HOLD_FULL, "vxlan-hold-full")			\
	_(NO_OVERLAY, "vxlan-no-overlay")

enum ov_drop {
	OV_DROP_NONE_,
#define _(sym, str) OV_DROP_##sym,
	foreach_ov_drop
#undef _
	OV_DROP_END_,
};

extern struct dp_module ov_module;

static inline unsigned int
ov_drop_id(unsigned int code)
{
	return ov_module.drop_base + code;
}

/* ---- The state workers read (RCU: replaced, never edited) ---- */

#define VXLAN_FLAG_I 0x08	/* The VNI is valid (RFC 7348). */

/* Offsets in the 50 bytes of encapsulation of the fields set per packet. */
#define OV_HDR_IP_LEN 16
#define OV_HDR_IP_CKSUM 24
#define OV_HDR_UDP_SPORT 34
#define OV_HDR_UDP_LEN 38
#define OV_HDR_VNI 46

struct ov_vtep {
	/**
	 * The outer headers to this VTEP, built when the state is: Ethernet
	 * to its next hop, IPv4 from the local VTEP (TTL 64, id 0, length and
	 * checksum 0), UDP to 4789 (checksum 0), VXLAN with the I flag; the
	 * vector loads of a copy start aligned.
	 */
	uint8_t hdr[OV_ENCAP_LEN] __rte_aligned(16);
	uint32_t ip_sum;	/**< Unfolded sum of hdr's IPv4 header. */
	uint32_t ip;		/**< Network byte order. */
	uint32_t nh;		/**< Next hop: the VTEP itself or the gateway. */
	struct rte_ether_addr nh_mac;
	bool resolved;
};

struct ov_net {
	uint32_t vni;
	uint32_t vni_word;	/**< The VXLAN header's last 4 bytes, as stored. */
	bool learn_any;		/**< Accept VTEPs outside the flood list. */
	uint16_t bd;
	uint16_t n_vteps;
	uint16_t vteps[64];	/**< Indexes into ov_state.vteps (flood list). */
};

struct ov_state {
	uint16_t port;		/**< The underlay port. */
	struct rte_ether_addr mac;	/**< The underlay port's MAC. */
	uint32_t ip;		/**< Local VTEP address, network byte order. */
	uint8_t plen;
	uint16_t mtu;		/**< Underlay IP MTU. */
	uint16_t n_vteps;
	struct ov_vtep vteps[OV_VTEPS_MAX];
	int16_t net_of_bd[SW_NETWORKS_MAX];	/**< -1: not stretched. */
	uint16_t n_nets;
	struct ov_net nets[];	/**< Sorted by vni. */
};

extern struct ov_state *ov_state;

/* Edges the module got at init. */
extern uint16_t ov_encap_edge;	/**< l2-input -> vxlan-encap. */
extern uint16_t ov_flood_edge;	/**< l2-flood -> vxlan-flood; also the origin tag. */
extern uint16_t ov_inject_edge;	/**< inject -> vxlan-encap (held frames). */
extern uint16_t ov_underlay_edge;	/**< port-rx -> underlay-input. */

/* What workers tell the control thread. */
struct ov_event {
	uint8_t kind;		/**< OV_EV_*. */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	uint16_t bd;		/**< OV_EV_LEARN: the network. */
	/** OV_EV_LEARN: the VTEP index; UINT16_MAX: a VTEP met (ip). */
	uint16_t vtep;
	uint32_t ip;		/**< The neighbor's or the VTEP met's address. */
};

enum { OV_EV_LEARN = 1, OV_EV_NEIGH };

extern struct rte_ring *ov_events;	/* Workers -> control: struct ov_event. */
extern struct rte_ring *ov_held;	/* Workers -> control: mbufs to hold. */

/* Per-worker counters. */
struct ov_wstats {
	uint64_t rx_pkts[OV_VTEPS_MAX], rx_bytes[OV_VTEPS_MAX];
	uint64_t tx_pkts[OV_VTEPS_MAX], tx_bytes[OV_VTEPS_MAX];
	uint64_t events_lost;
} __rte_cache_aligned;

extern struct ov_wstats ov_wstats[DP_WORKERS_MAX];

/** A net of the state by VNI (binary search), or NULL. */
static inline const struct ov_net *
ov_net_by_vni(const struct ov_state *st, uint32_t vni)
{
	unsigned int lo = 0, hi = st->n_nets;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (st->nets[mid].vni == vni)
			return &st->nets[mid];
		if (st->nets[mid].vni < vni)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ov_state.c: the control side. */
int ov_state_init(void);
void ov_state_fini(void);
void ov_state_tick(void);
struct topo_overlay;
int ov_config_set(const struct topo_overlay *o, char *why, size_t len);
void ov_config_clear(void);
int ov_config_export(struct topo_overlay *o);
bool ov_configured(void);
/* Rebuild the state when networks' VNIs changed; 0 or -errno. */
int ov_state_refresh(void);
void ov_port_del(uint16_t port);
/* Frames freed because their next hop's hold queue was full (control thread). */
uint64_t ov_hold_full(void);

#endif /* YARD_OV_PRIV_H */
