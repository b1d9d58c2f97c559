/*
 * test_pkt_parse.c - pkt_parse() (src/pkt/pkt_parse.c): reference frames of
 * every kind parse to the right fields, every drop reason is returned for a
 * frame crafted to have exactly that fault, and truncated or bit-flipped
 * frames never read past their end (run under ASan).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"
#include "pkt_test.h"
#include "pkt_vectors.h"

#define T_FRAME 2048

/* 1. Check that a real ARP request parses: kind, op, addresses, broadcast flags. */
static void test01_arp_request(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_arp_request, sizeof(v_arp_request), &pi), 0);
    assert_int_equal(pi.l3, PKT_L3_ARP);
    assert_int_equal(pi.ethertype, PKT_ETH_P_ARP);
    assert_int_equal(pi.l3_off, 14);
    assert_int_equal(pi.l3_len, 28);
    assert_int_equal(pi.arp_op, PKT_ARP_OP_REQUEST);
    assert_int_equal(pi.src.v4, T_IP(10, 0, 0, 1));
    assert_int_equal(pi.dst.v4, T_IP(10, 0, 0, 2));
    assert_int_equal(pi.flags, PKT_F_L2_BCAST | PKT_F_L2_MCAST);
    assert_int_equal(t_parse(v_arp_reply, sizeof(v_arp_reply), &pi), 0);
    assert_int_equal(pi.arp_op, PKT_ARP_OP_REPLY);
    assert_int_equal(pi.flags, 0);
}

/* 2. Check every field of a UDP/IPv4 frame (offsets, addresses, ports, id, lengths). */
static void test02_udp4(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    assert_int_equal(pi.l3, PKT_L3_IPV4);
    assert_int_equal(pi.ethertype, PKT_ETH_P_IPV4);
    assert_int_equal(pi.l3_off, 14);
    assert_int_equal(pi.l4_off, 34);
    assert_int_equal(pi.payload_off, 42);
    assert_int_equal(pi.l3_len, 20 + 8 + 13);
    assert_int_equal(pi.proto, IPPROTO_UDP);
    assert_int_equal(pi.ttl, 64);
    assert_int_equal(pi.tos, 0);
    assert_int_equal(pi.frag_id, 0x1234);
    assert_int_equal(pi.frag_off, 0);
    assert_int_equal(pi.sport, 40000);
    assert_int_equal(pi.dport, 53);
    assert_int_equal(pi.src.v4, T_IP(192, 0, 2, 1));
    assert_int_equal(pi.dst.v4, T_IP(198, 51, 100, 7));
    assert_int_equal(pi.flags, PKT_F_L4);
    assert_memory_equal(v_udp4 + pi.payload_off, "hello, vroom!", 13);
}

/* 3. Check IPv4 options and TCP options: both header lengths are honoured, DF and TOS seen. */
static void test03_tcp4_options(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_tcp4_opts, sizeof(v_tcp4_opts), &pi), 0);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_IP_OPTS | PKT_F_DF);
    assert_int_equal(pi.l4_off, 14 + 24);
    assert_int_equal(pi.payload_off, 14 + 24 + 24);
    assert_int_equal(pi.payload_off, sizeof(v_tcp4_opts));
    assert_int_equal(pi.proto, IPPROTO_TCP);
    assert_int_equal(pi.sport, 12345);
    assert_int_equal(pi.dport, 80);
    assert_int_equal(pi.ttl, 33);
    assert_int_equal(pi.tos, 0x10);
}

/* 4. Check an ICMPv4 echo request: type, code, payload offset. */
static void test04_icmp4_echo(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_icmp4_echo, sizeof(v_icmp4_echo), &pi), 0);
    assert_int_equal(pi.proto, IPPROTO_ICMP);
    assert_int_equal(pi.icmp_type, PKT_ICMP4_ECHO_REQUEST);
    assert_int_equal(pi.icmp_code, 0);
    assert_int_equal(pi.payload_off, 14 + 20 + 8);
    assert_int_equal(pi.sport, 0);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_DF);
}

/* 5. Check that one 802.1Q tag is reported (TCI, flag) and the inner packet parsed. */
static void test05_vlan(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_vlan_udp4, sizeof(v_vlan_udp4), &pi), 0);
    assert_true(pi.flags & PKT_F_VLAN);
    assert_int_equal(pi.vlan_tci, (5 << 13) | 100);
    assert_int_equal(pi.ethertype, PKT_ETH_P_IPV4);
    assert_int_equal(pi.l3_off, 18);
    assert_int_equal(pi.l4_off, 38);
    assert_int_equal(pi.sport, 1);
    assert_int_equal(pi.dport, 2);
}

/* 6. Check an IPv6 extension chain (hop-by-hop, routing, dest opts) is walked to UDP. */
static void test06_ipv6_ext_chain(void **state)
{
    struct in6_addr s = t_in6("2001:db8::1"), d = t_in6("2001:db8::2");
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_udp6_ext, sizeof(v_udp6_ext), &pi), 0);
    assert_int_equal(pi.l3, PKT_L3_IPV6);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_IP6_EXT | PKT_F_IP6_HBH);
    assert_int_equal(pi.proto, IPPROTO_UDP);
    /* 8 (HBH) + 24 (routing, one address) + 8 (dest opts) */
    assert_int_equal(pi.l4_off, 14 + 40 + 8 + 24 + 8);
    assert_int_equal(pi.payload_off, pi.l4_off + 8);
    assert_int_equal(pi.l3_len, sizeof(v_udp6_ext) - 14);
    assert_int_equal(pi.sport, 1000);
    assert_int_equal(pi.dport, 2000);
    assert_int_equal(pi.ttl, 7);
    assert_int_equal(pi.tos, 0xb8);
    assert_true(pkt_ipv6_equal(&pi.src.v6, &s));
    assert_true(pkt_ipv6_equal(&pi.dst.v6, &d));
}

/* 7. Check IPv6 fragments: first one has ports, a later one has offset and no L4. */
static void test07_ipv6_fragments(void **state)
{
    uint8_t f[sizeof(v_udp6_frag0)];
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_udp6_frag0, sizeof(v_udp6_frag0), &pi), 0);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_IP6_EXT | PKT_F_FRAG | PKT_F_MF);
    assert_int_equal(pi.frag_id, 0xdeadbeef);
    assert_int_equal(pi.frag_off, 0);
    assert_int_equal(pi.proto, IPPROTO_UDP);
    assert_int_equal(pi.sport, 5000);
    assert_int_equal(pi.l4_off, 14 + 40 + 8);

    memcpy(f, v_udp6_frag0, sizeof(f));
    pkt_put_be16(f + 14 + 40 + 2, (1000 / 8) << 3); /* offset 1000, M clear */
    assert_int_equal(t_parse(f, sizeof(f), &pi), 0);
    assert_int_equal(pi.flags, PKT_F_IP6_EXT | PKT_F_FRAG);
    assert_int_equal(pi.frag_off, 1000);
    assert_int_equal(pi.proto, IPPROTO_UDP);
    assert_int_equal(pi.sport, 0);
    assert_int_equal(pi.payload_off, pi.l4_off);
}

/* 8. Check IPv4 fragments: MF/offset reported, no L4 read in a later fragment, even a short one. */
static void test08_ipv4_fragments(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 64);
    t_ip4(f)->frag_off = htons(PKT_IPV4_MF);
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_MF | PKT_F_FRAG);

    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 3);
    t_ip4(f)->frag_off = htons(185); /* offset 1480, last fragment, only 3 bytes */
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.flags, PKT_F_FRAG);
    assert_int_equal(pi.frag_off, 1480);
    assert_int_equal(pi.l4_off, 34);
    assert_int_equal(pi.payload_off, 34);
}

/* 9. Check a real ICMPv6 neighbour solicitation: multicast flags, hop limit, type. */
static void test09_ns(void **state)
{
    struct pkt_info pi;

    (void)state;
    assert_int_equal(t_parse(v_ns, sizeof(v_ns), &pi), 0);
    assert_int_equal(pi.flags, PKT_F_L4 | PKT_F_L2_MCAST);
    assert_int_equal(pi.proto, IPPROTO_ICMPV6);
    assert_int_equal(pi.icmp_type, PKT_ICMP6_ND_NS);
    assert_int_equal(pi.ttl, 255);
    assert_int_equal(pi.l3_len, 40 + 32);
    assert_int_equal(t_parse(v_icmp6_echo, sizeof(v_icmp6_echo), &pi), 0);
    assert_int_equal(pi.icmp_type, PKT_ICMP6_ECHO_REQUEST);
}

/* 10. Check that unknown ethertypes, 802.3 lengths and unknown IP protocols are not errors. */
static void test10_unknown_kinds(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    memset(f, 0, 60);
    t_eth(f, t_mac_b, 0x88cc); /* LLDP */
    assert_int_equal(t_parse(f, 60, &pi), 0);
    assert_int_equal(pi.l3, PKT_L3_NONE);
    assert_int_equal(pi.ethertype, 0x88cc);
    assert_int_equal(pi.l3_off, 14);
    t_eth(f, t_mac_b, 46); /* 802.3 length */
    assert_int_equal(t_parse(f, 60, &pi), 0);
    assert_int_equal(pi.l3, PKT_L3_NONE);

    len = t_ipv4(f, 47 /* GRE */, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 2);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.proto, 47);
    assert_int_equal(pi.flags, 0);
    assert_int_equal(pi.payload_off, pi.l4_off);
    len = t_ipv6(f, 59 /* no next header */, NULL, 0, 0);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.proto, 59);
    assert_int_equal(pi.l4_off, 54);
}

/* 11. Check that Ethernet padding after the packet is allowed and not counted in l3_len. */
static void test11_padding(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;

    (void)state;
    memset(f, 0, sizeof(f));
    memcpy(f, v_arp_request, sizeof(v_arp_request));
    assert_int_equal(t_parse(f, 60, &pi), 0);
    assert_int_equal(pi.l3_len, 28);
    memcpy(f, v_udp4, sizeof(v_udp4));
    assert_int_equal(t_parse(f, 60, &pi), 0);
    assert_int_equal(pi.l3_len, 41);
    memcpy(f, v_icmp6_echo, sizeof(v_icmp6_echo));
    assert_int_equal(t_parse(f, sizeof(v_icmp6_echo) + 9, &pi), 0);
    assert_int_equal(pi.l3_len, sizeof(v_icmp6_echo) - 14);
}

/* 12. Check trunc_eth for every length below 14 and trunc_vlan for a cut tag. */
static void test12_trunc_eth_vlan(void **state)
{
    struct pkt_info pi;

    (void)state;
    for (size_t len = 0; len < 14; len++)
        assert_int_equal(t_parse(v_udp4, len, &pi), PKT_ERR_TRUNC_ETH);
    for (size_t len = 14; len < 18; len++)
        assert_int_equal(t_parse(v_vlan_udp4, len, &pi), PKT_ERR_TRUNC_VLAN);
    assert_int_equal(t_parse(v_vlan_udp4, 18, &pi), PKT_ERR_TRUNC_IP);
}

/* 13. Check trunc_arp, arp_format (each of the four fields) and arp_op. */
static void test13_arp_errors(void **state)
{
    static const size_t field[4] = {0, 2, 4, 5}; /* htype, ptype, hlen, plen */
    uint8_t f[sizeof(v_arp_request)];
    struct pkt_info pi;

    (void)state;
    for (size_t len = 14; len < sizeof(v_arp_request); len++)
        assert_int_equal(t_parse(v_arp_request, len, &pi), PKT_ERR_TRUNC_ARP);
    for (int i = 0; i < 4; i++) {
        memcpy(f, v_arp_request, sizeof(f));
        f[14 + field[i]] ^= 0x10;
        assert_int_equal(t_parse(f, sizeof(f), &pi), PKT_ERR_ARP_FORMAT);
    }
    memcpy(f, v_arp_request, sizeof(f));
    for (unsigned int op = 0; op < 10; op++) {
        pkt_put_be16(f + 14 + 6, (uint16_t)op);
        assert_int_equal(t_parse(f, sizeof(f), &pi), op == 1 || op == 2 ? 0 : PKT_ERR_ARP_OP);
    }
}

/* 14. Check trunc_ip: below the fixed header (v4, v6) and below the IHL's length. */
static void test14_trunc_ip(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (size_t l = 14; l < 34; l++)
        assert_int_equal(t_parse(v_udp4, l, &pi), PKT_ERR_TRUNC_IP);
    for (size_t l = 14; l < 54; l++)
        assert_int_equal(t_parse(v_icmp6_echo, l, &pi), PKT_ERR_TRUNC_IP);
    /* IHL 15 (60 bytes) in a frame with 24 bytes of IP */
    len = t_ipv4(f, 200, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 4);
    t_ip4(f)->ver_ihl = 0x4f;
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_TRUNC_IP);
}

/* 15. Check ip_version both ways (4 in an IPv6 frame, 6 in an IPv4 frame, 0 and 15). */
static void test15_ip_version(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;

    (void)state;
    memcpy(f, v_udp4, sizeof(v_udp4));
    for (unsigned int v = 0; v < 16; v++) {
        f[14] = (uint8_t)(v << 4 | 5);
        if (v != 4)
            assert_int_equal(t_parse(f, sizeof(v_udp4), &pi), PKT_ERR_IP_VERSION);
    }
    memcpy(f, v_icmp6_echo, sizeof(v_icmp6_echo));
    f[14] = 0x45;
    assert_int_equal(t_parse(f, sizeof(v_icmp6_echo), &pi), PKT_ERR_IP_VERSION);
}

/* 16. Check ip_hdrlen for every IHL below 5. */
static void test16_ip_hdrlen(void **state)
{
    uint8_t f[sizeof(v_udp4)];
    struct pkt_info pi;

    (void)state;
    memcpy(f, v_udp4, sizeof(f));
    for (unsigned int ihl = 0; ihl < 5; ihl++) {
        f[14] = (uint8_t)(0x40 | ihl);
        assert_int_equal(t_parse(f, sizeof(f), &pi), PKT_ERR_IP_HDRLEN);
    }
}

/* 17. Check ip_totlen: below the header length, and beyond the frame (every short cut). */
static void test17_ip_totlen(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 20);
    t_ip4(f)->tot_len = htons(19);
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP_TOTLEN);
    t_ip4(f)->tot_len = htons((uint16_t)(len - 14 + 1));
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP_TOTLEN);
    for (size_t l = 34; l < sizeof(v_udp4); l++)
        assert_int_equal(t_parse(v_udp4, l, &pi), PKT_ERR_IP_TOTLEN);
}

/* 18. Check ip_csum: any one-bit flip in the header is caught. */
static void test18_ip_csum(void **state)
{
    uint8_t f[sizeof(v_udp4)];
    struct pkt_info pi;

    (void)state;
    /* Bits of bytes 1 and 4..19 (not version/IHL and total length, checked earlier). */
    for (unsigned int byte = 1; byte < 20; byte++) {
        if (byte == 2 || byte == 3)
            continue;
        for (unsigned int bit = 0; bit < 8; bit++) {
            memcpy(f, v_udp4, sizeof(f));
            f[14 + byte] ^= (uint8_t)(1u << bit);
            assert_int_equal(t_parse(f, sizeof(f), &pi), PKT_ERR_IP_CSUM);
        }
    }
}

/* 19. Check ip_opts: zero or one-byte option length, and an option overrunning the header. */
static void test19_ip_opts(void **state)
{
    static const uint8_t bad[][8] = {
        {0x94, 0x00, 0, 0, 0, 0, 0, 0},                   /* length 0 */
        {0x94, 0x01, 0, 0, 0, 0, 0, 0},                   /* length 1 */
        {0x07, 0x09, 4, 0, 0, 0, 0, 0},                   /* record route of 9 in 8 bytes */
        {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x44}, /* type byte last, no length */
    };
    static const uint8_t good[8] = {0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff};
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), bad[i], 8, 8);
        assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP_OPTS);
    }
    /* NOP, router alert, end of list, then ignored bytes */
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), good, 8, 8);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_true(pi.flags & PKT_F_IP_OPTS);
    assert_int_equal(pi.l4_off, 14 + 28);
}

/* 20. Check ip_frag: a fragment ending past 65535 bytes (ping of death), and the last legal one. */
static void test20_ip_frag(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_ICMP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 1000);
    t_ip4(f)->frag_off = htons(8189);
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP_FRAG);
    len = t_ipv4(f, IPPROTO_ICMP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 3);
    t_ip4(f)->frag_off = htons(8189); /* 65512 + 23 = 65535 */
    t_ip4_fix(f);
    assert_int_equal(t_parse(f, len, &pi), 0);
}

/* 21. Check ip6_paylen: payload length beyond the frame, and a jumbogram. */
static void test21_ip6_paylen(void **state)
{
    static const uint8_t hbh[8] = {IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0};
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (size_t l = 54; l < sizeof(v_icmp6_echo); l++)
        assert_int_equal(t_parse(v_icmp6_echo, l, &pi), PKT_ERR_IP6_PAYLEN);
    len = t_ipv6(f, IPPROTO_HOPOPTS, hbh, 8, 8);
    pkt_put_be16(f + 14 + 4, 0);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_PAYLEN);
}

/* 22. Check ip6_exthdr: misplaced hop-by-hop, too many headers, overruns, two fragment headers. */
static void test22_ip6_exthdr(void **state)
{
    uint8_t ext[128], f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    /* dest opts then hop-by-hop */
    memset(ext, 0, sizeof(ext));
    ext[0] = IPPROTO_HOPOPTS;
    ext[8] = IPPROTO_UDP;
    len = t_ipv6(f, IPPROTO_DSTOPTS, ext, 16, 8);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_EXTHDR);

    /* PKT_IP6_MAX_EXTHDR dest opts are fine, one more is not */
    memset(ext, 0, sizeof(ext));
    for (int i = 0; i < PKT_IP6_MAX_EXTHDR; i++)
        ext[i * 8] = i == PKT_IP6_MAX_EXTHDR - 1 ? IPPROTO_UDP : IPPROTO_DSTOPTS;
    len = t_ipv6(f, IPPROTO_DSTOPTS, ext, PKT_IP6_MAX_EXTHDR * 8, 8);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.proto, IPPROTO_UDP);
    ext[(PKT_IP6_MAX_EXTHDR - 1) * 8] = IPPROTO_DSTOPTS;
    ext[PKT_IP6_MAX_EXTHDR * 8] = IPPROTO_UDP;
    len = t_ipv6(f, IPPROTO_DSTOPTS, ext, (PKT_IP6_MAX_EXTHDR + 1) * 8, 8);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_EXTHDR);

    /* a routing header whose length runs past the payload */
    memset(ext, 0, sizeof(ext));
    ext[0] = IPPROTO_UDP;
    ext[1] = 4; /* 40 bytes */
    len = t_ipv6(f, IPPROTO_ROUTING, ext, 16, 8);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_EXTHDR);

    /* fewer than 8 bytes left for an extension header */
    len = t_ipv6(f, IPPROTO_DSTOPTS, ext, 0, 7);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_EXTHDR);

    /* two fragment headers */
    memset(ext, 0, sizeof(ext));
    ext[0] = IPPROTO_FRAGMENT;
    ext[8] = IPPROTO_UDP;
    len = t_ipv6(f, IPPROTO_FRAGMENT, ext, 16, 8);
    assert_int_equal(t_parse(f, len, &pi), PKT_ERR_IP6_EXTHDR);

    /* AH is walked with its own length unit: (2 + 2) * 4 = 16 bytes */
    memset(ext, 0, sizeof(ext));
    ext[0] = IPPROTO_UDP;
    ext[1] = 2;
    len = t_ipv6(f, IPPROTO_AH, ext, 16, 8);
    assert_int_equal(t_parse(f, len, &pi), 0);
    assert_int_equal(pi.l4_off, 14 + 40 + 16);
    assert_int_equal(pi.proto, IPPROTO_UDP);
}

/* 23. Check trunc_l4: UDP, TCP and ICMP headers cut short in unfragmented and first fragments. */
static void test23_trunc_l4(void **state)
{
    static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP};
    static const size_t need[] = {8, 20, 8};
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (size_t p = 0; p < 3; p++) {
        for (size_t n = 0; n < need[p]; n++) {
            len = t_ipv4(f, protos[p], T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, n);
            assert_int_equal(t_parse(f, len, &pi), PKT_ERR_TRUNC_L4);
            t_ip4(f)->frag_off = htons(PKT_IPV4_MF);
            t_ip4_fix(f);
            assert_int_equal(t_parse(f, len, &pi), PKT_ERR_TRUNC_L4);
        }
    }
    for (size_t n = 0; n < 8; n++) {
        len = t_ipv6(f, IPPROTO_ICMPV6, NULL, 0, n);
        assert_int_equal(t_parse(f, len, &pi), PKT_ERR_TRUNC_L4);
        len = t_ipv6(f, IPPROTO_UDP, NULL, 0, n);
        assert_int_equal(t_parse(f, len, &pi), PKT_ERR_TRUNC_L4);
    }
    /* ICMPv4 inside IPv6 is just another protocol */
    len = t_ipv6(f, IPPROTO_ICMP, NULL, 0, 2);
    assert_int_equal(t_parse(f, len, &pi), 0);
}

/* 24. Check l4_hdrlen: TCP data offset below 5 and beyond the packet. */
static void test24_l4_hdrlen(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (unsigned int doff = 0; doff < 16; doff++) {
        len = t_ipv4(f, IPPROTO_TCP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 32);
        f[34 + 12] = (uint8_t)(doff << 4);
        assert_int_equal(t_parse(f, len, &pi), doff >= 5 && doff <= 8 ? 0 : PKT_ERR_L4_HDRLEN);
        if (doff >= 5 && doff <= 8)
            assert_int_equal(pi.payload_off, 34 + doff * 4);
    }
}

/* 25. Check the reason names: stable, distinct, "ok" for 0, "unknown" outside the range. */
static void test25_err_names(void **state)
{
    (void)state;
    assert_string_equal(pkt_err_name(0), "ok");
    assert_string_equal(pkt_err_name(PKT_ERR_IP_CSUM), "ip_csum");
    assert_string_equal(pkt_err_name(PKT_ERR_TRUNC_ETH), "trunc_eth");
    assert_string_equal(pkt_err_name(PKT_ERR_IP6_EXTHDR), "ip6_exthdr");
    assert_string_equal(pkt_err_name(1), "unknown");
    assert_string_equal(pkt_err_name(-PKT_ERR_COUNT), "unknown");
    assert_string_equal(pkt_err_name(-1000), "unknown");
    for (int i = 1; i < PKT_ERR_COUNT; i++) {
        const char *n = pkt_err_name(-i);

        assert_string_not_equal(n, "unknown");
        for (const char *c = n; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
        for (int j = 0; j < i; j++)
            assert_string_not_equal(n, pkt_err_name(-j));
    }
}

static const struct {
    const uint8_t *f;
    size_t len;
} vectors[] = {
    {v_arp_request, sizeof(v_arp_request)},
    {v_ns, sizeof(v_ns)},
    {v_na, sizeof(v_na)},
    {v_udp4, sizeof(v_udp4)},
    {v_tcp4_opts, sizeof(v_tcp4_opts)},
    {v_icmp4_echo, sizeof(v_icmp4_echo)},
    {v_vlan_udp4, sizeof(v_vlan_udp4)},
    {v_udp6_ext, sizeof(v_udp6_ext)},
    {v_udp6_frag0, sizeof(v_udp6_frag0)},
    {v_icmp6_echo, sizeof(v_icmp6_echo)},
};

/* 26. Check every prefix of every reference frame: an error, never a read past the end. */
static void test26_every_prefix(void **state)
{
    struct pkt_info pi;

    (void)state;
    for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
        assert_int_equal(t_parse(vectors[v].f, vectors[v].len, &pi), 0);
        for (size_t l = 0; l < vectors[v].len; l++)
            assert_true(t_parse(vectors[v].f, l, &pi) < 0);
    }
}

/* 27. Check every one-bit flip of every reference frame: a result, offsets inside the frame. */
static void test27_every_bit_flip(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;

    (void)state;
    for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
        size_t len = vectors[v].len;

        for (size_t bit = 0; bit < len * 8; bit++) {
            int r;

            memcpy(f, vectors[v].f, len);
            f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            r = t_parse(f, len, &pi);
            assert_true(r <= 0 && r > -PKT_ERR_COUNT);
            if (r == 0 && pi.l3 != PKT_L3_NONE) {
                assert_true(pi.l3_off + pi.l3_len <= len);
                assert_true(pi.payload_off <= pi.l3_off + pi.l3_len || pi.l3 == PKT_L3_ARP);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_arp_request),
        cmocka_unit_test(test02_udp4),
        cmocka_unit_test(test03_tcp4_options),
        cmocka_unit_test(test04_icmp4_echo),
        cmocka_unit_test(test05_vlan),
        cmocka_unit_test(test06_ipv6_ext_chain),
        cmocka_unit_test(test07_ipv6_fragments),
        cmocka_unit_test(test08_ipv4_fragments),
        cmocka_unit_test(test09_ns),
        cmocka_unit_test(test10_unknown_kinds),
        cmocka_unit_test(test11_padding),
        cmocka_unit_test(test12_trunc_eth_vlan),
        cmocka_unit_test(test13_arp_errors),
        cmocka_unit_test(test14_trunc_ip),
        cmocka_unit_test(test15_ip_version),
        cmocka_unit_test(test16_ip_hdrlen),
        cmocka_unit_test(test17_ip_totlen),
        cmocka_unit_test(test18_ip_csum),
        cmocka_unit_test(test19_ip_opts),
        cmocka_unit_test(test20_ip_frag),
        cmocka_unit_test(test21_ip6_paylen),
        cmocka_unit_test(test22_ip6_exthdr),
        cmocka_unit_test(test23_trunc_l4),
        cmocka_unit_test(test24_l4_hdrlen),
        cmocka_unit_test(test25_err_names),
        cmocka_unit_test(test26_every_prefix),
        cmocka_unit_test(test27_every_bit_flip),
    };

    return cmocka_run_group_tests_name("pkt_parse", tests, NULL, NULL);
}
