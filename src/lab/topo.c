/*
 * topo.c - load and validate lab topology files (YAML, via libyaml).
 *
 * The whole document is loaded with libyaml's document API, then walked
 * once: every mapping key must be known (a typo is an error, not a silent
 * default), every value is checked, and every error names the file and
 * the line of the offending node. Nothing here touches the system except
 * checking that config files exist and are readable. See topo.h; the
 * format is documented in docs/lab.md.
 */
#include "lab/topo.h"
#include "lab/kind.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml.h>

struct loader {
    yaml_document_t doc;
    const char *name; /* file name for errors */
    const char *basedir;
    struct topo *t;
    char *err;
    size_t errlen;
};

static int vfail(struct loader *ld, size_t line, const char *fmt, va_list ap)
{
    char reason[TOPO_ERR_MAX];

    vsnprintf(reason, sizeof(reason), fmt, ap);
    if (line > 0)
        snprintf(ld->err, ld->errlen, "%s:%zu: %s", ld->name, line, reason);
    else
        snprintf(ld->err, ld->errlen, "%s: %s", ld->name, reason);
    return -EINVAL;
}

/* Refuse the file: "FILE:LINE: reason", the line of node at (none if NULL). */
static int fail(struct loader *ld, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *ld, const yaml_node_t *at, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(ld, at != NULL ? at->start_mark.line + 1 : 0, fmt, ap);
    va_end(ap);
    return rc;
}

static int fail_line(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_line(struct loader *ld, int line, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(ld, (size_t)line, fmt, ap);
    va_end(ap);
    return rc;
}

static int node_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int expect_scalar(struct loader *ld, const yaml_node_t *n, const char *what,
                         const char **out)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return fail(ld, n, "%s must be a single value", what);
    if (strlen(scalar(n)) != n->data.scalar.length)
        return fail(ld, n, "%s contains a NUL byte", what);
    *out = scalar(n);
    return 0;
}

static int name_valid(const char *s, size_t max, const char *extra)
{
    size_t len = strlen(s);

    if (len == 0 || len > max)
        return 0;
    for (const char *p = s; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && strchr(extra, *p) == NULL)
            return 0;
    return 1;
}

int topo_lab_name_valid(const char *name)
{
    return name_valid(name, TOPO_LAB_NAME_MAX, "");
}

static int ifname_valid(const char *s)
{
    /* What the kernel allows, minus what would confuse a shell or `ip`. */
    return name_valid(s, TOPO_IFNAME_MAX, "-.") && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* "10.0.1.2/24" or "2001:db8::1/64": family, or 0 if malformed. */
static int addr_parse(const char *s)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    unsigned char bin[16];
    char *end;
    long len;
    int family;

    if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
        return 0;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (inet_pton(AF_INET, buf, bin) == 1)
        family = AF_INET;
    else if (inet_pton(AF_INET6, buf, bin) == 1)
        family = AF_INET6;
    else
        return 0;
    if (!isdigit((unsigned char)slash[1]))
        return 0;
    errno = 0;
    len = strtol(slash + 1, &end, 10);
    if (errno != 0 || *end != '\0' || len < 0 || len > (family == AF_INET ? 32 : 128))
        return 0;
    return family;
}

/* A prefix or address with optional length; "default" is fine too. */
static int dest_valid(const char *s)
{
    char buf[64];
    unsigned char bin[16];

    if (strcmp(s, "default") == 0)
        return 1;
    if (strchr(s, '/') != NULL)
        return addr_parse(s) != 0;
    if (strlen(s) >= sizeof(buf))
        return 0;
    return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
}

/*
 * Routes go to `ip route add` word by word. Check the destination here so a
 * typo is reported with its line; anything `ip` itself refuses later makes
 * `up` roll back everything it created.
 */
static int route_check(struct loader *ld, const yaml_node_t *at, const char *r)
{
    static const char *const types[] = {"unicast",  "blackhole", "unreachable",
                                        "prohibit", "throw",     NULL};
    char buf[256];
    char *tok, *save = NULL;

    if (strlen(r) >= sizeof(buf))
        return fail(ld, at, "route is too long (%zu characters)", strlen(r));
    for (const char *p = r; *p != '\0'; p++)
        if (!isprint((unsigned char)*p))
            return fail(ld, at, "route contains a control character");
    strcpy(buf, r);
    tok = strtok_r(buf, " \t", &save);
    if (tok == NULL)
        return fail(ld, at, "route is empty");
    for (int i = 0; types[i] != NULL; i++) {
        if (strcmp(tok, types[i]) == 0) {
            tok = strtok_r(NULL, " \t", &save);
            break;
        }
    }
    if (tok == NULL || !dest_valid(tok))
        return fail(ld, at, "route '%s': '%s' is not a destination (a prefix or 'default')", r,
                    tok != NULL ? tok : "");
    return 0;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    if (d == NULL)
        abort(); /* out of memory in a CLI tool: nothing sensible to do */
    return d;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);

    if (p == NULL)
        abort();
    return p;
}

static int load_addresses(struct loader *ld, struct topo_node *tn, yaml_node_t *m)
{
    size_t total = 0;

    if (m->type != YAML_MAPPING_NODE)
        return fail(ld, m, "addresses of %s must map interface names to addresses", tn->name);
    /* Count first: one interface may carry a list of addresses. */
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *v = yaml_document_get_node(&ld->doc, p->value);

        total += v->type == YAML_SEQUENCE_NODE
                     ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
                     : 1;
    }
    tn->addrs = xcalloc(total, sizeof(*tn->addrs));
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&ld->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&ld->doc, p->value);
        yaml_node_item_t *it, *end;
        const char *ifname;
        int rc;

        if ((rc = expect_scalar(ld, k, "an interface name", &ifname)) != 0)
            return rc;
        if (!ifname_valid(ifname))
            return fail(ld, k, "'%s' is not a valid interface name (1-%d of A-Z a-z 0-9 _ - .)",
                        ifname, TOPO_IFNAME_MAX);
        if (v->type == YAML_SEQUENCE_NODE) {
            it = v->data.sequence.items.start;
            end = v->data.sequence.items.top;
        } else {
            it = &p->value;
            end = it + 1;
        }
        for (; it < end; it++) {
            yaml_node_t *a = yaml_document_get_node(&ld->doc, *it);
            struct topo_addr *ta = &tn->addrs[tn->n_addrs];
            const char *text;

            if ((rc = expect_scalar(ld, a, "an address", &text)) != 0)
                return rc;
            ta->family = addr_parse(text);
            if (ta->family == 0 || strlen(text) >= sizeof(ta->text))
                return fail(ld, a,
                            "'%s' is not an address with a prefix length (10.0.1.2/24, "
                            "2001:db8::2/64)",
                            text);
            for (size_t j = 0; j < tn->n_addrs; j++)
                if (strcmp(tn->addrs[j].text, text) == 0)
                    return fail(ld, a, "address %s of %s is given twice", text, tn->name);
            strcpy(ta->ifname, ifname);
            strcpy(ta->text, text);
            ta->line = node_line(a);
            tn->n_addrs++;
        }
    }
    return 0;
}

static int load_string_list(struct loader *ld, yaml_node_t *s, const char *what, char ***out,
                            int **lines, size_t *n)
{
    size_t count;

    if (s->type != YAML_SEQUENCE_NODE)
        return fail(ld, s, "%s must be a list", what);
    count = (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
    *out = xcalloc(count, sizeof(char *));
    if (lines != NULL)
        *lines = xcalloc(count, sizeof(int));
    for (yaml_node_item_t *it = s->data.sequence.items.start; it < s->data.sequence.items.top;
         it++) {
        yaml_node_t *v = yaml_document_get_node(&ld->doc, *it);
        const char *text;
        int rc;

        if ((rc = expect_scalar(ld, v, what, &text)) != 0)
            return rc;
        (*out)[*n] = xstrdup(text);
        if (lines != NULL)
            (*lines)[*n] = node_line(v);
        (*n)++;
    }
    return 0;
}

static int load_config_path(struct loader *ld, struct topo_node *tn, yaml_node_t *v)
{
    char path[PATH_MAX];
    const char *rel;
    int rc;

    if ((rc = expect_scalar(ld, v, "config", &rel)) != 0)
        return rc;
    if (rel[0] == '/')
        rc = snprintf(path, sizeof(path), "%s", rel);
    else
        rc = snprintf(path, sizeof(path), "%s/%s", ld->basedir, rel);
    if (rc < 0 || (size_t)rc >= sizeof(path))
        return fail(ld, v, "config path is too long");
    if (access(path, R_OK) != 0)
        return fail(ld, v, "config file %s of %s: %s", path, tn->name, strerror(errno));
    tn->config = xstrdup(path);
    return 0;
}

static int load_node(struct loader *ld, yaml_node_t *k, yaml_node_t *v, struct topo_node *tn)
{
    yaml_node_t *kind_node = NULL, *control_node = NULL, *underlay_node = NULL;
    yaml_node_t *routes_node = NULL;
    const char *name;
    int rc;

    if ((rc = expect_scalar(ld, k, "a node name", &name)) != 0)
        return rc;
    if (!name_valid(name, TOPO_NODE_NAME_MAX, "-"))
        return fail(ld, k, "'%s' is not a valid node name (1-%d of A-Z a-z 0-9 _ -)", name,
                    TOPO_NODE_NAME_MAX);
    for (size_t i = 0; i < ld->t->n_nodes; i++)
        if (strcmp(ld->t->nodes[i].name, name) == 0)
            return fail(ld, k, "node %s is defined twice", name);
    strcpy(tn->name, name);
    tn->line = node_line(k);
    if (v->type != YAML_MAPPING_NODE)
        return fail(ld, v, "node %s must be a mapping with at least a kind", name);

    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *pk = yaml_document_get_node(&ld->doc, p->key);
        yaml_node_t *pv = yaml_document_get_node(&ld->doc, p->value);
        const char *key, *text;

        if ((rc = expect_scalar(ld, pk, "a key", &key)) != 0)
            return rc;
        if (strcmp(key, "kind") == 0) {
            if ((rc = expect_scalar(ld, pv, "kind", &text)) != 0)
                return rc;
            tn->kind = lab_kind_find(text);
            if (tn->kind == NULL)
                return fail(ld, pv, "node %s: unknown kind '%s' (known: %s)", name, text,
                            lab_kind_names());
            kind_node = pv;
        } else if (strcmp(key, "config") == 0) {
            if ((rc = load_config_path(ld, tn, pv)) != 0)
                return rc;
        } else if (strcmp(key, "addresses") == 0) {
            if ((rc = load_addresses(ld, tn, pv)) != 0)
                return rc;
        } else if (strcmp(key, "routes") == 0) {
            routes_node = pv;
            if ((rc = load_string_list(ld, pv, "routes", &tn->routes, &tn->route_lines,
                                       &tn->n_routes)) != 0)
                return rc;
            for (size_t i = 0; i < tn->n_routes; i++) {
                yaml_node_t *item =
                    yaml_document_get_node(&ld->doc, pv->data.sequence.items.start[i]);
                if ((rc = route_check(ld, item, tn->routes[i])) != 0)
                    return rc;
            }
        } else if (strcmp(key, "daemons") == 0) {
            if ((rc = load_string_list(ld, pv, "daemons", &tn->daemons, NULL, &tn->n_daemons)) != 0)
                return rc;
        } else if (strcmp(key, "host") == 0) {
            if ((rc = expect_scalar(ld, pv, "host", &text)) != 0)
                return rc;
            if (!name_valid(text, TOPO_NODE_NAME_MAX, "-"))
                return fail(ld, pv, "host '%s' is not a valid node name", text);
            strcpy(tn->host, text);
        } else if (strcmp(key, "underlay") == 0) {
            struct in_addr ua;
            char abuf[64], *slash;

            if ((rc = expect_scalar(ld, pv, "underlay", &text)) != 0)
                return rc;
            snprintf(abuf, sizeof(abuf), "%s", text);
            slash = strchr(abuf, '/');
            if (slash != NULL)
                *slash = '\0';
            if (strlen(text) >= sizeof(abuf) || inet_pton(AF_INET, abuf, &ua) != 1)
                return fail(ld, pv, "node %s: underlay '%s' is not an IPv4 address[/len]", name,
                            text);
            strcpy(tn->underlay, abuf);
            underlay_node = pv;
        } else if (strcmp(key, "control") == 0) {
            if ((rc = expect_scalar(ld, pv, "control", &text)) != 0)
                return rc;
            tn->control = lab_control_find(text);
            if (tn->control == NULL && strcmp(text, "none") != 0)
                return fail(ld, pv, "node %s: control '%s' is not routerd, bird, frr or none",
                            name, text);
            control_node = pv;
        } else {
            return fail(ld, pk,
                        "node %s: unknown key '%s' (known: kind, config, addresses, "
                        "routes, daemons, host, control, underlay)",
                        name, key);
        }
    }
    if (tn->kind == NULL)
        return fail(ld, k, "node %s has no kind (known: %s)", name, lab_kind_names());
    if (tn->kind->needs_config && tn->config == NULL)
        return fail(ld, kind_node, "node %s of kind %s needs a config file", name, tn->kind->name);
    if (tn->n_daemons > 0 && tn->kind != &kind_frr && tn->control != &kind_frr)
        return fail(ld, k, "node %s: daemons is only for kind frr (or control frr)", name);
    if (tn->host[0] != '\0' && !tn->kind->placed)
        return fail(ld, k, "node %s: host is only for kind vroom-router", name);
    if (underlay_node != NULL && tn->kind != &kind_host)
        return fail(ld, underlay_node, "node %s: underlay is only for kind host", name);
    if (underlay_node != NULL) {
        int found = 0;

        for (size_t i = 0; i < tn->n_addrs; i++)
            if (strncmp(tn->addrs[i].text, tn->underlay, strlen(tn->underlay)) == 0 &&
                tn->addrs[i].text[strlen(tn->underlay)] == '/')
                found = 1;
        if (!found)
            return fail(ld, underlay_node,
                        "node %s: underlay %s is none of its addresses (give it one on a link "
                        "to the underlay)",
                        name, tn->underlay);
    }
    if (control_node != NULL && !tn->kind->placed)
        return fail(ld, control_node, "node %s: control is only for kind vroom-router", name);
    if (tn->kind->placed && tn->host[0] == '\0')
        return fail(ld, k, "node %s of kind %s needs a host (the host node it runs on)", name,
                    tn->kind->name);
    /* a vroom-router's control plane: vroom-routerd unless it says otherwise */
    if (tn->kind->placed && control_node == NULL)
        tn->control = &kind_routerd;
    if (tn->control != NULL && tn->control != &kind_routerd && tn->config == NULL)
        return fail(ld, control_node, "node %s: control %s needs a config file", name,
                    tn->control->name);
    if (tn->kind->placed && tn->control == NULL && tn->config != NULL)
        return fail(ld, control_node,
                    "node %s: config is for its control plane, and control is none", name);
    if (tn->control == &kind_routerd && tn->config != NULL && tn->n_routes > 0)
        return fail(ld, routes_node,
                    "node %s: routes go in its routerd config %s (static:), not in the topology",
                    name, tn->config);
    return 0;
}

static int load_endpoint(struct loader *ld, yaml_node_t *v, struct topo_endpoint *ep)
{
    const char *text, *colon;
    char node[TOPO_NODE_NAME_MAX + 1];
    struct topo_node *tn;
    int rc;

    if ((rc = expect_scalar(ld, v, "an endpoint", &text)) != 0)
        return rc;
    colon = strchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) > TOPO_NODE_NAME_MAX)
        return fail(ld, v, "endpoint '%s' is not NODE:INTERFACE", text);
    memcpy(node, text, (size_t)(colon - text));
    node[colon - text] = '\0';
    tn = topo_node_find(ld->t, node);
    if (tn == NULL)
        return fail(ld, v, "endpoint '%s': there is no node %s", text, node);
    if (!ifname_valid(colon + 1))
        return fail(ld, v, "endpoint '%s': '%s' is not a valid interface name", text, colon + 1);
    if (strcmp(colon + 1, "lo") == 0)
        return fail(ld, v, "endpoint '%s': lo cannot be linked", text);
    ep->node = (size_t)(tn - ld->t->nodes);
    strcpy(ep->ifname, colon + 1);
    for (size_t i = 0; i < ld->t->n_links; i++)
        for (int e = 0; e < 2; e++)
            if (ld->t->links[i].ep[e].node == ep->node &&
                strcmp(ld->t->links[i].ep[e].ifname, ep->ifname) == 0)
                return fail(ld, v, "interface %s is used twice (also by the link on line %d)", text,
                            ld->t->links[i].line);
    return 0;
}

static int load_link(struct loader *ld, yaml_node_t *v, struct topo_link *tl)
{
    int have_endpoints = 0;
    int rc;

    tl->line = node_line(v);
    if (v->type != YAML_MAPPING_NODE)
        return fail(ld, v, "a link must be a mapping with endpoints: [A:IF, B:IF]");
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *pk = yaml_document_get_node(&ld->doc, p->key);
        yaml_node_t *pv = yaml_document_get_node(&ld->doc, p->value);
        const char *key, *text;

        if ((rc = expect_scalar(ld, pk, "a key", &key)) != 0)
            return rc;
        if (strcmp(key, "endpoints") == 0) {
            yaml_node_item_t *items = pv->data.sequence.items.start;

            if (pv->type != YAML_SEQUENCE_NODE || pv->data.sequence.items.top - items != 2)
                return fail(ld, pv, "endpoints must be a list of exactly two NODE:INTERFACE");
            if ((rc = load_endpoint(ld, yaml_document_get_node(&ld->doc, items[0]), &tl->ep[0])) !=
                0)
                return rc;
            if ((rc = load_endpoint(ld, yaml_document_get_node(&ld->doc, items[1]), &tl->ep[1])) !=
                0)
                return rc;
            if (tl->ep[0].node == tl->ep[1].node && strcmp(tl->ep[0].ifname, tl->ep[1].ifname) == 0)
                return fail(ld, pv, "a link cannot join an interface to itself");
            have_endpoints = 1;
        } else if (strcmp(key, "mtu") == 0) {
            char *end;
            long mtu;

            if ((rc = expect_scalar(ld, pv, "mtu", &text)) != 0)
                return rc;
            errno = 0;
            mtu = strtol(text, &end, 10);
            if (errno != 0 || *end != '\0' || end == text || mtu < 68 || mtu > 65535)
                return fail(ld, pv, "mtu '%s' is not a number from 68 to 65535", text);
            tl->mtu = (int)mtu;
        } else if (strcmp(key, "type") == 0) {
            if ((rc = expect_scalar(ld, pv, "type", &text)) != 0)
                return rc;
            if (strcmp(text, "encap") == 0)
                tl->wire = TOPO_LINK_ENCAP;
            else if (strcmp(text, "secure") == 0)
                tl->wire = TOPO_LINK_SECURE;
            else if (strcmp(text, "native") == 0)
                tl->wire = TOPO_LINK_NATIVE;
            else
                return fail(ld, pv, "link type '%s' is not encap, secure or native", text);
            tl->type_line = node_line(pv);
        } else {
            return fail(ld, pk, "link: unknown key '%s' (known: endpoints, mtu, type)", key);
        }
    }
    if (!have_endpoints)
        return fail(ld, v, "link has no endpoints");
    return 0;
}

int topo_node_has_iface(const struct topo *t, const struct topo_node *n, const char *ifname)
{
    size_t idx = (size_t)(n - t->nodes);

    if (strcmp(ifname, "lo") == 0)
        return 1;
    for (size_t i = 0; i < t->n_links; i++)
        for (int e = 0; e < 2; e++)
            if (t->links[i].ep[e].node == idx && strcmp(t->links[i].ep[e].ifname, ifname) == 0)
                return 1;
    return 0;
}

static int load_root(struct loader *ld)
{
    yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
    yaml_node_t *nodes = NULL, *links = NULL, *name = NULL;
    int rc;

    if (root == NULL)
        return fail(ld, NULL, "empty topology");
    if (root->type != YAML_MAPPING_NODE)
        return fail(ld, root, "a topology is a mapping with name, nodes and links");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&ld->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&ld->doc, p->value);
        const char *key;

        if ((rc = expect_scalar(ld, k, "a key", &key)) != 0)
            return rc;
        if (strcmp(key, "name") == 0)
            name = v;
        else if (strcmp(key, "nodes") == 0)
            nodes = v;
        else if (strcmp(key, "links") == 0)
            links = v;
        else
            return fail(ld, k, "unknown key '%s' (known: name, nodes, links)", key);
    }

    if (name == NULL)
        return fail(ld, root, "the topology has no name");
    {
        const char *text;

        if ((rc = expect_scalar(ld, name, "name", &text)) != 0)
            return rc;
        if (!topo_lab_name_valid(text))
            return fail(ld, name, "'%s' is not a valid lab name (1-%d of A-Z a-z 0-9 _)", text,
                        TOPO_LAB_NAME_MAX);
        strcpy(ld->t->name, text);
    }

    if (nodes == NULL || nodes->type != YAML_MAPPING_NODE ||
        nodes->data.mapping.pairs.top == nodes->data.mapping.pairs.start)
        return fail(ld, nodes != NULL ? nodes : root, "nodes must be a non-empty mapping");
    ld->t->nodes =
        xcalloc((size_t)(nodes->data.mapping.pairs.top - nodes->data.mapping.pairs.start),
                sizeof(struct topo_node));
    for (yaml_node_pair_t *p = nodes->data.mapping.pairs.start; p < nodes->data.mapping.pairs.top;
         p++) {
        rc = load_node(ld, yaml_document_get_node(&ld->doc, p->key),
                       yaml_document_get_node(&ld->doc, p->value), &ld->t->nodes[ld->t->n_nodes]);
        ld->t->n_nodes++; /* counted even on failure, so topo_free frees its parts */
        if (rc != 0)
            return rc;
    }

    if (links != NULL) {
        if (links->type != YAML_SEQUENCE_NODE)
            return fail(ld, links, "links must be a list");
        ld->t->links =
            xcalloc((size_t)(links->data.sequence.items.top - links->data.sequence.items.start),
                    sizeof(struct topo_link));
        for (yaml_node_item_t *it = links->data.sequence.items.start;
             it < links->data.sequence.items.top; it++) {
            struct topo_link *tl = &ld->t->links[ld->t->n_links];

            if ((rc = load_link(ld, yaml_document_get_node(&ld->doc, *it), tl)) != 0)
                return rc;
            ld->t->n_links++;
        }
    }

    /* A placed node's host must be a host node. */
    for (size_t i = 0; i < ld->t->n_nodes; i++) {
        struct topo_node *tn = &ld->t->nodes[i], *h;

        if (!tn->kind->placed)
            continue;
        h = topo_node_find(ld->t, tn->host);
        if (h == NULL)
            return fail_line(ld, tn->line, "node %s: there is no host node %s", tn->name, tn->host);
        if (h->kind != &kind_host)
            return fail_line(ld, tn->line, "node %s: %s is a %s node, not a host", tn->name,
                             tn->host, h->kind->name);
    }

    /* A link between VRs on two hosts with underlays is a wire (encap by
     * default; `type: encap|secure`); a link between VRs on one host is a
     * veth unless `type: native` makes it a wire inside vroomd. */
    for (size_t i = 0; i < ld->t->n_links; i++) {
        struct topo_link *tl = &ld->t->links[i];
        const struct topo_node *a = &ld->t->nodes[tl->ep[0].node],
                               *b = &ld->t->nodes[tl->ep[1].node];
        const struct topo_node *ha = a->kind->placed ? topo_node_find(ld->t, a->host) : NULL;
        const struct topo_node *hb = b->kind->placed ? topo_node_find(ld->t, b->host) : NULL;
        int is_wire = ha != NULL && hb != NULL && ha != hb && ha->underlay[0] != '\0' &&
                      hb->underlay[0] != '\0';

        if (tl->wire == TOPO_LINK_NATIVE) {
            if (ha == NULL || ha != hb)
                return fail_line(ld, tl->type_line,
                                 "link type native is only for links between vroom-routers on "
                                 "one host");
            continue;
        }
        if (tl->wire != TOPO_LINK_VETH && !is_wire)
            return fail_line(ld, tl->type_line,
                             "link type encap or secure is only for links between vroom-routers "
                             "on two hosts that have an underlay");
        if (is_wire && tl->wire == TOPO_LINK_VETH)
            tl->wire = TOPO_LINK_ENCAP;
    }

    /* Addresses only on interfaces that exist: a typo'd ifname is an error. */
    for (size_t i = 0; i < ld->t->n_nodes; i++) {
        struct topo_node *tn = &ld->t->nodes[i];

        for (size_t j = 0; j < tn->n_addrs; j++)
            if (!topo_node_has_iface(ld->t, tn, tn->addrs[j].ifname))
                return fail_line(ld, tn->addrs[j].line,
                                 "node %s has no interface %s (it is in no link)", tn->name,
                                 tn->addrs[j].ifname);
    }
    return 0;
}

int topo_load_buffer(const char *buf, size_t len, const char *name, const char *basedir,
                     struct topo **out, char *err, size_t errlen)
{
    struct loader ld = {.name = name, .basedir = basedir, .err = err, .errlen = errlen};
    yaml_parser_t parser;
    int rc;

    *out = NULL;
    ld.t = xcalloc(1, sizeof(*ld.t));
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &ld.doc)) {
        snprintf(err, errlen, "%s:%zu: YAML: %s%s%s", name, parser.problem_mark.line + 1,
                 parser.problem != NULL ? parser.problem : "syntax error",
                 parser.context != NULL ? " " : "", parser.context != NULL ? parser.context : "");
        yaml_parser_delete(&parser);
        topo_free(ld.t);
        return -EINVAL;
    }
    rc = load_root(&ld);
    yaml_document_delete(&ld.doc);
    yaml_parser_delete(&parser);
    if (rc != 0) {
        topo_free(ld.t);
        return rc;
    }
    ld.t->dir = xstrdup(basedir);
    ld.t->file = xstrdup(name);
    *out = ld.t;
    return 0;
}

int topo_load(const char *path, struct topo **out, char *err, size_t errlen)
{
    char abspath[PATH_MAX], dir[PATH_MAX];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    FILE *f;
    int rc;

    *out = NULL;
    if (realpath(path, abspath) == NULL || (f = fopen(abspath, "r")) == NULL) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return rc;
    }
    for (;;) {
        size_t n;

        if (cap - len < 4096) {
            cap = cap * 2 + 4096;
            if (cap > (16u << 20)) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: larger than 16 MiB", path);
                return -EFBIG;
            }
            buf = realloc(buf, cap);
            if (buf == NULL)
                abort();
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    strcpy(dir, abspath);
    *strrchr(dir, '/') = '\0';
    if (dir[0] == '\0')
        strcpy(dir, "/");
    rc = topo_load_buffer(buf, len, abspath, dir, out, err, errlen);
    free(buf);
    return rc;
}

struct topo_node *topo_node_find(const struct topo *t, const char *name)
{
    for (size_t i = 0; i < t->n_nodes; i++)
        if (strcmp(t->nodes[i].name, name) == 0)
            return &t->nodes[i];
    return NULL;
}

void topo_free(struct topo *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_nodes; i++) {
        struct topo_node *tn = &t->nodes[i];

        free(tn->config);
        free(tn->addrs);
        for (size_t j = 0; j < tn->n_routes; j++)
            free(tn->routes[j]);
        free(tn->routes);
        free(tn->route_lines);
        for (size_t j = 0; j < tn->n_daemons; j++)
            free(tn->daemons[j]);
        free(tn->daemons);
    }
    free(t->nodes);
    free(t->links);
    free(t->file);
    free(t->dir);
    free(t);
}
