/*
 * fuzz_bgp_common.h - what both BGP fuzz harnesses check of one UPDATE:
 * the verdict is consistent (a reason exactly when not OK, NOTIFICATION
 * data inside the message), every pointer the parser returns lies inside
 * the message, every NLRI it accepted walks to its end; for an accepted
 * UPDATE the attributes intern (twice to the same set), encode, and the
 * encoding parses back to the same interned set.
 */
#ifndef VROOM_FUZZ_BGP_COMMON_H
#define VROOM_FUZZ_BGP_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/msg.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

/* Session parameters from one byte. */
static inline void fuzz_ctx(uint8_t b, struct bgp_rx_ctx *cx)
{
    memset(cx, 0, sizeof(*cx));
    cx->local_as = 65000;
    cx->as4 = b & 1;
    cx->ebgp = b & 2;
    cx->peer_as = cx->ebgp ? ((b & 4) ? 4200000001u : 65001) : 65000;
    cx->ext_msg = b & 8;
    cx->check_first_as = b & 16;
    cx->afs = BGP_AF_IPV4 | ((b & 32) ? 0 : BGP_AF_IPV6);
}

static inline void fuzz_inside(const uint8_t *p, size_t n, const uint8_t *m, size_t len)
{
    if (n)
        CHECK(p >= m && p + n <= m + len);
}

static inline void fuzz_nlri(const uint8_t *p, size_t n, uint16_t afi)
{
    struct bgp_prefix x;
    size_t off = 0;
    int r;

    while ((r = bgp_nlri_next(p, n, &off, afi, &x)) == 1)
        CHECK(x.len <= (afi == BGP_AFI_IPV6 ? 128 : 32));
    CHECK(r == 0 && off == n);
}

/* Re-encode a (from an accepted UPDATE) and parse it back to the same set. */
static inline void fuzz_roundtrip(struct bgp_attr_table *t, struct bgp_attrs *a)
{
    static uint8_t out[BGP_EXT_MAX_LEN];
    const struct bgp_tx_ctx tx = {.as4 = true, .ebgp = false, .max = BGP_EXT_MAX_LEN};
    const struct bgp_rx_ctx rx = {.local_as = 65000,
                                  .peer_as = 65000,
                                  .as4 = true,
                                  .ext_msg = true,
                                  .afs = BGP_AF_IPV4 | BGP_AF_IPV6};
    struct bgp_prefix p = {.len = 8, .addr = {10}};
    uint16_t afi = a->nh_len == 4 ? BGP_AFI_IPV4 : BGP_AFI_IPV6;
    struct bgp_update u;
    struct bgp_attrs *b;
    int n;

    if (a->nh_len != 4 && a->nh_len != 16 && a->nh_len != 32)
        return;
    if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)) || a->aspath_len > 65535)
        return;
    p.afi = (uint8_t)afi;
    n = bgp_update_build(out, sizeof(out), &tx, afi, NULL, 0, a, &p, 1);
    if (n == -ENOSPC)
        return; /* a widened path or re-encoded attributes can outgrow the message */
    CHECK(n > 0);
    CHECK(bgp_update_parse(out, (size_t)n, &rx, &u) == BGP_OK);
    b = bgp_attrs_intern(t, &u, &rx, afi == BGP_AFI_IPV6);
    CHECK(b == a);
    bgp_attrs_unref(t, b);
}

static inline void fuzz_update(const uint8_t *m, size_t len, const struct bgp_rx_ctx *cx)
{
    struct bgp_update u;
    int v = bgp_update_parse(m, len, cx, &u);

    CHECK(v >= BGP_OK && v <= BGP_RESET && v == u.err.verdict);
    CHECK((v == BGP_OK) == (u.err.reason == NULL));
    CHECK(v == BGP_OK || len == 0 || u.err.offset < len);
    if (v == BGP_RESET) {
        CHECK(u.err.code >= BGP_ERR_HEADER && u.err.code <= BGP_ERR_UPDATE);
        if (u.err.data_len && u.err.code == BGP_ERR_UPDATE)
            fuzz_inside(u.err.data, u.err.data_len, m, len);
        return;
    }
    fuzz_inside(u.withdrawn, u.withdrawn_len, m, len);
    fuzz_inside(u.attrs, u.attrs_len, m, len);
    fuzz_inside(u.nlri, u.nlri_len, m, len);
    CHECK(u.nlri + u.nlri_len == m + len);
    fuzz_nlri(u.withdrawn, u.withdrawn_len, BGP_AFI_IPV4);
    fuzz_nlri(u.nlri, u.nlri_len, BGP_AFI_IPV4);
    if (u.mp_reach) {
        fuzz_inside(u.reach_nlri, u.reach_nlri_len, m, len);
        fuzz_inside(u.reach_nh, u.reach_nh_len, m, len);
        fuzz_nlri(u.reach_nlri, u.reach_nlri_len, u.reach_afi);
    }
    if (u.mp_unreach) {
        fuzz_inside(u.unreach_nlri, u.unreach_nlri_len, m, len);
        fuzz_nlri(u.unreach_nlri, u.unreach_nlri_len, u.unreach_afi);
    }
    fuzz_inside(u.a.as_path, u.a.as_path_len, m, len);
    fuzz_inside(u.a.as4_path, u.a.as4_path_len, m, len);
    fuzz_inside(u.a.comm, u.a.comm_len, m, len);
    fuzz_inside(u.a.cluster, u.a.cluster_len, m, len);
    if (v <= BGP_ATTR_DISCARD && bgp_update_has_nlri(&u)) {
        struct bgp_attr_table t;
        struct bgp_attrs *a, *b;

        bgp_attr_table_init(&t);
        a = bgp_attrs_intern(&t, &u, cx, u.nlri_len == 0);
        b = bgp_attrs_intern(&t, &u, cx, u.nlri_len == 0);
        CHECK(a && a == b && a->refs == 2 && t.count == 1);
        CHECK(bgp_aspath_length(bgp_attrs_aspath(a), a->aspath_len, 4) == a->path_len);
        fuzz_roundtrip(&t, a);
        bgp_attrs_unref(&t, a);
        bgp_attrs_unref(&t, b);
        CHECK(t.count == 0);
        bgp_attr_table_free(&t);
    }
}

#endif
