/*
 * bench_fib.c: vroom's FIB (src/fib) against DPDK's rte_fib/rte_lpm and
 * rte_fib6/rte_lpm6 on the real Internet table, measured in the same run on
 * the same prefixes, lookup addresses and 4-byte next hops. Prints one BENCH
 * line per figure (ratio = ours / anchor; `better` says which way is good).
 * The table is read in place from $VROOM_DATA (see docs/performance.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>
#include <zlib.h>

#include "fib/fib4.h"
#include "fib/fib6.h"

#define NADDR     (1u << 20)
#define NUPD      20000
#define NCHURN    200000
#define DPDK_MISS 0x7fffffffu /* rte_fib's 4-byte next hops stop at 2^31 - 1 */

struct r4 {
    uint32_t addr;
    uint8_t len;
    uint32_t nh;
};

struct r6 {
    uint8_t addr[16];
    uint8_t len;
    uint32_t nh;
};

static struct r4 *t4;
static struct r6 *t6;
static size_t n4, n6;
static uint64_t rng_state = 0x1234567;
static volatile uint64_t sink;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_fib: %s\n", what);
    exit(1);
}

static void bench(const char *name, double ours, const char *anchor, double theirs,
                  const char *unit, int higher)
{
    printf("BENCH name=%s ours=%.3g anchor=%s:%.3g unit=%s better=%s ratio=%.3g\n", name, ours,
           anchor, theirs, unit, higher ? "higher" : "lower", theirs > 0 ? ours / theirs : 0.0);
    fflush(stdout);
}

static void load_table(void)
{
    char path[4096], line[256];
    const char *dir = getenv("VROOM_DATA");
    size_t cap4 = 1 << 20, cap6 = 1 << 18;

    snprintf(path, sizeof(path), "%s/full-table-prefixes.txt.gz",
             dir && *dir ? dir : "../shared/data");
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        die("cannot open the table (set VROOM_DATA)");
    t4 = malloc(cap4 * sizeof(*t4));
    t6 = malloc(cap6 * sizeof(*t6));
    while (gzgets(gz, line, sizeof(line))) {
        char *slash = strchr(line, '/');
        if (!slash)
            continue;
        *slash = 0;
        int len = atoi(slash + 1);
        uint8_t a[16];
        if (inet_pton(AF_INET, line, a) == 1) {
            if (n4 == cap4)
                t4 = realloc(t4, (cap4 *= 2) * sizeof(*t4));
            t4[n4] = (struct r4){ntohl(*(uint32_t *)a), (uint8_t)len, (uint32_t)n4};
            n4++;
        } else if (inet_pton(AF_INET6, line, a) == 1) {
            if (n6 == cap6)
                t6 = realloc(t6, (cap6 *= 2) * sizeof(*t6));
            memcpy(t6[n6].addr, a, 16);
            t6[n6].len = (uint8_t)len;
            t6[n6].nh = (uint32_t)n6;
            n6++;
        }
    }
    gzclose(gz);
}

static size_t heap_used(void)
{
    struct rte_malloc_socket_stats st;
    rte_malloc_get_socket_stats(rte_socket_id(), &st);
    return st.heap_allocsz_bytes;
}

/* Percentile of n sorted values. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return v[(size_t)(p * (double)(n - 1))];
}

/* ---------------- IPv4 ---------------- */

static struct rte_fib *dpdk_fib4(void)
{
    static int seq;
    char name[32];
    struct rte_fib_conf c = {
        .type = RTE_FIB_DIR24_8,
        .default_nh = DPDK_MISS,
        .max_routes = (int)n4 + 1024,
        .dir24_8 = {.nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = 4096},
    };
    snprintf(name, sizeof(name), "fib4_%d", seq++);
    struct rte_fib *f = rte_fib_create(name, rte_socket_id(), &c);
    if (!f)
        die("rte_fib_create failed");
    return f;
}

static double load_rte_fib4(const struct r4 *r, size_t n, struct rte_fib **out)
{
    double t = now();
    struct rte_fib *f = dpdk_fib4();
    for (size_t i = 0; i < n; i++)
        if (rte_fib_add(f, r[i].addr, r[i].len, r[i].nh))
            die("rte_fib_add failed");
    t = now() - t;
    if (out)
        *out = f;
    else
        rte_fib_free(f);
    return (double)n / t;
}

static double load_ours4(const struct r4 *r, size_t n, int single, struct fib4 **out)
{
    double t = now();
    struct fib4 *f = fib4_create(NULL);
    if (single) {
        for (size_t i = 0; i < n; i++)
            if (fib4_route_add(f, r[i].addr, r[i].len, r[i].nh))
                die("fib4_route_add failed");
    } else if (fib4_route_add_batch(f, (const struct fib4_route *)r, n)) {
        die("fib4_route_add_batch failed");
    }
    t = now() - t;
    if (out)
        *out = f;
    else
        fib4_free(f);
    return (double)n / t;
}

/*
 * Lookup rates. The machine is noisy, so ours and the anchor run in
 * alternation, RUNS times each, and each keeps its best run of SWEEPS sweeps
 * over the addresses: both see the same conditions.
 */
#define RUNS   5
#define SWEEPS 4

enum lk_kind { OURS4, OURS4_BULK, RTE4, LPM4, OURS6, OURS6_BULK, RTE6, LPM6 };

struct lk {
    enum lk_kind kind;
    const void *t;
    const void *a; /* uint32_t[NADDR] or uint8_t[NADDR][16] */
    size_t burst;
};

static double sweep(const struct lk *l)
{
    uint64_t sum = 0, nh64[64];
    uint32_t nh[64];
    const uint32_t *a4 = l->a;
    uint8_t(*a6)[16] = (uint8_t(*)[16])l->a;
    double t = now();

    for (int s = 0; s < SWEEPS; s++) {
        switch (l->kind) {
        case OURS4:
            for (size_t i = 0; i < NADDR; i++)
                sum += fib4_lookup(l->t, a4[i]);
            break;
        case OURS4_BULK:
            for (size_t i = 0; i < NADDR; i += l->burst) {
                fib4_lookup_bulk(l->t, a4 + i, nh, l->burst);
                sum += nh[0] + nh[l->burst - 1];
            }
            break;
        case RTE4:
            for (size_t i = 0; i < NADDR; i += l->burst) {
                rte_fib_lookup_bulk((struct rte_fib *)l->t, (uint32_t *)a4 + i, nh64,
                                    (int)l->burst);
                sum += nh64[0] + nh64[l->burst - 1];
            }
            break;
        case LPM4:
            for (size_t i = 0; i < NADDR; i++) {
                uint32_t x = DPDK_MISS;
                rte_lpm_lookup((struct rte_lpm *)l->t, a4[i], &x);
                sum += x;
            }
            break;
        case OURS6:
            for (size_t i = 0; i < NADDR; i++)
                sum += fib6_lookup(l->t, a6[i]);
            break;
        case OURS6_BULK:
            for (size_t i = 0; i < NADDR; i += l->burst) {
                fib6_lookup_bulk(l->t, (const uint8_t(*)[16])(a6 + i), nh, l->burst);
                sum += nh[0] + nh[l->burst - 1];
            }
            break;
        case RTE6:
            for (size_t i = 0; i < NADDR; i += l->burst) {
                rte_fib6_lookup_bulk((struct rte_fib6 *)l->t, a6 + i, nh64, (int)l->burst);
                sum += nh64[0] + nh64[l->burst - 1];
            }
            break;
        case LPM6:
            for (size_t i = 0; i < NADDR; i++) {
                uint32_t x = DPDK_MISS;
                rte_lpm6_lookup((struct rte_lpm6 *)l->t, a6[i], &x);
                sum += x;
            }
            break;
        }
    }
    t = now() - t;
    sink += sum;
    return (double)NADDR * SWEEPS / t;
}

static void lookup_pair(const char *name, struct lk ours, const char *anchor, struct lk theirs)
{
    double o = 0, d = 0;
    for (int r = 0; r < RUNS; r++) {
        double x = sweep(&ours), y = sweep(&theirs);
        o = x > o ? x : o;
        d = y > d ? y : d;
    }
    bench(name, o, anchor, d, "lookups/s", 1);
}

static void check_same4(const struct fib4 *f, struct rte_fib *d, const uint32_t *a)
{
    for (size_t i = 0; i < NADDR; i += 64) {
        uint64_t nh[64];
        rte_fib_lookup_bulk(d, (uint32_t *)a + i, nh, 64);
        for (size_t j = 0; j < 64; j++) {
            uint32_t o = fib4_lookup(f, a[i + j]);
            if ((o == FIB_NH_NONE ? DPDK_MISS : o) != nh[j])
                die("IPv4 results differ from rte_fib");
        }
    }
}

/* Per-route delete then re-add of the same prefixes on a full table. */
struct upd {
    double add_p50, add_p99, del_p50, del_p99, all_p50, all_p99, rate;
};

static void upd_stats(double *add, double *del, double total, struct upd *u)
{
    double *all = malloc(2 * NUPD * sizeof(*all));
    memcpy(all, add, NUPD * sizeof(*all));
    memcpy(all + NUPD, del, NUPD * sizeof(*all));
    u->all_p50 = pct(all, 2 * NUPD, 0.5);
    u->all_p99 = pct(all, 2 * NUPD, 0.99);
    u->add_p50 = pct(add, NUPD, 0.5);
    u->add_p99 = pct(add, NUPD, 0.99);
    u->del_p50 = pct(del, NUPD, 0.5);
    u->del_p99 = pct(del, NUPD, 0.99);
    u->rate = 2 * NUPD / total;
    free(all);
}

static void updates4(struct fib4 *f, struct rte_fib *d, const size_t *pick, struct upd *ours,
                     struct upd *theirs)
{
    double *add = malloc(NUPD * sizeof(double)), *del = malloc(NUPD * sizeof(double));
    double total = 0;
    for (size_t i = 0; i < NUPD; i++) {
        const struct r4 *r = &t4[pick[i]];
        double t = now();
        if (fib4_route_del(f, r->addr, r->len))
            die("fib4_route_del failed");
        del[i] = (now() - t) * 1e6;
        total += del[i];
    }
    for (size_t i = 0; i < NUPD; i++) {
        const struct r4 *r = &t4[pick[i]];
        double t = now();
        if (fib4_route_add(f, r->addr, r->len, r->nh))
            die("fib4_route_add failed");
        add[i] = (now() - t) * 1e6;
        total += add[i];
    }
    upd_stats(add, del, total * 1e-6, ours);
    total = 0;
    for (size_t i = 0; i < NUPD; i++) {
        const struct r4 *r = &t4[pick[i]];
        double t = now();
        if (rte_fib_delete(d, r->addr, r->len))
            die("rte_fib_delete failed");
        del[i] = (now() - t) * 1e6;
        total += del[i];
    }
    for (size_t i = 0; i < NUPD; i++) {
        const struct r4 *r = &t4[pick[i]];
        double t = now();
        if (rte_fib_add(d, r->addr, r->len, r->nh))
            die("rte_fib_add failed");
        add[i] = (now() - t) * 1e6;
        total += add[i];
    }
    upd_stats(add, del, total * 1e-6, theirs);
    free(add);
    free(del);
}

/* Mixed churn: toggle random prefixes of the picked set. */
static void churn4(struct fib4 *f, struct rte_fib *d, const size_t *pick, double *ours,
                   double *theirs)
{
    char *in = malloc(NUPD);
    uint64_t saved = rng_state;
    memset(in, 1, NUPD);
    double t = now();
    for (size_t i = 0; i < NCHURN; i++) {
        size_t k = rnd() % NUPD;
        const struct r4 *r = &t4[pick[k]];
        if (in[k] ? fib4_route_del(f, r->addr, r->len) : fib4_route_add(f, r->addr, r->len, r->nh))
            die("churn failed");
        in[k] ^= 1;
    }
    *ours = NCHURN / (now() - t);
    for (size_t k = 0; k < NUPD; k++)
        if (!in[k])
            fib4_route_add(f, t4[pick[k]].addr, t4[pick[k]].len, t4[pick[k]].nh);
    rng_state = saved;
    memset(in, 1, NUPD);
    t = now();
    for (size_t i = 0; i < NCHURN; i++) {
        size_t k = rnd() % NUPD;
        const struct r4 *r = &t4[pick[k]];
        if (in[k] ? rte_fib_delete(d, r->addr, r->len) : rte_fib_add(d, r->addr, r->len, r->nh))
            die("rte churn failed");
        in[k] ^= 1;
    }
    *theirs = NCHURN / (now() - t);
    for (size_t k = 0; k < NUPD; k++)
        if (!in[k])
            rte_fib_add(d, t4[pick[k]].addr, t4[pick[k]].len, t4[pick[k]].nh);
    free(in);
}

static void shuffle(void *base, size_t n, size_t size)
{
    char tmp[64], *b = base;
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd() % i;
        memcpy(tmp, b + (i - 1) * size, size);
        memcpy(b + (i - 1) * size, b + j * size, size);
        memcpy(b + j * size, tmp, size);
    }
}

static void run_v4(int with_lpm)
{
    uint32_t *hits = malloc(NADDR * sizeof(*hits)), *rnda = malloc(NADDR * sizeof(*rnda));
    for (size_t i = 0; i < NADDR; i++) {
        const struct r4 *r = &t4[rnd() % n4];
        uint32_t host = r->len == 32 ? 0 : (uint32_t)rnd() & (UINT32_MAX >> r->len);
        hits[i] = r->addr | host;
        rnda[i] = (uint32_t)rnd();
    }

    /* Loads: file order and shuffled. */
    double o_load = load_ours4(t4, n4, 0, NULL), d_load = load_rte_fib4(t4, n4, NULL);
    double o_single = load_ours4(t4, n4, 1, NULL);
    struct r4 *sh = malloc(n4 * sizeof(*sh));
    memcpy(sh, t4, n4 * sizeof(*sh));
    shuffle(sh, n4, sizeof(*sh));
    double o_sload = load_ours4(sh, n4, 0, NULL), d_sload = load_rte_fib4(sh, n4, NULL);
    double o_ssingle = load_ours4(sh, n4, 1, NULL);
    free(sh);

    size_t before = heap_used();
    struct rte_fib *d;
    struct fib4 *f;
    load_rte_fib4(t4, n4, &d);
    size_t d_mem = heap_used() - before;
    load_ours4(t4, n4, 0, &f);
    size_t o_mem = fib4_memory(f);
    check_same4(f, d, hits);
    check_same4(f, d, rnda);

    lookup_pair("fib.v4.lookup.hits", (struct lk){OURS4, f, hits, 1}, "rte_fib",
                (struct lk){RTE4, d, hits, 1});
    lookup_pair("fib.v4.lookup.random", (struct lk){OURS4, f, rnda, 1}, "rte_fib",
                (struct lk){RTE4, d, rnda, 1});
    lookup_pair("fib.v4.lookup.bulk", (struct lk){OURS4_BULK, f, hits, 32}, "rte_fib",
                (struct lk){RTE4, d, hits, 32});
    lookup_pair("fib.v4.lookup.bulk64", (struct lk){OURS4_BULK, f, hits, 64}, "rte_fib",
                (struct lk){RTE4, d, hits, 64});
    lookup_pair("fib.v4.lookup.random.bulk", (struct lk){OURS4_BULK, f, rnda, 32}, "rte_fib",
                (struct lk){RTE4, d, rnda, 32});
    bench("fib.v4.load", o_load, "rte_fib", d_load, "routes/s", 1);
    bench("fib.v4.load.shuffled", o_sload, "rte_fib", d_sload, "routes/s", 1);
    bench("fib.v4.load.single", o_single, "rte_fib", d_load, "routes/s", 1);
    bench("fib.v4.load.single.shuffled", o_ssingle, "rte_fib", d_sload, "routes/s", 1);

    /* Distinct random routes, so every delete finds its route. */
    size_t *pick = malloc(n4 * sizeof(*pick));
    for (size_t i = 0; i < n4; i++)
        pick[i] = i;
    for (size_t i = 0; i < NUPD; i++) {
        size_t j = i + rnd() % (n4 - i), tmp = pick[i];
        pick[i] = pick[j];
        pick[j] = tmp;
    }
    struct upd ou, du;
    updates4(f, d, pick, &ou, &du);
    bench("fib.v4.update.p99", ou.all_p99, "rte_fib", du.all_p99, "us", 0);
    bench("fib.v4.update.median", ou.all_p50, "rte_fib", du.all_p50, "us", 0);
    bench("fib.v4.add.p99", ou.add_p99, "rte_fib", du.add_p99, "us", 0);
    bench("fib.v4.del.p99", ou.del_p99, "rte_fib", du.del_p99, "us", 0);
    bench("fib.v4.update.rate", ou.rate, "rte_fib", du.rate, "routes/s", 1);
    double oc, dc;
    churn4(f, d, pick, &oc, &dc);
    bench("fib.v4.churn", oc, "rte_fib", dc, "updates/s", 1);
    check_same4(f, d, hits);
    bench("fib.v4.memory", (double)o_mem, "rte_fib", (double)d_mem, "bytes", 0);
    free(pick);

    if (with_lpm) {
        struct rte_lpm_config lc = {.max_rules = (uint32_t)n4 + 1024, .number_tbl8s = 4096};
        before = heap_used();
        double t = now();
        struct rte_lpm *l = rte_lpm_create("lpm4", rte_socket_id(), &lc);
        if (!l)
            die("rte_lpm_create failed");
        for (size_t i = 0; i < n4; i++)
            if (rte_lpm_add(l, t4[i].addr, t4[i].len, t4[i].nh))
                die("rte_lpm_add failed");
        t = now() - t;
        size_t l_mem = heap_used() - before;
        lookup_pair("fib.v4.lookup.hits.lpm", (struct lk){OURS4, f, hits, 1}, "rte_lpm",
                    (struct lk){LPM4, l, hits, 1});
        lookup_pair("fib.v4.lookup.random.lpm", (struct lk){OURS4, f, rnda, 1}, "rte_lpm",
                    (struct lk){LPM4, l, rnda, 1});
        bench("fib.v4.load.lpm", o_load, "rte_lpm", (double)n4 / t, "routes/s", 1);
        bench("fib.v4.memory.lpm", (double)o_mem, "rte_lpm", (double)l_mem, "bytes", 0);
        rte_lpm_free(l);
    }
    fib4_free(f);
    rte_fib_free(d);
    free(hits);
    free(rnda);
}

/* ---------------- IPv6 ---------------- */

static struct rte_fib6 *dpdk_fib6(void)
{
    static int seq;
    char name[32];
    struct rte_fib6_conf c = {
        .type = RTE_FIB6_TRIE,
        .default_nh = DPDK_MISS,
        .max_routes = (int)n6 + 1024,
        .trie = {.nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = 1 << 18},
    };
    snprintf(name, sizeof(name), "fib6_%d", seq++);
    struct rte_fib6 *f = rte_fib6_create(name, rte_socket_id(), &c);
    if (!f)
        die("rte_fib6_create failed");
    return f;
}

static double load_rte_fib6(const struct r6 *r, size_t n, struct rte_fib6 **out)
{
    double t = now();
    struct rte_fib6 *f = dpdk_fib6();
    for (size_t i = 0; i < n; i++)
        if (rte_fib6_add(f, r[i].addr, r[i].len, r[i].nh))
            die("rte_fib6_add failed");
    t = now() - t;
    if (out)
        *out = f;
    else
        rte_fib6_free(f);
    return (double)n / t;
}

static double load_ours6(const struct r6 *r, size_t n, int single, struct fib6 **out)
{
    double t = now();
    struct fib6 *f = fib6_create(NULL);
    if (single) {
        for (size_t i = 0; i < n; i++)
            if (fib6_route_add(f, r[i].addr, r[i].len, r[i].nh))
                die("fib6_route_add failed");
    } else if (fib6_route_add_batch(f, (const struct fib6_route *)r, n)) {
        die("fib6_route_add_batch failed");
    }
    t = now() - t;
    if (out)
        *out = f;
    else
        fib6_free(f);
    return (double)n / t;
}

static void check_same6(const struct fib6 *f, struct rte_fib6 *d, uint8_t (*a)[16])
{
    for (size_t i = 0; i < NADDR; i += 64) {
        uint64_t nh[64];
        rte_fib6_lookup_bulk(d, a + i, nh, 64);
        for (size_t j = 0; j < 64; j++) {
            uint32_t o = fib6_lookup(f, a[i + j]);
            if ((o == FIB_NH_NONE ? DPDK_MISS : o) != nh[j])
                die("IPv6 results differ from rte_fib6");
        }
    }
}

static void run_v6(int with_lpm)
{
    uint8_t(*hits)[16] = malloc(NADDR * 16), (*rnda)[16] = malloc(NADDR * 16);
    for (size_t i = 0; i < NADDR; i++) {
        const struct r6 *r = &t6[rnd() % n6];
        for (int b = 0; b < 16; b++) {
            int keep = r->len - b * 8; /* bits of this byte inside the prefix */
            uint8_t m = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
            hits[i][b] = (uint8_t)((r->addr[b] & m) | (rnd() & ~m));
            rnda[i][b] = (uint8_t)rnd();
        }
        /* Random addresses inside 2000::/3, where the table lives. */
        rnda[i][0] = (uint8_t)(0x20 | (rnda[i][0] & 0x1f));
    }
    double o_load = load_ours6(t6, n6, 0, NULL), d_load = load_rte_fib6(t6, n6, NULL);
    double o_single = load_ours6(t6, n6, 1, NULL);
    size_t before = heap_used();
    struct rte_fib6 *d;
    struct fib6 *f;
    load_rte_fib6(t6, n6, &d);
    size_t d_mem = heap_used() - before;
    load_ours6(t6, n6, 0, &f);
    size_t o_mem = fib6_memory(f);
    check_same6(f, d, hits);
    check_same6(f, d, rnda);

    lookup_pair("fib.v6.lookup.hits", (struct lk){OURS6, f, hits, 1}, "rte_fib6",
                (struct lk){RTE6, d, hits, 1});
    lookup_pair("fib.v6.lookup.random", (struct lk){OURS6, f, rnda, 1}, "rte_fib6",
                (struct lk){RTE6, d, rnda, 1});
    lookup_pair("fib.v6.lookup.bulk", (struct lk){OURS6_BULK, f, hits, 32}, "rte_fib6",
                (struct lk){RTE6, d, hits, 32});
    lookup_pair("fib.v6.lookup.bulk64", (struct lk){OURS6_BULK, f, hits, 64}, "rte_fib6",
                (struct lk){RTE6, d, hits, 64});
    bench("fib.v6.load", o_load, "rte_fib6", d_load, "routes/s", 1);
    bench("fib.v6.load.single", o_single, "rte_fib6", d_load, "routes/s", 1);

    /* Per-route delete and re-add. */
    double *lat = malloc(2 * NUPD * sizeof(double)), *dl = malloc(2 * NUPD * sizeof(double));
    size_t nu = NUPD < n6 ? NUPD : n6;
    for (size_t i = 0; i < nu; i++) {
        const struct r6 *r = &t6[(i * 7919) % n6];
        double t = now();
        fib6_route_del(f, r->addr, r->len);
        lat[i] = (now() - t) * 1e6;
        t = now();
        rte_fib6_delete(d, r->addr, r->len);
        dl[i] = (now() - t) * 1e6;
    }
    for (size_t i = 0; i < nu; i++) {
        const struct r6 *r = &t6[(i * 7919) % n6];
        double t = now();
        fib6_route_add(f, r->addr, r->len, r->nh);
        lat[nu + i] = (now() - t) * 1e6;
        t = now();
        rte_fib6_add(d, r->addr, r->len, r->nh);
        dl[nu + i] = (now() - t) * 1e6;
    }
    bench("fib.v6.update.p99", pct(lat, 2 * nu, 0.99), "rte_fib6", pct(dl, 2 * nu, 0.99), "us", 0);
    bench("fib.v6.update.median", pct(lat, 2 * nu, 0.5), "rte_fib6", pct(dl, 2 * nu, 0.5), "us", 0);
    free(lat);
    free(dl);
    check_same6(f, d, hits);
    bench("fib.v6.memory", (double)o_mem, "rte_fib6", (double)d_mem, "bytes", 0);

    if (with_lpm) {
        struct rte_lpm6_config lc = {.max_rules = (uint32_t)n6 + 1024, .number_tbl8s = 1 << 18};
        before = heap_used();
        double t = now();
        struct rte_lpm6 *l = rte_lpm6_create("lpm6", rte_socket_id(), &lc);
        if (!l)
            die("rte_lpm6_create failed");
        for (size_t i = 0; i < n6; i++)
            if (rte_lpm6_add(l, t6[i].addr, t6[i].len, t6[i].nh))
                die("rte_lpm6_add failed");
        t = now() - t;
        size_t l_mem = heap_used() - before;
        lookup_pair("fib.v6.lookup.hits.lpm6", (struct lk){OURS6, f, hits, 1}, "rte_lpm6",
                    (struct lk){LPM6, l, hits, 1});
        bench("fib.v6.load.lpm6", o_load, "rte_lpm6", (double)n6 / t, "routes/s", 1);
        bench("fib.v6.memory.lpm6", (double)o_mem, "rte_lpm6", (double)l_mem, "bytes", 0);
        rte_lpm6_free(l);
    }
    fib6_free(f);
    rte_fib6_free(d);
    free(hits);
    free(rnda);
}

int main(int argc, char **argv)
{
    char *eal[] = {argv[0],       "--no-huge",     "--no-pci",       "-m", "3072",
                   "--no-shconf", "--log-level=3", "--no-telemetry", NULL};
    /* rte_lpm's IPv4 insert scans all rules of the same length, so a full
     * table takes minutes to load: opt in with VROOM_BENCH_LPM=1. rte_lpm6
     * is quick and always runs. */
    const char *lpm = getenv("VROOM_BENCH_LPM");
    int with_lpm4 = lpm && *lpm == '1';
    (void)argc;

    if (rte_eal_init(8, eal) < 0)
        die("rte_eal_init failed");
    load_table();
    fprintf(stderr, "# fib: %zu IPv4 and %zu IPv6 prefixes\n", n4, n6);
    run_v4(with_lpm4);
    run_v6(1);
    rte_eal_cleanup();
    return 0;
}
