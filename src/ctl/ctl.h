/*
 * ctl.h - vroomctl's pieces: the command table (commands.c), which maps the
 * words people type onto vroomd's JSON-RPC methods (docs/api.md), the table
 * printers (print.c) and the bulk route loader (route_load.c). The program's
 * main() is src/cmd/vroomctl.c.
 */
#ifndef VROOM_CTL_H
#define VROOM_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/jsonrpc.h"

/* Exit codes. */
enum {
    CTL_OK = 0,
    CTL_EAPI = 1,   /* the daemon answered with an error */
    CTL_EUSAGE = 2, /* bad command line (or input file) */
    CTL_EREACH = 3, /* the daemon cannot be reached */
};

struct ctl_ctx {
    const char *socket;            /* path of the daemon's API socket */
    const char *routerd;           /* --routerd: a VR's routerd socket, not asked of vroomd */
    bool json;                     /* --json: raw JSON results */
    int timeout_ms;                /* per call */
    struct jsonrpc_client *client; /* connected on first use */
};

/* A column of a table: header and the member of each row object. */
struct ctl_col {
    const char *header;
    const char *key;
};

struct ctl_cmd;

/* Turns the words after the command into params; prints nothing, returns 0, or -1 with why. */
typedef int (*ctl_build_fn)(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                            char *why, size_t whylen);
/* Commands that do more than one call, or none. Return an exit code. */
typedef int (*ctl_run_fn)(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv);

struct ctl_cmd {
    const char *words;  /* "route add" */
    const char *method; /* "route.add"; NULL for local commands */
    const char *usage;  /* "VR PREFIX [via ADDR] [dev IF] [blackhole|unreachable]" */
    const char *help;   /* one line */
    const char *args;   /* positional params when build is NULL: "vr name"; "vr?" optional */
    ctl_build_fn build; /* NULL: from args */
    const struct ctl_col *cols;    /* print an array result as this table */
    void (*print)(json_t *result); /* or this; neither: the generic printer */
    ctl_run_fn run;                /* local or multi-call commands */
};

extern const struct ctl_cmd ctl_commands[];

/* The command named by the first words of argv (*used: how many), or NULL. */
const struct ctl_cmd *ctl_command_find(int argc, char **argv, int *used);

/* Print "usage: vroomctl WORDS USAGE" to stderr; returns CTL_EUSAGE. */
int ctl_usage(const struct ctl_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Call cmd's method through ctx (connecting if needed) and print the result. Exit code. */
int ctl_call(struct ctl_ctx *ctx, const char *method, json_t *params, const struct ctl_cmd *cmd);
/* Connect if needed; prints the error and returns CTL_EREACH on failure. */
int ctl_connect(struct ctl_ctx *ctx);

/* print.c */
void ctl_print_table(json_t *rows, const struct ctl_col *cols);
void ctl_print_table_to(FILE *out, json_t *rows, const struct ctl_col *cols);
void ctl_print_value(json_t *v); /* the generic printer */
void ctl_print_json(json_t *v);
/* One cell's text: strings as is, numbers, yes/no, "-" for null, lists joined by ','. */
char *ctl_cell(json_t *v); /* malloc'd */

/* routerd.c: `vr NAME ospf ...` and `vr NAME rib [PREFIX]`, answered by the
 * VR's vroom-routerd, whose socket vroomd knows (vr.control) or --routerd
 * names. The printers turn routerd's results into the tables people see. */
int ctl_vr_routerd(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv);
/* what: neighbors, interfaces, database or routes; show: proto.show's result. */
int ctl_print_ospf(FILE *out, const char *what, json_t *show);
/* rib: the `rib` method's result, or rib.prefix's / rib.lookup's object. */
void ctl_print_rib(FILE *out, json_t *rib);

/* route_load.c */
int ctl_route_load(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv);

#endif
