/*
 * fuzz_routing_linkmon.c - libFuzzer harness for routerd's rtnetlink link
 * message parser (src/routing/linkmon.c, linkmon_parse). Every input, from
 * an exact-size heap copy so ASan sees any read past it, is one netlink
 * datagram; each name it reports must be a NUL-terminated string of at most
 * IFNAMSIZ - 1 characters. A crash or a bad name is a bug.
 */
#include <linux/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/linkmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cb(void *arg, const char *ifname, bool up)
{
    (void)up;
    if (strnlen(ifname, IFNAMSIZ) >= IFNAMSIZ || ifname[0] == '\0')
        abort();
    (*(int *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    bool done = false;
    int n = 0, r;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    r = linkmon_parse(copy, size, cb, &n, &done);
    if (r > 0 && r != n)
        abort();
    free(copy);
    return 0;
}
