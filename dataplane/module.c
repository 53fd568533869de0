/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module registry: modules register from constructors in any order;
 * the first call that needs an order sorts them by their dependencies once.
 * Drop reason ids are handed out at registration, after the dataplane's own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"
#include "dp_priv.h"

#define MODULES_MAX 32

static struct dp_module *registered;	/* In registration order, reversed. */
static struct dp_module *ordered[MODULES_MAX];
static unsigned int n_ordered;
static bool sorted;
static bool batch_open;

static const char *drop_names[DP_DROP_MAX] = {
#define _(sym, str) [DP_DROP_##sym] = str,
	foreach_dp_drop
#undef _
};
static unsigned int n_drop_ids = DP_DROP_N_;

void
dp_module_register(struct dp_module *m)
{
	if (n_drop_ids + m->n_drops > DP_DROP_MAX) {
		fprintf(stderr, "dataplane: module %s: more than %u drop reasons "
			"in all\n", m->name, DP_DROP_MAX);
		abort();
	}
	/* Reason code c (1..n) is id drop_base + c. */
	m->drop_base = n_drop_ids - 1;
	for (unsigned int i = 0; i < m->n_drops; i++)
		drop_names[n_drop_ids++] = m->drop_names[i];
	m->next_registered = registered;
	registered = m;
	sorted = false;
}

const char *
dp_drop_reason_name(unsigned int reason)
{
	return reason < n_drop_ids ? drop_names[reason] : NULL;
}

int
dp_drop_reason_find(const char *name)
{
	for (unsigned int r = 0; r < n_drop_ids; r++)
		if (strcmp(drop_names[r], name) == 0)
			return (int)r;
	return -ENOENT;
}

static bool
is_ordered(const char *name)
{
	for (unsigned int i = 0; i < n_ordered; i++)
		if (strcmp(ordered[i]->name, name) == 0)
			return true;
	return false;
}

static bool
deps_ordered(const struct dp_module *m)
{
	for (const char *const *d = m->deps; d != NULL && *d != NULL; d++)
		if (!is_ordered(*d))
			return false;
	return true;
}

/*
 * Dependency order, and among modules free to go, the order of names, so
 * that the order does not depend on how the linker laid out constructors.
 * A missing dependency or a cycle is a build mistake: say which and stop.
 */
static void
modules_sort(void)
{
	unsigned int n = 0;

	if (sorted)
		return;
	for (struct dp_module *m = registered; m != NULL; m = m->next_registered)
		n++;
	if (n > MODULES_MAX) {
		fprintf(stderr, "dataplane: %u modules, at most %u\n", n, MODULES_MAX);
		abort();
	}
	n_ordered = 0;
	while (n_ordered < n) {
		struct dp_module *next = NULL;

		for (struct dp_module *m = registered; m != NULL;
		     m = m->next_registered)
			if (!is_ordered(m->name) && deps_ordered(m) &&
			    (next == NULL || strcmp(m->name, next->name) < 0))
				next = m;
		if (next == NULL) {
			fprintf(stderr, "dataplane: module dependencies cannot be "
				"met (a missing module or a cycle) among:");
			for (struct dp_module *m = registered; m != NULL;
			     m = m->next_registered)
				if (!is_ordered(m->name))
					fprintf(stderr, " %s", m->name);
			fprintf(stderr, "\n");
			abort();
		}
		ordered[n_ordered++] = next;
	}
	sorted = true;
}

int
dp_modules_param(const char *key, const char *value, char *why, size_t len)
{
	modules_sort();
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret;

		if (ordered[i]->param == NULL)
			continue;
		ret = ordered[i]->param(key, value, why, len);
		if (ret != -ENOENT)
			return ret;
	}
	snprintf(why, len, "no module takes the parameter '%s'", key);
	return -ENOENT;
}

int
dp_modules_init(void)
{
	modules_sort();
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret = ordered[i]->init != NULL ? ordered[i]->init() : 0;

		if (ret < 0) {
			DP_LOG(ERR, "module %s: init failed: %s", ordered[i]->name,
			       strerror(-ret));
			while (i-- > 0)
				if (ordered[i]->fini != NULL)
					ordered[i]->fini();
			return ret;
		}
	}
	return 0;
}

void
dp_modules_fini(void)
{
	for (unsigned int i = n_ordered; i-- > 0;)
		if (ordered[i]->fini != NULL)
			ordered[i]->fini();
}

void
dp_modules_tick(void)
{
	for (unsigned int i = 0; i < n_ordered; i++)
		if (ordered[i]->tick != NULL)
			ordered[i]->tick();
}

void
dp_modules_port_del(uint16_t port)
{
	for (unsigned int i = n_ordered; i-- > 0;)
		if (ordered[i]->port_del != NULL)
			ordered[i]->port_del(port);
}

int
dp_modules_api_register(struct rpc_server *srv)
{
	modules_sort();
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret = ordered[i]->api_register != NULL ?
			  ordered[i]->api_register(srv) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}

int
dp_modules_apply(const struct topo *t, bool prune, char *why, size_t len)
{
	modules_sort();
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret = ordered[i]->apply != NULL ?
			  ordered[i]->apply(t, why, len) : 0;

		if (ret < 0)
			return ret;
	}
	if (prune)
		for (unsigned int i = n_ordered; i-- > 0;)
			if (ordered[i]->prune != NULL)
				ordered[i]->prune(t);
	return 0;
}

int
dp_modules_export(struct topo *t)
{
	modules_sort();
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret = ordered[i]->export != NULL ? ordered[i]->export(t) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}

void
dp_batch_set(bool open)
{
	batch_open = open;
}

bool
dp_batch_open(void)
{
	return batch_open;
}

int
dp_modules_flush(unsigned int *failed, char *why, size_t len)
{
	for (unsigned int i = 0; i < n_ordered; i++) {
		int ret = ordered[i]->flush != NULL ?
			  ordered[i]->flush(failed, why, len) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}
