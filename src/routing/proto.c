/*
 * proto.c - the table of protocol classes (proto.h) and the few helpers
 * every protocol uses. Classes are chosen at build time: the built-in table
 * below; tests (and nothing else, for now) register more.
 */
#include "routing/proto.h"

#include <errno.h>
#include <string.h>

extern const struct protocol proto_ospf; /* proto_ospf.c */

static const struct protocol *const builtin[] = {
    &proto_connected,
    &proto_static,
    &proto_ospf,
};

#define EXTRA_MAX 8
static const struct protocol *extra[EXTRA_MAX];

#define N_BUILTIN (sizeof(builtin) / sizeof(builtin[0]))

const struct protocol *proto_class_at(size_t i)
{
    if (i < N_BUILTIN)
        return builtin[i];
    i -= N_BUILTIN;
    return i < EXTRA_MAX ? extra[i] : NULL;
}

const struct protocol *proto_class_find(const char *name)
{
    const struct protocol *c;

    for (size_t i = 0; (c = proto_class_at(i)) != NULL; i++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int proto_class_register(const struct protocol *cls)
{
    if (proto_class_find(cls->name) != NULL)
        return -EEXIST;
    for (size_t i = 0; i < EXTRA_MAX; i++)
        if (extra[i] == NULL) {
            extra[i] = cls;
            return 0;
        }
    return -ENOSPC;
}

int proto_announce(struct proto *p, const struct inet_prefix *prefix, const struct rib_attrs *a)
{
    return rib_route_update(p->rib, p->src, prefix, a);
}

int proto_withdraw(struct proto *p, const struct inet_prefix *prefix)
{
    return rib_route_withdraw(p->rib, p->src, prefix);
}

const char *proto_state_name(enum proto_state s)
{
    switch (s) {
    case PROTO_DOWN:
        return "down";
    case PROTO_INIT:
        return "init";
    case PROTO_UP:
        return "up";
    }
    return "?";
}
