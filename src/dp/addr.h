/*
 * addr.h - comparisons of lib/inet.h addresses and prefixes the data plane
 * needs on its slow paths (configuration, neighbour and route checks).
 */
#ifndef VROOM_DP_ADDR_H
#define VROOM_DP_ADDR_H

#include <string.h>
#include <sys/socket.h>

#include "lib/inet.h"

static inline int addr_equal(const struct inet_addr *a, const struct inet_addr *b)
{
    if (a->family != b->family)
        return 0;
    return memcmp(a->u.bytes, b->u.bytes, a->family == AF_INET ? 4 : 16) == 0;
}

static inline int prefix_equal(const struct inet_prefix *a, const struct inet_prefix *b)
{
    return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

/* Is a inside the subnet of p (host bits of p ignored)? */
static inline int prefix_contains(const struct inet_prefix *p, const struct inet_addr *a)
{
    unsigned full = p->len / 8, rest = p->len % 8;

    if (p->addr.family != a->family)
        return 0;
    if (memcmp(p->addr.u.bytes, a->u.bytes, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    return ((p->addr.u.bytes[full] ^ a->u.bytes[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

#endif
