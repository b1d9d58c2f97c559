/*
 * pkt_csum.c - the Internet checksum (RFC 1071) over buffers and with the
 * UDP/TCP/ICMPv6 pseudo-headers. The incremental update (RFC 1624) and the
 * TTL decrement are inline in pkt_csum.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "pkt/pkt_csum.h"

uint32_t pkt_csum_add(uint32_t sum, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint64_t acc = sum;

    /*
     * One's complement addition of 64-bit words with end-around carry is
     * the same sum as of 16-bit words (RFC 1071 2(C)); memcpy keeps any
     * alignment legal and compiles to plain loads.
     */
    while (len >= 8) {
        uint64_t w;

        memcpy(&w, p, 8);
        acc += w;
        if (acc < w)
            acc++;
        p += 8;
        len -= 8;
    }
    /* Fold to 33 bits so the tail below cannot overflow 64. */
    acc = (acc & 0xffffffffu) + (acc >> 32);
    if (len >= 4) {
        uint32_t w;

        memcpy(&w, p, 4);
        acc += w;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t w;

        memcpy(&w, p, 2);
        acc += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        uint8_t last[2] = {p[0], 0};
        uint16_t w;

        memcpy(&w, last, 2);
        acc += w;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)acc;
}

uint16_t pkt_ipv4_csum(const struct ipv4_hdr *ip)
{
    size_t hl = (size_t)(ip->ver_ihl & 0x0f) * 4;
    uint32_t sum = pkt_csum_add(0, ip, hl);

    /* Take the stored field back out: adding ~c subtracts c. */
    sum = (sum & 0xffff) + (sum >> 16);
    sum += (uint16_t)~ip->csum;
    return pkt_csum_fold(sum);
}

void pkt_ipv4_csum_set(struct ipv4_hdr *ip)
{
    ip->csum = 0;
    ip->csum = pkt_csum(ip, (size_t)(ip->ver_ihl & 0x0f) * 4);
}

static uint32_t sum_be32(uint32_t host)
{
    uint32_t n = htonl(host);

    return (n >> 16) + (n & 0xffff);
}

uint32_t pkt_pseudo4_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
    return sum_be32(src) + sum_be32(dst) + htons(proto) + sum_be32(len);
}

uint32_t pkt_pseudo6_sum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t proto,
                         uint32_t len)
{
    uint32_t sum = pkt_csum_add(0, src, 16);

    sum = pkt_csum_add(sum, dst, 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum + sum_be32(len) + htons(proto);
}

uint16_t pkt_l4_csum4(uint32_t src, uint32_t dst, uint8_t proto, const void *l4, size_t len)
{
    uint32_t sum = pkt_pseudo4_sum(src, dst, proto, (uint32_t)len);

    return pkt_csum_fold(pkt_csum_add(sum, l4, len));
}

uint16_t pkt_l4_csum6(const struct in6_addr *src, const struct in6_addr *dst, uint8_t proto,
                      const void *l4, size_t len)
{
    uint32_t sum = pkt_pseudo6_sum(src, dst, proto, (uint32_t)len);

    return pkt_csum_fold(pkt_csum_add(sum, l4, len));
}

uint16_t pkt_udp_csum4(uint32_t src, uint32_t dst, const void *udp, size_t len)
{
    uint16_t c = pkt_l4_csum4(src, dst, IPPROTO_UDP, udp, len);

    return c ? c : 0xffff;
}

uint16_t pkt_udp_csum6(const struct in6_addr *src, const struct in6_addr *dst, const void *udp,
                       size_t len)
{
    uint16_t c = pkt_l4_csum6(src, dst, IPPROTO_UDP, udp, len);

    return c ? c : 0xffff;
}
