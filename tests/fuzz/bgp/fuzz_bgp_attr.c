/*
 * fuzz_bgp_attr.c - libFuzzer harness for the path attribute parser
 * (src/routing/bgp/update.c, intern.c) without the framing in the way: the
 * first byte chooses the session (fuzz_ctx()), the second how many bytes of
 * the rest are the NLRI field; the rest are the path attributes, wrapped
 * into a well-framed UPDATE (extended messages allowed), then parsed,
 * interned and round-tripped by fuzz_update().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_bgp_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bgp_rx_ctx cx;
    size_t nl, al, len;
    uint8_t *m;

    if (size < 2 || size - 2 > BGP_EXT_MAX_LEN - BGP_UPDATE_MIN_LEN)
        return 0;
    fuzz_ctx(data[0], &cx);
    cx.ext_msg = true;
    nl = data[1] % 16;
    data += 2;
    size -= 2;
    if (nl > size)
        nl = size;
    al = size - nl;
    len = BGP_UPDATE_MIN_LEN + size;
    m = malloc(len);
    if (!m)
        return 0;
    bgp_hdr_put(m, (uint16_t)len, BGP_MSG_UPDATE);
    m[19] = m[20] = 0;
    m[21] = (uint8_t)(al >> 8);
    m[22] = (uint8_t)al;
    memcpy(m + 23, data, size);
    fuzz_update(m, len, &cx);
    free(m);
    return 0;
}
