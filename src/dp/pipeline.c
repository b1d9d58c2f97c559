/*
 * pipeline.c - what happens to a frame in vroomd (DESIGN.md "Packet paths").
 *
 * From an external port bound to VR interface I:
 *   parse (pkt.h) -> L2 checks -> ARP: learn, punt if for us
 *                              -> IPv4/IPv6: martians -> control traffic
 *                                 (ours, link-local multicast, ND) punted to
 *                                 I's tap -> ACL in -> TTL -> FIB -> next hop
 *                                 -> ACL out -> MTU -> neighbour -> out.
 * From I's tap (the container): sent out of I's port as it is.
 * Errors produce the ICMP a router sends (RFC 1812, RFC 4443), from I's
 * address, rate-limited per VR. Every drop is counted on the interface and
 * the VR with its reason (counters.h); malformed frames also by the parser's
 * reason.
 *
 * Neighbour resolution (neigh.h) is done here too: packets wait in the
 * entry's queue while ARP or neighbour solicitations are retried by
 * dp_vr_tick(); answers are learnt from any ARP or NA that reaches us.
 *
 * ECMP: a route to a next-hop group sends each flow (addresses, protocol,
 * and TCP/UDP ports unless a fragment) to the member its hash picks, so a
 * flow stays on one path. If that member's neighbour is not resolved, the
 * packet takes the next member that is, and every unresolved member is
 * asked for, so one dead neighbour does not blackhole its share of flows.
 */
#include "dp/addr.h"
#include "dp/dp_impl.h"
#include "dp/neigh.h"
#include "fib/fib4.h"
#include "fib/fib6.h"
#include "pkt/pkt.h"
#include "pkt/pkt_build.h"
#include "pkt/pkt_csum.h"
#include "pkt/pkt_frag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Count on the interface and its VR. */
static void count(struct vr_iface *ifc, enum dp_counter c)
{
    ifc->st.c[c]++;
    ifc->vr->st.c[c]++;
}

static void drop(struct vr_iface *ifc, struct pbuf *b, enum dp_counter why)
{
    count(ifc, why);
    pbuf_free(b);
}

static void csum_complete(struct vr_iface *ifc, struct pbuf *b, const struct pkt_info *pi);

/* To the container; pi is the parsed IP packet (NULL for ARP). */
static void punt(struct dp *dp, struct vr_iface *ifc, struct pbuf *b, const struct pkt_info *pi)
{
    if (ifc->tap == NULL) {
        drop(ifc, b, DP_DROP_NO_CONTAINER);
        return;
    }
    /* the tap carries no offload metadata: the container's kernel checks every checksum */
    if (pi != NULL && (b->flags & PBUF_F_CSUM_PARTIAL))
        csum_complete(ifc, b, pi);
    count(ifc, DP_PUNTED);
    dp_tx(dp, ifc->tap, b);
}

static struct inet_addr addr4(uint32_t host)
{
    struct inet_addr a = {.family = AF_INET};

    a.u.v4.s_addr = htonl(host);
    return a;
}

static struct inet_addr addr6(const struct in6_addr *v6)
{
    struct inet_addr a = {.family = AF_INET6};

    a.u.v6 = *v6;
    return a;
}

/* ---- neighbours ------------------------------------------------------------ */

/* Ask for a: ARP request or neighbour solicitation, broadcast or (mac) unicast. */
static void neigh_solicit(struct dp *dp, struct vr_iface *ifc, const struct inet_addr *a,
                          const uint8_t *mac)
{
    struct pbuf *b;
    struct inet_addr src;
    int len;

    if (ifc->port == NULL || vr_iface_source(ifc, a->family, &src) != 0)
        return;
    b = pbuf_alloc(dp->pool);
    if (b == NULL) {
        count(ifc, DP_DROP_NOBUF);
        return;
    }
    if (a->family == AF_INET) {
        len =
            pkt_arp_build(b->data, PBUF_CAP, mac != NULL ? mac : pkt_mac_bcast, PKT_ARP_OP_REQUEST,
                          ifc->mac, ntohl(src.u.v4.s_addr), NULL, ntohl(a->u.v4.s_addr));
    } else {
        /* from a link-local address if the interface has one (RFC 4861 7.2.2 allows any) */
        for (unsigned i = 0; i < ifc->n_addrs; i++)
            if (pkt_ipv6_is_linklocal(&ifc->addrs[i].addr.u.v6))
                src = ifc->addrs[i].addr;
        len = pkt_nd_ns_build(b->data, PBUF_CAP, ifc->mac, mac, &src.u.v6, &a->u.v6);
    }
    if (len < 0) {
        pbuf_free(b);
        return;
    }
    b->len = (uint32_t)len;
    count(ifc, DP_NEIGH_REQUESTS);
    dp_tx(dp, ifc->port, b);
}

/* Fill in the Ethernet header of a queued or resolved packet and send it. */
static void eth_send(struct dp *dp, struct vr_iface *ifc, const uint8_t *mac, struct pbuf *b)
{
    uint16_t type = (b->data[PKT_ETH_HLEN] >> 4) == 6 ? PKT_ETH_P_IPV6 : PKT_ETH_P_IPV4;

    pkt_eth_build(b->data, PKT_ETH_HLEN, mac, ifc->mac, type);
    count(ifc, DP_TX_PACKETS);
    ifc->st.c[DP_TX_BYTES] += b->len;
    dp_tx(dp, ifc->port, b);
}

/* An answer (ARP, NA) or a solicitation with the sender's MAC: learn it. */
static void neigh_learn(struct dp *dp, struct vr_iface *ifc, const struct inet_addr *a,
                        const uint8_t *mac, int create)
{
    struct vr *vr = ifc->vr;
    struct neigh *e = neigh_find(vr->neigh, ifc->index, a);
    uint64_t now = dp_now(dp);
    struct pbuf *q;

    if (pkt_mac_is_mcast(mac) || pkt_mac_is_zero(mac))
        return;
    if (e == NULL) {
        if (!create)
            return;
        e = neigh_get(vr->neigh, ifc->index, a);
        if (e == NULL)
            return;
    }
    if (e->state == NEIGH_STATIC)
        return;
    if (e->state == NEIGH_INCOMPLETE || !pkt_mac_equal(e->mac, mac))
        count(ifc, DP_NEIGH_LEARNED);
    memcpy(e->mac, mac, 6);
    e->state = NEIGH_REACHABLE;
    e->updated_ns = now;
    e->probes = 0;
    while ((q = pbuf_queue_pop(&e->q)) != NULL)
        eth_send(dp, ifc, e->mac, q);
}

void dp_ip_output(struct dp *dp, struct vr_iface *ifc, const struct inet_addr *nhaddr,
                  struct pbuf *b)
{
    struct vr *vr = ifc->vr;
    struct neigh *e;
    uint64_t now = dp_now(dp);

    if (ifc->port == NULL) {
        drop(ifc, b, DP_DROP_UNBOUND);
        return;
    }
    e = neigh_find(vr->neigh, ifc->index, nhaddr);
    if (e != NULL && e->state != NEIGH_INCOMPLETE) {
        e->used_ns = now;
        if (e->state == NEIGH_STALE) {
            /* confirm it, but keep sending meanwhile (RFC 4861 7.3.3) */
            e->state = NEIGH_PROBE;
            e->probes = 1;
            e->probe_ns = now;
            neigh_solicit(dp, ifc, nhaddr, e->mac);
        }
        eth_send(dp, ifc, e->mac, b);
        return;
    }
    if (e == NULL) {
        e = neigh_get(vr->neigh, ifc->index, nhaddr);
        if (e == NULL) {
            drop(ifc, b, DP_DROP_NEIGH_QUEUE);
            return;
        }
        e->probes = 1;
        e->probe_ns = now;
        neigh_solicit(dp, ifc, nhaddr, NULL);
    }
    if (e->q.len >= NEIGH_QUEUE_MAX) {
        drop(ifc, b, DP_DROP_NEIGH_QUEUE);
        return;
    }
    e->used_ns = now;
    pbuf_queue_push(&e->q, b);
}

struct tick_arg {
    struct dp *dp;
    struct vr *vr;
    uint64_t now;
};

static int neigh_tick_one(struct neigh *e, void *arg)
{
    struct tick_arg *t = arg;
    struct vr_iface *ifc = t->vr->ifaces[e->iface];

    if (ifc == NULL) {
        neigh_remove(t->vr->neigh, e);
        return 0;
    }
    switch (e->state) {
    case NEIGH_INCOMPLETE:
    case NEIGH_PROBE:
        if (t->now - e->probe_ns < NEIGH_RETRANS_NS)
            break;
        if (e->probes >= NEIGH_PROBES) {
            unsigned n = neigh_remove(t->vr->neigh, e);

            ifc->st.c[DP_DROP_NEIGH_FAILED] += n;
            t->vr->st.c[DP_DROP_NEIGH_FAILED] += n;
            break;
        }
        e->probes++;
        e->probe_ns = t->now;
        neigh_solicit(t->dp, ifc, &e->addr, e->state == NEIGH_PROBE ? e->mac : NULL);
        break;
    case NEIGH_REACHABLE:
        if (t->now - e->updated_ns >= NEIGH_REACHABLE_NS)
            e->state = NEIGH_STALE;
        break;
    case NEIGH_STALE:
        if (t->now - e->used_ns >= NEIGH_GC_NS && t->now - e->updated_ns >= NEIGH_GC_NS)
            neigh_remove(t->vr->neigh, e);
        break;
    default:
        break;
    }
    return 0;
}

void dp_vr_tick(struct dp *dp, struct vr *vr, uint64_t now)
{
    struct tick_arg t = {dp, vr, now};

    neigh_walk(vr->neigh, neigh_tick_one, &t);
}

/* ---- ECMP ------------------------------------------------------------------ */

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

/* The flow's hash: addresses, protocol, and the TCP/UDP ports of an
 * unfragmented packet (a fragment has no ports after the first, and every
 * fragment of a packet must take one path). Seeded by the VR's id, so that
 * routers in a row do not all split flows the same way. */
uint32_t vr_flow_hash(const struct vr *vr, const struct pkt_info *pi)
{
    uint64_t h = (uint64_t)vr->id * 0x9e3779b97f4a7c15ull ^ pi->proto;

    if (pi->l3 == PKT_L3_IPV4) {
        h ^= (uint64_t)pi->src.v4 << 32 | pi->dst.v4;
    } else {
        uint64_t w[4];

        memcpy(w, &pi->src.v6, 16);
        memcpy(w + 2, &pi->dst.v6, 16);
        h = mix64(h ^ w[0]) ^ w[1];
        h = mix64(h ^ w[2]) ^ w[3];
    }
    if ((pi->flags & (PKT_F_L4 | PKT_F_FRAG)) == PKT_F_L4 &&
        (pi->proto == IPPROTO_TCP || pi->proto == IPPROTO_UDP))
        h ^= ((uint64_t)pi->sport << 16 | pi->dport) << 8;
    h = mix64(h);
    return (uint32_t)(h ^ (h >> 32));
}

/* Can nh send now: its interface bound and its neighbour (the gateway, or
 * dst on a connected next hop) known? If the neighbour was never asked
 * for, ask for it now. */
static int nh_ready(struct dp *dp, struct vr *vr, const struct nh *nh, const struct inet_addr *dst)
{
    struct vr_iface *ifc = vr->ifaces[nh->iface];
    const struct inet_addr *a = nh->type == NH_UNICAST ? &nh->gw : dst;
    struct neigh *e;

    if (ifc == NULL || ifc->port == NULL)
        return 0;
    e = neigh_find(vr->neigh, ifc->index, a);
    if (e == NULL) {
        e = neigh_get(vr->neigh, ifc->index, a);
        if (e != NULL) {
            e->probes = 1;
            e->probe_ns = dp_now(dp);
            neigh_solicit(dp, ifc, a, NULL);
        }
        return 0;
    }
    return e->state != NEIGH_INCOMPLETE;
}

/* The member of group v that this packet takes. */
static const struct nh *nhg_select(struct dp *dp, struct vr *vr, uint32_t v,
                                   const struct pkt_info *pi, const struct inet_addr *dst)
{
    const struct nhg *g = vr_nhg(vr, v);
    unsigned first = vr_nhg_slot(g, vr_flow_hash(vr, pi));
    const struct nh *pick = &vr->nhs[g->nh[first]], *alt = NULL;

    if (nh_ready(dp, vr, pick, dst))
        return pick;
    /* its neighbour is unresolved or failed: the next member that can send */
    for (unsigned k = 1; k < g->n; k++) {
        const struct nh *o = &vr->nhs[g->nh[(first + k) % g->n]];

        if (nh_ready(dp, vr, o, dst) && alt == NULL)
            alt = o;
    }
    return alt != NULL ? alt : pick; /* none: queue on the flow's own, being asked for */
}

/* ---- ICMP errors ----------------------------------------------------------- */

static int icmp_allowed_by_rate(struct dp *dp, struct vr *vr)
{
    const struct dp_config *cfg = dp_config(dp);
    uint64_t now = dp_now(dp);
    uint64_t add = (now - vr->icmp_last_ns) * cfg->icmp_rate / 1000000000ull;

    if (add > 0) {
        vr->icmp_tokens += add;
        if (vr->icmp_tokens >= cfg->icmp_burst) {
            vr->icmp_tokens = cfg->icmp_burst;
            vr->icmp_last_ns = now;
        } else {
            /* keep the time not yet worth a token: refills stay at icmp_rate */
            vr->icmp_last_ns += add * 1000000000ull / cfg->icmp_rate;
        }
    }
    if (vr->icmp_tokens == 0)
        return 0;
    vr->icmp_tokens--;
    return 1;
}

/* Is a a directed broadcast address of one of the VR's IPv4 subnets? */
static int is_subnet_bcast(const struct vr *vr, uint32_t a)
{
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        const struct vr_iface *ifc = vr->ifaces[i];

        for (unsigned j = 0; ifc != NULL && j < ifc->n_addrs; j++) {
            const struct inet_prefix *p = &ifc->addrs[j];
            uint32_t host_mask;

            if (p->addr.family != AF_INET || p->len >= 31)
                continue;
            host_mask = 0xffffffffu >> p->len;
            if ((a & ~host_mask) == (ntohl(p->addr.u.v4.s_addr) & ~host_mask) &&
                (a & host_mask) == host_mask)
                return 1;
        }
    }
    return 0;
}

/*
 * Send ICMP (type, code) about the packet in frame/pi that arrived on in,
 * from in's address, routed back to the packet's source.
 */
static void icmp_error(struct dp *dp, struct vr_iface *in, const uint8_t *frame,
                       const struct pkt_info *pi, uint8_t type, uint8_t code, uint32_t mtu)
{
    struct vr *vr = in->vr;
    struct inet_addr src, dst, nhaddr;
    struct vr_iface *out;
    const struct nh *nh;
    struct pbuf *b;
    int len;

    if (pi->l3 == PKT_L3_IPV4) {
        unsigned local = 0;

        if (is_subnet_bcast(vr, pi->dst.v4))
            local |= PKT_ICMP_DST_SUBNET_BCAST;
        if (is_subnet_bcast(vr, pi->src.v4))
            local |= PKT_ICMP_SRC_SUBNET_BCAST;
        if (!pkt_icmp4_error_allowed(pi, local))
            return;
        dst = addr4(pi->src.v4);
    } else {
        if (!pkt_icmp6_error_allowed(pi, type, code))
            return;
        dst = addr6(&pi->src.v6);
    }
    if (vr_iface_source(in, dst.family, &src) != 0)
        return;
    if (!icmp_allowed_by_rate(dp, vr)) {
        count(in, DP_ICMP_RATELIMITED);
        return;
    }
    if (dst.family == AF_INET6 && pkt_ipv6_is_linklocal(&dst.u.v6)) {
        /* link scope: fe80::/64 is every interface's, the FIB cannot tell which */
        out = in;
        nhaddr = dst;
    } else {
        nh = vr_route_lookup(vr, &dst);
        if (nh == NULL || (nh->type != NH_UNICAST && nh->type != NH_CONNECTED))
            return;
        out = vr->ifaces[nh->iface];
        if (out == NULL)
            return;
        nhaddr = nh->type == NH_UNICAST ? nh->gw : dst;
    }
    b = pbuf_alloc(dp->pool);
    if (b == NULL) {
        count(in, DP_DROP_NOBUF);
        return;
    }
    if (pi->l3 == PKT_L3_IPV4) {
        struct pkt_icmp_err e = {
            .type = type, .code = code, .mtu = mtu, .src.v4 = ntohl(src.u.v4.s_addr)};

        e.id = (uint16_t)(vr->st.c[DP_ICMP_SENT] + 1);
        len = pkt_icmp4_error_build(b->data + PKT_ETH_HLEN, PBUF_CAP - PKT_ETH_HLEN, frame, pi, &e);
    } else {
        struct pkt_icmp_err e = {.type = type, .code = code, .mtu = mtu};

        e.src.v6 = src.u.v6;
        len = pkt_icmp6_error_build(b->data + PKT_ETH_HLEN, PBUF_CAP - PKT_ETH_HLEN, frame, pi, &e);
    }
    if (len < 0) {
        pbuf_free(b);
        return;
    }
    b->len = (uint32_t)len + PKT_ETH_HLEN;
    count(in, DP_ICMP_SENT);
    dp_ip_output(dp, out, &nhaddr, b);
}

/* ---- checksums a veth peer left to us ---------------------------------------- */

static void csum_complete(struct vr_iface *ifc, struct pbuf *b, const struct pkt_info *pi)
{
    uint8_t *l4 = b->data + pi->l4_off;
    size_t l4len = pi->l3_off + pi->l3_len - pi->l4_off;
    unsigned off;
    uint16_t sum;

    if (pi->flags & PKT_F_FRAG)
        return;
    if (pi->proto == IPPROTO_TCP)
        off = 16;
    else if (pi->proto == IPPROTO_UDP)
        off = 6;
    else
        return;
    if (l4len < off + 2)
        return;
    memset(l4 + off, 0, 2);
    if (pi->l3 == PKT_L3_IPV4)
        sum = pkt_l4_csum4(pi->src.v4, pi->dst.v4, pi->proto, l4, l4len);
    else
        sum = pkt_l4_csum6(&pi->src.v6, &pi->dst.v6, pi->proto, l4, l4len);
    if (sum == 0 && pi->proto == IPPROTO_UDP)
        sum = 0xffff;
    memcpy(l4 + off, &sum, 2);
    b->flags &= ~PBUF_F_CSUM_PARTIAL;
    count(ifc, DP_CSUM_COMPLETED);
}

/* ---- forwarding -------------------------------------------------------------- */

/* Common tail of IPv4 and IPv6 forwarding once the next hop is known. */
static void forward(struct dp *dp, struct vr_iface *in, struct pbuf *b, const struct pkt_info *pi,
                    const struct nh *nh, const struct inet_addr *dst)
{
    struct vr *vr = in->vr;
    struct vr_iface *out = vr->ifaces[nh->iface];
    struct inet_addr nhaddr = nh->type == NH_UNICAST ? nh->gw : *dst;
    int v4 = pi->l3 == PKT_L3_IPV4;

    if (out == NULL || out->port == NULL) {
        drop(in, b, DP_DROP_UNBOUND);
        return;
    }
    if (acl_check(out->acl_out, pi) == ACL_DENY) {
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_DEST_UNREACH : PKT_ICMP6_DEST_UNREACH,
                   v4 ? PKT_ICMP4_ADMIN_PROHIBITED : PKT_ICMP6_ADM_PROHIBITED, 0);
        drop(out, b, DP_DROP_ACL_OUT);
        return;
    }
    if (pi->l3_len > out->mtu && (!v4 || (pi->flags & PKT_F_DF))) {
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_DEST_UNREACH : PKT_ICMP6_PKT_TOO_BIG,
                   v4 ? PKT_ICMP4_FRAG_NEEDED : 0, out->mtu);
        drop(in, b, DP_DROP_MTU);
        return;
    }
    if (b->flags & PBUF_F_CSUM_PARTIAL)
        csum_complete(in, b, pi);
    /* the TTL check was done; now it changes */
    if (v4)
        pkt_ipv4_dec_ttl((struct ipv4_hdr *)(b->data + pi->l3_off));
    else
        ((struct ipv6_hdr *)(b->data + pi->l3_off))->hop_limit--;

    if (pi->l3_len > out->mtu) {
        /* RFC 1812 4.2.2.7: fragment */
        {
            int nfrag = pkt_ipv4_fragment_count(b->data + pi->l3_off, pi->l3_len, out->mtu);
            struct pbuf *frags[64];
            uint8_t *outs[64];
            uint16_t lens[64];
            int n;

            if (nfrag <= 0 || nfrag > 64) {
                drop(in, b, DP_DROP_FRAG);
                return;
            }
            for (int i = 0; i < nfrag; i++) {
                frags[i] = pbuf_alloc(dp->pool);
                if (frags[i] == NULL) {
                    while (i-- > 0)
                        pbuf_free(frags[i]);
                    drop(in, b, DP_DROP_NOBUF);
                    return;
                }
                outs[i] = frags[i]->data + PKT_ETH_HLEN;
            }
            n = pkt_ipv4_fragment(b->data + pi->l3_off, pi->l3_len, out->mtu, outs,
                                  PBUF_CAP - PKT_ETH_HLEN, (size_t)nfrag, lens);
            for (int i = 0; i < nfrag; i++) {
                if (n != nfrag) {
                    pbuf_free(frags[i]);
                    continue;
                }
                frags[i]->len = PKT_ETH_HLEN + (uint32_t)lens[i];
                count(in, DP_FRAGMENTS);
                dp_ip_output(dp, out, &nhaddr, frags[i]);
            }
            if (n != nfrag)
                drop(in, b, DP_DROP_FRAG);
            else {
                count(in, DP_FORWARDED);
                pbuf_free(b);
            }
            return;
        }
    }
    /* frames may carry Ethernet padding after the IP packet: it goes */
    b->len = pi->l3_off + pi->l3_len;
    if (pi->l3_off != PKT_ETH_HLEN) {
        /* never happens: tagged frames are dropped; keep the layout dp_ip_output expects */
        drop(in, b, DP_DROP_VLAN);
        return;
    }
    count(in, DP_FORWARDED);
    dp_ip_output(dp, out, &nhaddr, b);
}

/* A route lookup's verdict for a transit or local packet. */
static void route(struct dp *dp, struct vr_iface *in, struct pbuf *b, const struct pkt_info *pi,
                  const struct inet_addr *dst)
{
    int v4 = pi->l3 == PKT_L3_IPV4;
    uint32_t id = vr_route_lookup_id(in->vr, dst);
    const struct nh *nh;

    if (id == VR_NH_NONE)
        nh = NULL;
    else if (!(id & VR_NHG_BIT))
        nh = vr_nh(in->vr, id);
    else
        nh = nhg_select(dp, in->vr, id, pi, dst);

    if (nh != NULL && nh->type == NH_LOCAL) {
        punt(dp, in, b, pi);
        return;
    }
    /* RFC 3927 7: link-local addresses are legal on the link, never forwarded */
    if (v4 && pkt_ipv4_is_linklocal(pi->src.v4)) {
        drop(in, b, DP_DROP_MARTIAN_SRC);
        return;
    }
    if (v4 && pkt_ipv4_is_linklocal(pi->dst.v4)) {
        drop(in, b, DP_DROP_MARTIAN_DST);
        return;
    }
    if (pi->ttl <= 1) {
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_TIME_EXCEEDED : PKT_ICMP6_TIME_EXCEEDED, 0,
                   0);
        drop(in, b, DP_DROP_TTL);
        return;
    }
    if (nh == NULL) {
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_DEST_UNREACH : PKT_ICMP6_DEST_UNREACH,
                   v4 ? PKT_ICMP4_NET_UNREACH : PKT_ICMP6_NOROUTE, 0);
        drop(in, b, DP_DROP_NO_ROUTE);
        return;
    }
    switch (nh->type) {
    case NH_BLACKHOLE:
        drop(in, b, DP_DROP_BLACKHOLE);
        return;
    case NH_UNREACHABLE:
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_DEST_UNREACH : PKT_ICMP6_DEST_UNREACH,
                   v4 ? PKT_ICMP4_HOST_UNREACH : PKT_ICMP6_NOROUTE, 0);
        drop(in, b, DP_DROP_UNREACHABLE);
        return;
    case NH_PROHIBIT:
        icmp_error(dp, in, b->data, pi, v4 ? PKT_ICMP4_DEST_UNREACH : PKT_ICMP6_DEST_UNREACH,
                   v4 ? PKT_ICMP4_ADMIN_PROHIBITED : PKT_ICMP6_ADM_PROHIBITED, 0);
        drop(in, b, DP_DROP_PROHIBITED);
        return;
    default:
        forward(dp, in, b, pi, nh, dst);
    }
}

static void arp_input(struct dp *dp, struct vr_iface *ifc, struct pbuf *b,
                      const struct pkt_info *pi)
{
    const struct arp_hdr *arp = (const struct arp_hdr *)(b->data + pi->l3_off);
    struct inet_addr spa = addr4(pi->src.v4), tpa = addr4(pi->dst.v4);
    int for_us = vr_addr_owner(ifc->vr, &tpa) == ifc;
    int in_subnet = 0;

    for (unsigned i = 0; i < ifc->n_addrs; i++)
        in_subnet |= prefix_contains(&ifc->addrs[i], &spa);
    /* RFC 826: update an entry we have; make one when the packet is for us.
     * A gratuitous ARP (spa == tpa) updates and creates: a moved host announces itself. */
    if (in_subnet && pi->src.v4 != 0)
        neigh_learn(dp, ifc, &spa, arp->sha, for_us || pi->src.v4 == pi->dst.v4);
    if (for_us || (pi->arp_op == PKT_ARP_OP_REPLY &&
                   pkt_mac_equal(((const struct eth_hdr *)b->data)->dst, ifc->mac)))
        punt(dp, ifc, b, NULL); /* the container answers, and learns too */
    else
        drop(ifc, b, DP_DROP_NOT_FOR_US);
}

static void ipv4_input(struct dp *dp, struct vr_iface *ifc, struct pbuf *b,
                       const struct pkt_info *pi)
{
    uint32_t d = pi->dst.v4;
    struct inet_addr dst;

    if (pkt_ipv4_src_martian(pi->src.v4) && !(pi->src.v4 == 0 && d == PKT_IPV4_BCAST)) {
        /* 0.0.0.0 -> 255.255.255.255 is DHCP discovery: local, not martian */
        drop(ifc, b, DP_DROP_MARTIAN_SRC);
        return;
    }
    if (d == PKT_IPV4_BCAST || pkt_ipv4_is_ll_mcast(d)) {
        if (acl_check(ifc->acl_in, pi) == ACL_DENY)
            drop(ifc, b, DP_DROP_ACL_IN);
        else
            punt(dp, ifc, b, pi);
        return;
    }
    if (pkt_ipv4_is_mcast(d)) {
        drop(ifc, b, DP_DROP_MULTICAST);
        return;
    }
    if (pkt_ipv4_dst_martian(d)) {
        drop(ifc, b, DP_DROP_MARTIAN_DST);
        return;
    }
    if (is_subnet_bcast(ifc->vr, d)) {
        /* directed broadcasts are received on their own subnet (usually in an
         * Ethernet broadcast, so before the check below), never forwarded (RFC 2644) */
        struct inet_addr da = addr4(d);

        for (unsigned i = 0; i < ifc->n_addrs; i++) {
            if (prefix_contains(&ifc->addrs[i], &da)) {
                if (acl_check(ifc->acl_in, pi) == ACL_DENY)
                    drop(ifc, b, DP_DROP_ACL_IN);
                else
                    punt(dp, ifc, b, pi);
                return;
            }
        }
        drop(ifc, b, DP_DROP_MARTIAN_DST);
        return;
    }
    if (pi->flags & PKT_F_L2_MCAST) {
        /* RFC 1812 5.3.4: a unicast IP packet in a link-layer broadcast is not forwarded */
        drop(ifc, b, DP_DROP_NOT_FOR_US);
        return;
    }
    if (acl_check(ifc->acl_in, pi) == ACL_DENY) {
        icmp_error(dp, ifc, b->data, pi, PKT_ICMP4_DEST_UNREACH, PKT_ICMP4_ADMIN_PROHIBITED, 0);
        drop(ifc, b, DP_DROP_ACL_IN);
        return;
    }
    dst = addr4(d);
    route(dp, ifc, b, pi, &dst);
}

static void ipv6_input(struct dp *dp, struct vr_iface *ifc, struct pbuf *b,
                       const struct pkt_info *pi)
{
    struct inet_addr dst = addr6(&pi->dst.v6);

    if (pkt_ipv6_src_martian(&pi->src.v6) &&
        !(pkt_ipv6_is_unspec(&pi->src.v6) && pkt_ipv6_is_mcast(&pi->dst.v6))) {
        /* :: is a legal source only towards multicast (DAD, MLD) */
        drop(ifc, b, DP_DROP_MARTIAN_SRC);
        return;
    }
    if (pi->proto == IPPROTO_ICMPV6 && (pi->flags & PKT_F_L4) &&
        (pi->icmp_type == PKT_ICMP6_ND_NS || pi->icmp_type == PKT_ICMP6_ND_NA)) {
        struct pkt_nd nd;
        int rc = pkt_nd_parse(b->data, pi, &nd);

        if (rc != 0) {
            /* -EINVAL is no parser reason: a fragmented NS/NA (ND never fragments, RFC 6980) */
            int why = rc < 0 && rc > -PKT_ERR_COUNT ? rc : PKT_ERR_ND_FORMAT;

            ifc->st.malformed[-why]++;
            ifc->vr->st.malformed[-why]++;
            drop(ifc, b, DP_DROP_MALFORMED);
            return;
        }
        if (nd.has_lla) {
            if (nd.type == PKT_ICMP6_ND_NA) {
                struct inet_addr t = addr6(&nd.target);

                neigh_learn(dp, ifc, &t, nd.lla, 0);
            } else if (!pkt_ipv6_is_unspec(&pi->src.v6)) {
                struct inet_addr s = addr6(&pi->src.v6);

                neigh_learn(dp, ifc, &s, nd.lla, 0);
            }
        }
        punt(dp, ifc, b, pi);
        return;
    }
    /* first: it holds multicast of interface-local and reserved scope */
    if (pkt_ipv6_dst_martian(&pi->dst.v6)) {
        drop(ifc, b, DP_DROP_MARTIAN_DST);
        return;
    }
    if (pkt_ipv6_is_mcast(&pi->dst.v6)) {
        if (pkt_ipv6_mcast_scope(&pi->dst.v6) <= 2)
            punt(dp, ifc, b, pi); /* link-local scope: OSPFv3, MLD, RA... */
        else
            drop(ifc, b, DP_DROP_MULTICAST);
        return;
    }
    if (pkt_ipv6_is_linklocal(&pi->dst.v6)) {
        /* link scope: for the container's kernel, never forwarded */
        punt(dp, ifc, b, pi);
        return;
    }
    if (pkt_ipv6_is_linklocal(&pi->src.v6) && vr_addr_owner(ifc->vr, &dst) == NULL) {
        /* RFC 4291 2.5.6: a link-local source must not leave its link */
        icmp_error(dp, ifc, b->data, pi, PKT_ICMP6_DEST_UNREACH, 2 /* beyond scope */, 0);
        drop(ifc, b, DP_DROP_MARTIAN_SRC);
        return;
    }
    if (pi->flags & PKT_F_L2_MCAST) {
        drop(ifc, b, DP_DROP_NOT_FOR_US);
        return;
    }
    if (acl_check(ifc->acl_in, pi) == ACL_DENY) {
        icmp_error(dp, ifc, b->data, pi, PKT_ICMP6_DEST_UNREACH, PKT_ICMP6_ADM_PROHIBITED, 0);
        drop(ifc, b, DP_DROP_ACL_IN);
        return;
    }
    route(dp, ifc, b, pi, &dst);
}

/* A frame from outside, on the port bound to ifc. */
static void external_input(struct dp *dp, struct vr_iface *ifc, struct pbuf *b)
{
    struct pkt_info pi;
    const struct eth_hdr *eth;
    int rc;

    count(ifc, DP_RX_PACKETS);
    ifc->st.c[DP_RX_BYTES] += b->len;
    rc = pkt_parse(b->data, b->len, &pi);
    if (rc < 0) {
        if (-rc < DP_PARSE_REASONS_MAX) {
            ifc->st.malformed[-rc]++;
            ifc->vr->st.malformed[-rc]++;
        }
        drop(ifc, b, DP_DROP_MALFORMED);
        return;
    }
    eth = (const struct eth_hdr *)b->data;
    if (!(pi.flags & PKT_F_L2_MCAST) && !pkt_mac_equal(eth->dst, ifc->mac)) {
        drop(ifc, b, DP_DROP_NOT_FOR_US);
        return;
    }
    if (pkt_mac_is_mcast(eth->src)) {
        drop(ifc, b, DP_DROP_MALFORMED);
        return;
    }
    if (pi.flags & PKT_F_VLAN) {
        drop(ifc, b, DP_DROP_VLAN);
        return;
    }
    switch (pi.l3) {
    case PKT_L3_ARP:
        arp_input(dp, ifc, b, &pi);
        break;
    case PKT_L3_IPV4:
        ipv4_input(dp, ifc, b, &pi);
        break;
    case PKT_L3_IPV6:
        ipv6_input(dp, ifc, b, &pi);
        break;
    default:
        drop(ifc, b, DP_DROP_ETHERTYPE);
    }
}

void dp_input(struct dp *dp, struct pbuf *b)
{
    struct port *p = b->in;
    struct vr_iface *ifc = p->owner;

    if (ifc == NULL) {
        /* a port nobody is bound to: count, drop */
        dp->st.c[DP_DROP_UNBOUND]++;
        pbuf_free(b);
        return;
    }
    if (p->role == PORT_ROLE_TAP) {
        /* from the container: out of the interface's port as it is */
        if (ifc->port == NULL) {
            drop(ifc, b, DP_DROP_UNBOUND);
            return;
        }
        count(ifc, DP_INJECTED);
        count(ifc, DP_TX_PACKETS);
        ifc->st.c[DP_TX_BYTES] += b->len;
        dp_tx(dp, ifc->port, b);
        return;
    }
    external_input(dp, ifc, b);
}
