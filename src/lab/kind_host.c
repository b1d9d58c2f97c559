/*
 * kind_host.c - a physical host of the substrate as a lab node: a namespace
 * running vroomd, whose API socket is the node's own (vroomctl is its CLI).
 * Virtual routers placed on it (kind_vrouter.c) get their containers from
 * this vroomd, named LAB-HOST.VR, so `vroom-lab down` finds them by prefix.
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

static int host_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    char sock[PATH_MAX], log[PATH_MAX], ns[64], prefix[80], bin[PATH_MAX], ctl[PATH_MAX];
    pid_t pid;
    int rc;

    if ((rc = kind_node_file(lab, n, "vroomd.sock", sock, sizeof(sock))) != 0 ||
        (rc = kind_node_file(lab, n, "vroomd.log", log, sizeof(log))) != 0)
        return rc;
    lab_node_ns(lab, n, ns, sizeof(ns));
    snprintf(prefix, sizeof(prefix), "%s.", ns);
    {
        char vglog[PATH_MAX], vgsupp[PATH_MAX];
        char *argv[] = {(char *)kind_vroom_bin("vroomd", bin, sizeof(bin)),
                        "--socket",
                        sock,
                        "--netns-prefix",
                        prefix,
                        "--host",
                        (char *)n->name,
                        NULL};
        /* VROOM_LAB_VALGRIND=DIR: run vroomd under valgrind, its report in
         * DIR/vroomd-LAB-HOST.log (outside the lab, which down removes);
         * VROOM_LAB_VALGRIND_SUPP: a suppressions file */
        const char *vg = getenv("VROOM_LAB_VALGRIND"), *supp = getenv("VROOM_LAB_VALGRIND_SUPP");
        char *vgargv[] = {"valgrind",
                          "--leak-check=full",
                          "--show-leak-kinds=definite",
                          "--errors-for-leak-kinds=definite",
                          vglog,
                          vgsupp,
                          argv[0],
                          argv[1],
                          argv[2],
                          argv[3],
                          argv[4],
                          argv[5],
                          argv[6],
                          NULL};

        if (vg != NULL) {
            if ((size_t)snprintf(vglog, sizeof(vglog), "--log-file=%s/vroomd-%s.log", vg, ns) >=
                sizeof(vglog)) {
                snprintf(err, errlen, "VROOM_LAB_VALGRIND: path too long");
                return -ENAMETOOLONG;
            }
            snprintf(vgsupp, sizeof(vgsupp), "--suppressions=%s",
                     supp != NULL ? supp : "/dev/null");
        }
        if ((rc = proc_spawn_netns_only(ns, vg != NULL ? vgargv : argv, log, &pid)) != 0) {
            snprintf(err, errlen, "node %s: starting vroomd: %s", n->name, strerror(-rc));
            return rc;
        }
    }
    lab_record_pid(lab, n, "vroomd", pid);
    {
        char *argv[] = {(char *)kind_vroom_bin("vroomctl", ctl, sizeof(ctl)), "-s", sock, "status",
                        NULL};

        return kind_wait_ok(lab, n, argv, 10000, err, errlen);
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
