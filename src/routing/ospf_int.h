/*
 * ospf_int.h - what the files of vroom-routerd's OSPF instance share (not
 * a public header: the rest of routerd sees only `proto_ospf`, through the
 * class table of proto.c). The instance is split by concept:
 *
 *   proto_ospf.c   the instance: sending, the neighbour lists, the state
 *                  machines' actions, flooding (13.3), origination (12.4),
 *                  SPF into the RIB, the timer, the protocol hooks
 *   ospf_rx.c      receiving: checks, Hello (10.5), DD (10.6), LS Request
 *                  (10.7), LS Update (13), LS Ack (13.7)
 *   ospf_config.c  the `ospf:` config section
 *   ospf_state.c   state records for migration
 *   ospf_io.c      the raw sockets
 *
 * Library: routing/ospf/ (docs/ospf.md). Host byte order, as there.
 */
#ifndef VROOM_ROUTING_OSPF_INT_H
#define VROOM_ROUTING_OSPF_INT_H

#include "routing/config.h"
#include "routing/ospf/iface.h"
#include "routing/ospf/lsa.h"
#include "routing/ospf/lsdb.h"
#include "routing/ospf/neighbor.h"
#include "routing/ospf/packet.h"
#include "routing/ospf/spf.h"
#include "routing/ospf_io.h"
#include "routing/proto.h"
#include "routing/routerd.h"
#include "routing/state.h"
#include "lib/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- configuration (ospf_config.c) ---------------------------------------- */

struct ospf_if_cfg {
    char name[CFG_IFNAME_MAX + 1];
    uint32_t area;
    uint8_t type; /* enum ospf_if_type */
    bool passive;
    uint16_t cost;
    uint16_t hello; /* seconds */
    uint32_t dead;  /* seconds */
    uint16_t rxmt;  /* RxmtInterval, seconds */
    uint8_t priority;
    bool md5;
    uint8_t key_id;
    char key[17]; /* up to 16 bytes */
    int line;
};

struct ospf_config {
    struct proto_config pc;
    uint32_t *areas; /* in config order */
    size_t n_areas;
    struct ospf_if_cfg *ifs;
    size_t n_ifs;
};

int ospf_config_parse(struct cfg_parser *cp, const yaml_node_t *node, struct proto_config *pc);
void ospf_config_print(const struct proto_config *pc, FILE *out, int indent);
void ospf_config_free(struct proto_config *pc);

/* ---- the instance (proto_ospf.c) ------------------------------------------ */

#define OSPF_STATE_BASE 0x1000 /* our state record types (ospf_state.c) */

#define RX_BUF    65536
#define MAX_PKT   65000
#define SPF_DELAY 200 /* ms after an LSDB change */
#define TICK_MAX  1000

struct rxmt_ent {
    struct lsa_hdr h; /* the instance sent: acknowledged when the ack names it */
};

struct req_ent {
    struct lsa_hdr h;
    bool sent; /* in the LS Request in flight */
};

struct oif;

struct onbr {
    struct ospf_nbr n;
    struct oif *oi;
    struct onbr *next;
    bool removed;
    struct lsa_hdr *summary; /* database summary list (10.3, Exchange) */
    size_t n_summary, summary_pos;
    struct req_ent *req; /* link state request list */
    size_t n_req, cap_req;
    struct rxmt_ent *rxmt; /* link state retransmission list */
    size_t n_rxmt, cap_rxmt;
    ospf_time_t lsu_rxmt_at;
    uint8_t *last_dd; /* the last DD sent: retransmitted (master) or repeated (slave) */
    size_t last_dd_len;
    bool last_sent_m;
    bool have_rx; /* the last DD received, to spot duplicates */
    uint8_t rx_flags, rx_opts;
    uint32_t rx_seq;
};

struct oarea {
    uint32_t id;
    struct lsdb db;
    bool dirty; /* originate: the router-LSA and network-LSAs are looked at again */
    bool force; /* originate even if unchanged (refresh, 13.4) */
    ospf_time_t retry_at;
};

struct ospf_inst;

/* A redistributed route (rt_notify): an AS-external-LSA of ours, E2 metric 20. */
#define EXT_METRIC 20
struct ext {
    uint32_t prefix;
    uint8_t plen;
    bool present; /* announced (false: withdrawn, to flush) */
    bool dirty;   /* originate or flush at the next chance */
    bool force;   /* refresh even if unchanged */
};

/* The LSDBs' generations when the core's clock read core_gen (state_export since G). */
#define CKPT_MAX  256
#define AREAS_MAX 16
struct ckpt {
    uint64_t core_gen;
    uint64_t db_gen[AREAS_MAX + 1]; /* per area, then the AS */
};

struct oif {
    struct ospf_inst *o;
    struct oarea *area;
    const struct ospf_if_cfg *cfg;
    struct ospf_iface ifc;
    char name[IF_NAMESIZE];
    int mtu;
    int fd;
    ev_io io;
    bool joined_dr;
    bool up;
    struct onbr *nbrs;
    struct ospf_auth auth;
    struct lsa_hdr *acks; /* delayed acknowledgements, sent after the packet's processing */
    size_t n_acks, cap_acks;
};

struct ospf_inst {
    struct proto p;
    uint32_t rid;
    struct oarea *areas;
    size_t n_areas;
    struct oif *ifs;
    size_t n_ifs;
    struct lsdb as_db;
    ev_timer timer;
    bool running;
    ospf_time_t spf_at;
    struct spf_result rt; /* what is in the RIB */
    uint32_t crypto_seq;
    struct ext *exts; /* redistributed routes: our AS-external-LSAs */
    size_t n_exts, cap_exts;
    bool ext_dirty;
    ospf_time_t ext_retry_at;
    bool sum_dirty; /* ABR: summary-LSAs to look at again (after SPF) */
    ospf_time_t sum_retry_at;
    bool imported;        /* the LSDB came from state records: SPF at once */
    ospf_time_t sweep_at; /* first SPF from then on withdraws RIB routes it lacks */
    struct ckpt *ckpts;   /* core generation <-> LSDB generations, for exports since G */
    size_t n_ckpts;
    uint64_t rx, tx, spf_runs, drops;
    uint64_t drop[OSPF_ERR_COUNT];
};

/*
 * Shared between the instance's files; each does what its namesake in
 * RFC 2328 says (ospfd_flood: 13.3, returns whether it went back out of
 * the receiving interface; ospfd_rx_packet: one received packet).
 */
int ospf_state_export(struct proto *p, struct state_buf *out, uint64_t since);
int ospf_state_import(struct proto *p, uint16_t type, uint16_t version, const uint8_t *data,
                      size_t len, char *why, size_t whylen);
uint16_t ospf_state_version(uint16_t type);
void ospfd_checkpoint(struct ospf_inst *o);
struct lsdb *ospfd_db_for(struct ospf_inst *o, struct oarea *a, uint8_t type);
struct ext *ospfd_ext_find(struct ospf_inst *o, uint32_t prefix);
bool ospfd_flood(struct ospf_inst *o, struct oarea *a, struct lsdb_entry *e, struct oif *rx_if,
                 struct onbr *rx_nbr, ospf_time_t now);
bool ospfd_flush_blocked(struct ospf_inst *o, const struct lsa_hdr *h);
void ospfd_if_actions(struct oif *oi, uint32_t act, ospf_time_t now);
void ospfd_if_event(struct oif *oi, enum ospf_if_event ev, ospf_time_t now);
int ospfd_iface_open(struct ospf_inst *o, struct oif *oi);
const char *ospfd_ip4(uint32_t a, char *buf);
void ospfd_loading_check(struct onbr *nb, ospf_time_t now);
uint32_t ospfd_nbr_dst(const struct onbr *nb);
void ospfd_nbr_event(struct onbr *nb, enum ospf_nbr_event ev, ospf_time_t now);
ospf_time_t ospfd_now_ms(void);
void ospfd_req_add(struct onbr *nb, const struct lsa_hdr *h);
ssize_t ospfd_req_find(const struct onbr *nb, const struct lsa_hdr *h);
void ospfd_resend_dd(struct onbr *nb);
void ospfd_rx_packet(struct oif *oi, uint32_t src, uint32_t dst, const uint8_t *buf, size_t len,
                     ospf_time_t now);
void ospfd_rxmt_del(struct onbr *nb, size_t i);
ssize_t ospfd_rxmt_find(const struct onbr *nb, const struct lsa_hdr *h);
void ospfd_rxmt_remove_all(struct ospf_inst *o, const struct oarea *a, const struct lsa_hdr *h);
void ospfd_schedule_spf(struct ospf_inst *o, ospf_time_t now);
void ospfd_send_acks(struct oif *oi, uint32_t dst, const struct lsa_hdr *h, size_t n);
void ospfd_send_dd_next(struct onbr *nb, ospf_time_t now);
void ospfd_send_lsus(struct oif *oi, uint32_t dst, struct lsdb_entry *const *es, size_t n,
                     ospf_time_t now);
bool ospfd_want_net(const struct oif *oi);

#endif
