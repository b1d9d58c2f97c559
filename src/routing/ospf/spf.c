/*
 * spf.c - RFC 2328 16: the shortest-path tree of each area (16.1, with
 * the next-hop calculation of 16.1.1 and equal-cost multipath), then
 * inter-area (16.2) and AS-external (16.4) routes. Everything allocated
 * here is scratch for one run, except the result. See spf.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "routing/ospf/spf.h"

/* ---- next-hop sets ----------------------------------------------------------- */

struct nhset {
    uint8_t n;
    struct spf_nh nh[SPF_MAX_NH];
};

static int nh_cmp(const struct spf_nh *a, const struct spf_nh *b)
{
    if (a->ifindex != b->ifindex)
        return a->ifindex < b->ifindex ? -1 : 1;
    if (a->gw != b->gw)
        return a->gw < b->gw ? -1 : 1;
    return 0;
}

/* Insert keeping the set sorted and without duplicates; when full, keep the smallest. */
static void nh_add(struct nhset *s, struct spf_nh nh)
{
    unsigned i = 0;

    while (i < s->n && nh_cmp(&s->nh[i], &nh) < 0)
        i++;
    if (i < s->n && nh_cmp(&s->nh[i], &nh) == 0)
        return;
    if (i == SPF_MAX_NH)
        return;
    if (s->n == SPF_MAX_NH)
        s->n--;
    memmove(&s->nh[i + 1], &s->nh[i], (s->n - i) * sizeof(nh));
    s->nh[i] = nh;
    s->n++;
}

/* Copy a set into a result's array: the unused slots zeroed, so results compare bytewise. */
static void nh_store(struct spf_nh *dst, uint8_t *n, const struct nhset *src)
{
    memset(dst, 0, SPF_MAX_NH * sizeof(*dst));
    memcpy(dst, src->nh, src->n * sizeof(*dst));
    *n = src->n;
}

static void nh_load(struct nhset *dst, const struct spf_nh *src, uint8_t n)
{
    memset(dst, 0, sizeof(*dst));
    memcpy(dst->nh, src, n * sizeof(*src));
    dst->n = n;
}

static void nh_merge(struct nhset *dst, const struct nhset *src)
{
    for (unsigned i = 0; i < src->n; i++)
        nh_add(dst, src->nh[i]);
}

/* ---- the result under construction ---------------------------------------------- */

struct builder {
    struct spf_result *res;
    size_t cap_routes, cap_routers;
    uint32_t *idx; /* open addressing over routes: index + 1, 0 empty */
    size_t idx_cap;
};

static size_t route_hash(uint32_t prefix, uint8_t plen, size_t cap)
{
    uint64_t h = ((uint64_t)plen << 32 | prefix) * 0x9e3779b97f4a7c15ull;

    return (size_t)(h >> 29) & (cap - 1);
}

static struct spf_route *route_get(const struct builder *b, uint32_t prefix, uint8_t plen)
{
    if (!b->idx_cap)
        return NULL;
    for (size_t i = route_hash(prefix, plen, b->idx_cap);; i = (i + 1) & (b->idx_cap - 1)) {
        struct spf_route *r;

        if (!b->idx[i])
            return NULL;
        r = &b->res->routes[b->idx[i] - 1];
        if (r->prefix == prefix && r->plen == plen)
            return r;
    }
}

static int idx_put(struct builder *b, size_t ri)
{
    const struct spf_route *r = &b->res->routes[ri];
    size_t i = route_hash(r->prefix, r->plen, b->idx_cap);

    while (b->idx[i])
        i = (i + 1) & (b->idx_cap - 1);
    b->idx[i] = (uint32_t)ri + 1;
    return 0;
}

static struct spf_route *route_new(struct builder *b, uint32_t prefix, uint8_t plen)
{
    struct spf_result *res = b->res;
    struct spf_route *r;

    if (res->n_routes == b->cap_routes) {
        size_t nc = b->cap_routes ? b->cap_routes * 2 : 64;
        struct spf_route *n = realloc(res->routes, nc * sizeof(*n));

        if (!n)
            return NULL;
        res->routes = n;
        b->cap_routes = nc;
    }
    if ((res->n_routes + 1) * 2 > b->idx_cap) {
        size_t nc = b->idx_cap ? b->idx_cap * 2 : 128;
        uint32_t *n = calloc(nc, sizeof(*n));

        if (!n)
            return NULL;
        free(b->idx);
        b->idx = n;
        b->idx_cap = nc;
        for (size_t i = 0; i < res->n_routes; i++)
            idx_put(b, i);
    }
    r = &res->routes[res->n_routes];
    memset(r, 0, sizeof(*r));
    r->prefix = prefix;
    r->plen = plen;
    idx_put(b, res->n_routes++);
    return r;
}

/* <0: a is preferred, >0: b is, 0: equal (merge next hops). 16.4 step 6 and 11. */
static int route_pref(uint8_t ta, uint32_t ca, uint32_t c2a, uint8_t tb, uint32_t cb, uint32_t c2b)
{
    if (ta != tb)
        return ta < tb ? -1 : 1;
    if (ta == SPF_EXT2 && c2a != c2b)
        return c2a < c2b ? -1 : 1;
    if (ca != cb)
        return ca < cb ? -1 : 1;
    return 0;
}

struct cand {
    uint32_t prefix;
    uint8_t plen;
    uint8_t type;
    uint32_t cost, cost2, area, adv, tag;
};

static int route_offer(struct builder *b, const struct cand *c, const struct nhset *nh)
{
    struct spf_route *r = route_get(b, c->prefix, c->plen);
    int p;

    if (!nh->n)
        return 0;
    if (r) {
        p = route_pref(c->type, c->cost, c->cost2, r->type, r->cost, r->cost2);
        if (p > 0)
            return 0;
        if (p == 0) {
            struct nhset s;

            nh_load(&s, r->nh, r->n_nh);
            nh_merge(&s, nh);
            nh_store(r->nh, &r->n_nh, &s);
            return 0;
        }
    } else {
        r = route_new(b, c->prefix, c->plen);
        if (!r)
            return -ENOMEM;
    }
    r->type = c->type;
    r->cost = c->cost;
    r->cost2 = c->cost2;
    r->area = c->area;
    r->adv_rtr = c->adv;
    r->tag = c->tag;
    nh_store(r->nh, &r->n_nh, nh);
    return 0;
}

static struct spf_router *router_get(const struct builder *b, uint32_t rid, uint32_t area)
{
    for (size_t i = 0; i < b->res->n_routers; i++)
        if (b->res->routers[i].rid == rid && b->res->routers[i].area == area)
            return &b->res->routers[i];
    return NULL;
}

static int router_offer(struct builder *b, uint32_t rid, uint32_t area, uint8_t flags, uint8_t type,
                        uint32_t cost, const struct nhset *nh)
{
    struct spf_result *res = b->res;
    struct spf_router *r = router_get(b, rid, area);

    if (!nh->n)
        return 0;
    if (r) {
        if (type > r->type || (type == r->type && cost > r->cost))
            return 0;
        if (type == r->type && cost == r->cost) {
            struct nhset s;

            nh_load(&s, r->nh, r->n_nh);
            nh_merge(&s, nh);
            nh_store(r->nh, &r->n_nh, &s);
            r->flags |= flags;
            return 0;
        }
    } else {
        if (res->n_routers == b->cap_routers) {
            size_t nc = b->cap_routers ? b->cap_routers * 2 : 16;
            struct spf_router *n = realloc(res->routers, nc * sizeof(*n));

            if (!n)
                return -ENOMEM;
            res->routers = n;
            b->cap_routers = nc;
        }
        r = &res->routers[res->n_routers++];
        memset(r, 0, sizeof(*r));
        r->rid = rid;
        r->area = area;
    }
    r->flags = flags;
    r->type = type;
    r->cost = cost;
    nh_store(r->nh, &r->n_nh, nh);
    return 0;
}

/* ---- Dijkstra over one area (16.1) ------------------------------------------------ */

enum { V_NONE = 0, V_CAND, V_TREE };

struct vtx {
    struct lsdb_entry *e; /* its router- or network-LSA */
    uint32_t dist;
    uint8_t state;
    size_t heap;
    struct nhset nh;
};

struct area_run {
    uint32_t rid;
    const struct spf_area *area;
    ospf_time_t now;
    struct vtx *v;
    size_t n_v, cap_v;
    uint32_t *map; /* open addressing: lsdb_entry pointer -> vertex index + 1 */
    size_t map_cap;
    size_t *heap;
    size_t n_heap;
};

static size_t ptr_hash(const void *p, size_t cap)
{
    return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) >> 31) & (cap - 1);
}

/* The vertex of e, created if absent; NULL if out of room. */
static struct vtx *vertex(struct area_run *a, struct lsdb_entry *e)
{
    size_t i = ptr_hash(e, a->map_cap);

    for (; a->map[i]; i = (i + 1) & (a->map_cap - 1))
        if (a->v[a->map[i] - 1].e == e)
            return &a->v[a->map[i] - 1];
    if (a->n_v == a->cap_v)
        return NULL; /* cannot happen: sized by the LSDB count */
    a->map[i] = (uint32_t)a->n_v + 1;
    memset(&a->v[a->n_v], 0, sizeof(a->v[0]));
    a->v[a->n_v].e = e;
    return &a->v[a->n_v++];
}

/* Heap order: distance, then networks before routers (16.1 step 3). */
static bool heap_less(const struct area_run *a, size_t x, size_t y)
{
    const struct vtx *vx = &a->v[x], *vy = &a->v[y];

    if (vx->dist != vy->dist)
        return vx->dist < vy->dist;
    return vx->e->lsa.hdr.type > vy->e->lsa.hdr.type;
}

static void heap_set(struct area_run *a, size_t pos, size_t vi)
{
    a->heap[pos] = vi;
    a->v[vi].heap = pos;
}

static void heap_up(struct area_run *a, size_t pos)
{
    size_t vi = a->heap[pos];

    while (pos > 0 && heap_less(a, vi, a->heap[(pos - 1) / 2])) {
        heap_set(a, pos, a->heap[(pos - 1) / 2]);
        pos = (pos - 1) / 2;
    }
    heap_set(a, pos, vi);
}

static size_t heap_pop(struct area_run *a)
{
    size_t top = a->heap[0], vi, pos = 0;

    vi = a->heap[--a->n_heap];
    for (;;) {
        size_t c = 2 * pos + 1;

        if (c >= a->n_heap)
            break;
        if (c + 1 < a->n_heap && heap_less(a, a->heap[c + 1], a->heap[c]))
            c++;
        if (!heap_less(a, a->heap[c], vi))
            break;
        heap_set(a, pos, a->heap[c]);
        pos = c;
    }
    if (a->n_heap)
        heap_set(a, pos, vi);
    return top;
}

static bool usable(const struct area_run *a, const struct lsdb_entry *e)
{
    return e && lsdb_age(e, a->now) < OSPF_MAX_AGE;
}

static const struct spf_iface *iface_by_data(const struct spf_area *ar, uint32_t data)
{
    for (size_t i = 0; i < ar->n_ifs; i++)
        if (ar->ifs[i].addr && ar->ifs[i].addr == data)
            return &ar->ifs[i];
    for (size_t i = 0; i < ar->n_ifs; i++)
        if (!ar->ifs[i].addr && ar->ifs[i].ifindex == data)
            return &ar->ifs[i];
    return NULL;
}

/* W's (a router's) link back to V: a p2p link to router V, or a transit link to network V. */
static const struct lsa_rt_link *link_back(const struct lsdb_entry *w, const struct lsdb_entry *v,
                                           const struct spf_iface *on)
{
    const struct lsa_router *rt = &w->lsa.u.rt;
    const struct lsa_rt_link *first = NULL;
    uint8_t want = v->lsa.hdr.type == LSA_ROUTER ? LSA_LINK_P2P : LSA_LINK_TRANSIT;

    for (uint16_t i = 0; i < rt->n_links; i++) {
        const struct lsa_rt_link *k = &rt->links[i];

        if (k->type != want || k->id != v->lsa.hdr.id)
            continue;
        /* among parallel p2p links, the one on the interface's subnet */
        if (!on || !on->addr || (k->data & on->mask) == (on->addr & on->mask))
            return k;
        if (!first)
            first = k;
    }
    return first;
}

static bool net_lists(const struct lsdb_entry *n, uint32_t rid)
{
    for (uint32_t i = 0; i < n->lsa.u.net.n_routers; i++)
        if (n->lsa.u.net.routers[i] == rid)
            return true;
    return false;
}

/* Next hops to W reached from V (over link k if V is a router), 16.1.1. */
static void calc_nh(const struct area_run *a, const struct vtx *v, const struct lsdb_entry *w,
                    const struct lsa_rt_link *k, bool v_is_root, struct nhset *out)
{
    memset(out, 0, sizeof(*out));
    if (v_is_root) {
        const struct spf_iface *ifc = iface_by_data(a->area, k->data);
        struct spf_nh nh = {0, 0};

        if (!ifc)
            return;
        nh.ifindex = ifc->ifindex;
        if (w->lsa.hdr.type == LSA_ROUTER && ifc->addr) {
            const struct lsa_rt_link *back = link_back(w, v->e, ifc);

            nh.gw = back ? back->data : 0;
            if (!nh.gw)
                return;
        }
        nh_add(out, nh);
        return;
    }
    if (v->e->lsa.hdr.type == LSA_NETWORK) {
        /* through a network the root is on: the gateway is W's address there */
        const struct lsa_rt_link *back = link_back(w, v->e, NULL);

        for (unsigned i = 0; i < v->nh.n; i++) {
            struct spf_nh nh = v->nh.nh[i];

            if (nh.gw == 0) {
                if (!back)
                    continue;
                nh.gw = back->data;
            }
            nh_add(out, nh);
        }
        return;
    }
    *out = v->nh;
}

static int consider(struct area_run *a, size_t vi, struct lsdb_entry *w, uint32_t cost,
                    const struct lsa_rt_link *k)
{
    struct vtx *wv;
    struct nhset nh;
    bool root = a->v[vi].e->lsa.hdr.type == LSA_ROUTER && a->v[vi].e->lsa.hdr.id == a->rid;

    calc_nh(a, &a->v[vi], w, k, root, &nh);
    if (!nh.n)
        return 0;
    wv = vertex(a, w);
    if (!wv)
        return -ENOMEM;
    if (wv->state == V_TREE)
        return 0;
    if (wv->state == V_CAND) {
        if (cost > wv->dist)
            return 0;
        if (cost == wv->dist) {
            nh_merge(&wv->nh, &nh);
            return 0;
        }
        wv->dist = cost;
        wv->nh = nh;
        heap_up(a, wv->heap);
        return 0;
    }
    wv->state = V_CAND;
    wv->dist = cost;
    wv->nh = nh;
    a->heap[a->n_heap] = (size_t)(wv - a->v);
    wv->heap = a->n_heap++;
    heap_up(a, wv->heap);
    return 0;
}

static int expand_router(struct area_run *a, size_t vi)
{
    struct lsdb *db = a->area->db;
    const struct lsdb_entry *ve = a->v[vi].e;
    const struct lsa_router *rt = &ve->lsa.u.rt;

    for (uint16_t i = 0; i < rt->n_links; i++) {
        const struct lsa_rt_link *k = &rt->links[i];
        uint32_t cost = a->v[vi].dist + k->metric;
        struct lsdb_entry *w = NULL;

        if (k->type == LSA_LINK_P2P) {
            w = lsdb_find(db, LSA_ROUTER, k->id, k->id);
            /* the two-way check: W must advertise a link back to V */
            if (!usable(a, w) || !link_back(w, ve, NULL))
                continue;
        } else if (k->type == LSA_LINK_TRANSIT) {
            for (w = lsdb_find_id(db, LSA_NETWORK, k->id, NULL); w;
                 w = lsdb_find_id(db, LSA_NETWORK, k->id, w))
                if (usable(a, w) && net_lists(w, ve->lsa.hdr.id))
                    break;
            if (!w)
                continue;
        } else {
            continue; /* stubs in the second stage; virtual links not followed */
        }
        if (consider(a, vi, w, cost, k) < 0)
            return -ENOMEM;
    }
    return 0;
}

static int expand_network(struct area_run *a, size_t vi)
{
    const struct lsdb_entry *ve = a->v[vi].e;
    const struct lsa_network *net = &ve->lsa.u.net;

    for (uint32_t i = 0; i < net->n_routers; i++) {
        struct lsdb_entry *w = lsdb_find(a->area->db, LSA_ROUTER, net->routers[i], net->routers[i]);

        if (!usable(a, w) || !link_back(w, ve, NULL))
            continue;
        if (consider(a, vi, w, a->v[vi].dist, NULL) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* The second stage (16.1 step 2... stub networks) and the tree's networks and routers. */
static int area_routes(struct area_run *a, struct builder *b)
{
    for (size_t vi = 0; vi < a->n_v; vi++) {
        const struct vtx *v = &a->v[vi];
        const struct lsa *l = &v->e->lsa;
        bool root = l->hdr.type == LSA_ROUTER && l->hdr.id == a->rid;

        if (v->state != V_TREE)
            continue;
        if (l->hdr.type == LSA_NETWORK) {
            struct cand c = {.prefix = l->hdr.id & l->u.net.mask,
                             .plen = (uint8_t)lsa_mask_len(l->u.net.mask),
                             .type = SPF_INTRA,
                             .cost = v->dist,
                             .area = a->area->id,
                             .adv = l->hdr.adv_rtr};

            if (route_offer(b, &c, &v->nh) < 0)
                return -ENOMEM;
            continue;
        }
        if (!root && (l->u.rt.flags & (LSA_RT_B | LSA_RT_E)) &&
            router_offer(b, l->hdr.id, a->area->id, l->u.rt.flags & (LSA_RT_B | LSA_RT_E),
                         SPF_INTRA, v->dist, &v->nh) < 0)
            return -ENOMEM;
        for (uint16_t i = 0; i < l->u.rt.n_links; i++) {
            const struct lsa_rt_link *k = &l->u.rt.links[i];
            struct cand c = {.type = SPF_INTRA, .area = a->area->id, .adv = l->hdr.id};
            struct nhset nh = {0};

            if (k->type != LSA_LINK_STUB || !lsa_mask_ok(k->data))
                continue;
            c.prefix = k->id & k->data;
            c.plen = (uint8_t)lsa_mask_len(k->data);
            c.cost = v->dist + k->metric;
            if (root) {
                /* our own stub: connected if it is on one of the area's interfaces */
                for (size_t j = 0; j < a->area->n_ifs; j++) {
                    const struct spf_iface *ifc = &a->area->ifs[j];

                    if (ifc->addr && (ifc->addr & k->data) == c.prefix && ifc->mask == k->data)
                        nh_add(&nh, (struct spf_nh){ifc->ifindex, 0});
                }
            } else {
                nh = v->nh;
            }
            if (route_offer(b, &c, &nh) < 0)
                return -ENOMEM;
        }
    }
    return 0;
}

static int run_area(uint32_t rid, const struct spf_area *ar, ospf_time_t now, struct builder *b)
{
    struct area_run a = {.rid = rid, .area = ar, .now = now};
    struct lsdb_entry *root = lsdb_find(ar->db, LSA_ROUTER, rid, rid);
    size_t n = lsdb_count(ar->db) + 1;
    int rc = -ENOMEM;

    if (!usable(&a, root))
        return 0;
    a.cap_v = n;
    a.map_cap = 16;
    while (a.map_cap < 2 * n)
        a.map_cap *= 2;
    a.v = calloc(a.cap_v, sizeof(*a.v));
    a.map = calloc(a.map_cap, sizeof(*a.map));
    a.heap = calloc(a.cap_v, sizeof(*a.heap));
    if (!a.v || !a.map || !a.heap)
        goto out;
    vertex(&a, root);
    a.v[0].state = V_CAND;
    a.heap[a.n_heap++] = 0;
    while (a.n_heap) {
        size_t vi = heap_pop(&a);

        a.v[vi].state = V_TREE;
        if (a.v[vi].e->lsa.hdr.type == LSA_ROUTER)
            rc = expand_router(&a, vi);
        else
            rc = expand_network(&a, vi);
        if (rc < 0)
            goto out;
    }
    rc = area_routes(&a, b);
out:
    free(a.v);
    free(a.map);
    free(a.heap);
    return rc;
}

/* ---- inter-area (16.2) ---------------------------------------------------------------- */

static int run_summaries(uint32_t rid, const struct spf_area *ar, ospf_time_t now,
                         struct builder *b)
{
    for (size_t i = 0; i < lsdb_count(ar->db); i++) {
        struct lsdb_entry *e = lsdb_at(ar->db, i);
        const struct lsa *l = &e->lsa;
        const struct spf_router *br;
        struct nhset nh;
        uint32_t cost;

        if (l->hdr.type != LSA_SUMMARY_NET && l->hdr.type != LSA_SUMMARY_ASBR)
            continue;
        if (l->u.sum.metric == OSPF_LS_INFINITY || lsdb_age(e, now) >= OSPF_MAX_AGE ||
            l->hdr.adv_rtr == rid)
            continue;
        br = router_get(b, l->hdr.adv_rtr, ar->id);
        if (!br || br->type != SPF_INTRA)
            continue;
        cost = br->cost + l->u.sum.metric;
        nh_load(&nh, br->nh, br->n_nh);
        if (l->hdr.type == LSA_SUMMARY_NET) {
            struct cand c = {.prefix = l->hdr.id & l->u.sum.mask,
                             .plen = (uint8_t)lsa_mask_len(l->u.sum.mask),
                             .type = SPF_INTER,
                             .cost = cost,
                             .area = ar->id,
                             .adv = l->hdr.adv_rtr};

            /* route_offer() keeps an intra-area route over this (type order) */
            if (route_offer(b, &c, &nh) < 0)
                return -ENOMEM;
        } else {
            bool intra = false;

            for (size_t j = 0; j < b->res->n_routers; j++)
                if (b->res->routers[j].rid == l->hdr.id && b->res->routers[j].type == SPF_INTRA)
                    intra = true;
            if (l->hdr.id == rid || intra)
                continue;
            if (router_offer(b, l->hdr.id, ar->id, LSA_RT_E, SPF_INTER, cost, &nh) < 0)
                return -ENOMEM;
        }
    }
    return 0;
}

/* ---- AS external (16.4) ----------------------------------------------------------------- */

static const struct spf_router *best_asbr(const struct builder *b, uint32_t rid)
{
    const struct spf_router *best = NULL;

    for (size_t i = 0; i < b->res->n_routers; i++) {
        const struct spf_router *r = &b->res->routers[i];

        if (r->rid != rid || !(r->flags & LSA_RT_E))
            continue;
        if (!best || r->type < best->type || (r->type == best->type && r->cost < best->cost))
            best = r;
    }
    return best;
}

/* Longest intra- or inter-area match for a forwarding address. */
static const struct spf_route *internal_match(const struct builder *b, uint32_t addr)
{
    for (int len = 32; len >= 0; len--) {
        const struct spf_route *r = route_get(b, addr & lsa_len_mask(len), (uint8_t)len);

        if (r && (r->type == SPF_INTRA || r->type == SPF_INTER))
            return r;
    }
    return NULL;
}

static int run_externals(uint32_t rid, struct lsdb *db, ospf_time_t now, struct builder *b)
{
    for (size_t i = 0; i < lsdb_count(db); i++) {
        struct lsdb_entry *e = lsdb_at(db, i);
        const struct lsa *l = &e->lsa;
        const struct lsa_external *x = &l->u.ext;
        const struct spf_router *asbr;
        struct cand c = {.type = x->e2 ? SPF_EXT2 : SPF_EXT1, .tag = x->tag};
        struct nhset nh = {0};
        uint32_t to;

        if (l->hdr.type != LSA_EXTERNAL || x->metric == OSPF_LS_INFINITY ||
            lsdb_age(e, now) >= OSPF_MAX_AGE || l->hdr.adv_rtr == rid)
            continue;
        asbr = best_asbr(b, l->hdr.adv_rtr);
        if (!asbr)
            continue;
        if (x->fwd) {
            const struct spf_route *fr = internal_match(b, x->fwd);

            if (!fr)
                continue;
            to = fr->cost;
            c.area = fr->area;
            for (unsigned j = 0; j < fr->n_nh; j++) {
                struct spf_nh n = fr->nh[j];

                /* on a network we are attached to, the forwarding address is the gateway */
                if (!n.gw)
                    n.gw = x->fwd;
                nh_add(&nh, n);
            }
        } else {
            to = asbr->cost;
            c.area = asbr->area;
            nh_load(&nh, asbr->nh, asbr->n_nh);
        }
        c.prefix = l->hdr.id & x->mask;
        c.plen = (uint8_t)lsa_mask_len(x->mask);
        c.adv = l->hdr.adv_rtr;
        if (x->e2) {
            c.cost = to;
            c.cost2 = x->metric;
        } else {
            c.cost = to + x->metric;
        }
        if (route_offer(b, &c, &nh) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* ---- the whole calculation ------------------------------------------------------------- */

static int route_cmp(const void *a, const void *b)
{
    const struct spf_route *x = a, *y = b;

    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    return (int)x->plen - (int)y->plen;
}

static int router_cmp(const void *a, const void *b)
{
    const struct spf_router *x = a, *y = b;

    if (x->rid != y->rid)
        return x->rid < y->rid ? -1 : 1;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    return 0;
}

int spf_run(uint32_t router_id, const struct spf_area *areas, size_t n_areas, struct lsdb *as_db,
            ospf_time_t now, struct spf_result *out)
{
    struct builder b = {.res = out};
    bool abr = n_areas > 1;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n_areas && rc == 0; i++)
        rc = run_area(router_id, &areas[i], now, &b);
    /* an ABR reads the backbone's summaries only; others their one area's (16.2) */
    for (size_t i = 0; i < n_areas && rc == 0; i++)
        if (!abr || areas[i].id == 0)
            rc = run_summaries(router_id, &areas[i], now, &b);
    if (rc == 0 && as_db)
        rc = run_externals(router_id, as_db, now, &b);
    free(b.idx);
    if (rc < 0) {
        spf_result_free(out);
        return rc;
    }
    if (out->n_routes)
        qsort(out->routes, out->n_routes, sizeof(*out->routes), route_cmp);
    if (out->n_routers)
        qsort(out->routers, out->n_routers, sizeof(*out->routers), router_cmp);
    return 0;
}

void spf_result_free(struct spf_result *r)
{
    if (!r)
        return;
    free(r->routes);
    free(r->routers);
    memset(r, 0, sizeof(*r));
}

const struct spf_route *spf_route_find(const struct spf_result *r, uint32_t prefix, uint8_t plen)
{
    struct spf_route key = {.prefix = prefix, .plen = plen};

    if (!r->n_routes)
        return NULL;
    return bsearch(&key, r->routes, r->n_routes, sizeof(key), route_cmp);
}

const struct spf_router *spf_router_find(const struct spf_result *r, uint32_t rid, uint32_t area)
{
    struct spf_router key = {.rid = rid, .area = area};

    if (!r->n_routers)
        return NULL;
    return bsearch(&key, r->routers, r->n_routers, sizeof(key), router_cmp);
}

const char *spf_rtype_name(int type)
{
    static const char *const names[] = {"unknown", "intra", "inter", "ext1", "ext2"};

    return type >= SPF_INTRA && type <= SPF_EXT2 ? names[type] : names[0];
}
