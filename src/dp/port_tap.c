/*
 * port_tap.c - ports on TAP devices: the taps into a VR's container (vroomd
 * creates them and passes the descriptor), or a tap port vroomd makes by
 * name in its own namespace. One frame per read() or write().
 */
#include "dp/port.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct tap {
    int fd;
};

/* Create (or attach to) the tap ifname in the current namespace; non-blocking fd or -errno. */
int port_tap_create(const char *ifname, char *err, size_t errlen)
{
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), rc;

    if (fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
        return rc;
    }
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        rc = -errno;
        snprintf(err, errlen, "tap %s: %s", ifname, strerror(errno));
        close(fd);
        return rc;
    }
    return fd;
}

static int tap_open(struct port *p, const char *ifname, int fd, char *err, size_t errlen)
{
    struct tap *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return -ENOMEM;
    if (fd < 0) {
        if (ifname == NULL || ifname[0] == '\0') {
            snprintf(err, errlen, "ifname: a tap port needs an interface name");
            free(t);
            return -EINVAL;
        }
        fd = port_tap_create(ifname, err, errlen);
        if (fd < 0) {
            free(t);
            return fd;
        }
    }
    t->fd = fd;
    p->priv = t;
    return 0;
}

static void tap_close(struct port *p)
{
    struct tap *t = p->priv;

    close(t->fd);
    free(t);
}

static int tap_fd(const struct port *p)
{
    return ((const struct tap *)p->priv)->fd;
}

static unsigned tap_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    struct tap *t = p->priv;
    unsigned n = 0;

    while (n < max) {
        struct pbuf *b = pbuf_alloc(p->pool);
        ssize_t len;

        if (b == NULL) {
            p->st.rx_nobuf++;
            break;
        }
        len = read(t->fd, b->data, PBUF_CAP);
        if (len <= 0) {
            pbuf_free(b);
            break;
        }
        b->len = (uint32_t)len;
        bufs[n++] = b;
    }
    return n;
}

static unsigned tap_tx(struct port *p, struct pbuf **bufs, unsigned n)
{
    struct tap *t = p->priv;
    unsigned sent = 0;

    for (unsigned i = 0; i < n; i++)
        if (write(t->fd, bufs[i]->data, bufs[i]->len) == (ssize_t)bufs[i]->len)
            sent++;
    /* port_tx counts the first `sent` as sent: failures are rare (container
     * gone), so counting totals is enough; keep them in order. */
    return sent;
}

const struct port_ops port_tap_ops = {
    .kind = "tap",
    .open = tap_open,
    .close = tap_close,
    .fd = tap_fd,
    .rx_burst = tap_rx,
    .tx_burst = tap_tx,
};
