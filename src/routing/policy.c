/*
 * policy.c - prefix lists (policy.h). Lists are few and short in a router's
 * config; a list is an array sorted by seq and matching is a scan.
 */
#include "routing/policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct policy {
    struct prefix_list **lists; /* sorted by name */
    size_t n;
};

struct policy *policy_new(void)
{
    return calloc(1, sizeof(struct policy));
}

void policy_free(struct policy *pol)
{
    if (pol == NULL)
        return;
    for (size_t i = 0; i < pol->n; i++) {
        free(pol->lists[i]->entries);
        free(pol->lists[i]);
    }
    free(pol->lists);
    free(pol);
}

struct prefix_list *policy_plist_find(const struct policy *pol, const char *name)
{
    for (size_t i = 0; pol != NULL && i < pol->n; i++)
        if (strcmp(pol->lists[i]->name, name) == 0)
            return pol->lists[i];
    return NULL;
}

const struct prefix_list *policy_plist_at(const struct policy *pol, size_t i)
{
    return pol != NULL && i < pol->n ? pol->lists[i] : NULL;
}

struct prefix_list *policy_plist_add(struct policy *pol, const char *name)
{
    struct prefix_list *pl, **v;
    size_t at = 0;

    if (name[0] == '\0' || strlen(name) > POLICY_NAME_MAX) {
        errno = EINVAL;
        return NULL;
    }
    if (policy_plist_find(pol, name) != NULL) {
        errno = EEXIST;
        return NULL;
    }
    if ((pl = calloc(1, sizeof(*pl))) == NULL)
        return NULL;
    if ((v = realloc(pol->lists, (pol->n + 1) * sizeof(*v))) == NULL) {
        free(pl);
        return NULL;
    }
    pol->lists = v;
    snprintf(pl->name, sizeof(pl->name), "%s", name);
    while (at < pol->n && strcmp(pol->lists[at]->name, name) < 0)
        at++;
    memmove(&v[at + 1], &v[at], (pol->n - at) * sizeof(*v));
    v[at] = pl;
    pol->n++;
    return pl;
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
    unsigned full = len / 8, rest = len % 8;

    if (memcmp(a, b, full) != 0)
        return false;
    return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

int plist_entry_add(struct prefix_list *pl, const struct plist_entry *e, char *why, size_t whylen)
{
    unsigned bits = inet_family_bits(e->prefix.addr.family);
    struct plist_entry *v;
    size_t at = 0;
    char dummy[1];

    if (why == NULL) {
        why = dummy;
        whylen = sizeof(dummy);
    }
    if (e->seq == 0) {
        snprintf(why, whylen, "seq must be 1 or more");
        return -EINVAL;
    }
    if (bits == 0 || e->prefix.len > bits) {
        snprintf(why, whylen, "not a prefix");
        return -EINVAL;
    }
    if (e->ge != 0 && (e->ge < e->prefix.len || e->ge > bits)) {
        snprintf(why, whylen, "ge %u is not between the prefix length %u and %u", e->ge,
                 e->prefix.len, bits);
        return -EINVAL;
    }
    if (e->le != 0 && (e->le < e->prefix.len || e->le > bits || (e->ge != 0 && e->le < e->ge))) {
        snprintf(why, whylen, "le %u is not between %u and %u", e->le,
                 e->ge != 0 ? e->ge : e->prefix.len, bits);
        return -EINVAL;
    }
    for (size_t i = 0; i < pl->n; i++)
        if (pl->entries[i].seq == e->seq) {
            snprintf(why, whylen, "seq %u is used twice", e->seq);
            return -EINVAL;
        }
    if ((v = realloc(pl->entries, (pl->n + 1) * sizeof(*v))) == NULL) {
        snprintf(why, whylen, "out of memory");
        return -ENOMEM;
    }
    pl->entries = v;
    while (at < pl->n && v[at].seq < e->seq)
        at++;
    memmove(&v[at + 1], &v[at], (pl->n - at) * sizeof(*v));
    v[at] = *e;
    pl->n++;
    return 0;
}

static bool entry_match(const struct plist_entry *e, const struct inet_prefix *p)
{
    unsigned bits = inet_family_bits(p->addr.family);
    unsigned ge, le;

    if (e->prefix.addr.family != p->addr.family || p->len < e->prefix.len)
        return false;
    if (!bits_equal(e->prefix.addr.u.bytes, p->addr.u.bytes, e->prefix.len))
        return false;
    if (e->ge == 0 && e->le == 0)
        return p->len == e->prefix.len;
    ge = e->ge != 0 ? e->ge : e->prefix.len;
    le = e->le != 0 ? e->le : bits;
    return p->len >= ge && p->len <= le;
}

enum policy_action plist_match(const struct prefix_list *pl, const struct inet_prefix *p)
{
    for (size_t i = 0; pl != NULL && i < pl->n; i++)
        if (entry_match(&pl->entries[i], p))
            return pl->entries[i].action;
    return POLICY_DENY;
}

bool plist_equal(const struct prefix_list *a, const struct prefix_list *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct plist_entry *x = &a->entries[i], *y = &b->entries[i];

        if (x->seq != y->seq || x->action != y->action || x->ge != y->ge || x->le != y->le ||
            x->prefix.len != y->prefix.len || x->prefix.addr.family != y->prefix.addr.family ||
            memcmp(x->prefix.addr.u.bytes, y->prefix.addr.u.bytes,
                   inet_family_bits(x->prefix.addr.family) / 8) != 0)
            return false;
    }
    return true;
}

char *plist_entry_format(const struct plist_entry *e, char *buf, size_t size)
{
    char p[INET_PREFIX_STRLEN];
    int n;

    inet_prefix_format(&e->prefix, p, sizeof(p));
    n = snprintf(buf, size, "seq %u %s %s", e->seq, e->action == POLICY_PERMIT ? "permit" : "deny",
                 p);
    if (e->ge != 0 && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " ge %u", e->ge);
    if (e->le != 0 && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " le %u", e->le);
    return buf;
}
