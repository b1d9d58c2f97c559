/*
 * pkt_parse.c - the frame parser of pkt.h: Ethernet, one VLAN tag, ARP,
 * IPv4 (options checked for shape), IPv6 (extension header chain walked,
 * bounded) and the first bytes of UDP, TCP and ICMP. Reads in place, never
 * allocates, checks every length before the bytes it covers are read, and
 * each parser leaves through one exit with its reason.
 */
#include <arpa/inet.h>

#include "pkt/pkt.h"
#include "pkt/pkt_csum.h"

static const char *const err_names[PKT_ERR_COUNT] = {
    [0] = "ok",
    [-PKT_ERR_TRUNC_ETH] = "trunc_eth",
    [-PKT_ERR_TRUNC_VLAN] = "trunc_vlan",
    [-PKT_ERR_TRUNC_ARP] = "trunc_arp",
    [-PKT_ERR_ARP_FORMAT] = "arp_format",
    [-PKT_ERR_ARP_OP] = "arp_op",
    [-PKT_ERR_TRUNC_IP] = "trunc_ip",
    [-PKT_ERR_IP_VERSION] = "ip_version",
    [-PKT_ERR_IP_HDRLEN] = "ip_hdrlen",
    [-PKT_ERR_IP_TOTLEN] = "ip_totlen",
    [-PKT_ERR_IP_CSUM] = "ip_csum",
    [-PKT_ERR_IP_OPTS] = "ip_opts",
    [-PKT_ERR_IP_FRAG] = "ip_frag",
    [-PKT_ERR_IP6_PAYLEN] = "ip6_paylen",
    [-PKT_ERR_IP6_EXTHDR] = "ip6_exthdr",
    [-PKT_ERR_TRUNC_L4] = "trunc_l4",
    [-PKT_ERR_L4_HDRLEN] = "l4_hdrlen",
    [-PKT_ERR_ND_FORMAT] = "nd_format",
    [-PKT_ERR_L4_CSUM] = "l4_csum",
};

const char *pkt_err_name(int err)
{
    if (err > 0 || err <= -PKT_ERR_COUNT || !err_names[-err])
        return "unknown";
    return err_names[-err];
}

/*
 * Upper-layer header at l4[0..avail): ports or ICMP type/code. Only called
 * for unfragmented packets and first fragments, which must hold the whole
 * header (RFC 1858 for IPv4, RFC 7112 for IPv6).
 */
static int parse_l4(const uint8_t *l4, size_t avail, uint8_t icmp_proto, struct pkt_info *pi)
{
    size_t hl = 0;
    int err = 0;

    if (pi->proto == IPPROTO_UDP || pi->proto == IPPROTO_TCP) {
        const struct udp_hdr *uh = (const struct udp_hdr *)l4;

        hl = pi->proto == IPPROTO_UDP ? PKT_UDP_HLEN : PKT_TCP_HLEN;
        if (avail < hl) {
            err = PKT_ERR_TRUNC_L4;
            goto drop;
        }
        pi->sport = ntohs(uh->sport);
        pi->dport = ntohs(uh->dport);
        if (pi->proto == IPPROTO_TCP) {
            hl = (size_t)(((const struct tcp_hdr *)l4)->doff >> 4) * 4;
            if (hl < PKT_TCP_HLEN || hl > avail) {
                err = PKT_ERR_L4_HDRLEN;
                goto drop;
            }
        }
    } else if (pi->proto == icmp_proto) {
        const struct icmp_hdr *ih = (const struct icmp_hdr *)l4;

        hl = PKT_ICMP_HLEN;
        if (avail < hl) {
            err = PKT_ERR_TRUNC_L4;
            goto drop;
        }
        pi->icmp_type = ih->type;
        pi->icmp_code = ih->code;
    } else {
        return 0; /* another protocol: the router does not look inside */
    }
    pi->flags |= PKT_F_L4;
    pi->payload_off = (uint16_t)(pi->l4_off + hl);
    return 0;
drop:
    return err;
}

static int parse_arp(const uint8_t *p, size_t avail, struct pkt_info *pi)
{
    const struct arp_hdr *ah = (const struct arp_hdr *)p;
    int err;

    pi->l3 = PKT_L3_ARP;
    if (avail < PKT_ARP_HLEN) {
        err = PKT_ERR_TRUNC_ARP;
        goto drop;
    }
    if (ntohs(ah->htype) != PKT_ARP_HTYPE_ETH || ntohs(ah->ptype) != PKT_ETH_P_IPV4 ||
        ah->hlen != PKT_ETH_ALEN || ah->plen != 4) {
        err = PKT_ERR_ARP_FORMAT;
        goto drop;
    }
    pi->arp_op = ntohs(ah->op);
    if (pi->arp_op != PKT_ARP_OP_REQUEST && pi->arp_op != PKT_ARP_OP_REPLY) {
        err = PKT_ERR_ARP_OP;
        goto drop;
    }
    pi->l3_len = PKT_ARP_HLEN;
    pi->src.v4 = pkt_get_be32(ah->spa);
    pi->dst.v4 = pkt_get_be32(ah->tpa);
    return 0;
drop:
    return err;
}

/* Options must each fit in the header (RFC 791 3.1); their meaning is not ours. */
static bool ipv4_opts_ok(const uint8_t *o, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (o[i] == 0) /* end of option list */
            break;
        if (o[i] == 1) { /* no operation */
            i++;
            continue;
        }
        if (i + 1 >= n || o[i + 1] < 2 || o[i + 1] > n - i)
            return false;
        i += o[i + 1];
    }
    return true;
}

static int parse_ipv4(const uint8_t *p, size_t avail, struct pkt_info *pi)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p;
    size_t hl, tot;
    uint16_t fo;
    int err;

    pi->l3 = PKT_L3_IPV4;
    if (avail < PKT_IPV4_HLEN) {
        err = PKT_ERR_TRUNC_IP;
        goto drop;
    }
    if ((ip->ver_ihl >> 4) != 4) {
        err = PKT_ERR_IP_VERSION;
        goto drop;
    }
    hl = (size_t)(ip->ver_ihl & 0x0f) * 4;
    if (hl < PKT_IPV4_HLEN) {
        err = PKT_ERR_IP_HDRLEN;
        goto drop;
    }
    if (hl > avail) {
        err = PKT_ERR_TRUNC_IP;
        goto drop;
    }
    tot = ntohs(ip->tot_len);
    if (tot < hl || tot > avail) {
        err = PKT_ERR_IP_TOTLEN;
        goto drop;
    }
    if (pkt_csum(ip, hl) != 0) {
        err = PKT_ERR_IP_CSUM;
        goto drop;
    }
    if (hl > PKT_IPV4_HLEN) {
        pi->flags |= PKT_F_IP_OPTS;
        if (!ipv4_opts_ok(p + PKT_IPV4_HLEN, hl - PKT_IPV4_HLEN)) {
            err = PKT_ERR_IP_OPTS;
            goto drop;
        }
    }
    fo = ntohs(ip->frag_off);
    pi->frag_off = (uint16_t)((fo & PKT_IPV4_OFFMASK) * 8);
    if (fo & PKT_IPV4_DF)
        pi->flags |= PKT_F_DF;
    if (fo & PKT_IPV4_MF)
        pi->flags |= PKT_F_MF;
    if ((fo & PKT_IPV4_MF) || pi->frag_off)
        pi->flags |= PKT_F_FRAG;
    /* The reassembled datagram would be longer than 65535 bytes. */
    if ((size_t)pi->frag_off + tot > 65535) {
        err = PKT_ERR_IP_FRAG;
        goto drop;
    }
    pi->l3_len = (uint32_t)tot;
    pi->tos = ip->tos;
    pi->ttl = ip->ttl;
    pi->proto = ip->proto;
    pi->frag_id = ntohs(ip->id);
    pi->src.v4 = ntohl(ip->saddr);
    pi->dst.v4 = ntohl(ip->daddr);
    pi->l4_off = (uint16_t)(pi->l3_off + hl);
    pi->payload_off = pi->l4_off;
    err = 0;
    if (pi->frag_off == 0)
        err = parse_l4(p + hl, tot - hl, IPPROTO_ICMP, pi);
drop:
    return err;
}

static int parse_ipv6(const uint8_t *p, size_t avail, struct pkt_info *pi)
{
    const struct ipv6_hdr *ip6 = (const struct ipv6_hdr *)p;
    size_t pos = PKT_IPV6_HLEN, end;
    unsigned int n = 0;
    uint8_t nh;
    int err;

    pi->l3 = PKT_L3_IPV6;
    if (avail < PKT_IPV6_HLEN) {
        err = PKT_ERR_TRUNC_IP;
        goto drop;
    }
    if ((p[0] >> 4) != 6) {
        err = PKT_ERR_IP_VERSION;
        goto drop;
    }
    end = PKT_IPV6_HLEN + (size_t)ntohs(ip6->payload_len);
    nh = ip6->next_hdr;
    /* Payload length 0 with hop-by-hop options is a jumbogram (RFC 2675): not on our links. */
    if (end > avail || (end == PKT_IPV6_HLEN && nh == IPPROTO_HOPOPTS)) {
        err = PKT_ERR_IP6_PAYLEN;
        goto drop;
    }
    pi->l3_len = (uint32_t)end;
    pi->tos = (uint8_t)(ntohl(ip6->ver_tc_flow) >> 20);
    pi->ttl = ip6->hop_limit;
    memcpy(&pi->src.v6, ip6->saddr, 16);
    memcpy(&pi->dst.v6, ip6->daddr, 16);

    for (;;) {
        size_t hl;

        if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
            nh != IPPROTO_FRAGMENT && nh != IPPROTO_AH)
            break;
        /* Hop-by-hop only right after the fixed header (RFC 8200 4.1). */
        if (n >= PKT_IP6_MAX_EXTHDR || (nh == IPPROTO_HOPOPTS && n != 0) || end - pos < 8) {
            err = PKT_ERR_IP6_EXTHDR;
            goto drop;
        }
        if (nh == IPPROTO_FRAGMENT) {
            const struct ipv6_frag_hdr *fh = (const struct ipv6_frag_hdr *)(p + pos);
            uint16_t fo = ntohs(fh->frag_off);

            if (pi->flags & PKT_F_FRAG) { /* a second fragment header */
                err = PKT_ERR_IP6_EXTHDR;
                goto drop;
            }
            pi->flags |= PKT_F_FRAG | ((fo & 1) ? PKT_F_MF : 0);
            pi->frag_off = fo & 0xfff8;
            pi->frag_id = ntohl(fh->id);
            hl = 8;
        } else if (nh == IPPROTO_AH) {
            hl = ((size_t)p[pos + 1] + 2) * 4; /* RFC 4302 2.2: in 32-bit words, minus 2 */
        } else {
            hl = ((size_t)p[pos + 1] + 1) * 8;
            if (nh == IPPROTO_HOPOPTS)
                pi->flags |= PKT_F_IP6_HBH;
        }
        if (hl > end - pos) {
            err = PKT_ERR_IP6_EXTHDR;
            goto drop;
        }
        nh = p[pos];
        pos += hl;
        n++;
    }
    if (n)
        pi->flags |= PKT_F_IP6_EXT;
    pi->proto = nh;
    pi->l4_off = (uint16_t)(pi->l3_off + pos);
    pi->payload_off = pi->l4_off;
    err = 0;
    if (pi->frag_off == 0)
        err = parse_l4(p + pos, end - pos, IPPROTO_ICMPV6, pi);
drop:
    return err;
}

int pkt_parse(const uint8_t *buf, size_t len, struct pkt_info *pi)
{
    const struct eth_hdr *eh = (const struct eth_hdr *)buf;
    size_t off = PKT_ETH_HLEN;
    uint16_t type;
    int err;

    memset(pi, 0, sizeof(*pi));
    if (len < PKT_ETH_HLEN) {
        err = PKT_ERR_TRUNC_ETH;
        goto drop;
    }
    if (pkt_mac_is_mcast(eh->dst))
        pi->flags |= PKT_F_L2_MCAST | (pkt_mac_is_bcast(eh->dst) ? PKT_F_L2_BCAST : 0);
    type = ntohs(eh->type);
    if (type == PKT_ETH_P_8021Q || type == PKT_ETH_P_8021AD) {
        const struct vlan_hdr *vh = (const struct vlan_hdr *)(buf + off);

        if (len < PKT_ETH_HLEN + PKT_VLAN_HLEN) {
            err = PKT_ERR_TRUNC_VLAN;
            goto drop;
        }
        pi->flags |= PKT_F_VLAN;
        pi->vlan_tci = ntohs(vh->tci);
        type = ntohs(vh->type);
        off += PKT_VLAN_HLEN;
    }
    pi->ethertype = type;
    pi->l3_off = (uint16_t)off;
    switch (type) {
    case PKT_ETH_P_ARP:
        err = parse_arp(buf + off, len - off, pi);
        break;
    case PKT_ETH_P_IPV4:
        err = parse_ipv4(buf + off, len - off, pi);
        break;
    case PKT_ETH_P_IPV6:
        err = parse_ipv6(buf + off, len - off, pi);
        break;
    default:
        err = 0; /* not ours to judge: the caller counts unknown ethertypes */
        break;
    }
drop:
    return err;
}
