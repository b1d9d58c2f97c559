/*
 * test_state.c - the movable state (src/routing/state.c): a full export
 * imported into a fresh core shows the same RIB and protocols; an export
 * since a generation holds exactly the records changed after it and brings
 * a copy up to date; malformed streams are refused whole, with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing_test.h"
#include "testproto.h"

static const char *CONFIG =
    "router-id: 10.255.0.1\n"
    "interfaces:\n"
    "  - {name: eth0, addresses: [10.0.1.1/24, \"2001:db8:1::1/64\"]}\n"
    "  - {name: eth1, addresses: [10.0.2.1/24]}\n"
    "prefix-lists:\n"
    "  P: [{seq: 5, action: permit, prefix: 10.0.0.0/8, le: 32}]\n"
    "static:\n"
    "  - {prefix: 10.9.0.0/16, via: 10.0.2.2}\n"
    "  - {prefix: 10.8.0.0/16, via: 10.77.0.1}\n"
    "  - {prefix: \"2001:db8:9::/48\", via: \"2001:db8:1::2\"}\n"
    "  - {prefix: 192.0.2.0/24, type: blackhole, distance: 200}\n"
    "testp:\n"
    "  routes: [\"10.77.0.0/16 via 10.0.1.9\", \"192.0.2.0/24 via 10.0.2.7\"]\n"
    "  redistribute: [{from: static, prefix-list: P}]\n";

static struct routerd *make(const char *text)
{
    struct routerd *rd = routerd_new(NULL);
    char err[CFG_ERR_MAX];
    struct router_config *rc = config_parse_text(text, strlen(text), "test", err, sizeof(err));

    if (rc == NULL)
        fail_msg("%s", err);
    assert_int_equal(routerd_configure(rd, rc, true, err, sizeof(err)), 0);
    return rd;
}

static void assert_json_equal(json_t *a, json_t *b)
{
    if (!json_equal(a, b)) {
        char *x = json_dumps(a, JSON_INDENT(1)), *y = json_dumps(b, JSON_INDENT(1));

        fail_msg("differ:\n%s\n---\n%s", x, y);
    }
    json_decref(a);
    json_decref(b);
}

static void assert_same_show(struct routerd *a, struct routerd *b)
{
    assert_json_equal(routerd_show_rib(a, 0, false, 0), routerd_show_rib(b, 0, false, 0));
    assert_json_equal(routerd_show_protos(a), routerd_show_protos(b));
    assert_json_equal(routerd_show_proto(a, "testp", NULL), routerd_show_proto(b, "testp", NULL));
}

/* The record types of a stream, as "META CONFIG ROUTE ...". */
static void types(const struct state_buf *b, char *out, size_t size)
{
    struct state_rec rec;
    size_t off = 0;
    char why[256];

    out[0] = '\0';
    while (state_next(b->data, b->len, &off, &rec, why, sizeof(why)) == 1)
        snprintf(out + strlen(out), size - strlen(out), "%s%u", out[0] ? " " : "", rec.type);
}

static int setup(void **state)
{
    (void)state;
    proto_class_register(&proto_testp);
    return 0;
}

/* 1. Check that a full export imported into a fresh core (then started)
 *    shows the same RIB, protocols and protocol state. */
static void test_round_trip(void **state)
{
    struct routerd *a = make(CONFIG), *b = routerd_new(NULL);
    struct state_buf buf = {0};
    char why[256];

    (void)state;
    testp_bump(a);
    testp_bump(a);
    assert_int_equal(state_export(a, 0, &buf), 0);
    assert_int_equal(state_import(b, buf.data, buf.len, why, sizeof(why)), 0);
    assert_int_equal(routerd_start(b), 0);
    assert_same_show(a, b);
    {
        json_t *t = routerd_show_proto(b, "testp", NULL);

        assert_int_equal(json_integer_value(json_object_get(t, "counter")), 2);
        /* redistribution came back too: the static routes under 10/8 */
        assert_int_equal(json_array_size(json_object_get(t, "redistributed")), 2);
        json_decref(t);
    }
    /* and the text form survives base64 */
    {
        char *s = state_base64(&buf);
        size_t n;
        uint8_t *d = state_unbase64(s, &n);

        assert_int_equal(n, buf.len);
        assert_memory_equal(d, buf.data, n);
        free(s);
        free(d);
        assert_null(state_unbase64("abc", &n));
        assert_null(state_unbase64("ab!d", &n));
    }
    state_buf_free(&buf);
    routerd_free(a);
    routerd_free(b);
}

/* 2. Check that an export since G holds exactly what changed after G (a
 *    route announced, one withdrawn, the protocol's own state), and that
 *    importing it brings a copy made at G up to date. */
static void test_since(void **state)
{
    struct routerd *a = make(CONFIG), *b = routerd_new(NULL);
    struct state_buf full = {0}, delta = {0}, none = {0};
    struct proto *tp = routerd_proto_find(a, "testp");
    struct rib_nh nh = NH("via 10.0.1.5");
    struct rib_attrs at = {-1, 1, &nh, 1};
    struct inet_prefix p1 = P("172.16.0.0/12"), p2 = P("10.77.0.0/16");
    uint64_t g;
    char why[256], t[256];

    (void)state;
    assert_int_equal(state_export(a, 0, &full), 0);
    g = *routerd_clock(a);
    assert_int_equal(state_import(b, full.data, full.len, why, sizeof(why)), 0);
    routerd_start(b);
    /* nothing changed: header and trailer only */
    assert_int_equal(state_export(a, g, &none), 0);
    types(&none, t, sizeof(t));
    assert_string_equal(t, "1 6");
    /* changes */
    assert_int_equal(proto_announce(tp, &p1, &at), 0);
    assert_int_equal(proto_withdraw(tp, &p2), 0);
    testp_bump(a);
    assert_int_equal(state_export(a, g, &delta), 0);
    types(&delta, t, sizeof(t));
    /* META, PROTO testp + its record, ROUTE_DEL 10.77/16, ROUTE 172.16/12, END */
    assert_string_equal(t, "1 3 28672 5 4 6");
    assert_int_equal(state_import(b, delta.data, delta.len, why, sizeof(why)), 0);
    assert_same_show(a, b);
    state_buf_free(&full);
    state_buf_free(&delta);
    state_buf_free(&none);
    routerd_free(a);
    routerd_free(b);
}

/* Write a 16-byte header at p. */
static void hdr(uint8_t *p, uint16_t type, uint16_t version, uint32_t len)
{
    uint16_t t = htons(type), v = htons(version);
    uint32_t l = htonl(len);

    memset(p, 0, 16);
    memcpy(p, &t, 2);
    memcpy(p + 2, &v, 2);
    memcpy(p + 4, &l, 4);
}

/* 3. Check that malformed streams are refused with a reason and change nothing. */
static void test_refused(void **state)
{
    struct routerd *a = make(CONFIG), *b = make(CONFIG);
    struct state_buf buf = {0};
    uint8_t *d;
    char why[256];
    json_t *before;

    (void)state;
    assert_int_equal(state_export(a, 0, &buf), 0);
    before = routerd_show_rib(b, 0, false, 0);
    d = malloc(buf.len + 64);
    /* truncated in a header, and in a payload */
    assert_int_equal(state_import(b, buf.data, 10, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "truncated header"));
    assert_int_equal(state_import(b, buf.data, 30, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "runs past the end"));
    /* cut after a whole record: no END */
    memcpy(d, buf.data, 40);
    assert_int_equal(state_import(b, d, 40, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "no END"));
    /* an unknown type */
    memcpy(d, buf.data, 40);
    hdr(d + 40, 0x0abc, 1, 0);
    assert_int_equal(state_import(b, d, 56, why, sizeof(why)), -EINVAL);
    assert_string_equal(why, "record 1 (byte 40, type 2748 protocol v1): unknown type");
    /* a newer version of META */
    memcpy(d, buf.data, buf.len);
    d[3] = 2;
    assert_int_equal(state_import(b, d, buf.len, why, sizeof(why)), -EINVAL);
    assert_string_equal(why, "record 0 (byte 0, type 1 META v2): version 2 is newer than 1, "
                             "the newest known");
    /* a route record whose payload lies about its next hops */
    {
        struct state_rec rec;
        size_t off = 0;

        memcpy(d, buf.data, buf.len);
        while (state_next(d, buf.len, &off, &rec, why, sizeof(why)) == 1)
            if (rec.type == STATE_ROUTE)
                break;
        ((uint8_t *)rec.data)[1 + rec.data[0] + 8] = 9; /* n_nh */
        assert_int_equal(state_import(b, d, buf.len, why, sizeof(why)), -EINVAL);
        assert_non_null(strstr(why, "ROUTE v1): malformed"));
    }
    /* a stream not starting with META; an empty one */
    assert_int_equal(state_import(b, buf.data + 40, buf.len - 40, why, sizeof(why)), -EINVAL);
    assert_int_equal(state_import(b, buf.data, 0, why, sizeof(why)), -EINVAL);
    assert_json_equal(before, routerd_show_rib(b, 0, false, 0));
    free(d);
    state_buf_free(&buf);
    routerd_free(a);
    routerd_free(b);
}

/* 4. Check that a stream with a second CONFIG is refused, and that the
 *    refusal frees the text it read (found by fuzz_routing_state: a leak
 *    the sanitizer build of this test sees). */
static void test_second_config(void **state)
{
    struct routerd *a = make(CONFIG), *b = routerd_new(NULL);
    struct state_buf buf = {0}, two = {0};
    struct state_rec rec, meta = {0}, cfg = {0};
    size_t off = 0;
    uint32_t n = htonl(4);
    char why[256];

    (void)state;
    assert_int_equal(state_export(a, 0, &buf), 0);
    while (state_next(buf.data, buf.len, &off, &rec, why, sizeof(why)) == 1)
        if (rec.type == STATE_META)
            meta = rec;
        else if (rec.type == STATE_CONFIG)
            cfg = rec;
    assert_non_null(meta.data);
    assert_non_null(cfg.data);
    state_put(&two, STATE_META, 1, meta.gen, meta.data, meta.len);
    state_put(&two, STATE_CONFIG, 1, cfg.gen, cfg.data, cfg.len);
    state_put(&two, STATE_CONFIG, 1, cfg.gen, cfg.data, cfg.len);
    state_put(&two, STATE_END, 1, meta.gen, &n, sizeof(n));
    assert_int_equal(two.err, 0);
    assert_int_equal(state_import(b, two.data, two.len, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "record 2 "));
    assert_non_null(strstr(why, "a second CONFIG"));
    assert_null(routerd_config(b));
    state_buf_free(&two);
    state_buf_free(&buf);
    routerd_free(a);
    routerd_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_since),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_second_config),
    };

    return cmocka_run_group_tests_name("state", tests, setup, NULL);
}
