/*
 * sock.c - NETLINK_ROUTE sockets bound inside a namespace: requests with
 * acks, dumps, and the route monitor behind nl_route_sync().
 *
 * One socket both dumps and follows: everything it reads, dump parts and
 * notifications alike, goes through nl_cache_handle() in arrival order, so
 * a change that races a dump is applied after the dumped state it changes.
 * When the kernel drops notifications (ENOBUFS), or the dump was
 * interrupted (NLM_F_DUMP_INTR), or the cache finds it lags the kernel, the
 * socket resyncs: SYNC_BEGIN, a full dump of links, nexthops and routes,
 * SYNC_END. Parsing and caches: parse.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "nl/nl_impl.h"

#define NL_BUF_SIZE     65536 /* larger than any skb the kernel builds for us */
#define NL_RCVBUF       (4 << 20)
#define NL_RESYNC_TRIES 5

struct nl_sock {
    struct mnl_socket *mnl;
    unsigned portid;
    uint32_t seq;
    bool overrun;   /* ENOBUFS seen since the flag was last cleared */
    bool dump_intr; /* NLM_F_DUMP_INTR seen in the current dump */
    bool synced;    /* nl_route_sync() has been called */
    struct nl_cache cache;
    char buf[NL_BUF_SIZE];
};

static const struct {
    unsigned flag;
    unsigned group;
} groups_map[] = {
    {NL_GROUP_LINK, RTNLGRP_LINK},
    {NL_GROUP_IPV4_ROUTE, RTNLGRP_IPV4_ROUTE},
    {NL_GROUP_IPV6_ROUTE, RTNLGRP_IPV6_ROUTE},
    {NL_GROUP_NEXTHOP, RTNLGRP_NEXTHOP},
    {NL_GROUP_ADDR, RTNLGRP_IPV4_IFADDR},
    {NL_GROUP_ADDR, RTNLGRP_IPV6_IFADDR},
};

static int sock_join(struct nl_sock *s, unsigned groups)
{
    for (size_t i = 0; i < sizeof(groups_map) / sizeof(groups_map[0]); i++) {
        int g = (int)groups_map[i].group;

        if (!(groups & groups_map[i].flag))
            continue;
        if (mnl_socket_setsockopt(s->mnl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
            return -errno;
    }
    return 0;
}

/* Whether this netns re-announces routes when a nexthop object changes. */
static bool read_nh_compat(void)
{
    FILE *f = fopen("/proc/sys/net/ipv4/nexthop_compat_mode", "re");
    int v = 1;

    if (f) {
        if (fscanf(f, "%d", &v) != 1)
            v = 1;
        fclose(f);
    }
    return v != 0;
}

struct nl_sock *nl_sock_open(int netns_fd, unsigned groups)
{
    struct nl_sock *s;
    int saved = -1, err;

    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    nl_cache_init(&s->cache);
    s->seq = (uint32_t)time(NULL);
    if (netns_fd >= 0 && (err = nl_netns_enter(netns_fd, &saved)) < 0)
        goto fail;
    s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    err = -errno;
    if (s->mnl && mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
        err = -errno;
        mnl_socket_close(s->mnl);
        s->mnl = NULL;
    }
    /* /proc/sys/net shows the netns of whoever opens it: read it from inside. */
    s->cache.nh_compat = read_nh_compat();
    if (saved >= 0 && nl_netns_restore(saved) < 0)
        fatal("nl: cannot return to the thread's namespace");
    if (s->mnl == NULL)
        goto fail;
    s->portid = mnl_socket_get_portid(s->mnl);
    if ((err = sock_join(s, groups)) < 0)
        goto fail;
    if (groups)
        nl_sock_set_rcvbuf(s, NL_RCVBUF);
    return s;

fail:
    nl_sock_close(s);
    errno = -err;
    return NULL;
}

void nl_sock_close(struct nl_sock *s)
{
    if (s == NULL)
        return;
    if (s->mnl)
        mnl_socket_close(s->mnl);
    nl_cache_clear(&s->cache);
    free(s);
}

int nl_sock_fd(const struct nl_sock *s)
{
    return mnl_socket_get_fd(s->mnl);
}

int nl_sock_set_rcvbuf(struct nl_sock *s, int bytes)
{
    int fd = mnl_socket_get_fd(s->mnl);

    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
        return 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0)
        return 0;
    return -errno;
}

const char *nl_link_name(const struct nl_sock *s, int ifindex)
{
    return nl_cache_link_name(&s->cache, ifindex);
}

/* One datagram into s->buf: its length, or -errno. Waits up to timeout_ms (0: not). */
static ssize_t sock_recv(struct nl_sock *s, int timeout_ms)
{
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(s->mnl, s->buf, sizeof(s->buf));

        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN || timeout_ms == 0)
            return -errno;
        struct pollfd p = {.fd = mnl_socket_get_fd(s->mnl), .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r == 0)
            return -ETIMEDOUT;
        if (r < 0 && errno != EINTR)
            return -errno;
    }
}

static int sock_send(struct nl_sock *s, struct nlmsghdr *nlh)
{
    nlh->nlmsg_seq = ++s->seq;
    if (mnl_socket_sendto(s->mnl, nlh, nlh->nlmsg_len) < 0)
        return -errno;
    return 0;
}

/*
 * Read until the answer to the request numbered seq is complete: its ack
 * or error (a request) or NLMSG_DONE (a dump). Answer messages go to reply,
 * or to the cache when reply is NULL; everything else is an event.
 */
static int sock_wait(struct nl_sock *s, uint32_t seq, nl_reply_fn reply, void *arg)
{
    int ret = 0;

    for (;;) {
        ssize_t n = sock_recv(s, NL_TIMEOUT_MS);

        if (n == -ENOBUFS) {
            log_warnx("nl: netlink receive buffer overrun, notifications lost");
            s->overrun = true;
            continue;
        }
        if (n < 0)
            return (int)n;
        int left = (int)n;
        for (const struct nlmsghdr *nlh = (const void *)s->buf; nl_msg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left)) {
            bool ours = nlh->nlmsg_seq == seq && nlh->nlmsg_pid == s->portid;

            if (ours && (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)) {
                int err = 0;

                /* an ack or error carries struct nlmsgerr, DONE an int */
                if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
                    memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
                if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
                    s->dump_intr = true;
                return err < 0 ? err : ret;
            }
            if (ours && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
                s->dump_intr = true;
            if (ours && reply) {
                int err = reply(nlh, arg);

                if (err < 0 && ret == 0)
                    ret = err;
            } else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
                nl_cache_handle(&s->cache, nlh);
            }
        }
        if (left > 0)
            log_warnx("nl: %d bytes of a datagram are not a netlink message", left);
    }
}

int nl_sock_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_fn reply, void *arg)
{
    int err;

    nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if ((err = sock_send(s, nlh)) < 0)
        return err;
    return sock_wait(s, s->seq, reply, arg);
}

/* Dump every object of type (RTM_GETLINK, RTM_GETNEXTHOP, RTM_GETROUTE) into the cache. */
static int sock_dump(struct nl_sock *s, uint16_t type)
{
    char buf[MNL_NLMSG_HDRLEN + 32] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    int err;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    switch (type) {
    case RTM_GETLINK:
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
        break;
    case RTM_GETNEXTHOP:
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct nhmsg));
        break;
    default:
        mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)); /* AF_UNSPEC: both families */
        break;
    }
    if ((err = sock_send(s, nlh)) < 0)
        return err;
    return sock_wait(s, s->seq, NULL, NULL);
}

/* Links and nexthops first, so that every route can be resolved. */
static int sock_dump_all(struct nl_sock *s)
{
    int err;

    s->cache.gen++;
    nl_cache_reset_users(&s->cache);
    if ((err = sock_dump(s, RTM_GETLINK)) < 0)
        return err;
    err = sock_dump(s, RTM_GETNEXTHOP);
    if (err < 0 && err != -EOPNOTSUPP && err != -EINVAL)
        return err; /* kernels before 5.3 have no nexthop objects */
    if ((err = sock_dump(s, RTM_GETROUTE)) < 0)
        return err;
    nl_cache_sweep(&s->cache, s->cache.gen);
    return 0;
}

int nl_route_dump(struct nl_sock *s, uint32_t table, nl_route_cb cb, void *arg)
{
    nl_route_cb saved_cb = s->cache.cb;
    void *saved_arg = s->cache.arg;
    uint32_t saved_table = s->cache.table;
    int err;

    s->cache.cb = cb;
    s->cache.arg = arg;
    s->cache.table = table;
    err = sock_dump_all(s);
    s->cache.cb = saved_cb;
    s->cache.arg = saved_arg;
    s->cache.table = saved_table;
    return err;
}

/* A full dump framed by SYNC_BEGIN and SYNC_END, again while it raced lost events. */
static int sock_resync(struct nl_sock *s)
{
    struct nl_cache *c = &s->cache;

    for (int tries = 0; tries < NL_RESYNC_TRIES; tries++) {
        int err;

        s->overrun = false;
        s->dump_intr = false;
        c->need_resync = false;
        c->cb(NL_ROUTE_SYNC_BEGIN, NULL, c->arg);
        err = sock_dump_all(s);
        c->cb(NL_ROUTE_SYNC_END, NULL, c->arg);
        if (err < 0) {
            c->need_resync = true;
            return err;
        }
        if (!s->overrun && !s->dump_intr && !c->need_resync)
            return 0;
        log_warnx("nl: routes changed during the dump (%s), dumping again", s->overrun ? "overrun"
                                                                            : s->dump_intr
                                                                                ? "interrupted"
                                                                                : "stale nexthop");
    }
    c->need_resync = true; /* the next nl_sock_process() tries again */
    return 0;
}

int nl_route_sync(struct nl_sock *s, uint32_t table, nl_route_cb cb, void *arg)
{
    int err;

    if (cb == NULL)
        return -EINVAL;
    if ((err = sock_join(s, NL_GROUP_LINK | NL_GROUP_IPV4_ROUTE | NL_GROUP_IPV6_ROUTE |
                                NL_GROUP_NEXTHOP)) < 0)
        return err;
    nl_sock_set_rcvbuf(s, NL_RCVBUF);
    s->cache.cb = cb;
    s->cache.arg = arg;
    s->cache.table = table;
    s->synced = true;
    return sock_resync(s);
}

int nl_sock_process(struct nl_sock *s)
{
    int handled = 0;

    for (;;) {
        ssize_t n = sock_recv(s, 0);

        if (n == -ENOBUFS) {
            log_warnx("nl: netlink receive buffer overrun, notifications lost%s",
                      s->synced ? ": resyncing" : "");
            if (s->synced)
                s->cache.need_resync = true;
        } else if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            return (int)n;
        } else {
            int left = (int)n;
            const struct nlmsghdr *nlh = (const void *)s->buf;

            for (; nl_msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
                if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
                    nl_cache_handle(&s->cache, nlh);
                handled++;
            }
            if (left > 0)
                log_warnx("nl: %d bytes of a datagram are not a netlink message", left);
        }
        if (s->synced && s->cache.need_resync) {
            int err = sock_resync(s);

            if (err < 0)
                return err;
        }
    }
    return handled;
}
