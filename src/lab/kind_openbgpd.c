/*
 * kind_openbgpd.c - OpenBGPD 7 as a lab node. bgpd takes its control socket
 * only from a `socket "PATH"` line in its config, so the lab runs it on a
 * copy of the node's config with that line first, pointing into the node's
 * own directory; bgpctl -s on that socket is its CLI. bgpd chroots to
 * /run/openbgpd, which is created if missing. The config is checked with
 * `bgpd -n` before the lab creates anything.
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OPENBGPD_CHROOT "/run/openbgpd"

static int obgp_paths(const struct lab *lab, const struct topo_node *n, char *sock, char *conf,
                      char *log)
{
    int rc = kind_node_file(lab, n, "bgpd.sock", sock, PATH_MAX);

    if (rc == 0 && conf != NULL)
        rc = kind_node_file(lab, n, "bgpd.conf", conf, PATH_MAX);
    if (rc == 0 && log != NULL)
        rc = kind_node_file(lab, n, "bgpd.log", log, PATH_MAX);
    return rc;
}

static int obgp_check(const struct topo_node *n, const char *statedir, char *err, size_t errlen)
{
    char *argv[] = {"bgpd", "-n", "-f", n->config, NULL};
    char out[1024];
    int rc;

    (void)statedir;
    rc = proc_run(NULL, argv, NULL, out, sizeof(out), 10000);
    if (rc != 0) {
        for (char *p = out; *p != '\0'; p++)
            if (*p == '\n')
                *p = ' ';
        snprintf(err, errlen, "node %s: bgpd refuses %s: %s", n->name, n->config, out);
        return -EINVAL;
    }
    return 0;
}

/* Copy src to dst with a socket line first. */
static int obgp_write_conf(const char *src, const char *dst, const char *sock)
{
    char buf[8192];
    FILE *in = fopen(src, "r"), *out;
    size_t n;
    int rc = 0;

    if (in == NULL)
        return -errno;
    out = fopen(dst, "w");
    if (out == NULL) {
        rc = -errno;
        fclose(in);
        return rc;
    }
    fprintf(out, "# written by vroom-lab from %s\nsocket \"%s\"\n", src, sock);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -EIO;
    fclose(in);
    if (fclose(out) != 0)
        rc = -errno;
    chmod(dst, 0600); /* bgpd refuses a config others can write */
    return rc;
}

static int obgp_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    char sock[PATH_MAX], conf[PATH_MAX], log[PATH_MAX], ns[64];
    pid_t pid;
    int rc;

    if ((rc = obgp_paths(lab, n, sock, conf, log)) != 0)
        return rc;
    if (mkdir(OPENBGPD_CHROOT, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", OPENBGPD_CHROOT, strerror(errno));
        return -errno;
    }
    if ((rc = obgp_write_conf(n->config, conf, sock)) != 0) {
        snprintf(err, errlen, "node %s: writing %s: %s", n->name, conf, strerror(-rc));
        return rc;
    }
    lab_node_ns(lab, n, ns, sizeof(ns));
    {
        char *argv[] = {"bgpd", "-d", "-f", conf, NULL};

        if ((rc = proc_spawn(ns, argv, log, &pid)) != 0) {
            snprintf(err, errlen, "node %s: starting bgpd: %s", n->name, strerror(-rc));
            return rc;
        }
    }
    lab_record_pid(lab, n, "bgpd", pid);
    {
        char *argv[] = {"bgpctl", "-s", sock, "show", "summary", NULL};

        return kind_wait_ok(lab, n, argv, 10000, err, errlen);
    }
}

static char **obgp_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    char sock[PATH_MAX];
    const char *prefix[] = {"bgpctl", "-s", sock, NULL};

    obgp_paths(lab, n, sock, NULL, NULL);
    return kind_argv(prefix, argc, args);
}

static int obgp_bgp_established(struct lab *lab, const struct topo_node *n, int *count)
{
    char sock[PATH_MAX];
    char *argv[] = {"bgpctl", "-j", "-s", sock, "show", "neighbor", NULL};
    char *buf = malloc(1 << 20);
    json_t *root, *peer;
    json_error_t jerr;
    size_t i;
    int rc;

    if (buf == NULL)
        return -ENOMEM;
    obgp_paths(lab, n, sock, NULL, NULL);
    rc = lab_node_run(lab, n, argv, buf, 1 << 20, 5000);
    root = rc == 0 ? json_loads(buf, 0, &jerr) : NULL;
    free(buf);
    if (root == NULL)
        return rc < 0 ? rc : -EIO;
    *count = 0;
    json_array_foreach(json_object_get(root, "neighbors"), i, peer)
    {
        const char *st = json_string_value(json_object_get(peer, "state"));

        if (st != NULL && strcmp(st, "Established") == 0)
            (*count)++;
    }
    json_decref(root);
    return 0;
}

const struct lab_kind kind_openbgpd = {
    .name = "openbgpd",
    .router = 1,
    .needs_config = 1,
    .check = obgp_check,
    .start = obgp_start,
    .cli_argv = obgp_cli_argv,
    .bgp_established = obgp_bgp_established,
};
