/*
 * test_wire_endpoint.c - the endpoint controller's side of the peer channel
 * (src/dp/endpoint.c, endpoint_msg.c). A vroomd's controller ("a", with VRs
 * made through the API) and a fake peer ("b", a bare peer context of the
 * test's own) talk TLS over 127.0.0.1 in a network namespace the test
 * unshares for itself: b sends what a real host would (INFO, LOOKUP,
 * CONNECT, DISCONNECT, MOVE_PREPARE, EXPECT, REPOINT, MOVED) and checks each answer
 * and the controller's state through the API; it answers the controller's
 * own LOOKUP and CONNECT; and it sends what no host should (bad JSON,
 * unknown, missing or mistyped members, bad endpoints, addresses, keys,
 * lengths and types): each is refused, logged, counted, and the channel
 * recovers.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "../peer/peer_test.h"
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/endpoint.h"
#include "dp/endpoint_msg.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"

#define PORT 17911
/* a string of 64 characters: 32 times s (two characters) */
#define KEY64(s) s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s s
#define RECS 64

struct rec {
    uint16_t type;
    uint64_t id;
    json_t *o;
};

static struct {
    bool netns;
    struct ev_loop *loop;
    struct dp *dp;
    struct jsonrpc_server *srv;
    struct api api;
    struct peer_ctx *bctx; /* the fake host b */
    struct peer *b_to_a;
    int ups, downs;
    struct rec recs[RECS];
    unsigned n_recs;
} T;

static int lo_up(void)
{
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

    if (fd < 0)
        return -1;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    return rc;
}

/* ---- the fake host b ---------------------------------------------------- */

static int b_record(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                    void *arg)
{
    json_t *o = json_loadb(payload, len, 0, NULL);

    (void)p;
    (void)arg;
    if (o == NULL || T.n_recs == RECS) {
        json_decref(o);
        return -EINVAL;
    }
    T.recs[T.n_recs++] = (struct rec){.type = type, .id = id, .o = o};
    return 0;
}

static void b_up(struct peer *p, void *arg)
{
    (void)p;
    (void)arg;
    T.ups++;
}

static void b_down(struct peer *p, enum peer_down_reason why, void *arg)
{
    (void)p;
    (void)why;
    (void)arg;
    T.downs++;
}

static bool b_is_up(void *arg)
{
    (void)arg;
    return peer_is_up(T.b_to_a);
}

static bool b_is_down(void *arg)
{
    (void)arg;
    return !peer_is_up(T.b_to_a);
}

static bool have_type(void *arg)
{
    uint16_t type = (uint16_t)(uintptr_t)arg;

    for (unsigned i = 0; i < T.n_recs; i++)
        if (T.recs[i].type == type)
            return true;
    return false;
}

/* The first message of type the controller sent b (waiting up to 5 s):
 * its payload (the caller's reference), *id its id. */
static json_t *take(uint16_t type, uint64_t *id)
{
    if (!pt_run1(T.loop, have_type, (void *)(uintptr_t)type, 5))
        fail_msg("no %s from the controller", ep_msg_name(type));
    for (unsigned i = 0; i < T.n_recs; i++)
        if (T.recs[i].type == type) {
            json_t *o = T.recs[i].o;

            if (id != NULL)
                *id = T.recs[i].id;
            memmove(&T.recs[i], &T.recs[i + 1], (T.n_recs - i - 1) * sizeof(T.recs[0]));
            T.n_recs--;
            return o;
        }
    return NULL;
}

static void send_b(uint16_t type, uint64_t id, const char *payload)
{
    assert_true(pt_run1(T.loop, b_is_up, NULL, 10));
    assert_int_equal(peer_send(T.b_to_a, type, id, payload, strlen(payload)), 0);
}

/* ---- the controller's API --------------------------------------------------- */

static json_t *call(const char *method, const char *params)
{
    char req[4096];
    char *resp;
    json_t *j, *res;

    snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    resp = jsonrpc_server_process(T.srv, req, strlen(req));
    assert_non_null(resp);
    j = json_loads(resp, 0, NULL);
    free(resp);
    assert_non_null(j);
    res = json_object_get(j, "result");
    if (res == NULL)
        fail_msg("%s %s: %s", method, params,
                 json_string_value(json_object_get(json_object_get(j, "error"), "message")));
    json_incref(res);
    json_decref(j);
    return res;
}

static json_int_t counter(const char *name)
{
    json_t *st = call("peer.status", "{}");
    json_int_t v = json_integer_value(json_object_get(json_object_get(st, "controller"), name));

    json_decref(st);
    return v;
}

/* The wire with connector, or NULL. */
static json_t *wire(unsigned connector)
{
    json_t *l = call("wire.list", "{}"), *w = NULL;

    for (size_t i = 0; i < json_array_size(l); i++)
        if (json_integer_value(json_object_get(json_array_get(l, i), "connector")) == connector)
            w = json_incref(json_array_get(l, i));
    json_decref(l);
    return w;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s != NULL ? s : "(none)";
}

/* Run the loop for a moment (answers in flight arrive). */
static void settle(void)
{
    pt_run1(T.loop, NULL, NULL, 0.2);
}

/* ---- set-up ----------------------------------------------------------------- */

static int group_setup(void **state)
{
    static const struct endpoint_peer_config peers[] = {{.name = "b"}, {.name = "c"}};
    struct endpoint_config ecfg = {
        .listen_addr = "127.0.0.1",
        .listen_port = PORT,
        .underlay = "127.0.0.1",
        .peers = peers,
        .n_peers = 2,
    };
    struct peer_handler hs[MSG_END - MSG_INFO];
    struct peer_ctx_config bcfg = {
        .name = "b",
        .handlers = hs,
        .n_handlers = MSG_END - MSG_INFO,
        .ops = {.up = b_up, .down = b_down},
        .backoff_min_ms = 50,
        .backoff_max_ms = 200,
    };
    struct jsonrpc_server_config scfg = {0};
    char why[256];

    (void)state;
    log_init("test_wire_endpoint", LOG_LEVEL_INFO);
    T.netns = unshare(CLONE_NEWNET) == 0 && lo_up() == 0;
    if (!T.netns) {
        print_message("# no network namespace of our own (%s): tests skipped\n", strerror(errno));
        return 0;
    }
    pt_certs_make();
    T.loop = ev_loop_new(EVFLAG_AUTO);
    T.dp = dp_create(T.loop, NULL);
    T.srv = jsonrpc_server_new(NULL, &scfg);
    T.api = (struct api){.dp = T.dp, .loop = T.loop, .host = "a", .srv = T.srv};
    ecfg.cert_file = strdup(pt_file("a", "pem"));
    ecfg.key_file = strdup(pt_file("a", "key"));
    ecfg.ca_file = strdup(pt_file("ca", "pem"));
    if (endpoint_ctl_start(&T.api, &ecfg, why, sizeof(why)) != 0) {
        print_message("# endpoint_ctl_start: %s\n", why);
        return -1;
    }
    free((void *)ecfg.cert_file);
    free((void *)ecfg.key_file);
    free((void *)ecfg.ca_file);
    if (api_register(&T.api, T.srv) != 0)
        return -1;
    for (int i = 0; i < MSG_END - MSG_INFO; i++)
        hs[i] = (struct peer_handler){.type = (uint16_t)(MSG_INFO + i), .fn = b_record};
    bcfg.cert_file = pt_file("b", "pem");
    bcfg.key_file = pt_file("b", "key");
    bcfg.ca_file = pt_file("ca", "pem");
    if (peer_ctx_new(T.loop, &bcfg, &T.bctx) != 0 ||
        peer_add(T.bctx, "a", "127.0.0.1", PORT, &T.b_to_a) != 0)
        return -1;
    /* the VR a's endpoints belong to */
    json_decref(call("vr.create", "{\"name\":\"r1\",\"container\":false}"));
    for (const char *const *i = (const char *const[]){"wx", "wy", "wz", "wq", "wr", NULL};
         *i != NULL; i++) {
        char p[128];

        snprintf(p, sizeof(p), "{\"vr\":\"r1\",\"name\":\"%s\"}", *i);
        json_decref(call("iface.add", p));
    }
    return pt_run1(T.loop, b_is_up, NULL, 10) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!T.netns)
        return 0;
    for (unsigned i = 0; i < T.n_recs; i++)
        json_decref(T.recs[i].o);
    peer_ctx_free(T.bctx);
    jsonrpc_server_free(T.srv);
    endpoint_ctl_stop();
    dp_free(T.dp);
    ev_loop_destroy(T.loop);
    pt_certs_remove();
    return 0;
}

#define NEED_NETNS()                                                                               \
    do {                                                                                           \
        if (!T.netns)                                                                              \
            skip();                                                                                \
    } while (0)

/* 1. When the session comes up, the controller tells its underlay; b's INFO
 * is what peer.list shows as b's underlay. */
static void test_info(void **state)
{
    json_t *o, *l;
    bool seen = false;

    (void)state;
    NEED_NETNS();
    o = take(MSG_INFO, NULL);
    assert_string_equal(str(o, "underlay"), "127.0.0.1");
    json_decref(o);
    send_b(MSG_INFO, 0, "{\"underlay\":\"127.0.0.2\"}");
    settle();
    l = call("peer.list", "{}");
    for (size_t i = 0; i < json_array_size(l); i++) {
        json_t *p = json_array_get(l, i);

        if (strcmp(str(p, "name"), "b") == 0) {
            assert_string_equal(str(p, "underlay"), "127.0.0.2");
            assert_true(json_is_true(json_object_get(p, "up")));
            seen = true;
        }
    }
    json_decref(l);
    assert_true(seen);
}

/* 2. LOOKUP: found with the underlay for a local endpoint, not found (and
 * no underlay) otherwise; the reply carries the request's id. */
static void test_lookup(void **state)
{
    uint64_t id;
    json_t *o;

    (void)state;
    NEED_NETNS();
    send_b(MSG_LOOKUP, 7, "{\"endpoint\":\"r1:wx\"}");
    o = take(MSG_LOOKUP_REPLY, &id);
    assert_int_equal(id, 7);
    assert_string_equal(str(o, "endpoint"), "r1:wx");
    assert_true(json_is_true(json_object_get(o, "found")));
    assert_string_equal(str(o, "underlay"), "127.0.0.1");
    json_decref(o);
    send_b(MSG_LOOKUP, 8, "{\"endpoint\":\"r9:nope\"}");
    o = take(MSG_LOOKUP_REPLY, &id);
    assert_int_equal(id, 8);
    assert_true(json_is_false(json_object_get(o, "found")));
    assert_null(json_object_get(o, "underlay"));
    json_decref(o);
}

/* 3. CONNECT makes our end (a wire port towards b's underlay, bound to the
 * endpoint); a repeat is answered ok; a secure one without keys and a
 * connector in use are answered with the reason; DISCONNECT from b removes
 * it. */
static void test_connect(void **state)
{
    uint64_t id;
    json_t *o, *w;

    (void)state;
    NEED_NETNS();
    send_b(MSG_CONNECT, 9,
           "{\"connector\":256,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":\"encap\","
           "\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT_REPLY, &id);
    assert_int_equal(id, 9);
    assert_true(json_is_true(json_object_get(o, "ok")));
    assert_int_equal(json_integer_value(json_object_get(o, "connector")), 256);
    json_decref(o);
    w = wire(256);
    assert_non_null(w);
    assert_string_equal(str(w, "state"), "up");
    assert_string_equal(str(w, "local"), "r1:wx");
    assert_string_equal(str(w, "remote"), "rb:w");
    assert_string_equal(str(w, "remote_host"), "b");
    assert_string_equal(str(w, "remote_underlay"), "127.0.0.2");
    assert_string_equal(str(w, "port"), "w00000100");
    json_decref(w);

    send_b(MSG_CONNECT, 10,
           "{\"connector\":256,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":\"encap\","
           "\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT_REPLY, &id);
    assert_true(json_is_true(json_object_get(o, "ok")));
    json_decref(o);
    send_b(MSG_CONNECT, 11,
           "{\"connector\":256,\"local\":\"rb:v\",\"remote\":\"r1:wy\",\"type\":\"encap\","
           "\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT_REPLY, &id);
    assert_int_equal(id, 11);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "in use"));
    json_decref(o);
    send_b(MSG_CONNECT, 12,
           "{\"connector\":257,\"local\":\"rb:v\",\"remote\":\"r1:wy\",\"type\":\"secure\","
           "\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT_REPLY, &id);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "needs keys"));
    json_decref(o);
    send_b(MSG_CONNECT, 13,
           "{\"connector\":258,\"local\":\"rb:v\",\"remote\":\"r9:none\",\"type\":\"encap\","
           "\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT_REPLY, &id);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "no endpoint r9:none"));
    json_decref(o);
    assert_null(wire(257));
    assert_null(wire(258));

    send_b(MSG_DISCONNECT, 14, "{\"connector\":256}");
    settle();
    assert_null(wire(256));
}

/* 4. MOVE_PREPARE makes the moved endpoint's end and answers MOVE_READY;
 * REPOINT from the far end's host re-points our wire, from anyone else it is
 * ignored; MOVED feeds the directory, whose answer wire.connect then uses. */
static void test_move_messages(void **state)
{
    uint64_t id;
    json_t *o, *w;
    json_int_t moved_in = counter("moved_in");

    (void)state;
    NEED_NETNS();
    send_b(MSG_MOVE_PREPARE, 20,
           "{\"connector\":512,\"endpoint\":\"r1:wy\",\"far\":\"rc:v\",\"far_host\":\"c\","
           "\"far_underlay\":\"127.0.0.3\",\"type\":\"encap\"}");
    o = take(MSG_MOVE_READY, &id);
    assert_int_equal(id, 20);
    assert_true(json_is_true(json_object_get(o, "ok")));
    json_decref(o);
    assert_int_equal(counter("moved_in"), moved_in + 1);
    w = wire(512);
    assert_string_equal(str(w, "remote_host"), "c");
    assert_string_equal(str(w, "remote_underlay"), "127.0.0.3");
    json_decref(w);
    /* far_host not a peer of ours: refused with the reason */
    send_b(MSG_MOVE_PREPARE, 21,
           "{\"connector\":513,\"endpoint\":\"r1:wz\",\"far\":\"rc:v\",\"far_host\":\"zz\","
           "\"far_underlay\":\"127.0.0.3\",\"type\":\"encap\"}");
    o = take(MSG_MOVE_READY, &id);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "zz is not a peer"));
    json_decref(o);
    assert_null(wire(513));
    /* b is not the far host of wire 512: its REPOINT is ignored */
    send_b(MSG_REPOINT, 22,
           "{\"connector\":512,\"endpoint\":\"rc:v\",\"host\":\"b\",\"underlay\":\"127.0.0.2\"}");
    settle();
    w = wire(512);
    assert_string_equal(str(w, "remote_host"), "c");
    json_decref(w);

    /* a wire from b, then b's end moves to c: re-pointed */
    send_b(MSG_CONNECT, 23,
           "{\"connector\":768,\"local\":\"rb:u\",\"remote\":\"r1:wz\",\"type\":\"encap\","
           "\"underlay\":\"127.0.0.2\"}");
    json_decref(take(MSG_CONNECT_REPLY, NULL));
    /* EXPECT first: accept from c too, before anything is re-pointed */
    w = call("wire.show", "{\"connector\":768}");
    assert_null(json_object_get(w, "also_from"));
    json_decref(w);
    send_b(MSG_EXPECT, 30,
           "{\"connector\":768,\"endpoint\":\"rb:u\",\"host\":\"c\",\"underlay\":\"127.0.0.3\"}");
    o = take(MSG_EXPECT_READY, &id);
    assert_int_equal(id, 30);
    assert_true(json_is_true(json_object_get(o, "ok")));
    json_decref(o);
    w = call("wire.show", "{\"connector\":768}");
    assert_string_equal(str(w, "also_from"), "127.0.0.3");
    assert_string_equal(str(w, "remote_underlay"), "127.0.0.2");
    json_decref(w);
    send_b(MSG_EXPECT, 31,
           "{\"connector\":999,\"endpoint\":\"rb:u\",\"host\":\"c\",\"underlay\":\"127.0.0.3\"}");
    o = take(MSG_EXPECT_READY, &id);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "no wire"));
    json_decref(o);
    send_b(MSG_EXPECT, 32,
           "{\"connector\":768,\"endpoint\":\"rb:u\",\"host\":\"c\",\"underlay\":\"127.0.0.3\","
           "\"key\":{\"tx\":\"" KEY64("11") "\",\"rx\":\"" KEY64("22") "\",\"epoch\":2}}");
    o = take(MSG_EXPECT_READY, &id);
    assert_true(json_is_false(json_object_get(o, "ok")));
    assert_non_null(strstr(str(o, "error"), "secure"));
    json_decref(o);
    send_b(MSG_REPOINT, 24,
           "{\"connector\":768,\"endpoint\":\"rb:u\",\"host\":\"c\",\"underlay\":\"127.0.0.3\"}");
    settle();
    w = wire(768);
    assert_string_equal(str(w, "remote_host"), "c");
    assert_string_equal(str(w, "remote_underlay"), "127.0.0.3");
    json_decref(w);
    /* and it still accepts from b's old place for the grace period */
    w = call("wire.show", "{\"connector\":768}");
    assert_string_equal(str(w, "also_from"), "127.0.0.2");
    json_decref(w);
    /* now c holds the far end: b may not move it back */
    send_b(MSG_REPOINT, 25,
           "{\"connector\":768,\"endpoint\":\"rb:u\",\"host\":\"b\",\"underlay\":\"127.0.0.2\"}");
    settle();
    w = wire(768);
    assert_string_equal(str(w, "remote_host"), "c");
    json_decref(w);

    /* MOVED: the directory knows rx:y is on b; wire.connect asks nobody */
    {
        json_int_t hits = counter("cache_hits"), sent = counter("lookups_sent");
        unsigned conn;

        send_b(MSG_MOVED, 26, "{\"endpoint\":\"rx:y\",\"host\":\"b\",\"underlay\":\"127.0.0.2\"}");
        settle();
        w = call("wire.connect", "{\"a\":\"r1:wq\",\"b\":\"rx:y\",\"connector\":1024}");
        assert_string_equal(str(w, "state"), "connecting");
        json_decref(w);
        assert_int_equal(counter("cache_hits"), hits + 1);
        assert_int_equal(counter("lookups_sent"), sent);
        o = take(MSG_CONNECT, &id);
        assert_int_equal(json_integer_value(json_object_get(o, "connector")), 1024);
        assert_string_equal(str(o, "local"), "r1:wq");
        assert_string_equal(str(o, "remote"), "rx:y");
        assert_string_equal(str(o, "type"), "encap");
        assert_string_equal(str(o, "underlay"), "127.0.0.1");
        json_decref(o);
        {
            char r[64];

            snprintf(r, sizeof(r), "{\"connector\":1024,\"ok\":true}");
            send_b(MSG_CONNECT_REPLY, id + 1000, r); /* another id: not the answer */
            settle();
            w = wire(1024);
            assert_string_equal(str(w, "state"), "connecting");
            json_decref(w);
            send_b(MSG_CONNECT_REPLY, id, r);
            settle();
        }
        w = wire(1024);
        assert_string_equal(str(w, "state"), "up");
        conn = (unsigned)json_integer_value(json_object_get(w, "connector"));
        json_decref(w);
        assert_int_equal(conn, 1024);
    }

    /* unknown endpoint: the controller asks b, b answers, then refuses the connect */
    w = call("wire.connect", "{\"a\":\"r1:wr\",\"b\":\"rz:q\",\"connector\":1280}");
    assert_string_equal(str(w, "state"), "lookup");
    json_decref(w);
    o = take(MSG_LOOKUP, &id);
    assert_string_equal(str(o, "endpoint"), "rz:q");
    json_decref(o);
    send_b(MSG_LOOKUP_REPLY, id, "{\"endpoint\":\"rz:q\",\"found\":true,\"underlay\":\"127.0.0.2\"}");
    o = take(MSG_CONNECT, &id);
    json_decref(o);
    send_b(MSG_CONNECT_REPLY, id, "{\"connector\":1280,\"ok\":false,\"error\":\"nope\"}");
    settle();
    w = wire(1280);
    assert_string_equal(str(w, "state"), "failed");
    assert_non_null(strstr(str(w, "error"), "b: nope"));
    assert_true(json_is_null(json_object_get(w, "port")));
    json_decref(w);
}

/* The controller's refusal count for peer b under reason (peer.list). */
static json_int_t refused_b(const char *reason)
{
    json_t *l = call("peer.list", "{}");
    json_int_t v = 0;

    for (size_t i = 0; i < json_array_size(l); i++)
        if (strcmp(str(json_array_get(l, i), "name"), "b") == 0)
            v = json_integer_value(json_object_get(json_object_get(json_array_get(l, i), "refused"),
                                                   reason));
    json_decref(l);
    return v;
}

/* Send a message the controller must refuse; it closes the connection and
 * counts; b comes back. */
static void refuse(uint16_t type, const char *payload, size_t len, const char *reason)
{
    json_int_t bad = counter("bad_msgs"), ref = refused_b(reason);
    int downs = T.downs;

    assert_true(pt_run1(T.loop, b_is_up, NULL, 10));
    assert_int_equal(peer_send(T.b_to_a, type, 99, payload, len), 0);
    if (!pt_run1(T.loop, b_is_down, NULL, 5))
        fail_msg("%s %.*s: not refused", ep_msg_name(type), (int)len, payload);
    assert_true(T.downs > downs);
    if (strcmp(reason, "handler") == 0)
        assert_int_equal(counter("bad_msgs"), bad + 1);
    else
        assert_int_equal(counter("bad_msgs"), bad);
    assert_int_equal(refused_b(reason), ref + 1);
    assert_true(pt_run1(T.loop, b_is_up, NULL, 10));
}

/* 5. Malformed messages: each refused, logged, counted; nothing changes. */
static void test_malformed(void **state)
{
    static const struct {
        uint16_t type;
        const char *payload;
    } bad[] = {
        {MSG_INFO, "not json"},
        {MSG_INFO, "[1,2]"},
        {MSG_INFO, "{\"underlay\":\"127.0.0.2\",\"x\":1}"},
        {MSG_INFO, "{}"},
        {MSG_INFO, "{\"underlay\":\"::1\"}"},
        {MSG_INFO, "{\"underlay\":\"127.0.0.2:99\"}"},
        {MSG_INFO, "{\"underlay\":7}"},
        {MSG_LOOKUP, "{\"endpoint\":\"nocolon\"}"},
        {MSG_LOOKUP, "{\"endpoint\":\"a:b:c\"}"},
        {MSG_LOOKUP, "{\"endpoint\":\":x\"}"},
        {MSG_LOOKUP, "{\"endpoint\":5}"},
        {MSG_LOOKUP, "{\"endpoint\":\"r1:wx\",\"endpoint\":\"r1:wx\"}"},
        {MSG_LOOKUP_REPLY, "{\"endpoint\":\"r1:x\",\"found\":true}"},
        {MSG_LOOKUP_REPLY, "{\"endpoint\":\"r1:x\",\"found\":false,\"underlay\":\"1.2.3.4\"}"},
        {MSG_LOOKUP_REPLY, "{\"endpoint\":\"r1:x\",\"found\":1}"},
        {MSG_MOVED, "{\"endpoint\":\"r1:x\",\"host\":\"b\"}"},
        {MSG_CONNECT, "{\"connector\":0,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"encap\",\"underlay\":\"127.0.0.2\"}"},
        {MSG_CONNECT, "{\"connector\":4294967296,\"local\":\"rb:w\",\"remote\":\"r1:wx\","
                      "\"type\":\"encap\",\"underlay\":\"127.0.0.2\"}"},
        {MSG_CONNECT, "{\"connector\":9,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"vxlan\",\"underlay\":\"127.0.0.2\"}"},
        {MSG_CONNECT, "{\"connector\":9,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"secure\",\"underlay\":\"127.0.0.2\",\"key\":{\"tx\":\"" KEY64("11")
                      "\",\"rx\":\"" KEY64("11") "\",\"epoch\":1}}"},
        {MSG_CONNECT, "{\"connector\":9,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"secure\",\"underlay\":\"127.0.0.2\",\"key\":{\"tx\":\"" KEY64("zz")
                      "\",\"rx\":\"" KEY64("11") "\",\"epoch\":1}}"},
        {MSG_CONNECT, "{\"connector\":9,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"secure\",\"underlay\":\"127.0.0.2\",\"key\":{\"tx\":\"" KEY64("22")
                      "\",\"rx\":\"" KEY64("11") "\",\"epoch\":256}}"},
        {MSG_CONNECT, "{\"connector\":9,\"local\":\"rb:w\",\"remote\":\"r1:wx\",\"type\":"
                      "\"secure\",\"underlay\":\"127.0.0.2\",\"key\":{\"tx\":\"22\",\"rx\":"
                      "\"11\",\"epoch\":1}}"},
        {MSG_CONNECT_REPLY, "{\"connector\":1,\"ok\":\"yes\"}"},
        {MSG_MOVE_READY, "{\"connector\":1,\"ok\":true,\"error\":3}"},
        {MSG_DISCONNECT, "{\"connector\":-1}"},
        {MSG_EXPECT, "{\"connector\":768,\"endpoint\":\"rb:u\",\"underlay\":\"127.0.0.3\"}"},
        {MSG_EXPECT_READY, "{\"ok\":true}"},
        {MSG_MOVE_PREPARE, "{\"connector\":5,\"endpoint\":\"r1:wz\",\"far\":\"rc:v\","
                           "\"far_underlay\":\"127.0.0.3\",\"type\":\"encap\"}"},
        {MSG_REPOINT, "{\"connector\":768,\"endpoint\":\"rb:u\",\"host\":\"" KEY64("h")
                      KEY64("h") "h\",\"underlay\":\"127.0.0.3\"}"},
    };
    static char big[EP_MSG_MAX + 100];
    json_t *w;

    (void)state;
    NEED_NETNS();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        refuse(bad[i].type, bad[i].payload, strlen(bad[i].payload), "handler");
    /* the channel's own bounds: too short, too long, a type nobody handles */
    refuse(MSG_INFO, "{", 1, "short");
    memset(big, ' ', sizeof(big));
    big[0] = '{';
    big[sizeof(big) - 1] = '}';
    refuse(MSG_LOOKUP, big, sizeof(big), "long");
    refuse(MSG_END, "{}", 2, "type");
    /* nothing changed: the wires of the earlier tests are as they were */
    w = wire(768);
    assert_non_null(w);
    assert_string_equal(str(w, "remote_host"), "c");
    json_decref(w);
    assert_null(wire(9));
    /* and the channel works again */
    send_b(MSG_LOOKUP, 77, "{\"endpoint\":\"r1:wx\"}");
    json_decref(take(MSG_LOOKUP_REPLY, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info),      cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_connect),   cmocka_unit_test(test_move_messages),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests_name("wire_endpoint", tests, group_setup, group_teardown);
}
