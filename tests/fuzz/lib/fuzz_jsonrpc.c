/*
 * fuzz_jsonrpc.c - libFuzzer harness for the JSON-RPC request path
 * (src/lib/jsonrpc.c and the field getters of jsonrpc_get.c): the input is
 * cut into lines as the server frames them, and each line is dispatched
 * through jsonrpc_server_process() to a method table that checks params the
 * way vroomd's handlers do. Every response must be one line of JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int m_echo(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    (void)ctx;
    (void)err;
    *result = json_incref(params);
    return 0;
}

/* Shaped like route.add: {vr, seq?, routes: [{prefix, via?, dev?, type?}]}. */
static int m_routes(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const fields[] = {"vr", "seq", "routes", NULL};
    static const char *const rfields[] = {"prefix", "via", "dev", "type", NULL};
    static const char *const types[] = {"unicast", "blackhole", "unreachable", NULL};
    struct inet_prefix p;
    struct inet_addr via;
    const char *vr, *dev;
    json_t *routes, *r;
    char path[32];
    int64_t seq;
    size_t i;
    int rc, type;

    (void)ctx;
    if ((rc = jsonrpc_check_fields(params, NULL, fields, err)) < 0 ||
        (rc = jsonrpc_get_string(params, NULL, "vr", true, 15, &vr, err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "seq", false, 0, INT64_MAX, &seq, err)) < 0 ||
        (rc = jsonrpc_get_array(params, NULL, "routes", true, 0, &routes, err)) < 0)
        return rc;
    json_array_foreach(routes, i, r)
    {
        snprintf(path, sizeof(path), "routes[%zu]", i);
        if ((rc = jsonrpc_check_fields(r, path, rfields, err)) < 0 ||
            (rc = jsonrpc_get_prefix(r, path, "prefix", true, AF_UNSPEC, &p, err)) < 0 ||
            (rc = jsonrpc_get_addr(r, path, "via", false, p.addr.family, &via, err)) < 0 ||
            (rc = jsonrpc_get_string(r, path, "dev", false, 15, &dev, err)) < 0 ||
            (rc = jsonrpc_get_enum(r, path, "type", false, types, &type, err)) < 0)
            return rc;
    }
    *result = json_pack("{s:I}", "added", (json_int_t)json_array_size(routes));
    return 0;
}

/* Shaped like iface.add: {vr, name, mac?, addresses: [...], mtu?, up?, opts?}. */
static int m_iface(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct inet_prefix a;
    const char *name;
    json_t *addrs, *v, *opts;
    char path[32];
    uint8_t mac[6];
    int64_t mtu;
    size_t i;
    bool up;
    int rc;

    (void)ctx;
    if ((rc = jsonrpc_get_string(params, NULL, "name", true, 15, &name, err)) < 0 ||
        (rc = jsonrpc_get_mac(params, NULL, "mac", false, mac, err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "mtu", false, 68, 65535, &mtu, err)) < 0 ||
        (rc = jsonrpc_get_bool(params, NULL, "up", false, &up, err)) < 0 ||
        (rc = jsonrpc_get_object(params, NULL, "opts", false, &opts, err)) < 0 ||
        (rc = jsonrpc_get_array(params, NULL, "addresses", true, 64, &addrs, err)) < 0)
        return rc;
    json_array_foreach(addrs, i, v)
    {
        snprintf(path, sizeof(path), "addresses[%zu]", i);
        if ((rc = jsonrpc_get_ifaddr(v, path, NULL, true, AF_UNSPEC, &a, err)) < 0)
            return rc;
    }
    *result = json_true();
    return 0;
}

static int m_fail(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    (void)ctx;
    (void)params;
    *result = json_string("ignored on error");
    err->data = json_pack("{s:i}", "index", 3);
    return jsonrpc_error_set(err, JSONRPC_BUSY, "name: busy");
}

static const struct jsonrpc_method methods[] = {
    {"echo", m_echo, NULL},
    {"route.add", m_routes, NULL},
    {"iface.add", m_iface, NULL},
    {"fail", m_fail, NULL},
};

static struct jsonrpc_server *srv;

static void check_response(char *out)
{
    json_t *j;

    if (out == NULL)
        return;
    if (strchr(out, '\n') != NULL)
        abort(); /* would break the framing */
    j = json_loads(out, 0, NULL);
    if (j == NULL || (!json_is_object(j) && !json_is_array(j)))
        abort();
    json_decref(j);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size, *nl;
    char *copy;
    size_t n;

    if (srv == NULL) {
        srv = jsonrpc_server_new(NULL, NULL);
        if (srv == NULL || jsonrpc_server_add_methods(srv, methods, 4, NULL) != 0)
            abort();
    }
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        copy = malloc(n ? n : 1); /* exact size, so ASan sees overreads */
        if (copy == NULL)
            return 0;
        memcpy(copy, p, n);
        check_response(jsonrpc_server_process(srv, copy, n));
        free(copy);
        p += n + 1;
    }
    return 0;
}
