"""System tests of vroom-routerd's OSPF instance: a vroom virtual router
whose control plane is vroom-routerd (no routing suite in its container)
forms an OSPF adjacency with FRR or BIRD, its routes reach vroomd's FIB
and traffic follows them.

The labs are lab/vr-routerd-ospf.yaml (r2 FRR) and
lab/vr-routerd-ospf-bird.yaml (r2 BIRD); r1's config is
lab/vr-routerd-ospf/r1.yaml. Variants (r1 DR, point-to-point, MD5) change
r2's and r1's configs on the fly (the topology is rewritten to name the
variant's files). The lab starts vroom-routerd in r1's container (the
default control plane of a vroom-router); a test that restarts it does so
by hand with `vroom-lab exec`, and stops it by PID (test_routerd.Routerd).
Test 7 puts vroom-routerd on both ends (two vroom VRs on one host).

  h1 --- [ r1: vroom-router + vroom-routerd ] --- r2 (FRR | BIRD) --- h2
"""
import json
import os
import re
import signal

import pytest

from conftest import BUILD, TOP, run, subset, vroomctl, wait_until
from test_routerd import Routerd

VROOMCTL = os.path.join(BUILD, "src", "cmd", "vroomctl")
LABS = {"frr": "vr-routerd-ospf.yaml", "bird": "vr-routerd-ospf-bird.yaml"}
R2_CONF = {"frr": "r2-frr.conf", "bird": "r2-bird.conf"}
LABDIR = os.path.join(TOP, "lab")
KEY = "vroomkey"


def r2_conf(kind, variant):
    """r2's config for a variant: broadcast (r1 BDR), dr (r2 priority 0), ptp, md5."""
    variant = {"md5bad": "md5", "abr": "broadcast"}.get(variant, variant)
    text = open(os.path.join(LABDIR, "vr-routerd-ospf", R2_CONF[kind])).read()
    if kind == "frr":
        extra = {"broadcast": "", "dr": " ip ospf priority 0\n",
                 "ptp": " ip ospf network point-to-point\n",
                 "md5": f" ip ospf authentication message-digest\n"
                        f" ip ospf message-digest-key 1 md5 {KEY}\n"}[variant]
        return text.replace(" ip ospf retransmit-interval 2\n",
                            " ip ospf retransmit-interval 2\n" + extra)
    extra = {"broadcast": "type broadcast;", "dr": "type broadcast; priority 0;",
             "ptp": "type ptp;",
             "md5": f'type broadcast; authentication cryptographic; '
                    f'password "{KEY}" {{ id 1; }};'}[variant]
    return text.replace("type broadcast;", extra)


def r1_conf(variant):
    """r1's config for a variant; md5bad: the wrong key; abr: eth0 in area 0.0.0.1."""
    if variant == "md5bad":
        return r1_conf("md5").replace(KEY, "wrongkey")
    if variant == "abr":
        return r1_conf("broadcast").replace(
            "        - {name: eth0, passive: true}\n", "").rstrip("\n") + \
            "\n    - id: 0.0.0.1\n      interfaces:\n        - {name: eth0, passive: true}\n"
    text = open(os.path.join(LABDIR, "vr-routerd-ospf", "r1.yaml")).read()
    extra = {"broadcast": "", "dr": "", "ptp": "", "md5": f", md5: {{id: 1, key: {KEY}}}"}
    text = text.replace("retransmit: 2}", "retransmit: 2" + extra[variant] + "}")
    if variant == "ptp":
        text = text.replace("type: broadcast", "type: ptp")
    return text


def make_ospf_lab(make_lab, tmp_path, kind, variant):
    conf = os.path.join(str(tmp_path), f"r2-{kind}-{variant}.conf")
    with open(conf, "w") as f:
        f.write(r2_conf(kind, variant))
    r1 = os.path.join(str(tmp_path), f"r1-{variant}.yaml")
    with open(r1, "w") as f:
        f.write(r1_conf(variant))
    topo = open(os.path.join(LABDIR, LABS[kind])).read()
    topo = re.sub(r"config: vr-routerd-ospf/r2\S+", f"config: {conf}", topo)
    topo = topo.replace("config: vr-routerd-ospf/r1.yaml", f"config: {r1}")
    path = os.path.join(str(tmp_path), f"ospf-{kind}-{variant}.yaml")
    with open(path, "w") as f:
        f.write(topo)
    return make_lab(path)


def ospf(rd):
    return rd.call("proto.show", {"name": "ospf"})


def nbr_states(rd):
    return {n["router_id"]: n["state"] for n in ospf(rd)["neighbors"]}


def r2_sees_full(lab, kind):
    """r2's own CLI lists r1 (10.255.0.1) as Full."""
    if kind == "frr":
        out = lab.cli("r2", "show", "ip", "ospf", "neighbor", check=False).stdout
    else:
        out = lab.cli("r2", "show", "ospf", "neighbors", check=False).stdout
    return any("10.255.0.1" in line and "Full" in line for line in out.splitlines())


def fib(lab):
    return {r["prefix"]: r for r in vroomctl(lab, "r1", "route", "list", "r1")}


def fib_has(lab, prefix, via, dev):
    r = fib(lab).get(prefix)
    return r is not None and r.get("via") == via and r.get("dev") == dev


@pytest.fixture
def ospf_lab(make_lab, tmp_path, request):
    kind, variant = request.param
    lab = make_ospf_lab(make_lab, tmp_path, kind, variant)
    rd = Routerd(lab, os.path.join(str(tmp_path), f"r1-{variant}.yaml"))
    try:
        yield lab, rd, kind, variant
    finally:
        rd.stop()
    rd.sanitizer_clean()


def converge(lab, rd, kind):
    rd.start()
    wait_until(lambda: nbr_states(rd).get("10.255.0.2") == "full", timeout=40,
               what="r1's neighbour 10.255.0.2 Full")
    wait_until(lambda: r2_sees_full(lab, kind), timeout=20, what="r2 sees r1 Full")
    lab.wait("ospf-full:r1", timeout=5)
    wait_until(lambda: fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1"), timeout=20,
               what="10.0.2.0/24 in vroomd's FIB")


VARIANTS = [("frr", "broadcast"), ("bird", "broadcast"), ("frr", "dr"), ("bird", "dr"),
            ("frr", "ptp"), ("bird", "ptp"), ("frr", "md5"), ("bird", "md5")]


# 1. Full with the neighbour (as its own CLI says), on a broadcast link as BDR
#    and as DR (our network-LSA), point-to-point, and with MD5; the routes
#    SPF gives reach vroomd's FIB with via + dev, r2 learns r1's subnets
#    from our LSAs (a static route as an AS-external-LSA too), and h1
#    pings h2 across.
@pytest.mark.parametrize("ospf_lab", VARIANTS, indirect=True,
                         ids=[f"{k}-{v}" for k, v in VARIANTS])
def test_adjacency_routes_traffic(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    assert fib_has(lab, "10.255.0.2/32", "10.0.12.2", "eth1"), fib(lab)
    lab.wait("route:r2:10.0.1.0/24", "route:r2:10.255.0.1/32", "route:r2:10.99.0.0/16",
             timeout=30)
    lab.wait("ping:h1:10.0.2.2", timeout=20)

    show = ospf(rd)
    eth1 = next(i for i in show["interfaces"] if i["name"] == "eth1")
    want = {"broadcast": "backup", "dr": "dr", "ptp": "p2p", "md5": "backup"}
    assert eth1["state"] == want[variant], eth1
    lsas = {(l["type"], l["id"], l["adv_rtr"]) for l in show["database"]}
    assert ("router", "10.255.0.1", "10.255.0.1") in lsas, lsas
    assert ("router", "10.255.0.2", "10.255.0.2") in lsas, lsas
    assert ("external", "10.99.0.0", "10.255.0.1") in lsas, lsas
    if variant == "dr":
        assert ("network", "10.0.12.1", "10.255.0.1") in lsas, lsas
    routes = {r["prefix"]: r for r in rd.call("rib", {"best": True})}
    best = [x for x in routes["10.0.2.0/24"]["routes"] if x["best"]][0]
    assert best["protocol"] == "ospf" and best["distance"] == 110, best
    assert show["counters"]["drops"] == 0, show["counters"]

    # the same through vroomctl, which finds routerd through vroomd (vr.control)
    nbrs = vroomctl(lab, "r1", "vr", "r1", "ospf", "neighbors")
    assert [(n["router_id"], n["state"]) for n in nbrs] == [("10.255.0.2", "full")], nbrs
    table = lab.cli("r1", "vr", "r1", "ospf", "neighbors").stdout
    assert re.search(r"^10\.255\.0\.2 +\d+ +full +10\.0\.12\.2 +eth1 ", table, re.M), table
    ifs = {i["name"]: i for i in vroomctl(lab, "r1", "vr", "r1", "ospf", "interfaces")}
    assert ifs["eth1"]["state"] == want[variant], ifs
    assert ("router", "10.255.0.2") in {
        (l["type"], l["id"]) for l in vroomctl(lab, "r1", "vr", "r1", "ospf", "database")}
    assert "10.0.2.0/24" in lab.cli("r1", "vr", "r1", "ospf", "routes").stdout
    rib = vroomctl(lab, "r1", "vr", "r1", "rib", "10.0.2.0/24")
    assert subset({"prefix": "10.0.2.0/24", "routes": [{"protocol": "ospf", "best": True}]},
                  rib), rib
    table = lab.cli("r1", "vr", "r1", "rib").stdout
    assert re.search(r"^10\.0\.2\.0/24 +ospf +110 +\d+ +\* +via 10\.0\.12\.2 dev eth1$",
                     table, re.M), table
    ctl = vroomctl(lab, "r1", "call", "vr.control", '{"vr": "r1"}')
    assert ctl["socket"] == rd.sock and ctl["running"], ctl
    p = run(VROOMCTL, "--routerd", rd.sock, "--json", "vr", "r1", "rib", "10.0.2.2")
    assert json.loads(p.stdout)["prefix"] == "10.0.2.0/24", p.stdout


# 2. A restart of vroom-routerd: the neighbour still holds our router-LSA
#    with a higher sequence number; we take it back with a newer one (13.4)
#    and everything converges again, with forwarding never depending on it.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast"), ("bird", "broadcast")],
                         indirect=True, ids=["frr", "bird"])
def test_restart_outdoes_old_lsa(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    seq0 = next(l["seq"] for l in ospf(rd)["database"]
                if l["type"] == "router" and l["id"] == "10.255.0.1")
    rd.stop()
    assert fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1")
    converge(lab, rd, kind)

    # the neighbour's copy of the old instance is outdone (13.4), or, when the
    # new instance reaches Full first and originates the same contents
    # under the same number (the old one was its second), matched
    def newer():
        seq = next(l["seq"] for l in ospf(rd)["database"]
                   if l["type"] == "router" and l["id"] == "10.255.0.1")
        return int(seq, 16) >= int(seq0, 16)
    wait_until(newer, timeout=20, what="our router-LSA not below the old instance")
    lab.wait("route:r2:10.0.1.0/24", "ping:h1:10.0.2.2", timeout=30)


# 3. The link to r2 goes down: after the dead interval the neighbour is gone
#    and its routes leave vroomd's FIB; back up, they return.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast")], indirect=True, ids=["frr"])
def test_neighbour_loss_withdraws(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    lab.exec("r2", "ip", "link", "set", "eth1", "down")
    wait_until(lambda: "10.255.0.2" not in nbr_states(rd), timeout=15,
               what="neighbour 10.255.0.2 gone")
    wait_until(lambda: "10.0.2.0/24" not in fib(lab), timeout=15,
               what="10.0.2.0/24 withdrawn from vroomd")
    lab.exec("r2", "ip", "link", "set", "eth1", "up")
    wait_until(lambda: nbr_states(rd).get("10.255.0.2") == "full", timeout=40,
               what="Full again")
    wait_until(lambda: fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1"), timeout=20,
               what="10.0.2.0/24 back")
    lab.wait("ping:h1:10.0.2.2", timeout=20)


# 4. A wrong MD5 key: no adjacency, every packet dropped with bad_auth.
@pytest.mark.parametrize("ospf_lab", [("frr", "md5bad")], indirect=True, ids=["frr"])
def test_md5_wrong_key_refused(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    rd.start()
    wait_until(lambda: ospf(rd)["counters"]["drop_reasons"].get("bad_auth", 0) >= 3,
               timeout=20, what="bad_auth drops")
    assert nbr_states(rd) == {}
    assert not r2_sees_full(lab, kind)


def lsdb_view(rd):
    return {(l["type"], l["id"], l["adv_rtr"]): l["seq"] for l in ospf(rd)["database"]}


# 5. Migration: a running router's state (LSDB, interfaces, neighbours)
#    exported and a new routerd started from it: at once the same LSDB, the
#    neighbour Full and the routes in the RIB; the neighbour never drops
#    the adjacency, and traffic keeps flowing.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast"), ("bird", "dr")], indirect=True,
                         ids=["frr", "bird-dr"])
def test_restore_from_exported_state(ospf_lab, tmp_path):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    lab.wait("route:r2:10.99.0.0/16", timeout=30)
    before_db = lsdb_view(rd)
    before_rib = {r["prefix"] for r in rd.call("rib", {"best": True})}
    state = os.path.join(str(tmp_path), "state.b64")
    with open(state, "w") as f:
        f.write(rd.call("state.export")["data"])
    rd.stop()
    os.unlink(rd.sock) if os.path.exists(rd.sock) else None
    new = Routerd(lab, rd.cfg)
    try:
        new.start("--restore", state)
        assert nbr_states(new) == {"10.255.0.2": "full"}
        assert lsdb_view(new) == before_db
        wait_until(lambda: {r["prefix"] for r in new.call("rib", {"best": True})} ==
                   before_rib, timeout=5, what="the same RIB")
        assert r2_sees_full(lab, kind)
        # beyond the dead interval: still Full on both sides, nothing re-formed
        import time
        time.sleep(6)
        assert nbr_states(new) == {"10.255.0.2": "full"}
        assert r2_sees_full(lab, kind)
        assert fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1")
        lab.wait("ping:h1:10.0.2.2", "route:r2:10.99.0.0/16", timeout=20)
    finally:
        new.stop()
        new.sanitizer_clean()


MALFORMED = r'''
import socket, struct, sys
from scapy.contrib.ospf import OSPF_Router_LSA, OSPF_Link

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ospf(ptype, body, version=2, length=None, fix=True):
    n = 24 + len(body) if length is None else length
    p = struct.pack("!BBHIIHH8s", version, ptype, n, 0x0aff0002, 0, 0, 0, b"\0" * 8) + body
    return p[:12] + struct.pack("!H", csum(p) if fix else 0x1234) + p[14:]

def lsa(seq=0x80000001, rid="10.255.0.9"):
    return bytes(OSPF_Router_LSA(age=1, id=rid, adrouter=rid, seq=seq,
                                 linklist=[OSPF_Link(id="10.9.9.0", data="255.255.255.0",
                                                     type=3, metric=1)]))

good = lsa()
bad_ck = bytearray(good); bad_ck[-1] ^= 0xff
hello = struct.pack("!IHBBIII", 0xffffff00, 1, 2, 1, 4, 0, 0)
pkts = [
    b"\x02\x01\x00\x18",                                       # trunc_header
    ospf(1, hello, version=3),                                 # bad_version
    ospf(9, hello),                                            # unknown_type
    ospf(1, hello, length=200),                                # bad_length
    ospf(1, hello, fix=False),                                 # bad_checksum
    ospf(4, struct.pack("!I", 1) + bytes(bad_ck)),             # bad_lsa_checksum
    ospf(4, struct.pack("!I", 1) + lsa(seq=0x7fffffff)),       # max_seq
    ospf(4, struct.pack("!I", 2) + good),                      # bad_lsa_count
]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 89)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth1")
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
for p in pkts:
    s.sendto(p, ("10.0.12.1", 0))
'''


# 6. Malformed packets from scapy, each with one thing wrong, sent to r1 as
#    if from r2: each dropped with its reason, the LSDB unchanged, the
#    adjacency untouched.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast")], indirect=True, ids=["frr"])
def test_malformed_packets_change_nothing(ospf_lab, tmp_path):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    before = lsdb_view(rd)
    script = os.path.join(str(tmp_path), "malformed.py")
    with open(script, "w") as f:
        f.write(MALFORMED)
    lab.exec("r2", "/usr/bin/python3", script)
    want = {"trunc_header", "bad_version", "unknown_type", "bad_length", "bad_checksum",
            "bad_lsa_checksum", "max_seq", "bad_lsa_count"}
    wait_until(lambda: want <= set(ospf(rd)["counters"]["drop_reasons"]), timeout=10,
               what="every malformed packet dropped with its reason")
    assert lsdb_view(rd) == before
    assert ("router", "10.255.0.9", "10.255.0.9") not in lsdb_view(rd)
    assert nbr_states(rd) == {"10.255.0.2": "full"}
    assert r2_sees_full(lab, kind)


VROOM_PAIR = """\
name: vrrdpair
nodes:
  hostA: {kind: host}
  r1:
    kind: vroom-router
    host: hostA
    addresses: {lo: 10.255.0.1/32, eth0: 10.0.1.1/24, eth1: 10.0.12.1/24}
  r2:
    kind: vroom-router
    host: hostA
    addresses: {lo: 10.255.0.2/32, eth1: 10.0.12.2/24, eth2: 10.0.2.1/24}
  h1:
    kind: linux
    addresses: {eth0: 10.0.1.2/24}
    routes: ["default via 10.0.1.1"]
  h2:
    kind: linux
    addresses: {eth0: 10.0.2.2/24}
    routes: ["default via 10.0.2.1"]
links:
  - endpoints: [h1:eth0, r1:eth0]
  - endpoints: [r1:eth1, r2:eth1]
  - endpoints: [r2:eth2, h2:eth0]
"""

R2_VROOM = """\
router-id: 10.255.0.2
interfaces:
  - {name: lo, addresses: [10.255.0.2/32]}
  - {name: eth1, addresses: [10.0.12.2/24]}
  - {name: eth2, addresses: [10.0.2.1/24]}
ospf:
  areas:
    - id: 0.0.0.0
      interfaces:
        - {name: eth1, type: %s, hello: 1, dead: 4, retransmit: 2, priority: 2}
        - {name: eth2, passive: true}
        - {name: lo, passive: true}
"""


# 7. Two vroom virtual routers, each with vroom-routerd, on broadcast (DR
#    election between two of ours: r2 has the higher priority) and on a
#    point-to-point link: Full on both sides, each one's routes in its
#    VR's FIB in vroomd, h1 pings h2.
@pytest.mark.parametrize("ltype", ["broadcast", "ptp"])
def test_vroom_to_vroom(make_lab, tmp_path, ltype):
    cfgs = {"r1": r1_conf("ptp" if ltype == "ptp" else "broadcast"), "r2": R2_VROOM % ltype}
    topo = VROOM_PAIR
    for node, text in cfgs.items():
        path = os.path.join(str(tmp_path), f"{node}.yaml")
        with open(path, "w") as f:
            f.write(text)
        topo = topo.replace(f"  {node}:\n    kind: vroom-router\n",
                            f"  {node}:\n    kind: vroom-router\n    config: {path}\n")
    path = os.path.join(str(tmp_path), "vrrdpair.yaml")
    with open(path, "w") as f:
        f.write(topo)
    lab = make_lab(path)
    r1 = Routerd(lab, os.path.join(str(tmp_path), "r1.yaml"), "r1")
    r2 = Routerd(lab, os.path.join(str(tmp_path), "r2.yaml"), "r2")
    try:
        r1.start()
        r2.start()
        for a, b in ((r1, "10.255.0.2"), (r2, "10.255.0.1")):
            wait_until(lambda: nbr_states(a).get(b) == "full", timeout=40,
                       what=f"{a.node} sees {b} Full")
        if ltype == "broadcast":
            eth1 = {n: next(i for i in ospf(r)["interfaces"] if i["name"] == "eth1")
                    for n, r in (("r1", r1), ("r2", r2))}
            assert eth1["r2"]["state"] == "dr" and eth1["r1"]["state"] == "backup", eth1
        wait_until(lambda: fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1"), timeout=20,
                   what="r1's route to h2's subnet")
        r2fib = lambda: {r["prefix"]: r for r in vroomctl(lab, "r2", "route", "list", "r2")}
        wait_until(lambda: r2fib().get("10.0.1.0/24", {}).get("via") == "10.0.12.1",
                   timeout=20, what="r2's route to h1's subnet")
        assert r2fib().get("10.99.0.0/16", {}).get("via") == "10.0.12.1", r2fib()
        lab.wait("ping:h1:10.0.2.2", timeout=20)
        for r in (r1, r2):
            assert ospf(r)["counters"]["drops"] == 0, ospf(r)["counters"]
    finally:
        for r in (r1, r2):
            r.stop()
            r.sanitizer_clean()


# 8. Reload: the same OSPF section keeps the instance (and its adjacency);
#    a changed one restarts it and the adjacency forms again with the new
#    cost, which r2 sees in our router-LSA.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast")], indirect=True, ids=["frr"])
def test_reload(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    res = rd.call("config.reload")
    assert "ospf" in res["reconfigured"] and "ospf" not in res["restarted"], res
    assert nbr_states(rd) == {"10.255.0.2": "full"}
    rd.write(r1_conf(variant).replace("cost: 10", "cost: 33"))
    res = rd.call("config.reload")
    assert "ospf" in res["restarted"], res
    wait_until(lambda: nbr_states(rd).get("10.255.0.2") == "full", timeout=40,
               what="Full after the restart")
    wait_until(lambda: "33" in lab.cli("r2", "show", "ip", "ospf", "database", "router",
                                       "10.255.0.1").stdout,
               timeout=30, what="r2 sees our new cost")
    wait_until(lambda: fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1"), timeout=20,
               what="the route back in vroomd")


# 9. vroom as an area border router: h1's subnet and the redistributed
#    route stay in area 0.0.0.1 (eth0, passive); r2 in the backbone learns
#    the subnet from our summary-LSA, as an inter-area route.
@pytest.mark.parametrize("ospf_lab", [("frr", "abr"), ("bird", "abr")],
                         indirect=True, ids=["frr", "bird"])
def test_abr_summaries(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    lsas = lsdb_view(rd)
    assert ("summary-net", "10.0.1.0", "10.255.0.1") in lsas, lsas
    lab.wait("route:r2:10.0.1.0/24", timeout=30)
    if kind == "frr":
        out = lab.cli("r2", "show", "ip", "ospf", "route").stdout
    else:
        out = lab.cli("r2", "show", "route", "10.0.1.0/24").stdout
    line = next(l for l in out.splitlines() if "10.0.1.0/24" in l)
    assert "IA" in line, out
    lab.wait("ping:h1:10.0.2.2", timeout=20)


def r2_has_route(lab, prefix):
    return prefix in lab.exec("r2", "ip", "route", "show", prefix).stdout


# 10. Link state: r1's eth1 (to r2) goes down in its container: at once, not
#     after the dead interval, OSPF takes the interface down (InterfaceDown),
#     the neighbour is gone and the routes through it leave vroomd's FIB; up
#     again, the adjacency and the routes come back. eth0 down takes its
#     subnet and the static route through it (10.99/16 via 10.0.1.2) away,
#     in vroomd and, as an AS-external-LSA flushed, in r2; up, they return.
@pytest.mark.parametrize("ospf_lab", [("frr", "broadcast"), ("bird", "ptp")], indirect=True,
                         ids=["frr", "bird-ptp"])
def test_link_down_up(ospf_lab):
    lab, rd, kind, variant = ospf_lab
    converge(lab, rd, kind)
    lab.wait("route:r2:10.99.0.0/16", timeout=30)
    assert fib_has(lab, "10.99.0.0/16", "10.0.1.2", "eth0")

    lab.exec("r1", "ip", "link", "set", "eth1", "down")
    wait_until(lambda: nbr_states(rd) == {}, timeout=3, what="the neighbour gone at once")
    eth1 = next(i for i in ospf(rd)["interfaces"] if i["name"] == "eth1")
    assert eth1["state"] == "down", eth1
    wait_until(lambda: "10.0.2.0/24" not in fib(lab) and "10.255.0.2/32" not in fib(lab),
               timeout=5, what="r2's routes withdrawn from vroomd")
    assert rd.call("routerd.status")["interfaces_down"] == ["eth1"]
    assert "10.0.12.0/24" not in {r["prefix"] for r in rd.call("rib")}
    lab.exec("r1", "ip", "link", "set", "eth1", "up")
    wait_until(lambda: nbr_states(rd).get("10.255.0.2") == "full", timeout=40,
               what="Full again")
    wait_until(lambda: fib_has(lab, "10.0.2.0/24", "10.0.12.2", "eth1"), timeout=20,
               what="10.0.2.0/24 back in vroomd")
    lab.wait("ping:h1:10.0.2.2", "route:r2:10.0.1.0/24", timeout=30)

    lab.exec("r1", "ip", "link", "set", "eth0", "down")
    wait_until(lambda: "10.99.0.0/16" not in fib(lab), timeout=5,
               what="the static route through eth0 withdrawn from vroomd")
    wait_until(lambda: not r2_has_route(lab, "10.99.0.0/16"), timeout=20,
               what="r2 loses the redistributed route")
    wait_until(lambda: not r2_has_route(lab, "10.0.1.0/24"), timeout=20,
               what="r2 loses eth0's subnet")
    assert nbr_states(rd) == {"10.255.0.2": "full"}  # eth1 untouched
    lab.exec("r1", "ip", "link", "set", "eth0", "up")
    wait_until(lambda: fib_has(lab, "10.99.0.0/16", "10.0.1.2", "eth0"), timeout=5,
               what="the static route back")
    lab.wait("route:r2:10.99.0.0/16", "route:r2:10.0.1.0/24", "ping:h1:10.0.2.2", timeout=30)
    assert ospf(rd)["counters"]["drops"] == 0, ospf(rd)["counters"]
