/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What yard-dp and yard-replay share above the libraries: the programs' own
 * JSON-RPC methods and the export of what the dataplane holds. Applying a
 * topology is dp_modules_apply() (dataplane.h), behind --topology,
 * topology.apply and yard-replay alike.
 */
#ifndef YARD_APP_H
#define YARD_APP_H

#include "rpc.h"
#include "topology.h"

/**
 * What the dataplane holds, as a topology document in canonical form, with
 * "networks" and "ports" always present: every module's export. NULL when
 * out of memory.
 */
json_t *yard_export(void);

/**
 * Register stats.*, topology.*, batch and version, then every module's
 * methods.
 */
int yard_api_register(struct rpc_server *srv);

#endif /* YARD_APP_H */
