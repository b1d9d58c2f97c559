/*
 * test_wire_api.c - the API of wire ports (src/dp/api_wire.c): port.add of
 * kind "wire", port.set_remote, port.set_key and wire.stats as docs/api.md
 * says; every bad call refused with the field named and no port left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp/api.h"
#include "dp/dp.h"
#include "lib/jsonrpc.h"

struct fixture {
    struct dp *dp;
    struct jsonrpc_server *srv;
    struct api api;
};

static struct fixture *F;
static unsigned P1, P2;

#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"

static unsigned free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    bind(s, (struct sockaddr *)&sa, sizeof(sa));
    getsockname(s, (struct sockaddr *)&sa, &sl);
    close(s);
    return ntohs(sa.sin_port);
}

static json_t *call(const char *method, const char *params)
{
    char req[8192];
    char *resp;
    json_t *j;

    snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    resp = jsonrpc_server_process(F->srv, req, strlen(req));
    assert_non_null(resp);
    j = json_loads(resp, 0, NULL);
    free(resp);
    assert_non_null(j);
    return j;
}

static json_t *ok(const char *method, const char *params)
{
    json_t *r = call(method, params), *res = json_object_get(r, "result");

    if (res == NULL)
        fail_msg("%s %s: %s", method, params,
                 json_string_value(json_object_get(json_object_get(r, "error"), "message")));
    json_incref(res);
    json_decref(r);
    return res;
}

static void refused(const char *method, const char *params, int code, const char *needle)
{
    json_t *r = call(method, params), *e = json_object_get(r, "error");
    const char *msg;

    if (e == NULL)
        fail_msg("%s %s: accepted, expected error %d", method, params, code);
    msg = json_string_value(json_object_get(e, "message"));
    if (json_integer_value(json_object_get(e, "code")) != code || msg == NULL ||
        strstr(msg, needle) == NULL)
        fail_msg("%s %s: error %lld '%s', expected %d '%s'", method, params,
                 (long long)json_integer_value(json_object_get(e, "code")), msg ? msg : "", code,
                 needle);
    json_decref(r);
}

static size_t n_ports(void)
{
    json_t *l = ok("port.list", "{}");
    size_t n = json_array_size(l);

    json_decref(l);
    return n;
}

static int setup(void **state)
{
    struct jsonrpc_server_config cfg = {0};

    (void)state;
    F = calloc(1, sizeof(*F));
    F->dp = dp_create(NULL, NULL);
    F->srv = jsonrpc_server_new(NULL, &cfg);
    F->api.dp = F->dp;
    F->api.host = "test";
    P1 = free_port();
    P2 = free_port();
    if (F->dp == NULL || F->srv == NULL || api_register(&F->api, F->srv) != 0)
        return -1;
    json_decref(ok("vr.create", "{\"name\":\"r1\",\"container\":false}"));
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"wx\",\"addresses\":[\"10.9.0.1/24\"]}"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jsonrpc_server_free(F->srv);
    dp_free(F->dp);
    free(F);
    return 0;
}

/* 1. port.add kind wire: the result describes the wire; it binds like any port. */
static void test_add(void **state)
{
    char p[512];
    json_t *r;

    (void)state;
    snprintf(p, sizeof(p),
             "{\"name\":\"w1\",\"kind\":\"wire\",\"connector\":256,\"remote\":\"127.0.0.2:%u\","
             "\"local\":\"127.0.0.1:%u\",\"underlay_mtu\":1500}",
             P2, P1);
    r = ok("port.add", p);
    assert_string_equal(json_string_value(json_object_get(r, "kind")), "wire");
    assert_int_equal(json_integer_value(json_object_get(r, "connector")), 256);
    assert_int_equal(json_integer_value(json_object_get(r, "vni")), 1);
    assert_string_equal(json_string_value(json_object_get(r, "type")), "encap");
    assert_int_equal(json_integer_value(json_object_get(r, "overhead")), 36);
    assert_int_equal(json_integer_value(json_object_get(r, "inner_max")), 1464);
    assert_int_equal(json_integer_value(json_object_get(r, "inner_ip_mtu")), 1450);
    json_decref(r);
    json_decref(ok("iface.bind", "{\"vr\":\"r1\",\"name\":\"wx\",\"port\":\"w1\"}"));
    r = ok("wire.stats", "{\"name\":\"w1\"}");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(r, "wires"), "w1"), "bound_to")),
                        "r1:wx");
    assert_int_equal(json_array_size(json_object_get(r, "underlays")), 1);
    json_decref(r);
    snprintf(p, sizeof(p),
             "{\"name\":\"w2\",\"kind\":\"wire\",\"connector\":257,\"remote\":\"127.0.0.2:%u\","
             "\"local\":\"127.0.0.1:%u\",\"type\":\"secure\",\"key\":{\"tx\":\"" KEY_A
             "\",\"rx\":\"" KEY_B "\",\"epoch\":3}}",
             P2, P1);
    r = ok("port.add", p);
    assert_true(json_is_true(json_object_get(r, "keyed")));
    assert_int_equal(json_integer_value(json_object_get(r, "epoch")), 3);
    assert_true(json_is_null(json_object_get(r, "vni")));
    json_decref(r);
}

/* 2. Bad calls: the field named, nothing added. */
static void test_refusals(void **state)
{
    size_t before = n_ports();
    char p[512];

    (void)state;
    refused("port.add", "{\"name\":\"x\",\"kind\":\"wire\",\"remote\":\"10.0.0.1\"}",
            JSONRPC_INVALID_PARAMS, "connector");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":-1,\"remote\":\"10.0.0.1\"}",
            JSONRPC_INVALID_PARAMS, "connector");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":4294967296,\"remote\":\"10.0.0.1\"}",
            JSONRPC_INVALID_PARAMS, "connector");
    refused("port.add", "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"nowhere\"}",
            JSONRPC_INVALID_PARAMS, "remote");
    refused("port.add", "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"0.0.0.0\"}",
            JSONRPC_INVALID_PARAMS, "remote");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"[2001:db8::1]\"}",
            JSONRPC_UNSUPPORTED, "IPv6");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"type\":\"fast\"}",
            JSONRPC_INVALID_PARAMS, "type");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"key\":{\"tx\":\"" KEY_A "\",\"rx\":\"" KEY_B "\"}}",
            JSONRPC_INVALID_PARAMS, "key: only secure");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"type\":\"secure\",\"key\":{\"tx\":\"" KEY_A "\",\"rx\":\"" KEY_A "\"}}",
            JSONRPC_INVALID_PARAMS, "differ");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"type\":\"secure\",\"key\":{\"tx\":\"zz\",\"rx\":\"" KEY_A "\"}}",
            JSONRPC_INVALID_PARAMS, "key.tx");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"type\":\"secure\",\"key\":{\"tx\":\"" KEY_B "\",\"rx\":\"" KEY_A "\",\"x\":1}}",
            JSONRPC_INVALID_PARAMS, "key.x");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"ifname\":\"eth0\"}",
            JSONRPC_INVALID_PARAMS, "ifname");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"colour\":1}",
            JSONRPC_INVALID_PARAMS, "colour");
    refused("port.add",
            "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":1,\"remote\":\"10.0.0.1\","
            "\"local\":\"192.0.2.77\"}",
            JSONRPC_INVALID_PARAMS, "local");
    snprintf(p, sizeof(p),
             "{\"name\":\"x\",\"kind\":\"wire\",\"connector\":256,\"remote\":\"127.0.0.2:%u\","
             "\"local\":\"127.0.0.1:%u\"}",
             P2, P1);
    refused("port.add", p, JSONRPC_EXISTS, "connector");
    snprintf(p, sizeof(p),
             "{\"name\":\"w1\",\"kind\":\"wire\",\"connector\":9,\"remote\":\"127.0.0.2:%u\","
             "\"local\":\"127.0.0.1:%u\"}",
             P2, P1);
    refused("port.add", p, JSONRPC_EXISTS, "w1");
    assert_int_equal(n_ports(), before);
}

/* 3. port.set_remote re-points; port.set_key rolls; errors name the field. */
static void test_set_remote_key(void **state)
{
    json_t *r;

    (void)state;
    r = ok("port.set_remote", "{\"name\":\"w1\",\"remote\":\"127.0.0.3\"}");
    assert_string_equal(json_string_value(json_object_get(r, "remote")), "127.0.0.3:4789");
    json_decref(r);
    refused("port.set_remote", "{\"name\":\"nope\",\"remote\":\"127.0.0.3\"}", JSONRPC_NOT_FOUND,
            "name");
    refused("port.set_remote", "{\"name\":\"w1\",\"remote\":\"x\"}", JSONRPC_INVALID_PARAMS,
            "remote");
    refused("port.set_remote", "{\"name\":\"w1\"}", JSONRPC_INVALID_PARAMS, "remote");
    r = ok("port.set_key",
           "{\"name\":\"w2\",\"key\":{\"tx\":\"" KEY_B "\",\"rx\":\"" KEY_A "\",\"epoch\":4}}");
    assert_int_equal(json_integer_value(json_object_get(r, "epoch")), 4);
    assert_int_equal(json_integer_value(json_object_get(r, "tx_counter")), 0);
    json_decref(r);
    refused("port.set_key", "{\"name\":\"w1\",\"key\":{\"tx\":\"" KEY_B "\",\"rx\":\"" KEY_A "\"}}",
            JSONRPC_INVALID_PARAMS, "not a secure");
    refused("port.set_key", "{\"name\":\"w2\"}", JSONRPC_INVALID_PARAMS, "key");
    refused("wire.stats", "{\"name\":\"nope\"}", JSONRPC_NOT_FOUND, "name");
    json_decref(ok("port.delete", "{\"name\":\"w1\"}"));
    json_decref(ok("port.delete", "{\"name\":\"w2\"}"));
    r = ok("wire.stats", "{}");
    assert_int_equal(json_array_size(json_object_get(r, "underlays")), 0);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_set_remote_key),
    };

    return cmocka_run_group_tests_name("wire_api", tests, setup, teardown);
}
