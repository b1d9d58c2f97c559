/*
 * fuzz_probe_pkt.c - libFuzzer harness for the vroom-probe header parser
 * (src/probe/probe_pkt.c). Every input is parsed as a datagram, with and
 * without a run id to match; whatever parses must encode back to the same
 * 32 header bytes (reserved bytes aside), and must feed the statistics
 * without trouble.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_pkt.h"
#include "probe/probe_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe_hdr h, h2;
    uint8_t buf[PROBE_HDR_LEN];
    uint8_t *copy;
    enum probe_pkt_status st;

    /* An exact-size heap copy, so ASan catches any read past the datagram. */
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);

    st = probe_pkt_parse(copy, size, 0, &h);
    if (st == PROBE_PKT_OK) {
        struct probe_stats *stats;
        struct probe_result r;

        if (probe_pkt_encode(buf, sizeof(buf), &h) != 0)
            abort();
        if (memcmp(buf, copy, 6) != 0 || memcmp(buf + 8, copy + 8, PROBE_HDR_LEN - 8) != 0)
            abort();
        /* Matching its own run id must succeed, any other must not. */
        if (probe_pkt_parse(copy, size, h.run_id, &h2) != PROBE_PKT_OK ||
            probe_pkt_parse(copy, size, h.run_id + 1 ? h.run_id + 1 : 1, &h2) !=
                PROBE_PKT_OTHER_RUN)
            abort();
        stats = probe_stats_new_window(4096); /* small: keep each run cheap */
        if (stats != NULL) {
            probe_stats_record(stats, h.seq, h.send_ns, h.send_ns + h.seq);
            probe_stats_record(stats, h.seq ^ h.run_id, h.send_ns, h.send_ns);
            probe_stats_finish(stats, h.flags & PROBE_FLAG_END ? h.seq : PROBE_SENT_UNKNOWN, &r);
            probe_stats_free(stats);
        }
    } else if (probe_pkt_strerror(st) == NULL) {
        abort();
    }
    free(copy);
    return 0;
}
