/*
 * peer_test.h - what the peer channel tests share (peer_test.c): throwaway
 * certificates made with tools/mkcerts in a temporary directory, a test host
 * (a context on a loop that records what it sees), a loop pump with a
 * deadline, and a raw TLS client to send what a well-behaved peer never would.
 */
#ifndef VROOM_TEST_PEER_TEST_H
#define VROOM_TEST_PEER_TEST_H

#include <ev.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer/msg.h"
#include "peer/peer.h"

/* Message types the test hosts know. */
enum {
    PT_T_DATA = PEER_TYPE_USER, /* any length; recorded */
    PT_T_SMALL,                 /* 8..64 bytes */
    PT_T_REFUSE,                /* the handler refuses it */
    PT_T_ECHO,                  /* answered with PT_T_DATA, same id and payload */
};

/* Certificates: CA "ca" with hosts a, b, c, d (d: CN only, no SAN), and a
 * second CA "other" with a host named b. */
extern char pt_dir[];
void pt_certs_make(void);
void pt_certs_remove(void);
/* pt_dir/NAME.EXT in a static buffer (four rotating slots). */
const char *pt_file(const char *name, const char *ext);

struct pt_host {
    struct ev_loop *loop;
    struct peer_ctx *ctx;
    int ups, downs, writables;
    enum peer_down_reason last_down;
    char last_up[PEER_NAME_MAX + 1];
    uint64_t msgs, bytes, last_id;
    uint16_t last_type;
    size_t last_len;
    bool pattern_ok; /* every PT_T_DATA payload followed pt_pattern() */
    void (*on_writable)(struct pt_host *h, struct peer *p);
    void *user;
};

/* Fill buf with the pattern for message `seq`; pt_pattern_check() verifies. */
void pt_pattern(uint8_t *buf, size_t len, uint64_t seq);
bool pt_pattern_check(const uint8_t *buf, size_t len, uint64_t seq);

/* cfg may be NULL for defaults; its name, files, handlers, ops and arg are set here.
 * cert: the certificate/key base name in pt_dir (usually name); ca: "ca" or "other". */
void pt_host_init(struct pt_host *h, struct ev_loop *loop, const char *name, const char *cert,
                  const char *ca, const struct peer_ctx_config *cfg);
int pt_host_try(struct pt_host *h, struct ev_loop *loop, const char *name, const char *cert,
                const char *ca, const struct peer_ctx_config *cfg);
void pt_host_fini(struct pt_host *h);

/* How much slower than usual this run is: $VROOM_TEST_TIME_SCALE (e.g. 20
 * under valgrind), 1 by default. Tests with tight timers multiply by it. */
double pt_scale(void);

/* Run loops until pred(arg) or timeout seconds. Returns pred's last answer. */
bool pt_run_until(struct ev_loop **loops, int n, bool (*pred)(void *arg), void *arg,
                  double timeout);
bool pt_run1(struct ev_loop *loop, bool (*pred)(void *arg), void *arg, double timeout);
/* Run for a while whatever happens. */
void pt_run_for(struct ev_loop **loops, int n, double secs);

/* Connect two hosts over a socketpair: `client` dials as peer `server_name`. */
void pt_pair(struct pt_host *client, const char *server_name, struct pt_host *server);

/* A raw TLS client on a thread, over a socketpair end. */
struct pt_raw {
    int fd;
    const char *cert; /* base name in pt_dir of the certificate and key; NULL: none */
    const char *ca;   /* base name of the CA to verify the server with; NULL: do not */
    int max_version;  /* 0 or e.g. TLS1_2_VERSION */
    bool no_alpn;
    bool shut_wr; /* shut the sending side after `send` (an EOF for the server) */
    const uint8_t *send;
    size_t send_len;
    /* results */
    int connect_ok;
    int wrote;
    bool closed; /* the server ended the connection */
    pthread_t thread;
};
void pt_raw_start(struct pt_raw *r);
void pt_raw_join(struct pt_raw *r);

#endif
