/*
 * kind_host.c - a physical host of the substrate as a lab node: a namespace
 * running vroomd, whose API socket is the node's own (vroomctl is its CLI).
 * Virtual routers placed on it (kind_vrouter.c) get their containers from
 * this vroomd, named LAB-HOST.VR, so `vroom-lab down` finds them by prefix.
 * A host with an `underlay` address joins the peer channel: the lab makes a
 * CA and a certificate per such host (tools/mkcerts) in its state directory
 * and gives vroomd every other such host as a peer.
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOPO_HOSTS_ARGV 64 /* most peers a lab host is started with */

/* The peer channel's certificates, made once per lab into its state
 * directory with tools/mkcerts (VROOM_MKCERTS overrides where it is): a CA
 * and one certificate for every host that has an underlay. */
static int host_certs(struct lab *lab, const struct topo_node *n, char *dir, size_t dirlen,
                      char *err, size_t errlen)
{
    const struct topo *t = lab_topo(lab);
    char ca[PATH_MAX + 8], mk[PATH_MAX + 32], self[PATH_MAX], out[1024];
    const char *argv[TOPO_HOSTS_ARGV];
    size_t k = 0;
    ssize_t len;
    int rc;

    if ((rc = kind_node_file(lab, n, "", dir, dirlen)) != 0)
        return rc;
    /* DIR/NODE/ -> DIR/certs */
    {
        char *slash = strrchr(dir, '/');

        if (slash != NULL)
            *slash = '\0';
        slash = strrchr(dir, '/');
        if (slash == NULL || (size_t)(slash - dir) + 7 >= dirlen)
            return -ENAMETOOLONG;
        strcpy(slash + 1, "certs");
    }
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    if (access(ca, R_OK) == 0)
        return 0;
    if (getenv("VROOM_MKCERTS") != NULL) {
        snprintf(mk, sizeof(mk), "%s", getenv("VROOM_MKCERTS"));
    } else {
        /* vroom-lab is BUILD/src/cmd/vroom-lab; BUILD sits in the source tree */
        len = readlink("/proc/self/exe", self, sizeof(self) - 1);
        self[len > 0 ? len : 0] = '\0';
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(self, '/');

            if (slash != NULL)
                *slash = '\0';
        }
        snprintf(mk, sizeof(mk), "%s/tools/mkcerts", self);
        if (access(mk, X_OK) != 0)
            snprintf(mk, sizeof(mk), "%s", "mkcerts");
    }
    argv[k++] = mk;
    argv[k++] = dir;
    for (size_t i = 0; i < t->n_nodes && k < TOPO_HOSTS_ARGV - 1; i++)
        if (t->nodes[i].kind == &kind_host && t->nodes[i].underlay[0] != '\0')
            argv[k++] = t->nodes[i].name;
    argv[k] = NULL;
    rc = proc_run(NULL, (char *const *)argv, NULL, out, sizeof(out), 30000);
    if (rc != 0) {
        snprintf(err, errlen, "node %s: %s: %s", n->name, mk, out);
        return rc < 0 ? rc : -EIO;
    }
    return 0;
}

static int host_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    const struct topo *t = lab_topo(lab);
    char sock[PATH_MAX], log[PATH_MAX], ns[64], prefix[80], bin[PATH_MAX], ctl[PATH_MAX];
    char certs[PATH_MAX], cert[PATH_MAX + 64], key[PATH_MAX + 64], ca[PATH_MAX + 64];
    char vglog[PATH_MAX], vgsupp[PATH_MAX];
    char peers[TOPO_HOSTS_ARGV][TOPO_NODE_NAME_MAX + 72];
    char *argv[2 * TOPO_HOSTS_ARGV + 32];
    /* VROOM_LAB_VALGRIND=DIR: run vroomd under valgrind, its report in
     * DIR/vroomd-LAB-HOST.log (outside the lab, which down removes);
     * VROOM_LAB_VALGRIND_SUPP: a suppressions file */
    const char *vg = getenv("VROOM_LAB_VALGRIND"), *supp = getenv("VROOM_LAB_VALGRIND_SUPP");
    size_t k = 0, np = 0;
    pid_t pid;
    int rc;

    if ((rc = kind_node_file(lab, n, "vroomd.sock", sock, sizeof(sock))) != 0 ||
        (rc = kind_node_file(lab, n, "vroomd.log", log, sizeof(log))) != 0)
        return rc;
    lab_node_ns(lab, n, ns, sizeof(ns));
    snprintf(prefix, sizeof(prefix), "%s.", ns);
    if (vg != NULL) {
        if ((size_t)snprintf(vglog, sizeof(vglog), "--log-file=%s/vroomd-%s.log", vg, ns) >=
            sizeof(vglog)) {
            snprintf(err, errlen, "VROOM_LAB_VALGRIND: path too long");
            return -ENAMETOOLONG;
        }
        snprintf(vgsupp, sizeof(vgsupp), "--suppressions=%s", supp != NULL ? supp : "/dev/null");
        argv[k++] = "valgrind";
        argv[k++] = "--leak-check=full";
        argv[k++] = "--show-leak-kinds=definite";
        argv[k++] = "--errors-for-leak-kinds=definite";
        argv[k++] = vglog;
        argv[k++] = vgsupp;
    }
    argv[k++] = (char *)kind_vroom_bin("vroomd", bin, sizeof(bin));
    argv[k++] = "--socket";
    argv[k++] = sock;
    argv[k++] = "--netns-prefix";
    argv[k++] = prefix;
    argv[k++] = "--host";
    argv[k++] = (char *)n->name;
    if (n->underlay[0] != '\0') {
        /* the peer channel: every other host with an underlay is a peer */
        if ((rc = host_certs(lab, n, certs, sizeof(certs), err, errlen)) != 0)
            return rc;
        snprintf(cert, sizeof(cert), "%s/%s.pem", certs, n->name);
        snprintf(key, sizeof(key), "%s/%s.key", certs, n->name);
        snprintf(ca, sizeof(ca), "%s/ca.pem", certs);
        argv[k++] = "--cert";
        argv[k++] = cert;
        argv[k++] = "--key";
        argv[k++] = key;
        argv[k++] = "--ca";
        argv[k++] = ca;
        argv[k++] = "--underlay";
        argv[k++] = (char *)n->underlay;
        argv[k++] = "--peer-listen";
        argv[k++] = (char *)n->underlay;
        for (size_t i = 0; i < t->n_nodes && np < TOPO_HOSTS_ARGV; i++) {
            const struct topo_node *h = &t->nodes[i];

            if (h == n || h->kind != &kind_host || h->underlay[0] == '\0')
                continue;
            snprintf(peers[np], sizeof(peers[np]), "%s=%s", h->name, h->underlay);
            argv[k++] = "--peer";
            argv[k++] = peers[np++];
        }
    }
    argv[k] = NULL;
    if ((rc = proc_spawn_netns_only(ns, argv, log, &pid)) != 0) {
        snprintf(err, errlen, "node %s: starting vroomd: %s", n->name, strerror(-rc));
        return rc;
    }
    lab_record_pid(lab, n, "vroomd", pid);
    {
        char *sargv[] = {(char *)kind_vroom_bin("vroomctl", ctl, sizeof(ctl)), "-s", sock, "status",
                         NULL};

        return kind_wait_ok(lab, n, sargv, 10000, err, errlen);
    }
}

static char **host_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    char sock[PATH_MAX], ctl[PATH_MAX];
    const char *prefix[] = {kind_vroom_bin("vroomctl", ctl, sizeof(ctl)), "-s", sock, NULL};

    kind_node_file(lab, n, "vroomd.sock", sock, sizeof(sock));
    return kind_argv(prefix, argc, args);
}

const struct lab_kind kind_host = {
    .name = "host",
    .start_first = 1,
    .start = host_start,
    .cli_argv = host_cli_argv,
};
