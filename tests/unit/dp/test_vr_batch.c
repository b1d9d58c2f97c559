/*
 * test_vr_batch.c - route batches (vr_route_check/add/del_batch in
 * src/dp/vr.c) against the route-by-route calls they must equal, and the
 * bulk API methods route.add_bulk / route.delete_bulk (src/dp/api_bulk.c)
 * called through jsonrpc_server_process: the record format of docs/api.md,
 * errors that name the record, nothing applied on any error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "dp/api.h"
#include "dp_test.h"
#include "fib/fib4.h"
#include "fib/fib6.h"
#include "lib/jsonrpc.h"

static int setup(void **state)
{
    *state = t_env_create(NULL);
    return 0;
}

static int teardown(void **state)
{
    struct t_env *e = *state;

    dp_free(e->dp);
    free(e);
    return 0;
}

static const struct nh *lookup(const struct vr *vr, const char *a)
{
    struct inet_addr x = t_addr(a);

    return vr_route_lookup(vr, &x);
}

/* The route for dst is a next hop of type via gw (or no gw) on iface. */
static void expect_nh(const struct vr *vr, const char *dst, enum nh_type type,
                      const struct vr_iface *ifc, const char *gw)
{
    const struct nh *nh = lookup(vr, dst);

    assert_non_null(nh);
    assert_int_equal(nh->type, type);
    if (ifc != NULL)
        assert_int_equal(nh->iface, ifc->index);
    if (gw != NULL) {
        struct inet_addr g = t_addr(gw);

        assert_int_equal(nh->gw.family, g.family);
        assert_memory_equal(nh->gw.u.bytes, g.u.bytes, g.family == AF_INET ? 4 : 16);
    }
}

/* ---- a VR's routes and references, to compare two VRs ---------------------- */

struct dump {
    char (*lines)[96];
    size_t n, cap;
    const struct vr *vr;
};

static void dump_add(struct dump *d, const struct inet_prefix *p, uint32_t nh)
{
    const struct nh *h = vr_nh(d->vr, nh);
    char pb[INET_PREFIX_STRLEN], gb[INET_ADDR_STRLEN] = "-";

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->lines = realloc(d->lines, d->cap * sizeof(*d->lines));
        assert_non_null(d->lines);
    }
    if (h->type == NH_UNICAST)
        inet_addr_format(&h->gw, gb, sizeof(gb));
    snprintf(d->lines[d->n++], sizeof(d->lines[0]), "%s %d %u %s",
             inet_prefix_format(p, pb, sizeof(pb)), h->type, h->iface, gb);
}

static int dump4(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    struct inet_prefix p = {.addr.family = AF_INET, .len = len};

    p.addr.u.v4.s_addr = htonl(addr);
    dump_add(arg, &p, nh);
    return 0;
}

static int dump6(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    struct inet_prefix p = {.addr.family = AF_INET6, .len = len};

    memcpy(p.addr.u.bytes, addr, 16);
    dump_add(arg, &p, nh);
    return 0;
}

/* Same routes, same next hops, and every next hop's reference count equals
 * the routes that use it. */
static void expect_same(const struct vr *a, const struct vr *b)
{
    struct dump da = {.vr = a}, db = {.vr = b};

    fib4_walk(a->fib4, dump4, &da);
    fib6_walk(a->fib6, dump6, &da);
    fib4_walk(b->fib4, dump4, &db);
    fib6_walk(b->fib6, dump6, &db);
    assert_int_equal(da.n, db.n);
    for (size_t i = 0; i < da.n; i++)
        assert_string_equal(da.lines[i], db.lines[i]);
    free(da.lines);
    free(db.lines);
}

static uint32_t refs_by_walk[4096];

static uint32_t group_refs_by_walk[4096];

static void count_ref(uint32_t nh)
{
    if (nh & VR_NHG_BIT)
        group_refs_by_walk[nh & ~VR_NHG_BIT]++;
    else
        refs_by_walk[nh]++;
}

static int count4(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    (void)addr, (void)len, (void)arg;
    count_ref(nh);
    return 0;
}

static int count6(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    (void)addr, (void)len, (void)arg;
    count_ref(nh);
    return 0;
}

/* Every group's count equals the routes that use it; every next hop's, the
 * routes that use it plus the groups in use that hold it. */
static void expect_refcounts(const struct vr *vr)
{
    memset(refs_by_walk, 0, sizeof(refs_by_walk));
    memset(group_refs_by_walk, 0, sizeof(group_refs_by_walk));
    assert_true(vr->n_nhs < 4096 && vr->n_nhgs < 4096);
    fib4_walk(vr->fib4, count4, NULL);
    fib6_walk(vr->fib6, count6, NULL);
    for (uint32_t g = 0; g < vr->n_nhgs; g++) {
        assert_int_equal(vr->nhgs[g].refcnt, group_refs_by_walk[g]);
        for (unsigned i = 0; vr->nhgs[g].refcnt > 0 && i < vr->nhgs[g].n; i++)
            refs_by_walk[vr->nhgs[g].nh[i]]++;
    }
    for (uint32_t i = 0; i < vr->n_nhs; i++)
        assert_int_equal(vr->nhs[i].refcnt, refs_by_walk[i]);
}

/* ---- random routes ------------------------------------------------------------ */

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* A route that passes vr_route_check in the VR of t_env_create: a few
 * prefixes drawn from a small space (so duplicates happen), sometimes one of
 * the VR's own prefixes, next hops of every kind. */
static struct vr_route random_route(const struct t_env *e)
{
    static const char *const gw4[] = {"10.0.2.2", "10.0.2.3", "10.0.1.9", "10.0.3.7"};
    static const char *const gw6[] = {"2001:db8:2::2", "2001:db8:1::5"};
    static const char *const own[] = {"10.0.1.0/24", "10.0.2.1/32", "2001:db8:1::/64",
                                      "2001:db8:2::1/128", "fe80::/64"};
    struct vr_route r = {.iface = -1};
    int v6 = rnd() % 4 == 0;

    if (rnd() % 50 == 0) {
        r.dst = t_prefix(own[rnd() % 5]);
    } else if (!v6) {
        uint32_t len = 8 + rnd() % 25, a = (rnd() % 64) << 24 | (rnd() % 4) << 16 | rnd() % 256;

        a &= len == 32 ? ~0u : ~(0xffffffffu >> len);
        r.dst.addr.family = AF_INET;
        r.dst.addr.u.v4.s_addr = htonl(a);
        r.dst.len = len;
    } else {
        r.dst.addr.family = AF_INET6;
        r.dst.addr.u.bytes[0] = 0x20;
        r.dst.addr.u.bytes[1] = 0x01;
        r.dst.addr.u.bytes[2] = (uint8_t)(rnd() % 4);
        r.dst.addr.u.bytes[5] = (uint8_t)(rnd() % 16);
        r.dst.len = 48 + rnd() % 17;
    }
    switch (rnd() % 8) {
    case 0:
        r.type = NH_BLACKHOLE;
        break;
    case 1:
        r.type = NH_UNREACHABLE;
        break;
    case 2:
        r.type = NH_CONNECTED;
        r.iface = e->if3->index;
        break;
    case 3:
        r.type = NH_UNICAST;
        r.iface = e->if1->index; /* a gateway with dev given */
        r.gw = t_addr(r.dst.addr.family == AF_INET ? "10.0.1.77" : "2001:db8:1::77");
        break;
    default:
        r.type = NH_UNICAST;
        r.gw = t_addr(r.dst.addr.family == AF_INET ? gw4[rnd() % 4] : gw6[rnd() % 2]);
    }
    return r;
}

/* A second VR with the same interfaces as e's, for comparisons. */
static struct vr *twin(struct t_env *e)
{
    static const char *const a1[] = {"10.0.1.1/24", "2001:db8:1::1/64", "fe80::1:1/64", NULL};
    static const char *const a2[] = {"10.0.2.1/24", "2001:db8:2::1/64", "fe80::2:1/64", NULL};
    static const char *const a3[] = {"10.0.3.1/24", NULL};
    char err[128];
    struct vr *vr = dp_vr_create(e->dp, "twin", err, sizeof(err));

    assert_non_null(vr);
    t_iface(vr, "eth1", T_MAC_IF1, 1500, a1);
    t_iface(vr, "eth2", T_MAC_IF2, 1500, a2);
    t_iface(vr, "eth3", T_MAC_IF3, 1500, a3);
    t_route(vr, "192.0.2.0/24", NH_UNICAST, "10.0.2.2");
    t_route(vr, "198.51.100.0/24", NH_BLACKHOLE, NULL);
    t_route(vr, "203.0.113.0/24", NH_UNREACHABLE, NULL);
    t_route(vr, "100.64.0.0/24", NH_PROHIBIT, NULL);
    t_route(vr, "2001:db8:99::/48", NH_UNICAST, "2001:db8:2::2");
    t_route(vr, "2001:db8:98::/48", NH_UNREACHABLE, NULL);
    return vr;
}

/* 1. Random batches (duplicates, own prefixes, replacements, both families,
 * small and large) leave the same routes and next hops as adding each route
 * by itself, with exact reference counts; deleting in batches too. */
static void test1_batch_equals_one_by_one(void **state)
{
    struct t_env *e = *state;
    struct vr *b = twin(e);
    static const size_t sizes[] = {1, 7, 100, 3000, 20000, 5};
    char err[128];
    size_t bad, deleted;

    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k], del_a = 0;
        struct vr_route *rs = calloc(n, sizeof(*rs));

        for (size_t i = 0; i < n; i++)
            rs[i] = random_route(e);
        assert_int_equal(vr_route_check_batch(e->vr, rs, n, &bad, err, sizeof(err)), 0);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(vr_route_check(e->vr, &rs[i], err, sizeof(err)), 0);
            assert_int_equal(vr_route_add(e->vr, &rs[i]), 0);
        }
        assert_int_equal(vr_route_add_batch(b, rs, n), 0);
        expect_same(e->vr, b);
        expect_refcounts(e->vr);
        expect_refcounts(b);
        /* delete a random third of them both ways */
        for (size_t i = 0; i < n; i++)
            rs[i] = random_route(e);
        for (size_t i = 0; i < n / 3; i++)
            del_a += vr_route_del(e->vr, &rs[i].dst) == 0;
        assert_int_equal(vr_route_del_batch(b, rs, n / 3, &deleted), 0);
        assert_int_equal(deleted, del_a);
        expect_same(e->vr, b);
        expect_refcounts(b);
        free(rs);
    }
    /* sorted input without duplicates takes the one-pass path */
    {
        struct vr_route rs[256];

        for (unsigned i = 0; i < 256; i++) {
            rs[i] = (struct vr_route){.dst = t_prefix("20.0.0.0/24"),
                                      .type = NH_UNICAST,
                                      .iface = -1,
                                      .gw = t_addr("10.0.2.2")};
            rs[i].dst.addr.u.bytes[2] = (uint8_t)i;
            assert_int_equal(vr_route_add(e->vr, &rs[i]), 0);
        }
        assert_int_equal(vr_route_add_batch(b, rs, 256), 0);
        expect_same(e->vr, b);
        expect_refcounts(b);
    }
    assert_int_equal(dp_vr_delete(e->dp, "twin"), 0);
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
}

/* 2. The batch check refuses what vr_route_check refuses, names the first bad
 * route, and gives vr_route_check's reason, also after routes whose next hop
 * it remembered as good. */
static void test2_check_batch(void **state)
{
    struct t_env *e = *state;
    struct vr_route rs[4];
    char err[128], want[128];
    size_t bad = 99;

    for (int i = 0; i < 4; i++)
        rs[i] = (struct vr_route){.dst = t_prefix("20.0.0.0/24"),
                                  .type = NH_UNICAST,
                                  .iface = -1,
                                  .gw = t_addr("10.0.2.2")};
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), 0);
    /* host bits */
    rs[2].dst.addr.u.bytes[3] = 1;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 2);
    assert_int_equal(vr_route_check(e->vr, &rs[2], want, sizeof(want)), -EINVAL);
    assert_string_equal(err, want);
    rs[2].dst.addr.u.bytes[3] = 0;
    /* a length past the family's */
    rs[1].dst.len = 33;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 1);
    rs[1].dst.len = 24;
    /* a gateway off every connected subnet, after a good one */
    rs[3].gw = t_addr("10.0.9.9");
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(err, "via:"));
    /* the VR's own address as a gateway */
    rs[3].gw = t_addr("10.0.2.1");
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 3);
    rs[3].gw = t_addr("10.0.2.2");
    /* a gateway of the other family */
    rs[0].gw = t_addr("2001:db8:2::2");
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 0);
    rs[0].gw = t_addr("10.0.2.2");
    /* local is not a type the API sets; connected needs dev; no such iface */
    rs[1].type = NH_LOCAL;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 1);
    rs[1].type = NH_CONNECTED;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    rs[1].iface = 40;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 1);
    rs[1].iface = e->if3->index;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), 0);
    /* IPv6 host bits past a length that is not a multiple of 8 */
    rs[2].dst = t_prefix("2001:db8:76::/47");
    rs[2].gw = t_addr("2001:db8:2::2");
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), 0);
    rs[2].dst.addr.u.bytes[5] = 0x77;
    assert_int_equal(vr_route_check_batch(e->vr, rs, 4, &bad, err, sizeof(err)), -EINVAL);
    assert_int_equal(bad, 2);
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
}

/* ---- the API -------------------------------------------------------------------- */

struct t_api {
    struct api api;
    struct jsonrpc_server *srv;
};

static struct t_api *api_new(struct t_env *e)
{
    struct jsonrpc_server_config cfg = {0};
    struct t_api *a = calloc(1, sizeof(*a));

    a->api.dp = e->dp;
    a->api.host = "test";
    a->srv = jsonrpc_server_new(NULL, &cfg);
    assert_non_null(a->srv);
    assert_int_equal(api_register(&a->api, a->srv), 0);
    return a;
}

static void api_free(struct t_api *a)
{
    jsonrpc_server_free(a->srv);
    free(a);
}

/* A v1 record (docs/api.md). */
static size_t rec(uint8_t *p, const char *dst, uint8_t type, uint8_t iface, const char *gw)
{
    struct inet_prefix d = t_prefix(dst);
    size_t alen = d.addr.family == AF_INET ? 4 : 16;

    p[0] = d.addr.family == AF_INET ? 4 : 6;
    p[1] = (uint8_t)d.len;
    p[2] = type;
    p[3] = iface;
    memcpy(p + 4, d.addr.u.bytes, alen);
    memset(p + 4 + alen, 0, alen);
    if (gw != NULL) {
        struct inet_addr g = t_addr(gw);

        memcpy(p + 4 + alen, g.u.bytes, alen);
    }
    return 4 + 2 * alen;
}

static char *b64(const uint8_t *p, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *s = malloc(n / 3 * 4 + 8), *o = s;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v =
            (uint32_t)p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);

        *o++ = al[v >> 18];
        *o++ = al[v >> 12 & 63];
        *o++ = i + 1 < n ? al[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? al[v & 63] : '=';
    }
    *o = '\0';
    return s;
}

/* Call method with {"vr":"r1","format":"v1","data":DATA}+extra; the response text. */
static char *call(struct t_api *a, const char *method, const char *data, const char *extra)
{
    size_t len = strlen(data) + 256;
    char *msg = malloc(len), *resp;

    snprintf(msg, len,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":{\"vr\":\"r1\","
             "\"format\":\"v1\",\"data\":\"%s\"%s}}",
             method, data, extra ? extra : "");
    resp = jsonrpc_server_process(a->srv, msg, strlen(msg));
    free(msg);
    assert_non_null(resp);
    return resp;
}

static void expect_in(char *resp, const char *want)
{
    if (strstr(resp, want) == NULL)
        fail_msg("response %s lacks %s", resp, want);
    free(resp);
}

/* 3. route.add_bulk installs IPv4 and IPv6 records of every type, with
 * sequence numbers; route.delete_bulk removes them and counts the missing. */
static void test3_api_add_delete(void **state)
{
    struct t_env *e = *state;
    struct t_api *a = api_new(e);
    uint8_t buf[512];
    size_t n = 0, before4 = vr_route_count(e->vr, AF_INET);
    char *d;

    n += rec(buf + n, "20.1.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.2.0.0/16", 0, e->if1->index, "10.0.1.50");
    n += rec(buf + n, "20.3.0.0/16", 1, e->if3->index, NULL);
    n += rec(buf + n, "20.4.0.0/16", 3, 0xff, NULL);
    n += rec(buf + n, "20.5.0.0/16", 4, 0xff, NULL);
    n += rec(buf + n, "20.6.0.0/16", 5, 0xff, NULL);
    n += rec(buf + n, "2001:db8:50::/48", 0, 0xff, "2001:db8:2::2");
    n += rec(buf + n, "10.0.1.0/24", 3, 0xff, NULL); /* connected: stays */
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, ",\"seq\":5"), "\"added\":8");
    free(d);
    expect_nh(e->vr, "20.1.2.3", NH_UNICAST, e->if2, "10.0.2.2");
    expect_nh(e->vr, "20.2.2.3", NH_UNICAST, e->if1, "10.0.1.50");
    expect_nh(e->vr, "20.3.2.3", NH_CONNECTED, e->if3, NULL);
    expect_nh(e->vr, "20.4.2.3", NH_BLACKHOLE, NULL, NULL);
    expect_nh(e->vr, "20.5.2.3", NH_UNREACHABLE, NULL, NULL);
    expect_nh(e->vr, "20.6.2.3", NH_PROHIBIT, NULL, NULL);
    expect_nh(e->vr, "2001:db8:50::1", NH_UNICAST, e->if2, "2001:db8:2::2");
    expect_nh(e->vr, "10.0.1.9", NH_CONNECTED, e->if1, NULL);
    assert_int_equal(vr_route_count(e->vr, AF_INET), before4 + 6);
    assert_int_equal(e->vr->route_seq, 5);
    expect_refcounts(e->vr);
    /* a stale seq is refused */
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, ",\"seq\":5"), "seq: 5 is not after");
    /* delete: type, iface and gw are not looked at; one is missing */
    n = 0;
    n += rec(buf + n, "20.1.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.4.0.0/16", 9, 0x77, NULL);
    n += rec(buf + n, "2001:db8:50::/48", 0, 0xff, NULL);
    n += rec(buf + n, "20.99.0.0/16", 0, 0xff, NULL);
    free(d);
    d = b64(buf, n);
    expect_in(call(a, "route.delete_bulk", d, ",\"seq\":6"),
              "{\"deleted\":3,\"missing\":1,\"seq\":6}");
    free(d);
    assert_null(lookup(e->vr, "20.1.2.3"));
    assert_null(lookup(e->vr, "20.4.2.3"));
    assert_null(lookup(e->vr, "2001:db8:50::1"));
    expect_refcounts(e->vr);
    /* empty data: nothing, not an error */
    expect_in(call(a, "route.add_bulk", "", NULL), "\"added\":0");
    api_free(a);
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
}

/* 4. Bad input: the error names the record (index and byte offset) and the
 * reason, and nothing of the call is applied. */
static void test4_api_refusals(void **state)
{
    struct t_env *e = *state;
    struct t_api *a = api_new(e);
    static const struct {
        const char *dst;
        uint8_t type, iface;
        const char *gw;
        const char *want;
    } bad[] = {
        {"20.9.0.0/16", 0, 0xff, "10.0.9.9", "via: not on a connected subnet"},
        {"20.9.0.0/16", 0, 0xff, NULL, "gw: a unicast route needs a gateway"},
        {"20.9.0.0/16", 3, 0xff, "10.0.2.2", "gw: must be zero for type 3"},
        {"20.9.0.0/16", 1, 0xff, NULL, "dev: a route without via needs dev"},
        {"20.9.0.0/16", 2, 0xff, NULL, "type: not a route type the API sets"},
        {"20.9.0.0/16", 7, 0xff, NULL, "type: not a route type the API sets"},
        {"20.9.0.0/16", 1, 40, NULL, "dev: no such interface"},
        {"20.9.0.0/16", 1, 64, NULL, "iface: 64 is not an interface index"},
        {"20.9.0.0/16", 0, 0xff, "10.0.2.1", "via: is an address of VR r1 itself"},
    };
    size_t before4 = vr_route_count(e->vr, AF_INET), before6 = vr_route_count(e->vr, AF_INET6);
    uint8_t buf[256];
    char *d;
    size_t n;

    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        n = rec(buf, "20.8.0.0/16", 0, 0xff, "10.0.2.2");
        n += rec(buf + n, "2001:db8:51::/48", 3, 0xff, NULL);
        n += rec(buf + n, bad[k].dst, bad[k].type, bad[k].iface, bad[k].gw);
        d = b64(buf, n);
        expect_in(call(a, "route.add_bulk", d, NULL), "data: record 2 (byte 48): ");
        expect_in(call(a, "route.add_bulk", d, NULL), bad[k].want);
        expect_in(call(a, "route.add_bulk", d, NULL), "\"data\":{\"record\":2,\"offset\":48}");
        free(d);
    }
    /* host bits, length, family, truncation */
    n = rec(buf, "20.8.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.9.0.0/16", 3, 0xff, NULL);
    buf[12 + 6] = 1; /* 20.9.1.0/16 */
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 1 (byte 12): prefix: host bits");
    free(d);
    buf[12 + 6] = 0;
    buf[12 + 1] = 33;
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 1 (byte 12): prefix: length 33");
    free(d);
    buf[12 + 1] = 16;
    buf[12] = 5;
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 1 (byte 12): family: 5 is not 4 or 6");
    free(d);
    buf[12] = 6; /* an IPv6 record needs 36 bytes */
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL),
              "record 1 (byte 12): truncated: 12 bytes left of a 36-byte record");
    free(d);
    buf[12] = 4;
    d = b64(buf, n - 1);
    expect_in(call(a, "route.delete_bulk", d, NULL),
              "record 1 (byte 12): truncated: 11 bytes left of a 12-byte record");
    free(d);
    /* the framing */
    expect_in(call(a, "route.add_bulk", "AAA", NULL), "length 3 is not a multiple of 4");
    expect_in(call(a, "route.add_bulk", "AAAA*AAA", NULL), "not base64 at character 4");
    expect_in(call(a, "route.add_bulk", "AA=A", NULL), "not base64 at character 2");
    {
        char *r = jsonrpc_server_process(
            a->srv,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add_bulk\",\"params\":{\"vr\":\"r1\","
            "\"format\":\"v2\",\"data\":\"\"}}",
            strlen("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add_bulk\",\"params\":{\"vr\":"
                   "\"r1\",\"format\":\"v2\",\"data\":\"\"}}"));
        expect_in(r, "format");
    }
    expect_in(call(a, "route.add_bulk", "", ",\"extra\":1"), "extra: unknown field");
    {
        const char *m = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add_bulk\",\"params\":{"
                        "\"vr\":\"r1\",\"format\":\"v1\",\"data\":5}}";

        expect_in(jsonrpc_server_process(a->srv, m, strlen(m)), "data: a base64 string");
    }
    {
        const char *m = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"route.add_bulk\",\"params\":{"
                        "\"vr\":\"nope\",\"format\":\"v1\",\"data\":\"\"}}";

        expect_in(jsonrpc_server_process(a->srv, m, strlen(m)), "vr: no VR named nope");
    }
    assert_int_equal(vr_route_count(e->vr, AF_INET), before4);
    assert_int_equal(vr_route_count(e->vr, AF_INET6), before6);
    assert_null(lookup(e->vr, "20.8.0.1"));
    assert_int_equal(e->vr->route_seq, 0);
    expect_refcounts(e->vr);
    api_free(a);
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
}

/* 5. ECMP in bulk records: a run of records whose type has 0x80 (another
 * next hop of this route follows) is one route over a group; deletion
 * takes the same data; a bad run names its record. */
static void test5_api_ecmp(void **state)
{
    struct t_env *e = *state;
    struct t_api *a = api_new(e);
    size_t before4 = vr_route_count(e->vr, AF_INET);
    uint8_t buf[512];
    size_t n = 0;
    uint32_t v;
    char *d;

    n += rec(buf + n, "20.20.0.0/16", 0x80 | 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.20.0.0/16", 0x80 | 0, 0xff, "10.0.3.2");
    n += rec(buf + n, "20.20.0.0/16", 1, e->if1->index, NULL);
    n += rec(buf + n, "20.21.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "2001:db8:60::/48", 0x80 | 0, 0xff, "2001:db8:1::2");
    n += rec(buf + n, "2001:db8:60::/48", 0, 0xff, "2001:db8:2::2");
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "\"added\":3");
    free(d);
    assert_int_equal(vr_route_count(e->vr, AF_INET), before4 + 2);
    {
        struct inet_addr x = t_addr("20.20.1.1"), y = t_addr("2001:db8:60::1");

        v = vr_route_lookup_id(e->vr, &x);
        assert_true(v & VR_NHG_BIT);
        assert_int_equal(vr_nhg(e->vr, v)->n, 3);
        v = vr_route_lookup_id(e->vr, &y);
        assert_true(v & VR_NHG_BIT);
        assert_int_equal(vr_nhg(e->vr, v)->n, 2);
    }
    expect_nh(e->vr, "20.21.0.1", NH_UNICAST, e->if2, "10.0.2.2");
    expect_refcounts(e->vr);
    assert_int_equal(vr_nhg_count(e->vr), 2);
    d = b64(buf, n);
    expect_in(call(a, "route.delete_bulk", d, NULL), "{\"deleted\":3,\"missing\":0");
    free(d);
    assert_int_equal(vr_nhg_count(e->vr), 0);
    expect_refcounts(e->vr);

    /* bad runs: refused with the record, nothing applied */
    n = rec(buf, "20.22.0.0/16", 0x80 | 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.23.0.0/16", 0, 0xff, "10.0.3.2");
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL),
              "record 1 (byte 12): prefix: not the prefix of record 0");
    free(d);
    n = rec(buf, "20.22.0.0/16", 0x80 | 3, 0xff, NULL);
    n += rec(buf + n, "20.22.0.0/16", 0, 0xff, "10.0.3.2");
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 0 (byte 0): type: 3 with several");
    free(d);
    n = rec(buf, "20.21.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.22.0.0/16", 0x80 | 0, 0xff, "10.0.2.2");
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 1 (byte 12): truncated: its type says");
    free(d);
    n = rec(buf, "20.21.0.0/16", 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.22.0.0/16", 0x80 | 0, 0xff, "10.0.2.2");
    n += rec(buf + n, "20.22.0.0/16", 0x80 | 0, 0xff, "10.0.3.2");
    n += rec(buf + n, "20.22.0.0/16", 0, 0xff, "10.0.9.9");
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL),
              "record 3 (byte 36): via: not on a connected subnet");
    free(d);
    n = 0;
    for (int i = 0; i < VR_ECMP_MAX + 1; i++) {
        char gw[32];

        snprintf(gw, sizeof(gw), "10.0.2.%d", 10 + i);
        n += rec(buf + n, "20.22.0.0/16", i < VR_ECMP_MAX ? 0x80 : 0, 0xff, gw);
    }
    d = b64(buf, n);
    expect_in(call(a, "route.add_bulk", d, NULL), "record 16 (byte 192): type: more than 16");
    free(d);
    assert_int_equal(vr_route_count(e->vr, AF_INET), before4);
    expect_refcounts(e->vr);
    api_free(a);
    assert_int_equal(dp_vr_delete(e->dp, "r1"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test1_batch_equals_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test2_check_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test3_api_add_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test4_api_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test5_api_ecmp, setup, teardown),
    };

    return cmocka_run_group_tests_name("dp_vr_batch", tests, NULL, NULL);
}
