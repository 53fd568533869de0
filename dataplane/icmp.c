/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP errors built in place of the packet they are about (router, overlay). */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane.h"

#define ETH_LEN RTE_ETHER_HDR_LEN

bool
dp_icmp_error_may(const struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = d + ETH_LEN;
	uint32_t ihl, total;

	if (m->nb_segs != 1 || rte_pktmbuf_data_len(m) < ETH_LEN + 20 || (d[0] & 1))
		return false;
	ihl = (ip[0] & 0x0fu) * 4u;
	total = (uint32_t)(ip[2] << 8 | ip[3]);
	if (ihl < 20 || rte_pktmbuf_data_len(m) < ETH_LEN + ihl)
		return false;
	/* Not about a broadcast, a multicast, no one or a loopback source. */
	if ((ip[16] == 0xff && ip[17] == 0xff && ip[18] == 0xff && ip[19] == 0xff) ||
	    (ip[16] & 0xf0) == 0xe0 ||
	    (ip[12] == 0 && ip[13] == 0 && ip[14] == 0 && ip[15] == 0) ||
	    (ip[12] & 0xf0) >= 0xe0 || ip[12] == 127)
		return false;
	/* Only about a first fragment, and never about an ICMP error. */
	if (((ip[6] << 8 | ip[7]) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false;
	if (ip[9] == IPPROTO_ICMP && total > ihl &&
	    rte_pktmbuf_data_len(m) > ETH_LEN + ihl) {
		uint8_t t = ip[ihl];

		if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return false;
	}
	return true;
}

int
dp_icmp_error_make(struct rte_mbuf *m, const struct rte_ether_addr *mac,
		   uint32_t addr, uint8_t type, uint8_t code, uint16_t mtu)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *ip = d + ETH_LEN;
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, total = (uint32_t)(ip[2] << 8 | ip[3]);
	uint32_t src, quote, len;
	uint8_t q[60 + 8], to[RTE_ETHER_ADDR_LEN];
	struct rte_ipv4_hdr *oh;
	uint8_t *icmp;
	uint16_t ck;

	/* The IP header and 8 bytes of the datagram (RFC 792). */
	quote = RTE_MIN(RTE_MIN(total, ihl + 8),
			(uint32_t)rte_pktmbuf_data_len(m) - ETH_LEN);
	memcpy(q, ip, quote);
	memcpy(&src, ip + 12, sizeof(src));
	memcpy(to, d + 6, RTE_ETHER_ADDR_LEN);
	len = ETH_LEN + 20 + 8 + quote;
	if (m->pkt_len > len)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
	else if (m->pkt_len < len &&
		 rte_pktmbuf_append(m, (uint16_t)(len - m->pkt_len)) == NULL)
		return -ENOBUFS;

	memcpy(d, to, RTE_ETHER_ADDR_LEN);
	memcpy(d + 6, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	d[12] = RTE_ETHER_TYPE_IPV4 >> 8;
	d[13] = RTE_ETHER_TYPE_IPV4 & 0xff;
	oh = (struct rte_ipv4_hdr *)(d + ETH_LEN);
	oh->version_ihl = RTE_IPV4_VHL_DEF;
	/* Internetwork control precedence, as Linux sends its errors. */
	oh->type_of_service = 0xc0;
	oh->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + quote));
	oh->packet_id = 0;
	oh->fragment_offset = 0;
	oh->time_to_live = 64;
	oh->next_proto_id = IPPROTO_ICMP;
	oh->hdr_checksum = 0;
	oh->src_addr = addr;
	oh->dst_addr = src;
	oh->hdr_checksum = rte_ipv4_cksum(oh);
	icmp = d + ETH_LEN + 20;
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = icmp[5] = 0;
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + 8, q, quote);
	ck = (uint16_t)~rte_raw_cksum(icmp, 8 + quote);
	memcpy(icmp + 2, &ck, 2);
	return 0;
}
