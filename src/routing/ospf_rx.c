/*
 * ospf_rx.c - what the OSPF instance does with a received packet: the
 * checks of 8.2 (destination, area, source subnet, our own router ID) and
 * authentication, then Hello (10.5), Database Description (10.6), LS
 * Request (10.7), LS Update (13, 13.4) and LS Ack (13.7) processing. Every
 * packet and LSA goes through the library's validated parsers
 * (ospf_pkt_parse(), ospf_pkt_auth_check(), lsa_parse()) before use.
 * The instance's other half: proto_ospf.c.
 */
#include "routing/ospf_int.h"

static struct onbr *nbr_find(struct oif *oi, uint32_t src, uint32_t rid)
{
    for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
        if (!nb->removed && (oi->ifc.type == OSPF_IF_P2P ? nb->n.rid == rid : nb->n.addr == src))
            return nb;
    return NULL;
}

static void drop_log(struct oif *oi, uint32_t src, const char *what, int reason, uint32_t value,
                     uint32_t offset)
{
    char b[16];

    oi->o->drops++;
    if (reason < 0 && -reason < OSPF_ERR_COUNT)
        oi->o->drop[-reason]++;
    log_warnx("ospf: %s: dropped a packet from %s: %s (value %u, offset %u)", oi->name,
              ospfd_ip4(src, b), reason < 0 ? ospf_err_name(reason) : what, value, offset);
}

static void rx_hello(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                     ospf_time_t now)
{
    const struct ospf_hello *h = &p->u.hello;
    uint8_t old_prio;
    uint32_t old_dr, old_bdr;
    bool seen = false;

    if ((oi->ifc.type == OSPF_IF_BROADCAST && h->mask != oi->ifc.mask) ||
        h->hello_interval != oi->ifc.hello_interval || h->dead_interval != oi->ifc.dead_interval ||
        (h->options & OSPF_OPT_E) != OSPF_OPT_E) {
        drop_log(oi, src, "hello parameters mismatch", 0, h->hello_interval, 0);
        return;
    }
    if (nb == NULL) {
        if ((nb = calloc(1, sizeof(*nb))) == NULL)
            return;
        nb->oi = oi;
        nb->n.rid = p->hdr.router_id;
        nb->n.addr = src;
        nb->n.priority = h->priority;
        nb->n.dr = h->dr;
        nb->n.bdr = h->bdr;
        nb->next = oi->nbrs;
        oi->nbrs = nb;
    }
    nb->n.addr = src;
    nb->n.rid = p->hdr.router_id;
    old_prio = nb->n.priority;
    old_dr = nb->n.dr;
    old_bdr = nb->n.bdr;
    nb->n.priority = h->priority;
    nb->n.dr = h->dr;
    nb->n.bdr = h->bdr;
    ospfd_nbr_event(nb, OSPF_NE_HELLO, now);
    for (uint32_t i = 0; i < h->n_nbrs; i++)
        if (ospf_hello_nbr(h, i) == oi->o->rid)
            seen = true;
    if (!seen) {
        ospfd_nbr_event(nb, OSPF_NE_1WAY, now);
        return;
    }
    ospfd_nbr_event(nb, OSPF_NE_2WAY, now);
    if (oi->ifc.type != OSPF_IF_BROADCAST || nb->removed)
        return;
    if (old_prio != h->priority)
        ospfd_if_event(oi, OSPF_IFE_NBR_CHANGE, now);
    if (h->dr == src && h->bdr == 0 && oi->ifc.state == OSPF_IFS_WAITING)
        ospfd_if_event(oi, OSPF_IFE_BACKUP_SEEN, now);
    else if ((h->dr == src) != (old_dr == src))
        ospfd_if_event(oi, OSPF_IFE_NBR_CHANGE, now);
    if (h->bdr == src && oi->ifc.state == OSPF_IFS_WAITING)
        ospfd_if_event(oi, OSPF_IFE_BACKUP_SEEN, now);
    else if ((h->bdr == src) != (old_bdr == src))
        ospfd_if_event(oi, OSPF_IFE_NBR_CHANGE, now);
}

/* The LSA headers of an accepted DD go to the request list; false on a bad type. */
static bool dd_headers(struct onbr *nb, const struct ospf_dd *dd, ospf_time_t now)
{
    struct ospf_inst *o = nb->oi->o;

    for (uint32_t i = 0; i < dd->n_lsas; i++) {
        struct lsa_hdr h, cur;
        struct lsdb_entry *e;

        ospf_dd_lsa(dd, i, &h);
        if (h.type < LSA_ROUTER || h.type > LSA_EXTERNAL)
            return false;
        e = lsdb_find(ospfd_db_for(o, nb->oi->area, h.type), h.type, h.id, h.adv_rtr);
        if (e != NULL)
            lsdb_hdr(e, now, &cur);
        if (e == NULL || lsa_newer(&h, &cur) > 0)
            ospfd_req_add(nb, &h);
    }
    return true;
}

static void dd_record(struct onbr *nb, const struct ospf_dd *dd)
{
    nb->have_rx = true;
    nb->rx_flags = dd->flags;
    nb->rx_opts = dd->options;
    nb->rx_seq = dd->seq;
}

static void dd_accepted(struct onbr *nb, const struct ospf_dd *dd, ospf_time_t now)
{
    dd_record(nb, dd);
    if (!dd_headers(nb, dd, now)) {
        ospfd_nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
        return;
    }
    if (nb->n.master) {
        nb->n.dd_seq++;
        if (!nb->last_sent_m && !(dd->flags & OSPF_DD_M)) {
            nb->n.rxmt_at = 0;
            ospfd_nbr_event(nb, OSPF_NE_EXCHANGE_DONE, now);
        } else
            ospfd_send_dd_next(nb, now);
    } else {
        nb->n.dd_seq = dd->seq;
        ospfd_send_dd_next(nb, now);
        if (!(dd->flags & OSPF_DD_M) && !nb->last_sent_m)
            ospfd_nbr_event(nb, OSPF_NE_EXCHANGE_DONE, now);
    }
}

static void rx_dd(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                  ospf_time_t now)
{
    const struct ospf_dd *dd = &p->u.dd;
    bool dup = nb->have_rx && nb->rx_flags == dd->flags && nb->rx_opts == dd->options &&
               nb->rx_seq == dd->seq;
    uint8_t fl = dd->flags & (OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS);

    if (dd->mtu > oi->mtu) {
        drop_log(oi, src, "DD MTU above the interface's", 0, dd->mtu, 0);
        return;
    }
    switch (nb->n.state) {
    case OSPF_NS_INIT:
        ospfd_nbr_event(nb, OSPF_NE_2WAY, now);
        if (nb->n.state != OSPF_NS_EXSTART)
            return;
        /* fall through */
    case OSPF_NS_EXSTART:
        if (fl == (OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS) && dd->n_lsas == 0 &&
            nb->n.rid > oi->o->rid) {
            nb->n.master = false;
            nb->n.options = dd->options;
            nb->n.rxmt_at = 0;
            ospfd_nbr_event(nb, OSPF_NE_NEG_DONE, now);
            dd_accepted(nb, dd, now);
        } else if (!(fl & (OSPF_DD_I | OSPF_DD_MS)) && dd->seq == nb->n.dd_seq &&
                   nb->n.rid < oi->o->rid) {
            nb->n.master = true;
            nb->n.options = dd->options;
            ospfd_nbr_event(nb, OSPF_NE_NEG_DONE, now);
            dd_accepted(nb, dd, now);
        }
        return;
    case OSPF_NS_EXCHANGE:
        if (dup) {
            if (!nb->n.master)
                ospfd_resend_dd(nb);
            return;
        }
        if ((fl & OSPF_DD_MS) != (nb->n.master ? 0 : OSPF_DD_MS) || (fl & OSPF_DD_I) ||
            dd->options != nb->n.options ||
            dd->seq != (nb->n.master ? nb->n.dd_seq : nb->n.dd_seq + 1)) {
            ospfd_nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
            return;
        }
        dd_accepted(nb, dd, now);
        return;
    case OSPF_NS_LOADING:
    case OSPF_NS_FULL:
        if (dup) {
            if (!nb->n.master)
                ospfd_resend_dd(nb);
            return;
        }
        ospfd_nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
        return;
    default:
        return;
    }
}

static void rx_lsreq(struct oif *oi, struct onbr *nb, const struct ospf_pkt *p, ospf_time_t now)
{
    struct lsdb_entry *es[256];
    size_t k = 0;

    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    for (uint32_t i = 0; i < p->u.lsreq.n; i++) {
        struct ospf_lsreq_ent r;
        struct lsdb_entry *e = NULL;

        ospf_lsreq_get(&p->u.lsreq, i, &r);
        if (r.type >= LSA_ROUTER && r.type <= LSA_EXTERNAL)
            e = lsdb_find(ospfd_db_for(oi->o, oi->area, (uint8_t)r.type), (uint8_t)r.type, r.id,
                          r.adv_rtr);
        if (e == NULL) {
            ospfd_nbr_event(nb, OSPF_NE_BAD_LSREQ, now);
            return;
        }
        es[k++] = e;
        if (k == 256) {
            ospfd_send_lsus(oi, ospfd_nbr_dst(nb), es, k, now);
            k = 0;
        }
    }
    if (k > 0)
        ospfd_send_lsus(oi, ospfd_nbr_dst(nb), es, k, now);
}

static void ack_delayed(struct oif *oi, const struct lsa_hdr *h)
{
    if (oi->n_acks == oi->cap_acks) {
        size_t cap = oi->cap_acks ? oi->cap_acks * 2 : 32;
        struct lsa_hdr *v = realloc(oi->acks, cap * sizeof(*v));

        if (v == NULL)
            return;
        oi->acks = v;
        oi->cap_acks = cap;
    }
    oi->acks[oi->n_acks++] = *h;
}

/* 13.4: a newer instance of one of our own LSAs came back: outdo it or flush it. */
static void self_lsa(struct ospf_inst *o, struct oarea *a, struct lsdb *db, struct lsdb_entry *e,
                     ospf_time_t now)
{
    bool keep = false;

    if (e->lsa.hdr.type == LSA_ROUTER && e->lsa.hdr.id == o->rid)
        keep = true;
    if (e->lsa.hdr.type == LSA_NETWORK)
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].area == a && o->ifs[j].ifc.addr == e->lsa.hdr.id &&
                ospfd_want_net(&o->ifs[j]))
                keep = true;
    if (e->lsa.hdr.type == LSA_EXTERNAL) {
        struct ext *x = ospfd_ext_find(o, e->lsa.hdr.id);

        if (x != NULL && x->present && x->plen == lsa_mask_len(e->lsa.u.ext.mask)) {
            x->dirty = x->force = true;
            o->ext_dirty = true;
            return;
        }
    }
    if (keep) {
        a->dirty = true;
        a->force = true;
        return;
    }
    if (e->flags & LSDB_F_MAXAGE)
        return;
    lsdb_flush(db, e, now);
    ospfd_flood(o, a, e, NULL, NULL, now);
}

static bool is_self(struct ospf_inst *o, const struct lsa_hdr *h)
{
    if (h->adv_rtr == o->rid)
        return true;
    if (h->type == LSA_NETWORK)
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].ifc.addr == h->id)
                return true;
    return false;
}

static void rx_lsupd(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                     ospf_time_t now)
{
    struct ospf_inst *o = oi->o;
    struct lsa_hdr direct[256];
    size_t n_direct = 0, off = 0, lsa_len;
    const uint8_t *lsa;

    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    while (ospf_lsupd_next(&p->u.lsupd, &off, &lsa, &lsa_len)) {
        struct ospf_drop drop = {0};
        struct lsa l;
        struct lsa_hdr h, cur;
        struct lsdb *db;
        struct lsdb_entry *e, *ne = NULL;
        int cmp, r;

        /* 13 (1): every LSA through the library's parser first; a bad one goes alone */
        if ((r = lsa_parse(lsa, lsa_len, &l, &drop)) < 0) {
            drop_log(oi, src, NULL, r, drop.value, drop.offset);
            continue;
        }
        h = l.hdr;
        lsa_clear(&l);
        db = ospfd_db_for(o, oi->area, h.type);
        e = lsdb_find(db, h.type, h.id, h.adv_rtr);
        /* (4) a MaxAge LSA we do not have, nobody exchanging: acknowledge, drop */
        if (h.age >= OSPF_MAX_AGE && e == NULL && !ospfd_flush_blocked(o, NULL)) {
            if (n_direct < 256)
                direct[n_direct++] = h;
            continue;
        }
        if (e != NULL)
            lsdb_hdr(e, now, &cur);
        cmp = e == NULL ? 1 : lsa_newer(&h, &cur);
        if (cmp > 0) {
            /* (5) newer: MinLSArrival, ospfd_flood, install, acknowledge */
            if (e != NULL && !(e->flags & LSDB_F_SELF) &&
                now - e->installed < OSPF_MIN_LS_ARRIVAL * 1000)
                continue;
            ospfd_rxmt_remove_all(o, oi->area, &h);
            r = lsdb_install(db, lsa, lsa_len, now, &ne, &drop);
            if (r < 0) {
                drop_log(oi, src, NULL, r, drop.value, drop.offset);
                continue;
            }
            if (r == 1 || h.age >= OSPF_MAX_AGE)
                ospfd_schedule_spf(o, now);
            if (!ospfd_flood(o, oi->area, ne, oi, nb, now) &&
                (oi->ifc.state != OSPF_IFS_BACKUP || nb->n.addr == oi->ifc.dr))
                ack_delayed(oi, &h);
            if (is_self(o, &h))
                self_lsa(o, oi->area, db, ne, now);
            continue;
        }
        /* (6) older or the same while we asked for it: the exchange went wrong */
        if (ospfd_req_find(nb, &h) >= 0) {
            ospfd_nbr_event(nb, OSPF_NE_BAD_LSREQ, now);
            break;
        }
        if (cmp == 0) {
            /* (7) the same instance: an implied acknowledgement, or a direct one */
            ssize_t i = ospfd_rxmt_find(nb, &h);

            if (i >= 0) {
                ospfd_rxmt_del(nb, (size_t)i);
                if (oi->ifc.state == OSPF_IFS_BACKUP && nb->n.addr == oi->ifc.dr)
                    ack_delayed(oi, &h);
            } else if (n_direct < 256)
                direct[n_direct++] = h;
            continue;
        }
        /* (8) ours is newer: send it back, unless it is a wrapping flush */
        if (cur.age >= OSPF_MAX_AGE && cur.seq == OSPF_MAX_SEQ)
            continue;
        ospfd_send_lsus(oi, ospfd_nbr_dst(nb), &e, 1, now);
    }
    if (n_direct > 0)
        ospfd_send_acks(oi, ospfd_nbr_dst(nb), direct, n_direct);
    ospfd_loading_check(nb, now);
}

static void rx_lsack(struct onbr *nb, const struct ospf_pkt *p)
{
    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    for (uint32_t i = 0; i < p->u.lsack.n; i++) {
        struct lsa_hdr h;
        ssize_t r;

        ospf_lsack_lsa(&p->u.lsack, i, &h);
        if ((r = ospfd_rxmt_find(nb, &h)) >= 0 && lsa_newer(&h, &nb->rxmt[r].h) == 0)
            ospfd_rxmt_del(nb, (size_t)r);
    }
}

void ospfd_rx_packet(struct oif *oi, uint32_t src, uint32_t dst, const uint8_t *buf, size_t len,
                     ospf_time_t now)
{
    struct ospf_inst *o = oi->o;
    struct ospf_drop drop = {0};
    struct ospf_pkt p;
    struct onbr *nb;
    int r;

    o->rx++;
    if (dst != OSPF_ALL_SPF_ROUTERS && dst != oi->ifc.addr &&
        !(dst == OSPF_ALL_D_ROUTERS &&
          (oi->ifc.state == OSPF_IFS_DR || oi->ifc.state == OSPF_IFS_BACKUP))) {
        if (dst != OSPF_ALL_D_ROUTERS)
            drop_log(oi, src, "not for us", 0, dst, 16);
        return;
    }
    if ((r = ospf_pkt_parse(buf, len, &p, &drop)) < 0) {
        drop_log(oi, src, NULL, r, drop.value, drop.offset);
        return;
    }
    if (p.hdr.router_id == o->rid)
        return; /* our own, looped back */
    if (p.hdr.area_id != oi->area->id) {
        drop_log(oi, src, "wrong area", 0, p.hdr.area_id, 4);
        return;
    }
    if (oi->ifc.type == OSPF_IF_BROADCAST &&
        (src & oi->ifc.mask) != (oi->ifc.addr & oi->ifc.mask)) {
        drop_log(oi, src, "source not on the interface's subnet", 0, src, 0);
        return;
    }
    nb = nbr_find(oi, src, p.hdr.router_id);
    r = ospf_pkt_auth_check(buf, len, &p, &oi->auth,
                            nb != NULL && nb->n.have_crypto_seq ? &nb->n.crypto_seq : NULL, &drop);
    if (r < 0) {
        drop_log(oi, src, NULL, r, drop.value, drop.offset);
        return;
    }
    if (p.hdr.type == OSPF_HELLO) {
        rx_hello(oi, nb, src, &p, now);
        nb = nbr_find(oi, src, p.hdr.router_id);
    } else if (nb == NULL) {
        return; /* not a neighbour (yet) */
    }
    if (nb == NULL)
        return;
    if (p.hdr.autype == OSPF_AUTH_CRYPT) {
        nb->n.crypto_seq = p.hdr.crypto_seq;
        nb->n.have_crypto_seq = true;
    }
    switch (p.hdr.type) {
    case OSPF_DD:
        rx_dd(oi, nb, src, &p, now);
        break;
    case OSPF_LSREQ:
        rx_lsreq(oi, nb, &p, now);
        break;
    case OSPF_LSUPD:
        rx_lsupd(oi, nb, src, &p, now);
        break;
    case OSPF_LSACK:
        rx_lsack(nb, &p);
        break;
    }
}
