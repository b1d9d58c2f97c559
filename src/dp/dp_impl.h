/*
 * dp_impl.h - the data plane's insides, shared by dp.c (objects, events),
 * pipeline.c (packets) and api.c (the hypervisor API). Not for other modules.
 */
#ifndef VROOM_DP_DP_IMPL_H
#define VROOM_DP_DP_IMPL_H

#include <ev.h>

#include "dp/dp.h"
#include "dp/port.h"
#include "dp/vr.h"

struct dp_port {
    struct dp *dp;
    struct port *p;
    ev_io io;
    int watching;
    struct pbuf *txq[PORT_BURST];
    unsigned txn;
    int dirty;
};

struct dp {
    struct ev_loop *loop;
    struct dp_config cfg;
    struct pbuf_pool *pool;
    struct vr *vrs[DP_VRS_MAX];
    struct port *ports[DP_PORTS_MAX];
    struct dp_port *dirty[DP_PORTS_MAX];
    unsigned n_dirty;
    ev_timer tick;
    uint64_t (*now)(void *arg);
    void *now_arg;
    uint32_t next_vr_id;
    struct counters st;
};

/* Queue b for transmission on p (flushed at the end of the burst). */
void dp_tx(struct dp *dp, struct port *p, struct pbuf *b);
/* Send everything queued. */
void dp_flush(struct dp *dp);

/* pipeline.c */
void dp_input(struct dp *dp, struct pbuf *b);
void dp_vr_tick(struct dp *dp, struct vr *vr, uint64_t now);
/* Send an IP packet (b holds it at b->data, with PKT_ETH_HLEN of headroom
 * before) out of ifc to the neighbour nhaddr: resolves, queues or sends. */
void dp_ip_output(struct dp *dp, struct vr_iface *ifc, const struct inet_addr *nhaddr,
                  struct pbuf *b);

#endif
