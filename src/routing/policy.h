/*
 * policy.h - routing policy: named prefix lists (permit/deny entries with
 * ge/le, first match in sequence order, no match denies), used by the core
 * when it redistributes the best routes of one protocol into another
 * (proto.h) and by protocols for their own import and export filters.
 *
 * Matching, as in Cisco IOS and FRR: an entry `prefix P/L ge G le E`
 * matches a route R/N when N >= L, R and P agree on the first L bits, and
 * G <= N <= E. Without ge and le, N must equal L; ge alone means le is the
 * family's full length; le alone means ge is L. Entries match only routes of
 * their own family.
 */
#ifndef VROOM_ROUTING_POLICY_H
#define VROOM_ROUTING_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inet.h"

#define POLICY_NAME_MAX 63 /* characters of a prefix-list name */

enum policy_action {
    POLICY_DENY = 0,
    POLICY_PERMIT = 1,
};

struct plist_entry {
    uint32_t seq; /* 1..; entries are tried in increasing seq */
    enum policy_action action;
    struct inet_prefix prefix;
    unsigned ge, le; /* 0: not given */
};

struct prefix_list {
    char name[POLICY_NAME_MAX + 1];
    struct plist_entry *entries; /* sorted by seq */
    size_t n;
};

struct policy; /* a set of named prefix lists */

struct policy *policy_new(void);
/* policy_free(NULL) does nothing. */
void policy_free(struct policy *pol);

/* Create list `name` (empty). Returns it, or NULL with errno EEXIST, EINVAL, ENOMEM. */
struct prefix_list *policy_plist_add(struct policy *pol, const char *name);
struct prefix_list *policy_plist_find(const struct policy *pol, const char *name);
/* The lists in name order: i from 0 until NULL. */
const struct prefix_list *policy_plist_at(const struct policy *pol, size_t i);

/*
 * Add an entry. Checked: seq > 0 and unique in the list, host bits clear,
 * L <= ge <= le <= the family's bits when given. Returns 0, -EINVAL with
 * `why` (may be NULL) saying why, -ENOMEM.
 */
int plist_entry_add(struct prefix_list *pl, const struct plist_entry *e, char *why, size_t whylen);

/* The action of the first matching entry; POLICY_DENY if none matches. */
enum policy_action plist_match(const struct prefix_list *pl, const struct inet_prefix *p);

/* True if both lists have the same entries. */
bool plist_equal(const struct prefix_list *a, const struct prefix_list *b);

/* "seq 10 permit 10.0.0.0/8 ge 16 le 24" into buf (at least 96 bytes). */
char *plist_entry_format(const struct plist_entry *e, char *buf, size_t size);

#endif
