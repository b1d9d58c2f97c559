/*
 * probe_pkt.c - encode and parse the vroom-probe header. See probe_pkt.h for
 * the layout. Input is from the network: every length is checked before a
 * byte is read, and there is one way out of the parser.
 */
#include "probe/probe_pkt.h"

#include <errno.h>
#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

int probe_pkt_encode(void *buf, size_t len, const struct probe_hdr *h)
{
    uint8_t *p = buf;

    if (len < PROBE_HDR_LEN || h->run_id == 0)
        return -EINVAL;
    put_be32(p, PROBE_MAGIC);
    p[4] = PROBE_VERSION;
    p[5] = h->flags;
    p[6] = 0;
    p[7] = 0;
    put_be64(p + 8, h->run_id);
    put_be64(p + 16, h->seq);
    put_be64(p + 24, h->send_ns);
    return 0;
}

enum probe_pkt_status probe_pkt_parse(const void *buf, size_t len, uint64_t want_run,
                                      struct probe_hdr *out)
{
    const uint8_t *p = buf;
    enum probe_pkt_status st;
    uint64_t run;

    if (len < PROBE_HDR_LEN) {
        st = PROBE_PKT_SHORT;
        goto drop;
    }
    if (get_be32(p) != PROBE_MAGIC) {
        st = PROBE_PKT_BAD_MAGIC;
        goto drop;
    }
    if (p[4] != PROBE_VERSION) {
        st = PROBE_PKT_BAD_VERSION;
        goto drop;
    }
    if ((p[5] & ~PROBE_FLAG_END) != 0) {
        st = PROBE_PKT_BAD_FLAGS;
        goto drop;
    }
    run = get_be64(p + 8);
    if (run == 0 || (want_run != 0 && run != want_run)) {
        st = PROBE_PKT_OTHER_RUN;
        goto drop;
    }
    out->flags = p[5];
    out->run_id = run;
    out->seq = get_be64(p + 16);
    out->send_ns = get_be64(p + 24);
    return PROBE_PKT_OK;
drop:
    return st;
}

const char *probe_pkt_strerror(enum probe_pkt_status st)
{
    switch (st) {
    case PROBE_PKT_OK:
        return "ok";
    case PROBE_PKT_SHORT:
        return "shorter than the header";
    case PROBE_PKT_BAD_MAGIC:
        return "bad magic";
    case PROBE_PKT_BAD_VERSION:
        return "unknown version";
    case PROBE_PKT_BAD_FLAGS:
        return "unknown flag bits";
    case PROBE_PKT_OTHER_RUN:
        return "another run";
    }
    return "unknown status";
}
