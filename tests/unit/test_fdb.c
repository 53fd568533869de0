/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FDB and the switch's tables, on a real in-memory EAL (no root, no
 * hugepages): learning from queued events, moves, mac_limit, ageing,
 * static entries, isolation between networks, membership checks.
 * Ports here are bare indices: the switch's tables do not need an ethdev.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>

#include "sw_priv.h"

static const struct rte_ether_addr mac_a = {{ 0x52, 0x54, 0, 0, 0, 0x0a }};
static const struct rte_ether_addr mac_b = {{ 0x52, 0x54, 0, 0, 0, 0x0b }};
static const struct rte_ether_addr mac_c = {{ 0x52, 0x54, 0, 0, 0, 0x0c }};

static int blue, red;

/* The switch comes after the port module, which lives in the programs. */
static struct dp_module port_stub = { .name = "port" };
DP_MODULE_REGISTER(port_stub);

static void
learn(int bd, const struct rte_ether_addr *mac, uint16_t port)
{
	struct sw_learn_event ev = { .port = port };

	ev.key.bd = (uint16_t)bd;
	memcpy(ev.key.mac, mac->addr_bytes, 6);
	assert_int_equal(rte_ring_mp_enqueue_elem(sw_learn_ring, &ev,
						  sizeof(ev)), 0);
	assert_int_equal(sw_learn_drain(), 1);
}

struct find {
	int bd;
	const struct rte_ether_addr *mac;
	struct sw_fdb_row row;
	bool found;
};

static int
find_cb(const struct sw_fdb_row *row, void *arg)
{
	struct find *f = arg;

	if (row->network == f->bd && rte_is_same_ether_addr(&row->mac, f->mac)) {
		f->row = *row;
		f->found = true;
		return 1;
	}
	return 0;
}

/* The port an entry points to, or -1 when there is none. */
static int
fdb_port(int bd, const struct rte_ether_addr *mac)
{
	struct find f = { .bd = bd, .mac = mac };

	sw_fdb_walk(bd, find_cb, &f);
	return f.found ? f.row.port : -1;
}

static void
network(const char *name, uint32_t limit, uint32_t ageing, int *bd)
{
	struct sw_network_conf c = { .mac_limit = limit, .ageing = ageing };

	snprintf(c.name, sizeof(c.name), "%s", name);
	*bd = sw_network_set(&c);
	assert_true(*bd >= 0);
}

static void
access_port(uint16_t port, const char *net)
{
	struct sw_port_conf c = { 0 };
	char why[128];

	snprintf(c.network, sizeof(c.network), "%s", net);
	assert_int_equal(sw_port_set(port, &c, why, sizeof(why)), 0);
}

static int
setup(void **state)
{
	(void)state;
	network("blue", 3, 10, &blue);
	network("red", 100, 0, &red);
	access_port(0, "blue");
	access_port(1, "blue");
	access_port(2, "red");
	access_port(3, "red");
	dp_clock_set(1000);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (uint16_t p = 0; p < 8; p++)
		sw_port_clear(p);
	assert_int_equal(sw_network_del("blue"), 0);
	assert_int_equal(sw_network_del("red"), 0);
	return 0;
}

static void
test_learn_and_move(void **state)
{
	struct sw_network_info info;

	(void)state;
	assert_int_equal(fdb_port(blue, &mac_a), -1);
	learn(blue, &mac_a, 0);
	assert_int_equal(fdb_port(blue, &mac_a), 0);
	/* The same event again changes nothing. */
	learn(blue, &mac_a, 0);
	assert_int_equal(sw_network_get((uint16_t)blue, &info), 0);
	assert_int_equal(info.n_learned, 1);
	assert_int_equal(info.moves, 0);
	/* Seen on port 1: the entry moves. */
	learn(blue, &mac_a, 1);
	assert_int_equal(fdb_port(blue, &mac_a), 1);
	assert_int_equal(sw_network_get((uint16_t)blue, &info), 0);
	assert_int_equal(info.n_learned, 1);
	assert_int_equal(info.moves, 1);
}

static void
test_isolation(void **state)
{
	(void)state;
	learn(blue, &mac_a, 0);
	assert_int_equal(fdb_port(red, &mac_a), -1);
	learn(red, &mac_a, 3);
	assert_int_equal(fdb_port(red, &mac_a), 3);
	assert_int_equal(fdb_port(blue, &mac_a), 0);
	/* A port that is not in the network cannot be learned in it. */
	learn(blue, &mac_b, 2);
	assert_int_equal(fdb_port(blue, &mac_b), -1);
	/* Neither can a network that does not exist. */
	learn(SW_NETWORKS_MAX - 1, &mac_b, 0);
	assert_int_equal(fdb_port(SW_NETWORKS_MAX - 1, &mac_b), -1);
}

static void
test_mac_limit(void **state)
{
	struct rte_ether_addr m = mac_a;
	struct sw_network_info info;
	struct sw_stats st;

	(void)state;
	sw_stats_get(&st);
	for (int i = 0; i < 5; i++) {
		m.addr_bytes[5] = (uint8_t)(0x40 + i);
		learn(blue, &m, 0);
	}
	assert_int_equal(sw_network_get((uint16_t)blue, &info), 0);
	assert_int_equal(info.n_learned, 3);
	assert_int_equal(info.learn_refused, 2);
	m.addr_bytes[5] = 0x44;
	assert_int_equal(fdb_port(blue, &m), -1);
	/* Static entries do not count against the limit. */
	assert_int_equal(sw_fdb_static_add((uint16_t)blue, &mac_c, 1), 0);
	assert_int_equal(fdb_port(blue, &mac_c), 1);
	/* Flushing frees room: learning resumes. */
	assert_int_equal(sw_fdb_flush(blue, DP_PORT_NONE, false), 3);
	learn(blue, &m, 0);
	assert_int_equal(fdb_port(blue, &m), 0);
	sw_stats_get(&st);
	assert_true(st.learn_refused >= 2);
}

static void
test_ageing(void **state)
{
	(void)state;
	dp_clock_set(2000);
	learn(blue, &mac_a, 0);		/* blue ages after 10 s */
	learn(red, &mac_a, 2);		/* red never ages */
	dp_clock_set(2009);
	assert_int_equal(sw_fdb_age(), 0);
	assert_int_equal(fdb_port(blue, &mac_a), 0);
	dp_clock_set(2010);
	assert_int_equal(sw_fdb_age(), 1);
	assert_int_equal(fdb_port(blue, &mac_a), -1);
	dp_clock_set(999999);
	assert_int_equal(sw_fdb_age(), 0);
	assert_int_equal(fdb_port(red, &mac_a), 2);
}

static void
test_static(void **state)
{
	(void)state;
	assert_int_equal(sw_fdb_static_add((uint16_t)blue, &mac_b, 1), 0);
	/* Learning never moves a static entry. */
	learn(blue, &mac_b, 0);
	assert_int_equal(fdb_port(blue, &mac_b), 1);
	/* Nor does ageing remove it. */
	dp_clock_set(dp_clock_now() + 100000);
	sw_fdb_age();
	assert_int_equal(fdb_port(blue, &mac_b), 1);
	/* A port outside the network, or a multicast MAC, is refused. */
	assert_int_equal(sw_fdb_static_add((uint16_t)blue, &mac_c, 2), -EINVAL);
	assert_int_equal(sw_fdb_static_add((uint16_t)blue,
		&(struct rte_ether_addr){{ 1, 0, 0x5e, 0, 0, 1 }}, 1), -EINVAL);
	/* A flush without statics keeps it; a delete removes it. */
	assert_int_equal(sw_fdb_flush(-1, DP_PORT_NONE, false), 0);
	assert_int_equal(fdb_port(blue, &mac_b), 1);
	assert_int_equal(sw_fdb_del((uint16_t)blue, &mac_b), 0);
	assert_int_equal(fdb_port(blue, &mac_b), -1);
	assert_int_equal(sw_fdb_del((uint16_t)blue, &mac_b), -ENOENT);
}

static void
test_port_change_flushes(void **state)
{
	(void)state;
	learn(blue, &mac_a, 0);
	learn(blue, &mac_b, 1);
	/* Port 0 moves to red: what it learned in blue is gone. */
	access_port(0, "red");
	assert_int_equal(fdb_port(blue, &mac_a), -1);
	assert_int_equal(fdb_port(blue, &mac_b), 1);
	/* A network with ports cannot be deleted. */
	assert_int_equal(sw_network_del("red"), -EBUSY);
	access_port(0, "blue");
}

static void
test_trunk_conf(void **state)
{
	struct sw_trunk_vlan tv[2] = { { "blue", 100 }, { "red", 100 } };
	struct sw_port_conf c = { .trunk = tv, .n_trunk = 2 };
	struct sw_network_info info;
	char why[128] = "";

	(void)state;
	/* One VLAN carried twice is refused and says so. */
	assert_int_equal(sw_port_set(5, &c, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "vlan 100"));
	assert_false(sw_port_attached(5));
	tv[1].vlan = 200;
	assert_int_equal(sw_port_set(5, &c, why, sizeof(why)), 0);
	assert_int_equal(sw_ports[5]->bd_of_vlan[100], blue + 1);
	assert_int_equal(sw_ports[5]->bd_of_vlan[200], red + 1);
	assert_int_equal(sw_ports[5]->vlan_of_bd[red], 200);
	assert_true(sw_port_in_network(sw_ports[5], (uint16_t)blue));
	/* The trunk joins both flood lists. */
	assert_int_equal(sw_network_get((uint16_t)blue, &info), 0);
	assert_int_equal(info.n_ports, 3);
	/* An unknown network is named in the error. */
	snprintf(tv[1].network, sizeof(tv[1].network), "green");
	assert_int_equal(sw_port_set(6, &c, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "green"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_learn_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mac_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ageing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_change_flushes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_trunk_conf, setup, teardown),
	};
	struct dp_config cfg = { .n_workers = 1, .launch = false, .n_mbufs = 1023 };
	char *extra[] = { (char *)"--log-level=*:error" };
	char prefix[64], why[256];
	bool no_huge;
	int ret;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "yard-test-fdb-%d", (int)getpid());
	if (dp_eal_init(argv[0], prefix, 0, NULL, true, 1, extra,
			&no_huge) < 0)
		return 1;
	if (dp_modules_param("fdb-size", "4096", why, sizeof(why)) < 0 ||
	    dp_init(&cfg) < 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	dp_fini();
	dp_eal_fini();
	return ret;
}
