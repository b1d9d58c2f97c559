/*
 * port_wire.h - the "wire" port kind: a VirtualWire connector to a remote
 * endpoint, carried in UDP in the VXLAN format (src/wire/).
 *
 * port_open("wire", ...) makes an idle wire; port_wire_setup() gives it its
 * connector ID, far end, local underlay address and type, and attaches it to
 * the underlay of that local address: one UDP socket per local address and
 * port, shared by every wire on it. The underlay receives with recvmmsg and
 * hands each datagram to the wire of its (connector ID, sender address);
 * anything else is dropped and counted on the underlay. A wire's rx_burst
 * returns decapsulated (opened) inner frames, its tx_burst encapsulates (or
 * seals) and sends with sendmmsg. docs/wires.md has the details.
 */
#ifndef VROOM_DP_PORT_WIRE_H
#define VROOM_DP_PORT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"
#include "wire/wire_secure.h"

struct port;

struct port_wire_config {
    uint32_t connector;
    struct wire_addr remote; /* port: WIRE_UDP_PORT unless given */
    struct wire_addr local;  /* family 0: 0.0.0.0:4789 */
    enum wire_type type;
    bool has_key; /* secure: keys now (else later, port_wire_key_set) */
    uint8_t epoch;
    uint8_t tx_key[WIRE_SEC_KEYLEN], rx_key[WIRE_SEC_KEYLEN];
    unsigned underlay_mtu; /* the underlay's IP MTU; 0: the route to remote's */
};

struct port_wire_stats {
    uint64_t rx_packets, rx_bytes; /* underlay datagrams and bytes (UDP payload) */
    uint64_t tx_packets, tx_bytes;
    uint64_t drops[WIRE_DROP_MAX]; /* by enum wire_drop */
};

struct port_wire_info {
    uint32_t connector;
    enum wire_type type;
    struct wire_addr local, remote;
    bool has_alt;         /* also accepting from alt (port_wire_accept_also) */
    struct wire_addr alt;
    unsigned underlay_mtu;
    unsigned overhead;  /* wire_overhead() */
    unsigned inner_max; /* longest inner frame carried */
    bool has_key;
    uint8_t epoch;
    uint64_t tx_counter;
    bool raw_tx; /* sending with per-flow source ports (raw socket) */
    struct port_wire_stats st;
};

/* Is p a wire port? */
bool port_wire_is(const struct port *p);

/*
 * Configure an idle wire and attach it to its underlay (made on first use).
 * 0 or -errno with err naming the field: -EINVAL (bad value), -EEXIST
 * (another wire has this connector to this remote), -EADDRINUSE, -EADDRNOTAVAIL
 * (local address), -EAFNOSUPPORT (IPv6 underlay: not yet), -EBUSY (set up).
 */
int port_wire_setup(struct port *p, const struct port_wire_config *cfg, char *err, size_t errlen);
/* Re-point the far end (link migration). Same errors. */
int port_wire_set_remote(struct port *p, const struct wire_addr *remote, char *err, size_t errlen);
/* Also accept datagrams from alt (its address; NULL: no more), besides the
 * remote: the old or the new place of a far end that moves, while frames
 * from both are in flight. A wire whose remote is alt wins over this one.
 * 0, or -EINVAL (not a wire set up, not IPv4). */
int port_wire_accept_also(struct port *p, const struct wire_addr *alt);
/* Announce the next epoch's rx key (wire_key_rx_next()). 0, -EINVAL, -ENOMEM. */
int port_wire_key_rx_next(struct port *p, uint8_t epoch, const uint8_t *rx_key);
/* Install keys (secure wires; see wire_key_set()). 0, -EINVAL, -ENOMEM. */
int port_wire_key_set(struct port *p, uint8_t epoch, const uint8_t *tx_key, const uint8_t *rx_key);
/* 0 or -EINVAL if p is not a wire. */
int port_wire_info(const struct port *p, struct port_wire_info *out);

/* The underlays, for listing: i < count. */
struct port_wire_underlay_info {
    struct wire_addr local;
    unsigned wires;
    bool raw_tx;
    struct port_wire_stats st;
};
unsigned port_wire_underlay_count(void);
int port_wire_underlay_info(unsigned i, struct port_wire_underlay_info *out);

#endif
