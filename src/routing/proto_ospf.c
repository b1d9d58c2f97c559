/*
 * proto_ospf.c - the OSPFv2 instance of vroom-routerd (proto.h): it drives
 * the protocol library in routing/ospf/ (packets, LSAs, the LSDB, SPF and
 * the interface and neighbour state machines, all pure functions) with
 * sockets (ospf_io.c), one libev timer and the RIB.
 *
 *   ospf:
 *     areas:
 *       - id: 0.0.0.0
 *         interfaces:
 *           - {name: eth1, type: broadcast, cost: 10, hello: 1, dead: 4,
 *              retransmit: 5, priority: 1, md5: {id: 1, key: secret}}
 *           - {name: lo, passive: true}
 *
 * What the daemon does around the library (RFC 2328): Hello processing
 * (10.5), the Database Description exchange (10.6, 10.8), LS Requests
 * (10.7, 10.9), the flooding procedure with acknowledgements and
 * retransmission lists (13, 13.3, 13.5), self-originated LSAs received
 * newer (13.4), origination of the router-LSA and, as DR, the network-LSA
 * (12.4.1, 12.4.2), ageing, and SPF a short while after the LSDB changed,
 * whose routes go to the RIB (distance 110). docs/routing.md has what is
 * not done yet.
 */
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

/* ---- configuration ------------------------------------------------------- */

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

static int parse_area_id(struct cfg_parser *cp, const yaml_node_t *n, uint32_t *out)
{
    const char *s;
    struct in_addr a;
    char *end;
    unsigned long v;
    int r;

    if ((r = cfg_str(cp, n, "area id", &s)) != 0)
        return r;
    if (inet_pton(AF_INET, s, &a) == 1) {
        *out = ntohl(a.s_addr);
        return 0;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v > 0xffffffffUL || *s == '-')
        return cfg_fail(cp, n, "area id: %s is neither a dotted quad nor a number", s);
    *out = (uint32_t)v;
    return 0;
}

static int parse_md5(struct cfg_parser *cp, const yaml_node_t *n, struct ospf_if_cfg *ic)
{
    const yaml_node_t *key = NULL;
    uint64_t id = 0;
    bool have_id = false;
    const char *s;
    int r;

    if ((r = cfg_map(cp, n, "md5")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *v = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "id") == 0) {
            if ((r = cfg_uint(cp, v, "md5.id", 0, 255, &id)) != 0)
                return r;
            have_id = true;
        } else if (strcmp(ks, "key") == 0)
            key = v;
        else
            return cfg_fail(cp, k, "md5: unknown key %s", ks);
    }
    if (!have_id || key == NULL)
        return cfg_fail(cp, n, "md5: `id` and `key` are required");
    if ((r = cfg_str(cp, key, "md5.key", &s)) != 0)
        return r;
    if (strlen(s) < 1 || strlen(s) > 16)
        return cfg_fail(cp, key, "md5.key: 1 to 16 characters");
    ic->md5 = true;
    ic->key_id = (uint8_t)id;
    snprintf(ic->key, sizeof(ic->key), "%s", s);
    return 0;
}

static int parse_iface(struct cfg_parser *cp, const yaml_node_t *n, uint32_t area,
                       struct ospf_config *oc)
{
    static const char *const types[] = {"broadcast", "ptp", NULL};
    struct ospf_if_cfg ic = {.area = area,
                             .type = OSPF_IF_BROADCAST,
                             .cost = 10,
                             .hello = 10,
                             .dead = 40,
                             .rxmt = 5,
                             .priority = 1,
                             .line = cfg_line(n)};
    const struct cfg_iface *ci;
    const yaml_node_t *name = NULL;
    struct ospf_if_cfg *v;
    bool have_dead = false;
    uint64_t u;
    int r, t;

    if ((r = cfg_map(cp, n, "an ospf interface")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const char *qs;

            if (cfg_str(cp, cfg_node(cp, q->key), "a key", &qs) == 0 && strcmp(qs, ks) == 0)
                return cfg_fail(cp, k, "ospf interface: %s given twice", ks);
        }
        if (strcmp(ks, "name") == 0) {
            name = val;
            if ((r = cfg_name(cp, val, "name", CFG_IFNAME_MAX, ic.name)) != 0)
                return r;
        } else if (strcmp(ks, "type") == 0) {
            if ((r = cfg_enum(cp, val, "type", types, &t)) != 0)
                return r;
            ic.type = t == 0 ? OSPF_IF_BROADCAST : OSPF_IF_P2P;
        } else if (strcmp(ks, "cost") == 0) {
            if ((r = cfg_uint(cp, val, "cost", 1, 65535, &u)) != 0)
                return r;
            ic.cost = (uint16_t)u;
        } else if (strcmp(ks, "hello") == 0) {
            if ((r = cfg_uint(cp, val, "hello", 1, 65535, &u)) != 0)
                return r;
            ic.hello = (uint16_t)u;
        } else if (strcmp(ks, "dead") == 0) {
            if ((r = cfg_uint(cp, val, "dead", 1, 65535, &u)) != 0)
                return r;
            ic.dead = (uint32_t)u;
            have_dead = true;
        } else if (strcmp(ks, "retransmit") == 0) {
            if ((r = cfg_uint(cp, val, "retransmit", 1, 3600, &u)) != 0)
                return r;
            ic.rxmt = (uint16_t)u;
        } else if (strcmp(ks, "priority") == 0) {
            if ((r = cfg_uint(cp, val, "priority", 0, 255, &u)) != 0)
                return r;
            ic.priority = (uint8_t)u;
        } else if (strcmp(ks, "passive") == 0) {
            if ((r = cfg_bool(cp, val, "passive", &ic.passive)) != 0)
                return r;
        } else if (strcmp(ks, "md5") == 0) {
            if ((r = parse_md5(cp, val, &ic)) != 0)
                return r;
        } else
            return cfg_fail(cp, k, "ospf interface: unknown key %s", ks);
    }
    if (name == NULL)
        return cfg_fail(cp, n, "ospf interface: `name` is required");
    if (!have_dead)
        ic.dead = 4u * ic.hello;
    if (ic.dead <= ic.hello)
        return cfg_fail(cp, n, "ospf interface %s: dead (%u) must be above hello (%u)", ic.name,
                        ic.dead, ic.hello);
    if ((ci = config_iface_find(cfg_router(cp), ic.name)) == NULL)
        return cfg_fail(cp, name, "ospf interface: there is no interface %s", ic.name);
    r = 0;
    for (size_t i = 0; i < ci->n_addrs; i++)
        if (ci->addrs[i].addr.family == AF_INET)
            r = 1;
    if (!r)
        return cfg_fail(cp, name, "ospf interface %s: it has no IPv4 address", ic.name);
    for (size_t i = 0; i < oc->n_ifs; i++)
        if (strcmp(oc->ifs[i].name, ic.name) == 0)
            return cfg_fail(cp, name, "ospf interface %s: named twice", ic.name);
    if ((v = realloc(oc->ifs, (oc->n_ifs + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    oc->ifs = v;
    v[oc->n_ifs++] = ic;
    return 0;
}

static int parse_area(struct cfg_parser *cp, const yaml_node_t *n, struct ospf_config *oc)
{
    const yaml_node_t *ifs = NULL, *idn = NULL;
    uint32_t id = 0, *v;
    int r;

    if ((r = cfg_map(cp, n, "an ospf area")) != 0)
        return r;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if (strcmp(ks, "id") == 0 && idn == NULL)
            idn = val;
        else if (strcmp(ks, "interfaces") == 0 && ifs == NULL)
            ifs = val;
        else if (strcmp(ks, "id") == 0 || strcmp(ks, "interfaces") == 0)
            return cfg_fail(cp, k, "ospf area: %s given twice", ks);
        else
            return cfg_fail(cp, k, "ospf area: unknown key %s", ks);
    }
    if (idn == NULL)
        return cfg_fail(cp, n, "ospf area: `id` is required");
    if ((r = parse_area_id(cp, idn, &id)) != 0)
        return r;
    for (size_t i = 0; i < oc->n_areas; i++)
        if (oc->areas[i] == id)
            return cfg_fail(cp, idn, "ospf area %u.%u.%u.%u: named twice", id >> 24, id >> 16 & 255,
                            id >> 8 & 255, id & 255);
    if ((v = realloc(oc->areas, (oc->n_areas + 1) * sizeof(*v))) == NULL)
        return cfg_fail(cp, n, "out of memory");
    oc->areas = v;
    v[oc->n_areas++] = id;
    if (ifs == NULL)
        return 0;
    if ((r = cfg_seq(cp, ifs, "interfaces")) != 0)
        return r;
    for (yaml_node_item_t *it = ifs->data.sequence.items.start; it < ifs->data.sequence.items.top;
         it++)
        if ((r = parse_iface(cp, cfg_node(cp, *it), id, oc)) != 0)
            return r;
    return 0;
}

static int ospf_config_parse(struct cfg_parser *cp, const yaml_node_t *node,
                             struct proto_config *pc)
{
    struct ospf_config *oc = (struct ospf_config *)pc;
    const yaml_node_t *areas = NULL;
    int r;

    if (node == NULL)
        return 0;
    if ((r = cfg_map(cp, node, "ospf")) != 0)
        return r;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = cfg_node(cp, p->key), *val = cfg_node(cp, p->value);
        const char *ks;

        if ((r = cfg_str(cp, k, "a key", &ks)) != 0)
            return r;
        if ((r = cfg_proto_common(cp, ks, val, pc)) < 0)
            return r;
        if (r == 1)
            continue;
        if (strcmp(ks, "areas") == 0 && areas == NULL)
            areas = val;
        else if (strcmp(ks, "areas") == 0)
            return cfg_fail(cp, k, "ospf: areas given twice");
        else
            return cfg_fail(cp, k, "ospf: unknown key %s", ks);
    }
    if (areas == NULL)
        return cfg_fail(cp, node, "ospf: `areas` is required");
    if ((r = cfg_seq(cp, areas, "areas")) != 0)
        return r;
    for (yaml_node_item_t *it = areas->data.sequence.items.start;
         it < areas->data.sequence.items.top; it++)
        if ((r = parse_area(cp, cfg_node(cp, *it), oc)) != 0)
            return r;
    if (oc->n_areas == 0)
        return cfg_fail(cp, areas, "ospf: no areas");
    return 0;
}

static void ospf_config_print(const struct proto_config *pc, FILE *out, int indent)
{
    const struct ospf_config *oc = (const struct ospf_config *)pc;

    fprintf(out, "%*sareas:\n", indent, "");
    for (size_t a = 0; a < oc->n_areas; a++) {
        uint32_t id = oc->areas[a];
        bool any = false;

        fprintf(out, "%*s  - id: %u.%u.%u.%u\n", indent, "", id >> 24, id >> 16 & 255,
                id >> 8 & 255, id & 255);
        for (size_t i = 0; i < oc->n_ifs; i++) {
            const struct ospf_if_cfg *ic = &oc->ifs[i];

            if (ic->area != id)
                continue;
            if (!any)
                fprintf(out, "%*s    interfaces:\n", indent, "");
            any = true;
            fprintf(out, "%*s      - {name: ", indent, "");
            cfg_put_scalar(out, ic->name);
            fprintf(out, ", type: %s, cost: %u, hello: %u, dead: %u, retransmit: %u, priority: %u",
                    ic->type == OSPF_IF_P2P ? "ptp" : "broadcast", ic->cost, ic->hello, ic->dead,
                    ic->rxmt, ic->priority);
            if (ic->passive)
                fprintf(out, ", passive: true");
            if (ic->md5) {
                fprintf(out, ", md5: {id: %u, key: ", ic->key_id);
                cfg_put_scalar(out, ic->key);
                fprintf(out, "}");
            }
            fprintf(out, "}\n");
        }
    }
}

static void ospf_config_free(struct proto_config *pc)
{
    struct ospf_config *oc = (struct ospf_config *)pc;

    free(oc->areas);
    free(oc->ifs);
}

/* ---- the instance -------------------------------------------------------- */

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
    bool imported;        /* the LSDB came from state records: SPF at once */
    ospf_time_t sweep_at; /* first SPF from then on withdraws RIB routes it lacks */
    struct ckpt *ckpts;   /* core generation <-> LSDB generations, for exports since G */
    size_t n_ckpts;
    uint64_t rx, tx, spf_runs, drops;
    uint64_t drop[OSPF_ERR_COUNT];
};

static uint8_t rxbuf[RX_BUF];
static uint8_t txbuf[MAX_PKT + OSPF_MD5_LEN];
static uint8_t lsabuf[MAX_PKT]; /* LSAs with their current age, for an LS Update */

static ospf_time_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ospf_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ip4(uint32_t a, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
    return buf;
}

static struct lsdb *db_for(struct ospf_inst *o, struct oarea *a, uint8_t type)
{
    return type == LSA_EXTERNAL ? &o->as_db : &a->db;
}

static void schedule_spf(struct ospf_inst *o, ospf_time_t now)
{
    if (o->spf_at == 0)
        o->spf_at = now + SPF_DELAY;
}

static bool same_key(const struct lsa_hdr *a, const struct lsa_hdr *b)
{
    return a->type == b->type && a->id == b->id && a->adv_rtr == b->adv_rtr;
}

/* ---- sending ------------------------------------------------------------- */

static size_t pkt_cap(const struct oif *oi)
{
    size_t cap = (size_t)oi->mtu - 20 - OSPF_MD5_LEN; /* IP header, digest */

    return cap > MAX_PKT ? MAX_PKT : cap;
}

static void send_pkt(struct oif *oi, uint32_t dst, int len)
{
    struct ospf_inst *o = oi->o;
    int n, r;

    if (len < 0 || oi->fd < 0)
        return;
    n = ospf_pkt_finish(txbuf, (size_t)len, sizeof(txbuf), &oi->auth, ++o->crypto_seq);
    if (n < 0) {
        log_warnx("ospf: %s: cannot finish a packet: %s", oi->name, strerror(-n));
        return;
    }
    if ((r = ospf_io_send(oi->fd, (int)oi->ifc.ifindex, dst, txbuf, (size_t)n)) < 0) {
        char b[16];

        log_debug("ospf: %s: send to %s: %s", oi->name, ip4(dst, b), strerror(-r));
        return;
    }
    o->tx++;
}

static uint32_t flood_dst(const struct oif *oi)
{
    if (oi->ifc.type == OSPF_IF_P2P || oi->ifc.state == OSPF_IFS_DR ||
        oi->ifc.state == OSPF_IFS_BACKUP)
        return OSPF_ALL_SPF_ROUTERS;
    return OSPF_ALL_D_ROUTERS;
}

static uint32_t nbr_dst(const struct onbr *nb)
{
    return nb->oi->ifc.type == OSPF_IF_P2P ? OSPF_ALL_SPF_ROUTERS : nb->n.addr;
}

static void send_hello(struct oif *oi)
{
    struct ospf_hello h = {.mask = oi->ifc.mask,
                           .hello_interval = oi->ifc.hello_interval,
                           .options = OSPF_OPT_E,
                           .priority = oi->ifc.priority,
                           .dead_interval = oi->ifc.dead_interval,
                           .dr = oi->ifc.dr,
                           .bdr = oi->ifc.bdr};
    uint32_t ids[256];
    uint32_t n = 0;

    for (struct onbr *nb = oi->nbrs; nb != NULL && n < 256; nb = nb->next)
        if (!nb->removed && nb->n.state >= OSPF_NS_INIT)
            ids[n++] = nb->n.rid;
    send_pkt(oi, OSPF_ALL_SPF_ROUTERS,
             ospf_hello_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, &h, ids, n));
}

/* Send the LSAs of entries es[0..n) (current ages) in as many LS Updates as they need. */
static void send_lsus(struct oif *oi, uint32_t dst, struct lsdb_entry *const *es, size_t n,
                      ospf_time_t now)
{
    const uint8_t *ptrs[512];
    size_t used = 0, k = 0, size = 24 + 4;

    for (size_t i = 0; i <= n; i++) {
        int len = 0;

        if (i < n && (len = lsdb_copy_raw(es[i], now, lsabuf + used, sizeof(lsabuf) - used)) < 0)
            len = -1;
        if (k > 0 && (i == n || len < 0 || size + (size_t)len > pkt_cap(oi) || k == 512)) {
            send_pkt(oi, dst,
                     ospf_lsupd_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, ptrs,
                                      (uint32_t)k, 1));
            k = 0;
            used = 0;
            size = 24 + 4;
            if (i < n)
                len = lsdb_copy_raw(es[i], now, lsabuf, sizeof(lsabuf));
        }
        if (i == n || len <= 0 || size + (size_t)len > pkt_cap(oi))
            continue; /* an LSA bigger than the MTU is not sent (no fragmentation here) */
        ptrs[k++] = lsabuf + used;
        used += (size_t)len;
        size += (size_t)len;
    }
}

static void send_acks(struct oif *oi, uint32_t dst, const struct lsa_hdr *h, size_t n)
{
    size_t per = (pkt_cap(oi) - 24) / LSA_HDR_LEN;

    for (size_t i = 0; i < n; i += per) {
        size_t k = n - i < per ? n - i : per;

        send_pkt(
            oi, dst,
            ospf_lsack_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, h + i, (uint32_t)k));
    }
}

static void send_dd(struct onbr *nb, uint8_t flags, const struct lsa_hdr *hdrs, uint32_t n)
{
    struct oif *oi = nb->oi;
    struct ospf_dd dd = {
        .mtu = (uint16_t)oi->mtu, .options = OSPF_OPT_E, .flags = flags, .seq = nb->n.dd_seq};
    int len = ospf_dd_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, &dd, hdrs, n);
    uint8_t *v;

    if (len < 0)
        return;
    if ((v = realloc(nb->last_dd, (size_t)len)) != NULL) {
        memcpy(v, txbuf, (size_t)len);
        nb->last_dd = v;
        nb->last_dd_len = (size_t)len;
    }
    nb->last_sent_m = flags & OSPF_DD_M;
    send_pkt(oi, nbr_dst(nb), len);
}

static void resend_dd(struct onbr *nb)
{
    if (nb->last_dd == NULL || nb->last_dd_len > sizeof(txbuf))
        return;
    memcpy(txbuf, nb->last_dd, nb->last_dd_len);
    send_pkt(nb->oi, nbr_dst(nb), (int)nb->last_dd_len);
}

/* The next DD of the exchange: as many summary headers as fit, M while more remain. */
static void send_dd_next(struct onbr *nb, ospf_time_t now)
{
    size_t per = (pkt_cap(nb->oi) - 24 - OSPF_DD_LEN) / LSA_HDR_LEN;
    size_t left = nb->n_summary - nb->summary_pos, k = left < per ? left : per;
    uint8_t flags = nb->n.master ? OSPF_DD_MS : 0;

    if (nb->summary_pos + k < nb->n_summary)
        flags |= OSPF_DD_M;
    send_dd(nb, flags, nb->summary + nb->summary_pos, (uint32_t)k);
    nb->summary_pos += k;
    if (nb->n.master)
        nb->n.rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
}

static void send_lsr(struct onbr *nb, ospf_time_t now)
{
    struct oif *oi = nb->oi;
    size_t per = (pkt_cap(oi) - 24) / OSPF_LSREQ_ENT;
    struct ospf_lsreq_ent ents[256];
    uint32_t k = 0;

    if (per > 256)
        per = 256;
    for (size_t i = 0; i < nb->n_req && k < per; i++) {
        nb->req[i].sent = true;
        ents[k++] =
            (struct ospf_lsreq_ent){nb->req[i].h.type, nb->req[i].h.id, nb->req[i].h.adv_rtr};
    }
    if (k == 0)
        return;
    send_pkt(oi, nbr_dst(nb),
             ospf_lsreq_build(txbuf, pkt_cap(oi), oi->o->rid, oi->area->id, ents, k));
    nb->n.rxmt_at = now + (ospf_time_t)oi->cfg->rxmt * 1000;
}

/* ---- neighbour lists ----------------------------------------------------- */

static void lists_clear(struct onbr *nb)
{
    free(nb->summary);
    nb->summary = NULL;
    nb->n_summary = nb->summary_pos = 0;
    nb->n_req = 0;
    nb->n.n_lsreq = 0;
    nb->n_rxmt = 0;
    nb->lsu_rxmt_at = 0;
    nb->have_rx = false;
}

static ssize_t req_find(const struct onbr *nb, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < nb->n_req; i++)
        if (same_key(&nb->req[i].h, h))
            return (ssize_t)i;
    return -1;
}

static void req_del(struct onbr *nb, size_t i)
{
    memmove(&nb->req[i], &nb->req[i + 1], (nb->n_req - i - 1) * sizeof(nb->req[0]));
    nb->n_req--;
    nb->n.n_lsreq = (uint32_t)nb->n_req;
}

static void req_add(struct onbr *nb, const struct lsa_hdr *h)
{
    ssize_t i = req_find(nb, h);

    if (i >= 0) {
        if (lsa_newer(h, &nb->req[i].h) > 0)
            nb->req[i].h = *h;
        return;
    }
    if (nb->n_req == nb->cap_req) {
        size_t cap = nb->cap_req ? nb->cap_req * 2 : 16;
        struct req_ent *v = realloc(nb->req, cap * sizeof(*v));

        if (v == NULL)
            return;
        nb->req = v;
        nb->cap_req = cap;
    }
    nb->req[nb->n_req++] = (struct req_ent){*h, false};
    nb->n.n_lsreq = (uint32_t)nb->n_req;
}

static ssize_t rxmt_find(const struct onbr *nb, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < nb->n_rxmt; i++)
        if (same_key(&nb->rxmt[i].h, h))
            return (ssize_t)i;
    return -1;
}

static void rxmt_del(struct onbr *nb, size_t i)
{
    nb->rxmt[i] = nb->rxmt[--nb->n_rxmt];
    if (nb->n_rxmt == 0)
        nb->lsu_rxmt_at = 0;
}

static void rxmt_add(struct onbr *nb, const struct lsa_hdr *h, ospf_time_t now)
{
    ssize_t i = rxmt_find(nb, h);

    if (i >= 0) {
        nb->rxmt[i].h = *h;
        return;
    }
    if (nb->n_rxmt == nb->cap_rxmt) {
        size_t cap = nb->cap_rxmt ? nb->cap_rxmt * 2 : 16;
        struct rxmt_ent *v = realloc(nb->rxmt, cap * sizeof(*v));

        if (v == NULL)
            return;
        nb->rxmt = v;
        nb->cap_rxmt = cap;
    }
    nb->rxmt[nb->n_rxmt++].h = *h;
    if (nb->lsu_rxmt_at == 0)
        nb->lsu_rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
}

/* Whether the key is on any retransmission list, or any neighbour is in Exchange or Loading. */
static bool flush_blocked(struct ospf_inst *o, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        for (struct onbr *nb = o->ifs[i].nbrs; nb != NULL; nb = nb->next) {
            if (nb->removed)
                continue;
            if (nb->n.state == OSPF_NS_EXCHANGE || nb->n.state == OSPF_NS_LOADING)
                return true;
            if (h != NULL && rxmt_find(nb, h) >= 0)
                return true;
        }
    return false;
}

static void summary_fill(struct onbr *nb, ospf_time_t now)
{
    struct ospf_inst *o = nb->oi->o;
    struct lsdb *dbs[2] = {&nb->oi->area->db, &o->as_db};
    size_t n = lsdb_count(dbs[0]) + lsdb_count(dbs[1]);

    free(nb->summary);
    nb->summary = calloc(n ? n : 1, sizeof(*nb->summary));
    nb->n_summary = nb->summary_pos = 0;
    if (nb->summary == NULL)
        return;
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < lsdb_count(dbs[d]); i++) {
            struct lsdb_entry *e = lsdb_at(dbs[d], i);
            struct lsa_hdr h;

            lsdb_hdr(e, now, &h);
            if (h.age >= OSPF_MAX_AGE) {
                rxmt_add(nb, &h, now); /* 10.3: MaxAge LSAs go to the retransmission list */
                continue;
            }
            nb->summary[nb->n_summary++] = h;
        }
}

/* ---- the state machines' actions ----------------------------------------- */

static void if_event(struct oif *oi, enum ospf_if_event ev, ospf_time_t now);

static uint32_t dd_seed(void)
{
    return (uint32_t)time(NULL) ^ (uint32_t)rand();
}

static void nbr_actions(struct onbr *nb, uint32_t act, ospf_time_t now)
{
    struct oif *oi = nb->oi;

    if (act & OSPF_NA_CLEAR_LISTS)
        lists_clear(nb);
    if (act & OSPF_NA_SEND_DD) {
        nb->summary_pos = 0;
        nb->have_rx = false;
        send_dd(nb, OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS, NULL, 0);
        nb->n.rxmt_at = now + (ospf_time_t)oi->cfg->rxmt * 1000;
    }
    if (act & OSPF_NA_FILL_SUMMARY)
        summary_fill(nb, now);
    if (act & OSPF_NA_SEND_LSREQ)
        send_lsr(nb, now);
    if (act & (OSPF_NA_ORIG_RTR | OSPF_NA_ORIG_NET))
        oi->area->dirty = true;
    if (act & OSPF_NA_REMOVE)
        nb->removed = true;
    if (act & OSPF_NA_NBR_CHANGE)
        if_event(oi, OSPF_IFE_NBR_CHANGE, now);
}

static void nbr_event(struct onbr *nb, enum ospf_nbr_event ev, ospf_time_t now)
{
    uint32_t act = 0;
    int old = nb->n.state;
    char b[16];

    if (nb->removed)
        return;
    ospf_nbr_event(&nb->n, &nb->oi->ifc, ev, now, dd_seed(), &act);
    if (old != nb->n.state)
        log_info("ospf: %s: neighbour %s: %s -> %s", nb->oi->name, ip4(nb->n.rid, b),
                 ospf_nbr_state_name(old), ospf_nbr_state_name(nb->n.state));
    nbr_actions(nb, act, now);
}

static size_t cands(struct oif *oi, struct ospf_dr_cand *c, size_t max)
{
    size_t n = 0;

    for (struct onbr *nb = oi->nbrs; nb != NULL && n < max; nb = nb->next)
        if (!nb->removed && nb->n.state >= OSPF_NS_2WAY)
            c[n++] =
                (struct ospf_dr_cand){nb->n.rid, nb->n.addr, nb->n.priority, nb->n.dr, nb->n.bdr};
    return n;
}

static void if_actions(struct oif *oi, uint32_t act, ospf_time_t now)
{
    if (act & OSPF_IA_JOIN_DR && !oi->joined_dr && oi->fd >= 0)
        oi->joined_dr = ospf_io_group(oi->fd, (int)oi->ifc.ifindex, OSPF_ALL_D_ROUTERS, true) == 0;
    if (act & OSPF_IA_LEAVE_DR && oi->joined_dr && oi->fd >= 0) {
        ospf_io_group(oi->fd, (int)oi->ifc.ifindex, OSPF_ALL_D_ROUTERS, false);
        oi->joined_dr = false;
    }
    if (act & (OSPF_IA_ORIG_RTR | OSPF_IA_ORIG_NET | OSPF_IA_FLUSH_NET))
        oi->area->dirty = true;
    if (act & OSPF_IA_KILL_NBRS)
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            nbr_event(nb, OSPF_NE_KILL, now);
    if (act & OSPF_IA_ADJ_OK)
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (!nb->removed && nb->n.state >= OSPF_NS_2WAY)
                nbr_event(nb, OSPF_NE_ADJ_OK, now);
    if (act & OSPF_IA_SEND_HELLO)
        send_hello(oi);
}

static void if_event(struct oif *oi, enum ospf_if_event ev, ospf_time_t now)
{
    struct ospf_dr_cand c[256];
    size_t n = cands(oi, c, 256);
    uint32_t act = 0;
    int old = oi->ifc.state;
    char b1[16], b2[16];

    ospf_iface_event(&oi->ifc, ev, c, n, now, &act);
    if (old != oi->ifc.state)
        log_info("ospf: %s: %s -> %s (DR %s, BDR %s)", oi->name, ospf_if_state_name(old),
                 ospf_if_state_name(oi->ifc.state), ip4(oi->ifc.dr, b1), ip4(oi->ifc.bdr, b2));
    if_actions(oi, act, now);
}

/* ---- flooding (13.3) ----------------------------------------------------- */

static void loading_check(struct onbr *nb, ospf_time_t now)
{
    if (nb->removed || nb->n.state < OSPF_NS_EXCHANGE)
        return;
    if (nb->n_req == 0) {
        if (nb->n.state == OSPF_NS_LOADING)
            nbr_event(nb, OSPF_NE_LOADING_DONE, now);
        return;
    }
    if (nb->n.state != OSPF_NS_LOADING)
        return;
    for (size_t i = 0; i < nb->n_req; i++)
        if (nb->req[i].sent)
            return;
    send_lsr(nb, now); /* the last request was answered: ask for the next ones */
}

/*
 * Flood e out of the interfaces of its scope (area a, or every interface for
 * AS-external LSAs), received on rx_if from rx_nbr (NULL: originated here).
 * Returns whether it went back out of the receiving interface.
 */
static bool flood(struct ospf_inst *o, struct oarea *a, struct lsdb_entry *e, struct oif *rx_if,
                  struct onbr *rx_nbr, ospf_time_t now)
{
    struct lsa_hdr h;
    bool back = false;

    lsdb_hdr(e, now, &h);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        bool added = false;

        if (oi->fd < 0 || !oi->up || (h.type != LSA_EXTERNAL && oi->area != a))
            continue;
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            ssize_t r;

            if (nb->removed || nb->n.state < OSPF_NS_EXCHANGE)
                continue;
            if (nb->n.state < OSPF_NS_FULL && (r = req_find(nb, &h)) >= 0) {
                int cmp = lsa_newer(&h, &nb->req[r].h);

                if (cmp < 0)
                    continue;
                req_del(nb, (size_t)r);
                loading_check(nb, now);
                if (cmp == 0)
                    continue;
            }
            if (nb == rx_nbr)
                continue;
            rxmt_add(nb, &h, now);
            added = true;
        }
        if (!added)
            continue;
        if (oi == rx_if && oi->ifc.type == OSPF_IF_BROADCAST && rx_nbr != NULL &&
            (rx_nbr->n.addr == oi->ifc.dr || rx_nbr->n.addr == oi->ifc.bdr))
            continue;
        if (oi == rx_if && oi->ifc.state == OSPF_IFS_BACKUP)
            continue;
        if (oi == rx_if)
            back = true;
        send_lsus(oi, flood_dst(oi), &e, 1, now);
    }
    return back;
}

static void rxmt_remove_all(struct ospf_inst *o, const struct lsa_hdr *h)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        for (struct onbr *nb = o->ifs[i].nbrs; nb != NULL; nb = nb->next) {
            ssize_t r = rxmt_find(nb, h);

            if (r >= 0)
                rxmt_del(nb, (size_t)r);
        }
}

/* ---- origination (12.4) -------------------------------------------------- */

static bool nbr_full(const struct oif *oi, uint32_t addr)
{
    for (const struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
        if (!nb->removed && nb->n.state == OSPF_NS_FULL && (addr == 0 || nb->n.addr == addr))
            return true;
    return false;
}

static bool want_net(const struct oif *oi)
{
    return oi->up && oi->fd >= 0 && oi->ifc.type == OSPF_IF_BROADCAST &&
           oi->ifc.state == OSPF_IFS_DR && nbr_full(oi, 0);
}

/*
 * Install l as our new instance unless what we have says the same (or
 * force), and flood it. Returns 0, or 1 with *retry set when it must be
 * tried again then (MinLSInterval, or a sequence number wrap's flush first).
 */
static int originate(struct ospf_inst *o, struct oarea *a, struct lsa *l, bool force,
                     ospf_time_t now, ospf_time_t *retry)
{
    struct lsdb *db = db_for(o, a, l->hdr.type);
    struct lsdb_entry *e = lsdb_find(db, l->hdr.type, l->hdr.id, o->rid), *ne = NULL;
    uint8_t buf[8192];
    int len, r;

    l->hdr.adv_rtr = o->rid;
    l->hdr.seq = e != NULL ? e->lsa.hdr.seq : OSPF_INITIAL_SEQ;
    if ((len = lsa_build(l, buf, sizeof(buf))) < 0)
        return 0;
    if (!force && e != NULL && !(e->flags & LSDB_F_MAXAGE) && e->lsa.hdr.length == len &&
        e->raw[2] == buf[2] &&
        memcmp(e->raw + LSA_HDR_LEN, buf + LSA_HDR_LEN, (size_t)len - LSA_HDR_LEN) == 0 &&
        lsdb_age(e, now) < OSPF_MAX_AGE)
        return 0;
    r = lsdb_originate(db, l, now, &ne);
    if (r == -EAGAIN) {
        *retry = e->installed + OSPF_MIN_LS_INTERVAL * 1000 + 1;
        return 1;
    }
    if (r < 0 && r != -EBUSY) {
        log_warnx("ospf: originating %s %08x: %d", lsa_type_name(l->hdr.type), l->hdr.id, r);
        return 0;
    }
    if (ne != NULL) {
        struct lsa_hdr h;

        lsdb_hdr(ne, now, &h);
        rxmt_remove_all(o, &h);
        flood(o, a, ne, NULL, NULL, now);
    }
    schedule_spf(o, now);
    if (r == -EBUSY) {
        *retry = now + 1000; /* the flush goes first; originate again once it is gone */
        return 1;
    }
    return 0;
}

static void originate_area(struct ospf_inst *o, struct oarea *a, ospf_time_t now)
{
    struct lsa_rt_link links[512];
    struct lsa l;
    uint16_t n = 0;
    bool force = a->force;
    struct lsa_hdr flush[64];
    size_t n_flush = 0;
    ospf_time_t retry = 0;
    bool again = false;

    a->dirty = false;
    a->force = false;
    a->retry_at = 0;
    for (size_t i = 0; i < o->n_ifs && n < 510; i++) {
        struct oif *oi = &o->ifs[i];
        uint32_t net = oi->ifc.addr & oi->ifc.mask;

        if (oi->area != a || !oi->up)
            continue;
        if (oi->cfg->passive) {
            if (oi->ifc.mask == 0xffffffffu)
                links[n++] = (struct lsa_rt_link){oi->ifc.addr, 0xffffffffu, LSA_LINK_STUB, 0};
            else
                links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
            continue;
        }
        if (oi->ifc.state == OSPF_IFS_DOWN)
            continue;
        if (oi->ifc.type == OSPF_IF_P2P) {
            for (struct onbr *nb = oi->nbrs; nb != NULL && n < 510; nb = nb->next)
                if (!nb->removed && nb->n.state == OSPF_NS_FULL)
                    links[n++] =
                        (struct lsa_rt_link){nb->n.rid, oi->ifc.addr, LSA_LINK_P2P, oi->ifc.cost};
            links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
            continue;
        }
        if (oi->ifc.state != OSPF_IFS_WAITING && oi->ifc.dr != 0 &&
            ((oi->ifc.state == OSPF_IFS_DR && nbr_full(oi, 0)) || nbr_full(oi, oi->ifc.dr)))
            links[n++] =
                (struct lsa_rt_link){oi->ifc.dr, oi->ifc.addr, LSA_LINK_TRANSIT, oi->ifc.cost};
        else
            links[n++] = (struct lsa_rt_link){net, oi->ifc.mask, LSA_LINK_STUB, oi->ifc.cost};
    }
    memset(&l, 0, sizeof(l));
    l.hdr.type = LSA_ROUTER;
    l.hdr.id = o->rid;
    l.hdr.options = OSPF_OPT_E;
    l.u.rt.n_links = n;
    l.u.rt.links = links;
    for (size_t i = 0; i < o->n_exts; i++)
        if (o->exts[i].present)
            l.u.rt.flags |= LSA_RT_E; /* an AS boundary router */
    if (originate(o, a, &l, force, now, &retry))
        again = true;

    /* network-LSAs: ours where we are DR with a full neighbour; flush the others */
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        uint32_t rtrs[257];
        uint32_t k = 0;

        if (oi->area != a || !want_net(oi))
            continue;
        rtrs[k++] = o->rid;
        for (struct onbr *nb = oi->nbrs; nb != NULL && k < 257; nb = nb->next)
            if (!nb->removed && nb->n.state == OSPF_NS_FULL)
                rtrs[k++] = nb->n.rid;
        memset(&l, 0, sizeof(l));
        l.hdr.type = LSA_NETWORK;
        l.hdr.id = oi->ifc.addr;
        l.hdr.options = OSPF_OPT_E;
        l.u.net.mask = oi->ifc.mask;
        l.u.net.n_routers = k;
        l.u.net.routers = rtrs;
        if (originate(o, a, &l, force, now, &retry))
            again = true;
    }
    for (size_t i = 0; i < lsdb_count(&a->db) && n_flush < 64; i++) {
        struct lsdb_entry *e = lsdb_at(&a->db, i);
        bool wanted = false;

        if (e->lsa.hdr.type != LSA_NETWORK || !(e->flags & LSDB_F_SELF) ||
            (e->flags & LSDB_F_MAXAGE))
            continue;
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].area == a && o->ifs[j].ifc.addr == e->lsa.hdr.id && want_net(&o->ifs[j]))
                wanted = true;
        if (!wanted)
            flush[n_flush++] = e->lsa.hdr;
    }
    for (size_t i = 0; i < n_flush; i++) {
        struct lsdb_entry *e = lsdb_find(&a->db, flush[i].type, flush[i].id, flush[i].adv_rtr);

        if (e == NULL)
            continue;
        lsdb_flush(&a->db, e, now);
        flood(o, a, e, NULL, NULL, now);
        schedule_spf(o, now);
    }
    if (again) {
        a->dirty = true;
        a->force = force;
        a->retry_at = retry;
    }
}

/* Originate or flush the AS-external-LSAs of redistributed routes that changed. */
static void originate_exts(struct ospf_inst *o, ospf_time_t now)
{
    size_t k = 0;

    o->ext_dirty = false;
    o->ext_retry_at = 0;
    for (size_t i = 0; i < o->n_exts; i++) {
        struct ext *x = &o->exts[i];
        struct lsdb_entry *e = lsdb_find(&o->as_db, LSA_EXTERNAL, x->prefix, o->rid);
        ospf_time_t retry = 0;

        if (x->dirty && x->present) {
            struct lsa l;

            memset(&l, 0, sizeof(l));
            l.hdr.type = LSA_EXTERNAL;
            l.hdr.id = x->prefix;
            l.hdr.options = OSPF_OPT_E;
            l.u.ext.mask = lsa_len_mask(x->plen);
            l.u.ext.e2 = true;
            l.u.ext.metric = EXT_METRIC;
            x->dirty = false;
            if (originate(o, &o->areas[0], &l, x->force, now, &retry)) {
                x->dirty = true;
                o->ext_dirty = true;
                o->ext_retry_at =
                    o->ext_retry_at == 0 || retry < o->ext_retry_at ? retry : o->ext_retry_at;
            } else
                x->force = false;
        } else if (x->dirty) {
            x->dirty = false;
            if (e != NULL && !(e->flags & LSDB_F_MAXAGE)) {
                lsdb_flush(&o->as_db, e, now);
                flood(o, NULL, e, NULL, NULL, now);
                schedule_spf(o, now);
            }
        }
        if (x->present || x->dirty)
            o->exts[k++] = *x; /* withdrawn and flushed: forget it */
    }
    o->n_exts = k;
}

static struct ext *ext_find(struct ospf_inst *o, uint32_t prefix)
{
    for (size_t i = 0; i < o->n_exts; i++)
        if (o->exts[i].prefix == prefix)
            return &o->exts[i];
    return NULL;
}

/* ---- SPF and the RIB ----------------------------------------------------- */

static const char *ifname_of(struct ospf_inst *o, uint32_t ifindex)
{
    for (size_t i = 0; i < o->n_ifs; i++)
        if (o->ifs[i].ifc.ifindex == ifindex && o->ifs[i].up)
            return o->ifs[i].name;
    return NULL;
}

static bool route_same(const struct spf_route *a, const struct spf_route *b)
{
    return a->type == b->type && a->cost == b->cost && a->cost2 == b->cost2 && a->n_nh == b->n_nh &&
           memcmp(a->nh, b->nh, a->n_nh * sizeof(a->nh[0])) == 0;
}

static void prefix_of(const struct spf_route *r, struct inet_prefix *p)
{
    memset(p, 0, sizeof(*p));
    p->addr.family = AF_INET;
    p->addr.u.v4.s_addr = htonl(r->prefix);
    p->len = r->plen;
}

struct sweep {
    struct ospf_inst *o;
    const struct spf_result *res;
    struct inet_prefix *gone;
    size_t n;
};

static int sweep_one(void *ctx, const struct rib_route_info *r)
{
    struct sweep *sw = ctx;
    struct inet_prefix *v;

    if (r->src != sw->o->p.src ||
        (r->prefix.addr.family == AF_INET &&
         spf_route_find(sw->res, ntohl(r->prefix.addr.u.v4.s_addr), (uint8_t)r->prefix.len)))
        return 0;
    if ((v = realloc(sw->gone, (sw->n + 1) * sizeof(*v))) == NULL)
        return 0;
    sw->gone = v;
    v[sw->n++] = r->prefix;
    return 0;
}

static void run_spf(struct ospf_inst *o, ospf_time_t now)
{
    struct spf_area sa[16];
    struct spf_iface sif[64];
    size_t n_sa = 0, n_sif = 0;
    struct spf_result res;

    o->spf_at = 0;
    for (size_t a = 0; a < o->n_areas && n_sa < 16; a++) {
        size_t first = n_sif;

        for (size_t i = 0; i < o->n_ifs && n_sif < 64; i++) {
            struct oif *oi = &o->ifs[i];

            if (oi->area == &o->areas[a] && oi->up && !oi->cfg->passive)
                sif[n_sif++] = (struct spf_iface){oi->ifc.ifindex, oi->ifc.addr, oi->ifc.mask};
        }
        sa[n_sa++] = (struct spf_area){o->areas[a].id, &o->areas[a].db, sif + first, n_sif - first};
    }
    if (spf_run(o->rid, sa, n_sa, &o->as_db, now, &res) < 0) {
        log_warnx("ospf: SPF: out of memory");
        schedule_spf(o, now);
        return;
    }
    o->spf_runs++;
    if (o->sweep_at != 0 && o->sweep_at <= now) {
        /* routes of ours in the RIB that this table lacks (imported ones) */
        struct sweep sw = {o, &res, NULL, 0};

        o->sweep_at = 0;
        rib_walk_unsorted(o->p.rib, false, sweep_one, &sw);
        for (size_t i = 0; i < sw.n; i++)
            proto_withdraw(&o->p, &sw.gone[i]);
        free(sw.gone);
    }
    for (size_t i = 0; i < o->rt.n_routes; i++) {
        const struct spf_route *r = &o->rt.routes[i];

        if (spf_route_find(&res, r->prefix, r->plen) == NULL) {
            struct inet_prefix p;

            prefix_of(r, &p);
            proto_withdraw(&o->p, &p);
        }
    }
    for (size_t i = 0; i < res.n_routes; i++) {
        const struct spf_route *r = &res.routes[i], *old;
        struct rib_nh nh[RIB_ECMP_MAX];
        struct rib_attrs at = {-1, r->type == SPF_EXT2 ? r->cost2 : r->cost, nh, 0};
        struct inet_prefix p;

        old = spf_route_find(&o->rt, r->prefix, r->plen);
        if (old != NULL && route_same(old, r))
            continue;
        for (size_t k = 0; k < r->n_nh && at.n_nh < RIB_ECMP_MAX; k++) {
            const char *dev = ifname_of(o, r->nh[k].ifindex);
            struct rib_nh *x = &nh[at.n_nh];

            if (dev == NULL)
                continue;
            memset(x, 0, sizeof(*x));
            x->type = RIB_NH_UNICAST;
            snprintf(x->dev, sizeof(x->dev), "%s", dev);
            if (r->nh[k].gw != 0) {
                uint32_t gw = htonl(r->nh[k].gw);

                x->family = AF_INET;
                memcpy(x->gw, &gw, 4);
            }
            at.n_nh++;
        }
        prefix_of(r, &p);
        if (at.n_nh == 0) {
            if (old != NULL)
                proto_withdraw(&o->p, &p);
            continue;
        }
        proto_announce(&o->p, &p, &at);
    }
    spf_result_free(&o->rt);
    o->rt = res;
}

/* ---- receiving ----------------------------------------------------------- */

static struct onbr *nbr_find(struct oif *oi, uint32_t src, uint32_t rid)
{
    for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
        if (!nb->removed && (oi->ifc.type == OSPF_IF_P2P ? nb->n.rid == rid : nb->n.addr == src))
            return nb;
    return NULL;
}

static void drop_log(struct oif *oi, uint32_t src, const char *what, int reason, uint32_t value,
                     uint32_t offset)
{
    char b[16];

    oi->o->drops++;
    if (reason < 0 && -reason < OSPF_ERR_COUNT)
        oi->o->drop[-reason]++;
    log_warnx("ospf: %s: dropped a packet from %s: %s (value %u, offset %u)", oi->name, ip4(src, b),
              reason < 0 ? ospf_err_name(reason) : what, value, offset);
}

static void rx_hello(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                     ospf_time_t now)
{
    const struct ospf_hello *h = &p->u.hello;
    uint8_t old_prio;
    uint32_t old_dr, old_bdr;
    bool seen = false;

    if ((oi->ifc.type == OSPF_IF_BROADCAST && h->mask != oi->ifc.mask) ||
        h->hello_interval != oi->ifc.hello_interval || h->dead_interval != oi->ifc.dead_interval ||
        (h->options & OSPF_OPT_E) != OSPF_OPT_E) {
        drop_log(oi, src, "hello parameters mismatch", 0, h->hello_interval, 0);
        return;
    }
    if (nb == NULL) {
        if ((nb = calloc(1, sizeof(*nb))) == NULL)
            return;
        nb->oi = oi;
        nb->n.rid = p->hdr.router_id;
        nb->n.addr = src;
        nb->n.priority = h->priority;
        nb->n.dr = h->dr;
        nb->n.bdr = h->bdr;
        nb->next = oi->nbrs;
        oi->nbrs = nb;
    }
    nb->n.addr = src;
    nb->n.rid = p->hdr.router_id;
    old_prio = nb->n.priority;
    old_dr = nb->n.dr;
    old_bdr = nb->n.bdr;
    nb->n.priority = h->priority;
    nb->n.dr = h->dr;
    nb->n.bdr = h->bdr;
    nbr_event(nb, OSPF_NE_HELLO, now);
    for (uint32_t i = 0; i < h->n_nbrs; i++)
        if (ospf_hello_nbr(h, i) == oi->o->rid)
            seen = true;
    if (!seen) {
        nbr_event(nb, OSPF_NE_1WAY, now);
        return;
    }
    nbr_event(nb, OSPF_NE_2WAY, now);
    if (oi->ifc.type != OSPF_IF_BROADCAST || nb->removed)
        return;
    if (old_prio != h->priority)
        if_event(oi, OSPF_IFE_NBR_CHANGE, now);
    if (h->dr == src && h->bdr == 0 && oi->ifc.state == OSPF_IFS_WAITING)
        if_event(oi, OSPF_IFE_BACKUP_SEEN, now);
    else if ((h->dr == src) != (old_dr == src))
        if_event(oi, OSPF_IFE_NBR_CHANGE, now);
    if (h->bdr == src && oi->ifc.state == OSPF_IFS_WAITING)
        if_event(oi, OSPF_IFE_BACKUP_SEEN, now);
    else if ((h->bdr == src) != (old_bdr == src))
        if_event(oi, OSPF_IFE_NBR_CHANGE, now);
}

/* The LSA headers of an accepted DD go to the request list; false on a bad type. */
static bool dd_headers(struct onbr *nb, const struct ospf_dd *dd, ospf_time_t now)
{
    struct ospf_inst *o = nb->oi->o;

    for (uint32_t i = 0; i < dd->n_lsas; i++) {
        struct lsa_hdr h, cur;
        struct lsdb_entry *e;

        ospf_dd_lsa(dd, i, &h);
        if (h.type < LSA_ROUTER || h.type > LSA_EXTERNAL)
            return false;
        e = lsdb_find(db_for(o, nb->oi->area, h.type), h.type, h.id, h.adv_rtr);
        if (e != NULL)
            lsdb_hdr(e, now, &cur);
        if (e == NULL || lsa_newer(&h, &cur) > 0)
            req_add(nb, &h);
    }
    return true;
}

static void dd_record(struct onbr *nb, const struct ospf_dd *dd)
{
    nb->have_rx = true;
    nb->rx_flags = dd->flags;
    nb->rx_opts = dd->options;
    nb->rx_seq = dd->seq;
}

static void dd_accepted(struct onbr *nb, const struct ospf_dd *dd, ospf_time_t now)
{
    dd_record(nb, dd);
    if (!dd_headers(nb, dd, now)) {
        nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
        return;
    }
    if (nb->n.master) {
        nb->n.dd_seq++;
        if (!nb->last_sent_m && !(dd->flags & OSPF_DD_M)) {
            nb->n.rxmt_at = 0;
            nbr_event(nb, OSPF_NE_EXCHANGE_DONE, now);
        } else
            send_dd_next(nb, now);
    } else {
        nb->n.dd_seq = dd->seq;
        send_dd_next(nb, now);
        if (!(dd->flags & OSPF_DD_M) && !nb->last_sent_m)
            nbr_event(nb, OSPF_NE_EXCHANGE_DONE, now);
    }
}

static void rx_dd(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                  ospf_time_t now)
{
    const struct ospf_dd *dd = &p->u.dd;
    bool dup = nb->have_rx && nb->rx_flags == dd->flags && nb->rx_opts == dd->options &&
               nb->rx_seq == dd->seq;
    uint8_t fl = dd->flags & (OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS);

    if (dd->mtu > oi->mtu) {
        drop_log(oi, src, "DD MTU above the interface's", 0, dd->mtu, 0);
        return;
    }
    switch (nb->n.state) {
    case OSPF_NS_INIT:
        nbr_event(nb, OSPF_NE_2WAY, now);
        if (nb->n.state != OSPF_NS_EXSTART)
            return;
        /* fall through */
    case OSPF_NS_EXSTART:
        if (fl == (OSPF_DD_I | OSPF_DD_M | OSPF_DD_MS) && dd->n_lsas == 0 &&
            nb->n.rid > oi->o->rid) {
            nb->n.master = false;
            nb->n.options = dd->options;
            nb->n.rxmt_at = 0;
            nbr_event(nb, OSPF_NE_NEG_DONE, now);
            dd_accepted(nb, dd, now);
        } else if (!(fl & (OSPF_DD_I | OSPF_DD_MS)) && dd->seq == nb->n.dd_seq &&
                   nb->n.rid < oi->o->rid) {
            nb->n.master = true;
            nb->n.options = dd->options;
            nbr_event(nb, OSPF_NE_NEG_DONE, now);
            dd_accepted(nb, dd, now);
        }
        return;
    case OSPF_NS_EXCHANGE:
        if (dup) {
            if (!nb->n.master)
                resend_dd(nb);
            return;
        }
        if ((fl & OSPF_DD_MS) != (nb->n.master ? 0 : OSPF_DD_MS) || (fl & OSPF_DD_I) ||
            dd->options != nb->n.options ||
            dd->seq != (nb->n.master ? nb->n.dd_seq : nb->n.dd_seq + 1)) {
            nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
            return;
        }
        dd_accepted(nb, dd, now);
        return;
    case OSPF_NS_LOADING:
    case OSPF_NS_FULL:
        if (dup) {
            if (!nb->n.master)
                resend_dd(nb);
            return;
        }
        nbr_event(nb, OSPF_NE_SEQ_MISMATCH, now);
        return;
    default:
        return;
    }
}

static void rx_lsreq(struct oif *oi, struct onbr *nb, const struct ospf_pkt *p, ospf_time_t now)
{
    struct lsdb_entry *es[256];
    size_t k = 0;

    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    for (uint32_t i = 0; i < p->u.lsreq.n; i++) {
        struct ospf_lsreq_ent r;
        struct lsdb_entry *e = NULL;

        ospf_lsreq_get(&p->u.lsreq, i, &r);
        if (r.type >= LSA_ROUTER && r.type <= LSA_EXTERNAL)
            e = lsdb_find(db_for(oi->o, oi->area, (uint8_t)r.type), (uint8_t)r.type, r.id,
                          r.adv_rtr);
        if (e == NULL) {
            nbr_event(nb, OSPF_NE_BAD_LSREQ, now);
            return;
        }
        es[k++] = e;
        if (k == 256) {
            send_lsus(oi, nbr_dst(nb), es, k, now);
            k = 0;
        }
    }
    if (k > 0)
        send_lsus(oi, nbr_dst(nb), es, k, now);
}

static void ack_delayed(struct oif *oi, const struct lsa_hdr *h)
{
    if (oi->n_acks == oi->cap_acks) {
        size_t cap = oi->cap_acks ? oi->cap_acks * 2 : 32;
        struct lsa_hdr *v = realloc(oi->acks, cap * sizeof(*v));

        if (v == NULL)
            return;
        oi->acks = v;
        oi->cap_acks = cap;
    }
    oi->acks[oi->n_acks++] = *h;
}

/* 13.4: a newer instance of one of our own LSAs came back: outdo it or flush it. */
static void self_lsa(struct ospf_inst *o, struct oarea *a, struct lsdb *db, struct lsdb_entry *e,
                     ospf_time_t now)
{
    bool keep = false;

    if (e->lsa.hdr.type == LSA_ROUTER && e->lsa.hdr.id == o->rid)
        keep = true;
    if (e->lsa.hdr.type == LSA_NETWORK)
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].area == a && o->ifs[j].ifc.addr == e->lsa.hdr.id && want_net(&o->ifs[j]))
                keep = true;
    if (e->lsa.hdr.type == LSA_EXTERNAL) {
        struct ext *x = ext_find(o, e->lsa.hdr.id);

        if (x != NULL && x->present && x->plen == lsa_mask_len(e->lsa.u.ext.mask)) {
            x->dirty = x->force = true;
            o->ext_dirty = true;
            return;
        }
    }
    if (keep) {
        a->dirty = true;
        a->force = true;
        return;
    }
    if (e->flags & LSDB_F_MAXAGE)
        return;
    lsdb_flush(db, e, now);
    flood(o, a, e, NULL, NULL, now);
}

static bool is_self(struct ospf_inst *o, const struct lsa_hdr *h)
{
    if (h->adv_rtr == o->rid)
        return true;
    if (h->type == LSA_NETWORK)
        for (size_t j = 0; j < o->n_ifs; j++)
            if (o->ifs[j].ifc.addr == h->id)
                return true;
    return false;
}

static void rx_lsupd(struct oif *oi, struct onbr *nb, uint32_t src, const struct ospf_pkt *p,
                     ospf_time_t now)
{
    struct ospf_inst *o = oi->o;
    struct lsa_hdr direct[256];
    size_t n_direct = 0, off = 0, lsa_len;
    const uint8_t *lsa;

    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    while (ospf_lsupd_next(&p->u.lsupd, &off, &lsa, &lsa_len)) {
        struct ospf_drop drop = {0};
        struct lsa l;
        struct lsa_hdr h, cur;
        struct lsdb *db;
        struct lsdb_entry *e, *ne = NULL;
        int cmp, r;

        /* 13 (1): every LSA through the library's parser first; a bad one goes alone */
        if ((r = lsa_parse(lsa, lsa_len, &l, &drop)) < 0) {
            drop_log(oi, src, NULL, r, drop.value, drop.offset);
            continue;
        }
        h = l.hdr;
        lsa_clear(&l);
        db = db_for(o, oi->area, h.type);
        e = lsdb_find(db, h.type, h.id, h.adv_rtr);
        /* (4) a MaxAge LSA we do not have, nobody exchanging: acknowledge, drop */
        if (h.age >= OSPF_MAX_AGE && e == NULL && !flush_blocked(o, NULL)) {
            if (n_direct < 256)
                direct[n_direct++] = h;
            continue;
        }
        if (e != NULL)
            lsdb_hdr(e, now, &cur);
        cmp = e == NULL ? 1 : lsa_newer(&h, &cur);
        if (cmp > 0) {
            /* (5) newer: MinLSArrival, flood, install, acknowledge */
            if (e != NULL && !(e->flags & LSDB_F_SELF) &&
                now - e->installed < OSPF_MIN_LS_ARRIVAL * 1000)
                continue;
            rxmt_remove_all(o, &h);
            r = lsdb_install(db, lsa, lsa_len, now, &ne, &drop);
            if (r < 0) {
                drop_log(oi, src, NULL, r, drop.value, drop.offset);
                continue;
            }
            if (r == 1 || h.age >= OSPF_MAX_AGE)
                schedule_spf(o, now);
            if (!flood(o, oi->area, ne, oi, nb, now) &&
                (oi->ifc.state != OSPF_IFS_BACKUP || nb->n.addr == oi->ifc.dr))
                ack_delayed(oi, &h);
            if (is_self(o, &h))
                self_lsa(o, oi->area, db, ne, now);
            continue;
        }
        /* (6) older or the same while we asked for it: the exchange went wrong */
        if (req_find(nb, &h) >= 0) {
            nbr_event(nb, OSPF_NE_BAD_LSREQ, now);
            break;
        }
        if (cmp == 0) {
            /* (7) the same instance: an implied acknowledgement, or a direct one */
            ssize_t i = rxmt_find(nb, &h);

            if (i >= 0) {
                rxmt_del(nb, (size_t)i);
                if (oi->ifc.state == OSPF_IFS_BACKUP && nb->n.addr == oi->ifc.dr)
                    ack_delayed(oi, &h);
            } else if (n_direct < 256)
                direct[n_direct++] = h;
            continue;
        }
        /* (8) ours is newer: send it back, unless it is a wrapping flush */
        if (cur.age >= OSPF_MAX_AGE && cur.seq == OSPF_MAX_SEQ)
            continue;
        send_lsus(oi, nbr_dst(nb), &e, 1, now);
    }
    if (n_direct > 0)
        send_acks(oi, nbr_dst(nb), direct, n_direct);
    loading_check(nb, now);
}

static void rx_lsack(struct onbr *nb, const struct ospf_pkt *p)
{
    if (nb->n.state < OSPF_NS_EXCHANGE)
        return;
    for (uint32_t i = 0; i < p->u.lsack.n; i++) {
        struct lsa_hdr h;
        ssize_t r;

        ospf_lsack_lsa(&p->u.lsack, i, &h);
        if ((r = rxmt_find(nb, &h)) >= 0 && lsa_newer(&h, &nb->rxmt[r].h) == 0)
            rxmt_del(nb, (size_t)r);
    }
}

static void rx_packet(struct oif *oi, uint32_t src, uint32_t dst, const uint8_t *buf, size_t len,
                      ospf_time_t now)
{
    struct ospf_inst *o = oi->o;
    struct ospf_drop drop = {0};
    struct ospf_pkt p;
    struct onbr *nb;
    int r;

    o->rx++;
    if (dst != OSPF_ALL_SPF_ROUTERS && dst != oi->ifc.addr &&
        !(dst == OSPF_ALL_D_ROUTERS &&
          (oi->ifc.state == OSPF_IFS_DR || oi->ifc.state == OSPF_IFS_BACKUP))) {
        if (dst != OSPF_ALL_D_ROUTERS)
            drop_log(oi, src, "not for us", 0, dst, 16);
        return;
    }
    if ((r = ospf_pkt_parse(buf, len, &p, &drop)) < 0) {
        drop_log(oi, src, NULL, r, drop.value, drop.offset);
        return;
    }
    if (p.hdr.router_id == o->rid)
        return; /* our own, looped back */
    if (p.hdr.area_id != oi->area->id) {
        drop_log(oi, src, "wrong area", 0, p.hdr.area_id, 4);
        return;
    }
    if (oi->ifc.type == OSPF_IF_BROADCAST &&
        (src & oi->ifc.mask) != (oi->ifc.addr & oi->ifc.mask)) {
        drop_log(oi, src, "source not on the interface's subnet", 0, src, 0);
        return;
    }
    nb = nbr_find(oi, src, p.hdr.router_id);
    r = ospf_pkt_auth_check(buf, len, &p, &oi->auth,
                            nb != NULL && nb->n.have_crypto_seq ? &nb->n.crypto_seq : NULL, &drop);
    if (r < 0) {
        drop_log(oi, src, NULL, r, drop.value, drop.offset);
        return;
    }
    if (p.hdr.type == OSPF_HELLO) {
        rx_hello(oi, nb, src, &p, now);
        nb = nbr_find(oi, src, p.hdr.router_id);
    } else if (nb == NULL) {
        return; /* not a neighbour (yet) */
    }
    if (nb == NULL)
        return;
    if (p.hdr.autype == OSPF_AUTH_CRYPT) {
        nb->n.crypto_seq = p.hdr.crypto_seq;
        nb->n.have_crypto_seq = true;
    }
    switch (p.hdr.type) {
    case OSPF_DD:
        rx_dd(oi, nb, src, &p, now);
        break;
    case OSPF_LSREQ:
        rx_lsreq(oi, nb, &p, now);
        break;
    case OSPF_LSUPD:
        rx_lsupd(oi, nb, src, &p, now);
        break;
    case OSPF_LSACK:
        rx_lsack(nb, &p);
        break;
    }
}

/* ---- the loop ------------------------------------------------------------ */

static void arm(struct ospf_inst *o, ospf_time_t now);
static void checkpoint(struct ospf_inst *o);

/* After each event: forget removed neighbours, originate, send delayed acks, re-arm. */
static void pending(struct ospf_inst *o, ospf_time_t now)
{
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        for (struct onbr **pp = &oi->nbrs; *pp != NULL;) {
            struct onbr *nb = *pp;

            if (!nb->removed) {
                pp = &nb->next;
                continue;
            }
            *pp = nb->next;
            free(nb->summary);
            free(nb->req);
            free(nb->rxmt);
            free(nb->last_dd);
            free(nb);
        }
    }
    for (size_t a = 0; a < o->n_areas; a++)
        if (o->areas[a].dirty && (o->areas[a].retry_at == 0 || o->areas[a].retry_at <= now))
            originate_area(o, &o->areas[a], now);
    if (o->ext_dirty && o->n_areas > 0 && (o->ext_retry_at == 0 || o->ext_retry_at <= now))
        originate_exts(o, now);
    checkpoint(o);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->n_acks > 0) {
            send_acks(oi, flood_dst(oi), oi->acks, oi->n_acks);
            oi->n_acks = 0;
        }
    }
    arm(o, now);
}

static uint64_t *db_gen_of(struct ospf_inst *o, size_t i)
{
    return i < o->n_areas ? &o->areas[i].db.gen : &o->as_db.gen;
}

/* After the LSDBs changed: the core's clock moves, and we note where they were. */
static void checkpoint(struct ospf_inst *o)
{
    struct ckpt *last = o->n_ckpts ? &o->ckpts[o->n_ckpts - 1] : NULL, c;
    bool changed = last == NULL;

    memset(&c, 0, sizeof(c));
    for (size_t i = 0; i <= o->n_areas && i <= AREAS_MAX; i++) {
        c.db_gen[i] = *db_gen_of(o, i);
        if (last != NULL && last->db_gen[i] != c.db_gen[i])
            changed = true;
    }
    if (!changed || o->ckpts == NULL)
        return;
    c.core_gen = o->p.gen = ++*routerd_clock(o->p.rd);
    if (o->n_ckpts == CKPT_MAX) {
        memmove(o->ckpts, o->ckpts + 1, (CKPT_MAX - 1) * sizeof(c));
        o->n_ckpts--;
    }
    o->ckpts[o->n_ckpts++] = c;
}

static ospf_time_t min_t(ospf_time_t a, ospf_time_t b)
{
    return b != 0 && b < a ? b : a;
}

static void arm(struct ospf_inst *o, ospf_time_t now)
{
    struct ev_loop *loop = routerd_loop(o->p.rd);
    ospf_time_t due = now + TICK_MAX;

    if (loop == NULL || !o->running)
        return;
    due = min_t(due, o->spf_at);
    if (o->sweep_at != 0 && o->spf_at == 0 && o->sweep_at > now)
        due = min_t(due, o->sweep_at);
    if (o->ext_dirty)
        due = min_t(due, o->ext_retry_at);
    for (size_t a = 0; a < o->n_areas; a++) {
        due = min_t(due, o->areas[a].retry_at);
        due = min_t(due, lsdb_next_due(&o->areas[a].db, now));
    }
    due = min_t(due, lsdb_next_due(&o->as_db, now));
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->up && oi->fd >= 0)
            due = min_t(due, ospf_iface_next_timer(&oi->ifc));
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            due = min_t(due, nb->n.inactivity_at);
            due = min_t(due, nb->n.rxmt_at);
            due = min_t(due, nb->lsu_rxmt_at);
        }
    }
    ev_timer_stop(loop, &o->timer);
    ev_timer_set(&o->timer, due > now ? (double)(due - now) / 1000.0 : 0.0, 0.0);
    ev_timer_start(loop, &o->timer);
}

struct age_ctx {
    struct ospf_inst *o;
    struct oarea *a;
    ospf_time_t now;
};

static bool age_cb(void *ctx, struct lsdb *db, struct lsdb_entry *e, enum lsdb_event ev)
{
    struct age_ctx *c = ctx;
    struct lsa_hdr h;

    (void)db;
    lsdb_hdr(e, c->now, &h);
    switch (ev) {
    case LSDB_EV_MAXAGE:
        schedule_spf(c->o, c->now);
        flood(c->o, c->a, e, NULL, NULL, c->now);
        return !flush_blocked(c->o, &h);
    case LSDB_EV_FLUSH:
        return !flush_blocked(c->o, &h);
    case LSDB_EV_REFRESH:
        if (e->lsa.hdr.type == LSA_EXTERNAL) {
            struct ext *x = ext_find(c->o, e->lsa.hdr.id);

            if (x != NULL && x->present) {
                x->dirty = x->force = true;
                c->o->ext_dirty = true;
            }
            return false;
        }
        c->a->dirty = true;
        c->a->force = true;
        return false;
    }
    return false;
}

static void nbr_timers(struct onbr *nb, ospf_time_t now)
{
    uint32_t act = 0;
    int old = nb->n.state;

    if (nb->removed)
        return;
    ospf_nbr_timers(&nb->n, &nb->oi->ifc, now, &act);
    if (old != nb->n.state) {
        char b[16];

        log_info("ospf: %s: neighbour %s: %s -> %s (inactivity)", nb->oi->name, ip4(nb->n.rid, b),
                 ospf_nbr_state_name(old), ospf_nbr_state_name(nb->n.state));
    }
    nbr_actions(nb, act, now);
    if (nb->removed)
        return;
    if (nb->n.rxmt_at && nb->n.rxmt_at <= now) {
        nb->n.rxmt_at = 0;
        if (nb->n.state == OSPF_NS_EXSTART || (nb->n.state == OSPF_NS_EXCHANGE && nb->n.master)) {
            resend_dd(nb);
            nb->n.rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
        } else if (nb->n.state == OSPF_NS_LOADING || nb->n.state == OSPF_NS_EXCHANGE) {
            send_lsr(nb, now);
        }
    }
    if (nb->lsu_rxmt_at && nb->lsu_rxmt_at <= now) {
        struct ospf_inst *o = nb->oi->o;
        struct lsdb_entry *es[256];
        size_t k = 0;

        for (size_t i = 0; i < nb->n_rxmt && k < 256;) {
            const struct lsa_hdr *h = &nb->rxmt[i].h;
            struct lsdb_entry *e =
                lsdb_find(db_for(o, nb->oi->area, h->type), h->type, h->id, h->adv_rtr);

            if (e == NULL) {
                rxmt_del(nb, i);
                continue;
            }
            es[k++] = e;
            i++;
        }
        if (k > 0) {
            send_lsus(nb->oi, nbr_dst(nb), es, k, now);
            nb->lsu_rxmt_at = now + (ospf_time_t)nb->oi->cfg->rxmt * 1000;
        }
    }
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ospf_inst *o = w->data;
    ospf_time_t now = now_ms();

    (void)loop;
    (void)revents;
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->up && oi->fd >= 0 && ospf_iface_next_timer(&oi->ifc) <= now) {
            struct ospf_dr_cand c[256];
            size_t n = cands(oi, c, 256);
            uint32_t act = 0;
            int old = oi->ifc.state;

            ospf_iface_timers(&oi->ifc, c, n, now, &act);
            if (old != oi->ifc.state)
                log_info("ospf: %s: %s -> %s", oi->name, ospf_if_state_name(old),
                         ospf_if_state_name(oi->ifc.state));
            if_actions(oi, act, now);
        }
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            nbr_timers(nb, now);
    }
    for (size_t a = 0; a < o->n_areas; a++) {
        struct age_ctx c = {o, &o->areas[a], now};

        lsdb_age_run(&o->areas[a].db, now, age_cb, &c);
    }
    if (o->n_areas > 0) {
        struct age_ctx c = {o, &o->areas[0], now};

        lsdb_age_run(&o->as_db, now, age_cb, &c);
    }
    if (o->sweep_at && o->sweep_at <= now)
        schedule_spf(o, now);
    if (o->spf_at && o->spf_at <= now)
        run_spf(o, now);
    pending(o, now);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
    struct oif *oi = w->data;
    ospf_time_t now = now_ms();

    (void)loop;
    (void)revents;
    for (int i = 0; i < 64; i++) {
        uint32_t src, dst;
        size_t off, len;
        int ifindex,
            r = ospf_io_recv(oi->fd, rxbuf, sizeof(rxbuf), &src, &dst, &ifindex, &off, &len);

        if (r == -EAGAIN || r == -EWOULDBLOCK)
            break;
        if (r < 0) {
            if (r != -EINVAL)
                log_warnx("ospf: %s: receive: %s", oi->name, strerror(-r));
            else
                oi->o->drops++;
            break;
        }
        if (ifindex != 0 && (uint32_t)ifindex != oi->ifc.ifindex)
            continue;
        rx_packet(oi, src, dst, rxbuf + off, len, now);
    }
    pending(oi->o, now);
}

/* ---- protocol hooks ------------------------------------------------------ */

/* At init: the interface's configuration. */
static int iface_setup(struct ospf_inst *o, struct oif *oi, const struct ospf_if_cfg *ic)
{
    const struct router_config *rc = routerd_config(o->p.rd);
    const struct cfg_iface *ci = rc != NULL ? config_iface_find(rc, ic->name) : NULL;

    oi->o = o;
    oi->cfg = ic;
    oi->fd = -1;
    snprintf(oi->name, sizeof(oi->name), "%s", ic->name);
    for (size_t a = 0; a < o->n_areas; a++)
        if (o->areas[a].id == ic->area)
            oi->area = &o->areas[a];
    oi->ifc.router_id = o->rid;
    oi->ifc.area_id = ic->area;
    oi->ifc.type = ic->type;
    oi->ifc.priority = ic->priority;
    oi->ifc.hello_interval = ic->hello;
    oi->ifc.dead_interval = ic->dead;
    oi->ifc.cost = ic->cost;
    oi->auth.type = OSPF_AUTH_NONE;
    if (ic->md5) {
        oi->auth.type = OSPF_AUTH_CRYPT;
        oi->auth.n_keys = 1;
        oi->auth.keys[0].id = ic->key_id;
        memcpy(oi->auth.keys[0].key, ic->key, strlen(ic->key));
    }
    for (size_t i = 0; ci != NULL && i < ci->n_addrs; i++)
        if (ci->addrs[i].addr.family == AF_INET) {
            oi->ifc.addr = ntohl(ci->addrs[i].addr.u.v4.s_addr);
            oi->ifc.mask = lsa_len_mask((int)ci->addrs[i].len);
            break;
        }
    return 0;
}

/* At start: the interface in this namespace, its socket. */
static int iface_open(struct ospf_inst *o, struct oif *oi)
{
    const struct ospf_if_cfg *ic = oi->cfg;
    int r;

    oi->ifc.router_id = o->rid;
    oi->ifc.ifindex = if_nametoindex(ic->name);
    if (oi->ifc.ifindex == 0) {
        log_warnx("ospf: %s: no such interface here: it stays down", ic->name);
        return 0;
    }
    oi->up = true;
    if (ic->passive)
        return 0;
    r = ospf_io_mtu(ic->name);
    oi->mtu = r > 0 ? r : 1500;
    if (oi->mtu < 576)
        oi->mtu = 576;
    if ((r = ospf_io_open(ic->name, (int)oi->ifc.ifindex)) < 0) {
        log_warnx("ospf: %s: cannot open its socket: %s", ic->name, strerror(-r));
        oi->up = false;
        return r;
    }
    oi->fd = r;
    ev_io_init(&oi->io, on_read, oi->fd, EV_READ);
    oi->io.data = oi;
    return 0;
}

static void free_state(struct ospf_inst *o)
{
    struct ev_loop *loop = routerd_loop(o->p.rd);

    if (loop != NULL)
        ev_timer_stop(loop, &o->timer);
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->fd >= 0) {
            if (loop != NULL)
                ev_io_stop(loop, &oi->io);
            close(oi->fd);
        }
        while (oi->nbrs != NULL) {
            struct onbr *nb = oi->nbrs;

            oi->nbrs = nb->next;
            free(nb->summary);
            free(nb->req);
            free(nb->rxmt);
            free(nb->last_dd);
            free(nb);
        }
        free(oi->acks);
    }
    free(o->ifs);
    o->ifs = NULL;
    o->n_ifs = 0;
    for (size_t a = 0; a < o->n_areas; a++)
        lsdb_free(&o->areas[a].db);
    free(o->areas);
    o->areas = NULL;
    o->n_areas = 0;
    lsdb_free(&o->as_db);
    spf_result_free(&o->rt);
    free(o->ckpts);
    o->ckpts = NULL;
    o->n_ckpts = 0;
    free(o->exts);
    o->exts = NULL;
    o->n_exts = o->cap_exts = 0;
    o->ext_dirty = false;
    o->ext_retry_at = 0;
    o->spf_at = 0;
    o->running = false;
}

/* The LSDBs exist from init on, so that state records can be imported before start. */
static int ospf_init(struct proto *p)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    const struct ospf_config *oc = (const struct ospf_config *)p->cfg;
    const struct router_config *rc = routerd_config(p->rd);

    if (oc->n_areas > AREAS_MAX)
        return -ENOSPC;
    o->rid = rc != NULL ? ntohl(rc->router_id.s_addr) : 0;
    o->areas = calloc(oc->n_areas ? oc->n_areas : 1, sizeof(*o->areas));
    o->ckpts = calloc(CKPT_MAX, sizeof(*o->ckpts));
    if (o->areas == NULL || o->ckpts == NULL) {
        free(o->areas);
        free(o->ckpts);
        o->areas = NULL;
        o->ckpts = NULL;
        return -ENOMEM;
    }
    o->n_areas = oc->n_areas;
    for (size_t a = 0; a < oc->n_areas; a++) {
        o->areas[a].id = oc->areas[a];
        lsdb_init(&o->areas[a].db, o->rid);
    }
    lsdb_init(&o->as_db, o->rid);
    if ((o->ifs = calloc(oc->n_ifs ? oc->n_ifs : 1, sizeof(*o->ifs))) == NULL)
        return -ENOMEM;
    o->n_ifs = oc->n_ifs;
    for (size_t i = 0; i < oc->n_ifs; i++)
        iface_setup(o, &o->ifs[i], &oc->ifs[i]);
    return 0;
}

static int ospf_start(struct proto *p)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    const struct ospf_config *oc = (const struct ospf_config *)p->cfg;
    struct ev_loop *loop = routerd_loop(p->rd);
    ospf_time_t now = now_ms();
    uint32_t rid = ntohl(routerd_config(p->rd)->router_id.s_addr);
    uint32_t max_dead = 0;

    if (o->areas == NULL && ospf_init(p) != 0)
        return -ENOMEM;
    if (rid != o->rid) {
        /* init saw another router ID (a reload): start over */
        for (size_t a = 0; a < o->n_areas; a++) {
            lsdb_free(&o->areas[a].db);
            lsdb_init(&o->areas[a].db, rid);
        }
        lsdb_free(&o->as_db);
        lsdb_init(&o->as_db, rid);
        o->rid = rid;
        o->imported = false;
    }
    o->crypto_seq = (uint32_t)time(NULL);
    for (size_t a = 0; a < o->n_areas; a++)
        o->areas[a].dirty = true;
    for (size_t i = 0; i < o->n_ifs; i++) {
        iface_open(o, &o->ifs[i]);
        if (oc->ifs[i].dead > max_dead)
            max_dead = oc->ifs[i].dead;
    }
    ev_init(&o->timer, on_timer);
    o->timer.data = o;
    o->running = loop != NULL;
    /*
     * Routes of ours already in the RIB (a restore) stay until SPF has a
     * table to replace them with: at once over an imported LSDB, else once
     * the adjacencies had time to form.
     */
    o->sweep_at = o->imported ? now : now + 2 * (ospf_time_t)max_dead * 1000;
    if (o->imported)
        o->spf_at = now;
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];

        if (oi->fd < 0)
            continue;
        if (loop != NULL)
            ev_io_start(loop, &oi->io);
        if (oi->ifc.state == OSPF_IFS_DOWN) {
            if_event(oi, OSPF_IFE_UP, now);
            continue;
        }
        /* imported: the state machines carry on where the exporter was */
        if (oi->ifc.hello_at == 0)
            oi->ifc.hello_at = now;
        if (oi->ifc.state == OSPF_IFS_DR || oi->ifc.state == OSPF_IFS_BACKUP)
            if_actions(oi, OSPF_IA_JOIN_DR, now);
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (nb->n.state == OSPF_NS_2WAY)
                nbr_event(nb, OSPF_NE_ADJ_OK, now); /* an exchange cut short starts again */
    }
    pending(o, now);
    return 0;
}

static void ospf_stop(struct proto *p)
{
    free_state((struct ospf_inst *)p);
}

static void ospf_cleanup(struct proto *p)
{
    free_state((struct ospf_inst *)p);
}

static int ospf_reconfigure(struct proto *p, const struct proto_config *newc)
{
    const struct ospf_config *a = (const struct ospf_config *)p->cfg;
    const struct ospf_config *b = (const struct ospf_config *)newc;

    if (a->n_areas == b->n_areas && a->n_ifs == b->n_ifs &&
        memcmp(a->areas, b->areas, a->n_areas * sizeof(a->areas[0])) == 0) {
        bool same = true;

        for (size_t i = 0; i < a->n_ifs; i++) {
            struct ospf_if_cfg x = a->ifs[i], y = b->ifs[i];

            x.line = y.line = 0;
            if (memcmp(&x, &y, sizeof(x)) != 0)
                same = false;
        }
        if (same) {
            /* the interfaces point at the old config's entries: repoint them */
            struct ospf_inst *o = (struct ospf_inst *)p;

            for (size_t i = 0; i < o->n_ifs; i++)
                o->ifs[i].cfg = &b->ifs[i];
            return 0;
        }
    }
    return 1;
}

static json_t *jip(uint32_t a)
{
    char b[16];

    return json_string(ip4(a, b));
}

static json_t *ospf_show(struct proto *p, const json_t *args)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    json_t *r = json_object(), *ifs = json_array(), *nbrs = json_array(), *db = json_array(),
           *routes = json_array(), *drops = json_object();
    ospf_time_t now = now_ms();

    (void)args;
    json_object_set_new(r, "router_id", jip(o->rid));
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        json_t *x = json_object();
        size_t n = 0;

        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next) {
            json_t *y = json_object();

            n++;
            json_object_set_new(y, "router_id", jip(nb->n.rid));
            json_object_set_new(y, "address", jip(nb->n.addr));
            json_object_set_new(y, "interface", json_string(oi->name));
            json_object_set_new(y, "state", json_string(ospf_nbr_state_name(nb->n.state)));
            json_object_set_new(y, "priority", json_integer(nb->n.priority));
            json_object_set_new(y, "dr", jip(nb->n.dr));
            json_object_set_new(y, "bdr", jip(nb->n.bdr));
            json_object_set_new(y, "master", json_boolean(nb->n.master));
            json_object_set_new(y, "requests", json_integer((json_int_t)nb->n_req));
            json_object_set_new(y, "retransmissions", json_integer((json_int_t)nb->n_rxmt));
            json_array_append_new(nbrs, y);
        }
        json_object_set_new(x, "name", json_string(oi->name));
        json_object_set_new(x, "area", jip(oi->area ? oi->area->id : 0));
        json_object_set_new(x, "type",
                            json_string(oi->ifc.type == OSPF_IF_P2P ? "ptp" : "broadcast"));
        json_object_set_new(x, "state",
                            json_string(!oi->up            ? "down"
                                        : oi->cfg->passive ? "passive"
                                                           : ospf_if_state_name(oi->ifc.state)));
        json_object_set_new(x, "address", jip(oi->ifc.addr));
        json_object_set_new(x, "cost", json_integer(oi->ifc.cost));
        json_object_set_new(x, "dr", jip(oi->ifc.dr));
        json_object_set_new(x, "bdr", jip(oi->ifc.bdr));
        json_object_set_new(x, "neighbors", json_integer((json_int_t)n));
        json_array_append_new(ifs, x);
    }
    for (size_t a = 0; a <= o->n_areas; a++) {
        struct lsdb *d = a < o->n_areas ? &o->areas[a].db : &o->as_db;

        if (o->areas == NULL)
            break;
        for (size_t i = 0; i < lsdb_count(d); i++) {
            struct lsdb_entry *e = lsdb_at(d, i);
            json_t *x = json_object();
            struct lsa_hdr h;
            char s[16];

            lsdb_hdr(e, now, &h);
            snprintf(s, sizeof(s), "0x%08x", h.seq);
            json_object_set_new(x, "area",
                                a < o->n_areas ? jip(o->areas[a].id) : json_string("external"));
            json_object_set_new(x, "type", json_string(lsa_type_name(h.type)));
            json_object_set_new(x, "id", jip(h.id));
            json_object_set_new(x, "adv_rtr", jip(h.adv_rtr));
            json_object_set_new(x, "seq", json_string(s));
            json_object_set_new(x, "age", json_integer(h.age));
            json_array_append_new(db, x);
        }
    }
    for (size_t i = 0; i < o->rt.n_routes; i++) {
        const struct spf_route *rt = &o->rt.routes[i];
        json_t *nh = json_array(), *x = json_object();
        char pfx[24], b[16];

        snprintf(pfx, sizeof(pfx), "%s/%u", ip4(rt->prefix, b), rt->plen);
        for (size_t k = 0; k < rt->n_nh; k++) {
            const char *dev = ifname_of(o, rt->nh[k].ifindex);
            json_t *y = json_object();

            if (rt->nh[k].gw)
                json_object_set_new(y, "via", jip(rt->nh[k].gw));
            json_object_set_new(y, "dev", dev ? json_string(dev) : json_null());
            json_array_append_new(nh, y);
        }
        json_object_set_new(x, "prefix", json_string(pfx));
        json_object_set_new(x, "type", json_string(spf_rtype_name(rt->type)));
        json_object_set_new(x, "cost", json_integer((json_int_t)rt->cost));
        json_object_set_new(x, "nexthops", nh);
        json_array_append_new(routes, x);
    }
    for (int i = 1; i < OSPF_ERR_COUNT; i++)
        if (o->drop[i])
            json_object_set_new(drops, ospf_err_name(-i), json_integer((json_int_t)o->drop[i]));
    json_object_set_new(r, "interfaces", ifs);
    json_object_set_new(r, "neighbors", nbrs);
    json_object_set_new(r, "database", db);
    json_object_set_new(r, "routes", routes);
    json_object_set_new(r, "counters",
                        json_pack("{s:I, s:I, s:I, s:I, s:o}", "rx", (json_int_t)o->rx, "tx",
                                  (json_int_t)o->tx, "spf_runs", (json_int_t)o->spf_runs, "drops",
                                  (json_int_t)o->drops, "drop_reasons", drops));
    return r;
}

/*
 * A redistributed route came or went: our AS-external-LSA for it (link
 * state ID the network number; Appendix E's host-bit trick for two masks
 * of one network is not done, the second one is not advertised).
 */
static void ospf_rt_notify(struct proto *p, const struct rib_change *c)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    uint32_t prefix;
    struct ext *x;
    bool had_any = false, has_any = false;

    if (!o->running || o->n_areas == 0 || c->prefix->addr.family != AF_INET)
        return;
    prefix = ntohl(c->prefix->addr.u.v4.s_addr);
    for (size_t i = 0; i < o->n_exts; i++)
        had_any |= o->exts[i].present;
    x = ext_find(o, prefix);
    if (x != NULL && x->plen != c->prefix->len)
        return; /* the same network with another mask: not advertised (Appendix E) */
    if (x == NULL) {
        if (c->new_nh == NULL)
            return;
        if (o->n_exts == o->cap_exts) {
            size_t cap = o->cap_exts ? o->cap_exts * 2 : 16;
            struct ext *v = realloc(o->exts, cap * sizeof(*v));

            if (v == NULL)
                return;
            o->exts = v;
            o->cap_exts = cap;
        }
        x = &o->exts[o->n_exts++];
        *x = (struct ext){.prefix = prefix, .plen = (uint8_t)c->prefix->len};
    }
    x->present = c->new_nh != NULL;
    x->dirty = true;
    o->ext_dirty = true;
    for (size_t i = 0; i < o->n_exts; i++)
        has_any |= o->exts[i].present;
    if (had_any != has_any)
        for (size_t a = 0; a < o->n_areas; a++)
            o->areas[a].dirty = true; /* the E bit of our router-LSAs */
    pending(o, now_ms());
}

/*
 * State records (docs/routing.md): the LSDBs, as the library's records
 * (lsdb.h) after a u32 area ID (0xffffffff: the AS-external LSDB).
 * Interfaces and neighbours are not exported: the importer forms its
 * adjacencies again, with an LSDB (and so a routing table) already there.
 */
#define OSPF_STATE_BASE  0x1000
#define OSPF_STATE_LSA   (OSPF_STATE_BASE + 0) /* an LSDB entry */
#define OSPF_STATE_LSDEL (OSPF_STATE_BASE + 1) /* an LSDB removal since G */
#define OSPF_STATE_IFACE (OSPF_STATE_BASE + 2) /* an interface: name[16], iface.h's record */
#define OSPF_STATE_NBR   (OSPF_STATE_BASE + 3) /* a neighbour: name[16], neighbor.h's record */
#define OSPF_AS_SCOPE    0xffffffffu

struct exp_ctx {
    struct ospf_inst *o;
    struct state_buf *out;
    uint32_t area;
    uint64_t gen; /* core generation the records carry */
    ospf_time_t now;
    int err;
};

static void exp_entry(void *ctx, const struct lsdb_entry *e)
{
    struct exp_ctx *x = ctx;
    size_t cap = 4 + LSDB_REC_HDR_LEN + 8 + e->lsa.hdr.length;
    uint8_t *buf = malloc(cap);
    int n;

    if (buf == NULL) {
        x->err = -ENOMEM;
        return;
    }
    buf[0] = (uint8_t)(x->area >> 24);
    buf[1] = (uint8_t)(x->area >> 16);
    buf[2] = (uint8_t)(x->area >> 8);
    buf[3] = (uint8_t)x->area;
    if ((n = lsdb_export_entry(e, x->now, buf + 4, cap - 4)) < 0)
        x->err = n;
    else
        state_put(x->out, OSPF_STATE_LSA, 1, x->gen, buf, 4 + (size_t)n);
    free(buf);
}

static void exp_tomb(void *ctx, const struct lsdb_tomb *t)
{
    struct exp_ctx *x = ctx;
    uint8_t buf[4 + 64];
    int n;

    buf[0] = (uint8_t)(x->area >> 24);
    buf[1] = (uint8_t)(x->area >> 16);
    buf[2] = (uint8_t)(x->area >> 8);
    buf[3] = (uint8_t)x->area;
    if ((n = lsdb_export_tomb(t, buf + 4, sizeof(buf) - 4)) < 0)
        x->err = n;
    else
        state_put(x->out, OSPF_STATE_LSDEL, 1, x->gen, buf, 4 + (size_t)n);
}

static int ospf_state_export(struct proto *p, struct state_buf *out, uint64_t since)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    struct exp_ctx x = {o, out, 0, 0, now_ms(), 0};
    const struct ckpt *from = NULL;

    if (o->areas == NULL)
        return 0;
    checkpoint(o);
    /* the LSDBs' generations at the core's G: the last checkpoint at or before it */
    for (size_t i = 0; since != 0 && i < o->n_ckpts; i++)
        if (o->ckpts[i].core_gen <= since)
            from = &o->ckpts[i];
    x.gen = o->n_ckpts ? o->ckpts[o->n_ckpts - 1].core_gen : p->gen;
    if (since != 0 && x.gen <= since)
        return 0;
    for (size_t i = 0; i <= o->n_areas; i++) {
        struct lsdb *db = i < o->n_areas ? &o->areas[i].db : &o->as_db;

        x.area = i < o->n_areas ? o->areas[i].id : OSPF_AS_SCOPE;
        lsdb_changes(db, from != NULL ? from->db_gen[i] : 0, exp_entry,
                     from != NULL ? exp_tomb : NULL, &x);
    }
    /* interfaces and neighbours: small, always whole (their lists are not kept) */
    for (size_t i = 0; i < o->n_ifs; i++) {
        struct oif *oi = &o->ifs[i];
        uint8_t buf[IF_NAMESIZE + 64];
        int n;

        if (!oi->up || oi->fd < 0)
            continue;
        memset(buf, 0, IF_NAMESIZE);
        memcpy(buf, oi->name, strlen(oi->name));
        if ((n = ospf_iface_export(&oi->ifc, x.now, buf + IF_NAMESIZE, 64)) > 0)
            state_put(out, OSPF_STATE_IFACE, 1, x.gen, buf, IF_NAMESIZE + (size_t)n);
        for (struct onbr *nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (!nb->removed && (n = ospf_nbr_export(&nb->n, x.now, buf + IF_NAMESIZE, 64)) > 0)
                state_put(out, OSPF_STATE_NBR, 1, x.gen, buf, IF_NAMESIZE + (size_t)n);
    }
    return x.err;
}

static uint16_t ospf_state_version(uint16_t type);

/* An interface or neighbour record: name[16], then the library's record. */
static int import_link(struct ospf_inst *o, uint16_t type, const uint8_t *data, size_t len,
                       char *why, size_t whylen)
{
    char name[IF_NAMESIZE + 1];
    const uint8_t *rec = data + IF_NAMESIZE;
    size_t rlen = len - IF_NAMESIZE;
    struct oif *oi = NULL;
    ospf_time_t now = now_ms();

    memcpy(name, data, IF_NAMESIZE);
    name[IF_NAMESIZE] = '\0';
    for (size_t i = 0; i < o->n_ifs; i++)
        if (strcmp(o->ifs[i].name, name) == 0 && !o->ifs[i].cfg->passive)
            oi = &o->ifs[i];
    if (oi == NULL) {
        snprintf(why, whylen, "ospf: interface %s is not configured", name);
        return -EINVAL;
    }
    if (type == OSPF_STATE_IFACE) {
        /* the ifindex of the exporter's namespace: ours is found at start */
        if (rlen >= 20)
            oi->ifc.ifindex = (uint32_t)rec[16] << 24 | (uint32_t)rec[17] << 16 |
                              (uint32_t)rec[18] << 8 | rec[19];
        if (ospf_iface_import(&oi->ifc, rec, rlen, now) != 0) {
            snprintf(why, whylen, "ospf: interface %s: bad record", name);
            return -EINVAL;
        }
        return 0;
    }
    {
        struct ospf_nbr n;
        struct onbr *nb;

        if (ospf_nbr_import(&n, rec, rlen, now) != 0) {
            snprintf(why, whylen, "ospf: a neighbour on %s: bad record", name);
            return -EINVAL;
        }
        for (nb = oi->nbrs; nb != NULL; nb = nb->next)
            if (nb->n.rid == n.rid && nb->n.addr == n.addr)
                break;
        if (nb == NULL) {
            if ((nb = calloc(1, sizeof(*nb))) == NULL) {
                snprintf(why, whylen, "ospf: out of memory");
                return -ENOMEM;
            }
            nb->oi = oi;
            nb->next = oi->nbrs;
            oi->nbrs = nb;
        }
        /* the exchange in progress is not exported: it starts again */
        if (n.state >= OSPF_NS_EXSTART && n.state < OSPF_NS_FULL) {
            n.state = OSPF_NS_2WAY;
            n.rxmt_at = 0;
        }
        n.n_lsreq = 0;
        nb->n = n;
    }
    return 0;
}

static int ospf_state_import(struct proto *p, uint16_t type, uint16_t version, const uint8_t *data,
                             size_t len, char *why, size_t whylen)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    struct ospf_drop drop = {0};
    struct lsdb *db = NULL;
    uint32_t area;
    int r;

    if (ospf_state_version(type) == 0 || version != 1 || len < 4 ||
        (type >= OSPF_STATE_IFACE && len <= IF_NAMESIZE)) {
        snprintf(why, whylen, "ospf: record type 0x%04x v%u of %zu bytes", type, version, len);
        return -EINVAL;
    }
    if (o->areas == NULL) {
        snprintf(why, whylen, "ospf: not initialised");
        return -EINVAL;
    }
    if (type == OSPF_STATE_IFACE || type == OSPF_STATE_NBR)
        return import_link(o, type, data, len, why, whylen);
    area = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
    if (area == OSPF_AS_SCOPE)
        db = &o->as_db;
    for (size_t i = 0; i < o->n_areas; i++)
        if (o->areas[i].id == area)
            db = &o->areas[i].db;
    if (db == NULL) {
        snprintf(why, whylen, "ospf: area %u.%u.%u.%u is not configured", area >> 24,
                 area >> 16 & 255, area >> 8 & 255, area & 255);
        return -EINVAL;
    }
    if ((r = lsdb_import(db, data + 4, len - 4, now_ms(), &drop)) < 0) {
        snprintf(why, whylen, "ospf: LSDB record: %s (value %u, offset %u)", ospf_err_name(r),
                 drop.value, drop.offset + 4);
        return -EINVAL;
    }
    o->imported = true;
    return 0;
}

static uint16_t ospf_state_version(uint16_t type)
{
    return type >= OSPF_STATE_LSA && type <= OSPF_STATE_NBR ? 1 : 0;
}

const struct protocol proto_ospf = {
    .name = "ospf",
    .distance = 110,
    .state_base = OSPF_STATE_BASE,
    .proto_size = sizeof(struct ospf_inst),
    .config_size = sizeof(struct ospf_config),
    .config_parse = ospf_config_parse,
    .config_print = ospf_config_print,
    .config_free = ospf_config_free,
    .init = ospf_init,
    .start = ospf_start,
    .stop = ospf_stop,
    .cleanup = ospf_cleanup,
    .reconfigure = ospf_reconfigure,
    .show = ospf_show,
    .rt_notify = ospf_rt_notify,
    .state_export = ospf_state_export,
    .state_import = ospf_state_import,
    .state_version = ospf_state_version,
};
