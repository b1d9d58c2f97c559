/*
 * kind.c - the table of node kinds. Each kind lives in kind_<name>.c.
 */
#include "lab/kind.h"

#include "lab/lab.h"
#include "lab/topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct lab_kind *const kinds[] = {
    &kind_linux, &kind_bird, &kind_frr, &kind_openbgpd, &kind_host, &kind_vrouter,
};

const struct lab_kind *lab_kind_find(const char *name)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

const char *lab_kind_names(void)
{
    return "linux, bird, frr, openbgpd, host, vroom-router";
}

char **kind_argv(const char *const *prefix, int argc, char **args)
{
    size_t n = 0;
    char **argv;

    while (prefix[n] != NULL)
        n++;
    argv = calloc(n + (size_t)argc + 1, sizeof(char *));
    if (argv == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        argv[i] = strdup(prefix[i]);
    for (int i = 0; i < argc; i++)
        argv[n + (size_t)i] = strdup(args[i]);
    return argv;
}

int kind_node_file(const struct lab *lab, const struct topo_node *n, const char *file, char *buf,
                   size_t len)
{
    char dir[PATH_MAX];
    int rc = lab_node_dir(lab, n, dir, sizeof(dir));

    if (rc != 0)
        return rc;
    if ((size_t)snprintf(buf, len, "%s/%s", dir, file) >= len)
        return -ENAMETOOLONG;
    return 0;
}

const char *kind_vroom_bin(const char *prog, char *buf, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (n <= 0)
        return prog;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash == NULL)
        return prog;
    *slash = '\0';
    snprintf(buf, len, "%s/%s", self, prog);
    return access(buf, X_OK) == 0 ? buf : prog;
}

char *kind_join(int argc, char **args)
{
    size_t len = 1;
    char *s;

    for (int i = 0; i < argc; i++)
        len += strlen(args[i]) + 1;
    s = calloc(1, len);
    if (s == NULL)
        abort();
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, args[i]);
    }
    return s;
}

struct wait_ok {
    char *const *argv;
    char out[1024];
};

static int wait_ok_try(struct lab *lab, const struct topo_node *n, void *arg)
{
    struct wait_ok *w = arg;

    return lab_node_run(lab, n, w->argv, w->out, sizeof(w->out), 5000) == 0 ? 0 : -EAGAIN;
}

int kind_wait_ok(struct lab *lab, const struct topo_node *n, char *const argv[], int timeout_ms,
                 char *err, size_t errlen)
{
    struct wait_ok w = {.argv = argv};

    if (lab_poll(lab, n, wait_ok_try, &w, timeout_ms) == 0)
        return 0;
    w.out[strcspn(w.out, "\n")] = '\0';
    snprintf(err, errlen, "node %s: %s does not answer: %s", n->name, argv[0], w.out);
    return -ETIMEDOUT;
}
