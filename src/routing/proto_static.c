/*
 * proto_static.c - static routes as a protocol (proto.h): the `static:`
 * section of the config, a list of routes
 *
 *   - {prefix: 10.9.0.0/16, via: 10.0.2.2}                 recursive if off-link
 *   - {prefix: 10.8.0.0/16, via: 10.0.2.2, dev: eth1}
 *   - {prefix: 10.7.0.0/16, dev: eth1}
 *   - {prefix: 10.6.0.0/16, nexthops: [{via: 10.0.1.2}, {via: 10.0.2.2}]}   ECMP
 *   - {prefix: 192.0.2.0/24, type: blackhole, distance: 250}
 *
 * Reconfiguration is always in place: routes gone are withdrawn, new or
 * changed ones announced. A next hop with a `dev` whose link is down is
 * left out while it is (the route withdrawn if none is left). Its routes are in the RIB's state records; it has
 * no state of its own.
 */
#include "routing/config.h"
#include "routing/proto.h"
#include "routing/routerd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct static_route {
    struct inet_prefix prefix;
    struct rib_nh nh[RIB_ECMP_MAX];
    size_t n_nh;
    int distance; /* -1: the protocol's */
};

struct static_config {
    struct proto_config pc;
    struct static_route *routes;
    size_t n;
};

static int parse_nh(struct cfg_parser *cp, const yaml_node_t *via, const yaml_node_t *dev,
                    const struct inet_prefix *prefix, struct rib_nh *nh)
{
    const struct router_config *rc = cfg_router(cp);
    int r;

    memset(nh, 0, sizeof(*nh));
    nh->type = RIB_NH_UNICAST;
    if (via != NULL) {
        struct inet_addr a;

        if ((r = cfg_addr(cp, via, "via", prefix->addr.family, &a)) != 0)
            return r;
        nh->family = (uint8_t)a.family;
        memcpy(nh->gw, a.u.bytes, a.family == AF_INET ? 4 : 16);
    }
    if (dev != NULL) {
        if ((r = cfg_name(cp, dev, "dev", RIB_DEV_LEN - 1, nh->dev)) != 0)
            return r;
        if (config_iface_find(rc, nh->dev) == NULL)
            return cfg_fail(cp, dev, "dev: there is no interface %s", nh->dev);
    }
    return 0;
}

static int parse_route(struct cfg_parser *cp, const yaml_node_t *n, struct static_config *sc)
{
    static const char *const types[] = {"unicast", "blackhole", "unreachable", "prohibit", NULL};
    const yaml_node_t *via = NULL, *dev = NULL, *nexthops = NULL, *type = NULL, *prefix = NULL;
    struct static_route rt = {.distance = -1};
    struct static_route *v;
    int r, t = 0;

    if ((r = cfg_map(cp, n, "a static route")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;
        uint64_t d;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "prefix") == 0)
            prefix = val;
        else if (strcmp(ks, "via") == 0)
            via = val;
        else if (strcmp(ks, "dev") == 0)
            dev = val;
        else if (strcmp(ks, "nexthops") == 0)
            nexthops = val;
        else if (strcmp(ks, "type") == 0)
            type = val;
        else if (strcmp(ks, "distance") == 0) {
            if ((r = cfg_uint(cp, val, "distance", 1, 255, &d)) != 0)
                return r;
            rt.distance = (int)d;
        } else
            return cfg_fail(cp, k, "static route: unknown key %s", ks);
    }
    if (prefix == NULL)
        return cfg_fail(cp, n, "static route: `prefix` is required");
    if ((r = cfg_prefix(cp, prefix, "prefix", AF_UNSPEC, &rt.prefix)) != 0)
        return r;
    if (type != NULL && (r = cfg_enum(cp, type, "type", types, &t)) != 0)
        return r;
    if (t != 0) {
        if (via != NULL || dev != NULL || nexthops != NULL)
            return cfg_fail(cp, type, "static route: a %s route takes no via, dev or nexthops",
                            types[t]);
        rt.nh[0].type = (uint8_t)t;
        rt.n_nh = 1;
    } else if (nexthops != NULL) {
        if (via != NULL || dev != NULL)
            return cfg_fail(cp, nexthops, "static route: nexthops, or via and dev, not both");
        if ((r = cfg_seq(cp, nexthops, "nexthops")) != 0)
            return r;
        for (yaml_node_item_t *it = nexthops->data.sequence.items.start;
             it < nexthops->data.sequence.items.top; it++) {
            yaml_node_t *e = cfg_node(cp, *it);
            const yaml_node_t *ev = NULL, *ed = NULL;

            if ((r = cfg_map(cp, e, "a next hop")) != 0)
                return r;
            for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
                 p++) {
                yaml_node_t *k = cfg_node(cp, p->key);
                const char *ks;

                if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
                    return r;
                if (strcmp(ks, "via") == 0)
                    ev = cfg_node(cp, p->value);
                else if (strcmp(ks, "dev") == 0)
                    ed = cfg_node(cp, p->value);
                else
                    return cfg_fail(cp, k, "next hop: unknown key %s", ks);
            }
            if (ev == NULL && ed == NULL)
                return cfg_fail(cp, e, "next hop: `via` or `dev` is required");
            if (rt.n_nh == RIB_ECMP_MAX)
                return cfg_fail(cp, e, "static route: more than %d next hops", RIB_ECMP_MAX);
            if ((r = parse_nh(cp, ev, ed, &rt.prefix, &rt.nh[rt.n_nh])) != 0)
                return r;
            for (size_t i = 0; i < rt.n_nh; i++)
                if (memcmp(&rt.nh[i], &rt.nh[rt.n_nh], sizeof(rt.nh[i])) == 0)
                    return cfg_fail(cp, e, "static route: the same next hop twice");
            rt.n_nh++;
        }
        if (rt.n_nh == 0)
            return cfg_fail(cp, nexthops, "nexthops: empty");
    } else {
        if (via == NULL && dev == NULL)
            return cfg_fail(cp, n, "static route: `via`, `dev`, `nexthops` or `type` is required");
        if ((r = parse_nh(cp, via, dev, &rt.prefix, &rt.nh[0])) != 0)
            return r;
        rt.n_nh = 1;
    }
    for (size_t i = 0; i < sc->n; i++)
        if (sc->routes[i].prefix.len == rt.prefix.len &&
            sc->routes[i].prefix.addr.family == rt.prefix.addr.family &&
            memcmp(sc->routes[i].prefix.addr.u.bytes, rt.prefix.addr.u.bytes, 16) == 0)
            return cfg_fail(cp, prefix, "static route: %s is given twice",
                            (const char *)prefix->data.scalar.value);
    if ((v = realloc(sc->routes, (sc->n + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    sc->routes = v;
    v[sc->n++] = rt;
    return 0;
}

static int static_config_parse(struct cfg_parser *cp, const yaml_node_t *node,
                               struct proto_config *pc)
{
    struct static_config *sc = (struct static_config *)pc;
    int r;

    if (node == NULL)
        return 0;
    if ((r = cfg_seq(cp, node, "static")) != 0)
        return r;
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top;
         it++)
        if ((r = parse_route(cp, cfg_node(cp, *it), sc)) != 0)
            return r;
    return 0;
}

static void put_nh(FILE *out, const struct rib_nh *nh)
{
    char a[INET_ADDR_STRLEN];
    const char *sep = "";

    if (nh->family != 0) {
        fprintf(out, "via: ");
        cfg_put_scalar(out, inet_ntop(nh->family, nh->gw, a, sizeof(a)));
        sep = ", ";
    }
    if (nh->dev[0] != '\0') {
        fprintf(out, "%sdev: ", sep);
        cfg_put_scalar(out, nh->dev);
    }
}

static void static_config_print(const struct proto_config *pc, FILE *out, int indent)
{
    const struct static_config *sc = (const struct static_config *)pc;

    for (size_t i = 0; i < sc->n; i++) {
        const struct static_route *rt = &sc->routes[i];
        char p[INET_PREFIX_STRLEN];

        fprintf(out, "%*s- {prefix: ", indent, "");
        cfg_put_scalar(out, inet_prefix_format(&rt->prefix, p, sizeof(p)));
        if (rt->nh[0].type != RIB_NH_UNICAST) {
            fprintf(out, ", type: %s", rib_nh_type_name(rt->nh[0].type));
        } else if (rt->n_nh == 1) {
            fprintf(out, ", ");
            put_nh(out, &rt->nh[0]);
        } else {
            fprintf(out, ", nexthops: [");
            for (size_t j = 0; j < rt->n_nh; j++) {
                fprintf(out, "%s{", j ? ", " : "");
                put_nh(out, &rt->nh[j]);
                fprintf(out, "}");
            }
            fprintf(out, "]");
        }
        if (rt->distance >= 0)
            fprintf(out, ", distance: %d", rt->distance);
        fprintf(out, "}\n");
    }
}

static void static_config_free(struct proto_config *pc)
{
    free(((struct static_config *)pc)->routes);
}

/* The route with its next hops through interfaces whose link is up; none
 * left: withdrawn (a next hop without dev resolves in the RIB, through a
 * connected subnet that goes away with its link). */
static int announce(struct proto *p, const struct static_route *rt)
{
    struct rib_nh nh[RIB_ECMP_MAX];
    struct rib_attrs a = {rt->distance, 0, nh, 0};

    for (size_t i = 0; i < rt->n_nh; i++)
        if (rt->nh[i].dev[0] == '\0' || routerd_iface_up(p->rd, rt->nh[i].dev))
            nh[a.n_nh++] = rt->nh[i];
    if (a.n_nh == 0)
        return proto_withdraw(p, &rt->prefix);
    return proto_announce(p, &rt->prefix, &a);
}

static bool uses_dev(const struct static_route *rt, const char *ifname)
{
    for (size_t i = 0; i < rt->n_nh; i++)
        if (strcmp(rt->nh[i].dev, ifname) == 0)
            return true;
    return false;
}

/* A link went down or up: its routes through that interface follow. */
static void static_if_change(struct proto *p, const char *ifname, bool up)
{
    const struct static_config *sc = (const struct static_config *)p->cfg;

    (void)up;
    for (size_t i = 0; i < sc->n; i++)
        if (uses_dev(&sc->routes[i], ifname))
            announce(p, &sc->routes[i]);
}

static int static_start(struct proto *p)
{
    const struct static_config *sc = (const struct static_config *)p->cfg;

    for (size_t i = 0; i < sc->n; i++)
        announce(p, &sc->routes[i]);
    return 0;
}

static const struct static_route *find(const struct static_config *sc,
                                       const struct inet_prefix *pfx)
{
    for (size_t i = 0; i < sc->n; i++)
        if (sc->routes[i].prefix.len == pfx->len &&
            sc->routes[i].prefix.addr.family == pfx->addr.family &&
            memcmp(sc->routes[i].prefix.addr.u.bytes, pfx->addr.u.bytes, 16) == 0)
            return &sc->routes[i];
    return NULL;
}

static int static_reconfigure(struct proto *p, const struct proto_config *newc)
{
    const struct static_config *old = (const struct static_config *)p->cfg;
    const struct static_config *sc = (const struct static_config *)newc;

    for (size_t i = 0; i < old->n; i++)
        if (find(sc, &old->routes[i].prefix) == NULL)
            proto_withdraw(p, &old->routes[i].prefix);
    for (size_t i = 0; i < sc->n; i++)
        announce(p, &sc->routes[i]); /* unchanged ones change nothing */
    return 0;
}

static json_t *static_show(struct proto *p, const json_t *args)
{
    const struct static_config *sc = (const struct static_config *)p->cfg;
    json_t *routes = json_array();

    (void)args;
    for (size_t i = 0; i < sc->n; i++) {
        const struct static_route *rt = &sc->routes[i];
        struct rib_nhg *g = calloc(1, sizeof(*g) + rt->n_nh * sizeof(rt->nh[0]));
        char buf[INET_PREFIX_STRLEN];
        json_t *o;

        if (g == NULL)
            break;
        g->n = (uint16_t)rt->n_nh;
        memcpy(g->nh, rt->nh, rt->n_nh * sizeof(rt->nh[0]));
        o = json_pack("{s:s,s:o}", "prefix", inet_prefix_format(&rt->prefix, buf, sizeof(buf)),
                      "nexthops", routerd_nhg_json(g));
        if (rt->distance >= 0)
            json_object_set_new(o, "distance", json_integer(rt->distance));
        json_array_append_new(routes, o);
        free(g);
    }
    return json_pack("{s:o}", "routes", routes);
}

const struct protocol proto_static = {
    .name = "static",
    .distance = 1,
    .always = true,
    .proto_size = sizeof(struct proto),
    .config_size = sizeof(struct static_config),
    .config_parse = static_config_parse,
    .config_print = static_config_print,
    .config_free = static_config_free,
    .start = static_start,
    .reconfigure = static_reconfigure,
    .if_change = static_if_change,
    .show = static_show,
};
