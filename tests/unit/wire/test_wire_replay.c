/*
 * test_wire_replay.c - the replay window (wire_replay_check/update) against
 * a deliberately naive model: a set of every counter ever accepted and the
 * highest one; a counter passes if it is new and not more than the window
 * below the highest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "wire/wire_secure.h"

#define MODEL_MAX 200000

struct model {
    uint8_t *seen; /* counters below MODEL_MAX */
    uint64_t top;  /* highest accepted + 1; 0 none */
};

static bool model_accepts(const struct model *m, uint64_t c)
{
    if (c + 1 + WIRE_REPLAY_WINDOW < m->top)
        return false;
    return !m->seen[c];
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* 1. An empty window accepts anything below the limit once, in any order. */
static void test_basics(void **state)
{
    struct wire_replay r;

    (void)state;
    memset(&r, 0, sizeof(r));
    assert_true(wire_replay_check(&r, 0));
    assert_true(wire_replay_update(&r, 0));
    assert_false(wire_replay_check(&r, 0));
    assert_false(wire_replay_update(&r, 0));
    assert_true(wire_replay_update(&r, 5));
    assert_true(wire_replay_update(&r, 3));
    assert_false(wire_replay_update(&r, 3));
    assert_true(wire_replay_update(&r, WIRE_REPLAY_WINDOW + 4));
    assert_true(wire_replay_check(&r, 4));  /* exactly at the window's edge */
    assert_false(wire_replay_check(&r, 3)); /* seen, and just out of it */
    assert_false(wire_replay_check(&r, 1)); /* too old */
    assert_false(wire_replay_check(&r, WIRE_SEC_COUNTER_MAX));
    assert_false(wire_replay_check(&r, UINT64_MAX));
    assert_true(wire_replay_check(&r, WIRE_SEC_COUNTER_MAX - 1));
}

/* 2. Random sequences (mostly forward, some reordering, some replays, some
 * big jumps) agree with the model at every step. */
static void test_against_model(void **state)
{
    struct model m = {.seen = calloc(MODEL_MAX, 1)};
    struct wire_replay r;

    (void)state;
    assert_non_null(m.seen);
    memset(&r, 0, sizeof(r));
    for (int round = 0; round < 400000; round++) {
        uint64_t c, k = rnd() % 100;
        bool want, got;

        if (k < 60)
            c = m.top + rnd() % 8; /* the usual: next few */
        else if (k < 85)
            c = m.top > 0 ? m.top - 1 - rnd() % (m.top < 2100 ? m.top : 2100) : 0; /* late */
        else if (k < 99)
            c = m.top > 64 ? m.top - 1 - rnd() % 64 : m.top; /* replays and recent */
        else
            c = m.top + rnd() % 3000; /* a jump */
        if (c >= MODEL_MAX - 4000)
            break;
        want = model_accepts(&m, c);
        if (wire_replay_check(&r, c) != want)
            fail_msg("round %d: check(%llu) with top %llu: want %d", round, (unsigned long long)c,
                     (unsigned long long)m.top, want);
        got = wire_replay_update(&r, c);
        assert_int_equal(got, want);
        if (want) {
            m.seen[c] = 1;
            if (c + 1 > m.top)
                m.top = c + 1;
        }
    }
    free(m.seen);
}

/* 3. A jump further than the whole bitmap forgets everything below the window. */
static void test_big_jump(void **state)
{
    struct wire_replay r;

    (void)state;
    memset(&r, 0, sizeof(r));
    for (uint64_t c = 0; c < 100; c++)
        assert_true(wire_replay_update(&r, c));
    assert_true(wire_replay_update(&r, 1000000));
    for (uint64_t c = 1000000 - WIRE_REPLAY_WINDOW; c < 1000000; c++)
        assert_true(wire_replay_check(&r, c));
    assert_false(wire_replay_check(&r, 1000000 - WIRE_REPLAY_WINDOW - 1));
    assert_false(wire_replay_check(&r, 50));
    assert_false(wire_replay_check(&r, 1000000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basics),
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_big_jump),
    };

    return cmocka_run_group_tests_name("wire_replay", tests, NULL, NULL);
}
