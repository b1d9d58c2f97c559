/*
 * test_bgp_rfc7606.c - the RFC 7606 table: every case of
 * tests/data/bgp/rfc7606.json (malformed UPDATEs, each naming its RFC
 * section and expected outcome, and a few well-formed controls) run through
 * bgp_update_parse() with the session it names. One cmocka test per case,
 * named after it. Checked for each: the verdict; that the reason names the
 * case's section; for session reset the NOTIFICATION code and subcode; for
 * the other verdicts, that every prefix the case says the message announces
 * is found where the parser says the NLRI are (so it can be withdrawn or
 * installed), and for ok / attribute-discard that the attributes intern.
 * The same file is meant for a system test replaying it against routerd.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <jansson.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/msg.h"
#include "bgp_test.h"

#ifndef BGP_DATA_DIR
#error BGP_DATA_DIR must name tests/data/bgp
#endif

static json_t *table;

static int verdict_of(const char *s)
{
    for (int v = BGP_OK; v <= BGP_RESET; v++)
        if (!strcmp(s, bgp_verdict_name(v)))
            return v;
    fail_msg("unknown verdict %s", s);
    return -1;
}

static void session(const char *name, struct bgp_rx_ctx *cx)
{
    json_t *s = json_object_get(json_object_get(table, "sessions"), name), *af;
    size_t i;

    assert_non_null(s);
    memset(cx, 0, sizeof(*cx));
    cx->local_as = (uint32_t)json_integer_value(json_object_get(s, "local_as"));
    cx->peer_as = (uint32_t)json_integer_value(json_object_get(s, "peer_as"));
    cx->as4 = json_is_true(json_object_get(s, "as4"));
    cx->ebgp = json_is_true(json_object_get(s, "ebgp"));
    cx->ext_msg = json_is_true(json_object_get(s, "ext_msg"));
    cx->check_first_as = json_is_true(json_object_get(s, "check_first_as"));
    json_array_foreach(json_object_get(s, "afs"), i, af)
    {
        if (!strcmp(json_string_value(af), "ipv4"))
            cx->afs |= BGP_AF_IPV4;
        else if (!strcmp(json_string_value(af), "ipv6"))
            cx->afs |= BGP_AF_IPV6;
    }
}

/* Whether prefix text p is among the NLRI p[0..len) of afi. */
static bool has_prefix(const uint8_t *nl, size_t len, uint16_t afi, const char *text)
{
    char buf[64];
    struct bgp_prefix want = {.afi = (uint8_t)afi}, got;
    size_t off = 0;
    char *slash;

    snprintf(buf, sizeof(buf), "%s", text);
    slash = strchr(buf, '/');
    assert_non_null(slash);
    *slash = 0;
    want.len = (uint8_t)atoi(slash + 1);
    if (inet_pton(afi == BGP_AFI_IPV6 ? AF_INET6 : AF_INET, buf, want.addr) != 1)
        return false;
    while (bgp_nlri_next(nl, len, &off, afi, &got) == 1)
        if (got.len == want.len && !memcmp(got.addr, want.addr, 16))
            return true;
    return false;
}

static void run_case(void **state)
{
    json_t *c = *state;
    const char *section = json_string_value(json_object_get(c, "section"));
    int want = verdict_of(json_string_value(json_object_get(c, "verdict")));
    struct bgp_rx_ctx cx;
    struct bgp_update u;
    size_t len = 0, i;
    uint8_t *msg = t_unhex(json_string_value(json_object_get(c, "msg")), &len);
    json_t *p;
    int v;

    assert_non_null(msg);
    session(json_string_value(json_object_get(c, "session")), &cx);
    v = bgp_update_parse(msg, len, &cx, &u);
    if (v != want || (v != BGP_OK && (!u.err.reason || !strstr(u.err.reason, section))))
        print_message("case %d: got %s (%s), want %s (%s)\n",
                      (int)json_integer_value(json_object_get(c, "id")), bgp_verdict_name(v),
                      u.err.reason ? u.err.reason : "-", bgp_verdict_name(want), section);
    assert_int_equal(v, want);
    assert_int_equal(u.err.verdict, want);
    if (v == BGP_OK) {
        assert_null(u.err.reason);
        assert_int_equal(u.n_issues, 0);
    } else {
        assert_non_null(u.err.reason);
        assert_non_null(strstr(u.err.reason, section));
        assert_true(u.err.offset < len);
    }
    if (v == BGP_RESET) {
        json_t *n = json_object_get(c, "notify");

        assert_non_null(n);
        assert_int_equal(u.err.code, json_integer_value(json_array_get(n, 0)));
        assert_int_equal(u.err.subcode, json_integer_value(json_array_get(n, 1)));
        if (u.err.data_len) /* the data is inside the message */
            assert_true(u.err.data >= msg && u.err.data + u.err.data_len <= msg + len);
        free(msg);
        return;
    }
    /* every announced prefix is found: installed (ok, discard) or withdrawn (withdraw) */
    json_array_foreach(json_object_get(c, "announced"), i, p)
    {
        const char *t = json_string_value(p);
        bool v6 = strchr(t, ':') != NULL;

        if (v6)
            assert_true(u.mp_reach && u.reach_afi == BGP_AFI_IPV6 &&
                        has_prefix(u.reach_nlri, u.reach_nlri_len, BGP_AFI_IPV6, t));
        else
            assert_true(has_prefix(u.nlri, u.nlri_len, BGP_AFI_IPV4, t));
    }
    if (v <= BGP_ATTR_DISCARD && bgp_update_has_nlri(&u)) {
        struct bgp_attr_table t;
        struct bgp_attrs *a;

        bgp_attr_table_init(&t);
        a = bgp_attrs_intern(&t, &u, &cx, u.nlri_len == 0);
        assert_non_null(a);
        assert_true(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN));
        assert_true(a->present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH));
        assert_int_equal(t.count, 1);
        bgp_attrs_unref(&t, a);
        assert_int_equal(t.count, 0);
        bgp_attr_table_free(&t);
    }
    free(msg);
}

int main(void)
{
    json_error_t err;
    json_t *cases, *c;
    struct CMUnitTest *tests;
    size_t n, i;
    int rc;

    table = json_load_file(BGP_DATA_DIR "/rfc7606.json", 0, &err);
    if (!table) {
        fprintf(stderr, "%s: %s line %d\n", BGP_DATA_DIR "/rfc7606.json", err.text, err.line);
        return 1;
    }
    cases = json_object_get(table, "cases");
    n = json_array_size(cases);
    if (n < 60) { /* issue 7: at least 60 malformed UPDATE cases */
        fprintf(stderr, "only %zu cases\n", n);
        return 1;
    }
    tests = calloc(n, sizeof(*tests));
    json_array_foreach(cases, i, c)
    {
        char *name;

        if (asprintf(&name, "%03d %s: %s", (int)json_integer_value(json_object_get(c, "id")),
                     json_string_value(json_object_get(c, "section")),
                     json_string_value(json_object_get(c, "name"))) < 0)
            return 1;
        tests[i] = (struct CMUnitTest){.name = name, .test_func = run_case, .initial_state = c};
    }
    rc = _cmocka_run_group_tests("bgp_rfc7606", tests, n, NULL, NULL);
    for (i = 0; i < n; i++)
        free((char *)tests[i].name);
    free(tests);
    json_decref(table);
    return rc;
}
