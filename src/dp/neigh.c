/*
 * neigh.c - the neighbour table: a chained hash of entries. See neigh.h.
 */
#include "dp/neigh.h"
#include "dp/addr.h"

#include <stdlib.h>
#include <string.h>

#define NEIGH_BUCKETS 1024

struct neigh_table {
    struct neigh *buckets[NEIGH_BUCKETS];
    size_t count;
};

static unsigned neigh_hash(uint16_t iface, const struct inet_addr *a)
{
    uint32_t h = 2166136261u ^ iface;
    size_t n = a->family == AF_INET ? 4 : 16;

    for (size_t i = 0; i < n; i++)
        h = (h ^ a->u.bytes[i]) * 16777619u;
    return (h ^ (h >> 15)) % NEIGH_BUCKETS;
}

struct neigh_table *neigh_table_create(void)
{
    return calloc(1, sizeof(struct neigh_table));
}

void neigh_table_free(struct neigh_table *t)
{
    if (t == NULL)
        return;
    for (unsigned b = 0; b < NEIGH_BUCKETS; b++) {
        struct neigh *e = t->buckets[b], *next;

        for (; e != NULL; e = next) {
            next = e->hnext;
            pbuf_queue_purge(&e->q);
            free(e);
        }
    }
    free(t);
}

struct neigh *neigh_find(const struct neigh_table *t, uint16_t iface, const struct inet_addr *a)
{
    for (struct neigh *e = t->buckets[neigh_hash(iface, a)]; e != NULL; e = e->hnext)
        if (e->iface == iface && addr_equal(&e->addr, a))
            return e;
    return NULL;
}

struct neigh *neigh_get(struct neigh_table *t, uint16_t iface, const struct inet_addr *a)
{
    struct neigh *e = neigh_find(t, iface, a);
    unsigned b;

    if (e != NULL)
        return e;
    if (t->count >= NEIGH_MAX || (e = calloc(1, sizeof(*e))) == NULL)
        return NULL;
    e->addr = *a;
    e->iface = iface;
    e->state = NEIGH_INCOMPLETE;
    b = neigh_hash(iface, a);
    e->hnext = t->buckets[b];
    t->buckets[b] = e;
    t->count++;
    return e;
}

unsigned neigh_remove(struct neigh_table *t, struct neigh *e)
{
    struct neigh **pp = &t->buckets[neigh_hash(e->iface, &e->addr)];
    unsigned n;

    while (*pp != NULL && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp == NULL)
        return 0;
    *pp = e->hnext;
    t->count--;
    n = pbuf_queue_purge(&e->q);
    free(e);
    return n;
}

int neigh_walk(struct neigh_table *t, int (*cb)(struct neigh *e, void *arg), void *arg)
{
    for (unsigned b = 0; b < NEIGH_BUCKETS; b++) {
        struct neigh *e = t->buckets[b], *next;

        for (; e != NULL; e = next) {
            int rc;

            next = e->hnext;
            if ((rc = cb(e, arg)) != 0)
                return rc;
        }
    }
    return 0;
}

struct flush_arg {
    struct neigh_table *t;
    uint16_t iface;
};

static int flush_one(struct neigh *e, void *arg)
{
    struct flush_arg *f = arg;

    if (e->iface == f->iface)
        neigh_remove(f->t, e);
    return 0;
}

void neigh_flush_iface(struct neigh_table *t, uint16_t iface)
{
    struct flush_arg f = {t, iface};

    neigh_walk(t, flush_one, &f);
}

size_t neigh_count(const struct neigh_table *t)
{
    return t->count;
}

const char *neigh_state_name(int state)
{
    static const char *const names[] = {"incomplete", "reachable", "stale", "probe", "static"};

    return state >= 0 && state <= NEIGH_STATIC ? names[state] : "unknown";
}
