/*
 * decide.c - the BGP decision process (decide.h): elimination in the order
 * of RFC 4271 9.1.2.2 and RFC 4456 9, over a small array of flags.
 */
#include <stdlib.h>
#include <string.h>

#include "routing/bgp/be.h"
#include "routing/bgp/decide.h"

const char *bgp_decide_step_name(int step)
{
    static const char *const n[] = {"only path", "next hop",     "local-pref",  "as-path length",
                                    "origin",    "med",          "ebgp",        "igp metric",
                                    "router id", "cluster list", "peer address"};

    return step >= 0 && step <= BGP_STEP_PEER_ADDR ? n[step] : "unknown";
}

static uint32_t local_pref(const struct bgp_path *p, const struct bgp_decide_cfg *c)
{
    if (p->a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))
        return p->a->local_pref;
    return c->default_local_pref ? c->default_local_pref : 100;
}

static uint32_t med(const struct bgp_path *p, const struct bgp_decide_cfg *c)
{
    if (p->a->present & BGP_ATTR_BIT(BGP_ATTR_MED))
        return p->a->med;
    return c->med_missing_worst ? UINT32_MAX : 0;
}

static uint32_t router_id(const struct bgp_path *p)
{
    if (p->a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID))
        return p->a->originator_id;
    return p->peer_id;
}

static uint32_t neighbour_as(const struct bgp_path *p)
{
    return bgp_aspath_first(bgp_attrs_aspath(p->a), p->a->aspath_len, 4);
}

/* A key to minimise for a step. */
static uint64_t key(const struct bgp_path *p, int step, const struct bgp_decide_cfg *c,
                    const uint32_t *metric)
{
    switch (step) {
    case BGP_STEP_LOCAL_PREF:
        return UINT32_MAX - (uint64_t)local_pref(p, c);
    case BGP_STEP_AS_PATH:
        return p->a->path_len;
    case BGP_STEP_ORIGIN:
        return p->a->origin;
    case BGP_STEP_EBGP:
        return p->ebgp ? 0 : 1;
    case BGP_STEP_IGP:
        return *metric;
    case BGP_STEP_ROUTER_ID:
        return router_id(p);
    case BGP_STEP_CLUSTER_LIST:
        return p->a->n_cluster;
    default:
        return 0;
    }
}

static int addr_cmp(const struct bgp_path *a, const struct bgp_path *b)
{
    if (a->peer_addr_len != b->peer_addr_len)
        return a->peer_addr_len < b->peer_addr_len ? -1 : 1;
    return memcmp(a->peer_addr, b->peer_addr, a->peer_addr_len);
}

int bgp_decide(const struct bgp_path *paths, size_t n, const struct bgp_decide_cfg *cfg, int *step)
{
    uint8_t *in;
    uint32_t *metric;
    size_t left = 0, best = 0;
    int last = BGP_STEP_ONLY;

    if (step)
        *step = BGP_STEP_ONLY;
    if (!n)
        return -1;
    in = malloc(n);
    metric = malloc(n * sizeof(*metric));
    if (!in || !metric) {
        free(in);
        free(metric);
        return -1;
    }
    /* 0. resolvable next hops */
    for (size_t i = 0; i < n; i++) {
        metric[i] =
            cfg->igp_metric ? cfg->igp_metric(cfg->ctx, paths[i].a->nh, paths[i].a->nh_len) : 0;
        in[i] = metric[i] != BGP_UNREACHABLE;
        left += in[i];
    }
    if (left < n && left)
        last = BGP_STEP_NEXTHOP;
    for (int s = BGP_STEP_LOCAL_PREF; s <= BGP_STEP_PEER_ADDR && left > 1; s++) {
        size_t before = left;

        if (s == BGP_STEP_MED) {
            /* c) per neighbour AS: drop a path if one from the same AS has a lower MED */
            for (size_t i = 0; i < n; i++) {
                if (!in[i])
                    continue;
                for (size_t j = 0; j < n; j++)
                    if (j != i && in[j] &&
                        (cfg->always_compare_med ||
                         neighbour_as(&paths[i]) == neighbour_as(&paths[j])) &&
                        med(&paths[j], cfg) < med(&paths[i], cfg)) {
                        in[i] = 2; /* marked; removed after the pass */
                        break;
                    }
            }
            for (size_t i = 0; i < n; i++)
                if (in[i] == 2) {
                    in[i] = 0;
                    left--;
                }
        } else if (s == BGP_STEP_PEER_ADDR) {
            size_t m = n;

            for (size_t i = 0; i < n; i++)
                if (in[i] && (m == n || addr_cmp(&paths[i], &paths[m]) < 0))
                    m = i;
            for (size_t i = 0; i < n; i++)
                if (in[i] && i != m && addr_cmp(&paths[i], &paths[m]) != 0) {
                    in[i] = 0;
                    left--;
                }
        } else {
            uint64_t lo = UINT64_MAX;

            for (size_t i = 0; i < n; i++)
                if (in[i] && key(&paths[i], s, cfg, &metric[i]) < lo)
                    lo = key(&paths[i], s, cfg, &metric[i]);
            for (size_t i = 0; i < n; i++)
                if (in[i] && key(&paths[i], s, cfg, &metric[i]) != lo) {
                    in[i] = 0;
                    left--;
                }
        }
        if (left < before)
            last = s;
    }
    for (best = 0; best < n && !in[best]; best++)
        ;
    free(in);
    free(metric);
    if (best == n)
        return -1;
    if (step)
        *step = last;
    return (int)best;
}
