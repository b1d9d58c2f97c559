/*
 * fibpush.c - the FIB pusher (fibpush.h): a FIFO of route changes from the
 * RIB's change stream, sent to vroomd as sequence-numbered route.add and
 * route.delete batches over a non-blocking JSON-RPC connection in the
 * daemon's libev loop, with route.sync and a full resync after a reconnect.
 *
 * States: DOWN (waiting to reconnect) -> [CONTROL (vr.control in flight:
 * vroomd learns where routerd's own socket is, for vroomctl)] -> SYNC
 * (route.sync in flight) ->
 * [LIST (route.list in flight, full resync)] -> RUN (batches, one in flight).
 */
#include "routing/fibpush.h"
#include "lib/log.h"
#include "routing/rib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QUEUE_MAX   (4u << 20) /* queued changes before we give up and resync in full */
#define BACKOFF_MAX 5.0

enum fp_state {
    FP_DOWN,
    FP_SYNC,
    FP_LIST,
    FP_RUN,
    FP_CONTROL, /* vr.control in flight: telling vroomd where our own socket is */
};

/* A change owns more[] (an ECMP route's next hops after the first): moving
 * a change (memcpy between the FIFO and the batch in flight) moves it;
 * change_release() frees it where a change is dropped. */
struct change {
    struct inet_prefix prefix;
    struct rib_nh nh;    /* the first next hop */
    struct rib_nh *more; /* ECMP: nh 2..n_nh, or NULL */
    uint16_t n_nh;
    bool del;
};

struct batch {
    uint64_t seq;
    bool del;
    struct change *c;
    size_t n;
};

struct fibpush {
    struct ev_loop *loop;
    struct rib *rib;
    char *socket;
    char *vr;
    char *control; /* our own JSON-RPC socket, told to vroomd; NULL: not told */
    size_t batch_max;
    double timeout;
    int sub;

    enum fp_state state;
    int fd;
    ev_io rio, wio;
    ev_timer retry, call_timer;
    double backoff;

    char *out; /* pending output */
    size_t out_len, out_off;
    char *in; /* partial input line */
    size_t in_len, in_cap;

    uint64_t next_id;
    uint64_t call_id; /* the call in flight (0: none) */

    struct change *q; /* FIFO: q[head..len) */
    size_t q_head, q_len, q_cap;
    bool synced;   /* vroomd holds everything before the FIFO */
    size_t single; /* send the next this many changes one per call (a batch was refused) */

    struct batch inflight; /* n == 0: none */
    uint64_t seq;          /* last seq used */
    uint64_t confirmed;    /* last seq vroomd confirmed */

    /* counters */
    uint64_t batches, added, deleted, replays, full_resyncs, errors, refused;
    char last_error[256];
};

static void fp_down(struct fibpush *fp, const char *why);
static void pump(struct fibpush *fp);

/* ---- The change stream ----------------------------------------------- */

static int q_push(struct fibpush *fp, const struct change *c)
{
    if (fp->q_head > 0 && fp->q_head >= fp->q_len / 2) {
        memmove(fp->q, fp->q + fp->q_head, (fp->q_len - fp->q_head) * sizeof(*fp->q));
        fp->q_len -= fp->q_head;
        fp->q_head = 0;
    }
    if (fp->q_len == fp->q_cap) {
        size_t cap = fp->q_cap ? fp->q_cap * 2 : 1024;
        struct change *v;

        if (cap > QUEUE_MAX || (v = realloc(fp->q, cap * sizeof(*v))) == NULL)
            return -ENOMEM;
        fp->q = v;
        fp->q_cap = cap;
    }
    fp->q[fp->q_len++] = *c;
    return 0;
}

static size_t q_size(const struct fibpush *fp)
{
    return fp->q_len - fp->q_head;
}

static void changes_release(struct change *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].more);
        c[i].more = NULL;
    }
}

static void q_clear(struct fibpush *fp)
{
    changes_release(fp->q + fp->q_head, q_size(fp));
    fp->q_head = fp->q_len = 0;
}

/* 0, or -ENOMEM (for the next hops of an ECMP route). */
static int change_make(struct change *c, const struct inet_prefix *p, const struct rib_nhg *g)
{
    memset(c, 0, sizeof(*c));
    c->prefix = *p;
    c->del = g == NULL;
    if (g == NULL)
        return 0;
    c->nh = g->nh[0];
    c->n_nh = g->n;
    if (g->n > 1) {
        c->more = malloc((g->n - 1u) * sizeof(*c->more));
        if (c->more == NULL)
            return -ENOMEM;
        memcpy(c->more, g->nh + 1, (g->n - 1u) * sizeof(*c->more));
    }
    return 0;
}

static void on_change(void *ctx, const struct rib_change *rc)
{
    struct fibpush *fp = ctx;
    struct change c;

    if (rc->old_nh != NULL && rc->new_nh != NULL && rib_nhg_equal(rc->old_nh, rc->new_nh))
        return; /* same forwarding: a metric or source change only */
    if (!fp->synced)
        return; /* the full resync to come reads the RIB */
    if (change_make(&c, rc->prefix, rc->new_nh) != 0 || q_push(fp, &c) != 0) {
        changes_release(&c, 1);
        log_warnx("fibpush: %zu changes queued: dropping them for a full resync", q_size(fp));
        q_clear(fp);
        fp->synced = false;
        fibpush_reconnect(fp);
        return;
    }
    pump(fp);
}

/* ---- Output ---------------------------------------------------------- */

static void flush(struct fibpush *fp)
{
    while (fp->out_off < fp->out_len) {
        ssize_t n = send(fp->fd, fp->out + fp->out_off, fp->out_len - fp->out_off, MSG_NOSIGNAL);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ev_io_start(fp->loop, &fp->wio);
            return;
        }
        if (n <= 0) {
            fp_down(fp, strerror(errno));
            return;
        }
        fp->out_off += (size_t)n;
    }
    fp->out_len = fp->out_off = 0;
    ev_io_stop(fp->loop, &fp->wio);
}

/* Send a request (takes params); its id becomes the call in flight. */
static int call(struct fibpush *fp, const char *method, json_t *params)
{
    json_t *req = json_pack("{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", (json_int_t)++fp->next_id,
                            "method", method, "params", params);
    char *text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
    size_t len;

    json_decref(req);
    if (text == NULL)
        return -ENOMEM;
    len = strlen(text);
    if (fp->out_len + len + 1 > 0) {
        char *o = realloc(fp->out, fp->out_len + len + 1);

        if (o == NULL) {
            free(text);
            return -ENOMEM;
        }
        fp->out = o;
    }
    memcpy(fp->out + fp->out_len, text, len);
    fp->out[fp->out_len + len] = '\n';
    fp->out_len += len + 1;
    free(text);
    fp->call_id = fp->next_id;
    ev_timer_set(&fp->call_timer, fp->timeout, 0);
    ev_timer_start(fp->loop, &fp->call_timer);
    flush(fp);
    return 0;
}

/* via and dev of a unicast next hop into o. */
static void nh_fields(json_t *o, const struct rib_nh *nh)
{
    char a[INET_ADDR_STRLEN];

    if (nh->family != 0)
        json_object_set_new(o, "via", json_string(inet_ntop(nh->family, nh->gw, a, sizeof(a))));
    if (nh->dev[0] != '\0')
        json_object_set_new(o, "dev", json_string(nh->dev));
}

static json_t *route_obj(const struct change *c)
{
    char p[INET_PREFIX_STRLEN];
    json_t *o = json_pack("{s:s}", "prefix", inet_prefix_format(&c->prefix, p, sizeof(p)));

    if (c->del)
        return o;
    if (c->nh.type != RIB_NH_UNICAST) {
        json_object_set_new(o, "type", json_string(rib_nh_type_name(c->nh.type)));
        return o;
    }
    if (c->n_nh > 1 && c->more != NULL) {
        /* ECMP: route.add's nexthops, every next hop of the best route */
        json_t *list = json_array();

        for (unsigned i = 0; i < c->n_nh; i++) {
            json_t *x = json_object();

            nh_fields(x, i == 0 ? &c->nh : &c->more[i - 1]);
            json_array_append_new(list, x);
        }
        json_object_set_new(o, "nexthops", list);
        return o;
    }
    nh_fields(o, &c->nh);
    return o;
}

static void send_batch(struct fibpush *fp)
{
    struct batch *b = &fp->inflight;
    json_t *routes = json_array();

    for (size_t i = 0; i < b->n; i++)
        json_array_append_new(routes, route_obj(&b->c[i]));
    if (call(fp, b->del ? "route.delete" : "route.add",
             json_pack("{s:s,s:I,s:o}", "vr", fp->vr, "seq", (json_int_t)b->seq, "routes",
                       routes)) != 0)
        fp_down(fp, "out of memory");
}

/* Send the next batch if nothing is in flight. */
static void pump(struct fibpush *fp)
{
    struct batch *b = &fp->inflight;
    size_t max = fp->single > 0 ? 1 : fp->batch_max;
    size_t n = 0;
    struct change *v;

    if (fp->state != FP_RUN || fp->call_id != 0 || b->n > 0 || q_size(fp) == 0)
        return;
    while (n < max && fp->q_head + n < fp->q_len &&
           fp->q[fp->q_head + n].del == fp->q[fp->q_head].del)
        n++;
    if ((v = malloc(n * sizeof(*v))) == NULL) {
        fp_down(fp, "out of memory");
        return;
    }
    memcpy(v, fp->q + fp->q_head, n * sizeof(*v));
    fp->q_head += n;
    if (fp->q_head == fp->q_len)
        fp->q_head = fp->q_len = 0;
    if (fp->single > 0)
        fp->single--;
    b->c = v;
    b->n = n;
    b->del = v[0].del;
    b->seq = ++fp->seq;
    send_batch(fp);
}

/* ---- Responses ------------------------------------------------------- */

static void batch_done(struct fibpush *fp)
{
    changes_release(fp->inflight.c, fp->inflight.n);
    free(fp->inflight.c);
    memset(&fp->inflight, 0, sizeof(fp->inflight));
}

/* Put the in-flight batch back at the head of the FIFO. */
static void batch_requeue(struct fibpush *fp)
{
    struct batch *b = &fp->inflight;
    size_t rest = q_size(fp);
    struct change *v = malloc((rest + b->n) * sizeof(*v));

    if (v == NULL) {
        fp->synced = false; /* a full resync will cover it */
        q_clear(fp);
        batch_done(fp);
        return;
    }
    memcpy(v, b->c, b->n * sizeof(*v));
    memcpy(v + b->n, fp->q + fp->q_head, rest * sizeof(*v));
    free(fp->q);
    fp->q = v;
    fp->q_head = 0;
    fp->q_len = fp->q_cap = rest + b->n;
    b->n = 0; /* its changes (and their next hops) are the FIFO's now */
    batch_done(fp);
}

struct resync {
    struct fibpush *fp;
    int rc;
};

static int resync_add(void *ctx, const struct rib_route_info *r)
{
    struct resync *rs = ctx;
    struct change c;

    if (change_make(&c, &r->prefix, r->resolved) != 0 || q_push(rs->fp, &c) != 0) {
        changes_release(&c, 1);
        return rs->rc = -ENOMEM;
    }
    return 0;
}

/* route.list's answer: delete what vroomd has and the RIB has not, then add everything. */
static void full_resync(struct fibpush *fp, json_t *list)
{
    struct resync rs = {fp, 0};
    size_t i;
    json_t *r;

    q_clear(fp);
    json_array_foreach(list, i, r)
    {
        const char *type = json_string_value(json_object_get(r, "type"));
        const char *pfx = json_string_value(json_object_get(r, "prefix"));
        struct rib_route_info info;
        struct change c;

        if (type == NULL || pfx == NULL || strcmp(type, "connected") == 0 ||
            strcmp(type, "local") == 0)
            continue;
        memset(&c, 0, sizeof(c));
        if (inet_prefix_parse(pfx, AF_UNSPEC, &c.prefix, NULL, 0) != 0)
            continue;
        if (rib_best(fp->rib, &c.prefix, &info))
            continue;
        c.del = true;
        if (q_push(fp, &c) != 0)
            rs.rc = -ENOMEM;
    }
    if (rs.rc == 0)
        rib_walk_unsorted(fp->rib, true, resync_add, &rs);
    if (rs.rc != 0) {
        fp_down(fp, "out of memory for a full resync");
        return;
    }
    fp->full_resyncs++;
    fp->synced = true;
    log_info("fibpush: full resync of VR %s: %zu changes to send", fp->vr, q_size(fp));
}

static void on_result(struct fibpush *fp, json_t *result, json_t *error)
{
    json_int_t seq;

    ev_timer_stop(fp->loop, &fp->call_timer);
    fp->call_id = 0;
    switch (fp->state) {
    case FP_DOWN:
        return;
    case FP_CONTROL:
        /* an older vroomd without vr.control: pushing routes matters more */
        if (error != NULL)
            log_warnx("fibpush: vroomd vr.control: %s",
                      json_string_value(json_object_get(error, "message")) ?: "?");
        fp->state = FP_SYNC;
        if (call(fp, "route.sync", json_pack("{s:s}", "vr", fp->vr)) != 0)
            fp_down(fp, "out of memory");
        return;
    case FP_SYNC:
        if (error != NULL) {
            fp_down(fp, json_string_value(json_object_get(error, "message")));
            return;
        }
        seq = json_integer_value(json_object_get(result, "seq"));
        if (fp->synced && (uint64_t)seq >= fp->confirmed &&
            (uint64_t)seq <= (fp->inflight.n > 0 ? fp->inflight.seq : fp->seq)) {
            /* vroomd holds all we confirmed: replay the batch it did not apply */
            fp->state = FP_RUN;
            if (fp->inflight.n > 0) {
                if ((uint64_t)seq >= fp->inflight.seq) {
                    fp->confirmed = fp->inflight.seq;
                    batch_done(fp);
                } else {
                    fp->replays++;
                    send_batch(fp);
                    return;
                }
            }
            pump(fp);
            return;
        }
        /* vroomd lost state (restarted) or we never synced: list and resync in full */
        if ((uint64_t)seq > fp->seq)
            fp->seq = (uint64_t)seq;
        batch_done(fp);
        fp->synced = false;
        fp->state = FP_LIST;
        if (call(fp, "route.list", json_pack("{s:s,s:i}", "vr", fp->vr, "limit", 10000000)) != 0)
            fp_down(fp, "out of memory");
        return;
    case FP_LIST:
        if (error != NULL || !json_is_array(result)) {
            fp_down(fp, error ? json_string_value(json_object_get(error, "message"))
                              : "route.list: not a list");
            return;
        }
        full_resync(fp, result);
        fp->state = FP_RUN;
        pump(fp);
        return;
    case FP_RUN:
        break;
    }
    if (error != NULL) {
        const char *msg = json_string_value(json_object_get(error, "message"));

        fp->errors++;
        snprintf(fp->last_error, sizeof(fp->last_error), "%s", msg ? msg : "?");
        if (msg != NULL && (strncmp(msg, "seq:", 4) == 0 || strncmp(msg, "vr:", 3) == 0)) {
            /* our idea of vroomd's seq is wrong, or the VR is gone: sync again */
            fp_down(fp, msg);
            return;
        }
        if (fp->inflight.n > 1) {
            /* all or nothing: send its routes one by one to find the bad ones */
            log_warnx("fibpush: a batch of %zu was refused (%s): sending them one by one",
                      fp->inflight.n, msg ? msg : "?");
            fp->single = fp->inflight.n;
            batch_requeue(fp);
        } else if (fp->inflight.n == 1) {
            char p[INET_PREFIX_STRLEN];

            log_warnx("fibpush: vroomd refused %s: %s",
                      inet_prefix_format(&fp->inflight.c[0].prefix, p, sizeof(p)), msg ? msg : "?");
            fp->refused++;
            batch_done(fp);
        }
        pump(fp);
        return;
    }
    fp->batches++;
    if (fp->inflight.del)
        fp->deleted += fp->inflight.n;
    else
        fp->added += fp->inflight.n;
    fp->confirmed = fp->inflight.seq;
    batch_done(fp);
    pump(fp);
}

static void on_line(struct fibpush *fp, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(line, len, 0, &jerr), *id;

    if (msg == NULL) {
        fp_down(fp, "vroomd sent something that is not JSON");
        return;
    }
    id = json_object_get(msg, "id");
    if (json_is_integer(id) && (uint64_t)json_integer_value(id) == fp->call_id && fp->call_id != 0)
        on_result(fp, json_object_get(msg, "result"), json_object_get(msg, "error"));
    json_decref(msg); /* notifications and stale answers are ignored */
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct fibpush *fp = w->data;

    (void)loop;
    (void)revents;
    for (;;) {
        ssize_t n;
        size_t start = 0;

        if (fp->in_cap - fp->in_len < 65536) {
            size_t cap = fp->in_cap ? fp->in_cap * 2 : 131072;
            char *b = realloc(fp->in, cap);

            if (b == NULL) {
                fp_down(fp, "out of memory");
                return;
            }
            fp->in = b;
            fp->in_cap = cap;
        }
        n = recv(fp->fd, fp->in + fp->in_len, fp->in_cap - fp->in_len, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            fp_down(fp, n == 0 ? "vroomd closed the connection" : strerror(errno));
            return;
        }
        {
            size_t old = fp->in_len;

            fp->in_len += (size_t)n;
            for (size_t i = old; i < fp->in_len; i++) {
                if (fp->in[i] != '\n')
                    continue;
                if (i > start)
                    on_line(fp, fp->in + start, i - start);
                if (fp->fd < 0)
                    return; /* went down meanwhile */
                start = i + 1;
            }
        }
        memmove(fp->in, fp->in + start, fp->in_len - start);
        fp->in_len -= start;
    }
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    flush(w->data);
}

/* ---- Connection ------------------------------------------------------ */

static void fp_close(struct fibpush *fp)
{
    if (fp->fd >= 0) {
        ev_io_stop(fp->loop, &fp->rio);
        ev_io_stop(fp->loop, &fp->wio);
        close(fp->fd);
        fp->fd = -1;
    }
    ev_timer_stop(fp->loop, &fp->call_timer);
    fp->out_len = fp->out_off = fp->in_len = 0;
    fp->call_id = 0;
}

static void fp_down(struct fibpush *fp, const char *why)
{
    if (fp->state != FP_DOWN)
        log_warnx("fibpush: vroomd at %s: %s; reconnecting", fp->socket, why ? why : "?");
    snprintf(fp->last_error, sizeof(fp->last_error), "%s", why ? why : "?");
    fp_close(fp);
    fp->state = FP_DOWN;
    ev_timer_stop(fp->loop, &fp->retry);
    ev_timer_set(&fp->retry, fp->backoff, 0);
    ev_timer_start(fp->loop, &fp->retry);
    fp->backoff = fp->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : fp->backoff * 2;
}

static void fp_connect(struct fibpush *fp)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    fp_close(fp);
    if (strlen(fp->socket) >= sizeof(sa.sun_path)) {
        fp_down(fp, "socket path too long");
        return;
    }
    strcpy(sa.sun_path, fp->socket);
    fp->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fp->fd < 0 || connect(fp->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        fp_down(fp, strerror(errno));
        return;
    }
    ev_io_set(&fp->rio, fp->fd, EV_READ);
    ev_io_set(&fp->wio, fp->fd, EV_WRITE);
    ev_io_start(fp->loop, &fp->rio);
    fp->state = FP_SYNC;
    fp->backoff = 0.1;
    log_info("fibpush: connected to vroomd at %s (VR %s)", fp->socket, fp->vr);
    if (fp->control != NULL) {
        fp->state = FP_CONTROL;
        if (call(fp, "vr.control",
                 json_pack("{s:s,s:s,s:i}", "vr", fp->vr, "socket", fp->control, "pid",
                           (int)getpid())) != 0)
            fp_down(fp, "out of memory");
        return;
    }
    if (call(fp, "route.sync", json_pack("{s:s}", "vr", fp->vr)) != 0)
        fp_down(fp, "out of memory");
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    fp_connect(w->data);
}

static void call_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    fp_down(w->data, "a call timed out");
}

void fibpush_reconnect(struct fibpush *fp)
{
    fp_close(fp);
    fp->state = FP_DOWN;
    fp->backoff = 0.1;
    ev_timer_stop(fp->loop, &fp->retry);
    ev_timer_set(&fp->retry, 0, 0);
    ev_timer_start(fp->loop, &fp->retry);
}

/* ---- Life ------------------------------------------------------------ */

struct fibpush *fibpush_new(struct ev_loop *loop, struct rib *rib, const struct fibpush_config *cfg)
{
    struct fibpush *fp = calloc(1, sizeof(*fp));

    if (fp == NULL)
        return NULL;
    fp->loop = loop;
    fp->rib = rib;
    fp->fd = -1;
    fp->socket = strdup(cfg->socket);
    fp->vr = strdup(cfg->vr);
    fp->control = cfg->control != NULL ? strdup(cfg->control) : NULL;
    fp->batch_max = cfg->batch ? cfg->batch : 2000;
    fp->timeout = (cfg->timeout_ms ? cfg->timeout_ms : 30000) / 1000.0;
    fp->backoff = 0.1;
    if (fp->socket == NULL || fp->vr == NULL || (cfg->control != NULL && fp->control == NULL) ||
        (fp->sub = rib_subscribe(rib, on_change, fp)) < 0) {
        free(fp->socket);
        free(fp->vr);
        free(fp->control);
        free(fp);
        errno = ENOMEM;
        return NULL;
    }
    ev_io_init(&fp->rio, read_cb, -1, EV_READ);
    ev_io_init(&fp->wio, write_cb, -1, EV_WRITE);
    ev_timer_init(&fp->retry, retry_cb, 0, 0);
    ev_timer_init(&fp->call_timer, call_timeout_cb, 0, 0);
    fp->rio.data = fp->wio.data = fp->retry.data = fp->call_timer.data = fp;
    fibpush_reconnect(fp);
    return fp;
}

void fibpush_free(struct fibpush *fp)
{
    if (fp == NULL)
        return;
    rib_unsubscribe(fp->rib, fp->sub);
    fp_close(fp);
    ev_timer_stop(fp->loop, &fp->retry);
    batch_done(fp);
    q_clear(fp);
    free(fp->q);
    free(fp->out);
    free(fp->in);
    free(fp->socket);
    free(fp->vr);
    free(fp->control);
    free(fp);
}

bool fibpush_idle(const struct fibpush *fp)
{
    return fp->state == FP_RUN && fp->synced && fp->call_id == 0 && fp->inflight.n == 0 &&
           q_size(fp) == 0;
}

json_t *fibpush_status_json(const struct fibpush *fp)
{
    static const char *const states[] = {"down", "sync", "list", "run", "control"};

    return json_pack("{s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "vroomd",
                     fp->socket, "vr", fp->vr, "state", states[fp->state], "synced", fp->synced,
                     "seq", (json_int_t)fp->seq, "confirmed_seq", (json_int_t)fp->confirmed,
                     "queued", (json_int_t)q_size(fp), "in_flight", (json_int_t)fp->inflight.n,
                     "batches", (json_int_t)fp->batches, "routes_added", (json_int_t)fp->added,
                     "routes_deleted", (json_int_t)fp->deleted, "replays", (json_int_t)fp->replays,
                     "full_resyncs", (json_int_t)fp->full_resyncs, "errors", (json_int_t)fp->errors,
                     "refused", (json_int_t)fp->refused, "last_error", fp->last_error);
}
