/*
 * api_control.c - vr.control: where a VR's control plane answers. The
 * control plane in the VR's container (vroom-routerd) tells vroomd the path
 * of its own JSON-RPC socket and its PID when its FIB pusher connects;
 * vroomctl asks for them (`vroomctl vr NAME ospf ...`, `vroomctl vr NAME
 * rib`) and then talks to the control plane directly. vroomd only keeps
 * what it was told (in the container's state, container.c) and whether that
 * PID still runs; it never calls the control plane itself.
 */
#include "dp/api.h"
#include "dp/container.h"
#include "dp/dp.h"
#include "dp/vr.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int api_vr_control(void *ctx, json_t *params, json_t **result, struct jsonrpc_error *err)
{
    static const char *const allowed[] = {"vr", "socket", "pid", NULL};
    struct api *api = ctx;
    const char *name, *sock = NULL, *have;
    int64_t pid = 0;
    struct vr *vr;
    int rc, hpid = 0;

    if ((rc = jsonrpc_check_fields(params, NULL, allowed, err)) != 0 ||
        (rc = jsonrpc_get_string(params, NULL, "vr", true, VR_NAME_MAX, &name, err)) != 0)
        return rc;
    if ((vr = dp_vr_find(api->dp, name)) == NULL)
        return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "vr: no VR named %s", name);
    if ((rc = jsonrpc_get_string(params, NULL, "socket", false, CONTAINER_CONTROL_PATH_MAX, &sock,
                                 err)) < 0 ||
        (rc = jsonrpc_get_int(params, NULL, "pid", false, 1, INT32_MAX, &pid, err)) < 0)
        return rc;
    if ((sock == NULL) != (pid == 0))
        return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                 "%s: socket and pid go together", sock == NULL ? "socket" : "pid");
    if (sock != NULL) {
        if (sock[0] != '/')
            return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                     "socket: %s is not an absolute path", sock);
        for (const char *p = sock; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                return jsonrpc_error_set(err, JSONRPC_INVALID_PARAMS,
                                         "socket: a control character at %zu", (size_t)(p - sock));
        if (container_control_set(vr, sock, (int)pid) != 0)
            return jsonrpc_error_set(err, JSONRPC_NOT_FOUND, "vr: VR %s has no container", name);
        log_info("vr %s: control plane pid %d at %s", name, (int)pid, sock);
    }
    have = container_control(vr, &hpid);
    if (have == NULL) {
        *result = json_pack("{s:s,s:n,s:n,s:b}", "vr", vr->name, "socket", "pid", "running", 0);
        return 0;
    }
    *result = json_pack("{s:s,s:s,s:i,s:b}", "vr", vr->name, "socket", have, "pid", hpid,
                        "running", kill(hpid, 0) == 0 || errno == EPERM);
    return 0;
}
