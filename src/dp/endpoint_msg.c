/*
 * endpoint_msg.c - decoding the endpoint controller's peer messages
 * (endpoint_msg.h). One table says which members each type has and how each
 * is checked; ep_msg_decode() refuses anything else.
 */
#include "dp/endpoint_msg.h"
#include "lib/jsonrpc.h"
#include "wire/wire.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static const char *const msg_names[] = {
    "info",          "lookup",     "lookup-reply", "moved",      "connect",
    "connect-reply", "disconnect", "move-prepare", "move-ready", "repoint",
    "expect",        "expect-ready"};

const char *ep_msg_name(uint16_t type)
{
    _Static_assert(sizeof(msg_names) / sizeof(msg_names[0]) == MSG_END - MSG_INFO, "names");
    return type >= MSG_INFO && type < MSG_END ? msg_names[type - MSG_INFO] : "?";
}

int ep_split(const char *ep, char vr[VR_NAME_MAX + 1], char ifname[VR_IFNAME_MAX + 1])
{
    const char *colon = strchr(ep, ':');
    size_t lv, li;

    if (colon == NULL || strchr(colon + 1, ':') != NULL)
        return -EINVAL;
    lv = (size_t)(colon - ep);
    li = strlen(colon + 1);
    if (lv == 0 || lv > VR_NAME_MAX || li == 0 || li > VR_IFNAME_MAX)
        return -EINVAL;
    memcpy(vr, ep, lv);
    vr[lv] = '\0';
    memcpy(ifname, colon + 1, li + 1);
    return 0;
}

int ep_get(const json_t *obj, const char *key, bool required, const char **out,
           struct jsonrpc_error *err)
{
    char vr[VR_NAME_MAX + 1], ifn[VR_IFNAME_MAX + 1];
    int rc = jsonrpc_get_string(obj, NULL, key, required, EP_NAME_MAX, out, err);

    if (rc != 0)
        return rc;
    if (ep_split(*out, vr, ifn) != 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "%s: '%s' is not VR:IFACE (VR 1-%d, IFACE 1-%d characters)", key,
                                 *out, VR_NAME_MAX, VR_IFNAME_MAX);
    return 0;
}

void ep_hex_encode(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_decode(const char *s, uint8_t *b, size_t n)
{
    if (strlen(s) != 2 * n)
        return -EINVAL;
    for (size_t i = 0; i < 2 * n; i++) {
        char ch = (char)(s[i] | 0x20);
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;

        if (v < 0)
            return -EINVAL;
        if (i % 2 == 0)
            b[i / 2] = (uint8_t)(v << 4);
        else
            b[i / 2] |= (uint8_t)v;
    }
    return 0;
}

/* Optional member "key": {tx, rx, epoch}, two different keys in hex. */
static int key_get(const json_t *msg, struct ep_key *k, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"tx", "rx", "epoch", NULL};
    const char *tx, *rx;
    json_t *o;
    int64_t e;
    int rc = jsonrpc_get_object(msg, NULL, "key", false, &o, err);

    memset(k, 0, sizeof(*k));
    if (rc == 1)
        return 0;
    if (rc != 0 || jsonrpc_check_fields(o, "key", allowed, err) != 0 ||
        jsonrpc_get_string(o, "key", "tx", true, 2 * WIRE_SEC_KEYLEN, &tx, err) != 0 ||
        jsonrpc_get_string(o, "key", "rx", true, 2 * WIRE_SEC_KEYLEN, &rx, err) != 0 ||
        jsonrpc_get_int(o, "key", "epoch", true, 0, 255, &e, err) != 0)
        return -EINVAL;
    if (hex_decode(tx, k->tx, WIRE_SEC_KEYLEN) != 0 ||
        hex_decode(rx, k->rx, WIRE_SEC_KEYLEN) != 0 || memcmp(k->tx, k->rx, WIRE_SEC_KEYLEN) == 0) {
        OPENSSL_cleanse(k, sizeof(*k));
        jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "key: two different %d-hex-digit keys",
                          2 * WIRE_SEC_KEYLEN);
        return -EINVAL;
    }
    k->has = true;
    k->epoch = (uint8_t)e;
    return 0;
}

/* A member holding an underlay address (IPv4, no port). */
static int underlay_get(const json_t *obj, const char *key, bool required,
                        char out[EP_UNDERLAY_MAX], struct jsonrpc_error *err)
{
    struct wire_addr a;
    const char *s;
    int rc = jsonrpc_get_string(obj, NULL, key, required, EP_UNDERLAY_MAX - 1, &s, err);

    if (rc != 0)
        return rc;
    if (wire_addr_parse(s, WIRE_UDP_PORT, &a) != 0 || a.family != AF_INET ||
        strchr(s, ':') != NULL)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: '%s' is not an IPv4 address",
                                 key, s);
    snprintf(out, EP_UNDERLAY_MAX, "%s", s);
    return 0;
}

static int connector_get(const json_t *o, int64_t min, uint32_t *out, struct jsonrpc_error *err)
{
    int64_t v;
    int rc = jsonrpc_get_int(o, NULL, "connector", true, min, UINT32_MAX, &v, err);

    *out = (uint32_t)v;
    return rc;
}

static int type_get(const json_t *o, bool *secure, struct jsonrpc_error *err)
{
    static const char *const types[] = {"encap", "secure", NULL};
    int t = 0;
    int rc = jsonrpc_get_enum(o, NULL, "type", true, types, &t, err);

    *secure = t == 1;
    return rc;
}

/* Each type's members. */
static const char *const *members(uint16_t type)
{
    static const char *const info[] = {"underlay", NULL};
    static const char *const lookup[] = {"endpoint", NULL};
    static const char *const lookup_reply[] = {"endpoint", "found", "underlay", NULL};
    static const char *const moved[] = {"endpoint", "host", "underlay", NULL};
    static const char *const connect[] = {"connector", "local",    "remote", "type",
                                          "underlay",  "key",      NULL};
    static const char *const reply[] = {"connector", "ok", "error", NULL};
    static const char *const disconnect[] = {"connector", NULL};
    static const char *const move_prepare[] = {"connector", "endpoint",     "far", "far_host",
                                               "type",      "far_underlay", "key", NULL};
    static const char *const repoint[] = {"connector", "endpoint", "host", "underlay", "key",
                                          NULL};

    switch (type) {
    case MSG_INFO:
        return info;
    case MSG_LOOKUP:
        return lookup;
    case MSG_LOOKUP_REPLY:
        return lookup_reply;
    case MSG_MOVED:
        return moved;
    case MSG_CONNECT:
        return connect;
    case MSG_CONNECT_REPLY:
    case MSG_MOVE_READY:
    case MSG_EXPECT_READY:
        return reply;
    case MSG_DISCONNECT:
        return disconnect;
    case MSG_MOVE_PREPARE:
        return move_prepare;
    case MSG_REPOINT:
    case MSG_EXPECT:
        return repoint;
    default:
        return NULL;
    }
}

static int fields(uint16_t type, struct ep_msg_in *m, struct jsonrpc_error *err)
{
    const json_t *o = m->obj;

    switch (type) {
    case MSG_INFO:
        return underlay_get(o, "underlay", true, m->underlay, err);
    case MSG_LOOKUP:
        return ep_get(o, "endpoint", true, &m->endpoint, err);
    case MSG_LOOKUP_REPLY:
        if (ep_get(o, "endpoint", true, &m->endpoint, err) != 0 ||
            jsonrpc_get_bool(o, NULL, "found", true, &m->found, err) != 0 ||
            underlay_get(o, "underlay", m->found, m->underlay, err) < 0)
            return -EINVAL;
        if (m->found == (m->underlay[0] == '\0'))
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "underlay: only with found, and then needed");
        return 0;
    case MSG_MOVED:
        return ep_get(o, "endpoint", true, &m->endpoint, err) != 0 ||
                       jsonrpc_get_string(o, NULL, "host", true, PEER_NAME_MAX, &m->host, err) !=
                           0 ||
                       underlay_get(o, "underlay", true, m->underlay, err) != 0
                   ? -EINVAL
                   : 0;
    case MSG_CONNECT:
        return connector_get(o, 1, &m->connector, err) != 0 ||
                       ep_get(o, "local", true, &m->local, err) != 0 ||
                       ep_get(o, "remote", true, &m->remote, err) != 0 ||
                       type_get(o, &m->secure, err) != 0 ||
                       underlay_get(o, "underlay", true, m->underlay, err) != 0 ||
                       key_get(o, &m->key, err) != 0
                   ? -EINVAL
                   : 0;
    case MSG_CONNECT_REPLY:
    case MSG_MOVE_READY:
    case MSG_EXPECT_READY:
        return connector_get(o, 0, &m->connector, err) != 0 ||
                       jsonrpc_get_bool(o, NULL, "ok", true, &m->ok, err) != 0 ||
                       jsonrpc_get_string(o, NULL, "error", false, EP_ERROR_MAX, &m->error, err) <
                           0
                   ? -EINVAL
                   : 0;
    case MSG_DISCONNECT:
        return connector_get(o, 0, &m->connector, err);
    case MSG_MOVE_PREPARE:
        return connector_get(o, 1, &m->connector, err) != 0 ||
                       ep_get(o, "endpoint", true, &m->endpoint, err) != 0 ||
                       ep_get(o, "far", true, &m->far, err) != 0 ||
                       jsonrpc_get_string(o, NULL, "far_host", true, PEER_NAME_MAX, &m->host,
                                          err) != 0 ||
                       type_get(o, &m->secure, err) != 0 ||
                       underlay_get(o, "far_underlay", true, m->underlay, err) != 0 ||
                       key_get(o, &m->key, err) != 0
                   ? -EINVAL
                   : 0;
    case MSG_REPOINT:
    case MSG_EXPECT:
        return connector_get(o, 1, &m->connector, err) != 0 ||
                       ep_get(o, "endpoint", true, &m->endpoint, err) != 0 ||
                       jsonrpc_get_string(o, NULL, "host", true, PEER_NAME_MAX, &m->host, err) !=
                           0 ||
                       underlay_get(o, "underlay", true, m->underlay, err) != 0 ||
                       key_get(o, &m->key, err) != 0
                   ? -EINVAL
                   : 0;
    default:
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "unknown message type %u", type);
    }
}

int ep_msg_decode(uint16_t type, const void *payload, size_t len, struct ep_msg_in *m, char *why,
                  size_t whylen)
{
    const char *const *allowed = members(type);
    struct jsonrpc_error err = {0};
    json_error_t jerr;

    memset(m, 0, sizeof(*m));
    m->type = type;
    if (allowed == NULL) {
        snprintf(why, whylen, "unknown message type %u", type);
        return -EINVAL;
    }
    if (len > EP_MSG_MAX) {
        snprintf(why, whylen, "%zu bytes, more than %d", len, EP_MSG_MAX);
        return -EINVAL;
    }
    m->obj = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &jerr);
    if (m->obj == NULL || !json_is_object(m->obj)) {
        snprintf(why, whylen, "not a JSON object (%s)",
                 m->obj == NULL ? jerr.text : "another type");
        return -EINVAL;
    }
    if (jsonrpc_check_fields(m->obj, NULL, allowed, &err) != 0 || fields(type, m, &err) != 0) {
        snprintf(why, whylen, "%s", err.message[0] != '\0' ? err.message : "refused");
        jsonrpc_error_clear(&err);
        OPENSSL_cleanse(&m->key, sizeof(m->key));
        return -EINVAL;
    }
    return 0;
}

void ep_msg_free(struct ep_msg_in *m)
{
    json_decref(m->obj);
    m->obj = NULL;
    OPENSSL_cleanse(&m->key, sizeof(m->key));
}
