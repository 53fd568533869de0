/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rpc.h"

int
rpc_parents_make(const char *path, mode_t mode)
{
	char *dir, *p, c;
	int rc = 0;

	dir = strdup(path);
	if (dir == NULL)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST) {
			rc = -errno;
			goto out;
		}
		*p = c;
		if (c == '\0')
			break;
	}
out:
	free(dir);
	return rc;
}
