/*
 * wire.h - the wire format: VirtualWire connectors carried in UDP, VXLAN
 * format (DESIGN.md, "Packet paths" item 3; docs/wires.md byte by byte).
 *
 *   outer Ethernet | IPv4 | UDP (dport 4789) | 8-byte wire header | inner frame
 *
 * The wire header is VXLAN's: flags 0x08, three zero bytes, then the 32-bit
 * connector ID big-endian across the 24-bit VNI and the last reserved byte.
 * An ID whose low byte is zero is the VNI ID >> 8 of plain VXLAN, so such a
 * wire ends on any VXLAN endpoint. A `secure` wire puts a 12-byte secure
 * header after it and a 16-byte tag after the sealed frame (wire_secure.h).
 *
 * Everything here works on caller buffers: encoders prepend headers into
 * the headroom in front of a frame (no copy of the frame), decoders check
 * every length and return 0 or a negative enum wire_drop reason, whose name
 * (wire_drop_name()) is the drop counter's name in the API. No allocation.
 * The sockets and the port kind are src/dp/port_wire.c.
 */
#ifndef VROOM_WIRE_WIRE_H
#define VROOM_WIRE_WIRE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_UDP_PORT 4789 /* IANA's VXLAN port */
#define WIRE_FLAGS    0x08 /* VXLAN's I flag: the VNI (here: connector) is valid */
#define WIRE_HLEN     8    /* the VXLAN-format header */
#define WIRE_ETH_HLEN 14
#define WIRE_IP4_HLEN 20
#define WIRE_IP6_HLEN 40
#define WIRE_UDP_HLEN 8
#define WIRE_TTL      64
#define WIRE_SPORT_LO 49152 /* source ports from the inner flow's hash (RFC 7348 5) */

/* Longest outer header any wire type prepends (IPv6 + secure, with Ethernet). */
#define WIRE_HEADROOM_MAX (WIRE_ETH_HLEN + WIRE_IP6_HLEN + WIRE_UDP_HLEN + WIRE_HLEN + 12)

enum wire_type {
    WIRE_ENCAP,  /* plain VXLAN format */
    WIRE_SECURE, /* AEAD-sealed frames with a replay window (wire_secure.h) */
};

/*
 * Drop reasons, counted per underlay (before a frame has a wire) or per wire.
 * Names are stable: they are counter names in the API (wire.stats).
 */
#define WIRE_DROPS(X)                                                                              \
    X(SHORT, "short")                         /* shorter than its headers */                       \
    X(BAD_FLAGS, "bad_flags")                 /* wire header flags byte is not 0x08 */             \
    X(BAD_RESERVED, "bad_reserved")           /* the three reserved bytes are not zero */          \
    X(NOT_IP, "not_ip")                       /* outer ethertype not IPv4 (full decode) */         \
    X(BAD_IP, "bad_ip")                       /* outer IPv4 header malformed, lengths wrong */     \
    X(FRAGMENT, "fragment")                   /* outer IPv4 fragment: not reassembled */           \
    X(NOT_UDP, "not_udp")                     /* outer protocol is not UDP */                      \
    X(BAD_UDP, "bad_udp")                     /* UDP length does not match */                      \
    X(WRONG_PORT, "wrong_port")               /* UDP destination is not the wire port */           \
    X(OVERSIZE, "oversize")                   /* datagram longer than a buffer */                  \
    X(UNKNOWN_CONNECTOR, "unknown_connector") /* no wire here has this ID */                       \
    X(UNKNOWN_PEER, "unknown_peer")           /* the ID's wires have another remote */             \
    X(INNER_SHORT, "inner_short")             /* inner frame shorter than Ethernet */              \
    X(NO_KEY, "no_key")                       /* secure wire without keys yet */                   \
    X(BAD_EPOCH, "bad_epoch")                 /* key epoch neither current nor previous */         \
    X(REPLAY, "replay")                       /* counter seen already or too old */                \
    X(AUTH, "auth")                           /* tag did not verify: forged or wrong key */        \
    X(NOBUF, "no_buffer")                     /* receive buffers exhausted */                      \
    X(QUEUE_FULL, "queue_full")               /* the wire's receive queue was full */              \
    X(MTU, "mtu_exceeded")                    /* tx: frame + overhead > underlay MTU */            \
    X(COUNTER_LIMIT, "counter_exhausted")     /* tx: 2^64 - 2^16 frames on one key */              \
    X(NO_REMOTE, "no_remote")                 /* tx: the wire has no underlay yet */               \
    X(TX_ERROR, "tx_error")                   /* tx: the kernel refused the datagram */

enum wire_drop {
    WIRE_OK = 0,
#define WIRE_DROP_ENUM(id, name) WIRE_DROP_##id,
    WIRE_DROPS(WIRE_DROP_ENUM)
#undef WIRE_DROP_ENUM
        WIRE_DROP_MAX,
};

/* "short", ... for reason r (either sign); "ok" for 0, "?" if out of range. */
const char *wire_drop_name(int r);

/* An underlay endpoint: address and UDP port (host order). IPv6 is parsed
 * and carried, but the encoders only do IPv4 for now (-EAFNOSUPPORT). */
struct wire_addr {
    uint8_t family; /* AF_INET, AF_INET6; 0 = none */
    uint16_t port;
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } u;
};

#define WIRE_ADDR_STRLEN 56

/* "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" (port 1-65535; default_port
 * when absent). 0 or -EINVAL. */
int wire_addr_parse(const char *s, uint16_t default_port, struct wire_addr *out);
/* "10.0.0.1:4789", "[2001:db8::1]:4789". Returns buf. */
char *wire_addr_format(const struct wire_addr *a, char *buf, size_t len);
/* Same family and address (ports ignored). */
bool wire_addr_same_host(const struct wire_addr *a, const struct wire_addr *b);

/* ---- the header and overheads ----------------------------------------------- */

/* The VXLAN VNI a connector ID is, when its low byte is zero. */
static inline bool wire_connector_is_vni(uint32_t connector)
{
    return (connector & 0xff) == 0;
}

static inline uint32_t wire_connector_vni(uint32_t connector)
{
    return connector >> 8;
}

/* Bytes a wire type puts around an inner frame inside the underlay's IP
 * packet (IP + UDP + wire header [+ secure header + tag]): an inner frame
 * fits when frame length + wire_overhead() <= underlay MTU. 0 for an unknown
 * family. Encap over IPv4: 36 (50 with the outer Ethernet header, VXLAN's
 * familiar number); secure over IPv4: 64. */
unsigned wire_overhead(enum wire_type type, int family);

/* The longest inner frame a wire carries over an underlay of IP MTU mtu
 * (0 if none fits). */
static inline unsigned wire_inner_max(enum wire_type type, int family, unsigned mtu)
{
    unsigned o = wire_overhead(type, family);

    return o != 0 && mtu > o ? mtu - o : 0;
}

/* Write the 8-byte wire header at p. */
void wire_hdr_put(uint8_t *p, uint32_t connector);
/* Read the wire header of payload[0..len): 0 and *connector, or -SHORT,
 * -BAD_FLAGS, -BAD_RESERVED. */
int wire_hdr_get(const uint8_t *payload, size_t len, uint32_t *connector);

/* The UDP source port for an inner frame: a hash of its flow (MACs and
 * ethertype; addresses, protocol and ports for IPv4/IPv6 TCP/UDP/SCTP, VLAN
 * tags skipped), mapped into 49152-65535 so the underlay's ECMP spreads
 * flows and keeps each one on a path (RFC 7348 section 5). Any length. */
uint16_t wire_flow_sport(const uint8_t *frame, size_t len);

/* ---- encoding: prepend into headroom ----------------------------------------- */

/*
 * Each encoder takes the current start *data of len *len bytes, with
 * headroom bytes free in front of it, writes its header in front and moves
 * *data and *len. 0, or -ENOSPC (headroom too small), -EMSGSIZE (would not
 * fit the IP length field), -EAFNOSUPPORT (IPv6: not yet).
 */
int wire_push_hdr(uint8_t **data, size_t *len, size_t headroom, uint32_t connector);
/* UDP (checksum zero, as RFC 7348 recommends over IPv4) and IPv4 (DF set,
 * TTL WIRE_TTL, id 0, header checksum filled). src 0.0.0.0: the kernel's
 * raw socket fills in the route's source. */
int wire_push_udp_ip(uint8_t **data, size_t *len, size_t headroom, const struct wire_addr *src,
                     const struct wire_addr *dst, uint16_t sport);
int wire_push_eth(uint8_t **data, size_t *len, size_t headroom, const uint8_t dst_mac[6],
                  const uint8_t src_mac[6]);

/* The whole encap frame: Ethernet / IPv4 / UDP / wire header in front of
 * the inner frame, the source port from wire_flow_sport(). */
struct wire_encap {
    uint32_t connector;
    struct wire_addr src, dst;
    uint8_t src_mac[6], dst_mac[6];
};
int wire_encap_frame(const struct wire_encap *e, uint8_t **data, size_t *len, size_t headroom);

/* ---- decoding ------------------------------------------------------------------ */

struct wire_pkt {
    struct wire_addr src, dst; /* outer addresses and UDP ports (full decode) */
    uint32_t connector;
    size_t hdr_off;   /* where the wire header starts */
    size_t inner_off; /* the inner frame (encap) or the secure header (secure) */
    size_t inner_len;
};

/*
 * A UDP payload (what a socket receives): wire header, then the rest.
 * type WIRE_ENCAP also requires an inner frame of at least an Ethernet
 * header (-INNER_SHORT); WIRE_SECURE leaves the rest to wire_sec_open().
 * 0 or a negative enum wire_drop.
 */
int wire_decode_payload(const uint8_t *payload, size_t len, enum wire_type type,
                        struct wire_pkt *out);
/*
 * A whole outer frame from Ethernet on (what a packet socket receives):
 * Ethernet (one VLAN tag allowed), IPv4 with options, UDP to udp_port, then
 * as wire_decode_payload(). 0 or a negative enum wire_drop.
 */
int wire_decode_frame(const uint8_t *frame, size_t len, uint16_t udp_port, enum wire_type type,
                      struct wire_pkt *out);

#endif
