/*
 * dp_test.h - what the src/dp unit tests share: a test clock, a data plane
 * with one VR on in-memory ports, and frame makers and checkers that compute
 * every checksum themselves (RFC 1071, written out again here) so that the
 * pipeline is never checked against the code it uses.
 *
 * The VR "r1" of t_env_create():
 *   eth1  02:00:00:00:01:01  10.0.1.1/24  2001:db8:1::1/64  fe80::1:1/64  port p1, tap tap1
 *   eth2  02:00:00:00:02:01  10.0.2.1/24  2001:db8:2::1/64  fe80::2:1/64  port p2, tap tap2
 *   eth3  02:00:00:00:03:01  10.0.3.1/24                                  port p3, no tap
 * Hosts: A = 10.0.1.2 / 2001:db8:1::2 at T_MAC_A on p1,
 *        B = 10.0.2.2 / 2001:db8:2::2 at T_MAC_B on p2 (the gateway of the routes below).
 * Routes: 192.0.2.0/24 via 10.0.2.2, 198.51.100.0/24 blackhole, 203.0.113.0/24
 * unreachable, 100.64.0.0/24 prohibit, 2001:db8:99::/48 via 2001:db8:2::2,
 * 2001:db8:98::/48 unreachable.
 */
#ifndef VROOM_TESTS_DP_TEST_H
#define VROOM_TESTS_DP_TEST_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dp/dp.h"
#include "dp/dp_impl.h"
#include "dp/neigh.h"
#include "dp/port.h"
#include "dp/vr.h"
#include "lib/inet.h"

#define T_SEC 1000000000ull
#define T_MS  1000000ull

#define T_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t T_MAC_IF1[6] = {0x02, 0, 0, 0, 0x01, 0x01};
static const uint8_t T_MAC_IF2[6] = {0x02, 0, 0, 0, 0x02, 0x01};
static const uint8_t T_MAC_IF3[6] = {0x02, 0, 0, 0, 0x03, 0x01};
static const uint8_t T_MAC_A[6] = {0x02, 0xaa, 0, 0, 0, 0x02};
static const uint8_t T_MAC_B[6] = {0x02, 0xbb, 0, 0, 0, 0x02};
static const uint8_t T_MAC_C[6] = {0x02, 0xcc, 0, 0, 0, 0x03};
static const uint8_t T_MAC_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t T_MAC_ZERO[6] = {0};

struct t_env {
    uint64_t now; /* the data plane's clock */
    struct dp *dp;
    struct vr *vr;
    struct port *p1, *p2, *p3, *p4; /* external; p4 is bound to nothing */
    struct port *t1, *t2;           /* taps of eth1, eth2 */
    struct vr_iface *if1, *if2, *if3;
};

static inline uint64_t t_clock(void *arg)
{
    return *(const uint64_t *)arg;
}

static inline struct inet_addr t_addr(const char *s)
{
    struct inet_addr a;

    if (inet_addr_parse(s, AF_UNSPEC, &a, NULL, 0) != 0)
        abort();
    return a;
}

static inline struct inet_prefix t_prefix(const char *s)
{
    struct inet_prefix p;

    if (inet_prefix_parse(s, AF_UNSPEC, &p, NULL, 0) != 0)
        abort();
    return p;
}

static inline struct inet_prefix t_ifaddr(const char *s)
{
    struct inet_prefix p;

    if (inet_ifaddr_parse(s, AF_UNSPEC, &p, NULL, 0) != 0)
        abort();
    return p;
}

static inline struct in6_addr t_in6(const char *s)
{
    struct in6_addr a;

    if (inet_pton(AF_INET6, s, &a) != 1)
        abort();
    return a;
}

/* Add a route after vr_route_check; aborts if either refuses. */
static inline void t_route(struct vr *vr, const char *dst, enum nh_type type, const char *gw)
{
    struct vr_route r = {.dst = t_prefix(dst), .type = type, .iface = -1};
    char err[128];

    if (gw != NULL)
        r.gw = t_addr(gw);
    if (vr_route_check(vr, &r, err, sizeof(err)) != 0 || vr_route_add(vr, &r) != 0)
        abort();
}

static inline struct vr_iface *t_iface(struct vr *vr, const char *name, const uint8_t *mac,
                                       uint16_t mtu, const char *const *addrs)
{
    struct inet_prefix a[VR_ADDRS_MAX];
    unsigned n = 0;
    char err[128];

    for (; addrs[n] != NULL; n++)
        a[n] = t_ifaddr(addrs[n]);
    if (vr_iface_add(vr, name, mac, mtu, a, n, err, sizeof(err)) != 0)
        abort();
    return vr_iface_find(vr, name);
}

static inline struct t_env *t_env_create(const struct dp_config *cfg)
{
    static const char *const a1[] = {"10.0.1.1/24", "2001:db8:1::1/64", "fe80::1:1/64", NULL};
    static const char *const a2[] = {"10.0.2.1/24", "2001:db8:2::1/64", "fe80::2:1/64", NULL};
    static const char *const a3[] = {"10.0.3.1/24", NULL};
    struct t_env *e = calloc(1, sizeof(*e));
    char err[128];

    if (e == NULL)
        abort();
    e->now = 1000 * T_SEC;
    e->dp = dp_create(NULL, cfg);
    if (e->dp == NULL)
        abort();
    dp_set_clock(e->dp, t_clock, &e->now);
    if (dp_port_add(e->dp, "mem", "p1", NULL, -1, &e->p1, err, sizeof(err)) != 0 ||
        dp_port_add(e->dp, "mem", "p2", NULL, -1, &e->p2, err, sizeof(err)) != 0 ||
        dp_port_add(e->dp, "mem", "p3", NULL, -1, &e->p3, err, sizeof(err)) != 0 ||
        dp_port_add(e->dp, "mem", "p4", NULL, -1, &e->p4, err, sizeof(err)) != 0)
        abort();
    e->vr = dp_vr_create(e->dp, "r1", err, sizeof(err));
    if (e->vr == NULL)
        abort();
    e->if1 = t_iface(e->vr, "eth1", T_MAC_IF1, 1500, a1);
    e->if2 = t_iface(e->vr, "eth2", T_MAC_IF2, 1500, a2);
    e->if3 = t_iface(e->vr, "eth3", T_MAC_IF3, 1500, a3);
    vr_iface_bind(e->if1, e->p1);
    vr_iface_bind(e->if2, e->p2);
    vr_iface_bind(e->if3, e->p3);
    if (port_open("mem", "tap1", NULL, -1, dp_pool(e->dp), &e->t1, err, sizeof(err)) != 0 ||
        port_open("mem", "tap2", NULL, -1, dp_pool(e->dp), &e->t2, err, sizeof(err)) != 0 ||
        dp_iface_set_tap(e->dp, e->if1, e->t1) != 0 || dp_iface_set_tap(e->dp, e->if2, e->t2) != 0)
        abort();
    t_route(e->vr, "192.0.2.0/24", NH_UNICAST, "10.0.2.2");
    t_route(e->vr, "198.51.100.0/24", NH_BLACKHOLE, NULL);
    t_route(e->vr, "203.0.113.0/24", NH_UNREACHABLE, NULL);
    t_route(e->vr, "100.64.0.0/24", NH_PROHIBIT, NULL);
    t_route(e->vr, "2001:db8:99::/48", NH_UNICAST, "2001:db8:2::2");
    t_route(e->vr, "2001:db8:98::/48", NH_UNREACHABLE, NULL);
    return e;
}

/* Frames nobody took from p (freed). */
static inline unsigned t_drain(struct port *p)
{
    struct pbuf *b;
    unsigned n = 0;

    while ((b = port_mem_take(p)) != NULL) {
        pbuf_free(b);
        n++;
    }
    return n;
}

/* ---- checksums, done independently of src/pkt ------------------------------ */

static inline uint32_t t_sum(uint32_t s, const void *buf, size_t n)
{
    const uint8_t *b = buf;
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        s += (uint32_t)b[i] << 8 | b[i + 1];
    if (n & 1)
        s += (uint32_t)b[n - 1] << 8;
    return s;
}

/* Folded and complemented, host order. */
static inline uint16_t t_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static inline uint16_t t_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t t_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void t_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void t_put32(uint8_t *p, uint32_t v)
{
    t_put16(p, (uint16_t)(v >> 16));
    t_put16(p + 2, (uint16_t)v);
}

/* Pseudo-header sums: IPv4 (addresses as in the packet), IPv6. */
static inline uint32_t t_pseudo4(const uint8_t *ip, uint8_t proto, size_t len)
{
    uint32_t s = t_sum(0, ip + 12, 8);

    return s + proto + (uint32_t)len;
}

static inline uint32_t t_pseudo6(const uint8_t *ip6, uint8_t nh, size_t len)
{
    uint32_t s = t_sum(0, ip6 + 8, 32);

    return s + nh + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
}

/* ---- frame makers ------------------------------------------------------------ */

static inline size_t t_eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    t_put16(f + 12, type);
    return 14;
}

static inline size_t t_arp(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint16_t op,
                           const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
    uint8_t *a = f + t_eth(f, edst, esrc, 0x0806);

    t_put16(a, 1);
    t_put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    t_put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    t_put32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    t_put32(a + 24, tpa);
    return 42;
}

/* The patterned payload byte i. */
static inline uint8_t t_pat(size_t i)
{
    return (uint8_t)(i * 7 + 3);
}

/* Ethernet + IPv4 (no options) around l4[0..l4len); the L4 checksum is the caller's. */
static inline size_t t_ip4(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint8_t proto,
                           uint32_t src, uint32_t dst, uint8_t ttl, uint16_t frag,
                           const uint8_t *l4, size_t l4len)
{
    uint8_t *ip = f + t_eth(f, edst, esrc, 0x0800);

    memset(ip, 0, 20);
    ip[0] = 0x45;
    t_put16(ip + 2, (uint16_t)(20 + l4len));
    t_put16(ip + 4, 0x1234);
    t_put16(ip + 6, frag);
    ip[8] = ttl;
    ip[9] = proto;
    t_put32(ip + 12, src);
    t_put32(ip + 16, dst);
    t_put16(ip + 10, t_fold(t_sum(0, ip, 20)));
    memcpy(ip + 20, l4, l4len);
    return 14 + 20 + l4len;
}

/* UDP (proto 17) or TCP (6) segment with paylen patterned bytes and its checksum. */
static inline size_t t_l4(uint8_t *l4, uint8_t proto, uint16_t sport, uint16_t dport, size_t paylen)
{
    size_t hl = proto == 6 ? 20 : 8;

    memset(l4, 0, hl);
    t_put16(l4, sport);
    t_put16(l4 + 2, dport);
    if (proto == 6) {
        t_put32(l4 + 4, 1000);
        l4[12] = 5 << 4;
        l4[13] = 0x18;
        t_put16(l4 + 14, 8192);
    } else {
        t_put16(l4 + 4, (uint16_t)(8 + paylen));
    }
    for (size_t i = 0; i < paylen; i++)
        l4[hl + i] = t_pat(i);
    return hl + paylen;
}

static inline void t_l4_csum4(uint8_t *f, uint8_t proto)
{
    uint8_t *ip = f + 14, *l4 = ip + 20;
    size_t len = t_get16(ip + 2) - 20u;
    unsigned off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    uint16_t c;

    t_put16(l4 + off, 0);
    c = t_fold(t_sum(proto == 1 ? 0 : t_pseudo4(ip, proto, len), l4, len));
    if (c == 0 && proto == 17)
        c = 0xffff;
    t_put16(l4 + off, c);
}

/* UDP in IPv4: src port 4000, dst port dport, paylen bytes. */
static inline size_t t_udp4(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint32_t src,
                            uint32_t dst, uint8_t ttl, uint16_t frag, uint16_t dport, size_t paylen)
{
    uint8_t l4[9000];
    size_t n = t_l4(l4, 17, 4000, dport, paylen), len;

    len = t_ip4(f, edst, esrc, 17, src, dst, ttl, frag, l4, n);
    t_l4_csum4(f, 17);
    return len;
}

static inline size_t t_tcp4(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint32_t src,
                            uint32_t dst, uint8_t ttl, uint16_t dport, size_t paylen)
{
    uint8_t l4[9000];
    size_t n = t_l4(l4, 6, 4000, dport, paylen), len;

    len = t_ip4(f, edst, esrc, 6, src, dst, ttl, 0, l4, n);
    t_l4_csum4(f, 6);
    return len;
}

/* ICMP (type, code) with 4 bytes of rest-of-header and paylen patterned bytes. */
static inline size_t t_icmp4(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint32_t src,
                             uint32_t dst, uint8_t ttl, uint8_t type, uint8_t code, size_t paylen)
{
    uint8_t l4[2048] = {type, code, 0, 0, 0x12, 0x34, 0, 1};
    size_t len;

    for (size_t i = 0; i < paylen; i++)
        l4[8 + i] = t_pat(i);
    len = t_ip4(f, edst, esrc, 1, src, dst, ttl, 0, l4, 8 + paylen);
    t_l4_csum4(f, 1);
    return len;
}

/* Ethernet + IPv6 around l4[0..l4len) (next header nh), with the ICMPv6/UDP/TCP checksum. */
static inline size_t t_ip6(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint8_t nh,
                           const char *src, const char *dst, uint8_t hlim, const uint8_t *l4,
                           size_t l4len)
{
    uint8_t *ip6 = f + t_eth(f, edst, esrc, 0x86dd), *p = ip6 + 40;
    struct in6_addr s = t_in6(src), d = t_in6(dst);
    int off = nh == 58 ? 2 : nh == 17 ? 6 : nh == 6 ? 16 : -1;

    memset(ip6, 0, 40);
    ip6[0] = 0x60;
    t_put16(ip6 + 4, (uint16_t)l4len);
    ip6[6] = nh;
    ip6[7] = hlim;
    memcpy(ip6 + 8, &s, 16);
    memcpy(ip6 + 24, &d, 16);
    memcpy(p, l4, l4len);
    if (off >= 0 && l4len >= (size_t)off + 2) {
        uint16_t c;

        t_put16(p + off, 0);
        c = t_fold(t_sum(t_pseudo6(ip6, nh, l4len), p, l4len));
        if (c == 0 && nh == 17)
            c = 0xffff;
        t_put16(p + off, c);
    }
    return 14 + 40 + l4len;
}

static inline size_t t_udp6(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, const char *src,
                            const char *dst, uint8_t hlim, size_t paylen)
{
    uint8_t l4[9000];
    size_t n = t_l4(l4, 17, 4000, 5000, paylen);

    return t_ip6(f, edst, esrc, 17, src, dst, hlim, l4, n);
}

/* Neighbour solicitation (type 135) or advertisement (136) with an LLA option when lla. */
static inline size_t t_nd(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint8_t type,
                          const char *src, const char *dst, const char *target, uint32_t flags,
                          const uint8_t *lla)
{
    uint8_t l4[32] = {type, 0};
    struct in6_addr t = t_in6(target);
    size_t n = 24;

    t_put32(l4 + 4, flags);
    memcpy(l4 + 8, &t, 16);
    if (lla != NULL) {
        l4[24] = type == 135 ? 1 : 2;
        l4[25] = 1;
        memcpy(l4 + 26, lla, 6);
        n = 32;
    }
    return t_ip6(f, edst, esrc, 58, src, dst, 255, l4, n);
}

/* ---- checkers ------------------------------------------------------------------ */

/* Is the IPv4 header at ip valid (version, IHL, checksum)? */
static inline int t_ip4_ok(const uint8_t *ip)
{
    return ip[0] == 0x45 && t_fold(t_sum(0, ip, 20)) == 0;
}

/* Is the L4 checksum of the IPv4 packet at ip right (UDP, TCP, ICMP)? */
static inline int t_l4_ok4(const uint8_t *ip)
{
    size_t len = t_get16(ip + 2) - 20u;
    uint8_t proto = ip[9];

    return t_fold(t_sum(proto == 1 ? 0 : t_pseudo4(ip, proto, len), ip + 20, len)) == 0;
}

/* Is the upper-layer checksum of the IPv6 packet at ip6 (no extension headers) right? */
static inline int t_l4_ok6(const uint8_t *ip6)
{
    size_t len = t_get16(ip6 + 4);

    return t_fold(t_sum(t_pseudo6(ip6, ip6[6], len), ip6 + 40, len)) == 0;
}

#endif
