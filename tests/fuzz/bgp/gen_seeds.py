#!/usr/bin/env python3
"""gen_seeds.py - seeds for the BGP fuzz harnesses from the RFC 7606 table
(tests/data/bgp/rfc7606.json) and a few OPENs and a message stream.

corpus_bgp_msg/: one session byte (see fuzz_ctx() in fuzz_bgp_common.h),
then a stream of whole messages. corpus_bgp_attr/: the session byte, the
NLRI length byte, the path attributes and the NLRI of each table UPDATE.
Messages over 8 KB are left out but for one of each kind, to keep the
corpus small. Run from this directory: python3 gen_seeds.py
"""
import json
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
table = json.load(open(os.path.join(here, "../../data/bgp/rfc7606.json")))


def ctx(s):
    return bytes([(1 if s["as4"] else 0) | (2 if s["ebgp"] else 0) | (8 if s["ext_msg"] else 0) |
                  (16 if s["check_first_as"] else 0) | (0 if "ipv6" in s["afs"] else 32)])


def write(d, name, data):
    os.makedirs(os.path.join(here, d), exist_ok=True)
    with open(os.path.join(here, d, name), "wb") as f:
        f.write(data)


def hdr(t, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body


def open_msg(asn, hold, rid, caps):
    params = b"".join(b"\x02" + bytes([len(c)]) + c for c in caps)
    return hdr(1, struct.pack("!BHHIB", 4, asn, hold, rid, len(params)) + params)


big = 0
for c in table["cases"]:
    m = bytes.fromhex(c["msg"])
    if len(m) > 8192:
        big += 1
        if big > 1:
            continue
    s = ctx(table["sessions"][c["session"]])
    write("corpus_bgp_msg", "rfc7606_%03d.bin" % c["id"], s + m)
    if len(m) >= 23 and m[18] == 2:
        wl = struct.unpack("!H", m[19:21])[0]
        if 21 + wl + 2 <= len(m):
            al = struct.unpack("!H", m[21 + wl:23 + wl])[0]
            rest = m[23 + wl:]
            nl = max(0, len(rest) - al)
            if nl < 16:
                write("corpus_bgp_attr", "rfc7606_%03d.bin" % c["id"], s + bytes([nl]) + rest)

caps = [b"\x01\x04\x00\x01\x00\x01", b"\x01\x04\x00\x02\x00\x01", b"\x02\x00", b"\x06\x00",
        b"\x40\x06\x80\x78\x00\x01\x01\x80", b"\x41\x04\xfa\x56\xea\x00", b"\x49\x03abc"]
o = open_msg(23456, 90, 0x0a000001, caps)
write("corpus_bgp_msg", "open_all_caps.bin", b"\x01" + o)
write("corpus_bgp_msg", "open_plain.bin", b"\x00" + open_msg(65001, 180, 0x0a000002, []))
ka = hdr(4, b"")
upd = bytes.fromhex(table["cases"][0]["msg"])
notif = hdr(3, b"\x06\x02" + b"shutdown")
rr = hdr(5, b"\x00\x02\x00\x01")
write("corpus_bgp_msg", "stream.bin", b"\x13" + o + ka + upd + rr + ka + notif)

# a session record (fsm.h, version 1): Established, half a KEEPALIVE read, one unsent
rec = struct.pack("!HIIIHHHIBHB", 1, 65000, 65001, 0x0a000001, 90, 5, 2, 3, 0, 0, 5)
rec += struct.pack("!IIII", 0, 30000, 10000, 0)
rec += struct.pack("!IIHHIBBHII", 65001, 0x0a000002, 30, 10, 1, 3, 0, 0, 0, 0)
rec += bytes(4) + bytes(4 * 12) + bytes(4 * 5)
rec += struct.pack("!I", 7) + ka[:7] + struct.pack("!I", 19) + ka
write("corpus_bgp_msg", "session_record.bin", b"\x01" + rec)
