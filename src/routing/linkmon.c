/*
 * linkmon.c - interface link state over rtnetlink (linkmon.h): a
 * NETLINK_ROUTE socket joined to RTMGRP_LINK in routerd's namespace, an
 * RTM_GETLINK dump at start (and again after the kernel dropped
 * notifications: ENOBUFS), each message parsed with every length checked.
 */
#include "routing/linkmon.h"
#include "lib/log.h"

#include <errno.h>
#include <ev.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct linkmon {
    struct ev_loop *loop;
    ev_io io;
    int fd;
    uint32_t seq;
    linkmon_cb cb;
    void *arg;
    unsigned long msgs, bad;
};

int linkmon_parse(const uint8_t *buf, size_t len, linkmon_cb cb, void *arg, bool *done)
{
    size_t off = 0;
    int n = 0;

    while (len - off >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        size_t mlen;

        memcpy(&h, buf + off, sizeof(h));
        mlen = h.nlmsg_len;
        if (mlen < sizeof(h) || mlen > len - off)
            return -EINVAL;
        if (h.nlmsg_type == NLMSG_DONE) {
            *done = true;
        } else if (h.nlmsg_type == NLMSG_ERROR) {
            /* an answer to our dump request: nothing to take */
        } else if (h.nlmsg_type == RTM_NEWLINK || h.nlmsg_type == RTM_DELLINK) {
            struct ifinfomsg ifi;
            size_t a = NLMSG_ALIGN(sizeof(h)) + NLMSG_ALIGN(sizeof(ifi));
            char name[IFNAMSIZ] = "";

            if (mlen < NLMSG_ALIGN(sizeof(h)) + sizeof(ifi))
                return -EINVAL;
            memcpy(&ifi, buf + off + NLMSG_ALIGN(sizeof(h)), sizeof(ifi));
            while (a + sizeof(struct rtattr) <= mlen) {
                struct rtattr ra;

                memcpy(&ra, buf + off + a, sizeof(ra));
                if (ra.rta_len < sizeof(ra) || ra.rta_len > mlen - a)
                    return -EINVAL;
                if (ra.rta_type == IFLA_IFNAME) {
                    size_t l = ra.rta_len - sizeof(ra);
                    const char *s = (const char *)buf + off + a + sizeof(ra);

                    if (l == 0 || l > IFNAMSIZ || memchr(s, '\0', l) == NULL)
                        return -EINVAL;
                    memcpy(name, s, l);
                }
                a += RTA_ALIGN(ra.rta_len);
            }
            if (name[0] != '\0') {
                bool up = h.nlmsg_type == RTM_NEWLINK && (ifi.ifi_flags & IFF_UP) &&
                          (ifi.ifi_flags & IFF_RUNNING);

                cb(arg, name, up);
                n++;
            }
        }
        off += NLMSG_ALIGN(mlen);
        if (off > len)
            break;
    }
    if (off < len && len - off >= NLMSG_ALIGNTO)
        return -EINVAL; /* a piece of a header: more than alignment padding */
    return n;
}

static int request_dump(struct linkmon *lm)
{
    struct {
        struct nlmsghdr h;
        struct ifinfomsg ifi;
    } req = {
        .h = {.nlmsg_len = sizeof(req),
              .nlmsg_type = RTM_GETLINK,
              .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
              .nlmsg_seq = ++lm->seq},
        .ifi = {.ifi_family = AF_UNSPEC},
    };
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

    if (sendto(lm->fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return -errno;
    return 0;
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct linkmon *lm = w->data;
    uint8_t buf[32768];

    (void)loop;
    (void)revents;
    for (;;) {
        ssize_t n = recv(lm->fd, buf, sizeof(buf), MSG_DONTWAIT);
        bool done = false;
        int r;

        if (n < 0) {
            if (errno == ENOBUFS) {
                /* notifications were lost: ask for the whole picture again */
                log_warnx("linkmon: netlink overrun: dumping the links again");
                request_dump(lm);
                continue;
            }
            if (errno != EAGAIN && errno != EINTR)
                log_warn("linkmon: recv");
            return;
        }
        if ((r = linkmon_parse(buf, (size_t)n, lm->cb, lm->arg, &done)) < 0) {
            lm->bad++;
            log_warnx("linkmon: a malformed netlink message (%zd bytes) dropped", n);
        } else {
            lm->msgs += (unsigned long)r;
        }
    }
}

struct linkmon *linkmon_new(struct ev_loop *loop, linkmon_cb cb, void *arg)
{
    struct linkmon *lm = calloc(1, sizeof(*lm));
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    int e;

    if (lm == NULL)
        return NULL;
    lm->loop = loop;
    lm->cb = cb;
    lm->arg = arg;
    lm->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (lm->fd < 0 || bind(lm->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        request_dump(lm) != 0) {
        e = errno;
        if (lm->fd >= 0)
            close(lm->fd);
        free(lm);
        errno = e;
        return NULL;
    }
    ev_io_init(&lm->io, read_cb, lm->fd, EV_READ);
    lm->io.data = lm;
    ev_io_start(loop, &lm->io);
    return lm;
}

void linkmon_free(struct linkmon *lm)
{
    if (lm == NULL)
        return;
    ev_io_stop(lm->loop, &lm->io);
    close(lm->fd);
    free(lm);
}
