/*
 * nl_impl.h - private to src/nl: the socket, the link and nexthop caches,
 * and the message parsers, which work on plain buffers so that the fuzz
 * harness (tests/fuzz/nl/) and the unit tests can drive them without a
 * kernel. Public contract: nl.h.
 */
#ifndef VROOM_NL_IMPL_H
#define VROOM_NL_IMPL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "nl/nl.h"

#define NL_CACHE_BUCKETS 1024
#define NL_NH_MAX_GROUP  NL_ROUTE_MAX_NH

/* A nexthop object (RTM_NEWNEXTHOP), as FRR 8 installs them. */
struct nl_nh {
    struct nl_nh *next; /* hash chain */
    uint32_t id;
    bool blackhole;
    int gw_family; /* AF_INET / AF_INET6, 0: no gateway */
    uint8_t gw[16];
    int ifindex;
    unsigned n_group; /* > 0: a group of the ids below, nothing else set */
    struct {
        uint32_t id;
        uint16_t weight; /* 1..256 */
    } group[NL_NH_MAX_GROUP];
    unsigned long users; /* routes delivered with this nh_id (an upper bound) */
    unsigned gen;        /* cache generation when last seen */
};

struct nl_link {
    struct nl_link *next; /* hash chain */
    int ifindex;
    char name[IFNAMSIZ];
    unsigned gen; /* cache generation when last seen */
};

/* What the parsers and the monitor know about one namespace. */
struct nl_cache {
    struct nl_nh *nh[NL_CACHE_BUCKETS];
    struct nl_link *link[NL_CACHE_BUCKETS];
    uint32_t table; /* routes of this table reach cb (0: all) */
    nl_route_cb cb; /* NULL: routes are parsed and dropped */
    void *arg;
    bool nh_compat;      /* kernel re-announces routes when a nexthop object changes */
    bool need_resync;    /* the cache or the callback's view may be stale */
    unsigned long n_bad; /* malformed messages skipped */
    unsigned gen;        /* bumped by each full dump, see nl_cache_sweep() */
};

/*
 * Whether buf[0..len) starts with a whole netlink message. libmnl 1.0.4's
 * mnl_nlmsg_ok() compares nlmsg_len as a signed int, so a length of 2^31 or
 * more passes it: every walk over messages uses this instead.
 */
static inline bool nl_msg_ok(const struct nlmsghdr *nlh, int len)
{
    return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
           nlh->nlmsg_len <= (unsigned)len;
}

void nl_cache_init(struct nl_cache *c);
/* Free every cached link and nexthop (the callback and table stay). */
void nl_cache_clear(struct nl_cache *c);

/* Drop links and nexthops not seen since generation gen began (after a full dump). */
void nl_cache_sweep(struct nl_cache *c, unsigned gen);
/* Forget how many routes use each nexthop (a full dump recounts them). */
void nl_cache_reset_users(struct nl_cache *c);

const struct nl_nh *nl_cache_nh(const struct nl_cache *c, uint32_t id);
const char *nl_cache_link_name(const struct nl_cache *c, int ifindex);

/*
 * Parse one RTM_NEWROUTE / RTM_DELROUTE into rt, resolving RTA_NH_ID from
 * c's nexthop cache. Returns 0, 1 for a route to skip silently (cloned),
 * -ENOENT for an added route whose nexthop object is not cached (and that
 * carries no expanded nexthops), or -EINVAL for a malformed message (logged).
 */
int nl_route_parse(const struct nlmsghdr *nlh, const struct nl_cache *c, struct nl_route *rt);

/* Parse one RTM_NEWNEXTHOP / RTM_DELNEXTHOP. 0, or -EINVAL (logged). */
int nl_nh_parse(const struct nlmsghdr *nlh, struct nl_nh *nh);

/*
 * Handle one notification or dump message of any type: update the caches,
 * call the callback for routes of the table followed. Unknown types are
 * ignored. Returns 0, or -EINVAL for a malformed message (logged, counted,
 * nothing changed).
 */
int nl_cache_handle(struct nl_cache *c, const struct nlmsghdr *nlh);

/*
 * Handle every message in buf[0..len) as nl_cache_handle() does. Returns
 * the number of messages handled, or -EINVAL if the buffer does not hold
 * whole netlink messages (what came before the bad one is handled).
 */
int nl_cache_feed(struct nl_cache *c, const void *buf, size_t len);

/* ---- sock.c: talking to the kernel, for link.c and route.c ---- */

/* Called with each message of a request's answer other than the final ack. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send the request nlh (type, flags and payload set by the caller; seq and
 * NLM_F_ACK are added) and wait up to NL_TIMEOUT_MS for its answer. Every
 * message of the answer before the ack goes to reply (NULL: to the cache,
 * as an event); notifications that arrive meanwhile go to the cache.
 * Returns the kernel's answer (0 or -errno), reply's first error, or -errno.
 */
int nl_sock_request(struct nl_sock *s, struct nlmsghdr *nlh, nl_reply_fn reply, void *arg);

#define NL_TIMEOUT_MS 5000

#endif
