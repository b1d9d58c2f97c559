/*
 * ospf_io.h - the OSPF instance's sockets (proto_ospf.c): one raw IP
 * socket (protocol 89) per interface, bound to the device, joined to
 * AllSPFRouters (and AllDRouters when DR or BDR) on it, TTL 1, no
 * multicast loop, and socket buffers of OSPF_IO_SOCKBUF bytes each way: a
 * neighbour floods a whole database at once (100,000 AS-external-LSAs are
 * some 2,500 full-size LS Updates in a burst), and what the default
 * buffer (about 200 KiB) cannot hold is lost until the neighbour
 * retransmits it, one RxmtInterval at a time (FRR's ospfd uses 8 MiB too).
 * The OSPF library (routing/ospf/) never sees a socket:
 * these hand it the IP payload and send what it built.
 *
 * Addresses are host byte order, as in the library. Functions return 0
 * (or a length) or -errno.
 */
#ifndef VROOM_ROUTING_OSPF_IO_H
#define VROOM_ROUTING_OSPF_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OSPF_ALL_SPF_ROUTERS 0xe0000005u /* 224.0.0.5 */
#define OSPF_ALL_D_ROUTERS   0xe0000006u /* 224.0.0.6 */
#define OSPF_IO_SOCKBUF      (8 << 20)   /* SO_RCVBUF and SO_SNDBUF, bytes */

/* A non-blocking raw socket on ifname (ifindex), joined to AllSPFRouters: fd or -errno. */
int ospf_io_open(const char *ifname, int ifindex);
/* Join (join true) or leave a multicast group on ifindex. */
int ospf_io_group(int fd, int ifindex, uint32_t group, bool join);
/* The interface's MTU, or -errno. */
int ospf_io_mtu(const char *ifname);
/*
 * Receive one datagram into buf[0..cap) and find its IP payload: the
 * source and destination addresses, the receiving interface (IP_PKTINFO; 0
 * if the kernel gave none), *off and *len of the OSPF packet.
 * Returns 0, -EAGAIN when there is nothing, or -EINVAL for an IP header
 * that does not hold together (too short, bad IHL, not protocol 89).
 */
int ospf_io_recv(int fd, uint8_t *buf, size_t cap, uint32_t *src, uint32_t *dst, int *ifindex,
                 size_t *off, size_t *len);
/* Send buf[0..len) to dst out of ifindex. */
int ospf_io_send(int fd, int ifindex, uint32_t dst, const uint8_t *buf, size_t len);

#endif
