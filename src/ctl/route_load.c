/*
 * route_load.c - `vroomctl route load VR FILE|- [--batch N]`: streams a file
 * of routes into route.add calls of N routes each (default 10,000), the way
 * a control plane or a benchmark installs a full table. Lines read
 * `PREFIX [via ADDR] [dev IF] [blackhole|unreachable]`; blank lines and
 * '#' comments are skipped. Every line is checked here first, so a bad one
 * is reported as FILE:LINE before anything of its batch is sent. The JSON
 * text is written directly: building a json_t per route would cost more than
 * the daemon spends installing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ctl/ctl.h"
#include "lib/inet.h"

#define DEFAULT_BATCH 10000

struct text {
    char *data;
    size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
    char *p;
    size_t cap;

    if (t->len + n + 1 > t->cap) {
        cap = t->cap ? t->cap * 2 : 1 << 20;
        while (cap < t->len + n + 1)
            cap *= 2;
        p = realloc(t->data, cap);
        if (p == NULL)
            return -1;
        t->data = p;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
    return 0;
}

static int text_str(struct text *t, const char *s)
{
    return text_add(t, s, strlen(s));
}

/* A JSON string of s (quotes included). */
static int text_json_str(struct text *t, const char *s)
{
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    int rc = d ? text_str(t, d) : -1;

    free(d);
    json_decref(j);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line into one route object appended to t. 0, 1 if blank, -1 with why. */
static int route_line(char *line, struct text *t, bool first, char *why, size_t whylen)
{
    char *tok[8], *save = NULL, *w;
    char pwhy[INET_WHY_LEN];
    struct inet_prefix p;
    struct inet_addr a;
    int n = 0, i;

    if ((w = strchr(line, '#')) != NULL)
        *w = '\0';
    for (w = strtok_r(line, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 8) {
            snprintf(why, whylen, "too many words");
            return -1;
        }
        tok[n++] = w;
    }
    if (n == 0)
        return 1;
    if (inet_prefix_parse(tok[0], AF_UNSPEC, &p, pwhy, sizeof(pwhy)) < 0) {
        snprintf(why, whylen, "%s: %s", tok[0], pwhy);
        return -1;
    }
    if (!first)
        text_str(t, ",");
    text_str(t, "{\"prefix\":\"");
    text_str(t, tok[0]);
    text_str(t, "\"");
    for (i = 1; i < n; i++) {
        if (strcmp(tok[i], "via") == 0 && i + 1 < n) {
            if (inet_addr_parse(tok[++i], p.addr.family, &a, pwhy, sizeof(pwhy)) < 0) {
                snprintf(why, whylen, "via %s: %s", tok[i], pwhy);
                return -1;
            }
            text_str(t, ",\"via\":\"");
            text_str(t, tok[i]);
            text_str(t, "\"");
        } else if (strcmp(tok[i], "dev") == 0 && i + 1 < n) {
            text_str(t, ",\"dev\":");
            text_json_str(t, tok[++i]);
        } else if (strcmp(tok[i], "blackhole") == 0 || strcmp(tok[i], "unreachable") == 0) {
            text_str(t, ",\"type\":\"");
            text_str(t, tok[i]);
            text_str(t, "\"");
        } else {
            snprintf(why, whylen, "unexpected '%s'", tok[i]);
            return -1;
        }
    }
    return text_str(t, "}");
}

static int send_batch(struct ctl_ctx *ctx, struct text *t, size_t head)
{
    struct jsonrpc_error err;
    json_t *result;
    int rc;

    if (text_str(t, "]}") < 0)
        return CTL_EREACH;
    rc = jsonrpc_client_call_text(ctx->client, "route.add", t->data, t->len, &result, &err);
    t->len = head; /* back to {"vr":...,"routes":[ for the next batch */
    if (rc < 0) {
        fprintf(stderr, "vroomctl: route.add: %s\n",
                rc == -ECONNRESET ? "vroomd closed the connection" : strerror(-rc));
        return CTL_EREACH;
    }
    if (rc > 0) {
        fprintf(stderr, "vroomctl: route.add: %s\n", err.message);
        jsonrpc_error_clear(&err);
        return CTL_EAPI;
    }
    json_decref(result);
    return CTL_OK;
}

int ctl_route_load(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
    struct text t = {0};
    char *line = NULL, why[160];
    const char *file;
    size_t cap = 0, head, in_batch = 0, total = 0, batches = 0, lineno = 0;
    long long batch = DEFAULT_BATCH;
    double t0, secs;
    FILE *f;
    int rc = CTL_OK, r;

    if (argc == 4 && strcmp(argv[2], "--batch") == 0) {
        batch = strtoll(argv[3], NULL, 10);
        if (batch < 1 || batch > 10000000)
            return ctl_usage(cmd, "--batch: not a positive number: %s", argv[3]);
    } else if (argc != 2) {
        return ctl_usage(cmd, "VR and FILE are needed");
    }
    file = argv[1];
    f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (f == NULL) {
        fprintf(stderr, "vroomctl: route load: %s: %s\n", file, strerror(errno));
        return CTL_EUSAGE;
    }
    rc = ctl_connect(ctx);
    if (rc != CTL_OK)
        goto out;
    text_str(&t, "{\"vr\":");
    text_json_str(&t, argv[0]);
    text_str(&t, ",\"routes\":[");
    head = t.len;
    t0 = now_s();
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        r = route_line(line, &t, in_batch == 0, why, sizeof(why));
        if (r < 0) {
            fprintf(stderr, "vroomctl: route load: %s:%zu: %s\n", file, lineno, why);
            rc = CTL_EUSAGE;
            goto out;
        }
        if (r > 0)
            continue;
        in_batch++;
        if (in_batch == (size_t)batch) {
            if ((rc = send_batch(ctx, &t, head)) != CTL_OK)
                goto out;
            total += in_batch;
            batches++;
            in_batch = 0;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "vroomctl: route load: %s: %s\n", file, strerror(errno));
        rc = CTL_EUSAGE;
        goto out;
    }
    if (in_batch > 0) {
        if ((rc = send_batch(ctx, &t, head)) != CTL_OK)
            goto out;
        total += in_batch;
        batches++;
    }
    secs = now_s() - t0;
    if (ctx->json)
        printf("{\"routes\": %zu, \"batches\": %zu, \"seconds\": %.6f, \"routes_per_second\": "
               "%.0f}\n",
               total, batches, secs, secs > 0 ? (double)total / secs : 0.0);
    else
        printf("%zu routes in %zu batches, %.3f s (%.0f routes/s)\n", total, batches, secs,
               secs > 0 ? (double)total / secs : 0.0);
out:
    if (rc != CTL_OK && total > 0)
        fprintf(stderr, "vroomctl: route load: %zu routes of earlier batches were added\n", total);
    free(line);
    free(t.data);
    if (f != stdin)
        fclose(f);
    return rc;
}
