/*
 * test_pkt_addr.c - MAC and IP address helpers (src/pkt/pkt_addr.c, pkt.h):
 * MAC formatting and classes, multicast MACs, solicited-node groups and the
 * martian tables of RFC 1812 and RFC 4291.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"
#include "pkt_test.h"

/* 1. Check MAC format and parse round trips, and what parse refuses. */
static void test01_mac_text(void **state)
{
    static const char *bad[] = {"",
                                "52:54:00:12:34",
                                "52:54:00:12:34:5",
                                "52:54:00:12:34:567",
                                "52-54-00-12-34-56",
                                "52:54:00:12:34:5g",
                                "52:54:00:12:34:56:",
                                " 52:54:00:12:34:56"};
    char s[PKT_MAC_STRLEN];
    uint8_t m[6];

    (void)state;
    assert_string_equal(pkt_mac_format(t_mac_b, s), "52:54:00:ab:cd:ef");
    assert_int_equal(pkt_mac_parse("52:54:00:AB:cd:Ef", m), 0);
    assert_memory_equal(m, t_mac_b, 6);
    memset(m, 0x77, 6);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(pkt_mac_parse(bad[i], m), -EINVAL);
    assert_int_equal(m[0], 0x77); /* untouched on error */
    assert_string_equal(pkt_mac_format(pkt_mac_bcast, s), "ff:ff:ff:ff:ff:ff");
}

/* 2. Check MAC classes: broadcast, multicast (group bit), zero, equal. */
static void test02_mac_classes(void **state)
{
    static const uint8_t zero[6], mc4[6] = {0x01, 0x00, 0x5e, 0, 0, 5},
                                  almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};

    (void)state;
    assert_true(pkt_mac_is_bcast(pkt_mac_bcast));
    assert_false(pkt_mac_is_bcast(almost));
    assert_true(pkt_mac_is_mcast(pkt_mac_bcast));
    assert_true(pkt_mac_is_mcast(mc4));
    assert_false(pkt_mac_is_mcast(t_mac_a));
    assert_true(pkt_mac_is_zero(zero));
    assert_false(pkt_mac_is_zero(mc4));
    assert_true(pkt_mac_equal(t_mac_a, t_mac_a));
    assert_false(pkt_mac_equal(t_mac_a, t_mac_b));
}

/* 3. Check IPv4 and IPv6 multicast MACs (the 23-bit and 32-bit mappings). */
static void test03_mcast_mac(void **state)
{
    static const uint8_t w1[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x05},
                         w2[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa},
                         w3[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01},
                         w4[6] = {0x33, 0x33, 0xff, 0xcd, 0x00, 0x02};
    struct in6_addr a1 = t_in6("ff02::1"), a2 = t_in6("ff02::1:ffcd:2");
    uint8_t m[6];

    (void)state;
    pkt_ipv4_mcast_mac(T_IP(224, 0, 0, 5), m);
    assert_memory_equal(m, w1, 6);
    pkt_ipv4_mcast_mac(T_IP(239, 255, 255, 250), m); /* bit 24 of the group is dropped */
    assert_memory_equal(m, w2, 6);
    pkt_ipv4_mcast_mac(T_IP(224, 128, 0, 5), m);
    assert_memory_equal(m, w1, 6);
    pkt_ipv6_mcast_mac(&a1, m);
    assert_memory_equal(m, w3, 6);
    pkt_ipv6_mcast_mac(&a2, m);
    assert_memory_equal(m, w4, 6);
}

/* 4. Check solicited-node groups (the low 24 bits; in place too). */
static void test04_solicited_node(void **state)
{
    struct in6_addr a = t_in6("2001:db8::abcd:2"), b = t_in6("fe80::5054:ff:fe12:3456"), o;
    struct in6_addr wa = t_in6("ff02::1:ffcd:2"), wb = t_in6("ff02::1:ff12:3456");

    (void)state;
    pkt_ipv6_solicited_node(&a, &o);
    assert_true(pkt_ipv6_equal(&o, &wa));
    pkt_ipv6_solicited_node(&b, &b);
    assert_true(pkt_ipv6_equal(&b, &wb));
}

/* 5. Check the IPv4 martian tables for sources and destinations. */
static void test05_ipv4_martians(void **state)
{
    static const struct {
        uint32_t a;
        bool src, dst;
    } t[] = {
        {T_IP(0, 0, 0, 0), true, true},           {T_IP(0, 255, 1, 2), true, true},
        {T_IP(1, 0, 0, 0), false, false},         {T_IP(10, 1, 2, 3), false, false},
        {T_IP(126, 255, 255, 255), false, false}, {T_IP(127, 0, 0, 1), true, true},
        {T_IP(128, 0, 0, 0), false, false},       {T_IP(169, 254, 1, 1), false, false},
        {T_IP(223, 255, 255, 255), false, false}, {T_IP(224, 0, 0, 5), true, false},
        {T_IP(239, 255, 255, 255), true, false},  {T_IP(240, 0, 0, 0), true, true},
        {T_IP(255, 255, 255, 254), true, true},   {T_IP(255, 255, 255, 255), true, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(pkt_ipv4_src_martian(t[i].a), t[i].src);
        assert_int_equal(pkt_ipv4_dst_martian(t[i].a), t[i].dst);
    }
    assert_true(pkt_ipv4_is_ll_mcast(T_IP(224, 0, 0, 255)));
    assert_false(pkt_ipv4_is_ll_mcast(T_IP(224, 0, 1, 0)));
    assert_true(pkt_ipv4_is_linklocal(T_IP(169, 254, 0, 1)));
    assert_false(pkt_ipv4_is_linklocal(T_IP(169, 253, 0, 1)));
}

/* 6. Check the IPv6 martian tables and address classes. */
static void test06_ipv6_martians(void **state)
{
    static const struct {
        const char *a;
        bool src, dst;
    } t[] = {
        {"::", true, true},
        {"::1", true, true},
        {"::2", false, false},
        {"::ffff:10.0.0.1", true, true},
        {"2001:db8::1", false, false},
        {"fe80::1", false, false},
        {"ff02::1", true, false},
        {"ff0e::1", true, false},
        {"ff01::1", true, true},
        {"ff00::1", true, true},
        {"ff11::1", true, true},
        {"fec0::1", false, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct in6_addr a = t_in6(t[i].a);

        assert_int_equal(pkt_ipv6_src_martian(&a), t[i].src);
        assert_int_equal(pkt_ipv6_dst_martian(&a), t[i].dst);
    }
    struct in6_addr ll = t_in6("febf::1"), nll = t_in6("fec0::1"), mc = t_in6("ff05::2");
    assert_true(pkt_ipv6_is_linklocal(&ll));
    assert_false(pkt_ipv6_is_linklocal(&nll));
    assert_int_equal(pkt_ipv6_mcast_scope(&mc), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_mac_text),      cmocka_unit_test(test02_mac_classes),
        cmocka_unit_test(test03_mcast_mac),     cmocka_unit_test(test04_solicited_node),
        cmocka_unit_test(test05_ipv4_martians), cmocka_unit_test(test06_ipv6_martians),
    };

    return cmocka_run_group_tests_name("pkt_addr", tests, NULL, NULL);
}
