/*
 * routerd.c - vroomctl's commands answered by a VR's control plane rather
 * than by vroomd: `vr NAME ospf neighbors|interfaces|database|routes` and
 * `vr NAME rib [PREFIX|ADDRESS]`. vroomctl asks vroomd where the VR's
 * vroom-routerd listens (vr.control, which routerd sets when its FIB pusher
 * connects), or takes --routerd PATH, then calls routerd's own methods
 * (proto.list, proto.show, rib, rib.prefix, rib.lookup; docs/routing.md).
 * Tables for people; --json prints routerd's result (for ospf, the part
 * asked for) as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

static const struct ctl_col nbr_cols[] = {
    {"NEIGHBOR", "router_id"}, {"PRI", "priority"}, {"STATE", "state"},
    {"ADDRESS", "address"},    {"INTERFACE", "interface"}, {"DR", "dr"},
    {"BDR", "bdr"},            {"REQ", "requests"},   {"RXMT", "retransmissions"},
    {NULL, NULL},
};

static const struct ctl_col if_cols[] = {
    {"INTERFACE", "name"}, {"AREA", "area"}, {"TYPE", "type"},           {"STATE", "state"},
    {"ADDRESS", "address"}, {"COST", "cost"}, {"DR", "dr"},               {"BDR", "bdr"},
    {"NEIGHBORS", "neighbors"}, {NULL, NULL},
};

static const struct ctl_col db_cols[] = {
    {"AREA", "area"}, {"TYPE", "type"}, {"ID", "id"}, {"ADV-ROUTER", "adv_rtr"},
    {"SEQ", "seq"},   {"AGE", "age"},   {NULL, NULL},
};

static const struct ctl_col ospf_rt_cols[] = {
    {"PREFIX", "prefix"}, {"TYPE", "type"}, {"COST", "cost"}, {"NEXTHOPS", "nh"}, {NULL, NULL},
};

static const struct ctl_col rib_cols[] = {
    {"PREFIX", "prefix"}, {"PROTOCOL", "protocol"}, {"DIST", "distance"}, {"METRIC", "metric"},
    {"BEST", "best"},     {"NEXTHOPS", "nh"},       {NULL, NULL},
};

/* "via A dev D", "dev D", "via A", or the type, for each next hop; joined by ", ". */
static char *nexthops_text(json_t *nhs)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    json_t *nh;
    size_t i;

    if (f == NULL)
        return NULL;
    if (!json_is_array(nhs) || json_array_size(nhs) == 0)
        fputs("-", f);
    json_array_foreach(nhs, i, nh)
    {
        const char *via = json_string_value(json_object_get(nh, "via"));
        const char *dev = json_string_value(json_object_get(nh, "dev"));
        const char *type = json_string_value(json_object_get(nh, "type"));

        if (i > 0)
            fputs(", ", f);
        if (type != NULL)
            fputs(type, f);
        else if (via != NULL && dev != NULL)
            fprintf(f, "via %s dev %s", via, dev);
        else if (via != NULL)
            fprintf(f, "via %s", via);
        else
            fprintf(f, "dev %s", dev != NULL ? dev : "?");
    }
    fclose(f);
    return s;
}

int ctl_print_ospf(FILE *out, const char *what, json_t *show)
{
    const struct ctl_col *cols;
    json_t *rows = json_object_get(show, what), *r;
    size_t i;

    if (!json_is_array(rows))
        return -1;
    if (strcmp(what, "neighbors") == 0)
        cols = nbr_cols;
    else if (strcmp(what, "interfaces") == 0)
        cols = if_cols;
    else if (strcmp(what, "database") == 0)
        cols = db_cols;
    else if (strcmp(what, "routes") == 0)
        cols = ospf_rt_cols;
    else
        return -1;
    if (cols == ospf_rt_cols) {
        json_t *flat = json_array();

        json_array_foreach(rows, i, r)
        {
            json_t *row = json_copy(r);
            char *nh = nexthops_text(json_object_get(r, "nexthops"));

            json_object_set_new(row, "nh", json_string(nh != NULL ? nh : "?"));
            free(nh);
            json_array_append_new(flat, row);
        }
        ctl_print_table_to(out, flat, cols);
        json_decref(flat);
    } else {
        ctl_print_table_to(out, rows, cols);
    }
    return 0;
}

/* One table row per route of one prefix: the best marked, recursive next hops with
 * what they resolve to. */
static void rib_rows(json_t *flat, json_t *entry)
{
    const char *prefix = json_string_value(json_object_get(entry, "prefix"));
    json_t *rt;
    size_t i;

    json_array_foreach(json_object_get(entry, "routes"), i, rt)
    {
        json_t *resolved = json_object_get(rt, "resolved");
        char *nh = nexthops_text(json_object_get(rt, "nexthops")), *res = NULL, *text = NULL;
        json_t *row = json_pack("{s:s,s:O,s:O,s:O,s:s}", "prefix", i == 0 ? prefix ?: "?" : "",
                                "protocol", json_object_get(rt, "protocol"), "distance",
                                json_object_get(rt, "distance"), "metric",
                                json_object_get(rt, "metric"), "best",
                                json_is_true(json_object_get(rt, "best")) ? "*" : "");

        if (json_is_array(resolved))
            res = nexthops_text(resolved);
        else if (json_object_get(rt, "resolved") != NULL && json_is_null(resolved))
            res = strdup("unresolved");
        if (res != NULL && asprintf(&text, "%s (%s)", nh != NULL ? nh : "?", res) < 0)
            text = NULL;
        json_object_set_new(row, "nh",
                            json_string(text != NULL ? text : nh != NULL ? nh : "?"));
        free(text);
        free(res);
        free(nh);
        json_array_append_new(flat, row);
    }
}

void ctl_print_rib(FILE *out, json_t *rib)
{
    json_t *flat = json_array(), *e;
    size_t i;

    if (json_is_array(rib)) {
        json_array_foreach(rib, i, e) rib_rows(flat, e);
    } else if (json_is_object(rib) && json_is_array(json_object_get(rib, "routes"))) {
        rib_rows(flat, rib);
    } else if (json_is_object(rib)) {
        /* rib.lookup: one route, with its prefix */
        json_t *one = json_pack("{s:O,s:[O]}", "prefix", json_object_get(rib, "prefix"),
                                "routes", rib);

        if (one != NULL)
            rib_rows(flat, one);
        json_decref(one);
    }
    ctl_print_table_to(out, flat, rib_cols);
    json_decref(flat);
}

/* A call on an open client: 0 with *result, or an exit code with the error printed. */
static int rd_call(struct jsonrpc_client *c, const char *who, const char *method, json_t *params,
                   json_t **result)
{
    struct jsonrpc_error err;
    int rc = jsonrpc_client_call(c, method, params, result, &err);

    if (rc < 0) {
        fprintf(stderr, "vroomctl: %s %s: %s\n", who, method,
                rc == -ECONNRESET ? "closed the connection" : strerror(-rc));
        return CTL_EREACH;
    }
    if (rc > 0) {
        fprintf(stderr, "vroomctl: %s %s: %s\n", who, method, err.message);
        jsonrpc_error_clear(&err);
        return CTL_EAPI;
    }
    return CTL_OK;
}

/* The path of vr's routerd socket (malloc'd): --routerd, else vroomd's vr.control. */
static int find_routerd(struct ctl_ctx *ctx, const char *vr, char **path)
{
    json_t *res = NULL;
    const char *sock;
    int rc;

    if (ctx->routerd != NULL) {
        *path = strdup(ctx->routerd);
        return *path != NULL ? CTL_OK : CTL_EREACH;
    }
    if ((rc = ctl_connect(ctx)) != CTL_OK)
        return rc;
    if ((rc = rd_call(ctx->client, "vroomd", "vr.control", json_pack("{s:s}", "vr", vr), &res)) !=
        CTL_OK)
        return rc;
    sock = json_string_value(json_object_get(res, "socket"));
    if (sock == NULL) {
        fprintf(stderr,
                "vroomctl: VR %s has no control plane known to vroomd (vroom-routerd tells it "
                "when it connects; or give --routerd PATH)\n",
                vr);
        json_decref(res);
        return CTL_EAPI;
    }
    if (!json_is_true(json_object_get(res, "running")))
        fprintf(stderr, "vroomctl: warning: VR %s's control plane (pid %" JSON_INTEGER_FORMAT
                        ") is not running\n",
                vr, json_integer_value(json_object_get(res, "pid")));
    *path = strdup(sock);
    json_decref(res);
    return *path != NULL ? CTL_OK : CTL_EREACH;
}

/* The name of routerd's OSPF instance (malloc'd), or NULL with the reason printed. */
static char *ospf_instance(struct jsonrpc_client *c, const char *vr, int *rc)
{
    json_t *list = NULL, *p;
    char *name = NULL;
    size_t i;

    if ((*rc = rd_call(c, "vroom-routerd", "proto.list", json_object(), &list)) != CTL_OK)
        return NULL;
    json_array_foreach(list, i, p)
    {
        const char *proto = json_string_value(json_object_get(p, "protocol"));
        const char *n = json_string_value(json_object_get(p, "name"));

        if (name == NULL && proto != NULL && n != NULL && strcmp(proto, "ospf") == 0)
            name = strdup(n);
    }
    json_decref(list);
    if (name == NULL) {
        fprintf(stderr, "vroomctl: VR %s's vroom-routerd runs no OSPF\n", vr);
        *rc = CTL_EAPI;
    }
    return name;
}

int ctl_vr_routerd(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
    static const char *const whats[] = {"neighbors", "interfaces", "database", "routes", NULL};
    bool ospf = strstr(cmd->words, "ospf") != NULL;
    const char *vr, *what = NULL, *arg = NULL;
    struct jsonrpc_client *c;
    json_t *res = NULL;
    char *path = NULL;
    int rc;

    /* argv: NAME ospf WHAT | NAME rib [PREFIX|ADDRESS] */
    if (argc < 2)
        return ctl_usage(cmd, "NAME is missing");
    vr = argv[0];
    if (ospf) {
        if (argc < 3)
            return ctl_usage(cmd, "say what: neighbors, interfaces, database or routes");
        for (int i = 0; whats[i] != NULL; i++)
            if (strcmp(argv[2], whats[i]) == 0 ||
                (strlen(argv[2]) >= 3 && strncmp(whats[i], argv[2], strlen(argv[2])) == 0))
                what = whats[i];
        if (what == NULL)
            return ctl_usage(cmd, "'%s' is not neighbors, interfaces, database or routes", argv[2]);
        if (argc > 3)
            return ctl_usage(cmd, "unexpected '%s'", argv[3]);
    } else {
        if (argc > 3)
            return ctl_usage(cmd, "unexpected '%s'", argv[3]);
        arg = argc == 3 ? argv[2] : NULL;
    }
    if ((rc = find_routerd(ctx, vr, &path)) != CTL_OK)
        return rc;
    c = jsonrpc_client_connect(path, ctx->timeout_ms);
    if (c == NULL) {
        fprintf(stderr, "vroomctl: cannot reach vroom-routerd of %s at %s: %s\n", vr, path,
                strerror(errno));
        free(path);
        return CTL_EREACH;
    }
    free(path);
    if (ospf) {
        char *inst = ospf_instance(c, vr, &rc);

        if (inst != NULL)
            rc = rd_call(c, "vroom-routerd", "proto.show", json_pack("{s:s}", "name", inst), &res);
        free(inst);
        if (rc == CTL_OK) {
            if (ctx->json)
                ctl_print_json(json_object_get(res, what));
            else if (ctl_print_ospf(stdout, what, res) != 0)
                rc = CTL_EAPI;
        }
    } else {
        if (arg == NULL)
            rc = rd_call(c, "vroom-routerd", "rib", json_object(), &res);
        else if (strchr(arg, '/') != NULL)
            rc = rd_call(c, "vroom-routerd", "rib.prefix", json_pack("{s:s}", "prefix", arg), &res);
        else
            rc = rd_call(c, "vroom-routerd", "rib.lookup", json_pack("{s:s}", "address", arg),
                         &res);
        if (rc == CTL_OK) {
            if (ctx->json)
                ctl_print_json(res);
            else
                ctl_print_rib(stdout, res);
        }
    }
    json_decref(res);
    jsonrpc_client_free(c);
    return rc;
}
