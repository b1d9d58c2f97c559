/*
 * tls.c - OpenSSL for the peer channel: one SSL_CTX per context (TLS 1.3
 * only, mutual authentication against one CA, ALPN "vroom-peer/1", no session
 * tickets), one SSL per connection over a small socket BIO that never raises
 * SIGPIPE, and the name rules: a dialled peer must present the configured
 * name (SSL_set1_host, checked during the handshake); a peer that dialled us
 * must present the name of exactly one configured peer (X509_check_host).
 * Wildcards never match. The connection logic is in conn.c.
 */
#include "peer/peer_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"

#define PEER_HOSTFLAGS (X509_CHECK_FLAG_NO_WILDCARDS | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)

static const unsigned char peer_alpn[] = "\x0c" PEER_ALPN;

/* ---- A socket BIO that uses send(MSG_NOSIGNAL) ----------------------------- */

static BIO_METHOD *peer_bio_method;

static int bio_fd(BIO *b)
{
    return (int)(intptr_t)BIO_get_data(b);
}

static int bio_write(BIO *b, const char *buf, int len)
{
    ssize_t n = send(bio_fd(b), buf, (size_t)len, MSG_NOSIGNAL);

    BIO_clear_retry_flags(b);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)n;
}

static int bio_read(BIO *b, char *buf, int len)
{
    ssize_t n = recv(bio_fd(b), buf, (size_t)len, 0);

    BIO_clear_retry_flags(b);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        BIO_set_retry_read(b);
    else if (n == 0)
        BIO_set_flags(b, BIO_FLAGS_IN_EOF);
    return (int)n;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_EOF:
        /* How OpenSSL tells an EOF (a close, see SSL_OP_IGNORE_UNEXPECTED_EOF) from an error. */
        return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_DUP:
        return 1;
    default:
        return 0;
    }
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static BIO_METHOD *bio_method(void)
{
    BIO_METHOD *m;

    if (peer_bio_method != NULL)
        return peer_bio_method;
    m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vroom peer socket");
    if (m == NULL)
        return NULL;
    if (!BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
        !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create)) {
        BIO_meth_free(m);
        return NULL;
    }
    /* Kept for the life of the process: every SSL of every context shares it. */
    peer_bio_method = m;
    return m;
}

/* ---- Context --------------------------------------------------------------- */

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    unsigned char *sel;

    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&sel, outlen, peer_alpn, sizeof(peer_alpn) - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

static int file_errno(const char *path)
{
    if (path == NULL || path[0] == '\0')
        return -EINVAL;
    if (access(path, R_OK) < 0)
        return errno == EACCES ? -EACCES : -ENOENT;
    return 0;
}

static void log_ssl_errors(const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();

    if (e == 0) {
        log_warnx("peer: %s", what);
        return;
    }
    ERR_error_string_n(e, buf, sizeof(buf));
    log_warnx("peer: %s: %s", what, buf);
    ERR_clear_error();
}

int peer_tls_ctx_new(const struct peer_ctx_config *cfg, SSL_CTX **out)
{
    SSL_CTX *ctx;
    int rc;

    if ((rc = file_errno(cfg->cert_file)) < 0 || (rc = file_errno(cfg->key_file)) < 0 ||
        (rc = file_errno(cfg->ca_file)) < 0)
        return rc;
    if (bio_method() == NULL)
        return -ENOMEM;
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_method());
    if (ctx == NULL)
        return -ENOMEM;
    rc = -EPROTO;
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
        log_ssl_errors("cannot restrict to TLS 1.3");
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
        log_ssl_errors(cfg->cert_file);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1) {
        log_ssl_errors(cfg->key_file);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        log_ssl_errors("key does not match certificate");
        goto fail;
    }
    if (SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) != 1) {
        log_ssl_errors(cfg->ca_file);
        goto fail;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_verify_depth(ctx, 4);
    /* Peers reconnect with a full handshake: no tickets, no resumption. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    /* An EOF without close_notify reads as a close: the framing catches a cut message. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set_alpn_protos(ctx, peer_alpn, sizeof(peer_alpn) - 1) != 0) {
        log_ssl_errors("ALPN");
        goto fail;
    }
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    *out = ctx;
    return 0;
fail:
    SSL_CTX_free(ctx);
    return rc;
}

/* ---- Connections ------------------------------------------------------------ */

SSL *peer_tls_new(struct peer_ctx *ctx, int fd, const struct peer *expect)
{
    SSL *ssl = SSL_new(ctx->ssl_ctx);
    BIO *bio;

    if (ssl == NULL)
        return NULL;
    bio = BIO_new(bio_method());
    if (bio == NULL) {
        SSL_free(ssl);
        return NULL;
    }
    BIO_set_data(bio, (void *)(intptr_t)fd);
    SSL_set_bio(ssl, bio, bio);
    if (expect != NULL) {
        SSL_set_connect_state(ssl);
        SSL_set_hostflags(ssl, PEER_HOSTFLAGS);
        if (SSL_set1_host(ssl, expect->name) != 1 ||
            SSL_set_tlsext_host_name(ssl, expect->name) != 1) {
            SSL_free(ssl);
            return NULL;
        }
    } else {
        SSL_set_accept_state(ssl);
    }
    return ssl;
}

static bool cert_names(X509 *cert, const char *name)
{
    return X509_check_host(cert, name, strlen(name), PEER_HOSTFLAGS, NULL) == 1;
}

struct peer *peer_tls_identify(struct peer_conn *c, enum peer_refuse *why)
{
    X509 *cert = SSL_get0_peer_certificate(c->ssl);
    const unsigned char *alpn;
    unsigned alpnlen;
    struct peer *p, *found = NULL;
    int n = 0;

    *why = PEER_REFUSE_TLS;
    if (SSL_version(c->ssl) != TLS1_3_VERSION || cert == NULL ||
        SSL_get_verify_result(c->ssl) != X509_V_OK)
        return NULL;
    SSL_get0_alpn_selected(c->ssl, &alpn, &alpnlen);
    if (alpnlen != strlen(PEER_ALPN) || memcmp(alpn, PEER_ALPN, alpnlen) != 0)
        return NULL;
    *why = PEER_REFUSE_NAME;
    if (c->outgoing)
        return c->peer != NULL && cert_names(cert, c->peer->name) ? c->peer : NULL;
    for (p = c->ctx->peers; p != NULL; p = p->next) {
        if (cert_names(cert, p->name)) {
            found = p;
            n++;
        }
    }
    /* A certificate that names two configured peers could stand for either. */
    return n == 1 ? found : NULL;
}

bool peer_tls_name_refusal(SSL *ssl)
{
    return SSL_get_verify_result(ssl) == X509_V_ERR_HOSTNAME_MISMATCH;
}

void peer_tls_error(SSL *ssl, char *buf, size_t len)
{
    long v = SSL_get_verify_result(ssl);
    unsigned long e = ERR_peek_last_error();
    char ebuf[200] = "";

    if (e != 0)
        ERR_error_string_n(e, ebuf, sizeof(ebuf));
    if (v != X509_V_OK)
        snprintf(buf, len, "certificate: %s%s%s", X509_verify_cert_error_string(v),
                 e != 0 ? "; " : "", ebuf);
    else if (e != 0)
        snprintf(buf, len, "%s", ebuf);
    else
        snprintf(buf, len, "%s", errno != 0 ? strerror(errno) : "connection closed");
    ERR_clear_error();
}
