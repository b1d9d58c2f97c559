/*
 * wire_secure.h - `secure` wires: every frame sealed with ChaCha20-Poly1305
 * (OpenSSL 3 EVP), a 64-bit per-sender counter as the nonce, and a sliding
 * replay window on receive (RFC 6479, as WireGuard does it).
 *
 *   wire header (8) | epoch (1) | 0 0 0 | counter (8, big-endian) | sealed frame | tag (16)
 *
 * The AEAD's associated data is the wire header and the secure header (20
 * bytes), so the connector ID, epoch and counter are authenticated too; the
 * nonce is 4 zero bytes then the counter (big-endian). Keys come from
 * outside (the peer channel agrees them; tests and the API may set them),
 * one per direction, named by an epoch byte so they can roll: the receiver
 * keeps the current and the previous epoch's key, each with its own window,
 * so frames in flight across a roll still arrive. Nothing is ever handed
 * back to the caller that did not authenticate; the window only moves after
 * a frame authenticated, so forged frames cannot move it.
 */
#ifndef VROOM_WIRE_WIRE_SECURE_H
#define VROOM_WIRE_WIRE_SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define WIRE_SEC_HLEN     12
#define WIRE_SEC_TAGLEN   16
#define WIRE_SEC_KEYLEN   32
#define WIRE_SEC_OVERHEAD (WIRE_SEC_HLEN + WIRE_SEC_TAGLEN)
/* A sender stops here: never a nonce twice, and a margin below 2^64. */
#define WIRE_SEC_COUNTER_MAX (UINT64_MAX - 0xffffu)

/* ---- the replay window ------------------------------------------------------------ */

#define WIRE_REPLAY_BITS   2048 /* bitmap size; the window is this minus one word */
#define WIRE_REPLAY_WINDOW (WIRE_REPLAY_BITS - 64)

struct wire_replay {
    uint64_t top; /* highest counter accepted, plus one; 0: none yet */
    uint64_t bits[WIRE_REPLAY_BITS / 64];
};

/* Would counter be accepted (not seen, not older than the window, below
 * WIRE_SEC_COUNTER_MAX)? Changes nothing. */
bool wire_replay_check(const struct wire_replay *r, uint64_t counter);
/* Mark counter as seen (after its frame authenticated), sliding the window.
 * Returns what wire_replay_check() said before. */
bool wire_replay_update(struct wire_replay *r, uint64_t counter);

/* ---- sealing and opening ----------------------------------------------------------- */

struct wire_sec;

/* NULL on ENOMEM. wire_sec_free(NULL) does nothing. Keys are wiped on free. */
struct wire_sec *wire_sec_new(void);
void wire_sec_free(struct wire_sec *s);

/*
 * Install keys of epoch: tx seals what we send from counter 0, rx opens
 * what the peer sends (the peer's tx). The rx key of the epoch before stays
 * usable until the next roll. tx and rx must differ (the nonces of the two
 * directions would collide). 0, -EINVAL (same keys), -ENOMEM.
 */
int wire_key_set(struct wire_sec *s, uint8_t epoch, const uint8_t tx_key[WIRE_SEC_KEYLEN],
                 const uint8_t rx_key[WIRE_SEC_KEYLEN]);
/*
 * Announce the rx key of the next epoch before it is installed: frames the
 * peer seals with it open already (a moved endpoint's new end starts sending
 * before we switch). wire_key_set() of that epoch and key then keeps this
 * key's replay window; any wire_key_set() drops the announced key. 0,
 * -EINVAL (the current epoch), -ENOMEM.
 */
int wire_key_rx_next(struct wire_sec *s, uint8_t epoch, const uint8_t rx_key[WIRE_SEC_KEYLEN]);
/* Have keys; the current epoch. */
bool wire_sec_has_key(const struct wire_sec *s);
uint8_t wire_sec_epoch(const struct wire_sec *s);
/* The next counter to send (tests move it to check the limit). */
uint64_t wire_sec_tx_counter(const struct wire_sec *s);
void wire_sec_set_tx_counter(struct wire_sec *s, uint64_t next);

/*
 * Seal the inner frame at *data (len *len, headroom bytes free before it,
 * tailroom after): prepend the wire header and the secure header, encrypt
 * in place, append the tag; *data and *len then hold the UDP payload.
 * 0, or -WIRE_DROP_NO_KEY, -WIRE_DROP_COUNTER_LIMIT, -WIRE_DROP_OVERSIZE (no
 * room).
 */
int wire_sec_seal(struct wire_sec *s, uint32_t connector, uint8_t **data, size_t *len,
                  size_t headroom, size_t tailroom);
/*
 * Open a UDP payload (wire header first, already matched to this wire) in
 * place: 0 with *inner and *inner_len the decrypted frame, or -SHORT,
 * -BAD_FLAGS, -BAD_RESERVED, -INNER_SHORT, -NO_KEY, -BAD_EPOCH, -REPLAY,
 * -AUTH. On error the buffer may hold garbage; the caller drops it.
 */
int wire_sec_open(struct wire_sec *s, uint8_t *payload, size_t len, uint8_t **inner,
                  size_t *inner_len);

#endif
