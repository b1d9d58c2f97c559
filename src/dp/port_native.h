/*
 * port_native.h - the "native" port kind: the two ends of a wire whose
 * endpoints are both on this host. Frames pass inside vroomd from one end to
 * the other: no encapsulation, no overhead, no socket.
 *
 * port_open("native", ...) makes an idle end; port_native_pair() joins two
 * idle ends. A frame one end sends is copied into a buffer of the other's
 * pool and queued on it (up to PORT_NATIVE_QUEUE frames, then queue_full);
 * the other end's eventfd wakes its watcher, so the far side runs in its own
 * turn of the loop and a loop of wires never recurses. Counters are per end
 * (port_native_info()); the wire's are the two ends' together.
 */
#ifndef VROOM_DP_PORT_NATIVE_H
#define VROOM_DP_PORT_NATIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/wire.h"

struct port;

#define PORT_NATIVE_QUEUE 1024

struct port_native_info {
    const char *peer; /* the other end's port name, NULL when unpaired */
    uint32_t connector;
    unsigned queued; /* frames waiting to be received here */
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint64_t drops[WIRE_DROP_MAX]; /* no_remote (unpaired), queue_full, no_buffer */
};

/* Is p a native port? */
bool port_native_is(const struct port *p);
/* Join two idle native ends a and b as the wire connector. 0, or -EINVAL
 * (not native ends, the same end), -EBUSY (one is paired already). */
int port_native_pair(struct port *a, struct port *b, uint32_t connector);
/* Unpair p and its peer (frames already queued stay). */
void port_native_unpair(struct port *p);
/* 0, or -EINVAL if p is not a native port. */
int port_native_info(const struct port *p, struct port_native_info *out);

#endif
