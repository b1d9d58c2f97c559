/*
 * rib.h - vroom-routerd's routing information base: every route of every
 * protocol instance, the best one per prefix, and the stream of best-route
 * changes that the FIB pusher (fibpush.h) and redistributing protocols follow.
 *
 * Rules (docs/routing.md has them with examples):
 * - A route is (source, prefix): each source (a protocol instance,
 *   rib_source_add) holds at most one route per prefix; announcing again
 *   replaces it. Its next hops are a set (ECMP), interned and shared.
 * - Best route: among the prefix's eligible routes the lowest administrative
 *   distance, then the lowest metric, then the lowest source id. A route is
 *   eligible when every one of its next hops resolves.
 * - Next hops: `dev` alone (an interface route), `via` + `dev` (complete),
 *   `via` alone (recursive: resolved through the longest-prefix match among
 *   the best routes of the RIB, never through the route's own prefix; a
 *   connected subnet resolves it to via + that interface, a route with
 *   gateways to its resolved gateways), or blackhole/unreachable/prohibit.
 *   When the best route covering a tracked gateway changes, every route
 *   through that gateway is resolved again.
 * - Change stream: each change of a prefix's best route or of its resolved
 *   next hops is passed to every subscriber, in order, synchronously.
 *
 * Memory per route (x86-64, one source per prefix): a prefix (struct
 * rib_net, 32 bytes IPv4, 48 IPv6) + a route (struct rib_route, 32 bytes),
 * both from fixed-size pools without malloc headers, + one hash bucket
 * pointer (8 bytes at load <= 1): about 72 bytes per IPv4 route. Next-hop
 * sets are interned: a full table through a few gateways shares a few.
 *
 * Neighbours: proto.h (the sources), policy.h, state.c (export of routes).
 */
#ifndef VROOM_ROUTING_RIB_H
#define VROOM_ROUTING_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inet.h"

struct rib;
struct rib_net;
struct rib_nhg;

#define RIB_ECMP_MAX    16  /* next hops per route */
#define RIB_SOURCES_MAX 256 /* protocol instances */
#define RIB_DEV_LEN     16  /* IFNAMSIZ */

enum rib_nh_type {
    RIB_NH_UNICAST = 0, /* via and/or dev */
    RIB_NH_BLACKHOLE,
    RIB_NH_UNREACHABLE,
    RIB_NH_PROHIBIT,
};

/* One next hop. A zero family means no gateway; an empty dev no interface. */
struct rib_nh {
    uint8_t type;   /* enum rib_nh_type */
    uint8_t family; /* of gw: AF_INET, AF_INET6 or 0 */
    uint8_t gw[16]; /* network byte order */
    char dev[RIB_DEV_LEN];
};

/* An interned, immutable, reference-counted set of next hops. */
struct rib_nhg {
    struct rib_nhg *hnext;    /* intern table chain */
    struct rib_nhg *resolved; /* recursive: what it resolves to now (NULL: unresolved);
                                 otherwise itself */
    struct rib_nht **nht;     /* recursive: the tracked gateway of each next hop (or NULL) */
    uint32_t refs;
    uint32_t hash;
    uint16_t n;
    bool recursive; /* some next hop has a gateway and no interface */
    bool dirty;     /* its resolution changed: re-evaluate its routes */
    struct rib_nh nh[];
};

/* What a source announces for a prefix. */
struct rib_attrs {
    int distance;    /* 0..255; -1: the source's default */
    uint32_t metric; /* within the source's protocol */
    const struct rib_nh *nh;
    size_t n_nh; /* 1..RIB_ECMP_MAX */
};

/* One change of a prefix's best route: old and new resolved next hops
 * (NULL: no route). src/distance/metric describe the new best (src -1: none). */
struct rib_change {
    const struct inet_prefix *prefix;
    const struct rib_nhg *old_nh, *new_nh;
    int src;
    int old_src;
    uint8_t distance;
    uint32_t metric;
};

typedef void (*rib_subscriber_fn)(void *ctx, const struct rib_change *c);

/* A route as the walkers and lookups see it (borrowed, valid until the next change). */
struct rib_route_info {
    struct inet_prefix prefix;
    int src;
    uint8_t distance;
    uint32_t metric;
    bool best;
    bool eligible;
    uint64_t gen;                   /* generation of its last change */
    bool default_distance;          /* its distance follows the source's default */
    const struct rib_nhg *nh;       /* as announced */
    const struct rib_nhg *resolved; /* NULL: unresolved */
};

/*
 * A new, empty RIB. clock: the core's generation counter (state.h); each
 * route change takes ++*clock as its generation. NULL: the RIB keeps its own.
 */
struct rib *rib_new(uint64_t *clock);
/* Free everything; rib_free(NULL) does nothing. */
void rib_free(struct rib *rib);

/* Register a source: name (copied, <= 31 chars) and default distance.
 * Returns its id (0..RIB_SOURCES_MAX-1), -EEXIST, -ENOSPC. */
int rib_source_add(struct rib *rib, const char *name, uint8_t distance);
/* Withdraw all of a source's routes and forget it. */
void rib_source_remove(struct rib *rib, int src);
int rib_source_find(const struct rib *rib, const char *name);
const char *rib_source_name(const struct rib *rib, int src); /* NULL if none */
/* Change a source's default distance: its routes with the default are re-ranked. */
void rib_source_set_distance(struct rib *rib, int src, uint8_t distance);

/*
 * Announce (add or replace) src's route for prefix. Checked: prefix host
 * bits, next-hop count, types, families (a gateway of the prefix's family,
 * or IPv4 over IPv6 not allowed), no gateway on blackhole types. Best routes
 * and resolutions are updated and subscribers told before it returns.
 * Returns 0, 1 if nothing changed, -EINVAL, -ENOENT (no such source), -ENOMEM.
 */
int rib_route_update(struct rib *rib, int src, const struct inet_prefix *prefix,
                     const struct rib_attrs *a);
/* Withdraw src's route for prefix. Returns 0 or -ENOENT. */
int rib_route_withdraw(struct rib *rib, int src, const struct inet_prefix *prefix);

/* Subscribe to the change stream. Returns a handle (>= 0) or -ENOSPC. */
int rib_subscribe(struct rib *rib, rib_subscriber_fn fn, void *ctx);
void rib_unsubscribe(struct rib *rib, int handle);

/* The best route of exactly prefix; false if none. */
bool rib_best(const struct rib *rib, const struct inet_prefix *prefix, struct rib_route_info *out);
/* Longest-prefix match among best routes (what the FIB would do). */
bool rib_lookup(const struct rib *rib, const struct inet_addr *addr, struct rib_route_info *out);

/*
 * Walk every route (sorted: IPv4 then IPv6, by address then length, each
 * prefix's routes best first). fn returns non-zero to stop; that value is
 * returned. family 0: both. best_only: only each prefix's best route.
 */
typedef int (*rib_walk_fn)(void *ctx, const struct rib_route_info *r);
int rib_walk(const struct rib *rib, int family, bool best_only, rib_walk_fn fn, void *ctx);
/* The routes of exactly prefix, best first; 0 if it has none. */
int rib_walk_prefix(const struct rib *rib, const struct inet_prefix *prefix, rib_walk_fn fn,
                    void *ctx);
/* The same without sorting (hash order): for exports and refeeds. */
int rib_walk_unsorted(const struct rib *rib, bool best_only, rib_walk_fn fn, void *ctx);

/* Withdrawn routes remembered for exports since a generation (state.c). */
struct rib_tombstone {
    struct inet_prefix prefix;
    uint64_t gen;
    int src;
};
/* Tombstones newer than since; fn as rib_walk. */
int rib_tombstones(const struct rib *rib, uint64_t since,
                   int (*fn)(void *ctx, const struct rib_tombstone *t), void *ctx);
/* Forget tombstones at or before gen (nobody will ask for changes since an older point). */
void rib_tombstones_prune(struct rib *rib, uint64_t gen);

struct rib_stats {
    size_t prefixes, routes, nhgs, nht, tombstones;
    size_t memory; /* bytes held by pools and tables */
};
void rib_stats(const struct rib *rib, struct rib_stats *out);

/* Text forms. */
const char *rib_nh_type_name(enum rib_nh_type t);
/* "via 10.0.0.1 dev eth0", "blackhole"; buf of at least 96 bytes. */
char *rib_nh_format(const struct rib_nh *nh, char *buf, size_t size);
/* Compare two next-hop sets by content. */
bool rib_nhg_equal(const struct rib_nhg *a, const struct rib_nhg *b);

#endif
