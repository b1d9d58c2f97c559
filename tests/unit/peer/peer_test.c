/*
 * peer_test.c - shared helpers of the peer channel tests. See peer_test.h.
 */
#include "peer_test.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

char pt_dir[64];

static int pt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int pt_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

void pt_certs_make(void)
{
    /* The raw client writes with plain write(); the channel itself never raises SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    strcpy(pt_dir, "/tmp/vroomtest-peer-XXXXXX");
    assert_non_null(mkdtemp(pt_dir));
    assert_int_equal(pt_sh("%s %s a b c >/dev/null 2>&1", MKCERTS, pt_dir), 0);
    assert_int_equal(pt_sh("%s %s/other b >/dev/null 2>&1 && cp %s/other/ca.pem %s/other.pem &&"
                           " cp %s/other/b.pem %s/evil-b.pem && cp %s/other/b.key %s/evil-b.key",
                           MKCERTS, pt_dir, pt_dir, pt_dir, pt_dir, pt_dir, pt_dir, pt_dir),
                     0);
    /* d: a certificate with a CN and no subjectAltName, from the same CA. */
    assert_int_equal(
        pt_sh("cd %s && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "
              "d.key 2>/dev/null && openssl req -new -key d.key -subj /CN=d -out d.csr && "
              "openssl x509 -req -in d.csr -CA ca.pem -CAkey ca.key -CAserial ca.srl -days 2 "
              "-out d.pem 2>/dev/null",
              pt_dir),
        0);
}

void pt_certs_remove(void)
{
    if (pt_dir[0] != '\0' && strncmp(pt_dir, "/tmp/vroomtest-peer-", 20) == 0)
        pt_sh("rm -rf '%s'", pt_dir);
    pt_dir[0] = '\0';
}

const char *pt_file(const char *name, const char *ext)
{
    static char buf[4][160];
    static int i;
    char *b = buf[i++ % 4];

    snprintf(b, sizeof(buf[0]), "%s/%s.%s", pt_dir, name, ext);
    return b;
}

/* ---- Test hosts ------------------------------------------------------------- */

void pt_pattern(uint8_t *buf, size_t len, uint64_t seq)
{
    uint32_t x = (uint32_t)seq * 2654435761u + 1;
    size_t i;

    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
}

bool pt_pattern_check(const uint8_t *buf, size_t len, uint64_t seq)
{
    uint32_t x = (uint32_t)seq * 2654435761u + 1;
    size_t i;

    for (i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        if (buf[i] != (uint8_t)(x >> 16))
            return false;
    }
    return true;
}

static void on_up(struct peer *p, void *arg)
{
    struct pt_host *h = arg;

    h->ups++;
    snprintf(h->last_up, sizeof(h->last_up), "%s", peer_name(p));
}

static void on_down(struct peer *p, enum peer_down_reason why, void *arg)
{
    struct pt_host *h = arg;

    (void)p;
    h->downs++;
    h->last_down = why;
}

static void on_writable(struct peer *p, void *arg)
{
    struct pt_host *h = arg;

    h->writables++;
    if (h->on_writable != NULL)
        h->on_writable(h, p);
}

static int record(struct pt_host *h, uint16_t type, uint64_t id, const void *payload, size_t len)
{
    (void)payload;
    h->msgs++;
    h->bytes += len;
    h->last_type = type;
    h->last_id = id;
    h->last_len = len;
    return 0;
}

static int h_data(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                  void *arg)
{
    struct pt_host *h = arg;

    (void)p;
    if (!pt_pattern_check(payload, len, id))
        h->pattern_ok = false;
    return record(h, type, id, payload, len);
}

static int h_small(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                   void *arg)
{
    (void)p;
    return record(arg, type, id, payload, len);
}

static int h_refuse(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                    void *arg)
{
    (void)p;
    record(arg, type, id, payload, len);
    return -EBADMSG;
}

static int h_echo(struct peer *p, uint16_t type, uint64_t id, const void *payload, size_t len,
                  void *arg)
{
    record(arg, type, id, payload, len);
    return peer_send(p, PT_T_DATA, id, payload, len) == 0 ? 0 : -EIO;
}

static const struct peer_handler pt_handlers[] = {
    {.type = PT_T_DATA, .fn = h_data},
    {.type = PT_T_SMALL, .min_len = 8, .max_len = 64, .fn = h_small},
    {.type = PT_T_REFUSE, .fn = h_refuse},
    {.type = PT_T_ECHO, .max_len = 65536, .fn = h_echo},
};

int pt_host_try(struct pt_host *h, struct ev_loop *loop, const char *name, const char *cert,
                const char *ca, const struct peer_ctx_config *cfg)
{
    struct peer_ctx_config c = {0};

    if (cfg != NULL)
        c = *cfg;
    memset(h, 0, sizeof(*h));
    h->loop = loop;
    h->pattern_ok = true;
    c.name = name;
    c.cert_file = pt_file(cert, "pem");
    c.key_file = pt_file(cert, "key");
    c.ca_file = pt_file(ca, "pem");
    c.handlers = pt_handlers;
    c.n_handlers = sizeof(pt_handlers) / sizeof(pt_handlers[0]);
    c.ops.up = on_up;
    c.ops.down = on_down;
    c.ops.writable = on_writable;
    c.arg = h;
    return peer_ctx_new(loop, &c, &h->ctx);
}

void pt_host_init(struct pt_host *h, struct ev_loop *loop, const char *name, const char *cert,
                  const char *ca, const struct peer_ctx_config *cfg)
{
    assert_int_equal(pt_host_try(h, loop, name, cert, ca, cfg), 0);
}

void pt_host_fini(struct pt_host *h)
{
    peer_ctx_free(h->ctx);
    h->ctx = NULL;
}

double pt_scale(void)
{
    const char *s = getenv("VROOM_TEST_TIME_SCALE");
    double v = s != NULL ? atof(s) : 1.;

    return v >= 1. ? v : 1.;
}

/* ---- Running loops ---------------------------------------------------------- */

static double now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)w;
    (void)revents;
}

bool pt_run_until(struct ev_loop **loops, int n, bool (*pred)(void *arg), void *arg, double timeout)
{
    double end = now() + timeout * pt_scale();
    ev_timer tick;
    int i;

    if (n == 1) {
        /* One loop: block in it, woken at least every 5 ms to look at pred. */
        ev_timer_init(&tick, tick_cb, 0.005, 0.005);
        ev_timer_start(loops[0], &tick);
        while (!(pred != NULL && pred(arg)) && now() < end)
            ev_run(loops[0], EVRUN_ONCE);
        ev_timer_stop(loops[0], &tick);
    } else {
        while (!(pred != NULL && pred(arg)) && now() < end) {
            for (i = 0; i < n; i++)
                ev_run(loops[i], EVRUN_NOWAIT);
            usleep(200);
        }
    }
    return pred != NULL && pred(arg);
}

bool pt_run1(struct ev_loop *loop, bool (*pred)(void *arg), void *arg, double timeout)
{
    return pt_run_until(&loop, 1, pred, arg, timeout);
}

void pt_run_for(struct ev_loop **loops, int n, double secs)
{
    pt_run_until(loops, n, NULL, NULL, secs);
}

void pt_pair(struct pt_host *client, const char *server_name, struct pt_host *server)
{
    struct peer *p = peer_find(client->ctx, server_name);
    int sv[2];

    assert_non_null(p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_int_equal(peer_attach_fd(client->ctx, sv[0], p), 0);
    assert_int_equal(peer_attach_fd(server->ctx, sv[1], NULL), 0);
}

/* ---- A raw TLS client --------------------------------------------------------- */

static void *raw_main(void *arg)
{
    static const unsigned char alpn[] = "\x0cvroom-peer/1";
    struct pt_raw *r = arg;
    struct timeval tv = {.tv_sec = 10};
    SSL_CTX *sctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl;
    char buf[4096], path[160];
    int n;

    setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (r->max_version != 0)
        SSL_CTX_set_max_proto_version(sctx, r->max_version);
    if (r->cert != NULL) {
        snprintf(path, sizeof(path), "%s/%s.pem", pt_dir, r->cert);
        SSL_CTX_use_certificate_chain_file(sctx, path);
        snprintf(path, sizeof(path), "%s/%s.key", pt_dir, r->cert);
        SSL_CTX_use_PrivateKey_file(sctx, path, SSL_FILETYPE_PEM);
    }
    if (r->ca != NULL) {
        snprintf(path, sizeof(path), "%s/%s.pem", pt_dir, r->ca);
        SSL_CTX_load_verify_locations(sctx, path, NULL);
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    }
    if (!r->no_alpn)
        SSL_CTX_set_alpn_protos(sctx, alpn, sizeof(alpn) - 1);
    ssl = SSL_new(sctx);
    SSL_set_fd(ssl, r->fd);
    r->connect_ok = SSL_connect(ssl) == 1;
    if (r->connect_ok && r->send_len > 0)
        r->wrote = SSL_write(ssl, r->send, (int)r->send_len);
    if (r->shut_wr)
        shutdown(r->fd, SHUT_WR);
    /* Read until the server ends it (or the 10 s timeout). */
    for (;;) {
        n = SSL_read(ssl, buf, sizeof(buf));
        if (n <= 0) {
            r->closed = SSL_get_error(ssl, n) != SSL_ERROR_WANT_READ || errno != EAGAIN;
            break;
        }
    }
    SSL_free(ssl);
    SSL_CTX_free(sctx);
    ERR_clear_error();
    close(r->fd);
    return NULL;
}

void pt_raw_start(struct pt_raw *r)
{
    assert_int_equal(pthread_create(&r->thread, NULL, raw_main, r), 0);
}

void pt_raw_join(struct pt_raw *r)
{
    pthread_join(r->thread, NULL);
}
