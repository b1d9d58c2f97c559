/*
 * rib.c: the writer's copy of the routes (the RIB), a tree bitmap with the
 * same 6-bit strides as the lookup trie in trie.c, so that the two can be
 * walked side by side and a node of either is found by the same slots.
 * Readers never see it; only the writer thread touches it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fib/fib_impl.h"

size_t fib_heap_size(size_t n)
{
    if (n == 0)
        return 0;
    size_t c = (n + sizeof(size_t) + 15) & ~(size_t)15;
    return c < 32 ? 32 : c;
}

static unsigned popc(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

/* Arrays hold the next power of two of their count, so growing by one costs
 * a realloc only at powers of two and the capacity needs no field. */
static unsigned cap_of(unsigned n)
{
    return n <= 1 ? n : 1u << (32 - __builtin_clz(n - 1));
}

static unsigned pfx_count(const struct rib_node *n)
{
    return popc(n->pfx[0]) + popc(n->pfx[1]);
}

static bool pfx_test(const struct rib_node *n, unsigned pos)
{
    return n->pfx[pos >> 6] >> (pos & 63) & 1;
}

static unsigned pfx_rank(const struct rib_node *n, unsigned pos)
{
    if (pos < 64)
        return popc(n->pfx[0] & ((1ULL << pos) - 1));
    return popc(n->pfx[0]) + popc(n->pfx[1] & ((1ULL << (pos - 64)) - 1));
}

static unsigned pfx_pos(unsigned rl, unsigned slot)
{
    return (1u << rl) - 2 + (slot >> (6 - rl));
}

static unsigned kid_rank(const struct rib_node *n, unsigned s)
{
    return popc(n->child & ((1ULL << s) - 1));
}

const struct rib_node *rib_kid(const struct rib_node *n, unsigned s)
{
    if (!n || !(n->child >> s & 1))
        return NULL;
    return &n->kids[kid_rank(n, s)];
}

/* Resizes *arr from room for `from` elements to room for `to`. Shrinking
 * never fails: if realloc refuses, the larger block is kept. */
static int resize(struct rib *rib, void **arr, size_t elem, unsigned from, unsigned to)
{
    size_t have = cap_of(from) * elem, want = cap_of(to) * elem;

    if (have == want)
        return 0;
    if (want == 0) {
        free(*arr);
        *arr = NULL;
    } else {
        void *p = realloc(*arr, want);
        if (!p) {
            if (want < have)
                return 0;
            return -ENOMEM;
        }
        *arr = p;
    }
    rib->bytes += fib_heap_size(want);
    rib->bytes -= fib_heap_size(have);
    return 0;
}

void rib_init(struct rib *rib)
{
    memset(rib, 0, sizeof(*rib));
}

static void node_fini(struct rib_node *n)
{
    unsigned nk = popc(n->child);

    for (unsigned i = 0; i < nk; i++)
        node_fini(&n->kids[i]);
    free(n->kids);
    free(n->nh);
}

void rib_fini(struct rib *rib)
{
    node_fini(&rib->root);
    memset(rib, 0, sizeof(*rib));
}

/* Depth of the node holding a prefix of length len >= 1. */
static unsigned node_depth(unsigned len)
{
    return (len - 1) / FIB_STRIDE * FIB_STRIDE;
}

static struct rib_node *find_node(const struct rib *rib, fib_key key, unsigned depth)
{
    const struct rib_node *n = &rib->root;

    for (unsigned d = 0; n && d < depth; d += FIB_STRIDE)
        n = rib_kid(n, fib_slot(key, d));
    return (struct rib_node *)n;
}

int rib_get(const struct rib *rib, fib_key key, unsigned len, uint32_t *nh)
{
    if (len == 0) {
        if (!rib->has_default)
            return -ENOENT;
        *nh = rib->default_nh;
        return 0;
    }
    unsigned d = node_depth(len);
    const struct rib_node *n = find_node(rib, key, d);
    unsigned pos = pfx_pos(len - d, fib_slot(key, d));
    if (!n || !pfx_test(n, pos))
        return -ENOENT;
    *nh = n->nh[pfx_rank(n, pos)];
    return 0;
}

/* Inserts an empty child in slot s of n; returns it, or NULL. */
static struct rib_node *kid_insert(struct rib *rib, struct rib_node *n, unsigned s)
{
    unsigned cnt = popc(n->child), r = kid_rank(n, s);

    if (resize(rib, (void **)&n->kids, sizeof(*n->kids), cnt, cnt + 1))
        return NULL;
    memmove(&n->kids[r + 1], &n->kids[r], (cnt - r) * sizeof(*n->kids));
    memset(&n->kids[r], 0, sizeof(*n->kids));
    n->child |= 1ULL << s;
    return &n->kids[r];
}

/* Removes empty nodes on key's path below depth `from`, deepest first. */
static void prune(struct rib *rib, fib_key key, unsigned from)
{
    struct rib_node *path[FIB_MAX_DEPTH];
    unsigned levels = 0;
    struct rib_node *n = &rib->root;

    for (unsigned d = 0; n && d <= from; d += FIB_STRIDE) {
        path[levels++] = n;
        n = d < from ? (struct rib_node *)rib_kid(n, fib_slot(key, d)) : NULL;
    }
    while (levels > 1) {
        struct rib_node *c = path[levels - 1], *p = path[levels - 2];
        if (c->pfx[0] || c->pfx[1] || c->child)
            break;
        unsigned s = fib_slot(key, (levels - 2) * FIB_STRIDE), cnt = popc(p->child);
        unsigned r = kid_rank(p, s);
        node_fini(c);
        memmove(&p->kids[r], &p->kids[r + 1], (cnt - r - 1) * sizeof(*p->kids));
        p->child &= ~(1ULL << s);
        resize(rib, (void **)&p->kids, sizeof(*p->kids), cnt, cnt - 1);
        levels--;
    }
}

int rib_set(struct rib *rib, fib_key key, unsigned len, uint32_t nh, uint32_t *old, bool *existed)
{
    if (len == 0) {
        *existed = rib->has_default;
        *old = rib->default_nh;
        rib->has_default = true;
        rib->default_nh = nh;
        return 0;
    }
    unsigned depth = node_depth(len);
    struct rib_node *n = &rib->root;
    for (unsigned d = 0; d < depth; d += FIB_STRIDE) {
        unsigned s = fib_slot(key, d);
        struct rib_node *k = (struct rib_node *)rib_kid(n, s);
        if (!k)
            k = kid_insert(rib, n, s);
        if (!k)
            goto nomem;
        n = k;
    }
    unsigned pos = pfx_pos(len - depth, fib_slot(key, depth)), r = pfx_rank(n, pos);
    if (pfx_test(n, pos)) {
        *existed = true;
        *old = n->nh[r];
        n->nh[r] = nh;
        return 0;
    }
    unsigned cnt = pfx_count(n);
    if (resize(rib, (void **)&n->nh, sizeof(*n->nh), cnt, cnt + 1))
        goto nomem;
    memmove(&n->nh[r + 1], &n->nh[r], (cnt - r) * sizeof(*n->nh));
    n->nh[r] = nh;
    n->pfx[pos >> 6] |= 1ULL << (pos & 63);
    *existed = false;
    return 0;
nomem:
    prune(rib, key, depth);
    return -ENOMEM;
}

/*
 * A delete in two steps: begin unlinks the prefix and any node it leaves
 * empty but frees and shrinks nothing, so abort can put everything back
 * without allocating; commit then releases the memory.
 */
int rib_del_begin(struct rib *rib, fib_key key, unsigned len, struct rib_undo *u)
{
    u->key = key;
    u->len = len;
    u->npruned = 0;
    if (len == 0) {
        if (!rib->has_default)
            return -ENOENT;
        u->nh = rib->default_nh;
        rib->has_default = false;
        return 0;
    }
    unsigned depth = node_depth(len), levels = 0;
    struct rib_node *path[FIB_MAX_DEPTH];
    struct rib_node *n = &rib->root;
    for (unsigned d = 0;; d += FIB_STRIDE) {
        path[levels++] = n;
        if (d == depth)
            break;
        n = (struct rib_node *)rib_kid(n, fib_slot(key, d));
        if (!n)
            return -ENOENT;
    }
    unsigned pos = pfx_pos(len - depth, fib_slot(key, depth));
    if (!pfx_test(n, pos))
        return -ENOENT;
    unsigned r = pfx_rank(n, pos), cnt = pfx_count(n);
    u->nh = n->nh[r];
    memmove(&n->nh[r], &n->nh[r + 1], (cnt - r - 1) * sizeof(*n->nh));
    n->pfx[pos >> 6] &= ~(1ULL << (pos & 63));
    while (levels > 1) {
        struct rib_node *c = path[levels - 1], *p = path[levels - 2];
        if (c->pfx[0] || c->pfx[1] || c->child)
            break;
        unsigned s = fib_slot(key, (levels - 2) * FIB_STRIDE), kc = popc(p->child);
        unsigned kr = kid_rank(p, s);
        u->pruned[u->npruned++] = *c;
        memmove(&p->kids[kr], &p->kids[kr + 1], (kc - kr - 1) * sizeof(*p->kids));
        p->child &= ~(1ULL << s);
        levels--;
    }
    return 0;
}

void rib_del_abort(struct rib *rib, struct rib_undo *u)
{
    if (u->len == 0) {
        rib->has_default = true;
        rib->default_nh = u->nh;
        return;
    }
    unsigned depth = node_depth(u->len);
    unsigned top = depth - u->npruned * FIB_STRIDE; /* deepest node still linked */
    struct rib_node *n = find_node(rib, u->key, top);
    /* Relink the pruned nodes top-down; their arrays were never shrunk. */
    for (unsigned i = u->npruned; i > 0; i--) {
        unsigned d = depth - i * FIB_STRIDE, s = fib_slot(u->key, d);
        unsigned kc = popc(n->child), kr = kid_rank(n, s);
        memmove(&n->kids[kr + 1], &n->kids[kr], (kc - kr) * sizeof(*n->kids));
        n->kids[kr] = u->pruned[i - 1];
        n->child |= 1ULL << s;
        n = &n->kids[kr];
    }
    unsigned pos = pfx_pos(u->len - depth, fib_slot(u->key, depth));
    unsigned r = pfx_rank(n, pos), cnt = pfx_count(n);
    memmove(&n->nh[r + 1], &n->nh[r], (cnt - r) * sizeof(*n->nh));
    n->nh[r] = u->nh;
    n->pfx[pos >> 6] |= 1ULL << (pos & 63);
}

void rib_del_commit(struct rib *rib, struct rib_undo *u)
{
    if (u->len == 0)
        return;
    unsigned depth = node_depth(u->len);
    struct rib_node *n = find_node(rib, u->key, depth - u->npruned * FIB_STRIDE);
    if (u->npruned == 0) {
        unsigned cnt = pfx_count(n);
        resize(rib, (void **)&n->nh, sizeof(*n->nh), cnt + 1, cnt);
        return;
    }
    unsigned kc = popc(n->child);
    resize(rib, (void **)&n->kids, sizeof(*n->kids), kc + 1, kc);
    /* The deepest pruned node held only the prefix; the others one child. */
    resize(rib, (void **)&u->pruned[0].nh, sizeof(uint32_t), 1, 0);
    for (unsigned i = 1; i < u->npruned; i++)
        resize(rib, (void **)&u->pruned[i].kids, sizeof(struct rib_node), 1, 0);
}

/* Longest prefix in node n (depth d) covering slot s, if any. */
void rib_slot_best(const struct rib_node *n, unsigned d, unsigned s, uint32_t *nh, unsigned *len)
{
    if (!n)
        return;
    for (unsigned rl = FIB_STRIDE; rl >= 1; rl--) {
        unsigned pos = pfx_pos(rl, s);
        if (pfx_test(n, pos)) {
            *nh = n->nh[pfx_rank(n, pos)];
            *len = d + rl;
            return;
        }
    }
}

/* Next hop and matched length of each slot of node n (depth d), shorter
 * prefixes first so that longer ones overwrite them. */
void rib_paint(const struct rib_node *n, unsigned d, uint32_t inh_nh, unsigned inh_len,
               uint32_t nh[64], uint8_t len[64])
{
    for (unsigned s = 0; s < 64; s++) {
        nh[s] = inh_nh;
        len[s] = (uint8_t)inh_len;
    }
    unsigned k = 0;
    for (unsigned w = 0; w < 2; w++) {
        for (uint64_t m = n->pfx[w]; m; m &= m - 1) {
            unsigned pos = w * 64 + (unsigned)__builtin_ctzll(m);
            unsigned rl = 31 - (unsigned)__builtin_clz(pos + 2);
            unsigned span = 1u << (FIB_STRIDE - rl);
            unsigned first = (pos + 2 - (1u << rl)) * span;
            uint32_t v = n->nh[k++];
            for (unsigned i = 0; i < span; i++) {
                nh[first + i] = v;
                len[first + i] = (uint8_t)(d + rl);
            }
        }
    }
}

/* Pre-order over the binary positions of a node, so routes come out in
 * address order, shorter first. */
static int walk_pos(const struct rib_node *n, fib_key key, unsigned d, unsigned rl, unsigned idx,
                    rib_walk_cb cb, void *arg)
{
    int ret;

    if (rl > 0) {
        unsigned pos = (1u << rl) - 2 + idx;
        if (pfx_test(n, pos)) {
            fib_key k = key | (fib_key)idx << (128 - d - rl);
            if ((ret = cb(k, d + rl, n->nh[pfx_rank(n, pos)], arg)))
                return ret;
        }
    }
    if (rl == FIB_STRIDE) {
        const struct rib_node *c = rib_kid(n, idx);
        if (!c)
            return 0;
        fib_key ck = key | (fib_key)idx << (128 - d - FIB_STRIDE);
        return walk_pos(c, ck, d + FIB_STRIDE, 0, 0, cb, arg);
    }
    if ((ret = walk_pos(n, key, d, rl + 1, idx * 2, cb, arg)))
        return ret;
    return walk_pos(n, key, d, rl + 1, idx * 2 + 1, cb, arg);
}

int rib_walk(const struct rib *rib, rib_walk_cb cb, void *arg)
{
    int ret;

    if (rib->has_default && (ret = cb(0, 0, rib->default_nh, arg)))
        return ret;
    return walk_pos(&rib->root, 0, 0, 0, 0, cb, arg);
}
