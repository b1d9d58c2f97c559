/*
 * ospf_test.h - small helpers shared by the OSPF unit tests: addresses,
 * and LSA makers for hand-built databases (router-LSAs with links,
 * network-LSAs, summaries, externals), installed with lsdb_install_lsa().
 * Reference packets from an independent implementation are in
 * ospf_vectors.h (gen_vectors.py, scapy).
 */
#ifndef VROOM_TESTS_OSPF_TEST_H
#define VROOM_TESTS_OSPF_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/ospf/lsa.h"
#include "routing/ospf/lsdb.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define RID(n)         IP(n, n, n, n)

/* A link for t_router(): type, id, data, metric. */
#define P2P(i, d, m)                                                                               \
    {                                                                                              \
        .type = LSA_LINK_P2P, .id = (i), .data = (d), .metric = (m)                                \
    }
#define TRANSIT(i, d, m)                                                                           \
    {                                                                                              \
        .type = LSA_LINK_TRANSIT, .id = (i), .data = (d), .metric = (m)                            \
    }
#define STUB(i, mask, m)                                                                           \
    {                                                                                              \
        .type = LSA_LINK_STUB, .id = (i), .data = (mask), .metric = (m)                            \
    }

static inline int t_router(struct lsdb *db, uint32_t rid, uint8_t flags,
                           const struct lsa_rt_link *links, uint16_t n)
{
    struct lsa l = {.hdr = {.type = LSA_ROUTER,
                            .id = rid,
                            .adv_rtr = rid,
                            .seq = OSPF_INITIAL_SEQ,
                            .options = 0x02}};

    l.u.rt.flags = flags;
    l.u.rt.n_links = n;
    l.u.rt.links = (struct lsa_rt_link *)links;
    return lsdb_install_lsa(db, &l, 0, NULL);
}

static inline int t_network(struct lsdb *db, uint32_t dr_addr, uint32_t dr_rid, uint32_t mask,
                            const uint32_t *routers, uint32_t n)
{
    struct lsa l = {.hdr = {.type = LSA_NETWORK,
                            .id = dr_addr,
                            .adv_rtr = dr_rid,
                            .seq = OSPF_INITIAL_SEQ,
                            .options = 0x02}};

    l.u.net.mask = mask;
    l.u.net.n_routers = n;
    l.u.net.routers = (uint32_t *)routers;
    return lsdb_install_lsa(db, &l, 0, NULL);
}

static inline int t_summary(struct lsdb *db, uint8_t type, uint32_t id, uint32_t mask, uint32_t abr,
                            uint32_t metric)
{
    struct lsa l = {
        .hdr = {.type = type, .id = id, .adv_rtr = abr, .seq = OSPF_INITIAL_SEQ, .options = 0x02}};

    l.u.sum.mask = mask;
    l.u.sum.metric = metric;
    return lsdb_install_lsa(db, &l, 0, NULL);
}

static inline int t_external(struct lsdb *db, uint32_t id, uint32_t mask, uint32_t asbr, bool e2,
                             uint32_t metric, uint32_t fwd)
{
    struct lsa l = {.hdr = {.type = LSA_EXTERNAL,
                            .id = id,
                            .adv_rtr = asbr,
                            .seq = OSPF_INITIAL_SEQ,
                            .options = 0x02}};

    l.u.ext.mask = mask;
    l.u.ext.e2 = e2;
    l.u.ext.metric = metric;
    l.u.ext.fwd = fwd;
    return lsdb_install_lsa(db, &l, 0, NULL);
}

#endif
