/*
 * endpoint.c - the endpoint controller (endpoint.h): peers, the endpoint
 * directory, wires made by name between hosts, and endpoint moves.
 *
 * Everything runs in vroomd's loop. The API methods never wait for a peer:
 * wire.connect and endpoint.move check what can be checked here, start the
 * exchange and return; the wire's state (wire.show) then says "lookup",
 * "connecting", "up", "moving", "draining" or "failed" with the reason.
 *
 * Peer messages (docs/wires.md, "The endpoint controller"): each payload is
 * one JSON object of at most EP_MSG_MAX bytes. Every member is checked with
 * the same getters as the API before use; unknown members, a missing or
 * mistyped member or bad JSON refuse the message (the channel then closes
 * the connection, counted as a handler refusal). A request that is well
 * formed but cannot be done is answered with {"ok": false, "error": ...}.
 *
 * Neighbours: the wire port kind (port_wire.c), the peer channel
 * (src/peer/peer.h), the API table (api.c calls endpoint_register()).
 */
#include "dp/endpoint.h"
#include "dp/endpoint_msg.h"
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/port.h"
#include "dp/port_native.h"
#include "dp/port_wire.h"
#include "dp/vr.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "peer/peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EP_LOOKUP_S     2.0 /* a lookup nobody answered fails after this */
#define EP_CONNECT_S    5.0 /* a connect or move the far host did not answer fails */
#define EP_GRACE_MS     2000

enum ep_wire_state {
    W_LOOKUP,     /* asking peers where the far endpoint is */
    W_CONNECTING, /* our end is made, the far host is making its own */
    W_UP,
    W_MOVING,   /* our endpoint's new host is making its end */
    W_DRAINING, /* moved away: forwarding what is in flight, then gone */
    W_FAILED,   /* see error; wire.disconnect forgets it */
};

static const char *const state_names[] = {"lookup", "connecting", "up",
                                          "moving", "draining",   "failed"};

struct ep_peer {
    struct peer *p;
    char name[PEER_NAME_MAX + 1];
    char addr[64]; /* where we dial it ("" : it dials us) */
    uint16_t port;
    char underlay[EP_UNDERLAY_MAX]; /* from its INFO; "" until then */
};

/* A remote endpoint's location, from the directory. */
struct ep_loc {
    char host[PEER_NAME_MAX + 1];
    char underlay[EP_UNDERLAY_MAX];
};

struct ep_cache {
    char ep[EP_NAME_MAX + 1];
    struct ep_loc loc;
    struct ep_cache *next;
};

/* An endpoint of ours that was moved to another host: it is not ours now. */
struct ep_moved {
    char ep[EP_NAME_MAX + 1];
    char host[PEER_NAME_MAX + 1];
    struct ep_moved *next;
};

struct ep_ctl;

/* A wire's second pair of ports while its kind changes (native <-> remote). */
enum ep_extra {
    X_NONE,
    X_PREPARED, /* remote -> native: the native pair is made, the far end comes here */
    X_DRAINING, /* native -> remote: the moved end's old pair forwards what is in flight */
};

struct ep_wire {
    uint32_t connector;
    bool secure;
    bool native; /* both ends here: local and remote are ours, port and port2 a pair */
    enum ep_wire_state state;
    char local[EP_NAME_MAX + 1];  /* our endpoint */
    char remote[EP_NAME_MAX + 1]; /* the far one */
    struct ep_loc far;            /* where the far one is (native: this host) */
    char port[PORT_NAME_MAX + 1]; /* our wire port, "" when none (native: local's end) */
    char port2[PORT_NAME_MAX + 1]; /* native: remote's end */
    char move_to[PEER_NAME_MAX + 1];
    char move_ep[EP_NAME_MAX + 1]; /* native: the end that moves */
    char error[160];
    uint64_t req; /* id of the request we wait on */
    ev_timer timer;
    int move_phase; /* W_MOVING: 1 waiting for the far host's EXPECT_READY, 2 for MOVE_READY */
    ev_timer alttimer; /* our wire port also accepts from a moving far end's other place */
    enum ep_extra xstate;
    char xport[2][PORT_NAME_MAX + 1]; /* X_PREPARED: [0] the staying end's, [1] the arriving
                                       * end's (bound); X_DRAINING: [0] the leaving end's
                                       * (bound), [1] its old peer */
    ev_timer xtimer;
    struct ep_ctl *ctl;
    struct ep_wire *next;
};

/*
 * The directory: where an endpoint lives. The embedded one asks the peers
 * and caches their answers; a distributed store can replace it by filling
 * this table.
 */
struct ep_directory {
    const char *name;
    /* 0 with *loc when known now; -EAGAIN when asked (answers arrive as
     * dir_found()); -ENOTCONN when nobody can be asked. */
    int (*lookup)(struct ep_ctl *c, const char *ep, struct ep_loc *loc);
    /* ep now lives at loc (a move, an answer); loc NULL: forget what we knew */
    void (*advertise)(struct ep_ctl *c, const char *ep, const struct ep_loc *loc);
    /* host went away: forget what came from it */
    void (*host_down)(struct ep_ctl *c, const char *host);
};

struct ep_ctl {
    struct api *api;
    struct peer_ctx *pc; /* NULL: no peer channel */
    const struct ep_directory *dir;
    char underlay[EP_UNDERLAY_MAX];
    char listen[80];
    unsigned grace_ms;
    struct ep_peer peers[ENDPOINT_PEERS_MAX];
    size_t n_peers;
    struct ep_cache *cache;
    struct ep_moved *moved;
    struct ep_wire *wires;
    uint64_t next_id;
    struct {
        uint64_t lookups_sent, lookups_answered, cache_hits, moved_in, moved_out;
        uint64_t bad_msgs; /* refused peer messages (malformed) */
    } st;
};

static struct ep_ctl *g_ctl;

/* ---- small helpers ---------------------------------------------------- */

static struct ep_moved *moved_find(struct ep_ctl *c, const char *ep)
{
    for (struct ep_moved *m = c->moved; m != NULL; m = m->next)
        if (strcmp(m->ep, ep) == 0)
            return m;
    return NULL;
}

static void moved_forget(struct ep_ctl *c, const char *ep)
{
    for (struct ep_moved **pp = &c->moved; *pp != NULL; pp = &(*pp)->next)
        if (strcmp((*pp)->ep, ep) == 0) {
            struct ep_moved *m = *pp;

            *pp = m->next;
            free(m);
            return;
        }
}

static void moved_add(struct ep_ctl *c, const char *ep, const char *host)
{
    struct ep_moved *m = moved_find(c, ep);

    if (m == NULL && (m = calloc(1, sizeof(*m))) != NULL) {
        snprintf(m->ep, sizeof(m->ep), "%s", ep);
        m->next = c->moved;
        c->moved = m;
    }
    if (m != NULL)
        snprintf(m->host, sizeof(m->host), "%s", host);
}

/* The VR interface of a local endpoint, or NULL (no such VR or interface,
 * or moved away from here). */
static struct vr_iface *local_iface(struct ep_ctl *c, const char *ep)
{
    char vrn[VR_NAME_MAX + 1], ifn[VR_IFNAME_MAX + 1];
    struct vr *vr;

    if (ep_split(ep, vrn, ifn) != 0 || moved_find(c, ep) != NULL)
        return NULL;
    vr = dp_vr_find(c->api->dp, vrn);
    return vr != NULL ? vr_iface_find(vr, ifn) : NULL;
}

static struct ep_peer *peer_of(struct ep_ctl *c, const struct peer *p)
{
    for (size_t i = 0; i < c->n_peers; i++)
        if (c->peers[i].p == p)
            return &c->peers[i];
    return NULL;
}

static struct ep_peer *peer_named(struct ep_ctl *c, const char *name)
{
    for (size_t i = 0; i < c->n_peers; i++)
        if (strcmp(c->peers[i].name, name) == 0)
            return &c->peers[i];
    return NULL;
}

static struct ep_wire *wire_find(struct ep_ctl *c, uint32_t connector)
{
    for (struct ep_wire *w = c->wires; w != NULL; w = w->next)
        if (w->connector == connector)
            return w;
    return NULL;
}

/* Queue one message (msg: a reference we take). 0 or -errno. */
static int send_msg(struct ep_peer *ep, enum ep_msg type, uint64_t id, json_t *msg)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    int rc;

    json_decref(msg);
    if (s == NULL)
        return -ENOMEM;
    rc = ep->p != NULL ? peer_send(ep->p, (uint16_t)type, id, s, strlen(s)) : -ENOTCONN;
    if (rc != 0)
        log_warnx("peer %s: sending %s: %s", ep->name, ep_msg_name((uint16_t)type), strerror(-rc));
    free(s);
    return rc;
}

/* {"tx","rx","epoch"} in hex, as the receiver must install them. */
static json_t *key_json(const uint8_t *tx, const uint8_t *rx, uint8_t epoch)
{
    char t[2 * WIRE_SEC_KEYLEN + 1], r[2 * WIRE_SEC_KEYLEN + 1];

    ep_hex_encode(tx, WIRE_SEC_KEYLEN, t);
    ep_hex_encode(rx, WIRE_SEC_KEYLEN, r);
    return json_pack("{s:s,s:s,s:i}", "tx", t, "rx", r, "epoch", epoch);
}

/* ---- the wire ports ---------------------------------------------------- */

/*
 * Make our end: a wire port (named after the connector) towards far's
 * underlay, keyed for secure wires, bound to our endpoint's interface. 0,
 * or -errno with why; nothing is left behind on failure.
 */
static int end_make(struct ep_ctl *c, struct ep_wire *w, const struct ep_key *k, char *why,
                    size_t whylen)
{
    struct port_wire_config cfg = {0};
    struct vr_iface *ifc = local_iface(c, w->local);
    char addr[EP_UNDERLAY_MAX + 8];
    struct port *p;
    int rc;

    if (ifc == NULL) {
        snprintf(why, whylen, "no endpoint %s on this host", w->local);
        return -ENOENT;
    }
    if (ifc->port != NULL) {
        snprintf(why, whylen, "%s is bound to port %s already", w->local, ifc->port->name);
        return -EBUSY;
    }
    if (c->underlay[0] == '\0') {
        snprintf(why, whylen, "this host has no underlay address (vroomd --underlay)");
        return -EINVAL;
    }
    cfg.connector = w->connector;
    cfg.type = w->secure ? WIRE_SECURE : WIRE_ENCAP;
    if (wire_addr_parse(w->far.underlay, WIRE_UDP_PORT, &cfg.remote) != 0) {
        snprintf(why, whylen, "bad underlay address %s of %s", w->far.underlay, w->far.host);
        return -EINVAL;
    }
    snprintf(addr, sizeof(addr), "%s:%d", c->underlay, WIRE_UDP_PORT);
    if (wire_addr_parse(addr, WIRE_UDP_PORT, &cfg.local) != 0) {
        snprintf(why, whylen, "bad local underlay %s", c->underlay);
        return -EINVAL;
    }
    if (k != NULL && k->has) {
        cfg.has_key = true;
        cfg.epoch = k->epoch;
        memcpy(cfg.tx_key, k->tx, WIRE_SEC_KEYLEN);
        memcpy(cfg.rx_key, k->rx, WIRE_SEC_KEYLEN);
    }
    snprintf(w->port, sizeof(w->port), "w%08x", w->connector);
    rc = dp_port_add(c->api->dp, "wire", w->port, NULL, -1, &p, why, whylen);
    if (rc == 0) {
        rc = port_wire_setup(p, &cfg, why, whylen);
        if (rc != 0)
            dp_port_delete(c->api->dp, w->port);
    }
    memset(cfg.tx_key, 0, sizeof(cfg.tx_key));
    memset(cfg.rx_key, 0, sizeof(cfg.rx_key));
    if (rc != 0) {
        w->port[0] = '\0';
        return rc;
    }
    vr_iface_bind(ifc, p);
    log_info("wire %#x: %s bound to %s (%s) towards %s at %s", w->connector, w->local, w->port,
             w->secure ? "secure" : "encap", w->remote, w->far.underlay);
    return 0;
}

/* Unbind and delete the port named name ("": none), and forget the name. */
static void port_remove(struct ep_ctl *c, uint32_t connector, char name[PORT_NAME_MAX + 1])
{
    struct port *p;

    if (name[0] == '\0')
        return;
    p = dp_port_find(c->api->dp, name);
    if (p != NULL) {
        struct vr_iface *ifc = p->owner;

        if (ifc != NULL && ifc->port == p)
            vr_iface_bind(ifc, NULL);
        p->owner = NULL; /* never let the delete unbind another port */
        dp_port_delete(c->api->dp, name);
    }
    log_info("wire %#x: port %s removed", connector, name);
    name[0] = '\0';
}

/* Remove our end(s): unbind and close every port of the wire. */
static void end_remove(struct ep_ctl *c, struct ep_wire *w)
{
    port_remove(c, w->connector, w->port);
    port_remove(c, w->connector, w->port2);
    port_remove(c, w->connector, w->xport[0]);
    port_remove(c, w->connector, w->xport[1]);
    w->xstate = X_NONE;
}

/*
 * A native pair for connector: ports nXXXXXXXXa and nXXXXXXXXb, paired, the
 * first bound to ifa and the second to ifb (either may be NULL: unbound).
 * 0 with the names in pa and pb, or -errno with why; nothing left behind.
 */
static int native_make(struct ep_ctl *c, uint32_t connector, struct vr_iface *ifa,
                       struct vr_iface *ifb, char pa[PORT_NAME_MAX + 1],
                       char pb[PORT_NAME_MAX + 1], char *why, size_t whylen)
{
    struct port *a, *b;
    int rc;

    snprintf(pa, PORT_NAME_MAX + 1, "n%08xa", connector);
    snprintf(pb, PORT_NAME_MAX + 1, "n%08xb", connector);
    rc = dp_port_add(c->api->dp, "native", pa, NULL, -1, &a, why, whylen);
    if (rc != 0) {
        pa[0] = pb[0] = '\0';
        return rc;
    }
    rc = dp_port_add(c->api->dp, "native", pb, NULL, -1, &b, why, whylen);
    if (rc == 0 && (rc = port_native_pair(a, b, connector)) != 0) {
        snprintf(why, whylen, "cannot pair %s and %s", pa, pb);
        dp_port_delete(c->api->dp, pb);
    }
    if (rc != 0) {
        dp_port_delete(c->api->dp, pa);
        pa[0] = pb[0] = '\0';
        return rc;
    }
    if (ifa != NULL)
        vr_iface_bind(ifa, a);
    if (ifb != NULL)
        vr_iface_bind(ifb, b);
    return 0;
}

static void wire_timer_cb(struct ev_loop *loop, ev_timer *t, int revents);
static void wire_xtimer_cb(struct ev_loop *loop, ev_timer *t, int revents);
static void wire_alttimer_cb(struct ev_loop *loop, ev_timer *t, int revents);

static struct ep_wire *wire_new(struct ep_ctl *c, uint32_t connector)
{
    struct ep_wire *w = calloc(1, sizeof(*w));

    if (w == NULL)
        return NULL;
    w->connector = connector;
    w->ctl = c;
    ev_timer_init(&w->timer, wire_timer_cb, 0, 0);
    ev_timer_init(&w->xtimer, wire_xtimer_cb, 0, 0);
    ev_timer_init(&w->alttimer, wire_alttimer_cb, 0, 0);
    w->next = c->wires;
    c->wires = w;
    return w;
}

static void wire_free(struct ep_ctl *c, struct ep_wire *w)
{
    for (struct ep_wire **pp = &c->wires; *pp != NULL; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    if (c->api->loop != NULL) {
        ev_timer_stop(c->api->loop, &w->timer);
        ev_timer_stop(c->api->loop, &w->xtimer);
        ev_timer_stop(c->api->loop, &w->alttimer);
    }
    end_remove(c, w);
    free(w);
}

static void wire_arm(struct ep_wire *w, double s)
{
    struct ev_loop *loop = w->ctl->api->loop;

    if (loop == NULL)
        return;
    ev_timer_stop(loop, &w->timer);
    ev_timer_set(&w->timer, s, 0);
    ev_timer_start(loop, &w->timer);
}

static void wire_xarm(struct ep_wire *w, double s)
{
    struct ev_loop *loop = w->ctl->api->loop;

    if (loop == NULL)
        return;
    ev_timer_stop(loop, &w->xtimer);
    ev_timer_set(&w->xtimer, s, 0);
    ev_timer_start(loop, &w->xtimer);
}

/* The second pair's time is up: a native pair the far end never came to, or
 * the old pair of an end that moved away. */
static void wire_xtimer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct ep_wire *w = (struct ep_wire *)((char *)t - offsetof(struct ep_wire, xtimer));

    (void)loop;
    (void)revents;
    if (w->xstate == X_PREPARED)
        log_warnx("wire %#x: %s did not come here: its native pair goes", w->connector,
                  w->remote);
    else if (w->xstate == X_DRAINING)
        log_info("wire %#x: grace period over, %s has left for %s", w->connector, w->move_ep,
                 w->move_to);
    port_remove(w->ctl, w->connector, w->xport[0]);
    port_remove(w->ctl, w->connector, w->xport[1]);
    w->xstate = X_NONE;
}

/* Our wire port accepts from alt (an underlay address) too, for s seconds. */
static void wire_alt_set(struct ep_wire *w, const char *alt, double s)
{
    struct ev_loop *loop = w->ctl->api->loop;
    struct port *p = dp_port_find(w->ctl->api->dp, w->port);
    struct wire_addr a;

    if (p == NULL || wire_addr_parse(alt, WIRE_UDP_PORT, &a) != 0 ||
        port_wire_accept_also(p, &a) != 0)
        return;
    if (loop == NULL)
        return;
    ev_timer_stop(loop, &w->alttimer);
    ev_timer_set(&w->alttimer, s, 0);
    ev_timer_start(loop, &w->alttimer);
}

static void wire_alttimer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct ep_wire *w = (struct ep_wire *)((char *)t - offsetof(struct ep_wire, alttimer));
    struct port *p = dp_port_find(w->ctl->api->dp, w->port);

    (void)loop;
    (void)revents;
    if (p != NULL && port_wire_is(p))
        port_wire_accept_also(p, NULL);
    log_info("wire %#x: accepting from %s only", w->connector, w->far.underlay);
}

static void wire_fail(struct ep_ctl *c, struct ep_wire *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void wire_fail(struct ep_ctl *c, struct ep_wire *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(w->error, sizeof(w->error), fmt, ap);
    va_end(ap);
    if (c->api->loop != NULL)
        ev_timer_stop(c->api->loop, &w->timer);
    log_warnx("wire %#x: %s", w->connector, w->error);
    if (w->state == W_MOVING) {
        /* a failed move leaves the wire as it was */
        w->state = W_UP;
        w->move_to[0] = '\0';
        return;
    }
    end_remove(c, w);
    w->state = W_FAILED;
}

/* ---- the embedded directory: ask the peers, cache the answers ---------- */

static struct ep_cache *cache_find(struct ep_ctl *c, const char *ep)
{
    for (struct ep_cache *e = c->cache; e != NULL; e = e->next)
        if (strcmp(e->ep, ep) == 0)
            return e;
    return NULL;
}

static void cache_drop(struct ep_ctl *c, const char *ep, const char *host)
{
    for (struct ep_cache **pp = &c->cache; *pp != NULL;) {
        struct ep_cache *e = *pp;

        if ((ep != NULL && strcmp(e->ep, ep) == 0) ||
            (host != NULL && strcmp(e->loc.host, host) == 0)) {
            *pp = e->next;
            free(e);
        } else {
            pp = &e->next;
        }
    }
}

static int peerask_lookup(struct ep_ctl *c, const char *ep, struct ep_loc *loc)
{
    struct ep_cache *e = cache_find(c, ep);
    int asked = 0;

    if (e != NULL) {
        c->st.cache_hits++;
        *loc = e->loc;
        return 0;
    }
    for (size_t i = 0; i < c->n_peers; i++) {
        if (c->peers[i].p == NULL || !peer_is_up(c->peers[i].p))
            continue;
        if (send_msg(&c->peers[i], MSG_LOOKUP, ++c->next_id, json_pack("{s:s}", "endpoint", ep)) ==
            0) {
            asked++;
            c->st.lookups_sent++;
        }
    }
    return asked > 0 ? -EAGAIN : -ENOTCONN;
}

static void peerask_advertise(struct ep_ctl *c, const char *ep, const struct ep_loc *loc)
{
    struct ep_cache *e = cache_find(c, ep);

    if (loc == NULL) {
        cache_drop(c, ep, NULL);
        return;
    }
    if (e == NULL) {
        e = calloc(1, sizeof(*e));
        if (e == NULL)
            return;
        snprintf(e->ep, sizeof(e->ep), "%s", ep);
        e->next = c->cache;
        c->cache = e;
    }
    e->loc = *loc;
}

static void peerask_host_down(struct ep_ctl *c, const char *host)
{
    cache_drop(c, NULL, host);
}

static const struct ep_directory dir_peerask = {
    .name = "peers",
    .lookup = peerask_lookup,
    .advertise = peerask_advertise,
    .host_down = peerask_host_down,
};

/* ---- connecting -------------------------------------------------------- */

/* The far endpoint is at w->far: make our end and ask the far host for its own. */
static void wire_connect_far(struct ep_ctl *c, struct ep_wire *w)
{
    struct ep_peer *ep = peer_named(c, w->far.host);
    struct ep_key mine = {0};
    char why[256];
    json_t *msg;

    if (ep == NULL || ep->p == NULL || !peer_is_up(ep->p)) {
        wire_fail(c, w, "host %s of %s is not an up peer", w->far.host, w->remote);
        return;
    }
    if (w->secure) {
        mine.has = true;
        mine.epoch = 1;
        if (RAND_bytes(mine.tx, WIRE_SEC_KEYLEN) != 1 ||
            RAND_bytes(mine.rx, WIRE_SEC_KEYLEN) != 1) {
            wire_fail(c, w, "no random bytes for the keys");
            return;
        }
    }
    if (end_make(c, w, &mine, why, sizeof(why)) != 0) {
        memset(&mine, 0, sizeof(mine));
        wire_fail(c, w, "%s", why);
        return;
    }
    msg = json_pack("{s:I,s:s,s:s,s:s,s:s}", "connector", (json_int_t)w->connector, "local",
                    w->local, "remote", w->remote, "type", w->secure ? "secure" : "encap",
                    "underlay", c->underlay);
    if (mine.has) /* the far end's tx is our rx */
        json_object_set_new(msg, "key", key_json(mine.rx, mine.tx, mine.epoch));
    memset(&mine, 0, sizeof(mine));
    w->req = ++c->next_id;
    w->state = W_CONNECTING;
    if (send_msg(ep, MSG_CONNECT, w->req, msg) != 0) {
        wire_fail(c, w, "cannot send to %s", ep->name);
        return;
    }
    wire_arm(w, EP_CONNECT_S);
}

/* An answer came for ep: go on with the wires that waited for it. */
static void dir_found(struct ep_ctl *c, const char *ep, const struct ep_loc *loc)
{
    c->dir->advertise(c, ep, loc);
    for (struct ep_wire *w = c->wires; w != NULL; w = w->next)
        if (w->state == W_LOOKUP && strcmp(w->remote, ep) == 0) {
            w->far = *loc;
            wire_connect_far(c, w);
        }
}

static void wire_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
    struct ep_wire *w = (struct ep_wire *)((char *)t - offsetof(struct ep_wire, timer));
    struct ep_ctl *c = w->ctl;

    (void)loop;
    (void)revents;
    switch (w->state) {
    case W_LOOKUP:
        wire_fail(c, w, "endpoint %s: no peer knows it", w->remote);
        break;
    case W_CONNECTING:
        wire_fail(c, w, "host %s did not answer the connect", w->far.host);
        break;
    case W_MOVING:
        wire_fail(c, w, "host %s did not answer the move", w->move_to);
        break;
    case W_DRAINING:
        log_info("wire %#x: grace period over, %s has left for %s", w->connector, w->local,
                 w->move_to);
        wire_free(c, w);
        break;
    default:
        break;
    }
}

/* ---- peer messages ------------------------------------------------------ */

static int reply(struct ep_ctl *c, struct peer *p, enum ep_msg type, uint64_t id,
                 uint32_t connector, const char *error)
{
    json_t *m = json_pack("{s:I,s:b}", "connector", (json_int_t)connector, "ok", error == NULL);

    if (error != NULL)
        json_object_set_new(m, "error", json_string(error));
    send_msg(peer_of(c, p), type, id, m);
    return 0;
}

static int h_info(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    struct ep_peer *ep = peer_of(c, p);

    (void)id;
    if (ep != NULL)
        snprintf(ep->underlay, sizeof(ep->underlay), "%s", m->underlay);
    return 0;
}

static int h_lookup(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    bool found = local_iface(c, m->endpoint) != NULL && c->underlay[0] != '\0';
    json_t *r = json_pack("{s:s,s:b}", "endpoint", m->endpoint, "found", found);

    if (found)
        json_object_set_new(r, "underlay", json_string(c->underlay));
    send_msg(peer_of(c, p), MSG_LOOKUP_REPLY, id, r);
    return 0;
}

static int h_lookup_reply(struct ep_ctl *c, struct peer *p, uint64_t id,
                          const struct ep_msg_in *m)
{
    struct ep_loc loc = {0};

    (void)id;
    c->st.lookups_answered++;
    if (m->found) {
        snprintf(loc.host, sizeof(loc.host), "%s", peer_name(p));
        snprintf(loc.underlay, sizeof(loc.underlay), "%s", m->underlay);
        dir_found(c, m->endpoint, &loc);
    }
    return 0;
}

static int h_moved(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    struct ep_loc loc = {0};

    (void)p;
    (void)id;
    snprintf(loc.host, sizeof(loc.host), "%s", m->host);
    snprintf(loc.underlay, sizeof(loc.underlay), "%s", m->underlay);
    /* a move to us is known from the move itself */
    c->dir->advertise(c, m->endpoint, strcmp(m->host, c->api->host) != 0 ? &loc : NULL);
    return 0;
}

static int h_connect(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    const char *far = m->local, *mine = m->remote; /* the sender's names */
    uint32_t conn = m->connector;
    struct ep_wire *w;
    char why[256];

    if (m->secure != m->key.has)
        return reply(c, p, MSG_CONNECT_REPLY, id, conn,
                     "a secure wire needs keys, an encap wire has none");
    w = wire_find(c, conn);
    if (w != NULL && w->state == W_UP && strcmp(w->local, mine) == 0 &&
        strcmp(w->far.host, peer_name(p)) == 0) /* a repeated request: already done */
        return reply(c, p, MSG_CONNECT_REPLY, id, conn, NULL);
    if (w != NULL) {
        snprintf(why, sizeof(why), "connector %#x is in use on %s", (unsigned)conn, c->api->host);
        return reply(c, p, MSG_CONNECT_REPLY, id, conn, why);
    }
    w = wire_new(c, conn);
    if (w == NULL)
        return reply(c, p, MSG_CONNECT_REPLY, id, conn, "out of memory");
    w->secure = m->secure;
    snprintf(w->local, sizeof(w->local), "%s", mine);
    snprintf(w->remote, sizeof(w->remote), "%s", far);
    snprintf(w->far.host, sizeof(w->far.host), "%s", peer_name(p));
    snprintf(w->far.underlay, sizeof(w->far.underlay), "%s", m->underlay);
    if (end_make(c, w, &m->key, why, sizeof(why)) != 0) {
        wire_free(c, w);
        return reply(c, p, MSG_CONNECT_REPLY, id, conn, why);
    }
    w->state = W_UP;
    return reply(c, p, MSG_CONNECT_REPLY, id, conn, NULL);
}

/* Tell every up peer that ep lives on host `to` now. */
static void moved_broadcast(struct ep_ctl *c, const char *ep, const struct ep_peer *to)
{
    for (size_t i = 0; i < c->n_peers; i++)
        if (c->peers[i].p != NULL && peer_is_up(c->peers[i].p))
            send_msg(&c->peers[i], MSG_MOVED, ++c->next_id,
                     json_pack("{s:s,s:s,s:s}", "endpoint", ep, "host", to->name, "underlay",
                               to->underlay));
}

/*
 * Native -> remote: one end of our native wire (w->move_ep) has its new end
 * ready on host `to`. The staying end gets a wire port towards `to` (what its
 * native port still holds is delivered first); the leaving end keeps its
 * native port for the grace period, so the frames the staying end sent
 * before the switch still reach it and are forwarded there.
 */
static void native_leave(struct ep_ctl *c, struct ep_wire *w, struct ep_peer *to)
{
    bool stay_is_local = strcmp(w->move_ep, w->local) != 0;
    struct ep_wire old = *w; /* names and ports as they were, to go back */
    struct vr_iface *ifs = local_iface(c, stay_is_local ? w->local : w->remote);
    struct port *sp = dp_port_find(c->api->dp, stay_is_local ? w->port : w->port2);
    char why[256];

    if (to == NULL || to->underlay[0] == '\0' || ifs == NULL || sp == NULL || ifs->port != sp) {
        wire_fail(c, w, "move to %s: peer or ports lost", w->move_to);
        return;
    }
    dp_poll_port(c->api->dp, sp); /* what the leaving end sent before the switch */
    vr_iface_bind(ifs, NULL);
    snprintf(w->local, sizeof(w->local), "%s", stay_is_local ? old.local : old.remote);
    snprintf(w->remote, sizeof(w->remote), "%s", old.move_ep);
    snprintf(w->far.host, sizeof(w->far.host), "%s", to->name);
    snprintf(w->far.underlay, sizeof(w->far.underlay), "%s", to->underlay);
    w->port[0] = w->port2[0] = '\0';
    w->native = false;
    w->secure = false;
    if (end_make(c, w, NULL, why, sizeof(why)) != 0) {
        /* back as it was; the new end on `to` is told to go */
        memcpy(w->local, old.local, sizeof(w->local));
        memcpy(w->remote, old.remote, sizeof(w->remote));
        w->far = old.far;
        memcpy(w->port, old.port, sizeof(w->port));
        memcpy(w->port2, old.port2, sizeof(w->port2));
        w->native = true;
        vr_iface_bind(ifs, sp);
        send_msg(to, MSG_DISCONNECT, ++c->next_id,
                 json_pack("{s:I}", "connector", (json_int_t)w->connector));
        wire_fail(c, w, "move to %s: %s", to->name, why);
        return;
    }
    /* the leaving end's port stays bound to it; its old peer is idle */
    snprintf(w->xport[0], sizeof(w->xport[0]), "%s", stay_is_local ? old.port2 : old.port);
    snprintf(w->xport[1], sizeof(w->xport[1]), "%s", stay_is_local ? old.port : old.port2);
    w->xstate = X_DRAINING;
    moved_add(c, w->move_ep, to->name);
    moved_broadcast(c, w->move_ep, to);
    c->st.moved_out++;
    w->state = W_UP;
    if (c->api->loop != NULL)
        ev_timer_stop(c->api->loop, &w->timer);
    log_info("wire %#x: %s moved to %s, %s now wired to it; old native end draining for %u ms",
             w->connector, w->move_ep, to->name, w->local, c->grace_ms);
    wire_xarm(w, c->grace_ms / 1000.0);
}

/*
 * Remote -> native, step 1 (MOVE_PREPARE naming us as the far host): ep, the
 * far end of our wire, comes here. Make a native pair: the arriving end bound
 * to ep's interface here, the staying end's port idle until REPOINT. NULL, or
 * why not.
 */
static const char *native_prepare(struct ep_ctl *c, struct peer *p, uint32_t conn,
                                  const char *ep, const char *far, char *why, size_t whylen)
{
    struct ep_wire *w = wire_find(c, conn);
    struct vr_iface *ifc = local_iface(c, ep);

    if (w == NULL || w->native || w->state != W_UP || strcmp(w->remote, ep) != 0 ||
        strcmp(w->local, far) != 0 || strcmp(w->far.host, peer_name(p)) != 0)
        snprintf(why, whylen, "%s has no wire %#x from %s to %s on %s", c->api->host, conn, far,
                 ep, peer_name(p));
    else if (w->xstate != X_NONE)
        snprintf(why, whylen, "wire %#x is changing already", conn);
    else if (ifc == NULL)
        snprintf(why, whylen, "no endpoint %s on %s", ep, c->api->host);
    else if (ifc->port != NULL)
        snprintf(why, whylen, "%s is bound to port %s already", ep, ifc->port->name);
    else if (native_make(c, conn, NULL, ifc, w->xport[0], w->xport[1], why, whylen) == 0) {
        w->xstate = X_PREPARED;
        c->st.moved_in++;
        wire_xarm(w, 2 * EP_CONNECT_S);
        log_info("wire %#x: %s coming here from %s: native pair %s, %s ready", conn, ep,
                 peer_name(p), w->xport[0], w->xport[1]);
        return NULL;
    }
    return why;
}

/* Remote -> native, step 2 (REPOINT to us): the staying end leaves its wire
 * port (what it holds is delivered first) for the native pair. */
static void native_arrive(struct ep_ctl *c, struct ep_wire *w, const char *ep)
{
    struct vr_iface *ifs = local_iface(c, w->local);
    struct port *np = dp_port_find(c->api->dp, w->xport[0]);
    struct port *wp = dp_port_find(c->api->dp, w->port);

    if (ifs == NULL || np == NULL) {
        log_warnx("wire %#x: %s arrived but the native pair is gone", w->connector, ep);
        return;
    }
    if (wp != NULL && ifs->port == wp)
        dp_poll_port(c->api->dp, wp);
    vr_iface_bind(ifs, np);
    port_remove(c, w->connector, w->port);
    snprintf(w->port, sizeof(w->port), "%s", w->xport[0]);
    snprintf(w->port2, sizeof(w->port2), "%s", w->xport[1]);
    w->xport[0][0] = w->xport[1][0] = '\0';
    w->xstate = X_NONE;
    if (c->api->loop != NULL)
        ev_timer_stop(c->api->loop, &w->xtimer);
    w->native = true;
    w->secure = false;
    snprintf(w->far.host, sizeof(w->far.host), "%s", c->api->host);
    w->far.underlay[0] = '\0';
    c->dir->advertise(c, ep, NULL);
    log_info("wire %#x: %s arrived, native now: %s <-> %s", w->connector, ep, w->local, ep);
}

/* The new keys of a secure wire's move (kept in error[] while moving). */
static struct ep_key *nk_of(struct ep_wire *w)
{
    return (struct ep_key *)w->error;
}

/* Ask host `to` to make the moving endpoint's new end (MOVE_PREPARE). 0 or -errno. */
static int move_prepare_send(struct ep_ctl *c, struct ep_wire *w, struct ep_peer *to)
{
    json_t *msg = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "connector", (json_int_t)w->connector,
                            "endpoint", w->local, "far", w->remote, "far_host", w->far.host,
                            "far_underlay", w->far.underlay, "type",
                            w->secure ? "secure" : "encap");

    if (w->secure)
        json_object_set_new(msg, "key", key_json(nk_of(w)->tx, nk_of(w)->rx, nk_of(w)->epoch));
    w->req = ++c->next_id;
    w->move_phase = 2;
    wire_arm(w, EP_CONNECT_S);
    return send_msg(to, MSG_MOVE_PREPARE, w->req, msg);
}

/* CONNECT_REPLY, MOVE_READY and EXPECT_READY. */
static int h_connect_reply(struct ep_ctl *c, struct peer *p, uint64_t id,
                           const struct ep_msg_in *m)
{
    const char *error = m->error != NULL ? m->error : "refused";
    uint16_t type = m->type;
    struct ep_wire *w = wire_find(c, m->connector);
    bool ok = m->ok;

    /* silently ignore answers to what we no longer wait for */
    if (w != NULL && w->req == id && strcmp(w->far.host, peer_name(p)) == 0) {
        if (type == MSG_CONNECT_REPLY && w->state == W_CONNECTING) {
            if (ok) {
                w->state = W_UP;
                ev_timer_stop(c->api->loop, &w->timer);
                log_info("wire %#x: up, %s <-> %s on %s", w->connector, w->local, w->remote,
                         w->far.host);
            } else {
                wire_fail(c, w, "%s: %s", w->far.host, error);
            }
        }
    }
    if (w != NULL && w->req == id && type == MSG_EXPECT_READY && w->state == W_MOVING &&
        w->move_phase == 1 && strcmp(w->far.host, peer_name(p)) == 0) {
        /* the far end accepts from the new place too: now make it */
        struct ep_peer *to = peer_named(c, w->move_to);

        if (!ok)
            log_warnx("wire %#x: %s cannot expect %s (%s): frames the new end sends before the "
                      "switch will be dropped there",
                      w->connector, w->far.host, w->move_to, error);
        if (to == NULL || move_prepare_send(c, w, to) != 0)
            wire_fail(c, w, "move to %s: cannot send to it", w->move_to);
        return 0;
    }
    if (w != NULL && w->req == id && type == MSG_MOVE_READY && w->state == W_MOVING &&
        w->move_phase == 2 && strcmp(w->move_to, peer_name(p)) == 0) {
        struct ep_peer *to = peer_of(c, p), *far = peer_named(c, w->far.host);

        if (!ok) {
            wire_fail(c, w, "move to %s: %s", w->move_to, error);
        } else if (w->native) {
            native_leave(c, w, to);
        } else if (to == NULL || to->underlay[0] == '\0' || far == NULL) {
            wire_fail(c, w, "move to %s: peer lost", w->move_to);
        } else {
            json_t *rp =
                json_pack("{s:I,s:s,s:s,s:s}", "connector", (json_int_t)w->connector, "endpoint",
                          w->local, "host", to->name, "underlay", to->underlay);
            struct ep_key *nk = nk_of(w); /* see m_endpoint_move */

            if (w->secure) /* the far end's tx is the new end's rx */
                json_object_set_new(rp, "key", key_json(nk->rx, nk->tx, nk->epoch));
            memset(w->error, 0, sizeof(w->error));
            send_msg(far, MSG_REPOINT, ++c->next_id, rp);
            for (size_t i = 0; i < c->n_peers; i++)
                if (c->peers[i].p != NULL && peer_is_up(c->peers[i].p))
                    send_msg(&c->peers[i], MSG_MOVED, ++c->next_id,
                             json_pack("{s:s,s:s,s:s}", "endpoint", w->local, "host", to->name,
                                       "underlay", to->underlay));
            moved_add(c, w->local, to->name);
            c->st.moved_out++;
            w->state = W_DRAINING;
            log_info("wire %#x: %s moved to %s; draining for %u ms", w->connector, w->local,
                     to->name, c->grace_ms);
            wire_arm(w, c->grace_ms / 1000.0);
        }
    }
    return 0;
}

static int h_disconnect(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    struct ep_wire *w = wire_find(c, m->connector);

    (void)id;
    /* only the host at the far end may take our end down */
    if (w != NULL && strcmp(w->far.host, peer_name(p)) == 0) {
        log_info("wire %#x: disconnected by %s", w->connector, peer_name(p));
        wire_free(c, w);
    }
    return 0;
}

static int h_move_prepare(struct ep_ctl *c, struct peer *p, uint64_t id,
                          const struct ep_msg_in *m)
{
    const char *ep = m->endpoint, *far = m->far, *far_host = m->host;
    uint32_t conn = m->connector;
    struct ep_wire *w;
    char why[256];

    moved_forget(c, ep); /* it may be coming back */
    why[0] = '\0';
    if (m->secure != m->key.has)
        snprintf(why, sizeof(why), "a secure wire needs keys, an encap wire has none");
    else if (strcmp(far_host, c->api->host) == 0) {
        /* the far end is ours: the wire becomes native (keys are not needed) */
        native_prepare(c, p, conn, ep, far, why, sizeof(why));
    } else if (wire_find(c, conn) != NULL)
        snprintf(why, sizeof(why), "connector %#x is in use on %s", (unsigned)conn, c->api->host);
    else if (peer_named(c, far_host) == NULL)
        snprintf(why, sizeof(why), "%s is not a peer of %s", far_host, c->api->host);
    else if ((w = wire_new(c, conn)) == NULL)
        snprintf(why, sizeof(why), "out of memory");
    else {
        w->secure = m->secure;
        snprintf(w->local, sizeof(w->local), "%s", ep);
        snprintf(w->remote, sizeof(w->remote), "%s", far);
        snprintf(w->far.host, sizeof(w->far.host), "%s", far_host);
        snprintf(w->far.underlay, sizeof(w->far.underlay), "%s", m->underlay);
        if (end_make(c, w, &m->key, why, sizeof(why)) != 0) {
            wire_free(c, w);
        } else {
            w->state = W_UP;
            c->st.moved_in++;
            why[0] = '\0';
        }
    }
    return reply(c, p, MSG_MOVE_READY, id, conn, why[0] != '\0' ? why : NULL);
}

static int h_repoint(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    const char *ep = m->endpoint, *host = m->host;
    const struct ep_key *k = &m->key;
    unsigned conn = m->connector;
    struct ep_loc loc = {0};
    struct wire_addr ra;
    struct ep_wire *w = wire_find(c, m->connector);
    char why[256];

    (void)id;
    snprintf(loc.host, sizeof(loc.host), "%s", host);
    snprintf(loc.underlay, sizeof(loc.underlay), "%s", m->underlay);
    /* only the host the far end lives on may move it */
    if (w == NULL || strcmp(w->far.host, peer_name(p)) != 0 || strcmp(w->remote, ep) != 0) {
        log_warnx("peer %s: repoint of wire %#x ignored: not its far end", peer_name(p),
                  (unsigned)conn);
    } else if (strcmp(host, c->api->host) == 0) {
        if (w->xstate == X_PREPARED)
            native_arrive(c, w, ep);
        else
            log_warnx("peer %s: repoint of wire %#x to us ignored: nothing prepared",
                      peer_name(p), (unsigned)conn);
    } else {
        struct port *port = dp_port_find(c->api->dp, w->port);

        if (port != NULL && k->has)
            port_wire_key_set(port, k->epoch, k->tx, k->rx);
        if (port != NULL && wire_addr_parse(loc.underlay, WIRE_UDP_PORT, &ra) == 0 &&
            port_wire_set_remote(port, &ra, why, sizeof(why)) == 0) {
            char old[EP_UNDERLAY_MAX];

            /* what the old place still sends arrives for the grace period */
            snprintf(old, sizeof(old), "%s", w->far.underlay);
            w->far = loc;
            wire_alt_set(w, old, c->grace_ms / 1000.0 + 1.0);
            log_info("wire %#x: %s moved to %s, re-pointed to %s", w->connector, ep, host,
                     loc.underlay);
        } else {
            log_warnx("wire %#x: re-pointing to %s failed", w->connector, loc.underlay);
        }
        c->dir->advertise(c, ep, &loc);
    }
    return 0;
}

/* EXPECT: the far end of our wire is moving to host/underlay: accept from
 * there too (and, secure, open the next epoch's frames) until REPOINT. */
static int h_expect(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m)
{
    struct ep_wire *w = wire_find(c, m->connector);
    struct port *port = w != NULL ? dp_port_find(c->api->dp, w->port) : NULL;
    char why[256] = "";

    if (w == NULL || w->native || strcmp(w->far.host, peer_name(p)) != 0 ||
        strcmp(w->remote, m->endpoint) != 0 || port == NULL || !port_wire_is(port))
        snprintf(why, sizeof(why), "%s has no wire %#x to %s on %s", c->api->host, m->connector,
                 m->endpoint, peer_name(p));
    else if (m->key.has != w->secure)
        snprintf(why, sizeof(why), "keys only for, and always for, a secure wire");
    else if (m->key.has && port_wire_key_rx_next(port, m->key.epoch, m->key.rx) != 0)
        snprintf(why, sizeof(why), "cannot take the next epoch's key");
    else {
        wire_alt_set(w, m->underlay, 2 * EP_CONNECT_S + c->grace_ms / 1000.0);
        log_info("wire %#x: %s is moving to %s: accepting from %s too", w->connector,
                 m->endpoint, m->host, m->underlay);
    }
    return reply(c, p, MSG_EXPECT_READY, id, m->connector, why[0] != '\0' ? why : NULL);
}

typedef int (*ep_handler)(struct ep_ctl *c, struct peer *p, uint64_t id, const struct ep_msg_in *m);

/*
 * Every message of ours comes here: decoded (endpoint_msg.c) before anything
 * looks at it; a malformed one is logged, counted and refused (the channel
 * closes the connection).
 */
static int on_msg(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                  void *arg)
{
    static const ep_handler by_type[MSG_END - MSG_INFO] = {
        [MSG_INFO - MSG_INFO] = h_info,
        [MSG_LOOKUP - MSG_INFO] = h_lookup,
        [MSG_LOOKUP_REPLY - MSG_INFO] = h_lookup_reply,
        [MSG_MOVED - MSG_INFO] = h_moved,
        [MSG_CONNECT - MSG_INFO] = h_connect,
        [MSG_CONNECT_REPLY - MSG_INFO] = h_connect_reply,
        [MSG_DISCONNECT - MSG_INFO] = h_disconnect,
        [MSG_MOVE_PREPARE - MSG_INFO] = h_move_prepare,
        [MSG_MOVE_READY - MSG_INFO] = h_connect_reply,
        [MSG_REPOINT - MSG_INFO] = h_repoint,
        [MSG_EXPECT - MSG_INFO] = h_expect,
        [MSG_EXPECT_READY - MSG_INFO] = h_connect_reply,
    };
    struct ep_ctl *c = arg;
    struct ep_msg_in m;
    char why[256];
    int rc = ep_msg_decode(type, payload, len, &m, why, sizeof(why));

    if (rc == 0 && (type < MSG_INFO || type >= MSG_END || by_type[type - MSG_INFO] == NULL))
        rc = -EINVAL;
    if (rc != 0) {
        log_warnx("peer %s: %s refused: %s", peer_name(p), ep_msg_name(type), why);
        c->st.bad_msgs++;
        ep_msg_free(&m);
        return rc;
    }
    rc = by_type[type - MSG_INFO](c, p, id, &m);
    ep_msg_free(&m);
    return rc;
}

static const struct peer_handler handlers[] = {
    {MSG_INFO, 2, EP_MSG_MAX, on_msg},
    {MSG_LOOKUP, 2, EP_MSG_MAX, on_msg},
    {MSG_LOOKUP_REPLY, 2, EP_MSG_MAX, on_msg},
    {MSG_MOVED, 2, EP_MSG_MAX, on_msg},
    {MSG_CONNECT, 2, EP_MSG_MAX, on_msg},
    {MSG_CONNECT_REPLY, 2, EP_MSG_MAX, on_msg},
    {MSG_DISCONNECT, 2, EP_MSG_MAX, on_msg},
    {MSG_MOVE_PREPARE, 2, EP_MSG_MAX, on_msg},
    {MSG_MOVE_READY, 2, EP_MSG_MAX, on_msg},
    {MSG_REPOINT, 2, EP_MSG_MAX, on_msg},
    {MSG_EXPECT, 2, EP_MSG_MAX, on_msg},
    {MSG_EXPECT_READY, 2, EP_MSG_MAX, on_msg},
};

static void on_up(struct peer *p, void *arg)
{
    struct ep_ctl *c = arg;
    struct ep_peer *ep = peer_of(c, p);

    log_info("peer %s: up", peer_name(p));
    if (ep != NULL && c->underlay[0] != '\0')
        send_msg(ep, MSG_INFO, 0, json_pack("{s:s}", "underlay", c->underlay));
}

static void on_down(struct peer *p, enum peer_down_reason why, void *arg)
{
    struct ep_ctl *c = arg;

    log_info("peer %s: down (%s)", peer_name(p), peer_down_reason_str(why));
    c->dir->host_down(c, peer_name(p));
}

/* ---- API methods ----------------------------------------------------------- */

static struct ep_ctl *ctl_of(void *ctx)
{
    (void)ctx;
    return g_ctl;
}

static json_t *nonzero_json(const uint64_t *v, int n, const char *(*name)(int))
{
    json_t *o = json_object();

    for (int i = 0; i < n; i++)
        if (v[i] != 0)
            json_object_set_new(o, name(i), json_integer((json_int_t)v[i]));
    return o;
}

/* Short names, as docs/peer.md writes them (JSON keys). */
static const char *refuse_name(int i)
{
    static const char *const names[] = {"short", "long",    "type",
                                        "flags", "handler", "truncated",
                                        "tls",   "name",    "handshake-timeout",
                                        "hello"};
    _Static_assert(sizeof(names) / sizeof(names[0]) == PEER_REFUSE_MAX, "refusal names");

    return names[i];
}

static const char *down_name(int i)
{
    static const char *const names[] = {"closed", "io", "refused", "timeout", "collision", "local"};
    _Static_assert(sizeof(names) / sizeof(names[0]) == PEER_DOWN_MAX, "down reasons");

    return names[i];
}

static int m_peer_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct ep_ctl *c = ctl_of(ctx);

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0)
        return err->code;
    *result = json_array();
    for (size_t i = 0; c != NULL && i < c->n_peers; i++) {
        const struct ep_peer *ep = &c->peers[i];
        const struct peer_counters *pc = peer_counters(ep->p);
        char addr[80];

        snprintf(addr, sizeof(addr), "%s:%u", ep->addr, ep->port);
        json_array_append_new(
            *result,
            json_pack("{s:s,s:s,s:b,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "name", ep->name,
                      "state", peer_is_up(ep->p) ? "up" : "down", "up", peer_is_up(ep->p),
                      "address", ep->addr[0] != '\0' ? json_string(addr) : json_null(), "underlay",
                      ep->underlay[0] != '\0' ? json_string(ep->underlay) : json_null(), "sessions",
                      (json_int_t)pc->sessions, "connects", (json_int_t)pc->connects, "reconnects",
                      (json_int_t)pc->reconnects, "msgs_in", (json_int_t)pc->msgs_in, "msgs_out",
                      (json_int_t)pc->msgs_out, "bytes_in", (json_int_t)pc->bytes_in, "bytes_out",
                      (json_int_t)pc->bytes_out, "refused",
                      nonzero_json(pc->refused, PEER_REFUSE_MAX, refuse_name), "down",
                      nonzero_json(pc->down, PEER_DOWN_MAX, down_name)));
    }
    return 0;
}

static int m_peer_status(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct ep_ctl *c = ctl_of(ctx);
    const struct peer_ctx_counters *pc;
    size_t up = 0;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0)
        return err->code;
    if (c == NULL || c->pc == NULL) {
        *result = json_pack("{s:b}", "enabled", 0);
        return 0;
    }
    for (size_t i = 0; i < c->n_peers; i++)
        up += peer_is_up(c->peers[i].p);
    pc = peer_ctx_counters(c->pc);
    *result = json_pack(
        "{s:b,s:s,s:o,s:o,s:s,s:i,s:i,s:I,s:I,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I}}", "enabled", 1,
        "host", c->api->host, "underlay",
        c->underlay[0] != '\0' ? json_string(c->underlay) : json_null(), "listen",
        c->listen[0] != '\0' ? json_string(c->listen) : json_null(), "directory", c->dir->name,
        "peers", (int)c->n_peers, "peers_up", (int)up, "accepted", (json_int_t)pc->accepted,
        "overflow", (json_int_t)pc->overflow, "refused",
        nonzero_json(pc->refused, PEER_REFUSE_MAX, refuse_name), "controller", "lookups_sent",
        (json_int_t)c->st.lookups_sent, "lookups_answered", (json_int_t)c->st.lookups_answered,
        "cache_hits", (json_int_t)c->st.cache_hits, "moved_in", (json_int_t)c->st.moved_in,
        "moved_out", (json_int_t)c->st.moved_out, "bad_msgs", (json_int_t)c->st.bad_msgs);
    return 0;
}

static struct ep_wire *wire_of_local(struct ep_ctl *c, const char *ep)
{
    for (struct ep_wire *w = c->wires; w != NULL; w = w->next)
        if ((strcmp(w->local, ep) == 0 || (w->native && strcmp(w->remote, ep) == 0)) &&
            w->state != W_FAILED && w->state != W_DRAINING)
            return w;
    return NULL;
}

static int m_endpoint_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct ep_ctl *c = ctl_of(ctx);
    struct api *api = ctx;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0)
        return err->code;
    *result = json_array();
    for (unsigned i = 0; i < DP_VRS_MAX; i++) {
        struct vr *vr = dp_vr_at(api->dp, i);

        for (int k = 0; vr != NULL && k < VR_IFACES_MAX; k++) {
            struct vr_iface *ifc = vr->ifaces[k];
            char ep[EP_NAME_MAX + 1];
            struct ep_moved *m;
            struct ep_wire *w;

            if (ifc == NULL || strcmp(ifc->name, "lo") == 0)
                continue;
            snprintf(ep, sizeof(ep), "%s:%s", vr->name, ifc->name);
            m = c != NULL ? moved_find(c, ep) : NULL;
            w = c != NULL ? wire_of_local(c, ep) : NULL;
            json_array_append_new(
                *result, json_pack("{s:s,s:s,s:o,s:s,s:o,s:o,s:o}", "endpoint", ep, "host",
                                   api->host, "underlay",
                                   c != NULL && c->underlay[0] != '\0' ? json_string(c->underlay)
                                                                       : json_null(),
                                   "state", m != NULL ? "moved" : "local", "moved_to",
                                   m != NULL ? json_string(m->host) : json_null(), "port",
                                   ifc->port != NULL ? json_string(ifc->port->name) : json_null(),
                                   "wire", w != NULL ? json_integer(w->connector) : json_null()));
        }
    }
    return 0;
}

static const char *wire_type_name(const struct ep_wire *w)
{
    return w->native ? "native" : w->secure ? "secure" : "encap";
}

/* One end of a native wire, with its counters. */
static json_t *native_end_json(struct ep_ctl *c, const char *ep, const char *port,
                               struct port_native_info *sum)
{
    struct port *p = dp_port_find(c->api->dp, port);
    struct port_native_info ni;
    json_t *o = json_pack("{s:s,s:s}", "endpoint", ep, "port", port), *d = json_object();

    if (p == NULL || port_native_info(p, &ni) != 0)
        return o;
    json_object_set_new(o, "rx", json_integer((json_int_t)ni.rx_packets));
    json_object_set_new(o, "rx_bytes", json_integer((json_int_t)ni.rx_bytes));
    json_object_set_new(o, "tx", json_integer((json_int_t)ni.tx_packets));
    json_object_set_new(o, "tx_bytes", json_integer((json_int_t)ni.tx_bytes));
    json_object_set_new(o, "queued", json_integer(ni.queued));
    for (int i = 1; i < WIRE_DROP_MAX; i++) {
        if (ni.drops[i] != 0)
            json_object_set_new(d, wire_drop_name(i), json_integer((json_int_t)ni.drops[i]));
        sum->drops[i] += ni.drops[i];
    }
    json_object_set_new(o, "drops", d);
    sum->rx_packets += ni.rx_packets;
    sum->tx_packets += ni.tx_packets;
    return o;
}

static json_t *wire_row(struct ep_ctl *c, const struct ep_wire *w, bool detail)
{
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "connector", (json_int_t)w->connector, "type",
        wire_type_name(w), "state", state_names[w->state], "local", w->local, "remote",
        w->remote, "remote_host", w->far.host[0] != '\0' ? w->far.host : "?", "remote_underlay",
        w->far.underlay[0] != '\0' ? json_string(w->far.underlay) : json_null(), "port",
        w->port[0] != '\0' ? json_string(w->port) : json_null(), "error",
        w->state == W_FAILED ? json_string(w->error) : json_null());

    if (w->state == W_MOVING || w->state == W_DRAINING || w->xstate == X_DRAINING)
        json_object_set_new(o, "move_to", json_string(w->move_to));
    if (w->xstate != X_NONE)
        json_object_set_new(o, "changing",
                            json_string(w->xstate == X_PREPARED ? "to-native" : "from-native"));
    if (w->native)
        json_object_set_new(o, "remote_port", json_string(w->port2));
    if (detail && w->native) {
        /* the wire's counters are its two ends' */
        struct port_native_info sum = {0};
        json_t *ends = json_array(), *d = json_object();

        json_array_append_new(ends, native_end_json(c, w->local, w->port, &sum));
        json_array_append_new(ends, native_end_json(c, w->remote, w->port2, &sum));
        for (int i = 1; i < WIRE_DROP_MAX; i++)
            if (sum.drops[i] != 0)
                json_object_set_new(d, wire_drop_name(i), json_integer((json_int_t)sum.drops[i]));
        json_object_set_new(o, "ends", ends);
        json_object_set_new(o, "rx", json_integer((json_int_t)sum.rx_packets));
        json_object_set_new(o, "tx", json_integer((json_int_t)sum.tx_packets));
        json_object_set_new(o, "drops", d);
        json_object_set_new(o, "overhead", json_integer(0));
    } else if (detail && w->port[0] != '\0') {
        struct port *p = dp_port_find(c->api->dp, w->port);
        struct port_wire_info wi;

        if (p != NULL && port_wire_info(p, &wi) == 0) {
            json_object_set_new(o, "rx", json_integer((json_int_t)wi.st.rx_packets));
            json_object_set_new(o, "tx", json_integer((json_int_t)wi.st.tx_packets));
            json_object_set_new(o, "epoch", json_integer(wi.epoch));
            json_object_set_new(o, "keyed", json_boolean(wi.has_key));
            if (wi.has_alt) {
                char a[INET_ADDRSTRLEN] = "?";

                inet_ntop(AF_INET, &wi.alt.u.v4, a, sizeof(a));
                json_object_set_new(o, "also_from", json_string(a));
            }
        }
    }
    return o;
}

static int m_wire_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct ep_ctl *c = ctl_of(ctx);

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0)
        return err->code;
    *result = json_array();
    for (struct ep_wire *w = c != NULL ? c->wires : NULL; w != NULL; w = w->next)
        json_array_append_new(*result, wire_row(c, w, false));
    return 0;
}

static struct ep_wire *get_wire(struct ep_ctl *c, const json_t *params, struct jsonrpc_error *err)
{
    int64_t conn;
    struct ep_wire *w;

    if (jsonrpc_get_int(params, NULL, "connector", true, 0, UINT32_MAX, &conn, err) != 0)
        return NULL;
    w = c != NULL ? wire_find(c, (uint32_t)conn) : NULL;
    if (w == NULL)
        jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "connector: no wire %lld (%#llx)",
                          (long long)conn, (unsigned long long)conn);
    return w;
}

static int m_wire_show(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"connector", NULL};
    struct ep_ctl *c = ctl_of(ctx);
    struct ep_wire *w;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        (w = get_wire(c, params, err)) == NULL)
        return err->code;
    *result = wire_row(c, w, true);
    return 0;
}

/* The default connector of a and b: a hash of the two names with a zero low
 * byte (a VXLAN VNI), the same whichever end asks, not one in use here. */
static uint32_t connector_derive(struct ep_ctl *c, const char *a, const char *b)
{
    const char *x = strcmp(a, b) < 0 ? a : b, *y = x == a ? b : a;
    uint32_t h = 2166136261u;

    for (const char *s = x; *s != '\0'; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h = (h ^ '|') * 16777619u;
    for (const char *s = y; *s != '\0'; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h &= 0xffffff00u;
    while (h == 0 || wire_find(c, h) != NULL)
        h += 0x100;
    return h;
}

static json_t *wire_row(struct ep_ctl *c, const struct ep_wire *w, bool detail);

/* wire.connect between two endpoints of this host: a native wire. */
static int native_connect(struct ep_ctl *c, struct vr_iface *ifa, struct vr_iface *ifb,
                          const char *a, const char *b, int type, int64_t conn, json_t **result,
                          struct jsonrpc_error *err)
{
    struct ep_wire *w;
    char why[256];
    int rc;

    if (type == 0 || type == 1)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "type: %s needs the ends on two hosts; %s and %s are both on %s "
                                 "(leave type out, or say native)",
                                 type == 0 ? "encap" : "secure", a, b, c->api->host);
    if (ifb->port != NULL)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "b: %s is bound to port %s", b,
                                 ifb->port->name);
    if (wire_of_local(c, b) != NULL)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "b: %s has a wire already", b);
    if (conn != 0 && (w = wire_find(c, (uint32_t)conn)) != NULL) {
        if (w->state != W_FAILED)
            return jsonrpc_error_set(err, JSONRPC_EXISTS, "connector: %#x is in use",
                                     (unsigned)conn);
        wire_free(c, w);
    }
    if (conn == 0)
        conn = connector_derive(c, a, b);
    w = wire_new(c, (uint32_t)conn);
    if (w == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
    w->native = true;
    snprintf(w->local, sizeof(w->local), "%s", a);
    snprintf(w->remote, sizeof(w->remote), "%s", b);
    snprintf(w->far.host, sizeof(w->far.host), "%s", c->api->host);
    rc = native_make(c, w->connector, ifa, ifb, w->port, w->port2, why, sizeof(why));
    if (rc != 0) {
        wire_free(c, w);
        return jsonrpc_error_set(err, rc == -EEXIST ? JSONRPC_EXISTS : JSONRPC_INTERNAL_ERROR,
                                 "native wire: %s", why);
    }
    w->state = W_UP;
    log_info("wire %#x: native, %s (%s) <-> %s (%s)", w->connector, a, w->port, b, w->port2);
    *result = wire_row(c, w, false);
    return 0;
}

static int m_wire_connect(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"connector", "a", "b", "type", NULL};
    static const char *const types[] = {"encap", "secure", "native", NULL};
    struct ep_ctl *c = ctl_of(ctx);
    const char *a, *b;
    struct vr_iface *ifc, *ifb;
    struct ep_wire *w;
    struct ep_loc loc;
    int64_t conn = 0;
    int type = -1, rc;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        jsonrpc_get_int(params, NULL, "connector", false, 1, UINT32_MAX, &conn, err) < 0 ||
        ep_get(params, "a", true, &a, err) != 0 || ep_get(params, "b", true, &b, err) != 0 ||
        (rc = jsonrpc_get_enum(params, NULL, "type", false, types, &type, err)) < 0)
        return err->code;
    if (rc == 1)
        type = -1; /* the controller picks */
    if ((ifc = local_iface(c, a)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "a: no endpoint %s on %s", a,
                                 ((struct api *)ctx)->host);
    if (ifc->port != NULL)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "a: %s is bound to port %s", a,
                                 ifc->port->name);
    if (wire_of_local(c, a) != NULL)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "a: %s has a wire already", a);
    if (strcmp(a, b) == 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "b: the same endpoint as a");
    if ((ifb = local_iface(c, b)) != NULL)
        return native_connect(c, ifc, ifb, a, b, type, conn, result, err);
    if (type == 2)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "type: native needs both ends on this host; %s is not on %s", b,
                                 c->api->host);
    if (type < 0)
        type = 0;
    if (c->pc == NULL)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "b: %s is not on this host and vroomd has no peer channel "
                                 "(--cert, --key, --ca, --peer)",
                                 b);
    if (c->underlay[0] == '\0')
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "a: this host has no underlay address (vroomd --underlay)");
    if (conn != 0 && (w = wire_find(c, (uint32_t)conn)) != NULL) {
        if (w->state != W_FAILED)
            return jsonrpc_error_set(err, JSONRPC_EXISTS, "connector: %#x is in use",
                                     (unsigned)conn);
        wire_free(c, w); /* a failed attempt is replaced */
    }
    if (conn == 0)
        conn = connector_derive(c, a, b);
    w = wire_new(c, (uint32_t)conn);
    if (w == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
    w->secure = type == 1;
    snprintf(w->local, sizeof(w->local), "%s", a);
    snprintf(w->remote, sizeof(w->remote), "%s", b);
    w->state = W_LOOKUP;
    rc = c->dir->lookup(c, b, &loc);
    if (rc == 0) {
        w->far = loc;
        wire_connect_far(c, w);
    } else if (rc == -EAGAIN) {
        wire_arm(w, EP_LOOKUP_S);
    } else {
        wire_free(c, w);
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED, "b: no peer is up to ask where %s is",
                                 b);
    }
    *result = wire_row(c, w, false);
    return 0;
}

static int m_wire_disconnect(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"connector", NULL};
    struct ep_ctl *c = ctl_of(ctx);
    struct ep_peer *far;
    struct ep_wire *w;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        (w = get_wire(c, params, err)) == NULL)
        return err->code;
    if (w->state == W_MOVING || w->state == W_DRAINING)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "connector: %#x is moving", w->connector);
    far = w->far.host[0] != '\0' ? peer_named(c, w->far.host) : NULL;
    if (far != NULL && (w->state == W_UP || w->state == W_CONNECTING))
        send_msg(far, MSG_DISCONNECT, ++c->next_id,
                 json_pack("{s:I}", "connector", (json_int_t)w->connector));
    *result = json_pack("{s:I,s:b}", "disconnected", (json_int_t)w->connector, "far_end_told",
                        far != NULL && peer_is_up(far->p));
    log_info("wire %#x: disconnected", w->connector);
    wire_free(c, w);
    return 0;
}

/* endpoint.move of one end of a native wire to another host (to): the
 * wire becomes an encap wire between here and there (native_leave()). */
static int native_move(struct ep_ctl *c, struct ep_wire *w, const char *ep, struct ep_peer *to,
                       json_t **result, struct jsonrpc_error *err)
{
    const char *other = strcmp(w->local, ep) == 0 ? w->remote : w->local;

    if (c->underlay[0] == '\0')
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "endpoint: this host has no underlay address (vroomd "
                                 "--underlay) for the wire the native one becomes");
    if (w->xstate != X_NONE)
        return jsonrpc_error_set(err, JSONRPC_BUSY,
                                 "endpoint: wire %#x is still draining an earlier move",
                                 w->connector);
    w->req = ++c->next_id;
    if (send_msg(to, MSG_MOVE_PREPARE, w->req,
                 json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "connector", (json_int_t)w->connector,
                           "endpoint", ep, "far", other, "far_host", c->api->host,
                           "far_underlay", c->underlay, "type", "encap")) != 0)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "to: cannot send to %s", to->name);
    snprintf(w->move_ep, sizeof(w->move_ep), "%s", ep);
    snprintf(w->move_to, sizeof(w->move_to), "%s", to->name);
    w->move_phase = 2;
    w->state = W_MOVING;
    wire_arm(w, EP_CONNECT_S);
    *result = wire_row(c, w, false);
    return 0;
}

static int m_endpoint_move(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"endpoint", "to", NULL};
    struct ep_ctl *c = ctl_of(ctx);
    struct ep_peer *to, *far;
    const char *ep, *host;
    struct port_wire_info wi;
    struct ep_key nk = {0};
    struct port *port;
    struct ep_wire *w;
    int rc;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        ep_get(params, "endpoint", true, &ep, err) != 0 ||
        jsonrpc_get_string(params, NULL, "to", true, PEER_NAME_MAX, &host, err) != 0)
        return err->code;
    if (local_iface(c, ep) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "endpoint: no endpoint %s on %s", ep,
                                 ((struct api *)ctx)->host);
    if (c->pc == NULL || (to = peer_named(c, host)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "to: %s is not a peer of this host", host);
    if (!peer_is_up(to->p) || to->underlay[0] == '\0')
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "to: %s is not up (or has not told its underlay)", host);
    w = wire_of_local(c, ep);
    if (w == NULL)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "endpoint: %s has no wire to move (moving an endpoint without "
                                 "one is not supported yet)",
                                 ep);
    if (w->state != W_UP)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "endpoint: its wire %#x is %s", w->connector,
                                 state_names[w->state]);
    if (w->xstate == X_PREPARED)
        return jsonrpc_error_set(err, JSONRPC_BUSY, "endpoint: its wire %#x is becoming native",
                                 w->connector);
    if (w->native)
        return native_move(c, w, ep, to, result, err);
    /* to == the far end's host: the wire becomes native there */
    far = peer_named(c, w->far.host);
    if (far == NULL || !peer_is_up(far->p))
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "endpoint: the far end's host %s is not up", w->far.host);
    port = dp_port_find(c->api->dp, w->port);
    if (port == NULL || port_wire_info(port, &wi) != 0)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "endpoint: wire port %s is gone",
                                 w->port);
    if (w->secure) {
        /* the new end gets keys of its own under the next epoch: the far end
         * keeps the old epoch's rx key, so what the old end sent still opens */
        nk.has = true;
        nk.epoch = (uint8_t)(wi.epoch + 1);
        if (RAND_bytes(nk.tx, WIRE_SEC_KEYLEN) != 1 || RAND_bytes(nk.rx, WIRE_SEC_KEYLEN) != 1)
            return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "no random bytes for keys");
    }
    /* keep the new keys until the far end is told (error[] is unused while moving) */
    _Static_assert(sizeof(nk) <= sizeof(w->error), "keys fit");
    memcpy(w->error, &nk, sizeof(nk));
    memset(&nk, 0, sizeof(nk));
    snprintf(w->move_to, sizeof(w->move_to), "%s", host);
    if (strcmp(w->far.host, host) == 0) {
        /* the wire becomes native on the far host: it expects nobody */
        rc = move_prepare_send(c, w, to);
    } else {
        /* first the far end accepts from the new place too (EXPECT), so
         * that nothing the new end sends is dropped there */
        json_t *m = json_pack("{s:I,s:s,s:s,s:s}", "connector", (json_int_t)w->connector,
                              "endpoint", w->local, "host", to->name, "underlay", to->underlay);

        if (w->secure)
            json_object_set_new(m, "key", key_json(nk_of(w)->rx, nk_of(w)->tx, nk_of(w)->epoch));
        w->req = ++c->next_id;
        w->move_phase = 1;
        rc = send_msg(far, MSG_EXPECT, w->req, m);
    }
    if (rc != 0) {
        memset(w->error, 0, sizeof(w->error));
        w->move_to[0] = '\0';
        return jsonrpc_error_set(err, JSONRPC_BUSY, "to: cannot send to %s or %s", host,
                                 w->far.host);
    }
    w->state = W_MOVING;
    wire_arm(w, EP_CONNECT_S);
    *result = wire_row(c, w, false);
    return 0;
}

static const struct jsonrpc_method methods[] = {
    {"peer.list", m_peer_list, "the peer hosts: state and counters"},
    {"peer.status", m_peer_status, "this host's side of the peer channel and controller counters"},
    {"endpoint.list", m_endpoint_list, "the endpoints (VR interfaces) of this host"},
    {"endpoint.move", m_endpoint_move, "move an endpoint and its wire to another host"},
    {"wire.connect", m_wire_connect, "make a wire between a local and a remote endpoint"},
    {"wire.disconnect", m_wire_disconnect, "tear down both ends of a wire"},
    {"wire.list", m_wire_list, "the wires the controller made"},
    {"wire.show", m_wire_show, "one wire with its counters"},
};

static void ctl_clear(struct ep_ctl *c)
{
    while (c->wires != NULL)
        wire_free(c, c->wires);
    cache_drop(c, NULL, NULL);
    while (c->cache != NULL) {
        struct ep_cache *e = c->cache;

        c->cache = e->next;
        free(e);
    }
    while (c->moved != NULL)
        moved_forget(c, c->moved->ep);
}

static struct ep_ctl *ctl_new(struct api *api)
{
    struct ep_ctl *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    c->api = api;
    c->dir = &dir_peerask;
    c->grace_ms = EP_GRACE_MS;
    return c;
}

int endpoint_register(struct api *api, struct jsonrpc_server *srv)
{
    if (g_ctl != NULL && g_ctl->api != api && g_ctl->pc == NULL) {
        /* another API (unit tests make many): start afresh */
        ctl_clear(g_ctl);
        free(g_ctl);
        g_ctl = NULL;
    }
    if (g_ctl == NULL && (g_ctl = ctl_new(api)) == NULL)
        return -ENOMEM;
    return jsonrpc_server_add_methods(srv, methods, sizeof(methods) / sizeof(methods[0]), api);
}

int endpoint_ctl_start(struct api *api, const struct endpoint_config *cfg, char *err, size_t errlen)
{
    struct peer_ctx_config pcfg = {0};
    struct ep_ctl *c;
    struct wire_addr ua;
    int rc;

    if (g_ctl != NULL) {
        snprintf(err, errlen, "the endpoint controller runs already");
        return -EBUSY;
    }
    if (cfg->underlay != NULL &&
        (wire_addr_parse(cfg->underlay, WIRE_UDP_PORT, &ua) != 0 || ua.family != AF_INET ||
         strchr(cfg->underlay, ':') != NULL || strlen(cfg->underlay) >= EP_UNDERLAY_MAX)) {
        snprintf(err, errlen, "--underlay: '%s' is not an IPv4 address", cfg->underlay);
        return -EINVAL;
    }
    if (cfg->n_peers > ENDPOINT_PEERS_MAX) {
        snprintf(err, errlen, "--peer: at most %d", ENDPOINT_PEERS_MAX);
        return -EINVAL;
    }
    c = ctl_new(api);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (cfg->underlay != NULL)
        snprintf(c->underlay, sizeof(c->underlay), "%s", cfg->underlay);
    if (cfg->grace_ms != 0)
        c->grace_ms = cfg->grace_ms;
    if (cfg->cert_file == NULL && cfg->key_file == NULL && cfg->ca_file == NULL) {
        if (cfg->n_peers > 0 || cfg->listen_addr != NULL) {
            snprintf(err, errlen, "--peer and --peer-listen need --cert, --key and --ca");
            free(c);
            return -EINVAL;
        }
        g_ctl = c;
        return 0;
    }
    if (cfg->cert_file == NULL || cfg->key_file == NULL || cfg->ca_file == NULL) {
        snprintf(err, errlen, "--cert, --key and --ca go together");
        free(c);
        return -EINVAL;
    }
    pcfg.name = api->host;
    pcfg.cert_file = cfg->cert_file;
    pcfg.key_file = cfg->key_file;
    pcfg.ca_file = cfg->ca_file;
    pcfg.handlers = handlers;
    pcfg.n_handlers = sizeof(handlers) / sizeof(handlers[0]);
    pcfg.ops.up = on_up;
    pcfg.ops.down = on_down;
    pcfg.arg = c;
    pcfg.max_msg = 1 << 20;
    rc = peer_ctx_new(api->loop, &pcfg, &c->pc);
    if (rc != 0) {
        snprintf(err, errlen, "peer channel: certificates (%s, %s, %s): %s", cfg->cert_file,
                 cfg->key_file, cfg->ca_file, strerror(-rc));
        free(c);
        return rc;
    }
    for (size_t i = 0; i < cfg->n_peers && rc == 0; i++) {
        struct ep_peer *ep = &c->peers[c->n_peers];

        snprintf(ep->name, sizeof(ep->name), "%s", cfg->peers[i].name);
        snprintf(ep->addr, sizeof(ep->addr), "%s",
                 cfg->peers[i].addr != NULL ? cfg->peers[i].addr : "");
        ep->port = cfg->peers[i].port != 0 ? cfg->peers[i].port : ENDPOINT_PEER_PORT;
        rc = peer_add(c->pc, cfg->peers[i].name, cfg->peers[i].addr, ep->port, &ep->p);
        if (rc != 0)
            snprintf(err, errlen, "--peer %s: %s", cfg->peers[i].name,
                     rc == -EEXIST ? "given twice" : "bad name or address");
        else
            c->n_peers++;
    }
    if (rc == 0 && cfg->listen_addr != NULL) {
        uint16_t port = cfg->listen_port != 0 ? cfg->listen_port : ENDPOINT_PEER_PORT;

        rc = peer_ctx_listen(c->pc, cfg->listen_addr, port);
        if (rc != 0)
            snprintf(err, errlen, "--peer-listen %s:%u: %s", cfg->listen_addr, port, strerror(-rc));
        else
            snprintf(c->listen, sizeof(c->listen), "%s:%u", cfg->listen_addr, port);
    }
    if (rc != 0) {
        peer_ctx_free(c->pc);
        free(c);
        return rc;
    }
    g_ctl = c;
    log_info("peer channel: %s, %zu peers, underlay %s", c->listen[0] ? c->listen : "not listening",
             c->n_peers, c->underlay[0] ? c->underlay : "none");
    return 0;
}

void endpoint_ctl_stop(void)
{
    if (g_ctl == NULL)
        return;
    ctl_clear(g_ctl);
    peer_ctx_free(g_ctl->pc);
    free(g_ctl);
    g_ctl = NULL;
}
