#!/usr/bin/env python3
"""gen_rfc7606.py - writes rfc7606.json: the table of malformed (and a few
well-formed control) BGP UPDATE messages with the RFC 7606 / RFC 4271
verdict each must get. Read by the unit test (tests/unit/bgp/test_bgp_rfc7606.c)
against the library's parser, and meant to be replayed by a system test
against a running vroom-routerd from a crafted peer.

Each case: id, name, section (the RFC section the verdict comes from; the
parser's reason string must name it), session (key into "sessions": what
was negotiated in OPEN), msg (the whole UPDATE in hex, header included),
verdict (ok, attribute-discard, treat-as-withdraw, session-reset), notify
([code, subcode] for session-reset), announced (prefixes the message
announces: present after ok / attribute-discard, absent after
treat-as-withdraw).

The messages are built here by hand from the RFC encodings (independently
of the C encoder). Run: python3 gen_rfc7606.py > rfc7606.json
"""
import ipaddress
import json
import struct

SESSIONS = {
    # eBGP, both 4-octet AS capable, IPv4 and IPv6 unicast
    "ebgp4": {"local_as": 65000, "peer_as": 65001, "as4": True, "ebgp": True,
              "ext_msg": False, "afs": ["ipv4", "ipv6"], "check_first_as": True},
    # iBGP, 4-octet
    "ibgp4": {"local_as": 65000, "peer_as": 65000, "as4": True, "ebgp": False,
              "ext_msg": False, "afs": ["ipv4", "ipv6"], "check_first_as": False},
    # eBGP with an OLD (2-octet) speaker
    "ebgp2": {"local_as": 65000, "peer_as": 65001, "as4": False, "ebgp": True,
              "ext_msg": False, "afs": ["ipv4", "ipv6"], "check_first_as": True},
    # eBGP, extended messages (RFC 8654) negotiated
    "ebgp4x": {"local_as": 65000, "peer_as": 65001, "as4": True, "ebgp": True,
               "ext_msg": True, "afs": ["ipv4", "ipv6"], "check_first_as": True},
    # eBGP, IPv4 unicast only
    "ebgp4v4": {"local_as": 65000, "peer_as": 65001, "as4": True, "ebgp": True,
                "ext_msg": False, "afs": ["ipv4"], "check_first_as": True},
}

PEER = 65001
O, T, P, E = 0x80, 0x40, 0x20, 0x10


def attr(flags, typ, value):
    if flags & E or len(value) > 255:
        return bytes([flags | E, typ]) + struct.pack("!H", len(value)) + value
    return bytes([flags, typ, len(value)]) + value


def raw_attr(flags, typ, length, value):
    """An attribute whose length byte says length, whatever value holds."""
    return bytes([flags, typ, length]) + value


def origin(v=0, flags=T):
    return attr(flags, 1, bytes([v]))


def seg(t, ases, w=4):
    return bytes([t, len(ases)]) + b"".join(struct.pack("!I" if w == 4 else "!H", a) for a in ases)


def aspath(ases=(PEER, 65010), w=4, flags=T):
    return attr(flags, 2, seg(2, list(ases), w) if ases else b"")


def nexthop(a="192.0.2.1", flags=T):
    return attr(flags, 3, ipaddress.IPv4Address(a).packed)


def u32(flags, typ, v):
    return attr(flags, typ, struct.pack("!I", v))


def pfx(p):
    n = ipaddress.ip_network(p)
    return bytes([n.prefixlen]) + n.network_address.packed[: (n.prefixlen + 7) // 8]


def mp_reach(prefixes, nh="2001:db8::1", afi=2, flags=O, nhl=None):
    nhb = ipaddress.ip_address(nh).packed
    return attr(flags, 14, struct.pack("!HBB", afi, 1, len(nhb) if nhl is None else nhl) + nhb +
                b"\x00" + b"".join(pfx(p) for p in prefixes))


def mp_unreach(prefixes, afi=2, flags=O):
    return attr(flags, 15, struct.pack("!HB", afi, 1) + b"".join(pfx(p) for p in prefixes))


def update(attrs=b"", nlri=("10.1.0.0/24",), withdrawn=(), raw_nlri=None, raw_wd=None):
    wd = raw_wd if raw_wd is not None else b"".join(pfx(p) for p in withdrawn)
    nl = raw_nlri if raw_nlri is not None else b"".join(pfx(p) for p in nlri)
    body = struct.pack("!H", len(wd)) + wd + struct.pack("!H", len(attrs)) + attrs + nl
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body


def base(*extra, nh=True):
    return origin() + aspath() + (nexthop() if nh else b"") + b"".join(extra)


def ibase(*extra):
    return origin() + aspath((65010,)) + nexthop() + u32(T, 5, 100) + b"".join(extra)


cases = []


def case(name, section, msg, verdict, session="ebgp4", notify=None, announced=None):
    if announced is None:
        announced = ["10.1.0.0/24"]
    c = {"id": len(cases) + 1, "name": name, "section": section, "session": session,
         "msg": msg.hex(), "verdict": verdict, "announced": announced}
    if notify:
        c["notify"] = notify
    cases.append(c)


W, D, R, OK = "treat-as-withdraw", "attribute-discard", "session-reset", "ok"

# controls
case("well-formed eBGP UPDATE", "RFC 4271 4.3", update(base()), OK)
case("well-formed iBGP UPDATE with LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST", "RFC 4456 8",
     update(ibase(u32(O, 9, 0x0a000009), attr(O, 10, bytes([10, 0, 0, 9])))), OK, "ibgp4")
case("well-formed IPv6 UPDATE in MP_REACH_NLRI, no NEXT_HOP needed", "RFC 4760 3",
     update(origin() + aspath() + mp_reach(["2001:db8:1::/48"]), nlri=()), OK,
     announced=["2001:db8:1::/48"])
case("MP_UNREACH_NLRI alone, no other attribute", "RFC 7606 3 d",
     update(mp_unreach(["2001:db8:1::/48"]), nlri=()), OK, announced=[])
case("2-octet speaker with AS4_PATH and AS_TRANS", "RFC 6793 4.2.3",
     update(origin() + attr(T, 2, seg(2, [PEER, 23456], 2)) + nexthop() +
            attr(O | T, 17, seg(2, [4200000000]))), OK, "ebgp2")
case("EXTLEN flag on a short ORIGIN is legal", "RFC 4271 4.3",
     update(attr(T | E, 1, b"\x00") + aspath() + nexthop()), OK)
case("unknown optional transitive attribute kept", "RFC 4271 5",
     update(base(attr(O | T, 99, b"abc"))), OK)
case("unknown optional non-transitive attribute ignored", "RFC 4271 5",
     update(base(attr(O, 98, b"abc"))), OK)

# message header (RFC 4271 6.1)
m = bytearray(update(base())); m[3] = 0
case("marker not all ones", "RFC 4271 6.1", bytes(m), R, notify=[1, 1], announced=[])
m = bytearray(update(base())); m[16:18] = struct.pack("!H", 18)
case("length field below 19", "RFC 4271 6.1", bytes(m[:18]) + b"\x02", R, notify=[1, 2],
     announced=[])
case("UPDATE shorter than 23 bytes", "RFC 4271 6.1",
     b"\xff" * 16 + struct.pack("!HB", 22, 2) + b"\x00\x00\x00", R, notify=[1, 2], announced=[])
big = update(base(attr(O | T, 99, b"x" * 4100)))
case("4097+ byte UPDATE without extended messages", "RFC 4271 6.1", big, R, notify=[1, 2],
     announced=[])
m = bytearray(update(base())); m[18] = 9
case("unknown message type 9", "RFC 4271 6.1", bytes(m), R, notify=[1, 3], announced=[])

# framing of the UPDATE (RFC 7606 4, 5.3)
body = b"\x00\x40" + b"\x00\x00"
case("withdrawn routes length overruns the message", "RFC 7606 4",
     b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body, R, notify=[3, 1], announced=[])
a = base()
body = b"\x00\x00" + struct.pack("!H", len(a) + 10) + a
case("total path attribute length overruns the message", "RFC 7606 4",
     b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body, R, notify=[3, 1], announced=[])
case("withdrawn prefix length 33", "RFC 7606 5.3",
     update(base(), raw_wd=b"\x21\x0a\x01\x00\x00\x00"), R, notify=[3, 10], announced=[])
case("withdrawn prefix truncated", "RFC 7606 5.3", update(base(), raw_wd=b"\x18\x0a\x01"), R,
     notify=[3, 10], announced=[])
case("NLRI prefix length 33", "RFC 7606 5.3", update(base(), raw_nlri=b"\x21\x0a\x01\x00\x00\x00"),
     R, notify=[3, 10], announced=[])
case("NLRI prefix truncated", "RFC 7606 5.3", update(base(), raw_nlri=b"\x10\x0a"), R,
     notify=[3, 10], announced=[])
case("two octets left after the last attribute", "RFC 7606 4", update(base() + b"\x40\x01"), W)
case("attribute length runs past the path attributes", "RFC 7606 4",
     update(base() + raw_attr(O, 4, 9, b"\x00\x00\x00\x01")), W)
case("extended length attribute header truncated", "RFC 7606 4",
     update(base() + bytes([O | E, 4, 0])), W)

# attribute flags (RFC 7606 3 c)
case("ORIGIN marked optional", "RFC 7606 3 c", update(origin(flags=O | T) + aspath() + nexthop()), W)
case("AS_PATH not marked transitive", "RFC 7606 3 c",
     update(origin() + aspath(flags=0) + nexthop()), W)
case("NEXT_HOP marked optional", "RFC 7606 3 c", update(origin() + aspath() + nexthop(flags=O | T)),
     W)
case("MED marked transitive", "RFC 7606 3 c", update(base(u32(O | T, 4, 5))), W)
case("COMMUNITIES marked well-known", "RFC 7606 3 c", update(base(u32(T, 8, 0xfde90001))), W)
case("LOCAL_PREF marked optional (iBGP)", "RFC 7606 3 c",
     update(origin() + aspath((65010,)) + nexthop() + u32(O | T, 5, 100)), W, "ibgp4")
case("MP_REACH_NLRI marked transitive: its NLRI withdrawn", "RFC 7606 3 c",
     update(origin() + aspath() + mp_reach(["2001:db8:1::/48"], flags=O | T), nlri=()), W,
     announced=["2001:db8:1::/48"])

# ORIGIN (RFC 7606 7.1)
case("ORIGIN length 2", "RFC 7606 7.1", update(attr(T, 1, b"\x00\x00") + aspath() + nexthop()), W)
case("ORIGIN length 0", "RFC 7606 7.1", update(attr(T, 1, b"") + aspath() + nexthop()), W)
case("ORIGIN value 3", "RFC 7606 7.1", update(origin(3) + aspath() + nexthop()), W)

# AS_PATH (RFC 7606 7.2, RFC 7607, RFC 5065)
case("AS_PATH segment overruns the attribute", "RFC 7606 7.2",
     update(origin() + attr(T, 2, bytes([2, 3]) + struct.pack("!II", PEER, 65010)) + nexthop()), W)
case("AS_PATH with one octet after the last segment", "RFC 7606 7.2",
     update(origin() + attr(T, 2, seg(2, [PEER]) + b"\x02") + nexthop()), W)
case("AS_PATH segment type 5", "RFC 7606 7.2",
     update(origin() + attr(T, 2, seg(5, [PEER])) + nexthop()), W)
case("AS_PATH segment type 0", "RFC 7606 7.2",
     update(origin() + attr(T, 2, seg(0, [PEER])) + nexthop()), W)
case("AS_PATH segment of length zero", "RFC 7606 7.2",
     update(origin() + attr(T, 2, seg(2, [PEER]) + b"\x02\x00") + nexthop()), W)
case("leftmost AS is not the eBGP peer's", "RFC 7606 7.2",
     update(origin() + aspath((65002, 65010)) + nexthop()), W)
case("empty AS_PATH from an eBGP peer", "RFC 7606 7.2",
     update(origin() + aspath(()) + nexthop()), W)
case("AS_SET first from an eBGP peer", "RFC 7606 7.2",
     update(origin() + attr(T, 2, seg(1, [PEER, 65010])) + nexthop()), W)
case("AS 0 in AS_PATH", "RFC 7607 2", update(origin() + aspath((PEER, 0)) + nexthop()), W)
case("AS_CONFED_SEQUENCE from an external peer", "RFC 5065 5.3",
     update(origin() + attr(T, 2, seg(3, [65100]) + seg(2, [PEER])) + nexthop()), W)
case("4-octet AS_PATH sent to a 2-octet session", "RFC 7606 7.2",
     update(origin() + aspath((PEER, 65010), w=4) + nexthop()), W, "ebgp2")

# NEXT_HOP (RFC 7606 7.3, RFC 4271 6.3)
case("NEXT_HOP length 3", "RFC 7606 7.3", update(origin() + aspath() + attr(T, 3, b"\xc0\x00\x02")), W)
case("NEXT_HOP length 5", "RFC 7606 7.3",
     update(origin() + aspath() + attr(T, 3, b"\xc0\x00\x02\x01\x00")), W)
case("NEXT_HOP 0.0.0.0", "RFC 7606 7.3", update(origin() + aspath() + nexthop("0.0.0.0")), W)
case("NEXT_HOP 127.0.0.1", "RFC 7606 7.3", update(origin() + aspath() + nexthop("127.0.0.1")), W)
case("NEXT_HOP multicast 224.0.0.5", "RFC 7606 7.3",
     update(origin() + aspath() + nexthop("224.0.0.5")), W)
case("NEXT_HOP 255.255.255.255", "RFC 7606 7.3",
     update(origin() + aspath() + nexthop("255.255.255.255")), W)

# MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR (RFC 7606 7.4-7.7)
case("MED length 2", "RFC 7606 7.4", update(base(attr(O, 4, b"\x00\x05"))), W)
case("MED length 0", "RFC 7606 7.4", update(base(attr(O, 4, b""))), W)
case("LOCAL_PREF from an eBGP peer", "RFC 7606 7.5", update(base(u32(T, 5, 200))), D)
case("LOCAL_PREF of bad length from an eBGP peer", "RFC 7606 7.5",
     update(base(attr(T, 5, b"\x00\x01"))), D)
case("LOCAL_PREF length 3 (iBGP)", "RFC 7606 7.5",
     update(origin() + aspath((65010,)) + nexthop() + attr(T, 5, b"\x00\x00\x64")), W, "ibgp4")
case("ATOMIC_AGGREGATE length 1", "RFC 7606 7.6", update(base(attr(T, 6, b"\x00"))), D)
case("AGGREGATOR length 7 with 4-octet ASes", "RFC 7606 7.7",
     update(base(attr(O | T, 7, b"\x00\x00\xfd\xe9\x0a\x00\x00"))), D)
case("AGGREGATOR length 8 from a 2-octet speaker", "RFC 7606 7.7",
     update(origin() + aspath(w=2) + nexthop() + attr(O | T, 7, struct.pack("!II", PEER, 1))), D,
     "ebgp2")
case("AGGREGATOR length 0", "RFC 7606 7.7", update(base(attr(O | T, 7, b""))), D)
case("AS 0 in AGGREGATOR", "RFC 7607 2", update(base(attr(O | T, 7, struct.pack("!II", 0, 1)))), D)

# COMMUNITIES, ORIGINATOR_ID, CLUSTER_LIST (RFC 7606 7.8-7.10)
case("COMMUNITIES length 5", "RFC 7606 7.8", update(base(attr(O | T, 8, b"\x00" * 5))), W)
case("COMMUNITIES length 0", "RFC 7606 7.8", update(base(attr(O | T, 8, b""))), W)
case("ORIGINATOR_ID from an eBGP peer", "RFC 7606 7.9", update(base(u32(O, 9, 0x0a000001))), D)
case("ORIGINATOR_ID length 3 (iBGP)", "RFC 7606 7.9", update(ibase(attr(O, 9, b"\x0a\x00\x00"))),
     W, "ibgp4")
case("CLUSTER_LIST from an eBGP peer", "RFC 7606 7.10", update(base(u32(O, 10, 0x0a000001))), D)
case("CLUSTER_LIST length 6 (iBGP)", "RFC 7606 7.10", update(ibase(attr(O, 10, b"\x0a" * 6))), W,
     "ibgp4")
case("CLUSTER_LIST length 0 (iBGP)", "RFC 7606 7.10", update(ibase(attr(O, 10, b""))), W, "ibgp4")

# MP_REACH_NLRI, MP_UNREACH_NLRI (RFC 7606 7.11, 7.12, 5.3; RFC 4760 7)
v6 = ["2001:db8:1::/48"]
case("MP_REACH_NLRI of 3 octets", "RFC 7606 7.11",
     update(origin() + aspath() + attr(O, 14, b"\x00\x02\x01"), nlri=()), R, notify=[3, 9],
     announced=[])
case("MP_REACH_NLRI IPv6 next hop length 4", "RFC 7606 7.11",
     update(origin() + aspath() + attr(O, 14, b"\x00\x02\x01\x04\xc0\x00\x02\x01\x00" + pfx(v6[0])),
            nlri=()), R, notify=[3, 9], announced=[])
case("MP_REACH_NLRI next hop runs past the attribute", "RFC 7606 7.11",
     update(origin() + aspath() + attr(O, 14, b"\x00\x02\x01\x20" + b"\x20" * 16), nlri=()), R,
     notify=[3, 9], announced=[])
case("MP_REACH_NLRI IPv4 next hop length 16", "RFC 7606 7.11",
     update(origin() + aspath() + mp_reach([], nh="2001:db8::1", afi=1) , nlri=()), R,
     notify=[3, 9], announced=[])
case("MP_REACH_NLRI IPv6 prefix length 129", "RFC 7606 5.3",
     update(origin() + aspath() + attr(O, 14, b"\x00\x02\x01\x10" + bytes(15) + b"\x01\x00" +
                                       b"\x81" + b"\x20" * 17), nlri=()), R, notify=[3, 9],
     announced=[])
case("MP_REACH_NLRI IPv6 prefix truncated", "RFC 7606 5.3",
     update(origin() + aspath() + attr(O, 14, b"\x00\x02\x01\x10" + bytes(15) + b"\x01\x00" +
                                       b"\x40\x20\x01"), nlri=()), R, notify=[3, 9], announced=[])
case("MP_REACH_NLRI twice", "RFC 7606 3 g",
     update(origin() + aspath() + mp_reach(v6) + mp_reach(["2001:db8:2::/48"]), nlri=()), R,
     notify=[3, 1], announced=[])
case("MP_REACH_NLRI for IPv6 not negotiated: ignored", "RFC 4760 7",
     update(base(mp_reach(v6))), D, "ebgp4v4")
case("MP_REACH_NLRI next hop ::", "RFC 4271 6.3",
     update(origin() + aspath() + mp_reach(v6, nh="::"), nlri=()), W, announced=v6)
case("MP_REACH_NLRI next hop multicast ff02::1", "RFC 4271 6.3",
     update(origin() + aspath() + mp_reach(v6, nh="ff02::1"), nlri=()), W, announced=v6)
case("MP_UNREACH_NLRI of 2 octets", "RFC 7606 7.12", update(attr(O, 15, b"\x00\x02"), nlri=()), R,
     notify=[3, 9], announced=[])
case("MP_UNREACH_NLRI prefix length 200", "RFC 7606 5.3",
     update(attr(O, 15, b"\x00\x02\x01\xc8" + bytes(25)), nlri=()), R, notify=[3, 9], announced=[])
case("MP_UNREACH_NLRI twice", "RFC 7606 3 g",
     update(mp_unreach(v6) + mp_unreach(["2001:db8:2::/48"]), nlri=()), R, notify=[3, 1],
     announced=[])

# missing well-known mandatory attributes (RFC 7606 3 d)
case("ORIGIN missing", "RFC 7606 3 d", update(aspath() + nexthop()), W)
case("AS_PATH missing", "RFC 7606 3 d", update(origin() + nexthop()), W)
case("NEXT_HOP missing with NLRI", "RFC 7606 3 d", update(origin() + aspath()), W)
case("ORIGIN missing with MP_REACH_NLRI only", "RFC 7606 3 d",
     update(aspath() + mp_reach(v6), nlri=()), W, announced=v6)
case("malformed MED without any NLRI: nothing to withdraw", "RFC 7606 7.4",
     update(attr(O, 4, b"\x01"), nlri=(), withdrawn=["10.9.0.0/16"]), W, announced=[])

# duplicates (RFC 7606 3 g)
case("ORIGIN twice", "RFC 7606 3 g", update(base(origin(1))), D)
case("COMMUNITIES twice", "RFC 7606 3 g",
     update(base(u32(O | T, 8, 0xfde90001), u32(O | T, 8, 0xfde90002))), D)
case("NEXT_HOP twice, the second malformed", "RFC 7606 3 g",
     update(base(attr(T, 3, b"\x00"))), D)

# unknown attributes (RFC 4271 6.3)
case("unrecognized well-known attribute 99", "RFC 4271 6.3", update(base(attr(T, 99, b"x"))), R,
     notify=[3, 2], announced=[])
case("unrecognized well-known attribute 0", "RFC 4271 6.3", update(base(attr(T, 0, b""))), R,
     notify=[3, 2], announced=[])
case("unrecognized well-known attribute 255 with extended length", "RFC 4271 6.3",
     update(base(attr(T | E, 255, b"xy"))), R, notify=[3, 2], announced=[])

# extended and large communities (RFC 7606 7.14, RFC 8092 6)
case("EXTENDED_COMMUNITIES length 7", "RFC 7606 7.14", update(base(attr(O | T, 16, bytes(7)))), W)
case("EXTENDED_COMMUNITIES length 0", "RFC 7606 7.14", update(base(attr(O | T, 16, b""))), W)
case("LARGE_COMMUNITY length 13", "RFC 8092 6", update(base(attr(O | T, 32, bytes(13)))), W)
case("LARGE_COMMUNITY length 0", "RFC 8092 6", update(base(attr(O | T, 32, b""))), W)

# AS4_PATH, AS4_AGGREGATOR (RFC 6793 6, RFC 7607)
case("AS4_PATH from a 4-octet speaker", "RFC 6793 6", update(base(attr(O | T, 17, seg(2, [PEER])))),
     D)
case("AS4_AGGREGATOR from a 4-octet speaker", "RFC 6793 6",
     update(base(attr(O | T, 18, struct.pack("!II", PEER, 1)))), D)
case("AS4_PATH malformed from a 2-octet speaker", "RFC 6793 6",
     update(origin() + aspath(w=2) + nexthop() + attr(O | T, 17, b"\x02\x05\x00\x00")), D, "ebgp2")
case("AS4_AGGREGATOR length 6 from a 2-octet speaker", "RFC 6793 6",
     update(origin() + aspath(w=2) + nexthop() + attr(O | T, 18, bytes(6))), D, "ebgp2")
case("AS 0 in AS4_PATH", "RFC 7607 2",
     update(origin() + aspath((PEER, 23456), w=2) + nexthop() + attr(O | T, 17, seg(2, [0]))), W,
     "ebgp2")

# sizes: long paths, the largest message, many attributes (no recursion, no overflow)
segs = seg(2, [PEER] + [65010] * 254) + b"".join(seg(2, [65010 + i] * 255) for i in range(59))
case("AS_PATH of 15300 ASes in 60 segments (extended message)", "RFC 8654 3",
     update(origin() + attr(T, 2, segs) + nexthop()), OK, "ebgp4x")
m0 = update(base())
pad = 65535 - len(m0) - 4
case("65535-byte UPDATE with extended messages", "RFC 8654 3",
     update(base(attr(O | T, 99, b"p" * pad))), OK, "ebgp4x")
case("65535-byte UPDATE without extended messages", "RFC 4271 6.1",
     update(base(attr(O | T, 99, b"p" * pad))), R, "ebgp4", notify=[1, 2], announced=[])
n = (65535 - len(m0)) // 3
case("21000 repeated optional attributes in one message", "RFC 7606 3 g",
     update(base(attr(O, 200, b"") * n)), D, "ebgp4x")
case("16000 NLRI prefixes with a malformed ORIGIN", "RFC 7606 7.1",
     update(attr(T, 1, b"\x07") + aspath() + nexthop(),
            nlri=["10.%d.%d.0/24" % (i // 256, i % 256) for i in range(16000)]), W, "ebgp4x",
     announced=["10.0.0.0/24", "10.62.127.0/24"])

print(json.dumps({"sessions": SESSIONS, "cases": cases}, indent=1))
