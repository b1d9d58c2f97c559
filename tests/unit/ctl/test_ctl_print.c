/*
 * test_ctl_print.c - vroomctl's routerd commands (src/ctl/routerd.c): the
 * tables people see for `vr NAME ospf ...` and `vr NAME rib`, and the
 * command table's NAME word (`vr NAME ospf` beside `vr show NAME`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl/ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vroomctl.c's functions, which the printers never reach */
int ctl_usage(const struct ctl_cmd *cmd, const char *fmt, ...)
{
    (void)cmd;
    (void)fmt;
    return CTL_EUSAGE;
}

int ctl_connect(struct ctl_ctx *ctx)
{
    (void)ctx;
    return CTL_EREACH;
}

int ctl_call(struct ctl_ctx *ctx, const char *method, json_t *params, const struct ctl_cmd *cmd)
{
    (void)ctx;
    (void)method;
    (void)cmd;
    json_decref(params);
    return CTL_EREACH;
}

static char buf[8192];

static FILE *out_open(void)
{
    FILE *f;

    memset(buf, 0, sizeof(buf));
    f = fmemopen(buf, sizeof(buf) - 1, "w");
    assert_non_null(f);
    return f;
}

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (j == NULL)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static const char *const show =
    "{\"router_id\": \"10.255.0.1\","
    " \"interfaces\": [{\"name\": \"eth1\", \"area\": \"0.0.0.0\", \"type\": \"broadcast\","
    "   \"state\": \"backup\", \"address\": \"10.0.12.1\", \"cost\": 10, \"dr\": \"10.0.12.2\","
    "   \"bdr\": \"10.0.12.1\", \"neighbors\": 1},"
    "  {\"name\": \"lo\", \"area\": \"0.0.0.0\", \"type\": \"broadcast\", \"state\": \"passive\","
    "   \"address\": \"10.255.0.1\", \"cost\": 10, \"dr\": \"0.0.0.0\", \"bdr\": \"0.0.0.0\","
    "   \"neighbors\": 0}],"
    " \"neighbors\": [{\"router_id\": \"10.255.0.2\", \"address\": \"10.0.12.2\","
    "   \"interface\": \"eth1\", \"state\": \"full\", \"priority\": 1, \"dr\": \"10.0.12.2\","
    "   \"bdr\": \"10.0.12.1\", \"master\": false, \"requests\": 0, \"retransmissions\": 2}],"
    " \"database\": [{\"area\": \"0.0.0.0\", \"type\": \"router\", \"id\": \"10.255.0.1\","
    "   \"adv_rtr\": \"10.255.0.1\", \"seq\": \"0x80000002\", \"age\": 7}],"
    " \"routes\": [{\"prefix\": \"10.0.2.0/24\", \"type\": \"intra\", \"cost\": 20,"
    "   \"nexthops\": [{\"via\": \"10.0.12.2\", \"dev\": \"eth1\"},"
    "                  {\"via\": \"10.0.13.2\", \"dev\": \"eth2\"}]},"
    "  {\"prefix\": \"10.0.12.0/24\", \"type\": \"intra\", \"cost\": 10,"
    "   \"nexthops\": [{\"dev\": \"eth1\"}]}],"
    " \"counters\": {}}";

/* 1. Each OSPF table: its columns, one row per item, aligned. */
static void test_ospf_tables(void **state)
{
    json_t *j = load(show);
    FILE *f;

    (void)state;
    f = out_open();
    assert_int_equal(ctl_print_ospf(f, "neighbors", j), 0);
    fclose(f);
    assert_string_equal(buf, "NEIGHBOR    PRI  STATE  ADDRESS    INTERFACE  DR         BDR    "
                             "    REQ  RXMT\n"
                             "10.255.0.2  1    full   10.0.12.2  eth1       10.0.12.2  "
                             "10.0.12.1  0    2\n");
    f = out_open();
    assert_int_equal(ctl_print_ospf(f, "interfaces", j), 0);
    fclose(f);
    assert_string_equal(buf, "INTERFACE  AREA     TYPE       STATE    ADDRESS     COST  DR      "
                             "   BDR        NEIGHBORS\n"
                             "eth1       0.0.0.0  broadcast  backup   10.0.12.1   10    "
                             "10.0.12.2  10.0.12.1  1\n"
                             "lo         0.0.0.0  broadcast  passive  10.255.0.1  10    0.0.0.0 "
                             "   0.0.0.0    0\n");
    f = out_open();
    assert_int_equal(ctl_print_ospf(f, "database", j), 0);
    fclose(f);
    assert_string_equal(buf, "AREA     TYPE    ID          ADV-ROUTER  SEQ         AGE\n"
                             "0.0.0.0  router  10.255.0.1  10.255.0.1  0x80000002  7\n");
    f = out_open();
    assert_int_equal(ctl_print_ospf(f, "routes", j), 0);
    fclose(f);
    assert_string_equal(buf, "PREFIX        TYPE   COST  NEXTHOPS\n"
                             "10.0.2.0/24   intra  20    via 10.0.12.2 dev eth1, via 10.0.13.2 "
                             "dev eth2\n"
                             "10.0.12.0/24  intra  10    dev eth1\n");
    /* what is not a table of the show, or a show without it */
    f = out_open();
    assert_int_equal(ctl_print_ospf(f, "counters", j), -1);
    assert_int_equal(ctl_print_ospf(f, "lsdb", j), -1);
    json_decref(j);
    j = load("{\"router_id\": \"10.255.0.1\"}");
    assert_int_equal(ctl_print_ospf(f, "neighbors", j), -1);
    fclose(f);
    assert_string_equal(buf, "");
    json_decref(j);
}

/* 2. The RIB: a row per route, the prefix on its first, the best starred;
 *    recursive next hops with what they resolve to, unresolved said so,
 *    types and ECMP sets. */
static void test_rib_table(void **state)
{
    json_t *j = load(
        "[{\"prefix\": \"10.0.2.0/24\", \"routes\": ["
        "   {\"protocol\": \"connected\", \"distance\": 0, \"metric\": 0, \"best\": true,"
        "    \"nexthops\": [{\"dev\": \"eth1\"}]},"
        "   {\"protocol\": \"ospf\", \"distance\": 110, \"metric\": 10, \"best\": false,"
        "    \"nexthops\": [{\"dev\": \"eth1\"}]}]},"
        " {\"prefix\": \"10.10.0.0/16\", \"routes\": ["
        "   {\"protocol\": \"static\", \"distance\": 1, \"metric\": 0, \"best\": true,"
        "    \"nexthops\": [{\"via\": \"10.9.0.1\"}],"
        "    \"resolved\": [{\"via\": \"10.0.2.2\", \"dev\": \"eth1\"}]}]},"
        " {\"prefix\": \"10.11.0.0/16\", \"routes\": ["
        "   {\"protocol\": \"static\", \"distance\": 1, \"metric\": 0, \"best\": false,"
        "    \"nexthops\": [{\"via\": \"172.16.0.1\"}], \"resolved\": null}]},"
        " {\"prefix\": \"10.6.0.0/16\", \"routes\": ["
        "   {\"protocol\": \"static\", \"distance\": 1, \"metric\": 0, \"best\": true,"
        "    \"nexthops\": [{\"via\": \"10.0.1.2\", \"dev\": \"eth0\"},"
        "                   {\"via\": \"10.0.2.2\", \"dev\": \"eth1\"}]}]},"
        " {\"prefix\": \"192.0.2.0/24\", \"routes\": ["
        "   {\"protocol\": \"static\", \"distance\": 1, \"metric\": 0, \"best\": true,"
        "    \"nexthops\": [{\"type\": \"blackhole\"}]}]}]");
    FILE *f;

    (void)state;
    f = out_open();
    ctl_print_rib(f, j);
    fclose(f);
    assert_string_equal(
        buf, "PREFIX        PROTOCOL   DIST  METRIC  BEST  NEXTHOPS\n"
             "10.0.2.0/24   connected  0     0       *     dev eth1\n"
             "              ospf       110   10            dev eth1\n"
             "10.10.0.0/16  static     1     0       *     via 10.9.0.1 (via 10.0.2.2 dev eth1)\n"
             "10.11.0.0/16  static     1     0             via 172.16.0.1 (unresolved)\n"
             "10.6.0.0/16   static     1     0       *     via 10.0.1.2 dev eth0, via 10.0.2.2 "
             "dev eth1\n"
             "192.0.2.0/24  static     1     0       *     blackhole\n");
    /* rib.prefix: one entry; rib.lookup: one route with its prefix */
    f = out_open();
    ctl_print_rib(f, json_array_get(j, 4));
    fclose(f);
    assert_string_equal(buf, "PREFIX        PROTOCOL  DIST  METRIC  BEST  NEXTHOPS\n"
                             "192.0.2.0/24  static    1     0       *     blackhole\n");
    json_decref(j);
    j = load("{\"prefix\": \"10.0.0.0/8\", \"protocol\": \"ospf\", \"distance\": 110,"
             " \"metric\": 20, \"best\": true, \"nexthops\": [{\"via\": \"10.0.12.2\","
             " \"dev\": \"eth1\"}]}");
    f = out_open();
    ctl_print_rib(f, j);
    fclose(f);
    assert_string_equal(buf, "PREFIX      PROTOCOL  DIST  METRIC  BEST  NEXTHOPS\n"
                             "10.0.0.0/8  ospf      110   20      *     via 10.0.12.2 dev eth1\n");
    json_decref(j);
    /* an empty RIB: the header alone */
    j = json_array();
    f = out_open();
    ctl_print_rib(f, j);
    fclose(f);
    assert_string_equal(buf, "PREFIX  PROTOCOL  DIST  METRIC  BEST  NEXTHOPS\n");
    json_decref(j);
}

/* 3. `vr NAME ospf|rib`: NAME takes any word and is left to the command;
 *    `vr show NAME` still wins for a VR named ospf. */
static void test_command_find(void **state)
{
    char *a[] = {"vr", "r1", "ospf", "neighbors"};
    char *b[] = {"vr", "r1", "rib", "10.0.0.0/8"};
    char *c[] = {"vr", "show", "ospf"};
    char *d[] = {"vr", "ls"};
    char *e[] = {"vr", "r1", "bgp"};
    const struct ctl_cmd *cmd;
    int used;

    (void)state;
    cmd = ctl_command_find(4, a, &used);
    assert_non_null(cmd);
    assert_string_equal(cmd->words, "vr NAME ospf");
    assert_int_equal(used, 1);
    cmd = ctl_command_find(4, b, &used);
    assert_non_null(cmd);
    assert_string_equal(cmd->words, "vr NAME rib");
    assert_int_equal(used, 1);
    cmd = ctl_command_find(3, c, &used);
    assert_non_null(cmd);
    assert_string_equal(cmd->words, "vr show");
    assert_int_equal(used, 2);
    cmd = ctl_command_find(2, d, &used);
    assert_non_null(cmd);
    assert_string_equal(cmd->words, "vr list");
    assert_null(ctl_command_find(3, e, &used));
    assert_null(ctl_command_find(2, a, &used)); /* "vr r1": no command */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ospf_tables),
        cmocka_unit_test(test_rib_table),
        cmocka_unit_test(test_command_find),
    };

    return cmocka_run_group_tests_name("ctl_print", tests, NULL, NULL);
}
