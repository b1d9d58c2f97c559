/*
 * pkt.h - on-wire headers, the frame parser and address helpers.
 *
 * The data plane calls pkt_parse() on every frame it receives: it reads the
 * caller's buffer in place, never allocates, checks every length before use
 * and either fills a small struct pkt_info or returns one negative reason code
 * (enum pkt_err) that doubles as a drop-counter name (pkt_err_name()).
 *
 * On-wire structs are packed (alignment 1, so they may be laid over any byte
 * of a frame) and hold fields in network byte order as they are on the wire.
 * In the API, IPv4 addresses are uint32_t in host byte order; IPv6 addresses
 * are struct in6_addr.
 *
 * Neighbours: pkt_csum.h (Internet checksums, RFC 1624 incremental update,
 * TTL decrement), pkt_build.h (Ethernet, ARP, ND and ICMP error builders),
 * pkt_frag.h (IPv4 fragmentation). docs/packets.md has the drop reasons and
 * the ICMP rules with their RFC references.
 */
#ifndef VROOM_PKT_PKT_H
#define VROOM_PKT_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- on-wire headers (network byte order) ---------------------------- */

#define PKT_ETH_ALEN     6
#define PKT_ETH_HLEN     14
#define PKT_VLAN_HLEN    4
#define PKT_ETH_P_IPV4   0x0800
#define PKT_ETH_P_ARP    0x0806
#define PKT_ETH_P_8021Q  0x8100
#define PKT_ETH_P_8021AD 0x88a8
#define PKT_ETH_P_IPV6   0x86dd

struct eth_hdr {
    uint8_t dst[PKT_ETH_ALEN];
    uint8_t src[PKT_ETH_ALEN];
    uint16_t type;
} __attribute__((packed));

struct vlan_hdr {
    uint16_t tci;  /* PCP(3) DEI(1) VID(12) */
    uint16_t type; /* the inner ethertype */
} __attribute__((packed));

/* ARP for Ethernet/IPv4 only (RFC 826). */
#define PKT_ARP_HLEN       28
#define PKT_ARP_HTYPE_ETH  1
#define PKT_ARP_OP_REQUEST 1
#define PKT_ARP_OP_REPLY   2

struct arp_hdr {
    uint16_t htype; /* 1: Ethernet */
    uint16_t ptype; /* 0x0800 */
    uint8_t hlen;   /* 6 */
    uint8_t plen;   /* 4 */
    uint16_t op;
    uint8_t sha[PKT_ETH_ALEN];
    uint8_t spa[4];
    uint8_t tha[PKT_ETH_ALEN];
    uint8_t tpa[4];
} __attribute__((packed));

#define PKT_IPV4_HLEN    20 /* without options */
#define PKT_IPV4_DF      0x4000
#define PKT_IPV4_MF      0x2000
#define PKT_IPV4_OFFMASK 0x1fff

struct ipv4_hdr {
    uint8_t ver_ihl; /* version 4 (high nibble), header length in 32-bit words */
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off; /* flags (3 bits) and offset in 8-byte units */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum;
    uint32_t saddr;
    uint32_t daddr;
} __attribute__((packed));

#define PKT_IPV6_HLEN 40

struct ipv6_hdr {
    uint32_t ver_tc_flow; /* version 6, traffic class, flow label */
    uint16_t payload_len;
    uint8_t next_hdr;
    uint8_t hop_limit;
    uint8_t saddr[16];
    uint8_t daddr[16];
} __attribute__((packed));

/* Common start of hop-by-hop, routing and destination options headers. */
struct ipv6_opt_hdr {
    uint8_t next_hdr;
    uint8_t len; /* in 8-byte units, not counting the first 8 bytes */
} __attribute__((packed));

struct ipv6_frag_hdr {
    uint8_t next_hdr;
    uint8_t reserved;
    uint16_t frag_off; /* offset in 8-byte units << 3, M flag in bit 0 */
    uint32_t id;
} __attribute__((packed));

/* ICMPv4 and ICMPv6 share this 8-byte layout; `data` is the "rest of header". */
struct icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t csum;
    uint32_t data;
} __attribute__((packed));

#define PKT_ICMP_HLEN 8

/* ICMPv4 types (RFC 792) used here. */
#define PKT_ICMP4_ECHO_REPLY    0
#define PKT_ICMP4_DEST_UNREACH  3
#define PKT_ICMP4_SOURCE_QUENCH 4
#define PKT_ICMP4_REDIRECT      5
#define PKT_ICMP4_ECHO_REQUEST  8
#define PKT_ICMP4_TIME_EXCEEDED 11
#define PKT_ICMP4_PARAM_PROBLEM 12
/* Destination unreachable codes (RFC 792, RFC 1812 5.2.7.1). */
#define PKT_ICMP4_NET_UNREACH      0
#define PKT_ICMP4_HOST_UNREACH     1
#define PKT_ICMP4_PROTO_UNREACH    2
#define PKT_ICMP4_PORT_UNREACH     3
#define PKT_ICMP4_FRAG_NEEDED      4
#define PKT_ICMP4_NET_PROHIBITED   9
#define PKT_ICMP4_HOST_PROHIBITED  10
#define PKT_ICMP4_ADMIN_PROHIBITED 13

/* ICMPv6 types (RFC 4443, RFC 4861). Types below 128 are errors. */
#define PKT_ICMP6_DEST_UNREACH  1
#define PKT_ICMP6_PKT_TOO_BIG   2
#define PKT_ICMP6_TIME_EXCEEDED 3
#define PKT_ICMP6_PARAM_PROBLEM 4
#define PKT_ICMP6_ECHO_REQUEST  128
#define PKT_ICMP6_ECHO_REPLY    129
#define PKT_ICMP6_ND_RS         133
#define PKT_ICMP6_ND_RA         134
#define PKT_ICMP6_ND_NS         135
#define PKT_ICMP6_ND_NA         136
#define PKT_ICMP6_ND_REDIRECT   137
/* Destination unreachable codes (RFC 4443 3.1). */
#define PKT_ICMP6_NOROUTE        0
#define PKT_ICMP6_ADM_PROHIBITED 1
#define PKT_ICMP6_ADDR_UNREACH   3
#define PKT_ICMP6_PORT_UNREACH   4
/* Parameter problem code 2: unrecognised IPv6 option (RFC 4443 3.4). */
#define PKT_ICMP6_PARAMPROB_OPTION 2

/* Neighbour solicitation and advertisement body (RFC 4861 4.3, 4.4). */
#define PKT_ND_HLEN         24
#define PKT_ND_NA_ROUTER    0x80000000u /* flags, host order */
#define PKT_ND_NA_SOLICITED 0x40000000u
#define PKT_ND_NA_OVERRIDE  0x20000000u
#define PKT_ND_OPT_SLLA     1
#define PKT_ND_OPT_TLLA     2

struct nd_msg {
    uint8_t type;
    uint8_t code;
    uint16_t csum;
    uint32_t flags; /* NA: R, S, O in the top bits; NS: reserved, zero */
    uint8_t target[16];
} __attribute__((packed));

/* Source/target link-layer address option for Ethernet: 8 bytes, len 1. */
struct nd_opt_lla {
    uint8_t type; /* PKT_ND_OPT_SLLA or PKT_ND_OPT_TLLA */
    uint8_t len;  /* in 8-byte units: 1 */
    uint8_t mac[PKT_ETH_ALEN];
} __attribute__((packed));

struct udp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint16_t len;
    uint16_t csum;
} __attribute__((packed));

#define PKT_UDP_HLEN 8
#define PKT_TCP_HLEN 20 /* without options */

struct tcp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t doff; /* data offset in 32-bit words (high nibble) */
    uint8_t flags;
    uint16_t window;
    uint16_t csum;
    uint16_t urg;
} __attribute__((packed));

_Static_assert(sizeof(struct eth_hdr) == PKT_ETH_HLEN, "eth_hdr");
_Static_assert(sizeof(struct vlan_hdr) == PKT_VLAN_HLEN, "vlan_hdr");
_Static_assert(sizeof(struct arp_hdr) == PKT_ARP_HLEN, "arp_hdr");
_Static_assert(sizeof(struct ipv4_hdr) == PKT_IPV4_HLEN, "ipv4_hdr");
_Static_assert(sizeof(struct ipv6_hdr) == PKT_IPV6_HLEN, "ipv6_hdr");
_Static_assert(sizeof(struct ipv6_frag_hdr) == 8, "ipv6_frag_hdr");
_Static_assert(sizeof(struct icmp_hdr) == PKT_ICMP_HLEN, "icmp_hdr");
_Static_assert(sizeof(struct nd_msg) == PKT_ND_HLEN, "nd_msg");
_Static_assert(sizeof(struct nd_opt_lla) == 8, "nd_opt_lla");
_Static_assert(sizeof(struct udp_hdr) == PKT_UDP_HLEN, "udp_hdr");
_Static_assert(sizeof(struct tcp_hdr) == PKT_TCP_HLEN, "tcp_hdr");

/* ---- the parser --------------------------------------------------------- */

/*
 * Why a frame was refused. Values are negative so pkt_parse() can return them
 * directly; size drop-counter arrays [PKT_ERR_COUNT] and index them by -err
 * (index 0, "ok", is unused). Names are stable: see pkt_err_name().
 */
enum pkt_err {
    PKT_OK = 0,
    PKT_ERR_TRUNC_ETH = -1,   /* "trunc_eth": shorter than an Ethernet header */
    PKT_ERR_TRUNC_VLAN = -2,  /* "trunc_vlan": 802.1Q tag cut short */
    PKT_ERR_TRUNC_ARP = -3,   /* "trunc_arp": shorter than an Ethernet/IPv4 ARP packet */
    PKT_ERR_ARP_FORMAT = -4,  /* "arp_format": not htype 1, ptype 0x0800, hlen 6, plen 4 */
    PKT_ERR_ARP_OP = -5,      /* "arp_op": neither request nor reply */
    PKT_ERR_TRUNC_IP = -6,    /* "trunc_ip": shorter than the fixed IP header or IHL */
    PKT_ERR_IP_VERSION = -7,  /* "ip_version": version nibble disagrees with ethertype */
    PKT_ERR_IP_HDRLEN = -8,   /* "ip_hdrlen": IPv4 IHL below 5 */
    PKT_ERR_IP_TOTLEN = -9,   /* "ip_totlen": total length below IHL or beyond the frame */
    PKT_ERR_IP_CSUM = -10,    /* "ip_csum": IPv4 header checksum wrong */
    PKT_ERR_IP_OPTS = -11,    /* "ip_opts": IPv4 options malformed (length overruns) */
    PKT_ERR_IP_FRAG = -12,    /* "ip_frag": fragment would end past 65535 bytes */
    PKT_ERR_IP6_PAYLEN = -13, /* "ip6_paylen": payload length beyond the frame (or jumbo) */
    PKT_ERR_IP6_EXTHDR = -14, /* "ip6_exthdr": extension header cut short, misplaced
                               * hop-by-hop, or more than PKT_IP6_MAX_EXTHDR of them */
    PKT_ERR_TRUNC_L4 = -15,   /* "trunc_l4": first fragment too short for its UDP, TCP
                               * or ICMP header */
    PKT_ERR_L4_HDRLEN = -16,  /* "l4_hdrlen": TCP data offset below 5 or beyond the packet */
    PKT_ERR_ND_FORMAT = -17,  /* "nd_format": pkt_nd_parse(): RFC 4861 validity checks */
    PKT_ERR_L4_CSUM = -18,    /* "l4_csum": pkt_nd_parse(): ICMPv6 checksum wrong */
};

#define PKT_ERR_COUNT 19 /* number of reasons + 1 (for "ok") */

/* Stable short name for a reason ("ip_csum"); "ok" for 0, "unknown" otherwise. */
const char *pkt_err_name(int err);

#define PKT_IP6_MAX_EXTHDR 8 /* extension headers walked before giving up */

enum pkt_l3 {
    PKT_L3_NONE = 0, /* unknown ethertype (or 802.3 length): nothing past L2 parsed */
    PKT_L3_ARP,
    PKT_L3_IPV4,
    PKT_L3_IPV6,
};

/* pkt_info.flags */
#define PKT_F_VLAN     0x0001 /* one 802.1Q/802.1ad tag was present (vlan_tci) */
#define PKT_F_L2_BCAST 0x0002 /* destination MAC is ff:ff:ff:ff:ff:ff */
#define PKT_F_L2_MCAST 0x0004 /* destination MAC has the group bit (broadcast too) */
#define PKT_F_IP_OPTS  0x0008 /* IPv4 header carries options (IHL > 5) */
#define PKT_F_DF       0x0010 /* IPv4 don't fragment */
#define PKT_F_MF       0x0020 /* more fragments (IPv4 MF, IPv6 M) */
#define PKT_F_FRAG     0x0040 /* a fragment: MF or offset != 0, or an IPv6 fragment header */
#define PKT_F_IP6_EXT  0x0080 /* IPv6 extension headers were walked */
#define PKT_F_IP6_HBH  0x0100 /* IPv6 hop-by-hop options header present */
#define PKT_F_L4       0x0200 /* sport/dport or icmp_type/code are valid */

union pkt_addr {
    uint32_t v4; /* host byte order */
    struct in6_addr v6;
};

/*
 * What pkt_parse() found. Offsets are from the start of the frame. Only
 * fields meaningful for the l3 kind are set; the rest are zero.
 */
struct pkt_info {
    uint16_t l3_off;      /* first byte after Ethernet (and VLAN) header */
    uint16_t l4_off;      /* upper-layer header (after IPv4 options / IPv6 ext headers) */
    uint16_t payload_off; /* after the UDP/TCP/ICMP header; == l4_off when no L4 parsed */
    uint16_t ethertype;   /* host order; the inner one when tagged */
    uint32_t l3_len;      /* IPv4 total length, IPv6 40 + payload length, ARP 28;
                           * the frame may hold padding after it */
    uint16_t vlan_tci;    /* host order; valid with PKT_F_VLAN */
    uint16_t flags;       /* PKT_F_* */
    uint16_t frag_off;    /* fragment offset in bytes */
    uint16_t arp_op;      /* ARP: host order */
    uint8_t l3;           /* enum pkt_l3 */
    uint8_t proto;        /* IPv4 protocol / IPv6 upper-layer next header */
    uint8_t ttl;          /* TTL or hop limit */
    uint8_t tos;          /* IPv4 TOS / IPv6 traffic class */
    uint16_t sport;       /* UDP/TCP, host order (PKT_F_L4) */
    uint16_t dport;
    uint8_t icmp_type; /* ICMPv4/ICMPv6 (PKT_F_L4) */
    uint8_t icmp_code;
    uint32_t frag_id;   /* IPv4 identification or IPv6 fragment id, host order */
    union pkt_addr src; /* IPv4/IPv6 source; ARP sender protocol address */
    union pkt_addr dst; /* IPv4/IPv6 destination; ARP target protocol address */
};

/*
 * Parse the Ethernet frame buf[0..len) into *pi. Returns 0 or a negative
 * enum pkt_err; on error *pi is partly filled (l3_off, ethertype, flags of
 * what was parsed so far) and must not be trusted otherwise.
 *
 * Checked: Ethernet and one VLAN tag; ARP format and op; IPv4 version, IHL,
 * total length, header checksum, option lengths, fragment end; IPv6 version,
 * payload length, extension header chain (hop-by-hop first only, at most
 * PKT_IP6_MAX_EXTHDR, each inside the payload). The UDP, TCP (data offset)
 * and ICMP headers are required in unfragmented packets and first fragments.
 * Not checked (a router does not): UDP/TCP/ICMP checksums, UDP length,
 * martian addresses (see pkt_ipv4_src_martian() and friends).
 */
int pkt_parse(const uint8_t *buf, size_t len, struct pkt_info *pi);

/* ---- byte helpers ------------------------------------------------------- */

static inline uint16_t pkt_get_be16(const void *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return ntohs(v);
}

static inline uint32_t pkt_get_be32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

static inline void pkt_put_be16(void *p, uint16_t v)
{
    v = htons(v);
    memcpy(p, &v, 2);
}

static inline void pkt_put_be32(void *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

/* ---- MAC helpers -------------------------------------------------------- */

#define PKT_MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and NUL */

extern const uint8_t pkt_mac_bcast[PKT_ETH_ALEN];

static inline bool pkt_mac_is_bcast(const uint8_t *mac)
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

/* Group bit set: multicast or broadcast. */
static inline bool pkt_mac_is_mcast(const uint8_t *mac)
{
    return mac[0] & 0x01;
}

static inline bool pkt_mac_is_zero(const uint8_t *mac)
{
    return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static inline bool pkt_mac_equal(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, PKT_ETH_ALEN) == 0;
}

/* Format as "aa:bb:cc:dd:ee:ff" into buf (PKT_MAC_STRLEN bytes); returns buf. */
char *pkt_mac_format(const uint8_t *mac, char *buf);

/* Parse "aa:bb:cc:dd:ee:ff" (hex digits, either case). Returns 0 or -EINVAL. */
int pkt_mac_parse(const char *s, uint8_t *mac);

/* 01:00:5e + low 23 bits of the group (RFC 1112 6.4). */
void pkt_ipv4_mcast_mac(uint32_t group, uint8_t *mac);

/* 33:33 + low 32 bits of the group (RFC 2464 7). */
void pkt_ipv6_mcast_mac(const struct in6_addr *group, uint8_t *mac);

/* ff02::1:ffXX:XXXX from the low 24 bits of addr (RFC 4291 2.7.1). */
void pkt_ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *out);

/* ---- IPv4 address classes (host order) ---------------------------------- */

#define PKT_IPV4_BCAST 0xffffffffu

static inline bool pkt_ipv4_is_mcast(uint32_t a)
{
    return (a & 0xf0000000u) == 0xe0000000u; /* 224/4 */
}

/* 224.0.0.0/24: local network control block, never forwarded (RFC 5771). */
static inline bool pkt_ipv4_is_ll_mcast(uint32_t a)
{
    return (a & 0xffffff00u) == 0xe0000000u;
}

static inline bool pkt_ipv4_is_loopback(uint32_t a)
{
    return (a >> 24) == 127;
}

static inline bool pkt_ipv4_is_zeronet(uint32_t a)
{
    return (a >> 24) == 0;
}

/* 169.254/16 (RFC 3927): routers must not forward it. */
static inline bool pkt_ipv4_is_linklocal(uint32_t a)
{
    return (a & 0xffff0000u) == 0xa9fe0000u;
}

/*
 * Martian sources (RFC 1812 5.3.7, RFC 1122 3.2.1.3): 0.0.0.0/8, 127.0.0.0/8,
 * 224.0.0.0/4 (multicast), 240.0.0.0/4 including 255.255.255.255. A router
 * must not forward a packet with such a source. Directed broadcasts of the
 * router's own subnets are for the caller to check: only it knows them.
 */
bool pkt_ipv4_src_martian(uint32_t a);

/*
 * Martian destinations (RFC 1812 5.3.7, 4.2.2.11): 0.0.0.0/8, 127.0.0.0/8,
 * 240.0.0.0/4 except 255.255.255.255 (limited broadcast is local, not
 * martian: the pipeline must not forward it but may receive it).
 */
bool pkt_ipv4_dst_martian(uint32_t a);

/* ---- IPv6 address classes ----------------------------------------------- */

static inline bool pkt_ipv6_is_unspec(const struct in6_addr *a)
{
    static const struct in6_addr any = IN6ADDR_ANY_INIT;
    return memcmp(a, &any, sizeof(any)) == 0;
}

static inline bool pkt_ipv6_is_loopback(const struct in6_addr *a)
{
    static const struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;
    return memcmp(a, &lo, sizeof(lo)) == 0;
}

static inline bool pkt_ipv6_is_mcast(const struct in6_addr *a)
{
    return a->s6_addr[0] == 0xff;
}

/* Multicast scope nibble (RFC 4291 2.7): 1 interface, 2 link, 5 site, e global. */
static inline unsigned int pkt_ipv6_mcast_scope(const struct in6_addr *a)
{
    return a->s6_addr[1] & 0x0f;
}

/* fe80::/10: routers must not forward it (RFC 4291 2.5.6). */
static inline bool pkt_ipv6_is_linklocal(const struct in6_addr *a)
{
    return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* ::ffff:0:0/96 */
static inline bool pkt_ipv6_is_v4mapped(const struct in6_addr *a)
{
    static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

static inline bool pkt_ipv6_equal(const struct in6_addr *a, const struct in6_addr *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

/*
 * Martian sources (RFC 4291 2.5.2, 2.5.3, 2.7; RFC 4038 4.2): the unspecified
 * address ::, loopback ::1, multicast ff00::/8 and IPv4-mapped ::ffff:0:0/96.
 * Link-local sources are legal on the link but must not be forwarded: that
 * is a scope check for the caller (pkt_ipv6_is_linklocal()).
 */
bool pkt_ipv6_src_martian(const struct in6_addr *a);

/*
 * Martian destinations (RFC 4291 2.5.2, 2.5.3, 2.7): ::, ::1, IPv4-mapped,
 * and multicast of scope 0 (reserved) or 1 (interface-local, never on a wire).
 */
bool pkt_ipv6_dst_martian(const struct in6_addr *a);

#endif
