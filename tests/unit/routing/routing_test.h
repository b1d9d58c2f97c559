/*
 * routing_test.h - helpers the src/routing unit tests share: prefixes and
 * next hops from text, and a recorder of the RIB's change stream.
 */
#ifndef VROOM_TESTS_ROUTING_TEST_H
#define VROOM_TESTS_ROUTING_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "routing/rib.h"

static inline struct inet_prefix P(const char *s) {
    struct inet_prefix p;

    memset(&p, 0, sizeof(p));
    if (inet_prefix_parse(s, AF_UNSPEC, &p, NULL, 0) != 0) {
        fprintf(stderr, "bad prefix in test: %s\n", s);
        abort();
    }
    return p;
}

static inline struct inet_addr
A(const char *s) {
    struct inet_addr a;

    memset(&a, 0, sizeof(a));
    if (inet_addr_parse(s, AF_UNSPEC, &a, NULL, 0) != 0)
        abort();
    return a;
}

/* "via 10.0.0.1 dev eth0", "via 10.0.0.1", "dev eth0", "blackhole" */
static inline struct rib_nh
NH(const char *s) {
    struct rib_nh nh;
    char buf[128], *tok, *save = NULL;

    memset(&nh, 0, sizeof(nh));
    snprintf(buf, sizeof(buf), "%s", s);
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        if (strcmp(tok, "via") == 0) {
            struct inet_addr a = A(strtok_r(NULL, " ", &save));

            nh.family = (uint8_t)a.family;
            memcpy(nh.gw, a.u.bytes, 16);
        } else if (strcmp(tok, "dev") == 0) {
            snprintf(nh.dev, sizeof(nh.dev), "%s", strtok_r(NULL, " ", &save));
        } else if (strcmp(tok, "blackhole") == 0) {
            nh.type = RIB_NH_BLACKHOLE;
        } else if (strcmp(tok, "unreachable") == 0) {
            nh.type = RIB_NH_UNREACHABLE;
        }
    }
    return nh;
}

/* The text of a next-hop set: "via 10.0.0.1 dev eth0,via 10.0.0.2 dev eth1" ("-" for none). */
static inline const char *
NHS(const struct rib_nhg *g, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    if (g == NULL) {
        snprintf(buf, size, "-");
        return buf;
    }
    for (size_t i = 0; i < g->n && n < size; i++) {
        char one[128];

        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
                              rib_nh_format(&g->nh[i], one, sizeof(one)));
    }
    return buf;
}

#endif
