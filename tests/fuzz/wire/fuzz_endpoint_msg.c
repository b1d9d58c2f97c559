/*
 * fuzz_endpoint_msg.c - libFuzzer harness for the endpoint controller's peer
 * message decoder (src/dp/endpoint_msg.c). The first byte picks the message
 * type (one of the twelve, or one past them), the rest is the payload, decoded
 * from an exact-size heap copy. What decodes must hold what its type
 * promises: the members it has, endpoints of the VR:IFACE form, an IPv4
 * underlay where one is due, keys only as two different keys; what does not
 * decode must say why. Every path must free what it took (LeakSanitizer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp/endpoint_msg.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ep(const char *ep)
{
    char vr[VR_NAME_MAX + 1], ifn[VR_IFNAME_MAX + 1];

    CHECK(ep != NULL && ep_split(ep, vr, ifn) == 0);
}

static void check(const struct ep_msg_in *m)
{
    CHECK(m->obj != NULL);
    switch (m->type) {
    case MSG_INFO:
        CHECK(m->underlay[0] != '\0');
        break;
    case MSG_LOOKUP:
        check_ep(m->endpoint);
        break;
    case MSG_LOOKUP_REPLY:
        check_ep(m->endpoint);
        CHECK(m->found == (m->underlay[0] != '\0'));
        break;
    case MSG_MOVED:
        check_ep(m->endpoint);
        CHECK(m->host != NULL && strlen(m->host) <= PEER_NAME_MAX && m->underlay[0] != '\0');
        break;
    case MSG_CONNECT:
        CHECK(m->connector != 0);
        check_ep(m->local);
        check_ep(m->remote);
        CHECK(m->underlay[0] != '\0');
        break;
    case MSG_CONNECT_REPLY:
    case MSG_MOVE_READY:
    case MSG_EXPECT_READY:
        CHECK(m->error == NULL || strlen(m->error) <= EP_ERROR_MAX);
        break;
    case MSG_DISCONNECT:
        break;
    case MSG_MOVE_PREPARE:
        CHECK(m->connector != 0);
        check_ep(m->endpoint);
        check_ep(m->far);
        CHECK(m->host != NULL && m->underlay[0] != '\0');
        break;
    case MSG_REPOINT:
    case MSG_EXPECT:
        CHECK(m->connector != 0);
        check_ep(m->endpoint);
        CHECK(m->host != NULL && m->underlay[0] != '\0');
        break;
    default:
        CHECK(0);
    }
    if (m->key.has)
        CHECK(memcmp(m->key.tx, m->key.rx, sizeof(m->key.tx)) != 0);
    CHECK(strlen(m->underlay) < EP_UNDERLAY_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ep_msg_in m;
    char why[256];
    uint16_t type;
    uint8_t *copy;
    int rc;

    if (size < 1)
        return 0;
    type = (uint16_t)(MSG_INFO + data[0] % (MSG_END - MSG_INFO + 1));
    copy = malloc(size - 1 ? size - 1 : 1);
    CHECK(copy != NULL);
    memcpy(copy, data + 1, size - 1);
    why[0] = '\0';
    rc = ep_msg_decode(type, copy, size - 1, &m, why, sizeof(why));
    if (rc == 0)
        check(&m);
    else
        CHECK(rc == -22 && why[0] != '\0' && type != 0);
    ep_msg_free(&m);
    CHECK(m.obj == NULL && !m.key.has);
    free(copy);
    return 0;
}
