/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A module that lives only in this test plugs into the switch the way the
 * router, the overlay and the flow table do, without a line of switch/
 * knowing it: a node under l2-input for one destination MAC, an ingress
 * step between eth-input and l2-input switched on per network and per
 * port, and a flood listener. Frames go through the real graph on ring
 * ports (in-memory EAL: no root, no hugepages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "switch.h"

static const struct rte_ether_addr mac_a = {{ 0x52, 0x54, 0, 0, 0, 0x0a }};
static const struct rte_ether_addr mac_b = {{ 0x52, 0x54, 0, 0, 0, 0x0b }};
static const struct rte_ether_addr mac_own = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr mac_bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }};

/* ---- The test module: three nodes that count what reaches them ---- */

static uint64_t sink_frames, ingress_frames, listener_frames;
static uint16_t sink_bd;
static int sink_edge, ingress_edge, listener_edge;

static uint16_t
sink_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	     uint16_t n)
{
	RTE_SET_USED(graph);
	RTE_SET_USED(node);
	sink_frames += n;
	sink_bd = dp_meta(objs[0])->bd;
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

static struct rte_node_register sink_node = {
	.name = "test-sink",
	.process = sink_process,
};
RTE_NODE_REGISTER(sink_node);

static uint16_t
listener_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		 uint16_t n)
{
	RTE_SET_USED(graph);
	RTE_SET_USED(node);
	listener_frames += n;
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

static struct rte_node_register listener_node = {
	.name = "test-listener",
	.process = listener_process,
};
RTE_NODE_REGISTER(listener_node);

/* An ingress step: counts, then hands every frame on to l2-input. */
static uint16_t
ingress_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	RTE_SET_USED(objs);
	ingress_frames += n;
	rte_node_next_stream_move(graph, node, 0);
	return n;
}

static struct rte_node_register ingress_node = {
	.name = "test-ingress",
	.process = ingress_process,
	.nb_edges = 1,
	.next_nodes = { "l2-input" },
};
RTE_NODE_REGISTER(ingress_node);

static int
test_module_init(void)
{
	sink_edge = sw_l2_input_next_add("test-sink");
	ingress_edge = sw_ingress_next_add("test-ingress");
	listener_edge = sw_l2_flood_next_add("test-listener");
	return sink_edge < 0 ? sink_edge : ingress_edge < 0 ? ingress_edge :
	       listener_edge < 0 ? listener_edge : 0;
}

static const char *const test_deps[] = { "switch", NULL };

static struct dp_module test_module = {
	.name = "test-sink",
	.deps = test_deps,
	.init = test_module_init,
};
DP_MODULE_REGISTER(test_module);

/* The switch comes after the port module, which lives in the programs. */
static struct dp_module port_stub = { .name = "port" };
DP_MODULE_REGISTER(port_stub);

/* ---- Frames ---- */

static int port_a, port_b, blue;

/* Send `n` frames dst <- src into port `in`, walk the graph until through. */
static void
inject(int in, const struct rte_ether_addr *dst,
       const struct rte_ether_addr *src, unsigned int n)
{
	uint8_t frame[60] = { 0 };

	memcpy(frame, dst->addr_bytes, 6);
	memcpy(frame + 6, src->addr_bytes, 6);
	frame[12] = 0x88;	/* A local experimental ethertype. */
	frame[13] = 0xb5;
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pool);

		assert_non_null(m);
		assert_int_equal(rte_pktmbuf_append(m, sizeof(frame)) != NULL, 1);
		rte_memcpy(rte_pktmbuf_mtod(m, void *), frame, sizeof(frame));
		assert_int_equal(rte_ring_sp_enqueue(dp_ports[in].rx_ring, m), 0);
	}
	do {
		rte_graph_walk(dp_workers[0].graph);
		rte_rcu_qsbr_quiescent(dp_rcu, 0);
	} while (rte_ring_count(dp_ports[in].rx_ring) != 0 ||
		 dp_workers[0].last_rx != 0);
	dp_modules_tick();	/* Learning. */
}

/* Frames port `p` sent since the last call. */
static unsigned int
sent(int p)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_sc_dequeue(dp_ports[p].tx_ring, (void **)&m) == 0) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static uint64_t
drops(const char *reason)
{
	int r = dp_drop_reason_find(reason);

	assert_true(r > 0);
	return dp_workers[0].drops[r];
}

/* ---- Tests ---- */

static void
test_owned_mac(void **state)
{
	uint64_t conflicts = drops("static-mac-conflict");

	(void)state;
	assert_true(sink_edge > 0);
	assert_int_equal(sw_mac_owner_add((uint16_t)blue, &mac_own,
					  (uint16_t)sink_edge), 0);
	assert_int_equal(sw_mac_owner_add((uint16_t)blue, &mac_own,
					  (uint16_t)sink_edge), -EEXIST);
	sink_frames = 0;

	/* Learn both hosts, then three frames for the owned MAC. */
	inject(port_a, &mac_bcast, &mac_a, 1);
	inject(port_b, &mac_bcast, &mac_b, 1);
	sent(port_a);
	sent(port_b);
	inject(port_a, &mac_own, &mac_a, 3);
	assert_int_equal(sink_frames, 3);
	assert_int_equal(sink_bd, blue);
	assert_int_equal(sent(port_b), 0);
	/* Other unicast is still switched. */
	inject(port_a, &mac_b, &mac_a, 2);
	assert_int_equal(sent(port_b), 2);
	assert_int_equal(sink_frames, 3);
	/* Nobody may use the owned MAC as a source. */
	inject(port_b, &mac_a, &mac_own, 1);
	assert_int_equal(drops("static-mac-conflict"), conflicts + 1);
	assert_int_equal(sent(port_a), 0);

	/* Once given back, frames to it are flooded like any unknown MAC. */
	assert_int_equal(sw_mac_owner_del((uint16_t)blue, &mac_own), 0);
	inject(port_a, &mac_own, &mac_a, 2);
	assert_int_equal(sink_frames, 3);
	assert_int_equal(sent(port_b), 2);
}

static void
test_ingress_step(void **state)
{
	(void)state;
	assert_true(ingress_edge > 0);
	ingress_frames = 0;
	inject(port_a, &mac_b, &mac_a, 2);
	assert_int_equal(ingress_frames, 0);
	assert_int_equal(sent(port_b), 2);

	/* On for the network: frames take the step, then are switched. */
	assert_int_equal(sw_network_ingress_set((uint16_t)blue,
						(uint16_t)ingress_edge), 0);
	inject(port_a, &mac_b, &mac_a, 3);
	assert_int_equal(ingress_frames, 3);
	assert_int_equal(sent(port_b), 3);
	assert_int_equal(sw_network_ingress_set((uint16_t)blue, 0), 0);

	/* On for one port only. */
	assert_int_equal(sw_port_ingress_set((uint16_t)port_b,
					     (uint16_t)ingress_edge), 0);
	inject(port_a, &mac_b, &mac_a, 1);
	inject(port_b, &mac_a, &mac_b, 4);
	assert_int_equal(ingress_frames, 3 + 4);
	assert_int_equal(sent(port_a), 4);
	assert_int_equal(sent(port_b), 1);
	assert_int_equal(sw_port_ingress_set((uint16_t)port_b, 0), 0);
	inject(port_b, &mac_a, &mac_b, 1);
	assert_int_equal(ingress_frames, 7);
	sent(port_a);
}

static void
test_flood_listener(void **state)
{
	(void)state;
	listener_frames = 0;
	assert_int_equal(sw_flood_listener_add((uint16_t)blue,
					       (uint16_t)listener_edge), 0);
	inject(port_a, &mac_bcast, &mac_a, 2);
	assert_int_equal(listener_frames, 2);
	assert_int_equal(sent(port_b), 2);
	/* Known unicast is not flooded: the listener does not see it. */
	inject(port_a, &mac_b, &mac_a, 1);
	assert_int_equal(listener_frames, 2);
	sent(port_b);
	assert_int_equal(sw_flood_listener_del((uint16_t)blue,
					       (uint16_t)listener_edge), 0);
	inject(port_a, &mac_bcast, &mac_a, 1);
	assert_int_equal(listener_frames, 2);
	sent(port_b);
}

/* The control thread's packets leave through a worker's port-tx. */
static void
test_inject(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pool);

	(void)state;
	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 60));
	assert_int_equal(dp_port_tx_ctrl((uint16_t)port_b, m), 0);
	assert_true(dp_inject_pending());
	sent(port_b);
	rte_graph_walk(dp_workers[0].graph);
	assert_false(dp_inject_pending());
	assert_int_equal(dp_workers[0].last_inject, 1);
	assert_int_equal(sent(port_b), 1);
	assert_int_equal(sent(port_a), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owned_mac),
		cmocka_unit_test(test_ingress_step),
		cmocka_unit_test(test_flood_listener),
		cmocka_unit_test(test_inject),
	};
	struct dp_config cfg = { .n_workers = 1, .launch = false, .n_mbufs = 1023 };
	struct sw_network_conf net = { .name = "blue", .mac_limit = 64 };
	struct sw_port_conf l2 = { .network = "blue" };
	char *extra[] = { (char *)"--log-level=*:error" };
	char prefix[64], why[256];
	bool no_huge;
	int ret;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "yard-test-module-%d", (int)getpid());
	if (dp_eal_init(argv[0], prefix, 0, NULL, true, 1, extra, &no_huge) < 0 ||
	    dp_modules_param("fdb-size", "4096", why, sizeof(why)) < 0 ||
	    dp_init(&cfg) < 0)
		return 1;
	dp_port_factory_set(dp_port_ring_make);
	blue = sw_network_set(&net);
	port_a = dp_port_add("a", "ring");
	port_b = dp_port_add("b", "ring");
	if (blue < 0 || port_a < 0 || port_b < 0 ||
	    sw_port_set((uint16_t)port_a, &l2, why, sizeof(why)) < 0 ||
	    sw_port_set((uint16_t)port_b, &l2, why, sizeof(why)) < 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	dp_fini();
	dp_eal_fini();
	return ret;
}
