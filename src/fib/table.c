/*
 * table.c: a FIB table's life cycle and route changes, for both families:
 * keep the RIB (rib.c) and the lookup trie (trie.c) in step, roll the RIB
 * back when the trie cannot be updated, size the top level to the table, and
 * free replaced trie blocks after an RCU grace period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "fib/fib_impl.h"

/*
 * Replaced blocks, freed together once no reader can hold them. Changes
 * add to one batch that goes to call_rcu when it is full: one callback (and
 * at most one wake-up of the RCU thread) per many updates rather than per
 * update, which keeps the update latency tail short. Handing blocks over
 * later than they were unpublished is always safe.
 */
#define RETIRE_BATCH 256

struct retire_batch {
    struct rcu_head head;
    size_t n, cap;
    void *ptrs[];
};

static void retire_free(struct rcu_head *head)
{
    struct retire_batch *b = caa_container_of(head, struct retire_batch, head);

    for (size_t i = 0; i < b->n; i++)
        free(b->ptrs[i]);
    free(b);
}

/* Makes room for n more blocks, so that fib_retire() cannot fail after a
 * change is published. */
int fib_retire_reserve(struct fib_table *t, size_t n)
{
    struct retire_batch *b = t->retiring;
    size_t have = b ? b->n : 0;

    if (n == 0 || (b && have + n <= b->cap))
        return 0;
    size_t cap = have + n < RETIRE_BATCH ? RETIRE_BATCH : have + n;
    b = realloc(b, sizeof(*b) + cap * sizeof(void *));
    if (!b)
        return -ENOMEM;
    b->n = have;
    b->cap = cap;
    t->retiring = b;
    return 0;
}

void fib_retire_flush(struct fib_table *t)
{
    if (t->retiring && t->retiring->n) {
        t->rcu->update_call_rcu(&t->retiring->head, retire_free);
        t->retiring = NULL;
    }
}

void fib_retire(struct fib_table *t, void **ptrs, size_t n)
{
    if (n == 0)
        return;
    memcpy(t->retiring->ptrs + t->retiring->n, ptrs, n * sizeof(void *));
    t->retiring->n += n;
    if (t->retiring->n >= RETIRE_BATCH)
        fib_retire_flush(t);
}

/*
 * Top-level width for a table of n routes: 2^6, 2^12 or 2^18 entries of 8
 * bytes. Each step costs at most 128 bytes per route; shrinking waits until
 * the table is half the size that made it grow, so a table sitting at a step
 * does not rebuild back and forth.
 */
static unsigned bits_for(size_t n, unsigned cur)
{
    unsigned grow = n >= 16384 ? 18 : n >= 512 ? 12 : 6;
    unsigned shrink = n >= 8192 ? 18 : n >= 256 ? 12 : 6;

    if (grow > cur)
        return grow;
    if (shrink < cur)
        return shrink;
    return cur;
}

struct fib_table *fib_table_create(unsigned max_len, const struct fib_config *cfg)
{
    struct fib_table *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->max_len = max_len;
    t->max_routes = cfg ? cfg->max_routes : 0;
    t->rcu = cfg && cfg->rcu ? cfg->rcu : &rcu_flavor;
    rib_init(&t->rib);
    if (trie_init(t)) {
        free(t);
        return NULL;
    }
    return t;
}

void fib_table_free(struct fib_table *t)
{
    if (!t)
        return;
    trie_fini(t);
    rib_fini(&t->rib);
    /* No reader is left (the caller says so): what waits can go now. */
    if (t->retiring) {
        for (size_t i = 0; i < t->retiring->n; i++)
            free(t->retiring->ptrs[i]);
        free(t->retiring);
    }
    /* Earlier changes may still have blocks waiting for a grace period. */
    t->rcu->barrier();
    free(t);
}

size_t fib_table_memory(const struct fib_table *t)
{
    return fib_heap_size(sizeof(*t)) + t->rib.bytes + t->trie_bytes;
}

/* Brings the trie in line with a change of (key, len) already in the RIB. */
static int trie_apply(struct fib_table *t, fib_key key, unsigned len)
{
    unsigned bits = bits_for(t->count, t->bits);

    if (bits != t->bits)
        return trie_rebuild(t, bits);
    return trie_update(t, key, len);
}

static void rib_remove(struct fib_table *t, fib_key key, unsigned len)
{
    struct rib_undo u;

    if (rib_del_begin(&t->rib, key, len, &u) == 0)
        rib_del_commit(&t->rib, &u);
}

int fib_table_add(struct fib_table *t, fib_key key, unsigned len, uint32_t nh)
{
    uint32_t old;
    bool existed;
    int ret;

    if (t->max_routes && t->count >= t->max_routes && rib_get(&t->rib, key, len, &old))
        return -ENOSPC;
    if ((ret = rib_set(&t->rib, key, len, nh, &old, &existed)))
        return ret;
    if (existed && old == nh)
        return 0;
    if (!existed)
        t->count++;
    if ((ret = trie_apply(t, key, len))) {
        if (existed) {
            rib_set(&t->rib, key, len, old, &old, &existed);
        } else {
            rib_remove(t, key, len);
            t->count--;
        }
    }
    return ret;
}

int fib_table_del(struct fib_table *t, fib_key key, unsigned len)
{
    struct rib_undo u;
    int ret;

    if ((ret = rib_del_begin(&t->rib, key, len, &u)))
        return ret;
    t->count--;
    if ((ret = trie_apply(t, key, len))) {
        rib_del_abort(&t->rib, &u);
        t->count++;
        return ret;
    }
    rib_del_commit(&t->rib, &u);
    return 0;
}

/* What a bulk load changed in the RIB, to undo it if the rebuild fails. */
struct batch_undo {
    bool existed;
    uint32_t old;
};

/*
 * A batch large against the table goes into the RIB first and the trie is
 * rebuilt once, which is far cheaper than patching it per route; a small one
 * is applied route by route.
 */
int fib_table_add_batch(struct fib_table *t, const struct fib_route_key *r, size_t n)
{
    int ret = 0;

    if (n < 64 || n < t->count / 8) {
        for (size_t i = 0; i < n; i++)
            if ((ret = fib_table_add(t, r[i].key, r[i].len, r[i].nh)))
                return ret;
        return 0;
    }
    struct batch_undo *undo = malloc(n * sizeof(*undo));
    if (!undo)
        return -ENOMEM;
    size_t done = 0;
    for (; done < n; done++) {
        uint32_t cur;
        if (t->max_routes && t->count >= t->max_routes &&
            rib_get(&t->rib, r[done].key, r[done].len, &cur)) {
            ret = -ENOSPC;
            break;
        }
        ret = rib_set(&t->rib, r[done].key, r[done].len, r[done].nh, &undo[done].old,
                      &undo[done].existed);
        if (ret)
            break;
        if (!undo[done].existed)
            t->count++;
    }
    if (!ret)
        ret = trie_rebuild(t, bits_for(t->count, t->bits));
    if (ret) {
        /* Undo in reverse, so repeated prefixes end at their first state. */
        while (done-- > 0) {
            uint32_t dummy;
            bool ex;
            if (undo[done].existed) {
                rib_set(&t->rib, r[done].key, r[done].len, undo[done].old, &dummy, &ex);
            } else {
                rib_remove(t, r[done].key, r[done].len);
                t->count--;
            }
        }
    }
    free(undo);
    return ret;
}
