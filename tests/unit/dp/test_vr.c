/*
 * test_vr.c - a virtual router's bookkeeping (src/dp/vr.c, dp.c): VRs and
 * interfaces, their local and connected routes, routes from the API and the
 * next hops they share, route checks, and what goes with a deleted
 * interface. Packets: test_pipeline.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "dp_test.h"

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

static const struct nh *lookup(const struct vr *vr, const char *a)
{
    struct inet_addr x = t_addr(a);

    return vr_route_lookup(vr, &x);
}

/* The route for dst is a next hop of type via gw (or no gw) on iface. */
static void expect_nh(const struct vr *vr, const char *dst, enum nh_type type,
                      const struct vr_iface *ifc, const char *gw)
{
    const struct nh *nh = lookup(vr, dst);

    assert_non_null(nh);
    assert_int_equal(nh->type, type);
    if (ifc != NULL)
        assert_int_equal(nh->iface, ifc->index);
    if (gw != NULL) {
        struct inet_addr g = t_addr(gw);

        assert_int_equal(nh->gw.family, g.family);
        assert_memory_equal(nh->gw.u.bytes, g.u.bytes, g.family == AF_INET ? 4 : 16);
    }
}

static int check(struct vr *vr, const char *dst, enum nh_type type, const char *gw, int iface)
{
    struct vr_route r = {.dst = t_prefix(dst), .type = type, .iface = iface};
    char err[128] = "";
    int rc;

    if (gw != NULL)
        r.gw = t_addr(gw);
    rc = vr_route_check(vr, &r, err, sizeof(err));
    if (rc != 0)
        assert_true(strlen(err) > 0);
    return rc;
}

static int del(struct vr *vr, const char *dst)
{
    struct inet_prefix p = t_prefix(dst);

    return vr_route_del(vr, &p);
}

/* 14a. Each interface address gives a local (/32, /128) and a connected
 * route on its interface; the rest of the subnet and other addresses fall
 * through; route counts add up. */
static void test14a_local_and_connected(void **state)
{
    struct t_env *e = *state;

    expect_nh(e->vr, "10.0.1.1", NH_LOCAL, e->if1, NULL);
    expect_nh(e->vr, "10.0.1.77", NH_CONNECTED, e->if1, NULL);
    expect_nh(e->vr, "10.0.1.255", NH_CONNECTED, e->if1, NULL);
    expect_nh(e->vr, "10.0.2.1", NH_LOCAL, e->if2, NULL);
    expect_nh(e->vr, "10.0.3.9", NH_CONNECTED, e->if3, NULL);
    expect_nh(e->vr, "2001:db8:1::1", NH_LOCAL, e->if1, NULL);
    expect_nh(e->vr, "2001:db8:1::abcd", NH_CONNECTED, e->if1, NULL);
    expect_nh(e->vr, "2001:db8:2::1", NH_LOCAL, e->if2, NULL);
    expect_nh(e->vr, "fe80::2:1", NH_LOCAL, e->if2, NULL);
    expect_nh(e->vr, "192.0.2.1", NH_UNICAST, e->if2, "10.0.2.2");
    assert_null(lookup(e->vr, "10.0.4.1"));
    assert_null(lookup(e->vr, "2001:db8:3::1"));
    /* IPv4: 3 x (local + connected) + 4 API routes; IPv6: 2 x 2 x 2 - 1 (fe80::/64 shared) + 2 API
     */
    assert_int_equal(vr_route_count(e->vr, AF_INET), 10);
    assert_int_equal(vr_route_count(e->vr, AF_INET6), 9);
    assert_ptr_equal(vr_addr_owner(e->vr, &(struct inet_addr){0}), NULL);
    {
        struct inet_addr a = t_addr("10.0.3.1"), s;

        assert_ptr_equal(vr_addr_owner(e->vr, &a), e->if3);
        /* ICMP source: eth3 has no IPv6 address; any of the VR's will do */
        assert_int_equal(vr_iface_source(e->if3, AF_INET6, &s), 0);
        assert_int_equal(s.family, AF_INET6);
        assert_int_equal(vr_iface_source(e->if1, AF_INET6, &s), 0);
        a = t_addr("2001:db8:1::1");
        assert_memory_equal(&s.u.v6, &a.u.v6, 16); /* global before link-local */
    }
}

/* 14b. A route from the API for a connected or local prefix neither replaces
 * it nor removes it. */
static void test14b_api_cannot_override_connected(void **state)
{
    struct t_env *e = *state;
    size_t n4 = vr_route_count(e->vr, AF_INET);

    t_route(e->vr, "10.0.1.0/24", NH_UNICAST, "10.0.2.2");
    t_route(e->vr, "10.0.1.1/32", NH_BLACKHOLE, NULL);
    t_route(e->vr, "2001:db8:1::/64", NH_UNICAST, "2001:db8:2::2");
    expect_nh(e->vr, "10.0.1.77", NH_CONNECTED, e->if1, NULL);
    expect_nh(e->vr, "10.0.1.1", NH_LOCAL, e->if1, NULL);
    expect_nh(e->vr, "2001:db8:1::77", NH_CONNECTED, e->if1, NULL);
    assert_int_equal(del(e->vr, "10.0.1.0/24"), 0);
    assert_int_equal(del(e->vr, "10.0.1.1/32"), 0);
    expect_nh(e->vr, "10.0.1.77", NH_CONNECTED, e->if1, NULL);
    expect_nh(e->vr, "10.0.1.1", NH_LOCAL, e->if1, NULL);
    assert_int_equal(vr_route_count(e->vr, AF_INET), n4);
    /* more specific than connected: allowed, and wins */
    t_route(e->vr, "10.0.1.128/25", NH_UNICAST, "10.0.2.2");
    expect_nh(e->vr, "10.0.1.200", NH_UNICAST, e->if2, "10.0.2.2");
    expect_nh(e->vr, "10.0.1.100", NH_CONNECTED, e->if1, NULL);
}

/* 14c. Deleting an interface removes its local and connected routes, the
 * routes through it and its neighbours, and nothing else. */
static void test14c_iface_delete(void **state)
{
    struct t_env *e = *state;
    struct inet_addr nb = t_addr("10.0.2.2"), na = t_addr("10.0.1.2");
    uint16_t i2 = e->if2->index;

    t_route(e->vr, "10.10.0.0/16", NH_UNICAST, "10.0.1.2");
    assert_non_null(neigh_get(e->vr->neigh, i2, &nb));
    assert_non_null(neigh_get(e->vr->neigh, e->if1->index, &na));
    assert_int_equal(dp_iface_delete(e->dp, e->vr, "eth2"), 0);
    assert_null(vr_iface_find(e->vr, "eth2"));
    assert_null(e->vr->ifaces[i2]);
    assert_null(e->p2->owner);
    assert_null(lookup(e->vr, "10.0.2.1"));
    assert_null(lookup(e->vr, "10.0.2.9"));
    assert_null(lookup(e->vr, "192.0.2.1"));      /* via 10.0.2.2 */
    assert_null(lookup(e->vr, "2001:db8:99::1")); /* via 2001:db8:2::2 */
    assert_null(lookup(e->vr, "2001:db8:2::1"));
    assert_null(neigh_find(e->vr->neigh, i2, &nb));
    assert_non_null(neigh_find(e->vr->neigh, e->if1->index, &na));
    expect_nh(e->vr, "10.10.1.1", NH_UNICAST, e->if1, "10.0.1.2");
    expect_nh(e->vr, "10.0.1.1", NH_LOCAL, e->if1, NULL);
    expect_nh(e->vr, "198.51.100.1", NH_BLACKHOLE, NULL, NULL);
    expect_nh(e->vr, "203.0.113.1", NH_UNREACHABLE, NULL, NULL);
    /* eth1's link-local subnet, which eth2 had too, is still eth1's */
    expect_nh(e->vr, "fe80::1:1", NH_LOCAL, e->if1, NULL);
    expect_nh(e->vr, "fe80::1:5", NH_CONNECTED, e->if1, NULL);
    assert_int_equal(dp_iface_delete(e->dp, e->vr, "eth2"), -ENOENT);
    /* and the name and addresses can be used again */
    {
        static const char *const a[] = {"10.0.2.1/24", NULL};
        struct vr_iface *n = t_iface(e->vr, "eth2", T_MAC_IF2, 1500, a);

        expect_nh(e->vr, "10.0.2.1", NH_LOCAL, n, NULL);
        expect_nh(e->vr, "10.0.2.9", NH_CONNECTED, n, NULL);
    }
}

/* 14d. Routes via one gateway share one next hop, and so do blackholes; a
 * next hop whose routes are gone is found again by the next route. */
static void test14d_next_hops_shared(void **state)
{
    struct t_env *e = *state;
    uint32_t n0 = e->vr->n_nhs;
    const struct nh *nh;
    char p[64];

    for (int i = 0; i < 2000; i++) {
        snprintf(p, sizeof(p), "172.%d.%d.0/24", 16 + i / 256, i % 256);
        t_route(e->vr, p, NH_UNICAST, "10.0.2.2");
        snprintf(p, sizeof(p), "2001:db8:%x::/48", 0x1000 + i);
        t_route(e->vr, p, NH_BLACKHOLE, NULL);
    }
    assert_int_equal(e->vr->n_nhs, n0);
    nh = lookup(e->vr, "172.16.5.5");
    assert_int_equal(nh->refcnt, 2001); /* with 192.0.2.0/24 */
    t_route(e->vr, "172.99.0.0/16", NH_UNICAST, "10.0.2.3");
    assert_int_equal(e->vr->n_nhs, n0 + 1);
    nh = lookup(e->vr, "172.99.1.1");
    assert_int_equal(nh->refcnt, 1);
    assert_int_equal(del(e->vr, "172.99.0.0/16"), 0);
    assert_int_equal(e->vr->nhs[n0].refcnt, 0);
    t_route(e->vr, "172.98.0.0/16", NH_UNICAST, "10.0.2.3");
    assert_int_equal(e->vr->n_nhs, n0 + 1);
    assert_int_equal(e->vr->nhs[n0].refcnt, 1);
    assert_int_equal(vr_route_count(e->vr, AF_INET), 10 + 2000 + 1);
}

/* 14e. vr_route_check refuses, naming the field: a gateway off every
 * connected subnet (unless dev is given), the VR's own address, a gateway
 * of the other family, an unknown interface, dev-less connected routes,
 * types the API does not set, a prefix of no family. */
static void test14e_route_check(void **state)
{
    struct t_env *e = *state;
    struct vr_route r = {.type = NH_BLACKHOLE, .iface = -1};
    char err[128];

    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.2.3", -1), 0);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "10.9.9.9", -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "10.9.9.9", e->if2->index), 0);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.2.1", -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.1.1", -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, "2001:db8:2::2", -1), -EINVAL);
    assert_int_equal(check(e->vr, "2001:db8:5::/48", NH_UNICAST, "10.0.2.2", -1), -EINVAL);
    assert_int_equal(check(e->vr, "2001:db8:5::/48", NH_UNICAST, "2001:db8:2::2", -1), 0);
    assert_int_equal(check(e->vr, "2001:db8:5::/48", NH_UNICAST, "2001:db8:2::1", -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_UNICAST, NULL, -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_BLACKHOLE, NULL, 40), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_BLACKHOLE, NULL, VR_IFACES_MAX), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_CONNECTED, NULL, -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_CONNECTED, NULL, e->if3->index), 0);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_LOCAL, NULL, e->if3->index), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", (enum nh_type)99, NULL, -1), -EINVAL);
    assert_int_equal(check(e->vr, "192.0.2.0/24", NH_PROHIBIT, NULL, -1), 0);
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    /* prefixes the FIB would refuse (or truncate) after the check said yes */
    r.dst = t_prefix("192.0.2.0/24");
    r.dst.len = 33;
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    r.dst.len = 32 + 256; /* (uint8_t) would make it a /32 */
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    r.dst = t_ifaddr("192.0.2.1/24"); /* host bits */
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    r.dst = t_ifaddr("2001:db8:5::1/48");
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    r.dst = t_prefix("2001:db8:5::/48");
    r.dst.len = 129;
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), -EINVAL);
    r.dst = t_prefix("0.0.0.0/0");
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), 0);
    r.dst = t_prefix("::/0");
    assert_int_equal(vr_route_check(e->vr, &r, err, sizeof(err)), 0);
}

/* 14f. Adding a route for a prefix that has one replaces its next hop, and
 * releases the old one. */
static void test14f_route_replace(void **state)
{
    struct t_env *e = *state;
    size_t n4 = vr_route_count(e->vr, AF_INET);
    const struct nh *old = lookup(e->vr, "192.0.2.1");
    uint32_t refs = old->refcnt;

    t_route(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.2.3");
    expect_nh(e->vr, "192.0.2.1", NH_UNICAST, e->if2, "10.0.2.3");
    assert_int_equal(old->refcnt, refs - 1);
    t_route(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.1.2");
    expect_nh(e->vr, "192.0.2.1", NH_UNICAST, e->if1, "10.0.1.2");
    t_route(e->vr, "192.0.2.0/24", NH_BLACKHOLE, NULL);
    expect_nh(e->vr, "192.0.2.1", NH_BLACKHOLE, NULL, NULL);
    /* the same route again changes nothing, references included */
    refs = lookup(e->vr, "192.0.2.1")->refcnt;
    t_route(e->vr, "192.0.2.0/24", NH_BLACKHOLE, NULL);
    assert_int_equal(lookup(e->vr, "192.0.2.1")->refcnt, refs);
    assert_int_equal(vr_route_count(e->vr, AF_INET), n4);
    t_route(e->vr, "2001:db8:99::/48", NH_UNICAST, "2001:db8:1::2");
    expect_nh(e->vr, "2001:db8:99::1", NH_UNICAST, e->if1, "2001:db8:1::2");
}

/* 14g. Deleting a more specific route uncovers the covering one; deleting
 * what is not there is -ENOENT. */
static void test14g_delete_uncovers(void **state)
{
    struct t_env *e = *state;

    t_route(e->vr, "192.0.2.128/25", NH_UNICAST, "10.0.2.3");
    t_route(e->vr, "0.0.0.0/0", NH_UNICAST, "10.0.1.2");
    t_route(e->vr, "2001:db8:99:1::/64", NH_BLACKHOLE, NULL);
    expect_nh(e->vr, "192.0.2.200", NH_UNICAST, e->if2, "10.0.2.3");
    expect_nh(e->vr, "192.0.2.100", NH_UNICAST, e->if2, "10.0.2.2");
    expect_nh(e->vr, "2001:db8:99:1::1", NH_BLACKHOLE, NULL, NULL);
    assert_int_equal(del(e->vr, "192.0.2.128/25"), 0);
    expect_nh(e->vr, "192.0.2.200", NH_UNICAST, e->if2, "10.0.2.2");
    assert_int_equal(del(e->vr, "192.0.2.0/24"), 0);
    expect_nh(e->vr, "192.0.2.200", NH_UNICAST, e->if1, "10.0.1.2");
    assert_int_equal(del(e->vr, "2001:db8:99:1::/64"), 0);
    expect_nh(e->vr, "2001:db8:99:1::1", NH_UNICAST, e->if2, "2001:db8:2::2");
    assert_int_equal(del(e->vr, "192.0.2.0/24"), -ENOENT);
    assert_int_equal(del(e->vr, "192.0.2.0/25"), -ENOENT);
    assert_int_equal(del(e->vr, "2001:db8:77::/48"), -ENOENT);
    assert_int_equal(del(e->vr, "0.0.0.0/0"), 0);
    assert_null(lookup(e->vr, "192.0.2.200"));
}

/* 14h. VRs and interfaces refuse bad input with -errno and a reason, and
 * change nothing: duplicate names, bad names, MTU out of range, a multicast
 * or zero MAC, an address the VR has, an address given twice, a subnet of
 * another interface, an address of no family or too long a length. */
static void test14h_bad_input(void **state)
{
    struct t_env *e = *state;
    static const uint8_t mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};
    struct inet_prefix a[2] = {t_ifaddr("10.0.9.1/24"), t_ifaddr("10.0.9.1/24")};
    struct inet_prefix dup = t_ifaddr("fe80::1:1/64"), overlap = t_ifaddr("10.0.1.9/25");
    char err[128];
    struct vr *v;

    assert_null(dp_vr_create(e->dp, "r1", err, sizeof(err)));
    assert_int_equal(errno, EEXIST);
    assert_null(dp_vr_create(e->dp, "bad name", err, sizeof(err)));
    assert_null(dp_vr_create(e->dp, "", err, sizeof(err)));
    assert_null(dp_vr_create(e->dp, "a-very-long-name-of-more-than-31-chars", err, sizeof(err)));
    v = dp_vr_create(e->dp, "r2", err, sizeof(err));
    assert_non_null(v);
    assert_ptr_equal(dp_vr_find(e->dp, "r2"), v);
    assert_int_not_equal(v->id, e->vr->id);
    assert_int_equal(dp_vr_delete(e->dp, "r2"), 0);
    assert_int_equal(dp_vr_delete(e->dp, "r2"), -ENOENT);
    assert_null(dp_vr_find(e->dp, "r2"));

    assert_int_equal(vr_iface_add(e->vr, "eth1", T_MAC_C, 1500, a, 1, err, sizeof(err)), -EEXIST);
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 67, a, 1, err, sizeof(err)), -EINVAL);
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 9200, a, 1, err, sizeof(err)), -EINVAL);
    assert_int_equal(vr_iface_add(e->vr, "eth9", mcast, 1500, a, 1, err, sizeof(err)), -EINVAL);
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_ZERO, 1500, a, 1, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, a, 2, err, sizeof(err)), -EINVAL);
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, &dup, 1, err, sizeof(err)),
                     -EEXIST);
    /* another interface's subnet; link-local ones (every interface's fe80::/64) are fine */
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, &overlap, 1, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(
        vr_iface_add(e->vr, "eth-name-too-long", T_MAC_C, 1500, a, 1, err, sizeof(err)), -EINVAL);
    /* addresses of no family or with a length past it */
    a[1] = t_ifaddr("10.0.8.1/24");
    a[1].addr.family = AF_UNSPEC;
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, a, 2, err, sizeof(err)), -EINVAL);
    a[1] = t_ifaddr("10.0.8.1/24");
    a[1].len = 33;
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, a, 2, err, sizeof(err)), -EINVAL);
    a[1] = t_ifaddr("2001:db8:8::1/64");
    a[1].len = 129;
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, a, 2, err, sizeof(err)), -EINVAL);
    assert_null(vr_iface_find(e->vr, "eth9"));
    assert_null(lookup(e->vr, "10.0.9.1"));
    assert_null(lookup(e->vr, "10.0.8.1"));
    assert_int_equal(vr_iface_add(e->vr, "eth9", T_MAC_C, 1500, a, 1, err, sizeof(err)), 0);
    expect_nh(e->vr, "10.0.9.1", NH_LOCAL, vr_iface_find(e->vr, "eth9"), NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test14a_local_and_connected, setup, teardown),
        cmocka_unit_test_setup_teardown(test14b_api_cannot_override_connected, setup, teardown),
        cmocka_unit_test_setup_teardown(test14c_iface_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test14d_next_hops_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test14e_route_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test14f_route_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test14g_delete_uncovers, setup, teardown),
        cmocka_unit_test_setup_teardown(test14h_bad_input, setup, teardown),
    };

    return cmocka_run_group_tests_name("dp_vr", tests, NULL, NULL);
}
