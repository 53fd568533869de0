/* SPDX-License-Identifier: BSD-3-Clause */
/* Small helpers shared inside control/ (not part of its public API). */
#ifndef YARD_CONTROL_UTIL_H
#define YARD_CONTROL_UTIL_H

#include <sys/types.h>

/**
 * Create the directories leading to `path` (not `path` itself), like
 * mkdir -p on its dirname, with `mode` for those it makes.
 *
 * @return
 *   0, or -errno of the first mkdir that failed for another reason than
 *   the directory existing.
 */
int util_parents_make(const char *path, mode_t mode);

#endif /* YARD_CONTROL_UTIL_H */
