/*
 * routerd.h - vroom-routerd's core: the config, the RIB, the protocol
 * instances (proto.h), redistribution between them under policy, and the
 * show API as a JSON-RPC method table. The daemon's main()
 * (src/cmd/vroom-routerd.c) adds the loop, the sockets and the FIB pusher;
 * tests drive the core without a loop. State export and import: state.h.
 */
#ifndef VROOM_ROUTING_ROUTERD_H
#define VROOM_ROUTING_ROUTERD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/config.h"
#include "routing/proto.h"
#include "routing/rib.h"

struct ev_loop;
struct jsonrpc_server;
struct fibpush;

struct routerd;

/* A core with an empty RIB and no config. loop may be NULL (tests). */
struct routerd *routerd_new(struct ev_loop *loop);
/* Stop every instance and free everything; routerd_free(NULL) does nothing. */
void routerd_free(struct routerd *rd);

/*
 * Take a first config (ownership passes, also on failure): create and init
 * every instance it names; with start, start them too. Returns 0, or -errno
 * with err filled (an instance's init failed; nothing is left running).
 */
int routerd_configure(struct routerd *rd, struct router_config *rc, bool start, char *err,
                      size_t errlen);
/* Start the instances not yet started (after a restore). */
int routerd_start(struct routerd *rd);

/*
 * Apply a new config without a restart where possible (ownership passes):
 * instances reconfigure in place or restart one by one, distances and
 * prefix lists apply at once and redistribution is fed again. *summary
 * (may be NULL) gets {reconfigured: [..], restarted: [..], added: [..],
 * removed: [..]}. Returns 0, or -errno with err filled.
 */
int routerd_reload(struct routerd *rd, struct router_config *rc, json_t **summary, char *err,
                   size_t errlen);

const struct router_config *routerd_config(const struct routerd *rd);
struct rib *routerd_rib(struct routerd *rd);
struct ev_loop *routerd_loop(const struct routerd *rd);
/* The generation counter every change of state advances (state.h). */
uint64_t *routerd_clock(struct routerd *rd);
size_t routerd_proto_count(const struct routerd *rd);
struct proto *routerd_proto_at(const struct routerd *rd, size_t i);
struct proto *routerd_proto_find(const struct routerd *rd, const char *name);
/* Mark the config changed now (its state record is exported again). */
uint64_t routerd_config_gen(const struct routerd *rd);

/* Show output (new references). family 0: both. */
json_t *routerd_show_rib(struct routerd *rd, int family, bool best_only, size_t limit);
json_t *routerd_show_prefix(struct routerd *rd, const struct inet_prefix *p); /* NULL: none */
json_t *routerd_show_protos(struct routerd *rd);
json_t *routerd_show_proto(struct routerd *rd, const char *name, const json_t *args);
json_t *routerd_show_status(struct routerd *rd);

/* The config file config.reload re-reads (copied). */
void routerd_set_config_path(struct routerd *rd, const char *path);
/* The FIB pusher fib.status reports (may be NULL). */
void routerd_set_fibpush(struct routerd *rd, struct fibpush *fp);

/* Interface link state, as linkmon.h reports it: an interface never said
 * to be down is up. routerd_iface_set on a change calls every running
 * instance's if_change hook (InterfaceDown / InterfaceUp). */
bool routerd_iface_up(const struct routerd *rd, const char *ifname);
void routerd_iface_set(struct routerd *rd, const char *ifname, bool up);

/* Register the show and control methods (docs/routing.md). */
int routerd_add_methods(struct routerd *rd, struct jsonrpc_server *srv);

/* JSON of a next-hop set: [{via?, dev?} | {type}]. */
json_t *routerd_nhg_json(const struct rib_nhg *g);

#endif
