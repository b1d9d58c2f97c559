/*
 * port.h - packet interfaces vroomd owns: an ops table per kind.
 *
 * Kinds (each in port_<kind>.c): "afpacket" attaches to an existing
 * interface with memory-mapped AF_PACKET rings (TPACKET_V3 receive, batched
 * sendmmsg transmit); "tap" reads and writes a TAP device (the taps into a
 * VR's container, or a tap port vroomd makes itself); "mem" keeps frames in
 * memory queues, so the whole pipeline runs in unit tests on crafted frames;
 * "wire" (port_wire.h) carries frames to another host in UDP; "native"
 * (port_native.h) is one end of a wire whose other end is on this host.
 * The pipeline never switches on a kind. New kinds (AF_XDP) add a file and a
 * table entry.
 */
#ifndef VROOM_DP_PORT_H
#define VROOM_DP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "dp/pbuf.h"

#define PORT_NAME_MAX 31
#define PORT_BURST    64

struct port;

struct port_ops {
    const char *kind;
    /* Attach to ifname (a kind may ignore it). 0 or -errno with err set. */
    int (*open)(struct port *p, const char *ifname, int fd, char *err, size_t errlen);
    void (*close)(struct port *p);
    /* Descriptor to watch for input, or -1 (mem). */
    int (*fd)(const struct port *p);
    /* Up to max received frames into bufs (from p->pool). */
    unsigned (*rx_burst)(struct port *p, struct pbuf **bufs, unsigned max);
    /* Sends n frames; returns how many went out. Never frees. */
    unsigned (*tx_burst)(struct port *p, struct pbuf **bufs, unsigned n);
};

struct port_stats {
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
    uint64_t rx_oversize;   /* longer than PBUF_CAP, or truncated by the ring */
    uint64_t rx_nobuf;      /* pool exhausted */
    uint64_t tx_errors;     /* the kernel refused a frame */
    uint64_t rx_ring_drops; /* frames the kernel dropped: ring full */
};

struct port {
    char name[PORT_NAME_MAX + 1];
    char ifname[16];
    const struct port_ops *ops;
    void *priv;             /* the kind's state */
    struct pbuf_pool *pool; /* receive buffers come from here */
    void *owner;            /* what the port is bound to (a VR interface), or NULL */
    uint8_t role;           /* PORT_ROLE_*: which side of the VR interface it is */
    void *dp_priv;          /* the data plane's per-port state (dp.c) */
    struct port_stats st;
};

#define PORT_ROLE_EXTERNAL 0 /* a link to the outside: frames go through the pipeline */
#define PORT_ROLE_TAP      1 /* the VR interface's tap in its container: frames are injected */

/*
 * Open a port of kind ("afpacket", "tap", "mem") named name on ifname; fd is
 * an already open descriptor for kinds that take one (tap: -1 = create a tap
 * named ifname). Returns 0 and *out, or -errno with err set.
 */
int port_open(const char *kind, const char *name, const char *ifname, int fd,
              struct pbuf_pool *pool, struct port **out, char *err, size_t errlen);
/* port_close(NULL) does nothing. */
void port_close(struct port *p);

static inline int port_fd(const struct port *p)
{
    return p->ops->fd(p);
}

/* Receive a burst, counting. */
unsigned port_rx(struct port *p, struct pbuf **bufs, unsigned max);
/* Send n frames and free them all, counting what did not go out. */
void port_tx(struct port *p, struct pbuf **bufs, unsigned n);
/* Send one frame and free it. */
void port_tx1(struct port *p, struct pbuf *b);

/* Create (or attach to) the TAP device ifname in the current namespace: a
 * non-blocking descriptor, or -errno with err set. */
int port_tap_create(const char *ifname, char *err, size_t errlen);

/* The kinds. */
extern const struct port_ops port_afpacket_ops;
extern const struct port_ops port_tap_ops;
extern const struct port_ops port_mem_ops;
extern const struct port_ops port_wire_ops; /* port_wire.h */
extern const struct port_ops port_native_ops; /* port_native.h */

/* mem ports, for tests: queue a frame as received; take the next sent frame
 * (the caller frees it), or NULL. */
int port_mem_inject(struct port *p, const void *frame, size_t len);
struct pbuf *port_mem_take(struct port *p);
unsigned port_mem_pending(const struct port *p);

#endif
