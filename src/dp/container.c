/*
 * container.c - a VR's container (network namespace with one tap per
 * interface) and the netlink shim that mirrors its routing table into the
 * VR's FIB. See container.h.
 */
#include "dp/container.h"
#include "dp/addr.h"
#include "dp/dp_impl.h"
#include "lib/log.h"
#include "nl/nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIM_BUCKETS 4096

/* One kernel route of the container's main table, as the shim keeps it. */
struct shim_route {
    struct shim_route *next;
    struct inet_prefix dst;
    uint32_t priority;
    uint32_t gen; /* sync generation that last saw it */
    int usable;   /* converted to r and accepted by vr_route_check() */
    struct vr_route r;
    struct vr_nexthop *mp; /* a multipath route's next hops (r.mp), or NULL */
};

static void shim_route_free(struct shim_route *s)
{
    free(s->mp);
    free(s);
}

struct container {
    char netns[64];
    int netns_fd;
    struct nl_sock *req; /* requests inside the container */
    struct nl_sock *mon; /* the shim's monitor, inside the container */
    ev_io io;
    struct ev_loop *loop;
    struct vr *vr;
    struct shim_route *buckets[SHIM_BUCKETS];
    size_t n_routes;
    uint32_t gen;
    unsigned long installed, refused;
    /* the control plane in the container, as it said (vr.control) */
    char control_socket[CONTAINER_CONTROL_PATH_MAX + 1];
    int control_pid;
};

const char *container_netns(const struct vr *vr)
{
    const struct container *c = vr->container;

    return c != NULL ? c->netns : NULL;
}

int container_control_set(struct vr *vr, const char *socket, int pid)
{
    struct container *c = vr->container;

    if (c == NULL)
        return -ENOENT;
    snprintf(c->control_socket, sizeof(c->control_socket), "%s", socket);
    c->control_pid = pid;
    return 0;
}

const char *container_control(const struct vr *vr, int *pid)
{
    const struct container *c = vr->container;

    if (c == NULL || c->control_socket[0] == '\0')
        return NULL;
    *pid = c->control_pid;
    return c->control_socket;
}

void container_shim_stats(const struct vr *vr, size_t *routes, unsigned long *installed,
                          unsigned long *refused)
{
    const struct container *c = vr->container;

    *routes = c != NULL ? c->n_routes : 0;
    *installed = c != NULL ? c->installed : 0;
    *refused = c != NULL ? c->refused : 0;
}

/* Write value to a /proc/sys file inside the container's namespace. */
static int ns_sysctl(struct container *c, const char *path, const char *value)
{
    int saved, fd, rc = 0;

    if (nl_netns_enter(c->netns_fd, &saved) != 0)
        return -errno;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
        rc = -errno;
    if (fd >= 0)
        close(fd);
    nl_netns_restore(saved);
    return rc;
}

int container_iface_add(struct dp *dp, struct vr_iface *ifc, char *err, size_t errlen)
{
    struct container *c = ifc->vr->container;
    struct nl_sock *host = NULL;
    char tmpname[16], portname[32];
    struct port *tap = NULL;
    int fd = -1, ifindex, rc;

    if (c == NULL)
        return 0;
    if (strcmp(ifc->name, "lo") == 0) {
        ifindex = nl_link_index(c->req, "lo");
        for (unsigned i = 0; ifindex > 0 && i < ifc->n_addrs; i++) {
            rc = nl_addr_add(c->req, ifindex, ifc->addrs[i].addr.family, ifc->addrs[i].addr.u.bytes,
                             (uint8_t)ifc->addrs[i].len);
            if (rc != 0 && rc != -EEXIST) {
                snprintf(err, errlen, "container %s: address on lo: %s", c->netns, strerror(-rc));
                return rc;
            }
        }
        return 0;
    }
    /* Made here under a temporary name, then moved and renamed in one step. */
    snprintf(tmpname, sizeof(tmpname), "vrt%u_%u", ifc->vr->id % 100000, ifc->index);
    fd = nl_tap_create(tmpname, &ifindex);
    if (fd < 0) {
        rc = fd;
        snprintf(err, errlen, "tap for %s: %s", ifc->name, strerror(-rc));
        goto fail;
    }
    host = nl_sock_open(-1, 0);
    if (host == NULL) {
        rc = -errno;
        snprintf(err, errlen, "netlink: %s", strerror(errno));
        goto fail;
    }
    if ((rc = nl_link_move(host, ifindex, c->netns_fd, ifc->name)) != 0) {
        snprintf(err, errlen, "moving tap %s into %s: %s", ifc->name, c->netns, strerror(-rc));
        goto fail;
    }
    ifindex = nl_link_index(c->req, ifc->name);
    if (ifindex <= 0 || (rc = nl_link_set_mac(c->req, ifindex, ifc->mac)) != 0 ||
        (rc = nl_link_set_mtu(c->req, ifindex, ifc->mtu)) != 0) {
        rc = ifindex <= 0 ? -ENODEV : rc;
        snprintf(err, errlen, "tap %s in %s: %s", ifc->name, c->netns, strerror(-rc));
        goto fail;
    }
    for (unsigned i = 0; i < ifc->n_addrs; i++) {
        rc = nl_addr_add(c->req, ifindex, ifc->addrs[i].addr.family, ifc->addrs[i].addr.u.bytes,
                         (uint8_t)ifc->addrs[i].len);
        if (rc != 0 && rc != -EEXIST) {
            snprintf(err, errlen, "address on %s in %s: %s", ifc->name, c->netns, strerror(-rc));
            goto fail;
        }
    }
    if ((rc = nl_link_set_up(c->req, ifindex, true)) != 0) {
        snprintf(err, errlen, "tap %s up: %s", ifc->name, strerror(-rc));
        goto fail;
    }
    snprintf(portname, sizeof(portname), "tap%u.%u", ifc->vr->id, ifc->index);
    rc = port_open("tap", portname, ifc->name, fd, dp->pool, &tap, err, errlen);
    if (rc != 0)
        goto fail;
    fd = -1; /* the port owns it now */
    if ((rc = dp_iface_set_tap(dp, ifc, tap)) != 0) {
        port_close(tap);
        snprintf(err, errlen, "too many ports");
        goto fail;
    }
    nl_sock_close(host);
    return 0;
fail:
    if (fd >= 0)
        close(fd); /* the tap goes with its last descriptor */
    nl_sock_close(host);
    return rc;
}

void container_iface_del(struct dp *dp, struct vr_iface *ifc)
{
    struct container *c = ifc->vr->container;
    int ifindex;

    (void)dp;
    if (c == NULL || strcmp(ifc->name, "lo") != 0)
        return;
    ifindex = nl_link_index(c->req, "lo");
    for (unsigned i = 0; ifindex > 0 && i < ifc->n_addrs; i++)
        nl_addr_del(c->req, ifindex, ifc->addrs[i].addr.family, ifc->addrs[i].addr.u.bytes,
                    (uint8_t)ifc->addrs[i].len);
}

void container_free(struct dp *dp, struct vr *vr)
{
    struct container *c = vr->container;

    (void)dp;
    if (c == NULL)
        return;
    if (c->loop != NULL)
        ev_io_stop(c->loop, &c->io);
    for (unsigned b = 0; b < SHIM_BUCKETS; b++) {
        struct shim_route *r = c->buckets[b], *next;

        for (; r != NULL; r = next) {
            next = r->next;
            shim_route_free(r);
        }
    }
    nl_sock_close(c->mon);
    nl_sock_close(c->req);
    if (c->netns_fd >= 0)
        close(c->netns_fd);
    nl_netns_delete(c->netns);
    free(c);
    vr->container = NULL;
}

int container_create(struct dp *dp, struct vr *vr, const char *netns_name, char *err, size_t errlen)
{
    struct container *c;
    int rc, lo;

    if (vr->container != NULL) {
        snprintf(err, errlen, "VR %s has a container already", vr->name);
        return -EEXIST;
    }
    if (strlen(netns_name) >= sizeof(c->netns)) {
        snprintf(err, errlen, "container name too long");
        return -EINVAL;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return -ENOMEM;
    snprintf(c->netns, sizeof(c->netns), "%s", netns_name);
    c->vr = vr;
    c->netns_fd = -1;
    rc = nl_netns_create(netns_name);
    if (rc != 0) {
        snprintf(err, errlen, "namespace %s: %s", netns_name,
                 rc == -EEXIST ? "exists already (left by an earlier vroomd?)" : strerror(-rc));
        free(c);
        return rc;
    }
    vr->container = c;
    c->netns_fd = nl_netns_open(netns_name);
    if (c->netns_fd < 0) {
        rc = c->netns_fd;
        snprintf(err, errlen, "namespace %s: %s", netns_name, strerror(-rc));
        goto fail;
    }
    /* transit never enters the container; addresses usable at once */
    ns_sysctl(c, "/proc/sys/net/ipv4/ip_forward", "0");
    ns_sysctl(c, "/proc/sys/net/ipv6/conf/all/forwarding", "0");
    ns_sysctl(c, "/proc/sys/net/ipv6/conf/default/accept_dad", "0");
    ns_sysctl(c, "/proc/sys/net/ipv6/conf/all/accept_dad", "0");
    c->req = nl_sock_open(c->netns_fd, 0);
    if (c->req == NULL) {
        rc = -errno;
        snprintf(err, errlen, "netlink in %s: %s", netns_name, strerror(errno));
        goto fail;
    }
    lo = nl_link_index(c->req, "lo");
    if (lo > 0)
        nl_link_set_up(c->req, lo, true);
    for (int i = 0; i < VR_IFACES_MAX; i++)
        if (vr->ifaces[i] != NULL &&
            (rc = container_iface_add(dp, vr->ifaces[i], err, errlen)) != 0)
            goto fail;
    return 0;
fail:
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        struct vr_iface *ifc = vr->ifaces[i];

        if (ifc != NULL && ifc->tap != NULL) {
            for (unsigned j = 0; j < DP_PORTS_MAX; j++)
                if (dp->ports[j] == ifc->tap)
                    dp->ports[j] = NULL;
            port_close(ifc->tap);
            ifc->tap = NULL;
        }
    }
    container_free(dp, vr);
    return rc;
}

/* ---- the shim ------------------------------------------------------------------ */

static unsigned shim_hash(const struct inet_prefix *p)
{
    uint32_t h = 2166136261u ^ p->len ^ ((uint32_t)p->addr.family << 8);
    size_t n = p->addr.family == AF_INET ? 4 : 16;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p->addr.u.bytes[i]) * 16777619u;
    return (h ^ (h >> 13)) % SHIM_BUCKETS;
}

/* One kernel next hop (of a route of family fam) -> x. 0, or -EINVAL. */
static int shim_nexthop(struct container *c, int fam, int ifindex, int gw_family,
                        const uint8_t *gw, struct vr_nexthop *x)
{
    memset(x, 0, sizeof(*x));
    x->iface = -1;
    if (ifindex > 0) {
        const char *name = nl_link_name(c->mon, ifindex);
        struct vr_iface *ifc = name != NULL ? vr_iface_find(c->vr, name) : NULL;

        if (ifc == NULL)
            return -EINVAL; /* lo, or a device the VR does not have */
        x->iface = ifc->index;
    }
    if (gw_family != 0) {
        if (gw_family != fam)
            return -EINVAL;
        x->type = NH_UNICAST;
        x->gw.family = fam;
        memcpy(x->gw.u.bytes, gw, fam == AF_INET ? 4 : 16);
    } else {
        x->type = NH_CONNECTED;
        if (x->iface < 0)
            return -EINVAL;
    }
    return 0;
}

/* Kernel route -> s->r (and s->mp for a multipath route: RTA_MULTIPATH, or a
 * nexthop group by nhid, which nl has resolved into rt->nh[]). 0, or -EINVAL
 * if the VR cannot carry it. */
static int shim_convert(struct container *c, const struct nl_route *rt, struct shim_route *s)
{
    struct vr_route *r = &s->r;
    struct vr_nexthop x;

    memset(r, 0, sizeof(*r));
    free(s->mp);
    s->mp = NULL;
    r->dst.addr.family = rt->family;
    memcpy(r->dst.addr.u.bytes, rt->dst, rt->family == AF_INET ? 4 : 16);
    r->dst.len = rt->dst_len;
    r->iface = -1;
    switch (rt->type) {
    case RTN_BLACKHOLE:
        r->type = NH_BLACKHOLE;
        return 0;
    case RTN_UNREACHABLE:
        r->type = NH_UNREACHABLE;
        return 0;
    case RTN_PROHIBIT:
        r->type = NH_PROHIBIT;
        return 0;
    case RTN_UNICAST:
        break;
    default:
        return -EINVAL; /* local, broadcast, multicast, throw: not forwarding state */
    }
    if (rt->n_nexthops == 0 || rt->n_nexthops > VR_ECMP_MAX)
        return -EINVAL;
    if (rt->n_nexthops > 1) {
        /* ECMP: every next hop (weights are not kept: equal shares) */
        s->mp = calloc(rt->n_nexthops, sizeof(*s->mp));
        if (s->mp == NULL)
            return -ENOMEM;
        for (unsigned i = 0; i < rt->n_nexthops; i++)
            if (shim_nexthop(c, rt->family, rt->nh[i].ifindex, rt->nh[i].gw_family, rt->nh[i].gw,
                             &s->mp[i]) != 0)
                return -EINVAL;
        r->mp = s->mp;
        r->n_mp = rt->n_nexthops;
        return 0;
    }
    if (shim_nexthop(c, rt->family, rt->nh[0].ifindex, rt->nh[0].gw_family, rt->nh[0].gw, &x) != 0)
        return -EINVAL;
    r->type = x.type;
    r->iface = x.iface;
    r->gw = x.gw;
    return 0;
}

/* Put the best (lowest metric) usable kernel route for p into the FIB, or remove it. */
static void shim_select(struct container *c, const struct inet_prefix *p)
{
    struct shim_route *best = NULL;

    for (struct shim_route *s = c->buckets[shim_hash(p)]; s != NULL; s = s->next)
        if (s->usable && prefix_equal(&s->dst, p) && (best == NULL || s->priority < best->priority))
            best = s;
    if (best == NULL) {
        vr_route_del(c->vr, p);
        return;
    }
    if (vr_route_add(c->vr, &best->r) == 0)
        c->installed++;
}

static void shim_event(enum nl_route_event ev, const struct nl_route *rt, void *arg)
{
    struct container *c = arg;
    struct inet_prefix p = {0};
    struct shim_route **pp, *s;
    char why[128];

    if (ev == NL_ROUTE_SYNC_BEGIN) {
        c->gen++;
        return;
    }
    if (ev == NL_ROUTE_SYNC_END) {
        /* what the dump did not show again is gone */
        for (unsigned b = 0; b < SHIM_BUCKETS; b++) {
            pp = &c->buckets[b];
            while ((s = *pp) != NULL) {
                if (s->gen == c->gen) {
                    pp = &s->next;
                    continue;
                }
                *pp = s->next;
                c->n_routes--;
                p = s->dst;
                shim_route_free(s);
                shim_select(c, &p);
            }
        }
        return;
    }
    if (rt->table != RT_TABLE_MAIN || (rt->family != AF_INET && rt->family != AF_INET6))
        return;
    p.addr.family = rt->family;
    memcpy(p.addr.u.bytes, rt->dst, rt->family == AF_INET ? 4 : 16);
    p.len = rt->dst_len;
    for (pp = &c->buckets[shim_hash(&p)]; (s = *pp) != NULL; pp = &s->next)
        if (s->priority == rt->priority && prefix_equal(&s->dst, &p))
            break;
    if (ev == NL_ROUTE_DEL) {
        if (s != NULL) {
            *pp = s->next;
            c->n_routes--;
            shim_route_free(s);
            shim_select(c, &p);
        }
        return;
    }
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL) {
            log_warnx("shim %s: out of memory; route dropped", c->netns);
            return;
        }
        s->dst = p;
        s->priority = rt->priority;
        s->next = c->buckets[shim_hash(&p)];
        c->buckets[shim_hash(&p)] = s;
        c->n_routes++;
    }
    s->gen = c->gen;
    s->usable =
        shim_convert(c, rt, s) == 0 && vr_route_check(c->vr, &s->r, why, sizeof(why)) == 0;
    if (!s->usable)
        c->refused++;
    shim_select(c, &p);
}

static void shim_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct container *c = w->data;

    (void)loop;
    (void)revents;
    if (nl_sock_process(c->mon) < 0)
        log_warn("shim %s: netlink", c->netns);
}

int container_shim_start(struct dp *dp, struct vr *vr, struct ev_loop *loop, char *err,
                         size_t errlen)
{
    struct container *c = vr->container;
    int rc;

    (void)dp;
    if (c == NULL) {
        snprintf(err, errlen, "VR %s has no container", vr->name);
        return -ENOENT;
    }
    if (c->mon != NULL)
        return 0;
    c->mon = nl_sock_open(c->netns_fd, NL_GROUP_LINK | NL_GROUP_IPV4_ROUTE | NL_GROUP_IPV6_ROUTE |
                                           NL_GROUP_NEXTHOP);
    if (c->mon == NULL) {
        rc = -errno;
        snprintf(err, errlen, "netlink monitor in %s: %s", c->netns, strerror(errno));
        return rc;
    }
    nl_sock_set_rcvbuf(c->mon, 32 << 20); /* a full table arrives in a burst */
    rc = nl_route_sync(c->mon, RT_TABLE_MAIN, shim_event, c);
    if (rc != 0) {
        snprintf(err, errlen, "route sync in %s: %s", c->netns, strerror(-rc));
        nl_sock_close(c->mon);
        c->mon = NULL;
        return rc;
    }
    if (loop != NULL) {
        c->loop = loop;
        ev_io_init(&c->io, shim_cb, nl_sock_fd(c->mon), EV_READ);
        c->io.data = c;
        ev_io_start(loop, &c->io);
    }
    return 0;
}
