/*
 * lab.c - bring labs up and down, and look inside them. See lab.h.
 *
 * Order of `up`: load and check everything (topo.c, each kind's check) ->
 * state directory and records -> namespaces and veth pairs (one `ip -batch`)
 * -> per node sysctls, links, addresses, routes (one `ip -n NS -batch` each)
 * -> daemons (the kind's start hook, which waits for its control socket).
 * Any failure after the first record rolls back with lab_down().
 *
 * The records file is plain text, one fact a line, flushed as written:
 *   lab NAME | topology PATH | node NAME KIND | netns NS |
 *   pid PID STARTTIME NODE WHAT | up
 */
#include "lab/lab.h"
#include "lab/kind.h"
#include "lab/proc.h"
#include "lab/topo.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define NETNS_DIR "/var/run/netns"

struct lab_pid {
    pid_t pid;
    unsigned long long starttime;
    char node[TOPO_NODE_NAME_MAX + 1];
    char what[32];
};

struct lab {
    char name[TOPO_LAB_NAME_MAX + 1];
    char dir[PATH_MAX];
    char topofile[PATH_MAX];
    struct topo *t; /* whole topology during up; nodes (name, kind) only after lab_open */
    FILE *records;  /* open for append during up */
    struct lab_pid *pids;
    size_t n_pids;
    int complete; /* the "up" record is there */
};

static int seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int seterr(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

const struct topo *lab_topo(const struct lab *lab)
{
    return lab->t;
}

void lab_node_ns(const struct lab *lab, const struct topo_node *n, char *buf, size_t len)
{
    if (n->kind != NULL && n->kind->netns != NULL)
        n->kind->netns(lab, n, buf, len);
    else
        snprintf(buf, len, "%s-%s", lab->name, n->name);
}

/* Where the veth of link i, end e, is made. */
static void link_end(const struct lab *lab, size_t i, int e, char *ns, size_t nslen, char *ifname,
                     size_t iflen)
{
    const struct topo_link *tl = &lab->t->links[i];
    const struct topo_node *n = &lab->t->nodes[tl->ep[e].node];

    if (n->kind->link_end != NULL) {
        n->kind->link_end(lab, n, i, e, ns, nslen, ifname, iflen);
        return;
    }
    lab_node_ns(lab, n, ns, nslen);
    snprintf(ifname, iflen, "%s", tl->ep[e].ifname);
}

int lab_node_dir(const struct lab *lab, const struct topo_node *n, char *buf, size_t len)
{
    if ((size_t)snprintf(buf, len, "%s/%s", lab->dir, n->name) >= len)
        return -ENAMETOOLONG;
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

static void record(struct lab *lab, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void record(struct lab *lab, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(lab->records, fmt, ap);
    va_end(ap);
    fputc('\n', lab->records);
    fflush(lab->records);
    fdatasync(fileno(lab->records));
}

int lab_record_pid(struct lab *lab, const struct topo_node *n, const char *what, pid_t pid)
{
    unsigned long long st = proc_starttime(pid);

    if (lab->records != NULL)
        record(lab, "pid %d %llu %s %s", (int)pid, st, n->name, what);
    return 0;
}

int lab_node_run(const struct lab *lab, const struct topo_node *n, char *const argv[], char *out,
                 size_t outlen, int timeout_ms)
{
    char ns[64];

    lab_node_ns(lab, n, ns, sizeof(ns));
    return proc_run(ns, argv, NULL, out, outlen, timeout_ms);
}

int lab_poll(struct lab *lab, const struct topo_node *n,
             int (*fn)(struct lab *, const struct topo_node *, void *), void *arg, int timeout_ms)
{
    long long deadline = proc_now_ms() + timeout_ms;
    int rc, delay = 5;

    for (;;) {
        rc = fn(lab, n, arg);
        if (rc == 0 || proc_now_ms() >= deadline)
            return rc;
        proc_sleep_ms(delay);
        if (delay < 100)
            delay *= 2;
    }
}

/* Names of the namespaces of lab name that exist now (prefix "NAME-"). */
static size_t lab_netns_list(const char *name, char ***out)
{
    size_t plen = strlen(name), n = 0, cap = 0;
    char **list = NULL;
    struct dirent *de;
    DIR *d = opendir(NETNS_DIR);

    *out = NULL;
    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, name, plen) != 0 || de->d_name[plen] != '-')
            continue;
        if (n == cap) {
            cap = cap * 2 + 16;
            list = realloc(list, cap * sizeof(char *));
            if (list == NULL)
                abort();
        }
        list[n++] = strdup(de->d_name);
    }
    closedir(d);
    *out = list;
    return n;
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Read LAB_RUN_DIR/name/records into lab. -ENOENT if the lab has no state. */
static int lab_load_records(struct lab *lab)
{
    char path[PATH_MAX + 16], line[512];
    size_t cap_nodes = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/records", lab->dir);
    f = fopen(path, "r");
    if (f == NULL)
        return -errno;
    lab->t = calloc(1, sizeof(*lab->t));
    if (lab->t == NULL)
        abort();
    snprintf(lab->t->name, sizeof(lab->t->name), "%s", lab->name);
    while (fgets(line, sizeof(line), f) != NULL) {
        char a[PATH_MAX], b[64], c[64], d[64];
        unsigned long long st;
        int pid;

        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "topology %4095s", a) == 1) {
            snprintf(lab->topofile, sizeof(lab->topofile), "%s", a);
        } else if (sscanf(line, "node %63s %63s", b, c) == 2) {
            char host[64] = "", control[64] = "none";
            struct topo_node *tn;

            sscanf(line, "node %*s %*s %63s %63s", host, control);
            if (strlen(b) > TOPO_NODE_NAME_MAX || lab_kind_find(c) == NULL ||
                strlen(host) > TOPO_NODE_NAME_MAX)
                continue; /* not ours to trust: skip, down still finds namespaces */
            if (lab->t->n_nodes == cap_nodes) {
                cap_nodes = cap_nodes * 2 + 8;
                lab->t->nodes = realloc(lab->t->nodes, cap_nodes * sizeof(*tn));
                if (lab->t->nodes == NULL)
                    abort();
            }
            tn = &lab->t->nodes[lab->t->n_nodes++];
            memset(tn, 0, sizeof(*tn));
            strcpy(tn->name, b);
            tn->kind = lab_kind_find(c);
            strcpy(tn->host, host);
            tn->control = lab_control_find(control);
        } else if (sscanf(line, "pid %d %llu %63s %63s", &pid, &st, c, d) == 4) {
            struct lab_pid *p;

            lab->pids = realloc(lab->pids, (lab->n_pids + 1) * sizeof(*lab->pids));
            if (lab->pids == NULL)
                abort();
            p = &lab->pids[lab->n_pids++];
            p->pid = pid;
            p->starttime = st;
            snprintf(p->node, sizeof(p->node), "%.24s", c);
            snprintf(p->what, sizeof(p->what), "%.31s", d);
        } else if (strcmp(line, "up") == 0) {
            lab->complete = 1;
        }
    }
    fclose(f);
    return 0;
}

static struct lab *lab_new(const char *name)
{
    struct lab *lab = calloc(1, sizeof(*lab));

    if (lab == NULL)
        abort();
    snprintf(lab->name, sizeof(lab->name), "%s", name);
    snprintf(lab->dir, sizeof(lab->dir), "%s/%s", LAB_RUN_DIR, name);
    return lab;
}

void lab_close(struct lab *lab)
{
    if (lab == NULL)
        return;
    if (lab->records != NULL)
        fclose(lab->records);
    topo_free(lab->t);
    free(lab->pids);
    free(lab);
}

int lab_open(const char *name, struct lab **out, char *err, size_t errlen)
{
    struct lab *lab;
    int rc;

    *out = NULL;
    if (!topo_lab_name_valid(name))
        return seterr(err, errlen, -EINVAL, "'%s' is not a valid lab name", name);
    lab = lab_new(name);
    rc = lab_load_records(lab);
    if (rc != 0) {
        lab_close(lab);
        if (rc == -ENOENT)
            return seterr(err, errlen, rc, "lab %s is not up", name);
        return seterr(err, errlen, rc, "lab %s: records: %s", name, strerror(-rc));
    }
    *out = lab;
    return 0;
}

/* Stop every process whose network namespace is one of the lab's. */
static void stop_processes_in(char **nss, size_t n)
{
    ino_t inos[256];
    size_t k = 0;
    struct dirent *de;
    DIR *d;

    for (size_t i = 0; i < n && k < 256; i++) {
        char path[PATH_MAX];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, nss[i]);
        if (stat(path, &st) == 0)
            inos[k++] = st.st_ino;
    }
    if (k == 0 || (d = opendir("/proc")) == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char path[64], link[64];
        unsigned long long ino;
        pid_t pid = (pid_t)atoi(de->d_name);
        ssize_t len;

        if (pid <= 0 || pid == getpid())
            continue;
        snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
        len = readlink(path, link, sizeof(link) - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (sscanf(link, "net:[%llu]", &ino) != 1)
            continue;
        for (size_t i = 0; i < k; i++)
            if (inos[i] == (ino_t)ino)
                proc_stop(pid, proc_starttime(pid), 3000);
    }
    closedir(d);
}

static int rm_rf(const char *path)
{
    char *argv[] = {"rm", "-rf", "--one-file-system", (char *)path, NULL};

    return proc_run(NULL, argv, NULL, NULL, 0, 30000);
}

int lab_down(const char *name, char *err, size_t errlen)
{
    struct lab *lab;
    char **nss;
    size_t n_ns;
    int had_state, rc = 0;

    if (!topo_lab_name_valid(name))
        return seterr(err, errlen, -EINVAL, "'%s' is not a valid lab name", name);
    lab = lab_new(name);
    had_state = lab_load_records(lab) == 0;

    /* 1. The processes it started, by PID and start time. */
    for (size_t i = 0; i < lab->n_pids; i++)
        proc_stop(lab->pids[i].pid, lab->pids[i].starttime, 5000);

    /* 2. Anything else still inside its namespaces (started through exec). */
    n_ns = lab_netns_list(name, &nss);
    stop_processes_in(nss, n_ns);
    /* listed again: a stopped daemon (vroomd) may have removed namespaces of its own */
    strv_free(nss, n_ns);
    n_ns = lab_netns_list(name, &nss);

    /* 3. The namespaces; their veths go with them. */
    if (n_ns > 0) {
        size_t cap = n_ns * (TOPO_LAB_NAME_MAX + TOPO_NODE_NAME_MAX + 16) + 1;
        char *batch = calloc(1, cap), out[1024];
        char *argv[] = {"ip", "-force", "-batch", "-", NULL};
        size_t used = 0;

        if (batch == NULL)
            abort();
        for (size_t i = 0; i < n_ns; i++)
            used += (size_t)snprintf(batch + used, cap - used, "netns del %s\n", nss[i]);
        if (proc_run(NULL, argv, batch, out, sizeof(out), 30000) != 0) {
            out[strcspn(out, "\n")] = '\0';
            rc = seterr(err, errlen, -EIO, "lab %s: deleting namespaces: %s", name, out);
        }
        free(batch);
    }
    strv_free(nss, n_ns);

    /* 4. Its state. */
    if (had_state || access(lab->dir, F_OK) == 0)
        rm_rf(lab->dir);
    lab_close(lab);
    return rc;
}

/* Append to a growing string buffer. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        if (b->s == NULL) {
            b->cap = 1024;
            b->s = malloc(b->cap);
            if (b->s == NULL)
                abort();
        }
        va_start(ap, fmt);
        n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n + 256;
        b->s = realloc(b->s, b->cap);
        if (b->s == NULL)
            abort();
    }
}

static int run_batch(const char *ns, const char *batch, char *err, size_t errlen, const char *what)
{
    char out[2048];
    char *argv_root[] = {"ip", "-batch", "-", NULL};
    char *argv_ns[] = {"ip", "-n", (char *)ns, "-batch", "-", NULL};
    int rc = proc_run(NULL, ns != NULL ? argv_ns : argv_root, batch, out, sizeof(out), 60000);

    if (rc != 0) {
        for (char *p = out; *p != '\0'; p++)
            if (*p == '\n')
                *p = ' ';
        return seterr(err, errlen, -EIO, "%s: ip: %s", what, out);
    }
    return 0;
}

static int setup_node(struct lab *lab, const struct topo_node *tn, char *err, size_t errlen)
{
    char ns[64];
    struct sbuf b = {0};
    size_t idx = (size_t)(tn - lab->t->nodes);
    char *sysctl[] = {"sysctl",
                      "-q",
                      "-w",
                      "net.ipv6.conf.all.accept_dad=0",
                      "-w",
                      "net.ipv6.conf.default.accept_dad=0",
                      tn->kind->router ? "-w" : NULL,
                      "net.ipv4.ip_forward=1",
                      "-w",
                      "net.ipv6.conf.all.forwarding=1",
                      NULL};
    char out[1024];
    int rc;

    lab_node_ns(lab, tn, ns, sizeof(ns));
    rc = proc_run(ns, sysctl, NULL, out, sizeof(out), 10000);
    if (rc != 0)
        return seterr(err, errlen, -EIO, "node %s: sysctl: %s", tn->name, out);

    sbuf_printf(&b, "link set lo up\n");
    for (size_t i = 0; i < lab->t->n_links; i++) {
        const struct topo_link *tl = &lab->t->links[i];

        for (int e = 0; e < 2; e++) {
            if (tl->ep[e].node != idx)
                continue;
            if (tl->mtu > 0)
                sbuf_printf(&b, "link set %s mtu %d\n", tl->ep[e].ifname, tl->mtu);
            sbuf_printf(&b, "link set %s up\n", tl->ep[e].ifname);
        }
    }
    for (size_t i = 0; i < tn->n_addrs; i++)
        /* nodad: the interfaces exist before the node's sysctls, so their own
         * accept_dad is still on; an address must be usable at once */
        sbuf_printf(&b, "addr add %s dev %s%s\n", tn->addrs[i].text, tn->addrs[i].ifname,
                    tn->addrs[i].family == AF_INET6 ? " nodad" : "");
    for (size_t i = 0; i < tn->n_routes; i++)
        sbuf_printf(&b, "route add %s\n", tn->routes[i]);
    {
        char what[128];

        snprintf(what, sizeof(what), "node %s", tn->name);
        rc = run_batch(ns, b.s, err, errlen, what);
    }
    free(b.s);
    return rc;
}

static int lab_up_steps(struct lab *lab, char *err, size_t errlen)
{
    struct topo *t = lab->t;
    struct sbuf b = {0};
    char path[PATH_MAX + 16];
    int rc;

    snprintf(path, sizeof(path), "%s/records", lab->dir);
    lab->records = fopen(path, "a");
    if (lab->records == NULL)
        return seterr(err, errlen, -errno, "%s: %s", path, strerror(errno));
    record(lab, "lab %s", t->name);
    record(lab, "topology %s", t->file);
    for (size_t i = 0; i < t->n_nodes; i++) {
        const struct topo_node *tn = &t->nodes[i];

        if (tn->kind->placed)
            record(lab, "node %s %s %s %s", tn->name, tn->kind->name, tn->host,
                   tn->control != NULL ? tn->control->name : "none");
        else
            record(lab, "node %s %s", tn->name, tn->kind->name);
    }

    /* Namespaces and veth pairs, made inside the namespaces directly. */
    for (size_t i = 0; i < t->n_nodes; i++) {
        char ns[64];

        if (t->nodes[i].kind->placed)
            continue; /* its host's vroomd makes its namespace */
        lab_node_ns(lab, &t->nodes[i], ns, sizeof(ns));
        record(lab, "netns %s", ns);
        sbuf_printf(&b, "netns add %s\n", ns);
    }
    for (size_t i = 0; i < t->n_links; i++) {
        char ns0[64], ns1[64], if0[16], if1[16];

        if (t->links[i].wire != TOPO_LINK_VETH)
            continue; /* a wire between two hosts: made by their vroomds (kind_vrouter.c) */
        link_end(lab, i, 0, ns0, sizeof(ns0), if0, sizeof(if0));
        link_end(lab, i, 1, ns1, sizeof(ns1), if1, sizeof(if1));
        sbuf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n", if0, ns0, if1,
                    ns1);
    }
    rc = run_batch(NULL, b.s, err, errlen, "namespaces and links");
    free(b.s);
    if (rc != 0)
        return rc;

    for (size_t i = 0; i < t->n_nodes; i++)
        if (!t->nodes[i].kind->placed && (rc = setup_node(lab, &t->nodes[i], err, errlen)) != 0)
            return rc;

    /* hosts first: the routers placed on them need their vroomd */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < t->n_nodes; i++) {
            const struct topo_node *tn = &t->nodes[i];

            if (tn->kind->start == NULL || tn->kind->start_first != (pass == 0))
                continue;
            if ((rc = tn->kind->start(lab, tn, err, errlen)) != 0)
                return rc;
        }
    }
    record(lab, "up");
    return 0;
}

int lab_up(const char *file, char *err, size_t errlen)
{
    struct topo *t;
    struct lab *lab;
    char **nss;
    size_t n_ns;
    int rc;

    if ((rc = topo_load(file, &t, err, errlen)) != 0)
        return rc;
    for (size_t i = 0; i < t->n_nodes; i++) {
        const struct topo_node *tn = &t->nodes[i];

        if (tn->kind->check != NULL && (rc = tn->kind->check(tn, NULL, err, errlen)) != 0) {
            topo_free(t);
            return rc;
        }
    }
    n_ns = lab_netns_list(t->name, &nss);
    strv_free(nss, n_ns);
    lab = lab_new(t->name);
    lab->t = t;
    if (n_ns > 0 || access(lab->dir, F_OK) == 0) {
        rc = seterr(err, errlen, -EEXIST, "lab %s is already up (vroom-lab down %s first)", t->name,
                    t->name);
        lab_close(lab);
        return rc;
    }
    if ((mkdir(LAB_RUN_DIR, 0755) != 0 && errno != EEXIST) || mkdir(lab->dir, 0755) != 0) {
        rc = seterr(err, errlen, -errno, "%s: %s", lab->dir, strerror(errno));
        lab_close(lab);
        return rc;
    }
    rc = lab_up_steps(lab, err, errlen);
    if (rc != 0) {
        char derr[256];

        fclose(lab->records);
        lab->records = NULL;
        lab_down(t->name, derr, sizeof(derr));
    }
    lab_close(lab);
    return rc;
}

static struct topo_node *lab_node(struct lab *lab, const char *node, char *err, size_t errlen)
{
    struct topo_node *tn = topo_node_find(lab->t, node);

    if (tn == NULL)
        seterr(err, errlen, -ENOENT, "lab %s has no node %s", lab->name, node);
    return tn;
}

int lab_exec(struct lab *lab, const char *node, char **argv, char *err, size_t errlen)
{
    struct topo_node *tn = lab_node(lab, node, err, errlen);
    char ns[64];
    size_t n = 0;
    char **full;

    if (tn == NULL)
        return -ENOENT;
    if (argv[0] == NULL)
        return seterr(err, errlen, -EINVAL, "exec: no command given");
    lab_node_ns(lab, tn, ns, sizeof(ns));
    while (argv[n] != NULL)
        n++;
    full = calloc(n + 5, sizeof(char *));
    if (full == NULL)
        abort();
    full[0] = "ip";
    full[1] = "netns";
    full[2] = "exec";
    full[3] = ns;
    memcpy(full + 4, argv, (n + 1) * sizeof(char *));
    fflush(NULL);
    execvp("ip", full);
    free(full);
    return seterr(err, errlen, -errno, "exec ip netns exec: %s", strerror(errno));
}

int lab_cli(struct lab *lab, const char *node, int argc, char **args, char *err, size_t errlen)
{
    char name[TOPO_NODE_NAME_MAX + 16];
    const struct lab_kind *kind;
    struct topo_node *tn;
    char *slash;
    char **argv;

    /* NODE/control: the routing suite in a vroom-router's container */
    snprintf(name, sizeof(name), "%s", node);
    slash = strchr(name, '/');
    if (slash != NULL)
        *slash++ = '\0';
    tn = lab_node(lab, name, err, errlen);
    if (tn == NULL)
        return -ENOENT;
    kind = tn->kind;
    if (slash != NULL) {
        if (strcmp(slash, "control") != 0 || tn->control == NULL)
            return seterr(err, errlen, -EINVAL, "node %s has no %s", name, slash);
        kind = tn->control;
    }
    if (kind->cli_argv == NULL)
        return seterr(err, errlen, -EOPNOTSUPP, "node %s of kind %s has no CLI", name, kind->name);
    argv = kind->cli_argv(lab, tn, argc, args);
    /* vroomctl talks to a socket: it runs here, not in the node */
    if (tn->kind->placed && slash == NULL) {
        fflush(NULL);
        execvp(argv[0], argv);
        return seterr(err, errlen, -errno, "exec %s: %s", argv[0], strerror(errno));
    }
    return lab_exec(lab, name, argv, err, errlen);
}

static const struct lab_pid *node_pids(const struct lab *lab, const char *node, size_t *i)
{
    for (; *i < lab->n_pids; (*i)++)
        if (strcmp(lab->pids[*i].node, node) == 0)
            return &lab->pids[(*i)++];
    return NULL;
}

int lab_status(struct lab *lab, int json, FILE *out)
{
    json_t *jnodes = json_array();
    int all_ok = lab->complete;

    if (!json) {
        fprintf(out, "lab %s: %s (%s)\n", lab->name, lab->complete ? "up" : "incomplete",
                lab->topofile);
        fprintf(out, "%-16s %-10s %-28s %s\n", "NODE", "KIND", "NAMESPACE", "PROCESSES");
    }
    for (size_t i = 0; i < lab->t->n_nodes; i++) {
        const struct topo_node *tn = &lab->t->nodes[i];
        json_t *jprocs = json_array();
        const struct lab_pid *p;
        char ns[64], path[PATH_MAX], procs[512] = "";
        size_t k = 0, used = 0;
        int ns_ok;

        lab_node_ns(lab, tn, ns, sizeof(ns));
        snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, ns);
        ns_ok = access(path, F_OK) == 0;
        all_ok &= ns_ok;
        while ((p = node_pids(lab, tn->name, &k)) != NULL) {
            int alive = proc_alive(p->pid, p->starttime);

            all_ok &= alive;
            json_array_append_new(jprocs, json_pack("{s:s,s:i,s:b}", "name", p->what, "pid",
                                                    (int)p->pid, "running", alive));
            if (used < sizeof(procs))
                used += (size_t)snprintf(procs + used, sizeof(procs) - used, "%s%s(%d)%s",
                                         used > 0 ? " " : "", p->what, (int)p->pid,
                                         alive ? "" : "=DEAD");
        }
        json_array_append_new(jnodes, json_pack("{s:s,s:s,s:s,s:b,s:o}", "name", tn->name, "kind",
                                                tn->kind->name, "netns", ns, "netns_present", ns_ok,
                                                "processes", jprocs));
        if (!json)
            fprintf(out, "%-16s %-10s %-28s %s\n", tn->name, tn->kind->name,
                    ns_ok ? ns : "(missing)", used > 0 ? procs : "-");
    }
    if (json) {
        json_t *root =
            json_pack("{s:s,s:s,s:s,s:o}", "name", lab->name, "topology", lab->topofile, "state",
                      all_ok ? "up" : (lab->complete ? "degraded" : "incomplete"), "nodes", jnodes);
        json_dumpf(root, out, JSON_INDENT(2));
        fputc('\n', out);
        json_decref(root);
    } else {
        json_decref(jnodes);
    }
    return all_ok ? 0 : 1;
}
