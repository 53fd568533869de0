/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The router's FIB against a simple reference: random static routes are
 * set, some removed again through the same rt_router_set() the topology
 * uses, then more removed and added route by route (rt_routes_del(),
 * rt_routes_add(), as route.del and route.add do), and 1,000,000 random
 * destinations are looked up in both (longest prefix, its gateways) after
 * each step. A second test loads 1,000,000 routes in batches, changes one,
 * and deletes them all again. In-memory EAL: no root, no hugepages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dataplane.h"
#include "router.h"
#include "rt_priv.h"
#include "switch.h"
#include "topology.h"

#define N_ROUTES 2000
#define N_LOOKUPS 1000000
#define N_GW 5

struct ref_route {
	uint32_t prefix;	/* Host order, host bits zero. */
	uint8_t plen;
	uint8_t gw;		/* Index in gws[]. */
	bool live;
};

/* The switch comes after the port module, which lives in app/. */
static struct dp_module port_stub = { .name = "port" };
DP_MODULE_REGISTER(port_stub);

static struct ref_route ref[N_ROUTES];
static const uint32_t gws[N_GW] = {
	0x0a000002, 0x0a000003, 0x0a000004, 0x0a000005, 0x0a000006,
};

/* A small deterministic generator: runs are reproducible. */
static uint64_t seed = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed >> 11);
}

static uint32_t
mask_of(uint8_t plen)
{
	return plen == 0 ? 0 : ~UINT32_C(0) << (32 - plen);
}

/* The longest live route holding `ip`, by a scan: slow and obvious. */
static int
ref_lookup(uint32_t ip)
{
	int best = -1;

	for (int i = 0; i < N_ROUTES; i++)
		if (ref[i].live && (ip & mask_of(ref[i].plen)) == ref[i].prefix &&
		    (best < 0 || ref[i].plen > ref[best].plen))
			best = i;
	return best;
}

static void
router_load(struct topo_router *tr)
{
	char why[256] = "";
	unsigned int n = 0;

	for (int i = 0; i < N_ROUTES; i++) {
		if (!ref[i].live)
			continue;
		tr->routes[n].prefix.addr = rte_cpu_to_be_32(ref[i].prefix);
		tr->routes[n].prefix.plen = ref[i].plen;
		tr->routes[n].via[0] = rte_cpu_to_be_32(gws[ref[i].gw]);
		tr->routes[n].n_via = 1;
		n++;
	}
	tr->n_routes = n;
	assert_int_equal(rt_router_set(tr, why, sizeof(why)), 0);
}

/*
 * 1,000,000 random destinations looked up in router `r` and in the
 * reference. Random destinations hit few of the routes: most are drawn
 * under a random route's prefix.
 */
static void
lookups_check(int r)
{
	unsigned int mismatches = 0, hits = 0;
	struct rt_route_hit hit;
	uint32_t h;

	for (int n = 0; n < N_LOOKUPS; n++) {
		const struct ref_route *base = &ref[rnd() % N_ROUTES];
		uint32_t ip = n % 4 == 0 ? rnd() :
			base->prefix | (rnd() & ~mask_of(base->plen));
		int want = ref_lookup(ip);
		int got = rt_route_lookup((unsigned int)r, rte_cpu_to_be_32(ip), &hit);

		if ((ip >> 24) == 10) {
			mismatches += got != 0 || !(hit.connected || hit.local);
			continue;
		}
		if (want < 0) {
			mismatches += got != -ENETUNREACH;
			continue;
		}
		hits++;
		mismatches += got != 0 || hit.n_via != 1 ||
			      hit.via[0] != rte_cpu_to_be_32(gws[ref[want].gw]) ||
			      hit.plen != ref[want].plen ||
			      hit.prefix != rte_cpu_to_be_32(ref[want].prefix);
		/* And through the look-up the workers call. */
		mismatches += rte_lpm_lookup(rt_routers[r]->lpm, ip, &h) != 0 ||
			      rt_nhgs[h] == NULL ||
			      rt_nhgs[h]->nh[0].gw != rte_cpu_to_be_32(gws[ref[want].gw]);
	}
	print_message("fib: %d lookups, %u matched a route, %u mismatches\n",
		      N_LOOKUPS, hits, mismatches);
	assert_int_equal(mismatches, 0);
	assert_true(hits > N_LOOKUPS / 4);
}

static void
test_fib_reference(void **state)
{
	struct topo_router_iface ifc = {
		.network = "n1",
		.address = { .addr = RTE_BE32(0x0a000001), .plen = 8 },
	};
	struct topo_router tr = { .name = "r1", .ifaces = &ifc, .n_ifaces = 1 };
	struct rt_router_info info;
	char why[256] = "";
	int r;

	(void)state;
	tr.routes = calloc(N_ROUTES, sizeof(*tr.routes));
	assert_non_null(tr.routes);
	/* Distinct prefixes outside the connected 10.0.0.0/8. */
	for (int i = 0; i < N_ROUTES; i++) {
		bool dup;

		do {
			ref[i].plen = (uint8_t)(1 + rnd() % 32);
			ref[i].prefix = rnd() & mask_of(ref[i].plen);
			dup = (ref[i].prefix >> 24) == 10 || ref[i].plen < 9;
			for (int k = 0; k < i && !dup; k++)
				dup = ref[k].plen == ref[i].plen &&
				      ref[k].prefix == ref[i].prefix;
		} while (dup);
		ref[i].gw = (uint8_t)(rnd() % N_GW);
		ref[i].live = true;
	}
	router_load(&tr);
	/* Remove a third, re-point a tenth: route by route, not a reload. */
	for (int i = 0; i < N_ROUTES; i++) {
		if (rnd() % 3 == 0)
			ref[i].live = false;
		else if (rnd() % 10 == 0)
			ref[i].gw = (uint8_t)((ref[i].gw + 1) % N_GW);
	}
	router_load(&tr);
	r = rt_router_find("r1");
	assert_true(r >= 0);

	lookups_check(r);

	/* Route by route: delete a third of the live ones, add new ones. */
	for (int i = 0; i < N_ROUTES; i++) {
		struct topo_prefix p = { .addr = rte_cpu_to_be_32(ref[i].prefix),
					 .plen = ref[i].plen };

		if (ref[i].live && rnd() % 3 == 0) {
			assert_int_equal(rt_routes_del("r1", &p, 1, NULL), 0);
			ref[i].live = false;
		} else if (!ref[i].live && rnd() % 2 == 0) {
			struct topo_route rt = { .prefix = p, .n_via = 1 };

			ref[i].gw = (uint8_t)(rnd() % N_GW);
			rt.via[0] = rte_cpu_to_be_32(gws[ref[i].gw]);
			assert_int_equal(rt_routes_add("r1", &rt, 1, NULL, why,
						       sizeof(why)), 0);
			ref[i].live = true;
		}
	}
	lookups_check(r);
	/*
	 * Everything out: the tbl8 groups of the long prefixes come back,
	 * but for the one of the router's own /32.
	 */
	for (int i = 0; i < N_ROUTES; i++)
		ref[i].live = false;
	router_load(&tr);
	assert_int_equal(rt_router_get((unsigned int)r, &info), 0);
	assert_int_equal(info.n_routes, 0);
	assert_int_equal(info.tbl8_groups, 1);
	assert_int_equal(info.digest, 0);
	assert_int_equal(rt_router_del("r1"), 0);
	free(tr.routes);
}

#define N_BULK 1000000
#define BULK_BATCH 50000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The i-th bulk route: 32.0.0.0/24 onward (N_BULK of them), as the bench. */
static struct topo_prefix
bulk_prefix(unsigned int i)
{
	struct topo_prefix p = {
		.addr = rte_cpu_to_be_32(0x20000000u + (i << 8)), .plen = 24,
	};

	return p;
}

static void
test_fib_bulk(void **state)
{
	struct topo_router_iface ifc = {
		.network = "n1",
		.address = { .addr = RTE_BE32(0x0a000001), .plen = 8 },
	};
	struct topo_router tr = { .name = "r2", .ifaces = &ifc, .n_ifaces = 1 };
	struct topo_route *rts = calloc(BULK_BATCH, sizeof(*rts));
	struct topo_prefix *pfx = calloc(BULK_BATCH, sizeof(*pfx));
	struct topo_route one = { .n_via = 1 };
	struct rt_router_info info;
	struct rt_route_hit hit;
	unsigned int miss = 0;
	char why[256] = "";
	double t0, t_load, t_one, t_del;
	int r;

	(void)state;
	assert_non_null(rts);
	assert_non_null(pfx);
	assert_int_equal(rt_router_set(&tr, why, sizeof(why)), 0);
	r = rt_router_find("r2");
	t0 = now_s();
	for (unsigned int b = 0; b < N_BULK; b += BULK_BATCH) {
		for (unsigned int i = 0; i < BULK_BATCH; i++) {
			rts[i].prefix = bulk_prefix(b + i);
			rts[i].via[0] = RTE_BE32(0x0a000002 + (i & 1));
			rts[i].n_via = 1;
		}
		assert_int_equal(rt_routes_add("r2", rts, BULK_BATCH, NULL, why,
					       sizeof(why)), 0);
	}
	t_load = now_s() - t0;
	assert_int_equal(rt_router_get((unsigned int)r, &info), 0);
	assert_int_equal(info.n_routes, N_BULK);
	/* A sample: each hits its own /24 and its gateway. */
	for (unsigned int k = 0; k < 100000; k++) {
		unsigned int i = rnd() % N_BULK;
		uint32_t ip = 0x20000000u + (i << 8) + (rnd() & 0xff);

		miss += rt_route_lookup((unsigned int)r, rte_cpu_to_be_32(ip),
					&hit) != 0 || hit.plen != 24 ||
			hit.via[0] != RTE_BE32(0x0a000002 + (i % BULK_BATCH & 1));
	}
	assert_int_equal(miss, 0);
	/* One more route, then gone again: the cost of one change. */
	t0 = now_s();
	one.prefix = (struct topo_prefix){ .addr = RTE_BE32(0x1f000000), .plen = 25 };
	one.via[0] = RTE_BE32(0x0a000004);
	assert_int_equal(rt_routes_add("r2", &one, 1, NULL, why, sizeof(why)), 0);
	assert_int_equal(rt_route_lookup((unsigned int)r, RTE_BE32(0x1f000001),
					 &hit), 0);
	assert_int_equal(hit.via[0], RTE_BE32(0x0a000004));
	assert_int_equal(rt_routes_del("r2", &one.prefix, 1, NULL), 0);
	t_one = now_s() - t0;
	assert_int_equal(rt_route_lookup((unsigned int)r, RTE_BE32(0x1f000001),
					 &hit), -ENETUNREACH);
	t0 = now_s();
	for (unsigned int b = 0; b < N_BULK; b += BULK_BATCH) {
		for (unsigned int i = 0; i < BULK_BATCH; i++)
			pfx[i] = bulk_prefix(b + i);
		assert_int_equal(rt_routes_del("r2", pfx, BULK_BATCH, NULL), 0);
	}
	t_del = now_s() - t0;
	print_message("fib: %u routes loaded in %.2f s, deleted in %.2f s; one "
		      "add+del %.3f ms; %zu MB of FIB at %u routes\n", N_BULK,
		      t_load, t_del, t_one * 1e3, info.memory >> 20, info.n_routes);
	assert_int_equal(rt_router_get((unsigned int)r, &info), 0);
	assert_int_equal(info.n_routes, 0);
	assert_int_equal(info.n_rules, 2);	/* The connected /8 and the /32. */
	assert_int_equal(rt_route_lookup((unsigned int)r, RTE_BE32(0x20000001),
					 &hit), -ENETUNREACH);
	assert_int_equal(rt_router_del("r2"), 0);
	free(rts);
	free(pfx);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fib_reference),
		cmocka_unit_test(test_fib_bulk),
	};
	struct dp_config cfg = { .n_workers = 1, .launch = false, .n_mbufs = 1023 };
	struct sw_network_conf net = { .name = "n1", .mac_limit = 64 };
	char *extra[] = { (char *)"--log-level=*:error" };
	char prefix[64], why[256];
	bool no_huge;
	int ret;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "yard-test-fib-%d", (int)getpid());
	if (dp_eal_init(argv[0], prefix, 0, NULL, true, 1, extra, &no_huge) < 0 ||
	    dp_modules_param("fdb-size", "4096", why, sizeof(why)) < 0 ||
	    dp_init(&cfg) < 0 || sw_network_set(&net) < 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	dp_fini();
	dp_eal_fini();
	return ret;
}
