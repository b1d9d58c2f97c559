/*
 * test_ospf_packet.c - OSPFv2 packets (src/routing/ospf/packet.c): parsing
 * scapy's reference packets (ospf_vectors.h, see gen_vectors.py), building
 * the same bytes, every drop reason of ospf_pkt_parse() with a crafted
 * packet, and authentication: simple password, and keyed MD5 against a
 * digest computed independently with Python's hashlib, with the sequence
 * number check.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pkt/pkt.h"
#include "routing/ospf/packet.h"
#include "ospf_test.h"
#include "ospf_vectors.h"

/* Parse buf and expect reason err (0: success). */
static struct ospf_drop expect(const uint8_t *buf, size_t len, int err)
{
    struct ospf_pkt p;
    struct ospf_drop d = {0};

    assert_int_equal(ospf_pkt_parse(buf, len, &p, &d), err);
    if (err)
        assert_int_equal(d.reason, err);
    return d;
}

/* Refresh the checksum of a crafted packet whose length field is `len`. */
static void fix(uint8_t *buf, size_t len)
{
    assert_int_equal(ospf_pkt_finish(buf, len, len, NULL, 0), (int)len);
}

/* 1. Check that scapy's Hello parses with every field (1 s hello, 4 s dead, DR, BDR, neighbours).
 */
static void test01_hello(void **state)
{
    struct ospf_pkt p;

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_hello, sizeof(v_hello), &p, NULL), 0);
    assert_int_equal(p.hdr.version, 2);
    assert_int_equal(p.hdr.type, OSPF_HELLO);
    assert_int_equal(p.hdr.length, sizeof(v_hello));
    assert_int_equal(p.hdr.router_id, IP(10, 0, 0, 1));
    assert_int_equal(p.hdr.area_id, 0);
    assert_int_equal(p.hdr.autype, OSPF_AUTH_NONE);
    assert_int_equal(p.u.hello.mask, IP(255, 255, 255, 0));
    assert_int_equal(p.u.hello.hello_interval, 1);
    assert_int_equal(p.u.hello.dead_interval, 4);
    assert_int_equal(p.u.hello.options, OSPF_OPT_E);
    assert_int_equal(p.u.hello.priority, 1);
    assert_int_equal(p.u.hello.dr, IP(10, 0, 0, 1));
    assert_int_equal(p.u.hello.bdr, IP(10, 0, 0, 2));
    assert_int_equal(p.u.hello.n_nbrs, 2);
    assert_int_equal(ospf_hello_nbr(&p.u.hello, 0), RID(2));
    assert_int_equal(ospf_hello_nbr(&p.u.hello, 1), RID(3));
}

/* 2. Check that scapy's Database Descriptions (with two LSA headers, and empty) parse. */
static void test02_dd(void **state)
{
    struct ospf_pkt p;
    struct lsa_hdr h;

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_dd, sizeof(v_dd), &p, NULL), 0);
    assert_int_equal(p.hdr.type, OSPF_DD);
    assert_int_equal(p.u.dd.mtu, 1500);
    assert_int_equal(p.u.dd.options, OSPF_OPT_E);
    assert_int_equal(p.u.dd.flags, OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS);
    assert_int_equal(p.u.dd.seq, 0x1234);
    assert_int_equal(p.u.dd.n_lsas, 2);
    ospf_dd_lsa(&p.u.dd, 0, &h);
    assert_int_equal(h.age, 10);
    assert_int_equal(h.type, LSA_ROUTER);
    assert_int_equal(h.id, RID(1));
    assert_int_equal(h.adv_rtr, RID(1));
    assert_int_equal(h.seq, 0x80000005);
    assert_int_equal(h.checksum, 0x1234);
    assert_int_equal(h.length, 48);
    ospf_dd_lsa(&p.u.dd, 1, &h);
    assert_int_equal(h.age, OSPF_MAX_AGE);
    assert_int_equal(h.type, LSA_EXTERNAL);
    assert_int_equal(h.id, IP(192, 0, 2, 0));
    assert_int_equal(ospf_pkt_parse(v_dd_empty, sizeof(v_dd_empty), &p, NULL), 0);
    assert_int_equal(p.u.dd.mtu, 9000);
    assert_int_equal(p.u.dd.flags, OSPF_DD_MS);
    assert_int_equal(p.u.dd.seq, 7);
    assert_int_equal(p.u.dd.n_lsas, 0);
}

/* 3. Check that scapy's LS Request and LS Acknowledgment parse entry by entry. */
static void test03_lsreq_lsack(void **state)
{
    struct ospf_pkt p;
    struct ospf_lsreq_ent e;
    struct lsa_hdr h;

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_lsreq, sizeof(v_lsreq), &p, NULL), 0);
    assert_int_equal(p.u.lsreq.n, 2);
    ospf_lsreq_get(&p.u.lsreq, 1, &e);
    assert_int_equal(e.type, LSA_NETWORK);
    assert_int_equal(e.id, IP(10, 0, 0, 1));
    assert_int_equal(e.adv_rtr, RID(2));
    assert_int_equal(ospf_pkt_parse(v_lsack, sizeof(v_lsack), &p, NULL), 0);
    assert_int_equal(p.hdr.type, OSPF_LSACK);
    assert_int_equal(p.u.lsack.n, 2);
    ospf_lsack_lsa(&p.u.lsack, 1, &h);
    assert_int_equal(h.type, LSA_EXTERNAL);
    assert_int_equal(h.checksum, 0xabcd);
}

/* 4. Check that scapy's LS Update with one LSA of each type parses, and each LSA inside does. */
static void test04_lsupd(void **state)
{
    struct ospf_pkt p;
    const uint8_t *l;
    size_t off = 0, len;
    int n = 0;

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_lsupd, sizeof(v_lsupd), &p, NULL), 0);
    assert_int_equal(p.u.lsupd.n, 5);
    while (ospf_lsupd_next(&p.u.lsupd, &off, &l, &len)) {
        struct lsa a;

        assert_int_equal(lsa_parse(l, len, &a, NULL), 0);
        assert_int_equal(a.hdr.type, n + 1);
        lsa_clear(&a);
        n++;
    }
    assert_int_equal(n, 5);
}

/* 5. Check that the builders write exactly scapy's Hello, DD, LS Request, LS Update and LS Ack. */
static void test05_build_reference(void **state)
{
    uint8_t buf[512];
    struct ospf_hello h = {.mask = IP(255, 255, 255, 0),
                           .hello_interval = 1,
                           .options = OSPF_OPT_E,
                           .priority = 1,
                           .dead_interval = 4,
                           .dr = IP(10, 0, 0, 1),
                           .bdr = IP(10, 0, 0, 2)};
    uint32_t nbrs[] = {RID(2), RID(3)};
    struct ospf_dd dd = {.mtu = 1500,
                         .options = OSPF_OPT_E,
                         .flags = OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS,
                         .seq = 0x1234};
    struct lsa_hdr hdrs[2];
    struct ospf_lsreq_ent req[] = {{1, RID(1), RID(1)}, {2, IP(10, 0, 0, 1), RID(2)}};
    const uint8_t *lsas[] = {v_lsa_router, v_lsa_network, v_lsa_summary, v_lsa_asbr,
                             v_lsa_external};
    int n;

    (void)state;
    lsa_hdr_get(v_dd + 32, &hdrs[0]);
    lsa_hdr_get(v_dd + 52, &hdrs[1]);
    n = ospf_hello_build(buf, sizeof(buf), IP(10, 0, 0, 1), 0, &h, nbrs, 2);
    assert_int_equal(ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0), sizeof(v_hello));
    assert_memory_equal(buf, v_hello, sizeof(v_hello));
    n = ospf_dd_build(buf, sizeof(buf), IP(10, 0, 0, 1), 0, &dd, hdrs, 2);
    assert_int_equal(ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0), sizeof(v_dd));
    assert_memory_equal(buf, v_dd, sizeof(v_dd));
    n = ospf_lsreq_build(buf, sizeof(buf), IP(10, 0, 0, 1), 0, req, 2);
    assert_int_equal(ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0), sizeof(v_lsreq));
    assert_memory_equal(buf, v_lsreq, sizeof(v_lsreq));
    n = ospf_lsupd_build(buf, sizeof(buf), IP(10, 0, 0, 1), 0, lsas, 5, 0);
    assert_int_equal(ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0), sizeof(v_lsupd));
    assert_memory_equal(buf, v_lsupd, sizeof(v_lsupd));
    n = ospf_lsack_build(buf, sizeof(buf), IP(10, 0, 0, 1), 0, hdrs, 2);
    assert_int_equal(ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0), sizeof(v_lsack));
    assert_memory_equal(buf, v_lsack, sizeof(v_lsack));
}

/* 6. Check that an LS Update adds InfTransDelay to each age, caps it at MaxAge, keeps checksums. */
static void test06_lsupd_age(void **state)
{
    uint8_t buf[256], maxed[sizeof(v_lsa_summary)];
    const uint8_t *lsas[] = {v_lsa_router, maxed};
    struct ospf_pkt p;
    const uint8_t *l;
    size_t off = 0, len;
    struct lsa a;
    int n;

    (void)state;
    memcpy(maxed, v_lsa_summary, sizeof(maxed));
    pkt_put_be16(maxed, OSPF_MAX_AGE - 1);
    n = ospf_lsupd_build(buf, sizeof(buf), RID(1), 0, lsas, 2, 5);
    n = ospf_pkt_finish(buf, (size_t)n, sizeof(buf), NULL, 0);
    assert_int_equal(ospf_pkt_parse(buf, (size_t)n, &p, NULL), 0);
    assert_true(ospf_lsupd_next(&p.u.lsupd, &off, &l, &len));
    assert_int_equal(lsa_parse(l, len, &a, NULL), 0);
    assert_int_equal(a.hdr.age, 1 + 5);
    lsa_clear(&a);
    assert_true(ospf_lsupd_next(&p.u.lsupd, &off, &l, &len));
    assert_int_equal(lsa_parse(l, len, &a, NULL), 0);
    assert_int_equal(a.hdr.age, OSPF_MAX_AGE);
    lsa_clear(&a);
    assert_false(ospf_lsupd_next(&p.u.lsupd, &off, &l, &len));
}

/* 7. Check the header drops: trunc_header, bad_version, unknown_type, bad_length, bad_checksum,
 * bad_autype. */
static void test07_header_drops(void **state)
{
    uint8_t b[sizeof(v_hello)];
    struct ospf_drop d;

    (void)state;
    d = expect(v_hello, OSPF_HDR_LEN - 1, OSPF_ERR_TRUNC_HEADER);
    assert_int_equal(d.value, OSPF_HDR_LEN - 1);
    memcpy(b, v_hello, sizeof(b));
    b[0] = 3;
    d = expect(b, sizeof(b), OSPF_ERR_BAD_VERSION);
    assert_int_equal(d.value, 3);
    memcpy(b, v_hello, sizeof(b));
    b[1] = 6;
    d = expect(b, sizeof(b), OSPF_ERR_UNKNOWN_TYPE);
    assert_int_equal(d.value, 6);
    b[1] = 0;
    expect(b, sizeof(b), OSPF_ERR_UNKNOWN_TYPE);
    memcpy(b, v_hello, sizeof(b));
    pkt_put_be16(b + 2, 23);
    d = expect(b, sizeof(b), OSPF_ERR_BAD_LENGTH);
    assert_int_equal(d.value, 23);
    assert_int_equal(d.offset, 2);
    /* the length field beyond the buffer: the packet was cut short */
    d = expect(v_hello, sizeof(v_hello) - 4, OSPF_ERR_BAD_LENGTH);
    assert_int_equal(d.value, sizeof(v_hello));
    memcpy(b, v_hello, sizeof(b));
    b[40] ^= 0x01;
    d = expect(b, sizeof(b), OSPF_ERR_BAD_CHECKSUM);
    assert_int_equal(d.value, pkt_get_be16(v_hello + 12));
    memcpy(b, v_hello, sizeof(b));
    pkt_put_be16(b + 14, 3);
    d = expect(b, sizeof(b), OSPF_ERR_BAD_AUTYPE);
    assert_int_equal(d.value, 3);
    /* the authentication field is outside the checksum (D.4.1) */
    memcpy(b, v_hello, sizeof(b));
    b[20] = 0x55;
    expect(b, sizeof(b), 0);
    /* bytes after the length field (IP padding) are ignored */
    {
        uint8_t big[sizeof(v_hello) + 8] = {0};

        memcpy(big, v_hello, sizeof(v_hello));
        expect(big, sizeof(big), 0);
    }
}

/* 8. Check the body drops: trunc_body and bad_body_length for every type with a fixed part or list.
 */
static void test08_body_drops(void **state)
{
    uint8_t b[128];
    struct ospf_drop d;

    (void)state;
    /* Hello of 24 + 16 bytes */
    memcpy(b, v_hello, sizeof(v_hello));
    pkt_put_be16(b + 2, 40);
    fix(b, 40);
    d = expect(b, 40, OSPF_ERR_TRUNC_BODY);
    assert_int_equal(d.value, 16);
    /* Hello with half a neighbour */
    pkt_put_be16(b + 2, 50);
    fix(b, 50);
    d = expect(b, 50, OSPF_ERR_BAD_BODY_LENGTH);
    assert_int_equal(d.value, 26);
    /* DD shorter than 8, DD with 19 bytes of header list */
    memcpy(b, v_dd, sizeof(v_dd));
    pkt_put_be16(b + 2, 30);
    fix(b, 30);
    expect(b, 30, OSPF_ERR_TRUNC_BODY);
    pkt_put_be16(b + 2, 51);
    fix(b, 51);
    expect(b, 51, OSPF_ERR_BAD_BODY_LENGTH);
    /* LS Request of 13 bytes, LS Ack of 21 */
    memcpy(b, v_lsreq, sizeof(v_lsreq));
    pkt_put_be16(b + 2, 37);
    fix(b, 37);
    d = expect(b, 37, OSPF_ERR_BAD_BODY_LENGTH);
    assert_int_equal(d.value, 13);
    memcpy(b, v_lsack, sizeof(v_lsack));
    pkt_put_be16(b + 2, 45);
    fix(b, 45);
    expect(b, 45, OSPF_ERR_BAD_BODY_LENGTH);
    /* LS Update without its count */
    memcpy(b, v_lsupd, 28);
    pkt_put_be16(b + 2, 26);
    fix(b, 26);
    expect(b, 26, OSPF_ERR_TRUNC_BODY);
}

/* 9. Check the LS Update framing drops: bad_lsa_count (either way), trunc_lsa, bad_lsa_length. */
static void test09_lsupd_drops(void **state)
{
    uint8_t b[sizeof(v_lsupd) + 32];
    size_t n = sizeof(v_lsupd);
    struct ospf_drop d;

    (void)state;
    /* a count of 6 with 5 LSAs */
    memcpy(b, v_lsupd, n);
    pkt_put_be32(b + 24, 6);
    fix(b, n);
    d = expect(b, n, OSPF_ERR_BAD_LSA_COUNT);
    assert_int_equal(d.value, 5);
    /* a count of 4 with 5 LSAs: bytes left over */
    pkt_put_be32(b + 24, 4);
    fix(b, n);
    d = expect(b, n, OSPF_ERR_BAD_LSA_COUNT);
    assert_int_equal(d.value, 4);
    /* a count of 6 and 10 stray bytes: the sixth header is cut short */
    memset(b + n, 0, 10);
    pkt_put_be32(b + 24, 6);
    pkt_put_be16(b + 2, (uint16_t)(n + 10));
    fix(b, n + 10);
    d = expect(b, n + 10, OSPF_ERR_TRUNC_LSA);
    assert_int_equal(d.offset, n);
    /* the first LSA's length below 20, then beyond the packet */
    memcpy(b, v_lsupd, n);
    pkt_put_be16(b + 28 + 18, 19);
    fix(b, n);
    d = expect(b, n, OSPF_ERR_BAD_LSA_LENGTH);
    assert_int_equal(d.value, 19);
    assert_int_equal(d.offset, 28 + 18);
    pkt_put_be16(b + 28 + 18, 0xfff0);
    fix(b, n);
    d = expect(b, n, OSPF_ERR_BAD_LSA_LENGTH);
    assert_int_equal(d.value, 0xfff0);
}

/* 10. Check simple password authentication: the right password, a wrong one, the wrong autype. */
static void test10_simple_auth(void **state)
{
    struct ospf_auth a = {.type = OSPF_AUTH_SIMPLE, .password = "secret"};
    struct ospf_auth none = {.type = OSPF_AUTH_NONE};
    struct ospf_pkt p;
    struct ospf_drop d;
    uint8_t buf[128];
    int n;

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_hello_simple, sizeof(v_hello_simple), &p, NULL), 0);
    assert_int_equal(p.hdr.autype, OSPF_AUTH_SIMPLE);
    assert_int_equal(ospf_pkt_auth_check(v_hello_simple, sizeof(v_hello_simple), &p, &a, NULL, &d),
                     0);
    memcpy(a.password, "Secret", 6);
    assert_int_equal(ospf_pkt_auth_check(v_hello_simple, sizeof(v_hello_simple), &p, &a, NULL, &d),
                     OSPF_ERR_BAD_AUTH);
    assert_int_equal(d.reason, OSPF_ERR_BAD_AUTH);
    assert_int_equal(
        ospf_pkt_auth_check(v_hello_simple, sizeof(v_hello_simple), &p, &none, NULL, &d),
        OSPF_ERR_BAD_AUTYPE);
    assert_int_equal(d.value, OSPF_AUTH_SIMPLE);
    /* our builder writes scapy's bytes */
    memcpy(a.password, "secret", 6);
    memcpy(buf, v_hello, sizeof(v_hello));
    n = ospf_pkt_finish(buf, sizeof(v_hello), sizeof(buf), &a, 0);
    assert_int_equal(n, sizeof(v_hello_simple));
    assert_memory_equal(buf, v_hello_simple, sizeof(v_hello_simple));
}

/* 11. Check keyed MD5 against the hashlib digest: accepted, built identically, and every refusal.
 */
static void test11_md5_auth(void **state)
{
    struct ospf_auth a = {
        .type = OSPF_AUTH_CRYPT,
        .n_keys = 2,
        .send_key = 1,
        .keys = {{.id = 3, .key = "other"}, {.id = V_MD5_KEY_ID, .key = V_MD5_KEY}}};
    const size_t n = sizeof(v_hello_md5), plen = n - OSPF_MD5_LEN;
    uint32_t seq;
    struct ospf_pkt p;
    struct ospf_drop d;
    uint8_t buf[128];

    (void)state;
    assert_int_equal(ospf_pkt_parse(v_hello_md5, n, &p, NULL), 0);
    assert_int_equal(p.hdr.autype, OSPF_AUTH_CRYPT);
    assert_int_equal(p.hdr.key_id, V_MD5_KEY_ID);
    assert_int_equal(p.hdr.auth_len, 16);
    assert_int_equal(p.hdr.crypto_seq, V_MD5_SEQ);
    assert_int_equal(p.hdr.length, plen);
    assert_int_equal(ospf_pkt_auth_check(v_hello_md5, n, &p, &a, NULL, &d), 0);
    /* the sequence number may repeat but not go back (D.4.3) */
    seq = V_MD5_SEQ;
    assert_int_equal(ospf_pkt_auth_check(v_hello_md5, n, &p, &a, &seq, &d), 0);
    seq = V_MD5_SEQ + 1;
    assert_int_equal(ospf_pkt_auth_check(v_hello_md5, n, &p, &a, &seq, &d), OSPF_ERR_AUTH_SEQ);
    assert_int_equal(d.value, V_MD5_SEQ);
    /* building: the same digest */
    memcpy(buf, v_hello, sizeof(v_hello));
    assert_int_equal(ospf_pkt_finish(buf, plen, sizeof(buf), &a, V_MD5_SEQ), n);
    assert_memory_equal(buf, v_hello_md5, n);
    /* no room for the digest */
    assert_int_equal(ospf_pkt_finish(buf, plen, plen + 15, &a, V_MD5_SEQ), -ENOSPC);
    /* digest cut short */
    assert_int_equal(ospf_pkt_parse(v_hello_md5, n - 1, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(v_hello_md5, n - 1, &p, &a, NULL, &d),
                     OSPF_ERR_TRUNC_AUTH);
    assert_int_equal(d.value, 15);
    /* an authentication data length that is not 16 */
    memcpy(buf, v_hello_md5, n);
    buf[19] = 15;
    assert_int_equal(ospf_pkt_parse(buf, n, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(buf, n, &p, &a, NULL, &d), OSPF_ERR_TRUNC_AUTH);
    assert_int_equal(d.value, 15);
    /* unknown key ID */
    memcpy(buf, v_hello_md5, n);
    buf[18] = 9;
    assert_int_equal(ospf_pkt_parse(buf, n, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(buf, n, &p, &a, NULL, &d), OSPF_ERR_BAD_AUTH);
    assert_int_equal(d.value, 9);
    /* a changed body byte (no checksum protects crypto packets: the digest must catch it) */
    memcpy(buf, v_hello_md5, n);
    buf[30] ^= 1;
    assert_int_equal(ospf_pkt_parse(buf, n, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(buf, n, &p, &a, NULL, &d), OSPF_ERR_BAD_AUTH);
    /* a changed sequence number is covered by the digest too */
    memcpy(buf, v_hello_md5, n);
    buf[23] ^= 1;
    assert_int_equal(ospf_pkt_parse(buf, n, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(buf, n, &p, &a, NULL, &d), OSPF_ERR_BAD_AUTH);
    /* the wrong key */
    memcpy(a.keys[1].key, "vroom-kez", 9);
    assert_int_equal(ospf_pkt_parse(v_hello_md5, n, &p, NULL), 0);
    assert_int_equal(ospf_pkt_auth_check(v_hello_md5, n, &p, &a, NULL, &d), OSPF_ERR_BAD_AUTH);
    /* a bad send key index is refused */
    a.send_key = 2;
    assert_int_equal(ospf_pkt_finish(buf, plen, sizeof(buf), &a, 1), -EINVAL);
}

/* 12. Check that builders refuse a buffer too small with -ENOSPC and write nothing past it. */
static void test12_nospace(void **state)
{
    uint8_t buf[64];
    struct ospf_hello h = {0};
    uint32_t nbrs[16] = {0};
    struct lsa_hdr hdrs[4] = {0};
    struct ospf_dd dd = {0};
    const uint8_t *lsas[] = {v_lsa_router, v_lsa_router};
    struct ospf_lsreq_ent ents[4] = {{0}};

    (void)state;
    assert_int_equal(ospf_hello_build(buf, 44 + 4 * 16 - 1, 1, 0, &h, nbrs, 16), -ENOSPC);
    assert_int_equal(ospf_dd_build(buf, 32 + 20 * 4 - 1, 1, 0, &dd, hdrs, 4), -ENOSPC);
    assert_int_equal(ospf_lsack_build(buf, 24 + 20 * 4 - 1, 1, 0, hdrs, 4), -ENOSPC);
    assert_int_equal(ospf_lsupd_build(buf, sizeof(buf), 1, 0, lsas, 2, 1), -ENOSPC);
    assert_int_equal(ospf_lsreq_build(buf, 24 + 12 * 4 - 1, 1, 0, ents, 4), -ENOSPC);
}

/* 13. Check that every reason has its own stable name and that names match the documentation. */
static void test13_names(void **state)
{
    (void)state;
    for (int i = 0; i < OSPF_ERR_COUNT; i++) {
        assert_string_not_equal(ospf_err_name(-i), "unknown");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(ospf_err_name(-i), ospf_err_name(-j));
    }
    assert_string_equal(ospf_err_name(OSPF_ERR_COUNT * -1), "unknown");
    assert_string_equal(ospf_err_name(1), "unknown");
    assert_string_equal(ospf_err_name(OSPF_ERR_TRUNC_HEADER), "trunc_header");
    assert_string_equal(ospf_err_name(OSPF_ERR_BAD_CHECKSUM), "bad_checksum");
    assert_string_equal(ospf_err_name(OSPF_ERR_MAX_SEQ), "max_seq");
    assert_string_equal(ospf_err_name(OSPF_ERR_BAD_RECORD), "bad_record");
    assert_string_equal(ospf_pkt_type_name(OSPF_LSUPD), "lsupd");
    assert_string_equal(ospf_pkt_type_name(9), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_hello),           cmocka_unit_test(test02_dd),
        cmocka_unit_test(test03_lsreq_lsack),     cmocka_unit_test(test04_lsupd),
        cmocka_unit_test(test05_build_reference), cmocka_unit_test(test06_lsupd_age),
        cmocka_unit_test(test07_header_drops),    cmocka_unit_test(test08_body_drops),
        cmocka_unit_test(test09_lsupd_drops),     cmocka_unit_test(test10_simple_auth),
        cmocka_unit_test(test11_md5_auth),        cmocka_unit_test(test12_nospace),
        cmocka_unit_test(test13_names),
    };

    return cmocka_run_group_tests_name("ospf_packet", tests, NULL, NULL);
}
