/*
 * test_ecmp.c - ECMP in vroomd's data plane (src/dp/vr.c, pipeline.c):
 * next-hop groups deduplicated and reference-counted, replacing a single
 * next hop by a group and back, what a deleted route or interface gives
 * back, the checks' messages, batches with groups, and in the pipeline: a
 * flow hash that spreads flows over the members and keeps each flow (and
 * its fragments) on one, and a member whose neighbour is unresolved that
 * does not take its flows down with it.
 *
 * The VR is dp_test.h's r1; the group routes go via B (10.0.2.2 on eth2,
 * port p2) and C (10.0.3.2 on eth3, port p3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "dp_test.h"
#include "pkt/pkt.h"

#define IP_A T_IP(10, 0, 1, 2)

static int setup(void **state)
{
    *state = t_env_create(NULL);
    return 0;
}

static int teardown(void **state)
{
    struct t_env *e = *state;

    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
    assert_int_equal(pbuf_pool_in_use(dp_pool(e->dp)), 0);
    dp_free(e->dp);
    free(e);
    return 0;
}

static struct vr_nexthop via(const char *gw)
{
    struct vr_nexthop x = {.type = NH_UNICAST, .gw = t_addr(gw), .iface = -1};

    return x;
}

/* vr_route_check then vr_route_add of dst over the n next hops in mp. */
static void add_mp(struct vr *vr, const char *dst, const struct vr_nexthop *mp, unsigned n)
{
    struct vr_route r = {.dst = t_prefix(dst), .n_mp = n, .mp = mp};
    char err[200] = "";

    if (vr_route_check(vr, &r, err, sizeof(err)) != 0)
        fail_msg("%s: %s", dst, err);
    assert_int_equal(vr_route_add(vr, &r), 0);
}

static void add_one(struct vr *vr, const char *dst, const char *gw)
{
    t_route(vr, dst, NH_UNICAST, gw);
}

static uint32_t fib_value(const struct vr *vr, const char *a)
{
    struct inet_addr x = t_addr(a);

    return vr_route_lookup_id(vr, &x);
}

/* The index of the next hop via gw (on its connected interface), or fail. */
static uint32_t nh_of(const struct vr *vr, const char *gw)
{
    struct inet_addr g = t_addr(gw);

    for (uint32_t i = 0; i < vr->n_nhs; i++)
        if (vr->nhs[i].type == NH_UNICAST && vr->nhs[i].gw.family == g.family &&
            memcmp(vr->nhs[i].gw.u.bytes, g.u.bytes, g.family == AF_INET ? 4 : 16) == 0)
            return i;
    fail_msg("no next hop via %s", gw);
    return 0;
}

static int del(struct vr *vr, const char *dst)
{
    struct inet_prefix p = t_prefix(dst);

    return vr_route_del(vr, &p);
}

/* 1. Check that routes over the same set of next hops, in any order, share
 *    one group holding one reference on each member; that a duplicate next
 *    hop counts once; and that deleting the routes gives everything back. */
static void test01_group_dedup_refcount(void **state)
{
    struct t_env *e = *state;
    struct vr *vr = e->vr;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    struct vr_nexthop cb[2] = {via("10.0.3.2"), via("10.0.2.2")};
    struct vr_nexthop bb[2] = {via("10.0.2.2"), via("10.0.2.2")};
    uint32_t v1, v2, b, c, b_refs;
    const struct nhg *g;

    add_mp(vr, "198.18.0.0/16", bc, 2);
    add_mp(vr, "198.19.0.0/16", cb, 2);
    v1 = fib_value(vr, "198.18.1.1");
    v2 = fib_value(vr, "198.19.1.1");
    assert_true(v1 & VR_NHG_BIT);
    assert_int_equal(v1, v2);
    assert_int_equal(vr->n_nhgs, 1);
    assert_int_equal(vr_nhg_count(vr), 1);
    g = vr_nhg(vr, v1);
    assert_int_equal(g->refcnt, 2);
    assert_int_equal(g->n, 2);
    b = nh_of(vr, "10.0.2.2");
    c = nh_of(vr, "10.0.3.2");
    assert_true(g->nh[0] < g->nh[1]);
    assert_true((g->nh[0] == b && g->nh[1] == c) || (g->nh[0] == c && g->nh[1] == b));
    /* 192.0.2.0/24 via 10.0.2.2 (dp_test.h) holds one, the group one */
    assert_int_equal(vr->nhs[b].refcnt, 2);
    assert_int_equal(vr->nhs[c].refcnt, 1);
    assert_int_equal(vr->nhs[c].iface, e->if3->index);
    b_refs = vr->nhs[b].refcnt;

    /* a duplicate counts once: one distinct next hop is no group */
    add_mp(vr, "198.20.0.0/16", bb, 2);
    assert_int_equal(fib_value(vr, "198.20.0.1"), b);
    assert_int_equal(vr->nhs[b].refcnt, b_refs + 1);
    assert_int_equal(vr->n_nhgs, 1);

    /* a different set is another group */
    {
        struct vr_nexthop bcd[3] = {via("10.0.2.2"), via("10.0.3.2"), via("10.0.3.3")};

        add_mp(vr, "198.21.0.0/16", bcd, 3);
        assert_int_equal(vr->n_nhgs, 2);
        assert_int_equal(vr_nhg(vr, fib_value(vr, "198.21.0.1"))->n, 3);
        assert_int_equal(del(vr, "198.21.0.0/16"), 0);
        assert_int_equal(vr_nhg_count(vr), 1);
        assert_int_equal(vr->nhs[nh_of(vr, "10.0.3.3")].refcnt, 0);
    }

    /* deleting gives back the group's reference, then its members' */
    assert_int_equal(del(vr, "198.18.0.0/16"), 0);
    assert_int_equal(vr_nhg(vr, v1)->refcnt, 1);
    assert_int_equal(vr->nhs[c].refcnt, 1);
    assert_int_equal(del(vr, "198.19.0.0/16"), 0);
    assert_int_equal(vr_nhg(vr, v1)->refcnt, 0);
    assert_int_equal(vr_nhg_count(vr), 0);
    assert_int_equal(vr->nhs[c].refcnt, 0);
    assert_int_equal(vr->nhs[b].refcnt, b_refs - 1 + 1); /* 192.0.2.0/24 and 198.20/16 */
    assert_int_equal(del(vr, "198.19.0.0/16"), -ENOENT);

    /* the same group again finds its old slot and takes the members again */
    add_mp(vr, "198.18.0.0/16", cb, 2);
    assert_int_equal(fib_value(vr, "198.18.0.1"), v1);
    assert_int_equal(vr->n_nhgs, 2);
    assert_int_equal(vr_nhg(vr, v1)->refcnt, 1);
    assert_int_equal(vr->nhs[c].refcnt, 1);
}

/* 2. Check that a route replaced single -> group -> other group -> single
 *    leaves every count as if only the last had been added. */
static void test02_replace_single_group(void **state)
{
    struct t_env *e = *state;
    struct vr *vr = e->vr;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    struct vr_nexthop cd[2] = {via("10.0.3.2"), via("10.0.3.4")};
    uint32_t b, c, d, g1, g2;

    add_one(vr, "198.18.0.0/16", "10.0.3.2");
    c = nh_of(vr, "10.0.3.2");
    b = nh_of(vr, "10.0.2.2");
    assert_int_equal(vr->nhs[c].refcnt, 1);
    assert_int_equal(vr->nhs[b].refcnt, 1);

    add_mp(vr, "198.18.0.0/16", bc, 2);
    g1 = fib_value(vr, "198.18.0.1");
    assert_true(g1 & VR_NHG_BIT);
    assert_int_equal(vr->nhs[c].refcnt, 1); /* the group's */
    assert_int_equal(vr->nhs[b].refcnt, 2);
    assert_int_equal(vr_route_count(vr, AF_INET), 4 + 3 * 2 + 1);

    add_mp(vr, "198.18.0.0/16", cd, 2);
    g2 = fib_value(vr, "198.18.0.1");
    d = nh_of(vr, "10.0.3.4");
    assert_int_not_equal(g1, g2);
    assert_int_equal(vr_nhg(vr, g1)->refcnt, 0);
    assert_int_equal(vr_nhg(vr, g2)->refcnt, 1);
    assert_int_equal(vr->nhs[b].refcnt, 1);
    assert_int_equal(vr->nhs[c].refcnt, 1);
    assert_int_equal(vr->nhs[d].refcnt, 1);

    add_one(vr, "198.18.0.0/16", "10.0.2.2");
    assert_int_equal(fib_value(vr, "198.18.0.1"), b);
    assert_int_equal(vr_nhg_count(vr), 0);
    assert_int_equal(vr->nhs[b].refcnt, 2);
    assert_int_equal(vr->nhs[c].refcnt, 0);
    assert_int_equal(vr->nhs[d].refcnt, 0);

    /* vr_route_lookup of a group gives its first member */
    add_mp(vr, "198.18.0.0/16", bc, 2);
    {
        struct inet_addr a = t_addr("198.18.7.7");
        const struct nh *nh = vr_route_lookup(vr, &a);

        assert_non_null(nh);
        assert_int_equal(nh - vr->nhs, vr_nhg(vr, fib_value(vr, "198.18.7.7"))->nh[0]);
    }
}

/* 3. Check that a multipath route goes with an interface any member uses,
 *    giving back its references, and that the others stay. */
static void test03_iface_delete(void **state)
{
    struct t_env *e = *state;
    struct vr *vr = e->vr;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    struct vr_nexthop ab[2] = {via("10.0.1.2"), via("10.0.2.2")};
    uint32_t a;

    add_mp(vr, "198.18.0.0/16", bc, 2);
    add_mp(vr, "198.19.0.0/16", ab, 2);
    a = nh_of(vr, "10.0.1.2");
    assert_int_equal(dp_iface_delete(e->dp, vr, "eth3"), 0);
    e->if3 = NULL;
    assert_int_equal(fib_value(vr, "198.18.0.1"), VR_NH_NONE);
    assert_true(fib_value(vr, "198.19.0.1") & VR_NHG_BIT);
    assert_int_equal(vr_nhg_count(vr), 1);
    assert_int_equal(vr->nhs[nh_of(vr, "10.0.3.2")].refcnt, 0);
    assert_int_equal(vr->nhs[a].refcnt, 1);
}

static void refused_check(struct vr *vr, const char *dst, const struct vr_nexthop *mp, unsigned n,
                         const char *msg)
{
    struct vr_route r = {.dst = t_prefix(dst), .n_mp = n, .mp = mp};
    char err[200] = "";

    assert_int_equal(vr_route_check(vr, &r, err, sizeof(err)), -EINVAL);
    if (strstr(err, msg) == NULL)
        fail_msg("expected '%s' in '%s'", msg, err);
}

/* 4. Check that each next hop is checked, and the message names it. */
static void test04_checks(void **state)
{
    struct t_env *e = *state;
    struct vr_nexthop mp[VR_ECMP_MAX + 1];
    struct vr_nexthop bad_type[2] = {via("10.0.2.2"), {.type = NH_BLACKHOLE, .iface = -1}};
    struct vr_nexthop far[2] = {via("10.0.2.2"), via("10.9.9.9")};
    struct vr_nexthop own[2] = {via("10.0.2.2"), via("10.0.3.1")};
    struct vr_nexthop fam[2] = {via("10.0.2.2"), via("2001:db8:2::2")};
    struct vr_nexthop nodev[2] = {via("10.0.2.2"), {.type = NH_CONNECTED, .iface = -1}};
    struct vr_nexthop baddev[2] = {via("10.0.2.2"), {.type = NH_CONNECTED, .iface = 40}};

    for (unsigned i = 0; i <= VR_ECMP_MAX; i++) {
        char gw[32];

        snprintf(gw, sizeof(gw), "10.0.2.%u", 10 + i);
        mp[i] = via(gw);
    }
    refused_check(e->vr, "198.18.0.0/16", mp, VR_ECMP_MAX + 1, "nexthops: 17 next hops; at most 16");
    refused_check(e->vr, "198.18.0.0/16", bad_type, 2, "nexthops[1].type:");
    refused_check(e->vr, "198.18.0.0/16", far, 2, "nexthops[1].via: not on a connected subnet");
    refused_check(e->vr, "198.18.0.0/16", own, 2, "nexthops[1].via: is an address of VR r1");
    refused_check(e->vr, "198.18.0.0/16", fam, 2, "nexthops[1].via: must be an IPv4 address");
    refused_check(e->vr, "198.18.0.0/16", nodev, 2, "nexthops[1].dev: a route without via");
    refused_check(e->vr, "198.18.0.0/16", baddev, 2, "nexthops[1].dev: no such interface");
    /* 16 is fine; a connected member (dev only) too */
    add_mp(e->vr, "198.18.0.0/16", mp, VR_ECMP_MAX);
    assert_int_equal(vr_nhg(e->vr, fib_value(e->vr, "198.18.0.1"))->n, VR_ECMP_MAX);
    {
        struct vr_nexthop conn[2] = {via("10.0.2.2"), {.type = NH_CONNECTED, .iface = 2}};

        add_mp(e->vr, "198.19.0.0/16", conn, 2);
        assert_int_equal(vr_nhg(e->vr, fib_value(e->vr, "198.19.0.1"))->n, 2);
    }
}

/* 5. Check that batches carry groups: the same FIB and counts as one by one,
 *    a later duplicate prefix replacing an earlier group. */
static void test05_batch(void **state)
{
    struct t_env *e = *state;
    struct vr *vr = e->vr;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    struct vr_route rs[5] = {
        {.dst = t_prefix("198.18.0.0/16"), .n_mp = 2, .mp = bc},
        {.dst = t_prefix("198.19.0.0/16"), .type = NH_UNICAST, .gw = t_addr("10.0.3.2"), .iface = -1},
        {.dst = t_prefix("198.20.0.0/16"), .n_mp = 2, .mp = bc},
        {.dst = t_prefix("198.18.0.0/16"), .type = NH_UNICAST, .gw = t_addr("10.0.3.2"), .iface = -1},
        {.dst = t_prefix("198.21.0.0/16"), .type = NH_UNICAST, .gw = t_addr("10.0.3.2"), .iface = -1},
    };
    size_t bad = 99, deleted = 0;
    char err[200];
    uint32_t c;

    assert_int_equal(vr_route_check_batch(vr, rs, 5, &bad, err, sizeof(err)), 0);
    assert_int_equal(vr_route_add_batch(vr, rs, 5), 0);
    c = nh_of(vr, "10.0.3.2");
    assert_int_equal(fib_value(vr, "198.18.0.1"), c);
    assert_int_equal(fib_value(vr, "198.19.0.1"), c);
    assert_int_equal(fib_value(vr, "198.21.0.1"), c);
    assert_true(fib_value(vr, "198.20.0.1") & VR_NHG_BIT);
    assert_int_equal(vr_nhg(vr, fib_value(vr, "198.20.0.1"))->refcnt, 1);
    assert_int_equal(vr->nhs[c].refcnt, 3 + 1);
    assert_int_equal(vr_route_del_batch(vr, rs, 5, &deleted), 0);
    assert_int_equal(deleted, 4);
    assert_int_equal(vr_nhg_count(vr), 0);
    assert_int_equal(vr->nhs[c].refcnt, 0);

    /* a bad member is found with its route's index */
    {
        struct vr_nexthop far[2] = {via("10.0.2.2"), via("10.9.9.9")};

        rs[2].mp = far;
        assert_int_equal(vr_route_check_batch(vr, rs, 5, &bad, err, sizeof(err)), -EINVAL);
        assert_int_equal(bad, 2);
        assert_non_null(strstr(err, "nexthops[1].via"));
    }
}

/* ---- the pipeline ------------------------------------------------------------- */

static void neigh_static(struct vr_iface *ifc, const char *ip, const uint8_t *mac)
{
    struct inet_addr a = t_addr(ip);
    struct neigh *n = neigh_get(ifc->vr->neigh, ifc->index, &a);

    assert_non_null(n);
    memcpy(n->mac, mac, 6);
    n->state = NEIGH_STATIC;
}

/* Send a UDP packet from A to dst with ports (4000, dport) and IPv4 frag
 * field frag; return 2 or 3 for the port it left by (after checking it is
 * the packet, to B's or C's MAC), 0 if none. */
static int send_flow(struct t_env *e, uint32_t dst, uint16_t dport, uint16_t frag)
{
    uint8_t f[512];
    size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, dst, 64, frag, dport, 64);
    struct pbuf *b2, *b3;
    int out = 0;

    assert_int_equal(port_mem_inject(e->p1, f, n), 0);
    assert_int_equal(dp_poll_port(e->dp, e->p1), 1);
    b2 = port_mem_take(e->p2);
    b3 = port_mem_take(e->p3);
    assert_true(b2 == NULL || b3 == NULL);
    if (b2 != NULL) {
        assert_memory_equal(b2->data, T_MAC_B, 6);
        assert_int_equal(t_get32(b2->data + 14 + 16), dst);
        out = 2;
    }
    if (b3 != NULL) {
        assert_memory_equal(b3->data, T_MAC_C, 6);
        assert_int_equal(t_get32(b3->data + 14 + 16), dst);
        out = 3;
    }
    pbuf_free(b2);
    pbuf_free(b3);
    return out;
}

/* 6. Check that flows spread over the members, each flow stays on its
 *    member, and the fragments of a packet all take one member. */
static void test06_hash_spreads_and_sticks(void **state)
{
    struct t_env *e = *state;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    int first[64], count[4] = {0};

    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    neigh_static(e->if3, "10.0.3.2", T_MAC_C);
    add_mp(e->vr, "198.18.0.0/16", bc, 2);
    for (int i = 0; i < 64; i++) {
        first[i] = send_flow(e, T_IP(198, 18, 0, 1), (uint16_t)(1000 + i), 0);
        assert_true(first[i] == 2 || first[i] == 3);
        count[first[i]]++;
    }
    /* 64 flows over 2 members: a fair hash gives each well over 16 */
    assert_true(count[2] >= 16 && count[3] >= 16);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 64; i++)
            assert_int_equal(send_flow(e, T_IP(198, 18, 0, 1), (uint16_t)(1000 + i), 0), first[i]);
    /* destinations spread too (ports fixed) */
    count[2] = count[3] = 0;
    for (int i = 0; i < 64; i++)
        count[send_flow(e, T_IP(198, 18, 1, (uint8_t)i), 53, 0)]++;
    assert_true(count[2] >= 16 && count[3] >= 16);
    /* the first fragment (MF, ports present) and a later one (no ports) agree */
    for (int i = 0; i < 16; i++) {
        uint32_t dst = T_IP(198, 18, 2, (uint8_t)i);

        assert_int_equal(send_flow(e, dst, 9, 0x2000), send_flow(e, dst, 9, 0x0010));
    }
    /* every member of a group of 4 gets some of 256 flows */
    {
        struct vr_nexthop four[4] = {via("10.0.2.2"), via("10.0.3.2"), via("10.0.2.3"),
                                     via("10.0.3.3")};
        const struct nhg *g;
        unsigned hits[4] = {0};
        struct pkt_info pi = {.l3 = PKT_L3_IPV4, .proto = 17, .flags = PKT_F_L4, .sport = 4000};

        add_mp(e->vr, "198.19.0.0/16", four, 4);
        g = vr_nhg(e->vr, fib_value(e->vr, "198.19.0.1"));
        pi.src.v4 = IP_A;
        pi.dst.v4 = T_IP(198, 19, 0, 1);
        for (int i = 0; i < 256; i++) {
            pi.dport = (uint16_t)i;
            hits[vr_nhg_slot(g, vr_flow_hash(e->vr, &pi))]++;
        }
        for (int i = 0; i < 4; i++)
            assert_true(hits[i] >= 32);
    }
}

/* 7. Check that a member whose neighbour is unresolved is asked for, its
 *    flows meanwhile take a member that can send, and come back once it
 *    answers. */
static void test07_unresolved_member(void **state)
{
    struct t_env *e = *state;
    struct vr_nexthop bc[2] = {via("10.0.2.2"), via("10.0.3.2")};
    int moved = -1, n3 = 0;
    struct inet_addr cgw = t_addr("10.0.3.2");
    struct neigh *nc;
    uint8_t r[64];
    size_t k;

    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    add_mp(e->vr, "198.18.0.0/16", bc, 2);
    for (int i = 0; i < 32; i++) {
        uint8_t f[512];
        size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(198, 18, 0, 1), 64, 0,
                          (uint16_t)(1000 + i), 64);
        struct pbuf *b;

        assert_int_equal(port_mem_inject(e->p1, f, n), 0);
        assert_int_equal(dp_poll_port(e->dp, e->p1), 1);
        b = port_mem_take(e->p2);
        assert_non_null(b); /* every flow leaves, by B */
        assert_memory_equal(b->data, T_MAC_B, 6);
        pbuf_free(b);
        /* C is asked for once (broadcast ARP on p3), then waits for its answer */
        while ((b = port_mem_take(e->p3)) != NULL) {
            assert_int_equal(t_get16(b->data + 12), 0x0806);
            assert_int_equal(t_get32(b->data + 14 + 24), T_IP(10, 0, 3, 2));
            n3++;
            pbuf_free(b);
        }
    }
    assert_int_equal(n3, 1);
    nc = neigh_find(e->vr->neigh, e->if3->index, &cgw);
    assert_non_null(nc);
    assert_int_equal(nc->state, NEIGH_INCOMPLETE);
    assert_int_equal(nc->q.len, 0); /* nothing waits: it went by B */

    /* C answers: its flows go back to it */
    k = t_arp(r, T_MAC_IF3, T_MAC_C, 2, T_MAC_C, T_IP(10, 0, 3, 2), T_MAC_IF3, T_IP(10, 0, 3, 1));
    assert_int_equal(port_mem_inject(e->p3, r, k), 0);
    assert_int_equal(dp_poll_port(e->dp, e->p3), 1);
    t_drain(e->p3);
    for (int i = 0; i < 32; i++)
        if (send_flow(e, T_IP(198, 18, 0, 1), (uint16_t)(1000 + i), 0) == 3)
            moved = i;
    assert_true(moved >= 0);

    /* no member can send: the packet waits on its own member, which is asked for */
    {
        struct vr_nexthop de[2] = {via("10.0.2.9"), via("10.0.3.9")};
        struct inet_addr d = t_addr("10.0.2.9"), f9 = t_addr("10.0.3.9");
        struct neigh *nd, *nf;
        uint8_t f[512];
        size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(198, 19, 0, 1), 64, 0, 7, 64);

        add_mp(e->vr, "198.19.0.0/16", de, 2);
        assert_int_equal(port_mem_inject(e->p1, f, n), 0);
        assert_int_equal(dp_poll_port(e->dp, e->p1), 1);
        assert_int_equal(t_drain(e->p2), 1); /* both asked for */
        assert_int_equal(t_drain(e->p3), 1);
        nd = neigh_find(e->vr->neigh, e->if2->index, &d);
        nf = neigh_find(e->vr->neigh, e->if3->index, &f9);
        assert_non_null(nd);
        assert_non_null(nf);
        assert_int_equal(nd->q.len + nf->q.len, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test01_group_dedup_refcount, setup, teardown),
        cmocka_unit_test_setup_teardown(test02_replace_single_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test03_iface_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test04_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test05_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test06_hash_spreads_and_sticks, setup, teardown),
        cmocka_unit_test_setup_teardown(test07_unresolved_member, setup, teardown),
    };

    return cmocka_run_group_tests_name("dp_ecmp", tests, NULL, NULL);
}
