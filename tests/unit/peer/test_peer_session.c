/*
 * test_peer_session.c - sessions on the peer channel (src/peer/conn.c): a
 * 16 MiB message, a stream of them under backpressure while the loop stays
 * responsive, and everything a peer must not send (garbage, a cut header, an
 * oversized length, unknown types and flags, payloads out of bounds, no
 * HELLO): each closes the connection with a log line and a counter.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "peer_test.h"

#define BIG (16u << 20)

static struct ev_loop *loop;

static int group_setup(void **state)
{
    (void)state;
    log_init("test_peer_session", LOG_LEVEL_INFO);
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
    uint64_t want; /* messages b must have */
};

static bool both_up(void *arg)
{
    struct two *t = arg;

    return t->a->ups > 0 && t->b->ups > 0;
}

static bool b_has(void *arg)
{
    struct two *t = arg;

    return t->b->msgs >= t->want;
}

static void connect_ab(struct pt_host *a, struct pt_host *b, const struct peer_ctx_config *cfg)
{
    struct two t = {a, b, 0};

    pt_host_init(a, loop, "a", "a", "ca", cfg);
    pt_host_init(b, loop, "b", "b", "ca", cfg);
    assert_int_equal(peer_add(a->ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(peer_add(b->ctx, "a", NULL, 0, NULL), 0);
    pt_pair(a, "b", b);
    assert_true(pt_run1(loop, both_up, &t, 10));
}

/* 1. One message of the largest size (16 MiB) arrives whole and intact;
 *    one byte more is refused by peer_send(). */
static void test_big_message(void **state)
{
    struct pt_host a, b;
    struct two t = {&a, &b, 1};
    uint8_t *buf = malloc(BIG + 1);
    struct peer *pb;

    (void)state;
    connect_ab(&a, &b, NULL);
    pb = peer_find(a.ctx, "b");
    pt_pattern(buf, BIG, 42);
    assert_int_equal(peer_send(pb, PT_T_DATA, 42, buf, BIG + 1), -EMSGSIZE);
    assert_int_equal(peer_send(pb, PT_T_DATA, 42, buf, BIG), 0);
    assert_int_equal(peer_queued(pb), BIG + PEER_MSG_HDR_LEN);
    assert_true(pt_run1(loop, b_has, &t, 60));
    assert_int_equal(b.last_len, BIG);
    assert_true(b.pattern_ok);
    assert_int_equal(peer_queued(pb), 0);
    assert_int_equal(peer_counters(peer_find(b.ctx, "a"))->msgs_in, 1);
    free(buf);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

/* The streaming sender: as many 16 MiB messages as the queue takes, then wait. */
struct stream {
    struct peer *p;
    uint8_t *buf;
    uint64_t next, total;
    int enobufs;
    double last_tick, max_gap;
};

static struct stream st;

static void stream_fill(struct pt_host *h, struct peer *p)
{
    (void)h;
    while (st.next < st.total) {
        pt_pattern(st.buf, BIG, st.next);
        int rc = peer_send(p, PT_T_DATA, st.next, st.buf, BIG);

        if (rc == -ENOBUFS) {
            st.enobufs++;
            return;
        }
        assert_int_equal(rc, 0);
        st.next++;
    }
}

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void tick(struct ev_loop *l, ev_timer *w, int revents)
{
    double t = now();

    (void)l;
    (void)w;
    (void)revents;
    if (t - st.last_tick > st.max_gap)
        st.max_gap = t - st.last_tick;
    st.last_tick = t;
}

/* 2. Six 16 MiB messages streamed through a queue that holds one: peer_send()
 *    says -ENOBUFS, the writable callback resumes the sender, everything
 *    arrives in order and intact, and a 5 ms timer keeps firing meanwhile. */
static void test_stream_backpressure(void **state)
{
    struct peer_ctx_config cfg = {.out_limit = BIG + PEER_MSG_HDR_LEN + (1u << 20)};
    struct pt_host a, b;
    struct two t = {&a, &b, 6};
    ev_timer timer;

    (void)state;
    connect_ab(&a, &b, &cfg);
    memset(&st, 0, sizeof(st));
    st.buf = malloc(BIG);
    st.total = 6;
    st.p = peer_find(a.ctx, "b");
    a.on_writable = stream_fill;
    stream_fill(&a, st.p);
    assert_int_equal(st.next, 1);
    assert_int_equal(st.enobufs, 1);

    st.last_tick = now();
    ev_timer_init(&timer, tick, 0.005, 0.005);
    ev_timer_start(loop, &timer);
    assert_true(pt_run1(loop, b_has, &t, 100));
    ev_timer_stop(loop, &timer);
    assert_int_equal(b.msgs, 6);
    assert_int_equal(b.last_id, 5);
    assert_true(b.pattern_ok);
    assert_true(a.writables >= 5);
    assert_int_equal(peer_counters(st.p)->enobufs, (uint64_t)st.enobufs);
    assert_int_equal(peer_counters(st.p)->msgs_out, 6);
    /* No wake-up held the loop for long (generous: the test itself fills and checks
     * 16 MiB patterns in callbacks, and sanitizer builds are slow). */
    print_message("# longest gap between 5 ms ticks: %.1f ms\n", st.max_gap * 1000);
    assert_true(st.max_gap < 1.0 * pt_scale());
    free(st.buf);
    pt_host_fini(&a);
    pt_host_fini(&b);
}

/* ---- What a peer must not send ------------------------------------------------ */

static size_t put(uint8_t *buf, uint16_t type, uint16_t flags, uint32_t len, uint64_t id)
{
    struct peer_msg_hdr h = {type, flags, len, id};

    peer_msg_hdr_encode(&h, buf);
    memset(buf + PEER_MSG_HDR_LEN, 0x5a, len < 256 ? len : 0);
    return PEER_MSG_HDR_LEN + (len < 256 ? len : 0);
}

static size_t put_hello(uint8_t *buf, uint32_t version)
{
    uint32_t v[2] = {htobe32(version), htobe32(BIG)};
    size_t n = put(buf, PEER_TYPE_HELLO, 0, 8, 0);

    memcpy(buf + PEER_MSG_HDR_LEN, v, 8);
    return n;
}

struct refusal {
    struct pt_host *h;
    enum peer_refuse why;
    bool on_ctx;
};

static bool refused(void *arg)
{
    struct refusal *r = arg;
    struct peer *p = peer_find(r->h->ctx, "b");

    return r->on_ctx ? peer_ctx_counters(r->h->ctx)->refused[r->why] > 0
                     : peer_counters(p)->refused[r->why] > 0;
}

/* b (a raw TLS client with b's certificate) sends `bytes` to a, which must refuse them. */
static void expect_refusal(const uint8_t *bytes, size_t len, enum peer_refuse why, bool on_ctx,
                           uint64_t msgs_before)
{
    struct pt_host a;
    struct pt_raw r = {.cert = "b",
                       .ca = "ca",
                       .send = bytes,
                       .send_len = len,
                       .shut_wr = why == PEER_REFUSE_TRUNCATED};
    struct refusal rf = {&a, why, on_ctx};
    const struct peer_counters *c;
    struct peer *pb;
    int sv[2], i;

    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, &pb), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    r.fd = sv[0];
    pt_raw_start(&r);
    assert_int_equal(peer_attach_fd(a.ctx, sv[1], NULL), 0);
    assert_true(pt_run1(loop, refused, &rf, 10));
    pt_raw_join(&r);
    assert_true(r.connect_ok);
    assert_true(r.closed);
    assert_false(peer_is_up(pb));
    c = peer_counters(pb);
    assert_int_equal(a.msgs, msgs_before);
    if (!on_ctx) {
        assert_int_equal(a.ups, 1);
        assert_int_equal(a.downs, 1);
        assert_int_equal(a.last_down, PEER_DOWN_REFUSED);
        assert_int_equal(c->down[PEER_DOWN_REFUSED], 1);
        assert_int_equal(c->msgs_in, msgs_before);
    } else {
        assert_int_equal(a.ups, 0);
    }
    for (i = 0; i < PEER_REFUSE_MAX; i++) {
        uint64_t n = on_ctx ? peer_ctx_counters(a.ctx)->refused[i] : c->refused[i];

        assert_int_equal(n, i == (int)why ? 1 : 0);
    }
    pt_host_fini(&a);
}

/* 3. Bytes that are not TLS at all: refused in the handshake. */
static void test_garbage(void **state)
{
    static const char junk[] = "GET / HTTP/1.0\r\n\r\n\x16\x03\x01\xff\xff garbage";
    struct pt_host a;
    struct refusal rf = {&a, PEER_REFUSE_TLS, true};
    int sv[2];

    (void)state;
    pt_host_init(&a, loop, "a", "a", "ca", NULL);
    assert_int_equal(peer_add(a.ctx, "b", NULL, 0, NULL), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_int_equal(write(sv[0], junk, sizeof(junk)), (ssize_t)sizeof(junk));
    assert_int_equal(peer_attach_fd(a.ctx, sv[1], NULL), 0);
    assert_true(pt_run1(loop, refused, &rf, 10));
    assert_int_equal(peer_ctx_counters(a.ctx)->refused[PEER_REFUSE_TLS], 1);
    assert_int_equal(a.ups, 0);
    close(sv[0]);
    pt_host_fini(&a);
}

/* 4. A header cut short by the end of the connection. */
static void test_short_header(void **state)
{
    uint8_t buf[64];
    size_t n = put_hello(buf, 1);

    (void)state;
    put(buf + n, PT_T_DATA, 0, 4, 1);
    expect_refusal(buf, n + 10, PEER_REFUSE_TRUNCATED, false, 0);
}

/* 5. A length over max_msg, refused on the header. */
static void test_oversized(void **state)
{
    uint8_t buf[64];
    size_t n = put_hello(buf, 1);

    (void)state;
    n += put(buf + n, PT_T_DATA, 0, BIG + 1, 1);
    expect_refusal(buf, n, PEER_REFUSE_LONG, false, 0);
}

/* 6. A type no handler is registered for, and a channel type out of place. */
static void test_unknown_type(void **state)
{
    uint8_t buf[64];
    size_t n = put_hello(buf, 1), m;

    (void)state;
    m = n + put(buf + n, 999, 0, 0, 1);
    expect_refusal(buf, m, PEER_REFUSE_TYPE, false, 0);
    m = n + put(buf + n, 5, 0, 0, 1);
    expect_refusal(buf, m, PEER_REFUSE_TYPE, false, 0);
    m = n + put(buf + n, 0xffff, 0, 0, 1);
    expect_refusal(buf, m, PEER_REFUSE_TYPE, false, 0);
}

/* 7. Payloads outside the type's bounds (8..64), and unknown flags. */
static void test_bounds_and_flags(void **state)
{
    uint8_t buf[256];
    size_t n = put_hello(buf, 1), m;

    (void)state;
    m = n + put(buf + n, PT_T_SMALL, 0, 4, 1);
    expect_refusal(buf, m, PEER_REFUSE_SHORT, false, 0);
    m = n + put(buf + n, PT_T_SMALL, 0, 65, 1);
    expect_refusal(buf, m, PEER_REFUSE_LONG, false, 0);
    m = n + put(buf + n, PT_T_SMALL, 0x0100, 10, 1);
    expect_refusal(buf, m, PEER_REFUSE_FLAGS, false, 0);
}

/* 8. A message its handler refuses; a good message first is still delivered. */
static void test_handler_refuses(void **state)
{
    uint8_t buf[256];
    size_t n = put_hello(buf, 1);

    (void)state;
    n += put(buf + n, PT_T_SMALL, 0, 10, 1);
    n += put(buf + n, PT_T_REFUSE, 0, 3, 2);
    expect_refusal(buf, n, PEER_REFUSE_HANDLER, false, 2);
}

/* 9. No HELLO first, a HELLO of another version, a second HELLO. */
static void test_hello(void **state)
{
    uint8_t buf[256];
    size_t n;

    (void)state;
    n = put(buf, PT_T_SMALL, 0, 10, 1);
    expect_refusal(buf, n, PEER_REFUSE_HELLO, true, 0);
    n = put_hello(buf, 2);
    expect_refusal(buf, n, PEER_REFUSE_HELLO, true, 0);
    n = put_hello(buf, 1);
    n += put_hello(buf + n, 1);
    expect_refusal(buf, n, PEER_REFUSE_HELLO, false, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_message),
        cmocka_unit_test(test_stream_backpressure),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_short_header),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_bounds_and_flags),
        cmocka_unit_test(test_handler_refuses),
        cmocka_unit_test(test_hello),
    };

    return cmocka_run_group_tests_name("peer_session", tests, group_setup, group_teardown);
}
