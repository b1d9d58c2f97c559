/*
 * fuzz_bgp_msg.c - libFuzzer harness for the BGP message codec and the
 * UPDATE parser (src/routing/bgp/). The first input byte chooses the
 * session (4-octet AS, eBGP, extended messages, families: fuzz_ctx()); the
 * rest is a TCP stream: messages are framed one after the other as the
 * session would (bgp_msg_frame), each goes to its type's parser, from an
 * exact-size heap copy so ASan sees any read past it. An OPEN that parses
 * is rebuilt and must parse back to the same fields. The whole rest is also
 * tried as one UPDATE and one OPEN whatever its header says, and as a
 * session record (bgp_session_import): one that imports must give a state
 * the machine accepts, and the session then takes the input as received
 * bytes and fires its timers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_bgp_common.h"
#include "routing/bgp/fsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void open_msg(const uint8_t *m, size_t len)
{
    static uint8_t out[BGP_MAX_LEN];
    struct bgp_open o, p;
    struct bgp_error e;
    int n;

    if (bgp_open_parse(m, len, &o, &e) < 0) {
        CHECK(e.verdict == BGP_RESET && e.reason && (e.code == 1 || e.code == 2));
        return;
    }
    CHECK(o.version == 4 && o.bgp_id && o.hold_time != 1 && o.hold_time != 2 && o.peer_as);
    n = bgp_open_build(out, sizeof(out), &o);
    if (n == -ENOSPC)
        return;
    CHECK(n >= BGP_OPEN_MIN_LEN);
    CHECK(bgp_open_parse(out, (size_t)n, &p, &e) == 0);
    CHECK(p.peer_as == o.peer_as && p.hold_time == o.hold_time && p.bgp_id == o.bgp_id);
    CHECK(p.caps.afs == o.caps.afs && p.caps.as4 == o.caps.as4 && p.caps.gr == o.caps.gr);
    CHECK(p.caps.route_refresh == o.caps.route_refresh && p.caps.ext_msg == o.caps.ext_msg);
    CHECK(p.caps.unknown_len == o.caps.unknown_len);
}

static void one(const uint8_t *m, size_t len, uint8_t type, const struct bgp_rx_ctx *cx)
{
    struct bgp_error e;
    struct bgp_notification nt;
    uint16_t afi;
    uint8_t safi;

    switch (type) {
    case BGP_MSG_OPEN:
        open_msg(m, len);
        break;
    case BGP_MSG_UPDATE:
        fuzz_update(m, len, cx);
        break;
    case BGP_MSG_NOTIFICATION:
        if (bgp_notification_parse(m, len, &nt, &e) == 0) {
            fuzz_inside(nt.data, nt.data_len, m, len);
            (void)bgp_err_subcode_name(nt.code, nt.subcode);
        }
        break;
    case BGP_MSG_KEEPALIVE:
        CHECK(bgp_keepalive_parse(m, len, &e) == 0);
        break;
    case BGP_MSG_ROUTE_REFRESH:
        (void)bgp_refresh_parse(m, len, &afi, &safi, &e);
        break;
    default:
        abort(); /* framing lets only known types through */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bgp_rx_ctx cx;
    size_t off = 0;

    if (size < 1)
        return 0;
    fuzz_ctx(data[0], &cx);
    data++;
    size--;
    while (off < size) {
        size_t ml = 0;
        uint8_t type = 0;
        struct bgp_error e;
        int r = bgp_msg_frame(data + off, size - off, cx.ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN,
                              &ml, &type, &e);
        uint8_t *m;

        if (r <= 0) {
            CHECK(r == 0 || (e.verdict == BGP_RESET && e.code == BGP_ERR_HEADER));
            break;
        }
        CHECK(ml >= BGP_HDR_LEN && ml <= size - off);
        m = malloc(ml);
        if (!m)
            return 0;
        memcpy(m, data + off, ml);
        one(m, ml, type, &cx);
        free(m);
        off += ml;
    }
    {
        uint8_t *m = malloc(size ? size : 1);

        if (!m)
            return 0;
        memcpy(m, data, size);
        fuzz_update(m, size, &cx);
        if (size >= BGP_HDR_LEN)
            open_msg(m, size);
        free(m);
    }
    {
        static struct bgp_session s;
        const struct bgp_session_cbs cbs = {0};

        if (bgp_session_import(&s, data, size, 1000) == 0) {
            CHECK(s.state <= BGP_ESTABLISHED && s.in_len < sizeof(s.in) &&
                  s.out_len <= sizeof(s.out));
            (void)bgp_session_input(&s, data, size, 2000, &cbs);
            (void)bgp_session_timers(&s, 1000000000);
            CHECK(s.state <= BGP_ESTABLISHED && s.in_len < sizeof(s.in));
        }
    }
    return 0;
}
