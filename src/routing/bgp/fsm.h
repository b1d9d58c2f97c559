/*
 * fsm.h - one BGP session (RFC 4271 8): the finite state machine as a pure
 * function of events (start, stop, timer expiries, TCP up or down, received
 * messages) that returns actions (connect, close, session up, session down)
 * and appends the messages to send to the session's output buffer. OPEN
 * negotiation (RFC 4271 6.2, 4.2; RFC 5492, 6793, 8654, 4724) and
 * connection collision resolution (6.8) are here too.
 *
 * Everything the session is lives in struct bgp_session, a plain struct
 * (its one pointer, last_reason, is a static string and not exported): the FSM state, the timers as
 * absolute deadlines on the caller's clock (exported as remaining times), the negotiated
 * parameters, the partially read input message and the unsent output. The caller owns the socket:
 * it feeds received bytes to bgp_session_input() (UPDATEs come back through a callback with their
 * RFC 7606 verdict), writes out what bgp_session_output() holds, and calls bgp_session_timers()
 * when bgp_session_next_timer() says. bgp_session_export() / _import() turn the whole session into
 * one record and back (the migration issue moves the TCP connection itself with TCP_REPAIR).
 *
 * Simplifications, stated: no DelayOpen, no damping of peer oscillations;
 * a session that fails waits idle_hold seconds in Idle and starts again
 * (automatic start); in Active a failed connection keeps Active with the
 * ConnectRetry timer running.
 */
#ifndef VROOM_ROUTING_BGP_FSM_H
#define VROOM_ROUTING_BGP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routing/bgp/attr.h"
#include "routing/bgp/bgp.h"
#include "routing/bgp/msg.h"

enum bgp_state {
    BGP_IDLE = 0,
    BGP_CONNECT = 1,
    BGP_ACTIVE = 2,
    BGP_OPENSENT = 3,
    BGP_OPENCONFIRM = 4,
    BGP_ESTABLISHED = 5,
};

const char *bgp_state_name(int state);

enum bgp_event {
    BGP_EV_START = 1,         /* ManualStart / AutomaticStart */
    BGP_EV_STOP = 2,          /* ManualStop: Cease, Administrative Shutdown */
    BGP_EV_TCP_UP = 3,        /* our connect() completed or an incoming one was accepted */
    BGP_EV_TCP_DOWN = 4,      /* the connection failed or closed */
    BGP_EV_CONNECT_RETRY = 5, /* timers, raised by bgp_session_timers() */
    BGP_EV_HOLD = 6,
    BGP_EV_KEEPALIVE_TIMER = 7,
};

/* Actions for the caller (bits of the mask the functions return). */
#define BGP_ACT_CONNECT 0x01 /* start a TCP connection to the peer */
#define BGP_ACT_CLOSE   0x02 /* close the TCP connection (after writing out the output) */
#define BGP_ACT_UP      0x04 /* the session reached Established: send the table */
#define BGP_ACT_DOWN    0x08 /* the session left Established: flush (or mark stale) its routes */
#define BGP_ACT_SEND    0x10 /* the output buffer has bytes */

#define BGP_OUT_MAX (2 * BGP_EXT_MAX_LEN) /* output kept in the session */

/* Per-peer configuration the session needs. */
struct bgp_peer_cfg {
    uint32_t local_as, peer_as;
    uint32_t router_id;     /* ours, host order */
    uint16_t hold_time;     /* offered, seconds (0 or >= 3); 90 by default */
    uint16_t connect_retry; /* seconds */
    uint16_t idle_hold;     /* seconds in Idle before an automatic restart */
    uint32_t afs;           /* families offered (enum bgp_af) */
    bool passive;           /* never connect, only accept */
    bool ext_msg;           /* offer extended messages */
    bool no_first_as;       /* eBGP: accept a leftmost AS other than the peer's (route servers) */
    bool gr;                /* offer graceful restart (helper: restart time below) */
    uint16_t gr_time;
};

/* What both OPENs agreed. */
struct bgp_negotiated {
    uint32_t peer_as, peer_id;
    uint16_t hold_time, keepalive; /* seconds; 0: no hold timer, no keepalives */
    uint32_t afs;                  /* families both offered */
    bool as4, route_refresh, ext_msg;
    bool peer_gr; /* the peer restarts gracefully: helper mode applies */
    uint8_t peer_gr_flags;
    uint16_t peer_gr_time;
    uint32_t peer_gr_afs, peer_gr_fwd_afs;
};

struct bgp_counters {
    uint32_t rx[6], tx[6]; /* messages by type (index = type) */
    uint32_t updates_ok, updates_discard, updates_withdraw, updates_reset;
    uint32_t established; /* times it reached Established */
};

struct bgp_session {
    struct bgp_peer_cfg cfg;
    uint8_t state;               /* enum bgp_state */
    bgp_time_t connect_retry_at; /* deadlines, 0 when stopped */
    bgp_time_t hold_at;
    bgp_time_t keepalive_at;
    uint32_t connect_retry_counter;
    struct bgp_negotiated neg;
    uint8_t last_sent_code, last_sent_subcode; /* NOTIFICATIONs, for show */
    uint8_t last_rcvd_code, last_rcvd_subcode;
    const char *last_reason; /* why the session last went down (static string) */
    struct bgp_counters cnt;
    uint32_t in_len;  /* bytes of a partial message in in[] */
    uint32_t out_len; /* unsent bytes in out[] */
    uint8_t in[BGP_EXT_MAX_LEN];
    uint8_t out[BGP_OUT_MAX];
};

/* Fresh session in Idle with cfg. */
void bgp_session_init(struct bgp_session *s, const struct bgp_peer_cfg *cfg);

/* Feed one event; returns the actions (BGP_ACT_*). */
unsigned int bgp_session_event(struct bgp_session *s, int event, bgp_time_t now);

/*
 * Called for each UPDATE received in Established, with its parse and
 * verdict (BGP_OK, BGP_ATTR_DISCARD or BGP_WITHDRAW; a BGP_RESET ends the
 * session before any callback). The message bytes are valid during the call.
 */
typedef void (*bgp_update_cb)(void *ctx, struct bgp_session *s, const struct bgp_update *u,
                              const uint8_t *msg, size_t len);
/* Called for each ROUTE-REFRESH received in Established for a negotiated family. */
typedef void (*bgp_refresh_cb)(void *ctx, struct bgp_session *s, uint16_t afi, uint8_t safi);

struct bgp_session_cbs {
    bgp_update_cb update;
    bgp_refresh_cb refresh;
    void *ctx;
};

/*
 * Bytes read from the connection: frames messages (keeping a partial one
 * in s->in), runs each through the FSM. Returns the actions. After
 * BGP_ACT_CLOSE the rest of the input is dropped.
 */
unsigned int bgp_session_input(struct bgp_session *s, const uint8_t *data, size_t len,
                               bgp_time_t now, const struct bgp_session_cbs *cbs);

/* Fire every timer due at now; returns the actions. */
unsigned int bgp_session_timers(struct bgp_session *s, bgp_time_t now);
/* The earliest running deadline, or 0 if none runs. */
bgp_time_t bgp_session_next_timer(const struct bgp_session *s);

/*
 * Queue a message built by the caller (an UPDATE, a ROUTE-REFRESH) in
 * Established; restarts the keepalive timer (RFC 4271 10). Returns 0,
 * -EAGAIN when the output buffer lacks room (write out first), -EINVAL if
 * not Established.
 */
int bgp_session_send(struct bgp_session *s, const uint8_t *msg, size_t len, bgp_time_t now);
/* The caller wrote n bytes of s->out to the socket. */
void bgp_session_output_done(struct bgp_session *s, size_t n);

/*
 * OPEN negotiation (RFC 4271 6.2): the peer's OPEN against our config.
 * Returns 0 with neg filled, or -EINVAL with e (the NOTIFICATION to send):
 * Bad Peer AS for an AS other than configured or an AS4 capability that
 * disagrees with My AS, Bad BGP Identifier for our own ID on iBGP.
 */
int bgp_open_negotiate(const struct bgp_peer_cfg *cfg, const struct bgp_open *peer,
                       struct bgp_negotiated *neg, struct bgp_error *e);
/* The OPEN we send for cfg (4-octet AS, route refresh, families, ...). */
void bgp_open_local(const struct bgp_peer_cfg *cfg, struct bgp_open *o);

/*
 * Connection collision (RFC 4271 6.8): with an OPEN received on both
 * connections, true if the connection we initiated is kept (our BGP
 * Identifier is the higher), false if the one the peer initiated is.
 */
bool bgp_collision_keep_ours(uint32_t local_id, uint32_t remote_id);

/*
 * The session as one record (version 1, network byte order): state,
 * counters, timers as the time left at now, negotiated parameters, the
 * partial input and unsent output. Returns the length or -ENOSPC.
 * Import re-bases the timers on the importer's now; -EINVAL for a record
 * that is short, long or impossible (the session is left untouched).
 */
#define BGP_SESSION_REC_VERSION 1
int bgp_session_export(const struct bgp_session *s, bgp_time_t now, uint8_t *buf, size_t cap);
int bgp_session_import(struct bgp_session *s, const uint8_t *buf, size_t len, bgp_time_t now);

#endif
