/*
 * packet.c - parsing and building OSPFv2 packets and their authentication
 * (RFC 2328 A.3, Appendix D). One exit per parser: every check jumps to
 * `drop` with the reason, the offending value and where it was found.
 * See packet.h for the contract; the LSAs inside are lsa.c's.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "pkt/pkt.h"
#include "pkt/pkt_csum.h"
#include "routing/ospf/packet.h"

#define OFF_LENGTH   2
#define OFF_CHECKSUM 12
#define OFF_AUTYPE   14
#define OFF_AUTH     16

const char *ospf_err_name(int err)
{
    static const char *const names[OSPF_ERR_COUNT] = {
        "ok",
        "trunc_header",
        "bad_version",
        "unknown_type",
        "bad_length",
        "bad_checksum",
        "bad_autype",
        "bad_auth",
        "trunc_auth",
        "auth_seq",
        "trunc_body",
        "bad_body_length",
        "bad_lsa_count",
        "trunc_lsa",
        "bad_lsa_length",
        "bad_lsa_checksum",
        "unknown_lsa_type",
        "bad_lsa_age",
        "bad_lsa_seq",
        "max_seq",
        "bad_lsa_id",
        "bad_link_type",
        "bad_mask",
        "nomem",
        "bad_record",
    };

    if (err > 0 || err <= -OSPF_ERR_COUNT)
        return "unknown";
    return names[-err];
}

const char *ospf_pkt_type_name(int type)
{
    static const char *const names[] = {"unknown", "hello", "dd", "lsreq", "lsupd", "lsack"};

    return type >= OSPF_HELLO && type <= OSPF_LSACK ? names[type] : names[0];
}

/* RFC 1071 sum over the packet without the 64-bit authentication field (D.4.1). */
static uint16_t pkt_checksum(const uint8_t *buf, size_t len)
{
    uint32_t sum = pkt_csum_add(0, buf, OFF_AUTH);

    sum = pkt_csum_add(sum, buf + OSPF_HDR_LEN, len - OSPF_HDR_LEN);
    return pkt_csum_fold(sum);
}

/* The body of each type: fixed part, then whole list entries. */
static int parse_body(struct ospf_pkt *p, uint32_t *bad, uint32_t *off)
{
    const uint8_t *b = p->body;
    size_t blen = p->body_len;

    *off = OSPF_HDR_LEN;
    *bad = (uint32_t)blen;
    switch (p->hdr.type) {
    case OSPF_HELLO: {
        struct ospf_hello *h = &p->u.hello;

        if (blen < OSPF_HELLO_LEN)
            return OSPF_ERR_TRUNC_BODY;
        if ((blen - OSPF_HELLO_LEN) % 4)
            return OSPF_ERR_BAD_BODY_LENGTH;
        h->mask = pkt_get_be32(b);
        h->hello_interval = pkt_get_be16(b + 4);
        h->options = b[6];
        h->priority = b[7];
        h->dead_interval = pkt_get_be32(b + 8);
        h->dr = pkt_get_be32(b + 12);
        h->bdr = pkt_get_be32(b + 16);
        h->n_nbrs = (uint32_t)(blen - OSPF_HELLO_LEN) / 4;
        h->nbrs = b + OSPF_HELLO_LEN;
        return 0;
    }
    case OSPF_DD: {
        struct ospf_dd *dd = &p->u.dd;

        if (blen < OSPF_DD_LEN)
            return OSPF_ERR_TRUNC_BODY;
        if ((blen - OSPF_DD_LEN) % LSA_HDR_LEN)
            return OSPF_ERR_BAD_BODY_LENGTH;
        dd->mtu = pkt_get_be16(b);
        dd->options = b[2];
        dd->flags = b[3];
        dd->seq = pkt_get_be32(b + 4);
        dd->n_lsas = (uint32_t)(blen - OSPF_DD_LEN) / LSA_HDR_LEN;
        dd->lsas = b + OSPF_DD_LEN;
        return 0;
    }
    case OSPF_LSREQ:
        if (blen % OSPF_LSREQ_ENT)
            return OSPF_ERR_BAD_BODY_LENGTH;
        p->u.lsreq.n = (uint32_t)blen / OSPF_LSREQ_ENT;
        p->u.lsreq.ents = b;
        return 0;
    case OSPF_LSACK:
        if (blen % LSA_HDR_LEN)
            return OSPF_ERR_BAD_BODY_LENGTH;
        p->u.lsack.n = (uint32_t)blen / LSA_HDR_LEN;
        p->u.lsack.lsas = b;
        return 0;
    default: { /* OSPF_LSUPD: the count and the LSAs' lengths must tile the body */
        struct ospf_lsupd *u = &p->u.lsupd;
        size_t pos = OSPF_LSUPD_LEN;

        if (blen < OSPF_LSUPD_LEN)
            return OSPF_ERR_TRUNC_BODY;
        u->n = pkt_get_be32(b);
        u->lsas = b + OSPF_LSUPD_LEN;
        u->len = blen - OSPF_LSUPD_LEN;
        for (uint32_t i = 0; i < u->n; i++) {
            uint16_t l;

            *off = (uint32_t)(OSPF_HDR_LEN + pos);
            if (blen - pos < LSA_HDR_LEN) {
                *bad = i;
                return pos == blen ? OSPF_ERR_BAD_LSA_COUNT : OSPF_ERR_TRUNC_LSA;
            }
            l = pkt_get_be16(b + pos + 18);
            if (l < LSA_HDR_LEN || l > blen - pos) {
                *bad = l;
                *off += 18;
                return OSPF_ERR_BAD_LSA_LENGTH;
            }
            pos += l;
        }
        if (pos != blen) {
            *off = (uint32_t)(OSPF_HDR_LEN + pos);
            *bad = u->n;
            return OSPF_ERR_BAD_LSA_COUNT;
        }
        return 0;
    }
    }
}

int ospf_pkt_parse(const uint8_t *buf, size_t len, struct ospf_pkt *p, struct ospf_drop *drop)
{
    struct ospf_hdr *h = &p->hdr;
    uint32_t bad = 0, off = 0;
    uint16_t csum;
    int err;

    memset(p, 0, sizeof(*p));
    if (len < OSPF_HDR_LEN) {
        err = OSPF_ERR_TRUNC_HEADER;
        bad = (uint32_t)len;
        goto drop;
    }
    h->version = buf[0];
    h->type = buf[1];
    h->length = pkt_get_be16(buf + OFF_LENGTH);
    h->router_id = pkt_get_be32(buf + 4);
    h->area_id = pkt_get_be32(buf + 8);
    h->checksum = pkt_get_be16(buf + OFF_CHECKSUM);
    h->autype = pkt_get_be16(buf + OFF_AUTYPE);
    memcpy(h->auth, buf + OFF_AUTH, 8);
    h->key_id = buf[OFF_AUTH + 2];
    h->auth_len = buf[OFF_AUTH + 3];
    h->crypto_seq = pkt_get_be32(buf + OFF_AUTH + 4);
    if (h->version != OSPF_VERSION) {
        err = OSPF_ERR_BAD_VERSION;
        bad = h->version;
        goto drop;
    }
    if (h->type < OSPF_HELLO || h->type > OSPF_LSACK) {
        err = OSPF_ERR_UNKNOWN_TYPE;
        bad = h->type;
        off = 1;
        goto drop;
    }
    if (h->length < OSPF_HDR_LEN || h->length > len) {
        err = OSPF_ERR_BAD_LENGTH;
        bad = h->length;
        off = OFF_LENGTH;
        goto drop;
    }
    if (h->autype > OSPF_AUTH_CRYPT) {
        err = OSPF_ERR_BAD_AUTYPE;
        bad = h->autype;
        off = OFF_AUTYPE;
        goto drop;
    }
    /* with cryptographic authentication the checksum is not computed (D.4.3) */
    if (h->autype != OSPF_AUTH_CRYPT) {
        /* summed with the stored checksum, a correct packet folds to zero */
        csum = pkt_checksum(buf, h->length);
        if (csum != 0) {
            err = OSPF_ERR_BAD_CHECKSUM;
            bad = h->checksum;
            off = OFF_CHECKSUM;
            goto drop;
        }
    }
    p->body = buf + OSPF_HDR_LEN;
    p->body_len = h->length - OSPF_HDR_LEN;
    err = parse_body(p, &bad, &off);
    if (err < 0)
        goto drop;
    return 0;
drop:
    if (drop) {
        drop->reason = err;
        drop->value = bad;
        drop->offset = off;
    }
    return err;
}

/* ---- authentication -------------------------------------------------------- */

/* MD5(packet[0..len) || key), D.4.3. 0 or -1 if the digest could not be computed. */
static int md5_digest(const uint8_t *pkt, size_t len, const uint8_t key[16],
                      uint8_t out[OSPF_MD5_LEN])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok;

    if (!ctx)
        return -1;
    ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) && EVP_DigestUpdate(ctx, pkt, len) &&
         EVP_DigestUpdate(ctx, key, 16) && EVP_DigestFinal_ex(ctx, out, &n);
    EVP_MD_CTX_free(ctx);
    return ok && n == OSPF_MD5_LEN ? 0 : -1;
}

int ospf_pkt_auth_check(const uint8_t *buf, size_t len, const struct ospf_pkt *p,
                        const struct ospf_auth *auth, const uint32_t *nbr_seq,
                        struct ospf_drop *drop)
{
    const struct ospf_hdr *h = &p->hdr;
    const struct ospf_auth_key *key = NULL;
    uint8_t digest[OSPF_MD5_LEN];
    uint32_t bad = 0, off = OFF_AUTH;
    int err;

    if (h->autype != auth->type) {
        err = OSPF_ERR_BAD_AUTYPE;
        bad = h->autype;
        off = OFF_AUTYPE;
        goto drop;
    }
    switch (auth->type) {
    case OSPF_AUTH_NONE:
        return 0;
    case OSPF_AUTH_SIMPLE:
        if (CRYPTO_memcmp(h->auth, auth->password, OSPF_PASSWORD_LEN) != 0) {
            err = OSPF_ERR_BAD_AUTH;
            goto drop;
        }
        return 0;
    default:
        break;
    }
    if (h->auth_len != OSPF_MD5_LEN || len - h->length < OSPF_MD5_LEN) {
        err = OSPF_ERR_TRUNC_AUTH;
        bad = h->auth_len != OSPF_MD5_LEN ? h->auth_len : (uint32_t)(len - h->length);
        off = OFF_AUTH + 3;
        goto drop;
    }
    for (unsigned i = 0; i < auth->n_keys && i < OSPF_AUTH_KEYS_MAX; i++)
        if (auth->keys[i].id == h->key_id)
            key = &auth->keys[i];
    if (!key) {
        err = OSPF_ERR_BAD_AUTH;
        bad = h->key_id;
        off = OFF_AUTH + 2;
        goto drop;
    }
    if (md5_digest(buf, h->length, key->key, digest) < 0 ||
        CRYPTO_memcmp(digest, buf + h->length, OSPF_MD5_LEN) != 0) {
        err = OSPF_ERR_BAD_AUTH;
        bad = h->key_id;
        off = h->length;
        goto drop;
    }
    if (nbr_seq && h->crypto_seq < *nbr_seq) {
        err = OSPF_ERR_AUTH_SEQ;
        bad = h->crypto_seq;
        off = OFF_AUTH + 4;
        goto drop;
    }
    return 0;
drop:
    if (drop) {
        drop->reason = err;
        drop->value = bad;
        drop->offset = off;
    }
    return err;
}

/* ---- accessors ---------------------------------------------------------------- */

uint32_t ospf_hello_nbr(const struct ospf_hello *h, uint32_t i)
{
    return pkt_get_be32(h->nbrs + 4 * (size_t)i);
}

void ospf_dd_lsa(const struct ospf_dd *dd, uint32_t i, struct lsa_hdr *out)
{
    lsa_hdr_get(dd->lsas + (size_t)LSA_HDR_LEN * i, out);
}

void ospf_lsreq_get(const struct ospf_lsreq *r, uint32_t i, struct ospf_lsreq_ent *out)
{
    const uint8_t *e = r->ents + (size_t)OSPF_LSREQ_ENT * i;

    out->type = pkt_get_be32(e);
    out->id = pkt_get_be32(e + 4);
    out->adv_rtr = pkt_get_be32(e + 8);
}

void ospf_lsack_lsa(const struct ospf_lsack *a, uint32_t i, struct lsa_hdr *out)
{
    lsa_hdr_get(a->lsas + (size_t)LSA_HDR_LEN * i, out);
}

bool ospf_lsupd_next(const struct ospf_lsupd *u, size_t *off, const uint8_t **lsa, size_t *lsa_len)
{
    uint16_t l;

    /* the framing was checked by ospf_pkt_parse(); stay safe on a hand-made struct anyway */
    if (*off >= u->len || u->len - *off < LSA_HDR_LEN)
        return false;
    l = pkt_get_be16(u->lsas + *off + 18);
    if (l < LSA_HDR_LEN || l > u->len - *off)
        return false;
    *lsa = u->lsas + *off;
    *lsa_len = l;
    *off += l;
    return true;
}

/* ---- building -------------------------------------------------------------- */

static int put_hdr(uint8_t *buf, size_t cap, size_t len, uint8_t type, uint32_t rid, uint32_t area)
{
    if (len > cap || len > 0xffff)
        return -ENOSPC;
    memset(buf, 0, OSPF_HDR_LEN);
    buf[0] = OSPF_VERSION;
    buf[1] = type;
    pkt_put_be16(buf + OFF_LENGTH, (uint16_t)len);
    pkt_put_be32(buf + 4, rid);
    pkt_put_be32(buf + 8, area);
    return 0;
}

int ospf_hello_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct ospf_hello *h, const uint32_t *nbrs, uint32_t n_nbrs)
{
    size_t len = OSPF_HDR_LEN + OSPF_HELLO_LEN + 4 * (size_t)n_nbrs;
    uint8_t *b = buf + OSPF_HDR_LEN;

    if (put_hdr(buf, cap, len, OSPF_HELLO, router_id, area_id) < 0)
        return -ENOSPC;
    pkt_put_be32(b, h->mask);
    pkt_put_be16(b + 4, h->hello_interval);
    b[6] = h->options;
    b[7] = h->priority;
    pkt_put_be32(b + 8, h->dead_interval);
    pkt_put_be32(b + 12, h->dr);
    pkt_put_be32(b + 16, h->bdr);
    for (uint32_t i = 0; i < n_nbrs; i++)
        pkt_put_be32(b + OSPF_HELLO_LEN + 4 * (size_t)i, nbrs[i]);
    return (int)len;
}

int ospf_dd_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                  const struct ospf_dd *dd, const struct lsa_hdr *hdrs, uint32_t n)
{
    size_t len = OSPF_HDR_LEN + OSPF_DD_LEN + (size_t)LSA_HDR_LEN * n;
    uint8_t *b = buf + OSPF_HDR_LEN;

    if (put_hdr(buf, cap, len, OSPF_DD, router_id, area_id) < 0)
        return -ENOSPC;
    pkt_put_be16(b, dd->mtu);
    b[2] = dd->options;
    b[3] = dd->flags;
    pkt_put_be32(b + 4, dd->seq);
    for (uint32_t i = 0; i < n; i++)
        lsa_hdr_put(b + OSPF_DD_LEN + (size_t)LSA_HDR_LEN * i, &hdrs[i]);
    return (int)len;
}

int ospf_lsreq_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct ospf_lsreq_ent *ents, uint32_t n)
{
    size_t len = OSPF_HDR_LEN + (size_t)OSPF_LSREQ_ENT * n;
    uint8_t *b = buf + OSPF_HDR_LEN;

    if (put_hdr(buf, cap, len, OSPF_LSREQ, router_id, area_id) < 0)
        return -ENOSPC;
    for (uint32_t i = 0; i < n; i++) {
        pkt_put_be32(b + 12 * (size_t)i, ents[i].type);
        pkt_put_be32(b + 12 * (size_t)i + 4, ents[i].id);
        pkt_put_be32(b + 12 * (size_t)i + 8, ents[i].adv_rtr);
    }
    return (int)len;
}

int ospf_lsupd_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const uint8_t *const *lsas, uint32_t n, uint16_t age_add)
{
    size_t len = OSPF_HDR_LEN + OSPF_LSUPD_LEN, pos;

    for (uint32_t i = 0; i < n; i++)
        len += pkt_get_be16(lsas[i] + 18);
    if (put_hdr(buf, cap, len, OSPF_LSUPD, router_id, area_id) < 0)
        return -ENOSPC;
    pkt_put_be32(buf + OSPF_HDR_LEN, n);
    pos = OSPF_HDR_LEN + OSPF_LSUPD_LEN;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t l = pkt_get_be16(lsas[i] + 18);
        uint32_t age = pkt_get_be16(lsas[i]) + (uint32_t)age_add;

        memcpy(buf + pos, lsas[i], l);
        /* the age is outside the checksum (12.1.7): no recomputation */
        pkt_put_be16(buf + pos, (uint16_t)(age > OSPF_MAX_AGE ? OSPF_MAX_AGE : age));
        pos += l;
    }
    return (int)len;
}

int ospf_lsack_build(uint8_t *buf, size_t cap, uint32_t router_id, uint32_t area_id,
                     const struct lsa_hdr *hdrs, uint32_t n)
{
    size_t len = OSPF_HDR_LEN + (size_t)LSA_HDR_LEN * n;

    if (put_hdr(buf, cap, len, OSPF_LSACK, router_id, area_id) < 0)
        return -ENOSPC;
    for (uint32_t i = 0; i < n; i++)
        lsa_hdr_put(buf + OSPF_HDR_LEN + (size_t)LSA_HDR_LEN * i, &hdrs[i]);
    return (int)len;
}

int ospf_pkt_finish(uint8_t *buf, size_t len, size_t cap, const struct ospf_auth *auth,
                    uint32_t crypto_seq)
{
    uint16_t type = auth ? auth->type : OSPF_AUTH_NONE;

    if (len < OSPF_HDR_LEN || len > cap)
        return -EINVAL;
    pkt_put_be16(buf + OFF_CHECKSUM, 0);
    pkt_put_be16(buf + OFF_AUTYPE, type);
    memset(buf + OFF_AUTH, 0, 8);
    switch (type) {
    case OSPF_AUTH_NONE:
        break;
    case OSPF_AUTH_SIMPLE:
        memcpy(buf + OFF_AUTH, auth->password, OSPF_PASSWORD_LEN);
        break;
    case OSPF_AUTH_CRYPT: {
        const struct ospf_auth_key *key;

        if (auth->send_key >= auth->n_keys || auth->send_key >= OSPF_AUTH_KEYS_MAX)
            return -EINVAL;
        if (cap - len < OSPF_MD5_LEN)
            return -ENOSPC;
        key = &auth->keys[auth->send_key];
        buf[OFF_AUTH + 2] = key->id;
        buf[OFF_AUTH + 3] = OSPF_MD5_LEN;
        pkt_put_be32(buf + OFF_AUTH + 4, crypto_seq);
        if (md5_digest(buf, len, key->key, buf + len) < 0)
            return -EINVAL;
        return (int)(len + OSPF_MD5_LEN);
    }
    default:
        return -EINVAL;
    }
    /* computed with the checksum field zero and without the auth field (D.4.1) */
    {
        uint16_t c = pkt_checksum(buf, len);

        memcpy(buf + OFF_CHECKSUM, &c, 2); /* already in network order (pkt_csum.h) */
    }
    return (int)len;
}
