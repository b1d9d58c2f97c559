/*
 * test_nl_netns.c - namespaces and container interfaces (src/nl/netns.c,
 * link.c): create, enter and delete named namespaces; build a VR interface
 * as vroomd does (a tap made in one namespace, moved and renamed into
 * another, given a MAC, an MTU, addresses and brought up) and check that
 * the container's kernel answers ARP through the tap's fd. Needs root.
 * Every namespace is vroomtest-nl-<pid>-*, removed in teardown and at exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <netinet/if_ether.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "nl/nl.h"
#include "nl_test.h"

static char host_ns[64], vr_ns[64];

static int setup(void **state)
{
    (void)state;
    if (nlt_ns_make("host", host_ns) < 0 || nlt_ns_make("vr", vr_ns) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nlt_ns_remove(host_ns);
    nlt_ns_remove(vr_ns);
    return 0;
}

static ino_t fd_ino(int fd)
{
    struct stat st;

    assert_int_equal(fstat(fd, &st), 0);
    return st.st_ino;
}

static ino_t self_ino(void)
{
    struct stat st;

    assert_int_equal(stat("/proc/thread-self/ns/net", &st), 0);
    return st.st_ino;
}

/* 1. Check that a namespace is created, opened, refused twice and deleted. */
static void test01_create_delete(void **state)
{
    char name[64], path[128];
    int fd;

    (void)state;
    assert_int_equal(nlt_ns_make("cd", name), 0);
    snprintf(path, sizeof(path), "/var/run/netns/%s", name);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(nl_netns_create(name), -EEXIST);
    fd = nl_netns_open(name);
    assert_true(fd >= 0);
    assert_true(fd_ino(fd) != self_ino());
    assert_int_equal(nlt_sh("ip netns list | grep -qx '%s\\( .*\\)\\?'", name), 0);
    close(fd);
    assert_int_equal(nl_netns_delete(name), 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(nl_netns_open(name), -ENOENT);
    assert_int_equal(nl_netns_delete(name), -ENOENT);
    nlt_ns_remove(name);
}

/* 2. Check that bad names are refused before anything is touched. */
static void test02_bad_names(void **state)
{
    char longname[300];

    (void)state;
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(nl_netns_create(""), -EINVAL);
    assert_int_equal(nl_netns_create(NULL), -EINVAL);
    assert_int_equal(nl_netns_create("a/b"), -EINVAL);
    assert_int_equal(nl_netns_create(".."), -EINVAL);
    assert_int_equal(nl_netns_create(longname), -EINVAL);
    assert_int_equal(nl_netns_open("../x"), -EINVAL);
    assert_int_equal(nl_netns_delete("."), -EINVAL);
}

/* 3. Check that enter switches the thread into the namespace and restore switches it back. */
static void test03_enter_restore(void **state)
{
    ino_t before = self_ino();
    int fd = nl_netns_open(vr_ns), saved;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(nl_netns_enter(fd, &saved), 0);
    assert_true(self_ino() == fd_ino(fd));
    assert_int_equal(nl_netns_restore(saved), 0);
    assert_true(self_ino() == before);
    assert_int_equal(nl_netns_enter(-1, &saved), -EBADF);
    assert_true(self_ino() == before);
    close(fd);
}

/* 4. Check that a namespace created from inside another namespace is a new one, and the caller
 * stays put. */
static void test04_create_from_inside(void **state)
{
    int host = nl_netns_open(host_ns), saved, fd;
    char name[64];

    (void)state;
    assert_true(host >= 0);
    assert_int_equal(nl_netns_enter(host, &saved), 0);
    assert_int_equal(nlt_ns_make("inner", name), 0);
    assert_true(self_ino() == fd_ino(host));
    assert_int_equal(nl_netns_restore(saved), 0);
    fd = nl_netns_open(name);
    assert_true(fd >= 0);
    assert_true(fd_ino(fd) != fd_ino(host));
    assert_true(fd_ino(fd) != self_ino());
    close(fd);
    close(host);
    nlt_ns_remove(name);
}

/* A tap made in host_ns, moved into vr_ns as eth0 and configured there. */
struct vr_if {
    int tap;
    int ifindex; /* in vr_ns */
    struct nl_sock *vr;
};

static const uint8_t vr_mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};

static void vr_if_make(struct vr_if *v)
{
    int host = nl_netns_open(host_ns), vr = nl_netns_open(vr_ns), saved, hidx;
    struct nl_sock *hs;
    uint8_t a4[4], a6[16];

    assert_true(host >= 0 && vr >= 0);
    assert_int_equal(nl_netns_enter(host, &saved), 0);
    v->tap = nl_tap_create("vrtap%d", &hidx);
    assert_int_equal(nl_netns_restore(saved), 0);
    assert_true(v->tap >= 0);
    assert_true(hidx > 0);

    hs = nl_sock_open(host, 0);
    assert_non_null(hs);
    assert_int_equal(nl_link_index(hs, "vrtap0"), hidx);
    assert_int_equal(nl_link_move(hs, hidx, vr, "eth0"), 0);
    assert_int_equal(nl_link_index(hs, "vrtap0"), -ENODEV);
    nl_sock_close(hs);

    v->vr = nl_sock_open(vr, 0);
    assert_non_null(v->vr);
    v->ifindex = nl_link_index(v->vr, "eth0");
    assert_true(v->ifindex > 0);
    assert_int_equal(nl_link_set_mac(v->vr, v->ifindex, vr_mac), 0);
    assert_int_equal(nl_link_set_mtu(v->vr, v->ifindex, 1400), 0);
    inet_pton(AF_INET, "192.0.2.1", a4);
    inet_pton(AF_INET6, "2001:db8::1", a6);
    assert_int_equal(nl_addr_add(v->vr, v->ifindex, AF_INET, a4, 24), 0);
    assert_int_equal(nl_addr_add(v->vr, v->ifindex, AF_INET6, a6, 64), 0);
    assert_int_equal(nl_addr_add(v->vr, v->ifindex, AF_INET, a4, 24), -EEXIST);
    assert_int_equal(nl_link_set_up(v->vr, v->ifindex, true), 0);
    close(host);
    close(vr);
}

static void vr_if_free(struct vr_if *v)
{
    nl_sock_close(v->vr);
    close(v->tap);
}

/* 5. Check that the moved tap carries its new name, MAC, MTU, state and addresses in the container.
 */
static void test05_tap_in_container(void **state)
{
    struct vr_if v;
    char *out;

    (void)state;
    vr_if_make(&v);
    out = nlt_out("ip -n %s -o link show dev eth0", vr_ns);
    assert_non_null(out);
    assert_non_null(strstr(out, "mtu 1400"));
    assert_non_null(strstr(out, "02:00:5e:00:00:01"));
    assert_non_null(strstr(out, ",UP"));
    free(out);
    out = nlt_out("ip -n %s -o addr show dev eth0", vr_ns);
    assert_non_null(out);
    assert_non_null(strstr(out, "192.0.2.1/24"));
    assert_non_null(strstr(out, "2001:db8::1/64"));
    free(out);
    assert_int_equal(nlt_sh("ip -n %s -o addr show dev eth0 | grep '2001:db8::1/64' | "
                            "grep -qv tentative",
                            vr_ns),
                     0);
    /* and nothing of it is left in the host namespace */
    assert_int_equal(nlt_sh("ip -n %s link show dev vrtap0 >/dev/null 2>&1", host_ns), 1);
    vr_if_free(&v);
}

/* 6. Check that an ARP request written to the tap fd is answered by the container's kernel, read
 * back from the fd. */
static void test06_tap_arp(void **state)
{
    struct vr_if v;
    uint8_t frame[64] = {0}, in[2048];
    struct ether_header *eh = (struct ether_header *)frame;
    struct ether_arp *arp = (struct ether_arp *)(frame + sizeof(*eh));
    bool answered = false;

    (void)state;
    vr_if_make(&v);
    memset(eh->ether_dhost, 0xff, 6);
    memcpy(eh->ether_shost, peer_mac, 6);
    eh->ether_type = htons(ETHERTYPE_ARP);
    arp->arp_hrd = htons(ARPHRD_ETHER);
    arp->arp_pro = htons(ETHERTYPE_IP);
    arp->arp_hln = 6;
    arp->arp_pln = 4;
    arp->arp_op = htons(ARPOP_REQUEST);
    memcpy(arp->arp_sha, peer_mac, 6);
    inet_pton(AF_INET, "192.0.2.2", arp->arp_spa);
    inet_pton(AF_INET, "192.0.2.1", arp->arp_tpa);
    assert_int_equal(write(v.tap, frame, 60), 60);

    for (int i = 0; i < 50 && !answered; i++) {
        struct pollfd p = {.fd = v.tap, .events = POLLIN};
        ssize_t n;

        if (poll(&p, 1, 100) <= 0)
            continue;
        while ((n = read(v.tap, in, sizeof(in))) > 0) {
            const struct ether_header *reh = (const void *)in;
            const struct ether_arp *ra = (const void *)(in + sizeof(*reh));
            uint8_t want_spa[4];

            inet_pton(AF_INET, "192.0.2.1", want_spa);
            if ((size_t)n < sizeof(*reh) + sizeof(*ra) || reh->ether_type != htons(ETHERTYPE_ARP))
                continue; /* IPv6 router solicitations, MLD... */
            if (ra->arp_op == htons(ARPOP_REPLY) && memcmp(ra->arp_sha, vr_mac, 6) == 0 &&
                memcmp(ra->arp_spa, want_spa, 4) == 0 && memcmp(reh->ether_dhost, peer_mac, 6) == 0)
                answered = true;
        }
    }
    assert_true(answered);
    vr_if_free(&v);
}

/* 7. Check that a link is taken down and deleted, and bad arguments are refused. */
static void test07_down_delete(void **state)
{
    struct vr_if v;
    uint8_t a4[4];

    (void)state;
    vr_if_make(&v);
    inet_pton(AF_INET, "192.0.2.1", a4);
    assert_int_equal(nl_addr_del(v.vr, v.ifindex, AF_INET, a4, 24), 0);
    assert_int_equal(nl_addr_del(v.vr, v.ifindex, AF_INET, a4, 24), -EADDRNOTAVAIL);
    assert_int_equal(nl_addr_add(v.vr, v.ifindex, AF_INET, a4, 33), -EINVAL);
    assert_int_equal(nl_addr_add(v.vr, v.ifindex, AF_PACKET, a4, 24), -EINVAL);
    assert_int_equal(nl_link_set_up(v.vr, v.ifindex, false), 0);
    assert_int_equal(nlt_sh("ip -n %s -o link show dev eth0 | grep -q ',UP'", vr_ns), 1);
    assert_int_equal(nl_link_set_mtu(v.vr, v.ifindex, 0), -EINVAL);
    assert_int_equal(nl_link_index(v.vr, "no-such-link"), -ENODEV);
    assert_int_equal(nl_link_delete(v.vr, v.ifindex), 0);
    assert_int_equal(nl_link_index(v.vr, "eth0"), -ENODEV);
    assert_int_equal(nl_link_delete(v.vr, v.ifindex), -ENODEV);
    vr_if_free(&v);
}

/* 8. Check that closing the tap fd removes the device from the container. */
static void test08_tap_lifetime(void **state)
{
    struct vr_if v;

    (void)state;
    vr_if_make(&v);
    close(v.tap);
    v.tap = -1;
    for (int i = 0; i < 50 && nl_link_index(v.vr, "eth0") > 0; i++)
        usleep(20000);
    assert_int_equal(nl_link_index(v.vr, "eth0"), -ENODEV);
    nl_sock_close(v.vr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_create_delete),
        cmocka_unit_test(test02_bad_names),
        cmocka_unit_test_setup_teardown(test03_enter_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test04_create_from_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test05_tap_in_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test06_tap_arp, setup, teardown),
        cmocka_unit_test_setup_teardown(test07_down_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test08_tap_lifetime, setup, teardown),
    };

    log_init("test_nl_netns", LOG_LEVEL_ERROR);
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root\n");
        return 0;
    }
    return cmocka_run_group_tests_name("nl_netns", tests, NULL, NULL);
}
