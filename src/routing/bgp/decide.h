/*
 * decide.h - the BGP decision process (RFC 4271 9.1.2, 9.1.2.2 with the
 * route reflection rules of RFC 4456 9): which of the paths to one prefix
 * is best. The IGP metric to a next hop (and whether it resolves at all)
 * comes from a callback, so the RIB stays the caller's.
 *
 * The steps, in order, each keeping only the paths that are best by it:
 *   0. the next hop resolves (9.1.2.1);
 *   1. highest degree of preference: LOCAL_PREF, or the default for paths
 *      without one (9.1.1);
 *   a. shortest AS path (AS_SET counts 1, confederation segments 0);
 *   b. lowest ORIGIN;
 *   c. among paths from the same neighbour AS, lowest MED (missing: 0, or
 *      worst when configured); a set-wide step, since MED is not transitive;
 *   d. eBGP over iBGP;
 *   e. lowest IGP metric to the next hop;
 *   f. lowest BGP identifier, the ORIGINATOR_ID standing in for it;
 *   RFC 4456 9: shortest CLUSTER_LIST;
 *   g. lowest peer address.
 * Elimination over the array, no recursion; 5 bytes of scratch per path
 * (allocated per call).
 */
#ifndef VROOM_ROUTING_BGP_DECIDE_H
#define VROOM_ROUTING_BGP_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/bgp/attr.h"

/* One candidate path to a prefix. */
struct bgp_path {
    const struct bgp_attrs *a;
    bool ebgp;             /* learned from an external peer */
    uint32_t peer_id;      /* the peer's BGP identifier */
    uint8_t peer_addr[16]; /* the peer's address (IPv4 in the first 4 bytes) */
    uint8_t peer_addr_len; /* 4 or 16 */
};

#define BGP_UNREACHABLE UINT32_MAX /* an igp_metric() answer: the next hop does not resolve */

struct bgp_decide_cfg {
    uint32_t default_local_pref; /* 100 if 0 */
    bool med_missing_worst;      /* a missing MED is the worst, not 0 */
    bool always_compare_med;     /* compare MED across neighbour ASes */
    /* IGP metric to the next hop; NULL: every next hop resolves with metric 0 */
    uint32_t (*igp_metric)(void *ctx, const uint8_t *nh, uint8_t nh_len);
    void *ctx;
};

/* Steps, for why a path won (bgp_decide_step_name()). */
enum bgp_step {
    BGP_STEP_ONLY = 0, /* a single candidate */
    BGP_STEP_NEXTHOP,
    BGP_STEP_LOCAL_PREF,
    BGP_STEP_AS_PATH,
    BGP_STEP_ORIGIN,
    BGP_STEP_MED,
    BGP_STEP_EBGP,
    BGP_STEP_IGP,
    BGP_STEP_ROUTER_ID,
    BGP_STEP_CLUSTER_LIST,
    BGP_STEP_PEER_ADDR,
};

const char *bgp_decide_step_name(int step);

/*
 * The index of the best of paths[0..n), or -1 when none has a resolvable
 * next hop (or n is 0). *step (optional): the step that left one path.
 */
int bgp_decide(const struct bgp_path *paths, size_t n, const struct bgp_decide_cfg *cfg, int *step);

#endif
