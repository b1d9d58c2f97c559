/*
 * acl.c - first-match access lists. See acl.h. A linear scan: ACLs on a
 * virtual router's interface are short, and the scan stops at the first hit.
 */
#include "dp/acl.h"
#include "pkt/pkt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct acl *acl_create(const struct acl_rule *rules, unsigned n)
{
    struct acl *acl;

    if (n > ACL_RULES_MAX)
        return NULL;
    acl = calloc(1, sizeof(*acl) + n * sizeof(rules[0]));
    if (acl == NULL)
        return NULL;
    acl->n = n;
    if (n > 0)
        memcpy(acl->rules, rules, n * sizeof(rules[0]));
    return acl;
}

void acl_free(struct acl *acl)
{
    free(acl);
}

/* Does addr (pkt_addr of family) fall in prefix p (len 0 matches all)? */
static int prefix_match(const struct inet_prefix *p, int family, const union pkt_addr *a)
{
    if (p->len == 0)
        return 1;
    if (p->addr.family != family)
        return 0;
    if (family == AF_INET) {
        uint32_t mask = p->len >= 32 ? 0xffffffffu : ~(0xffffffffu >> p->len);
        return (a->v4 & mask) == (ntohl(p->addr.u.v4.s_addr) & mask);
    } else {
        unsigned full = p->len / 8, rest = p->len % 8;

        if (memcmp(a->v6.s6_addr, p->addr.u.bytes, full) != 0)
            return 0;
        if (rest == 0)
            return 1;
        uint8_t m = (uint8_t)(0xff << (8 - rest));
        return (a->v6.s6_addr[full] & m) == (p->addr.u.bytes[full] & m);
    }
}

int acl_check(struct acl *acl, const struct pkt_info *pi)
{
    int family;

    if (acl == NULL)
        return ACL_PERMIT;
    family = pi->l3 == PKT_L3_IPV4 ? AF_INET : AF_INET6;
    for (unsigned i = 0; i < acl->n; i++) {
        struct acl_rule *r = &acl->rules[i];

        if (r->family != 0 && r->family != family)
            continue;
        if (r->proto >= 0 && r->proto != pi->proto)
            continue;
        if (!prefix_match(&r->src, family, &pi->src) || !prefix_match(&r->dst, family, &pi->dst))
            continue;
        if (r->sport_lo != 0 || r->sport_hi != 65535 || r->dport_lo != 0 || r->dport_hi != 65535) {
            /* a port rule matches only packets whose ports are known: no
             * non-first fragments, only UDP/TCP (PKT_F_L4 is set for ICMP too) */
            if (!(pi->flags & PKT_F_L4) || (pi->proto != IPPROTO_TCP && pi->proto != IPPROTO_UDP))
                continue;
            if (pi->sport < r->sport_lo || pi->sport > r->sport_hi || pi->dport < r->dport_lo ||
                pi->dport > r->dport_hi)
                continue;
        }
        r->hits++;
        return r->action;
    }
    return ACL_PERMIT;
}
