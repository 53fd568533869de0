/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM vNICs: vhost-user ports.
 *
 * Built on DPDK's net_vhost PMD rather than on rte_vhost directly. The PMD
 * makes a vhost-user socket an ordinary ethdev, so a VM's port goes through
 * the same port layer, rx/tx nodes, per-queue counters and link-state
 * events as a NIC or a tap, and the graph has no vhost-specific code. What
 * rte_vhost alone would add (zero-copy dequeue, async copies with DMA
 * engines, per-virtqueue interrupt modes) buys nothing on these machines
 * and can come later behind the same port kind.
 *
 * Roles: by default the switch is the vhost-user client and QEMU the
 * server, so a restarted yard-dp reconnects to running VMs (net_vhost
 * reconnects in client mode). `mode: server` makes the switch listen
 * instead (a DPDK net_virtio_user peer, or QEMU with reconnect=N).
 *
 * Multiqueue: the port offers one queue pair per worker; the guest enables
 * as many as it wants and the PMD only uses those.
 *
 * Threading: control thread only.
 */
#ifndef YARD_VNIC_H
#define YARD_VNIC_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Device arguments of the net_vhost device behind vhost port `name`.
 *
 * @param socket
 *   The vhost-user socket path: absolute, without devargs separators
 *   (',', '=', ';', brackets) or white space.
 * @param server
 *   true: the switch listens on `socket`; false: it connects (and
 *   reconnects) to it.
 * @param queues
 *   Queue pairs to offer (one per worker).
 * @return
 *   0, -EINVAL when `socket` is not such a path, or -ENAMETOOLONG when
 *   `buf` is too small.
 */
int vnic_devargs(const char *name, const char *socket, bool server,
		 unsigned int queues, char *buf, size_t len);

#endif /* YARD_VNIC_H */
