/*
 * jsonrpc.h - JSON-RPC 2.0 over a Unix stream socket, for every vroom daemon's
 * local API (vroomd, vroom-routerd) and for the clients that call it.
 *
 * Framing: one JSON text per line. Each request, batch or notification is a
 * single line ended by '\n'; each response (or batch response) is one line.
 * JSON never needs a raw newline (strings escape it), so this is unambiguous.
 * Blank lines are ignored. See docs/api.md for the protocol and the methods.
 *
 * Server: runs inside the daemon's libev loop and never blocks it. Sockets
 * are non-blocking; every client has its own input buffer (bounded by
 * max_msg) and output buffer (bounded by max_out). Malformed JSON gets a
 * -32700 error and the connection stays usable; an oversized message gets a
 * -32600 error and the connection is closed; a client that does not read its
 * replies is disconnected once its pending output passes max_out.
 *
 * Methods are registered as tables of struct jsonrpc_method. A handler runs
 * in the loop's thread, receives the request's named params (always an
 * object; positional params are refused before the handler is called) and
 * returns 0 with a result, or a JSON-RPC error code with a message that names
 * the field and the reason: "routes[3].prefix: host bits set in 10.0.0.1/24".
 * The jsonrpc_get_*() helpers below check fields and write such messages.
 *
 * The synchronous client (jsonrpc_client_*) is for vroomctl and tests.
 *
 * Neighbours: inet.h (address/prefix/MAC text forms), log.h.
 */
#ifndef VROOM_LIB_JSONRPC_H
#define VROOM_LIB_JSONRPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inet.h"

struct ev_loop;
struct jsonrpc_server; /* opaque: the listening side */
struct jsonrpc_conn;   /* opaque: one connected client, server side */
struct jsonrpc_client; /* opaque: the synchronous client */

/* Error codes. The standard ones, then vroom's (in the -32000..-32099 range
 * that JSON-RPC leaves to servers). */
enum jsonrpc_code {
    JSONRPC_PARSE_ERROR = -32700,      /* not JSON */
    JSONRPC_INVALID_REQUEST = -32600,  /* JSON, but not a request; or too big */
    JSONRPC_METHOD_NOT_FOUND = -32601, /* no such method */
    JSONRPC_INVALID_PARAMS = -32602,   /* a field missing, mistyped or out of range */
    JSONRPC_INTERNAL_ERROR = -32603,   /* the server failed (out of memory...) */
    JSONRPC_NOT_FOUND = -32001,        /* the named object does not exist */
    JSONRPC_EXISTS = -32002,           /* an object of that name already exists */
    JSONRPC_BUSY = -32003,             /* in use, or a conflicting operation runs */
    JSONRPC_UNSUPPORTED = -32004,      /* valid, but not possible here */
    JSONRPC_LIMIT = -32005,            /* a configured limit was reached */
};

#define JSONRPC_MESSAGE_MAX 256 /* bytes of an error message, with the NUL */

/* An error, as a handler reports it or as the client receives it. */
struct jsonrpc_error {
    int code;                          /* enum jsonrpc_code or another JSON-RPC code */
    char message[JSONRPC_MESSAGE_MAX]; /* "field: reason" */
    json_t *data;                      /* optional "data" member; owned by the error */
};

/*
 * A method handler. params: the request's params object (borrowed, never
 * NULL: {} if the request had none). On success return 0 and set *result to
 * a new reference the server takes (left NULL, the result is JSON null). On
 * failure return a JSON-RPC error code (negative) and fill err, usually with
 * jsonrpc_error_set(); *result is then ignored (and released if set).
 * Nothing of a failed call may stay applied.
 */
typedef int (*jsonrpc_handler)(void *ctx, json_t *params, json_t **result,
                               struct jsonrpc_error *err);

struct jsonrpc_method {
    const char *name; /* "vr.create" */
    jsonrpc_handler fn;
    const char *help; /* one line, for listings */
};

/* Server limits. Zero fields take the defaults. */
struct jsonrpc_server_config {
    const char *path;     /* socket path; NULL: no socket (jsonrpc_server_process only) */
    unsigned mode;        /* socket file mode; default 0660 */
    size_t max_msg;       /* longest request line in bytes; default 64 MiB */
    size_t max_out;       /* pending output per client before it is dropped; default 64 MiB */
    unsigned max_clients; /* default 64; more are refused with a -32005 error */
};

#define JSONRPC_DEFAULT_MAX_MSG     (64u << 20)
#define JSONRPC_DEFAULT_MAX_OUT     (64u << 20)
#define JSONRPC_DEFAULT_MAX_CLIENTS 64

/*
 * Create a server listening on cfg->path in loop (the daemon's loop; it is
 * neither started nor stopped here). A stale socket file (nobody accepting)
 * is replaced; a live one fails with -EADDRINUSE. With cfg->path NULL, loop
 * may be NULL and only jsonrpc_server_process() works. Returns NULL with
 * errno set on failure.
 */
struct jsonrpc_server *jsonrpc_server_new(struct ev_loop *loop,
                                          const struct jsonrpc_server_config *cfg);

/* Close every client, stop the watchers, remove the socket file, free.
 * jsonrpc_server_free(NULL) does nothing. */
void jsonrpc_server_free(struct jsonrpc_server *srv);

/*
 * Register n methods, each called with ctx. The table is referenced, not
 * copied: it must outlive the server (a static const array). Returns 0, or
 * -EEXIST if a name is already registered (nothing of the table is then
 * added), -ENOMEM.
 */
int jsonrpc_server_add_methods(struct jsonrpc_server *srv, const struct jsonrpc_method *methods,
                               size_t n, void *ctx);

/* The registered methods as [{name, help}], sorted by name. New reference. */
json_t *jsonrpc_server_methods_json(const struct jsonrpc_server *srv);

/*
 * Handle one message (a request, notification or batch; no framing) as if a
 * client had sent it, and return the response line without its newline:
 * malloc'd, NUL-terminated, caller frees; NULL when there is nothing to
 * answer (notifications). Used by tests and the fuzz harness; no socket
 * needed. jsonrpc_server_current() is NULL in handlers called this way.
 */
char *jsonrpc_server_process(struct jsonrpc_server *srv, const char *msg, size_t len);

/* Counters since the server started. */
struct jsonrpc_stats {
    uint64_t requests;        /* requests and notifications dispatched to a method or refused */
    uint64_t notifications;   /* of which notifications */
    uint64_t batches;         /* batch messages */
    uint64_t errors;          /* error responses (and errors of notifications) */
    uint64_t err_parse;       /* -32700 */
    uint64_t err_invalid;     /* -32600 */
    uint64_t err_no_method;   /* -32601 */
    uint64_t err_params;      /* -32602 */
    uint64_t err_internal;    /* -32603 */
    uint64_t err_other;       /* application codes */
    uint64_t clients;         /* connected now */
    uint64_t clients_total;   /* accepted since start */
    uint64_t clients_refused; /* over max_clients */
    uint64_t drop_oversize;   /* disconnected for a message over max_msg */
    uint64_t drop_slow;       /* disconnected for output over max_out */
    uint64_t bytes_in;
    uint64_t bytes_out;
};

void jsonrpc_server_stats(const struct jsonrpc_server *srv, struct jsonrpc_stats *out);

/* The counters as a JSON object (the "api" member of vroomd.status). New reference. */
json_t *jsonrpc_server_stats_json(const struct jsonrpc_server *srv);

/*
 * Server-side connections, for notifications (live progress of long
 * operations). In a handler, jsonrpc_server_current() is the connection that
 * sent the request. To notify later, keep its id, not the pointer: a client
 * may vanish at any time, and jsonrpc_server_conn() then returns NULL.
 */
struct jsonrpc_conn *jsonrpc_server_current(struct jsonrpc_server *srv);
uint64_t jsonrpc_conn_id(const struct jsonrpc_conn *conn);
struct jsonrpc_conn *jsonrpc_server_conn(struct jsonrpc_server *srv, uint64_t id);

/*
 * Queue the notification {"jsonrpc":"2.0","method":method,"params":params}
 * to conn. Takes the reference to params (may be NULL: no params). Never
 * blocks. Returns 0, -EPIPE if the connection is closing (or is closed now
 * because its output passed max_out; it is freed later, from the loop),
 * -ENOMEM.
 */
int jsonrpc_notify(struct jsonrpc_conn *conn, const char *method, json_t *params);

/* ---- Handler helpers ------------------------------------------------- */

/* Fill err and return code, for `return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, ...)`. */
int jsonrpc_error_set(struct jsonrpc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Release err->data; jsonrpc_error_clear(NULL) does nothing. */
void jsonrpc_error_clear(struct jsonrpc_error *err);

/*
 * Field getters. Each reads member `key` of object `obj`, whose own place in
 * the params is `path` ("routes[3]"; NULL or "" for the params themselves),
 * so errors read "routes[3].prefix: host bits set in 10.0.0.1/24". With key
 * NULL, obj is the value itself and path its full place ("addresses[1]").
 *
 * Return 0 when the field is present and valid; 1 when it is absent (or
 * JSON null) and not required, leaving *out untouched; JSONRPC_INVALID_PARAMS
 * with err filled when it is required and absent, or invalid. Strings and
 * json_t results are borrowed from obj.
 */
int jsonrpc_get_string(const json_t *obj, const char *path, const char *key, bool required,
                       size_t maxlen, const char **out, struct jsonrpc_error *err);
int jsonrpc_get_int(const json_t *obj, const char *path, const char *key, bool required,
                    int64_t min, int64_t max, int64_t *out, struct jsonrpc_error *err);
int jsonrpc_get_bool(const json_t *obj, const char *path, const char *key, bool required, bool *out,
                     struct jsonrpc_error *err);
/* max: most elements allowed (0: no limit). */
int jsonrpc_get_array(const json_t *obj, const char *path, const char *key, bool required,
                      size_t max, json_t **out, struct jsonrpc_error *err);
int jsonrpc_get_object(const json_t *obj, const char *path, const char *key, bool required,
                       json_t **out, struct jsonrpc_error *err);
/* One of a fixed set of strings: *out is its index in choices (NULL-terminated). */
int jsonrpc_get_enum(const json_t *obj, const char *path, const char *key, bool required,
                     const char *const *choices, int *out, struct jsonrpc_error *err);
/* family: AF_INET, AF_INET6 or AF_UNSPEC. A prefix with host bits set is refused. */
int jsonrpc_get_prefix(const json_t *obj, const char *path, const char *key, bool required,
                       int family, struct inet_prefix *out, struct jsonrpc_error *err);
/* An interface address with its prefix length ("10.0.0.1/24"). */
int jsonrpc_get_ifaddr(const json_t *obj, const char *path, const char *key, bool required,
                       int family, struct inet_prefix *out, struct jsonrpc_error *err);
int jsonrpc_get_addr(const json_t *obj, const char *path, const char *key, bool required,
                     int family, struct inet_addr *out, struct jsonrpc_error *err);
/* A unicast MAC: multicast and all-zero addresses are refused. */
int jsonrpc_get_mac(const json_t *obj, const char *path, const char *key, bool required,
                    uint8_t mac[6], struct jsonrpc_error *err);

/*
 * Refuse members of obj not in allowed (NULL-terminated), so a misspelt
 * optional field is an error and not silently ignored:
 * "routes[3].nexthop: unknown field". Returns 0 or JSONRPC_INVALID_PARAMS.
 */
int jsonrpc_check_fields(const json_t *obj, const char *path, const char *const *allowed,
                         struct jsonrpc_error *err);

/* ---- Synchronous client ---------------------------------------------- */

/*
 * Connect to the server at path. timeout_ms bounds the connect and every
 * later call (0: wait forever). Returns NULL with errno set (ENOENT,
 * ECONNREFUSED, EACCES...).
 */
struct jsonrpc_client *jsonrpc_client_connect(const char *path, int timeout_ms);

/* Close; jsonrpc_client_free(NULL) does nothing. */
void jsonrpc_client_free(struct jsonrpc_client *c);

/*
 * Call method with params (the call takes the reference; NULL: no params)
 * and wait for the response, skipping notifications (or handing them to the
 * callback below). Returns:
 *   0   success; *result is a new reference the caller releases (may be JSON null);
 *   1   the server answered with an error: err->code, err->message (and
 *       err->data, released with jsonrpc_error_clear()) are set;
 *   <0  -errno for transport trouble: -ETIMEDOUT, -ECONNRESET (the server
 *       closed), -EPROTO (a response that is not JSON-RPC), -EMSGSIZE, -ENOMEM.
 *       After a transport error the client is unusable.
 */
int jsonrpc_client_call(struct jsonrpc_client *c, const char *method, json_t *params,
                        json_t **result, struct jsonrpc_error *err);

/*
 * The same, with params given as JSON text (len bytes, an object or NULL),
 * sent as is: for bulk calls (vroomctl route load) where building a json_t
 * would cost more than the call. The text must be valid JSON without a raw
 * newline; a server answers anything else with an error.
 */
int jsonrpc_client_call_text(struct jsonrpc_client *c, const char *method, const char *params,
                             size_t len, json_t **result, struct jsonrpc_error *err);

/* Called for each notification received while waiting; params borrowed. */
typedef void (*jsonrpc_notify_fn)(void *ctx, const char *method, json_t *params);
void jsonrpc_client_on_notify(struct jsonrpc_client *c, jsonrpc_notify_fn fn, void *ctx);

#endif
