/*
 * endpoint_msg.h - the endpoint controller's peer messages (endpoint.c):
 * their types and the one decoder every received payload goes through
 * (endpoint_msg.c, fuzzed by tests/fuzz/wire/fuzz_endpoint_msg.c). A payload
 * is one JSON object of at most EP_MSG_MAX bytes; each type has its members
 * (docs/wires.md, "Messages"), each checked with the API's getters: unknown
 * members, a missing or mistyped one, duplicate keys or bad JSON refuse the
 * message. Nothing here touches the controller's state.
 */
#ifndef VROOM_DP_ENDPOINT_MSG_H
#define VROOM_DP_ENDPOINT_MSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/vr.h"
#include "peer/peer.h"
#include "wire/wire_secure.h"

struct jsonrpc_error;

#define EP_NAME_MAX     (VR_NAME_MAX + 1 + VR_IFNAME_MAX) /* "VR:IFACE" */
#define EP_MSG_MAX      4096
#define EP_UNDERLAY_MAX 64
#define EP_ERROR_MAX    200 /* longest error string in a reply */

/* Message types (payload: a JSON object, see the table in docs/wires.md). */
enum ep_msg {
    MSG_INFO = PEER_TYPE_USER, /* {underlay}: sent when a session comes up */
    MSG_LOOKUP,                /* {endpoint}: where is it? */
    MSG_LOOKUP_REPLY,          /* {endpoint, found, underlay?} */
    MSG_MOVED,                 /* {endpoint, host, underlay}: it lives there now */
    MSG_CONNECT,               /* {connector, local, remote, type, underlay, key?} */
    MSG_CONNECT_REPLY,         /* {connector, ok, error?} */
    MSG_DISCONNECT,            /* {connector} */
    MSG_MOVE_PREPARE,          /* {connector, endpoint, far, far_host, far_underlay, type, key?} */
    MSG_MOVE_READY,            /* {connector, ok, error?} */
    MSG_REPOINT,               /* {connector, endpoint, host, underlay, key?} */
    MSG_EXPECT,                /* {connector, endpoint, host, underlay, key?}: accept from there too */
    MSG_EXPECT_READY,          /* {connector, ok, error?} */
    MSG_END,
};

/* "info", "lookup", ... for MSG_INFO..MSG_END-1; "?" otherwise. */
const char *ep_msg_name(uint16_t type);

struct ep_key {
    bool has;
    uint8_t epoch;
    uint8_t tx[WIRE_SEC_KEYLEN], rx[WIRE_SEC_KEYLEN];
};

/* A decoded message: the members its type has, checked; strings point into
 * obj (valid until ep_msg_free()). */
struct ep_msg_in {
    uint16_t type;
    json_t *obj;
    uint32_t connector;
    const char *endpoint; /* LOOKUP*, MOVED, MOVE_PREPARE, REPOINT */
    const char *local, *remote; /* CONNECT (the sender's and ours) */
    const char *far;      /* MOVE_PREPARE */
    const char *host;     /* MOVED, REPOINT, EXPECT; MOVE_PREPARE's far_host */
    const char *error;    /* replies; NULL when absent */
    char underlay[EP_UNDERLAY_MAX]; /* underlay, or far_underlay; "" when absent */
    bool found, ok;
    bool secure; /* type: "secure" (else "encap") */
    struct ep_key key;
};

/*
 * Decode a payload of type (MSG_INFO..MSG_END-1) into m. 0, or -EINVAL with
 * why (for the log line); m needs ep_msg_free() either way.
 */
int ep_msg_decode(uint16_t type, const void *payload, size_t len, struct ep_msg_in *m, char *why,
                  size_t whylen);
/* Drop the object and wipe any key. */
void ep_msg_free(struct ep_msg_in *m);

/* "VR:IFACE" -> vr, ifname. 0 or -EINVAL. */
int ep_split(const char *ep, char vr[VR_NAME_MAX + 1], char ifname[VR_IFNAME_MAX + 1]);
/* A member naming an endpoint ("VR:IFACE"): as jsonrpc_get_string(). */
int ep_get(const json_t *obj, const char *key, bool required, const char **out,
           struct jsonrpc_error *err);
/* n bytes as 2n lower-case hex digits and a NUL. */
void ep_hex_encode(const uint8_t *b, size_t n, char *out);

#endif
