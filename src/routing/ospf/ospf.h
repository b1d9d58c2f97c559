/*
 * ospf.h - what every part of the OSPFv2 core (RFC 2328) shares: the drop
 * reasons of the parsers, the architectural constants and time.
 *
 * The core is a library the routing daemon drives; it owns no sockets, no
 * timers and no globals. Neighbours: packet.h (OSPF packets and
 * authentication), lsa.h (LSAs, checksums, which instance is newer), lsdb.h
 * (the link-state database, ageing, change tracking, export/import),
 * spf.h (the routing table calculation). docs/ospf.md has the overview.
 *
 * Byte order: every address, router ID, area ID, link state ID, mask and
 * sequence number in the API is a uint32_t in HOST byte order (10.0.0.1 is
 * 0x0a000001). Only the wire buffers are in network order.
 *
 * Time: an ospf_time_t is milliseconds on the caller's monotonic clock. The
 * core never reads a clock: functions that need the time take `now`, and
 * state that expires stores an absolute time (or an install time) in this
 * clock, so a test or a migration can inject any clock it likes.
 */
#ifndef VROOM_ROUTING_OSPF_OSPF_H
#define VROOM_ROUTING_OSPF_OSPF_H

#include <stdint.h>

typedef int64_t ospf_time_t; /* milliseconds, caller's monotonic clock */

/* Architectural constants (RFC 2328 Appendix B), seconds. */
#define OSPF_LS_REFRESH_TIME     1800
#define OSPF_MIN_LS_INTERVAL     5
#define OSPF_MIN_LS_ARRIVAL      1
#define OSPF_MAX_AGE             3600
#define OSPF_CHECK_AGE           300
#define OSPF_MAX_AGE_DIFF        900
#define OSPF_LS_INFINITY         0xffffffu /* 24-bit metric: unreachable */
#define OSPF_INITIAL_SEQ         0x80000001u
#define OSPF_MAX_SEQ             0x7fffffffu
#define OSPF_RESERVED_SEQ        0x80000000u /* never used (RFC 2328 12.1.6) */
#define OSPF_DEFAULT_DESTINATION 0u

/*
 * Why a parser refused its input. Parsers return these negated values
 * (directly comparable: `if (rc == OSPF_ERR_BAD_CHECKSUM)`); each name is
 * stable and doubles as a drop-counter name (ospf_err_name()). Size counter
 * arrays [OSPF_ERR_COUNT] and index them by -rc.
 */
enum ospf_err {
    OSPF_OK = 0,
    OSPF_ERR_TRUNC_HEADER = -1,      /* "trunc_header": shorter than the 24-byte header */
    OSPF_ERR_BAD_VERSION = -2,       /* "bad_version": version is not 2 */
    OSPF_ERR_UNKNOWN_TYPE = -3,      /* "unknown_type": packet type not 1..5 */
    OSPF_ERR_BAD_LENGTH = -4,        /* "bad_length": length below 24 or beyond the buffer */
    OSPF_ERR_BAD_CHECKSUM = -5,      /* "bad_checksum": packet checksum wrong (autype 0, 1) */
    OSPF_ERR_BAD_AUTYPE = -6,        /* "bad_autype": autype unknown or not the configured one */
    OSPF_ERR_BAD_AUTH = -7,          /* "bad_auth": wrong password, key ID or digest */
    OSPF_ERR_TRUNC_AUTH = -8,        /* "trunc_auth": digest missing or its length is not 16 */
    OSPF_ERR_AUTH_SEQ = -9,          /* "auth_seq": crypto sequence number went backwards */
    OSPF_ERR_TRUNC_BODY = -10,       /* "trunc_body": shorter than the type's fixed part */
    OSPF_ERR_BAD_BODY_LENGTH = -11,  /* "bad_body_length": list not a whole number of entries */
    OSPF_ERR_BAD_LSA_COUNT = -12,    /* "bad_lsa_count": LS Update count disagrees with its LSAs */
    OSPF_ERR_TRUNC_LSA = -13,        /* "trunc_lsa": shorter than the 20-byte LSA header */
    OSPF_ERR_BAD_LSA_LENGTH = -14,   /* "bad_lsa_length": LSA length impossible for its contents */
    OSPF_ERR_BAD_LSA_CHECKSUM = -15, /* "bad_lsa_checksum": Fletcher checksum wrong */
    OSPF_ERR_UNKNOWN_LSA_TYPE = -16, /* "unknown_lsa_type": LS type not 1..5 */
    OSPF_ERR_BAD_LSA_AGE = -17,      /* "bad_lsa_age": LS age above MaxAge */
    OSPF_ERR_BAD_LSA_SEQ = -18,      /* "bad_lsa_seq": the reserved sequence number 0x80000000 */
    OSPF_ERR_MAX_SEQ = -19,          /* "max_seq": MaxSequenceNumber without MaxAge (14.1) */
    OSPF_ERR_BAD_LSA_ID = -20,       /* "bad_lsa_id": router-LSA ID is not its advertising router */
    OSPF_ERR_BAD_LINK_TYPE = -21,    /* "bad_link_type": router-LSA link type not 1..4 */
    OSPF_ERR_BAD_MASK = -22,         /* "bad_mask": network mask not contiguous */
    OSPF_ERR_NOMEM = -23,            /* "nomem": out of memory while keeping it */
    OSPF_ERR_BAD_RECORD = -24,       /* "bad_record": exported state record malformed */
};
#define OSPF_ERR_COUNT 25 /* number of reasons + 1 (for "ok") */

/* The stable name of a reason ("ok" for 0, "unknown" for anything else). */
const char *ospf_err_name(int err);

/*
 * Where and why a parser dropped its input, for the one log line the caller
 * writes: reason (enum ospf_err), the offending value (a length, a type, a
 * checksum...) and the byte offset in the buffer it was found at.
 */
struct ospf_drop {
    int reason;
    uint32_t value;
    uint32_t offset;
};

#endif
