/*
 * test_fib6.c: unit tests of the IPv6 FIB (src/fib/fib6.h): the contract of
 * each call, longest-prefix matching on hand-made tables, randomized changes
 * against a naive model, and the whole real table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fib/fib6.h"
#include "fib_test.h"

struct a6 {
    uint8_t b[16];
};

static struct a6 A(const char *s) {
    struct a6 a;
    assert_int_equal(inet_pton(AF_INET6, s, a.b), 1);
    return a;
}

static uint32_t
L(const struct fib6 *f, const char *s)
{
    return fib6_lookup(f, A(s).b);
}

static int add(struct fib6 *f, const char *s, uint8_t len, uint32_t nh)
{
    return fib6_route_add(f, A(s).b, len, nh);
}

static int del(struct fib6 *f, const char *s, uint8_t len)
{
    return fib6_route_del(f, A(s).b, len);
}

/* 1. Create and free: an empty table misses everything and takes at most
 * 16 KiB; free(NULL) is a no-op. */
static void test1_create_free(void **state)
{
    (void)state;
    struct fib6 *f = fib6_create(NULL);
    assert_non_null(f);
    assert_int_equal(fib6_count(f), 0);
    assert_true(fib6_memory(f) <= 16384);
    assert_int_equal(L(f, "::"), FIB_NH_NONE);
    assert_int_equal(L(f, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), FIB_NH_NONE);
    fib6_free(f);
    fib6_free(NULL);
}

/* 2. Bad input gets the documented error code and changes nothing. */
static void test2_bad_input(void **state)
{
    (void)state;
    struct fib6 *f = fib6_create(NULL);
    uint32_t nh;
    assert_int_equal(fib6_route_add(NULL, A("::").b, 0, 1), -EINVAL);
    assert_int_equal(fib6_route_add(f, NULL, 0, 1), -EINVAL);
    assert_int_equal(add(f, "2001:db8::", 129, 1), -EINVAL);
    assert_int_equal(add(f, "2001:db8::1", 64, 1), -EINVAL);
    assert_int_equal(add(f, "2001:db8:0:0:8000::", 64, 1), -EINVAL);
    assert_int_equal(add(f, "2001:db8::", 32, FIB_NH_NONE), -EINVAL);
    assert_int_equal(del(f, "2001:db8::", 32), -ENOENT);
    assert_int_equal(fib6_route_get(f, A("2001:db8::").b, 32, &nh), -ENOENT);
    assert_int_equal(fib6_route_get(f, A("2001:db8::").b, 32, NULL), -EINVAL);
    assert_int_equal(fib6_route_del(NULL, A("::").b, 0), -EINVAL);
    assert_int_equal(fib6_walk(NULL, NULL, NULL), -EINVAL);
    struct fib6_route b[2] = {{.len = 32, .nh = 1}, {.len = 16, .nh = 2}};
    memcpy(b[0].addr, A("2001:db8::").b, 16);
    memcpy(b[1].addr, A("2001:db8::").b, 16); /* host bits for a /16 */
    assert_int_equal(fib6_route_add_batch(f, b, 2), -EINVAL);
    assert_int_equal(fib6_route_del_batch(f, b, 2), -EINVAL);
    assert_int_equal(fib6_count(f), 0);
    fib6_free(f);
}

/* 3. Overlapping prefixes, replace, host routes and the longest match at
 * every edge, including /128s at both ends of the space. */
static void test3_overlap(void **state)
{
    (void)state;
    struct fib6 *f = fib6_create(NULL);
    assert_int_equal(add(f, "2001:db8::", 32, 1), 0);
    assert_int_equal(add(f, "2001:db8:1::", 48, 2), 0);
    assert_int_equal(add(f, "2001:db8:1:2::", 64, 3), 0);
    assert_int_equal(add(f, "2001:db8:1:2::1", 128, 4), 0);
    assert_int_equal(add(f, "2001:db8:1:2:8000::", 65, 5), 0);
    assert_int_equal(add(f, "::", 128, 6), 0);
    assert_int_equal(add(f, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, 7), 0);
    assert_int_equal(L(f, "2001:db8::"), 1);
    assert_int_equal(L(f, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
    assert_int_equal(L(f, "2001:db8:1::"), 2);
    assert_int_equal(L(f, "2001:db8:1:ffff::"), 2);
    assert_int_equal(L(f, "2001:db8:1:2::"), 3);
    assert_int_equal(L(f, "2001:db8:1:2::1"), 4);
    assert_int_equal(L(f, "2001:db8:1:2::2"), 3);
    assert_int_equal(L(f, "2001:db8:1:2:7fff:ffff:ffff:ffff"), 3);
    assert_int_equal(L(f, "2001:db8:1:2:8000::"), 5);
    assert_int_equal(L(f, "2001:db9::"), FIB_NH_NONE);
    assert_int_equal(L(f, "::"), 6);
    assert_int_equal(L(f, "::1"), FIB_NH_NONE);
    assert_int_equal(L(f, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 7);
    assert_int_equal(L(f, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), FIB_NH_NONE);
    assert_int_equal(add(f, "2001:db8:1::", 48, 22), 0);
    assert_int_equal(L(f, "2001:db8:1:3::"), 22);
    assert_int_equal(L(f, "2001:db8:1:2::"), 3);
    assert_int_equal(fib6_count(f), 7);
    fib6_free(f);
}

/* 4. Default route, and deletes that uncover the covering route, back to
 * an empty table of the starting size. */
static void test4_default_delete(void **state)
{
    (void)state;
    struct fib6 *f = fib6_create(NULL);
    size_t empty = fib6_memory(f);
    assert_int_equal(add(f, "::", 0, 9), 0);
    assert_int_equal(add(f, "2001:db8::", 32, 1), 0);
    assert_int_equal(add(f, "2001:db8:1::", 48, 2), 0);
    assert_int_equal(L(f, "3fff::"), 9);
    assert_int_equal(del(f, "2001:db8:1::", 48), 0);
    assert_int_equal(L(f, "2001:db8:1::5"), 1);
    assert_int_equal(del(f, "2001:db8::", 32), 0);
    assert_int_equal(L(f, "2001:db8:1::5"), 9);
    assert_int_equal(del(f, "::", 0), 0);
    assert_int_equal(L(f, "2001:db8:1::5"), FIB_NH_NONE);
    assert_int_equal(fib6_count(f), 0);
    assert_int_equal(fib6_memory(f), empty);
    fib6_free(f);
}

/* 5. Randomized adds, replaces, deletes and batches of overlapping prefixes
 * against the naive model, several seeds. */
static void test5_random(void **state)
{
    (void)state;
    size_t ops = test_quick() ? 3000 : 20000;
    for (uint64_t seed = 1; seed <= 6; seed++)
        random_ops(&fam6, seed, ops, 400);
}

/* 6. The whole real IPv6 table: loaded as a batch, checked everywhere
 * against the reference, a share deleted and re-added one by one, next hops
 * replaced, reloaded. */
static void test6_full_table(void **state)
{
    struct pfx_file *pf = *state;
    assert_true(pf->n6 > 150000);
    full_table(&fam6, pf->v6, pf->n6);
}

/* 7. Growing one route at a time past the top-level size steps and
 * shrinking back keeps every lookup right. */
static void test7_grow_shrink(void **state)
{
    struct pfx_file *pf = *state;
    grow_shrink(&fam6, pf->v6, pf->n6);
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
        cmocka_unit_test(test1_create_free), cmocka_unit_test(test2_bad_input),
        cmocka_unit_test(test3_overlap),     cmocka_unit_test(test4_default_delete),
        cmocka_unit_test(test5_random),      cmocka_unit_test(test6_full_table),
        cmocka_unit_test(test7_grow_shrink),
    };
    return cmocka_run_group_tests_name("fib6", tests, setup, teardown);
}
