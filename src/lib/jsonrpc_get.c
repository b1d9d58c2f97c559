/*
 * jsonrpc_get.c - field getters for method handlers (jsonrpc.h): each
 * checks one member of the params and, when it is wrong, says which one and
 * why: "routes[3].prefix: host bits set in 10.0.0.1/24". The path of a field
 * is only formatted when there is an error, so checking a batch of 10,000
 * routes costs no string building.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jsonrpc.h"

/* "path.key: reason", "key: reason", "path: reason" or "params: reason". */
static int bad(struct jsonrpc_error *err, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(struct jsonrpc_error *err, const char *path, const char *key, const char *fmt, ...)
{
    char reason[JSONRPC_MESSAGE_MAX];
    va_list ap;
    bool has_path = path != NULL && *path != '\0';

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (has_path && key != NULL)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s.%s: %s", path, key, reason);
    return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: %s",
                             key != NULL ? key
                             : has_path  ? path
                                         : "params",
                             reason);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Find the value: 0 found (*v set), 1 absent and optional, <0 error. */
static int lookup(const json_t *obj, const char *path, const char *key, bool required, json_t **v,
                  struct jsonrpc_error *err)
{
    if (key == NULL) {
        *v = (json_t *)obj;
    } else {
        if (!json_is_object(obj))
            return bad(err, path, NULL, "expected an object, got %s",
                       obj ? type_name(obj) : "nothing");
        *v = json_object_get(obj, key);
    }
    if (*v == NULL || json_is_null(*v)) {
        if (required)
            return bad(err, path, key, "required");
        return 1;
    }
    return 0;
}

int jsonrpc_get_string(const json_t *obj, const char *path, const char *key, bool required,
                       size_t maxlen, const char **out, struct jsonrpc_error *err)
{
    json_t *v;
    size_t n;
    int rc = lookup(obj, path, key, required, &v, err);

    if (rc != 0)
        return rc;
    if (!json_is_string(v))
        return bad(err, path, key, "expected a string, got %s", type_name(v));
    n = json_string_length(v);
    if (n == 0)
        return bad(err, path, key, "empty string");
    if (maxlen > 0 && n > maxlen)
        return bad(err, path, key, "longer than %zu bytes", maxlen);
    *out = json_string_value(v);
    return 0;
}

int jsonrpc_get_int(const json_t *obj, const char *path, const char *key, bool required,
                    int64_t min, int64_t max, int64_t *out, struct jsonrpc_error *err)
{
    json_t *v;
    int64_t x;
    int rc = lookup(obj, path, key, required, &v, err);

    if (rc != 0)
        return rc;
    if (!json_is_integer(v))
        return bad(err, path, key, "expected an integer, got %s", type_name(v));
    x = json_integer_value(v);
    if (x < min || x > max)
        return bad(err, path, key, "%" PRId64 " out of range %" PRId64 "..%" PRId64, x, min, max);
    *out = x;
    return 0;
}

int jsonrpc_get_bool(const json_t *obj, const char *path, const char *key, bool required, bool *out,
                     struct jsonrpc_error *err)
{
    json_t *v;
    int rc = lookup(obj, path, key, required, &v, err);

    if (rc != 0)
        return rc;
    if (!json_is_boolean(v))
        return bad(err, path, key, "expected a boolean, got %s", type_name(v));
    *out = json_is_true(v);
    return 0;
}

int jsonrpc_get_array(const json_t *obj, const char *path, const char *key, bool required,
                      size_t max, json_t **out, struct jsonrpc_error *err)
{
    json_t *v;
    int rc = lookup(obj, path, key, required, &v, err);

    if (rc != 0)
        return rc;
    if (!json_is_array(v))
        return bad(err, path, key, "expected an array, got %s", type_name(v));
    if (max > 0 && json_array_size(v) > max)
        return bad(err, path, key, "%zu elements, more than the limit of %zu", json_array_size(v),
                   max);
    *out = v;
    return 0;
}

int jsonrpc_get_object(const json_t *obj, const char *path, const char *key, bool required,
                       json_t **out, struct jsonrpc_error *err)
{
    json_t *v;
    int rc = lookup(obj, path, key, required, &v, err);

    if (rc != 0)
        return rc;
    if (!json_is_object(v))
        return bad(err, path, key, "expected an object, got %s", type_name(v));
    *out = v;
    return 0;
}

int jsonrpc_get_enum(const json_t *obj, const char *path, const char *key, bool required,
                     const char *const *choices, int *out, struct jsonrpc_error *err)
{
    char list[160];
    const char *s;
    size_t used = 0;
    int i, rc;

    rc = jsonrpc_get_string(obj, path, key, required, 0, &s, err);
    if (rc != 0)
        return rc;
    for (i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    list[0] = '\0';
    for (i = 0; choices[i] != NULL && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "",
                                 choices[i]);
    return bad(err, path, key, "\"%.64s\" is not one of %s", s, list);
}

/* The string of a field, for the address-like getters. */
static int get_text(const json_t *obj, const char *path, const char *key, bool required,
                    const char **s, struct jsonrpc_error *err)
{
    return jsonrpc_get_string(obj, path, key, required, 64, s, err);
}

int jsonrpc_get_prefix(const json_t *obj, const char *path, const char *key, bool required,
                       int family, struct inet_prefix *out, struct jsonrpc_error *err)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc = get_text(obj, path, key, required, &s, err);

    if (rc != 0)
        return rc;
    if (inet_prefix_parse(s, family, out, why, sizeof(why)) < 0)
        return bad(err, path, key, "%s in %s", why, s);
    return 0;
}

int jsonrpc_get_ifaddr(const json_t *obj, const char *path, const char *key, bool required,
                       int family, struct inet_prefix *out, struct jsonrpc_error *err)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc = get_text(obj, path, key, required, &s, err);

    if (rc != 0)
        return rc;
    if (inet_ifaddr_parse(s, family, out, why, sizeof(why)) < 0)
        return bad(err, path, key, "%s in %s", why, s);
    return 0;
}

int jsonrpc_get_addr(const json_t *obj, const char *path, const char *key, bool required,
                     int family, struct inet_addr *out, struct jsonrpc_error *err)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc = get_text(obj, path, key, required, &s, err);

    if (rc != 0)
        return rc;
    if (inet_addr_parse(s, family, out, why, sizeof(why)) < 0)
        return bad(err, path, key, "%s: %s", why, s);
    return 0;
}

int jsonrpc_get_mac(const json_t *obj, const char *path, const char *key, bool required,
                    uint8_t mac[6], struct jsonrpc_error *err)
{
    static const uint8_t zero[6];
    char why[INET_WHY_LEN];
    const char *s;
    uint8_t m[6];
    int rc = get_text(obj, path, key, required, &s, err);

    if (rc != 0)
        return rc;
    if (inet_mac_parse(s, m, why, sizeof(why)) < 0)
        return bad(err, path, key, "%s: %s", why, s);
    if (m[0] & 1)
        return bad(err, path, key, "multicast MAC %s", s);
    if (memcmp(m, zero, 6) == 0)
        return bad(err, path, key, "all-zero MAC");
    memcpy(mac, m, 6);
    return 0;
}

int jsonrpc_check_fields(const json_t *obj, const char *path, const char *const *allowed,
                         struct jsonrpc_error *err)
{
    const char *key;
    json_t *v;
    size_t i;

    if (!json_is_object(obj))
        return bad(err, path, NULL, "expected an object, got %s", obj ? type_name(obj) : "nothing");
    json_object_foreach((json_t *)obj, key, v)
    {
        for (i = 0; allowed[i] != NULL; i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (allowed[i] == NULL)
            return bad(err, path, key, "unknown field");
    }
    return 0;
}
