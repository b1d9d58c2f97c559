/*
 * container.h - the network namespace a virtual router's control plane lives
 * in ("its container"), and the shim that mirrors the routes the control
 * plane installs there into the VR's FIB (VROOM's shadowd).
 *
 * The container has one tap per VR interface, with the interface's name,
 * MAC, MTU and addresses; frames punted by the pipeline are written to the
 * tap, frames the container sends are transmitted on the interface's port.
 * A VR interface named "lo" has no tap: its addresses go on the container's
 * loopback (packets to them are punted through the tap they arrive on).
 * IP forwarding is off in the container: transit never enters it.
 *
 * The shim follows the container's main routing table over netlink
 * (src/nl) and keeps its own copy of it, so that of several kernel routes
 * for one prefix (different metrics) the best is in the FIB, a delete
 * uncovers the next best, and a resync after a netlink overrun removes
 * exactly what vanished meanwhile.
 */
#ifndef VROOM_DP_CONTAINER_H
#define VROOM_DP_CONTAINER_H

#include <jansson.h>
#include <stddef.h>

struct dp;
struct vr;
struct vr_iface;
struct ev_loop;

/* Make the container (namespace netns_name) for vr with a tap per existing
 * interface. 0 or -errno with err set; nothing is left behind on failure. */
int container_create(struct dp *dp, struct vr *vr, const char *netns_name, char *err,
                     size_t errlen);
/* Remove the container and its namespace. container_free on a VR without one does nothing. */
void container_free(struct dp *dp, struct vr *vr);

/* A new interface of a VR that has a container: its tap (or lo addresses). */
int container_iface_add(struct dp *dp, struct vr_iface *ifc, char *err, size_t errlen);
/* Before an interface is deleted: its addresses leave lo (the tap goes with the port). */
void container_iface_del(struct dp *dp, struct vr_iface *ifc);

/* Start mirroring the container's main routing table into the VR's FIB
 * (events on loop). 0 or -errno with err set. */
int container_shim_start(struct dp *dp, struct vr *vr, struct ev_loop *loop, char *err,
                         size_t errlen);

/* The control plane in the container (vroom-routerd) tells vroomd where its
 * own JSON-RPC socket is (vr.control, api_control.c), so that vroomctl finds
 * it. Set: 0, or -ENOENT if the VR has no container. Get: the socket path
 * (and *pid), or NULL if none was told. */
#define CONTAINER_CONTROL_PATH_MAX 107 /* sun_path - 1 */
int container_control_set(struct vr *vr, const char *socket, int pid);
const char *container_control(const struct vr *vr, int *pid);

/* The vr.control method (api_control.c); ctx is the struct api. */
struct jsonrpc_error;
int api_vr_control(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err);

/* The container's namespace name, or NULL. */
const char *container_netns(const struct vr *vr);
/* Routes the shim holds / installed / refused (a gateway off the VR's subnets...). */
void container_shim_stats(const struct vr *vr, size_t *routes, unsigned long *installed,
                          unsigned long *refused);

#endif
