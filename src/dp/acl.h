/*
 * acl.h - per-interface access lists: an ordered list of permit/deny rules
 * matched on addresses, protocol and ports; the first matching rule wins and
 * a packet no rule matches is permitted. An interface without an ACL
 * permits everything. Rules count their hits.
 */
#ifndef VROOM_DP_ACL_H
#define VROOM_DP_ACL_H

#include <stdint.h>

#include "lib/inet.h"

#define ACL_RULES_MAX 1024

enum acl_action { ACL_PERMIT = 0, ACL_DENY = 1 };

struct pkt_info;

struct acl_rule {
    uint8_t action;         /* enum acl_action */
    uint8_t family;         /* 0: any; else AF_INET/AF_INET6 (from src/dst) */
    int16_t proto;          /* -1: any */
    struct inet_prefix src; /* len 0 and family 0: any */
    struct inet_prefix dst;
    uint16_t sport_lo, sport_hi; /* 0-65535: any */
    uint16_t dport_lo, dport_hi;
    uint64_t hits;
};

struct acl {
    unsigned n;
    struct acl_rule rules[];
};

/* A new ACL with a copy of n rules (n <= ACL_RULES_MAX), or NULL. acl_free(NULL) is a no-op. */
struct acl *acl_create(const struct acl_rule *rules, unsigned n);
void acl_free(struct acl *acl);

/* ACL_PERMIT or ACL_DENY for a parsed IPv4/IPv6 packet; NULL acl permits. */
int acl_check(struct acl *acl, const struct pkt_info *pi);

#endif
