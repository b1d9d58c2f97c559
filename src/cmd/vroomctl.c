/*
 * vroomctl.c - the operator CLI: `vroomctl [-s SOCKET] [--json] [--routerd
 * PATH] COMMAND ...`. Talks JSON-RPC 2.0 to a vroomd over its Unix socket
 * (src/lib/jsonrpc.h), and for `vr NAME ospf|rib` to the VR's vroom-routerd
 * (src/ctl/routerd.c).
 * Commands come from one table (src/ctl/commands.c); results print as
 * tables for people (src/ctl/print.c) or as raw JSON with --json.
 *
 * Exit status: 0 ok; 1 the daemon answered with an error; 2 usage; 3 the
 * daemon cannot be reached. Errors read "vroomctl: METHOD: message".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

#define DEFAULT_SOCKET  "/run/vroom/vroomd.sock"
#define DEFAULT_TIMEOUT 120 /* seconds; route batches of a full table take a while */

int ctl_usage(const struct ctl_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vroomctl: ");
    if (cmd != NULL)
        fprintf(stderr, "%s: ", cmd->words);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (cmd != NULL)
        fprintf(stderr, "usage: vroomctl %s %s\n", cmd->words, cmd->usage);
    else
        fprintf(stderr, "try 'vroomctl help'\n");
    return CTL_EUSAGE;
}

int ctl_connect(struct ctl_ctx *ctx)
{
    if (ctx->client != NULL)
        return CTL_OK;
    ctx->client = jsonrpc_client_connect(ctx->socket, ctx->timeout_ms);
    if (ctx->client == NULL) {
        fprintf(stderr, "vroomctl: cannot reach vroomd at %s: %s\n", ctx->socket, strerror(errno));
        return CTL_EREACH;
    }
    return CTL_OK;
}

int ctl_call(struct ctl_ctx *ctx, const char *method, json_t *params, const struct ctl_cmd *cmd)
{
    struct jsonrpc_error err;
    json_t *result;
    int rc;

    rc = ctl_connect(ctx);
    if (rc != CTL_OK) {
        json_decref(params);
        return rc;
    }
    rc = jsonrpc_client_call(ctx->client, method, params, &result, &err);
    if (rc < 0) {
        fprintf(stderr, "vroomctl: %s: %s\n", method,
                rc == -ECONNRESET ? "vroomd closed the connection" : strerror(-rc));
        return CTL_EREACH;
    }
    if (rc > 0) {
        fprintf(stderr, "vroomctl: %s: %s\n", method, err.message);
        jsonrpc_error_clear(&err);
        return CTL_EAPI;
    }
    if (ctx->json)
        ctl_print_json(result);
    else if (cmd != NULL && cmd->print != NULL)
        cmd->print(result);
    else if (cmd != NULL && cmd->cols != NULL && json_is_array(result))
        ctl_print_table(result, cmd->cols);
    else
        ctl_print_value(result);
    json_decref(result);
    return CTL_OK;
}

/* Positional params from the command's args spec: "vr name", "vr?" for optional. */
static int build_args(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params)
{
    char spec[128], *tok, *save = NULL;
    size_t len;
    int i = 0;

    snprintf(spec, sizeof(spec), "%s", cmd->args);
    for (tok = strtok_r(spec, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        len = strlen(tok);
        if (tok[len - 1] == '?') {
            tok[len - 1] = '\0';
            if (i >= argc)
                continue;
        } else if (i >= argc) {
            return ctl_usage(cmd, "missing %s", tok);
        }
        json_object_set_new(params, tok, json_string(argv[i++]));
    }
    if (i < argc)
        return ctl_usage(cmd, "unexpected '%s'", argv[i]);
    return CTL_OK;
}

int main(int argc, char **argv)
{
    struct ctl_ctx ctx = {0};
    const struct ctl_cmd *cmd;
    char why[256];
    json_t *params;
    long secs;
    int i, used, rc;

    ctx.socket = getenv("VROOMD_SOCKET");
    if (ctx.socket == NULL || *ctx.socket == '\0')
        ctx.socket = DEFAULT_SOCKET;
    ctx.timeout_ms = DEFAULT_TIMEOUT * 1000;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) {
            if (++i >= argc)
                return ctl_usage(NULL, "%s needs a path", argv[i - 1]);
            ctx.socket = argv[i];
        } else if (strcmp(argv[i], "--routerd") == 0) {
            if (++i >= argc)
                return ctl_usage(NULL, "%s needs a path", argv[i - 1]);
            ctx.routerd = argv[i];
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
            ctx.json = true;
        } else if (strcmp(argv[i], "--timeout") == 0) {
            if (++i >= argc || (secs = strtol(argv[i], NULL, 10)) <= 0 || secs > 86400)
                return ctl_usage(NULL, "--timeout needs a number of seconds");
            ctx.timeout_ms = (int)secs * 1000;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            argv[i] = "help";
            break;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            return ctl_usage(NULL, "unknown option %s", argv[i]);
        }
    }
    if (i >= argc)
        return ctl_usage(NULL, "no command");
    cmd = ctl_command_find(argc - i, argv + i, &used);
    if (cmd == NULL)
        return ctl_usage(NULL, "unknown command '%s'", argv[i]);
    i += used;

    if (cmd->run != NULL) {
        rc = cmd->run(&ctx, cmd, argc - i, argv + i);
    } else {
        params = json_object();
        if (params == NULL)
            return CTL_EREACH;
        if (cmd->build != NULL) {
            why[0] = '\0';
            rc = cmd->build(cmd, argc - i, argv + i, params, why, sizeof(why)) < 0
                     ? ctl_usage(cmd, "%s", why)
                     : CTL_OK;
        } else {
            rc = build_args(cmd, argc - i, argv + i, params);
        }
        if (rc == CTL_OK)
            rc = ctl_call(&ctx, cmd->method, params, cmd);
        else
            json_decref(params);
    }
    jsonrpc_client_free(ctx.client);
    return rc;
}
