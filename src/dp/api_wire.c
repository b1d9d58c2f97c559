/*
 * api_wire.c - JSON-RPC methods of wire ports (docs/api.md, "Wires"): add
 * (port.add, kind "wire"), re-point (port.set_remote), key (port.set_key)
 * and counters (wire.stats). As everywhere in the API, every field is
 * checked before anything changes: a refused call leaves no port behind.
 */
#include "dp/api_wire.h"
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/port.h"
#include "dp/port_wire.h"
#include "dp/vr.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int rc_code(int rc)
{
    switch (rc) {
    case -EEXIST:
        return JSONRPC_EXISTS;
    case -EAFNOSUPPORT:
        return JSONRPC_UNSUPPORTED;
    case -EADDRINUSE:
    case -EBUSY:
        return JSONRPC_BUSY;
    case -EINVAL:
    case -EADDRNOTAVAIL:
        return JSONRPC_INVALID_PARAMS;
    default:
        return JSONRPC_INTERNAL_ERROR;
    }
}

static json_t *drops_json(const uint64_t *drops)
{
    json_t *o = json_object();

    for (int i = 1; i < WIRE_DROP_MAX; i++)
        if (drops[i] != 0)
            json_object_set_new(o, wire_drop_name(i), json_integer((json_int_t)drops[i]));
    return o;
}

static json_t *stats_json(json_t *o, const struct port_wire_stats *st)
{
    json_object_set_new(o, "rx", json_integer((json_int_t)st->rx_packets));
    json_object_set_new(o, "rx_bytes", json_integer((json_int_t)st->rx_bytes));
    json_object_set_new(o, "tx", json_integer((json_int_t)st->tx_packets));
    json_object_set_new(o, "tx_bytes", json_integer((json_int_t)st->tx_bytes));
    json_object_set_new(o, "drops", drops_json(st->drops));
    return o;
}

static json_t *wire_json(const struct port *p)
{
    const struct vr_iface *ifc = p->owner;
    struct port_wire_info wi;
    char a[WIRE_ADDR_STRLEN], bound[VR_NAME_MAX + VR_IFNAME_MAX + 2] = "";
    json_t *o;

    port_wire_info(p, &wi);
    if (ifc != NULL)
        snprintf(bound, sizeof(bound), "%s:%s", ifc->vr->name, ifc->name);
    o = json_pack("{s:s,s:s,s:o,s:I,s:s,s:s}", "name", p->name, "kind", "wire", "bound_to",
                  ifc != NULL ? json_string(bound) : json_null(), "connector",
                  (json_int_t)wi.connector, "type", wi.type == WIRE_SECURE ? "secure" : "encap",
                  "remote", wire_addr_format(&wi.remote, a, sizeof(a)));
    json_object_set_new(o, "local", json_string(wire_addr_format(&wi.local, a, sizeof(a))));
    json_object_set_new(o, "vni",
                        wire_connector_is_vni(wi.connector)
                            ? json_integer(wire_connector_vni(wi.connector))
                            : json_null());
    json_object_set_new(o, "underlay_mtu", json_integer(wi.underlay_mtu));
    json_object_set_new(o, "overhead", json_integer(wi.overhead));
    json_object_set_new(o, "inner_max", json_integer(wi.inner_max));
    json_object_set_new(
        o, "inner_ip_mtu",
        json_integer(wi.inner_max > WIRE_ETH_HLEN ? wi.inner_max - WIRE_ETH_HLEN : 0));
    json_object_set_new(o, "flow_source_ports", json_boolean(wi.raw_tx));
    if (wi.type == WIRE_SECURE) {
        json_object_set_new(o, "keyed", json_boolean(wi.has_key));
        json_object_set_new(o, "epoch", json_integer(wi.epoch));
        json_object_set_new(o, "tx_counter", json_integer((json_int_t)wi.tx_counter));
    }
    return stats_json(o, &wi.st);
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int hex_key(const json_t *obj, const char *key, uint8_t out[WIRE_SEC_KEYLEN],
                   struct jsonrpc_error *err)
{
    const char *s;

    if (jsonrpc_get_string(obj, "key", key, true, 2 * WIRE_SEC_KEYLEN, &s, err) != 0)
        return err->code;
    if (strlen(s) != 2 * WIRE_SEC_KEYLEN)
        goto bad;
    for (int i = 0; i < WIRE_SEC_KEYLEN; i++) {
        int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);

        if (hi < 0 || lo < 0)
            goto bad;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
bad:
    return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "key.%s: %d hex digits", key,
                             2 * WIRE_SEC_KEYLEN);
}

/* key: {tx, rx, epoch?} */
static int get_key(const json_t *params, bool *has, uint8_t *epoch, uint8_t *tx, uint8_t *rx,
                   struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"tx", "rx", "epoch", NULL};
    json_t *k;
    int64_t e = 0;
    int rc = jsonrpc_get_object(params, NULL, "key", false, &k, err);

    *has = false;
    if (rc != 0)
        return rc < 0 || rc == JSONRPC_INVALID_PARAMS ? err->code : 0;
    if (jsonrpc_check_fields(k, "key", allowed, err) != 0 || hex_key(k, "tx", tx, err) != 0 ||
        hex_key(k, "rx", rx, err) != 0 ||
        jsonrpc_get_int(k, "key", "epoch", false, 0, 255, &e, err) < 0)
        return err->code;
    if (memcmp(tx, rx, WIRE_SEC_KEYLEN) == 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "key: tx and rx must differ");
    *has = true;
    *epoch = (uint8_t)e;
    return 0;
}

static int get_addr(const json_t *params, const char *key, bool required, struct wire_addr *out,
                    struct jsonrpc_error *err)
{
    const char *s;
    int rc = jsonrpc_get_string(params, NULL, key, required, 64, &s, err);

    if (rc != 0)
        return rc;
    if (wire_addr_parse(s, WIRE_UDP_PORT, out) != 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "%s: '%s' is not ADDR[:PORT] (IPv4, or [IPv6]:PORT)", key, s);
    return 0;
}

int api_wire_port_add(struct api *api, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", "kind", "connector", "remote",       "local",
                                          "type", "key",  "ifname",    "underlay_mtu", NULL};
    static const char *const types[] = {"encap", "secure", NULL};
    struct port_wire_config cfg = {0};
    const char *name;
    int64_t connector, mtu = 0;
    int type = 0, rc;
    char why[256];
    struct port *p;

    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "name", true, PORT_NAME_MAX, &name, err) != 0 ||
        jsonrpc_get_int(params, NULL, "connector", true, 0, UINT32_MAX, &connector, err) != 0 ||
        get_addr(params, "remote", true, &cfg.remote, err) != 0 ||
        get_addr(params, "local", false, &cfg.local, err) < 0 ||
        jsonrpc_get_enum(params, NULL, "type", false, types, &type, err) < 0 ||
        get_key(params, &cfg.has_key, &cfg.epoch, cfg.tx_key, cfg.rx_key, err) != 0 ||
        jsonrpc_get_int(params, NULL, "underlay_mtu", false, 68, 65535, &mtu, err) < 0)
        return err->code;
    if (json_object_get(params, "ifname") != NULL)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "ifname: a wire has no interface");
    cfg.connector = (uint32_t)connector;
    cfg.type = type == 1 ? WIRE_SECURE : WIRE_ENCAP;
    cfg.underlay_mtu = (unsigned)mtu;
    if (cfg.has_key && cfg.type != WIRE_SECURE)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "key: only secure wires have keys");
    rc = dp_port_add(api->dp, "wire", name, NULL, -1, &p, why, sizeof(why));
    if (rc != 0)
        return jsonrpc_error_set(err, rc == -EEXIST ? JSONRPC_EXISTS : rc_code(rc), "%s", why);
    rc = port_wire_setup(p, &cfg, why, sizeof(why));
    memset(cfg.tx_key, 0, sizeof(cfg.tx_key));
    memset(cfg.rx_key, 0, sizeof(cfg.rx_key));
    if (rc != 0) {
        dp_port_delete(api->dp, name);
        return jsonrpc_error_set(err, rc_code(rc), "%s", why);
    }
    *result = wire_json(p);
    log_info("port %s (wire, connector %u, %s) added", name, cfg.connector,
             cfg.type == WIRE_SECURE ? "secure" : "encap");
    return 0;
}

static struct port *get_wire(struct api *api, const json_t *params, struct jsonrpc_error *err)
{
    const char *name;
    struct port *p;

    if (jsonrpc_get_string(params, NULL, "name", true, PORT_NAME_MAX, &name, err) != 0)
        return NULL;
    p = dp_port_find(api->dp, name);
    if (p == NULL)
        jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "name: no port named %s", name);
    else if (!port_wire_is(p))
        jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "name: port %s is a %s port, not a wire",
                          name, p->ops->kind);
    return p != NULL && port_wire_is(p) ? p : NULL;
}

int api_wire_set_remote(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", "remote", NULL};
    struct api *api = ctx;
    struct wire_addr remote;
    char why[256], a[WIRE_ADDR_STRLEN];
    struct port *p;
    int rc;

    if (!json_is_object(params))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "params: must be an object");
    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        (p = get_wire(api, params, err)) == NULL ||
        get_addr(params, "remote", true, &remote, err) != 0)
        return err->code;
    rc = port_wire_set_remote(p, &remote, why, sizeof(why));
    if (rc != 0)
        return jsonrpc_error_set(err, rc_code(rc), "%s", why);
    log_info("wire %s: remote now %s", p->name, wire_addr_format(&remote, a, sizeof(a)));
    *result = wire_json(p);
    return 0;
}

int api_wire_set_key(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", "key", NULL};
    struct api *api = ctx;
    uint8_t tx[WIRE_SEC_KEYLEN], rx[WIRE_SEC_KEYLEN], epoch = 0;
    struct port_wire_info wi;
    struct port *p;
    bool has;
    int rc;

    if (!json_is_object(params))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "params: must be an object");
    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        (p = get_wire(api, params, err)) == NULL || get_key(params, &has, &epoch, tx, rx, err) != 0)
        return err->code;
    if (!has)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "key: required");
    port_wire_info(p, &wi);
    if (wi.type != WIRE_SECURE)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "name: %s is not a secure wire",
                                 p->name);
    rc = port_wire_key_set(p, epoch, tx, rx);
    memset(tx, 0, sizeof(tx));
    memset(rx, 0, sizeof(rx));
    if (rc != 0)
        return jsonrpc_error_set(err, rc_code(rc), "key: %s", strerror(-rc));
    log_info("wire %s: keys of epoch %u installed", p->name, epoch);
    *result = wire_json(p);
    return 0;
}

int api_wire_stats(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", NULL};
    struct api *api = ctx;
    const char *name = NULL;
    json_t *wires, *unders;
    char a[WIRE_ADDR_STRLEN];

    if (params != NULL && !json_is_object(params))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "params: must be an object");
    if (jsonrpc_check_fields(params, NULL, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "name", false, PORT_NAME_MAX, &name, err) < 0)
        return err->code;
    if (name != NULL && get_wire(api, params, err) == NULL)
        return err->code;
    wires = json_object();
    for (unsigned i = 0; i < DP_PORTS_MAX; i++) {
        struct port *p = dp_port_at(api->dp, i);

        if (port_wire_is(p) && (name == NULL || strcmp(p->name, name) == 0))
            json_object_set_new(wires, p->name, wire_json(p));
    }
    unders = json_array();
    for (unsigned i = 0; i < port_wire_underlay_count(); i++) {
        struct port_wire_underlay_info ui;
        json_t *o;

        if (port_wire_underlay_info(i, &ui) != 0)
            break;
        o = json_pack("{s:s,s:i,s:b}", "local", wire_addr_format(&ui.local, a, sizeof(a)), "wires",
                      (int)ui.wires, "flow_source_ports", ui.raw_tx);
        json_array_append_new(unders, stats_json(o, &ui.st));
    }
    *result = json_pack("{s:o,s:o}", "wires", wires, "underlays", unders);
    return 0;
}
