/*
 * pbuf.h - packet buffers of vroomd's data plane.
 *
 * A pbuf holds one Ethernet frame (without FCS) with headroom in front, so
 * that a later wire encapsulation can prepend headers without a copy. Buffers
 * come from a pool owned by the data plane and go back to it; nothing on the
 * fast path calls malloc. A frame longer than PBUF_CAP is refused by the port
 * that received it and counted as oversize.
 */
#ifndef VROOM_DP_PBUF_H
#define VROOM_DP_PBUF_H

#include <stddef.h>
#include <stdint.h>

#define PBUF_HEADROOM 128
#define PBUF_CAP      9216 /* jumbo frames: MTU 9000 + Ethernet, with room to spare */

/* The sender left the L4 checksum for the NIC to fill (a veth peer with
 * checksum offload): the pipeline completes it before the frame leaves. */
#define PBUF_F_CSUM_PARTIAL 0x1

struct port;
struct pbuf_pool;

struct pbuf {
    uint8_t *data; /* first byte of the frame, inside buf */
    uint32_t len;  /* frame length */
    struct port *in;
    uint64_t rx_ns;         /* arrival time (CLOCK_MONOTONIC), for queues' ageing */
    uint32_t flags;         /* PBUF_F_* */
    struct pbuf *next;      /* link in pool free list and in queues */
    struct pbuf_pool *pool; /* where it goes back to */
    uint8_t buf[PBUF_HEADROOM + PBUF_CAP];
};

struct pbuf_pool;

/* A pool that grows in chunks up to max buffers. NULL on ENOMEM. */
struct pbuf_pool *pbuf_pool_create(unsigned max);
/* Frees the pool; every buffer must be back. pbuf_pool_free(NULL) does nothing. */
void pbuf_pool_free(struct pbuf_pool *pool);

/* A buffer with data at the headroom and len 0, or NULL if the pool is exhausted. */
struct pbuf *pbuf_alloc(struct pbuf_pool *pool);
/* Returns b to the pool it came from. pbuf_free(NULL) does nothing. */
void pbuf_free(struct pbuf *b);

/* Buffers handed out now, and the pool's limit. */
unsigned pbuf_pool_in_use(const struct pbuf_pool *pool);

/* Room left after the frame's end. */
static inline size_t pbuf_tailroom(const struct pbuf *b)
{
    return (size_t)(b->buf + sizeof(b->buf) - (b->data + b->len));
}

/* A FIFO of pbufs (for neighbour resolution). */
struct pbuf_queue {
    struct pbuf *head, *tail;
    unsigned len;
};

void pbuf_queue_push(struct pbuf_queue *q, struct pbuf *b);
struct pbuf *pbuf_queue_pop(struct pbuf_queue *q);
/* Frees every buffer in q; returns how many. */
unsigned pbuf_queue_purge(struct pbuf_queue *q);

#endif
