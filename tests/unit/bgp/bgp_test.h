/*
 * bgp_test.h - helpers shared by the BGP unit tests: hex to bytes, and
 * hand-made UPDATE pieces for tests that need a message the table does not have.
 */
#ifndef VROOM_TESTS_BGP_TEST_H
#define VROOM_TESTS_BGP_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Hex string to a malloc'd buffer of exactly *len bytes (never NULL for valid hex). */
static inline uint8_t *t_unhex(const char *s, size_t *len)
{
    size_t n = strlen(s) / 2;
    uint8_t *b = malloc(n ? n : 1);

    *len = n;
    for (size_t i = 0; b && i < n; i++) {
        unsigned int v;

        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)v;
    }
    return b;
}

/* Wrap an UPDATE body (withdrawn, attributes, NLRI) with a header into buf; returns the length. */
static inline size_t t_update(uint8_t *buf, const uint8_t *wd, size_t wl, const uint8_t *at,
                              size_t al, const uint8_t *nl, size_t nll)
{
    size_t o = 19;

    memset(buf, 0xff, 16);
    buf[o++] = (uint8_t)(wl >> 8);
    buf[o++] = (uint8_t)wl;
    memcpy(buf + o, wd, wl);
    o += wl;
    buf[o++] = (uint8_t)(al >> 8);
    buf[o++] = (uint8_t)al;
    memcpy(buf + o, at, al);
    o += al;
    memcpy(buf + o, nl, nll);
    o += nll;
    buf[16] = (uint8_t)(o >> 8);
    buf[17] = (uint8_t)o;
    buf[18] = 2;
    return o;
}

#endif
