/*
 * port_afpacket.c - ports on existing interfaces through AF_PACKET.
 *
 * Receive: a TPACKET_V3 ring of blocks mapped into our memory; the kernel
 * fills a block with frames and hands it over when it is full or after 1 ms,
 * so one wake-up serves many frames. Transmit: sendmmsg() of a whole burst.
 * The interface is put in promiscuous mode (the VR's MACs are not the
 * interface's own) and our own transmissions are not looped back
 * (PACKET_IGNORE_OUTGOING). Frames the sender left with a partial checksum
 * (TP_STATUS_CSUMNOTREADY, from a veth peer's checksum offload) are marked
 * for the pipeline to complete.
 */
#include "dp/port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/*
 * The ring's depth in time is what matters: the kernel hands a block over
 * when it is full or 1 ms after its first frame, so at low rates every block
 * holds a millisecond. 128 blocks ride out a 128 ms stall of vroomd at any
 * rate (at 100k pps a 64 KiB block fills in ~3 ms: ~0.4 s); 8 MiB a port.
 */
#define AFP_BLOCK_SIZE (1u << 16) /* 64 KiB: several jumbo frames */
#define AFP_BLOCK_NR   128
#define AFP_FRAME_SIZE 2048 /* nominal: V3 packs frames of any size into blocks */

struct afp {
    int fd;
    int ifindex;
    uint8_t *ring;
    size_t ring_len;
    unsigned block;                /* current block */
    unsigned left;                 /* frames left in it */
    struct tpacket3_hdr *next_pkt; /* next frame in it */
};

static struct tpacket_block_desc *afp_block(const struct afp *a, unsigned i)
{
    return (struct tpacket_block_desc *)(a->ring + (size_t)i * AFP_BLOCK_SIZE);
}

static int afp_open(struct port *p, const char *ifname, int fd, char *err, size_t errlen)
{
    struct afp *a = calloc(1, sizeof(*a));
    struct tpacket_req3 req = {
        .tp_block_size = AFP_BLOCK_SIZE,
        .tp_block_nr = AFP_BLOCK_NR,
        .tp_frame_size = AFP_FRAME_SIZE,
        .tp_frame_nr = AFP_BLOCK_SIZE / AFP_FRAME_SIZE * AFP_BLOCK_NR,
        .tp_retire_blk_tov = 1,
    };
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
    struct packet_mreq mr = {.mr_type = PACKET_MR_PROMISC};
    int v3 = TPACKET_V3, one = 1, rc;

    (void)fd;
    if (a == NULL)
        return -ENOMEM;
    a->fd = -1;
    if (ifname == NULL || (a->ifindex = (int)if_nametoindex(ifname)) == 0) {
        rc = -ENODEV;
        snprintf(err, errlen, "ifname: no interface '%s'", ifname != NULL ? ifname : "");
        goto fail;
    }
    a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (a->fd < 0)
        goto fail_errno;
    if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &v3, sizeof(v3)) != 0 ||
        setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0)
        goto fail_errno;
    /* Best effort: older kernels loop our own frames back; we skip them below. */
    setsockopt(a->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
    a->ring_len = (size_t)AFP_BLOCK_SIZE * AFP_BLOCK_NR;
    a->ring = mmap(NULL, a->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, a->fd, 0);
    if (a->ring == MAP_FAILED) {
        a->ring = mmap(NULL, a->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
        if (a->ring == MAP_FAILED) {
            a->ring = NULL;
            goto fail_errno;
        }
    }
    sll.sll_ifindex = a->ifindex;
    if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
        goto fail_errno;
    mr.mr_ifindex = a->ifindex;
    if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0)
        goto fail_errno;
    p->priv = a;
    return 0;

fail_errno:
    rc = -errno;
    snprintf(err, errlen, "afpacket on %s: %s", ifname, strerror(errno));
fail:
    if (a->ring != NULL)
        munmap(a->ring, a->ring_len);
    if (a->fd >= 0)
        close(a->fd);
    free(a);
    return rc;
}

static void afp_close(struct port *p)
{
    struct afp *a = p->priv;

    munmap(a->ring, a->ring_len);
    close(a->fd);
    free(a);
}

static int afp_fd(const struct port *p)
{
    return ((const struct afp *)p->priv)->fd;
}

static unsigned afp_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    struct afp *a = p->priv;
    unsigned n = 0;
    int losing = 0;

    while (n < max) {
        struct tpacket_block_desc *bd = afp_block(a, a->block);
        struct tpacket3_hdr *h;
        const struct sockaddr_ll *sll;

        if (a->left == 0) {
            if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
                break;
            a->left = bd->hdr.bh1.num_pkts;
            a->next_pkt = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
            if (a->left == 0)
                goto block_done;
        }
        h = a->next_pkt;
        sll =
            (const struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
        if (sll->sll_pkttype == PACKET_OUTGOING) {
            /* our own or the host's transmissions: not input */
        } else if (h->tp_snaplen < h->tp_len || h->tp_snaplen > PBUF_CAP) {
            p->st.rx_oversize++;
        } else {
            struct pbuf *b = pbuf_alloc(p->pool);

            if (b == NULL) {
                p->st.rx_nobuf++;
            } else {
                const uint8_t *f = (uint8_t *)h + h->tp_mac;

                if ((h->tp_status & TP_STATUS_VLAN_VALID) && h->tp_snaplen >= 12 &&
                    h->tp_snaplen + 4 <= PBUF_CAP) {
                    /* the kernel took the 802.1Q tag out: put it back, so the
                     * pipeline sees the frame as it was on the wire */
                    uint16_t tpid =
                        (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : 0x8100;
                    uint8_t tag[4] = {(uint8_t)(tpid >> 8), (uint8_t)tpid,
                                      (uint8_t)(h->hv1.tp_vlan_tci >> 8),
                                      (uint8_t)h->hv1.tp_vlan_tci};

                    memcpy(b->data, f, 12);
                    memcpy(b->data + 12, tag, 4);
                    memcpy(b->data + 16, f + 12, h->tp_snaplen - 12);
                    b->len = h->tp_snaplen + 4;
                } else {
                    memcpy(b->data, f, h->tp_snaplen);
                    b->len = h->tp_snaplen;
                }
                if (h->tp_status & TP_STATUS_CSUMNOTREADY)
                    b->flags |= PBUF_F_CSUM_PARTIAL;
                bufs[n++] = b;
            }
        }
        if (h->tp_status & TP_STATUS_LOSING)
            losing = 1;
        a->next_pkt = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
        if (--a->left > 0)
            continue;
    block_done:
        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        a->block = (a->block + 1) % AFP_BLOCK_NR;
    }
    if (losing) {
        /* the kernel dropped frames for want of ring space: count them exactly */
        struct tpacket_stats_v3 ts;
        socklen_t len = sizeof(ts);

        if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &ts, &len) == 0)
            p->st.rx_ring_drops += ts.tp_drops;
    }
    return n;
}

static unsigned afp_tx(struct port *p, struct pbuf **bufs, unsigned n)
{
    struct afp *a = p->priv;
    struct mmsghdr msgs[PORT_BURST];
    struct iovec iov[PORT_BURST];
    unsigned done = 0, waits = 0;

    while (done < n) {
        unsigned k = n - done < PORT_BURST ? n - done : PORT_BURST;
        int sent;

        for (unsigned i = 0; i < k; i++) {
            iov[i].iov_base = bufs[done + i]->data;
            iov[i].iov_len = bufs[done + i]->len;
            memset(&msgs[i], 0, sizeof(msgs[i]));
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        sent = sendmmsg(a->fd, msgs, k, MSG_DONTWAIT);
        if (sent <= 0) {
            if (sent < 0 && errno == EAGAIN) {
                /* The device queue is full: wait briefly for room rather than drop. */
                struct pollfd pfd = {.fd = a->fd, .events = POLLOUT};

                if (++waits <= 10 && poll(&pfd, 1, 1) > 0)
                    continue;
            }
            if (sent < 0 &&
                (errno == EMSGSIZE || errno == EINVAL || errno == ENETDOWN || errno == ENXIO)) {
                /* this frame cannot go: skip it, try the rest */
                for (unsigned i = done; i + 1 < n; i++) {
                    struct pbuf *t = bufs[i];
                    bufs[i] = bufs[i + 1];
                    bufs[i + 1] = t;
                }
                n--;
                continue;
            }
            break;
        }
        done += (unsigned)sent;
    }
    return done;
}

const struct port_ops port_afpacket_ops = {
    .kind = "afpacket",
    .open = afp_open,
    .close = afp_close,
    .fd = afp_fd,
    .rx_burst = afp_rx,
    .tx_burst = afp_tx,
};
