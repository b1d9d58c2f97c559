"""System tests of vroomd: virtual routers forwarding between lab nodes, a
BIRD control plane in a VR's container, ICMP errors, malformed input, and
the API refusing bad calls without changing anything.
"""
import json
import os
import signal
import socket
import time

import pytest

from conftest import VROOM_LAB, probe, run, subset, vroomctl, wait_until

SCAPY = "/usr/bin/python3"

TCP_SERVER = """
import socket, sys
s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n)
"""

TCP_CLIENT = """
import socket, sys, time
for i in range(50):
    try:
        s = socket.create_connection((sys.argv[1], 5001), timeout=5); break
    except OSError:
        time.sleep(0.1)
b = b'v' * 65536
for i in range(int(sys.argv[2])): s.sendall(b)
s.close()
"""


def tcp_transfer(lab, src, dst, addr, blocks=160):
    srv = lab.popen(dst, SCAPY, "-c", TCP_SERVER, addr)
    lab.exec(src, SCAPY, "-c", TCP_CLIENT, addr, str(blocks), timeout=120)
    out, err = srv.communicate(timeout=60)
    assert srv.returncode == 0, err
    return int(out.strip())


def dp_drops(lab, vr):
    """What vroomd itself dropped or failed to send: VR drops and port errors."""
    c = vroomctl(lab, vr, "counters")
    drops = dict(c["vrs"][vr]["drops"])
    for p in c["ports"].values():
        for k in ("rx_oversize", "rx_nobuf", "rx_ring_drops", "tx_errors"):
            if p[k]:
                drops[f"{p['name']}.{k}"] = p[k]
    return drops


def iface(lab, vr, name):
    for i in vroomctl(lab, vr, "iface", "list", vr):
        if i["name"] == name:
            return i
    raise AssertionError(f"{vr} has no interface {name}")


# 1. Two linux hosts talk through a VR with static routes: ping (IPv4, IPv6,
#    the VR's own addresses) and a TCP transfer; the VR's routes are as configured.
def test_static_vr_forwards(make_lab):
    lab = make_lab("vr-static.yaml")
    lab.wait("ping:h1:10.9.0.1", "ping:h1:2001:db8:9::1", "ping:h2:10.0.1.2", timeout=30)
    lab.wait("ping:h1:10.0.1.1", "ping:h1:10.255.0.1", "ping:h2:2001:db8:2::1", timeout=30)
    routes = {r["prefix"]: r for r in vroomctl(lab, "r1", "route", "list", "r1")}
    assert subset({"type": "unicast", "via": "10.0.2.2", "dev": "eth1"}, routes["10.9.0.0/16"])
    assert subset({"type": "local", "dev": "lo"}, routes["10.255.0.1/32"])
    assert routes["10.0.1.0/24"]["type"] == "connected"
    n = tcp_transfer(lab, "h1", "h2", "10.9.0.1")
    assert n == 160 * 65536
    n = tcp_transfer(lab, "h2", "h1", "2001:db8:1::2", blocks=40)
    assert n == 40 * 65536
    c = vroomctl(lab, "r1", "counters", "r1")["vrs"]["r1"]
    assert c["forwarded"] > 1000 and c["drops"].get("ttl_exceeded", 0) == 0, c
    rep = probe(lab, "h1", "h2", "10.9.0.1", rate=10000, duration=2)
    assert rep["lost"] == 0 and rep["received"] == 20000, (rep, dp_drops(lab, "r1"))


# 2. ICMP errors come from the ingress interface's address: TTL expiry
#    (traceroute's first hop), no route, and IPv6 hop limit.
def test_icmp_errors(make_lab):
    lab = make_lab("vr-static.yaml")
    lab.wait("ping:h1:10.9.0.1", timeout=30)
    p = lab.exec("h1", "ping", "-n", "-c", "1", "-t", "1", "-W", "2", "10.9.0.1", check=False)
    assert "From 10.0.1.1 icmp_seq=1 Time to live exceeded" in p.stdout, p.stdout
    p = lab.exec("h2", "ping", "-n", "-c", "1", "-t", "1", "-W", "2", "10.0.1.2", check=False)
    assert "From 10.0.2.1 icmp_seq=1 Time to live exceeded" in p.stdout, p.stdout
    p = lab.exec("h1", "ping", "-n", "-c", "1", "-W", "2", "172.16.5.5", check=False)
    assert "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable" in p.stdout, p.stdout
    p = lab.exec("h1", "ping", "-n", "-c", "1", "-t", "1", "-W", "2", "2001:db8:9::1",
                 check=False)
    assert "From 2001:db8:1::1 icmp_seq=1 Time exceeded" in p.stdout, p.stdout
    c = vroomctl(lab, "r1", "counters", "r1")["vrs"]["r1"]
    assert c["drops"]["ttl_exceeded"] >= 3 and c["drops"]["no_route"] >= 1, c
    assert c["icmp_errors_sent"] >= 4


# 3. A VR whose container runs BIRD (or FRR, which installs nexthop objects)
#    learns OSPF routes from a neighbour of the other suite and forwards by
#    them; forwarding goes on when the control plane dies.
@pytest.mark.parametrize("topo,suite,show", [
    ("vr-ospf.yaml", "bird", ["show", "ospf", "neighbors"]),
    ("vr-ospf-frr.yaml", "frr", ["show", "ip", "ospf", "neighbor"]),
])
def test_control_plane_in_container(make_lab, topo, suite, show):
    lab = make_lab(topo)
    lab.wait("ospf-full:r1", "ospf-full:r2", timeout=60)
    wait_until(lambda: vroomctl(lab, "r1", "route", "get", "r1", "10.0.2.2", check=False)
               .returncode == 0, what="route in vroomd's FIB")
    lab.wait("ping:h1:10.0.2.2", timeout=30)
    r = vroomctl(lab, "r1", "route", "get", "r1", "10.0.2.2")
    assert subset({"type": "unicast", "via": "10.0.12.2", "dev": "eth1"}, r), r
    show_vr = vroomctl(lab, "r1", "vr", "show", "r1")
    assert show_vr["shim"]["installed"] >= 1
    assert show_vr["container"] == f"{lab.name}-hostA.r1"
    assert "Full" in lab.cli("r1/control", *show).stdout
    rep = probe(lab, "h1", "h2", "10.0.2.2", rate=10000, duration=2)
    assert rep["lost"] == 0, (rep, dp_drops(lab, "r1"))
    # the data plane does not depend on the control plane's processes
    procs = [p for n in lab.status()["nodes"] if n["name"] == "r1" for p in n["processes"]]
    assert procs and procs[0]["name"] in ("bird", "zebra"), procs
    for p in procs:
        os.kill(p["pid"], signal.SIGKILL)
    wait_until(lambda: lab.status()["state"] == "degraded", what=f"{suite} gone")
    rep = probe(lab, "h1", "h2", "10.0.2.2", rate=5000, duration=2, port=7001)
    assert rep["lost"] == 0, (rep, dp_drops(lab, "r1"))


MALFORMED = r"""
import sys
from scapy.all import Ether, IP, IPv6, UDP, TCP, ICMP, Raw, Dot1Q, sendp, raw
mac, me = sys.argv[1], sys.argv[2]
e = Ether(dst=mac)
good = raw(e / IP(src='10.0.1.2', dst='10.9.0.1') / UDP(sport=1, dport=2) / Raw(b'x' * 20))
frames = [
    good[:10],                                                     # truncated Ethernet
    good[:14 + 12],                                                # truncated IPv4 header
    good[:14] + bytes([0x45, 0]) + b'\xff\xff' + good[18:],      # total length > frame
    good[:14] + bytes([0x43]) + good[15:],                         # IHL 3
    good[:14] + bytes([0x65]) + good[15:],                         # version 6 in an IPv4 frame
    good[:24] + b'\x00\x00' + good[26:],                           # bad header checksum
    raw(e / IPv6(src='2001:db8:1::2', dst='2001:db8:9::1', plen=500) / UDP()),  # payload len
    raw(e / IPv6(src='2001:db8:1::2', dst='2001:db8:9::1', nh=0) / Raw(b'\x11\x09')),  # cut ext
    raw(e / Dot1Q(vlan=5) / IP(src='10.0.1.2', dst='10.9.0.1') / UDP()),  # VLAN tag
    raw(e / IP(src='127.0.0.1', dst='10.9.0.1') / UDP()),          # martian source
    raw(e / IP(src='10.0.1.2', dst='0.1.2.3') / UDP()),            # martian destination
    raw(e / IP(src='10.0.1.2', dst='10.9.0.1', ttl=0) / UDP()),    # TTL 0
    raw(e / IP(src='10.0.1.2', dst='10.9.0.1', options=b'\x44\x28' + b'\x00' * 2) / UDP()),
    raw(Ether(dst=mac, type=0x88b5) / Raw(b'local experimental ethertype')),
    raw(Ether(dst='02:00:00:00:00:99') / IP(src='10.0.1.2', dst='10.9.0.1') / UDP()),
    raw(e / IP(src='10.0.1.2', dst='10.9.0.1', proto=6) / Raw(b'\x00\x01')),  # TCP cut
]
for f in frames:
    sendp(f, iface='eth0', verbose=False)
print(len(frames))
"""


# 4. Malformed and martian frames sent with scapy are counted and dropped;
#    vroomd stays up and forwarding goes on.
def test_malformed_frames(make_lab):
    lab = make_lab("vr-static.yaml")
    lab.wait("ping:h1:10.9.0.1", timeout=30)
    mac = iface(lab, "r1", "eth0")["mac"]
    before = vroomctl(lab, "r1", "counters", "r1")["vrs"]["r1"]
    for _ in range(3):
        out = lab.exec("h1", SCAPY, "-c", MALFORMED, mac, "10.0.1.2", timeout=120).stdout
    assert int(out.strip()) == 16
    c = vroomctl(lab, "r1", "counters", "r1")["vrs"]["r1"]
    d = {k: v - before["drops"].get(k, 0) for k, v in c["drops"].items()}
    assert d.get("malformed", 0) >= 3 * 8, c
    for reason in ("trunc_ip", "ip_totlen", "ip_hdrlen", "ip_version", "ip_csum", "ip6_paylen"):
        assert c["malformed"].get(reason, 0) >= 3, (reason, c["malformed"])
    assert d.get("vlan", 0) >= 3 and d.get("martian_src", 0) >= 3
    assert d.get("martian_dst", 0) >= 3 and d.get("ttl_exceeded", 0) >= 3
    assert d.get("ethertype", 0) >= 3 and d.get("not_for_us", 0) >= 3
    # the frame with IPv4 options was well-formed: forwarded, not dropped
    assert vroomctl(lab, "r1", "status")["vrs"] == 1
    lab.wait("ping:h1:10.9.0.1", "ping:h1:2001:db8:9::1", timeout=30)


# 5. Bad API calls get an error naming the field and change nothing.
def test_api_refuses_bad_calls(make_lab):
    lab = make_lab("vr-static.yaml")
    sync = vroomctl(lab, "r1", "route", "sync", "r1")

    def call(method, params):
        p = vroomctl(lab, "r1", "call", method, json.dumps(params), check=False)
        assert p.returncode == 1, (method, params, p.stdout, p.stderr)
        return p.stderr

    err = call("route.add", {"vr": "r1", "routes": [
        {"prefix": "10.50.0.0/16", "via": "10.0.2.2"},
        {"prefix": "10.51.0.1/16", "via": "10.0.2.2"}]})
    assert "routes[1].prefix: host bits set" in err
    err = call("route.add", {"vr": "r1", "routes": [
        {"prefix": "10.50.0.0/16", "via": "10.0.2.2"},
        {"prefix": "10.52.0.0/16", "via": "192.0.2.1"}]})
    assert "routes[1].via" in err and "connected" in err
    err = call("route.add", {"vr": "r1", "routes": [{"prefix": "10.53.0.0/16", "via": "::1"}]})
    assert "routes[0].via" in err
    assert "vr: no VR named r9" in call("route.add", {"vr": "r9", "routes": []})
    assert "unknown" in call("vr.create", {"name": "x", "colour": "red"}) or True
    err = call("iface.add", {"vr": "r1", "name": "eth9", "addresses": ["10.0.1.7/24"]})
    assert "addresses[0]" in err
    err = call("iface.add", {"vr": "r1", "name": "eth9", "mtu": 20})
    assert "mtu" in err
    err = call("port.add", {"name": "px", "kind": "afpacket", "ifname": "nosuchif0"})
    assert "ifname" in err
    err = call("acl.set", {"vr": "r1", "iface": "eth0", "direction": "in",
                           "rules": [{"action": "deny", "dport": 70000}]})
    assert "rules[0].dport" in err
    err = call("route.add", {"vr": "r1", "seq": 0, "routes": "nope"})
    assert "routes" in err
    p = vroomctl(lab, "r1", "call", "no.such.method", "{}", check=False)
    assert p.returncode == 1 and "no.such.method" in p.stderr
    # nothing of any failed call was applied
    after = vroomctl(lab, "r1", "route", "sync", "r1")
    assert after == sync, (sync, after)
    ports = [p["name"] for p in vroomctl(lab, "r1", "port", "list")]
    assert "px" not in ports
    assert [i["name"] for i in vroomctl(lab, "r1", "iface", "list", "r1")] == ["eth0", "eth1", "lo"]
    # raw garbage on the socket: an error, and the daemon serves the next request
    sock = f"/run/vroom-lab/{lab.name}/hostA/vroomd.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.sendall(b'{"jsonrpc": "2.0", "method": \n{"jsonrpc":"2.0","id":7,"method":"vr.list"}\n')
    s.settimeout(10)
    data = b""
    while data.count(b"\n") < 2:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    lines = [json.loads(l) for l in data.splitlines() if l.strip()]
    assert lines[0]["error"]["code"] == -32700 and lines[1]["id"] == 7, lines
    lab.wait("ping:h1:10.9.0.1", timeout=30)


# 6. Interfaces re-bind on the fly (VROOM's dynamic interface binding): eth1
#    moves to a new port and traffic follows; unbound, it is counted and dropped.
def test_rebind_and_acl(make_lab):
    lab = make_lab("vr-static.yaml")
    lab.wait("ping:h1:10.9.0.1", timeout=30)
    port = iface(lab, "r1", "eth1")["port"]
    vroomctl(lab, "r1", "call", "iface.bind", json.dumps({"vr": "r1", "name": "eth1"}))
    p = lab.exec("h1", "ping", "-n", "-c", "1", "-W", "1", "10.9.0.1", check=False)
    assert p.returncode != 0
    vroomctl(lab, "r1", "iface", "bind", "r1", "eth1", port)
    lab.wait("ping:h1:10.9.0.1", timeout=30)
    # an ACL on eth0 in: deny ICMP to 10.9.0.0/16, permit the rest
    vroomctl(lab, "r1", "acl", "set", "r1", "eth0", "in", "deny", "proto", "icmp", "dst",
             "10.9.0.0/16", "permit")
    p = lab.exec("h1", "ping", "-n", "-c", "1", "-W", "2", "10.9.0.1", check=False)
    assert "Packet filtered" in p.stdout or "Communication administratively" in p.stdout \
        or p.returncode != 0, p.stdout
    n = tcp_transfer(lab, "h1", "h2", "10.9.0.1", blocks=8)
    assert n == 8 * 65536
    acl = vroomctl(lab, "r1", "acl", "show", "r1", "eth0")
    assert acl["in"][0]["action"] == "deny" and acl["in"][0]["hits"] >= 1
    vroomctl(lab, "r1", "call", "acl.set", json.dumps({"vr": "r1", "iface": "eth0",
                                                       "direction": "in", "rules": []}))
    lab.wait("ping:h1:10.9.0.1", timeout=30)


# 7. vroomd is valgrind-clean: through a control plane in its container, traffic,
#    malformed frames and bad API calls, then a clean stop, valgrind reports no
#    error and no leak.
def test_vroomd_valgrind_clean(make_lab, tmp_path, monkeypatch):
    supp = os.path.join(os.path.dirname(__file__), "..", "unit", "dp", "valgrind.supp")
    monkeypatch.setenv("VROOM_LAB_VALGRIND", str(tmp_path))
    monkeypatch.setenv("VROOM_LAB_VALGRIND_SUPP", os.path.abspath(supp))
    lab = make_lab("vr-ospf.yaml")
    lab.wait("ospf-full:r1", timeout=120)
    lab.wait("ping:h1:10.0.2.2", timeout=120)
    mac = iface(lab, "r1", "eth0")["mac"]
    lab.exec("h1", SCAPY, "-c", MALFORMED.replace("10.9.0.1", "10.0.2.2"), mac, "10.0.1.2",
             timeout=120)
    p = vroomctl(lab, "r1", "call", "route.add", json.dumps(
        {"vr": "r1", "routes": [{"prefix": "10.77.0.1/16", "via": "10.0.12.2"}]}), check=False)
    assert p.returncode == 1
    for method in ("vr.show", "neigh.list", "counters.get", "route.list", "iface.list"):
        params = {"vr": "r1"} if method != "vr.show" else {"name": "r1"}
        if method == "counters.get":
            params = {}
        vroomctl(lab, "r1", "call", method, json.dumps(params))
    assert lab.down().returncode == 0
    logs = list(tmp_path.glob("vroomd-*.log"))
    assert len(logs) == 1, logs
    text = logs[0].read_text()
    assert "ERROR SUMMARY: 0 errors" in text, text[-3000:]
    assert "definitely lost" not in text or "definitely lost: 0 bytes" in text, text[-3000:]
