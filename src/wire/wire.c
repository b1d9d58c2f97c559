/*
 * wire.c - the wire header: encoding into headroom, decoding with every
 * length checked, overheads and the flow hash for the UDP source port. See
 * wire.h; the secure format is wire_secure.c, the sockets src/dp/port_wire.c.
 */
#include "wire/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/pkt.h"
#include "pkt/pkt_csum.h"

#define WIRE_SEC_EXTRA (12 + 16) /* secure header + tag (wire_secure.h) */

static const char *const drop_names[WIRE_DROP_MAX] = {[WIRE_OK] = "ok",
#define WIRE_DROP_NAME(id, name) [WIRE_DROP_##id] = name,
                                                      WIRE_DROPS(WIRE_DROP_NAME)
#undef WIRE_DROP_NAME
};

const char *wire_drop_name(int r)
{
    if (r < 0)
        r = -r;
    return r < WIRE_DROP_MAX ? drop_names[r] : "?";
}

/* ---- addresses -------------------------------------------------------------------- */

static int parse_port(const char *s, uint16_t *port)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v == 0 || v > 65535)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

int wire_addr_parse(const char *s, uint16_t default_port, struct wire_addr *out)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *port = NULL;
    size_t n;

    memset(out, 0, sizeof(*out));
    out->port = default_port;
    if (s == NULL)
        return -EINVAL;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || (n = (size_t)(close - s - 1)) == 0 || n >= sizeof(host))
            return -EINVAL;
        memcpy(host, s + 1, n);
        host[n] = '\0';
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return -EINVAL;
        out->family = AF_INET6;
    } else {
        const char *colon = strchr(s, ':');

        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            /* a bare IPv6 address: no port */
            n = strlen(s);
            out->family = AF_INET6;
        } else {
            n = colon != NULL ? (size_t)(colon - s) : strlen(s);
            if (colon != NULL)
                port = colon + 1;
            out->family = AF_INET;
        }
        if (n == 0 || n >= sizeof(host))
            return -EINVAL;
        memcpy(host, s, n);
        host[n] = '\0';
    }
    if (port != NULL && parse_port(port, &out->port) != 0)
        return -EINVAL;
    if (inet_pton(out->family, host, &out->u) != 1)
        return -EINVAL;
    return 0;
}

char *wire_addr_format(const struct wire_addr *a, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN];

    if (a->family != AF_INET && a->family != AF_INET6) {
        snprintf(buf, len, "-");
        return buf;
    }
    inet_ntop(a->family, &a->u, host, sizeof(host));
    if (a->family == AF_INET6)
        snprintf(buf, len, "[%s]:%u", host, a->port);
    else
        snprintf(buf, len, "%s:%u", host, a->port);
    return buf;
}

bool wire_addr_same_host(const struct wire_addr *a, const struct wire_addr *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == AF_INET)
        return a->u.v4.s_addr == b->u.v4.s_addr;
    if (a->family == AF_INET6)
        return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
    return true;
}

/* ---- header and overheads ------------------------------------------------------------ */

unsigned wire_overhead(enum wire_type type, int family)
{
    unsigned ip = family == AF_INET ? WIRE_IP4_HLEN : family == AF_INET6 ? WIRE_IP6_HLEN : 0;

    if (ip == 0)
        return 0;
    return ip + WIRE_UDP_HLEN + WIRE_HLEN + (type == WIRE_SECURE ? WIRE_SEC_EXTRA : 0);
}

void wire_hdr_put(uint8_t *p, uint32_t connector)
{
    p[0] = WIRE_FLAGS;
    p[1] = p[2] = p[3] = 0;
    p[4] = (uint8_t)(connector >> 24);
    p[5] = (uint8_t)(connector >> 16);
    p[6] = (uint8_t)(connector >> 8);
    p[7] = (uint8_t)connector;
}

int wire_hdr_get(const uint8_t *payload, size_t len, uint32_t *connector)
{
    if (len < WIRE_HLEN)
        return -WIRE_DROP_SHORT;
    if (payload[0] != WIRE_FLAGS)
        return -WIRE_DROP_BAD_FLAGS;
    if (payload[1] != 0 || payload[2] != 0 || payload[3] != 0)
        return -WIRE_DROP_BAD_RESERVED;
    *connector = (uint32_t)payload[4] << 24 | (uint32_t)payload[5] << 16 |
                 (uint32_t)payload[6] << 8 | payload[7];
    return 0;
}

/* ---- flow hash ----------------------------------------------------------------------- */

/* A small multiply-xorshift mix over 32-bit words (order matters, which is
 * fine: both directions of a flow may take different paths). */
static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v * 0x9e3779b1u;
    h = (h << 13) | (h >> 19);
    return h * 5 + 0xe6546b64u;
}

static uint32_t mix_bytes(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;

        for (size_t k = 0; k < 4 && i + k < n; k++)
            v |= (uint32_t)p[i + k] << (8 * k);
        h = mix(h, v);
    }
    return h;
}

static uint32_t fmix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static bool l4_has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 136; /* TCP UDP SCTP UDP-Lite */
}

uint16_t wire_flow_sport(const uint8_t *f, size_t len)
{
    uint32_t h = 0x5bd1e995u;
    size_t off = 12;
    uint16_t type;

    if (len < WIRE_ETH_HLEN)
        return (uint16_t)(WIRE_SPORT_LO + (fmix(mix_bytes(h, f, len)) & 0x3fff));
    type = (uint16_t)(f[12] << 8 | f[13]);
    for (int tags = 0; (type == PKT_ETH_P_8021Q || type == PKT_ETH_P_8021AD) && tags < 2; tags++) {
        if (len < off + 6)
            break;
        off += 4;
        type = (uint16_t)(f[off] << 8 | f[off + 1]);
    }
    off += 2;
    h = mix(h, type);
    if (type == PKT_ETH_P_IPV4 && len >= off + PKT_IPV4_HLEN && (f[off] >> 4) == 4) {
        size_t ihl = (size_t)(f[off] & 0xf) * 4;
        uint16_t frag = (uint16_t)(f[off + 6] << 8 | f[off + 7]);
        uint8_t proto = f[off + 9];

        h = mix(h, proto);
        h = mix_bytes(h, f + off + 12, 8);
        /* ports only in first (or only) fragments, else a flow's fragments split */
        if (ihl >= PKT_IPV4_HLEN && !(frag & (PKT_IPV4_MF | PKT_IPV4_OFFMASK)) &&
            l4_has_ports(proto) && len >= off + ihl + 4)
            h = mix_bytes(h, f + off + ihl, 4);
    } else if (type == PKT_ETH_P_IPV6 && len >= off + PKT_IPV6_HLEN && (f[off] >> 4) == 6) {
        uint8_t nh = f[off + 6];

        h = mix(h, nh);
        h = mix_bytes(h, f + off + 8, 32);
        h = mix_bytes(h, f + off + 1, 3); /* traffic class and flow label */
        if (l4_has_ports(nh) && len >= off + PKT_IPV6_HLEN + 4)
            h = mix_bytes(h, f + off + PKT_IPV6_HLEN, 4);
    } else {
        h = mix_bytes(h, f, 12); /* the MACs */
    }
    return (uint16_t)(WIRE_SPORT_LO + (fmix(h) & 0x3fff));
}

/* ---- encoding ------------------------------------------------------------------------ */

int wire_push_hdr(uint8_t **data, size_t *len, size_t headroom, uint32_t connector)
{
    if (headroom < WIRE_HLEN)
        return -ENOSPC;
    *data -= WIRE_HLEN;
    *len += WIRE_HLEN;
    wire_hdr_put(*data, connector);
    return 0;
}

int wire_push_udp_ip(uint8_t **data, size_t *len, size_t headroom, const struct wire_addr *src,
                     const struct wire_addr *dst, uint16_t sport)
{
    struct ipv4_hdr *ip;
    struct udp_hdr *udp;

    if (dst->family != AF_INET || (src->family != AF_INET && src->family != 0))
        return -EAFNOSUPPORT;
    if (headroom < WIRE_IP4_HLEN + WIRE_UDP_HLEN)
        return -ENOSPC;
    if (*len + WIRE_IP4_HLEN + WIRE_UDP_HLEN > 65535)
        return -EMSGSIZE;
    *data -= WIRE_IP4_HLEN + WIRE_UDP_HLEN;
    ip = (struct ipv4_hdr *)*data;
    udp = (struct udp_hdr *)(*data + WIRE_IP4_HLEN);
    udp->sport = htons(sport);
    udp->dport = htons(dst->port);
    udp->len = htons((uint16_t)(*len + WIRE_UDP_HLEN));
    udp->csum = 0;
    ip->ver_ihl = 0x45;
    ip->tos = 0;
    ip->tot_len = htons((uint16_t)(*len + WIRE_UDP_HLEN + WIRE_IP4_HLEN));
    ip->id = 0;
    ip->frag_off = htons(PKT_IPV4_DF);
    ip->ttl = WIRE_TTL;
    ip->proto = 17;
    ip->saddr = src->family == AF_INET ? src->u.v4.s_addr : 0;
    ip->daddr = dst->u.v4.s_addr;
    pkt_ipv4_csum_set(ip);
    *len += WIRE_IP4_HLEN + WIRE_UDP_HLEN;
    return 0;
}

int wire_push_eth(uint8_t **data, size_t *len, size_t headroom, const uint8_t dst_mac[6],
                  const uint8_t src_mac[6])
{
    if (headroom < WIRE_ETH_HLEN)
        return -ENOSPC;
    *data -= WIRE_ETH_HLEN;
    *len += WIRE_ETH_HLEN;
    memcpy(*data, dst_mac, 6);
    memcpy(*data + 6, src_mac, 6);
    (*data)[12] = PKT_ETH_P_IPV4 >> 8;
    (*data)[13] = PKT_ETH_P_IPV4 & 0xff;
    return 0;
}

int wire_encap_frame(const struct wire_encap *e, uint8_t **data, size_t *len, size_t headroom)
{
    uint16_t sport = wire_flow_sport(*data, *len);
    uint8_t *d = *data;
    size_t l = *len;
    int rc;

    if (headroom < WIRE_ETH_HLEN + WIRE_IP4_HLEN + WIRE_UDP_HLEN + WIRE_HLEN)
        return e->dst.family == AF_INET ? -ENOSPC : -EAFNOSUPPORT;
    if ((rc = wire_push_hdr(&d, &l, headroom, e->connector)) != 0 ||
        (rc = wire_push_udp_ip(&d, &l, headroom - WIRE_HLEN, &e->src, &e->dst, sport)) != 0 ||
        (rc = wire_push_eth(&d, &l, headroom - WIRE_HLEN - WIRE_IP4_HLEN - WIRE_UDP_HLEN,
                            e->dst_mac, e->src_mac)) != 0)
        return rc;
    *data = d;
    *len = l;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------------ */

/* The wire header at payload (hdr_off into what out describes) and the rest. */
static int decode_payload(const uint8_t *payload, size_t len, enum wire_type type, size_t hdr_off,
                          struct wire_pkt *out)
{
    int rc = wire_hdr_get(payload, len, &out->connector);

    if (rc != 0)
        return rc;
    out->hdr_off = hdr_off;
    out->inner_off = hdr_off + WIRE_HLEN;
    out->inner_len = len - WIRE_HLEN;
    if (type == WIRE_ENCAP && out->inner_len < WIRE_ETH_HLEN)
        return -WIRE_DROP_INNER_SHORT;
    return 0;
}

int wire_decode_payload(const uint8_t *payload, size_t len, enum wire_type type,
                        struct wire_pkt *out)
{
    memset(out, 0, sizeof(*out));
    return decode_payload(payload, len, type, 0, out);
}

int wire_decode_frame(const uint8_t *f, size_t len, uint16_t udp_port, enum wire_type type,
                      struct wire_pkt *out)
{
    size_t off = WIRE_ETH_HLEN, ihl, ip_len, udp_len;
    const struct ipv4_hdr *ip;
    const struct udp_hdr *udp;
    uint16_t etype;

    memset(out, 0, sizeof(*out));
    if (len < WIRE_ETH_HLEN)
        return -WIRE_DROP_SHORT;
    etype = (uint16_t)(f[12] << 8 | f[13]);
    if (etype == PKT_ETH_P_8021Q) {
        if (len < WIRE_ETH_HLEN + 4)
            return -WIRE_DROP_SHORT;
        etype = (uint16_t)(f[16] << 8 | f[17]);
        off += 4;
    }
    if (etype != PKT_ETH_P_IPV4)
        return -WIRE_DROP_NOT_IP;
    if (len - off < WIRE_IP4_HLEN)
        return -WIRE_DROP_SHORT;
    ip = (const struct ipv4_hdr *)(f + off);
    ihl = (size_t)(ip->ver_ihl & 0xf) * 4;
    ip_len = ntohs(ip->tot_len);
    if ((ip->ver_ihl >> 4) != 4 || ihl < WIRE_IP4_HLEN || ip_len < ihl)
        return -WIRE_DROP_BAD_IP;
    if (ip_len > len - off)
        return -WIRE_DROP_SHORT;
    if (ntohs(ip->frag_off) & (PKT_IPV4_MF | PKT_IPV4_OFFMASK))
        return -WIRE_DROP_FRAGMENT;
    if (ip->proto != 17)
        return -WIRE_DROP_NOT_UDP;
    if (ip_len - ihl < WIRE_UDP_HLEN)
        return -WIRE_DROP_SHORT;
    udp = (const struct udp_hdr *)(f + off + ihl);
    udp_len = ntohs(udp->len);
    if (udp_len < WIRE_UDP_HLEN || udp_len > ip_len - ihl)
        return -WIRE_DROP_BAD_UDP;
    if (ntohs(udp->dport) != udp_port)
        return -WIRE_DROP_WRONG_PORT;
    out->src.family = out->dst.family = AF_INET;
    out->src.u.v4.s_addr = ip->saddr;
    out->dst.u.v4.s_addr = ip->daddr;
    out->src.port = ntohs(udp->sport);
    out->dst.port = ntohs(udp->dport);
    /* trailing bytes after the IP packet (Ethernet padding) are not payload */
    return decode_payload(f + off + ihl + WIRE_UDP_HLEN, udp_len - WIRE_UDP_HLEN, type,
                          off + ihl + WIRE_UDP_HLEN, out);
}
