/*
 * test_topo.c - the topology loader (src/lab/topo.c): good files load with
 * everything in them, and every kind of bad file is refused with the line
 * and a reason, before anything is created.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab/kind.h"
#include "lab/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char basedir[] = "/tmp/vroom-test-topo-XXXXXX";

static int setup(void **state)
{
    char path[256];
    FILE *f;

    (void)state;
    if (mkdtemp(basedir) == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/r1.conf", basedir);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("router id 10.255.0.1;\n", f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    char path[256];

    (void)state;
    snprintf(path, sizeof(path), "%s/r1.conf", basedir);
    unlink(path);
    rmdir(basedir);
    return 0;
}

/* Load text; return rc, leave the error in err and the topology in *t. */
static int load(const char *text, struct topo **t, char *err)
{
    err[0] = '\0';
    return topo_load_buffer(text, strlen(text), "t.yaml", basedir, t, err, TOPO_ERR_MAX);
}

/* Expect text to be refused with an error that starts "t.yaml:LINE:" (line 0: no line)
 * and contains needle. */
static void refused(const char *text, int line, const char *needle)
{
    char err[TOPO_ERR_MAX], prefix[32];
    struct topo *t = (struct topo *)1;
    int rc = load(text, &t, err);

    assert_int_equal(rc, -EINVAL);
    assert_null(t);
    if (line > 0)
        snprintf(prefix, sizeof(prefix), "t.yaml:%d:", line);
    else
        snprintf(prefix, sizeof(prefix), "t.yaml: "); /* no line to name */
    if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, needle) == NULL)
        fail_msg("error '%s' lacks '%s' or '%s'", err, prefix, needle);
}

static const char *const good = "name: pair\n"
                                "nodes:\n"
                                "  r1: {kind: bird, config: r1.conf,\n"
                                "       addresses: {lo: 10.255.0.1/32, eth0: [10.0.0.1/24, "
                                "2001:db8::1/64]}}\n"
                                "  h1:\n"
                                "    kind: linux\n"
                                "    addresses: {eth0: 10.0.1.2/24}\n"
                                "    routes: [\"default via 10.0.1.1\", \"2001:db8:1::/48 via "
                                "2001:db8::1\"]\n"
                                "links:\n"
                                "  - endpoints: [r1:eth1, h1:eth0]\n"
                                "  - endpoints: [r1:eth0, h1:eth1]\n"
                                "    mtu: 9000\n";

/* 1. A good file loads with its nodes, kinds, addresses, routes and links. */
static void test_good_file(void **state)
{
    char err[TOPO_ERR_MAX];
    struct topo *t;
    struct topo_node *r1, *h1;

    (void)state;
    assert_int_equal(load(good, &t, err), 0);
    assert_string_equal(t->name, "pair");
    assert_int_equal(t->n_nodes, 2);
    r1 = topo_node_find(t, "r1");
    h1 = topo_node_find(t, "h1");
    assert_non_null(r1);
    assert_non_null(h1);
    assert_ptr_equal(r1->kind, &kind_bird);
    assert_ptr_equal(h1->kind, &kind_linux);
    assert_non_null(strstr(r1->config, "/r1.conf"));
    assert_int_equal(r1->n_addrs, 3);
    assert_int_equal(r1->addrs[2].family, AF_INET6);
    assert_string_equal(r1->addrs[2].ifname, "eth0");
    assert_int_equal(h1->n_routes, 2);
    assert_string_equal(h1->routes[0], "default via 10.0.1.1");
    assert_int_equal(t->n_links, 2);
    assert_int_equal(t->links[1].mtu, 9000);
    assert_int_equal(t->links[0].ep[1].node, 1);
    assert_string_equal(t->links[0].ep[1].ifname, "eth0");
    assert_true(topo_node_has_iface(t, r1, "lo"));
    assert_false(topo_node_has_iface(t, r1, "eth7"));
    topo_free(t);
}

/* 2. An unknown kind is refused, naming the kinds there are. */
static void test_unknown_kind(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  r1: {kind: cisco}\n", 3, "unknown kind 'cisco'");
}

/* 3. A link to a node that does not exist is refused on the endpoint's line. */
static void test_missing_node(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  h1: {kind: linux}\nlinks:\n  - endpoints: [h1:eth0,\n"
            "                h9:eth0]\n",
            6, "there is no node h9");
}

/* 4. An interface used by two links is refused, naming the first link's line. */
static void test_iface_twice(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a: {kind: linux}\n  b: {kind: linux}\nlinks:\n"
            "  - endpoints: [a:eth0, b:eth0]\n  - endpoints: [a:eth0, b:eth1]\n",
            7, "used twice (also by the link on line 6)");
}

/* 5. Malformed addresses are refused: no length, length too long, not an address. */
static void test_bad_address(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a: {kind: linux, addresses: {lo: 10.0.0.1}}\n", 3,
            "'10.0.0.1' is not an address");
    refused("name: x\nnodes:\n  a: {kind: linux, addresses: {lo: 10.0.0.1/33}}\n", 3,
            "not an address");
    refused("name: x\nnodes:\n  a: {kind: linux, addresses: {lo: 2001:db8::1/129}}\n", 3,
            "not an address");
    refused("name: x\nnodes:\n  a: {kind: linux, addresses: {lo: 10.0.0.256/24}}\n", 3,
            "not an address");
    refused("name: x\nnodes:\n  a: {kind: linux, addresses: {lo: 10.0.0.1/2x}}\n", 3,
            "not an address");
}

/* 6. A config file that does not exist is refused with its path. */
static void test_missing_config(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  r1:\n    kind: bird\n    config: nothere.conf\n", 5,
            "nothere.conf of r1: No such file or directory");
}

/* 7. A router kind without a config is refused. */
static void test_router_needs_config(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  r1:\n    kind: frr\n", 4, "needs a config file");
}

/* 8. Unknown keys (typos) are refused at every level. */
static void test_unknown_keys(void **state)
{
    (void)state;
    refused("name: x\nnode:\n  a: {kind: linux}\n", 2, "unknown key 'node'");
    refused("name: x\nnodes:\n  a: {kind: linux, adresses: {}}\n", 3, "unknown key 'adresses'");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - {endpoints: [a:e0, a:e1], "
            "mut: 1500}\n",
            5, "unknown key 'mut'");
}

/* 9. YAML syntax errors are refused with the line libyaml reports. */
static void test_yaml_syntax(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a: {kind: linux\n", 4, "YAML");
}

/* 10. Lab and node names are checked: '-' separates lab and node in namespace names. */
static void test_names(void **state)
{
    (void)state;
    refused("name: my-lab\nnodes:\n  a: {kind: linux}\n", 1, "not a valid lab name");
    refused("name: x\nnodes:\n  a/b: {kind: linux}\n", 3, "not a valid node name");
    refused("name: x\nnodes:\n  a: {kind: linux}\n  a: {kind: linux}\n", 4, "defined twice");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [a:eth0, "
            "a:averyveryverylongname]\n",
            5, "not a valid interface name");
    refused("nodes:\n  a: {kind: linux}\n", 1, "has no name");
    assert_true(topo_lab_name_valid("lab_1"));
    assert_false(topo_lab_name_valid(""));
    assert_false(topo_lab_name_valid("a-b"));
}

/* 11. An address on an interface that is in no link is refused (a typo'd ifname). */
static void test_address_without_iface(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a:\n    kind: linux\n    addresses: {eth3: 10.0.0.1/24}\n", 5,
            "has no interface eth3");
}

/* 12. Routes: a destination must be a prefix, an address or default; no control characters. */
static void test_routes(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a: {kind: linux, routes: [\"defualt via 10.0.0.1\"]}\n", 3,
            "'defualt' is not a destination");
    refused("name: x\nnodes:\n  a: {kind: linux, routes: [\"\"]}\n", 3, "route is empty");
    refused("name: x\nnodes:\n  a: {kind: linux, routes: [\"default\\nvia 1.2.3.4\"]}\n", 3,
            "control character");
    refused("name: x\nnodes:\n  a: {kind: linux, routes: \"default via 1.1.1.1\"}\n", 3,
            "must be a list");
}

/* 13. Links: exactly two endpoints, not to itself, not lo, a sane MTU. */
static void test_links(void **state)
{
    (void)state;
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [a:e0]\n", 5,
            "exactly two");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [a:e0, a:e0]\n", 5,
            "to itself");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [a:lo, a:e0]\n", 5,
            "lo cannot be linked");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [a:e1, a:e0]\n    "
            "mtu: 20\n",
            6, "mtu '20'");
    refused("name: x\nnodes:\n  a: {kind: linux}\nlinks:\n  - endpoints: [ae0, a:e1]\n", 5,
            "not NODE:INTERFACE");
}

/* 14. Structure: empty files, wrong shapes, daemons on a non-FRR node. */
static void test_structure(void **state)
{
    (void)state;
    refused("", 0, "empty topology");
    refused("- a\n- b\n", 1, "a topology is a mapping");
    refused("name: x\nnodes: []\n", 2, "non-empty mapping");
    refused("name: x\nnodes:\n  a: linux\n", 3, "must be a mapping");
    refused("name: x\nnodes:\n  a: {kind: linux, daemons: [ospfd]}\n", 3,
            "daemons is only for kind frr");
}

/* 15. A vroom-router's control plane: vroom-routerd by default, on the
 *     config the lab writes from its addresses and routes; bird, frr and
 *     none when asked; routes go in a routerd config file, not beside it. */
static void test_vrouter_control(void **state)
{
    static const char *const head = "name: x\nnodes:\n  h: {kind: host}\n";
    char text[1024], err[TOPO_ERR_MAX], gen[2048], why[256];
    struct topo *t;
    FILE *f;

    (void)state;
    snprintf(text, sizeof(text),
             "%s  r: {kind: vroom-router, host: h,\n"
             "      addresses: {lo: 10.255.0.1/32, e0: [10.0.1.1/24, \"2001:db8::1/64\"]},\n"
             "      routes: [\"10.9.0.0/16 via 10.0.1.2\", \"default via 2001:db8::2 dev e0\",\n"
             "               \"blackhole 192.0.2.0/24\", \"10.8.0.1 via 10.0.1.2\"]}\n"
             "  l: {kind: linux, addresses: {e0: 10.0.1.2/24}}\n"
             "links:\n  - endpoints: [r:e0, l:e0]\n",
             head);
    assert_int_equal(load(text, &t, err), 0);
    assert_ptr_equal(topo_node_find(t, "r")->control, &kind_routerd);
    f = fmemopen(gen, sizeof(gen), "w");
    assert_non_null(f);
    assert_int_equal(routerd_config_write(topo_node_find(t, "r"), f, why, sizeof(why)), 0);
    fclose(f);
    assert_non_null(strstr(gen, "interfaces:\n  - {name: lo, addresses: [\"10.255.0.1/32\"]}\n"
                                "  - {name: e0, addresses: [\"10.0.1.1/24\", \"2001:db8::1/64\"]}\n"
                                "static:\n"
                                "  - {prefix: \"10.9.0.0/16\", via: \"10.0.1.2\"}\n"
                                "  - {prefix: \"::/0\", via: \"2001:db8::2\", dev: \"e0\"}\n"
                                "  - {prefix: \"192.0.2.0/24\", type: blackhole}\n"
                                "  - {prefix: \"10.8.0.1/32\", via: \"10.0.1.2\"}\n"));
    assert_null(strstr(gen, "router-id"));
    topo_free(t);

    /* IPv6 only: a router ID made from the name */
    snprintf(text, sizeof(text), "%s  r: {kind: vroom-router, host: h, addresses: {lo: \"::1/128\"}}\n",
             head);
    assert_int_equal(load(text, &t, err), 0);
    f = fmemopen(gen, sizeof(gen), "w");
    assert_int_equal(routerd_config_write(topo_node_find(t, "r"), f, why, sizeof(why)), 0);
    fclose(f);
    assert_non_null(strstr(gen, "router-id: 10."));
    topo_free(t);

    for (int i = 0; i < 3; i++) {
        const char *const names[] = {"bird", "frr", "none"};

        snprintf(text, sizeof(text), "%s  r: {kind: vroom-router, host: h, control: %s%s}\n", head,
                 names[i], i < 2 ? ", config: r1.conf" : "");
        assert_int_equal(load(text, &t, err), 0);
        assert_ptr_equal(topo_node_find(t, "r")->control,
                         i < 2 ? lab_kind_find(names[i]) : NULL);
        topo_free(t);
    }
    snprintf(text, sizeof(text), "%s  r: {kind: vroom-router, host: h, config: r1.conf}\n", head);
    assert_int_equal(load(text, &t, err), 0);
    assert_ptr_equal(topo_node_find(t, "r")->control, &kind_routerd);
    assert_non_null(topo_node_find(t, "r")->config);
    topo_free(t);

    snprintf(text, sizeof(text), "%s  r: {kind: vroom-router, host: h, control: quagga}\n", head);
    refused(text, 4, "control 'quagga' is not routerd, bird, frr or none");
    snprintf(text, sizeof(text), "%s  r: {kind: vroom-router, host: h, control: bird}\n", head);
    refused(text, 4, "control bird needs a config file");
    snprintf(text, sizeof(text),
             "%s  r: {kind: vroom-router, host: h, control: none, config: r1.conf}\n", head);
    refused(text, 4, "control is none");
    snprintf(text, sizeof(text),
             "%s  r:\n    kind: vroom-router\n    host: h\n    config: r1.conf\n"
             "    routes: [\"10.9.0.0/16 via 10.0.1.2\"]\n",
             head);
    refused(text, 8, "routes go in its routerd config");
    refused("name: x\nnodes:\n  a: {kind: linux, control: routerd}\n", 3,
            "control is only for kind vroom-router");
}

/* 16. topo_free(NULL) does nothing; topo_load on a missing file says why. */
/* 16. Link types: native only between vroom-routers on one host, encap and
 *     secure only between vroom-routers on two hosts with underlays; an
 *     unknown type is refused on its line. */
static void test_link_types(void **state)
{
    static const char *const head =
        "name: x\nnodes:\n  h: {kind: host, underlay: 10.100.0.1,\n"
        "      addresses: {lo: 10.100.0.1/32}}\n"
        "  g: {kind: host, underlay: 10.100.0.2, addresses: {lo: 10.100.0.2/32}}\n"
        "  r1: {kind: vroom-router, host: h, control: none}\n"
        "  r2: {kind: vroom-router, host: h, control: none}\n"
        "  r3: {kind: vroom-router, host: g, control: none}\n"
        "  l: {kind: linux}\n"
        "links:\n";
    char text[1024], err[TOPO_ERR_MAX];
    struct topo *t;

    (void)state;
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r2:w0]\n    type: native\n", head);
    assert_int_equal(load(text, &t, err), 0);
    assert_int_equal(t->links[0].wire, TOPO_LINK_NATIVE);
    topo_free(t);
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r2:w0]\n", head);
    assert_int_equal(load(text, &t, err), 0);
    assert_int_equal(t->links[0].wire, TOPO_LINK_VETH); /* one host: a veth unless asked */
    topo_free(t);
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r3:w0]\n", head);
    assert_int_equal(load(text, &t, err), 0);
    assert_int_equal(t->links[0].wire, TOPO_LINK_ENCAP); /* two underlay hosts: encap */
    topo_free(t);
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r3:w0]\n    type: native\n", head);
    refused(text, 12, "native is only for links between vroom-routers on one host");
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, l:e0]\n    type: native\n", head);
    refused(text, 12, "native is only for links between vroom-routers on one host");
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r2:w0]\n    type: secure\n", head);
    refused(text, 12, "encap or secure is only for links between vroom-routers on two hosts");
    snprintf(text, sizeof(text), "%s  - endpoints: [r1:w0, r2:w0]\n    type: fast\n", head);
    refused(text, 12, "link type 'fast' is not encap, secure or native");
}

static void test_free_null_and_missing_file(void **state)
{
    char err[TOPO_ERR_MAX];
    struct topo *t;

    (void)state;
    topo_free(NULL);
    assert_int_equal(topo_load("/nonexistent/x.yaml", &t, err, sizeof(err)), -ENOENT);
    assert_null(t);
    assert_non_null(strstr(err, "No such file"));
}

/* 17. The topology files shipped in lab/ load. */
static void test_shipped_labs(void **state)
{
    const char *src = getenv("VROOM_SRC");
    const char *files[] = {"lab/ospf-triangle.yaml", "lab/pair.yaml", "lab/vr-static.yaml",
                           "lab/vr-ospf.yaml", "lab/vr-routerd-ospf.yaml", "lab/wire-native.yaml"};
    char path[512], err[TOPO_ERR_MAX];
    struct topo *t;

    (void)state;
    assert_non_null(src);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", src, files[i]);
        if (topo_load(path, &t, err, sizeof(err)) != 0)
            fail_msg("%s", err);
        topo_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_unknown_kind),
        cmocka_unit_test(test_missing_node),
        cmocka_unit_test(test_iface_twice),
        cmocka_unit_test(test_bad_address),
        cmocka_unit_test(test_missing_config),
        cmocka_unit_test(test_router_needs_config),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_address_without_iface),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_vrouter_control),
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_free_null_and_missing_file),
        cmocka_unit_test(test_shipped_labs),
    };

    return cmocka_run_group_tests_name("topo", tests, setup, teardown);
}
