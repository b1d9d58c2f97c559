/*
 * lsa.h - OSPFv2 link state advertisements (RFC 2328 12, A.4): the LSA
 * header, the Fletcher checksum (12.1.7, RFC 905 annex B), the five LSA
 * types of RFC 2328 (router, network, summary-network, summary-ASBR,
 * AS-external) parsed into structs and built from them, and the rules for
 * which of two instances is newer (13.1).
 *
 * lsa_parse() validates the whole LSA ("LSAs with impossible contents"):
 * header and length field, checksum, type, age <= MaxAge, sequence number
 * (the reserved 0x80000000 and MaxSequenceNumber without MaxAge are
 * refused, 14.1), and per type that the length matches the contents. The
 * variable-length parts (router links, attached routers) are allocated and
 * owned by the struct lsa: release them with lsa_clear(). TOS metrics other
 * than TOS 0 are skipped when parsing and never built.
 *
 * Neighbours: packet.h carries LSAs, lsdb.h keeps them. Host byte order.
 */
#ifndef VROOM_ROUTING_OSPF_LSA_H
#define VROOM_ROUTING_OSPF_LSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/ospf/ospf.h"

#define LSA_HDR_LEN 20

enum lsa_type {
    LSA_ROUTER = 1,
    LSA_NETWORK = 2,
    LSA_SUMMARY_NET = 3,
    LSA_SUMMARY_ASBR = 4,
    LSA_EXTERNAL = 5,
};

struct lsa_hdr {
    uint16_t age; /* seconds */
    uint8_t options;
    uint8_t type;
    uint32_t id; /* link state ID */
    uint32_t adv_rtr;
    uint32_t seq; /* compare as int32_t (lsa_seq_cmp) */
    uint16_t checksum;
    uint16_t length; /* including the header */
};

/* Router-LSA flags (A.4.2). */
#define LSA_RT_B 0x01 /* area border router */
#define LSA_RT_E 0x02 /* AS boundary router */
#define LSA_RT_V 0x04 /* endpoint of a full virtual link */

enum lsa_link_type {
    LSA_LINK_P2P = 1,     /* id: neighbour's router ID; data: own interface address (or ifindex) */
    LSA_LINK_TRANSIT = 2, /* id: DR's interface address; data: own interface address */
    LSA_LINK_STUB = 3,    /* id: network number; data: network mask */
    LSA_LINK_VIRTUAL = 4, /* id: neighbour's router ID; data: own interface address */
};

struct lsa_rt_link {
    uint32_t id;
    uint32_t data;
    uint8_t type;    /* enum lsa_link_type */
    uint16_t metric; /* TOS 0 */
};

struct lsa_router {
    uint8_t flags; /* LSA_RT_* */
    uint16_t n_links;
    struct lsa_rt_link *links; /* owned */
};

struct lsa_network {
    uint32_t mask;
    uint32_t n_routers;
    uint32_t *routers; /* owned: attached routers' IDs, the DR's included */
};

/* Summary-LSA (types 3 and 4): mask is 0 in type 4. */
struct lsa_summary {
    uint32_t mask;
    uint32_t metric; /* 24 bits; OSPF_LS_INFINITY: unreachable */
};

struct lsa_external {
    uint32_t mask;
    bool e2;         /* E bit: type 2 metric, not comparable with the internal cost */
    uint32_t metric; /* 24 bits */
    uint32_t fwd;    /* forwarding address, 0: to the advertising router */
    uint32_t tag;    /* external route tag */
};

struct lsa {
    struct lsa_hdr hdr;
    union {
        struct lsa_router rt;
        struct lsa_network net;
        struct lsa_summary sum;
        struct lsa_external ext;
    } u;
};

/* Header to and from 20 wire bytes (no checks). */
void lsa_hdr_get(const uint8_t *p, struct lsa_hdr *h);
void lsa_hdr_put(uint8_t *p, const struct lsa_hdr *h);

/*
 * Parse and validate the LSA at buf[0..len) (len >= its length field; the
 * LSA is the first `length` bytes). Returns 0 and fills *l (release with
 * lsa_clear()), or a negative enum ospf_err and leaves *l empty.
 */
int lsa_parse(const uint8_t *buf, size_t len, struct lsa *l, struct ospf_drop *drop);

/* Free what lsa_parse() or the caller allocated in *l and zero it. NULL is fine. */
void lsa_clear(struct lsa *l);

/* Deep copy: 0 or -ENOMEM. */
int lsa_copy(struct lsa *dst, const struct lsa *src);

/* Wire length of l as lsa_build() would write it. */
size_t lsa_build_len(const struct lsa *l);

/*
 * Write l to buf[0..cap): header fields from l->hdr (age, options, type, id,
 * adv_rtr, seq), the length and the Fletcher checksum computed here.
 * Returns the length, -ENOSPC or -EINVAL (unknown type, too many links).
 */
int lsa_build(const struct lsa *l, uint8_t *buf, size_t cap);

/*
 * Fletcher checksum (RFC 905 annex B) of the LSA lsa[0..len) as it must be
 * stored in bytes 16-17: over bytes 2..len (the age is excluded), with the
 * checksum field taken as zero. lsa_checksum_ok() verifies a stored one.
 */
uint16_t lsa_fletcher(const uint8_t *lsa, size_t len);
bool lsa_checksum_ok(const uint8_t *lsa, size_t len);

/* Sequence numbers are signed (12.1.6): <0, 0, >0 as a is older, equal, newer. */
int lsa_seq_cmp(uint32_t a, uint32_t b);

/*
 * Which instance is newer (13.1), given both headers with their current
 * ages: > 0 if a is newer, < 0 if b is, 0 if they are the same instance.
 * Higher sequence number; then larger checksum; then MaxAge; then, if the
 * ages differ by more than MaxAgeDiff, the younger.
 */
int lsa_newer(const struct lsa_hdr *a, const struct lsa_hdr *b);

/*
 * Whether installing b over a changes the contents (13.2), which is what
 * schedules a routing table calculation: options, MaxAge on one side only,
 * length or anything after the header. Both are wire LSAs.
 */
bool lsa_contents_differ(const uint8_t *a, const uint8_t *b);

/* Mask helpers: contiguous masks only. */
bool lsa_mask_ok(uint32_t mask);
int lsa_mask_len(uint32_t mask);
uint32_t lsa_len_mask(int len);

const char *lsa_type_name(int type);

#endif
