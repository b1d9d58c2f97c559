/*
 * msg.h - framing of peer channel messages, apart from any socket or TLS so
 * that a plain byte buffer can be fed to it (tests/fuzz/peer/fuzz_peer_msg.c).
 *
 * On the wire a message is a 16-byte header, all fields big-endian:
 *
 *     0       2       4               8                              16
 *     | type  | flags | length        | id                           | payload (length bytes)
 *
 * The receiver (struct peer_rx) checks the header against a rule per type
 * before it allocates anything for the payload: a type with no rule, flags
 * bits it does not know, or a length outside the type's [min_len, max_len]
 * is refused, and the stream cannot be trusted any further.
 *
 * The reader hands out where the next bytes must go (peer_rx_space()) so a
 * TLS read can land in the payload buffer directly: a 16 MiB message is read
 * into place, not copied again.
 */
#ifndef VROOM_PEER_MSG_H
#define VROOM_PEER_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer/peer.h"

#define PEER_MSG_HDR_LEN     16
#define PEER_MSG_MAX_DEFAULT (16u << 20)
#define PEER_RX_INLINE       4096 /* payloads up to this size use the reader's own buffer */

/* Channel types (below PEER_TYPE_USER). */
#define PEER_TYPE_PING 1 /* the receiver answers PONG with the same id */
#define PEER_TYPE_PONG 2
/* The first message each way, sent once the certificate is checked:
 * {u32 version, u32 max_msg}, big-endian; longer payloads are for later versions. */
#define PEER_TYPE_HELLO 3
#define PEER_HELLO_LEN  8

/* No flags are defined yet; a set bit is refused (PEER_REFUSE_FLAGS). */
#define PEER_MSG_FLAGS_KNOWN 0x0000

struct peer_msg_hdr {
    uint16_t type;
    uint16_t flags;
    uint32_t len; /* payload bytes, header excluded */
    uint64_t id;  /* request/response correlation, opaque to the channel */
};

void peer_msg_hdr_encode(const struct peer_msg_hdr *h, uint8_t out[PEER_MSG_HDR_LEN]);
void peer_msg_hdr_decode(const uint8_t in[PEER_MSG_HDR_LEN], struct peer_msg_hdr *h);

/* What a receiver accepts, per type. */
struct peer_msg_rule {
    bool known;
    uint32_t min_len;
    uint32_t max_len;
};

struct peer_msg_rules {
    struct peer_msg_rule type[PEER_TYPE_MAX + 1];
};

/* Check a header against the rules: true if acceptable, else false and *why. */
bool peer_msg_check(const struct peer_msg_rules *rules, const struct peer_msg_hdr *h,
                    enum peer_refuse *why);

/* The reader of one connection. Zero it (or peer_rx_init()) before use. */
struct peer_rx {
    const struct peer_msg_rules *rules;
    uint8_t hdrbuf[PEER_MSG_HDR_LEN];
    size_t have;              /* bytes of the current header or payload read */
    bool in_payload;          /* header done, reading the payload */
    struct peer_msg_hdr hdr;  /* valid once in_payload, and for a refusal */
    uint8_t *payload;         /* inline or heap, hdr.len bytes */
    uint8_t *heap;            /* allocated for a payload over PEER_RX_INLINE */
    enum peer_refuse refused; /* once PEER_RX_REFUSED */
    uint8_t inline_buf[PEER_RX_INLINE];
};

enum peer_rx_status {
    PEER_RX_MORE = 0, /* need more bytes */
    PEER_RX_MSG,      /* rx->hdr and rx->payload hold a whole message */
    PEER_RX_REFUSED,  /* rx->refused says why; rx->hdr is the offending header */
    PEER_RX_NOMEM,    /* the payload buffer could not be allocated */
};

void peer_rx_init(struct peer_rx *rx, const struct peer_msg_rules *rules);
/* Free what the reader holds; it can be initialised again. */
void peer_rx_release(struct peer_rx *rx);

/* Where the next bytes go and how many are wanted there (never 0). */
void peer_rx_space(struct peer_rx *rx, uint8_t **buf, size_t *len);
/* n bytes were written at peer_rx_space(). */
enum peer_rx_status peer_rx_commit(struct peer_rx *rx, size_t n);
/* After PEER_RX_MSG: forget the message, ready for the next. */
void peer_rx_next(struct peer_rx *rx);
/* True when the reader is inside a message (an EOF now truncates it). */
bool peer_rx_partial(const struct peer_rx *rx);

/*
 * Feed a byte buffer, calling fn for every whole message. Stops at the first
 * refusal or when fn returns non-zero. Returns the last status (PEER_RX_MORE
 * when all was consumed) and *used, the bytes consumed.
 */
enum peer_rx_status
peer_rx_feed(struct peer_rx *rx, const uint8_t *data, size_t len, size_t *used,
             int (*fn)(const struct peer_msg_hdr *h, const uint8_t *payload, void *arg), void *arg);

#endif
