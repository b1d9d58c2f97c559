/*
 * test_ospf_fsm.c - the interface and neighbour state machines
 * (src/routing/ospf/iface.c, neighbor.c): the DR/BDR election of RFC 2328
 * 9.4 (first election, no preemption, priority 0, the BDR taking over), the
 * interface events of 9.3 with their actions and timers, the neighbour
 * events of 10.3 on point-to-point and broadcast links, and the state
 * records moving both to another clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routing/ospf/iface.h"
#include "routing/ospf/neighbor.h"
#include "ospf_test.h"

#define SEC  1000
#define A(n) IP(10, 0, 0, n) /* router n's address on the LAN */

static struct ospf_iface lan(uint32_t rid, uint8_t prio)
{
    return (struct ospf_iface){.router_id = rid,
                               .ifindex = 3,
                               .addr = A(rid & 0xff),
                               .mask = IP(255, 255, 255, 0),
                               .type = OSPF_IF_BROADCAST,
                               .priority = prio,
                               .hello_interval = 1,
                               .dead_interval = 4,
                               .cost = 10};
}

static struct ospf_dr_cand nb(uint32_t n, uint8_t prio, uint32_t dr, uint32_t bdr)
{
    return (struct ospf_dr_cand){
        .rid = IP(0, 0, 0, n), .addr = A(n), .priority = prio, .dr = dr, .bdr = bdr};
}

/* 1. Check the first election: the highest router becomes BDR, then DR, and elects the next as BDR
 * (step 4). */
static void test01_first_election(void **state)
{
    struct ospf_iface ifc = lan(3, 1);
    struct ospf_dr_cand n[] = {nb(1, 1, 0, 0), nb(2, 1, 0, 0)};
    uint32_t dr, bdr;

    (void)state;
    ospf_dr_elect(&ifc, n, 2, &dr, &bdr);
    assert_int_equal(dr, A(3));
    assert_int_equal(bdr, A(2));
    /* seen from router 1, nobody has declared yet: router 2 would be both, until its Hellos say */
    ifc = lan(1, 1);
    n[0] = nb(2, 1, 0, 0);
    n[1] = nb(3, 1, A(3), A(2));
    ospf_dr_elect(&ifc, n, 2, &dr, &bdr);
    assert_int_equal(dr, A(3));
    assert_int_equal(bdr, A(2));
    /* priority beats router ID */
    ifc = lan(1, 5);
    n[0] = nb(2, 1, 0, 0);
    n[1] = nb(3, 1, 0, 0);
    ospf_dr_elect(&ifc, n, 2, &dr, &bdr);
    assert_int_equal(dr, A(1));
    assert_int_equal(bdr, A(3));
}

/* 2. Check no preemption, priority 0 never elected, and the BDR taking over when the DR goes. */
static void test02_election_rules(void **state)
{
    struct ospf_iface ifc = lan(9, 100);
    struct ospf_dr_cand n[2] = {nb(2, 1, A(2), A(3)), nb(3, 1, A(2), A(3))};
    uint32_t dr, bdr;

    (void)state;
    ospf_dr_elect(&ifc, n, 2, &dr, &bdr);
    assert_int_equal(dr, A(2));
    assert_int_equal(bdr, A(3));
    /* nobody eligible but us, and we are priority 0: no DR at all */
    ifc = lan(9, 0);
    n[0] = nb(2, 0, 0, 0);
    ospf_dr_elect(&ifc, n, 1, &dr, &bdr);
    assert_int_equal(dr, 0);
    assert_int_equal(bdr, 0);
    /* the DR (2) is gone; router 3, the BDR, runs the election: DR, and 9 becomes BDR */
    ifc = lan(3, 1);
    ifc.dr = A(2);
    ifc.bdr = A(3);
    n[0] = nb(9, 100, A(2), A(3));
    ospf_dr_elect(&ifc, n, 1, &dr, &bdr);
    assert_int_equal(dr, A(3));
    assert_int_equal(bdr, A(9));
}

/* 3. Check the broadcast interface: Up -> Waiting (timers), WaitTimer -> DR alone, a better DR ->
 * DROther, Down. */
static void test03_iface_broadcast(void **state)
{
    struct ospf_iface ifc = lan(1, 1);
    struct ospf_dr_cand n[1];
    uint32_t act = 0;
    const ospf_time_t t0 = 100 * SEC;

    (void)state;
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_UP, NULL, 0, t0, &act), OSPF_IFS_WAITING);
    assert_int_equal(act, OSPF_IA_SEND_HELLO | OSPF_IA_ORIG_RTR);
    assert_int_equal(ifc.hello_at, t0 + 1 * SEC);
    assert_int_equal(ifc.wait_at, t0 + 4 * SEC);
    assert_int_equal(ospf_iface_next_timer(&ifc), t0 + 1 * SEC);
    act = 0;
    assert_int_equal(ospf_iface_timers(&ifc, NULL, 0, t0 + 1 * SEC, &act), OSPF_IFS_WAITING);
    assert_int_equal(act, OSPF_IA_SEND_HELLO);
    assert_int_equal(ifc.hello_at, t0 + 2 * SEC);
    /* the wait timer ends: alone on the link, we are DR */
    act = 0;
    assert_int_equal(ospf_iface_timers(&ifc, NULL, 0, t0 + 4 * SEC, &act), OSPF_IFS_DR);
    assert_true(act & OSPF_IA_ORIG_RTR);
    assert_true(act & OSPF_IA_ORIG_NET);
    assert_true(act & OSPF_IA_JOIN_DR);
    assert_true(act & OSPF_IA_ADJ_OK);
    assert_int_equal(ifc.dr, A(1));
    assert_int_equal(ifc.wait_at, 0);
    /* a neighbour with higher priority that already declares itself DR, and us BDR */
    n[0] = nb(7, 10, A(7), A(1));
    act = 0;
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_NBR_CHANGE, n, 1, t0 + 5 * SEC, &act),
                     OSPF_IFS_BACKUP);
    assert_true(act & OSPF_IA_FLUSH_NET);
    assert_true(act & OSPF_IA_ADJ_OK);
    assert_false(act & OSPF_IA_LEAVE_DR);
    assert_int_equal(ifc.dr, A(7));
    assert_int_equal(ifc.bdr, A(1));
    act = 0;
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_DOWN, NULL, 0, t0 + 6 * SEC, &act),
                     OSPF_IFS_DOWN);
    assert_true(act & OSPF_IA_KILL_NBRS);
    assert_true(act & OSPF_IA_LEAVE_DR);
    assert_int_equal(ospf_iface_next_timer(&ifc), INT64_MAX);
    assert_string_equal(ospf_if_state_name(OSPF_IFS_BACKUP), "backup");
}

/* 4. Check the other interface paths: point-to-point, priority 0, BackupSeen, loopback, unknown
 * events. */
static void test04_iface_other(void **state)
{
    struct ospf_iface ifc = lan(1, 1);
    struct ospf_dr_cand n[1] = {nb(2, 1, A(2), A(1))};
    uint32_t act = 0;

    (void)state;
    ifc.type = OSPF_IF_P2P;
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_UP, NULL, 0, 0, &act), OSPF_IFS_P2P);
    assert_int_equal(ifc.wait_at, 0);
    assert_true(ospf_iface_adjacency(&ifc, 5, 0));
    ifc = lan(1, 0);
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_UP, NULL, 0, 0, &act), OSPF_IFS_DROTHER);
    ifc = lan(1, 1);
    ospf_iface_event(&ifc, OSPF_IFE_UP, NULL, 0, 0, &act);
    /* a neighbour declaring a BDR ends Waiting early */
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_BACKUP_SEEN, n, 1, 1 * SEC, &act),
                     OSPF_IFS_BACKUP);
    /* adjacency (10.4): with the DR and the BDR, and everyone when we are one of them */
    assert_true(ospf_iface_adjacency(&ifc, 2, A(2)));
    assert_true(ospf_iface_adjacency(&ifc, 5, A(5)));
    ifc.bdr = A(6);
    assert_false(ospf_iface_adjacency(&ifc, 5, A(5)));
    act = 0;
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_LOOP_IND, NULL, 0, 2 * SEC, &act),
                     OSPF_IFS_LOOPBACK);
    assert_true(act & OSPF_IA_KILL_NBRS);
    assert_int_equal(ospf_iface_event(&ifc, OSPF_IFE_UNLOOP_IND, NULL, 0, 3 * SEC, &act),
                     OSPF_IFS_DOWN);
    assert_int_equal(ospf_iface_event(&ifc, 99, NULL, 0, 3 * SEC, &act), -EINVAL);
}

/* 5. Check a point-to-point neighbour from Down to Full and the ways back (10.3). */
static void test05_nbr_p2p(void **state)
{
    struct ospf_iface ifc = lan(1, 1);
    struct ospf_nbr n = {.rid = RID(2), .addr = IP(10, 0, 12, 2)};
    uint32_t act = 0;
    const ospf_time_t t0 = 10 * SEC;

    (void)state;
    ifc.type = OSPF_IF_P2P;
    ifc.state = OSPF_IFS_P2P;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_HELLO, t0, 0, &act), OSPF_NS_INIT);
    assert_int_equal(n.inactivity_at, t0 + 4 * SEC);
    assert_int_equal(act, 0);
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_2WAY, t0, 0x1234, &act), OSPF_NS_EXSTART);
    assert_int_equal(act, OSPF_NA_SEND_DD | OSPF_NA_NBR_CHANGE);
    assert_true(n.master);
    assert_int_equal(n.dd_seq, 0x1234);
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_NEG_DONE, t0, 0, &act), OSPF_NS_EXCHANGE);
    assert_int_equal(act, OSPF_NA_FILL_SUMMARY);
    n.n_lsreq = 3;
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_EXCHANGE_DONE, t0, 0, &act), OSPF_NS_LOADING);
    assert_int_equal(act, OSPF_NA_SEND_LSREQ);
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_LOADING_DONE, t0, 0, &act), OSPF_NS_FULL);
    assert_int_equal(act, OSPF_NA_ORIG_RTR);
    /* hellos keep it alive */
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_HELLO, t0 + 3 * SEC, 0, &act), OSPF_NS_FULL);
    assert_int_equal(n.inactivity_at, t0 + 7 * SEC);
    /* a sequence mismatch starts over from ExStart */
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_SEQ_MISMATCH, t0, 0x99, &act),
                     OSPF_NS_EXSTART);
    assert_int_equal(act, OSPF_NA_CLEAR_LISTS | OSPF_NA_SEND_DD | OSPF_NA_ORIG_RTR);
    assert_int_equal(n.n_lsreq, 0);
    /* ExchangeDone with nothing to request: straight to Full */
    ospf_nbr_event(&n, &ifc, OSPF_NE_NEG_DONE, t0, 0, &act);
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_EXCHANGE_DONE, t0, 0, &act), OSPF_NS_FULL);
    /* 1-Way: back to Init */
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_1WAY, t0, 0, &act), OSPF_NS_INIT);
    assert_int_equal(act, OSPF_NA_CLEAR_LISTS | OSPF_NA_ORIG_RTR | OSPF_NA_NBR_CHANGE);
    /* silence: the inactivity timer takes it Down */
    act = 0;
    assert_int_equal(ospf_nbr_timers(&n, &ifc, t0 + 7 * SEC - 1, &act), OSPF_NS_INIT);
    assert_int_equal(ospf_nbr_timers(&n, &ifc, t0 + 7 * SEC, &act), OSPF_NS_DOWN);
    assert_true(act & OSPF_NA_REMOVE);
    assert_int_equal(n.inactivity_at, 0);
    assert_int_equal(ospf_nbr_event(&n, &ifc, 0, t0, 0, &act), -EINVAL);
    assert_string_equal(ospf_nbr_state_name(OSPF_NS_EXCHANGE), "exchange");
}

/* 6. Check a broadcast neighbour: 2-Way between DROthers, ExStart on AdjOK when one becomes DR,
 * back on AdjOK. */
static void test06_nbr_broadcast(void **state)
{
    struct ospf_iface ifc = lan(1, 1);
    struct ospf_nbr n = {.rid = IP(0, 0, 0, 5), .addr = A(5)};
    uint32_t act = 0;

    (void)state;
    ifc.state = OSPF_IFS_DROTHER;
    ifc.dr = A(7);
    ifc.bdr = A(8);
    ospf_nbr_event(&n, &ifc, OSPF_NE_HELLO, 0, 0, &act);
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_2WAY, 0, 0, &act), OSPF_NS_2WAY);
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_ADJ_OK, 0, 0, &act), OSPF_NS_2WAY);
    assert_int_equal(act, 0);
    ifc.dr = A(5);
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_ADJ_OK, 0, 7, &act), OSPF_NS_EXSTART);
    assert_true(act & OSPF_NA_SEND_DD);
    ifc.dr = A(7);
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_ADJ_OK, 0, 0, &act), OSPF_NS_2WAY);
    assert_int_equal(act, OSPF_NA_CLEAR_LISTS);
    act = 0;
    assert_int_equal(ospf_nbr_event(&n, &ifc, OSPF_NE_KILL, 0, 0, &act), OSPF_NS_DOWN);
    assert_true(act & OSPF_NA_NBR_CHANGE);
}

/* 7. Check the interface and neighbour records: the same state on another clock, timers keep their
 * remaining time. */
static void test07_records(void **state)
{
    struct ospf_iface a = lan(1, 1), b = lan(1, 1);
    struct ospf_nbr n = {.rid = RID(2),
                         .addr = A(2),
                         .priority = 1,
                         .crypto_seq = 77,
                         .have_crypto_seq = true},
                    m;
    uint8_t rec[128];
    uint32_t act = 0;
    const ospf_time_t ta = 123456 * SEC, tb = 3 * SEC;

    (void)state;
    ospf_iface_event(&a, OSPF_IFE_UP, NULL, 0, ta, &act);
    assert_int_equal(ospf_iface_export(&a, ta + 500, rec, sizeof(rec)), OSPF_REC_IFACE_LEN);
    assert_int_equal(ospf_iface_export(&a, ta, rec, 10), -ENOSPC);
    assert_int_equal(ospf_iface_import(&b, rec, OSPF_REC_IFACE_LEN, tb), 0);
    assert_int_equal(b.state, OSPF_IFS_WAITING);
    assert_int_equal(b.hello_at, tb + 500);
    assert_int_equal(b.wait_at, tb + 3500);
    assert_int_equal(b.gen, a.gen);
    b.ifindex = 4; /* another interface: refused */
    assert_int_equal(ospf_iface_import(&b, rec, OSPF_REC_IFACE_LEN, tb), OSPF_ERR_BAD_RECORD);
    b.ifindex = 3;
    rec[23] = 42;
    assert_int_equal(ospf_iface_import(&b, rec, OSPF_REC_IFACE_LEN, tb), OSPF_ERR_BAD_RECORD);
    a.type = OSPF_IF_P2P;
    ospf_nbr_event(&n, &a, OSPF_NE_HELLO, ta, 0, &act);
    ospf_nbr_event(&n, &a, OSPF_NE_2WAY, ta, 0xabcd, &act);
    assert_int_equal(ospf_nbr_export(&n, ta + 1000, rec, sizeof(rec)), OSPF_REC_NBR_LEN);
    assert_int_equal(ospf_nbr_import(&m, rec, OSPF_REC_NBR_LEN, tb), 0);
    assert_int_equal(m.state, n.state);
    assert_int_equal(m.rid, n.rid);
    assert_int_equal(m.dd_seq, 0xabcd);
    assert_true(m.master);
    assert_int_equal(m.crypto_seq, 77);
    assert_true(m.have_crypto_seq);
    assert_int_equal(m.inactivity_at, tb + 3000);
    assert_int_equal(m.rxmt_at, tb + (n.rxmt_at - ta - 1000));
    assert_int_equal(m.gen, n.gen);
    assert_int_equal(ospf_nbr_import(&m, rec, OSPF_REC_NBR_LEN - 1, tb), OSPF_ERR_BAD_RECORD);
    rec[3] = 2;
    assert_int_equal(ospf_nbr_import(&m, rec, OSPF_REC_NBR_LEN, tb), OSPF_ERR_BAD_RECORD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_first_election),  cmocka_unit_test(test02_election_rules),
        cmocka_unit_test(test03_iface_broadcast), cmocka_unit_test(test04_iface_other),
        cmocka_unit_test(test05_nbr_p2p),         cmocka_unit_test(test06_nbr_broadcast),
        cmocka_unit_test(test07_records),
    };

    return cmocka_run_group_tests_name("ospf_fsm", tests, NULL, NULL);
}
