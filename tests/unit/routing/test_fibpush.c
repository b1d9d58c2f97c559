/*
 * test_fibpush.c - the FIB pusher (src/routing/fibpush.c) against a fake
 * vroomd: the real JSON-RPC server of src/lib on a Unix socket in the same
 * libev loop, with route.add/delete/sync/list methods over a table. Checks
 * the first full resync (stale routes deleted), batches of the configured
 * size with consecutive seqs, a reconnect that resumes without a full
 * resync, a vroomd that lost its state, and a refused route in a batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/jsonrpc.h"
#include "routing/fibpush.h"
#include "routing_test.h"

#include <ev.h>
#include <unistd.h>

struct fake {
    json_t *routes; /* prefix -> route object */
    uint64_t seq;
    int calls_add, calls_del, max_batch;
    bool seq_gap; /* a seq that was not last+1 */
    char refuse[32];
};

static struct fake V;
static struct jsonrpc_server *srv;
static struct ev_loop *loop;
static char sockpath[108];

static int m_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    json_t *routes = json_object_get(params, "routes"), *r;
    json_int_t seq = json_integer_value(json_object_get(params, "seq"));
    size_t i;

    (void)ctx;
    if ((uint64_t)seq <= V.seq)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "seq: %lld is not after %llu",
                                 (long long)seq, (unsigned long long)V.seq);
    json_array_foreach(routes, i,
                       r) if (V.refuse[0] &&
                              strcmp(json_string_value(json_object_get(r, "prefix")), V.refuse) ==
                                  0) return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                                              "routes[%zu].via: refused", i);
    if ((uint64_t)seq != V.seq + 1)
        V.seq_gap = true;
    V.seq = (uint64_t)seq;
    V.calls_add++;
    if ((int)json_array_size(routes) > V.max_batch)
        V.max_batch = (int)json_array_size(routes);
    json_array_foreach(routes, i, r)
    {
        json_t *c = json_deep_copy(r);

        json_object_set_new(c, "type",
                            json_string(json_object_get(r, "type")
                                            ? json_string_value(json_object_get(r, "type"))
                                            : "unicast"));
        json_object_set_new(V.routes, json_string_value(json_object_get(r, "prefix")), c);
    }
    *result = json_pack("{s:I,s:I}", "added", (json_int_t)json_array_size(routes), "seq",
                        (json_int_t)V.seq);
    return 0;
}

static int m_del(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    json_t *routes = json_object_get(params, "routes"), *r;
    json_int_t seq = json_integer_value(json_object_get(params, "seq"));
    size_t i;

    (void)ctx;
    if ((uint64_t)seq <= V.seq)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "seq: not after");
    if ((uint64_t)seq != V.seq + 1)
        V.seq_gap = true;
    V.seq = (uint64_t)seq;
    V.calls_del++;
    json_array_foreach(routes, i, r)
        json_object_del(V.routes, json_string_value(json_object_get(r, "prefix")));
    *result = json_pack("{s:I}", "seq", (json_int_t)V.seq);
    return 0;
}

static int m_sync(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    (void)ctx;
    (void)params;
    (void)err;
    *result = json_pack("{s:I}", "seq", (json_int_t)V.seq);
    return 0;
}

static int m_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    const char *k;
    json_t *v;

    (void)ctx;
    (void)params;
    (void)err;
    *result = json_array();
    json_object_foreach(V.routes, k, v) json_array_append(*result, v);
    return 0;
}

static const struct jsonrpc_method methods[] = {
    {"route.add", m_add, ""},
    {"route.delete", m_del, ""},
    {"route.sync", m_sync, ""},
    {"route.list", m_list, ""},
};

static void server_up(void)
{
    struct jsonrpc_server_config sc = {.path = sockpath};

    srv = jsonrpc_server_new(loop, &sc);
    assert_non_null(srv);
    assert_int_equal(jsonrpc_server_add_methods(srv, methods, 4, NULL), 0);
}

static void timeout_cb(struct ev_loop *l, ev_timer *w, int revents)
{
    (void)l;
    (void)revents;
    *(bool *)w->data = true;
}

/* Run the loop until fp is idle (and stays so a moment). */
static void run_until_idle(struct fibpush *fp)
{
    bool expired = false;
    ev_timer t;

    ev_timer_init(&t, timeout_cb, 10.0, 0);
    t.data = &expired;
    ev_timer_start(loop, &t);
    while (!expired && !fibpush_idle(fp))
        ev_run(loop, EVRUN_ONCE);
    ev_timer_stop(loop, &t);
    if (expired) {
        char *s = json_dumps(fibpush_status_json(fp), 0);

        fail_msg("not idle after 10 s: %s", s);
    }
}

static json_int_t status(struct fibpush *fp, const char *key)
{
    json_t *s = fibpush_status_json(fp);
    json_int_t v = json_integer_value(json_object_get(s, key));

    json_decref(s);
    return v;
}

static void add(struct rib *rib, int src, const char *prefix, const char *nh)
{
    struct rib_nh h = NH(nh);
    struct inet_prefix p = P(prefix);
    struct rib_attrs a = {-1, 0, &h, 1};

    assert_true(rib_route_update(rib, src, &p, &a) >= 0);
}

static const char *vroute(const char *prefix)
{
    static char buf[256];
    json_t *r = json_object_get(V.routes, prefix);
    char *s;

    if (r == NULL)
        return "-";
    s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(buf, sizeof(buf), "%s", s);
    free(s);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    loop = ev_loop_new(EVFLAG_AUTO);
    snprintf(sockpath, sizeof(sockpath), "/tmp/vroom-fibpush-test-%d.sock", (int)getpid());
    memset(&V, 0, sizeof(V));
    V.routes = json_object();
    server_up();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jsonrpc_server_free(srv);
    json_decref(V.routes);
    ev_loop_destroy(loop);
    return 0;
}

/* 1-5 in one story, since each step starts from the state of the last. */
static void test_push(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    struct fibpush_config fc = {.socket = sockpath, .vr = "r1", .batch = 2, .timeout_ms = 2000};
    struct fibpush *fp;
    struct inet_prefix p;
    char pfx[32];

    (void)state;
    /* vroomd has a stale route from an earlier control plane, and a connected one */
    json_object_set_new(
        V.routes, "10.99.0.0/16",
        json_pack("{s:s,s:s,s:s}", "prefix", "10.99.0.0/16", "type", "unicast", "via", "10.0.1.7"));
    json_object_set_new(V.routes, "10.0.1.0/24",
                        json_pack("{s:s,s:s}", "prefix", "10.0.1.0/24", "type", "connected"));
    V.seq = 40;
    add(rib, conn, "10.0.1.0/24", "dev eth0");
    add(rib, st, "10.9.0.0/16", "via 10.0.1.2");
    add(rib, st, "192.0.2.0/24", "blackhole");
    add(rib, st, "10.55.0.0/16", "via 10.200.0.1"); /* unresolvable: not pushed */
    fp = fibpush_new(loop, rib, &fc);
    assert_non_null(fp);

    /* 1. Check that the first connection resyncs in full: stale deleted, ours added. */
    run_until_idle(fp);
    assert_string_equal(vroute("10.99.0.0/16"), "-");
    assert_string_equal(vroute("10.9.0.0/16"),
                        "{\"dev\":\"eth0\",\"prefix\":\"10.9.0.0/16\",\"type\":\"unicast\",\"via\":"
                        "\"10.0.1.2\"}");
    assert_string_equal(vroute("192.0.2.0/24"),
                        "{\"prefix\":\"192.0.2.0/24\",\"type\":\"blackhole\"}");
    assert_string_equal(vroute("10.55.0.0/16"), "-");
    assert_int_equal(status(fp, "full_resyncs"), 1);
    assert_true(V.seq > 40);

    /* 2. Check batches of at most 2 routes with consecutive seqs, in order. */
    V.calls_add = V.max_batch = 0;
    V.seq_gap = false;
    for (int i = 0; i < 7; i++) {
        snprintf(pfx, sizeof(pfx), "10.%d.0.0/16", 100 + i);
        add(rib, st, pfx, "via 10.0.1.3");
    }
    p = P("10.9.0.0/16");
    rib_route_withdraw(rib, st, &p);
    run_until_idle(fp);
    assert_int_equal(V.calls_add, 4);
    assert_int_equal(V.max_batch, 2);
    assert_false(V.seq_gap);
    assert_string_equal(vroute("10.9.0.0/16"), "-");
    assert_int_equal(status(fp, "confirmed_seq"), (json_int_t)V.seq);

    /* 3. Check that after vroomd's socket goes and comes back with its state,
     *    changes made meanwhile arrive without a full resync. */
    jsonrpc_server_free(srv);
    add(rib, st, "10.200.0.0/16", "via 10.0.1.4");
    {
        bool expired = false;
        ev_timer t;

        ev_timer_init(&t, timeout_cb, 0.3, 0);
        t.data = &expired;
        ev_timer_start(loop, &t);
        while (!expired)
            ev_run(loop, EVRUN_ONCE);
    }
    assert_false(fibpush_idle(fp));
    server_up();
    run_until_idle(fp);
    assert_string_equal(vroute("10.200.0.0/16"),
                        "{\"dev\":\"eth0\",\"prefix\":\"10.200.0.0/16\",\"type\":\"unicast\","
                        "\"via\":\"10.0.1.4\"}");
    /* 10.55/16 via 10.200.0.1 now resolves through it, recursively */
    assert_string_equal(vroute("10.55.0.0/16"),
                        "{\"dev\":\"eth0\",\"prefix\":\"10.55.0.0/16\",\"type\":\"unicast\","
                        "\"via\":\"10.0.1.4\"}");
    assert_int_equal(status(fp, "full_resyncs"), 1);

    /* 4. Check that a vroomd that lost everything (restarted) gets a full resync. */
    jsonrpc_server_free(srv);
    json_object_clear(V.routes);
    V.seq = 0;
    server_up();
    fibpush_reconnect(fp);
    run_until_idle(fp);
    assert_int_equal(status(fp, "full_resyncs"), 2);
    /* the connected /24, the blackhole, 10.100-106/16, 10.200/16 and 10.55/16 */
    assert_int_equal(json_object_size(V.routes), 11);
    assert_string_equal(vroute("10.106.0.0/16"),
                        "{\"dev\":\"eth0\",\"prefix\":\"10.106.0.0/16\",\"type\":\"unicast\","
                        "\"via\":\"10.0.1.3\"}");

    /* 5. Check that a refused route is found by sending its batch one by one:
     *    the others are applied. */
    snprintf(V.refuse, sizeof(V.refuse), "10.66.0.0/16");
    add(rib, st, "10.64.0.0/16", "via 10.0.1.5"); /* goes at once, alone */
    add(rib, st, "10.65.0.0/16", "via 10.0.1.5"); /* these two wait: one batch */
    add(rib, st, "10.66.0.0/16", "via 10.0.1.5");
    run_until_idle(fp);
    assert_string_equal(vroute("10.66.0.0/16"), "-");
    assert_string_not_equal(vroute("10.65.0.0/16"), "-");
    assert_string_not_equal(vroute("10.64.0.0/16"), "-");
    assert_int_equal(status(fp, "refused"), 1);
    assert_int_equal(status(fp, "errors"), 2); /* the batch, then the route alone */

    fibpush_free(fp);
    rib_free(rib);
}

/* 6. ECMP: a best route with several next hops goes as route.add's
 *    nexthops, every one with its interface; back to one, a plain via;
 *    next hops that resolve to the same one go once (the RIB dedups
 *    them: vroomd refuses twins). */
static void test_ecmp(void **state)
{
    struct rib *rib = rib_new(NULL);
    int conn = rib_source_add(rib, "connected", 0);
    int st = rib_source_add(rib, "static", 1);
    struct fibpush_config fc = {.socket = sockpath, .vr = "r1", .batch = 10, .timeout_ms = 2000};
    struct rib_nh two[2] = {NH("via 10.0.2.2"), NH("via 10.0.1.2")};
    struct inet_prefix p = P("10.70.0.0/16");
    struct rib_attrs a = {-1, 0, two, 2};
    struct fibpush *fp;
    json_t *r, *l;

    (void)state;
    json_object_clear(V.routes); /* the group's fake vroomd, as test_push left it */
    V.refuse[0] = '\0';
    add(rib, conn, "10.0.1.0/24", "dev eth0");
    add(rib, conn, "10.0.2.0/24", "dev eth1");
    assert_true(rib_route_update(rib, st, &p, &a) >= 0);
    fp = fibpush_new(loop, rib, &fc);
    assert_non_null(fp);
    run_until_idle(fp);
    r = json_object_get(V.routes, "10.70.0.0/16");
    assert_non_null(r);
    assert_null(json_object_get(r, "via"));
    l = json_object_get(r, "nexthops");
    assert_int_equal(json_array_size(l), 2);
    {
        char *s = json_dumps(l, JSON_COMPACT | JSON_SORT_KEYS);

        assert_non_null(strstr(s, "{\"dev\":\"eth0\",\"via\":\"10.0.1.2\"}"));
        assert_non_null(strstr(s, "{\"dev\":\"eth1\",\"via\":\"10.0.2.2\"}"));
        free(s);
    }
    /* a change of one member is a change */
    two[1] = NH("via 10.0.1.3");
    assert_true(rib_route_update(rib, st, &p, &a) >= 0);
    run_until_idle(fp);
    assert_non_null(strstr(vroute("10.70.0.0/16"), "10.0.1.3"));
    /* back to one next hop */
    a.n_nh = 1;
    assert_true(rib_route_update(rib, st, &p, &a) >= 0);
    run_until_idle(fp);
    assert_string_equal(vroute("10.70.0.0/16"),
                        "{\"dev\":\"eth1\",\"prefix\":\"10.70.0.0/16\",\"type\":\"unicast\","
                        "\"via\":\"10.0.2.2\"}");
    /* two recursive next hops resolving to one: sent once, as a plain route */
    {
        struct rib_nh rec[2] = {NH("via 10.200.0.1"), NH("via 10.200.0.2")};
        struct inet_prefix q = P("10.71.0.0/16");
        struct rib_attrs ra = {-1, 0, rec, 2};

        add(rib, st, "10.200.0.0/16", "via 10.0.1.2");
        assert_true(rib_route_update(rib, st, &q, &ra) >= 0);
        run_until_idle(fp);
        assert_string_equal(vroute("10.71.0.0/16"),
                            "{\"dev\":\"eth0\",\"prefix\":\"10.71.0.0/16\",\"type\":\"unicast\","
                            "\"via\":\"10.0.1.2\"}");
    }
    /* a vroomd that lost everything gets the group again in the full resync */
    a.n_nh = 2;
    assert_true(rib_route_update(rib, st, &p, &a) >= 0);
    run_until_idle(fp);
    jsonrpc_server_free(srv);
    json_object_clear(V.routes);
    V.seq = 0;
    server_up();
    fibpush_reconnect(fp);
    run_until_idle(fp);
    assert_int_equal(json_array_size(json_object_get(json_object_get(V.routes, "10.70.0.0/16"),
                                                     "nexthops")),
                     2);
    fibpush_free(fp);
    rib_free(rib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push),
        cmocka_unit_test(test_ecmp),
    };

    return cmocka_run_group_tests_name("fibpush", tests, setup, teardown);
}
