/*
 * test_bgp_attr.c - path attributes beyond the RFC 7606 table
 * (src/routing/bgp/update.c, intern.c): hash-consed interning (same
 * attributes, same pointer; refcounts; growth), the RFC 6793 4.2.3 merge of
 * AS4_PATH and AS4_AGGREGATOR, unknown transitive attributes kept with
 * Partial, the encoder (to 4-octet and 2-octet peers, parsed back to the
 * same interned set), whole UPDATEs for IPv4 and IPv6 built and parsed back,
 * and the AS path helpers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/be.h"
#include "bgp_test.h"

static uint8_t msg[70000], msg2[70000];

static const struct bgp_rx_ctx ebgp4 = {.local_as = 65000,
                                        .peer_as = 65001,
                                        .as4 = true,
                                        .ebgp = true,
                                        .afs = BGP_AF_IPV4 | BGP_AF_IPV6,
                                        .check_first_as = true};
static const struct bgp_rx_ctx ebgp2 = {.local_as = 65000,
                                        .peer_as = 65001,
                                        .as4 = false,
                                        .ebgp = true,
                                        .afs = BGP_AF_IPV4 | BGP_AF_IPV6,
                                        .check_first_as = true};
static const struct bgp_rx_ctx ibgp4 = {
    .local_as = 65000, .peer_as = 65000, .as4 = true, .afs = BGP_AF_IPV4 | BGP_AF_IPV6};

/* Append an attribute. */
static size_t A(uint8_t *p, uint8_t flags, uint8_t type, const void *v, size_t l)
{
    p[0] = flags;
    p[1] = type;
    p[2] = (uint8_t)l;
    memcpy(p + 3, v, l);
    return 3 + l;
}

/* A 4-octet (w 4) or 2-octet AS_SEQUENCE segment of n ASes. */
static size_t seq(uint8_t *p, unsigned int w, const uint32_t *as, size_t n, uint8_t type)
{
    p[0] = type;
    p[1] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        if (w == 4)
            put32(p + 2 + 4 * i, as[i]);
        else
            put16(p + 2 + 2 * i, (uint16_t)as[i]);
    }
    return 2 + w * n;
}

/* An UPDATE for 10.1.0.0/24 with ORIGIN, AS_PATH (ases), NEXT_HOP and MED med. */
static size_t upd(uint8_t *out, unsigned int w, const uint32_t *as, size_t n, uint32_t med,
                  const uint8_t *extra, size_t extra_len)
{
    uint8_t at[4096], path[1024], v[4];
    size_t o = 0, pl = seq(path, w, as, n, BGP_SEG_SEQUENCE);
    static const uint8_t nlri[] = {24, 10, 1, 0};

    o += A(at + o, 0x40, 1, "\0", 1);
    o += A(at + o, 0x40, 2, path, pl);
    put32(v, IP(192, 0, 2, 1));
    o += A(at + o, 0x40, 3, v, 4);
    put32(v, med);
    o += A(at + o, 0x80, 4, v, 4);
    memcpy(at + o, extra, extra_len);
    o += extra_len;
    return t_update(out, NULL, 0, at, o, nlri, sizeof(nlri));
}

static struct bgp_attrs *intern(struct bgp_attr_table *t, const uint8_t *m, size_t len,
                                const struct bgp_rx_ctx *cx, int verdict)
{
    struct bgp_update u;

    assert_int_equal(bgp_update_parse(m, len, cx, &u), verdict);
    return bgp_attrs_intern(t, &u, cx, u.nlri_len == 0);
}

/* 1. Check that equal attributes intern to one refcounted set, different ones to another. */
static void test01_intern(void **state)
{
    struct bgp_attr_table t;
    const uint32_t p1[] = {65001, 65010}, p2[] = {65001, 65011};
    struct bgp_attrs *a, *b, *c, *d;
    size_t n;

    (void)state;
    bgp_attr_table_init(&t);
    n = upd(msg, 4, p1, 2, 10, NULL, 0);
    a = intern(&t, msg, n, &ebgp4, BGP_OK);
    b = intern(&t, msg, n, &ebgp4, BGP_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(a->refs, 2);
    assert_int_equal(t.count, 1);
    assert_int_equal(a->path_len, 2);
    assert_int_equal(a->med, 10);
    assert_int_equal(a->nh_len, 4);
    assert_int_equal(be32(a->nh), IP(192, 0, 2, 1));
    n = upd(msg, 4, p1, 2, 11, NULL, 0);
    c = intern(&t, msg, n, &ebgp4, BGP_OK);
    n = upd(msg, 4, p2, 2, 10, NULL, 0);
    d = intern(&t, msg, n, &ebgp4, BGP_OK);
    assert_true(c != a && d != a && c != d);
    assert_int_equal(t.count, 3);
    assert_true(t.bytes >= 3 * sizeof(struct bgp_attrs));
    bgp_attrs_unref(&t, a);
    assert_int_equal(t.count, 3);
    bgp_attrs_unref(&t, b);
    assert_int_equal(t.count, 2);
    bgp_attrs_unref(&t, NULL);
    bgp_attrs_unref(&t, c);
    bgp_attrs_unref(&t, d);
    assert_int_equal(t.count, 0);
    assert_int_equal(t.bytes, 0);
    bgp_attr_table_free(&t);
}

/* 2. Check that 20,000 distinct sets grow the table and each is found again. */
static void test02_many(void **state)
{
    struct bgp_attr_table t;
    const uint32_t p[] = {65001, 65010};
    static struct bgp_attrs *keep[20000];
    size_t n;

    (void)state;
    bgp_attr_table_init(&t);
    for (uint32_t i = 0; i < 20000; i++) {
        n = upd(msg, 4, p, 2, i, NULL, 0);
        keep[i] = intern(&t, msg, n, &ebgp4, BGP_OK);
        assert_non_null(keep[i]);
    }
    assert_int_equal(t.count, 20000);
    assert_true(t.n_buckets >= 16384);
    for (uint32_t i = 0; i < 20000; i += 97) {
        n = upd(msg, 4, p, 2, i, NULL, 0);
        assert_ptr_equal(intern(&t, msg, n, &ebgp4, BGP_OK), keep[i]);
        bgp_attrs_unref(&t, keep[i]);
    }
    for (uint32_t i = 0; i < 20000; i++)
        bgp_attrs_unref(&t, keep[i]);
    assert_int_equal(t.count, 0);
    bgp_attr_table_free(&t);
}

/* 3. Check the RFC 6793 4.2.3 merge: leading AS_PATH ASes, then AS4_PATH; and when it is ignored.
 */
static void test03_as4_merge(void **state)
{
    struct bgp_attr_table t;
    const uint32_t p2[] = {65001, BGP_AS_TRANS, BGP_AS_TRANS, 65002};
    const uint32_t p4[] = {4200000000u, 4200000001u, 65002};
    const uint32_t want[] = {65001, 4200000000u, 4200000001u, 65002};
    const uint32_t longer[] = {1, 2, 3, 4, 5};
    uint8_t ex[512], s[256], w[256];
    size_t el, sl, n;
    struct bgp_attrs *a;

    (void)state;
    bgp_attr_table_init(&t);
    sl = seq(s, 4, p4, 3, BGP_SEG_SEQUENCE);
    el = A(ex, 0xc0, BGP_ATTR_AS4_PATH, s, sl);
    n = upd(msg, 2, p2, 4, 0, ex, el);
    a = intern(&t, msg, n, &ebgp2, BGP_OK);
    assert_int_equal(a->aspath_len, seq(w, 4, want, 4, BGP_SEG_SEQUENCE));
    assert_memory_equal(bgp_attrs_aspath(a), w, a->aspath_len);
    assert_int_equal(a->path_len, 4);
    assert_false(a->present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH));
    /* AS4_PATH longer than AS_PATH: ignored */
    sl = seq(s, 4, longer, 5, BGP_SEG_SEQUENCE);
    el = A(ex, 0xc0, BGP_ATTR_AS4_PATH, s, sl);
    n = upd(msg, 2, p2, 4, 0, ex, el);
    a = intern(&t, msg, n, &ebgp2, BGP_OK);
    assert_int_equal(a->aspath_len, seq(w, 4, p2, 4, BGP_SEG_SEQUENCE));
    assert_memory_equal(bgp_attrs_aspath(a), w, a->aspath_len);
    /* AGGREGATOR not AS_TRANS: AS4_PATH and AS4_AGGREGATOR ignored */
    sl = seq(s, 4, p4, 3, BGP_SEG_SEQUENCE);
    el = A(ex, 0xc0, BGP_ATTR_AS4_PATH, s, sl);
    el += A(ex + el, 0xc0, BGP_ATTR_AGGREGATOR, "\xfd\xe9\x0a\x00\x00\x01", 6);
    el += A(ex + el, 0xc0, BGP_ATTR_AS4_AGGREGATOR, "\xfa\x56\xea\x00\x0a\x00\x00\x02", 8);
    n = upd(msg, 2, p2, 4, 0, ex, el);
    a = intern(&t, msg, n, &ebgp2, BGP_OK);
    assert_memory_equal(bgp_attrs_aspath(a), w, a->aspath_len);
    assert_int_equal(a->aggr_as, 65001);
    assert_int_equal(a->aggr_addr, IP(10, 0, 0, 1));
    /* AGGREGATOR AS_TRANS: AS4_AGGREGATOR replaces it; confederation segments of AS4_PATH dropped
     */
    el = seq(s, 4, (const uint32_t[]){65100}, 1, BGP_SEG_CONFED_SEQUENCE);
    sl = el + seq(s + el, 4, p4, 3, BGP_SEG_SEQUENCE);
    el = A(ex, 0xc0, BGP_ATTR_AS4_PATH, s, sl);
    el += A(ex + el, 0xc0, BGP_ATTR_AGGREGATOR, "\x5b\xa0\x0a\x00\x00\x01", 6);
    el += A(ex + el, 0xc0, BGP_ATTR_AS4_AGGREGATOR, "\xfa\x56\xea\x00\x0a\x00\x00\x02", 8);
    n = upd(msg, 2, p2, 4, 0, ex, el);
    a = intern(&t, msg, n, &ebgp2, BGP_OK);
    assert_int_equal(a->aspath_len, seq(w, 4, want, 4, BGP_SEG_SEQUENCE));
    assert_memory_equal(bgp_attrs_aspath(a), w, a->aspath_len);
    assert_int_equal(a->aggr_as, 4200000000u);
    assert_int_equal(a->aggr_addr, IP(10, 0, 0, 2));
    bgp_attr_table_free(&t);
}

/* 4. Check that unknown optional transitive attributes are kept with Partial, others not. */
static void test04_unknown_kept(void **state)
{
    struct bgp_attr_table t;
    const uint32_t p[] = {65001};
    uint8_t ex[64];
    size_t el, n;
    struct bgp_attrs *a;

    (void)state;
    bgp_attr_table_init(&t);
    el = A(ex, 0xc0, 99, "abc", 3);
    el += A(ex + el, 0x80, 98, "zz", 2); /* non-transitive: dropped */
    el += A(ex + el, 0xe0, 97, "", 0);
    n = upd(msg, 4, p, 1, 0, ex, el);
    a = intern(&t, msg, n, &ebgp4, BGP_OK);
    assert_int_equal(a->other_len, 6 + 3);
    assert_memory_equal(bgp_attrs_other(a),
                        "\xe0\x63\x03"
                        "abc"
                        "\xe0\x61\x00",
                        9);
    bgp_attr_table_free(&t);
}

/* Encode a's attributes in an UPDATE for 10.1.0.0/24 to tx, parse with rx, intern in t. */
static struct bgp_attrs *through(struct bgp_attr_table *t, const struct bgp_attrs *a,
                                 const struct bgp_tx_ctx *tx, const struct bgp_rx_ctx *rx)
{
    struct bgp_prefix p = {.afi = BGP_AFI_IPV4, .len = 24, .addr = {10, 1}};
    int n = bgp_update_build(msg2, sizeof(msg2), tx, BGP_AFI_IPV4, NULL, 0, a, &p, 1);

    assert_true(n > 0);
    return intern(t, msg2, (size_t)n, rx, BGP_OK);
}

/*
 * 5. Check the encoder: an iBGP set with every attribute goes out and comes
 * back as the same interned set; to a 2-octet peer, large ASes travel as
 * AS_TRANS plus AS4_PATH / AS4_AGGREGATOR and merge back to the same path.
 */
static void test05_encode_roundtrip(void **state)
{
    struct bgp_attr_table t;
    const uint32_t p[] = {65001, 4200000000u, 65002};
    uint8_t ex[512], v[64];
    size_t el = 0, n;
    struct bgp_attrs *a, *b;
    const struct bgp_tx_ctx tx4 = {.as4 = true, .max = BGP_MAX_LEN};
    const struct bgp_tx_ctx tx2 = {.as4 = false, .ebgp = true, .max = BGP_MAX_LEN};

    (void)state;
    bgp_attr_table_init(&t);
    put32(v, 200);
    el += A(ex + el, 0x40, BGP_ATTR_LOCAL_PREF, v, 4);
    el += A(ex + el, 0x40, BGP_ATTR_ATOMIC_AGGREGATE, "", 0);
    el += A(ex + el, 0xc0, BGP_ATTR_AGGREGATOR, "\xfa\x56\xea\x00\x0a\x00\x00\x02", 8);
    el += A(ex + el, 0xc0, BGP_ATTR_COMMUNITIES, "\xfd\xe9\x00\x01\xff\xff\xff\x01", 8);
    el += A(ex + el, 0x80, BGP_ATTR_ORIGINATOR_ID, "\x0a\x00\x00\x09", 4);
    el += A(ex + el, 0x80, BGP_ATTR_CLUSTER_LIST, "\x0a\x00\x00\x08\x0a\x00\x00\x07", 8);
    el += A(ex + el, 0xc0, BGP_ATTR_EXT_COMMUNITIES, "\x00\x02\xfd\xe9\x00\x00\x00\x01", 8);
    memset(v, 7, 24);
    el += A(ex + el, 0xc0, BGP_ATTR_LARGE_COMMUNITIES, v, 24);
    el += A(ex + el, 0xc0, 99, "abc", 3);
    n = upd(msg, 4, p, 3, 5, ex, el);
    a = intern(&t, msg, n, &ibgp4, BGP_OK);
    assert_int_equal(a->n_comm, 2);
    assert_int_equal(a->n_ext, 1);
    assert_int_equal(a->n_large, 2);
    assert_int_equal(a->n_cluster, 2);
    assert_int_equal(a->local_pref, 200);
    assert_int_equal(a->originator_id, IP(10, 0, 0, 9));
    b = through(&t, a, &tx4, &ibgp4);
    assert_ptr_equal(a, b);
    assert_int_equal(a->refs, 2);
    /* to a 2-octet eBGP peer: no LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST; same path back */
    b = through(&t, a, &tx2, &ebgp2);
    assert_ptr_not_equal(a, b);
    assert_int_equal(b->aspath_len, a->aspath_len);
    assert_memory_equal(bgp_attrs_aspath(b), bgp_attrs_aspath(a), a->aspath_len);
    assert_int_equal(b->aggr_as, 4200000000u);
    assert_false(b->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF));
    assert_false(b->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID));
    assert_int_equal(b->n_cluster, 0);
    assert_int_equal(b->n_comm, 2);
    assert_int_equal(b->n_large, 2);
    assert_int_equal(b->other_len, 6);
    bgp_attr_table_free(&t);
}

/* 6. Check IPv6 UPDATEs: MP_REACH_NLRI and MP_UNREACH_NLRI built and parsed back. */
static void test06_ipv6_update(void **state)
{
    struct bgp_attr_table t;
    struct bgp_attrs tmpl = {.present =
                                 BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH),
                             .origin = BGP_ORIGIN_IGP,
                             .nh_len = 16,
                             .nh = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
    struct bgp_attrs *a, *b;
    struct bgp_prefix p[3] = {
        {.afi = BGP_AFI_IPV6, .len = 48, .addr = {0x20, 0x01, 0x0d, 0xb8, 0, 1}},
        {.afi = BGP_AFI_IPV6, .len = 64, .addr = {0x20, 0x01, 0x0d, 0xb8, 0, 2}},
        {.afi = BGP_AFI_IPV6, .len = 0}};
    const struct bgp_tx_ctx tx = {.as4 = true, .max = BGP_MAX_LEN};
    struct bgp_update u;
    struct bgp_prefix got;
    size_t off = 0;
    int n;

    (void)state;
    bgp_attr_table_init(&t);
    a = bgp_attrs_intern_set(&t, &tmpl);
    assert_non_null(a);
    n = bgp_update_build(msg, sizeof(msg), &tx, BGP_AFI_IPV6, &p[2], 1, a, p, 2);
    assert_true(n > 0);
    assert_int_equal(bgp_update_parse(msg, (size_t)n, &ibgp4, &u), BGP_OK);
    assert_true(u.mp_reach && u.mp_unreach);
    assert_int_equal(u.nlri_len, 0);
    assert_int_equal(u.withdrawn_len, 0);
    assert_int_equal(bgp_nlri_next(u.reach_nlri, u.reach_nlri_len, &off, 2, &got), 1);
    assert_memory_equal(&got, &p[0], sizeof(got));
    assert_int_equal(bgp_nlri_next(u.reach_nlri, u.reach_nlri_len, &off, 2, &got), 1);
    assert_memory_equal(&got, &p[1], sizeof(got));
    off = 0;
    assert_int_equal(bgp_nlri_next(u.unreach_nlri, u.unreach_nlri_len, &off, 2, &got), 1);
    assert_int_equal(got.len, 0);
    b = bgp_attrs_intern(&t, &u, &ibgp4, true);
    assert_ptr_equal(a, b);
    /* withdraw only: no attributes at all */
    n = bgp_update_build(msg, sizeof(msg), &tx, BGP_AFI_IPV6, p, 2, NULL, NULL, 0);
    assert_int_equal(bgp_update_parse(msg, (size_t)n, &ibgp4, &u), BGP_OK);
    assert_true(u.mp_unreach && !u.mp_reach);
    assert_int_equal(u.n_attrs, 1);
    bgp_attr_table_free(&t);
}

/* 7. Check that too many prefixes for 4096 bytes give -ENOSPC, and fit in 65535. */
static void test07_update_too_big(void **state)
{
    static struct bgp_prefix p[2000];
    struct bgp_attrs tmpl = {
        .present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN), .nh_len = 4, .nh = {192, 0, 2, 1}};
    struct bgp_tx_ctx tx = {.as4 = true, .max = BGP_MAX_LEN};
    struct bgp_update u;
    struct bgp_rx_ctx rx = ibgp4;
    int n;

    (void)state;
    for (int i = 0; i < 2000; i++)
        p[i] =
            (struct bgp_prefix){.afi = 1, .len = 24, .addr = {10, (uint8_t)(i >> 8), (uint8_t)i}};
    assert_int_equal(bgp_update_build(msg, sizeof(msg), &tx, 1, NULL, 0, &tmpl, p, 2000), -ENOSPC);
    assert_int_equal(bgp_update_build(msg, sizeof(msg), &tx, 1, p, 2000, NULL, NULL, 0), -ENOSPC);
    tx.max = BGP_EXT_MAX_LEN;
    n = bgp_update_build(msg, sizeof(msg), &tx, 1, NULL, 0, &tmpl, p, 2000);
    assert_true(n > 4096);
    rx.ext_msg = true;
    assert_int_equal(bgp_update_parse(msg, (size_t)n, &rx, &u), BGP_OK);
    assert_int_equal(bgp_nlri_check(u.nlri, u.nlri_len, 1, NULL), 2000);
}

/* 8. Check the AS path helpers: length (sets 1, confederations 0), contains, first. */
static void test08_aspath(void **state)
{
    uint8_t p[128];
    size_t l = 0;

    (void)state;
    l += seq(p + l, 4, (const uint32_t[]){65100, 65101}, 2, BGP_SEG_CONFED_SEQUENCE);
    l += seq(p + l, 4, (const uint32_t[]){1, 2, 3}, 3, BGP_SEG_SEQUENCE);
    l += seq(p + l, 4, (const uint32_t[]){7, 8, 9}, 3, BGP_SEG_SET);
    assert_int_equal(bgp_aspath_length(p, l, 4), 4);
    assert_true(bgp_aspath_contains(p, l, 8));
    assert_true(bgp_aspath_contains(p, l, 65101));
    assert_false(bgp_aspath_contains(p, l, 4));
    assert_int_equal(bgp_aspath_first(p, l, 4), 0); /* starts with a confederation segment */
    assert_int_equal(bgp_aspath_first(p + 10, l - 10, 4), 1);
    assert_int_equal(bgp_aspath_length(p, 0, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_intern),           cmocka_unit_test(test02_many),
        cmocka_unit_test(test03_as4_merge),        cmocka_unit_test(test04_unknown_kept),
        cmocka_unit_test(test05_encode_roundtrip), cmocka_unit_test(test06_ipv6_update),
        cmocka_unit_test(test07_update_too_big),   cmocka_unit_test(test08_aspath),
    };

    return cmocka_run_group_tests_name("bgp_attr", tests, NULL, NULL);
}
