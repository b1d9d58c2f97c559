/*
 * config.c - load, check and print a router's YAML config (config.h).
 *
 * The document is loaded whole with libyaml's document API, then walked: the
 * core's keys first (router-id, distances, interfaces, prefix-lists), then
 * each protocol class's section in class order through its config_parse
 * hook, then the cross-checks (redistribute names an instance and a prefix
 * list). Every mapping key must be known; every error names the file and
 * the line of the offending node, like src/lab/topo.c.
 */
#include "routing/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct cfg_parser {
    yaml_document_t doc;
    const char *name;
    struct router_config *rc;
    char *err;
    size_t errlen;
};

/* ---- Helpers --------------------------------------------------------- */

int cfg_line(const yaml_node_t *n)
{
    return n != NULL ? (int)n->start_mark.line + 1 : 0;
}

int cfg_fail(struct cfg_parser *cp, const yaml_node_t *at, const char *fmt, ...)
{
    char reason[CFG_ERR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (at != NULL)
        snprintf(cp->err, cp->errlen, "%s:%d: %s", cp->name, cfg_line(at), reason);
    else
        snprintf(cp->err, cp->errlen, "%s: %s", cp->name, reason);
    return -EINVAL;
}

static int fail_line(struct cfg_parser *cp, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_line(struct cfg_parser *cp, int line, const char *fmt, ...)
{
    char reason[CFG_ERR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    snprintf(cp->err, cp->errlen, "%s:%d: %s", cp->name, line, reason);
    return -EINVAL;
}

const struct router_config *cfg_router(const struct cfg_parser *cp)
{
    return cp->rc;
}

yaml_node_t *cfg_node(const struct cfg_parser *cp, int index)
{
    return yaml_document_get_node((yaml_document_t *)&cp->doc, index);
}

int cfg_map(struct cfg_parser *cp, const yaml_node_t *n, const char *what)
{
    if (n == NULL || n->type != YAML_MAPPING_NODE)
        return cfg_fail(cp, n, "%s must be a mapping", what);
    return 0;
}

int cfg_seq(struct cfg_parser *cp, const yaml_node_t *n, const char *what)
{
    if (n == NULL || n->type != YAML_SEQUENCE_NODE)
        return cfg_fail(cp, n, "%s must be a list", what);
    return 0;
}

int cfg_str(struct cfg_parser *cp, const yaml_node_t *n, const char *what, const char **out)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return cfg_fail(cp, n, "%s must be a single value", what);
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
        return cfg_fail(cp, n, "%s contains a NUL byte", what);
    *out = (const char *)n->data.scalar.value;
    return 0;
}

int cfg_name(struct cfg_parser *cp, const yaml_node_t *n, const char *what, size_t max, char *out)
{
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    if (s[0] == '\0' || strlen(s) > max)
        return cfg_fail(cp, n, "%s: '%s' is not 1 to %zu characters", what, s, max);
    for (const char *p = s; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && strchr("_-.", *p) == NULL)
            return cfg_fail(cp, n, "%s: '%s' has a character other than letters, digits, _-.", what,
                            s);
    strcpy(out, s);
    return 0;
}

int cfg_uint(struct cfg_parser *cp, const yaml_node_t *n, const char *what, uint64_t min,
             uint64_t max, uint64_t *out)
{
    const char *s;
    char *end;
    unsigned long long v;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    if (!isdigit((unsigned char)s[0]))
        return cfg_fail(cp, n, "%s: '%s' is not a number", what, s);
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return cfg_fail(cp, n, "%s: '%s' is not a number", what, s);
    if (v < min || v > max)
        return cfg_fail(cp, n, "%s: %llu is not between %llu and %llu", what, v,
                        (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

int cfg_bool(struct cfg_parser *cp, const yaml_node_t *n, const char *what, bool *out)
{
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
        *out = false;
    else
        return cfg_fail(cp, n, "%s: '%s' is not true or false", what, s);
    return 0;
}

static int inet_fail(struct cfg_parser *cp, const yaml_node_t *n, const char *what, const char *s,
                     const char *why)
{
    return cfg_fail(cp, n, "%s: %s: %s", what, why, s);
}

int cfg_prefix(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
               struct inet_prefix *out)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    if (inet_prefix_parse(s, family, out, why, sizeof(why)) != 0)
        return inet_fail(cp, n, what, s, why);
    return 0;
}

int cfg_ifaddr(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
               struct inet_prefix *out)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    if (inet_ifaddr_parse(s, family, out, why, sizeof(why)) != 0)
        return inet_fail(cp, n, what, s, why);
    return 0;
}

int cfg_addr(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
             struct inet_addr *out)
{
    char why[INET_WHY_LEN];
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    if (inet_addr_parse(s, family, out, why, sizeof(why)) != 0)
        return inet_fail(cp, n, what, s, why);
    return 0;
}

int cfg_enum(struct cfg_parser *cp, const yaml_node_t *n, const char *what,
             const char *const *choices, int *out)
{
    char list[256] = "";
    const char *s;
    int rc;

    if ((rc = cfg_str(cp, n, what, &s)) != 0)
        return rc;
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                 choices[i]);
    }
    return cfg_fail(cp, n, "%s: '%s' is not one of %s", what, s, list);
}

int cfg_proto_common(struct cfg_parser *cp, const char *key, const yaml_node_t *value,
                     struct proto_config *pc)
{
    const yaml_node_item_t *it;
    int rc;

    if (strcmp(key, "redistribute") != 0)
        return 0;
    if ((rc = cfg_seq(cp, value, "redistribute")) != 0)
        return rc;
    for (it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *e = cfg_node(cp, *it);
        struct cfg_redist r = {.line = cfg_line(e)};
        struct cfg_redist *v;

        if ((rc = cfg_map(cp, e, "a redistribute entry")) != 0)
            return rc;
        for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = cfg_node(cp, p->key), *v2 = cfg_node(cp, p->value);
            const char *ks;

            if ((rc = cfg_str(cp, k, "a key", &ks)) != 0)
                return rc;
            if (strcmp(ks, "from") == 0)
                rc = cfg_name(cp, v2, "redistribute.from", PROTO_NAME_MAX, r.from);
            else if (strcmp(ks, "prefix-list") == 0)
                rc = cfg_name(cp, v2, "redistribute.prefix-list", POLICY_NAME_MAX, r.plist);
            else
                rc = cfg_fail(cp, k, "redistribute: unknown key %s", ks);
            if (rc != 0)
                return rc;
        }
        if (r.from[0] == '\0')
            return cfg_fail(cp, e, "redistribute: `from` is required");
        for (size_t i = 0; i < pc->n_redist; i++)
            if (strcmp(pc->redist[i].from, r.from) == 0)
                return cfg_fail(cp, e, "redistribute: %s is named twice", r.from);
        if ((v = realloc(pc->redist, (pc->n_redist + 1) * sizeof(*v))) == NULL)
            return cfg_fail(cp, e, "out of memory");
        pc->redist = v;
        v[pc->n_redist++] = r;
    }
    return 1;
}

void cfg_put_scalar(FILE *out, const char *s)
{
    bool plain = s[0] != '\0' && strpbrk(s, ":#{}[],&*!|>'\"%@`") == NULL && s[0] != '-' &&
                 s[0] != ' ' && s[strlen(s) - 1] != ' ';

    if (plain) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

/* ---- Core sections --------------------------------------------------- */

static int parse_router_id(struct cfg_parser *cp, const yaml_node_t *n)
{
    struct inet_addr a;
    int rc;

    if ((rc = cfg_addr(cp, n, "router-id", AF_INET, &a)) != 0)
        return rc;
    if (a.u.v4.s_addr == 0)
        return cfg_fail(cp, n, "router-id: 0.0.0.0 is not a router ID");
    cp->rc->router_id = a.u.v4;
    return 0;
}

static bool distance_name_known(const char *name)
{
    const struct protocol *cls;

    for (size_t i = 0; (cls = proto_class_at(i)) != NULL; i++) {
        if (strcmp(cls->name, name) == 0)
            return true;
        for (size_t j = 0; cls->distance_names != NULL && cls->distance_names[j] != NULL; j++)
            if (strcmp(cls->distance_names[j], name) == 0)
                return true;
    }
    return false;
}

static int parse_distances(struct cfg_parser *cp, const yaml_node_t *n)
{
    struct router_config *rc = cp->rc;
    int r;

    if ((r = cfg_map(cp, n, "distances")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *v = cfg_node(cp, p->value);
        struct cfg_distance d = {0};
        struct cfg_distance *nv;
        uint64_t val;

        if ((r = cfg_name(cp, k, "distances: a key", PROTO_NAME_MAX, d.name)) != 0)
            return r;
        if (!distance_name_known(d.name))
            return cfg_fail(cp, k, "distances: %s is not a protocol", d.name);
        for (size_t i = 0; i < rc->n_distances; i++)
            if (strcmp(rc->distances[i].name, d.name) == 0)
                return cfg_fail(cp, k, "distances: %s is given twice", d.name);
        if ((r = cfg_uint(cp, v, "distance", 0, 255, &val)) != 0)
            return r;
        d.distance = (uint8_t)val;
        if ((nv = realloc(rc->distances, (rc->n_distances + 1) * sizeof(*nv))) == NULL)
            return cfg_fail(cp, n, "out of memory");
        rc->distances = nv;
        nv[rc->n_distances++] = d;
    }
    return 0;
}

static bool prefixes_overlap(const struct inet_prefix *a, const struct inet_prefix *b)
{
    unsigned len = a->len < b->len ? a->len : b->len;
    unsigned full = len / 8, rest = len % 8;

    if (a->addr.family != b->addr.family)
        return false;
    if (memcmp(a->addr.u.bytes, b->addr.u.bytes, full) != 0)
        return false;
    return rest == 0 ||
           ((a->addr.u.bytes[full] ^ b->addr.u.bytes[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool link_local6(const struct inet_prefix *p)
{
    return p->addr.family == AF_INET6 && p->addr.u.bytes[0] == 0xfe &&
           (p->addr.u.bytes[1] & 0xc0) == 0x80;
}

static int parse_iface(struct cfg_parser *cp, const yaml_node_t *n)
{
    struct router_config *rc = cp->rc;
    struct cfg_iface ifc = {.line = cfg_line(n)};
    const yaml_node_t *addrs = NULL;
    struct cfg_iface *v;
    int r;

    if ((r = cfg_map(cp, n, "an interface")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "name") == 0)
            r = cfg_name(cp, val, "interface name", CFG_IFNAME_MAX, ifc.name);
        else if (strcmp(ks, "addresses") == 0)
            r = cfg_seq(cp, (addrs = val), "addresses");
        else
            r = cfg_fail(cp, k, "interface: unknown key %s", ks);
        if (r != 0)
            return r;
    }
    if (ifc.name[0] == '\0')
        return cfg_fail(cp, n, "interface: `name` is required");
    if (config_iface_find(rc, ifc.name) != NULL)
        return cfg_fail(cp, n, "interface %s is given twice", ifc.name);
    if ((v = realloc(rc->ifaces, (rc->n_ifaces + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    rc->ifaces = v;
    v[rc->n_ifaces++] = ifc;
    if (addrs == NULL)
        return 0;
    for (yaml_node_item_t *it = addrs->data.sequence.items.start;
         it < addrs->data.sequence.items.top; it++) {
        yaml_node_t *an = cfg_node(cp, *it);
        struct cfg_iface *me = &rc->ifaces[rc->n_ifaces - 1];
        struct inet_prefix a, *na;

        if ((r = cfg_ifaddr(cp, an, "address", AF_UNSPEC, &a)) != 0)
            return r;
        for (size_t i = 0; i < rc->n_ifaces; i++)
            for (size_t j = 0; j < rc->ifaces[i].n_addrs; j++) {
                const struct inet_prefix *o = &rc->ifaces[i].addrs[j];
                char ob[INET_PREFIX_STRLEN];

                if (link_local6(o) && link_local6(&a) && &rc->ifaces[i] != me)
                    continue;
                if (prefixes_overlap(o, &a))
                    return cfg_fail(cp, an, "address %s overlaps %s of interface %s",
                                    (const char *)an->data.scalar.value,
                                    inet_prefix_format(o, ob, sizeof(ob)), rc->ifaces[i].name);
            }
        if ((na = realloc(me->addrs, (me->n_addrs + 1) * sizeof(*na))) == NULL)
            return cfg_fail(cp, an, "out of memory");
        me->addrs = na;
        na[me->n_addrs++] = a;
    }
    return 0;
}

static int parse_interfaces(struct cfg_parser *cp, const yaml_node_t *n)
{
    int r;

    if ((r = cfg_seq(cp, n, "interfaces")) != 0)
        return r;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
        if ((r = parse_iface(cp, cfg_node(cp, *it))) != 0)
            return r;
    return 0;
}

static int parse_plist_entry(struct cfg_parser *cp, struct prefix_list *pl, const yaml_node_t *n)
{
    static const char *const actions[] = {"deny", "permit", NULL};
    struct plist_entry e = {0};
    bool have_prefix = false, have_action = false;
    char why[128];
    uint64_t v;
    int r, a;

    if ((r = cfg_map(cp, n, "a prefix-list entry")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "seq") == 0) {
            r = cfg_uint(cp, val, "seq", 1, UINT32_MAX, &v);
            e.seq = (uint32_t)v;
        } else if (strcmp(ks, "action") == 0) {
            r = cfg_enum(cp, val, "action", actions, &a);
            e.action = a == 1 ? POLICY_PERMIT : POLICY_DENY;
            have_action = true;
        } else if (strcmp(ks, "prefix") == 0) {
            r = cfg_prefix(cp, val, "prefix", AF_UNSPEC, &e.prefix);
            have_prefix = true;
        } else if (strcmp(ks, "ge") == 0) {
            r = cfg_uint(cp, val, "ge", 0, 128, &v);
            e.ge = (unsigned)v;
        } else if (strcmp(ks, "le") == 0) {
            r = cfg_uint(cp, val, "le", 0, 128, &v);
            e.le = (unsigned)v;
        } else {
            r = cfg_fail(cp, k, "prefix-list entry: unknown key %s", ks);
        }
        if (r != 0)
            return r;
    }
    if (e.seq == 0)
        e.seq = pl->n > 0 ? pl->entries[pl->n - 1].seq + 5 : 5;
    if (!have_action || !have_prefix)
        return cfg_fail(cp, n, "prefix-list %s: an entry needs `action` and `prefix`", pl->name);
    if (plist_entry_add(pl, &e, why, sizeof(why)) != 0)
        return cfg_fail(cp, n, "prefix-list %s: %s", pl->name, why);
    return 0;
}

static int parse_prefix_lists(struct cfg_parser *cp, const yaml_node_t *n)
{
    int r;

    if ((r = cfg_map(cp, n, "prefix-lists")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *v = cfg_node(cp, p->value);
        char name[POLICY_NAME_MAX + 1];
        struct prefix_list *pl;

        if ((r = cfg_name(cp, k, "prefix-list name", POLICY_NAME_MAX, name)) != 0)
            return r;
        if ((pl = policy_plist_add(cp->rc->policy, name)) == NULL)
            return cfg_fail(cp, k, "prefix-list %s: %s", name,
                            errno == EEXIST ? "given twice" : strerror(errno));
        if ((r = cfg_seq(cp, v, "a prefix-list")) != 0)
            return r;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++)
            if ((r = parse_plist_entry(cp, pl, cfg_node(cp, *it))) != 0)
                return r;
    }
    return 0;
}

/* ---- Root ------------------------------------------------------------ */

static const char *const core_keys[] = {"router-id", "distances", "interfaces", "prefix-lists",
                                        NULL};

static const yaml_node_t *root_get(struct cfg_parser *cp, const yaml_node_t *root, const char *key)
{
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = cfg_node(cp, p->key);

        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return cfg_node(cp, p->value);
    }
    return NULL;
}

static int parse_protos(struct cfg_parser *cp, const yaml_node_t *root)
{
    struct router_config *rc = cp->rc;
    const struct protocol *cls;
    int r;

    for (size_t i = 0; (cls = proto_class_at(i)) != NULL; i++) {
        const yaml_node_t *sec = root != NULL ? root_get(cp, root, cls->name) : NULL;
        struct proto_config *pc, **v;

        if (sec == NULL && !cls->always)
            continue;
        if ((pc = calloc(1, cls->config_size)) == NULL)
            return cfg_fail(cp, sec, "out of memory");
        if ((v = realloc(rc->protos, (rc->n_protos + 1) * sizeof(*v))) == NULL) {
            free(pc);
            return cfg_fail(cp, sec, "out of memory");
        }
        rc->protos = v;
        v[rc->n_protos++] = pc;
        pc->cls = cls;
        snprintf(pc->name, sizeof(pc->name), "%s", cls->name);
        pc->line = cfg_line(sec);
        if (cls->config_parse != NULL)
            r = cls->config_parse(cp, sec, pc);
        else if (sec != NULL && !(sec->type == YAML_SCALAR_NODE && sec->data.scalar.length == 0))
            r = cfg_fail(cp, sec, "%s: takes no configuration", cls->name);
        else
            r = 0;
        if (r != 0)
            return r;
    }
    /* redistribution names instances and lists that exist */
    for (size_t i = 0; i < rc->n_protos; i++)
        for (size_t j = 0; j < rc->protos[i]->n_redist; j++) {
            const struct cfg_redist *rd = &rc->protos[i]->redist[j];

            if (strcmp(rd->from, rc->protos[i]->name) == 0)
                return fail_line(cp, rd->line, "redistribute: %s cannot redistribute itself",
                                 rd->from);
            if (config_proto_find(rc, rd->from) == NULL)
                return fail_line(cp, rd->line, "redistribute: there is no protocol %s", rd->from);
            if (rd->plist[0] != '\0' && policy_plist_find(rc->policy, rd->plist) == NULL)
                return fail_line(cp, rd->line, "redistribute: there is no prefix-list %s",
                                 rd->plist);
        }
    return 0;
}

static int load_root(struct cfg_parser *cp)
{
    yaml_node_t *root = yaml_document_get_root_node(&cp->doc);
    struct router_config *rc = cp->rc;
    const yaml_node_t *n;
    int r;

    if (root == NULL)
        return cfg_fail(cp, NULL, "empty file");
    if ((r = cfg_map(cp, root, "the file")) != 0)
        return r;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = cfg_node(cp, p->key);
        const char *ks;
        bool known = false;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        for (size_t i = 0; core_keys[i] != NULL; i++)
            known = known || strcmp(core_keys[i], ks) == 0;
        known = known || proto_class_find(ks) != NULL;
        if (!known)
            return cfg_fail(cp, k, "unknown key %s", ks);
        for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++)
            if (strcmp((const char *)cfg_node(cp, q->key)->data.scalar.value, ks) == 0)
                return cfg_fail(cp, k, "%s is given twice", ks);
    }
    if ((n = root_get(cp, root, "router-id")) != NULL && (r = parse_router_id(cp, n)) != 0)
        return r;
    if ((n = root_get(cp, root, "distances")) != NULL && (r = parse_distances(cp, n)) != 0)
        return r;
    if ((n = root_get(cp, root, "interfaces")) != NULL && (r = parse_interfaces(cp, n)) != 0)
        return r;
    if ((n = root_get(cp, root, "prefix-lists")) != NULL && (r = parse_prefix_lists(cp, n)) != 0)
        return r;
    if (rc->router_id.s_addr == 0) {
        uint32_t best = 0;

        for (size_t i = 0; i < rc->n_ifaces; i++)
            for (size_t j = 0; j < rc->ifaces[i].n_addrs; j++)
                if (rc->ifaces[i].addrs[j].addr.family == AF_INET &&
                    ntohl(rc->ifaces[i].addrs[j].addr.u.v4.s_addr) > best)
                    best = ntohl(rc->ifaces[i].addrs[j].addr.u.v4.s_addr);
        if (best == 0)
            return cfg_fail(cp, root,
                            "router-id: required (no IPv4 interface address to take "
                            "it from)");
        rc->router_id.s_addr = htonl(best);
        rc->router_id_auto = true;
    }
    return parse_protos(cp, root);
}

struct router_config *config_parse_text(const char *text, size_t len, const char *name, char *err,
                                        size_t errlen)
{
    struct cfg_parser cp = {.name = name, .err = err, .errlen = errlen};
    yaml_parser_t parser;
    int rc;

    if ((cp.rc = calloc(1, sizeof(*cp.rc))) == NULL || (cp.rc->policy = policy_new()) == NULL) {
        free(cp.rc);
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    if (!yaml_parser_initialize(&parser)) {
        config_free(cp.rc);
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &cp.doc)) {
        snprintf(err, errlen, "%s:%zu: YAML: %s%s%s", name, parser.problem_mark.line + 1,
                 parser.problem != NULL ? parser.problem : "syntax error",
                 parser.context != NULL ? " " : "", parser.context != NULL ? parser.context : "");
        yaml_parser_delete(&parser);
        config_free(cp.rc);
        return NULL;
    }
    rc = load_root(&cp);
    yaml_document_delete(&cp.doc);
    yaml_parser_delete(&parser);
    if (rc != 0) {
        config_free(cp.rc);
        return NULL;
    }
    return cp.rc;
}

struct router_config *config_load(const char *path, char *err, size_t errlen)
{
    struct router_config *rc;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t n;

        if (cap - len < 4096) {
            char *nb;

            cap = cap * 2 + 4096;
            if (cap > (16u << 20) || (nb = realloc(buf, cap)) == NULL) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: larger than 16 MiB", path);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    rc = config_parse_text(buf, len, path, err, errlen);
    free(buf);
    return rc;
}

void config_free(struct router_config *rc)
{
    if (rc == NULL)
        return;
    for (size_t i = 0; i < rc->n_ifaces; i++)
        free(rc->ifaces[i].addrs);
    free(rc->ifaces);
    free(rc->distances);
    policy_free(rc->policy);
    for (size_t i = 0; i < rc->n_protos; i++) {
        struct proto_config *pc = rc->protos[i];

        if (pc->cls->config_free != NULL)
            pc->cls->config_free(pc);
        free(pc->redist);
        free(pc);
    }
    free(rc->protos);
    free(rc);
}

const struct cfg_iface *config_iface_find(const struct router_config *rc, const char *name)
{
    for (size_t i = 0; i < rc->n_ifaces; i++)
        if (strcmp(rc->ifaces[i].name, name) == 0)
            return &rc->ifaces[i];
    return NULL;
}

const struct proto_config *config_proto_find(const struct router_config *rc, const char *name)
{
    for (size_t i = 0; i < rc->n_protos; i++)
        if (strcmp(rc->protos[i]->name, name) == 0)
            return rc->protos[i];
    return NULL;
}

uint8_t config_distance(const struct router_config *rc, const char *name, uint8_t def)
{
    for (size_t i = 0; i < rc->n_distances; i++)
        if (strcmp(rc->distances[i].name, name) == 0)
            return rc->distances[i].distance;
    return def;
}

/* ---- Printing -------------------------------------------------------- */

static void print_prefix(FILE *out, const struct inet_prefix *p)
{
    char b[INET_PREFIX_STRLEN];

    cfg_put_scalar(out, inet_prefix_format(p, b, sizeof(b)));
}

void config_print(const struct router_config *rc, FILE *out)
{
    const struct prefix_list *pl;

    if (!rc->router_id_auto) {
        char b[INET_ADDRSTRLEN];

        fprintf(out, "router-id: %s\n", inet_ntop(AF_INET, &rc->router_id, b, sizeof(b)));
    }
    if (rc->n_distances > 0) {
        fprintf(out, "distances:\n");
        for (size_t i = 0; i < rc->n_distances; i++)
            fprintf(out, "  %s: %u\n", rc->distances[i].name, rc->distances[i].distance);
    }
    if (rc->n_ifaces > 0) {
        fprintf(out, "interfaces:\n");
        for (size_t i = 0; i < rc->n_ifaces; i++) {
            fprintf(out, "  - name: ");
            cfg_put_scalar(out, rc->ifaces[i].name); /* "-" alone is not a plain scalar */
            fprintf(out, "\n    addresses: [");
            for (size_t j = 0; j < rc->ifaces[i].n_addrs; j++) {
                fputs(j > 0 ? ", " : "", out);
                print_prefix(out, &rc->ifaces[i].addrs[j]);
            }
            fprintf(out, "]\n");
        }
    }
    if (policy_plist_at(rc->policy, 0) != NULL) {
        fprintf(out, "prefix-lists:\n");
        for (size_t i = 0; (pl = policy_plist_at(rc->policy, i)) != NULL; i++) {
            fprintf(out, "  %s:%s\n", pl->name, pl->n == 0 ? " []" : "");
            for (size_t j = 0; j < pl->n; j++) {
                const struct plist_entry *e = &pl->entries[j];

                fprintf(out, "    - {seq: %u, action: %s, prefix: ", e->seq,
                        e->action == POLICY_PERMIT ? "permit" : "deny");
                print_prefix(out, &e->prefix);
                if (e->ge != 0)
                    fprintf(out, ", ge: %u", e->ge);
                if (e->le != 0)
                    fprintf(out, ", le: %u", e->le);
                fprintf(out, "}\n");
            }
        }
    }
    for (size_t i = 0; i < rc->n_protos; i++) {
        const struct proto_config *pc = rc->protos[i];
        char *body = NULL;
        size_t blen = 0;
        FILE *m;

        if (pc->cls->config_print == NULL && pc->n_redist == 0)
            continue;
        if ((m = open_memstream(&body, &blen)) == NULL)
            continue;
        if (pc->cls->config_print != NULL)
            pc->cls->config_print(pc, m, 2);
        if (pc->n_redist > 0) {
            fprintf(m, "  redistribute:\n");
            for (size_t j = 0; j < pc->n_redist; j++) {
                fprintf(m, "    - {from: %s", pc->redist[j].from);
                if (pc->redist[j].plist[0] != '\0')
                    fprintf(m, ", prefix-list: %s", pc->redist[j].plist);
                fprintf(m, "}\n");
            }
        }
        fclose(m);
        if (blen > 0)
            fprintf(out, "%s:\n%s", pc->name, body);
        else if (!pc->cls->always)
            fprintf(out, "%s: {}\n", pc->name);
        free(body);
    }
}

char *config_to_text(const struct router_config *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (m == NULL)
        return NULL;
    config_print(rc, m);
    fclose(m);
    return buf;
}
