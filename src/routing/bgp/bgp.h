/*
 * bgp.h - what every part of the BGP-4 library (RFC 4271) shares: message
 * and attribute type codes, NOTIFICATION codes, the RFC 7606 verdict of a
 * parser, time.
 *
 * The library is driven by vroom-routerd; it owns no sockets, reads no
 * clock, arms no timers and has no globals (the interned attribute table is
 * an object the caller owns). Neighbours: msg.h (the message codec: header,
 * OPEN and capabilities, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH, NLRI),
 * attr.h (path attributes, the UPDATE parser with RFC 7606 verdicts, the
 * interned attribute sets), fsm.h (the RFC 4271 state machine, events in,
 * actions out), decide.h (the decision process). docs/bgp.md has the overview.
 *
 * Byte order: IPv4 addresses, router IDs, AS numbers in the API are uint32_t
 * in HOST byte order (10.0.0.1 is 0x0a000001); IPv6 addresses are 16 bytes in
 * network order. Wire buffers are read byte-wise, never through casts.
 *
 * Time: bgp_time_t is milliseconds on the caller's monotonic clock.
 */
#ifndef VROOM_ROUTING_BGP_BGP_H
#define VROOM_ROUTING_BGP_BGP_H

#include <stdint.h>

typedef int64_t bgp_time_t; /* milliseconds, caller's monotonic clock */

#define BGP_VERSION     4
#define BGP_PORT        179
#define BGP_HDR_LEN     19
#define BGP_MARKER_LEN  16
#define BGP_MAX_LEN     4096   /* RFC 4271 4.1 */
#define BGP_EXT_MAX_LEN 65535  /* RFC 8654, when both sides advertised it */
#define BGP_AS_TRANS    23456u /* RFC 6793 9 */

enum bgp_msg_type {
    BGP_MSG_OPEN = 1,
    BGP_MSG_UPDATE = 2,
    BGP_MSG_NOTIFICATION = 3,
    BGP_MSG_KEEPALIVE = 4,
    BGP_MSG_ROUTE_REFRESH = 5, /* RFC 2918 */
};

/* Address families (RFC 4760); the library handles unicast of both. */
#define BGP_AFI_IPV4     1
#define BGP_AFI_IPV6     2
#define BGP_SAFI_UNICAST 1

/* A bit per (AFI, SAFI) the library knows, for negotiated sets. */
enum bgp_af {
    BGP_AF_IPV4 = 1u << 0, /* IPv4 unicast */
    BGP_AF_IPV6 = 1u << 1, /* IPv6 unicast */
};

/* Path attribute type codes. */
enum bgp_attr_type {
    BGP_ATTR_ORIGIN = 1,
    BGP_ATTR_AS_PATH = 2,
    BGP_ATTR_NEXT_HOP = 3,
    BGP_ATTR_MED = 4,
    BGP_ATTR_LOCAL_PREF = 5,
    BGP_ATTR_ATOMIC_AGGREGATE = 6,
    BGP_ATTR_AGGREGATOR = 7,
    BGP_ATTR_COMMUNITIES = 8,    /* RFC 1997 */
    BGP_ATTR_ORIGINATOR_ID = 9,  /* RFC 4456 */
    BGP_ATTR_CLUSTER_LIST = 10,  /* RFC 4456 */
    BGP_ATTR_MP_REACH_NLRI = 14, /* RFC 4760 */
    BGP_ATTR_MP_UNREACH_NLRI = 15,
    BGP_ATTR_EXT_COMMUNITIES = 16, /* RFC 4360 */
    BGP_ATTR_AS4_PATH = 17,        /* RFC 6793 */
    BGP_ATTR_AS4_AGGREGATOR = 18,
    BGP_ATTR_LARGE_COMMUNITIES = 32, /* RFC 8092 */
};

/* Attribute flags (RFC 4271 4.3). */
#define BGP_AF_OPTIONAL   0x80
#define BGP_AF_TRANSITIVE 0x40
#define BGP_AF_PARTIAL    0x20
#define BGP_AF_EXTLEN     0x10

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };

/* AS_PATH segment types (RFC 4271 4.3, RFC 5065 3). */
enum bgp_seg_type {
    BGP_SEG_SET = 1,
    BGP_SEG_SEQUENCE = 2,
    BGP_SEG_CONFED_SEQUENCE = 3,
    BGP_SEG_CONFED_SET = 4,
};

/* NOTIFICATION error codes (RFC 4271 4.5) and the subcodes the library sends. */
enum bgp_err_code {
    BGP_ERR_HEADER = 1,
    BGP_ERR_OPEN = 2,
    BGP_ERR_UPDATE = 3,
    BGP_ERR_HOLD = 4,
    BGP_ERR_FSM = 5,
    BGP_ERR_CEASE = 6,
    BGP_ERR_REFRESH = 7, /* RFC 7313 */
};
/* code 1 */
#define BGP_HDR_NOT_SYNC   1
#define BGP_HDR_BAD_LENGTH 2
#define BGP_HDR_BAD_TYPE   3
/* code 2 */
#define BGP_OPEN_UNSPECIFIC    0
#define BGP_OPEN_BAD_VERSION   1
#define BGP_OPEN_BAD_PEER_AS   2
#define BGP_OPEN_BAD_ID        3
#define BGP_OPEN_BAD_OPT_PARAM 4
#define BGP_OPEN_BAD_HOLD      6
#define BGP_OPEN_UNSUPP_CAP    7 /* RFC 5492 */
/* code 3 */
#define BGP_UPD_MALFORMED_LIST 1
#define BGP_UPD_UNKNOWN_WK     2
#define BGP_UPD_MISSING_WK     3
#define BGP_UPD_FLAGS          4
#define BGP_UPD_LENGTH         5
#define BGP_UPD_ORIGIN         6
#define BGP_UPD_NEXT_HOP       8
#define BGP_UPD_OPTIONAL       9
#define BGP_UPD_NETWORK        10
#define BGP_UPD_AS_PATH        11
/* code 5 (RFC 6608) */
#define BGP_FSM_UNSPECIFIC  0
#define BGP_FSM_OPENSENT    1
#define BGP_FSM_OPENCONFIRM 2
#define BGP_FSM_ESTABLISHED 3
/* code 6 (RFC 4486) */
#define BGP_CEASE_MAX_PREFIX 1
#define BGP_CEASE_SHUTDOWN   2
#define BGP_CEASE_DECONFIG   3
#define BGP_CEASE_RESET      4
#define BGP_CEASE_REJECTED   5
#define BGP_CEASE_CONFIG     6
#define BGP_CEASE_COLLISION  7
#define BGP_CEASE_RESOURCES  8

/*
 * What to do with a received message, in increasing severity (RFC 7606 2).
 * A parser reports the most severe verdict it found, with the first reason
 * at that severity.
 */
enum bgp_verdict {
    BGP_OK = 0,           /* accept as is */
    BGP_ATTR_DISCARD = 1, /* accept without the offending attribute(s) (RFC 7606 2) */
    BGP_WITHDRAW = 2,     /* treat-as-withdraw: every NLRI of the UPDATE is withdrawn */
    BGP_RESET = 3,        /* session reset: send the NOTIFICATION, close */
};

/* The name of a verdict: "ok", "attribute-discard", "treat-as-withdraw", "session-reset". */
const char *bgp_verdict_name(int v);

/*
 * A parser's verdict and why. reason is a static string that names the
 * RFC section ("RFC 7606 7.1: ORIGIN length is not 1"). For BGP_RESET,
 * code/subcode/data are the NOTIFICATION to send; data points into the
 * message that was parsed (or to static bytes) and is valid while it is.
 */
struct bgp_error {
    uint8_t verdict;       /* enum bgp_verdict */
    uint8_t code, subcode; /* NOTIFICATION, for BGP_RESET */
    uint8_t attr;          /* attribute type concerned, 0 if none */
    const char *reason;    /* NULL when verdict is BGP_OK */
    const uint8_t *data;   /* NOTIFICATION data */
    uint16_t data_len;
    uint32_t offset; /* byte offset in the message of what was wrong */
};

#endif
