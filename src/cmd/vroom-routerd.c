/*
 * vroom-routerd - one per virtual router, in the VR's container: the
 * router's control plane (src/routing/). Reads its YAML config, keeps the
 * RIB, runs its protocols, pushes the best routes to the VR's data plane in
 * vroomd, and answers show commands on its own JSON-RPC socket. Everything
 * runs in one libev loop. docs/routing.md describes it.
 */
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "routing/config.h"
#include "routing/fibpush.h"
#include "routing/linkmon.h"
#include "routing/routerd.h"
#include "routing/state.h"

#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vroom-routerd -c FILE [-s SOCKET] [--vroomd SOCKET --vr NAME]\n"
            "                     [--restore FILE] [--batch N] [--debug]\n"
            "       vroom-routerd --check -c FILE\n"
            "  -c, --config FILE    the router's YAML config (docs/routing.md)\n"
            "  -s, --socket PATH    routerd's JSON-RPC socket (default /run/vroom-routerd.sock)\n"
            "  --vroomd SOCKET      vroomd's API socket: push the FIB there\n"
            "  --vr NAME            the VR's name in vroomd (with --vroomd)\n"
            "  --restore FILE       start from an exported state stream (state.export)\n"
            "  --batch N            routes per route.add call (default 2000)\n"
            "  --check              validate the config, print its canonical form, exit\n");
}

struct daemon {
    struct routerd *rd;
    const char *config;
};

static void stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)revents;
    log_info("signal %d: stopping", w->signum);
    ev_break(loop, EVBREAK_ALL);
}

static void hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    struct daemon *d = w->data;
    struct router_config *rc;
    char err[CFG_ERR_MAX];
    json_t *sum = NULL;

    (void)loop;
    (void)revents;
    if ((rc = config_load(d->config, err, sizeof(err))) == NULL) {
        log_warnx("reload refused: %s", err);
        return;
    }
    if (routerd_reload(d->rd, rc, &sum, err, sizeof(err)) != 0) {
        log_warnx("reload: %s", err);
        return;
    }
    {
        char *s = json_dumps(sum, JSON_COMPACT);

        log_info("reloaded %s: %s", d->config, s ? s : "");
        free(s);
    }
    json_decref(sum);
}

static void link_cb(void *arg, const char *ifname, bool up)
{
    routerd_iface_set(arg, ifname, up);
}

static int restore(struct routerd *rd, const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL, why[512];
    size_t cap = 0, len;
    uint8_t *data;
    int rc;

    if (f == NULL || getdelim(&text, &cap, '\0', f) < 0) {
        log_warn("%s", path);
        if (f)
            fclose(f);
        free(text);
        return -1;
    }
    fclose(f);
    text[strcspn(text, "\r\n")] = '\0';
    data = state_unbase64(text, &len);
    free(text);
    if (data == NULL) {
        log_warnx("%s: not base64", path);
        return -1;
    }
    rc = state_import(rd, data, len, why, sizeof(why));
    free(data);
    if (rc != 0) {
        log_warnx("%s: %s", path, why);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"socket", required_argument, NULL, 's'},
        {"vroomd", required_argument, NULL, 'V'},  {"vr", required_argument, NULL, 'r'},
        {"restore", required_argument, NULL, 'R'}, {"batch", required_argument, NULL, 'b'},
        {"check", no_argument, NULL, 'k'},         {"debug", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *config = NULL, *sock = "/run/vroom-routerd.sock", *vroomd = NULL, *vr = NULL;
    const char *restore_from = NULL;
    struct jsonrpc_server_config scfg = {0};
    struct fibpush_config fcfg = {0};
    struct jsonrpc_server *srv;
    struct fibpush *fp = NULL;
    struct linkmon *lm = NULL;
    struct router_config *rc;
    struct ev_loop *loop;
    struct daemon d = {0};
    ev_signal sigint, sigterm, sighup;
    char err[CFG_ERR_MAX], ctl_path[PATH_MAX] = "", cwd[PATH_MAX];
    bool check = false;
    int c;

    log_init("vroom-routerd", LOG_LEVEL_INFO);
    while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 's':
            sock = optarg;
            break;
        case 'V':
            vroomd = optarg;
            break;
        case 'r':
            vr = optarg;
            break;
        case 'R':
            restore_from = optarg;
            break;
        case 'b':
            fcfg.batch = (size_t)strtoul(optarg, NULL, 10);
            break;
        case 'k':
            check = true;
            break;
        case 'd':
            log_set_level(LOG_LEVEL_DEBUG);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc || (config == NULL && restore_from == NULL) ||
        ((vroomd == NULL) != (vr == NULL))) {
        usage(stderr);
        return 2;
    }
    rc = NULL;
    if (config != NULL && (rc = config_load(config, err, sizeof(err))) == NULL) {
        fprintf(stderr, "vroom-routerd: %s\n", err);
        return 1;
    }
    if (check) {
        if (rc != NULL)
            config_print(rc, stdout);
        config_free(rc);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);
    loop = EV_DEFAULT;
    if ((d.rd = routerd_new(loop)) == NULL)
        fatal("routerd_new");
    d.config = config;
    routerd_set_config_path(d.rd, config);
    if (restore_from != NULL) {
        /* the state brings its config; a -c file given too is checked above only */
        config_free(rc);
        rc = NULL;
        if (restore(d.rd, restore_from) != 0)
            return 1;
        log_info("restored from %s", restore_from);
    } else if (routerd_configure(d.rd, rc, false, err, sizeof(err)) != 0) {
        fprintf(stderr, "vroom-routerd: %s\n", err);
        return 1;
    }
    /* vroomctl finds us through vroomd (vr.control): an absolute path */
    if (sock[0] == '/')
        snprintf(ctl_path, sizeof(ctl_path), "%s", sock);
    else if (getcwd(cwd, sizeof(cwd)) != NULL &&
             (size_t)snprintf(ctl_path, sizeof(ctl_path), "%s/%s", cwd, sock) >= sizeof(ctl_path))
        ctl_path[0] = '\0';
    if (vroomd != NULL) {
        fcfg.socket = vroomd;
        fcfg.vr = vr;
        fcfg.control = ctl_path[0] != '\0' ? ctl_path : NULL;
        if ((fp = fibpush_new(loop, routerd_rib(d.rd), &fcfg)) == NULL)
            fatal("fibpush");
        routerd_set_fibpush(d.rd, fp);
    }
    scfg.path = sock;
    if ((srv = jsonrpc_server_new(loop, &scfg)) == NULL)
        fatal("%s", sock);
    if (routerd_add_methods(d.rd, srv) != 0)
        fatalx("cannot register the methods");
    routerd_start(d.rd);
    /* interfaces going down and up in this namespace (the VR's container) */
    if ((lm = linkmon_new(loop, link_cb, d.rd)) == NULL)
        log_warn("linkmon: interfaces' link state will not be followed");

    ev_signal_init(&sigint, stop_cb, SIGINT);
    ev_signal_init(&sigterm, stop_cb, SIGTERM);
    ev_signal_init(&sighup, hup_cb, SIGHUP);
    sighup.data = &d;
    ev_signal_start(loop, &sigint);
    ev_signal_start(loop, &sigterm);
    if (config != NULL)
        ev_signal_start(loop, &sighup);
    log_info("running: socket %s%s%s", sock, vroomd ? ", vroomd " : "", vroomd ? vroomd : "");
    ev_run(loop, 0);

    /* the data plane keeps its routes: forwarding never depends on routerd */
    linkmon_free(lm);
    fibpush_free(fp);
    jsonrpc_server_free(srv);
    routerd_free(d.rd);
    ev_signal_stop(loop, &sigint);
    ev_signal_stop(loop, &sigterm);
    ev_signal_stop(loop, &sighup);
    ev_loop_destroy(loop);
    return 0;
}
