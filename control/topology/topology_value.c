/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scalar syntax of the topology schema (names, MAC and IPv4 addresses,
 * prefixes, port ranges, memory sizes), shared with the RPC handlers, and the
 * small hash index the parser uses for names and numbers.
 *
 * The parsers are strict on purpose: "010" or "10.0.1.011" mean different
 * things to different tools (octal or decimal), so they are refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology_priv.h"

static int
topo_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decimal digits from *s up to a non-digit, at most `max`, no leading zero
 * unless the number is 0. Advances *s.
 */
static int
topo_dec_parse(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	bool range = false;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			range = true;
		else
			v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			range = true;
	}
	*s = p;
	if (range)
		return -ERANGE;
	*out = v;
	return 0;
}

int
topo_uint_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int d, n = 0, rc;

	if (s == NULL)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (s += 2; *s != '\0'; s++, n++) {
			d = topo_hex_digit(*s);
			if (d < 0)
				return -EINVAL;
			if (n >= 16)
				return -ERANGE;
			v = v << 4 | (uint64_t)d;
		}
		if (n == 0)
			return -EINVAL;
		*out = v;
		return 0;
	}
	/* "-5" is a number, just not one any key of the schema accepts. */
	if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
		s++;
		return topo_dec_parse(&s, UINT64_MAX, &v) == 0 && *s == '\0' ?
		       -ERANGE : -EINVAL;
	}
	rc = topo_dec_parse(&s, UINT64_MAX, &v);
	if (rc < 0)
		return rc;
	if (*s != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int
topo_name_check(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || s[0] == '-')
		return -EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= TOPO_NAME_MAX - 1)
			return -EINVAL;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return -EINVAL;
	}
	return 0;
}

int
topo_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t tmp[6];
	int i, hi, lo;

	if (s == NULL || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = topo_hex_digit(s[3 * i]);
		lo = topo_hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, tmp, sizeof(tmp));
	return 0;
}

/* A dotted quad at *s, up to a character that is not a digit or a dot. */
static int
topo_quad_parse(const char **s, uint32_t *addr_be)
{
	uint32_t host = 0;
	uint64_t octet;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (**s != '.')
				return -EINVAL;
			(*s)++;
		}
		if (topo_dec_parse(s, 255, &octet) < 0)
			return -EINVAL;
		host = host << 8 | (uint32_t)octet;
	}
	*addr_be = htonl(host);
	return 0;
}

int
topo_ipv4_parse(const char *s, uint32_t *addr_be)
{
	uint32_t a;

	if (s == NULL || topo_quad_parse(&s, &a) < 0 || *s != '\0')
		return -EINVAL;
	*addr_be = a;
	return 0;
}

int
topo_prefix_parse(const char *s, struct topo_prefix *p)
{
	uint64_t plen = 32;
	uint32_t a;

	if (s == NULL || topo_quad_parse(&s, &a) < 0)
		return -EINVAL;
	if (*s == '/') {
		s++;
		if (topo_dec_parse(&s, 32, &plen) < 0)
			return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
	p->addr = a;
	p->plen = (uint8_t)plen;
	return 0;
}

uint32_t
topo_plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : htonl(~UINT32_C(0) << (32 - plen));
}

const char *
topo_ipv4_str(uint32_t addr, char *buf)
{
	uint32_t h = ntohl(addr);

	snprintf(buf, 16, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff,
		 (h >> 8) & 0xff, h & 0xff);
	return buf;
}

int
topo_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi)
{
	uint64_t a, b;
	int rc;

	if (s == NULL)
		return -EINVAL;
	rc = topo_dec_parse(&s, 65535, &a);
	if (rc < 0)
		return rc;
	b = a;
	if (*s == '-') {
		s++;
		rc = topo_dec_parse(&s, 65535, &b);
		if (rc < 0)
			return rc;
	}
	if (*s != '\0')
		return -EINVAL;
	if (a > b)
		return -ERANGE;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int
topo_memory_parse(const char *s, uint64_t *bytes)
{
	const uint64_t mib = 1024 * 1024, max_mib = 4096 * 1024;
	uint64_t n;
	int rc;

	if (s == NULL)
		return -EINVAL;
	rc = topo_dec_parse(&s, UINT64_MAX, &n);
	if (rc < 0)
		return rc;
	if (s[0] == 'G' && s[1] == '\0') {
		if (n > max_mib / 1024)
			return -ERANGE;
		n *= 1024;
	} else if (!(s[0] == '\0' || (s[0] == 'M' && s[1] == '\0'))) {
		return -EINVAL;
	}
	if (n == 0 || n > max_mib)
		return -ERANGE;
	*bytes = n * mib;
	return 0;
}

/* ---- Index ---- */

/* FNV-1a: keys are short names and numbers, and no attacker picks them. */
static uint64_t
topo_hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * UINT64_C(1099511628211);
	return h;
}

static struct topo_index_slot *
topo_index_slot(const struct topo_index *ix, const void *key, size_t klen)
{
	struct topo_index_slot *s;
	size_t i;

	for (i = topo_hash(key, klen) & (ix->cap - 1);;
	     i = (i + 1) & (ix->cap - 1)) {
		s = &ix->slots[i];
		if (s->idx1 == 0 ||
		    (s->klen == klen && memcmp(s->key, key, klen) == 0))
			return s;
	}
}

static int
topo_index_grow(struct topo_index *ix)
{
	struct topo_index old = *ix;
	size_t i;

	ix->cap = old.cap ? old.cap * 2 : 16;
	ix->slots = calloc(ix->cap, sizeof(*ix->slots));
	if (ix->slots == NULL) {
		*ix = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].idx1 != 0)
			*topo_index_slot(ix, old.slots[i].key,
					 old.slots[i].klen) = old.slots[i];
	free(old.slots);
	return 0;
}

int
topo_index_put(struct topo_index *ix, const void *key, size_t klen,
	       uint32_t idx, uint32_t *prev)
{
	struct topo_index_slot *s;

	if (klen > TOPO_NAME_MAX || idx == UINT32_MAX)
		return -EINVAL;
	/* Keep at most half of the slots used, so probes stay short. */
	if ((ix->n + 1) * 2 > ix->cap && topo_index_grow(ix) < 0)
		return -ENOMEM;
	s = topo_index_slot(ix, key, klen);
	if (s->idx1 != 0) {
		*prev = s->idx1 - 1;
		return -EEXIST;
	}
	s->idx1 = idx + 1;
	s->klen = (uint8_t)klen;
	memcpy(s->key, key, klen);
	ix->n++;
	return 0;
}

int
topo_index_get(const struct topo_index *ix, const void *key, size_t klen,
	       uint32_t *idx)
{
	struct topo_index_slot *s;

	if (ix->cap == 0 || klen > TOPO_NAME_MAX)
		return -ENOENT;
	s = topo_index_slot(ix, key, klen);
	if (s->idx1 == 0)
		return -ENOENT;
	*idx = s->idx1 - 1;
	return 0;
}

void
topo_index_reset(struct topo_index *ix)
{
	if (ix->slots != NULL)
		memset(ix->slots, 0, ix->cap * sizeof(*ix->slots));
	ix->n = 0;
}

void
topo_index_fini(struct topo_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}

uint64_t
topo_route_digest(const struct topo_route *rt)
{
	uint64_t h = (uint64_t)rt->prefix.addr << 8 | rt->prefix.plen;

	/* A 64-bit mix per word (splitmix64's finaliser), chained. */
	for (unsigned int i = 0; i <= rt->n_via && i <= TOPO_ECMP_MAX; i++) {
		h ^= i == 0 ? 0 : (uint64_t)rt->via[i - 1] << 32 | i;
		h += UINT64_C(0x9e3779b97f4a7c15);
		h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
		h ^= h >> 31;
	}
	return h;
}

int
topo_route_from_json(json_t *o, struct topo_route *rt, char *why, size_t len)
{
	const char *p = json_string_value(json_object_get(o, "prefix"));
	json_t *via = json_object_get(o, "via"), *v;
	size_t i;

	memset(rt, 0, sizeof(*rt));
	if (p == NULL || topo_prefix_parse(p, &rt->prefix) < 0 ||
	    (rt->prefix.plen < 32 && (ntohl(rt->prefix.addr) &
				      (UINT32_MAX >> rt->prefix.plen)) != 0)) {
		snprintf(why, len, "prefix: '%s' is not a prefix with its host "
			 "bits zero (want e.g. 10.0.0.0/8)", p ? p : "(none)");
		return -EINVAL;
	}
	if (json_is_string(via)) {
		/* One next hop may come bare. */
		rt->n_via = 1;
		if (topo_ipv4_parse(json_string_value(via), &rt->via[0]) == 0)
			return 0;
		snprintf(why, len, "via: '%s' is not an IPv4 address",
			 json_string_value(via));
		return -EINVAL;
	}
	if (!json_is_array(via) || json_array_size(via) == 0 ||
	    json_array_size(via) > TOPO_ECMP_MAX) {
		snprintf(why, len, "via: want a list of 1 to %d next-hop "
			 "addresses", TOPO_ECMP_MAX);
		return -EINVAL;
	}
	json_array_foreach(via, i, v) {
		if (!json_is_string(v) ||
		    topo_ipv4_parse(json_string_value(v), &rt->via[i]) < 0) {
			snprintf(why, len, "via[%zu]: not an IPv4 address", i);
			return -EINVAL;
		}
		rt->n_via++;
	}
	return 0;
}
