/*
 * api.h - vroomd's data-plane hypervisor API: the JSON-RPC methods over
 * which control planes and operators change the data plane. The methods,
 * their parameters and errors are documented in docs/api.md.
 */
#ifndef VROOM_DP_API_H
#define VROOM_DP_API_H

#include <jansson.h>
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

struct vr;
struct jsonrpc_error;

/*
 * The optional `seq` of a route call: 0 and *seq set (it must be after the
 * VR's last applied one), 1 if absent (*seq untouched), or the JSON-RPC
 * error code with err filled.
 */
int api_get_seq(const struct vr *vr, const json_t *params, int64_t *seq, struct jsonrpc_error *err);

/* Register every method on srv with api as their context. 0 or -errno. */
int api_register(struct api *api, struct jsonrpc_server *srv);
/* The bulk route methods (api_bulk.c); api_register() calls it. */
int api_bulk_register(struct api *api, struct jsonrpc_server *srv);

#endif
