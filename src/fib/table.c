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
 * Replaced blocks go back to their arena once no reader can hold them.
 * Changes add to one batch that goes to call_rcu when it is full: one
 * callback (and at most one wake-up of the RCU thread) per many updates
 * rather than per update, which keeps the update latency tail short. Handing
 * blocks over later than they were unpublished is always safe.
 */
#define RETIRE_BATCH 256

_Static_assert(sizeof(struct rcu_head) <= sizeof(((struct arena_batch *)0)->hdr),
               "struct arena_batch has room for an rcu_head");

static void retire_done(struct rcu_head *head)
{
    struct arena_batch *b = (struct arena_batch *)(void *)head;
    struct fib_arena *a = b->arena;

    arena_reclaim(a, b);
    __atomic_sub_fetch(&a->inflight, 1, __ATOMIC_RELEASE);
}

/* Makes room for n more blocks, so that fib_retire() cannot fail after a
 * change is published. */
int fib_retire_reserve(struct fib_table *t, size_t n)
{
    struct arena_batch *b = t->retiring;
    size_t have = b ? b->n : 0;

    if (n == 0 || (b && have + n <= b->cap))
        return 0;
    size_t cap = have + n < RETIRE_BATCH ? RETIRE_BATCH : have + n;
    b = realloc(b, sizeof(*b) + cap * sizeof(b->blk[0]));
    if (!b)
        return -ENOMEM;
    b->n = have;
    b->cap = cap;
    t->retiring = b;
    return 0;
}

void fib_retire_flush(struct fib_table *t)
{
    struct arena_batch *b = t->retiring;

    if (b && b->n) {
        b->arena = t->arena;
        __atomic_add_fetch(&b->arena->inflight, 1, __ATOMIC_RELAXED);
        t->rcu->update_call_rcu((struct rcu_head *)(void *)b->hdr, retire_done);
        t->retiring = NULL;
    }
}

void fib_retire(struct fib_table *t, const struct fib_blk *blk, size_t n)
{
    if (n == 0)
        return;
    struct arena_batch *b = t->retiring;
    for (size_t i = 0; i < n; i++) {
        b->blk[b->n].p = blk[i].p;
        b->blk[b->n].size = blk[i].size;
        b->n++;
    }
    if (b->n >= RETIRE_BATCH)
        fib_retire_flush(t);
}

uint64_t *fib_dir_alloc(unsigned bits)
{
    size_t size = sizeof(uint64_t) << bits;

    /* The full-size top level is 2 MiB: one huge page. */
    return bits >= 18 ? arena_map(size) : aligned_alloc(64, size);
}

void fib_dir_free(uint64_t *dir, unsigned bits)
{
    if (bits >= 18)
        arena_unmap(dir, sizeof(uint64_t) << bits);
    else
        free(dir);
}

/* A whole old trie (top level and arena) waiting for a grace period. */
struct trie_retire {
    struct rcu_head head;
    struct fib_table *t;
    struct fib_arena *arena;
    uint64_t *dir;
    unsigned bits;
};

static void trie_retire_done(struct rcu_head *head)
{
    struct trie_retire *r = caa_container_of(head, struct trie_retire, head);

    /* Batches of this arena still queued behind us come back here first. */
    if (__atomic_load_n(&r->arena->inflight, __ATOMIC_ACQUIRE)) {
        r->t->rcu->update_call_rcu(&r->head, trie_retire_done);
        return;
    }
    fib_dir_free(r->dir, r->bits);
    arena_fini(r->arena);
    free(r->arena);
    __atomic_sub_fetch(&r->t->teardowns, 1, __ATOMIC_RELEASE);
    free(r);
}

/* Hands the old trie to RCU. It cannot fail: if the small record cannot be
 * allocated, wait for readers here instead. */
void fib_retire_trie(struct fib_table *t, struct fib_arena *arena, uint64_t *dir, unsigned bits)
{
    struct arena_batch *b = t->retiring;
    struct trie_retire *r = malloc(sizeof(*r));

    /* Blocks waiting to be retired belong to the old arena: they go with it. */
    if (b) {
        b->n = 0;
        free(b);
        t->retiring = NULL;
    }
    if (!r) {
        t->rcu->update_synchronize_rcu();
        while (__atomic_load_n(&arena->inflight, __ATOMIC_ACQUIRE))
            t->rcu->barrier();
        fib_dir_free(dir, bits);
        arena_fini(arena);
        free(arena);
        return;
    }
    r->t = t;
    r->arena = arena;
    r->dir = dir;
    r->bits = bits;
    __atomic_add_fetch(&t->teardowns, 1, __ATOMIC_RELAXED);
    t->rcu->update_call_rcu(&r->head, trie_retire_done);
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
    /* No reader is left (the caller says so). Let the callbacks of earlier
     * changes run, since they touch the arenas, then free everything. */
    free(t->retiring);
    t->retiring = NULL;
    do
        t->rcu->barrier();
    while (__atomic_load_n(&t->teardowns, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&t->arena->inflight, __ATOMIC_ACQUIRE));
    trie_fini(t);
    rib_fini(&t->rib);
    free(t);
}

size_t fib_table_memory(const struct fib_table *t)
{
    return fib_heap_size(sizeof(*t)) + t->rib.bytes + t->dir_bytes + t->arena->bytes;
}

/* Brings the trie in line with a change of (key, len) already in the RIB. */
static int trie_apply(struct fib_table *t, fib_key key, unsigned len)
{
    unsigned bits = bits_for(t->count, t->bits);

    /* An emptied table starts afresh, with no arena memory left over. */
    if (bits != t->bits || (t->count == 0 && t->arena->bytes))
        return trie_rebuild(t, bits);
    return trie_update(t, key, len);
}

/*
 * An update's time is cache misses: the RIB path, the top-level entry, the
 * old node. Fetch the entry before walking the RIB and the node right after,
 * so that their misses overlap the RIB's instead of following them.
 */
static const uint64_t *prefetch_entry(const struct fib_table *t, fib_key key)
{
    const uint64_t *ep = &t->dir[key >> (128 - t->bits)];

    __builtin_prefetch(ep);
    return ep;
}

static void prefetch_node(const uint64_t *ep)
{
    uint64_t e = *ep;

    if (!fib_entry_is_leaf(e)) {
        const char *n = (const char *)(uintptr_t)e;
        __builtin_prefetch(n);
        __builtin_prefetch(n + 64);
        __builtin_prefetch(n + 128);
    }
}

static void rib_remove(struct fib_table *t, fib_key key, unsigned len)
{
    struct rib_undo u;

    if (rib_del_begin(&t->rib, key, len, &u) == 0)
        rib_del_commit(&t->rib, &u);
}

int fib_table_add(struct fib_table *t, fib_key key, unsigned len, uint32_t nh)
{
    const uint64_t *ep = prefetch_entry(t, key);
    uint32_t old;
    bool existed;
    int ret;

    if (t->max_routes && t->count >= t->max_routes && rib_get(&t->rib, key, len, &old))
        return -ENOSPC;
    if ((ret = rib_set(&t->rib, key, len, nh, &old, &existed)))
        return ret;
    prefetch_node(ep);
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
    const uint64_t *ep = prefetch_entry(t, key);
    struct rib_undo u;
    int ret;

    if ((ret = rib_del_begin(&t->rib, key, len, &u)))
        return ret;
    prefetch_node(ep);
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
