/*
 * kind.h - node kinds of a lab, as an ops table.
 *
 * Each kind (linux, bird, frr, openbgpd; later host and vroom-router) fills a
 * struct lab_kind with designated initializers in its own kind_<name>.c; the
 * lab core never switches on a kind. Hooks may be NULL where a kind has no
 * such thing (a plain linux node has no daemon, no CLI, no OSPF).
 */
#ifndef VROOM_LAB_KIND_H
#define VROOM_LAB_KIND_H

#include <stddef.h>
#include <stdio.h>

struct lab;
struct topo_node;

struct lab_kind {
    const char *name;
    int router;       /* forwards packets: IP forwarding on in its namespace */
    int needs_config; /* a config file is required */
    int placed;       /* lives on a host node (`host:`), in a namespace the host makes */
    int start_first;  /* started before the other kinds (hosts, which the placed need) */

    /* The node's namespace name, when it is not LAB-NODE. */
    void (*netns)(const struct lab *lab, const struct topo_node *n, char *buf, size_t len);

    /* Where the lab's end of link `link` (endpoint e) of this node is: the
     * namespace and interface name the veth is made with. NULL: LAB-NODE and
     * the interface named in the topology. */
    void (*link_end)(const struct lab *lab, const struct topo_node *n, size_t link, int e, char *ns,
                     size_t nslen, char *ifname, size_t iflen);

    /* Check the node's config with the daemon's own checker, before anything
     * is created. 0, or -EINVAL with the reason in err. */
    int (*check)(const struct topo_node *n, const char *statedir, char *err, size_t errlen);

    /* Start the node's daemons in its (already configured) namespace,
     * recording every process with lab_record_pid(). Returns once the
     * daemons answer on their control sockets, or -errno with err set. */
    int (*start)(struct lab *lab, const struct topo_node *n, char *err, size_t errlen);

    /* argv (NULL-terminated, malloc'd array of malloc'd strings) of the node's
     * own CLI with args appended; run inside the node's namespace. */
    char **(*cli_argv)(struct lab *lab, const struct topo_node *n, int argc, char **args);

    /* Count OSPF neighbours in state Full / BGP sessions Established.
     * 0 with *count set, or -errno (daemon not answering). */
    int (*ospf_full)(struct lab *lab, const struct topo_node *n, int *count);
    int (*bgp_established)(struct lab *lab, const struct topo_node *n, int *count);
};

/* The kind named name, or NULL. */
const struct lab_kind *lab_kind_find(const char *name);

/* Comma-separated list of kind names, for error messages. */
const char *lab_kind_names(void);

extern const struct lab_kind kind_linux;
extern const struct lab_kind kind_bird;
extern const struct lab_kind kind_frr;
extern const struct lab_kind kind_openbgpd;
extern const struct lab_kind kind_host;
extern const struct lab_kind kind_vrouter;

/* Control planes of a vroom-router (`control:`), which are kinds without
 * being node kinds: routerd (kind_routerd.c, the default), bird, frr. NULL
 * for another name ("none" included). */
extern const struct lab_kind kind_routerd;
const struct lab_kind *lab_control_find(const char *name);

/* kind_routerd.c: the routerd YAML config the lab writes for a vroom-router
 * without `config:`, from its addresses and routes. 0, or -EINVAL with why. */
int routerd_config_write(const struct topo_node *n, FILE *out, char *why, size_t whylen);

/* Helpers for kinds: a malloc'd NULL-terminated argv of prefix (NULL-terminated)
 * followed by the argc strings of args (which may be NULL). */
char **kind_argv(const char *const *prefix, int argc, char **args);

/* buf = the node's private directory (created) + "/" + file. 0 or -errno. */
int kind_node_file(const struct lab *lab, const struct topo_node *n, const char *file, char *buf,
                   size_t len);

/* Join args with spaces into one malloc'd string ("" if none). */
char *kind_join(int argc, char **args);

/* The path of a vroom program installed beside vroom-lab ("vroomd", "vroomctl"). */
const char *kind_vroom_bin(const char *prog, char *buf, size_t len);

/* Run argv in the node's namespace until it exits 0 or timeout_ms passes.
 * 0, or -ETIMEDOUT with the command's last output in err. */
int kind_wait_ok(struct lab *lab, const struct topo_node *n, char *const argv[], int timeout_ms,
                 char *err, size_t errlen);
#endif
