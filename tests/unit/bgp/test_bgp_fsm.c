/*
 * test_bgp_fsm.c - the BGP session state machine (src/routing/bgp/fsm.c):
 * two sessions wired back to back through their output buffers on a fake
 * clock: the OPEN exchange to Established with the negotiated parameters,
 * keepalives and the hold timer, UPDATEs delivered with their verdict and a
 * malformed one resetting the session, OPEN errors, messages in the wrong
 * state, a manual stop, input fed a byte at a time, and the session record
 * exported mid-message and imported on another clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/bgp/fsm.h"
#include "bgp_test.h"

static const struct bgp_peer_cfg cfg_a = {.local_as = 65000,
                                          .peer_as = 4200000001u,
                                          .router_id = IP(10, 0, 0, 1),
                                          .hold_time = 90,
                                          .connect_retry = 5,
                                          .idle_hold = 2,
                                          .afs = BGP_AF_IPV4 | BGP_AF_IPV6,
                                          .ext_msg = true};
static const struct bgp_peer_cfg cfg_b = {.local_as = 4200000001u,
                                          .peer_as = 65000,
                                          .router_id = IP(10, 0, 0, 2),
                                          .hold_time = 30,
                                          .connect_retry = 5,
                                          .idle_hold = 2,
                                          .afs = BGP_AF_IPV4,
                                          .passive = true};

struct pair {
    struct bgp_session *a, *b;
    unsigned int act_a, act_b;
    int updates, last_verdict;
};

static void on_update(void *ctx, struct bgp_session *s, const struct bgp_update *u,
                      const uint8_t *msg, size_t len)
{
    struct pair *p = ctx;

    (void)s;
    (void)msg;
    (void)len;
    p->updates++;
    p->last_verdict = u->err.verdict;
}

/* Deliver what each side has written to the other until both are quiet. */
static void pump(struct pair *p, bgp_time_t now)
{
    const struct bgp_session_cbs cbs = {.update = on_update, .ctx = p};

    for (int i = 0; i < 10 && (p->a->out_len || p->b->out_len); i++) {
        uint8_t tmp[BGP_OUT_MAX];
        size_t n = p->a->out_len;

        memcpy(tmp, p->a->out, n);
        bgp_session_output_done(p->a, n);
        if (n)
            p->act_b |= bgp_session_input(p->b, tmp, n, now, &cbs);
        n = p->b->out_len;
        memcpy(tmp, p->b->out, n);
        bgp_session_output_done(p->b, n);
        if (n)
            p->act_a |= bgp_session_input(p->a, tmp, n, now, &cbs);
    }
}

static struct pair *up(bgp_time_t now)
{
    struct pair *p = calloc(1, sizeof(*p));

    p->a = malloc(sizeof(*p->a));
    p->b = malloc(sizeof(*p->b));
    bgp_session_init(p->a, &cfg_a);
    bgp_session_init(p->b, &cfg_b);
    assert_int_equal(bgp_session_event(p->a, BGP_EV_START, now), BGP_ACT_CONNECT);
    assert_int_equal(p->a->state, BGP_CONNECT);
    assert_int_equal(bgp_session_event(p->b, BGP_EV_START, now), 0);
    assert_int_equal(p->b->state, BGP_ACTIVE);
    assert_true(bgp_session_event(p->a, BGP_EV_TCP_UP, now) & BGP_ACT_SEND);
    assert_true(bgp_session_event(p->b, BGP_EV_TCP_UP, now) & BGP_ACT_SEND);
    assert_int_equal(p->a->state, BGP_OPENSENT);
    assert_int_equal(p->a->hold_at, now + 240000); /* the large hold before the OPEN */
    pump(p, now);
    return p;
}

static void down(struct pair *p)
{
    free(p->a);
    free(p->b);
    free(p);
}

/* 1. Check the OPEN exchange: both Established, the negotiated hold time, families, AS4. */
static void test01_establish(void **state)
{
    struct pair *p = up(1000);

    (void)state;
    assert_int_equal(p->a->state, BGP_ESTABLISHED);
    assert_int_equal(p->b->state, BGP_ESTABLISHED);
    assert_true(p->act_a & BGP_ACT_UP);
    assert_true(p->act_b & BGP_ACT_UP);
    assert_int_equal(p->a->neg.hold_time, 30);
    assert_int_equal(p->a->neg.keepalive, 10);
    assert_int_equal(p->a->neg.peer_as, 4200000001u);
    assert_int_equal(p->b->neg.peer_as, 65000);
    assert_int_equal(p->a->neg.peer_id, IP(10, 0, 0, 2));
    assert_int_equal(p->a->neg.afs, BGP_AF_IPV4);
    assert_true(p->a->neg.as4 && p->a->neg.route_refresh);
    assert_false(p->a->neg.ext_msg); /* only a offered it */
    assert_int_equal(p->a->hold_at, 1000 + 30000);
    assert_int_equal(p->a->keepalive_at, 1000 + 10000);
    assert_int_equal(p->a->cnt.rx[BGP_MSG_OPEN], 1);
    assert_int_equal(p->a->cnt.tx[BGP_MSG_KEEPALIVE], 1);
    assert_int_equal(bgp_session_next_timer(p->a), 11000);
    down(p);
}

/* 2. Check keepalives keep the session up and silence ends it with Hold Timer Expired. */
static void test02_timers(void **state)
{
    struct pair *p = up(0);
    bgp_time_t t;
    unsigned int act;

    (void)state;
    for (t = 10000; t <= 100000; t += 10000) { /* both send keepalives every 10 s */
        assert_true(bgp_session_timers(p->a, t) & BGP_ACT_SEND);
        bgp_session_timers(p->b, t);
        pump(p, t);
        assert_int_equal(p->a->state, BGP_ESTABLISHED);
        assert_int_equal(p->b->state, BGP_ESTABLISHED);
    }
    /* b stops talking: a's hold timer fires 30 s after the last message */
    bgp_session_output_done(p->a, p->a->out_len);
    act = bgp_session_timers(p->a, 100000 + 30000);
    assert_true(act & BGP_ACT_DOWN);
    assert_true(act & BGP_ACT_CLOSE);
    assert_int_equal(p->a->state, BGP_IDLE);
    assert_int_equal(p->a->last_sent_code, BGP_ERR_HOLD);
    assert_int_equal(p->a->out[18], BGP_MSG_NOTIFICATION);
    /* automatic restart after idle_hold (2 s) */
    assert_int_equal(bgp_session_next_timer(p->a), 132000);
    assert_int_equal(bgp_session_timers(p->a, 131999), 0);
    assert_int_equal(bgp_session_timers(p->a, 132000), BGP_ACT_CONNECT);
    assert_int_equal(p->a->state, BGP_CONNECT);
    down(p);
}

/* 3. Check UPDATEs reach the callback with their verdict; a malformed one resets (3/9). */
static void test03_updates(void **state)
{
    struct pair *p = up(0);
    uint8_t m[128];
    /* ORIGIN IGP, AS_PATH [4200000001], NEXT_HOP 192.0.2.1, 10.1.0.0/24 (a 4-octet session) */
    static const uint8_t good[] = {0x40, 1,    1,    0,    0x40, 2, 6,   2, 1, 0xfa,
                                   0x56, 0xea, 0x01, 0x40, 3,    4, 192, 0, 2, 1};
    static const uint8_t nlri[] = {24, 10, 1, 0};
    static const uint8_t bad_mp[] = {0x80, 14, 3, 0, 2, 1};
    size_t n;

    (void)state;
    n = t_update(m, NULL, 0, good, sizeof(good), nlri, sizeof(nlri));
    assert_int_equal(bgp_session_send(p->b, m, n, 5000), 0);
    assert_int_equal(p->b->keepalive_at, 5000 + 10000); /* sending restarts it */
    pump(p, 5000);
    assert_int_equal(p->updates, 1);
    assert_int_equal(p->last_verdict, BGP_OK);
    assert_int_equal(p->a->cnt.updates_ok, 1);
    assert_int_equal(p->a->hold_at, 5000 + 30000);
    n = t_update(m, NULL, 0, good, 4, nlri, sizeof(nlri)); /* AS_PATH and NEXT_HOP missing */
    bgp_session_send(p->b, m, n, 6000);
    pump(p, 6000);
    assert_int_equal(p->updates, 2);
    assert_int_equal(p->last_verdict, BGP_WITHDRAW);
    assert_int_equal(p->a->state, BGP_ESTABLISHED);
    n = t_update(m, NULL, 0, bad_mp, sizeof(bad_mp), NULL, 0);
    bgp_session_send(p->b, m, n, 7000);
    pump(p, 7000);
    assert_int_equal(p->updates, 2);
    assert_int_equal(p->a->state, BGP_IDLE);
    assert_true(p->act_a & BGP_ACT_DOWN);
    assert_int_equal(p->a->last_sent_code, BGP_ERR_UPDATE);
    assert_int_equal(p->a->last_sent_subcode, BGP_UPD_OPTIONAL);
    assert_int_equal(p->a->cnt.updates_reset, 1);
    /* b got the NOTIFICATION */
    assert_int_equal(p->b->state, BGP_IDLE);
    assert_int_equal(p->b->last_rcvd_code, BGP_ERR_UPDATE);
    assert_int_equal(bgp_session_send(p->b, m, n, 8000), -EINVAL);
    down(p);
    /* a path not starting with the peer's AS: withdrawn, unless the peer is a route server */
    p = up(0);
    n = t_update(m, NULL, 0, good, sizeof(good), nlri, sizeof(nlri));
    m[23 + 9] = 0xfb; /* leftmost AS 0xfb56ea01 */
    bgp_session_send(p->b, m, n, 9000);
    pump(p, 9000);
    assert_int_equal(p->last_verdict, BGP_WITHDRAW);
    p->a->cfg.no_first_as = true;
    bgp_session_send(p->b, m, n, 9100);
    pump(p, 9100);
    assert_int_equal(p->last_verdict, BGP_OK);
    down(p);
}

/* 4. Check OPEN errors: a wrong peer AS gets Bad Peer AS, and the other side goes Idle. */
static void test04_open_errors(void **state)
{
    struct bgp_session *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    struct bgp_peer_cfg cb = cfg_b;
    const struct bgp_session_cbs cbs = {0};
    unsigned int act;

    (void)state;
    cb.peer_as = 65999;
    bgp_session_init(a, &cfg_a);
    bgp_session_init(b, &cb);
    bgp_session_event(a, BGP_EV_START, 0);
    bgp_session_event(a, BGP_EV_TCP_UP, 0);
    bgp_session_event(b, BGP_EV_START, 0);
    bgp_session_event(b, BGP_EV_TCP_UP, 0);
    bgp_session_output_done(b, b->out_len); /* b's OPEN */
    act = bgp_session_input(b, a->out, a->out_len, 0, &cbs);
    assert_true(act & BGP_ACT_CLOSE);
    assert_false(act & BGP_ACT_DOWN);
    assert_int_equal(b->state, BGP_IDLE);
    assert_int_equal(b->last_sent_code, BGP_ERR_OPEN);
    assert_int_equal(b->last_sent_subcode, BGP_OPEN_BAD_PEER_AS);
    bgp_session_output_done(a, a->out_len);
    bgp_session_input(a, b->out, b->out_len, 0, &cbs);
    assert_int_equal(a->state, BGP_IDLE);
    assert_int_equal(a->last_rcvd_code, BGP_ERR_OPEN);
    free(a);
    free(b);
}

/* 5. Check a KEEPALIVE before the OPEN is an FSM error (RFC 6608 5/1) and Idle ignores input. */
static void test05_wrong_state(void **state)
{
    struct bgp_session *s = malloc(sizeof(*s));
    uint8_t ka[19];

    (void)state;
    bgp_keepalive_build(ka, sizeof(ka));
    bgp_session_init(s, &cfg_a);
    assert_int_equal(bgp_session_input(s, ka, sizeof(ka), 0, NULL), 0);
    assert_int_equal(bgp_session_event(s, BGP_EV_HOLD, 0), 0); /* Idle ignores it */
    bgp_session_event(s, BGP_EV_START, 0);
    bgp_session_event(s, BGP_EV_TCP_UP, 0);
    assert_true(bgp_session_input(s, ka, sizeof(ka), 0, NULL) & BGP_ACT_CLOSE);
    assert_int_equal(s->last_sent_code, BGP_ERR_FSM);
    assert_int_equal(s->last_sent_subcode, BGP_FSM_OPENSENT);
    /* TCP failing in OpenSent: back to Active with ConnectRetry running */
    bgp_session_init(s, &cfg_a);
    bgp_session_event(s, BGP_EV_START, 0);
    bgp_session_event(s, BGP_EV_TCP_UP, 0);
    assert_int_equal(bgp_session_event(s, BGP_EV_TCP_DOWN, 100), BGP_ACT_CLOSE);
    assert_int_equal(s->state, BGP_ACTIVE);
    assert_int_equal(s->connect_retry_at, 5100);
    assert_int_equal(bgp_session_timers(s, 5100), BGP_ACT_CLOSE | BGP_ACT_CONNECT);
    assert_int_equal(s->state, BGP_CONNECT);
    free(s);
}

/* 6. Check a manual stop: Cease / Administrative Shutdown, down, no automatic restart. */
static void test06_stop(void **state)
{
    struct pair *p = up(0);
    unsigned int act = bgp_session_event(p->a, BGP_EV_STOP, 10);

    (void)state;
    assert_true(act & BGP_ACT_DOWN && act & BGP_ACT_CLOSE && act & BGP_ACT_SEND);
    assert_int_equal(p->a->last_sent_code, BGP_ERR_CEASE);
    assert_int_equal(p->a->last_sent_subcode, BGP_CEASE_SHUTDOWN);
    assert_int_equal(bgp_session_next_timer(p->a), 0);
    pump(p, 10);
    assert_int_equal(p->b->state, BGP_IDLE);
    assert_int_equal(p->b->last_rcvd_code, BGP_ERR_CEASE);
    down(p);
}

/* 7. Check input a byte at a time: messages split anywhere are reassembled. */
static void test07_bytewise(void **state)
{
    struct pair *p = up(0);
    uint8_t ka[19 * 3];

    (void)state;
    for (int i = 0; i < 3; i++)
        bgp_keepalive_build(ka + 19 * i, 19);
    for (size_t i = 0; i < sizeof(ka); i++) {
        bgp_session_input(p->a, ka + i, 1, 20000, NULL);
        assert_int_equal(p->a->in_len, (i + 1) % 19);
    }
    assert_int_equal(p->a->state, BGP_ESTABLISHED);
    assert_int_equal(p->a->cnt.rx[BGP_MSG_KEEPALIVE], 1 + 3);
    assert_int_equal(p->a->hold_at, 20000 + 30000);
    down(p);
}

/*
 * 8. Check the session record: exported with half a message read, imported
 * on a clock 1,000,000 ms ahead, the timers keep their time left and the
 * rest of the message completes it; bad records leave the session alone.
 */
static void test08_export_import(void **state)
{
    struct pair *p = up(0);
    struct bgp_session *c = malloc(sizeof(*c));
    uint8_t ka[19], *rec = malloc(300000);
    int n;

    (void)state;
    bgp_keepalive_build(ka, sizeof(ka));
    bgp_session_input(p->a, ka, 7, 3000, NULL);
    bgp_session_event(p->a, BGP_EV_KEEPALIVE_TIMER, 4000); /* unsent output too */
    assert_true(p->a->out_len > 0);
    n = bgp_session_export(p->a, 4000, rec, 300000);
    assert_true(n > 0);
    assert_int_equal(bgp_session_export(p->a, 4000, rec, (size_t)n - 1), -ENOSPC);
    bgp_session_init(c, &cfg_b);
    assert_int_equal(bgp_session_import(c, rec, (size_t)n, 1004000), 0);
    assert_int_equal(c->state, BGP_ESTABLISHED);
    assert_int_equal(c->hold_at - 1004000, p->a->hold_at - 4000);
    assert_int_equal(c->keepalive_at - 1004000, p->a->keepalive_at - 4000);
    assert_int_equal(c->in_len, 7);
    assert_int_equal(c->out_len, p->a->out_len);
    assert_memory_equal(c->out, p->a->out, c->out_len);
    assert_memory_equal(&c->neg, &p->a->neg, sizeof(c->neg));
    assert_memory_equal(&c->cfg, &p->a->cfg, sizeof(c->cfg));
    assert_memory_equal(&c->cnt, &p->a->cnt, sizeof(c->cnt));
    bgp_session_input(c, ka + 7, 12, 1005000, NULL);
    assert_int_equal(c->in_len, 0);
    assert_int_equal(c->cnt.rx[BGP_MSG_KEEPALIVE], p->a->cnt.rx[BGP_MSG_KEEPALIVE] + 1);
    assert_int_equal(c->hold_at, 1005000 + 30000);
    /* bad records: short, long, wrong version, impossible state; c untouched */
    assert_int_equal(bgp_session_import(c, rec, (size_t)n - 1, 0), -EINVAL);
    rec[n] = 0;
    assert_int_equal(bgp_session_import(c, rec, (size_t)n + 1, 0), -EINVAL);
    rec[1] = 9;
    assert_int_equal(bgp_session_import(c, rec, (size_t)n, 0), -EINVAL);
    rec[1] = 1;
    rec[2 + 4 + 4 + 4 + 2 + 2 + 2 + 4 + 1 + 2] = 6; /* the state byte */
    assert_int_equal(bgp_session_import(c, rec, (size_t)n, 0), -EINVAL);
    assert_int_equal(c->state, BGP_ESTABLISHED);
    assert_int_equal(c->hold_at, 1005000 + 30000);
    free(rec);
    free(c);
    down(p);
}

/* 9. Check negotiation rules: iBGP identifier clash, AS4 disagreeing, hold 0; collisions. */
static void test09_negotiate(void **state)
{
    struct bgp_peer_cfg ib = {
        .local_as = 65000, .peer_as = 65000, .router_id = 7, .hold_time = 90, .afs = BGP_AF_IPV4};
    struct bgp_open o;
    struct bgp_negotiated neg;
    struct bgp_error e;

    (void)state;
    bgp_open_local(&ib, &o);
    assert_int_equal(bgp_open_negotiate(&ib, &o, &neg, &e), -EINVAL);
    assert_int_equal(e.subcode, BGP_OPEN_BAD_ID);
    o.bgp_id = 8;
    o.hold_time = 0;
    assert_int_equal(bgp_open_negotiate(&ib, &o, &neg, &e), 0);
    assert_int_equal(neg.hold_time, 0);
    assert_int_equal(neg.keepalive, 0);
    o.my_as = 65001; /* disagrees with the AS4 capability's 65000 */
    assert_int_equal(bgp_open_negotiate(&ib, &o, &neg, &e), -EINVAL);
    assert_int_equal(e.subcode, BGP_OPEN_BAD_PEER_AS);
    ib.local_as = 4200000000u; /* our OPEN for a large AS says AS_TRANS */
    bgp_open_local(&ib, &o);
    assert_int_equal(o.my_as, BGP_AS_TRANS);
    assert_true(bgp_collision_keep_ours(IP(10, 0, 0, 2), IP(10, 0, 0, 1)));
    assert_false(bgp_collision_keep_ours(IP(10, 0, 0, 1), IP(10, 0, 0, 2)));
    assert_string_equal(bgp_state_name(BGP_OPENCONFIRM), "OpenConfirm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_establish),   cmocka_unit_test(test02_timers),
        cmocka_unit_test(test03_updates),     cmocka_unit_test(test04_open_errors),
        cmocka_unit_test(test05_wrong_state), cmocka_unit_test(test06_stop),
        cmocka_unit_test(test07_bytewise),    cmocka_unit_test(test08_export_import),
        cmocka_unit_test(test09_negotiate),
    };

    return cmocka_run_group_tests_name("bgp_fsm", tests, NULL, NULL);
}
