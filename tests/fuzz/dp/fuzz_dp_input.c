/*
 * fuzz_dp_input.c - libFuzzer harness for vroomd's whole pipeline: every
 * input is a frame arriving on a VR interface's port (the first byte picks
 * which of two ports, and whether it comes from the container's tap). The
 * VR has IPv4 and IPv6 addresses, a route via a neighbour, ACLs and a small
 * MTU, so ARP/ND, ICMP errors, fragmentation and punting are all reachable;
 * and ECMP routes (IPv4 and IPv6) over next hops on both interfaces, so the
 * flow hash and the choice of a member with an unresolved neighbour are too.
 * Nothing may crash, and every buffer must come back.
 */
#include "dp/dp.h"
#include "dp/port.h"
#include "dp/vr.h"
#include "lib/inet.h"
#include "lib/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dp *dp;
static struct port *ports[2], *taps[2];
static uint64_t now_ns = 1000000000ull;

static uint64_t fuzz_clock(void *arg)
{
    (void)arg;
    return now_ns;
}

static void add_iface(struct vr *vr, const char *name, const uint8_t mac[6], uint16_t mtu,
                      const char *a4, const char *a6, int i)
{
    struct inet_prefix addrs[2];
    char err[256];

    inet_ifaddr_parse(a4, AF_UNSPEC, &addrs[0], NULL, 0);
    inet_ifaddr_parse(a6, AF_UNSPEC, &addrs[1], NULL, 0);
    if (vr_iface_add(vr, name, mac, mtu, addrs, 2, err, sizeof(err)) != 0)
        abort();
    port_open("mem", i == 0 ? "tap0" : "tap1", NULL, -1, dp_pool(dp), &taps[i], err, sizeof(err));
    vr_iface_bind(vr_iface_find(vr, name), ports[i]);
    dp_iface_set_tap(dp, vr_iface_find(vr, name), taps[i]);
}

static void setup(void)
{
    static const uint8_t mac0[6] = {2, 0, 0, 0, 0, 1}, mac1[6] = {2, 0, 0, 0, 0, 2};
    struct vr_route r = {.type = NH_UNICAST, .iface = -1};
    struct acl_rule deny = {
        .action = ACL_DENY, .proto = 17, .sport_hi = 65535, .dport_lo = 53, .dport_hi = 53};
    char err[256];
    struct vr *vr;

    log_init("fuzz", LOG_LEVEL_ERROR);
    dp = dp_create(NULL, NULL);
    dp_set_clock(dp, fuzz_clock, NULL);
    dp_port_add(dp, "mem", "p0", NULL, -1, &ports[0], err, sizeof(err));
    dp_port_add(dp, "mem", "p1", NULL, -1, &ports[1], err, sizeof(err));
    vr = dp_vr_create(dp, "r1", err, sizeof(err));
    add_iface(vr, "eth0", mac0, 1500, "10.0.1.1/24", "2001:db8:1::1/64", 0);
    add_iface(vr, "eth1", mac1, 576, "10.0.2.1/24", "2001:db8:2::1/64", 1);
    inet_prefix_parse("10.9.0.0/16", AF_INET, &r.dst, NULL, 0);
    inet_addr_parse("10.0.2.2", AF_INET, &r.gw, NULL, 0);
    vr_route_add(vr, &r);
    inet_prefix_parse("2001:db8:9::/48", AF_INET6, &r.dst, NULL, 0);
    inet_addr_parse("2001:db8:2::2", AF_INET6, &r.gw, NULL, 0);
    vr_route_add(vr, &r);
    {
        struct vr_nexthop mp4[2] = {{.type = NH_UNICAST, .iface = -1},
                                    {.type = NH_UNICAST, .iface = -1}};
        struct vr_nexthop mp6[2] = {{.type = NH_UNICAST, .iface = -1},
                                    {.type = NH_UNICAST, .iface = -1}};
        struct vr_route g = {.n_mp = 2, .mp = mp4};

        inet_addr_parse("10.0.1.2", AF_INET, &mp4[0].gw, NULL, 0);
        inet_addr_parse("10.0.2.3", AF_INET, &mp4[1].gw, NULL, 0);
        inet_prefix_parse("10.8.0.0/16", AF_INET, &g.dst, NULL, 0);
        if (vr_route_check(vr, &g, err, sizeof(err)) != 0 || vr_route_add(vr, &g) != 0)
            abort();
        inet_addr_parse("2001:db8:1::2", AF_INET6, &mp6[0].gw, NULL, 0);
        inet_addr_parse("2001:db8:2::3", AF_INET6, &mp6[1].gw, NULL, 0);
        inet_prefix_parse("2001:db8:8::/48", AF_INET6, &g.dst, NULL, 0);
        g.mp = mp6;
        if (vr_route_check(vr, &g, err, sizeof(err)) != 0 || vr_route_add(vr, &g) != 0)
            abort();
    }
    vr_iface_find(vr, "eth0")->acl_in = acl_create(&deny, 1);
}

static void drain(void)
{
    struct pbuf *b;

    for (int i = 0; i < 2; i++) {
        while ((b = port_mem_take(ports[i])) != NULL)
            pbuf_free(b);
        while ((b = port_mem_take(taps[i])) != NULL)
            pbuf_free(b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct port *in;

    if (dp == NULL)
        setup();
    if (size < 1)
        return 0;
    in = (data[0] & 2 ? taps : ports)[data[0] & 1];
    if (port_mem_inject(in, data + 1, size - 1) == 0)
        dp_poll_port(dp, in);
    /* time moves on: neighbour retries and ageing run too */
    now_ns += (uint64_t)(data[0] >> 2) * 50000000ull;
    dp_tick(dp);
    drain();
    return 0;
}
