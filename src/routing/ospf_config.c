/*
 * ospf_config.c - the `ospf:` section of vroom-routerd's config (docs/routing.md):
 * areas, their interfaces (type, cost, timers, priority, passive, MD5),
 * checked through the core's parsing helpers (config.h) with file:line
 * errors, and printed in canonical form. The instance: proto_ospf.c.
 */
#include "routing/ospf_int.h"

static int parse_area_id(struct cfg_parser *cp, const yaml_node_t *n, uint32_t *out)
{
    const char *s;
    struct in_addr a;
    char *end;
    unsigned long v;
    int r;

    if ((r = cfg_str(cp, n, "area id", &s)) != 0)
        return r;
    if (inet_pton(AF_INET, s, &a) == 1) {
        *out = ntohl(a.s_addr);
        return 0;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v > 0xffffffffUL || *s == '-')
        return cfg_fail(cp, n, "area id: %s is neither a dotted quad nor a number", s);
    *out = (uint32_t)v;
    return 0;
}

static int parse_md5(struct cfg_parser *cp, const yaml_node_t *n, struct ospf_if_cfg *ic)
{
    const yaml_node_t *key = NULL;
    uint64_t id = 0;
    bool have_id = false;
    const char *s;
    int r;

    if ((r = cfg_map(cp, n, "md5")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *v = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "id") == 0) {
            if ((r = cfg_uint(cp, v, "md5.id", 0, 255, &id)) != 0)
                return r;
            have_id = true;
        } else if (strcmp(ks, "key") == 0)
            key = v;
        else
            return cfg_fail(cp, k, "md5: unknown key %s", ks);
    }
    if (!have_id || key == NULL)
        return cfg_fail(cp, n, "md5: `id` and `key` are required");
    if ((r = cfg_str(cp, key, "md5.key", &s)) != 0)
        return r;
    if (strlen(s) < 1 || strlen(s) > 16)
        return cfg_fail(cp, key, "md5.key: 1 to 16 characters");
    ic->md5 = true;
    ic->key_id = (uint8_t)id;
    snprintf(ic->key, sizeof(ic->key), "%s", s);
    return 0;
}

static int parse_iface(struct cfg_parser *cp, const yaml_node_t *n, uint32_t area,
                       struct ospf_config *oc)
{
    static const char *const types[] = {"broadcast", "ptp", NULL};
    struct ospf_if_cfg ic = {.area = area,
                             .type = OSPF_IF_BROADCAST,
                             .cost = 10,
                             .hello = 10,
                             .dead = 40,
                             .rxmt = 5,
                             .priority = 1,
                             .line = cfg_line(n)};
    const struct cfg_iface *ci;
    const yaml_node_t *name = NULL;
    struct ospf_if_cfg *v;
    bool have_dead = false;
    uint64_t u;
    int r, t;

    if ((r = cfg_map(cp, n, "an ospf interface")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const char *qs;

            if (cfg_str(cp, cfg_node(cp, q->key), "a key", &qs) == 0 && strcmp(qs, ks) == 0)
                return cfg_fail(cp, k, "ospf interface: %s given twice", ks);
        }
        if (strcmp(ks, "name") == 0) {
            name = val;
            if ((r = cfg_name(cp, val, "name", CFG_IFNAME_MAX, ic.name)) != 0)
                return r;
        } else if (strcmp(ks, "type") == 0) {
            if ((r = cfg_enum(cp, val, "type", types, &t)) != 0)
                return r;
            ic.type = t == 0 ? OSPF_IF_BROADCAST : OSPF_IF_P2P;
        } else if (strcmp(ks, "cost") == 0) {
            if ((r = cfg_uint(cp, val, "cost", 1, 65535, &u)) != 0)
                return r;
            ic.cost = (uint16_t)u;
        } else if (strcmp(ks, "hello") == 0) {
            if ((r = cfg_uint(cp, val, "hello", 1, 65535, &u)) != 0)
                return r;
            ic.hello = (uint16_t)u;
        } else if (strcmp(ks, "dead") == 0) {
            if ((r = cfg_uint(cp, val, "dead", 1, 65535, &u)) != 0)
                return r;
            ic.dead = (uint32_t)u;
            have_dead = true;
        } else if (strcmp(ks, "retransmit") == 0) {
            if ((r = cfg_uint(cp, val, "retransmit", 1, 3600, &u)) != 0)
                return r;
            ic.rxmt = (uint16_t)u;
        } else if (strcmp(ks, "priority") == 0) {
            if ((r = cfg_uint(cp, val, "priority", 0, 255, &u)) != 0)
                return r;
            ic.priority = (uint8_t)u;
        } else if (strcmp(ks, "passive") == 0) {
            if ((r = cfg_bool(cp, val, "passive", &ic.passive)) != 0)
                return r;
        } else if (strcmp(ks, "md5") == 0) {
            if ((r = parse_md5(cp, val, &ic)) != 0)
                return r;
        } else
            return cfg_fail(cp, k, "ospf interface: unknown key %s", ks);
    }
    if (name == NULL)
        return cfg_fail(cp, n, "ospf interface: `name` is required");
    if (!have_dead)
        ic.dead = 4u * ic.hello;
    if (ic.dead <= ic.hello)
        return cfg_fail(cp, n, "ospf interface %s: dead (%u) must be above hello (%u)", ic.name,
                        ic.dead, ic.hello);
    if ((ci = config_iface_find(cfg_router(cp), ic.name)) == NULL)
        return cfg_fail(cp, name, "ospf interface: there is no interface %s", ic.name);
    r = 0;
    for (size_t i = 0; i < ci->n_addrs; i++)
        if (ci->addrs[i].addr.family == AF_INET)
            r = 1;
    if (!r)
        return cfg_fail(cp, name, "ospf interface %s: it has no IPv4 address", ic.name);
    for (size_t i = 0; i < oc->n_ifs; i++)
        if (strcmp(oc->ifs[i].name, ic.name) == 0)
            return cfg_fail(cp, name, "ospf interface %s: named twice", ic.name);
    if ((v = realloc(oc->ifs, (oc->n_ifs + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    oc->ifs = v;
    v[oc->n_ifs++] = ic;
    return 0;
}

static int parse_area(struct cfg_parser *cp, const yaml_node_t *n, struct ospf_config *oc)
{
    const yaml_node_t *ifs = NULL, *idn = NULL;
    uint32_t id = 0, *v;
    int r;

    if ((r = cfg_map(cp, n, "an ospf area")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "id") == 0 && idn == NULL)
            idn = val;
        else if (strcmp(ks, "interfaces") == 0 && ifs == NULL)
            ifs = val;
        else if (strcmp(ks, "id") == 0 || strcmp(ks, "interfaces") == 0)
            return cfg_fail(cp, k, "ospf area: %s given twice", ks);
        else
            return cfg_fail(cp, k, "ospf area: unknown key %s", ks);
    }
    if (idn == NULL)
        return cfg_fail(cp, n, "ospf area: `id` is required");
    if ((r = parse_area_id(cp, idn, &id)) != 0)
        return r;
    for (size_t i = 0; i < oc->n_areas; i++)
        if (oc->areas[i] == id)
            return cfg_fail(cp, idn, "ospf area %u.%u.%u.%u: named twice", id >> 24, id >> 16 & 255,
                            id >> 8 & 255, id & 255);
    if ((v = realloc(oc->areas, (oc->n_areas + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    oc->areas = v;
    v[oc->n_areas++] = id;
    if (ifs == NULL)
        return 0;
    if ((r = cfg_seq(cp, ifs, "interfaces")) != 0)
        return r;
    for (yaml_node_item_t *it = ifs->data.sequence.items.start; it < ifs->data.sequence.items.top;
         it++)
        if ((r = parse_iface(cp, cfg_node(cp, *it), id, oc)) != 0)
            return r;
    return 0;
}

int ospf_config_parse(struct cfg_parser *cp, const yaml_node_t *node, struct proto_config *pc)
{
    struct ospf_config *oc = (struct ospf_config *)pc;
    const yaml_node_t *areas = NULL;
    int r;

    if (node == NULL)
        return 0;
    if ((r = cfg_map(cp, node, "ospf")) != 0)
        return r;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if ((r = cfg_proto_common(cp, ks, val, pc)) < 0)
            return r;
        if (r == 1)
            continue;
        if (strcmp(ks, "areas") == 0 && areas == NULL)
            areas = val;
        else if (strcmp(ks, "areas") == 0)
            return cfg_fail(cp, k, "ospf: areas given twice");
        else
            return cfg_fail(cp, k, "ospf: unknown key %s", ks);
    }
    if (areas == NULL)
        return cfg_fail(cp, node, "ospf: `areas` is required");
    if ((r = cfg_seq(cp, areas, "areas")) != 0)
        return r;
    for (yaml_node_item_t *it = areas->data.sequence.items.start;
         it < areas->data.sequence.items.top; it++)
        if ((r = parse_area(cp, cfg_node(cp, *it), oc)) != 0)
            return r;
    if (oc->n_areas == 0)
        return cfg_fail(cp, areas, "ospf: no areas");
    return 0;
}

void ospf_config_print(const struct proto_config *pc, FILE *out, int indent)
{
    const struct ospf_config *oc = (const struct ospf_config *)pc;

    fprintf(out, "%*sareas:\n", indent, "");
    for (size_t a = 0; a < oc->n_areas; a++) {
        uint32_t id = oc->areas[a];
        bool any = false;

        fprintf(out, "%*s  - id: %u.%u.%u.%u\n", indent, "", id >> 24, id >> 16 & 255,
                id >> 8 & 255, id & 255);
        for (size_t i = 0; i < oc->n_ifs; i++) {
            const struct ospf_if_cfg *ic = &oc->ifs[i];

            if (ic->area != id)
                continue;
            if (!any)
                fprintf(out, "%*s    interfaces:\n", indent, "");
            any = true;
            fprintf(out, "%*s      - {name: ", indent, "");
            cfg_put_scalar(out, ic->name);
            fprintf(out, ", type: %s, cost: %u, hello: %u, dead: %u, retransmit: %u, priority: %u",
                    ic->type == OSPF_IF_P2P ? "ptp" : "broadcast", ic->cost, ic->hello, ic->dead,
                    ic->rxmt, ic->priority);
            if (ic->passive)
                fprintf(out, ", passive: true");
            if (ic->md5) {
                fprintf(out, ", md5: {id: %u, key: ", ic->key_id);
                cfg_put_scalar(out, ic->key);
                fprintf(out, "}");
            }
            fprintf(out, "}\n");
        }
    }
}

void ospf_config_free(struct proto_config *pc)
{
    struct ospf_config *oc = (struct ospf_config *)pc;

    free(oc->areas);
    free(oc->ifs);
}
