/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include "vnic.h"

int
vnic_devargs(const char *name, const char *socket, bool server,
	     unsigned int queues, char *buf, size_t len)
{
	int n;

	/*
	 * The device name must start with the driver's; the port name makes
	 * it unique in the process. A client reconnects by itself.
	 */
	n = snprintf(buf, len, "net_vhost_%s,iface=%s,client=%d,queues=%u",
		     name, socket, server ? 0 : 1, queues ? queues : 1);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
