r"""System test of OSPF on a five-router mixed topology (lab/mix5.yaml): two
vroom virtual routers whose control plane is vroom-routerd (v1, v2, one
vroomd on hostA), two BIRD routers (b1, b2) and one FRR router (f1), every
link cost 10, hellos 1 s, dead interval 4 s.

  h1 - v1 --- b1 --- v2 - h2      b1 and f1 each link to v1, v2 and b2:
         \   /  \   /             v1, v2 and b2 reach one another over two
          \ / b2 \ /              equal-cost paths (ECMP)
           f1 --/

The expected routes come from this file's own Dijkstra over the topology,
and every router's view is read from its own interface:
  - the OSPF routes: `birdc show route protocol ospf1`, `vtysh show ip ospf
    route json`, vroom-routerd's proto.show;
  - the forwarding tables: vroomd's FIB (route.list) for v1 and v2, the
    kernel table BIRD installed (`ip route show proto bird`) for b1 and b2.
Next hops are compared as the set of neighbouring routers their gateways
belong to, so ECMP sets count member by member. v1 (vroom) and b2 (BIRD) are
mirror images: vroomd's FIB and BIRD's kernel table must agree for every
prefix attached to neither. Traffic from vroom-probe must leave v1 by a
member of its ECMP set, each flow by one member, the flows spread over
both. Then the b1-v1 link fails and every router must move to the new
shortest paths, and traffic recover.

The lab starts vroom-routerd in each VR's container (the default control
plane of a vroom-router) on mix5/v1.yaml and mix5/v2.yaml; the test stops
it by PID (test_routerd.Routerd).
"""
import ipaddress
import json
import os
import time

import pytest

from conftest import TOP, probe, vroomctl, wait_until
from test_routerd import Routerd

LABDIR = os.path.join(TOP, "lab", "mix5")

# subnet -> {router: its address there}; every link costs 10
LINKS = {
    "10.0.13.0/24": {"v1": "10.0.13.1", "b1": "10.0.13.3"},
    "10.0.15.0/24": {"v1": "10.0.15.1", "f1": "10.0.15.5"},
    "10.0.23.0/24": {"v2": "10.0.23.2", "b1": "10.0.23.3"},
    "10.0.25.0/24": {"v2": "10.0.25.2", "f1": "10.0.25.5"},
    "10.0.34.0/24": {"b2": "10.0.34.4", "b1": "10.0.34.3"},
    "10.0.45.0/24": {"b2": "10.0.45.4", "f1": "10.0.45.5"},
}
# stub prefixes -> the router they are on
STUBS = {"10.0.1.0/24": "v1", "10.0.2.0/24": "v2", "10.255.0.1/32": "v1",
         "10.255.0.2/32": "v2", "10.255.0.3/32": "b1", "10.255.0.4/32": "b2",
         "10.255.0.5/32": "f1"}
ROUTERS = ["v1", "v2", "b1", "b2", "f1"]
OWNER = {addr: r for link in LINKS.values() for r, addr in link.items()}
DIRECT = "direct"


def expected(down=()):
    """{router: {prefix: frozenset of next-hop routers, or DIRECT}} by Dijkstra,
    with the links in down (subnets) failed: their subnet stays a stub of v1
    (vroom's side stays up; b1's interface goes down)."""
    adj = {r: set() for r in ROUTERS}
    for subnet, ends in LINKS.items():
        if subnet not in down:
            a, b = list(ends)
            adj[a].add(b)
            adj[b].add(a)
    dist = {}
    for src in ROUTERS:  # every cost is 10: a breadth-first search is Dijkstra
        d, frontier = {src: 0}, [src]
        while frontier:
            nxt = []
            for u in frontier:
                for v in adj[u]:
                    if v not in d:
                        d[v] = d[u] + 10
                        nxt.append(v)
            frontier = nxt
        dist[src] = d

    def first_hops(r, t):
        return {n for n in adj[r] if t in dist[n] and 10 + dist[n][t] == dist[r][t]}

    attached = {p: {r} for p, r in STUBS.items()}
    for subnet, ends in LINKS.items():
        attached[subnet] = set(ends) if subnet not in down else {"v1"}
    out = {}
    for r in ROUTERS:
        routes = {}
        for p, at in attached.items():
            if r in at:
                routes[p] = DIRECT
                continue
            reach = [a for a in at if a in dist[r]]
            if not reach:
                continue
            best = min(dist[r][a] for a in reach)
            hops = set()
            for a in reach:
                if dist[r][a] == best:
                    hops |= first_hops(r, a)
            routes[p] = frozenset(hops)
        out[r] = routes
    return out


def ours(prefix):
    return ipaddress.ip_network(prefix).subnet_of(ipaddress.ip_network("10.0.0.0/8"))


def hopset(gateways):
    """Gateways (None: directly attached) -> frozenset of routers, or DIRECT."""
    if not gateways or any(g is None for g in gateways):
        return DIRECT
    return frozenset(OWNER.get(g, g) for g in gateways)


# ---- each router's view, from its own interface ----------------------------------

def routerd_routes(rd):
    out = {}
    for r in rd.call("proto.show", {"name": "ospf"})["routes"]:
        if ours(r["prefix"]):
            out[r["prefix"]] = hopset([n.get("via") for n in r["nexthops"]])
    return out


def bird_routes(lab, node):
    out, cur = {}, None
    text = lab.cli(node, "show", "route", "protocol", "ospf1").stdout
    gws = {}
    for line in text.splitlines():
        f = line.split()
        if not f:
            continue
        if not line[0].isspace() and "/" in f[0]:
            cur = f[0]
            gws[cur] = []
        elif cur is not None and f[0] == "via":
            gws[cur].append(f[1])
        elif cur is not None and f[0] == "dev":
            gws[cur].append(None)
    for p, g in gws.items():
        if ours(p):
            out[p] = hopset(g)
    return out


def frr_routes(lab, node):
    data = json.loads(lab.cli(node, "show ip ospf route json").stdout)
    out = {}
    for p, r in data.items():
        if "/" not in p or not ours(p) or not isinstance(r, dict) or "nexthops" not in r:
            continue
        out[p] = hopset([None if n.get("directlyAttachedTo") else n.get("ip")
                         for n in r["nexthops"]])
    return out


def fib_routes(lab, vr):
    """vroomd's FIB: the unicast routes (connected and local ones are the VR's own)."""
    out = {}
    for r in vroomctl(lab, vr, "route", "list", vr):
        if r["type"] != "unicast" or not ours(r["prefix"]):
            continue
        out[r["prefix"]] = hopset([n.get("via") for n in r["nexthops"]] if "nexthops" in r
                                  else [r.get("via")])
    return out


def kernel_routes(lab, node):
    """What BIRD installed in node's kernel table."""
    out = {}
    for r in json.loads(lab.exec(node, "ip", "-j", "route", "show", "proto", "bird").stdout):
        p = r["dst"] if "/" in r["dst"] else r["dst"] + "/32"
        if not ours(p):
            continue
        hops = hopset([h.get("gateway") for h in r.get("nexthops") or [r]])
        if hops != DIRECT:  # BIRD's copies of connected routes (dev only) are not compared
            out[p] = hops
    return out


def no_direct(routes):
    return {p: h for p, h in routes.items() if h != DIRECT}


def views(lab, rds):
    """Every table: (name, what it shows, what it should show)."""
    return {
        "v1 ospf (routerd)": routerd_routes(rds["v1"]),
        "v2 ospf (routerd)": routerd_routes(rds["v2"]),
        "b1 ospf (birdc)": bird_routes(lab, "b1"),
        "b2 ospf (birdc)": bird_routes(lab, "b2"),
        "f1 ospf (vtysh)": frr_routes(lab, "f1"),
        "v1 FIB (vroomd)": fib_routes(lab, "v1"),
        "v2 FIB (vroomd)": fib_routes(lab, "v2"),
        "b1 kernel (BIRD)": kernel_routes(lab, "b1"),
        "b2 kernel (BIRD)": kernel_routes(lab, "b2"),
    }


def mismatches(lab, rds, down=()):
    want = expected(down)
    got = views(lab, rds)
    bad = {}
    for name, table in got.items():
        r = name.split()[0]
        exp = want[r] if "ospf" in name else no_direct(want[r])
        if "routerd" in name:  # its own stubs are not in its OSPF table (they are connected)
            exp = {p: h for p, h in exp.items() if STUBS.get(p) != r}
        if table != exp:
            bad[name] = {p: (table.get(p), exp.get(p)) for p in set(table) | set(exp)
                         if table.get(p) != exp.get(p)}
    return bad, got


def converge(lab, rds, down=(), timeout=60):
    """Wait until every router shows the shortest paths of the topology; the tables."""
    deadline = time.monotonic() + timeout
    while True:
        bad, got = mismatches(lab, rds, down)
        if not bad:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("not converged to the shortest paths "
                                 f"(prefix: (shown, expected)): {bad}")
        time.sleep(1)


def tx(lab, vr, ifname):
    c = vroomctl(lab, vr, "counters", vr)["vrs"][vr]["interfaces"][ifname]
    return c["tx_packets"]


UDP_FLOWS = r"""
import socket, sys
dst, n = sys.argv[1], int(sys.argv[2])
for sport in range(20000, 20000 + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport))
    for i in range(20):
        s.sendto(b"x" * 32, (dst, 9))
    s.close()
"""


@pytest.fixture
def mix5(make_lab, tmp_path):
    lab = make_lab("mix5.yaml")
    rds = {}
    try:
        for vr in ("v1", "v2"):
            rds[vr] = Routerd(lab, os.path.join(LABDIR, f"{vr}.yaml"), vr).start()
        yield lab, rds
    finally:
        for rd in rds.values():
            rd.stop()
    for rd in rds.values():
        rd.sanitizer_clean()


# 1. Every router computes the shortest paths of the topology (ECMP sets
#    included) and its forwarding table holds them: vroomd's FIB for the
#    vroom VRs, the kernel for BIRD; vroomd's FIB of v1 and BIRD's kernel
#    table of b2 (mirror images) agree prefix by prefix; traffic from
#    vroom-probe leaves v1 by a member of the route's ECMP set, each flow by
#    one, the flows spread over both; after the b1-v1 link fails, every
#    router moves to the new shortest paths and traffic recovers.
def test_mixed_ospf_ecmp_and_failure(mix5):
    lab, rds = mix5
    got = converge(lab, rds, timeout=90)

    # ECMP where the topology has it, in every implementation's own table
    two = frozenset({"b1", "f1"})
    assert got["v1 FIB (vroomd)"]["10.0.2.0/24"] == two
    assert got["b2 kernel (BIRD)"]["10.0.2.0/24"] == two
    assert got["v2 FIB (vroomd)"]["10.0.1.0/24"] == two
    assert got["f1 ospf (vtysh)"]["10.255.0.3/32"] == frozenset({"v1", "v2", "b2"})
    # v1 and b2 are mirror images: the same routers for every prefix on neither
    mirror = set(STUBS) | set(LINKS)
    mirror -= {p for p, r in STUBS.items() if r in ("v1", "b2")}
    mirror -= {p for p, ends in LINKS.items() if "v1" in ends or "b2" in ends}
    assert mirror and all(p in got["v1 FIB (vroomd)"] for p in mirror)
    assert ({p: got["v1 FIB (vroomd)"][p] for p in mirror} ==
            {p: got["b2 kernel (BIRD)"][p] for p in mirror})
    r = vroomctl(lab, "v1", "route", "get", "v1", "10.0.2.2")
    assert sorted((n["via"], n["dev"]) for n in r["nexthops"]) == [
        ("10.0.13.3", "eth1"), ("10.0.15.5", "eth2")], r

    # traffic follows the routes: each flow by one member of the ECMP set ...
    lab.wait("ping:h1:10.0.2.2", "ping:h1:10.255.0.4", timeout=30)
    for port in (7000, 7001):
        e1, e2 = tx(lab, "v1", "eth1"), tx(lab, "v1", "eth2")
        rep = probe(lab, "h1", "h2", "10.0.2.2", rate=2000, duration=1, port=port)
        d1, d2 = tx(lab, "v1", "eth1") - e1, tx(lab, "v1", "eth2") - e2
        assert rep["lost"] == 0 and rep["received"] == 2000, rep
        # the other member carries only OSPF from the container (a few packets a second)
        assert max(d1, d2) >= 2000 and min(d1, d2) < 100, (port, d1, d2)
    # ... and many flows spread over both
    e1, e2 = tx(lab, "v1", "eth1"), tx(lab, "v1", "eth2")
    lab.exec("h1", "/usr/bin/python3", "-c", UDP_FLOWS, "10.0.2.2", "64")
    d1, d2 = tx(lab, "v1", "eth1") - e1, tx(lab, "v1", "eth2") - e2
    assert d1 + d2 >= 64 * 20 and min(d1, d2) >= 64 * 20 // 8, (d1, d2)

    # the b1-v1 link fails (b1's side goes down): everyone reconverges
    lab.exec("b1", "ip", "link", "set", "eth1", "down")
    got = converge(lab, rds, down={"10.0.13.0/24"}, timeout=60)
    assert got["v1 FIB (vroomd)"]["10.0.2.0/24"] == frozenset({"f1"})
    assert got["b1 kernel (BIRD)"]["10.0.1.0/24"] == frozenset({"v2", "b2"})
    assert got["b2 kernel (BIRD)"]["10.0.1.0/24"] == frozenset({"f1"})
    lab.wait("ping:h1:10.0.2.2", timeout=30)
    e1, e2 = tx(lab, "v1", "eth1"), tx(lab, "v1", "eth2")
    rep = probe(lab, "h1", "h2", "10.0.2.2", rate=2000, duration=1, port=7002)
    assert rep["lost"] == 0 and rep["received"] == 2000, rep
    assert tx(lab, "v1", "eth2") - e2 >= 2000

    # back up: the ECMP routes return
    lab.exec("b1", "ip", "link", "set", "eth1", "up")
    got = converge(lab, rds, timeout=60)
    assert got["v1 FIB (vroomd)"]["10.0.2.0/24"] == two
    rep = probe(lab, "h1", "h2", "10.0.2.2", rate=2000, duration=1, port=7003)
    assert rep["lost"] == 0, rep
