/*
 * fib4.c: the IPv4 face of the generic table in table.c: checks arguments
 * and turns addresses into left-aligned 128-bit keys.
 */
#include <errno.h>
#include <stdlib.h>

#include "fib/fib_impl.h"

static struct fib_table *table(const struct fib4 *fib)
{
    return (struct fib_table *)((const char *)fib - offsetof(struct fib_table, pub.v4));
}

static fib_key key4(uint32_t addr)
{
    return (fib_key)addr << 96;
}

static int check(const struct fib4 *fib, uint32_t addr, uint8_t len)
{
    if (!fib || len > 32)
        return -EINVAL;
    if (len < 32 && (addr & (UINT32_MAX >> len)))
        return -EINVAL;
    return 0;
}

struct fib4 *fib4_create(const struct fib_config *cfg)
{
    struct fib_table *t = fib_table_create(32, cfg);

    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    return &t->pub.v4;
}

void fib4_free(struct fib4 *fib)
{
    if (fib)
        fib_table_free(table(fib));
}

int fib4_route_add(struct fib4 *fib, uint32_t addr, uint8_t len, uint32_t nh)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    if (nh == FIB_NH_NONE)
        return -EINVAL;
    return fib_table_add(table(fib), key4(addr), len, nh);
}

int fib4_route_del(struct fib4 *fib, uint32_t addr, uint8_t len)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    return fib_table_del(table(fib), key4(addr), len);
}

int fib4_route_get(const struct fib4 *fib, uint32_t addr, uint8_t len, uint32_t *nh)
{
    int ret = check(fib, addr, len);

    if (ret)
        return ret;
    if (!nh)
        return -EINVAL;
    return rib_get(&table(fib)->rib, key4(addr), len, nh);
}

int fib4_route_add_batch(struct fib4 *fib, const struct fib4_route *routes, size_t n)
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
        r[i].key = key4(routes[i].addr);
        r[i].len = routes[i].len;
        r[i].nh = routes[i].nh;
    }
    int ret = fib_table_add_batch(table(fib), r, n);
    free(r);
    return ret;
}

int fib4_route_del_batch(struct fib4 *fib, const struct fib4_route *routes, size_t n)
{
    int deleted = 0;

    if (!fib || (n && !routes))
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (check(fib, routes[i].addr, routes[i].len))
            return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        int ret = fib_table_del(table(fib), key4(routes[i].addr), routes[i].len);
        if (ret == -ENOMEM)
            return ret;
        deleted += ret == 0;
    }
    return deleted;
}

struct walk4 {
    fib4_walk_cb cb;
    void *arg;
};

static int walk4_cb(fib_key key, unsigned len, uint32_t nh, void *arg)
{
    struct walk4 *w = arg;

    return w->cb((uint32_t)(key >> 96), (uint8_t)len, nh, w->arg);
}

int fib4_walk(const struct fib4 *fib, fib4_walk_cb cb, void *arg)
{
    struct walk4 w = {cb, arg};

    if (!fib || !cb)
        return -EINVAL;
    return rib_walk(&table(fib)->rib, walk4_cb, &w);
}

size_t fib4_count(const struct fib4 *fib)
{
    return fib ? table(fib)->count : 0;
}

size_t fib4_memory(const struct fib4 *fib)
{
    return fib ? fib_table_memory(table(fib)) : 0;
}

/*
 * A burst is looked up in three passes over groups of addresses: prefetch
 * their top-level entries, read them and prefetch the nodes they point to,
 * then finish each walk. The cache misses of a group overlap instead of
 * queueing behind each other as they do in a loop of single lookups.
 */
#define BULK_GROUP 64

void fib4_lookup_bulk(const struct fib4 *fib, const uint32_t *addrs, uint32_t *nhs, size_t n)
{
    uintptr_t root = __atomic_load_n(&fib->root, __ATOMIC_CONSUME);
    const uint64_t *dir = (const uint64_t *)(root & ~(uintptr_t)63);
    unsigned bits = (unsigned)(root & 63);
    uint64_t e[BULK_GROUP];

    for (size_t base = 0; base < n; base += BULK_GROUP) {
        const uint32_t *a = addrs + base;
        size_t k = n - base < BULK_GROUP ? n - base : BULK_GROUP;
        for (size_t i = 0; i < k; i++)
            __builtin_prefetch(&dir[a[i] >> (32 - bits)]);
        for (size_t i = 0; i < k; i++) {
            e[i] = __atomic_load_n(&dir[a[i] >> (32 - bits)], __ATOMIC_CONSUME);
            if (!fib_entry_is_leaf(e[i])) {
                __builtin_prefetch((const void *)(uintptr_t)e[i]);
                __builtin_prefetch((const char *)(uintptr_t)e[i] + 64);
            }
        }
        for (size_t i = 0; i < k; i++) {
            if (fib_entry_is_leaf(e[i])) {
                nhs[base + i] = fib_entry_nh(e[i]);
                continue;
            }
            const struct fib_node *nd = (const struct fib_node *)(uintptr_t)e[i];
            uint64_t key = (uint64_t)a[i] << (32 + bits);
            for (;;) {
                unsigned s = (unsigned)(key >> 58);
                if (!(nd->vector >> s & 1)) {
                    nhs[base + i] = fib_node_leaf(nd, s);
                    break;
                }
                nd = fib_node_child(nd, s);
                key <<= 6;
            }
        }
    }
}
