/*
 * iface.h - the OSPF interface state machine (RFC 2328 9.3) and the
 * Designated Router election (9.4), as pure functions over a plain struct:
 * an event goes in, the new state and a set of actions come out (OSPF_IA_*),
 * which the daemon carries out (send a Hello, re-originate LSAs, run AdjOK?
 * on the neighbours, ...). Timers are absolute times on the caller's clock
 * (ospf.h): the daemon arms one timer for ospf_iface_next_timer() and calls
 * ospf_iface_timers() when it fires.
 *
 * Broadcast and point-to-point interfaces only (no NBMA, point-to-multipoint
 * or virtual links). On broadcast networks the DR and BDR are identified by
 * their interface addresses, as in Hello packets (9.4). Host byte order.
 * Neighbours: neighbor.h (the neighbour state machine, which asks
 * ospf_iface_adjacency() whether to become adjacent).
 */
#ifndef VROOM_ROUTING_OSPF_IFACE_H
#define VROOM_ROUTING_OSPF_IFACE_H

#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/ospf.h"

enum ospf_if_type {
    OSPF_IF_BROADCAST = 1,
    OSPF_IF_P2P = 2,
};

enum ospf_if_state {
    OSPF_IFS_DOWN = 0,
    OSPF_IFS_LOOPBACK,
    OSPF_IFS_WAITING,
    OSPF_IFS_P2P,
    OSPF_IFS_DROTHER,
    OSPF_IFS_BACKUP,
    OSPF_IFS_DR,
};

enum ospf_if_event {
    OSPF_IFE_UP = 1,
    OSPF_IFE_WAIT_TIMER,
    OSPF_IFE_BACKUP_SEEN,
    OSPF_IFE_NBR_CHANGE,
    OSPF_IFE_LOOP_IND,
    OSPF_IFE_UNLOOP_IND,
    OSPF_IFE_DOWN,
};

/* Actions (a bit set) for the daemon. */
#define OSPF_IA_SEND_HELLO 0x01 /* send a Hello now (the hello timer was re-armed) */
#define OSPF_IA_ORIG_RTR   0x02 /* re-originate the area's router-LSA */
#define OSPF_IA_ORIG_NET   0x04 /* originate (or refresh) the network-LSA: we are DR */
#define OSPF_IA_FLUSH_NET  0x08 /* flush our network-LSA: no longer DR */
#define OSPF_IA_ADJ_OK     0x10 /* DR or BDR changed: AdjOK? to every neighbour in >= 2-Way */
#define OSPF_IA_KILL_NBRS  0x20 /* KillNbr to every neighbour */
#define OSPF_IA_JOIN_DR    0x40 /* became DR or BDR: join AllDRouters (224.0.0.6) */
#define OSPF_IA_LEAVE_DR   0x80 /* no longer DR or BDR: leave AllDRouters */

/* The interface: configuration, then state. */
struct ospf_iface {
    uint32_t router_id;
    uint32_t area_id;
    uint32_t ifindex;
    uint32_t addr; /* 0 for unnumbered point-to-point */
    uint32_t mask;
    uint8_t type; /* enum ospf_if_type */
    uint8_t priority;
    uint16_t hello_interval; /* seconds */
    uint32_t dead_interval;  /* seconds; also the Wait timer */
    uint16_t cost;
    /* state */
    uint8_t state;        /* enum ospf_if_state */
    uint32_t dr, bdr;     /* interface addresses, 0: none */
    ospf_time_t hello_at; /* next Hello, 0: not armed */
    ospf_time_t wait_at;  /* end of Waiting, 0: not armed */
    uint64_t gen;         /* bumped by every change (for pre-copy) */
};

/*
 * A router on the link as the election sees it: the calculating router
 * itself and each neighbour in state 2-Way or above, with what it declared
 * in its last Hello.
 */
struct ospf_dr_cand {
    uint32_t rid;
    uint32_t addr;
    uint8_t priority;
    uint32_t dr, bdr; /* declared, interface addresses */
};

/*
 * The election of 9.4 steps 2-4 (including the second pass when the
 * calculating router's own role changes): ifc's current dr/bdr are its own
 * declarations; nbrs are the neighbours in >= 2-Way. Writes the DR and BDR
 * (interface addresses, 0 for none).
 */
void ospf_dr_elect(const struct ospf_iface *ifc, const struct ospf_dr_cand *nbrs, size_t n,
                   uint32_t *dr, uint32_t *bdr);

/*
 * Apply event ev at `now` (nbrs as for ospf_dr_elect(), needed by the
 * events that elect: WaitTimer, BackupSeen, NeighborChange). Returns the
 * new state and ORs actions into *act.
 */
int ospf_iface_event(struct ospf_iface *ifc, enum ospf_if_event ev, const struct ospf_dr_cand *nbrs,
                     size_t n, ospf_time_t now, uint32_t *act);

/* Fire the timers due at `now` (Hello, Wait). Returns the state. */
int ospf_iface_timers(struct ospf_iface *ifc, const struct ospf_dr_cand *nbrs, size_t n,
                      ospf_time_t now, uint32_t *act);

/* The next timer to arm, INT64_MAX if none. */
ospf_time_t ospf_iface_next_timer(const struct ospf_iface *ifc);

/* 10.4: should this router be adjacent to the neighbour (router ID, interface address)? */
int ospf_iface_adjacency(const struct ospf_iface *ifc, uint32_t nbr_rid, uint32_t nbr_addr);

const char *ospf_if_state_name(int state);

/*
 * Records (big-endian): u16 kind (OSPF_REC_IFACE), u16 version (1), u32
 * length, u64 generation, then ifindex, state, dr, bdr and the ms left on
 * the hello and wait timers (0xffffffff: not armed). Configuration is not in
 * the record: it comes with the router's configuration.
 */
#define OSPF_REC_IFACE     16
#define OSPF_REC_IFACE_LEN 40
int ospf_iface_export(const struct ospf_iface *ifc, ospf_time_t now, uint8_t *buf, size_t cap);
/* Apply a record to the configured interface with the same ifindex: 0 or OSPF_ERR_BAD_RECORD. */
int ospf_iface_import(struct ospf_iface *ifc, const uint8_t *rec, size_t len, ospf_time_t now);

#endif
