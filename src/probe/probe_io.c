/*
 * probe_io.c - the sockets of vroom-probe (see probe_io.h).
 *
 * Sender: packet i is due at start + i / rate. Each turn sends every packet
 * that is due, in sendmmsg batches stamped with the clock just before the
 * call, then sleeps (clock_nanosleep, absolute) until the next one is due.
 * The kernel's timer slack makes that sleep ~50 us, so at high rates a turn
 * sends a handful of packets: few syscalls and no spinning.
 *
 * Receiver: recvmmsg batches with MSG_WAITFORONE (return as soon as one
 * datagram is there, take whatever else is queued), a short SO_RCVTIMEO so
 * the timeouts are checked even when nothing arrives, and a large receive
 * buffer. Arrival times are the kernel's SO_TIMESTAMPNS stamps moved onto
 * CLOCK_MONOTONIC, so the receiver may pause 1 ms between batches while
 * traffic flows: being woken for every datagram would cost the sending side
 * more than the datagram itself, and the pause does not show up as delay.
 */
#include "probe/probe_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "probe/probe_pkt.h"

#define BATCH          64
#define RECV_SLOT      2048 /* only the header matters; longer datagrams are truncated */
#define CTL_SPACE      CMSG_SPACE(sizeof(struct timespec))
#define DRAIN_PAUSE_NS 1000000L
#define RCVBUF_BYTES   (32 << 20)
#define SNDBUF_BYTES   (4 << 20)
#define END_COPIES     5
#define END_SPACING_NS (20 * 1000000L)
#define NS             1000000000ULL

volatile sig_atomic_t probe_io_stop;

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
    struct timespec ts = {.tv_sec = (time_t)(t / NS), .tv_nsec = (long)(t % NS)};

    /* EINTR is fine: the caller re-reads the clock and checks probe_io_stop. */
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static int parse_port(const char *s, uint16_t *port)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

int probe_addr_parse(const char *s, uint16_t default_port, struct probe_addr *out)
{
    char buf[256];
    char *host = buf, *portstr = NULL, *p;
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai = NULL;
    uint16_t port = default_port;
    int ret = -EINVAL;

    if (s == NULL || strlen(s) >= sizeof(buf))
        goto out;
    strcpy(buf, s);
    if (buf[0] == '[') {
        host = buf + 1;
        p = strchr(host, ']');
        if (p == NULL)
            goto out;
        *p++ = '\0';
        if (*p == ':')
            portstr = p + 1;
        else if (*p != '\0')
            goto out;
    } else if ((p = strchr(buf, ':')) != NULL && strchr(p + 1, ':') == NULL) {
        /* Exactly one colon: host:port. Two or more: a bare IPv6 address. */
        *p = '\0';
        portstr = p + 1;
    }
    if (*host == '\0')
        goto out;
    if (portstr != NULL && parse_port(portstr, &port) < 0)
        goto out;
    if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL ||
        ai->ai_addrlen > sizeof(out->ss)) {
        ret = -ENOENT;
        goto out;
    }
    memset(out, 0, sizeof(*out));
    memcpy(&out->ss, ai->ai_addr, ai->ai_addrlen);
    out->len = ai->ai_addrlen;
    if (out->ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&out->ss)->sin_port = htons(port);
    else if (out->ss.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&out->ss)->sin6_port = htons(port);
    else {
        ret = -ENOENT;
        goto out;
    }
    ret = 0;
out:
    if (ai != NULL)
        freeaddrinfo(ai);
    return ret;
}

void probe_addr_format(const struct probe_addr *a, char *buf, size_t len)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getnameinfo((const struct sockaddr *)&a->ss, a->len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, len, "?");
        return;
    }
    if (a->ss.ss_family == AF_INET6)
        snprintf(buf, len, "[%s]:%s", host, serv);
    else
        snprintf(buf, len, "%s:%s", host, serv);
}

const char *probe_stop_name(enum probe_stop s)
{
    switch (s) {
    case PROBE_STOP_END:
        return "end";
    case PROBE_STOP_IDLE:
        return "idle-timeout";
    case PROBE_STOP_TIMEOUT:
        return "timeout";
    case PROBE_STOP_INTERRUPTED:
        return "interrupted";
    }
    return "?";
}

static uint64_t new_run_id(void)
{
    uint64_t id = 0;

    while (id == 0) {
        if (getrandom(&id, sizeof(id), 0) != sizeof(id))
            id = mono_ns() ^ ((uint64_t)getpid() << 32);
    }
    return id;
}

/* Errors that say the socket or our arguments are wrong, not the network. */
static int send_error_is_fatal(int err)
{
    return err == EBADF || err == EFAULT || err == EINVAL || err == ENOTSOCK || err == EMSGSIZE ||
           err == EAFNOSUPPORT || err == EDESTADDRREQ || err == EACCES || err == EPERM;
}

/*
 * sendmmsg msgs[0..n), retrying while the kernel is out of buffers. Returns
 * how many packets were consumed (sent, or refused by the network and counted
 * in *errors), or -errno for a fatal error.
 */
static int send_batch(int fd, struct mmsghdr *msgs, unsigned n, uint64_t *errors)
{
    static bool warned;
    int r;

    for (;;) {
        r = sendmmsg(fd, msgs, n, 0);
        if (r > 0)
            return r;
        if (r == 0 || errno == EINTR)
            continue;
        if (errno == ENOBUFS || errno == EAGAIN || errno == ENOMEM) {
            /* Queues full: wait a little; the packets stay due. */
            struct timespec ts = {0, 50000};
            nanosleep(&ts, NULL);
            if (probe_io_stop)
                return -EINTR;
            continue;
        }
        if (send_error_is_fatal(errno))
            return -errno;
        /* The network refused it (no route, unreachable): count it sent and lost. */
        if (!warned) {
            log_warn("send");
            warned = true;
        }
        (*errors)++;
        return 1;
    }
}

int probe_send_run(const struct probe_send_opts *opts, struct probe_send_report *out)
{
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    uint8_t *bufs = NULL;
    uint64_t total, seq = 0, start, now, due, last = 0;
    struct probe_hdr h = {0};
    int fd = -1, ret, one_buf = SNDBUF_BYTES;
    unsigned i, n;

    memset(out, 0, sizeof(*out));
    total = (uint64_t)((double)opts->rate * opts->duration_s + 0.5);
    if (total == 0)
        total = 1;
    out->run_id = h.run_id = new_run_id();

    fd = socket(opts->to.ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ret = -errno;
        log_warn("socket");
        goto cleanup;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &one_buf, sizeof(one_buf)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &one_buf, sizeof(one_buf));

    bufs = calloc(BATCH, opts->size);
    if (bufs == NULL) {
        ret = -ENOMEM;
        log_warnx("out of memory");
        goto cleanup;
    }
    memset(msgs, 0, sizeof(msgs));
    for (i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs + (size_t)i * opts->size;
        iov[i].iov_len = opts->size;
        msgs[i].msg_hdr.msg_name = (void *)&opts->to.ss;
        msgs[i].msg_hdr.msg_namelen = opts->to.len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    start = mono_ns();
    while (seq < total && !probe_io_stop) {
        now = mono_ns();
        /* Packets 0..due-1 are due by now: i * 1e9 / rate <= elapsed. */
        due = (uint64_t)((unsigned __int128)(now - start) * opts->rate / NS) + 1;
        if (due > total)
            due = total;
        while (seq < due && !probe_io_stop) {
            n = due - seq > BATCH ? BATCH : (unsigned)(due - seq);
            h.flags = 0;
            h.send_ns = mono_ns();
            for (i = 0; i < n; i++) {
                h.seq = seq + i;
                probe_pkt_encode(iov[i].iov_base, opts->size, &h);
            }
            ret = send_batch(fd, msgs, n, &out->send_errors);
            if (ret == -EINTR)
                break;
            if (ret < 0) {
                errno = -ret;
                log_warn("send");
                goto cleanup;
            }
            seq += (unsigned)ret;
            last = mono_ns();
        }
        if (seq >= total)
            break;
        /* Sleep until packet seq is due: ceil(seq * 1e9 / rate). */
        sleep_until(start +
                    (uint64_t)(((unsigned __int128)seq * NS + opts->rate - 1) / opts->rate));
    }
    out->sent = seq;
    out->elapsed_ns = last > start ? last - start : 0;
    out->interrupted = probe_io_stop != 0;

    /* The END marker, a few times apart, since it can be lost like any packet. */
    h.flags = PROBE_FLAG_END;
    h.seq = seq;
    for (i = 0; i < END_COPIES; i++) {
        uint64_t ignore = 0;

        if (i > 0)
            sleep_until(mono_ns() + END_SPACING_NS);
        h.send_ns = mono_ns();
        probe_pkt_encode(iov[0].iov_base, opts->size, &h);
        ret = send_batch(fd, msgs, 1, &ignore);
        if (ret < 0 && ret != -EINTR) {
            errno = -ret;
            log_warn("send END");
            goto cleanup;
        }
    }
    ret = 0;
cleanup:
    free(bufs);
    if (fd >= 0)
        close(fd);
    return ret;
}

struct recv_ctx {
    struct probe_stats *st;
    struct probe_recv_report *out;
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    uint8_t *bufs;                 /* BATCH slots of RECV_SLOT bytes */
    uint8_t ctl[BATCH][CTL_SPACE]; /* SCM_TIMESTAMPNS per datagram */
    uint64_t sent_total;           /* from END, or PROBE_SENT_UNKNOWN */
    bool end_seen;
    bool warned_nomem;
};

/*
 * When the kernel stamped datagram i on arrival (CLOCK_REALTIME), moved onto
 * CLOCK_MONOTONIC with the offset between the two clocks read just now (so
 * slewing of the real-time clock cannot add up). Without a stamp: now.
 */
static uint64_t arrival_ns(const struct msghdr *mh, uint64_t now_mono, int64_t rt_minus_mono)
{
    struct cmsghdr *cm;

    for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS &&
            cm->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            struct timespec ts;
            int64_t rt, t;

            memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
            rt = (int64_t)ts.tv_sec * (int64_t)NS + ts.tv_nsec;
            t = rt - rt_minus_mono;
            /* A stamp from the future means the real-time clock stepped: use now. */
            return t > 0 && (uint64_t)t <= now_mono ? (uint64_t)t : now_mono;
        }
    }
    return now_mono;
}

static int64_t clock_offset(uint64_t *now_mono)
{
    struct timespec rt;
    uint64_t m = mono_ns();

    clock_gettime(CLOCK_REALTIME, &rt);
    *now_mono = m;
    return ((int64_t)rt.tv_sec * (int64_t)NS + rt.tv_nsec) - (int64_t)m;
}

/*
 * Receive one batch and account for it. Returns the number of datagrams (0
 * on timeout or signal) or -errno; *ours says whether any was of the run.
 */
static int recv_batch(struct recv_ctx *c, int fd, int flags, bool *ours)
{
    struct probe_hdr h;
    uint64_t now;
    int64_t off;
    int r, i;

    *ours = false;
    for (i = 0; i < BATCH; i++) {
        c->msgs[i].msg_hdr.msg_control = c->ctl[i];
        c->msgs[i].msg_hdr.msg_controllen = CTL_SPACE;
    }
    r = recvmmsg(fd, c->msgs, BATCH, flags, NULL);
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    off = clock_offset(&now);
    for (i = 0; i < r; i++) {
        size_t len = c->msgs[i].msg_len < RECV_SLOT ? c->msgs[i].msg_len : RECV_SLOT;

        if (probe_pkt_parse(c->bufs + (size_t)i * RECV_SLOT, len, c->out->run_id, &h) !=
            PROBE_PKT_OK) {
            c->out->ignored++;
            continue;
        }
        /* The first valid datagram picks the run; it need not be seq 0. */
        c->out->run_id = h.run_id;
        *ours = true;
        if (h.flags & PROBE_FLAG_END) {
            if (!c->end_seen)
                c->sent_total = h.seq;
            c->end_seen = true;
            continue;
        }
        if (probe_stats_record(c->st, h.seq, h.send_ns,
                               arrival_ns(&c->msgs[i].msg_hdr, now, off)) == -ENOMEM &&
            !c->warned_nomem) {
            log_warnx("out of memory for the duplicate bitmap; duplicates may be missed");
            c->warned_nomem = true;
        }
    }
    return r;
}

static int open_listener(const struct probe_addr *bind_to, struct probe_addr *bound)
{
    int fd, val, ret;
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    struct probe_addr v4any = {0};

    fd = socket(bind_to->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 && errno == EAFNOSUPPORT && bind_to->ss.ss_family == AF_INET6 &&
        IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)&bind_to->ss)->sin6_addr)) {
        /* No IPv6 here: the default [::] becomes 0.0.0.0, same port. */
        struct sockaddr_in *sin = (struct sockaddr_in *)&v4any.ss;

        sin->sin_family = AF_INET;
        sin->sin_port = ((const struct sockaddr_in6 *)&bind_to->ss)->sin6_port;
        v4any.len = sizeof(*sin);
        bind_to = &v4any;
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) {
        ret = -errno;
        log_warn("socket");
        return ret;
    }
    if (bind_to->ss.ss_family == AF_INET6) {
        /* Also take IPv4 on a [::] socket, so one default serves both. */
        val = 0;
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &val, sizeof(val));
    }
    val = RCVBUF_BYTES;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
    /* Arrival stamps from the kernel; without them we fall back to our own clock. */
    val = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &val, sizeof(val));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
        bind(fd, (const struct sockaddr *)&bind_to->ss, bind_to->len) < 0) {
        char a[128];

        ret = -errno;
        probe_addr_format(bind_to, a, sizeof(a));
        log_warn("bind %s", a);
        close(fd);
        return ret;
    }
    bound->len = sizeof(bound->ss);
    if (getsockname(fd, (struct sockaddr *)&bound->ss, &bound->len) < 0)
        *bound = *bind_to;
    return fd;
}

int probe_recv_run(const struct probe_recv_opts *opts, struct probe_recv_report *out)
{
    struct recv_ctx *c;
    struct probe_addr bound;
    uint64_t start, now, last;
    uint64_t idle_ns = (uint64_t)(opts->idle_timeout_s * 1e9);
    uint64_t total_ns = (uint64_t)(opts->timeout_s * 1e9);
    char a[128];
    int fd, r, ret;
    bool ours;
    unsigned i;

    memset(out, 0, sizeof(*out));
    fd = open_listener(&opts->bind, &bound);
    if (fd < 0)
        return fd;
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        close(fd);
        log_warnx("out of memory");
        return -ENOMEM;
    }
    c->out = out;
    c->sent_total = PROBE_SENT_UNKNOWN;
    c->st = probe_stats_new();
    c->bufs = malloc((size_t)BATCH * RECV_SLOT);
    if (c->st == NULL || c->bufs == NULL) {
        ret = -ENOMEM;
        log_warnx("out of memory");
        goto cleanup;
    }
    for (i = 0; i < BATCH; i++) {
        c->iov[i].iov_base = c->bufs + (size_t)i * RECV_SLOT;
        c->iov[i].iov_len = RECV_SLOT;
        c->msgs[i].msg_hdr.msg_iov = &c->iov[i];
        c->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    probe_addr_format(&bound, a, sizeof(a));
    fprintf(stderr, "vroom-probe: listening on %s\n", a);
    fflush(stderr);

    start = last = mono_ns();
    for (;;) {
        if (probe_io_stop) {
            out->stop = PROBE_STOP_INTERRUPTED;
            break;
        }
        r = recv_batch(c, fd, MSG_WAITFORONE, &ours);
        if (r < 0) {
            errno = -r;
            ret = r;
            log_warn("recvmmsg");
            goto cleanup;
        }
        now = mono_ns();
        if (ours)
            last = now;
        if (c->end_seen) {
            /* Take what is already queued (late or reordered packets), then stop. */
            while (recv_batch(c, fd, MSG_DONTWAIT, &ours) > 0)
                ;
            out->stop = PROBE_STOP_END;
            break;
        }
        if (total_ns != 0 && now - start >= total_ns) {
            out->stop = PROBE_STOP_TIMEOUT;
            break;
        }
        if (idle_ns != 0 && now - last >= idle_ns) {
            out->stop = PROBE_STOP_IDLE;
            break;
        }
        if (r > 0 && r < BATCH) {
            /*
             * Traffic is flowing but we have caught up: let a batch build up
             * rather than be woken for every datagram, which costs the
             * sending side more than the datagram itself. Arrival times come
             * from the kernel's stamps, so this wait does not show as delay.
             */
            struct timespec ts = {0, DRAIN_PAUSE_NS};
            nanosleep(&ts, NULL);
        }
    }
    probe_stats_finish(c->st, c->sent_total, &out->res);
    ret = 0;
cleanup:
    probe_stats_free(c->st);
    free(c->bufs);
    free(c);
    close(fd);
    return ret;
}
