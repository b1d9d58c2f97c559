/*
 * attr.h - BGP UPDATE messages and path attributes (RFC 4271 4.3, 5, 6.3)
 * with the revised error handling of RFC 7606, multiprotocol NLRI
 * (RFC 4760), 4-octet AS paths (RFC 6793), communities (RFC 1997, 4360,
 * 8092) and route reflection attributes (RFC 4456); and the interned,
 * hash-consed attribute sets routes point to.
 *
 * Receiving: bgp_update_parse() checks a whole UPDATE (header included)
 * against the session's negotiated parameters (struct bgp_rx_ctx) and
 * returns its RFC 7606 verdict (enum bgp_verdict) with u->err saying why,
 * naming the RFC section. It never allocates: struct bgp_update points into
 * the message. On BGP_OK and BGP_ATTR_DISCARD the routes are announced with
 * the attributes kept (discarded ones have their present bit cleared); on
 * BGP_WITHDRAW every prefix of the message (NLRI field, MP_REACH_NLRI,
 * withdrawn, MP_UNREACH_NLRI) is withdrawn; on BGP_RESET the caller sends
 * the NOTIFICATION in u->err and closes. The parser walks the attributes
 * in one loop (no recursion), so neither long AS paths nor many attributes
 * use more stack.
 *
 * Interning: bgp_attrs_intern() turns a parsed UPDATE's attributes into a
 * canonical struct bgp_attrs (4-octet AS path, AS4_PATH merged per RFC 6793
 * 4.2.3, unknown optional transitive attributes kept with the Partial bit)
 * and returns the one shared, refcounted copy from a struct bgp_attr_table.
 * A full Internet table has ~1M prefixes but only a few hundred thousand
 * distinct attribute sets, so routes hold a pointer each.
 */
#ifndef VROOM_ROUTING_BGP_ATTR_H
#define VROOM_ROUTING_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/bgp/bgp.h"
#include "routing/bgp/msg.h"

#define BGP_ATTR_BIT(t) ((uint64_t)1 << (t)) /* bit of a type < 64 in a present mask */

/* What the parser needs to know of the session (negotiated in OPEN). */
struct bgp_rx_ctx {
    uint32_t local_as;
    uint32_t peer_as;
    uint32_t afs;        /* enum bgp_af: negotiated families */
    bool as4;            /* both sides sent the 4-octet AS capability */
    bool ebgp;           /* external peer */
    bool ext_msg;        /* extended messages negotiated: up to 65535 bytes */
    bool check_first_as; /* eBGP: the leftmost AS must be the peer's (RFC 4271 6.3) */
};

/* The path attributes of one UPDATE as received (pointers into the message). */
struct bgp_pattrs {
    uint64_t present; /* BGP_ATTR_BIT(type) of each attribute kept */
    uint8_t origin;
    uint32_t next_hop; /* NEXT_HOP, host order */
    uint32_t med, local_pref, originator_id;
    uint32_t aggr_as, aggr_addr;         /* AGGREGATOR (AS widened to 4 octets) */
    uint32_t as4_aggr_as, as4_aggr_addr; /* AS4_AGGREGATOR */
    const uint8_t *as_path;              /* segments as received, as4 ? 4 : 2 octets per AS */
    uint16_t as_path_len;
    const uint8_t *as4_path; /* AS4_PATH segments, 4 octets per AS */
    uint16_t as4_path_len;
    const uint8_t *comm, *ext_comm, *large_comm, *cluster;
    uint16_t comm_len, ext_comm_len, large_comm_len, cluster_len;
    uint16_t n_unknown; /* unknown optional transitive attributes kept */
};

/* One parsed UPDATE (RFC 4271 4.3), pointing into the message. */
struct bgp_update {
    const uint8_t *withdrawn, *attrs, *nlri; /* IPv4 unicast withdrawn and NLRI fields */
    uint16_t withdrawn_len, attrs_len, nlri_len;
    bool mp_reach, mp_unreach; /* present and kept (a negotiated family) */
    uint16_t reach_afi, unreach_afi;
    uint8_t reach_safi, unreach_safi;
    const uint8_t *reach_nh, *reach_nlri, *unreach_nlri;
    uint8_t reach_nh_len;
    uint16_t reach_nlri_len, unreach_nlri_len;
    struct bgp_pattrs a;
    struct bgp_error err; /* the verdict and why (the first reason at that severity) */
    uint16_t n_attrs;     /* attributes in the message */
    uint16_t n_discarded; /* attributes discarded (RFC 7606 attribute discard, duplicates) */
    uint16_t n_issues;    /* every problem found, whatever its verdict */
};

/*
 * Parse and check a whole UPDATE message msg[0..len) (header included).
 * Returns the verdict (enum bgp_verdict, >= 0), also in u->err.verdict.
 */
int bgp_update_parse(const uint8_t *msg, size_t len, const struct bgp_rx_ctx *cx,
                     struct bgp_update *u);

/* The Optional and Transitive flag bits a known attribute type must have; -1 if unknown. */
int bgp_attr_expected_flags(uint8_t type);

/* Whether the UPDATE announces anything (NLRI field or MP_REACH_NLRI prefixes). */
bool bgp_update_has_nlri(const struct bgp_update *u);

/*
 * The canonical, interned attribute set of a route. Immutable once
 * interned; shared by every route with the same attributes. The variable
 * part, data[], holds in order: the AS path (segments, 4-octet ASes),
 * communities (4 bytes each), extended (8), large (12), the cluster list (4),
 * then the unknown optional transitive attributes as on the wire (flags with
 * Partial set, type, length, value).
 */
struct bgp_attrs {
    struct bgp_attrs *next; /* hash chain */
    uint32_t refs;
    uint32_t hash;
    /* the key: everything from here, data included, compares bytewise */
    uint64_t present; /* BGP_ATTR_BIT(type) */
    uint32_t med, local_pref, originator_id, aggr_as, aggr_addr;
    uint8_t origin;
    uint8_t nh_len;    /* 0, 4 (IPv4), 16 or 32 (IPv6 global [+ link-local]) */
    uint16_t path_len; /* AS path length for the decision (RFC 4271 9.1.2.2 a) */
    uint8_t nh[32];    /* next hop, network order */
    uint16_t n_comm, n_ext, n_large, n_cluster;
    uint32_t aspath_len; /* bytes (a widened 2-octet path may pass 65535) */
    uint32_t other_len;  /* bytes of unknown attributes */
    uint32_t data_len;   /* bytes in data[] */
    uint8_t data[];
};

static inline const uint8_t *bgp_attrs_aspath(const struct bgp_attrs *a)
{
    return a->data;
}
static inline const uint8_t *bgp_attrs_comm(const struct bgp_attrs *a)
{
    return a->data + a->aspath_len;
}
static inline const uint8_t *bgp_attrs_ext(const struct bgp_attrs *a)
{
    return bgp_attrs_comm(a) + 4u * a->n_comm;
}
static inline const uint8_t *bgp_attrs_large(const struct bgp_attrs *a)
{
    return bgp_attrs_ext(a) + 8u * a->n_ext;
}
static inline const uint8_t *bgp_attrs_cluster(const struct bgp_attrs *a)
{
    return bgp_attrs_large(a) + 12u * a->n_large;
}
static inline const uint8_t *bgp_attrs_other(const struct bgp_attrs *a)
{
    return bgp_attrs_cluster(a) + 4u * a->n_cluster;
}

/* The intern table. Zero-initialise or bgp_attr_table_init(); free with _free(). */
struct bgp_attr_table {
    struct bgp_attrs **buckets;
    size_t n_buckets; /* power of two (0 before the first insert) */
    size_t count;     /* distinct sets */
    size_t bytes;     /* memory held by the sets */
    uint8_t *scratch; /* where candidate sets are built */
    size_t scratch_cap;
};

void bgp_attr_table_init(struct bgp_attr_table *t);
/* Frees every set, referenced or not (the table owns them). */
void bgp_attr_table_free(struct bgp_attr_table *t);

/*
 * The interned attributes of a parsed UPDATE whose verdict is BGP_OK or
 * BGP_ATTR_DISCARD, with the next hop of its IPv4 NLRI field (mp false) or
 * of its MP_REACH_NLRI (mp true). Takes a reference. NULL: out of memory.
 */
struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_table *t, const struct bgp_update *u,
                                   const struct bgp_rx_ctx *cx, bool mp);
/*
 * Intern a set built by the caller (e.g. changed by policy): tmpl's key and
 * data[tmpl->data_len]; next/refs/hash ignored. Takes a reference.
 */
struct bgp_attrs *bgp_attrs_intern_set(struct bgp_attr_table *t, const struct bgp_attrs *tmpl);
struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a);
/* Drop a reference; the set is freed with the last one. NULL does nothing. */
void bgp_attrs_unref(struct bgp_attr_table *t, struct bgp_attrs *a);

/*
 * AS paths (segments of 4-octet ASes unless stated). Walks are loops over
 * the segments, never recursive.
 */
/* RFC 4271 9.1.2.2 a): AS_SEQUENCE counts its ASes, AS_SET 1, confederation segments 0. */
unsigned int bgp_aspath_length(const uint8_t *p, size_t len, unsigned int width);
/* Whether as appears anywhere in the path (loop detection, RFC 4271 9.1.2). */
bool bgp_aspath_contains(const uint8_t *p, size_t len, uint32_t as);
/* The leftmost AS of a path starting with an AS_SEQUENCE, else 0 (the neighbour AS for MED). */
uint32_t bgp_aspath_first(const uint8_t *p, size_t len, unsigned int width);

/*
 * Sending. What the encoder needs to know of the session.
 */
struct bgp_tx_ctx {
    bool as4;   /* peer is 4-octet capable: else 2-octet AS_PATH plus AS4_PATH */
    bool ebgp;  /* no LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST */
    size_t max; /* longest message (4096 or 65535) */
};

/*
 * Encode a's path attributes (without MP_REACH_NLRI) into buf; returns the
 * bytes written or -ENOSPC.
 */
int bgp_attrs_encode(const struct bgp_attrs *a, const struct bgp_tx_ctx *tx, uint8_t *buf,
                     size_t cap);

/*
 * A whole UPDATE: withdraw n_wd prefixes and announce n_nlri with a (NULL
 * when n_nlri is 0). IPv4 prefixes go in the withdrawn and NLRI fields,
 * IPv6 ones in MP_UNREACH_NLRI / MP_REACH_NLRI (with a's 16 or 32 byte next
 * hop); one family per call. Returns the length, or -ENOSPC when it does not
 * fit in tx->max (the caller splits).
 */
int bgp_update_build(uint8_t *buf, size_t cap, const struct bgp_tx_ctx *tx, uint16_t afi,
                     const struct bgp_prefix *wd, size_t n_wd, const struct bgp_attrs *a,
                     const struct bgp_prefix *nlri, size_t n_nlri);

#endif
