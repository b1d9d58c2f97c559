/*
 * api_wire.h - the API methods of wire ports (api_wire.c): port.add of kind
 * "wire" (api.c hands it over), port.set_remote, port.set_key, wire.stats.
 * The contract is docs/api.md, "Wires".
 */
#ifndef VROOM_DP_API_WIRE_H
#define VROOM_DP_API_WIRE_H

#include <jansson.h>

struct api;
struct jsonrpc_error;

/* port.add with kind "wire": params as the API takes them. */
int api_wire_port_add(struct api *api, json_t *params, json_t **result, struct jsonrpc_error *err);
/* Handlers (ctx: struct api). */
int api_wire_set_remote(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err);
int api_wire_set_key(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err);
int api_wire_stats(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err);

#endif
