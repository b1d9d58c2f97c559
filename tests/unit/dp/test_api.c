/*
 * test_api.c - vroomd's data-plane hypervisor API (src/dp/api.c), driven
 * through jsonrpc_server_process() without a socket: results as documented
 * in docs/api.md, and every bad call refused with the field named and
 * nothing of it applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dp/api.h"
#include "dp/dp.h"
#include "dp/vr.h"
#include "lib/jsonrpc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

struct fixture {
    struct dp *dp;
    struct jsonrpc_server *srv;
    struct api api;
};

static struct fixture *F;

/* Call method with params (JSON text); return the whole response (caller frees). */
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
    if (j == NULL)
        fail_msg("not JSON: %s", resp);
    free(resp);
    return j;
}

/* Expect success; return the result (a new reference). */
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

/* Expect error code with message containing needle. */
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

static long long routes4(void)
{
    json_t *s = ok("route.sync", "{\"vr\":\"r1\"}");
    long long n = json_integer_value(json_object_get(s, "routes4"));

    json_decref(s);
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
    if (F->dp == NULL || F->srv == NULL || api_register(&F->api, F->srv) != 0)
        return -1;
    json_decref(ok("vr.create", "{\"name\":\"r1\",\"container\":false}"));
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"eth0\",\"addresses\":[\"10.0.1.1/24\","
                                "\"2001:db8:1::1/64\"]}"));
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"eth1\",\"addresses\":[\"10.0.2.1/24\"],"
                                "\"mac\":\"02:00:00:00:02:01\",\"mtu\":9000}"));
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

/* 1. VRs: create, list, show, delete; duplicates and bad names refused. */
static void test_vr_lifecycle(void **state)
{
    json_t *r;

    (void)state;
    r = ok("vr.create", "{\"name\":\"r2\",\"container\":false}");
    assert_string_equal(json_string_value(json_object_get(r, "name")), "r2");
    assert_true(json_is_null(json_object_get(r, "container")));
    json_decref(r);
    refused("vr.create", "{\"name\":\"r2\",\"container\":false}", JSONRPC_EXISTS, "exists");
    refused("vr.create", "{\"name\":\"bad name\",\"container\":false}", JSONRPC_INVALID_PARAMS,
            "name:");
    refused("vr.create", "{\"name\":\"r3\",\"container\":true}", JSONRPC_UNSUPPORTED, "container:");
    refused("vr.create", "{\"name\":\"r3\",\"colour\":\"red\",\"container\":false}",
            JSONRPC_INVALID_PARAMS, "colour");
    r = ok("vr.list", "{}");
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
    r = ok("vr.show", "{\"name\":\"r1\"}");
    assert_int_equal(json_array_size(json_object_get(r, "interfaces")), 2);
    assert_non_null(json_object_get(r, "fib_memory"));
    json_decref(r);
    json_decref(ok("vr.delete", "{\"name\":\"r2\"}"));
    refused("vr.delete", "{\"name\":\"r2\"}", JSONRPC_NOT_FOUND, "no VR named r2");
    refused("vr.show", "{}", JSONRPC_INVALID_PARAMS, "name");
}

/* 2. Interfaces: defaults, and every bad field refused with nothing added. */
static void test_iface_validation(void **state)
{
    json_t *r;

    (void)state;
    r = ok("iface.list", "{\"vr\":\"r1\"}");
    assert_int_equal(json_array_size(r), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "mtu")), 1500);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 1), "mtu")), 9000);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "mac")),
                        "02:00:00:00:02:01");
    json_decref(r);
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth2\",\"addresses\":[\"10.0.3.1\"]}",
            JSONRPC_INVALID_PARAMS, "addresses[0]");
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth2\",\"addresses\":[\"10.0.1.9/24\"]}",
            JSONRPC_INVALID_PARAMS, "overlaps");
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth2\",\"mtu\":10}", JSONRPC_INVALID_PARAMS,
            "mtu");
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth2\",\"mac\":\"01:00:5e:00:00:01\"}",
            JSONRPC_INVALID_PARAMS, "mac");
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth0\"}", JSONRPC_EXISTS, "eth0");
    refused("iface.add", "{\"vr\":\"r9\",\"name\":\"eth2\"}", JSONRPC_NOT_FOUND, "vr:");
    refused("iface.add", "{\"vr\":\"r1\",\"name\":\"eth2\",\"port\":\"nope\"}", JSONRPC_NOT_FOUND,
            "port:");
    refused("iface.bind", "{\"vr\":\"r1\",\"name\":\"eth0\",\"port\":\"nope\"}", JSONRPC_NOT_FOUND,
            "port:");
    r = ok("iface.list", "{\"vr\":\"r1\"}");
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
}

/* 3. A route batch is all or nothing: one bad route refuses the whole call. */
static void test_route_batch_atomic(void **state)
{
    long long before;
    json_t *r;

    (void)state;
    before = routes4();
    refused("route.add",
            "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"via\":\"10.0.2.2\"},"
            "{\"prefix\":\"10.8.0.0/16\",\"via\":\"10.0.2.2\"},"
            "{\"prefix\":\"10.7.0.1/16\",\"via\":\"10.0.2.2\"}]}",
            JSONRPC_INVALID_PARAMS, "routes[2].prefix");
    refused("route.add",
            "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"via\":\"192.0.2.1\"}]}",
            JSONRPC_INVALID_PARAMS, "routes[0].via");
    refused("route.add",
            "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"via\":\"::1\"}]}",
            JSONRPC_INVALID_PARAMS, "routes[0].via");
    refused("route.add", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\"}]}",
            JSONRPC_INVALID_PARAMS, "needs via or dev");
    refused("route.add",
            "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"dev\":\"eth7\"}]}",
            JSONRPC_INVALID_PARAMS, "routes[0].dev");
    refused("route.add",
            "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"nexthop\":\"x\"}]}",
            JSONRPC_INVALID_PARAMS, "nexthop");
    assert_int_equal(routes4(), before);
    r = ok("route.add",
           "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.9.0.0/16\",\"via\":\"10.0.2.2\"},"
           "{\"prefix\":\"10.10.0.0/16\",\"type\":\"blackhole\"},"
           "{\"prefix\":\"2001:db8:9::/48\",\"via\":\"2001:db8:1::2\"}]}");
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 3);
    json_decref(r);
    assert_int_equal(routes4(), before + 2);
}

/* 4. Sequence numbers: accepted in order, a stale one refused, route.sync reports it. */
static void test_route_seq(void **state)
{
    json_t *r;

    (void)state;
    json_decref(ok("route.add", "{\"vr\":\"r1\",\"seq\":5,\"routes\":[{\"prefix\":\"10.20.0.0/16\","
                                "\"via\":\"10.0.2.2\"}]}"));
    refused("route.add", "{\"vr\":\"r1\",\"seq\":5,\"routes\":[]}", JSONRPC_INVALID_PARAMS, "seq");
    refused("route.add", "{\"vr\":\"r1\",\"seq\":3,\"routes\":[]}", JSONRPC_INVALID_PARAMS, "seq");
    r = ok("route.sync", "{\"vr\":\"r1\"}");
    assert_int_equal(json_integer_value(json_object_get(r, "seq")), 5);
    json_decref(r);
    json_decref(
        ok("route.delete", "{\"vr\":\"r1\",\"seq\":6,\"routes\":[{\"prefix\":\"10.20.0.0/16\"}]}"));
    r = ok("route.sync", "{\"vr\":\"r1\"}");
    assert_int_equal(json_integer_value(json_object_get(r, "seq")), 6);
    json_decref(r);
}

/* 5. Delete: missing prefixes counted, not errors; the VR's own routes stay; get and list. */
static void test_route_delete_get_list(void **state)
{
    json_t *r;

    (void)state;
    json_decref(ok("route.add", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.30.0.0/16\","
                                "\"via\":\"10.0.2.2\"},{\"prefix\":\"10.30.1.0/24\","
                                "\"via\":\"10.0.1.2\"}]}"));
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.30.1.5\"}");
    assert_string_equal(json_string_value(json_object_get(r, "via")), "10.0.1.2");
    assert_string_equal(json_string_value(json_object_get(r, "dev")), "eth0");
    json_decref(r);
    r = ok("route.delete", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.30.1.0/24\"},"
                           "{\"prefix\":\"10.31.0.0/16\"},{\"prefix\":\"10.0.1.0/24\"}]}");
    assert_int_equal(json_integer_value(json_object_get(r, "deleted")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "missing")), 1);
    json_decref(r);
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.30.1.5\"}");
    assert_string_equal(json_string_value(json_object_get(r, "via")), "10.0.2.2");
    json_decref(r);
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.0.1.77\"}");
    assert_string_equal(json_string_value(json_object_get(r, "type")), "connected");
    json_decref(r);
    refused("route.get", "{\"vr\":\"r1\",\"address\":\"172.16.0.1\"}", JSONRPC_NOT_FOUND,
            "no route");
    r = ok("route.list", "{\"vr\":\"r1\",\"family\":\"ipv6\"}");
    assert_true(json_array_size(r) >= 2);
    assert_non_null(
        strchr(json_string_value(json_object_get(json_array_get(r, 0), "prefix")), ':'));
    json_decref(r);
    r = ok("route.list", "{\"vr\":\"r1\",\"limit\":1}");
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
}

/* 6. Neighbours: a static entry is listed, deleted, and bad input refused. */
static void test_neigh(void **state)
{
    json_t *r;

    (void)state;
    json_decref(ok("neigh.add", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"address\":\"10.0.1.2\","
                                "\"mac\":\"02:00:00:00:01:02\"}"));
    r = ok("neigh.list", "{\"vr\":\"r1\"}");
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "state")),
                        "static");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "mac")),
                        "02:00:00:00:01:02");
    json_decref(r);
    refused("neigh.add",
            "{\"vr\":\"r1\",\"iface\":\"eth0\",\"address\":\"10.0.1.3\","
            "\"mac\":\"ff:ff:ff:ff:ff:ff\"}",
            JSONRPC_INVALID_PARAMS, "mac");
    refused("neigh.add",
            "{\"vr\":\"r1\",\"iface\":\"eth9\",\"address\":\"10.0.1.3\","
            "\"mac\":\"02:00:00:00:01:03\"}",
            JSONRPC_NOT_FOUND, "iface");
    json_decref(ok("neigh.delete", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"address\":\"10.0.1.2\"}"));
    refused("neigh.delete", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"address\":\"10.0.1.2\"}",
            JSONRPC_NOT_FOUND, "no such neighbour");
}

/* 7. ACLs: rules set and shown with hits; bad rules refused, the old ACL kept. */
static void test_acl(void **state)
{
    json_t *r;

    (void)state;
    json_decref(ok("acl.set", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"direction\":\"in\",\"rules\":["
                              "{\"action\":\"deny\",\"proto\":\"udp\",\"dst\":\"10.0.0.0/8\","
                              "\"dport\":53},{\"action\":\"permit\",\"sport\":\"1000-2000\","
                              "\"proto\":6}]}"));
    refused("acl.set",
            "{\"vr\":\"r1\",\"iface\":\"eth0\",\"direction\":\"in\",\"rules\":["
            "{\"action\":\"deny\",\"dport\":70000}]}",
            JSONRPC_INVALID_PARAMS, "rules[0].dport");
    refused("acl.set",
            "{\"vr\":\"r1\",\"iface\":\"eth0\",\"direction\":\"in\",\"rules\":["
            "{\"action\":\"deny\",\"src\":\"10.0.0.0/8\",\"dst\":\"2001:db8::/32\"}]}",
            JSONRPC_INVALID_PARAMS, "different families");
    refused("acl.set", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"direction\":\"sideways\",\"rules\":[]}",
            JSONRPC_INVALID_PARAMS, "direction");
    refused("acl.set",
            "{\"vr\":\"r1\",\"iface\":\"eth0\",\"direction\":\"in\",\"rules\":["
            "{\"action\":\"deny\",\"proto\":\"sctp\"}]}",
            JSONRPC_INVALID_PARAMS, "rules[0].proto");
    r = ok("acl.show", "{\"vr\":\"r1\",\"iface\":\"eth0\"}");
    assert_int_equal(json_array_size(json_object_get(r, "in")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(r, "in"), 1), "sport")),
        "1000-2000");
    json_decref(r);
}

/* 8. Counters and status have the documented shape; malformed requests get -32700. */
static void test_counters_status(void **state)
{
    json_t *r;
    char *resp;

    (void)state;
    r = ok("counters.get", "{\"vr\":\"r1\"}");
    assert_non_null(json_object_get(
        json_object_get(json_object_get(json_object_get(r, "vrs"), "r1"), "interfaces"), "eth0"));
    assert_non_null(json_object_get(r, "host"));
    json_decref(r);
    refused("counters.get", "{\"vr\":\"r9\"}", JSONRPC_NOT_FOUND, "vr");
    r = ok("vroomd.status", "{}");
    assert_int_equal(json_integer_value(json_object_get(r, "vrs")), 1);
    assert_string_equal(json_string_value(json_object_get(r, "host")), "test");
    json_decref(r);
    resp = jsonrpc_server_process(F->srv, "{\"jsonrpc\":\"2.0\",", 17);
    assert_non_null(strstr(resp, "-32700"));
    free(resp);
    refused("port.add", "{\"name\":\"p1\",\"kind\":\"afpacket\",\"ifname\":\"nosuchif0\"}",
            JSONRPC_INVALID_PARAMS, "ifname");
    refused("port.add", "{\"name\":\"p1\",\"kind\":\"carrier-pigeon\",\"ifname\":\"x\"}",
            JSONRPC_INVALID_PARAMS, "kind");
}

/* 9. Bulk routes from a file of binary records (the fast path), and the file refused
 *    when it is not an absolute path to a regular file. */
static void test_bulk_file(void **state)
{
    /* two IPv4 records: 10.40.0.0/16 via 10.0.2.2, 10.41.0.0/16 blackhole (docs/api.md) */
    static const uint8_t recs[] = {4, 16, 0, 255, 10, 40, 0, 0, 10, 0, 2, 2,
                                   4, 16, 3, 255, 10, 41, 0, 0, 0,  0, 0, 0};
    char path[] = "/tmp/vroomtest-bulk-XXXXXX", params[256];
    long long before = routes4();
    json_t *r;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, recs, sizeof(recs)), (ssize_t)sizeof(recs));
    close(fd);
    snprintf(params, sizeof(params), "{\"vr\":\"r1\",\"format\":\"v1\",\"file\":\"%s\"}", path);
    r = ok("route.add_bulk", params);
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 2);
    json_decref(r);
    assert_int_equal(routes4(), before + 2);
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.41.1.1\"}");
    assert_string_equal(json_string_value(json_object_get(r, "type")), "blackhole");
    json_decref(r);
    refused("route.add_bulk", "{\"vr\":\"r1\",\"format\":\"v1\",\"file\":\"rel/path\"}",
            JSONRPC_INVALID_PARAMS, "file: an absolute path");
    refused("route.add_bulk", "{\"vr\":\"r1\",\"format\":\"v1\",\"file\":\"/dev/null\"}",
            JSONRPC_INVALID_PARAMS, "not a regular file");
    refused("route.add_bulk",
            "{\"vr\":\"r1\",\"format\":\"v1\",\"file\":\"/nonexistent/x\",\"data\":\"\"}",
            JSONRPC_INVALID_PARAMS, "not both");
    /* a file cut inside a record: refused, nothing applied */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, recs, 20), 20);
    close(fd);
    before = routes4();
    refused("route.add_bulk", params, JSONRPC_INVALID_PARAMS, "record 1");
    assert_int_equal(routes4(), before);
    unlink(path);
}

/* 10. ECMP: route.add with nexthops; route.get/list show every member;
 *     a bad member is refused with its path and nothing of the call applied. */
static void test_route_ecmp(void **state)
{
    json_t *r, *l, *x;
    long long before;
    size_t i;
    char req[2048];
    int n = 0;

    (void)state;
    json_decref(ok("route.add",
                   "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.40.0.0/16\",\"nexthops\":["
                   "{\"via\":\"10.0.1.2\"},{\"via\":\"10.0.2.2\",\"dev\":\"eth1\"}]}]}"));
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.40.3.3\"}");
    assert_string_equal(json_string_value(json_object_get(r, "type")), "unicast");
    assert_null(json_object_get(r, "via"));
    l = json_object_get(r, "nexthops");
    assert_int_equal(json_array_size(l), 2);
    json_array_foreach(l, i, x)
    {
        const char *via = json_string_value(json_object_get(x, "via"));
        const char *dev = json_string_value(json_object_get(x, "dev"));

        assert_non_null(via);
        assert_non_null(dev);
        n += strcmp(via, "10.0.1.2") == 0 && strcmp(dev, "eth0") == 0;
        n += strcmp(via, "10.0.2.2") == 0 && strcmp(dev, "eth1") == 0;
    }
    assert_int_equal(n, 2);
    json_decref(r);
    r = ok("route.list", "{\"vr\":\"r1\",\"family\":\"ipv4\"}");
    n = 0;
    json_array_foreach(r, i, x) if (strcmp(json_string_value(json_object_get(x, "prefix")),
                                           "10.40.0.0/16") == 0) n +=
        (int)json_array_size(json_object_get(x, "nexthops"));
    assert_int_equal(n, 2);
    json_decref(r);
    r = ok("vr.show", "{\"name\":\"r1\"}");
    assert_int_equal(json_integer_value(json_object_get(r, "next_hop_groups")), 1);
    json_decref(r);
    /* a one-member list is a plain route */
    json_decref(ok("route.add", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.41.0.0/16\","
                                "\"nexthops\":[{\"via\":\"10.0.2.2\"}]}]}"));
    r = ok("route.get", "{\"vr\":\"r1\",\"address\":\"10.41.0.1\"}");
    assert_string_equal(json_string_value(json_object_get(r, "via")), "10.0.2.2");
    json_decref(r);

    /* bad members: the field named, nothing of the call applied */
    before = routes4();
#define BAD(nh, msg)                                                                               \
    do {                                                                                           \
        snprintf(req, sizeof(req),                                                                 \
                 "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.50.0.0/16\",\"via\":\"10.0.1.2\"},"     \
                 "{\"prefix\":\"10.51.0.0/16\",%s}]}",                                               \
                 nh);                                                                              \
        refused("route.add", req, JSONRPC_INVALID_PARAMS, msg);                                   \
    } while (0)
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\"},{\"via\":\"10.9.9.9\"}]",
        "routes[1].nexthops[1].via: not on a connected subnet");
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\"},{\"dev\":\"eth7\"}]",
        "routes[1].nexthops[1].dev: VR r1 has no interface eth7");
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\"},{}]", "routes[1].nexthops[1]: a next hop needs via");
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\"},{\"via\":\"10.0.1.2\"}]",
        "routes[1].nexthops[1]: the same next hop as nexthops[0]");
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\",\"type\":\"blackhole\"}]",
        "routes[1].nexthops[0].type: unknown field");
    BAD("\"nexthops\":[{\"via\":\"2001:db8:1::2\"}]", "routes[1].nexthops[0].via");
    BAD("\"nexthops\":[]", "routes[1].nexthops: must hold 1-16 next hops");
    BAD("\"nexthops\":[{\"via\":\"10.0.1.2\"}],\"via\":\"10.0.2.2\"",
        "routes[1].nexthops: instead of via, dev and type");
    BAD("\"nexthops\":{\"via\":\"10.0.1.2\"}", "routes[1].nexthops");
    BAD("\"nexthops\":[1]", "routes[1].nexthops[0]: must be an object");
    {
        char many[1024] = "\"nexthops\":[";

        for (int k = 0; k < 17; k++)
            snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s{\"via\":\"10.0.1.%d\"}",
                     k ? "," : "", 10 + k);
        strcat(many, "]");
        BAD(many, "routes[1].nexthops");
    }
#undef BAD
    assert_int_equal(routes4(), before);

    /* replaced by a single next hop, deleted: the group is unused */
    json_decref(ok("route.add", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.40.0.0/16\","
                                "\"via\":\"10.0.1.2\"}]}"));
    r = ok("vr.show", "{\"name\":\"r1\"}");
    assert_int_equal(json_integer_value(json_object_get(r, "next_hop_groups")), 0);
    json_decref(r);
    json_decref(ok("route.delete", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.40.0.0/16\"},"
                                   "{\"prefix\":\"10.41.0.0/16\"}]}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vr_lifecycle),
        cmocka_unit_test(test_iface_validation),
        cmocka_unit_test(test_route_batch_atomic),
        cmocka_unit_test(test_route_seq),
        cmocka_unit_test(test_route_delete_get_list),
        cmocka_unit_test(test_neigh),
        cmocka_unit_test(test_acl),
        cmocka_unit_test(test_bulk_file),
        cmocka_unit_test(test_counters_status),
        cmocka_unit_test(test_route_ecmp),
    };

    return cmocka_run_group_tests_name("api", tests, setup, teardown);
}
