/*
 * blast.c - the traffic generator and counter of the dp benchmark
 * (bench/dp/run): as many copies of one UDP frame as the machine can send,
 * and a count of what arrives.
 *
 *   blast send IFNAME SRCMAC DSTMAC SRCIP DSTIP PORT SIZE SECONDS
 *       AF_PACKET with PACKET_QDISC_BYPASS, sendmmsg of 256 pre-built frames a
 *       call (SIZE: bytes of the IP packet, 28-1500), for SECONDS; prints
 *       "sent N seconds S".
 *   blast recv PORT SECONDS
 *       a UDP socket on PORT drained with recvmmsg until SECONDS pass with
 *       the last second quiet; prints "received N first_to_last_s S".
 *
 * vroom-probe's sender paces itself and tops out near 158k pps here; this
 * does not pace at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];

    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static int do_send(char **argv)
{
    uint8_t frame[1514] = {0}, *ip = frame + 14, *udp = ip + 20;
    struct mmsghdr msgs[BATCH];
    struct iovec iov;
    struct sockaddr_ll sll = {0};
    struct in_addr src, dst;
    int size = atoi(argv[8]), port = atoi(argv[7]), one = 1, fd;
    double secs = atof(argv[9]), t0, t;
    unsigned long long sent = 0;

    if (size < 28 || size > 1500 || secs <= 0 || parse_mac(argv[3], frame + 6) != 0 ||
        parse_mac(argv[4], frame) != 0 || inet_pton(AF_INET, argv[5], &src) != 1 ||
        inet_pton(AF_INET, argv[6], &dst) != 1 || port < 1 || port > 65535) {
        fprintf(stderr, "blast send: bad arguments\n");
        return 2;
    }
    frame[12] = 0x08;
    ip[0] = 0x45;
    ip[2] = (uint8_t)(size >> 8);
    ip[3] = (uint8_t)size;
    ip[8] = 64;
    ip[9] = IPPROTO_UDP;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    {
        uint16_t c = csum(ip, 20);

        ip[10] = (uint8_t)(c >> 8);
        ip[11] = (uint8_t)c;
    }
    udp[0] = 0x9c;
    udp[1] = 0x40; /* source port 40000 */
    udp[2] = (uint8_t)(port >> 8);
    udp[3] = (uint8_t)port;
    udp[4] = (uint8_t)((size - 20) >> 8);
    udp[5] = (uint8_t)(size - 20); /* checksum 0: none */
    fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        perror("blast send: socket");
        return 1;
    }
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = (int)if_nametoindex(argv[2]);
    sll.sll_protocol = htons(ETH_P_IP);
    if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
        perror("blast send: bind");
        return 1;
    }
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
        perror("blast send: PACKET_QDISC_BYPASS (going on without)");
    iov.iov_base = frame;
    iov.iov_len = (size_t)size + 14;
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    t0 = now_s();
    do {
        int n = sendmmsg(fd, msgs, BATCH, 0);

        if (n > 0)
            sent += (unsigned)n;
        else if (n < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
            perror("blast send: sendmmsg");
            return 1;
        }
        t = now_s();
    } while (t - t0 < secs);
    printf("sent %llu seconds %.6f\n", sent, t - t0);
    close(fd);
    return 0;
}

static int do_recv(char **argv)
{
    static char bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    struct sockaddr_in sin = {0};
    struct timeval tv = {0, 200000};
    int fd = socket(AF_INET, SOCK_DGRAM, 0), rcvbuf = 8 << 20;
    double secs = atof(argv[3]), start = now_s(), first = 0, last = 0;
    unsigned long long got = 0;

    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)atoi(argv[2]));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("blast recv: bind");
        return 1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < BATCH; i++) {
        iovs[i].iov_base = bufs[i];
        iovs[i].iov_len = sizeof(bufs[i]);
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int n = recvmmsg(fd, msgs, BATCH, 0, NULL);
        double t = now_s();

        if (n > 0) {
            if (got == 0)
                first = t;
            got += (unsigned)n;
            last = t;
        }
        if (t - start > secs && (got == 0 || t - last > 1.0))
            break;
    }
    printf("received %llu first_to_last_s %.6f\n", got, last - first);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 10 && strcmp(argv[1], "send") == 0)
        return do_send(argv);
    if (argc == 4 && strcmp(argv[1], "recv") == 0)
        return do_recv(argv);
    fprintf(stderr, "usage: blast send IFNAME SRCMAC DSTMAC SRCIP DSTIP PORT SIZE SECONDS\n"
                    "       blast recv PORT SECONDS\n");
    return 2;
}
