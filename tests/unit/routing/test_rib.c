/*
 * test_rib.c - the RIB (src/routing/rib.c): best route by distance and
 * metric, ECMP sets, recursive next hops and their re-resolution when the
 * covering route changes, the change stream, IPv6, and a random test of
 * best-route selection against a naive model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "routing_test.h"

struct rec {
    char log[64][160];
    int n;
};

static void record(void *ctx, const struct rib_change *c)
{
    struct rec *r = ctx;
    char p[INET_PREFIX_STRLEN], a[512], b[512];

    if (r->n < 64)
        snprintf(r->log[r->n], sizeof(r->log[0]), "%s %s -> %s",
                 inet_prefix_format(c->prefix, p, sizeof(p)), NHS(c->old_nh, a, sizeof(a)),
                 NHS(c->new_nh, b, sizeof(b)));
    r->n++;
}

static int add(struct rib *rib, int src, const char *prefix, int dist, uint32_t metric,
               const char *nh1, const char *nh2)
{
    struct rib_nh nh[2] = {NH(nh1), nh2 ? NH(nh2) : NH("")};
    struct inet_prefix p = P(prefix);
    struct rib_attrs a = {dist, metric, nh, nh2 ? 2 : 1};

    return rib_route_update(rib, src, &p, &a);
}

static const char *best(struct rib *rib, const char *prefix)
{
    static char buf[512];
    struct rib_route_info info;
    struct inet_prefix p = P(prefix);

    if (!rib_best(rib, &p, &info))
        return "-";
    snprintf(buf, sizeof(buf), "%s:", rib_source_name(rib, info.src));
    NHS(info.resolved, buf + strlen(buf), sizeof(buf) - strlen(buf));
    return buf;
}

/* 1. Check that the lowest distance wins, then the lowest metric, and that a
 *    withdrawal falls back to the next best. */
static void test_best_by_distance(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    int ospf = rib_source_add(rib, "ospf", 110);
    struct inet_prefix p = P("10.1.0.0/16");

    (void)state;
    assert_int_equal(add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL), 0);
    assert_int_equal(add(rib, ospf, "10.1.0.0/16", -1, 20, "via 10.0.1.2", NULL), 0);
    assert_string_equal(best(rib, "10.1.0.0/16"), "ospf:via 10.0.1.2 dev eth0");
    assert_int_equal(add(rib, st, "10.1.0.0/16", -1, 0, "via 10.0.1.3", NULL), 0);
    assert_string_equal(best(rib, "10.1.0.0/16"), "static:via 10.0.1.3 dev eth0");
    /* a configured distance above OSPF's loses */
    assert_int_equal(add(rib, st, "10.1.0.0/16", 200, 0, "via 10.0.1.3", NULL), 0);
    assert_string_equal(best(rib, "10.1.0.0/16"), "ospf:via 10.0.1.2 dev eth0");
    /* the same again changes nothing */
    assert_int_equal(add(rib, st, "10.1.0.0/16", 200, 0, "via 10.0.1.3", NULL), 1);
    assert_int_equal(rib_route_withdraw(rib, ospf, &p), 0);
    assert_string_equal(best(rib, "10.1.0.0/16"), "static:via 10.0.1.3 dev eth0");
    assert_int_equal(rib_route_withdraw(rib, ospf, &p), -ENOENT);
    assert_int_equal(rib_route_withdraw(rib, st, &p), 0);
    assert_string_equal(best(rib, "10.1.0.0/16"), "-");
    /* metric breaks a tie of distance */
    {
        int ospf2 = rib_source_add(rib, "ospf2", 110);

        add(rib, ospf, "10.2.0.0/16", -1, 30, "via 10.0.1.2", NULL);
        add(rib, ospf2, "10.2.0.0/16", -1, 10, "via 10.0.1.4", NULL);
        assert_string_equal(best(rib, "10.2.0.0/16"), "ospf2:via 10.0.1.4 dev eth0");
    }
    rib_free(rib);
}

/* 2. Check that an ECMP set is kept whole, sorted and deduplicated, and that
 *    bad input is refused. */
static void test_ecmp_and_checks(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    struct rib_nh nh[3] = {NH("via 10.0.2.2 dev eth1"), NH("via 10.0.1.2 dev eth0"),
                           NH("via 10.0.2.2 dev eth1")};
    struct inet_prefix p = P("10.5.0.0/16"), bad = P("10.5.0.0/16");
    struct rib_attrs a = {-1, 0, nh, 3};

    (void)state;
    add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL);
    add(rib, conn, "10.0.2.0/24", -1, 0, "dev eth1", NULL);
    assert_int_equal(rib_route_update(rib, st, &p, &a), 0);
    assert_string_equal(best(rib, "10.5.0.0/16"),
                        "static:via 10.0.1.2 dev eth0,via 10.0.2.2 dev eth1");
    bad.addr.u.bytes[3] = 1; /* host bits */
    assert_int_equal(rib_route_update(rib, st, &bad, &a), -EINVAL);
    a.n_nh = 0;
    assert_int_equal(rib_route_update(rib, st, &p, &a), -EINVAL);
    nh[0] = NH("via 2001:db8::1");
    a.n_nh = 1;
    assert_int_equal(rib_route_update(rib, st, &p, &a), -EINVAL); /* family mismatch */
    nh[0] = NH("blackhole");
    nh[0].family = AF_INET;
    assert_int_equal(rib_route_update(rib, st, &p, &a), -EINVAL); /* gateway on a blackhole */
    assert_int_equal(rib_route_update(rib, 77, &p, &a), -ENOENT);
    assert_int_equal(rib_source_add(rib, "static", 1), -EEXIST);
    rib_free(rib);
}

/* 3. Check recursive resolution through the longest match, re-resolution
 *    when a more specific covering route appears and goes, and that a route
 *    whose gateway has no route is not eligible. */
static void test_recursive(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    int bgp = rib_source_add(rib, "bgp", 20);
    struct rec rec = {.n = 0};
    struct inet_prefix p;

    (void)state;
    rib_subscribe(rib, record, &rec);
    add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL);
    add(rib, conn, "10.0.2.0/24", -1, 0, "dev eth1", NULL);
    /* BGP route via a loopback nobody reaches yet: not eligible */
    add(rib, bgp, "192.0.2.0/24", -1, 0, "via 10.255.0.9", NULL);
    assert_string_equal(best(rib, "192.0.2.0/24"), "-");
    /* a covering /16 via eth0 makes it resolve */
    add(rib, st, "10.255.0.0/16", -1, 0, "via 10.0.1.2", NULL);
    assert_string_equal(best(rib, "192.0.2.0/24"), "bgp:via 10.0.1.2 dev eth0");
    /* a more specific /32 via eth1 takes over */
    add(rib, st, "10.255.0.9/32", -1, 0, "via 10.0.2.2", NULL);
    assert_string_equal(best(rib, "192.0.2.0/24"), "bgp:via 10.0.2.2 dev eth1");
    /* it goes: back to the /16 */
    p = P("10.255.0.9/32");
    rib_route_withdraw(rib, st, &p);
    assert_string_equal(best(rib, "192.0.2.0/24"), "bgp:via 10.0.1.2 dev eth0");
    /* the /16 changes its next hop: followed (two levels of recursion) */
    add(rib, st, "10.255.0.0/16", -1, 0, "via 10.0.2.3", NULL);
    assert_string_equal(best(rib, "192.0.2.0/24"), "bgp:via 10.0.2.3 dev eth1");
    /* the connected subnet goes: everything through it goes */
    p = P("10.0.2.0/24");
    rib_route_withdraw(rib, conn, &p);
    assert_string_equal(best(rib, "10.255.0.0/16"), "-");
    assert_string_equal(best(rib, "192.0.2.0/24"), "-");
    /* the change stream saw each step of the BGP route, in order */
    {
        int k = 0;
        const char *want[] = {
            "192.0.2.0/24 - -> via 10.0.1.2 dev eth0",
            "192.0.2.0/24 via 10.0.1.2 dev eth0 -> via 10.0.2.2 dev eth1",
            "192.0.2.0/24 via 10.0.2.2 dev eth1 -> via 10.0.1.2 dev eth0",
            "192.0.2.0/24 via 10.0.1.2 dev eth0 -> via 10.0.2.3 dev eth1",
            "192.0.2.0/24 via 10.0.2.3 dev eth1 -> -",
        };

        for (int i = 0; i < rec.n && i < 64; i++)
            if (strncmp(rec.log[i], "192.0.2.0/24", 12) == 0) {
                assert_true(k < 5);
                assert_string_equal(rec.log[i], want[k]);
                k++;
            }
        assert_int_equal(k, 5);
    }
    rib_free(rib);
}

/* 4. Check that a route never resolves through itself: a static default via
 *    an off-link gateway needs another route to that gateway. */
static void test_no_self_resolution(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    int ospf = rib_source_add(rib, "ospf", 110);

    (void)state;
    add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL);
    add(rib, st, "0.0.0.0/0", -1, 0, "via 10.9.0.1", NULL);
    assert_string_equal(best(rib, "0.0.0.0/0"), "-");
    add(rib, ospf, "10.9.0.0/16", -1, 10, "via 10.0.1.2 dev eth0", NULL);
    assert_string_equal(best(rib, "0.0.0.0/0"), "static:via 10.0.1.2 dev eth0");
    /* 10.8.0.0/16 via 10.8.0.1: its own prefix covers its gateway -> the default */
    add(rib, st, "10.8.0.0/16", -1, 0, "via 10.8.0.1", NULL);
    assert_string_equal(best(rib, "10.8.0.0/16"), "static:via 10.0.1.2 dev eth0");
    rib_free(rib);
}

/* 5. Check IPv6 routes, lookups and sorted walks. */
static int collect(void *ctx, const struct rib_route_info *r)
{
    char *out = ctx, p[INET_PREFIX_STRLEN];

    strcat(out, inet_prefix_format(&r->prefix, p, sizeof(p)));
    strcat(out, r->best ? "* " : " ");
    return 0;
}

static void test_ipv6_walk_lookup(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    struct rib_route_info info;
    struct inet_addr a = A("2001:db8:9::5");
    char out[1024] = "";

    (void)state;
    add(rib, conn, "2001:db8:2::/64", -1, 0, "dev eth1", NULL);
    add(rib, st, "2001:db8:9::/48", -1, 0, "via 2001:db8:2::2", NULL);
    add(rib, st, "10.0.0.0/8", -1, 0, "blackhole", NULL);
    add(rib, st, "10.0.0.0/16", -1, 0, "unreachable", NULL);
    assert_string_equal(best(rib, "2001:db8:9::/48"), "static:via 2001:db8:2::2 dev eth1");
    assert_true(rib_lookup(rib, &a, &info));
    assert_int_equal(info.prefix.len, 48);
    a = A("10.0.5.5");
    assert_true(rib_lookup(rib, &a, &info));
    assert_int_equal(info.prefix.len, 16);
    a = A("11.0.0.1");
    assert_false(rib_lookup(rib, &a, &info));
    rib_walk(rib, 0, false, collect, out);
    assert_string_equal(out, "10.0.0.0/8* 10.0.0.0/16* 2001:db8:2::/64* 2001:db8:9::/48* ");
    rib_free(rib);
}

/* 6. Check that a source's default distance can change and re-ranks its
 *    routes, and that removing a source withdraws all of its routes. */
static void test_source_distance_remove(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    int ospf = rib_source_add(rib, "ospf", 110);
    struct rib_stats s;

    (void)state;
    add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL);
    add(rib, st, "10.1.0.0/16", -1, 0, "via 10.0.1.3", NULL);
    add(rib, ospf, "10.1.0.0/16", -1, 0, "via 10.0.1.2", NULL);
    assert_string_equal(best(rib, "10.1.0.0/16"), "static:via 10.0.1.3 dev eth0");
    rib_source_set_distance(rib, st, 120);
    assert_string_equal(best(rib, "10.1.0.0/16"), "ospf:via 10.0.1.2 dev eth0");
    rib_source_remove(rib, ospf);
    assert_string_equal(best(rib, "10.1.0.0/16"), "static:via 10.0.1.3 dev eth0");
    rib_stats(rib, &s);
    assert_int_equal(s.prefixes, 2);
    assert_int_equal(s.routes, 2);
    rib_free(rib);
}

/* 6b. Removing a source that holds many routes (the SIGTERM of a router with
 *     a big table) withdraws them all in one pass and leaves the others. */
static void test_source_remove_many(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int ospf = rib_source_add(rib, "ospf", 110);
    int st = rib_source_add(rib, "static", 1);
    struct rib_stats s;
    char pfx[32];

    (void)state;
    add(rib, conn, "10.0.1.0/24", -1, 0, "dev eth0", NULL);
    for (int i = 0; i < 60000; i++) {
        snprintf(pfx, sizeof(pfx), "172.%d.%d.0/24", 16 + i / 256 % 16, i % 256);
        if (i >= 4096) /* beyond 172.16/12's /24s: other /26s */
            snprintf(pfx, sizeof(pfx), "100.%d.%d.%d/26", i / 1024, i / 4 % 256, i % 4 * 64);
        add(rib, ospf, pfx, -1, 0, "via 10.0.1.2", NULL);
    }
    add(rib, st, "100.4.0.0/26", -1, 0, "via 10.0.1.3", NULL); /* also in ospf */
    rib_stats(rib, &s);
    assert_int_equal(s.prefixes, 1 + 60000);
    rib_source_remove(rib, ospf);
    rib_stats(rib, &s);
    assert_int_equal(s.prefixes, 2);
    assert_int_equal(s.routes, 2);
    assert_string_equal(best(rib, "100.4.0.0/26"), "static:via 10.0.1.3 dev eth0");
    rib_free(rib);
}

/* 7. Random announcements and withdrawals from four sources against a naive
 *    model (an array of routes, best chosen by scanning): best routes agree. */
#define NPFX 64
#define NSRC 4

static void test_random_against_model(void **state)
{
    struct rib *rib = rib_new(NULL);
    struct model {
        bool present;
        int dist;
        uint32_t metric;
        int gw;
    } m[NPFX][NSRC];
    int src[NSRC];

    (void)state;
    memset(m, 0, sizeof(m));
    srandom(42);
    for (int s = 0; s < NSRC; s++) {
        char name[16];

        snprintf(name, sizeof(name), "s%d", s);
        src[s] = rib_source_add(rib, name, (uint8_t)(10 * s));
    }
    for (int step = 0; step < 20000; step++) {
        int p = (int)(random() % NPFX), s = (int)(random() % NSRC);
        char pfx[32], nh[64];
        struct inet_prefix ip;

        snprintf(pfx, sizeof(pfx), "10.%d.%d.0/24", p / 8, p % 8);
        ip = P(pfx);
        if (random() % 3 == 0) {
            rib_route_withdraw(rib, src[s], &ip);
            m[p][s].present = false;
        } else {
            m[p][s].present = true;
            m[p][s].dist = (int)(random() % 4) * 10;
            m[p][s].metric = (uint32_t)(random() % 3);
            m[p][s].gw = (int)(random() % 5);
            snprintf(nh, sizeof(nh), "via 10.200.0.%d dev e%d", m[p][s].gw + 1, m[p][s].gw);
            add(rib, src[s], pfx, m[p][s].dist, m[p][s].metric, nh, NULL);
        }
        if (step % 97 == 0 || step == 19999)
            for (int q = 0; q < NPFX; q++) {
                int b = -1;
                char want[128], q4[32];

                for (int t = 0; t < NSRC; t++)
                    if (m[q][t].present &&
                        (b < 0 || m[q][t].dist < m[q][b].dist ||
                         (m[q][t].dist == m[q][b].dist && m[q][t].metric < m[q][b].metric)))
                        b = t;
                if (b < 0)
                    snprintf(want, sizeof(want), "-");
                else
                    snprintf(want, sizeof(want), "s%d:via 10.200.0.%d dev e%d", b, m[q][b].gw + 1,
                             m[q][b].gw);
                snprintf(q4, sizeof(q4), "10.%d.%d.0/24", q / 8, q % 8);
                assert_string_equal(best(rib, q4), want);
            }
    }
    rib_free(rib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_best_by_distance),
        cmocka_unit_test(test_ecmp_and_checks),
        cmocka_unit_test(test_recursive),
        cmocka_unit_test(test_no_self_resolution),
        cmocka_unit_test(test_ipv6_walk_lookup),
        cmocka_unit_test(test_source_distance_remove),
        cmocka_unit_test(test_source_remove_many),
        cmocka_unit_test(test_random_against_model),
    };

    return cmocka_run_group_tests_name("rib", tests, NULL, NULL);
}
