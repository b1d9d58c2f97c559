/*
 * jsonrpc.c - the JSON-RPC 2.0 dispatch core: method tables, one message in
 * (request, notification or batch), one response out, counters. No sockets
 * here, so tests and the fuzz harness feed it buffers
 * (jsonrpc_server_process); jsonrpc_server.c does the sockets and framing,
 * jsonrpc_get.c the field helpers, jsonrpc_client.c the client.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonrpc_impl.h"

int jsonrpc_error_set(struct jsonrpc_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void jsonrpc_error_clear(struct jsonrpc_error *err)
{
    if (err == NULL)
        return;
    json_decref(err->data);
    err->data = NULL;
}

static const char *default_message(int code)
{
    switch (code) {
    case JSONRPC_PARSE_ERROR:
        return "parse error";
    case JSONRPC_INVALID_REQUEST:
        return "invalid request";
    case JSONRPC_METHOD_NOT_FOUND:
        return "method not found";
    case JSONRPC_INVALID_PARAMS:
        return "invalid params";
    case JSONRPC_NOT_FOUND:
        return "not found";
    case JSONRPC_EXISTS:
        return "already exists";
    case JSONRPC_BUSY:
        return "busy";
    case JSONRPC_UNSUPPORTED:
        return "unsupported";
    case JSONRPC_LIMIT:
        return "limit reached";
    default:
        return "internal error";
    }
}

static void count_error(struct jsonrpc_server *srv, int code)
{
    struct jsonrpc_stats *s = &srv->stats;

    s->errors++;
    switch (code) {
    case JSONRPC_PARSE_ERROR:
        s->err_parse++;
        break;
    case JSONRPC_INVALID_REQUEST:
        s->err_invalid++;
        break;
    case JSONRPC_METHOD_NOT_FOUND:
        s->err_no_method++;
        break;
    case JSONRPC_INVALID_PARAMS:
        s->err_params++;
        break;
    case JSONRPC_INTERNAL_ERROR:
        s->err_internal++;
        break;
    default:
        s->err_other++;
        break;
    }
}

/* Builds {"jsonrpc":"2.0","error":{...},"id":id}; takes the reference to data. */
static json_t *error_response(struct jsonrpc_server *srv, json_t *id, int code, const char *message,
                              json_t *data)
{
    json_t *e;

    count_error(srv, code);
    if (message == NULL || *message == '\0')
        message = default_message(code);
    e = json_pack("{s:i, s:s}", "code", code, "message", message);
    if (e != NULL && data != NULL)
        json_object_set_new(e, "data", data);
    else
        json_decref(data);
    if (e == NULL)
        return NULL;
    return json_pack("{s:s, s:o, s:O}", "jsonrpc", "2.0", "error", e, "id",
                     id != NULL ? id : json_null());
}

json_t *jsonrpc_error_response(struct jsonrpc_server *srv, json_t *id, int code,
                               const char *message)
{
    return error_response(srv, id, code, message, NULL);
}

static int reg_cmp(const void *a, const void *b)
{
    return strcmp(((const struct jsonrpc_reg *)a)->m->name,
                  ((const struct jsonrpc_reg *)b)->m->name);
}

static const struct jsonrpc_reg *method_find(const struct jsonrpc_server *srv, const char *name)
{
    struct jsonrpc_method key_m = {.name = name};
    struct jsonrpc_reg key = {.m = &key_m};

    if (srv->n_methods == 0)
        return NULL;
    return bsearch(&key, srv->methods, srv->n_methods, sizeof(key), reg_cmp);
}

int jsonrpc_server_add_methods(struct jsonrpc_server *srv, const struct jsonrpc_method *methods,
                               size_t n, void *ctx)
{
    struct jsonrpc_reg *r;
    size_t i, j, cap;

    for (i = 0; i < n; i++) {
        if (methods[i].name == NULL || methods[i].fn == NULL)
            return -EINVAL;
        if (method_find(srv, methods[i].name) != NULL)
            return -EEXIST;
        for (j = 0; j < i; j++)
            if (strcmp(methods[i].name, methods[j].name) == 0)
                return -EEXIST;
    }
    if (srv->n_methods + n > srv->cap_methods) {
        cap = srv->cap_methods * 2;
        if (cap < srv->n_methods + n)
            cap = srv->n_methods + n + 16;
        r = realloc(srv->methods, cap * sizeof(*r));
        if (r == NULL)
            return -ENOMEM;
        srv->methods = r;
        srv->cap_methods = cap;
    }
    for (i = 0; i < n; i++) {
        srv->methods[srv->n_methods].m = &methods[i];
        srv->methods[srv->n_methods].ctx = ctx;
        srv->n_methods++;
    }
    qsort(srv->methods, srv->n_methods, sizeof(*srv->methods), reg_cmp);
    return 0;
}

json_t *jsonrpc_server_methods_json(const struct jsonrpc_server *srv)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a != NULL && i < srv->n_methods; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "name", srv->methods[i].m->name, "help",
                                           srv->methods[i].m->help ? srv->methods[i].m->help : ""));
    return a;
}

/* One request object (alone or from a batch). Returns the response or NULL. */
static json_t *dispatch_one(struct jsonrpc_server *srv, json_t *req)
{
    struct jsonrpc_error err = {0};
    const struct jsonrpc_reg *reg;
    json_t *id, *ver, *method, *params, *result = NULL, *resp;
    bool notification;
    int rc;

    srv->stats.requests++;
    if (!json_is_object(req))
        return error_response(srv, NULL, JSONRPC_INVALID_REQUEST, "request: expected an object",
                              NULL);
    id = json_object_get(req, "id");
    notification = id == NULL;
    if (id != NULL && !json_is_string(id) && !json_is_number(id) && !json_is_null(id))
        return error_response(srv, NULL, JSONRPC_INVALID_REQUEST,
                              "id: expected a string, a number or null", NULL);
    ver = json_object_get(req, "jsonrpc");
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0)
        return error_response(srv, id, JSONRPC_INVALID_REQUEST, "jsonrpc: expected \"2.0\"", NULL);
    method = json_object_get(req, "method");
    if (!json_is_string(method))
        return error_response(srv, id, JSONRPC_INVALID_REQUEST, "method: expected a string", NULL);
    params = json_object_get(req, "params");
    if (params != NULL && !json_is_object(params) && !json_is_array(params))
        return error_response(srv, id, JSONRPC_INVALID_REQUEST,
                              "params: expected an object or an array", NULL);
    if (notification)
        srv->stats.notifications++;

    reg = method_find(srv, json_string_value(method));
    if (reg == NULL) {
        rc = jsonrpc_error_set(&err, JSONRPC_METHOD_NOT_FOUND, "%s: no such method",
                               json_string_value(method));
    } else if (json_is_array(params)) {
        rc = jsonrpc_error_set(&err, JSONRPC_INVALID_PARAMS,
                               "params: expected an object (named parameters)");
    } else {
        if (params == NULL)
            params = json_object();
        else
            json_incref(params);
        if (params == NULL) {
            rc = jsonrpc_error_set(&err, JSONRPC_INTERNAL_ERROR, "out of memory");
        } else {
            rc = reg->m->fn(reg->ctx, params, &result, &err);
            json_decref(params);
        }
        if (rc > 0) /* a handler bug: treat as internal */
            rc = jsonrpc_error_set(&err, JSONRPC_INTERNAL_ERROR, "%s: handler returned %d",
                                   reg->m->name, rc);
    }

    if (rc == 0) {
        if (notification) {
            json_decref(result);
            return NULL;
        }
        resp = json_pack("{s:s, s:o, s:O}", "jsonrpc", "2.0", "result",
                         result != NULL ? result : json_null(), "id", id);
        return resp;
    }
    json_decref(result);
    if (notification) {
        count_error(srv, rc);
        jsonrpc_error_clear(&err);
        return NULL;
    }
    resp = error_response(srv, id, rc, err.message, err.data);
    err.data = NULL;
    return resp;
}

json_t *jsonrpc_dispatch(struct jsonrpc_server *srv, const char *msg, size_t len)
{
    json_error_t jerr;
    json_t *req, *batch, *r;
    char text[JSONRPC_MESSAGE_MAX];
    size_t i;

    req = json_loadb(msg, len, JSON_DECODE_ANY, &jerr);
    if (req == NULL) {
        srv->stats.requests++;
        snprintf(text, sizeof(text), "parse error at line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return error_response(srv, NULL, JSONRPC_PARSE_ERROR, text, NULL);
    }
    if (!json_is_array(req)) {
        r = dispatch_one(srv, req);
        json_decref(req);
        return r;
    }
    srv->stats.batches++;
    if (json_array_size(req) == 0) {
        json_decref(req);
        srv->stats.requests++;
        return error_response(srv, NULL, JSONRPC_INVALID_REQUEST, "batch: empty array", NULL);
    }
    batch = json_array();
    for (i = 0; batch != NULL && i < json_array_size(req); i++) {
        r = dispatch_one(srv, json_array_get(req, i));
        if (r != NULL)
            json_array_append_new(batch, r);
    }
    json_decref(req);
    if (batch != NULL && json_array_size(batch) == 0) {
        json_decref(batch); /* only notifications: nothing to answer */
        return NULL;
    }
    return batch;
}

char *jsonrpc_server_process(struct jsonrpc_server *srv, const char *msg, size_t len)
{
    json_t *resp;
    char *s;

    resp = jsonrpc_dispatch(srv, msg, len);
    if (resp == NULL)
        return NULL;
    s = json_dumps(resp, JSON_COMPACT);
    json_decref(resp);
    return s;
}

void jsonrpc_server_stats(const struct jsonrpc_server *srv, struct jsonrpc_stats *out)
{
    *out = srv->stats;
}

json_t *jsonrpc_server_stats_json(const struct jsonrpc_server *srv)
{
    const struct jsonrpc_stats *s = &srv->stats;

    return json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I, s:I, "
                     "s:I, s:I, s:I}",
                     "requests", (json_int_t)s->requests, "notifications",
                     (json_int_t)s->notifications, "batches", (json_int_t)s->batches, "errors",
                     (json_int_t)s->errors, "errors_by_code", "-32700", (json_int_t)s->err_parse,
                     "-32600", (json_int_t)s->err_invalid, "-32601", (json_int_t)s->err_no_method,
                     "-32602", (json_int_t)s->err_params, "-32603", (json_int_t)s->err_internal,
                     "other", (json_int_t)s->err_other, "clients", (json_int_t)s->clients,
                     "clients_total", (json_int_t)s->clients_total, "clients_refused",
                     (json_int_t)s->clients_refused, "drop_oversize", (json_int_t)s->drop_oversize,
                     "drop_slow", (json_int_t)s->drop_slow, "bytes_in", (json_int_t)s->bytes_in,
                     "bytes_out", (json_int_t)s->bytes_out);
}
