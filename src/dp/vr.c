/*
 * vr.c - virtual routers: interfaces, next hops, routes. See vr.h.
 *
 * Next hops are deduplicated: a million routes via the same gateway share
 * one entry, and the FIB stores its index. An entry whose last route went
 * away keeps its slot and its place in the index, so the next route via the
 * same gateway finds it again.
 *
 * Next-hop groups (ECMP) work the same way, keyed by their sorted members.
 * A group in use holds one reference on each member; when its last route
 * goes, it gives them back and keeps its slot, so that deleting every route
 * brings every next hop's count back to 0.
 */
#include "dp/vr.h"
#include "dp/addr.h"
#include "dp/neigh.h"
#include "dp/port.h"
#include "fib/fib4.h"
#include "fib/fib6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Open-addressing index of next hops by their key. */
struct nh_index {
    uint32_t mask;
    uint32_t used;
    uint32_t slots[]; /* nh index + 1; 0 = empty */
};

static uint64_t nh_hash(uint8_t type, uint16_t iface, const struct inet_addr *gw)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)type << 16 | iface);
    size_t n = gw->family == AF_INET6 ? 16 : gw->family == AF_INET ? 4 : 0;

    for (size_t i = 0; i < n; i++)
        h = (h ^ gw->u.bytes[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static int nh_key_equal(const struct nh *nh, uint8_t type, uint16_t iface,
                        const struct inet_addr *gw)
{
    if (nh->type != type || nh->iface != iface || nh->gw.family != gw->family)
        return 0;
    if (gw->family == AF_INET)
        return nh->gw.u.v4.s_addr == gw->u.v4.s_addr;
    if (gw->family == AF_INET6)
        return memcmp(&nh->gw.u.v6, &gw->u.v6, 16) == 0;
    return 1;
}

static int nh_index_grow(struct vr *vr)
{
    uint32_t size = vr->nh_index != NULL ? (vr->nh_index->mask + 1) * 2 : 64;
    struct nh_index *ix = calloc(1, sizeof(*ix) + size * sizeof(uint32_t));

    if (ix == NULL)
        return -ENOMEM;
    ix->mask = size - 1;
    for (uint32_t i = 0; i < vr->n_nhs; i++) {
        const struct nh *nh = &vr->nhs[i];
        uint32_t s = (uint32_t)nh_hash(nh->type, nh->iface, &nh->gw) & ix->mask;

        while (ix->slots[s] != 0)
            s = (s + 1) & ix->mask;
        ix->slots[s] = i + 1;
        ix->used++;
    }
    free(vr->nh_index);
    vr->nh_index = ix;
    return 0;
}

/* The index of the next hop (type, iface, gw), made if new; takes a reference. */
static int nh_get(struct vr *vr, uint8_t type, uint16_t iface, const struct inet_addr *gw,
                  uint32_t *out)
{
    struct inet_addr none = {0};
    uint32_t s;

    if (gw == NULL)
        gw = &none;
    if ((vr->nh_index == NULL || (vr->nh_index->used + 1) * 2 > vr->nh_index->mask + 1) &&
        nh_index_grow(vr) != 0)
        return -ENOMEM;
    s = (uint32_t)nh_hash(type, iface, gw) & vr->nh_index->mask;
    while (vr->nh_index->slots[s] != 0) {
        struct nh *nh = &vr->nhs[vr->nh_index->slots[s] - 1];

        if (nh_key_equal(nh, type, iface, gw)) {
            nh->refcnt++;
            *out = vr->nh_index->slots[s] - 1;
            return 0;
        }
        s = (s + 1) & vr->nh_index->mask;
    }
    if (vr->n_nhs == vr->cap_nhs) {
        uint32_t cap = vr->cap_nhs ? vr->cap_nhs * 2 : 16;
        struct nh *nhs = realloc(vr->nhs, cap * sizeof(*nhs));

        if (nhs == NULL)
            return -ENOMEM;
        vr->nhs = nhs;
        vr->cap_nhs = cap;
    }
    vr->nhs[vr->n_nhs] = (struct nh){
        .type = type, .family = (uint8_t)gw->family, .iface = iface, .gw = *gw, .refcnt = 1};
    vr->nh_index->slots[s] = vr->n_nhs + 1;
    vr->nh_index->used++;
    *out = vr->n_nhs++;
    return 0;
}

static void nh_put(struct vr *vr, uint32_t i)
{
    if (i < vr->n_nhs && vr->nhs[i].refcnt > 0)
        vr->nhs[i].refcnt--;
}

/* ---- next-hop groups ---------------------------------------------------------- */

static uint64_t nhg_hash(const uint32_t *m, unsigned n)
{
    uint64_t h = 1469598103934665603ull ^ n;

    for (unsigned i = 0; i < n; i++)
        h = (h ^ m[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static int nhg_index_grow(struct vr *vr)
{
    uint32_t size = vr->nhg_index != NULL ? (vr->nhg_index->mask + 1) * 2 : 16;
    struct nh_index *ix = calloc(1, sizeof(*ix) + size * sizeof(uint32_t));

    if (ix == NULL)
        return -ENOMEM;
    ix->mask = size - 1;
    for (uint32_t i = 0; i < vr->n_nhgs; i++) {
        uint32_t s = (uint32_t)nhg_hash(vr->nhgs[i].nh, vr->nhgs[i].n) & ix->mask;

        while (ix->slots[s] != 0)
            s = (s + 1) & ix->mask;
        ix->slots[s] = i + 1;
        ix->used++;
    }
    free(vr->nhg_index);
    vr->nhg_index = ix;
    return 0;
}

/* The FIB value of the group of members m[0..n) (ascending, distinct, n >= 2),
 * made if new. Takes a reference to the group; the caller's references to
 * the members become the group's if it was not in use, and are given back
 * otherwise. */
static int nhg_get(struct vr *vr, const uint32_t *m, unsigned n, uint32_t *out)
{
    struct nhg *g;
    uint32_t s;

    if ((vr->nhg_index == NULL || (vr->nhg_index->used + 1) * 2 > vr->nhg_index->mask + 1) &&
        nhg_index_grow(vr) != 0)
        return -ENOMEM;
    s = (uint32_t)nhg_hash(m, n) & vr->nhg_index->mask;
    while (vr->nhg_index->slots[s] != 0) {
        g = &vr->nhgs[vr->nhg_index->slots[s] - 1];
        if (g->n == n && memcmp(g->nh, m, n * sizeof(*m)) == 0) {
            if (g->refcnt++ > 0)
                for (unsigned i = 0; i < n; i++)
                    nh_put(vr, m[i]);
            *out = (vr->nhg_index->slots[s] - 1) | VR_NHG_BIT;
            return 0;
        }
        s = (s + 1) & vr->nhg_index->mask;
    }
    if (vr->n_nhgs == vr->cap_nhgs) {
        uint32_t cap = vr->cap_nhgs ? vr->cap_nhgs * 2 : 8;
        struct nhg *v;

        if (cap >= VR_NHG_BIT || (v = realloc(vr->nhgs, cap * sizeof(*v))) == NULL)
            return -ENOMEM;
        vr->nhgs = v;
        vr->cap_nhgs = cap;
    }
    g = &vr->nhgs[vr->n_nhgs];
    memset(g, 0, sizeof(*g));
    g->refcnt = 1;
    g->n = (uint16_t)n;
    memcpy(g->nh, m, n * sizeof(*m));
    vr->nhg_index->slots[s] = vr->n_nhgs + 1;
    vr->nhg_index->used++;
    *out = vr->n_nhgs++ | VR_NHG_BIT;
    return 0;
}

/* Release a FIB value's reference: a next hop's, or a group's (and with
 * its last, the group's references to its members). */
static void ref_put(struct vr *vr, uint32_t v)
{
    struct nhg *g;

    if (!(v & VR_NHG_BIT)) {
        nh_put(vr, v);
        return;
    }
    if ((v & ~VR_NHG_BIT) >= vr->n_nhgs)
        return;
    g = &vr->nhgs[v & ~VR_NHG_BIT];
    if (g->refcnt > 0 && --g->refcnt == 0)
        for (unsigned i = 0; i < g->n; i++)
            nh_put(vr, g->nh[i]);
}

size_t vr_nhg_count(const struct vr *vr)
{
    size_t n = 0;

    for (uint32_t i = 0; i < vr->n_nhgs; i++)
        n += vr->nhgs[i].refcnt > 0;
    return n;
}

struct vr *vr_create(struct dp *dp, const char *name, uint32_t id, char *err, size_t errlen)
{
    struct vr *vr;

    if (name == NULL || name[0] == '\0' || strlen(name) > VR_NAME_MAX) {
        snprintf(err, errlen, "name: must be 1-%d characters", VR_NAME_MAX);
        return NULL;
    }
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-')) {
            snprintf(err, errlen, "name: '%s' may hold only A-Z a-z 0-9 _ -", name);
            return NULL;
        }
    vr = calloc(1, sizeof(*vr));
    if (vr == NULL)
        goto nomem;
    snprintf(vr->name, sizeof(vr->name), "%s", name);
    vr->id = id;
    vr->dp = dp;
    vr->fib4 = fib4_create(NULL);
    vr->fib6 = fib6_create(NULL);
    vr->neigh = neigh_table_create();
    if (vr->fib4 == NULL || vr->fib6 == NULL || vr->neigh == NULL) {
        vr_free(vr);
        goto nomem;
    }
    return vr;
nomem:
    snprintf(err, errlen, "out of memory");
    return NULL;
}

void vr_free(struct vr *vr)
{
    if (vr == NULL)
        return;
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        struct vr_iface *ifc = vr->ifaces[i];

        if (ifc == NULL)
            continue;
        if (ifc->port != NULL)
            ifc->port->owner = NULL;
        acl_free(ifc->acl_in);
        acl_free(ifc->acl_out);
        free(ifc);
    }
    neigh_table_free(vr->neigh);
    fib4_free(vr->fib4);
    fib6_free(vr->fib6);
    free(vr->nhs);
    free(vr->nh_index);
    free(vr->nhgs);
    free(vr->nhg_index);
    free(vr);
}

struct vr_iface *vr_iface_find(const struct vr *vr, const char *name)
{
    for (int i = 0; i < VR_IFACES_MAX; i++)
        if (vr->ifaces[i] != NULL && strcmp(vr->ifaces[i]->name, name) == 0)
            return vr->ifaces[i];
    return NULL;
}

/* Prefix of an interface address: the address with the host bits cleared. */
static struct inet_prefix subnet_of(const struct inet_prefix *a)
{
    struct inet_prefix p = *a;
    unsigned bits = a->addr.family == AF_INET ? 32 : 128;

    for (unsigned b = p.len; b < bits; b++)
        p.addr.u.bytes[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
    return p;
}

static struct inet_prefix host_of(const struct inet_prefix *a)
{
    struct inet_prefix p = *a;

    p.len = a->addr.family == AF_INET ? 32 : 128;
    return p;
}

/* Put nh into the family's FIB for prefix p, releasing the next hop it replaces. */
static int fib_set(struct vr *vr, const struct inet_prefix *p, uint32_t nh)
{
    uint32_t old;
    int had, rc;

    if (p->addr.family == AF_INET) {
        uint32_t a = ntohl(p->addr.u.v4.s_addr);

        had = fib4_route_get(vr->fib4, a, (uint8_t)p->len, &old) == 0;
        rc = fib4_route_add(vr->fib4, a, (uint8_t)p->len, nh);
    } else {
        had = fib6_route_get(vr->fib6, p->addr.u.bytes, (uint8_t)p->len, &old) == 0;
        rc = fib6_route_add(vr->fib6, p->addr.u.bytes, (uint8_t)p->len, nh);
    }
    if (rc == 0 && had)
        ref_put(vr, old);
    return rc;
}

static int fib_get(const struct vr *vr, const struct inet_prefix *p, uint32_t *nh)
{
    if (p->addr.family == AF_INET)
        return fib4_route_get(vr->fib4, ntohl(p->addr.u.v4.s_addr), (uint8_t)p->len, nh);
    return fib6_route_get(vr->fib6, p->addr.u.bytes, (uint8_t)p->len, nh);
}

static int fib_unset(struct vr *vr, const struct inet_prefix *p)
{
    uint32_t old;
    int rc;

    if (fib_get(vr, p, &old) != 0)
        return -ENOENT;
    if (p->addr.family == AF_INET)
        rc = fib4_route_del(vr->fib4, ntohl(p->addr.u.v4.s_addr), (uint8_t)p->len);
    else
        rc = fib6_route_del(vr->fib6, p->addr.u.bytes, (uint8_t)p->len);
    if (rc == 0)
        ref_put(vr, old);
    return rc;
}

/* Is p one of the VR's own (local or connected) prefixes? */
static int prefix_is_own(const struct vr *vr, const struct inet_prefix *p)
{
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        const struct vr_iface *ifc = vr->ifaces[i];

        for (unsigned j = 0; ifc != NULL && j < ifc->n_addrs; j++) {
            struct inet_prefix s = subnet_of(&ifc->addrs[j]), h = host_of(&ifc->addrs[j]);

            if (prefix_equal(&s, p) || prefix_equal(&h, p))
                return 1;
        }
    }
    return 0;
}

static int iface_routes_add(struct vr *vr, struct vr_iface *ifc)
{
    for (unsigned j = 0; j < ifc->n_addrs; j++) {
        struct inet_prefix s = subnet_of(&ifc->addrs[j]), h = host_of(&ifc->addrs[j]);
        uint32_t nh;
        int rc;

        if ((rc = nh_get(vr, NH_CONNECTED, ifc->index, NULL, &nh)) != 0 ||
            (rc = fib_set(vr, &s, nh)) != 0)
            return rc;
        if ((rc = nh_get(vr, NH_LOCAL, ifc->index, NULL, &nh)) != 0 ||
            (rc = fib_set(vr, &h, nh)) != 0)
            return rc;
    }
    return 0;
}

int vr_iface_add(struct vr *vr, const char *name, const uint8_t mac[6], uint16_t mtu,
                 const struct inet_prefix *addrs, unsigned n_addrs, char *err, size_t errlen)
{
    struct vr_iface *ifc;
    int slot = -1, rc;

    if (name == NULL || name[0] == '\0' || strlen(name) > VR_IFNAME_MAX) {
        snprintf(err, errlen, "name: must be 1-%d characters", VR_IFNAME_MAX);
        return -EINVAL;
    }
    if (vr_iface_find(vr, name) != NULL) {
        snprintf(err, errlen, "name: VR %s has an interface %s already", vr->name, name);
        return -EEXIST;
    }
    if (n_addrs > VR_ADDRS_MAX) {
        snprintf(err, errlen, "addresses: at most %d", VR_ADDRS_MAX);
        return -EINVAL;
    }
    for (unsigned i = 0; i < n_addrs; i++)
        if (inet_family_bits(addrs[i].addr.family) == 0 ||
            addrs[i].len > inet_family_bits(addrs[i].addr.family)) {
            snprintf(err, errlen, "addresses[%u]: not an IPv4 or IPv6 address with its length", i);
            return -EINVAL;
        }
    if (mtu < 68 || mtu > PBUF_CAP - 18) {
        snprintf(err, errlen, "mtu: %u is not in 68-%d", mtu, PBUF_CAP - 18);
        return -EINVAL;
    }
    if ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
        snprintf(err, errlen, "mac: must be a unicast, non-zero address");
        return -EINVAL;
    }
    for (unsigned i = 0; i < n_addrs; i++) {
        struct inet_addr a = addrs[i].addr;

        for (int k = 0; k < VR_IFACES_MAX; k++) {
            const struct vr_iface *o = vr->ifaces[k];

            for (unsigned j = 0; o != NULL && j < o->n_addrs; j++) {
                const struct inet_prefix *q = &o->addrs[j];
                unsigned len = q->len < addrs[i].len ? q->len : addrs[i].len;
                struct inet_prefix shorter = {.addr = q->addr, .len = len};

                /* two interfaces on one subnet would fight over its connected route */
                if (q->addr.family == a.family && prefix_contains(&shorter, &a) &&
                    !(a.family == AF_INET6 && a.u.bytes[0] == 0xfe &&
                      (a.u.bytes[1] & 0xc0) == 0x80)) { /* link-local: one per link, legal */
                    char buf[INET_PREFIX_STRLEN];

                    snprintf(err, errlen, "addresses[%u]: overlaps %s of interface %s", i,
                             inet_prefix_format(q, buf, sizeof(buf)), o->name);
                    return -EINVAL;
                }
            }
        }
        if (vr_addr_owner(vr, &a) != NULL) {
            snprintf(err, errlen, "addresses[%u]: VR %s has this address already", i, vr->name);
            return -EEXIST;
        }
        for (unsigned j = 0; j < i; j++)
            if (addr_equal(&addrs[j].addr, &a)) {
                snprintf(err, errlen, "addresses[%u]: given twice", i);
                return -EINVAL;
            }
    }
    for (int i = 0; i < VR_IFACES_MAX && slot < 0; i++)
        if (vr->ifaces[i] == NULL)
            slot = i;
    if (slot < 0) {
        snprintf(err, errlen, "VR %s has %d interfaces already", vr->name, VR_IFACES_MAX);
        return -ENOSPC;
    }
    ifc = calloc(1, sizeof(*ifc));
    if (ifc == NULL)
        return -ENOMEM;
    snprintf(ifc->name, sizeof(ifc->name), "%s", name);
    ifc->index = (uint16_t)slot;
    memcpy(ifc->mac, mac, 6);
    ifc->mtu = mtu;
    memcpy(ifc->addrs, addrs, n_addrs * sizeof(addrs[0]));
    ifc->n_addrs = n_addrs;
    ifc->vr = vr;
    vr->ifaces[slot] = ifc;
    rc = iface_routes_add(vr, ifc);
    if (rc != 0) {
        vr_iface_del(vr, name);
        snprintf(err, errlen, "out of memory for the interface's routes");
    }
    return rc;
}

struct iface_walk {
    const struct vr *vr;
    uint16_t iface;
    struct inet_prefix *list;
    size_t n, cap;
};

static int nh_on_iface(const struct nh *h, uint16_t iface)
{
    return h->iface == iface &&
           (h->type == NH_UNICAST || h->type == NH_CONNECTED || h->type == NH_LOCAL);
}

/* A multipath route goes when any of its next hops' interfaces goes, as in the kernel. */
static int collect(struct iface_walk *w, int family, const void *addr, uint8_t len, uint32_t nh)
{
    int on = 0;

    if (nh & VR_NHG_BIT) {
        const struct nhg *g = vr_nhg(w->vr, nh);

        for (unsigned i = 0; i < g->n; i++)
            on |= nh_on_iface(&w->vr->nhs[g->nh[i]], w->iface);
    } else {
        on = nh_on_iface(&w->vr->nhs[nh], w->iface);
    }
    if (!on)
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct inet_prefix *l = realloc(w->list, cap * sizeof(*l));

        if (l == NULL)
            return -ENOMEM;
        w->list = l;
        w->cap = cap;
    }
    memset(&w->list[w->n], 0, sizeof(w->list[0]));
    w->list[w->n].addr.family = family;
    if (family == AF_INET)
        w->list[w->n].addr.u.v4.s_addr = htonl(*(const uint32_t *)addr);
    else
        memcpy(w->list[w->n].addr.u.bytes, addr, 16);
    w->list[w->n].len = len;
    w->n++;
    return 0;
}

static int collect4(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    return collect(arg, AF_INET, &addr, len, nh);
}

static int collect6(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    return collect(arg, AF_INET6, addr, len, nh);
}

/* After an interface went: a subnet it shared with another interface (every
 * interface's fe80::/64) lost its connected route with it; give it back. */
static void own_routes_restore(struct vr *vr)
{
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        struct vr_iface *o = vr->ifaces[i];

        for (unsigned j = 0; o != NULL && j < o->n_addrs; j++) {
            struct inet_prefix s = subnet_of(&o->addrs[j]);
            uint32_t nh;

            if (fib_get(vr, &s, &nh) == 0)
                continue;
            if (nh_get(vr, NH_CONNECTED, o->index, NULL, &nh) == 0 && fib_set(vr, &s, nh) != 0)
                nh_put(vr, nh);
        }
    }
}

int vr_iface_del(struct vr *vr, const char *name)
{
    struct vr_iface *ifc = vr_iface_find(vr, name);
    struct iface_walk w = {.vr = vr};

    if (ifc == NULL)
        return -ENOENT;
    /* Every route through the interface goes with it, as in the kernel. */
    w.iface = ifc->index;
    fib4_walk(vr->fib4, collect4, &w);
    fib6_walk(vr->fib6, collect6, &w);
    for (size_t i = 0; i < w.n; i++)
        fib_unset(vr, &w.list[i]);
    free(w.list);
    neigh_flush_iface(vr->neigh, ifc->index);
    if (ifc->port != NULL)
        ifc->port->owner = NULL;
    acl_free(ifc->acl_in);
    acl_free(ifc->acl_out);
    vr->ifaces[ifc->index] = NULL;
    free(ifc);
    own_routes_restore(vr);
    return 0;
}

int vr_iface_bind(struct vr_iface *ifc, struct port *port)
{
    if (ifc->port != NULL)
        ifc->port->owner = NULL;
    if (port != NULL && port->owner != NULL && port->owner != ifc)
        ((struct vr_iface *)port->owner)->port = NULL;
    ifc->port = port;
    if (port != NULL)
        port->owner = ifc;
    return 0;
}

struct vr_iface *vr_addr_owner(const struct vr *vr, const struct inet_addr *a)
{
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        struct vr_iface *ifc = vr->ifaces[i];

        for (unsigned j = 0; ifc != NULL && j < ifc->n_addrs; j++)
            if (addr_equal(&ifc->addrs[j].addr, a))
                return ifc;
    }
    return NULL;
}

int vr_iface_source(const struct vr_iface *ifc, int family, struct inet_addr *out)
{
    for (unsigned j = 0; j < ifc->n_addrs; j++) {
        if (ifc->addrs[j].addr.family != family)
            continue;
        /* IPv6: prefer a global address over a link-local one */
        if (family == AF_INET6 && ifc->addrs[j].addr.u.bytes[0] == 0xfe &&
            (ifc->addrs[j].addr.u.bytes[1] & 0xc0) == 0x80) {
            for (unsigned k = j + 1; k < ifc->n_addrs; k++)
                if (ifc->addrs[k].addr.family == AF_INET6 &&
                    !(ifc->addrs[k].addr.u.bytes[0] == 0xfe &&
                      (ifc->addrs[k].addr.u.bytes[1] & 0xc0) == 0x80)) {
                    *out = ifc->addrs[k].addr;
                    return 0;
                }
        }
        *out = ifc->addrs[j].addr;
        return 0;
    }
    /* No address of that family here: any of the VR's (RFC 1812 4.3.2.4 allows it). */
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        const struct vr_iface *o = ifc->vr->ifaces[i];

        for (unsigned j = 0; o != NULL && j < o->n_addrs; j++)
            if (o->addrs[j].addr.family == family) {
                *out = o->addrs[j].addr;
                return 0;
            }
    }
    return -ENOENT;
}

/* The interface whose connected subnet holds a, or NULL. */
static struct vr_iface *connected_iface(const struct vr *vr, const struct inet_addr *a)
{
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        struct vr_iface *ifc = vr->ifaces[i];

        for (unsigned j = 0; ifc != NULL && j < ifc->n_addrs; j++)
            if (prefix_contains(&ifc->addrs[j], a))
                return ifc;
    }
    return NULL;
}

/* The destination part of vr_route_check(). */
static int route_check_dst(const struct vr_route *r, char *err, size_t errlen)
{
    int fam = r->dst.addr.family;

    if (fam != AF_INET && fam != AF_INET6) {
        snprintf(err, errlen, "prefix: not an IPv4 or IPv6 prefix");
        return -EINVAL;
    }
    /* what the FIB would refuse after this said yes: a length past the family's, host bits */
    if (r->dst.len > inet_family_bits(fam)) {
        snprintf(err, errlen, "prefix: length %u is longer than %u", r->dst.len,
                 inet_family_bits(fam));
        return -EINVAL;
    }
    {
        struct inet_prefix net = subnet_of(&r->dst);

        if (!addr_equal(&net.addr, &r->dst.addr)) {
            snprintf(err, errlen, "prefix: host bits are set past the length");
            return -EINVAL;
        }
    }
    return 0;
}

/* One next hop of a route to a destination of family fam. */
static int nexthop_check(const struct vr *vr, int fam, const struct vr_nexthop *x, char *err,
                         size_t errlen)
{
    if (x->iface >= VR_IFACES_MAX || (x->iface >= 0 && vr->ifaces[x->iface] == NULL)) {
        snprintf(err, errlen, "dev: no such interface");
        return -EINVAL;
    }
    switch (x->type) {
    case NH_UNICAST:
        if (x->gw.family != fam) {
            snprintf(err, errlen, "via: must be an %s address", fam == AF_INET ? "IPv4" : "IPv6");
            return -EINVAL;
        }
        if (x->iface < 0 && connected_iface(vr, &x->gw) == NULL) {
            snprintf(err, errlen,
                     "via: not on a connected subnet of VR %s (give dev, or add the "
                     "interface first)",
                     vr->name);
            return -EINVAL;
        }
        if (vr_addr_owner(vr, &x->gw) != NULL) {
            snprintf(err, errlen, "via: is an address of VR %s itself", vr->name);
            return -EINVAL;
        }
        break;
    case NH_CONNECTED:
        if (x->iface < 0) {
            snprintf(err, errlen, "dev: a route without via needs dev");
            return -EINVAL;
        }
        break;
    case NH_BLACKHOLE:
    case NH_UNREACHABLE:
    case NH_PROHIBIT:
        break;
    default:
        snprintf(err, errlen, "type: not a route type the API sets");
        return -EINVAL;
    }
    return 0;
}

/* The next-hop part of vr_route_check(): depends on the route's next hops
 * and the family of its destination only. */
static int route_check_nh(const struct vr *vr, const struct vr_route *r, char *err, size_t errlen)
{
    int fam = r->dst.addr.family;
    char why[200];

    if (r->n_mp == 0) {
        struct vr_nexthop x = {.type = r->type, .gw = r->gw, .iface = r->iface};

        return nexthop_check(vr, fam, &x, err, errlen);
    }
    if (r->n_mp > VR_ECMP_MAX || r->mp == NULL) {
        snprintf(err, errlen, "nexthops: %u next hops; at most %d", r->n_mp, VR_ECMP_MAX);
        return -EINVAL;
    }
    for (unsigned i = 0; i < r->n_mp; i++) {
        if (r->mp[i].type != NH_UNICAST && r->mp[i].type != NH_CONNECTED) {
            snprintf(err, errlen, "nexthops[%u].type: a next hop of several is via and/or dev",
                     i);
            return -EINVAL;
        }
        if (nexthop_check(vr, fam, &r->mp[i], why, sizeof(why)) != 0) {
            snprintf(err, errlen, "nexthops[%u].%s", i, why);
            return -EINVAL;
        }
    }
    return 0;
}

int vr_route_check(const struct vr *vr, const struct vr_route *r, char *err, size_t errlen)
{
    int rc = route_check_dst(r, err, errlen);

    return rc != 0 ? rc : route_check_nh(vr, r, err, errlen);
}

/* The next hop (type, iface, gw) of a checked route, with its reference taken. */
static int nexthop_ref(struct vr *vr, const struct vr_nexthop *x, uint32_t *out)
{
    uint16_t iface = 0;

    if (x->iface >= 0)
        iface = (uint16_t)x->iface;
    else if (x->type == NH_UNICAST)
        iface = connected_iface(vr, &x->gw)->index;
    return nh_get(vr, (uint8_t)x->type, iface, x->type == NH_UNICAST ? &x->gw : NULL, out);
}

/* The FIB value of a checked route's next hop or group, with its reference taken. */
static int route_ref(struct vr *vr, const struct vr_route *r, uint32_t *out)
{
    uint32_t m[VR_ECMP_MAX], x;
    unsigned n = 0;
    int rc = 0;

    if (r->n_mp == 0) {
        struct vr_nexthop one = {.type = r->type, .gw = r->gw, .iface = r->iface};

        return nexthop_ref(vr, &one, out);
    }
    for (unsigned i = 0; i < r->n_mp && rc == 0; i++) {
        unsigned j;

        if ((rc = nexthop_ref(vr, &r->mp[i], &x)) != 0)
            break;
        /* insert into m[], ascending; a duplicate counts once */
        for (j = 0; j < n && m[j] < x; j++)
            ;
        if (j < n && m[j] == x) {
            nh_put(vr, x);
            continue;
        }
        memmove(m + j + 1, m + j, (n - j) * sizeof(*m));
        m[j] = x;
        n++;
    }
    if (rc == 0 && n == 1) {
        *out = m[0];
        return 0;
    }
    if (rc == 0)
        rc = nhg_get(vr, m, n, out);
    if (rc != 0)
        for (unsigned j = 0; j < n; j++)
            nh_put(vr, m[j]);
    return rc;
}

int vr_route_add(struct vr *vr, const struct vr_route *r)
{
    uint32_t nh;
    int rc;

    /* The VR's own local and connected routes outrank anything else. */
    if (prefix_is_own(vr, &r->dst))
        return 0;
    rc = route_ref(vr, r, &nh);
    if (rc != 0)
        return rc;
    rc = fib_set(vr, &r->dst, nh);
    if (rc != 0)
        ref_put(vr, nh);
    return rc;
}

int vr_route_del(struct vr *vr, const struct inet_prefix *dst)
{
    if (prefix_is_own(vr, dst))
        return 0;
    return fib_unset(vr, dst);
}

uint32_t vr_route_lookup_id(const struct vr *vr, const struct inet_addr *a)
{
    return a->family == AF_INET ? fib4_lookup(vr->fib4, ntohl(a->u.v4.s_addr))
                                : fib6_lookup(vr->fib6, a->u.bytes);
}

const struct nh *vr_route_lookup(const struct vr *vr, const struct inet_addr *a)
{
    uint32_t nh = vr_route_lookup_id(vr, a);

    if (nh == FIB_NH_NONE)
        return NULL;
    if (nh & VR_NHG_BIT)
        nh = vr_nhg(vr, nh)->nh[0];
    return &vr->nhs[nh];
}

size_t vr_route_count(const struct vr *vr, int family)
{
    return family == AF_INET ? fib4_count(vr->fib4) : fib6_count(vr->fib6);
}

/* ---- batches ------------------------------------------------------------------ */

/*
 * The batch functions do what vr_route_check/add/del do route by route, with
 * the per-route work hoisted: next hops are checked and resolved once per run
 * of routes with the same one, the VR's own prefixes are gathered once, and
 * additions go to the FIB in one fib{4,6}_route_add_batch (a full table is
 * built in one pass). The next-hop references come out exactly as if each
 * route had been added by itself.
 */

/* Same next hop (and so the same checks and the same nh entry)? */
static int same_nh(const struct vr_route *a, const struct vr_route *b)
{
    return a->n_mp == 0 && b->n_mp == 0 && a->type == b->type && a->iface == b->iface && a->dst.addr.family == b->dst.addr.family &&
           (a->type != NH_UNICAST || addr_equal(&a->gw, &b->gw));
}

/* route_check_dst() without the messages: 1 if the destination is fine. */
static int dst_ok(const struct inet_prefix *p)
{
    if (p->addr.family == AF_INET) {
        uint32_t a = ntohl(p->addr.u.v4.s_addr);

        return p->len <= 32 && (p->len == 32 || (a & (0xffffffffu >> p->len)) == 0);
    }
    if (p->addr.family != AF_INET6 || p->len > 128)
        return 0;
    for (unsigned b = p->len / 8; b < 16; b++)
        if (p->addr.u.bytes[b] & (b == p->len / 8 ? 0xffu >> (p->len % 8) : 0xffu))
            return 0;
    return 1;
}

int vr_route_check_batch(const struct vr *vr, const struct vr_route *rs, size_t n, size_t *bad,
                         char *err, size_t errlen)
{
    const struct vr_route *ok = NULL; /* the last route whose next hop passed */

    for (size_t i = 0; i < n; i++) {
        const struct vr_route *r = &rs[i];
        int rc = 0;

        if (!dst_ok(&r->dst))
            rc = vr_route_check(vr, r, err, errlen);
        else if (ok == NULL || !same_nh(ok, r)) {
            rc = route_check_nh(vr, r, err, errlen);
            ok = rc == 0 ? r : ok;
        }
        if (rc != 0) {
            *bad = i;
            return rc;
        }
    }
    return 0;
}

/* The VR's own (local and connected) prefixes, gathered once per batch. */
struct own_set {
    struct inet_prefix *p;
    unsigned n;
};

static int own_set_init(const struct vr *vr, struct own_set *o)
{
    unsigned n = 0;

    for (int i = 0; i < VR_IFACES_MAX; i++)
        n += vr->ifaces[i] != NULL ? vr->ifaces[i]->n_addrs * 2 : 0;
    o->n = 0;
    o->p = malloc((n ? n : 1) * sizeof(*o->p));
    if (o->p == NULL)
        return -ENOMEM;
    for (int i = 0; i < VR_IFACES_MAX; i++) {
        const struct vr_iface *ifc = vr->ifaces[i];

        for (unsigned j = 0; ifc != NULL && j < ifc->n_addrs; j++) {
            o->p[o->n++] = subnet_of(&ifc->addrs[j]);
            o->p[o->n++] = host_of(&ifc->addrs[j]);
        }
    }
    return 0;
}

static int own_set_has(const struct own_set *o, const struct inet_prefix *p)
{
    for (unsigned i = 0; i < o->n; i++)
        if (prefix_equal(&o->p[i], p))
            return 1;
    return 0;
}

/* Duplicate prefixes in a batch: the later one wins, as route by route, and
 * the earlier one's next-hop reference is released. In place; the new count.
 * Input sorted by prefix (a dump of a RIB or FIB) has none and costs one pass. */
static uint64_t key4(const struct fib4_route *r)
{
    return (uint64_t)r->addr << 8 | r->len;
}

static uint64_t hash6(const struct fib6_route *r)
{
    uint64_t a, b;

    memcpy(&a, r->addr, 8);
    memcpy(&b, r->addr + 8, 8);
    return (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full) ^ r->len;
}

static int eq6(const struct fib6_route *a, const struct fib6_route *b)
{
    return a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

static int sorted4(const struct fib4_route *r, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (key4(&r[i - 1]) >= key4(&r[i]))
            return 0;
    return 1;
}

static int sorted6(const struct fib6_route *r, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int c = memcmp(r[i - 1].addr, r[i].addr, 16);

        if (c > 0 || (c == 0 && r[i - 1].len >= r[i].len))
            return 0;
    }
    return 1;
}

/* Open-addressing table of positions + 1 in the output array. */
static uint32_t *dedup_table(size_t n, size_t *mask)
{
    size_t size = 16;

    while (size < n * 2)
        size *= 2;
    *mask = size - 1;
    return calloc(size, sizeof(uint32_t));
}

static int dedup4(struct vr *vr, struct fib4_route *r, size_t *n)
{
    size_t mask, m = 0;
    uint32_t *t;

    if (sorted4(r, *n))
        return 0;
    if ((t = dedup_table(*n, &mask)) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        uint64_t k = key4(&r[i]);
        size_t s = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & mask;

        while (t[s] != 0 && key4(&r[t[s] - 1]) != k)
            s = (s + 1) & mask;
        if (t[s] != 0) {
            ref_put(vr, r[t[s] - 1].nh);
            r[t[s] - 1].nh = r[i].nh;
        } else {
            r[m] = r[i];
            t[s] = (uint32_t)++m;
        }
    }
    free(t);
    *n = m;
    return 0;
}

static int dedup6(struct vr *vr, struct fib6_route *r, size_t *n)
{
    size_t mask, m = 0;
    uint32_t *t;

    if (sorted6(r, *n))
        return 0;
    if ((t = dedup_table(*n, &mask)) == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        size_t s = (size_t)(hash6(&r[i]) >> 32) & mask;

        while (t[s] != 0 && !eq6(&r[t[s] - 1], &r[i]))
            s = (s + 1) & mask;
        if (t[s] != 0) {
            ref_put(vr, r[t[s] - 1].nh);
            r[t[s] - 1].nh = r[i].nh;
        } else {
            r[m] = r[i];
            t[s] = (uint32_t)++m;
        }
    }
    free(t);
    *n = m;
    return 0;
}

/* Apply one family's routes (references to their next hops taken): remember
 * the next hops they replace, add them in one batch, then release what was
 * replaced. If the FIB ran out of memory half-way, each route's reference is
 * settled by what the FIB holds now. */
static int apply4(struct vr *vr, struct fib4_route *r, size_t n)
{
    uint32_t *old = malloc((n ? n : 1) * sizeof(*old)), cur;
    int rc;

    if (old == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (fib4_route_get(vr->fib4, r[i].addr, r[i].len, &old[i]) != 0)
            old[i] = FIB_NH_NONE;
    rc = fib4_route_add_batch(vr->fib4, r, n);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 ||
            (fib4_route_get(vr->fib4, r[i].addr, r[i].len, &cur) == 0 && cur == r[i].nh)) {
            if (old[i] != FIB_NH_NONE)
                ref_put(vr, old[i]);
        } else {
            ref_put(vr, r[i].nh);
        }
    }
    free(old);
    return rc;
}

static int apply6(struct vr *vr, struct fib6_route *r, size_t n)
{
    uint32_t *old = malloc((n ? n : 1) * sizeof(*old)), cur;
    int rc;

    if (old == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (fib6_route_get(vr->fib6, r[i].addr, r[i].len, &old[i]) != 0)
            old[i] = FIB_NH_NONE;
    rc = fib6_route_add_batch(vr->fib6, r, n);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 ||
            (fib6_route_get(vr->fib6, r[i].addr, r[i].len, &cur) == 0 && cur == r[i].nh)) {
            if (old[i] != FIB_NH_NONE)
                ref_put(vr, old[i]);
        } else {
            ref_put(vr, r[i].nh);
        }
    }
    free(old);
    return rc;
}

int vr_route_add_batch(struct vr *vr, const struct vr_route *rs, size_t n)
{
    struct fib4_route *r4 = NULL;
    struct fib6_route *r6 = NULL;
    size_t n4 = 0, n6 = 0, c4 = 0;
    const struct vr_route *last = NULL; /* the last route whose next hop was resolved */
    uint32_t last_nh = 0;
    struct own_set own;
    int rc;

    if (own_set_init(vr, &own) != 0)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        c4 += rs[i].dst.addr.family == AF_INET;
    r4 = malloc((c4 ? c4 : 1) * sizeof(*r4));
    r6 = malloc((n - c4 ? n - c4 : 1) * sizeof(*r6));
    rc = r4 == NULL || r6 == NULL ? -ENOMEM : 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct vr_route *r = &rs[i];

        if (own_set_has(&own, &r->dst))
            continue; /* the VR's own local and connected routes outrank it */
        if (last != NULL && same_nh(last, r)) {
            vr->nhs[last_nh].refcnt++;
        } else {
            rc = route_ref(vr, r, &last_nh);
            if (rc != 0)
                break;
            /* only a single next hop is shared by the next route's refcnt++ */
            last = r->n_mp == 0 ? r : NULL;
        }
        if (r->dst.addr.family == AF_INET)
            r4[n4++] = (struct fib4_route){
                .addr = ntohl(r->dst.addr.u.v4.s_addr), .len = (uint8_t)r->dst.len, .nh = last_nh};
        else {
            memcpy(r6[n6].addr, r->dst.addr.u.bytes, 16);
            r6[n6].len = (uint8_t)r->dst.len;
            r6[n6++].nh = last_nh;
        }
    }
    if (rc == 0)
        rc = dedup4(vr, r4, &n4);
    if (rc == 0)
        rc = dedup6(vr, r6, &n6);
    if (rc != 0) {
        /* nothing applied: give back the references taken */
        for (size_t i = 0; i < n4; i++)
            ref_put(vr, r4[i].nh);
        for (size_t i = 0; i < n6; i++)
            ref_put(vr, r6[i].nh);
    } else {
        rc = apply4(vr, r4, n4);
        if (rc == 0)
            rc = apply6(vr, r6, n6);
        else
            for (size_t i = 0; i < n6; i++)
                ref_put(vr, r6[i].nh);
    }
    free(r4);
    free(r6);
    free(own.p);
    return rc;
}

int vr_route_del_batch(struct vr *vr, const struct vr_route *rs, size_t n, size_t *deleted)
{
    struct own_set own;
    int rc = 0;

    *deleted = 0;
    if (own_set_init(vr, &own) != 0)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (own_set_has(&own, &rs[i].dst)) {
            (*deleted)++; /* as vr_route_del: the VR's own routes stay */
            continue;
        }
        rc = fib_unset(vr, &rs[i].dst);
        if (rc == 0)
            (*deleted)++;
        else if (rc != -ENOENT)
            break;
        rc = 0;
    }
    free(own.p);
    return rc;
}
