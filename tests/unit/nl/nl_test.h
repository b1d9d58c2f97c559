/*
 * nl_test.h - helpers shared by the src/nl tests: namespaces named
 * vroomtest-nl-<pid>-TAG that are removed at teardown and at exit even when
 * a test fails, shell commands inside them, waiting with a deadline, and a
 * recorder that applies route events to a naive model of the table.
 */
#ifndef VROOM_TESTS_NL_TEST_H
#define VROOM_TESTS_NL_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "nl/nl.h"

#define NLT_NS_MAX 8

/* Create vroomtest-nl-<pid>-TAG, write its name to name[64]; 0 or -errno. */
int nlt_ns_make(const char *tag, char name[64]);
/* Delete it (ok if absent) and forget it. */
void nlt_ns_remove(const char *name);
/* Delete every namespace made by this process (also registered with atexit). */
void nlt_ns_remove_all(void);

/* Run a shell command (printf-style); its exit status, -1 if it did not run. */
int nlt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a shell command and return its stdout (malloc'd, NUL-terminated; NULL on failure). */
char *nlt_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define NLT_MODEL_MAX 8192

/* Events seen and the table they describe. */
struct nlt_rec {
    unsigned n_add, n_del, n_begin, n_end;
    bool in_sync; /* between SYNC_BEGIN and SYNC_END */
    unsigned n;   /* routes in the model */
    struct nl_route rt[NLT_MODEL_MAX];
    bool stale[NLT_MODEL_MAX];
    struct nl_route last; /* last route added or deleted */
    int last_ev;
};

void nlt_rec_cb(enum nl_route_event ev, const struct nl_route *rt, void *arg);
/* The model's route for family/prefix (text, e.g. "10.1.0.0"), or NULL. */
const struct nl_route *nlt_rec_find(const struct nlt_rec *r, int family, const char *dst,
                                    unsigned dst_len);

/* nl_sock_process(s) until pred(arg) holds or timeout_ms passes; pred's last value. */
bool nlt_wait(struct nl_sock *s, bool (*pred)(void *arg), void *arg, int timeout_ms);

/* Text of a nexthop's gateway ("" if none), into buf[64]. */
const char *nlt_gw(const struct nl_route *rt, unsigned i, char buf[64]);

#endif
