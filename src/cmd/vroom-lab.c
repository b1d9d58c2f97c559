/*
 * vroom-lab - build whole emulated networks on one machine from a topology
 * file, and look inside them. The commands are a table; each is a function
 * over src/lab/lab.h. Usage and the file format: docs/lab.md.
 */
#include "lab/lab.h"
#include "lib/log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd {
    const char *name;
    const char *args;
    const char *help;
    int (*run)(int argc, char **argv);
};

static int report(int rc, const char *err)
{
    if (rc != 0)
        fprintf(stderr, "vroom-lab: %s\n", err);
    return rc == 0 ? 0 : 1;
}

/* Split argv at "--": returns the index after it, or argc if absent. */
static int after_dashes(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--") == 0)
            return i + 1;
    return argc;
}

static int cmd_up(int argc, char **argv)
{
    char err[1024];

    if (argc != 1)
        return -1;
    return report(lab_up(argv[0], err, sizeof(err)), err);
}

static int cmd_down(int argc, char **argv)
{
    char err[1024];

    if (argc != 1)
        return -1;
    return report(lab_down(argv[0], err, sizeof(err)), err);
}

static int cmd_status(int argc, char **argv)
{
    int json = 0;
    struct lab *lab;
    char err[1024];
    int rc;

    if (argc == 2 && strcmp(argv[1], "--json") == 0)
        json = 1;
    else if (argc != 1)
        return -1;
    if ((rc = lab_open(argv[0], &lab, err, sizeof(err))) != 0)
        return report(rc, err);
    rc = lab_status(lab, json, stdout);
    lab_close(lab);
    return rc;
}

static int cmd_exec(int argc, char **argv)
{
    int cmd = after_dashes(argc, argv);
    struct lab *lab;
    char err[1024];
    int rc;

    if (argc < 4 || cmd != 3 || cmd >= argc)
        return -1;
    if ((rc = lab_open(argv[0], &lab, err, sizeof(err))) != 0)
        return report(rc, err);
    rc = lab_exec(lab, argv[1], argv + cmd, err, sizeof(err));
    lab_close(lab);
    return report(rc, err);
}

static int cmd_cli(int argc, char **argv)
{
    int cmd = after_dashes(argc, argv);
    struct lab *lab;
    char err[1024];
    int rc;

    if (argc < 2 || (cmd != argc && cmd != 3) || (cmd == argc && argc != 2))
        return -1;
    if ((rc = lab_open(argv[0], &lab, err, sizeof(err))) != 0)
        return report(rc, err);
    rc = lab_cli(lab, argv[1], argc - cmd, argv + cmd, err, sizeof(err));
    lab_close(lab);
    return report(rc, err);
}

static int cmd_wait(int argc, char **argv)
{
    double timeout = 60;
    char *conds[64];
    int n = 0;
    struct lab *lab;
    char err[1024];
    int rc;

    if (argc < 2)
        return -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end;

            timeout = strtod(argv[++i], &end);
            if (*end != '\0' || timeout <= 0 || timeout > 86400) {
                fprintf(stderr, "vroom-lab: --timeout '%s' is not a number of seconds\n", argv[i]);
                return 2;
            }
        } else if (n < 64) {
            conds[n++] = argv[i];
        } else {
            fprintf(stderr, "vroom-lab: at most 64 conditions\n");
            return 2;
        }
    }
    if ((rc = lab_open(argv[0], &lab, err, sizeof(err))) != 0)
        return report(rc, err);
    rc = lab_wait(lab, n, conds, timeout, err, sizeof(err));
    lab_close(lab);
    return report(rc, err);
}

static int cmd_list(int argc, char **argv)
{
    struct dirent *de;
    DIR *d;

    (void)argv;
    if (argc != 0)
        return -1;
    d = opendir(LAB_RUN_DIR);
    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            printf("%s\n", de->d_name);
    closedir(d);
    return 0;
}

static const struct cmd cmds[] = {
    {"up", "FILE", "bring up the lab described by a topology file", cmd_up},
    {"down", "NAME", "stop the lab's processes and remove its namespaces", cmd_down},
    {"status", "NAME [--json]", "nodes, namespaces and processes of a lab", cmd_status},
    {"exec", "NAME NODE -- CMD...", "run a command inside a node's namespace", cmd_exec},
    {"cli", "NAME NODE [-- ARGS...]", "the node's own CLI (birdc, vtysh, bgpctl)", cmd_cli},
    {"wait", "NAME CONDITION... [--timeout S]", "poll until every condition holds", cmd_wait},
    {"list", "", "labs that are up", cmd_list},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: vroom-lab COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        fprintf(out, "  %-7s %-34s %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
    fprintf(out, "\nconditions: running, ospf-full:NODE[:N], bgp-established:NODE[:N],\n"
                 "            route:NODE:PREFIX, ping:NODE:ADDR\n"
                 "See docs/lab.md.\n");
}

int main(int argc, char **argv)
{
    log_init("vroom-lab", LOG_LEVEL_INFO);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            int rc = cmds[i].run(argc - 2, argv + 2);

            if (rc < 0) {
                fprintf(stderr, "usage: vroom-lab %s %s\n", cmds[i].name, cmds[i].args);
                return 2;
            }
            return rc;
        }
    }
    fprintf(stderr, "vroom-lab: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
