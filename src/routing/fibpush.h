/*
 * fibpush.h - pushes the RIB's best routes to the VR's data plane in vroomd
 * through the data-plane hypervisor API (docs/api.md: route.add,
 * route.delete, route.sync), the way FRR's FPM feeds a forwarding plane.
 *
 * It follows the RIB's change stream (rib.h): each change queues the
 * prefix's new state, in order (not coalesced: a prefix changed twice before
 * it is sent goes twice). Queued changes go out in batches, each one
 * route.add or route.delete call of up to `batch` routes with the next
 * sequence number; one call is in flight at a time, on a non-blocking socket
 * in the daemon's libev loop, so the loop never waits for vroomd. A batch
 * vroomd refuses (all or nothing) is sent again one route per call, so the
 * bad route is found, logged and counted and the others applied.
 *
 * Reconnect: after the socket fails or a call times out, it reconnects
 * (backing off to 5 s) and asks route.sync for vroomd's last applied seq S.
 * If S is what vroomd last confirmed (or the batch in flight), it sends the
 * batch in flight again if vroomd did not apply it, then the changes queued
 * meanwhile; otherwise (vroomd lost its state) a full resync: route.list,
 * delete what vroomd has that the RIB does not, then add every best route.
 * The first connection is a full resync. With `control` set, each
 * connection first tells vroomd (vr.control) where routerd's own JSON-RPC
 * socket is and its PID, which is how vroomctl finds routerd.
 *
 * Next hops: vroomd's routes have one next hop, so an ECMP set goes as its
 * first next hop (`via` + `dev`); blackhole/unreachable/prohibit as types.
 */
#ifndef VROOM_ROUTING_FIBPUSH_H
#define VROOM_ROUTING_FIBPUSH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct rib;
struct fibpush;

struct fibpush_config {
    const char *socket; /* vroomd's API socket */
    const char *vr;     /* the VR's name in vroomd */
    const char *control; /* routerd's own socket: told to vroomd (vr.control) on connect */
    size_t batch;       /* routes per call; default 2000 */
    int timeout_ms;     /* per call; default 30000 */
};

/* Start pushing rib to vroomd (connects from the loop). NULL with errno. */
struct fibpush *fibpush_new(struct ev_loop *loop, struct rib *rib,
                            const struct fibpush_config *cfg);
/* fibpush_free(NULL) does nothing. */
void fibpush_free(struct fibpush *fp);

/* Connected, resynchronised, nothing queued and nothing in flight. */
bool fibpush_idle(const struct fibpush *fp);
/* Drop the connection and reconnect at once (tests; an operator's kick). */
void fibpush_reconnect(struct fibpush *fp);

/* {connected, seq, confirmed_seq, queued, in_flight, batches, routes_added,
 *  routes_deleted, replays, full_resyncs, errors, last_error} */
json_t *fibpush_status_json(const struct fibpush *fp);

#endif
