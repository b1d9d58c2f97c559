/*
 * test_pkt_build.c - the builders of pkt_build.h (src/pkt/pkt_arp.c,
 * pkt_nd.c, pkt_icmp.c): ARP and ND frames byte for byte against scapy's,
 * ND validation, ICMPv4/ICMPv6 errors (bytes, checksums, quoted lengths,
 * buffer limits) and the rules for when an error may be sent at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"
#include "pkt/pkt_build.h"
#include "pkt/pkt_csum.h"
#include "pkt_test.h"
#include "pkt_vectors.h"

#define T_FRAME 2048

/* 1. Check ARP request, reply and gratuitous ARP byte for byte, and their limits. */
static void test01_arp(void **state)
{
    uint8_t f[64];

    (void)state;
    assert_int_equal(pkt_arp_request(f, sizeof(f), t_mac_a, T_IP(10, 0, 0, 1), T_IP(10, 0, 0, 2)),
                     42);
    assert_memory_equal(f, v_arp_request, 42);
    assert_int_equal(
        pkt_arp_reply(f, sizeof(f), t_mac_b, T_IP(10, 0, 0, 2), t_mac_a, T_IP(10, 0, 0, 1)), 42);
    assert_memory_equal(f, v_arp_reply, 42);
    assert_int_equal(pkt_arp_gratuitous(f, sizeof(f), t_mac_a, T_IP(10, 0, 0, 1), 1), 42);
    assert_memory_equal(f, v_arp_garp, 42);
    assert_int_equal(pkt_arp_gratuitous(f, sizeof(f), t_mac_a, T_IP(10, 0, 0, 1), 2), 42);
    assert_memory_equal(f + 14 + 18, t_mac_a, 6); /* reply form: tha = mac */
    assert_int_equal(pkt_get_be16(f + 14 + 6), 2);
    assert_int_equal(pkt_arp_gratuitous(f, sizeof(f), t_mac_a, 1, 3), -EINVAL);
    assert_int_equal(pkt_arp_request(f, 41, t_mac_a, 1, 2), -ENOSPC);
    assert_int_equal(pkt_eth_build(f, 13, t_mac_a, t_mac_b, 0x0800), -ENOSPC);
    assert_int_equal(pkt_eth_build(f, 14, t_mac_a, t_mac_b, 0x86dd), 14);
    assert_memory_equal(f, t_mac_a, 6);
    assert_memory_equal(f + 6, t_mac_b, 6);
    assert_int_equal(f[12], 0x86);
    assert_int_equal(f[13], 0xdd);
}

/* 2. Check NS (resolution and DAD) and NA byte for byte against scapy's, and the limits. */
static void test02_nd_build(void **state)
{
    struct in6_addr ll = t_in6("fe80::5054:ff:fe12:3456"), tgt = t_in6("2001:db8::abcd:2");
    struct in6_addr any = IN6ADDR_ANY_INIT;
    uint8_t f[128];

    (void)state;
    assert_int_equal(pkt_nd_ns_build(f, sizeof(f), t_mac_a, NULL, &ll, &tgt), sizeof(v_ns));
    assert_memory_equal(f, v_ns, sizeof(v_ns));
    assert_int_equal(pkt_nd_ns_build(f, sizeof(f), t_mac_a, NULL, &any, &tgt), sizeof(v_ns_dad));
    assert_memory_equal(f, v_ns_dad, sizeof(v_ns_dad));
    assert_int_equal(pkt_nd_na_build(f, sizeof(f), t_mac_b, t_mac_a, &tgt, &ll, &tgt,
                                     PKT_ND_NA_SOLICITED | PKT_ND_NA_OVERRIDE),
                     sizeof(v_na));
    assert_memory_equal(f, v_na, sizeof(v_na));
    assert_int_equal(pkt_nd_ns_build(f, sizeof(v_ns) - 1, t_mac_a, NULL, &ll, &tgt), -ENOSPC);
    assert_int_equal(pkt_nd_na_build(f, sizeof(v_na) - 1, t_mac_b, t_mac_a, &tgt, &ll, &tgt, 0),
                     -ENOSPC);
}

/* 3. Check a unicast NS (reachability): to the target at the given MAC, and it validates. */
static void test03_ns_unicast(void **state)
{
    struct in6_addr ll = t_in6("fe80::5054:ff:fe12:3456"), tgt = t_in6("fe80::5054:ff:feab:cdef");
    struct pkt_info pi;
    struct pkt_nd nd;
    uint8_t f[128];
    int n;

    (void)state;
    n = pkt_nd_ns_build(f, sizeof(f), t_mac_a, t_mac_b, &ll, &tgt);
    assert_int_equal(n, 86);
    assert_memory_equal(f, t_mac_b, 6);
    assert_int_equal(t_parse(f, (size_t)n, &pi), 0);
    assert_true(pkt_ipv6_equal(&pi.dst.v6, &tgt));
    assert_int_equal(pi.flags, PKT_F_L4);
    assert_int_equal(pkt_nd_parse(f, &pi, &nd), 0);
    assert_true(nd.has_lla);
    assert_memory_equal(nd.lla, t_mac_a, 6);
}

/* 4. Check pkt_nd_parse on scapy's NS, DAD NS and NA: type, target, flags, link-layer address. */
static void test04_nd_parse_good(void **state)
{
    struct in6_addr tgt = t_in6("2001:db8::abcd:2");
    struct pkt_info pi;
    struct pkt_nd nd;

    (void)state;
    assert_int_equal(pkt_parse(v_ns, sizeof(v_ns), &pi), 0);
    assert_int_equal(pkt_nd_parse(v_ns, &pi, &nd), 0);
    assert_int_equal(nd.type, PKT_ICMP6_ND_NS);
    assert_true(pkt_ipv6_equal(&nd.target, &tgt));
    assert_true(nd.has_lla);
    assert_memory_equal(nd.lla, t_mac_a, 6);

    assert_int_equal(pkt_parse(v_ns_dad, sizeof(v_ns_dad), &pi), 0);
    assert_int_equal(pkt_nd_parse(v_ns_dad, &pi, &nd), 0);
    assert_false(nd.has_lla);

    assert_int_equal(pkt_parse(v_na, sizeof(v_na), &pi), 0);
    assert_int_equal(pkt_nd_parse(v_na, &pi, &nd), 0);
    assert_int_equal(nd.type, PKT_ICMP6_ND_NA);
    assert_int_equal(nd.flags, PKT_ND_NA_SOLICITED | PKT_ND_NA_OVERRIDE);
    assert_true(nd.has_lla);
    assert_memory_equal(nd.lla, t_mac_b, 6);

    assert_int_equal(pkt_parse(v_icmp6_echo, sizeof(v_icmp6_echo), &pi), 0);
    assert_int_equal(pkt_nd_parse(v_icmp6_echo, &pi, &nd), -EINVAL);
    assert_int_equal(pkt_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    assert_int_equal(pkt_nd_parse(v_udp4, &pi, &nd), -EINVAL);
}

/* Re-checksum the ND message of f (after the test bent it) and parse it. */
static int nd_reparse(uint8_t *f, size_t len, struct pkt_nd *nd)
{
    struct pkt_info pi;
    size_t n;
    int r = pkt_parse(f, len, &pi);

    if (r)
        return r;
    n = pi.l3_off + pi.l3_len - pi.l4_off;
    memset(f + pi.l4_off + 2, 0, 2);
    {
        uint16_t c = pkt_l4_csum6(&pi.src.v6, &pi.dst.v6, IPPROTO_ICMPV6, f + pi.l4_off, n);
        memcpy(f + pi.l4_off + 2, &c, 2);
    }
    return pkt_nd_parse(f, &pi, nd);
}

/* 5. Check every ND refusal: hop limit, code, checksum, multicast target, options, DAD rules. */
static void test05_nd_parse_bad(void **state)
{
    uint8_t f[128];
    struct pkt_info pi;
    struct pkt_nd nd;

    (void)state;
    memcpy(f, v_ns, sizeof(v_ns));
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), 0);
    f[14 + 7] = 254; /* hop limit */
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);

    memcpy(f, v_ns, sizeof(v_ns));
    f[54 + 1] = 1; /* code */
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);

    memcpy(f, v_ns, sizeof(v_ns));
    f[54 + 10] ^= 1; /* target changed, checksum not */
    assert_int_equal(pkt_parse(f, sizeof(v_ns), &pi), 0);
    assert_int_equal(pkt_nd_parse(f, &pi, &nd), PKT_ERR_L4_CSUM);

    memcpy(f, v_ns, sizeof(v_ns));
    f[54 + 8] = 0xff; /* multicast target */
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);

    memcpy(f, v_ns, sizeof(v_ns));
    f[54 + 24 + 1] = 0; /* option length 0 */
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);
    f[54 + 24 + 1] = 2; /* option running past the message */
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);

    /* an SLLA option of 16 bytes is not an Ethernet address */
    memcpy(f, v_ns, sizeof(v_ns));
    memset(f + sizeof(v_ns), 0, 8);
    f[54 + 24 + 1] = 2;
    pkt_put_be16(f + 14 + 4, 40);
    assert_int_equal(nd_reparse(f, sizeof(v_ns) + 8, &nd), PKT_ERR_ND_FORMAT);
    /* but an unknown option of 16 bytes is skipped */
    f[54 + 24] = 14;
    assert_int_equal(nd_reparse(f, sizeof(v_ns) + 8, &nd), 0);
    assert_false(nd.has_lla);

    /* too short for the NS body */
    memcpy(f, v_ns, sizeof(v_ns));
    pkt_put_be16(f + 14 + 4, 20);
    assert_int_equal(nd_reparse(f, 14 + 40 + 20, &nd), PKT_ERR_ND_FORMAT);

    /* DAD: from :: with an SLLA, or not to a solicited-node group */
    memcpy(f, v_ns, sizeof(v_ns));
    memset(f + 14 + 8, 0, 16);
    assert_int_equal(nd_reparse(f, sizeof(v_ns), &nd), PKT_ERR_ND_FORMAT);
    memcpy(f, v_ns_dad, sizeof(v_ns_dad));
    assert_int_equal(nd_reparse(f, sizeof(v_ns_dad), &nd), 0);
    f[14 + 24 + 1] = 0x01; /* ff01:: */
    assert_int_equal(nd_reparse(f, sizeof(v_ns_dad), &nd), PKT_ERR_ND_FORMAT);

    /* NA to a multicast address with S set */
    memcpy(f, v_na, sizeof(v_na));
    memcpy(f + 14 + 24, &(struct in6_addr){{{0xff, 0x02, [15] = 1}}}, 16);
    assert_int_equal(nd_reparse(f, sizeof(v_na), &nd), PKT_ERR_ND_FORMAT);
    f[54 + 4] &= (uint8_t)~0x40; /* S clear: fine */
    assert_int_equal(nd_reparse(f, sizeof(v_na), &nd), 0);
}

/* 6. Check ICMPv4 time exceeded and host unreachable byte for byte against scapy's. */
static void test06_icmp4_bytes(void **state)
{
    struct pkt_icmp_err e = {.type = 3, .code = 1, .id = 0x55, .src.v4 = T_IP(203, 0, 113, 1)};
    struct pkt_info pi;
    uint8_t b[600];

    (void)state;
    assert_int_equal(pkt_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    assert_int_equal(pkt_icmp4_time_exceeded(b, sizeof(b), v_udp4, &pi, T_IP(203, 0, 113, 1)),
                     sizeof(v_icmp4_timex));
    assert_memory_equal(b, v_icmp4_timex, sizeof(v_icmp4_timex));
    assert_int_equal(pkt_icmp4_error_build(b, sizeof(b), v_udp4, &pi, &e), sizeof(v_icmp4_unreach));
    assert_memory_equal(b, v_icmp4_unreach, sizeof(v_icmp4_unreach));
    assert_int_equal(pkt_icmp4_dest_unreach(b, sizeof(b), v_udp4, &pi, 1, T_IP(203, 0, 113, 1)),
                     sizeof(v_icmp4_unreach));
    assert_int_equal(pkt_icmp4_time_exceeded(b, sizeof(v_icmp4_timex) - 1, v_udp4, &pi, 1),
                     -ENOSPC);
}

/* 7. Check fragmentation needed: 576 bytes, 548 quoted, MTU field, both checksums as scapy's. */
static void test07_icmp4_frag_needed(void **state)
{
    struct pkt_info pi, epi;
    uint8_t b[600], f[620];
    int n;

    (void)state;
    assert_int_equal(pkt_parse(v_big4, sizeof(v_big4), &pi), 0);
    assert_true(pi.flags & PKT_F_DF);
    n = pkt_icmp4_frag_needed(b, sizeof(b), v_big4, &pi, 1400, T_IP(203, 0, 113, 1));
    assert_int_equal(n, PKT_ICMP4_ERR_MAX);
    assert_int_equal(n, V_FRAGNEED_LEN);
    assert_memory_equal(b, v_fragneed, sizeof(v_fragneed));
    assert_int_equal(pkt_get_be16(b + 26), 1400);
    /* it parses as a good ICMP packet with a correct ICMP checksum */
    t_eth(f, t_mac_a, PKT_ETH_P_IPV4);
    memcpy(f + 14, b, (size_t)n);
    assert_int_equal(pkt_parse(f, (size_t)n + 14, &epi), 0);
    assert_int_equal(epi.icmp_type, 3);
    assert_int_equal(epi.icmp_code, 4);
    assert_int_equal(pkt_csum(b + 20, (size_t)n - 20), 0);
    assert_int_equal(pkt_icmp4_frag_needed(b, 575, v_big4, &pi, 1400, 1), -ENOSPC);
}

/* 8. Check the quoted length: whole short packets, IHL 15 plus data, and never beyond the packet.
 */
static void test08_icmp4_quote(void **state)
{
    static const uint8_t opts[40] = {0x01};
    uint8_t f[T_FRAME], b[700];
    struct pkt_info pi;
    size_t len;
    int n;

    (void)state;
    /* unknown protocol, 2 bytes of data, plus Ethernet padding: quote 22 bytes */
    len = t_ipv4(f, 200, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 2);
    memset(f + len, 0xaa, 20);
    assert_int_equal(pkt_parse(f, len + 20, &pi), 0);
    n = pkt_icmp4_time_exceeded(b, sizeof(b), f, &pi, T_IP(203, 0, 113, 1));
    assert_int_equal(n, 20 + 8 + 22);
    assert_memory_equal(b + 28, f + 14, 22);
    assert_int_equal(pkt_csum(b, 20), 0);
    assert_int_equal(pkt_csum(b + 20, 30), 0);

    /* 60-byte header and 1000 bytes of data: 548 quoted, header + 488 */
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), opts, 40, 1000);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    n = pkt_icmp4_time_exceeded(b, sizeof(b), f, &pi, T_IP(203, 0, 113, 1));
    assert_int_equal(n, 576);
    assert_memory_equal(b + 28, f + 14, 548);
    assert_int_equal(pkt_get_be32(b + 16), T_IP(192, 0, 2, 1));
    assert_int_equal(pkt_get_be32(b + 12), T_IP(203, 0, 113, 1));
    assert_int_equal(b[8], 64);
    assert_int_equal(pkt_csum(b + 20, 556), 0);

    /* an ARP pi cannot be quoted */
    assert_int_equal(pkt_parse(v_arp_request, sizeof(v_arp_request), &pi), 0);
    assert_int_equal(pkt_icmp4_time_exceeded(b, sizeof(b), v_arp_request, &pi, 1), -EINVAL);
}

/* 9. Check ICMPv6 time exceeded (scapy bytes) and packet too big (1280 bytes, 1232 quoted). */
static void test09_icmp6_bytes(void **state)
{
    struct in6_addr r = t_in6("2001:db8:ffff::1");
    struct pkt_info pi;
    uint8_t b[1400];
    int n;

    (void)state;
    assert_int_equal(pkt_parse(v_icmp6_echo, sizeof(v_icmp6_echo), &pi), 0);
    n = pkt_icmp6_time_exceeded(b, sizeof(b), v_icmp6_echo, &pi, &r);
    assert_int_equal(n, sizeof(v_icmp6_timex));
    assert_memory_equal(b, v_icmp6_timex, sizeof(v_icmp6_timex));

    assert_int_equal(pkt_parse(v_big6, sizeof(v_big6), &pi), 0);
    n = pkt_icmp6_pkt_too_big(b, sizeof(b), v_big6, &pi, 1400, &r);
    assert_int_equal(n, PKT_ICMP6_ERR_MAX);
    assert_int_equal(n, V_PTB_LEN);
    assert_memory_equal(b, v_ptb, sizeof(v_ptb));
    assert_int_equal(pkt_icmp6_pkt_too_big(b, 1279, v_big6, &pi, 1400, &r), -ENOSPC);

    /* dest unreachable: code set, checksum verifies with the pseudo-header */
    n = pkt_icmp6_dest_unreach(b, sizeof(b), v_big6, &pi, PKT_ICMP6_ADDR_UNREACH, &r);
    assert_int_equal(n, 1280);
    assert_int_equal(b[40], PKT_ICMP6_DEST_UNREACH);
    assert_int_equal(b[41], PKT_ICMP6_ADDR_UNREACH);
    assert_int_equal(pkt_l4_csum6(&r, &pi.src.v6, IPPROTO_ICMPV6, b + 40, 1240), 0);
    assert_memory_equal(b + 48, v_big6 + 14, 1232);

    assert_int_equal(pkt_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    assert_int_equal(pkt_icmp6_time_exceeded(b, sizeof(b), v_udp4, &pi, &r), -EINVAL);
}

/* Parse a copy of v_udp4 with its frame/IP fields bent by the caller first. */
static bool allowed4(uint32_t src, uint32_t dst, const uint8_t *dmac, unsigned int local)
{
    uint8_t f[64];
    struct pkt_info pi;

    memcpy(f, v_udp4, sizeof(v_udp4));
    memcpy(f, dmac, 6);
    t_ip4(f)->saddr = htonl(src);
    t_ip4(f)->daddr = htonl(dst);
    t_ip4_fix(f);
    assert_int_equal(pkt_parse(f, sizeof(v_udp4), &pi), 0);
    return pkt_icmp4_error_allowed(&pi, local);
}

/* 10. Check the IPv4 suppression rules for addresses, link-layer broadcast and local facts. */
static void test10_icmp4_allowed_addresses(void **state)
{
    static const uint8_t mcast_mac[6] = {0x01, 0x00, 0x5e, 0, 0, 5};
    const uint32_t good = T_IP(192, 0, 2, 1), dst = T_IP(198, 51, 100, 7);

    (void)state;
    assert_true(allowed4(good, dst, t_mac_b, 0));
    assert_false(allowed4(good, dst, pkt_mac_bcast, 0));
    assert_false(allowed4(good, dst, mcast_mac, 0));
    assert_false(allowed4(good, T_IP(224, 0, 0, 5), t_mac_b, 0));
    assert_false(allowed4(good, T_IP(239, 1, 2, 3), t_mac_b, 0));
    assert_false(allowed4(good, 0xffffffff, t_mac_b, 0));
    assert_false(allowed4(good, dst, t_mac_b, PKT_ICMP_DST_SUBNET_BCAST));
    assert_false(allowed4(good, dst, t_mac_b, PKT_ICMP_SRC_SUBNET_BCAST));
    assert_false(allowed4(0, dst, t_mac_b, 0));
    assert_false(allowed4(T_IP(0, 1, 2, 3), dst, t_mac_b, 0));
    assert_false(allowed4(T_IP(127, 0, 0, 1), dst, t_mac_b, 0));
    assert_false(allowed4(T_IP(224, 0, 0, 1), dst, t_mac_b, 0));
    assert_false(allowed4(T_IP(240, 0, 0, 1), dst, t_mac_b, 0));
    assert_false(allowed4(0xffffffff, dst, t_mac_b, 0));
    assert_true(allowed4(T_IP(10, 255, 255, 255), dst, t_mac_b, 0)); /* only the caller knows */
}

/* 11. Check the IPv4 rules for ICMP errors, ICMP queries and fragments. */
static void test11_icmp4_allowed_kinds(void **state)
{
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    for (unsigned int type = 0; type < 256; type++) {
        bool err = type == 3 || type == 4 || type == 5 || type == 11 || type == 12 || type > 18;

        len = t_ipv4(f, IPPROTO_ICMP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 8);
        f[34] = (uint8_t)type;
        assert_int_equal(pkt_parse(f, len, &pi), 0);
        assert_int_equal(pkt_icmp4_error_allowed(&pi, 0), !err);
    }
    /* first fragment yes, later fragments no (even a non-ICMP one) */
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 16);
    t_ip4(f)->frag_off = htons(PKT_IPV4_MF);
    t_ip4_fix(f);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_true(pkt_icmp4_error_allowed(&pi, 0));
    t_ip4(f)->frag_off = htons(PKT_IPV4_MF | 2);
    t_ip4_fix(f);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_false(pkt_icmp4_error_allowed(&pi, 0));
    /* not IPv4 at all */
    assert_int_equal(pkt_parse(v_icmp6_echo, sizeof(v_icmp6_echo), &pi), 0);
    assert_false(pkt_icmp4_error_allowed(&pi, 0));
}

/* 12. Check the IPv6 rules: errors and redirects, multicast with its two exceptions, sources. */
static void test12_icmp6_allowed(void **state)
{
    static const uint8_t frag_later[8] = {IPPROTO_ICMPV6, 0, 0, 8, 0, 0, 0, 1};
    static const uint8_t frag_udp[8] = {IPPROTO_UDP, 0, 0, 8, 0, 0, 0, 1};
    struct in6_addr mc = t_in6("ff02::1"), any = IN6ADDR_ANY_INIT, lo = IN6ADDR_LOOPBACK_INIT;
    uint8_t f[T_FRAME];
    struct pkt_info pi;
    size_t len;

    (void)state;
    assert_int_equal(pkt_parse(v_udp6_ext, sizeof(v_udp6_ext), &pi), 0);
    assert_true(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
    for (unsigned int type = 0; type < 256; type++) {
        bool ok = type >= 128 && type != PKT_ICMP6_ND_REDIRECT;

        len = t_ipv6(f, IPPROTO_ICMPV6, NULL, 0, 8);
        f[54] = (uint8_t)type;
        assert_int_equal(pkt_parse(f, len, &pi), 0);
        assert_int_equal(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_DEST_UNREACH, 0), ok);
    }
    /* multicast destination: only packet too big and parameter problem code 2 */
    len = t_ipv6(f, IPPROTO_UDP, NULL, 0, 8);
    memcpy(f + 14 + 24, &mc, 16);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_DEST_UNREACH, 0));
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_PARAM_PROBLEM, 1));
    assert_true(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_PKT_TOO_BIG, 0));
    assert_true(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_PARAM_PROBLEM, 2));
    /* link-layer multicast and broadcast, same exceptions */
    len = t_ipv6(f, IPPROTO_UDP, NULL, 0, 8);
    memcpy(f, pkt_mac_bcast, 6);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
    assert_true(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_PKT_TOO_BIG, 0));
    f[0] = 0x33;
    f[1] = 0x33;
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_DEST_UNREACH, 0));
    /* sources that are not one node */
    const struct in6_addr *bad[] = {&any, &lo, &mc};
    for (int i = 0; i < 3; i++) {
        len = t_ipv6(f, IPPROTO_UDP, NULL, 0, 8);
        memcpy(f + 14 + 8, bad[i], 16);
        assert_int_equal(pkt_parse(f, len, &pi), 0);
        assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_PKT_TOO_BIG, 0));
    }
    /* a later fragment of ICMPv6 might be an error: no; of UDP: yes (RFC 4443 allows it) */
    len = t_ipv6(f, IPPROTO_FRAGMENT, frag_later, 8, 16);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
    len = t_ipv6(f, IPPROTO_FRAGMENT, frag_udp, 8, 16);
    assert_int_equal(pkt_parse(f, len, &pi), 0);
    assert_true(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
    assert_int_equal(pkt_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    assert_false(pkt_icmp6_error_allowed(&pi, PKT_ICMP6_TIME_EXCEEDED, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_arp),
        cmocka_unit_test(test02_nd_build),
        cmocka_unit_test(test03_ns_unicast),
        cmocka_unit_test(test04_nd_parse_good),
        cmocka_unit_test(test05_nd_parse_bad),
        cmocka_unit_test(test06_icmp4_bytes),
        cmocka_unit_test(test07_icmp4_frag_needed),
        cmocka_unit_test(test08_icmp4_quote),
        cmocka_unit_test(test09_icmp6_bytes),
        cmocka_unit_test(test10_icmp4_allowed_addresses),
        cmocka_unit_test(test11_icmp4_allowed_kinds),
        cmocka_unit_test(test12_icmp6_allowed),
    };

    return cmocka_run_group_tests_name("pkt_build", tests, NULL, NULL);
}
