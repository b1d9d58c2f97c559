/*
 * fib6.h: IPv6 longest-prefix-match table (a Poptrie; see fib.h, docs/fib.md).
 *
 * The same contract as fib4.h: one writer, lock-free lookups inside an RCU
 * read-side critical section, the same error codes (-EINVAL: NULL, length >
 * 128, host bits set, next hop FIB_NH_NONE). Addresses are 16 bytes in
 * network byte order, as in struct in6_addr.
 */
#ifndef VROOM_FIB6_H
#define VROOM_FIB6_H

#include <stddef.h>
#include <stdint.h>

#include "fib/fib.h"

struct fib6 {
    uintptr_t root; /* top-level array | its width in bits (6, 12 or 18) */
};

struct fib6_route {
    uint8_t addr[16];
    uint8_t len;
    uint32_t nh;
};

struct fib6 *fib6_create(const struct fib_config *cfg);
void fib6_free(struct fib6 *fib);

int fib6_route_add(struct fib6 *fib, const uint8_t addr[16], uint8_t len, uint32_t nh);
int fib6_route_del(struct fib6 *fib, const uint8_t addr[16], uint8_t len);
int fib6_route_get(const struct fib6 *fib, const uint8_t addr[16], uint8_t len, uint32_t *nh);
int fib6_route_add_batch(struct fib6 *fib, const struct fib6_route *routes, size_t n);
int fib6_route_del_batch(struct fib6 *fib, const struct fib6_route *routes, size_t n);

typedef int (*fib6_walk_cb)(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg);
int fib6_walk(const struct fib6 *fib, fib6_walk_cb cb, void *arg);

size_t fib6_count(const struct fib6 *fib);
size_t fib6_memory(const struct fib6 *fib);

static inline uint64_t fib6_load_be64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return __builtin_bswap64(v);
}

/* Next hop of the longest prefix covering addr, or FIB_NH_NONE. */
static inline uint32_t fib6_lookup(const struct fib6 *fib, const uint8_t addr[16])
{
    uintptr_t root = __atomic_load_n(&fib->root, __ATOMIC_CONSUME);
    const uint64_t *dir = (const uint64_t *)(root & ~(uintptr_t)63);
    unsigned bits = (unsigned)(root & 63);
    uint64_t hi = fib6_load_be64(addr), lo = fib6_load_be64(addr + 8);
    uint64_t e = __atomic_load_n(&dir[hi >> (64 - bits)], __ATOMIC_CONSUME);

    if (fib_entry_is_leaf(e))
        return fib_entry_nh(e);
    const struct fib_node *n = (const struct fib_node *)(uintptr_t)e;
    hi = hi << bits | lo >> (64 - bits);
    lo <<= bits;
    for (;;) {
        unsigned s = (unsigned)(hi >> 58);
        if (!(n->vector >> s & 1))
            return fib_node_leaf(n, s);
        n = fib_node_child(n, s);
        hi = hi << 6 | lo >> 58;
        lo <<= 6;
    }
}

void fib6_lookup_bulk(const struct fib6 *fib, const uint8_t (*addrs)[16], uint32_t *nhs, size_t n);

#endif
