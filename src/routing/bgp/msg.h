/*
 * msg.h - BGP-4 messages (RFC 4271 4): the header and framing, OPEN with
 * optional parameters and capabilities (RFC 5492; multiprotocol RFC 4760,
 * route refresh RFC 2918, 4-octet AS RFC 6793, graceful restart RFC 4724,
 * extended messages RFC 8654, extended optional parameters RFC 9072),
 * NOTIFICATION, KEEPALIVE, ROUTE-REFRESH, and NLRI prefixes. UPDATEs are in
 * attr.h.
 *
 * Receiving: bgp_msg_frame() finds one whole message at the start of a
 * stream buffer and checks its header (RFC 4271 6.1); the type's parser
 * then checks the body. Parsers check every length before use, never
 * allocate, point into the caller's buffer, and return 0 or -EINVAL with a
 * struct bgp_error (verdict BGP_RESET and the NOTIFICATION to send).
 *
 * Sending: bgp_xxx_build(buf, cap, ...) write a whole message, header
 * included, and return its length, or -ENOSPC if cap is too small.
 */
#ifndef VROOM_ROUTING_BGP_MSG_H
#define VROOM_ROUTING_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/bgp/bgp.h"

#define BGP_OPEN_MIN_LEN    29 /* header + version, AS, hold, ID, opt len */
#define BGP_UPDATE_MIN_LEN  23
#define BGP_NOTIFY_MIN_LEN  21
#define BGP_REFRESH_LEN     23
#define BGP_CAP_UNKNOWN_MAX 512 /* bytes of unknown capabilities kept */

/* Capability codes (IANA). */
enum bgp_cap_code {
    BGP_CAP_MP = 1,            /* RFC 4760 */
    BGP_CAP_ROUTE_REFRESH = 2, /* RFC 2918 */
    BGP_CAP_EXT_MSG = 6,       /* RFC 8654 */
    BGP_CAP_GR = 64,           /* RFC 4724 */
    BGP_CAP_AS4 = 65,          /* RFC 6793 */
    BGP_CAP_RR_OLD = 128,      /* pre-standard route refresh, read as 2 */
};

#define BGP_GR_RESTART 0x8 /* R bit of the restart flags */
#define BGP_GR_NOTIFY  0x4 /* N bit (RFC 8538) */

/* The capabilities of one OPEN. */
struct bgp_caps {
    uint32_t afs;     /* enum bgp_af bits from multiprotocol capabilities */
    bool mp;          /* any multiprotocol capability (none: IPv4 unicast only) */
    bool as4;         /* 4-octet AS capability */
    uint32_t as4_num; /* its AS */
    bool route_refresh;
    bool ext_msg;
    bool gr;              /* graceful restart capability */
    uint8_t gr_flags;     /* BGP_GR_* */
    uint16_t gr_time;     /* restart time, seconds (12 bits) */
    uint32_t gr_afs;      /* families with state preserved */
    uint32_t gr_fwd_afs;  /* ... whose forwarding state was preserved (F bit) */
    uint16_t n_unknown;   /* unknown capabilities, MP ones for other families too (all counted) */
    uint16_t unknown_len; /* bytes kept in unknown[] */
    bool unknown_truncated;
    uint8_t unknown[BGP_CAP_UNKNOWN_MAX]; /* code, length, value: as received */
};

struct bgp_open {
    uint8_t version;
    uint16_t my_as;     /* the 2-octet field (AS_TRANS for a large AS) */
    uint16_t hold_time; /* seconds: 0 or >= 3 */
    uint32_t bgp_id;
    uint32_t peer_as; /* the speaker's AS: as4_num when it sent the AS4 capability */
    struct bgp_caps caps;
};

struct bgp_notification {
    uint8_t code, subcode;
    const uint8_t *data;
    uint16_t data_len;
};

/* An NLRI prefix (RFC 4271 4.3), host bits cleared. */
struct bgp_prefix {
    uint8_t afi;      /* BGP_AFI_IPV4 or BGP_AFI_IPV6 */
    uint8_t len;      /* prefix length */
    uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/*
 * Frame one message at buf[0..len). max is the longest message the session
 * accepts (BGP_MAX_LEN, or BGP_EXT_MAX_LEN once extended messages are
 * negotiated; OPEN and KEEPALIVE stay within 4096 regardless).
 * Returns 1 with *msg_len and *type set when a whole message is there,
 * 0 when more bytes are needed (nothing wrong so far), -EINVAL with e set
 * (Message Header Error: bad marker, length, type; RFC 4271 6.1).
 */
int bgp_msg_frame(const uint8_t *buf, size_t len, size_t max, size_t *msg_len, uint8_t *type,
                  struct bgp_error *e);

/* Write the 19-byte header; returns BGP_HDR_LEN. */
int bgp_hdr_put(uint8_t *buf, uint16_t len, uint8_t type);

/*
 * OPEN (RFC 4271 4.2, 6.2). Checks version 4, AS not 0 (RFC 7607), hold
 * time 0 or >= 3, a non-zero BGP identifier (RFC 6286), the optional
 * parameters (capabilities only; RFC 9072 extended form accepted) and each
 * known capability's length. Peer-specific checks (expected AS, identifier
 * collision) are bgp_open_negotiate()'s (fsm.h).
 */
int bgp_open_parse(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_error *e);
/* An OPEN with o's fields and capabilities (unknown[] appended as is). */
int bgp_open_build(uint8_t *buf, size_t cap, const struct bgp_open *o);

int bgp_keepalive_parse(const uint8_t *msg, size_t len, struct bgp_error *e);
int bgp_keepalive_build(uint8_t *buf, size_t cap);

int bgp_notification_parse(const uint8_t *msg, size_t len, struct bgp_notification *n,
                           struct bgp_error *e);
/* data_len is capped so that the message fits in max bytes. */
int bgp_notification_build(uint8_t *buf, size_t cap, size_t max, uint8_t code, uint8_t subcode,
                           const uint8_t *data, size_t data_len);
/* "UPDATE Message Error / Malformed AS_PATH" style names for logs. */
const char *bgp_err_code_name(uint8_t code);
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode);

/* ROUTE-REFRESH (RFC 2918 3): AFI, reserved (RFC 7313 subtype), SAFI. */
int bgp_refresh_parse(const uint8_t *msg, size_t len, uint16_t *afi, uint8_t *safi,
                      struct bgp_error *e);
int bgp_refresh_build(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi);

/*
 * NLRI: the prefix at *off of p[0..len) for afi, *off moved past it.
 * Returns 1 with out filled, 0 at the end, -EINVAL when the length byte is
 * longer than the family's addresses or the prefix runs past len.
 */
int bgp_nlri_next(const uint8_t *p, size_t len, size_t *off, uint16_t afi, struct bgp_prefix *out);
/* Check a whole NLRI field; returns the prefix count or -EINVAL (*bad_off: where). */
int bgp_nlri_check(const uint8_t *p, size_t len, uint16_t afi, size_t *bad_off);
/* Encode one prefix; returns bytes written or -ENOSPC. */
int bgp_nlri_put(uint8_t *buf, size_t cap, const struct bgp_prefix *pfx);

/* enum bgp_af bit for (afi, safi), 0 if the library does not handle it. */
uint32_t bgp_af_bit(uint16_t afi, uint8_t safi);

#endif
