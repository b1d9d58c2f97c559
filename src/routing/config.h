/*
 * config.h - a router's YAML configuration: router-id, interfaces,
 * distances, prefix lists, and one section per protocol instance (`static:`,
 * `ospf:`, later `bgp:`) that the protocol's own config_parse hook checks
 * (proto.h). The whole file is validated before anything starts; the first
 * problem refuses it as "FILE:LINE: reason". config_print() writes the
 * canonical form, which parses back to an equal config (the golden tests in
 * tests/unit/routing/configs/ check both). The format: docs/routing.md.
 *
 * The parsing helpers below are for protocols' config_parse hooks.
 */
#ifndef VROOM_ROUTING_CONFIG_H
#define VROOM_ROUTING_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "lib/inet.h"
#include "routing/policy.h"
#include "routing/proto.h"

#define CFG_ERR_MAX    512
#define CFG_IFNAME_MAX 15

struct cfg_iface {
    char name[CFG_IFNAME_MAX + 1];
    struct inet_prefix *addrs; /* interface addresses: address + prefix length */
    size_t n_addrs;
    int line;
};

struct cfg_distance {
    char name[PROTO_NAME_MAX + 1]; /* a protocol, or a name a protocol reads (ebgp, ibgp) */
    uint8_t distance;
};

struct router_config {
    struct in_addr router_id; /* network byte order */
    bool router_id_auto;      /* taken from the highest IPv4 interface address */
    struct cfg_iface *ifaces;
    size_t n_ifaces;
    struct cfg_distance *distances;
    size_t n_distances;
    struct policy *policy;
    struct proto_config **protos; /* in class order; `always` classes always present */
    size_t n_protos;
};

/* Parse a file or a text (name: what errors call it). NULL on error with
 * err filled ("FILE:LINE: reason"). */
struct router_config *config_load(const char *path, char *err, size_t errlen);
struct router_config *config_parse_text(const char *text, size_t len, const char *name, char *err,
                                        size_t errlen);
/* config_free(NULL) does nothing. */
void config_free(struct router_config *rc);

/* The canonical form. */
void config_print(const struct router_config *rc, FILE *out);
/* The canonical form as a malloc'd string (NULL on ENOMEM). */
char *config_to_text(const struct router_config *rc);

const struct cfg_iface *config_iface_find(const struct router_config *rc, const char *name);
const struct proto_config *config_proto_find(const struct router_config *rc, const char *name);
/* A distance from `distances:` or def. */
uint8_t config_distance(const struct router_config *rc, const char *name, uint8_t def);

/* ---- Helpers for config_parse hooks ---------------------------------- */

struct cfg_parser; /* the parse in progress */

/* The config parsed so far (everything but the protocol sections). */
const struct router_config *cfg_router(const struct cfg_parser *cp);
/* Refuse the file at node `at` (NULL: no line). Returns -EINVAL. */
int cfg_fail(struct cfg_parser *cp, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cfg_line(const yaml_node_t *n);
/* A node of the document by index (pairs and items hold indexes). */
yaml_node_t *cfg_node(const struct cfg_parser *cp, int index);

/* Each checks the node's kind and value and fails with `what` named. */
int cfg_map(struct cfg_parser *cp, const yaml_node_t *n, const char *what);
int cfg_seq(struct cfg_parser *cp, const yaml_node_t *n, const char *what);
int cfg_str(struct cfg_parser *cp, const yaml_node_t *n, const char *what, const char **out);
int cfg_name(struct cfg_parser *cp, const yaml_node_t *n, const char *what, size_t max, char *out);
int cfg_uint(struct cfg_parser *cp, const yaml_node_t *n, const char *what, uint64_t min,
             uint64_t max, uint64_t *out);
int cfg_bool(struct cfg_parser *cp, const yaml_node_t *n, const char *what, bool *out);
int cfg_prefix(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
               struct inet_prefix *out);
int cfg_ifaddr(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
               struct inet_prefix *out);
int cfg_addr(struct cfg_parser *cp, const yaml_node_t *n, const char *what, int family,
             struct inet_addr *out);
/* One of choices (NULL-terminated): *out its index. */
int cfg_enum(struct cfg_parser *cp, const yaml_node_t *n, const char *what,
             const char *const *choices, int *out);
/* Keys every protocol section may hold (`redistribute`): 1 if key was one
 * and is parsed into pc, 0 if not, <0 on error. */
int cfg_proto_common(struct cfg_parser *cp, const char *key, const yaml_node_t *value,
                     struct proto_config *pc);

/* Printing: a scalar quoted when YAML needs it (it holds ':' or '#', say). */
void cfg_put_scalar(FILE *out, const char *s);

#endif
