/*
 * lsdb.h - the link-state database of one flooding scope (RFC 2328 12.2):
 * one per area for types 1-4, one for the AS (type 5).
 *
 * Entries are keyed by (LS type, link state ID, advertising router) and hold
 * the LSA twice: as received (raw, what is flooded and exported) and parsed
 * (what SPF reads). Nothing here decides whether an LSA is newer: the
 * flooding procedure (13) compares with lsa_newer() and then installs.
 *
 * Time: an entry's age is computed from the age it was installed with and
 * its install time on the caller's clock (ospf.h); nothing ticks. The
 * daemon asks lsdb_next_due() when to come back and runs lsdb_age_run()
 * then: LSAs reaching MaxAge are reported for flooding and removed when the
 * daemon says they may be (14), self-originated ones are reported for
 * refresh at LSRefreshTime (12.4).
 *
 * State that moves: every change bumps the database's generation and
 * stamps the entry (or, for a removal, a tombstone) with it, so
 * lsdb_changes() answers "what changed since generation G" for pre-copy.
 * lsdb_export_*() write typed, versioned records; lsdb_import() installs
 * them into another database with the same ages, generations and flags
 * (install times are re-based on the importer's clock). The hash chains
 * and the iteration cache are the only pointers and are rebuilt locally.
 * The iteration cache is sorted again in full only after a removal; new
 * keys (a flood) are sorted on their own and merged in.
 *
 * Not thread-safe; one owner. Host byte order.
 */
#ifndef VROOM_ROUTING_OSPF_LSDB_H
#define VROOM_ROUTING_OSPF_LSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/lsa.h"
#include "routing/ospf/ospf.h"

#define LSDB_F_SELF   0x01 /* advertised by this router (adv_rtr == router ID) */
#define LSDB_F_MAXAGE 0x02 /* at MaxAge: reported or installed so; waiting for removal */

struct lsdb_entry {
    struct lsa lsa;          /* parsed; lsa.hdr.age is the age at install */
    uint8_t *raw;            /* owned: the wire LSA (lsa.hdr.length bytes), age as at install */
    ospf_time_t installed;   /* when its age was lsa.hdr.age */
    uint64_t gen;            /* database generation of its last change */
    uint32_t flags;          /* LSDB_F_* */
    struct lsdb_entry *next; /* hash chain */
};

/* A removed key, kept for lsdb_changes() until lsdb_trim(). */
struct lsdb_tomb {
    uint64_t gen;
    uint8_t type;
    uint32_t id;
    uint32_t adv_rtr;
};

struct lsdb {
    uint32_t router_id; /* whose LSAs are self-originated */
    uint64_t gen;       /* generation: bumped by every change */
    size_t count;
    size_t n_buckets;
    struct lsdb_entry **buckets;
    struct lsdb_entry **sorted; /* iteration cache: n_sorted entries in key order */
    size_t n_sorted;
    bool sorted_stale;          /* rebuild it in full (an entry went) */
    struct lsdb_entry **added;  /* new keys since, merged in at the next lsdb_at() */
    size_t n_added, cap_added;
    bool due_ok;        /* due_min is the minimum of every entry's due time */
    ospf_time_t due_min; /* lsdb_next_due()'s cache: lowered on install, recomputed
                            when the entry holding it changes or goes */
    struct lsdb_tomb *tombs;
    size_t n_tombs, cap_tombs;
};

void lsdb_init(struct lsdb *db, uint32_t router_id);
/* Free every entry and tombstone. The struct may be lsdb_init()ed again. */
void lsdb_free(struct lsdb *db);

/*
 * Parse and install the LSA buf[0..len) received at `now`, replacing the
 * entry with its key. Returns 1 if it is new or its contents differ (13.2:
 * schedule SPF), 0 if only the instance changed, or a negative enum
 * ospf_err (the database is then untouched). *out (may be NULL) gets the
 * entry, valid until the next change to the database.
 */
int lsdb_install(struct lsdb *db, const uint8_t *buf, size_t len, ospf_time_t now,
                 struct lsdb_entry **out, struct ospf_drop *drop);

/* Build l (lsa_build()) and install it. Same returns, or -EINVAL if l does not build. */
int lsdb_install_lsa(struct lsdb *db, const struct lsa *l, ospf_time_t now,
                     struct lsdb_entry **out);

/*
 * Originate (or refresh) a self-originated LSA: l gives type, ID, options
 * and body; the advertising router, age 0 and the sequence number (the
 * previous instance's + 1, or InitialSequenceNumber) are set here. Returns
 * as lsdb_install(), or -EAGAIN if the previous instance is younger than
 * MinLSInterval (retry at its installed + 5 s), or -EBUSY when the next
 * sequence number would be MaxSequenceNumber: an instance with
 * MaxSequenceNumber and MaxAge (the flush of 14.1) is installed instead
 * (*out), the caller floods it and originates again once it is removed,
 * which then starts over at InitialSequenceNumber. (vroom never sends a
 * MaxSequenceNumber LSA that is not a flush and refuses those it receives:
 * see lsa_parse().)
 */
int lsdb_originate(struct lsdb *db, const struct lsa *l, ospf_time_t now, struct lsdb_entry **out);

/* Premature ageing (14.1): set e to MaxAge now. The caller floods it. */
void lsdb_flush(struct lsdb *db, struct lsdb_entry *e, ospf_time_t now);

struct lsdb_entry *lsdb_find(const struct lsdb *db, uint8_t type, uint32_t id, uint32_t adv_rtr);
/*
 * Entries of this type and ID from any advertising router (network-LSAs are
 * looked up by ID alone in SPF): start with after = NULL.
 */
struct lsdb_entry *lsdb_find_id(const struct lsdb *db, uint8_t type, uint32_t id,
                                const struct lsdb_entry *after);
/* Remove (and free) the entry with this key: 0 or -ENOENT. Leaves a tombstone. */
int lsdb_remove(struct lsdb *db, uint8_t type, uint32_t id, uint32_t adv_rtr);

/* Current age of e (seconds, capped at MaxAge), and its header with that age. */
uint16_t lsdb_age(const struct lsdb_entry *e, ospf_time_t now);
void lsdb_hdr(const struct lsdb_entry *e, ospf_time_t now, struct lsa_hdr *out);

/* Copy e's wire LSA with its current age into buf: its length or -ENOSPC. */
int lsdb_copy_raw(const struct lsdb_entry *e, ospf_time_t now, uint8_t *buf, size_t cap);

/*
 * Stable iteration, sorted by (type, ID, advertising router): entries 0 ..
 * lsdb_count()-1. Any change to the database invalidates the order.
 */
static inline size_t lsdb_count(const struct lsdb *db)
{
    return db->count;
}
struct lsdb_entry *lsdb_at(struct lsdb *db, size_t i);

/* ---- ageing (RFC 2328 14, 12.4) -------------------------------------------- */

enum lsdb_event {
    LSDB_EV_MAXAGE = 1, /* it has just aged to MaxAge: flood it; return true to remove now */
    LSDB_EV_FLUSH,      /* still at MaxAge: return true once it may be removed (acked,
                           no neighbour in Exchange or Loading) */
    LSDB_EV_REFRESH,    /* self-originated, LSRefreshTime old: originate a new instance */
};

/* Return value: remove the entry (MAXAGE and FLUSH only). The callback may change the database. */
typedef bool (*lsdb_age_cb)(void *ctx, struct lsdb *db, struct lsdb_entry *e, enum lsdb_event ev);

/* Report every due event at `now` (see enum lsdb_event). 0 or -ENOMEM. */
int lsdb_age_run(struct lsdb *db, ospf_time_t now, lsdb_age_cb cb, void *ctx);

/*
 * When lsdb_age_run() next has something new to report: the earliest time
 * an entry reaches MaxAge or a self-originated one LSRefreshTime (now if
 * that is past); INT64_MAX if never. Entries already at MaxAge are not
 * timed: run again after acknowledgements to remove them. O(1) while
 * entries are only added (a flood); a scan after the entry due first
 * changed or went.
 */
ospf_time_t lsdb_next_due(struct lsdb *db, ospf_time_t now);

/* ---- change tracking and records for migration --------------------------------- */

/*
 * Call changed() for each entry whose generation is above `since`, and
 * removed() for each tombstone above `since` whose key has not been
 * installed again since; removals first. Either callback may be NULL.
 */
void lsdb_changes(const struct lsdb *db, uint64_t since,
                  void (*changed)(void *ctx, const struct lsdb_entry *e),
                  void (*removed)(void *ctx, const struct lsdb_tomb *t), void *ctx);

/* Forget tombstones up to generation `upto` (once every importer has them). */
void lsdb_trim(struct lsdb *db, uint64_t upto);

/*
 * Records (big-endian):
 *   0  u16 kind (LSDB_REC_ENTRY, LSDB_REC_REMOVED)
 *   2  u16 version (LSDB_REC_VERSION)
 *   4  u32 record length, these 16 bytes included
 *   8  u64 generation
 *   ENTRY:   16 u32 flags, 20 u32 ms since install, 24.. the wire LSA (age as installed)
 *   REMOVED: 16 u8 type, 17..19 zero, 20 u32 link state ID, 24 u32 advertising router
 */
#define LSDB_REC_ENTRY   1
#define LSDB_REC_REMOVED 2
#define LSDB_REC_VERSION 1
#define LSDB_REC_HDR_LEN 16

/* Write the record into buf[0..cap): its length or -ENOSPC. */
int lsdb_export_entry(const struct lsdb_entry *e, ospf_time_t now, uint8_t *buf, size_t cap);
int lsdb_export_tomb(const struct lsdb_tomb *t, uint8_t *buf, size_t cap);

/*
 * Apply one record at `now`: install the entry (its generation kept, the
 * database's generation raised to at least it) or remove the key. Returns
 * 0 or a negative enum ospf_err (bad_record for a short, long, unknown or
 * newer-version record; an LSA reason for a bad LSA); nothing changes then.
 */
int lsdb_import(struct lsdb *db, const uint8_t *rec, size_t len, ospf_time_t now,
                struct ospf_drop *drop);

#endif
