/*
 * probe_pkt.h - the vroom-probe datagram header: encode and parse.
 *
 * Every vroom-probe datagram starts with this 32-byte header, all fields
 * big-endian (docs/probe.md has the picture):
 *
 *   0  magic    u32  0x56524f50 ("VROP")
 *   4  version  u8   1
 *   5  flags    u8   bit 0 = END; other bits must be zero in version 1
 *   6  reserved u16  sent as zero, ignored on receipt
 *   8  run_id   u64  random per sender run, never zero
 *  16  seq      u64  data: 0, 1, 2, ...; END: number of data packets sent
 *  24  send_ns  u64  CLOCK_MONOTONIC at send time, in ns
 *
 * The rest of the UDP payload (up to --size bytes) is zero padding.
 * Neighbours: probe_stats.[ch] (the figures), probe_io.[ch] (the sockets).
 */
#ifndef VROOM_PROBE_PKT_H
#define VROOM_PROBE_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_MAGIC    0x56524f50u
#define PROBE_VERSION  1
#define PROBE_HDR_LEN  32
#define PROBE_FLAG_END 0x01u

struct probe_hdr {
    uint8_t flags;    /* PROBE_FLAG_* */
    uint64_t run_id;  /* never 0 on the wire */
    uint64_t seq;     /* data sequence number, or the sent count in an END packet */
    uint64_t send_ns; /* sender's CLOCK_MONOTONIC */
};

/* Results of probe_pkt_parse(); 0 is success, every other value a reason to drop. */
enum probe_pkt_status {
    PROBE_PKT_OK = 0,
    PROBE_PKT_SHORT,       /* fewer than PROBE_HDR_LEN bytes */
    PROBE_PKT_BAD_MAGIC,   /* not a vroom-probe datagram */
    PROBE_PKT_BAD_VERSION, /* a version this build does not speak */
    PROBE_PKT_BAD_FLAGS,   /* flag bits not defined in version 1 */
    PROBE_PKT_OTHER_RUN,   /* run id 0, or not the run id asked for */
};

/*
 * Write the header for h into buf (PROBE_VERSION, reserved zero). Returns 0,
 * or -EINVAL if len < PROBE_HDR_LEN or h->run_id is 0. Bytes past the header
 * are not touched.
 */
int probe_pkt_encode(void *buf, size_t len, const struct probe_hdr *h);

/*
 * Parse the header at the start of buf (len bytes; more than PROBE_HDR_LEN is
 * fine: padding). want_run 0 accepts any run id; otherwise a datagram of
 * another run is refused with PROBE_PKT_OTHER_RUN. On PROBE_PKT_OK *out is
 * filled; on any other result *out is left untouched. Never reads past len.
 */
enum probe_pkt_status probe_pkt_parse(const void *buf, size_t len, uint64_t want_run,
                                      struct probe_hdr *out);

/* A short English reason for a status, for logs. Never NULL. */
const char *probe_pkt_strerror(enum probe_pkt_status st);

#endif
