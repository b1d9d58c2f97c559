/*
 * probe_stats.h - the figures vroom-probe reports, computed from a stream of
 * (seq, send time, receive time) records. Pure: no I/O, no clock, so the unit
 * tests can feed it crafted sequences (tests/unit/probe/).
 *
 * Definitions (docs/probe.md says the same for users):
 * - received: distinct sequence numbers seen (the first copy of each).
 * - duplicated: further copies of a sequence number already seen.
 * - reordered: a first copy whose seq is lower than the highest seq seen
 *   before it (it "arrived after a higher sequence number").
 * - lost: sent - received when the sender's count is known (never below 0);
 *   otherwise a lower bound, (highest seq seen + 1) - received.
 * - max outage: the longest time between the arrivals of two consecutive
 *   received (first-copy) packets, counting from the first one received.
 *   Time before the first arrival and after the last is not an outage here
 *   (packets lost there show up in "lost").
 * - delay: receive time - send time of each first copy, negative values
 *   clamped to 0. Percentiles (nearest rank) come from a log-linear
 *   histogram, 128 sub-buckets per power of two, answering with the bucket's
 *   midpoint: relative error below 0.4% (exact below 128 ns); max is exact.
 *
 * Duplicates are found with a bitmap over sequence numbers that grows as the
 * highest seq grows, up to a window (default 2^27 seqs, 16 MiB); past that
 * the window slides forward, so a huge jump in seq costs no memory. A seq
 * below the window cannot be checked: it counts as received, reordered and
 * "untracked".
 */
#ifndef VROOM_PROBE_STATS_H
#define VROOM_PROBE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define PROBE_SENT_UNKNOWN         UINT64_MAX
#define PROBE_STATS_DEFAULT_WINDOW (UINT64_C(1) << 27)

struct probe_stats;

struct probe_result {
    bool sent_known;   /* the sender's END count arrived */
    uint64_t sent;     /* valid when sent_known */
    uint64_t received; /* distinct seqs */
    uint64_t lost;     /* see above; a lower bound when !sent_known */
    uint64_t duplicated;
    uint64_t reordered;
    uint64_t untracked;                   /* arrived below the duplicate window (see above) */
    uint64_t highest_seq;                 /* valid when received > 0 */
    uint64_t first_recv_ns, last_recv_ns; /* arrival of the first and last first copy */
    uint64_t max_outage_ns;
    bool have_delay; /* received > 0 */
    uint64_t delay_p50_ns, delay_p99_ns, delay_max_ns;
};

/* A new, empty collector with the default window. NULL when out of memory. */
struct probe_stats *probe_stats_new(void);

/* The same with a duplicate window of at least window_seqs (rounded up to 64). */
struct probe_stats *probe_stats_new_window(uint64_t window_seqs);

/*
 * One datagram of the run, in arrival order (a recv_ns a little earlier than
 * the latest, as kernel stamps of reordered datagrams can be, is tolerated).
 * Returns 0, or -ENOMEM if the bitmap could not grow (the packet is still
 * counted; only its duplicate check is lost: it counts as untracked).
 */
int probe_stats_record(struct probe_stats *st, uint64_t seq, uint64_t send_ns, uint64_t recv_ns);

/*
 * Fill *out from everything recorded so far. sent_total is the sender's count
 * from its END packet, or PROBE_SENT_UNKNOWN. May be called more than once.
 */
void probe_stats_finish(const struct probe_stats *st, uint64_t sent_total,
                        struct probe_result *out);

/* Free st; probe_stats_free(NULL) does nothing. */
void probe_stats_free(struct probe_stats *st);

#endif
