/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-peer: a DPDK "VM" on a vhost-user socket, through net_virtio_user,
 * that sends exactly N frames or counts the frames it receives. Tests use
 * two of them on two yard-dp vhost ports to check, frame for frame, that
 * what one sends the other gets, and to measure the rate.
 *
 *   vhost-peer [EAL args] -- tx SOCKET COUNT SRC_MAC DST_MAC
 *   vhost-peer [EAL args] -- rx SOCKET IDLE_MS
 *
 * tx prints "sent N in S s (R Mpps)"; rx waits for the first frame, counts
 * until IDLE_MS pass without one, and prints "received N in S s (R Mpps)".
 * The EAL arguments must give the peer its own --file-prefix and a
 * --vdev=net_virtio_user0,path=SOCKET,... (the socket is passed again so
 * that the output names it). With queues=N in the device, tx sends its
 * bursts on the N queues in turn, rx polls all N, and both print how many
 * frames each queue carried ("queues: 0=X 1=Y").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define BURST 32
#define FRAME_LEN 60
#define QUEUES_MAX 8

/* Queue pairs of the port (its device's queues=), and frames per queue. */
static uint16_t n_queues;
static uint64_t per_queue[QUEUES_MAX];

static int
port_start(struct rte_mempool *pool)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t port = 0;

	if (rte_eth_dev_count_avail() != 1 || rte_eth_dev_info_get(port, &info) < 0) {
		fprintf(stderr, "vhost-peer: want exactly one port (a --vdev)\n");
		return -1;
	}
	n_queues = RTE_MIN(RTE_MIN(info.max_rx_queues, info.max_tx_queues),
			   QUEUES_MAX);
	if (rte_eth_dev_configure(port, n_queues, n_queues, &conf) < 0)
		goto fail;
	for (uint16_t q = 0; q < n_queues; q++)
		if (rte_eth_rx_queue_setup(port, q, 1024, rte_socket_id(), NULL,
					   pool) < 0 ||
		    rte_eth_tx_queue_setup(port, q, 1024, rte_socket_id(), NULL) < 0)
			goto fail;
	if (rte_eth_dev_start(port) == 0)
		return 0;
fail:
	fprintf(stderr, "vhost-peer: cannot start the port\n");
	return -1;
}

static void
queues_print(void)
{
	printf("queues:");
	for (uint16_t q = 0; q < n_queues; q++)
		printf(" %u=%" PRIu64, q, per_queue[q]);
	printf("\n");
}

static int
do_tx(struct rte_mempool *pool, uint64_t count, const char *src,
      const char *dst)
{
	struct rte_ether_addr s, d;
	uint64_t sent = 0, t0, t1, hz = rte_get_tsc_hz();
	struct rte_mbuf *pkts[BURST];

	if (rte_ether_unformat_addr(src, &s) < 0 ||
	    rte_ether_unformat_addr(dst, &d) < 0) {
		fprintf(stderr, "vhost-peer: bad MAC address\n");
		return 1;
	}
	/* The other side must be up before the count starts. */
	for (int i = 0; i < 200; i++) {
		struct rte_eth_link link;

		rte_eth_link_get_nowait(0, &link);
		if (link.link_status)
			break;
		rte_delay_ms(50);
	}
	t0 = rte_rdtsc();
	for (uint64_t burst = 0; sent < count; burst++) {
		unsigned int n = (unsigned int)RTE_MIN((uint64_t)BURST, count - sent);
		uint16_t done, q = (uint16_t)(burst % n_queues);

		if (rte_pktmbuf_alloc_bulk(pool, pkts, n) < 0)
			continue;
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *p = (uint8_t *)rte_pktmbuf_append(pkts[i], FRAME_LEN);

			memset(p, 0, FRAME_LEN);
			memcpy(p, d.addr_bytes, 6);
			memcpy(p + 6, s.addr_bytes, 6);
			p[12] = 0x88;	/* Local experimental ethertype. */
			p[13] = 0xb5;
			memcpy(p + 14, &sent, sizeof(sent));
		}
		done = rte_eth_tx_burst(0, q, pkts, (uint16_t)n);
		/* What the ring refused is sent again, so the count is exact. */
		if (done < n)
			rte_pktmbuf_free_bulk(&pkts[done], n - done);
		sent += done;
		per_queue[q] += done;
	}
	/*
	 * What is sent may still sit in the rings: the switch loses it if
	 * the device goes first. Give it time to read them.
	 */
	t1 = rte_rdtsc();
	rte_delay_ms(500);
	printf("sent %" PRIu64 " in %.3f s (%.2f Mpps)\n", sent,
	       (double)(t1 - t0) / hz, sent / ((double)(t1 - t0) / hz) / 1e6);
	queues_print();
	return 0;
}

static int
do_rx(unsigned int idle_ms)
{
	uint64_t got = 0, t0 = 0, last = 0, hz = rte_get_tsc_hz();
	uint64_t idle = hz / 1000 * idle_ms, start = rte_rdtsc();
	struct rte_mbuf *pkts[BURST];

	for (uint64_t poll = 0;; poll++) {
		uint16_t q = (uint16_t)(poll % n_queues);
		uint16_t n = rte_eth_rx_burst(0, q, pkts, BURST);
		uint64_t now = rte_rdtsc();

		if (n != 0) {
			if (got == 0)
				t0 = now;
			got += n;
			per_queue[q] += n;
			last = now;
			rte_pktmbuf_free_bulk(pkts, n);
		} else if ((got != 0 && now - last > idle) ||
			   (got == 0 && now - start > 60 * hz)) {
			break;
		}
	}
	printf("received %" PRIu64 " in %.3f s (%.2f Mpps)\n", got,
	       got ? (double)(last - t0) / hz : 0.0,
	       got && last > t0 ? got / ((double)(last - t0) / hz) / 1e6 : 0.0);
	queues_print();
	return 0;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *pool;
	int n = rte_eal_init(argc, argv), rc;

	if (n < 0) {
		fprintf(stderr, "vhost-peer: EAL start failed\n");
		return 2;
	}
	argc -= n;
	argv += n;
	if (argc < 3 || (strcmp(argv[1], "tx") == 0 && argc != 6) ||
	    (strcmp(argv[1], "rx") == 0 && argc != 4)) {
		fprintf(stderr, "usage: vhost-peer [EAL] -- tx SOCKET COUNT SRC DST | "
			"rx SOCKET IDLE_MS\n");
		return 2;
	}
	pool = rte_pktmbuf_pool_create("peer", 8191, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL || port_start(pool) < 0)
		return 1;
	if (strcmp(argv[1], "tx") == 0)
		rc = do_tx(pool, strtoull(argv[3], NULL, 10), argv[4], argv[5]);
	else
		rc = do_rx((unsigned int)atoi(argv[3]));
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return rc;
}
