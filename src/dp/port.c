/*
 * port.c - the port table and counting wrappers. Kinds: port_<kind>.c.
 */
#include "dp/port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct port_ops *const port_kinds[] = {
    &port_afpacket_ops,
    &port_tap_ops,
    &port_mem_ops,
    &port_wire_ops,
    &port_native_ops,
};

int port_open(const char *kind, const char *name, const char *ifname, int fd,
              struct pbuf_pool *pool, struct port **out, char *err, size_t errlen)
{
    const struct port_ops *ops = NULL;
    struct port *p;
    int rc;

    *out = NULL;
    for (size_t i = 0; i < sizeof(port_kinds) / sizeof(port_kinds[0]); i++)
        if (strcmp(port_kinds[i]->kind, kind) == 0)
            ops = port_kinds[i];
    if (ops == NULL) {
        snprintf(err, errlen, "kind: unknown port kind '%s' (afpacket, tap, mem, wire, native)", kind);
        return -EINVAL;
    }
    if (strlen(name) == 0 || strlen(name) > PORT_NAME_MAX) {
        snprintf(err, errlen, "name: must be 1-%d characters", PORT_NAME_MAX);
        return -EINVAL;
    }
    if (ifname != NULL && strlen(ifname) > 15) {
        snprintf(err, errlen, "ifname: '%s' is longer than 15 characters", ifname);
        return -EINVAL;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return -ENOMEM;
    strcpy(p->name, name);
    if (ifname != NULL)
        strcpy(p->ifname, ifname);
    p->ops = ops;
    p->pool = pool;
    rc = ops->open(p, ifname, fd, err, errlen);
    if (rc != 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void port_close(struct port *p)
{
    if (p == NULL)
        return;
    p->ops->close(p);
    free(p);
}

unsigned port_rx(struct port *p, struct pbuf **bufs, unsigned max)
{
    unsigned n = p->ops->rx_burst(p, bufs, max);

    for (unsigned i = 0; i < n; i++) {
        bufs[i]->in = p;
        p->st.rx_bytes += bufs[i]->len;
    }
    p->st.rx_packets += n;
    return n;
}

void port_tx(struct port *p, struct pbuf **bufs, unsigned n)
{
    unsigned sent = n > 0 ? p->ops->tx_burst(p, bufs, n) : 0;

    for (unsigned i = 0; i < n; i++) {
        if (i < sent)
            p->st.tx_bytes += bufs[i]->len;
        pbuf_free(bufs[i]);
    }
    p->st.tx_packets += sent;
    p->st.tx_errors += n - sent;
}

void port_tx1(struct port *p, struct pbuf *b)
{
    port_tx(p, &b, 1);
}
