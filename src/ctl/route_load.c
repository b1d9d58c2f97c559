/*
 * route_load.c - `vroomctl route load VR FILE|- [--batch N] [--json-routes]`:
 * streams a file of routes into vroomd, the way a control plane or a
 * benchmark installs a full table. Lines read
 * `PREFIX [via ADDR] [dev IF] [blackhole|unreachable|prohibit]`; blank lines
 * and '#' comments are skipped. Every line is checked here first, so a bad
 * one is reported as FILE:LINE before anything of its batch is sent.
 *
 * By default the routes go as binary records (format v1 of docs/api.md) in
 * route.add_bulk calls of up to N routes (default 1,000,000: a full table is
 * one call); interface names are turned into indexes with one iface.list
 * first. --json-routes sends route.add calls of N JSON route objects
 * (default 10,000) instead. Either way the request text is written here
 * directly: building a json_t per route would cost more than the daemon
 * spends installing it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <time.h>

#include "ctl/ctl.h"
#include "lib/inet.h"

#define DEFAULT_BATCH_JSON 10000
#define DEFAULT_BATCH_BULK 1000000
#define BULK_BATCH_MAX     2000000 /* vroomd's records per call */

/* v1 records (docs/api.md): family, length, type, iface, dst, gw. */
#define REC_MAX    36
#define IFACE_NONE 0xff
enum {
    REC_UNICAST = 0,
    REC_CONNECTED = 1,
    REC_BLACKHOLE = 3,
    REC_UNREACHABLE = 4,
    REC_PROHIBIT = 5
};

struct text {
    char *data;
    size_t len, cap;
};

static int text_reserve(struct text *t, size_t n)
{
    char *p;
    size_t cap;

    if (t->len + n + 1 <= t->cap)
        return 0;
    cap = t->cap ? t->cap * 2 : 1 << 20;
    while (cap < t->len + n + 1)
        cap *= 2;
    p = realloc(t->data, cap);
    if (p == NULL)
        return -1;
    t->data = p;
    t->cap = cap;
    return 0;
}

static int text_add(struct text *t, const char *s, size_t n)
{
    if (text_reserve(t, n) != 0)
        return -1;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    return 0;
}

static int text_str(struct text *t, const char *s)
{
    return text_add(t, s, strlen(s));
}

/* A JSON string of s (quotes included). */
static int text_json_str(struct text *t, const char *s)
{
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    int rc = d ? text_str(t, d) : -1;

    free(d);
    json_decref(j);
    return rc;
}

/* base64 (RFC 4648, padded) of p[0..n) appended to t. */
static int text_base64(struct text *t, const uint8_t *p, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *o;
    size_t i;

    if (text_reserve(t, (n + 2) / 3 * 4) != 0)
        return -1;
    o = t->data + t->len;
    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

        *o++ = al[v >> 18];
        *o++ = al[v >> 12 & 63];
        *o++ = al[v >> 6 & 63];
        *o++ = al[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);

        *o++ = al[v >> 18];
        *o++ = al[v >> 12 & 63];
        *o++ = i + 1 < n ? al[v >> 6 & 63] : '=';
        *o++ = '=';
    }
    t->len = (size_t)(o - t->data);
    t->data[t->len] = '\0';
    return 0;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "a.b.c.d/len" without the general parser (most of a full table); 0 or -1. */
static int prefix4_fast(const char *s, struct inet_prefix *p)
{
    uint32_t a = 0, v, len;

    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return -1;
        for (v = 0; *s >= '0' && *s <= '9' && v < 256; s++)
            v = v * 10 + (uint32_t)(*s - '0');
        if (v > 255 || *s != (i < 3 ? '.' : '/'))
            return -1;
        a = a << 8 | v;
        s++;
    }
    if (*s < '0' || *s > '9')
        return -1;
    for (len = 0; *s >= '0' && *s <= '9' && len < 100; s++)
        len = len * 10 + (uint32_t)(*s - '0');
    if (*s != '\0' || len > 32 || (len < 32 && (a & (0xffffffffu >> len)) != 0))
        return -1;
    memset(p, 0, sizeof(*p));
    p->addr.family = AF_INET;
    p->addr.u.v4.s_addr = htonl(a);
    p->len = len;
    return 0;
}

/* One parsed line. */
struct route_line {
    char *prefix, *via, *dev, *type; /* words of the line; NULL if absent */
    struct inet_prefix p;
    struct inet_addr gw;
};

/* Split and check one line. 0, 1 if blank, -1 with why. */
static int line_parse(char *line, struct route_line *r, char *why, size_t whylen)
{
    static char last_via[INET_ADDR_STRLEN];
    static struct inet_addr last_gw;
    static int last_fam;
    char *tok[8], *save = NULL, *w;
    char pwhy[INET_WHY_LEN];
    int n = 0, i;

    if ((w = strchr(line, '#')) != NULL)
        *w = '\0';
    for (w = strtok_r(line, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 8) {
            snprintf(why, whylen, "too many words");
            return -1;
        }
        tok[n++] = w;
    }
    if (n == 0)
        return 1;
    memset(r, 0, sizeof(*r));
    r->prefix = tok[0];
    if (prefix4_fast(tok[0], &r->p) != 0 &&
        inet_prefix_parse(tok[0], AF_UNSPEC, &r->p, pwhy, sizeof(pwhy)) < 0) {
        snprintf(why, whylen, "%s: %s", tok[0], pwhy);
        return -1;
    }
    for (i = 1; i < n; i++) {
        if (strcmp(tok[i], "via") == 0 && i + 1 < n && r->via == NULL) {
            r->via = tok[++i];
            /* a full table has few gateways: parse each once */
            if (r->p.addr.family == last_fam && strcmp(r->via, last_via) == 0) {
                r->gw = last_gw;
                continue;
            }
            if (inet_addr_parse(r->via, r->p.addr.family, &r->gw, pwhy, sizeof(pwhy)) < 0) {
                snprintf(why, whylen, "via %s: %s", r->via, pwhy);
                return -1;
            }
            if (strlen(r->via) < sizeof(last_via)) {
                strcpy(last_via, r->via);
                last_gw = r->gw;
                last_fam = r->p.addr.family;
            }
        } else if (strcmp(tok[i], "dev") == 0 && i + 1 < n && r->dev == NULL) {
            r->dev = tok[++i];
        } else if ((strcmp(tok[i], "blackhole") == 0 || strcmp(tok[i], "unreachable") == 0 ||
                    strcmp(tok[i], "prohibit") == 0) &&
                   r->type == NULL) {
            r->type = tok[i];
        } else {
            snprintf(why, whylen, "unexpected '%s'", tok[i]);
            return -1;
        }
    }
    if (r->type == NULL && r->via == NULL && r->dev == NULL) {
        snprintf(why, whylen, "a route needs via ADDR, dev IF or a type");
        return -1;
    }
    return 0;
}

/* The line as a route.add object appended to t. */
static int json_route(struct text *t, const struct route_line *r, bool first)
{
    int rc = 0;

    if (!first)
        rc |= text_str(t, ",");
    rc |= text_str(t, "{\"prefix\":");
    rc |= text_json_str(t, r->prefix);
    if (r->via != NULL) {
        rc |= text_str(t, ",\"via\":");
        rc |= text_json_str(t, r->via);
    }
    if (r->dev != NULL) {
        rc |= text_str(t, ",\"dev\":");
        rc |= text_json_str(t, r->dev);
    }
    if (r->type != NULL) {
        rc |= text_str(t, ",\"type\":");
        rc |= text_json_str(t, r->type);
    }
    return rc | text_str(t, "}");
}

/* The VR's interface indexes by name, from iface.list. */
struct ifmap {
    json_t *list;
};

static int ifmap_load(struct ctl_ctx *ctx, const char *vr, struct ifmap *m)
{
    struct jsonrpc_error err;
    int rc = jsonrpc_client_call(ctx->client, "iface.list", json_pack("{s:s}", "vr", vr), &m->list,
                                 &err);

    if (rc < 0) {
        fprintf(stderr, "vroomctl: iface.list: %s\n", strerror(-rc));
        return CTL_EREACH;
    }
    if (rc > 0) {
        fprintf(stderr, "vroomctl: iface.list: %s\n", err.message);
        jsonrpc_error_clear(&err);
        return CTL_EAPI;
    }
    return CTL_OK;
}

static int ifmap_index(const struct ifmap *m, const char *name)
{
    size_t i;
    json_t *it;

    json_array_foreach(m->list, i, it)
    {
        const char *n = json_string_value(json_object_get(it, "name"));

        if (n != NULL && strcmp(n, name) == 0)
            return (int)json_integer_value(json_object_get(it, "index"));
    }
    return -1;
}

/* The line as a v1 record at p; its size, or -1 with why. */
static int bulk_record(uint8_t *p, const struct route_line *r, const struct ifmap *m, char *why,
                       size_t whylen)
{
    size_t alen = r->p.addr.family == AF_INET ? 4 : 16;
    int iface = IFACE_NONE;

    if (r->dev != NULL && (iface = ifmap_index(m, r->dev)) < 0) {
        snprintf(why, whylen, "dev %s: the VR has no such interface", r->dev);
        return -1;
    }
    p[0] = alen == 4 ? 4 : 6;
    p[1] = (uint8_t)r->p.len;
    p[2] = r->type == NULL     ? (r->via != NULL ? REC_UNICAST : REC_CONNECTED)
           : r->type[0] == 'b' ? REC_BLACKHOLE
           : r->type[0] == 'u' ? REC_UNREACHABLE
                               : REC_PROHIBIT;
    p[3] = (uint8_t)iface;
    memcpy(p + 4, r->p.addr.u.bytes, alen);
    if (r->via != NULL && r->type == NULL)
        memcpy(p + 4 + alen, r->gw.u.bytes, alen);
    else
        memset(p + 4 + alen, 0, alen);
    return (int)(4 + 2 * alen);
}

struct loader {
    struct ctl_ctx *ctx;
    const char *vr, *method;
    bool bulk;
    bool inline_data; /* bulk: records base64 in the request, not in a file */
    struct text t;    /* the request params being built */
    size_t head;      /* t's length before the first route */
    uint8_t *bin;     /* bulk: records of the batch */
    size_t bin_len, bin_cap;
};

static void batch_start(struct loader *l)
{
    l->t.len = 0;
    text_str(&l->t, "{\"vr\":");
    text_json_str(&l->t, l->vr);
    text_str(&l->t, l->bulk ? ",\"format\":\"v1\",\"data\":\"" : ",\"routes\":[");
    l->head = l->t.len;
    l->bin_len = 0;
}

/*
 * Bulk records go to vroomd in a file it maps (the fast path: no base64, no
 * JSON string to parse), in /dev/shm, removed after the call. vroomd is on
 * this host (its socket is a Unix socket); if it cannot open the file (another
 * mount namespace), the batch is sent again inline, base64 in the request.
 */
static int batch_file_call(struct loader *l, json_t **result, struct jsonrpc_error *err)
{
    char path[] = "/dev/shm/vroomctl-routes-XXXXXX";
    struct text t = {0};
    int fd = mkstemp(path), rc;
    size_t off = 0;

    if (fd < 0)
        return 2; /* no /dev/shm: inline */
    while (off < l->bin_len) {
        ssize_t n = write(fd, l->bin + off, l->bin_len - off);

        if (n <= 0) {
            close(fd);
            unlink(path);
            return 2;
        }
        off += (size_t)n;
    }
    close(fd);
    if (text_str(&t, "{\"vr\":") != 0 || text_json_str(&t, l->vr) != 0 ||
        text_str(&t, ",\"format\":\"v1\",\"file\":") != 0 || text_json_str(&t, path) != 0 ||
        text_str(&t, "}") != 0) {
        unlink(path);
        free(t.data);
        return -ENOMEM;
    }
    rc = jsonrpc_client_call_text(l->ctx->client, l->method, t.data, t.len, result, err);
    unlink(path);
    free(t.data);
    if (rc == 1 && strncmp(err->message, "file:", 5) == 0) {
        jsonrpc_error_clear(err);
        return 2;
    }
    return rc;
}

static int batch_send(struct loader *l)
{
    struct jsonrpc_error err;
    json_t *result;
    int rc = 2;

    if (l->bulk && !l->inline_data)
        rc = batch_file_call(l, &result, &err);
    if (rc == 2) {
        if ((l->bulk && text_base64(&l->t, l->bin, l->bin_len) != 0) ||
            text_str(&l->t, l->bulk ? "\"}" : "]}") != 0) {
            fprintf(stderr, "vroomctl: route load: out of memory\n");
            return CTL_EREACH;
        }
        rc =
            jsonrpc_client_call_text(l->ctx->client, l->method, l->t.data, l->t.len, &result, &err);
    }
    batch_start(l);
    if (rc < 0) {
        fprintf(stderr, "vroomctl: %s: %s\n", l->method,
                rc == -ECONNRESET ? "vroomd closed the connection" : strerror(-rc));
        return CTL_EREACH;
    }
    if (rc > 0) {
        fprintf(stderr, "vroomctl: %s: %s\n", l->method, err.message);
        jsonrpc_error_clear(&err);
        return CTL_EAPI;
    }
    json_decref(result);
    return CTL_OK;
}

int ctl_route_load(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
    struct loader l = {.ctx = ctx, .bulk = true};
    struct ifmap m = {0};
    struct route_line r;
    char *line = NULL, why[160];
    const char *file = NULL;
    size_t cap = 0, in_batch = 0, total = 0, batches = 0, lineno = 0;
    long long batch = 0;
    double t0, secs;
    FILE *f;
    int rc = CTL_OK, k;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            batch = strtoll(argv[++i], NULL, 10);
            if (batch < 1 || batch > 10000000)
                return ctl_usage(cmd, "--batch: not a positive number: %s", argv[i]);
        } else if (strcmp(argv[i], "--json-routes") == 0) {
            l.bulk = false;
        } else if (strcmp(argv[i], "--inline") == 0) {
            l.inline_data = true;
        } else if (l.vr == NULL) {
            l.vr = argv[i];
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return ctl_usage(cmd, "unexpected '%s'", argv[i]);
        }
    }
    if (file == NULL)
        return ctl_usage(cmd, "VR and FILE are needed");
    if (batch == 0)
        batch = l.bulk ? DEFAULT_BATCH_BULK : DEFAULT_BATCH_JSON;
    if (l.bulk && batch > BULK_BATCH_MAX)
        return ctl_usage(cmd, "--batch: at most %d routes per bulk call", BULK_BATCH_MAX);
    l.method = l.bulk ? "route.add_bulk" : "route.add";
    f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (f == NULL) {
        fprintf(stderr, "vroomctl: route load: %s: %s\n", file, strerror(errno));
        return CTL_EUSAGE;
    }
    t0 = now_s();
    rc = ctl_connect(ctx);
    if (rc != CTL_OK)
        goto out;
    if (l.bulk && (rc = ifmap_load(ctx, l.vr, &m)) != CTL_OK)
        goto out;
    batch_start(&l);
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        k = line_parse(line, &r, why, sizeof(why));
        if (k == 0 && !l.bulk) {
            k = json_route(&l.t, &r, in_batch == 0);
        } else if (k == 0) {
            if (l.bin_len + REC_MAX > l.bin_cap) {
                size_t c = l.bin_cap ? l.bin_cap * 2 : 1 << 20;
                uint8_t *b = realloc(l.bin, c);

                if (b == NULL) {
                    snprintf(why, sizeof(why), "out of memory");
                    k = -1;
                } else {
                    l.bin = b;
                    l.bin_cap = c;
                }
            }
            if (k == 0) {
                int size = bulk_record(l.bin + l.bin_len, &r, &m, why, sizeof(why));

                k = size < 0 ? -1 : 0;
                l.bin_len += size < 0 ? 0 : (size_t)size;
            }
        }
        if (k < 0) {
            fprintf(stderr, "vroomctl: route load: %s:%zu: %s\n", file, lineno, why);
            rc = CTL_EUSAGE;
            goto out;
        }
        if (k > 0)
            continue;
        if (++in_batch == (size_t)batch) {
            if ((rc = batch_send(&l)) != CTL_OK)
                goto out;
            total += in_batch;
            batches++;
            in_batch = 0;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "vroomctl: route load: %s: %s\n", file, strerror(errno));
        rc = CTL_EUSAGE;
        goto out;
    }
    if (in_batch > 0) {
        if ((rc = batch_send(&l)) != CTL_OK)
            goto out;
        total += in_batch;
        batches++;
    }
    secs = now_s() - t0;
    if (ctx->json)
        printf("{\"routes\": %zu, \"batches\": %zu, \"method\": \"%s\", \"seconds\": %.6f, "
               "\"routes_per_second\": %.0f}\n",
               total, batches, l.method, secs, secs > 0 ? (double)total / secs : 0.0);
    else
        printf("%zu routes in %zu batches (%s), %.3f s (%.0f routes/s)\n", total, batches, l.method,
               secs, secs > 0 ? (double)total / secs : 0.0);
out:
    if (rc != CTL_OK && total > 0)
        fprintf(stderr, "vroomctl: route load: %zu routes of earlier batches were added\n", total);
    json_decref(m.list);
    free(line);
    free(l.t.data);
    free(l.bin);
    if (f != stdin)
        fclose(f);
    return rc;
}
