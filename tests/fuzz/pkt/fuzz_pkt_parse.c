/*
 * fuzz_pkt_parse.c - libFuzzer harness for the frame parser (src/pkt/).
 * Every input is parsed as an Ethernet frame from an exact-size heap copy,
 * so ASan sees any read past it. What parses must describe a packet inside
 * the frame; then everything the data plane would do with it is run too:
 * the ICMP error rules and builders (whose output must parse again, with
 * good checksums), ND validation, the TTL decrement and fragmentation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "pkt/pkt_build.h"
#include "pkt/pkt_csum.h"
#include "pkt/pkt_frag.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The error in err[PKT_ETH_HLEN..] must parse as IPv4/IPv6 ICMP with a good checksum. */
static void check_error(uint8_t *err, int n, uint16_t ethertype)
{
    struct pkt_info epi;

    CHECK(n > 0);
    memset(err, 0, PKT_ETH_HLEN);
    pkt_put_be16(err + 12, ethertype);
    CHECK(pkt_parse(err, (size_t)n + PKT_ETH_HLEN, &epi) == 0);
    CHECK(epi.flags & PKT_F_L4);
    if (ethertype == PKT_ETH_P_IPV4) {
        CHECK((size_t)n <= PKT_ICMP4_ERR_MAX);
        CHECK(pkt_csum(err + epi.l4_off, epi.l3_len - 20) == 0);
    } else {
        CHECK((size_t)n <= PKT_ICMP6_ERR_MAX);
        CHECK(pkt_l4_csum6(&epi.src.v6, &epi.dst.v6, IPPROTO_ICMPV6, err + epi.l4_off,
                           epi.l3_len - 40) == 0);
    }
}

static void run_ipv4(uint8_t *f, const struct pkt_info *pi)
{
    static uint8_t err[PKT_ETH_HLEN + PKT_ICMP4_ERR_MAX];
    static uint8_t fb[8][1600];
    uint8_t *outs[8];
    uint16_t lens[8];
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(f + pi->l3_off);
    unsigned int mtu;
    int n;

    (void)pkt_icmp4_error_allowed(pi, 0);
    check_error(err, pkt_icmp4_time_exceeded(err + PKT_ETH_HLEN, PKT_ICMP4_ERR_MAX, f, pi, 1),
                PKT_ETH_P_IPV4);
    check_error(err, pkt_icmp4_frag_needed(err + PKT_ETH_HLEN, PKT_ICMP4_ERR_MAX, f, pi, 1400, 1),
                PKT_ETH_P_IPV4);
    CHECK(pkt_icmp4_dest_unreach(err + PKT_ETH_HLEN, 27, f, pi, 1, 1) == -ENOSPC);

    for (int i = 0; i < 8; i++)
        outs[i] = fb[i];
    mtu = 68 + (pi->frag_id % 1500);
    n = pkt_ipv4_fragment((const uint8_t *)ip, pi->l3_len, mtu, outs, sizeof(fb[0]), 8, lens);
    CHECK(n == -EINVAL || n == -ENOSPC || (n >= 1 && n <= 8));
    for (int i = 0; i < n; i++)
        CHECK(pkt_csum(outs[i], (size_t)(outs[i][0] & 0xf) * 4) == 0);

    /* last, as it changes the frame: the header stays valid */
    pkt_ipv4_dec_ttl(ip);
    CHECK(pkt_csum(ip, (size_t)(ip->ver_ihl & 0xf) * 4) == 0);
}

static void run_ipv6(const uint8_t *f, const struct pkt_info *pi)
{
    static uint8_t err[PKT_ETH_HLEN + PKT_ICMP6_ERR_MAX];
    struct in6_addr src = {{{0x20, 0x01, 0x0d, 0xb8, [15] = 1}}};
    struct pkt_nd nd;
    int r;

    (void)pkt_icmp6_error_allowed(pi, PKT_ICMP6_TIME_EXCEEDED, 0);
    (void)pkt_icmp6_error_allowed(pi, PKT_ICMP6_PKT_TOO_BIG, 0);
    check_error(err, pkt_icmp6_time_exceeded(err + PKT_ETH_HLEN, PKT_ICMP6_ERR_MAX, f, pi, &src),
                PKT_ETH_P_IPV6);
    check_error(err,
                pkt_icmp6_pkt_too_big(err + PKT_ETH_HLEN, PKT_ICMP6_ERR_MAX, f, pi, 1280, &src),
                PKT_ETH_P_IPV6);
    r = pkt_nd_parse(f, pi, &nd);
    CHECK(r == 0 || r == -EINVAL || r == PKT_ERR_ND_FORMAT || r == PKT_ERR_L4_CSUM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pkt_info pi;
    uint8_t *f;
    int r;

    f = malloc(size ? size : 1);
    if (f == NULL)
        return 0;
    memcpy(f, data, size);
    r = pkt_parse(f, size, &pi);
    CHECK(r <= 0 && r > -PKT_ERR_COUNT);
    CHECK(strcmp(pkt_err_name(r), "unknown") != 0);
    if (r == 0 && pi.l3 != PKT_L3_NONE) {
        CHECK(pi.l3_off + pi.l3_len <= size);
        if (pi.l3 != PKT_L3_ARP) {
            CHECK(pi.l3_off <= pi.l4_off && pi.l4_off <= pi.payload_off);
            CHECK(pi.payload_off <= pi.l3_off + pi.l3_len);
        }
        if (pi.l3 == PKT_L3_IPV4)
            run_ipv4(f, &pi);
        else if (pi.l3 == PKT_L3_IPV6)
            run_ipv6(f, &pi);
    }
    free(f);
    return 0;
}
