/*
 * routerd.c - vroom-routerd's core (routerd.h): protocol instances made
 * from the config through their class's hooks, redistribution of best
 * routes between them under prefix lists, reconfiguration in place, and the
 * show/control methods of routerd's JSON-RPC socket. State export and
 * import live in state.c; pushing to vroomd in fibpush.c.
 */
#include "routing/routerd.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "routing/fibpush.h"
#include "routing/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct routerd {
    struct ev_loop *loop;
    uint64_t clock;   /* generation counter */
    uint64_t cfg_gen; /* generation of the config's last change */
    struct rib *rib;
    struct router_config *cfg;
    struct proto **protos;
    size_t n_protos;
    char *config_path;
    struct fibpush *fp;
    int sub;
    char (*down)[RIB_DEV_LEN]; /* interfaces whose link is down (linkmon.h) */
    size_t n_down;
};

/* ---- Redistribution -------------------------------------------------- */

static const struct cfg_redist *redist_for(const struct routerd *rd, const struct proto *p, int src)
{
    const char *name = src >= 0 ? rib_source_name(rd->rib, src) : NULL;

    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < p->cfg->n_redist; i++)
        if (strcmp(p->cfg->redist[i].from, name) == 0)
            return &p->cfg->redist[i];
    return NULL;
}

static bool redist_permits(const struct routerd *rd, const struct cfg_redist *r,
                           const struct inet_prefix *prefix)
{
    if (r->plist[0] == '\0')
        return true;
    return plist_match(policy_plist_find(rd->cfg->policy, r->plist), prefix) == POLICY_PERMIT;
}

static void redistribute(struct routerd *rd, struct proto *p, const struct rib_change *c)
{
    const struct cfg_redist *rn = redist_for(rd, p, c->new_nh != NULL ? c->src : -1);
    const struct cfg_redist *ro = redist_for(rd, p, c->old_src);

    if (rn != NULL && redist_permits(rd, rn, c->prefix)) {
        p->cls->rt_notify(p, c);
    } else if (ro != NULL || rn != NULL) {
        struct rib_change w = *c;

        w.new_nh = NULL;
        w.src = -1;
        p->cls->rt_notify(p, &w);
    }
}

static void on_change(void *ctx, const struct rib_change *c)
{
    struct routerd *rd = ctx;

    for (size_t i = 0; i < rd->n_protos; i++) {
        struct proto *p = rd->protos[i];

        if (p->cls->rt_notify != NULL && p->state == PROTO_UP && p->cfg->n_redist > 0)
            redistribute(rd, p, c);
    }
}

struct refeed {
    struct routerd *rd;
    struct proto *p;
};

static int refeed_one(void *ctx, const struct rib_route_info *r)
{
    struct refeed *rf = ctx;
    struct rib_change c = {
        .prefix = &r->prefix,
        .old_nh = NULL,
        .new_nh = r->resolved,
        .src = r->src,
        .old_src = r->src,
        .distance = r->distance,
        .metric = r->metric,
    };

    redistribute(rf->rd, rf->p, &c);
    return 0;
}

/* Feed p every best route again (its policy or sources changed). */
static void refeed(struct routerd *rd, struct proto *p)
{
    struct refeed rf = {rd, p};

    if (p->cls->rt_notify != NULL && p->state == PROTO_UP)
        rib_walk_unsorted(rd->rib, true, refeed_one, &rf);
}

/* ---- Instances ------------------------------------------------------- */

static struct proto *proto_create(struct routerd *rd, const struct proto_config *pc, char *err,
                                  size_t errlen)
{
    const struct protocol *cls = pc->cls;
    struct proto *p = calloc(1, cls->proto_size);
    int rc;

    if (p == NULL) {
        snprintf(err, errlen, "%s: out of memory", pc->name);
        return NULL;
    }
    p->cls = cls;
    p->rd = rd;
    p->rib = rd->rib;
    p->cfg = pc;
    p->src = rib_source_add(rd->rib, pc->name, config_distance(rd->cfg, cls->name, cls->distance));
    if (p->src < 0) {
        snprintf(err, errlen, "%s: no RIB source: %s", pc->name, strerror(-p->src));
        free(p);
        return NULL;
    }
    p->gen = ++rd->clock;
    if (cls->init != NULL && (rc = cls->init(p)) != 0) {
        snprintf(err, errlen, "%s: init: %s", pc->name, strerror(-rc));
        rib_source_remove(rd->rib, p->src);
        free(p);
        return NULL;
    }
    p->state = PROTO_INIT;
    return p;
}

static int proto_start(struct routerd *rd, struct proto *p)
{
    int rc = 0;

    if (p->state != PROTO_INIT)
        return 0;
    p->state = PROTO_UP;
    p->gen = ++rd->clock;
    if (p->cls->start != NULL && (rc = p->cls->start(p)) != 0) {
        log_warnx("%s: start: %s", p->cfg->name, strerror(-rc));
        p->state = PROTO_INIT;
        return rc;
    }
    refeed(rd, p);
    return 0;
}

static void proto_destroy(struct routerd *rd, struct proto *p)
{
    if (p->state == PROTO_UP && p->cls->stop != NULL)
        p->cls->stop(p);
    p->state = PROTO_DOWN;
    rib_source_remove(rd->rib, p->src);
    if (p->cls->cleanup != NULL)
        p->cls->cleanup(p);
    free(p);
}

static int protos_append(struct routerd *rd, struct proto *p)
{
    struct proto **v = realloc(rd->protos, (rd->n_protos + 1) * sizeof(*v));

    if (v == NULL)
        return -ENOMEM;
    rd->protos = v;
    v[rd->n_protos++] = p;
    return 0;
}

/* ---- Life ------------------------------------------------------------ */

struct routerd *routerd_new(struct ev_loop *loop)
{
    struct routerd *rd = calloc(1, sizeof(*rd));

    if (rd == NULL)
        return NULL;
    rd->loop = loop;
    if ((rd->rib = rib_new(&rd->clock)) == NULL) {
        free(rd);
        return NULL;
    }
    rd->sub = rib_subscribe(rd->rib, on_change, rd);
    return rd;
}

void routerd_free(struct routerd *rd)
{
    if (rd == NULL)
        return;
    rib_unsubscribe(rd->rib, rd->sub); /* no redistribution while everything goes */
    while (rd->n_protos > 0)
        proto_destroy(rd, rd->protos[--rd->n_protos]);
    free(rd->protos);
    rib_free(rd->rib);
    config_free(rd->cfg);
    free(rd->config_path);
    free(rd->down);
    free(rd);
}

int routerd_configure(struct routerd *rd, struct router_config *rc, bool start, char *err,
                      size_t errlen)
{
    if (rd->cfg != NULL) {
        config_free(rc);
        snprintf(err, errlen, "already configured");
        return -EBUSY;
    }
    rd->cfg = rc;
    rd->cfg_gen = ++rd->clock;
    for (size_t i = 0; i < rc->n_protos; i++) {
        struct proto *p = proto_create(rd, rc->protos[i], err, errlen);

        if (p == NULL || protos_append(rd, p) != 0) {
            if (p != NULL)
                proto_destroy(rd, p);
            while (rd->n_protos > 0)
                proto_destroy(rd, rd->protos[--rd->n_protos]);
            rd->cfg = NULL;
            config_free(rc);
            return -EINVAL;
        }
    }
    return start ? routerd_start(rd) : 0;
}

int routerd_start(struct routerd *rd)
{
    int rc = 0;

    for (size_t i = 0; i < rd->n_protos; i++) {
        int r = proto_start(rd, rd->protos[i]);

        if (r != 0 && rc == 0)
            rc = r;
    }
    return rc;
}

static void summary_add(json_t *summary, const char *what, const char *name)
{
    if (summary != NULL)
        json_array_append_new(json_object_get(summary, what), json_string(name));
}

static bool redist_equal(const struct proto_config *a, const struct proto_config *b)
{
    if (a->n_redist != b->n_redist)
        return false;
    for (size_t i = 0; i < a->n_redist; i++)
        if (strcmp(a->redist[i].from, b->redist[i].from) != 0 ||
            strcmp(a->redist[i].plist, b->redist[i].plist) != 0)
            return false;
    return true;
}

static bool policy_equal(const struct policy *a, const struct policy *b)
{
    const struct prefix_list *x, *y;

    for (size_t i = 0;; i++) {
        x = policy_plist_at(a, i);
        y = policy_plist_at(b, i);
        if (x == NULL || y == NULL)
            return x == y;
        if (strcmp(x->name, y->name) != 0 || !plist_equal(x, y))
            return false;
    }
}

int routerd_reload(struct routerd *rd, struct router_config *rc, json_t **summary, char *err,
                   size_t errlen)
{
    struct router_config *old = rd->cfg;
    bool all_restart, policy_changed;
    json_t *sum =
        json_pack("{s:[],s:[],s:[],s:[]}", "reconfigured", "restarted", "added", "removed");
    char *old_text, *new_text;

    if (old == NULL) {
        json_decref(sum);
        return routerd_configure(rd, rc, true, err, errlen);
    }
    all_restart = old->router_id.s_addr != rc->router_id.s_addr;
    policy_changed = !policy_equal(old->policy, rc->policy);
    old_text = config_to_text(old);
    new_text = config_to_text(rc);
    if (old_text != NULL && new_text != NULL && strcmp(old_text, new_text) != 0)
        rd->cfg_gen = ++rd->clock;
    free(old_text);
    free(new_text);
    rd->cfg = rc; /* instances read the new config (interfaces, distances) from here on */

    /* instances gone from the config, or to restart */
    for (size_t i = 0; i < rd->n_protos;) {
        struct proto *p = rd->protos[i];
        const struct proto_config *npc = config_proto_find(rc, p->cfg->name);
        int r = 1;

        if (npc != NULL && !all_restart) {
            r = p->cls->reconfigure != NULL ? p->cls->reconfigure(p, npc) : 1;
            if (r == 0) {
                bool redist_changed = !redist_equal(p->cfg, npc);

                p->cfg = npc;
                p->gen = ++rd->clock;
                rib_source_set_distance(rd->rib, p->src,
                                        config_distance(rc, p->cls->name, p->cls->distance));
                if (redist_changed || policy_changed)
                    refeed(rd, p);
                summary_add(sum, "reconfigured", p->cfg->name);
                i++;
                continue;
            }
        }
        summary_add(sum, npc != NULL ? "restarted" : "removed", p->cfg->name);
        /* p->cfg points into the old config: keep it valid until destroyed */
        proto_destroy(rd, p);
        memmove(&rd->protos[i], &rd->protos[i + 1], (rd->n_protos - i - 1) * sizeof(*rd->protos));
        rd->n_protos--;
    }
    /* new (or restarted) instances, in class order */
    for (size_t i = 0; i < rc->n_protos; i++) {
        struct proto *p;

        if (routerd_proto_find(rd, rc->protos[i]->name) != NULL)
            continue;
        if ((p = proto_create(rd, rc->protos[i], err, errlen)) == NULL ||
            protos_append(rd, p) != 0) {
            if (p != NULL)
                proto_destroy(rd, p);
            log_warnx("reload: %s", err);
            continue;
        }
        if (old != NULL && config_proto_find(old, rc->protos[i]->name) == NULL)
            summary_add(sum, "added", rc->protos[i]->name);
        proto_start(rd, p);
    }
    config_free(old);
    if (summary != NULL)
        *summary = sum;
    else
        json_decref(sum);
    return 0;
}

/* ---- Accessors ------------------------------------------------------- */

const struct router_config *routerd_config(const struct routerd *rd)
{
    return rd->cfg;
}

struct rib *routerd_rib(struct routerd *rd)
{
    return rd->rib;
}

struct ev_loop *routerd_loop(const struct routerd *rd)
{
    return rd->loop;
}

uint64_t *routerd_clock(struct routerd *rd)
{
    return &rd->clock;
}

uint64_t routerd_config_gen(const struct routerd *rd)
{
    return rd->cfg_gen;
}

size_t routerd_proto_count(const struct routerd *rd)
{
    return rd->n_protos;
}

struct proto *routerd_proto_at(const struct routerd *rd, size_t i)
{
    return i < rd->n_protos ? rd->protos[i] : NULL;
}

struct proto *routerd_proto_find(const struct routerd *rd, const char *name)
{
    for (size_t i = 0; i < rd->n_protos; i++)
        if (strcmp(rd->protos[i]->cfg->name, name) == 0)
            return rd->protos[i];
    return NULL;
}

void routerd_set_config_path(struct routerd *rd, const char *path)
{
    free(rd->config_path);
    rd->config_path = path != NULL ? strdup(path) : NULL;
}

void routerd_set_fibpush(struct routerd *rd, struct fibpush *fp)
{
    rd->fp = fp;
}

/* ---- Interface link state -------------------------------------------- */

bool routerd_iface_up(const struct routerd *rd, const char *ifname)
{
    for (size_t i = 0; i < rd->n_down; i++)
        if (strcmp(rd->down[i], ifname) == 0)
            return false;
    return true;
}

void routerd_iface_set(struct routerd *rd, const char *ifname, bool up)
{
    if (strlen(ifname) >= RIB_DEV_LEN || routerd_iface_up(rd, ifname) == up)
        return;
    if (up) {
        for (size_t i = 0; i < rd->n_down; i++)
            if (strcmp(rd->down[i], ifname) == 0)
                memmove(&rd->down[i], &rd->down[i + 1], (--rd->n_down - i) * sizeof(rd->down[0]));
    } else {
        char(*v)[RIB_DEV_LEN] = realloc(rd->down, (rd->n_down + 1) * sizeof(*v));

        if (v == NULL) {
            log_warnx("interface %s down: out of memory, not taken down", ifname);
            return;
        }
        rd->down = v;
        snprintf(rd->down[rd->n_down++], RIB_DEV_LEN, "%s", ifname);
    }
    log_info("interface %s: link %s", ifname, up ? "up" : "down");
    for (size_t i = 0; i < rd->n_protos; i++) {
        struct proto *p = rd->protos[i];

        if (p->state == PROTO_UP && p->cls->if_change != NULL)
            p->cls->if_change(p, ifname, up);
    }
}

/* ---- Show ------------------------------------------------------------ */

json_t *routerd_nhg_json(const struct rib_nhg *g)
{
    json_t *a = json_array();

    for (size_t i = 0; g != NULL && i < g->n; i++) {
        const struct rib_nh *nh = &g->nh[i];
        json_t *o = json_object();
        char buf[INET_ADDR_STRLEN];

        if (nh->type != RIB_NH_UNICAST) {
            json_object_set_new(o, "type", json_string(rib_nh_type_name(nh->type)));
        } else {
            if (nh->family != 0)
                json_object_set_new(o, "via",
                                    json_string(inet_ntop(nh->family, nh->gw, buf, sizeof(buf))));
            if (nh->dev[0] != '\0')
                json_object_set_new(o, "dev", json_string(nh->dev));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *route_json(struct routerd *rd, const struct rib_route_info *r)
{
    json_t *o = json_pack("{s:s,s:i,s:I,s:b,s:o}", "protocol",
                          rib_source_name(rd->rib, r->src) ? rib_source_name(rd->rib, r->src) : "?",
                          "distance", r->distance, "metric", (json_int_t)r->metric, "best", r->best,
                          "nexthops", routerd_nhg_json(r->nh));

    if (r->nh->recursive)
        json_object_set_new(o, "resolved",
                            r->resolved != NULL ? routerd_nhg_json(r->resolved) : json_null());
    return o;
}

struct show_ctx {
    struct routerd *rd;
    json_t *out;
    json_t *cur; /* the current prefix's object */
    struct inet_prefix last;
    size_t limit, n;
};

static int show_one(void *ctx, const struct rib_route_info *r)
{
    struct show_ctx *s = ctx;
    char buf[INET_PREFIX_STRLEN];

    if (s->cur == NULL || s->last.len != r->prefix.len ||
        s->last.addr.family != r->prefix.addr.family ||
        memcmp(s->last.addr.u.bytes, r->prefix.addr.u.bytes, 16) != 0) {
        if (s->limit > 0 && s->n >= s->limit)
            return 1;
        s->n++;
        s->cur = json_pack("{s:s,s:[]}", "prefix", inet_prefix_format(&r->prefix, buf, sizeof(buf)),
                           "routes");
        json_array_append_new(s->out, s->cur);
        s->last = r->prefix;
    }
    json_array_append_new(json_object_get(s->cur, "routes"), route_json(s->rd, r));
    return 0;
}

json_t *routerd_show_rib(struct routerd *rd, int family, bool best_only, size_t limit)
{
    struct show_ctx s = {.rd = rd, .out = json_array(), .limit = limit};

    rib_walk(rd->rib, family, best_only, show_one, &s);
    return s.out;
}

static int show_prefix_one(void *ctx, const struct rib_route_info *r)
{
    struct show_ctx *s = ctx;

    json_array_append_new(s->out, route_json(s->rd, r));
    return 0;
}

json_t *routerd_show_prefix(struct routerd *rd, const struct inet_prefix *p)
{
    struct show_ctx s = {.rd = rd, .out = json_array()};
    char buf[INET_PREFIX_STRLEN];

    rib_walk_prefix(rd->rib, p, show_prefix_one, &s);
    if (json_array_size(s.out) == 0) {
        json_decref(s.out);
        return NULL;
    }
    return json_pack("{s:s,s:o}", "prefix", inet_prefix_format(p, buf, sizeof(buf)), "routes",
                     s.out);
}

static int count_one(void *ctx, const struct rib_route_info *r)
{
    size_t *counts = ctx;

    counts[2 * r->src] += 1;
    counts[2 * r->src + 1] += r->best;
    return 0;
}

json_t *routerd_show_protos(struct routerd *rd)
{
    size_t *counts = calloc(2 * RIB_SOURCES_MAX, sizeof(*counts));
    json_t *a = json_array();

    if (counts != NULL)
        rib_walk_unsorted(rd->rib, false, count_one, counts);
    for (size_t i = 0; i < rd->n_protos; i++) {
        struct proto *p = rd->protos[i];

        json_array_append_new(a,
                              json_pack("{s:s,s:s,s:s,s:I,s:I}", "name", p->cfg->name, "protocol",
                                        p->cls->name, "state", proto_state_name(p->state), "routes",
                                        (json_int_t)(counts ? counts[2 * p->src] : 0), "best",
                                        (json_int_t)(counts ? counts[2 * p->src + 1] : 0)));
    }
    free(counts);
    return a;
}

json_t *routerd_show_proto(struct routerd *rd, const char *name, const json_t *args)
{
    struct proto *p = routerd_proto_find(rd, name);
    json_t *o, *redist;

    if (p == NULL)
        return NULL;
    o = p->cls->show != NULL ? p->cls->show(p, args) : NULL;
    if (o == NULL)
        o = json_object();
    json_object_set_new(o, "name", json_string(p->cfg->name));
    json_object_set_new(o, "protocol", json_string(p->cls->name));
    json_object_set_new(o, "state", json_string(proto_state_name(p->state)));
    json_object_set_new(o, "distance",
                        json_integer(config_distance(rd->cfg, p->cls->name, p->cls->distance)));
    redist = json_array();
    for (size_t i = 0; i < p->cfg->n_redist; i++)
        json_array_append_new(
            redist, json_pack("{s:s,s:s?}", "from", p->cfg->redist[i].from, "prefix-list",
                              p->cfg->redist[i].plist[0] ? p->cfg->redist[i].plist : NULL));
    json_object_set_new(o, "redistribute", redist);
    return o;
}

json_t *routerd_show_status(struct routerd *rd)
{
    struct rib_stats st;
    char rid[INET_ADDRSTRLEN] = "";

    json_t *down = json_array();

    rib_stats(rd->rib, &st);
    if (rd->cfg != NULL)
        inet_ntop(AF_INET, &rd->cfg->router_id, rid, sizeof(rid));
    for (size_t i = 0; i < rd->n_down; i++)
        json_array_append_new(down, json_string(rd->down[i]));
    return json_pack("{s:s,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o}", "router_id", rid, "generation",
                     (json_int_t)rd->clock, "rib", "prefixes", (json_int_t)st.prefixes, "routes",
                     (json_int_t)st.routes, "nexthop_sets", (json_int_t)st.nhgs, "tracked_gateways",
                     (json_int_t)st.nht, "tombstones", (json_int_t)st.tombstones, "memory",
                     (json_int_t)st.memory, "interfaces_down", down);
}

/* ---- Methods --------------------------------------------------------- */

static int m_rib(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"family", "best", "limit", NULL};
    static const char *const fams[] = {"ipv4", "ipv6", NULL};
    int fam = -1, rc;
    bool best = false;
    int64_t limit = 0;

    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (rc = jsonrpc_get_enum(params, NULL, "family", false, fams, &fam, err)) < 0 ||
        (rc = jsonrpc_get_bool(params, NULL, "best", false, &best, err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "limit", false, 1, 100000000, &limit, err)) < 0)
        return rc;
    *result = routerd_show_rib(ctx,
                               fam < 0    ? 0
                               : fam == 0 ? AF_INET
                                          : AF_INET6,
                               best, (size_t)limit);
    return 0;
}

static int m_rib_prefix(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"prefix", NULL};
    struct inet_prefix p;
    int rc;

    memset(&p, 0, sizeof(p));
    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (rc = jsonrpc_get_prefix(params, NULL, "prefix", true, AF_UNSPEC, &p, err)) != 0)
        return rc;
    if ((*result = routerd_show_prefix(ctx, &p)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "prefix: no route for %s",
                                 json_string_value(json_object_get(params, "prefix")));
    return 0;
}

static int m_rib_lookup(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"address", NULL};
    struct routerd *rd = ctx;
    struct rib_route_info info;
    struct inet_addr a;
    char buf[INET_PREFIX_STRLEN];
    int rc;

    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (rc = jsonrpc_get_addr(params, NULL, "address", true, AF_UNSPEC, &a, err)) != 0)
        return rc;
    if (!rib_lookup(rd->rib, &a, &info))
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "address: no route");
    *result = route_json(rd, &info);
    json_object_set_new(*result, "prefix",
                        json_string(inet_prefix_format(&info.prefix, buf, sizeof(buf))));
    return 0;
}

static int m_proto_list(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {NULL};
    int rc;

    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0)
        return rc;
    *result = routerd_show_protos(ctx);
    return 0;
}

static int m_proto_show(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    const char *name;
    int rc;

    if ((rc = jsonrpc_get_string(params, NULL, "name", true, PROTO_NAME_MAX, &name, err)) != 0)
        return rc;
    if ((*result = routerd_show_proto(ctx, name, params)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "name: no protocol %s", name);
    return 0;
}

static int m_state_export(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"since", NULL};
    struct routerd *rd = ctx;
    struct state_buf b = {0};
    int64_t since = 0;
    char *b64;
    int rc;

    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (rc = jsonrpc_get_int(params, NULL, "since", false, 0, INT64_MAX, &since, err)) < 0)
        return rc;
    if ((rc = state_export(rd, (uint64_t)since, &b)) != 0 || (b64 = state_base64(&b)) == NULL) {
        state_buf_free(&b);
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "export failed: %s",
                                 strerror(rc ? -rc : ENOMEM));
    }
    *result = json_pack("{s:I,s:I,s:I,s:s}", "generation", (json_int_t)rd->clock, "records",
                        (json_int_t)b.records, "bytes", (json_int_t)b.len, "data", b64);
    free(b64);
    state_buf_free(&b);
    return 0;
}

static int m_config_show(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct routerd *rd = ctx;
    char *text;

    (void)params;
    if (rd->cfg == NULL || (text = config_to_text(rd->cfg)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "no config");
    *result = json_pack("{s:s}", "text", text);
    free(text);
    return 0;
}

static int m_config_reload(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"path", NULL};
    struct routerd *rd = ctx;
    const char *path = rd->config_path;
    struct router_config *rc;
    char msg[CFG_ERR_MAX];
    int r;

    if ((r = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (r = jsonrpc_get_string(params, NULL, "path", false, 4096, &path, err)) < 0)
        return r;
    if (path == NULL)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED, "path: no config file to reload");
    if ((rc = config_load(path, msg, sizeof(msg))) == NULL)
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS, "config: %s", msg);
    if ((r = routerd_reload(rd, rc, result, msg, sizeof(msg))) != 0)
        return jsonrpc_error_set(err, JSONRPC_INTERNAL_ERROR, "reload: %s", msg);
    if (path != rd->config_path)
        routerd_set_config_path(rd, path);
    return 0;
}

static int m_status(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct routerd *rd = ctx;

    (void)params;
    (void)err;
    *result = routerd_show_status(rd);
    json_object_set_new(*result, "fib", rd->fp != NULL ? fibpush_status_json(rd->fp) : json_null());
    return 0;
}

static int m_fib_reconnect(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    struct routerd *rd = ctx;

    (void)params;
    if (rd->fp == NULL)
        return jsonrpc_error_set(err, JSONRPC_UNSUPPORTED, "no vroomd to push to (--vroomd)");
    fibpush_reconnect(rd->fp);
    *result = fibpush_status_json(rd->fp);
    return 0;
}

static const struct jsonrpc_method methods[] = {
    {"rib", m_rib, "the RIB: {family?, best?, limit?}"},
    {"rib.prefix", m_rib_prefix, "every route of one prefix: {prefix}"},
    {"rib.lookup", m_rib_lookup, "the longest-prefix match of an address: {address}"},
    {"proto.list", m_proto_list, "the protocol instances"},
    {"proto.show", m_proto_show, "one protocol instance: {name}"},
    {"state.export", m_state_export, "the movable state as base64 records: {since?}"},
    {"config.show", m_config_show, "the running config in canonical form"},
    {"config.reload", m_config_reload, "re-read the config file and apply it: {path?}"},
    {"fib.reconnect", m_fib_reconnect, "drop the connection to vroomd and resynchronise"},
    {"routerd.status", m_status, "router ID, generation, RIB size and memory, FIB pusher"},
};

int routerd_add_methods(struct routerd *rd, struct jsonrpc_server *srv)
{
    return jsonrpc_server_add_methods(srv, methods, sizeof(methods) / sizeof(methods[0]), rd);
}
