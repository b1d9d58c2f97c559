/*
 * test_pkt_csum.c - Internet checksums (src/pkt/pkt_csum.c, pkt_csum.h):
 * RFC 1071's example, a naive big-endian model over random buffers at every
 * alignment, pseudo-header checksums against scapy's, and the RFC 1624
 * incremental update (TTL decrement, address rewrite) against full
 * recomputation for every TTL, random headers and the 0x0000/0xffff cases.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"
#include "pkt/pkt_csum.h"
#include "pkt_test.h"
#include "pkt_vectors.h"

/* Deterministic xorshift, so failures reproduce. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* The naive model: big-endian 16-bit words, carries folded at the end. */
static uint16_t model_csum(const uint8_t *p, size_t len)
{
    uint64_t s = 0;

    for (size_t i = 0; i < len; i += 2)
        s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* The stored (network order) checksum as a host-order number, for comparing with the model. */
static uint16_t as_host(uint16_t stored)
{
    return ntohs(stored);
}

/* A random valid IPv4 header (random IHL with option bytes) with a correct checksum. */
static void random_header(uint8_t *h)
{
    size_t hl = 20 + 4 * (rnd() % 11);

    for (size_t i = 0; i < hl; i++)
        h[i] = (uint8_t)rnd();
    h[0] = (uint8_t)(0x40 | hl / 4);
    pkt_ipv4_csum_set((struct ipv4_hdr *)h);
}

/* 1. Check RFC 1071's worked example (sum 0xddf2) and the stored byte order. */
static void test01_rfc1071_example(void **state)
{
    static const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint16_t c = pkt_csum(b, sizeof(b));
    uint8_t stored[2];

    (void)state;
    memcpy(stored, &c, 2);
    assert_int_equal(stored[0], 0x22);
    assert_int_equal(stored[1], 0x0d);
    assert_int_equal(pkt_csum(NULL, 0), 0xffff);
}

/* 2. Check pkt_csum_add against the model at every length 0..300 and 8 alignments. */
static void test02_model_random(void **state)
{
    uint8_t buf[320];

    (void)state;
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (uint8_t)rnd();
        if (round == 0)
            memset(buf, 0xff, sizeof(buf)); /* all carries */
        for (size_t align = 0; align < 8; align++)
            for (size_t len = 0; len <= 300; len++)
                assert_int_equal(as_host(pkt_csum(buf + align, len)), model_csum(buf + align, len));
    }
}

/* 3. Check that sums compose over consecutive even-length pieces, and over huge buffers. */
static void test03_compose(void **state)
{
    static uint8_t big[70000];

    (void)state;
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)rnd();
    for (size_t split = 0; split <= 200; split += 2) {
        uint32_t s = pkt_csum_add(0, big, split);

        s = pkt_csum_add(s, big + split, 201 - split);
        assert_int_equal(pkt_csum_fold(s), pkt_csum(big, 201));
    }
    memset(big, 0xff, sizeof(big));
    assert_int_equal(as_host(pkt_csum(big, sizeof(big))), model_csum(big, sizeof(big)));
}

/* 4. Check the IPv4 header checksum of reference frames, with and without options. */
static void test04_ipv4_header(void **state)
{
    uint8_t f[64];
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(f + 14);
    uint16_t want;

    (void)state;
    memcpy(f, v_udp4, sizeof(v_udp4));
    want = ip->csum;
    assert_int_equal(pkt_ipv4_csum(ip), want);
    ip->csum = 0x1234; /* the stored field is ignored */
    assert_int_equal(pkt_ipv4_csum(ip), want);
    pkt_ipv4_csum_set(ip);
    assert_int_equal(ip->csum, want);
    memcpy(f, v_tcp4_opts, sizeof(v_tcp4_opts));
    want = ip->csum;
    ip->csum = 0;
    pkt_ipv4_csum_set(ip);
    assert_int_equal(ip->csum, want);
    assert_int_equal(pkt_csum(ip, 24), 0);
}

/* 5. Check UDP and TCP over IPv4 against scapy's checksums (odd-length payload included). */
static void test05_l4_ipv4(void **state)
{
    uint8_t l4[64];
    struct pkt_info pi;
    size_t n;
    uint16_t want;

    (void)state;
    assert_int_equal(pkt_parse(v_udp4, sizeof(v_udp4), &pi), 0);
    n = pi.l3_len - (pi.l4_off - pi.l3_off);
    memcpy(l4, v_udp4 + pi.l4_off, n);
    memcpy(&want, l4 + 6, 2);
    memset(l4 + 6, 0, 2);
    assert_int_equal(pkt_udp_csum4(pi.src.v4, pi.dst.v4, l4, n), want);
    assert_int_equal(pkt_l4_csum4(pi.src.v4, pi.dst.v4, IPPROTO_UDP, l4, n), want);

    assert_int_equal(pkt_parse(v_tcp4_opts, sizeof(v_tcp4_opts), &pi), 0);
    n = pi.l3_len - (pi.l4_off - pi.l3_off);
    memcpy(l4, v_tcp4_opts + pi.l4_off, n);
    memcpy(&want, l4 + 16, 2);
    memset(l4 + 16, 0, 2);
    assert_int_equal(pkt_l4_csum4(pi.src.v4, pi.dst.v4, IPPROTO_TCP, l4, n), want);
}

/*
 * 6. Check UDP and ICMPv6 over IPv6 against scapy's. The routing header has no
 * segments left, so the final destination is the header's (RFC 8200 8.1).
 */
static void test06_l4_ipv6(void **state)
{
    uint8_t l4[64];
    struct pkt_info pi;
    size_t n;
    uint16_t want;

    (void)state;
    assert_int_equal(pkt_parse(v_udp6_ext, sizeof(v_udp6_ext), &pi), 0);
    n = pi.l3_off + pi.l3_len - pi.l4_off;
    memcpy(l4, v_udp6_ext + pi.l4_off, n);
    memcpy(&want, l4 + 6, 2);
    memset(l4 + 6, 0, 2);
    assert_int_equal(pkt_udp_csum6(&pi.src.v6, &pi.dst.v6, l4, n), want);

    assert_int_equal(pkt_parse(v_ns, sizeof(v_ns), &pi), 0);
    n = pi.l3_off + pi.l3_len - pi.l4_off;
    memcpy(l4, v_ns + pi.l4_off, n);
    memcpy(&want, l4 + 2, 2);
    memset(l4 + 2, 0, 2);
    assert_int_equal(pkt_l4_csum6(&pi.src.v6, &pi.dst.v6, IPPROTO_ICMPV6, l4, n), want);
    /* verifying: the sum over the message with its checksum folds to zero */
    memcpy(l4 + 2, &want, 2);
    assert_int_equal(pkt_l4_csum6(&pi.src.v6, &pi.dst.v6, IPPROTO_ICMPV6, l4, n), 0);
}

/* 7. Check the pseudo-header sums against pseudo-headers laid out in memory. */
static void test07_pseudo_layout(void **state)
{
    uint8_t ph[40];

    (void)state;
    for (int i = 0; i < 1000; i++) {
        uint32_t s = rnd(), d = rnd(), len = rnd() & 0xffff;
        uint8_t proto = (uint8_t)rnd();
        struct in6_addr s6, d6;

        pkt_put_be32(ph, s);
        pkt_put_be32(ph + 4, d);
        ph[8] = 0;
        ph[9] = proto;
        pkt_put_be16(ph + 10, (uint16_t)len);
        assert_int_equal(pkt_csum_fold(pkt_pseudo4_sum(s, d, proto, len)), pkt_csum(ph, 12));

        for (int k = 0; k < 16; k++) {
            s6.s6_addr[k] = (uint8_t)rnd();
            d6.s6_addr[k] = (uint8_t)rnd();
        }
        len = rnd();
        memcpy(ph, &s6, 16);
        memcpy(ph + 16, &d6, 16);
        pkt_put_be32(ph + 32, len);
        memset(ph + 36, 0, 3);
        ph[39] = proto;
        assert_int_equal(pkt_csum_fold(pkt_pseudo6_sum(&s6, &d6, proto, len)), pkt_csum(ph, 40));
    }
}

/* 8. Check that a UDP checksum computing to 0 is sent as 0xffff (RFC 768). */
static void test08_udp_zero(void **state)
{
    uint8_t u[12] = {0x12, 0x34, 0x00, 0x35, 0x00, 0x0c, 0, 0, 0, 0, 0, 0};
    uint16_t c;

    (void)state;
    /* Put the checksum of the rest into the payload: the total then sums to -0. */
    c = pkt_l4_csum4(T_IP(10, 0, 0, 1), T_IP(10, 0, 0, 2), IPPROTO_UDP, u, sizeof(u));
    memcpy(u + 8, &c, 2);
    assert_int_equal(pkt_l4_csum4(T_IP(10, 0, 0, 1), T_IP(10, 0, 0, 2), IPPROTO_UDP, u, sizeof(u)),
                     0);
    assert_int_equal(pkt_udp_csum4(T_IP(10, 0, 0, 1), T_IP(10, 0, 0, 2), u, sizeof(u)), 0xffff);
}

/* 9. Check the TTL decrement for all 256 TTLs on 2000 random headers against recomputation. */
static void test09_dec_ttl_exhaustive(void **state)
{
    uint8_t h[60];
    struct ipv4_hdr *ip = (struct ipv4_hdr *)h;

    (void)state;
    for (int n = 0; n < 2000; n++) {
        random_header(h);
        for (unsigned int ttl = 0; ttl < 256; ttl++) {
            ip->ttl = (uint8_t)ttl;
            pkt_ipv4_csum_set(ip);
            pkt_ipv4_dec_ttl(ip);
            assert_int_equal(ip->ttl, (uint8_t)(ttl - 1));
            assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
        }
    }
    /* and a chain of 255 decrements from 255 stays right at every step */
    random_header(h);
    ip->ttl = 255;
    pkt_ipv4_csum_set(ip);
    for (int i = 0; i < 255; i++) {
        pkt_ipv4_dec_ttl(ip);
        assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
    }
    assert_int_equal(ip->ttl, 0);
}

/* 10. Check the corner cases: checksum 0x0000 before, 0x0000 after, and a stored 0xffff (-0). */
static void test10_dec_ttl_corners(void **state)
{
    uint8_t h[60];
    struct ipv4_hdr *ip = (struct ipv4_hdr *)h;
    int before = 0, after = 0;

    (void)state;
    for (int n = 0; n < 500; n++) {
        uint16_t c;

        random_header(h);
        ip->ttl = (uint8_t)(2 + rnd() % 254);
        /* id := the checksum of everything else makes the header's checksum 0x0000 */
        ip->id = 0;
        c = pkt_ipv4_csum(ip);
        ip->id = c;
        pkt_ipv4_csum_set(ip);
        assert_int_equal(ip->csum, 0);
        pkt_ipv4_dec_ttl(ip);
        assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
        before++;

        /* the same after the decrement: choose id on the decremented header */
        random_header(h);
        ip->ttl = (uint8_t)(2 + rnd() % 254);
        ip->id = 0;
        ip->ttl--;
        c = pkt_ipv4_csum(ip);
        ip->ttl++;
        ip->id = c;
        pkt_ipv4_csum_set(ip);
        pkt_ipv4_dec_ttl(ip);
        assert_int_equal(ip->csum, 0);
        assert_int_equal(pkt_ipv4_csum(ip), 0);
        after++;

        /* a header whose right checksum is 0x0000 but was sent as 0xffff (also valid) */
        random_header(h);
        ip->id = 0;
        c = pkt_ipv4_csum(ip);
        ip->id = c;
        ip->csum = 0xffff;
        assert_int_equal(pkt_csum(ip, (ip->ver_ihl & 0xf) * 4u), 0);
        pkt_ipv4_dec_ttl(ip);
        assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
    }
    assert_int_equal(before, 500);
    assert_int_equal(after, 500);
}

/* 11. Check update16/update32 (address and port rewrites) against recomputation. */
static void test11_update_words(void **state)
{
    uint8_t h[60];
    struct ipv4_hdr *ip = (struct ipv4_hdr *)h;

    (void)state;
    for (int n = 0; n < 100000; n++) {
        uint32_t old_a, new_a = rnd() ^ (rnd() << 16);
        uint16_t old_w, new_w = (uint16_t)rnd();

        random_header(h);
        if (n % 7 == 0)
            new_a = 0;
        old_a = ip->saddr;
        ip->saddr = new_a;
        ip->csum = pkt_csum_update32(ip->csum, old_a, new_a);
        assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
        old_w = ip->id;
        ip->id = new_w;
        ip->csum = pkt_csum_update16(ip->csum, old_w, new_w);
        assert_int_equal(ip->csum, pkt_ipv4_csum(ip));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_rfc1071_example),
        cmocka_unit_test(test02_model_random),
        cmocka_unit_test(test03_compose),
        cmocka_unit_test(test04_ipv4_header),
        cmocka_unit_test(test05_l4_ipv4),
        cmocka_unit_test(test06_l4_ipv6),
        cmocka_unit_test(test07_pseudo_layout),
        cmocka_unit_test(test08_udp_zero),
        cmocka_unit_test(test09_dec_ttl_exhaustive),
        cmocka_unit_test(test10_dec_ttl_corners),
        cmocka_unit_test(test11_update_words),
    };

    return cmocka_run_group_tests_name("pkt_csum", tests, NULL, NULL);
}
