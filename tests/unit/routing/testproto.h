/*
 * testproto.h - "testp", a protocol the routing unit tests plug into the
 * core through proto.h the way OSPF and BGP do: a config section
 * (`testp: {routes: [PREFIX via ADDR...], mode: N, redistribute: [...]}`),
 * routes it announces, redistributed routes it records, one record type of
 * its own state (0x7000: its counter) and a restart when `mode` changes.
 */
#ifndef VROOM_TESTS_ROUTING_TESTPROTO_H
#define VROOM_TESTS_ROUTING_TESTPROTO_H

#include "routing/config.h"
#include "routing/proto.h"
#include "routing/routerd.h"
#include "routing/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TESTP_REC 0x7000

struct testp_config {
    struct proto_config pc;
    struct inet_prefix pfx[16];
    struct rib_nh nh[16];
    size_t n;
    uint64_t mode;
};

struct testp {
    struct proto p;
    uint32_t counter; /* its own state */
    char got[64][96]; /* redistributed prefixes it holds: "10.9.0.0/16 static" */
    int ngot;
    int starts;
};

static int testp_parse(struct cfg_parser *cp, const yaml_node_t *n, struct proto_config *pc)
{
    struct testp_config *c = (struct testp_config *)pc;
    int r;

    if ((r = cfg_map(cp, n, "testp")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *v = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if ((r = cfg_proto_common(cp, ks, v, pc)) != 0) {
            if (r < 0)
                return r;
            continue;
        }
        if (strcmp(ks, "mode") == 0) {
            if ((r = cfg_uint(cp, v, "mode", 0, 9, &c->mode)) != 0)
                return r;
        } else if (strcmp(ks, "routes") == 0) {
            if ((r = cfg_seq(cp, v, "routes")) != 0)
                return r;
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top && c->n < 16; it++) {
                yaml_node_t *e = cfg_node(cp, *it);
                const char *s;
                char buf[128], *via;
                struct inet_addr a;

                if ((r = cfg_str(cp, e, "route", &s)) != 0)
                    return r;
                snprintf(buf, sizeof(buf), "%s", s);
                if ((via = strstr(buf, " via ")) == NULL)
                    return cfg_fail(cp, e, "route: PREFIX via ADDR");
                *via = '\0';
                if (inet_prefix_parse(buf, AF_UNSPEC, &c->pfx[c->n], NULL, 0) != 0 ||
                    inet_addr_parse(via + 5, c->pfx[c->n].addr.family, &a, NULL, 0) != 0)
                    return cfg_fail(cp, e, "route: bad %s", s);
                memset(&c->nh[c->n], 0, sizeof(c->nh[0]));
                c->nh[c->n].family = (uint8_t)a.family;
                memcpy(c->nh[c->n].gw, a.u.bytes, 16);
                c->n++;
            }
        } else {
            return cfg_fail(cp, k, "testp: unknown key %s", ks);
        }
    }
    return 0;
}

static void testp_print(const struct proto_config *pc, FILE *out, int indent)
{
    const struct testp_config *c = (const struct testp_config *)pc;

    fprintf(out, "%*smode: %u\n", indent, "", (unsigned)c->mode);
    if (c->n == 0)
        return;
    fprintf(out, "%*sroutes:\n", indent, "");
    for (size_t i = 0; i < c->n; i++) {
        char p[INET_PREFIX_STRLEN], a[INET_ADDR_STRLEN];

        fprintf(out, "%*s  - \"%s via %s\"\n", indent, "",
                inet_prefix_format(&c->pfx[i], p, sizeof(p)),
                inet_ntop(c->nh[i].family, c->nh[i].gw, a, sizeof(a)));
    }
}

static int testp_start(struct proto *p)
{
    const struct testp_config *c = (const struct testp_config *)p->cfg;

    ((struct testp *)p)->starts++;
    for (size_t i = 0; i < c->n; i++) {
        struct rib_attrs a = {-1, 7, &c->nh[i], 1};

        proto_announce(p, &c->pfx[i], &a);
    }
    return 0;
}

static int testp_reconfigure(struct proto *p, const struct proto_config *newc)
{
    const struct testp_config *o = (const struct testp_config *)p->cfg;
    const struct testp_config *c = (const struct testp_config *)newc;

    if (o->mode != c->mode)
        return 1;
    for (size_t i = 0; i < o->n; i++)
        proto_withdraw(p, &o->pfx[i]);
    for (size_t i = 0; i < c->n; i++) {
        struct rib_attrs a = {-1, 7, &c->nh[i], 1};

        proto_announce(p, &c->pfx[i], &a);
    }
    return 0;
}

static void testp_notify(struct proto *p, const struct rib_change *ch)
{
    struct testp *t = (struct testp *)p;
    char pfx[INET_PREFIX_STRLEN], entry[96];
    int at = -1;

    inet_prefix_format(ch->prefix, pfx, sizeof(pfx));
    for (int i = 0; i < t->ngot; i++)
        if (strncmp(t->got[i], pfx, strlen(pfx)) == 0 && t->got[i][strlen(pfx)] == ' ')
            at = i;
    if (ch->new_nh == NULL) {
        if (at >= 0)
            memmove(t->got[at], t->got[at + 1], (size_t)(t->ngot-- - at - 1) * sizeof(t->got[0]));
        return;
    }
    snprintf(entry, sizeof(entry), "%s %s", pfx, rib_source_name(p->rib, ch->src));
    if (at < 0 && t->ngot < 64)
        at = t->ngot++;
    if (at >= 0)
        snprintf(t->got[at], sizeof(t->got[0]), "%s", entry);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static json_t *testp_show(struct proto *p, const json_t *args)
{
    struct testp *t = (struct testp *)p;
    json_t *got = json_array();

    (void)args;
    qsort(t->got, (size_t)t->ngot, sizeof(t->got[0]), cmp_str);
    for (int i = 0; i < t->ngot; i++)
        json_array_append_new(got, json_string(t->got[i]));
    return json_pack("{s:i,s:o}", "counter", t->counter, "redistributed", got);
}

static int testp_export(struct proto *p, struct state_buf *out, uint64_t since)
{
    struct testp *t = (struct testp *)p;
    uint32_t v = htonl(t->counter);

    if (p->gen <= since)
        return 0;
    return state_put(out, TESTP_REC, 1, p->gen, &v, 4);
}

static int testp_import(struct proto *p, uint16_t type, uint16_t version, const uint8_t *data,
                        size_t len, char *why, size_t whylen)
{
    uint32_t v;

    (void)version;
    if (type != TESTP_REC || len != 4) {
        snprintf(why, whylen, "testp: bad record");
        return -EINVAL;
    }
    memcpy(&v, data, 4);
    ((struct testp *)p)->counter = ntohl(v);
    return 0;
}

static uint16_t testp_version(uint16_t type)
{
    return type == TESTP_REC ? 1 : 0;
}

/* Bump the counter: a change of its own state. */
static inline void testp_bump(struct routerd *rd)
{
    struct proto *p = routerd_proto_find(rd, "testp");

    ((struct testp *)p)->counter++;
    p->gen = ++*routerd_clock(rd);
}

static const struct protocol proto_testp = {
    .name = "testp",
    .distance = 150,
    .state_base = TESTP_REC,
    .proto_size = sizeof(struct testp),
    .config_size = sizeof(struct testp_config),
    .config_parse = testp_parse,
    .config_print = testp_print,
    .start = testp_start,
    .reconfigure = testp_reconfigure,
    .show = testp_show,
    .state_export = testp_export,
    .state_import = testp_import,
    .state_version = testp_version,
    .rt_notify = testp_notify,
};

#endif
