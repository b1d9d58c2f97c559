/*
 * inet.h - strict text forms of IP addresses, prefixes and MAC addresses.
 *
 * Used by the JSON-RPC validation helpers (jsonrpc.h), by vroomctl and by
 * anything that reads addresses from outside. Parsers never accept what a
 * router should refuse: a prefix with host bits set, a length out of range,
 * a MAC that is not six hex pairs. On failure they return -EINVAL and, when
 * `why` is not NULL, write the reason (without the input) into it.
 */
#ifndef VROOM_LIB_INET_H
#define VROOM_LIB_INET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text forms, with the terminating NUL. */
#define INET_ADDR_STRLEN   INET6_ADDRSTRLEN       /* 46 */
#define INET_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4) /* "/128" */
#define INET_MAC_STRLEN    18                     /* "02:00:00:00:00:01" */
#define INET_WHY_LEN       96                     /* room for a parser's reason */

/* An IPv4 or IPv6 address, in network byte order. */
struct inet_addr {
    int family; /* AF_INET or AF_INET6 */
    union {
        struct in_addr v4;
        struct in6_addr v6;
        uint8_t bytes[16];
    } u;
};

/* A prefix: an address with no bits set past len. */
struct inet_prefix {
    struct inet_addr addr;
    unsigned len; /* 0..32 for AF_INET, 0..128 for AF_INET6 */
};

/*
 * Parse an address ("10.0.0.1", "2001:db8::1"). family: AF_INET, AF_INET6 or
 * AF_UNSPEC for either. Returns 0 or -EINVAL.
 */
int inet_addr_parse(const char *s, int family, struct inet_addr *out, char *why, size_t whylen);

/*
 * Parse a prefix ("10.0.0.0/8", "2001:db8::/32"). The length is required;
 * host bits set (10.0.0.1/8) is an error, as is a length out of range.
 * Returns 0 or -EINVAL.
 */
int inet_prefix_parse(const char *s, int family, struct inet_prefix *out, char *why, size_t whylen);

/*
 * Parse an interface address ("10.0.0.1/24"): like a prefix, but host bits
 * are expected (they are the address). Returns 0 or -EINVAL.
 */
int inet_ifaddr_parse(const char *s, int family, struct inet_prefix *out, char *why, size_t whylen);

/* Parse "02:00:5e:00:00:01" (also '-' separated). Returns 0 or -EINVAL. */
int inet_mac_parse(const char *s, uint8_t mac[6], char *why, size_t whylen);

/* Text forms; buf must hold the matching *_STRLEN. Return buf. */
char *inet_addr_format(const struct inet_addr *a, char *buf, size_t size);
char *inet_prefix_format(const struct inet_prefix *p, char *buf, size_t size);
char *inet_mac_format(const uint8_t mac[6], char *buf, size_t size);

/* Address bits (32 or 128) of a family, 0 if unknown. */
unsigned inet_family_bits(int family);

#endif
