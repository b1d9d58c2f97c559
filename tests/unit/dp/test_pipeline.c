/*
 * test_pipeline.c - vroomd's packet pipeline (src/dp/pipeline.c) on crafted
 * frames through in-memory ports, with a test clock: forwarding and
 * neighbour resolution, ICMP errors, punting to and injecting from the
 * container's taps, malformed and martian input, MTU, ACLs, IPv6, ICMP
 * rate limiting and checksum completion. The VR and its neighbours are
 * described in dp_test.h. Every test ends (teardown) with nothing left
 * unread on any port and every packet buffer back in the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>

#include "dp_test.h"
#include "pkt/pkt.h"

/* ---- fixture ------------------------------------------------------------------ */

static int setup(void **state)
{
    *state = t_env_create(NULL);
    return 0;
}

static int teardown(void **state)
{
    struct t_env *e = *state;
    struct port *ports[] = {e->p1, e->p2, e->p3, e->p4, e->t1, e->t2};
    unsigned left = 0;

    /* a test takes every frame it caused: anything else is unexpected output */
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (ports[i] != NULL) /* NULL: the test deleted it */
            left += t_drain(ports[i]);
    /* the VR's neighbour queues go with it */
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
    assert_int_equal(pbuf_pool_in_use(dp_pool(e->dp)), 0);
    dp_free(e->dp);
    free(e);
    assert_int_equal(left, 0);
    return 0;
}

/* ---- helpers -------------------------------------------------------------------- */

#define VRC(e, ctr)   ((e)->vr->st.c[DP_##ctr])
#define IFC(ifc, ctr) ((ifc)->st.c[DP_##ctr])
#define IP_A          T_IP(10, 0, 1, 2)
#define IP_B          T_IP(10, 0, 2, 2)
#define IP_IF1        T_IP(10, 0, 1, 1)
#define IP_IF2        T_IP(10, 0, 2, 1)
#define IP_FAR        T_IP(192, 0, 2, 10)
#define ICMP_QUOTE4   (576 - 28)
#define ICMP_QUOTE6   (1280 - 48)
#define PBUF_IN_USE() pbuf_pool_in_use(dp_pool(e->dp))

static void inject(struct t_env *e, struct port *p, const uint8_t *f, size_t n)
{
    assert_int_equal(port_mem_inject(p, f, n), 0);
    assert_int_equal(dp_poll_port(e->dp, p), 1);
}

/* Hand a frame to the pipeline as port p received it, with pbuf flags (the
 * mem port cannot set them): what a port's rx_burst and dp_poll_port do. */
static void inject_flags(struct t_env *e, struct port *p, const uint8_t *f, size_t n,
                         uint32_t flags)
{
    struct pbuf *b = pbuf_alloc(dp_pool(e->dp));

    assert_non_null(b);
    memcpy(b->data, f, n);
    b->len = (uint32_t)n;
    b->in = p;
    b->flags = flags;
    b->rx_ns = e->now;
    dp_input(e->dp, b);
    dp_flush(e->dp);
}

static void advance(struct t_env *e, uint64_t ns)
{
    e->now += ns;
    dp_tick(e->dp);
}

static struct pbuf *take(struct port *p)
{
    struct pbuf *b = port_mem_take(p);

    assert_non_null(b);
    return b;
}

static void none(struct port *p)
{
    struct pbuf *b = port_mem_take(p);

    pbuf_free(b);
    assert_null(b);
}

static void none_anywhere(struct t_env *e)
{
    struct port *ports[] = {e->p1, e->p2, e->p3, e->p4, e->t1, e->t2};

    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
        if (ports[i] != NULL)
            none(ports[i]);
}

/* Take a frame and check it is the one given, byte for byte. */
static void take_same(struct port *p, const uint8_t *f, size_t n)
{
    struct pbuf *b = take(p);

    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, f, n);
    pbuf_free(b);
}

/* A neighbour the API set: never aged, never asked for. */
static void neigh_static(struct vr_iface *ifc, const char *ip, const uint8_t *mac)
{
    struct inet_addr a = t_addr(ip);
    struct neigh *n = neigh_get(ifc->vr->neigh, ifc->index, &a);

    assert_non_null(n);
    memcpy(n->mac, mac, 6);
    n->state = NEIGH_STATIC;
}

static struct neigh *neigh(struct vr_iface *ifc, const char *ip)
{
    struct inet_addr a = t_addr(ip);

    return neigh_find(ifc->vr->neigh, ifc->index, &a);
}

static void check_arp(const struct pbuf *b, const uint8_t *edst, const uint8_t *esrc, uint16_t op,
                      const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
    const uint8_t *a = b->data + 14;

    assert_true(b->len >= 42);
    assert_memory_equal(b->data, edst, 6);
    assert_memory_equal(b->data + 6, esrc, 6);
    assert_int_equal(t_get16(b->data + 12), 0x0806);
    assert_int_equal(t_get16(a), 1);
    assert_int_equal(t_get16(a + 2), 0x0800);
    assert_int_equal(a[4], 6);
    assert_int_equal(a[5], 4);
    assert_int_equal(t_get16(a + 6), op);
    assert_memory_equal(a + 8, sha, 6);
    assert_int_equal(t_get32(a + 14), spa);
    assert_memory_equal(a + 18, tha, 6);
    assert_int_equal(t_get32(a + 24), tpa);
}

/* The frame f as a router forwards it: new MACs, TTL - 1, checksum recomputed. */
static void check_forwarded4(const struct pbuf *b, const uint8_t *f, const uint8_t *edst,
                             const uint8_t *esrc)
{
    uint8_t exp[9216];
    size_t iplen = t_get16(f + 16);

    memcpy(exp, f, 14 + iplen);
    memcpy(exp, edst, 6);
    memcpy(exp + 6, esrc, 6);
    exp[14 + 8]--;
    t_put16(exp + 14 + 10, 0);
    t_put16(exp + 14 + 10, t_fold(t_sum(0, exp + 14, 20)));
    assert_int_equal(b->len, 14 + iplen);
    assert_memory_equal(b->data, exp, 14 + iplen);
    assert_true(t_ip4_ok(b->data + 14));
}

static void check_forwarded6(const struct pbuf *b, const uint8_t *f, const uint8_t *edst,
                             const uint8_t *esrc)
{
    uint8_t exp[9216];
    size_t len = 14 + 40 + t_get16(f + 14 + 4);

    memcpy(exp, f, len);
    memcpy(exp, edst, 6);
    memcpy(exp + 6, esrc, 6);
    exp[14 + 7]--;
    assert_int_equal(b->len, len);
    assert_memory_equal(b->data, exp, len);
}

/*
 * An ICMPv4 error in b: Ethernet edst <- esrc, from src to dst, (type, code),
 * valid IP and ICMP checksums, quoting the original IP packet orig as far as
 * 576 bytes allow. Returns the ICMP header.
 */
static const uint8_t *check_icmp4_err(const struct pbuf *b, const uint8_t *edst,
                                      const uint8_t *esrc, uint32_t src, uint32_t dst, uint8_t type,
                                      uint8_t code, const uint8_t *orig)
{
    const uint8_t *ip = b->data + 14, *ic = ip + 20;
    size_t origlen = t_get16(orig + 2), quote = origlen < ICMP_QUOTE4 ? origlen : ICMP_QUOTE4;

    assert_memory_equal(b->data, edst, 6);
    assert_memory_equal(b->data + 6, esrc, 6);
    assert_int_equal(t_get16(b->data + 12), 0x0800);
    assert_true(t_ip4_ok(ip));
    assert_int_equal(ip[9], 1);
    assert_int_equal(t_get32(ip + 12), src);
    assert_int_equal(t_get32(ip + 16), dst);
    assert_int_equal(t_get16(ip + 6) & 0x3fff, 0); /* not a fragment */
    assert_true(ip[8] > 1);
    assert_int_equal(b->len, 14 + t_get16(ip + 2));
    assert_int_equal(t_get16(ip + 2), 28 + quote);
    assert_int_equal(ic[0], type);
    assert_int_equal(ic[1], code);
    assert_true(t_l4_ok4(ip));
    assert_memory_equal(ic + 8, orig, quote);
    return ic;
}

static const uint8_t *check_icmp6_err(const struct pbuf *b, const uint8_t *edst,
                                      const uint8_t *esrc, const char *src, const char *dst,
                                      uint8_t type, uint8_t code, const uint8_t *orig)
{
    const uint8_t *ip6 = b->data + 14, *ic = ip6 + 40;
    size_t origlen = 40u + t_get16(orig + 4), quote = origlen < ICMP_QUOTE6 ? origlen : ICMP_QUOTE6;
    struct in6_addr s = t_in6(src), d = t_in6(dst);

    assert_memory_equal(b->data, edst, 6);
    assert_memory_equal(b->data + 6, esrc, 6);
    assert_int_equal(t_get16(b->data + 12), 0x86dd);
    assert_int_equal(ip6[0] >> 4, 6);
    assert_int_equal(ip6[6], 58);
    assert_true(ip6[7] > 1);
    assert_memory_equal(ip6 + 8, &s, 16);
    assert_memory_equal(ip6 + 24, &d, 16);
    assert_int_equal(t_get16(ip6 + 4), 8 + quote);
    assert_int_equal(b->len, 14 + 40 + 8 + quote);
    assert_int_equal(ic[0], type);
    assert_int_equal(ic[1], code);
    assert_true(t_l4_ok6(ip6));
    assert_memory_equal(ic + 8, orig, quote);
    return ic;
}

/* ---- 1. IPv4 forwarding with ARP resolution ------------------------------------------ */

/* 1. The first packet to an unresolved gateway sends a broadcast ARP request
 * from the egress interface and waits; the reply releases it rewritten
 * (MACs, TTL - 1, checksum) with its payload intact and is punted to the
 * container; later packets go straight out; Ethernet padding is not
 * forwarded; counters say so. */
static void test01_forward_with_arp(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048], g[2048], r[64];
    size_t n, m, k;
    struct neigh *nb;
    struct pbuf *b;

    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 100);
    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_arp(b, T_MAC_BCAST, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
    pbuf_free(b);
    none_anywhere(e);
    nb = neigh(e->if2, "10.0.2.2");
    assert_non_null(nb);
    assert_int_equal(nb->state, NEIGH_INCOMPLETE);
    assert_int_equal(nb->q.len, 1);
    assert_int_equal(VRC(e, NEIGH_REQUESTS), 1);
    assert_int_equal(IFC(e->if2, NEIGH_REQUESTS), 1);

    /* the reply: the queued packet leaves, the reply goes to the container too */
    k = t_arp(r, T_MAC_IF2, T_MAC_B, 2, T_MAC_B, IP_B, T_MAC_IF2, IP_IF2);
    inject(e, e->p2, r, k);
    b = take(e->p2);
    check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
    assert_int_equal(b->data[14 + 8], 63);
    assert_true(t_l4_ok4(b->data + 14));
    pbuf_free(b);
    take_same(e->t2, r, k);
    none_anywhere(e);
    nb = neigh(e->if2, "10.0.2.2");
    assert_int_equal(nb->state, NEIGH_REACHABLE);
    assert_memory_equal(nb->mac, T_MAC_B, 6);
    assert_int_equal(VRC(e, NEIGH_LEARNED), 1);
    assert_int_equal(IFC(e->if2, NEIGH_LEARNED), 1);
    assert_int_equal(VRC(e, FORWARDED), 1);
    assert_int_equal(IFC(e->if1, FORWARDED), 1);
    assert_int_equal(IFC(e->if1, RX_PACKETS), 1);
    assert_int_equal(IFC(e->if2, TX_PACKETS), 1);

    /* resolved: straight out, no second request */
    m = t_udp4(g, T_MAC_IF1, T_MAC_A, IP_A, T_IP(192, 0, 2, 77), 9, 0, 6000, 333);
    inject(e, e->p1, g, m);
    b = take(e->p2);
    check_forwarded4(b, g, T_MAC_B, T_MAC_IF2);
    assert_int_equal(b->data[14 + 8], 8);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, FORWARDED), 2);
    assert_int_equal(VRC(e, NEIGH_REQUESTS), 1);

    /* a short frame padded to 60 bytes leaves without the padding */
    m = t_udp4(g, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 7, 2);
    assert_true(m < 60);
    memset(g + m, 0xee, 60 - m);
    inject(e, e->p1, g, 60);
    b = take(e->p2);
    check_forwarded4(b, g, T_MAC_B, T_MAC_IF2);
    assert_int_equal(b->len, m);
    pbuf_free(b);
    assert_int_equal(VRC(e, FORWARDED), 3);
    assert_int_equal(e->p2->st.tx_packets, 4); /* the ARP request and 3 packets */
}

/* ---- 2. TTL ----------------------------------------------------------------------- */

/* 2. TTL 1 and TTL 0 give ICMP time exceeded from the ingress interface's
 * address back to the sender, quoting the packet as received; a TTL-1
 * packet to one of the VR's own addresses is punted, not expired. */
static void test02_ttl_exceeded(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048];
    size_t n;
    struct pbuf *b;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    for (int ttl = 1; ttl >= 0; ttl--) {
        n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, (uint8_t)ttl, 0, 5000, 64);
        inject(e, e->p1, f, n);
        b = take(e->p1);
        check_icmp4_err(b, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 11, 0, f + 14);
        pbuf_free(b);
        none_anywhere(e);
    }
    assert_int_equal(VRC(e, DROP_TTL), 2);
    assert_int_equal(IFC(e->if1, DROP_TTL), 2);
    assert_int_equal(VRC(e, ICMP_SENT), 2);
    assert_int_equal(VRC(e, FORWARDED), 0);

    /* from the other side: the error comes from eth2's address */
    n = t_udp4(f, T_MAC_IF2, T_MAC_B, IP_B, T_IP(10, 0, 1, 99), 1, 0, 5000, 1000);
    inject(e, e->p2, f, n);
    b = take(e->p2);
    check_icmp4_err(b, T_MAC_B, T_MAC_IF2, IP_IF2, IP_B, 11, 0, f + 14);
    pbuf_free(b);
    none_anywhere(e);

    /* TTL 1 to the VR itself: the container's business */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_IF2, 1, 0, 5000, 10);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_TTL), 3);
}

/* ---- 3. unreachables ------------------------------------------------------------------ */

/* 3. No route: ICMP net unreachable; a blackhole route drops silently; an
 * unreachable route gives host unreachable; a prohibit route gives
 * administratively prohibited (code 13). Each is counted. */
static void test03_no_route_and_reject_routes(void **state)
{
    struct t_env *e = *state;
    static const struct {
        uint32_t dst;
        int code; /* -1: no ICMP */
        enum dp_counter counter;
    } cases[] = {
        {T_IP(8, 8, 8, 8), 0, DP_DROP_NO_ROUTE},
        {T_IP(198, 51, 100, 1), -1, DP_DROP_BLACKHOLE},
        {T_IP(203, 0, 113, 1), 1, DP_DROP_UNREACHABLE},
        {T_IP(100, 64, 0, 1), 13, DP_DROP_PROHIBITED},
    };
    uint8_t f[2048];

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, cases[i].dst, 64, 0, 53, 20);

        inject(e, e->p1, f, n);
        if (cases[i].code >= 0) {
            struct pbuf *b = take(e->p1);

            check_icmp4_err(b, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 3, (uint8_t)cases[i].code, f + 14);
            pbuf_free(b);
        }
        none_anywhere(e);
        assert_int_equal(e->vr->st.c[cases[i].counter], 1);
        assert_int_equal(e->if1->st.c[cases[i].counter], 1);
    }
    assert_int_equal(VRC(e, ICMP_SENT), 3);
    assert_int_equal(VRC(e, FORWARDED), 0);
}

/* ---- 4. neighbour queue and failure ------------------------------------------------------ */

/* 4. At most NEIGH_QUEUE_MAX packets wait for a neighbour (the rest count
 * drop_neigh_queue_full); requests are repeated each second; after
 * NEIGH_PROBES unanswered requests the entry and its queue go, counted as
 * drop_neigh_unresolved, and every buffer is back in the pool. */
static void test04_neigh_queue_and_failure(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048];
    size_t n;
    struct pbuf *b;
    struct neigh *nb;

    for (int i = 0; i < NEIGH_QUEUE_MAX + 3; i++) {
        n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, (uint16_t)(5000 + i), 10);
        inject(e, e->p1, f, n);
    }
    b = take(e->p2);
    check_arp(b, T_MAC_BCAST, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
    pbuf_free(b);
    none_anywhere(e);
    nb = neigh(e->if2, "10.0.2.2");
    assert_int_equal(nb->q.len, NEIGH_QUEUE_MAX);
    assert_int_equal(VRC(e, DROP_NEIGH_QUEUE), 3);
    assert_int_equal(IFC(e->if2, DROP_NEIGH_QUEUE), 3);
    assert_int_equal(PBUF_IN_USE(), NEIGH_QUEUE_MAX);

    /* not yet a second */
    advance(e, NEIGH_RETRANS_NS / 2);
    none_anywhere(e);
    for (int i = 2; i <= NEIGH_PROBES; i++) {
        advance(e, NEIGH_RETRANS_NS / 2);
        b = take(e->p2);
        check_arp(b, T_MAC_BCAST, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
        pbuf_free(b);
        none_anywhere(e);
        advance(e, NEIGH_RETRANS_NS / 2);
        none_anywhere(e);
    }
    assert_int_equal(VRC(e, NEIGH_REQUESTS), NEIGH_PROBES);
    assert_non_null(neigh(e->if2, "10.0.2.2"));
    assert_int_equal(VRC(e, DROP_NEIGH_FAILED), 0);
    /* the last request had its second: give up */
    advance(e, NEIGH_RETRANS_NS / 2);
    none_anywhere(e);
    assert_null(neigh(e->if2, "10.0.2.2"));
    assert_int_equal(VRC(e, DROP_NEIGH_FAILED), NEIGH_QUEUE_MAX);
    assert_int_equal(IFC(e->if2, DROP_NEIGH_FAILED), NEIGH_QUEUE_MAX);
    assert_int_equal(PBUF_IN_USE(), 0);
    assert_int_equal(VRC(e, NEIGH_REQUESTS), NEIGH_PROBES);

    /* a new packet starts over */
    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_arp(b, T_MAC_BCAST, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
    pbuf_free(b);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->q.len, 1);
}

/* ---- 5. neighbour ageing and gratuitous ARP --------------------------------------------- */

/* Resolve B on eth2 through a packet from A and B's ARP reply; drain. */
static void resolve_b(struct t_env *e)
{
    uint8_t f[2048], r[64];
    size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 10), k;
    struct pbuf *b;

    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_arp(b, T_MAC_BCAST, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
    pbuf_free(b);
    k = t_arp(r, T_MAC_IF2, T_MAC_B, 2, T_MAC_B, IP_B, T_MAC_IF2, IP_IF2);
    inject(e, e->p2, r, k);
    b = take(e->p2);
    check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
    pbuf_free(b);
    take_same(e->t2, r, k);
    none_anywhere(e);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->state, NEIGH_REACHABLE);
}

/* Send one packet A -> 192.0.2.10; take what came out on p2: the packet
 * (checked) and, if probe, a unicast ARP request to B before or after it. */
static void send_expect(struct t_env *e, int probe)
{
    uint8_t f[2048];
    size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 10);
    int got_probe = 0, got_pkt = 0;
    struct pbuf *b;

    inject(e, e->p1, f, n);
    while ((b = port_mem_take(e->p2)) != NULL) {
        if (t_get16(b->data + 12) == 0x0806) {
            check_arp(b, T_MAC_B, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
            got_probe++;
        } else {
            check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
            got_pkt++;
        }
        pbuf_free(b);
    }
    assert_int_equal(got_pkt, 1);
    assert_int_equal(got_probe, probe);
    none_anywhere(e);
}

/* 5. REACHABLE turns STALE after 30 s; a STALE entry in use gets a unicast
 * probe while packets keep flowing; unanswered probes remove it, answered
 * ones make it REACHABLE again; unused STALE entries are collected;
 * gratuitous ARP creates and updates entries of the interface's subnet. */
static void test05_neigh_ageing(void **state)
{
    struct t_env *e = *state;
    uint8_t r[64];
    size_t k;
    struct pbuf *b;
    struct neigh *nb;

    resolve_b(e);
    advance(e, NEIGH_REACHABLE_NS - T_SEC);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->state, NEIGH_REACHABLE);
    advance(e, T_SEC);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->state, NEIGH_STALE);
    none_anywhere(e);

    /* in use: probe by unicast, keep sending */
    send_expect(e, 1);
    nb = neigh(e->if2, "10.0.2.2");
    assert_int_equal(nb->state, NEIGH_PROBE);
    send_expect(e, 0);
    for (int i = 2; i <= NEIGH_PROBES; i++) {
        advance(e, NEIGH_RETRANS_NS);
        b = take(e->p2);
        check_arp(b, T_MAC_B, T_MAC_IF2, 1, T_MAC_IF2, IP_IF2, T_MAC_ZERO, IP_B);
        pbuf_free(b);
        none_anywhere(e);
        send_expect(e, 0);
    }
    advance(e, NEIGH_RETRANS_NS);
    none_anywhere(e);
    assert_null(neigh(e->if2, "10.0.2.2"));
    assert_int_equal(VRC(e, DROP_NEIGH_FAILED), 0); /* nothing was waiting */

    /* gone: resolved afresh; then the probe is answered */
    resolve_b(e);
    advance(e, NEIGH_REACHABLE_NS);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->state, NEIGH_STALE);
    send_expect(e, 1);
    k = t_arp(r, T_MAC_IF2, T_MAC_B, 2, T_MAC_B, IP_B, T_MAC_IF2, IP_IF2);
    inject(e, e->p2, r, k);
    take_same(e->t2, r, k);
    nb = neigh(e->if2, "10.0.2.2");
    assert_int_equal(nb->state, NEIGH_REACHABLE);
    for (int i = 0; i < NEIGH_PROBES + 2; i++)
        advance(e, NEIGH_RETRANS_NS);
    none_anywhere(e);
    assert_non_null(neigh(e->if2, "10.0.2.2"));

    /* unused STALE entries are collected NEIGH_GC_NS after their last use (5 s ago) */
    advance(e, NEIGH_REACHABLE_NS);
    assert_int_equal(neigh(e->if2, "10.0.2.2")->state, NEIGH_STALE);
    advance(e, NEIGH_GC_NS - NEIGH_REACHABLE_NS - 10 * T_SEC);
    assert_non_null(neigh(e->if2, "10.0.2.2"));
    advance(e, 10 * T_SEC);
    assert_null(neigh(e->if2, "10.0.2.2"));
    none_anywhere(e);

    /* gratuitous ARP (request form) creates; (reply form) updates a moved address */
    {
        uint64_t learned = VRC(e, NEIGH_LEARNED);
        uint32_t ip_c = T_IP(10, 0, 2, 3);

        k = t_arp(r, T_MAC_BCAST, T_MAC_C, 1, T_MAC_C, ip_c, T_MAC_ZERO, ip_c);
        inject(e, e->p2, r, k);
        nb = neigh(e->if2, "10.0.2.3");
        assert_non_null(nb);
        assert_int_equal(nb->state, NEIGH_REACHABLE);
        assert_memory_equal(nb->mac, T_MAC_C, 6);
        assert_int_equal(VRC(e, NEIGH_LEARNED), learned + 1);
        k = t_arp(r, T_MAC_BCAST, T_MAC_A, 2, T_MAC_A, ip_c, T_MAC_A, ip_c);
        inject(e, e->p2, r, k);
        assert_memory_equal(neigh(e->if2, "10.0.2.3")->mac, T_MAC_A, 6);
        assert_int_equal(VRC(e, NEIGH_LEARNED), learned + 2);
        /* outside the interface's subnet: ignored */
        k = t_arp(r, T_MAC_BCAST, T_MAC_C, 1, T_MAC_C, T_IP(10, 9, 9, 9), T_MAC_ZERO,
                  T_IP(10, 9, 9, 9));
        inject(e, e->p2, r, k);
        assert_null(neigh(e->if2, "10.9.9.9"));
        /* a static entry stays as set */
        neigh_static(e->if2, "10.0.2.4", T_MAC_B);
        k = t_arp(r, T_MAC_BCAST, T_MAC_C, 1, T_MAC_C, T_IP(10, 0, 2, 4), T_MAC_ZERO,
                  T_IP(10, 0, 2, 4));
        inject(e, e->p2, r, k);
        assert_memory_equal(neigh(e->if2, "10.0.2.4")->mac, T_MAC_B, 6);
        assert_int_equal(VRC(e, NEIGH_LEARNED), learned + 2);
        none_anywhere(e);
    }
}

/* ---- 6. punting ----------------------------------------------------------------------- */

/* 6. Control traffic goes to the ingress interface's tap unchanged: ARP for
 * the VR's address (and the asker is learnt), packets to any of the VR's
 * addresses, 224.0.0.5, 255.255.255.255, the directed broadcast of the
 * ingress subnet, IPv6 NS/NA (an NA's target is learnt and releases its
 * queue), ff02::5, link-local unicast; without a tap: drop_no_container. */
static void test06_punt(void **state)
{
    struct t_env *e = *state;
    static const uint8_t mac_ospf[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x05};
    static const uint8_t mac_ospf6[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x05};
    static const uint8_t mac_sn1[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};
    uint8_t f[2048], g[2048];
    uint8_t hello[44] = {2, 1, 0, 44};
    size_t n, m;
    struct pbuf *b;
    struct neigh *na;

    /* ARP request for the VR's address */
    n = t_arp(f, T_MAC_BCAST, T_MAC_A, 1, T_MAC_A, IP_A, T_MAC_ZERO, IP_IF1);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    none_anywhere(e);
    na = neigh(e->if1, "10.0.1.2");
    assert_non_null(na);
    assert_memory_equal(na->mac, T_MAC_A, 6);
    assert_int_equal(IFC(e->if1, PUNTED), 1);

    /* to the VR's addresses, on any of its interfaces: the ingress tap */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_IF1, 64, 0, 179, 30);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    n = t_tcp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_IF2, 64, 179, 30);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(10, 0, 3, 1), 64, 8, 0, 56);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    none_anywhere(e);

    /* OSPF hello to 224.0.0.5 */
    n = t_ip4(f, mac_ospf, T_MAC_A, 89, IP_A, T_IP(224, 0, 0, 5), 1, 0, hello, sizeof(hello));
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    /* limited broadcast */
    n = t_udp4(f, T_MAC_BCAST, T_MAC_A, IP_A, 0xffffffffu, 1, 0, 520, 24);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    /* directed broadcast of eth1's subnet, as an Ethernet broadcast and as unicast */
    n = t_udp4(f, T_MAC_BCAST, T_MAC_A, IP_A, T_IP(10, 0, 1, 255), 64, 0, 137, 24);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(10, 0, 1, 255), 64, 0, 137, 24);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    /* but another subnet's directed broadcast is neither punted nor forwarded */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(10, 0, 2, 255), 64, 0, 137, 24);
    inject(e, e->p1, f, n);
    none_anywhere(e);
    assert_int_equal(VRC(e, FORWARDED), 0);

    /* IPv6 neighbour solicitation for the VR's address */
    n = t_nd(f, mac_sn1, T_MAC_A, 135, "2001:db8:1::2", "ff02::1:ff00:1", "2001:db8:1::1", 0,
             T_MAC_A);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    none_anywhere(e);

    /* an NA answering the VR's solicitation: learnt, releases the queue, punted */
    m = t_udp6(g, T_MAC_IF2, T_MAC_B, "2001:db8:2::2", "2001:db8:1::2", 64, 40);
    inject(e, e->p2, g, m);
    b = take(e->p1);
    assert_int_equal(b->data[14 + 40], 135);
    pbuf_free(b);
    none_anywhere(e);
    na = neigh(e->if1, "2001:db8:1::2");
    assert_non_null(na);
    assert_int_equal(na->state, NEIGH_INCOMPLETE);
    n = t_nd(f, T_MAC_IF1, T_MAC_A, 136, "2001:db8:1::2", "fe80::1:1", "2001:db8:1::2", 0x60000000u,
             T_MAC_A);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    b = take(e->p1);
    check_forwarded6(b, g, T_MAC_A, T_MAC_IF1);
    pbuf_free(b);
    none_anywhere(e);
    na = neigh(e->if1, "2001:db8:1::2");
    assert_int_equal(na->state, NEIGH_REACHABLE);
    assert_memory_equal(na->mac, T_MAC_A, 6);
    /* an unsolicited NA for an unknown target is punted but creates nothing (RFC 4861 7.2.5) */
    n = t_nd(f, T_MAC_IF1, T_MAC_C, 136, "2001:db8:1::77", "fe80::1:1", "2001:db8:1::77",
             0x20000000u, T_MAC_C);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    assert_null(neigh(e->if1, "2001:db8:1::77"));

    /* OSPFv3 to ff02::5, and link-local unicast */
    n = t_ip6(f, mac_ospf6, T_MAC_A, 89, "fe80::a", "ff02::5", 1, hello, sizeof(hello));
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "fe80::a", "fe80::1:1", 64, 20);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    /* IPv6 to a global address of the VR */
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:2::1", 64, 20);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_NO_CONTAINER), 0);

    /* eth3 has no container tap */
    n = t_arp(f, T_MAC_BCAST, T_MAC_C, 1, T_MAC_C, T_IP(10, 0, 3, 2), T_MAC_ZERO,
              T_IP(10, 0, 3, 1));
    inject(e, e->p3, f, n);
    n = t_udp4(f, T_MAC_IF3, T_MAC_C, T_IP(10, 0, 3, 2), T_IP(10, 0, 3, 1), 64, 0, 179, 10);
    inject(e, e->p3, f, n);
    none_anywhere(e);
    assert_int_equal(IFC(e->if3, DROP_NO_CONTAINER), 2);
    assert_int_equal(VRC(e, DROP_NO_CONTAINER), 2);
}

/* ---- 7. injection ------------------------------------------------------------------------ */

/* 7. What the container writes into a tap leaves by the interface's port
 * unchanged (no TTL or MAC processing); with the interface unbound it is
 * counted drop_iface_unbound; re-binding on the fly moves both directions
 * to the new port, taking it over from its previous interface. */
static void test07_inject(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048];
    size_t n;

    n = t_arp(f, T_MAC_A, T_MAC_IF1, 2, T_MAC_IF1, IP_IF1, T_MAC_A, IP_A);
    inject(e, e->t1, f, n);
    take_same(e->p1, f, n);
    n = t_udp4(f, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 1, 0, 179, 77);
    inject(e, e->t1, f, n);
    take_same(e->p1, f, n);
    n = t_udp6(f, T_MAC_B, T_MAC_IF2, "fe80::2:1", "ff02::1", 1, 10);
    inject(e, e->t2, f, n);
    take_same(e->p2, f, n);
    none_anywhere(e);
    assert_int_equal(IFC(e->if1, INJECTED), 2);
    assert_int_equal(VRC(e, INJECTED), 3);

    /* unbound: dropped, both ways */
    vr_iface_bind(e->if1, NULL);
    inject(e, e->t1, f, n);
    none_anywhere(e);
    assert_int_equal(IFC(e->if1, DROP_UNBOUND), 1);
    n = t_arp(f, T_MAC_BCAST, T_MAC_A, 1, T_MAC_A, IP_A, T_MAC_ZERO, IP_IF1);
    inject(e, e->p1, f, n);
    none_anywhere(e);
    assert_int_equal(dp_counters(e->dp)->c[DP_DROP_UNBOUND], 1);

    /* bound to p4: frames come and go there */
    vr_iface_bind(e->if1, e->p4);
    inject(e, e->p4, f, n);
    take_same(e->t1, f, n);
    inject(e, e->t1, f, n);
    take_same(e->p4, f, n);
    none_anywhere(e);

    /* p3 taken over from eth3 */
    vr_iface_bind(e->if1, e->p3);
    assert_null(e->if3->port);
    assert_ptr_equal(e->p3->owner, e->if1);
    assert_null(e->p4->owner);
    inject(e, e->p3, f, n);
    take_same(e->t1, f, n);
    inject(e, e->t1, f, n);
    take_same(e->p3, f, n);
    none_anywhere(e);
}

/* ---- 8. malformed and martian input ------------------------------------------------------- */

/* Inject on p1; expect nothing out anywhere and one more of counter on eth1
 * and the VR (and of the parser's reason, if given). */
static void expect_drop(struct t_env *e, const uint8_t *f, size_t n, enum dp_counter c, int reason)
{
    struct counters before = e->if1->st, vbefore = e->vr->st;

    inject(e, e->p1, f, n);
    none_anywhere(e);
    assert_int_equal(e->if1->st.c[c], before.c[c] + 1);
    assert_int_equal(e->vr->st.c[c], vbefore.c[c] + 1);
    assert_int_equal(e->if1->st.c[DP_RX_PACKETS], before.c[DP_RX_PACKETS] + 1);
    if (reason != 0) {
        assert_int_equal(e->if1->st.malformed[-reason], before.malformed[-reason] + 1);
        assert_int_equal(e->vr->st.malformed[-reason], vbefore.malformed[-reason] + 1);
    }
    /* nothing else moved */
    for (int i = DP_DROP_FIRST; i < DP_COUNTER_MAX; i++)
        if (i != (int)c)
            assert_int_equal(e->if1->st.c[i], before.c[i]);
    assert_int_equal(e->vr->st.c[DP_FORWARDED], vbefore.c[DP_FORWARDED]);
    assert_int_equal(e->vr->st.c[DP_PUNTED], vbefore.c[DP_PUNTED]);
}

/* 8. Malformed frames (with the parser's reason in malformed[]), martian
 * sources and destinations, frames not for the VR, 802.1Q tags and unknown
 * ethertypes are counted and dropped; DHCP discovery (0.0.0.0 to
 * 255.255.255.255) is punted. */
static void test08_malformed_and_martians(void **state)
{
    struct t_env *e = *state;
    static const uint8_t mac_other[6] = {0x02, 0x99, 0, 0, 0, 1};
    static const uint8_t mac_lldp[6] = {0x01, 0x80, 0xc2, 0, 0, 0x0e};
    uint8_t f[2048], g[2048];
    size_t n;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 40);

    /* truncated Ethernet, truncated IPv4 */
    expect_drop(e, f, 10, DP_DROP_MALFORMED, PKT_ERR_TRUNC_ETH);
    expect_drop(e, f, 14 + 12, DP_DROP_MALFORMED, PKT_ERR_TRUNC_IP);
    /* bad header checksum */
    memcpy(g, f, n);
    g[14 + 10] ^= 0x01;
    expect_drop(e, g, n, DP_DROP_MALFORMED, PKT_ERR_IP_CSUM);
    /* total length beyond the frame (checksum fixed) */
    memcpy(g, f, n);
    t_put16(g + 14 + 2, (uint16_t)(n - 14 + 1));
    t_put16(g + 14 + 10, 0);
    t_put16(g + 14 + 10, t_fold(t_sum(0, g + 14, 20)));
    expect_drop(e, g, n, DP_DROP_MALFORMED, PKT_ERR_IP_TOTLEN);
    /* IPv6 payload length beyond the frame */
    n = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::1", 64, 20);
    t_put16(g + 14 + 4, (uint16_t)(t_get16(g + 14 + 4) + 8));
    expect_drop(e, g, n, DP_DROP_MALFORMED, PKT_ERR_IP6_PAYLEN);

    /* martian sources */
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, T_IP(127, 0, 0, 1), IP_FAR, 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, T_IP(224, 0, 0, 9), IP_FAR, 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, 0, IP_FAR, 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, T_IP(240, 0, 0, 1), IP_FAR, 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp6(g, T_MAC_IF1, T_MAC_A, "::1", "2001:db8:99::1", 64, 20);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp6(g, T_MAC_IF1, T_MAC_A, "ff02::1", "2001:db8:99::1", 64, 20);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    /* ... but DHCP discovery is for the container */
    n = t_udp4(g, T_MAC_BCAST, T_MAC_A, 0, 0xffffffffu, 64, 0, 67, 300);
    inject(e, e->p1, g, n);
    take_same(e->t1, g, n);
    none_anywhere(e);

    /* martian destinations */
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, IP_A, T_IP(0, 1, 2, 3), 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_DST, 0);
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, IP_A, T_IP(127, 0, 0, 1), 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_DST, 0);
    n = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "::1", 64, 20);
    expect_drop(e, g, n, DP_DROP_MARTIAN_DST, 0);
    n = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "ff01::1", 64, 20);
    g[0] = 0x33, g[1] = 0x33, g[2] = 0, g[3] = 0, g[4] = 0, g[5] = 1;
    expect_drop(e, g, n, DP_DROP_MARTIAN_DST, 0);
    /* IPv4 link-local: never forwarded (RFC 3927 7) */
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, T_IP(169, 254, 1, 1), IP_FAR, 64, 0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MARTIAN_SRC, 0);
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, IP_A, T_IP(169, 254, 1, 1), 64, 0, 5000, 10);
    t_route(e->vr, "0.0.0.0/0", NH_UNICAST, "10.0.2.2");
    expect_drop(e, g, n, DP_DROP_MARTIAN_DST, 0);
    /* ... but may talk to the VR itself on the link */
    n = t_udp4(g, T_MAC_IF1, T_MAC_A, T_IP(169, 254, 1, 1), IP_IF1, 64, 0, 5000, 10);
    inject(e, e->p1, g, n);
    take_same(e->t1, g, n);
    /* global multicast is not routed */
    n = t_udp4(g, (const uint8_t[]){0x01, 0, 0x5e, 1, 1, 1}, T_MAC_A, IP_A, T_IP(239, 1, 1, 1), 64,
               0, 5000, 10);
    expect_drop(e, g, n, DP_DROP_MULTICAST, 0);

    /* not for us: another MAC; unicast IP in an Ethernet broadcast */
    memcpy(g, f, sizeof(f));
    memcpy(g, mac_other, 6);
    expect_drop(e, g, t_get16(f + 16) + 14u, DP_DROP_NOT_FOR_US, 0);
    memcpy(g, T_MAC_BCAST, 6);
    expect_drop(e, g, t_get16(f + 16) + 14u, DP_DROP_NOT_FOR_US, 0);
    /* a multicast Ethernet source */
    memcpy(g, f, sizeof(f));
    g[6] |= 1;
    expect_drop(e, g, t_get16(f + 16) + 14u, DP_DROP_MALFORMED, 0);

    /* 802.1Q tag */
    n = t_get16(f + 16) + 14u;
    memcpy(g, f, 12);
    t_put16(g + 12, 0x8100);
    t_put16(g + 14, 100);
    memcpy(g + 16, f + 12, n - 12);
    expect_drop(e, g, n + 4, DP_DROP_VLAN, 0);
    /* unknown ethertype (LLDP) */
    t_eth(g, mac_lldp, T_MAC_A, 0x88cc);
    memset(g + 14, 0, 46);
    expect_drop(e, g, 60, DP_DROP_ETHERTYPE, 0);

    /* and after all that, the good frame still goes through */
    n = t_get16(f + 16) + 14u;
    inject(e, e->p1, f, n);
    {
        struct pbuf *b = take(e->p2);

        check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
        pbuf_free(b);
    }
}

/* ---- 9. MTU -------------------------------------------------------------------------- */

/* 9. A packet bigger than the egress MTU: with DF, ICMP fragmentation needed
 * carrying that MTU; without, fragments of at most the MTU that reassemble
 * to the original (TTL - 1); IPv6: ICMPv6 packet too big with the MTU. */
static void test09_mtu(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048], re[2048];
    size_t n, have = 0;
    const uint8_t *ic;
    struct pbuf *b;
    int nfrag = 0, last_seen = 0;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    neigh_static(e->if1, "2001:db8:1::2", T_MAC_A);
    neigh_static(e->if2, "2001:db8:2::2", T_MAC_B);
    e->if2->mtu = 1000;

    /* DF: fragmentation needed, MTU in the second half of the rest-of-header */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0x4000, 5000, 1200 - 28);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    ic = check_icmp4_err(b, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 3, 4, f + 14);
    assert_int_equal(t_get16(ic + 4), 0);
    assert_int_equal(t_get16(ic + 6), 1000);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_MTU), 1);

    /* exactly the MTU passes */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0x4000, 5000, 1000 - 28);
    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
    pbuf_free(b);

    /* no DF: fragments */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 2000 - 28);
    inject(e, e->p1, f, n);
    memset(re, 0, sizeof(re));
    while ((b = port_mem_take(e->p2)) != NULL) {
        const uint8_t *ip = b->data + 14;
        unsigned off = (t_get16(ip + 6) & 0x1fff) * 8u, len = t_get16(ip + 2) - 20u;

        assert_memory_equal(b->data, T_MAC_B, 6);
        assert_memory_equal(b->data + 6, T_MAC_IF2, 6);
        assert_true(t_ip4_ok(ip));
        assert_true(t_get16(ip + 2) <= 1000);
        assert_int_equal(b->len, 14 + t_get16(ip + 2));
        assert_int_equal(ip[8], 63);
        assert_int_equal(ip[9], 17);
        assert_int_equal(t_get16(ip + 4), 0x1234);
        assert_memory_equal(ip + 12, f + 14 + 12, 8);
        if (t_get16(ip + 6) & 0x2000)
            assert_int_equal(len % 8, 0);
        else
            last_seen = 1;
        assert_true(off + len <= sizeof(re));
        memcpy(re + off, ip + 20, len);
        have += len;
        nfrag++;
        pbuf_free(b);
    }
    assert_true(last_seen);
    assert_int_equal(nfrag, 3);
    assert_int_equal(have, 2000 - 20);
    assert_memory_equal(re, f + 14 + 20, 2000 - 20);
    assert_int_equal(VRC(e, FRAGMENTS), 3);
    none_anywhere(e);

    /* IPv6 never fragments */
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::10", 64, 1200 - 48);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    ic = check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "2001:db8:1::2", 2, 0, f + 14);
    assert_int_equal(t_get32(ic + 4), 1000);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_MTU), 2);
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::10", 64, 1000 - 48);
    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_forwarded6(b, f, T_MAC_B, T_MAC_IF2);
    pbuf_free(b);
}

/* ---- 10. ACLs ------------------------------------------------------------------------ */

/* 10. Inbound and outbound ACLs: permit/deny by prefix, protocol and port
 * ranges, the first matching rule wins and counts a hit, port rules never
 * match ICMP; a deny sends ICMP administratively prohibited and counts
 * drop_acl_in / drop_acl_out. */
static void test10_acl(void **state)
{
    struct t_env *e = *state;
    struct acl_rule rules[3] = {
        {.action = ACL_DENY,
         .proto = 17,
         .src = t_prefix("10.0.1.0/24"),
         .sport_hi = 65535,
         .dport_lo = 5000,
         .dport_hi = 5010},
        {.action = ACL_PERMIT,
         .proto = -1,
         .src = t_prefix("10.0.1.2/32"),
         .sport_hi = 65535,
         .dport_hi = 65535},
        {.action = ACL_DENY, .proto = -1, .sport_hi = 65535, .dport_hi = 65535},
    };
    struct acl_rule out_rules[1] = {
        {.action = ACL_DENY,
         .proto = -1,
         .dst = t_prefix("192.0.2.66/32"),
         .sport_hi = 65535,
         .dport_hi = 65535},
    };
    uint32_t ip_c = T_IP(10, 0, 1, 3);
    uint8_t f[2048];
    size_t n;
    struct pbuf *b;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    neigh_static(e->if1, "10.0.1.3", T_MAC_C);
    neigh_static(e->if1, "2001:db8:1::2", T_MAC_A);
    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    e->if1->acl_in = acl_create(rules, 3);
    assert_non_null(e->if1->acl_in);

    /* rule 0 */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5005, 10);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    check_icmp4_err(b, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 3, 13, f + 14);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(IFC(e->if1, DROP_ACL_IN), 1);
    /* rule 1: port out of rule 0's range, or not UDP, or ICMP */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5011, 10);
    inject(e, e->p1, f, n);
    pbuf_free(take(e->p2));
    n = t_tcp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 5005, 10);
    inject(e, e->p1, f, n);
    pbuf_free(take(e->p2));
    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 8, 0, 10);
    inject(e, e->p1, f, n);
    pbuf_free(take(e->p2));
    none_anywhere(e);
    /* rule 2 for another source; rule 0 first when both match */
    n = t_udp4(f, T_MAC_IF1, T_MAC_C, ip_c, IP_FAR, 64, 0, 80, 10);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    check_icmp4_err(b, T_MAC_C, T_MAC_IF1, IP_IF1, ip_c, 3, 13, f + 14);
    pbuf_free(b);
    n = t_udp4(f, T_MAC_IF1, T_MAC_C, ip_c, IP_FAR, 64, 0, 5000, 10);
    inject(e, e->p1, f, n);
    pbuf_free(take(e->p1));
    /* IPv6: rules 0 and 1 are IPv4 prefixes; rule 2 matches anything */
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::1", 64, 10);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "2001:db8:1::2", 1, 1, f + 14);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(e->if1->acl_in->rules[0].hits, 2);
    assert_int_equal(e->if1->acl_in->rules[1].hits, 3);
    assert_int_equal(e->if1->acl_in->rules[2].hits, 2);
    assert_int_equal(IFC(e->if1, DROP_ACL_IN), 4);
    assert_int_equal(VRC(e, DROP_ACL_IN), 4);
    assert_int_equal(VRC(e, FORWARDED), 3);

    /* outbound, counted on the egress interface */
    acl_free(e->if1->acl_in);
    e->if1->acl_in = NULL;
    e->if2->acl_out = acl_create(out_rules, 1);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(192, 0, 2, 66), 64, 0, 5000, 10);
    inject(e, e->p1, f, n);
    b = take(e->p1);
    check_icmp4_err(b, T_MAC_A, T_MAC_IF1, IP_IF1, IP_A, 3, 13, f + 14);
    pbuf_free(b);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(192, 0, 2, 67), 64, 0, 5000, 10);
    inject(e, e->p1, f, n);
    b = take(e->p2);
    check_forwarded4(b, f, T_MAC_B, T_MAC_IF2);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(IFC(e->if2, DROP_ACL_OUT), 1);
    assert_int_equal(VRC(e, DROP_ACL_OUT), 1);
    assert_int_equal(e->if2->acl_out->rules[0].hits, 1);
}

/* ---- 11. IPv6 forwarding ------------------------------------------------------------------ */

/* 11. IPv6: a neighbour solicitation to the solicited-node group (33:33 MAC,
 * from the interface's link-local address, SLLA option, hop limit 255,
 * valid checksum); the NA releases the queue with the hop limit decremented;
 * hop limit 1 gives time exceeded, no route gives "no route", a link-local
 * source gives "beyond scope" back out of the interface it came in by. */
static void test11_ipv6_forward(void **state)
{
    struct t_env *e = *state;
    static const uint8_t mac_sn2[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x02};
    uint8_t f[2048], g[2048], r[128];
    size_t n, m, k;
    struct pbuf *b;
    struct in6_addr a;
    const uint8_t *ip6;

    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::10", 64, 200);
    inject(e, e->p1, f, n);
    b = take(e->p2);
    ip6 = b->data + 14;
    assert_memory_equal(b->data, mac_sn2, 6);
    assert_memory_equal(b->data + 6, T_MAC_IF2, 6);
    assert_int_equal(t_get16(b->data + 12), 0x86dd);
    assert_int_equal(ip6[6], 58);
    assert_int_equal(ip6[7], 255);
    a = t_in6("fe80::2:1");
    assert_memory_equal(ip6 + 8, &a, 16);
    a = t_in6("ff02::1:ff00:2");
    assert_memory_equal(ip6 + 24, &a, 16);
    assert_int_equal(t_get16(ip6 + 4), 32);
    assert_int_equal(b->len, 14 + 40 + 32);
    assert_int_equal(ip6[40], 135);
    assert_int_equal(ip6[41], 0);
    a = t_in6("2001:db8:2::2");
    assert_memory_equal(ip6 + 48, &a, 16);
    assert_int_equal(ip6[64], 1); /* SLLA */
    assert_int_equal(ip6[65], 1);
    assert_memory_equal(ip6 + 66, T_MAC_IF2, 6);
    assert_true(t_l4_ok6(ip6));
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(neigh(e->if2, "2001:db8:2::2")->state, NEIGH_INCOMPLETE);

    /* the NA */
    k = t_nd(r, T_MAC_IF2, T_MAC_B, 136, "2001:db8:2::2", "fe80::2:1", "2001:db8:2::2", 0x60000000u,
             T_MAC_B);
    inject(e, e->p2, r, k);
    take_same(e->t2, r, k);
    b = take(e->p2);
    check_forwarded6(b, f, T_MAC_B, T_MAC_IF2);
    assert_int_equal(b->data[14 + 7], 63);
    assert_true(t_l4_ok6(b->data + 14));
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(neigh(e->if2, "2001:db8:2::2")->state, NEIGH_REACHABLE);
    assert_int_equal(VRC(e, NEIGH_LEARNED), 1);

    /* next one straight out */
    m = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::11", 2, 20);
    inject(e, e->p1, g, m);
    b = take(e->p2);
    check_forwarded6(b, g, T_MAC_B, T_MAC_IF2);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, FORWARDED), 2);

    /* hop limit 1 and no route: errors from eth1's global address */
    neigh_static(e->if1, "2001:db8:1::2", T_MAC_A);
    m = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::11", 1, 20);
    inject(e, e->p1, g, m);
    b = take(e->p1);
    check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "2001:db8:1::2", 3, 0, g + 14);
    pbuf_free(b);
    m = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:77::1", 64, 20);
    inject(e, e->p1, g, m);
    b = take(e->p1);
    check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "2001:db8:1::2", 1, 0, g + 14);
    pbuf_free(b);
    /* an unreachable route: ICMPv6 "no route" too (RFC 4443 3.1 has no better code) */
    m = t_udp6(g, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:98::1", 64, 20);
    inject(e, e->p1, g, m);
    b = take(e->p1);
    check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "2001:db8:1::2", 1, 0, g + 14);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_TTL), 1);
    assert_int_equal(VRC(e, DROP_NO_ROUTE), 1);
    assert_int_equal(VRC(e, DROP_UNREACHABLE), 1);

    /* a link-local source must not be forwarded: the error goes back where it came from */
    neigh_static(e->if1, "fe80::a", T_MAC_A);
    m = t_udp6(g, T_MAC_IF1, T_MAC_A, "fe80::a", "2001:db8:99::11", 64, 20);
    inject(e, e->p1, g, m);
    b = take(e->p1);
    check_icmp6_err(b, T_MAC_A, T_MAC_IF1, "2001:db8:1::1", "fe80::a", 1, 2, g + 14);
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, DROP_MARTIAN_SRC), 1);
}

/* ---- 12. ICMP rate limit ------------------------------------------------------------------- */

static unsigned send_ttl1(struct t_env *e, unsigned count)
{
    uint8_t f[256];
    size_t n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 0, 5000, 10);
    unsigned got = 0;

    for (unsigned i = 0; i < count; i++)
        inject(e, e->p1, f, n);
    got = t_drain(e->p1);
    none_anywhere(e);
    return got;
}

/* 12. ICMP errors are rate-limited per VR with a token bucket: with a frozen
 * clock only icmp_burst go out and the rest count icmp_errors_ratelimited;
 * time refills the bucket at icmp_rate per second, up to icmp_burst, and
 * fractions of a token are not lost between refills. */
static void test12_icmp_ratelimit(void **state)
{
    struct t_env *e = *state;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    e->dp->cfg.icmp_burst = 5;
    e->dp->cfg.icmp_rate = 10;
    e->vr->icmp_tokens = 5;
    e->vr->icmp_last_ns = e->now;

    assert_int_equal(send_ttl1(e, 8), 5);
    assert_int_equal(VRC(e, ICMP_RATELIMITED), 3);
    assert_int_equal(VRC(e, ICMP_SENT), 5);
    assert_int_equal(VRC(e, DROP_TTL), 8);
    assert_int_equal(send_ttl1(e, 3), 0);
    /* one second: 10 tokens, but the bucket holds 5 */
    e->now += T_SEC;
    assert_int_equal(send_ttl1(e, 8), 5);
    e->now += 100 * T_MS;
    assert_int_equal(send_ttl1(e, 3), 1);
    /* 150 ms and 150 ms again: 3 tokens in all */
    e->now += 150 * T_MS;
    assert_int_equal(send_ttl1(e, 1), 1);
    e->now += 150 * T_MS;
    assert_int_equal(send_ttl1(e, 5), 2);
    assert_int_equal(VRC(e, ICMP_SENT), 14);
    assert_int_equal(VRC(e, ICMP_RATELIMITED), 3 + 3 + 3 + 2 + 3);
}

/* ---- 13. no ICMP about ... ------------------------------------------------------------------ */

/* Inject on p1, return how many ICMP errors came back on p1. */
static unsigned errors_for(struct t_env *e, const uint8_t *f, size_t n)
{
    inject(e, e->p1, f, n);
    return t_drain(e->p1);
}

/* 13. No ICMP error about an ICMP error, about a fragment other than the
 * first, or to a source that is a broadcast or multicast address; but an
 * echo request and a first fragment do get one. */
static void test13_no_icmp_about(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048];
    size_t n;

    neigh_static(e->if1, "10.0.1.2", T_MAC_A);
    neigh_static(e->if1, "2001:db8:1::2", T_MAC_A);

    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 3, 1, 28);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 11, 0, 28);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(8, 8, 8, 8), 64, 3, 3, 28);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_icmp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 8, 0, 28);
    assert_int_equal(errors_for(e, f, n), 1);
    /* fragments: offset 185*8 and MF, then the first one */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 0x2000 | 185, 5000, 100);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, T_IP(8, 8, 8, 8), 64, 185, 5000, 100);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 1, 0x2000, 5000, 100);
    assert_int_equal(errors_for(e, f, n), 1);
    /* from a directed broadcast address */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, T_IP(10, 0, 2, 255), IP_FAR, 1, 0, 5000, 10);
    assert_int_equal(errors_for(e, f, n), 0);
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, T_IP(10, 0, 1, 255), T_IP(8, 8, 8, 8), 64, 0, 5000, 10);
    assert_int_equal(errors_for(e, f, n), 0);
    /* IPv6: about an error, from multicast, to multicast */
    {
        uint8_t l4[64] = {1, 0, 0, 0};

        n = t_ip6(f, T_MAC_IF1, T_MAC_A, 58, "2001:db8:1::2", "2001:db8:99::1", 1, l4, 48);
        assert_int_equal(errors_for(e, f, n), 0);
        l4[0] = 128;
        n = t_ip6(f, T_MAC_IF1, T_MAC_A, 58, "2001:db8:1::2", "2001:db8:99::1", 1, l4, 48);
        assert_int_equal(errors_for(e, f, n), 1);
        n = t_udp6(f, T_MAC_IF1, T_MAC_A, "ff0e::1", "2001:db8:77::1", 64, 20);
        assert_int_equal(errors_for(e, f, n), 0);
        n = t_udp6(f, (const uint8_t[]){0x33, 0x33, 0, 0, 0, 1}, T_MAC_A, "2001:db8:1::2",
                   "ff0e::1", 64, 20);
        assert_int_equal(errors_for(e, f, n), 0);
    }
    none_anywhere(e);
    assert_int_equal(VRC(e, ICMP_SENT), 3);
    assert_int_equal(VRC(e, ICMP_RATELIMITED), 0);
}

/* ---- 15. checksum completion ------------------------------------------------------------------
 */

/* 15. Frames whose L4 checksum a veth peer left to be filled in
 * (PBUF_F_CSUM_PARTIAL) leave with a correct UDP or TCP checksum, whether
 * forwarded whole (IPv4 and IPv6), fragmented, or punted to the container. */
static void test15_csum_partial(void **state)
{
    struct t_env *e = *state;
    uint8_t f[4096], re[4096];
    size_t n;
    struct pbuf *b;

    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    neigh_static(e->if2, "2001:db8:2::2", T_MAC_B);

    /* UDP and TCP over IPv4 */
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 101);
    t_put16(f + 14 + 20 + 6, 0xbeef);
    inject_flags(e, e->p1, f, n, PBUF_F_CSUM_PARTIAL);
    b = take(e->p2);
    assert_true(t_ip4_ok(b->data + 14));
    assert_true(t_l4_ok4(b->data + 14));
    pbuf_free(b);
    n = t_tcp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 80, 333);
    t_put16(f + 14 + 20 + 16, 0x1234);
    inject_flags(e, e->p1, f, n, PBUF_F_CSUM_PARTIAL);
    b = take(e->p2);
    assert_true(t_l4_ok4(b->data + 14));
    pbuf_free(b);
    /* UDP over IPv6 */
    n = t_udp6(f, T_MAC_IF1, T_MAC_A, "2001:db8:1::2", "2001:db8:99::1", 64, 77);
    t_put16(f + 14 + 40 + 6, 0x0101);
    inject_flags(e, e->p1, f, n, PBUF_F_CSUM_PARTIAL);
    b = take(e->p2);
    assert_true(t_l4_ok6(b->data + 14));
    pbuf_free(b);
    none_anywhere(e);
    assert_int_equal(VRC(e, CSUM_COMPLETED), 3);

    /* fragmented on the way: the reassembled datagram's checksum is right */
    e->if2->mtu = 1000;
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, 5000, 2500);
    t_put16(f + 14 + 20 + 6, 0xbeef);
    inject_flags(e, e->p1, f, n, PBUF_F_CSUM_PARTIAL);
    memcpy(re, f + 14, 20);
    while ((b = port_mem_take(e->p2)) != NULL) {
        const uint8_t *ip = b->data + 14;
        unsigned off = (t_get16(ip + 6) & 0x1fff) * 8u;

        memcpy(re + 20 + off, ip + 20, t_get16(ip + 2) - 20u);
        pbuf_free(b);
    }
    assert_true(t_l4_ok4(re));
    assert_int_equal(VRC(e, CSUM_COMPLETED), 4);

    /* punted: the container's kernel checks the checksum */
    n = t_tcp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_IF1, 64, 179, 19);
    t_put16(f + 14 + 20 + 16, 0x4321);
    inject_flags(e, e->p1, f, n, PBUF_F_CSUM_PARTIAL);
    b = take(e->t1);
    assert_int_equal(b->len, n);
    assert_true(t_l4_ok4(b->data + 14));
    pbuf_free(b);
    none_anywhere(e);
}

/* ---- 16. neighbour discovery that fails validation ------------------------------------ */

/* 16. NS/NA that fail RFC 4861 7.1 validation are dropped as malformed,
 * counted by the ND reason on the interface and the VR, and teach nothing:
 * hop limit not 255, a wrong ICMPv6 checksum, an NS in a fragment. */
static void test16_nd_invalid(void **state)
{
    struct t_env *e = *state;
    static const uint8_t mac_sn1[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};
    uint8_t f[2048], g[2048];
    size_t n;
    struct neigh *na;

    /* an INCOMPLETE entry an NA could complete */
    n = t_udp6(g, T_MAC_IF2, T_MAC_B, "2001:db8:2::2", "2001:db8:1::2", 64, 40);
    inject(e, e->p2, g, n);
    pbuf_free(take(e->p1));

    n = t_nd(f, T_MAC_IF1, T_MAC_A, 136, "2001:db8:1::2", "fe80::1:1", "2001:db8:1::2", 0x60000000u,
             T_MAC_A);
    f[14 + 7] = 64; /* hop limit: not from the link */
    expect_drop(e, f, n, DP_DROP_MALFORMED, PKT_ERR_ND_FORMAT);
    n = t_nd(f, T_MAC_IF1, T_MAC_A, 136, "2001:db8:1::2", "fe80::1:1", "2001:db8:1::2", 0x60000000u,
             T_MAC_A);
    f[14 + 40 + 2] ^= 0x40;
    expect_drop(e, f, n, DP_DROP_MALFORMED, PKT_ERR_L4_CSUM);
    na = neigh(e->if1, "2001:db8:1::2");
    assert_int_equal(na->state, NEIGH_INCOMPLETE);
    assert_int_equal(na->q.len, 1);

    /* an NS in a (first and only) fragment: ND never uses fragments (RFC 6980) */
    {
        uint8_t l4[48] = {58, 0, 0, 0, 0, 0, 0, 7}; /* fragment header: offset 0, M clear */
        size_t k = t_nd(g, mac_sn1, T_MAC_A, 135, "2001:db8:1::2", "ff02::1:ff00:1",
                        "2001:db8:1::1", 0, T_MAC_A);

        memcpy(l4 + 8, g + 14 + 40, k - 54);
        n = t_ip6(f, mac_sn1, T_MAC_A, 44, "2001:db8:1::2", "ff02::1:ff00:1", 255, l4, 8 + k - 54);
        expect_drop(e, f, n, DP_DROP_MALFORMED, PKT_ERR_ND_FORMAT);
        for (int i = PKT_ERR_COUNT; i < DP_PARSE_REASONS_MAX; i++) {
            assert_int_equal(e->if1->st.malformed[i], 0);
            assert_int_equal(e->vr->st.malformed[i], 0);
        }
    }
}

/* ---- 17. ports, taps and bursts ---------------------------------------------------------- */

/* 17. More frames than one burst keep their order; replacing an interface's
 * tap closes the old one; deleting the port an interface is bound to
 * unbinds it; deleting an interface closes its tap and forgets its port. */
static void test17_ports_and_bursts(void **state)
{
    struct t_env *e = *state;
    uint8_t f[2048];
    size_t n;
    struct port *t;
    char err[128];

    neigh_static(e->if2, "10.0.2.2", T_MAC_B);
    for (unsigned i = 0; i < 2 * PORT_BURST + 10; i++) {
        n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_FAR, 64, 0, (uint16_t)(1000 + i), 10);
        assert_int_equal(port_mem_inject(e->p1, f, n), 0);
    }
    assert_int_equal(dp_poll_port(e->dp, e->p1), PORT_BURST);
    assert_int_equal(dp_poll_port(e->dp, e->p1), PORT_BURST);
    assert_int_equal(dp_poll_port(e->dp, e->p1), 10);
    assert_int_equal(dp_poll_port(e->dp, e->p1), 0);
    for (unsigned i = 0; i < 2 * PORT_BURST + 10; i++) {
        struct pbuf *b = take(e->p2);

        assert_int_equal(t_get16(b->data + 14 + 20 + 2), 1000 + i);
        pbuf_free(b);
    }
    none_anywhere(e);
    assert_int_equal(VRC(e, FORWARDED), 2 * PORT_BURST + 10);

    /* a new tap for eth1 */
    assert_int_equal(port_open("mem", "tap1b", NULL, -1, dp_pool(e->dp), &t, err, sizeof(err)), 0);
    assert_int_equal(dp_iface_set_tap(e->dp, e->if1, t), 0);
    e->t1 = t;
    assert_null(dp_port_find(e->dp, "tap1"));
    n = t_udp4(f, T_MAC_IF1, T_MAC_A, IP_A, IP_IF1, 64, 0, 179, 10);
    inject(e, e->p1, f, n);
    take_same(e->t1, f, n);
    inject(e, e->t1, f, n);
    take_same(e->p1, f, n);

    /* the port goes: eth1 is unbound */
    assert_int_equal(dp_port_delete(e->dp, "p1"), 0);
    e->p1 = NULL;
    assert_null(e->if1->port);
    assert_int_equal(dp_port_delete(e->dp, "p1"), -ENOENT);
    assert_int_equal(dp_port_delete(e->dp, "tap1b"), -ENOENT); /* taps go with their interface */
    inject(e, e->t1, f, n);
    assert_int_equal(IFC(e->if1, DROP_UNBOUND), 1);

    /* the interface goes: its tap with it */
    assert_int_equal(dp_iface_delete(e->dp, e->vr, "eth1"), 0);
    e->t1 = NULL;
    e->if1 = NULL;
    assert_null(dp_port_find(e->dp, "tap1b"));
    none(e->p2);
    none(e->t2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test01_forward_with_arp, setup, teardown),
        cmocka_unit_test_setup_teardown(test02_ttl_exceeded, setup, teardown),
        cmocka_unit_test_setup_teardown(test03_no_route_and_reject_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test04_neigh_queue_and_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test05_neigh_ageing, setup, teardown),
        cmocka_unit_test_setup_teardown(test06_punt, setup, teardown),
        cmocka_unit_test_setup_teardown(test07_inject, setup, teardown),
        cmocka_unit_test_setup_teardown(test08_malformed_and_martians, setup, teardown),
        cmocka_unit_test_setup_teardown(test09_mtu, setup, teardown),
        cmocka_unit_test_setup_teardown(test10_acl, setup, teardown),
        cmocka_unit_test_setup_teardown(test11_ipv6_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test12_icmp_ratelimit, setup, teardown),
        cmocka_unit_test_setup_teardown(test13_no_icmp_about, setup, teardown),
        cmocka_unit_test_setup_teardown(test15_csum_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test16_nd_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test17_ports_and_bursts, setup, teardown),
    };

    return cmocka_run_group_tests_name("dp_pipeline", tests, NULL, NULL);
}
