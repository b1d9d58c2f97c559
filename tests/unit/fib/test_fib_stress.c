/*
 * test_fib_stress.c: lookups racing a writer. A reader thread looks up probe
 * addresses without locks (inside RCU read-side sections) while the writer
 * adds, replaces and deletes overlapping prefixes, reloads a background
 * table as a batch (which swaps the whole trie) and grows and shrinks the
 * top level. Every result is checked against what was legal at that moment.
 *
 * How "legal" is known: the writer numbers its changes. Before changing
 * prefix Q it bumps a global sequence number, then records in Q's state the
 * sequence of the change (separately for presence and for next hop), then
 * changes the FIB. A reader that read sequence s1 before its lookup and finds
 * afterwards that Q's state is older than s1 knows Q was in that state for
 * the whole lookup; a newer state means Q may have been either way. Next
 * hops encode the prefix and a generation, so any stale, torn or foreign
 * value is caught.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <urcu.h>

#include "fib_test.h"

#define POOL     192
#define PROBES   2048
#define MAXCOVER 64

struct shared {
    const struct fam *f;
    void *fib;
    struct model_route pool[POOL];
    uint64_t seq;          /* the writer's change counter */
    uint64_t pstate[POOL]; /* seq of the last add/delete << 1 | present */
    uint64_t gstate[POOL]; /* seq of the last next-hop change << 8 | generation */
    u128 probe[PROBES];
    uint16_t cover[PROBES][MAXCOVER]; /* pool prefixes covering the probe, longest first */
    unsigned ncover[PROBES];
    int done;
    /* reader's results */
    uint64_t lookups, conclusive;
    char error[256];
};

static uint32_t pool_nh(unsigned id, unsigned gen)
{
    return (uint32_t)id << 8 | (gen & 0xff);
}

static void *reader(void *arg)
{
    struct shared *sh = arg;
    uint64_t s = 12345;

    rcu_register_thread();
    while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE) && !sh->error[0]) {
        for (int batch = 0; batch < 64; batch++) {
            unsigned p = (unsigned)(rng_next(&s) % PROBES);
            uint64_t s1 = __atomic_load_n(&sh->seq, __ATOMIC_ACQUIRE);
            rcu_read_lock();
            uint32_t r = sh->f->lookup(sh->fib, sh->probe[p]);
            rcu_read_unlock();
            bool conclusive = false;
            int got = -1; /* position in the cover list of the result */
            if (r != FIB_NH_NONE) {
                for (unsigned i = 0; i < sh->ncover[p]; i++)
                    if (sh->cover[p][i] == r >> 8)
                        got = (int)i;
                if (got < 0) {
                    snprintf(sh->error, sizeof(sh->error),
                             "probe %u: next hop %#x is no covering prefix's", p, r);
                    break;
                }
            }
            unsigned upto = got < 0 ? sh->ncover[p] : (unsigned)got;
            /* No longer covering prefix may have been present all along. */
            for (unsigned i = 0; i < upto; i++) {
                unsigned id = sh->cover[p][i];
                uint64_t ps = __atomic_load_n(&sh->pstate[id], __ATOMIC_ACQUIRE);
                if ((ps >> 1) < s1 && (ps & 1)) {
                    snprintf(sh->error, sizeof(sh->error),
                             "probe %u: got %#x while longer prefix %u was present", p, r, id);
                    break;
                }
                conclusive |= (ps >> 1) < s1;
            }
            if (got >= 0 && !sh->error[0]) {
                unsigned id = sh->cover[p][got];
                uint64_t ps = __atomic_load_n(&sh->pstate[id], __ATOMIC_ACQUIRE);
                uint64_t gs = __atomic_load_n(&sh->gstate[id], __ATOMIC_ACQUIRE);
                if ((ps >> 1) < s1 && !(ps & 1))
                    snprintf(sh->error, sizeof(sh->error),
                             "probe %u: got prefix %u which was absent", p, id);
                else if ((gs >> 8) < s1 && (gs & 0xff) != (r & 0xff))
                    snprintf(sh->error, sizeof(sh->error),
                             "probe %u: prefix %u generation %u, current %u", p, id, r & 0xff,
                             (unsigned)(gs & 0xff));
                conclusive |= (ps >> 1) < s1;
            }
            if (sh->error[0])
                break;
            sh->lookups++;
            sh->conclusive += conclusive;
        }
    }
    rcu_unregister_thread();
    return NULL;
}

/* Pool prefixes nest: all live under one /8-sized region of the space. */
static void make_pool(struct shared *sh, uint64_t *s)
{
    const struct fam *f = sh->f;
    unsigned base_len = f->max_len == 32 ? 8 : 32;
    u128 base = f->max_len == 32 ? (u128)10 << 120 : (u128)0x3fff0db8 << 96;
    static const unsigned l4[] = {8, 12, 16, 16, 18, 20, 22, 24, 24, 24, 25, 28, 30, 32};
    static const unsigned l6[] = {32, 36, 40, 44, 48, 48, 48, 52, 56, 64, 64, 96, 127, 128};

    for (unsigned i = 0; i < POOL; i++) {
        unsigned len = f->max_len == 32 ? l4[rng_next(s) % 14] : l6[rng_next(s) % 14];
        /* Few distinct high bits below the base, so prefixes overlap a lot. */
        u128 r = rng_key(s) & ~mask128(base_len + 6);
        r |= (u128)(rng_next(s) % 4) << (128 - base_len - 6);
        u128 key = (base | (r & ~mask128(base_len))) & mask128(len);
        for (unsigned j = 0; j < i; j++)
            if (sh->pool[j].key == key && sh->pool[j].len == len)
                len = 0; /* duplicate: make it the default route slot, fixed below */
        if (len == 0) {
            i--;
            continue;
        }
        sh->pool[i] = (struct model_route){key, len, 0};
    }
    for (unsigned p = 0; p < PROBES; p++) {
        const struct model_route *q = &sh->pool[rng_next(s) % POOL];
        u128 key = q->key | (rng_key(s) & ~mask128(q->len) & mask128(f->max_len));
        sh->probe[p] = key;
        unsigned n = 0;
        for (unsigned len = f->max_len + 1; len-- > 0;)
            for (unsigned i = 0; i < POOL; i++)
                if (sh->pool[i].len == len && ((key ^ sh->pool[i].key) & mask128(len)) == 0 &&
                    n < MAXCOVER)
                    sh->cover[p][n++] = (uint16_t)i;
        sh->ncover[p] = n;
    }
}

/* Background routes from the real table, none overlapping the pool's region. */
static size_t background(const struct fam *f, const struct pfx_file *pf, struct model_route *out,
                         size_t max)
{
    const struct model_route *src = f->max_len == 32 ? pf->v4 : pf->v6;
    size_t n = f->max_len == 32 ? pf->n4 : pf->n6, k = 0;
    u128 base = f->max_len == 32 ? (u128)10 << 120 : (u128)0x3fff << 112;
    unsigned bl = f->max_len == 32 ? 8 : 16;

    for (size_t i = 0; i < n && k < max; i += 7) {
        unsigned m = src[i].len < bl ? src[i].len : bl;
        if (((src[i].key ^ base) & mask128(m)) == 0)
            continue;
        out[k++] = src[i];
    }
    return k;
}

static void stress(const struct fam *f, const struct pfx_file *pf)
{
    struct shared *sh = calloc(1, sizeof(*sh));
    uint64_t s = 777;
    size_t ops = test_quick() ? 60000 : 300000;
    size_t nbg = 20000;
    struct model_route *bg = malloc(nbg * sizeof(*bg));
    unsigned gen[POOL] = {0};
    bool present[POOL] = {0};
    pthread_t th;

    assert_non_null(sh);
    assert_non_null(bg);
    sh->f = f;
    sh->fib = f->create(NULL);
    assert_non_null(sh->fib);
    make_pool(sh, &s);
    nbg = background(f, pf, bg, nbg);
    assert_true(nbg > 16384);
    assert_int_equal(f->add_batch(sh->fib, bg, nbg), 0);
    assert_int_equal(pthread_create(&th, NULL, reader, sh), 0);

    for (size_t op = 0; op < ops && !sh->error[0]; op++) {
        if (op % 5000 == 4999) {
            /* Reload the background as one batch: a whole new trie. */
            assert_int_equal(f->add_batch(sh->fib, bg, nbg), 0);
            continue;
        }
        if (op % 40000 == 20000) {
            /* Take the background away and back: the top level shrinks and grows. */
            assert_int_equal(f->del_batch(sh->fib, bg, nbg), (int)nbg);
            assert_int_equal(f->add_batch(sh->fib, bg, nbg), 0);
            continue;
        }
        unsigned id = (unsigned)(rng_next(&s) % POOL);
        const struct model_route *q = &sh->pool[id];
        uint64_t seq = __atomic_add_fetch(&sh->seq, 1, __ATOMIC_SEQ_CST);
        if (present[id] && rng_next(&s) % 2) {
            __atomic_store_n(&sh->pstate[id], seq << 1, __ATOMIC_SEQ_CST);
            assert_int_equal(f->del(sh->fib, q->key, q->len), 0);
            present[id] = false;
        } else {
            gen[id]++;
            __atomic_store_n(&sh->gstate[id], seq << 8 | (gen[id] & 0xff), __ATOMIC_SEQ_CST);
            if (!present[id])
                __atomic_store_n(&sh->pstate[id], seq << 1 | 1, __ATOMIC_SEQ_CST);
            assert_int_equal(f->add(sh->fib, q->key, q->len, pool_nh(id, gen[id])), 0);
            present[id] = true;
        }
    }
    __atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    if (sh->error[0]) {
        print_error("%s: %s\n", f->name, sh->error);
        fail();
    }
    print_message("# %s: %zu changes, %llu lookups checked, %llu conclusive\n", f->name, ops,
                  (unsigned long long)sh->lookups, (unsigned long long)sh->conclusive);
    assert_true(sh->lookups > 0);
    assert_true(sh->conclusive > 0);
    f->free(sh->fib);
    free(bg);
    free(sh);
}

/* 1. IPv4: a reader never sees an illegal result while the writer churns
 * overlapping routes, reloads the table and resizes the top level. */
static void test1_stress_v4(void **state)
{
    stress(&fam4, *state);
}

/* 2. IPv6: the same. */
static void test2_stress_v6(void **state)
{
    stress(&fam6, *state);
}

static int setup(void **state)
{
    static struct pfx_file pf;
    if (pfx_load(&pf)) {
        print_error("cannot read %s\n", pfx_path());
        return -1;
    }
    *state = &pf;
    return 0;
}

static int teardown(void **state)
{
    pfx_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test1_stress_v4),
        cmocka_unit_test(test2_stress_v6),
    };
    return cmocka_run_group_tests_name("fib_stress", tests, setup, teardown);
}
