/*
 * counters.c - counter names. See counters.h.
 */
#include "dp/counters.h"

static const char *const dp_counter_names[DP_COUNTER_MAX] = {
#define DP_COUNTER_NAME(id, name) [DP_##id] = name,
    DP_COUNTERS(DP_COUNTER_NAME)
#undef DP_COUNTER_NAME
};

const char *dp_counter_name(enum dp_counter c)
{
    return c < DP_COUNTER_MAX ? dp_counter_names[c] : "unknown";
}
