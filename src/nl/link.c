/*
 * link.c - the interfaces of a container: tap devices, moving and renaming
 * links across namespaces, MAC, MTU, up/down, and addresses.
 *
 * A VR interface is a tap that vroomd creates in its own namespace (the fd
 * is how frames are punted to and received from the container), then moves
 * into the VR's namespace under the interface's real name. The move and the
 * rename are one RTM_NEWLINK, so the name never collides in vroomd's
 * namespace and no half-moved link is left behind. Requests: sock.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "nl/nl_impl.h"

/* Message buffers start zeroed: libmnl 1.0.4 leaves attribute padding as it finds it. */
#define LINK_MSG_SIZE 512

int nl_tap_create(const char *name, int *ifindex)
{
    struct ifreq ifr;
    int fd, err;

    if (name && strlen(name) >= IFNAMSIZ)
        return -EINVAL;
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (name)
        strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        goto fail;
    if (ifindex) {
        /* the tun fd answers SIOCGIFINDEX for its own device */
        ifr.ifr_ifindex = 0;
        int sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sfd < 0)
            goto fail;
        if (ioctl(sfd, SIOCGIFINDEX, &ifr) < 0) {
            err = -errno;
            close(sfd);
            close(fd);
            return err;
        }
        close(sfd);
        *ifindex = ifr.ifr_ifindex;
    }
    return fd;

fail:
    err = -errno;
    close(fd);
    return err;
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, int ifindex)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifinfomsg *ifi;

    nlh->nlmsg_type = type;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return nlh;
}

int nl_link_move(struct nl_sock *s, int ifindex, int netns_fd, const char *newname)
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh;

    if (ifindex <= 0 || netns_fd < 0 || (newname && strlen(newname) >= IFNAMSIZ))
        return -EINVAL;
    nlh = link_msg(buf, RTM_NEWLINK, ifindex);
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
    if (newname && newname[0])
        mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
    return nl_sock_request(s, nlh, NULL, NULL);
}

int nl_link_set_mac(struct nl_sock *s, int ifindex, const uint8_t mac[6])
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh;

    if (ifindex <= 0)
        return -EINVAL;
    nlh = link_msg(buf, RTM_NEWLINK, ifindex);
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    return nl_sock_request(s, nlh, NULL, NULL);
}

int nl_link_set_mtu(struct nl_sock *s, int ifindex, unsigned mtu)
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh;

    if (ifindex <= 0 || mtu == 0)
        return -EINVAL;
    nlh = link_msg(buf, RTM_NEWLINK, ifindex);
    mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    return nl_sock_request(s, nlh, NULL, NULL);
}

int nl_link_set_up(struct nl_sock *s, int ifindex, bool up)
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh;
    struct ifinfomsg *ifi;

    if (ifindex <= 0)
        return -EINVAL;
    nlh = link_msg(buf, RTM_NEWLINK, ifindex);
    ifi = mnl_nlmsg_get_payload(nlh);
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    return nl_sock_request(s, nlh, NULL, NULL);
}

static int link_index_reply(const struct nlmsghdr *nlh, void *arg)
{
    struct ifinfomsg ifi;

    if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(ifi))
        return -EPROTO;
    memcpy(&ifi, mnl_nlmsg_get_payload(nlh), sizeof(ifi));
    *(int *)arg = ifi.ifi_index;
    return 0;
}

int nl_link_index(struct nl_sock *s, const char *name)
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh;
    int ifindex = 0, err;

    if (name == NULL || name[0] == '\0' || strlen(name) >= IFNAMSIZ)
        return -EINVAL;
    nlh = link_msg(buf, RTM_GETLINK, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    err = nl_sock_request(s, nlh, link_index_reply, &ifindex);
    if (err < 0)
        return err;
    return ifindex > 0 ? ifindex : -ENODEV;
}

int nl_link_delete(struct nl_sock *s, int ifindex)
{
    char buf[LINK_MSG_SIZE] = {0};

    if (ifindex <= 0)
        return -EINVAL;
    return nl_sock_request(s, link_msg(buf, RTM_DELLINK, ifindex), NULL, NULL);
}

static int addr_change(struct nl_sock *s, uint16_t type, int ifindex, int family, const void *addr,
                       uint8_t prefix_len)
{
    char buf[LINK_MSG_SIZE] = {0};
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifaddrmsg *ifa;
    size_t alen = family == AF_INET ? 4 : 16;

    if (ifindex <= 0 || addr == NULL || (family != AF_INET && family != AF_INET6) ||
        prefix_len > alen * 8)
        return -EINVAL;
    nlh->nlmsg_type = type;
    if (type == RTM_NEWADDR)
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    ifa->ifa_family = (uint8_t)family;
    ifa->ifa_prefixlen = prefix_len;
    ifa->ifa_index = (uint32_t)ifindex;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    if (family == AF_INET6 && type == RTM_NEWADDR) {
        ifa->ifa_flags = IFA_F_NODAD;
        mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
    }
    mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
    mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
    return nl_sock_request(s, nlh, NULL, NULL);
}

int nl_addr_add(struct nl_sock *s, int ifindex, int family, const void *addr, uint8_t prefix_len)
{
    return addr_change(s, RTM_NEWADDR, ifindex, family, addr, prefix_len);
}

int nl_addr_del(struct nl_sock *s, int ifindex, int family, const void *addr, uint8_t prefix_len)
{
    return addr_change(s, RTM_DELADDR, ifindex, family, addr, prefix_len);
}
