/*
 * api_bulk.c - the data-plane hypervisor API's bulk route methods,
 * route.add_bulk and route.delete_bulk: the routes of route.add and
 * route.delete packed as fixed-size binary records, base64 in one JSON
 * string, so that a full table is one call that costs the daemon a few
 * bytes per route instead of a JSON object per route. The record layout is
 * in docs/api.md ("Bulk routes"); vroomctl's `route load` (src/ctl/
 * route_load.c) writes it. Same contract as the rest of the API (api.c):
 * every record is decoded and checked (vr_route_check's rules) before any
 * is applied, and an error names the record and the reason.
 *
 * ECMP: a record whose type has REC_MORE set says that the route's next hops
 * go on in the next record, which holds the same prefix; the run's records
 * (2..VR_ECMP_MAX, each unicast or connected) make one route over a group.
 */
#include "dp/addr.h"
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/vr.h"
#include "lib/jsonrpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BULK_RECORDS_MAX 2000000 /* as route.add's routes per call */

/* A record: family (4 or 6), prefix length, type, iface, dst, gw. */
#define REC_HEAD   4
#define REC4_SIZE  (REC_HEAD + 4 + 4)
#define REC6_SIZE  (REC_HEAD + 16 + 16)
#define IFACE_NONE 0xff
#define REC_MORE   0x80 /* in type: the next record is another next hop of this route */

/* ---- base64 (RFC 4648, standard alphabet, padded, no line breaks) --------- */

static signed char b64_val[256];

static void b64_init(void)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    memset(b64_val, -1, sizeof(b64_val));
    for (int i = 0; i < 64; i++)
        b64_val[(unsigned char)alpha[i]] = (signed char)i;
}

/* Decode s[0..n) into out (room for n / 4 * 3 bytes). The decoded length, or
 * -1 with *at the offset of the first character that is not base64. */
static long b64_decode(const char *s, size_t n, uint8_t *out, size_t *at)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t pad = 0, o = 0, i;

    if (n % 4 != 0) {
        *at = n;
        return -1;
    }
    if (n > 0 && p[n - 1] == '=')
        pad = n > 1 && p[n - 2] == '=' ? 2 : 1;
    for (i = 0; i + 4 <= n; i += 4) {
        int a = b64_val[p[i]], b = b64_val[p[i + 1]], c, d;

        if (i + 4 == n && pad > 0) {
            c = pad == 2 ? 0 : b64_val[p[i + 2]];
            d = 0;
        } else {
            c = b64_val[p[i + 2]];
            d = b64_val[p[i + 3]];
        }
        if ((a | b | c | d) < 0) {
            for (*at = i; b64_val[p[*at]] >= 0; (*at)++)
                ;
            return -1;
        }
        out[o++] = (uint8_t)(a << 2 | b >> 4);
        out[o++] = (uint8_t)(b << 4 | c >> 2);
        out[o++] = (uint8_t)(c << 6 | d);
    }
    return (long)(o - pad);
}

/* ---- records ---------------------------------------------------------------- */

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t x = 0;

    for (size_t i = 0; i < n; i++)
        x |= p[i];
    return x == 0;
}

/* One record at p (room bytes left) into r; its size, or -1 with why.
 * *more: REC_MORE was set (the route goes on in the next record). */
static long record_decode(const uint8_t *p, size_t room, int add, struct vr_route *r, int *more,
                          char *why, size_t whylen)
{
    size_t alen, size;
    int fam;

    if (p[0] == 4) {
        fam = AF_INET;
        alen = 4;
    } else if (p[0] == 6) {
        fam = AF_INET6;
        alen = 16;
    } else {
        snprintf(why, whylen, "family: %u is not 4 or 6", p[0]);
        return -1;
    }
    size = REC_HEAD + 2 * alen;
    if (room < size) {
        snprintf(why, whylen, "truncated: %zu bytes left of a %zu-byte record", room, size);
        return -1;
    }
    memset(r, 0, sizeof(*r));
    r->dst.addr.family = fam;
    r->dst.len = p[1];
    memcpy(r->dst.addr.u.bytes, p + REC_HEAD, alen);
    r->iface = p[3] == IFACE_NONE ? -1 : p[3];
    *more = (p[2] & REC_MORE) != 0;
    if (!add)
        return (long)size; /* type, iface and gw of a deletion are not looked at */
    r->type = (enum nh_type)(p[2] & ~REC_MORE);
    if (r->type == NH_UNICAST) {
        if (all_zero(p + REC_HEAD + alen, alen)) {
            snprintf(why, whylen,
                     "gw: a unicast route needs a gateway (type 1 for a connected "
                     "route)");
            return -1;
        }
        r->gw.family = fam;
        memcpy(r->gw.u.bytes, p + REC_HEAD + alen, alen);
    } else if (!all_zero(p + REC_HEAD + alen, alen)) {
        snprintf(why, whylen, "gw: must be zero for type %u", p[2] & ~REC_MORE);
        return -1;
    }
    if (r->iface >= VR_IFACES_MAX) {
        snprintf(why, whylen, "iface: %u is not an interface index (0-%d, or 255 for none)", p[3],
                 VR_IFACES_MAX - 1);
        return -1;
    }
    return (long)size;
}

/* Route k's first record: its index and byte offset in bin (routes end at a
 * record without REC_MORE). */
static void route_record(const uint8_t *bin, size_t blen, size_t k, size_t *rec, size_t *off)
{
    size_t routes = 0;

    *rec = *off = 0;
    while (routes < k && *off < blen) {
        routes += !(bin[*off + 2] & REC_MORE);
        *off += bin[*off] == 4 ? REC4_SIZE : REC6_SIZE;
        (*rec)++;
    }
}

/* ---- the methods --------------------------------------------------------------- */

static int bulk_error(struct jsonrpc_error *err, size_t rec, size_t off, const char *why)
{
    jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "data: record %zu (byte %zu): %s", rec, off,
                      why);
    err->data = json_pack("{s:I,s:I}", "record", (json_int_t)rec, "offset", (json_int_t)off);
    return err->code;
}

/* params -> the VR, seq and the decoded routes (malloc'd, *n of them). */
static int bulk_parse(struct api *api, json_t *params, struct vr **vrp, int64_t *seq,
                      struct vr_route **out, size_t *n, struct vr_nexthop **mp_out, int add,
                      struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "seq", "format", "data", "file", NULL};
    static const char *const formats[] = {"v1", NULL};
    const char *name, *text;
    struct vr_route *rs = NULL, r;
    struct vr_nexthop *mp = NULL;
    uint8_t *bin = NULL, *owned = NULL, *map = NULL;
    size_t len, at = 0, off, i, k, bad = 0, map_len = 0, n_mp = 0, run = 0, prev_off = 0;
    int more = 0;
    char why[200];
    json_t *data, *fjson;
    struct vr *vr;
    int fmt, rc;
    long blen;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "vr", true, VR_NAME_MAX, &name, err) != 0)
        return err->code;
    if ((vr = dp_vr_find(api->dp, name)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "vr: no VR named %s", name);
    if (api_get_seq(vr, params, seq, err) < 0 ||
        jsonrpc_get_enum(params, NULL, "format", true, formats, &fmt, err) != 0)
        return err->code;
    data = json_object_get(params, "data");
    fjson = json_object_get(params, "file");
    if ((data == NULL) == (fjson == NULL))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "data: required (a base64 string of records), or file "
                                 "(a path to them), not both");
    if (fjson != NULL) {
        /* the fast path: the records in a file on this host, mapped, not copied */
        struct stat st;
        int fd;

        if (!json_is_string(fjson) || json_string_value(fjson)[0] != '/')
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "file: an absolute path");
        fd = open(json_string_value(fjson), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "file: %s: %s",
                                     json_string_value(fjson), strerror(errno));
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_size > (off_t)BULK_RECORDS_MAX * REC6_SIZE) {
            close(fd);
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "file: not a regular file of at most %d records",
                                     BULK_RECORDS_MAX);
        }
        blen = (long)st.st_size;
        if (blen > 0) {
            map = mmap(NULL, (size_t)blen, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (map == MAP_FAILED) {
                close(fd);
                return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "file: mmap: %s",
                                         strerror(errno));
            }
            map_len = (size_t)blen;
        }
        close(fd);
        bin = map != NULL ? map : (uint8_t *)"";
    } else {
        if (!json_is_string(data))
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "data: a base64 string of records");
        text = json_string_value(data);
        len = json_string_length(data);
        if (len / 4 * 3 > (size_t)BULK_RECORDS_MAX * REC4_SIZE)
            return jsonrpc_error_set(err, JSONRPC_LIMIT, "data: more than %d records",
                                     BULK_RECORDS_MAX);
        bin = owned = malloc(len / 4 * 3 + 1);
        if (bin == NULL)
            return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory for %zu bytes",
                                     len);
        blen = b64_decode(text, len, bin, &at);
        if (blen < 0) {
            free(owned);
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     at == len
                                         ? "data: not base64 (length %zu is not a multiple of 4)"
                                         : "data: not base64 at character %zu",
                                     at);
        }
    }
    /* at most one record per REC4_SIZE bytes */
    rs = malloc(((size_t)blen / REC4_SIZE + 1) * sizeof(*rs));
    if (rs == NULL) {
        free(owned);
        if (map != NULL)
            munmap(map, map_len);
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory for the routes");
    }
    /* records -> routes: a run of records with REC_MORE and the one after is one route */
    for (off = 0, i = 0, k = 0; off < (size_t)blen; i++) {
        long size = record_decode(bin + off, (size_t)blen - off, add, &r, &more, why, sizeof(why));

        if (size < 0) {
            rc = bulk_error(err, i, off, why);
            goto fail;
        }
        if (run > 0 && !prefix_equal(&r.dst, &rs[k].dst)) {
            snprintf(why, sizeof(why),
                     "prefix: not the prefix of record %zu, whose type says this record holds "
                     "another of its next hops",
                     i - 1);
            rc = bulk_error(err, i, off, why);
            goto fail;
        }
        if (run == 0 && !more) {
            rs[k++] = r; /* a route with one next hop, the common case */
        } else if (add) {
            if (r.type != NH_UNICAST && r.type != NH_CONNECTED) {
                snprintf(why, sizeof(why),
                         "type: %u with several next hops (only 0 unicast and 1 connected)",
                         r.type);
                rc = bulk_error(err, i, off, why);
                goto fail;
            }
            if (run == VR_ECMP_MAX) {
                snprintf(why, sizeof(why), "type: more than %d next hops for one route",
                         VR_ECMP_MAX);
                rc = bulk_error(err, i, off, why);
                goto fail;
            }
            if (mp == NULL && (mp = malloc(((size_t)blen / REC4_SIZE + 1) * sizeof(*mp))) == NULL) {
                rc = jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
                goto fail;
            }
            if (run == 0) {
                rs[k] = r;
                rs[k].n_mp = 0;
                rs[k].mp = mp + n_mp;
            }
            mp[n_mp++] = (struct vr_nexthop){.type = r.type, .gw = r.gw, .iface = r.iface};
            rs[k].n_mp = (unsigned)++run;
        } else if (run++ == 0) {
            rs[k] = r; /* a deletion: the run's first record is the route */
        }
        if (run > 0 && !more) {
            run = 0;
            k++;
        }
        prev_off = off;
        off += (size_t)size;
    }
    if (run > 0) {
        snprintf(why, sizeof(why),
                 "truncated: its type says another next hop follows, and the data ends");
        rc = bulk_error(err, i - 1, prev_off, why);
        goto fail;
    }
    /* all checked before any is applied */
    if (add && vr_route_check_batch(vr, rs, k, &bad, why, sizeof(why)) != 0) {
        unsigned member = 0;
        const char *w = why;

        route_record(bin, (size_t)blen, bad, &at, &off);
        /* a group member's reason: name its own record */
        if (sscanf(why, "nexthops[%u].", &member) == 1 && member < VR_ECMP_MAX) {
            w = strchr(why, '.') + 1;
            for (unsigned m = 0; m < member; m++, at++)
                off += bin[off] == 4 ? REC4_SIZE : REC6_SIZE;
        }
        rc = bulk_error(err, at, off, w);
        goto fail;
    }
    free(owned);
    if (map != NULL)
        munmap(map, map_len);
    *vrp = vr;
    *out = rs;
    *n = k;
    *mp_out = mp;
    return 0;
fail:
    free(owned);
    if (map != NULL)
        munmap(map, map_len);
    free(rs);
    free(mp);
    return rc;
}

static int m_route_bulk(struct api *api, json_t *params, json_t **result, struct jsonrpc_error *err,
                        int add)
{
    struct vr_route *rs = NULL;
    struct vr_nexthop *mp = NULL;
    int64_t seq = -1;
    size_t n = 0, done = 0;
    struct vr *vr = NULL;
    int rc;

    if ((rc = bulk_parse(api, params, &vr, &seq, &rs, &n, &mp, add, err)) != 0)
        return rc;
    rc = add ? vr_route_add_batch(vr, rs, n) : vr_route_del_batch(vr, rs, n, &done);
    free(rs);
    free(mp);
    if (rc != 0)
        /* out of memory half-way: the FIB and the next hops stay consistent */
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR,
                                 "data: %s (some of the routes may have been applied; "
                                 "route.list shows which)",
                                 strerror(-rc));
    if (seq > 0)
        vr->route_seq = (uint64_t)seq;
    *result = add ? json_pack("{s:I,s:I}", "added", (json_int_t)n, "seq", (json_int_t)vr->route_seq)
                  : json_pack("{s:I,s:I,s:I}", "deleted", (json_int_t)done, "missing",
                              (json_int_t)(n - done), "seq", (json_int_t)vr->route_seq);
    return 0;
}

static int m_route_add_bulk(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    return m_route_bulk(ctx, params, result, err, 1);
}

static int m_route_delete_bulk(void *ctx, json_t *params, json_t **result,
                               struct jsonrpc_error *err)
{
    return m_route_bulk(ctx, params, result, err, 0);
}

static const struct jsonrpc_method bulk_methods[] = {
    {"route.add_bulk", m_route_add_bulk, "add or replace routes given as binary records"},
    {"route.delete_bulk", m_route_delete_bulk, "delete routes given as binary records"},
};

int api_bulk_register(struct api *api, struct jsonrpc_server *srv)
{
    b64_init();
    return jsonrpc_server_add_methods(srv, bulk_methods,
                                      sizeof(bulk_methods) / sizeof(bulk_methods[0]), api);
}
