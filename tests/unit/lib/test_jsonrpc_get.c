/*
 * test_jsonrpc_get.c - the field getters handlers use to check params
 * (src/lib/jsonrpc_get.c) and the address parsers under them (src/lib/inet.c):
 * what they accept, what they refuse, and that every refusal names the field
 * and the reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/jsonrpc.h"

static json_t *J(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

    assert_non_null(j);
    return j;
}

/* 1. Check prefix parsing: both families, canonical output, /0 and full length. */
static void test01_prefix_ok(void **state)
{
    static const char *const good[] = {"10.0.0.0/8",    "0.0.0.0/0", "192.0.2.1/32",
                                       "2001:db8::/32", "::/0",      "2001:db8::1/128"};
    struct inet_prefix p;
    char buf[INET_PREFIX_STRLEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(inet_prefix_parse(good[i], AF_UNSPEC, &p, NULL, 0), 0);
        assert_string_equal(inet_prefix_format(&p, buf, sizeof(buf)), good[i]);
    }
    assert_int_equal(inet_prefix_parse("10.1.0.0/16", AF_INET, &p, NULL, 0), 0);
    assert_int_equal(p.addr.family, AF_INET);
    assert_int_equal(p.len, 16);
}

/* 2. Check that bad prefixes are refused with the reason: host bits, lengths, forms. */
static void test02_prefix_bad(void **state)
{
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"10.0.0.1/8", "host bits set"},
        {"2001:db8::1/64", "host bits set"},
        {"10.0.0.0/33", "length 33 out of range 0..32"},
        {"2001:db8::/129", "length 129 out of range 0..128"},
        {"10.0.0.0", "missing /length"},
        {"10.0.0.0/", "missing length after /"},
        {"10.0.0.0/08", "leading zero in length"},
        {"10.0.0.0/-1", "bad length"},
        {"10.0.0.0/8 ", "bad length"},
        {"10.0.0/8", "not an IPv4 address"},
        {"/8", "bad address before /"},
        {"", "empty prefix"},
        {"fe80::1%eth0/64", "not an IPv6 address"},
    };
    struct inet_prefix p;
    char why[INET_WHY_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(inet_prefix_parse(bad[i].in, AF_UNSPEC, &p, why, sizeof(why)), -EINVAL);
        assert_string_equal(why, bad[i].why);
    }
    assert_int_equal(inet_prefix_parse("10.0.0.0/8", AF_INET6, &p, why, sizeof(why)), -EINVAL);
    assert_string_equal(why, "not an IPv6 address");
    /* An interface address keeps its host bits. */
    assert_int_equal(inet_ifaddr_parse("10.0.0.1/24", AF_UNSPEC, &p, NULL, 0), 0);
    assert_int_equal(p.len, 24);
    assert_int_equal(inet_ifaddr_parse("10.0.0.1/40", AF_UNSPEC, &p, NULL, 0), -EINVAL);
}

/* 3. Check MAC parsing: both separators, case, and the malformed forms refused. */
static void test03_mac(void **state)
{
    static const char *const bad[] = {"",
                                      "02:00:00:00:00",
                                      "02:00:00:00:00:0g",
                                      "02:00:00:00:00:001",
                                      "02-00:00:00:00:01",
                                      "0200.0000.0001",
                                      "2:0:0:0:0:1"};
    uint8_t mac[6];
    char buf[INET_MAC_STRLEN];
    size_t i;

    (void)state;
    assert_int_equal(inet_mac_parse("02:AB:cd:00:00:01", mac, NULL, 0), 0);
    assert_string_equal(inet_mac_format(mac, buf, sizeof(buf)), "02:ab:cd:00:00:01");
    assert_int_equal(inet_mac_parse("02-ab-cd-00-00-01", mac, NULL, 0), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(inet_mac_parse(bad[i], mac, NULL, 0), -EINVAL);
}

/* 4. Check the getters' messages for prefixes, addresses and MACs, with a path. */
static void test04_address_getters(void **state)
{
    json_t *o =
        J("{\"prefix\":\"10.0.0.1/24\",\"via\":\"10.0.0.300\",\"mac\":\"01:00:5e:00:00:01\","
          "\"zero\":\"00:00:00:00:00:00\",\"bad\":\"zz\",\"addr\":\"2001:db8::/64\"}");
    struct jsonrpc_error err;
    struct inet_prefix p;
    struct inet_addr a;
    uint8_t mac[6];

    (void)state;
    assert_int_equal(jsonrpc_get_prefix(o, "routes[3]", "prefix", true, AF_UNSPEC, &p, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "routes[3].prefix: host bits set in 10.0.0.1/24");
    assert_int_equal(err.code, JSONRPC_INVALID_PARAMS);
    assert_int_equal(jsonrpc_get_ifaddr(o, NULL, "prefix", true, AF_INET, &p, &err), 0);
    assert_int_equal(jsonrpc_get_addr(o, "routes[3]", "via", true, AF_UNSPEC, &a, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "routes[3].via: not an IPv4 address: 10.0.0.300");
    assert_int_equal(jsonrpc_get_addr(o, NULL, "addr", true, AF_UNSPEC, &a, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_int_equal(jsonrpc_get_mac(o, NULL, "mac", true, mac, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "mac: multicast MAC 01:00:5e:00:00:01");
    assert_int_equal(jsonrpc_get_mac(o, NULL, "zero", true, mac, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "zero: all-zero MAC");
    assert_int_equal(jsonrpc_get_mac(o, "", "bad", true, mac, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "bad: not six hex pairs separated by ':': zz");
    assert_int_equal(jsonrpc_get_mac(o, NULL, "absent", false, mac, &err), 1);
    json_decref(o);
}

/* 5. Check integers: ranges at both ends, reals and strings refused, optional absent. */
static void test05_int(void **state)
{
    json_t *o = J("{\"mtu\":70000,\"low\":67,\"ok\":1500,\"real\":1.5,\"s\":\"9\",\"n\":null}");
    struct jsonrpc_error err;
    int64_t v = -1;

    (void)state;
    assert_int_equal(jsonrpc_get_int(o, NULL, "mtu", true, 68, 65535, &v, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "mtu: 70000 out of range 68..65535");
    assert_int_equal(jsonrpc_get_int(o, "ifaces[0]", "low", true, 68, 65535, &v, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "ifaces[0].low: 67 out of range 68..65535");
    assert_int_equal(jsonrpc_get_int(o, NULL, "ok", true, 68, 65535, &v, &err), 0);
    assert_int_equal(v, 1500);
    assert_int_equal(jsonrpc_get_int(o, NULL, "real", true, 0, 10, &v, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "real: expected an integer, got a real number");
    assert_int_equal(jsonrpc_get_int(o, NULL, "s", true, 0, 10, &v, &err), JSONRPC_INVALID_PARAMS);
    v = 5;
    assert_int_equal(jsonrpc_get_int(o, NULL, "n", false, 0, 10, &v, &err), 1);
    assert_int_equal(jsonrpc_get_int(o, NULL, "absent", false, 0, 10, &v, &err), 1);
    assert_int_equal(v, 5); /* untouched */
    assert_int_equal(jsonrpc_get_int(o, NULL, "n", true, 0, 10, &v, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "n: required");
    json_decref(o);
}

/* 6. Check strings, booleans, arrays, objects, enums and unknown fields. */
static void test06_other_getters(void **state)
{
    static const char *const dirs[] = {"in", "out", NULL};
    static const char *const allowed[] = {"name", "on", "list", "obj", "dir", "empty", NULL};
    json_t *o = J("{\"name\":\"blue\",\"on\":true,\"list\":[1,2,3],\"obj\":{},\"dir\":\"up\","
                  "\"empty\":\"\"}");
    struct jsonrpc_error err;
    const char *s;
    json_t *v;
    bool b;
    int e;

    (void)state;
    assert_int_equal(jsonrpc_get_string(o, NULL, "name", true, 15, &s, &err), 0);
    assert_string_equal(s, "blue");
    assert_int_equal(jsonrpc_get_string(o, NULL, "name", true, 3, &s, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "name: longer than 3 bytes");
    assert_int_equal(jsonrpc_get_string(o, NULL, "empty", true, 0, &s, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "empty: empty string");
    assert_int_equal(jsonrpc_get_string(o, NULL, "on", true, 0, &s, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "on: expected a string, got a boolean");
    assert_int_equal(jsonrpc_get_bool(o, NULL, "on", true, &b, &err), 0);
    assert_true(b);
    assert_int_equal(jsonrpc_get_array(o, NULL, "list", true, 3, &v, &err), 0);
    assert_int_equal(jsonrpc_get_array(o, NULL, "list", true, 2, &v, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "list: 3 elements, more than the limit of 2");
    assert_int_equal(jsonrpc_get_object(o, NULL, "obj", true, &v, &err), 0);
    assert_int_equal(jsonrpc_get_object(o, NULL, "list", true, &v, &err), JSONRPC_INVALID_PARAMS);
    assert_int_equal(jsonrpc_get_enum(o, NULL, "dir", true, dirs, &e, &err),
                     JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "dir: \"up\" is not one of \"in\", \"out\"");
    assert_int_equal(jsonrpc_check_fields(o, NULL, allowed, &err), 0);
    assert_int_equal(jsonrpc_check_fields(o, "acl", allowed + 1, &err), JSONRPC_INVALID_PARAMS);
    assert_string_equal(err.message, "acl.name: unknown field");
    json_decref(o);

    /* A value itself, by its full path (key NULL), as for array elements. */
    o = J("[\"10.0.0.1/24\",\"10.0.0.1\"]");
    {
        struct inet_prefix p;

        assert_int_equal(jsonrpc_get_ifaddr(json_array_get(o, 0), "addresses[0]", NULL, true,
                                            AF_UNSPEC, &p, &err),
                         0);
        assert_int_equal(jsonrpc_get_ifaddr(json_array_get(o, 1), "addresses[1]", NULL, true,
                                            AF_UNSPEC, &p, &err),
                         JSONRPC_INVALID_PARAMS);
        assert_string_equal(err.message, "addresses[1]: missing /length in 10.0.0.1");
    }
    json_decref(o);
}

/* 7. Check jsonrpc_error_set() returns its code and jsonrpc_error_clear() frees data. */
static void test07_error_set(void **state)
{
    struct jsonrpc_error err = {0};

    (void)state;
    assert_int_equal(jsonrpc_error_set(&err, JSONRPC_EXISTS, "name: %s exists", "blue"),
                     JSONRPC_EXISTS);
    assert_string_equal(err.message, "name: blue exists");
    err.data = json_integer(3);
    jsonrpc_error_clear(&err);
    assert_null(err.data);
    jsonrpc_error_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_prefix_ok), cmocka_unit_test(test02_prefix_bad),
        cmocka_unit_test(test03_mac),       cmocka_unit_test(test04_address_getters),
        cmocka_unit_test(test05_int),       cmocka_unit_test(test06_other_getters),
        cmocka_unit_test(test07_error_set),
    };

    return cmocka_run_group_tests_name("lib_jsonrpc_get", tests, NULL, NULL);
}
