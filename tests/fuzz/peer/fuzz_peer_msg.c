/*
 * fuzz_peer_msg.c - libFuzzer harness for the peer channel's framing reader
 * (src/peer/msg.c): the input is what a peer sends after the TLS handshake.
 * The first byte picks how the stream is cut into reads (one byte, small
 * pieces, or whole), the rest is fed through peer_rx_feed() against a rules
 * table like the daemon's. Checks: every delivered message passed the rules,
 * its payload is readable to the end, feeding stops at the first refusal,
 * and the same input gives the same messages however it is cut.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peer/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct peer_msg_rules rules;

struct tally {
    size_t n;
    uint64_t sum; /* of types, lengths, ids and payload bytes */
};

static int on_msg(const struct peer_msg_hdr *h, const uint8_t *payload, void *arg)
{
    struct tally *t = arg;
    enum peer_refuse why;
    uint32_t i;

    assert(peer_msg_check(&rules, h, &why));
    assert(h->len == 0 || payload != NULL);
    t->n++;
    t->sum += h->type + h->len + h->id;
    for (i = 0; i < h->len; i++)
        t->sum += payload[i];
    return 0;
}

static enum peer_rx_status run(const uint8_t *data, size_t size, size_t piece, struct tally *t,
                               size_t *consumed)
{
    enum peer_rx_status st = PEER_RX_MORE;
    struct peer_rx *rx = malloc(sizeof(*rx));
    size_t off = 0, n, used;

    peer_rx_init(rx, &rules);
    *consumed = 0;
    while (off < size) {
        n = piece == 0 || piece > size - off ? size - off : piece;
        st = peer_rx_feed(rx, data + off, n, &used, on_msg, t);
        assert(used <= n);
        off += used;
        if (st != PEER_RX_MORE)
            break;
        assert(used == n);
    }
    *consumed = off;
    if (st == PEER_RX_REFUSED)
        assert(rx->refused < PEER_REFUSE_MAX);
    peer_rx_release(rx);
    free(rx);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t pieces[] = {0, 1, 3, 16, 17, 4096};
    struct tally whole = {0}, cut = {0};
    enum peer_rx_status a, b;
    size_t ca, cb, piece;

    if (!rules.type[PEER_TYPE_PING].known) {
        rules.type[PEER_TYPE_PING] = (struct peer_msg_rule){.known = true};
        rules.type[PEER_TYPE_PONG] = (struct peer_msg_rule){.known = true};
        rules.type[PEER_TYPE_HELLO] =
            (struct peer_msg_rule){.known = true, .min_len = PEER_HELLO_LEN, .max_len = 256};
        rules.type[16] = (struct peer_msg_rule){.known = true, .max_len = 1 << 16};
        rules.type[17] = (struct peer_msg_rule){.known = true, .min_len = 8, .max_len = 64};
        rules.type[PEER_TYPE_MAX] = (struct peer_msg_rule){.known = true, .max_len = 5000};
    }
    if (size == 0)
        return 0;
    piece = pieces[data[0] % (sizeof(pieces) / sizeof(pieces[0]))];
    a = run(data + 1, size - 1, 0, &whole, &ca);
    b = run(data + 1, size - 1, piece, &cut, &cb);
    assert(a == b);
    assert(whole.n == cut.n && whole.sum == cut.sum);
    if (a == PEER_RX_REFUSED)
        assert(ca == cb);
    return 0;
}
