/*
 * test_peer_auth.c - authentication on the peer channel (src/peer/tls.c,
 * peer.c): two contexts over a socketpair authenticate each other and talk
 * both ways; everything that should be refused is (no certificate, another
 * CA, the wrong name either way, TLS 1.2, no ALPN) and counted; bad
 * configuration is refused with the documented errors.
 */
#include <errno.h>
#include <openssl/ssl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "peer_test.h"

static struct ev_loop *loop;

static int group_setup(void **state)
{
    (void)state;
    log_init("test_peer_auth", LOG_LEVEL_INFO);
    pt_certs_make();
    loop = ev_loop_new(EVFLAG_AUTO);
    return loop == NULL;
}

static int group_teardown(void **state)
{
    (void)state;
    ev_loop_destroy(loop);
    pt_certs_remove();
    return 0;
}

struct two {
    struct pt_host *a, *b;
    int ups;
};

static bool both_up(void *arg)
{
    struct two *t = arg;

    return t->a->ups >= t->ups && t->b->ups >= t->ups;
}

static bool msgs_at_least(void *arg)
{
    struct two *t = arg;

    return t->a->msgs >= 3 && t->b->msgs >= 3;
}

/* 1. Two contexts authenticate each other and exchange messages both ways;
 *    the up callback names the verified peer and the counters add up. */
static void test_exchange(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    struct peer *pb, *pa;
    uint8_t buf[1000];
    int i;

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    pt_host_init(&b, loop, "b", "b", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, &pb), 0);
    assert_int_equal(peer_add(b.ctx, "a", NULL, 0, &pa), 0);
    assert_false(peer_is_up(pb));
    assert_int_equal(peer_send(pb, PT_T_DATA, 1, NULL, 0), -ENOTCONN);
    pt_pair(&a, "b", &b);
    assert_true(pt_run1(loop, both_up, &t, 10));
    assert_string_equal(a.last_up, "b");
    assert_string_equal(b.last_up, "a");
    assert_true(peer_is_up(pb) && peer_is_up(pa));

    for (i = 1; i <= 3; i++) {
        pt_pattern(buf, sizeof(buf), (uint64_t)i);
        assert_int_equal(peer_send(pb, PT_T_DATA, (uint64_t)i, buf, sizeof(buf)), 0);
        assert_int_equal(peer_send(pa, PT_T_DATA, (uint64_t)i, buf, (size_t)i * 10), 0);
    }
    assert_true(pt_run1(loop, msgs_at_least, &t, 10));
    assert_true(a.pattern_ok && b.pattern_ok);
    assert_int_equal(b.bytes, 3000);
    assert_int_equal(a.bytes, 60);
    assert_int_equal(b.last_id, 3);
    assert_int_equal(peer_counters(pb)->msgs_out, 3);
    assert_int_equal(peer_counters(pa)->msgs_in, 3);
    assert_int_equal(peer_counters(pb)->msgs_in, 3);
    assert_int_equal(peer_counters(pa)->bytes_in, 3 * (1000 + PEER_MSG_HDR_LEN));
    assert_int_equal(peer_counters(pb)->sessions, 1);

    /* An echo: b answers a's request with the same id. */
    memset(buf, 0, sizeof(buf));
    pt_pattern(buf, 100, 77);
    assert_int_equal(peer_send(pb, PT_T_ECHO, 77, buf, 100), 0);
    t.ups = 1;
    a.msgs = 0;
    assert_true(pt_run1(loop, msgs_at_least, &t, 0.3) || a.msgs == 1);
    pt_run1(loop, NULL, NULL, 0.2);
    assert_int_equal(a.msgs, 1);
    assert_int_equal(a.last_id, 77);
    assert_int_equal(a.last_len, 100);

    /* A local disconnect: down on both sides, with the reasons. */
    peer_disconnect(pb);
    assert_int_equal(a.downs, 1);
    assert_int_equal(a.last_down, PEER_DOWN_LOCAL);
    pt_run1(loop, NULL, NULL, 0.2);
    assert_int_equal(b.downs, 1);
    assert_int_equal(b.last_down, PEER_DOWN_CLOSED);
    assert_int_equal(peer_counters(pa)->down[PEER_DOWN_CLOSED], 1);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

static bool ctx_refused(void *arg)
{
    struct pt_host *h = arg;
    const struct peer_ctx_counters *c = peer_ctx_counters(h->ctx);

    return c->refused[PEER_REFUSE_TLS] + c->refused[PEER_REFUSE_NAME] > 0;
}

/* Run a raw client against host `srv` (which knows peer b) and wait for the refusal. */
static void raw_refused(struct pt_host *srv, struct pt_raw *r, enum peer_refuse why)
{
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    r->fd = sv[0];
    pt_raw_start(r);
    assert_int_equal(peer_attach_fd(srv->ctx, sv[1], NULL), 0);
    assert_true(pt_run1(loop, ctx_refused, srv, 10));
    pt_raw_join(r);
    assert_int_equal(peer_ctx_counters(srv->ctx)->refused[why], 1);
    assert_int_equal(srv->ups, 0);
}

/* 2. A client without a certificate is refused. */
static void test_no_cert(void **state)
{
    struct pt_host a;
    struct pt_raw r = {.ca = "ca"};

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    raw_refused(&a, &r, PEER_REFUSE_TLS);
    assert_true(r.closed);
    pt_host_fini(&a);
}

/* 3. A client speaking TLS 1.2 (with a good certificate) is refused. */
static void test_tls12(void **state)
{
    struct pt_host a;
    struct pt_raw r = {.cert = "b", .max_version = TLS1_2_VERSION};

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    raw_refused(&a, &r, PEER_REFUSE_TLS);
    assert_false(r.connect_ok);
    pt_host_fini(&a);
}

/* 4. A client with a good certificate that does not offer ALPN vroom-peer/1 is refused. */
static void test_no_alpn(void **state)
{
    struct pt_host a;
    struct pt_raw r = {.cert = "b", .no_alpn = true};

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    raw_refused(&a, &r, PEER_REFUSE_TLS);
    pt_host_fini(&a);
}

static bool a_peer_refused(void *arg)
{
    struct two *t = arg;
    struct peer *p = peer_find(t->a->ctx, "b");
    const struct peer_ctx_counters *cb = peer_ctx_counters(t->b->ctx);
    const struct peer_counters *c = peer_counters(p);

    return c->refused[PEER_REFUSE_TLS] + c->refused[PEER_REFUSE_NAME] > 0 &&
           cb->refused[PEER_REFUSE_TLS] + cb->refused[PEER_REFUSE_NAME] > 0;
}

/* 5. A certificate from another CA is refused, whichever side presents it. */
static void test_other_ca(void **state)
{
    struct pt_host a, evil;
    struct two t = {&a, &evil, 1};

    (void)state;
    /* evil is named b, trusts our CA, but its certificate comes from another. */
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    pt_host_init(&evil, loop, "b", "evil-b", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(evil.ctx, "a", NULL, 0, NULL), 0);

    /* a dials evil: a refuses evil's certificate (and evil counts the failure). */
    pt_pair(&a, "b", &evil);
    assert_true(pt_run1(loop, a_peer_refused, &t, 10));
    assert_int_equal(peer_counters(peer_find(a.ctx, "b"))->refused[PEER_REFUSE_TLS], 1);
    assert_int_equal(a.ups + evil.ups, 0);

    /* evil dials a: a refuses again, counted on the context (no peer is known yet). */
    pt_pair(&evil, "a", &a);
    assert_true(pt_run1(loop, ctx_refused, &a, 10));
    assert_int_equal(peer_ctx_counters(a.ctx)->refused[PEER_REFUSE_TLS], 1);
    pt_run1(loop, NULL, NULL, 0.1);
    assert_int_equal(a.ups + evil.ups, 0);
    pt_host_fini(&a);
    pt_host_fini(&evil);
}

/* 6. A certificate whose name is not the configured peer's is refused: when we
 *    dial b and c answers, and when c (a name we have not configured) dials us. */
static void test_wrong_name(void **state)
{
    struct pt_host a, c;
    struct peer *pb;
    struct two t = {&a, &c, 1};

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    pt_host_init(&c, loop, "c", "c", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, &pb), 0);
    assert_int_equal(peer_add(c.ctx, "a", NULL, 0, NULL), 0);

    pt_pair(&a, "b", &c); /* a thinks it reaches b */
    assert_true(pt_run1(loop, a_peer_refused, &t, 10));
    assert_int_equal(peer_counters(pb)->refused[PEER_REFUSE_NAME], 1);
    assert_int_equal(a.ups + c.ups, 0);

    pt_pair(&c, "a", &a); /* c is no peer of a's */
    assert_true(pt_run1(loop, ctx_refused, &a, 10));
    assert_int_equal(peer_ctx_counters(a.ctx)->refused[PEER_REFUSE_NAME], 1);
    pt_run1(loop, NULL, NULL, 0.1);
    assert_int_equal(a.ups + c.ups, 0);
    pt_host_fini(&a);
    pt_host_fini(&c);
}

/* 7. Without a subjectAltName the CN is the name: d (CN only) is accepted as d,
 *    and refused when we expected b. */
static void test_cn_fallback(void **state)
{
    struct pt_host a, d;
    struct two t = {&a, &d, 1};

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    pt_host_init(&d, loop, "d", "d", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "d", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(d.ctx, "a", NULL, 0, NULL), 0);
    pt_pair(&d, "a", &a);
    assert_true(pt_run1(loop, both_up, &t, 10));
    assert_string_equal(a.last_up, "d");

    pt_pair(&a, "b", &d);
    assert_true(pt_run1(loop, ctx_refused, &d, 10));
    assert_int_equal(peer_counters(peer_find(a.ctx, "b"))->refused[PEER_REFUSE_NAME], 1);
    pt_host_fini(&a);
    pt_host_fini(&d);
}

/* 8. Bad configuration is refused with the documented errors. */
static void test_config_errors(void **state)
{
    struct pt_host a;
    struct peer_ctx_config cfg = {0};
    struct peer_handler dup[] = {
        {.type = 100, .fn = (peer_msg_fn)1},
        {.type = 100, .fn = (peer_msg_fn)1},
    };
    struct peer_handler low[] = {{.type = 3, .fn = (peer_msg_fn)1}};
    struct peer_ctx *ctx = NULL;
    struct peer *p;

    (void)state;
    assert_int_equal(pt_host_try(&a, loop, "a", "nosuch", "ca", NULL), -ENOENT);
    assert_int_equal(pt_host_try(&a, loop, "a", "a", "nosuch", NULL), -ENOENT);
    assert_int_equal(pt_host_try(&a, loop, "bad/name", "a", "ca", NULL), -EINVAL);
    assert_int_equal(pt_host_try(&a, loop, "", "a", "ca", NULL), -EINVAL);
    /* A key that is not the certificate's. */
    cfg.name = "a";
    cfg.cert_file = pt_file("a", "pem");
    cfg.key_file = pt_file("b", "key");
    cfg.ca_file = pt_file("ca", "pem");
    assert_int_equal(peer_ctx_new(loop, &cfg, &ctx), -EPROTO);
    /* A CA file that is not PEM. */
    cfg.key_file = pt_file("a", "key");
    cfg.ca_file = pt_file("a", "key");
    assert_int_equal(peer_ctx_new(loop, &cfg, &ctx), -EPROTO);
    cfg.ca_file = pt_file("ca", "pem");
    cfg.handlers = dup;
    cfg.n_handlers = 2;
    assert_int_equal(peer_ctx_new(loop, &cfg, &ctx), -EINVAL);
    cfg.handlers = low;
    cfg.n_handlers = 1;
    assert_int_equal(peer_ctx_new(loop, &cfg, &ctx), -EINVAL);
    cfg.n_handlers = 0;
    cfg.max_msg = 1000;
    cfg.out_limit = 500;
    assert_int_equal(peer_ctx_new(loop, &cfg, &ctx), -EINVAL);
    assert_null(ctx);
    peer_ctx_free(NULL);

    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "a", NULL, 0, NULL), -EINVAL);
    assert_int_equal(peer_add(a.ctx, "b", "not-an-address", 1, NULL), -EINVAL);
    assert_int_equal(peer_add(a.ctx, "b", "b.example", 1, NULL), -EINVAL); /* no DNS */
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, &p), 0);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), -EEXIST);
    assert_ptr_equal(peer_find(a.ctx, "b"), p);
    assert_null(peer_find(a.ctx, "c"));
    assert_int_equal(peer_send(p, PT_T_DATA, 0, NULL, 0), -ENOTCONN);
    assert_int_equal(peer_ctx_listen(a.ctx, "nope", 0), -EINVAL);
    assert_int_equal(peer_ctx_port(a.ctx), -ENOTCONN);
    assert_int_equal(peer_attach_fd(a.ctx, -1, NULL), -EBADF);
    peer_remove(p);
    peer_remove(NULL);
    assert_null(peer_find(a.ctx, "b"));
    pt_run1(loop, NULL, NULL, 0.01);
    assert_string_equal(peer_refuse_str(PEER_REFUSE_NAME), "certificate name is not the peer's");
    assert_string_equal(peer_down_reason_str(PEER_DOWN_TIMEOUT), "timeout");
    assert_string_equal(peer_down_reason_str(PEER_DOWN_MAX), "unknown");
    pt_host_fini(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchange),    cmocka_unit_test(test_no_cert),
        cmocka_unit_test(test_tls12),       cmocka_unit_test(test_no_alpn),
        cmocka_unit_test(test_other_ca),    cmocka_unit_test(test_wrong_name),
        cmocka_unit_test(test_cn_fallback), cmocka_unit_test(test_config_errors),
    };

    return cmocka_run_group_tests_name("peer_auth", tests, group_setup, group_teardown);
}
