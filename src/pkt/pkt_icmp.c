/*
 * pkt_icmp.c - the ICMP errors a router sends: whether it may (RFC 1812
 * 4.3.2.7 for IPv4, RFC 4443 2.4(e) for IPv6) and building them with the
 * offending packet quoted (RFC 1812 4.3.2.3, RFC 4443 2.4(c)).
 */
#include <arpa/inet.h>
#include <errno.h>

#include "pkt/pkt_build.h"
#include "pkt/pkt_csum.h"

#define ICMP4_DEFAULT_TTL  64
#define IPTOS_TOS_BITS     0x1e
#define IPTOS_PREC_INETCTL 0xc0 /* internetwork control, as RFC 1812 4.3.2.5 suggests */

/* Types that are errors; unknown ones count as errors too, to be safe (as Linux does). */
static bool icmp4_is_error(uint8_t type)
{
    switch (type) {
    case PKT_ICMP4_DEST_UNREACH:
    case PKT_ICMP4_SOURCE_QUENCH:
    case PKT_ICMP4_REDIRECT:
    case PKT_ICMP4_TIME_EXCEEDED:
    case PKT_ICMP4_PARAM_PROBLEM:
        return true;
    default:
        return type > 18; /* past address mask reply, the last type of RFC 950 */
    }
}

bool pkt_icmp4_error_allowed(const struct pkt_info *pi, unsigned int local)
{
    if (pi->l3 != PKT_L3_IPV4 || pi->frag_off != 0)
        return false;
    if (pi->proto == IPPROTO_ICMP && (!(pi->flags & PKT_F_L4) || icmp4_is_error(pi->icmp_type)))
        return false;
    if (pkt_ipv4_is_mcast(pi->dst.v4) || pi->dst.v4 == PKT_IPV4_BCAST ||
        (local & PKT_ICMP_DST_SUBNET_BCAST))
        return false;
    if (pi->flags & (PKT_F_L2_MCAST | PKT_F_L2_BCAST))
        return false;
    if (pkt_ipv4_src_martian(pi->src.v4) || (local & PKT_ICMP_SRC_SUBNET_BCAST))
        return false;
    return true;
}

bool pkt_icmp6_error_allowed(const struct pkt_info *pi, uint8_t type, uint8_t code)
{
    bool mcast_ok = type == PKT_ICMP6_PKT_TOO_BIG ||
                    (type == PKT_ICMP6_PARAM_PROBLEM && code == PKT_ICMP6_PARAMPROB_OPTION);

    if (pi->l3 != PKT_L3_IPV6)
        return false;
    if (pi->proto == IPPROTO_ICMPV6 &&
        (!(pi->flags & PKT_F_L4) || pi->icmp_type < 128 || pi->icmp_type == PKT_ICMP6_ND_REDIRECT))
        return false;
    if (!mcast_ok &&
        (pkt_ipv6_is_mcast(&pi->dst.v6) || (pi->flags & (PKT_F_L2_MCAST | PKT_F_L2_BCAST))))
        return false;
    if (pkt_ipv6_src_martian(&pi->src.v6))
        return false;
    return true;
}

int pkt_icmp4_error_build(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          const struct pkt_icmp_err *err)
{
    const struct ipv4_hdr *orig = (const struct ipv4_hdr *)(frame + pi->l3_off);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)buf;
    struct icmp_hdr *ih = (struct icmp_hdr *)(buf + PKT_IPV4_HLEN);
    size_t quote = pi->l3_len, total;
    uint32_t data = 0;

    if (pi->l3 != PKT_L3_IPV4)
        return -EINVAL;
    /* All of the original that fits in 576 bytes: always header + 8 when it has them. */
    if (quote > PKT_ICMP4_ERR_MAX - PKT_IPV4_HLEN - PKT_ICMP_HLEN)
        quote = PKT_ICMP4_ERR_MAX - PKT_IPV4_HLEN - PKT_ICMP_HLEN;
    total = PKT_IPV4_HLEN + PKT_ICMP_HLEN + quote;
    if (cap < total)
        return -ENOSPC;

    ip->ver_ihl = 0x45;
    ip->tos = (uint8_t)((orig->tos & IPTOS_TOS_BITS) | IPTOS_PREC_INETCTL);
    ip->tot_len = htons((uint16_t)total);
    ip->id = htons(err->id);
    ip->frag_off = 0;
    ip->ttl = err->ttl ? err->ttl : ICMP4_DEFAULT_TTL;
    ip->proto = IPPROTO_ICMP;
    ip->saddr = htonl(err->src.v4);
    ip->daddr = htonl(pi->src.v4);
    pkt_ipv4_csum_set(ip);

    if (err->type == PKT_ICMP4_DEST_UNREACH && err->code == PKT_ICMP4_FRAG_NEEDED)
        data = err->mtu & 0xffff; /* RFC 1191 4: next-hop MTU in the low 16 bits */
    else if (err->type == PKT_ICMP4_PARAM_PROBLEM)
        data = (err->pointer & 0xff) << 24;
    ih->type = err->type;
    ih->code = err->code;
    ih->csum = 0;
    ih->data = htonl(data);
    memcpy(ih + 1, orig, quote);
    ih->csum = pkt_csum(ih, PKT_ICMP_HLEN + quote);
    return (int)total;
}

static int icmp4_simple(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                        uint8_t type, uint8_t code, uint32_t mtu, uint32_t src)
{
    struct pkt_icmp_err e = {.type = type, .code = code, .mtu = mtu, .src.v4 = src};

    return pkt_icmp4_error_build(buf, cap, frame, pi, &e);
}

int pkt_icmp4_time_exceeded(uint8_t *buf, size_t cap, const uint8_t *frame,
                            const struct pkt_info *pi, uint32_t src)
{
    return icmp4_simple(buf, cap, frame, pi, PKT_ICMP4_TIME_EXCEEDED, 0, 0, src);
}

int pkt_icmp4_dest_unreach(uint8_t *buf, size_t cap, const uint8_t *frame,
                           const struct pkt_info *pi, uint8_t code, uint32_t src)
{
    return icmp4_simple(buf, cap, frame, pi, PKT_ICMP4_DEST_UNREACH, code, 0, src);
}

int pkt_icmp4_frag_needed(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          uint16_t mtu, uint32_t src)
{
    return icmp4_simple(buf, cap, frame, pi, PKT_ICMP4_DEST_UNREACH, PKT_ICMP4_FRAG_NEEDED, mtu,
                        src);
}

int pkt_icmp6_error_build(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          const struct pkt_icmp_err *err)
{
    struct ipv6_hdr *ip6 = (struct ipv6_hdr *)buf;
    struct icmp_hdr *ih = (struct icmp_hdr *)(buf + PKT_IPV6_HLEN);
    size_t quote = pi->l3_len, mlen;
    uint32_t data = 0;

    if (pi->l3 != PKT_L3_IPV6)
        return -EINVAL;
    if (quote > PKT_ICMP6_ERR_MAX - PKT_IPV6_HLEN - PKT_ICMP_HLEN)
        quote = PKT_ICMP6_ERR_MAX - PKT_IPV6_HLEN - PKT_ICMP_HLEN;
    mlen = PKT_ICMP_HLEN + quote;
    if (cap < PKT_IPV6_HLEN + mlen)
        return -ENOSPC;

    ip6->ver_tc_flow = htonl(0x60000000u);
    ip6->payload_len = htons((uint16_t)mlen);
    ip6->next_hdr = IPPROTO_ICMPV6;
    ip6->hop_limit = err->ttl ? err->ttl : ICMP4_DEFAULT_TTL;
    memcpy(ip6->saddr, &err->src.v6, 16);
    memcpy(ip6->daddr, &pi->src.v6, 16);

    if (err->type == PKT_ICMP6_PKT_TOO_BIG)
        data = err->mtu;
    else if (err->type == PKT_ICMP6_PARAM_PROBLEM)
        data = err->pointer;
    ih->type = err->type;
    ih->code = err->code;
    ih->csum = 0;
    ih->data = htonl(data);
    memcpy(ih + 1, frame + pi->l3_off, quote);
    ih->csum = pkt_l4_csum6(&err->src.v6, &pi->src.v6, IPPROTO_ICMPV6, ih, mlen);
    return (int)(PKT_IPV6_HLEN + mlen);
}

static int icmp6_simple(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                        uint8_t type, uint8_t code, uint32_t mtu, const struct in6_addr *src)
{
    struct pkt_icmp_err e = {.type = type, .code = code, .mtu = mtu, .src.v6 = *src};

    return pkt_icmp6_error_build(buf, cap, frame, pi, &e);
}

int pkt_icmp6_time_exceeded(uint8_t *buf, size_t cap, const uint8_t *frame,
                            const struct pkt_info *pi, const struct in6_addr *src)
{
    return icmp6_simple(buf, cap, frame, pi, PKT_ICMP6_TIME_EXCEEDED, 0, 0, src);
}

int pkt_icmp6_dest_unreach(uint8_t *buf, size_t cap, const uint8_t *frame,
                           const struct pkt_info *pi, uint8_t code, const struct in6_addr *src)
{
    return icmp6_simple(buf, cap, frame, pi, PKT_ICMP6_DEST_UNREACH, code, 0, src);
}

int pkt_icmp6_pkt_too_big(uint8_t *buf, size_t cap, const uint8_t *frame, const struct pkt_info *pi,
                          uint32_t mtu, const struct in6_addr *src)
{
    return icmp6_simple(buf, cap, frame, pi, PKT_ICMP6_PKT_TOO_BIG, 0, mtu, src);
}
