/*
 * pkt_frag.h - IPv4 fragmentation for the forwarding path (RFC 791 3.2,
 * RFC 1812 4.2.2.7, 5.2.6). IPv6 routers never fragment (RFC 8200 5): they
 * send packet too big instead (pkt_build.h).
 */
#ifndef VROOM_PKT_PKT_FRAG_H
#define VROOM_PKT_PKT_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

/*
 * Split the IPv4 packet ip[0..len) (len = its total length; it may itself
 * be a fragment) into fragments of at most mtu bytes each. Fragment i is
 * written to out[i] (capacity cap each, IP packet without Ethernet header)
 * and its length to out_len[i]; at most nout fragments.
 *
 * The first fragment keeps all options; later ones only options with the
 * copied flag (RFC 791 3.1), padded with end-of-options to a 4-byte
 * multiple. Data is cut at 8-byte boundaries; offsets continue the
 * original's, MF is set on all but the last, which keeps the original's MF.
 * Every header checksum is computed.
 *
 * Returns the number of fragments (1 when the packet already fits: it is
 * copied unchanged), -EINVAL when the packet is malformed, has DF set, or
 * mtu leaves no room for 8 data bytes after a header, -ENOSPC when nout or
 * cap are too small.
 */
int pkt_ipv4_fragment(const uint8_t *ip, size_t len, unsigned int mtu, uint8_t *const *out,
                      size_t cap, size_t nout, uint16_t *out_len);

/* How many fragments pkt_ipv4_fragment() would make; -EINVAL as above. */
int pkt_ipv4_fragment_count(const uint8_t *ip, size_t len, unsigned int mtu);

#endif
