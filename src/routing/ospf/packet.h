/*
 * packet.h - OSPFv2 packets (RFC 2328 A.3): the common header, Hello,
 * Database Description, LS Request, LS Update and LS Acknowledgment, and
 * authentication (Appendix D: none, simple password, keyed MD5).
 *
 * Receiving: ospf_pkt_parse() checks the header and the framing of the body
 * (every length before use), then ospf_pkt_auth_check() checks the
 * authentication the interface is configured for, including the crypto
 * sequence number against the neighbour's last one. Both return 0 or a
 * negative enum ospf_err and fill the optional struct ospf_drop with the
 * reason, the offending value and its offset; they never allocate and the
 * parsed struct points into the caller's buffer (valid while it is).
 * The LSAs inside an LS Update are framed here but their contents are
 * checked one by one by lsa_parse() (RFC 2328 13 step 1: a bad LSA is
 * dropped alone, not the packet).
 *
 * Sending: ospf_xxx_build() writes header and body into buf and returns the
 * length so far; ospf_pkt_finish() then sets the authentication, checksum
 * or MD5 digest and returns the number of bytes to send.
 *
 * All IDs and addresses are host byte order (see ospf.h).
 */
#ifndef VROOM_ROUTING_OSPF_PACKET_H
#define VROOM_ROUTING_OSPF_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/lsa.h"
#include "routing/ospf/ospf.h"

#define OSPF_VERSION      2
#define OSPF_HDR_LEN      24
#define OSPF_HELLO_LEN    20 /* fixed part of the Hello body */
#define OSPF_DD_LEN       8  /* fixed part of the DD body */
#define OSPF_LSREQ_ENT    12 /* one LS Request entry */
#define OSPF_LSUPD_LEN    4  /* the LS Update's LSA count */
#define OSPF_MD5_LEN      16 /* keyed-MD5 digest length */
#define OSPF_PASSWORD_LEN 8

enum ospf_pkt_type {
    OSPF_HELLO = 1,
    OSPF_DD = 2,
    OSPF_LSREQ = 3,
    OSPF_LSUPD = 4,
    OSPF_LSACK = 5,
};

enum ospf_autype {
    OSPF_AUTH_NONE = 0,
    OSPF_AUTH_SIMPLE = 1,
    OSPF_AUTH_CRYPT = 2,
};

/* Options field bits (A.2). */
#define OSPF_OPT_E  0x02 /* AS-external-LSAs flooded (not a stub area) */
#define OSPF_OPT_MC 0x04
#define OSPF_OPT_NP 0x08
#define OSPF_OPT_EA 0x10
#define OSPF_OPT_DC 0x20

/* Database Description flags (A.3.3). */
#define OSPF_DD_MS 0x01 /* master */
#define OSPF_DD_M  0x02 /* more */
#define OSPF_DD_I  0x04 /* init */

struct ospf_hdr {
    uint8_t version;
    uint8_t type;
    uint16_t length; /* packet length, without a trailing MD5 digest */
    uint32_t router_id;
    uint32_t area_id;
    uint16_t checksum;
    uint16_t autype;
    uint8_t auth[8];     /* autype 1: the password as on the wire */
    uint8_t key_id;      /* autype 2 */
    uint8_t auth_len;    /* autype 2: digest length (16) */
    uint32_t crypto_seq; /* autype 2: non-decreasing per sender */
};

struct ospf_hello {
    uint32_t mask;
    uint16_t hello_interval; /* seconds */
    uint8_t options;
    uint8_t priority;
    uint32_t dead_interval; /* seconds */
    uint32_t dr;            /* interface address of the DR, 0 if none */
    uint32_t bdr;
    uint32_t n_nbrs;     /* router IDs seen on the link: ospf_hello_nbr() */
    const uint8_t *nbrs; /* parsed only: into the packet */
};

struct ospf_dd {
    uint16_t mtu;
    uint8_t options;
    uint8_t flags; /* OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS */
    uint32_t seq;
    uint32_t n_lsas;     /* LSA headers: ospf_dd_lsa() */
    const uint8_t *lsas; /* parsed only */
};

struct ospf_lsreq_ent {
    uint32_t type; /* LS type, a 32-bit field in LS Requests */
    uint32_t id;
    uint32_t adv_rtr;
};

struct ospf_lsreq {
    uint32_t n;
    const uint8_t *ents;
};

struct ospf_lsupd {
    uint32_t n;          /* number of LSAs: iterate with ospf_lsupd_next() */
    const uint8_t *lsas; /* the first LSA */
    size_t len;          /* bytes from lsas to the end of the body */
};

struct ospf_lsack {
    uint32_t n;
    const uint8_t *lsas; /* LSA headers: ospf_lsack_lsa() */
};

/* A parsed packet: header, body and the type's fields (by hdr.type). */
struct ospf_pkt {
    struct ospf_hdr hdr;
    const uint8_t *body;
    size_t body_len;
    union {
        struct ospf_hello hello;
        struct ospf_dd dd;
        struct ospf_lsreq lsreq;
        struct ospf_lsupd lsupd;
        struct ospf_lsack lsack;
    } u;
};

/*
 * Parse buf[0..len), the IP payload. Returns 0 or a negative enum ospf_err.
 * Checked: header length, version 2, type 1..5, length field (>= 24, within
 * len), autype 0..2, the packet checksum (autype 0 and 1: RFC 1071 sum over
 * the packet without the 8-byte authentication field, D.4.1), the type's
 * fixed part and that its lists are whole (trunc_body, bad_body_length),
 * and for LS Updates that the LSA count and each LSA's length field
 * (>= 20) exactly tile the body (bad_lsa_count, trunc_lsa, bad_lsa_length).
 * Bytes after `length` are ignored (they hold the MD5 digest for autype 2).
 */
int ospf_pkt_parse(const uint8_t *buf, size_t len, struct ospf_pkt *p, struct ospf_drop *drop);

/* ---- authentication (RFC 2328 Appendix D) ------------------------------ */

#define OSPF_AUTH_KEYS_MAX 4

struct ospf_auth_key {
    uint8_t id;
    uint8_t key[16]; /* zero-padded (D.3) */
};

/* An interface's authentication configuration. */
struct ospf_auth {
    uint16_t type;                       /* enum ospf_autype */
    uint8_t password[OSPF_PASSWORD_LEN]; /* simple: zero-padded */
    uint8_t n_keys;                      /* crypt: keys accepted */
    uint8_t send_key;                    /* crypt: index in keys[] used to send */
    struct ospf_auth_key keys[OSPF_AUTH_KEYS_MAX];
};

/*
 * Check p (parsed from buf[0..len)) against the interface's authentication:
 * the autype must be auth->type (bad_autype); simple: the password (bad_auth);
 * crypt: auth_len 16 and the digest present after the packet (trunc_auth),
 * a known key ID and MD5(packet || key) equal to the digest (bad_auth), and,
 * if nbr_seq is not NULL (the neighbour's last accepted sequence number),
 * crypto_seq >= *nbr_seq (auth_seq, D.4.3). The caller stores the new
 * sequence number in the neighbour once the packet is accepted.
 */
int ospf_pkt_auth_check(const uint8_t *buf, size_t len, const struct ospf_pkt *p,
                        const struct ospf_auth *auth, const uint32_t *nbr_seq,
                        struct ospf_drop *drop);

/* ---- accessors for parsed lists (indices below the parsed counts) ------ */

uint32_t ospf_hello_nbr(const struct ospf_hello *h, uint32_t i);
void ospf_dd_lsa(const struct ospf_dd *dd, uint32_t i, struct lsa_hdr *out);
void ospf_lsreq_get(const struct ospf_lsreq *r, uint32_t i, struct ospf_lsreq_ent *out);
void ospf_lsack_lsa(const struct ospf_lsack *a, uint32_t i, struct lsa_hdr *out);

/*
 * Iterate the LSAs of a parsed LS Update: start with *off = 0; each call
 * sets *lsa and *lsa_len (the LSA's own length field) and returns true,
 * false after the last one. Hand each LSA to lsa_parse().
 */
bool ospf_lsupd_next(const struct ospf_lsupd *u, size_t *off, const uint8_t **lsa, size_t *lsa_len);

/* ---- building ------------------------------------------------------------ */

/*
 * Each writes the common header (version, type, router ID, area, length;
 * checksum and authentication zero) and the body into buf[0..cap) and
 * returns the packet length, or -ENOSPC if it does not fit (leave
 * OSPF_MD5_LEN spare bytes for a digest). Then call ospf_pkt_finish().
 */
int ospf_hello_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct ospf_hello *h, const uint32_t *nbrs, uint32_t n_nbrs);
int ospf_dd_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                  const struct ospf_dd *dd, const struct lsa_hdr *hdrs, uint32_t n);
int ospf_lsreq_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct ospf_lsreq_ent *ents, uint32_t n);
/* The LSAs are copied with their age increased by age_add (InfTransDelay), capped at MaxAge. */
int ospf_lsupd_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const uint8_t *const *lsas, uint32_t n, uint16_t age_add);
int ospf_lsack_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct lsa_hdr *hdrs, uint32_t n);

/*
 * Finish the packet buf[0..len) (len as returned by a builder; cap the
 * buffer size) for auth (NULL: none): autype, password or key ID / length /
 * crypto_seq, the checksum (autype 0, 1; zero for 2) and the MD5 digest
 * appended at len (D.4.3). Returns the number of bytes to send, -ENOSPC if
 * the digest does not fit or -EINVAL for a bad auth configuration.
 */
int ospf_pkt_finish(uint8_t *buf, size_t len, size_t cap, const struct ospf_auth *auth,
                    uint32_t crypto_seq);

/* The name of a packet type ("hello", "dd", "lsreq", "lsupd", "lsack", "unknown"). */
const char *ospf_pkt_type_name(int type);

#endif
