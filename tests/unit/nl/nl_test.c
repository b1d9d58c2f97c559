/*
 * nl_test.c - helpers for the src/nl tests (see nl_test.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nl_test.h"

static char made[NLT_NS_MAX][64];
static bool atexit_done;

int nlt_ns_make(const char *tag, char name[64])
{
    int err;

    if (!atexit_done) {
        atexit(nlt_ns_remove_all);
        atexit_done = true;
    }
    snprintf(name, 64, "vroomtest-nl-%d-%s", (int)getpid(), tag);
    nl_netns_delete(name); /* left over from a crashed run of this pid */
    for (int i = 0; i < NLT_NS_MAX; i++) {
        if (made[i][0] == '\0') {
            snprintf(made[i], sizeof(made[i]), "%s", name);
            err = nl_netns_create(name);
            if (err < 0)
                made[i][0] = '\0';
            return err;
        }
    }
    return -ENOSPC;
}

void nlt_ns_remove(const char *name)
{
    char copy[64];

    snprintf(copy, sizeof(copy), "%s", name);
    for (int i = 0; i < NLT_NS_MAX; i++)
        if (strcmp(made[i], copy) == 0)
            made[i][0] = '\0';
    nl_netns_delete(copy);
}

void nlt_ns_remove_all(void)
{
    for (int i = 0; i < NLT_NS_MAX; i++)
        if (made[i][0])
            nlt_ns_remove(made[i]);
}

int nlt_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

char *nlt_out(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    FILE *p;
    char *buf;
    size_t n = 0, cap = 65536;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    buf = malloc(cap);
    if (buf) {
        n = fread(buf, 1, cap - 1, p);
        buf[n] = '\0';
    }
    pclose(p);
    return buf;
}

static bool same_key(const struct nl_route *a, const struct nl_route *b)
{
    return a->family == b->family && a->dst_len == b->dst_len && a->table == b->table &&
           a->priority == b->priority && memcmp(a->dst, b->dst, 16) == 0;
}

void nlt_rec_cb(enum nl_route_event ev, const struct nl_route *rt, void *arg)
{
    struct nlt_rec *r = arg;
    unsigned i;

    switch (ev) {
    case NL_ROUTE_SYNC_BEGIN:
        r->n_begin++;
        r->in_sync = true;
        for (i = 0; i < r->n; i++)
            r->stale[i] = true;
        return;
    case NL_ROUTE_SYNC_END:
        r->n_end++;
        r->in_sync = false;
        for (i = 0; i < r->n;) {
            if (r->stale[i]) {
                r->rt[i] = r->rt[r->n - 1];
                r->stale[i] = r->stale[r->n - 1];
                r->n--;
            } else {
                i++;
            }
        }
        return;
    case NL_ROUTE_ADD:
    case NL_ROUTE_DEL:
        break;
    }
    r->last = *rt;
    r->last_ev = (int)ev;
    for (i = 0; i < r->n && !same_key(&r->rt[i], rt); i++)
        ;
    if (ev == NL_ROUTE_ADD) {
        r->n_add++;
        if (i == r->n) {
            if (r->n == NLT_MODEL_MAX)
                return;
            r->n++;
        }
        r->rt[i] = *rt;
        r->stale[i] = false;
    } else {
        r->n_del++;
        if (i < r->n) {
            r->rt[i] = r->rt[r->n - 1];
            r->stale[i] = r->stale[r->n - 1];
            r->n--;
        }
    }
}

const struct nl_route *nlt_rec_find(const struct nlt_rec *r, int family, const char *dst,
                                    unsigned dst_len)
{
    uint8_t a[16] = {0};

    if (inet_pton(family, dst, a) != 1)
        return NULL;
    for (unsigned i = 0; i < r->n; i++)
        if (r->rt[i].family == family && r->rt[i].dst_len == dst_len &&
            memcmp(r->rt[i].dst, a, 16) == 0)
            return &r->rt[i];
    return NULL;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

bool nlt_wait(struct nl_sock *s, bool (*pred)(void *arg), void *arg, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;

    for (;;) {
        nl_sock_process(s);
        if (pred(arg))
            return true;
        long left = deadline - now_ms();
        if (left <= 0)
            return pred(arg);
        struct pollfd p = {.fd = nl_sock_fd(s), .events = POLLIN};
        poll(&p, 1, left > 100 ? 100 : (int)left);
    }
}

const char *nlt_gw(const struct nl_route *rt, unsigned i, char buf[64])
{
    buf[0] = '\0';
    if (i < rt->n_nexthops && rt->nh[i].gw_family)
        inet_ntop(rt->nh[i].gw_family, rt->nh[i].gw, buf, 64);
    return buf;
}
