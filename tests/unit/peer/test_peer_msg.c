/*
 * test_peer_msg.c - the peer channel's framing (src/peer/msg.c) on byte
 * buffers: header layout, the checks made before any payload is allocated,
 * and the reader fed one byte at a time, in one piece, and across messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "peer/msg.h"

static struct peer_msg_rules rules;

static int setup(void **state)
{
    (void)state;
    memset(&rules, 0, sizeof(rules));
    rules.type[PEER_TYPE_PING] = (struct peer_msg_rule){.known = true};
    rules.type[20] = (struct peer_msg_rule){.known = true, .min_len = 0, .max_len = 1 << 20};
    rules.type[21] = (struct peer_msg_rule){.known = true, .min_len = 4, .max_len = 8};
    return 0;
}

struct seen {
    int n;
    uint16_t type[8];
    uint64_t id[8];
    uint32_t len[8];
    uint8_t first[8];
};

static int collect(const struct peer_msg_hdr *h, const uint8_t *payload, void *arg)
{
    struct seen *s = arg;

    if (s->n < 8) {
        s->type[s->n] = h->type;
        s->id[s->n] = h->id;
        s->len[s->n] = h->len;
        s->first[s->n] = h->len > 0 ? payload[0] : 0;
    }
    s->n++;
    return 0;
}

static size_t put(uint8_t *buf, uint16_t type, uint16_t flags, uint32_t len, uint64_t id,
                  uint8_t fill)
{
    struct peer_msg_hdr h = {type, flags, len, id};

    peer_msg_hdr_encode(&h, buf);
    memset(buf + PEER_MSG_HDR_LEN, fill, len);
    return PEER_MSG_HDR_LEN + len;
}

/* 1. The header is 16 bytes, big-endian, in the documented order, and decodes back. */
static void test_header_layout(void **state)
{
    static const uint8_t want[16] = {0x01, 0x02, 0x00, 0x04, 0x00, 0x00, 0x01, 0x00,
                                     0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    struct peer_msg_hdr h = {0x0102, 0x0004, 0x100, 0x1122334455667788ull}, back;
    uint8_t buf[16];

    (void)state;
    peer_msg_hdr_encode(&h, buf);
    assert_memory_equal(buf, want, 16);
    peer_msg_hdr_decode(buf, &back);
    assert_int_equal(back.type, h.type);
    assert_int_equal(back.flags, h.flags);
    assert_int_equal(back.len, h.len);
    assert_true(back.id == h.id);
}

/* 2. Checks: unknown type, type past the table, unknown flags, too long, too short. */
static void test_check(void **state)
{
    struct peer_msg_hdr h = {20, 0, 10, 1};
    enum peer_refuse why = PEER_REFUSE_MAX;

    (void)state;
    assert_true(peer_msg_check(&rules, &h, &why));
    h.type = 22;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_TYPE);
    h.type = 0xffff;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_TYPE);
    h.type = 0;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_TYPE);
    h.type = 20;
    h.flags = 1;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_FLAGS);
    h.flags = 0;
    h.len = (1 << 20) + 1;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_LONG);
    h.type = 21;
    h.len = 3;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_SHORT);
    h.len = 9;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_LONG);
    h.len = 8;
    assert_true(peer_msg_check(&rules, &h, &why));
    h.type = PEER_TYPE_PING;
    h.len = 1;
    assert_false(peer_msg_check(&rules, &h, &why));
    assert_int_equal(why, PEER_REFUSE_LONG);
}

/* 3. Several messages in one buffer, fed whole and then one byte at a time,
 *    give the same messages (zero-length, inline and heap payloads). */
static void test_feed_split(void **state)
{
    size_t n = 0, used, i;
    struct seen a = {0}, b = {0};
    struct peer_rx rx;
    uint8_t *buf = malloc(20000);

    (void)state;
    n += put(buf + n, PEER_TYPE_PING, 0, 0, 7, 0);
    n += put(buf + n, 21, 0, 5, 8, 0xaa);
    n += put(buf + n, 20, 0, PEER_RX_INLINE, 9, 0xbb);
    n += put(buf + n, 20, 0, PEER_RX_INLINE + 1, 10, 0xcc);
    n += put(buf + n, 20, 0, 0, 11, 0);

    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, n, &used, collect, &a), PEER_RX_MORE);
    assert_int_equal(used, n);
    assert_false(peer_rx_partial(&rx));
    assert_int_equal(a.n, 5);

    peer_rx_init(&rx, &rules);
    for (i = 0; i < n; i++) {
        assert_int_equal(peer_rx_feed(&rx, buf + i, 1, &used, collect, &b), PEER_RX_MORE);
        assert_int_equal(used, 1);
    }
    assert_int_equal(b.n, 5);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(a.type[1], 21);
    assert_int_equal(a.len[1], 5);
    assert_int_equal(a.first[1], 0xaa);
    assert_int_equal(a.len[3], PEER_RX_INLINE + 1);
    assert_int_equal(a.first[3], 0xcc);
    assert_true(a.id[4] == 11);
    peer_rx_release(&rx);
    free(buf);
}

/* 4. A refused header stops the reader before the payload: the offending
 *    header is kept for the log line and nothing is allocated for it. */
static void test_refuse_before_payload(void **state)
{
    uint8_t buf[64];
    struct seen s = {0};
    struct peer_rx rx;
    size_t n = 0, used;

    (void)state;
    n += put(buf, 21, 0, 4, 1, 1);
    /* Claims 4 GiB - 1 of payload: refused on the header alone. */
    n += put(buf + n, 20, 0, 0, 2, 0);
    buf[n - 12] = 0xff, buf[n - 11] = 0xff, buf[n - 10] = 0xff, buf[n - 9] = 0xff;
    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, n, &used, collect, &s), PEER_RX_REFUSED);
    assert_int_equal(s.n, 1);
    assert_int_equal(rx.refused, PEER_REFUSE_LONG);
    assert_int_equal(rx.hdr.len, 0xffffffffu);
    assert_null(rx.heap);
    assert_int_equal(used, n);
    peer_rx_release(&rx);

    /* Unknown type and a short payload. */
    put(buf, 99, 0, 0, 3, 0);
    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, 16, &used, collect, &s), PEER_RX_REFUSED);
    assert_int_equal(rx.refused, PEER_REFUSE_TYPE);
    put(buf, 21, 0, 3, 3, 0);
    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, 16, &used, collect, &s), PEER_RX_REFUSED);
    assert_int_equal(rx.refused, PEER_REFUSE_SHORT);
    put(buf, 20, 0x8000, 3, 3, 0);
    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, 16, &used, collect, &s), PEER_RX_REFUSED);
    assert_int_equal(rx.refused, PEER_REFUSE_FLAGS);
}

/* 5. A partial header or payload is "partial" (an EOF now truncates a message). */
static void test_partial(void **state)
{
    uint8_t buf[64];
    struct seen s = {0};
    struct peer_rx rx;
    size_t used, n = put(buf, 20, 0, 10, 1, 5);

    (void)state;
    peer_rx_init(&rx, &rules);
    assert_false(peer_rx_partial(&rx));
    assert_int_equal(peer_rx_feed(&rx, buf, 10, &used, collect, &s), PEER_RX_MORE);
    assert_true(peer_rx_partial(&rx));
    assert_int_equal(peer_rx_feed(&rx, buf + 10, 10, &used, collect, &s), PEER_RX_MORE);
    assert_true(peer_rx_partial(&rx));
    assert_int_equal(peer_rx_feed(&rx, buf + 20, n - 20, &used, collect, &s), PEER_RX_MORE);
    assert_false(peer_rx_partial(&rx));
    assert_int_equal(s.n, 1);
    peer_rx_release(&rx);
}

/* 6. A callback that returns non-zero stops the feed after its message. */
static int stop_first(const struct peer_msg_hdr *h, const uint8_t *payload, void *arg)
{
    (void)h;
    (void)payload;
    (*(int *)arg)++;
    return 1;
}

static void test_feed_stop(void **state)
{
    uint8_t buf[64];
    struct peer_rx rx;
    size_t used, n = 0;
    int calls = 0;

    (void)state;
    n += put(buf, PEER_TYPE_PING, 0, 0, 1, 0);
    n += put(buf + n, PEER_TYPE_PING, 0, 0, 2, 0);
    peer_rx_init(&rx, &rules);
    assert_int_equal(peer_rx_feed(&rx, buf, n, &used, stop_first, &calls), PEER_RX_MSG);
    assert_int_equal(calls, 1);
    assert_int_equal(used, PEER_MSG_HDR_LEN);
    peer_rx_release(&rx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_layout), cmocka_unit_test(test_check),
        cmocka_unit_test(test_feed_split),    cmocka_unit_test(test_refuse_before_payload),
        cmocka_unit_test(test_partial),       cmocka_unit_test(test_feed_stop),
    };

    return cmocka_run_group_tests_name("peer_msg", tests, setup, NULL);
}
