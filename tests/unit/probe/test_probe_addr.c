/*
 * test_probe_addr.c - vroom-probe's ADDR[:PORT] parsing and printing
 * (probe_addr_parse/format in src/probe/probe_io.c). Numeric addresses only,
 * so the tests never depend on name resolution.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probe/probe_io.h"

static void check(const char *in, const char *want)
{
    struct probe_addr a;
    char buf[128];

    assert_int_equal(probe_addr_parse(in, 7000, &a), 0);
    probe_addr_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, want);
}

/* 1. Check IPv4 with and without a port. */
static void test01_ipv4(void **state)
{
    (void)state;
    check("10.99.0.2", "10.99.0.2:7000");
    check("10.99.0.2:9", "10.99.0.2:9");
    check("0.0.0.0:65535", "0.0.0.0:65535");
}

/* 2. Check IPv6: bare (no port possible), bracketed, bracketed with a port. */
static void test02_ipv6(void **state)
{
    (void)state;
    check("fd99::2", "[fd99::2]:7000");
    check("::", "[::]:7000");
    check("[fd99::2]", "[fd99::2]:7000");
    check("[fd99::2]:7001", "[fd99::2]:7001");
}

/* 3. Check that malformed strings and ports are refused with -EINVAL. */
static void test03_malformed(void **state)
{
    static const char *bad[] = {
        "",
        "[",
        "[]",
        "[::1",
        "[::1]x",
        "[::1]:",
        "10.0.0.1:",
        "10.0.0.1:0",
        ":7000",
        "10.0.0.1:x",
        "1.2.3.4:70000",
        "1.2.3.4:-1",
        "1.2.3.4: 80",
        "[::1]:7e3",
    };
    struct probe_addr a;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (probe_addr_parse(bad[i], 7000, &a) != -EINVAL)
            fail_msg("'%s' was not refused with -EINVAL", bad[i]);
}

/* 4. Check that an over-long string and a non-address are refused, not crashed on. */
static void test04_too_long_and_unknown(void **state)
{
    char longs[400];
    struct probe_addr a;

    (void)state;
    memset(longs, '1', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = '\0';
    assert_int_equal(probe_addr_parse(longs, 7000, &a), -EINVAL);
    assert_int_equal(probe_addr_parse(NULL, 7000, &a), -EINVAL);
    assert_int_equal(probe_addr_parse("10.0.0.300", 7000, &a) < 0, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_ipv4),
        cmocka_unit_test(test02_ipv6),
        cmocka_unit_test(test03_malformed),
        cmocka_unit_test(test04_too_long_and_unknown),
    };

    return cmocka_run_group_tests_name("probe_addr", tests, NULL, NULL);
}
