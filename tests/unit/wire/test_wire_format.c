/*
 * test_wire_format.c - the wire header (src/wire/wire.c): encoding matches a
 * VXLAN frame scapy builds byte for byte, decoding checks every length and
 * names every drop, overheads, addresses and the flow hash of source ports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "wire/wire.h"

/* clang-format off */
/* scapy: Ether(src=02:aa::01, dst=02:aa::02)/IP(192.168.77.1 > 192.168.77.2, DF, ttl 64,
 * id 0)/UDP(50000 > 4789, chksum 0)/VXLAN(vni=0x123)/Ether()/IP(10.9.0.1 > 10.9.0.2)/ICMP() */
static const uint8_t vxlan_ref[] = {
    0x02, 0xaa, 0x00, 0x00, 0x00, 0x02, 0x02, 0xaa, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x4e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x1f, 0x4b, 0xc0, 0xa8, 0x4d, 0x01, 0xc0, 0xa8,
    0x4d, 0x02, 0xc3, 0x50, 0x12, 0xb5, 0x00, 0x3a, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x23, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xcc, 0x0a, 0x09, 0x00, 0x01,
    0x0a, 0x09, 0x00, 0x02, 0x08, 0x00, 0xf7, 0xff, 0x00, 0x00, 0x00, 0x00,
};
/* clang-format on */
#define REF_INNER_OFF 50

static const uint8_t mac_dst[6] = {0x02, 0xaa, 0, 0, 0, 2}, mac_src[6] = {0x02, 0xaa, 0, 0, 0, 1};

static struct wire_addr v4(const char *s)
{
    struct wire_addr a;

    assert_int_equal(wire_addr_parse(s, WIRE_UDP_PORT, &a), 0);
    return a;
}

/* 1. The header: flags 0x08, three zeros, the connector big-endian; an ID
 * with a zero low byte is the VNI ID >> 8. */
static void test_header(void **state)
{
    uint8_t h[8];
    uint32_t c = 0;

    (void)state;
    wire_hdr_put(h, 0x00012300);
    assert_memory_equal(h, vxlan_ref + 42, 8);
    assert_true(wire_connector_is_vni(0x00012300));
    assert_int_equal(wire_connector_vni(0x00012300), 0x123);
    assert_false(wire_connector_is_vni(0x00012301));
    wire_hdr_put(h, 0xdeadbeef);
    assert_int_equal(wire_hdr_get(h, 8, &c), 0);
    assert_int_equal(c, 0xdeadbeef);
    assert_int_equal(h[4], 0xde);
    assert_int_equal(h[7], 0xef);
}

/* 2. Encoding into headroom gives exactly scapy's VXLAN frame, without
 * moving the inner frame. */
static void test_encode_matches_scapy(void **state)
{
    uint8_t buf[256];
    uint8_t *data = buf + 128, *inner;
    size_t len = sizeof(vxlan_ref) - REF_INNER_OFF;
    struct wire_addr src = v4("192.168.77.1"), dst = v4("192.168.77.2");

    (void)state;
    memcpy(data, vxlan_ref + REF_INNER_OFF, len);
    inner = data;
    assert_int_equal(wire_push_hdr(&data, &len, 128, 0x00012300), 0);
    assert_int_equal(wire_push_udp_ip(&data, &len, (size_t)(data - buf), &src, &dst, 50000), 0);
    assert_int_equal(wire_push_eth(&data, &len, (size_t)(data - buf), mac_dst, mac_src), 0);
    assert_int_equal(len, sizeof(vxlan_ref));
    assert_memory_equal(data, vxlan_ref, sizeof(vxlan_ref));
    assert_ptr_equal(inner, data + REF_INNER_OFF);
}

/* 3. Encoders refuse missing headroom and IPv6 (not yet), changing nothing. */
static void test_encode_refusals(void **state)
{
    uint8_t buf[64] = {0};
    uint8_t *data = buf + 4;
    size_t len = 20;
    struct wire_addr src = v4("10.0.0.1"), dst6;
    struct wire_encap e = {.connector = 1, .src = v4("10.0.0.1"), .dst = v4("10.0.0.2")};

    (void)state;
    assert_int_equal(wire_push_hdr(&data, &len, 4, 1), -ENOSPC);
    assert_int_equal(wire_push_udp_ip(&data, &len, 4, &src, &src, 1), -ENOSPC);
    assert_int_equal(wire_push_eth(&data, &len, 4, mac_dst, mac_src), -ENOSPC);
    assert_int_equal(wire_encap_frame(&e, &data, &len, 4), -ENOSPC);
    assert_ptr_equal(data, buf + 4);
    assert_int_equal(len, 20);
    assert_int_equal(wire_addr_parse("[2001:db8::1]:4789", 0, &dst6), 0);
    data = buf + 60;
    assert_int_equal(wire_push_udp_ip(&data, &len, 60, &src, &dst6, 1), -EAFNOSUPPORT);
}

/* 4. Decoding scapy's frame: addresses, ports, connector, where the inner frame is. */
static void test_decode_frame(void **state)
{
    struct wire_pkt pk;

    (void)state;
    assert_int_equal(wire_decode_frame(vxlan_ref, sizeof(vxlan_ref), 4789, WIRE_ENCAP, &pk), 0);
    assert_int_equal(pk.connector, 0x00012300);
    assert_int_equal(pk.src.port, 50000);
    assert_int_equal(pk.dst.port, 4789);
    assert_int_equal(ntohl(pk.src.u.v4.s_addr), 0xc0a84d01);
    assert_int_equal(pk.hdr_off, 42);
    assert_int_equal(pk.inner_off, REF_INNER_OFF);
    assert_int_equal(pk.inner_len, sizeof(vxlan_ref) - REF_INNER_OFF);
    /* Ethernet padding after the IP packet is not part of the inner frame */
    {
        uint8_t padded[sizeof(vxlan_ref) + 10] = {0};

        memcpy(padded, vxlan_ref, sizeof(vxlan_ref));
        assert_int_equal(wire_decode_frame(padded, sizeof(padded), 4789, WIRE_ENCAP, &pk), 0);
        assert_int_equal(pk.inner_len, sizeof(vxlan_ref) - REF_INNER_OFF);
    }
}

/* 5. Every truncation of the frame is refused, never read past. */
static void test_decode_truncated(void **state)
{
    struct wire_pkt pk;

    (void)state;
    for (size_t n = 0; n < REF_INNER_OFF + WIRE_ETH_HLEN; n++) {
        uint8_t *copy = malloc(n + 1); /* exact size: ASan sees any overread */
        int rc;

        memcpy(copy, vxlan_ref, n);
        rc = wire_decode_frame(copy, n, 4789, WIRE_ENCAP, &pk);
        assert_true(rc < 0);
        free(copy);
    }
}

/* 6. Each bad field gives its own drop reason. */
static void test_decode_reasons(void **state)
{
    struct {
        size_t off;
        uint8_t val;
        int rc;
    } cases[] = {
        {12, 0x86, -WIRE_DROP_NOT_IP},       /* ethertype */
        {14, 0x55, -WIRE_DROP_BAD_IP},       /* version 5 */
        {14, 0x44, -WIRE_DROP_BAD_IP},       /* IHL 4 */
        {20, 0x20, -WIRE_DROP_FRAGMENT},     /* MF */
        {21, 0x01, -WIRE_DROP_FRAGMENT},     /* offset */
        {23, 6, -WIRE_DROP_NOT_UDP},         /* TCP */
        {37, 0xb6, -WIRE_DROP_WRONG_PORT},   /* dport 4790 */
        {39, 0x07, -WIRE_DROP_BAD_UDP},      /* UDP length < 8 */
        {39, 0xff, -WIRE_DROP_BAD_UDP},      /* UDP length past IP */
        {42, 0x0c, -WIRE_DROP_BAD_FLAGS},    /* flags */
        {42, 0x00, -WIRE_DROP_BAD_FLAGS},    /* I flag clear */
        {43, 0x01, -WIRE_DROP_BAD_RESERVED}, /* reserved */
        {45, 0x80, -WIRE_DROP_BAD_RESERVED}, /* reserved */
        {17, 0xff, -WIRE_DROP_SHORT},        /* IP length past the frame */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t f[sizeof(vxlan_ref)];
        struct wire_pkt pk;

        memcpy(f, vxlan_ref, sizeof(f));
        f[cases[i].off] = cases[i].val;
        if (cases[i].rc != wire_decode_frame(f, sizeof(f), 4789, WIRE_ENCAP, &pk))
            fail_msg("case %zu: byte %zu = 0x%02x: got %s, expected %s", i, cases[i].off,
                     cases[i].val,
                     wire_drop_name(wire_decode_frame(f, sizeof(f), 4789, WIRE_ENCAP, &pk)),
                     wire_drop_name(cases[i].rc));
    }
    assert_string_equal(wire_drop_name(-WIRE_DROP_UNKNOWN_PEER), "unknown_peer");
    assert_string_equal(wire_drop_name(WIRE_DROP_AUTH), "auth");
    assert_string_equal(wire_drop_name(0), "ok");
    assert_string_equal(wire_drop_name(WIRE_DROP_MAX), "?");
}

/* 7. UDP payload decoding: inner frame shorter than Ethernet refused for
 * encap, left to the secure layer for secure wires. */
static void test_decode_payload(void **state)
{
    uint8_t p[8 + 14] = {0};
    struct wire_pkt pk;

    (void)state;
    wire_hdr_put(p, 7);
    assert_int_equal(wire_decode_payload(p, 8 + 14, WIRE_ENCAP, &pk), 0);
    assert_int_equal(pk.connector, 7);
    assert_int_equal(pk.inner_off, 8);
    assert_int_equal(pk.inner_len, 14);
    assert_int_equal(wire_decode_payload(p, 8 + 13, WIRE_ENCAP, &pk), -WIRE_DROP_INNER_SHORT);
    assert_int_equal(wire_decode_payload(p, 8, WIRE_SECURE, &pk), 0);
    assert_int_equal(wire_decode_payload(p, 7, WIRE_SECURE, &pk), -WIRE_DROP_SHORT);
    assert_int_equal(wire_decode_payload(p, 0, WIRE_ENCAP, &pk), -WIRE_DROP_SHORT);
}

/* 8. Overheads: VXLAN's 50 with Ethernet; the secure format adds 28. */
static void test_overheads(void **state)
{
    (void)state;
    assert_int_equal(wire_overhead(WIRE_ENCAP, AF_INET) + WIRE_ETH_HLEN, 50);
    assert_int_equal(wire_overhead(WIRE_ENCAP, AF_INET), 36);
    assert_int_equal(wire_overhead(WIRE_SECURE, AF_INET), 64);
    assert_int_equal(wire_overhead(WIRE_ENCAP, AF_INET6), 56);
    assert_int_equal(wire_overhead(WIRE_ENCAP, 0), 0);
    assert_int_equal(wire_inner_max(WIRE_ENCAP, AF_INET, 1500), 1464);
    assert_int_equal(wire_inner_max(WIRE_SECURE, AF_INET, 1500), 1436);
    assert_int_equal(wire_inner_max(WIRE_ENCAP, AF_INET, 30), 0);
}

/* 9. Addresses: ADDR[:PORT] and [V6][:PORT], default port; garbage refused. */
static void test_addr(void **state)
{
    struct wire_addr a, b;
    char buf[WIRE_ADDR_STRLEN];
    const char *bad[] = {
        "",           "10.0.0",       "10.0.0.1:", "10.0.0.1:0",     "10.0.0.1:65536",
        "10.0.0.1:x", "[2001:db8::1", "[]:1",      "[2001:db8::1]x", "host:1",
        "10.0.0.1:+5"};

    (void)state;
    assert_int_equal(wire_addr_parse("10.0.0.1", 4789, &a), 0);
    assert_int_equal(a.port, 4789);
    assert_string_equal(wire_addr_format(&a, buf, sizeof(buf)), "10.0.0.1:4789");
    assert_int_equal(wire_addr_parse("10.0.0.1:9", 4789, &b), 0);
    assert_int_equal(b.port, 9);
    assert_true(wire_addr_same_host(&a, &b));
    assert_int_equal(wire_addr_parse("[2001:db8::1]:5", 4789, &a), 0);
    assert_int_equal(a.family, AF_INET6);
    assert_string_equal(wire_addr_format(&a, buf, sizeof(buf)), "[2001:db8::1]:5");
    assert_int_equal(wire_addr_parse("2001:db8::2", 4789, &a), 0);
    assert_int_equal(a.port, 4789);
    assert_false(wire_addr_same_host(&a, &b));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (wire_addr_parse(bad[i], 4789, &a) == 0)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(wire_addr_parse(NULL, 1, &a), -EINVAL);
}

/* 10. Source ports: in 49152-65535, the same for a flow, spread over flows,
 * and the same for every fragment of a datagram. */
static void test_flow_sport(void **state)
{
    uint8_t f[64];
    uint16_t first, seen[64];
    unsigned distinct = 0;

    (void)state;
    memcpy(f, vxlan_ref + REF_INNER_OFF, 42);
    f[23] = 17; /* UDP */
    first = wire_flow_sport(f, 42);
    assert_true(first >= 49152);
    assert_int_equal(wire_flow_sport(f, 42), first);
    for (int i = 0; i < 64; i++) {
        int dup = 0;

        f[34] = (uint8_t)i; /* inner source port */
        seen[i] = wire_flow_sport(f, 42);
        assert_true(seen[i] >= 49152);
        for (int k = 0; k < i; k++)
            dup |= seen[k] == seen[i];
        distinct += !dup;
    }
    assert_true(distinct >= 56);
    /* a later fragment (offset set) hashes as its datagram without ports:
     * all later fragments of a datagram agree */
    f[20] = 0x00;
    f[21] = 0x10;
    f[34] = 1;
    first = wire_flow_sport(f, 42);
    f[34] = 2;
    assert_int_equal(wire_flow_sport(f, 42), first);
    /* anything, even nothing, hashes */
    assert_true(wire_flow_sport(f, 0) >= 49152);
    assert_true(wire_flow_sport(f, 13) >= 49152);
}

/* 11. wire_encap_frame round-trips through wire_decode_frame. */
static void test_round_trip(void **state)
{
    uint8_t buf[512];
    struct wire_encap e = {
        .connector = 0xfedcba98, .src = v4("10.1.2.3"), .dst = v4("10.3.2.1:999")};
    uint8_t *data = buf + 128;
    size_t len = 300;
    struct wire_pkt pk;

    (void)state;
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i * 7);
    assert_int_equal(wire_encap_frame(&e, &data, &len, 128), 0);
    assert_int_equal(len, 300 + 50);
    assert_int_equal(wire_decode_frame(data, len, 999, WIRE_ENCAP, &pk), 0);
    assert_int_equal(pk.connector, 0xfedcba98);
    assert_int_equal(pk.inner_len, 300);
    assert_ptr_equal(data + pk.inner_off, buf + 128);
    assert_true(pk.src.port >= 49152);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_encode_matches_scapy),
        cmocka_unit_test(test_encode_refusals),
        cmocka_unit_test(test_decode_frame),
        cmocka_unit_test(test_decode_truncated),
        cmocka_unit_test(test_decode_reasons),
        cmocka_unit_test(test_decode_payload),
        cmocka_unit_test(test_overheads),
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_flow_sport),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests_name("wire_format", tests, NULL, NULL);
}
