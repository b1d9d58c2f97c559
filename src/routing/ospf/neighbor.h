/*
 * neighbor.h - the OSPF neighbour state machine (RFC 2328 10.1-10.4) as a
 * pure function over a plain struct: an event goes in, the new state and a
 * set of actions (OSPF_NA_*) come out, which the daemon carries out (send
 * the first Database Description, fill or clear the lists, send LS
 * Requests, re-originate LSAs, tell the interface NeighborChange).
 *
 * What stays with the daemon: the Database Description exchange itself
 * (10.6, 10.8: master/slave, which raises NegotiationDone, ExchangeDone,
 * SeqNumberMismatch), the Link State Request, retransmission and database
 * summary lists (10.9, 13.3) and Hello processing (10.5, which raises
 * HelloReceived, 2-WayReceived, 1-WayReceived and the NeighborChange of
 * the interface). Timers are absolute times on the caller's clock.
 * Host byte order; see iface.h for the interface side.
 */
#ifndef VROOM_ROUTING_OSPF_NEIGHBOR_H
#define VROOM_ROUTING_OSPF_NEIGHBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/iface.h"
#include "routing/ospf/ospf.h"

enum ospf_nbr_state {
    OSPF_NS_DOWN = 0,
    OSPF_NS_ATTEMPT,
    OSPF_NS_INIT,
    OSPF_NS_2WAY,
    OSPF_NS_EXSTART,
    OSPF_NS_EXCHANGE,
    OSPF_NS_LOADING,
    OSPF_NS_FULL,
};

enum ospf_nbr_event {
    OSPF_NE_HELLO = 1,     /* HelloReceived */
    OSPF_NE_START,         /* Start (NBMA only) */
    OSPF_NE_2WAY,          /* 2-WayReceived */
    OSPF_NE_NEG_DONE,      /* NegotiationDone */
    OSPF_NE_EXCHANGE_DONE, /* ExchangeDone */
    OSPF_NE_BAD_LSREQ,     /* BadLSReq */
    OSPF_NE_LOADING_DONE,  /* LoadingDone */
    OSPF_NE_ADJ_OK,        /* AdjOK? */
    OSPF_NE_SEQ_MISMATCH,  /* SeqNumberMismatch */
    OSPF_NE_1WAY,          /* 1-WayReceived */
    OSPF_NE_KILL,          /* KillNbr */
    OSPF_NE_INACTIVITY,    /* InactivityTimer */
    OSPF_NE_LL_DOWN,       /* LLDown */
};

/* Actions (a bit set) for the daemon. */
#define OSPF_NA_SEND_DD      0x001 /* ExStart: send an empty DD with I, M, MS and dd_seq */
#define OSPF_NA_FILL_SUMMARY 0x002 /* Exchange: fill the database summary list */
#define OSPF_NA_SEND_LSREQ   0x004 /* Loading: send LS Requests for the request list */
#define OSPF_NA_CLEAR_LISTS  0x008 /* clear the retransmission, summary and request lists */
#define OSPF_NA_ORIG_RTR     0x010 /* adjacency became or stopped being Full: router-LSA */
#define OSPF_NA_ORIG_NET     0x020 /* ... and we are DR: network-LSA */
#define OSPF_NA_NBR_CHANGE   0x040 /* 2-Way gained or lost: NeighborChange to the interface */
#define OSPF_NA_REMOVE       0x080 /* Down: the neighbour may be forgotten */

struct ospf_nbr {
    uint32_t rid;
    uint32_t addr;       /* interface address (source of its packets) */
    uint8_t priority;    /* from its Hello */
    uint32_t dr, bdr;    /* declared in its Hello */
    uint8_t state;       /* enum ospf_nbr_state */
    bool master;         /* we are master of the DD exchange */
    uint8_t options;     /* from its DD */
    uint32_t dd_seq;     /* DD sequence number */
    uint32_t crypto_seq; /* last accepted crypto sequence number */
    bool have_crypto_seq;
    uint32_t n_lsreq;          /* entries on its LS request list (kept by the daemon) */
    ospf_time_t inactivity_at; /* 0: not armed */
    ospf_time_t rxmt_at;       /* DD or LS Request retransmission, 0: not armed */
    uint64_t gen;
};

/*
 * Apply event ev at `now` to n on interface ifc. dd_seq_seed is the DD
 * sequence number to start an ExStart with (unique per exchange: the
 * daemon's choice, such as the time). Returns the new state and ORs
 * actions into *act; -EINVAL for an unknown event.
 */
int ospf_nbr_event(struct ospf_nbr *n, const struct ospf_iface *ifc, enum ospf_nbr_event ev,
                   ospf_time_t now, uint32_t dd_seq_seed, uint32_t *act);

/* Fire the inactivity timer if due. Returns the state. */
int ospf_nbr_timers(struct ospf_nbr *n, const struct ospf_iface *ifc, ospf_time_t now,
                    uint32_t *act);

const char *ospf_nbr_state_name(int state);

/*
 * Records (big-endian): u16 kind (OSPF_REC_NBR), u16 version (1), u32
 * length, u64 generation, then rid, addr, priority/state/master/options
 * bytes, dr, bdr, dd_seq, crypto_seq, flags (bit 0: have_crypto_seq),
 * n_lsreq, ms left on the inactivity and retransmission timers
 * (0xffffffff: not armed).
 */
#define OSPF_REC_NBR     17
#define OSPF_REC_NBR_LEN 64
int ospf_nbr_export(const struct ospf_nbr *n, ospf_time_t now, uint8_t *buf, size_t cap);
int ospf_nbr_import(struct ospf_nbr *n, const uint8_t *rec, size_t len, ospf_time_t now);

#endif
