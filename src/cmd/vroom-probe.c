/*
 * vroom-probe.c - main() of vroom-probe, the traffic meter: a paced sender of
 * sequence-numbered, timestamped UDP and a receiver that reports loss,
 * duplicates, reordering, the longest outage and one-way delay.
 * The work is in src/probe/ (probe_pkt, probe_stats, probe_io); this file is
 * the command line and the output. docs/probe.md documents both.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/log.h"
#include "probe/probe_io.h"
#include "probe/probe_pkt.h"
#include "probe/probe_stats.h"

#define EXIT_USAGE     2
#define MAX_RATE       10000000ULL
#define MAX_SECONDS    1e6
#define DEFAULT_IDLE_S 10.0

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vroom-probe recv [--port P] [--bind ADDR] [--json] [--idle-timeout S]\n"
            "                        [--timeout S]\n"
            "       vroom-probe send --to ADDR[:PORT] --rate PPS --duration S [--size BYTES]\n"
            "                        [--json]\n"
            "IPv6 with a port: --to [ADDR]:PORT. Default port %d, default size %d bytes\n"
            "(UDP payload, at least %d), default idle timeout %.0f s (0 = none).\n"
            "See docs/probe.md.\n",
            PROBE_DEFAULT_PORT, PROBE_DEFAULT_SIZE, PROBE_HDR_LEN, DEFAULT_IDLE_S);
}

static void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "vroom-probe: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    usage(stderr);
    exit(EXIT_USAGE);
}

static uint64_t parse_uint(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (*s < '0' || *s > '9')
        usage_error("%s: not a number: '%s'", opt, s);
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        usage_error("%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64, opt, s, min,
                    max);
    return v;
}

static double parse_seconds(const char *opt, const char *s, double min_excl)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= min_excl || v > MAX_SECONDS)
        usage_error("%s: '%s' is not a number of seconds %s 0 up to %.0f", opt, s,
                    min_excl < 0 ? "from" : "above", MAX_SECONDS);
    return v;
}

static void on_signal(int sig)
{
    (void)sig;
    probe_io_stop = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocked recvmmsg or sleep returns so the run can end. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ns as ms rounded to the microsecond, so JSON shows 0.031 rather than 0.0310000001. */
static double ms(uint64_t ns)
{
    return round((double)ns / 1e3) / 1e3;
}

static int print_json(json_t *o)
{
    int ret = json_dumpf(o, stdout, JSON_REAL_PRECISION(12)) == 0 ? 0 : -1;

    json_decref(o);
    putchar('\n');
    fflush(stdout);
    return ret;
}

static json_t *json_u64(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static void print_recv(const struct probe_recv_report *rep, int json)
{
    const struct probe_result *r = &rep->res;
    uint64_t span = r->last_recv_ns - r->first_recv_ns;
    double dur_s = (double)span / 1e9;
    double rate = span > 0 ? (double)(r->received - 1) / dur_s : 0;
    char run[17];

    snprintf(run, sizeof(run), "%016" PRIx64, rep->run_id);
    if (json) {
        json_t *o = json_object();
        json_t *d = json_object();

        json_object_set_new(o, "run_id", rep->run_id ? json_string(run) : json_null());
        json_object_set_new(o, "stopped_by", json_string(probe_stop_name(rep->stop)));
        json_object_set_new(o, "sent", r->sent_known ? json_u64(r->sent) : json_null());
        json_object_set_new(o, "received", json_u64(r->received));
        json_object_set_new(o, "lost", json_u64(r->lost));
        json_object_set_new(o, "duplicated", json_u64(r->duplicated));
        json_object_set_new(o, "reordered", json_u64(r->reordered));
        json_object_set_new(o, "untracked", json_u64(r->untracked));
        json_object_set_new(o, "ignored", json_u64(rep->ignored));
        json_object_set_new(o, "max_outage_ms", json_real(ms(r->max_outage_ns)));
        json_object_set_new(d, "p50", r->have_delay ? json_real(ms(r->delay_p50_ns)) : json_null());
        json_object_set_new(d, "p99", r->have_delay ? json_real(ms(r->delay_p99_ns)) : json_null());
        json_object_set_new(d, "max", r->have_delay ? json_real(ms(r->delay_max_ns)) : json_null());
        json_object_set_new(o, "delay_ms", d);
        json_object_set_new(o, "duration_s", json_real(round(dur_s * 1e6) / 1e6));
        json_object_set_new(o, "rate_pps", json_real(round(rate * 10) / 10));
        print_json(o);
        return;
    }
    printf("run         %s, stopped by %s\n", rep->run_id ? run : "(none)",
           probe_stop_name(rep->stop));
    if (r->sent_known)
        printf("sent        %" PRIu64 "\n", r->sent);
    else
        printf("sent        unknown (no END marker)\n");
    printf("received    %" PRIu64 "\n", r->received);
    printf("lost        %" PRIu64 "%s\n", r->lost, r->sent_known ? "" : " (at least)");
    printf("duplicated  %" PRIu64 "\n", r->duplicated);
    printf("reordered   %" PRIu64 "\n", r->reordered);
    if (r->untracked)
        printf("untracked   %" PRIu64 " (too old to check for duplicates)\n", r->untracked);
    printf("ignored     %" PRIu64 "\n", rep->ignored);
    printf("max outage  %.3f ms\n", ms(r->max_outage_ns));
    if (r->have_delay)
        printf("delay       p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", ms(r->delay_p50_ns),
               ms(r->delay_p99_ns), ms(r->delay_max_ns));
    else
        printf("delay       -\n");
    printf("duration    %.3f s at %.1f pps\n", dur_s, rate);
    fflush(stdout);
}

static int cmd_recv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'j'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct probe_recv_opts o = {.idle_timeout_s = DEFAULT_IDLE_S};
    struct probe_recv_report rep;
    const char *bind_s = "::";
    uint16_t port = PROBE_DEFAULT_PORT;
    int c, json = 0, ret;

    opterr = 0; /* our own messages, which name the program rather than "recv" */
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = (uint16_t)parse_uint("--port", optarg, 0, 65535);
            break;
        case 'b':
            bind_s = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'i':
            o.idle_timeout_s = parse_seconds("--idle-timeout", optarg, -1);
            break;
        case 't':
            o.timeout_s = parse_seconds("--timeout", optarg, -1);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage_error("unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        usage_error("recv: unexpected argument '%s'", argv[optind]);
    ret = probe_addr_parse(bind_s, port, &o.bind);
    if (ret < 0)
        usage_error("--bind: '%s' is not an address%s", bind_s,
                    ret == -ENOENT ? " (does not resolve)" : "");
    catch_signals();
    if (probe_recv_run(&o, &rep) < 0)
        return EXIT_FAILURE;
    print_recv(&rep, json);
    return EXIT_SUCCESS;
}

static int cmd_send(int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, 'T'},
        {"rate", required_argument, NULL, 'r'},
        {"duration", required_argument, NULL, 'd'},
        {"size", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct probe_send_opts o = {.size = PROBE_DEFAULT_SIZE};
    struct probe_send_report rep;
    const char *to = NULL;
    char addr[128], run[17];
    double elapsed, achieved;
    int c, json = 0, ret;

    opterr = 0; /* our own messages, which name the program rather than "recv" */
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'T':
            to = optarg;
            break;
        case 'r':
            o.rate = parse_uint("--rate", optarg, 1, MAX_RATE);
            break;
        case 'd':
            o.duration_s = parse_seconds("--duration", optarg, 0);
            break;
        case 's':
            o.size = parse_uint("--size", optarg, PROBE_HDR_LEN, PROBE_MAX_SIZE);
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage_error("unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        usage_error("send: unexpected argument '%s'", argv[optind]);
    if (to == NULL || o.rate == 0 || o.duration_s == 0)
        usage_error("send needs --to, --rate and --duration");
    ret = probe_addr_parse(to, PROBE_DEFAULT_PORT, &o.to);
    if (ret < 0)
        usage_error("--to: '%s' is not ADDR, ADDR:PORT or [ADDR]:PORT%s", to,
                    ret == -ENOENT ? " (does not resolve)" : "");
    catch_signals();
    if (probe_send_run(&o, &rep) < 0)
        return EXIT_FAILURE;
    if (rep.sent > 0 && rep.send_errors == rep.sent) {
        log_warnx("no packet could be sent to %s", to);
        return EXIT_FAILURE;
    }

    probe_addr_format(&o.to, addr, sizeof(addr));
    snprintf(run, sizeof(run), "%016" PRIx64, rep.run_id);
    elapsed = (double)rep.elapsed_ns / 1e9;
    achieved = elapsed > 0 ? (double)(rep.sent - 1) / elapsed : 0;
    if (json) {
        json_t *j = json_object();

        json_object_set_new(j, "run_id", json_string(run));
        json_object_set_new(j, "to", json_string(addr));
        json_object_set_new(j, "sent", json_u64(rep.sent));
        json_object_set_new(j, "send_errors", json_u64(rep.send_errors));
        json_object_set_new(j, "size", json_u64(o.size));
        json_object_set_new(j, "rate", json_u64(o.rate));
        json_object_set_new(j, "duration_s", json_real(o.duration_s));
        json_object_set_new(j, "elapsed_s", json_real(round(elapsed * 1e6) / 1e6));
        json_object_set_new(j, "achieved_pps", json_real(round(achieved * 10) / 10));
        json_object_set_new(j, "interrupted", json_boolean(rep.interrupted));
        print_json(j);
    } else {
        printf("sent %" PRIu64 " packets of %zu bytes to %s in %.3f s (%.1f pps, asked %" PRIu64
               "), run %s%s\n",
               rep.sent, o.size, addr, elapsed, achieved, o.rate, run,
               rep.interrupted ? ", interrupted" : "");
        if (rep.send_errors)
            printf("send errors %" PRIu64 " (counted as sent)\n", rep.send_errors);
        fflush(stdout);
    }
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    log_init("vroom-probe", LOG_LEVEL_INFO);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "recv") == 0)
        return cmd_recv(argc - 1, argv + 1);
    if (strcmp(argv[1], "send") == 0)
        return cmd_send(argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    usage_error("unknown command '%s' (recv or send)", argv[1]);
}
