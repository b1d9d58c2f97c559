/*
 * test_policy.c - prefix lists (src/routing/policy.c): exact entries, ge/le
 * ranges, sequence order, the implicit deny, families, and refused entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing/policy.h"
#include "routing_test.h"

static void entry(struct prefix_list *pl, uint32_t seq, enum policy_action act, const char *p,
                  unsigned ge, unsigned le)
{
    struct plist_entry e = {seq, act, P(p), ge, le};
    char why[128];

    if (plist_entry_add(pl, &e, why, sizeof(why)) != 0)
        fail_msg("entry %u: %s", seq, why);
}

static enum policy_action match(const struct prefix_list *pl, const char *p)
{
    struct inet_prefix x = P(p);

    return plist_match(pl, &x);
}

/* 1. Check that an entry without ge/le matches its prefix exactly. */
static void test_exact(void **state)
{
    struct policy *pol = policy_new();
    struct prefix_list *pl = policy_plist_add(pol, "A");

    (void)state;
    entry(pl, 10, POLICY_PERMIT, "10.0.0.0/8", 0, 0);
    assert_int_equal(match(pl, "10.0.0.0/8"), POLICY_PERMIT);
    assert_int_equal(match(pl, "10.1.0.0/16"), POLICY_DENY);
    assert_int_equal(match(pl, "11.0.0.0/8"), POLICY_DENY);
    policy_free(pol);
}

/* 2. Check ge and le ranges, and ge alone meaning up to the full length. */
static void test_ge_le(void **state)
{
    struct policy *pol = policy_new();
    struct prefix_list *a = policy_plist_add(pol, "A"), *b = policy_plist_add(pol, "B");
    struct prefix_list *c = policy_plist_add(pol, "C");

    (void)state;
    entry(a, 5, POLICY_PERMIT, "10.0.0.0/8", 16, 24);
    assert_int_equal(match(a, "10.0.0.0/8"), POLICY_DENY);
    assert_int_equal(match(a, "10.1.0.0/16"), POLICY_PERMIT);
    assert_int_equal(match(a, "10.1.2.0/24"), POLICY_PERMIT);
    assert_int_equal(match(a, "10.1.2.0/25"), POLICY_DENY);
    entry(b, 5, POLICY_PERMIT, "10.255.0.0/16", 32, 0);
    assert_int_equal(match(b, "10.255.0.1/32"), POLICY_PERMIT);
    assert_int_equal(match(b, "10.255.0.0/31"), POLICY_DENY);
    entry(c, 5, POLICY_PERMIT, "0.0.0.0/0", 0, 32);
    assert_int_equal(match(c, "0.0.0.0/0"), POLICY_PERMIT);
    assert_int_equal(match(c, "192.0.2.1/32"), POLICY_PERMIT);
    assert_int_equal(match(c, "2001:db8::/32"), POLICY_DENY); /* another family */
    policy_free(pol);
}

/* 3. Check that the first match in seq order wins, whatever the order of adding. */
static void test_order(void **state)
{
    struct policy *pol = policy_new();
    struct prefix_list *pl = policy_plist_add(pol, "A");

    (void)state;
    entry(pl, 20, POLICY_PERMIT, "10.0.0.0/8", 0, 32);
    entry(pl, 10, POLICY_DENY, "10.1.0.0/16", 0, 32);
    assert_int_equal(match(pl, "10.1.1.0/24"), POLICY_DENY);
    assert_int_equal(match(pl, "10.2.1.0/24"), POLICY_PERMIT);
    entry(pl, 5, POLICY_PERMIT, "2001:db8::/32", 48, 64);
    assert_int_equal(match(pl, "2001:db8:1::/48"), POLICY_PERMIT);
    assert_int_equal(match(pl, "2001:db8::/32"), POLICY_DENY);
    assert_int_equal(pl->entries[0].seq, 5);
    policy_free(pol);
}

/* 4. Check that bad entries and names are refused with a reason. */
static void test_refused(void **state)
{
    struct policy *pol = policy_new();
    struct prefix_list *pl = policy_plist_add(pol, "A");
    struct plist_entry e = {10, POLICY_PERMIT, P("10.0.0.0/16"), 8, 0};
    char why[128];

    (void)state;
    assert_int_equal(plist_entry_add(pl, &e, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "ge 8"));
    e.ge = 24;
    e.le = 20;
    assert_int_equal(plist_entry_add(pl, &e, why, sizeof(why)), -EINVAL);
    e.le = 33;
    assert_int_equal(plist_entry_add(pl, &e, why, sizeof(why)), -EINVAL);
    e.le = 0;
    assert_int_equal(plist_entry_add(pl, &e, why, sizeof(why)), 0);
    assert_int_equal(plist_entry_add(pl, &e, why, sizeof(why)), -EINVAL); /* seq twice */
    e.seq = 0;
    assert_int_equal(plist_entry_add(pl, &e, NULL, 0), -EINVAL);
    assert_null(policy_plist_add(pol, "A"));
    assert_int_equal(errno, EEXIST);
    assert_null(policy_plist_add(pol, ""));
    assert_non_null(policy_plist_find(pol, "A"));
    assert_null(policy_plist_find(pol, "B"));
    policy_free(pol);
    policy_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_ge_le),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
