/*
 * test_fib_nomem.c: out of memory at every allocation a change makes. The
 * allocator calls of the FIB (and of this file) are wrapped at link time
 * (-Wl,--wrap, see meson.build) so that the k-th one fails; each change is
 * tried with k = 0, 1, 2, ... until it gets through. A single change that
 * fails must leave the table exactly as it was; a batch may stop part way
 * but must leave a consistent table; the next attempt must work.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "fib_test.h"

static long fail_in = -1; /* allocations until the one that fails; -1: none */
static long failed;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

static int fail_now(void)
{
    if (fail_in < 0)
        return 0;
    if (fail_in-- > 0)
        return 0;
    failed++;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    return fail_now() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
    return fail_now() ? NULL : __real_aligned_alloc(a, n);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return fail_now() ? MAP_FAILED : __real_mmap(addr, len, prot, flags, fd, off);
}

static long pending = -1;

/* Arms the failure at the adapter's call into the FIB, not before. */
static void arm_now(void)
{
    fail_in = pending;
    failed = 0;
}

static void arm(long k)
{
    pending = k;
    failed = 0;
    fam_before_call = arm_now;
}

static void disarm(void)
{
    fail_in = -1;
    fam_before_call = NULL;
}

/* The table must hold exactly the model's routes and answer like it. */
static void check_same(const struct fam *f, void *fib, const struct model *m, uint64_t *s)
{
    disarm();
    check_walk(f, fib, m);
    check_against_model(f, fib, m, s, 50);
}

/* After a failed batch: whatever the table holds, it must be consistent. */
static void resync(const struct fam *f, void *fib, struct model *m, uint64_t *s)
{
    size_t n = f->count(fib);
    disarm();
    m->n = 0;
    struct model_route *r = calloc(n + 1, sizeof(*r));
    assert_non_null(r);
    assert_int_equal(f->walk(fib, r, n + 1), n);
    for (size_t i = 0; i < n; i++)
        model_set(m, r[i].key, r[i].len, r[i].nh);
    free(r);
    check_against_model(f, fib, m, s, 50);
}

static struct model_route rnd_route(const struct fam *f, const struct model *m, uint64_t *s)
{
    struct model_route r;
    if (m->n && rng_next(s) % 2) {
        r = m->r[rng_next(s) % m->n];
        unsigned len = r.len + (unsigned)(rng_next(s) % 9);
        r.len = len > f->max_len ? f->max_len : len;
        r.key = (r.key | rng_key(s)) & mask128(r.len);
    } else {
        r.len = (unsigned)(rng_next(s) % (f->max_len + 1));
        /* Two regions of the space, so that routes overlap. */
        r.key = (rng_key(s) & ~mask128(4)) | (u128)(rng_next(s) % 2) << 124;
        r.key &= mask128(r.len);
    }
    r.nh = (uint32_t)(rng_next(s) % 100000);
    return r;
}

/* Tries op until it succeeds, failing each allocation in turn. */
static void churn(const struct fam *f, uint64_t seed, size_t nops)
{
    uint64_t s = seed;
    struct model m = {0};
    void *fib = f->create(NULL);
    long failures = 0;

    assert_non_null(fib);
    for (size_t op = 0; op < nops; op++) {
        unsigned what = (unsigned)(rng_next(&s) % 10);
        struct model_route r = rnd_route(f, &m, &s);
        struct model_route b[512];
        size_t nb = 0;
        bool batch = false;
        if (what >= 6 && m.n <= 300) {
            batch = true;
            /* 9: a batch big enough to take the rebuild path */
            nb = what == 9 ? 64 + rng_next(&s) % 32 : 1 + rng_next(&s) % 8;
            for (size_t i = 0; i < nb; i++)
                b[i] = what == 8 && m.n ? m.r[rng_next(&s) % m.n] : rnd_route(f, &m, &s);
        } else if ((what >= 4 && m.n) || m.n > 300) {
            what = 4;
            r = m.r[rng_next(&s) % m.n]; /* delete an existing route */
        }
        for (long k = 0;; k++) {
            int ret;
            arm(k);
            if (batch && what == 8)
                ret = f->del_batch(fib, b, nb);
            else if (batch)
                ret = f->add_batch(fib, b, nb);
            else if (what >= 4 && m.n)
                ret = f->del(fib, r.key, r.len);
            else
                ret = f->add(fib, r.key, r.len, r.nh);
            long hit = failed;
            disarm();
            if (ret == -ENOMEM) {
                assert_true(hit > 0);
                failures++;
                if (batch)
                    resync(f, fib, &m, &s);
                else
                    check_same(f, fib, &m, &s);
                continue;
            }
            /* Success despite a failed allocation is fine: shrinking and
             * handing an old trie to RCU have fallbacks that need none. */
            assert_true(ret >= 0);
            if (batch && what == 8) {
                for (size_t i = 0; i < nb; i++)
                    model_del(&m, b[i].key, b[i].len);
            } else if (batch) {
                for (size_t i = 0; i < nb; i++)
                    model_set(&m, b[i].key, b[i].len, b[i].nh);
            } else if (what >= 4 && m.n) {
                model_del(&m, r.key, r.len);
            } else {
                model_set(&m, r.key, r.len, r.nh);
            }
            break;
        }
        if (op % 16 == 0)
            check_same(f, fib, &m, &s);
    }
    check_same(f, fib, &m, &s);
    print_message("# %s: %zu changes, %ld injected failures, %zu routes\n", f->name, nops, failures,
                  m.n);
    assert_true(failures > 0);
    f->free(fib);
    model_free(&m);
}

/* 1. IPv4: every allocation failure in adds, replaces, deletes, small and
 * large batches leaves the table unchanged (or, for a batch, consistent),
 * and the retried change succeeds. */
static void test1_nomem_v4(void **state)
{
    (void)state;
    churn(&fam4, 11, test_quick() ? 100 : 300);
}

/* 2. IPv6: the same. */
static void test2_nomem_v6(void **state)
{
    (void)state;
    churn(&fam6, 12, test_quick() ? 100 : 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test1_nomem_v4),
        cmocka_unit_test(test2_nomem_v6),
    };
    return cmocka_run_group_tests_name("fib_nomem", tests, NULL, NULL);
}
