/*
 * api.h - vroomd's data-plane hypervisor API: the JSON-RPC methods over
 * which control planes and operators change the data plane. The methods,
 * their parameters and errors are documented in docs/api.md.
 */
#ifndef VROOM_DP_API_H
#define VROOM_DP_API_H

#include <stdint.h>

struct dp;
struct ev_loop;
struct jsonrpc_server;

struct api {
    struct dp *dp;
    struct ev_loop *loop;
    const char *netns_prefix; /* containers are named PREFIX + VR name; NULL: no containers */
    const char *host;         /* this host's name */
    struct jsonrpc_server *srv;
    uint64_t start_ns;
};

/* Register every method on srv with api as their context. 0 or -errno. */
int api_register(struct api *api, struct jsonrpc_server *srv);
/* The bulk route methods (api_bulk.c); api_register() calls it. */
int api_bulk_register(struct api *api, struct jsonrpc_server *srv);

#endif
