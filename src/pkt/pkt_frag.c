/*
 * pkt_frag.c - IPv4 fragmentation (RFC 791 3.2 "An Example Fragmentation
 * Procedure", RFC 1812 5.2.6), writing each fragment into a caller buffer.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "pkt/pkt_csum.h"
#include "pkt/pkt_frag.h"

#define IPOPT_COPIED 0x80

struct frag_plan {
    size_t hl;         /* header length of the original and of the first fragment */
    size_t tot;        /* total length of the original */
    size_t hl_rest;    /* header length of later fragments */
    size_t first_data; /* data bytes per first fragment (multiple of 8) */
    size_t rest_data;  /* data bytes per later fragment (multiple of 8) */
    uint8_t opts[40];  /* options of later fragments, padded */
    int count;
};

/* Check the packet and work out the fragments; returns 0 or -EINVAL. */
static int frag_plan(const uint8_t *p, size_t len, unsigned int mtu, struct frag_plan *fp)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p;
    size_t i, n, olen = 0, data, off;
    uint16_t fo;

    if (len < PKT_IPV4_HLEN || (ip->ver_ihl >> 4) != 4)
        return -EINVAL;
    fp->hl = (size_t)(ip->ver_ihl & 0x0f) * 4;
    fp->tot = ntohs(ip->tot_len);
    if (fp->hl < PKT_IPV4_HLEN || fp->tot < fp->hl || fp->tot > len)
        return -EINVAL;
    if (fp->tot <= mtu) {
        fp->count = 1;
        return 0;
    }
    fo = ntohs(ip->frag_off);
    data = fp->tot - fp->hl;
    off = (size_t)(fo & PKT_IPV4_OFFMASK) * 8;
    if ((fo & PKT_IPV4_DF) || off + data > 65535 - PKT_IPV4_HLEN)
        return -EINVAL;

    /* Later fragments carry only the options with the copied flag (RFC 791 3.1). */
    n = fp->hl - PKT_IPV4_HLEN;
    for (i = 0; i < n;) {
        const uint8_t *o = p + PKT_IPV4_HLEN + i;
        size_t l;

        if (o[0] == 0)
            break;
        if (o[0] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n || o[1] < 2 || o[1] > n - i)
            return -EINVAL;
        l = o[1];
        if (o[0] & IPOPT_COPIED) {
            memcpy(fp->opts + olen, o, l);
            olen += l;
        }
        i += l;
    }
    while (olen % 4)
        fp->opts[olen++] = 0; /* end of option list */
    fp->hl_rest = PKT_IPV4_HLEN + olen;
    if (mtu < fp->hl + 8)
        return -EINVAL;
    fp->first_data = (mtu - fp->hl) & ~(size_t)7;
    fp->rest_data = (mtu - fp->hl_rest) & ~(size_t)7;
    fp->count = 1;
    if (data > fp->first_data)
        fp->count += (int)((data - fp->first_data + fp->rest_data - 1) / fp->rest_data);
    return 0;
}

int pkt_ipv4_fragment_count(const uint8_t *ip, size_t len, unsigned int mtu)
{
    struct frag_plan fp;
    int err = frag_plan(ip, len, mtu, &fp);

    return err ? err : fp.count;
}

int pkt_ipv4_fragment(const uint8_t *p, size_t len, unsigned int mtu, uint8_t *const *out,
                      size_t cap, size_t nout, uint16_t *out_len)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p;
    struct frag_plan fp;
    size_t pos = 0, data, off0;
    uint16_t fo;
    int err, i;

    err = frag_plan(p, len, mtu, &fp);
    if (err)
        return err;
    if ((size_t)fp.count > nout)
        return -ENOSPC;
    if (fp.count == 1) {
        if (cap < fp.tot)
            return -ENOSPC;
        memcpy(out[0], p, fp.tot);
        out_len[0] = (uint16_t)fp.tot;
        return 1;
    }
    fo = ntohs(ip->frag_off);
    off0 = (size_t)(fo & PKT_IPV4_OFFMASK) * 8;
    data = fp.tot - fp.hl;
    for (i = 0; i < fp.count; i++) {
        size_t hl = i ? fp.hl_rest : fp.hl;
        size_t chunk = i ? fp.rest_data : fp.first_data;
        struct ipv4_hdr *fh = (struct ipv4_hdr *)out[i];
        uint16_t nfo;

        if (chunk > data - pos)
            chunk = data - pos;
        if (cap < hl + chunk)
            return -ENOSPC;
        memcpy(fh, p, PKT_IPV4_HLEN);
        if (i)
            memcpy(out[i] + PKT_IPV4_HLEN, fp.opts, hl - PKT_IPV4_HLEN);
        else
            memcpy(out[i] + PKT_IPV4_HLEN, p + PKT_IPV4_HLEN, hl - PKT_IPV4_HLEN);
        memcpy(out[i] + hl, p + fp.hl + pos, chunk);
        fh->ver_ihl = (uint8_t)(0x40 | (hl / 4));
        fh->tot_len = htons((uint16_t)(hl + chunk));
        nfo = (uint16_t)((off0 + pos) / 8);
        /* The last piece keeps the original's MF: it may itself be a middle fragment. */
        if (pos + chunk < data || (fo & PKT_IPV4_MF))
            nfo |= PKT_IPV4_MF;
        fh->frag_off = htons(nfo);
        pkt_ipv4_csum_set(fh);
        out_len[i] = (uint16_t)(hl + chunk);
        pos += chunk;
    }
    return fp.count;
}
