/*
 * dp.h - vroomd's data plane: the virtual routers of one host, the ports they
 * are bound to, and the packet pipeline between them (pipeline.c).
 *
 * Single-threaded and event-driven: every port with a descriptor has a libev
 * watcher; a wake-up receives a burst, runs each frame through the pipeline,
 * and flushes what it queued for transmission per port. Nothing busy-polls.
 * A data plane without a loop (unit tests) is driven by dp_poll_port() and
 * dp_tick() with a clock the test sets.
 */
#ifndef VROOM_DP_DP_H
#define VROOM_DP_DP_H

#include <stddef.h>
#include <stdint.h>

#include "dp/counters.h"
#include "dp/pbuf.h"

#define DP_VRS_MAX   1024
#define DP_PORTS_MAX 4096

struct ev_loop;
struct port;
struct vr;
struct vr_iface;

struct dp_config {
    unsigned max_pbufs;  /* 0: 8192 */
    unsigned icmp_rate;  /* ICMP errors per second per VR; 0: 1000 */
    unsigned icmp_burst; /* bucket size; 0: 100 */
};

struct dp;

/* loop may be NULL (tests). NULL on ENOMEM. dp_free(NULL) does nothing. */
struct dp *dp_create(struct ev_loop *loop, const struct dp_config *cfg);
void dp_free(struct dp *dp);

/* Virtual routers. */
struct vr *dp_vr_create(struct dp *dp, const char *name, char *err, size_t errlen);
int dp_vr_delete(struct dp *dp, const char *name);
struct vr *dp_vr_find(const struct dp *dp, const char *name);
/* The i-th VR slot (NULL if empty), for listing; i < DP_VRS_MAX. */
struct vr *dp_vr_at(const struct dp *dp, unsigned i);

/* Ports: open and watch. 0 or -errno with err. */
int dp_port_add(struct dp *dp, const char *kind, const char *name, const char *ifname, int fd,
                struct port **out, char *err, size_t errlen);
/* Unbinds and closes the port. */
int dp_port_delete(struct dp *dp, const char *name);
struct port *dp_port_find(const struct dp *dp, const char *name);
struct port *dp_port_at(const struct dp *dp, unsigned i);

/* Delete a VR interface, closing its tap. 0 or -ENOENT. */
int dp_iface_delete(struct dp *dp, struct vr *vr, const char *name);

/* Attach the container tap (an open descriptor, or a mem port in tests) of a
 * VR interface: frames punted for it go there, frames read from it leave by
 * the interface's port. Takes ownership of tap, which must come from
 * port_open() (not dp_port_add()). */
int dp_iface_set_tap(struct dp *dp, struct vr_iface *ifc, struct port *tap);

/* Receive and process one burst from p (what a watcher does). Returns frames. */
unsigned dp_poll_port(struct dp *dp, struct port *p);
/* Timers: neighbour retries, ageing. Called every 100 ms by the loop. */
void dp_tick(struct dp *dp);

/* The clock (CLOCK_MONOTONIC ns) unless a test set another. */
uint64_t dp_now(const struct dp *dp);
void dp_set_clock(struct dp *dp, uint64_t (*now)(void *arg), void *arg);

struct pbuf_pool *dp_pool(const struct dp *dp);
const struct dp_config *dp_config(const struct dp *dp);

/* Host-level counters (frames on unbound ports). */
const struct counters *dp_counters(const struct dp *dp);

#endif
