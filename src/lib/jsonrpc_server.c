/*
 * jsonrpc_server.c - the socket side of the JSON-RPC server (jsonrpc.h):
 * listening Unix socket, one non-blocking connection per client, line
 * framing, bounded input and output buffers, all driven by the daemon's libev
 * loop. Nothing here blocks: a read or write that would block leaves the data
 * queued and returns to the loop. Messages are handed to jsonrpc_dispatch()
 * (jsonrpc.c).
 *
 * Connections are never freed inside a callback that may still use them:
 * they are marked dead and freed by their close_timer on the next loop
 * iteration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/jsonrpc_impl.h"
#include "lib/log.h"

#define READ_CHUNK     (256u << 10) /* bytes asked of one read() */
#define READ_BUDGET    (4u << 20)   /* bytes read per callback, so others get their turn */
#define ACCEPT_BUDGET  32           /* connections accepted per callback */
#define LINGER_SECONDS 5.0          /* after a fatal error reply, time to flush it */
#define BUF_KEEP       (1u << 20)   /* larger idle buffers are released */

int jsonrpc_buf_append(struct jsonrpc_buf *b, const char *data, size_t len)
{
    size_t need, cap;
    char *p;

    if (b->start > 0 && b->start + b->len + len > b->cap) {
        memmove(b->data, b->data + b->start, b->len);
        b->start = 0;
    }
    need = b->start + b->len + len;
    if (need > b->cap) {
        cap = b->cap ? b->cap : 4096;
        while (cap < need)
            cap *= 2;
        p = realloc(b->data, cap);
        if (p == NULL)
            return -ENOMEM;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->start + b->len, data, len);
    b->len += len;
    return 0;
}

void jsonrpc_buf_release(struct jsonrpc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

/* An emptied buffer starts over at 0, and gives back memory a big message took. */
static void buf_reset_if_empty(struct jsonrpc_buf *b)
{
    if (b->len != 0)
        return;
    b->start = 0;
    if (b->cap > BUF_KEEP)
        jsonrpc_buf_release(b);
}

static void conn_free(struct jsonrpc_conn *c)
{
    struct jsonrpc_server *srv = c->srv;

    ev_io_stop(srv->loop, &c->rw);
    ev_io_stop(srv->loop, &c->ww);
    ev_timer_stop(srv->loop, &c->close_timer);
    if (c->fd >= 0)
        close(c->fd);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (srv->current == c)
        srv->current = NULL;
    srv->stats.clients--;
    jsonrpc_buf_release(&c->in);
    jsonrpc_buf_release(&c->out);
    free(c);
}

/* Close now (the socket, the watchers) and free on the next loop iteration. */
static void conn_kill(struct jsonrpc_conn *c)
{
    if (c->dead)
        return;
    c->dead = true;
    c->closing = true;
    ev_io_stop(c->srv->loop, &c->rw);
    ev_io_stop(c->srv->loop, &c->ww);
    close(c->fd);
    c->fd = -1;
    ev_timer_stop(c->srv->loop, &c->close_timer);
    ev_timer_set(&c->close_timer, 0., 0.);
    ev_timer_start(c->srv->loop, &c->close_timer);
}

static void on_close_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_conn *c = w->data;

    (void)loop;
    (void)revents;
    conn_free(c); /* dead, or lingered too long in closing */
}

/* Write what the socket takes; watch for writability if something is left. */
static void conn_flush(struct jsonrpc_conn *c)
{
    struct jsonrpc_buf *b = &c->out;
    ssize_t n;

    while (!c->dead && b->len > 0) {
        n = send(c->fd, b->data + b->start, b->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                ev_io_start(c->srv->loop, &c->ww);
                return;
            }
            conn_kill(c); /* vanished (EPIPE, ECONNRESET) */
            return;
        }
        b->start += (size_t)n;
        b->len -= (size_t)n;
        c->srv->stats.bytes_out += (uint64_t)n;
    }
    if (c->dead)
        return;
    ev_io_stop(c->srv->loop, &c->ww);
    buf_reset_if_empty(b);
    if (c->closing)
        conn_kill(c);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    return jsonrpc_buf_append(data, buf, size) == 0 ? 0 : -1;
}

/*
 * Queue one message line. A client whose earlier output is still pending
 * past max_out is not reading: it is dropped. (A single large reply to a
 * client that keeps up is always queued.)
 */
static int conn_queue(struct jsonrpc_conn *c, json_t *msg)
{
    size_t before = c->out.len;

    if (c->dead)
        return -EPIPE;
    if (c->out.len >= c->srv->max_out) {
        c->srv->stats.drop_slow++;
        log_warnx("jsonrpc: client %llu does not read its replies (%zu bytes pending), "
                  "disconnecting",
                  (unsigned long long)c->id, c->out.len);
        conn_kill(c);
        return -EPIPE;
    }
    if (json_dump_callback(msg, dump_cb, &c->out, JSON_COMPACT) != 0 ||
        jsonrpc_buf_append(&c->out, "\n", 1) != 0) {
        c->out.len = before;
        log_warnx("jsonrpc: client %llu: out of memory for a reply, disconnecting",
                  (unsigned long long)c->id);
        conn_kill(c);
        return -ENOMEM;
    }
    return 0;
}

/* Answer with an error, then close once it is written (or after a linger time). */
static void conn_fail(struct jsonrpc_conn *c, int code, const char *message)
{
    json_t *e = jsonrpc_error_response(c->srv, NULL, code, message);

    if (e != NULL)
        conn_queue(c, e);
    json_decref(e);
    if (c->dead)
        return;
    c->closing = true;
    ev_io_stop(c->srv->loop, &c->rw);
    ev_timer_set(&c->close_timer, LINGER_SECONDS, 0.);
    ev_timer_start(c->srv->loop, &c->close_timer);
}

static bool blank(const char *p, size_t n)
{
    for (; n > 0; n--, p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return false;
    return true;
}

static void conn_handle(struct jsonrpc_conn *c, const char *msg, size_t len)
{
    struct jsonrpc_server *srv = c->srv;
    json_t *resp;

    if (blank(msg, len))
        return;
    srv->current = c;
    resp = jsonrpc_dispatch(srv, msg, len);
    srv->current = NULL;
    if (resp != NULL)
        conn_queue(c, resp);
    json_decref(resp);
}

static void conn_oversize(struct jsonrpc_conn *c)
{
    char text[JSONRPC_MESSAGE_MAX];

    c->srv->stats.drop_oversize++;
    c->srv->stats.requests++;
    snprintf(text, sizeof(text), "message: longer than the limit of %zu bytes", c->srv->max_msg);
    log_warnx("jsonrpc: client %llu sent a message longer than %zu bytes, disconnecting",
              (unsigned long long)c->id, c->srv->max_msg);
    conn_fail(c, JSONRPC_INVALID_REQUEST, text);
}

/* Handle every complete line in the input buffer. */
static void conn_process(struct jsonrpc_conn *c, bool eof)
{
    struct jsonrpc_buf *b = &c->in;
    char *line, *nl;
    size_t n;

    while (!c->closing && b->len > 0) {
        line = b->data + b->start;
        nl = memchr(line + c->scanned, '\n', b->len - c->scanned);
        if (nl == NULL) {
            c->scanned = b->len;
            if (b->len > c->srv->max_msg) {
                conn_oversize(c);
                return;
            }
            if (!eof)
                break;
            n = b->len; /* the last message may lack its newline */
        } else {
            n = (size_t)(nl - line);
        }
        if (n > c->srv->max_msg) {
            conn_oversize(c);
            return;
        }
        b->start += n + (nl != NULL);
        b->len -= n + (nl != NULL);
        c->scanned = 0;
        conn_handle(c, line, n);
    }
    buf_reset_if_empty(b);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_conn *c = w->data;
    struct jsonrpc_buf *b = &c->in;
    size_t budget = READ_BUDGET, room;
    ssize_t n;
    char *p;

    (void)loop;
    (void)revents;
    while (!c->closing && budget > 0) {
        if (b->start > 0 && b->cap - b->start - b->len < READ_CHUNK) {
            memmove(b->data, b->data + b->start, b->len);
            b->start = 0;
        }
        room = b->cap - b->start - b->len;
        if (room < READ_CHUNK) {
            p = realloc(b->data, b->cap + READ_CHUNK + b->cap / 2);
            if (p == NULL) {
                conn_fail(c, JSONRPC_INTERNAL_ERROR, "out of memory");
                break;
            }
            b->data = p;
            b->cap += READ_CHUNK + b->cap / 2;
            room = b->cap - b->start - b->len;
        }
        n = read(c->fd, b->data + b->start + b->len, room < budget ? room : budget);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                conn_kill(c);
            break;
        }
        if (n == 0) {
            /* The client is done sending: answer what it sent, then close. */
            conn_process(c, true);
            if (!c->dead) {
                c->closing = true;
                ev_io_stop(c->srv->loop, &c->rw);
                ev_timer_set(&c->close_timer, LINGER_SECONDS, 0.);
                ev_timer_start(c->srv->loop, &c->close_timer);
            }
            break;
        }
        c->srv->stats.bytes_in += (uint64_t)n;
        b->len += (size_t)n;
        budget -= (size_t)n;
        conn_process(c, false);
    }
    if (!c->dead)
        conn_flush(c);
}

static void on_write(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)loop;
    (void)revents;
    conn_flush(w->data);
}

/* Refuse a connection over max_clients, with a reason if the socket takes it. */
static void refuse(struct jsonrpc_server *srv, int fd)
{
    char line[160];
    int n;

    srv->stats.clients_refused++;
    n = snprintf(line, sizeof(line),
                 "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":%d,\"message\":\"too many clients "
                 "(limit %u)\"},\"id\":null}\n",
                 JSONRPC_LIMIT, srv->max_clients);
    if (send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        /* nothing more to do: the client learns from the close */
    }
    close(fd);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_server *srv = w->data;
    struct jsonrpc_conn *c;
    int fd, i;

    (void)revents;
    for (i = 0; i < ACCEPT_BUDGET; i++) {
        fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                log_warn("jsonrpc: accept");
                ev_io_stop(loop, &srv->accept_w);
                ev_timer_start(loop, &srv->accept_pause);
            }
            return;
        }
        if (srv->stats.clients >= srv->max_clients) {
            refuse(srv, fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->srv = srv;
        c->fd = fd;
        c->id = ++srv->next_id;
        ev_io_init(&c->rw, on_read, fd, EV_READ);
        ev_io_init(&c->ww, on_write, fd, EV_WRITE);
        ev_timer_init(&c->close_timer, on_close_timer, 0., 0.);
        c->rw.data = c->ww.data = c->close_timer.data = c;
        c->next = srv->conns;
        if (srv->conns != NULL)
            srv->conns->prev = c;
        srv->conns = c;
        srv->stats.clients++;
        srv->stats.clients_total++;
        ev_io_start(loop, &c->rw);
    }
}

static void on_accept_pause(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_server *srv = w->data;

    (void)revents;
    ev_io_start(loop, &srv->accept_w);
}

/* Bind path, replacing a socket file nobody listens on. Returns fd or -errno. */
static int listen_unix(const char *path, unsigned mode)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    int fd, probe, rc;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        rc = -errno;
        if (rc != -EADDRINUSE || lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
            goto fail;
        probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe < 0)
            goto fail;
        if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno != ECONNREFUSED) {
            close(probe);
            goto fail; /* somebody is serving it */
        }
        close(probe);
        unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            rc = -errno;
            goto fail;
        }
    }
    if (chmod(path, mode) < 0 || listen(fd, 128) < 0) {
        rc = -errno;
        unlink(path);
        goto fail;
    }
    return fd;
fail:
    close(fd);
    return rc;
}

struct jsonrpc_server *jsonrpc_server_new(struct ev_loop *loop,
                                          const struct jsonrpc_server_config *cfg)
{
    static const struct jsonrpc_server_config none;
    struct jsonrpc_server *srv;
    int rc;

    if (cfg == NULL)
        cfg = &none;
    if (cfg->path != NULL && loop == NULL) {
        errno = EINVAL;
        return NULL;
    }
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return NULL;
    srv->loop = loop;
    srv->fd = -1;
    srv->max_msg = cfg->max_msg ? cfg->max_msg : JSONRPC_DEFAULT_MAX_MSG;
    srv->max_out = cfg->max_out ? cfg->max_out : JSONRPC_DEFAULT_MAX_OUT;
    srv->max_clients = cfg->max_clients ? cfg->max_clients : JSONRPC_DEFAULT_MAX_CLIENTS;
    if (cfg->path == NULL)
        return srv;
    srv->path = strdup(cfg->path);
    if (srv->path == NULL) {
        free(srv);
        errno = ENOMEM;
        return NULL;
    }
    rc = listen_unix(srv->path, cfg->mode ? cfg->mode : 0660);
    if (rc < 0) {
        free(srv->path);
        free(srv);
        errno = -rc;
        return NULL;
    }
    srv->fd = rc;
    ev_io_init(&srv->accept_w, on_accept, srv->fd, EV_READ);
    ev_timer_init(&srv->accept_pause, on_accept_pause, 0.5, 0.);
    srv->accept_w.data = srv->accept_pause.data = srv;
    ev_io_start(loop, &srv->accept_w);
    return srv;
}

void jsonrpc_server_free(struct jsonrpc_server *srv)
{
    if (srv == NULL)
        return;
    while (srv->conns != NULL)
        conn_free(srv->conns);
    if (srv->fd >= 0) {
        ev_io_stop(srv->loop, &srv->accept_w);
        ev_timer_stop(srv->loop, &srv->accept_pause);
        close(srv->fd);
        unlink(srv->path);
    }
    free(srv->path);
    free(srv->methods);
    free(srv);
}

struct jsonrpc_conn *jsonrpc_server_current(struct jsonrpc_server *srv)
{
    return srv->current;
}

uint64_t jsonrpc_conn_id(const struct jsonrpc_conn *conn)
{
    return conn->id;
}

struct jsonrpc_conn *jsonrpc_server_conn(struct jsonrpc_server *srv, uint64_t id)
{
    struct jsonrpc_conn *c;

    for (c = srv->conns; c != NULL; c = c->next)
        if (c->id == id && !c->dead)
            return c;
    return NULL;
}

int jsonrpc_notify(struct jsonrpc_conn *conn, const char *method, json_t *params)
{
    json_t *msg;
    int rc;

    if (conn->closing) {
        json_decref(params);
        return -EPIPE;
    }
    msg = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
    if (msg == NULL) {
        json_decref(params);
        return -ENOMEM;
    }
    if (params != NULL)
        json_object_set_new(msg, "params", params);
    rc = conn_queue(conn, msg);
    json_decref(msg);
    if (rc == 0 && conn->srv->current != conn)
        ev_io_start(conn->srv->loop, &conn->ww); /* flushed when writable */
    return rc;
}
