/*
 * kind_frr.c - FRR 8 as a lab node. zebra and the daemons the config needs
 * (ospfd for "router ospf", bgpd for "router bgp", staticd for "ip route",
 * ...; or the node's explicit `daemons:` list) run in the foreground in the
 * node's namespace with their vty sockets in the node's own directory
 * (--vty_socket), so nothing of a lab lands in /etc/frr or /var/run/frr and
 * two labs never share a socket. The config is then applied with
 * `vtysh -f`; vtysh on the node's socket directory is its CLI.
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FRR_SBIN "/usr/lib/frr"

static const struct {
    const char *daemon;
    const char *config_prefix; /* a config line starting with this needs the daemon */
} frr_daemons[] = {
    {"ospfd", "router ospf"}, /* also matches "router ospf6": checked below */
    {"ospf6d", "router ospf6"}, {"bgpd", "router bgp"},   {"ripd", "router rip"},
    {"ripngd", "router ripng"}, {"isisd", "router isis"}, {"staticd", "ip route"},
    {"staticd", "ipv6 route"},  {"bfdd", "bfd"},
};

static int frr_daemon_known(const char *d)
{
    for (size_t i = 0; i < sizeof(frr_daemons) / sizeof(frr_daemons[0]); i++)
        if (strcmp(frr_daemons[i].daemon, d) == 0)
            return 1;
    return 0;
}

/* Which daemons the config needs, as a bit per frr_daemons[] entry (by daemon name). */
static int frr_needed(const struct topo_node *n, int need[], char *err, size_t errlen)
{
    const size_t nd = sizeof(frr_daemons) / sizeof(frr_daemons[0]);
    char line[1024];
    FILE *f;

    memset(need, 0, nd * sizeof(int));
    if (n->n_daemons > 0) {
        for (size_t j = 0; j < n->n_daemons; j++) {
            if (!frr_daemon_known(n->daemons[j])) {
                snprintf(err, errlen, "node %s: unknown FRR daemon '%s'", n->name, n->daemons[j]);
                return -EINVAL;
            }
            for (size_t i = 0; i < nd; i++)
                if (strcmp(frr_daemons[i].daemon, n->daemons[j]) == 0)
                    need[i] = 1;
        }
        return 0;
    }
    f = fopen(n->config, "r");
    if (f == NULL) {
        snprintf(err, errlen, "node %s: %s: %s", n->name, n->config, strerror(errno));
        return -errno;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        for (size_t i = 0; i < nd; i++) {
            size_t len = strlen(frr_daemons[i].config_prefix);

            if (strncmp(line, frr_daemons[i].config_prefix, len) != 0)
                continue;
            /* the whole word: "router ospf" must not match "router ospf6" */
            if (line[len] != ' ' && line[len] != '\n' && line[len] != '\r' && line[len] != '\0')
                continue;
            need[i] = 1;
        }
    }
    fclose(f);
    return 0;
}

static int frr_check(const struct topo_node *n, const char *statedir, char *err, size_t errlen)
{
    int need[sizeof(frr_daemons) / sizeof(frr_daemons[0])];

    (void)statedir;
    if (access(FRR_SBIN "/zebra", X_OK) != 0) {
        snprintf(err, errlen, "node %s: FRR is not installed (%s/zebra)", n->name, FRR_SBIN);
        return -ENOENT;
    }
    return frr_needed(n, need, err, errlen);
}

/* The node's FRR socket directory, owned by user frr (the daemons drop to it). */
static int frr_dir(const struct lab *lab, const struct topo_node *n, char *dir, size_t len)
{
    struct passwd *pw;
    int rc = kind_node_file(lab, n, "frr", dir, len);

    if (rc != 0)
        return rc;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return -errno;
    pw = getpwnam("frr");
    if (pw != NULL && chown(dir, pw->pw_uid, pw->pw_gid) != 0)
        return -errno;
    return 0;
}

struct sock_wait {
    char path[PATH_MAX];
};

static int sock_exists(struct lab *lab, const struct topo_node *n, void *arg)
{
    struct sock_wait *w = arg;

    (void)lab;
    (void)n;
    return access(w->path, F_OK) == 0 ? 0 : -EAGAIN;
}

static int frr_spawn(struct lab *lab, const struct topo_node *n, const char *dir,
                     const char *daemon, char *err, size_t errlen)
{
    char bin[PATH_MAX], zserv[PATH_MAX + 16], pidf[PATH_MAX + 16], log[PATH_MAX + 16], ns[64];
    struct sock_wait w;
    pid_t pid;
    int rc;

    snprintf(bin, sizeof(bin), "%s/%s", FRR_SBIN, daemon);
    snprintf(zserv, sizeof(zserv), "%s/zserv.api", dir);
    snprintf(pidf, sizeof(pidf), "%s/%s.pid", dir, daemon);
    snprintf(log, sizeof(log), "%s/%s.log", dir, daemon);
    lab_node_ns(lab, n, ns, sizeof(ns));
    {
        /* -P 0: no vty TCP port; everything goes through the socket directory. */
        char *argv[] = {bin,   "-u", "frr", "-g", "frr", "--vty_socket", (char *)dir, "-z",
                        zserv, "-i", pidf,  "-P", "0",   "--log",        "stdout",    NULL};

        if ((rc = proc_spawn(ns, argv, log, &pid)) != 0) {
            snprintf(err, errlen, "node %s: starting %s: %s", n->name, daemon, strerror(-rc));
            return rc;
        }
    }
    lab_record_pid(lab, n, daemon, pid);
    snprintf(w.path, sizeof(w.path), "%s/%s.vty", dir, daemon);
    if (lab_poll(lab, n, sock_exists, &w, 10000) != 0) {
        snprintf(err, errlen, "node %s: %s did not open %s (see %s)", n->name, daemon, w.path, log);
        return -ETIMEDOUT;
    }
    return 0;
}

static int frr_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    const size_t nd = sizeof(frr_daemons) / sizeof(frr_daemons[0]);
    int need[sizeof(frr_daemons) / sizeof(frr_daemons[0])];
    char dir[PATH_MAX], out[4096];
    int rc;

    if ((rc = frr_needed(n, need, err, errlen)) != 0)
        return rc;
    if ((rc = frr_dir(lab, n, dir, sizeof(dir))) != 0) {
        snprintf(err, errlen, "node %s: FRR directory: %s", n->name, strerror(-rc));
        return rc;
    }
    if ((rc = frr_spawn(lab, n, dir, "zebra", err, errlen)) != 0)
        return rc;
    for (size_t i = 0; i < nd; i++) {
        int dup = 0;

        for (size_t j = 0; j < i; j++)
            dup |= need[j] && strcmp(frr_daemons[j].daemon, frr_daemons[i].daemon) == 0;
        if (need[i] && !dup &&
            (rc = frr_spawn(lab, n, dir, frr_daemons[i].daemon, err, errlen)) != 0)
            return rc;
    }
    {
        char *argv[] = {"vtysh", "--vty_socket", dir, "-f", n->config, NULL};

        rc = lab_node_run(lab, n, argv, out, sizeof(out), 30000);
        if (rc != 0) {
            for (char *p = out; *p != '\0'; p++)
                if (*p == '\n')
                    *p = ' ';
            snprintf(err, errlen, "node %s: vtysh -f %s: %s", n->name, n->config, out);
            return -EINVAL;
        }
    }
    return 0;
}

static char **frr_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    char dir[PATH_MAX];
    const char *prefix[] = {"vtysh", "--vty_socket", dir, NULL};
    const char *prefix_cmd[] = {"vtysh", "--vty_socket", dir, "-c", NULL, NULL};
    char *cmd;
    char **argv;

    frr_dir(lab, n, dir, sizeof(dir));
    if (argc == 0)
        return kind_argv(prefix, 0, NULL);
    /* vtysh takes one command per -c: the words after -- form one command */
    cmd = kind_join(argc, args);
    prefix_cmd[4] = cmd;
    argv = kind_argv(prefix_cmd, 0, NULL);
    free(cmd);
    return argv;
}

/* Run a vtysh show command with JSON output and parse it. */
static int frr_json(struct lab *lab, const struct topo_node *n, const char *cmd, json_t **out)
{
    char dir[PATH_MAX];
    char *buf = malloc(1 << 20);
    char *argv[] = {"vtysh", "--vty_socket", dir, "-c", (char *)cmd, NULL};
    json_error_t jerr;
    int rc;

    if (buf == NULL)
        return -ENOMEM;
    frr_dir(lab, n, dir, sizeof(dir));
    rc = lab_node_run(lab, n, argv, buf, 1 << 20, 5000);
    if (rc == 0) {
        *out = json_loads(buf, 0, &jerr);
        rc = *out != NULL ? 0 : -EPROTO;
    } else if (rc > 0) {
        rc = -EIO;
    }
    free(buf);
    return rc;
}

static int frr_ospf_full(struct lab *lab, const struct topo_node *n, int *count)
{
    json_t *root, *nbrs, *list, *nbr;
    const char *rid;
    size_t i;
    int rc = frr_json(lab, n, "show ip ospf neighbor json", &root);

    if (rc != 0)
        return rc;
    *count = 0;
    nbrs = json_object_get(root, "neighbors");
    json_object_foreach(nbrs, rid, list)
    {
        json_array_foreach(list, i, nbr)
        {
            const char *st = json_string_value(json_object_get(nbr, "state"));

            if (st == NULL)
                st = json_string_value(json_object_get(nbr, "nbrState"));
            if (st != NULL && strncmp(st, "Full", 4) == 0)
                (*count)++;
        }
    }
    json_decref(root);
    return 0;
}

static int frr_bgp_established(struct lab *lab, const struct topo_node *n, int *count)
{
    json_t *root, *peer;
    const char *addr;
    int rc = frr_json(lab, n, "show bgp neighbors json", &root);

    if (rc != 0)
        return rc;
    *count = 0;
    json_object_foreach(root, addr, peer)
    {
        const char *st = json_string_value(json_object_get(peer, "bgpState"));

        if (st != NULL && strcmp(st, "Established") == 0)
            (*count)++;
    }
    json_decref(root);
    return 0;
}

const struct lab_kind kind_frr = {
    .name = "frr",
    .router = 1,
    .needs_config = 1,
    .check = frr_check,
    .start = frr_start,
    .cli_argv = frr_cli_argv,
    .ospf_full = frr_ospf_full,
    .bgp_established = frr_bgp_established,
};
