/*
 * nl.h - netlink and network-namespace helpers (libmnl), the kernel side of
 * a virtual router's container.
 *
 * vroomd uses these to build each VR's container (a network namespace with
 * one tap per VR interface, carrying the interface's name, MAC, MTU and
 * addresses) and to follow the routes a routing suite (BIRD, FRR) installs
 * in the container's kernel table: the role of VROOM's shadowd. See
 * docs/netlink.md.
 *
 * Conventions: every function returning int returns 0 (or a non-negative
 * value where said) on success and -errno on failure. Functions that take a
 * struct nl_sock act in the namespace the socket was opened in. Nothing here
 * is thread-safe on the same nl_sock; different nl_socks may be used from
 * different threads. Neighbours: netns.c (namespaces), sock.c (sockets,
 * requests, dumps, the monitor), link.c (taps, links, addresses), route.c
 * (route requests), parse.c (route/nexthop/link message parsing and caches).
 */
#ifndef VROOM_NL_NL_H
#define VROOM_NL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Network namespaces ---------------------------------------------- */

/*
 * Open /var/run/netns/NAME read-only (O_CLOEXEC). Returns the fd, -EINVAL
 * for a bad name (empty, too long, containing '/' or "." / ".."), or -errno
 * (-ENOENT if there is no such namespace). The caller closes the fd.
 */
int nl_netns_open(const char *name);

/*
 * Create a named network namespace, like `ip netns add NAME`: create
 * /var/run/netns (a shared mount point, so the bind mount is seen by mount
 * namespaces made later) and the file NAME in it, make a fresh netns and
 * bind-mount it there. Works from any thread of a process that itself runs
 * in another netns; the calling thread's netns is unchanged on return.
 * The bind mount is made in the caller's mount namespace: from inside
 * `ip netns exec` (a slave mount namespace) it is not seen by the root
 * mount namespace. Returns 0, -EINVAL for a bad name, -EEXIST if NAME
 * exists, or -errno (nothing is left behind on failure).
 */
int nl_netns_create(const char *name);

/* Unmount and remove /var/run/netns/NAME, like `ip netns del`. -ENOENT if absent. */
int nl_netns_delete(const char *name);

/*
 * Switch the calling thread into the netns netns_fd. On success *saved_fd
 * holds an fd of the thread's previous netns, to give to nl_netns_restore()
 * (which closes it). Sockets created in between stay in netns_fd for life.
 */
int nl_netns_enter(int netns_fd, int *saved_fd);

/* Switch the calling thread back to saved_fd and close it (always closed). */
int nl_netns_restore(int saved_fd);

/* ---- Sockets ----------------------------------------------------------- */

/* Multicast groups for nl_sock_open(). */
#define NL_GROUP_LINK       0x01u /* RTNLGRP_LINK */
#define NL_GROUP_IPV4_ROUTE 0x02u /* RTNLGRP_IPV4_ROUTE */
#define NL_GROUP_IPV6_ROUTE 0x04u /* RTNLGRP_IPV6_ROUTE */
#define NL_GROUP_NEXTHOP    0x08u /* RTNLGRP_NEXTHOP */
#define NL_GROUP_ADDR       0x10u /* RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR */

struct nl_sock;

/*
 * Open a NETLINK_ROUTE socket inside netns_fd (-1: the calling thread's
 * current netns), joined to the NL_GROUP_* in groups, non-blocking, with
 * close-on-exec. Returns NULL with errno set on failure. Use a socket with
 * no groups for requests (link, address and route changes): notifications
 * that arrive on a monitoring socket while it waits for an answer are
 * processed as events (nl_route_sync()) or dropped.
 */
struct nl_sock *nl_sock_open(int netns_fd, unsigned groups);

/* Close the socket and free its caches. NULL does nothing. */
void nl_sock_close(struct nl_sock *s);

/* The socket's fd, for the caller's event loop (readable: call nl_sock_process()). */
int nl_sock_fd(const struct nl_sock *s);

/* Set the kernel receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF) in bytes. */
int nl_sock_set_rcvbuf(struct nl_sock *s, int bytes);

/* ---- Links and addresses ---------------------------------------------- */

/*
 * Create a tap device (IFF_TAP | IFF_NO_PI) in the calling thread's netns,
 * named name (NULL or "": the kernel picks tapN). Returns its non-blocking,
 * close-on-exec fd (>= 0), on which the caller reads and writes whole
 * Ethernet frames; *ifindex (if not NULL) gets its ifindex. The device lives
 * as long as the fd is open, wherever it has been moved.
 */
int nl_tap_create(const char *name, int *ifindex);

/*
 * Move link ifindex (in s's netns) into netns_fd and rename it to newname
 * there, in one RTM_NEWLINK. A tap's fd stays valid. The link's ifindex in
 * the target may differ: look it up with nl_link_index() there.
 */
int nl_link_move(struct nl_sock *s, int ifindex, int netns_fd, const char *newname);

int nl_link_set_mac(struct nl_sock *s, int ifindex, const uint8_t mac[6]);
int nl_link_set_mtu(struct nl_sock *s, int ifindex, unsigned mtu);
int nl_link_set_up(struct nl_sock *s, int ifindex, bool up);

/* Ifindex (> 0) of the link called name in s's netns, or -ENODEV. */
int nl_link_index(struct nl_sock *s, const char *name);

/* Delete link ifindex (RTM_DELLINK). */
int nl_link_delete(struct nl_sock *s, int ifindex);

/*
 * Name of ifindex as last seen by s's link cache (filled by nl_route_sync()
 * and nl_route_dump(), kept up to date by the monitor), or NULL. The string
 * belongs to s and is valid until the next call that reads from s.
 */
const char *nl_link_name(const struct nl_sock *s, int ifindex);

/*
 * Add or delete address addr/prefix_len (family AF_INET: 4 bytes, AF_INET6:
 * 16 bytes) on ifindex. IPv6 addresses are added with IFA_F_NODAD so they
 * are usable at once. Adding an existing address returns -EEXIST.
 */
int nl_addr_add(struct nl_sock *s, int ifindex, int family, const void *addr, uint8_t prefix_len);
int nl_addr_del(struct nl_sock *s, int ifindex, int family, const void *addr, uint8_t prefix_len);

/* ---- Routes ------------------------------------------------------------- */

#define NL_ROUTE_MAX_NH 16

/* A route as the kernel holds it, nexthop objects (nhid) resolved. */
struct nl_route {
    int family;          /* AF_INET or AF_INET6 */
    uint8_t dst[16];     /* network byte order, host bits as the kernel has them */
    uint8_t dst_len;     /* prefix length */
    uint32_t table;      /* RT_TABLE_MAIN is 254 */
    uint8_t protocol;    /* RTPROT_* (RTPROT_BIRD, RTPROT_OSPF, RTPROT_STATIC...) */
    uint8_t type;        /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_LOCAL... */
    uint32_t priority;   /* metric (RTA_PRIORITY) */
    uint32_t nh_id;      /* nexthop object id (RTA_NH_ID), 0 if none */
    unsigned n_nexthops; /* entries used in nh[] */
    struct {
        uint8_t gw[16];  /* gateway, network byte order; all zero if none */
        int gw_family;   /* AF_INET / AF_INET6 (RTA_VIA may differ from family); 0: no gw */
        int ifindex;     /* outgoing interface, 0 if unknown */
        uint16_t weight; /* ECMP weight, 1..256 */
    } nh[NL_ROUTE_MAX_NH];
};

/*
 * Add, replace or delete a route in s's netns. For add and replace:
 * rt->nh_id != 0 uses that nexthop object; otherwise one nexthop becomes
 * RTA_GATEWAY (or RTA_VIA when gw_family differs from family) and RTA_OIF,
 * several become RTA_MULTIPATH. table 0 means main. Add of an existing
 * route returns -EEXIST; delete matches family, dst, dst_len, table,
 * priority (and type unless 0) and returns -ESRCH if there is no such route.
 */
int nl_route_add(struct nl_sock *s, const struct nl_route *rt);
int nl_route_replace(struct nl_sock *s, const struct nl_route *rt);
int nl_route_del(struct nl_sock *s, const struct nl_route *rt);

/* What an nl_route_cb is told. */
enum nl_route_event {
    NL_ROUTE_ADD, /* rt was added or changed (same key: family, dst, dst_len, table, priority) */
    NL_ROUTE_DEL, /* rt was removed */
    NL_ROUTE_SYNC_BEGIN, /* rt NULL: a full dump follows (first sync, or resync after an overrun) */
    NL_ROUTE_SYNC_END,   /* rt NULL: the dump is complete; routes not re-added since SYNC_BEGIN are
                            gone */
};

typedef void (*nl_route_cb)(enum nl_route_event ev, const struct nl_route *rt, void *arg);

/*
 * Dump links and nexthop objects into s's caches, then the routes of table
 * (0: every table), calling cb(NL_ROUTE_ADD, rt, arg) for each; cached
 * (RTM_F_CLONED) routes are skipped. Blocks until the dump is complete.
 */
int nl_route_dump(struct nl_sock *s, uint32_t table, nl_route_cb cb, void *arg);

/*
 * Follow table (0: every table) from now on: join the link, route and
 * nexthop groups, then deliver SYNC_BEGIN, every current route as
 * NL_ROUTE_ADD, SYNC_END, and afterwards every change from
 * nl_sock_process(). Routes using nexthop objects (RTA_NH_ID, as FRR
 * installs them) are resolved from the nexthop cache. If the kernel drops
 * notifications (ENOBUFS: the receive buffer overran), or a nexthop object
 * changes while the kernel does not re-announce its routes
 * (net.ipv4.nexthop_compat_mode = 0), the socket resyncs with a new
 * SYNC_BEGIN / ADD... / SYNC_END. Blocks until the first dump is complete.
 */
int nl_route_sync(struct nl_sock *s, uint32_t table, nl_route_cb cb, void *arg);

/*
 * Read and handle every message pending on s without blocking (call it when
 * nl_sock_fd() is readable): updates the caches and, after nl_route_sync(),
 * calls the callback. Malformed messages are logged and skipped. Returns the
 * number of messages handled (>= 0), or -errno on a socket error other than
 * EAGAIN (ENOBUFS is handled by a resync, not returned).
 */
int nl_sock_process(struct nl_sock *s);

#endif
