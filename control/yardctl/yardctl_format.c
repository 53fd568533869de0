/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl's output for people: aligned tables, YAML-ish objects, summaries.
 * Scripts use --json, which never comes here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"
#include "yardctl_priv.h"

/* ---- Kinds ---- */

/* Each kind's keys in schema order, for get's output. */
static const char *const *const yc_kind_keys[TOPO_KIND_MAX] = {
	[TOPO_KIND_NETWORK] = (const char *const[]){
		"name", "vni", "mac_limit", "ageing", "arp_suppress", NULL },
	[TOPO_KIND_PORT] = (const char *const[]){
		"name", "kind", "network", "trunk", "mac", "ips", "security",
		"socket", "devargs", "netns", "addresses", NULL },
	[TOPO_KIND_ROUTER] = (const char *const[]){
		"name", "interfaces", "routes", NULL },
	[TOPO_KIND_FLOW] = (const char *const[]){
		"name", "priority", "network", "match", "action", NULL },
	[TOPO_KIND_VM] = (const char *const[]){
		"name", "cpus", "memory", "nics", "accel", "kernel", "initrd",
		"cmdline", "disk", NULL },
};

const struct topo_kind_info *
yc_kind_parse(const char *s)
{
	const struct topo_kind_info *k = topo_kind_from_name(s);

	/* A single kind (the overlay) has no names to list or get. */
	return k != NULL && !k->single ? k : NULL;
}

void
yc_die_nomem(void)
{
	fputs("yardctl: out of memory\n", stderr);
	exit(YC_EXIT_FAIL);
}

static void
yc_bad_answer(const char *what)
{
	fprintf(stderr, "yardctl: unexpected answer from yardd: %s\n", what);
}

/* ---- Strings ---- */

/* A string built with open_memstream(); ended with yc_buf_end(). */
struct yc_buf {
	FILE *f;
	char *s;
	size_t len;
};

static FILE *
yc_buf_begin(struct yc_buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->f = open_memstream(&b->s, &b->len);
	if (b->f == NULL)
		yc_die_nomem();
	return b->f;
}

static char *
yc_buf_end(struct yc_buf *b)
{
	if (fclose(b->f) != 0 || b->s == NULL)
		yc_die_nomem();
	return b->s;
}

static char *
yc_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		yc_die_nomem();
	return s;
}

/* Bytes of a string value; "" for anything else. */
static const char *
yc_str(json_t *v)
{
	const char *s = json_string_value(v);

	return s != NULL ? s : "";
}

/*
 * A string that YAML would read as something else (a number, a boolean,
 * null, a comment, the end of a flow collection when `flow`...) is printed
 * double-quoted, JSON style, which YAML reads back as the same string.
 */
static bool
yc_yaml_needs_quotes(const char *s, bool flow)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "null", "~",
		"True", "False", "Yes", "No", "On", "Off", "Null",
		"TRUE", "FALSE", "YES", "NO", "ON", "OFF", "NULL", NULL,
	};
	size_t len = strlen(s);
	char *end;

	if (len == 0 || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) != NULL ||
	    s[len - 1] == ' ' || s[len - 1] == ':' ||
	    strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    (flow && strpbrk(s, ",[]{}") != NULL))
		return true;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
	for (unsigned int i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	/* YAML 1.1 reads 02:00:00:00:01:01 as a base 60 integer. */
	if (strchr(s, ':') != NULL && strspn(s, "0123456789:") == len)
		return true;
	errno = 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

/*
 * One value in YAML flow style: 10, blue, [a, b], {network: red, vlan: 2}.
 * `nested` is false for a block mapping's value, true within [] or {}.
 */
static void
yc_yaml_value(FILE *f, json_t *v, bool nested)
{
	const char *key;
	json_t *item;
	size_t i;
	bool first = true;

	switch (json_typeof(v)) {
	case JSON_STRING:
		if (yc_yaml_needs_quotes(json_string_value(v), nested)) {
			char *q = json_dumps(v, JSON_ENCODE_ANY);

			if (q == NULL)
				yc_die_nomem();
			fputs(q, f);
			free(q);
		} else {
			fputs(json_string_value(v), f);
		}
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(f, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("true", f);
		break;
	case JSON_FALSE:
		fputs("false", f);
		break;
	case JSON_NULL:
		fputs("null", f);
		break;
	case JSON_ARRAY:
		fputc('[', f);
		json_array_foreach(v, i, item) {
			fputs(first ? "" : ", ", f);
			yc_yaml_value(f, item, true);
			first = false;
		}
		fputc(']', f);
		break;
	case JSON_OBJECT:
		fputc('{', f);
		json_object_foreach(v, key, item) {
			fprintf(f, "%s%s: ", first ? "" : ", ", key);
			yc_yaml_value(f, item, true);
			first = false;
		}
		fputc('}', f);
		break;
	}
}

/*
 * A table cell: "-" for nothing, lists comma-joined, anything nested in
 * flow style. The result is malloc'd.
 */
static char *
yc_cell(json_t *v)
{
	struct yc_buf b;
	json_t *item;
	size_t i;

	if (v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0))
		return yc_fmt("-");
	if (json_is_string(v))
		return yc_fmt("%s", json_string_value(v));
	yc_buf_begin(&b);
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			if (i > 0)
				fputc(',', b.f);
			if (json_is_string(item))
				fputs(json_string_value(item), b.f);
			else
				yc_yaml_value(b.f, item, true);
		}
	} else {
		yc_yaml_value(b.f, v, true);
	}
	return yc_buf_end(&b);
}

/* ---- Tables ---- */

#define YC_TABLE_COLS_MAX 10

/* Columns aligned on their widest cell; `align` has 'l' or 'r' per column. */
struct yc_table {
	unsigned int ncols;
	const char *const *heads;
	const char *align;
	char **cells;		/* nrows * ncols, row-major, malloc'd. */
	size_t nrows, cap;
};

static void
yc_table_init(struct yc_table *t, const char *const *heads, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->heads = heads;
	t->align = align;
	while (heads[t->ncols] != NULL)
		t->ncols++;
}

/* Add a row of `ncols` malloc'd cells, which the table takes. */
static void
yc_table_add(struct yc_table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **cells = reallocarray(t->cells, cap * t->ncols,
					    sizeof(*cells));

		if (cells == NULL)
			yc_die_nomem();
		t->cells = cells;
		t->cap = cap;
	}
	va_start(ap, t);
	for (unsigned int c = 0; c < t->ncols; c++) {
		char *s = va_arg(ap, char *);

		/* A message with a newline or a tab would break the columns. */
		for (char *p = s; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		t->cells[t->nrows * t->ncols + c] = s;
	}
	va_end(ap);
	t->nrows++;
}

/* Display width: UTF-8 code points (what a terminal shows for names). */
static size_t
yc_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Print and free. With no rows, only the header is printed. */
static void
yc_table_print(struct yc_table *t)
{
	size_t width[YC_TABLE_COLS_MAX] = { 0 };
	unsigned int c;
	size_t r;

	for (c = 0; c < t->ncols; c++)
		width[c] = yc_width(t->heads[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = yc_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->heads[c] :
					t->cells[(r - 1) * t->ncols + c];
			int pad = (int)(width[c] - yc_width(s));
			bool last = c + 1 == t->ncols;

			if (c > 0)
				fputs("  ", stdout);
			if (t->align[c] == 'r')
				printf("%*s%s", pad, "", s);
			else
				printf("%s%*s", s, last ? 0 : pad, "");
		}
		putchar('\n');
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
}

/* ---- Objects ---- */

/* The value a key takes when the canonical form omits it; NULL if none. */
static json_t *
yc_default(const struct topo_kind_info *k, const char *key, json_t *obj)
{
	switch (k->kind) {
	case TOPO_KIND_NETWORK:
		if (strcmp(key, "mac_limit") == 0)
			return json_integer(TOPO_MAC_LIMIT_DEFAULT);
		if (strcmp(key, "ageing") == 0)
			return json_integer(TOPO_AGEING_DEFAULT);
		if (strcmp(key, "arp_suppress") == 0)
			return json_false();
		break;
	case TOPO_KIND_PORT:
		if (strcmp(key, "security") == 0 &&
		    json_is_string(json_object_get(obj, "kind")))
			return json_boolean(strcmp(yc_str(json_object_get(
				obj, "kind")), "vhost") == 0);
		break;
	case TOPO_KIND_VM:
		if (strcmp(key, "cpus") == 0)
			return json_integer(1);
		if (strcmp(key, "memory") == 0)
			return json_string("256M");
		if (strcmp(key, "accel") == 0)
			return json_string("auto");
		break;
	default:
		break;
	}
	return NULL;
}

/* A new object: `obj` in schema order with defaults filled in. */
static json_t *
yc_object_full(const struct topo_kind_info *k, json_t *obj)
{
	const char *const *keys = yc_kind_keys[k->kind];
	json_t *full = json_object(), *v;
	const char *key;

	if (full == NULL)
		yc_die_nomem();
	for (unsigned int i = 0; keys[i] != NULL; i++) {
		v = json_object_get(obj, keys[i]);
		if (v != NULL)
			json_object_set(full, keys[i], v);
		else if ((v = yc_default(k, keys[i], obj)) != NULL)
			json_object_set_new(full, keys[i], v);
	}
	/* Keys this yardctl does not know yet are shown too, last. */
	json_object_foreach(obj, key, v)
		if (json_object_get(full, key) == NULL)
			json_object_set(full, key, v);
	return full;
}

/* "programmed", or "error: the reason". */
static char *
yc_status_cell(json_t *entry)
{
	json_t *status = json_object_get(entry, "status");
	json_t *msg = json_object_get(entry, "message");
	char *s = yc_cell(status);

	if (json_is_string(msg) && json_string_length(msg) > 0) {
		char *t = yc_fmt("%s: %s", s, json_string_value(msg));

		free(s);
		s = t;
	}
	return s;
}

/* Access network, or "trunk: blue/100,red/200". */
static char *
yc_port_network_cell(json_t *port)
{
	json_t *trunk = json_object_get(port, "trunk"), *t;
	struct yc_buf b;
	size_t i;

	if (!json_is_array(trunk) || json_array_size(trunk) == 0)
		return yc_cell(json_object_get(port, "network"));
	yc_buf_begin(&b);
	fputs("trunk: ", b.f);
	json_array_foreach(trunk, i, t) {
		char *vlan = yc_cell(json_object_get(t, "vlan"));

		fprintf(b.f, "%s%s/%s", i ? "," : "",
			yc_str(json_object_get(t, "network")), vlan);
		free(vlan);
	}
	return yc_buf_end(&b);
}

/* "blue:10.0.1.1/24,green:10.0.2.1/24". */
static char *
yc_router_ifaces_cell(json_t *router)
{
	json_t *ifaces = json_object_get(router, "interfaces"), *it;
	struct yc_buf b;
	size_t i;

	if (json_array_size(ifaces) == 0)
		return yc_fmt("-");
	yc_buf_begin(&b);
	json_array_foreach(ifaces, i, it)
		fprintf(b.f, "%s%s:%s", i ? "," : "",
			yc_str(json_object_get(it, "network")),
			yc_str(json_object_get(it, "address")));
	return yc_buf_end(&b);
}

/* Route prefixes, "0.0.0.0/0,10.9.0.0/16"; next hops are in `get`. */
static char *
yc_router_routes_cell(json_t *router)
{
	json_t *routes = json_object_get(router, "routes"), *rt;
	struct yc_buf b;
	size_t i;

	if (json_array_size(routes) == 0)
		return yc_fmt("-");
	yc_buf_begin(&b);
	json_array_foreach(routes, i, rt)
		fprintf(b.f, "%s%s", i ? "," : "",
			yc_str(json_object_get(rt, "prefix")));
	return yc_buf_end(&b);
}

/* "allow", "drop", "output:p1", "mirror:p2". */
static char *
yc_flow_action_cell(json_t *flow)
{
	json_t *action = json_object_get(flow, "action"), *v;
	const char *key;

	if (json_is_object(action) && json_object_size(action) == 1) {
		json_object_foreach(action, key, v)
			return yc_fmt("%s:%s", key, yc_str(v));
	}
	return yc_cell(action);
}

static void
yc_list_row(struct yc_table *t, const struct topo_kind_info *k, json_t *o, char *status)
{
#define C(key) yc_cell(json_object_get(o, key))
	switch (k->kind) {
	case TOPO_KIND_NETWORK:
		yc_table_add(t, C("name"), C("vni"), C("mac_limit"),
			     C("ageing"), status);
		break;
	case TOPO_KIND_PORT:
		yc_table_add(t, C("name"), C("kind"), yc_port_network_cell(o),
			     C("mac"), C("ips"), C("security"), status);
		break;
	case TOPO_KIND_ROUTER:
		yc_table_add(t, C("name"), yc_router_ifaces_cell(o),
			     yc_router_routes_cell(o), status);
		break;
	case TOPO_KIND_FLOW:
		yc_table_add(t, C("name"), C("priority"), C("network"),
			     yc_flow_action_cell(o), status);
		break;
	case TOPO_KIND_VM:
		yc_table_add(t, C("name"), C("cpus"), C("memory"), C("nics"),
			     C("accel"), status);
		break;
	default:
		free(status);
		break;
	}
#undef C
}

int
yc_print_list(const struct topo_kind_info *k, json_t *res)
{
	static const char *const heads[TOPO_KIND_MAX][8] = {
		[TOPO_KIND_NETWORK] = { "NAME", "VNI", "MAC_LIMIT", "AGEING",
				 "STATUS" },
		[TOPO_KIND_PORT] = { "NAME", "KIND", "NETWORK", "MAC", "IPS",
			      "SECURITY", "STATUS" },
		[TOPO_KIND_ROUTER] = { "NAME", "INTERFACES", "ROUTES", "STATUS" },
		[TOPO_KIND_FLOW] = { "NAME", "PRIORITY", "NETWORK", "ACTION",
			      "STATUS" },
		[TOPO_KIND_VM] = { "NAME", "CPUS", "MEMORY", "NICS", "ACCEL",
			    "STATUS" },
	};
	static const char *const align[TOPO_KIND_MAX] = {
		[TOPO_KIND_NETWORK] = "lrrrl", [TOPO_KIND_PORT] = "lllllll",
		[TOPO_KIND_ROUTER] = "llll", [TOPO_KIND_FLOW] = "lrlll", [TOPO_KIND_VM] = "lrrlll",
	};
	struct yc_table t;
	json_t *entry;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads[k->kind], align[k->kind]);
	json_array_foreach(res, i, entry) {
		json_t *full = yc_object_full(k, json_object_get(entry,
								  "object"));

		yc_list_row(&t, k, full, yc_status_cell(entry));
		json_decref(full);
	}
	yc_table_print(&t);
	return 0;
}

int
yc_print_get(const struct topo_kind_info *k, json_t *res)
{
	json_t *obj = json_object_get(res, "object"), *full, *v, *item;
	const char *key;
	size_t i;

	if (!json_is_object(obj)) {
		yc_bad_answer("no \"object\" in the result");
		return -EPROTO;
	}
	full = yc_object_full(k, obj);
	json_object_set(full, "status", json_object_get(res, "status"));
	if (json_object_get(res, "message") != NULL)
		json_object_set(full, "message", json_object_get(res, "message"));
	json_object_foreach(full, key, v) {
		bool nested = false;

		json_array_foreach(v, i, item)
			nested |= json_is_object(item) || json_is_array(item);
		printf("%s:", key);
		if (nested) {
			/* Lists of records read better one per line. */
			putchar('\n');
			json_array_foreach(v, i, item) {
				fputs("  - ", stdout);
				yc_yaml_value(stdout, item, true);
				putchar('\n');
			}
		} else {
			putchar(' ');
			yc_yaml_value(stdout, v, false);
			putchar('\n');
		}
	}
	json_decref(full);
	return 0;
}

/* ---- apply ---- */

int
yc_print_apply(json_t *res, bool dry_run)
{
	static const struct {
		const char *key, *done, *would;
		char mark;
	} lists[] = {
		{ "created", "created", "create", '+' },
		{ "updated", "updated", "update", '~' },
		{ "deleted", "deleted", "delete", '-' },
	};
	json_t *unchanged = json_object_get(res, "unchanged");
	json_t *gen = json_object_get(res, "generation"), *v;
	size_t n[3], i;

	if (!json_is_integer(unchanged)) {
		yc_bad_answer("no \"unchanged\" count in the result");
		return -EPROTO;
	}
	for (unsigned int l = 0; l < 3; l++)
		n[l] = json_array_size(json_object_get(res, lists[l].key));
	if (dry_run) {
		printf("would create %zu, update %zu, delete %zu, leave %"
		       JSON_INTEGER_FORMAT " unchanged (dry run)\n", n[0], n[1],
		       n[2], json_integer_value(unchanged));
	} else {
		printf("created %zu, updated %zu, deleted %zu, unchanged %"
		       JSON_INTEGER_FORMAT, n[0], n[1], n[2],
		       json_integer_value(unchanged));
		if (json_is_integer(gen))
			printf(" (generation %" JSON_INTEGER_FORMAT ")",
			       json_integer_value(gen));
		putchar('\n');
	}
	for (unsigned int l = 0; l < 3; l++)
		json_array_foreach(json_object_get(res, lists[l].key), i, v)
			printf("%c %s\n", lists[l].mark, yc_str(v));
	return 0;
}

/* ---- stats, fdb ---- */

int
yc_print_stats_ports(json_t *res)
{
	static const char *const heads[] = {
		"NAME", "RX_PKTS", "RX_BYTES", "TX_PKTS", "TX_BYTES", "DROPS",
		"TX_DROPS", "LINK", NULL,
	};
	struct yc_table t;
	json_t *p, *s;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of ports was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lrrrrrrl");
	json_array_foreach(res, i, p) {
		s = json_object_get(p, "stats");
		yc_table_add(&t, yc_cell(json_object_get(p, "name")),
			     yc_cell(json_object_get(s, "rx_packets")),
			     yc_cell(json_object_get(s, "rx_bytes")),
			     yc_cell(json_object_get(s, "tx_packets")),
			     yc_cell(json_object_get(s, "tx_bytes")),
			     yc_cell(json_object_get(s, "drops")),
			     yc_cell(json_object_get(s, "tx_drops")),
			     yc_cell(json_object_get(p, "link")));
	}
	yc_table_print(&t);
	return 0;
}

/* A rate for people: 950, 12.3k, 4.56M, 1.20G. */
static char *
yc_rate_cell(json_t *v)
{
	static const char units[] = " kMGT";
	double x = json_number_value(v);
	unsigned int u = 0;

	if (!json_is_number(v))
		return yc_fmt("-");
	while (x >= 1000 && u + 1 < sizeof(units) - 1) {
		x /= 1000;
		u++;
	}
	if (u == 0)
		return yc_fmt("%.0f", x);
	return yc_fmt("%.*f%c", x < 10 ? 2 : x < 100 ? 1 : 0, x, units[u]);
}

void
yc_print_top_ports(json_t *rates)
{
	static const char *const heads[] = {
		"PORT", "NETWORK", "RX_PPS", "RX_BIT/S", "TX_PPS", "TX_BIT/S",
		"DROPS/S", "TX_DROPS/S", "DROPS", "LINK", NULL,
	};
	struct yc_table t;
	json_t *p;
	size_t i;

	yc_table_init(&t, heads, "llrrrrrrrl");
	json_array_foreach(rates, i, p)
		yc_table_add(&t, yc_cell(json_object_get(p, "name")),
			     yc_cell(json_object_get(p, "network")),
			     yc_rate_cell(json_object_get(p, "rx_pps")),
			     yc_rate_cell(json_object_get(p, "rx_bps")),
			     yc_rate_cell(json_object_get(p, "tx_pps")),
			     yc_rate_cell(json_object_get(p, "tx_bps")),
			     yc_rate_cell(json_object_get(p, "drops_ps")),
			     yc_rate_cell(json_object_get(p, "tx_drops_ps")),
			     yc_cell(json_object_get(p, "drops")),
			     yc_cell(json_object_get(p, "link")));
	yc_table_print(&t);
}

/* A ratio with one decimal; "-" when it is not a number. */
static char *
yc_ratio_cell(json_t *v)
{
	if (!json_is_number(v))
		return yc_fmt("-");
	return yc_fmt("%.1f", json_number_value(v));
}

int
yc_print_stats_nodes(json_t *res)
{
	static const char *const heads[] = {
		"NODE", "PACKETS", "CALLS", "PKTS/CALL", "CYCLES/PKT", NULL,
	};
	struct yc_table t;
	json_t *n;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of nodes was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lrrrr");
	json_array_foreach(res, i, n)
		yc_table_add(&t, yc_cell(json_object_get(n, "node")),
			     yc_cell(json_object_get(n, "packets")),
			     yc_cell(json_object_get(n, "calls")),
			     yc_ratio_cell(json_object_get(n, "packets_per_call")),
			     yc_ratio_cell(json_object_get(n, "cycles_per_packet")));
	yc_table_print(&t);
	return 0;
}

void
yc_print_top_nodes(json_t *rates)
{
	static const char *const heads[] = {
		"NODE", "PKTS/S", "PKTS/CALL", "CYCLES/PKT", NULL,
	};
	struct yc_table t;
	json_t *n;
	size_t i;

	yc_table_init(&t, heads, "lrrr");
	json_array_foreach(rates, i, n)
		yc_table_add(&t, yc_cell(json_object_get(n, "node")),
			     yc_rate_cell(json_object_get(n, "pps")),
			     yc_ratio_cell(json_object_get(n, "packets_per_call")),
			     yc_ratio_cell(json_object_get(n, "cycles_per_packet")));
	yc_table_print(&t);
}

int
yc_print_stats_drops(json_t *res, bool all)
{
	static const char *const heads[] = { "REASON", "COUNT", NULL };
	struct yc_table t;
	const char *reason;
	json_t *count;

	if (!json_is_object(res)) {
		yc_bad_answer("an object of drop counters was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lr");
	json_object_foreach(res, reason, count)
		if (all || !json_is_integer(count) ||
		    json_integer_value(count) != 0)
			yc_table_add(&t, yc_fmt("%s", reason), yc_cell(count));
	yc_table_print(&t);
	return 0;
}

int
yc_print_fdb(json_t *res)
{
	static const char *const heads[] = {
		"NETWORK", "MAC", "PORT", "STATIC", "AGE", NULL,
	};
	struct yc_table t;
	json_t *e;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of FDB entries was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "llllr");
	json_array_foreach(res, i, e) {
		json_t *st = json_object_get(e, "static");

		yc_table_add(&t, yc_cell(json_object_get(e, "network")),
			     yc_cell(json_object_get(e, "mac")),
			     yc_cell(json_object_get(e, "port")),
			     yc_fmt("%s", !json_is_boolean(st) ? "-" :
				    json_is_true(st) ? "yes" : "no"),
			     yc_cell(json_object_get(e, "age")));
	}
	yc_table_print(&t);
	return 0;
}

/* ---- Router, overlay and flow views ---- */

int
yc_print_neigh(json_t *res)
{
	static const char *const heads[] = {
		"ROUTER", "NETWORK", "IP", "MAC", "AGE", NULL,
	};
	struct yc_table t;
	json_t *e;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of neighbours was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "llllr");
	json_array_foreach(res, i, e)
		yc_table_add(&t, yc_cell(json_object_get(e, "router")),
			     yc_cell(json_object_get(e, "network")),
			     yc_cell(json_object_get(e, "ip")),
			     yc_cell(json_object_get(e, "mac")),
			     yc_cell(json_object_get(e, "age")));
	yc_table_print(&t);
	return 0;
}

int
yc_print_vteps(json_t *res)
{
	static const char *const heads[] = {
		"VTEP", "RESOLVED", "RX_PKTS", "RX_BYTES", "TX_PKTS",
		"TX_BYTES", "INNER_MTU", "VNIS", NULL,
	};
	struct yc_table t;
	json_t *e, *r, *vnis, *v;
	size_t i, j;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of VTEPs was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "llrrrrrl");
	json_array_foreach(res, i, e) {
		char list[160] = "";
		size_t len = 0;

		vnis = json_object_get(e, "vnis");
		json_array_foreach(vnis, j, v)
			if (len < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len,
							"%s%" JSON_INTEGER_FORMAT,
							j ? "," : "",
							json_integer_value(v));
		r = json_object_get(e, "resolved");
		yc_table_add(&t, yc_cell(json_object_get(e, "vtep")),
			     yc_fmt("%s", !json_is_boolean(r) ? "-" :
				    json_is_true(r) ? "yes" : "no"),
			     yc_cell(json_object_get(e, "rx_packets")),
			     yc_cell(json_object_get(e, "rx_bytes")),
			     yc_cell(json_object_get(e, "tx_packets")),
			     yc_cell(json_object_get(e, "tx_bytes")),
			     yc_cell(json_object_get(e, "inner_mtu")),
			     yc_fmt("%s", len ? list : "-"));
	}
	yc_table_print(&t);
	return 0;
}

int
yc_print_flow_stats(json_t *res)
{
	static const char *const heads[] = {
		"NAME", "PRIORITY", "ACTION", "PACKETS", "BYTES", NULL,
	};
	struct yc_table t;
	json_t *f;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of flow rules was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lrlrr");
	json_array_foreach(res, i, f)
		yc_table_add(&t, yc_cell(json_object_get(f, "name")),
			     yc_cell(json_object_get(f, "priority")),
			     yc_flow_action_cell(f),
			     yc_cell(json_object_get(f, "packets")),
			     yc_cell(json_object_get(f, "bytes")));
	yc_table_print(&t);
	return 0;
}

int
yc_print_flow_list(json_t *res)
{
	static const char *const heads[] = {
		"NAME", "PRIORITY", "NETWORK", "MATCH", "ACTION", "PACKETS",
		"BYTES", "STATUS", NULL,
	};
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	struct yc_table t;
	json_t *e;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of flows was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lrlllrrl");
	json_array_foreach(res, i, e) {
		json_t *o = yc_object_full(k, json_object_get(e, "object"));
		json_t *match = json_object_get(o, "match");

		yc_table_add(&t, yc_cell(json_object_get(o, "name")),
			     yc_cell(json_object_get(o, "priority")),
			     yc_cell(json_object_get(o, "network")),
			     json_object_size(match) == 0 ? yc_fmt("any") :
			     yc_cell(match),
			     yc_flow_action_cell(o),
			     yc_cell(json_object_get(e, "packets")),
			     yc_cell(json_object_get(e, "bytes")),
			     yc_status_cell(e));
		json_decref(o);
	}
	yc_table_print(&t);
	return 0;
}

int
yc_print_router_stats(json_t *res)
{
	static const char *const heads[] = { "COUNTER", "VALUE", NULL };
	struct yc_table t;
	const char *name;
	json_t *v;

	if (!json_is_object(res)) {
		yc_bad_answer("an object of router counters was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lr");
	json_object_foreach(res, name, v)
		yc_table_add(&t, yc_fmt("%s", name), yc_cell(v));
	yc_table_print(&t);
	return 0;
}

/* ---- router list|show, route list|get ---- */

/* "76.1M": bytes for people. */
static char *
yc_bytes(json_t *v)
{
	double b;

	if (!json_is_integer(v))
		return yc_fmt("-");
	b = (double)json_integer_value(v);
	if (b >= 1024.0 * 1024 * 1024)
		return yc_fmt("%.1fG", b / (1024.0 * 1024 * 1024));
	if (b >= 1024.0 * 1024)
		return yc_fmt("%.1fM", b / (1024.0 * 1024));
	return yc_fmt("%.1fK", b / 1024.0);
}

int
yc_print_routers(json_t *res)
{
	static const char *const heads[] = {
		"NAME", "INTERFACES", "ROUTES", "NEIGHBORS", "MEMORY", "STATUS",
		NULL,
	};
	struct yc_table t;
	json_t *e;
	size_t i;

	if (!json_is_array(res)) {
		yc_bad_answer("a list of routers was expected");
		return -EPROTO;
	}
	yc_table_init(&t, heads, "lrrrrl");
	json_array_foreach(res, i, e) {
		json_t *fib = json_object_get(e, "fib");

		yc_table_add(&t, yc_cell(json_object_get(e, "name")),
			     yc_fmt("%zu", json_array_size(json_object_get(
				     e, "interfaces"))),
			     yc_cell(json_object_get(e, "route_count")),
			     yc_cell(json_object_get(fib, "neighbors")),
			     yc_bytes(json_object_get(fib, "memory")),
			     yc_status_cell(e));
	}
	yc_table_print(&t);
	return 0;
}

int
yc_print_router_show(json_t *e)
{
	static const char *const heads[] = { "NETWORK", "ADDRESS", "MAC", NULL };
	json_t *fib = json_object_get(e, "fib"), *ifc, *stored, *dp;
	struct yc_table t;
	char *s;
	size_t i;

	if (!json_is_object(e)) {
		yc_bad_answer("a router was expected");
		return -EPROTO;
	}
	s = yc_cell(json_object_get(e, "name"));
	printf("router %s\n", s);
	free(s);
	s = yc_status_cell(e);
	printf("  status:     %s\n", s);
	free(s);
	stored = json_object_get(e, "route_count");
	dp = json_object_get(fib, "route_count");
	printf("  routes:     %lld stored", (long long)json_integer_value(stored));
	if (fib != NULL)
		printf(", %lld in the dataplane (%s)",
		       (long long)json_integer_value(dp),
		       json_equal(json_object_get(fib, "route_digest"),
				  json_object_get(e, "route_digest")) ?
		       "the same" : "differ: being synced");
	putchar('\n');
	if (fib != NULL) {
		s = yc_bytes(json_object_get(fib, "memory"));
		printf("  fib:        %lld rules (static, connected, local); "
		       "%lld of %lld tbl8 groups used; %s\n",
		       (long long)json_integer_value(json_object_get(fib, "rules")),
		       (long long)json_integer_value(json_object_get(fib, "tbl8_groups")),
		       (long long)json_integer_value(json_object_get(fib, "tbl8_capacity")),
		       s);
		free(s);
		printf("  neighbors:  %lld\n", (long long)json_integer_value(
			json_object_get(fib, "neighbors")));
	} else {
		printf("  fib:        - (the dataplane is not connected)\n");
	}
	printf("  interfaces:\n");
	yc_table_init(&t, heads, "lll");
	json_array_foreach(json_object_get(e, "interfaces"), i, ifc)
		yc_table_add(&t, yc_cell(json_object_get(ifc, "network")),
			     yc_cell(json_object_get(ifc, "address")),
			     yc_cell(json_object_get(ifc, "mac")));
	yc_table_print(&t);
	return 0;
}

void
yc_print_routes(json_t *routes, bool head)
{
	json_t *e;
	size_t i;

	/* Fixed widths: a long list is printed page by page as it comes. */
	if (head)
		printf("%-18s  %s\n", "PREFIX", "VIA");
	json_array_foreach(routes, i, e) {
		char *p = yc_cell(json_object_get(e, "prefix"));
		char *v = yc_cell(json_object_get(e, "via"));

		printf("%-18s  %s\n", p, v);
		free(p);
		free(v);
	}
}

int
yc_print_route_get(json_t *res)
{
	static const char *const heads[] = {
		"MEMBER", "VIA", "NETWORK", "NEIGHBOR", "MAC", "AGE", NULL,
	};
	json_t *member = json_object_get(res, "member"), *v;
	struct yc_table t;
	char *ip, *pfx, *kind;
	size_t i;

	if (!json_is_object(res)) {
		yc_bad_answer("a route was expected");
		return -EPROTO;
	}
	ip = yc_cell(json_object_get(res, "ip"));
	pfx = yc_cell(json_object_get(res, "prefix"));
	kind = yc_cell(json_object_get(res, "kind"));
	printf("%s: %s (%s)\n", ip, pfx, kind);
	free(ip);
	free(pfx);
	free(kind);
	yc_table_init(&t, heads, "llllll");
	json_array_foreach(json_object_get(res, "via"), i, v) {
		json_t *n = json_object_get(v, "neighbor");
		bool chosen = json_is_integer(member) &&
			      (size_t)json_integer_value(member) == i;

		yc_table_add(&t, yc_fmt("%zu%s", i, chosen ? " *" : ""),
			     yc_cell(json_object_get(v, "ip")),
			     yc_cell(json_object_get(v, "network")),
			     yc_cell(json_object_get(n, "state")),
			     yc_cell(json_object_get(n, "mac")),
			     yc_cell(json_object_get(n, "age")));
	}
	yc_table_print(&t);
	if (json_is_integer(member))
		printf("* the member this flow takes\n");
	return 0;
}

/* ---- status ---- */

/* "17", or "networks 2, ports 3" when yardd counts per kind. */
static char *
yc_objects_text(json_t *v)
{
	struct yc_buf b;
	const char *key;
	json_t *n;
	bool first = true;

	if (!json_is_object(v))
		return yc_cell(v);
	yc_buf_begin(&b);
	json_object_foreach(v, key, n) {
		char *c = yc_cell(n);

		fprintf(b.f, "%s%s %s", first ? "" : ", ", key, c);
		free(c);
		first = false;
	}
	return yc_buf_end(&b);
}

int
yc_print_status(json_t *res, const char *socket)
{
	json_t *store = json_object_get(res, "store");
	json_t *dp = json_object_get(res, "dataplane");
	char *version, *path, *gen, *objects, *dsock, *resyncs, *ops;

	if (!json_is_object(res)) {
		yc_bad_answer("an object was expected");
		return -EPROTO;
	}
	version = yc_cell(json_object_get(res, "version"));
	path = yc_cell(json_object_get(store, "path"));
	gen = yc_cell(json_object_get(store, "generation"));
	objects = yc_objects_text(json_object_get(store, "objects"));
	dsock = yc_cell(json_object_get(dp, "socket"));
	resyncs = yc_cell(json_object_get(dp, "resyncs"));
	ops = yc_cell(json_object_get(dp, "last_sync_ops"));

	printf("yardd:      version %s, listening on %s\n", version, socket);
	printf("store:      %s, generation %s, objects: %s\n", path, gen,
	       objects);
	printf("dataplane:  %s %s\n",
	       json_is_true(json_object_get(dp, "connected")) ?
	       "connected to" : "NOT connected, waiting on", dsock);
	printf("resyncs:    %s (the last one sent %s operations)\n", resyncs,
	       ops);
	free(version);
	free(path);
	free(gen);
	free(objects);
	free(dsock);
	free(resyncs);
	free(ops);
	return 0;
}
