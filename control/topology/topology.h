/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology schema v1: the one desired-state format (see shared DESIGN.md).
 *
 * topo_parse_*() reads YAML or JSON (libyaml reads both) into the plain C
 * structures below and validates the whole document: unknown keys, bad
 * names, bad MAC/IP/prefix values, out-of-range numbers, duplicate names and
 * dangling references (a port naming a network that does not exist, ...) are
 * all errors. The first error found is returned with its line number and a
 * message that names the key, e.g.
 *
 *   topo.yaml:12: ports[1].mac: 'zz:00:00:00:00:01' is not a MAC address
 *
 * The structures are plain data: no DPDK types, no pointers into the parser.
 * Addresses are stored in network byte order. Optional values that were not
 * given take the documented default after parsing (see each field).
 *
 * Thread-safety: none needed; a parsed topology is immutable plain data and
 * the functions keep no global state.
 */
#ifndef YARD_CONTROL_TOPOLOGY_H
#define YARD_CONTROL_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPO_NAME_MAX 32		/**< Names: [a-z0-9][a-z0-9-]{0,30} + NUL. */
#define TOPO_PATH_MAX 256		/**< socket, kernel, initrd, disk paths. */
#define TOPO_DEVARGS_MAX 256
#define TOPO_MAC_LIMIT_DEFAULT 65536
#define TOPO_AGEING_DEFAULT 300		/**< Seconds. */

/*
 * The object kinds of topology schema v1: the one list that the parser, the
 * emitter, yardd's store, methods and reconciler, and yardctl all walk. Rows
 * are in dependency order: an object names only objects of the kinds above
 * its own. A new kind, or a kind that yard-dp learns to program, is one row
 * or one edit of its row here. Columns:
 *
 *   X(SYM, singular, plural, single, refers, dp_set, dp_del)
 *
 *   SYM       enum topo_kind symbol suffix: TOPO_KIND_<SYM>.
 *   singular  "network": the prefix of yardd's methods ("network.create")
 *             and of "kind/name" object paths.
 *   plural    "networks": the document key.
 *   single    true for a kind that is one object without a name (overlay),
 *             false for a list of named objects.
 *   refers    TOPO_KIND_BIT() of every kind its objects name.
 *   dp_set    yard-dp's method that creates or updates one object to
 *             exactly the given one; NULL while yard-dp cannot program the
 *             kind (yardd stores it and reports it pending).
 *   dp_del    yard-dp's method that deletes one object, params {"name": N};
 *             NULL exactly when dp_set is.
 */
#define TOPO_KINDS(X)							\
	X(NETWORK, "network", "networks", false, 0,			\
	  "network.set", "network.del")					\
	X(PORT, "port", "ports", false, TOPO_KIND_BIT(NETWORK),		\
	  "port.set", "port.del")					\
	X(ROUTER, "router", "routers", false, TOPO_KIND_BIT(NETWORK),	\
	  "router.set", "router.del")					\
	X(OVERLAY, "overlay", "overlay", true,				\
	  TOPO_KIND_BIT(NETWORK) | TOPO_KIND_BIT(PORT),			\
	  "overlay.set", "overlay.del")					\
	X(FLOW, "flow", "flows", false,					\
	  TOPO_KIND_BIT(NETWORK) | TOPO_KIND_BIT(PORT),			\
	  "flow.set", "flow.del")					\
	X(VM, "vm", "vms", false, TOPO_KIND_BIT(PORT), NULL, NULL)

enum topo_kind {
#define TOPO_KIND_ENUM(sym, singular, plural, single, refers, set, del) \
	TOPO_KIND_##sym,
	TOPO_KINDS(TOPO_KIND_ENUM)
#undef TOPO_KIND_ENUM
	TOPO_KIND_MAX
};

/** The bit of kind TOPO_KIND_<sym> in a `refers` mask. */
#define TOPO_KIND_BIT(sym) (1u << TOPO_KIND_##sym)

/** One row of TOPO_KINDS(). */
struct topo_kind_info {
	enum topo_kind kind;
	const char *singular;	/**< "network". */
	const char *plural;	/**< "networks": the document key. */
	bool single;		/**< One object without a name (overlay). */
	unsigned int refers;	/**< TOPO_KIND_BIT() of the kinds it names. */
	const char *dp_set;	/**< yard-dp's set method, or NULL. */
	const char *dp_del;	/**< yard-dp's delete method, or NULL. */
};

/**
 * A kind's row.
 *
 * @return
 *   The row (static storage), or NULL when `k` is not a kind.
 */
const struct topo_kind_info *topo_kind_get(enum topo_kind k);

/**
 * Find a kind by its document key ("networks", "overlay").
 *
 * @return
 *   The row, or NULL when `key` (may be NULL) is no kind's plural.
 */
const struct topo_kind_info *topo_kind_from_key(const char *key);

/**
 * Find a kind by its singular or its plural ("port" or "ports"), as a
 * person types it.
 *
 * @return
 *   The row, or NULL when `name` (may be NULL) names no kind.
 */
const struct topo_kind_info *topo_kind_from_name(const char *name);

/**
 * Whether yard-dp programs objects of this kind (the row has yard-dp
 * methods); the others are only stored by yardd.
 */
bool topo_kind_programmed(const struct topo_kind_info *k);

/** An IPv4 prefix (or a host address, plen 32). */
struct topo_prefix {
	uint32_t addr;		/**< Network byte order. */
	uint8_t plen;		/**< 0..32. */
};

struct topo_network {
	char name[TOPO_NAME_MAX];
	uint32_t vni;		/**< 0 when not given; else 1..16777215. */
	uint32_t mac_limit;	/**< Default TOPO_MAC_LIMIT_DEFAULT; 1..16777216. */
	uint32_t ageing;	/**< Key `ageing`, seconds; default 300; 0 = never. */
	bool arp_suppress;	/**< Default false. */
	int line;
};

enum topo_port_kind {
	TOPO_PORT_VHOST,
	TOPO_PORT_PHY,
	TOPO_PORT_TAP,
	TOPO_PORT_AFXDP,
	TOPO_PORT_PCAP,
};

/** One VLAN of an 802.1Q trunk port. */
struct topo_trunk {
	char network[TOPO_NAME_MAX];
	uint16_t vlan;		/**< 1..4094; unique within the port. */
};

#define TOPO_PORT_IPS_MAX 16
#define TOPO_PORT_ADDRS_MAX 8	/**< A tap's addresses in its netns. */

struct topo_port {
	char name[TOPO_NAME_MAX];
	enum topo_port_kind kind;
	char network[TOPO_NAME_MAX];	/**< Access network; "" for a trunk. */
	bool has_mac;
	uint8_t mac[6];
	uint32_t ips[TOPO_PORT_IPS_MAX];	/**< Network byte order. */
	unsigned int n_ips;
	bool security;		/**< Default: true for vhost, false otherwise. */
	char socket[TOPO_PATH_MAX];	/**< vhost only; required for vhost. */
	bool vhost_server;	/**< vhost `mode: server`: the switch listens on
				  * the socket. Default (client): QEMU listens and
				  * the switch connects, and reconnects when either
				  * restarts. */
	char devargs[TOPO_DEVARGS_MAX];	/**< phy/tap/afxdp/pcap; required for phy/tap/afxdp. */
	struct topo_trunk *trunk;	/**< Owned array; NULL for access ports. */
	unsigned int n_trunk;
	/*
	 * tap only: the network namespace (/run/netns/NAME, as `ip netns add`
	 * makes) that yard-dp moves the tap's kernel interface into, every
	 * time it makes the tap (so across its restarts too), and the
	 * addresses it gives the interface there (it sets it up too).
	 */
	char netns[TOPO_NAME_MAX];	/**< "": the tap stays where it is made. */
	struct topo_prefix addresses[TOPO_PORT_ADDRS_MAX];	/**< Needs netns. */
	unsigned int n_addresses;
	int line;
};

struct topo_router_iface {
	char network[TOPO_NAME_MAX];
	struct topo_prefix address;	/**< Interface address and its plen. */
	bool has_mac;
	uint8_t mac[6];
	int line;
};

#define TOPO_ECMP_MAX 16

struct topo_route {
	struct topo_prefix prefix;	/**< Host bits must be zero. */
	uint32_t via[TOPO_ECMP_MAX];	/**< Next hops, network byte order. */
	unsigned int n_via;		/**< 1..TOPO_ECMP_MAX. */
	int line;
};

/** A static neighbor: never learned over, never aged. */
struct topo_neighbor {
	uint32_t address;	/**< Network byte order; in an interface's subnet. */
	uint8_t mac[6];		/**< Unicast. */
	int line;
};

struct topo_router {
	char name[TOPO_NAME_MAX];
	struct topo_router_iface *ifaces;	/**< Owned array. */
	unsigned int n_ifaces;
	struct topo_route *routes;		/**< Owned array. */
	unsigned int n_routes;
	struct topo_neighbor *neighbors;	/**< Owned array, by address. */
	unsigned int n_neighbors;
	int line;
};

#define TOPO_VTEPS_MAX 64

struct topo_peer {
	uint32_t vni;		/**< Must be the vni of a network. */
	uint32_t vteps[TOPO_VTEPS_MAX];	/**< Network byte order. */
	unsigned int n_vteps;
	/** Accept (and learn behind) VTEPs outside `vteps` too. */
	bool learn_any_vtep;
};

struct topo_overlay {
	bool present;		/**< False when the document has no `overlay`. */
	char port[TOPO_NAME_MAX];	/**< An existing phy/tap/afxdp port. */
	struct topo_prefix address;
	bool has_gateway;
	uint32_t gateway;
	struct topo_peer *peers;	/**< Owned array. */
	unsigned int n_peers;
	int line;
};

/** Match fields of a flow rule; a field is used when its bit is in `fields`. */
enum topo_match_field {
	TOPO_M_IN_PORT = 1 << 0,
	TOPO_M_ETH_SRC = 1 << 1,
	TOPO_M_ETH_DST = 1 << 2,
	TOPO_M_ETH_TYPE = 1 << 3,
	TOPO_M_VLAN = 1 << 4,
	TOPO_M_IP_SRC = 1 << 5,
	TOPO_M_IP_DST = 1 << 6,
	TOPO_M_IP_PROTO = 1 << 7,
	TOPO_M_TP_SRC = 1 << 8,
	TOPO_M_TP_DST = 1 << 9,
};

struct topo_match {
	uint32_t fields;		/**< Or of enum topo_match_field. */
	char in_port[TOPO_NAME_MAX];
	uint8_t eth_src[6], eth_dst[6];
	uint16_t eth_type;
	uint16_t vlan;
	struct topo_prefix ip_src, ip_dst;
	uint8_t ip_proto;		/**< "tcp", "udp", "icmp" or 0..255. */
	uint16_t tp_src_lo, tp_src_hi;	/**< "22" or "1000-2000". */
	uint16_t tp_dst_lo, tp_dst_hi;
};

enum topo_action { TOPO_ACT_ALLOW, TOPO_ACT_DROP, TOPO_ACT_OUTPUT, TOPO_ACT_MIRROR };

struct topo_flow {
	char name[TOPO_NAME_MAX];
	uint32_t priority;		/**< 0..65535. */
	char network[TOPO_NAME_MAX];	/**< "" when not given. */
	struct topo_match match;
	enum topo_action action;
	char action_port[TOPO_NAME_MAX];	/**< For output/mirror. */
	int line;
};

enum topo_accel { TOPO_ACCEL_AUTO, TOPO_ACCEL_KVM, TOPO_ACCEL_TCG };

#define TOPO_VM_NICS_MAX 8

struct topo_vm {
	char name[TOPO_NAME_MAX];
	unsigned int cpus;		/**< Default 1; 1..64. */
	uint64_t memory;		/**< Bytes; "256M", "1G" or a number of MiB. Default 256M. */
	char nics[TOPO_VM_NICS_MAX][TOPO_NAME_MAX];	/**< vhost ports. */
	unsigned int n_nics;
	enum topo_accel accel;		/**< Default auto. */
	char kernel[TOPO_PATH_MAX], initrd[TOPO_PATH_MAX], disk[TOPO_PATH_MAX];
	char cmdline[1024];
	int line;
};

struct topo {
	struct topo_network *networks;
	unsigned int n_networks;
	struct topo_port *ports;
	unsigned int n_ports;
	struct topo_router *routers;
	unsigned int n_routers;
	struct topo_overlay overlay;
	struct topo_flow *flows;
	unsigned int n_flows;
	struct topo_vm *vms;
	unsigned int n_vms;
	/**
	 * Set before an export (dp_modules_export()) that wants routers
	 * without their routes: yardd syncs routes apart, and a router may
	 * hold 1,000,000 of them. Never set by the parser.
	 */
	bool no_routes;
};

/** Put r->neighbors in address order, the order of parse and export. */
void topo_router_neighbors_sort(struct topo_router *r);

/** The first error found while parsing. */
struct topo_error {
	int line;		/**< 1-based; 0 when not tied to a line. */
	char msg[512];		/**< "FILE:LINE: key.path: what is wrong". */
};

/**
 * Parse and validate a topology file (YAML or JSON).
 *
 * @return
 *   A topology to release with topo_free(), or NULL with `err` filled
 *   (an unreadable file is reported the same way, line 0).
 */
struct topo *topo_parse_file(const char *path, struct topo_error *err);

/**
 * Parse and validate a topology held in memory. `name` is used in error
 * messages in place of the file name.
 */
struct topo *topo_parse_string(const char *text, size_t len, const char *name,
			       struct topo_error *err);

/** Release a topology. NULL-safe. */
void topo_free(struct topo *t);

/** Look-ups by name; NULL when absent. */
const struct topo_network *topo_network_find(const struct topo *t, const char *name);
const struct topo_port *topo_port_find(const struct topo *t, const char *name);

/** "vhost", "phy", ... */
const char *topo_port_kind_str(enum topo_port_kind kind);

/* ---- Value parsers, shared with the RPC handlers (return 0 or -EINVAL) ---- */

/** "52:54:00:00:01:01" (case-insensitive, exactly 6 two-digit groups). */
int topo_mac_parse(const char *s, uint8_t mac[6]);
/** Dotted quad, strict (no leading zeros beyond "0", no missing octets). */
int topo_ipv4_parse(const char *s, uint32_t *addr_be);
/** "10.0.0.0/8"; a bare address means /32. Host bits may be set. */
int topo_prefix_parse(const char *s, struct topo_prefix *p);
/** [a-z0-9][a-z0-9-]{0,30}. Returns 0 when valid. */
int topo_name_check(const char *s);

/**
 * A 64-bit digest of one route: its prefix, length and next hops in order.
 * The sum (mod 2^64) over a router's routes tells yardd whether yard-dp
 * holds the same routes without listing them; it is cheap to keep up to
 * date as routes come and go.
 */
uint64_t topo_route_digest(const struct topo_route *rt);

/* ---- Canonical form and export (topology_emit.c) ---- */

/*
 * Every object has one canonical JSON form (docs/api.md, "The canonical
 * form"): keys in schema order, optional keys
 * omitted when they hold their default, values normalised (MACs lower case,
 * IPv4 dotted quads, prefixes "a.b.c.d/n", memory "<n>M" or "<n>G", flow
 * ports 22 or "1000-2000", ip_proto tcp/udp/icmp or a number). Two objects
 * are equal exactly when their topo_json_canonical() texts are equal.
 *
 * For every topology T returned by topo_parse_*(), parsing
 * topo_to_json(T) (or topo_json_to_yaml() of it) gives a topology whose
 * topo_to_json() has the same canonical text.
 *
 * The emitters read their argument only and are safe to call from any
 * thread on data no one is writing. Every json_t returned is a new
 * reference for the caller to json_decref(); NULL means out of memory or
 * a string that is not valid UTF-8.
 */
#include <jansson.h>

/** {name, vni?, mac_limit?, ageing?, arp_suppress?} */
json_t *topo_network_to_json(const struct topo_network *n);

/**
 * {name, kind, network | trunk: [{network, vlan}] (neither for the overlay's
 * underlay), mac?, ips?, security?,
 * socket | devargs}. `security` is written only when it differs from the
 * kind's default; a vhost port always has its socket, a phy/tap/afxdp port
 * always its devargs (even ""), a pcap port its devargs when not "".
 */
json_t *topo_port_to_json(const struct topo_port *p);

/** {name, interfaces: [{network, address, mac?}], routes?: [{prefix, via}]} */
json_t *topo_router_to_json(const struct topo_router *r);

/** {prefix, via: [ip...]}, one route as routers list them. */
json_t *topo_route_to_json(const struct topo_route *ro);

/**
 * One route {prefix, via: [ip...]} from JSON, as route.add carries it:
 * the prefix with its host bits zero, 1..TOPO_ECMP_MAX next hops.
 *
 * @param why
 *   On error: "prefix: ..." or "via[1]: ..." (the caller adds where).
 * @return
 *   0, or -EINVAL with `why` filled.
 */
int topo_route_from_json(json_t *o, struct topo_route *rt, char *why,
			 size_t len);

/**
 * {port, address, gateway?, peers?: [{vni, vteps, learn_any_vtep?}]}.
 *
 * @return
 *   NULL when `o->present` is false (and on allocation failure).
 */
json_t *topo_overlay_to_json(const struct topo_overlay *o);

/**
 * {name, priority, network?, match?, action}. `match` holds the used fields
 * only, in the order of enum topo_match_field, and is omitted when none is
 * used (match everything). `action` is "allow", "drop", {output: PORT} or
 * {mirror: PORT}.
 */
json_t *topo_flow_to_json(const struct topo_flow *f);

/**
 * {name, cpus?, memory?, nics, accel?, kernel?, initrd?, cmdline?, disk?}.
 * A VM that boots no disk always has its kernel key (even "").
 */
json_t *topo_vm_to_json(const struct topo_vm *v);

/**
 * The whole document: {networks, ports, routers, overlay, flows, vms} in
 * that order; empty sections (and an absent overlay) are omitted, so an
 * empty topology is {}.
 */
json_t *topo_to_json(const struct topo *t);

/**
 * Parse and validate a document held as a jansson value: it is dumped to
 * JSON text and given to topo_parse_string(); `name` is used in messages
 * (every line number is 1: the text is one line). Characters that YAML
 * would read otherwise (NEL, DEL, C1 controls, ...) are escaped first, so
 * strings arrive intact. A NULL `doc` is an error like any other.
 *
 * @return
 *   A topology to release with topo_free(), or NULL with `err` filled.
 */
struct topo *topo_parse_json(const json_t *doc, const char *name,
			     struct topo_error *err);

/**
 * topo_parse_json() for a document that is part of a larger one, such as
 * one object checked against the objects it refers to: the rules that the
 * rest of the larger document may satisfy are not applied. Today that is
 * one: a port with neither network nor trunk is accepted without an
 * overlay naming it as its underlay (the overlay comes on its own).
 */
struct topo *topo_parse_json_part(const json_t *doc, const char *name,
				  struct topo_error *err);

/**
 * YAML text of any JSON value, for people, made with libyaml's emitter:
 * block style; lists of scalars and flat objects (scalar values only) below
 * the items of the top-level lists use flow style ([a, b], {k: v}) when
 * they fit in 100 characters. A string is quoted when a YAML 1.1 or 1.2
 * reader would take its plain form for something else (a number, a
 * boolean, null, a timestamp, "52:54:00:00:01:01" as a base-60 integer)
 * and whenever libyaml needs it (": ", " #", leading space, "", ...).
 *
 * @return
 *   A malloc'd NUL-terminated text to free(), or NULL on allocation
 *   failure (or a NULL `doc`).
 */
char *topo_json_to_yaml(const json_t *doc);

/**
 * Canonical text for comparisons: json_dumps(obj, JSON_COMPACT |
 * JSON_SORT_KEYS) (with JSON_ENCODE_ANY, so scalars work too).
 *
 * @return
 *   A malloc'd text to free(), or NULL on allocation failure.
 */
char *topo_json_canonical(const json_t *obj);

#endif /* YARD_CONTROL_TOPOLOGY_H */
