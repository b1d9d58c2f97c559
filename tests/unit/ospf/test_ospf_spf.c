/*
 * test_ospf_spf.c - the routing table calculation (src/routing/ospf/spf.c)
 * on hand-built LSDBs with known answers: a line, a triangle and a diamond
 * (ECMP), a broadcast network with a DR, stubs, links not advertised back,
 * unnumbered links, inter-area summaries (as an internal router and as an
 * ABR), and AS-external routes (E1 against E2, forwarding addresses).
 * Router 1 (1.1.1.1) is always the calculating router.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/ospf/spf.h"
#include "ospf_test.h"

#define M24 IP(255, 255, 255, 0)
#define M30 IP(255, 255, 255, 252)

/* The route must exist with this type, cost and exactly these next hops (sorted). */
static void check(const struct spf_result *r, uint32_t prefix, uint8_t plen, int type,
                  uint32_t cost, int n, ...)
{
    const struct spf_route *rt = spf_route_find(r, prefix, plen);
    va_list ap;

    if (!rt)
        fail_msg("no route to %08x/%u", prefix, plen);
    assert_int_equal(rt->type, type);
    assert_int_equal(rt->cost, cost);
    assert_int_equal(rt->n_nh, n);
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        uint32_t ifindex = va_arg(ap, uint32_t), gw = va_arg(ap, uint32_t);

        assert_int_equal(rt->nh[i].ifindex, ifindex);
        assert_int_equal(rt->nh[i].gw, gw);
    }
    va_end(ap);
}

static void absent(const struct spf_result *r, uint32_t prefix, uint8_t plen)
{
    assert_null(spf_route_find(r, prefix, plen));
}

static int run1(struct lsdb *db, const struct spf_iface *ifs, size_t n, struct lsdb *as,
                struct spf_result *res)
{
    struct spf_area a = {.id = 0, .db = db, .ifs = ifs, .n_ifs = n};

    return spf_run(RID(1), &a, 1, as, 0, res);
}

/* 1. Check a line R1 - R2 - R3 of p2p links: costs add up, gateways are the neighbour's address. */
static void test01_line(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 10),
                                     STUB(IP(10, 0, 12, 0), M30, 10),
                                     STUB(IP(192, 168, 1, 1), 0xffffffff, 0)};
    const struct lsa_rt_link r2[] = {
        P2P(RID(1), IP(10, 0, 12, 2), 10), STUB(IP(10, 0, 12, 0), M30, 10),
        P2P(RID(3), IP(10, 0, 23, 2), 5), STUB(IP(10, 0, 23, 0), M30, 5)};
    const struct lsa_rt_link r3[] = {P2P(RID(2), IP(10, 0, 23, 3), 5),
                                     STUB(IP(10, 0, 23, 0), M30, 5),
                                     STUB(IP(172, 16, 3, 0), M24, 1)};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 3);
    t_router(&db, RID(2), 0, r2, 4);
    t_router(&db, RID(3), 0, r3, 3);
    assert_int_equal(run1(&db, ifs, 1, NULL, &res), 0);
    assert_int_equal(res.n_routes, 3);
    check(&res, IP(10, 0, 12, 0), 30, SPF_INTRA, 10, 1, 1, 0);
    check(&res, IP(10, 0, 23, 0), 30, SPF_INTRA, 15, 1, 1, IP(10, 0, 12, 2));
    check(&res, IP(172, 16, 3, 0), 24, SPF_INTRA, 16, 1, 1, IP(10, 0, 12, 2));
    /* our own loopback /32 is on no interface: not a route */
    absent(&res, IP(192, 168, 1, 1), 32);
    assert_int_equal(spf_route_find(&res, IP(172, 16, 3, 0), 24)->adv_rtr, RID(3));
    spf_result_free(&res);
    lsdb_free(&db);
}

/* 2. Check a triangle: the direct link (cost 1) beats two hops (cost 2); equal costs give ECMP. */
static void test02_triangle(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30},
                                    {.ifindex = 2, .addr = IP(10, 0, 13, 1), .mask = M30}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 1),
                                     P2P(RID(3), IP(10, 0, 13, 1), 2)};
    const struct lsa_rt_link r2[] = {P2P(RID(1), IP(10, 0, 12, 2), 1),
                                     P2P(RID(3), IP(10, 0, 23, 2), 1),
                                     STUB(IP(172, 16, 2, 0), M24, 1)};
    const struct lsa_rt_link r3[] = {P2P(RID(1), IP(10, 0, 13, 3), 2),
                                     P2P(RID(2), IP(10, 0, 23, 3), 1),
                                     STUB(IP(172, 16, 3, 0), M24, 1)};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 2);
    t_router(&db, RID(2), 0, r2, 3);
    t_router(&db, RID(3), 0, r3, 3);
    assert_int_equal(run1(&db, ifs, 2, NULL, &res), 0);
    check(&res, IP(172, 16, 2, 0), 24, SPF_INTRA, 2, 1, 1, IP(10, 0, 12, 2));
    /* R3 costs 2 directly and 2 through R2: both next hops */
    check(&res, IP(172, 16, 3, 0), 24, SPF_INTRA, 3, 2, 1, IP(10, 0, 12, 2), 2, IP(10, 0, 13, 3));
    spf_result_free(&res);
    lsdb_free(&db);
}

/* 3. Check a diamond R1 -> {R2, R3} -> R4: the far side is reached over both next hops. */
static void test03_diamond_ecmp(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30},
                                    {.ifindex = 2, .addr = IP(10, 0, 13, 1), .mask = M30}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 1),
                                     P2P(RID(3), IP(10, 0, 13, 1), 1)};
    const struct lsa_rt_link r2[] = {P2P(RID(1), IP(10, 0, 12, 2), 1),
                                     P2P(RID(4), IP(10, 0, 24, 2), 1)};
    const struct lsa_rt_link r3[] = {P2P(RID(1), IP(10, 0, 13, 3), 1),
                                     P2P(RID(4), IP(10, 0, 34, 3), 1)};
    const struct lsa_rt_link r4[] = {P2P(RID(2), IP(10, 0, 24, 4), 1),
                                     P2P(RID(3), IP(10, 0, 34, 4), 1),
                                     STUB(IP(172, 16, 4, 0), M24, 1)};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 2);
    t_router(&db, RID(2), 0, r2, 2);
    t_router(&db, RID(3), 0, r3, 2);
    t_router(&db, RID(4), 0, r4, 3);
    assert_int_equal(run1(&db, ifs, 2, NULL, &res), 0);
    check(&res, IP(172, 16, 4, 0), 24, SPF_INTRA, 3, 2, 1, IP(10, 0, 12, 2), 2, IP(10, 0, 13, 3));
    spf_result_free(&res);
    lsdb_free(&db);
}

/* 4. Check a broadcast network with R2 as DR: the network via the interface, routers via their
 * addresses on it. */
static void test04_broadcast_dr(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 3, .addr = IP(10, 0, 0, 1), .mask = M24}};
    const struct lsa_rt_link r1[] = {TRANSIT(IP(10, 0, 0, 2), IP(10, 0, 0, 1), 10)};
    const struct lsa_rt_link r2[] = {TRANSIT(IP(10, 0, 0, 2), IP(10, 0, 0, 2), 10),
                                     STUB(IP(172, 16, 2, 0), M24, 1)};
    const struct lsa_rt_link r3[] = {TRANSIT(IP(10, 0, 0, 2), IP(10, 0, 0, 3), 10),
                                     STUB(IP(172, 16, 3, 0), M24, 5)};
    const uint32_t att[] = {RID(2), RID(1), RID(3)};
    const uint32_t stale[] = {RID(3)};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 1);
    t_router(&db, RID(2), 0, r2, 2);
    t_router(&db, RID(3), 0, r3, 2);
    t_network(&db, IP(10, 0, 0, 2), RID(2), M24, att, 3);
    /* a stale network-LSA with the same ID from an old DR, not listing us: not used */
    t_network(&db, IP(10, 0, 0, 2), RID(3), M24, stale, 1);
    assert_int_equal(run1(&db, ifs, 1, NULL, &res), 0);
    check(&res, IP(10, 0, 0, 0), 24, SPF_INTRA, 10, 1, 3, 0);
    check(&res, IP(172, 16, 2, 0), 24, SPF_INTRA, 11, 1, 3, IP(10, 0, 0, 2));
    check(&res, IP(172, 16, 3, 0), 24, SPF_INTRA, 15, 1, 3, IP(10, 0, 0, 3));
    assert_int_equal(spf_route_find(&res, IP(10, 0, 0, 0), 24)->adv_rtr, RID(2));
    assert_int_equal(res.n_routes, 3);
    spf_result_free(&res);
    lsdb_free(&db);
}

/* 5. Check the two-way check: links, transit links and attachments not advertised back are not
 * used. */
static void test05_not_advertised_back(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30},
                                    {.ifindex = 3, .addr = IP(10, 0, 0, 1), .mask = M24}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 1),
                                     TRANSIT(IP(10, 0, 0, 1), IP(10, 0, 0, 1), 1)};
    /* R2 does not list R1: the p2p link is one-way */
    const struct lsa_rt_link r2[] = {STUB(IP(172, 16, 2, 0), M24, 1)};
    /* R3 claims the transit network, which does not list it */
    const struct lsa_rt_link r3[] = {TRANSIT(IP(10, 0, 0, 1), IP(10, 0, 0, 3), 1),
                                     STUB(IP(172, 16, 3, 0), M24, 1)};
    /* R4 is listed by the network but does not claim it */
    const struct lsa_rt_link r4[] = {STUB(IP(172, 16, 4, 0), M24, 1)};
    /* R5 is listed and claims it: reachable */
    const struct lsa_rt_link r5[] = {TRANSIT(IP(10, 0, 0, 1), IP(10, 0, 0, 5), 1),
                                     STUB(IP(172, 16, 5, 0), M24, 1)};
    const uint32_t att[] = {RID(1), RID(4), RID(5)};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 2);
    t_router(&db, RID(2), 0, r2, 1);
    t_router(&db, RID(3), 0, r3, 2);
    t_router(&db, RID(4), 0, r4, 1);
    t_router(&db, RID(5), 0, r5, 2);
    t_network(&db, IP(10, 0, 0, 1), RID(1), M24, att, 3);
    assert_int_equal(run1(&db, ifs, 2, NULL, &res), 0);
    absent(&res, IP(172, 16, 2, 0), 24);
    absent(&res, IP(172, 16, 3, 0), 24);
    absent(&res, IP(172, 16, 4, 0), 24);
    check(&res, IP(172, 16, 5, 0), 24, SPF_INTRA, 2, 1, 3, IP(10, 0, 0, 5));
    check(&res, IP(10, 0, 0, 0), 24, SPF_INTRA, 1, 1, 3, 0);
    spf_result_free(&res);
    lsdb_free(&db);
}

/* 6. Check stubs and MaxAge: a stub-only router's prefixes, the cheaper of two stubs, a MaxAge
 * router ignored. */
static void test06_stubs_maxage(void **state)
{
    struct lsdb db;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 7, .addr = 0, .mask = 0}};
    /* unnumbered p2p: the link data is the ifindex */
    const struct lsa_rt_link r1[] = {P2P(RID(2), 7, 4)};
    const struct lsa_rt_link r2[] = {P2P(RID(1), 9, 4), P2P(RID(3), 10, 4),
                                     STUB(IP(172, 16, 0, 0), M24, 20)};
    const struct lsa_rt_link r3[] = {P2P(RID(2), 11, 4), STUB(IP(172, 16, 0, 0), M24, 1),
                                     STUB(IP(172, 16, 9, 0), M24, 1)};
    struct lsa l = {.hdr = {.type = LSA_ROUTER,
                            .id = RID(3),
                            .adv_rtr = RID(3),
                            .seq = OSPF_INITIAL_SEQ + 1,
                            .age = OSPF_MAX_AGE}};

    (void)state;
    lsdb_init(&db, RID(1));
    t_router(&db, RID(1), 0, r1, 1);
    t_router(&db, RID(2), 0, r2, 3);
    t_router(&db, RID(3), 0, r3, 3);
    assert_int_equal(run1(&db, ifs, 1, NULL, &res), 0);
    /* through R3 (4 + 4 + 1) rather than R2's own (4 + 20); unnumbered: no gateway */
    check(&res, IP(172, 16, 0, 0), 24, SPF_INTRA, 9, 1, 7, 0);
    check(&res, IP(172, 16, 9, 0), 24, SPF_INTRA, 9, 1, 7, 0);
    spf_result_free(&res);
    /* R3 flushed: its stubs go, R2's stub is used */
    l.u.rt.n_links = 3;
    l.u.rt.links = (struct lsa_rt_link *)r3;
    assert_true(lsdb_install_lsa(&db, &l, 0, NULL) >= 0);
    assert_int_equal(run1(&db, ifs, 1, NULL, &res), 0);
    check(&res, IP(172, 16, 0, 0), 24, SPF_INTRA, 24, 1, 7, 0);
    absent(&res, IP(172, 16, 9, 0), 24);
    spf_result_free(&res);
    /* no router-LSA of our own: nothing */
    lsdb_remove(&db, LSA_ROUTER, RID(1), RID(1));
    assert_int_equal(run1(&db, ifs, 1, NULL, &res), 0);
    assert_int_equal(res.n_routes, 0);
    spf_result_free(&res);
    lsdb_free(&db);
}

/* An area-1 LSDB: R1 - R2 (ABR, ASBR summaries) over p2p cost 10. */
static void area1(struct lsdb *db)
{
    static const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 10),
                                            STUB(IP(10, 0, 12, 0), M30, 10)};
    static const struct lsa_rt_link r2[] = {P2P(RID(1), IP(10, 0, 12, 2), 10),
                                            STUB(IP(10, 0, 12, 0), M30, 10)};

    lsdb_init(db, RID(1));
    t_router(db, RID(1), 0, r1, 2);
    t_router(db, RID(2), LSA_RT_B, r2, 2);
}

/* 7. Check inter-area routes (16.2): summaries through the ABR; intra wins; LSInfinity and
 * unreachable ABRs ignored. */
static void test07_inter_area(void **state)
{
    struct lsdb db, as;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30}};
    struct spf_area a = {.id = 1, .db = &db, .ifs = ifs, .n_ifs = 1};
    const struct spf_router *asbr;

    (void)state;
    area1(&db);
    lsdb_init(&as, RID(1));
    t_summary(&db, LSA_SUMMARY_NET, IP(172, 20, 0, 0), IP(255, 255, 0, 0), RID(2), 30);
    t_summary(&db, LSA_SUMMARY_NET, IP(10, 0, 12, 0), M30, RID(2), 1);
    t_summary(&db, LSA_SUMMARY_NET, IP(172, 21, 0, 0), IP(255, 255, 0, 0), RID(2),
              OSPF_LS_INFINITY);
    t_summary(&db, LSA_SUMMARY_NET, IP(172, 22, 0, 0), IP(255, 255, 0, 0), RID(9), 1);
    t_summary(&db, LSA_SUMMARY_NET, OSPF_DEFAULT_DESTINATION, 0, RID(2), 100);
    t_summary(&db, LSA_SUMMARY_ASBR, RID(5), 0, RID(2), 20);
    t_external(&as, IP(192, 0, 2, 0), M24, RID(5), true, 100, 0);
    assert_int_equal(spf_run(RID(1), &a, 1, &as, 0, &res), 0);
    check(&res, IP(172, 20, 0, 0), 16, SPF_INTER, 40, 1, 1, IP(10, 0, 12, 2));
    check(&res, 0, 0, SPF_INTER, 110, 1, 1, IP(10, 0, 12, 2));
    check(&res, IP(10, 0, 12, 0), 30, SPF_INTRA, 10, 1, 1, 0);
    absent(&res, IP(172, 21, 0, 0), 16);
    absent(&res, IP(172, 22, 0, 0), 16);
    assert_int_equal(spf_route_find(&res, IP(172, 20, 0, 0), 16)->area, 1);
    /* the ASBR learned from the type-4 summary, and its external */
    asbr = spf_router_find(&res, RID(5), 1);
    assert_non_null(asbr);
    assert_int_equal(asbr->type, SPF_INTER);
    assert_int_equal(asbr->cost, 30);
    check(&res, IP(192, 0, 2, 0), 24, SPF_EXT2, 30, 1, 1, IP(10, 0, 12, 2));
    assert_int_equal(spf_route_find(&res, IP(192, 0, 2, 0), 24)->cost2, 100);
    assert_non_null(spf_router_find(&res, RID(2), 1));
    spf_result_free(&res);
    lsdb_free(&db);
    lsdb_free(&as);
}

/* 8. Check that an ABR reads summaries from the backbone only (16.2). */
static void test08_abr(void **state)
{
    struct lsdb bb, a1;
    struct spf_result res;
    const struct spf_iface if0[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30}};
    const struct spf_iface if1[] = {{.ifindex = 2, .addr = IP(10, 0, 13, 1), .mask = M30}};
    const struct lsa_rt_link r1b[] = {P2P(RID(2), IP(10, 0, 12, 1), 1)};
    const struct lsa_rt_link r2b[] = {P2P(RID(1), IP(10, 0, 12, 2), 1)};
    const struct lsa_rt_link r1a[] = {P2P(RID(3), IP(10, 0, 13, 1), 1)};
    const struct lsa_rt_link r3a[] = {P2P(RID(1), IP(10, 0, 13, 3), 1),
                                      STUB(IP(172, 31, 0, 0), M24, 1)};
    struct spf_area areas[] = {{.id = 0, .db = &bb, .ifs = if0, .n_ifs = 1},
                               {.id = 1, .db = &a1, .ifs = if1, .n_ifs = 1}};

    (void)state;
    lsdb_init(&bb, RID(1));
    lsdb_init(&a1, RID(1));
    t_router(&bb, RID(1), LSA_RT_B, r1b, 1);
    t_router(&bb, RID(2), LSA_RT_B, r2b, 1);
    t_router(&a1, RID(1), LSA_RT_B, r1a, 1);
    t_router(&a1, RID(3), LSA_RT_B, r3a, 2);
    t_summary(&bb, LSA_SUMMARY_NET, IP(172, 20, 0, 0), IP(255, 255, 0, 0), RID(2), 5);
    t_summary(&a1, LSA_SUMMARY_NET, IP(172, 30, 0, 0), IP(255, 255, 0, 0), RID(3), 5);
    assert_int_equal(spf_run(RID(1), areas, 2, NULL, 0, &res), 0);
    check(&res, IP(172, 20, 0, 0), 16, SPF_INTER, 6, 1, 1, IP(10, 0, 12, 2));
    absent(&res, IP(172, 30, 0, 0), 16);
    check(&res, IP(172, 31, 0, 0), 24, SPF_INTRA, 2, 1, 2, IP(10, 0, 13, 3));
    assert_int_equal(spf_route_find(&res, IP(172, 31, 0, 0), 24)->area, 1);
    spf_result_free(&res);
    lsdb_free(&bb);
    lsdb_free(&a1);
}

/* 9. Check AS-external routes (16.4): E1 vs E2, type 2 cost then distance, E1 over E2, no ASBR,
 * LSInfinity, MaxAge. */
static void test09_externals(void **state)
{
    struct lsdb db, as;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30},
                                    {.ifindex = 2, .addr = IP(10, 0, 13, 1), .mask = M30}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 10),
                                     P2P(RID(3), IP(10, 0, 13, 1), 5),
                                     P2P(RID(4), IP(10, 0, 13, 1), 5)};
    const struct lsa_rt_link r2[] = {P2P(RID(1), IP(10, 0, 12, 2), 10)};
    const struct lsa_rt_link r3[] = {P2P(RID(1), IP(10, 0, 13, 3), 5)};
    const struct lsa_rt_link r4[] = {P2P(RID(1), IP(10, 0, 13, 4), 5)};
    struct spf_area a = {.id = 0, .db = &db, .ifs = ifs, .n_ifs = 2};
    struct lsa l = {.hdr = {.type = LSA_EXTERNAL,
                            .id = IP(198, 19, 0, 0),
                            .adv_rtr = RID(2),
                            .seq = OSPF_INITIAL_SEQ,
                            .age = OSPF_MAX_AGE}};

    (void)state;
    lsdb_init(&db, RID(1));
    lsdb_init(&as, RID(1));
    t_router(&db, RID(1), 0, r1, 3);
    t_router(&db, RID(2), LSA_RT_E, r2, 1);
    t_router(&db, RID(3), LSA_RT_E, r3, 1);
    t_router(&db, RID(4), 0, r4, 1); /* not an ASBR */
    /* E2: the smaller type 2 metric wins although its ASBR is further away */
    t_external(&as, IP(192, 0, 2, 0), M24, RID(2), true, 50, 0);
    t_external(&as, IP(192, 0, 2, 0), M24, RID(3), true, 60, 0);
    /* E2 with equal metrics: the nearer ASBR */
    t_external(&as, IP(198, 51, 100, 0), M24, RID(2), true, 50, 0);
    t_external(&as, IP(198, 51, 100, 0), M24, RID(3), true, 50, 0);
    /* E1: distance plus metric: 10 + 1 against 5 + 10 */
    t_external(&as, IP(203, 0, 113, 0), M24, RID(2), false, 1, 0);
    t_external(&as, IP(203, 0, 113, 0), M24, RID(3), false, 10, 0);
    /* E1 beats E2 whatever the costs */
    t_external(&as, IP(198, 18, 0, 0), IP(255, 254, 0, 0), RID(2), false, 1000, 0);
    t_external(&as, IP(198, 18, 0, 0), IP(255, 254, 0, 0), RID(3), true, 1, 0);
    /* from a router without the E bit, at LSInfinity, at MaxAge: nothing */
    t_external(&as, IP(100, 0, 0, 0), IP(255, 0, 0, 0), RID(4), false, 1, 0);
    t_external(&as, IP(101, 0, 0, 0), IP(255, 0, 0, 0), RID(2), false, OSPF_LS_INFINITY, 0);
    l.u.ext.mask = IP(255, 255, 0, 0);
    l.u.ext.metric = 1;
    assert_true(lsdb_install_lsa(&as, &l, 0, NULL) > 0);
    /* equal E2 metric and distance from two ASBRs: both next hops */
    t_external(&as, IP(100, 100, 0, 0), IP(255, 255, 0, 0), RID(3), true, 7, 0);
    assert_int_equal(spf_run(RID(1), &a, 1, &as, 0, &res), 0);
    check(&res, IP(192, 0, 2, 0), 24, SPF_EXT2, 10, 1, 1, IP(10, 0, 12, 2));
    assert_int_equal(spf_route_find(&res, IP(192, 0, 2, 0), 24)->cost2, 50);
    assert_int_equal(spf_route_find(&res, IP(192, 0, 2, 0), 24)->adv_rtr, RID(2));
    check(&res, IP(198, 51, 100, 0), 24, SPF_EXT2, 5, 1, 2, IP(10, 0, 13, 3));
    check(&res, IP(203, 0, 113, 0), 24, SPF_EXT1, 11, 1, 1, IP(10, 0, 12, 2));
    check(&res, IP(198, 18, 0, 0), 15, SPF_EXT1, 1010, 1, 1, IP(10, 0, 12, 2));
    absent(&res, IP(100, 0, 0, 0), 8);
    absent(&res, IP(101, 0, 0, 0), 8);
    absent(&res, IP(198, 19, 0, 0), 16);
    check(&res, IP(100, 100, 0, 0), 16, SPF_EXT2, 5, 1, 2, IP(10, 0, 13, 3));
    spf_result_free(&res);
    /* R4 gets the E bit and advertises 100.100/16 the same way: ECMP over both */
    t_router(&db, RID(4), LSA_RT_E, r4, 1);
    t_external(&as, IP(100, 100, 0, 0), IP(255, 255, 0, 0), RID(4), true, 7, 0);
    assert_int_equal(spf_run(RID(1), &a, 1, &as, 0, &res), 0);
    check(&res, IP(100, 100, 0, 0), 16, SPF_EXT2, 5, 2, 2, IP(10, 0, 13, 3), 2, IP(10, 0, 13, 4));
    spf_result_free(&res);
    lsdb_free(&db);
    lsdb_free(&as);
}

/* 10. Check forwarding addresses: on a connected network (gateway = the address), behind a router,
 * unreachable. */
static void test10_forwarding_address(void **state)
{
    struct lsdb db, as;
    struct spf_result res;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30},
                                    {.ifindex = 3, .addr = IP(10, 0, 0, 1), .mask = M24}};
    const struct lsa_rt_link r1[] = {P2P(RID(2), IP(10, 0, 12, 1), 10),
                                     STUB(IP(10, 0, 12, 0), M30, 10),
                                     STUB(IP(10, 0, 0, 0), M24, 1)};
    const struct lsa_rt_link r2[] = {P2P(RID(1), IP(10, 0, 12, 2), 10),
                                     STUB(IP(172, 16, 2, 0), M24, 3)};
    struct spf_area a = {.id = 0, .db = &db, .ifs = ifs, .n_ifs = 2};

    (void)state;
    lsdb_init(&db, RID(1));
    lsdb_init(&as, RID(1));
    t_router(&db, RID(1), 0, r1, 3);
    t_router(&db, RID(2), LSA_RT_E, r2, 2);
    /* a third-party next hop on our stub LAN 10.0.0.0/24 */
    t_external(&as, IP(100, 64, 0, 0), IP(255, 192, 0, 0), RID(2), true, 20, IP(10, 0, 0, 9));
    /* behind R2, inside its stub */
    t_external(&as, IP(100, 65, 0, 0), IP(255, 255, 0, 0), RID(2), false, 20, IP(172, 16, 2, 5));
    /* nowhere */
    t_external(&as, IP(100, 66, 0, 0), IP(255, 255, 0, 0), RID(2), true, 20, IP(10, 99, 0, 1));
    /* without: through the ASBR */
    t_external(&as, IP(100, 67, 0, 0), IP(255, 255, 0, 0), RID(2), false, 20, 0);
    assert_int_equal(spf_run(RID(1), &a, 1, &as, 0, &res), 0);
    check(&res, IP(100, 64, 0, 0), 10, SPF_EXT2, 1, 1, 3, IP(10, 0, 0, 9));
    assert_int_equal(spf_route_find(&res, IP(100, 64, 0, 0), 10)->cost2, 20);
    check(&res, IP(100, 65, 0, 0), 16, SPF_EXT1, 13 + 20, 1, 1, IP(10, 0, 12, 2));
    absent(&res, IP(100, 66, 0, 0), 16);
    check(&res, IP(100, 67, 0, 0), 16, SPF_EXT1, 30, 1, 1, IP(10, 0, 12, 2));
    spf_result_free(&res);
    lsdb_free(&db);
    lsdb_free(&as);
}

/* 11. Check that the result is sorted, and that an imported copy of the LSDB computes the same
 * table. */
static void test11_sorted_and_reproducible(void **state)
{
    struct lsdb db, cp;
    struct spf_result a, b;
    const struct spf_iface ifs[] = {{.ifindex = 1, .addr = IP(10, 0, 12, 1), .mask = M30}};
    struct spf_area sa = {.id = 1, .db = &db, .ifs = ifs, .n_ifs = 1};
    struct spf_area sb = {.id = 1, .db = &cp, .ifs = ifs, .n_ifs = 1};
    uint8_t rec[256];

    (void)state;
    area1(&db);
    for (int i = 0; i < 200; i++)
        t_summary(&db, LSA_SUMMARY_NET, IP(172, i, 0, 0), IP(255, 255, 0, 0), RID(2),
                  (uint32_t)(i % 7));
    lsdb_init(&cp, RID(1));
    for (size_t i = 0; i < lsdb_count(&db); i++) {
        int n = lsdb_export_entry(lsdb_at(&db, i), 0, rec, sizeof(rec));

        assert_true(n > 0);
        assert_int_equal(lsdb_import(&cp, rec, (size_t)n, 0, NULL), 0);
    }
    assert_int_equal(spf_run(RID(1), &sa, 1, NULL, 0, &a), 0);
    assert_int_equal(spf_run(RID(1), &sb, 1, NULL, 0, &b), 0);
    assert_int_equal(a.n_routes, 201);
    assert_int_equal(a.n_routes, b.n_routes);
    assert_memory_equal(a.routes, b.routes, a.n_routes * sizeof(*a.routes));
    for (size_t i = 1; i < a.n_routes; i++)
        assert_true(a.routes[i - 1].prefix < a.routes[i].prefix ||
                    (a.routes[i - 1].prefix == a.routes[i].prefix &&
                     a.routes[i - 1].plen < a.routes[i].plen));
    assert_string_equal(spf_rtype_name(SPF_EXT2), "ext2");
    spf_result_free(&a);
    spf_result_free(&b);
    lsdb_free(&db);
    lsdb_free(&cp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_line),
        cmocka_unit_test(test02_triangle),
        cmocka_unit_test(test03_diamond_ecmp),
        cmocka_unit_test(test04_broadcast_dr),
        cmocka_unit_test(test05_not_advertised_back),
        cmocka_unit_test(test06_stubs_maxage),
        cmocka_unit_test(test07_inter_area),
        cmocka_unit_test(test08_abr),
        cmocka_unit_test(test09_externals),
        cmocka_unit_test(test10_forwarding_address),
        cmocka_unit_test(test11_sorted_and_reproducible),
    };

    return cmocka_run_group_tests_name("ospf_spf", tests, NULL, NULL);
}
