/*
 * fib_impl.h: private to src/fib. The family-independent table behind
 * fib4.c and fib6.c: keys are 128-bit, left-aligned (an IPv4 address sits in
 * the top 32 bits), so one implementation serves both.
 *
 *   rib.c    the writer's copy of the routes, in 6-bit strides
 *   trie.c   the lookup trie (Poptrie) built and patched from the RIB
 *   arena.c  where the trie's blocks live (size classes, huge pages)
 *   table.c  table life cycle, route changes, RCU reclamation
 */
#ifndef VROOM_FIB_IMPL_H
#define VROOM_FIB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fib/arena.h"
#include "fib/fib.h"
#include "fib/fib4.h"
#include "fib/fib6.h"

typedef unsigned __int128 fib_key;

#define FIB_STRIDE    6
#define FIB_MAX_DEPTH 22 /* RIB levels for 128 bits: 0, 6, ..., 126 */

/*
 * A RIB node at depth d (a multiple of 6) holds the prefixes of length d+1 ..
 * d+6 under its d-bit key, and one child per 6-bit slot that has longer
 * prefixes below it. A node exists only if it holds something, so the RIB
 * below the top level has exactly the shape of the lookup trie. Arrays are
 * sized to the next power of two of their count.
 */
struct rib_node {
    uint64_t pfx[2];       /* prefix bitmap: position (1 << rl) - 2 + (slot >> (6 - rl)) */
    uint64_t child;        /* slots with a child node */
    uint32_t *nh;          /* next hops of set pfx bits, in position order */
    struct rib_node *kids; /* popcount(child) nodes in slot order */
};

struct rib {
    struct rib_node root; /* depth 0: lengths 1..6 */
    bool has_default;     /* the /0 route */
    uint32_t default_nh;
    size_t bytes; /* heap held by node arrays */
};

/* Undo record of a delete, so that a failed trie update can be rolled back
 * without allocating. */
struct rib_undo {
    fib_key key;
    unsigned len;
    uint32_t nh;
    unsigned npruned; /* emptied nodes unlinked, deepest first */
    struct rib_node pruned[FIB_MAX_DEPTH];
};

struct fib_table {
    union {
        struct fib4 v4;
        struct fib6 v6;
    } pub;            /* root, the only field readers touch */
    unsigned max_len; /* 32 or 128 */
    unsigned bits;    /* top-level width: 6, 12 or 18 */
    uint64_t *dir;    /* top level: 1 << bits entries */
    struct rib rib;
    size_t count;
    size_t max_routes;       /* 0: no limit */
    size_t dir_bytes;        /* memory of the top level */
    struct fib_arena *arena; /* the trie's blocks */
    const struct rcu_flavor_struct *rcu;
    struct arena_batch *retiring; /* replaced blocks not yet handed to RCU */
    long teardowns;               /* old tries waiting for a grace period */
};

struct fib_route_key {
    fib_key key;
    unsigned len;
    uint32_t nh;
};

/* glibc's chunk size for an allocation of n bytes, to report honest memory. */
size_t fib_heap_size(size_t n);

static inline fib_key fib_key_mask(unsigned len)
{
    return len == 0 ? 0 : ~(fib_key)0 << (128 - len);
}

/* The 6-bit slot of key below depth d. */
static inline unsigned fib_slot(fib_key key, unsigned d)
{
    return (unsigned)((key << d) >> 122);
}

/* rib.c */
void rib_init(struct rib *rib);
void rib_fini(struct rib *rib);
int rib_get(const struct rib *rib, fib_key key, unsigned len, uint32_t *nh);
int rib_set(struct rib *rib, fib_key key, unsigned len, uint32_t nh, uint32_t *old, bool *existed);
int rib_del_begin(struct rib *rib, fib_key key, unsigned len, struct rib_undo *u);
void rib_del_commit(struct rib *rib, struct rib_undo *u);
void rib_del_abort(struct rib *rib, struct rib_undo *u);
const struct rib_node *rib_kid(const struct rib_node *n, unsigned s);
void rib_slot_best(const struct rib_node *n, unsigned d, unsigned s, uint32_t *nh, unsigned *len);
void rib_paint(const struct rib_node *n, unsigned d, uint32_t inh_nh, unsigned inh_len,
               uint32_t nh[64], uint8_t len[64]);
typedef int (*rib_walk_cb)(fib_key key, unsigned len, uint32_t nh, void *arg);
int rib_walk(const struct rib *rib, rib_walk_cb cb, void *arg);

/* trie.c */
int trie_init(struct fib_table *t);
void trie_fini(struct fib_table *t);
int trie_update(struct fib_table *t, fib_key key, unsigned len);
int trie_rebuild(struct fib_table *t, unsigned bits);

/* table.c */
struct fib_table *fib_table_create(unsigned max_len, const struct fib_config *cfg);
void fib_table_free(struct fib_table *t);
int fib_table_add(struct fib_table *t, fib_key key, unsigned len, uint32_t nh);
int fib_table_del(struct fib_table *t, fib_key key, unsigned len);
int fib_table_add_batch(struct fib_table *t, const struct fib_route_key *r, size_t n);
size_t fib_table_memory(const struct fib_table *t);
struct fib_blk {
    void *p;
    size_t size;
};

int fib_retire_reserve(struct fib_table *t, size_t n);
void fib_retire(struct fib_table *t, const struct fib_blk *blk, size_t n);
void fib_retire_flush(struct fib_table *t);
void fib_retire_trie(struct fib_table *t, struct fib_arena *arena, uint64_t *dir, unsigned bits);
uint64_t *fib_dir_alloc(unsigned bits);
void fib_dir_free(uint64_t *dir, unsigned bits);

#endif
