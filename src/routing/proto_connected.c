/*
 * proto_connected.c - the subnets of the router's interfaces as routes
 * (distance 0): what the config's `interfaces:` say, since vroomd owns the
 * data plane and tells the container nothing routerd would read, of the
 * interfaces whose link is up. A reconfiguration, or a link going down or
 * up, withdraws the subnets gone and announces the new ones.
 */
#include "routing/config.h"
#include "routing/proto.h"
#include "routing/routerd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct connected {
    struct proto p;
    struct connected_route *routes; /* what it announced */
    size_t n;
};

struct connected_route {
    struct inet_prefix prefix;
    char dev[RIB_DEV_LEN];
};

static void subnet(const struct inet_prefix *ifaddr, struct inet_prefix *out)
{
    unsigned bits = inet_family_bits(ifaddr->addr.family);

    *out = *ifaddr;
    for (unsigned i = ifaddr->len; i < bits; i++)
        out->addr.u.bytes[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static bool same(const struct connected_route *a, const struct connected_route *b)
{
    return a->prefix.len == b->prefix.len && a->prefix.addr.family == b->prefix.addr.family &&
           memcmp(a->prefix.addr.u.bytes, b->prefix.addr.u.bytes, 16) == 0 &&
           strcmp(a->dev, b->dev) == 0;
}

/* The routes the current config asks for, of interfaces whose link is up (malloc'd array). */
static struct connected_route *wanted(const struct routerd *rd, size_t *n)
{
    const struct router_config *rc = routerd_config(rd);
    struct connected_route *v = NULL;
    size_t k = 0, cap = 0;

    for (size_t i = 0; rc != NULL && i < rc->n_ifaces; i++) {
        if (!routerd_iface_up(rd, rc->ifaces[i].name))
            continue;
        for (size_t j = 0; j < rc->ifaces[i].n_addrs; j++) {
            struct connected_route r;

            memset(&r, 0, sizeof(r));
            subnet(&rc->ifaces[i].addrs[j], &r.prefix);
            snprintf(r.dev, sizeof(r.dev), "%s", rc->ifaces[i].name);
            if (k == cap) {
                struct connected_route *nv;

                cap = cap ? cap * 2 : 8;
                if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
                    free(v);
                    *n = 0;
                    return NULL;
                }
                v = nv;
            }
            v[k++] = r;
        }
    }
    *n = k;
    return v;
}

static int sync_routes(struct proto *p)
{
    struct connected *c = (struct connected *)p;
    size_t n;
    struct connected_route *w = wanted(p->rd, &n);

    for (size_t i = 0; i < c->n; i++) {
        bool keep = false;

        for (size_t j = 0; j < n && !keep; j++)
            keep = same(&c->routes[i], &w[j]);
        if (!keep)
            proto_withdraw(p, &c->routes[i].prefix);
    }
    for (size_t j = 0; j < n; j++) {
        struct rib_nh nh;
        struct rib_attrs a = {-1, 0, &nh, 1};

        memset(&nh, 0, sizeof(nh));
        nh.type = RIB_NH_UNICAST;
        memcpy(nh.dev, w[j].dev, sizeof(nh.dev));
        proto_announce(p, &w[j].prefix, &a);
    }
    free(c->routes);
    c->routes = w;
    c->n = n;
    return 0;
}

static int connected_start(struct proto *p)
{
    return sync_routes(p);
}

static int connected_reconfigure(struct proto *p, const struct proto_config *newc)
{
    (void)newc;
    return sync_routes(p); /* the interfaces are in the router's (new) config */
}

/* A link went down or up: its subnets go or come back. */
static void connected_if_change(struct proto *p, const char *ifname, bool up)
{
    (void)ifname;
    (void)up;
    sync_routes(p);
}

static void connected_cleanup(struct proto *p)
{
    free(((struct connected *)p)->routes);
}

static json_t *connected_show(struct proto *p, const json_t *args)
{
    struct connected *c = (struct connected *)p;
    json_t *a = json_array();

    (void)args;
    for (size_t i = 0; i < c->n; i++) {
        char buf[INET_PREFIX_STRLEN];

        json_array_append_new(a,
                              json_pack("{s:s,s:s}", "prefix",
                                        inet_prefix_format(&c->routes[i].prefix, buf, sizeof(buf)),
                                        "dev", c->routes[i].dev));
    }
    return json_pack("{s:o}", "routes", a);
}

const struct protocol proto_connected = {
    .name = "connected",
    .distance = 0,
    .always = true,
    .proto_size = sizeof(struct connected),
    .config_size = sizeof(struct proto_config),
    .start = connected_start,
    .reconfigure = connected_reconfigure,
    .if_change = connected_if_change,
    .cleanup = connected_cleanup,
    .show = connected_show,
};
