/*
 * test_bgp_decide.c - the BGP decision process (src/routing/bgp/decide.c):
 * each step of RFC 4271 9.1.2.2 and RFC 4456 9 decides when every earlier
 * one ties, in order; MED only among paths from the same neighbour AS (and
 * the non-transitive case that needs the set-wide step); unresolvable next
 * hops; and a random check against a naive pairwise model where MED plays
 * no part.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/bgp/be.h"
#include "routing/bgp/decide.h"
#include "bgp_test.h"

static struct bgp_attr_table tab;

/* An interned set: local_pref (0: none), path of len ASes starting at first, origin, med (-1:
 * none). */
static const struct bgp_attrs *mk(uint32_t lp, uint32_t first, unsigned int len, uint8_t origin,
                                  int64_t med, uint32_t originator, unsigned int clusters,
                                  uint8_t nh)
{
    _Alignas(8) uint8_t buf[sizeof(struct bgp_attrs) + 512];
    struct bgp_attrs *a = (struct bgp_attrs *)buf;

    memset(buf, 0, sizeof(buf));
    a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
    a->origin = origin;
    if (lp) {
        a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
        a->local_pref = lp;
    }
    if (med >= 0) {
        a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
        a->med = (uint32_t)med;
    }
    if (originator) {
        a->present |= BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID);
        a->originator_id = originator;
    }
    a->nh_len = 4;
    a->nh[0] = 10;
    a->nh[3] = nh;
    if (len) {
        a->data[0] = BGP_SEG_SEQUENCE;
        a->data[1] = (uint8_t)len;
        for (unsigned int i = 0; i < len; i++)
            put32(a->data + 2 + 4 * i, first + i);
        a->aspath_len = 2 + 4 * len;
    }
    a->path_len = (uint16_t)len;
    for (unsigned int i = 0; i < clusters; i++)
        put32(a->data + a->aspath_len + 4 * i, 100 + i);
    a->n_cluster = (uint16_t)clusters;
    a->data_len = a->aspath_len + 4 * clusters;
    return bgp_attrs_intern_set(&tab, a);
}

static struct bgp_path P(const struct bgp_attrs *a, bool ebgp, uint32_t id, uint8_t addr) {
    return (struct bgp_path){
        .a = a, .ebgp = ebgp, .peer_id = id, .peer_addr = {192, 0, 2, addr}, .peer_addr_len = 4};
}

/* next hop 10.0.0.x: metric x, unreachable for x >= 200 */
static uint32_t
metric(void *ctx, const uint8_t *nh, uint8_t len)
{
    (void)ctx;
    assert_int_equal(len, 4);
    return nh[3] >= 200 ? BGP_UNREACHABLE : nh[3];
}

static const struct bgp_decide_cfg cfg = {.igp_metric = metric};

static void expect(const struct bgp_path *p, size_t n, int best, int step)
{
    int s = -1, b = bgp_decide(p, n, &cfg, &s);

    assert_int_equal(b, best);
    if (b >= 0)
        assert_string_equal(bgp_decide_step_name(s), bgp_decide_step_name(step));
}

/* 1. Check each step decides when all before it tie, from local-pref to peer address. */
static void test01_steps(void **state)
{
    struct bgp_path p[2];

    (void)state;
    p[0] = P(mk(100, 1, 2, 0, -1, 0, 0, 1), true, 5, 1);
    p[1] = P(mk(200, 1, 5, 2, -1, 0, 0, 9), false, 9, 9);
    expect(p, 2, 1, BGP_STEP_LOCAL_PREF);
    p[1] = P(mk(0, 1, 3, 0, -1, 0, 0, 1), true, 5, 1); /* no LOCAL_PREF: the default 100 */
    expect(p, 2, 0, BGP_STEP_AS_PATH);
    p[1] = P(mk(100, 1, 2, 1, -1, 0, 0, 1), true, 5, 1);
    expect(p, 2, 0, BGP_STEP_ORIGIN);
    p[0] = P(mk(100, 1, 2, 0, 50, 0, 0, 1), true, 5, 1);
    p[1] = P(mk(100, 1, 2, 0, 10, 0, 0, 1), true, 5, 2);
    expect(p, 2, 1, BGP_STEP_MED);
    p[1] = P(mk(100, 1, 2, 0, 50, 0, 0, 1), false, 5, 1);
    expect(p, 2, 0, BGP_STEP_EBGP);
    p[0] = P(mk(100, 1, 2, 0, 50, 0, 0, 7), false, 5, 1);
    p[1] = P(mk(100, 1, 2, 0, 50, 0, 0, 3), false, 5, 1);
    expect(p, 2, 1, BGP_STEP_IGP);
    p[0] = P(mk(100, 1, 2, 0, 50, 0, 0, 3), false, 4, 1);
    expect(p, 2, 0, BGP_STEP_ROUTER_ID);
    p[0] = P(mk(100, 1, 2, 0, 50, 6, 0, 3), false, 4, 1); /* ORIGINATOR_ID 6 stands for 4 */
    expect(p, 2, 1, BGP_STEP_ROUTER_ID);
    p[0] = P(mk(100, 1, 2, 0, 50, 5, 2, 3), false, 1, 1);
    p[1] = P(mk(100, 1, 2, 0, 50, 5, 1, 3), false, 2, 1);
    expect(p, 2, 1, BGP_STEP_CLUSTER_LIST);
    p[0] = P(mk(100, 1, 2, 0, 50, 5, 1, 3), false, 1, 7);
    p[1] = P(mk(100, 1, 2, 0, 50, 5, 1, 3), false, 2, 6);
    expect(p, 2, 1, BGP_STEP_PEER_ADDR);
    expect(p, 1, 0, BGP_STEP_ONLY);
    expect(p, 0, -1, BGP_STEP_ONLY);
}

/* 2. Check MED is compared only within one neighbour AS, unless always-compare is set. */
static void test02_med_neighbour_as(void **state)
{
    struct bgp_path p[2];
    struct bgp_decide_cfg c = cfg;
    int s;

    (void)state;
    p[0] = P(mk(100, 1, 2, 0, 50, 0, 0, 1), true, 1, 1); /* AS 1, MED 50, IGP 1 */
    p[1] = P(mk(100, 7, 2, 0, 10, 0, 0, 2), true, 2, 2); /* AS 7, MED 10, IGP 2 */
    expect(p, 2, 0, BGP_STEP_IGP);
    c.always_compare_med = true;
    assert_int_equal(bgp_decide(p, 2, &c, &s), 1);
    assert_int_equal(s, BGP_STEP_MED);
    /* a missing MED is 0, or worst when configured */
    p[0] = P(mk(100, 1, 2, 0, -1, 0, 0, 1), true, 1, 1);
    p[1] = P(mk(100, 1, 2, 0, 5, 0, 0, 2), true, 2, 2);
    expect(p, 2, 0, BGP_STEP_MED);
    c = cfg;
    c.med_missing_worst = true;
    assert_int_equal(bgp_decide(p, 2, &c, &s), 1);
}

/*
 * 3. Check the set-wide MED step (why MED is not a pairwise order): A (AS 1,
 * MED 10, IGP 5), B (AS 1, MED 20, IGP 1), C (AS 2, IGP 3). B loses to A on
 * MED, then A loses to C on IGP: C wins; pairwise "best so far" from B
 * would end with A.
 */
static void test03_med_nontransitive(void **state)
{
    struct bgp_path p[3];

    (void)state;
    p[0] = P(mk(100, 1, 2, 0, 20, 0, 0, 1), true, 1, 1); /* B */
    p[1] = P(mk(100, 1, 2, 0, 10, 0, 0, 5), true, 2, 2); /* A */
    p[2] = P(mk(100, 2, 2, 0, 30, 0, 0, 3), true, 3, 3); /* C */
    expect(p, 3, 2, BGP_STEP_IGP);
}

/* 4. Check paths whose next hop does not resolve are never chosen. */
static void test04_unreachable(void **state)
{
    struct bgp_path p[2];

    (void)state;
    p[0] = P(mk(900, 1, 1, 0, -1, 0, 0, 250), true, 1, 1);
    p[1] = P(mk(100, 1, 9, 2, -1, 0, 0, 3), false, 2, 2);
    expect(p, 2, 1, BGP_STEP_NEXTHOP);
    expect(p, 1, -1, BGP_STEP_ONLY);
}

/* The naive model without MED: lexicographic order of the remaining steps. */
static int naive_better(const struct bgp_path *a, const struct bgp_path *b)
{
    uint32_t la = a->a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) ? a->a->local_pref : 100;
    uint32_t lb = b->a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) ? b->a->local_pref : 100;
    uint32_t ra =
        a->a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID) ? a->a->originator_id : a->peer_id;
    uint32_t rb =
        b->a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID) ? b->a->originator_id : b->peer_id;

    if (la != lb)
        return la > lb;
    if (a->a->path_len != b->a->path_len)
        return a->a->path_len < b->a->path_len;
    if (a->a->origin != b->a->origin)
        return a->a->origin < b->a->origin;
    if (a->ebgp != b->ebgp)
        return a->ebgp;
    if (a->a->nh[3] != b->a->nh[3])
        return a->a->nh[3] < b->a->nh[3];
    if (ra != rb)
        return ra < rb;
    if (a->a->n_cluster != b->a->n_cluster)
        return a->a->n_cluster < b->a->n_cluster;
    return memcmp(a->peer_addr, b->peer_addr, 4) < 0;
}

/* 5. Check 2,000 random sets of up to 8 paths (no MED) against the naive model. */
static void test05_random(void **state)
{
    struct bgp_path p[8];

    (void)state;
    srand(7);
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + (size_t)rand() % 8, want = 0;

        for (size_t i = 0; i < n; i++)
            p[i] = P(mk(rand() % 2 ? 0 : 100 + (uint32_t)(rand() % 3) * 50, 1,
                        1 + (unsigned int)(rand() % 3), (uint8_t)(rand() % 3), -1,
                        rand() % 3 ? 0 : (uint32_t)(1 + rand() % 5), (unsigned int)(rand() % 3),
                        (uint8_t)(rand() % 4)),
                     rand() % 2, (uint32_t)(1 + rand() % 5), (uint8_t)i);
        for (size_t i = 1; i < n; i++)
            if (naive_better(&p[i], &p[want]))
                want = i;
        assert_int_equal(bgp_decide(p, n, &cfg, NULL), (int)want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_steps),
        cmocka_unit_test(test02_med_neighbour_as),
        cmocka_unit_test(test03_med_nontransitive),
        cmocka_unit_test(test04_unreachable),
        cmocka_unit_test(test05_random),
    };
    int rc;

    bgp_attr_table_init(&tab);
    rc = cmocka_run_group_tests_name("bgp_decide", tests, NULL, NULL);
    bgp_attr_table_free(&tab); /* the sets are the table's */
    return rc;
}
