/*
 * test_bgp_msg.c - the BGP message codec (src/routing/bgp/msg.c): framing
 * and header checks, OPEN with capabilities (built, parsed back, and a
 * hand-encoded OPEN in the old one-capability-per-parameter style), every
 * OPEN error with its NOTIFICATION subcode, RFC 9072 extended parameters,
 * NOTIFICATION, KEEPALIVE, ROUTE-REFRESH, and NLRI prefixes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/bgp/msg.h"
#include "bgp_test.h"

static uint8_t buf[70000];

/* 1. Check that framing waits for a whole header and message, and finds type and length. */
static void test01_frame(void **state)
{
    size_t ml = 0;
    uint8_t t = 0;
    struct bgp_error e;
    int n = bgp_keepalive_build(buf, sizeof(buf));

    (void)state;
    assert_int_equal(n, 19);
    assert_int_equal(bgp_msg_frame(buf, 18, BGP_MAX_LEN, &ml, &t, &e), 0);
    assert_int_equal(bgp_msg_frame(buf, 19, BGP_MAX_LEN, &ml, &t, &e), 1);
    assert_int_equal(ml, 19);
    assert_int_equal(t, BGP_MSG_KEEPALIVE);
    /* a 30-byte ROUTE-REFRESH header with 29 bytes there: wait (then refused for its length) */
    n = bgp_refresh_build(buf, sizeof(buf), BGP_AFI_IPV6, BGP_SAFI_UNICAST);
    assert_int_equal(n, 23);
    assert_int_equal(bgp_msg_frame(buf, 22, BGP_MAX_LEN, &ml, &t, &e), 0);
    assert_int_equal(bgp_msg_frame(buf, 40, BGP_MAX_LEN, &ml, &t, &e), 1);
    assert_int_equal(ml, 23);
}

/* 2. Check every header error: marker, length per type, 4096 vs 65535, unknown type. */
static void test02_header_errors(void **state)
{
    size_t ml;
    uint8_t t;
    struct bgp_error e;

    (void)state;
    bgp_keepalive_build(buf, sizeof(buf));
    buf[5] = 0;
    assert_int_equal(bgp_msg_frame(buf, 19, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    assert_int_equal(e.code, BGP_ERR_HEADER);
    assert_int_equal(e.subcode, BGP_HDR_NOT_SYNC);
    assert_int_equal(e.verdict, BGP_RESET);
    bgp_hdr_put(buf, 20, BGP_MSG_KEEPALIVE); /* KEEPALIVE is exactly 19 */
    assert_int_equal(bgp_msg_frame(buf, 20, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    assert_int_equal(e.subcode, BGP_HDR_BAD_LENGTH);
    assert_int_equal(e.data_len, 2); /* the length field is the data (RFC 4271 6.1) */
    assert_ptr_equal(e.data, buf + 16);
    bgp_hdr_put(buf, 5000, BGP_MSG_UPDATE);
    assert_int_equal(bgp_msg_frame(buf, 5000, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    assert_int_equal(bgp_msg_frame(buf, 5000, BGP_EXT_MAX_LEN, &ml, &t, &e), 1);
    bgp_hdr_put(buf, 5000, BGP_MSG_OPEN); /* never beyond 4096 (RFC 8654 3) */
    assert_int_equal(bgp_msg_frame(buf, 5000, BGP_EXT_MAX_LEN, &ml, &t, &e), -EINVAL);
    assert_int_equal(e.subcode, BGP_HDR_BAD_LENGTH);
    bgp_hdr_put(buf, 28, BGP_MSG_OPEN);
    assert_int_equal(bgp_msg_frame(buf, 28, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    bgp_hdr_put(buf, 20, BGP_MSG_NOTIFICATION);
    assert_int_equal(bgp_msg_frame(buf, 20, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    bgp_hdr_put(buf, 24, BGP_MSG_ROUTE_REFRESH);
    assert_int_equal(bgp_msg_frame(buf, 24, BGP_MAX_LEN, &ml, &t, &e), 1); /* RFC 7313 ORFs */
    assert_int_equal(bgp_refresh_parse(buf, 24, &(uint16_t){0}, &(uint8_t){0}, &e), -EINVAL);
    bgp_hdr_put(buf, 19, 0);
    assert_int_equal(bgp_msg_frame(buf, 19, BGP_MAX_LEN, &ml, &t, &e), -EINVAL);
    assert_int_equal(e.subcode, BGP_HDR_BAD_TYPE);
    assert_int_equal(e.data_len, 1);
    assert_int_equal(e.data[0], 0);
}

/* 3. Check that an OPEN with every capability builds and parses back to the same thing. */
static void test03_open_roundtrip(void **state)
{
    struct bgp_open o = {.version = 4,
                         .my_as = BGP_AS_TRANS,
                         .hold_time = 9,
                         .bgp_id = IP(10, 0, 0, 1),
                         .caps = {.afs = BGP_AF_IPV4 | BGP_AF_IPV6,
                                  .mp = true,
                                  .as4 = true,
                                  .as4_num = 4200000001u,
                                  .route_refresh = true,
                                  .ext_msg = true,
                                  .gr = true,
                                  .gr_flags = BGP_GR_RESTART,
                                  .gr_time = 120,
                                  .gr_afs = BGP_AF_IPV4 | BGP_AF_IPV6,
                                  .gr_fwd_afs = BGP_AF_IPV6,
                                  .unknown_len = 5,
                                  .unknown = {73, 3, 'a', 'b', 'c'}}};
    struct bgp_open p;
    struct bgp_error e;
    int n = bgp_open_build(buf, sizeof(buf), &o);

    (void)state;
    assert_true(n > 29);
    assert_int_equal(bgp_open_parse(buf, (size_t)n, &p, &e), 0);
    assert_int_equal(p.version, 4);
    assert_int_equal(p.my_as, BGP_AS_TRANS);
    assert_int_equal(p.peer_as, 4200000001u);
    assert_int_equal(p.hold_time, 9);
    assert_int_equal(p.bgp_id, IP(10, 0, 0, 1));
    assert_int_equal(p.caps.afs, BGP_AF_IPV4 | BGP_AF_IPV6);
    assert_true(p.caps.as4 && p.caps.route_refresh && p.caps.ext_msg && p.caps.gr);
    assert_int_equal(p.caps.gr_flags, BGP_GR_RESTART);
    assert_int_equal(p.caps.gr_time, 120);
    assert_int_equal(p.caps.gr_afs, BGP_AF_IPV4 | BGP_AF_IPV6);
    assert_int_equal(p.caps.gr_fwd_afs, BGP_AF_IPV6);
    assert_int_equal(p.caps.n_unknown, 1);
    assert_int_equal(p.caps.unknown_len, 5);
    assert_memory_equal(p.caps.unknown, o.caps.unknown, 5);
    /* and builds again to the same bytes */
    assert_int_equal(bgp_open_build(buf + 8192, 8192, &p), n);
    assert_memory_equal(buf, buf + 8192, (size_t)n);
}

/*
 * 4. Check a hand-encoded OPEN with one capability per optional parameter
 * (as many speakers send): MP IPv4, route refresh, the old Cisco route
 * refresh 128, AS4 65001; and that without MP capability IPv4 is implied.
 */
static void test04_open_reference(void **state)
{
    static const char *hex = "ffffffffffffffffffffffffffffffff"
                             "0035"
                             "01"
                             "04"
                             "fde9"
                             "005a"
                             "0a000001"
                             "18"
                             "0206010400010001"
                             "02020200"
                             "02028000"
                             "0206410400"
                             "00fde9";
    static const char *nomp = "ffffffffffffffffffffffffffffffff001d0104fde900b40a00000200";
    struct bgp_open p;
    struct bgp_error e;
    size_t len;
    uint8_t *m = t_unhex(hex, &len);

    (void)state;
    assert_int_equal(len, 0x35);
    assert_int_equal(bgp_open_parse(m, len, &p, &e), 0);
    assert_int_equal(p.peer_as, 65001);
    assert_int_equal(p.hold_time, 90);
    assert_int_equal(p.caps.afs, BGP_AF_IPV4);
    assert_true(p.caps.mp && p.caps.route_refresh && p.caps.as4);
    assert_false(p.caps.ext_msg || p.caps.gr);
    assert_int_equal(p.caps.n_unknown, 0);
    free(m);
    m = t_unhex(nomp, &len);
    assert_int_equal(bgp_open_parse(m, len, &p, &e), 0);
    assert_false(p.caps.mp || p.caps.as4);
    assert_int_equal(p.caps.afs, BGP_AF_IPV4);
    assert_int_equal(p.peer_as, 65001);
    assert_int_equal(p.hold_time, 180);
    free(m);
}

static void open_err(const char *hex, uint8_t code, uint8_t subcode)
{
    struct bgp_open p;
    struct bgp_error e;
    size_t len;
    uint8_t *m = t_unhex(hex, &len);

    assert_non_null(m);
    assert_int_equal(bgp_open_parse(m, len, &p, &e), -EINVAL);
    if (e.code != code || e.subcode != subcode)
        print_message("%s: %d/%d %s\n", hex, e.code, e.subcode, e.reason);
    assert_int_equal(e.verdict, BGP_RESET);
    assert_int_equal(e.code, code);
    assert_int_equal(e.subcode, subcode);
    assert_non_null(e.reason);
    free(m);
}

/* 5. Check every OPEN error and its NOTIFICATION (RFC 4271 6.2, 5492, 6286, 7607). */
static void test05_open_errors(void **state)
{
    const char *h = "ffffffffffffffffffffffffffffffff";
    char m[512];
    struct bgp_open p;
    struct bgp_error e;
    size_t len;
    uint8_t *b;

    (void)state;
    snprintf(m, sizeof(m), "%s001d0103fde900b40a00000200", h); /* version 3 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION);
    b = t_unhex(m, &len);
    assert_int_equal(bgp_open_parse(b, len, &p, &e), -EINVAL);
    assert_int_equal(e.data_len, 2); /* the version we speak */
    assert_int_equal(e.data[1], 4);
    free(b);
    snprintf(m, sizeof(m), "%s001d0104000000b40a00000200", h); /* AS 0 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS);
    snprintf(m, sizeof(m), "%s001d0104fde900020a00000200", h); /* hold 2 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_HOLD);
    snprintf(m, sizeof(m), "%s001d0104fde900b40000000000", h); /* identifier 0 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_ID);
    snprintf(m, sizeof(m), "%s00210104fde900b40a0000020401020000", h); /* param type 1 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_OPT_PARAM);
    snprintf(m, sizeof(m), "%s00230104fde900b40a00000204020401040000", h); /* opt len wrong */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC);
    snprintf(m, sizeof(m), "%s00210104fde900b40a0000020402020106", h); /* cap overruns */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC);
    snprintf(m, sizeof(m),
             "%s00240104fde900b40a000002070205010300010"
             "0",
             h); /* MP len 3 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC);
    snprintf(m, sizeof(m), "%s00250104fde900b40a000002080206410400000000", h); /* AS4 0 */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS);
    snprintf(m, sizeof(m), "%s001c0104fde900b40a000002", h); /* 28 bytes */
    open_err(m, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH);
    snprintf(m, sizeof(m), "%s001e0104fde900b40a0000020102", h); /* truncated param */
    open_err(m, BGP_ERR_OPEN, BGP_OPEN_UNSPECIFIC);
}

/* 6. Check RFC 9072 extended optional parameters: more than 255 bytes of capabilities. */
static void test06_open_extended_params(void **state)
{
    struct bgp_open o = {.version = 4,
                         .my_as = 65001,
                         .hold_time = 90,
                         .bgp_id = 7,
                         .caps = {.as4 = true, .as4_num = 65001}};
    struct bgp_open p;
    struct bgp_error e;
    int n;

    (void)state;
    for (int i = 0; i < 3; i++) { /* three unknown capabilities of 120 bytes */
        o.caps.unknown[o.caps.unknown_len] = (uint8_t)(200 + i);
        o.caps.unknown[o.caps.unknown_len + 1] = 120;
        memset(o.caps.unknown + o.caps.unknown_len + 2, i, 120);
        o.caps.unknown_len += 122;
    }
    n = bgp_open_build(buf, sizeof(buf), &o);
    assert_true(n > 29 + 255);
    assert_int_equal(buf[28], 255);
    assert_int_equal(buf[29], 255);
    assert_int_equal(bgp_open_parse(buf, (size_t)n, &p, &e), 0);
    assert_int_equal(p.caps.n_unknown, 3);
    assert_int_equal(p.caps.unknown_len, 366);
    assert_memory_equal(p.caps.unknown, o.caps.unknown, 366);
    assert_true(p.caps.as4);
    /* length disagreeing with the message */
    buf[31]++;
    assert_int_equal(bgp_open_parse(buf, (size_t)n, &p, &e), -EINVAL);
}

/* 7. Check NOTIFICATION build and parse, data capped to the message limit, and names. */
static void test07_notification(void **state)
{
    struct bgp_notification nt;
    struct bgp_error e;
    uint8_t data[5000];
    int n;

    (void)state;
    memset(data, 0xab, sizeof(data));
    n = bgp_notification_build(buf, sizeof(buf), BGP_MAX_LEN, BGP_ERR_UPDATE, BGP_UPD_AS_PATH, data,
                               3);
    assert_int_equal(n, 24);
    assert_int_equal(bgp_notification_parse(buf, (size_t)n, &nt, &e), 0);
    assert_int_equal(nt.code, 3);
    assert_int_equal(nt.subcode, 11);
    assert_int_equal(nt.data_len, 3);
    assert_memory_equal(nt.data, data, 3);
    n = bgp_notification_build(buf, sizeof(buf), BGP_MAX_LEN, BGP_ERR_CEASE, 2, data, sizeof(data));
    assert_int_equal(n, 4096);
    assert_string_equal(bgp_err_code_name(3), "UPDATE Message Error");
    assert_string_equal(bgp_err_subcode_name(3, 11), "Malformed AS_PATH");
    assert_string_equal(bgp_err_subcode_name(6, 2), "Administrative Shutdown");
    assert_string_equal(bgp_err_subcode_name(3, 200), "unknown");
    assert_string_equal(bgp_err_code_name(99), "unknown");
    bgp_hdr_put(buf, 20, BGP_MSG_NOTIFICATION);
    assert_int_equal(bgp_notification_parse(buf, 20, &nt, &e), -EINVAL);
}

/* 8. Check KEEPALIVE and ROUTE-REFRESH both ways. */
static void test08_keepalive_refresh(void **state)
{
    struct bgp_error e;
    uint16_t afi;
    uint8_t safi;

    (void)state;
    assert_int_equal(bgp_keepalive_build(buf, 18), -ENOSPC);
    assert_int_equal(bgp_keepalive_build(buf, sizeof(buf)), 19);
    assert_int_equal(bgp_keepalive_parse(buf, 19, &e), 0);
    assert_int_equal(bgp_keepalive_parse(buf, 20, &e), -EINVAL);
    assert_int_equal(bgp_refresh_build(buf, sizeof(buf), 2, 1), 23);
    assert_int_equal(bgp_refresh_parse(buf, 23, &afi, &safi, &e), 0);
    assert_int_equal(afi, 2);
    assert_int_equal(safi, 1);
    assert_int_equal(bgp_af_bit(afi, safi), BGP_AF_IPV6);
    assert_int_equal(bgp_af_bit(1, 2), 0);
}

/* 9. Check NLRI prefixes: host bits cleared, /0, /32, /128, and the two errors. */
static void test09_nlri(void **state)
{
    static const uint8_t v4[] = {0, 32, 10, 0, 0, 1, 25, 10, 1, 2, 0xff, 8, 10};
    static const uint8_t bad_len[] = {33, 1, 2, 3, 4, 5};
    static const uint8_t trunc[] = {24, 10, 1};
    static const uint8_t v6[] = {128, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    struct bgp_prefix p;
    size_t off = 0, bad = 0;
    uint8_t out[32];

    (void)state;
    assert_int_equal(bgp_nlri_check(v4, sizeof(v4), BGP_AFI_IPV4, &bad), 4);
    assert_int_equal(bgp_nlri_next(v4, sizeof(v4), &off, BGP_AFI_IPV4, &p), 1);
    assert_int_equal(p.len, 0);
    assert_int_equal(bgp_nlri_next(v4, sizeof(v4), &off, BGP_AFI_IPV4, &p), 1);
    assert_int_equal(p.len, 32);
    assert_int_equal(p.addr[3], 1);
    assert_int_equal(bgp_nlri_next(v4, sizeof(v4), &off, BGP_AFI_IPV4, &p), 1);
    assert_int_equal(p.len, 25);
    assert_int_equal(p.addr[3], 0x80); /* host bits cleared */
    assert_int_equal(bgp_nlri_put(out, sizeof(out), &p), 5);
    assert_int_equal(bgp_nlri_next(v4, sizeof(v4), &off, BGP_AFI_IPV4, &p), 1);
    assert_int_equal(bgp_nlri_next(v4, sizeof(v4), &off, BGP_AFI_IPV4, &p), 0);
    assert_int_equal(bgp_nlri_check(bad_len, sizeof(bad_len), BGP_AFI_IPV4, &bad), -EINVAL);
    assert_int_equal(bad, 0);
    assert_int_equal(bgp_nlri_check(bad_len, sizeof(bad_len), BGP_AFI_IPV6, &bad), 1); /* a /33 */
    assert_int_equal(bgp_nlri_check(trunc, sizeof(trunc), BGP_AFI_IPV4, &bad), -EINVAL);
    assert_int_equal(bgp_nlri_check(v6, sizeof(v6), BGP_AFI_IPV6, &bad), 1);
    assert_int_equal(bgp_nlri_check(v6, sizeof(v6), BGP_AFI_IPV4, &bad), -EINVAL);
    off = 0;
    assert_int_equal(bgp_nlri_next(v6, sizeof(v6), &off, BGP_AFI_IPV6, &p), 1);
    assert_int_equal(bgp_nlri_put(out, sizeof(out), &p), 17);
    assert_memory_equal(out, v6, 17);
    assert_int_equal(bgp_nlri_put(out, 16, &p), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_frame),          cmocka_unit_test(test02_header_errors),
        cmocka_unit_test(test03_open_roundtrip), cmocka_unit_test(test04_open_reference),
        cmocka_unit_test(test05_open_errors),    cmocka_unit_test(test06_open_extended_params),
        cmocka_unit_test(test07_notification),   cmocka_unit_test(test08_keepalive_refresh),
        cmocka_unit_test(test09_nlri),
    };

    return cmocka_run_group_tests_name("bgp_msg", tests, NULL, NULL);
}
