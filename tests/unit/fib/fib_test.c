/*
 * fib_test.c: the shared pieces of the FIB unit tests (see fib_test.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "fib_test.h"

uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

u128 rng_key(uint64_t *s)
{
    return (u128)rng_next(s) << 64 | rng_next(s);
}

bool test_quick(void)
{
    const char *q = getenv("VROOM_FIB_QUICK");
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#endif
#endif
    return q && *q && *q != '0';
}

/* ---- naive model ---- */

void model_set(struct model *m, u128 key, unsigned len, uint32_t nh)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->r[i].key == key && m->r[i].len == len) {
            m->r[i].nh = nh;
            return;
        }
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->r = realloc(m->r, m->cap * sizeof(*m->r));
        assert_non_null(m->r);
    }
    m->r[m->n++] = (struct model_route){key, len, nh};
}

bool model_del(struct model *m, u128 key, unsigned len)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->r[i].key == key && m->r[i].len == len) {
            m->r[i] = m->r[--m->n];
            return true;
        }
    }
    return false;
}

uint32_t model_lookup(const struct model *m, u128 key)
{
    int best = -1;
    uint32_t nh = FIB_NH_NONE;

    for (size_t i = 0; i < m->n; i++) {
        const struct model_route *r = &m->r[i];
        if ((int)r->len > best && ((key ^ r->key) & mask128(r->len)) == 0) {
            best = (int)r->len;
            nh = r->nh;
        }
    }
    return nh;
}

void model_free(struct model *m)
{
    free(m->r);
    memset(m, 0, sizeof(*m));
}

/* ---- reference for big tables ---- */

static int cmp_len_key(const void *a, const void *b)
{
    const struct model_route *x = a, *y = b;

    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return 0;
}

void ref_build(struct ref *ref, const struct model_route *r, size_t n)
{
    ref->r = malloc((n ? n : 1) * sizeof(*r));
    assert_non_null(ref->r);
    if (n)
        memcpy(ref->r, r, n * sizeof(*r));
    qsort(ref->r, n, sizeof(*r), cmp_len_key);
    /* Later duplicates win, as in a batch: keep the last of equal keys. */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && ref->r[w - 1].len == ref->r[i].len && ref->r[w - 1].key == ref->r[i].key)
            w--;
        ref->r[w++] = ref->r[i];
    }
    ref->n = w;
    size_t i = 0;
    for (unsigned l = 0; l <= 129; l++) {
        ref->start[l] = i;
        while (i < w && ref->r[i].len == l)
            i++;
    }
}

uint32_t ref_lookup(const struct ref *ref, u128 key)
{
    for (int l = 128; l >= 0; l--) {
        size_t lo = ref->start[l], hi = ref->start[l + 1];
        u128 k = key & mask128((unsigned)l);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ref->r[mid].key < k)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < ref->start[l + 1] && ref->r[lo].key == k)
            return ref->r[lo].nh;
    }
    return FIB_NH_NONE;
}

void ref_free(struct ref *ref)
{
    free(ref->r);
    memset(ref, 0, sizeof(*ref));
}

/* ---- family adapters ---- */

void (*fam_before_call)(void);

static void before(void)
{
    if (fam_before_call)
        fam_before_call();
}

static uint32_t k4(u128 key)
{
    return (uint32_t)(key >> 96);
}

static void k6(u128 key, uint8_t a[16])
{
    for (int i = 15; i >= 0; i--) {
        a[i] = (uint8_t)key;
        key >>= 8;
    }
}

static u128 from6(const uint8_t a[16])
{
    u128 k = 0;
    for (int i = 0; i < 16; i++)
        k = k << 8 | a[i];
    return k;
}

static void *c4(const struct fib_config *cfg)
{
    return fib4_create(cfg);
}
static void f4(void *f)
{
    fib4_free(f);
}
static int a4(void *f, u128 key, unsigned len, uint32_t nh)
{
    before();
    return fib4_route_add(f, k4(key), (uint8_t)len, nh);
}
static int d4(void *f, u128 key, unsigned len)
{
    before();
    return fib4_route_del(f, k4(key), (uint8_t)len);
}
static int g4(void *f, u128 key, unsigned len, uint32_t *nh)
{
    return fib4_route_get(f, k4(key), (uint8_t)len, nh);
}
static struct fib4_route *conv4(const struct model_route *r, size_t n)
{
    struct fib4_route *v = calloc(n ? n : 1, sizeof(*v));
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct fib4_route){k4(r[i].key), (uint8_t)r[i].len, r[i].nh};
    return v;
}
static int ab4(void *f, const struct model_route *r, size_t n)
{
    struct fib4_route *v = conv4(r, n);
    before();
    int ret = fib4_route_add_batch(f, v, n);
    free(v);
    return ret;
}
static int db4(void *f, const struct model_route *r, size_t n)
{
    struct fib4_route *v = conv4(r, n);
    before();
    int ret = fib4_route_del_batch(f, v, n);
    free(v);
    return ret;
}
static uint32_t l4(const void *f, u128 key)
{
    return fib4_lookup(f, k4(key));
}
static void lb4(const void *f, const u128 *keys, uint32_t *nhs, size_t n)
{
    uint32_t *a = malloc((n ? n : 1) * sizeof(*a));
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        a[i] = k4(keys[i]);
    fib4_lookup_bulk(f, a, nhs, n);
    free(a);
}
static size_t n4(const void *f)
{
    return fib4_count(f);
}
static size_t m4(const void *f)
{
    return fib4_memory(f);
}

struct collect {
    struct model_route *out;
    size_t n, max;
};

static int w4cb(uint32_t addr, uint8_t len, uint32_t nh, void *arg)
{
    struct collect *c = arg;
    if (c->n < c->max)
        c->out[c->n] = (struct model_route){(u128)addr << 96, len, nh};
    c->n++;
    return 0;
}
static size_t w4(const void *f, struct model_route *out, size_t max)
{
    struct collect c = {out, 0, max};
    assert_int_equal(fib4_walk(f, w4cb, &c), 0);
    return c.n;
}

static void *c6(const struct fib_config *cfg)
{
    return fib6_create(cfg);
}
static void f6(void *f)
{
    fib6_free(f);
}
static int a6(void *f, u128 key, unsigned len, uint32_t nh)
{
    uint8_t a[16];
    k6(key, a);
    before();
    return fib6_route_add(f, a, (uint8_t)len, nh);
}
static int d6(void *f, u128 key, unsigned len)
{
    uint8_t a[16];
    k6(key, a);
    before();
    return fib6_route_del(f, a, (uint8_t)len);
}
static int g6(void *f, u128 key, unsigned len, uint32_t *nh)
{
    uint8_t a[16];
    k6(key, a);
    return fib6_route_get(f, a, (uint8_t)len, nh);
}
static struct fib6_route *conv6(const struct model_route *r, size_t n)
{
    struct fib6_route *v = calloc(n ? n : 1, sizeof(*v));
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) {
        k6(r[i].key, v[i].addr);
        v[i].len = (uint8_t)r[i].len;
        v[i].nh = r[i].nh;
    }
    return v;
}
static int ab6(void *f, const struct model_route *r, size_t n)
{
    struct fib6_route *v = conv6(r, n);
    before();
    int ret = fib6_route_add_batch(f, v, n);
    free(v);
    return ret;
}
static int db6(void *f, const struct model_route *r, size_t n)
{
    struct fib6_route *v = conv6(r, n);
    before();
    int ret = fib6_route_del_batch(f, v, n);
    free(v);
    return ret;
}
static uint32_t l6(const void *f, u128 key)
{
    uint8_t a[16];
    k6(key, a);
    return fib6_lookup(f, a);
}
static void lb6(const void *f, const u128 *keys, uint32_t *nhs, size_t n)
{
    uint8_t(*a)[16] = malloc((n ? n : 1) * 16);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        k6(keys[i], a[i]);
    fib6_lookup_bulk(f, (const uint8_t(*)[16])a, nhs, n);
    free(a);
}
static size_t n6(const void *f)
{
    return fib6_count(f);
}
static size_t m6(const void *f)
{
    return fib6_memory(f);
}
static int w6cb(const uint8_t addr[16], uint8_t len, uint32_t nh, void *arg)
{
    struct collect *c = arg;
    if (c->n < c->max)
        c->out[c->n] = (struct model_route){from6(addr), len, nh};
    c->n++;
    return 0;
}
static size_t w6(const void *f, struct model_route *out, size_t max)
{
    struct collect c = {out, 0, max};
    assert_int_equal(fib6_walk(f, w6cb, &c), 0);
    return c.n;
}

const struct fam fam4 = {"v4", 32, c4, f4, a4, d4, g4, ab4, db4, l4, lb4, n4, m4, w4};
const struct fam fam6 = {"v6", 128, c6, f6, a6, d6, g6, ab6, db6, l6, lb6, n6, m6, w6};

/* ---- checks ---- */

static void expect_nh(const struct fam *f, void *fib, u128 key, uint32_t want)
{
    uint32_t got = f->lookup(fib, key);
    if (got != want) {
        print_error("%s lookup %016llx%016llx: got %u want %u\n", f->name,
                    (unsigned long long)(key >> 64), (unsigned long long)key, got, want);
        fail();
    }
}

void check_against_model(const struct fam *f, void *fib, const struct model *m, uint64_t *seed,
                         size_t n)
{
    u128 top = mask128(f->max_len);

    assert_int_equal(f->count(fib), m->n);
    for (size_t i = 0; i < m->n; i++) {
        u128 first = m->r[i].key, last = first | (~mask128(m->r[i].len) & top);
        expect_nh(f, fib, first, model_lookup(m, first));
        expect_nh(f, fib, last, model_lookup(m, last));
        if (first)
            expect_nh(f, fib, (first - 1) & top, model_lookup(m, (first - 1) & top));
    }
    u128 keys[64];
    uint32_t nhs[64];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < 64 ? n - done : 64;
        for (size_t i = 0; i < k; i++) {
            u128 key = rng_key(seed) & top;
            /* Mostly near a route, so that the checks land where it matters. */
            if (m->n && rng_next(seed) % 4) {
                const struct model_route *r = &m->r[rng_next(seed) % m->n];
                unsigned keep = r->len > 8 ? r->len - (unsigned)(rng_next(seed) % 8) : r->len;
                key = (r->key & mask128(keep)) | (key & ~mask128(keep));
            }
            keys[i] = key;
        }
        f->lookup_bulk(fib, keys, nhs, k);
        for (size_t i = 0; i < k; i++) {
            uint32_t want = model_lookup(m, keys[i]);
            if (nhs[i] != want) {
                print_error("%s bulk lookup #%zu: got %u want %u\n", f->name, i, nhs[i], want);
                fail();
            }
            expect_nh(f, fib, keys[i], want);
        }
        done += k;
    }
}

static int cmp_key_len(const void *a, const void *b)
{
    const struct model_route *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

void check_walk(const struct fam *f, void *fib, const struct model *m)
{
    size_t n = m->n;
    struct model_route *got = calloc(n + 1, sizeof(*got));
    struct model_route *want = calloc(n + 1, sizeof(*want));

    assert_non_null(got);
    assert_non_null(want);
    if (n)
        memcpy(want, m->r, n * sizeof(*want));
    qsort(want, n, sizeof(*want), cmp_key_len);
    assert_int_equal(f->walk(fib, got, n + 1), n);
    for (size_t i = 0; i < n; i++) {
        assert_true(got[i].key == want[i].key);
        assert_int_equal(got[i].len, want[i].len);
        assert_int_equal(got[i].nh, want[i].nh);
    }
    free(got);
    free(want);
}

/* A prefix that overlaps others: a seed address cut at a random length, or
 * an existing route made longer or shorter. */
static struct model_route random_prefix(const struct fam *f, const struct model *m,
                                        const u128 *seeds, size_t nseeds, uint64_t *s)
{
    unsigned max = f->max_len;
    u128 key = seeds[rng_next(s) % nseeds];
    unsigned len = (unsigned)(rng_next(s) % (max + 1));

    if (m->n && rng_next(s) % 2) {
        const struct model_route *r = &m->r[rng_next(s) % m->n];
        int l = (int)r->len + (int)(rng_next(s) % 13) - 6;
        len = l < 0 ? 0 : l > (int)max ? max : (unsigned)l;
        key = (r->key & mask128(r->len)) | (rng_key(s) & ~mask128(r->len));
    } else if (rng_next(s) % 3 == 0) {
        /* Lengths real tables use most. */
        static const unsigned v4len[] = {8, 16, 20, 22, 23, 24, 24, 24, 32};
        static const unsigned v6len[] = {16, 29, 32, 36, 40, 44, 48, 48, 64, 128};
        len = max == 32 ? v4len[rng_next(s) % 9] : v6len[rng_next(s) % 10];
    }
    key &= mask128(len);
    return (struct model_route){key, len, (uint32_t)(rng_next(s) % 1000000)};
}

void random_ops(const struct fam *f, uint64_t seed, size_t nops, size_t max_routes)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
    struct model m = {0};
    u128 seeds[12];
    void *fib = f->create(NULL);

    assert_non_null(fib);
    for (size_t i = 0; i < 12; i++)
        seeds[i] = rng_key(&s) & mask128(f->max_len);
    for (size_t op = 0; op < nops; op++) {
        unsigned what = (unsigned)(rng_next(&s) % 100);
        struct model_route r = random_prefix(f, &m, seeds, 12, &s);
        if (what < 50 && m.n < max_routes) {
            assert_int_equal(f->add(fib, r.key, r.len, r.nh), 0);
            model_set(&m, r.key, r.len, r.nh);
        } else if (what < 60 && m.n) {
            /* Replace an existing route's next hop. */
            struct model_route *x = &m.r[rng_next(&s) % m.n];
            x->nh ^= 0x5a5a;
            assert_int_equal(f->add(fib, x->key, x->len, x->nh), 0);
        } else if (what < 90 && m.n) {
            struct model_route x = m.r[rng_next(&s) % m.n];
            assert_int_equal(f->del(fib, x.key, x.len), 0);
            model_del(&m, x.key, x.len);
            /* Deleting it again finds nothing. */
            assert_int_equal(f->del(fib, x.key, x.len), -ENOENT);
        } else if (what < 95) {
            /* A small batch of adds, maybe with duplicates. */
            struct model_route b[8];
            size_t n = 1 + rng_next(&s) % 8;
            for (size_t i = 0; i < n; i++)
                b[i] = random_prefix(f, &m, seeds, 12, &s);
            assert_int_equal(f->add_batch(fib, b, n), 0);
            for (size_t i = 0; i < n; i++)
                model_set(&m, b[i].key, b[i].len, b[i].nh);
        } else if (m.n) {
            struct model_route b[4];
            size_t n = 1 + rng_next(&s) % 4, gone = 0;
            for (size_t i = 0; i < n; i++)
                b[i] = m.r[rng_next(&s) % m.n];
            for (size_t i = 0; i < n; i++)
                gone += model_del(&m, b[i].key, b[i].len);
            assert_int_equal(f->del_batch(fib, b, n), (int)gone);
        }
        uint32_t nh;
        if (m.n) {
            const struct model_route *x = &m.r[rng_next(&s) % m.n];
            assert_int_equal(f->get(fib, x->key, x->len, &nh), 0);
            assert_int_equal(nh, x->nh);
        }
        /* Check around the route just touched and a few others. */
        u128 keys[3] = {r.key, r.key | (~mask128(r.len) & mask128(f->max_len)),
                        rng_key(&s) & mask128(f->max_len)};
        for (size_t i = 0; i < 3; i++)
            expect_nh(f, fib, keys[i], model_lookup(&m, keys[i]));
        if (op % 97 == 0) {
            check_against_model(f, fib, &m, &s, 64);
        }
    }
    check_against_model(f, fib, &m, &s, 1000);
    check_walk(f, fib, &m);
    /* Delete everything: back to an empty table. */
    while (m.n) {
        struct model_route x = m.r[rng_next(&s) % m.n];
        assert_int_equal(f->del(fib, x.key, x.len), 0);
        model_del(&m, x.key, x.len);
    }
    assert_int_equal(f->count(fib), 0);
    for (size_t i = 0; i < 100; i++)
        expect_nh(f, fib, rng_key(&s) & mask128(f->max_len), FIB_NH_NONE);
    assert_true(f->memory(fib) <= 16384);
    f->free(fib);
    model_free(&m);
}

/* ---- the real table ---- */

const char *pfx_path(void)
{
    static char buf[4096];
    const char *d = getenv("VROOM_DATA");

    snprintf(buf, sizeof(buf), "%s/full-table-prefixes.txt.gz", d && *d ? d : FIB_DATA_DIR);
    return buf;
}

static void push(struct model_route **v, size_t *n, size_t *cap, struct model_route r)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *v = realloc(*v, *cap * sizeof(**v));
        assert_non_null(*v);
    }
    (*v)[(*n)++] = r;
}

int pfx_load(struct pfx_file *pf)
{
    gzFile gz = gzopen(pfx_path(), "rb");
    char line[256];
    size_t cap4 = 0, cap6 = 0;

    memset(pf, 0, sizeof(*pf));
    if (!gz)
        return -1;
    while (gzgets(gz, line, sizeof(line))) {
        char *slash = strchr(line, '/');
        if (!slash)
            continue;
        *slash = 0;
        unsigned len = (unsigned)atoi(slash + 1);
        uint8_t a[16];
        if (inet_pton(AF_INET, line, a) == 1) {
            u128 k =
                (u128)((uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3])
                << 96;
            push(&pf->v4, &pf->n4, &cap4,
                 (struct model_route){k & mask128(len), len, (uint32_t)pf->n4});
        } else if (inet_pton(AF_INET6, line, a) == 1) {
            push(&pf->v6, &pf->n6, &cap6,
                 (struct model_route){from6(a) & mask128(len), len, (uint32_t)pf->n6});
        }
    }
    gzclose(gz);
    return 0;
}

void pfx_free(struct pfx_file *pf)
{
    free(pf->v4);
    free(pf->v6);
    memset(pf, 0, sizeof(*pf));
}

/* ---- big tables ---- */

static void check_ref(const struct fam *f, void *fib, const struct ref *ref, size_t stride,
                      size_t nrandom, uint64_t *s)
{
    u128 top = mask128(f->max_len);

    for (size_t i = 0; i < ref->n; i += stride) {
        const struct model_route *r = &ref->r[i];
        u128 first = r->key, last = first | (~mask128(r->len) & top);
        u128 mid = first | (rng_key(s) & ~mask128(r->len) & top);
        expect_nh(f, fib, first, ref_lookup(ref, first));
        expect_nh(f, fib, last, ref_lookup(ref, last));
        expect_nh(f, fib, mid, ref_lookup(ref, mid));
    }
    u128 keys[64];
    uint32_t nhs[64];
    for (size_t done = 0; done < nrandom; done += 64) {
        for (size_t i = 0; i < 64; i++) {
            keys[i] = rng_key(s) & top;
            if (ref->n && i % 2) {
                const struct model_route *r = &ref->r[rng_next(s) % ref->n];
                keys[i] = r->key | (keys[i] & ~mask128(r->len));
            }
        }
        f->lookup_bulk(fib, keys, nhs, 64);
        for (size_t i = 0; i < 64; i++)
            if (nhs[i] != ref_lookup(ref, keys[i])) {
                print_error("%s: bulk lookup of %016llx%016llx: got %u want %u\n", f->name,
                            (unsigned long long)(keys[i] >> 64), (unsigned long long)keys[i],
                            nhs[i], ref_lookup(ref, keys[i]));
                fail();
            }
    }
}

static void shuffle(struct model_route *r, size_t n, uint64_t *s)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_next(s) % i;
        struct model_route t = r[i - 1];
        r[i - 1] = r[j];
        r[j] = t;
    }
}

void full_table(const struct fam *f, const struct model_route *r, size_t n)
{
    uint64_t s = 42;
    bool quick = test_quick();
    size_t stride = quick ? 16 : 1, nrandom = quick ? 20000 : 1000000;
    struct ref ref;
    void *fib = f->create(NULL);

    assert_non_null(fib);
    assert_int_equal(f->add_batch(fib, r, n), 0);
    ref_build(&ref, r, n);
    assert_int_equal(f->count(fib), ref.n);
    check_ref(f, fib, &ref, stride, nrandom, &s);
    print_message("# %s: %zu routes, %zu bytes\n", f->name, ref.n, f->memory(fib));

    /* Delete a quarter one by one, then put them back one by one. */
    struct model_route *all = malloc(ref.n * sizeof(*all));
    assert_non_null(all);
    memcpy(all, ref.r, ref.n * sizeof(*all));
    shuffle(all, ref.n, &s);
    size_t ndel = quick ? ref.n / 64 : ref.n / 4;
    for (size_t i = 0; i < ndel; i++)
        assert_int_equal(f->del(fib, all[i].key, all[i].len), 0);
    struct ref part;
    ref_build(&part, all + ndel, ref.n - ndel);
    assert_int_equal(f->count(fib), part.n);
    /* Later stages sample every 4th prefix; the first checked them all. */
    check_ref(f, fib, &part, stride * 4, nrandom / 4, &s);
    ref_free(&part);
    for (size_t i = 0; i < ndel; i++)
        assert_int_equal(f->add(fib, all[i].key, all[i].len, all[i].nh), 0);
    check_ref(f, fib, &ref, stride * 4, nrandom / 4, &s);

    /* New next hops for some, one by one. */
    size_t nrep = ndel < 20000 ? ndel : 20000;
    for (size_t i = 0; i < nrep; i++) {
        all[i].nh += 7;
        assert_int_equal(f->add(fib, all[i].key, all[i].len, all[i].nh), 0);
    }
    size_t total = ref.n;
    ref_free(&ref);
    ref_build(&ref, all, total);
    check_ref(f, fib, &ref, stride * 4, nrandom / 4, &s);

    /* And a full reload over the existing table as one batch. */
    assert_int_equal(f->add_batch(fib, r, n), 0);
    ref_free(&ref);
    ref_build(&ref, r, n);
    check_ref(f, fib, &ref, stride * 4, nrandom / 4, &s);
    ref_free(&ref);
    free(all);
    f->free(fib);
}

void grow_shrink(const struct fam *f, const struct model_route *r, size_t n)
{
    uint64_t s = 7;
    struct ref ref;
    void *fib = f->create(NULL);
    static const size_t marks[] = {100, 300, 600, 9000, 17000, 20000};

    assert_non_null(fib);
    size_t added = 0;
    for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]) && marks[m] <= n; m++) {
        for (; added < marks[m]; added++)
            assert_int_equal(f->add(fib, r[added].key, r[added].len, r[added].nh), 0);
        ref_build(&ref, r, added);
        check_ref(f, fib, &ref, 1, 2000, &s);
        ref_free(&ref);
    }
    for (size_t m = sizeof(marks) / sizeof(marks[0]); m-- > 0;) {
        if (marks[m] > added)
            continue;
        for (; added > marks[m]; added--)
            assert_int_equal(f->del(fib, r[added - 1].key, r[added - 1].len), 0);
        ref_build(&ref, r, added);
        check_ref(f, fib, &ref, 1, 2000, &s);
        ref_free(&ref);
    }
    for (; added > 0; added--)
        assert_int_equal(f->del(fib, r[added - 1].key, r[added - 1].len), 0);
    assert_int_equal(f->count(fib), 0);
    assert_true(f->memory(fib) <= 16384);
    f->free(fib);
}
