/*
 * pbuf.c - the packet buffer pool. See pbuf.h.
 *
 * Buffers are allocated in chunks of 256 the first time they are needed, so
 * an idle vroomd with a large limit costs little; they go back to malloc only
 * when the pool is freed.
 */
#include "dp/pbuf.h"

#include <stdlib.h>

#define PBUF_CHUNK 256

struct pbuf_chunk {
    struct pbuf_chunk *next;
    struct pbuf bufs[PBUF_CHUNK];
};

struct pbuf_pool {
    struct pbuf *free;
    struct pbuf_chunk *chunks;
    unsigned allocated; /* buffers in chunks */
    unsigned in_use;
    unsigned max;
};

struct pbuf_pool *pbuf_pool_create(unsigned max)
{
    struct pbuf_pool *pool = calloc(1, sizeof(*pool));

    if (pool != NULL)
        pool->max = max;
    return pool;
}

void pbuf_pool_free(struct pbuf_pool *pool)
{
    struct pbuf_chunk *c, *next;

    if (pool == NULL)
        return;
    for (c = pool->chunks; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(pool);
}

static int pbuf_pool_grow(struct pbuf_pool *pool)
{
    struct pbuf_chunk *c;

    if (pool->allocated + PBUF_CHUNK > pool->max)
        return -1;
    c = malloc(sizeof(*c));
    if (c == NULL)
        return -1;
    c->next = pool->chunks;
    pool->chunks = c;
    for (unsigned i = 0; i < PBUF_CHUNK; i++) {
        c->bufs[i].pool = pool;
        c->bufs[i].next = pool->free;
        pool->free = &c->bufs[i];
    }
    pool->allocated += PBUF_CHUNK;
    return 0;
}

struct pbuf *pbuf_alloc(struct pbuf_pool *pool)
{
    struct pbuf *b;

    if (pool->free == NULL && pbuf_pool_grow(pool) != 0)
        return NULL;
    b = pool->free;
    pool->free = b->next;
    pool->in_use++;
    b->next = NULL;
    b->data = b->buf + PBUF_HEADROOM;
    b->len = 0;
    b->in = NULL;
    b->rx_ns = 0;
    b->flags = 0;
    return b;
}

void pbuf_free(struct pbuf *b)
{
    if (b == NULL)
        return;
    b->next = b->pool->free;
    b->pool->free = b;
    b->pool->in_use--;
}

unsigned pbuf_pool_in_use(const struct pbuf_pool *pool)
{
    return pool->in_use;
}

void pbuf_queue_push(struct pbuf_queue *q, struct pbuf *b)
{
    b->next = NULL;
    if (q->tail != NULL)
        q->tail->next = b;
    else
        q->head = b;
    q->tail = b;
    q->len++;
}

struct pbuf *pbuf_queue_pop(struct pbuf_queue *q)
{
    struct pbuf *b = q->head;

    if (b == NULL)
        return NULL;
    q->head = b->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->len--;
    b->next = NULL;
    return b;
}

unsigned pbuf_queue_purge(struct pbuf_queue *q)
{
    unsigned n = 0;
    struct pbuf *b;

    while ((b = pbuf_queue_pop(q)) != NULL) {
        pbuf_free(b);
        n++;
    }
    return n;
}
