/*
 * test_linkmon.c - the rtnetlink link message parser (src/routing/linkmon.c):
 * up is IFF_UP and IFF_RUNNING, a deleted link is down, the end of a dump is
 * seen, and every malformed length or name is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing/linkmon.h"

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct seen {
    char names[8][IFNAMSIZ];
    bool up[8];
    int n;
};

static void cb(void *arg, const char *ifname, bool up)
{
    struct seen *s = arg;

    if (s->n < 8) {
        snprintf(s->names[s->n], IFNAMSIZ, "%s", ifname);
        s->up[s->n++] = up;
    }
}

/* Append a link message for name with flags to buf at *off. */
static void put_link(uint8_t *buf, size_t *off, uint16_t type, const char *name, unsigned flags)
{
    struct nlmsghdr h = {.nlmsg_type = type};
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = flags};
    struct rtattr ra = {.rta_type = IFLA_IFNAME};
    size_t nl = strlen(name) + 1, start = *off;

    ra.rta_len = (unsigned short)(sizeof(ra) + nl);
    h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(sizeof(h)) + NLMSG_ALIGN(sizeof(ifi)) + ra.rta_len);
    memcpy(buf + *off, &h, sizeof(h));
    *off += NLMSG_ALIGN(sizeof(h));
    memcpy(buf + *off, &ifi, sizeof(ifi));
    *off += NLMSG_ALIGN(sizeof(ifi));
    memcpy(buf + *off, &ra, sizeof(ra));
    memcpy(buf + *off + sizeof(ra), name, nl);
    *off = start + NLMSG_ALIGN(h.nlmsg_len);
}

/* 1. Up, admin-down, no carrier, deleted; then NLMSG_DONE. */
static void test_states(void **state)
{
    uint8_t buf[1024] = {0};
    struct nlmsghdr done = {.nlmsg_len = sizeof(done) + 4, .nlmsg_type = NLMSG_DONE};
    struct seen s = {0};
    size_t off = 0;
    bool end = false;

    (void)state;
    put_link(buf, &off, RTM_NEWLINK, "eth0", IFF_UP | IFF_RUNNING);
    put_link(buf, &off, RTM_NEWLINK, "eth1", IFF_RUNNING);
    put_link(buf, &off, RTM_NEWLINK, "eth2", IFF_UP);
    put_link(buf, &off, RTM_DELLINK, "eth3", IFF_UP | IFF_RUNNING);
    assert_int_equal(linkmon_parse(buf, off, cb, &s, &end), 4);
    assert_false(end);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.names[0], "eth0");
    assert_true(s.up[0]);
    assert_false(s.up[1]);
    assert_false(s.up[2]);
    assert_string_equal(s.names[3], "eth3");
    assert_false(s.up[3]);
    memcpy(buf + off, &done, sizeof(done));
    s.n = 0;
    assert_int_equal(linkmon_parse(buf, off + NLMSG_ALIGN(done.nlmsg_len), cb, &s, &end), 4);
    assert_true(end);
    /* other messages are skipped */
    off = 0;
    put_link(buf, &off, RTM_NEWADDR, "eth0", 0);
    s.n = 0;
    assert_int_equal(linkmon_parse(buf, off, cb, &s, &end), 0);
    assert_int_equal(s.n, 0);
}

/* 2. Bad lengths and names: refused, what came before still reported. */
static void test_malformed(void **state)
{
    uint8_t buf[1024] = {0}, bad[1024];
    struct seen s = {0};
    size_t off = 0, first;
    bool end = false;
    struct nlmsghdr h;
    struct rtattr ra;

    (void)state;
    put_link(buf, &off, RTM_NEWLINK, "eth0", IFF_UP | IFF_RUNNING);
    first = off;
    put_link(buf, &off, RTM_NEWLINK, "eth1", IFF_UP | IFF_RUNNING);

    /* the second message's length past the end */
    memcpy(bad, buf, off);
    memcpy(&h, bad + first, sizeof(h));
    h.nlmsg_len = 4000;
    memcpy(bad + first, &h, sizeof(h));
    s.n = 0;
    assert_int_equal(linkmon_parse(bad, off, cb, &s, &end), -EINVAL);
    assert_int_equal(s.n, 1);
    /* a length below the header's */
    h.nlmsg_len = 8;
    memcpy(bad + first, &h, sizeof(h));
    assert_int_equal(linkmon_parse(bad, off, cb, &s, &end), -EINVAL);
    /* too short for the ifinfomsg */
    h.nlmsg_len = sizeof(h) + 4;
    memcpy(bad + first, &h, sizeof(h));
    assert_int_equal(linkmon_parse(bad, off, cb, &s, &end), -EINVAL);
    /* an attribute longer than its message */
    memcpy(bad, buf, off);
    memcpy(&ra, bad + first + NLMSG_ALIGN(sizeof(h)) + NLMSG_ALIGN(sizeof(struct ifinfomsg)),
           sizeof(ra));
    ra.rta_len = 200;
    memcpy(bad + first + NLMSG_ALIGN(sizeof(h)) + NLMSG_ALIGN(sizeof(struct ifinfomsg)), &ra,
           sizeof(ra));
    assert_int_equal(linkmon_parse(bad, off, cb, &s, &end), -EINVAL);
    /* a name without its NUL */
    memcpy(bad, buf, off);
    bad[first + NLMSG_ALIGN(sizeof(h)) + NLMSG_ALIGN(sizeof(struct ifinfomsg)) + sizeof(ra) + 4] =
        'x';
    assert_int_equal(linkmon_parse(bad, off, cb, &s, &end), -EINVAL);
    /* a truncated datagram: the part that is whole is taken */
    s.n = 0;
    assert_int_equal(linkmon_parse(buf, first + 10, cb, &s, &end), -EINVAL);
    assert_int_equal(s.n, 1);
    assert_int_equal(linkmon_parse(buf, 3, cb, &s, &end), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests_name("linkmon", tests, NULL, NULL);
}
