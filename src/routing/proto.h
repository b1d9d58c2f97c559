/*
 * proto.h - how routing protocols plug into vroom-routerd's core (BIRD's
 * `struct protocol`). A protocol fills a `struct protocol` of hooks with
 * designated initializers; each instance is a struct whose first member is
 * `struct proto`, allocated by the core with `proto_size` bytes. The core
 * never switches on a protocol's type: it finds classes by name (the key of
 * their config section) and calls hooks.
 *
 * Life of an instance: config_parse (while the whole config is validated,
 * before anything starts) -> init -> start -> [reconfigure | rt_notify |
 * show | state_export]* -> stop -> cleanup. A restored instance gets
 * state_import calls between init and start. Hooks may be NULL when the
 * protocol has nothing to do there.
 *
 * Built-in classes: `connected` (routes of the interfaces' subnets,
 * proto_connected.c) and `static` (proto_static.c). OSPF and BGP join the
 * table in proto.c. Neighbours: rib.h, config.h, state.h, routerd.h.
 */
#ifndef VROOM_ROUTING_PROTO_H
#define VROOM_ROUTING_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "routing/rib.h"

struct cfg_parser;
struct router_config;
struct routerd;
struct state_buf;
struct proto;

#define PROTO_NAME_MAX 31

/* Redistribution into an instance: the best routes of `from` that `plist` permits. */
struct cfg_redist {
    char from[PROTO_NAME_MAX + 1];
    char plist[64]; /* "" : everything */
    int line;
};

/* What every protocol's config starts with (the core fills it). */
struct proto_config {
    const struct protocol *cls;
    char name[PROTO_NAME_MAX + 1]; /* instance name: the section key */
    int line;                      /* of the section */
    struct cfg_redist *redist;
    size_t n_redist;
};

/* State records of a protocol: types base..base+STATE_PROTO_TYPES-1 (state.h). */
#define STATE_PROTO_TYPES 0x100

struct protocol {
    const char *name;    /* config section key and instance name: "static", "ospf" */
    uint8_t distance;    /* default administrative distance of its routes */
    bool always;         /* instantiated even without a config section */
    uint16_t state_base; /* first of its record types; 0: it exports nothing of its own */
    size_t proto_size;   /* >= sizeof(struct proto) */
    size_t config_size;  /* >= sizeof(struct proto_config) */
    const char *const *distance_names; /* other names it reads from `distances:` (ebgp) */

    /* Parse and check the section (node: its value; NULL for an `always`
     * class without a section). The rest of the config (interfaces,
     * prefix lists) is parsed already: config_router(cp). Report errors
     * with cfg_fail(); return 0 or its result. */
    int (*config_parse)(struct cfg_parser *cp, const yaml_node_t *node, struct proto_config *pc);
    /* Print the section's body in canonical form at `indent` spaces; it must
     * parse back to an equal config. */
    void (*config_print)(const struct proto_config *pc, FILE *out, int indent);
    /* Free what config_parse allocated inside pc (not pc itself). */
    void (*config_free)(struct proto_config *pc);

    int (*init)(struct proto *p);     /* 0 or -errno */
    int (*start)(struct proto *p);    /* announce, open sockets, arm timers */
    void (*stop)(struct proto *p);    /* the core then withdraws what is left of its routes */
    void (*cleanup)(struct proto *p); /* free what init allocated */

    /* Apply a new config. Returns 0 if applied in place (the core then
     * points p->cfg at newc), 1 if the instance must be restarted, <0 on error. */
    int (*reconfigure)(struct proto *p, const struct proto_config *newc);

    /* A JSON object for proto.show (new reference). args: the call's params. */
    json_t *(*show)(struct proto *p, const json_t *args);

    /* Append its records changed after generation `since` (0: all) with state_put(). */
    int (*state_export)(struct proto *p, struct state_buf *out, uint64_t since);
    /* Take one of its records. Returns 0, or -EINVAL with why filled. */
    int (*state_import)(struct proto *p, uint16_t type, uint16_t version, const uint8_t *data,
                        size_t len, char *why, size_t whylen);
    /* The newest version it can read of each of its types (0: unknown type). */
    uint16_t (*state_version)(uint16_t type);

    /* A best route it redistributes changed (after policy: new_nh NULL means
     * withdraw). Only called for instances with redistribute entries. */
    void (*rt_notify)(struct proto *p, const struct rib_change *c);

    /* Interface ifname's link went down (up false) or came back (routerd.h:
     * routerd_iface_set): its routes go away or come back, its adjacencies
     * go down (InterfaceDown) or start again (InterfaceUp). */
    void (*if_change)(struct proto *p, const char *ifname, bool up);
};

enum proto_state {
    PROTO_DOWN = 0,
    PROTO_INIT,
    PROTO_UP,
};

struct proto {
    const struct protocol *cls;
    struct routerd *rd;
    struct rib *rib;
    const struct proto_config *cfg;
    int src; /* its RIB source */
    enum proto_state state;
    uint64_t gen; /* generation of its last own-state change */
};

/* Find a class by name among the built-in and registered ones (NULL: none). */
const struct protocol *proto_class_find(const char *name);
/* The classes in a fixed order: i from 0 until NULL. */
const struct protocol *proto_class_at(size_t i);
/* Add a class (tests, later plug-ins). Returns 0, -EEXIST, -ENOSPC. */
int proto_class_register(const struct protocol *cls);

/* Announce or withdraw one of p's routes (rib_route_update/withdraw on p->src). */
int proto_announce(struct proto *p, const struct inet_prefix *prefix, const struct rib_attrs *a);
int proto_withdraw(struct proto *p, const struct inet_prefix *prefix);

const char *proto_state_name(enum proto_state s);

extern const struct protocol proto_connected;
extern const struct protocol proto_static;

#endif
