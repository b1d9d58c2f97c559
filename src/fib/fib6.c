/*
 * fib6.c: the IPv6 face of the generic table in table.c: checks arguments
 * and turns 16-byte addresses into 128-bit keys.
 */
#include <errno.h>
#include <stdlib.h>

#include "fib/fib_impl.h"

static struct fib_table *table(const struct fib6 *fib)
{
    return (struct fib_table *)((const char *)fib - offsetof(struct fib_table, pub.v6));
}

static fib_key key6(const uint8_t addr[16])
{
    return (fib_key)fib6_load_be64(addr) << 64 | fib6_load_be64(addr + 8);
}

static void addr6(fib_key key, uint8_t addr[16])
{
    for (int i = 15; i >= 0; i--) {
        addr[i] = (uint8_t)key;
        key >>= 8;
    }
}

static int check(const struct fib6 *fib, const uint8_t *addr, uint8_t len)
{
    if (!fib || !addr || len > 128)
        return -EINVAL;
    if (key6(addr) & ~fib_key_mask(len))
        return -EINVAL;
    return 0;
}

struct fib6 *fib6_create(const struct fib_config *cfg)
{
    struct fib_table *t = fib_table_create(128, cfg);

    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    return &t->pub.v6;
}

void fib6_free(struct fib6 *fib)
{
    if (fib)
        fib_table_free(table(fib));
}

int fib6_route_add(struct fib6 *fib, const uint8_t addr[16], uint8_t len, uint32_t nh)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    if (nh == FIB_NH_NONE)
        return -EINVAL;
    return fib_table_add(table(fib), key6(addr), len, nh);
}

int fib6_route_del(struct fib6 *fib, const uint8_t addr[16], uint8_t len)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    return fib_table_del(table(fib), key6(addr), len);
}

int fib6_route_get(const struct fib6 *fib, const uint8_t addr[16], uint8_t len, uint32_t *nh)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    if (!nh)
        return -EINVAL;
    return rib_get(&table(fib)->rib, key6(addr), len, nh);
}

int fib6_route_add_batch(struct fib6 *fib, const struct fib6_route *routes, size_t n)
{
    if (!fib || (n && !routes))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (check(fib, routes[i].addr, routes[i].len) || routes[i].nh == FIB_NH_NONE)
            return -EINVAL;
    if (n == 0)
        return 0;
    struct fib_route_key *r = malloc(n * sizeof(*r));
    if (!r)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        r[i].key = key6(routes[i].addr);
        r[i].len = routes[i].len;
        r[i].nh = routes[i].nh;
    }
    int ret = fib_table_add_batch(table(fib), r, n);
    free(r);
    return ret;
}

int fib6_route_del_batch(struct fib6 *fib, const struct fib6_route *routes, size_t n)
{
    int deleted = 0;

    if (!fib || (n && !routes))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (check(fib, routes[i].addr, routes[i].len))
            return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        int ret = fib_table_del(table(fib), key6(routes[i].addr), routes[i].len);
        if (ret == -ENOMEM)
            return ret;
        deleted += ret == 0;
    }
    return deleted;
}

struct walk6 {
    fib6_walk_cb cb;
    void *arg;
};

static int walk6_cb(fib_key key, unsigned len, uint32_t nh, void *arg)
{
    struct walk6 *w = arg;
    uint8_t a[16];

    addr6(key, a);
    return w->cb(a, (uint8_t)len, nh, w->arg);
}

int fib6_walk(const struct fib6 *fib, fib6_walk_cb cb, void *arg)
{
    struct walk6 w = {cb, arg};

    if (!fib || !cb)
        return -EINVAL;
    return rib_walk(&table(fib)->rib, walk6_cb, &w);
}

size_t fib6_count(const struct fib6 *fib)
{
    return fib ? table(fib)->count : 0;
}

size_t fib6_memory(const struct fib6 *fib)
{
    return fib ? fib_table_memory(table(fib)) : 0;
}

/*
 * IPv6 walks are deep (a /48 is five nodes below the top level), so a burst
 * goes level by level for a group of addresses at once: each step's node is
 * prefetched and only read on the next round, after the other addresses'
 * steps, so the misses of the whole group overlap at every level.
 */
#define BULK_GROUP 32

void fib6_lookup_bulk(const struct fib6 *fib, const uint8_t (*addrs)[16], uint32_t *nhs, size_t n)
{
    uintptr_t root = __atomic_load_n(&fib->root, __ATOMIC_CONSUME);
    const uint64_t *dir = (const uint64_t *)(root & ~(uintptr_t)63);
    unsigned bits = (unsigned)(root & 63);
    const struct fib_node *node[BULK_GROUP];
    uint64_t khi[BULK_GROUP], klo[BULK_GROUP];

    for (size_t base = 0; base < n; base += BULK_GROUP) {
        size_t k = n - base < BULK_GROUP ? n - base : BULK_GROUP;
        uint32_t live = 0;
        for (size_t i = 0; i < k; i++)
            __builtin_prefetch(&dir[fib6_load_be64(addrs[base + i]) >> (64 - bits)]);
        for (size_t i = 0; i < k; i++) {
            uint64_t hi = fib6_load_be64(addrs[base + i]), lo = fib6_load_be64(addrs[base + i] + 8);
            uint64_t e = __atomic_load_n(&dir[hi >> (64 - bits)], __ATOMIC_CONSUME);
            if (fib_entry_is_leaf(e)) {
                nhs[base + i] = fib_entry_nh(e);
                continue;
            }
            node[i] = (const struct fib_node *)(uintptr_t)e;
            __builtin_prefetch(node[i]);
            khi[i] = hi << bits | lo >> (64 - bits);
            klo[i] = lo << bits;
            live |= 1u << i;
        }
        while (live) {
            for (uint32_t m = live; m; m &= m - 1) {
                unsigned i = (unsigned)__builtin_ctz(m);
                const struct fib_node *nd = node[i];
                unsigned s = (unsigned)(khi[i] >> 58);
                if (nd->vector >> s & 1) {
                    node[i] = fib_node_child(nd, s);
                    __builtin_prefetch(node[i]);
                    khi[i] = khi[i] << 6 | klo[i] >> 58;
                    klo[i] <<= 6;
                } else {
                    nhs[base + i] = fib_node_leaf(nd, s);
                    live &= ~(1u << i);
                }
            }
        }
    }
}
