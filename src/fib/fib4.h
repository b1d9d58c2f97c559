/*
 * fib4.h: IPv4 longest-prefix-match table (a Poptrie; see fib.h, docs/fib.md).
 *
 * Threads: one writer at a time calls everything except the lookups (the
 * caller serialises writers; not from inside an RCU read-side section). Lookups may run on any
 * thread, concurrently with the writer, inside an RCU read-side critical section of the table's
 * flavor (struct fib_config.rcu; or online, for QSBR). A lookup sees every route either before or
 * after a change, never a torn next hop, and a replaced route never appears missing. A batch is
 * applied route by route: readers may see part of it.
 *
 * Addresses are host byte order. Errors are negative errno values:
 *   -EINVAL  NULL table, length > 32, host bits set, next hop FIB_NH_NONE
 *   -ENOENT  no such route
 *   -ENOSPC  the table holds max_routes routes already
 *   -ENOMEM  out of memory; the table is unchanged (batches: see below)
 */
#ifndef VROOM_FIB4_H
#define VROOM_FIB4_H

#include <stddef.h>
#include <stdint.h>

#include "fib/fib.h"

/* Only the root is public, for the inline lookup. */
struct fib4 {
    uintptr_t root; /* top-level array | its width in bits (6, 12 or 18) */
};

struct fib4_route {
    uint32_t addr;
    uint8_t len;
    uint32_t nh;
};

/* Returns a new empty table, or NULL (errno EINVAL or ENOMEM). */
struct fib4 *fib4_create(const struct fib_config *cfg);
/* Frees the table; no reader may still use it. fib4_free(NULL) does nothing.
 * Waits for pending RCU callbacks (rcu_barrier), so do not call it from a
 * read-side critical section or an RCU callback. */
void fib4_free(struct fib4 *fib);

/* Adds the route, or replaces the next hop of an existing one. */
int fib4_route_add(struct fib4 *fib, uint32_t addr, uint8_t len, uint32_t nh);
/* Deletes the route; lookups fall back to the covering route. */
int fib4_route_del(struct fib4 *fib, uint32_t addr, uint8_t len);
/* Exact-match read of one route (writer side). */
int fib4_route_get(const struct fib4 *fib, uint32_t addr, uint8_t len, uint32_t *nh);

/* Adds or replaces n routes (later duplicates win). Bad input anywhere fails
 * with -EINVAL before anything changes. Large batches are built in one pass.
 * On -ENOMEM or -ENOSPC some routes may have been applied; the table stays
 * consistent and fib4_walk() shows which. */
int fib4_route_add_batch(struct fib4 *fib, const struct fib4_route *routes, size_t n);
/* Deletes n routes (next hops ignored); missing routes are skipped. Returns
 * the number deleted, -EINVAL (nothing done) or -ENOMEM (some deleted). */
int fib4_route_del_batch(struct fib4 *fib, const struct fib4_route *routes, size_t n);

/* Calls cb for each route in address order, shorter first; a nonzero return
 * from cb stops the walk and is returned. The table must not change meanwhile. */
typedef int (*fib4_walk_cb)(uint32_t addr, uint8_t len, uint32_t nh, void *arg);
int fib4_walk(const struct fib4 *fib, fib4_walk_cb cb, void *arg);

/* Number of routes. */
size_t fib4_count(const struct fib4 *fib);
/* Heap bytes the table holds (lookup structure and route store). */
size_t fib4_memory(const struct fib4 *fib);

/* Next hop of the longest prefix covering addr, or FIB_NH_NONE. */
static inline uint32_t fib4_lookup(const struct fib4 *fib, uint32_t addr)
{
    uintptr_t root = __atomic_load_n(&fib->root, __ATOMIC_CONSUME);
    const uint64_t *dir = (const uint64_t *)(root & ~(uintptr_t)63);
    unsigned bits = (unsigned)(root & 63);
    uint64_t e = __atomic_load_n(&dir[addr >> (32 - bits)], __ATOMIC_CONSUME);

    if (fib_entry_is_leaf(e))
        return fib_entry_nh(e);
    const struct fib_node *n = (const struct fib_node *)(uintptr_t)e;
    /* The key runs past bit 31 with zeros: the last level may be partial. */
    uint64_t key = (uint64_t)addr << (32 + bits);
    for (;;) {
        unsigned s = (unsigned)(key >> 58);
        if (!(n->vector >> s & 1))
            return fib_node_leaf(n, s);
        n = fib_node_child(n, s);
        key <<= 6;
    }
}

/* Looks up n addresses; misses give FIB_NH_NONE. */
void fib4_lookup_bulk(const struct fib4 *fib, const uint32_t *addrs, uint32_t *nhs, size_t n);

#endif
