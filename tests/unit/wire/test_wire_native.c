/*
 * test_wire_native.c - native wires (both ends on one host): the "native"
 * port kind (src/dp/port_native.c) on its own, and wire.connect between two
 * VRs of one vroomd (src/dp/endpoint.c): the controller picks native, frames
 * cross from one VR to the other with no encapsulation, counters per end and
 * per wire, the refusals, and disconnect leaving nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dp/dp_test.h"
#include "dp/api.h"
#include "dp/endpoint.h"
#include "dp/port_native.h"
#include "lib/jsonrpc.h"

struct fixture {
    struct dp *dp;
    struct jsonrpc_server *srv;
    struct api api;
    struct port *m1, *m2; /* r1:eth0, r2:eth0 */
};

static struct fixture *F;

static json_t *call(const char *method, const char *params)
{
    char req[4096];
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

/* Poll every port until nothing moves (the data plane has no loop here). */
static void pump(void)
{
    unsigned moved;

    do {
        moved = 0;
        for (unsigned i = 0; i < DP_PORTS_MAX; i++) {
            struct port *p = dp_port_at(F->dp, i);

            if (p != NULL && port_native_is(p))
                moved += dp_poll_port(F->dp, p);
        }
    } while (moved > 0);
}

static int setup(void **state)
{
    struct jsonrpc_server_config cfg = {0};
    char err[128];

    (void)state;
    F = calloc(1, sizeof(*F));
    F->dp = dp_create(NULL, NULL);
    F->srv = jsonrpc_server_new(NULL, &cfg);
    F->api.dp = F->dp;
    F->api.host = "test";
    if (F->dp == NULL || F->srv == NULL || api_register(&F->api, F->srv) != 0)
        return -1;
    if (dp_port_add(F->dp, "mem", "m1", NULL, -1, &F->m1, err, sizeof(err)) != 0 ||
        dp_port_add(F->dp, "mem", "m2", NULL, -1, &F->m2, err, sizeof(err)) != 0)
        return -1;
    json_decref(ok("vr.create", "{\"name\":\"r1\",\"container\":false}"));
    json_decref(ok("vr.create", "{\"name\":\"r2\",\"container\":false}"));
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"eth0\",\"addresses\":[\"10.1.0.1/24\"],"
                                "\"mac\":\"02:00:00:00:01:01\",\"port\":\"m1\"}"));
    json_decref(ok("iface.add", "{\"vr\":\"r2\",\"name\":\"eth0\",\"addresses\":[\"10.2.0.1/24\"],"
                                "\"mac\":\"02:00:00:00:02:01\",\"port\":\"m2\"}"));
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"wx\",\"addresses\":[\"10.12.0.1/24\"],"
                                "\"mac\":\"02:00:00:00:12:01\"}"));
    json_decref(ok("iface.add", "{\"vr\":\"r2\",\"name\":\"wx\",\"addresses\":[\"10.12.0.2/24\"],"
                                "\"mac\":\"02:00:00:00:12:02\"}"));
    /* no containers here to answer ARP: the wire's neighbours are static */
    json_decref(ok("neigh.add", "{\"vr\":\"r1\",\"iface\":\"wx\",\"address\":\"10.12.0.2\","
                                "\"mac\":\"02:00:00:00:12:02\"}"));
    json_decref(ok("neigh.add", "{\"vr\":\"r2\",\"iface\":\"wx\",\"address\":\"10.12.0.1\","
                                "\"mac\":\"02:00:00:00:12:01\"}"));
    json_decref(ok("iface.add", "{\"vr\":\"r2\",\"name\":\"wy\"}"));
    json_decref(ok("route.add", "{\"vr\":\"r1\",\"routes\":[{\"prefix\":\"10.2.0.0/24\","
                                "\"via\":\"10.12.0.2\"}]}"));
    json_decref(ok("route.add", "{\"vr\":\"r2\",\"routes\":[{\"prefix\":\"10.1.0.0/24\","
                                "\"via\":\"10.12.0.1\"}]}"));
    json_decref(ok("neigh.add", "{\"vr\":\"r1\",\"iface\":\"eth0\",\"address\":\"10.1.0.2\","
                                "\"mac\":\"02:aa:00:00:00:02\"}"));
    json_decref(ok("neigh.add", "{\"vr\":\"r2\",\"iface\":\"eth0\",\"address\":\"10.2.0.2\","
                                "\"mac\":\"02:bb:00:00:00:02\"}"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jsonrpc_server_free(F->srv);
    endpoint_ctl_stop();
    dp_free(F->dp);
    free(F);
    return 0;
}

/* 1. The port kind alone: a pair carries frames byte for byte both ways,
 * wakes the receiver through its descriptor, counts per end; unpaired ends
 * and full queues drop and count; pairing is checked. */
static void test_kind(void **state)
{
    struct pbuf_pool *pool = pbuf_pool_create(4096);
    struct port *a, *b, *m;
    struct port_native_info ni;
    struct pbuf *bufs[PORT_BURST];
    struct pollfd pfd;
    char err[128];
    unsigned n;

    (void)state;
    assert_int_equal(port_open("native", "na", NULL, -1, pool, &a, err, sizeof(err)), 0);
    assert_int_equal(port_open("native", "nb", NULL, -1, pool, &b, err, sizeof(err)), 0);
    assert_int_equal(port_open("mem", "mm", NULL, -1, pool, &m, err, sizeof(err)), 0);
    assert_true(port_native_is(a) && !port_native_is(m));
    assert_int_equal(port_native_pair(a, m, 1), -EINVAL);
    assert_int_equal(port_native_pair(a, a, 1), -EINVAL);

    /* unpaired: dropped as no_remote, nothing queued */
    bufs[0] = pbuf_alloc(pool);
    bufs[0]->len = 60;
    port_tx(a, bufs, 1);
    assert_int_equal(port_native_info(a, &ni), 0);
    assert_int_equal(ni.drops[WIRE_DROP_NO_REMOTE], 1);
    assert_null(ni.peer);
    assert_int_equal(a->st.tx_errors, 1);

    assert_int_equal(port_native_pair(a, b, 0x4200), 0);
    assert_int_equal(port_native_pair(a, b, 0x4200), -EBUSY);
    assert_int_equal(port_native_info(b, &ni), 0);
    assert_string_equal(ni.peer, "na");
    assert_int_equal(ni.connector, 0x4200);

    /* a -> b: three frames of different sizes, bytes kept */
    pfd = (struct pollfd){.fd = port_fd(b), .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 0), 0);
    for (unsigned i = 0; i < 3; i++) {
        bufs[i] = pbuf_alloc(pool);
        bufs[i]->len = 60 + i * 700;
        for (unsigned k = 0; k < bufs[i]->len; k++)
            bufs[i]->data[k] = (uint8_t)(k * 13 + i);
    }
    port_tx(a, bufs, 3);
    assert_int_equal(poll(&pfd, 1, 0), 1);
    n = port_rx(b, bufs, PORT_BURST);
    assert_int_equal(n, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(bufs[i]->len, 60 + i * 700);
        for (unsigned k = 0; k < bufs[i]->len; k++)
            assert_int_equal(bufs[i]->data[k], (uint8_t)(k * 13 + i));
        assert_ptr_equal(bufs[i]->in, b);
        pbuf_free(bufs[i]);
    }
    assert_int_equal(poll(&pfd, 1, 0), 0); /* drained: no longer readable */
    assert_int_equal(a->st.tx_packets, 3);
    assert_int_equal(b->st.rx_packets, 3);

    /* b -> a too; a full queue drops and counts on the receiving end */
    for (unsigned sent = 0; sent < PORT_NATIVE_QUEUE + 10; sent++) {
        bufs[0] = pbuf_alloc(pool);
        bufs[0]->len = 64;
        port_tx(b, bufs, 1);
    }
    assert_int_equal(port_native_info(a, &ni), 0);
    assert_int_equal(ni.queued, PORT_NATIVE_QUEUE);
    assert_int_equal(ni.drops[WIRE_DROP_QUEUE_FULL], 10);
    while ((n = port_rx(a, bufs, PORT_BURST)) > 0)
        for (unsigned i = 0; i < n; i++)
            pbuf_free(bufs[i]);
    assert_int_equal(a->st.rx_packets, PORT_NATIVE_QUEUE);

    /* closing one end unpairs the other; queued frames go back to the pool */
    bufs[0] = pbuf_alloc(pool);
    bufs[0]->len = 64;
    port_tx(a, bufs, 1);
    port_close(b);
    assert_int_equal(port_native_info(a, &ni), 0);
    assert_null(ni.peer);
    port_close(a);
    port_close(m);
    assert_int_equal(pbuf_pool_in_use(pool), 0);
    pbuf_pool_free(pool);
}

/* 2. wire.connect between two local endpoints: native, picked by the
 * controller; a frame from r1's side crosses to r2 and out of r2's eth0,
 * counted on both ends; the reply comes back the same way. */
static void test_connect_and_forward(void **state)
{
    static const uint8_t mac_if1[6] = {0x02, 0, 0, 0, 0x01, 0x01};
    static const uint8_t mac_if2[6] = {0x02, 0, 0, 0, 0x02, 0x01};
    uint8_t f[256];
    size_t len;
    struct pbuf *b;
    json_t *w, *s, *ends, *l;
    char p[256];
    size_t before = n_ports();
    int conn;

    (void)state;
    w = ok("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:wx\"}");
    assert_string_equal(json_string_value(json_object_get(w, "type")), "native");
    assert_string_equal(json_string_value(json_object_get(w, "state")), "up");
    assert_string_equal(json_string_value(json_object_get(w, "remote_host")), "test");
    assert_true(json_is_null(json_object_get(w, "remote_underlay")));
    conn = (int)json_integer_value(json_object_get(w, "connector"));
    assert_int_equal(conn & 0xff, 0);
    assert_int_equal(n_ports(), before + 2);
    json_decref(w);

    /* both endpoints show the wire, both are bound to their native end */
    l = ok("endpoint.list", "{}");
    for (size_t i = 0; i < json_array_size(l); i++) {
        json_t *e = json_array_get(l, i);
        const char *ep = json_string_value(json_object_get(e, "endpoint"));

        if (strcmp(ep, "r1:wx") == 0 || strcmp(ep, "r2:wx") == 0) {
            assert_int_equal(json_integer_value(json_object_get(e, "wire")), conn);
            assert_non_null(strstr(json_string_value(json_object_get(e, "port")), "n"));
        }
    }
    json_decref(l);

    /* host A (10.1.0.2) behind r1 pings host B (10.2.0.2) behind r2: ARP
     * crosses the native wire and leaves r2 with TTL 64 - 2 */
    len = t_icmp4(f, mac_if1, T_MAC_A, T_IP(10, 1, 0, 2), T_IP(10, 2, 0, 2), 64, 8, 0, 56);
    assert_int_equal(port_mem_inject(F->m1, f, len), 0);
    dp_poll_port(F->dp, F->m1);
    pump();
    b = port_mem_take(F->m2);
    assert_non_null(b);
    assert_int_equal(b->len, len);
    assert_memory_equal(b->data, T_MAC_B, 6);
    assert_memory_equal(b->data + 6, mac_if2, 6);
    assert_int_equal(b->data[14 + 8], 62);
    assert_int_equal(t_get32(b->data + 14 + 16), T_IP(10, 2, 0, 2));
    pbuf_free(b);
    assert_null(port_mem_take(F->m2));

    /* and back: B's reply leaves r1's eth0 towards A */
    len = t_icmp4(f, mac_if2, T_MAC_B, T_IP(10, 2, 0, 2), T_IP(10, 1, 0, 2), 64, 0, 0, 56);
    assert_int_equal(port_mem_inject(F->m2, f, len), 0);
    dp_poll_port(F->dp, F->m2);
    pump();
    b = port_mem_take(F->m1);
    assert_non_null(b);
    assert_int_equal(t_get32(b->data + 14 + 16), T_IP(10, 1, 0, 2));
    assert_int_equal(b->data[14 + 8], 62);
    pbuf_free(b);

    /* counters: per end and the wire's sum; each end sent one frame */
    snprintf(p, sizeof(p), "{\"connector\":%d}", conn);
    s = ok("wire.show", p);
    ends = json_object_get(s, "ends");
    assert_int_equal(json_array_size(ends), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "overhead")), 0);
    for (size_t i = 0; i < 2; i++) {
        json_t *e = json_array_get(ends, i);

        assert_int_equal(json_integer_value(json_object_get(e, "tx")), 1);
        assert_int_equal(json_integer_value(json_object_get(e, "rx")), 1);
        assert_int_equal(json_object_size(json_object_get(e, "drops")), 0);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(ends, 0), "endpoint")),
                        "r1:wx");
    assert_int_equal(json_integer_value(json_object_get(s, "tx")), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "rx")), 2);
    json_decref(s);

    /* an end of a native wire is busy for other wires */
    refused("wire.connect", "{\"a\":\"r2:wy\",\"b\":\"r1:wx\"}", JSONRPC_BUSY, "b: r1:wx");

    /* disconnect: both ports gone, both interfaces unbound, no wire left */
    json_decref(ok("wire.disconnect", p));
    assert_int_equal(n_ports(), before);
    l = ok("wire.list", "{}");
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    l = ok("iface.list", "{\"vr\":\"r1\"}");
    for (size_t i = 0; i < json_array_size(l); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(l, i), "name")), "wx") == 0)
            assert_true(json_is_null(json_object_get(json_array_get(l, i), "port")));
    json_decref(l);
}

/* 3. The refusals: a type that needs two hosts, native to a remote
 * endpoint, the same endpoint twice, a bound end, a connector in use;
 * nothing is left behind by any of them. */
static void test_refusals(void **state)
{
    size_t before = n_ports();
    json_t *w;

    (void)state;
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:wx\",\"type\":\"encap\"}",
            JSONRPC_UNSUPPORTED, "type: encap needs the ends on two hosts");
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:wx\",\"type\":\"secure\"}",
            JSONRPC_UNSUPPORTED, "both on test");
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r9:wx\",\"type\":\"native\"}",
            JSONRPC_UNSUPPORTED, "type: native needs both ends on this host");
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:wx\",\"type\":\"vxlan\"}",
            JSONRPC_INVALID_PARAMS, "type");
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r1:wx\"}", JSONRPC_INVALID_PARAMS,
            "b: the same endpoint");
    refused("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:eth0\"}", JSONRPC_BUSY,
            "b: r2:eth0 is bound to port m2");
    assert_int_equal(n_ports(), before);

    w = ok("wire.connect", "{\"a\":\"r1:wx\",\"b\":\"r2:wx\",\"type\":\"native\","
                           "\"connector\":4660}");
    assert_int_equal(json_integer_value(json_object_get(w, "connector")), 4660);
    assert_string_equal(json_string_value(json_object_get(w, "port")), "n00001234a");
    assert_string_equal(json_string_value(json_object_get(w, "remote_port")), "n00001234b");
    json_decref(w);
    refused("wire.connect", "{\"a\":\"r2:wy\",\"b\":\"r1:eth0\",\"connector\":4660}",
            JSONRPC_BUSY, "bound");
    json_decref(ok("iface.add", "{\"vr\":\"r1\",\"name\":\"wz\"}"));
    refused("wire.connect", "{\"a\":\"r2:wy\",\"b\":\"r1:wz\",\"connector\":4660}", JSONRPC_EXISTS,
            "in use");
    /* moving needs peers */
    refused("endpoint.move", "{\"endpoint\":\"r2:wx\",\"to\":\"elsewhere\"}", JSONRPC_NOT_FOUND,
            "not a peer");
    /* deleting a VR with a native end bound: the other end keeps running */
    json_decref(ok("vr.delete", "{\"name\":\"r2\"}"));
    json_decref(ok("wire.disconnect", "{\"connector\":4660}"));
    assert_int_equal(n_ports(), before); /* the ports of a deleted VR stay, unbound */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind),
        cmocka_unit_test(test_connect_and_forward),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests_name("wire_native", tests, setup, teardown);
}
