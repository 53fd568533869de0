/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM vNICs: vhost-user ports driven through DPDK's rte_vhost library
 * directly, as device ports of the port layer (dp_port_dev_add()): a vNIC
 * takes no ethdev, so a yard-dp serves up to DP_DEV_PORTS_MAX of them
 * beside its RTE_MAX_ETHPORTS ethdevs. port-rx and port-tx call the vNIC's
 * burst functions, so counters, trace and capture see vNICs like any port.
 *
 * Roles: by default the switch is the vhost-user client and QEMU the
 * server, so a restarted yard-dp reconnects to running VMs (rte_vhost
 * retries a client socket every second until it connects, and again after
 * the VM goes). `mode: server` makes the switch listen instead (a DPDK
 * net_virtio_user peer, or QEMU with reconnect=N).
 *
 * Multiqueue: a vNIC offers one queue pair per worker (none beyond the
 * first with one worker). Rx queue q is polled by worker q % workers;
 * worker w sends on queue pair w, or on the first enabled one when the
 * guest left pair w disabled.
 *
 * Threads. rte_vhost calls new_device, destroy_device and
 * vring_state_changed on its own threads (and destroy_device on the
 * control thread, inside a port's removal). Workers see a device through
 * one atomic word per vNIC (its vhost id, -1 when there is none) and the
 * enabled vrings; destroy_device clears the id, then waits for an RCU
 * grace period of the workers before it returns, so rte_vhost frees
 * nothing a worker still reads. Whether port-rx polls a vNIC at all is the
 * control thread's to publish (dp_port_rx_poll_set(), from the module's
 * tick): an idle vNIC without a guest costs the poll loop nothing.
 * Everything below is control thread only.
 */
#ifndef YARD_VNIC_H
#define YARD_VNIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** vNICs one yard-dp holds at most (the port layer's device ports). */
#define VNIC_MAX 1024

/**
 * What vhost port `name` is, as the port layer shows it (its "devargs"),
 * with the socket path checked.
 *
 * @param socket
 *   The vhost-user socket path: absolute, without ',', '=', ';', brackets
 *   or white space (a path other tools may paste into devargs).
 * @param server
 *   true: the switch listens on `socket`; false: it connects (and
 *   reconnects) to it.
 * @return
 *   0, -EINVAL when `socket` is not such a path, or -ENAMETOOLONG when
 *   `buf` (or a socket address) is too small.
 */
int vnic_describe(const char *socket, bool server, char *buf, size_t len);

/**
 * Make vhost port `name` on `socket` (client or server, see
 * vnic_describe()) and start connecting or listening.
 *
 * @return
 *   The port index, or -errno with `why` filled (naming the port).
 */
int vnic_port_add(const char *name, const char *socket, bool server,
		  char *why, size_t len);

/** Number of vNICs (ports made by vnic_port_add() and not yet removed). */
unsigned int vnic_count(void);

#endif /* YARD_VNIC_H */
