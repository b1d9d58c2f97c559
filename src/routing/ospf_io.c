/*
 * ospf_io.c - raw IP sockets for the OSPF instance (ospf_io.h). The
 * kernel builds the IP header on send (no IP_HDRINCL) and hands it to us
 * on receive; the header is checked here before the payload goes to the
 * library's parser.
 */
#include "routing/ospf_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_OSPF
#define IPPROTO_OSPF 89
#endif

int ospf_io_group(int fd, int ifindex, uint32_t group, bool join)
{
    struct ip_mreqn m = {.imr_multiaddr.s_addr = htonl(group), .imr_ifindex = ifindex};

    if (setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof(m)) <
        0)
        return -errno;
    return 0;
}

/*
 * Raise a socket buffer to OSPF_IO_SOCKBUF: past net.core.[rw]mem_max with
 * the FORCE option when we may (CAP_NET_ADMIN), else as far as the limit
 * lets us. Never fatal: a small buffer costs retransmissions, not function.
 */
static void sockbuf(int fd, int force, int opt)
{
    int size = OSPF_IO_SOCKBUF;

    if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

int ospf_io_open(const char *ifname, int ifindex)
{
    struct ip_mreqn m = {.imr_ifindex = ifindex};
    int fd, one = 1, zero = 0, ttl = 1, tos = IPTOS_PREC_INTERNETCONTROL, ret;

    fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_OSPF);
    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) < 0 ||
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) {
        ret = -errno;
        goto fail;
    }
    if ((ret = ospf_io_group(fd, ifindex, OSPF_ALL_SPF_ROUTERS, true)) < 0)
        goto fail;
    sockbuf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
    sockbuf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
    return fd;
fail:
    close(fd);
    return ret;
}

int ospf_io_mtu(const char *ifname)
{
    struct ifreq ifr;
    int fd, ret;

    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return -errno;
    ret = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -errno : ifr.ifr_mtu;
    close(fd);
    return ret;
}

int ospf_io_recv(int fd, uint8_t *buf, size_t cap, uint32_t *src, uint32_t *dst, int *ifindex,
                 size_t *off, size_t *len)
{
    union {
        char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } c;
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b, .msg_controllen = sizeof(c.b)};
    ssize_t n = recvmsg(fd, &mh, 0);
    size_t ihl, tot;

    if (n < 0)
        return errno == EINTR ? -EAGAIN : -errno;
    *ifindex = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
        if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;

            memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
            *ifindex = pi.ipi_ifindex;
        }
    /* the IP header as the kernel delivers it: version, IHL, total length, protocol */
    if (n < 20 || (buf[0] >> 4) != 4)
        return -EINVAL;
    ihl = (size_t)(buf[0] & 0x0f) * 4;
    tot = (size_t)buf[2] << 8 | buf[3];
    if (ihl < 20 || ihl > (size_t)n || buf[9] != IPPROTO_OSPF)
        return -EINVAL;
    /* Linux gives the total length as sent; never trust more than we got */
    if (tot < ihl || tot > (size_t)n)
        tot = (size_t)n;
    *src = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 | (uint32_t)buf[14] << 8 | buf[15];
    *dst = (uint32_t)buf[16] << 24 | (uint32_t)buf[17] << 16 | (uint32_t)buf[18] << 8 | buf[19];
    *off = ihl;
    *len = tot - ihl;
    return 0;
}

int ospf_io_send(int fd, int ifindex, uint32_t dst, const uint8_t *buf, size_t len)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(dst)};
    union {
        char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } c;
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr mh = {.msg_name = &sa,
                        .msg_namelen = sizeof(sa),
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = c.b,
                        .msg_controllen = sizeof(c.b)};
    struct cmsghdr *cm;
    struct in_pktinfo pi = {.ipi_ifindex = ifindex};

    memset(&c, 0, sizeof(c));
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = IPPROTO_IP;
    cm->cmsg_type = IP_PKTINFO;
    cm->cmsg_len = CMSG_LEN(sizeof(pi));
    memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
    if (sendmsg(fd, &mh, 0) < 0)
        return -errno;
    return 0;
}
