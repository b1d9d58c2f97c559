/*
 * probe_io.h - the sockets of vroom-probe: address parsing, the paced sender
 * and the batching receiver. The figures themselves come from probe_stats.h;
 * the header format from probe_pkt.h; the command line from
 * src/cmd/vroom-probe.c.
 */
#ifndef VROOM_PROBE_IO_H
#define VROOM_PROBE_IO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "probe/probe_stats.h"

#define PROBE_DEFAULT_PORT 7000
#define PROBE_DEFAULT_SIZE 64
#define PROBE_MAX_SIZE     65507 /* largest UDP payload over IPv4 */

struct probe_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/*
 * Parse "ADDR", "ADDR:PORT", "[ADDR]" or "[ADDR]:PORT" (IPv4 or IPv6, an IPv6
 * address may carry %scope; a bare IPv6 address needs brackets to take a
 * port). A missing port is default_port. Names are resolved with
 * getaddrinfo (first result). Returns 0, -EINVAL for a malformed string or
 * port, -ENOENT if the address does not resolve.
 */
int probe_addr_parse(const char *s, uint16_t default_port, struct probe_addr *out);

/* Print a as "ADDR:PORT" or "[ADDR]:PORT" into buf (always terminated). */
void probe_addr_format(const struct probe_addr *a, char *buf, size_t len);

/* Set by a signal handler to stop a run early; the run then reports what it has. */
extern volatile sig_atomic_t probe_io_stop;

struct probe_send_opts {
    struct probe_addr to;
    uint64_t rate;     /* packets per second, > 0 */
    double duration_s; /* > 0 */
    size_t size;       /* UDP payload bytes, PROBE_HDR_LEN..PROBE_MAX_SIZE */
};

struct probe_send_report {
    uint64_t run_id;
    uint64_t sent;        /* data packets, the count END carries */
    uint64_t send_errors; /* packets the kernel refused (e.g. no route): counted as sent */
    uint64_t elapsed_ns;  /* first to last data packet handed to the kernel */
    bool interrupted;
};

/*
 * Send rate * duration_s data packets to opts->to on the schedule
 * start + i / rate, then the END marker several times. Returns 0, or -errno
 * after logging the reason (socket errors).
 */
int probe_send_run(const struct probe_send_opts *opts, struct probe_send_report *out);

struct probe_recv_opts {
    struct probe_addr bind; /* address and port to listen on */
    double idle_timeout_s;  /* stop after this long without a packet; 0 = never */
    double timeout_s;       /* stop after this long in all; 0 = never */
};

enum probe_stop {
    PROBE_STOP_END = 0,     /* the sender's END marker arrived */
    PROBE_STOP_IDLE,        /* idle timeout */
    PROBE_STOP_TIMEOUT,     /* overall timeout */
    PROBE_STOP_INTERRUPTED, /* probe_io_stop was set */
};

struct probe_recv_report {
    struct probe_result res;
    enum probe_stop stop;
    uint64_t run_id;  /* 0 if no packet of any run arrived */
    uint64_t ignored; /* short, bad magic/version/flags, or another run */
};

/*
 * Bind, print "vroom-probe: listening on ADDR:PORT" to stderr, and receive one
 * run: the first valid datagram fixes the run id; datagrams of other runs are
 * ignored. Returns 0 with *out filled, or -errno after logging the reason.
 */
int probe_recv_run(const struct probe_recv_opts *opts, struct probe_recv_report *out);

/* "end", "idle-timeout", "timeout", "interrupted". */
const char *probe_stop_name(enum probe_stop s);

#endif
