/*
 * peer.c - the peer channel's context: configuration, handlers, the
 * listener, configured peers, dialling with exponential backoff and jitter,
 * and which connection becomes a peer's session.
 *
 * A peer has at most one session. When both hosts dial each other, the
 * connection dialled by the host whose name sorts first is kept on both
 * sides (the same rule gives the same answer on both ends); a new connection
 * from the same dialler replaces the old one, which is how a restarted peer
 * gets back in before our keepalive has noticed. Removed peers are freed on
 * the next loop iteration so that a pointer a callback holds stays valid.
 * One connection's I/O is in conn.c, OpenSSL in tls.c.
 */
#include "peer/peer_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

static void peer_redial_cb(struct ev_loop *loop, ev_timer *w, int revents);

/* ---- Strings ---------------------------------------------------------------- */

const char *peer_down_reason_str(enum peer_down_reason why)
{
    static const char *const s[PEER_DOWN_MAX] = {
        [PEER_DOWN_CLOSED] = "closed by peer",          [PEER_DOWN_IO] = "I/O error",
        [PEER_DOWN_REFUSED] = "message refused",        [PEER_DOWN_TIMEOUT] = "timeout",
        [PEER_DOWN_COLLISION] = "connection collision", [PEER_DOWN_LOCAL] = "closed locally",
    };

    return (unsigned)why < PEER_DOWN_MAX ? s[why] : "unknown";
}

const char *peer_refuse_str(enum peer_refuse why)
{
    static const char *const s[PEER_REFUSE_MAX] = {
        [PEER_REFUSE_SHORT] = "payload too short for its type",
        [PEER_REFUSE_LONG] = "length over the limit",
        [PEER_REFUSE_TYPE] = "unknown type",
        [PEER_REFUSE_FLAGS] = "unknown flags",
        [PEER_REFUSE_HANDLER] = "refused by its handler",
        [PEER_REFUSE_TRUNCATED] = "connection ended inside a message",
        [PEER_REFUSE_TLS] = "TLS handshake or certificate refused",
        [PEER_REFUSE_NAME] = "certificate name is not the peer's",
        [PEER_REFUSE_HANDSHAKE_TIMEOUT] = "handshake timed out",
        [PEER_REFUSE_HELLO] = "bad or missing HELLO",
    };

    return (unsigned)why < PEER_REFUSE_MAX ? s[why] : "unknown";
}

/* ---- Names and addresses ---------------------------------------------------- */

static bool name_ok(const char *name)
{
    size_t n;

    if (name == NULL)
        return false;
    n = strlen(name);
    if (n == 0 || n > PEER_NAME_MAX || name[0] == '.' || name[0] == '-')
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

static int sockaddr_parse(const char *addr, uint16_t port, struct sockaddr_storage *ss,
                          socklen_t *len)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    char serv[8];

    snprintf(serv, sizeof(serv), "%u", port);
    if (addr == NULL || getaddrinfo(addr, serv, &hints, &res) != 0)
        return -EINVAL;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static void sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN] = "?";

    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
        snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
        snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
    } else {
        snprintf(buf, len, "local");
    }
}

/* ---- Context ---------------------------------------------------------------- */

static void peer_free_now(struct peer *p)
{
    free(p);
}

static void reap_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct peer_ctx *ctx = w->data;
    struct peer *p;

    (void)revents;
    while ((p = ctx->graveyard) != NULL) {
        ctx->graveyard = p->next;
        peer_free_now(p);
    }
    ev_prepare_stop(loop, w);
}

int peer_ctx_new(struct ev_loop *loop, const struct peer_ctx_config *cfg, struct peer_ctx **out)
{
    struct peer_ctx *ctx;
    size_t i;
    int rc;

    if (loop == NULL || cfg == NULL || out == NULL || !name_ok(cfg->name) ||
        (cfg->n_handlers > 0 && cfg->handlers == NULL))
        return -EINVAL;
    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return -ENOMEM;
    ctx->loop = loop;
    ctx->lfd = -1;
    snprintf(ctx->name, sizeof(ctx->name), "%s", cfg->name);
    ctx->ops = cfg->ops;
    ctx->arg = cfg->arg;
    ctx->max_msg = cfg->max_msg != 0 ? cfg->max_msg : PEER_MSG_MAX_DEFAULT;
    ctx->out_limit =
        cfg->out_limit != 0 ? cfg->out_limit : 2 * ((size_t)ctx->max_msg + PEER_MSG_HDR_LEN);
    ctx->keepalive = (cfg->keepalive_ms != 0 ? cfg->keepalive_ms : 5000) / 1000.;
    ctx->dead_after = cfg->dead_after != 0 ? cfg->dead_after : 3;
    ctx->backoff_min_ms = cfg->backoff_min_ms != 0 ? cfg->backoff_min_ms : 100;
    ctx->backoff_max_ms = cfg->backoff_max_ms != 0 ? cfg->backoff_max_ms : 10000;
    ctx->handshake = (cfg->handshake_ms != 0 ? cfg->handshake_ms : 10000) / 1000.;
    rc = -EINVAL;
    if (ctx->out_limit < (size_t)ctx->max_msg + PEER_MSG_HDR_LEN ||
        ctx->backoff_max_ms < ctx->backoff_min_ms || ctx->max_msg > INT32_MAX)
        goto fail;
    ctx->rules.type[PEER_TYPE_PING] = (struct peer_msg_rule){.known = true};
    ctx->rules.type[PEER_TYPE_PONG] = (struct peer_msg_rule){.known = true};
    ctx->rules.type[PEER_TYPE_HELLO] =
        (struct peer_msg_rule){.known = true, .min_len = PEER_HELLO_LEN, .max_len = 256};
    for (i = 0; i < cfg->n_handlers; i++) {
        const struct peer_handler *h = &cfg->handlers[i];
        uint32_t max = h->max_len != 0 ? h->max_len : ctx->max_msg;

        if (h->type < PEER_TYPE_USER || h->type > PEER_TYPE_MAX || h->fn == NULL ||
            ctx->rules.type[h->type].known || max > ctx->max_msg || h->min_len > max)
            goto fail;
        ctx->rules.type[h->type] =
            (struct peer_msg_rule){.known = true, .min_len = h->min_len, .max_len = max};
        ctx->fn[h->type] = h->fn;
    }
    rc = peer_tls_ctx_new(cfg, &ctx->ssl_ctx);
    if (rc < 0)
        goto fail;
    ev_prepare_init(&ctx->reap, reap_cb);
    ctx->reap.data = ctx;
    *out = ctx;
    return 0;
fail:
    free(ctx);
    return rc;
}

/* Close a connection without telling anyone: the peer is going away. */
static void conn_close_quiet(struct peer_conn *c)
{
    if (c->peer != NULL) {
        if (c->peer->conn == c)
            c->peer->conn = NULL;
        if (c->peer->dial == c)
            c->peer->dial = NULL;
        c->peer = NULL;
    }
    peer_conn_close(c, PEER_DOWN_LOCAL);
}

static void peer_detach(struct peer *p)
{
    struct peer_ctx *ctx = p->ctx;

    struct peer_conn *c, *next;

    ev_timer_stop(ctx->loop, &p->redial);
    if (p->conn != NULL)
        conn_close_quiet(p->conn);
    if (p->dial != NULL)
        conn_close_quiet(p->dial);
    for (c = ctx->pending; c != NULL; c = next) {
        next = c->next_pending;
        if (c->hello_peer == p)
            conn_close_quiet(c);
    }
    p->removed = true;
}

void peer_ctx_free(struct peer_ctx *ctx)
{
    struct peer *p;

    if (ctx == NULL)
        return;
    peer_ctx_listen_stop(ctx);
    while (ctx->pending != NULL)
        conn_close_quiet(ctx->pending);
    while ((p = ctx->peers) != NULL) {
        ctx->peers = p->next;
        peer_detach(p);
        peer_free_now(p);
    }
    while ((p = ctx->graveyard) != NULL) {
        ctx->graveyard = p->next;
        peer_free_now(p);
    }
    ev_prepare_stop(ctx->loop, &ctx->reap);
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}

const struct peer_ctx_counters *peer_ctx_counters(const struct peer_ctx *ctx)
{
    return &ctx->c;
}

/* ---- Listener --------------------------------------------------------------- */

void peer_pending_unlink(struct peer_ctx *ctx, struct peer_conn *c)
{
    struct peer_conn **pp;

    for (pp = &ctx->pending; *pp != NULL; pp = &(*pp)->next_pending) {
        if (*pp == c) {
            *pp = c->next_pending;
            c->next_pending = NULL;
            c->on_pending = false;
            ctx->n_pending--;
            return;
        }
    }
}

/* A connection in which we are the TLS server; the fd is consumed. */
static int conn_accepted(struct peer_ctx *ctx, int fd, const char *label)
{
    struct peer_conn *c;

    if (ctx->n_pending >= PEER_MAX_HANDSHAKES) {
        log_warnx("peer %s: %u handshakes under way already; dropped", label, ctx->n_pending);
        ctx->c.overflow++;
        close(fd);
        return -EAGAIN;
    }
    c = peer_conn_new(ctx, fd, NULL, false, label);
    if (c == NULL) {
        close(fd);
        return -ENOMEM;
    }
    c->on_pending = true;
    c->next_pending = ctx->pending;
    ctx->pending = c;
    ctx->n_pending++;
    ctx->c.accepted++;
    return 0;
}

static void listen_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct peer_ctx *ctx = w->data;
    struct sockaddr_storage ss;
    socklen_t len;
    char label[72];
    int fd, i;

    (void)loop;
    (void)revents;
    for (i = 0; i < 32; i++) {
        len = sizeof(ss);
        fd = accept4(ctx->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                log_warn("peer: accept");
            return;
        }
        sockaddr_str(&ss, label, sizeof(label));
        (void)conn_accepted(ctx, fd, label);
    }
}

int peer_ctx_listen(struct peer_ctx *ctx, const char *addr, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, one = 1, rc;

    if (ctx->lfd >= 0)
        return -EBUSY;
    if (sockaddr_parse(addr, port, &ss, &len) < 0)
        return -EINVAL;
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    ctx->lfd = fd;
    ev_io_init(&ctx->lio, listen_cb, fd, EV_READ);
    ctx->lio.data = ctx;
    ev_io_start(ctx->loop, &ctx->lio);
    return 0;
}

int peer_ctx_port(const struct peer_ctx *ctx)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (ctx->lfd < 0)
        return -ENOTCONN;
    if (getsockname(ctx->lfd, (struct sockaddr *)&ss, &len) < 0)
        return -errno;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

void peer_ctx_listen_stop(struct peer_ctx *ctx)
{
    if (ctx->lfd < 0)
        return;
    ev_io_stop(ctx->loop, &ctx->lio);
    close(ctx->lfd);
    ctx->lfd = -1;
}

/* ---- Dialling --------------------------------------------------------------- */

static void redial_in(struct peer *p, uint32_t ms)
{
    ev_timer_stop(p->ctx->loop, &p->redial);
    ev_timer_set(&p->redial, ms / 1000., 0.);
    ev_timer_start(p->ctx->loop, &p->redial);
}

/* Next attempt after the current backoff with jitter in [b/2, b]; then double it. */
static void redial_backoff(struct peer *p)
{
    uint32_t b = p->backoff_ms, ms = b / 2 + (uint32_t)(random() % (b / 2 + 1));

    p->backoff_ms = b >= p->ctx->backoff_max_ms / 2 ? p->ctx->backoff_max_ms : b * 2;
    redial_in(p, ms);
}

static void peer_dial(struct peer *p)
{
    struct peer_ctx *ctx = p->ctx;
    struct peer_conn *c;
    char label[72];
    int fd;

    p->c.connects++;
    if (p->dialled_once)
        p->c.reconnects++;
    p->dialled_once = true;
    fd = socket(p->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_warn("peer %s: socket", p->name);
        redial_backoff(p);
        return;
    }
    if (connect(fd, (struct sockaddr *)&p->sa, p->salen) < 0 && errno != EINPROGRESS) {
        sockaddr_str(&p->sa, label, sizeof(label));
        log_info("peer %s: connect to %s: %s", p->name, label, strerror(errno));
        close(fd);
        redial_backoff(p);
        return;
    }
    c = peer_conn_new(ctx, fd, p, true, p->name);
    if (c == NULL) {
        close(fd);
        redial_backoff(p);
        return;
    }
    p->dial = c;
}

static void peer_redial_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct peer *p = w->data;

    (void)loop;
    (void)revents;
    if (p->conn == NULL && p->dial == NULL && !p->removed)
        peer_dial(p);
}

/* ---- Sessions --------------------------------------------------------------- */

static const char *dialler(const struct peer_conn *c, const struct peer *p)
{
    return c->outgoing ? c->ctx->name : p->name;
}

void peer_on_auth(struct peer_conn *c, struct peer *p)
{
    struct peer_ctx *ctx = c->ctx;
    struct peer_conn *old = p->conn;

    if (c->on_pending)
        peer_pending_unlink(ctx, c);
    if (p->dial == c)
        p->dial = NULL;
    c->peer = p;
    if (old != NULL && strcmp(dialler(c, p), dialler(old, p)) > 0) {
        log_info("peer %s: keeping the connection %s dialled; closing the new one", p->name,
                 dialler(old, p));
        c->peer = NULL;
        peer_conn_close(c, PEER_DOWN_COLLISION);
        return;
    }
    if (!c->outgoing && p->dial != NULL && strcmp(p->name, ctx->name) < 0) {
        /* Its dial wins over ours whatever happens: stop ours. */
        conn_close_quiet(p->dial);
    }
    if (old != NULL) {
        log_info("peer %s: replacing its session by a connection %s dialled", p->name,
                 dialler(c, p));
        peer_conn_close(old, PEER_DOWN_COLLISION);
        if (p->removed) {
            c->peer = NULL;
            peer_conn_close(c, PEER_DOWN_LOCAL);
            return;
        }
    }
    ev_timer_stop(ctx->loop, &p->redial);
    p->conn = c;
    p->backoff_ms = ctx->backoff_min_ms;
    p->owe_writable = false;
    p->c.sessions++;
    peer_conn_up(c);
    log_info("peer %s: up (%s)", p->name, c->outgoing ? "we dialled" : "it dialled");
    if (ctx->ops.up != NULL)
        ctx->ops.up(p, ctx->arg);
}

void peer_on_down(struct peer *p, struct peer_conn *c, enum peer_down_reason why, bool was_up)
{
    struct peer_ctx *ctx = p->ctx;

    (void)c;
    if (was_up) {
        p->c.down[why]++;
        p->owe_writable = false;
        log_info("peer %s: down: %s", p->name, peer_down_reason_str(why));
    }
    if (p->salen > 0 && p->conn == NULL && p->dial == NULL && !p->removed) {
        if (was_up)
            p->backoff_ms = ctx->backoff_min_ms;
        redial_backoff(p);
    }
    if (was_up && ctx->ops.down != NULL)
        ctx->ops.down(p, why, ctx->arg);
}

void peer_count_refusal(struct peer_conn *c, enum peer_refuse why)
{
    if ((unsigned)why >= PEER_REFUSE_MAX)
        return;
    if (c->peer != NULL)
        c->peer->c.refused[why]++;
    else
        c->ctx->c.refused[why]++;
}

/* ---- Peers ------------------------------------------------------------------ */

int peer_add(struct peer_ctx *ctx, const char *name, const char *addr, uint16_t port,
             struct peer **out)
{
    struct peer *p;

    if (!name_ok(name) || strcmp(name, ctx->name) == 0)
        return -EINVAL;
    if (peer_find(ctx, name) != NULL)
        return -EEXIST;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return -ENOMEM;
    if (addr != NULL && sockaddr_parse(addr, port, &p->sa, &p->salen) < 0) {
        free(p);
        return -EINVAL;
    }
    p->ctx = ctx;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->backoff_ms = ctx->backoff_min_ms;
    ev_timer_init(&p->redial, peer_redial_cb, 0., 0.);
    p->redial.data = p;
    p->next = ctx->peers;
    ctx->peers = p;
    if (p->salen > 0) {
        /* The host whose name sorts first dials first; the other gives it a moment. */
        uint32_t defer = ctx->backoff_max_ms < 1000 ? ctx->backoff_max_ms : 1000;

        redial_in(p, strcmp(ctx->name, name) < 0 ? 0 : defer);
    }
    if (out != NULL)
        *out = p;
    return 0;
}

void peer_remove(struct peer *p)
{
    struct peer_ctx *ctx;
    struct peer **pp;

    if (p == NULL || p->removed)
        return;
    ctx = p->ctx;
    for (pp = &ctx->peers; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    peer_detach(p);
    p->next = ctx->graveyard;
    ctx->graveyard = p;
    ev_prepare_start(ctx->loop, &ctx->reap);
}

struct peer *peer_find(struct peer_ctx *ctx, const char *name)
{
    struct peer *p;

    if (name == NULL)
        return NULL;
    for (p = ctx->peers; p != NULL; p = p->next)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

const char *peer_name(const struct peer *p)
{
    return p->name;
}

bool peer_is_up(const struct peer *p)
{
    return p->conn != NULL;
}

struct peer_ctx *peer_get_ctx(const struct peer *p)
{
    return p->ctx;
}

const struct peer_counters *peer_counters(const struct peer *p)
{
    return &p->c;
}

size_t peer_queued(const struct peer *p)
{
    return p->conn != NULL ? p->conn->queued : 0;
}

int peer_attach_fd(struct peer_ctx *ctx, int fd, struct peer *p)
{
    struct peer_conn *c;
    char label[32];

    if (fd < 0)
        return -EBADF;
    snprintf(label, sizeof(label), "fd %d", fd);
    if (p == NULL)
        return conn_accepted(ctx, fd, label);
    if (p->ctx != ctx || p->removed) {
        close(fd);
        return -EINVAL;
    }
    if (p->dial != NULL) {
        close(fd);
        return -EBUSY;
    }
    c = peer_conn_new(ctx, fd, p, false, p->name);
    if (c == NULL) {
        close(fd);
        return -ENOMEM;
    }
    p->dial = c;
    return 0;
}

int peer_send(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len)
{
    struct peer_ctx *ctx = p->ctx;
    struct peer_conn *c = p->conn;

    if (c == NULL)
        return -ENOTCONN;
    if (type < PEER_TYPE_USER || type > PEER_TYPE_MAX || (payload == NULL && len > 0))
        return -EINVAL;
    if (len > ctx->max_msg || len > c->peer_max)
        return -EMSGSIZE;
    if (c->queued + PEER_MSG_HDR_LEN + len > ctx->out_limit) {
        p->c.enobufs++;
        p->owe_writable = true;
        return -ENOBUFS;
    }
    return peer_conn_queue(c, type, id, payload, len, true);
}

void peer_disconnect(struct peer *p)
{
    if (p->conn != NULL)
        peer_conn_close(p->conn, PEER_DOWN_LOCAL);
}
