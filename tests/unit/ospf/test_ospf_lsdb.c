/*
 * test_ospf_lsdb.c - the link-state database (src/routing/ospf/lsdb.c):
 * install and replace, lookups, stable iteration, ageing with an injected
 * clock (MaxAge reporting and removal, refresh of self-originated LSAs),
 * origination rules (MinLSInterval, the MaxSequenceNumber wrap), change
 * tracking by generation, export/import records between two databases
 * on different clocks, the next-due cache against a full scan, and the
 * iteration cache kept up by merging new keys.
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
#include "routing/ospf/lsdb.h"
#include "ospf_test.h"
#include "ospf_vectors.h"

#define SEC 1000 /* ospf_time_t is in ms */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static struct lsa summary(uint32_t id, uint32_t adv, uint32_t metric)
{
    struct lsa l = {.hdr = {.type = LSA_SUMMARY_NET,
                            .id = id,
                            .adv_rtr = adv,
                            .seq = OSPF_INITIAL_SEQ,
                            .options = 0x02}};

    l.u.sum.mask = IP(255, 255, 255, 0);
    l.u.sum.metric = metric;
    return l;
}

/* 1. Check install, lookup by key and by ID, replacement, and the "contents changed" answer. */
static void test01_install_find(void **state)
{
    struct lsdb db;
    struct lsdb_entry *e, *e2;
    struct lsa l = summary(IP(10, 1, 0, 0), RID(2), 10);
    const uint32_t r1[] = {RID(1), RID(2)};

    (void)state;
    lsdb_init(&db, RID(1));
    assert_null(lsdb_find(&db, 3, 1, 2));
    assert_int_equal(lsdb_install_lsa(&db, &l, 0, &e), 1);
    assert_int_equal(lsdb_count(&db), 1);
    assert_ptr_equal(lsdb_find(&db, LSA_SUMMARY_NET, IP(10, 1, 0, 0), RID(2)), e);
    assert_null(lsdb_find(&db, LSA_SUMMARY_NET, IP(10, 1, 0, 0), RID(3)));
    assert_false(e->flags & LSDB_F_SELF);
    /* a new instance with the same contents: replaced, no SPF needed */
    l.hdr.seq++;
    assert_int_equal(lsdb_install_lsa(&db, &l, 5 * SEC, &e2), 0);
    assert_int_equal(lsdb_count(&db), 1);
    assert_int_equal(e2->lsa.hdr.seq, OSPF_INITIAL_SEQ + 1);
    /* a new metric: contents changed */
    l.hdr.seq++;
    l.u.sum.metric = 11;
    assert_int_equal(lsdb_install_lsa(&db, &l, 6 * SEC, &e2), 1);
    assert_int_equal(e2->lsa.u.sum.metric, 11);
    /* network-LSAs with one ID from two DRs (a stale one after an election) */
    assert_int_equal(t_network(&db, IP(10, 0, 0, 1), RID(1), IP(255, 255, 255, 0), r1, 2), 1);
    assert_int_equal(t_network(&db, IP(10, 0, 0, 1), RID(2), IP(255, 255, 255, 0), r1, 2), 1);
    e = lsdb_find_id(&db, LSA_NETWORK, IP(10, 0, 0, 1), NULL);
    assert_non_null(e);
    e2 = lsdb_find_id(&db, LSA_NETWORK, IP(10, 0, 0, 1), e);
    assert_non_null(e2);
    assert_int_not_equal(e->lsa.hdr.adv_rtr, e2->lsa.hdr.adv_rtr);
    assert_null(lsdb_find_id(&db, LSA_NETWORK, IP(10, 0, 0, 1), e2));
    assert_true(lsdb_find(&db, LSA_NETWORK, IP(10, 0, 0, 1), RID(1))->flags & LSDB_F_SELF);
    assert_int_equal(lsdb_remove(&db, LSA_NETWORK, IP(10, 0, 0, 1), RID(1)), 0);
    assert_int_equal(lsdb_remove(&db, LSA_NETWORK, IP(10, 0, 0, 1), RID(1)), -ENOENT);
    assert_int_equal(lsdb_count(&db), 2);
    lsdb_free(&db);
}

/* 2. Check that malformed LSAs change nothing: count, generation, the entry in place. */
static void test02_malformed_untouched(void **state)
{
    struct lsdb db;
    uint8_t b[64];
    struct ospf_drop d;
    uint64_t gen;
    struct lsdb_entry *e;

    (void)state;
    lsdb_init(&db, RID(1));
    assert_int_equal(lsdb_install(&db, v_lsa_external, sizeof(v_lsa_external), 0, &e, NULL), 1);
    gen = db.gen;
    memcpy(b, v_lsa_external, sizeof(v_lsa_external));
    pkt_put_be32(b + 12, 0x80000008);
    b[30] ^= 1; /* checksum now wrong */
    assert_int_equal(lsdb_install(&db, b, sizeof(v_lsa_external), 0, NULL, &d),
                     OSPF_ERR_BAD_LSA_CHECKSUM);
    assert_int_equal(d.reason, OSPF_ERR_BAD_LSA_CHECKSUM);
    assert_int_equal(lsdb_install(&db, b, 10, 0, NULL, &d), OSPF_ERR_TRUNC_LSA);
    assert_int_equal(db.gen, gen);
    assert_int_equal(lsdb_count(&db), 1);
    e = lsdb_find(&db, LSA_EXTERNAL, IP(192, 0, 2, 0), RID(4));
    assert_non_null(e);
    assert_int_equal(e->lsa.hdr.seq, 0x80000007);
    assert_memory_equal(e->raw, v_lsa_external, sizeof(v_lsa_external));
    lsdb_free(&db);
}

static void check_sorted(struct lsdb *db)
{
    for (size_t i = 1; i < lsdb_count(db); i++) {
        const struct lsa_hdr *a = &lsdb_at(db, i - 1)->lsa.hdr, *b = &lsdb_at(db, i)->lsa.hdr;

        assert_true(a->type < b->type || (a->type == b->type && a->id < b->id) ||
                    (a->type == b->type && a->id == b->id && a->adv_rtr < b->adv_rtr));
    }
    assert_null(lsdb_at(db, lsdb_count(db)));
}

/* 3. Check iteration order (type, ID, router) over thousands of random keys, through growth and
 * removals. */
static void test03_iteration(void **state)
{
    struct lsdb db;
    uint32_t ids[3000];

    (void)state;
    lsdb_init(&db, RID(1));
    for (int i = 0; i < 3000; i++) {
        struct lsa l = summary(rnd() & 0xffffff00, RID(1 + rnd() % 4), 1);

        ids[i] = l.hdr.id;
        if (i % 3 == 0) {
            l.hdr.type = LSA_EXTERNAL;
            l.u.ext = (struct lsa_external){.mask = IP(255, 255, 255, 0), .metric = 1};
        }
        assert_true(lsdb_install_lsa(&db, &l, 0, NULL) >= 0);
    }
    check_sorted(&db);
    for (int i = 0; i < 3000; i += 2) {
        struct lsdb_entry *e =
            lsdb_find_id(&db, i % 3 == 0 ? LSA_EXTERNAL : LSA_SUMMARY_NET, ids[i], NULL);

        if (e)
            lsdb_remove(&db, e->lsa.hdr.type, e->lsa.hdr.id, e->lsa.hdr.adv_rtr);
    }
    check_sorted(&db);
    {
        size_t n = 0;

        for (size_t i = 0; lsdb_at(&db, i); i++)
            n++;
        assert_int_equal(n, lsdb_count(&db));
    }
    lsdb_free(&db);
    assert_int_equal(lsdb_count(&db), 0);
}

struct events {
    int maxage, flush, refresh;
    bool remove;      /* what MAXAGE and FLUSH answer */
    bool reoriginate; /* REFRESH: originate a new instance */
    ospf_time_t now;
};

static bool on_age(void *ctx, struct lsdb *db, struct lsdb_entry *e, enum lsdb_event ev)
{
    struct events *x = ctx;

    switch (ev) {
    case LSDB_EV_MAXAGE:
        x->maxage++;
        assert_int_equal(lsdb_age(e, x->now), OSPF_MAX_AGE);
        assert_int_equal(pkt_get_be16(e->raw), OSPF_MAX_AGE);
        return x->remove;
    case LSDB_EV_FLUSH:
        x->flush++;
        return x->remove;
    case LSDB_EV_REFRESH:
        x->refresh++;
        if (x->reoriginate)
            assert_true(lsdb_originate(db, &e->lsa, x->now, NULL) >= 0);
        return false;
    }
    return false;
}

/* 4. Check ageing from the injected clock: ages, MaxAge reported once, removal when the daemon
 * allows it. */
static void test04_ageing(void **state)
{
    struct lsdb db;
    struct lsa l = summary(IP(10, 1, 0, 0), RID(2), 10);
    struct events x = {0};
    struct lsdb_entry *e;
    struct lsa_hdr h;
    uint8_t raw[64];

    (void)state;
    lsdb_init(&db, RID(1));
    l.hdr.age = 100;
    const ospf_time_t t0 = 1000000;
    assert_int_equal(lsdb_install_lsa(&db, &l, t0, &e), 1);
    assert_int_equal(lsdb_age(e, t0), 100);
    assert_int_equal(lsdb_age(e, t0 + 999), 100);
    assert_int_equal(lsdb_age(e, t0 + 60 * SEC), 160);
    lsdb_hdr(e, t0 + 60 * SEC, &h);
    assert_int_equal(h.age, 160);
    assert_int_equal(lsdb_copy_raw(e, t0 + 60 * SEC, raw, sizeof(raw)), 28);
    assert_int_equal(pkt_get_be16(raw), 160);
    assert_true(lsa_checksum_ok(raw, 28));
    assert_int_equal(lsdb_next_due(&db, t0), t0 + (OSPF_MAX_AGE - 100) * SEC);
    /* one second short of MaxAge: nothing */
    x.now = t0 + (OSPF_MAX_AGE - 101) * SEC;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.maxage + x.flush, 0);
    /* at MaxAge: reported, kept while unacknowledged */
    x.now = t0 + (OSPF_MAX_AGE - 100) * SEC;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.maxage, 1);
    assert_int_equal(lsdb_count(&db), 1);
    /* at MaxAge it is no longer timed: the daemon comes back after acknowledgements */
    assert_int_equal(lsdb_next_due(&db, x.now), INT64_MAX);
    x.now += 10 * SEC;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.maxage, 1);
    assert_int_equal(x.flush, 1);
    x.remove = true;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.flush, 2);
    assert_int_equal(lsdb_count(&db), 0);
    /* an LSA installed at MaxAge (someone's flush) is not reported as newly aged */
    l.hdr.age = OSPF_MAX_AGE;
    x = (struct events){.now = t0, .remove = true};
    assert_int_equal(lsdb_install_lsa(&db, &l, t0, NULL), 1);
    assert_int_equal(lsdb_age_run(&db, t0, on_age, &x), 0);
    assert_int_equal(x.maxage, 0);
    assert_int_equal(x.flush, 1);
    assert_int_equal(lsdb_count(&db), 0);
    lsdb_free(&db);
}

/* 5. Check refresh of self-originated LSAs at LSRefreshTime: reported, re-originated with seq + 1.
 */
static void test05_refresh(void **state)
{
    struct lsdb db;
    struct lsa l = summary(IP(10, 1, 0, 0), 0, 10);
    struct events x = {.reoriginate = true};
    struct lsdb_entry *e;
    const ospf_time_t t0 = 5 * SEC;

    (void)state;
    lsdb_init(&db, RID(1));
    assert_int_equal(lsdb_originate(&db, &l, t0, &e), 1);
    assert_int_equal(e->lsa.hdr.adv_rtr, RID(1));
    assert_int_equal(e->lsa.hdr.seq, OSPF_INITIAL_SEQ);
    assert_int_equal(e->lsa.hdr.age, 0);
    assert_true(e->flags & LSDB_F_SELF);
    assert_int_equal(lsdb_next_due(&db, t0), t0 + OSPF_LS_REFRESH_TIME * SEC);
    x.now = t0 + OSPF_LS_REFRESH_TIME * SEC - 1;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.refresh, 0);
    x.now = t0 + OSPF_LS_REFRESH_TIME * SEC;
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.refresh, 1);
    e = lsdb_find(&db, LSA_SUMMARY_NET, IP(10, 1, 0, 0), RID(1));
    assert_int_equal(e->lsa.hdr.seq, OSPF_INITIAL_SEQ + 1);
    assert_int_equal(lsdb_age(e, x.now), 0);
    assert_int_equal(lsdb_next_due(&db, x.now), x.now + OSPF_LS_REFRESH_TIME * SEC);
    assert_int_equal(lsdb_age_run(&db, x.now, on_age, &x), 0);
    assert_int_equal(x.refresh, 1);
    lsdb_free(&db);
}

/* 6. Check origination limits: MinLSInterval (-EAGAIN), and MaxSequenceNumber flushed before the
 * wrap (14.1). */
static void test06_originate_limits(void **state)
{
    struct lsdb db;
    struct lsa l = summary(IP(10, 1, 0, 0), RID(1), 10);
    struct lsdb_entry *e;

    (void)state;
    lsdb_init(&db, RID(1));
    assert_int_equal(lsdb_originate(&db, &l, 0, &e), 1);
    l.u.sum.metric = 20;
    assert_int_equal(lsdb_originate(&db, &l, 4 * SEC, NULL), -EAGAIN);
    assert_int_equal(lsdb_originate(&db, &l, 5 * SEC, &e), 1);
    assert_int_equal(e->lsa.hdr.seq, OSPF_INITIAL_SEQ + 1);
    /* a received copy of ours at MaxSequenceNumber - 2: the next one is MaxSequenceNumber - 1 */
    l.hdr.seq = OSPF_MAX_SEQ - 2;
    assert_int_equal(lsdb_install_lsa(&db, &l, 10 * SEC, NULL), 0);
    assert_int_equal(lsdb_originate(&db, &l, 20 * SEC, &e), 0);
    assert_int_equal(e->lsa.hdr.seq, OSPF_MAX_SEQ - 1);
    /* the next would be MaxSequenceNumber: it goes out only as the flush (14.1) */
    assert_int_equal(lsdb_originate(&db, &l, 30 * SEC, &e), -EBUSY);
    e = lsdb_find(&db, LSA_SUMMARY_NET, IP(10, 1, 0, 0), RID(1));
    assert_int_equal(e->lsa.hdr.seq, OSPF_MAX_SEQ);
    assert_int_equal(lsdb_age(e, 30 * SEC), OSPF_MAX_AGE);
    assert_true(e->flags & LSDB_F_MAXAGE);
    assert_int_equal(pkt_get_be16(e->raw), OSPF_MAX_AGE);
    assert_int_equal(lsdb_originate(&db, &l, 31 * SEC, NULL), -EBUSY);
    assert_int_equal(e->lsa.hdr.seq, OSPF_MAX_SEQ);
    /* once the flush is acknowledged and removed: InitialSequenceNumber again */
    assert_int_equal(lsdb_remove(&db, LSA_SUMMARY_NET, IP(10, 1, 0, 0), RID(1)), 0);
    assert_int_equal(lsdb_originate(&db, &l, 32 * SEC, &e), 1);
    assert_int_equal(e->lsa.hdr.seq, OSPF_INITIAL_SEQ);
    lsdb_free(&db);
}

struct seen {
    int changed, removed;
    uint32_t ids[16];
};

static void on_changed(void *ctx, const struct lsdb_entry *e)
{
    struct seen *s = ctx;

    s->ids[s->changed++ & 15] = e->lsa.hdr.id;
}

static void on_removed(void *ctx, const struct lsdb_tomb *t)
{
    struct seen *s = ctx;

    (void)t;
    s->removed++;
}

/* 7. Check "what changed since generation G": changed entries, removals, removals superseded,
 * trimming. */
static void test07_changes(void **state)
{
    struct lsdb db;
    struct lsa a = summary(IP(10, 1, 0, 0), RID(2), 1), b = summary(IP(10, 2, 0, 0), RID(2), 1);
    struct lsa c = summary(IP(10, 3, 0, 0), RID(2), 1);
    struct seen s = {0};
    uint64_t g;

    (void)state;
    lsdb_init(&db, RID(1));
    lsdb_install_lsa(&db, &a, 0, NULL);
    lsdb_install_lsa(&db, &b, 0, NULL);
    g = db.gen;
    lsdb_changes(&db, g, on_changed, on_removed, &s);
    assert_int_equal(s.changed + s.removed, 0);
    lsdb_changes(&db, 0, on_changed, on_removed, &s);
    assert_int_equal(s.changed, 2);
    b.hdr.seq++;
    lsdb_install_lsa(&db, &b, 0, NULL);
    lsdb_remove(&db, a.hdr.type, a.hdr.id, a.hdr.adv_rtr);
    lsdb_install_lsa(&db, &c, 0, NULL);
    s = (struct seen){0};
    lsdb_changes(&db, g, on_changed, on_removed, &s);
    assert_int_equal(s.changed, 2);
    assert_int_equal(s.removed, 1);
    /* removed then installed again: only the entry is reported */
    g = db.gen;
    lsdb_remove(&db, c.hdr.type, c.hdr.id, c.hdr.adv_rtr);
    lsdb_install_lsa(&db, &c, 0, NULL);
    s = (struct seen){0};
    lsdb_changes(&db, g, on_changed, on_removed, &s);
    assert_int_equal(s.changed, 1);
    assert_int_equal(s.ids[0], c.hdr.id);
    assert_int_equal(s.removed, 0);
    assert_int_equal(db.n_tombs, 2);
    lsdb_trim(&db, g);
    assert_int_equal(db.n_tombs, 1);
    lsdb_trim(&db, db.gen);
    assert_int_equal(db.n_tombs, 0);
    lsdb_free(&db);
}

struct stream {
    uint8_t buf[1 << 16];
    size_t len;
    ospf_time_t now;
};

static void exp_entry(void *ctx, const struct lsdb_entry *e)
{
    struct stream *s = ctx;
    int n = lsdb_export_entry(e, s->now, s->buf + s->len, sizeof(s->buf) - s->len);

    assert_true(n > 0);
    s->len += (size_t)n;
}

static void exp_tomb(void *ctx, const struct lsdb_tomb *t)
{
    struct stream *s = ctx;
    int n = lsdb_export_tomb(t, s->buf + s->len, sizeof(s->buf) - s->len);

    assert_true(n > 0);
    s->len += (size_t)n;
}

static void import_all(struct lsdb *db, const struct stream *s, ospf_time_t now)
{
    for (size_t off = 0; off < s->len;) {
        uint32_t n = pkt_get_be32(s->buf + off + 4);

        assert_int_equal(lsdb_import(db, s->buf + off, n, now, NULL), 0);
        off += n;
    }
}

/* Same entries, raw bytes, ages at the matching times, generations and flags. */
static void assert_same(struct lsdb *a, ospf_time_t ta, struct lsdb *b, ospf_time_t tb)
{
    assert_int_equal(lsdb_count(a), lsdb_count(b));
    for (size_t i = 0; i < lsdb_count(a); i++) {
        struct lsdb_entry *x = lsdb_at(a, i), *y = lsdb_at(b, i);

        assert_int_equal(x->lsa.hdr.length, y->lsa.hdr.length);
        assert_memory_equal(x->raw, y->raw, x->lsa.hdr.length);
        assert_int_equal(lsdb_age(x, ta), lsdb_age(y, tb));
        assert_int_equal(x->gen, y->gen);
        assert_int_equal(x->flags, y->flags);
    }
}

/* 8. Check export/import: a full copy onto another clock, then an incremental round, give the same
 * LSDB. */
static void test08_export_import(void **state)
{
    struct lsdb src, dst;
    static struct stream s;
    struct lsa l;
    const ospf_time_t ta = 50000 * SEC, tb = 7 * SEC; /* two hosts' monotonic clocks */
    uint64_t g;

    (void)state;
    lsdb_init(&src, RID(1));
    lsdb_init(&dst, RID(1));
    for (int i = 0; i < 50; i++) {
        l = summary(IP(10, i, 0, 0), RID(1 + i % 3), (uint32_t)i);
        l.hdr.age = (uint16_t)(i * 7);
        assert_true(lsdb_install_lsa(&src, &l, ta - i * 1500, NULL) > 0);
    }
    lsdb_flush(&src, lsdb_find(&src, LSA_SUMMARY_NET, IP(10, 4, 0, 0), RID(2)), ta);
    assert_int_equal(lsdb_install(&src, v_lsa_router, sizeof(v_lsa_router), ta, NULL, NULL), 1);
    s.len = 0;
    s.now = ta;
    lsdb_changes(&src, 0, exp_entry, exp_tomb, &s);
    import_all(&dst, &s, tb);
    assert_same(&src, ta, &dst, tb);
    assert_same(&src, ta + 100 * SEC, &dst, tb + 100 * SEC);
    assert_true(lsdb_find(&dst, LSA_ROUTER, RID(1), RID(1))->flags & LSDB_F_SELF);
    /* a pre-copy round: what changed since the first export */
    g = src.gen;
    lsdb_remove(&src, LSA_SUMMARY_NET, IP(10, 5, 0, 0), RID(3));
    l = summary(IP(10, 6, 0, 0), RID(1), 99);
    l.hdr.seq = OSPF_INITIAL_SEQ + 3;
    lsdb_install_lsa(&src, &l, ta + 10 * SEC, NULL);
    l = summary(IP(10, 200, 0, 0), RID(7), 1);
    lsdb_install_lsa(&src, &l, ta + 10 * SEC, NULL);
    s.len = 0;
    s.now = ta + 20 * SEC;
    lsdb_changes(&src, g, exp_entry, exp_tomb, &s);
    import_all(&dst, &s, tb + 20 * SEC);
    assert_same(&src, ta + 20 * SEC, &dst, tb + 20 * SEC);
    assert_true(dst.gen >= src.gen);
    lsdb_free(&src);
    lsdb_free(&dst);
}

/* 9. Check that bad records are refused with bad_record (or the LSA's reason) and change nothing.
 */
static void test09_bad_records(void **state)
{
    struct lsdb db, src;
    uint8_t rec[128];
    struct ospf_drop d;
    int n;

    (void)state;
    lsdb_init(&db, RID(1));
    lsdb_init(&src, RID(1));
    assert_int_equal(lsdb_install(&src, v_lsa_summary, sizeof(v_lsa_summary), 0, NULL, NULL), 1);
    n = lsdb_export_entry(lsdb_at(&src, 0), 0, rec, sizeof(rec));
    assert_int_equal(n, 24 + sizeof(v_lsa_summary));
    assert_int_equal(lsdb_export_entry(lsdb_at(&src, 0), 0, rec, 30), -ENOSPC);
    assert_int_equal(lsdb_import(&db, rec, 15, 0, &d), OSPF_ERR_BAD_RECORD);
    assert_int_equal(lsdb_import(&db, rec, (size_t)n - 1, 0, &d), OSPF_ERR_BAD_RECORD);
    assert_int_equal(d.offset, 4);
    rec[3] = 2; /* version 2: a newer writer */
    assert_int_equal(lsdb_import(&db, rec, (size_t)n, 0, &d), OSPF_ERR_BAD_RECORD);
    assert_int_equal(d.value, 2);
    rec[3] = 1;
    rec[1] = 9; /* unknown kind */
    assert_int_equal(lsdb_import(&db, rec, (size_t)n, 0, &d), OSPF_ERR_BAD_RECORD);
    rec[1] = LSDB_REC_ENTRY;
    rec[n - 1] ^= 1;
    assert_int_equal(lsdb_import(&db, rec, (size_t)n, 0, &d), OSPF_ERR_BAD_LSA_CHECKSUM);
    assert_int_equal(d.offset, 24 + 16);
    rec[n - 1] ^= 1;
    assert_int_equal(lsdb_count(&db), 0);
    assert_int_equal(db.gen, 0);
    assert_int_equal(lsdb_import(&db, rec, (size_t)n, 0, &d), 0);
    assert_int_equal(lsdb_count(&db), 1);
    lsdb_free(&db);
    lsdb_free(&src);
}

/* lsdb_next_due() the long way: every entry, as lsdb.h defines it. */
static ospf_time_t next_due_scan(struct lsdb *db, ospf_time_t now)
{
    ospf_time_t next = INT64_MAX;

    for (size_t i = 0; i < lsdb_count(db); i++) {
        const struct lsdb_entry *e = lsdb_at(db, i);
        uint16_t age = lsdb_age(e, now);
        ospf_time_t t;

        if (e->flags & LSDB_F_MAXAGE)
            continue;
        t = e->installed + (ospf_time_t)(OSPF_MAX_AGE - e->lsa.hdr.age) * SEC;
        if ((e->flags & LSDB_F_SELF) && age >= OSPF_LS_REFRESH_TIME)
            t = now;
        else if (e->flags & LSDB_F_SELF) {
            ospf_time_t r = e->installed + (ospf_time_t)(OSPF_LS_REFRESH_TIME - e->lsa.hdr.age) * SEC;

            t = r < t ? r : t;
        }
        if (t < next)
            next = t;
    }
    return next < now ? now : next;
}

/*
 * 10. Check that lsdb_next_due()'s cached minimum always equals a full scan through random
 * installs (new keys and replacements, self-originated or not, any age), originations, flushes,
 * removals, imports (MaxAge state carried) and ageing runs.
 */
static void test10_next_due_cache(void **state)
{
    struct lsdb db, other;
    struct events x = {.remove = true, .reoriginate = true};
    uint8_t rec[128];
    ospf_time_t now = 100 * SEC;

    (void)state;
    lsdb_init(&db, RID(1));
    lsdb_init(&other, RID(1));
    for (int step = 0; step < 20000; step++) {
        uint32_t k = rnd() % 40, op = rnd() % 16;
        uint32_t adv = RID(1 + rnd() % 2); /* RID(1): self-originated */
        struct lsa l = summary(IP(10, k, 0, 0), adv, rnd() % 100);
        struct lsdb_entry *e = lsdb_find(&db, LSA_SUMMARY_NET, IP(10, k, 0, 0), adv);
        int n;

        now += (ospf_time_t)(rnd() % (op == 15 ? 600 * SEC : 2 * SEC));
        l.hdr.age = (uint16_t)(rnd() % 4 == 0 ? OSPF_MAX_AGE - rnd() % 3 : rnd() % OSPF_MAX_AGE);
        if (e)
            l.hdr.seq = e->lsa.hdr.seq + 1;
        switch (op) {
        case 0 ... 5:
            assert_true(lsdb_install_lsa(&db, &l, now, NULL) >= 0);
            break;
        case 6 ... 7:
            l.hdr.adv_rtr = RID(1);
            n = lsdb_originate(&db, &l, now, NULL);
            assert_true(n >= 0 || n == -EAGAIN || n == -EBUSY);
            break;
        case 8 ... 9:
            if (e)
                lsdb_flush(&db, e, now);
            break;
        case 10 ... 11:
            assert_true(lsdb_remove(&db, LSA_SUMMARY_NET, IP(10, k, 0, 0), adv) == (e ? 0 : -ENOENT));
            break;
        case 12 ... 13:
            /* an entry record from another database, MaxAge state and all */
            assert_true(lsdb_install_lsa(&other, &l, now, &e) >= 0);
            if (rnd() % 2)
                lsdb_flush(&other, e, now);
            n = lsdb_export_entry(e, now + rnd() % (3 * SEC), rec, sizeof(rec));
            assert_true(n > 0);
            assert_int_equal(lsdb_import(&db, rec, (size_t)n, now, NULL), 0);
            break;
        default:
            x.now = now;
            assert_int_equal(lsdb_age_run(&db, now, on_age, &x), 0);
            break;
        }
        assert_int_equal(lsdb_next_due(&db, now), next_due_scan(&db, now));
        /* asked again later, and with nothing changed in between */
        assert_int_equal(lsdb_next_due(&db, now + 7 * SEC), next_due_scan(&db, now + 7 * SEC));
    }
    assert_true(x.maxage + x.flush > 0 && x.refresh > 0);
    lsdb_free(&db);
    lsdb_free(&other);
}

/*
 * 11. Check the iteration cache kept up by merging new keys (sorted alone) into the sorted ones:
 * after every burst of new keys, replacements, flushes and removals, a walk gives every entry
 * once (the very entry lsdb_find() gives), in key order.
 */
static void test11_iteration_merge(void **state)
{
    struct lsdb db;

    (void)state;
    lsdb_init(&db, RID(1));
    for (int round = 0; round < 300; round++) {
        int burst = (int)(rnd() % 200);

        for (int i = 0; i < burst; i++) {
            uint32_t op = rnd() % 10, id = (rnd() % 512) << 8, adv = RID(1 + rnd() % 3);
            struct lsa l = summary(id, adv, rnd() % 50);
            struct lsdb_entry *e = lsdb_find(&db, LSA_SUMMARY_NET, id, adv);

            if (op == 0 && round % 4 == 0) {
                lsdb_remove(&db, LSA_SUMMARY_NET, id, adv);
            } else if (op == 1 && e) {
                lsdb_flush(&db, e, round * SEC);
            } else {
                if (e)
                    l.hdr.seq = e->lsa.hdr.seq + 1;
                assert_true(lsdb_install_lsa(&db, &l, round * SEC, NULL) >= 0);
            }
        }
        check_sorted(&db);
        for (size_t i = 0; i < lsdb_count(&db); i++) {
            struct lsdb_entry *e = lsdb_at(&db, i);

            assert_ptr_equal(lsdb_find(&db, e->lsa.hdr.type, e->lsa.hdr.id, e->lsa.hdr.adv_rtr),
                             e);
        }
    }
    assert_true(lsdb_count(&db) > 500);
    lsdb_free(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test01_install_find), cmocka_unit_test(test02_malformed_untouched),
        cmocka_unit_test(test03_iteration),    cmocka_unit_test(test04_ageing),
        cmocka_unit_test(test05_refresh),      cmocka_unit_test(test06_originate_limits),
        cmocka_unit_test(test07_changes),      cmocka_unit_test(test08_export_import),
        cmocka_unit_test(test09_bad_records),  cmocka_unit_test(test10_next_due_cache),
        cmocka_unit_test(test11_iteration_merge),
    };

    return cmocka_run_group_tests_name("ospf_lsdb", tests, NULL, NULL);
}
