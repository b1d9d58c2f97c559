/*
 * msg.c - the BGP-4 message codec (msg.h): framing and header checks
 * (RFC 4271 6.1), OPEN and capabilities (4.2, 6.2; RFC 5492, 4760, 2918,
 * 6793, 4724, 8654, 9072), NOTIFICATION, KEEPALIVE, ROUTE-REFRESH and NLRI
 * prefixes. UPDATE bodies are attr.c's.
 */
#include <errno.h>
#include <string.h>

#include "routing/bgp/be.h"
#include "routing/bgp/msg.h"

static const uint8_t version4[2] = {0, BGP_VERSION};

const char *bgp_verdict_name(int v)
{
    switch (v) {
    case BGP_OK:
        return "ok";
    case BGP_ATTR_DISCARD:
        return "attribute-discard";
    case BGP_WITHDRAW:
        return "treat-as-withdraw";
    case BGP_RESET:
        return "session-reset";
    }
    return "unknown";
}

static int fail(struct bgp_error *e, uint8_t code, uint8_t subcode, const char *reason,
                const uint8_t *data, size_t data_len, size_t offset)
{
    if (e)
        *e = (struct bgp_error){.verdict = BGP_RESET,
                                .code = code,
                                .subcode = subcode,
                                .reason = reason,
                                .data = data,
                                .data_len = (uint16_t)data_len,
                                .offset = (uint32_t)offset};
    return -EINVAL;
}

uint32_t bgp_af_bit(uint16_t afi, uint8_t safi)
{
    if (safi != BGP_SAFI_UNICAST)
        return 0;
    if (afi == BGP_AFI_IPV4)
        return BGP_AF_IPV4;
    if (afi == BGP_AFI_IPV6)
        return BGP_AF_IPV6;
    return 0;
}

/* ---- header ---- */

int bgp_msg_frame(const uint8_t *buf, size_t len, size_t max, size_t *msg_len, uint8_t *type,
                  struct bgp_error *e)
{
    size_t l, min, lim;
    uint8_t t;

    if (len < BGP_HDR_LEN)
        return 0;
    for (int i = 0; i < BGP_MARKER_LEN; i++)
        if (buf[i] != 0xff)
            return fail(e, BGP_ERR_HEADER, BGP_HDR_NOT_SYNC, "RFC 4271 6.1: marker is not all ones",
                        NULL, 0, (size_t)i);
    l = be16(buf + 16);
    t = buf[18];
    lim = max > BGP_EXT_MAX_LEN ? BGP_EXT_MAX_LEN : max;
    switch (t) {
    case BGP_MSG_OPEN:
        min = BGP_OPEN_MIN_LEN;
        lim = BGP_MAX_LEN; /* RFC 8654 3: OPEN never longer than 4096 */
        break;
    case BGP_MSG_UPDATE:
        min = BGP_UPDATE_MIN_LEN;
        break;
    case BGP_MSG_NOTIFICATION:
        min = BGP_NOTIFY_MIN_LEN;
        break;
    case BGP_MSG_KEEPALIVE:
        min = lim = BGP_HDR_LEN;
        break;
    case BGP_MSG_ROUTE_REFRESH:
        min = BGP_REFRESH_LEN;
        break;
    default:
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_TYPE, "RFC 4271 6.1: unknown message type",
                    buf + 18, 1, 18);
    }
    if (l < min || l > lim)
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH,
                    "RFC 4271 6.1: message length out of range for its type", buf + 16, 2, 16);
    if (len < l)
        return 0;
    *msg_len = l;
    *type = t;
    return 1;
}

int bgp_hdr_put(uint8_t *buf, uint16_t len, uint8_t type)
{
    memset(buf, 0xff, BGP_MARKER_LEN);
    put16(buf + 16, len);
    buf[18] = type;
    return BGP_HDR_LEN;
}

/* ---- OPEN ---- */

static const char *const bad_cap = "RFC 5492 4: capability length wrong for its code";

/* One capability at p[0..len) (code and value, length len). */
static int cap_parse(uint8_t code, const uint8_t *v, size_t len, struct bgp_caps *c,
                     const uint8_t *msg, struct bgp_error *e)
{
    size_t off = (size_t)(v - msg);

    switch (code) {
    case BGP_CAP_MP:
        if (len != 4)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, bad_cap, v - 2, len + 2, off);
        c->mp = true;
        c->afs |= bgp_af_bit(be16(v), v[3]);
        if (bgp_af_bit(be16(v), v[3]))
            return 0;
        break; /* a family the library does not handle: kept with the unknown ones */
    case BGP_CAP_ROUTE_REFRESH:
    case BGP_CAP_RR_OLD:
        if (len != 0)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, bad_cap, v - 2, len + 2, off);
        c->route_refresh = true;
        return 0;
    case BGP_CAP_EXT_MSG:
        if (len != 0)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, bad_cap, v - 2, len + 2, off);
        c->ext_msg = true;
        return 0;
    case BGP_CAP_AS4:
        if (len != 4)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, bad_cap, v - 2, len + 2, off);
        c->as4 = true;
        c->as4_num = be32(v);
        return 0;
    case BGP_CAP_GR:
        if (len < 2 || (len - 2) % 4)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC, bad_cap, v - 2, len + 2, off);
        c->gr = true;
        c->gr_flags = v[0] >> 4;
        c->gr_time = be16(v) & 0x0fff;
        c->gr_afs = c->gr_fwd_afs = 0;
        for (size_t i = 2; i < len; i += 4) {
            uint32_t b = bgp_af_bit(be16(v + i), v[i + 2]);

            c->gr_afs |= b;
            if (v[i + 3] & 0x80)
                c->gr_fwd_afs |= b;
        }
        return 0;
    default:
        break;
    }
    c->n_unknown++;
    if (len + 2 <= sizeof(c->unknown) - c->unknown_len) {
        c->unknown[c->unknown_len] = code;
        c->unknown[c->unknown_len + 1] = (uint8_t)len;
        memcpy(c->unknown + c->unknown_len + 2, v, len);
        c->unknown_len = (uint16_t)(c->unknown_len + 2 + len);
    } else {
        c->unknown_truncated = true;
    }
    return 0;
}

int bgp_open_parse(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_error *e)
{
    const uint8_t *p = msg + BGP_HDR_LEN;
    size_t plen, off, end;
    bool ext = false;

    if (len < BGP_OPEN_MIN_LEN || be16(msg + 16) != len || msg[18] != BGP_MSG_OPEN)
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, "RFC 4271 6.1: OPEN length",
                    len >= 18 ? msg + 16 : NULL, len >= 18 ? 2 : 0, 16);
    memset(o, 0, sizeof(*o));
    o->version = p[0];
    o->my_as = be16(p + 1);
    o->hold_time = be16(p + 3);
    o->bgp_id = be32(p + 5);
    plen = p[9];
    off = 29;
    if (o->version != BGP_VERSION)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION, "RFC 4271 6.2: version is not 4",
                    version4, 2, 19);
    if (o->my_as == 0)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, "RFC 7607 2: AS 0 in OPEN", NULL, 0, 20);
    if (o->hold_time == 1 || o->hold_time == 2)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_HOLD, "RFC 4271 6.2: hold time 1 or 2", NULL, 0,
                    22);
    if (o->bgp_id == 0)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_ID, "RFC 6286 2.2: BGP identifier 0", msg + 24, 4,
                    24);
    /* RFC 9072 2: length 255 and a first parameter type 255 mean 2-octet lengths */
    if (plen == 255 && len > 29 && msg[29] == 255) {
        if (len < 32)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                        "RFC 9072 2: extended parameters length missing", NULL, 0, 29);
        ext = true;
        plen = be16(msg + 30);
        off = 32;
    }
    if (plen != len - off)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                    "RFC 4271 6.2: optional parameters length disagrees with the message", NULL, 0,
                    28);
    end = len;
    while (off < end) {
        size_t hl = ext ? 3 : 2, l;
        uint8_t ptype;

        if (end - off < hl)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                        "RFC 4271 6.2: truncated optional parameter", NULL, 0, off);
        ptype = msg[off];
        l = ext ? be16(msg + off + 1) : msg[off + 1];
        if (l > end - off - hl)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                        "RFC 4271 6.2: optional parameter runs past the message", NULL, 0, off);
        if (ptype != 2)
            return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_OPT_PARAM,
                        "RFC 4271 6.2: optional parameter is not capabilities", msg + off, 1, off);
        /* RFC 5492 4: one parameter may hold several capabilities */
        for (size_t c = off + hl; c < off + hl + l;) {
            size_t cl;

            if (off + hl + l - c < 2)
                return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                            "RFC 5492 4: truncated capability", NULL, 0, c);
            cl = msg[c + 1];
            if (cl > off + hl + l - c - 2)
                return fail(e, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC,
                            "RFC 5492 4: capability runs past its parameter", NULL, 0, c);
            if (cap_parse(msg[c], msg + c + 2, cl, &o->caps, msg, e) < 0)
                return -EINVAL;
            c += 2 + cl;
        }
        off += hl + l;
    }
    if (o->caps.as4 && o->caps.as4_num == 0)
        return fail(e, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, "RFC 7607 2: AS 0 in capability", NULL,
                    0, 19);
    o->peer_as = o->caps.as4 ? o->caps.as4_num : o->my_as;
    if (!o->caps.mp)
        o->caps.afs = BGP_AF_IPV4; /* RFC 4760 8: no capability, IPv4 unicast */
    return 0;
}

static size_t put_cap(uint8_t *p, uint8_t code, const uint8_t *v, uint8_t len)
{
    p[0] = code;
    p[1] = len;
    if (len)
        memcpy(p + 2, v, len);
    return 2u + len;
}

int bgp_open_build(uint8_t *buf, size_t cap, const struct bgp_open *o)
{
    uint8_t caps[BGP_MAX_LEN], v[64];
    size_t n = 0, len;
    const struct bgp_caps *c = &o->caps;
    static const struct {
        uint32_t bit;
        uint16_t afi;
    } fams[] = {{BGP_AF_IPV4, BGP_AFI_IPV4}, {BGP_AF_IPV6, BGP_AFI_IPV6}};

    for (size_t i = 0; i < 2; i++)
        if (c->afs & fams[i].bit) {
            put16(v, fams[i].afi);
            v[2] = 0;
            v[3] = BGP_SAFI_UNICAST;
            n += put_cap(caps + n, BGP_CAP_MP, v, 4);
        }
    if (c->route_refresh)
        n += put_cap(caps + n, BGP_CAP_ROUTE_REFRESH, NULL, 0);
    if (c->ext_msg)
        n += put_cap(caps + n, BGP_CAP_EXT_MSG, NULL, 0);
    if (c->gr) {
        size_t k = 2;

        put16(v, (uint16_t)((c->gr_flags & 0xf) << 12 | (c->gr_time & 0x0fff)));
        for (size_t i = 0; i < 2; i++)
            if (c->gr_afs & fams[i].bit) {
                put16(v + k, fams[i].afi);
                v[k + 2] = BGP_SAFI_UNICAST;
                v[k + 3] = (c->gr_fwd_afs & fams[i].bit) ? 0x80 : 0;
                k += 4;
            }
        n += put_cap(caps + n, BGP_CAP_GR, v, (uint8_t)k);
    }
    if (c->as4) {
        put32(v, c->as4_num);
        n += put_cap(caps + n, BGP_CAP_AS4, v, 4);
    }
    if (c->unknown_len && c->unknown_len <= sizeof(caps) - n) {
        memcpy(caps + n, c->unknown, c->unknown_len);
        n += c->unknown_len;
    }
    /* one optional parameter of type 2 holding every capability; RFC 9072 beyond 255 bytes */
    len = BGP_OPEN_MIN_LEN + (n ? (n <= 255 ? 2 + n : 3 + 3 + n) : 0);
    if (len > cap || len > BGP_MAX_LEN)
        return -ENOSPC;
    bgp_hdr_put(buf, (uint16_t)len, BGP_MSG_OPEN);
    buf[19] = BGP_VERSION;
    put16(buf + 20, o->my_as);
    put16(buf + 22, o->hold_time);
    put32(buf + 24, o->bgp_id);
    if (!n) {
        buf[28] = 0;
    } else if (n <= 255) {
        buf[28] = (uint8_t)(2 + n);
        buf[29] = 2;
        buf[30] = (uint8_t)n;
        memcpy(buf + 31, caps, n);
    } else {
        buf[28] = 255;
        buf[29] = 255;
        put16(buf + 30, (uint16_t)(3 + n));
        buf[32] = 2;
        put16(buf + 33, (uint16_t)n);
        memcpy(buf + 35, caps, n);
    }
    return (int)len;
}

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ---- */

int bgp_keepalive_parse(const uint8_t *msg, size_t len, struct bgp_error *e)
{
    if (len != BGP_HDR_LEN || be16(msg + 16) != len)
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, "RFC 4271 6.1: KEEPALIVE length",
                    len >= 18 ? msg + 16 : NULL, len >= 18 ? 2 : 0, 16);
    return 0;
}

int bgp_keepalive_build(uint8_t *buf, size_t cap)
{
    if (cap < BGP_HDR_LEN)
        return -ENOSPC;
    return bgp_hdr_put(buf, BGP_HDR_LEN, BGP_MSG_KEEPALIVE);
}

int bgp_notification_parse(const uint8_t *msg, size_t len, struct bgp_notification *n,
                           struct bgp_error *e)
{
    if (len < BGP_NOTIFY_MIN_LEN || be16(msg + 16) != len)
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, "RFC 4271 6.1: NOTIFICATION length",
                    len >= 18 ? msg + 16 : NULL, len >= 18 ? 2 : 0, 16);
    n->code = msg[19];
    n->subcode = msg[20];
    n->data = msg + 21;
    n->data_len = (uint16_t)(len - 21);
    return 0;
}

int bgp_notification_build(uint8_t *buf, size_t cap, size_t max, uint8_t code, uint8_t subcode,
                           const uint8_t *data, size_t data_len)
{
    size_t lim = max < cap ? max : cap;

    if (lim > BGP_EXT_MAX_LEN)
        lim = BGP_EXT_MAX_LEN;
    if (lim < BGP_NOTIFY_MIN_LEN)
        return -ENOSPC;
    if (data_len > lim - BGP_NOTIFY_MIN_LEN)
        data_len = lim - BGP_NOTIFY_MIN_LEN;
    bgp_hdr_put(buf, (uint16_t)(BGP_NOTIFY_MIN_LEN + data_len), BGP_MSG_NOTIFICATION);
    buf[19] = code;
    buf[20] = subcode;
    if (data_len)
        memmove(buf + 21, data, data_len);
    return (int)(BGP_NOTIFY_MIN_LEN + data_len);
}

const char *bgp_err_code_name(uint8_t code)
{
    static const char *const names[] = {
        [BGP_ERR_HEADER] = "Message Header Error",         [BGP_ERR_OPEN] = "OPEN Message Error",
        [BGP_ERR_UPDATE] = "UPDATE Message Error",         [BGP_ERR_HOLD] = "Hold Timer Expired",
        [BGP_ERR_FSM] = "Finite State Machine Error",      [BGP_ERR_CEASE] = "Cease",
        [BGP_ERR_REFRESH] = "ROUTE-REFRESH Message Error",
    };

    return code < sizeof(names) / sizeof(names[0]) && names[code] ? names[code] : "unknown";
}

const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode)
{
    static const char *const hdr[] = {"unspecific", "Connection Not Synchronized",
                                      "Bad Message Length", "Bad Message Type"};
    static const char *const open[] = {"unspecific",
                                       "Unsupported Version Number",
                                       "Bad Peer AS",
                                       "Bad BGP Identifier",
                                       "Unsupported Optional Parameter",
                                       "deprecated",
                                       "Unacceptable Hold Time",
                                       "Unsupported Capability"};
    static const char *const upd[] = {"unspecific",
                                      "Malformed Attribute List",
                                      "Unrecognized Well-known Attribute",
                                      "Missing Well-known Attribute",
                                      "Attribute Flags Error",
                                      "Attribute Length Error",
                                      "Invalid ORIGIN Attribute",
                                      "deprecated",
                                      "Invalid NEXT_HOP Attribute",
                                      "Optional Attribute Error",
                                      "Invalid Network Field",
                                      "Malformed AS_PATH"};
    static const char *const cease[] = {"unspecific",
                                        "Maximum Number of Prefixes Reached",
                                        "Administrative Shutdown",
                                        "Peer De-configured",
                                        "Administrative Reset",
                                        "Connection Rejected",
                                        "Other Configuration Change",
                                        "Connection Collision Resolution",
                                        "Out of Resources"};
#define PICK(t) (subcode < sizeof(t) / sizeof(t[0]) ? t[subcode] : "unknown")
    switch (code) {
    case BGP_ERR_HEADER:
        return PICK(hdr);
    case BGP_ERR_OPEN:
        return PICK(open);
    case BGP_ERR_UPDATE:
        return PICK(upd);
    case BGP_ERR_CEASE:
        return PICK(cease);
    default:
        return subcode ? "unknown" : "unspecific";
    }
#undef PICK
}

int bgp_refresh_parse(const uint8_t *msg, size_t len, uint16_t *afi, uint8_t *safi,
                      struct bgp_error *e)
{
    if (len != BGP_REFRESH_LEN || be16(msg + 16) != len)
        return fail(e, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, "RFC 2918 3: ROUTE-REFRESH length",
                    len >= 18 ? msg + 16 : NULL, len >= 18 ? 2 : 0, 16);
    *afi = be16(msg + 19);
    *safi = msg[22];
    return 0;
}

int bgp_refresh_build(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi)
{
    if (cap < BGP_REFRESH_LEN)
        return -ENOSPC;
    bgp_hdr_put(buf, BGP_REFRESH_LEN, BGP_MSG_ROUTE_REFRESH);
    put16(buf + 19, afi);
    buf[21] = 0;
    buf[22] = safi;
    return BGP_REFRESH_LEN;
}

/* ---- NLRI ---- */

int bgp_nlri_next(const uint8_t *p, size_t len, size_t *off, uint16_t afi, struct bgp_prefix *out)
{
    size_t o = *off, bytes;
    unsigned int maxlen = afi == BGP_AFI_IPV6 ? 128 : 32;
    uint8_t pl;

    if (o >= len)
        return 0;
    pl = p[o];
    if (pl > maxlen)
        return -EINVAL;
    bytes = (pl + 7u) / 8;
    if (bytes > len - o - 1)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->afi = (uint8_t)afi;
    out->len = pl;
    memcpy(out->addr, p + o + 1, bytes);
    if (pl % 8)
        out->addr[bytes - 1] &= (uint8_t)(0xff << (8 - pl % 8));
    *off = o + 1 + bytes;
    return 1;
}

int bgp_nlri_check(const uint8_t *p, size_t len, uint16_t afi, size_t *bad_off)
{
    size_t off = 0;
    int n = 0, r;
    struct bgp_prefix pfx;

    while ((r = bgp_nlri_next(p, len, &off, afi, &pfx)) == 1)
        n++;
    if (r < 0) {
        if (bad_off)
            *bad_off = off;
        return -EINVAL;
    }
    return n;
}

int bgp_nlri_put(uint8_t *buf, size_t cap, const struct bgp_prefix *pfx)
{
    size_t bytes = (pfx->len + 7u) / 8;

    if (cap < bytes + 1)
        return -ENOSPC;
    buf[0] = pfx->len;
    memcpy(buf + 1, pfx->addr, bytes);
    return (int)(bytes + 1);
}
