/*
 * vroomd - one per physical host: the data planes of the virtual routers
 * placed here, their containers, and the data-plane hypervisor API on a
 * Unix socket (docs/api.md). Everything runs in one libev loop.
 */
#include "dp/api.h"
#include "dp/dp.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"

#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: vroomd [--socket PATH] [--netns-prefix PREFIX] [--host NAME]\n"
                 "              [--max-pbufs N] [--debug]\n"
                 "  --socket PATH        API socket (default /run/vroom/vroomd.sock)\n"
                 "  --netns-prefix P     make a container per VR, named P + VR name\n"
                 "                       (without it VRs have no container)\n"
                 "  --host NAME          this host's name in status output\n"
                 "  --max-pbufs N        packet buffers (default 8192)\n");
}

static void stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    (void)revents;
    log_info("signal %d: stopping", w->signum);
    ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"netns-prefix", required_argument, NULL, 'n'},
        {"host", required_argument, NULL, 'H'},
        {"max-pbufs", required_argument, NULL, 'b'},
        {"debug", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sock = "/run/vroom/vroomd.sock";
    struct dp_config cfg = {0};
    struct api api = {0};
    struct jsonrpc_server_config scfg = {0};
    struct jsonrpc_server *srv;
    struct ev_loop *loop = EV_DEFAULT;
    ev_signal sigint, sigterm;
    char host[64];
    int c;

    log_init("vroomd", LOG_LEVEL_INFO);
    gethostname(host, sizeof(host));
    api.host = host;
    while ((c = getopt_long(argc, argv, "s:n:H:b:dh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            sock = optarg;
            break;
        case 'n':
            api.netns_prefix = optarg;
            break;
        case 'H':
            api.host = optarg;
            break;
        case 'b': {
            char *end;
            long v = strtol(optarg, &end, 10);

            if (*end != '\0' || v < 256 || v > 1 << 22) {
                fprintf(stderr, "vroomd: --max-pbufs: a number from 256 to %d\n", 1 << 22);
                return 2;
            }
            cfg.max_pbufs = (unsigned)v;
            break;
        }
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
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    {
        /* the socket's directory, if it is the default one */
        char dir[256];
        char *slash;

        snprintf(dir, sizeof(dir), "%s", sock);
        slash = strrchr(dir, '/');
        if (slash != NULL && slash != dir) {
            *slash = '\0';
            mkdir(dir, 0755);
        }
    }
    api.dp = dp_create(loop, &cfg);
    if (api.dp == NULL)
        fatalx("out of memory");
    api.loop = loop;
    scfg.path = sock;
    scfg.mode = 0660;
    srv = jsonrpc_server_new(loop, &scfg);
    if (srv == NULL)
        fatal("API socket %s", sock);
    if (api_register(&api, srv) != 0)
        fatalx("registering API methods");
    ev_signal_init(&sigint, stop_cb, SIGINT);
    ev_signal_init(&sigterm, stop_cb, SIGTERM);
    ev_signal_start(loop, &sigint);
    ev_signal_start(loop, &sigterm);
    log_info("vroom %s: API on %s%s%s", VROOM_VERSION, sock,
             api.netns_prefix != NULL ? ", containers " : "",
             api.netns_prefix != NULL ? api.netns_prefix : "");
    ev_run(loop, 0);

    /* containers are namespaces: remove them with the VRs */
    jsonrpc_server_free(srv);
    dp_free(api.dp);
    ev_signal_stop(loop, &sigint);
    ev_signal_stop(loop, &sigterm);
    ev_loop_destroy(loop);
    return 0;
}
