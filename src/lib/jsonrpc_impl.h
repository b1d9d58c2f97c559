/*
 * jsonrpc_impl.h - what jsonrpc.c (dispatch: one message in, one response
 * out, no sockets) and jsonrpc_server.c (sockets, buffers, libev) share.
 * Not for users of the library: they see jsonrpc.h only.
 */
#ifndef VROOM_LIB_JSONRPC_IMPL_H
#define VROOM_LIB_JSONRPC_IMPL_H

#include <ev.h>

#include "lib/jsonrpc.h"

struct jsonrpc_reg {
    const struct jsonrpc_method *m;
    void *ctx;
};

/* A byte queue: data[start .. start + len) is pending. */
struct jsonrpc_buf {
    char *data;
    size_t start, len, cap;
};

struct jsonrpc_conn {
    struct jsonrpc_server *srv;
    struct jsonrpc_conn *prev, *next; /* srv->conns */
    uint64_t id;
    int fd;
    ev_io rw, ww;
    ev_timer close_timer; /* linger after an error, or free on the next iteration */
    struct jsonrpc_buf in;
    size_t scanned; /* bytes of in already searched for '\n' */
    struct jsonrpc_buf out;
    bool closing; /* reads no more; closed once out is flushed or the timer fires */
    bool dead;    /* closed; freed by close_timer */
};

struct jsonrpc_server {
    struct ev_loop *loop;
    char *path; /* NULL: no socket */
    int fd;
    ev_io accept_w;
    ev_timer accept_pause; /* out of fds: stop accepting for a moment */
    size_t max_msg, max_out;
    unsigned max_clients;
    struct jsonrpc_reg *methods; /* sorted by name */
    size_t n_methods, cap_methods;
    struct jsonrpc_conn *conns;
    uint64_t next_id;
    struct jsonrpc_conn *current; /* whose request is being handled */
    struct jsonrpc_stats stats;
};

/* Handle one framed message; returns the response (new reference) or NULL. */
json_t *jsonrpc_dispatch(struct jsonrpc_server *srv, const char *msg, size_t len);

/* An error response with a null id, for framing errors (new reference). */
json_t *jsonrpc_error_response(struct jsonrpc_server *srv, json_t *id, int code,
                               const char *message);

/* Append to a buffer; 0 or -ENOMEM. */
int jsonrpc_buf_append(struct jsonrpc_buf *b, const char *data, size_t len);
void jsonrpc_buf_release(struct jsonrpc_buf *b);

#endif
