/*
 * vroomd - one per physical host: the data planes of the virtual routers
 * placed here, their containers, and the data-plane hypervisor API on a
 * Unix socket (docs/api.md). Everything runs in one libev loop.
 */
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/endpoint.h"
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
    fprintf(out,
            "usage: vroomd [--socket PATH] [--netns-prefix PREFIX] [--host NAME]\n"
            "              [--max-pbufs N] [--debug]\n"
            "              [--cert FILE --key FILE --ca FILE] [--peer-listen ADDR[:PORT]]\n"
            "              [--peer NAME=ADDR[:PORT]]... [--underlay ADDR]\n"
            "  --socket PATH        API socket (default /run/vroom/vroomd.sock)\n"
            "  --netns-prefix P     make a container per VR, named P + VR name\n"
            "                       (without it VRs have no container)\n"
            "  --host NAME          this host's name in status output\n"
            "  --max-pbufs N        packet buffers (default 8192)\n"
            "  --cert/--key/--ca F  this host's certificate, key and the CA: the peer channel\n"
            "  --peer-listen A[:P]  accept peers on A (port 7911 by default)\n"
            "  --peer NAME=A[:P]    a peer host to dial (NAME=: it dials us); repeatable\n"
            "  --underlay ADDR      this host's underlay address, for wires\n");
}

/* "ADDR", "ADDR:PORT", "[V6]:PORT" or a bare IPv6 address -> addr (in buf), *port (0 if none). */
static int split_addr(const char *s, char *buf, size_t len, uint16_t *port)
{
    const char *colon = strrchr(s, ':'), *p = NULL;
    char *end;
    long v;

    *port = 0;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');

        if (rb == NULL || (rb[1] != '\0' && rb[1] != ':') || (size_t)(rb - s - 1) >= len)
            return -1;
        memcpy(buf, s + 1, (size_t)(rb - s - 1));
        buf[rb - s - 1] = '\0';
        p = rb[1] == ':' ? rb + 2 : NULL;
    } else if (colon != NULL && strchr(s, ':') == colon) {
        if ((size_t)(colon - s) >= len)
            return -1;
        memcpy(buf, s, (size_t)(colon - s));
        buf[colon - s] = '\0';
        p = colon + 1;
    } else {
        if (strlen(s) >= len)
            return -1;
        strcpy(buf, s);
    }
    if (p != NULL) {
        v = strtol(p, &end, 10);
        if (*p == '\0' || *end != '\0' || v < 1 || v > 65535)
            return -1;
        *port = (uint16_t)v;
    }
    return 0;
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
        {"cert", required_argument, NULL, 'C'},
        {"key", required_argument, NULL, 'K'},
        {"ca", required_argument, NULL, 'A'},
        {"peer-listen", required_argument, NULL, 'L'},
        {"peer", required_argument, NULL, 'P'},
        {"underlay", required_argument, NULL, 'U'},
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
    struct endpoint_config ecfg = {0};
    static struct endpoint_peer_config peers[ENDPOINT_PEERS_MAX];
    static char peer_bufs[ENDPOINT_PEERS_MAX][2][72];
    char listen_addr[64], why[512];
    char host[64];
    int c;

    log_init("vroomd", LOG_LEVEL_INFO);
    gethostname(host, sizeof(host));
    api.host = host;
    while ((c = getopt_long(argc, argv, "s:n:H:b:dhC:K:A:L:P:U:", opts, NULL)) != -1) {
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
        case 'C':
            ecfg.cert_file = optarg;
            break;
        case 'K':
            ecfg.key_file = optarg;
            break;
        case 'A':
            ecfg.ca_file = optarg;
            break;
        case 'U':
            ecfg.underlay = optarg;
            break;
        case 'L':
            if (split_addr(optarg, listen_addr, sizeof(listen_addr), &ecfg.listen_port) != 0) {
                fprintf(stderr, "vroomd: --peer-listen: ADDR[:PORT]\n");
                return 2;
            }
            ecfg.listen_addr = listen_addr;
            break;
        case 'P': {
            char *eq = strchr(optarg, '=');
            size_t i = ecfg.n_peers;

            if (eq == NULL || eq == optarg || (size_t)(eq - optarg) >= sizeof(peer_bufs[0][0]) ||
                i >= ENDPOINT_PEERS_MAX ||
                (eq[1] != '\0' && split_addr(eq + 1, peer_bufs[i][1], sizeof(peer_bufs[i][1]),
                                             &peers[i].port) != 0)) {
                fprintf(stderr, "vroomd: --peer: NAME=ADDR[:PORT] (at most %d)\n",
                        ENDPOINT_PEERS_MAX);
                return 2;
            }
            memcpy(peer_bufs[i][0], optarg, (size_t)(eq - optarg));
            peer_bufs[i][0][eq - optarg] = '\0';
            peers[i].name = peer_bufs[i][0];
            peers[i].addr = eq[1] != '\0' ? peer_bufs[i][1] : NULL;
            ecfg.peers = peers;
            ecfg.n_peers++;
            break;
        }
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
    if (endpoint_ctl_start(&api, &ecfg, why, sizeof(why)) != 0)
        fatalx("%s", why);
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
    endpoint_ctl_stop();
    dp_free(api.dp);
    ev_signal_stop(loop, &sigint);
    ev_signal_stop(loop, &sigterm);
    ev_loop_destroy(loop);
    return 0;
}
