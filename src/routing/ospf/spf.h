/*
 * spf.h - the routing table calculation (RFC 2328 16): Dijkstra over each
 * area's LSDB (16.1) with equal-cost multipath, inter-area routes from
 * summary-LSAs (16.2) and AS-external routes (16.4).
 *
 * The result is recomputed from scratch on every run and holds no
 * pointers into the LSDBs, so it is never migrated: the importer runs SPF
 * again on the imported LSDBs and gets the same table.
 *
 * Next hops (16.1.1): to a network the root is attached to, the interface
 * (gateway 0); to a router one hop away, the interface and the
 * neighbour's interface address (from the neighbour's link back: its
 * router-LSA link data on the shared network or point-to-point link);
 * further away, inherited from the parent. The caller names its
 * interfaces per area so that the root's own router-LSA links (whose link
 * data is the interface address, or the ifindex for unnumbered
 * point-to-point links) map to interface indices.
 *
 * Not done here: virtual links (type-4 links are parsed but not followed),
 * transit-area summary examination (16.3), area address ranges, stub and
 * NSSA areas, RFC1583Compatibility off (16.4.1 uses the cheapest ASBR
 * path, as with it on). Host byte order.
 */
#ifndef VROOM_ROUTING_OSPF_SPF_H
#define VROOM_ROUTING_OSPF_SPF_H

#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/lsdb.h"
#include "routing/ospf/ospf.h"

#define SPF_MAX_NH 8 /* equal-cost next hops kept per destination (the smallest ones) */

struct spf_nh {
    uint32_t ifindex;
    uint32_t gw; /* 0: directly connected */
};

enum spf_rtype {
    SPF_INTRA = 1,
    SPF_INTER = 2,
    SPF_EXT1 = 3,
    SPF_EXT2 = 4,
};

struct spf_route {
    uint32_t prefix;
    uint8_t plen;
    uint8_t type; /* enum spf_rtype */
    uint8_t n_nh;
    uint32_t cost;                /* total; for E2 the cost to the ASBR or forwarding address */
    uint32_t cost2;               /* E2: the external (type 2) metric */
    uint32_t area;                /* intra and inter: the area of the path */
    uint32_t adv_rtr;             /* who advertised it: router or DR, ABR, ASBR */
    uint32_t tag;                 /* external route tag */
    struct spf_nh nh[SPF_MAX_NH]; /* sorted by ifindex, then gateway */
};

/* An area border or AS boundary router (16.1 step 2, 16.2 for type 4). */
struct spf_router {
    uint32_t rid;
    uint32_t area;
    uint8_t flags; /* LSA_RT_B | LSA_RT_E */
    uint8_t type;  /* SPF_INTRA or SPF_INTER (an ASBR learned from a summary-LSA) */
    uint8_t n_nh;
    uint32_t cost;
    struct spf_nh nh[SPF_MAX_NH];
};

/* The root's interface in an area. */
struct spf_iface {
    uint32_t ifindex;
    uint32_t addr; /* 0: unnumbered point-to-point (link data is then the ifindex) */
    uint32_t mask;
};

struct spf_area {
    uint32_t id;
    struct lsdb *db; /* types 1-4 (iterated, so not const) */
    const struct spf_iface *ifs;
    size_t n_ifs;
};

/* Sorted by (prefix, plen) and by (rid, area). Release with spf_result_free(). */
struct spf_result {
    struct spf_route *routes;
    size_t n_routes;
    struct spf_router *routers;
    size_t n_routers;
};

/*
 * Compute the routing table of router_id for its areas (at most one is the
 * backbone, ID 0; with two or more the router is an ABR and reads summaries
 * from the backbone only) and the AS-external LSAs in as_db (may be NULL).
 * LSAs at MaxAge at `now` are ignored. Routes without a usable next hop
 * (the root's own stub networks not on a named interface, such as a
 * loopback) are left out. Returns 0 or -ENOMEM (*out is then empty).
 */
int spf_run(uint32_t router_id, const struct spf_area *areas, size_t n_areas, struct lsdb *as_db,
            ospf_time_t now, struct spf_result *out);

void spf_result_free(struct spf_result *r);

const struct spf_route *spf_route_find(const struct spf_result *r, uint32_t prefix, uint8_t plen);
const struct spf_router *spf_router_find(const struct spf_result *r, uint32_t rid, uint32_t area);

const char *spf_rtype_name(int type);

#endif
