"""The endpoint controller (docs/wires.md, "The endpoint controller"): hosts on
the peer channel, wires made by name between VRs on two hosts, BIRD-FRR OSPF
over such a wire, and moving an endpoint under traffic.

lab/ep-wire.yaml: hostA, hostB, hostC on a routed underlay; r1 (hostA) and r2
(hostB) joined by an encap wire the lab asks for; hostC linked to h2 so r2's
end can move there. lab/ep-ospf.yaml: BIRD in r1 and FRR in r2 over a secure
wire. Every lab has a unique name (conftest.Lab) and is torn down even on
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

    # errors name the field; native wires are refused for now; unknown endpoints fail
    call(lab, "hostA", "iface.add", {"vr": "r1", "name": "wy"})
    r = call(lab, "hostA", "wire.connect", {"a": "r1:wy", "b": "r1:eth0"}, check=False)
    assert r.returncode == 1 and "native" in r.stderr
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
    # r2 on hostC too: the same VR, interfaces (and so MACs) and routes; its
    # eth0 is hostC's link to h2's eth1
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
