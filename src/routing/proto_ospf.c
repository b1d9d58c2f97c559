/*
 * proto_ospf.c - the OSPFv2 instance of vroom-routerd (proto.h): it drives
 * the protocol library in routing/ospf/ (packets, LSAs, the LSDB, SPF and
 * the interface and neighbour state machines, all pure functions) with
 * sockets (ospf_io.c), one libev timer and the RIB.
 *
 *   ospf:
 *     areas:
 *       - id: 0.0.0.0
 *         interfaces:
 *           - {name: eth1, type: broadcast, cost: 10, hello: 1, dead: 4,
 *              retransmit: 5, priority: 1, md5: {id: 1, key: secret}}
 *           - {name: lo, passive: true}
 *
 * What the daemon does around the library (RFC 2328): Hello processing
 * (10.5), the Database Description exchange (10.6, 10.8), LS Requests
 * (10.7, 10.9), the flooding procedure with acknowledgements and
 * retransmission lists (13, 13.3, 13.5), self-originated LSAs received
 * newer (13.4), origination of the router-LSA and, as DR, the network-LSA
 * (12.4.1, 12.4.2), ageing, and SPF a short while after the LSDB changed,
 * whose routes go to the RIB (distance 110). docs/routing.md has what is
 * not done yet.
 */
#include "routing/ospf_int.h"

/* ---- the instance -------------------------------------------------------- */

static uint8_t rxbuf[RX_BUF];
static uint8_t txbuf[MAX_PKT + OSPF_MD5_LEN];
static uint8_t lsabuf[MAX_PKT]; /* LSAs with their current age, for an LS Update */

ospf_time_t ospfd_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ospf_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *ospfd_ip4(uint32_t a, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
    return buf;
}

struct lsdb *ospfd_db_for(struct ospf_inst *o, struct oarea *a, uint8_t type)
{
    return type == LSA_EXTERNAL ? &o->as_db : &a->db;
}

void ospfd_schedule_spf(struct ospf_inst *o, ospf_time_t now)
{
    if (o->spf_at == 0)
        o->spf_at = now + SPF_DELAY;
}

static bool same_key(const struct lsa_hdr *a, const struct lsa_hdr *b)
{
    return a->type == b->type && a->id == b->id && a->adv_rtr == b->adv_rtr;
}

/* ---- sending ------------------------------------------------------------- */

static size_t pkt_cap(const struct oif *oi)
{
    size_t cap = (size_t)oi->mtu - 20 - OSPF_MD5_LEN; /* IP header, digest */

    return cap > MAX_PKT ? MAX_PKT : cap;
}

static void send_pkt(struct oif *oi, uint32_t dst, int len)
{
    struct ospf_inst *o = oi->o;
    int n, r;

    if (len < 0 || oi->fd < 0)
        return;
    n = ospf_pkt_finish(txbuf, (size_t)len, sizeof(txbuf), &oi->auth, ++o->crypto_seq);
    if (n < 0) {
        log_warnx("ospf: %s: cannot finish a packet: %s", oi->name, strerror(-n));
        return;
    }
    if ((r = ospf_io_send(oi->fd, (int)oi->ifc.ifindex, dst, txbuf, (size_t)n)) < 0) {
        char b[16];

        log_debug("ospf: %s: send to %s: %s", oi->name, ospfd_ip4(dst, b), strerror(-r));
        return;
    }
    o->tx++;
}

static uint32_t flood_dst(const struct oif *oi)
{
    if (oi->ifc.type == OSPF_IF_P2P || oi->ifc.state == OSPF_IFS_DR ||
        oi->ifc.state == OSPF_IFS_BACKUP)
        return OSPF_ALL_SPF_ROUTERS;
    return OSPF_ALL_D_ROUTERS;
}

uint32_t ospfd_nbr_dst(const struct onbr *nb)
{
    return nb->oi->ifc.type == OSPF_IF_P2P ? OSPF_ALL_SPF_ROUTERS : nb->n.addr;
}

static void send_hello(struct oif *oi)
{
    struct ospf_hello h = {.mask = oi->ifc.mask,
                           .hello_interval = oi->ifc.hello_interval,
                           .options = OSPF_OPT_E,
                           .priority = oi->ifc.priority,
                           .dead_interval = oi->ifc.dead_interval,
                           .dr = oi->ifc.dr,
                           .bdr = oi->ifc.bdr};
    uint32_t ids[256];
    uint32_t n = 0;

    for (struct onbr *nb = oi->nbrs; nb != NULL && n < 256; nb = nb->next)
        if (!nb->removed && nb->n.state >= OSPF_NS_INIT)
            ids[n++] = nb->n.rid;
    send_pkt(oi, OSPF_ALL_SPF_ROUTERS,
             ospf_hello_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, &h, ids, n));
}

/* Send the LSAs of entries es[0..n) (current ages) in as many LS Updates as they need. */
void ospfd_send_lsus(struct oif *oi, uint32_t dst, struct lsdb_entry *const *es, size_t n,
                     ospf_time_t now)
{
    const uint8_t *ptrs[512];
    size_t used = 0, k = 0, size = 24 + 4;

    for (size_t i = 0; i <= n; i++) {
        int len = 0;

        if (i < n && (len = lsdb_copy_raw(es[i], now, lsabuf + used, sizeof(lsabuf) - used)) < 0)
            len = -1;
        if (k > 0 && (i == n || len < 0 || size + (size_t)len > pkt_cap(oi) || k == 512)) {
            send_pkt(oi, dst,
                     ospf_lsupd_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, ptrs,
                                      (uint32_t)k, 1));
            k = 0;
            used = 0;
            size = 24 + 4;
            if (i < n)
                len = lsdb_copy_raw(es[i], now, lsabuf, sizeof(lsabuf));
        }
        if (i == n || len <= 0 || size + (size_t)len > pkt_cap(oi))
            continue; /* an LSA bigger than the MTU is not sent (no fragmentation here) */
        ptrs[k++] = lsabuf + used;
        used += (size_t)len;
        size += (size_t)len;
    }
}

void ospfd_send_acks(struct oif *oi, uint32_t dst, const struct lsa_hdr *h, size_t n)
{
    size_t per = (pkt_cap(oi) - 24) / LSA_HDR_LEN;

    for (size_t i = 0; i < n; i += per) {
        size_t k = n - i < per ? n - i : per;

        send_pkt(
            oi, dst,
            ospf_lsack_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, h + i, (uint32_t)k));
    }
}

static void send_dd(struct onbr *nb, uint8_t flags, const struct lsa_hdr *hdrs, uint32_t n)
{
    struct oif *oi = nb->oi;
    struct ospf_dd dd = {
        .mtu = (uint16_t)oi->mtu, .options = OSPF_OPT_E, .flags = flags, .seq = nb->n.dd_seq};
    int len = ospf_dd_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, &dd, hdrs, n);
    uint8_t *v;

    if (len < 0)
        return;
    if ((v = realloc(nb->last_dd, (size_t)len)) != NULL) {
        memcpy(v, txbuf, (size_t)len);
        nb->last_dd = v;
        nb->last_dd_len = (size_t)len;
    }
    nb->last_sent_m = flags & OSPF_DD_M;
    send_pkt(oi, ospfd_nbr_dst(nb), len);
}

void ospfd_resend_dd(struct onbr *nb)
{
    if (nb->last_dd == NULL || nb->last_dd_len > sizeof(txbuf))
        return;
    memcpy(txbuf, nb->last_dd, nb->last_dd_len);
    send_pkt(nb->oi, ospfd_nbr_dst(nb), (int)nb->last_dd_len);
}

/* The next DD of the exchange: as many summary headers as fit, M while more remain. */
void ospfd_send_dd_next(struct onbr *nb, ospf_time_t now)
{
    size_t per = (pkt_cap(nb->oi) - 24 - OSPF_DD_LEN) / LSA_HDR_LEN;
    size_t left = nb->n_summary - nb->summary_pos, k = left < per ? left : per;
    uint8_t flags = nb->n.master ? OSPF_DD_MS : 0;

    if (nb->summary_pos + k < nb->n_summary)
        flags |= OSPF_DD_M;
    send_dd(nb, flags, nb->summary + nb->summary_pos, (uint32_t)k);
    nb->summary_pos += k;
    if (nb->n.master)
        nb->n.rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
}

static void send_lsr(struct onbr *nb, ospf_time_t now)
{
    struct oif *oi = nb->oi;
    size_t per = (pkt_cap(oi) - 24) / OSPF_LSREQ_ENT;
    struct ospf_lsreq_ent ents[256];
    uint32_t k = 0;

    if (per > 256)
        per = 256;
    for (size_t i = 0; i < nb->n_req && k < per; i++) {
        nb->req[i].sent = true;
        ents[k++] =
            (struct ospf_lsreq_ent){nb->req[i].h.type, nb->req[i].h.id, nb->req[i].h.adv_rtr};
    }
    if (k == 0)
        return;
    send_pkt(oi, ospfd_nbr_dst(nb),
             ospf_lsreq_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, ents, k));
    nb->n.rxmt_at = now + (ospf_time_t)oi->cfg->rxmt * 1000;
}

/* ---- neighbour lists ----------------------------------------------------- */

static void lists_clear(struct onbr *nb)
{
    free(nb->summary);
    nb->summary = NULL;
    nb->n_summary = nb->summary_pos = 0;
    nb->n_req = 0;
    nb->n.n_lsreq = 0;
    nb->n_rxmt = 0;
    nb->lsu_rxmt_at = 0;
    nb->have_rx = false;
}

ssize_t ospfd_req_find(const struct onbr *nb, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < nb->n_req; i++)
        if (same_key(&nb->req[i].h, h))
            return (ssize_t)i;
    return -1;
}

static void req_del(struct onbr *nb, size_t i)
{
    memmove(&nb->req[i], &nb->req[i + 1], (nb->n_req - i - 1) * sizeof(nb->req[0]));
    nb->n_req--;
    nb->n.n_lsreq = (uint32_t)nb->n_req;
}

void ospfd_req_add(struct onbr *nb, const struct lsa_hdr *h)
{
    ssize_t i = ospfd_req_find(nb, h);

    if (i >= 0) {
        if (lsa_newer(h, &nb->req[i].h) > 0)
            nb->req[i].h = *h;
        return;
    }
    if (nb->n_req == nb->cap_req) {
        size_t cap = nb->cap_req ? nb->cap_req * 2 : 16;
        struct req_ent *v = realloc(nb->req, cap * sizeof(*v));

        if (v == NULL)
            return;
        nb->req = v;
        nb->cap_req = cap;
    }
    nb->req[nb->n_req++] = (struct req_ent){*h, false};
    nb->n.n_lsreq = (uint32_t)nb->n_req;
}

ssize_t ospfd_rxmt_find(const struct onbr *nb, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < nb->n_rxmt; i++)
        if (same_key(&nb->rxmt[i].h, h))
            return (ssize_t)i;
    return -1;
}

void ospfd_rxmt_del(struct onbr *nb, size_t i)
{
    nb->rxmt[i] = nb->rxmt[--nb->n_rxmt];
    if (nb->n_rxmt == 0)
        nb->lsu_rxmt_at = 0;
}

static void rxmt_add(struct onbr *nb, const struct lsa_hdr *h, ospf_time_t now)
{
    ssize_t i = ospfd_rxmt_find(nb, h);

    if (i >= 0) {
        nb->rxmt[i].h = *h;
        return;
    }
    if (nb->n_rxmt == nb->cap_rxmt) {
        size_t cap = nb->cap_rxmt ? nb->cap_rxmt * 2 : 16;
        struct rxmt_ent *v = realloc(nb->rxmt, cap * sizeof(*v));

        if (v == NULL)
            return;
        nb->rxmt = v;
        nb->cap_rxmt = cap;
    }
    nb->rxmt[nb->n_rxmt++].h = *h;
    if (nb->lsu_rxmt_at == 0)
        nb->lsu_rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
}

/* Whether the key is on any retransmission list, or any neighbour is in Exchange or Loading. */
bool ospfd_flush_blocked(struct ospf_inst *o, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        for (struct onbr *nb = o->ifs[i].nbrs; nb != NULL; nb = nb->next) {
            if (nb->removed)
                continue;
            if (nb->n.state == OSPF_NS_EXCHANGE || nb->n.state == OSPF_NS_LOADING)
                return true;
            if (h != NULL && ospfd_rxmt_find(nb, h) >= 0)
                return true;
        }
    return false;
}

static void summary_fill(struct onbr *nb, ospf_time_t now)
{
    struct ospf_inst *o = nb->oi->o;
    struct lsdb *dbs[2] = {&nb->oi->area->db, &o->as_db};
    size_t n = lsdb_count(dbs[0]) + lsdb_count(dbs[1]);

    free(nb->summary);
    nb->summary = calloc(n ? n : 1, sizeof(*nb->summary));
    nb->n_summary = nb->summary_pos = 0;
    if (nb->summary == NULL)
        return;
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < lsdb_count(dbs[d]); i++) {
            struct lsdb_entry *e = lsdb_at(dbs[d], i);
            struct lsa_hdr h;

            lsdb_hdr(e, now, &h);
            if (h.age >= OSPF_MAX_AGE) {
                rxmt_add(nb, &h, now); /* 10.3: MaxAge LSAs go to the retransmission list */
                continue;
            }
            nb->summary[nb->n_summary++] = h;
        }
}

/* ---- the state machines' actions ----------------------------------------- */

static uint32_t dd_seed(void)
{
    return (uint32_t)time(NULL) ^ (uint32_t)rand();
}

static void nbr_actions(struct onbr *nb, uint32_t act, ospf_time_t now)
{
    struct oif *oi = nb->oi;

    if (act & OSPF_NA_CLEAR_LISTS)
        lists_clear(nb);
    if (act & OSPF_NA_SEND_DD) {
        nb->summary_pos = 0;
        nb->have_rx = false;
        send_dd(nb, OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS, NULL, 0);
        nb->n.rxmt_at = now + (ospf_time_t)oi->cfg->rxmt * 1000;
    }
    if (act & OSPF_NA_FILL_SUMMARY)
        summary_fill(nb, now);
    if (act & OSPF_NA_SEND_LSREQ)
        send_lsr(nb, now);
    if (act & (OSPF_NA_ORIG_RTR | OSPF_NA_ORIG_NET))
        oi->area->dirty = true;
    if (act & OSPF_NA_REMOVE)
        nb->removed = true;
    if (act & OSPF_NA_NBR_CHANGE)
        ospfd_if_event(oi, OSPF_IFE_NBR_CHANGE, now);
}

void ospfd_nbr_event(struct onbr *nb, enum ospf_nbr_event ev, ospf_time_t now)
{
    uint32_t act = 0;
    int old = nb->n.state;
    char b[16];

    if (nb->removed)
        return;
    ospf_nbr_event(&nb->n, &nb->oi->ifc, ev, now, dd_seed(), &act);
    if (old != nb->n.state)
        log_info("ospf: %s: neighbour %s: %s -> %s", nb->oi->name, ospfd_ip4(nb->n.rid, b),
                 ospf_nbr_state_name(old), ospf_nbr_state_name(nb->n.state));
    nbr_actions(nb, act, now);
}

static size_t cands(struct oif *oi, struct ospf_dr_cand *c, size_t max)
{
    size_t n = 0;

    for (struct onbr *nb = oi->nbrs; nb != NULL && n < max; nb = nb->next)
        if (!nb->removed && nb->n.state >= OSPF_NS_2WAY)
            c[n++] =
                (struct ospf_dr_cand){nb->n.rid, nb->n.addr, nb->n.priority, nb->n.dr, nb->n.bdr};
    return n;
}

void ospfd_if_actions(struct oif *oi, uint32_t act, ospf_time_t now)
{
    if (act & OSPF_IA_JOIN_DR && !oi->joined_dr && oi->fd >= 0)
        oi->joined_dr = ospf_io_group(oi->fd, (int)oi->ifc.ifindex, OSPF_ALL_D_ROUTERS, true) == 0;
    if (act & OSPF_IA_LEAVE_DR && oi->joined_dr && oi->fd >= 0) {
        ospf_io_group(oi->fd, (int)oi->ifc.ifindex, OSPF_ALL_D_ROUTERS, false);
        oi->joined_dr = false;
    }
    if (act & (OSPF_IA_ORIG_RTR | OSPF_IA_ORIG_NET | OSPF_IA_FLUSH_NET))
        oi->area->dirty = true;
    if (act & OSPF_IA_KILL_NBRS)
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            ospfd_nbr_event(nb, OSPF_NE_KILL, now);
    if (act & OSPF_IA_ADJ_OK)
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (!nb->removed && nb->n.state >= OSPF_NS_2WAY)
                ospfd_nbr_event(nb, OSPF_NE_ADJ_OK, now);
    if (act & OSPF_IA_SEND_HELLO)
        send_hello(oi);
}

void ospfd_if_event(struct oif *oi, enum ospf_if_event ev, ospf_time_t now)
{
    struct ospf_dr_cand c[256];
    size_t n = cands(oi, c, 256);
    uint32_t act = 0;
    int old = oi->ifc.state;
    char b1[16], b2[16];

    ospf_iface_event(&oi->ifc, ev, c, n, now, &act);
    if (old != oi->ifc.state)
        log_info("ospf: %s: %s -> %s (DR %s, BDR %s)", oi->name, ospf_if_state_name(old),
                 ospf_if_state_name(oi->ifc.state), ospfd_ip4(oi->ifc.dr, b1),
                 ospfd_ip4(oi->ifc.bdr, b2));
    ospfd_if_actions(oi, act, now);
}

/* ---- flooding (13.3) ----------------------------------------------------- */

void ospfd_loading_check(struct onbr *nb, ospf_time_t now)
{
    if (nb->removed || nb->n.state < OSPF_NS_EXCHANGE)
        return;
    if (nb->n_req == 0) {
        if (nb->n.state == OSPF_NS_LOADING)
            ospfd_nbr_event(nb, OSPF_NE_LOADING_DONE, now);
        return;
    }
    if (nb->n.state != OSPF_NS_LOADING)
        return;
    for (size_t i = 0; i < nb->n_req; i++)
        if (nb->req[i].sent)
            return;
    send_lsr(nb, now); /* the last request was answered: ask for the next ones */
}

/*
 * Flood e out of the interfaces of its scope (area a, or every interface for
 * AS-external LSAs), received on rx_if from rx_nbr (NULL: originated here).
 * Returns whether it went back out of the receiving interface.
 */
bool ospfd_flood(struct ospf_inst *o, struct oarea *a, struct lsdb_entry *e, struct oif *rx_if,
                 struct onbr *rx_nbr, ospf_time_t now)
{
    struct lsa_hdr h;
    bool back = false;

    lsdb_hdr(e, now, &h);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        bool added = false;

        if (oi->fd < 0 || !oi->up || (h.type != LSA_EXTERNAL && oi->area != a))
            continue;
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            ssize_t r;

            if (nb->removed || nb->n.state < OSPF_NS_EXCHANGE)
                continue;
            if (nb->n.state < OSPF_NS_FULL && (r = ospfd_req_find(nb, &h)) >= 0) {
                int cmp = lsa_newer(&h, &nb->req[r].h);

                if (cmp < 0)
                    continue;
                req_del(nb, (size_t)r);
                ospfd_loading_check(nb, now);
                if (cmp == 0)
                    continue;
            }
            if (nb == rx_nbr)
                continue;
            rxmt_add(nb, &h, now);
            added = true;
        }
        if (!added)
            continue;
        if (oi == rx_if && oi->ifc.type == OSPF_IF_BROADCAST && rx_nbr != NULL &&
            (rx_nbr->n.addr == oi->ifc.dr || rx_nbr->n.addr == oi->ifc.bdr))
            continue;
        if (oi == rx_if && oi->ifc.state == OSPF_IFS_BACKUP)
            continue;
        if (oi == rx_if)
            back = true;
        ospfd_send_lsus(oi, flood_dst(oi), &e, 1, now);
    }
    return back;
}

void ospfd_rxmt_remove_all(struct ospf_inst *o, const struct oarea *a, const struct lsa_hdr *h)
{
    /* within the LSA's flooding scope only: an ABR's router-LSAs of two
     * areas share a key, and one must not take the other off the lists */
    for (size_t i = 0; i < o->n_ifs; i++) {
        if (h->type != LSA_EXTERNAL && o->ifs[i].area != a)
            continue;
        for (struct onbr *nb = o->ifs[i].nbrs; nb != NULL; nb = nb->next) {
            ssize_t r = ospfd_rxmt_find(nb, h);

            if (r >= 0)
                ospfd_rxmt_del(nb, (size_t)r);
        }
    }
}

/* ---- origination (12.4) -------------------------------------------------- */

static bool nbr_full(const struct oif *oi, uint32_t addr)
{
    for (const struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
        if (!nb->removed && nb->n.state == OSPF_NS_FULL && (addr == 0 || nb->n.addr == addr))
            return true;
    return false;
}

bool ospfd_want_net(const struct oif *oi)
{
    return oi->up && oi->fd >= 0 && oi->ifc.type == OSPF_IF_BROADCAST &&
           oi->ifc.state == OSPF_IFS_DR && nbr_full(oi, 0);
}

/*
 * Install l as our new instance unless what we have says the same (or
 * force), and ospfd_flood it. Returns 0, or 1 with *retry set when it must be
 * tried again then (MinLSInterval, or a sequence number wrap's flush first).
 */
static int originate(struct ospf_inst *o, struct oarea *a, struct lsa *l, bool force,
                     ospf_time_t now, ospf_time_t *retry)
{
    struct lsdb *db = ospfd_db_for(o, a, l->hdr.type);
    struct lsdb_entry *e = lsdb_find(db, l->hdr.type, l->hdr.id, o->rid), *ne = NULL;
    uint8_t buf[8192];
    int len, r;

    l->hdr.adv_rtr = o->rid;
    l->hdr.seq = e != NULL ? e->lsa.hdr.seq : OSPF_INITIAL_SEQ;
    if ((len = lsa_build(l, buf, sizeof(buf))) < 0)
        return 0;
    if (!force && e != NULL && !(e->flags & LSDB_F_MAXAGE) && e->lsa.hdr.length == len &&
        e->raw[2] == buf[2] &&
        memcmp(e->raw + LSA_HDR_LEN, buf + LSA_HDR_LEN, (size_t)len - LSA_HDR_LEN) == 0 &&
        lsdb_age(e, now) < OSPF_MAX_AGE)
        return 0;
    r = lsdb_originate(db, l, now, &ne);
    if (r == -EAGAIN) {
        *retry = e->installed + OSPF_MIN_LS_INTERVAL * 1000 + 1;
        return 1;
    }
    if (r < 0 && r != -EBUSY) {
        log_warnx("ospf: originating %s %08x: %d", lsa_type_name(l->hdr.type), l->hdr.id, r);
        return 0;
    }
    if (ne != NULL) {
        struct lsa_hdr h;

        lsdb_hdr(ne, now, &h);
        ospfd_rxmt_remove_all(o, a, &h);
        ospfd_flood(o, a, ne, NULL, NULL, now);
    }
    ospfd_schedule_spf(o, now);
    if (r == -EBUSY) {
        *retry = now + 1000; /* the flush goes first; originate again once it is gone */
        return 1;
    }
    return 0;
}

static void originate_area(struct ospf_inst *o, struct oarea *a, ospf_time_t now)
{
    struct lsa_rt_link links[512];
    struct lsa l;
    uint16_t n = 0;
    bool force = a->force;
    struct lsa_hdr flush[64];
    size_t n_flush = 0;
    ospf_time_t retry = 0;
    bool again = false;

    a->dirty = false;
    a->force = false;
    a->retry_at = 0;
    for (size_t i = 0; i < o->n_ifs && n < 510; i++) {
        struct oif *oi = &o->ifs[i];
        uint32_t net = oi->ifc.addr & oi->ifc.mask;

        if (oi->area != a || !oi->up)
            continue;
        if (oi->cfg->passive) {
            if (oi->ifc.mask == 0xffffffffu)
                links[n++] = (struct lsa_rt_link){oi->ifc.addr, 0xffffffffu, LSA_LINK_STUB, 0};
            else
                links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
            continue;
        }
        if (oi->ifc.state == OSPF_IFS_DOWN)
            continue;
        if (oi->ifc.type == OSPF_IF_P2P) {
            for (struct onbr *nb = oi->nbrs; nb != NULL && n < 510; nb = nb->next)
                if (!nb->removed && nb->n.state == OSPF_NS_FULL)
                    links[n++] =
                        (struct lsa_rt_link){nb->n.rid, oi->ifc.addr, LSA_LINK_P2P, oi->ifc.cost};
            links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
            continue;
        }
        if (oi->ifc.state != OSPF_IFS_WAITING && oi->ifc.dr != 0 &&
            ((oi->ifc.state == OSPF_IFS_DR && nbr_full(oi, 0)) || nbr_full(oi, oi->ifc.dr)))
            links[n++] =
                (struct lsa_rt_link){oi->ifc.dr, oi->ifc.addr, LSA_LINK_TRANSIT, oi->ifc.cost};
        else
            links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
    }
    memset(&l, 0, sizeof(l));
    l.hdr.type = LSA_ROUTER;
    l.hdr.id = o->rid;
    l.hdr.options = OSPF_OPT_E;
    l.u.rt.n_links = n;
    l.u.rt.links = links;
    for (size_t i = 0; i < o->n_exts; i++)
        if (o->exts[i].present)
            l.u.rt.flags |= LSA_RT_E; /* an AS boundary router */
    if (o->n_areas > 1)
        l.u.rt.flags |= LSA_RT_B; /* an area border router */
    if (originate(o, a, &l, force, now, &retry))
        again = true;

    /* network-LSAs: ours where we are DR with a full neighbour; flush the others */
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        uint32_t rtrs[257];
        uint32_t k = 0;

        if (oi->area != a || !ospfd_want_net(oi))
            continue;
        rtrs[k++] = o->rid;
        for (struct onbr *nb = oi->nbrs; nb != NULL && k < 257; nb = nb->next)
            if (!nb->removed && nb->n.state == OSPF_NS_FULL)
                rtrs[k++] = nb->n.rid;
        memset(&l, 0, sizeof(l));
        l.hdr.type = LSA_NETWORK;
        l.hdr.id = oi->ifc.addr;
        l.hdr.options = OSPF_OPT_E;
        l.u.net.mask = oi->ifc.mask;
        l.u.net.n_routers = k;
        l.u.net.routers = rtrs;
        if (originate(o, a, &l, force, now, &retry))
            again = true;
    }
    for (size_t i = 0; i < lsdb_count(&a->db) && n_flush < 64; i++) {
        struct lsdb_entry *e = lsdb_at(&a->db, i);
        bool wanted = false;

        if (e->lsa.hdr.type != LSA_NETWORK || !(e->flags & LSDB_F_SELF) ||
            (e->flags & LSDB_F_MAXAGE))
            continue;
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].area == a && o->ifs[j].ifc.addr == e->lsa.hdr.id &&
                ospfd_want_net(&o->ifs[j]))
                wanted = true;
        if (!wanted)
            flush[n_flush++] = e->lsa.hdr;
    }
    for (size_t i = 0; i < n_flush; i++) {
        struct lsdb_entry *e = lsdb_find(&a->db, flush[i].type, flush[i].id, flush[i].adv_rtr);

        if (e == NULL)
            continue;
        lsdb_flush(&a->db, e, now);
        ospfd_flood(o, a, e, NULL, NULL, now);
        ospfd_schedule_spf(o, now);
    }
    if (again) {
        a->dirty = true;
        a->force = force;
        a->retry_at = retry;
    }
}

/* Originate or flush the AS-external-LSAs of redistributed routes that changed. */
/* The area of the interface with this ifindex (NULL: none). */
static struct oarea *area_of_if(struct ospf_inst *o, uint32_t ifindex)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        if (o->ifs[i].up && o->ifs[i].ifc.ifindex == ifindex)
            return o->ifs[i].area;
    return NULL;
}

struct sum_want {
    uint32_t prefix, mask, metric;
};

static void sum_add(struct sum_want *w, size_t *n, size_t max, uint32_t prefix, uint32_t mask,
                    uint32_t metric)
{
    for (size_t i = 0; i < *n; i++)
        if (w[i].prefix == prefix) {
            if (metric < w[i].metric)
                w[i].metric = metric;
            return; /* one mask per network (Appendix E not done) */
        }
    if (*n < max)
        w[(*n)++] = (struct sum_want){prefix, mask, metric};
}

/*
 * As an ABR (12.4.3): into each area, a summary-LSA (type 3) for every
 * intra-area route of the other areas (our own interfaces' networks
 * included) and, into non-backbone areas, for the backbone's inter-area
 * routes; ours no longer wanted are flushed. No area ranges, no type 4.
 */
static void originate_summaries(struct ospf_inst *o, ospf_time_t now)
{
    enum { SUM_MAX = 4096 };
    struct sum_want *w = malloc(SUM_MAX * sizeof(*w));

    o->sum_dirty = false;
    o->sum_retry_at = 0;
    if (w == NULL || o->n_areas < 2) {
        free(w);
        return;
    }
    for (size_t a = 0; a < o->n_areas; a++) {
        struct oarea *A = &o->areas[a];
        struct lsa_hdr flush[256];
        size_t n = 0, n_flush = 0;

        for (size_t i = 0; i < o->n_ifs; i++) {
            const struct oif *oi = &o->ifs[i];

            if (oi->up && oi->area != A && oi->ifc.addr != 0)
                sum_add(w, &n, SUM_MAX, oi->ifc.addr & oi->ifc.mask, oi->ifc.mask,
                        oi->ifc.mask == 0xffffffffu && oi->cfg->passive ? 0 : oi->ifc.cost);
        }
        for (size_t i = 0; i < o->rt.n_routes; i++) {
            const struct spf_route *r = &o->rt.routes[i];

            if (r->type == SPF_INTRA && r->area != A->id)
                sum_add(w, &n, SUM_MAX, r->prefix, lsa_len_mask(r->plen), r->cost);
            else if (r->type == SPF_INTER && r->area == 0 && A->id != 0 && r->n_nh > 0 &&
                     area_of_if(o, r->nh[0].ifindex) != A)
                sum_add(w, &n, SUM_MAX, r->prefix, lsa_len_mask(r->plen), r->cost);
        }
        for (size_t i = 0; i < n; i++) {
            struct lsa l;
            ospf_time_t retry = 0;

            if (w[i].metric >= OSPF_LS_INFINITY)
                continue;
            memset(&l, 0, sizeof(l));
            l.hdr.type = LSA_SUMMARY_NET;
            l.hdr.id = w[i].prefix;
            l.hdr.options = OSPF_OPT_E;
            l.u.sum.mask = w[i].mask;
            l.u.sum.metric = w[i].metric;
            if (originate(o, A, &l, false, now, &retry)) {
                o->sum_dirty = true;
                if (o->sum_retry_at == 0 || retry < o->sum_retry_at)
                    o->sum_retry_at = retry;
            }
        }
        for (size_t i = 0; i < lsdb_count(&A->db) && n_flush < 256; i++) {
            struct lsdb_entry *e = lsdb_at(&A->db, i);
            bool wanted = false;

            if (e->lsa.hdr.type != LSA_SUMMARY_NET || !(e->flags & LSDB_F_SELF) ||
                (e->flags & LSDB_F_MAXAGE))
                continue;
            for (size_t k = 0; k < n && !wanted; k++)
                wanted = w[k].prefix == e->lsa.hdr.id && w[k].metric < OSPF_LS_INFINITY;
            if (!wanted)
                flush[n_flush++] = e->lsa.hdr;
        }
        for (size_t i = 0; i < n_flush; i++) {
            struct lsdb_entry *e = lsdb_find(&A->db, flush[i].type, flush[i].id, flush[i].adv_rtr);

            if (e == NULL)
                continue;
            lsdb_flush(&A->db, e, now);
            ospfd_flood(o, A, e, NULL, NULL, now);
        }
    }
    free(w);
}

static void originate_exts(struct ospf_inst *o, ospf_time_t now)
{
    size_t k = 0;

    o->ext_dirty = false;
    o->ext_retry_at = 0;
    for (size_t i = 0; i < o->n_exts; i++) {
        struct ext *x = &o->exts[i];
        struct lsdb_entry *e = lsdb_find(&o->as_db, LSA_EXTERNAL, x->prefix, o->rid);
        ospf_time_t retry = 0;

        if (x->dirty && x->present) {
            struct lsa l;

            memset(&l, 0, sizeof(l));
            l.hdr.type = LSA_EXTERNAL;
            l.hdr.id = x->prefix;
            l.hdr.options = OSPF_OPT_E;
            l.u.ext.mask = lsa_len_mask(x->plen);
            l.u.ext.e2 = true;
            l.u.ext.metric = EXT_METRIC;
            x->dirty = false;
            if (originate(o, &o->areas[0], &l, x->force, now, &retry)) {
                x->dirty = true;
                o->ext_dirty = true;
                o->ext_retry_at =
                    o->ext_retry_at == 0 || retry < o->ext_retry_at ? retry : o->ext_retry_at;
            } else
                x->force = false;
        } else if (x->dirty) {
            x->dirty = false;
            if (e != NULL && !(e->flags & LSDB_F_MAXAGE)) {
                lsdb_flush(&o->as_db, e, now);
                ospfd_flood(o, NULL, e, NULL, NULL, now);
                ospfd_schedule_spf(o, now);
            }
        }
        if (x->present || x->dirty)
            o->exts[k++] = *x; /* withdrawn and flushed: forget it */
    }
    o->n_exts = k;
}

struct ext *ospfd_ext_find(struct ospf_inst *o, uint32_t prefix)
{
    for (size_t i = 0; i < o->n_exts; i++)
        if (o->exts[i].prefix == prefix)
            return &o->exts[i];
    return NULL;
}

/* ---- SPF and the RIB ----------------------------------------------------- */

static const char *ifname_of(struct ospf_inst *o, uint32_t ifindex)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        if (o->ifs[i].ifc.ifindex == ifindex && o->ifs[i].up)
            return o->ifs[i].name;
    return NULL;
}

static bool route_same(const struct spf_route *a, const struct spf_route *b)
{
    return a->type == b->type && a->cost == b->cost && a->cost2 == b->cost2 && a->n_nh == b->n_nh &&
           memcmp(a->nh, b->nh, a->n_nh * sizeof(a->nh[0])) == 0;
}

static void prefix_of(const struct spf_route *r, struct inet_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->addr.family = AF_INET;
    p->addr.u.v4.s_addr = htonl(r->prefix);
    p->len = r->plen;
}

struct sweep {
    struct ospf_inst *o;
    const struct spf_result *res;
    struct inet_prefix *gone;
    size_t n;
};

static int sweep_one(void *ctx, const struct rib_route_info *r)
{
    struct sweep *sw = ctx;
    struct inet_prefix *v;

    if (r->src != sw->o->p.src ||
        (r->prefix.addr.family == AF_INET &&
         spf_route_find(sw->res, ntohl(r->prefix.addr.u.v4.s_addr), (uint8_t)r->prefix.len)))
        return 0;
    if ((v = realloc(sw->gone, (sw->n + 1) * sizeof(*v))) == NULL)
        return 0;
    sw->gone = v;
    v[sw->n++] = r->prefix;
    return 0;
}

static void run_spf(struct ospf_inst *o, ospf_time_t now)
{
    struct spf_area sa[16];
    struct spf_iface sif[64];
    size_t n_sa = 0, n_sif = 0;
    struct spf_result res;

    o->spf_at = 0;
    for (size_t a = 0; a < o->n_areas && n_sa < 16; a++) {
        size_t first = n_sif;

        for (size_t i = 0; i < o->n_ifs && n_sif < 64; i++) {
            struct oif *oi = &o->ifs[i];

            if (oi->area == &o->areas[a] && oi->up && !oi->cfg->passive)
                sif[n_sif++] = (struct spf_iface){oi->ifc.ifindex, oi->ifc.addr, oi->ifc.mask};
        }
        sa[n_sa++] = (struct spf_area){o->areas[a].id, &o->areas[a].db, sif + first, n_sif - first};
    }
    if (spf_run(o->rid, sa, n_sa, &o->as_db, now, &res) < 0) {
        log_warnx("ospf: SPF: out of memory");
        ospfd_schedule_spf(o, now);
        return;
    }
    o->spf_runs++;
    if (o->sweep_at != 0 && o->sweep_at <= now) {
        /* routes of ours in the RIB that this table lacks (imported ones) */
        struct sweep sw = {o, &res, NULL, 0};

        o->sweep_at = 0;
        rib_walk_unsorted(o->p.rib, false, sweep_one, &sw);
        for (size_t i = 0; i < sw.n; i++)
            proto_withdraw(&o->p, &sw.gone[i]);
        free(sw.gone);
    }
    for (size_t i = 0; i < o->rt.n_routes; i++) {
        const struct spf_route *r = &o->rt.routes[i];

        if (spf_route_find(&res, r->prefix, r->plen) == NULL) {
            struct inet_prefix p;

            prefix_of(r, &p);
            proto_withdraw(&o->p, &p);
        }
    }
    for (size_t i = 0; i < res.n_routes; i++) {
        const struct spf_route *r = &res.routes[i], *old;
        struct rib_nh nh[RIB_ECMP_MAX];
        struct rib_attrs at = {-1, r->type == SPF_EXT2 ? r->cost2 : r->cost, nh, 0};
        struct inet_prefix p;

        old = spf_route_find(&o->rt, r->prefix, r->plen);
        if (old != NULL && route_same(old, r))
            continue;
        for (size_t k = 0; k < r->n_nh && at.n_nh < RIB_ECMP_MAX; k++) {
            const char *dev = ifname_of(o, r->nh[k].ifindex);
            struct rib_nh *x = &nh[at.n_nh];

            if (dev == NULL)
                continue;
            memset(x, 0, sizeof(*x));
            x->type = RIB_NH_UNICAST;
            snprintf(x->dev, sizeof(x->dev), "%s", dev);
            if (r->nh[k].gw != 0) {
                uint32_t gw = htonl(r->nh[k].gw);

                x->family = AF_INET;
                memcpy(x->gw, &gw, 4);
            }
            at.n_nh++;
        }
        prefix_of(r, &p);
        if (at.n_nh == 0) {
            if (old != NULL)
                proto_withdraw(&o->p, &p);
            continue;
        }
        proto_announce(&o->p, &p, &at);
    }
    spf_result_free(&o->rt);
    o->rt = res;
    if (o->n_areas > 1)
        o->sum_dirty = true;
}

/* ---- the loop ------------------------------------------------------------ */

static void arm(struct ospf_inst *o, ospf_time_t now);

/* After each event: forget removed neighbours, originate, send delayed acks, re-arm. */
static void pending(struct ospf_inst *o, ospf_time_t now)
{
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        for (struct onbr **pp = &oi->nbrs; *pp != NULL;) {
            struct onbr *nb = *pp;

            if (!nb->removed) {
                pp = &nb->next;
                continue;
            }
            *pp = nb->next;
            free(nb->summary);
            free(nb->req);
            free(nb->rxmt);
            free(nb->last_dd);
            free(nb);
        }
    }
    for (size_t a = 0; a < o->n_areas; a++)
        if (o->areas[a].dirty && (o->areas[a].retry_at == 0 || o->areas[a].retry_at <= now))
            originate_area(o, &o->areas[a], now);
    if (o->sum_dirty && (o->sum_retry_at == 0 || o->sum_retry_at <= now))
        originate_summaries(o, now);
    if (o->ext_dirty && o->n_areas > 0 && (o->ext_retry_at == 0 || o->ext_retry_at <= now))
        originate_exts(o, now);
    ospfd_checkpoint(o);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->n_acks > 0) {
            ospfd_send_acks(oi, flood_dst(oi), oi->acks, oi->n_acks);
            oi->n_acks = 0;
        }
    }
    arm(o, now);
}

static ospf_time_t min_t(ospf_time_t a, ospf_time_t b)
{
    return b != 0 && b < a ? b : a;
}

static void arm(struct ospf_inst *o, ospf_time_t now)
{
    struct ev_loop *loop = routerd_loop(o->p.rd);
    ospf_time_t due = now + TICK_MAX;

    if (loop == NULL || !o->running)
        return;
    due = min_t(due, o->spf_at);
    if (o->sweep_at != 0 && o->spf_at == 0 && o->sweep_at > now)
        due = min_t(due, o->sweep_at);
    if (o->ext_dirty)
        due = min_t(due, o->ext_retry_at);
    if (o->sum_dirty)
        due = min_t(due, o->sum_retry_at);
    for (size_t a = 0; a < o->n_areas; a++) {
        due = min_t(due, o->areas[a].retry_at);
        due = min_t(due, lsdb_next_due(&o->areas[a].db, now));
    }
    due = min_t(due, lsdb_next_due(&o->as_db, now));
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->up && oi->fd >= 0)
            due = min_t(due, ospf_iface_next_timer(&oi->ifc));
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            due = min_t(due, nb->n.inactivity_at);
            due = min_t(due, nb->n.rxmt_at);
            due = min_t(due, nb->lsu_rxmt_at);
        }
    }
    ev_timer_stop(loop, &o->timer);
    ev_timer_set(&o->timer, due > now ? (double)(due - now) / 1000.0 : 0.0, 0.0);
    ev_timer_start(loop, &o->timer);
}

struct age_ctx {
    struct ospf_inst *o;
    struct oarea *a;
    ospf_time_t now;
};

static bool age_cb(void *ctx, struct lsdb *db, struct lsdb_entry *e, enum lsdb_event ev)
{
    struct age_ctx *c = ctx;
    struct lsa_hdr h;

    (void)db;
    lsdb_hdr(e, c->now, &h);
    switch (ev) {
    case LSDB_EV_MAXAGE:
        ospfd_schedule_spf(c->o, c->now);
        ospfd_flood(c->o, c->a, e, NULL, NULL, c->now);
        return !ospfd_flush_blocked(c->o, &h);
    case LSDB_EV_FLUSH:
        return !ospfd_flush_blocked(c->o, &h);
    case LSDB_EV_REFRESH:
        if (e->lsa.hdr.type == LSA_EXTERNAL) {
            struct ext *x = ospfd_ext_find(c->o, e->lsa.hdr.id);

            if (x != NULL && x->present) {
                x->dirty = x->force = true;
                c->o->ext_dirty = true;
            }
            return false;
        }
        c->a->dirty = true;
        c->a->force = true;
        return false;
    }
    return false;
}

static void nbr_timers(struct onbr *nb, ospf_time_t now)
{
    uint32_t act = 0;
    int old = nb->n.state;

    if (nb->removed)
        return;
    ospf_nbr_timers(&nb->n, &nb->oi->ifc, now, &act);
    if (old != nb->n.state) {
        char b[16];

        log_info("ospf: %s: neighbour %s: %s -> %s (inactivity)", nb->oi->name,
                 ospfd_ip4(nb->n.rid, b), ospf_nbr_state_name(old),
                 ospf_nbr_state_name(nb->n.state));
    }
    nbr_actions(nb, act, now);
    if (nb->removed)
        return;
    if (nb->n.rxmt_at && nb->n.rxmt_at <= now) {
        nb->n.rxmt_at = 0;
        if (nb->n.state == OSPF_NS_EXSTART || (nb->n.state == OSPF_NS_EXCHANGE && nb->n.master)) {
            ospfd_resend_dd(nb);
            nb->n.rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
        } else if (nb->n.state == OSPF_NS_LOADING || nb->n.state == OSPF_NS_EXCHANGE) {
            send_lsr(nb, now);
        }
    }
    if (nb->lsu_rxmt_at && nb->lsu_rxmt_at <= now) {
        struct ospf_inst *o = nb->oi->o;
        struct lsdb_entry *es[256];
        size_t k = 0;

        for (size_t i = 0; i < nb->n_rxmt && k < 256;) {
            const struct lsa_hdr *h = &nb->rxmt[i].h;
            struct lsdb_entry *e =
                lsdb_find(ospfd_db_for(o, nb->oi->area, h->type), h->type, h->id, h->adv_rtr);

            if (e == NULL) {
                ospfd_rxmt_del(nb, i);
                continue;
            }
            es[k++] = e;
            i++;
        }
        if (k > 0) {
            ospfd_send_lsus(nb->oi, ospfd_nbr_dst(nb), es, k, now);
            nb->lsu_rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
        }
    }
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ospf_inst *o = w->data;
    ospf_time_t now = ospfd_now_ms();

    (void)loop;
    (void)revents;
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->up && oi->fd >= 0 && ospf_iface_next_timer(&oi->ifc) <= now) {
            struct ospf_dr_cand c[256];
            size_t n = cands(oi, c, 256);
            uint32_t act = 0;
            int old = oi->ifc.state;

            ospf_iface_timers(&oi->ifc, c, n, now, &act);
            if (old != oi->ifc.state)
                log_info("ospf: %s: %s -> %s", oi->name, ospf_if_state_name(old),
                         ospf_if_state_name(oi->ifc.state));
            ospfd_if_actions(oi, act, now);
        }
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            nbr_timers(nb, now);
    }
    for (size_t a = 0; a < o->n_areas; a++) {
        struct age_ctx c = {o, &o->areas[a], now};

        lsdb_age_run(&o->areas[a].db, now, age_cb, &c);
    }
    if (o->n_areas > 0) {
        struct age_ctx c = {o, &o->areas[0], now};

        lsdb_age_run(&o->as_db, now, age_cb, &c);
    }
    if (o->sweep_at && o->sweep_at <= now)
        ospfd_schedule_spf(o, now);
    if (o->spf_at && o->spf_at <= now)
        run_spf(o, now);
    pending(o, now);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct oif *oi = w->data;
    ospf_time_t now = ospfd_now_ms();

    (void)loop;
    (void)revents;
    for (int i = 0; i < 64; i++) {
        uint32_t src, dst;
        size_t off, len;
        int ifindex,
            r = ospf_io_recv(oi->fd, rxbuf, sizeof(rxbuf), &src, &dst, &ifindex, &off, &len);

        if (r == -EAGAIN || r == -EWOULDBLOCK)
            break;
        if (r < 0) {
            if (r != -EINVAL)
                log_warnx("ospf: %s: receive: %s", oi->name, strerror(-r));
            else
                oi->o->drops++;
            break;
        }
        if (ifindex != 0 && (uint32_t)ifindex != oi->ifc.ifindex)
            continue;
        ospfd_rx_packet(oi, src, dst, rxbuf + off, len, now);
    }
    pending(oi->o, now);
}

/* ---- protocol hooks ------------------------------------------------------ */

/* At init: the interface's configuration. */
static int iface_setup(struct ospf_inst *o, struct oif *oi, const struct ospf_if_cfg *ic)
{
    const struct router_config *rc = routerd_config(o->p.rd);
    const struct cfg_iface *ci = rc != NULL ? config_iface_find(rc, ic->name) : NULL;

    oi->o = o;
    oi->cfg = ic;
    oi->fd = -1;
    snprintf(oi->name, sizeof(oi->name), "%s", ic->name);
    for (size_t a = 0; a < o->n_areas; a++)
        if (o->areas[a].id == ic->area)
            oi->area = &o->areas[a];
    oi->ifc.router_id = o->rid;
    oi->ifc.area_id = ic->area;
    oi->ifc.type = ic->type;
    oi->ifc.priority = ic->priority;
    oi->ifc.hello_interval = ic->hello;
    oi->ifc.dead_interval = ic->dead;
    oi->ifc.cost = ic->cost;
    oi->auth.type = OSPF_AUTH_NONE;
    if (ic->md5) {
        oi->auth.type = OSPF_AUTH_CRYPT;
        oi->auth.n_keys = 1;
        oi->auth.keys[0].id = ic->key_id;
        memcpy(oi->auth.keys[0].key, ic->key, strlen(ic->key));
    }
    for (size_t i = 0; ci != NULL && i < ci->n_addrs; i++)
        if (ci->addrs[i].addr.family == AF_INET) {
            oi->ifc.addr = ntohl(ci->addrs[i].addr.u.v4.s_addr);
            oi->ifc.mask = lsa_len_mask((int)ci->addrs[i].len);
            break;
        }
    return 0;
}

/* At start: the interface in this namespace, its socket. */
int ospfd_iface_open(struct ospf_inst *o, struct oif *oi)
{
    const struct ospf_if_cfg *ic = oi->cfg;
    int r;

    oi->ifc.router_id = o->rid;
    oi->ifc.ifindex = if_nametoindex(ic->name);
    if (oi->ifc.ifindex == 0) {
        log_warnx("ospf: %s: no such interface here: it stays down", ic->name);
        return 0;
    }
    oi->up = true;
    if (ic->passive)
        return 0;
    r = ospf_io_mtu(ic->name);
    oi->mtu = r > 0 ? r : 1500;
    if (oi->mtu < 576)
        oi->mtu = 576;
    if ((r = ospf_io_open(ic->name, (int)oi->ifc.ifindex)) < 0) {
        log_warnx("ospf: %s: cannot open its socket: %s", ic->name, strerror(-r));
        oi->up = false;
        return r;
    }
    oi->fd = r;
    ev_io_init(&oi->io, on_read, oi->fd, EV_READ);
    oi->io.data = oi;
    return 0;
}

static void free_state(struct ospf_inst *o)
{
    struct ev_loop *loop = routerd_loop(o->p.rd);

    if (loop != NULL)
        ev_timer_stop(loop, &o->timer);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->fd >= 0) {
            if (loop != NULL)
                ev_io_stop(loop, &oi->io);
            close(oi->fd);
        }
        while (oi->nbrs != NULL) {
            struct onbr *nb = oi->nbrs;

            oi->nbrs = nb->next;
            free(nb->summary);
            free(nb->req);
            free(nb->rxmt);
            free(nb->last_dd);
            free(nb);
        }
        free(oi->acks);
    }
    free(o->ifs);
    o->ifs = NULL;
    o->n_ifs = 0;
    for (size_t a = 0; a < o->n_areas; a++)
        lsdb_free(&o->areas[a].db);
    free(o->areas);
    o->areas = NULL;
    o->n_areas = 0;
    lsdb_free(&o->as_db);
    spf_result_free(&o->rt);
    free(o->ckpts);
    o->ckpts = NULL;
    o->n_ckpts = 0;
    free(o->exts);
    o->exts = NULL;
    o->n_exts = o->cap_exts = 0;
    o->ext_dirty = false;
    o->ext_retry_at = 0;
    o->spf_at = 0;
    o->running = false;
}

/* The LSDBs exist from init on, so that state records can be imported before start. */
static int ospf_init(struct proto *p)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    const struct ospf_config *oc = (const struct ospf_config *)p->cfg;
    const struct router_config *rc = routerd_config(p->rd);

    if (oc->n_areas > AREAS_MAX)
        return -ENOSPC;
    o->rid = rc != NULL ? ntohl(rc->router_id.s_addr) : 0;
    o->areas = calloc(oc->n_areas ? oc->n_areas : 1, sizeof(*o->areas));
    o->ckpts = calloc(CKPT_MAX, sizeof(*o->ckpts));
    if (o->areas == NULL || o->ckpts == NULL) {
        free(o->areas);
        free(o->ckpts);
        o->areas = NULL;
        o->ckpts = NULL;
        return -ENOMEM;
    }
    o->n_areas = oc->n_areas;
    for (size_t a = 0; a < oc->n_areas; a++) {
        o->areas[a].id = oc->areas[a];
        lsdb_init(&o->areas[a].db, o->rid);
    }
    lsdb_init(&o->as_db, o->rid);
    if ((o->ifs = calloc(oc->n_ifs ? oc->n_ifs : 1, sizeof(*o->ifs))) == NULL)
        return -ENOMEM;
    o->n_ifs = oc->n_ifs;
    for (size_t i = 0; i < oc->n_ifs; i++)
        iface_setup(o, &o->ifs[i], &oc->ifs[i]);
    return 0;
}

static int ospf_start(struct proto *p)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    const struct ospf_config *oc = (const struct ospf_config *)p->cfg;
    struct ev_loop *loop = routerd_loop(p->rd);
    ospf_time_t now = ospfd_now_ms();
    uint32_t rid = ntohl(routerd_config(p->rd)->router_id.s_addr);
    uint32_t max_dead = 0;

    if (o->areas == NULL && ospf_init(p) != 0)
        return -ENOMEM;
    if (rid != o->rid) {
        /* init saw another router ID (a reload): start over */
        for (size_t a = 0; a < o->n_areas; a++) {
            lsdb_free(&o->areas[a].db);
            lsdb_init(&o->areas[a].db, rid);
        }
        lsdb_free(&o->as_db);
        lsdb_init(&o->as_db, rid);
        o->rid = rid;
        o->imported = false;
    }
    o->crypto_seq = (uint32_t)time(NULL);
    for (size_t a = 0; a < o->n_areas; a++)
        o->areas[a].dirty = true;
    for (size_t i = 0; i < o->n_ifs; i++) {
        ospfd_iface_open(o, &o->ifs[i]);
        if (oc->ifs[i].dead > max_dead)
            max_dead = oc->ifs[i].dead;
    }
    ev_init(&o->timer, on_timer);
    o->timer.data = o;
    o->running = loop != NULL;
    /*
     * Routes of ours already in the RIB (a restore) stay until SPF has a
     * table to replace them with: at once over an imported LSDB, else once
     * the adjacencies had time to form.
     */
    o->sweep_at = o->imported ? now : now + 2 * (ospf_time_t)max_dead * 1000;
    if (o->imported)
        o->spf_at = now;
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->fd < 0)
            continue;
        if (loop != NULL)
            ev_io_start(loop, &oi->io);
        if (oi->ifc.state == OSPF_IFS_DOWN) {
            ospfd_if_event(oi, OSPF_IFE_UP, now);
            continue;
        }
        /* imported: the state machines carry on where the exporter was */
        if (oi->ifc.hello_at == 0)
            oi->ifc.hello_at = now;
        if (oi->ifc.state == OSPF_IFS_DR || oi->ifc.state == OSPF_IFS_BACKUP)
            ospfd_if_actions(oi, OSPF_IA_JOIN_DR, now);
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (nb->n.state == OSPF_NS_2WAY)
                ospfd_nbr_event(nb, OSPF_NE_ADJ_OK, now); /* an exchange cut short starts again */
    }
    pending(o, now);
    return 0;
}

static void ospf_stop(struct proto *p)
{
    free_state((struct ospf_inst *)p);
}

static void ospf_cleanup(struct proto *p)
{
    free_state((struct ospf_inst *)p);
}

static int ospf_reconfigure(struct proto *p, const struct proto_config *newc)
{
    const struct ospf_config *a = (const struct ospf_config *)p->cfg;
    const struct ospf_config *b = (const struct ospf_config *)newc;

    if (a->n_areas == b->n_areas && a->n_ifs == b->n_ifs &&
        memcmp(a->areas, b->areas, a->n_areas * sizeof(a->areas[0])) == 0) {
        bool same = true;

        for (size_t i = 0; i < a->n_ifs; i++) {
            struct ospf_if_cfg x = a->ifs[i], y = b->ifs[i];

            x.line = y.line = 0;
            if (memcmp(&x, &y, sizeof(x)) != 0)
                same = false;
        }
        /* the core already reads the new config: an interface's address changed? */
        for (size_t i = 0; same && i < ((struct ospf_inst *)p)->n_ifs; i++) {
            const struct oif *oi = &((struct ospf_inst *)p)->ifs[i];
            const struct router_config *rc = routerd_config(p->rd);
            const struct cfg_iface *ci = rc != NULL ? config_iface_find(rc, oi->name) : NULL;
            uint32_t addr = 0, mask = 0;

            for (size_t k = 0; ci != NULL && k < ci->n_addrs; k++)
                if (ci->addrs[k].addr.family == AF_INET) {
                    addr = ntohl(ci->addrs[k].addr.u.v4.s_addr);
                    mask = lsa_len_mask((int)ci->addrs[k].len);
                    break;
                }
            if (addr != oi->ifc.addr || mask != oi->ifc.mask)
                same = false;
        }
        if (same) {
            /* the interfaces point at the old config's entries: repoint them */
            struct ospf_inst *o = (struct ospf_inst *)p;

            for (size_t i = 0; i < o->n_ifs; i++)
                o->ifs[i].cfg = &b->ifs[i];
            return 0;
        }
    }
    return 1;
}

static json_t *jip(uint32_t a)
{
    char b[16];

    return json_string(ospfd_ip4(a, b));
}

static json_t *ospf_show(struct proto *p, const json_t *args)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    json_t *r = json_object(), *ifs = json_array(), *nbrs = json_array(), *db = json_array(),
           *routes = json_array(), *drops = json_object();
    ospf_time_t now = ospfd_now_ms();

    (void)args;
    json_object_set_new(r, "router_id", jip(o->rid));
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        json_t *x = json_object();
        size_t n = 0;

        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            json_t *y = json_object();

            n++;
            json_object_set_new(y, "router_id", jip(nb->n.rid));
            json_object_set_new(y, "address", jip(nb->n.addr));
            json_object_set_new(y, "interface", json_string(oi->name));
            json_object_set_new(y, "state", json_string(ospf_nbr_state_name(nb->n.state)));
            json_object_set_new(y, "priority", json_integer(nb->n.priority));
            json_object_set_new(y, "dr", jip(nb->n.dr));
            json_object_set_new(y, "bdr", jip(nb->n.bdr));
            json_object_set_new(y, "master", json_boolean(nb->n.master));
            json_object_set_new(y, "requests", json_integer((json_int_t)nb->n_req));
            json_object_set_new(y, "retransmissions", json_integer((json_int_t)nb->n_rxmt));
            json_array_append_new(nbrs, y);
        }
        json_object_set_new(x, "name", json_string(oi->name));
        json_object_set_new(x, "area", jip(oi->area ? oi->area->id : 0));
        json_object_set_new(x, "type",
                            json_string(oi->ifc.type == OSPF_IF_P2P ? "ptp" : "broadcast"));
        json_object_set_new(x, "state",
                            json_string(!oi->up            ? "down"
                                        : oi->cfg->passive ? "passive"
                                                           : ospf_if_state_name(oi->ifc.state)));
        json_object_set_new(x, "address", jip(oi->ifc.addr));
        json_object_set_new(x, "cost", json_integer(oi->ifc.cost));
        json_object_set_new(x, "dr", jip(oi->ifc.dr));
        json_object_set_new(x, "bdr", jip(oi->ifc.bdr));
        json_object_set_new(x, "neighbors", json_integer((json_int_t)n));
        json_array_append_new(ifs, x);
    }
    for (size_t a = 0; a <= o->n_areas; a++) {
        struct lsdb *d = a < o->n_areas ? &o->areas[a].db : &o->as_db;

        if (o->areas == NULL)
            break;
        for (size_t i = 0; i < lsdb_count(d); i++) {
            struct lsdb_entry *e = lsdb_at(d, i);
            json_t *x = json_object();
            struct lsa_hdr h;
            char s[16];

            lsdb_hdr(e, now, &h);
            snprintf(s, sizeof(s), "0x%08x", h.seq);
            json_object_set_new(x, "area",
                                a < o->n_areas ? jip(o->areas[a].id) : json_string("external"));
            json_object_set_new(x, "type", json_string(lsa_type_name(h.type)));
            json_object_set_new(x, "id", jip(h.id));
            json_object_set_new(x, "adv_rtr", jip(h.adv_rtr));
            json_object_set_new(x, "seq", json_string(s));
            json_object_set_new(x, "age", json_integer(h.age));
            json_array_append_new(db, x);
        }
    }
    for (size_t i = 0; i < o->rt.n_routes; i++) {
        const struct spf_route *rt = &o->rt.routes[i];
        json_t *nh = json_array(), *x = json_object();
        char pfx[24], b[16];

        snprintf(pfx, sizeof(pfx), "%s/%u", ospfd_ip4(rt->prefix, b), rt->plen);
        for (size_t k = 0; k < rt->n_nh; k++) {
            const char *dev = ifname_of(o, rt->nh[k].ifindex);
            json_t *y = json_object();

            if (rt->nh[k].gw)
                json_object_set_new(y, "via", jip(rt->nh[k].gw));
            json_object_set_new(y, "dev", dev ? json_string(dev) : json_null());
            json_array_append_new(nh, y);
        }
        json_object_set_new(x, "prefix", json_string(pfx));
        json_object_set_new(x, "type", json_string(spf_rtype_name(rt->type)));
        json_object_set_new(x, "cost", json_integer((json_int_t)rt->cost));
        json_object_set_new(x, "nexthops", nh);
        json_array_append_new(routes, x);
    }
    for (int i = 1; i < OSPF_ERR_COUNT; i++)
        if (o->drop[i])
            json_object_set_new(drops, ospf_err_name(-i), json_integer((json_int_t)o->drop[i]));
    json_object_set_new(r, "interfaces", ifs);
    json_object_set_new(r, "neighbors", nbrs);
    json_object_set_new(r, "database", db);
    json_object_set_new(r, "routes", routes);
    json_object_set_new(r, "counters",
                        json_pack("{s:I, s:I, s:I, s:I, s:o}", "rx", (json_int_t)o->rx, "tx",
                                  (json_int_t)o->tx, "spf_runs", (json_int_t)o->spf_runs, "drops",
                                  (json_int_t)o->drops, "drop_reasons", drops));
    return r;
}

/*
 * A redistributed route came or went: our AS-external-LSA for it (link
 * state ID the network number; Appendix E's host-bit trick for two masks
 * of one network is not done, the second one is not advertised).
 */
static void ospf_rt_notify(struct proto *p, const struct rib_change *c)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    uint32_t prefix;
    struct ext *x;
    bool had_any = false, has_any = false;

    if (!o->running || o->n_areas == 0 || c->prefix->addr.family != AF_INET)
        return;
    prefix = ntohl(c->prefix->addr.u.v4.s_addr);
    for (size_t i = 0; i < o->n_exts; i++)
        had_any |= o->exts[i].present;
    x = ospfd_ext_find(o, prefix);
    if (x != NULL && x->plen != c->prefix->len)
        return; /* the same network with another mask: not advertised (Appendix E) */
    if (x == NULL) {
        if (c->new_nh == NULL)
            return;
        if (o->n_exts == o->cap_exts) {
            size_t cap = o->cap_exts ? o->cap_exts * 2 : 16;
            struct ext *v = realloc(o->exts, cap * sizeof(*v));

            if (v == NULL)
                return;
            o->exts = v;
            o->cap_exts = cap;
        }
        x = &o->exts[o->n_exts++];
        *x = (struct ext){.prefix = prefix, .plen = (uint8_t)c->prefix->len};
    }
    x->present = c->new_nh != NULL;
    x->dirty = true;
    o->ext_dirty = true;
    for (size_t i = 0; i < o->n_exts; i++)
        has_any |= o->exts[i].present;
    if (had_any != has_any)
        for (size_t a = 0; a < o->n_areas; a++)
            o->areas[a].dirty = true; /* the E bit of our router-LSAs */
    pending(o, ospfd_now_ms());
}

/*
 * The link of one of our interfaces went down or came back (routerd.h):
 * InterfaceDown (9.3: every neighbour killed, the state Down, the socket
 * closed) or InterfaceUp (the socket opened again, Hellos start). Either
 * way the area's router-LSA is originated again and SPF runs, so routes
 * through the interface go and come back.
 */
static void ospf_if_change(struct proto *p, const char *ifname, bool up)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    struct ev_loop *loop = routerd_loop(p->rd);
    ospf_time_t now = ospfd_now_ms();
    bool changed = false;

    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (strcmp(oi->name, ifname) != 0 || oi->up == up)
            continue;
        if (!up) {
            if (oi->fd >= 0) {
                ospfd_if_event(oi, OSPF_IFE_DOWN, now);
                if (loop != NULL)
                    ev_io_stop(loop, &oi->io);
                close(oi->fd);
                oi->fd = -1;
                oi->joined_dr = false;
                oi->n_acks = 0;
            }
            oi->up = false;
        } else if (ospfd_iface_open(o, oi) == 0 && oi->fd >= 0) {
            if (loop != NULL)
                ev_io_start(loop, &oi->io);
            ospfd_if_event(oi, OSPF_IFE_UP, now);
        }
        log_info("ospf: %s: interface %s", oi->name, oi->up ? "up" : "down");
        if (oi->area != NULL)
            oi->area->dirty = true;
        o->sum_dirty = true;
        changed = true;
    }
    if (!changed)
        return;
    ospfd_schedule_spf(o, now);
    pending(o, now);
}

const struct protocol proto_ospf = {
    .name = "ospf",
    .distance = 110,
    .state_base = OSPF_STATE_BASE,
    .proto_size = sizeof(struct ospf_inst),
    .config_size = sizeof(struct ospf_config),
    .config_parse = ospf_config_parse,
    .config_print = ospf_config_print,
    .config_free = ospf_config_free,
    .init = ospf_init,
    .start = ospf_start,
    .stop = ospf_stop,
    .cleanup = ospf_cleanup,
    .reconfigure = ospf_reconfigure,
    .show = ospf_show,
    .rt_notify = ospf_rt_notify,
    .if_change = ospf_if_change,
    .state_export = ospf_state_export,
    .state_import = ospf_state_import,
    .state_version = ospf_state_version,
};
