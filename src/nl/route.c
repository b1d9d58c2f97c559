/*
 * route.c - route requests: add, replace and delete a route in a
 * namespace's kernel table. The tests use them to play the part of a
 * routing suite, and the shim may use them for connected routes. Parsing
 * of the kernel's route messages is in parse.c, following them in sock.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "nl/nl_impl.h"

/* Zeroed before use: libmnl 1.0.4 leaves attribute padding as it finds it. */
#define ROUTE_MSG_SIZE 2048

static size_t family_len(int family)
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* RTA_GATEWAY when the gateway is of the route's family, else RTA_VIA. */
static void put_gw(struct nlmsghdr *nlh, int family, int gw_family, const uint8_t gw[16])
{
    if (gw_family == 0)
        return;
    if (gw_family == family) {
        mnl_attr_put(nlh, RTA_GATEWAY, family_len(family), gw);
    } else {
        char via[sizeof(struct rtvia) + 16];
        struct rtvia v = {.rtvia_family = (__kernel_sa_family_t)gw_family};

        memcpy(via, &v, sizeof(v));
        memcpy(via + sizeof(v), gw, family_len(gw_family));
        mnl_attr_put(nlh, RTA_VIA, sizeof(v) + family_len(gw_family), via);
    }
}

static int route_check(const struct nl_route *rt, bool del)
{
    size_t alen = family_len(rt->family);

    if (alen == 0 || rt->dst_len > alen * 8 || rt->n_nexthops > NL_ROUTE_MAX_NH)
        return -EINVAL;
    if (del)
        return 0;
    for (unsigned i = 0; i < rt->n_nexthops; i++) {
        if (rt->nh[i].gw_family != 0 && family_len(rt->nh[i].gw_family) == 0)
            return -EINVAL;
        if (rt->nh[i].weight > 256 || rt->nh[i].ifindex < 0)
            return -EINVAL;
    }
    return 0;
}

static int route_change(struct nl_sock *s, uint16_t type, uint16_t flags, const struct nl_route *rt)
{
    char buf[ROUTE_MSG_SIZE] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct rtmsg *rtm;
    uint32_t table = rt->table ? rt->table : RT_TABLE_MAIN;
    bool has_gw = false;
    int err;

    if ((err = route_check(rt, type == RTM_DELROUTE)) < 0)
        return err;
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    rtm->rtm_family = (uint8_t)rt->family;
    rtm->rtm_dst_len = rt->dst_len;
    rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
    rtm->rtm_protocol = rt->protocol ? rt->protocol : RTPROT_STATIC;
    rtm->rtm_type = rt->type ? rt->type : (type == RTM_DELROUTE ? RTN_UNSPEC : RTN_UNICAST);
    mnl_attr_put_u32(nlh, RTA_TABLE, table);
    if (rt->dst_len > 0)
        mnl_attr_put(nlh, RTA_DST, family_len(rt->family), rt->dst);
    if (rt->priority)
        mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->priority);
    if (type == RTM_DELROUTE) {
        rtm->rtm_protocol = rt->protocol; /* 0 matches any */
        rtm->rtm_scope = RT_SCOPE_NOWHERE;
        return nl_sock_request(s, nlh, NULL, NULL);
    }
    if (rt->nh_id) {
        mnl_attr_put_u32(nlh, RTA_NH_ID, rt->nh_id);
        has_gw = true; /* the kernel checks the object's scope itself */
    } else if (rt->n_nexthops == 1) {
        put_gw(nlh, rt->family, rt->nh[0].gw_family, rt->nh[0].gw);
        if (rt->nh[0].ifindex)
            mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)rt->nh[0].ifindex);
        has_gw = rt->nh[0].gw_family != 0;
    } else if (rt->n_nexthops > 1) {
        struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

        for (unsigned i = 0; i < rt->n_nexthops; i++) {
            struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);
            size_t start = nlh->nlmsg_len;

            memset(rtnh, 0, sizeof(*rtnh));
            nlh->nlmsg_len += RTNH_ALIGN(sizeof(*rtnh));
            rtnh->rtnh_ifindex = rt->nh[i].ifindex;
            rtnh->rtnh_hops = rt->nh[i].weight ? (uint8_t)(rt->nh[i].weight - 1) : 0;
            put_gw(nlh, rt->family, rt->nh[i].gw_family, rt->nh[i].gw);
            rtnh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
            has_gw = has_gw || rt->nh[i].gw_family != 0;
        }
        mnl_attr_nest_end(nlh, mp);
    }
    if (rtm->rtm_type == RTN_LOCAL)
        rtm->rtm_scope = RT_SCOPE_HOST;
    else if (rtm->rtm_type == RTN_UNICAST && !has_gw)
        rtm->rtm_scope = RT_SCOPE_LINK;
    else
        rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    return nl_sock_request(s, nlh, NULL, NULL);
}

int nl_route_add(struct nl_sock *s, const struct nl_route *rt)
{
    return route_change(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rt);
}

int nl_route_replace(struct nl_sock *s, const struct nl_route *rt)
{
    return route_change(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, rt);
}

int nl_route_del(struct nl_sock *s, const struct nl_route *rt)
{
    return route_change(s, RTM_DELROUTE, 0, rt);
}
