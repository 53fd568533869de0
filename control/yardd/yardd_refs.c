/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which stored objects name a given one: what blocks its delete. The
 * validator stops at the first dangling name and speaks of the document;
 * a person deleting one object wants every object in the way, by name.
 */
#include <stdio.h>
#include <string.h>

#include "topology.h"
#include "yardd.h"

/* Keys whose string values (or arrays of strings) name another object. */
static const char *const ref_keys[] = {
	"in_port", "mirror", "network", "nics", "output", "port",
};

static bool
ref_key(const char *key)
{
	for (size_t i = 0; i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++)
		if (strcmp(key, ref_keys[i]) == 0)
			return true;
	return false;
}

/* Whether `v`, found under `key`, names `name` anywhere inside. */
static bool
names(json_t *v, const char *key, const char *name)
{
	const char *k;
	json_t *e;
	size_t i;

	if (json_is_string(v))
		return key != NULL && ref_key(key) &&
		       strcmp(json_string_value(v), name) == 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (names(e, key, name))
				return true;
		return false;
	}
	json_object_foreach(v, k, e)
		if (names(e, k, name))
			return true;
	return false;
}

unsigned int
yardd_refs_list(json_t *doc, const struct topo_kind_info *k, const char *name,
		char *buf, size_t len)
{
	unsigned int n = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (int o = 0; o < TOPO_KIND_MAX; o++) {
		const struct topo_kind_info *ok = topo_kind_get(o);
		json_t *list = json_object_get(doc, ok->plural), *obj;
		size_t i;

		if (!(ok->refers & (1u << k->kind)) || list == NULL)
			continue;
		if (ok->single) {
			if (!names(list, NULL, name))
				continue;
			if (off < len)
				off += snprintf(buf + off, len - off, "%sthe %s",
						n ? ", " : "", ok->singular);
			n++;
			continue;
		}
		json_array_foreach(list, i, obj) {
			if (!names(obj, NULL, name))
				continue;
			if (off < len)
				off += snprintf(buf + off, len - off, "%s%s '%s'",
						n ? ", " : "", ok->singular,
						json_string_value(json_object_get(
							obj, "name")) ?: "?");
			n++;
		}
	}
	return n;
}
