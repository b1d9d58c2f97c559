/*
 * state.c - export and import of vroom-routerd's movable state as typed,
 * versioned, length-checked records (state.h; the layout of each record is
 * in docs/routing.md). Import reads the stream twice: once to check every
 * record (header, length, type, version, payload layout, and that the
 * sources and protocols it names exist in the config it brings or the one
 * running), then to apply it, so a bad stream changes nothing.
 */
#include "routing/state.h"
#include "lib/log.h"
#include "routing/routerd.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define META_FULL 0x1

/* The newest version of each core type this build reads. */
static uint16_t core_version(uint16_t type)
{
    switch (type) {
    case STATE_META:
    case STATE_CONFIG:
    case STATE_PROTO:
    case STATE_ROUTE:
    case STATE_ROUTE_DEL:
    case STATE_END:
        return 1;
    }
    return 0;
}

static const char *type_name(uint16_t type)
{
    switch (type) {
    case STATE_META:
        return "META";
    case STATE_CONFIG:
        return "CONFIG";
    case STATE_PROTO:
        return "PROTO";
    case STATE_ROUTE:
        return "ROUTE";
    case STATE_ROUTE_DEL:
        return "ROUTE_DEL";
    case STATE_END:
        return "END";
    }
    return "protocol";
}

/* ---- Buffers --------------------------------------------------------- */

void state_buf_free(struct state_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

static int reserve(struct state_buf *b, size_t n)
{
    if (b->err != 0)
        return b->err;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        uint8_t *d;

        while (cap - b->len < n)
            cap *= 2;
        if ((d = realloc(b->data, cap)) == NULL)
            return b->err = -ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    return 0;
}

int state_put(struct state_buf *b, uint16_t type, uint16_t version, uint64_t gen,
              const void *payload, size_t len)
{
    uint16_t t = htons(type), v = htons(version);
    uint32_t l = htonl((uint32_t)len);
    uint64_t g = htobe64(gen);
    uint8_t *p;

    if (len > STATE_MAX_RECORD)
        return b->err = -EMSGSIZE;
    if (reserve(b, STATE_HDR_LEN + len) != 0)
        return b->err;
    p = b->data + b->len;
    memcpy(p, &t, 2);
    memcpy(p + 2, &v, 2);
    memcpy(p + 4, &l, 4);
    memcpy(p + 8, &g, 8);
    if (len > 0)
        memcpy(p + STATE_HDR_LEN, payload, len);
    b->len += STATE_HDR_LEN + len;
    b->records++;
    return 0;
}

int state_next(const uint8_t *data, size_t len, size_t *off, struct state_rec *rec, char *why,
               size_t whylen)
{
    uint16_t t, v;
    uint32_t l;
    uint64_t g;

    if (*off == len)
        return 0;
    if (len - *off < STATE_HDR_LEN) {
        snprintf(why, whylen, "byte %zu: truncated header: %zu of %d bytes", *off, len - *off,
                 STATE_HDR_LEN);
        return -EINVAL;
    }
    memcpy(&t, data + *off, 2);
    memcpy(&v, data + *off + 2, 2);
    memcpy(&l, data + *off + 4, 4);
    memcpy(&g, data + *off + 8, 8);
    rec->type = ntohs(t);
    rec->version = ntohs(v);
    rec->len = ntohl(l);
    rec->gen = be64toh(g);
    rec->offset = *off;
    if (rec->len > STATE_MAX_RECORD || rec->len > len - *off - STATE_HDR_LEN) {
        snprintf(why, whylen, "byte %zu: type %u: length %u runs past the end (%zu bytes left)",
                 *off, rec->type, rec->len, len - *off - STATE_HDR_LEN);
        return -EINVAL;
    }
    rec->data = data + *off + STATE_HDR_LEN;
    *off += STATE_HDR_LEN + rec->len;
    return 1;
}

/* A payload writer into a small stack or heap buffer. */
struct pw {
    uint8_t buf[1024];
    size_t len;
    bool over;
};

static void pw_put(struct pw *w, const void *p, size_t n)
{
    if (w->len + n > sizeof(w->buf)) {
        w->over = true;
        return;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void pw_u8(struct pw *w, unsigned v)
{
    uint8_t b = (uint8_t)v;

    pw_put(w, &b, 1);
}

static void pw_u32(struct pw *w, uint32_t v)
{
    v = htonl(v);
    pw_put(w, &v, 4);
}

static void pw_u64(struct pw *w, uint64_t v)
{
    v = htobe64(v);
    pw_put(w, &v, 8);
}

static void pw_name(struct pw *w, const char *s)
{
    size_t n = strlen(s);

    pw_u8(w, (unsigned)n);
    pw_put(w, s, n);
}

/* A payload reader: every get checks the length left. */
struct pr {
    const uint8_t *p;
    size_t left;
    bool bad;
};

static const uint8_t *pr_get(struct pr *r, size_t n)
{
    const uint8_t *p = r->p;

    if (r->bad || r->left < n) {
        r->bad = true;
        return NULL;
    }
    r->p += n;
    r->left -= n;
    return p;
}

static unsigned pr_u8(struct pr *r)
{
    const uint8_t *p = pr_get(r, 1);

    return p ? p[0] : 0;
}

static uint32_t pr_u32(struct pr *r)
{
    const uint8_t *p = pr_get(r, 4);
    uint32_t v = 0;

    if (p)
        memcpy(&v, p, 4);
    return ntohl(v);
}

/* A name of 1..max bytes without NUL into out. */
static bool pr_name(struct pr *r, char *out, size_t max)
{
    unsigned n = pr_u8(r);
    const uint8_t *p = pr_get(r, n);

    if (p == NULL || n == 0 || n > max || memchr(p, '\0', n) != NULL)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static int fam_code(int family)
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

static int code_fam(unsigned code)
{
    return code == 4 ? AF_INET : code == 6 ? AF_INET6 : -1;
}

/* ---- Export ---------------------------------------------------------- */

struct exp {
    struct routerd *rd;
    struct state_buf *out;
    uint64_t since;
};

static int exp_route(void *ctx, const struct rib_route_info *r)
{
    struct exp *e = ctx;
    struct pw w = {.len = 0};
    size_t ab = inet_family_bits(r->prefix.addr.family) / 8;

    if (r->gen <= e->since)
        return 0;
    pw_name(&w, rib_source_name(routerd_rib(e->rd), r->src));
    pw_u8(&w, (unsigned)fam_code(r->prefix.addr.family));
    pw_u8(&w, r->prefix.len);
    pw_u8(&w, r->distance);
    pw_u8(&w, r->default_distance ? 1 : 0);
    pw_u32(&w, r->metric);
    pw_u8(&w, r->nh->n);
    pw_u8(&w, 0);
    pw_u8(&w, 0);
    pw_u8(&w, 0);
    pw_put(&w, r->prefix.addr.u.bytes, ab);
    for (size_t i = 0; i < r->nh->n; i++) {
        const struct rib_nh *nh = &r->nh->nh[i];
        size_t dl = strnlen(nh->dev, RIB_DEV_LEN);

        pw_u8(&w, nh->type);
        pw_u8(&w, (unsigned)fam_code(nh->family));
        pw_u8(&w, (unsigned)dl);
        pw_u8(&w, 0);
        pw_put(&w, nh->gw, nh->family == AF_INET6 ? 16 : nh->family == AF_INET ? 4 : 0);
        pw_put(&w, nh->dev, dl);
    }
    if (w.over)
        return -EMSGSIZE;
    return state_put(e->out, STATE_ROUTE, 1, r->gen, w.buf, w.len);
}

static int exp_tomb(void *ctx, const struct rib_tombstone *t)
{
    struct exp *e = ctx;
    struct pw w = {.len = 0};
    const char *name = rib_source_name(routerd_rib(e->rd), t->src);

    pw_name(&w, name != NULL ? name : "?");
    pw_u8(&w, (unsigned)fam_code(t->prefix.addr.family));
    pw_u8(&w, t->prefix.len);
    pw_u8(&w, 0);
    pw_u8(&w, 0);
    pw_put(&w, t->prefix.addr.u.bytes, inet_family_bits(t->prefix.addr.family) / 8);
    return state_put(e->out, STATE_ROUTE_DEL, 1, t->gen, w.buf, w.len);
}

int state_export(struct routerd *rd, uint64_t since, struct state_buf *out)
{
    const struct router_config *rc = routerd_config(rd);
    uint64_t gen = *routerd_clock(rd);
    struct exp e = {rd, out, since};
    struct pw w = {.len = 0};
    size_t first = out->records;
    int r;

    pw_u64(&w, gen);
    pw_put(&w, rc != NULL ? (const void *)&rc->router_id : (const void *)"\0\0\0\0", 4);
    pw_u32(&w, since == 0 ? META_FULL : 0);
    pw_u64(&w, since);
    state_put(out, STATE_META, 1, gen, w.buf, w.len);
    if (rc != NULL && routerd_config_gen(rd) > since) {
        char *text = config_to_text(rc);

        if (text == NULL)
            return -ENOMEM;
        state_put(out, STATE_CONFIG, 1, routerd_config_gen(rd), text, strlen(text));
        free(text);
    }
    for (size_t i = 0; i < routerd_proto_count(rd); i++) {
        struct proto *p = routerd_proto_at(rd, i);

        if (p->gen > since) {
            w.len = 0;
            pw_name(&w, p->cfg->name);
            pw_name(&w, p->cls->name);
            pw_u8(&w, p->state);
            pw_u8(&w, 0);
            pw_u8(&w, 0);
            pw_u8(&w, 0);
            state_put(out, STATE_PROTO, 1, p->gen, w.buf, w.len);
        }
        if (p->cls->state_export != NULL && (r = p->cls->state_export(p, out, since)) != 0)
            return r;
    }
    /* withdrawals before routes: a route withdrawn then announced again ends announced */
    if ((r = rib_tombstones(routerd_rib(rd), since, exp_tomb, &e)) != 0)
        return r;
    if ((r = rib_walk_unsorted(routerd_rib(rd), false, exp_route, &e)) != 0)
        return r;
    w.len = 0;
    pw_u32(&w, (uint32_t)(out->records - first + 1));
    state_put(out, STATE_END, 1, gen, w.buf, w.len);
    return out->err;
}

/* ---- Import ---------------------------------------------------------- */

struct route_rec {
    char src[PROTO_NAME_MAX + 1];
    struct inet_prefix prefix;
    int distance; /* -1: the source's default */
    uint32_t metric;
    struct rib_nh nh[RIB_ECMP_MAX];
    size_t n_nh;
};

static int bad(char *why, size_t whylen, const struct state_rec *rec, size_t idx, const char *fmt,
               ...) __attribute__((format(printf, 5, 6)));

static int bad(char *why, size_t whylen, const struct state_rec *rec, size_t idx, const char *fmt,
               ...)
{
    char reason[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    snprintf(why, whylen, "record %zu (byte %zu, type %u %s v%u): %s", idx, rec->offset, rec->type,
             type_name(rec->type), rec->version, reason);
    return -EINVAL;
}

/* family code, length, address (4 or 16 bytes) with no bit set past the length */
static bool read_prefix(struct pr *r, struct inet_prefix *p)
{
    int fam = code_fam(pr_u8(r));
    unsigned len = pr_u8(r);
    const uint8_t *a;
    size_t ab;

    if (fam < 0 || r->bad)
        return false;
    ab = fam == AF_INET ? 4 : 16;
    if (len > ab * 8 || (a = pr_get(r, ab)) == NULL)
        return false;
    for (unsigned i = len; i < ab * 8; i++)
        if (a[i / 8] & (0x80 >> (i % 8)))
            return false;
    memset(p, 0, sizeof(*p));
    p->addr.family = fam;
    p->len = len;
    memcpy(p->addr.u.bytes, a, ab);
    return true;
}

static int parse_route(const struct state_rec *rec, struct route_rec *rr)
{
    struct pr r = {rec->data, rec->len, false};
    unsigned fam, plen, dist, flags, n;
    const uint8_t *a;

    memset(rr, 0, sizeof(*rr));
    if (!pr_name(&r, rr->src, PROTO_NAME_MAX))
        return -EINVAL;
    fam = pr_u8(&r);
    plen = pr_u8(&r);
    dist = pr_u8(&r);
    flags = pr_u8(&r);
    rr->metric = pr_u32(&r);
    n = pr_u8(&r);
    pr_get(&r, 3);
    if (r.bad || code_fam(fam) < 0 || n == 0 || n > RIB_ECMP_MAX)
        return -EINVAL;
    /* the prefix again through read_prefix's checks */
    {
        uint8_t tmp[2 + 16];
        struct pr pr2;
        size_t ab = fam == 4 ? 4 : 16;

        if ((a = pr_get(&r, ab)) == NULL)
            return -EINVAL;
        tmp[0] = (uint8_t)fam;
        tmp[1] = (uint8_t)plen;
        memcpy(tmp + 2, a, ab);
        pr2 = (struct pr){tmp, 2 + ab, false};
        if (!read_prefix(&pr2, &rr->prefix))
            return -EINVAL;
    }
    rr->distance = (flags & 1) ? -1 : (int)dist;
    rr->n_nh = n;
    for (size_t i = 0; i < n; i++) {
        struct rib_nh *nh = &rr->nh[i];
        unsigned type = pr_u8(&r), nf = pr_u8(&r), dl = pr_u8(&r);
        const uint8_t *gw, *dev;

        pr_get(&r, 1);
        if (r.bad || type > RIB_NH_PROHIBIT || (nf != 0 && code_fam(nf) < 0) || dl >= RIB_DEV_LEN)
            return -EINVAL;
        nh->type = (uint8_t)type;
        nh->family = nf ? (uint8_t)code_fam(nf) : 0;
        if (nf != 0) {
            if ((gw = pr_get(&r, nf == 4 ? 4 : 16)) == NULL)
                return -EINVAL;
            memcpy(nh->gw, gw, nf == 4 ? 4 : 16);
        }
        if ((dev = pr_get(&r, dl)) == NULL || memchr(dev, '\0', dl) != NULL)
            return -EINVAL;
        memcpy(nh->dev, dev, dl);
    }
    return r.left == 0 ? 0 : -EINVAL;
}

static int parse_del(const struct state_rec *rec, char *src, struct inet_prefix *p)
{
    struct pr r = {rec->data, rec->len, false};
    unsigned fam, plen;
    uint8_t tmp[18];
    const uint8_t *a;
    struct pr pr2;
    size_t ab;

    if (!pr_name(&r, src, PROTO_NAME_MAX))
        return -EINVAL;
    fam = pr_u8(&r);
    plen = pr_u8(&r);
    pr_get(&r, 2);
    if (r.bad || code_fam(fam) < 0)
        return -EINVAL;
    ab = fam == 4 ? 4 : 16;
    if ((a = pr_get(&r, ab)) == NULL || r.left != 0)
        return -EINVAL;
    tmp[0] = (uint8_t)fam;
    tmp[1] = (uint8_t)plen;
    memcpy(tmp + 2, a, ab);
    pr2 = (struct pr){tmp, 2 + ab, false};
    return read_prefix(&pr2, p) ? 0 : -EINVAL;
}

/* The class whose record range holds type (NULL: none). */
static const struct protocol *class_of_type(uint16_t type)
{
    const struct protocol *c;

    for (size_t i = 0; (c = proto_class_at(i)) != NULL; i++)
        if (c->state_base != 0 && type >= c->state_base && type < c->state_base + STATE_PROTO_TYPES)
            return c;
    return NULL;
}

/* Pass 1: check everything; *cfg gets the parsed CONFIG record (if any). */
static int check_stream(struct routerd *rd, const uint8_t *data, size_t len,
                        struct router_config **cfg, char *why, size_t whylen)
{
    const struct router_config *rc = routerd_config(rd);
    struct state_rec rec;
    size_t off = 0, idx = 0;
    bool meta = false, end = false;
    int r;

    *cfg = NULL;
    while ((r = state_next(data, len, &off, &rec, why, whylen)) == 1) {
        const struct protocol *cls = NULL;
        uint16_t known;

        if (end)
            return bad(why, whylen, &rec, idx, "a record after END");
        if (rec.type < 0x100) {
            known = core_version(rec.type);
        } else if ((cls = class_of_type(rec.type)) != NULL) {
            known = cls->state_version != NULL ? cls->state_version(rec.type) : 0;
        } else {
            return bad(why, whylen, &rec, idx, "unknown type");
        }
        if (known == 0)
            return bad(why, whylen, &rec, idx, "unknown type");
        if (rec.version > known)
            return bad(why, whylen, &rec, idx, "version %u is newer than %u, the newest known",
                       rec.version, known);
        if (rec.version == 0)
            return bad(why, whylen, &rec, idx, "version 0");
        if (!meta && rec.type != STATE_META)
            return bad(why, whylen, &rec, idx, "the stream does not start with META");
        switch (rec.type) {
        case STATE_META:
            if (meta)
                return bad(why, whylen, &rec, idx, "a second META");
            if (rec.len != 24)
                return bad(why, whylen, &rec, idx, "length %u, not 24", rec.len);
            meta = true;
            break;
        case STATE_CONFIG: {
            char err[CFG_ERR_MAX];
            char *text;

            if (*cfg != NULL)
                return bad(why, whylen, &rec, idx, "a second CONFIG");
            if ((text = malloc(rec.len + 1)) == NULL)
                return -ENOMEM;
            memcpy(text, rec.data, rec.len);
            text[rec.len] = '\0';
            *cfg = config_parse_text(text, rec.len, "<state>", err, sizeof(err));
            free(text);
            if (*cfg == NULL)
                return bad(why, whylen, &rec, idx, "%s", err);
            rc = *cfg;
            break;
        }
        case STATE_PROTO: {
            struct pr p = {rec.data, rec.len, false};
            char name[PROTO_NAME_MAX + 1], cname[PROTO_NAME_MAX + 1];

            if (!pr_name(&p, name, PROTO_NAME_MAX) || !pr_name(&p, cname, PROTO_NAME_MAX) ||
                pr_get(&p, 4) == NULL || p.left != 0)
                return bad(why, whylen, &rec, idx, "malformed");
            if (rc == NULL || config_proto_find(rc, name) == NULL)
                return bad(why, whylen, &rec, idx, "no protocol %s in the config", name);
            if (strcmp(config_proto_find(rc, name)->cls->name, cname) != 0)
                return bad(why, whylen, &rec, idx, "%s is a %s here, not a %s", name,
                           config_proto_find(rc, name)->cls->name, cname);
            break;
        }
        case STATE_ROUTE: {
            struct route_rec rr;

            if (parse_route(&rec, &rr) != 0)
                return bad(why, whylen, &rec, idx, "malformed");
            if (rc == NULL || config_proto_find(rc, rr.src) == NULL)
                return bad(why, whylen, &rec, idx, "no protocol %s in the config", rr.src);
            break;
        }
        case STATE_ROUTE_DEL: {
            char src[PROTO_NAME_MAX + 1];
            struct inet_prefix p;

            if (parse_del(&rec, src, &p) != 0)
                return bad(why, whylen, &rec, idx, "malformed");
            break;
        }
        case STATE_END: {
            struct pr p = {rec.data, rec.len, false};
            uint32_t n = pr_u32(&p);

            if (p.bad || p.left != 0)
                return bad(why, whylen, &rec, idx, "malformed");
            if (n != idx + 1)
                return bad(why, whylen, &rec, idx, "%u records announced, %zu read", n, idx + 1);
            end = true;
            break;
        }
        default:
            if (rc == NULL || config_proto_find(rc, cls->name) == NULL)
                return bad(why, whylen, &rec, idx, "no %s instance in the config", cls->name);
            break;
        }
        idx++;
    }
    if (r < 0)
        return r;
    if (!meta) {
        snprintf(why, whylen, "empty stream");
        return -EINVAL;
    }
    if (!end) {
        snprintf(why, whylen, "no END record: the stream is truncated");
        return -EINVAL;
    }
    return 0;
}

int state_import(struct routerd *rd, const uint8_t *data, size_t len, char *why, size_t whylen)
{
    struct router_config *cfg;
    struct state_rec rec;
    size_t off = 0;
    int r;

    if ((r = check_stream(rd, data, len, &cfg, why, whylen)) != 0) {
        config_free(cfg);
        return r;
    }
    while (state_next(data, len, &off, &rec, why, whylen) == 1) {
        switch (rec.type) {
        case STATE_CONFIG:
            if (routerd_config(rd) == NULL)
                r = routerd_configure(rd, cfg, false, why, whylen);
            else
                r = routerd_reload(rd, cfg, NULL, why, whylen);
            cfg = NULL;
            if (r != 0)
                return r;
            break;
        case STATE_ROUTE: {
            struct route_rec rr;
            struct rib_attrs a;
            struct proto *p;

            parse_route(&rec, &rr);
            a = (struct rib_attrs){rr.distance, rr.metric, rr.nh, rr.n_nh};
            if ((p = routerd_proto_find(rd, rr.src)) == NULL ||
                rib_route_update(routerd_rib(rd), p->src, &rr.prefix, &a) < 0)
                log_warnx("state import: a route of %s refused", rr.src);
            break;
        }
        case STATE_ROUTE_DEL: {
            char src[PROTO_NAME_MAX + 1];
            struct inet_prefix p;
            struct proto *pr;

            parse_del(&rec, src, &p);
            if ((pr = routerd_proto_find(rd, src)) != NULL)
                rib_route_withdraw(routerd_rib(rd), pr->src, &p); /* gone already: fine */
            break;
        }
        case STATE_META:
        case STATE_PROTO:
        case STATE_END:
            break;
        default: {
            const struct protocol *cls = class_of_type(rec.type);
            struct proto *p = routerd_proto_find(rd, cls->name);

            if (p != NULL && p->cls->state_import != NULL &&
                p->cls->state_import(p, rec.type, rec.version, rec.data, rec.len, why, whylen) != 0)
                log_warnx("state import: %s: %s", cls->name, why);
            break;
        }
        }
    }
    config_free(cfg);
    return 0;
}

/* ---- Base64 ---------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *state_base64(const struct state_buf *b)
{
    size_t n = b->len, o = 0;
    char *s = malloc((n + 2) / 3 * 4 + 1);

    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)b->data[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)b->data[i + 1] << 8;
        if (i + 2 < n)
            v |= b->data[i + 2];
        s[o++] = b64[(v >> 18) & 63];
        s[o++] = b64[(v >> 12) & 63];
        s[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        s[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    s[o] = '\0';
    return s;
}

uint8_t *state_unbase64(const char *s, size_t *len)
{
    size_t n = strlen(s), o = 0;
    uint8_t *d;

    if (n % 4 != 0 || (d = malloc(n / 4 * 3 + 1)) == NULL)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        int pad = 0;

        for (int j = 0; j < 4; j++) {
            const char *p = s[i + j] != '\0' ? strchr(b64, s[i + j]) : NULL;

            if (s[i + j] == '=' && i + 4 == n && j >= 2) {
                pad++;
                v <<= 6;
                continue;
            }
            if (p == NULL || pad > 0) {
                free(d);
                return NULL;
            }
            v = v << 6 | (uint32_t)(p - b64);
        }
        d[o++] = (uint8_t)(v >> 16);
        if (pad < 2)
            d[o++] = (uint8_t)(v >> 8);
        if (pad < 1)
            d[o++] = (uint8_t)v;
    }
    *len = o;
    return d;
}
