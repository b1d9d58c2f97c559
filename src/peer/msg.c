/*
 * msg.c - message framing of the peer channel: header encoding and the
 * incremental, checking reader. See msg.h; the socket side is in conn.c.
 */
#include "peer/msg.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

void peer_msg_hdr_encode(const struct peer_msg_hdr *h, uint8_t out[PEER_MSG_HDR_LEN])
{
    uint16_t t = htobe16(h->type), f = htobe16(h->flags);
    uint32_t l = htobe32(h->len);
    uint64_t id = htobe64(h->id);

    memcpy(out, &t, 2);
    memcpy(out + 2, &f, 2);
    memcpy(out + 4, &l, 4);
    memcpy(out + 8, &id, 8);
}

void peer_msg_hdr_decode(const uint8_t in[PEER_MSG_HDR_LEN], struct peer_msg_hdr *h)
{
    uint16_t t, f;
    uint32_t l;
    uint64_t id;

    memcpy(&t, in, 2);
    memcpy(&f, in + 2, 2);
    memcpy(&l, in + 4, 4);
    memcpy(&id, in + 8, 8);
    h->type = be16toh(t);
    h->flags = be16toh(f);
    h->len = be32toh(l);
    h->id = be64toh(id);
}

bool peer_msg_check(const struct peer_msg_rules *rules, const struct peer_msg_hdr *h,
                    enum peer_refuse *why)
{
    const struct peer_msg_rule *r;

    if (h->type > PEER_TYPE_MAX || !rules->type[h->type].known) {
        *why = PEER_REFUSE_TYPE;
        return false;
    }
    r = &rules->type[h->type];
    if (h->flags & ~PEER_MSG_FLAGS_KNOWN)
        *why = PEER_REFUSE_FLAGS;
    else if (h->len > r->max_len)
        *why = PEER_REFUSE_LONG;
    else if (h->len < r->min_len)
        *why = PEER_REFUSE_SHORT;
    else
        return true;
    return false;
}

void peer_rx_init(struct peer_rx *rx, const struct peer_msg_rules *rules)
{
    rx->rules = rules;
    rx->have = 0;
    rx->in_payload = false;
    rx->payload = NULL;
    rx->heap = NULL;
    rx->refused = PEER_REFUSE_MAX;
    memset(&rx->hdr, 0, sizeof(rx->hdr));
}

void peer_rx_release(struct peer_rx *rx)
{
    free(rx->heap);
    rx->heap = NULL;
    rx->payload = NULL;
    rx->have = 0;
    rx->in_payload = false;
}

void peer_rx_space(struct peer_rx *rx, uint8_t **buf, size_t *len)
{
    if (!rx->in_payload) {
        *buf = rx->hdrbuf + rx->have;
        *len = PEER_MSG_HDR_LEN - rx->have;
    } else {
        *buf = rx->payload + rx->have;
        *len = rx->hdr.len - rx->have;
    }
}

enum peer_rx_status peer_rx_commit(struct peer_rx *rx, size_t n)
{
    rx->have += n;
    if (!rx->in_payload) {
        if (rx->have < PEER_MSG_HDR_LEN)
            return PEER_RX_MORE;
        peer_msg_hdr_decode(rx->hdrbuf, &rx->hdr);
        if (!peer_msg_check(rx->rules, &rx->hdr, &rx->refused))
            return PEER_RX_REFUSED;
        rx->have = 0;
        if (rx->hdr.len == 0) {
            rx->payload = NULL;
            return PEER_RX_MSG;
        }
        if (rx->hdr.len <= PEER_RX_INLINE) {
            rx->payload = rx->inline_buf;
        } else {
            rx->heap = malloc(rx->hdr.len);
            if (rx->heap == NULL)
                return PEER_RX_NOMEM;
            rx->payload = rx->heap;
        }
        rx->in_payload = true;
        return PEER_RX_MORE;
    }
    return rx->have < rx->hdr.len ? PEER_RX_MORE : PEER_RX_MSG;
}

void peer_rx_next(struct peer_rx *rx)
{
    peer_rx_release(rx);
}

bool peer_rx_partial(const struct peer_rx *rx)
{
    return rx->in_payload || rx->have > 0;
}

enum peer_rx_status
peer_rx_feed(struct peer_rx *rx, const uint8_t *data, size_t len, size_t *used,
             int (*fn)(const struct peer_msg_hdr *h, const uint8_t *payload, void *arg), void *arg)
{
    enum peer_rx_status st = PEER_RX_MORE;
    size_t off = 0, want;
    uint8_t *buf;

    while (off < len) {
        peer_rx_space(rx, &buf, &want);
        if (want > len - off)
            want = len - off;
        memcpy(buf, data + off, want);
        off += want;
        st = peer_rx_commit(rx, want);
        if (st == PEER_RX_MSG) {
            int stop = fn(&rx->hdr, rx->payload, arg);

            peer_rx_next(rx);
            if (stop)
                break;
            st = PEER_RX_MORE;
        } else if (st != PEER_RX_MORE) {
            break;
        }
    }
    *used = off;
    return st;
}
