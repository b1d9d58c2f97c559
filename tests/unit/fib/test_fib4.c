/*
 * test_fib4.c: unit tests of the IPv4 FIB (src/fib/fib4.h): the contract of
 * each call, longest-prefix matching on hand-made tables, randomized changes
 * against a naive model, and the whole real table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fib/fib4.h"
#include "fib_test.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static int count_cb(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    (void)addr;
    (void)len;
    (void)nh;
    return ++*(int *)arg >= 2 ? 99 : 0;
}

/* 1. Create and free: an empty table misses everything, holds no routes and
 * takes at most 16 KiB; free(NULL) is a no-op. */
static void test1_create_free(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    assert_non_null(f);
    assert_int_equal(fib4_count(f), 0);
    assert_true(fib4_memory(f) <= 16384);
    assert_int_equal(fib4_lookup(f, 0), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, UINT32_MAX), FIB_NH_NONE);
    fib4_free(f);
    fib4_free(NULL);
    struct fib_config cfg = {.max_routes = 10};
    f = fib4_create(&cfg);
    assert_non_null(f);
    fib4_free(f);
}

/* 2. Bad input gets the documented error code and changes nothing. */
static void test2_bad_input(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    uint32_t nh;
    assert_int_equal(fib4_route_add(NULL, 0, 0, 1), -EINVAL);
    assert_int_equal(fib4_route_del(NULL, 0, 0), -EINVAL);
    assert_int_equal(fib4_route_get(NULL, 0, 0, &nh), -EINVAL);
    assert_int_equal(fib4_route_get(f, 0, 0, NULL), -EINVAL);
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 33, 1), -EINVAL);
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 1), 24, 1), -EINVAL); /* host bits */
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 0, 1), -EINVAL);  /* host bits of /0 */
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 8, FIB_NH_NONE), -EINVAL);
    assert_int_equal(fib4_route_del(f, IP(10, 0, 0, 0), 8), -ENOENT);
    assert_int_equal(fib4_route_get(f, IP(10, 0, 0, 0), 8, &nh), -ENOENT);
    assert_int_equal(fib4_route_del(f, IP(10, 0, 0, 0), 40), -EINVAL);
    assert_int_equal(fib4_walk(NULL, count_cb, NULL), -EINVAL);
    assert_int_equal(fib4_walk(f, NULL, NULL), -EINVAL);
    struct fib4_route bad[] = {{IP(10, 0, 0, 0), 8, 1}, {IP(11, 0, 0, 1), 8, 2}};
    assert_int_equal(fib4_route_add_batch(f, bad, 2), -EINVAL);
    assert_int_equal(fib4_route_add_batch(NULL, bad, 1), -EINVAL);
    assert_int_equal(fib4_route_add_batch(f, NULL, 1), -EINVAL);
    assert_int_equal(fib4_route_del_batch(f, bad, 2), -EINVAL);
    assert_int_equal(fib4_count(f), 0); /* the good first route was not applied */
    assert_int_equal(fib4_count(NULL), 0);
    assert_int_equal(fib4_memory(NULL), 0);
    fib4_free(f);
}

/* 3. Add, get, lookup and replace a single route. */
static void test3_add_replace(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    uint32_t nh;
    assert_int_equal(fib4_route_add(f, IP(192, 0, 2, 0), 24, 5), 0);
    assert_int_equal(fib4_count(f), 1);
    assert_int_equal(fib4_route_get(f, IP(192, 0, 2, 0), 24, &nh), 0);
    assert_int_equal(nh, 5);
    assert_int_equal(fib4_lookup(f, IP(192, 0, 2, 0)), 5);
    assert_int_equal(fib4_lookup(f, IP(192, 0, 2, 255)), 5);
    assert_int_equal(fib4_lookup(f, IP(192, 0, 3, 0)), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, IP(192, 0, 1, 255)), FIB_NH_NONE);
    assert_int_equal(fib4_route_add(f, IP(192, 0, 2, 0), 24, 6), 0); /* replace */
    assert_int_equal(fib4_count(f), 1);
    assert_int_equal(fib4_lookup(f, IP(192, 0, 2, 77)), 6);
    assert_int_equal(fib4_route_add(f, IP(192, 0, 2, 0), 24, 6), 0); /* same again */
    assert_int_equal(fib4_lookup(f, IP(192, 0, 2, 77)), 6);
    assert_int_equal(fib4_route_add(f, IP(192, 0, 2, 0), 24, 0), 0); /* 0 is a next hop */
    assert_int_equal(fib4_lookup(f, IP(192, 0, 2, 77)), 0);
    fib4_free(f);
}

/* 4. Overlapping prefixes: the longest match wins, at every edge. */
static void test4_overlap(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 8, 1), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 0), 16, 2), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 1, 0), 24, 3), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 1, 128), 25, 4), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 1, 129), 32, 5), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 0), 18, 6), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 0, 0, 0)), 1);
    assert_int_equal(fib4_lookup(f, IP(10, 255, 255, 255)), 1);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 0, 0)), 6);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 63, 255)), 6);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 64, 0)), 2);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 255, 255)), 2);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 0)), 3);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 127)), 3);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 128)), 4);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 129)), 5);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 130)), 4);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 255)), 4);
    assert_int_equal(fib4_lookup(f, IP(11, 0, 0, 0)), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, IP(9, 255, 255, 255)), FIB_NH_NONE);
    /* The /8 changes under the longer routes: only its own addresses move. */
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 8, 9), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 200, 0, 0)), 9);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 0)), 3);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 200, 0)), 2);
    fib4_free(f);
}

/* 5. The default route catches what nothing else does, and can go. */
static void test5_default(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    assert_int_equal(fib4_route_add(f, IP(172, 16, 0, 0), 12, 1), 0);
    assert_int_equal(fib4_route_add(f, 0, 0, 100), 0);
    assert_int_equal(fib4_lookup(f, IP(8, 8, 8, 8)), 100);
    assert_int_equal(fib4_lookup(f, IP(172, 20, 0, 1)), 1);
    assert_int_equal(fib4_lookup(f, UINT32_MAX), 100);
    assert_int_equal(fib4_route_add(f, 0, 0, 101), 0);
    assert_int_equal(fib4_lookup(f, 0), 101);
    assert_int_equal(fib4_route_del(f, 0, 0), 0);
    assert_int_equal(fib4_lookup(f, IP(8, 8, 8, 8)), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, IP(172, 20, 0, 1)), 1);
    assert_int_equal(fib4_route_del(f, 0, 0), -ENOENT);
    fib4_free(f);
}

/* 6. Host routes and /31s at both ends of the address space. */
static void test6_host_routes(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    assert_int_equal(fib4_route_add(f, 0, 32, 1), 0);
    assert_int_equal(fib4_route_add(f, UINT32_MAX, 32, 2), 0);
    assert_int_equal(fib4_route_add(f, UINT32_MAX - 1, 31, 3), 0);
    assert_int_equal(fib4_route_add(f, IP(203, 0, 113, 7), 32, 4), 0);
    assert_int_equal(fib4_lookup(f, 0), 1);
    assert_int_equal(fib4_lookup(f, 1), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, UINT32_MAX), 2);
    assert_int_equal(fib4_lookup(f, UINT32_MAX - 1), 3);
    assert_int_equal(fib4_lookup(f, UINT32_MAX - 2), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, IP(203, 0, 113, 7)), 4);
    assert_int_equal(fib4_lookup(f, IP(203, 0, 113, 6)), FIB_NH_NONE);
    assert_int_equal(fib4_lookup(f, IP(203, 0, 113, 8)), FIB_NH_NONE);
    fib4_free(f);
}

/* 7. Deleting a route uncovers the covering one; deleting all empties the
 * table back to its starting memory. */
static void test7_delete_uncovers(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    size_t empty = fib4_memory(f);
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 8, 1), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 0), 16, 2), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 1, 0), 24, 3), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 1, 1), 32, 4), 0);
    assert_int_equal(fib4_route_del(f, IP(10, 1, 1, 0), 24), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 2)), 2);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 1)), 4);
    assert_int_equal(fib4_route_del(f, IP(10, 1, 0, 0), 16), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 2)), 1);
    assert_int_equal(fib4_route_del(f, IP(10, 1, 1, 1), 32), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 1)), 1);
    assert_int_equal(fib4_route_del(f, IP(10, 0, 0, 0), 8), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 1, 1)), FIB_NH_NONE);
    assert_int_equal(fib4_count(f), 0);
    assert_int_equal(fib4_memory(f), empty);
    fib4_free(f);
}

/* 8. A table at max_routes refuses new routes with -ENOSPC but still
 * replaces existing ones. */
static void test8_full(void **state)
{
    (void)state;
    struct fib_config cfg = {.max_routes = 3};
    struct fib4 *f = fib4_create(&cfg);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(fib4_route_add(f, IP(10, i, 0, 0), 16, i), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 9, 0, 0), 16, 9), -ENOSPC);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 0), 16, 7), 0);
    assert_int_equal(fib4_lookup(f, IP(10, 1, 2, 3)), 7);
    assert_int_equal(fib4_lookup(f, IP(10, 9, 2, 3)), FIB_NH_NONE);
    struct fib4_route b[] = {{IP(10, 0, 0, 0), 16, 1}, {IP(10, 8, 0, 0), 16, 8}};
    assert_int_equal(fib4_route_add_batch(f, b, 2), -ENOSPC);
    assert_int_equal(fib4_count(f), 3);
    assert_int_equal(fib4_route_del(f, IP(10, 2, 0, 0), 16), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 9, 0, 0), 16, 9), 0);
    fib4_free(f);
}

struct walked {
    uint32_t addr[8];
    uint8_t len[8];
    int n;
};

static int walk_cb(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    struct walked *w = arg;
    (void)nh;
    w->addr[w->n] = addr;
    w->len[w->n] = len;
    w->n++;
    return 0;
}

/* 9. Walk gives routes in address order, shorter first, and stops when the
 * callback says so. */
static void test9_walk(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 0), 16, 2), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 0, 0, 0), 8, 1), 0);
    assert_int_equal(fib4_route_add(f, IP(9, 0, 0, 0), 8, 0), 0);
    assert_int_equal(fib4_route_add(f, 0, 0, 7), 0);
    assert_int_equal(fib4_route_add(f, IP(10, 1, 0, 1), 32, 3), 0);
    struct walked w = {0};
    assert_int_equal(fib4_walk(f, walk_cb, &w), 0);
    assert_int_equal(w.n, 5);
    uint32_t want[] = {0, IP(9, 0, 0, 0), IP(10, 0, 0, 0), IP(10, 1, 0, 0), IP(10, 1, 0, 1)};
    uint8_t wlen[] = {0, 8, 8, 16, 32};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(w.addr[i], want[i]);
        assert_int_equal(w.len[i], wlen[i]);
    }
    int calls = 0;
    assert_int_equal(fib4_walk(f, count_cb, &calls), 99);
    assert_int_equal(calls, 2);
    fib4_free(f);
}

/* 10. Batches: small and large, with duplicates (the later wins), then a
 * batch delete that skips missing routes. */
static void test10_batch(void **state)
{
    (void)state;
    struct fib4 *f = fib4_create(NULL);
    size_t n = 5000;
    struct fib4_route *b = calloc(n, sizeof(*b));
    for (size_t i = 0; i < n; i++)
        b[i] = (struct fib4_route){IP(20, (i >> 8) & 255, i & 255, 0), 24, (uint32_t)i};
    b[n - 1] = (struct fib4_route){IP(20, 0, 0, 0), 24, 4242}; /* duplicate of b[0] */
    assert_int_equal(fib4_route_add_batch(f, b, n), 0);
    assert_int_equal(fib4_count(f), n - 1);
    assert_int_equal(fib4_lookup(f, IP(20, 0, 0, 9)), 4242);
    assert_int_equal(fib4_lookup(f, IP(20, 0, 1, 9)), 1);
    assert_int_equal(fib4_lookup(f, IP(20, 19, 134, 1)), 19 * 256 + 134);
    struct fib4_route small[] = {{IP(20, 0, 0, 0), 16, 77}, {IP(20, 0, 1, 0), 24, 78}};
    assert_int_equal(fib4_route_add_batch(f, small, 2), 0);
    assert_int_equal(fib4_lookup(f, IP(20, 0, 1, 9)), 78);
    assert_int_equal(fib4_route_del_batch(f, small, 2), 2);
    assert_int_equal(fib4_route_del_batch(f, small, 2), 0);
    assert_int_equal(fib4_lookup(f, IP(20, 0, 1, 9)), FIB_NH_NONE);
    assert_int_equal(fib4_route_del_batch(f, b, n), (int)n - 2);
    assert_int_equal(fib4_count(f), 0);
    assert_true(fib4_memory(f) <= 16384);
    assert_int_equal(fib4_route_add_batch(f, b, 0), 0);
    free(b);
    fib4_free(f);
}

/* 11. Randomized adds, replaces, deletes and batches of overlapping prefixes
 * against the naive model, several seeds. */
static void test11_random(void **state)
{
    (void)state;
    size_t ops = test_quick() ? 3000 : 20000;
    for (uint64_t seed = 1; seed <= 6; seed++)
        random_ops(&fam4, seed, ops, 400);
}

/* 12. The whole real table: loaded as a batch, checked everywhere against
 * the reference, a share deleted and re-added one by one, next hops
 * replaced, reloaded. */
static void test12_full_table(void **state)
{
    struct pfx_file *pf = *state;
    assert_true(pf->n4 > 900000);
    full_table(&fam4, pf->v4, pf->n4);
}

/* 13. Growing one route at a time past the top-level size steps and
 * shrinking back keeps every lookup right. */
static void test13_grow_shrink(void **state)
{
    struct pfx_file *pf = *state;
    grow_shrink(&fam4, pf->v4, pf->n4);
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
        cmocka_unit_test(test1_create_free),
        cmocka_unit_test(test2_bad_input),
        cmocka_unit_test(test3_add_replace),
        cmocka_unit_test(test4_overlap),
        cmocka_unit_test(test5_default),
        cmocka_unit_test(test6_host_routes),
        cmocka_unit_test(test7_delete_uncovers),
        cmocka_unit_test(test8_full),
        cmocka_unit_test(test9_walk),
        cmocka_unit_test(test10_batch),
        cmocka_unit_test(test11_random),
        cmocka_unit_test(test12_full_table),
        cmocka_unit_test(test13_grow_shrink),
    };
    return cmocka_run_group_tests_name("fib4", tests, setup, teardown);
}
