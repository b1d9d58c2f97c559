/*
 * pkt_build.h - building frames the data plane sends on its own: Ethernet
 * headers, ARP (RFC 826, RFC 5227), IPv6 neighbour discovery (RFC 4861) and
 * ICMP errors (RFC 792/1812 for IPv4, RFC 4443 for IPv6).
 *
 * Every builder writes into the caller's buffer buf[0..cap) and returns the
 * number of bytes written, or -ENOSPC when cap is too small (buf is then
 * unspecified), or -EINVAL for an input it cannot build from. Nothing is
 * allocated. Addresses: IPv4 in host order, MACs as 6-byte arrays.
 *
 * ARP and ND builders produce whole Ethernet frames (their link-layer
 * destination is known). ICMP error builders produce an IP packet without
 * Ethernet header, since the error is routed like any packet: leave
 * PKT_ETH_HLEN bytes of headroom before buf and call pkt_eth_build() there
 * once the next hop's MAC is known. Frames are not padded to 60 bytes.
 */
#ifndef VROOM_PKT_PKT_BUILD_H
#define VROOM_PKT_PKT_BUILD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

/* Ethernet header: returns PKT_ETH_HLEN or -ENOSPC. */
int pkt_eth_build(uint8_t *buf, size_t cap, const uint8_t *dst, const uint8_t *src,
                  uint16_t ethertype);

/*
 * Any ARP packet in an Ethernet frame (14 + 28 = 42 bytes): from `sha` to
 * `eth_dst`, with the given op, sender and target. tha may be NULL (zeros).
 */
int pkt_arp_build(uint8_t *buf, size_t cap, const uint8_t *eth_dst, uint16_t op, const uint8_t *sha,
                  uint32_t spa, const uint8_t *tha, uint32_t tpa);

/* Who has tpa? Tell spa: broadcast, target hardware address zero. */
int pkt_arp_request(uint8_t *buf, size_t cap, const uint8_t *sha, uint32_t spa, uint32_t tpa);

/* spa is at sha: unicast to the requester (tha, tpa). */
int pkt_arp_reply(uint8_t *buf, size_t cap, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
                  uint32_t tpa);

/*
 * Gratuitous ARP announcing ip at mac, broadcast, sender and target protocol
 * address both ip (RFC 5227 3 "ARP announcement"; RFC 5944 4.6). op is
 * PKT_ARP_OP_REQUEST (the usual form) or PKT_ARP_OP_REPLY (target hardware
 * address = mac, as some stacks expect); anything else is -EINVAL.
 */
int pkt_arp_gratuitous(uint8_t *buf, size_t cap, const uint8_t *mac, uint32_t ip, uint16_t op);

/*
 * Neighbour solicitation for target from src (RFC 4861 4.3, 7.2.2): to the
 * target's solicited-node multicast group and its 33:33 MAC when dst_mac is
 * NULL (address resolution), or unicast to target at dst_mac (reachability
 * confirmation). A source link-layer address option carrying src_mac is
 * included unless src is :: (duplicate address detection, RFC 4862 5.4.2).
 * Hop limit 255. Returns 14 + 40 + 24 (+ 8) bytes.
 */
int pkt_nd_ns_build(uint8_t *buf, size_t cap, const uint8_t *src_mac, const uint8_t *dst_mac,
                    const struct in6_addr *src, const struct in6_addr *target);

/*
 * Neighbour advertisement (RFC 4861 4.4, 7.2.4) for target, from src at
 * src_mac to dst at dst_mac, with flags PKT_ND_NA_* and a target link-layer
 * address option carrying src_mac. Hop limit 255. For a solicitation from
 * :: (DAD), the caller sends to ff02::1 (33:33:00:00:00:01) with S clear.
 */
int pkt_nd_na_build(uint8_t *buf, size_t cap, const uint8_t *src_mac, const uint8_t *dst_mac,
                    const struct in6_addr *src, const struct in6_addr *dst,
                    const struct in6_addr *target, uint32_t flags);

/* What pkt_nd_parse() found in a valid NS or NA. */
struct pkt_nd {
    uint8_t type;   /* PKT_ICMP6_ND_NS or PKT_ICMP6_ND_NA */
    uint32_t flags; /* NA: PKT_ND_NA_*, host order */
    struct in6_addr target;
    bool has_lla;              /* a source (NS) / target (NA) link-layer address option */
    uint8_t lla[PKT_ETH_ALEN]; /* its address (the first such option) */
};

/*
 * Validate an NS or NA that pkt_parse() parsed into pi (RFC 4861 7.1.1,
 * 7.1.2): hop limit 255, code 0, at least 24 bytes, ICMPv6 checksum,
 * target not multicast, every option of non-zero length inside the message;
 * NS from :: must go to a solicited-node group and carry no SLLA; NA to a
 * multicast destination must have S clear. Returns 0, PKT_ERR_ND_FORMAT,
 * PKT_ERR_L4_CSUM, or -EINVAL when pi is not an unfragmented NS/NA.
 */
int pkt_nd_parse(const uint8_t *frame, const struct pkt_info *pi, struct pkt_nd *nd);

/* ---- ICMP errors ---------------------------------------------------------- */

#define PKT_ICMP4_ERR_MAX 576  /* RFC 1812 4.3.2.3: the error is at most 576 bytes */
#define PKT_ICMP6_ERR_MAX 1280 /* RFC 4443 2.4(c): as much as fits in the IPv6 minimum MTU */

/* pkt_icmp4_error_allowed() facts only the caller knows. */
#define PKT_ICMP_DST_SUBNET_BCAST 0x1 /* destination is a directed broadcast of our subnet */
#define PKT_ICMP_SRC_SUBNET_BCAST 0x2 /* source is a directed broadcast of a known subnet */

/*
 * May an ICMPv4 error be sent about the packet pi describes (RFC 1812
 * 4.3.2.7, RFC 1122 3.2.2)? No when the packet is: an ICMP error (dest
 * unreachable, source quench, redirect, time exceeded, parameter problem)
 * or an ICMP packet whose type could not be read; a fragment other than the
 * first; sent to an IP broadcast or multicast address (or `local` says
 * PKT_ICMP_DST_SUBNET_BCAST); sent as a link-layer broadcast or multicast;
 * from a source that is not one host (0/8, 127/8, multicast, 240/4,
 * 255.255.255.255, or PKT_ICMP_SRC_SUBNET_BCAST). Rate limiting is the
 * caller's. pi must be a parsed IPv4 packet (false otherwise).
 */
bool pkt_icmp4_error_allowed(const struct pkt_info *pi, unsigned int local);

/*
 * May an ICMPv6 error of this type and code be sent about pi (RFC 4443
 * 2.4(e))? No when the packet is: an ICMPv6 error or redirect, or ICMPv6
 * whose type could not be read (a non-first fragment); sent to a multicast
 * address or as a link-layer multicast or broadcast, except for packet too
 * big and parameter problem code 2; from ::, ::1 or a multicast source.
 */
bool pkt_icmp6_error_allowed(const struct pkt_info *pi, uint8_t type, uint8_t code);

/* An ICMP error to build. */
struct pkt_icmp_err {
    uint8_t type;
    uint8_t code;
    uint8_t ttl;        /* TTL / hop limit of the error; 0 means 64 */
    uint16_t id;        /* IPv4 identification of the error packet */
    uint32_t mtu;       /* IPv4 fragmentation needed (16 bits), IPv6 packet too big */
    uint32_t pointer;   /* parameter problem (IPv4: 8 bits) */
    union pkt_addr src; /* the router's address the error is sent from */
};

/*
 * ICMPv4 error about the IPv4 packet frame + pi->l3_off (pi from pkt_parse()
 * on frame), to its source: a new IPv4 header (no options, TOS of the
 * original with internetwork-control precedence, DF clear), the ICMP header,
 * then the original IP header and as much of its data as fits in
 * PKT_ICMP4_ERR_MAX bytes (so at least header + 8 bytes, RFC 1812 4.3.2.3).
 * Checks nothing about whether the error is allowed: see above.
 */
int pkt_icmp4_error_build(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          const struct pkt_icmp_err *err);

/* The three a router sends, from src (host order). */
int pkt_icmp4_time_exceeded(uint8_t *buf, size_t cap, const uint8_t *frame,
                            const struct pkt_info *pi, uint32_t src);
int pkt_icmp4_dest_unreach(uint8_t *buf, size_t cap, const uint8_t *frame,
                           const struct pkt_info *pi, uint8_t code, uint32_t src);
int pkt_icmp4_frag_needed(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          uint16_t mtu, uint32_t src);

/*
 * ICMPv6 error about the IPv6 packet frame + pi->l3_off: a new IPv6 header
 * (next header 58, traffic class 0), the ICMPv6 header with its checksum,
 * then as much of the original packet as fits in PKT_ICMP6_ERR_MAX bytes.
 */
int pkt_icmp6_error_build(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          const struct pkt_icmp_err *err);

int pkt_icmp6_time_exceeded(uint8_t *buf, size_t cap, const uint8_t *frame,
                            const struct pkt_info *pi, const struct in6_addr *src);
int pkt_icmp6_dest_unreach(uint8_t *buf, size_t cap, const uint8_t *frame,
                           const struct pkt_info *pi, uint8_t code, const struct in6_addr *src);
int pkt_icmp6_pkt_too_big(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          uint32_t mtu, const struct in6_addr *src);

#endif
