/*
 * pkt_csum.h - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624), for IPv4 headers and UDP/TCP/ICMPv6 with pseudo-headers.
 *
 * Byte order: the one's complement sum is byte-order independent (RFC 1071
 * 2(B)), so every uint16_t checksum here is the value exactly as it sits in
 * the header field, in network byte order: store it with a plain assignment
 * to the packed struct field (ip->csum = pkt_ipv4_csum(ip)), never htons().
 * A "sum" (uint32_t) is an unfolded, uncomplemented partial sum that can be
 * fed back in to continue over another buffer.
 */
#ifndef VROOM_PKT_PKT_CSUM_H
#define VROOM_PKT_PKT_CSUM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

/*
 * Add buf[0..len) to sum (any alignment; an odd trailing byte is padded with
 * zero). Sums over consecutive buffers only compose when every buffer but
 * the last has an even length.
 */
uint32_t pkt_csum_add(uint32_t sum, const void *buf, size_t len);

/* Fold a partial sum to 16 bits and complement it: the checksum to store. */
static inline uint16_t pkt_csum_fold(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Checksum of one buffer: the field must be zero in buf when computing. */
static inline uint16_t pkt_csum(const void *buf, size_t len)
{
    return pkt_csum_fold(pkt_csum_add(0, buf, len));
}

/* IPv4 header checksum over IHL*4 bytes, treating the csum field as zero. */
uint16_t pkt_ipv4_csum(const struct ipv4_hdr *ip);

/* Compute and store the IPv4 header checksum. */
void pkt_ipv4_csum_set(struct ipv4_hdr *ip);

/* Pseudo-header partial sums (RFC 768, RFC 793; RFC 8200 8.1). Addresses
 * in host order for IPv4; len is the upper-layer length. */
uint32_t pkt_pseudo4_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);
uint32_t pkt_pseudo6_sum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t proto,
                         uint32_t len);

/*
 * Checksum of an upper-layer message l4[0..len) (its csum field zero) with
 * the pseudo-header. For UDP, a result of 0 must be sent as 0xffff
 * (RFC 768): pkt_udp_csum4/6 do that; these do not.
 */
uint16_t pkt_l4_csum4(uint32_t src, uint32_t dst, uint8_t proto, const void *l4, size_t len);
uint16_t pkt_l4_csum6(const struct in6_addr *src, const struct in6_addr *dst, uint8_t proto,
                      const void *l4, size_t len);
uint16_t pkt_udp_csum4(uint32_t src, uint32_t dst, const void *udp, size_t len);
uint16_t pkt_udp_csum6(const struct in6_addr *src, const struct in6_addr *dst, const void *udp,
                       size_t len);

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). csum is the stored checksum, old
 * and new the 16-bit word (or 32-bit pair of words) as stored in the packet
 * (network order). Gives what full recomputation gives, -0 cases included.
 */
static inline uint16_t pkt_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
    uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new_;
    return pkt_csum_fold(sum);
}

static inline uint16_t pkt_csum_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
    uint32_t sum = (uint16_t)~csum;
    sum += (uint16_t) ~(old >> 16) + (uint32_t)(uint16_t)~old;
    sum += (new_ >> 16) + (new_ & 0xffff);
    return pkt_csum_fold(sum);
}

/*
 * Decrement the TTL (mod 256) and fix the header checksum incrementally.
 * The caller checks ttl > 1 first (RFC 1812 5.3.1) and sends time exceeded
 * otherwise. Always keeps a correct checksum correct.
 */
static inline void pkt_ipv4_dec_ttl(struct ipv4_hdr *ip)
{
    uint16_t old, new_;
    uint8_t w[2];

    w[0] = ip->ttl;
    w[1] = ip->proto;
    memcpy(&old, w, 2);
    w[0] = (uint8_t)(ip->ttl - 1);
    memcpy(&new_, w, 2);
    ip->ttl = w[0];
    ip->csum = pkt_csum_update16(ip->csum, old, new_);
}

#endif
