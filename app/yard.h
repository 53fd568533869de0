/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What yard-dp and yard-replay share above the libraries: the programs' own
 * JSON-RPC methods and the export of what the dataplane holds. Applying a
 * topology is dp_modules_apply() (dataplane.h), behind --topology,
 * topology.apply and yard-replay alike.
 */
#ifndef YARD_APP_H
#define YARD_APP_H

#include <stdbool.h>

#include "rpc.h"
#include "topology.h"

/**
 * What the dataplane holds, as a topology document in canonical form, with
 * "networks" and "ports" always present: every module's export; routers
 * with their static routes only when `routes`. NULL when out of memory.
 */
json_t *yard_export(bool routes);

/**
 * Register stats.*, topology.*, batch and version, then every module's
 * methods.
 */
int yard_api_register(struct rpc_server *srv);

/**
 * Whether a live server answers on a unix socket: yard-dp asks before it
 * starts, so that a second instance leaves the first alone.
 *
 * @return
 *   The serving process's pid (1 when it cannot be told), 0 when nobody
 *   answers (no file, or a stale one), or -errno.
 */
int yard_socket_holder(const char *path);

/**
 * The EAL arguments yard-dp runs with: `extra` (the user's, after "--"),
 * then, unless the user chose PCI devices (-a, -b, --no-pci, ...), an
 * allow-list of the topology's phy ports that name PCI addresses, or
 * --no-pci when there are none, so that the EAL never touches NICs that no
 * port names.
 *
 * @param topo
 *   The start-up topology, or NULL.
 * @param out
 *   Filled with up to `max` pointers into `extra`, `addrs` or literals.
 * @param addrs
 *   Storage for YARD_PCI_ADDRS_MAX PCI addresses.
 * @return
 *   The count of arguments in `out`, or -E2BIG.
 */
#define YARD_PCI_ADDRS_MAX 16

int yard_eal_pci_args(const struct topo *topo, int n_extra, char **extra,
		      char **out, int max, char (*addrs)[64]);

/**
 * Put a tap port's kernel interface (ifindex `ifindex` in yard-dp's
 * namespace) into its `netns`, up, with its `addresses` (port_netns.c).
 * Nothing to do when the port has no netns. Control thread only.
 *
 * @return
 *   0, or -errno with `why` naming the port, the namespace and the fix
 *   (a namespace that does not exist: 'ip netns add NAME').
 */
int port_netns_apply(const struct topo_port *tp, unsigned int ifindex,
		     char *why, size_t len);

#endif /* YARD_APP_H */
