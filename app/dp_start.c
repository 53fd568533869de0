/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What yard-dp checks and decides before it starts the EAL: that no other
 * process serves its socket, and which buses the EAL may probe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_pci.h>

#include "yard.h"

int
yard_socket_holder(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Only a live server accepts; a stale file refuses or is absent. */
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return 0;
	}
	/* The listener's credentials are those it had at listen(). */
	ret = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ?
		-errno : (int)cred.pid;
	close(fd);
	return ret == 0 ? 1 : ret;
}

/* The devargs of a port name a PCI device ("0000:03:00.0,..."). */
static bool
devargs_pci(const char *devargs, char *addr, size_t len)
{
	struct rte_pci_addr pci;
	size_t n = strcspn(devargs, ",");

	if (n == 0 || n >= len)
		return false;
	memcpy(addr, devargs, n);
	addr[n] = '\0';
	return rte_pci_addr_parse(addr, &pci) == 0;
}

static bool
args_start(int n, char **argv, const char *const *opts)
{
	for (int i = 0; i < n; i++)
		for (const char *const *o = opts; *o != NULL; o++)
			if (strncmp(argv[i], *o, strlen(*o)) == 0)
				return true;
	return false;
}

int
yard_eal_pci_args(const struct topo *topo, int n_extra, char **extra,
		  char **out, int max, char (*addrs)[64])
{
	/* Any of these says the user chose which PCI devices the EAL sees. */
	static const char *const chosen[] = {
		"-a", "--allow", "-b", "--block", "--no-pci", "--pci-whitelist",
		"--pci-blacklist", "-w", NULL,
	};
	int n = 0, n_addrs = 0;

	if (n_extra > max)
		return -E2BIG;
	for (int i = 0; i < n_extra; i++)
		out[n++] = extra[i];
	if (args_start(n_extra, extra, chosen))
		return n;
	/*
	 * An allow-list of the topology's PCI ports: the EAL probes those and
	 * nothing else. rte_dev_probe() adds a device to that list when a phy
	 * port is made later, so ports added over the API work too.
	 */
	for (unsigned int i = 0; topo != NULL && i < topo->n_ports; i++) {
		char addr[64];

		if (topo->ports[i].kind != TOPO_PORT_PHY ||
		    !devargs_pci(topo->ports[i].devargs, addr, sizeof(addr)))
			continue;
		if (n + 2 > max || n_addrs == YARD_PCI_ADDRS_MAX)
			return -E2BIG;
		out[n++] = (char *)"-a";
		snprintf(addrs[n_addrs], 64, "%s", addr);
		out[n++] = addrs[n_addrs++];
	}
	/*
	 * No PCI port named: the EAL must not probe the host's NICs (those in
	 * use by the kernel would log "Failed to init PCI device").
	 */
	if (n_addrs == 0) {
		if (n + 1 > max)
			return -E2BIG;
		out[n++] = (char *)"--no-pci";
	}
	return n;
}
