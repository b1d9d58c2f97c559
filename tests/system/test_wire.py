"""Wires (docs/wires.md) in labs: interop with the Linux kernel's VXLAN, garbage
over the underlay, and secure wires between two vroomd hosts.

lab/wire-vxlan.yaml: a VR r1 on hostA whose interface wx is a wire (connector
0x1000, so VNI 16) to a kernel `vxlan` device in kx over a veth underlay.
lab/wire-secure.yaml: VRs r1 on hostA and r2 on hostB joined by a secure wire.
Every lab has a unique name (conftest.Lab) and is torn down even on failure;
the test only adds addresses and devices inside the lab's own namespaces.
"""
import json
import os
import selectors
import subprocess
import time

from conftest import vroomctl, wait_until

CONNECTOR = 0x1000  # low byte zero: VXLAN VNI 16
VNI = CONNECTOR >> 8
KEY1 = "11" * 32
KEY2 = "22" * 32


def call(lab, node, method, params, check=True):
    return vroomctl(lab, node, "call", method, json.dumps(params), check=check)


def ns(lab, node):
    return f"{lab.name}-{node}"


def ping(lab, node, addr, count=3, extra=()):
    return lab.exec(node, "ping", "-c", str(count), "-i", "0.2", "-W", "1", *extra, addr,
                    check=False)


def wait_ping(lab, node, addr, timeout=20):
    wait_until(lambda: ping(lab, node, addr, count=1).returncode == 0, timeout=timeout,
               what=f"ping {addr} from {node}")


def wire_stats(lab, node):
    return call(lab, node, "wire.stats", {})


def scapy(lab, node, script):
    """Run a scapy script inside a lab node (python3 with scapy is Debian's)."""
    return lab.exec(node, "/usr/bin/python3", "-c",
                    "import logging; logging.getLogger('scapy.runtime').setLevel(logging.ERROR)\n"
                    "from scapy.all import *\n" + script, timeout=60)


def vxlan_lab(make_lab, iface_mtu=1450):
    lab = make_lab("wire-vxlan.yaml")
    call(lab, "r1", "iface.add", {"vr": "r1", "name": "wx", "addresses": ["10.9.0.1/24"],
                                   "mtu": iface_mtu})
    w = call(lab, "r1", "port.add", {"name": "w0", "kind": "wire", "connector": CONNECTOR,
                                     "remote": "192.168.77.2"})
    assert w["vni"] == VNI and w["inner_ip_mtu"] == 1450
    call(lab, "r1", "iface.bind", {"vr": "r1", "name": "wx", "port": "w0"})
    for cmd in (["ip", "link", "add", "vx0", "type", "vxlan", "id", str(VNI), "remote",
                 "192.168.77.1", "local", "192.168.77.2", "dstport", "4789", "dev", "ul0"],
                ["ip", "addr", "add", "10.9.0.2/24", "dev", "vx0"],
                ["ip", "link", "set", "vx0", "up"],
                ["ip", "route", "add", "10.1.0.0/24", "via", "10.9.0.1"]):
        lab.exec("kx", *cmd)
    return lab


class Capture:
    """tshark on a lab node's interface, dissecting UDP 4789 as VXLAN."""

    def __init__(self, lab, node, ifname, fields):
        self.p = lab.popen(node, "tshark", "-l", "-n", "-i", ifname, "-f", "udp port 4789",
                           "-d", "udp.port==4789,vxlan", "-T", "fields",
                           *sum((["-e", f] for f in fields), []))
        sel = selectors.DefaultSelector()
        sel.register(self.p.stderr, selectors.EVENT_READ)
        seen, deadline = "", time.monotonic() + 30
        while "Capture started" not in seen and "Capturing on" not in seen:
            if time.monotonic() > deadline or self.p.poll() is not None:
                self.stop()
                raise AssertionError(f"tshark did not start: {seen}")
            if sel.select(timeout=0.2):
                seen += self.p.stderr.readline()
        time.sleep(0.5)  # "Capturing on" comes just before the capture is armed

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        try:
            out, _ = self.p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, _ = self.p.communicate()
        return [line.split("\t") for line in out.splitlines() if line.strip()]


def test_wire_interop_with_kernel_vxlan(make_lab):
    """A wire with a zero low byte carries traffic to and from a kernel vxlan
    device both ways; tshark dissects the frames as VXLAN with VNI 16."""
    lab = vxlan_lab(make_lab)
    cap = Capture(lab, "kx", "ul0", ["vxlan.vni", "ip.src", "udp.srcport", "udp.dstport"])
    try:
        wait_ping(lab, "kx", "10.9.0.1")           # kernel -> the VR's own address (punted)
        assert ping(lab, "h1", "10.9.0.2").returncode == 0   # through the VR, into the vxlan
        assert ping(lab, "kx", "10.1.0.2").returncode == 0   # from the vxlan, through the VR
    finally:
        rows = cap.stop()
    assert rows, "tshark saw nothing"
    vnis = {r[0] for r in rows}
    assert vnis == {str(VNI)}, rows
    srcs = {r[1].split(",")[0] for r in rows}
    assert srcs == {"192.168.77.1", "192.168.77.2"}, rows
    ours = [r for r in rows if r[1].split(",")[0] == "192.168.77.1"]
    assert all(r[3].split(",")[0] == "4789" for r in ours)
    st = wire_stats(lab, "r1")["wires"]["w0"]
    assert st["rx"] >= 6 and st["tx"] >= 6 and st["drops"] == {}, st
    # vroom's source ports come from the inner flow's hash (RFC 7348)
    if st["flow_source_ports"]:
        assert all(49152 <= int(r[2].split(",")[0]) <= 65535 for r in ours), ours

    # re-pointing the far end elsewhere cuts the wire; back again, it carries again
    call(lab, "r1", "port.set_remote", {"name": "w0", "remote": "192.168.77.9"})
    assert ping(lab, "h1", "10.9.0.2", count=2).returncode != 0
    call(lab, "r1", "port.set_remote", {"name": "w0", "remote": "192.168.77.2:4789"})
    wait_ping(lab, "h1", "10.9.0.2")


def test_wire_drops_garbage(make_lab):
    """Wrong ID, truncated header, bad flags, a short inner frame, a sender that is
    not the peer, and frames too big for the underlay: each dropped and counted,
    vroomd carries on."""
    lab = vxlan_lab(make_lab, iface_mtu=1500)  # the interface allows more than the wire
    wait_ping(lab, "kx", "10.9.0.1")
    before = wire_stats(lab, "r1")
    inner = "Ether(src='02:00:00:00:00:09', dst='ff:ff:ff:ff:ff:ff')/ARP(pdst='10.9.0.1')"
    scapy(lab, "kx", f"""
def udp(payload, src='192.168.77.2'):
    send(IP(src=src, dst='192.168.77.1')/UDP(sport=40000, dport=4789)/payload, verbose=0)
inner = bytes({inner})
udp(bytes(VXLAN(vni={VNI + 1}, flags=0x08))[:4] + bytes([0, 0, 0x11, 0]) + inner)  # wrong ID
udp(bytes(VXLAN(vni={VNI}, flags=0x08))[:5])                                       # truncated
udp(bytes([0x0c, 0, 0, 0, 0, 0, {VNI}, 0]) + inner)                                # bad flags
udp(bytes([0x08, 0, 0, 0, 0, 0, {VNI}, 0]) + inner[:6])                            # inner short
udp(bytes([0x08, 0, 0, 0, 0, 0, {VNI}, 0]) + inner, src='192.168.77.3')            # not the peer
udp(bytes([0x08, 0, 0, 0, 0, 0, {VNI}, 0]) + bytes(range(256)) * 4)                # junk inside
""")
    # a frame the VR may send (interface MTU 1500) but the wire cannot carry
    assert ping(lab, "h1", "10.9.0.2", count=2, extra=("-M", "do", "-s", "1440")).returncode != 0

    def counted():
        st = wire_stats(lab, "r1")
        u, w = st["underlays"][0]["drops"], st["wires"]["w0"]["drops"]
        return (u.get("unknown_connector", 0) >= 1 and u.get("short", 0) >= 1 and
                u.get("bad_flags", 0) >= 1 and u.get("unknown_peer", 0) >= 1 and
                w.get("inner_short", 0) >= 1 and w.get("mtu_exceeded", 0) >= 2) and st
    st = wait_until(counted, timeout=10, what="garbage counted")
    assert before["underlays"][0]["drops"] == {}
    assert vroomctl(lab, "r1", "status")["vrs"] == 1
    assert lab.status()["state"] == "up"
    assert ping(lab, "h1", "10.9.0.2").returncode == 0   # still carrying


def secure_lab(make_lab):
    lab = make_lab("wire-secure.yaml")
    for vr, me, peer, addr, other in (("r1", "192.168.78.1", "192.168.78.2", "10.12.0.1/24",
                                       "10.2.0.0/24"),
                                      ("r2", "192.168.78.2", "192.168.78.1", "10.12.0.2/24",
                                       "10.1.0.0/24")):
        tx, rx = (KEY1, KEY2) if vr == "r1" else (KEY2, KEY1)
        call(lab, vr, "iface.add", {"vr": vr, "name": "wx", "addresses": [addr], "mtu": 1400})
        w = call(lab, vr, "port.add", {"name": "w0", "kind": "wire", "connector": 0x4242,
                                       "remote": peer, "local": me + ":4789", "type": "secure",
                                       "key": {"tx": tx, "rx": rx, "epoch": 1}})
        assert w["type"] == "secure" and w["keyed"] and w["overhead"] == 64
        call(lab, vr, "iface.bind", {"vr": vr, "name": "wx", "port": "w0"})
        via = "10.12.0.2" if vr == "r1" else "10.12.0.1"
        call(lab, vr, "route.add", {"vr": vr, "routes": [{"prefix": other, "via": via}]})
    return lab


def test_secure_wire(make_lab):
    """Two VRs on two hosts over a secure wire: traffic flows; a captured frame
    replayed, the same frame forged, one sealed with another key and a truncated
    one are dropped and counted, never delivered; keys roll by epoch."""
    lab = secure_lab(make_lab)
    wait_ping(lab, "h1", "10.2.0.2")
    # capture one sealed datagram on hostB's underlay while h1 pings h2
    sniffer = lab.popen("hostB", "/usr/bin/python3", "-c", """
import logging, sys; logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import *
p = sniff(iface='ul0', filter='udp dst port 4789 and src host 192.168.78.1', count=1, timeout=20,
          started_callback=lambda: print('ready', flush=True))
print(bytes(p[0][UDP].payload).hex() if p else '', flush=True)
""")
    deadline = time.monotonic() + 20
    line = sniffer.stdout.readline()
    assert line.strip() == "ready", line + sniffer.stderr.read()
    while sniffer.poll() is None and time.monotonic() < deadline:
        ping(lab, "h1", "10.2.0.2", count=1)
    out, err = sniffer.communicate(timeout=30)
    payload = out.strip()
    assert payload, err
    raw = bytes.fromhex(payload)
    assert raw[0] == 0x08 and raw[4:8] == (0x4242).to_bytes(4, "big") and raw[8] == 1
    before = wire_stats(lab, "r2")["wires"]["w0"]
    scapy(lab, "hostA", f"""
raw = bytes.fromhex('{payload}')
def udp(p):
    send(IP(src='192.168.78.1', dst='192.168.78.2')/UDP(sport=50001, dport=4789)/Raw(p), verbose=0)
def fresh(p, counter):
    return p[:12] + counter.to_bytes(8, 'big') + p[20:]
udp(raw)                                          # replayed
udp(fresh(raw, 2**40))                            # forged: another counter, same tag
forged = bytearray(fresh(raw, 2**40 + 1)); forged[30] ^= 1
udp(bytes(forged))                                # forged: one ciphertext bit too
udp(raw[:30])                                     # truncated inside the secure header
""")

    def counted():
        d = wire_stats(lab, "r2")["wires"]["w0"]["drops"]
        return (d.get("replay", 0) >= 1 and d.get("auth", 0) >= 2 and d.get("short", 0) >= 1
                and d)
    wait_until(counted, timeout=10, what="secure garbage counted")
    assert before["drops"] == {}, before

    # sealed by an independent ChaCha20-Poly1305 (python3-cryptography), as
    # docs/wires.md describes the format: with the right key r2 takes it, with
    # another key it is an auth drop. The counter is just ahead of r1's: an
    # authentic frame moves r2's window, and one far ahead would make r1's
    # own frames too old.
    rx_before = wire_stats(lab, "r2")["wires"]["w0"]["rx"]
    ctr = wire_stats(lab, "r1")["wires"]["w0"]["tx_counter"] + 100
    scapy(lab, "hostA", f"""
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
def seal(key, counter, frame):
    hdr = bytes([0x08, 0, 0, 0]) + (0x4242).to_bytes(4, 'big') + bytes([1, 0, 0, 0]) + \
        counter.to_bytes(8, 'big')
    nonce = bytes(4) + counter.to_bytes(8, 'big')
    return hdr + ChaCha20Poly1305(key).encrypt(nonce, frame, hdr)
frame = bytes(Ether(src='02:00:00:00:00:09', dst='ff:ff:ff:ff:ff:ff')/ARP(pdst='10.12.0.2'))
for key, ctr in ((bytes.fromhex('{KEY1}'), {ctr}), (bytes.fromhex('{'33' * 32}'), {ctr + 1})):
    send(IP(src='192.168.78.1', dst='192.168.78.2')/UDP(sport=50002, dport=4789)/
         Raw(seal(key, ctr, frame)), verbose=0)
""")
    wait_until(lambda: wire_stats(lab, "r2")["wires"]["w0"]["rx"] > rx_before and
               wire_stats(lab, "r2")["wires"]["w0"]["drops"].get("auth", 0) >= 3,
               timeout=10, what="independently sealed frames judged")
    assert ping(lab, "h1", "10.2.0.2").returncode == 0
    # keys roll: epoch 2 on both ends, traffic carries on
    for vr, tx, rx in (("r2", "33" * 32, "44" * 32), ("r1", "44" * 32, "33" * 32)):
        r = call(lab, vr, "port.set_key", {"name": "w0",
                                           "key": {"tx": tx, "rx": rx, "epoch": 2}})
        assert r["epoch"] == 2
    wait_ping(lab, "h1", "10.2.0.2")
    assert vroomctl(lab, "r2", "status")["vrs"] == 1
