/*
 * update.c - the UPDATE parser (attr.h): framing of the withdrawn routes,
 * path attributes and NLRI (RFC 4271 4.3), each known attribute's checks,
 * and the RFC 7606 verdict: attribute discard, treat-as-withdraw or session
 * reset, with the section that says so. One loop over the attributes, no
 * recursion, no allocation. Interning and encoding are in intern.c.
 */
#include <errno.h>
#include <string.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/be.h"

struct parser {
    const uint8_t *msg;
    const struct bgp_rx_ctx *cx;
    struct bgp_update *u;
};

/* Record a problem; the most severe verdict wins, the first reason at it stays. */
static int note(struct parser *ps, int verdict, uint8_t code, uint8_t subcode, uint8_t attr,
                const char *reason, const uint8_t *data, size_t data_len, const uint8_t *where)
{
    struct bgp_update *u = ps->u;

    u->n_issues++;
    if (verdict == BGP_ATTR_DISCARD)
        u->n_discarded++;
    if (verdict <= u->err.verdict)
        return 0;
    u->err = (struct bgp_error){.verdict = (uint8_t)verdict,
                                .code = code,
                                .subcode = subcode,
                                .attr = attr,
                                .reason = reason,
                                .data = data,
                                .data_len = (uint16_t)data_len,
                                .offset = (uint32_t)(where - ps->msg)};
    return 0;
}

#define DISCARD(reason)  note(ps, BGP_ATTR_DISCARD, 0, 0, type, reason, NULL, 0, hdr)
#define WITHDRAW(reason) note(ps, BGP_WITHDRAW, 0, 0, type, reason, NULL, 0, hdr)
/* NOTIFICATION data of an attribute error: the whole attribute (RFC 4271 6.3) */
#define RESET(sub, reason) note(ps, BGP_RESET, BGP_ERR_UPDATE, sub, type, reason, hdr, alen, hdr)

static bool v4_martian(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000u;
}

static bool v6_bad_nh(const uint8_t *a)
{
    static const uint8_t zero[16], lo[16] = {[15] = 1};

    return a[0] == 0xff || !memcmp(a, zero, 16) || !memcmp(a, lo, 16);
}

/*
 * Check AS path segments of width-octet ASes. Returns NULL when well
 * formed, else the reason; *as0 set when AS 0 occurs, *confed when a
 * confederation segment does.
 */
static const char *aspath_check(const uint8_t *p, size_t len, unsigned int width, bool *as0,
                                bool *confed)
{
    size_t off = 0;

    *as0 = *confed = false;
    while (off < len) {
        size_t n;

        if (len - off < 2)
            return "RFC 7606 7.2: AS path segment header truncated";
        if (p[off] < BGP_SEG_SET || p[off] > BGP_SEG_CONFED_SET)
            return "RFC 7606 7.2: unknown AS path segment type";
        if (p[off] >= BGP_SEG_CONFED_SEQUENCE)
            *confed = true;
        n = p[off + 1];
        if (n == 0)
            return "RFC 7606 7.2: AS path segment of length zero";
        if (n * width > len - off - 2)
            return "RFC 7606 7.2: AS path segment overruns the attribute";
        for (size_t i = 0; i < n; i++) {
            const uint8_t *a = p + off + 2 + i * width;

            if ((width == 4 ? be32(a) : be16(a)) == 0)
                *as0 = true;
        }
        off += 2 + n * width;
    }
    return NULL;
}

unsigned int bgp_aspath_length(const uint8_t *p, size_t len, unsigned int width)
{
    unsigned int n = 0;

    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * width) {
        if (p[off] == BGP_SEG_SEQUENCE)
            n += p[off + 1];
        else if (p[off] == BGP_SEG_SET)
            n += 1;
    }
    return n;
}

bool bgp_aspath_contains(const uint8_t *p, size_t len, uint32_t as)
{
    for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4)
        for (size_t i = 0; i < p[off + 1] && off + 2 + 4 * i + 4 <= len; i++)
            if (be32(p + off + 2 + 4 * i) == as)
                return true;
    return false;
}

uint32_t bgp_aspath_first(const uint8_t *p, size_t len, unsigned int width)
{
    if (len < 2 + width || p[0] != BGP_SEG_SEQUENCE || p[1] == 0)
        return 0;
    return width == 4 ? be32(p + 2) : be16(p + 2);
}

/* Known attributes: expected Optional and Transitive bits (RFC 7606 3 c). */
int bgp_attr_expected_flags(uint8_t type)
{
    switch (type) {
    case BGP_ATTR_ORIGIN:
    case BGP_ATTR_AS_PATH:
    case BGP_ATTR_NEXT_HOP:
    case BGP_ATTR_LOCAL_PREF:
    case BGP_ATTR_ATOMIC_AGGREGATE:
        return BGP_AF_TRANSITIVE;
    case BGP_ATTR_MED:
    case BGP_ATTR_ORIGINATOR_ID:
    case BGP_ATTR_CLUSTER_LIST:
    case BGP_ATTR_MP_REACH_NLRI:
    case BGP_ATTR_MP_UNREACH_NLRI:
        return BGP_AF_OPTIONAL;
    case BGP_ATTR_AGGREGATOR:
    case BGP_ATTR_COMMUNITIES:
    case BGP_ATTR_EXT_COMMUNITIES:
    case BGP_ATTR_AS4_PATH:
    case BGP_ATTR_AS4_AGGREGATOR:
    case BGP_ATTR_LARGE_COMMUNITIES:
        return BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
    default:
        return -1;
    }
}

static void mp_reach(struct parser *ps, const uint8_t *hdr, size_t alen, const uint8_t *v, size_t l)
{
    const uint8_t type = BGP_ATTR_MP_REACH_NLRI;
    struct bgp_update *u = ps->u;
    uint16_t afi;
    uint8_t safi, nhl;
    size_t bad;

    if (l < 5) {
        RESET(BGP_UPD_OPTIONAL, "RFC 7606 7.11: MP_REACH_NLRI too short for its fixed fields");
        return;
    }
    afi = be16(v);
    safi = v[2];
    nhl = v[3];
    if ((size_t)nhl + 5 > l) {
        RESET(BGP_UPD_OPTIONAL, "RFC 7606 7.11: MP_REACH_NLRI next hop runs past the attribute");
        return;
    }
    if (!(bgp_af_bit(afi, safi) & ps->cx->afs)) {
        DISCARD("RFC 4760 7: MP_REACH_NLRI for a family not negotiated, ignored");
        return;
    }
    if ((afi == BGP_AFI_IPV4 && nhl != 4) || (afi == BGP_AFI_IPV6 && nhl != 16 && nhl != 32)) {
        RESET(BGP_UPD_OPTIONAL,
              "RFC 7606 7.11: MP_REACH_NLRI next hop length inconsistent with the AFI");
        return;
    }
    if (bgp_nlri_check(v + 5 + nhl, l - 5 - nhl, afi, &bad) < 0) {
        RESET(BGP_UPD_OPTIONAL, "RFC 7606 5.3: MP_REACH_NLRI prefix malformed");
        return;
    }
    u->mp_reach = true;
    u->reach_afi = afi;
    u->reach_safi = safi;
    u->reach_nh = v + 4;
    u->reach_nh_len = nhl;
    u->reach_nlri = v + 5 + nhl;
    u->reach_nlri_len = (uint16_t)(l - 5 - nhl);
    if (afi == BGP_AFI_IPV4 ? v4_martian(be32(v + 4)) : v6_bad_nh(v + 4))
        WITHDRAW("RFC 4271 6.3: MP_REACH_NLRI next hop semantically incorrect");
}

static void mp_unreach(struct parser *ps, const uint8_t *hdr, size_t alen, const uint8_t *v,
                       size_t l)
{
    const uint8_t type = BGP_ATTR_MP_UNREACH_NLRI;
    struct bgp_update *u = ps->u;
    uint16_t afi;
    size_t bad;

    if (l < 3) {
        RESET(BGP_UPD_OPTIONAL, "RFC 7606 7.12: MP_UNREACH_NLRI too short for AFI and SAFI");
        return;
    }
    afi = be16(v);
    if (!(bgp_af_bit(afi, v[2]) & ps->cx->afs)) {
        DISCARD("RFC 4760 7: MP_UNREACH_NLRI for a family not negotiated, ignored");
        return;
    }
    if (bgp_nlri_check(v + 3, l - 3, afi, &bad) < 0) {
        RESET(BGP_UPD_OPTIONAL, "RFC 7606 5.3: MP_UNREACH_NLRI prefix malformed");
        return;
    }
    u->mp_unreach = true;
    u->unreach_afi = afi;
    u->unreach_safi = v[2];
    u->unreach_nlri = v + 3;
    u->unreach_nlri_len = (uint16_t)(l - 3);
}

/* One attribute whose header is at hdr (alen bytes in all) and value v[0..l). */
static int attr(struct parser *ps, uint8_t flags, uint8_t type, const uint8_t *hdr, size_t alen,
                const uint8_t *v, size_t l)
{
    struct bgp_pattrs *a = &ps->u->a;
    const struct bgp_rx_ctx *cx = ps->cx;
    int want = bgp_attr_expected_flags(type);
    const char *why;
    bool as0, confed;

    if (want < 0) {
        if (!(flags & BGP_AF_OPTIONAL)) {
            RESET(BGP_UPD_UNKNOWN_WK, "RFC 4271 6.3: unrecognized well-known attribute");
        } else if (flags & BGP_AF_TRANSITIVE) {
            a->n_unknown++; /* kept, passed on with Partial set (RFC 4271 5) */
        }
        return 0; /* unknown optional non-transitive: quietly ignored (RFC 4271 5) */
    }
    if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != want) {
        if (type == BGP_ATTR_MP_REACH_NLRI || type == BGP_ATTR_MP_UNREACH_NLRI) {
            /* still located and read, so that their NLRI are withdrawn */
            WITHDRAW("RFC 7606 3 c: attribute flags conflict with the attribute type");
        } else {
            WITHDRAW("RFC 7606 3 c: attribute flags conflict with the attribute type");
            return 0;
        }
    }
    switch (type) {
    case BGP_ATTR_ORIGIN:
        if (l != 1)
            return WITHDRAW("RFC 7606 7.1: ORIGIN length is not 1");
        if (v[0] > BGP_ORIGIN_INCOMPLETE)
            return WITHDRAW("RFC 7606 7.1: undefined ORIGIN value");
        a->origin = v[0];
        break;
    case BGP_ATTR_AS_PATH:
        why = aspath_check(v, l, cx->as4 ? 4 : 2, &as0, &confed);
        if (why)
            return WITHDRAW(why);
        if (as0)
            return WITHDRAW("RFC 7607 2: AS 0 in AS_PATH");
        if (confed && cx->ebgp)
            return WITHDRAW("RFC 5065 5.3: confederation segment from an external peer");
        if (cx->ebgp && cx->check_first_as) {
            uint32_t want_as = (!cx->as4 && cx->peer_as > 0xffff) ? BGP_AS_TRANS : cx->peer_as;

            if (bgp_aspath_first(v, l, cx->as4 ? 4 : 2) != want_as)
                return WITHDRAW("RFC 7606 7.2, RFC 4271 6.3: leftmost AS is not the peer's");
        }
        a->as_path = v;
        a->as_path_len = (uint16_t)l;
        break;
    case BGP_ATTR_NEXT_HOP:
        if (l != 4)
            return WITHDRAW("RFC 7606 7.3: NEXT_HOP length is not 4");
        if (v4_martian(be32(v)))
            return WITHDRAW("RFC 4271 6.3, RFC 7606 7.3: NEXT_HOP semantically incorrect");
        a->next_hop = be32(v);
        break;
    case BGP_ATTR_MED:
        if (l != 4)
            return WITHDRAW("RFC 7606 7.4: MULTI_EXIT_DISC length is not 4");
        a->med = be32(v);
        break;
    case BGP_ATTR_LOCAL_PREF:
        if (cx->ebgp) {
            DISCARD("RFC 7606 7.5: LOCAL_PREF from an external peer");
            return 0;
        }
        if (l != 4)
            return WITHDRAW("RFC 7606 7.5: LOCAL_PREF length is not 4");
        a->local_pref = be32(v);
        break;
    case BGP_ATTR_ATOMIC_AGGREGATE:
        if (l != 0) {
            DISCARD("RFC 7606 7.6: ATOMIC_AGGREGATE length is not 0");
            return 0;
        }
        break;
    case BGP_ATTR_AGGREGATOR:
        if (l != (cx->as4 ? 8u : 6u)) {
            DISCARD("RFC 7606 7.7: AGGREGATOR length is not 6 (8 with 4-octet ASes)");
            return 0;
        }
        a->aggr_as = cx->as4 ? be32(v) : be16(v);
        a->aggr_addr = be32(v + l - 4);
        if (a->aggr_as == 0) {
            DISCARD("RFC 7607 2: AS 0 in AGGREGATOR");
            return 0;
        }
        break;
    case BGP_ATTR_COMMUNITIES:
        if (l == 0 || l % 4) {
            WITHDRAW("RFC 7606 7.8: COMMUNITIES length is not a non-zero multiple of 4");
            return 0;
        }
        a->comm = v;
        a->comm_len = (uint16_t)l;
        break;
    case BGP_ATTR_ORIGINATOR_ID:
        if (cx->ebgp) {
            DISCARD("RFC 7606 7.9: ORIGINATOR_ID from an external peer");
            return 0;
        }
        if (l != 4)
            return WITHDRAW("RFC 7606 7.9: ORIGINATOR_ID length is not 4");
        a->originator_id = be32(v);
        break;
    case BGP_ATTR_CLUSTER_LIST:
        if (cx->ebgp) {
            DISCARD("RFC 7606 7.10: CLUSTER_LIST from an external peer");
            return 0;
        }
        if (l == 0 || l % 4) {
            WITHDRAW("RFC 7606 7.10: CLUSTER_LIST length is not a non-zero multiple of 4");
            return 0;
        }
        a->cluster = v;
        a->cluster_len = (uint16_t)l;
        break;
    case BGP_ATTR_MP_REACH_NLRI:
        mp_reach(ps, hdr, alen, v, l);
        return 0; /* present bits of MP attributes: u->mp_reach */
    case BGP_ATTR_MP_UNREACH_NLRI:
        mp_unreach(ps, hdr, alen, v, l);
        return 0;
    case BGP_ATTR_EXT_COMMUNITIES:
        if (l == 0 || l % 8) {
            WITHDRAW("RFC 7606 7.14: EXTENDED_COMMUNITIES length is not a non-zero multiple of 8");
            return 0;
        }
        a->ext_comm = v;
        a->ext_comm_len = (uint16_t)l;
        break;
    case BGP_ATTR_LARGE_COMMUNITIES:
        if (l == 0 || l % 12) {
            WITHDRAW("RFC 8092 6: LARGE_COMMUNITY length is not a non-zero multiple of 12");
            return 0;
        }
        a->large_comm = v;
        a->large_comm_len = (uint16_t)l;
        break;
    case BGP_ATTR_AS4_PATH:
        if (cx->as4) {
            DISCARD("RFC 6793 6: AS4_PATH from a 4-octet AS speaker");
            return 0;
        }
        why = aspath_check(v, l, 4, &as0, &confed);
        if (why || l == 0) {
            DISCARD("RFC 6793 6: malformed AS4_PATH");
            return 0;
        }
        if (as0) {
            WITHDRAW("RFC 7607 2: AS 0 in AS4_PATH");
            return 0;
        }
        a->as4_path = v;
        a->as4_path_len = (uint16_t)l;
        break;
    case BGP_ATTR_AS4_AGGREGATOR:
        if (cx->as4) {
            DISCARD("RFC 6793 6: AS4_AGGREGATOR from a 4-octet AS speaker");
            return 0;
        }
        if (l != 8) {
            DISCARD("RFC 6793 6: AS4_AGGREGATOR length is not 8");
            return 0;
        }
        if (be32(v) == 0) {
            DISCARD("RFC 7607 2: AS 0 in AS4_AGGREGATOR");
            return 0;
        }
        a->as4_aggr_as = be32(v);
        a->as4_aggr_addr = be32(v + 4);
        break;
    }
    a->present |= BGP_ATTR_BIT(type);
    return 0;
}

bool bgp_update_has_nlri(const struct bgp_update *u)
{
    return u->nlri_len > 0 || (u->mp_reach && u->reach_nlri_len > 0);
}

int bgp_update_parse(const uint8_t *msg, size_t len, const struct bgp_rx_ctx *cx,
                     struct bgp_update *u)
{
    struct parser ps = {.msg = msg, .cx = cx, .u = u};
    struct parser *psp = &ps;
    size_t mlen = 0, blen, wlen, alen, off, bad;
    const uint8_t *body;
    uint8_t mtype = 0, seen[32] = {0};
    int r;

    memset(u, 0, sizeof(*u));
    r = bgp_msg_frame(msg, len, cx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN, &mlen, &mtype,
                      &u->err);
    if (r < 0)
        return BGP_RESET;
    if (r == 0 || mlen != len || mtype != BGP_MSG_UPDATE) {
        u->err = (struct bgp_error){.verdict = BGP_RESET,
                                    .code = BGP_ERR_HEADER,
                                    .subcode = r == 0 || mlen != len ? BGP_HDR_BAD_LENGTH
                                                                     : BGP_HDR_BAD_TYPE,
                                    .reason = "RFC 4271 6.1: not one whole UPDATE message",
                                    .data = len >= BGP_HDR_LEN ? msg + 16 : NULL,
                                    .data_len = len >= BGP_HDR_LEN ? 2 : 0,
                                    .offset = len >= BGP_HDR_LEN ? 16 : 0};
        return BGP_RESET;
    }
    body = msg + BGP_HDR_LEN;
    blen = len - BGP_HDR_LEN;
    wlen = be16(body);
    if (wlen > blen - 4) {
        note(psp, BGP_RESET, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_LIST, 0,
             "RFC 7606 4, RFC 4271 6.3: withdrawn routes length overruns the message", NULL, 0,
             body);
        return BGP_RESET;
    }
    alen = be16(body + 2 + wlen);
    if (alen > blen - 4 - wlen) {
        note(psp, BGP_RESET, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_LIST, 0,
             "RFC 7606 4, RFC 4271 6.3: total path attribute length overruns the message", NULL, 0,
             body + 2 + wlen);
        return BGP_RESET;
    }
    u->withdrawn = body + 2;
    u->withdrawn_len = (uint16_t)wlen;
    u->attrs = body + 4 + wlen;
    u->attrs_len = (uint16_t)alen;
    u->nlri = u->attrs + alen;
    u->nlri_len = (uint16_t)(blen - 4 - wlen - alen);
    if (bgp_nlri_check(u->withdrawn, wlen, BGP_AFI_IPV4, &bad) < 0) {
        note(psp, BGP_RESET, BGP_ERR_UPDATE, BGP_UPD_NETWORK, 0,
             "RFC 7606 5.3: withdrawn routes field malformed", NULL, 0, u->withdrawn + bad);
        return BGP_RESET;
    }
    if (bgp_nlri_check(u->nlri, u->nlri_len, BGP_AFI_IPV4, &bad) < 0) {
        note(psp, BGP_RESET, BGP_ERR_UPDATE, BGP_UPD_NETWORK, 0,
             "RFC 7606 5.3: NLRI field malformed", NULL, 0, u->nlri + bad);
        return BGP_RESET;
    }

    /* the attributes: one loop; stop at a framing error (the NLRI is found from alen) */
    for (off = 0; off < alen && u->err.verdict < BGP_RESET;) {
        const uint8_t *hdr = u->attrs + off;
        uint8_t flags, type;
        size_t hl, l;

        if (alen - off < 3) {
            note(psp, BGP_WITHDRAW, 0, 0, 0,
                 "RFC 7606 4: fewer than 3 octets left for an attribute header", NULL, 0, hdr);
            break;
        }
        flags = hdr[0];
        type = hdr[1];
        hl = (flags & BGP_AF_EXTLEN) ? 4 : 3;
        if (alen - off < hl) {
            note(psp, BGP_WITHDRAW, 0, 0, type,
                 "RFC 7606 4: extended length attribute header truncated", NULL, 0, hdr);
            break;
        }
        l = hl == 4 ? be16(hdr + 2) : hdr[2];
        if (l > alen - off - hl) {
            note(psp, BGP_WITHDRAW, 0, 0, type,
                 "RFC 7606 4: attribute length runs past the path attributes", NULL, 0, hdr);
            break;
        }
        u->n_attrs++;
        off += hl + l;
        if (seen[type / 8] & (1u << (type % 8))) {
            if (type == BGP_ATTR_MP_REACH_NLRI || type == BGP_ATTR_MP_UNREACH_NLRI)
                note(psp, BGP_RESET, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_LIST, type,
                     "RFC 7606 3 g: MP_REACH_NLRI or MP_UNREACH_NLRI more than once", NULL, 0, hdr);
            else
                note(psp, BGP_ATTR_DISCARD, 0, 0, type,
                     "RFC 7606 3 g: attribute repeated, all but the first discarded", NULL, 0, hdr);
            continue;
        }
        seen[type / 8] |= (uint8_t)(1u << (type % 8));
        attr(psp, flags, type, hdr, hl + l, hdr + hl, l);
    }
    if (u->err.verdict == BGP_RESET)
        return BGP_RESET;

    /* RFC 7606 3 d: well-known mandatory attributes, needed only when routes are announced */
    if (bgp_update_has_nlri(u)) {
        const uint8_t *at = u->attrs;

        if (!(u->a.present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
            note(psp, BGP_WITHDRAW, 0, 0, BGP_ATTR_ORIGIN,
                 "RFC 7606 3 d: well-known mandatory ORIGIN missing", NULL, 0, at);
        if (!(u->a.present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)))
            note(psp, BGP_WITHDRAW, 0, 0, BGP_ATTR_AS_PATH,
                 "RFC 7606 3 d: well-known mandatory AS_PATH missing", NULL, 0, at);
        if (u->nlri_len && !(u->a.present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)))
            note(psp, BGP_WITHDRAW, 0, 0, BGP_ATTR_NEXT_HOP,
                 "RFC 7606 3 d: NEXT_HOP missing with NLRI in the NLRI field", NULL, 0, at);
    }
    return u->err.verdict;
}
