/*
 * pkt_addr.c - MAC and IP address helpers: formatting, multicast MACs, the
 * solicited-node group and the martian rules stated in pkt.h.
 */
#include <errno.h>
#include <stdio.h>

#include "pkt/pkt.h"

const uint8_t pkt_mac_bcast[PKT_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

char *pkt_mac_format(const uint8_t *mac, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    char *o = buf;

    for (int i = 0; i < PKT_ETH_ALEN; i++) {
        if (i)
            *o++ = ':';
        *o++ = hex[mac[i] >> 4];
        *o++ = hex[mac[i] & 0x0f];
    }
    *o = '\0';
    return buf;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int pkt_mac_parse(const char *s, uint8_t *mac)
{
    uint8_t out[PKT_ETH_ALEN];

    for (int i = 0; i < PKT_ETH_ALEN; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

        if (lo < 0)
            return -EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i < PKT_ETH_ALEN - 1 && *s++ != ':')
            return -EINVAL;
    }
    if (*s != '\0')
        return -EINVAL;
    memcpy(mac, out, PKT_ETH_ALEN);
    return 0;
}

void pkt_ipv4_mcast_mac(uint32_t group, uint8_t *mac)
{
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = (group >> 16) & 0x7f;
    mac[4] = (group >> 8) & 0xff;
    mac[5] = group & 0xff;
}

void pkt_ipv6_mcast_mac(const struct in6_addr *group, uint8_t *mac)
{
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, group->s6_addr + 12, 4);
}

void pkt_ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *out)
{
    struct in6_addr sn = {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff}}};

    memcpy(sn.s6_addr + 13, addr->s6_addr + 13, 3);
    *out = sn;
}

bool pkt_ipv4_src_martian(uint32_t a)
{
    /* 240/4 covers 255.255.255.255; 224/4 is multicast. */
    return pkt_ipv4_is_zeronet(a) || pkt_ipv4_is_loopback(a) || (a >> 28) >= 0xe;
}

bool pkt_ipv4_dst_martian(uint32_t a)
{
    return pkt_ipv4_is_zeronet(a) || pkt_ipv4_is_loopback(a) ||
           ((a >> 28) == 0xf && a != PKT_IPV4_BCAST);
}

bool pkt_ipv6_src_martian(const struct in6_addr *a)
{
    return pkt_ipv6_is_unspec(a) || pkt_ipv6_is_loopback(a) || pkt_ipv6_is_mcast(a) ||
           pkt_ipv6_is_v4mapped(a);
}

bool pkt_ipv6_dst_martian(const struct in6_addr *a)
{
    return pkt_ipv6_is_unspec(a) || pkt_ipv6_is_loopback(a) || pkt_ipv6_is_v4mapped(a) ||
           (pkt_ipv6_is_mcast(a) && pkt_ipv6_mcast_scope(a) <= 1);
}
