/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What yard-dp and yard-replay share above the libraries: applying a
 * topology (the one core function behind --topology, topology.apply and
 * yard-replay), and the dataplane-level JSON-RPC methods.
 */
#ifndef YARD_MAIN_H
#define YARD_MAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"
#include "topology.h"

/**
 * Make the dataplane match `t` for what it can act on (networks, ports):
 * create what is missing, update what differs and, when `prune`, delete
 * ports and networks the topology does not name. Sections the dataplane
 * does not act on yet (routers, overlay, flows, vms) are ignored here.
 *
 * @return
 *   0, or -errno with `why` saying which object failed and why. Objects
 *   handled before the failure stay applied.
 */
int yard_apply(const struct topo *t, bool prune, char *why, size_t why_len);

/** Create or update one network from its topology description. */
int yard_network_apply(const struct topo_network *tn, char *why, size_t why_len);

/**
 * What the dataplane holds, as a topology document with networks and ports
 * in canonical form: {"networks": [...], "ports": [...]}.
 */
json_t *yard_export(void);

/** Add or update one port from its topology description. */
int yard_port_apply(const struct topo_port *tp, char *why, size_t why_len);

/** Remove a port: detach it from the switch, then close it. */
int yard_port_del(const char *name);

/** Register port.*, stats.*, topology.apply and version. */
int yard_api_register(struct rpc_server *srv);

#endif /* YARD_MAIN_H */
