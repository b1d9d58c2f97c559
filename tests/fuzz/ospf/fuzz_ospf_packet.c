/*
 * fuzz_ospf_packet.c - libFuzzer harness for the OSPF packet and LSA
 * parsers (src/routing/ospf/). Every input, from an exact-size heap copy so
 * ASan sees any read past it, is tried three ways:
 *   - as an OSPF packet: parsed, authenticated against each autype, every
 *     list walked; the LSAs of an LS Update are parsed, rebuilt (which
 *     must parse again to the same thing), installed in an LSDB, exported
 *     and imported into a second one, and SPF runs over what was kept;
 *   - the same with every checksum corrected, to get past them;
 *   - as one LSA (lsa_parse(), and the newer/contents comparisons);
 *   - as an LSDB export record (lsdb_import()), an interface and a neighbour
 *     record, whose import must give a state the machines accept.
 * A parser that says yes must only ever describe bytes inside the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/ospf/iface.h"
#include "routing/ospf/lsa.h"
#include "routing/ospf/lsdb.h"
#include "routing/ospf/neighbor.h"
#include "routing/ospf/packet.h"
#include "routing/ospf/spf.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What lsa_build() writes for a parsed LSA must parse back to the same struct. */
static void rebuild(const struct lsa *l)
{
    uint8_t buf[65536];
    struct lsa again;
    int n = lsa_build(l, buf, sizeof(buf));

    if (n < 0)
        return; /* more than 65535 bytes without the TOS entries cannot happen; be lenient */
    CHECK(lsa_parse(buf, (size_t)n, &again, NULL) == 0);
    CHECK(again.hdr.type == l->hdr.type && again.hdr.id == l->hdr.id &&
          again.hdr.seq == l->hdr.seq && again.hdr.age == l->hdr.age);
    if (l->hdr.type == LSA_ROUTER) {
        CHECK(again.u.rt.n_links == l->u.rt.n_links);
        for (uint16_t i = 0; i < l->u.rt.n_links; i++)
            CHECK(again.u.rt.links[i].id == l->u.rt.links[i].id &&
                  again.u.rt.links[i].metric == l->u.rt.links[i].metric);
    } else if (l->hdr.type == LSA_NETWORK) {
        CHECK(again.u.net.n_routers == l->u.net.n_routers);
    }
    /* the checksum may differ (reserved bits and TOS entries are not rebuilt): compare without */
    again.hdr.checksum = l->hdr.checksum;
    CHECK(lsa_newer(&again.hdr, &l->hdr) == 0);
    lsa_clear(&again);
}

static void lsupd(const struct ospf_pkt *p, uint32_t rid)
{
    struct lsdb db, copy;
    const uint8_t *l;
    size_t off = 0, len;
    uint32_t n = 0;
    struct spf_result res;
    struct spf_iface ifc = {.ifindex = 1, .addr = 0x0a000001, .mask = 0xffffff00};
    struct spf_area area = {.id = p->hdr.area_id, .db = &db, .ifs = &ifc, .n_ifs = 1};
    uint8_t rec[65536 + 64];

    lsdb_init(&db, rid);
    lsdb_init(&copy, rid);
    while (ospf_lsupd_next(&p->u.lsupd, &off, &l, &len)) {
        struct lsa a;
        struct ospf_drop d;

        CHECK(l >= p->body && l + len <= p->body + p->body_len);
        n++;
        if (lsa_parse(l, len, &a, &d) == 0) {
            rebuild(&a);
            lsa_clear(&a);
            CHECK(lsdb_install(&db, l, len, 1000, NULL, NULL) >= 0);
        } else {
            CHECK(d.reason < 0 && d.reason > -OSPF_ERR_COUNT);
        }
    }
    CHECK(n == p->u.lsupd.n);
    for (size_t i = 0; i < lsdb_count(&db); i++) {
        int r = lsdb_export_entry(lsdb_at(&db, i), 5000, rec, sizeof(rec));

        CHECK(r > 0);
        CHECK(lsdb_import(&copy, rec, (size_t)r, 9000, NULL) == 0);
    }
    CHECK(lsdb_count(&copy) == lsdb_count(&db));
    if (spf_run(rid, &area, 1, &db, 2000, &res) == 0)
        spf_result_free(&res);
    lsdb_free(&db);
    lsdb_free(&copy);
}

static void packet(const uint8_t *buf, size_t size)
{
    struct ospf_pkt p;
    struct ospf_drop d;
    static const struct ospf_auth auths[] = {
        {.type = OSPF_AUTH_NONE},
        {.type = OSPF_AUTH_SIMPLE, .password = "secret"},
        {.type = OSPF_AUTH_CRYPT, .n_keys = 1, .keys = {{.id = 7, .key = "vroom-key"}}},
    };
    uint32_t seq = 5;

    if (ospf_pkt_parse(buf, size, &p, &d) < 0) {
        CHECK(d.reason < 0 && d.reason > -OSPF_ERR_COUNT);
        return;
    }
    CHECK(p.hdr.length <= size && p.body + p.body_len == buf + p.hdr.length);
    for (size_t i = 0; i < sizeof(auths) / sizeof(auths[0]); i++)
        (void)ospf_pkt_auth_check(buf, size, &p, &auths[i], i == 2 ? &seq : NULL, &d);
    switch (p.hdr.type) {
    case OSPF_HELLO: {
        uint32_t x = 0;

        CHECK(p.u.hello.nbrs + 4 * (size_t)p.u.hello.n_nbrs <= buf + p.hdr.length);
        for (uint32_t i = 0; i < p.u.hello.n_nbrs; i++)
            x ^= ospf_hello_nbr(&p.u.hello, i);
        (void)x;
        break;
    }
    case OSPF_DD:
        for (uint32_t i = 0; i < p.u.dd.n_lsas; i++) {
            struct lsa_hdr h;

            ospf_dd_lsa(&p.u.dd, i, &h);
        }
        break;
    case OSPF_LSREQ:
        for (uint32_t i = 0; i < p.u.lsreq.n; i++) {
            struct ospf_lsreq_ent e;

            ospf_lsreq_get(&p.u.lsreq, i, &e);
        }
        break;
    case OSPF_LSACK:
        for (uint32_t i = 0; i < p.u.lsack.n; i++) {
            struct lsa_hdr h;

            ospf_lsack_lsa(&p.u.lsack, i, &h);
        }
        break;
    case OSPF_LSUPD:
        lsupd(&p, p.hdr.router_id);
        break;
    default:
        abort();
    }
}

/*
 * The same input with every checksum made right (packet checksum, each LS
 * Update LSA's Fletcher sum), so that mutations reach the contents checks,
 * the LSDB and SPF instead of stopping at a checksum.
 */
static void resealed(const uint8_t *data, size_t size)
{
    uint8_t *buf;
    size_t len, off;

    if (size < OSPF_HDR_LEN)
        return;
    len = (size_t)data[2] << 8 | data[3];
    if (len < OSPF_HDR_LEN || len > size)
        return;
    buf = malloc(size);
    if (!buf)
        return;
    memcpy(buf, data, size);
    for (off = OSPF_HDR_LEN + 4; buf[1] == OSPF_LSUPD && off <= len && len - off >= LSA_HDR_LEN;) {
        size_t l = (size_t)buf[off + 18] << 8 | buf[off + 19];
        uint16_t c;

        if (l < LSA_HDR_LEN || l > len - off)
            break;
        c = lsa_fletcher(buf + off, l);
        buf[off + 16] = (uint8_t)(c >> 8);
        buf[off + 17] = (uint8_t)c;
        off += l;
    }
    if (ospf_pkt_finish(buf, len, size, NULL, 0) > 0)
        packet(buf, size);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    struct lsa l;
    struct lsdb db;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    packet(buf, size);
    resealed(data, size);
    if (lsa_parse(buf, size, &l, NULL) == 0) {
        CHECK(l.hdr.length <= size);
        CHECK(!lsa_contents_differ(buf, buf));
        rebuild(&l);
        lsa_clear(&l);
    }
    lsdb_init(&db, 0x01010101);
    if (lsdb_import(&db, buf, size, 0, NULL) == 0)
        CHECK(lsdb_count(&db) <= 1);
    lsdb_free(&db);
    {
        struct ospf_iface ifc = {.ifindex = size >= 20 ? (uint32_t)buf[16] << 24 |
                                                             (uint32_t)buf[17] << 16 |
                                                             (uint32_t)buf[18] << 8 | buf[19]
                                                       : 0,
                                 .type = OSPF_IF_BROADCAST,
                                 .priority = 1,
                                 .hello_interval = 1,
                                 .dead_interval = 4};
        struct ospf_nbr nbr;
        uint32_t act = 0;

        if (ospf_iface_import(&ifc, buf, size, 0) == 0) {
            CHECK(ifc.state <= OSPF_IFS_DR);
            CHECK(ospf_iface_event(&ifc, OSPF_IFE_NBR_CHANGE, NULL, 0, 1, &act) >= 0);
        }
        if (ospf_nbr_import(&nbr, buf, size, 0) == 0) {
            CHECK(nbr.state <= OSPF_NS_FULL);
            CHECK(ospf_nbr_event(&nbr, &ifc, OSPF_NE_ADJ_OK, 1, 1, &act) >= 0);
        }
    }
    free(buf);
    return 0;
}
