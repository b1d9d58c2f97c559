"""The endpoint controller (docs/wires.md, "The endpoint controller"): hosts on
the peer channel, wires made by name between VRs on two hosts, BIRD-FRR OSPF
over such a wire, and moving an endpoint under traffic.

lab/ep-wire.yaml: hostA, hostB, hostC on a routed underlay; r1 (hostA) and r2
(hostB) joined by an encap wire the lab asks for; hostC linked to h2 so r2's
end can move there. lab/ep-ospf.yaml: BIRD in r1 and FRR in r2 over a secure
wire. lab/ep-native.yaml: r1 and r3 on hostA (joined by a native wire), r2 on
hostB, so that r2's end can move onto hostA and back. Every lab has a unique name (conftest.Lab) and is torn down even on
failure; the test adds addresses, devices and processes only inside the lab's
own namespaces, and stops only the processes it started, by PID.
"""
import json
import os
import subprocess
import threading
import time

from conftest import BUILD, TOP, probe, run, vroomctl, wait_until

VROOMD = os.path.join(BUILD, "src", "cmd", "vroomd")
VROOMCTL = os.path.join(BUILD, "src", "cmd", "vroomctl")


def call(lab, node, method, params=None, check=True):
    return vroomctl(lab, node, "call", method, json.dumps(params or {}), check=check)


def ping(lab, node, addr, count=3):
    return lab.exec(node, "ping", "-c", str(count), "-i", "0.2", "-W", "1", addr, check=False)


def wait_ping(lab, node, addr, timeout=20):
    wait_until(lambda: ping(lab, node, addr, count=1).returncode == 0, timeout=timeout,
               what=f"ping {addr} from {node}")


def peer(lab, host, name):
    return next((p for p in call(lab, host, "peer.list") if p["name"] == name), None)


def the_wire(lab, host, local):
    return next((w for w in call(lab, host, "wire.list") if w["local"] == local), None)


def r2_on_hostC(lab):
    """r2 on hostC too (lab/ep-wire.yaml): the same VR, interfaces (and so
    MACs) and routes; its eth0 is hostC's link to h2's eth1; wx is left
    unbound for the move."""
    for ns, dev in ((f"{lab.name}-hostC", "c2"), (f"{lab.name}-h2", "eth1")):
        run("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso",
            "off", "gro", "off", check=False)
    lab.exec("h2", "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0",
             "-w", "net.ipv4.conf.eth1.rp_filter=0")
    h2_eth1 = json.loads(lab.exec("h2", "ip", "-j", "link", "show", "eth1").stdout)[0]["address"]
    call(lab, "hostC", "vr.create", {"name": "r2"})
    call(lab, "hostC", "port.add", {"name": "c2", "kind": "afpacket", "ifname": "c2"})
    call(lab, "hostC", "iface.add", {"vr": "r2", "name": "eth0", "addresses": ["10.2.0.1/24"],
                                     "port": "c2"})
    call(lab, "hostC", "iface.add", {"vr": "r2", "name": "wx", "addresses": ["10.12.0.2/24"],
                                     "mtu": 1450})
    call(lab, "hostC", "route.add", {"vr": "r2", "routes": [{"prefix": "10.1.0.0/24",
                                                               "via": "10.12.0.1"}]})
    call(lab, "hostC", "neigh.add", {"vr": "r2", "iface": "eth0", "address": "10.2.0.2",
                                     "mac": h2_eth1})


def test_peers_up_and_wire_by_name(make_lab):
    """Three hosts peer up over TLS; the lab made r1:wx <-> r2:wx a wire by
    name (wire.connect on hostA), both ends agree on it; ping and 10,000
    packets/s of vroom-probe cross it without loss."""
    lab = make_lab("ep-wire.yaml")
    for host, others in (("hostA", ("hostB", "hostC")), ("hostB", ("hostA", "hostC")),
                         ("hostC", ("hostA", "hostB"))):
        for o in others:
            wait_until(lambda: (peer(lab, host, o) or {}).get("up"), timeout=20,
                       what=f"{host} sees {o} up")
    st = call(lab, "hostA", "peer.status")
    assert st["enabled"] and st["underlay"] == "10.100.0.1" and st["peers_up"] == 2
    a = the_wire(lab, "hostA", "r1:wx")
    b = the_wire(lab, "hostB", "r2:wx")
    assert a["state"] == "up" and b["state"] == "up", (a, b)
    assert a["connector"] == b["connector"] and a["connector"] & 0xff == 0   # a VXLAN VNI
    assert (a["remote"], a["remote_host"], a["remote_underlay"]) == ("r2:wx", "hostB",
                                                                     "10.100.0.2")
    assert (b["remote"], b["remote_host"], b["remote_underlay"]) == ("r1:wx", "hostA",
                                                                     "10.100.0.1")
    eps = {e["endpoint"]: e for e in call(lab, "hostB", "endpoint.list")}
    assert eps["r2:wx"]["host"] == "hostB" and eps["r2:wx"]["wire"] == b["connector"]
    # vroomctl's rows
    out = run(os.path.join(BUILD, "src", "cmd", "vroom-lab"), "cli", lab.name, "hostA", "--",
              "wire", "list").stdout
    assert "r2:wx" in out and "up" in out
    wait_ping(lab, "h1", "10.2.0.2")
    assert ping(lab, "h1", "10.2.0.2", count=5).returncode == 0
    rep = probe(lab, "h1", "h2", "10.2.0.2", rate=10000, duration=3)
    assert rep["sent"] == 30000 and rep["lost"] == 0, rep
    shown = call(lab, "hostA", "wire.show", {"connector": a["connector"]})
    assert shown["tx"] >= 30000

    # errors name the field; a bound end is refused (locally too, where the
    # wire would be native); unknown endpoints fail
    call(lab, "hostA", "iface.add", {"vr": "r1", "name": "wy"})
    r = call(lab, "hostA", "wire.connect", {"a": "r1:wy", "b": "r1:eth0"}, check=False)
    assert r.returncode == 1 and "b: r1:eth0 is bound" in r.stderr
    r = call(lab, "hostA", "wire.connect", {"a": "r1:eth0", "b": "r2:wx"}, check=False)
    assert r.returncode == 1 and "a: r1:eth0 is bound" in r.stderr
    r = call(lab, "hostA", "wire.connect", {"a": "r1", "b": "r2:wx"}, check=False)
    assert r.returncode == 1 and "a:" in r.stderr
    w = call(lab, "hostA", "wire.connect", {"a": "r1:wy", "b": "r9:nope", "connector": 0x700})
    assert w["state"] == "lookup"
    wait_until(lambda: call(lab, "hostA", "wire.show", {"connector": 0x700})["state"] == "failed",
               timeout=10, what="a lookup nobody answers fails")
    assert "no peer knows" in call(lab, "hostA", "wire.show", {"connector": 0x700})["error"]

    # disconnect tears down both ends; connect again by name (secure this time)
    call(lab, "hostA", "wire.disconnect", {"connector": a["connector"]})
    wait_until(lambda: the_wire(lab, "hostB", "r2:wx") is None, timeout=10,
               what="far end torn down")
    assert ping(lab, "h1", "10.2.0.2", count=1).returncode != 0
    w = call(lab, "hostA", "wire.connect", {"a": "r1:wx", "b": "r2:wx", "type": "secure"})
    wait_until(lambda: call(lab, "hostA", "wire.show",
                            {"connector": w["connector"]})["state"] == "up", timeout=10,
               what="secure wire up")
    far = call(lab, "hostB", "wire.show", {"connector": w["connector"]})
    assert far["type"] == "secure" and far["keyed"] and far["state"] == "up"
    wait_ping(lab, "h1", "10.2.0.2")


def test_wrong_ca_refused(make_lab, tmp_path):
    """A vroomd whose certificate comes from another CA cannot join: its
    session to hostA never comes up, and both sides count the refusal."""
    lab = make_lab("ep-ospf.yaml")
    wait_until(lambda: (peer(lab, "hostA", "hostB") or {}).get("up"), timeout=20,
               what="hostA sees hostB up")
    certs = str(tmp_path / "rogue")
    run(os.path.join(TOP, "tools", "mkcerts"), certs, "hostB")   # same name, another CA
    before = call(lab, "hostA", "peer.status")["refused"].get("tls", 0)
    sock = str(tmp_path / "rogue.sock")
    # hostB's namespace, its own address: the rogue claims to be hostB
    rogue = lab.popen("hostB", VROOMD, "--socket", sock, "--host", "hostB",
                      "--cert", f"{certs}/hostB.pem", "--key", f"{certs}/hostB.key",
                      "--ca", f"{certs}/ca.pem", "--peer", "hostA=10.100.0.1")
    try:
        def rogue_peer():
            p = subprocess.run([VROOMCTL, "-s", sock, "--json", "peer", "list"],
                               capture_output=True, text=True)
            return json.loads(p.stdout)[0] if p.returncode == 0 else None
        # hostA refuses the handshake (its CA did not sign the rogue's certificate)
        wait_until(lambda: call(lab, "hostA", "peer.status")["refused"].get("tls", 0) > before,
                   timeout=20, what="hostA counts the refusal")
        # and the rogue tried, was refused and never got a session
        pa = wait_until(lambda: (rogue_peer() or {}).get("connects", 0) >= 2 and rogue_peer(),
                        timeout=20, what="the rogue retried")
        assert not pa["up"] and pa["sessions"] == 0, pa
        assert sum(pa["refused"].values()) + sum(pa["down"].values()) >= 1, pa
        # the real hostB is untouched
        assert peer(lab, "hostA", "hostB")["up"]
    finally:
        rogue.terminate()
        rogue.wait(timeout=10)


def test_ospf_bird_frr_over_secure_wire(make_lab):
    """BIRD (r1, hostA) and FRR (r2, hostB) form an OSPF adjacency over a
    secure wire the lab made between the hosts, and it stays up."""
    lab = make_lab("ep-ospf.yaml")
    w = the_wire(lab, "hostA", "r1:eth1")
    assert w["type"] == "secure" and w["state"] == "up"
    lab.wait("ospf-full:r1", "ospf-full:r2", timeout=90)
    wait_ping(lab, "h1", "10.0.2.2", timeout=60)
    time.sleep(6)   # longer than the dead interval (4 s): still full
    lab.wait("ospf-full:r1", "ospf-full:r2", timeout=5)
    assert ping(lab, "h1", "10.0.2.2", count=3).returncode == 0


def test_endpoint_move_lossless(make_lab):
    """r2:wx moves from hostB to hostC (where the same VR and interfaces are
    made) while h1 sends 10,000 packets/s to h2: make-before-break, no packet
    is lost; hostA's wire now points at hostC, hostB lets go after the grace
    period."""
    lab = make_lab("ep-wire.yaml")
    wait_ping(lab, "h1", "10.2.0.2")
    for host in ("hostB", "hostC"):
        wait_until(lambda: all((peer(lab, host, o) or {}).get("up") for o in
                               {"hostA", "hostB", "hostC"} - {host}), timeout=20,
                   what=f"{host}'s peers up")
    r2_on_hostC(lab)
    a = the_wire(lab, "hostA", "r1:wx")
    assert a["remote_host"] == "hostB"

    moved = {}

    def move():
        moved["result"] = call(lab, "hostB", "endpoint.move", {"endpoint": "r2:wx",
                                                               "to": "hostC"})
    t = threading.Timer(2.0, move)
    t.start()
    try:
        rep = probe(lab, "h1", "h2", "10.2.0.2", rate=10000, duration=6)
    finally:
        t.join()
    assert moved["result"]["state"] == "moving", moved
    assert rep["sent"] == 60000 and rep["lost"] == 0, rep

    a2 = call(lab, "hostA", "wire.show", {"connector": a["connector"]})
    assert (a2["remote_host"], a2["remote_underlay"]) == ("hostC", "10.100.0.3"), a2
    c = call(lab, "hostC", "wire.show", {"connector": a["connector"]})
    assert c["state"] == "up" and c["local"] == "r2:wx" and c["rx"] > 0, c
    # hostB forwarded the last in-flight frames, then let go
    wait_until(lambda: the_wire(lab, "hostB", "r2:wx") is None, timeout=10,
               what="hostB lets go after the grace period")
    eps = {e["endpoint"]: e for e in call(lab, "hostB", "endpoint.list")}
    assert eps["r2:wx"]["state"] == "moved" and eps["r2:wx"]["moved_to"] == "hostC"
    assert call(lab, "hostB", "peer.status")["controller"]["moved_out"] == 1
    assert call(lab, "hostC", "peer.status")["controller"]["moved_in"] == 1


def native_lab(make_lab):
    """lab/ep-native.yaml with its peers up and h1 reaching h2 over the encap wire."""
    lab = make_lab("ep-native.yaml")
    for host, other in (("hostA", "hostB"), ("hostB", "hostA")):
        wait_until(lambda: (peer(lab, host, other) or {}).get("up"), timeout=20,
                   what=f"{host} sees {other} up")
    wait_ping(lab, "h1", "10.2.0.2")
    return lab


def r2_on_hostA(lab):
    """r2 on hostA too: the same VR, interfaces (so MACs) and routes; its eth0
    is hostA's link to h2's eth1; wx is left unbound for the move."""
    for ns_, dev in ((f"{lab.name}-hostA", "a2"), (f"{lab.name}-h2", "eth1")):
        run("ip", "netns", "exec", ns_, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso",
            "off", "gro", "off", check=False)
    lab.exec("h2", "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0",
             "-w", "net.ipv4.conf.eth1.rp_filter=0")
    h2_eth1 = json.loads(lab.exec("h2", "ip", "-j", "link", "show", "eth1").stdout)[0]["address"]
    call(lab, "hostA", "vr.create", {"name": "r2"})
    call(lab, "hostA", "port.add", {"name": "a2", "kind": "afpacket", "ifname": "a2"})
    call(lab, "hostA", "iface.add", {"vr": "r2", "name": "eth0", "addresses": ["10.2.0.1/24"],
                                     "port": "a2"})
    call(lab, "hostA", "iface.add", {"vr": "r2", "name": "wx", "addresses": ["10.12.0.2/24"],
                                     "mtu": 1450})
    call(lab, "hostA", "route.add", {"vr": "r2", "routes": [{"prefix": "10.1.0.0/24",
                                                               "via": "10.12.0.1"}]})
    call(lab, "hostA", "neigh.add", {"vr": "r2", "iface": "eth0", "address": "10.2.0.2",
                                     "mac": h2_eth1})


def move_under_probe(lab, host, endpoint, to, dst="10.2.0.2"):
    """endpoint.move on host 2 s into 6 s of 10,000 packets/s from h1 to h2."""
    moved = {}

    def move():
        moved["result"] = call(lab, host, "endpoint.move", {"endpoint": endpoint, "to": to})
    t = threading.Timer(2.0, move)
    t.start()
    try:
        rep = probe(lab, "h1", "h2", dst, rate=10000, duration=6)
    finally:
        t.join()
    assert moved["result"]["state"] == "moving", moved
    return rep


def test_native_wire_on_one_host(make_lab):
    """r1 and r3 both on hostA: wire.connect picks a native wire (no
    encapsulation, frames pass inside vroomd); h1 pings h3 across it and
    10,000 packets/s of vroom-probe cross it without loss; both ends count
    the frames; encap between two local ends is refused; disconnect removes
    both ends."""
    lab = native_lab(make_lab)
    call(lab, "hostA", "iface.add", {"vr": "r1", "name": "wn", "addresses": ["10.13.0.1/24"]})
    call(lab, "hostA", "iface.add", {"vr": "r3", "name": "wn", "addresses": ["10.13.0.3/24"]})
    r = call(lab, "hostA", "wire.connect", {"a": "r1:wn", "b": "r3:wn", "type": "encap"},
             check=False)
    assert r.returncode == 1 and "needs the ends on two hosts" in r.stderr, r.stderr
    w = call(lab, "hostA", "wire.connect", {"a": "r1:wn", "b": "r3:wn"})
    assert w["type"] == "native" and w["state"] == "up" and w["remote_host"] == "hostA", w
    call(lab, "hostA", "route.add", {"vr": "r1", "routes": [{"prefix": "10.3.0.0/24",
                                                               "via": "10.13.0.3"}]})
    call(lab, "hostA", "route.add", {"vr": "r3", "routes": [{"prefix": "10.1.0.0/24",
                                                               "via": "10.13.0.1"}]})
    wait_ping(lab, "h1", "10.3.0.2")
    assert ping(lab, "h1", "10.3.0.2", count=5).returncode == 0
    rep = probe(lab, "h1", "h3", "10.3.0.2", rate=10000, duration=3)
    assert rep["sent"] == 30000 and rep["lost"] == 0, rep
    s = call(lab, "hostA", "wire.show", {"connector": w["connector"]})
    ends = {e["endpoint"]: e for e in s["ends"]}
    assert ends["r1:wn"]["tx"] >= 30000 and ends["r3:wn"]["rx"] >= 30000, s
    assert ends["r3:wn"]["tx"] >= 5 and ends["r1:wn"]["rx"] >= 5, s     # the echo replies
    assert s["drops"] == {} and s["overhead"] == 0, s
    # endpoint.list shows both ends on the wire; vroomctl lists it
    eps = {e["endpoint"]: e for e in call(lab, "hostA", "endpoint.list")}
    assert eps["r1:wn"]["wire"] == w["connector"] == eps["r3:wn"]["wire"]
    out = run(os.path.join(BUILD, "src", "cmd", "vroom-lab"), "cli", lab.name, "hostA", "--",
              "wire", "list").stdout
    assert "native" in out
    call(lab, "hostA", "wire.disconnect", {"connector": w["connector"]})
    assert not [p for p in call(lab, "hostA", "port.list") if p["kind"] == "native"]
    assert ping(lab, "h1", "10.3.0.2", count=1).returncode != 0


def test_native_link_in_lab(make_lab):
    """lab/wire-native.yaml: a link of `type: native` between two VRs on one
    host is a native wire the lab asks for (no veth, no ports); h1 reaches h2
    across it with routerd's static routes, and the frames are counted on the
    wire's ends."""
    lab = make_lab("wire-native.yaml")
    wires = call(lab, "hostA", "wire.list")
    assert len(wires) == 1, wires
    w = wires[0]
    assert w["type"] == "native" and w["state"] == "up", w
    assert not [p for p in call(lab, "hostA", "port.list") if p["kind"] == "afpacket"
                and p["name"].startswith("vp1")], "a native link has no veth ports"
    wait_ping(lab, "h1", "10.2.0.2")
    rep = probe(lab, "h1", "h2", "10.2.0.2", rate=2000, duration=2)
    assert rep["lost"] == 0, rep
    s = call(lab, "hostA", "wire.show", {"connector": w["connector"]})
    ends = {e["endpoint"]: e for e in s["ends"]}
    assert ends["r1:wn"]["tx"] >= 4000 and ends["r2:wn"]["rx"] >= 4000, s
    assert s["overhead"] == 0, s
    # the same by hand with vroomctl: disconnect, then connect asking for native
    cli = [os.path.join(BUILD, "src", "cmd", "vroom-lab"), "cli", lab.name, "hostA", "--"]
    run(*cli, "wire", "disconnect", str(w["connector"]))
    assert ping(lab, "h1", "10.2.0.2", count=1).returncode != 0
    run(*cli, "wire", "connect", "r1:wn", "r2:wn", "native")
    wait_ping(lab, "h1", "10.2.0.2")
    assert [x["type"] for x in call(lab, "hostA", "wire.list")] == ["native"]


def test_move_to_native_and_back(make_lab):
    """r2:wx moves from hostB onto hostA, where its far end r1:wx lives: the
    encap wire becomes native, under 10,000 packets/s from h1 to h2 with no
    loss. Then it moves back to hostB: the native wire becomes encap again,
    again with no loss. Each old end lets go after the grace period."""
    lab = native_lab(make_lab)
    r2_on_hostA(lab)
    a = the_wire(lab, "hostA", "r1:wx")
    assert a["type"] == "encap" and a["remote_host"] == "hostB"
    conn = a["connector"]

    rep = move_under_probe(lab, "hostB", "r2:wx", "hostA")
    assert rep["sent"] == 60000 and rep["lost"] == 0, rep
    n = call(lab, "hostA", "wire.show", {"connector": conn})
    assert (n["type"], n["state"], n["local"], n["remote"], n["remote_host"]) == \
        ("native", "up", "r1:wx", "r2:wx", "hostA"), n
    ends = {e["endpoint"]: e for e in n["ends"]}
    assert ends["r2:wx"]["rx"] > 0, n
    assert not [p for p in call(lab, "hostA", "port.list") if p["kind"] == "wire"]
    wait_until(lambda: the_wire(lab, "hostB", "r2:wx") is None, timeout=10,
               what="hostB lets go after the grace period")
    assert call(lab, "hostA", "peer.status")["controller"]["moved_in"] == 1

    # and back: hostB's r2:wx is unbound again, h2 is reached through eth0
    rep = move_under_probe(lab, "hostA", "r2:wx", "hostB")
    assert rep["sent"] == 60000 and rep["lost"] == 0, rep
    e = call(lab, "hostA", "wire.show", {"connector": conn})
    assert (e["type"], e["state"], e["local"], e["remote"], e["remote_host"],
            e["remote_underlay"]) == ("encap", "up", "r1:wx", "r2:wx", "hostB", "10.100.0.2"), e
    b = call(lab, "hostB", "wire.show", {"connector": conn})
    assert b["state"] == "up" and b["local"] == "r2:wx" and b["rx"] > 0, b
    # the old native pair drains, then goes
    wait_until(lambda: not [p for p in call(lab, "hostA", "port.list")
                            if p["kind"] == "native"], timeout=10,
               what="hostA's native pair goes after the grace period")
    eps = {x["endpoint"]: x for x in call(lab, "hostA", "endpoint.list")}
    assert eps["r2:wx"]["state"] == "moved" and eps["r2:wx"]["moved_to"] == "hostB"
    assert call(lab, "hostA", "peer.status")["controller"]["moved_out"] == 1


# Both ways at once, with three vroomds and four probe processes on two
# shared cores: a rate the machine carries without loss when nothing moves.
RATE2 = 3000


def test_endpoint_move_lossless_both_ways(make_lab):
    """r2:wx moves from hostB to hostC under 3,000 packets/s each way (h1 to
    h2 and h2 to h1). hostA first accepts from hostC too (EXPECT), then
    re-points and still accepts what hostB sends for the grace period; h2
    switches its return path to hostC once the new end is up: no packet is
    lost in either direction and hostA drops nothing as from an unknown
    sender."""
    lab = make_lab("ep-wire.yaml")
    wait_ping(lab, "h1", "10.2.0.2")
    for host in ("hostA", "hostB", "hostC"):
        wait_until(lambda: all((peer(lab, host, o) or {}).get("up") for o in
                               {"hostA", "hostB", "hostC"} - {host}), timeout=20,
                   what=f"{host}'s peers up")
    r2_on_hostC(lab)
    mac = next(i["mac"] for i in call(lab, "hostC", "iface.list", {"vr": "r2"})
               if i["name"] == "eth0")
    lab.exec("h2", "ip", "neigh", "replace", "10.2.0.1", "lladdr", mac, "dev", "eth1",
             "nud", "permanent")
    # a migrated VR brings its neighbours: r2 on hostC knows r1's wx already
    r1_wx = next(i["mac"] for i in call(lab, "hostA", "iface.list", {"vr": "r1"})
                 if i["name"] == "wx")
    call(lab, "hostC", "neigh.add", {"vr": "r2", "iface": "wx", "address": "10.12.0.1",
                                     "mac": r1_wx})
    a = the_wire(lab, "hostA", "r1:wx")
    conn = a["connector"]

    def unknown_peer():
        return sum(u["drops"].get("unknown_peer", 0)
                   for u in call(lab, "hostA", "wire.stats")["underlays"])
    before = unknown_peer()
    reps = {}

    def run_probe(key, *args, **kw):
        reps[key] = probe(lab, *args, **kw)
    back = threading.Thread(target=run_probe, args=("back", "h2", "h1", "10.1.0.2"),
                            kwargs={"rate": RATE2, "duration": 6, "port": 7001})
    back.start()
    moved = {}

    def move():
        moved["result"] = call(lab, "hostB", "endpoint.move", {"endpoint": "r2:wx",
                                                               "to": "hostC"})
        # the new end is up: h2 sends to it from now on
        wait_until(lambda: (the_wire(lab, "hostC", "r2:wx") or {}).get("state") == "up",
                   timeout=10, interval=0.1, what="hostC's end up")
        seen = call(lab, "hostA", "wire.show", {"connector": conn})
        moved["alt"] = seen.get("also_from")
        lab.exec("h2", "ip", "route", "replace", "default", "via", "10.2.0.1", "dev", "eth1",
                 "onlink", "src", "10.2.0.2")
    t = threading.Timer(2.0, move)
    t.start()
    try:
        rep = probe(lab, "h1", "h2", "10.2.0.2", rate=RATE2, duration=6)
    finally:
        t.join()
        back.join()
    assert moved["result"]["state"] == "moving", moved
    def drops(h):
        """Every non-zero drop counter of host h, for the assertion message."""
        out = {}

        def walk(path, o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k in ("drops", "rx_ring_drops", "tx_errors", "rx_nobuf") and v:
                        out[path + "/" + k] = v
                    else:
                        walk(path + "/" + k, v)
            elif isinstance(o, list):
                for i, v in enumerate(o):
                    walk(path + "/" + str(v.get("name", i) if isinstance(v, dict) else i), v)
        walk("counters", call(lab, h, "counters.get"))
        walk("wires", call(lab, h, "wire.stats"))
        return out
    diag = {h: drops(h) for h in ("hostA", "hostB", "hostC")}
    assert rep["sent"] == 6 * RATE2 and rep["lost"] == 0, (rep, diag)
    assert reps["back"].get("sent") == 6 * RATE2 and reps["back"]["lost"] == 0, (reps["back"], diag)
    assert moved["alt"] in ("10.100.0.2", "10.100.0.3"), moved   # hostA accepted from both
    assert unknown_peer() == before
    a2 = call(lab, "hostA", "wire.show", {"connector": conn})
    assert (a2["remote_host"], a2["remote_underlay"]) == ("hostC", "10.100.0.3"), a2
    c = call(lab, "hostC", "wire.show", {"connector": conn})
    assert c["tx"] > 0 and c["rx"] > 0, c
    # after the grace period hostA accepts from hostC only
    wait_until(lambda: "also_from" not in call(lab, "hostA", "wire.show", {"connector": conn}),
               timeout=10, what="hostA forgets hostB's address")


NO_CERT_CLIENT = r"""
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.set_alpn_protocols(["vroom-peer/1"])
s = socket.create_connection(("10.100.0.1", 7911), timeout=5)
try:
    t = ctx.wrap_socket(s)
    # TLS 1.3: our side finishes before the server has looked at our
    # (missing) certificate; the refusal arrives as an alert or an EOF
    data = t.recv(64)
    print("refused" if not data else "answered")
except (ssl.SSLError, ConnectionError, socket.timeout) as e:
    print("refused", type(e).__name__)
"""


def test_no_certificate_and_wrong_name_refused(make_lab, tmp_path):
    """Two more peers hostA must refuse (test_wrong_ca_refused has the third):
    a TLS client with no certificate at all (counted as `tls`), and a vroomd
    whose certificate is signed by the lab's own CA but names a host hostA
    has not configured (counted as `name`). Neither ever gets a session and
    the real hostB stays up."""
    lab = make_lab("ep-native.yaml")
    wait_until(lambda: (peer(lab, "hostA", "hostB") or {}).get("up"), timeout=20,
               what="hostA sees hostB up")
    refused = lambda: call(lab, "hostA", "peer.status")["refused"]   # noqa: E731
    sessions = peer(lab, "hostA", "hostB")["sessions"]

    # no certificate: from hostB's namespace, straight at hostA's peer port
    before = refused().get("tls", 0)
    out = lab.exec("hostB", "/usr/bin/python3", "-c", NO_CERT_CLIENT, check=False)
    assert "refused" in out.stdout, (out.stdout, out.stderr)
    wait_until(lambda: refused().get("tls", 0) > before, timeout=10,
               what="hostA counts the certificate-less client")

    # a valid certificate from the lab's CA, for a name hostA does not know
    certs = str(tmp_path / "rogue")
    os.makedirs(certs)
    labcerts = f"/run/vroom-lab/{lab.name}/certs"
    for f in ("ca.pem", "ca.key"):
        with open(os.path.join(labcerts, f), "rb") as src, \
                open(os.path.join(certs, f), "wb") as dst:
            dst.write(src.read())
    run(os.path.join(TOP, "tools", "mkcerts"), certs, "hostZ")    # same CA, another name
    before = refused().get("name", 0)
    sock = str(tmp_path / "rogue.sock")
    rogue = lab.popen("hostB", VROOMD, "--socket", sock, "--host", "hostZ",
                      "--cert", f"{certs}/hostZ.pem", "--key", f"{certs}/hostZ.key",
                      "--ca", f"{certs}/ca.pem", "--peer", "hostA=10.100.0.1")
    try:
        def rogue_peer():
            p = subprocess.run([VROOMCTL, "-s", sock, "--json", "peer", "list"],
                               capture_output=True, text=True)
            return json.loads(p.stdout)[0] if p.returncode == 0 else None
        wait_until(lambda: refused().get("name", 0) > before, timeout=20,
                   what="hostA refuses the unknown name")
        pz = wait_until(lambda: (rogue_peer() or {}).get("connects", 0) >= 2 and rogue_peer(),
                        timeout=20, what="the rogue retried")
        assert not pz["up"] and pz["sessions"] == 0, pz
    finally:
        rogue.terminate()
        rogue.wait(timeout=10)
    # the real hostB was never disturbed
    pb = peer(lab, "hostA", "hostB")
    assert pb["up"] and pb["sessions"] == sessions, pb
