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

/* Blocks replaced by one change, freed together once no reader can hold
 * them. */
struct retire_batch {
    struct rcu_head head;
    size_t n;
    void *ptrs[];
};

size_t fib_retire_batch_size(size_t n)
{
    return sizeof(struct retire_batch) + n * sizeof(void *);
}

static void retire_free(struct rcu_head *head)
{
    struct retire_batch *b = caa_container_of(head, struct retire_batch, head);

    for (size_t i = 0; i < b->n; i++)
        free(b->ptrs[i]);
    free(b);
}

void fib_retire(struct fib_table *t, void **ptrs, size_t n, void *batch)
{
    struct retire_batch *b = batch;

    b->n = n;
    memcpy(b->ptrs, ptrs, n * sizeof(void *));
    t->rcu->update_call_rcu(&b->head, retire_free);
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
