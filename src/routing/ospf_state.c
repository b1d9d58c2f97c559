/*
 * ospf_state.c - the OSPF instance's state records (docs/routing.md): the
 * LSDBs (lsdb.h's records after the area ID), interfaces and neighbours
 * (iface.h's and neighbor.h's records after the interface name), exported
 * whole or since a generation of the core, and imported between init and
 * start. The instance: proto_ospf.c.
 */
#include "routing/ospf_int.h"

static uint64_t *db_gen_of(struct ospf_inst *o, size_t i)
{
    return i < o->n_areas ? &o->areas[i].db.gen : &o->as_db.gen;
}

/* After the LSDBs changed: the core's clock moves, and we note where they were. */
void ospfd_checkpoint(struct ospf_inst *o)
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

/*
 * State records (docs/routing.md): the LSDBs, as the library's records
 * (lsdb.h) after a u32 area ID (0xffffffff: the AS-external LSDB).
 * Interfaces and neighbours are not exported: the importer forms its
 * adjacencies again, with an LSDB (and so a routing table) already there.
 */
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

int ospf_state_export(struct proto *p, struct state_buf *out, uint64_t since)
{
    struct ospf_inst *o = (struct ospf_inst *)p;
    struct exp_ctx x = {o, out, 0, 0, ospfd_now_ms(), 0};
    const struct ckpt *from = NULL;

    if (o->areas == NULL)
        return 0;
    ospfd_checkpoint(o);
    /* the LSDBs' generations at the core's G: the last ospfd_checkpoint at or before it */
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

/* An interface or neighbour record: name[16], then the library's record. */
static int import_link(struct ospf_inst *o, uint16_t type, const uint8_t *data, size_t len,
                       char *why, size_t whylen)
{
    char name[IF_NAMESIZE + 1];
    const uint8_t *rec = data + IF_NAMESIZE;
    size_t rlen = len - IF_NAMESIZE;
    struct oif *oi = NULL;
    ospf_time_t now = ospfd_now_ms();

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

int ospf_state_import(struct proto *p, uint16_t type, uint16_t version, const uint8_t *data,
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
    if ((r = lsdb_import(db, data + 4, len - 4, ospfd_now_ms(), &drop)) < 0) {
        snprintf(why, whylen, "ospf: LSDB record: %s (value %u, offset %u)", ospf_err_name(r),
                 drop.value, drop.offset + 4);
        return -EINVAL;
    }
    o->imported = true;
    return 0;
}

uint16_t ospf_state_version(uint16_t type)
{
    return type >= OSPF_STATE_LSA && type <= OSPF_STATE_NBR ? 1 : 0;
}
