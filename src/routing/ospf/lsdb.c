/*
 * lsdb.c - the link-state database: a hash of entries chained by (type, ID)
 * so that lookups by ID alone (network-LSAs) walk one chain, a sorted cache
 * for stable iteration, ageing from install times, generations and
 * tombstones for change tracking, and the export/import records.
 * See lsdb.h for the contract.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "routing/ospf/lsdb.h"

#define LSDB_MIN_BUCKETS 64

static size_t bucket_of(const struct lsdb *db, uint8_t type, uint32_t id)
{
    uint64_t h = ((uint64_t)type << 32 | id) * 0x9e3779b97f4a7c15ull;

    return (size_t)(h >> 32) & (db->n_buckets - 1);
}

void lsdb_init(struct lsdb *db, uint32_t router_id)
{
    memset(db, 0, sizeof(*db));
    db->router_id = router_id;
    db->sorted_stale = true;
}

static void entry_free(struct lsdb_entry *e)
{
    lsa_clear(&e->lsa);
    free(e->raw);
    free(e);
}

void lsdb_free(struct lsdb *db)
{
    for (size_t b = 0; b < db->n_buckets; b++) {
        struct lsdb_entry *e = db->buckets[b], *n;

        for (; e; e = n) {
            n = e->next;
            entry_free(e);
        }
    }
    free(db->buckets);
    free(db->sorted);
    free(db->added);
    free(db->tombs);
    lsdb_init(db, db->router_id);
}

static int grow(struct lsdb *db)
{
    size_t nb = db->n_buckets ? db->n_buckets * 2 : LSDB_MIN_BUCKETS;
    struct lsdb_entry **nbk = calloc(nb, sizeof(*nbk));
    size_t ob = db->n_buckets;
    struct lsdb_entry **obk = db->buckets;

    if (!nbk)
        return -ENOMEM;
    db->buckets = nbk;
    db->n_buckets = nb;
    for (size_t b = 0; b < ob; b++) {
        struct lsdb_entry *e = obk[b], *n;

        for (; e; e = n) {
            size_t i = bucket_of(db, e->lsa.hdr.type, e->lsa.hdr.id);

            n = e->next;
            e->next = nbk[i];
            nbk[i] = e;
        }
    }
    free(obk);
    return 0;
}

struct lsdb_entry *lsdb_find(const struct lsdb *db, uint8_t type, uint32_t id, uint32_t adv_rtr)
{
    struct lsdb_entry *e;

    if (!db->n_buckets)
        return NULL;
    for (e = db->buckets[bucket_of(db, type, id)]; e; e = e->next)
        if (e->lsa.hdr.type == type && e->lsa.hdr.id == id && e->lsa.hdr.adv_rtr == adv_rtr)
            return e;
    return NULL;
}

struct lsdb_entry *lsdb_find_id(const struct lsdb *db, uint8_t type, uint32_t id,
                                const struct lsdb_entry *after)
{
    struct lsdb_entry *e;

    if (!db->n_buckets)
        return NULL;
    e = after ? after->next : db->buckets[bucket_of(db, type, id)];
    for (; e; e = e->next)
        if (e->lsa.hdr.type == type && e->lsa.hdr.id == id)
            return e;
    return NULL;
}

/*
 * When e next has something for lsdb_age_run(): MaxAge, or LSRefreshTime
 * if self-originated (earlier than its install time once overdue);
 * INT64_MAX at MaxAge already.
 */
static ospf_time_t entry_due(const struct lsdb_entry *e)
{
    ospf_time_t t;

    if (e->flags & LSDB_F_MAXAGE)
        return INT64_MAX;
    t = e->installed + (ospf_time_t)(OSPF_MAX_AGE - e->lsa.hdr.age) * 1000;
    if (e->flags & LSDB_F_SELF) {
        ospf_time_t r = e->installed + ((ospf_time_t)OSPF_LS_REFRESH_TIME - e->lsa.hdr.age) * 1000;

        t = r < t ? r : t;
    }
    return t;
}

/* e's due time is about to change or go: the cached minimum may have been its. */
static void due_leave(struct lsdb *db, const struct lsdb_entry *e)
{
    if (db->due_ok && entry_due(e) <= db->due_min)
        db->due_ok = false;
}

static void due_enter(struct lsdb *db, const struct lsdb_entry *e)
{
    ospf_time_t t = entry_due(e);

    if (db->due_ok && t < db->due_min)
        db->due_min = t;
}

/* The iteration order changes only with the set of keys: an entry came or went. */
static void changed(struct lsdb *db, struct lsdb_entry *e)
{
    e->gen = ++db->gen;
}

static void key_added(struct lsdb *db, struct lsdb_entry *e)
{
    if (db->sorted_stale)
        return;
    if (db->n_added == db->cap_added) {
        size_t nc = db->cap_added ? db->cap_added * 2 : 64;
        struct lsdb_entry **a = realloc(db->added, nc * sizeof(*a));

        if (!a) {
            db->sorted_stale = true; /* sort everything instead */
            return;
        }
        db->added = a;
        db->cap_added = nc;
    }
    db->added[db->n_added++] = e;
}

/* Put a parsed LSA and its raw copy (both now owned by the database) in place. */
static int install(struct lsdb *db, struct lsa *l, uint8_t *raw, ospf_time_t installed,
                   struct lsdb_entry **out)
{
    struct lsdb_entry *e = lsdb_find(db, l->hdr.type, l->hdr.id, l->hdr.adv_rtr);
    int rc = 1;

    if (e) {
        rc = lsa_contents_differ(e->raw, raw) ? 1 : 0;
        due_leave(db, e);
        lsa_clear(&e->lsa);
        free(e->raw);
    } else {
        size_t b;

        if (db->count + 1 > db->n_buckets && grow(db) < 0)
            goto nomem;
        e = calloc(1, sizeof(*e));
        if (!e)
            goto nomem;
        b = bucket_of(db, l->hdr.type, l->hdr.id);
        e->next = db->buckets[b];
        db->buckets[b] = e;
        db->count++;
        key_added(db, e);
    }
    e->lsa = *l;
    e->raw = raw;
    e->installed = installed;
    e->flags = 0;
    if (l->hdr.adv_rtr == db->router_id)
        e->flags |= LSDB_F_SELF;
    if (l->hdr.age >= OSPF_MAX_AGE)
        e->flags |= LSDB_F_MAXAGE;
    due_enter(db, e);
    changed(db, e);
    if (out)
        *out = e;
    return rc;
nomem:
    lsa_clear(l);
    free(raw);
    return OSPF_ERR_NOMEM;
}

int lsdb_install(struct lsdb *db, const uint8_t *buf, size_t len, ospf_time_t now,
                 struct lsdb_entry **out, struct ospf_drop *drop)
{
    struct lsa l;
    uint8_t *raw;
    int rc = lsa_parse(buf, len, &l, drop);

    if (rc < 0)
        return rc;
    raw = malloc(l.hdr.length);
    if (!raw) {
        lsa_clear(&l);
        if (drop)
            *drop = (struct ospf_drop){.reason = OSPF_ERR_NOMEM};
        return OSPF_ERR_NOMEM;
    }
    memcpy(raw, buf, l.hdr.length);
    return install(db, &l, raw, now, out);
}

int lsdb_install_lsa(struct lsdb *db, const struct lsa *l, ospf_time_t now, struct lsdb_entry **out)
{
    size_t len = lsa_build_len(l);
    uint8_t *buf = len ? malloc(len) : NULL;
    int rc;

    if (!len)
        return -EINVAL;
    if (!buf)
        return OSPF_ERR_NOMEM;
    rc = lsa_build(l, buf, len);
    if (rc < 0) {
        free(buf);
        return -EINVAL;
    }
    rc = lsdb_install(db, buf, len, now, out, NULL);
    free(buf);
    return rc;
}

int lsdb_originate(struct lsdb *db, const struct lsa *l, ospf_time_t now, struct lsdb_entry **out)
{
    struct lsdb_entry *prev = lsdb_find(db, l->hdr.type, l->hdr.id, db->router_id);
    struct lsa n = *l;

    n.hdr.adv_rtr = db->router_id;
    if (prev && (prev->lsa.hdr.seq == OSPF_MAX_SEQ || prev->lsa.hdr.seq == OSPF_MAX_SEQ - 1)) {
        /*
         * The next instance would be MaxSequenceNumber: it goes out only as
         * the flush (MaxAge) that lets the sequence wrap (14.1), which is
         * also the only MaxSequenceNumber instance lsa_parse() accepts.
         */
        if (prev->lsa.hdr.seq != OSPF_MAX_SEQ || !(prev->flags & LSDB_F_MAXAGE)) {
            n.hdr.age = OSPF_MAX_AGE;
            n.hdr.seq = OSPF_MAX_SEQ;
            if (lsdb_install_lsa(db, &n, now, out) < 0)
                return OSPF_ERR_NOMEM;
        }
        return -EBUSY;
    }
    if (prev && !(prev->flags & LSDB_F_MAXAGE) &&
        now - prev->installed < (ospf_time_t)OSPF_MIN_LS_INTERVAL * 1000 &&
        lsdb_age(prev, now) < OSPF_MIN_LS_INTERVAL)
        return -EAGAIN;
    n.hdr.age = 0;
    n.hdr.seq = prev ? prev->lsa.hdr.seq + 1 : OSPF_INITIAL_SEQ;
    return lsdb_install_lsa(db, &n, now, out);
}

void lsdb_flush(struct lsdb *db, struct lsdb_entry *e, ospf_time_t now)
{
    due_leave(db, e);
    e->lsa.hdr.age = OSPF_MAX_AGE;
    pkt_put_be16(e->raw, OSPF_MAX_AGE);
    e->installed = now;
    e->flags |= LSDB_F_MAXAGE;
    changed(db, e);
}

int lsdb_remove(struct lsdb *db, uint8_t type, uint32_t id, uint32_t adv_rtr)
{
    struct lsdb_entry **pp, *e;

    if (!db->n_buckets)
        return -ENOENT;
    for (pp = &db->buckets[bucket_of(db, type, id)]; (e = *pp); pp = &e->next)
        if (e->lsa.hdr.type == type && e->lsa.hdr.id == id && e->lsa.hdr.adv_rtr == adv_rtr)
            break;
    if (!e)
        return -ENOENT;
    if (db->n_tombs == db->cap_tombs) {
        size_t nc = db->cap_tombs ? db->cap_tombs * 2 : 16;
        struct lsdb_tomb *t = realloc(db->tombs, nc * sizeof(*t));

        /* without room for the tombstone, pre-copy would miss the removal: keep the entry */
        if (!t)
            return -ENOMEM;
        db->tombs = t;
        db->cap_tombs = nc;
    }
    *pp = e->next;
    db->count--;
    db->sorted_stale = true;
    db->n_added = 0;
    due_leave(db, e);
    db->tombs[db->n_tombs++] =
        (struct lsdb_tomb){.gen = ++db->gen, .type = type, .id = id, .adv_rtr = adv_rtr};
    entry_free(e);
    return 0;
}

uint16_t lsdb_age(const struct lsdb_entry *e, ospf_time_t now)
{
    ospf_time_t el = now > e->installed ? (now - e->installed) / 1000 : 0;
    ospf_time_t age = e->lsa.hdr.age + el;

    return (uint16_t)(age > OSPF_MAX_AGE ? OSPF_MAX_AGE : age);
}

void lsdb_hdr(const struct lsdb_entry *e, ospf_time_t now, struct lsa_hdr *out)
{
    *out = e->lsa.hdr;
    out->age = lsdb_age(e, now);
}

int lsdb_copy_raw(const struct lsdb_entry *e, ospf_time_t now, uint8_t *buf, size_t cap)
{
    size_t len = e->lsa.hdr.length;

    if (len > cap)
        return -ENOSPC;
    memcpy(buf, e->raw, len);
    pkt_put_be16(buf, lsdb_age(e, now));
    return (int)len;
}

/* ---- iteration -------------------------------------------------------------- */

static int key_cmp(const void *a, const void *b)
{
    const struct lsa_hdr *x = &(*(struct lsdb_entry *const *)a)->lsa.hdr;
    const struct lsa_hdr *y = &(*(struct lsdb_entry *const *)b)->lsa.hdr;

    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    if (x->adv_rtr != y->adv_rtr)
        return x->adv_rtr < y->adv_rtr ? -1 : 1;
    return 0;
}

/* Sort in full: every entry from the hash, qsort. */
static int sort_all(struct lsdb *db)
{
    struct lsdb_entry **s = realloc(db->sorted, (db->count ? db->count : 1) * sizeof(*s));
    size_t n = 0;

    if (!s)
        return -ENOMEM;
    db->sorted = s;
    for (size_t b = 0; b < db->n_buckets; b++)
        for (struct lsdb_entry *e = db->buckets[b]; e; e = e->next)
            s[n++] = e;
    qsort(s, n, sizeof(*s), key_cmp);
    db->n_sorted = n;
    db->sorted_stale = false;
    db->n_added = 0;
    return 0;
}

/* Sort the new keys alone and merge them into the sorted ones. */
static int merge_added(struct lsdb *db)
{
    struct lsdb_entry **s = malloc(db->count * sizeof(*s)), **a = db->added;
    size_t i = 0, j = 0, n = 0, na = db->n_added;

    if (!s)
        return -ENOMEM;
    qsort(a, na, sizeof(*a), key_cmp);
    while (i < db->n_sorted && j < na)
        s[n++] = key_cmp(&db->sorted[i], &a[j]) < 0 ? db->sorted[i++] : a[j++];
    while (i < db->n_sorted)
        s[n++] = db->sorted[i++];
    while (j < na)
        s[n++] = a[j++];
    free(db->sorted);
    db->sorted = s;
    db->n_sorted = n;
    /* a flood adds keys in bursts: do not keep the room between them */
    free(db->added);
    db->added = NULL;
    db->n_added = db->cap_added = 0;
    return 0;
}

struct lsdb_entry *lsdb_at(struct lsdb *db, size_t i)
{
    if (i >= db->count)
        return NULL;
    if (!db->sorted_stale && db->n_added && db->n_sorted + db->n_added == db->count &&
        merge_added(db) < 0)
        return NULL;
    if ((db->sorted_stale || db->n_sorted != db->count) && sort_all(db) < 0)
        return NULL;
    return db->sorted[i];
}

/* ---- ageing ----------------------------------------------------------------- */

struct lsdb_key {
    uint8_t type;
    uint32_t id, adv_rtr;
};

static bool refresh_due(const struct lsdb_entry *e, uint16_t age)
{
    return (e->flags & LSDB_F_SELF) && !(e->flags & LSDB_F_MAXAGE) && age >= OSPF_LS_REFRESH_TIME;
}

int lsdb_age_run(struct lsdb *db, ospf_time_t now, lsdb_age_cb cb, void *ctx)
{
    struct lsdb_key *due = NULL;
    size_t n = 0, cap = 0;

    /* collect the keys first: the callbacks may install, originate or remove */
    for (size_t b = 0; b < db->n_buckets; b++) {
        for (struct lsdb_entry *e = db->buckets[b]; e; e = e->next) {
            uint16_t age = lsdb_age(e, now);

            if (age < OSPF_MAX_AGE && !refresh_due(e, age))
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct lsdb_key *k = realloc(due, nc * sizeof(*k));

                if (!k) {
                    free(due);
                    return -ENOMEM;
                }
                due = k;
                cap = nc;
            }
            due[n++] = (struct lsdb_key){e->lsa.hdr.type, e->lsa.hdr.id, e->lsa.hdr.adv_rtr};
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct lsdb_entry *e = lsdb_find(db, due[i].type, due[i].id, due[i].adv_rtr);
        uint16_t age;
        enum lsdb_event ev;

        if (!e)
            continue;
        age = lsdb_age(e, now);
        if (age >= OSPF_MAX_AGE) {
            ev = LSDB_EV_FLUSH;
            if (!(e->flags & LSDB_F_MAXAGE)) {
                lsdb_flush(db, e, now);
                ev = LSDB_EV_MAXAGE;
            }
            if (cb(ctx, db, e, ev))
                lsdb_remove(db, due[i].type, due[i].id, due[i].adv_rtr);
        } else if (refresh_due(e, age)) {
            cb(ctx, db, e, LSDB_EV_REFRESH);
        }
    }
    free(due);
    return 0;
}

ospf_time_t lsdb_next_due(struct lsdb *db, ospf_time_t now)
{
    if (!db->due_ok) {
        db->due_min = INT64_MAX;
        for (size_t b = 0; b < db->n_buckets; b++)
            for (const struct lsdb_entry *e = db->buckets[b]; e; e = e->next) {
                ospf_time_t t = entry_due(e);

                if (t < db->due_min)
                    db->due_min = t;
            }
        db->due_ok = true;
    }
    return db->due_min < now ? now : db->due_min;
}

/* ---- change tracking and records ---------------------------------------------- */

void lsdb_changes(const struct lsdb *db, uint64_t since,
                  void (*changed_cb)(void *ctx, const struct lsdb_entry *e),
                  void (*removed)(void *ctx, const struct lsdb_tomb *t), void *ctx)
{
    for (size_t i = 0; removed && i < db->n_tombs; i++) {
        const struct lsdb_tomb *t = &db->tombs[i];
        const struct lsdb_entry *e;

        if (t->gen <= since)
            continue;
        e = lsdb_find(db, t->type, t->id, t->adv_rtr);
        if (e && e->gen > t->gen)
            continue; /* installed again: the entry record replaces it */
        removed(ctx, t);
    }
    for (size_t b = 0; changed_cb && b < db->n_buckets; b++)
        for (const struct lsdb_entry *e = db->buckets[b]; e; e = e->next)
            if (e->gen > since)
                changed_cb(ctx, e);
}

void lsdb_trim(struct lsdb *db, uint64_t upto)
{
    size_t j = 0;

    for (size_t i = 0; i < db->n_tombs; i++)
        if (db->tombs[i].gen > upto)
            db->tombs[j++] = db->tombs[i];
    db->n_tombs = j;
}

static void put_rec_hdr(uint8_t *buf, uint16_t kind, size_t len, uint64_t gen)
{
    pkt_put_be16(buf, kind);
    pkt_put_be16(buf + 2, LSDB_REC_VERSION);
    pkt_put_be32(buf + 4, (uint32_t)len);
    pkt_put_be32(buf + 8, (uint32_t)(gen >> 32));
    pkt_put_be32(buf + 12, (uint32_t)gen);
}

int lsdb_export_entry(const struct lsdb_entry *e, ospf_time_t now, uint8_t *buf, size_t cap)
{
    size_t len = LSDB_REC_HDR_LEN + 8 + e->lsa.hdr.length;
    ospf_time_t el = now > e->installed ? now - e->installed : 0;

    if (len > cap)
        return -ENOSPC;
    /* more than MaxAge since install is all the same: the age is capped */
    if (el > (ospf_time_t)OSPF_MAX_AGE * 1000 + 1000)
        el = (ospf_time_t)OSPF_MAX_AGE * 1000 + 1000;
    put_rec_hdr(buf, LSDB_REC_ENTRY, len, e->gen);
    pkt_put_be32(buf + 16, e->flags);
    pkt_put_be32(buf + 20, (uint32_t)el);
    memcpy(buf + 24, e->raw, e->lsa.hdr.length);
    return (int)len;
}

int lsdb_export_tomb(const struct lsdb_tomb *t, uint8_t *buf, size_t cap)
{
    size_t len = LSDB_REC_HDR_LEN + 12;

    if (len > cap)
        return -ENOSPC;
    put_rec_hdr(buf, LSDB_REC_REMOVED, len, t->gen);
    memset(buf + 16, 0, 4);
    buf[16] = t->type;
    pkt_put_be32(buf + 20, t->id);
    pkt_put_be32(buf + 24, t->adv_rtr);
    return (int)len;
}

int lsdb_import(struct lsdb *db, const uint8_t *rec, size_t len, ospf_time_t now,
                struct ospf_drop *drop)
{
    uint16_t kind, version;
    uint32_t rlen, flags, el;
    uint64_t gen;
    struct lsdb_entry *e;
    int err;
    uint32_t bad = 0, off = 0;

    if (len < LSDB_REC_HDR_LEN) {
        err = OSPF_ERR_BAD_RECORD;
        bad = (uint32_t)len;
        goto drop;
    }
    kind = pkt_get_be16(rec);
    version = pkt_get_be16(rec + 2);
    rlen = pkt_get_be32(rec + 4);
    gen = (uint64_t)pkt_get_be32(rec + 8) << 32 | pkt_get_be32(rec + 12);
    if (version != LSDB_REC_VERSION) {
        err = OSPF_ERR_BAD_RECORD;
        bad = version;
        off = 2;
        goto drop;
    }
    if (rlen != len) {
        err = OSPF_ERR_BAD_RECORD;
        bad = rlen;
        off = 4;
        goto drop;
    }
    if (kind == LSDB_REC_REMOVED) {
        if (len != LSDB_REC_HDR_LEN + 12) {
            err = OSPF_ERR_BAD_RECORD;
            bad = rlen;
            off = 4;
            goto drop;
        }
        /* absent already is fine: the removal is what the stream wants */
        if (lsdb_remove(db, rec[16], pkt_get_be32(rec + 20), pkt_get_be32(rec + 24)) == -ENOMEM) {
            err = OSPF_ERR_NOMEM;
            goto drop;
        }
        if (gen > db->gen)
            db->gen = gen;
        return 0;
    }
    if (kind != LSDB_REC_ENTRY || len < LSDB_REC_HDR_LEN + 8) {
        err = OSPF_ERR_BAD_RECORD;
        bad = kind;
        goto drop;
    }
    flags = pkt_get_be32(rec + 16);
    el = pkt_get_be32(rec + 20);
    if (len - 24 >= LSA_HDR_LEN && pkt_get_be16(rec + 24 + 18) != len - 24) {
        /* the LSA must fill the record exactly (lsa_parse() checks the rest) */
        err = OSPF_ERR_BAD_RECORD;
        bad = pkt_get_be16(rec + 24 + 18);
        off = 24 + 18;
        goto drop;
    }
    err = lsdb_install(db, rec + 24, len - 24, now - (ospf_time_t)el, &e, drop);
    if (err < 0) {
        if (drop)
            drop->offset += 24;
        return err;
    }
    /* keep the exported generation and the MaxAge state; SELF follows this router's ID */
    due_leave(db, e);
    e->flags = (e->flags & LSDB_F_SELF) | (flags & LSDB_F_MAXAGE) |
               (e->lsa.hdr.age >= OSPF_MAX_AGE ? LSDB_F_MAXAGE : 0);
    due_enter(db, e);
    if (gen > db->gen)
        db->gen = gen;
    e->gen = gen;
    return 0;
drop:
    if (drop) {
        drop->reason = err;
        drop->value = bad;
        drop->offset = off;
    }
    return err;
}
