/*
 * kind_routerd.c - vroom-routerd as the control plane of a vroom-router node
 * (`control: routerd`, the default). Not a node kind of its own: the
 * vroom-router kind (kind_vrouter.c) starts it once its VR, interfaces and
 * ports exist in the host's vroomd.
 *
 * vroom-routerd runs in the VR's container (LAB-HOST.VR) on the node's
 * `config:` (a routerd YAML file, checked with `vroom-routerd --check`), or,
 * without one, on a config the lab writes from the node's addresses and
 * static routes (routerd.yaml in the node's state directory). Its JSON-RPC
 * socket is routerd.sock beside it, its log routerd.log; it pushes its FIB to
 * the host's vroomd (--vroomd, --vr). `vroom-lab cli LAB VR/control -- METHOD
 * [JSON]` calls a method on its socket; `ospf-full:VR` asks its OSPF
 * instance.
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"
#include "lib/jsonrpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The words of a topology route ("PREFIX|default [via ADDR] [dev IF]" or
 * "blackhole|unreachable|prohibit PREFIX") as a routerd static route, one
 * YAML flow mapping. 0, or -EINVAL with why. */
static int route_yaml(const char *text, FILE *out, char *why, size_t whylen)
{
    char buf[256], *tok, *save = NULL;
    char prefix[80] = "", via[64] = "", dev[32] = "", type[16] = "";

    snprintf(buf, sizeof(buf), "%s", text);
    for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "via") == 0 || strcmp(tok, "dev") == 0) {
            char *v = strtok_r(NULL, " \t", &save);

            if (v == NULL) {
                snprintf(why, whylen, "route '%s': %s without a value", text, tok);
                return -EINVAL;
            }
            if (tok[0] == 'v')
                snprintf(via, sizeof(via), "%s", v);
            else
                snprintf(dev, sizeof(dev), "%s", v);
        } else if (strcmp(tok, "blackhole") == 0 || strcmp(tok, "unreachable") == 0 ||
                   strcmp(tok, "prohibit") == 0) {
            snprintf(type, sizeof(type), "%s", tok);
        } else if (prefix[0] == '\0') {
            snprintf(prefix, sizeof(prefix), "%s", tok);
        } else {
            snprintf(why, whylen, "route '%s': routerd takes no '%s'", text, tok);
            return -EINVAL;
        }
    }
    if (prefix[0] == '\0') {
        snprintf(why, whylen, "route '%s' has no destination", text);
        return -EINVAL;
    }
    if (strcmp(prefix, "default") == 0)
        snprintf(prefix, sizeof(prefix), "%s", strchr(via, ':') != NULL ? "::/0" : "0.0.0.0/0");
    else if (strchr(prefix, '/') == NULL)
        strcat(prefix, strchr(prefix, ':') != NULL ? "/128" : "/32");
    fprintf(out, "  - {prefix: \"%s\"", prefix);
    if (via[0] != '\0')
        fprintf(out, ", via: \"%s\"", via);
    if (dev[0] != '\0')
        fprintf(out, ", dev: \"%s\"", dev);
    if (type[0] != '\0')
        fprintf(out, ", type: %s", type);
    fprintf(out, "}\n");
    return 0;
}

int routerd_config_write(const struct topo_node *n, FILE *out, char *why, size_t whylen)
{
    int have_v4 = 0;

    fprintf(out, "# vroom-routerd config of %s, written by vroom-lab from its addresses and "
                 "routes\n",
            n->name);
    for (size_t a = 0; a < n->n_addrs; a++)
        have_v4 |= n->addrs[a].family == AF_INET;
    if (!have_v4) {
        /* no IPv4 address to take the router ID from: one from the name */
        unsigned h = 5381;

        for (const char *p = n->name; *p != '\0'; p++)
            h = h * 33 + (unsigned char)*p;
        fprintf(out, "router-id: 10.%u.%u.%u\n", (h >> 16) & 0xff, (h >> 8) & 0xff,
                (h & 0xff) | 1);
    }
    fprintf(out, "interfaces:\n");
    for (size_t a = 0; a < n->n_addrs; a++) {
        int first = 1;

        for (size_t b = 0; b < a; b++)
            if (strcmp(n->addrs[b].ifname, n->addrs[a].ifname) == 0)
                first = 0;
        if (!first)
            continue;
        fprintf(out, "  - {name: %s, addresses: [", n->addrs[a].ifname);
        for (size_t b = a, k = 0; b < n->n_addrs; b++)
            if (strcmp(n->addrs[b].ifname, n->addrs[a].ifname) == 0)
                fprintf(out, "%s\"%s\"", k++ > 0 ? ", " : "", n->addrs[b].text);
        fprintf(out, "]}\n");
    }
    if (n->n_routes > 0)
        fprintf(out, "static:\n");
    for (size_t r = 0; r < n->n_routes; r++)
        if (route_yaml(n->routes[r], out, why, whylen) != 0)
            return -EINVAL;
    return 0;
}

static int rd_check_file(const struct topo_node *n, const char *path, const char *what, char *err,
                         size_t errlen)
{
    char bin[PATH_MAX], out[1024];
    char *argv[] = {(char *)kind_vroom_bin("vroom-routerd", bin, sizeof(bin)), "--check", "-c",
                    (char *)path, NULL};
    int rc = proc_run(NULL, argv, NULL, out, sizeof(out), 10000);

    if (rc != 0) {
        char *nl = strstr(out, "vroom-routerd: ");
        char *msg = nl != NULL ? nl + strlen("vroom-routerd: ") : out;

        msg[strcspn(msg, "\n")] = '\0';
        snprintf(err, errlen, "node %s: vroom-routerd refuses %s: %s", n->name, what,
                 rc < 0 ? strerror(-rc) : msg);
        return -EINVAL;
    }
    return 0;
}

static int rd_check(const struct topo_node *n, const char *statedir, char *err, size_t errlen)
{
    char tmp[] = "/tmp/vroom-lab-routerd-XXXXXX";
    char why[256] = "";
    FILE *f;
    int fd, rc;

    (void)statedir;
    if (n->config != NULL)
        return rd_check_file(n, n->config, n->config, err, errlen);
    /* the config the lab will write, checked now */
    if ((fd = mkstemp(tmp)) < 0 || (f = fdopen(fd, "w")) == NULL) {
        rc = -errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        snprintf(err, errlen, "node %s: %s: %s", n->name, tmp, strerror(-rc));
        return rc;
    }
    rc = routerd_config_write(n, f, why, sizeof(why));
    fclose(f);
    if (rc != 0)
        snprintf(err, errlen, "node %s: %s", n->name, why);
    else
        rc = rd_check_file(n, tmp, "the config made from its addresses and routes", err, errlen);
    unlink(tmp);
    return rc;
}

static int rd_paths(const struct lab *lab, const struct topo_node *n, char *sock, char *log)
{
    int rc = kind_node_file(lab, n, "routerd.sock", sock, PATH_MAX);

    if (rc == 0 && log != NULL)
        rc = kind_node_file(lab, n, "routerd.log", log, PATH_MAX);
    return rc;
}

/* routerd.status on its socket; with want_synced, 0 only once its FIB is in vroomd. */
static int rd_status(struct lab *lab, const struct topo_node *n, void *arg)
{
    struct jsonrpc_error jerr = {0};
    struct jsonrpc_client *c;
    char sock[PATH_MAX];
    json_t *res = NULL, *fib;
    int rc, want_synced = arg != NULL;

    if ((rc = rd_paths(lab, n, sock, NULL)) != 0)
        return rc;
    if ((c = jsonrpc_client_connect(sock, 2000)) == NULL)
        return -errno;
    rc = jsonrpc_client_call(c, "routerd.status", json_object(), &res, &jerr);
    jsonrpc_client_free(c);
    jsonrpc_error_clear(&jerr);
    if (rc != 0)
        return -EIO;
    fib = json_object_get(res, "fib");
    if (want_synced &&
        !(json_is_true(json_object_get(fib, "synced")) &&
          json_integer_value(json_object_get(fib, "queued")) == 0 &&
          json_integer_value(json_object_get(fib, "in_flight")) == 0))
        rc = -EAGAIN;
    json_decref(res);
    return rc;
}

static int rd_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    const struct topo_node *host = topo_node_find(lab_topo(lab), n->host);
    char sock[PATH_MAX], log[PATH_MAX], cfg[PATH_MAX], vroomd[PATH_MAX], bin[PATH_MAX];
    char vglog[PATH_MAX], vgsupp[PATH_MAX], ns[64];
    /* VROOM_LAB_VALGRIND=DIR: routerd under valgrind too (docs/lab.md) */
    const char *vg = getenv("VROOM_LAB_VALGRIND"), *supp = getenv("VROOM_LAB_VALGRIND_SUPP");
    char *argv[24];
    size_t k = 0;
    pid_t pid;
    int rc;

    if (host == NULL) {
        snprintf(err, errlen, "node %s: no host %s", n->name, n->host);
        return -ENOENT;
    }
    if ((rc = rd_paths(lab, n, sock, log)) != 0 ||
        (rc = kind_node_file(lab, host, "vroomd.sock", vroomd, sizeof(vroomd))) != 0)
        return rc;
    lab_node_ns(lab, n, ns, sizeof(ns));
    if (n->config != NULL) {
        snprintf(cfg, sizeof(cfg), "%s", n->config);
    } else {
        char why[256] = "";
        FILE *f;

        if ((rc = kind_node_file(lab, n, "routerd.yaml", cfg, sizeof(cfg))) != 0)
            return rc;
        if ((f = fopen(cfg, "w")) == NULL) {
            rc = -errno;
            snprintf(err, errlen, "node %s: %s: %s", n->name, cfg, strerror(errno));
            return rc;
        }
        rc = routerd_config_write(n, f, why, sizeof(why));
        if (fclose(f) != 0 && rc == 0) {
            rc = -errno;
            snprintf(why, sizeof(why), "routerd.yaml: %s", strerror(errno));
        }
        if (rc != 0) {
            snprintf(err, errlen, "node %s: %s", n->name, why);
            return rc;
        }
    }
    if (vg != NULL) {
        if ((size_t)snprintf(vglog, sizeof(vglog), "--log-file=%s/routerd-%s.log", vg, ns) >=
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
    argv[k++] = (char *)kind_vroom_bin("vroom-routerd", bin, sizeof(bin));
    argv[k++] = "-c";
    argv[k++] = cfg;
    argv[k++] = "-s";
    argv[k++] = sock;
    argv[k++] = "--vroomd";
    argv[k++] = vroomd;
    argv[k++] = "--vr";
    argv[k++] = (char *)n->name;
    argv[k] = NULL;
    unlink(sock);
    if ((rc = proc_spawn(ns, argv, log, &pid)) != 0) {
        snprintf(err, errlen, "node %s: starting vroom-routerd: %s", n->name, strerror(-rc));
        return rc;
    }
    lab_record_pid(lab, n, "vroom-routerd", pid);
    /* up returns once it answers and its routes are in vroomd's FIB */
    rc = lab_poll(lab, n, rd_status, (void *)1, vg != NULL ? 60000 : 15000);
    if (rc != 0) {
        snprintf(err, errlen, "node %s: vroom-routerd (%s): %s", n->name, log,
                 rc == -EAGAIN ? "its FIB did not reach vroomd" : "does not answer on its socket");
        return rc == -EAGAIN ? -ETIMEDOUT : rc;
    }
    return 0;
}

/* `vroom-lab cli LAB VR/control -- METHOD [JSON]`: vroomctl's `call` on routerd's socket. */
static char **rd_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    char sock[PATH_MAX], bin[PATH_MAX];
    const char *prefix[] = {kind_vroom_bin("vroomctl", bin, sizeof(bin)), "-s", sock, "call", NULL};
    const char *status[] = {"routerd.status"};

    rd_paths(lab, n, sock, NULL);
    return argc > 0 ? kind_argv(prefix, argc, args) : kind_argv(prefix, 1, (char **)status);
}

static int rd_ospf_full(struct lab *lab, const struct topo_node *n, int *count)
{
    struct jsonrpc_error jerr = {0};
    struct jsonrpc_client *c;
    char sock[PATH_MAX];
    json_t *res = NULL, *nb;
    size_t i;
    int rc;

    if ((rc = rd_paths(lab, n, sock, NULL)) != 0)
        return rc;
    if ((c = jsonrpc_client_connect(sock, 2000)) == NULL)
        return -errno;
    rc = jsonrpc_client_call(c, "proto.show", json_pack("{s:s}", "name", "ospf"), &res, &jerr);
    jsonrpc_client_free(c);
    jsonrpc_error_clear(&jerr);
    if (rc != 0)
        return -EIO;
    *count = 0;
    json_array_foreach(json_object_get(res, "neighbors"), i, nb)
    {
        const char *st = json_string_value(json_object_get(nb, "state"));

        *count += st != NULL && strcmp(st, "full") == 0;
    }
    json_decref(res);
    return 0;
}

const struct lab_kind kind_routerd = {
    .name = "routerd",
    .check = rd_check,
    .start = rd_start,
    .cli_argv = rd_cli_argv,
    .ospf_full = rd_ospf_full,
};

const struct lab_kind *lab_control_find(const char *name)
{
    if (strcmp(name, "routerd") == 0)
        return &kind_routerd;
    if (strcmp(name, "bird") == 0 || strcmp(name, "frr") == 0)
        return lab_kind_find(name);
    return NULL;
}
