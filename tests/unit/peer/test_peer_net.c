/*
 * test_peer_net.c - the peer channel over TCP (src/peer/peer.c): listening,
 * dialling, both hosts dialling at once, reconnecting with backoff after the
 * listener restarts, keepalives, and a peer that vanishes (one that never
 * answers the handshake, one that stops reading mid-session) without
 * holding up another.
 *
 * Everything runs on 127.0.0.1 inside a network namespace of the test's own:
 * the process unshares one at start (anonymous: it has no name to leak and
 * disappears with the process), so nothing touches the host's interfaces.
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
#include <sys/time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/log.h"
#include "peer_test.h"

static struct ev_loop *loop;
static bool have_netns;

/* Quick timers so the tests take seconds, not minutes (scaled by pt_scale()). */
static struct peer_ctx_config quick;

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

static int group_setup(void **state)
{
    (void)state;
    log_init("test_peer_net", LOG_LEVEL_INFO);
    have_netns = unshare(CLONE_NEWNET) == 0 && lo_up() == 0;
    if (!have_netns)
        print_message("# no network namespace of our own (%s): TCP tests skipped\n",
                      strerror(errno));
    pt_certs_make();
    quick.keepalive_ms = (uint32_t)(100 * pt_scale());
    quick.dead_after = 3;
    quick.backoff_min_ms = (uint32_t)(100 * pt_scale());
    quick.backoff_max_ms = (uint32_t)(800 * pt_scale());
    quick.handshake_ms = (uint32_t)(500 * pt_scale());
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

static bool msgs2(void *arg)
{
    struct two *t = arg;

    return t->a->msgs >= 1 && t->b->msgs >= 1;
}

/* 1. a listens, b dials it by address: both up, a message each way. */
static void test_listen_dial(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    struct peer *pa, *pb;
    uint8_t buf[64];
    int port;

    (void)state;
    if (!have_netns)
        skip();
    pt_host_init(&a, loop, "a", "a", "ca", &quick);
    pt_host_init(&b, loop, "b", "b", "ca", &quick);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", 0), 0);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", 0), -EBUSY);
    port = peer_ctx_port(a.ctx);
    assert_true(port > 0);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, &pb), 0);
    assert_int_equal(peer_add(b.ctx, "a", "127.0.0.1", (uint16_t)port, &pa), 0);
    assert_true(pt_run1(loop, both_up, &t, 10));
    pt_pattern(buf, sizeof(buf), 5);
    assert_int_equal(peer_send(pa, PT_T_DATA, 5, buf, sizeof(buf)), 0);
    assert_int_equal(peer_send(pb, PT_T_DATA, 5, buf, sizeof(buf)), 0);
    assert_true(pt_run1(loop, msgs2, &t, 10));
    assert_true(a.pattern_ok && b.pattern_ok);
    assert_int_equal(peer_counters(pa)->connects, 1);
    assert_int_equal(peer_counters(pa)->reconnects, 0);
    assert_int_equal(peer_ctx_counters(a.ctx)->accepted, 1);

    /* Idle for ten keepalive intervals: pings keep it up. */
    pt_run1(loop, NULL, NULL, 1.0);
    assert_true(peer_is_up(pa) && peer_is_up(pb));
    assert_int_equal(a.downs + b.downs, 0);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

/* 2. Both hosts know each other's address and dial: they settle on one
 *    connection, the same on both sides, and it stays up. */
static void test_both_dial(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    struct peer *pa, *pb;
    int ups_a, ups_b;

    (void)state;
    if (!have_netns)
        skip();
    pt_host_init(&a, loop, "a", "a", "ca", &quick);
    pt_host_init(&b, loop, "b", "b", "ca", &quick);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", 0), 0);
    assert_int_equal(peer_ctx_listen(b.ctx, "127.0.0.1", 0), 0);
    assert_int_equal(peer_add(a.ctx, "b", "127.0.0.1", (uint16_t)peer_ctx_port(b.ctx), &pb), 0);
    assert_int_equal(peer_add(b.ctx, "a", "127.0.0.1", (uint16_t)peer_ctx_port(a.ctx), &pa), 0);
    assert_true(pt_run1(loop, both_up, &t, 10));
    pt_run1(loop, NULL, NULL, 1.5);
    ups_a = a.ups;
    ups_b = b.ups;
    pt_run1(loop, NULL, NULL, 1.0);
    assert_true(peer_is_up(pa) && peer_is_up(pb));
    assert_int_equal(a.ups, ups_a);
    assert_int_equal(b.ups, ups_b);
    assert_int_equal(a.ups - a.downs, 1);
    assert_int_equal(b.ups - b.downs, 1);
    print_message("# sessions: a %d, b %d\n", a.ups, b.ups);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

static bool b_down(void *arg)
{
    return ((struct pt_host *)arg)->downs > 0;
}

/* 3. The listener goes away (its host restarts): the dialler sees the session
 *    end, retries with exponential backoff (not in a tight loop, not never),
 *    and is back up soon after the listener returns on the same port. */
static void test_reconnect_backoff(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    struct peer *pa;
    uint64_t before, attempts;
    int port;

    (void)state;
    if (!have_netns)
        skip();
    pt_host_init(&a, loop, "a", "a", "ca", &quick);
    pt_host_init(&b, loop, "b", "b", "ca", &quick);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", 0), 0);
    port = peer_ctx_port(a.ctx);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(b.ctx, "a", "127.0.0.1", (uint16_t)port, &pa), 0);
    assert_true(pt_run1(loop, both_up, &t, 10));

    pt_host_fini(&a);
    assert_true(pt_run1(loop, b_down, &b, 5));
    assert_int_equal(b.last_down, PEER_DOWN_CLOSED);
    before = peer_counters(pa)->connects;
    pt_run1(loop, NULL, NULL, 1.5);
    attempts = peer_counters(pa)->connects - before;
    print_message("# attempts in 1.5 s with the listener gone: %lu\n", (unsigned long)attempts);
    /* Delays of 50-100, 100-200, 200-400, 400-800, 400-800 ms: 3 to 6 attempts. */
    assert_true(attempts >= 3 && attempts <= 7);

    pt_host_init(&a, loop, "a", "a", "ca", &quick);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", (uint16_t)port), 0);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    t.ups = 1;
    b.ups = 0;
    assert_true(pt_run1(loop, both_up, &t, 5));
    assert_true(peer_is_up(pa));
    assert_int_equal(peer_counters(pa)->sessions, 2);
    assert_true(peer_counters(pa)->reconnects >= attempts);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

/* ---- A peer that vanishes ------------------------------------------------------ */

struct vanish {
    struct pt_host *a, *b, *d;
    struct peer *ab, *ad;
    int echoes;
};

static bool d_up(void *arg)
{
    struct vanish *v = arg;

    return peer_is_up(v->ad) && v->d->ups > 0 && peer_is_up(v->ab);
}

static bool d_dead_and_echoes(void *arg)
{
    struct vanish *v = arg;

    return v->a->downs > 0 && v->a->msgs >= 200 &&
           peer_counters(peer_find(v->a->ctx, "c"))->refused[PEER_REFUSE_HANDSHAKE_TIMEOUT] >= 2;
}

/* 4. Two peers vanish while a talks to b: c accepts TCP but never speaks TLS
 *    (its handshake times out, again and again with backoff), and d stops
 *    reading mid-session (a's queue to it fills: -ENOBUFS; d is declared dead
 *    after the missed keepalives). Meanwhile 200 echoes between a and b go
 *    through, and b's session never drops. */
static void test_vanished_peer(void **state)
{
    struct peer_ctx_config cfg = quick;
    struct pt_host a, b, d;
    struct vanish v = {&a, &b, &d, NULL, NULL, 0};
    struct ev_loop *loop2 = ev_loop_new(EVFLAG_AUTO);
    struct ev_loop *both[2] = {loop, loop2};
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    uint8_t buf[60000];
    int hole, sv[2], rc, i, sent = 0;

    (void)state;
    if (!have_netns)
        skip();
    cfg.max_msg = 65536;
    cfg.out_limit = 256 << 10;
    pt_host_init(&a, loop, "a", "a", "ca", &cfg);
    pt_host_init(&b, loop, "b", "b", "ca", &cfg);
    pt_host_init(&d, loop2, "d", "d", "ca", &cfg);

    /* c: a socket that listens and never accepts. */
    hole = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(hole, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(listen(hole, 16), 0);
    assert_int_equal(getsockname(hole, (struct sockaddr *)&sin, &len), 0);
    assert_int_equal(peer_add(a.ctx, "c", "127.0.0.1", ntohs(sin.sin_port), NULL), 0);

    assert_int_equal(peer_ctx_listen(b.ctx, "127.0.0.1", 0), 0);
    assert_int_equal(peer_add(a.ctx, "b", "127.0.0.1", (uint16_t)peer_ctx_port(b.ctx), &v.ab), 0);
    assert_int_equal(peer_add(b.ctx, "a", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(a.ctx, "d", NULL, 0, &v.ad), 0);
    assert_int_equal(peer_add(d.ctx, "a", NULL, 0, NULL), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_int_equal(peer_attach_fd(a.ctx, sv[0], v.ad), 0);
    assert_int_equal(peer_attach_fd(d.ctx, sv[1], NULL), 0);
    assert_true(pt_run_until(both, 2, d_up, &v, 10));

    /* d vanishes: its loop no longer runs. a fills its queue to d. */
    memset(buf, 1, sizeof(buf));
    for (i = 0; i < 1000; i++) {
        rc = peer_send(v.ad, PT_T_DATA, 0, buf, sizeof(buf));
        if (rc == -ENOBUFS)
            break;
        assert_int_equal(rc, 0);
        sent++;
        pt_run1(loop, NULL, NULL, 0.001);
    }
    assert_int_equal(rc, -ENOBUFS);
    assert_true(peer_queued(v.ad) > (size_t)cfg.out_limit - sizeof(buf) - PEER_MSG_HDR_LEN);

    /* a and b carry on: b echoes what a sends. */
    pt_pattern(buf, 100, 9);
    for (i = 0; i < 200; i++) {
        assert_int_equal(peer_send(v.ab, PT_T_ECHO, 9, buf, 100), 0);
        pt_run1(loop, NULL, NULL, 0.002);
    }
    assert_true(pt_run1(loop, d_dead_and_echoes, &v, 10));
    assert_int_equal(a.downs, 1);
    assert_int_equal(a.last_down, PEER_DOWN_TIMEOUT);
    assert_false(peer_is_up(v.ad));
    assert_true(peer_is_up(v.ab));
    assert_int_equal(b.downs, 0);
    assert_int_equal(a.msgs, 200);
    assert_true(a.pattern_ok);
    assert_int_equal(peer_counters(v.ad)->down[PEER_DOWN_TIMEOUT], 1);
    assert_true(peer_counters(v.ad)->enobufs >= 1);

    close(hole);
    pt_host_fini(&a);
    pt_host_fini(&b);
    pt_host_fini(&d);
    ev_loop_destroy(loop2);
}

/* 5. A peer removed (or a context freed) while connections are under way
 *    and redials are pending: nothing fires afterwards, nothing leaks. */
static void test_remove_while_busy(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    struct peer *pa, *pc;

    (void)state;
    if (!have_netns)
        skip();
    pt_host_init(&a, loop, "a", "a", "ca", &quick);
    pt_host_init(&b, loop, "b", "b", "ca", &quick);
    assert_int_equal(peer_ctx_listen(a.ctx, "127.0.0.1", 0), 0);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(b.ctx, "a", "127.0.0.1", (uint16_t)peer_ctx_port(a.ctx), &pa), 0);
    /* c: nobody listens there; redials pile up with backoff. */
    assert_int_equal(peer_add(b.ctx, "c", "127.0.0.1", 1, &pc), 0);
    assert_true(pt_run1(loop, both_up, &t, 10));
    peer_remove(pa);
    peer_remove(pa); /* twice: no-op */
    assert_int_equal(b.downs, 0);
    pt_run1(loop, NULL, NULL, 0.3);
    assert_null(peer_find(b.ctx, "a"));
    assert_int_equal(a.downs, 1);
    assert_true(peer_counters(pc)->connects >= 1);
    peer_ctx_listen_stop(a.ctx);
    peer_ctx_listen_stop(a.ctx);
    pt_host_fini(&b);
    pt_run1(loop, NULL, NULL, 0.1);
    pt_host_fini(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_dial),       cmocka_unit_test(test_both_dial),
        cmocka_unit_test(test_reconnect_backoff), cmocka_unit_test(test_vanished_peer),
        cmocka_unit_test(test_remove_while_busy),
    };

    return cmocka_run_group_tests_name("peer_net", tests, group_setup, group_teardown);
}
