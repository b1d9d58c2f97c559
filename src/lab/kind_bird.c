/*
 * kind_bird.c - BIRD 2 as a lab node: `bird -f -c CONFIG -s SOCKET -P PID`
 * in the node's namespace; birdc on the node's socket is its CLI. The
 * config is checked with `bird -p` before the lab creates anything.
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

static int bird_paths(const struct lab *lab, const struct topo_node *n, char *sock, char *pid,
                      char *log)
{
    int rc = kind_node_file(lab, n, "bird.ctl", sock, PATH_MAX);

    if (rc == 0 && pid != NULL)
        rc = kind_node_file(lab, n, "bird.pid", pid, PATH_MAX);
    if (rc == 0 && log != NULL)
        rc = kind_node_file(lab, n, "bird.log", log, PATH_MAX);
    return rc;
}

static int bird_check(const struct topo_node *n, const char *statedir, char *err, size_t errlen)
{
    char *argv[] = {"bird", "-p", "-c", n->config, NULL};
    char out[1024];
    int rc;

    (void)statedir;
    rc = proc_run(NULL, argv, NULL, out, sizeof(out), 10000);
    if (rc != 0) {
        out[strcspn(out, "\n")] = '\0';
        snprintf(err, errlen, "node %s: bird refuses %s: %s", n->name, n->config, out);
        return -EINVAL;
    }
    return 0;
}

static int bird_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    char sock[PATH_MAX], pidf[PATH_MAX], log[PATH_MAX], ns[64];
    pid_t pid;
    int rc;

    if ((rc = bird_paths(lab, n, sock, pidf, log)) != 0)
        return rc;
    lab_node_ns(lab, n, ns, sizeof(ns));
    {
        char *argv[] = {"bird", "-f", "-c", n->config, "-s", sock, "-P", pidf, NULL};

        if ((rc = proc_spawn(ns, argv, log, &pid)) != 0) {
            snprintf(err, errlen, "node %s: starting bird: %s", n->name, strerror(-rc));
            return rc;
        }
    }
    lab_record_pid(lab, n, "bird", pid);
    {
        char *argv[] = {"birdc", "-s", sock, "show", "status", NULL};

        return kind_wait_ok(lab, n, argv, 10000, err, errlen);
    }
}

static char **bird_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    char sock[PATH_MAX];
    const char *prefix[] = {"birdc", "-s", sock, NULL};

    bird_paths(lab, n, sock, NULL, NULL);
    return kind_argv(prefix, argc, args);
}

/* Run birdc with one command and count output lines that contain all of needles. */
static int bird_count(struct lab *lab, const struct topo_node *n, const char *cmd,
                      const char *const *needles, int *count)
{
    char sock[PATH_MAX], out[65536];
    char *argv[] = {"birdc", "-s", sock, (char *)cmd, NULL};
    char *line, *save = NULL;
    int rc;

    bird_paths(lab, n, sock, NULL, NULL);
    rc = lab_node_run(lab, n, argv, out, sizeof(out), 5000);
    if (rc != 0)
        return rc < 0 ? rc : -EIO;
    *count = 0;
    for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        int all = 1;

        for (int i = 0; needles[i] != NULL; i++)
            all &= strstr(line, needles[i]) != NULL;
        *count += all;
    }
    return 0;
}

static int bird_ospf_full(struct lab *lab, const struct topo_node *n, int *count)
{
    static const char *const needles[] = {"Full/", NULL};

    return bird_count(lab, n, "show ospf neighbors", needles, count);
}

static int bird_bgp_established(struct lab *lab, const struct topo_node *n, int *count)
{
    static const char *const needles[] = {" BGP ", "Established", NULL};

    return bird_count(lab, n, "show protocols", needles, count);
}

const struct lab_kind kind_bird = {
    .name = "bird",
    .router = 1,
    .needs_config = 1,
    .check = bird_check,
    .start = bird_start,
    .cli_argv = bird_cli_argv,
    .ospf_full = bird_ospf_full,
    .bgp_established = bird_bgp_established,
};
