/*
 * peer_impl.h - the private side of the peer channel, shared by peer.c (the
 * context, configured peers, listener, dialling and backoff), conn.c (one
 * connection: handshake, reading, writing, keepalive) and tls.c (OpenSSL set-up
 * and the authentication rules). Nothing here is part of the API (peer.h).
 */
#ifndef VROOM_PEER_IMPL_H
#define VROOM_PEER_IMPL_H

#include <ev.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include "peer/msg.h"
#include "peer/peer.h"

#define PEER_MAX_HANDSHAKES 64         /* unauthenticated connections at once */
#define PEER_READ_BUDGET    (1u << 20) /* bytes read per wake-up before yielding */
#define PEER_WRITE_BUDGET   (2u << 20) /* bytes written per wake-up before yielding */
#define PEER_WRITE_CHUNK    (256u << 10)
#define PEER_WBUF           16384 /* small messages are packed into one TLS record */
#define PEER_ALPN           "vroom-peer/1"
#define PEER_VERSION        1

/* One queued message: header and payload, contiguous. */
struct peer_out {
    struct peer_out *next;
    size_t len;
    bool user; /* counted in msgs_out */
    uint8_t data[];
};

enum conn_state {
    CONN_CONNECTING, /* TCP connect in progress */
    CONN_HANDSHAKE,  /* TLS handshake */
    CONN_HELLO,      /* TLS done and the certificate checked; waiting for the peer's HELLO */
    CONN_UP,         /* authenticated; peer's session */
    CONN_DEAD,       /* closed, waiting to be freed */
};

struct peer_conn {
    struct peer_ctx *ctx;
    struct peer *peer;              /* the configured peer: from the start when dialling, once
                                       authenticated when accepted; NULL when detached */
    struct peer_conn *next_pending; /* ctx->pending: accepted, not yet authenticated */
    int fd;
    SSL *ssl;
    bool outgoing;   /* we are the TLS client (we dialled, or attached with a peer) */
    bool on_pending; /* in ctx->pending */
    char label[72];  /* for log lines until the peer is known: address or fd */
    enum conn_state state;
    int busy; /* inside a callback: free is deferred */
    ev_io io;
    ev_timer timer;  /* connect/handshake deadline, then the keepalive tick */
    ev_idle more;    /* TLS holds input after a read budget ran out */
    unsigned missed; /* keepalive intervals with nothing read */
    bool read_wants_write;
    bool write_wants_read;
    struct peer *hello_peer; /* accepted: the peer the certificate names, until up */
    uint32_t peer_max;       /* the largest payload the peer accepts (its HELLO) */
    struct peer_rx rx;
    struct peer_out *out_head, *out_tail;
    size_t out_off; /* bytes of out_head already passed to TLS */
    size_t queued;  /* bytes queued, out_head's sent part excluded */
    uint8_t *wbuf;  /* packed small messages waiting to be written */
    size_t wlen, woff;
};

struct peer {
    struct peer_ctx *ctx;
    struct peer *next;
    char name[PEER_NAME_MAX + 1];
    struct sockaddr_storage sa;
    socklen_t salen;        /* 0: not dialled */
    struct peer_conn *conn; /* the session, CONN_UP */
    struct peer_conn *dial; /* our outgoing attempt, not yet up */
    ev_timer redial;
    uint32_t backoff_ms;
    bool owe_writable; /* peer_send() said -ENOBUFS */
    bool dialled_once;
    bool removed; /* peer_remove()d: freed at the next loop iteration */
    struct peer_counters c;
};

struct peer_ctx {
    struct ev_loop *loop;
    char name[PEER_NAME_MAX + 1];
    SSL_CTX *ssl_ctx;
    struct peer_ops ops;
    void *arg;
    peer_msg_fn fn[PEER_TYPE_MAX + 1];
    struct peer_msg_rules rules;
    uint32_t max_msg;
    size_t out_limit;
    ev_tstamp keepalive;
    uint32_t dead_after;
    uint32_t backoff_min_ms, backoff_max_ms;
    ev_tstamp handshake;
    struct peer *peers;
    struct peer *graveyard; /* removed peers, freed from `reap` */
    ev_prepare reap;
    struct peer_conn *pending;
    unsigned n_pending;
    int lfd; /* listener, -1 if none */
    ev_io lio;
    struct peer_ctx_counters c;
};

/* tls.c */
int peer_tls_ctx_new(const struct peer_ctx_config *cfg, SSL_CTX **out);
SSL *peer_tls_new(struct peer_ctx *ctx, int fd, const struct peer *expect);
/* After the handshake: the configured peer the certificate names, or NULL with *why set. */
struct peer *peer_tls_identify(struct peer_conn *c, enum peer_refuse *why);
/* The reason OpenSSL gave for a failure, for a log line. */
void peer_tls_error(SSL *ssl, char *buf, size_t len);
bool peer_tls_name_refusal(SSL *ssl);

/* conn.c */
struct peer_conn *peer_conn_new(struct peer_ctx *ctx, int fd, struct peer *p, bool connecting,
                                const char *label);
/* Close (once) and tell peer.c; freed now, or when the callback it is in returns. */
void peer_conn_close(struct peer_conn *c, enum peer_down_reason why);
/* The handshake is done and the peer is known: start the session. */
void peer_conn_up(struct peer_conn *c);
int peer_conn_queue(struct peer_conn *c, uint16_t type, uint64_t id, const void *payload,
                    size_t len, bool user);

/* peer.c: what conn.c reports */
void peer_on_auth(struct peer_conn *c, struct peer *p);
void peer_on_down(struct peer *p, struct peer_conn *c, enum peer_down_reason why, bool was_up);
void peer_pending_unlink(struct peer_ctx *ctx, struct peer_conn *c);
void peer_count_refusal(struct peer_conn *c, enum peer_refuse why);
const char *peer_conn_label(const struct peer_conn *c);

#endif
