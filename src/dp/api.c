/*
 * api.c - the data-plane hypervisor API: vroomd's JSON-RPC methods (the
 * contract is docs/api.md). Every method validates all of its input before
 * it changes anything, so a call that fails leaves the data plane exactly
 * as it was; errors name the field and the reason ("routes[3].via: ...").
 */
#include "dp/api.h"
#include "dp/api_wire.h"
#include "dp/addr.h"
#include "dp/container.h"
#include "dp/endpoint.h"
#include "dp/dp_impl.h"
#include "dp/neigh.h"
#include "fib/fib4.h"
#include "fib/fib6.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "pkt/pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUTES_PER_CALL_MAX 2000000

static struct api *ctx_api(void *ctx)
{
    return ctx;
}

static int errno_code(int rc)
{
    switch (rc) {
    case -ENOENT:
        return JSONRPC_NOT_FOUND;
    case -EEXIST:
        return JSONRPC_EXISTS;
    case -ENOSPC:
        return JSONRPC_LIMIT;
    case -EINVAL:
        return JSONRPC_INVALID_PARAMS;
    default:
        return JSONRPC_INTERNAL_ERROR;
    }
}

/* The VR named by params' member key ("vr", or "name" for the vr.* methods). */
static struct vr *get_vr_key(struct api *api, const json_t *params, const char *key,
                             struct jsonrpc_error *err)
{
    const char *name;
    struct vr *vr;

    if (jsonrpc_get_string(params, NULL, key, true, VR_NAME_MAX, &name, err) != 0)
        return NULL;
    vr = dp_vr_find(api->dp, name);
    if (vr == NULL)
        jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "%s: no VR named %s", key, name);
    return vr;
}

static struct vr *get_vr(struct api *api, const json_t *params, struct jsonrpc_error *err)
{
    return get_vr_key(api, params, "vr", err);
}

static struct vr_iface *get_iface(struct vr *vr, const json_t *params, const char *key,
                                  struct jsonrpc_error *err)
{
    const char *name;
    struct vr_iface *ifc;

    if (jsonrpc_get_string(params, NULL, key, true, VR_IFNAME_MAX, &name, err) != 0)
        return NULL;
    ifc = vr_iface_find(vr, name);
    if (ifc == NULL)
        jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "%s: VR %s has no interface %s", key, vr->name,
                          name);
    return ifc;
}

static int check_fields(const json_t *params, const char *const *allowed, struct jsonrpc_error *err)
{
    if (params != NULL && !json_is_object(params))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "params: must be an object");
    return jsonrpc_check_fields(params, NULL, allowed, err);
}

static json_t *addr_json(const struct inet_addr *a)
{
    char buf[INET_ADDR_STRLEN];

    return json_string(inet_addr_format(a, buf, sizeof(buf)));
}

static json_t *prefix_json(const struct inet_prefix *p)
{
    char buf[INET_PREFIX_STRLEN];

    return json_string(inet_prefix_format(p, buf, sizeof(buf)));
}

static json_t *mac_json(const uint8_t mac[6])
{
    char buf[INET_MAC_STRLEN];

    return json_string(inet_mac_format(mac, buf, sizeof(buf)));
}

static json_t *counters_json(const struct counters *c)
{
    json_t *o = json_object(), *drops = json_object(), *malformed = json_object();

    for (int i = 0; i < DP_COUNTER_MAX; i++) {
        if (i >= DP_DROP_FIRST) {
            if (c->c[i] != 0)
                json_object_set_new(drops, dp_counter_name((enum dp_counter)i) + 5,
                                    json_integer((json_int_t)c->c[i]));
        } else {
            json_object_set_new(o, dp_counter_name((enum dp_counter)i),
                                json_integer((json_int_t)c->c[i]));
        }
    }
    for (int i = 1; i < DP_PARSE_REASONS_MAX; i++)
        if (c->malformed[i] != 0)
            json_object_set_new(malformed, pkt_err_name(-i),
                                json_integer((json_int_t)c->malformed[i]));
    json_object_set_new(o, "drops", drops);
    json_object_set_new(o, "malformed", malformed);
    return o;
}

/* ---- vroomd ------------------------------------------------------------------ */

static int m_status(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct api *api = ctx_api(ctx);
    unsigned vrs = 0, ports = 0;

    if (check_fields(params, allowed, err) != 0)
        return err->code;
    for (unsigned i = 0; i < DP_VRS_MAX; i++)
        vrs += dp_vr_at(api->dp, i) != NULL;
    for (unsigned i = 0; i < DP_PORTS_MAX; i++)
        ports += dp_port_at(api->dp, i) != NULL;
    *result =
        json_pack("{s:s,s:s,s:f,s:i,s:i,s:i,s:o,s:o}", "version", VROOM_VERSION, "host", api->host,
                  "uptime_s", (double)(dp_now(api->dp) - api->start_ns) / 1e9, "vrs", vrs, "ports",
                  ports, "pbufs_in_use", pbuf_pool_in_use(dp_pool(api->dp)), "api",
                  api->srv != NULL ? jsonrpc_server_stats_json(api->srv) : json_object(),
                  "counters", counters_json(dp_counters(api->dp)));
    return 0;
}

/* ---- VRs ------------------------------------------------------------------- */

static json_t *vr_json(const struct vr *vr, int detail)
{
    json_t *ifaces = json_array();
    const char *ns = container_netns(vr);
    json_t *o;

    for (int i = 0; i < VR_IFACES_MAX; i++)
        if (vr->ifaces[i] != NULL)
            json_array_append_new(ifaces, json_string(vr->ifaces[i]->name));
    o = json_pack("{s:s,s:i,s:o,s:I,s:I,s:I,s:o,s:I}", "name", vr->name, "id", (int)vr->id,
                  "interfaces", ifaces, "routes4", (json_int_t)vr_route_count(vr, AF_INET),
                  "routes6", (json_int_t)vr_route_count(vr, AF_INET6), "neighbours",
                  (json_int_t)neigh_count(vr->neigh), "container",
                  ns != NULL ? json_string(ns) : json_null(), "route_seq",
                  (json_int_t)vr->route_seq);
    if (detail) {
        size_t routes;
        unsigned long installed, refused;

        container_shim_stats(vr, &routes, &installed, &refused);
        json_object_set_new(
            o, "fib_memory",
            json_integer((json_int_t)(fib4_memory(vr->fib4) + fib6_memory(vr->fib6))));
        json_object_set_new(o, "next_hops", json_integer(vr->n_nhs));
        json_object_set_new(o, "next_hop_groups", json_integer((json_int_t)vr_nhg_count(vr)));
        json_object_set_new(o, "shim",
                            json_pack("{s:I,s:I,s:I}", "kernel_routes", (json_int_t)routes,
                                      "installed", (json_int_t)installed, "refused",
                                      (json_int_t)refused));
        json_object_set_new(o, "counters", counters_json(&vr->st));
    }
    return o;
}

static int m_vr_create(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", "container", "shim", NULL};
    struct api *api = ctx_api(ctx);
    bool want_container = api->netns_prefix != NULL, shim = true;
    const char *name;
    char why[256], ns[128];
    struct vr *vr;
    int rc;

    if (check_fields(params, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "name", true, VR_NAME_MAX, &name, err) != 0 ||
        jsonrpc_get_bool(params, NULL, "container", false, &want_container, err) < 0 ||
        jsonrpc_get_bool(params, NULL, "shim", false, &shim, err) < 0)
        return err->code;
    if (want_container && api->netns_prefix == NULL)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED,
                                 "container: this vroomd runs without --netns-prefix");
    vr = dp_vr_create(api->dp, name, why, sizeof(why));
    if (vr == NULL)
        return jsonrpc_error_set(err,
                                 errno == EEXIST   ? JSONRPC_EXISTS
                                 : errno == ENOSPC ? JSONRPC_LIMIT
                                                   : JSONRPC_INVALID_PARAMS,
                                 "%s", why);
    if (want_container) {
        snprintf(ns, sizeof(ns), "%s%s", api->netns_prefix, name);
        rc = container_create(api->dp, vr, ns, why, sizeof(why));
        if (rc == 0 && shim)
            rc = container_shim_start(api->dp, vr, api->loop, why, sizeof(why));
        if (rc != 0) {
            dp_vr_delete(api->dp, name);
            return jsonrpc_error_set(err, rc == -EEXIST ? JSONRPC_EXISTS : JSONRPC_INTERNAL_ERROR,
                                     "container: %s", why);
        }
    }
    log_info("vr %s created (id %u%s%s)", name, vr->id, want_container ? ", container " : "",
             want_container ? ns : "");
    *result = vr_json(vr, 0);
    return 0;
}

static int m_vr_delete(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", NULL};
    struct api *api = ctx_api(ctx);
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 ||
        (vr = get_vr_key(api, params, "name", err)) == NULL)
        return err->code;
    *result = json_pack("{s:s}", "deleted", vr->name);
    log_info("vr %s deleted", vr->name);
    dp_vr_delete(api->dp, json_string_value(json_object_get(*result, "deleted")));
    return 0;
}

static int m_vr_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct api *api = ctx_api(ctx);

    if (check_fields(params, allowed, err) != 0)
        return err->code;
    *result = json_array();
    for (unsigned i = 0; i < DP_VRS_MAX; i++)
        if (dp_vr_at(api->dp, i) != NULL)
            json_array_append_new(*result, vr_json(dp_vr_at(api->dp, i), 0));
    return 0;
}

static int m_vr_show(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", NULL};
    struct api *api = ctx_api(ctx);
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 ||
        (vr = get_vr_key(api, params, "name", err)) == NULL)
        return err->code;
    *result = vr_json(vr, 1);
    return 0;
}

/* ---- ports ------------------------------------------------------------------ */

static json_t *port_json(const struct port *p)
{
    const struct vr_iface *ifc = p->owner;
    char bound[VR_NAME_MAX + VR_IFNAME_MAX + 2] = "";

    if (ifc != NULL)
        snprintf(bound, sizeof(bound), "%s:%s", ifc->vr->name, ifc->name);
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "name", p->name, "kind",
        p->ops->kind, "role", p->role == PORT_ROLE_TAP ? "tap" : "external", "ifname", p->ifname,
        "bound_to", ifc != NULL ? json_string(bound) : json_null(), "rx",
        (json_int_t)p->st.rx_packets, "tx", (json_int_t)p->st.tx_packets, "rx_bytes",
        (json_int_t)p->st.rx_bytes, "tx_bytes", (json_int_t)p->st.tx_bytes, "rx_oversize",
        (json_int_t)p->st.rx_oversize, "rx_nobuf", (json_int_t)p->st.rx_nobuf, "rx_ring_drops",
        (json_int_t)p->st.rx_ring_drops, "tx_errors", (json_int_t)p->st.tx_errors);
}

static int m_port_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", "kind", "ifname", NULL};
    static const char *const kinds[] = {"afpacket", "tap", NULL};
    struct api *api = ctx_api(ctx);
    const char *name, *ifname;
    char why[256];
    struct port *p;
    int kind, rc;

    /* wires take other fields (api_wire.c) */
    if (json_is_object(params) && json_is_string(json_object_get(params, "kind")) &&
        strcmp(json_string_value(json_object_get(params, "kind")), "wire") == 0)
        return api_wire_port_add(api, params, result, err);
    if (check_fields(params, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "name", true, PORT_NAME_MAX, &name, err) != 0 ||
        jsonrpc_get_enum(params, NULL, "kind", true, kinds, &kind, err) != 0 ||
        jsonrpc_get_string(params, NULL, "ifname", true, 15, &ifname, err) != 0)
        return err->code;
    rc = dp_port_add(api->dp, kinds[kind], name, ifname, -1, &p, why, sizeof(why));
    if (rc != 0)
        return jsonrpc_error_set(err,
                                 rc == -EEXIST                    ? JSONRPC_EXISTS
                                 : rc == -ENODEV || rc == -EINVAL ? JSONRPC_INVALID_PARAMS
                                                                  : errno_code(rc),
                                 "%s", why);
    log_info("port %s (%s on %s) added", name, kinds[kind], ifname);
    *result = port_json(p);
    return 0;
}

static int m_port_delete(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"name", NULL};
    struct api *api = ctx_api(ctx);
    const char *name;

    if (check_fields(params, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "name", true, PORT_NAME_MAX, &name, err) != 0)
        return err->code;
    if (dp_port_delete(api->dp, name) != 0)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "name: no port named %s", name);
    *result = json_pack("{s:s}", "deleted", name);
    return 0;
}

static int m_port_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    struct api *api = ctx_api(ctx);

    if (check_fields(params, allowed, err) != 0)
        return err->code;
    *result = json_array();
    for (unsigned i = 0; i < DP_PORTS_MAX; i++)
        if (dp_port_at(api->dp, i) != NULL)
            json_array_append_new(*result, port_json(dp_port_at(api->dp, i)));
    return 0;
}

/* ---- interfaces ------------------------------------------------------------- */

/* A MAC that is the same on every host for the same VR and interface, so a
 * migrated router keeps its MACs: locally administered, from a hash of names. */
static void iface_default_mac(const char *vr, const char *ifname, uint8_t mac[6])
{
    uint64_t h = 1469598103934665603ull;

    for (const char *p = vr; *p != '\0'; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h = (h ^ '/') * 1099511628211ull;
    for (const char *p = ifname; *p != '\0'; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    mac[0] = 0x02;
    for (int i = 1; i < 6; i++)
        mac[i] = (uint8_t)(h >> (8 * i));
}

static json_t *iface_json(const struct vr_iface *ifc)
{
    json_t *addrs = json_array();

    for (unsigned i = 0; i < ifc->n_addrs; i++) {
        char buf[INET_PREFIX_STRLEN], a[INET_ADDR_STRLEN];

        snprintf(buf, sizeof(buf), "%s/%u", inet_addr_format(&ifc->addrs[i].addr, a, sizeof(a)),
                 ifc->addrs[i].len);
        json_array_append_new(addrs, json_string(buf));
    }
    return json_pack("{s:s,s:i,s:o,s:i,s:o,s:o,s:o,s:b,s:b,s:o}", "name", ifc->name, "index",
                     ifc->index, "mac", mac_json(ifc->mac), "mtu", ifc->mtu, "addresses", addrs,
                     "port", ifc->port != NULL ? json_string(ifc->port->name) : json_null(), "tap",
                     ifc->tap != NULL ? json_string(ifc->tap->name) : json_null(), "acl_in",
                     ifc->acl_in != NULL, "acl_out", ifc->acl_out != NULL, "counters",
                     counters_json(&ifc->st));
}

static int m_iface_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "name", "mac", "addresses", "mtu", "port", NULL};
    struct api *api = ctx_api(ctx);
    struct inet_prefix addrs[VR_ADDRS_MAX];
    json_t *jaddrs = NULL, *it;
    const char *name, *portname = NULL;
    struct port *port = NULL;
    int64_t mtu = 1500;
    uint8_t mac[6];
    char why[256];
    struct vr *vr;
    size_t i;
    int rc, mac_absent;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        jsonrpc_get_string(params, NULL, "name", true, VR_IFNAME_MAX, &name, err) != 0 ||
        (mac_absent = jsonrpc_get_mac(params, NULL, "mac", false, mac, err)) < 0 ||
        jsonrpc_get_array(params, NULL, "addresses", false, VR_ADDRS_MAX, &jaddrs, err) < 0 ||
        jsonrpc_get_int(params, NULL, "mtu", false, 68, PBUF_CAP - 18, &mtu, err) < 0 ||
        jsonrpc_get_string(params, NULL, "port", false, PORT_NAME_MAX, &portname, err) < 0)
        return err->code;
    if (mac_absent != 0)
        iface_default_mac(vr->name, name, mac);
    json_array_foreach(jaddrs, i, it)
    {
        char path[32];

        snprintf(path, sizeof(path), "addresses[%zu]", i);
        if (jsonrpc_get_ifaddr(it, path, NULL, true, AF_UNSPEC, &addrs[i], err) != 0)
            return err->code;
    }
    if (portname != NULL && (port = dp_port_find(api->dp, portname)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "port: no port named %s", portname);
    if (port != NULL && port->role == PORT_ROLE_TAP)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "port: %s is a container tap",
                                 portname);
    rc = vr_iface_add(vr, name, mac, (uint16_t)mtu, addrs,
                      jaddrs != NULL ? json_array_size(jaddrs) : 0, why, sizeof(why));
    if (rc != 0)
        return jsonrpc_error_set(err, errno_code(rc), "%s", why);
    rc = container_iface_add(api->dp, vr_iface_find(vr, name), why, sizeof(why));
    if (rc != 0) {
        dp_iface_delete(api->dp, vr, name);
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "container: %s", why);
    }
    if (port != NULL)
        vr_iface_bind(vr_iface_find(vr, name), port);
    *result = iface_json(vr_iface_find(vr, name));
    return 0;
}

static int m_iface_delete(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "name", NULL};
    struct api *api = ctx_api(ctx);
    struct vr_iface *ifc;
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        (ifc = get_iface(vr, params, "name", err)) == NULL)
        return err->code;
    *result = json_pack("{s:s}", "deleted", ifc->name);
    container_iface_del(api->dp, ifc);
    dp_iface_delete(api->dp, vr, ifc->name);
    return 0;
}

static int m_iface_bind(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "name", "port", NULL};
    struct api *api = ctx_api(ctx);
    const char *portname = NULL;
    struct port *port = NULL;
    struct vr_iface *ifc;
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        (ifc = get_iface(vr, params, "name", err)) == NULL ||
        jsonrpc_get_string(params, NULL, "port", false, PORT_NAME_MAX, &portname, err) < 0)
        return err->code;
    if (portname != NULL) {
        port = dp_port_find(api->dp, portname);
        if (port == NULL)
            return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "port: no port named %s", portname);
        if (port->role == PORT_ROLE_TAP)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "port: %s is a container tap",
                                     portname);
    }
    vr_iface_bind(ifc, port);
    log_info("vr %s: %s bound to %s", vr->name, ifc->name, portname != NULL ? portname : "-");
    *result = iface_json(ifc);
    return 0;
}

static int m_iface_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", NULL};
    struct api *api = ctx_api(ctx);
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL)
        return err->code;
    *result = json_array();
    for (int i = 0; i < VR_IFACES_MAX; i++)
        if (vr->ifaces[i] != NULL)
            json_array_append_new(*result, iface_json(vr->ifaces[i]));
    return 0;
}

/* ---- routes ------------------------------------------------------------------ */

static const char *const route_types[] = {"unicast", "blackhole", "unreachable", "prohibit", NULL};

/* One member of routes[i].nexthops (path names it) into x. */
static int nexthop_parse(struct vr *vr, json_t *o, const char *path, int family,
                         struct vr_nexthop *x, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"via", "dev", NULL};
    const char *dev = NULL;
    int has_via;

    memset(x, 0, sizeof(*x));
    x->iface = -1;
    if (!json_is_object(o))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: must be an object", path);
    if (jsonrpc_check_fields(o, path, allowed, err) != 0 ||
        (has_via = jsonrpc_get_addr(o, path, "via", false, family, &x->gw, err)) < 0 ||
        jsonrpc_get_string(o, path, "dev", false, VR_IFNAME_MAX, &dev, err) < 0)
        return err->code;
    if (dev != NULL) {
        struct vr_iface *ifc = vr_iface_find(vr, dev);

        if (ifc == NULL)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "%s.dev: VR %s has no interface %s", path, vr->name, dev);
        x->iface = ifc->index;
    }
    if (has_via == 0)
        x->type = NH_UNICAST;
    else if (dev != NULL)
        x->type = NH_CONNECTED;
    else
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: a next hop needs via or dev",
                                 path);
    return 0;
}

/* routes[i].nexthops into r->mp (malloc'd: the caller frees it). */
static int nexthops_parse(struct vr *vr, json_t *list, const char *path, struct vr_route *r,
                          struct jsonrpc_error *err)
{
    struct vr_nexthop *mp;
    char mpath[64];
    size_t n = json_array_size(list), j;
    json_t *it;

    if (n == 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "%s.nexthops: must hold 1-%d next hops", path, VR_ECMP_MAX);
    mp = calloc(n, sizeof(*mp));
    if (mp == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
    r->mp = mp;
    r->n_mp = (unsigned)n;
    json_array_foreach(list, j, it)
    {
        snprintf(mpath, sizeof(mpath), "%s.nexthops[%zu]", path, j);
        if (nexthop_parse(vr, it, mpath, r->dst.addr.family, &mp[j], err) != 0)
            return err->code;
        for (size_t k = 0; k < j; k++)
            if (mp[k].type == mp[j].type && mp[k].iface == mp[j].iface &&
                (mp[j].type != NH_UNICAST || addr_equal(&mp[k].gw, &mp[j].gw)))
                return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                         "%s: the same next hop as nexthops[%zu]", mpath, k);
    }
    return 0;
}

/* routes[i] into r. With nexthops, r->mp is malloc'd (also on error): the caller frees it. */
static int route_parse(struct vr *vr, json_t *o, size_t i, struct vr_route *r, int need_nh,
                       struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"prefix", "via", "dev", "type", "nexthops", NULL};
    static const char *const allowed_del[] = {"prefix", NULL};
    char path[32], why[256];
    const char *dev = NULL;
    json_t *nexthops = NULL;
    int type = 0, has_via;

    snprintf(path, sizeof(path), "routes[%zu]", i);
    memset(r, 0, sizeof(*r));
    r->iface = -1;
    if (!json_is_object(o))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: must be an object", path);
    if (jsonrpc_check_fields(o, path, need_nh ? allowed : allowed_del, err) != 0 ||
        jsonrpc_get_prefix(o, path, "prefix", true, AF_UNSPEC, &r->dst, err) != 0)
        return err->code;
    if (!need_nh)
        return 0;
    if (jsonrpc_get_enum(o, path, "type", false, route_types, &type, err) < 0 ||
        jsonrpc_get_array(o, path, "nexthops", false, VR_ECMP_MAX, &nexthops, err) < 0 ||
        (has_via = jsonrpc_get_addr(o, path, "via", false, r->dst.addr.family, &r->gw, err)) < 0 ||
        jsonrpc_get_string(o, path, "dev", false, VR_IFNAME_MAX, &dev, err) < 0)
        return err->code;
    if (nexthops != NULL) {
        if (has_via == 0 || dev != NULL || type != 0)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "%s.nexthops: instead of via, dev and type, not with them",
                                     path);
        if (nexthops_parse(vr, nexthops, path, r, err) != 0)
            return err->code;
        if (vr_route_check(vr, r, why, sizeof(why)) != 0)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s.%s", path, why);
        return 0;
    }
    if (dev != NULL) {
        struct vr_iface *ifc = vr_iface_find(vr, dev);

        if (ifc == NULL)
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "%s.dev: VR %s has no interface %s", path, vr->name, dev);
        r->iface = ifc->index;
    }
    switch (type) {
    case 0:
        if (has_via == 0)
            r->type = NH_UNICAST;
        else if (dev != NULL)
            r->type = NH_CONNECTED;
        else
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "%s: a unicast route needs via or dev (or nexthops)", path);
        break;
    case 1:
        r->type = NH_BLACKHOLE;
        break;
    case 2:
        r->type = NH_UNREACHABLE;
        break;
    default:
        r->type = NH_PROHIBIT;
    }
    if (vr_route_check(vr, r, why, sizeof(why)) != 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s.%s", path, why);
    return 0;
}

static void routes_free(struct vr_route *rs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)rs[i].mp);
    free(rs);
}

int api_get_seq(const struct vr *vr, const json_t *params, int64_t *seq, struct jsonrpc_error *err)
{
    int rc = jsonrpc_get_int(params, NULL, "seq", false, 0, INT64_MAX, seq, err);

    if (rc < 0 || rc > 0)
        return rc;
    if ((uint64_t)*seq <= vr->route_seq && *seq != 0)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "seq: %lld is not after the last applied, %llu (route.sync "
                                 "gives it)",
                                 (long long)*seq, (unsigned long long)vr->route_seq);
    return 0;
}

static int m_route_add_del(struct api *api, json_t *params, json_t **result,
                           struct jsonrpc_error *err, int add)
{
    static const char *const allowed[] = {"vr", "seq", "routes", NULL};
    struct vr_route *rs;
    json_t *routes, *it;
    int64_t seq = -1;
    size_t i, n, done = 0, missing = 0;
    struct vr *vr;
    int rc;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        jsonrpc_get_array(params, NULL, "routes", true, ROUTES_PER_CALL_MAX, &routes, err) != 0 ||
        api_get_seq(vr, params, &seq, err) < 0)
        return err->code;
    n = json_array_size(routes);
    rs = calloc(n ? n : 1, sizeof(*rs));
    if (rs == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory for %zu routes", n);
    /* all checked before any is applied */
    json_array_foreach(routes, i, it)
    {
        if ((rc = route_parse(vr, it, i, &rs[i], add, err)) != 0) {
            routes_free(rs, i + 1);
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        rc = add ? vr_route_add(vr, &rs[i]) : vr_route_del(vr, &rs[i].dst);
        if (rc == 0)
            done++;
        else if (rc == -ENOENT)
            missing++;
        else {
            /* out of memory half-way: say how far it got, the FIB stays consistent */
            routes_free(rs, n);
            return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR,
                                     "routes[%zu]: %s (the %zu before it were applied)", i,
                                     strerror(-rc), i);
        }
    }
    routes_free(rs, n);
    if (seq > 0)
        vr->route_seq = (uint64_t)seq;
    *result =
        add ? json_pack("{s:I,s:I}", "added", (json_int_t)done, "seq", (json_int_t)vr->route_seq)
            : json_pack("{s:I,s:I,s:I}", "deleted", (json_int_t)done, "missing",
                        (json_int_t)missing, "seq", (json_int_t)vr->route_seq);
    return 0;
}

static int m_route_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    return m_route_add_del(ctx_api(ctx), params, result, err, 1);
}

static int m_route_delete(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    return m_route_add_del(ctx_api(ctx), params, result, err, 0);
}

static const char *const nh_type_names[] = {"unicast",   "connected",   "local",
                                            "blackhole", "unreachable", "prohibit"};

static json_t *nh_json(const struct vr *vr, const struct nh *nh)
{
    json_t *o = json_pack("{s:s}", "type", nh_type_names[nh->type]);

    if (nh->type == NH_UNICAST)
        json_object_set_new(o, "via", addr_json(&nh->gw));
    if ((nh->type == NH_UNICAST || nh->type == NH_CONNECTED || nh->type == NH_LOCAL) &&
        vr->ifaces[nh->iface] != NULL)
        json_object_set_new(o, "dev", json_string(vr->ifaces[nh->iface]->name));
    return o;
}

/* A FIB value: a next hop, or a group as {type: unicast, nexthops: [...]}. */
static json_t *route_json(const struct vr *vr, uint32_t v)
{
    const struct nhg *g;
    json_t *o, *list;

    if (!(v & VR_NHG_BIT))
        return nh_json(vr, vr_nh(vr, v));
    g = vr_nhg(vr, v);
    list = json_array();
    for (unsigned i = 0; i < g->n; i++)
        json_array_append_new(list, nh_json(vr, vr_nh(vr, g->nh[i])));
    o = json_pack("{s:s,s:o}", "type", "unicast", "nexthops", list);
    return o;
}

struct list_arg {
    const struct vr *vr;
    json_t *out;
    size_t limit;
};

static int list_one(struct list_arg *a, const struct inet_prefix *p, uint32_t nh)
{
    json_t *o;

    if (json_array_size(a->out) >= a->limit)
        return 1;
    o = route_json(a->vr, nh);
    json_object_set_new(o, "prefix", prefix_json(p));
    json_array_append_new(a->out, o);
    return 0;
}

static int list4(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    struct inet_prefix p = {.addr.family = AF_INET, .len = len};

    p.addr.u.v4.s_addr = htonl(addr);
    return list_one(arg, &p, nh);
}

static int list6(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    struct inet_prefix p = {.addr.family = AF_INET6, .len = len};

    memcpy(p.addr.u.bytes, addr, 16);
    return list_one(arg, &p, nh);
}

static int m_route_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "family", "limit", NULL};
    static const char *const families[] = {"ipv4", "ipv6", NULL};
    struct api *api = ctx_api(ctx);
    int64_t limit = 10000;
    int family = -1;
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        jsonrpc_get_enum(params, NULL, "family", false, families, &family, err) < 0 ||
        jsonrpc_get_int(params, NULL, "limit", false, 1, 10000000, &limit, err) < 0)
        return err->code;
    {
        struct list_arg a = {vr, json_array(), (size_t)limit};

        if (family != 1)
            fib4_walk(vr->fib4, list4, &a);
        if (family != 0)
            fib6_walk(vr->fib6, list6, &a);
        *result = a.out;
    }
    return 0;
}

static int m_route_get(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "address", NULL};
    struct api *api = ctx_api(ctx);
    struct inet_addr a;
    struct vr *vr;
    uint32_t v;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        jsonrpc_get_addr(params, NULL, "address", true, AF_UNSPEC, &a, err) != 0)
        return err->code;
    v = vr_route_lookup_id(vr, &a);
    if (v == VR_NH_NONE)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "address: no route");
    *result = route_json(vr, v);
    json_object_set_new(*result, "address", addr_json(&a));
    return 0;
}

static int m_route_sync(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", NULL};
    struct api *api = ctx_api(ctx);
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL)
        return err->code;
    *result = json_pack("{s:I,s:I,s:I}", "seq", (json_int_t)vr->route_seq, "routes4",
                        (json_int_t)vr_route_count(vr, AF_INET), "routes6",
                        (json_int_t)vr_route_count(vr, AF_INET6));
    return 0;
}

/* ---- neighbours ---------------------------------------------------------------- */

struct neigh_list_arg {
    const struct vr *vr;
    uint64_t now;
    json_t *out;
};

static int neigh_list_one(struct neigh *e, void *arg)
{
    struct neigh_list_arg *a = arg;
    const struct vr_iface *ifc = a->vr->ifaces[e->iface];

    json_array_append_new(a->out,
                          json_pack("{s:o,s:s,s:o,s:s,s:f,s:i}", "address", addr_json(&e->addr),
                                    "iface", ifc != NULL ? ifc->name : "?", "mac",
                                    e->state == NEIGH_INCOMPLETE ? json_null() : mac_json(e->mac),
                                    "state", neigh_state_name(e->state), "age_s",
                                    e->updated_ns ? (double)(a->now - e->updated_ns) / 1e9 : -1.0,
                                    "queued", (int)e->q.len));
    return 0;
}

static int m_neigh_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", NULL};
    struct api *api = ctx_api(ctx);
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL)
        return err->code;
    {
        struct neigh_list_arg a = {vr, dp_now(api->dp), json_array()};

        neigh_walk(vr->neigh, neigh_list_one, &a);
        *result = a.out;
    }
    return 0;
}

static int m_neigh_add_del(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err,
                           int add)
{
    static const char *const allowed_add[] = {"vr", "iface", "address", "mac", NULL};
    static const char *const allowed_del[] = {"vr", "iface", "address", NULL};
    struct api *api = ctx_api(ctx);
    struct vr_iface *ifc;
    struct inet_addr a;
    struct neigh *e;
    uint8_t mac[6];
    struct vr *vr;

    if (check_fields(params, add ? allowed_add : allowed_del, err) != 0 ||
        (vr = get_vr(api, params, err)) == NULL ||
        (ifc = get_iface(vr, params, "iface", err)) == NULL ||
        jsonrpc_get_addr(params, NULL, "address", true, AF_UNSPEC, &a, err) != 0 ||
        (add && jsonrpc_get_mac(params, NULL, "mac", true, mac, err) != 0))
        return err->code;
    if (!add) {
        e = neigh_find(vr->neigh, ifc->index, &a);
        if (e == NULL)
            return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "address: no such neighbour");
        neigh_remove(vr->neigh, e);
        *result = json_pack("{s:o}", "deleted", addr_json(&a));
        return 0;
    }
    if (mac[0] & 1)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "mac: must be unicast");
    e = neigh_get(vr->neigh, ifc->index, &a);
    if (e == NULL)
        return jsonrpc_error_set(err, JSONRPC_LIMIT, "the neighbour table is full");
    memcpy(e->mac, mac, 6);
    e->state = NEIGH_STATIC;
    e->updated_ns = dp_now(api->dp);
    {
        struct pbuf *q;

        /* waiting packets go now, as after an answer */
        while ((q = pbuf_queue_pop(&e->q)) != NULL)
            dp_ip_output(api->dp, ifc, &a, q);
        dp_flush(api->dp);
    }
    *result = json_pack("{s:o,s:o}", "address", addr_json(&a), "mac", mac_json(mac));
    return 0;
}

static int m_neigh_add(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    return m_neigh_add_del(ctx, params, result, err, 1);
}

static int m_neigh_delete(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    return m_neigh_add_del(ctx, params, result, err, 0);
}

/* ---- ACLs ------------------------------------------------------------------------ */

static int port_range(json_t *o, const char *path, const char *key, uint16_t *lo, uint16_t *hi,
                      struct jsonrpc_error *err)
{
    json_t *v = json_object_get(o, key);

    *lo = 0;
    *hi = 65535;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 65535) {
        *lo = *hi = (uint16_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        unsigned a, b;
        char c;

        if (sscanf(json_string_value(v), "%u-%u%c", &a, &b, &c) == 2 && a <= b && b <= 65535) {
            *lo = (uint16_t)a;
            *hi = (uint16_t)b;
            return 0;
        }
    }
    return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                             "%s.%s: a port (0-65535) or a range \"LO-HI\"", path, key);
}

static int m_acl_set(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "iface", "direction", "rules", NULL};
    static const char *const rule_fields[] = {"action", "src",   "dst", "proto",
                                              "sport",  "dport", NULL};
    static const char *const dirs[] = {"in", "out", NULL};
    static const char *const actions[] = {"permit", "deny", NULL};
    struct api *api = ctx_api(ctx);
    struct acl_rule *rules;
    struct vr_iface *ifc;
    json_t *jrules, *it;
    struct acl *acl;
    struct vr *vr;
    int dir;
    size_t i;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        (ifc = get_iface(vr, params, "iface", err)) == NULL ||
        jsonrpc_get_enum(params, NULL, "direction", true, dirs, &dir, err) != 0 ||
        jsonrpc_get_array(params, NULL, "rules", true, ACL_RULES_MAX, &jrules, err) != 0)
        return err->code;
    rules = calloc(json_array_size(jrules) + 1, sizeof(*rules));
    if (rules == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
    json_array_foreach(jrules, i, it)
    {
        struct acl_rule *r = &rules[i];
        char path[32];
        int action, rc;
        int64_t proto = -1;

        snprintf(path, sizeof(path), "rules[%zu]", i);
        if (!json_is_object(it)) {
            jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: must be an object", path);
            goto bad;
        }
        if (jsonrpc_check_fields(it, path, rule_fields, err) != 0 ||
            jsonrpc_get_enum(it, path, "action", true, actions, &action, err) != 0 ||
            jsonrpc_get_prefix(it, path, "src", false, AF_UNSPEC, &r->src, err) < 0 ||
            jsonrpc_get_prefix(it, path, "dst", false, AF_UNSPEC, &r->dst, err) < 0)
            goto bad;
        if (json_is_string(json_object_get(it, "proto"))) {
            const char *p = json_string_value(json_object_get(it, "proto"));

            proto = strcmp(p, "tcp") == 0      ? 6
                    : strcmp(p, "udp") == 0    ? 17
                    : strcmp(p, "icmp") == 0   ? 1
                    : strcmp(p, "icmpv6") == 0 ? 58
                                               : -2;
            if (proto == -2) {
                jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                  "%s.proto: tcp, udp, icmp, icmpv6 or a number 0-255", path);
                goto bad;
            }
        } else if ((rc = jsonrpc_get_int(it, path, "proto", false, 0, 255, &proto, err)) < 0) {
            goto bad;
        }
        r->proto = (int16_t)proto;
        r->action = (uint8_t)action;
        if (r->src.len > 0 && r->dst.len > 0 && r->src.addr.family != r->dst.addr.family) {
            jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "%s: src and dst of different families",
                              path);
            goto bad;
        }
        r->family = (uint8_t)(r->src.len > 0   ? r->src.addr.family
                              : r->dst.len > 0 ? r->dst.addr.family
                                               : 0);
        if (port_range(it, path, "sport", &r->sport_lo, &r->sport_hi, err) != 0 ||
            port_range(it, path, "dport", &r->dport_lo, &r->dport_hi, err) != 0)
            goto bad;
    }
    acl = json_array_size(jrules) > 0 ? acl_create(rules, (unsigned)json_array_size(jrules)) : NULL;
    free(rules);
    if (json_array_size(jrules) > 0 && acl == NULL)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "out of memory");
    if (dir == 0) {
        acl_free(ifc->acl_in);
        ifc->acl_in = acl;
    } else {
        acl_free(ifc->acl_out);
        ifc->acl_out = acl;
    }
    *result = json_pack("{s:s,s:s,s:I}", "iface", ifc->name, "direction", dirs[dir], "rules",
                        (json_int_t)json_array_size(jrules));
    return 0;
bad:
    free(rules);
    return err->code;
}

static json_t *acl_json(const struct acl *acl)
{
    json_t *a = json_array();

    for (unsigned i = 0; acl != NULL && i < acl->n; i++) {
        const struct acl_rule *r = &acl->rules[i];
        json_t *o = json_pack("{s:s,s:I}", "action", r->action == ACL_DENY ? "deny" : "permit",
                              "hits", (json_int_t)r->hits);

        if (r->src.len > 0)
            json_object_set_new(o, "src", prefix_json(&r->src));
        if (r->dst.len > 0)
            json_object_set_new(o, "dst", prefix_json(&r->dst));
        if (r->proto >= 0)
            json_object_set_new(o, "proto", json_integer(r->proto));
        if (r->sport_lo != 0 || r->sport_hi != 65535)
            json_object_set_new(o, "sport", json_sprintf("%u-%u", r->sport_lo, r->sport_hi));
        if (r->dport_lo != 0 || r->dport_hi != 65535)
            json_object_set_new(o, "dport", json_sprintf("%u-%u", r->dport_lo, r->dport_hi));
        json_array_append_new(a, o);
    }
    return a;
}

static int m_acl_show(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "iface", NULL};
    struct api *api = ctx_api(ctx);
    struct vr_iface *ifc;
    struct vr *vr;

    if (check_fields(params, allowed, err) != 0 || (vr = get_vr(api, params, err)) == NULL ||
        (ifc = get_iface(vr, params, "iface", err)) == NULL)
        return err->code;
    *result = json_pack("{s:s,s:o,s:o}", "iface", ifc->name, "in", acl_json(ifc->acl_in), "out",
                        acl_json(ifc->acl_out));
    return 0;
}

/* ---- counters --------------------------------------------------------------------- */

static int m_counters_get(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "port", NULL};
    struct api *api = ctx_api(ctx);
    const char *vrname = NULL, *portname = NULL;
    json_t *vrs = json_object(), *ports = json_object();

    if (check_fields(params, allowed, err) != 0 ||
        jsonrpc_get_string(params, NULL, "vr", false, VR_NAME_MAX, &vrname, err) < 0 ||
        jsonrpc_get_string(params, NULL, "port", false, PORT_NAME_MAX, &portname, err) < 0) {
        json_decref(vrs);
        json_decref(ports);
        return err->code;
    }
    if ((vrname != NULL && dp_vr_find(api->dp, vrname) == NULL) ||
        (portname != NULL && dp_port_find(api->dp, portname) == NULL)) {
        json_decref(vrs);
        json_decref(ports);
        return jsonrpc_error_set(
            err, JSONRPC_NOT_FOUND, "%s: no such %s",
            vrname != NULL && dp_vr_find(api->dp, vrname) == NULL ? "vr" : "port",
            vrname != NULL && dp_vr_find(api->dp, vrname) == NULL ? "VR" : "port");
    }
    for (unsigned i = 0; i < DP_VRS_MAX && portname == NULL; i++) {
        struct vr *vr = dp_vr_at(api->dp, i);
        json_t *o, *ifaces;

        if (vr == NULL || (vrname != NULL && strcmp(vr->name, vrname) != 0))
            continue;
        o = counters_json(&vr->st);
        ifaces = json_object();
        for (int k = 0; k < VR_IFACES_MAX; k++)
            if (vr->ifaces[k] != NULL)
                json_object_set_new(ifaces, vr->ifaces[k]->name, counters_json(&vr->ifaces[k]->st));
        json_object_set_new(o, "interfaces", ifaces);
        json_object_set_new(vrs, vr->name, o);
    }
    for (unsigned i = 0; i < DP_PORTS_MAX && vrname == NULL; i++) {
        struct port *p = dp_port_at(api->dp, i);

        if (p != NULL && (portname == NULL || strcmp(p->name, portname) == 0))
            json_object_set_new(ports, p->name, port_json(p));
    }
    *result = json_pack("{s:o,s:o,s:o}", "host", counters_json(dp_counters(api->dp)), "vrs", vrs,
                        "ports", ports);
    return 0;
}

static const struct jsonrpc_method api_methods[] = {
    {"vroomd.status", m_status, "version, uptime, VR and port counts, API counters"},
    {"vr.create", m_vr_create, "create a VR (and its container)"},
    {"vr.delete", m_vr_delete, "delete a VR with its container"},
    {"vr.list", m_vr_list, "the VRs of this host"},
    {"vr.show", m_vr_show, "one VR in detail"},
    {"vr.control", api_vr_control, "where the VR's control plane answers (set by it)"},
    {"port.add", m_port_add, "open a port on an interface"},
    {"port.delete", m_port_delete, "close a port"},
    {"port.list", m_port_list, "ports with their bindings and counters"},
    {"port.set_remote", api_wire_set_remote, "re-point a wire's far end"},
    {"port.set_key", api_wire_set_key, "install a secure wire's keys (roll its epoch)"},
    {"wire.stats", api_wire_stats, "wires and underlays with their counters and drops"},
    {"iface.add", m_iface_add, "add an interface to a VR"},
    {"iface.delete", m_iface_delete, "delete a VR interface and its routes"},
    {"iface.bind", m_iface_bind, "bind a VR interface to a port (or unbind)"},
    {"iface.list", m_iface_list, "a VR's interfaces"},
    {"route.add", m_route_add, "add or replace routes (a batch)"},
    {"route.delete", m_route_delete, "delete routes (a batch)"},
    {"route.list", m_route_list, "a VR's routes"},
    {"route.get", m_route_get, "longest-prefix match for an address"},
    {"route.sync", m_route_sync, "the last sequence number applied"},
    {"neigh.list", m_neigh_list, "a VR's neighbour table"},
    {"neigh.add", m_neigh_add, "a static neighbour"},
    {"neigh.delete", m_neigh_delete, "remove a neighbour"},
    {"acl.set", m_acl_set, "replace an interface's ACL for one direction"},
    {"acl.show", m_acl_show, "an interface's ACLs with hit counts"},
    {"counters.get", m_counters_get, "counters of the host, VRs, interfaces and ports"},
};

int api_register(struct api *api, struct jsonrpc_server *srv)
{
    api->srv = srv;
    api->start_ns = dp_now(api->dp);
    return jsonrpc_server_add_methods(srv, api_methods,
                                      sizeof(api_methods) / sizeof(api_methods[0]), api)
               ?: api_bulk_register(api, srv) ?: endpoint_register(api, srv);
}
