/*
 * fuzz_dp_api.c - libFuzzer harness for vroomd's route methods (src/dp/api.c
 * route.add/delete/get/list/sync with ECMP nexthops, src/dp/api_bulk.c
 * route.add_bulk/delete_bulk with data): the input is cut into lines, each a
 * JSON-RPC request dispatched through jsonrpc_server_process() to the real
 * API on a VR with two interfaces. Only route methods run (no ports,
 * containers or files). After every input the next-hop bookkeeping must
 * hold: each group's count is the routes using it, each next hop's the
 * routes using it plus the groups in use holding it.
 */
#include "dp/api.h"
#include "dp/dp.h"
#include "dp/vr.h"
#include "fib/fib4.h"
#include "fib/fib6.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed[] = {"route.add",      "route.delete",      "route.get",
                                      "route.list",     "route.sync",        "route.add_bulk",
                                      "route.delete_bulk", NULL};

/* A route method without a file parameter? */
static int allowed_line(const char *line, size_t len)
{
    json_t *j = json_loadb(line, len, 0, NULL);
    const char *m = j != NULL ? json_string_value(json_object_get(j, "method")) : NULL;
    json_t *params = j != NULL ? json_object_get(j, "params") : NULL;
    int ok = 0;

    for (int i = 0; m != NULL && allowed[i] != NULL; i++)
        ok |= strcmp(m, allowed[i]) == 0;
    if (json_is_object(params) && json_object_get(params, "file") != NULL)
        ok = 0;
    json_decref(j);
    return ok;
}

struct refs {
    const struct vr *vr;
    uint32_t *nh, *nhg;
};

static int count(uint32_t v, struct refs *r)
{
    if (v & VR_NHG_BIT) {
        if ((v & ~VR_NHG_BIT) >= r->vr->n_nhgs)
            abort();
        r->nhg[v & ~VR_NHG_BIT]++;
    } else {
        if (v >= r->vr->n_nhs)
            abort();
        r->nh[v]++;
    }
    return 0;
}

static int walk4(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    (void)addr;
    (void)len;
    return count(nh, arg);
}

static int walk6(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    (void)addr;
    (void)len;
    return count(nh, arg);
}

static void check_refs(const struct vr *vr)
{
    struct refs r = {vr, calloc(vr->n_nhs + 1, sizeof(uint32_t)),
                     calloc(vr->n_nhgs + 1, sizeof(uint32_t))};

    if (r.nh == NULL || r.nhg == NULL)
        abort();
    fib4_walk(vr->fib4, walk4, &r);
    fib6_walk(vr->fib6, walk6, &r);
    for (uint32_t g = 0; g < vr->n_nhgs; g++) {
        if (vr->nhgs[g].refcnt != r.nhg[g])
            abort();
        for (unsigned i = 0; vr->nhgs[g].refcnt > 0 && i < vr->nhgs[g].n; i++)
            r.nh[vr->nhgs[g].nh[i]]++;
    }
    for (uint32_t i = 0; i < vr->n_nhs; i++)
        if (vr->nhs[i].refcnt != r.nh[i])
            abort();
    free(r.nh);
    free(r.nhg);
}

static void call(struct jsonrpc_server *srv, const char *req)
{
    free(jsonrpc_server_process(srv, req, strlen(req)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int logged;
    struct jsonrpc_server_config cfg = {0};
    struct api api = {.host = "fuzz"};
    struct jsonrpc_server *srv;
    const char *p = (const char *)data, *end = p + size;

    if (!logged) {
        log_init("fuzz", LOG_LEVEL_ERROR);
        logged = 1;
    }
    api.dp = dp_create(NULL, NULL);
    srv = jsonrpc_server_new(NULL, &cfg);
    if (api.dp == NULL || srv == NULL || api_register(&api, srv) != 0)
        abort();
    call(srv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"vr.create\","
              "\"params\":{\"name\":\"r1\",\"container\":false}}");
    call(srv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"iface.add\",\"params\":{\"vr\":\"r1\","
              "\"name\":\"eth0\",\"addresses\":[\"10.0.1.1/24\",\"2001:db8:1::1/64\"]}}");
    call(srv, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"iface.add\",\"params\":{\"vr\":\"r1\","
              "\"name\":\"eth1\",\"addresses\":[\"10.0.2.1/24\",\"2001:db8:2::1/64\"]}}");
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl != NULL ? nl : end) - p);

        if (len > 0 && allowed_line(p, len))
            free(jsonrpc_server_process(srv, p, len));
        p += len + 1;
    }
    check_refs(dp_vr_find(api.dp, "r1"));
    jsonrpc_server_free(srv);
    dp_free(api.dp);
    return 0;
}
