/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's host policy (private to yardd): what a client of yardd's socket
 * may make yard-dp and QEMU do as root. The topology parser says whether a
 * document is well formed; the policy says whether this host lets it touch
 * what it names. yardd checks every change against it before storing it.
 *
 * Defaults are safe: no host interface, no pcap file, no PCI-less phy
 * driver, no network namespace; vhost sockets in /run/yard/vhost; VM images in
 * /var/lib/yard/images. The config file (/etc/yard/yardd.conf) widens it:
 *
 *   # comment
 *   vhost_dir  = /run/yard/vhost     one directory (replaces the default)
 *   pcap_dir   = /var/lib/yard/pcap  rx_pcap/tx_pcap files (repeatable)
 *   iface      = eth1                a host interface for iface= (repeatable)
 *   netns      = tenant1             a namespace tap ports may go to (repeatable)
 *   phy_driver = net_null            a vdev driver for phy ports (repeatable)
 *   image_dir  = /srv/images         kernel/initrd/disk (repeatable; the
 *                                    first one replaces the default)
 *   qemu_user  = yard-qemu           QEMU's -runas user ("" keeps root)
 *   idle_timeout = 60                seconds before a silent client is dropped
 *   max_per_uid  = 16                connections one uid may hold
 *
 * Threading: yardd's one thread.
 */
#ifndef YARD_POLICY_H
#define YARD_POLICY_H

#include <limits.h>
#include <stddef.h>

#include "topology.h"

#define POLICY_CONF_DEFAULT "/etc/yard/yardd.conf"
#define POLICY_LIST_MAX 16

struct policy_list {
	char item[POLICY_LIST_MAX][PATH_MAX];
	unsigned int n;
};

struct policy {
	char vhost_dir[PATH_MAX];	/**< No trailing '/'. */
	struct policy_list pcap_dirs;
	struct policy_list ifaces;
	struct policy_list netns;	/**< Namespaces tap ports may enter. */
	struct policy_list phy_drivers;
	struct policy_list image_dirs;
	char qemu_user[64];		/**< "" : QEMU keeps yardd's user. */
	unsigned int idle_timeout;	/**< Seconds; 0: never. */
	unsigned int max_per_uid;	/**< 0: no limit but the server's. */
	/* A list given in the file replaces the default list once. */
	unsigned char replaced;
};

/** Fill `p` with the safe defaults. */
void policy_init(struct policy *p);

/**
 * Set one key, as a line "key = value" of the file would.
 *
 * @return
 *   0; -EINVAL (unknown key, bad value) or -E2BIG (list full), with `why`
 *   naming the key, the value and the fix.
 */
int policy_set(struct policy *p, const char *key, const char *value,
	       char *why, size_t len);

/**
 * policy_init(), then read the config file at `path`. A missing file is
 * fine when `optional` (the default path), an error otherwise.
 *
 * @return
 *   0, or -errno with `why` naming the file, the line and the key.
 */
int policy_load(struct policy *p, const char *path, bool optional,
		char *why, size_t len);

/**
 * Check one port's devargs or socket against the policy.
 *
 * @return
 *   0, or -EPERM with `why` ("port 'p1': devargs key 'tx_pcap': ...").
 */
int policy_port_check(const struct policy *p, const struct topo_port *port,
		      char *why, size_t len);

/**
 * Check a VM's kernel, initrd and disk: existing files inside an image
 * directory once every symlink and ".." is resolved.
 *
 * @return
 *   0, or -EPERM with `why`.
 */
int policy_vm_check(const struct policy *p, const struct topo_vm *vm,
		    char *why, size_t len);

/**
 * Whether the user QEMU is to run as (qemu_user) exists on this host. A
 * fresh machine lacks the default, yard-qemu, until systemd-sysusers runs
 * with the file `meson install` ships (lib/sysusers.d/yard.conf).
 *
 * @return
 *   0 (or qemu_user is "": QEMU keeps yardd's user), or -ENOENT with `why`
 *   naming the user and the fixes.
 */
int policy_qemu_user_check(const struct policy *p, char *why, size_t len);

/**
 * Check a whole topology: every port and VM, no vhost socket shared by two
 * ports, no disk shared by two VMs.
 *
 * @return
 *   0, or -EPERM with `why` naming the first object refused.
 */
int policy_check(const struct policy *p, const struct topo *t, char *why,
		 size_t len);

#endif /* YARD_POLICY_H */
