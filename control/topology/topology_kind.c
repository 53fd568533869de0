/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table of object kinds, made from TOPO_KINDS() (topology.h).
 */
#include <stddef.h>
#include <string.h>

#include "topology.h"

static const struct topo_kind_info topo_kinds[TOPO_KIND_MAX] = {
#define TOPO_KIND_ROW(sym, singular_, plural_, single_, refers_, set, del) \
	[TOPO_KIND_##sym] = {						\
		.kind = TOPO_KIND_##sym,				\
		.singular = singular_,					\
		.plural = plural_,					\
		.single = single_,					\
		.refers = refers_,					\
		.dp_set = set,						\
		.dp_del = del,						\
	},
	TOPO_KINDS(TOPO_KIND_ROW)
#undef TOPO_KIND_ROW
};

const struct topo_kind_info *
topo_kind_get(enum topo_kind k)
{
	if ((unsigned int)k >= TOPO_KIND_MAX)
		return NULL;
	return &topo_kinds[k];
}

const struct topo_kind_info *
topo_kind_from_key(const char *key)
{
	if (key == NULL)
		return NULL;
	for (unsigned int k = 0; k < TOPO_KIND_MAX; k++)
		if (strcmp(key, topo_kinds[k].plural) == 0)
			return &topo_kinds[k];
	return NULL;
}

const struct topo_kind_info *
topo_kind_from_name(const char *name)
{
	if (name == NULL)
		return NULL;
	for (unsigned int k = 0; k < TOPO_KIND_MAX; k++)
		if (strcmp(name, topo_kinds[k].singular) == 0 ||
		    strcmp(name, topo_kinds[k].plural) == 0)
			return &topo_kinds[k];
	return NULL;
}

bool
topo_kind_programmed(const struct topo_kind_info *k)
{
	return k != NULL && k->dp_set != NULL && k->dp_del != NULL;
}
