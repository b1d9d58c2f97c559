/*
 * vr.h - a virtual router's data plane: interfaces bound to ports, a FIB per
 * family (src/fib), the next-hop table the FIBs index, the neighbour table,
 * per-interface ACLs and counters. The control plane (BIRD, FRR or
 * vroom-routerd in the VR's container) changes this only through the
 * data-plane hypervisor API (api.c) or the netlink shim (shim.c); packets
 * go through it in pipeline.c.
 *
 * ECMP: a route may have up to VR_ECMP_MAX next hops, a next-hop group
 * (struct nhg). Groups are deduplicated and reference-counted like next
 * hops, and hold a reference on each member. A FIB value with VR_NHG_BIT
 * set is a group's index in vr->nhgs; without it, a next hop's in vr->nhs,
 * so a single-path route costs the forwarding path one untaken branch.
 * The pipeline picks a member by a hash of the flow (vr_nhg_pick()).
 *
 * Routes a VR has of its own: each interface address gives a local route
 * (/32 or /128: packets to it are punted to the container) and a connected
 * route for its subnet. These outrank routes from the API for the same
 * prefix, as the kernel's local and connected routes do.
 */
#ifndef VROOM_DP_VR_H
#define VROOM_DP_VR_H

#include <stddef.h>
#include <stdint.h>

#include "dp/acl.h"
#include "dp/counters.h"
#include "dp/pbuf.h"
#include "lib/inet.h"

#define VR_NAME_MAX   31
#define VR_IFACES_MAX 64
#define VR_ADDRS_MAX  16
#define VR_IFNAME_MAX 15
#define VR_ECMP_MAX   16          /* next hops of one route */
#define VR_NHG_BIT    0x80000000u /* in a FIB value: a group, not a next hop */
#define VR_NH_NONE    UINT32_MAX  /* no route (FIB_NH_NONE) */

struct dp;
struct port;
struct fib4;
struct fib6;
struct neigh_table;
struct pkt_info;

enum nh_type {
    NH_UNICAST,     /* via a gateway on iface */
    NH_CONNECTED,   /* the destination itself is on iface */
    NH_LOCAL,       /* one of the VR's own addresses: punt */
    NH_BLACKHOLE,   /* drop silently */
    NH_UNREACHABLE, /* drop, ICMP unreachable */
    NH_PROHIBIT,    /* drop, ICMP administratively prohibited */
};

struct nh {
    uint8_t type;   /* enum nh_type */
    uint8_t family; /* of gw */
    uint16_t iface; /* index in vr->ifaces, for UNICAST/CONNECTED/LOCAL */
    struct inet_addr gw;
    uint32_t refcnt; /* routes using it; 0 = free slot */
};

/* A next-hop group: the members' indices in vr->nhs, ascending, distinct. */
struct nhg {
    uint32_t refcnt; /* routes using it; 0 = unused (the members' references are released) */
    uint16_t n;      /* 2..VR_ECMP_MAX */
    uint32_t nh[VR_ECMP_MAX];
};

struct vr_iface {
    char name[VR_IFNAME_MAX + 1];
    uint16_t index;
    uint8_t mac[6];
    uint16_t mtu;
    struct inet_prefix addrs[VR_ADDRS_MAX]; /* address + subnet length */
    unsigned n_addrs;
    struct port *port; /* bound port, or NULL: frames for it are dropped */
    struct port *tap;  /* the tap in the container: punt and inject */
    struct acl *acl_in, *acl_out;
    struct vr *vr;
    struct counters st;
};

struct vr {
    char name[VR_NAME_MAX + 1];
    uint32_t id;
    struct dp *dp;
    struct fib4 *fib4;
    struct fib6 *fib6;
    struct nh *nhs;
    uint32_t n_nhs, cap_nhs;
    struct nh_index *nh_index; /* dedup: (type, iface, gw) -> nh */
    struct nhg *nhgs;
    uint32_t n_nhgs, cap_nhgs;
    struct nh_index *nhg_index; /* dedup: members -> nhg */
    struct vr_iface *ifaces[VR_IFACES_MAX];
    struct neigh_table *neigh;
    uint64_t route_seq;   /* last sequence number applied through the API */
    uint64_t icmp_tokens; /* ICMP error rate limit (token bucket) */
    uint64_t icmp_last_ns;
    void *container; /* container.c's state, or NULL */
    struct counters st;
};

/* One next hop of a multipath route: UNICAST (gw, iface or -1) or CONNECTED (iface). */
struct vr_nexthop {
    enum nh_type type;
    struct inet_addr gw;
    int iface;
};

/* A route as the API and the shim give it. */
struct vr_route {
    struct inet_prefix dst;
    enum nh_type type;
    struct inet_addr gw; /* UNICAST: family != 0 */
    int iface;           /* -1: found from gw's connected subnet */
    /* ECMP: n_mp > 0 next hops in mp[] (the caller's memory) instead of
     * type, gw and iface. Duplicates count once; one distinct next hop is a
     * single-path route. */
    unsigned n_mp;
    const struct vr_nexthop *mp;
};

/* Create an empty VR. NULL with err set. */
struct vr *vr_create(struct dp *dp, const char *name, uint32_t id, char *err, size_t errlen);
/* Free the VR and everything it owns; ports it was bound to are unbound, not closed. */
void vr_free(struct vr *vr);

/* Interfaces. -EEXIST, -ENOSPC, -EINVAL (err says which field). */
int vr_iface_add(struct vr *vr, const char *name, const uint8_t mac[6], uint16_t mtu,
                 const struct inet_prefix *addrs, unsigned n_addrs, char *err, size_t errlen);
int vr_iface_del(struct vr *vr, const char *name);
struct vr_iface *vr_iface_find(const struct vr *vr, const char *name);
/* Bind to port (NULL unbinds); takes over the port from any other binding. */
int vr_iface_bind(struct vr_iface *ifc, struct port *port);

/* Routes. vr_route_check validates (0 or -EINVAL with err); add/del apply. */
int vr_route_check(const struct vr *vr, const struct vr_route *r, char *err, size_t errlen);
int vr_route_add(struct vr *vr, const struct vr_route *r);
/* 0, or -ENOENT if there was no such route. Local and connected routes stay. */
int vr_route_del(struct vr *vr, const struct inet_prefix *dst);

/* Batches: the same rules and the same result as the route-by-route calls
 * above on rs[0..n) in order (later duplicates win), with the per-route work
 * hoisted (see vr.c); for bulk loads such as a full table.
 * vr_route_check_batch: 0, or -EINVAL with *bad the index of the first route
 * refused and err its reason. vr_route_add_batch: every route must have
 * passed the check; 0, or -ENOMEM (some routes may be applied; the FIB and
 * the next-hop references stay consistent). vr_route_del_batch: deletes
 * rs[i].dst (the rest is ignored); *deleted counts those found (and the VR's
 * own prefixes, which stay); 0, or -ENOMEM part-way. */
int vr_route_check_batch(const struct vr *vr, const struct vr_route *rs, size_t n, size_t *bad,
                         char *err, size_t errlen);
int vr_route_add_batch(struct vr *vr, const struct vr_route *rs, size_t n);
int vr_route_del_batch(struct vr *vr, const struct vr_route *rs, size_t n, size_t *deleted);

/* The next hop for index i (a FIB value without VR_NHG_BIT). */
static inline const struct nh *vr_nh(const struct vr *vr, uint32_t i)
{
    return &vr->nhs[i];
}

/* The group for a FIB value with VR_NHG_BIT. */
static inline const struct nhg *vr_nhg(const struct vr *vr, uint32_t v)
{
    return &vr->nhgs[v & ~VR_NHG_BIT];
}

/* The position in g of the member a flow with this hash takes. */
static inline unsigned vr_nhg_slot(const struct nhg *g, uint32_t hash)
{
    return (unsigned)(((uint64_t)hash * g->n) >> 32);
}

/* A packet's flow hash for choosing a group member (pipeline.c): addresses,
 * protocol, TCP/UDP ports unless a fragment, seeded by the VR's id. */
uint32_t vr_flow_hash(const struct vr *vr, const struct pkt_info *pi);

/* Longest-prefix match: the FIB value (a next hop, or a group with
 * VR_NHG_BIT), or VR_NH_NONE. */
uint32_t vr_route_lookup_id(const struct vr *vr, const struct inet_addr *a);

/* Longest-prefix match: the next hop (a group's first member), or NULL. */
const struct nh *vr_route_lookup(const struct vr *vr, const struct inet_addr *a);

/* Is a one of the VR's addresses (any interface)? The interface, or NULL. */
struct vr_iface *vr_addr_owner(const struct vr *vr, const struct inet_addr *a);

/* An address of ifc to send ICMP errors from, of the family; 0 if found, -ENOENT. */
int vr_iface_source(const struct vr_iface *ifc, int family, struct inet_addr *out);

/* Route counts. */
size_t vr_route_count(const struct vr *vr, int family);
/* Groups in use (refcnt > 0). */
size_t vr_nhg_count(const struct vr *vr);

#endif
