/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame parsing: the checks eth-input makes before anything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sw_priv.h"

/* dst, src, then the ethertype (and the rest) given by the test. */
static size_t
frame(uint8_t *buf, uint16_t type, size_t len)
{
	memset(buf, 0, len > 14 ? len : 14);
	memcpy(buf, "\xff\xff\xff\xff\xff\xff\x52\x54\x00\x00\x01\x01", 12);
	buf[12] = type >> 8;
	buf[13] = type & 0xff;
	return len;
}

static void
ipv4_hdr(uint8_t *ip, uint8_t ihl_words, uint16_t total)
{
	ip[0] = 0x40 | ihl_words;
	ip[2] = total >> 8;
	ip[3] = total & 0xff;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x00\x01\x0b", 4);
	memcpy(ip + 16, "\x0a\x00\x01\x0c", 4);
}

static void
test_runt(void **state)
{
	uint8_t b[64];
	struct sw_frame f;

	(void)state;
	frame(b, 0x0800, 14);
	assert_int_equal(sw_frame_parse(b, 13, 13, &f), SW_DROP_RUNT);
	assert_int_equal(sw_frame_parse(b, 0, 0, &f), SW_DROP_RUNT);
	/* A bare header of an unknown type is a valid (if odd) frame. */
	frame(b, 0x88b5, 14);
	assert_int_equal(sw_frame_parse(b, 14, 14, &f), 0);
	assert_int_equal(f.ethertype, 0x88b5);
	assert_int_equal(f.tpid, 0);
	assert_int_equal(f.l3_off, 14);
}

static void
test_vlan(void **state)
{
	uint8_t b[64];
	struct sw_frame f;

	(void)state;
	frame(b, 0x8100, 60);
	b[14] = 0xe0 | 0x01;	/* PCP 7, VID 0x1c8 */
	b[15] = 0xc8;
	b[16] = 0x88;
	b[17] = 0xb5;
	assert_int_equal(sw_frame_parse(b, 17, 17, &f), SW_DROP_RUNT);
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), 0);
	assert_int_equal(f.tpid, 0x8100);
	assert_int_equal(f.vid, 0x1c8);
	assert_int_equal(f.ethertype, 0x88b5);
	assert_int_equal(f.l3_off, 18);

	frame(b, 0x88a8, 60);
	b[15] = 7;
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), 0);
	assert_int_equal(f.tpid, 0x88a8);
	assert_int_equal(f.vid, 7);
}

static void
test_ipv4(void **state)
{
	uint8_t b[128];
	struct sw_frame f;

	(void)state;
	frame(b, 0x0800, 60);
	ipv4_hdr(b + 14, 5, 28);
	/* 46 bytes of IP, 28 used: the rest is Ethernet padding. */
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), 0);
	assert_int_equal(sw_frame_ipv4_src(b, &f), htonl(0x0a00010b));

	/* Header cut short. */
	assert_int_equal(sw_frame_parse(b, 33, 33, &f), SW_DROP_TRUNCATED);
	/* Total length beyond the frame. */
	ipv4_hdr(b + 14, 5, 1000);
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), SW_DROP_TRUNCATED);
	/* IHL below 5 words, and IHL beyond the bytes there. */
	ipv4_hdr(b + 14, 4, 28);
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), SW_DROP_TRUNCATED);
	ipv4_hdr(b + 14, 15, 60);
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), SW_DROP_TRUNCATED);
	/* Total length shorter than the header. */
	ipv4_hdr(b + 14, 5, 10);
	assert_int_equal(sw_frame_parse(b, 60, 60, &f), SW_DROP_TRUNCATED);
	/* Headers in the first segment, payload in later ones. */
	ipv4_hdr(b + 14, 5, 1500);
	assert_int_equal(sw_frame_parse(b, 60, 1514, &f), 0);
	/* Tagged IPv4: the offsets move by 4. */
	frame(b, 0x8100, 64);
	b[15] = 100;
	b[16] = 0x08;
	b[17] = 0x00;
	ipv4_hdr(b + 18, 5, 46);
	assert_int_equal(sw_frame_parse(b, 64, 64, &f), 0);
	assert_int_equal(f.l3_off, 18);
	assert_int_equal(sw_frame_ipv4_src(b, &f), htonl(0x0a00010b));
}

static void
test_arp(void **state)
{
	uint8_t b[64];
	struct sw_frame f;

	(void)state;
	frame(b, 0x0806, 42);
	memcpy(b + 14 + 8, "\x52\x54\x00\x00\x01\x01", 6);	/* sha */
	memcpy(b + 14 + 14, "\x0a\x00\x01\x0b", 4);		/* spa */
	assert_int_equal(sw_frame_parse(b, 42, 42, &f), 0);
	assert_memory_equal(sw_frame_arp_sha(b, &f), "\x52\x54\x00\x00\x01\x01", 6);
	assert_int_equal(sw_frame_arp_spa(b, &f), htonl(0x0a00010b));
	assert_int_equal(sw_frame_parse(b, 41, 41, &f), SW_DROP_TRUNCATED);
	assert_int_equal(sw_frame_parse(b, 34, 34, &f), SW_DROP_TRUNCATED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runt),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_arp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
