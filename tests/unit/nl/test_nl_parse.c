/*
 * test_nl_parse.c - the route, nexthop and link message parsers of
 * src/nl/parse.c on hand-built messages: what the kernel sends is
 * understood (gateways, RTA_VIA, RTA_MULTIPATH, nexthop objects and
 * groups), and every malformed message is refused without touching the
 * caches or calling back. Needs no privileges.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "nl/nl_impl.h"
#include "nl_test.h"

static char buf[8192];
static struct nl_cache cache;
static struct nlt_rec rec;

static int setup(void **state)
{
    (void)state;
    nl_cache_init(&cache);
    cache.cb = nlt_rec_cb;
    cache.arg = &rec;
    memset(&rec, 0, sizeof(rec));
    memset(buf, 0, sizeof(buf));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nl_cache_clear(&cache);
    return 0;
}

static void addr(int family, const char *text, uint8_t out[16])
{
    memset(out, 0, 16);
    assert_int_equal(inet_pton(family, text, out), 1);
}

/* An RTM_NEWROUTE header for family dst/len in the main table. */
static struct nlmsghdr *route_msg(uint16_t type, int family, const char *dst, uint8_t len)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    uint8_t a[16];

    nlh->nlmsg_type = type;
    rtm->rtm_family = (uint8_t)family;
    rtm->rtm_dst_len = len;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_STATIC;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
    addr(family, dst, a);
    mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, a);
    return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, int family, const char *text)
{
    uint8_t a[16];

    addr(family, text, a);
    mnl_attr_put(nlh, type, family == AF_INET ? 4 : 16, a);
}

static struct nlmsghdr *nh_msg(char *b, uint32_t id, int family, const char *gw, int oif)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
    struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));

    nlh->nlmsg_type = RTM_NEWNEXTHOP;
    nhm->nh_family = (uint8_t)family;
    mnl_attr_put_u32(nlh, NHA_ID, id);
    if (gw) {
        uint8_t a[16];

        addr(family, gw, a);
        mnl_attr_put(nlh, NHA_GATEWAY, family == AF_INET ? 4 : 16, a);
    }
    if (oif)
        mnl_attr_put_u32(nlh, NHA_OIF, (uint32_t)oif);
    return nlh;
}

static void feed_ok(struct nlmsghdr *nlh)
{
    unsigned long bad = cache.n_bad;

    assert_int_equal(nl_cache_feed(&cache, nlh, nlh->nlmsg_len), 1);
    assert_int_equal(cache.n_bad, bad);
}

/* Feed a message that must be refused: counted, no callback. */
static void feed_bad(const void *msg, size_t len)
{
    unsigned long bad = cache.n_bad;
    unsigned calls = rec.n_add + rec.n_del;

    nl_cache_feed(&cache, msg, len);
    assert_int_equal(cache.n_bad, bad + 1);
    assert_int_equal(rec.n_add + rec.n_del, calls);
}

/* 1. Check that an IPv4 route with gateway, device and metric is parsed exactly. */
static void test01_ipv4_gateway(void **state)
{
    struct nlmsghdr *nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    char gw[64];

    (void)state;
    put_addr(nlh, RTA_GATEWAY, AF_INET, "192.0.2.2");
    mnl_attr_put_u32(nlh, RTA_OIF, 7);
    mnl_attr_put_u32(nlh, RTA_PRIORITY, 20);
    feed_ok(nlh);
    assert_int_equal(rec.n_add, 1);
    assert_int_equal(rec.last.family, AF_INET);
    assert_int_equal(rec.last.dst_len, 16);
    assert_int_equal(rec.last.dst[0], 10);
    assert_int_equal(rec.last.dst[1], 1);
    assert_int_equal(rec.last.table, RT_TABLE_MAIN);
    assert_int_equal(rec.last.protocol, RTPROT_STATIC);
    assert_int_equal(rec.last.type, RTN_UNICAST);
    assert_int_equal(rec.last.priority, 20);
    assert_int_equal(rec.last.nh_id, 0);
    assert_int_equal(rec.last.n_nexthops, 1);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "192.0.2.2");
    assert_int_equal(rec.last.nh[0].ifindex, 7);
    assert_int_equal(rec.last.nh[0].weight, 1);
}

/* 2. Check that an IPv4 route over an IPv6 gateway (RTA_VIA) keeps the gateway's family. */
static void test02_via(void **state)
{
    struct nlmsghdr *nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.2.0.0", 16);
    char via[sizeof(struct rtvia) + 16], gw[64];
    struct rtvia v = {.rtvia_family = AF_INET6};

    (void)state;
    memcpy(via, &v, sizeof(v));
    addr(AF_INET6, "fe80::1", (uint8_t *)via + sizeof(v));
    mnl_attr_put(nlh, RTA_VIA, sizeof(via), via);
    mnl_attr_put_u32(nlh, RTA_OIF, 3);
    feed_ok(nlh);
    assert_int_equal(rec.last.n_nexthops, 1);
    assert_int_equal(rec.last.nh[0].gw_family, AF_INET6);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "fe80::1");
}

/* Append an RTA_MULTIPATH with n gateways 2001:db8::N (or 10.0.0.N), weight N. */
static void put_multipath(struct nlmsghdr *nlh, int family, unsigned n)
{
    struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

    for (unsigned i = 1; i <= n; i++) {
        struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);
        size_t start = nlh->nlmsg_len;
        char text[64];

        memset(rtnh, 0, sizeof(*rtnh));
        nlh->nlmsg_len += RTNH_ALIGN(sizeof(*rtnh));
        rtnh->rtnh_ifindex = (int)(10 + i);
        rtnh->rtnh_hops = (uint8_t)(i - 1);
        snprintf(text, sizeof(text), family == AF_INET ? "10.0.0.%u" : "2001:db8::%u", i);
        put_addr(nlh, RTA_GATEWAY, family, text);
        rtnh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
    }
    mnl_attr_nest_end(nlh, mp);
}

/* 3. Check that RTA_MULTIPATH (ECMP) gives every nexthop with its device and weight. */
static void test03_multipath(void **state)
{
    struct nlmsghdr *nlh = route_msg(RTM_NEWROUTE, AF_INET6, "2001:db8:1::", 48);
    char gw[64];

    (void)state;
    put_multipath(nlh, AF_INET6, 3);
    feed_ok(nlh);
    assert_int_equal(rec.last.n_nexthops, 3);
    for (unsigned i = 0; i < 3; i++) {
        char want[64];

        snprintf(want, sizeof(want), "2001:db8::%u", i + 1);
        assert_string_equal(nlt_gw(&rec.last, i, gw), want);
        assert_int_equal(rec.last.nh[i].ifindex, 11 + i);
        assert_int_equal(rec.last.nh[i].weight, i + 1);
    }
}

/* 4. Check that a route naming a nexthop object (RTA_NH_ID) resolves to its gateway and device. */
static void test04_nhid(void **state)
{
    char b[512], gw[64];
    struct nlmsghdr *nlh;

    (void)state;
    feed_ok(nh_msg(b, 10, AF_INET, "192.0.2.9", 4));
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.3.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 10);
    feed_ok(nlh);
    assert_int_equal(rec.last.nh_id, 10);
    assert_int_equal(rec.last.n_nexthops, 1);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "192.0.2.9");
    assert_int_equal(rec.last.nh[0].ifindex, 4);
}

/* 5. Check that a nexthop group resolves to its members with their weights, and a blackhole object
 * to RTN_BLACKHOLE. */
static void test05_nh_group(void **state)
{
    char b[512], gw[64];
    struct nlmsghdr *nlh;
    struct nexthop_grp g[2] = {{.id = 1, .weight = 0}, {.id = 2, .weight = 4}};

    (void)state;
    feed_ok(nh_msg(b, 1, AF_INET, "10.0.0.1", 5));
    feed_ok(nh_msg(b, 2, AF_INET6, "fe80::2", 6));
    nlh = nh_msg(b, 3, AF_UNSPEC, NULL, 0);
    mnl_attr_put(nlh, NHA_GROUP, sizeof(g), g);
    feed_ok(nlh);
    nlh = nh_msg(b, 4, AF_UNSPEC, NULL, 0);
    mnl_attr_put(nlh, NHA_BLACKHOLE, 0, NULL);
    feed_ok(nlh);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.4.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 3);
    feed_ok(nlh);
    assert_int_equal(rec.last.n_nexthops, 2);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "10.0.0.1");
    assert_int_equal(rec.last.nh[0].weight, 1);
    assert_int_equal(rec.last.nh[0].ifindex, 5);
    assert_string_equal(nlt_gw(&rec.last, 1, gw), "fe80::2");
    assert_int_equal(rec.last.nh[1].gw_family, AF_INET6);
    assert_int_equal(rec.last.nh[1].weight, 5);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.5.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 4);
    feed_ok(nlh);
    assert_int_equal(rec.last.type, RTN_BLACKHOLE);
    assert_int_equal(rec.last.n_nexthops, 0);
}

/* 6. Check that an unknown nexthop id falls back to the kernel's expanded copy, or asks for a
 * resync. */
static void test06_nhid_unknown(void **state)
{
    struct nlmsghdr *nlh;
    char gw[64];

    (void)state;
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.6.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 99);
    put_addr(nlh, RTA_GATEWAY, AF_INET, "10.0.0.6");
    mnl_attr_put_u32(nlh, RTA_OIF, 2);
    feed_ok(nlh);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "10.0.0.6");
    assert_false(cache.need_resync);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.7.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 99);
    nl_cache_feed(&cache, nlh, nlh->nlmsg_len);
    assert_int_equal(rec.n_add, 1);
    assert_true(cache.need_resync);
}

/* 7. Check that a replaced nexthop object is used by later routes, and a deleted one is forgotten.
 */
static void test07_nh_replace_delete(void **state)
{
    char b[512], gw[64];
    struct nlmsghdr *nlh;

    (void)state;
    feed_ok(nh_msg(b, 10, AF_INET, "192.0.2.1", 4));
    feed_ok(nh_msg(b, 10, AF_INET, "192.0.2.2", 5));
    assert_int_equal(nl_cache_nh(&cache, 10)->ifindex, 5);
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.8.0.0", 16);
    mnl_attr_put_u32(nlh, RTA_NH_ID, 10);
    feed_ok(nlh);
    assert_string_equal(nlt_gw(&rec.last, 0, gw), "192.0.2.2");
    nlh = nh_msg(b, 10, AF_INET, NULL, 0);
    nlh->nlmsg_type = RTM_DELNEXTHOP;
    feed_ok(nlh);
    assert_null(nl_cache_nh(&cache, 10));
    assert_true(cache.need_resync); /* a route used it: the kernel dropped it silently */
}

/* 8. Check that RTM_DELROUTE is delivered as a delete, and cached clones are skipped. */
static void test08_del_and_cloned(void **state)
{
    struct nlmsghdr *nlh = route_msg(RTM_DELROUTE, AF_INET6, "2001:db8:9::", 64);
    struct rtmsg *rtm;

    (void)state;
    feed_ok(nlh);
    assert_int_equal(rec.n_del, 1);
    assert_int_equal(rec.last_ev, NL_ROUTE_DEL);
    nlh = route_msg(RTM_NEWROUTE, AF_INET6, "2001:db8:9::1", 128);
    rtm = mnl_nlmsg_get_payload(nlh);
    rtm->rtm_flags |= RTM_F_CLONED;
    feed_ok(nlh);
    assert_int_equal(rec.n_add, 0);
}

/* 9. Check that routes of another table are not delivered when one table is followed. */
static void test09_table_filter(void **state)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

    (void)state;
    cache.table = RT_TABLE_MAIN;
    nlh->nlmsg_type = RTM_NEWROUTE;
    rtm->rtm_family = AF_INET;
    rtm->rtm_table = RT_TABLE_UNSPEC;
    mnl_attr_put_u32(nlh, RTA_TABLE, 1000);
    feed_ok(nlh);
    assert_int_equal(rec.n_add, 0);
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "0.0.0.0", 0);
    feed_ok(nlh);
    assert_int_equal(rec.n_add, 1);
}

/* 10. Check that link messages fill, rename and empty the ifindex -> name cache. */
static void test10_links(void **state)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

    (void)state;
    nlh->nlmsg_type = RTM_NEWLINK;
    ifi->ifi_index = 42;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
    feed_ok(nlh);
    assert_string_equal(nl_cache_link_name(&cache, 42), "eth0");

    nlh = mnl_nlmsg_put_header(buf);
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    nlh->nlmsg_type = RTM_NEWLINK;
    ifi->ifi_index = 42;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "wan0");
    feed_ok(nlh);
    assert_string_equal(nl_cache_link_name(&cache, 42), "wan0");

    nlh->nlmsg_type = RTM_DELLINK;
    feed_ok(nlh);
    assert_null(nl_cache_link_name(&cache, 42));
}

/* 11. Check that malformed route messages are refused: short header, lengths, sizes, prefix. */
static void test11_malformed_route(void **state)
{
    struct nlmsghdr *nlh;
    struct nlattr *a;

    (void)state;
    /* header only, no struct rtmsg */
    nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWROUTE;
    feed_bad(nlh, nlh->nlmsg_len);

    /* an attribute claiming more bytes than the message holds */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    a = mnl_nlmsg_get_payload_tail(nlh);
    mnl_attr_put_u32(nlh, RTA_OIF, 1);
    a->nla_len = 64;
    feed_bad(nlh, nlh->nlmsg_len);

    /* RTA_DST of 3 bytes */
    nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWROUTE;
    ((struct rtmsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)))->rtm_family = AF_INET;
    ((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 8;
    mnl_attr_put(nlh, RTA_DST, 3, "\x0a\x00\x00");
    feed_bad(nlh, nlh->nlmsg_len);

    /* prefix length 33 */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    ((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_dst_len = 33;
    feed_bad(nlh, nlh->nlmsg_len);

    /* a u32 attribute of 2 bytes */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    mnl_attr_put_u16(nlh, RTA_PRIORITY, 5);
    feed_bad(nlh, nlh->nlmsg_len);

    /* a gateway of the wrong size */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    put_addr(nlh, RTA_GATEWAY, AF_INET6, "2001:db8::1");
    feed_bad(nlh, nlh->nlmsg_len);

    /* 8 bytes after the last attribute that are no attribute */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    memset(mnl_nlmsg_get_payload_tail(nlh), 0, 8);
    ((struct nlattr *)mnl_nlmsg_get_payload_tail(nlh))->nla_len = 2;
    nlh->nlmsg_len += 8;
    feed_bad(nlh, nlh->nlmsg_len);

    /* unknown family */
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    ((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_family = AF_PACKET;
    feed_bad(nlh, nlh->nlmsg_len);
}

/* 12. Check that malformed RTA_MULTIPATH is refused: bad rtnh_len, too many nexthops. */
static void test12_malformed_multipath(void **state)
{
    struct nlmsghdr *nlh;
    struct nlattr *mp;
    struct rtnexthop *rtnh;

    (void)state;
    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    mp = mnl_nlmsg_get_payload_tail(nlh);
    put_multipath(nlh, AF_INET, 2);
    rtnh = mnl_attr_get_payload(mp);
    rtnh->rtnh_len = 200; /* past the attribute */
    feed_bad(nlh, nlh->nlmsg_len);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    mp = mnl_nlmsg_get_payload_tail(nlh);
    put_multipath(nlh, AF_INET, 1);
    rtnh = mnl_attr_get_payload(mp);
    rtnh->rtnh_len = 4; /* shorter than struct rtnexthop */
    feed_bad(nlh, nlh->nlmsg_len);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    put_multipath(nlh, AF_INET, NL_ROUTE_MAX_NH + 1);
    feed_bad(nlh, nlh->nlmsg_len);

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    put_multipath(nlh, AF_INET, NL_ROUTE_MAX_NH);
    feed_ok(nlh);
    assert_int_equal(rec.last.n_nexthops, NL_ROUTE_MAX_NH);
}

/* 13. Check that malformed nexthop and link messages are refused and leave the caches alone. */
static void test13_malformed_nh_link(void **state)
{
    char b[512];
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;

    (void)state;
    nlh = mnl_nlmsg_put_header(b); /* no NHA_ID */
    nlh->nlmsg_type = RTM_NEWNEXTHOP;
    mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg));
    mnl_attr_put_u32(nlh, NHA_OIF, 3);
    feed_bad(nlh, nlh->nlmsg_len);

    nlh = nh_msg(b, 5, AF_UNSPEC, NULL, 0); /* group of 12 bytes */
    mnl_attr_put(nlh, NHA_GROUP, 12, "\x01\0\0\0\0\0\0\0\x02\0\0\0");
    feed_bad(nlh, nlh->nlmsg_len);
    assert_null(nl_cache_nh(&cache, 5));

    nlh = nh_msg(b, 6, AF_INET, NULL, 0); /* IPv4 gateway of 16 bytes */
    put_addr(nlh, NHA_GATEWAY, AF_INET6, "2001:db8::1");
    feed_bad(nlh, nlh->nlmsg_len);
    assert_null(nl_cache_nh(&cache, 6));

    nlh = mnl_nlmsg_put_header(b); /* name without its NUL */
    nlh->nlmsg_type = RTM_NEWLINK;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_index = 9;
    mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0");
    feed_bad(nlh, nlh->nlmsg_len);
    assert_null(nl_cache_link_name(&cache, 9));

    nlh = mnl_nlmsg_put_header(b); /* name longer than IFNAMSIZ */
    nlh->nlmsg_type = RTM_NEWLINK;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_index = 9;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "a-name-that-is-far-too-long");
    feed_bad(nlh, nlh->nlmsg_len);
    assert_null(nl_cache_link_name(&cache, 9));
}

/* 14. Check that a buffer whose framing is wrong (short, overlong, huge nlmsg_len) is refused after
 * the whole messages before it. */
static void test14_framing(void **state)
{
    static const uint8_t raw[] = {
        0xff, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, /* nlmsg_len 255 in 24 bytes */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    struct nlmsghdr *nlh;
    size_t len;

    (void)state;
    feed_bad(raw, sizeof(raw));
    feed_bad(raw, 7); /* shorter than a header */
    {
        /* nlmsg_len >= 2^31: negative as an int, which libmnl 1.0.4 lets through */
        struct nlmsghdr huge = {.nlmsg_len = 0x80000010u, .nlmsg_type = RTM_NEWROUTE};

        feed_bad(&huge, sizeof(huge));
    }

    nlh = route_msg(RTM_NEWROUTE, AF_INET, "10.1.0.0", 16);
    len = nlh->nlmsg_len;
    memcpy(buf + len, raw, sizeof(raw));
    assert_int_equal(nl_cache_feed(&cache, buf, len + sizeof(raw)), -EINVAL);
    assert_int_equal(rec.n_add, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test01_ipv4_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(test02_via, setup, teardown),
        cmocka_unit_test_setup_teardown(test03_multipath, setup, teardown),
        cmocka_unit_test_setup_teardown(test04_nhid, setup, teardown),
        cmocka_unit_test_setup_teardown(test05_nh_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test06_nhid_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test07_nh_replace_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test08_del_and_cloned, setup, teardown),
        cmocka_unit_test_setup_teardown(test09_table_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test10_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test11_malformed_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test12_malformed_multipath, setup, teardown),
        cmocka_unit_test_setup_teardown(test13_malformed_nh_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test14_framing, setup, teardown),
    };

    log_init("test_nl_parse", LOG_LEVEL_ERROR);
    return cmocka_run_group_tests_name("nl_parse", tests, NULL, NULL);
}
