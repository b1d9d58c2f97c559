/*
 * pkt_nd.c - IPv6 neighbour solicitation and advertisement (RFC 4861):
 * building both with their link-layer address options, and validating
 * received ones (section 7.1) before the neighbour table learns from them.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "pkt/pkt_build.h"
#include "pkt/pkt_csum.h"

/* Ethernet + IPv6 + NS/NA body + one LLA option (when opt_type != 0). */
static int nd_build(uint8_t *buf, size_t cap, const uint8_t *src_mac, const uint8_t *dst_mac,
                    const struct in6_addr *src, const struct in6_addr *dst, uint8_t type,
                    uint32_t flags, const struct in6_addr *target, uint8_t opt_type)
{
    struct ipv6_hdr *ip6 = (struct ipv6_hdr *)(buf + PKT_ETH_HLEN);
    struct nd_msg *nd = (struct nd_msg *)(buf + PKT_ETH_HLEN + PKT_IPV6_HLEN);
    size_t mlen = PKT_ND_HLEN + (opt_type ? sizeof(struct nd_opt_lla) : 0);

    if (cap < PKT_ETH_HLEN + PKT_IPV6_HLEN + mlen)
        return -ENOSPC;
    pkt_eth_build(buf, cap, dst_mac, src_mac, PKT_ETH_P_IPV6);
    ip6->ver_tc_flow = htonl(0x60000000u);
    ip6->payload_len = htons((uint16_t)mlen);
    ip6->next_hdr = IPPROTO_ICMPV6;
    ip6->hop_limit = 255; /* RFC 4861 7.1: proves the sender is on-link */
    memcpy(ip6->saddr, src, 16);
    memcpy(ip6->daddr, dst, 16);
    nd->type = type;
    nd->code = 0;
    nd->csum = 0;
    nd->flags = htonl(flags);
    memcpy(nd->target, target, 16);
    if (opt_type) {
        struct nd_opt_lla *o = (struct nd_opt_lla *)(nd + 1);

        o->type = opt_type;
        o->len = 1;
        memcpy(o->mac, src_mac, PKT_ETH_ALEN);
    }
    nd->csum = pkt_l4_csum6(src, dst, IPPROTO_ICMPV6, nd, mlen);
    return (int)(PKT_ETH_HLEN + PKT_IPV6_HLEN + mlen);
}

int pkt_nd_ns_build(uint8_t *buf, size_t cap, const uint8_t *src_mac, const uint8_t *dst_mac,
                    const struct in6_addr *src, const struct in6_addr *target)
{
    struct in6_addr dst;
    uint8_t mac[PKT_ETH_ALEN];

    if (dst_mac) {
        dst = *target;
        memcpy(mac, dst_mac, PKT_ETH_ALEN);
    } else {
        pkt_ipv6_solicited_node(target, &dst);
        pkt_ipv6_mcast_mac(&dst, mac);
    }
    return nd_build(buf, cap, src_mac, mac, src, &dst, PKT_ICMP6_ND_NS, 0, target,
                    pkt_ipv6_is_unspec(src) ? 0 : PKT_ND_OPT_SLLA);
}

int pkt_nd_na_build(uint8_t *buf, size_t cap, const uint8_t *src_mac, const uint8_t *dst_mac,
                    const struct in6_addr *src, const struct in6_addr *dst,
                    const struct in6_addr *target, uint32_t flags)
{
    flags &= PKT_ND_NA_ROUTER | PKT_ND_NA_SOLICITED | PKT_ND_NA_OVERRIDE;
    return nd_build(buf, cap, src_mac, dst_mac, src, dst, PKT_ICMP6_ND_NA, flags, target,
                    PKT_ND_OPT_TLLA);
}

static bool is_solicited_node(const struct in6_addr *a)
{
    static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};

    return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

int pkt_nd_parse(const uint8_t *frame, const struct pkt_info *pi, struct pkt_nd *nd)
{
    const uint8_t *m = frame + pi->l4_off;
    const struct nd_msg *msg = (const struct nd_msg *)m;
    size_t mlen, pos;
    uint8_t want_opt;
    int err;

    if (pi->l3 != PKT_L3_IPV6 || pi->proto != IPPROTO_ICMPV6 || !(pi->flags & PKT_F_L4) ||
        (pi->flags & PKT_F_FRAG) ||
        (pi->icmp_type != PKT_ICMP6_ND_NS && pi->icmp_type != PKT_ICMP6_ND_NA))
        return -EINVAL;
    memset(nd, 0, sizeof(*nd));
    mlen = pi->l3_off + pi->l3_len - pi->l4_off;
    if (pi->ttl != 255 || pi->icmp_code != 0 || mlen < PKT_ND_HLEN) {
        err = PKT_ERR_ND_FORMAT;
        goto drop;
    }
    if (pkt_csum_fold(pkt_csum_add(
            pkt_pseudo6_sum(&pi->src.v6, &pi->dst.v6, IPPROTO_ICMPV6, (uint32_t)mlen), m, mlen)) !=
        0) {
        err = PKT_ERR_L4_CSUM;
        goto drop;
    }
    nd->type = msg->type;
    nd->flags = msg->type == PKT_ICMP6_ND_NA ? ntohl(msg->flags) : 0;
    memcpy(&nd->target, msg->target, 16);
    if (pkt_ipv6_is_mcast(&nd->target)) {
        err = PKT_ERR_ND_FORMAT;
        goto drop;
    }
    want_opt = msg->type == PKT_ICMP6_ND_NS ? PKT_ND_OPT_SLLA : PKT_ND_OPT_TLLA;
    for (pos = PKT_ND_HLEN; pos < mlen;) {
        size_t olen;

        if (mlen - pos < 2 || m[pos + 1] == 0) {
            err = PKT_ERR_ND_FORMAT;
            goto drop;
        }
        olen = (size_t)m[pos + 1] * 8;
        if (olen > mlen - pos) {
            err = PKT_ERR_ND_FORMAT;
            goto drop;
        }
        if (m[pos] == want_opt && !nd->has_lla) {
            /* An Ethernet address option is exactly 8 bytes (RFC 2464 8). */
            if (olen != sizeof(struct nd_opt_lla)) {
                err = PKT_ERR_ND_FORMAT;
                goto drop;
            }
            nd->has_lla = true;
            memcpy(nd->lla, m + pos + 2, PKT_ETH_ALEN);
        }
        pos += olen;
    }
    if (msg->type == PKT_ICMP6_ND_NS && pkt_ipv6_is_unspec(&pi->src.v6) &&
        (!is_solicited_node(&pi->dst.v6) || nd->has_lla)) {
        err = PKT_ERR_ND_FORMAT;
        goto drop;
    }
    if (msg->type == PKT_ICMP6_ND_NA && pkt_ipv6_is_mcast(&pi->dst.v6) &&
        (nd->flags & PKT_ND_NA_SOLICITED)) {
        err = PKT_ERR_ND_FORMAT;
        goto drop;
    }
    return 0;
drop:
    return err;
}
