/*
 * iface.c - the interface state machine (RFC 2328 9.3) and the DR/BDR
 * election (9.4). See iface.h; neighbor.c is the neighbour side.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "pkt/pkt.h"
#include "routing/ospf/iface.h"

#define OSPF_REC_VERSION 1
#define NOT_ARMED        0xffffffffu

/* The election's candidates: the neighbours, then the router itself at index n. */
struct elect {
    const struct ospf_dr_cand *nbrs;
    size_t n;
    struct ospf_dr_cand self;
};

static const struct ospf_dr_cand *cand(const struct elect *e, size_t i)
{
    return i < e->n ? &e->nbrs[i] : &e->self;
}

/* Higher priority, then higher router ID (9.4 steps 2 and 3). */
static bool better(const struct ospf_dr_cand *a, const struct ospf_dr_cand *b)
{
    return !b || a->priority > b->priority || (a->priority == b->priority && a->rid > b->rid);
}

static void elect_once(const struct elect *e, uint32_t *dr, uint32_t *bdr)
{
    const struct ospf_dr_cand *best = NULL;
    bool best_declared = false;

    /* BDR: among those not declaring themselves DR, prefer those declaring themselves BDR */
    for (size_t i = 0; i <= e->n; i++) {
        const struct ospf_dr_cand *c = cand(e, i);
        bool declared = c->bdr == c->addr;

        if (!c->priority || c->dr == c->addr)
            continue;
        if ((declared && !best_declared) || (declared == best_declared && better(c, best))) {
            best = c;
            best_declared = declared;
        }
    }
    *bdr = best ? best->addr : 0;
    /* DR: among those declaring themselves DR; if none, the new BDR */
    best = NULL;
    for (size_t i = 0; i <= e->n; i++) {
        const struct ospf_dr_cand *c = cand(e, i);

        if (c->priority && c->dr == c->addr && better(c, best))
            best = c;
    }
    *dr = best ? best->addr : *bdr;
}

void ospf_dr_elect(const struct ospf_iface *ifc, const struct ospf_dr_cand *nbrs, size_t n,
                   uint32_t *dr, uint32_t *bdr)
{
    struct elect e = {.nbrs = nbrs,
                      .n = n,
                      .self = {.rid = ifc->router_id,
                               .addr = ifc->addr,
                               .priority = ifc->priority,
                               .dr = ifc->dr,
                               .bdr = ifc->bdr}};
    bool was_dr = ifc->dr == ifc->addr, was_bdr = ifc->bdr == ifc->addr;

    elect_once(&e, dr, bdr);
    /* step 4: our own role changed, so our declarations did: elect again with them */
    if ((*dr == ifc->addr) != was_dr || (*bdr == ifc->addr) != was_bdr) {
        e.self.dr = *dr;
        e.self.bdr = *bdr;
        elect_once(&e, dr, bdr);
    }
}

static void reset(struct ospf_iface *ifc)
{
    ifc->dr = 0;
    ifc->bdr = 0;
    ifc->hello_at = 0;
    ifc->wait_at = 0;
}

static void elect(struct ospf_iface *ifc, const struct ospf_dr_cand *nbrs, size_t n)
{
    ospf_dr_elect(ifc, nbrs, n, &ifc->dr, &ifc->bdr);
    if (ifc->dr == ifc->addr)
        ifc->state = OSPF_IFS_DR;
    else if (ifc->bdr == ifc->addr)
        ifc->state = OSPF_IFS_BACKUP;
    else
        ifc->state = OSPF_IFS_DROTHER;
}

static bool elected_state(uint8_t s)
{
    return s == OSPF_IFS_DROTHER || s == OSPF_IFS_BACKUP || s == OSPF_IFS_DR;
}

int ospf_iface_event(struct ospf_iface *ifc, enum ospf_if_event ev, const struct ospf_dr_cand *nbrs,
                     size_t n, ospf_time_t now, uint32_t *act)
{
    uint8_t old = ifc->state;
    uint32_t old_dr = ifc->dr, old_bdr = ifc->bdr;
    uint32_t a = 0;
    bool was_drbdr, is_drbdr;

    switch (ev) {
    case OSPF_IFE_UP:
        if (ifc->state != OSPF_IFS_DOWN)
            break;
        ifc->hello_at = now + (ospf_time_t)ifc->hello_interval * 1000;
        a |= OSPF_IA_SEND_HELLO;
        if (ifc->type == OSPF_IF_P2P) {
            ifc->state = OSPF_IFS_P2P;
        } else if (!ifc->priority) {
            ifc->state = OSPF_IFS_DROTHER;
        } else {
            ifc->state = OSPF_IFS_WAITING;
            ifc->wait_at = now + (ospf_time_t)ifc->dead_interval * 1000;
        }
        break;
    case OSPF_IFE_WAIT_TIMER:
    case OSPF_IFE_BACKUP_SEEN:
        if (ifc->state != OSPF_IFS_WAITING)
            break;
        ifc->wait_at = 0;
        elect(ifc, nbrs, n);
        break;
    case OSPF_IFE_NBR_CHANGE:
        if (elected_state(ifc->state))
            elect(ifc, nbrs, n);
        break;
    case OSPF_IFE_LOOP_IND:
        reset(ifc);
        ifc->state = OSPF_IFS_LOOPBACK;
        a |= OSPF_IA_KILL_NBRS;
        break;
    case OSPF_IFE_UNLOOP_IND:
        if (ifc->state == OSPF_IFS_LOOPBACK)
            ifc->state = OSPF_IFS_DOWN;
        break;
    case OSPF_IFE_DOWN:
        if (ifc->state != OSPF_IFS_DOWN)
            a |= OSPF_IA_KILL_NBRS;
        reset(ifc);
        ifc->state = OSPF_IFS_DOWN;
        break;
    default:
        return -EINVAL;
    }
    if (ifc->state != old)
        a |= OSPF_IA_ORIG_RTR;
    if (old == OSPF_IFS_DR && ifc->state != OSPF_IFS_DR)
        a |= OSPF_IA_FLUSH_NET;
    if (ifc->state == OSPF_IFS_DR && old != OSPF_IFS_DR)
        a |= OSPF_IA_ORIG_NET;
    if ((ifc->dr != old_dr || ifc->bdr != old_bdr) && elected_state(ifc->state))
        a |= OSPF_IA_ADJ_OK;
    was_drbdr = old == OSPF_IFS_DR || old == OSPF_IFS_BACKUP;
    is_drbdr = ifc->state == OSPF_IFS_DR || ifc->state == OSPF_IFS_BACKUP;
    if (is_drbdr && !was_drbdr)
        a |= OSPF_IA_JOIN_DR;
    if (was_drbdr && !is_drbdr)
        a |= OSPF_IA_LEAVE_DR;
    if (a || ifc->state != old || ifc->dr != old_dr || ifc->bdr != old_bdr)
        ifc->gen++;
    *act |= a;
    return ifc->state;
}

int ospf_iface_timers(struct ospf_iface *ifc, const struct ospf_dr_cand *nbrs, size_t n,
                      ospf_time_t now, uint32_t *act)
{
    if (ifc->hello_at && ifc->hello_at <= now) {
        ifc->hello_at = now + (ospf_time_t)ifc->hello_interval * 1000;
        ifc->gen++;
        *act |= OSPF_IA_SEND_HELLO;
    }
    if (ifc->wait_at && ifc->wait_at <= now)
        ospf_iface_event(ifc, OSPF_IFE_WAIT_TIMER, nbrs, n, now, act);
    return ifc->state;
}

ospf_time_t ospf_iface_next_timer(const struct ospf_iface *ifc)
{
    ospf_time_t t = INT64_MAX;

    if (ifc->hello_at)
        t = ifc->hello_at;
    if (ifc->wait_at && ifc->wait_at < t)
        t = ifc->wait_at;
    return t;
}

int ospf_iface_adjacency(const struct ospf_iface *ifc, uint32_t nbr_rid, uint32_t nbr_addr)
{
    (void)nbr_rid;
    if (ifc->type == OSPF_IF_P2P)
        return 1;
    return ifc->dr == ifc->addr || ifc->bdr == ifc->addr || (nbr_addr && nbr_addr == ifc->dr) ||
           (nbr_addr && nbr_addr == ifc->bdr);
}

const char *ospf_if_state_name(int state)
{
    static const char *const names[] = {"down",    "loopback", "waiting", "p2p",
                                        "drother", "backup",   "dr"};

    return state >= 0 && state <= OSPF_IFS_DR ? names[state] : "unknown";
}

static uint32_t left(ospf_time_t at, ospf_time_t now)
{
    if (!at)
        return NOT_ARMED;
    return at <= now ? 0 : (uint32_t)(at - now > 0xfffffffe ? 0xfffffffe : at - now);
}

int ospf_iface_export(const struct ospf_iface *ifc, ospf_time_t now, uint8_t *buf, size_t cap)
{
    if (cap < OSPF_REC_IFACE_LEN)
        return -ENOSPC;
    pkt_put_be16(buf, OSPF_REC_IFACE);
    pkt_put_be16(buf + 2, OSPF_REC_VERSION);
    pkt_put_be32(buf + 4, OSPF_REC_IFACE_LEN);
    pkt_put_be32(buf + 8, (uint32_t)(ifc->gen >> 32));
    pkt_put_be32(buf + 12, (uint32_t)ifc->gen);
    pkt_put_be32(buf + 16, ifc->ifindex);
    pkt_put_be32(buf + 20, ifc->state);
    pkt_put_be32(buf + 24, ifc->dr);
    pkt_put_be32(buf + 28, ifc->bdr);
    pkt_put_be32(buf + 32, left(ifc->hello_at, now));
    pkt_put_be32(buf + 36, left(ifc->wait_at, now));
    return OSPF_REC_IFACE_LEN;
}

static ospf_time_t at(uint32_t left_ms, ospf_time_t now)
{
    /* an armed timer stays armed even at a "now" of 0 */
    return left_ms == NOT_ARMED ? 0 : (now + left_ms ? now + left_ms : 1);
}

int ospf_iface_import(struct ospf_iface *ifc, const uint8_t *rec, size_t len, ospf_time_t now)
{
    uint32_t state;

    if (len != OSPF_REC_IFACE_LEN || pkt_get_be16(rec) != OSPF_REC_IFACE ||
        pkt_get_be16(rec + 2) != OSPF_REC_VERSION || pkt_get_be32(rec + 4) != len ||
        pkt_get_be32(rec + 16) != ifc->ifindex)
        return OSPF_ERR_BAD_RECORD;
    state = pkt_get_be32(rec + 20);
    if (state > OSPF_IFS_DR)
        return OSPF_ERR_BAD_RECORD;
    ifc->gen = (uint64_t)pkt_get_be32(rec + 8) << 32 | pkt_get_be32(rec + 12);
    ifc->state = (uint8_t)state;
    ifc->dr = pkt_get_be32(rec + 24);
    ifc->bdr = pkt_get_be32(rec + 28);
    ifc->hello_at = at(pkt_get_be32(rec + 32), now);
    ifc->wait_at = at(pkt_get_be32(rec + 36), now);
    return 0;
}
