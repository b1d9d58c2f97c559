/*
 * fsm.c - the BGP session state machine (fsm.h, RFC 4271 8.2.2), OPEN
 * negotiation (6.2), collision resolution (6.8) and the session record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "routing/bgp/be.h"
#include "routing/bgp/fsm.h"

#define LARGE_HOLD 240 /* seconds: the hold timer before the OPEN (RFC 4271 8.2.2) */

const char *bgp_state_name(int state)
{
    static const char *const n[] = {"Idle",     "Connect",     "Active",
                                    "OpenSent", "OpenConfirm", "Established"};

    return state >= 0 && state <= BGP_ESTABLISHED ? n[state] : "unknown";
}

void bgp_session_init(struct bgp_session *s, const struct bgp_peer_cfg *cfg)
{
    memset(s, 0, offsetof(struct bgp_session, in));
    s->cfg = *cfg;
    s->state = BGP_IDLE;
}

static bgp_time_t after(bgp_time_t now, unsigned int secs)
{
    bgp_time_t t = now + (bgp_time_t)secs * 1000;

    return t ? t : 1; /* 0 means stopped */
}

/* Append a message to the output; false if it does not fit. */
static bool queue(struct bgp_session *s, const uint8_t *m, size_t len)
{
    if (len > sizeof(s->out) - s->out_len)
        return false;
    memcpy(s->out + s->out_len, m, len);
    s->out_len += (uint32_t)len;
    if (len > BGP_HDR_LEN - 1 && m[18] < 6)
        s->cnt.tx[m[18]]++;
    return true;
}

void bgp_open_local(const struct bgp_peer_cfg *cfg, struct bgp_open *o)
{
    memset(o, 0, sizeof(*o));
    o->version = BGP_VERSION;
    o->my_as = cfg->local_as > 0xffff ? BGP_AS_TRANS : (uint16_t)cfg->local_as;
    o->hold_time = cfg->hold_time;
    o->bgp_id = cfg->router_id;
    o->peer_as = cfg->local_as;
    o->caps.mp = true;
    o->caps.afs = cfg->afs;
    o->caps.as4 = true;
    o->caps.as4_num = cfg->local_as;
    o->caps.route_refresh = true;
    o->caps.ext_msg = cfg->ext_msg;
    o->caps.gr = cfg->gr;
    o->caps.gr_time = cfg->gr_time;
}

static void send_open(struct bgp_session *s)
{
    struct bgp_open o;
    uint8_t buf[BGP_MAX_LEN];
    int n;

    bgp_open_local(&s->cfg, &o);
    n = bgp_open_build(buf, sizeof(buf), &o);
    if (n > 0)
        queue(s, buf, (size_t)n);
}

static void send_keepalive(struct bgp_session *s)
{
    uint8_t buf[BGP_HDR_LEN];

    bgp_keepalive_build(buf, sizeof(buf));
    queue(s, buf, sizeof(buf));
}

static void send_notification(struct bgp_session *s, uint8_t code, uint8_t subcode,
                              const uint8_t *data, size_t len)
{
    uint8_t buf[BGP_MAX_LEN];
    size_t max = s->neg.ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
    int n = bgp_notification_build(buf, sizeof(buf), max, code, subcode, data, len);

    s->last_sent_code = code;
    s->last_sent_subcode = subcode;
    if (n > 0)
        queue(s, buf, (size_t)n);
}

/* Leave for Idle: close, stop the timers, restart after idle_hold. */
static unsigned int to_idle(struct bgp_session *s, bgp_time_t now, const char *why)
{
    unsigned int act = BGP_ACT_CLOSE | (s->out_len ? BGP_ACT_SEND : 0);

    if (s->state == BGP_ESTABLISHED)
        act |= BGP_ACT_DOWN;
    s->state = BGP_IDLE;
    s->hold_at = s->keepalive_at = 0;
    s->connect_retry_counter++;
    s->connect_retry_at = after(now, s->cfg.idle_hold); /* automatic restart */
    s->in_len = 0;
    s->last_reason = why;
    return act;
}

static unsigned int fail(struct bgp_session *s, bgp_time_t now, uint8_t code, uint8_t subcode,
                         const uint8_t *data, size_t len, const char *why)
{
    send_notification(s, code, subcode, data, len);
    return to_idle(s, now, why);
}

static unsigned int start_open(struct bgp_session *s, bgp_time_t now)
{
    s->connect_retry_at = 0;
    s->in_len = 0;
    send_open(s);
    s->hold_at = after(now, LARGE_HOLD);
    s->state = BGP_OPENSENT;
    return BGP_ACT_SEND;
}

unsigned int bgp_session_event(struct bgp_session *s, int event, bgp_time_t now)
{
    switch (s->state) {
    case BGP_IDLE:
        if (event != BGP_EV_START && event != BGP_EV_CONNECT_RETRY)
            return 0; /* RFC 4271 8.2.2: Idle ignores everything else */
        if (event == BGP_EV_START)
            s->connect_retry_counter = 0;
        s->connect_retry_at = after(now, s->cfg.connect_retry);
        s->out_len = 0;
        if (s->cfg.passive) {
            s->state = BGP_ACTIVE;
            return 0;
        }
        s->state = BGP_CONNECT;
        return BGP_ACT_CONNECT;
    case BGP_CONNECT:
    case BGP_ACTIVE:
        switch (event) {
        case BGP_EV_STOP:
            s->state = BGP_IDLE;
            s->connect_retry_at = 0;
            s->connect_retry_counter = 0;
            s->last_reason = "stopped";
            return BGP_ACT_CLOSE;
        case BGP_EV_CONNECT_RETRY:
            s->connect_retry_at = after(now, s->cfg.connect_retry);
            if (s->cfg.passive)
                return 0;
            s->state = BGP_CONNECT;
            return BGP_ACT_CLOSE | BGP_ACT_CONNECT;
        case BGP_EV_TCP_UP:
            return start_open(s, now);
        case BGP_EV_TCP_DOWN:
            s->connect_retry_at = after(now, s->cfg.connect_retry);
            s->state = BGP_ACTIVE;
            return BGP_ACT_CLOSE;
        default:
            return 0;
        }
    case BGP_OPENSENT:
    case BGP_OPENCONFIRM:
    case BGP_ESTABLISHED:
        switch (event) {
        case BGP_EV_START:
            return 0;
        case BGP_EV_STOP: {
            unsigned int act;

            send_notification(s, BGP_ERR_CEASE, BGP_CEASE_SHUTDOWN, NULL, 0);
            act = to_idle(s, now, "stopped");
            s->connect_retry_at = 0; /* a manual stop does not restart */
            s->connect_retry_counter = 0;
            return act;
        }
        case BGP_EV_HOLD:
            return fail(s, now, BGP_ERR_HOLD, 0, NULL, 0, "hold timer expired");
        case BGP_EV_KEEPALIVE_TIMER:
            if (s->state == BGP_OPENSENT)
                return 0;
            send_keepalive(s);
            s->keepalive_at = s->neg.keepalive ? after(now, s->neg.keepalive) : 0;
            return BGP_ACT_SEND;
        case BGP_EV_TCP_DOWN:
            if (s->state == BGP_OPENSENT) { /* RFC 4271 8.2.2: back to Active */
                s->state = BGP_ACTIVE;
                s->hold_at = 0;
                s->connect_retry_at = after(now, s->cfg.connect_retry);
                return BGP_ACT_CLOSE;
            }
            return to_idle(s, now, "connection closed");
        default:
            return 0;
        }
    }
    return 0;
}

int bgp_open_negotiate(const struct bgp_peer_cfg *cfg, const struct bgp_open *peer,
                       struct bgp_negotiated *neg, struct bgp_error *e)
{
    memset(neg, 0, sizeof(*neg));
    if (peer->caps.as4 && peer->my_as != BGP_AS_TRANS && peer->my_as != peer->caps.as4_num) {
        *e = (struct bgp_error){.verdict = BGP_RESET,
                                .code = BGP_ERR_OPEN,
                                .subcode = BGP_OPEN_BAD_PEER_AS,
                                .reason = "RFC 6793 4.1: My AS disagrees with the AS4 capability"};
        return -EINVAL;
    }
    if (peer->peer_as != cfg->peer_as) {
        *e = (struct bgp_error){.verdict = BGP_RESET,
                                .code = BGP_ERR_OPEN,
                                .subcode = BGP_OPEN_BAD_PEER_AS,
                                .reason = "RFC 4271 6.2: peer AS is not the configured one"};
        return -EINVAL;
    }
    if (peer->bgp_id == cfg->router_id && cfg->peer_as == cfg->local_as) {
        *e = (struct bgp_error){.verdict = BGP_RESET,
                                .code = BGP_ERR_OPEN,
                                .subcode = BGP_OPEN_BAD_ID,
                                .reason = "RFC 6286 2.2: iBGP peer has our BGP identifier"};
        return -EINVAL;
    }
    neg->peer_as = peer->peer_as;
    neg->peer_id = peer->bgp_id;
    neg->hold_time = peer->hold_time < cfg->hold_time ? peer->hold_time : cfg->hold_time;
    neg->keepalive = neg->hold_time / 3;
    neg->afs = cfg->afs & peer->caps.afs;
    neg->as4 = peer->caps.as4;
    neg->route_refresh = peer->caps.route_refresh;
    neg->ext_msg = cfg->ext_msg && peer->caps.ext_msg;
    neg->peer_gr = peer->caps.gr;
    neg->peer_gr_flags = peer->caps.gr_flags;
    neg->peer_gr_time = peer->caps.gr_time;
    neg->peer_gr_afs = peer->caps.gr_afs;
    neg->peer_gr_fwd_afs = peer->caps.gr_fwd_afs;
    return 0;
}

bool bgp_collision_keep_ours(uint32_t local_id, uint32_t remote_id)
{
    return local_id > remote_id;
}

static void hold_restart(struct bgp_session *s, bgp_time_t now)
{
    s->hold_at = s->neg.hold_time ? after(now, s->neg.hold_time) : 0;
}

/* One whole message in the states after TCP came up. */
static unsigned int message(struct bgp_session *s, const uint8_t *m, size_t len, uint8_t type,
                            bgp_time_t now, const struct bgp_session_cbs *cbs)
{
    struct bgp_error e;

    s->cnt.rx[type]++;
    if (type == BGP_MSG_NOTIFICATION) {
        struct bgp_notification n;

        if (bgp_notification_parse(m, len, &n, &e) == 0) {
            s->last_rcvd_code = n.code;
            s->last_rcvd_subcode = n.subcode;
        }
        return to_idle(s, now, "NOTIFICATION received");
    }
    switch (s->state) {
    case BGP_OPENSENT: {
        struct bgp_open o;

        if (type != BGP_MSG_OPEN)
            return fail(s, now, BGP_ERR_FSM, BGP_FSM_OPENSENT, NULL, 0,
                        "RFC 6608: unexpected message in OpenSent");
        if (bgp_open_parse(m, len, &o, &e) < 0 || bgp_open_negotiate(&s->cfg, &o, &s->neg, &e) < 0)
            return fail(s, now, e.code, e.subcode, e.data, e.data_len, e.reason);
        send_keepalive(s);
        hold_restart(s, now);
        s->keepalive_at = s->neg.keepalive ? after(now, s->neg.keepalive) : 0;
        s->state = BGP_OPENCONFIRM;
        return BGP_ACT_SEND;
    }
    case BGP_OPENCONFIRM:
        if (type != BGP_MSG_KEEPALIVE)
            return fail(s, now, BGP_ERR_FSM, BGP_FSM_OPENCONFIRM, NULL, 0,
                        "RFC 6608: unexpected message in OpenConfirm");
        if (bgp_keepalive_parse(m, len, &e) < 0)
            return fail(s, now, e.code, e.subcode, e.data, e.data_len, e.reason);
        hold_restart(s, now);
        s->state = BGP_ESTABLISHED;
        s->cnt.established++;
        s->connect_retry_counter = 0;
        return BGP_ACT_UP;
    case BGP_ESTABLISHED:
        switch (type) {
        case BGP_MSG_KEEPALIVE:
            if (bgp_keepalive_parse(m, len, &e) < 0)
                return fail(s, now, e.code, e.subcode, e.data, e.data_len, e.reason);
            hold_restart(s, now);
            return 0;
        case BGP_MSG_UPDATE: {
            struct bgp_update u;
            struct bgp_rx_ctx cx = {.local_as = s->cfg.local_as,
                                    .peer_as = s->cfg.peer_as,
                                    .afs = s->neg.afs,
                                    .as4 = s->neg.as4,
                                    .ebgp = s->cfg.local_as != s->cfg.peer_as,
                                    .ext_msg = s->neg.ext_msg,
                                    .check_first_as = !s->cfg.no_first_as};
            int v = bgp_update_parse(m, len, &cx, &u);

            hold_restart(s, now);
            if (v == BGP_RESET) {
                s->cnt.updates_reset++;
                return fail(s, now, u.err.code, u.err.subcode, u.err.data, u.err.data_len,
                            u.err.reason);
            }
            if (v == BGP_WITHDRAW)
                s->cnt.updates_withdraw++;
            else if (v == BGP_ATTR_DISCARD)
                s->cnt.updates_discard++;
            else
                s->cnt.updates_ok++;
            if (cbs && cbs->update)
                cbs->update(cbs->ctx, s, &u, m, len);
            return 0;
        }
        case BGP_MSG_ROUTE_REFRESH: {
            uint16_t afi;
            uint8_t safi;

            if (bgp_refresh_parse(m, len, &afi, &safi, &e) < 0)
                return fail(s, now, e.code, e.subcode, e.data, e.data_len, e.reason);
            hold_restart(s, now);
            /* RFC 2918 4: a family not negotiated is ignored */
            if ((bgp_af_bit(afi, safi) & s->neg.afs) && cbs && cbs->refresh)
                cbs->refresh(cbs->ctx, s, afi, safi);
            return 0;
        }
        default: /* OPEN */
            return fail(s, now, BGP_ERR_FSM, BGP_FSM_ESTABLISHED, NULL, 0,
                        "RFC 6608: OPEN in Established");
        }
    default:
        return 0;
    }
}

unsigned int bgp_session_input(struct bgp_session *s, const uint8_t *data, size_t len,
                               bgp_time_t now, const struct bgp_session_cbs *cbs)
{
    unsigned int act = 0;

    if (s->state < BGP_OPENSENT)
        return 0; /* no connection the FSM knows of: dropped */
    while (len) {
        size_t take = sizeof(s->in) - s->in_len, ml = 0, off = 0;
        uint8_t type = 0;
        struct bgp_error e;
        int r;

        if (take > len)
            take = len;
        memcpy(s->in + s->in_len, data, take);
        s->in_len += (uint32_t)take;
        data += take;
        len -= take;
        /* every whole message in the buffer */
        while ((r = bgp_msg_frame(s->in + off, s->in_len - off,
                                  s->neg.ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN, &ml, &type,
                                  &e)) == 1) {
            act |= message(s, s->in + off, ml, type, now, cbs);
            off += ml;
            if (act & BGP_ACT_CLOSE)
                return act;
        }
        if (r < 0)
            return act | fail(s, now, e.code, e.subcode, e.data, e.data_len, e.reason);
        memmove(s->in, s->in + off, s->in_len - off);
        s->in_len -= (uint32_t)off;
    }
    return act | (s->out_len ? BGP_ACT_SEND : 0);
}

unsigned int bgp_session_timers(struct bgp_session *s, bgp_time_t now)
{
    unsigned int act = 0;

    if (s->hold_at && s->hold_at <= now) {
        s->hold_at = 0;
        act |= bgp_session_event(s, BGP_EV_HOLD, now);
    }
    if (s->keepalive_at && s->keepalive_at <= now) {
        s->keepalive_at = 0;
        act |= bgp_session_event(s, BGP_EV_KEEPALIVE_TIMER, now);
    }
    if (s->connect_retry_at && s->connect_retry_at <= now) {
        s->connect_retry_at = 0;
        act |= bgp_session_event(s, BGP_EV_CONNECT_RETRY, now);
    }
    return act;
}

bgp_time_t bgp_session_next_timer(const struct bgp_session *s)
{
    bgp_time_t t = 0;
    const bgp_time_t all[] = {s->hold_at, s->keepalive_at, s->connect_retry_at};

    for (size_t i = 0; i < 3; i++)
        if (all[i] && (!t || all[i] < t))
            t = all[i];
    return t;
}

int bgp_session_send(struct bgp_session *s, const uint8_t *msg, size_t len, bgp_time_t now)
{
    if (s->state != BGP_ESTABLISHED)
        return -EINVAL;
    if (!queue(s, msg, len))
        return -EAGAIN;
    if (s->neg.keepalive)
        s->keepalive_at = after(now, s->neg.keepalive);
    return 0;
}

void bgp_session_output_done(struct bgp_session *s, size_t n)
{
    if (n >= s->out_len) {
        s->out_len = 0;
        return;
    }
    memmove(s->out, s->out + n, s->out_len - n);
    s->out_len -= (uint32_t)n;
}

/* ---- the session record ---- */

struct wr {
    uint8_t *p;
    size_t cap, len;
};

static void w8(struct wr *w, uint8_t v)
{
    if (w->len < w->cap)
        w->p[w->len] = v;
    w->len++;
}
static void w16(struct wr *w, uint16_t v)
{
    w8(w, (uint8_t)(v >> 8));
    w8(w, (uint8_t)v);
}
static void w32(struct wr *w, uint32_t v)
{
    w16(w, (uint16_t)(v >> 16));
    w16(w, (uint16_t)v);
}
static void wbytes(struct wr *w, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        w8(w, b[i]);
}
/* A deadline as the milliseconds left (at least 1), 0 when stopped. */
static void wtimer(struct wr *w, bgp_time_t at, bgp_time_t now)
{
    bgp_time_t left = at ? at - now : 0;

    w32(w, !at ? 0 : left < 1 ? 1 : left > 0xffffffffLL ? 0xffffffffu : (uint32_t)left);
}

struct rd {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};

static uint8_t r8(struct rd *r)
{
    if (r->off >= r->len) {
        r->bad = true;
        return 0;
    }
    return r->p[r->off++];
}
static uint16_t r16(struct rd *r)
{
    uint16_t h = r8(r);

    return (uint16_t)(h << 8 | r8(r));
}
static uint32_t r32(struct rd *r)
{
    uint32_t h = r16(r);

    return h << 16 | r16(r);
}
static bgp_time_t rtimer(struct rd *r, bgp_time_t now)
{
    uint32_t left = r32(r);

    return left ? (now + left ? now + left : 1) : 0;
}

/*
 * Layout (v1): u16 version, the config (local AS, peer AS, router ID, hold,
 * connect retry, idle hold, families, flags, GR time), u8 state, the three
 * timers (ms left), connect retry counter, the negotiated parameters, the
 * last NOTIFICATIONs, the counters, u32 in_len + bytes, u32 out_len + bytes.
 */
int bgp_session_export(const struct bgp_session *s, bgp_time_t now, uint8_t *buf, size_t cap)
{
    struct wr w = {.p = buf, .cap = cap};
    const struct bgp_peer_cfg *c = &s->cfg;
    const struct bgp_negotiated *n = &s->neg;

    w16(&w, BGP_SESSION_REC_VERSION);
    w32(&w, c->local_as);
    w32(&w, c->peer_as);
    w32(&w, c->router_id);
    w16(&w, c->hold_time);
    w16(&w, c->connect_retry);
    w16(&w, c->idle_hold);
    w32(&w, c->afs);
    w8(&w, (uint8_t)(c->passive | c->ext_msg << 1 | c->gr << 2 | c->no_first_as << 3));
    w16(&w, c->gr_time);
    w8(&w, s->state);
    wtimer(&w, s->connect_retry_at, now);
    wtimer(&w, s->hold_at, now);
    wtimer(&w, s->keepalive_at, now);
    w32(&w, s->connect_retry_counter);
    w32(&w, n->peer_as);
    w32(&w, n->peer_id);
    w16(&w, n->hold_time);
    w16(&w, n->keepalive);
    w32(&w, n->afs);
    w8(&w, (uint8_t)(n->as4 | n->route_refresh << 1 | n->ext_msg << 2 | n->peer_gr << 3));
    w8(&w, n->peer_gr_flags);
    w16(&w, n->peer_gr_time);
    w32(&w, n->peer_gr_afs);
    w32(&w, n->peer_gr_fwd_afs);
    w8(&w, s->last_sent_code);
    w8(&w, s->last_sent_subcode);
    w8(&w, s->last_rcvd_code);
    w8(&w, s->last_rcvd_subcode);
    for (int i = 0; i < 6; i++) {
        w32(&w, s->cnt.rx[i]);
        w32(&w, s->cnt.tx[i]);
    }
    w32(&w, s->cnt.updates_ok);
    w32(&w, s->cnt.updates_discard);
    w32(&w, s->cnt.updates_withdraw);
    w32(&w, s->cnt.updates_reset);
    w32(&w, s->cnt.established);
    w32(&w, s->in_len);
    wbytes(&w, s->in, s->in_len);
    w32(&w, s->out_len);
    wbytes(&w, s->out, s->out_len);
    return w.len > cap ? -ENOSPC : (int)w.len;
}

static int import_rec(struct bgp_session *tp, const uint8_t *buf, size_t len, bgp_time_t now)
{
    struct rd r = {.p = buf, .len = len};
    struct bgp_peer_cfg *c = &tp->cfg;
    struct bgp_negotiated *n = &tp->neg;
    uint8_t f;

    memset(tp, 0, offsetof(struct bgp_session, in));
    if (r16(&r) != BGP_SESSION_REC_VERSION)
        return -EINVAL;
    c->local_as = r32(&r);
    c->peer_as = r32(&r);
    c->router_id = r32(&r);
    c->hold_time = r16(&r);
    c->connect_retry = r16(&r);
    c->idle_hold = r16(&r);
    c->afs = r32(&r);
    f = r8(&r);
    c->passive = f & 1;
    c->ext_msg = f & 2;
    c->gr = f & 4;
    c->no_first_as = f & 8;
    c->gr_time = r16(&r);
    tp->state = r8(&r);
    tp->connect_retry_at = rtimer(&r, now);
    tp->hold_at = rtimer(&r, now);
    tp->keepalive_at = rtimer(&r, now);
    tp->connect_retry_counter = r32(&r);
    n->peer_as = r32(&r);
    n->peer_id = r32(&r);
    n->hold_time = r16(&r);
    n->keepalive = r16(&r);
    n->afs = r32(&r);
    f = r8(&r);
    n->as4 = f & 1;
    n->route_refresh = f & 2;
    n->ext_msg = f & 4;
    n->peer_gr = f & 8;
    n->peer_gr_flags = r8(&r);
    n->peer_gr_time = r16(&r);
    n->peer_gr_afs = r32(&r);
    n->peer_gr_fwd_afs = r32(&r);
    tp->last_sent_code = r8(&r);
    tp->last_sent_subcode = r8(&r);
    tp->last_rcvd_code = r8(&r);
    tp->last_rcvd_subcode = r8(&r);
    for (int i = 0; i < 6; i++) {
        tp->cnt.rx[i] = r32(&r);
        tp->cnt.tx[i] = r32(&r);
    }
    tp->cnt.updates_ok = r32(&r);
    tp->cnt.updates_discard = r32(&r);
    tp->cnt.updates_withdraw = r32(&r);
    tp->cnt.updates_reset = r32(&r);
    tp->cnt.established = r32(&r);
    tp->in_len = r32(&r);
    if (r.bad || tp->state > BGP_ESTABLISHED || tp->in_len > sizeof(tp->in) ||
        tp->in_len > r.len - r.off)
        return -EINVAL;
    memcpy(tp->in, r.p + r.off, tp->in_len);
    r.off += tp->in_len;
    tp->out_len = r32(&r);
    if (r.bad || tp->out_len > sizeof(tp->out) || tp->out_len != r.len - r.off)
        return -EINVAL;
    memcpy(tp->out, r.p + r.off, tp->out_len);
    /* a partial message must still be one the session would wait for */
    if (tp->in_len) {
        size_t ml;
        uint8_t type;
        struct bgp_error e;

        if (bgp_msg_frame(tp->in, tp->in_len, n->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN, &ml,
                          &type, &e) != 0)
            return -EINVAL;
    }
    return 0;
}

int bgp_session_import(struct bgp_session *s, const uint8_t *buf, size_t len, bgp_time_t now)
{
    struct bgp_session *tp = malloc(sizeof(*tp)); /* built aside: s is untouched on error */
    int rc;

    if (!tp)
        return -ENOMEM;
    rc = import_rec(tp, buf, len, now);
    if (rc == 0) {
        memcpy(s, tp, offsetof(struct bgp_session, in));
        memcpy(s->in, tp->in, tp->in_len);
        memcpy(s->out, tp->out, tp->out_len);
    }
    free(tp);
    return rc;
}
