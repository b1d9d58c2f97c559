/*
 * kind_vrouter.c - a vroom virtual router as a lab node ("vroom-router"),
 * placed on a host node (kind_host.c). The lab asks the host's vroomd,
 * through its API, for the VR, one interface per link and address of the
 * node, a port per link (the host's end of the link's veth, named vpNa or
 * vpNb after the link's index) and the node's static routes. vroomd makes
 * the VR's container, LAB-HOST.VR. Its control plane (`control:`) runs
 * there: vroom-routerd by default (kind_routerd.c), which pushes its routes
 * (the node's static routes among them) to vroomd itself; or BIRD or FRR on
 * the node's config, whose kernel routes the shim in vroomd mirrors into the
 * VR's FIB; or none. `vroom-lab cli LAB VR` is vroomctl on the host's
 * socket; `vroom-lab cli LAB VR/control` is the control plane's own CLI.
 * A link to a VR on another host, both hosts with an underlay, is a wire
 * instead: the interface gets no port, and once both VRs exist the lab asks
 * vroomd for wire.connect (the endpoint controller makes both ends). A link
 * between two VRs on one host with `type: native` is a native wire: frames
 * pass inside vroomd, no veth and no ports.
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"
#include "lib/jsonrpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void vrouter_netns(const struct lab *lab, const struct topo_node *n, char *buf, size_t len)
{
    struct topo_node host = {0};

    snprintf(host.name, sizeof(host.name), "%s", n->host);
    host.kind = &kind_host;
    lab_node_ns(lab, &host, buf, len);
    if (strlen(buf) + 1 + strlen(n->name) < len) {
        strcat(buf, ".");
        strcat(buf, n->name);
    }
}

static void vrouter_link_end(const struct lab *lab, const struct topo_node *n, size_t link, int e,
                             char *ns, size_t nslen, char *ifname, size_t iflen)
{
    struct topo_node host = {0};

    snprintf(host.name, sizeof(host.name), "%s", n->host);
    host.kind = &kind_host;
    lab_node_ns(lab, &host, ns, nslen);
    snprintf(ifname, iflen, "vp%u%c", (unsigned)(link % 100000), e == 0 ? 'a' : 'b');
}

/* One API call (it takes params); 0, or -EIO with the daemon's message in err. */
static int call(struct jsonrpc_client *c, const struct topo_node *n, const char *method,
                json_t *params, char *err, size_t errlen)
{
    struct jsonrpc_error jerr = {0};
    json_t *result = NULL;
    int rc = jsonrpc_client_call(c, method, params, &result, &jerr);

    json_decref(result);
    if (rc == 0)
        return 0;
    snprintf(err, errlen, "node %s: vroomd %s: %s", n->name, method,
             rc == 1 ? jerr.message : strerror(-rc));
    jsonrpc_error_clear(&jerr);
    return -EIO;
}

/* Turn off the offloads that would hand an AF_PACKET port frames it cannot
 * forward as they are (TSO/GSO super-frames, checksums left to the NIC). */
static void offloads_off(struct lab *lab, const struct topo_node *any, const char *ns,
                         const char *ifname)
{
    char *argv[] = {"ip",  "netns", "exec", (char *)ns, "ethtool", "-K",  (char *)ifname, "tx",
                    "off", "tso",   "off",  "gso",      "off",     "gro", "off",          NULL};
    char out[512];

    (void)lab;
    (void)any;
    proc_run(NULL, argv, NULL, out, sizeof(out), 10000);
}

/* "PREFIX|default [via ADDR] [dev IF]" or "blackhole|unreachable|prohibit PREFIX" -> route object.
 */
static json_t *route_json(const char *text)
{
    char buf[256], *tok, *save = NULL;
    json_t *r = json_object();
    const char *dst = NULL, *via = NULL;

    snprintf(buf, sizeof(buf), "%s", text);
    for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "via") == 0 || strcmp(tok, "dev") == 0) {
            char *v = strtok_r(NULL, " \t", &save);

            if (v == NULL)
                break;
            json_object_set_new(r, tok, json_string(v));
            if (tok[0] == 'v')
                via = json_string_value(json_object_get(r, "via"));
        } else if (strcmp(tok, "blackhole") == 0 || strcmp(tok, "unreachable") == 0 ||
                   strcmp(tok, "prohibit") == 0) {
            json_object_set_new(r, "type", json_string(tok));
        } else if (dst == NULL) {
            json_object_set_new(r, "prefix", json_string(tok));
            dst = json_string_value(json_object_get(r, "prefix"));
        }
    }
    if (dst != NULL && strcmp(dst, "default") == 0)
        json_object_set_new(
            r, "prefix",
            json_string(via != NULL && strchr(via, ':') != NULL ? "::/0" : "0.0.0.0/0"));
    else if (dst != NULL && strchr(dst, '/') == NULL) {
        char full[80];

        snprintf(full, sizeof(full), "%s/%d", dst, strchr(dst, ':') != NULL ? 128 : 32);
        json_object_set_new(r, "prefix", json_string(full));
    }
    return r;
}

/* IP MTU of a VR interface on a wire over a 1500-byte underlay (docs/wires.md:
 * encap costs 50 bytes, secure 64 plus room; native nothing). */
#define WIRE_LINK_MTU_ENCAP  1450
#define WIRE_LINK_MTU_SECURE 1400
#define WIRE_LINK_MTU_NATIVE 1500 /* no overhead: frames pass inside vroomd */

/* One call whose result we want: 0 with *result, or -EIO with err. */
static int call_result(struct jsonrpc_client *c, const char *method, json_t *params,
                       json_t **result)
{
    struct jsonrpc_error jerr = {0};
    int rc = jsonrpc_client_call(c, method, params, result, &jerr);

    jsonrpc_error_clear(&jerr);
    return rc == 0 ? 0 : -EIO;
}

/*
 * Link tl between VR n (end e) and VR peer on another host is a wire: once
 * n's host has peer's host up on the peer channel, ask n's vroomd to
 * connect the two endpoints (it makes both ends) and wait until it is up.
 */
static int wire_link(struct jsonrpc_client *c, struct lab *lab, const struct topo_node *n,
                     const struct topo_node *peer, const struct topo_link *tl, int e, char *err,
                     size_t errlen)
{
    char a[64], b[64];
    json_t *res = NULL;
    int tries;

    (void)lab;
    snprintf(a, sizeof(a), "%s:%s", n->name, tl->ep[e].ifname);
    snprintf(b, sizeof(b), "%s:%s", peer->name, tl->ep[1 - e].ifname);
    if (tl->wire == TOPO_LINK_NATIVE) {
        /* both ends on this host: vroomd joins them at once, no peer channel */
        return call(c, n, "wire.connect",
                    json_pack("{s:s,s:s,s:s}", "a", a, "b", b, "type", "native"), err, errlen);
    }
    /* up to 20 s: the peer channel comes up within a second or two */
    for (tries = 0; tries < 200; tries++) {
        const char *state = "";
        int up = 0;

        if (call_result(c, "peer.list", json_object(), &res) == 0) {
            size_t i;
            json_t *p;

            json_array_foreach(res, i, p)
            {
                if (strcmp(json_string_value(json_object_get(p, "name")) ?: "", peer->host) == 0 &&
                    json_is_true(json_object_get(p, "up")) &&
                    json_is_string(json_object_get(p, "underlay")))
                    up = 1;
            }
        }
        json_decref(res);
        res = NULL;
        if (up && call_result(c, "wire.connect",
                              json_pack("{s:s,s:s,s:s}", "a", a, "b", b, "type",
                                        tl->wire == TOPO_LINK_SECURE ? "secure" : "encap"),
                              &res) == 0) {
            json_t *conn = json_incref(json_object_get(res, "connector"));

            json_decref(res);
            for (int w = 0; w < 100; w++) {
                res = NULL;
                if (call_result(c, "wire.show", json_pack("{s:O}", "connector", conn), &res) != 0)
                    break;
                state = json_string_value(json_object_get(res, "state")) ?: "";
                if (strcmp(state, "up") == 0 || strcmp(state, "failed") == 0)
                    break;
                json_decref(res);
                res = NULL;
                usleep(100000);
            }
            if (strcmp(state, "up") == 0) {
                json_decref(res);
                json_decref(conn);
                return 0;
            }
            snprintf(err, errlen, "node %s: wire %s <-> %s: %s", n->name, a, b,
                     res != NULL && json_is_string(json_object_get(res, "error"))
                         ? json_string_value(json_object_get(res, "error"))
                         : state);
            json_decref(res);
            call_result(c, "wire.disconnect", json_pack("{s:O}", "connector", conn), &res);
            json_decref(res);
            json_decref(conn);
            return -EIO;
        }
        json_decref(res);
        res = NULL;
        usleep(100000);
    }
    snprintf(err, errlen, "node %s: wire %s <-> %s: host %s is not up on %s's peer channel",
             n->name, a, b, peer->host, n->host);
    return -ETIMEDOUT;
}

static int vrouter_start(struct lab *lab, const struct topo_node *n, char *err, size_t errlen)
{
    const struct topo *t = lab_topo(lab);
    const struct topo_node *host = topo_node_find(t, n->host);
    size_t idx = (size_t)(n - t->nodes);
    struct jsonrpc_client *c;
    char sock[PATH_MAX];
    json_t *routes;
    int rc;

    if (host == NULL) {
        snprintf(err, errlen, "node %s: no host %s", n->name, n->host);
        return -ENOENT;
    }
    if ((rc = kind_node_file(lab, host, "vroomd.sock", sock, sizeof(sock))) != 0)
        return rc;
    c = jsonrpc_client_connect(sock, 5000);
    if (c == NULL) {
        snprintf(err, errlen, "node %s: vroomd of %s at %s: %s", n->name, host->name, sock,
                 strerror(errno));
        return -errno;
    }
    rc = call(c, n, "vr.create", json_pack("{s:s}", "name", n->name), err, errlen);

    /* interfaces on links: a port each */
    for (size_t i = 0; rc == 0 && i < t->n_links; i++) {
        for (int e = 0; rc == 0 && e < 2; e++) {
            const struct topo_link *tl = &t->links[i];
            const struct topo_node *peer = &t->nodes[tl->ep[1 - e].node];
            char ns[64], port[16], pns[64], pif[16];
            json_t *addrs = json_array();

            if (tl->ep[e].node != idx) {
                json_decref(addrs);
                continue;
            }
            if (tl->wire != TOPO_LINK_VETH) {
                /* a wire to a VR on another host (or a native one on
                 * this host): an interface without a port now, wired
                 * once both VRs exist */
                for (size_t a = 0; a < n->n_addrs; a++)
                    if (strcmp(n->addrs[a].ifname, tl->ep[e].ifname) == 0)
                        json_array_append_new(addrs, json_string(n->addrs[a].text));
                rc = call(c, n, "iface.add",
                          json_pack("{s:s,s:s,s:o,s:i}", "vr", n->name, "name", tl->ep[e].ifname,
                                    "addresses", addrs, "mtu",
                                    tl->mtu > 0                    ? tl->mtu
                                    : tl->wire == TOPO_LINK_SECURE ? WIRE_LINK_MTU_SECURE
                                    : tl->wire == TOPO_LINK_NATIVE ? WIRE_LINK_MTU_NATIVE
                                                                   : WIRE_LINK_MTU_ENCAP),
                          err, errlen);
                if (rc == 0 && tl->ep[1 - e].node < idx)
                    rc = wire_link(c, lab, n, peer, tl, e, err, errlen);
                continue;
            }
            vrouter_link_end(lab, n, i, e, ns, sizeof(ns), port, sizeof(port));
            if (peer->kind->link_end != NULL)
                peer->kind->link_end(lab, peer, i, 1 - e, pns, sizeof(pns), pif, sizeof(pif));
            else {
                lab_node_ns(lab, peer, pns, sizeof(pns));
                snprintf(pif, sizeof(pif), "%s", tl->ep[1 - e].ifname);
            }
            {
                char knob[96];
                char *up[] = {"ip", "-n", ns, "link", "set", port, "up", NULL};
                char *v6[] = {"ip", "netns", "exec", ns, "sysctl", "-q", "-w", knob, NULL};
                char out[256];

                snprintf(knob, sizeof(knob), "net.ipv6.conf.%s.disable_ipv6=1", port);
                proc_run(NULL, v6, NULL, out, sizeof(out), 10000);
                proc_run(NULL, up, NULL, out, sizeof(out), 10000);
            }
            offloads_off(lab, n, ns, port);
            offloads_off(lab, n, pns, pif);
            for (size_t a = 0; a < n->n_addrs; a++)
                if (strcmp(n->addrs[a].ifname, tl->ep[e].ifname) == 0)
                    json_array_append_new(addrs, json_string(n->addrs[a].text));
            rc = call(c, n, "port.add",
                      json_pack("{s:s,s:s,s:s}", "name", port, "kind", "afpacket", "ifname", port),
                      err, errlen);
            if (rc == 0)
                rc = call(c, n, "iface.add",
                          json_pack("{s:s,s:s,s:O,s:s}", "vr", n->name, "name", tl->ep[e].ifname,
                                    "addresses", addrs, "port", port),
                          err, errlen);
            if (tl->mtu > 0 && rc == 0) {
                /* the link's MTU: the VR interface's too (re-added with it) */
                rc = call(c, n, "iface.delete",
                          json_pack("{s:s,s:s}", "vr", n->name, "name", tl->ep[e].ifname), err,
                          errlen);
                if (rc == 0)
                    rc = call(c, n, "iface.add",
                              json_pack("{s:s,s:s,s:O,s:s,s:i}", "vr", n->name, "name",
                                        tl->ep[e].ifname, "addresses", addrs, "port", port, "mtu",
                                        tl->mtu),
                              err, errlen);
            }
            json_decref(addrs);
        }
    }
    /* interfaces without a link: lo (addresses on the container's loopback) */
    for (size_t a = 0; rc == 0 && a < n->n_addrs; a++) {
        int first = 1;

        if (strcmp(n->addrs[a].ifname, "lo") != 0)
            continue;
        for (size_t b = 0; b < a; b++)
            if (strcmp(n->addrs[b].ifname, "lo") == 0)
                first = 0;
        if (first) {
            json_t *addrs = json_array();

            for (size_t b = a; b < n->n_addrs; b++)
                if (strcmp(n->addrs[b].ifname, "lo") == 0)
                    json_array_append_new(addrs, json_string(n->addrs[b].text));
            rc = call(c, n, "iface.add",
                      json_pack("{s:s,s:s,s:o}", "vr", n->name, "name", "lo", "addresses", addrs),
                      err, errlen);
        }
    }
    routes = json_array();
    for (size_t r = 0; r < n->n_routes; r++)
        json_array_append_new(routes, route_json(n->routes[r]));
    /* static routes: vroom-routerd's own (the config the lab writes for it
     * holds them), else straight into the FIB */
    if (rc == 0 && n->n_routes > 0 && n->control != &kind_routerd)
        rc = call(c, n, "route.add", json_pack("{s:s,s:o}", "vr", n->name, "routes", routes), err,
                  errlen);
    else
        json_decref(routes);
    jsonrpc_client_free(c);
    if (rc == 0 && n->control != NULL)
        rc = n->control->start(lab, n, err, errlen);
    return rc;
}

static char **vrouter_cli_argv(struct lab *lab, const struct topo_node *n, int argc, char **args)
{
    const struct topo_node *host = topo_node_find(lab_topo(lab), n->host);

    return host != NULL ? kind_host.cli_argv(lab, host, argc, args) : NULL;
}

static int vrouter_ospf_full(struct lab *lab, const struct topo_node *n, int *count)
{
    if (n->control == NULL || n->control->ospf_full == NULL)
        return -EOPNOTSUPP;
    return n->control->ospf_full(lab, n, count);
}

static int vrouter_bgp_established(struct lab *lab, const struct topo_node *n, int *count)
{
    if (n->control == NULL || n->control->bgp_established == NULL)
        return -EOPNOTSUPP;
    return n->control->bgp_established(lab, n, count);
}

static int vrouter_check(const struct topo_node *n, const char *statedir, char *err, size_t errlen)
{
    if (n->control != NULL && n->control->check != NULL)
        return n->control->check(n, statedir, err, errlen);
    return 0;
}

const struct lab_kind kind_vrouter = {
    .name = "vroom-router",
    .router = 1,
    .placed = 1,
    .netns = vrouter_netns,
    .link_end = vrouter_link_end,
    .check = vrouter_check,
    .start = vrouter_start,
    .cli_argv = vrouter_cli_argv,
    .ospf_full = vrouter_ospf_full,
    .bgp_established = vrouter_bgp_established,
};
