/*
 * test_routerd.c - the core (src/routing/routerd.c) through its JSON-RPC
 * methods: the RIB and protocol shows, connected and static routes,
 * redistribution under a prefix list, and reconfiguration in place
 * (static routes, prefix lists, interfaces) or by restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/jsonrpc.h"
#include "routing_test.h"
#include "testproto.h"

static const char *CONFIG = "router-id: 10.255.0.1\n"
                            "interfaces:\n"
                            "  - {name: lo, addresses: [10.255.0.1/32]}\n"
                            "  - {name: eth0, addresses: [10.0.1.1/24, \"2001:db8:1::1/64\"]}\n"
                            "  - {name: eth1, addresses: [10.0.2.1/24]}\n"
                            "prefix-lists:\n"
                            "  P: [{seq: 5, action: permit, prefix: 10.0.0.0/8, ge: 16, le: 16}]\n"
                            "static:\n"
                            "  - {prefix: 10.9.0.0/16, via: 10.0.2.2}\n"
                            "  - {prefix: 10.8.0.0/16, via: 10.9.0.1}\n"
                            "  - {prefix: 10.7.7.0/24, via: 10.0.1.2}\n"
                            "testp:\n"
                            "  routes: [\"10.9.0.0/16 via 10.0.1.9\"]\n"
                            "  redistribute: [{from: static, prefix-list: P}]\n";

struct fixture {
    struct routerd *rd;
    struct jsonrpc_server *srv;
};

static struct fixture F;

static json_t *call(const char *method, const char *params, int *code)
{
    char req[8192], *resp;
    json_t *j, *res;

    snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    resp = jsonrpc_server_process(F.srv, req, strlen(req));
    assert_non_null(resp);
    j = json_loads(resp, 0, NULL);
    free(resp);
    assert_non_null(j);
    *code = (int)json_integer_value(json_object_get(json_object_get(j, "error"), "code"));
    res = json_object_get(j, "result");
    if (res == NULL)
        res = json_object_get(j, "error");
    json_incref(res);
    json_decref(j);
    return res;
}

static json_t *ok(const char *method, const char *params)
{
    int code;
    json_t *r = call(method, params, &code);

    if (code != 0)
        fail_msg("%s: %s", method, json_string_value(json_object_get(r, "message")));
    return r;
}

static void reload(const char *text)
{
    char err[CFG_ERR_MAX];
    struct router_config *rc = config_parse_text(text, strlen(text), "reload", err, sizeof(err));

    if (rc == NULL)
        fail_msg("%s", err);
    assert_int_equal(routerd_reload(F.rd, rc, NULL, err, sizeof(err)), 0);
}

static int setup(void **state)
{
    char err[CFG_ERR_MAX];
    struct jsonrpc_server_config sc = {0};
    struct router_config *rc;

    (void)state;
    proto_class_register(&proto_testp);
    F.rd = routerd_new(NULL);
    rc = config_parse_text(CONFIG, strlen(CONFIG), "test", err, sizeof(err));
    assert_non_null(rc);
    assert_int_equal(routerd_configure(F.rd, rc, true, err, sizeof(err)), 0);
    F.srv = jsonrpc_server_new(NULL, &sc);
    assert_int_equal(routerd_add_methods(F.rd, F.srv), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jsonrpc_server_free(F.srv);
    routerd_free(F.rd);
    return 0;
}

/* 1. Check the RIB show: connected and static routes, the best of two
 *    sources, recursive next hops with their resolution. */
static void test_rib_show(void **state)
{
    json_t *r = ok("rib", "{\"family\":\"ipv4\"}"), *e;
    char *s;

    (void)state;
    s = json_dumps(r, JSON_COMPACT);
    /* sorted by address: 10.0.1.0/24 first */
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "prefix")),
                        "10.0.1.0/24");
    assert_non_null(strstr(s, "{\"prefix\":\"10.9.0.0/16\",\"routes\":[{\"protocol\":\"static\","
                              "\"distance\":1,\"metric\":0,\"best\":true,\"nexthops\":[{\"via\":"
                              "\"10.0.2.2\"}],\"resolved\":[{\"via\":\"10.0.2.2\",\"dev\":\"eth1\""
                              "}]},{\"protocol\":\"testp\",\"distance\":150"));
    free(s);
    json_decref(r);
    r = ok("rib.prefix", "{\"prefix\":\"10.8.0.0/16\"}");
    e = json_array_get(json_object_get(r, "routes"), 0);
    s = json_dumps(json_object_get(e, "resolved"), JSON_COMPACT);
    assert_string_equal(s, "[{\"via\":\"10.0.2.2\",\"dev\":\"eth1\"}]"); /* two levels */
    free(s);
    json_decref(r);
    r = ok("rib.lookup", "{\"address\":\"10.8.1.1\"}");
    assert_string_equal(json_string_value(json_object_get(r, "prefix")), "10.8.0.0/16");
    json_decref(r);
    r = ok("rib", "{\"family\":\"ipv6\"}");
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    r = ok("rib", "{\"limit\":2}");
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
}

/* 2. Check the protocol shows and the errors of bad calls. */
static void test_proto_show_and_errors(void **state)
{
    json_t *r = ok("proto.list", "{}");
    int code;

    (void)state;
    assert_int_equal(json_array_size(r), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "name")), "static");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 1), "routes")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "routes")), 4);
    json_decref(r);
    r = ok("proto.show", "{\"name\":\"static\"}");
    assert_int_equal(json_array_size(json_object_get(r, "routes")), 3);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "up");
    json_decref(r);
    r = call("proto.show", "{\"name\":\"bgp\"}", &code);
    assert_int_equal(code, JSONRPC_NOT_FOUND);
    json_decref(r);
    r = call("rib.prefix", "{\"prefix\":\"10.9.0.1/16\"}", &code);
    assert_int_equal(code, JSONRPC_INVALID_PARAMS);
    json_decref(r);
    r = call("rib.prefix", "{\"prefix\":\"10.99.0.0/16\"}", &code);
    assert_int_equal(code, JSONRPC_NOT_FOUND);
    json_decref(r);
    r = call("rib", "{\"famly\":\"ipv4\"}", &code);
    assert_int_equal(code, JSONRPC_INVALID_PARAMS);
    json_decref(r);
    r = call("config.reload", "{}", &code);
    assert_int_equal(code, JSONRPC_UNSUPPORTED);
    json_decref(r);
    r = ok("routerd.status", "{}");
    assert_string_equal(json_string_value(json_object_get(r, "router_id")), "10.255.0.1");
    json_decref(r);
}

static const char *redistributed(void)
{
    static char buf[1024];
    json_t *r = ok("proto.show", "{\"name\":\"testp\"}");
    char *s = json_dumps(json_object_get(r, "redistributed"), JSON_COMPACT);

    snprintf(buf, sizeof(buf), "%s", s);
    free(s);
    json_decref(r);
    return buf;
}

/* 3. Check redistribution: only what the prefix list permits, following
 *    reloads of the list and of the static routes, without a restart. */
static void test_redistribution_and_reload(void **state)
{
    char *text = strdup(CONFIG), *p;
    struct testp *tp = (struct testp *)routerd_proto_find(F.rd, "testp");

    (void)state;
    assert_string_equal(redistributed(), "[\"10.8.0.0/16 static\",\"10.9.0.0/16 static\"]");
    /* the list now takes /24s: 10.7.7.0/24 in, the /16s out */
    p = strstr(text, "ge: 16, le: 16");
    memcpy(p, "ge: 24, le: 24", 14);
    reload(text);
    assert_string_equal(redistributed(), "[\"10.7.7.0/24 static\"]");
    /* a static route more, one gone */
    p = strstr(text, "  - {prefix: 10.8.0.0/16, via: 10.9.0.1}\n");
    memcpy(p, "  - {prefix: 10.6.6.0/24, via: 10.9.0.1}\n", 41);
    reload(text);
    assert_string_equal(redistributed(), "[\"10.6.6.0/24 static\",\"10.7.7.0/24 static\"]");
    {
        json_t *r = ok("rib.prefix", "{\"prefix\":\"10.6.6.0/24\"}");

        json_decref(r);
    }
    assert_int_equal(tp, (struct testp *)routerd_proto_find(F.rd, "testp")); /* not restarted */
    assert_int_equal(tp->starts, 1);
    free(text);
}

/* 4. Check that a change the protocol cannot apply in place restarts it,
 *    and that interfaces reload into connected routes. */
static void test_restart_and_interfaces(void **state)
{
    char text[4096];
    json_t *r;
    int code;

    (void)state;
    snprintf(text, sizeof(text), "%s  mode: 3\n", CONFIG);
    reload(text);
    assert_int_equal(((struct testp *)routerd_proto_find(F.rd, "testp"))->starts, 1); /* new one */
    r = ok("proto.show", "{\"name\":\"testp\"}");
    assert_string_equal(json_string_value(json_object_get(r, "state")), "up");
    json_decref(r);
    /* eth1 goes: its subnet, and the static routes through it, go */
    reload("router-id: 10.255.0.1\n"
           "interfaces: [{name: eth0, addresses: [10.0.1.1/24]}]\n"
           "static: [{prefix: 10.9.0.0/16, via: 10.0.2.2}]\n");
    r = call("rib.prefix", "{\"prefix\":\"10.0.2.0/24\"}", &code);
    assert_int_equal(code, JSONRPC_NOT_FOUND);
    json_decref(r);
    r = ok("rib.prefix", "{\"prefix\":\"10.9.0.0/16\"}");
    assert_false(
        json_is_true(json_object_get(json_array_get(json_object_get(r, "routes"), 0), "best")));
    json_decref(r);
    r = ok("proto.list", "{}");
    assert_int_equal(json_array_size(r), 2); /* testp removed */
    json_decref(r);
}

/* 5. A link down: its subnet and the static routes through it go (an ECMP
 *    route keeps its other next hop); up again, all comes back. */
static void test_link_down_up(void **state)
{
    char text[4096], *cfg = strdup(CONFIG), *at = strstr(cfg, "testp:\n");
    json_t *r, *st;
    int code;

    (void)state;
    *at = '\0';
    snprintf(text, sizeof(text),
             "%s  - {prefix: 10.6.0.0/16, via: 10.0.2.2, dev: eth1}\n"
             "  - {prefix: 10.5.0.0/16, nexthops: [{via: 10.0.1.2, dev: eth0}, "
             "{via: 10.0.2.2, dev: eth1}]}\n%s",
             cfg, strstr(CONFIG, "testp:\n"));
    free(cfg);
    reload(text);
    assert_true(routerd_iface_up(F.rd, "eth1"));
    routerd_iface_set(F.rd, "eth1", false);
    routerd_iface_set(F.rd, "eth1", false); /* no change: nothing happens */
    assert_false(routerd_iface_up(F.rd, "eth1"));
    r = call("rib.prefix", "{\"prefix\":\"10.0.2.0/24\"}", &code);
    assert_int_equal(code, JSONRPC_NOT_FOUND);
    json_decref(r);
    r = call("rib.prefix", "{\"prefix\":\"10.6.0.0/16\"}", &code);
    assert_int_equal(code, JSONRPC_NOT_FOUND);
    json_decref(r);
    r = ok("rib.prefix", "{\"prefix\":\"10.5.0.0/16\"}");
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(json_object_get(r, "routes"), 0), "nexthops")),
        1);
    json_decref(r);
    /* 10.9/16 via 10.0.2.2 no longer resolves: the other source's route wins */
    r = ok("rib.lookup", "{\"address\":\"10.9.1.1\"}");
    assert_string_equal(json_string_value(json_object_get(r, "protocol")), "testp");
    json_decref(r);
    st = ok("routerd.status", "{}");
    assert_int_equal(json_array_size(json_object_get(st, "interfaces_down")), 1);
    json_decref(st);

    routerd_iface_set(F.rd, "eth1", true);
    r = ok("rib.prefix", "{\"prefix\":\"10.6.0.0/16\"}");
    json_decref(r);
    r = ok("rib.prefix", "{\"prefix\":\"10.5.0.0/16\"}");
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(json_object_get(r, "routes"), 0), "nexthops")),
        2);
    json_decref(r);
    r = ok("rib.lookup", "{\"address\":\"10.9.1.1\"}");
    assert_string_equal(json_string_value(json_object_get(r, "protocol")), "static");
    json_decref(r);
    r = ok("rib.prefix", "{\"prefix\":\"10.0.2.0/24\"}");
    json_decref(r);
    /* an interface routerd does not know changes nothing */
    routerd_iface_set(F.rd, "eth9", false);
    routerd_iface_set(F.rd, "eth9", true);
    st = ok("routerd.status", "{}");
    assert_int_equal(json_array_size(json_object_get(st, "interfaces_down")), 0);
    json_decref(st);
    reload(CONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rib_show),
        cmocka_unit_test(test_proto_show_and_errors),
        cmocka_unit_test(test_redistribution_and_reload),
        cmocka_unit_test(test_link_down_up),
        cmocka_unit_test(test_restart_and_interfaces),
    };

    return cmocka_run_group_tests_name("routerd", tests, setup, teardown);
}
