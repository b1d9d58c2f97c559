/*
 * test_nl_route.c - routes in a container's kernel table (src/nl/route.c,
 * sock.c): requests, the monitor, nexthop objects as FRR installs them,
 * nl_route_sync() from a pre-existing table, and resync after an overrun.
 * Each test checks the events against a naive model of the table and, at
 * the end, the model against a fresh dump. Needs root; every namespace is
 * vroomtest-nl-<pid>-*, removed in teardown and at exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "nl/nl.h"
#include "nl_test.h"

static char ns[64];
static int ns_fd = -1, d0, d1;
static struct nl_sock *req, *mon;
static struct nlt_rec *rec;

#define IPN(...) nlt_sh("ip -n %s " __VA_ARGS__)

static int setup(void **state)
{
    (void)state;
    rec = calloc(1, sizeof(*rec));
    if (rec == NULL || nlt_ns_make("rt", ns) < 0)
        return -1;
    /* veth pairs rather than dummies: not every kernel has the dummy driver */
    if (nlt_sh("ip -n %s link add d0 type veth peer name d0p && "
               "ip -n %s link add d1 type veth peer name d1p && "
               "ip -n %s link set d0p up && ip -n %s link set d1p up && "
               "ip -n %s link set d0 up && ip -n %s link set d1 up && "
               "ip -n %s addr add 10.0.0.1/24 dev d0 && ip -n %s addr add 10.1.0.1/24 dev d1 && "
               "ip -n %s addr add 2001:db8::1/64 dev d0 nodad",
               ns, ns, ns, ns, ns, ns, ns, ns, ns) != 0)
        return -1;
    ns_fd = nl_netns_open(ns);
    req = nl_sock_open(ns_fd, 0);
    mon = nl_sock_open(ns_fd, 0);
    if (req == NULL || mon == NULL)
        return -1;
    d0 = nl_link_index(req, "d0");
    d1 = nl_link_index(req, "d1");
    return d0 > 0 && d1 > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nl_sock_close(req);
    nl_sock_close(mon);
    req = mon = NULL;
    if (ns_fd >= 0)
        close(ns_fd);
    ns_fd = -1;
    nlt_ns_remove(ns);
    free(rec);
    rec = NULL;
    return 0;
}

static struct nl_route mkroute(int family, const char *dst, unsigned len, const char *gw, int oif)
{
    struct nl_route rt;

    memset(&rt, 0, sizeof(rt));
    rt.family = family;
    rt.dst_len = (uint8_t)len;
    assert_int_equal(inet_pton(family, dst, rt.dst), 1);
    if (gw || oif) {
        rt.n_nexthops = 1;
        rt.nh[0].ifindex = oif;
        rt.nh[0].weight = 1;
        if (gw) {
            rt.nh[0].gw_family = strchr(gw, ':') ? AF_INET6 : AF_INET;
            assert_int_equal(inet_pton(rt.nh[0].gw_family, gw, rt.nh[0].gw), 1);
        }
    }
    return rt;
}

struct want {
    int family;
    const char *dst;
    unsigned len;
    const char *gw; /* NULL: the route must be absent */
};

static bool has_route(void *arg)
{
    const struct want *w = arg;
    const struct nl_route *rt = nlt_rec_find(rec, w->family, w->dst, w->len);
    char gw[64];

    if (w->gw == NULL)
        return rt == NULL;
    return rt && strcmp(nlt_gw(rt, 0, gw), w->gw) == 0;
}

/* Wait until the model has dst/len with first gateway gw (NULL: has not the route). */
static const struct nl_route *wait_route(int family, const char *dst, unsigned len, const char *gw)
{
    struct want w = {family, dst, len, gw};

    assert_true(nlt_wait(mon, has_route, &w, 3000));
    return nlt_rec_find(rec, family, dst, len);
}

static void sync_main(void)
{
    assert_int_equal(nl_route_sync(mon, RT_TABLE_MAIN, nlt_rec_cb, rec), 0);
    assert_int_equal(rec->n_begin, 1);
    assert_int_equal(rec->n_end, 1);
    assert_false(rec->in_sync);
}

static bool same_nh(const struct nl_route *a, const struct nl_route *b)
{
    if (a->n_nexthops != b->n_nexthops || a->type != b->type)
        return false;
    for (unsigned i = 0; i < a->n_nexthops; i++)
        if (a->nh[i].gw_family != b->nh[i].gw_family || memcmp(a->nh[i].gw, b->nh[i].gw, 16) ||
            a->nh[i].ifindex != b->nh[i].ifindex || a->nh[i].weight != b->nh[i].weight)
            return false;
    return true;
}

/* The model equals what a fresh socket dumps from the kernel now. */
static void check_model(void)
{
    struct nlt_rec *fresh = calloc(1, sizeof(*fresh));
    struct nl_sock *s = nl_sock_open(ns_fd, 0);

    nl_sock_process(mon);
    assert_non_null(fresh);
    assert_non_null(s);
    assert_int_equal(nl_route_dump(s, RT_TABLE_MAIN, nlt_rec_cb, fresh), 0);
    assert_int_equal(rec->n, fresh->n);
    for (unsigned i = 0; i < fresh->n; i++) {
        char dst[64];
        const struct nl_route *f = &fresh->rt[i], *m;

        inet_ntop(f->family, f->dst, dst, sizeof(dst));
        m = nlt_rec_find(rec, f->family, dst, f->dst_len);
        assert_non_null(m);
        assert_true(same_nh(f, m));
    }
    nl_sock_close(s);
    free(fresh);
}

/* 1. Check that sync delivers the table as it was (IPv4, IPv6, connected) between SYNC_BEGIN and
 * SYNC_END, then changes. */
static void test01_sync_then_follow(void **state)
{
    const struct nl_route *rt;

    (void)state;
    assert_int_equal(IPN("route add 10.50.0.0/16 via 10.0.0.2", ns), 0);
    assert_int_equal(IPN("-6 route add 2001:db8:50::/48 via 2001:db8::2", ns), 0);
    sync_main();
    rt = nlt_rec_find(rec, AF_INET, "10.50.0.0", 16);
    assert_non_null(rt);
    assert_int_equal(rt->nh[0].ifindex, d0);
    assert_int_equal(rt->protocol, RTPROT_BOOT);
    assert_int_equal(rt->table, RT_TABLE_MAIN);
    assert_non_null(wait_route(AF_INET6, "2001:db8:50::", 48, "2001:db8::2"));
    rt = nlt_rec_find(rec, AF_INET, "10.0.0.0", 24);
    assert_non_null(rt);
    assert_int_equal(rt->protocol, RTPROT_KERNEL);
    assert_int_equal(rt->nh[0].gw_family, 0);
    assert_null(nlt_rec_find(rec, AF_INET, "10.0.0.1", 32)); /* local table, not followed */

    assert_int_equal(IPN("route add 10.51.0.0/16 via 10.1.0.2 metric 7", ns), 0);
    rt = wait_route(AF_INET, "10.51.0.0", 16, "10.1.0.2");
    assert_int_equal(rt->nh[0].ifindex, d1);
    assert_int_equal(rt->priority, 7);
    assert_int_equal(rec->n_begin, 1);
    check_model();
}

/* 2. Check that routes added, replaced and deleted through the API are seen by the monitor, with
 * the kernel's errors. */
static void test02_api_add_replace_del(void **state)
{
    struct nl_route r4 = mkroute(AF_INET, "10.60.0.0", 16, "10.0.0.2", d0);
    struct nl_route r6 = mkroute(AF_INET6, "2001:db8:60::", 48, "2001:db8::3", d0);
    struct nl_route bh = mkroute(AF_INET, "10.61.0.0", 16, NULL, 0);
    const struct nl_route *rt;

    (void)state;
    sync_main();
    r4.protocol = RTPROT_BIRD;
    assert_int_equal(nl_route_add(req, &r4), 0);
    assert_int_equal(nl_route_add(req, &r4), -EEXIST);
    assert_int_equal(nl_route_add(req, &r6), 0);
    bh.type = RTN_BLACKHOLE;
    assert_int_equal(nl_route_add(req, &bh), 0);
    rt = wait_route(AF_INET, "10.60.0.0", 16, "10.0.0.2");
    assert_int_equal(rt->protocol, RTPROT_BIRD);
    wait_route(AF_INET6, "2001:db8:60::", 48, "2001:db8::3");
    rt = wait_route(AF_INET, "10.61.0.0", 16, "");
    assert_int_equal(rt->type, RTN_BLACKHOLE);

    r4 = mkroute(AF_INET, "10.60.0.0", 16, "10.1.0.9", d1);
    r4.protocol = RTPROT_BIRD;
    assert_int_equal(nl_route_replace(req, &r4), 0);
    rt = wait_route(AF_INET, "10.60.0.0", 16, "10.1.0.9");
    assert_int_equal(rt->nh[0].ifindex, d1);

    assert_int_equal(nl_route_del(req, &r4), 0);
    assert_int_equal(nl_route_del(req, &r4), -ESRCH);
    assert_int_equal(nl_route_del(req, &r6), 0);
    wait_route(AF_INET, "10.60.0.0", 16, NULL);
    wait_route(AF_INET6, "2001:db8:60::", 48, NULL);
    assert_int_equal(rec->last_ev, NL_ROUTE_DEL);

    r4.dst_len = 33;
    assert_int_equal(nl_route_add(req, &r4), -EINVAL);
    check_model();
}

/* 3. Check that multipath routes (ip's and the API's, IPv4 and IPv6) are parsed with every nexthop
 * and weight. */
static void test03_multipath(void **state)
{
    struct nl_route mp = mkroute(AF_INET, "10.71.0.0", 16, "10.0.0.5", d0);
    const struct nl_route *rt;
    char gw[64], *out;

    (void)state;
    sync_main();
    assert_int_equal(IPN("route add 10.70.0.0/16 nexthop via 10.0.0.2 dev d0 weight 1 "
                         "nexthop via 10.1.0.2 dev d1 weight 3",
                         ns),
                     0);
    rt = wait_route(AF_INET, "10.70.0.0", 16, "10.0.0.2");
    assert_int_equal(rt->n_nexthops, 2);
    assert_string_equal(nlt_gw(rt, 1, gw), "10.1.0.2");
    assert_int_equal(rt->nh[0].ifindex, d0);
    assert_int_equal(rt->nh[1].ifindex, d1);
    assert_int_equal(rt->nh[0].weight, 1);
    assert_int_equal(rt->nh[1].weight, 3);

    assert_int_equal(IPN("-6 route add 2001:db8:70::/48 nexthop via 2001:db8::2 dev d0 "
                         "nexthop via 2001:db8::3 dev d0",
                         ns),
                     0);
    struct want w6 = {AF_INET6, "2001:db8:70::", 48, "2001:db8::2"};
    assert_true(nlt_wait(mon, has_route, &w6, 3000));

    mp.n_nexthops = 2;
    mp.nh[1].gw_family = AF_INET;
    inet_pton(AF_INET, "10.1.0.5", mp.nh[1].gw);
    mp.nh[1].ifindex = d1;
    mp.nh[1].weight = 2;
    assert_int_equal(nl_route_add(req, &mp), 0);
    rt = wait_route(AF_INET, "10.71.0.0", 16, "10.0.0.5");
    assert_int_equal(rt->n_nexthops, 2);
    assert_int_equal(rt->nh[1].weight, 2);
    out = nlt_out("ip -n %s route show 10.71.0.0/16", ns);
    assert_non_null(strstr(out, "via 10.1.0.5 dev d1 weight 2"));
    free(out);
    check_model();
}

/* 4. Check that routes using nexthop objects (as FRR 8 installs them) resolve, single and group,
 * and follow a nexthop replace. */
static void test04_nhid(void **state)
{
    const struct nl_route *rt;
    char gw[64];

    (void)state;
    sync_main();
    assert_int_equal(IPN("nexthop add id 10 via 10.0.0.2 dev d0", ns), 0);
    assert_int_equal(IPN("nexthop add id 11 via 10.1.0.3 dev d1", ns), 0);
    assert_int_equal(IPN("nexthop add id 12 group 10/11,3", ns), 0);
    assert_int_equal(IPN("-6 nexthop add id 20 via 2001:db8::2 dev d0", ns), 0);
    assert_int_equal(IPN("route add 10.80.0.0/16 nhid 10 proto ospf metric 20", ns), 0);
    assert_int_equal(IPN("route add 10.81.0.0/16 nhid 12 proto bgp", ns), 0);
    assert_int_equal(IPN("-6 route add 2001:db8:80::/48 nhid 20 proto bgp", ns), 0);

    rt = wait_route(AF_INET, "10.80.0.0", 16, "10.0.0.2");
    assert_int_equal(rt->nh_id, 10);
    assert_int_equal(rt->nh[0].ifindex, d0);
    assert_int_equal(rt->protocol, RTPROT_OSPF);
    rt = wait_route(AF_INET, "10.81.0.0", 16, "10.0.0.2");
    assert_int_equal(rt->nh_id, 12);
    assert_int_equal(rt->n_nexthops, 2);
    assert_string_equal(nlt_gw(rt, 1, gw), "10.1.0.3");
    assert_int_equal(rt->nh[1].ifindex, d1);
    assert_int_equal(rt->nh[1].weight, 3);
    rt = wait_route(AF_INET6, "2001:db8:80::", 48, "2001:db8::2");
    assert_int_equal(rt->nh[0].ifindex, d0);

    /* the object changes under the routes: they must follow */
    assert_int_equal(IPN("nexthop replace id 10 via 10.1.0.7 dev d1", ns), 0);
    rt = wait_route(AF_INET, "10.80.0.0", 16, "10.1.0.7");
    assert_int_equal(rt->nh[0].ifindex, d1);
    check_model();

    /* deleting the object removes its routes, IPv4 ones without a word from the kernel */
    assert_int_equal(IPN("nexthop del id 20", ns), 0);
    wait_route(AF_INET6, "2001:db8:80::", 48, NULL);
    assert_int_equal(IPN("route del 10.81.0.0/16", ns), 0);
    assert_int_equal(IPN("nexthop del id 12", ns), 0);
    assert_int_equal(IPN("nexthop del id 10", ns), 0);
    wait_route(AF_INET, "10.80.0.0", 16, NULL);
    check_model();
}

/* 5. Check that sync resolves nexthop-object routes that existed before it (nexthops are dumped
 * before routes). */
static void test05_sync_nhid(void **state)
{
    const struct nl_route *rt;

    (void)state;
    assert_int_equal(IPN("nexthop add id 30 via 10.1.0.4 dev d1", ns), 0);
    assert_int_equal(IPN("route add 10.90.0.0/16 nhid 30 proto 186", ns), 0);
    sync_main();
    rt = nlt_rec_find(rec, AF_INET, "10.90.0.0", 16);
    assert_non_null(rt);
    assert_int_equal(rt->nh_id, 30);
    assert_int_equal(rt->n_nexthops, 1);
    assert_int_equal(rt->nh[0].ifindex, d1);
    wait_route(AF_INET, "10.90.0.0", 16, "10.1.0.4");
    check_model();
}

static bool model_has_n(void *arg)
{
    return rec->n >= *(unsigned *)arg && !rec->in_sync;
}

/* 6. Check that a receive-buffer overrun (ENOBUFS) leads to a resync that leaves the model equal to
 * the kernel's table. */
static void test06_overrun_resync(void **state)
{
    char path[] = "/tmp/vroomtest-nl-batch-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    unsigned base, want;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    for (unsigned i = 0; i < 3000; i++)
        fprintf(f, "route add 10.%u.%u.0/24 via 10.0.0.2\n", 100 + i / 256, i % 256);
    fclose(f);
    sync_main();
    base = rec->n;
    assert_int_equal(nl_sock_set_rcvbuf(mon, 4096), 0);
    assert_int_equal(nlt_sh("ip -n %s -batch %s", ns, path), 0);
    unlink(path);
    want = base + 3000;
    assert_true(nlt_wait(mon, model_has_n, &want, 10000));
    assert_true(rec->n_begin >= 2); /* the overrun was noticed and resynced */
    assert_int_equal(rec->n_begin, rec->n_end);
    check_model();
}

static int link_probe;

static bool name_is(void *arg)
{
    const char *want = arg;
    const char *n = nl_link_name(mon, link_probe);

    return want ? n && strcmp(n, want) == 0 : n == NULL;
}

/* 7. Check that the monitor keeps ifindex -> name current through a rename and a delete. */
static void test07_link_names(void **state)
{
    (void)state;
    sync_main();
    assert_string_equal(nl_link_name(mon, d0), "d0");
    link_probe = d1;
    assert_true(name_is("d1"));
    assert_int_equal(IPN("link set d1 down", ns), 0);
    assert_int_equal(IPN("link set d1 name wan1", ns), 0);
    assert_true(nlt_wait(mon, name_is, "wan1", 3000));
    assert_int_equal(IPN("link del wan1", ns), 0);
    assert_true(nlt_wait(mon, name_is, NULL, 3000));
    assert_null(nl_link_name(mon, 999999));
}

/* 8. Check that a monitor follows only its table, and one following every table sees both. */
static void test08_tables(void **state)
{
    struct nlt_rec *all = calloc(1, sizeof(*all));
    struct nl_sock *every = nl_sock_open(ns_fd, 0);
    struct nl_route r = mkroute(AF_INET, "10.95.0.0", 16, "10.0.0.2", d0);

    (void)state;
    assert_non_null(all);
    assert_non_null(every);
    sync_main();
    assert_int_equal(nl_route_sync(every, 0, nlt_rec_cb, all), 0);
    r.table = 100;
    assert_int_equal(nl_route_add(req, &r), 0);
    assert_int_equal(IPN("route add 10.96.0.0/16 via 10.0.0.2", ns), 0);
    wait_route(AF_INET, "10.96.0.0", 16, "10.0.0.2");
    for (int i = 0; i < 20 && !nlt_rec_find(all, AF_INET, "10.95.0.0", 16); i++) {
        nl_sock_process(every);
        usleep(20000);
    }
    assert_non_null(nlt_rec_find(all, AF_INET, "10.95.0.0", 16));
    assert_int_equal(nlt_rec_find(all, AF_INET, "10.95.0.0", 16)->table, 100);
    assert_null(nlt_rec_find(rec, AF_INET, "10.95.0.0", 16));
    assert_non_null(nlt_rec_find(all, AF_INET, "10.0.0.1", 32)); /* local table too */
    nl_sock_close(every);
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test01_sync_then_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(test02_api_add_replace_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test03_multipath, setup, teardown),
        cmocka_unit_test_setup_teardown(test04_nhid, setup, teardown),
        cmocka_unit_test_setup_teardown(test05_sync_nhid, setup, teardown),
        cmocka_unit_test_setup_teardown(test06_overrun_resync, setup, teardown),
        cmocka_unit_test_setup_teardown(test07_link_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test08_tables, setup, teardown),
    };

    log_init("test_nl_route", LOG_LEVEL_ERROR);
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root\n");
        return 0;
    }
    return cmocka_run_group_tests_name("nl_route", tests, NULL, NULL);
}
