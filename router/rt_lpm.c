/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A router's FIB tables: the rules in a hash, the look-up tables in an
 * rte_lpm that workers read with rte_lpm_lookup_bulk().
 *
 * Why not rte_lpm_add()/rte_lpm_delete(): in DPDK 22.11 both keep the
 * rules in one array grouped by depth and scan every rule of the depth on
 * each call (rte_lpm_is_rule_present() too), so loading n routes of one
 * length costs n^2/2 compares: 40,000 /24 routes took 6.9 s, 1,000,000
 * would take over an hour (perf: rte_lpm_is_rule_present, rte_lpm_add and
 * our own linear route search shared the time). Here the rules are in an
 * open-addressing hash keyed by (prefix, depth), and the tables are written
 * the way rte_lpm writes them (DIR-24-8: a 2^24-entry tbl24, 256-entry
 * tbl8 groups for rules longer than /24, each entry remembering the depth
 * of the rule that set it), so a change costs the entries it covers plus at
 * most 32 hash probes, whatever the number of rules. The tables keep
 * rte_lpm's layout (struct rte_lpm, struct rte_lpm_tbl_entry, both public),
 * so the lock-free rte_lpm look-ups read them unchanged; rte_lpm's own rule
 * array is never used (created with one slot).
 *
 * Readers never see a half-made change: every entry is one 32-bit store; a
 * new tbl8 group is filled before the tbl24 entry that points to it is
 * stored with release order; an emptied group is unpublished at once but
 * reused only after a dp_rcu grace period (rt_lpm_reclaim(), at the end of
 * each control operation); when the groups run out the tbl8 array is
 * copied into one twice as large, published, and the old one is freed after
 * a grace period that also passes before any group of the new part is used.
 * A rule that a change does not touch keeps its entries throughout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "rt_priv.h"

#define TBL24_BITS 24
#define TBL8_ENTRIES RTE_LPM_TBL8_GROUP_NUM_ENTRIES
#define TBL8_GROUPS_MIN 64u
#define TBL8_GROUPS_MAX (1u << 24)	/* A tbl24 entry holds a 24-bit group. */
#define RULES_MIN 1024u

/* ---- Table entries ---- */

static inline struct rte_lpm_tbl_entry
entry_make(uint32_t nh, bool group, uint8_t depth)
{
	struct rte_lpm_tbl_entry e = {
		.next_hop = nh, .valid = 1, .valid_group = group, .depth = depth,
	};

	return e;
}

static inline struct rte_lpm_tbl_entry
entry_load(const struct rte_lpm_tbl_entry *p)
{
	struct rte_lpm_tbl_entry e;

	__atomic_load(p, &e, __ATOMIC_RELAXED);
	return e;
}

static inline void
entry_store(struct rte_lpm_tbl_entry *p, struct rte_lpm_tbl_entry e,
	    int order)
{
	__atomic_store(p, &e, order);
}

static inline bool
entry_is_group(struct rte_lpm_tbl_entry e)
{
	return e.valid && e.valid_group;
}

static inline bool
entry_same(struct rte_lpm_tbl_entry a, struct rte_lpm_tbl_entry b)
{
	uint32_t x, y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x == y;
}

static inline uint32_t
depth_mask(uint8_t depth)
{
	return depth == 0 ? 0 : ~UINT32_C(0) << (32 - depth);
}

/* ---- Rules: open addressing, linear probing, backward-shift delete ---- */

static inline uint32_t
rule_home(const struct rt_rules *rs, uint32_t prefix, uint8_t depth)
{
	uint64_t h = ((uint64_t)prefix << 8 | depth) * UINT64_C(0x9e3779b97f4a7c15);

	return (uint32_t)(h >> 32) & rs->mask;
}

struct rt_rule *
rt_rule_find(struct rt_router *r, uint32_t prefix, uint8_t depth)
{
	struct rt_rules *rs = &r->rules;

	for (uint32_t i = rule_home(rs, prefix, depth);; i = (i + 1) & rs->mask) {
		struct rt_rule *s = &rs->slot[i];

		if (!s->used)
			return NULL;
		if (s->prefix == prefix && s->depth == depth)
			return s;
	}
}

static int
rules_grow(struct rt_rules *rs)
{
	uint32_t cap = (rs->mask + 1) * 2;
	struct rt_rule *old = rs->slot, *slot = calloc(cap, sizeof(*slot));
	uint32_t old_cap = rs->mask + 1;

	if (slot == NULL)
		return -ENOMEM;
	rs->slot = slot;
	rs->mask = cap - 1;
	for (uint32_t i = 0; i < old_cap; i++) {
		uint32_t k;

		if (!old[i].used)
			continue;
		k = rule_home(rs, old[i].prefix, old[i].depth);
		while (slot[k].used)
			k = (k + 1) & rs->mask;
		slot[k] = old[i];
	}
	free(old);
	return 0;
}

/* A new rule (the caller checked there is none), or NULL: no memory. */
static struct rt_rule *
rule_insert(struct rt_router *r, uint32_t prefix, uint8_t depth)
{
	struct rt_rules *rs = &r->rules;
	uint32_t i;

	/* At most 3/4 full: probes stay short. */
	if ((rs->n + 1) * 4 > (rs->mask + 1) * 3 && rules_grow(rs) < 0)
		return NULL;
	i = rule_home(rs, prefix, depth);
	while (rs->slot[i].used)
		i = (i + 1) & rs->mask;
	rs->slot[i] = (struct rt_rule){
		.prefix = prefix, .depth = depth, .used = true,
	};
	rs->n++;
	return &rs->slot[i];
}

static void
rule_erase(struct rt_router *r, struct rt_rule *s)
{
	struct rt_rules *rs = &r->rules;
	uint32_t i = (uint32_t)(s - rs->slot), j = i;

	/* Pull back the entries of the run that would lose their way to i. */
	for (;;) {
		uint32_t k;

		j = (j + 1) & rs->mask;
		if (!rs->slot[j].used)
			break;
		k = rule_home(rs, rs->slot[j].prefix, rs->slot[j].depth);
		if (((j - k) & rs->mask) >= ((j - i) & rs->mask)) {
			rs->slot[i] = rs->slot[j];
			i = j;
		}
	}
	rs->slot[i].used = false;
	rs->n--;
}

/* ---- tbl8 groups ---- */

static int
tbl8_grow(struct rt_router *r)
{
	struct rt_rules *rs = &r->rules;
	uint32_t cap = rs->tbl8_cap * 2;
	struct rte_lpm_tbl_entry *old = r->lpm->tbl8, *tbl8;
	uint32_t *free_ids, *dead_ids;

	if (rs->tbl8_cap >= TBL8_GROUPS_MAX)
		return -ENOSPC;
	free_ids = realloc(rs->tbl8_free, cap * sizeof(*free_ids));
	if (free_ids == NULL)
		return -ENOMEM;
	rs->tbl8_free = free_ids;
	dead_ids = realloc(rs->tbl8_dead, cap * sizeof(*dead_ids));
	if (dead_ids == NULL)
		return -ENOMEM;
	rs->tbl8_dead = dead_ids;
	tbl8 = rte_zmalloc_socket("yard_rt_tbl8", (size_t)cap * TBL8_ENTRIES *
				  sizeof(*tbl8), RTE_CACHE_LINE_SIZE,
				  (int)rte_socket_id());
	if (tbl8 == NULL)
		return -ENOSPC;
	memcpy(tbl8, old, (size_t)rs->tbl8_cap * TBL8_ENTRIES * sizeof(*tbl8));
	__atomic_store_n(&r->lpm->tbl8, tbl8, __ATOMIC_RELEASE);
	/*
	 * A worker may still hold the old array (look-ups may load the
	 * pointer once per burst): no new group before it let go.
	 */
	dp_rcu_synchronize();
	rte_free(old);
	rs->tbl8_cap = cap;
	return 0;
}

static int
tbl8_alloc(struct rt_router *r, uint32_t *g)
{
	struct rt_rules *rs = &r->rules;
	int ret;

	if (rs->n_free > 0) {
		*g = rs->tbl8_free[--rs->n_free];
		return 0;
	}
	if (rs->tbl8_hi == rs->tbl8_cap) {
		ret = tbl8_grow(r);
		if (ret < 0)
			return ret;
	}
	*g = rs->tbl8_hi++;
	return 0;
}

/*
 * Group g under tbl24 entry i: when its 256 entries say the same as one
 * tbl24 entry could (all invalid, or one rule of /24 or shorter), put that
 * entry back and retire the group.
 */
static void
tbl8_collapse(struct rt_router *r, uint32_t i, uint32_t g)
{
	struct rte_lpm_tbl_entry *grp = &r->lpm->tbl8[(size_t)g * TBL8_ENTRIES];
	struct rte_lpm_tbl_entry first = entry_load(&grp[0]), none = { 0 };

	if (first.valid && first.depth > TBL24_BITS)
		return;
	for (unsigned int j = 1; j < TBL8_ENTRIES; j++)
		if (!entry_same(entry_load(&grp[j]), first))
			return;
	entry_store(&r->lpm->tbl24[i], first.valid ? first : none,
		    __ATOMIC_RELEASE);
	r->rules.tbl8_dead[r->rules.n_dead++] = g;
}

/* ---- Writing the tables ---- */

/*
 * Set entry p to `e` (a rule of depth e.depth) where it is empty or holds
 * a rule no longer than it; a longer rule's entry stays.
 */
static inline void
entry_cover(struct rte_lpm_tbl_entry *p, struct rte_lpm_tbl_entry e)
{
	struct rte_lpm_tbl_entry cur = entry_load(p);

	if (!cur.valid || cur.depth <= e.depth)
		entry_store(p, e, __ATOMIC_RELAXED);
}

/* Replace entry p, set by a rule of `depth`, by `e` (its successor). */
static inline void
entry_uncover(struct rte_lpm_tbl_entry *p, uint8_t depth,
	      struct rte_lpm_tbl_entry e)
{
	struct rte_lpm_tbl_entry cur = entry_load(p);

	if (cur.valid && cur.depth == depth)
		entry_store(p, e, __ATOMIC_RELAXED);
}

static int
tables_add(struct rt_router *r, uint32_t ip, uint8_t depth, uint32_t nh)
{
	struct rte_lpm *lpm = r->lpm;
	struct rte_lpm_tbl_entry e = entry_make(nh, false, depth), t24;
	uint32_t i = ip >> 8, g, lo, n;
	int ret;

	if (depth <= TBL24_BITS) {
		n = UINT32_C(1) << (TBL24_BITS - depth);
		for (; n-- > 0; i++) {
			t24 = entry_load(&lpm->tbl24[i]);
			if (!entry_is_group(t24)) {
				entry_cover(&lpm->tbl24[i], e);
				continue;
			}
			for (unsigned int j = 0; j < TBL8_ENTRIES; j++)
				entry_cover(&lpm->tbl8[(size_t)t24.next_hop *
						       TBL8_ENTRIES + j], e);
		}
		return 0;
	}
	lo = ip & 0xff;
	n = UINT32_C(1) << (32 - depth);
	t24 = entry_load(&lpm->tbl24[i]);
	if (entry_is_group(t24)) {
		g = t24.next_hop;
		for (uint32_t j = lo; j < lo + n; j++)
			entry_cover(&lpm->tbl8[(size_t)g * TBL8_ENTRIES + j], e);
		return 0;
	}
	ret = tbl8_alloc(r, &g);
	if (ret < 0)
		return ret;
	/* A new group: what the tbl24 entry said, then the rule, then publish. */
	for (uint32_t j = 0; j < TBL8_ENTRIES; j++) {
		struct rte_lpm_tbl_entry v = j >= lo && j < lo + n ? e : t24;

		if (!v.valid)
			v = (struct rte_lpm_tbl_entry){ 0 };
		entry_store(&lpm->tbl8[(size_t)g * TBL8_ENTRIES + j], v,
			    __ATOMIC_RELAXED);
	}
	entry_store(&lpm->tbl24[i], entry_make(g, true, 0), __ATOMIC_RELEASE);
	return 0;
}

static void
tables_del(struct rt_router *r, uint32_t ip, uint8_t depth)
{
	struct rte_lpm *lpm = r->lpm;
	struct rte_lpm_tbl_entry e = { 0 }, t24;
	uint32_t i = ip >> 8, lo, n;

	/* What covers the rule's range once it is gone: the next longest. */
	for (uint8_t d = depth - 1; d >= 1; d--) {
		const struct rt_rule *s = rt_rule_find(r, ip & depth_mask(d), d);

		if (s != NULL) {
			e = entry_make(s->nh, false, d);
			break;
		}
	}
	if (depth <= TBL24_BITS) {
		n = UINT32_C(1) << (TBL24_BITS - depth);
		for (; n-- > 0; i++) {
			t24 = entry_load(&lpm->tbl24[i]);
			if (!entry_is_group(t24)) {
				entry_uncover(&lpm->tbl24[i], depth, e);
				continue;
			}
			for (unsigned int j = 0; j < TBL8_ENTRIES; j++)
				entry_uncover(&lpm->tbl8[(size_t)t24.next_hop *
							 TBL8_ENTRIES + j], depth, e);
		}
		return;
	}
	t24 = entry_load(&lpm->tbl24[i]);
	if (!entry_is_group(t24))
		return;
	lo = ip & 0xff;
	n = UINT32_C(1) << (32 - depth);
	for (uint32_t j = lo; j < lo + n; j++)
		entry_uncover(&lpm->tbl8[(size_t)t24.next_hop * TBL8_ENTRIES + j],
			      depth, e);
	tbl8_collapse(r, i, t24.next_hop);
}

/* ---- The FIB's entry points ---- */

int
rt_lpm_set(struct rt_router *r, uint32_t prefix, uint8_t depth, uint32_t nh,
	   bool is_static)
{
	struct rt_rule *s = rt_rule_find(r, prefix, depth);
	bool is_new = s == NULL;
	int ret = 0;

	if (is_new) {
		s = rule_insert(r, prefix, depth);
		if (s == NULL)
			return -ENOMEM;
	}
	/* The default route is no table entry: workers read r->dflt. */
	if (depth > 0)
		ret = tables_add(r, prefix, depth, nh);
	if (ret < 0) {
		if (is_new)
			rule_erase(r, s);
		return ret;
	}
	s->nh = nh;
	s->is_static = is_static;
	return 0;
}

void
rt_lpm_del(struct rt_router *r, struct rt_rule *s)
{
	uint32_t prefix = s->prefix;
	uint8_t depth = s->depth;

	rule_erase(r, s);
	if (depth > 0)
		tables_del(r, prefix, depth);
}

void
rt_lpm_reclaim(struct rt_router *r)
{
	struct rt_rules *rs = &r->rules;

	while (rs->n_dead > 0)
		rs->tbl8_free[rs->n_free++] = rs->tbl8_dead[--rs->n_dead];
}

size_t
rt_lpm_memory(const struct rt_router *r)
{
	const struct rt_rules *rs = &r->rules;

	return sizeof(struct rte_lpm) +
	       (size_t)rs->tbl8_cap * TBL8_ENTRIES * sizeof(struct rte_lpm_tbl_entry) +
	       (size_t)(rs->mask + 1) * sizeof(struct rt_rule) +
	       (size_t)rs->tbl8_cap * 2 * sizeof(uint32_t);
}

int
rt_lpm_create(struct rt_router *r, const char *name)
{
	struct rte_lpm_config cfg = {
		.max_rules = 1,		/* rte_lpm's rule array is not used. */
		.number_tbl8s = TBL8_GROUPS_MIN,
	};
	struct rt_rules *rs = &r->rules;

	memset(rs, 0, sizeof(*rs));
	rs->slot = calloc(RULES_MIN, sizeof(*rs->slot));
	rs->tbl8_free = calloc(TBL8_GROUPS_MIN, sizeof(uint32_t));
	rs->tbl8_dead = calloc(TBL8_GROUPS_MIN, sizeof(uint32_t));
	if (rs->slot == NULL || rs->tbl8_free == NULL || rs->tbl8_dead == NULL)
		goto fail;
	rs->mask = RULES_MIN - 1;
	rs->tbl8_cap = TBL8_GROUPS_MIN;
	r->lpm = rte_lpm_create(name, (int)rte_socket_id(), &cfg);
	if (r->lpm == NULL)
		goto fail;
	return 0;
fail:
	free(rs->slot);
	free(rs->tbl8_free);
	free(rs->tbl8_dead);
	memset(rs, 0, sizeof(*rs));
	return -ENOMEM;
}

void
rt_lpm_destroy(struct rt_router *r)
{
	struct rt_rules *rs = &r->rules;

	rte_lpm_free(r->lpm);
	r->lpm = NULL;
	free(rs->slot);
	free(rs->tbl8_free);
	free(rs->tbl8_dead);
	memset(rs, 0, sizeof(*rs));
}
