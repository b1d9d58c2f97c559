/*
 * port_wire.c - the "wire" port kind and the underlays it runs on. See
 * port_wire.h; the format is src/wire/, the story docs/wires.md.
 *
 * An underlay is one UDP socket bound to a local address and port (0.0.0.0:4789
 * by default), shared by every wire on it, plus a raw IPv4 socket to send
 * with: through it each datagram gets the UDP source port of its inner
 * flow's hash (RFC 7348's advice for ECMP), which one UDP socket could not
 * give. Without CAP_NET_RAW the wires send from the UDP socket, source port
 * fixed.
 *
 * Receiving: each wire's descriptor is an epoll set holding its own eventfd;
 * the set of exactly one wire of the underlay (its "primary") also holds the
 * UDP socket. The primary's rx_burst drains the socket with recvmmsg and
 * sorts datagrams by (connector ID, sender address): its own frames it
 * returns, others go on their wire's queue and wake that wire through its
 * eventfd (once, when the queue stops being empty). So one datagram wakes one
 * watcher however many wires share the socket, and nothing waits for the next
 * datagram to be noticed. When the primary closes, another wire takes over.
 *
 * Wires on an underlay are found by connector ID (a chain per hash bucket,
 * the wires of one ID to different remotes side by side), so an unknown ID
 * and a known ID from an unknown sender are told apart and counted apart.
 */
#include "dp/port_wire.h"
#include "dp/port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define WIRE_BUCKETS  256
#define WIRE_RXQ_MAX  1024 /* frames waiting for a non-primary wire */
#define WIRE_RCVBUF   (4 << 20)
#define WIRE_MTU_DFLT 1500

struct underlay;

struct wire_port {
    struct port *p;
    struct underlay *u;      /* NULL until set up */
    struct wire_port *hnext; /* chain of u's bucket */
    uint32_t connector;
    enum wire_type type;
    struct wire_addr remote;
    struct wire_addr alt; /* also accepted from (a move in progress), if has_alt */
    bool has_alt;
    struct sockaddr_in remote_sa; /* where datagrams go (port 0 for the raw socket) */
    unsigned mtu;
    int mtu_fixed;
    struct wire_sec *sec; /* secure wires */
    struct pbuf_queue rxq;
    int epfd, evfd;
    int signalled; /* evfd written, not yet read */
    struct port_wire_stats st;
};

struct underlay {
    struct wire_addr local;
    int fd;    /* UDP, bound to local */
    int rawfd; /* IPPROTO_RAW for sending, or -1 */
    unsigned wires;
    struct wire_port *primary;
    struct wire_port *buckets[WIRE_BUCKETS];
    struct port_wire_stats st;
    struct underlay *next;
};

static struct underlay *underlays;

static unsigned bucket_of(uint32_t connector)
{
    return (connector * 0x9e3779b1u) >> 24;
}

static void count_drop(struct port_wire_stats *st, int reason)
{
    if (reason < 0)
        reason = -reason;
    if (reason > 0 && reason < WIRE_DROP_MAX)
        st->drops[reason]++;
}

/* ---- the underlay --------------------------------------------------------------------- */

static struct sockaddr_in sa_of(const struct wire_addr *a)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(a->port)};

    sa.sin_addr = a->u.v4;
    return sa;
}

static struct underlay *underlay_find(const struct wire_addr *local)
{
    for (struct underlay *u = underlays; u != NULL; u = u->next)
        if (wire_addr_same_host(&u->local, local) && u->local.port == local->port)
            return u;
    return NULL;
}

static struct underlay *underlay_create(const struct wire_addr *local, int *rc, char *err,
                                        size_t errlen)
{
    struct underlay *u = calloc(1, sizeof(*u));
    struct sockaddr_in sa = sa_of(local);
    int bufsz = WIRE_RCVBUF;
    char a[WIRE_ADDR_STRLEN];

    if (u == NULL) {
        *rc = -ENOMEM;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->local = *local;
    u->rawfd = -1;
    u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd < 0 || bind(u->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        *rc = -errno;
        snprintf(err, errlen, "local: cannot bind %s: %s", wire_addr_format(local, a, sizeof(a)),
                 strerror(errno));
        if (u->fd >= 0)
            close(u->fd);
        free(u);
        return NULL;
    }
    /* best effort: a deep queue rides out bursts between wake-ups */
    if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) != 0)
        setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
    u->rawfd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
    if (u->rawfd >= 0 &&
        setsockopt(u->rawfd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) != 0)
        setsockopt(u->rawfd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
    u->next = underlays;
    underlays = u;
    return u;
}

static void underlay_free(struct underlay *u)
{
    for (struct underlay **pp = &underlays; *pp != NULL; pp = &(*pp)->next)
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    close(u->fd);
    if (u->rawfd >= 0)
        close(u->rawfd);
    free(u);
}

/* The wire of (connector, sender), or NULL with *why the reason. */
static struct wire_port *underlay_lookup(const struct underlay *u, uint32_t connector,
                                         const struct wire_addr *from, int *why)
{
    struct wire_port *alt = NULL;

    *why = -WIRE_DROP_UNKNOWN_CONNECTOR;
    for (struct wire_port *w = u->buckets[bucket_of(connector)]; w != NULL; w = w->hnext) {
        if (w->connector != connector)
            continue;
        if (wire_addr_same_host(&w->remote, from))
            return w;
        if (w->has_alt && alt == NULL && wire_addr_same_host(&w->alt, from))
            alt = w; /* a wire's own remote wins over another's alternate */
        *why = -WIRE_DROP_UNKNOWN_PEER;
    }
    return alt;
}

static int make_primary(struct underlay *u, struct wire_port *w)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = u->fd};

    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, u->fd, &ev) != 0)
        return -errno;
    u->primary = w;
    return 0;
}

static void underlay_attach(struct underlay *u, struct wire_port *w)
{
    unsigned b = bucket_of(w->connector);

    w->u = u;
    w->hnext = u->buckets[b];
    u->buckets[b] = w;
    u->wires++;
    if (u->primary == NULL)
        make_primary(u, w);
}

static void underlay_detach(struct wire_port *w)
{
    struct underlay *u = w->u;

    if (u == NULL)
        return;
    for (struct wire_port **pp = &u->buckets[bucket_of(w->connector)]; *pp != NULL;
         pp = &(*pp)->hnext)
        if (*pp == w) {
            *pp = w->hnext;
            break;
        }
    w->u = NULL;
    w->hnext = NULL;
    u->wires--;
    if (u->primary == w) {
        epoll_ctl(w->epfd, EPOLL_CTL_DEL, u->fd, NULL);
        u->primary = NULL;
        for (unsigned i = 0; i < WIRE_BUCKETS && u->primary == NULL; i++)
            for (struct wire_port *o = u->buckets[i]; o != NULL && u->primary == NULL; o = o->hnext)
                make_primary(u, o);
    }
    if (u->wires == 0)
        underlay_free(u);
}

/* ---- receive ------------------------------------------------------------------------ */

/* Decapsulate or open the datagram in b (len bytes at b->data) for w. */
static int wire_input(struct wire_port *w, struct pbuf *b, size_t len)
{
    uint8_t *inner;
    size_t inner_len;
    int rc;

    if (w->type == WIRE_SECURE) {
        rc = wire_sec_open(w->sec, b->data, len, &inner, &inner_len);
        if (rc != 0)
            return rc;
        b->data = inner;
        b->len = (uint32_t)inner_len;
        return 0;
    }
    if (len < WIRE_HLEN + WIRE_ETH_HLEN)
        return -WIRE_DROP_INNER_SHORT;
    b->data += WIRE_HLEN;
    b->len = (uint32_t)(len - WIRE_HLEN);
    return 0;
}

static void wire_wake(struct wire_port *w)
{
    uint64_t one = 1;

    if (!w->signalled && write(w->evfd, &one, sizeof(one)) == sizeof(one))
        w->signalled = 1;
}

/* Nothing to receive into: take one datagram off the socket and count it,
 * so a readable socket never spins the loop. */
static void underlay_drop_one(struct underlay *u)
{
    uint8_t scratch[64];

    if (recv(u->fd, scratch, sizeof(scratch), MSG_DONTWAIT | MSG_TRUNC) >= 0)
        u->st.drops[WIRE_DROP_NOBUF]++;
}

/* Drain up to max datagrams: self's frames into out (returns how many),
 * the others' onto their queues. */
static unsigned underlay_recv(struct underlay *u, struct wire_port *self, struct pbuf **out,
                              unsigned max)
{
    struct mmsghdr msgs[PORT_BURST];
    struct iovec iov[PORT_BURST];
    struct sockaddr_in from[PORT_BURST];
    struct pbuf *bufs[PORT_BURST];
    unsigned k = 0, n = 0;
    int r;

    if (max > PORT_BURST)
        max = PORT_BURST;
    while (k < max && (bufs[k] = pbuf_alloc(self->p->pool)) != NULL) {
        iov[k].iov_base = bufs[k]->data;
        iov[k].iov_len = PBUF_CAP;
        memset(&msgs[k], 0, sizeof(msgs[k]));
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
        msgs[k].msg_hdr.msg_name = &from[k];
        msgs[k].msg_hdr.msg_namelen = sizeof(from[k]);
        k++;
    }
    if (k == 0) {
        underlay_drop_one(u);
        return 0;
    }
    r = recvmmsg(u->fd, msgs, k, MSG_DONTWAIT, NULL);
    for (int i = 0; i < r; i++) {
        struct pbuf *b = bufs[i];
        size_t len = msgs[i].msg_len;
        struct wire_addr src = {.family = AF_INET};
        struct wire_port *w;
        uint32_t connector;
        int rc;

        bufs[i] = NULL;
        u->st.rx_packets++;
        u->st.rx_bytes += len;
        src.u.v4 = from[i].sin_addr;
        src.port = ntohs(from[i].sin_port);
        if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) || len > PBUF_CAP)
            rc = -WIRE_DROP_OVERSIZE;
        else if (from[i].sin_family != AF_INET)
            rc = -WIRE_DROP_UNKNOWN_PEER;
        else
            rc = wire_hdr_get(b->data, len, &connector);
        if (rc != 0 || (w = underlay_lookup(u, connector, &src, &rc)) == NULL) {
            count_drop(&u->st, rc);
            pbuf_free(b);
            continue;
        }
        if ((rc = wire_input(w, b, len)) != 0) {
            count_drop(&w->st, rc);
            pbuf_free(b);
            continue;
        }
        w->st.rx_packets++;
        w->st.rx_bytes += len;
        if (w == self) {
            out[n++] = b;
        } else if (w->rxq.len >= WIRE_RXQ_MAX) {
            w->st.drops[WIRE_DROP_QUEUE_FULL]++;
            pbuf_free(b);
        } else {
            pbuf_queue_push(&w->rxq, b);
            wire_wake(w);
        }
    }
    for (unsigned i = r > 0 ? (unsigned)r : 0; i < k; i++)
        pbuf_free(bufs[i]);
    return n;
}

/* ---- the port kind ---------------------------------------------------------------- */

static int wire_open(struct port *p, const char *ifname, int fd, char *err, size_t errlen)
{
    struct wire_port *w = calloc(1, sizeof(*w));
    struct epoll_event ev = {.events = EPOLLIN};
    int rc;

    (void)ifname;
    (void)fd;
    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    w->p = p;
    w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    ev.data.fd = w->evfd;
    if (w->evfd < 0 || w->epfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) != 0) {
        rc = -errno;
        snprintf(err, errlen, "wire: %s", strerror(errno));
        if (w->evfd >= 0)
            close(w->evfd);
        if (w->epfd >= 0)
            close(w->epfd);
        free(w);
        return rc;
    }
    p->priv = w;
    return 0;
}

static void wire_close(struct port *p)
{
    struct wire_port *w = p->priv;

    underlay_detach(w);
    pbuf_queue_purge(&w->rxq);
    close(w->evfd);
    close(w->epfd);
    wire_sec_free(w->sec);
    free(w);
}

static int wire_fd(const struct port *p)
{
    return ((const struct wire_port *)p->priv)->epfd;
}

static unsigned wire_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    struct wire_port *w = p->priv;
    unsigned n = 0;

    while (n < max && (bufs[n] = pbuf_queue_pop(&w->rxq)) != NULL)
        n++;
    if (w->u != NULL && w->u->primary == w && n < max)
        n += underlay_recv(w->u, w, bufs + n, max - n);
    if (w->signalled && w->rxq.len == 0) {
        uint64_t v;

        if (read(w->evfd, &v, sizeof(v)) >= 0 || errno == EAGAIN)
            w->signalled = 0;
    }
    return n;
}

/* Bytes wire_tx puts in front of and behind an inner frame. */
static unsigned tx_front(const struct wire_port *w)
{
    return (w->u->rawfd >= 0 ? WIRE_IP4_HLEN + WIRE_UDP_HLEN : 0) + WIRE_HLEN +
           (w->type == WIRE_SECURE ? WIRE_SEC_HLEN : 0);
}

static unsigned tx_back(const struct wire_port *w)
{
    return w->type == WIRE_SECURE ? WIRE_SEC_TAGLEN : 0;
}

/* Encapsulate (or seal) b in place into what goes to the socket. */
static int wire_prepare(struct wire_port *w, struct pbuf *b)
{
    uint8_t *data = b->data;
    size_t len = b->len, headroom = (size_t)(b->data - b->buf);
    uint16_t sport;
    int rc;

    if (len > wire_inner_max(w->type, AF_INET, w->mtu))
        return -WIRE_DROP_MTU;
    sport = wire_flow_sport(data, len);
    if (w->type == WIRE_SECURE)
        rc = wire_sec_seal(w->sec, w->connector, &data, &len, headroom, pbuf_tailroom(b));
    else
        rc = wire_push_hdr(&data, &len, headroom, w->connector) != 0 ? -WIRE_DROP_OVERSIZE : 0;
    if (rc != 0)
        return rc;
    if (w->u->rawfd >= 0 && wire_push_udp_ip(&data, &len, (size_t)(data - b->buf), &w->u->local,
                                             &w->remote, sport) != 0)
        return -WIRE_DROP_OVERSIZE;
    b->data = data;
    b->len = (uint32_t)len;
    return 0;
}

static void swap_to(struct pbuf **bufs, unsigned from, unsigned to)
{
    /* bubble bufs[from] to index to (>= from), keeping the others' order */
    for (unsigned i = from; i < to; i++) {
        struct pbuf *t = bufs[i];

        bufs[i] = bufs[i + 1];
        bufs[i + 1] = t;
    }
}

static unsigned wire_tx(struct port *p, struct pbuf **bufs, unsigned n)
{
    struct wire_port *w = p->priv;
    struct mmsghdr msgs[PORT_BURST];
    struct iovec iov[PORT_BURST];
    unsigned ok = 0, done = 0, waits = 0, front, back;
    int fd;

    if (w->u == NULL) {
        w->st.drops[WIRE_DROP_NO_REMOTE] += n;
        return 0;
    }
    front = tx_front(w);
    back = tx_back(w);
    fd = w->u->rawfd >= 0 ? w->u->rawfd : w->u->fd;
    /* encapsulate the ones that can go to the front, the others to the back */
    for (unsigned i = 0; i < n; i++) {
        int rc = wire_prepare(w, bufs[i]);

        if (rc != 0) {
            count_drop(&w->st, rc);
            continue;
        }
        if (i != ok) {
            struct pbuf *t = bufs[ok];

            bufs[ok] = bufs[i];
            bufs[i] = t;
        }
        ok++;
    }
    while (done < ok) {
        unsigned k = ok - done < PORT_BURST ? ok - done : PORT_BURST;
        int sent;

        for (unsigned i = 0; i < k; i++) {
            iov[i].iov_base = bufs[done + i]->data;
            iov[i].iov_len = bufs[done + i]->len;
            memset(&msgs[i], 0, sizeof(msgs[i]));
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &w->remote_sa;
            msgs[i].msg_hdr.msg_namelen = sizeof(w->remote_sa);
        }
        sent = sendmmsg(fd, msgs, k, MSG_DONTWAIT);
        if (sent > 0) {
            for (int i = 0; i < sent; i++) {
                size_t dg = bufs[done + (unsigned)i]->len -
                            (w->u->rawfd >= 0 ? WIRE_IP4_HLEN + WIRE_UDP_HLEN : 0);

                w->st.tx_bytes += dg;
                w->u->st.tx_bytes += dg;
            }
            w->st.tx_packets += (unsigned)sent;
            w->u->st.tx_packets += (unsigned)sent;
            done += (unsigned)sent;
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
            /* the queue is full: wait briefly for room rather than drop */
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};

            if (++waits <= 10 && poll(&pfd, 1, 1) >= 0)
                continue;
            break;
        }
        /* this datagram cannot go (no route, too big for the path...): skip it */
        w->st.drops[WIRE_DROP_TX_ERROR]++;
        swap_to(bufs, done, ok - 1);
        ok--;
    }
    w->st.drops[WIRE_DROP_TX_ERROR] += ok - done;
    /* give the frames back as they came: the port counts inner bytes */
    for (unsigned i = 0; i < ok; i++) {
        bufs[i]->data += front;
        bufs[i]->len -= front + back;
    }
    return done;
}

const struct port_ops port_wire_ops = {
    .kind = "wire",
    .open = wire_open,
    .close = wire_close,
    .fd = wire_fd,
    .rx_burst = wire_rx,
    .tx_burst = wire_tx,
};

/* ---- configuration -------------------------------------------------------------------- */

bool port_wire_is(const struct port *p)
{
    return p != NULL && p->ops == &port_wire_ops;
}

/* The IP MTU of the route to remote, or 1500 if there is none yet. */
static unsigned route_mtu(const struct wire_addr *remote)
{
    struct sockaddr_in sa = sa_of(remote);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = 0;
    socklen_t sl = sizeof(mtu);

    if (s < 0)
        return WIRE_MTU_DFLT;
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockopt(s, IPPROTO_IP, IP_MTU, &mtu, &sl) != 0 || mtu < 68)
        mtu = WIRE_MTU_DFLT;
    close(s);
    return (unsigned)mtu;
}

static int check_remote(const struct wire_addr *remote, char *err, size_t errlen)
{
    if (remote->family == AF_INET6) {
        snprintf(err, errlen, "remote: IPv6 underlays are not supported yet");
        return -EAFNOSUPPORT;
    }
    if (remote->family != AF_INET || remote->u.v4.s_addr == INADDR_ANY ||
        IN_MULTICAST(ntohl(remote->u.v4.s_addr)) ||
        remote->u.v4.s_addr == htonl(INADDR_BROADCAST) || remote->port == 0) {
        snprintf(err, errlen, "remote: must be a unicast IPv4 address and a port");
        return -EINVAL;
    }
    return 0;
}

/* Is there a wire other than self with connector to remote on u? */
static struct wire_port *underlay_dup(const struct underlay *u, const struct wire_port *self,
                                      uint32_t connector, const struct wire_addr *remote)
{
    if (u == NULL)
        return NULL;
    for (struct wire_port *w = u->buckets[bucket_of(connector)]; w != NULL; w = w->hnext)
        if (w != self && w->connector == connector && wire_addr_same_host(&w->remote, remote))
            return w;
    return NULL;
}

static void wire_set_remote(struct wire_port *w, const struct wire_addr *remote)
{
    w->remote = *remote;
    w->remote_sa = sa_of(remote);
    if (w->u != NULL && w->u->rawfd >= 0)
        w->remote_sa.sin_port = 0; /* raw: the UDP header we write says where */
    if (!w->mtu_fixed)
        w->mtu = route_mtu(remote);
}

int port_wire_setup(struct port *p, const struct port_wire_config *cfg, char *err, size_t errlen)
{
    struct wire_port *w = p->priv, *dup;
    struct wire_addr local = cfg->local;
    struct underlay *u;
    int rc;

    if (!port_wire_is(p)) {
        snprintf(err, errlen, "name: %s is not a wire", p->name);
        return -EINVAL;
    }
    if (w->u != NULL) {
        snprintf(err, errlen, "name: %s is set up already", p->name);
        return -EBUSY;
    }
    if ((rc = check_remote(&cfg->remote, err, errlen)) != 0)
        return rc;
    if (local.family == 0) {
        local.family = AF_INET;
        local.u.v4.s_addr = INADDR_ANY;
        local.port = WIRE_UDP_PORT;
    }
    if (local.family != AF_INET || local.port == 0) {
        snprintf(err, errlen, "local: must be an IPv4 address and a port");
        return local.family == AF_INET6 ? -EAFNOSUPPORT : -EINVAL;
    }
    if (cfg->type != WIRE_ENCAP && cfg->type != WIRE_SECURE) {
        snprintf(err, errlen, "type: encap or secure");
        return -EINVAL;
    }
    if (cfg->has_key && cfg->type != WIRE_SECURE) {
        snprintf(err, errlen, "key: only secure wires have keys");
        return -EINVAL;
    }
    if (cfg->underlay_mtu != 0 &&
        (cfg->underlay_mtu < 68 ||
         wire_inner_max(cfg->type, AF_INET, cfg->underlay_mtu) < WIRE_ETH_HLEN + 20)) {
        snprintf(err, errlen, "underlay_mtu: %u leaves no room for a frame", cfg->underlay_mtu);
        return -EINVAL;
    }
    u = underlay_find(&local);
    if ((dup = underlay_dup(u, w, cfg->connector, &cfg->remote)) != NULL) {
        snprintf(err, errlen, "connector: wire %s has connector %u to that remote already",
                 dup->p->name, cfg->connector);
        return -EEXIST;
    }
    if (cfg->type == WIRE_SECURE) {
        w->sec = wire_sec_new();
        if (w->sec == NULL) {
            snprintf(err, errlen, "out of memory");
            return -ENOMEM;
        }
        if (cfg->has_key &&
            (rc = wire_key_set(w->sec, cfg->epoch, cfg->tx_key, cfg->rx_key)) != 0) {
            snprintf(err, errlen, rc == -EINVAL ? "key: tx and rx must differ" : "out of memory");
            goto fail;
        }
    }
    if (u == NULL && (u = underlay_create(&local, &rc, err, errlen)) == NULL)
        goto fail;
    w->connector = cfg->connector;
    w->type = cfg->type;
    w->mtu_fixed = cfg->underlay_mtu != 0;
    w->mtu = cfg->underlay_mtu;
    underlay_attach(u, w);
    wire_set_remote(w, &cfg->remote);
    return 0;
fail:
    wire_sec_free(w->sec);
    w->sec = NULL;
    return rc;
}

int port_wire_set_remote(struct port *p, const struct wire_addr *remote, char *err, size_t errlen)
{
    struct wire_port *w = p->priv, *dup;
    int rc;

    if (!port_wire_is(p) || w->u == NULL) {
        snprintf(err, errlen, "name: %s is not a wire that is set up", p->name);
        return -EINVAL;
    }
    if ((rc = check_remote(remote, err, errlen)) != 0)
        return rc;
    if ((dup = underlay_dup(w->u, w, w->connector, remote)) != NULL) {
        snprintf(err, errlen, "remote: wire %s has connector %u to that remote already",
                 dup->p->name, w->connector);
        return -EEXIST;
    }
    wire_set_remote(w, remote);
    return 0;
}

int port_wire_key_set(struct port *p, uint8_t epoch, const uint8_t *tx_key, const uint8_t *rx_key)
{
    struct wire_port *w = p->priv;

    if (!port_wire_is(p) || w->sec == NULL)
        return -EINVAL;
    return wire_key_set(w->sec, epoch, tx_key, rx_key);
}

int port_wire_accept_also(struct port *p, const struct wire_addr *alt)
{
    struct wire_port *w = p->priv;

    if (!port_wire_is(p) || w->u == NULL)
        return -EINVAL;
    if (alt == NULL) {
        w->has_alt = false;
        return 0;
    }
    if (alt->family != AF_INET)
        return -EINVAL;
    w->alt = *alt;
    w->has_alt = true;
    return 0;
}

int port_wire_key_rx_next(struct port *p, uint8_t epoch, const uint8_t *rx_key)
{
    struct wire_port *w = p->priv;

    if (!port_wire_is(p) || w->sec == NULL)
        return -EINVAL;
    return wire_key_rx_next(w->sec, epoch, rx_key);
}

int port_wire_info(const struct port *p, struct port_wire_info *out)
{
    const struct wire_port *w;

    if (!port_wire_is(p))
        return -EINVAL;
    w = p->priv;
    memset(out, 0, sizeof(*out));
    out->connector = w->connector;
    out->type = w->type;
    out->remote = w->remote;
    out->has_alt = w->has_alt;
    out->alt = w->alt;
    if (w->u != NULL) {
        out->local = w->u->local;
        out->raw_tx = w->u->rawfd >= 0;
    }
    out->underlay_mtu = w->mtu;
    out->overhead = wire_overhead(w->type, AF_INET);
    out->inner_max = wire_inner_max(w->type, AF_INET, w->mtu);
    if (w->sec != NULL) {
        out->has_key = wire_sec_has_key(w->sec);
        out->epoch = wire_sec_epoch(w->sec);
        out->tx_counter = wire_sec_tx_counter(w->sec);
    }
    out->st = w->st;
    return 0;
}

unsigned port_wire_underlay_count(void)
{
    unsigned n = 0;

    for (const struct underlay *u = underlays; u != NULL; u = u->next)
        n++;
    return n;
}

int port_wire_underlay_info(unsigned i, struct port_wire_underlay_info *out)
{
    const struct underlay *u = underlays;

    while (u != NULL && i-- > 0)
        u = u->next;
    if (u == NULL)
        return -ENOENT;
    out->local = u->local;
    out->wires = u->wires;
    out->raw_tx = u->rawfd >= 0;
    out->st = u->st;
    return 0;
}
