/*
 * topo.h - lab topology files: load, validate, free.
 *
 * A topology file is YAML in the spirit of containerlab (docs/lab.md):
 * a lab name, nodes with a kind, and point-to-point links between node
 * interfaces. topo_load() checks everything that can be checked without
 * touching the system (names, kinds, addresses, routes, links, that config
 * files exist) and refuses a bad file with "FILE:LINE: reason" before
 * anything is created. Kind-specific checks (a daemon's own config check)
 * are done by the kind's ops (kind.h), still before anything is created.
 */
#ifndef VROOM_LAB_TOPO_H
#define VROOM_LAB_TOPO_H

#include <stddef.h>

#define TOPO_LAB_NAME_MAX  24 /* lab names: [A-Za-z0-9_], no '-' (it separates lab and node) */
#define TOPO_NODE_NAME_MAX 24 /* node names: [A-Za-z0-9_-] */
#define TOPO_IFNAME_MAX    15 /* Linux IFNAMSIZ - 1 */
#define TOPO_ERR_MAX       512

struct lab_kind;

struct topo_addr {
    char ifname[TOPO_IFNAME_MAX + 1];
    int family;    /* AF_INET or AF_INET6 */
    char text[64]; /* address/len as written, validated */
    int line;
};

struct topo_node {
    char name[TOPO_NODE_NAME_MAX + 1];
    const struct lab_kind *kind;
    char *config; /* absolute path of the node's config file, or NULL */
    struct topo_addr *addrs;
    size_t n_addrs;
    char **routes; /* "default via 10.0.1.1", passed to `ip route add` */
    int *route_lines;
    size_t n_routes;
    char **daemons; /* frr: daemons to start; NULL = derived from the config */
    size_t n_daemons;
    char host[TOPO_NODE_NAME_MAX + 1]; /* vroom-router: the host node it is placed on */
    const struct lab_kind *control;    /* vroom-router: the routing suite in its container */
    char underlay[64]; /* host: its underlay address (one of its addresses), "" if none */
    int line;
};

enum { TOPO_LINK_VETH = 0, TOPO_LINK_ENCAP, TOPO_LINK_SECURE, TOPO_LINK_NATIVE };

struct topo_endpoint {
    size_t node; /* index into topo.nodes */
    char ifname[TOPO_IFNAME_MAX + 1];
};

struct topo_link {
    struct topo_endpoint ep[2];
    int mtu;       /* 0 = kernel default */
    int wire;      /* TOPO_LINK_*: a veth, a wire between VRs on two underlay hosts,
                    * or a native wire between VRs on one host */
    int type_line; /* line of `type:`, 0 if not given */
    int line;
};

struct topo {
    char *file; /* absolute path of the topology file */
    char *dir;  /* its directory: relative paths are resolved against it */
    char name[TOPO_LAB_NAME_MAX + 1];
    struct topo_node *nodes;
    size_t n_nodes;
    struct topo_link *links;
    size_t n_links;
};

/*
 * Load and validate the topology file at path. On success returns 0 and sets
 * *out (free with topo_free). On failure returns -EINVAL (bad content), or
 * -errno (unreadable file), writes "FILE:LINE: reason" into err and sets *out
 * to NULL.
 */
int topo_load(const char *path, struct topo **out, char *err, size_t errlen);

/*
 * The same from a buffer: name is used in error messages and basedir to
 * resolve relative config paths. The buffer need not be NUL-terminated.
 */
int topo_load_buffer(const char *buf, size_t len, const char *name, const char *basedir,
                     struct topo **out, char *err, size_t errlen);

/* topo_free(NULL) does nothing. */
void topo_free(struct topo *t);

/* Node by name, or NULL. */
struct topo_node *topo_node_find(const struct topo *t, const char *name);

/* Is name a valid lab name? (1 or 0) */
int topo_lab_name_valid(const char *name);

/* Does node have interface ifname (in a link or as "lo")? (1 or 0) */
int topo_node_has_iface(const struct topo *t, const struct topo_node *n, const char *ifname);

#endif
