/*
 * port_mem.c - ports that keep frames in memory, for unit tests: what a test
 * injects is received, what the pipeline sends is kept for the test to take.
 */
#include "dp/port.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct port_mem {
    struct pbuf_queue rxq, txq;
};

static int mem_open(struct port *p, const char *ifname, int fd, char *err, size_t errlen)
{
    (void)ifname;
    (void)fd;
    (void)err;
    (void)errlen;
    p->priv = calloc(1, sizeof(struct port_mem));
    return p->priv != NULL ? 0 : -ENOMEM;
}

static void mem_close(struct port *p)
{
    struct port_mem *m = p->priv;

    pbuf_queue_purge(&m->rxq);
    pbuf_queue_purge(&m->txq);
    free(m);
}

static int mem_fd(const struct port *p)
{
    (void)p;
    return -1;
}

static unsigned mem_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    struct port_mem *m = p->priv;
    unsigned n = 0;

    while (n < max && (bufs[n] = pbuf_queue_pop(&m->rxq)) != NULL)
        n++;
    return n;
}

/* Keeps a copy of each frame: port_tx frees what it hands us. */
static unsigned mem_tx(struct port *p, struct pbuf **bufs, unsigned n)
{
    struct port_mem *m = p->priv;

    for (unsigned i = 0; i < n; i++) {
        struct pbuf *c = pbuf_alloc(bufs[i]->pool);

        if (c == NULL)
            return i;
        memcpy(c->data, bufs[i]->data, bufs[i]->len);
        c->len = bufs[i]->len;
        pbuf_queue_push(&m->txq, c);
    }
    return n;
}

int port_mem_inject(struct port *p, const void *frame, size_t len)
{
    struct port_mem *m = p->priv;
    struct pbuf *b;

    if (len > PBUF_CAP)
        return -EMSGSIZE;
    b = pbuf_alloc(p->pool);
    if (b == NULL)
        return -ENOBUFS;
    memcpy(b->data, frame, len);
    b->len = (uint32_t)len;
    pbuf_queue_push(&m->rxq, b);
    return 0;
}

struct pbuf *port_mem_take(struct port *p)
{
    struct port_mem *m = p->priv;

    return pbuf_queue_pop(&m->txq);
}

unsigned port_mem_pending(const struct port *p)
{
    const struct port_mem *m = p->priv;

    return m->rxq.len;
}

const struct port_ops port_mem_ops = {
    .kind = "mem",
    .open = mem_open,
    .close = mem_close,
    .fd = mem_fd,
    .rx_burst = mem_rx,
    .tx_burst = mem_tx,
};
