/*
 * dp.c - the data plane's objects and events: VRs, ports, their watchers,
 * transmit batching and the timer. Packets: pipeline.c. See dp.h.
 */
#include "dp/container.h"
#include "dp/dp_impl.h"
#include "dp/neigh.h"
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t clock_monotonic(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t dp_now(const struct dp *dp)
{
    return dp->now(dp->now_arg);
}

void dp_set_clock(struct dp *dp, uint64_t (*now)(void *arg), void *arg)
{
    dp->now = now != NULL ? now : clock_monotonic;
    dp->now_arg = arg;
}

struct pbuf_pool *dp_pool(const struct dp *dp)
{
    return dp->pool;
}

const struct dp_config *dp_config(const struct dp *dp)
{
    return &dp->cfg;
}

const struct counters *dp_counters(const struct dp *dp)
{
    return &dp->st;
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    dp_tick(w->data);
}

struct dp *dp_create(struct ev_loop *loop, const struct dp_config *cfg)
{
    struct dp *dp = calloc(1, sizeof(*dp));

    if (dp == NULL)
        return NULL;
    if (cfg != NULL)
        dp->cfg = *cfg;
    if (dp->cfg.max_pbufs == 0)
        dp->cfg.max_pbufs = 8192;
    if (dp->cfg.icmp_rate == 0)
        dp->cfg.icmp_rate = 1000;
    if (dp->cfg.icmp_burst == 0)
        dp->cfg.icmp_burst = 100;
    dp->pool = pbuf_pool_create(dp->cfg.max_pbufs);
    if (dp->pool == NULL) {
        free(dp);
        return NULL;
    }
    dp->loop = loop;
    dp->now = clock_monotonic;
    dp->next_vr_id = 1;
    if (loop != NULL) {
        ev_timer_init(&dp->tick, tick_cb, 0.1, 0.1);
        dp->tick.data = dp;
        ev_timer_start(loop, &dp->tick);
    }
    return dp;
}

static void dp_port_unwatch(struct dp *dp, struct port *p)
{
    struct dp_port *dpp = p->dp_priv;

    if (dpp == NULL)
        return;
    if (dpp->watching)
        ev_io_stop(dp->loop, &dpp->io);
    for (unsigned i = 0; i < dpp->txn; i++)
        pbuf_free(dpp->txq[i]);
    if (dpp->dirty) {
        for (unsigned i = 0; i < dp->n_dirty; i++)
            if (dp->dirty[i] == dpp)
                dp->dirty[i] = dp->dirty[--dp->n_dirty];
    }
    free(dpp);
    p->dp_priv = NULL;
}

static void dp_port_close(struct dp *dp, struct port *p)
{
    dp_port_unwatch(dp, p);
    port_close(p);
}

void dp_free(struct dp *dp)
{
    if (dp == NULL)
        return;
    for (unsigned i = 0; i < DP_VRS_MAX; i++)
        if (dp->vrs[i] != NULL)
            dp_vr_delete(dp, dp->vrs[i]->name);
    for (unsigned i = 0; i < DP_PORTS_MAX; i++)
        if (dp->ports[i] != NULL)
            dp_port_close(dp, dp->ports[i]);
    if (dp->loop != NULL)
        ev_timer_stop(dp->loop, &dp->tick);
    pbuf_pool_free(dp->pool);
    free(dp);
}

struct vr *dp_vr_find(const struct dp *dp, const char *name)
{
    for (unsigned i = 0; i < DP_VRS_MAX; i++)
        if (dp->vrs[i] != NULL && strcmp(dp->vrs[i]->name, name) == 0)
            return dp->vrs[i];
    return NULL;
}

struct vr *dp_vr_at(const struct dp *dp, unsigned i)
{
    return i < DP_VRS_MAX ? dp->vrs[i] : NULL;
}

struct vr *dp_vr_create(struct dp *dp, const char *name, char *err, size_t errlen)
{
    struct vr *vr;
    int slot = -1;

    if (name != NULL && dp_vr_find(dp, name) != NULL) {
        snprintf(err, errlen, "name: a VR %s exists already", name);
        errno = EEXIST;
        return NULL;
    }
    for (unsigned i = 0; i < DP_VRS_MAX && slot < 0; i++)
        if (dp->vrs[i] == NULL)
            slot = (int)i;
    if (slot < 0) {
        snprintf(err, errlen, "this host has %d VRs already", DP_VRS_MAX);
        errno = ENOSPC;
        return NULL;
    }
    vr = vr_create(dp, name, dp->next_vr_id, err, errlen);
    if (vr == NULL) {
        errno = EINVAL;
        return NULL;
    }
    dp->next_vr_id++;
    vr->icmp_tokens = dp->cfg.icmp_burst;
    vr->icmp_last_ns = dp_now(dp);
    dp->vrs[slot] = vr;
    return vr;
}

int dp_vr_delete(struct dp *dp, const char *name)
{
    for (unsigned i = 0; i < DP_VRS_MAX; i++) {
        struct vr *vr = dp->vrs[i];

        if (vr == NULL || strcmp(vr->name, name) != 0)
            continue;
        for (int k = 0; k < VR_IFACES_MAX; k++) {
            struct vr_iface *ifc = vr->ifaces[k];

            if (ifc != NULL && ifc->tap != NULL) {
                for (unsigned j = 0; j < DP_PORTS_MAX; j++)
                    if (dp->ports[j] == ifc->tap)
                        dp->ports[j] = NULL;
                dp_port_close(dp, ifc->tap);
                ifc->tap = NULL;
            }
        }
        dp->vrs[i] = NULL;
        container_free(dp, vr);
        vr_free(vr);
        return 0;
    }
    return -ENOENT;
}

void dp_tx(struct dp *dp, struct port *p, struct pbuf *b)
{
    struct dp_port *dpp = p->dp_priv;

    if (dpp == NULL) {
        port_tx1(p, b);
        return;
    }
    dpp->txq[dpp->txn++] = b;
    if (dpp->txn == PORT_BURST) {
        port_tx(p, dpp->txq, dpp->txn);
        dpp->txn = 0;
    }
    if (!dpp->dirty) {
        dpp->dirty = 1;
        dp->dirty[dp->n_dirty++] = dpp;
    }
}

void dp_flush(struct dp *dp)
{
    for (unsigned i = 0; i < dp->n_dirty; i++) {
        struct dp_port *dpp = dp->dirty[i];

        if (dpp->txn > 0)
            port_tx(dpp->p, dpp->txq, dpp->txn);
        dpp->txn = 0;
        dpp->dirty = 0;
    }
    dp->n_dirty = 0;
}

unsigned dp_poll_port(struct dp *dp, struct port *p)
{
    struct pbuf *bufs[PORT_BURST];
    unsigned n = port_rx(p, bufs, PORT_BURST);
    uint64_t now = n > 0 ? dp_now(dp) : 0;

    for (unsigned i = 0; i < n; i++) {
        bufs[i]->rx_ns = now;
        dp_input(dp, bufs[i]);
    }
    dp_flush(dp);
    return n;
}

static void port_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct dp_port *dpp = w->data;
    unsigned rounds = 0;

    (void)loop;
    (void)revents;
    /* Drain a few bursts per wake-up, then let the other ports have a turn. */
    while (dp_poll_port(dpp->dp, dpp->p) == PORT_BURST && ++rounds < 8)
        ;
}

static int dp_port_watch(struct dp *dp, struct port *p)
{
    struct dp_port *dpp = calloc(1, sizeof(*dpp));
    int fd = port_fd(p);

    if (dpp == NULL)
        return -ENOMEM;
    dpp->dp = dp;
    dpp->p = p;
    p->dp_priv = dpp;
    if (dp->loop != NULL && fd >= 0) {
        ev_io_init(&dpp->io, port_cb, fd, EV_READ);
        dpp->io.data = dpp;
        ev_io_start(dp->loop, &dpp->io);
        dpp->watching = 1;
    }
    return 0;
}

static int dp_port_slot(struct dp *dp, const char *name, char *err, size_t errlen)
{
    int slot = -1;

    for (unsigned i = 0; i < DP_PORTS_MAX; i++) {
        if (dp->ports[i] == NULL) {
            if (slot < 0)
                slot = (int)i;
        } else if (strcmp(dp->ports[i]->name, name) == 0) {
            snprintf(err, errlen, "name: a port %s exists already", name);
            return -EEXIST;
        }
    }
    if (slot < 0) {
        snprintf(err, errlen, "this host has %d ports already", DP_PORTS_MAX);
        return -ENOSPC;
    }
    return slot;
}

int dp_port_add(struct dp *dp, const char *kind, const char *name, const char *ifname, int fd,
                struct port **out, char *err, size_t errlen)
{
    struct port *p;
    int slot = dp_port_slot(dp, name, err, errlen), rc;

    if (slot < 0)
        return slot;
    rc = port_open(kind, name, ifname, fd, dp->pool, &p, err, errlen);
    if (rc != 0)
        return rc;
    if ((rc = dp_port_watch(dp, p)) != 0) {
        port_close(p);
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    dp->ports[slot] = p;
    if (out != NULL)
        *out = p;
    return 0;
}

int dp_port_delete(struct dp *dp, const char *name)
{
    for (unsigned i = 0; i < DP_PORTS_MAX; i++) {
        struct port *p = dp->ports[i];

        if (p == NULL || strcmp(p->name, name) != 0 || p->role == PORT_ROLE_TAP)
            continue;
        if (p->owner != NULL)
            vr_iface_bind(p->owner, NULL);
        dp->ports[i] = NULL;
        dp_port_close(dp, p);
        return 0;
    }
    return -ENOENT;
}

struct port *dp_port_find(const struct dp *dp, const char *name)
{
    for (unsigned i = 0; i < DP_PORTS_MAX; i++)
        if (dp->ports[i] != NULL && strcmp(dp->ports[i]->name, name) == 0)
            return dp->ports[i];
    return NULL;
}

struct port *dp_port_at(const struct dp *dp, unsigned i)
{
    return i < DP_PORTS_MAX ? dp->ports[i] : NULL;
}

int dp_iface_set_tap(struct dp *dp, struct vr_iface *ifc, struct port *tap)
{
    int slot = -1;

    for (unsigned i = 0; i < DP_PORTS_MAX && slot < 0; i++)
        if (dp->ports[i] == NULL)
            slot = (int)i;
    if (slot < 0)
        return -ENOSPC;
    if (tap->dp_priv == NULL && dp_port_watch(dp, tap) != 0)
        return -ENOMEM;
    if (ifc->tap != NULL) {
        for (unsigned j = 0; j < DP_PORTS_MAX; j++)
            if (dp->ports[j] == ifc->tap)
                dp->ports[j] = NULL;
        dp_port_close(dp, ifc->tap);
    }
    tap->role = PORT_ROLE_TAP;
    tap->owner = ifc;
    ifc->tap = tap;
    dp->ports[slot] = tap;
    return 0;
}

int dp_iface_delete(struct dp *dp, struct vr *vr, const char *name)
{
    struct vr_iface *ifc = vr_iface_find(vr, name);

    if (ifc == NULL)
        return -ENOENT;
    if (ifc->tap != NULL) {
        for (unsigned j = 0; j < DP_PORTS_MAX; j++)
            if (dp->ports[j] == ifc->tap)
                dp->ports[j] = NULL;
        dp_port_close(dp, ifc->tap);
        ifc->tap = NULL;
    }
    return vr_iface_del(vr, name);
}

void dp_tick(struct dp *dp)
{
    uint64_t now = dp_now(dp);

    for (unsigned i = 0; i < DP_VRS_MAX; i++)
        if (dp->vrs[i] != NULL)
            dp_vr_tick(dp, dp->vrs[i], now);
    dp_flush(dp);
}
