/*
 * linkmon.h - the link state of the interfaces in routerd's namespace (the
 * VR's container), over rtnetlink: a dump at start and after an overrun,
 * then RTM_NEWLINK / RTM_DELLINK notifications, in routerd's libev loop.
 * An interface is up when it is administratively up and running (IFF_UP
 * and IFF_RUNNING); a deleted one is down. The core (routerd_iface_set)
 * turns changes into InterfaceUp/InterfaceDown for the protocols.
 */
#ifndef VROOM_ROUTING_LINKMON_H
#define VROOM_ROUTING_LINKMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct linkmon;

/* One interface's state, as the kernel says it now. */
typedef void (*linkmon_cb)(void *arg, const char *ifname, bool up);

/* Follow the links of this namespace; cb for every link of the first dump,
 * then for every notification. NULL with errno. */
struct linkmon *linkmon_new(struct ev_loop *loop, linkmon_cb cb, void *arg);
/* linkmon_free(NULL) does nothing. */
void linkmon_free(struct linkmon *lm);

/*
 * Parse one netlink datagram: cb for each RTM_NEWLINK / RTM_DELLINK with a
 * name. Every length is checked before use. Returns the number of link
 * messages, 0 at the end of a dump (NLMSG_DONE seen: *done set), or -EINVAL
 * for a malformed datagram (what was before the bad message was reported).
 */
int linkmon_parse(const uint8_t *buf, size_t len, linkmon_cb cb, void *arg, bool *done);

#endif
