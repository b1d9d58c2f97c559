/*
 * port_native.c - the "native" port kind (port_native.h): the two ends of a
 * wire inside one vroomd. An end's tx_burst copies each frame into a buffer
 * of its peer's pool and queues it on the peer; the first frame on an empty
 * queue writes the peer's eventfd, which the data plane watches. The peer's
 * rx_burst takes frames off its queue and reads the eventfd once the queue
 * is empty. A frame never runs through the other end's pipeline inside the
 * sender's: each side has its own turn, as if a cable joined two ports.
 */
#include "dp/port_native.h"
#include "dp/port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct native_port {
    struct port *p;
    struct native_port *peer;
    uint32_t connector;
    struct pbuf_queue rxq;
    int evfd;
    int signalled; /* evfd written, not yet read */
    uint64_t drops[WIRE_DROP_MAX];
};

static int native_open(struct port *p, const char *ifname, int fd, char *err, size_t errlen)
{
    struct native_port *n = calloc(1, sizeof(*n));
    int rc;

    (void)ifname;
    (void)fd;
    if (n == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    n->p = p;
    n->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (n->evfd < 0) {
        rc = -errno;
        snprintf(err, errlen, "native: eventfd: %s", strerror(errno));
        free(n);
        return rc;
    }
    p->priv = n;
    return 0;
}

static void native_close(struct port *p)
{
    struct native_port *n = p->priv;

    port_native_unpair(p);
    pbuf_queue_purge(&n->rxq);
    close(n->evfd);
    free(n);
}

static int native_fd(const struct port *p)
{
    return ((const struct native_port *)p->priv)->evfd;
}

static unsigned native_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    struct native_port *n = p->priv;
    unsigned k = 0;

    while (k < max && (bufs[k] = pbuf_queue_pop(&n->rxq)) != NULL)
        k++;
    if (n->signalled && n->rxq.len == 0) {
        uint64_t v;

        if (read(n->evfd, &v, sizeof(v)) >= 0 || errno == EAGAIN)
            n->signalled = 0;
    }
    return k;
}

static unsigned native_tx(struct port *p, struct pbuf **bufs, unsigned cnt)
{
    struct native_port *n = p->priv, *peer = n->peer;
    unsigned sent = 0;

    for (unsigned i = 0; i < cnt; i++) {
        struct pbuf *b;

        if (peer == NULL) {
            n->drops[WIRE_DROP_NO_REMOTE]++;
            continue;
        }
        if (peer->rxq.len >= PORT_NATIVE_QUEUE) {
            peer->drops[WIRE_DROP_QUEUE_FULL]++;
            continue;
        }
        b = pbuf_alloc(peer->p->pool);
        if (b == NULL) {
            peer->drops[WIRE_DROP_NOBUF]++;
            continue;
        }
        /* frames fit: both ends' buffers are PBUF_CAP long */
        memcpy(b->data, bufs[i]->data, bufs[i]->len);
        b->len = bufs[i]->len;
        b->flags = bufs[i]->flags;
        pbuf_queue_push(&peer->rxq, b);
        sent++;
    }
    if (peer != NULL && peer->rxq.len > 0 && !peer->signalled) {
        uint64_t one = 1;

        if (write(peer->evfd, &one, sizeof(one)) == sizeof(one))
            peer->signalled = 1;
    }
    return sent;
}

const struct port_ops port_native_ops = {
    .kind = "native",
    .open = native_open,
    .close = native_close,
    .fd = native_fd,
    .rx_burst = native_rx,
    .tx_burst = native_tx,
};

bool port_native_is(const struct port *p)
{
    return p != NULL && p->ops == &port_native_ops;
}

int port_native_pair(struct port *a, struct port *b, uint32_t connector)
{
    struct native_port *na, *nb;

    if (!port_native_is(a) || !port_native_is(b) || a == b)
        return -EINVAL;
    na = a->priv;
    nb = b->priv;
    if (na->peer != NULL || nb->peer != NULL)
        return -EBUSY;
    na->peer = nb;
    nb->peer = na;
    na->connector = nb->connector = connector;
    return 0;
}

void port_native_unpair(struct port *p)
{
    struct native_port *n;

    if (!port_native_is(p))
        return;
    n = p->priv;
    if (n->peer != NULL)
        n->peer->peer = NULL;
    n->peer = NULL;
}

int port_native_info(const struct port *p, struct port_native_info *out)
{
    const struct native_port *n;

    if (!port_native_is(p))
        return -EINVAL;
    n = p->priv;
    memset(out, 0, sizeof(*out));
    out->peer = n->peer != NULL ? n->peer->p->name : NULL;
    out->connector = n->connector;
    out->queued = n->rxq.len;
    out->rx_packets = p->st.rx_packets;
    out->rx_bytes = p->st.rx_bytes;
    out->tx_packets = p->st.tx_packets;
    out->tx_bytes = p->st.tx_bytes;
    memcpy(out->drops, n->drops, sizeof(out->drops));
    return 0;
}
