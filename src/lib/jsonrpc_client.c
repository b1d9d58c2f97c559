/*
 * jsonrpc_client.c - the small synchronous JSON-RPC client (jsonrpc.h) used
 * by vroomctl and the tests: one request at a time, newline framing, a
 * deadline per call. While a large request is being written, replies and
 * notifications are read at the same time, so neither side can wedge the
 * other on full socket buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/jsonrpc_impl.h"

#define CLIENT_MAX_MSG ((size_t)1 << 30) /* longest response accepted */

struct jsonrpc_client {
    int fd;
    int timeout_ms; /* 0: none */
    uint64_t next_id;
    struct jsonrpc_buf in;
    size_t scanned;
    bool eof; /* the server closed its side; what is in `in` may still be read */
    jsonrpc_notify_fn notify_fn;
    void *notify_ctx;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct jsonrpc_client *jsonrpc_client_connect(const char *path, int timeout_ms)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct jsonrpc_client *c;
    struct timeval tv;
    int fd, e;

    if (path == NULL || strlen(path) >= sizeof(sa.sun_path)) {
        errno = path == NULL ? EINVAL : ENAMETOOLONG;
        return NULL;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    if (timeout_ms > 0) { /* a full backlog makes a Unix connect() wait */
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
        e = errno == EINPROGRESS ? ETIMEDOUT : errno;
        close(fd);
        errno = e;
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    c->fd = fd;
    c->timeout_ms = timeout_ms;
    return c;
}

void jsonrpc_client_free(struct jsonrpc_client *c)
{
    if (c == NULL)
        return;
    if (c->fd >= 0)
        close(c->fd);
    jsonrpc_buf_release(&c->in);
    free(c);
}

void jsonrpc_client_on_notify(struct jsonrpc_client *c, jsonrpc_notify_fn fn, void *ctx)
{
    c->notify_fn = fn;
    c->notify_ctx = ctx;
}

/* Read what is there into c->in. 0 (c->eof set at end of stream), or -errno. */
static int client_read(struct jsonrpc_client *c)
{
    char chunk[65536];
    ssize_t n;

    for (;;) {
        n = read(c->fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -errno;
        }
        if (n == 0) {
            c->eof = true;
            return 0;
        }
        if (c->in.len + (size_t)n > CLIENT_MAX_MSG)
            return -EMSGSIZE;
        if (jsonrpc_buf_append(&c->in, chunk, (size_t)n) < 0)
            return -ENOMEM;
        if ((size_t)n < sizeof(chunk))
            return 0;
    }
}

/* Wait for events until the deadline (-1: none). 0, or -ETIMEDOUT / -errno. */
static int client_wait(struct jsonrpc_client *c, short events, int64_t deadline, short *revents)
{
    struct pollfd p = {.fd = c->fd, .events = events};
    int64_t left;
    int n;

    for (;;) {
        left = deadline < 0 ? -1 : deadline - now_ms();
        if (deadline >= 0 && left <= 0)
            return -ETIMEDOUT;
        n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n > 0) {
            *revents = p.revents;
            return 0;
        }
    }
}

/* Send the whole request, reading whatever arrives meanwhile. */
static int client_send(struct jsonrpc_client *c, const char *data, size_t len, int64_t deadline)
{
    short rev;
    ssize_t n;
    int rc;

    while (len > 0) {
        rc = client_wait(c, POLLIN | POLLOUT, deadline, &rev);
        if (rc < 0)
            return rc;
        if (rev & (POLLIN | POLLHUP)) {
            rc = client_read(c);
            if (rc < 0)
                return rc;
        }
        if (c->eof || (rev & POLLERR))
            return -ECONNRESET;
        if (!(rev & POLLOUT))
            continue;
        n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            return errno == EPIPE ? -ECONNRESET : -errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Take the next complete line out of c->in: a new JSON value, or NULL if none yet. */
static int client_next(struct jsonrpc_client *c, json_t **msg)
{
    struct jsonrpc_buf *b = &c->in;
    char *line, *nl;
    size_t n;

    *msg = NULL;
    while (b->len > 0) {
        line = b->data + b->start;
        nl = memchr(line + c->scanned, '\n', b->len - c->scanned);
        if (nl == NULL) {
            c->scanned = b->len;
            return 0;
        }
        n = (size_t)(nl - line);
        b->start += n + 1;
        b->len -= n + 1;
        c->scanned = 0;
        if (b->len == 0)
            b->start = 0;
        if (n == 0)
            continue;
        *msg = json_loadb(line, n, 0, NULL);
        return *msg != NULL ? 0 : -EPROTO;
    }
    return 0;
}

static int take_error(json_t *e, struct jsonrpc_error *err)
{
    json_t *code = json_object_get(e, "code"), *message = json_object_get(e, "message");

    if (!json_is_integer(code))
        return -EPROTO;
    err->code = (int)json_integer_value(code);
    snprintf(err->message, sizeof(err->message), "%s",
             json_is_string(message) ? json_string_value(message) : "(no message)");
    err->data = json_incref(json_object_get(e, "data"));
    return 1;
}

/* Send one request line and wait for its response; see jsonrpc_client_call(). */
static int client_exchange(struct jsonrpc_client *c, const char *text, size_t len, uint64_t want,
                           int64_t deadline, json_t **result, struct jsonrpc_error *err)
{
    json_t *msg = NULL, *id, *m;
    short rev;
    int rc;

    rc = client_send(c, text, len, deadline);
    if (rc == -ECONNRESET) { /* closed on us: it may have said why first */
        c->eof = true;
        rc = client_read(c);
    }
    while (rc == 0) {
        rc = client_next(c, &msg);
        if (rc < 0)
            break;
        if (msg == NULL) {
            if (c->eof) {
                rc = -ECONNRESET;
                break;
            }
            rc = client_wait(c, POLLIN, deadline, &rev);
            if (rc == 0)
                rc = client_read(c);
            continue;
        }
        id = json_object_get(msg, "id");
        m = json_object_get(msg, "method");
        if (id == NULL && json_is_string(m)) { /* a notification */
            if (c->notify_fn != NULL)
                c->notify_fn(c->notify_ctx, json_string_value(m), json_object_get(msg, "params"));
            json_decref(msg);
            continue;
        }
        if (json_is_integer(id) && (uint64_t)json_integer_value(id) == want &&
            json_object_get(msg, "result") != NULL) {
            *result = json_incref(json_object_get(msg, "result"));
            json_decref(msg);
            return 0;
        }
        /* An error for this call, or one the server could not tie to it (id null). */
        if ((json_is_null(id) ||
             (json_is_integer(id) && (uint64_t)json_integer_value(id) == want)) &&
            json_is_object(json_object_get(msg, "error"))) {
            rc = take_error(json_object_get(msg, "error"), err);
            json_decref(msg);
            return rc;
        }
        json_decref(msg);
        rc = -EPROTO;
    }
    /* Transport trouble: this connection is no longer in step with the server. */
    close(c->fd);
    c->fd = -1;
    return rc;
}

static void call_reset(struct jsonrpc_client *c, json_t **result, struct jsonrpc_error *err)
{
    (void)c;
    *result = NULL;
    err->code = 0;
    err->message[0] = '\0';
    err->data = NULL;
}

int jsonrpc_client_call_text(struct jsonrpc_client *c, const char *method, const char *params,
                             size_t len, json_t **result, struct jsonrpc_error *err)
{
    int64_t deadline = c->timeout_ms > 0 ? now_ms() + c->timeout_ms : -1;
    struct jsonrpc_buf b = {0};
    char head[64];
    uint64_t want;
    json_t *js;
    char *m;
    int rc, n;

    call_reset(c, result, err);
    if (c->fd < 0)
        return -ENOTCONN;
    js = json_string(method);
    m = js != NULL ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    json_decref(js);
    if (m == NULL)
        return -ENOMEM;
    want = ++c->next_id;
    n = snprintf(head, sizeof(head),
                 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":", (unsigned long long)want);
    rc = jsonrpc_buf_append(&b, head, (size_t)n);
    if (rc == 0)
        rc = jsonrpc_buf_append(&b, m, strlen(m));
    if (rc == 0 && params != NULL) {
        rc = jsonrpc_buf_append(&b, ",\"params\":", 10);
        if (rc == 0)
            rc = jsonrpc_buf_append(&b, params, len);
    }
    if (rc == 0)
        rc = jsonrpc_buf_append(&b, "}\n", 2);
    free(m);
    if (rc == 0)
        rc = client_exchange(c, b.data, b.len, want, deadline, result, err);
    jsonrpc_buf_release(&b);
    return rc;
}

int jsonrpc_client_call(struct jsonrpc_client *c, const char *method, json_t *params,
                        json_t **result, struct jsonrpc_error *err)
{
    char *text = NULL;
    int rc;

    call_reset(c, result, err);
    if (params != NULL) {
        text = json_dumps(params, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(params);
        if (text == NULL)
            return -ENOMEM;
    }
    rc = jsonrpc_client_call_text(c, method, text, text ? strlen(text) : 0, result, err);
    free(text);
    return rc;
}
