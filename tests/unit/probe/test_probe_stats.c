/*
 * test_probe_stats.c - vroom-probe's figures (src/probe/probe_stats.c) on
 * crafted sequences with known answers, and on random ones against a naive
 * model (a plain array of seen flags and a sorted list of delays).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/probe_stats.h"

#define MS 1000000ULL

/* Record seq sent at seq ms, arriving at seq ms + 1 ms (evenly spaced, 1 ms delay). */
static void rec_even(struct probe_stats *st, uint64_t seq)
{
    assert_int_equal(probe_stats_record(st, seq, seq * MS, seq * MS + MS), 0);
}

/* 1. Check an empty run: nothing received, sender count known or not. */
static void test01_empty(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;

    (void)state;
    assert_non_null(st);
    probe_stats_finish(st, PROBE_SENT_UNKNOWN, &r);
    assert_false(r.sent_known);
    assert_int_equal(r.received, 0);
    assert_int_equal(r.lost, 0);
    assert_false(r.have_delay);
    assert_int_equal(r.max_outage_ns, 0);
    probe_stats_finish(st, 10, &r);
    assert_true(r.sent_known);
    assert_int_equal(r.sent, 10);
    assert_int_equal(r.lost, 10);
    probe_stats_free(st);
    probe_stats_free(NULL);
}

/* 2. Check a clean run: no loss, duplicates or reordering; outage = spacing. */
static void test02_clean(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    uint64_t i;

    (void)state;
    for (i = 0; i < 1000; i++)
        rec_even(st, i);
    probe_stats_finish(st, 1000, &r);
    assert_int_equal(r.received, 1000);
    assert_int_equal(r.lost, 0);
    assert_int_equal(r.duplicated, 0);
    assert_int_equal(r.reordered, 0);
    assert_int_equal(r.max_outage_ns, MS);
    assert_int_equal(r.delay_max_ns, MS);
    assert_int_equal(r.first_recv_ns, MS);
    assert_int_equal(r.last_recv_ns, 1000 * MS);
    probe_stats_free(st);
}

/* 3. Check loss and the outage it makes: seqs 10..19 and 50 missing. */
static void test03_loss_outage(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    uint64_t i;

    (void)state;
    for (i = 0; i < 100; i++)
        if ((i < 10 || i > 19) && i != 50)
            rec_even(st, i);
    probe_stats_finish(st, 100, &r);
    assert_int_equal(r.received, 89);
    assert_int_equal(r.lost, 11);
    /* 9 arrives at 10 ms, 20 at 21 ms: 11 ms with nothing. */
    assert_int_equal(r.max_outage_ns, 11 * MS);
    probe_stats_free(st);
}

/* 4. Check duplicates: counted once as received, never as reordered or in delay. */
static void test04_duplicates(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;

    (void)state;
    rec_even(st, 0);
    rec_even(st, 1);
    /* A late copy of 0 with a huge delay must not touch delay or reordering. */
    assert_int_equal(probe_stats_record(st, 0, 0, 500 * MS), 0);
    assert_int_equal(probe_stats_record(st, 1, 0, 500 * MS), 0);
    rec_even(st, 2);
    rec_even(st, 2);
    probe_stats_finish(st, 3, &r);
    assert_int_equal(r.received, 3);
    assert_int_equal(r.duplicated, 3);
    assert_int_equal(r.reordered, 0);
    assert_int_equal(r.lost, 0);
    assert_int_equal(r.delay_max_ns, MS);
    probe_stats_free(st);
}

/* 5. Check reordering: a packet arriving after a higher seq counts once. */
static void test05_reordering(void **state)
{
    static const uint64_t order[] = {0, 1, 3, 2, 4, 7, 5, 6, 8};
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        assert_int_equal(probe_stats_record(st, order[i], 0, (i + 1) * MS), 0);
    probe_stats_finish(st, 9, &r);
    assert_int_equal(r.received, 9);
    assert_int_equal(r.reordered, 3); /* 2, 5 and 6 */
    assert_int_equal(r.lost, 0);
    assert_int_equal(r.highest_seq, 8);
    probe_stats_free(st);
}

/* 6. Check the first packets lost and the sender count unknown: lost is a lower bound. */
static void test06_first_lost_count_unknown(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    uint64_t i;

    (void)state;
    for (i = 100; i < 150; i++)
        rec_even(st, i);
    probe_stats_finish(st, PROBE_SENT_UNKNOWN, &r);
    assert_false(r.sent_known);
    assert_int_equal(r.received, 50);
    assert_int_equal(r.lost, 100); /* 0..99, tail losses unknowable */
    assert_int_equal(r.reordered, 0);
    /* Outage counts from the first packet received, not from seq 0. */
    assert_int_equal(r.max_outage_ns, MS);
    probe_stats_finish(st, 200, &r);
    assert_int_equal(r.lost, 150);
    probe_stats_free(st);
}

/* 7. Check that lost never goes below 0 when more arrive than the END count says. */
static void test07_lost_not_negative(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    uint64_t i;

    (void)state;
    for (i = 0; i < 10; i++)
        rec_even(st, i);
    probe_stats_finish(st, 5, &r);
    assert_int_equal(r.lost, 0);
    probe_stats_free(st);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static uint64_t exact_rank(const uint64_t *sorted, size_t n, double p)
{
    size_t rank = (size_t)((p / 100.0) * (double)n);

    if ((double)rank < p / 100.0 * (double)n)
        rank++;
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

static void assert_close(uint64_t got, uint64_t want)
{
    double err = got > want ? (double)(got - want) : (double)(want - got);

    /* Under 1% relative error, as the header promises (in fact under 0.4%). */
    if (err > 0.01 * (double)want + 0.5)
        fail_msg("percentile %llu vs exact %llu", (unsigned long long)got,
                 (unsigned long long)want);
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* 8. Check p50/p99 against an exact sort on spread-out delays; max exact. */
static void test08_percentiles(void **state)
{
    enum { N = 20000 };
    uint64_t *d = malloc(N * sizeof(*d)), seed = 1;
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    size_t i;

    (void)state;
    assert_non_null(d);
    for (i = 0; i < N; i++) {
        /* Log-spread from ~1 us to ~1 s so many buckets are in play. */
        d[i] = (uint64_t)1000 << (lcg(&seed) % 20);
        d[i] += lcg(&seed) % d[i];
        assert_int_equal(probe_stats_record(st, i, 1000, 1000 + d[i]), 0);
    }
    probe_stats_finish(st, N, &r);
    qsort(d, N, sizeof(*d), cmp_u64);
    assert_close(r.delay_p50_ns, exact_rank(d, N, 50));
    assert_close(r.delay_p99_ns, exact_rank(d, N, 99));
    assert_int_equal(r.delay_max_ns, d[N - 1]);
    free(d);
    probe_stats_free(st);
}

/* 9. Check small delays (below 128 ns) are exact, and a negative delay is clamped to 0. */
static void test09_small_and_negative_delay(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;
    uint64_t i;

    (void)state;
    for (i = 0; i < 100; i++)
        assert_int_equal(probe_stats_record(st, i, 1000, 1000 + i), 0);
    probe_stats_finish(st, 100, &r);
    assert_int_equal(r.delay_p50_ns, 49);
    assert_int_equal(r.delay_p99_ns, 98);
    assert_int_equal(r.delay_max_ns, 99);
    probe_stats_free(st);

    st = probe_stats_new();
    assert_int_equal(probe_stats_record(st, 0, 5000, 1000), 0);
    probe_stats_finish(st, 1, &r);
    assert_int_equal(r.delay_max_ns, 0);
    assert_int_equal(r.delay_p50_ns, 0);
    probe_stats_free(st);
}

/* 10. Check huge seq jumps up to UINT64_MAX: sane counts, bounded memory, no overflow. */
static void test10_huge_gaps(void **state)
{
    struct probe_stats *st = probe_stats_new();
    struct probe_result r;

    (void)state;
    rec_even(st, 0);
    assert_int_equal(probe_stats_record(st, UINT64_C(1) << 40, 0, 2 * MS), 0);
    assert_int_equal(probe_stats_record(st, UINT64_C(1) << 63, 0, 3 * MS), 0);
    assert_int_equal(probe_stats_record(st, UINT64_MAX, 0, 4 * MS), 0);
    assert_int_equal(probe_stats_record(st, UINT64_MAX, 0, 5 * MS), 0);
    assert_int_equal(probe_stats_record(st, UINT64_MAX - 1, 0, 6 * MS), 0);
    /* Far below the window now: counted, but cannot be checked for duplicates. */
    assert_int_equal(probe_stats_record(st, 1, 0, 7 * MS), 0);
    probe_stats_finish(st, PROBE_SENT_UNKNOWN, &r);
    assert_int_equal(r.received, 6);
    assert_int_equal(r.duplicated, 1);
    assert_int_equal(r.reordered, 2);
    assert_int_equal(r.untracked, 1);
    assert_true(r.highest_seq == UINT64_MAX);
    assert_true(r.lost == UINT64_MAX - 6);
    probe_stats_free(st);
}

/* 11. Check the sliding window: recent duplicates still found, older ones untracked. */
static void test11_sliding_window(void **state)
{
    struct probe_stats *st = probe_stats_new_window(128);
    struct probe_result r;
    uint64_t i;

    (void)state;
    assert_non_null(st);
    for (i = 0; i < 1000; i++)
        rec_even(st, i);
    rec_even(st, 990); /* within the window: a duplicate */
    rec_even(st, 5);   /* long gone: untracked */
    probe_stats_finish(st, 1000, &r);
    assert_int_equal(r.duplicated, 1);
    assert_int_equal(r.untracked, 1);
    assert_int_equal(r.received, 1001);
    assert_int_equal(r.reordered, 1);
    probe_stats_free(st);
}

/*
 * 12. Check random runs (loss, duplicates, local reordering) against a naive
 * model: a flag per seq and a running maximum.
 */
static void test12_random_vs_model(void **state)
{
    enum { N = 50000 };
    uint64_t seed = 7;
    int round;

    (void)state;
    for (round = 0; round < 5; round++) {
        struct probe_stats *st = probe_stats_new_window(round % 2 ? 1 << 20 : 4096);
        unsigned char *seen = calloc(N, 1);
        uint64_t recv = 0, dup = 0, reord = 0, highest = 0, t = 0;
        int any = 0;
        struct probe_result r;
        size_t i;

        assert_non_null(seen);
        for (i = 0; i < N; i++) {
            uint64_t seq = i, roll = lcg(&seed) % 100;

            if (roll < 5)
                continue; /* lost */
            if (roll < 10 && i >= 20)
                seq = i - lcg(&seed) % 20; /* late: a duplicate or reordered */
            t += 1 + lcg(&seed) % 3;
            assert_int_equal(probe_stats_record(st, seq, 0, t), 0);
            if (seen[seq]) {
                dup++;
                continue;
            }
            seen[seq] = 1;
            recv++;
            if (any && seq < highest)
                reord++;
            if (!any || seq > highest)
                highest = seq;
            any = 1;
        }
        probe_stats_finish(st, N, &r);
        assert_int_equal(r.received, recv);
        assert_int_equal(r.duplicated, dup);
        assert_int_equal(r.reordered, reord);
        assert_int_equal(r.lost, N - recv);
        assert_int_equal(r.untracked, 0);
        free(seen);
        probe_stats_free(st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_empty),
        cmocka_unit_test(test02_clean),
        cmocka_unit_test(test03_loss_outage),
        cmocka_unit_test(test04_duplicates),
        cmocka_unit_test(test05_reordering),
        cmocka_unit_test(test06_first_lost_count_unknown),
        cmocka_unit_test(test07_lost_not_negative),
        cmocka_unit_test(test08_percentiles),
        cmocka_unit_test(test09_small_and_negative_delay),
        cmocka_unit_test(test10_huge_gaps),
        cmocka_unit_test(test11_sliding_window),
        cmocka_unit_test(test12_random_vs_model),
    };

    return cmocka_run_group_tests_name("probe_stats", tests, NULL, NULL);
}
