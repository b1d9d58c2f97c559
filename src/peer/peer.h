/*
 * peer.h - the authenticated peer channel between vroomds (one per host).
 *
 * TCP, TLS 1.3 only, mutual authentication against one CA: a peer is known by
 * the name in its certificate (subjectAltName DNS, or CN when there is no SAN),
 * which must equal the name it was configured with. Over the channel go typed,
 * length-checked messages (msg.h has the framing): a 16-byte header {type,
 * flags, length, id} in network byte order, then the payload. A message that
 * is short, too long, of a type no handler is registered for, or that a
 * handler refuses, is logged and closes the connection: nothing from outside
 * is trusted. Everything is non-blocking and runs on the caller's libev loop;
 * big messages (up to max_msg, 16 MiB by default) are streamed a slice at a
 * time, and output is bounded: peer_send() says -ENOBUFS when a peer's queue
 * is full and the writable callback says when there is room again.
 *
 * A context (struct peer_ctx, one per daemon) holds the host's identity, the
 * handlers, an optional listener and the configured peers (struct peer). A
 * peer with an address is dialled, and redialled with exponential backoff and
 * jitter; a peer without one only waits to be dialled. An application-level
 * ping finds dead peers. See docs/peer.md.
 *
 * Every function must be called from the loop's thread. Functions returning
 * int return 0 on success or a negative errno. x_free(NULL) does nothing.
 * Callbacks (handlers, up, down, writable) may call peer_send(),
 * peer_disconnect() and peer_remove() (a removed peer's memory stays valid
 * until the loop's next iteration), but not peer_ctx_free().
 */
#ifndef VROOM_PEER_PEER_H
#define VROOM_PEER_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct peer_ctx;
struct peer;

/* Message types 0..PEER_TYPE_USER-1 belong to the channel (ping, pong, hello). */
#define PEER_TYPE_USER 16
/* Handlers may be registered for types PEER_TYPE_USER..PEER_TYPE_MAX. */
#define PEER_TYPE_MAX 1023

#define PEER_NAME_MAX 64 /* longest peer name, without the NUL */

/*
 * A message handler. payload is valid only during the call (NULL when len is
 * 0). Return 0, or a negative errno to refuse the message: the connection is
 * then closed as for any refused message (PEER_REFUSE_HANDLER).
 */
typedef int (*peer_msg_fn)(struct peer *p, uint16_t type, uint64_t id, const void *payload,
                           size_t len, void *arg);

struct peer_handler {
    uint16_t type;    /* PEER_TYPE_USER..PEER_TYPE_MAX */
    uint32_t min_len; /* shorter payloads are refused */
    uint32_t max_len; /* longer payloads are refused; 0: the context's max_msg */
    peer_msg_fn fn;
};

/* Why a session ended (the down callback, peer_down_reason_str()). */
enum peer_down_reason {
    PEER_DOWN_CLOSED = 0, /* the peer closed the connection */
    PEER_DOWN_IO,         /* a socket or TLS error */
    PEER_DOWN_REFUSED,    /* we refused a message (see the refusal counters) */
    PEER_DOWN_TIMEOUT,    /* keepalives missed */
    PEER_DOWN_COLLISION,  /* both hosts dialled; the other connection was kept */
    PEER_DOWN_LOCAL,      /* peer_remove(), peer_ctx_free() */
    PEER_DOWN_MAX,
};

/* Why something from outside was refused (counters, peer_refuse_str()). */
enum peer_refuse {
    PEER_REFUSE_SHORT = 0, /* payload shorter than the type's min_len */
    PEER_REFUSE_LONG,      /* length over the type's max_len or the context's max_msg */
    PEER_REFUSE_TYPE,      /* no handler for the type */
    PEER_REFUSE_FLAGS,     /* flags bits we do not know */
    PEER_REFUSE_HANDLER,   /* the handler returned an error */
    PEER_REFUSE_TRUNCATED, /* the connection ended inside a message */
    PEER_REFUSE_TLS,       /* handshake failed: no or bad certificate, old TLS, ... */
    PEER_REFUSE_NAME,      /* certificate name is not the configured peer's (or no peer's) */
    PEER_REFUSE_HANDSHAKE_TIMEOUT, /* connect, handshake or hello took too long */
    PEER_REFUSE_HELLO,             /* no HELLO first, a second HELLO, or another version */
    PEER_REFUSE_MAX,
};

struct peer_counters {
    uint64_t msgs_in, msgs_out;   /* user messages (pings not counted) */
    uint64_t bytes_in, bytes_out; /* application bytes incl. headers and pings */
    uint64_t sessions;            /* sessions that came up */
    uint64_t connects;            /* outgoing connection attempts */
    uint64_t reconnects;          /* attempts after a failure or a lost session */
    uint64_t enobufs;             /* peer_send() refused for a full queue */
    uint64_t down[PEER_DOWN_MAX];
    uint64_t refused[PEER_REFUSE_MAX];
};

/* Counters of what the context could not attribute to a configured peer. */
struct peer_ctx_counters {
    uint64_t accepted; /* connections accepted or attached as server */
    uint64_t overflow; /* accepted connections dropped: too many handshakes */
    uint64_t refused[PEER_REFUSE_MAX];
};

struct peer_ops {
    /* The session is up: authenticated, name verified. peer_name(p) is it. */
    void (*up)(struct peer *p, void *arg);
    /* The session ended; queued output is dropped. Not called from peer_remove(). */
    void (*down)(struct peer *p, enum peer_down_reason why, void *arg);
    /* After a peer_send() -ENOBUFS, the queue has drained below half the limit. */
    void (*writable)(struct peer *p, void *arg);
};

struct peer_ctx_config {
    const char *name;      /* this host's name, as in its certificate */
    const char *cert_file; /* PEM: this host's certificate (and chain) */
    const char *key_file;  /* PEM: its private key */
    const char *ca_file;   /* PEM: the CA every peer's certificate must chain to */
    const struct peer_handler *handlers;
    size_t n_handlers;
    struct peer_ops ops;
    void *arg;               /* passed to ops and handlers */
    uint32_t max_msg;        /* largest payload; 0: 16 MiB */
    size_t out_limit;        /* queued output per peer; 0: 2 * (max_msg + header) */
    uint32_t keepalive_ms;   /* ping interval; 0: 5000 */
    uint32_t dead_after;     /* missed intervals before a peer is dead; 0: 3 */
    uint32_t backoff_min_ms; /* first redial delay; 0: 100 */
    uint32_t backoff_max_ms; /* redial delay cap; 0: 10000 */
    uint32_t handshake_ms;   /* connect + TLS handshake deadline; 0: 10000 */
};

/*
 * Create a context on `loop`: loads and checks the certificate, key and CA
 * (the key must match the certificate). Handlers are copied. Returns 0 and
 * *out, -EINVAL for a bad config (name, handler type twice or out of range,
 * out_limit below one largest message), -ENOENT/-EACCES for unreadable files,
 * -EPROTO for files OpenSSL refuses, -ENOMEM.
 */
int peer_ctx_new(struct ev_loop *loop, const struct peer_ctx_config *cfg, struct peer_ctx **out);

/* Close every connection (no down callbacks), the listener, and free. */
void peer_ctx_free(struct peer_ctx *ctx);

/*
 * Listen on a numeric address and port ("0.0.0.0", "::1", port 0 for any).
 * One listener per context. Returns 0, -EBUSY if listening already, -EINVAL
 * for a bad address, or the -errno of socket/bind/listen. peer_ctx_port()
 * then says the bound port.
 */
int peer_ctx_listen(struct peer_ctx *ctx, const char *addr, uint16_t port);
int peer_ctx_port(const struct peer_ctx *ctx);
/* Stop listening; established sessions stay. */
void peer_ctx_listen_stop(struct peer_ctx *ctx);

const struct peer_ctx_counters *peer_ctx_counters(const struct peer_ctx *ctx);

/*
 * Configure a peer. addr (numeric IPv4 or IPv6, no DNS) and port: where to
 * dial it; addr NULL: it only dials us. Dialling starts at once when our name
 * sorts before the peer's, after one backoff_max otherwise, so that two hosts
 * that list each other usually make one connection. Returns 0 and *out (owned
 * by ctx: gone with peer_remove() or peer_ctx_free()), -EEXIST for a known
 * name, -EINVAL for a bad name or address.
 */
int peer_add(struct peer_ctx *ctx, const char *name, const char *addr, uint16_t port,
             struct peer **out);

/* Forget a peer: close its connections and free it (no down callback). */
void peer_remove(struct peer *p);

struct peer *peer_find(struct peer_ctx *ctx, const char *name);
const char *peer_name(const struct peer *p);
bool peer_is_up(const struct peer *p);
struct peer_ctx *peer_get_ctx(const struct peer *p);
const struct peer_counters *peer_counters(const struct peer *p);
/* Bytes queued for the peer and not yet written to its socket. */
size_t peer_queued(const struct peer *p);

/*
 * Take an already-connected stream socket (a socketpair, a connection made
 * elsewhere) and run the TLS handshake on it. p non-NULL: we are the TLS
 * client and the other end must be p; p NULL: we are the server and the other
 * end must present the name of some configured peer. The fd is ours from the
 * call on, whatever the result. Returns 0 (the handshake goes on in the loop),
 * -EBADF, -ENOMEM.
 */
int peer_attach_fd(struct peer_ctx *ctx, int fd, struct peer *p);

/*
 * Queue one message for an up peer (the payload is copied). Returns 0,
 * -ENOTCONN when no session is up, -EINVAL for a type out of range,
 * -EMSGSIZE over max_msg, -ENOBUFS when the queue would pass out_limit (the
 * writable callback follows once it has drained to half).
 */
int peer_send(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len);

/* Close the current session if any (down callback with PEER_DOWN_LOCAL); redial as usual. */
void peer_disconnect(struct peer *p);

const char *peer_down_reason_str(enum peer_down_reason why);
const char *peer_refuse_str(enum peer_refuse why);

#endif
