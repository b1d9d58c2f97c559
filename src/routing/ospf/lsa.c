/*
 * lsa.c - LSA headers, Fletcher checksums, parsing and building of the five
 * RFC 2328 LSA types, and the newer-instance rules (RFC 2328 12, 13.1).
 * See lsa.h for the contract; lsdb.c keeps what this parses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "routing/ospf/lsa.h"

#define LSA_CSUM_OFF 16 /* checksum field offset in the LSA */

void lsa_hdr_get(const uint8_t *p, struct lsa_hdr *h)
{
    h->age = pkt_get_be16(p);
    h->options = p[2];
    h->type = p[3];
    h->id = pkt_get_be32(p + 4);
    h->adv_rtr = pkt_get_be32(p + 8);
    h->seq = pkt_get_be32(p + 12);
    h->checksum = pkt_get_be16(p + 16);
    h->length = pkt_get_be16(p + 18);
}

void lsa_hdr_put(uint8_t *p, const struct lsa_hdr *h)
{
    pkt_put_be16(p, h->age);
    p[2] = h->options;
    p[3] = h->type;
    pkt_put_be32(p + 4, h->id);
    pkt_put_be32(p + 8, h->adv_rtr);
    pkt_put_be32(p + 12, h->seq);
    pkt_put_be16(p + 16, h->checksum);
    pkt_put_be16(p + 18, h->length);
}

/* ---- Fletcher checksum (RFC 905 annex B, as in RFC 2328 12.1.7) ---------- */

/* c0, c1 over lsa[2..len), with the checksum bytes read as zero if `zero`. */
static void fletcher_sums(const uint8_t *lsa, size_t len, bool zero, uint32_t *c0, uint32_t *c1)
{
    uint32_t a = 0, b = 0;

    for (size_t i = 2; i < len; i++) {
        uint8_t byte = lsa[i];

        if (zero && (i == LSA_CSUM_OFF || i == LSA_CSUM_OFF + 1))
            byte = 0;
        a += byte;
        b += a;
        /* reduce every 256 bytes: a stays below 2^17 and b below 2^25 */
        if ((i & 0xff) == 0) {
            a %= 255;
            b %= 255;
        }
    }
    *c0 = a % 255;
    *c1 = b % 255;
}

uint16_t lsa_fletcher(const uint8_t *lsa, size_t len)
{
    uint32_t c0, c1;
    int x, y;

    if (len < LSA_HDR_LEN)
        return 0;
    fletcher_sums(lsa, len, true, &c0, &c1);
    /* the checksum sits at offset 14 of the summed data (which starts at byte 2) */
    x = (int)(((int64_t)(len - 2 - 14 - 1) * c0 - c1) % 255);
    if (x <= 0)
        x += 255;
    y = 510 - (int)c0 - x;
    if (y > 255)
        y -= 255;
    return (uint16_t)(x << 8 | y);
}

bool lsa_checksum_ok(const uint8_t *lsa, size_t len)
{
    uint32_t c0, c1;

    if (len < LSA_HDR_LEN)
        return false;
    /* an all-zero checksum field is never valid (RFC 905: 0 means "not computed") */
    if (lsa[LSA_CSUM_OFF] == 0 && lsa[LSA_CSUM_OFF + 1] == 0)
        return false;
    fletcher_sums(lsa, len, false, &c0, &c1);
    return c0 == 0 && c1 == 0;
}

/* ---- masks ---------------------------------------------------------------- */

bool lsa_mask_ok(uint32_t mask)
{
    return (~mask & (~mask + 1)) == 0;
}

int lsa_mask_len(uint32_t mask)
{
    return mask ? 32 - __builtin_ctz(mask) : 0;
}

uint32_t lsa_len_mask(int len)
{
    return len <= 0 ? 0 : len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
}

/* ---- parsing -------------------------------------------------------------- */

static int parse_router(const uint8_t *b, size_t blen, struct lsa *l, struct ospf_drop *drop)
{
    struct lsa_router *rt = &l->u.rt;
    size_t off = 4;
    int err;
    uint32_t bad = 0;

    if (blen < 4) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        bad = (uint32_t)blen;
        goto drop;
    }
    rt->flags = b[0];
    rt->n_links = pkt_get_be16(b + 2);
    /* every link takes at least 12 bytes: refuse counts the body cannot hold before allocating */
    if ((size_t)rt->n_links * 12 > blen - 4) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        bad = rt->n_links;
        goto drop;
    }
    if (rt->n_links) {
        rt->links = calloc(rt->n_links, sizeof(*rt->links));
        if (!rt->links) {
            err = OSPF_ERR_NOMEM;
            goto drop;
        }
    }
    for (uint16_t i = 0; i < rt->n_links; i++) {
        struct lsa_rt_link *k = &rt->links[i];
        uint8_t ntos;

        if (blen - off < 12) {
            err = OSPF_ERR_BAD_LSA_LENGTH;
            bad = rt->n_links;
            goto drop;
        }
        k->id = pkt_get_be32(b + off);
        k->data = pkt_get_be32(b + off + 4);
        k->type = b[off + 8];
        ntos = b[off + 9];
        k->metric = pkt_get_be16(b + off + 10);
        if (k->type < LSA_LINK_P2P || k->type > LSA_LINK_VIRTUAL) {
            err = OSPF_ERR_BAD_LINK_TYPE;
            bad = k->type;
            off += 8;
            goto drop;
        }
        off += 12;
        if (blen - off < (size_t)ntos * 4) {
            err = OSPF_ERR_BAD_LSA_LENGTH;
            bad = ntos;
            goto drop;
        }
        off += (size_t)ntos * 4; /* TOS > 0 metrics: not used (RFC 2328 keeps TOS 0 only) */
    }
    if (off != blen) {
        /* the length field says more than the links hold */
        err = OSPF_ERR_BAD_LSA_LENGTH;
        bad = (uint32_t)blen;
        goto drop;
    }
    return 0;
drop:
    if (drop) {
        drop->value = bad;
        drop->offset = (uint32_t)(LSA_HDR_LEN + off);
    }
    return err;
}

static int parse_network(const uint8_t *b, size_t blen, struct lsa *l, struct ospf_drop *drop)
{
    struct lsa_network *net = &l->u.net;
    int err;
    uint32_t bad = (uint32_t)blen, off = 0;

    if (blen < 4 || blen % 4) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        goto drop;
    }
    net->mask = pkt_get_be32(b);
    if (!lsa_mask_ok(net->mask)) {
        err = OSPF_ERR_BAD_MASK;
        bad = net->mask;
        goto drop;
    }
    net->n_routers = (uint32_t)(blen - 4) / 4;
    if (net->n_routers) {
        net->routers = calloc(net->n_routers, sizeof(uint32_t));
        if (!net->routers) {
            err = OSPF_ERR_NOMEM;
            goto drop;
        }
    }
    for (uint32_t i = 0; i < net->n_routers; i++)
        net->routers[i] = pkt_get_be32(b + 4 + 4 * i);
    return 0;
drop:
    if (drop) {
        drop->value = bad;
        drop->offset = LSA_HDR_LEN + off;
    }
    return err;
}

static int parse_summary(const uint8_t *b, size_t blen, struct lsa *l, struct ospf_drop *drop)
{
    int err;
    uint32_t bad = (uint32_t)blen;

    /* mask, TOS 0 metric, then whole TOS entries of 4 bytes */
    if (blen < 8 || blen % 4) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        goto drop;
    }
    l->u.sum.mask = pkt_get_be32(b);
    l->u.sum.metric = pkt_get_be32(b + 4) & 0xffffff;
    if (l->hdr.type == LSA_SUMMARY_NET && !lsa_mask_ok(l->u.sum.mask)) {
        err = OSPF_ERR_BAD_MASK;
        bad = l->u.sum.mask;
        goto drop;
    }
    return 0;
drop:
    if (drop) {
        drop->value = bad;
        drop->offset = LSA_HDR_LEN;
    }
    return err;
}

static int parse_external(const uint8_t *b, size_t blen, struct lsa *l, struct ospf_drop *drop)
{
    struct lsa_external *ext = &l->u.ext;
    int err;
    uint32_t bad = (uint32_t)blen, w;

    /* mask, then whole 12-byte entries (E/TOS/metric, forwarding address, tag), TOS 0 first */
    if (blen < 16 || (blen - 4) % 12) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        goto drop;
    }
    ext->mask = pkt_get_be32(b);
    if (!lsa_mask_ok(ext->mask)) {
        err = OSPF_ERR_BAD_MASK;
        bad = ext->mask;
        goto drop;
    }
    w = pkt_get_be32(b + 4);
    ext->e2 = (w & 0x80000000u) != 0;
    ext->metric = w & 0xffffff;
    ext->fwd = pkt_get_be32(b + 8);
    ext->tag = pkt_get_be32(b + 12);
    return 0;
drop:
    if (drop) {
        drop->value = bad;
        drop->offset = LSA_HDR_LEN;
    }
    return err;
}

int lsa_parse(const uint8_t *buf, size_t len, struct lsa *l, struct ospf_drop *drop)
{
    struct lsa_hdr *h = &l->hdr;
    const uint8_t *body = buf + LSA_HDR_LEN;
    size_t blen;
    int err;
    uint32_t bad = 0, off = 0;

    memset(l, 0, sizeof(*l));
    if (len < LSA_HDR_LEN) {
        err = OSPF_ERR_TRUNC_LSA;
        bad = (uint32_t)len;
        goto drop;
    }
    lsa_hdr_get(buf, h);
    if (h->length < LSA_HDR_LEN || h->length > len) {
        err = OSPF_ERR_BAD_LSA_LENGTH;
        bad = h->length;
        off = 18;
        goto drop;
    }
    if (!lsa_checksum_ok(buf, h->length)) {
        err = OSPF_ERR_BAD_LSA_CHECKSUM;
        bad = h->checksum;
        off = 16;
        goto drop;
    }
    if (h->type < LSA_ROUTER || h->type > LSA_EXTERNAL) {
        err = OSPF_ERR_UNKNOWN_LSA_TYPE;
        bad = h->type;
        off = 3;
        goto drop;
    }
    if (h->age > OSPF_MAX_AGE) {
        err = OSPF_ERR_BAD_LSA_AGE;
        bad = h->age;
        goto drop;
    }
    if (h->seq == OSPF_RESERVED_SEQ) {
        err = OSPF_ERR_BAD_LSA_SEQ;
        bad = h->seq;
        off = 12;
        goto drop;
    }
    if (h->seq == OSPF_MAX_SEQ && h->age != OSPF_MAX_AGE) {
        /* only the flush that precedes a wrap to InitialSequenceNumber (14.1) */
        err = OSPF_ERR_MAX_SEQ;
        bad = h->age;
        off = 12;
        goto drop;
    }
    if (h->type == LSA_ROUTER && h->id != h->adv_rtr) {
        err = OSPF_ERR_BAD_LSA_ID;
        bad = h->id;
        off = 4;
        goto drop;
    }
    blen = h->length - LSA_HDR_LEN;
    switch (h->type) {
    case LSA_ROUTER:
        err = parse_router(body, blen, l, drop);
        break;
    case LSA_NETWORK:
        err = parse_network(body, blen, l, drop);
        break;
    case LSA_SUMMARY_NET:
    case LSA_SUMMARY_ASBR:
        err = parse_summary(body, blen, l, drop);
        break;
    default:
        err = parse_external(body, blen, l, drop);
        break;
    }
    if (err < 0) {
        /* the body parser filled value and offset */
        lsa_clear(l);
        if (drop)
            drop->reason = err;
        return err;
    }
    return 0;
drop:
    lsa_clear(l);
    if (drop) {
        drop->reason = err;
        drop->value = bad;
        drop->offset = off;
    }
    return err;
}

void lsa_clear(struct lsa *l)
{
    if (!l)
        return;
    if (l->hdr.type == LSA_ROUTER)
        free(l->u.rt.links);
    else if (l->hdr.type == LSA_NETWORK)
        free(l->u.net.routers);
    memset(l, 0, sizeof(*l));
}

int lsa_copy(struct lsa *dst, const struct lsa *src)
{
    *dst = *src;
    if (src->hdr.type == LSA_ROUTER && src->u.rt.n_links) {
        size_t n = src->u.rt.n_links * sizeof(struct lsa_rt_link);

        dst->u.rt.links = malloc(n);
        if (!dst->u.rt.links)
            goto nomem;
        memcpy(dst->u.rt.links, src->u.rt.links, n);
    } else if (src->hdr.type == LSA_ROUTER) {
        dst->u.rt.links = NULL;
    } else if (src->hdr.type == LSA_NETWORK && src->u.net.n_routers) {
        size_t n = src->u.net.n_routers * sizeof(uint32_t);

        dst->u.net.routers = malloc(n);
        if (!dst->u.net.routers)
            goto nomem;
        memcpy(dst->u.net.routers, src->u.net.routers, n);
    } else if (src->hdr.type == LSA_NETWORK) {
        dst->u.net.routers = NULL;
    }
    return 0;
nomem:
    memset(dst, 0, sizeof(*dst));
    return -ENOMEM;
}

/* ---- building ------------------------------------------------------------- */

size_t lsa_build_len(const struct lsa *l)
{
    switch (l->hdr.type) {
    case LSA_ROUTER:
        return LSA_HDR_LEN + 4 + (size_t)l->u.rt.n_links * 12;
    case LSA_NETWORK:
        return LSA_HDR_LEN + 4 + (size_t)l->u.net.n_routers * 4;
    case LSA_SUMMARY_NET:
    case LSA_SUMMARY_ASBR:
        return LSA_HDR_LEN + 8;
    case LSA_EXTERNAL:
        return LSA_HDR_LEN + 16;
    default:
        return 0;
    }
}

int lsa_build(const struct lsa *l, uint8_t *buf, size_t cap)
{
    size_t len = lsa_build_len(l);
    struct lsa_hdr h = l->hdr;
    uint8_t *b = buf + LSA_HDR_LEN;

    if (len == 0 || len > 0xffff)
        return -EINVAL;
    if (len > cap)
        return -ENOSPC;
    switch (l->hdr.type) {
    case LSA_ROUTER:
        b[0] = l->u.rt.flags;
        b[1] = 0;
        pkt_put_be16(b + 2, l->u.rt.n_links);
        for (uint16_t i = 0; i < l->u.rt.n_links; i++) {
            const struct lsa_rt_link *k = &l->u.rt.links[i];
            uint8_t *p = b + 4 + 12 * (size_t)i;

            pkt_put_be32(p, k->id);
            pkt_put_be32(p + 4, k->data);
            p[8] = k->type;
            p[9] = 0; /* no TOS metrics */
            pkt_put_be16(p + 10, k->metric);
        }
        break;
    case LSA_NETWORK:
        pkt_put_be32(b, l->u.net.mask);
        for (uint32_t i = 0; i < l->u.net.n_routers; i++)
            pkt_put_be32(b + 4 + 4 * (size_t)i, l->u.net.routers[i]);
        break;
    case LSA_SUMMARY_NET:
    case LSA_SUMMARY_ASBR:
        pkt_put_be32(b, l->u.sum.mask);
        pkt_put_be32(b + 4, l->u.sum.metric & 0xffffff);
        break;
    case LSA_EXTERNAL:
        pkt_put_be32(b, l->u.ext.mask);
        pkt_put_be32(b + 4, (l->u.ext.e2 ? 0x80000000u : 0) | (l->u.ext.metric & 0xffffff));
        pkt_put_be32(b + 8, l->u.ext.fwd);
        pkt_put_be32(b + 12, l->u.ext.tag);
        break;
    }
    h.length = (uint16_t)len;
    h.checksum = 0;
    lsa_hdr_put(buf, &h);
    pkt_put_be16(buf + LSA_CSUM_OFF, lsa_fletcher(buf, len));
    return (int)len;
}

/* ---- comparisons ---------------------------------------------------------- */

int lsa_seq_cmp(uint32_t a, uint32_t b)
{
    int32_t sa = (int32_t)a, sb = (int32_t)b;

    return sa < sb ? -1 : sa > sb;
}

int lsa_newer(const struct lsa_hdr *a, const struct lsa_hdr *b)
{
    int c = lsa_seq_cmp(a->seq, b->seq);
    bool ma = a->age >= OSPF_MAX_AGE, mb = b->age >= OSPF_MAX_AGE;

    if (c)
        return c;
    if (a->checksum != b->checksum)
        return a->checksum > b->checksum ? 1 : -1;
    if (ma != mb)
        return ma ? 1 : -1;
    if (abs((int)a->age - (int)b->age) > OSPF_MAX_AGE_DIFF)
        return a->age < b->age ? 1 : -1;
    return 0;
}

bool lsa_contents_differ(const uint8_t *a, const uint8_t *b)
{
    uint16_t la = pkt_get_be16(a + 18), lb = pkt_get_be16(b + 18);
    bool ma = pkt_get_be16(a) >= OSPF_MAX_AGE, mb = pkt_get_be16(b) >= OSPF_MAX_AGE;

    if (a[2] != b[2] || ma != mb || la != lb)
        return true;
    return la > LSA_HDR_LEN && memcmp(a + LSA_HDR_LEN, b + LSA_HDR_LEN, la - LSA_HDR_LEN) != 0;
}

const char *lsa_type_name(int type)
{
    static const char *const names[] = {"unknown",     "router",       "network",
                                        "summary-net", "summary-asbr", "external"};

    return type >= LSA_ROUTER && type <= LSA_EXTERNAL ? names[type] : names[0];
}
