/*
 * fuzz_nl_route.c - libFuzzer harness for the route, nexthop and link
 * message parsers of src/nl/parse.c: the input is a run of netlink messages
 * fed through nl_cache_feed() into one cache, so nexthop objects and links
 * created by early messages are used by the routes that follow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "nl/nl_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void route_cb(enum nl_route_event ev, const struct nl_route *rt, void *arg)
{
    unsigned *sum = arg;

    if (rt == NULL)
        return;
    /* read every field the parser wrote, so the sanitizers see it */
    *sum += (unsigned)ev + rt->dst_len + rt->n_nexthops + rt->table + rt->nh_id;
    for (unsigned i = 0; i < rt->n_nexthops; i++)
        *sum += rt->nh[i].gw[15] + (unsigned)rt->nh[i].ifindex + rt->nh[i].weight;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nl_cache cache;
    static int init;
    unsigned sum = 0;
    void *copy;

    if (!init) {
        log_init("fuzz_nl_route", LOG_LEVEL_ERROR);
        init = 1;
    }
    nl_cache_init(&cache);
    cache.cb = route_cb;
    cache.arg = &sum;
    cache.nh_compat = size > 0 && (data[0] & 1);
    /* an exact-size heap copy, so that any read past the end is caught */
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    nl_cache_feed(&cache, copy, size);
    for (unsigned i = 0; i < 4; i++)
        nl_cache_link_name(&cache, (int)i);
    nl_cache_clear(&cache);
    free(copy);
    return 0;
}
