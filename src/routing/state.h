/*
 * state.h - the state of vroom-routerd that can move to another host: a
 * stream of typed, versioned records (docs/routing.md has the layout).
 *
 * Every record: a 16-byte header in network byte order
 *
 *     u16 type | u16 version | u32 length (of the payload) | u64 generation
 *
 * then `length` bytes of payload. The generation is the core's counter at
 * the record's last change, so an export "since G" (a pre-copy round) holds
 * exactly the records changed after G, plus the META header and END
 * trailer. Import checks the whole stream before it applies any of it: a
 * short or long record, an unknown type or a version newer than this build
 * reads is refused with the reason and the record's offset.
 *
 * Core types (0x0001..0x00ff): META (stream header: generation, router ID,
 * whether it is a full export), CONFIG (the config in canonical YAML: the
 * static routes, interfaces, prefix lists and protocol sections), PROTO (an
 * instance and its state), ROUTE (a route of one source in the RIB),
 * ROUTE_DEL (a route withdrawn since G), END (record count). Protocols own
 * ranges of STATE_PROTO_TYPES types from their class's state_base (OSPF
 * 0x1000, BGP 0x2000) and write and read them through their ops.
 */
#ifndef VROOM_ROUTING_STATE_H
#define VROOM_ROUTING_STATE_H

#include <stddef.h>
#include <stdint.h>

struct routerd;

#define STATE_HDR_LEN    16
#define STATE_MAX_RECORD (16u << 20) /* longest payload accepted */

enum state_type {
    STATE_META = 0x0001,
    STATE_CONFIG = 0x0002,
    STATE_PROTO = 0x0003,
    STATE_ROUTE = 0x0004,
    STATE_ROUTE_DEL = 0x0005,
    STATE_END = 0x0006,
};

/* A growing output buffer of records. Zero-initialise; free with state_buf_free(). */
struct state_buf {
    uint8_t *data;
    size_t len, cap;
    size_t records;
    int err; /* first error (-ENOMEM); later puts do nothing */
};

void state_buf_free(struct state_buf *b);
/* Append one record. Returns 0 or b->err. */
int state_put(struct state_buf *b, uint16_t type, uint16_t version, uint64_t gen,
              const void *payload, size_t len);

/* One record, as read (payload borrowed from the stream). */
struct state_rec {
    uint16_t type, version;
    uint32_t len;
    uint64_t gen;
    const uint8_t *data;
    size_t offset; /* of its header in the stream */
};

/*
 * Read the record at *off of data[0..len): 1 with rec filled and *off past
 * it, 0 at the end, -EINVAL with why filled for a truncated header or a
 * length past the end.
 */
int state_next(const uint8_t *data, size_t len, size_t *off, struct state_rec *rec, char *why,
               size_t whylen);

/* Export rd's state changed after generation since (0: everything). */
int state_export(struct routerd *rd, uint64_t since, struct state_buf *out);

/*
 * Import a stream into rd. A stream with CONFIG configures a fresh core
 * (instances made and initialised, not started: routerd_start() resumes)
 * or reloads a configured one. Checked whole before anything applies.
 * Returns 0 or -EINVAL with why filled ("record 3 (byte 96): ...").
 */
int state_import(struct routerd *rd, const uint8_t *data, size_t len, char *why, size_t whylen);

/* Base64 (RFC 4648) of the buffer, malloc'd; and back (NULL on bad input). */
char *state_base64(const struct state_buf *b);
uint8_t *state_unbase64(const char *s, size_t *len);

#endif
