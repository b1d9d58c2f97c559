/*
 * test_jsonrpc.c - the JSON-RPC server and client (src/lib/jsonrpc*.c) over a
 * real Unix socket: each test starts a server with a small method table on a
 * socket in a temporary directory, runs its libev loop in a thread, and talks
 * to it with the synchronous client or with raw sockets (to send what a
 * well-behaved client never would).
 */
#include <errno.h>
#include <ev.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/jsonrpc.h"

/* ---- A test server ----------------------------------------------------- */

struct tserver {
    char dir[64];
    char path[128];
    struct ev_loop *loop;
    ev_async stop;
    pthread_t thread;
    struct jsonrpc_server *srv;
    int count; /* notifications of "count" received */
};

static int m_echo(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    (void)ctx;
    (void)err;
    *result = json_incref(params);
    return 0;
}

static int m_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const fields[] = {"a", "b", NULL};
    int64_t a, b;
    int rc;

    (void)ctx;
    if ((rc = jsonrpc_check_fields(params, NULL, fields, err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "a", true, -1000, 1000, &a, err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "b", true, -1000, 1000, &b, err)) < 0)
        return rc;
    *result = json_integer(a + b);
    return 0;
}

/* {routes: [{prefix, via?}]} -> number of routes; checks every field. */
static int m_routes(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct inet_prefix p;
    struct inet_addr via;
    json_t *routes, *r;
    char path[32];
    size_t i;
    int rc;

    (void)ctx;
    rc = jsonrpc_get_array(params, NULL, "routes", true, 0, &routes, err);
    if (rc < 0)
        return rc;
    json_array_foreach(routes, i, r)
    {
        snprintf(path, sizeof(path), "routes[%zu]", i);
        if ((rc = jsonrpc_get_prefix(r, path, "prefix", true, AF_UNSPEC, &p, err)) < 0 ||
            (rc = jsonrpc_get_addr(r, path, "via", false, p.addr.family, &via, err)) < 0)
            return rc;
    }
    *result = json_integer((json_int_t)json_array_size(routes));
    return 0;
}

static int m_fail(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    (void)ctx;
    (void)params;
    (void)result;
    return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "name: no VR named %s", "blue");
}

static int m_big(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    int64_t n;
    char *s;
    int rc;

    (void)ctx;
    rc = jsonrpc_get_int(params, NULL, "n", true, 0, 1 << 24, &n, err);
    if (rc < 0)
        return rc;
    s = malloc((size_t)n + 1);
    memset(s, 'x', (size_t)n);
    s[n] = '\0';
    *result = json_string(s);
    free(s);
    return 0;
}

static int m_count(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct tserver *t = ctx;

    (void)params;
    (void)err;
    t->count++;
    *result = json_integer(t->count);
    return 0;
}

static int m_get_count(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct tserver *t = ctx;

    (void)params;
    (void)err;
    *result = json_integer(t->count);
    return 0;
}

/* Sends two progress notifications to the caller before answering. */
static int m_progress(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct tserver *t = ctx;
    struct jsonrpc_conn *c = jsonrpc_server_current(t->srv);
    int i;

    (void)params;
    if (c == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "no connection");
    assert_ptr_equal(jsonrpc_server_conn(t->srv, jsonrpc_conn_id(c)), c);
    for (i = 1; i <= 2; i++)
        assert_int_equal(jsonrpc_notify(c, "progress", json_pack("{s:i}", "step", i)), 0);
    *result = json_string("done");
    return 0;
}

static int m_stats(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct tserver *t = ctx;

    (void)params;
    (void)err;
    *result = jsonrpc_server_stats_json(t->srv);
    return 0;
}

static const struct jsonrpc_method methods[] = {
    {"echo", m_echo, "return the params"},
    {"add", m_add, "a + b"},
    {"routes", m_routes, "check a batch of routes"},
    {"fail", m_fail, "always fails"},
    {"big", m_big, "a string of n bytes"},
    {"count", m_count, "count calls"},
    {"get_count", m_get_count, "calls counted"},
    {"progress", m_progress, "notify, then answer"},
    {"stats", m_stats, "server counters"},
};

static void on_stop(struct ev_loop *loop, ev_async *w, int revents)
{
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void *server_main(void *arg)
{
    struct tserver *t = arg;

    ev_run(t->loop, 0);
    return NULL;
}

static struct tserver *server_start(size_t max_msg, size_t max_out, unsigned max_clients)
{
    struct jsonrpc_server_config cfg = {0};
    struct tserver *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    strcpy(t->dir, "/tmp/vroom-test-jsonrpc-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof(t->path), "%s/api.sock", t->dir);
    t->loop = ev_loop_new(EVFLAG_AUTO);
    assert_non_null(t->loop);
    cfg.path = t->path;
    cfg.max_msg = max_msg;
    cfg.max_out = max_out;
    cfg.max_clients = max_clients;
    t->srv = jsonrpc_server_new(t->loop, &cfg);
    assert_non_null(t->srv);
    assert_int_equal(
        jsonrpc_server_add_methods(t->srv, methods, sizeof(methods) / sizeof(methods[0]), t), 0);
    ev_async_init(&t->stop, on_stop);
    ev_async_start(t->loop, &t->stop);
    assert_int_equal(pthread_create(&t->thread, NULL, server_main, t), 0);
    return t;
}

static void server_stop(struct tserver *t, struct jsonrpc_stats *stats)
{
    ev_async_send(t->loop, &t->stop);
    assert_int_equal(pthread_join(t->thread, NULL), 0);
    if (stats != NULL)
        jsonrpc_server_stats(t->srv, stats);
    jsonrpc_server_free(t->srv);
    assert_int_equal(access(t->path, F_OK), -1); /* the socket file is gone */
    ev_loop_destroy(t->loop);
    rmdir(t->dir);
    free(t);
}

/* ---- Raw socket helpers -------------------------------------------------- */

static int raw_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    strcpy(sa.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void raw_send(int fd, const char *s, size_t n)
{
    ssize_t w;

    while (n > 0) {
        w = send(fd, s, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
}

/* Read one line (without '\n') within 5 s; NULL at EOF. Caller frees. */
static char *raw_line(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    size_t len = 0, cap = 256;
    char *buf = malloc(cap), ch;
    ssize_t n;

    for (;;) {
        assert_int_equal(poll(&p, 1, 5000), 1);
        n = read(fd, &ch, 1);
        if (n <= 0) {
            free(buf);
            return NULL;
        }
        if (ch == '\n')
            break;
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        buf[len++] = ch;
    }
    buf[len] = '\0';
    return buf;
}

/* The next line, parsed. */
static json_t *raw_json(int fd)
{
    char *line = raw_line(fd);
    json_t *j;

    assert_non_null(line);
    j = json_loads(line, 0, NULL);
    assert_non_null(j);
    free(line);
    return j;
}

static int error_code(const json_t *resp)
{
    json_t *e = json_object_get(resp, "error");

    assert_non_null(e);
    return (int)json_integer_value(json_object_get(e, "code"));
}

static const char *error_message(const json_t *resp)
{
    return json_string_value(json_object_get(json_object_get(resp, "error"), "message"));
}

/* Call with the sync client; expects a transport success. */
static int call(struct jsonrpc_client *c, const char *method, json_t *params, json_t **result,
                struct jsonrpc_error *err)
{
    int rc = jsonrpc_client_call(c, method, params, result, err);

    assert_true(rc == 0 || rc == 1);
    return rc;
}

/* ---- Tests ------------------------------------------------------------- */

/* 1. Check that a call returns its result, and that an error result carries the handler's code
 *    and message. */
static void test01_call(void **state)
{
    struct tserver *t = server_start(0, 0, 0);
    struct jsonrpc_client *c = jsonrpc_client_connect(t->path, 5000);
    struct jsonrpc_error err;
    json_t *r;

    (void)state;
    assert_non_null(c);
    assert_int_equal(call(c, "add", json_pack("{s:i, s:i}", "a", 2, "b", 40), &r, &err), 0);
    assert_int_equal(json_integer_value(r), 42);
    json_decref(r);
    assert_int_equal(call(c, "echo", json_pack("{s:s}", "x", "y"), &r, &err), 0);
    assert_string_equal(json_string_value(json_object_get(r, "x")), "y");
    json_decref(r);
    assert_int_equal(call(c, "echo", NULL, &r, &err), 0); /* no params: {} */
    assert_true(json_is_object(r) && json_object_size(r) == 0);
    json_decref(r);
    assert_int_equal(call(c, "fail", NULL, &r, &err), 1);
    assert_int_equal(err.code, JSONRPC_NOT_FOUND);
    assert_string_equal(err.message, "name: no VR named blue");
    assert_null(r);
    jsonrpc_error_clear(&err);
    jsonrpc_client_free(c);
    server_stop(t, NULL);
}

/* 2. Check that an unknown method gets -32601 naming it. */
static void test02_method_not_found(void **state)
{
    struct tserver *t = server_start(0, 0, 0);
    struct jsonrpc_client *c = jsonrpc_client_connect(t->path, 5000);
    struct jsonrpc_error err;
    json_t *r;

    (void)state;
    assert_int_equal(call(c, "vr.nosuch", NULL, &r, &err), 1);
    assert_int_equal(err.code, JSONRPC_METHOD_NOT_FOUND);
    assert_string_equal(err.message, "vr.nosuch: no such method");
    jsonrpc_client_free(c);
    server_stop(t, NULL);
}

/* 3. Check that invalid params get -32602 with a message naming the field and the reason. */
static void test03_invalid_params(void **state)
{
    static const struct {
        const char *method, *params, *message;
    } cases[] = {
        {"add", "{\"a\":1}", "b: required"},
        {"add", "{\"a\":\"1\",\"b\":2}", "a: expected an integer, got a string"},
        {"add", "{\"a\":1,\"b\":2000}", "b: 2000 out of range -1000..1000"},
        {"add", "{\"a\":1,\"b\":2,\"c\":3}", "c: unknown field"},
        {"add", "[1,2]", "params: expected an object (named parameters)"},
        {"routes", "{\"routes\":{}}", "routes: expected an array, got an object"},
        {"routes", "{\"routes\":[{\"prefix\":\"10.0.0.0/24\"},{\"prefix\":\"10.0.0.1/24\"}]}",
         "routes[1].prefix: host bits set in 10.0.0.1/24"},
        {"routes", "{\"routes\":[{\"prefix\":\"10.0.0.0/33\"}]}",
         "routes[0].prefix: length 33 out of range 0..32 in 10.0.0.0/33"},
        {"routes", "{\"routes\":[{\"prefix\":\"10.0.0.0/8\",\"via\":\"2001:db8::1\"}]}",
         "routes[0].via: not an IPv4 address: 2001:db8::1"},
        {"routes", "{\"routes\":[5]}", "routes[0]: expected an object, got an integer"},
    };
    struct tserver *t = server_start(0, 0, 0);
    struct jsonrpc_client *c = jsonrpc_client_connect(t->path, 5000);
    struct jsonrpc_error err;
    json_t *r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(jsonrpc_client_call_text(c, cases[i].method, cases[i].params,
                                                  strlen(cases[i].params), &r, &err),
                         1);
        assert_int_equal(err.code, JSONRPC_INVALID_PARAMS);
        assert_string_equal(err.message, cases[i].message);
    }
    assert_int_equal(jsonrpc_client_call_text(c, "routes", "{\"routes\":[]}", 13, &r, &err), 0);
    assert_int_equal(json_integer_value(r), 0);
    json_decref(r);
    jsonrpc_client_free(c);
    server_stop(t, NULL);
}

/* 4. Check that malformed JSON gets -32700 with a null id, and the same connection then serves a
 *    good request; that requests that are JSON but not requests get -32600. */
static void test04_malformed(void **state)
{
    static const char *const invalid[] = {
        "5\n",
        "{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":1}\n",
        "{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":1}\n",
        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":5,\"id\":1}\n",
        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{}}\n",
    };
    struct tserver *t = server_start(0, 0, 0);
    int fd = raw_connect(t->path);
    const char *good;
    json_t *r;
    size_t i;

    (void)state;
    raw_send(fd, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\"\n", 33);
    r = raw_json(fd);
    assert_int_equal(error_code(r), JSONRPC_PARSE_ERROR);
    assert_true(json_is_null(json_object_get(r, "id")));
    assert_non_null(strstr(error_message(r), "parse error"));
    json_decref(r);
    raw_send(fd, "\n  \r\n", 5); /* blank lines are ignored */
    good = "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":1},\"id\":\"x\"}\n";
    raw_send(fd, good, strlen(good));
    r = raw_json(fd);
    assert_int_equal(json_integer_value(json_object_get(r, "result")), 2);
    assert_string_equal(json_string_value(json_object_get(r, "id")), "x");
    json_decref(r);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        raw_send(fd, invalid[i], strlen(invalid[i]));
        r = raw_json(fd);
        assert_int_equal(error_code(r), JSONRPC_INVALID_REQUEST);
        json_decref(r);
    }
    close(fd);
    server_stop(t, NULL);
}

/* 5. Check batches: responses for requests only, in order, errors per element; an empty batch
 *    is one -32600; a batch of notifications gets no reply at all. */
static void test05_batch(void **state)
{
    static const char batch[] =
        "[{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":2},\"id\":1},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"nosuch\",\"id\":2},"
        "7,"
        "{\"jsonrpc\":\"2.0\",\"method\":\"get_count\",\"id\":3}]\n";
    static const char notes[] = "[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
                                "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}]\n";
    static const char last[] = "{\"jsonrpc\":\"2.0\",\"method\":\"get_count\",\"id\":9}\n";
    struct tserver *t = server_start(0, 0, 0);
    int fd = raw_connect(t->path);
    json_t *r;

    (void)state;
    raw_send(fd, batch, strlen(batch));
    r = raw_json(fd);
    assert_true(json_is_array(r));
    assert_int_equal(json_array_size(r), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "result")), 3);
    assert_int_equal(error_code(json_array_get(r, 1)), JSONRPC_METHOD_NOT_FOUND);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 1), "id")), 2);
    assert_int_equal(error_code(json_array_get(r, 2)), JSONRPC_INVALID_REQUEST);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 3), "result")), 1);
    json_decref(r);
    raw_send(fd, "[]\n", 3);
    r = raw_json(fd);
    assert_int_equal(error_code(r), JSONRPC_INVALID_REQUEST);
    json_decref(r);
    raw_send(fd, notes, strlen(notes));
    raw_send(fd, last, strlen(last));
    r = raw_json(fd); /* the first line is the answer to the request after them */
    assert_int_equal(json_integer_value(json_object_get(r, "id")), 9);
    assert_int_equal(json_integer_value(json_object_get(r, "result")), 3);
    json_decref(r);
    close(fd);
    server_stop(t, NULL);
}

/* 6. Check that a notification gets no reply, even for an unknown method or bad params, yet
 *    its handler runs. */
static void test06_notification(void **state)
{
    static const char in[] = "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}\n"
                             "{\"jsonrpc\":\"2.0\",\"method\":\"nosuch\"}\n"
                             "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{}}\n"
                             "{\"jsonrpc\":\"2.0\",\"method\":\"get_count\",\"id\":1}\n";
    struct tserver *t = server_start(0, 0, 0);
    int fd = raw_connect(t->path);
    struct jsonrpc_stats st;
    json_t *r;

    (void)state;
    raw_send(fd, in, strlen(in));
    r = raw_json(fd);
    assert_int_equal(json_integer_value(json_object_get(r, "id")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "result")), 1);
    json_decref(r);
    close(fd);
    server_stop(t, &st);
    assert_int_equal(st.notifications, 3);
    assert_int_equal(st.requests, 4);
    assert_int_equal(st.err_no_method, 1);
    assert_int_equal(st.err_params, 1);
}

/* 7. Check that a message over max_msg gets a -32600 error and the connection is closed, both
 *    without a newline in sight and with one past the limit; and that the client reports it. */
static void test07_oversize(void **state)
{
    struct tserver *t = server_start(4096, 0, 0);
    struct jsonrpc_client *c;
    struct jsonrpc_error err;
    struct jsonrpc_stats st;
    char *big = malloc(20000), *line;
    json_t *r;
    int fd;

    (void)state;
    memset(big, ' ', 20000);
    fd = raw_connect(t->path);
    raw_send(fd, big, 10000); /* no newline: the server must not wait for one */
    r = raw_json(fd);
    assert_int_equal(error_code(r), JSONRPC_INVALID_REQUEST);
    assert_non_null(strstr(error_message(r), "4096"));
    json_decref(r);
    line = raw_line(fd);
    assert_null(line); /* closed */
    close(fd);

    c = jsonrpc_client_connect(t->path, 5000);
    memset(big, 'a', 20000);
    big[0] = '"';
    big[5000] = '"';
    big[5001] = '\0';
    assert_int_equal(jsonrpc_client_call(c, "echo", json_pack("{s:s}", "s", big), &r, &err), 1);
    assert_int_equal(err.code, JSONRPC_INVALID_REQUEST);
    jsonrpc_client_free(c);

    c = jsonrpc_client_connect(t->path, 5000); /* the server still serves */
    assert_int_equal(call(c, "add", json_pack("{s:i, s:i}", "a", 1, "b", 1), &r, &err), 0);
    json_decref(r);
    jsonrpc_client_free(c);
    free(big);
    server_stop(t, &st);
    assert_int_equal(st.drop_oversize, 2);
}

/* 8. Check that a client that never reads its replies is disconnected once its output passes
 *    max_out, while a second client is served promptly all along. */
static void test08_slow_client(void **state)
{
    static const char req[] = "{\"jsonrpc\":\"2.0\",\"method\":\"big\",\"params\":{\"n\":65536},"
                              "\"id\":1}\n";
    struct tserver *t = server_start(0, 256 << 10, 0);
    struct jsonrpc_client *c;
    struct jsonrpc_error err;
    struct jsonrpc_stats st;
    struct timespec t0, t1;
    char buf[65536];
    json_t *r;
    ssize_t n;
    size_t got = 0;
    int fd, i;

    (void)state;
    fd = raw_connect(t->path);
    for (i = 0; i < 64; i++) /* asks for 4 MiB of replies, reads nothing */
        raw_send(fd, req, strlen(req));
    c = jsonrpc_client_connect(t->path, 5000);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 100; i++) {
        assert_int_equal(call(c, "add", json_pack("{s:i, s:i}", "a", i, "b", 1), &r, &err), 0);
        assert_int_equal(json_integer_value(r), i + 1);
        json_decref(r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 3);
    /* The slow client now finds some replies, then the end. */
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        got += (size_t)n;
    /* EOF, or ECONNRESET if the server closed with requests of ours still unread. */
    assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
    assert_true(got < 64 * 65536);
    close(fd);
    assert_int_equal(call(c, "stats", NULL, &r, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "drop_slow")), 1);
    json_decref(r);
    jsonrpc_client_free(c);
    server_stop(t, &st);
    assert_int_equal(st.drop_slow, 1);
}

/* 9. Check many clients at once, each served on its own connection, and that one more than
 *    max_clients is refused with -32005 while the others carry on. */
static void test09_many_clients(void **state)
{
    enum { N = 40 };
    struct tserver *t = server_start(0, 0, N);
    struct jsonrpc_client *c[N + 1];
    struct jsonrpc_error err;
    struct jsonrpc_stats st;
    json_t *r;
    int i, round;

    (void)state;
    for (i = 0; i < N; i++) {
        c[i] = jsonrpc_client_connect(t->path, 5000);
        assert_non_null(c[i]);
    }
    for (round = 0; round < 3; round++) {
        for (i = 0; i < N; i++) {
            assert_int_equal(
                call(c[i], "add", json_pack("{s:i, s:i}", "a", i, "b", round), &r, &err), 0);
            assert_int_equal(json_integer_value(r), i + round);
            json_decref(r);
        }
    }
    c[N] = jsonrpc_client_connect(t->path, 5000);
    assert_non_null(c[N]); /* the kernel accepts; the server then refuses */
    assert_int_equal(jsonrpc_client_call(c[N], "echo", NULL, &r, &err), 1);
    assert_int_equal(err.code, JSONRPC_LIMIT);
    assert_non_null(strstr(err.message, "too many clients"));
    jsonrpc_client_free(c[N]);
    assert_int_equal(call(c[0], "get_count", NULL, &r, &err), 0);
    json_decref(r);
    for (i = 0; i < N; i++)
        jsonrpc_client_free(c[i]);
    server_stop(t, &st);
    assert_int_equal(st.clients_total, N);
    assert_int_equal(st.clients_refused, 1);
}

static void on_note(void *ctx, const char *method, json_t *params)
{
    int *steps = ctx;

    assert_string_equal(method, "progress");
    assert_int_equal(json_integer_value(json_object_get(params, "step")), *steps + 1);
    (*steps)++;
}

/* 10. Check that notifications a handler sends reach the caller before its result. */
static void test10_server_notify(void **state)
{
    struct tserver *t = server_start(0, 0, 0);
    struct jsonrpc_client *c = jsonrpc_client_connect(t->path, 5000);
    struct jsonrpc_error err;
    json_t *r;
    int steps = 0;

    (void)state;
    jsonrpc_client_on_notify(c, on_note, &steps);
    assert_int_equal(call(c, "progress", NULL, &r, &err), 0);
    assert_string_equal(json_string_value(r), "done");
    assert_int_equal(steps, 2);
    json_decref(r);
    jsonrpc_client_free(c);
    server_stop(t, NULL);
}

/* 11. Check that vanished clients (half a request, then gone; gone with replies pending) are
 *     cleaned up, and the connection count comes back down. */
static void test11_vanished(void **state)
{
    static const char req[] = "{\"jsonrpc\":\"2.0\",\"method\":\"big\",\"params\":{\"n\":300000},"
                              "\"id\":1}\n";
    struct tserver *t = server_start(0, 0, 0);
    struct jsonrpc_client *c = jsonrpc_client_connect(t->path, 5000);
    struct jsonrpc_error err;
    json_t *r;
    int fd, i;

    (void)state;
    fd = raw_connect(t->path);
    raw_send(fd, "{\"jsonrpc\":\"2.0\",", 17);
    close(fd);
    fd = raw_connect(t->path);
    raw_send(fd, req, strlen(req));
    close(fd);
    for (i = 0; i < 500; i++) {
        assert_int_equal(call(c, "stats", NULL, &r, &err), 0);
        if (json_integer_value(json_object_get(r, "clients")) == 1) {
            json_decref(r);
            break;
        }
        json_decref(r);
        usleep(10000);
    }
    assert_true(i < 500);
    jsonrpc_client_free(c);
    server_stop(t, NULL);
}

/* 12. Check the socket file: a stale one is replaced, a live one is refused with EADDRINUSE;
 *     connecting to nothing fails with errno set. */
static void test12_socket_file(void **state)
{
    struct jsonrpc_server_config cfg = {0};
    struct tserver *t = server_start(0, 0, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct jsonrpc_server *srv;
    char path[160];
    int fd;

    (void)state;
    cfg.path = t->path;
    errno = 0;
    assert_null(jsonrpc_server_new(loop, &cfg));
    assert_int_equal(errno, EADDRINUSE);

    snprintf(path, sizeof(path), "%s/stale.sock", t->dir);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sa.sun_path, path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd); /* the file stays, nobody listens */
    cfg.path = path;
    srv = jsonrpc_server_new(loop, &cfg);
    assert_non_null(srv);
    jsonrpc_server_free(srv);
    jsonrpc_server_free(NULL);
    ev_loop_destroy(loop);

    errno = 0;
    assert_null(jsonrpc_client_connect(path, 1000));
    assert_int_equal(errno, ENOENT);
    jsonrpc_client_free(NULL);
    server_stop(t, NULL);
}

/* 13. Check jsonrpc_server_process() without a socket: responses as text, none for a
 *     notification, method listing, and duplicate registration refused. */
static void test13_process(void **state)
{
    struct jsonrpc_server *srv = jsonrpc_server_new(NULL, NULL);
    const char *req =
        "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":3,\"b\":4},\"id\":7}";
    const char *note = "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":3,\"b\":4}}";
    json_t *list;
    char *out;

    (void)state;
    assert_non_null(srv);
    assert_int_equal(jsonrpc_server_add_methods(srv, methods, 4, NULL), 0);
    assert_int_equal(jsonrpc_server_add_methods(srv, methods + 1, 1, NULL), -EEXIST);
    out = jsonrpc_server_process(srv, req, strlen(req));
    assert_string_equal(out, "{\"jsonrpc\":\"2.0\",\"result\":7,\"id\":7}");
    free(out);
    assert_null(jsonrpc_server_process(srv, note, strlen(note)));
    list = jsonrpc_server_methods_json(srv);
    assert_int_equal(json_array_size(list), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "add");
    json_decref(list);
    jsonrpc_server_free(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_call),           cmocka_unit_test(test02_method_not_found),
        cmocka_unit_test(test03_invalid_params), cmocka_unit_test(test04_malformed),
        cmocka_unit_test(test05_batch),          cmocka_unit_test(test06_notification),
        cmocka_unit_test(test07_oversize),       cmocka_unit_test(test08_slow_client),
        cmocka_unit_test(test09_many_clients),   cmocka_unit_test(test10_server_notify),
        cmocka_unit_test(test11_vanished),       cmocka_unit_test(test12_socket_file),
        cmocka_unit_test(test13_process),
    };

    return cmocka_run_group_tests_name("lib_jsonrpc", tests, NULL, NULL);
}
