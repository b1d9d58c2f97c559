/*
 * trie.c: the lookup trie (a Poptrie, see fib.h), built and patched from the
 * RIB (rib.c). The top level is a direct-indexed array of 1 << bits entries;
 * below it, each 64-ary node mirrors the RIB node of the same key.
 *
 * Nothing published is ever written again except top-level entries (one
 * 8-byte store each): a change copies the nodes on its path and the subtrees
 * whose inherited next hop changed, shares every other subtree with the old
 * version, publishes the new top-level entries, and hands the replaced blocks
 * to RCU. An update either completes or leaves the published trie untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fib/fib_impl.h"

struct blkvec {
    struct fib_blk *v;
    size_t n, cap;
    struct fib_blk local[16]; /* most updates touch a handful of blocks */
};

struct pending {
    size_t idx;
    uint64_t val;
};

/* One trie change: what it allocated, what it replaced, what it publishes. */
struct fib_op {
    struct fib_table *t;
    unsigned bits;           /* top-level width being built */
    fib_key pkey;            /* the changed prefix ... */
    unsigned plen;           /* ... and its length */
    bool full;               /* rebuild everything (a new top level) */
    const uint64_t *old_dir; /* NULL when building a new top level */
    uint64_t *new_dir;       /* non-NULL: store entries here directly */
    struct fib_arena *arena; /* where new blocks come from */
    struct blkvec fresh;     /* allocated: freed if the op fails */
    struct blkvec retired;   /* replaced: freed after a grace period */
    struct pending *pend;
    size_t npend, cappend;
    struct pending pend_local[8];
};

static unsigned popc(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

static uint64_t leaf_entry(uint32_t nh)
{
    return (uint64_t)nh << 32 | 1;
}

static void blkvec_init(struct blkvec *p)
{
    p->v = p->local;
    p->n = 0;
    p->cap = sizeof(p->local) / sizeof(p->local[0]);
}

static void blkvec_fini(struct blkvec *p)
{
    if (p->v != p->local)
        free(p->v);
}

static int blkvec_push(struct blkvec *p, void *x, size_t size)
{
    if (p->n == p->cap) {
        size_t cap = p->cap * 2;
        struct fib_blk *v = malloc(cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        memcpy(v, p->v, p->n * sizeof(*v));
        blkvec_fini(p);
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].p = x;
    p->v[p->n].size = size;
    p->n++;
    return 0;
}

static void op_init(struct fib_op *op, struct fib_table *t)
{
    memset(op, 0, offsetof(struct fib_op, pend_local));
    op->t = t;
    op->bits = t->bits;
    op->old_dir = t->dir;
    op->arena = t->arena;
    blkvec_init(&op->fresh);
    blkvec_init(&op->retired);
    op->pend = op->pend_local;
    op->cappend = sizeof(op->pend_local) / sizeof(op->pend_local[0]);
}

static void op_fini(struct fib_op *op)
{
    blkvec_fini(&op->fresh);
    blkvec_fini(&op->retired);
    if (op->pend != op->pend_local)
        free(op->pend);
}

static void op_abort(struct fib_op *op)
{
    for (size_t i = op->fresh.n; i-- > 0;)
        arena_free(op->arena, op->fresh.v[i].p, op->fresh.v[i].size);
    op_fini(op);
}

static void *fresh_alloc(struct fib_op *op, size_t size)
{
    void *p = arena_alloc(op->arena, size);
    if (!p)
        return NULL;
    if (blkvec_push(&op->fresh, p, size)) {
        arena_free(op->arena, p, size);
        return NULL;
    }
    return p;
}

static size_t block_size(const struct fib_node *n)
{
    return popc(n->vector) * sizeof(struct fib_node) + popc(n->leafvec) * sizeof(uint32_t);
}

static int retire(struct fib_op *op, const void *p, size_t size)
{
    return blkvec_push(&op->retired, (void *)p, size);
}

/* The allocation holding node n's children and leaves: a top-level node's
 * header sits in front of its block, in the same allocation, so that a
 * lookup finds the header and the leaves in neighbouring cache lines. */
static const void *node_mem(const struct fib_node *n, bool top)
{
    return top ? (const void *)n : (const void *)n->children;
}

static size_t node_mem_size(const struct fib_node *n, bool top)
{
    return (top ? sizeof(*n) : 0) + block_size(n);
}

/* Retires n's block and every node below it. */
static int retire_subtree(struct fib_op *op, const struct fib_node *n, bool top)
{
    unsigned nk = popc(n->vector);

    for (unsigned i = 0; i < nk; i++)
        if (retire_subtree(op, &n->children[i], false))
            return -ENOMEM;
    return retire(op, node_mem(n, top), node_mem_size(n, top));
}

/* Does the change touch the range (key, depth) whose best match so far has
 * length slotlen? A child covered by the changed prefix is unaffected if a
 * longer prefix covers it anyway. */
static bool affected(const struct fib_op *op, fib_key key, unsigned depth, unsigned slotlen)
{
    if (op->full)
        return true;
    unsigned m = op->plen < depth ? op->plen : depth;
    if (m && (key ^ op->pkey) >> (128 - m))
        return false;
    if (op->plen > depth)
        return true;
    return slotlen <= op->plen;
}

/*
 * Makes the trie node for RIB node r (depth d, key), inheriting next hop
 * inh_nh of length inh_len from above. old is the node it replaces, or NULL
 * to build from scratch; children of old the change does not reach are
 * shared, the rest rebuilt.
 */
static int node_make(struct fib_op *op, const struct rib_node *r, fib_key key, unsigned d,
                     uint32_t inh_nh, unsigned inh_len, const struct fib_node *old, bool top,
                     struct fib_node **out)
{
    uint32_t nh[64], leaves[64];
    uint8_t len[64];
    uint64_t vec = r->child, leafvec = 0;
    unsigned nl = 0, nk = popc(vec);

    rib_paint(r, d, inh_nh, inh_len, nh, len);
    for (unsigned s = 0; s < 64; s++) {
        if (vec >> s & 1)
            continue;
        if (nl == 0 || leaves[nl - 1] != nh[s]) {
            leafvec |= 1ULL << s;
            leaves[nl++] = nh[s];
        }
    }
    size_t head = top ? sizeof(struct fib_node) : 0;
    size_t size = head + nk * sizeof(struct fib_node) + nl * sizeof(uint32_t);
    char *mem = fresh_alloc(op, size);
    if (!mem)
        return -ENOMEM;
    struct fib_node *kids = (struct fib_node *)(mem + head);
    uint32_t *lv = (uint32_t *)(kids + nk);
    memcpy(lv, leaves, nl * sizeof(*lv));

    unsigned k = 0;
    for (uint64_t m = vec; m; m &= m - 1, k++) {
        unsigned s = (unsigned)__builtin_ctzll(m);
        fib_key ckey = key | (fib_key)s << (122 - d);
        const struct fib_node *ok = NULL;
        if (old && (old->vector >> s & 1))
            ok = fib_node_child(old, s);
        if (ok && !affected(op, ckey, d + FIB_STRIDE, len[s])) {
            kids[k] = *ok;
            continue;
        }
        struct fib_node *kid = &kids[k];
        int ret = node_make(op, &r->kids[k], ckey, d + FIB_STRIDE, nh[s], len[s], ok, false, &kid);
        if (ret)
            return ret;
    }
    if (old) {
        /* Children that became leaves go with the old block. */
        for (uint64_t m = old->vector & ~vec; m; m &= m - 1)
            if (retire_subtree(op, fib_node_child(old, (unsigned)__builtin_ctzll(m)), false))
                return -ENOMEM;
        if (retire(op, node_mem(old, top), node_mem_size(old, top)))
            return -ENOMEM;
    }
    if (top)
        *out = (struct fib_node *)mem;
    (*out)->vector = vec;
    (*out)->leafvec = leafvec;
    (*out)->children = kids;
    (*out)->leaves = lv;
    return 0;
}

static int set_entry(struct fib_op *op, size_t idx, uint64_t val)
{
    if (op->new_dir) {
        op->new_dir[idx] = val;
        return 0;
    }
    if (op->npend == op->cappend) {
        size_t cap = op->cappend * 2;
        struct pending *p = malloc(cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        memcpy(p, op->pend, op->npend * sizeof(*p));
        if (op->pend != op->pend_local)
            free(op->pend);
        op->pend = p;
        op->cappend = cap;
    }
    op->pend[op->npend].idx = idx;
    op->pend[op->npend].val = val;
    op->npend++;
    return 0;
}

/* Top-level entry idx (range key, depth bits): a node if the RIB has one
 * there, else a leaf with the inherited next hop. */
static int entry_update(struct fib_op *op, size_t idx, const struct rib_node *r, fib_key key,
                        uint32_t inh_nh, unsigned inh_len)
{
    uint64_t old = op->old_dir ? op->old_dir[idx] : 0;
    const struct fib_node *on =
        old && !fib_entry_is_leaf(old) ? (const void *)(uintptr_t)old : NULL;
    uint64_t val;

    if (r) {
        if (on && !affected(op, key, op->bits, inh_len))
            return 0;
        struct fib_node *n = NULL;
        int ret = node_make(op, r, key, op->bits, inh_nh, inh_len, on, true, &n);
        if (ret)
            return ret;
        val = (uintptr_t)n;
    } else {
        if (on && retire_subtree(op, on, true))
            return -ENOMEM;
        val = leaf_entry(inh_nh);
        if (val == old)
            return 0;
    }
    return set_entry(op, idx, val);
}

/*
 * A short prefix changes several top-level entries, each needing its RIB
 * node, that node's next hops and the old trie node: cold lines, which one
 * after the other dominate such an update. Ask for them all first, in two
 * rounds (the second needs what the first brought), so that they overlap.
 */
static void prefetch_entries(const struct fib_op *op, const struct rib_node *r, fib_key key,
                             unsigned d, unsigned lo, unsigned hi)
{
    for (unsigned s = lo; s <= hi; s++) {
        fib_key ckey = key | (fib_key)s << (122 - d);
        __builtin_prefetch(&op->old_dir[ckey >> (128 - op->bits)]);
        __builtin_prefetch(rib_kid(r, s));
    }
    for (unsigned s = lo; s <= hi; s++) {
        fib_key ckey = key | (fib_key)s << (122 - d);
        uint64_t e = op->old_dir[ckey >> (128 - op->bits)];
        const struct rib_node *kid = rib_kid(r, s);
        if (!fib_entry_is_leaf(e)) {
            __builtin_prefetch((const void *)(uintptr_t)e);
            __builtin_prefetch((const char *)(uintptr_t)e + 64);
        }
        if (kid) {
            __builtin_prefetch(kid->nh);
            __builtin_prefetch(kid->kids);
        }
    }
}

/* Walks RIB node r (depth d < bits) down to the top level, visiting only the
 * slots the change touches. */
static int dir_walk(struct fib_op *op, const struct rib_node *r, fib_key key, unsigned d,
                    uint32_t inh_nh, unsigned inh_len)
{
    unsigned cd = d + FIB_STRIDE, bits = op->bits;
    unsigned lo = 0, hi = 63;

    if (!op->full && op->plen > d) {
        lo = fib_slot(op->pkey, d);
        hi = op->plen >= cd ? lo : lo + (1u << (cd - op->plen)) - 1;
    }
    if (cd == bits && op->old_dir && hi > lo)
        prefetch_entries(op, r, key, d, lo, hi);
    for (unsigned s = lo; s <= hi; s++) {
        fib_key ckey = key | (fib_key)s << (122 - d);
        uint32_t nh = inh_nh;
        unsigned len = inh_len;
        const struct rib_node *kid = rib_kid(r, s);
        int ret;

        rib_slot_best(r, d, s, &nh, &len);
        if (cd == bits) {
            ret = entry_update(op, (size_t)(ckey >> (128 - bits)), kid, ckey, nh, len);
        } else if (kid) {
            ret = dir_walk(op, kid, ckey, cd, nh, len);
        } else {
            /* Nothing longer below: every entry under the slot (that the
             * change reaches) is this leaf. */
            fib_key first = ckey;
            unsigned span = cd;
            if (!op->full && op->plen > cd) {
                first = op->pkey & fib_key_mask(op->plen < bits ? op->plen : bits);
                span = op->plen < bits ? op->plen : bits;
            }
            size_t base = (size_t)(first >> (128 - bits)), cnt = (size_t)1 << (bits - span);
            ret = 0;
            for (size_t i = 0; i < cnt && !ret; i++)
                ret = entry_update(op, base + i, NULL, 0, nh, len);
        }
        if (ret)
            return ret;
    }
    return 0;
}

/* Publishes the op and hands what it replaced to RCU. */
static int op_commit(struct fib_op *op)
{
    struct fib_table *t = op->t;

    if (fib_retire_reserve(t, op->retired.n)) {
        op_abort(op);
        return -ENOMEM;
    }
    for (size_t i = 0; i < op->npend; i++)
        __atomic_store_n(&t->dir[op->pend[i].idx], op->pend[i].val, __ATOMIC_RELEASE);
    fib_retire(t, op->retired.v, op->retired.n);
    op_fini(op);
    return 0;
}

static void root_inherit(const struct fib_table *t, uint32_t *nh)
{
    *nh = t->rib.has_default ? t->rib.default_nh : FIB_NH_NONE;
}

int trie_update(struct fib_table *t, fib_key key, unsigned len)
{
    struct fib_op op;
    uint32_t nh;
    int ret;

    /* Blocks RCU has released go back on the free lists, a few per change. */
    arena_recycle(t->arena, 16);
    op_init(&op, t);
    op.pkey = key;
    op.plen = len;
    root_inherit(t, &nh);
    ret = dir_walk(&op, &t->rib.root, 0, 0, nh, 0);
    if (ret) {
        op_abort(&op);
        return ret;
    }
    return op_commit(&op);
}

/*
 * Builds a whole new trie (top level of the given width, blocks in a new
 * arena) from the RIB and swaps it in with one store of the root; the old
 * trie goes to RCU as a whole. Used for bulk loads, when the table grows or
 * shrinks past a size step, and when it empties, so a table that was big
 * gives its memory back.
 */
int trie_rebuild(struct fib_table *t, unsigned bits)
{
    struct fib_op op;
    uint32_t nh;
    int ret;

    op_init(&op, t);
    op.bits = bits;
    op.full = true;
    op.old_dir = NULL;
    op.arena = malloc(sizeof(*op.arena));
    op.new_dir = fib_dir_alloc(bits);
    if (!op.arena || !op.new_dir) {
        ret = -ENOMEM;
        goto fail;
    }
    arena_init(op.arena);
    root_inherit(t, &nh);
    ret = dir_walk(&op, &t->rib.root, 0, 0, nh, 0);
    if (ret)
        goto fail;
    uint64_t *old_dir = t->dir;
    unsigned old_bits = t->bits;
    struct fib_arena *old_arena = t->arena;
    t->dir = op.new_dir;
    t->bits = bits;
    t->dir_bytes = (sizeof(uint64_t) << bits);
    t->arena = op.arena;
    __atomic_store_n(&t->pub.v4.root, (uintptr_t)op.new_dir | bits, __ATOMIC_RELEASE);
    if (old_dir)
        fib_retire_trie(t, old_arena, old_dir, old_bits);
    op_fini(&op);
    return 0;
fail:
    if (op.arena && op.new_dir)
        arena_fini(op.arena);
    free(op.arena);
    if (op.new_dir)
        fib_dir_free(op.new_dir, bits);
    op_fini(&op);
    return ret;
}

int trie_init(struct fib_table *t)
{
    t->dir = NULL;
    t->bits = 0;
    t->arena = NULL;
    return trie_rebuild(t, 6);
}

void trie_fini(struct fib_table *t)
{
    if (!t->dir)
        return;
    fib_dir_free(t->dir, t->bits);
    t->dir = NULL;
    arena_fini(t->arena);
    free(t->arena);
    t->arena = NULL;
}
