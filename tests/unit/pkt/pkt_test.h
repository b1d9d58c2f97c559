/*
 * pkt_test.h - small frame makers shared by the src/pkt unit tests: an
 * Ethernet + IPv4 or IPv6 frame with a patterned payload and a correct
 * IPv4 header checksum, to be bent into the malformed shapes under test.
 * Reference frames from an independent implementation are in pkt_vectors.h.
 */
#ifndef VROOM_TESTS_PKT_TEST_H
#define VROOM_TESTS_PKT_TEST_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "pkt/pkt_csum.h"

static const uint8_t t_mac_a[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t t_mac_b[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

#define T_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static inline struct in6_addr t_in6(const char *s)
{
    struct in6_addr a;

    if (inet_pton(AF_INET6, s, &a) != 1)
        abort();
    return a;
}

static inline size_t t_eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, t_mac_a, 6);
    pkt_put_be16(f + 12, type);
    return PKT_ETH_HLEN;
}

static inline struct ipv4_hdr *t_ip4(uint8_t *f)
{
    return (struct ipv4_hdr *)(f + PKT_ETH_HLEN);
}

static inline void t_ip4_fix(uint8_t *f)
{
    pkt_ipv4_csum_set(t_ip4(f));
}

/* Ethernet + IPv4 (opts, optlen a multiple of 4) + paylen patterned bytes; returns frame length. */
static inline size_t t_ipv4(uint8_t *f, uint8_t proto, uint32_t src, uint32_t dst,
                            const uint8_t *opts, size_t optlen, size_t paylen)
{
    struct ipv4_hdr *ip = t_ip4(f);
    size_t hl = PKT_IPV4_HLEN + optlen;

    t_eth(f, t_mac_b, PKT_ETH_P_IPV4);
    memset(ip, 0, sizeof(*ip));
    ip->ver_ihl = (uint8_t)(0x40 | hl / 4);
    ip->tot_len = htons((uint16_t)(hl + paylen));
    ip->id = htons(0x0101);
    ip->ttl = 64;
    ip->proto = proto;
    ip->saddr = htonl(src);
    ip->daddr = htonl(dst);
    if (optlen)
        memcpy(f + PKT_ETH_HLEN + PKT_IPV4_HLEN, opts, optlen);
    for (size_t i = 0; i < paylen; i++)
        f[PKT_ETH_HLEN + hl + i] = (uint8_t)(i * 7 + 3);
    t_ip4_fix(f);
    return PKT_ETH_HLEN + hl + paylen;
}

/* Ethernet + IPv6 + ext[0..extlen) + paylen patterned bytes; returns frame length. */
static inline size_t t_ipv6(uint8_t *f, uint8_t nh, const uint8_t *ext, size_t extlen,
                            size_t paylen)
{
    struct ipv6_hdr *ip6 = (struct ipv6_hdr *)(f + PKT_ETH_HLEN);
    struct in6_addr s = t_in6("2001:db8::1"), d = t_in6("2001:db8::2");
    size_t l4 = PKT_ETH_HLEN + PKT_IPV6_HLEN + extlen;

    t_eth(f, t_mac_b, PKT_ETH_P_IPV6);
    ip6->ver_tc_flow = htonl(0x60000000u);
    ip6->payload_len = htons((uint16_t)(extlen + paylen));
    ip6->next_hdr = nh;
    ip6->hop_limit = 64;
    memcpy(ip6->saddr, &s, 16);
    memcpy(ip6->daddr, &d, 16);
    if (extlen)
        memcpy(f + PKT_ETH_HLEN + PKT_IPV6_HLEN, ext, extlen);
    for (size_t i = 0; i < paylen; i++)
        f[l4 + i] = (uint8_t)(i * 5 + 1);
    return l4 + paylen;
}

/* A heap copy of exactly len bytes, so ASan catches any read past the frame. */
static inline uint8_t *t_dup(const uint8_t *f, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    if (!p)
        abort();
    memcpy(p, f, len);
    return p;
}

/* pkt_parse() on an exact-size heap copy. */
static inline int t_parse(const uint8_t *f, size_t len, struct pkt_info *pi)
{
    uint8_t *p = t_dup(f, len);
    int r = pkt_parse(p, len, pi);

    free(p);
    return r;
}

#endif
