/*
 * gen_routing_state_seeds.c - writes the seeds of fuzz_routing_state
 * (corpus_routing_state/) from real exports of a core: an unconfigured
 * core, full exports of routers with static routes and with OSPF (started,
 * so their routes are in the RIB), and an export since a generation after
 * a reload that removed a route (CONFIG, ROUTE_DEL, changed ROUTE records).
 * Usage: gen_routing_state_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing/routerd.h"
#include "routing/state.h"

static const char *V4 = "router-id: 10.255.0.1\n"
                        "distances: {static: 5}\n"
                        "interfaces:\n"
                        "  - {name: lo, addresses: [10.255.0.1/32]}\n"
                        "  - {name: eth0, addresses: [10.0.1.1/24, \"2001:db8:1::1/64\"]}\n"
                        "  - {name: eth1, addresses: [10.0.2.1/24]}\n"
                        "prefix-lists:\n"
                        "  P: [{seq: 5, action: permit, prefix: 10.0.0.0/8, le: 32}]\n"
                        "static:\n"
                        "  - {prefix: 10.9.0.0/16, via: 10.0.2.2}\n"
                        "  - {prefix: 10.10.0.0/16, via: 10.9.0.1}\n"
                        "  - {prefix: 10.8.0.0/16, via: 10.0.2.2, dev: eth1}\n"
                        "  - {prefix: 10.7.0.0/16, dev: eth1, distance: 3}\n"
                        "  - {prefix: 10.6.0.0/16, nexthops: [{via: 10.0.1.2}, {via: 10.0.2.2}]}\n"
                        "  - {prefix: 192.0.2.0/24, type: blackhole}\n"
                        "  - {prefix: \"2001:db8:9::/48\", via: \"2001:db8:1::2\"}\n";

static const char *V6 = "router-id: 10.255.0.2\n"
                        "interfaces:\n"
                        "  - {name: eth0, addresses: [\"2001:db8:1::1/64\", \"fe80::1/64\"]}\n"
                        "static:\n"
                        "  - {prefix: \"::/0\", via: \"2001:db8:1::2\", distance: 200}\n"
                        "  - {prefix: \"2001:db8:f::/48\", type: unreachable}\n";

static const char *OSPF = "router-id: 10.255.0.1\n"
                          "interfaces:\n"
                          "  - {name: lo, addresses: [10.255.0.1/32]}\n"
                          "  - {name: eth1, addresses: [10.0.12.1/24]}\n"
                          "prefix-lists:\n"
                          "  LO: [{action: permit, prefix: 10.255.0.0/16, ge: 32}]\n"
                          "static:\n"
                          "  - {prefix: 10.9.0.0/16, via: 10.0.12.2}\n"
                          "ospf:\n"
                          "  areas:\n"
                          "    - id: 0.0.0.0\n"
                          "      interfaces:\n"
                          "        - {name: eth1, type: broadcast, cost: 10}\n"
                          "        - {name: lo, passive: true}\n"
                          "  redistribute: [{from: static, prefix-list: LO}]\n";

/* V4 without 10.7/16 and with a new route. */
static const char *V4_NEXT =
    "router-id: 10.255.0.1\n"
    "distances: {static: 5}\n"
    "interfaces:\n"
    "  - {name: lo, addresses: [10.255.0.1/32]}\n"
    "  - {name: eth0, addresses: [10.0.1.1/24, \"2001:db8:1::1/64\"]}\n"
    "  - {name: eth1, addresses: [10.0.2.1/24]}\n"
    "prefix-lists:\n"
    "  P: [{seq: 5, action: permit, prefix: 10.0.0.0/8, le: 32}]\n"
    "static:\n"
    "  - {prefix: 10.9.0.0/16, via: 10.0.2.2}\n"
    "  - {prefix: 10.10.0.0/16, via: 10.9.0.1}\n"
    "  - {prefix: 10.8.0.0/16, via: 10.0.2.2, dev: eth1}\n"
    "  - {prefix: 10.6.0.0/16, nexthops: [{via: 10.0.1.2}, {via: 10.0.2.2}]}\n"
    "  - {prefix: 192.0.2.0/24, type: blackhole}\n"
    "  - {prefix: 198.51.100.0/24, type: prohibit}\n"
    "  - {prefix: \"2001:db8:9::/48\", via: \"2001:db8:1::2\"}\n";

static struct router_config *parse(const char *text)
{
    char err[CFG_ERR_MAX];
    struct router_config *rc = config_parse_text(text, strlen(text), "seed", err, sizeof(err));

    if (rc == NULL) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return rc;
}

static struct routerd *core(const char *text)
{
    struct routerd *rd = routerd_new(NULL);
    char err[CFG_ERR_MAX];

    if (rd == NULL || routerd_configure(rd, parse(text), true, err, sizeof(err)) != 0) {
        fprintf(stderr, "configure: %s\n", err);
        exit(1);
    }
    return rd;
}

static void put(const char *dir, const char *name, struct routerd *rd, uint64_t since)
{
    struct state_buf b = {0};
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (state_export(rd, since, &b) != 0 || (f = fopen(path, "wb")) == NULL ||
        fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write\n", path);
        exit(1);
    }
    state_buf_free(&b);
}

int main(int argc, char **argv)
{
    struct routerd *rd;
    char err[CFG_ERR_MAX];
    uint64_t g;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    rd = routerd_new(NULL);
    put(argv[1], "empty", rd, 0);
    routerd_free(rd);

    rd = core(V6);
    put(argv[1], "v6", rd, 0);
    routerd_free(rd);

    rd = core(OSPF); /* no loop: its interfaces stay down */
    put(argv[1], "ospf", rd, 0);
    routerd_free(rd);

    rd = core(V4);
    put(argv[1], "v4", rd, 0);
    g = *routerd_clock(rd);
    if (routerd_reload(rd, parse(V4_NEXT), NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "reload: %s\n", err);
        return 1;
    }
    put(argv[1], "v4-since", rd, g);
    routerd_free(rd);
    return 0;
}
