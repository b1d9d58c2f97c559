/*
 * counters.h - what the data plane counts, per port, VR and interface:
 * packets through and every drop by its reason. Names are stable: they
 * appear in the API (counters.get) and in vroomctl.
 */
#ifndef VROOM_DP_COUNTERS_H
#define VROOM_DP_COUNTERS_H

#include <stdint.h>

#define DP_COUNTERS(X)                                                                             \
    X(RX_PACKETS, "rx_packets")                                                                    \
    X(RX_BYTES, "rx_bytes")                                                                        \
    X(TX_PACKETS, "tx_packets")                                                                    \
    X(TX_BYTES, "tx_bytes")                                                                        \
    X(FORWARDED, "forwarded")                                                                      \
    X(PUNTED, "punted")                                                                            \
    X(INJECTED, "injected")                                                                        \
    X(ICMP_SENT, "icmp_errors_sent")                                                               \
    X(ICMP_RATELIMITED, "icmp_errors_ratelimited")                                                 \
    X(NEIGH_REQUESTS, "neigh_requests_sent")                                                       \
    X(NEIGH_LEARNED, "neigh_learned")                                                              \
    X(FRAGMENTS, "fragments_sent")                                                                 \
    X(CSUM_COMPLETED, "checksums_completed")                                                       \
    /* drops: everything from here on */                                                           \
    X(DROP_NOT_FOR_US, "drop_not_for_us")                                                          \
    X(DROP_VLAN, "drop_vlan")                                                                      \
    X(DROP_ETHERTYPE, "drop_ethertype")                                                            \
    X(DROP_MALFORMED, "drop_malformed")                                                            \
    X(DROP_MARTIAN_SRC, "drop_martian_src")                                                        \
    X(DROP_MARTIAN_DST, "drop_martian_dst")                                                        \
    X(DROP_TTL, "drop_ttl_exceeded")                                                               \
    X(DROP_NO_ROUTE, "drop_no_route")                                                              \
    X(DROP_BLACKHOLE, "drop_blackhole")                                                            \
    X(DROP_UNREACHABLE, "drop_unreachable")                                                        \
    X(DROP_PROHIBITED, "drop_prohibited")                                                          \
    X(DROP_ACL_IN, "drop_acl_in")                                                                  \
    X(DROP_ACL_OUT, "drop_acl_out")                                                                \
    X(DROP_MTU, "drop_mtu_exceeded")                                                               \
    X(DROP_NEIGH_QUEUE, "drop_neigh_queue_full")                                                   \
    X(DROP_NEIGH_FAILED, "drop_neigh_unresolved")                                                  \
    X(DROP_UNBOUND, "drop_iface_unbound")                                                          \
    X(DROP_NO_CONTAINER, "drop_no_container")                                                      \
    X(DROP_MULTICAST, "drop_multicast")                                                            \
    X(DROP_NOBUF, "drop_no_buffer")                                                                \
    X(DROP_FRAG, "drop_fragmentation")                                                             \
    X(DROP_TX, "drop_tx_error")

enum dp_counter {
#define DP_COUNTER_ENUM(id, name) DP_##id,
    DP_COUNTERS(DP_COUNTER_ENUM)
#undef DP_COUNTER_ENUM
        DP_COUNTER_MAX,
    DP_DROP_FIRST = DP_DROP_NOT_FOR_US,
};

#define DP_PARSE_REASONS_MAX 48 /* malformed frames, by the parser's reason (pkt.h) */

struct counters {
    uint64_t c[DP_COUNTER_MAX];
    uint64_t malformed[DP_PARSE_REASONS_MAX];
};

const char *dp_counter_name(enum dp_counter c);

static inline void counters_add(struct counters *a, const struct counters *b)
{
    for (int i = 0; i < DP_COUNTER_MAX; i++)
        a->c[i] += b->c[i];
    for (int i = 0; i < DP_PARSE_REASONS_MAX; i++)
        a->malformed[i] += b->malformed[i];
}

#endif
