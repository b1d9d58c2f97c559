/*
 * intern.c - interned attribute sets (attr.h): the canonical form of a
 * parsed UPDATE's attributes (4-octet AS path with AS4_PATH merged, RFC 6793
 * 4.2.3), the hash-consing table, and the encoder of attributes and whole
 * UPDATEs for sending (2-octet peers get AS_TRANS and AS4_PATH, RFC 6793
 * 4.2.2).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/be.h"

#define KEY_OFF offsetof(struct bgp_attrs, present)

static size_t key_len(const struct bgp_attrs *a)
{
    return offsetof(struct bgp_attrs, data) - KEY_OFF + a->data_len;
}

static uint32_t key_hash(const struct bgp_attrs *a)
{
    const uint8_t *p = (const uint8_t *)a + KEY_OFF;
    size_t n = key_len(a);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return (uint32_t)(h ^ h >> 32);
}

void bgp_attr_table_init(struct bgp_attr_table *t)
{
    memset(t, 0, sizeof(*t));
}

void bgp_attr_table_free(struct bgp_attr_table *t)
{
    for (size_t i = 0; i < t->n_buckets; i++)
        for (struct bgp_attrs *a = t->buckets[i], *n; a; a = n) {
            n = a->next;
            free(a);
        }
    free(t->buckets);
    free(t->scratch);
    memset(t, 0, sizeof(*t));
}

static int grow(struct bgp_attr_table *t)
{
    size_t nb = t->n_buckets ? t->n_buckets * 2 : 1024;
    struct bgp_attrs **b = calloc(nb, sizeof(*b));

    if (!b)
        return -ENOMEM;
    for (size_t i = 0; i < t->n_buckets; i++)
        for (struct bgp_attrs *a = t->buckets[i], *n; a; a = n) {
            n = a->next;
            a->next = b[a->hash & (nb - 1)];
            b[a->hash & (nb - 1)] = a;
        }
    free(t->buckets);
    t->buckets = b;
    t->n_buckets = nb;
    return 0;
}

/* The shared copy of cand (whose key is complete), made if new; a reference taken. */
static struct bgp_attrs *lookup(struct bgp_attr_table *t, const struct bgp_attrs *cand)
{
    uint32_t h = key_hash(cand);
    size_t kl = key_len(cand);
    struct bgp_attrs *a;

    if (t->count >= t->n_buckets && grow(t) < 0 && !t->n_buckets)
        return NULL;
    for (a = t->buckets[h & (t->n_buckets - 1)]; a; a = a->next)
        if (a->hash == h && a->data_len == cand->data_len &&
            !memcmp((const uint8_t *)a + KEY_OFF, (const uint8_t *)cand + KEY_OFF, kl)) {
            a->refs++;
            return a;
        }
    a = malloc(sizeof(*a) + cand->data_len);
    if (!a)
        return NULL;
    memcpy((uint8_t *)a + KEY_OFF, (const uint8_t *)cand + KEY_OFF, kl);
    a->hash = h;
    a->refs = 1;
    a->next = t->buckets[h & (t->n_buckets - 1)];
    t->buckets[h & (t->n_buckets - 1)] = a;
    t->count++;
    t->bytes += sizeof(*a) + a->data_len;
    return a;
}

struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a)
{
    if (a)
        a->refs++;
    return a;
}

void bgp_attrs_unref(struct bgp_attr_table *t, struct bgp_attrs *a)
{
    struct bgp_attrs **pp;

    if (!a || --a->refs)
        return;
    for (pp = &t->buckets[a->hash & (t->n_buckets - 1)]; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    t->count--;
    t->bytes -= sizeof(*a) + a->data_len;
    free(a);
}

struct bgp_attrs *bgp_attrs_intern_set(struct bgp_attr_table *t, const struct bgp_attrs *tmpl)
{
    return lookup(t, tmpl);
}

/* 2-octet path segments to 4-octet ones at out; returns bytes written. */
static size_t widen(const uint8_t *p, size_t len, uint8_t *out)
{
    size_t o = 0;

    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 2) {
        out[o++] = p[off];
        out[o++] = p[off + 1];
        for (size_t i = 0; i < p[off + 1]; i++, o += 4)
            put32(out + o, be16(p + off + 2 + 2 * i));
    }
    return o;
}

/* 4-octet segments without the confederation ones (RFC 6793 6, for AS4_PATH). */
static size_t drop_confed(const uint8_t *p, size_t len, uint8_t *out)
{
    size_t o = 0;

    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4)
        if (p[off] == BGP_SEG_SEQUENCE || p[off] == BGP_SEG_SET) {
            memcpy(out + o, p + off, 2 + (size_t)p[off + 1] * 4);
            o += 2 + (size_t)p[off + 1] * 4;
        }
    return o;
}

/*
 * RFC 6793 4.2.3: the leading ASes of the (widened) AS_PATH, as many as it
 * has more than AS4_PATH, then AS4_PATH. Sets count 1, confederation
 * segments 0 (copied while ASes are still wanted).
 */
static size_t merge(const uint8_t *path, size_t plen, const uint8_t *as4, size_t a4len,
                    uint8_t *out)
{
    unsigned int n1 = bgp_aspath_length(path, plen, 4), n2 = bgp_aspath_length(as4, a4len, 4);
    unsigned int want;
    size_t o = 0, last = 0;

    if (n1 < n2) { /* AS4_PATH ignored */
        memcpy(out, path, plen);
        return plen;
    }
    want = n1 - n2;
    for (size_t off = 0; off + 2 <= plen && want; off += 2 + (size_t)path[off + 1] * 4) {
        uint8_t t = path[off], n = path[off + 1];
        unsigned int take = n;

        if (t == BGP_SEG_SEQUENCE) {
            take = n < want ? n : want;
            want -= take;
        } else if (t == BGP_SEG_SET) {
            want -= 1;
        }
        last = o;
        out[o] = t;
        out[o + 1] = (uint8_t)take;
        memcpy(out + o + 2, path + off + 2, (size_t)take * 4);
        o += 2 + (size_t)take * 4;
    }
    /* one AS_SEQUENCE where the two meet, when it fits, so equal paths compare equal */
    if (o && a4len >= 2 && out[last] == BGP_SEG_SEQUENCE && as4[0] == BGP_SEG_SEQUENCE &&
        out[last + 1] + as4[1] <= 255) {
        size_t sl = 2 + (size_t)as4[1] * 4;

        out[last + 1] = (uint8_t)(out[last + 1] + as4[1]);
        memcpy(out + o, as4 + 2, sl - 2);
        o += sl - 2;
        as4 += sl;
        a4len -= sl;
    }
    memcpy(out + o, as4, a4len);
    return o + a4len;
}

struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_table *t, const struct bgp_update *u,
                                   const struct bgp_rx_ctx *cx, bool mp)
{
    const struct bgp_pattrs *p = &u->a;
    size_t need = sizeof(struct bgp_attrs) + 4 * (size_t)p->as_path_len +
                  2 * (size_t)p->as4_path_len + p->comm_len + p->ext_comm_len + p->large_comm_len +
                  p->cluster_len + u->attrs_len + 16;
    struct bgp_attrs *a;
    uint8_t *d, *tmp;
    uint8_t seen[32] = {0};
    bool use_as4 = false;
    size_t o;

    if (t->scratch_cap < need) {
        uint8_t *s = realloc(t->scratch, need);

        if (!s)
            return NULL;
        t->scratch = s;
        t->scratch_cap = need;
    }
    memset(t->scratch, 0, need);
    a = (struct bgp_attrs *)t->scratch;
    d = a->data;
    a->present = p->present &
                 ~(BGP_ATTR_BIT(BGP_ATTR_AS4_PATH) | BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR) |
                   BGP_ATTR_BIT(BGP_ATTR_MP_REACH_NLRI) | BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH_NLRI) |
                   BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)); /* nh_len says */
    /* only what is present, so that equal sets compare equal */
#define HAS(t) (a->present & BGP_ATTR_BIT(t))
    a->origin = HAS(BGP_ATTR_ORIGIN) ? p->origin : 0;
    a->med = HAS(BGP_ATTR_MED) ? p->med : 0;
    a->local_pref = HAS(BGP_ATTR_LOCAL_PREF) ? p->local_pref : 0;
    a->originator_id = HAS(BGP_ATTR_ORIGINATOR_ID) ? p->originator_id : 0;
    a->aggr_as = HAS(BGP_ATTR_AGGREGATOR) ? p->aggr_as : 0;
    a->aggr_addr = HAS(BGP_ATTR_AGGREGATOR) ? p->aggr_addr : 0;
#undef HAS
    if (mp) {
        a->nh_len = u->reach_nh_len;
        memcpy(a->nh, u->reach_nh, u->reach_nh_len);
    } else if (p->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)) {
        a->nh_len = 4;
        put32(a->nh, p->next_hop);
    }

    /* the AS path, 4-octet; for a 2-octet speaker widened and merged with AS4_PATH */
    if (cx->as4) {
        memcpy(d, p->as_path, p->as_path_len);
        o = p->as_path_len;
    } else {
        if ((p->present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH)) ||
            (p->present & BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR)))
            use_as4 =
                !(p->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) || p->aggr_as == BGP_AS_TRANS;
        if (use_as4 && (p->present & BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR))) {
            a->present |= BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
            a->aggr_as = p->as4_aggr_as;
            a->aggr_addr = p->as4_aggr_addr;
        }
        if (use_as4 && (p->present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH))) {
            /* scratch tail: widened path, then AS4_PATH without confederation segments */
            uint8_t *wide = d + 2 * (size_t)p->as_path_len + p->as4_path_len;
            size_t wl = widen(p->as_path, p->as_path_len, wide);

            tmp = wide + wl;
            o = merge(wide, wl, tmp, drop_confed(p->as4_path, p->as4_path_len, tmp), d);
        } else {
            o = widen(p->as_path, p->as_path_len, d);
        }
    }
    a->aspath_len = (uint32_t)o;
    a->path_len = (uint16_t)bgp_aspath_length(d, o, 4);
    d += o;
    memcpy(d, p->comm, p->comm_len);
    d += p->comm_len;
    a->n_comm = p->comm_len / 4;
    memcpy(d, p->ext_comm, p->ext_comm_len);
    d += p->ext_comm_len;
    a->n_ext = p->ext_comm_len / 8;
    memcpy(d, p->large_comm, p->large_comm_len);
    d += p->large_comm_len;
    a->n_large = p->large_comm_len / 12;
    memcpy(d, p->cluster, p->cluster_len);
    d += p->cluster_len;
    a->n_cluster = p->cluster_len / 4;
    /* unknown optional transitive attributes: first of each type, Partial set */
    for (size_t off = 0; p->n_unknown && off + 3 <= u->attrs_len;) {
        const uint8_t *h = u->attrs + off;
        size_t hl = (h[0] & BGP_AF_EXTLEN) ? 4 : 3, l;

        if (off + hl > u->attrs_len)
            break;
        l = hl == 4 ? be16(h + 2) : h[2];
        if (off + hl + l > u->attrs_len)
            break;
        off += hl + l;
        if (seen[h[1] / 8] & (1u << (h[1] % 8)))
            continue;
        seen[h[1] / 8] |= (uint8_t)(1u << (h[1] % 8));
        if (bgp_attr_expected_flags(h[1]) >= 0 || (h[0] & 0xc0) != 0xc0)
            continue;
        d[0] = (uint8_t)((h[0] & 0xe0) | BGP_AF_PARTIAL | (l > 255 ? BGP_AF_EXTLEN : 0));
        d[1] = h[1];
        if (l > 255) {
            put16(d + 2, (uint16_t)l);
            d += 4;
        } else {
            d[2] = (uint8_t)l;
            d += 3;
        }
        memcpy(d, h + hl, l);
        d += l;
        a->other_len += (uint32_t)((l > 255 ? 4 : 3) + l);
    }
    a->data_len = (uint32_t)(d - a->data);
    return lookup(t, a);
}

/* ---- encoding ---- */

struct out {
    uint8_t *buf;
    size_t cap, len;
    int err;
};

/* Start an attribute of value length l; returns where its value goes, NULL if full. */
static uint8_t *begin(struct out *w, uint8_t flags, uint8_t type, size_t l)
{
    size_t hl = l > 255 ? 4 : 3;
    uint8_t *h;

    if (w->err || l > 0xffff || w->cap - w->len < hl + l) {
        w->err = -ENOSPC;
        return NULL;
    }
    h = w->buf + w->len;
    h[0] = (uint8_t)((flags & ~BGP_AF_EXTLEN) | (hl == 4 ? BGP_AF_EXTLEN : 0));
    h[1] = type;
    if (hl == 4)
        put16(h + 2, (uint16_t)l);
    else
        h[2] = (uint8_t)l;
    w->len += hl + l;
    return h + hl;
}

static void put(struct out *w, uint8_t flags, uint8_t type, const void *v, size_t l)
{
    uint8_t *p = begin(w, flags, type, l);

    if (p && l)
        memcpy(p, v, l);
}

static void put_u32(struct out *w, uint8_t flags, uint8_t type, uint32_t v)
{
    uint8_t b[4];

    put32(b, v);
    put(w, flags, type, b, 4);
}

/* AS_PATH for a 2-octet peer: ASes beyond 65535 as AS_TRANS; *big set if any. */
static void aspath2(struct out *w, const uint8_t *p, size_t len, bool *big)
{
    size_t l = 0, o = 0;
    uint8_t *v;

    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4)
        l += 2 + (size_t)p[off + 1] * 2;
    v = begin(w, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, l);
    *big = false;
    if (!v)
        return;
    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4) {
        v[o++] = p[off];
        v[o++] = p[off + 1];
        for (size_t i = 0; i < p[off + 1]; i++, o += 2) {
            uint32_t as = be32(p + off + 2 + 4 * i);

            if (as > 0xffff)
                *big = true;
            put16(v + o, as > 0xffff ? BGP_AS_TRANS : (uint16_t)as);
        }
    }
}

int bgp_attrs_encode(const struct bgp_attrs *a, const struct bgp_tx_ctx *tx, uint8_t *buf,
                     size_t cap)
{
    struct out w = {.buf = buf, .cap = cap};
    const uint8_t OT = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, O = BGP_AF_OPTIONAL,
                  T = BGP_AF_TRANSITIVE;
    bool big = false;
    uint8_t b[8];

    if (a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN))
        put(&w, T, BGP_ATTR_ORIGIN, &a->origin, 1);
    if (tx->as4)
        put(&w, T, BGP_ATTR_AS_PATH, bgp_attrs_aspath(a), a->aspath_len);
    else
        aspath2(&w, bgp_attrs_aspath(a), a->aspath_len, &big);
    if (a->nh_len == 4)
        put(&w, T, BGP_ATTR_NEXT_HOP, a->nh, 4);
    if (a->present & BGP_ATTR_BIT(BGP_ATTR_MED))
        put_u32(&w, O, BGP_ATTR_MED, a->med);
    if (!tx->ebgp && (a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)))
        put_u32(&w, T, BGP_ATTR_LOCAL_PREF, a->local_pref);
    if (a->present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE))
        put(&w, T, BGP_ATTR_ATOMIC_AGGREGATE, NULL, 0);
    if (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) {
        if (tx->as4) {
            put32(b, a->aggr_as);
            put32(b + 4, a->aggr_addr);
            put(&w, OT, BGP_ATTR_AGGREGATOR, b, 8);
        } else {
            put16(b, a->aggr_as > 0xffff ? BGP_AS_TRANS : (uint16_t)a->aggr_as);
            put32(b + 2, a->aggr_addr);
            put(&w, OT, BGP_ATTR_AGGREGATOR, b, 6);
        }
    }
    if (a->n_comm)
        put(&w, OT, BGP_ATTR_COMMUNITIES, bgp_attrs_comm(a), 4u * a->n_comm);
    if (!tx->ebgp && (a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID)))
        put_u32(&w, O, BGP_ATTR_ORIGINATOR_ID, a->originator_id);
    if (!tx->ebgp && a->n_cluster)
        put(&w, O, BGP_ATTR_CLUSTER_LIST, bgp_attrs_cluster(a), 4u * a->n_cluster);
    if (a->n_ext)
        put(&w, OT, BGP_ATTR_EXT_COMMUNITIES, bgp_attrs_ext(a), 8u * a->n_ext);
    if (big) { /* RFC 6793 4.2.2: the true path in AS4_PATH, without confederation segments */
        uint8_t *v;
        const uint8_t *p = bgp_attrs_aspath(a);
        size_t l = 0;

        for (size_t off = 0; off + 2 <= a->aspath_len; off += 2 + (size_t)p[off + 1] * 4)
            if (p[off] <= BGP_SEG_SEQUENCE)
                l += 2 + (size_t)p[off + 1] * 4;
        v = begin(&w, OT, BGP_ATTR_AS4_PATH, l);
        if (v)
            drop_confed(p, a->aspath_len, v);
    }
    if (!tx->as4 && (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) && a->aggr_as > 0xffff) {
        put32(b, a->aggr_as);
        put32(b + 4, a->aggr_addr);
        put(&w, OT, BGP_ATTR_AS4_AGGREGATOR, b, 8);
    }
    if (a->n_large)
        put(&w, OT, BGP_ATTR_LARGE_COMMUNITIES, bgp_attrs_large(a), 12u * a->n_large);
    if (a->other_len) {
        if (w.cap - w.len < a->other_len)
            w.err = -ENOSPC;
        else {
            memcpy(w.buf + w.len, bgp_attrs_other(a), a->other_len);
            w.len += a->other_len;
        }
    }
    return w.err ? w.err : (int)w.len;
}

static size_t prefix_bytes(const struct bgp_prefix *p, size_t n)
{
    size_t l = 0;

    for (size_t i = 0; i < n; i++)
        l += 1 + (p[i].len + 7u) / 8;
    return l;
}

static int put_prefixes(uint8_t *buf, size_t cap, const struct bgp_prefix *p, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        int r = bgp_nlri_put(buf + o, cap - o, &p[i]);

        if (r < 0)
            return r;
        o += (size_t)r;
    }
    return (int)o;
}

int bgp_update_build(uint8_t *buf, size_t cap, const struct bgp_tx_ctx *tx, uint16_t afi,
                     const struct bgp_prefix *wd, size_t n_wd, const struct bgp_attrs *a,
                     const struct bgp_prefix *nlri, size_t n_nlri)
{
    size_t lim = cap < tx->max ? cap : tx->max, o = BGP_HDR_LEN, alen_at;
    int r;

    if (lim > BGP_EXT_MAX_LEN)
        lim = BGP_EXT_MAX_LEN;
    if (lim < BGP_UPDATE_MIN_LEN || (n_nlri && !a))
        return -ENOSPC;
    /* withdrawn routes (IPv4) */
    r = afi == BGP_AFI_IPV4 ? put_prefixes(buf + o + 2, lim - o - 2, wd, n_wd) : 0;
    if (r < 0)
        return r;
    put16(buf + o, (uint16_t)r);
    o += 2 + (size_t)r;
    if (lim - o < 2)
        return -ENOSPC;
    alen_at = o;
    o += 2;
    if (afi == BGP_AFI_IPV6 && n_wd) {
        struct out w = {.buf = buf + o, .cap = lim - o};
        size_t pl = prefix_bytes(wd, n_wd);
        uint8_t *v = begin(&w, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH_NLRI, 3 + pl);

        if (!v)
            return -ENOSPC;
        put16(v, BGP_AFI_IPV6);
        v[2] = BGP_SAFI_UNICAST;
        put_prefixes(v + 3, pl, wd, n_wd);
        o += w.len;
    }
    if (n_nlri) {
        if (afi == BGP_AFI_IPV6) {
            struct out w = {.buf = buf + o, .cap = lim - o};
            size_t pl = prefix_bytes(nlri, n_nlri), k = 5u + a->nh_len;
            uint8_t *v;

            if (a->nh_len != 16 && a->nh_len != 32)
                return -EINVAL;
            v = begin(&w, BGP_AF_OPTIONAL, BGP_ATTR_MP_REACH_NLRI, k + pl);
            if (!v)
                return -ENOSPC;
            put16(v, BGP_AFI_IPV6);
            v[2] = BGP_SAFI_UNICAST;
            v[3] = a->nh_len;
            memcpy(v + 4, a->nh, a->nh_len);
            v[k - 1] = 0;
            put_prefixes(v + k, pl, nlri, n_nlri);
            o += w.len;
        }
        r = bgp_attrs_encode(a, tx, buf + o, lim - o);
        if (r < 0)
            return r;
        o += (size_t)r;
    }
    if (o - alen_at - 2 > 0xffff)
        return -ENOSPC;
    put16(buf + alen_at, (uint16_t)(o - alen_at - 2));
    if (afi == BGP_AFI_IPV4 && n_nlri) {
        r = put_prefixes(buf + o, lim - o, nlri, n_nlri);
        if (r < 0)
            return r;
        o += (size_t)r;
    }
    bgp_hdr_put(buf, (uint16_t)o, BGP_MSG_UPDATE);
    return (int)o;
}
