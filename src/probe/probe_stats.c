/*
 * probe_stats.c - loss, duplicates, reordering, outage and delay figures for
 * vroom-probe. See probe_stats.h for the definitions of each figure.
 */
#include "probe/probe_stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Log-linear histogram: values below 2^SUB_BITS get a bucket each; above,
 * each power of two [2^e, 2^(e+1)) is cut into 2^SUB_BITS equal buckets.
 */
#define SUB_BITS  7
#define SUB_COUNT (1u << SUB_BITS)
#define NBUCKETS  (SUB_COUNT + (64 - SUB_BITS) * SUB_COUNT)

struct probe_stats {
    uint64_t *bits;   /* bit i of word w is seq base + 64 * w + i */
    size_t nwords;    /* current bitmap size */
    size_t max_words; /* window: beyond this the bitmap slides */
    uint64_t base;    /* lowest seq the bitmap covers, a multiple of 64 */
    bool any;         /* at least one first copy recorded */
    uint64_t highest; /* highest seq seen (first copies) */
    uint64_t received, duplicated, reordered, untracked;
    uint64_t first_recv, last_recv, max_gap;
    uint64_t delay_max;
    uint64_t hist[NBUCKETS];
};

static unsigned hist_index(uint64_t v)
{
    unsigned e;

    if (v < SUB_COUNT)
        return (unsigned)v;
    e = 63 - (unsigned)__builtin_clzll(v); /* >= SUB_BITS */
    return SUB_COUNT + (e - SUB_BITS) * SUB_COUNT + (unsigned)((v >> (e - SUB_BITS)) - SUB_COUNT);
}

/* The midpoint of bucket i, the value percentiles answer with. */
static uint64_t hist_value(unsigned i)
{
    unsigned k, e;
    uint64_t lo, width;

    if (i < SUB_COUNT)
        return i;
    k = i - SUB_COUNT;
    e = k / SUB_COUNT + SUB_BITS;
    lo = (uint64_t)(SUB_COUNT + k % SUB_COUNT) << (e - SUB_BITS);
    width = UINT64_C(1) << (e - SUB_BITS);
    return lo + (width - 1) / 2;
}

struct probe_stats *probe_stats_new_window(uint64_t window_seqs)
{
    struct probe_stats *st = calloc(1, sizeof(*st));
    uint64_t words = (window_seqs + 63) / 64;

    if (st == NULL)
        return NULL;
    st->max_words = words == 0 ? 1 : words > SIZE_MAX / 8 ? SIZE_MAX / 8 : (size_t)words;
    return st;
}

struct probe_stats *probe_stats_new(void)
{
    return probe_stats_new_window(PROBE_STATS_DEFAULT_WINDOW);
}

void probe_stats_free(struct probe_stats *st)
{
    if (st == NULL)
        return;
    free(st->bits);
    free(st);
}

static int bitmap_resize(struct probe_stats *st, size_t n)
{
    uint64_t *nb = realloc(st->bits, n * sizeof(*nb));

    if (nb == NULL)
        return -ENOMEM;
    memset(nb + st->nwords, 0, (n - st->nwords) * sizeof(*nb));
    st->bits = nb;
    st->nwords = n;
    return 0;
}

/*
 * Mark seq as seen. Returns 1 if it is new, 0 if it was seen before, -1 if it
 * lies below the window (unknown), -ENOMEM if the bitmap could not grow.
 */
static int bitmap_mark(struct probe_stats *st, uint64_t seq)
{
    uint64_t w, bit;

    if (seq < st->base)
        return -1;
    w = (seq - st->base) / 64;
    if (w >= st->nwords) {
        if (w < st->max_words) {
            /* Grow by doubling so a steady stream reallocates O(log n) times. */
            size_t n = st->nwords ? st->nwords : 16;
            while (n <= w)
                n *= 2;
            if (n > st->max_words)
                n = st->max_words;
            if (bitmap_resize(st, n) < 0)
                return -ENOMEM;
        } else {
            /*
             * Past the window: slide so seq lands three quarters in, which
             * keeps recent history for late duplicates and makes slides rare.
             */
            uint64_t shift;

            if (st->nwords < st->max_words && bitmap_resize(st, st->max_words) < 0)
                return -ENOMEM;
            shift = w - (st->nwords * 3 / 4);
            if (shift >= st->nwords) {
                memset(st->bits, 0, st->nwords * sizeof(*st->bits));
            } else {
                memmove(st->bits, st->bits + shift, (st->nwords - shift) * sizeof(*st->bits));
                memset(st->bits + (st->nwords - shift), 0, shift * sizeof(*st->bits));
            }
            st->base += shift * 64;
            w -= shift;
        }
    }
    bit = UINT64_C(1) << ((seq - st->base) % 64);
    if (st->bits[w] & bit)
        return 0;
    st->bits[w] |= bit;
    return 1;
}

int probe_stats_record(struct probe_stats *st, uint64_t seq, uint64_t send_ns, uint64_t recv_ns)
{
    int fresh = bitmap_mark(st, seq);
    uint64_t delay;
    int ret = 0;

    if (fresh == 0) {
        st->duplicated++;
        return 0;
    }
    if (fresh < 0) {
        /* Cannot tell whether it is a duplicate: count it once, and say so. */
        st->untracked++;
        if (fresh == -ENOMEM)
            ret = -ENOMEM;
    }
    st->received++;
    if (!st->any) {
        st->any = true;
        st->highest = seq;
        st->first_recv = recv_ns;
    } else {
        if (seq < st->highest)
            st->reordered++;
        else
            st->highest = seq;
        if (recv_ns > st->last_recv && recv_ns - st->last_recv > st->max_gap)
            st->max_gap = recv_ns - st->last_recv;
    }
    /* Kernel stamps of reordered datagrams may step back a little: keep the latest. */
    if (recv_ns > st->last_recv)
        st->last_recv = recv_ns;

    delay = recv_ns > send_ns ? recv_ns - send_ns : 0;
    st->hist[hist_index(delay)]++;
    if (delay > st->delay_max)
        st->delay_max = delay;
    return ret;
}

/* Nearest-rank percentile p (0 < p <= 100) over n samples. */
static uint64_t hist_percentile(const struct probe_stats *st, double p, uint64_t n)
{
    uint64_t rank = (uint64_t)(p / 100.0 * (double)n);
    uint64_t seen = 0, v;
    unsigned i;

    if ((double)rank < p / 100.0 * (double)n)
        rank++;
    if (rank == 0)
        rank = 1;
    for (i = 0; i < NBUCKETS; i++) {
        seen += st->hist[i];
        if (seen >= rank)
            break;
    }
    if (i == NBUCKETS)
        return st->delay_max;
    v = hist_value(i);
    return v > st->delay_max ? st->delay_max : v;
}

void probe_stats_finish(const struct probe_stats *st, uint64_t sent_total, struct probe_result *out)
{
    memset(out, 0, sizeof(*out));
    out->received = st->received;
    out->duplicated = st->duplicated;
    out->reordered = st->reordered;
    out->untracked = st->untracked;
    out->highest_seq = st->highest;
    out->first_recv_ns = st->first_recv;
    out->last_recv_ns = st->last_recv;
    out->max_outage_ns = st->max_gap;
    if (sent_total != PROBE_SENT_UNKNOWN) {
        out->sent_known = true;
        out->sent = sent_total;
        out->lost = sent_total > st->received ? sent_total - st->received : 0;
    } else if (st->any) {
        /* Saturate rather than wrap if the highest seq is UINT64_MAX. */
        uint64_t span = st->highest == UINT64_MAX ? UINT64_MAX : st->highest + 1;
        out->lost = span > st->received ? span - st->received : 0;
    }
    if (st->any) {
        out->have_delay = true;
        out->delay_p50_ns = hist_percentile(st, 50.0, st->received);
        out->delay_p99_ns = hist_percentile(st, 99.0, st->received);
        out->delay_max_ns = st->delay_max;
    }
}
