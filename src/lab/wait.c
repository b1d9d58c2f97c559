/*
 * wait.c - `vroom-lab wait`: poll conditions on a running lab with a
 * deadline, so that no test or script ever sleeps a fixed time.
 *
 * Conditions (docs/lab.md):
 *   running                  every process the lab started is alive
 *   ospf-full:NODE[:N]       NODE has at least N OSPF neighbours Full (1)
 *   bgp-established:NODE[:N] NODE has at least N BGP sessions Established (1)
 *   route:NODE:PREFIX        NODE's kernel table has a route for exactly PREFIX
 *   ping:NODE:ADDR           one ping from NODE to ADDR is answered
 * What a node counts as Full or Established is asked from its own daemon,
 * through the kind's hooks (kind.h).
 */
#include "lab/kind.h"
#include "lab/lab.h"
#include "lab/proc.h"
#include "lab/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cond_type {
    COND_RUNNING,
    COND_OSPF_FULL,
    COND_BGP_ESTABLISHED,
    COND_ROUTE,
    COND_PING,
};

struct cond {
    enum cond_type type;
    const char *text;
    struct topo_node *node;
    int want;
    const char *arg; /* prefix or address */
    char seen[160];  /* what was observed last, for the timeout message */
};

static int cond_parse(struct lab *lab, const struct topo *t, const char *text, struct cond *c,
                      char *err, size_t errlen)
{
    static const struct {
        const char *name;
        enum cond_type type;
    } names[] = {
        {"ospf-full", COND_OSPF_FULL},
        {"bgp-established", COND_BGP_ESTABLISHED},
        {"route", COND_ROUTE},
        {"ping", COND_PING},
    };
    char node[TOPO_NODE_NAME_MAX + 1];
    const char *colon, *rest;
    size_t nlen;

    (void)lab;
    memset(c, 0, sizeof(*c));
    c->text = text;
    if (strcmp(text, "running") == 0) {
        c->type = COND_RUNNING;
        return 0;
    }
    colon = strchr(text, ':');
    if (colon == NULL)
        goto bad;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == (size_t)(colon - text) &&
            strncmp(text, names[i].name, (size_t)(colon - text)) == 0) {
            c->type = names[i].type;
            goto found;
        }
    goto bad;
found:
    rest = strchr(colon + 1, ':');
    nlen = rest != NULL ? (size_t)(rest - colon - 1) : strlen(colon + 1);
    if (nlen == 0 || nlen > TOPO_NODE_NAME_MAX)
        goto bad;
    memcpy(node, colon + 1, nlen);
    node[nlen] = '\0';
    c->node = topo_node_find(t, node);
    if (c->node == NULL) {
        snprintf(err, errlen, "condition '%s': the lab has no node %s", text, node);
        return -EINVAL;
    }
    switch (c->type) {
    case COND_OSPF_FULL:
    case COND_BGP_ESTABLISHED: {
        char *end;

        c->want = 1;
        if (rest != NULL) {
            long v = strtol(rest + 1, &end, 10);

            if (*end != '\0' || end == rest + 1 || v < 0 || v > 100000)
                goto bad;
            c->want = (int)v;
        }
        if ((c->type == COND_OSPF_FULL ? c->node->kind->ospf_full
                                       : c->node->kind->bgp_established) == NULL) {
            snprintf(err, errlen, "condition '%s': node %s of kind %s runs no such protocol", text,
                     node, c->node->kind->name);
            return -EINVAL;
        }
        return 0;
    }
    case COND_ROUTE:
    case COND_PING:
        if (rest == NULL || rest[1] == '\0')
            goto bad;
        c->arg = rest + 1;
        return 0;
    case COND_RUNNING:
        break;
    }
bad:
    snprintf(err, errlen,
             "condition '%s' is not one of: running, ospf-full:NODE[:N], "
             "bgp-established:NODE[:N], route:NODE:PREFIX, ping:NODE:ADDR",
             text);
    return -EINVAL;
}

static int cond_holds(struct lab *lab, struct cond *c)
{
    char out[4096];
    int count = 0, rc;

    switch (c->type) {
    case COND_RUNNING: {
        FILE *devnull = fopen("/dev/null", "w");

        rc = devnull != NULL ? lab_status(lab, 0, devnull) : -1;
        if (devnull != NULL)
            fclose(devnull);
        snprintf(c->seen, sizeof(c->seen), rc == 0 ? "all running" : "not all running");
        return rc == 0;
    }
    case COND_OSPF_FULL:
    case COND_BGP_ESTABLISHED:
        rc = c->type == COND_OSPF_FULL ? c->node->kind->ospf_full(lab, c->node, &count)
                                       : c->node->kind->bgp_established(lab, c->node, &count);
        if (rc != 0) {
            snprintf(c->seen, sizeof(c->seen), "%s does not answer: %s", c->node->name,
                     strerror(-rc));
            return 0;
        }
        snprintf(c->seen, sizeof(c->seen), "%d of %d", count, c->want);
        return count >= c->want;
    case COND_ROUTE: {
        char *argv[] = {
            "ip", strchr(c->arg, ':') != NULL ? "-6" : "-4", "route", "show", (char *)c->arg, NULL};

        rc = lab_node_run(lab, c->node, argv, out, sizeof(out), 5000);
        snprintf(c->seen, sizeof(c->seen), rc != 0 ? "ip route failed" : "no such route");
        return rc == 0 && out[0] != '\0';
    }
    case COND_PING: {
        char *argv[] = {"ping", "-n", "-q", "-c", "1", "-W", "1", (char *)c->arg, NULL};

        rc = lab_node_run(lab, c->node, argv, out, sizeof(out), 5000);
        snprintf(c->seen, sizeof(c->seen), "no answer");
        return rc == 0;
    }
    }
    return 0;
}

int lab_wait(struct lab *lab, int n, char **conds, double timeout_s, char *err, size_t errlen)
{
    long long deadline = proc_now_ms() + (long long)(timeout_s * 1000);
    struct cond *cs;
    int rc = 0, delay = 20;

    if (n <= 0) {
        snprintf(err, errlen, "wait: no condition given");
        return -EINVAL;
    }
    cs = calloc((size_t)n, sizeof(*cs));
    if (cs == NULL)
        abort();
    for (int i = 0; i < n; i++)
        if ((rc = cond_parse(lab, lab_topo(lab), conds[i], &cs[i], err, errlen)) != 0)
            goto out;
    for (;;) {
        int first_unmet = -1;

        for (int i = 0; i < n && first_unmet < 0; i++)
            if (!cond_holds(lab, &cs[i]))
                first_unmet = i;
        if (first_unmet < 0) {
            rc = 0;
            break;
        }
        if (proc_now_ms() >= deadline) {
            snprintf(err, errlen, "timed out after %.1f s waiting for %s (seen: %s)", timeout_s,
                     cs[first_unmet].text, cs[first_unmet].seen);
            rc = -ETIMEDOUT;
            break;
        }
        proc_sleep_ms(delay);
        if (delay < 250)
            delay *= 2;
    }
out:
    free(cs);
    return rc;
}
