/*
 * parse.c - parsing of route, nexthop and link messages, and the caches of
 * nexthop objects and link names that route resolution needs.
 *
 * Everything here reads from buffers the kernel (or a fuzzer) handed us:
 * every length is checked against the message that holds it before use, a
 * malformed message is logged once and skipped, never half-applied. A route
 * that names a nexthop object (RTA_NH_ID, as FRR 8 installs routes) is
 * resolved from the nexthop cache, which the socket fills by dumping
 * nexthops before routes and follows through RTNLGRP_NEXTHOP. The socket
 * side is in sock.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "nl/nl_impl.h"

static unsigned bucket(uint32_t key)
{
    return (key * 2654435761u) >> 22; /* NL_CACHE_BUCKETS == 1 << 10 */
}

void nl_cache_init(struct nl_cache *c)
{
    memset(c, 0, sizeof(*c));
    c->nh_compat = true;
}

void nl_cache_clear(struct nl_cache *c)
{
    for (unsigned i = 0; i < NL_CACHE_BUCKETS; i++) {
        while (c->nh[i]) {
            struct nl_nh *n = c->nh[i];
            c->nh[i] = n->next;
            free(n);
        }
        while (c->link[i]) {
            struct nl_link *l = c->link[i];
            c->link[i] = l->next;
            free(l);
        }
    }
}

void nl_cache_sweep(struct nl_cache *c, unsigned gen)
{
    for (unsigned i = 0; i < NL_CACHE_BUCKETS; i++) {
        for (struct nl_nh **p = &c->nh[i]; *p;) {
            struct nl_nh *n = *p;

            if ((int)(n->gen - gen) < 0) {
                *p = n->next;
                free(n);
            } else {
                p = &n->next;
            }
        }
        for (struct nl_link **p = &c->link[i]; *p;) {
            struct nl_link *l = *p;

            if ((int)(l->gen - gen) < 0) {
                *p = l->next;
                free(l);
            } else {
                p = &l->next;
            }
        }
    }
}

void nl_cache_reset_users(struct nl_cache *c)
{
    for (unsigned i = 0; i < NL_CACHE_BUCKETS; i++)
        for (struct nl_nh *n = c->nh[i]; n; n = n->next)
            n->users = 0;
}

static struct nl_nh **nh_slot(const struct nl_cache *c, uint32_t id)
{
    struct nl_nh *const *p = &c->nh[bucket(id)];

    while (*p && (*p)->id != id)
        p = &(*p)->next;
    return (struct nl_nh **)p;
}

const struct nl_nh *nl_cache_nh(const struct nl_cache *c, uint32_t id)
{
    return *nh_slot(c, id);
}

static struct nl_link **link_slot(const struct nl_cache *c, int ifindex)
{
    struct nl_link *const *p = &c->link[bucket((uint32_t)ifindex)];

    while (*p && (*p)->ifindex != ifindex)
        p = &(*p)->next;
    return (struct nl_link **)p;
}

const char *nl_cache_link_name(const struct nl_cache *c, int ifindex)
{
    const struct nl_link *l = *link_slot(c, ifindex);

    return l ? l->name : NULL;
}

/*
 * Index the attributes in [start, start + len) by type into tb[0..max]
 * (later ones win, unknown types are skipped). The attributes must fill the
 * span exactly, up to the alignment padding of the last one: a message whose
 * lengths disagree is refused rather than read past.
 */
static int attr_index(const void *start, size_t len, const struct nlattr **tb, unsigned max)
{
    const char *p = start;

    memset(tb, 0, (max + 1) * sizeof(*tb));
    while (len > 0) {
        const struct nlattr *a = (const struct nlattr *)p;
        size_t step;

        if (len < sizeof(*a) || !mnl_attr_ok(a, (int)len))
            return -EINVAL;
        if (mnl_attr_get_type(a) <= max)
            tb[mnl_attr_get_type(a)] = a;
        step = MNL_ALIGN(a->nla_len);
        if (step >= len)
            break;
        len -= step;
        p += step;
    }
    return 0;
}

/* Copy an address attribute of exactly the size family needs. */
static int attr_addr(const struct nlattr *a, int family, uint8_t out[16])
{
    size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

    if (want == 0 || mnl_attr_get_payload_len(a) != want)
        return -EINVAL;
    memset(out, 0, 16);
    memcpy(out, mnl_attr_get_payload(a), want);
    return 0;
}

static bool attr_u32_ok(const struct nlattr *a)
{
    return a == NULL || mnl_attr_validate(a, MNL_TYPE_U32) == 0;
}

/* struct rtvia: a 16-bit family, then the address. */
static int attr_via(const struct nlattr *a, int *family, uint8_t out[16])
{
    uint16_t len = mnl_attr_get_payload_len(a);
    struct rtvia via;

    if (len < sizeof(via))
        return -EINVAL;
    memcpy(&via, mnl_attr_get_payload(a), sizeof(via));
    if ((via.rtvia_family == AF_INET && len != sizeof(via) + 4) ||
        (via.rtvia_family == AF_INET6 && len != sizeof(via) + 16) ||
        (via.rtvia_family != AF_INET && via.rtvia_family != AF_INET6))
        return -EINVAL;
    memset(out, 0, 16);
    memcpy(out, (const char *)mnl_attr_get_payload(a) + sizeof(via), len - sizeof(via));
    *family = via.rtvia_family;
    return 0;
}

/* One gateway from RTA_GATEWAY (the route's family) or RTA_VIA (its own). */
static int parse_gw(const struct nlattr *gw, const struct nlattr *via, int family, int *gw_family,
                    uint8_t out[16])
{
    *gw_family = 0;
    memset(out, 0, 16);
    if (via)
        return attr_via(via, gw_family, out);
    if (gw) {
        if (attr_addr(gw, family, out) < 0)
            return -EINVAL;
        *gw_family = family;
    }
    return 0;
}

/* RTA_MULTIPATH: a run of struct rtnexthop, each followed by its attributes. */
static int parse_multipath(const struct nlattr *mp, struct nl_route *rt)
{
    const char *p = mnl_attr_get_payload(mp);
    size_t len = mnl_attr_get_payload_len(mp);

    while (len > 0) {
        struct rtnexthop rtnh;
        const struct nlattr *tb[RTA_MAX + 1];
        size_t step;
        unsigned i = rt->n_nexthops;

        if (len < sizeof(rtnh))
            return -EINVAL;
        memcpy(&rtnh, p, sizeof(rtnh));
        if (rtnh.rtnh_len < sizeof(rtnh) || rtnh.rtnh_len > len)
            return -EINVAL;
        if (i == NL_ROUTE_MAX_NH)
            return -E2BIG;
        if (attr_index(p + sizeof(rtnh), rtnh.rtnh_len - sizeof(rtnh), tb, RTA_MAX) < 0)
            return -EINVAL;
        if (parse_gw(tb[RTA_GATEWAY], tb[RTA_VIA], rt->family, &rt->nh[i].gw_family, rt->nh[i].gw) <
            0)
            return -EINVAL;
        rt->nh[i].ifindex = rtnh.rtnh_ifindex;
        rt->nh[i].weight = (uint16_t)(rtnh.rtnh_hops + 1);
        rt->n_nexthops++;
        step = RTNH_ALIGN(rtnh.rtnh_len);
        if (step >= len)
            break;
        len -= step;
        p += step;
    }
    return 0;
}

/* Fill rt's nexthops from nexthop object id. -ENOENT if it (or a member) is unknown. */
static int resolve_nh(const struct nl_cache *c, uint32_t id, struct nl_route *rt)
{
    const struct nl_nh *nh = nl_cache_nh(c, id);

    if (nh == NULL)
        return -ENOENT;
    if (nh->blackhole) {
        rt->type = RTN_BLACKHOLE;
        return 0;
    }
    if (nh->n_group == 0) {
        rt->nh[0].gw_family = nh->gw_family;
        memcpy(rt->nh[0].gw, nh->gw, 16);
        rt->nh[0].ifindex = nh->ifindex;
        rt->nh[0].weight = 1;
        rt->n_nexthops = 1;
        return 0;
    }
    for (unsigned i = 0; i < nh->n_group; i++) {
        const struct nl_nh *m = nl_cache_nh(c, nh->group[i].id);

        if (m == NULL || m->n_group > 0)
            return -ENOENT; /* the kernel allows no nested groups */
        if (m->blackhole)
            continue;
        rt->nh[rt->n_nexthops].gw_family = m->gw_family;
        memcpy(rt->nh[rt->n_nexthops].gw, m->gw, 16);
        rt->nh[rt->n_nexthops].ifindex = m->ifindex;
        rt->nh[rt->n_nexthops].weight = nh->group[i].weight;
        rt->n_nexthops++;
    }
    if (rt->n_nexthops == 0)
        rt->type = RTN_BLACKHOLE;
    return 0;
}

int nl_route_parse(const struct nlmsghdr *nlh, const struct nl_cache *c, struct nl_route *rt)
{
    const struct nlattr *tb[RTA_MAX + 1];
    struct rtmsg rtm;
    const char *why;
    unsigned maxlen;

    memset(rt, 0, sizeof(*rt));
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(rtm)) {
        why = "short rtmsg";
        goto drop;
    }
    memcpy(&rtm, mnl_nlmsg_get_payload(nlh), sizeof(rtm));
    if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6) {
        why = "family";
        goto drop;
    }
    maxlen = rtm.rtm_family == AF_INET ? 32 : 128;
    if (rtm.rtm_dst_len > maxlen) {
        why = "prefix length";
        goto drop;
    }
    if (attr_index((const char *)mnl_nlmsg_get_payload(nlh) + NLMSG_ALIGN(sizeof(rtm)),
                   nlh->nlmsg_len < NLMSG_LENGTH(NLMSG_ALIGN(sizeof(rtm)))
                       ? 0
                       : nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(rtm))),
                   tb, RTA_MAX) < 0) {
        why = "attribute lengths";
        goto drop;
    }
    if (!attr_u32_ok(tb[RTA_TABLE]) || !attr_u32_ok(tb[RTA_PRIORITY]) ||
        !attr_u32_ok(tb[RTA_OIF]) || !attr_u32_ok(tb[RTA_NH_ID])) {
        why = "u32 attribute";
        goto drop;
    }
    rt->family = rtm.rtm_family;
    rt->dst_len = rtm.rtm_dst_len;
    rt->table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm.rtm_table;
    rt->protocol = rtm.rtm_protocol;
    rt->type = rtm.rtm_type;
    rt->priority = tb[RTA_PRIORITY] ? mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
    if (tb[RTA_DST] && attr_addr(tb[RTA_DST], rt->family, rt->dst) < 0) {
        why = "RTA_DST";
        goto drop;
    }
    if (!tb[RTA_DST] && rt->dst_len != 0) {
        why = "prefix without RTA_DST";
        goto drop;
    }
    if (tb[RTA_MULTIPATH]) {
        int err = parse_multipath(tb[RTA_MULTIPATH], rt);

        if (err < 0) {
            why = err == -E2BIG ? "too many nexthops" : "RTA_MULTIPATH";
            goto drop;
        }
    } else if (tb[RTA_GATEWAY] || tb[RTA_VIA] || tb[RTA_OIF]) {
        if (parse_gw(tb[RTA_GATEWAY], tb[RTA_VIA], rt->family, &rt->nh[0].gw_family, rt->nh[0].gw) <
            0) {
            why = "RTA_GATEWAY/RTA_VIA";
            goto drop;
        }
        rt->nh[0].ifindex = tb[RTA_OIF] ? (int)mnl_attr_get_u32(tb[RTA_OIF]) : 0;
        rt->nh[0].weight = 1;
        rt->n_nexthops = 1;
    }
    if (tb[RTA_NH_ID]) {
        struct nl_route res = *rt;

        rt->nh_id = mnl_attr_get_u32(tb[RTA_NH_ID]);
        res.n_nexthops = 0;
        memset(res.nh, 0, sizeof(res.nh));
        /* The object is the truth; the expanded copy the kernel adds in
         * nexthop_compat_mode is only a fallback (it may lag a replace). */
        if (resolve_nh(c, rt->nh_id, &res) == 0) {
            res.nh_id = rt->nh_id;
            *rt = res;
        } else if (rt->n_nexthops == 0 && nlh->nlmsg_type == RTM_NEWROUTE) {
            /* Our cache lags the kernel's: not the sender's fault. */
            log_warnx("nl: route uses unknown nexthop id %u", rt->nh_id);
            return -ENOENT;
        }
    }
    /* Cached clones (IPv6 exceptions, PMTU) are not routes anyone installed. */
    if (rtm.rtm_flags & RTM_F_CLONED)
        return 1;
    return 0;

drop:
    log_warnx("nl: route message dropped: %s (type %u, len %u)", why, nlh->nlmsg_type,
              nlh->nlmsg_len);
    return -EINVAL;
}

int nl_nh_parse(const struct nlmsghdr *nlh, struct nl_nh *nh)
{
    const struct nlattr *tb[NHA_MAX + 1];
    struct nhmsg nhm;
    const char *why;

    memset(nh, 0, sizeof(*nh));
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(nhm)) {
        why = "short nhmsg";
        goto drop;
    }
    memcpy(&nhm, mnl_nlmsg_get_payload(nlh), sizeof(nhm));
    if (attr_index((const char *)mnl_nlmsg_get_payload(nlh) + NLMSG_ALIGN(sizeof(nhm)),
                   nlh->nlmsg_len < NLMSG_LENGTH(NLMSG_ALIGN(sizeof(nhm)))
                       ? 0
                       : nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(nhm))),
                   tb, NHA_MAX) < 0) {
        why = "attribute lengths";
        goto drop;
    }
    if (!tb[NHA_ID] || !attr_u32_ok(tb[NHA_ID]) || mnl_attr_get_u32(tb[NHA_ID]) == 0) {
        why = "NHA_ID";
        goto drop;
    }
    if (!attr_u32_ok(tb[NHA_OIF])) {
        why = "NHA_OIF";
        goto drop;
    }
    nh->id = mnl_attr_get_u32(tb[NHA_ID]);
    if (nlh->nlmsg_type == RTM_DELNEXTHOP)
        return 0; /* only the id matters */
    nh->blackhole = tb[NHA_BLACKHOLE] != NULL;
    nh->ifindex = tb[NHA_OIF] ? (int)mnl_attr_get_u32(tb[NHA_OIF]) : 0;
    if (tb[NHA_GATEWAY]) {
        if (attr_addr(tb[NHA_GATEWAY], nhm.nh_family, nh->gw) < 0) {
            why = "NHA_GATEWAY";
            goto drop;
        }
        nh->gw_family = nhm.nh_family;
    }
    if (tb[NHA_GROUP]) {
        const char *p = mnl_attr_get_payload(tb[NHA_GROUP]);
        size_t len = mnl_attr_get_payload_len(tb[NHA_GROUP]);
        size_t n = len / sizeof(struct nexthop_grp);

        if (len == 0 || len % sizeof(struct nexthop_grp) != 0) {
            why = "NHA_GROUP length";
            goto drop;
        }
        if (n > NL_NH_MAX_GROUP) {
            why = "NHA_GROUP too many members";
            goto drop;
        }
        for (size_t i = 0; i < n; i++) {
            struct nexthop_grp g;

            memcpy(&g, p + i * sizeof(g), sizeof(g));
            nh->group[i].id = g.id;
            nh->group[i].weight = (uint16_t)(g.weight + 1);
        }
        nh->n_group = (unsigned)n;
    }
    return 0;

drop:
    log_warnx("nl: nexthop message dropped: %s (type %u, len %u)", why, nlh->nlmsg_type,
              nlh->nlmsg_len);
    return -EINVAL;
}

static bool nh_same(const struct nl_nh *a, const struct nl_nh *b)
{
    return a->blackhole == b->blackhole && a->gw_family == b->gw_family &&
           memcmp(a->gw, b->gw, 16) == 0 && a->ifindex == b->ifindex && a->n_group == b->n_group &&
           memcmp(a->group, b->group, a->n_group * sizeof(a->group[0])) == 0;
}

static int handle_nh(struct nl_cache *c, const struct nlmsghdr *nlh)
{
    struct nl_nh nh, **slot;

    if (nl_nh_parse(nlh, &nh) < 0)
        return -EINVAL;
    slot = nh_slot(c, nh.id);
    if (nlh->nlmsg_type == RTM_DELNEXTHOP) {
        struct nl_nh *old = *slot;

        if (old == NULL)
            return 0;
        /* The kernel removes the routes using it, IPv4 ones silently. */
        if (old->users > 0 && c->cb)
            c->need_resync = true;
        *slot = old->next;
        free(old);
        return 0;
    }
    if (*slot) {
        struct nl_nh *old = *slot;

        /* Routes using a replaced object change without a word unless
         * nexthop_compat_mode makes the kernel re-announce them. */
        if (!nh_same(old, &nh) && old->users > 0 && !c->nh_compat && c->cb)
            c->need_resync = true;
        nh.next = old->next;
        nh.users = old->users;
        nh.gen = c->gen;
        *old = nh;
        return 0;
    }
    struct nl_nh *n = malloc(sizeof(*n));
    if (n == NULL)
        return -ENOMEM;
    *n = nh;
    n->next = NULL;
    n->gen = c->gen;
    *slot = n;
    return 0;
}

static int handle_link(struct nl_cache *c, const struct nlmsghdr *nlh)
{
    const struct nlattr *tb[IFLA_MAX + 1];
    struct ifinfomsg ifi;
    struct nl_link **slot;
    const char *why;

    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi)) {
        why = "short ifinfomsg";
        goto drop;
    }
    memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
    if (ifi.ifi_index <= 0) {
        why = "ifindex";
        goto drop;
    }
    if (attr_index((const char *)mnl_nlmsg_get_payload(nlh) + NLMSG_ALIGN(sizeof(ifi)),
                   nlh->nlmsg_len < NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ifi)))
                       ? 0
                       : nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ifi))),
                   tb, IFLA_MAX) < 0) {
        why = "attribute lengths";
        goto drop;
    }
    slot = link_slot(c, ifi.ifi_index);
    if (nlh->nlmsg_type == RTM_DELLINK) {
        struct nl_link *old = *slot;

        if (old) {
            *slot = old->next;
            free(old);
        }
        return 0;
    }
    if (!tb[IFLA_IFNAME] || mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) < 0 ||
        mnl_attr_get_payload_len(tb[IFLA_IFNAME]) > IFNAMSIZ) {
        why = "IFLA_IFNAME";
        goto drop;
    }
    if (*slot == NULL) {
        struct nl_link *l = calloc(1, sizeof(*l));

        if (l == NULL)
            return -ENOMEM;
        l->ifindex = ifi.ifi_index;
        *slot = l;
    }
    (*slot)->gen = c->gen;
    /* validated: NUL-terminated within IFNAMSIZ */
    memcpy((*slot)->name, mnl_attr_get_str(tb[IFLA_IFNAME]),
           mnl_attr_get_payload_len(tb[IFLA_IFNAME]));
    return 0;

drop:
    log_warnx("nl: link message dropped: %s (type %u, len %u)", why, nlh->nlmsg_type,
              nlh->nlmsg_len);
    return -EINVAL;
}

static int handle_route(struct nl_cache *c, const struct nlmsghdr *nlh)
{
    struct nl_route rt;
    int err = nl_route_parse(nlh, c, &rt);

    if (err == -ENOENT && c->cb)
        c->need_resync = true;
    if (err != 0)
        return err < 0 ? err : 0;
    if (c->table != 0 && rt.table != c->table)
        return 0;
    if (rt.nh_id) {
        struct nl_nh *nh = *nh_slot(c, rt.nh_id);

        if (nh && nlh->nlmsg_type == RTM_NEWROUTE)
            nh->users++;
        else if (nh && nh->users > 0)
            nh->users--;
    }
    if (c->cb)
        c->cb(nlh->nlmsg_type == RTM_NEWROUTE ? NL_ROUTE_ADD : NL_ROUTE_DEL, &rt, c->arg);
    return 0;
}

int nl_cache_handle(struct nl_cache *c, const struct nlmsghdr *nlh)
{
    int err = 0;

    switch (nlh->nlmsg_type) {
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
        err = handle_route(c, nlh);
        break;
    case RTM_NEWNEXTHOP:
    case RTM_DELNEXTHOP:
        err = handle_nh(c, nlh);
        break;
    case RTM_NEWLINK:
    case RTM_DELLINK:
        err = handle_link(c, nlh);
        break;
    default:
        break;
    }
    if (err == -EINVAL)
        c->n_bad++;
    return err;
}

int nl_cache_feed(struct nl_cache *c, const void *buf, size_t len)
{
    const struct nlmsghdr *nlh = buf;
    int left = len > INT32_MAX ? INT32_MAX : (int)len;
    int n = 0;

    while (nl_msg_ok(nlh, left)) {
        nl_cache_handle(c, nlh);
        n++;
        nlh = mnl_nlmsg_next(nlh, &left);
    }
    if (left > 0) {
        log_warnx("nl: %d trailing bytes are not a netlink message", left);
        c->n_bad++;
        return -EINVAL;
    }
    return n;
}
