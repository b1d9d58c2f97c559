/*
 * rib.c - the RIB: prefixes in one hash table (exact match; longest-prefix
 * match for next-hop resolution probes the populated lengths from the
 * longest), routes in fixed-size pools, interned next-hop sets, tracked
 * gateways (the next-hop tracking of FRR, BIRD's hostcache) and a work queue
 * so a change that re-resolves other routes is handled as a loop, not a
 * recursion. See rib.h for the rules.
 */
#include "routing/rib.h"
#include "lib/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- Fixed-size pools ------------------------------------------------ */

#define POOL_CHUNK (64u << 10)

struct pool_chunk {
    struct pool_chunk *next;
};

struct pool {
    size_t size;
    void *free;
    struct pool_chunk *chunks;
    char *cur, *end;
    size_t bytes;
};

static void pool_init(struct pool *p, size_t size)
{
    memset(p, 0, sizeof(*p));
    p->size = (size + 7) & ~(size_t)7;
}

static void *pool_alloc(struct pool *p)
{
    void *o;

    if (p->free != NULL) {
        o = p->free;
        p->free = *(void **)o;
        return o;
    }
    if (p->cur == NULL || p->cur + p->size > p->end) {
        struct pool_chunk *c = malloc(POOL_CHUNK);

        if (c == NULL)
            return NULL;
        c->next = p->chunks;
        p->chunks = c;
        p->cur = (char *)c + 16;
        p->end = (char *)c + POOL_CHUNK;
        p->bytes += POOL_CHUNK;
    }
    o = p->cur;
    p->cur += p->size;
    return o;
}

static void pool_put(struct pool *p, void *o)
{
    *(void **)o = p->free;
    p->free = o;
}

static void pool_destroy(struct pool *p)
{
    while (p->chunks != NULL) {
        struct pool_chunk *c = p->chunks;

        p->chunks = c->next;
        free(c);
    }
}

/* ---- Structures ------------------------------------------------------ */

#define NET_QUEUED 0x01 /* on the work queue */

struct rib_net {
    struct rib_net *hnext;
    struct rib_route *routes; /* best first when fib != NULL */
    struct rib_nhg *fib;      /* resolved next hops of the best route, as announced */
    uint8_t family;
    uint8_t len;
    uint8_t flags;
    uint8_t addr[]; /* 4 or 16 bytes */
};

struct rib_route {
    struct rib_route *next;
    struct rib_nhg *nhg;
    uint64_t gen;
    uint32_t metric;
    uint16_t src;
    uint8_t distance;
    uint8_t flags; /* RT_* */
};

#define RT_DEFAULT_DIST 0x01 /* distance follows the source's default */

/* A tracked gateway: resolved through the longest-prefix match of best routes. */
struct rib_nht {
    struct rib_nht *next;
    struct rib_net *via; /* the net it resolves through, NULL: none */
    uint32_t refs;
    uint8_t family;
    uint8_t addr[16];
};

struct source {
    char name[32];
    uint8_t distance;
    bool used;
};

struct subscriber {
    rib_subscriber_fn fn;
    void *ctx;
};

#define RIB_SUBS_MAX 16

struct rib {
    uint64_t own_clock;
    uint64_t *clock;
    struct source src[RIB_SOURCES_MAX];

    struct rib_net **buckets;
    size_t nbuckets, nnets, nroutes;
    uint32_t lencount[2][129]; /* nets per family (0: v4, 1: v6) and length */

    struct rib_nhg **nhg_buckets;
    size_t nhg_nbuckets, nnhg;

    struct rib_nht *nht;
    size_t nnht;

    struct pool net4, net6, routes;

    struct rib_net **queue;
    size_t qlen, qcap;
    bool nhg_dirty;

    struct rib_tombstone *tomb;
    size_t ntomb, tombcap;

    struct subscriber subs[RIB_SUBS_MAX];
};

static inline unsigned fam_idx(int family)
{
    return family == AF_INET6;
}

static inline size_t fam_bytes(int family)
{
    return family == AF_INET6 ? 16 : 4;
}

static uint32_t hash_bytes(uint32_t h, const void *data, size_t n)
{
    const uint8_t *p = data;

    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t net_hash(int family, unsigned len, const uint8_t *addr)
{
    uint32_t h = 2166136261u ^ (uint32_t)(family * 131 + (int)len);

    h = hash_bytes(h * 16777619u, addr, fam_bytes(family));
    h ^= h >> 15;
    h *= 0x2c1b3c6dU;
    h ^= h >> 12;
    return h;
}

static void net_prefix(const struct rib_net *n, struct inet_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->addr.family = n->family;
    p->len = n->len;
    memcpy(p->addr.u.bytes, n->addr, fam_bytes(n->family));
}

/* ---- Sources --------------------------------------------------------- */

int rib_source_add(struct rib *rib, const char *name, uint8_t distance)
{
    int free_id = -1;

    if (strlen(name) >= sizeof(rib->src[0].name))
        return -EINVAL;
    for (int i = 0; i < RIB_SOURCES_MAX; i++) {
        if (rib->src[i].used && strcmp(rib->src[i].name, name) == 0)
            return -EEXIST;
        if (!rib->src[i].used && free_id < 0)
            free_id = i;
    }
    if (free_id < 0)
        return -ENOSPC;
    snprintf(rib->src[free_id].name, sizeof(rib->src[free_id].name), "%s", name);
    rib->src[free_id].distance = distance;
    rib->src[free_id].used = true;
    return free_id;
}

int rib_source_find(const struct rib *rib, const char *name)
{
    for (int i = 0; i < RIB_SOURCES_MAX; i++)
        if (rib->src[i].used && strcmp(rib->src[i].name, name) == 0)
            return i;
    return -ENOENT;
}

const char *rib_source_name(const struct rib *rib, int src)
{
    if (src < 0 || src >= RIB_SOURCES_MAX || !rib->src[src].used)
        return NULL;
    return rib->src[src].name;
}

/* ---- Next-hop sets --------------------------------------------------- */

static uint32_t nhg_hash(const struct rib_nh *nh, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++) {
        h = hash_bytes(h, &nh[i].type, 2);
        h = hash_bytes(h, nh[i].gw, 16);
        h = hash_bytes(h, nh[i].dev, strnlen(nh[i].dev, RIB_DEV_LEN));
    }
    return h;
}

static int nh_cmp(const void *a, const void *b)
{
    const struct rib_nh *x = a, *y = b;
    int c;

    if (x->type != y->type)
        return x->type - y->type;
    if (x->family != y->family)
        return x->family - y->family;
    if ((c = memcmp(x->gw, y->gw, 16)) != 0)
        return c;
    return strncmp(x->dev, y->dev, RIB_DEV_LEN);
}

static bool nh_same(const struct rib_nh *x, const struct rib_nh *y)
{
    return nh_cmp(x, y) == 0;
}

bool rib_nhg_equal(const struct rib_nhg *a, const struct rib_nhg *b)
{
    if (a == b)
        return true;
    if (a == NULL || b == NULL || a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!nh_same(&a->nh[i], &b->nh[i]))
            return false;
    return true;
}

static void nht_put(struct rib *rib, struct rib_nht *t);
static struct rib_nht *nht_get(struct rib *rib, int family, const uint8_t *addr);
static void nhg_resolve(struct rib *rib, struct rib_nhg *g);

static void nhg_grow(struct rib *rib)
{
    size_t nb = rib->nhg_nbuckets ? rib->nhg_nbuckets * 2 : 64;
    struct rib_nhg **b = calloc(nb, sizeof(*b));

    if (b == NULL)
        return; /* keep the old table: longer chains, still correct */
    for (size_t i = 0; i < rib->nhg_nbuckets; i++) {
        struct rib_nhg *g = rib->nhg_buckets[i], *next;

        for (; g != NULL; g = next) {
            next = g->hnext;
            g->hnext = b[g->hash & (nb - 1)];
            b[g->hash & (nb - 1)] = g;
        }
    }
    free(rib->nhg_buckets);
    rib->nhg_buckets = b;
    rib->nhg_nbuckets = nb;
}

static void nhg_unref(struct rib *rib, struct rib_nhg *g);

/* Intern a next-hop set (sorted copy); a new reference, or NULL on ENOMEM. */
static struct rib_nhg *nhg_get(struct rib *rib, const struct rib_nh *in, size_t n)
{
    struct rib_nh sorted[RIB_ECMP_MAX];
    struct rib_nhg *g;
    uint32_t h;
    size_t m = 0;

    memcpy(sorted, in, n * sizeof(*in));
    for (size_t i = 0; i < n; i++) {
        /* canonical: zero past the gateway's bytes and the dev's NUL */
        char dev[RIB_DEV_LEN];

        snprintf(dev, sizeof(dev), "%.*s", RIB_DEV_LEN - 1, sorted[i].dev);
        memset(sorted[i].dev, 0, RIB_DEV_LEN);
        memcpy(sorted[i].dev, dev, strlen(dev));
    }
    qsort(sorted, n, sizeof(sorted[0]), nh_cmp);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || !nh_same(&sorted[m - 1], &sorted[i]))
            sorted[m++] = sorted[i];
    n = m;
    h = nhg_hash(sorted, n);
    if (rib->nhg_nbuckets > 0)
        for (g = rib->nhg_buckets[h & (rib->nhg_nbuckets - 1)]; g != NULL; g = g->hnext)
            if (g->hash == h && g->n == n && memcmp(g->nh, sorted, n * sizeof(sorted[0])) == 0) {
                g->refs++;
                return g;
            }
    if (rib->nnhg >= rib->nhg_nbuckets)
        nhg_grow(rib);
    if (rib->nhg_nbuckets == 0)
        return NULL;
    g = calloc(1, sizeof(*g) + n * sizeof(sorted[0]));
    if (g == NULL)
        return NULL;
    g->refs = 1;
    g->hash = h;
    g->n = (uint16_t)n;
    memcpy(g->nh, sorted, n * sizeof(sorted[0]));
    for (size_t i = 0; i < n; i++)
        if (g->nh[i].type == RIB_NH_UNICAST && g->nh[i].family != 0 && g->nh[i].dev[0] == '\0')
            g->recursive = true;
    g->hnext = rib->nhg_buckets[h & (rib->nhg_nbuckets - 1)];
    rib->nhg_buckets[h & (rib->nhg_nbuckets - 1)] = g;
    rib->nnhg++;
    if (g->recursive) {
        g->nht = calloc(n, sizeof(*g->nht));
        if (g->nht == NULL) {
            nhg_unref(rib, g);
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            if (g->nh[i].type == RIB_NH_UNICAST && g->nh[i].family != 0 &&
                g->nh[i].dev[0] == '\0' &&
                (g->nht[i] = nht_get(rib, g->nh[i].family, g->nh[i].gw)) == NULL) {
                nhg_unref(rib, g);
                return NULL;
            }
        nhg_resolve(rib, g);
    } else {
        g->resolved = g;
    }
    return g;
}

static void nhg_unref(struct rib *rib, struct rib_nhg *g)
{
    struct rib_nhg **pp;

    if (g == NULL || --g->refs > 0)
        return;
    for (pp = &rib->nhg_buckets[g->hash & (rib->nhg_nbuckets - 1)]; *pp != g; pp = &(*pp)->hnext)
        ;
    *pp = g->hnext;
    rib->nnhg--;
    if (g->recursive) {
        for (size_t i = 0; i < g->n; i++)
            if (g->nht[i] != NULL)
                nht_put(rib, g->nht[i]);
        free(g->nht);
        if (g->resolved != NULL)
            nhg_unref(rib, g->resolved);
    }
    free(g);
}

static inline const struct rib_nhg *nhg_effective(const struct rib_nhg *g)
{
    return g->resolved;
}

/* Recompute what a recursive set resolves to, from its gateways' nets. */
static void nhg_resolve(struct rib *rib, struct rib_nhg *g)
{
    struct rib_nh out[RIB_ECMP_MAX];
    struct rib_nhg *res = NULL;
    size_t n = 0;
    bool ok = true;

    for (size_t i = 0; ok && i < g->n; i++) {
        const struct rib_nh *nh = &g->nh[i];
        const struct rib_nhg *via;

        if (g->nht[i] == NULL) {
            if (n < RIB_ECMP_MAX)
                out[n++] = *nh;
            continue;
        }
        if (g->nht[i]->via == NULL) {
            ok = false;
            break;
        }
        via = g->nht[i]->via->fib;
        for (size_t j = 0; via != NULL && j < via->n; j++) {
            if (via->nh[j].type != RIB_NH_UNICAST) {
                ok = false;
                break;
            }
            if (n >= RIB_ECMP_MAX)
                break;
            out[n] = via->nh[j];
            if (via->nh[j].family == 0) { /* an interface route: the gateway is on it */
                out[n].family = nh->family;
                memcpy(out[n].gw, nh->gw, 16);
            }
            n++;
        }
    }
    if (ok && n > 0)
        res = nhg_get(rib, out, n);
    if (res != NULL && res->recursive) { /* cannot happen: every output has a dev */
        nhg_unref(rib, res);
        res = NULL;
    }
    if (res == g->resolved) {
        nhg_unref(rib, res);
        return;
    }
    if (g->resolved != NULL)
        nhg_unref(rib, g->resolved);
    g->resolved = res;
    g->dirty = true;
    rib->nhg_dirty = true;
}

/* ---- Nets ------------------------------------------------------------ */

static struct rib_net *net_find(const struct rib *rib, int family, unsigned len,
                                const uint8_t *addr)
{
    size_t nb = fam_bytes(family);

    if (rib->nbuckets == 0)
        return NULL;
    for (struct rib_net *n = rib->buckets[net_hash(family, len, addr) & (rib->nbuckets - 1)];
         n != NULL; n = n->hnext)
        if (n->family == family && n->len == len && memcmp(n->addr, addr, nb) == 0)
            return n;
    return NULL;
}

static int net_grow(struct rib *rib)
{
    size_t nb = rib->nbuckets ? rib->nbuckets * 2 : 1024;
    struct rib_net **b = calloc(nb, sizeof(*b));

    if (b == NULL)
        return rib->nbuckets > 0 ? 0 : -ENOMEM;
    for (size_t i = 0; i < rib->nbuckets; i++) {
        struct rib_net *n = rib->buckets[i], *next;

        for (; n != NULL; n = next) {
            next = n->hnext;
            size_t h = net_hash(n->family, n->len, n->addr) & (nb - 1);
            n->hnext = b[h];
            b[h] = n;
        }
    }
    free(rib->buckets);
    rib->buckets = b;
    rib->nbuckets = nb;
    return 0;
}

static struct rib_net *net_get(struct rib *rib, const struct inet_prefix *p)
{
    struct rib_net *n = net_find(rib, p->addr.family, p->len, p->addr.u.bytes);
    size_t h;

    if (n != NULL)
        return n;
    if (rib->nnets >= rib->nbuckets && net_grow(rib) != 0)
        return NULL;
    n = pool_alloc(p->addr.family == AF_INET6 ? &rib->net6 : &rib->net4);
    if (n == NULL)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->family = (uint8_t)p->addr.family;
    n->len = (uint8_t)p->len;
    memcpy(n->addr, p->addr.u.bytes, fam_bytes(p->addr.family));
    h = net_hash(n->family, n->len, n->addr) & (rib->nbuckets - 1);
    n->hnext = rib->buckets[h];
    rib->buckets[h] = n;
    rib->nnets++;
    rib->lencount[fam_idx(n->family)][n->len]++;
    return n;
}

static void net_remove(struct rib *rib, struct rib_net *n)
{
    struct rib_net **pp = &rib->buckets[net_hash(n->family, n->len, n->addr) & (rib->nbuckets - 1)];

    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
    rib->nnets--;
    rib->lencount[fam_idx(n->family)][n->len]--;
    /* gateways resolved through it look again */
    for (struct rib_nht *t = rib->nht; t != NULL; t = t->next)
        if (t->via == n)
            t->via = NULL;
    pool_put(n->family == AF_INET6 ? &rib->net6 : &rib->net4, n);
}

static bool prefix_covers(int family, unsigned len, const uint8_t *net, const uint8_t *addr)
{
    unsigned full = len / 8, rest = len % 8;

    (void)family;
    if (memcmp(net, addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((net[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static void mask_addr(uint8_t *out, const uint8_t *in, unsigned len, size_t nbytes)
{
    memset(out, 0, 16);
    memcpy(out, in, nbytes);
    for (unsigned i = len; i < nbytes * 8; i++)
        out[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/* Does the net's best route go through tracked gateway t? */
static bool net_best_uses(const struct rib_net *n, const struct rib_nht *t)
{
    const struct rib_nhg *g;

    if (n->fib == NULL || n->routes == NULL)
        return false;
    g = n->routes->nhg;
    if (!g->recursive)
        return false;
    for (size_t i = 0; i < g->n; i++)
        if (g->nht[i] == t)
            return true;
    return false;
}

/* Longest-prefix match among nets with a best route, skipping those whose
 * best route goes through `self` (a route never resolves through itself). */
static struct rib_net *lpm(const struct rib *rib, int family, const uint8_t *addr,
                           const struct rib_nht *self)
{
    size_t nb = fam_bytes(family);
    unsigned fi = fam_idx(family);
    uint8_t key[16];

    for (int len = (int)nb * 8; len >= 0; len--) {
        struct rib_net *n;

        if (rib->lencount[fi][len] == 0)
            continue;
        mask_addr(key, addr, (unsigned)len, nb);
        n = net_find(rib, family, (unsigned)len, key);
        if (n != NULL && n->fib != NULL && (self == NULL || !net_best_uses(n, self)))
            return n;
    }
    return NULL;
}

/* ---- Tracked gateways ------------------------------------------------ */

static struct rib_nht *nht_get(struct rib *rib, int family, const uint8_t *addr)
{
    struct rib_nht *t;

    for (t = rib->nht; t != NULL; t = t->next)
        if (t->family == family && memcmp(t->addr, addr, fam_bytes(family)) == 0) {
            t->refs++;
            return t;
        }
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->refs = 1;
    t->family = (uint8_t)family;
    memcpy(t->addr, addr, fam_bytes(family));
    t->via = lpm(rib, family, addr, t);
    t->next = rib->nht;
    rib->nht = t;
    rib->nnht++;
    return t;
}

static void nht_put(struct rib *rib, struct rib_nht *t)
{
    struct rib_nht **pp;

    if (--t->refs > 0)
        return;
    for (pp = &rib->nht; *pp != t; pp = &(*pp)->next)
        ;
    *pp = t->next;
    rib->nnht--;
    free(t);
}

/* The best route of n changed: gateways inside it resolve again. */
static void nht_check(struct rib *rib, const struct rib_net *n)
{
    bool changed = false;

    for (struct rib_nht *t = rib->nht; t != NULL; t = t->next) {
        struct rib_net *via;

        if (t->family != n->family || !prefix_covers(n->family, n->len, n->addr, t->addr)) {
            if (t->via != n)
                continue;
        }
        via = lpm(rib, t->family, t->addr, t);
        if (via != t->via || via == n) {
            t->via = via;
            changed = true;
        }
    }
    if (!changed)
        return;
    /* resolving interns new sets (the table may grow) and drops old ones:
     * collect the recursive sets first, holding a reference to each */
    {
        struct rib_nhg **v = NULL;
        size_t k = 0, cap = 0;

        for (size_t i = 0; i < rib->nhg_nbuckets; i++)
            for (struct rib_nhg *g = rib->nhg_buckets[i]; g != NULL; g = g->hnext) {
                if (!g->recursive)
                    continue;
                if (k == cap) {
                    struct rib_nhg **nv;

                    cap = cap ? cap * 2 : 16;
                    if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
                        fatalx("rib: out of memory resolving next hops");
                    v = nv;
                }
                g->refs++;
                v[k++] = g;
            }
        for (size_t i = 0; i < k; i++) {
            nhg_resolve(rib, v[i]);
            nhg_unref(rib, v[i]);
        }
        free(v);
    }
}

/* ---- Best route ------------------------------------------------------ */

static bool route_eligible(const struct rib_net *n, const struct rib_route *r)
{
    const struct rib_nhg *g = r->nhg;

    if (!g->recursive)
        return true;
    if (g->resolved == NULL)
        return false;
    for (size_t i = 0; i < g->n; i++)
        if (g->nht[i] != NULL && g->nht[i]->via == n)
            return false;
    return true;
}

static bool route_better(const struct rib_route *a, const struct rib_route *b)
{
    if (a->distance != b->distance)
        return a->distance < b->distance;
    if (a->metric != b->metric)
        return a->metric < b->metric;
    return a->src < b->src;
}

static void enqueue(struct rib *rib, struct rib_net *n)
{
    if (n->flags & NET_QUEUED)
        return;
    if (rib->qlen == rib->qcap) {
        size_t cap = rib->qcap ? rib->qcap * 2 : 64;
        struct rib_net **q = realloc(rib->queue, cap * sizeof(*q));

        if (q == NULL)
            fatalx("rib: out of memory for the work queue");
        rib->queue = q;
        rib->qcap = cap;
    }
    n->flags |= NET_QUEUED;
    rib->queue[rib->qlen++] = n;
}

/* Choose n's best route; tell subscribers if it or its next hops changed.
 * old_best/old_dist/old_metric: what was best before the caller's change. */
static void net_decide(struct rib *rib, struct rib_net *n, const struct rib_route *old_best,
                       int old_src, uint8_t old_dist, uint32_t old_metric)
{
    struct rib_route *best = NULL, **pp, **bestp = NULL;
    struct rib_nhg *fib = NULL, *old_fib = n->fib;

    for (pp = &n->routes; *pp != NULL; pp = &(*pp)->next)
        if (route_eligible(n, *pp) && (best == NULL || route_better(*pp, best))) {
            best = *pp;
            bestp = pp;
        }
    if (best != NULL && bestp != &n->routes) { /* best first */
        *bestp = best->next;
        best->next = n->routes;
        n->routes = best;
    }
    if (best != NULL)
        fib = (struct rib_nhg *)nhg_effective(best->nhg);
    if (fib == old_fib && best == old_best &&
        (best == NULL ||
         (best->src == old_src && best->distance == old_dist && best->metric == old_metric)))
        return;
    if (fib != NULL)
        fib->refs++;
    n->fib = fib;
    {
        struct inet_prefix p;
        struct rib_change c = {
            .prefix = &p,
            .old_nh = old_fib,
            .new_nh = fib,
            .src = best != NULL ? best->src : -1,
            .old_src = old_fib != NULL ? old_src : -1,
            .distance = best != NULL ? best->distance : 0,
            .metric = best != NULL ? best->metric : 0,
        };

        net_prefix(n, &p);
        for (int i = 0; i < RIB_SUBS_MAX; i++)
            if (rib->subs[i].fn != NULL)
                rib->subs[i].fn(rib->subs[i].ctx, &c);
    }
    if (old_fib != NULL)
        nhg_unref(rib, old_fib);
    if (fib != old_fib)
        nht_check(rib, n);
}

static void net_decide_current(struct rib *rib, struct rib_net *n)
{
    const struct rib_route *b = n->fib != NULL ? n->routes : NULL;

    net_decide(rib, n, b, b ? b->src : -1, b ? b->distance : 0, b ? b->metric : 0);
}

/* Run the work: queued nets, then routes whose next hops resolved anew. */
static void rib_run(struct rib *rib)
{
    size_t budget = 1000000 + 64 * rib->nnets;

    for (;;) {
        while (rib->qlen > 0) {
            struct rib_net *n = rib->queue[--rib->qlen];

            n->flags &= (uint8_t)~NET_QUEUED;
            if (budget-- == 0) {
                log_warnx("rib: next-hop resolution does not settle; stopping");
                for (size_t i = 0; i < rib->qlen; i++)
                    rib->queue[i]->flags &= (uint8_t)~NET_QUEUED;
                rib->qlen = 0;
                return;
            }
            net_decide_current(rib, n);
            if (n->routes == NULL)
                net_remove(rib, n);
        }
        if (!rib->nhg_dirty)
            return;
        rib->nhg_dirty = false;
        for (size_t i = 0; i < rib->nbuckets; i++)
            for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
                for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                    if (r->nhg->dirty) {
                        enqueue(rib, n);
                        break;
                    }
        for (size_t i = 0; i < rib->nhg_nbuckets; i++)
            for (struct rib_nhg *g = rib->nhg_buckets[i]; g != NULL; g = g->hnext)
                g->dirty = false;
    }
}

/* ---- Routes ---------------------------------------------------------- */

static int check_attrs(const struct inet_prefix *p, const struct rib_attrs *a)
{
    unsigned bits = inet_family_bits(p->addr.family);
    uint8_t masked[16];

    if (bits == 0 || p->len > bits)
        return -EINVAL;
    mask_addr(masked, p->addr.u.bytes, p->len, bits / 8);
    if (memcmp(masked, p->addr.u.bytes, bits / 8) != 0)
        return -EINVAL;
    if (a->n_nh == 0 || a->n_nh > RIB_ECMP_MAX || a->distance > 255 || a->distance < -1)
        return -EINVAL;
    for (size_t i = 0; i < a->n_nh; i++) {
        const struct rib_nh *nh = &a->nh[i];

        if (nh->type > RIB_NH_PROHIBIT)
            return -EINVAL;
        if (nh->type != RIB_NH_UNICAST) {
            if (nh->family != 0 || nh->dev[0] != '\0' || a->n_nh != 1)
                return -EINVAL;
            continue;
        }
        if (nh->family == 0 && nh->dev[0] == '\0')
            return -EINVAL;
        if (nh->family != 0 && nh->family != p->addr.family)
            return -EINVAL;
        if (memchr(nh->dev, '\0', RIB_DEV_LEN) == NULL)
            return -EINVAL;
    }
    return 0;
}

static void tombstone_add(struct rib *rib, int src, const struct rib_net *n, uint64_t gen)
{
    if (rib->ntomb == rib->tombcap) {
        size_t cap = rib->tombcap ? rib->tombcap * 2 : 64;
        struct rib_tombstone *t = realloc(rib->tomb, cap * sizeof(*t));

        if (t == NULL) {
            log_warnx("rib: out of memory for tombstones; exports since a generation "
                      "may miss a withdrawal");
            return;
        }
        rib->tomb = t;
        rib->tombcap = cap;
    }
    net_prefix(n, &rib->tomb[rib->ntomb].prefix);
    rib->tomb[rib->ntomb].src = src;
    rib->tomb[rib->ntomb].gen = gen;
    rib->ntomb++;
}

int rib_route_update(struct rib *rib, int src, const struct inet_prefix *prefix,
                     const struct rib_attrs *a)
{
    struct rib_net *n;
    struct rib_route *r, *old_best;
    struct rib_nhg *g;
    uint8_t dist;
    int rc;

    if (src < 0 || src >= RIB_SOURCES_MAX || !rib->src[src].used)
        return -ENOENT;
    if ((rc = check_attrs(prefix, a)) != 0)
        return rc;
    dist = a->distance < 0 ? rib->src[src].distance : (uint8_t)a->distance;
    if ((g = nhg_get(rib, a->nh, a->n_nh)) == NULL)
        return -ENOMEM;
    if ((n = net_get(rib, prefix)) == NULL) {
        nhg_unref(rib, g);
        return -ENOMEM;
    }
    for (r = n->routes; r != NULL; r = r->next)
        if (r->src == src)
            break;
    if (r != NULL && r->nhg == g && r->distance == dist && r->metric == a->metric &&
        ((r->flags & RT_DEFAULT_DIST) != 0) == (a->distance < 0)) {
        nhg_unref(rib, g);
        return 1;
    }
    old_best = n->fib != NULL ? n->routes : NULL;
    {
        int osrc = old_best ? old_best->src : -1;
        uint8_t odist = old_best ? old_best->distance : 0;
        uint32_t omet = old_best ? old_best->metric : 0;

        if (r == NULL) {
            if ((r = pool_alloc(&rib->routes)) == NULL) {
                nhg_unref(rib, g);
                if (n->routes == NULL)
                    net_remove(rib, n);
                return -ENOMEM;
            }
            memset(r, 0, sizeof(*r));
            r->src = (uint16_t)src;
            r->next = n->routes;
            n->routes = r;
            rib->nroutes++;
        } else {
            nhg_unref(rib, r->nhg);
        }
        r->nhg = g;
        r->distance = dist;
        r->metric = a->metric;
        r->flags = a->distance < 0 ? RT_DEFAULT_DIST : 0;
        r->gen = ++*rib->clock;
        net_decide(rib, n, old_best, osrc, odist, omet);
    }
    rib_run(rib);
    return 0;
}

int rib_route_withdraw(struct rib *rib, int src, const struct inet_prefix *prefix)
{
    struct rib_net *n = net_find(rib, prefix->addr.family, prefix->len, prefix->addr.u.bytes);
    struct rib_route **pp, *r, *old_best;

    if (n == NULL)
        return -ENOENT;
    for (pp = &n->routes; *pp != NULL && (*pp)->src != src; pp = &(*pp)->next)
        ;
    if ((r = *pp) == NULL)
        return -ENOENT;
    old_best = n->fib != NULL ? n->routes : NULL;
    {
        int osrc = old_best ? old_best->src : -1;
        uint8_t odist = old_best ? old_best->distance : 0;
        uint32_t omet = old_best ? old_best->metric : 0;

        *pp = r->next;
        tombstone_add(rib, src, n, ++*rib->clock);
        nhg_unref(rib, r->nhg);
        pool_put(&rib->routes, r);
        rib->nroutes--;
        net_decide(rib, n, old_best == r ? NULL : old_best, osrc, odist, omet);
    }
    if (n->routes == NULL && !(n->flags & NET_QUEUED))
        net_remove(rib, n);
    rib_run(rib);
    return 0;
}

/* Withdraw every route of src: the prefixes are gathered in one walk and
 * withdrawn afterwards (a withdrawal may free nets, so the walk cannot go
 * on past one); without memory for the list, one walk per route. */
void rib_source_remove(struct rib *rib, int src)
{
    struct inet_prefix *ps = NULL;
    size_t n_ps = 0;

    if (src < 0 || src >= RIB_SOURCES_MAX || !rib->src[src].used)
        return;
    for (size_t i = 0; i < rib->nbuckets; i++)
        for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
            for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                if (r->src == src) {
                    n_ps++;
                    break;
                }
    if (n_ps > 0 && (ps = malloc(n_ps * sizeof(*ps))) != NULL) {
        size_t k = 0;

        for (size_t i = 0; i < rib->nbuckets; i++)
            for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
                for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                    if (r->src == src) {
                        net_prefix(n, &ps[k++]);
                        break;
                    }
        for (size_t i = 0; i < k; i++)
            rib_route_withdraw(rib, src, &ps[i]);
        free(ps);
    }
    for (;;) { /* what is left: only without memory for the list */
        struct inet_prefix p;
        bool found = false;

        for (size_t i = 0; i < rib->nbuckets && !found; i++)
            for (struct rib_net *n = rib->buckets[i]; n != NULL && !found; n = n->hnext)
                for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                    if (r->src == src) {
                        net_prefix(n, &p);
                        found = true;
                        break;
                    }
        if (!found)
            break;
        rib_route_withdraw(rib, src, &p);
    }
    rib->src[src].used = false;
}

void rib_source_set_distance(struct rib *rib, int src, uint8_t distance)
{
    if (src < 0 || src >= RIB_SOURCES_MAX || !rib->src[src].used ||
        rib->src[src].distance == distance)
        return;
    rib->src[src].distance = distance;
    for (size_t i = 0; i < rib->nbuckets; i++)
        for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
            for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                if (r->src == src && (r->flags & RT_DEFAULT_DIST)) {
                    r->distance = distance;
                    r->gen = ++*rib->clock;
                    enqueue(rib, n);
                }
    rib_run(rib);
}

/* ---- Subscribers, lookups, walks ------------------------------------- */

int rib_subscribe(struct rib *rib, rib_subscriber_fn fn, void *ctx)
{
    for (int i = 0; i < RIB_SUBS_MAX; i++)
        if (rib->subs[i].fn == NULL) {
            rib->subs[i].fn = fn;
            rib->subs[i].ctx = ctx;
            return i;
        }
    return -ENOSPC;
}

void rib_unsubscribe(struct rib *rib, int handle)
{
    if (handle >= 0 && handle < RIB_SUBS_MAX)
        rib->subs[handle].fn = NULL;
}

static void route_info(const struct rib_net *n, const struct rib_route *r,
                       struct rib_route_info *out)
{
    net_prefix(n, &out->prefix);
    out->src = r->src;
    out->distance = r->distance;
    out->metric = r->metric;
    out->best = n->fib != NULL && r == n->routes;
    out->eligible = route_eligible(n, r);
    out->gen = r->gen;
    out->default_distance = (r->flags & RT_DEFAULT_DIST) != 0;
    out->nh = r->nhg;
    out->resolved = out->eligible ? nhg_effective(r->nhg) : NULL;
}

bool rib_best(const struct rib *rib, const struct inet_prefix *prefix, struct rib_route_info *out)
{
    const struct rib_net *n = net_find(rib, prefix->addr.family, prefix->len, prefix->addr.u.bytes);

    if (n == NULL || n->fib == NULL)
        return false;
    route_info(n, n->routes, out);
    return true;
}

bool rib_lookup(const struct rib *rib, const struct inet_addr *addr, struct rib_route_info *out)
{
    const struct rib_net *n = lpm(rib, addr->family, addr->u.bytes, NULL);

    if (n == NULL)
        return false;
    route_info(n, n->routes, out);
    return true;
}

static int net_cmp(const void *a, const void *b)
{
    const struct rib_net *x = *(const struct rib_net *const *)a;
    const struct rib_net *y = *(const struct rib_net *const *)b;
    int c;

    if (x->family != y->family)
        return x->family == AF_INET ? -1 : 1;
    if ((c = memcmp(x->addr, y->addr, fam_bytes(x->family))) != 0)
        return c;
    return (int)x->len - (int)y->len;
}

static int walk_net(const struct rib_net *n, bool best_only, rib_walk_fn fn, void *ctx)
{
    struct rib_route_info info;
    int rc;

    for (const struct rib_route *r = n->routes; r != NULL; r = r->next) {
        if (best_only && (n->fib == NULL || r != n->routes))
            break;
        route_info(n, r, &info);
        if ((rc = fn(ctx, &info)) != 0)
            return rc;
    }
    return 0;
}

int rib_walk(const struct rib *rib, int family, bool best_only, rib_walk_fn fn, void *ctx)
{
    struct rib_net **v;
    size_t k = 0;
    int rc = 0;

    if (rib->nnets == 0)
        return 0;
    if ((v = malloc(rib->nnets * sizeof(*v))) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < rib->nbuckets; i++)
        for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
            if (family == 0 || n->family == family)
                v[k++] = n;
    qsort(v, k, sizeof(*v), net_cmp);
    for (size_t i = 0; i < k && rc == 0; i++)
        rc = walk_net(v[i], best_only, fn, ctx);
    free(v);
    return rc;
}

int rib_walk_prefix(const struct rib *rib, const struct inet_prefix *prefix, rib_walk_fn fn,
                    void *ctx)
{
    const struct rib_net *n = net_find(rib, prefix->addr.family, prefix->len, prefix->addr.u.bytes);

    return n != NULL ? walk_net(n, false, fn, ctx) : 0;
}

int rib_walk_unsorted(const struct rib *rib, bool best_only, rib_walk_fn fn, void *ctx)
{
    int rc;

    for (size_t i = 0; i < rib->nbuckets; i++)
        for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext)
            if ((rc = walk_net(n, best_only, fn, ctx)) != 0)
                return rc;
    return 0;
}

int rib_tombstones(const struct rib *rib, uint64_t since,
                   int (*fn)(void *ctx, const struct rib_tombstone *t), void *ctx)
{
    int rc;

    for (size_t i = 0; i < rib->ntomb; i++)
        if (rib->tomb[i].gen > since && (rc = fn(ctx, &rib->tomb[i])) != 0)
            return rc;
    return 0;
}

void rib_tombstones_prune(struct rib *rib, uint64_t gen)
{
    size_t k = 0;

    for (size_t i = 0; i < rib->ntomb; i++)
        if (rib->tomb[i].gen > gen)
            rib->tomb[k++] = rib->tomb[i];
    rib->ntomb = k;
}

void rib_stats(const struct rib *rib, struct rib_stats *out)
{
    out->prefixes = rib->nnets;
    out->routes = rib->nroutes;
    out->nhgs = rib->nnhg;
    out->nht = rib->nnht;
    out->tombstones = rib->ntomb;
    out->memory = rib->net4.bytes + rib->net6.bytes + rib->routes.bytes +
                  rib->nbuckets * sizeof(void *) + rib->nhg_nbuckets * sizeof(void *) +
                  rib->tombcap * sizeof(struct rib_tombstone);
}

/* ---- Life ------------------------------------------------------------ */

struct rib *rib_new(uint64_t *clock)
{
    struct rib *rib = calloc(1, sizeof(*rib));

    if (rib == NULL)
        return NULL;
    rib->clock = clock != NULL ? clock : &rib->own_clock;
    pool_init(&rib->net4, sizeof(struct rib_net) + 4);
    pool_init(&rib->net6, sizeof(struct rib_net) + 16);
    pool_init(&rib->routes, sizeof(struct rib_route));
    return rib;
}

void rib_free(struct rib *rib)
{
    if (rib == NULL)
        return;
    for (size_t i = 0; i < rib->nbuckets; i++)
        for (struct rib_net *n = rib->buckets[i]; n != NULL; n = n->hnext) {
            for (struct rib_route *r = n->routes; r != NULL; r = r->next)
                r->nhg->refs = 0; /* all freed below */
            n->fib = NULL;
        }
    for (size_t i = 0; i < rib->nhg_nbuckets; i++) {
        struct rib_nhg *g = rib->nhg_buckets[i], *next;

        for (; g != NULL; g = next) {
            next = g->hnext;
            free(g->nht);
            free(g);
        }
    }
    while (rib->nht != NULL) {
        struct rib_nht *t = rib->nht;

        rib->nht = t->next;
        free(t);
    }
    pool_destroy(&rib->net4);
    pool_destroy(&rib->net6);
    pool_destroy(&rib->routes);
    free(rib->buckets);
    free(rib->nhg_buckets);
    free(rib->queue);
    free(rib->tomb);
    free(rib);
}

/* ---- Text ------------------------------------------------------------ */

const char *rib_nh_type_name(enum rib_nh_type t)
{
    switch (t) {
    case RIB_NH_UNICAST:
        return "unicast";
    case RIB_NH_BLACKHOLE:
        return "blackhole";
    case RIB_NH_UNREACHABLE:
        return "unreachable";
    case RIB_NH_PROHIBIT:
        return "prohibit";
    }
    return "?";
}

char *rib_nh_format(const struct rib_nh *nh, char *buf, size_t size)
{
    char a[INET_ADDR_STRLEN] = "";

    if (nh->type != RIB_NH_UNICAST) {
        snprintf(buf, size, "%s", rib_nh_type_name(nh->type));
        return buf;
    }
    if (nh->family != 0)
        inet_ntop(nh->family, nh->gw, a, sizeof(a));
    if (nh->family != 0 && nh->dev[0] != '\0')
        snprintf(buf, size, "via %s dev %s", a, nh->dev);
    else if (nh->family != 0)
        snprintf(buf, size, "via %s", a);
    else
        snprintf(buf, size, "dev %s", nh->dev);
    return buf;
}
