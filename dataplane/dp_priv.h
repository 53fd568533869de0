/* SPDX-License-Identifier: BSD-3-Clause */
/* Dataplane internals shared between its own files only. */
#ifndef YARD_DP_PRIV_H
#define YARD_DP_PRIV_H

#include "dataplane.h"

int dp_workers_create(const struct dp_config *cfg);
void dp_workers_destroy(void);
bool dp_workers_launched(void);

/* Rebuild every worker's poll list from dp_ports[] and publish it. */
int dp_poll_lists_update(void);

void dp_ports_close_all(void);

/* The module registry's steps that dp_init(), dp_fini() and dp_port_del() take. */
int dp_modules_init(void);
void dp_modules_fini(void);
void dp_modules_port_del(uint16_t port);

/* The inject rings, one per worker (node_inject.c). */
int dp_inject_init(unsigned int n_workers);
void dp_inject_fini(void);

/* Make the capture record pool; close every session and free it (capture.c). */
int dp_capture_init(void);
void dp_capture_fini(void);

#endif /* YARD_DP_PRIV_H */
