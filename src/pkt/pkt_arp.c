/*
 * pkt_arp.c - Ethernet header and ARP builders (RFC 826, RFC 5227).
 * ND and ICMP builders are in pkt_nd.c and pkt_icmp.c.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "pkt/pkt_build.h"

int pkt_eth_build(uint8_t *buf, size_t cap, const uint8_t *dst, const uint8_t *src,
                  uint16_t ethertype)
{
    struct eth_hdr *eh = (struct eth_hdr *)buf;

    if (cap < PKT_ETH_HLEN)
        return -ENOSPC;
    memcpy(eh->dst, dst, PKT_ETH_ALEN);
    memcpy(eh->src, src, PKT_ETH_ALEN);
    eh->type = htons(ethertype);
    return PKT_ETH_HLEN;
}

int pkt_arp_build(uint8_t *buf, size_t cap, const uint8_t *eth_dst, uint16_t op, const uint8_t *sha,
                  uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
    struct arp_hdr *ah = (struct arp_hdr *)(buf + PKT_ETH_HLEN);

    if (cap < PKT_ETH_HLEN + PKT_ARP_HLEN)
        return -ENOSPC;
    pkt_eth_build(buf, cap, eth_dst, sha, PKT_ETH_P_ARP);
    ah->htype = htons(PKT_ARP_HTYPE_ETH);
    ah->ptype = htons(PKT_ETH_P_IPV4);
    ah->hlen = PKT_ETH_ALEN;
    ah->plen = 4;
    ah->op = htons(op);
    memcpy(ah->sha, sha, PKT_ETH_ALEN);
    pkt_put_be32(ah->spa, spa);
    if (tha)
        memcpy(ah->tha, tha, PKT_ETH_ALEN);
    else
        memset(ah->tha, 0, PKT_ETH_ALEN);
    pkt_put_be32(ah->tpa, tpa);
    return PKT_ETH_HLEN + PKT_ARP_HLEN;
}

int pkt_arp_request(uint8_t *buf, size_t cap, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
    return pkt_arp_build(buf, cap, pkt_mac_bcast, PKT_ARP_OP_REQUEST, sha, spa, NULL, tpa);
}

int pkt_arp_reply(uint8_t *buf, size_t cap, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
                  uint32_t tpa)
{
    return pkt_arp_build(buf, cap, tha, PKT_ARP_OP_REPLY, sha, spa, tha, tpa);
}

int pkt_arp_gratuitous(uint8_t *buf, size_t cap, const uint8_t *mac, uint32_t ip, uint16_t op)
{
    if (op == PKT_ARP_OP_REQUEST)
        return pkt_arp_build(buf, cap, pkt_mac_bcast, op, mac, ip, NULL, ip);
    if (op == PKT_ARP_OP_REPLY)
        return pkt_arp_build(buf, cap, pkt_mac_bcast, op, mac, ip, mac, ip);
    return -EINVAL;
}
