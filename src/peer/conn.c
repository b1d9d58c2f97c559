/*
 * conn.c - one peer channel connection on the libev loop: TCP connect, TLS
 * handshake, then the session: reading into the framing reader (msg.c) and
 * dispatching to the handlers, writing the output queue, and the keepalive.
 *
 * Nothing here blocks or hogs the loop: a wake-up reads at most
 * PEER_READ_BUDGET and writes at most PEER_WRITE_BUDGET bytes, so a 16 MiB
 * message moves in slices between other peers' work. Small messages are
 * packed into one TLS record; big ones are written from where they lie.
 *
 * User callbacks may call back into the API (send, disconnect, remove), so a
 * connection closed inside one is only freed when its own callback returns
 * (busy), and code after a callback checks that it is still alive. The
 * context, peers and dialling are in peer.c; OpenSSL details in tls.c.
 */
#include "peer/peer_impl.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

static void conn_io_cb(struct ev_loop *loop, ev_io *w, int revents);
static void conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void conn_more_cb(struct ev_loop *loop, ev_idle *w, int revents);

const char *peer_conn_label(const struct peer_conn *c)
{
    return c->peer != NULL ? c->peer->name : c->label;
}

struct peer_conn *peer_conn_new(struct peer_ctx *ctx, int fd, struct peer *p, bool connecting,
                                const char *label)
{
    struct peer_conn *c = calloc(1, sizeof(*c));
    int one = 1, fl;

    if (c == NULL)
        return NULL;
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        goto fail;
    /* Not a TCP socket (a socketpair) when this fails: that is fine. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->ctx = ctx;
    c->peer = p;
    c->outgoing = p != NULL;
    c->fd = fd;
    snprintf(c->label, sizeof(c->label), "%s", label);
    c->ssl = peer_tls_new(ctx, fd, p);
    if (c->ssl == NULL)
        goto fail;
    peer_rx_init(&c->rx, &ctx->rules);
    c->state = connecting ? CONN_CONNECTING : CONN_HANDSHAKE;
    ev_io_init(&c->io, conn_io_cb, fd, connecting ? EV_WRITE : EV_READ | EV_WRITE);
    c->io.data = c;
    ev_timer_init(&c->timer, conn_timer_cb, ctx->handshake, 0.);
    c->timer.data = c;
    ev_idle_init(&c->more, conn_more_cb);
    c->more.data = c;
    ev_io_start(ctx->loop, &c->io);
    ev_timer_start(ctx->loop, &c->timer);
    return c;
fail:
    free(c);
    return NULL;
}

static void conn_free(struct peer_conn *c)
{
    struct peer_out *o, *next;

    for (o = c->out_head; o != NULL; o = next) {
        next = o->next;
        free(o);
    }
    peer_rx_release(&c->rx);
    free(c->wbuf);
    free(c);
}

void peer_conn_close(struct peer_conn *c, enum peer_down_reason why)
{
    struct peer_ctx *ctx = c->ctx;
    struct peer *p = c->peer;
    bool was_up = c->state == CONN_UP;

    if (c->state == CONN_DEAD)
        return;
    c->state = CONN_DEAD;
    ev_io_stop(ctx->loop, &c->io);
    ev_timer_stop(ctx->loop, &c->timer);
    ev_idle_stop(ctx->loop, &c->more);
    if (was_up && (why == PEER_DOWN_LOCAL || why == PEER_DOWN_COLLISION)) {
        /* Best effort: tell the other end this was on purpose. */
        ERR_clear_error();
        (void)SSL_shutdown(c->ssl);
    }
    ERR_clear_error();
    SSL_free(c->ssl);
    c->ssl = NULL;
    close(c->fd);
    c->fd = -1;
    if (c->on_pending)
        peer_pending_unlink(ctx, c);
    c->peer = NULL;
    if (p != NULL) {
        if (p->conn == c)
            p->conn = NULL;
        if (p->dial == c)
            p->dial = NULL;
        peer_on_down(p, c, why, was_up);
    }
    if (c->busy == 0)
        conn_free(c);
}

/* ---- Output ----------------------------------------------------------------- */

static void conn_update_events(struct peer_conn *c)
{
    int ev;

    if (c->state == CONN_DEAD)
        return;
    if (c->state == CONN_CONNECTING) {
        ev = EV_WRITE;
    } else if (c->state == CONN_HANDSHAKE) {
        /* SSL_do_handshake() wants to write: it writes at once when it can. */
        ev = EV_READ | (c->read_wants_write ? EV_WRITE : 0);
    } else {
        ev = EV_READ;
        if (((c->out_head != NULL || c->wlen > 0) && !c->write_wants_read) || c->read_wants_write)
            ev |= EV_WRITE;
    }
    if ((c->io.events & (EV_READ | EV_WRITE)) != ev) {
        ev_io_stop(c->ctx->loop, &c->io);
        ev_io_set(&c->io, c->fd, ev);
        ev_io_start(c->ctx->loop, &c->io);
    }
}

int peer_conn_queue(struct peer_conn *c, uint16_t type, uint64_t id, const void *payload,
                    size_t len, bool user)
{
    struct peer_msg_hdr h = {.type = type, .flags = 0, .len = (uint32_t)len, .id = id};
    struct peer_out *o = malloc(sizeof(*o) + PEER_MSG_HDR_LEN + len);

    if (o == NULL)
        return -ENOMEM;
    o->next = NULL;
    o->len = PEER_MSG_HDR_LEN + len;
    o->user = user;
    peer_msg_hdr_encode(&h, o->data);
    if (len > 0)
        memcpy(o->data + PEER_MSG_HDR_LEN, payload, len);
    if (c->out_tail != NULL)
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->queued += o->len;
    conn_update_events(c);
    return 0;
}

static void out_pop(struct peer_conn *c)
{
    struct peer_out *o = c->out_head;

    c->out_head = o->next;
    if (c->out_head == NULL)
        c->out_tail = NULL;
    c->out_off = 0;
    if (o->user && c->peer != NULL)
        c->peer->c.msgs_out++;
    free(o);
}

/* Pack whole small messages from the queue into wbuf. Returns false if none fits. */
static bool out_pack(struct peer_conn *c)
{
    struct peer_out *o;
    size_t n;

    if (c->wbuf == NULL && (c->wbuf = malloc(PEER_WBUF)) == NULL)
        return false;
    c->wlen = c->woff = 0;
    while ((o = c->out_head) != NULL) {
        n = o->len - c->out_off;
        if (n > PEER_WBUF - c->wlen)
            break;
        memcpy(c->wbuf + c->wlen, o->data + c->out_off, n);
        c->wlen += n;
        out_pop(c);
    }
    return c->wlen > 0;
}

static void conn_write(struct peer_conn *c)
{
    size_t budget = PEER_WRITE_BUDGET, len;
    const uint8_t *buf;
    struct peer *p;
    bool packed;
    int n, err;

    c->write_wants_read = false;
    while (budget > 0) {
        if (c->wlen == 0) {
            if (c->out_head == NULL)
                break;
            /* The same state picks the same bytes, as TLS wants for a retry. */
            if (c->out_head->len - c->out_off >= PEER_WBUF || !out_pack(c)) {
                buf = c->out_head->data + c->out_off;
                len = c->out_head->len - c->out_off;
                if (len > PEER_WRITE_CHUNK)
                    len = PEER_WRITE_CHUNK;
                packed = false;
            } else {
                buf = c->wbuf;
                len = c->wlen;
                packed = true;
            }
        } else {
            buf = c->wbuf + c->woff;
            len = c->wlen - c->woff;
            packed = true;
        }
        ERR_clear_error();
        n = SSL_write(c->ssl, buf, (int)len);
        if (n <= 0) {
            err = SSL_get_error(c->ssl, n);
            if (err == SSL_ERROR_WANT_WRITE)
                break;
            if (err == SSL_ERROR_WANT_READ) {
                c->write_wants_read = true;
                break;
            }
            char why[256];

            peer_tls_error(c->ssl, why, sizeof(why));
            log_warnx("peer %s: write: %s", peer_conn_label(c), why);
            peer_conn_close(c, PEER_DOWN_IO);
            return;
        }
        budget = (size_t)n < budget ? budget - (size_t)n : 0;
        c->queued -= (size_t)n;
        if (c->peer != NULL)
            c->peer->c.bytes_out += (uint64_t)n;
        if (packed) {
            c->woff += (size_t)n;
            if (c->woff == c->wlen)
                c->wlen = c->woff = 0;
        } else {
            c->out_off += (size_t)n;
            if (c->out_off == c->out_head->len)
                out_pop(c);
        }
    }
    p = c->peer;
    if (p != NULL && p->owe_writable && c->queued <= c->ctx->out_limit / 2) {
        p->owe_writable = false;
        if (c->ctx->ops.writable != NULL)
            c->ctx->ops.writable(p, c->ctx->arg);
    }
}

static void conn_fail(struct peer_conn *c, enum peer_refuse why, const char *detail)
{
    log_warnx("peer %s: %s refused: %s", peer_conn_label(c),
              c->outgoing ? "outgoing connection" : "incoming connection", detail);
    peer_count_refusal(c, why);
    peer_conn_close(c, PEER_DOWN_IO);
}

/* ---- Input ------------------------------------------------------------------ */

static void conn_refuse(struct peer_conn *c, enum peer_refuse why, const char *detail)
{
    const struct peer_msg_hdr *h = &c->rx.hdr;

    log_warnx("peer %s: refused message (type %u, flags %#x, length %" PRIu32 ", id %" PRIu64
              "): %s%s%s; closing",
              peer_conn_label(c), h->type, h->flags, h->len, h->id, peer_refuse_str(why),
              detail != NULL ? ": " : "", detail != NULL ? detail : "");
    peer_count_refusal(c, why);
    peer_conn_close(c, PEER_DOWN_REFUSED);
}

/* One whole message in c->rx. Returns false if the connection is gone. */
static bool conn_hello(struct peer_conn *c)
{
    const struct peer_msg_hdr *h = &c->rx.hdr;
    struct peer *p;
    uint32_t v[2];
    char detail[64];

    if (c->state != CONN_HELLO || h->type != PEER_TYPE_HELLO) {
        conn_refuse(c, PEER_REFUSE_HELLO,
                    c->state == CONN_HELLO ? "expected HELLO first" : "second HELLO");
        return false;
    }
    memcpy(v, c->rx.payload, sizeof(v));
    if (be32toh(v[0]) != PEER_VERSION) {
        snprintf(detail, sizeof(detail), "version %" PRIu32 ", we speak %d", be32toh(v[0]),
                 PEER_VERSION);
        conn_refuse(c, PEER_REFUSE_HELLO, detail);
        return false;
    }
    c->peer_max = be32toh(v[1]);
    p = c->outgoing ? c->peer : c->hello_peer;
    c->hello_peer = NULL;
    peer_on_auth(c, p);
    return c->state == CONN_UP;
}

static bool conn_dispatch(struct peer_conn *c)
{
    const struct peer_msg_hdr *h = &c->rx.hdr;
    struct peer_ctx *ctx = c->ctx;
    struct peer *p = c->peer;
    char detail[64];
    int rc;

    if (c->state == CONN_HELLO || h->type == PEER_TYPE_HELLO)
        return conn_hello(c);
    if (h->type == PEER_TYPE_PING) {
        if (peer_conn_queue(c, PEER_TYPE_PONG, h->id, NULL, 0, false) < 0) {
            peer_conn_close(c, PEER_DOWN_IO);
            return false;
        }
        return true;
    }
    if (h->type < PEER_TYPE_USER)
        return true; /* PONG: reading it already reset the keepalive */
    p->c.msgs_in++;
    rc = ctx->fn[h->type](p, h->type, h->id, c->rx.payload, h->len, ctx->arg);
    if (c->state == CONN_DEAD)
        return false;
    if (rc < 0) {
        snprintf(detail, sizeof(detail), "%s", strerror(-rc));
        conn_refuse(c, PEER_REFUSE_HANDLER, detail);
        return false;
    }
    return true;
}

static void conn_read(struct peer_conn *c)
{
    size_t budget = PEER_READ_BUDGET, want;
    enum peer_rx_status st;
    uint8_t *buf;
    int n, err;

    c->read_wants_write = false;
    while (budget > 0) {
        peer_rx_space(&c->rx, &buf, &want);
        if (want > budget)
            want = budget;
        ERR_clear_error();
        n = SSL_read(c->ssl, buf, (int)want);
        if (n <= 0) {
            err = SSL_get_error(c->ssl, n);
            if (err == SSL_ERROR_WANT_READ)
                return;
            if (err == SSL_ERROR_WANT_WRITE) {
                c->read_wants_write = true;
                return;
            }
            if (err == SSL_ERROR_ZERO_RETURN) {
                if (peer_rx_partial(&c->rx)) {
                    if (!c->rx.in_payload)
                        memset(&c->rx.hdr, 0, sizeof(c->rx.hdr));
                    conn_refuse(c, PEER_REFUSE_TRUNCATED, NULL);
                    return;
                }
                if (c->state == CONN_HELLO) {
                    conn_fail(c, PEER_REFUSE_TLS, "closed before its HELLO");
                    return;
                }
                log_info("peer %s: closed by the peer", peer_conn_label(c));
                peer_conn_close(c, PEER_DOWN_CLOSED);
                return;
            }
            char why[256];

            peer_tls_error(c->ssl, why, sizeof(why));
            if (c->state == CONN_HELLO) {
                /* In TLS 1.3 the server checks our certificate after we are done. */
                conn_fail(c, PEER_REFUSE_TLS, why);
                return;
            }
            log_warnx("peer %s: read: %s", peer_conn_label(c), why);
            peer_conn_close(c, PEER_DOWN_IO);
            return;
        }
        c->missed = 0;
        if (c->peer != NULL)
            c->peer->c.bytes_in += (uint64_t)n;
        budget -= (size_t)n;
        st = peer_rx_commit(&c->rx, (size_t)n);
        if (st == PEER_RX_MSG) {
            if (!conn_dispatch(c))
                return;
            peer_rx_next(&c->rx);
        } else if (st == PEER_RX_REFUSED) {
            conn_refuse(c, c->rx.refused, NULL);
            return;
        } else if (st == PEER_RX_NOMEM) {
            log_warnx("peer %s: no memory for a %" PRIu32 "-byte message", peer_conn_label(c),
                      c->rx.hdr.len);
            peer_conn_close(c, PEER_DOWN_IO);
            return;
        }
    }
    /* Budget spent: let the others run, then come back even if the socket is quiet. */
    ev_idle_start(c->ctx->loop, &c->more);
}

/* ---- Handshake -------------------------------------------------------------- */

static void conn_handshake(struct peer_conn *c)
{
    enum peer_refuse why;
    struct peer *p;
    char detail[300];
    int r, err;

    ERR_clear_error();
    errno = 0;
    r = SSL_do_handshake(c->ssl);
    if (r != 1) {
        err = SSL_get_error(c->ssl, r);
        if (err == SSL_ERROR_WANT_READ) {
            c->read_wants_write = false;
            return;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
            c->read_wants_write = true;
            return;
        }
        why = peer_tls_name_refusal(c->ssl) ? PEER_REFUSE_NAME : PEER_REFUSE_TLS;
        peer_tls_error(c->ssl, detail, sizeof(detail));
        snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " (TLS handshake)");
        conn_fail(c, why, detail);
        return;
    }
    p = peer_tls_identify(c, &why);
    if (p != NULL) {
        uint32_t v[2] = {htobe32(PEER_VERSION), htobe32(c->ctx->max_msg)};

        if (!c->outgoing) {
            c->hello_peer = p;
            snprintf(c->label, sizeof(c->label), "%s", p->name);
        }
        c->state = CONN_HELLO;
        if (peer_conn_queue(c, PEER_TYPE_HELLO, 0, v, sizeof(v), false) < 0)
            peer_conn_close(c, PEER_DOWN_IO);
        return;
    }
    {
        X509 *cert = SSL_get0_peer_certificate(c->ssl);
        char subj[128] = "no certificate";

        if (cert != NULL)
            X509_NAME_oneline(X509_get_subject_name(cert), subj, sizeof(subj));
        snprintf(detail, sizeof(detail), "%s (certificate %s)", peer_refuse_str(why), subj);
        conn_fail(c, why, detail);
        return;
    }
}

void peer_conn_up(struct peer_conn *c)
{
    struct peer_ctx *ctx = c->ctx;

    c->state = CONN_UP;
    c->missed = 0;
    ev_timer_stop(ctx->loop, &c->timer);
    ev_timer_set(&c->timer, ctx->keepalive, ctx->keepalive);
    ev_timer_start(ctx->loop, &c->timer);
}

/* ---- Watchers --------------------------------------------------------------- */

static void conn_step(struct peer_conn *c)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (c->state == CONN_CONNECTING) {
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err != 0) {
            log_info("peer %s: connect: %s", peer_conn_label(c), strerror(err));
            peer_conn_close(c, PEER_DOWN_IO);
            return;
        }
        c->state = CONN_HANDSHAKE;
    }
    if (c->state == CONN_HANDSHAKE) {
        conn_handshake(c);
        if (c->state != CONN_HELLO)
            return;
    }
    /* Whatever arrived with the handshake, then the queue. */
    conn_read(c);
    if (c->state == CONN_UP || c->state == CONN_HELLO)
        conn_write(c);
}

static void conn_run(struct peer_conn *c)
{
    c->busy++;
    conn_step(c);
    c->busy--;
    if (c->state == CONN_DEAD) {
        if (c->busy == 0)
            conn_free(c);
        return;
    }
    conn_update_events(c);
}

static void conn_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    conn_run(w->data);
}

static void conn_more_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
    struct peer_conn *c = w->data;

    (void)revents;
    ev_idle_stop(loop, w);
    conn_run(c);
}

static void conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct peer_conn *c = w->data;
    static uint64_t ping_id;

    (void)loop;
    (void)revents;
    c->busy++;
    if (c->state != CONN_UP) {
        log_warnx("peer %s: %s timed out", peer_conn_label(c),
                  c->state == CONN_CONNECTING  ? "connect"
                  : c->state == CONN_HANDSHAKE ? "TLS handshake"
                                               : "waiting for HELLO");
        peer_count_refusal(c, PEER_REFUSE_HANDSHAKE_TIMEOUT);
        peer_conn_close(c, PEER_DOWN_TIMEOUT);
    } else if (++c->missed >= c->ctx->dead_after) {
        log_warnx("peer %s: nothing heard for %u keepalive intervals; closing", peer_conn_label(c),
                  c->missed);
        peer_conn_close(c, PEER_DOWN_TIMEOUT);
    } else if (peer_conn_queue(c, PEER_TYPE_PING, ++ping_id, NULL, 0, false) < 0) {
        peer_conn_close(c, PEER_DOWN_IO);
    }
    c->busy--;
    if (c->state == CONN_DEAD && c->busy == 0)
        conn_free(c);
}
