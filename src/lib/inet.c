/*
 * inet.c - strict parsing and printing of addresses, prefixes and MACs
 * (see inet.h). inet_pton() does the address work; what is added here is
 * the refusal of everything loose: leading zeros in lengths, signs, spaces,
 * host bits in a prefix.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/inet.h"

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    if (why != NULL && whylen > 0) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

unsigned inet_family_bits(int family)
{
    return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

int inet_addr_parse(const char *s, int family, struct inet_addr *out, char *why, size_t whylen)
{
    struct inet_addr a;

    memset(&a, 0, sizeof(a));
    if (s == NULL || *s == '\0')
        return fail(why, whylen, "empty address");
    if (strchr(s, ':') != NULL) {
        if (inet_pton(AF_INET6, s, &a.u.v6) != 1)
            return fail(why, whylen, "not an IPv6 address");
        a.family = AF_INET6;
    } else {
        if (inet_pton(AF_INET, s, &a.u.v4) != 1)
            return fail(why, whylen, "not an IPv4 address");
        a.family = AF_INET;
    }
    if (family != AF_UNSPEC && family != a.family)
        return fail(why, whylen, "not an %s address", family == AF_INET ? "IPv4" : "IPv6");
    *out = a;
    return 0;
}

/* Split "ADDR/LEN" and parse both halves; host bits are checked by the callers. */
static int parse_slash(const char *s, int family, struct inet_prefix *out, char *why, size_t whylen)
{
    char buf[INET_PREFIX_STRLEN];
    const char *slash, *p;
    unsigned len = 0, bits;
    size_t n;
    int rc;

    if (s == NULL || *s == '\0')
        return fail(why, whylen, "empty prefix");
    slash = strchr(s, '/');
    if (slash == NULL)
        return fail(why, whylen, "missing /length");
    n = (size_t)(slash - s);
    if (n == 0 || n >= sizeof(buf))
        return fail(why, whylen, "bad address before /");
    memcpy(buf, s, n);
    buf[n] = '\0';
    rc = inet_addr_parse(buf, family, &out->addr, why, whylen);
    if (rc < 0)
        return rc;
    p = slash + 1;
    if (*p == '\0')
        return fail(why, whylen, "missing length after /");
    if (*p == '0' && p[1] != '\0')
        return fail(why, whylen, "leading zero in length");
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || len > 1000)
            return fail(why, whylen, "bad length");
        len = len * 10 + (unsigned)(*p - '0');
    }
    bits = inet_family_bits(out->addr.family);
    if (len > bits)
        return fail(why, whylen, "length %u out of range 0..%u", len, bits);
    out->len = len;
    return 0;
}

static int host_bits_set(const struct inet_prefix *p)
{
    unsigned bits = inet_family_bits(p->addr.family), i;

    for (i = p->len; i < bits; i++)
        if (p->addr.u.bytes[i / 8] & (0x80u >> (i % 8)))
            return 1;
    return 0;
}

int inet_prefix_parse(const char *s, int family, struct inet_prefix *out, char *why, size_t whylen)
{
    struct inet_prefix p;
    int rc;

    memset(&p, 0, sizeof(p));
    rc = parse_slash(s, family, &p, why, whylen);
    if (rc < 0)
        return rc;
    if (host_bits_set(&p))
        return fail(why, whylen, "host bits set");
    *out = p;
    return 0;
}

int inet_ifaddr_parse(const char *s, int family, struct inet_prefix *out, char *why, size_t whylen)
{
    struct inet_prefix p;
    int rc;

    memset(&p, 0, sizeof(p));
    rc = parse_slash(s, family, &p, why, whylen);
    if (rc < 0)
        return rc;
    *out = p;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int inet_mac_parse(const char *s, uint8_t mac[6], char *why, size_t whylen)
{
    uint8_t m[6];
    char sep;
    int i, hi, lo;

    if (s == NULL || strlen(s) != 17)
        return fail(why, whylen, "not six hex pairs separated by ':'");
    sep = s[2];
    if (sep != ':' && sep != '-')
        return fail(why, whylen, "not six hex pairs separated by ':'");
    for (i = 0; i < 6; i++) {
        hi = hexval(s[i * 3]);
        lo = hexval(s[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != sep))
            return fail(why, whylen, "not six hex pairs separated by ':'");
        m[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(mac, m, 6);
    return 0;
}

char *inet_addr_format(const struct inet_addr *a, char *buf, size_t size)
{
    if (inet_ntop(a->family, &a->u, buf, (socklen_t)size) == NULL)
        snprintf(buf, size, "?");
    return buf;
}

char *inet_prefix_format(const struct inet_prefix *p, char *buf, size_t size)
{
    char a[INET_ADDR_STRLEN];

    snprintf(buf, size, "%s/%u", inet_addr_format(&p->addr, a, sizeof(a)), p->len);
    return buf;
}

char *inet_mac_format(const uint8_t mac[6], char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
    return buf;
}
