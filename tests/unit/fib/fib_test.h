/*
 * fib_test.h: shared by the FIB unit tests: a deliberately naive model (a
 * linear list), a simple reference for big tables (sorted arrays per length),
 * the real table's loader, and adapters that let one randomized driver run
 * against both families through their public APIs.
 */
#ifndef VROOM_FIB_TEST_H
#define VROOM_FIB_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fib/fib4.h"
#include "fib/fib6.h"

typedef unsigned __int128 u128;

static inline u128 mask128(unsigned len)
{
    return len == 0 ? 0 : ~(u128)0 << (128 - len);
}

/* xorshift64*: reproducible per seed. */
uint64_t rng_next(uint64_t *s);
u128 rng_key(uint64_t *s);

struct model_route {
    u128 key; /* left-aligned */
    unsigned len;
    uint32_t nh;
};

/* The naive model: a linear list, longest match by scanning everything. */
struct model {
    struct model_route *r;
    size_t n, cap;
};

void model_set(struct model *m, u128 key, unsigned len, uint32_t nh);
bool model_del(struct model *m, u128 key, unsigned len);
uint32_t model_lookup(const struct model *m, u128 key);
void model_free(struct model *m);

/* Reference for big tables: routes sorted by (len, key), binary search per
 * length from the longest down. */
struct ref {
    struct model_route *r;
    size_t n;
    size_t start[130]; /* routes of length l are r[start[l] .. start[l+1]) */
};

void ref_build(struct ref *ref, const struct model_route *r, size_t n);
uint32_t ref_lookup(const struct ref *ref, u128 key);
void ref_free(struct ref *ref);

/* One family behind a common face, keys left-aligned. */
struct fam {
    const char *name;
    unsigned max_len;
    void *(*create)(const struct fib_config *cfg);
    void (*free)(void *fib);
    int (*add)(void *fib, u128 key, unsigned len, uint32_t nh);
    int (*del)(void *fib, u128 key, unsigned len);
    int (*get)(void *fib, u128 key, unsigned len, uint32_t *nh);
    int (*add_batch)(void *fib, const struct model_route *r, size_t n);
    int (*del_batch)(void *fib, const struct model_route *r, size_t n);
    uint32_t (*lookup)(const void *fib, u128 key);
    void (*lookup_bulk)(const void *fib, const u128 *keys, uint32_t *nhs, size_t n);
    size_t (*count)(const void *fib);
    size_t (*memory)(const void *fib);
    /* Collects the routes in walk order; returns how many (fills at most max). */
    size_t (*walk)(const void *fib, struct model_route *out, size_t max);
};

extern const struct fam fam4, fam6;

/* Called by the adapters just before each call into the FIB that changes
 * it, after their own allocations (test_fib_nomem arms failures there). */
extern void (*fam_before_call)(void);

/* Checks the table against the model on every route's edges and n random
 * addresses; fails the test (cmocka) on the first difference. */
void check_against_model(const struct fam *f, void *fib, const struct model *m, uint64_t *seed,
                         size_t n);
/* Checks walk() returns exactly the model's routes, sorted. */
void check_walk(const struct fam *f, void *fib, const struct model *m);

/* Randomized test: nops random adds, replaces, deletes and batches over
 * overlapping prefixes, each checked against the model. */
void random_ops(const struct fam *f, uint64_t seed, size_t nops, size_t max_routes);

/* The real table: routes of one family with distinct next hops. */
struct pfx_file {
    struct model_route *v4, *v6;
    size_t n4, n6;
};
const char *pfx_path(void); /* VROOM_DATA or the source tree's ../shared/data */
int pfx_load(struct pfx_file *pf);
void pfx_free(struct pfx_file *pf);

/* Loads routes (a batch), checks them against the reference, deletes and
 * re-adds a share one by one, replaces next hops, checking each stage. */
void full_table(const struct fam *f, const struct model_route *r, size_t n);
/* Adds routes one by one up past the top-level size steps and deletes them
 * down again, checking at every step. */
void grow_shrink(const struct fam *f, const struct model_route *r, size_t n);

/* Sanitizer builds and VROOM_FIB_QUICK=1 run smaller versions of the big
 * tests (never skip them). */
bool test_quick(void);

#endif
