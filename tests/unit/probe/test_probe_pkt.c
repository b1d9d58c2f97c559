/*
 * test_probe_pkt.c - the vroom-probe header parser (src/probe/probe_pkt.c):
 * round trips, the exact wire layout, and every way a datagram is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probe/probe_pkt.h"

static const struct probe_hdr sample = {
    .flags = 0,
    .run_id = 0x0102030405060708ULL,
    .seq = 0x1112131415161718ULL,
    .send_ns = 0x2122232425262728ULL,
};

static void encode_sample(uint8_t *buf, size_t len)
{
    memset(buf, 0xee, len);
    assert_int_equal(probe_pkt_encode(buf, len, &sample), 0);
}

/* 1. Check that a header survives encode then parse, END flag included. */
static void test01_round_trip(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr h = sample, out;

    (void)state;
    h.flags = PROBE_FLAG_END;
    assert_int_equal(probe_pkt_encode(buf, sizeof(buf), &h), 0);
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_OK);
    assert_int_equal(out.flags, PROBE_FLAG_END);
    assert_true(out.run_id == h.run_id);
    assert_true(out.seq == h.seq);
    assert_true(out.send_ns == h.send_ns);
}

/* 2. Check the exact wire bytes: big-endian fields at the documented offsets. */
static void test02_wire_layout(void **state)
{
    static const uint8_t want[PROBE_HDR_LEN] = {
        0x56, 0x52, 0x4f, 0x50, 0x01, 0x00, 0x00, 0x00, /* magic, version, flags, reserved */
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* run id */
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, /* seq */
        0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, /* send time */
    };
    uint8_t buf[PROBE_HDR_LEN + 4];

    (void)state;
    encode_sample(buf, sizeof(buf));
    assert_memory_equal(buf, want, sizeof(want));
    /* Bytes past the header are the caller's: untouched. */
    assert_int_equal(buf[PROBE_HDR_LEN], 0xee);
}

/* 3. Check that encode refuses a buffer shorter than the header and run id 0. */
static void test03_encode_refuses(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr h = sample;

    (void)state;
    assert_int_equal(probe_pkt_encode(buf, PROBE_HDR_LEN - 1, &h), -EINVAL);
    h.run_id = 0;
    assert_int_equal(probe_pkt_encode(buf, sizeof(buf), &h), -EINVAL);
}

/* 4. Check that every length below the header is refused as short, and out untouched. */
static void test04_short(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr out = {.seq = 42};
    size_t len;

    (void)state;
    encode_sample(buf, sizeof(buf));
    for (len = 0; len < PROBE_HDR_LEN; len++)
        assert_int_equal(probe_pkt_parse(buf, len, 0, &out), PROBE_PKT_SHORT);
    assert_true(out.seq == 42);
    assert_int_equal(probe_pkt_parse(NULL, 0, 0, &out), PROBE_PKT_SHORT);
}

/* 5. Check that a wrong magic (any byte of it) is refused. */
static void test05_bad_magic(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr out;
    int i;

    (void)state;
    for (i = 0; i < 4; i++) {
        encode_sample(buf, sizeof(buf));
        buf[i] ^= 0x20;
        assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_BAD_MAGIC);
    }
}

/* 6. Check that versions other than 1 are refused. */
static void test06_bad_version(void **state)
{
    static const uint8_t versions[] = {0, 2, 0xff};
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr out;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(versions); i++) {
        encode_sample(buf, sizeof(buf));
        buf[4] = versions[i];
        assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_BAD_VERSION);
    }
}

/* 7. Check that undefined flag bits are refused and reserved bytes ignored. */
static void test07_flags_and_reserved(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr out;
    int bit;

    (void)state;
    for (bit = 1; bit < 8; bit++) {
        encode_sample(buf, sizeof(buf));
        buf[5] = (uint8_t)(1u << bit);
        assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_BAD_FLAGS);
    }
    encode_sample(buf, sizeof(buf));
    buf[6] = 0xab;
    buf[7] = 0xcd;
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_OK);
}

/* 8. Check run ids: another run is refused, 0 accepts any, run id 0 is never valid. */
static void test08_other_run(void **state)
{
    uint8_t buf[PROBE_HDR_LEN];
    struct probe_hdr out;

    (void)state;
    encode_sample(buf, sizeof(buf));
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), sample.run_id, &out), PROBE_PKT_OK);
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), sample.run_id + 1, &out),
                     PROBE_PKT_OTHER_RUN);
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_OK);
    memset(buf + 8, 0, 8);
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_OTHER_RUN);
}

/* 9. Check that a padded datagram (longer than the header) parses. */
static void test09_padding(void **state)
{
    uint8_t buf[1500];
    struct probe_hdr out;

    (void)state;
    encode_sample(buf, sizeof(buf));
    assert_int_equal(probe_pkt_parse(buf, sizeof(buf), 0, &out), PROBE_PKT_OK);
    assert_true(out.seq == sample.seq);
}

/* 10. Check that every status has a reason string. */
static void test10_strerror(void **state)
{
    int s;

    (void)state;
    for (s = PROBE_PKT_OK; s <= PROBE_PKT_OTHER_RUN + 1; s++)
        assert_non_null(probe_pkt_strerror((enum probe_pkt_status)s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_round_trip),
        cmocka_unit_test(test02_wire_layout),
        cmocka_unit_test(test03_encode_refuses),
        cmocka_unit_test(test04_short),
        cmocka_unit_test(test05_bad_magic),
        cmocka_unit_test(test06_bad_version),
        cmocka_unit_test(test07_flags_and_reserved),
        cmocka_unit_test(test08_other_run),
        cmocka_unit_test(test09_padding),
        cmocka_unit_test(test10_strerror),
    };

    return cmocka_run_group_tests_name("probe_pkt", tests, NULL, NULL);
}
