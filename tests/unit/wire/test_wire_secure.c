/*
 * test_wire_secure.c - secure wires (src/wire/wire_secure.c): what one side
 * seals the other opens; replayed, forged, truncated, wrong-key, wrong-epoch
 * and keyless frames are refused with their reason and never handed back;
 * forged frames do not move the replay window; keys roll by epoch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire_secure.h"

#define HEAD 128
#define CAP  2048

struct frame {
    uint8_t buf[HEAD + CAP];
    uint8_t *data;
    size_t len;
};

static uint8_t key_a[32], key_b[32], key_c[32], key_d[32];
static struct wire_sec *A, *B; /* A sends to B: A.tx = key_a = B.rx */

static void inner(struct frame *f, size_t len, uint8_t seed)
{
    f->data = f->buf + HEAD;
    f->len = len;
    for (size_t i = 0; i < len; i++)
        f->data[i] = (uint8_t)(seed + i * 13);
}

static int seal(struct wire_sec *s, struct frame *f, uint32_t connector)
{
    return wire_sec_seal(s, connector, &f->data, &f->len, (size_t)(f->data - f->buf),
                         sizeof(f->buf) - (size_t)(f->data - f->buf) - f->len);
}

static int open_(struct wire_sec *s, struct frame *f, uint8_t **in, size_t *inlen)
{
    return wire_sec_open(s, f->data, f->len, in, inlen);
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 32; i++) {
        key_a[i] = (uint8_t)i;
        key_b[i] = (uint8_t)(0x80 + i);
        key_c[i] = (uint8_t)(0x40 + i);
        key_d[i] = (uint8_t)(0xc0 + i);
    }
    A = wire_sec_new();
    B = wire_sec_new();
    if (A == NULL || B == NULL)
        return -1;
    if (wire_key_set(A, 1, key_a, key_b) != 0 || wire_key_set(B, 1, key_b, key_a) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wire_sec_free(A);
    wire_sec_free(B);
    wire_sec_free(NULL);
    return 0;
}

/* 1. Seal then open gives the frame back; the layout is the documented one. */
static void test_round_trip(void **state)
{
    struct frame f, ref;
    uint8_t *in;
    size_t inlen;
    uint64_t ctr = wire_sec_tx_counter(A);

    (void)state;
    inner(&f, 100, 1);
    inner(&ref, 100, 1);
    assert_int_equal(seal(A, &f, 0x00012300), 0);
    assert_int_equal(f.len, 100 + 8 + 12 + 16);
    assert_ptr_equal(f.data, f.buf + HEAD - 20);
    assert_int_equal(f.data[0], 0x08);
    assert_int_equal(f.data[7], 0x00);
    assert_int_equal(f.data[6], 0x23);
    assert_int_equal(f.data[8], 1); /* epoch */
    assert_int_equal(f.data[19], (uint8_t)ctr);
    assert_memory_not_equal(f.data + 20, ref.data, 100); /* encrypted */
    assert_int_equal(wire_sec_tx_counter(A), ctr + 1);
    assert_int_equal(open_(B, &f, &in, &inlen), 0);
    assert_int_equal(inlen, 100);
    assert_memory_equal(in, ref.data, 100);
}

/* 2. A frame replayed is refused; so is one older than the window. */
static void test_replay(void **state)
{
    struct frame f, copy, old;
    uint8_t *in;
    size_t inlen;

    (void)state;
    inner(&old, 64, 2);
    assert_int_equal(seal(A, &old, 5), 0);
    inner(&f, 64, 3);
    assert_int_equal(seal(A, &f, 5), 0);
    copy = f;
    copy.data = copy.buf + (f.data - f.buf);
    assert_int_equal(open_(B, &f, &in, &inlen), 0);
    assert_int_equal(open_(B, &copy, &in, &inlen), -WIRE_DROP_REPLAY);
    /* old (sent earlier, arriving late) is still inside the window */
    {
        struct frame late = old;

        late.data = late.buf + (old.data - old.buf);
        assert_int_equal(open_(B, &late, &in, &inlen), 0);
    }
    /* jump the sender ahead past the window: old is now too old */
    wire_sec_set_tx_counter(A, wire_sec_tx_counter(A) + WIRE_REPLAY_WINDOW + 10);
    inner(&f, 64, 4);
    assert_int_equal(seal(A, &f, 5), 0);
    assert_int_equal(open_(B, &f, &in, &inlen), 0);
    old.data = old.buf + HEAD - 20;
    assert_int_equal(open_(B, &old, &in, &inlen), -WIRE_DROP_REPLAY);
}

/* 3. Any flipped bit in header, counter, ciphertext or tag fails to open;
 * and a forged frame far ahead does not move the window. */
static void test_forged(void **state)
{
    struct frame f;
    uint8_t *in;
    size_t inlen;

    (void)state;
    inner(&f, 60, 5);
    assert_int_equal(seal(A, &f, 0x1234), 0);
    for (size_t i = 4; i < f.len; i++) {
        struct frame t = f;
        int rc;

        if (i >= 9 && i < 12)
            continue; /* reserved bytes: their own reason, below */
        t.data = t.buf + (f.data - f.buf);
        t.data[i] ^= 0x01;
        rc = open_(B, &t, &in, &inlen);
        if (i == 8)
            assert_int_equal(rc, -WIRE_DROP_BAD_EPOCH);
        else if (rc != -WIRE_DROP_AUTH)
            fail_msg("byte %zu flipped: %s", i, wire_drop_name(rc));
    }
    {
        struct frame t = f;

        t.data = t.buf + (f.data - f.buf);
        t.data[10] = 1;
        assert_int_equal(open_(B, &t, &in, &inlen), -WIRE_DROP_BAD_RESERVED);
    }
    /* a forged counter far ahead: refused, and the genuine frame still opens */
    {
        struct frame t = f;

        t.data = t.buf + (f.data - f.buf);
        t.data[12] ^= 0x40;
        assert_int_equal(open_(B, &t, &in, &inlen), -WIRE_DROP_AUTH);
    }
    assert_int_equal(open_(B, &f, &in, &inlen), 0);
}

/* 4. Truncated frames: short of the headers, or of a whole inner Ethernet header. */
static void test_truncated(void **state)
{
    struct frame f;
    uint8_t *in;
    size_t inlen;

    (void)state;
    inner(&f, 60, 6);
    assert_int_equal(seal(A, &f, 9), 0);
    for (size_t n = 0; n < f.len; n++) {
        uint8_t *copy = malloc(n + 1);
        int rc;

        memcpy(copy, f.data, n);
        rc = wire_sec_open(B, copy, n, &in, &inlen);
        if (rc == 0)
            fail_msg("truncated to %zu opened", n);
        if (n < 8)
            assert_int_equal(rc, -WIRE_DROP_SHORT);
        else if (n < 8 + 28)
            assert_int_equal(rc, -WIRE_DROP_SHORT);
        else if (n < 8 + 28 + 14)
            assert_int_equal(rc, -WIRE_DROP_INNER_SHORT);
        else
            assert_int_equal(rc, -WIRE_DROP_AUTH);
        free(copy);
    }
    assert_int_equal(open_(B, &f, &in, &inlen), 0);
}

/* 5. The wrong key (a third party's, or the receiver's own tx key) does not open. */
static void test_wrong_key(void **state)
{
    struct wire_sec *C = wire_sec_new(), *R = wire_sec_new();
    struct frame f;
    uint8_t *in;
    size_t inlen;

    (void)state;
    assert_int_equal(wire_key_set(C, 1, key_c, key_d), 0);
    assert_int_equal(wire_key_set(R, 1, key_b, key_a), 0);
    inner(&f, 80, 7);
    assert_int_equal(seal(C, &f, 1), 0);
    assert_int_equal(open_(R, &f, &in, &inlen), -WIRE_DROP_AUTH);
    /* R's own frame reflected back at it */
    inner(&f, 80, 8);
    assert_int_equal(seal(R, &f, 1), 0);
    assert_int_equal(open_(R, &f, &in, &inlen), -WIRE_DROP_AUTH);
    wire_sec_free(C);
    wire_sec_free(R);
}

/* 6. Keys: none yet -> no_key both ways; tx == rx refused. */
static void test_no_key(void **state)
{
    struct wire_sec *C = wire_sec_new();
    struct frame f;
    uint8_t *in;
    size_t inlen;

    (void)state;
    assert_false(wire_sec_has_key(C));
    inner(&f, 80, 9);
    assert_int_equal(seal(C, &f, 1), -WIRE_DROP_NO_KEY);
    assert_ptr_equal(f.data, f.buf + HEAD);
    assert_int_equal(seal(A, &f, 1), 0);
    assert_int_equal(open_(C, &f, &in, &inlen), -WIRE_DROP_NO_KEY);
    assert_int_equal(wire_key_set(C, 0, key_a, key_a), -EINVAL);
    assert_false(wire_sec_has_key(C));
    wire_sec_free(C);
}

/* 7. Rolling keys: frames of the previous epoch still open after a roll,
 * those of the epoch before that do not; the new epoch starts at counter 0. */
static void test_roll(void **state)
{
    struct wire_sec *S = wire_sec_new(), *R = wire_sec_new();
    struct frame e1, e2, e3;
    uint8_t *in;
    size_t inlen;

    (void)state;
    assert_int_equal(wire_key_set(S, 1, key_a, key_b), 0);
    assert_int_equal(wire_key_set(R, 1, key_b, key_a), 0);
    inner(&e1, 70, 10);
    assert_int_equal(seal(S, &e1, 3), 0);
    assert_int_equal(wire_key_set(S, 2, key_c, key_d), 0);
    assert_int_equal(wire_key_set(R, 2, key_d, key_c), 0);
    assert_int_equal(wire_sec_epoch(S), 2);
    assert_int_equal(wire_sec_tx_counter(S), 0);
    inner(&e2, 70, 11);
    assert_int_equal(seal(S, &e2, 3), 0);
    assert_int_equal(open_(R, &e2, &in, &inlen), 0);
    assert_int_equal(open_(R, &e1, &in, &inlen), 0); /* in flight across the roll */
    assert_int_equal(wire_key_set(S, 3, key_a, key_b), 0);
    assert_int_equal(wire_key_set(R, 3, key_b, key_a), 0);
    inner(&e3, 70, 12);
    assert_int_equal(seal(S, &e3, 3), 0);
    assert_int_equal(open_(R, &e3, &in, &inlen), 0);
    /* epoch 1 is gone from R now (it knows 3 and 2) */
    {
        struct wire_sec *old = wire_sec_new();

        assert_int_equal(wire_key_set(old, 1, key_a, key_b), 0);
        inner(&e1, 70, 13);
        assert_int_equal(seal(old, &e1, 3), 0);
        assert_int_equal(open_(R, &e1, &in, &inlen), -WIRE_DROP_BAD_EPOCH);
        wire_sec_free(old);
    }
    wire_sec_free(S);
    wire_sec_free(R);
}

/* 7b. A key announced for the next epoch opens that epoch's frames before
 * the switch, alongside the current one; installing it keeps its replay
 * window (a frame opened early is a replay afterwards); another key or any
 * other install drops it; the current epoch cannot be announced. */
static void test_rx_next(void **state)
{
    struct wire_sec *S = wire_sec_new(), *N = wire_sec_new(), *R = wire_sec_new();
    struct frame f1, f2, f2b, f3;
    uint8_t *in;
    size_t inlen;

    (void)state;
    assert_int_equal(wire_key_set(S, 1, key_a, key_b), 0);  /* the old sender */
    assert_int_equal(wire_key_set(N, 2, key_c, key_d), 0);  /* the new one, epoch 2 */
    assert_int_equal(wire_key_set(R, 1, key_b, key_a), 0);
    inner(&f2, 60, 1);
    assert_int_equal(seal(N, &f2, 5), 0);
    f2b = f2;
    f2b.data = f2b.buf + (f2.data - f2.buf);
    assert_int_equal(open_(R, &f2, &in, &inlen), -WIRE_DROP_BAD_EPOCH);
    assert_int_equal(wire_key_rx_next(R, 1, key_c), -EINVAL);
    assert_int_equal(wire_key_rx_next(R, 2, key_c), 0);
    f2 = f2b;
    f2.data = f2.buf + (f2b.data - f2b.buf);
    assert_int_equal(open_(R, &f2, &in, &inlen), 0);     /* early: opens */
    inner(&f1, 60, 2);
    assert_int_equal(seal(S, &f1, 5), 0);
    assert_int_equal(open_(R, &f1, &in, &inlen), 0);     /* the current epoch still does */
    assert_int_equal(wire_sec_epoch(R), 1);               /* and R still sends epoch 1 */
    /* the switch: the announced key, its window kept */
    assert_int_equal(wire_key_set(R, 2, key_d, key_c), 0);
    f2 = f2b;
    f2.data = f2.buf + (f2b.data - f2b.buf);
    assert_int_equal(open_(R, &f2, &in, &inlen), -WIRE_DROP_REPLAY);
    inner(&f3, 60, 3);
    assert_int_equal(seal(N, &f3, 5), 0);
    assert_int_equal(open_(R, &f3, &in, &inlen), 0);
    /* announced, then another key installed for that epoch: a fresh key, not the announced one */
    assert_int_equal(wire_key_rx_next(R, 3, key_a), 0);
    assert_int_equal(wire_key_set(R, 3, key_b, key_c), 0);
    {
        struct wire_sec *T = wire_sec_new();

        assert_int_equal(wire_key_set(T, 3, key_a, key_d), 0);
        inner(&f3, 60, 4);
        assert_int_equal(seal(T, &f3, 5), 0);
        assert_int_equal(open_(R, &f3, &in, &inlen), -WIRE_DROP_AUTH);
        wire_sec_free(T);
    }
    wire_sec_free(S);
    wire_sec_free(N);
    wire_sec_free(R);
}

/* 8. A sender stops before its counter could wrap. */
static void test_counter_limit(void **state)
{
    struct wire_sec *S = wire_sec_new();
    struct frame f;

    (void)state;
    assert_int_equal(wire_key_set(S, 0, key_a, key_b), 0);
    wire_sec_set_tx_counter(S, WIRE_SEC_COUNTER_MAX - 1);
    inner(&f, 40, 14);
    assert_int_equal(seal(S, &f, 1), 0);
    inner(&f, 40, 14);
    assert_int_equal(seal(S, &f, 1), -WIRE_DROP_COUNTER_LIMIT);
    wire_sec_free(S);
}

/* 9. No room for the headers or the tag: refused, nothing written. */
static void test_no_room(void **state)
{
    struct frame f;

    (void)state;
    inner(&f, 40, 15);
    assert_int_equal(wire_sec_seal(A, 1, &f.data, &f.len, 19, 100), -WIRE_DROP_OVERSIZE);
    assert_int_equal(wire_sec_seal(A, 1, &f.data, &f.len, 100, 15), -WIRE_DROP_OVERSIZE);
    assert_ptr_equal(f.data, f.buf + HEAD);
    assert_int_equal(f.len, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_replay),
        cmocka_unit_test(test_forged),     cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_wrong_key),  cmocka_unit_test(test_no_key),
        cmocka_unit_test(test_roll),       cmocka_unit_test(test_rx_next),
        cmocka_unit_test(test_counter_limit),
        cmocka_unit_test(test_no_room),
    };

    return cmocka_run_group_tests_name("wire_secure", tests, setup, teardown);
}
