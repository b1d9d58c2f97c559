/*
 * endpoint.h - the endpoint controller of one vroomd (endpoint.c): it joins
 * the peer channel (src/peer/) to the other hosts, knows the endpoints of
 * this host (VR interfaces, named "VR:IFACE"), finds remote ones through a
 * directory (by default: ask every up peer, cache the answers), makes wires
 * between endpoints on two hosts (wire.connect, both ends through the peer
 * channel) or native wires between two endpoints of this host, and moves an
 * endpoint to another host make-before-break (endpoint.move; a wire becomes
 * native when its ends meet on one host, and encap when they part). Its API methods are peer.list, peer.status,
 * endpoint.list, endpoint.move, wire.connect, wire.disconnect, wire.list
 * and wire.show (docs/api.md, "Endpoints and the peer channel"); the
 * messages it exchanges with peers and the move sequence are in
 * docs/wires.md.
 */
#ifndef VROOM_DP_ENDPOINT_H
#define VROOM_DP_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

struct api;
struct jsonrpc_server;

#define ENDPOINT_PEERS_MAX 64
#define ENDPOINT_PEER_PORT 7911

struct endpoint_peer_config {
    const char *name; /* the peer's host name, as in its certificate */
    const char *addr; /* numeric address to dial, or NULL: it dials us */
    uint16_t port;    /* 0: ENDPOINT_PEER_PORT */
};

struct endpoint_config {
    const char *cert_file, *key_file, *ca_file; /* all three, or none: no peer channel */
    const char *listen_addr;                    /* NULL: do not listen */
    uint16_t listen_port;                       /* 0: ENDPOINT_PEER_PORT */
    const char *underlay;                       /* this host's underlay address (wires) */
    const struct endpoint_peer_config *peers;
    size_t n_peers;
    unsigned grace_ms; /* old end of a moved endpoint keeps forwarding; 0: 2000 */
};

/*
 * Start the controller of this vroomd (one per process) on api's loop and
 * data plane: with certificates, the peer channel too. Returns 0, or
 * -errno with err set (a bad option, unreadable certificates, a busy port).
 * Without a call, the methods still answer (no peers, local endpoints only).
 */
int endpoint_ctl_start(struct api *api, const struct endpoint_config *cfg, char *err,
                       size_t errlen);
/* Close the peer channel and free the controller; without one, nothing. */
void endpoint_ctl_stop(void);

/* Register the controller's API methods (api_register() calls it). 0 or -errno. */
int endpoint_register(struct api *api, struct jsonrpc_server *srv);

#endif
