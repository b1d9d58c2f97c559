/*
 * commands.c - vroomctl's command table: one row per command, mapping the
 * words people type to a vroomd JSON-RPC method (docs/api.md), with the
 * arguments it takes and how its result is shown. Simple commands need only
 * `args` (positional params); the others have a small build function. Adding
 * a command is adding a row.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

static int why_set(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int why_set(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A decimal integer in [min, max]. */
static int parse_int(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The value after an option word, or an error. */
static const char *opt_value(int argc, char **argv, int *i, char *why, size_t whylen)
{
    if (*i + 1 >= argc) {
        why_set(why, whylen, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* ---- Builders ---------------------------------------------------------- */

/* port add NAME --kind afpacket|tap --ifname IF */
static int build_port_add(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                          char *why, size_t whylen)
{
    const char *v;
    int i;

    (void)cmd;
    if (argc < 1)
        return why_set(why, whylen, "NAME is missing");
    json_object_set_new(params, "name", json_string(argv[0]));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--kind") == 0 || strcmp(argv[i], "--ifname") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            json_object_set_new(params, argv[i - 1] + 2, json_string(v));
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    if (json_object_get(params, "kind") == NULL)
        json_object_set_new(params, "kind", json_string("afpacket"));
    if (json_object_get(params, "ifname") == NULL)
        return why_set(why, whylen, "--ifname is missing");
    return 0;
}

/* iface add VR NAME --addr A [--addr B] [--mac M] [--mtu N] */
static int build_iface_add(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                           char *why, size_t whylen)
{
    json_t *addrs = json_array();
    const char *v;
    long long mtu;
    int i;

    (void)cmd;
    json_object_set_new(params, "addresses", addrs);
    if (argc < 2)
        return why_set(why, whylen, "VR and NAME are needed");
    json_object_set_new(params, "vr", json_string(argv[0]));
    json_object_set_new(params, "name", json_string(argv[1]));
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--addr") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            json_array_append_new(addrs, json_string(v));
        } else if (strcmp(argv[i], "--mac") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            json_object_set_new(params, "mac", json_string(v));
        } else if (strcmp(argv[i], "--mtu") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            if (parse_int(v, 0, 1 << 20, &mtu) < 0)
                return why_set(why, whylen, "--mtu: not a number: %s", v);
            json_object_set_new(params, "mtu", json_integer(mtu));
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    return 0;
}

/* Shared by route add/del: [seq N] anywhere after VR. Returns 1 if argv[*i] was it. */
static int take_seq(int argc, char **argv, int *i, json_t *params, char *why, size_t whylen)
{
    long long seq;
    const char *v;

    if (strcmp(argv[*i], "seq") != 0)
        return 0;
    if ((v = opt_value(argc, argv, i, why, whylen)) == NULL)
        return -1;
    if (parse_int(v, 0, (long long)((1ULL << 53) - 1), &seq) < 0)
        return why_set(why, whylen, "seq: not a number: %s", v);
    json_object_set_new(params, "seq", json_integer(seq));
    return 1;
}

/* route add VR PREFIX [via ADDR] [dev IF] [blackhole|unreachable] [seq N] */
static int build_route_add(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                           char *why, size_t whylen)
{
    json_t *r = json_object(), *routes = json_array();
    const char *v;
    int i, rc;

    (void)cmd;
    json_array_append_new(routes, r);
    json_object_set_new(params, "routes", routes);
    if (argc < 2)
        return why_set(why, whylen, "VR and PREFIX are needed");
    json_object_set_new(params, "vr", json_string(argv[0]));
    json_object_set_new(r, "prefix", json_string(argv[1]));
    for (i = 2; i < argc; i++) {
        if ((rc = take_seq(argc, argv, &i, params, why, whylen)) != 0) {
            if (rc < 0)
                return rc;
        } else if (strcmp(argv[i], "via") == 0 || strcmp(argv[i], "dev") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            json_object_set_new(r, argv[i - 1], json_string(v));
        } else if (strcmp(argv[i], "blackhole") == 0 || strcmp(argv[i], "unreachable") == 0) {
            json_object_set_new(r, "type", json_string(argv[i]));
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    return 0;
}

/* route del VR PREFIX... [seq N] */
static int build_route_del(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                           char *why, size_t whylen)
{
    json_t *routes = json_array();
    int i, rc;

    (void)cmd;
    json_object_set_new(params, "routes", routes);
    if (argc < 2)
        return why_set(why, whylen, "VR and PREFIX are needed");
    json_object_set_new(params, "vr", json_string(argv[0]));
    for (i = 1; i < argc; i++) {
        if ((rc = take_seq(argc, argv, &i, params, why, whylen)) < 0)
            return rc;
        if (rc == 0)
            json_array_append_new(routes, json_pack("{s:s}", "prefix", argv[i]));
    }
    return 0;
}

/* route list VR [4|6] [--limit N] */
static int build_route_list(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                            char *why, size_t whylen)
{
    long long n;
    const char *v;
    int i;

    (void)cmd;
    if (argc < 1)
        return why_set(why, whylen, "VR is missing");
    json_object_set_new(params, "vr", json_string(argv[0]));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "4") == 0 || strcmp(argv[i], "6") == 0) {
            json_object_set_new(params, "family", json_string(argv[i][0] == '4' ? "ipv4" : "ipv6"));
        } else if (strcmp(argv[i], "--limit") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            if (parse_int(v, 1, (long long)1 << 40, &n) < 0)
                return why_set(why, whylen, "--limit: not a positive number: %s", v);
            json_object_set_new(params, "limit", json_integer(n));
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    return 0;
}

/*
 * acl set VR IF in|out RULE...
 * RULE := permit|deny [proto tcp|udp|icmp|icmpv6|N] [src PREFIX] [dst PREFIX]
 *         [sport N] [dport N]
 * Each permit or deny starts a new rule; no rule at all clears the list.
 */
static int build_acl_set(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                         char *why, size_t whylen)
{
    json_t *rules = json_array(), *rule = NULL;
    const char *v, *k;
    long long n;
    int i;

    (void)cmd;
    json_object_set_new(params, "rules", rules);
    if (argc < 3)
        return why_set(why, whylen, "VR, IF and in|out are needed");
    if (strcmp(argv[2], "in") != 0 && strcmp(argv[2], "out") != 0)
        return why_set(why, whylen, "direction must be in or out, not '%s'", argv[2]);
    json_object_set_new(params, "vr", json_string(argv[0]));
    json_object_set_new(params, "iface", json_string(argv[1]));
    json_object_set_new(params, "direction", json_string(argv[2]));
    for (i = 3; i < argc; i++) {
        k = argv[i];
        if (strcmp(k, "permit") == 0 || strcmp(k, "deny") == 0) {
            rule = json_pack("{s:s}", "action", k);
            json_array_append_new(rules, rule);
            continue;
        }
        if (rule == NULL)
            return why_set(why, whylen, "a rule starts with permit or deny, not '%s'", k);
        if (strcmp(k, "proto") != 0 && strcmp(k, "src") != 0 && strcmp(k, "dst") != 0 &&
            strcmp(k, "sport") != 0 && strcmp(k, "dport") != 0)
            return why_set(why, whylen, "unknown rule word '%s'", k);
        if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
            return -1;
        if (strcmp(k, "sport") == 0 || strcmp(k, "dport") == 0 ||
            (strcmp(k, "proto") == 0 && v[0] >= '0' && v[0] <= '9')) {
            if (parse_int(v, 0, 65535, &n) < 0)
                return why_set(why, whylen, "%s: not a number: %s", k, v);
            json_object_set_new(rule, k, json_integer(n));
        } else {
            json_object_set_new(rule, k, json_string(v));
        }
    }
    return 0;
}

/* counters [VR] [--port P] */
static int build_counters(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                          char *why, size_t whylen)
{
    const char *v;
    int i;

    (void)cmd;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0) {
            if ((v = opt_value(argc, argv, &i, why, whylen)) == NULL)
                return -1;
            json_object_set_new(params, "port", json_string(v));
        } else if (json_object_get(params, "vr") == NULL && argv[i][0] != '-') {
            json_object_set_new(params, "vr", json_string(argv[i]));
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    return 0;
}

/* ---- Printers ---------------------------------------------------------- */

static const struct ctl_col vr_cols[] = {
    {"NAME", "name"},       {"ID", "id"},           {"IFACES", "interfaces"},
    {"ROUTES4", "routes4"}, {"ROUTES6", "routes6"}, {"CONTAINER", "container"},
    {NULL, NULL},
};
static const struct ctl_col port_cols[] = {
    {"NAME", "name"}, {"KIND", "kind"}, {"IFNAME", "ifname"}, {"BOUND_TO", "bound_to"},
    {"RX", "rx"},     {"TX", "tx"},     {"DROPS", "drops"},   {NULL, NULL},
};
static const struct ctl_col iface_cols[] = {
    {"NAME", "name"},           {"MAC", "mac"}, {"MTU", "mtu"}, {"PORT", "port"},
    {"ADDRESSES", "addresses"}, {NULL, NULL},
};
static const struct ctl_col route_cols[] = {
    {"PREFIX", "prefix"}, {"TYPE", "type"}, {"VIA", "via"}, {"DEV", "dev"}, {NULL, NULL},
};
static const struct ctl_col neigh_cols[] = {
    {"IFACE", "iface"}, {"ADDRESS", "address"}, {"MAC", "mac"}, {"STATE", "state"}, {NULL, NULL},
};

/* ACL rules, printed back in the syntax acl set takes. */
static void print_acl(json_t *result)
{
    static const char *const dirs[] = {"in", "out"};
    static const char *const words[] = {"proto", "src", "dst", "sport", "dport"};
    json_t *rules, *rule, *v;
    size_t d, i, w;
    char *cell;

    for (d = 0; d < 2; d++) {
        rules = json_object_get(result, dirs[d]);
        printf("%s:%s\n", dirs[d], json_array_size(rules) ? "" : " (no rules: permit all)");
        json_array_foreach(rules, i, rule)
        {
            cell = ctl_cell(json_object_get(rule, "action"));
            printf("  %3zu  %s", i + 1, cell ? cell : "?");
            free(cell);
            for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
                v = json_object_get(rule, words[w]);
                if (v == NULL || json_is_null(v))
                    continue;
                cell = ctl_cell(v);
                printf(" %s %s", words[w], cell ? cell : "?");
                free(cell);
            }
            printf("\n");
        }
    }
}

/* One counters object: its name, then "key value" for numbers and drops by reason. */
static void print_counter_block(const char *kind, json_t *o, int indent)
{
    json_t *v, *drops = json_object_get(o, "drops"), *ifs = json_object_get(o, "interfaces");
    const char *k;
    size_t i;

    printf("%*s%s %s\n", indent, "", kind, json_string_value(json_object_get(o, "name")) ?: "?");
    json_object_foreach(o, k, v)
    {
        if (json_is_integer(v))
            printf("%*s  %-18s %" JSON_INTEGER_FORMAT "\n", indent, "", k, json_integer_value(v));
    }
    if (json_is_object(drops)) {
        json_object_foreach(drops, k, v)
        {
            if (json_is_integer(v))
                printf("%*s  drops.%-12s %" JSON_INTEGER_FORMAT "\n", indent, "", k,
                       json_integer_value(v));
        }
    }
    json_array_foreach(ifs, i, v) print_counter_block("iface", v, indent + 2);
}

static void print_counters(json_t *result)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(result, "ports"), i, v) print_counter_block("port", v, 0);
    json_array_foreach(json_object_get(result, "vrs"), i, v) print_counter_block("vr", v, 0);
}

/* ---- Local commands ---------------------------------------------------- */

static int run_help(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
    const struct ctl_cmd *c;
    int used;
    size_t w = 0, n;

    (void)ctx;
    (void)cmd;
    if (argc > 0 && (c = ctl_command_find(argc, argv, &used)) != NULL) {
        printf("usage: vroomctl [-s SOCKET] [--json] %s%s%s\n  %s\n", c->words,
               c->usage[0] ? " " : "", c->usage, c->help);
        if (c->method != NULL)
            printf("  method: %s (docs/api.md)\n", c->method);
        return CTL_OK;
    }
    printf("usage: vroomctl [-s SOCKET] [--json] [--timeout SECONDS] [--routerd PATH] COMMAND ...\n"
           "Talks to vroomd's JSON-RPC API on SOCKET (default $VROOMD_SOCKET, else "
           "/run/vroom/vroomd.sock).\n"
           "Exit status: 0 ok, 1 the daemon refused, 2 usage, 3 the daemon cannot be "
           "reached.\n\ncommands:\n");
    for (c = ctl_commands; c->words != NULL; c++) {
        n = strlen(c->words) + 1 + strlen(c->usage);
        if (n > w)
            w = n;
    }
    if (w > 52)
        w = 52;
    for (c = ctl_commands; c->words != NULL; c++) {
        char line[256];

        snprintf(line, sizeof(line), "%s %s", c->words, c->usage);
        if (strlen(line) > w)
            printf("  %s\n  %-*s  %s\n", line, (int)w, "", c->help);
        else
            printf("  %-*s  %s\n", (int)w, line, c->help);
    }
    return CTL_OK;
}

/* call METHOD [JSON-PARAMS]: anything, for scripts; the result is always JSON. */
static int run_call(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
    json_error_t jerr;
    json_t *params = NULL;

    if (argc < 1 || argc > 2)
        return ctl_usage(cmd, "METHOD is needed");
    if (argc == 2) {
        params = json_loads(argv[1], 0, &jerr);
        if (params == NULL)
            return ctl_usage(cmd, "params: %s", jerr.text);
    }
    ctx->json = true;
    return ctl_call(ctx, argv[0], params, cmd);
}

/* A connector ID: decimal or 0x hex, 32 bits. */
static int parse_connector(const char *s, json_t *params, char *why, size_t whylen)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || v > 0xffffffffull || s[0] == '-')
        return why_set(why, whylen, "connector: '%s' is not a 32-bit number", s);
    json_object_set_new(params, "connector", json_integer((json_int_t)v));
    return 0;
}

/* wire connect A B [native|encap|secure] [--connector N] */
static int build_wire_connect(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                              char *why, size_t whylen)
{
    int pos = 0;

    (void)cmd;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--connector") == 0) {
            const char *v = opt_value(argc, argv, &i, why, whylen);

            if (v == NULL || parse_connector(v, params, why, whylen) != 0)
                return -1;
        } else if (pos < 2) {
            json_object_set_new(params, pos++ == 0 ? "a" : "b", json_string(argv[i]));
        } else if (pos == 2 && (strcmp(argv[i], "native") == 0 || strcmp(argv[i], "encap") == 0 ||
                                strcmp(argv[i], "secure") == 0)) {
            json_object_set_new(params, "type", json_string(argv[i]));
            pos++;
        } else {
            return why_set(why, whylen, "unexpected '%s'", argv[i]);
        }
    }
    if (pos < 2)
        return why_set(why, whylen, "two endpoints (VR:IFACE) are needed");
    return 0;
}

/* wire disconnect|show CONNECTOR */
static int build_connector(const struct ctl_cmd *cmd, int argc, char **argv, json_t *params,
                           char *why, size_t whylen)
{
    (void)cmd;
    if (argc != 1)
        return why_set(why, whylen, "one CONNECTOR is needed");
    return parse_connector(argv[0], params, why, whylen);
}

static const struct ctl_col peer_cols[] = {
    {"NAME", "name"},         {"STATE", "state"},       {"ADDRESS", "address"},
    {"UNDERLAY", "underlay"}, {"SESSIONS", "sessions"}, {"MSGS_IN", "msgs_in"},
    {"MSGS_OUT", "msgs_out"}, {"REFUSED", "refused"},   {NULL, NULL},
};
static const struct ctl_col endpoint_cols[] = {
    {"ENDPOINT", "endpoint"},
    {"HOST", "host"},
    {"UNDERLAY", "underlay"},
    {"STATE", "state"},
    {"PORT", "port"},
    {"WIRE", "wire"},
    {NULL, NULL},
};
static const struct ctl_col wire_cols[] = {
    {"CONNECTOR", "connector"}, {"TYPE", "type"},     {"STATE", "state"},
    {"LOCAL", "local"},         {"REMOTE", "remote"}, {"REMOTE_HOST", "remote_host"},
    {"PORT", "port"},           {"ERROR", "error"},   {NULL, NULL},
};

/* ---- The table --------------------------------------------------------- */

const struct ctl_cmd ctl_commands[] = {
    {"vr create", "vr.create", "NAME", "create a virtual router", "name"},
    {"vr delete", "vr.delete", "NAME", "delete a virtual router and all its state", "name"},
    {"vr list", "vr.list", "", "list virtual routers", "", .cols = vr_cols},
    {"vr show", "vr.show", "NAME", "show one virtual router", "name"},
    {"port add", "port.add", "NAME --kind afpacket|tap --ifname IF", "add a packet port", NULL,
     build_port_add},
    {"port delete", "port.delete", "NAME", "delete an unbound port", "name"},
    {"port list", "port.list", "", "list ports", "", .cols = port_cols},
    {"iface add", "iface.add", "VR NAME --addr A/LEN [--addr B/LEN] [--mac M] [--mtu N]",
     "add an interface to a VR", NULL, build_iface_add},
    {"iface delete", "iface.delete", "VR NAME", "delete an interface", "vr name"},
    {"iface bind", "iface.bind", "VR NAME PORT", "bind an interface to a port (re-binds live)",
     "vr name port"},
    {"iface list", "iface.list", "VR", "list a VR's interfaces", "vr", .cols = iface_cols},
    {"route add", "route.add", "VR PREFIX [via ADDR] [dev IF] [blackhole|unreachable] [seq N]",
     "add or replace a route", NULL, build_route_add},
    {"route delete", "route.delete", "VR PREFIX... [seq N]", "delete routes", NULL,
     build_route_del},
    {"route list", "route.list", "VR [4|6] [--limit N]", "list a VR's routes", NULL,
     build_route_list, .cols = route_cols},
    {"route get", "route.get", "VR ADDR", "longest-prefix match for an address", "vr address"},
    {"route sync", "route.sync", "VR", "last applied route sequence number", "vr"},
    {"route load", "route.add_bulk", "VR FILE|- [--batch N] [--inline] [--json-routes]",
     "add routes from a file (PREFIX [via ADDR] [dev IF] per line) in bulk calls", NULL,
     .run = ctl_route_load},
    {"neigh list", "neigh.list", "VR", "list a VR's neighbours", "vr", .cols = neigh_cols},
    {"neigh add", "neigh.add", "VR IFACE ADDR MAC", "add a static neighbour",
     "vr iface address mac"},
    {"neigh delete", "neigh.delete", "VR IFACE ADDR", "delete a neighbour", "vr iface address"},
    {"acl set", "acl.set", "VR IF in|out [RULE...]",
     "replace an ACL; RULE: permit|deny [proto P] [src PFX] [dst PFX] [sport N] [dport N]", NULL,
     build_acl_set},
    {"acl show", "acl.show", "VR IF", "show an interface's ACLs", "vr iface", .print = print_acl},
    {"counters", "counters.get", "[VR] [--port P]", "per port, VR and interface counters", NULL,
     build_counters, .print = print_counters},
    {"peer list", "peer.list", "", "peer hosts: state and counters", "", .cols = peer_cols},
    {"peer status", "peer.status", "", "this host's peer channel and controller counters", ""},
    {"endpoint list", "endpoint.list", "", "this host's endpoints (VR interfaces)", "",
     .cols = endpoint_cols},
    {"endpoint move", "endpoint.move", "VR:IFACE HOST",
     "move an endpoint and its wire to another host", "endpoint to"},
    {"wire connect", "wire.connect", "VR:IFACE VR:IFACE [native|encap|secure] [--connector N]",
     "wire a local endpoint to one on another host", NULL, .build = build_wire_connect},
    {"wire disconnect", "wire.disconnect", "CONNECTOR", "tear down both ends of a wire", NULL,
     .build = build_connector},
    {"wire list", "wire.list", "", "wires made by the endpoint controller", "", .cols = wire_cols},
    {"wire show", "wire.show", "CONNECTOR", "one wire with its counters", NULL,
     .build = build_connector},
    {"vr NAME ospf", NULL, "neighbors|interfaces|database|routes",
     "the VR's OSPF, from its vroom-routerd", NULL, .run = ctl_vr_routerd},
    {"vr NAME rib", NULL, "[PREFIX|ADDRESS]",
     "the VR's RIB (or a prefix's routes, or the best match), from its vroom-routerd", NULL,
     .run = ctl_vr_routerd},
    {"status", "vroomd.status", "", "daemon version, uptime and API counters", ""},
    {"call", NULL, "METHOD [JSON-PARAMS]", "call any method; prints the JSON result", NULL,
     .run = run_call},
    {"help", NULL, "[COMMAND]", "list commands, or explain one", NULL, .run = run_help},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Short forms people type. */
static const char *canonical(const char *w)
{
    if (strcmp(w, "del") == 0 || strcmp(w, "rm") == 0)
        return "delete";
    if (strcmp(w, "ls") == 0)
        return "list";
    return w;
}

const struct ctl_cmd *ctl_command_find(int argc, char **argv, int *used)
{
    const struct ctl_cmd *c, *best = NULL;
    int n, best_n = 0;
    const char *p;
    size_t len;

    int lit, best_lit = 0, wild, best_wild = 0;

    /* a word NAME in a command's words takes any word (`vr NAME ospf`); it
     * and the words after it are left to the command's run function, and a
     * command without one wins a tie on literal words (`vr show ospf` shows
     * the VR named ospf) */
    for (c = ctl_commands; c->words != NULL; c++) {
        p = c->words;
        lit = 0;
        wild = -1;
        for (n = 0; n < argc && *p != '\0'; n++) {
            len = strcspn(p, " ");
            if (len == 4 && strncmp(p, "NAME", 4) == 0) {
                if (wild < 0)
                    wild = n;
            } else if (strlen(canonical(argv[n])) != len ||
                       strncmp(canonical(argv[n]), p, len) != 0) {
                break;
            } else {
                lit++;
            }
            p += len;
            p += *p == ' ';
        }
        if (*p == '\0' && lit > best_lit) {
            best = c;
            best_lit = lit;
            best_n = n;
            best_wild = wild;
        }
    }
    *used = best != NULL && best_wild >= 0 ? best_wild : best_n;
    return best;
}
