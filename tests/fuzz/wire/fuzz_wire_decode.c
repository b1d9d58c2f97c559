/*
 * fuzz_wire_decode.c - libFuzzer harness for the wire decoders (src/wire/).
 * Each input is decoded from an exact-size heap copy (ASan sees any read
 * past it) as a whole outer frame and as a UDP payload, for both wire types;
 * what decodes must describe bytes inside the input and re-encode to the
 * same header. It is then opened as a secure frame with fixed keys (which
 * must fail unless the input was sealed with them: the corpus has such
 * frames, so mutations of real ciphertext are tried), and read as an
 * ADDR[:PORT] string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"
#include "wire/wire_secure.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wire_sec *rx_sec(void)
{
    static struct wire_sec *s;
    uint8_t tx[WIRE_SEC_KEYLEN], rx[WIRE_SEC_KEYLEN];

    /* a fresh window each time would accept any counter; a shared one sees
     * replays across inputs, which is fine: both paths get exercised */
    if (s == NULL) {
        memset(tx, 0x22, sizeof(tx));
        memset(rx, 0x11, sizeof(rx)); /* the corpus' frames are sealed with 0x11.. */
        s = wire_sec_new();
        CHECK(s != NULL && wire_key_set(s, 1, tx, rx) == 0);
    }
    return s;
}

static void check_pkt(const struct wire_pkt *pk, size_t size)
{
    uint8_t h[WIRE_HLEN];
    uint32_t c;

    CHECK(pk->hdr_off + WIRE_HLEN <= size);
    CHECK(pk->inner_off == pk->hdr_off + WIRE_HLEN);
    CHECK(pk->inner_off + pk->inner_len <= size);
    wire_hdr_put(h, pk->connector);
    CHECK(wire_hdr_get(h, sizeof(h), &c) == 0 && c == pk->connector);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size + 1);
    struct wire_pkt pk;
    uint8_t *inner;
    size_t inner_len;
    int rc;

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    for (int t = WIRE_ENCAP; t <= WIRE_SECURE; t++) {
        rc = wire_decode_frame(copy, size, WIRE_UDP_PORT, (enum wire_type)t, &pk);
        CHECK(rc <= 0 && -rc < WIRE_DROP_MAX);
        if (rc == 0) {
            check_pkt(&pk, size);
            if (t == WIRE_ENCAP)
                CHECK(pk.inner_len >= WIRE_ETH_HLEN);
        }
        rc = wire_decode_payload(copy, size, (enum wire_type)t, &pk);
        CHECK(rc <= 0 && -rc < WIRE_DROP_MAX);
        if (rc == 0)
            check_pkt(&pk, size);
    }
    (void)wire_flow_sport(copy, size);
    /* as a secure UDP payload */
    rc = wire_sec_open(rx_sec(), copy, size, &inner, &inner_len);
    CHECK(rc <= 0 && -rc < WIRE_DROP_MAX);
    if (rc == 0)
        CHECK(inner >= copy && inner + inner_len <= copy + size && inner_len >= WIRE_ETH_HLEN);
    /* as an address */
    if (size < 80) {
        char s[81];
        struct wire_addr a;
        char buf[WIRE_ADDR_STRLEN];

        memcpy(s, data, size);
        s[size] = '\0';
        if (wire_addr_parse(s, WIRE_UDP_PORT, &a) == 0) {
            struct wire_addr b;

            wire_addr_format(&a, buf, sizeof(buf));
            CHECK(wire_addr_parse(buf, 1, &b) == 0 && wire_addr_same_host(&a, &b) &&
                  a.port == b.port);
        }
    }
    free(copy);
    return 0;
}
