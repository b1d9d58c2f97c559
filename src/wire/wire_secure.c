/*
 * wire_secure.c - sealing and opening secure wire frames, and the replay
 * window. See wire_secure.h for the format; docs/wires.md for the why.
 */
#include "wire/wire_secure.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define REPLAY_WORDS (WIRE_REPLAY_BITS / 64)

/* ---- replay window (RFC 6479; WireGuard's counter_validate split in two) ---------- */

bool wire_replay_check(const struct wire_replay *r, uint64_t counter)
{
    uint64_t c;

    if (counter >= WIRE_SEC_COUNTER_MAX)
        return false;
    c = counter + 1; /* top counts from 1 so that 0 means "nothing yet" */
    if (c > r->top)
        return true;
    if (c + WIRE_REPLAY_WINDOW < r->top)
        return false;
    return !(r->bits[(c >> 6) % REPLAY_WORDS] & (1ull << (c & 63)));
}

bool wire_replay_update(struct wire_replay *r, uint64_t counter)
{
    uint64_t c, index, bit;
    bool fresh;

    if (!wire_replay_check(r, counter))
        return false;
    c = counter + 1;
    index = c >> 6;
    if (c > r->top) {
        uint64_t cur = r->top >> 6, n = index - cur;

        /* clear the words the window slides over (all of them after a big jump) */
        if (n > REPLAY_WORDS)
            n = REPLAY_WORDS;
        for (uint64_t i = 1; i <= n; i++)
            r->bits[(cur + i) % REPLAY_WORDS] = 0;
        r->top = c;
    }
    bit = 1ull << (c & 63);
    fresh = !(r->bits[index % REPLAY_WORDS] & bit);
    r->bits[index % REPLAY_WORDS] |= bit;
    return fresh;
}

/* ---- keys ----------------------------------------------------------------------------- */

struct sec_rx {
    bool valid;
    uint8_t epoch;
    uint8_t key[WIRE_SEC_KEYLEN]; /* the next epoch's only: to know it again */
    EVP_CIPHER_CTX *ctx;
    struct wire_replay replay;
};

struct wire_sec {
    struct {
        bool valid;
        uint8_t epoch;
        EVP_CIPHER_CTX *ctx;
        uint64_t counter; /* next to send */
    } tx;
    struct sec_rx rx[3]; /* current, previous epoch; the next, announced (wire_key_rx_next) */
};

struct wire_sec *wire_sec_new(void)
{
    return calloc(1, sizeof(struct wire_sec));
}

void wire_sec_free(struct wire_sec *s)
{
    if (s == NULL)
        return;
    /* EVP_CIPHER_CTX_free cleanses the key schedule */
    EVP_CIPHER_CTX_free(s->tx.ctx);
    EVP_CIPHER_CTX_free(s->rx[0].ctx);
    EVP_CIPHER_CTX_free(s->rx[1].ctx);
    EVP_CIPHER_CTX_free(s->rx[2].ctx);
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}

static EVP_CIPHER_CTX *key_ctx(const uint8_t *key, int enc)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    if (ctx == NULL)
        return NULL;
    if (EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, NULL, enc) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

int wire_key_set(struct wire_sec *s, uint8_t epoch, const uint8_t tx_key[WIRE_SEC_KEYLEN],
                 const uint8_t rx_key[WIRE_SEC_KEYLEN])
{
    /* announced before (wire_key_rx_next): keep its context and what its
     * window has seen, so frames opened early are not accepted twice */
    bool adopt = s->rx[2].valid && s->rx[2].epoch == epoch &&
                 CRYPTO_memcmp(s->rx[2].key, rx_key, WIRE_SEC_KEYLEN) == 0;
    struct wire_replay seen = adopt ? s->rx[2].replay : (struct wire_replay){0};
    EVP_CIPHER_CTX *tx, *rx;

    if (CRYPTO_memcmp(tx_key, rx_key, WIRE_SEC_KEYLEN) == 0)
        return -EINVAL;
    tx = key_ctx(tx_key, 1);
    rx = adopt ? s->rx[2].ctx : key_ctx(rx_key, 0);
    if (tx == NULL || rx == NULL) {
        EVP_CIPHER_CTX_free(tx);
        if (!adopt)
            EVP_CIPHER_CTX_free(rx);
        return -ENOMEM;
    }
    if (adopt)
        s->rx[2].ctx = NULL;
    EVP_CIPHER_CTX_free(s->rx[2].ctx);
    OPENSSL_cleanse(&s->rx[2], sizeof(s->rx[2]));
    EVP_CIPHER_CTX_free(s->tx.ctx);
    s->tx.ctx = tx;
    s->tx.epoch = epoch;
    s->tx.counter = 0;
    s->tx.valid = true;
    if (s->rx[0].valid && s->rx[0].epoch != epoch) {
        /* roll: the current key becomes the previous one */
        EVP_CIPHER_CTX_free(s->rx[1].ctx);
        s->rx[1] = s->rx[0];
    } else {
        /* same epoch again (or the first key): replace it, a fresh window */
        EVP_CIPHER_CTX_free(s->rx[0].ctx);
    }
    memset(&s->rx[0], 0, sizeof(s->rx[0]));
    s->rx[0].replay = seen;
    s->rx[0].ctx = rx;
    s->rx[0].epoch = epoch;
    s->rx[0].valid = true;
    if (s->rx[1].valid && s->rx[1].epoch == epoch) {
        EVP_CIPHER_CTX_free(s->rx[1].ctx);
        memset(&s->rx[1], 0, sizeof(s->rx[1]));
    }
    return 0;
}

int wire_key_rx_next(struct wire_sec *s, uint8_t epoch, const uint8_t rx_key[WIRE_SEC_KEYLEN])
{
    EVP_CIPHER_CTX *rx;

    if (s->rx[0].valid && s->rx[0].epoch == epoch)
        return -EINVAL;
    rx = key_ctx(rx_key, 0);
    if (rx == NULL)
        return -ENOMEM;
    EVP_CIPHER_CTX_free(s->rx[2].ctx);
    OPENSSL_cleanse(&s->rx[2], sizeof(s->rx[2]));
    s->rx[2].ctx = rx;
    s->rx[2].epoch = epoch;
    s->rx[2].valid = true;
    memcpy(s->rx[2].key, rx_key, WIRE_SEC_KEYLEN);
    return 0;
}

bool wire_sec_has_key(const struct wire_sec *s)
{
    return s->tx.valid;
}

uint8_t wire_sec_epoch(const struct wire_sec *s)
{
    return s->tx.epoch;
}

uint64_t wire_sec_tx_counter(const struct wire_sec *s)
{
    return s->tx.counter;
}

void wire_sec_set_tx_counter(struct wire_sec *s, uint64_t next)
{
    s->tx.counter = next;
}

/* ---- sealing and opening ----------------------------------------------------------- */

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void nonce_of(uint8_t nonce[12], uint64_t counter)
{
    memset(nonce, 0, 4);
    put_be64(nonce + 4, counter);
}

int wire_sec_seal(struct wire_sec *s, uint32_t connector, uint8_t **data, size_t *len,
                  size_t headroom, size_t tailroom)
{
    uint8_t nonce[12], *hdr, *frame = *data;
    int outl, finl;

    if (!s->tx.valid)
        return -WIRE_DROP_NO_KEY;
    if (s->tx.counter >= WIRE_SEC_COUNTER_MAX)
        return -WIRE_DROP_COUNTER_LIMIT;
    if (headroom < WIRE_HLEN + WIRE_SEC_HLEN || tailroom < WIRE_SEC_TAGLEN || *len > INT32_MAX)
        return -WIRE_DROP_OVERSIZE;
    hdr = frame - WIRE_HLEN - WIRE_SEC_HLEN;
    wire_hdr_put(hdr, connector);
    hdr[WIRE_HLEN] = s->tx.epoch;
    hdr[WIRE_HLEN + 1] = hdr[WIRE_HLEN + 2] = hdr[WIRE_HLEN + 3] = 0;
    put_be64(hdr + WIRE_HLEN + 4, s->tx.counter);
    nonce_of(nonce, s->tx.counter);
    if (EVP_EncryptInit_ex(s->tx.ctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_EncryptUpdate(s->tx.ctx, NULL, &outl, hdr, WIRE_HLEN + WIRE_SEC_HLEN) != 1 ||
        EVP_EncryptUpdate(s->tx.ctx, frame, &outl, frame, (int)*len) != 1 ||
        EVP_EncryptFinal_ex(s->tx.ctx, frame + outl, &finl) != 1 ||
        EVP_CIPHER_CTX_ctrl(s->tx.ctx, EVP_CTRL_AEAD_GET_TAG, WIRE_SEC_TAGLEN, frame + *len) != 1)
        return -WIRE_DROP_TX_ERROR;
    s->tx.counter++;
    *data = hdr;
    *len += WIRE_HLEN + WIRE_SEC_OVERHEAD;
    return 0;
}

int wire_sec_open(struct wire_sec *s, uint8_t *payload, size_t len, uint8_t **inner,
                  size_t *inner_len)
{
    uint8_t nonce[12], *sh = payload + WIRE_HLEN, *ct = sh + WIRE_SEC_HLEN;
    struct sec_rx *rx = NULL;
    uint32_t connector;
    uint64_t counter;
    size_t ctlen;
    int rc, outl, finl;

    if ((rc = wire_hdr_get(payload, len, &connector)) != 0)
        return rc;
    if (len < WIRE_HLEN + WIRE_SEC_OVERHEAD)
        return -WIRE_DROP_SHORT;
    if (sh[1] != 0 || sh[2] != 0 || sh[3] != 0)
        return -WIRE_DROP_BAD_RESERVED;
    ctlen = len - WIRE_HLEN - WIRE_SEC_OVERHEAD;
    if (ctlen < WIRE_ETH_HLEN)
        return -WIRE_DROP_INNER_SHORT;
    if (ctlen > INT32_MAX)
        return -WIRE_DROP_OVERSIZE;
    if (!s->rx[0].valid)
        return -WIRE_DROP_NO_KEY;
    for (int i = 0; i < 3; i++)
        if (s->rx[i].valid && s->rx[i].epoch == sh[0])
            rx = &s->rx[i];
    if (rx == NULL)
        return -WIRE_DROP_BAD_EPOCH;
    counter = get_be64(sh + 4);
    /* cheap test first: a replay costs no decryption */
    if (!wire_replay_check(&rx->replay, counter))
        return -WIRE_DROP_REPLAY;
    nonce_of(nonce, counter);
    if (EVP_DecryptInit_ex(rx->ctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(rx->ctx, NULL, &outl, payload, WIRE_HLEN + WIRE_SEC_HLEN) != 1 ||
        EVP_DecryptUpdate(rx->ctx, ct, &outl, ct, (int)ctlen) != 1 ||
        EVP_CIPHER_CTX_ctrl(rx->ctx, EVP_CTRL_AEAD_SET_TAG, WIRE_SEC_TAGLEN, ct + ctlen) != 1 ||
        EVP_DecryptFinal_ex(rx->ctx, ct + outl, &finl) != 1)
        return -WIRE_DROP_AUTH;
    /* authenticated: only now does the window move */
    if (!wire_replay_update(&rx->replay, counter))
        return -WIRE_DROP_REPLAY;
    *inner = ct;
    *inner_len = ctlen;
    return 0;
}
