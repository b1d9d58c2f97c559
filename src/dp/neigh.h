/*
 * neigh.h - a virtual router's neighbour table (ARP for IPv4, ND for IPv6):
 * IP address on an interface -> MAC, with the state of its resolution and a
 * short queue of packets waiting for it. The table only stores; when to ask,
 * age and give up is decided by the pipeline and the data plane's timer
 * (pipeline.c), which also sends the requests.
 *
 * States, after RFC 4861 7.3.2 (also used for ARP):
 *   INCOMPLETE  asked, no answer yet; packets queue (at most NEIGH_QUEUE_MAX)
 *   REACHABLE   answered within NEIGH_REACHABLE_NS
 *   STALE       older: still used; the first use starts PROBE
 *   PROBE       re-asked by unicast; after NEIGH_PROBES unanswered, removed
 *   STATIC      set through the API; never aged
 */
#ifndef VROOM_DP_NEIGH_H
#define VROOM_DP_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#include "dp/pbuf.h"
#include "lib/inet.h"

#define NEIGH_QUEUE_MAX    8
#define NEIGH_PROBES       3
#define NEIGH_RETRANS_NS   1000000000ull   /* 1 s between requests */
#define NEIGH_REACHABLE_NS 30000000000ull  /* 30 s */
#define NEIGH_GC_NS        300000000000ull /* unused STALE entries go after 5 min */
#define NEIGH_MAX          65536

enum neigh_state {
    NEIGH_INCOMPLETE,
    NEIGH_REACHABLE,
    NEIGH_STALE,
    NEIGH_PROBE,
    NEIGH_STATIC,
};

struct neigh {
    struct inet_addr addr;
    uint16_t iface;
    uint8_t mac[6];
    uint8_t state;       /* enum neigh_state */
    uint8_t probes;      /* requests sent in INCOMPLETE / PROBE */
    uint64_t updated_ns; /* last confirmation */
    uint64_t probe_ns;   /* last request */
    uint64_t used_ns;    /* last packet sent to it */
    struct pbuf_queue q;
    struct neigh *hnext;
};

struct neigh_table;

/* NULL on ENOMEM. neigh_table_free(NULL) does nothing; queued packets are freed. */
struct neigh_table *neigh_table_create(void);
void neigh_table_free(struct neigh_table *t);

/* The entry for (iface, addr), or NULL. */
struct neigh *neigh_find(const struct neigh_table *t, uint16_t iface, const struct inet_addr *a);
/* The entry for (iface, addr), made INCOMPLETE if new; NULL if the table is full. */
struct neigh *neigh_get(struct neigh_table *t, uint16_t iface, const struct inet_addr *a);
/* Remove e, freeing its queued packets (returns how many were queued). */
unsigned neigh_remove(struct neigh_table *t, struct neigh *e);
/* Remove every entry of iface. */
void neigh_flush_iface(struct neigh_table *t, uint16_t iface);

/* Call cb for every entry; cb may remove the entry it is given. A nonzero
 * return stops the walk and is returned. */
int neigh_walk(struct neigh_table *t, int (*cb)(struct neigh *e, void *arg), void *arg);
size_t neigh_count(const struct neigh_table *t);
const char *neigh_state_name(int state);

#endif
