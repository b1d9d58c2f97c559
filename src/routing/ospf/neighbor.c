/*
 * neighbor.c - the neighbour state machine (RFC 2328 10.3) and its state
 * record. See neighbor.h; iface.c decides adjacency (10.4).
 */
#include <errno.h>
#include <string.h>

#include "pkt/pkt.h"
#include "routing/ospf/neighbor.h"

#define OSPF_REC_VERSION 1
#define NOT_ARMED        0xffffffffu

/* ExStart: we claim master with a fresh sequence number and send the first DD (10.3). */
static void exstart(struct ospf_nbr *n, const struct ospf_iface *ifc, ospf_time_t now,
                    uint32_t seed, uint32_t *a)
{
    n->state = OSPF_NS_EXSTART;
    n->dd_seq = seed;
    n->master = true;
    n->rxmt_at = now + (ospf_time_t)ifc->hello_interval * 1000; /* RxmtInterval: the daemon's */
    *a |= OSPF_NA_SEND_DD;
}

static void down_lists(struct ospf_nbr *n, uint32_t *a)
{
    n->n_lsreq = 0;
    n->rxmt_at = 0;
    *a |= OSPF_NA_CLEAR_LISTS;
}

int ospf_nbr_event(struct ospf_nbr *n, const struct ospf_iface *ifc, enum ospf_nbr_event ev,
                   ospf_time_t now, uint32_t dd_seq_seed, uint32_t *act)
{
    uint8_t old = n->state;
    uint32_t a = 0;
    int adj;

    switch (ev) {
    case OSPF_NE_HELLO:
        if (n->state <= OSPF_NS_ATTEMPT)
            n->state = OSPF_NS_INIT;
        n->inactivity_at = now + (ospf_time_t)ifc->dead_interval * 1000;
        break;
    case OSPF_NE_START:
        if (n->state == OSPF_NS_DOWN) {
            n->state = OSPF_NS_ATTEMPT;
            n->inactivity_at = now + (ospf_time_t)ifc->dead_interval * 1000;
        }
        break;
    case OSPF_NE_2WAY:
        if (n->state != OSPF_NS_INIT)
            break;
        if (ospf_iface_adjacency(ifc, n->rid, n->addr))
            exstart(n, ifc, now, dd_seq_seed, &a);
        else
            n->state = OSPF_NS_2WAY;
        break;
    case OSPF_NE_NEG_DONE:
        if (n->state != OSPF_NS_EXSTART)
            break;
        n->state = OSPF_NS_EXCHANGE;
        a |= OSPF_NA_FILL_SUMMARY;
        break;
    case OSPF_NE_EXCHANGE_DONE:
        if (n->state != OSPF_NS_EXCHANGE)
            break;
        if (n->n_lsreq) {
            n->state = OSPF_NS_LOADING;
            a |= OSPF_NA_SEND_LSREQ;
        } else {
            n->state = OSPF_NS_FULL;
            n->rxmt_at = 0;
        }
        break;
    case OSPF_NE_LOADING_DONE:
        if (n->state == OSPF_NS_LOADING) {
            n->state = OSPF_NS_FULL;
            n->rxmt_at = 0;
        }
        break;
    case OSPF_NE_ADJ_OK:
        adj = ospf_iface_adjacency(ifc, n->rid, n->addr);
        if (n->state == OSPF_NS_2WAY && adj) {
            exstart(n, ifc, now, dd_seq_seed, &a);
        } else if (n->state >= OSPF_NS_EXSTART && !adj) {
            n->state = OSPF_NS_2WAY;
            down_lists(n, &a);
        }
        break;
    case OSPF_NE_SEQ_MISMATCH:
    case OSPF_NE_BAD_LSREQ:
        if (n->state < OSPF_NS_EXCHANGE)
            break;
        down_lists(n, &a);
        exstart(n, ifc, now, dd_seq_seed, &a);
        break;
    case OSPF_NE_1WAY:
        if (n->state < OSPF_NS_2WAY)
            break;
        n->state = OSPF_NS_INIT;
        down_lists(n, &a);
        break;
    case OSPF_NE_KILL:
    case OSPF_NE_INACTIVITY:
    case OSPF_NE_LL_DOWN:
        n->state = OSPF_NS_DOWN;
        n->inactivity_at = 0;
        n->have_crypto_seq = false;
        down_lists(n, &a);
        a |= OSPF_NA_REMOVE;
        break;
    default:
        return -EINVAL;
    }
    if ((old == OSPF_NS_FULL) != (n->state == OSPF_NS_FULL)) {
        a |= OSPF_NA_ORIG_RTR;
        if (ifc->state == OSPF_IFS_DR)
            a |= OSPF_NA_ORIG_NET;
    }
    if ((old >= OSPF_NS_2WAY) != (n->state >= OSPF_NS_2WAY))
        a |= OSPF_NA_NBR_CHANGE;
    n->gen++;
    *act |= a;
    return n->state;
}

int ospf_nbr_timers(struct ospf_nbr *n, const struct ospf_iface *ifc, ospf_time_t now,
                    uint32_t *act)
{
    if (n->inactivity_at && n->inactivity_at <= now)
        return ospf_nbr_event(n, ifc, OSPF_NE_INACTIVITY, now, 0, act);
    return n->state;
}

const char *ospf_nbr_state_name(int state)
{
    static const char *const names[] = {"down",    "attempt",  "init",    "2-way",
                                        "exstart", "exchange", "loading", "full"};

    return state >= 0 && state <= OSPF_NS_FULL ? names[state] : "unknown";
}

static uint32_t left(ospf_time_t at, ospf_time_t now)
{
    if (!at)
        return NOT_ARMED;
    return at <= now ? 0 : (uint32_t)(at - now > 0xfffffffe ? 0xfffffffe : at - now);
}

static ospf_time_t at(uint32_t left_ms, ospf_time_t now)
{
    return left_ms == NOT_ARMED ? 0 : (now + left_ms ? now + left_ms : 1);
}

int ospf_nbr_export(const struct ospf_nbr *n, ospf_time_t now, uint8_t *buf, size_t cap)
{
    if (cap < OSPF_REC_NBR_LEN)
        return -ENOSPC;
    memset(buf, 0, OSPF_REC_NBR_LEN);
    pkt_put_be16(buf, OSPF_REC_NBR);
    pkt_put_be16(buf + 2, OSPF_REC_VERSION);
    pkt_put_be32(buf + 4, OSPF_REC_NBR_LEN);
    pkt_put_be32(buf + 8, (uint32_t)(n->gen >> 32));
    pkt_put_be32(buf + 12, (uint32_t)n->gen);
    pkt_put_be32(buf + 16, n->rid);
    pkt_put_be32(buf + 20, n->addr);
    buf[24] = n->priority;
    buf[25] = n->state;
    buf[26] = n->master;
    buf[27] = n->options;
    pkt_put_be32(buf + 28, n->dr);
    pkt_put_be32(buf + 32, n->bdr);
    pkt_put_be32(buf + 36, n->dd_seq);
    pkt_put_be32(buf + 40, n->crypto_seq);
    pkt_put_be32(buf + 44, n->have_crypto_seq ? 1 : 0);
    pkt_put_be32(buf + 48, n->n_lsreq);
    pkt_put_be32(buf + 52, left(n->inactivity_at, now));
    pkt_put_be32(buf + 56, left(n->rxmt_at, now));
    return OSPF_REC_NBR_LEN;
}

int ospf_nbr_import(struct ospf_nbr *n, const uint8_t *rec, size_t len, ospf_time_t now)
{
    if (len != OSPF_REC_NBR_LEN || pkt_get_be16(rec) != OSPF_REC_NBR ||
        pkt_get_be16(rec + 2) != OSPF_REC_VERSION || pkt_get_be32(rec + 4) != len ||
        rec[25] > OSPF_NS_FULL || rec[26] > 1)
        return OSPF_ERR_BAD_RECORD;
    memset(n, 0, sizeof(*n));
    n->gen = (uint64_t)pkt_get_be32(rec + 8) << 32 | pkt_get_be32(rec + 12);
    n->rid = pkt_get_be32(rec + 16);
    n->addr = pkt_get_be32(rec + 20);
    n->priority = rec[24];
    n->state = rec[25];
    n->master = rec[26];
    n->options = rec[27];
    n->dr = pkt_get_be32(rec + 28);
    n->bdr = pkt_get_be32(rec + 32);
    n->dd_seq = pkt_get_be32(rec + 36);
    n->crypto_seq = pkt_get_be32(rec + 40);
    n->have_crypto_seq = pkt_get_be32(rec + 44) & 1;
    n->n_lsreq = pkt_get_be32(rec + 48);
    n->inactivity_at = at(pkt_get_be32(rec + 52), now);
    n->rxmt_at = at(pkt_get_be32(rec + 56), now);
    return 0;
}
