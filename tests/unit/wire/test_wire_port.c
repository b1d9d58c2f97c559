/*
 * test_wire_port.c - the "wire" port kind (src/dp/port_wire.c) over the
 * loopback: wires on two underlays (127.0.0.1 and 127.0.0.2, free ports)
 * carry frames both ways in batches, secure wires too; the underlay sorts
 * datagrams to the right wire, wakes the others, hands over its socket when
 * its primary closes, and drops and counts garbage: bad headers, unknown
 * IDs, unknown senders, replays, oversized frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp/pbuf.h"
#include "dp/port.h"
#include "dp/port_wire.h"

static struct pbuf_pool *pool;
static uint16_t port1, port2, port3;

/* A UDP port free on 127.0.0.0/8 right now. */
static uint16_t free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    close(s);
    return ntohs(sa.sin_port);
}

static struct wire_addr addr(const char *host, uint16_t port)
{
    struct wire_addr a;

    assert_int_equal(wire_addr_parse(host, port, &a), 0);
    return a;
}

static struct port *wire(const char *name, uint32_t connector, const char *local, uint16_t lport,
                         const char *remote, uint16_t rport, enum wire_type type, int keyside)
{
    struct port_wire_config cfg = {.connector = connector, .type = type};
    struct port *p;
    char err[256];

    cfg.local = addr(local, lport);
    cfg.remote = addr(remote, rport);
    if (keyside != 0) {
        cfg.has_key = true;
        cfg.epoch = 1;
        memset(cfg.tx_key, keyside > 0 ? 0x11 : 0x22, sizeof(cfg.tx_key));
        memset(cfg.rx_key, keyside > 0 ? 0x22 : 0x11, sizeof(cfg.rx_key));
    }
    if (port_open("wire", name, NULL, -1, pool, &p, err, sizeof(err)) != 0)
        fail_msg("open %s: %s", name, err);
    if (port_wire_setup(p, &cfg, err, sizeof(err)) != 0)
        fail_msg("setup %s: %s", name, err);
    return p;
}

static struct pbuf *frame(size_t len, uint8_t seed)
{
    struct pbuf *b = pbuf_alloc(pool);

    assert_non_null(b);
    for (size_t i = 0; i < len; i++)
        b->data[i] = (uint8_t)(seed + i);
    b->len = (uint32_t)len;
    return b;
}

static bool frame_ok(const struct pbuf *b, size_t len, uint8_t seed)
{
    if (b->len != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (b->data[i] != (uint8_t)(seed + i))
            return false;
    return true;
}

/* Receive on p until want frames came or the loopback is quiet. */
static unsigned rx_all(struct port *p, struct pbuf **out, unsigned want)
{
    unsigned n = 0, quiet = 0;

    while (n < want && quiet < 2) {
        unsigned k = port_rx(p, out + n, want - n < PORT_BURST ? want - n : PORT_BURST);

        n += k;
        if (k == 0) {
            struct pollfd pfd = {.fd = port_fd(p), .events = POLLIN};

            quiet += poll(&pfd, 1, 100) == 0;
        }
    }
    return n;
}

static void free_all(struct pbuf **b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        pbuf_free(b[i]);
}

/* A raw datagram from a plain UDP socket bound to host:0. */
static void inject(const char *host, uint16_t dport, const void *data, size_t len)
{
    struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    inet_pton(AF_INET, host, &from.sin_addr);
    to.sin_addr.s_addr = htonl(0x7f000002);
    to.sin_port = htons(dport);
    assert_int_equal(bind(s, (struct sockaddr *)&from, sizeof(from)), 0);
    assert_int_equal(sendto(s, data, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
    close(s);
}

static const struct port_wire_underlay_info *underlay_of(const char *local)
{
    static struct port_wire_underlay_info ui;
    char a[WIRE_ADDR_STRLEN];

    for (unsigned i = 0; i < port_wire_underlay_count(); i++) {
        assert_int_equal(port_wire_underlay_info(i, &ui), 0);
        if (strcmp(wire_addr_format(&ui.local, a, sizeof(a)), local) == 0)
            return &ui;
    }
    fail_msg("no underlay %s", local);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    pool = pbuf_pool_create(4096);
    port1 = free_port();
    port2 = free_port();
    port3 = free_port();
    return pool != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(pbuf_pool_in_use(pool), 0);
    assert_int_equal(port_wire_underlay_count(), 0);
    pbuf_pool_free(pool);
    return 0;
}

/* 1. Frames sent on one end arrive on the other intact, 200 at a time, both ways. */
static void test_encap_both_ways(void **state)
{
    struct port *a = wire("a", 0x100, "127.0.0.1", port1, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct port *b = wire("b", 0x100, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    struct pbuf *out[200], *in[200];
    struct port_wire_info wi;
    unsigned n;

    (void)state;
    for (unsigned i = 0; i < 200; i++)
        out[i] = frame(60 + i, (uint8_t)i);
    port_tx(a, out, 200);
    assert_int_equal(a->st.tx_packets, 200);
    n = rx_all(b, in, 200);
    assert_int_equal(n, 200);
    for (unsigned i = 0; i < n; i++)
        assert_true(frame_ok(in[i], 60 + i, (uint8_t)i));
    free_all(in, n);
    out[0] = frame(1464, 9);
    port_tx(b, out, 1);
    assert_int_equal(rx_all(a, in, 1), 1);
    assert_true(frame_ok(in[0], 1464, 9));
    free_all(in, 1);
    assert_int_equal(port_wire_info(b, &wi), 0);
    assert_int_equal(wi.st.rx_packets, 200);
    assert_int_equal(wi.st.tx_packets, 1);
    assert_int_equal(wi.overhead, 36);
    port_close(a);
    port_close(b);
}

/* 2. Secure wires: frames open on the far end; a wire without keys sends nothing. */
static void test_secure(void **state)
{
    struct port *a = wire("a", 7, "127.0.0.1", port1, "127.0.0.2", port2, WIRE_SECURE, 1);
    struct port *b = wire("b", 7, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_SECURE, -1);
    struct pbuf *out[100], *in[100];
    struct port_wire_info wi;

    (void)state;
    for (unsigned i = 0; i < 100; i++)
        out[i] = frame(100 + i, (uint8_t)(i * 3));
    port_tx(a, out, 100);
    assert_int_equal(rx_all(b, in, 100), 100);
    for (unsigned i = 0; i < 100; i++)
        assert_true(frame_ok(in[i], 100 + i, (uint8_t)(i * 3)));
    free_all(in, 100);
    assert_int_equal(port_wire_info(a, &wi), 0);
    assert_int_equal(wi.tx_counter, 100);
    assert_int_equal(wi.overhead, 64);
    port_close(b);
    /* b again, without keys: it drops what it would send and what arrives */
    {
        struct port_wire_config cfg = {.connector = 7, .type = WIRE_SECURE};
        char err[256];

        cfg.local = addr("127.0.0.2", port2);
        cfg.remote = addr("127.0.0.1", port1);
        assert_int_equal(port_open("wire", "b", NULL, -1, pool, &b, err, sizeof(err)), 0);
        assert_int_equal(port_wire_setup(b, &cfg, err, sizeof(err)), 0);
    }
    out[0] = frame(100, 1);
    port_tx(b, out, 1);
    assert_int_equal(b->st.tx_errors, 1);
    out[0] = frame(100, 1);
    port_tx(a, out, 1);
    assert_int_equal(rx_all(b, in, 1), 0);
    assert_int_equal(port_wire_info(b, &wi), 0);
    assert_int_equal(wi.st.drops[WIRE_DROP_NO_KEY], 2);
    assert_int_equal(
        port_wire_key_set(b, 1, (uint8_t[32]){[0 ... 31] = 0x22}, (uint8_t[32]){[0 ... 31] = 0x11}),
        0);
    out[0] = frame(100, 2);
    port_tx(a, out, 1);
    assert_int_equal(rx_all(b, in, 1), 1);
    assert_true(frame_ok(in[0], 100, 2));
    free_all(in, 1);
    port_close(a);
    port_close(b);
}

/* 3. MTU: a frame longer than the underlay MTU minus the overhead is
 * counted and dropped, never truncated; one byte less goes. */
static void test_mtu(void **state)
{
    struct port_wire_config cfg = {.connector = 1, .type = WIRE_ENCAP, .underlay_mtu = 1000};
    struct port *a, *b = wire("b", 1, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    struct pbuf *out[3], *in[3];
    struct port_wire_info wi;
    char err[256];

    (void)state;
    cfg.local = addr("127.0.0.1", port1);
    cfg.remote = addr("127.0.0.2", port2);
    assert_int_equal(port_open("wire", "a", NULL, -1, pool, &a, err, sizeof(err)), 0);
    assert_int_equal(port_wire_setup(a, &cfg, err, sizeof(err)), 0);
    out[0] = frame(965, 1);
    out[1] = frame(964, 2);
    out[2] = frame(9000, 3);
    port_tx(a, out, 3);
    assert_int_equal(a->st.tx_packets, 1);
    assert_int_equal(a->st.tx_errors, 2);
    assert_int_equal(rx_all(b, in, 3), 1);
    assert_true(frame_ok(in[0], 964, 2));
    free_all(in, 1);
    assert_int_equal(port_wire_info(a, &wi), 0);
    assert_int_equal(wi.st.drops[WIRE_DROP_MTU], 2);
    assert_int_equal(wi.inner_max, 964);
    port_close(a);
    port_close(b);
}

/* 4. Garbage at the underlay: bad flags, reserved bits, short, unknown ID,
 * unknown sender, inner frame too short: each counted by its reason, none
 * delivered. */
static void test_garbage(void **state)
{
    struct port *b = wire("b", 0x300, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    uint8_t good[8 + 60] = {0}, bad[8 + 60];
    const struct port_wire_underlay_info *ui;
    struct port_wire_info wi;
    struct pbuf *in[4];

    (void)state;
    wire_hdr_put(good, 0x300);
    memcpy(bad, good, sizeof(bad));
    bad[0] = 0x0c;
    inject("127.0.0.1", port2, bad, sizeof(bad));
    memcpy(bad, good, sizeof(bad));
    bad[2] = 1;
    inject("127.0.0.1", port2, bad, sizeof(bad));
    inject("127.0.0.1", port2, good, 5);
    memcpy(bad, good, sizeof(bad));
    bad[7] = 0x01; /* connector 0x301 */
    inject("127.0.0.1", port2, bad, sizeof(bad));
    inject("127.0.0.3", port2, good, sizeof(good)); /* not the configured peer */
    inject("127.0.0.1", port2, good, 8 + 13);       /* inner frame too short */
    inject("127.0.0.1", port2, good, sizeof(good)); /* and one good one */
    assert_int_equal(rx_all(b, in, 4), 1);
    free_all(in, 1);
    {
        char local[64];

        snprintf(local, sizeof(local), "127.0.0.2:%u", port2);
        ui = underlay_of(local);
    }
    assert_int_equal(ui->st.rx_packets, 7);
    assert_int_equal(ui->st.drops[WIRE_DROP_BAD_FLAGS], 1);
    assert_int_equal(ui->st.drops[WIRE_DROP_BAD_RESERVED], 1);
    assert_int_equal(ui->st.drops[WIRE_DROP_SHORT], 1);
    assert_int_equal(ui->st.drops[WIRE_DROP_UNKNOWN_CONNECTOR], 1);
    assert_int_equal(ui->st.drops[WIRE_DROP_UNKNOWN_PEER], 1);
    assert_int_equal(port_wire_info(b, &wi), 0);
    assert_int_equal(wi.st.drops[WIRE_DROP_INNER_SHORT], 1);
    assert_int_equal(wi.st.rx_packets, 1);
    port_close(b);
}

/* 5. One underlay, three wires: datagrams reach the right wire whichever
 * drains the socket; a non-primary wire is woken through its descriptor;
 * closing the primary hands the socket to another wire. */
static void test_demux_and_handover(void **state)
{
    struct port *b1 = wire("b1", 1, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    struct port *b2 = wire("b2", 2, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    struct port *b3 = wire("b3", 1, "127.0.0.2", port2, "127.0.0.3", port3, WIRE_ENCAP, 0);
    struct port *a1 = wire("a1", 1, "127.0.0.1", port1, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct port *a2 = wire("a2", 2, "127.0.0.1", port1, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct port *a3 = wire("a3", 1, "127.0.0.3", port3, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct pbuf *out[8], *in[8];
    struct pollfd pfd;

    (void)state;
    /* b1 is the primary: it drains; b2's and b3's frames wait on their queues */
    out[0] = frame(64, 2);
    port_tx(a2, out, 1);
    out[0] = frame(64, 3);
    port_tx(a3, out, 1);
    out[0] = frame(64, 1);
    port_tx(a1, out, 1);
    pfd = (struct pollfd){.fd = port_fd(b2), .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 0), 0); /* nothing for b2 until b1 drains */
    assert_int_equal(rx_all(b1, in, 1), 1);
    assert_true(frame_ok(in[0], 64, 1));
    free_all(in, 1);
    assert_int_equal(poll(&pfd, 1, 0), 1); /* woken */
    assert_int_equal(port_rx(b2, in, 8), 1);
    assert_true(frame_ok(in[0], 64, 2));
    free_all(in, 1);
    assert_int_equal(poll(&pfd, 1, 0), 0); /* quiet again */
    assert_int_equal(port_rx(b3, in, 8), 1);
    assert_true(frame_ok(in[0], 64, 3));
    free_all(in, 1);
    /* the primary goes: another wire receives from the socket now */
    port_close(b1);
    out[0] = frame(70, 4);
    port_tx(a2, out, 1);
    {
        struct pollfd both[2] = {{.fd = port_fd(b2), .events = POLLIN},
                                 {.fd = port_fd(b3), .events = POLLIN}};
        unsigned n3, n2;

        assert_true(poll(both, 2, 1000) >= 1);
        n3 = port_rx(b3, in, 8); /* drains if it is the primary now */
        n2 = port_rx(b2, in, 8);
        assert_int_equal(n3, 0);
        assert_int_equal(n2, 1);
    }
    assert_true(frame_ok(in[0], 70, 4));
    free_all(in, 1);
    port_close(b2);
    port_close(b3);
    port_close(a1);
    port_close(a2);
    port_close(a3);
}

/* 6. Re-pointing: after set_remote frames go to the new far end, and the
 * old one is an unknown peer. Duplicates are refused. */
static void test_set_remote(void **state)
{
    struct port *a = wire("a", 5, "127.0.0.1", port1, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct port *b = wire("b", 5, "127.0.0.2", port2, "127.0.0.1", port1, WIRE_ENCAP, 0);
    struct port *c = wire("c", 5, "127.0.0.3", port3, "127.0.0.2", port2, WIRE_ENCAP, 0);
    struct port *d = wire("d", 6, "127.0.0.2", port2, "127.0.0.3", port3, WIRE_ENCAP, 0);
    struct wire_addr to_c = addr("127.0.0.3", port3);
    struct pbuf *out[1], *in[2];
    char err[256], local[64];

    (void)state;
    assert_int_equal(port_wire_set_remote(b, &to_c, err, sizeof(err)), 0);
    out[0] = frame(80, 8);
    port_tx(b, out, 1);
    assert_int_equal(rx_all(c, in, 1), 1);
    assert_true(frame_ok(in[0], 80, 8));
    free_all(in, 1);
    out[0] = frame(80, 9);
    port_tx(a, out, 1); /* a still sends to b, which no longer listens to a */
    assert_int_equal(rx_all(b, in, 1), 0);
    snprintf(local, sizeof(local), "127.0.0.2:%u", port2);
    assert_int_equal(underlay_of(local)->st.drops[WIRE_DROP_UNKNOWN_PEER], 1);
    /* a move in flight: b also accepts what a (its old far end) still sends */
    {
        struct wire_addr from_a = addr("127.0.0.1", 0), v6 = addr("[2001:db8::1]", 1);
        struct port_wire_info wi;

        assert_int_equal(port_wire_accept_also(b, &v6), -EINVAL);
        assert_int_equal(port_wire_accept_also(b, &from_a), 0);
        assert_int_equal(port_wire_info(b, &wi), 0);
        assert_true(wi.has_alt);
        out[0] = frame(80, 10);
        port_tx(a, out, 1);
        assert_int_equal(rx_all(b, in, 1), 1);
        assert_true(frame_ok(in[0], 80, 10));
        free_all(in, 1);
        out[0] = frame(80, 11); /* and c, its remote, as well */
        port_tx(c, out, 1);
        assert_int_equal(rx_all(b, in, 1), 1);
        free_all(in, 1);
        assert_int_equal(port_wire_accept_also(b, NULL), 0);
        out[0] = frame(80, 12);
        port_tx(a, out, 1);
        assert_int_equal(rx_all(b, in, 1), 0);
        assert_int_equal(underlay_of(local)->st.drops[WIRE_DROP_UNKNOWN_PEER], 2);
    }
    /* d has another connector: no clash; a second wire 5 to c would clash */
    {
        struct port *e;
        struct port_wire_config cfg = {.connector = 5, .type = WIRE_ENCAP};
        struct wire_addr v6 = addr("[2001:db8::1]", 4789);

        cfg.local = addr("127.0.0.2", port2);
        cfg.remote = to_c;
        assert_int_equal(port_open("wire", "e", NULL, -1, pool, &e, err, sizeof(err)), 0);
        assert_int_equal(port_wire_setup(e, &cfg, err, sizeof(err)), -EEXIST);
        assert_non_null(strstr(err, "connector"));
        cfg.remote = v6;
        assert_int_equal(port_wire_setup(e, &cfg, err, sizeof(err)), -EAFNOSUPPORT);
        cfg.remote = addr("127.0.0.9", 1);
        cfg.has_key = true;
        assert_int_equal(port_wire_setup(e, &cfg, err, sizeof(err)), -EINVAL);
        cfg.has_key = false;
        cfg.remote = addr("0.0.0.0", 1);
        assert_int_equal(port_wire_setup(e, &cfg, err, sizeof(err)), -EINVAL);
        port_close(e);
        assert_int_equal(port_wire_set_remote(d, &to_c, err, sizeof(err)), 0);
        assert_int_equal(port_wire_set_remote(a, &v6, err, sizeof(err)), -EAFNOSUPPORT);
    }
    port_close(a);
    port_close(b);
    port_close(c);
    port_close(d);
}

/* 7. Replay through the socket: a captured secure datagram sent again is
 * dropped as a replay; a forged one as auth. */
static void test_replay_on_socket(void **state)
{
    struct port *a = wire("a", 9, "127.0.0.1", port1, "127.0.0.3", port3, WIRE_SECURE, 1);
    struct port *b = wire("b", 9, "127.0.0.2", port2, "127.0.0.3", port3, WIRE_SECURE, -1);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port3)};
    uint8_t dg[2048];
    struct pbuf *out[1], *in[2];
    struct port_wire_info wi;
    ssize_t n;
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    (void)state;
    /* capture what a sends on a plain socket standing in for the far end */
    inet_pton(AF_INET, "127.0.0.3", &sa.sin_addr);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    out[0] = frame(90, 5);
    port_tx(a, out, 1);
    n = recv(s, dg, sizeof(dg), 0);
    assert_int_equal(n, 90 + 8 + 28);
    close(s);
    inject("127.0.0.3", port2, dg, (size_t)n);
    inject("127.0.0.3", port2, dg, (size_t)n);
    dg[50] ^= 1;
    dg[19] ^= 1; /* counter 1: not seen */
    inject("127.0.0.3", port2, dg, (size_t)n);
    assert_int_equal(rx_all(b, in, 2), 1);
    assert_true(frame_ok(in[0], 90, 5));
    free_all(in, 1);
    assert_int_equal(port_wire_info(b, &wi), 0);
    assert_int_equal(wi.st.drops[WIRE_DROP_REPLAY], 1);
    assert_int_equal(wi.st.drops[WIRE_DROP_AUTH], 1);
    port_close(a);
    port_close(b);
}

/* 8. Source ports follow the inner flow, in 49152-65535. */
static void test_source_ports(void **state)
{
    struct port *a = wire("a", 9, "127.0.0.1", port1, "127.0.0.3", port3, WIRE_ENCAP, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port3)}, from;
    struct port_wire_info wi;
    uint16_t ports[3];
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    (void)state;
    inet_pton(AF_INET, "127.0.0.3", &sa.sin_addr);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(port_wire_info(a, &wi), 0);
    for (int i = 0; i < 3; i++) {
        struct pbuf *b = frame(60, 0);
        socklen_t sl = sizeof(from);
        uint8_t dg[128];

        memset(b->data, 0, 60);
        b->data[12] = 0x08; /* IPv4 UDP, inner ports differ for i == 2 */
        b->data[14] = 0x45;
        b->data[23] = 17;
        b->data[35] = i == 2 ? 7 : 5;
        port_tx(a, &b, 1);
        assert_int_equal(recvfrom(s, dg, sizeof(dg), 0, (struct sockaddr *)&from, &sl), 68);
        ports[i] = ntohs(from.sin_port);
    }
    close(s);
    if (wi.raw_tx) {
        assert_true(ports[0] >= 49152);
        assert_int_equal(ports[0], ports[1]);
        assert_int_not_equal(ports[0], ports[2]);
    } else {
        assert_int_equal(ports[0], port1); /* no CAP_NET_RAW: the socket's port */
    }
    port_close(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encap_both_ways),
        cmocka_unit_test(test_secure),
        cmocka_unit_test(test_mtu),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_demux_and_handover),
        cmocka_unit_test(test_set_remote),
        cmocka_unit_test(test_replay_on_socket),
        cmocka_unit_test(test_source_ports),
    };

    return cmocka_run_group_tests_name("wire_port", tests, setup, teardown);
}
