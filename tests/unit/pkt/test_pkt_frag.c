/*
 * test_pkt_frag.c - IPv4 fragmentation (src/pkt/pkt_frag.c): random packets
 * with and without options are split for many MTUs, every fragment is
 * checked (size, 8-byte cuts, flags, options, checksum, parses) and the
 * pieces reassembled and compared with the original.
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
#include "pkt/pkt_frag.h"
#include "pkt_test.h"

#define MAXF 128
#define FCAP 1600

static uint8_t bufs[MAXF][FCAP + PKT_ETH_HLEN];
static uint8_t *outs[MAXF];
static uint16_t lens[MAXF];

static uint32_t rnd(void)
{
    static uint64_t s = 0x2545f4914f6cdd1dull;

    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return (uint32_t)(s >> 16);
}

static int setup(void **state)
{
    (void)state;
    /* headroom for an Ethernet header, so each fragment can be run through pkt_parse() */
    for (int i = 0; i < MAXF; i++)
        outs[i] = bufs[i] + PKT_ETH_HLEN;
    return 0;
}

/* Options: NOP, record route (not copied, 11 bytes), router alert (copied, 4), security (copied,
 * 11). */
static const uint8_t opts[28] = {
    0x01, 0x07, 0x0b, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 0x94, 0x04,
    0x00, 0x00, 0x82, 0x0b, 9, 9, 9, 9, 9, 9, 9, 9, 9,    0x00,
};
/* what later fragments carry: router alert + security, padded with end-of-options */
static const uint8_t copied[16] = {0x94, 0x04, 0x00, 0x00, 0x82, 0x0b, 9, 9,
                                   9,    9,    9,    9,    9,    9,    9, 0};

/*
 * Split the IPv4 packet in f (after Ethernet) for mtu, check each fragment
 * and the reassembly. with_opts says which header the original carries.
 */
static void split_and_check(const uint8_t *f, size_t iplen, unsigned int mtu, bool with_opts)
{
    const uint8_t *ip = f + PKT_ETH_HLEN;
    size_t hl = (size_t)(ip[0] & 0xf) * 4, data = iplen - hl;
    uint16_t ofo = pkt_get_be16(ip + 6);
    size_t base = (size_t)(ofo & PKT_IPV4_OFFMASK) * 8;
    static uint8_t re[70000];
    size_t covered = 0;
    int n;

    n = pkt_ipv4_fragment(ip, iplen, mtu, outs, FCAP, MAXF, lens);
    assert_true(n >= 1);
    assert_int_equal(n, pkt_ipv4_fragment_count(ip, iplen, mtu));
    memset(re, 0, sizeof(re));
    for (int i = 0; i < n; i++) {
        const uint8_t *fr = outs[i];
        size_t fhl = (size_t)(fr[0] & 0xf) * 4, flen = lens[i], off;
        uint16_t fo = pkt_get_be16(fr + 6);
        struct pkt_info pi;

        assert_true(flen <= mtu || n == 1);
        assert_int_equal(pkt_get_be16(fr + 2), flen);
        assert_int_equal(pkt_csum(fr, fhl), 0);
        /* same identity as the original */
        assert_memory_equal(fr + 4, ip + 4, 2);   /* id */
        assert_memory_equal(fr + 8, ip + 8, 2);   /* ttl, proto */
        assert_memory_equal(fr + 12, ip + 12, 8); /* addresses */
        if (i == 0) {
            assert_int_equal(fhl, hl);
            assert_memory_equal(fr + 20, ip + 20, hl - 20);
        } else if (with_opts) {
            assert_int_equal(fhl, 20 + sizeof(copied));
            assert_memory_equal(fr + 20, copied, sizeof(copied));
        } else {
            assert_int_equal(fhl, 20);
        }
        off = (size_t)(fo & PKT_IPV4_OFFMASK) * 8;
        assert_int_equal(off, base + covered); /* in order, contiguous */
        if (i < n - 1) {
            assert_true(fo & PKT_IPV4_MF);
            assert_int_equal((flen - fhl) % 8, 0);
        } else {
            assert_int_equal(fo & PKT_IPV4_MF, ofo & PKT_IPV4_MF);
        }
        assert_false(fo & PKT_IPV4_DF);
        memcpy(re + covered, fr + fhl, flen - fhl);
        covered += flen - fhl;
        /* and the data plane's parser takes it */
        t_eth(outs[i] - PKT_ETH_HLEN, t_mac_b, PKT_ETH_P_IPV4);
        assert_int_equal(pkt_parse(outs[i] - PKT_ETH_HLEN, flen + PKT_ETH_HLEN, &pi), 0);
    }
    assert_int_equal(covered, data);
    assert_memory_equal(re, ip + hl, data);
}

/* 1. Check that a packet that fits is copied unchanged as one fragment, DF or not. */
static void test01_fits(void **state)
{
    uint8_t f[2048];
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 1480);
    t_ip4(f)->frag_off = htons(PKT_IPV4_DF);
    t_ip4_fix(f);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 1500, outs, FCAP, MAXF, lens), 1);
    assert_int_equal(lens[0], 1500);
    assert_memory_equal(outs[0], f + 14, 1500);
    assert_int_equal(pkt_ipv4_fragment_count(f + 14, len - 14, 1500), 1);
}

/* 2. Check the refusals: DF set, MTU too small for 8 data bytes, malformed headers. */
static void test02_refusals(void **state)
{
    uint8_t f[2048];
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 1480);
    t_ip4(f)->frag_off = htons(PKT_IPV4_DF);
    t_ip4_fix(f);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 1400, outs, FCAP, MAXF, lens), -EINVAL);
    assert_int_equal(pkt_ipv4_fragment_count(f + 14, len - 14, 1400), -EINVAL);
    t_ip4(f)->frag_off = 0;
    t_ip4_fix(f);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 27, outs, FCAP, MAXF, lens), -EINVAL);
    assert_int_equal(pkt_ipv4_fragment_count(f + 14, len - 14, 28), 185);
    assert_int_equal(pkt_ipv4_fragment(f + 14, 19, 576, outs, FCAP, MAXF, lens), -EINVAL);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 15, 576, outs, FCAP, MAXF, lens), -EINVAL);
    f[14] = 0x44;
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, FCAP, MAXF, lens), -EINVAL);
    f[14] = 0x65;
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, FCAP, MAXF, lens), -EINVAL);
}

/* 3. Check -ENOSPC for too few buffers and for buffers too small. */
static void test03_nospace(void **state)
{
    uint8_t f[2048];
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 1480);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, FCAP, 2, lens), -ENOSPC);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, FCAP, 3, lens), 3);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, 571, 3, lens), -ENOSPC);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 1500, outs, 1499, 1, lens), -ENOSPC);
}

/* 4. Check the exact cut of 1500 bytes at MTU 576: 552 + 552 + 376 data bytes. */
static void test04_exact_cut(void **state)
{
    uint8_t f[2048];
    size_t len;

    (void)state;
    len = t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), NULL, 0, 1480);
    assert_int_equal(pkt_ipv4_fragment(f + 14, len - 14, 576, outs, FCAP, MAXF, lens), 3);
    assert_int_equal(lens[0], 572);
    assert_int_equal(lens[1], 572);
    assert_int_equal(lens[2], 20 + 1480 - 2 * 552);
    assert_int_equal(pkt_get_be16(outs[1] + 6), PKT_IPV4_MF | 69);
    assert_int_equal(pkt_get_be16(outs[2] + 6), 138);
    split_and_check(f, len - 14, 576, false);
}

/* 5. Check round trips of random packets, with and without options, for many MTUs. */
static void test05_round_trips(void **state)
{
    static const unsigned int mtus[] = {68, 100, 296, 576, 1006, 1280, 1492, 1500};
    uint8_t f[4200];

    (void)state;
    for (int n = 0; n < 300; n++) {
        size_t paylen = 1 + rnd() % 4000, len;
        bool with_opts = n % 2;
        unsigned int mtu = mtus[rnd() % (sizeof(mtus) / sizeof(mtus[0]))];

        /* UDP or protocols the parser does not look into: random TCP bytes may not parse */
        uint8_t proto = (uint8_t[]){IPPROTO_UDP, 47, 253}[rnd() % 3];
        uint32_t src = rnd(), dst = rnd();

        len = t_ipv4(f, proto, src, dst, with_opts ? opts : NULL, with_opts ? sizeof(opts) : 0,
                     paylen);
        for (size_t i = 0; i < paylen; i++)
            f[len - paylen + i] = (uint8_t)rnd();
        t_ip4(f)->id = (uint16_t)rnd();
        t_ip4_fix(f);
        split_and_check(f, len - 14, mtu, with_opts);
    }
}

/* 6. Check refragmenting a middle fragment: offsets continue, the last keeps MF. */
static void test06_refragment(void **state)
{
    uint8_t f[2048];
    size_t len;
    int n;

    (void)state;
    len =
        t_ipv4(f, IPPROTO_UDP, T_IP(192, 0, 2, 1), T_IP(198, 51, 100, 7), opts, sizeof(opts), 1200);
    t_ip4(f)->frag_off = htons(PKT_IPV4_MF | 125); /* offset 1000 */
    t_ip4_fix(f);
    n = pkt_ipv4_fragment(f + 14, len - 14, 500, outs, FCAP, MAXF, lens);
    assert_true(n > 1);
    assert_int_equal(pkt_get_be16(outs[0] + 6), PKT_IPV4_MF | 125);
    assert_true(pkt_get_be16(outs[n - 1] + 6) & PKT_IPV4_MF);
    split_and_check(f, len - 14, 500, true);
    /* and as the last fragment of its datagram */
    t_ip4(f)->frag_off = htons(125);
    t_ip4_fix(f);
    split_and_check(f, len - 14, 500, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_fits),        cmocka_unit_test(test02_refusals),
        cmocka_unit_test(test03_nospace),     cmocka_unit_test(test04_exact_cut),
        cmocka_unit_test(test05_round_trips), cmocka_unit_test(test06_refragment),
    };

    return cmocka_run_group_tests_name("pkt_frag", tests, setup, NULL);
}
