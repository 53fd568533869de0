/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vnic.h"

int
vnic_devargs(const char *name, const char *socket, bool server,
	     unsigned int queues, char *buf, size_t len)
{
	int n;

	/*
	 * The path goes into the device arguments as is: a ',' or '=' in it
	 * would add arguments of the caller's choosing (iommu-support=1, ...).
	 */
	if (socket[0] != '/' || strpbrk(socket, ",=;[] \t\n\r") != NULL)
		return -EINVAL;
	/*
	 * The device name must start with the driver's; the port name makes
	 * it unique in the process. A client reconnects by itself.
	 */
	n = snprintf(buf, len, "net_vhost_%s,iface=%s,client=%d,queues=%u",
		     name, socket, server ? 0 : 1, queues ? queues : 1);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
