/*
 * fib.h: what the IPv4 (fib4.h) and IPv6 (fib6.h) FIBs share.
 *
 * A FIB maps prefixes to an opaque 32-bit next hop (an index into the data
 * plane's next-hop table). Lookups run on any number of threads without locks
 * while one writer changes routes; replaced memory is reclaimed with RCU
 * (liburcu). The lookup structure is a Poptrie: a direct-indexed top level
 * followed by 64-ary nodes compressed with bitmaps (see docs/fib.md).
 *
 * Only the node layout is public, so that lookups can be inlined; everything
 * else lives in src/fib/fib_impl.h.
 */
#ifndef VROOM_FIB_H
#define VROOM_FIB_H

#include <stdint.h>

/* Returned by lookups when no route matches. Not a valid next hop: adding a
 * route with it fails with -EINVAL. */
#define FIB_NH_NONE UINT32_MAX

struct rcu_flavor_struct;

/* Options for fib4_create() and fib6_create(); a NULL config means defaults. */
struct fib_config {
    uint32_t max_routes;                 /* 0: limited by memory only */
    const struct rcu_flavor_struct *rcu; /* readers' flavor; NULL: urcu-memb */
};

/*
 * One 64-ary node of the lookup trie. Slot s (the next 6 address bits) is a
 * child node if bit s of vector is set; otherwise it is a leaf, and leaves
 * with the same next hop in a row are stored once (a new run starts where
 * leafvec has a bit). Children and leaves live in one block owned by the
 * node; nodes are immutable once published.
 */
struct fib_node {
    uint64_t vector;                 /* slots that are child nodes */
    uint64_t leafvec;                /* leaf slots that start a new run */
    const struct fib_node *children; /* popcount(vector) nodes, slot order */
    const uint32_t *leaves;          /* popcount(leafvec) next hops */
};

/* A top-level entry is a next hop (bit 0 set, next hop in the high half) or a
 * pointer to a node. */
static inline int fib_entry_is_leaf(uint64_t e)
{
    return (int)(e & 1);
}

static inline uint32_t fib_entry_nh(uint64_t e)
{
    return (uint32_t)(e >> 32);
}

/* Bits 0..s of a slot mask; s = 63 wraps to all ones, as wanted. */
static inline uint64_t fib_slot_mask(unsigned s)
{
    return (2ULL << s) - 1;
}

static inline const struct fib_node *fib_node_child(const struct fib_node *n, unsigned s)
{
    return &n->children[__builtin_popcountll(n->vector & fib_slot_mask(s)) - 1];
}

static inline uint32_t fib_node_leaf(const struct fib_node *n, unsigned s)
{
    return n->leaves[__builtin_popcountll(n->leafvec & fib_slot_mask(s)) - 1];
}

#endif
