"""System tests of vroom-lab and vroom-probe with real BIRD, FRR and OpenBGPD.

Each test builds its own lab under a unique name (conftest.Lab) and the
make_lab fixture tears it down and checks no namespace is left, also when
the test fails. Conditions are polled with deadlines, never slept for.
"""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import (VROOM_LAB, Lab, netns_list, probe, run, subset, unique_name,
                      wait_until)


def root_links():
    return sorted(l.split(":")[1].strip().split("@")[0]
                  for l in run("ip", "-o", "link", "show").stdout.splitlines())


# 1. An OSPF lab of BIRD and FRR reaches Full everywhere and installs routes;
#    traffic crosses it (ping), and vroom-probe at 10,000 packets/s loses nothing.
def test_ospf_triangle_converges_and_carries_traffic(make_lab):
    lab = make_lab("ospf-triangle.yaml")
    lab.wait("ospf-full:r1:2", "ospf-full:r2:2", "ospf-full:r3:2", timeout=60)
    # BIRD and FRR both put OSPF routes into their kernel tables
    lab.wait("route:r1:10.3.3.0/24", "route:r3:10.1.1.0/24", "route:r2:10.1.1.0/24",
             "route:r2:10.3.3.0/24", "route:r1:10.255.0.2/32", timeout=30)
    assert "proto bird" in lab.exec("r1", "ip", "route", "show", "10.3.3.0/24").stdout
    r2 = lab.exec("r2", "ip", "route", "show", "10.1.1.0/24").stdout
    assert "proto ospf" in r2, r2
    # FRR's own view, through the node's CLI
    nbrs = json.loads(lab.cli("r2", "show", "ip", "ospf", "neighbor", "json").stdout)
    assert set(nbrs["neighbors"]) == {"10.255.0.1", "10.255.0.3"}
    lab.wait("ping:h1:10.3.3.2", timeout=30)

    rep = probe(lab, "h1", "h2", "10.3.3.2", rate=10000, duration=3)
    assert rep["sent"] == 30000, rep
    assert rep["received"] == 30000, rep
    assert rep["lost"] == 0 and rep["duplicated"] == 0, rep
    assert rep["delay_ms"]["p50"] >= 0


# 2. A BGP session between BIRD and OpenBGPD comes up and each learns the other's prefix.
def test_bgp_bird_openbgpd(make_lab):
    lab = make_lab("bgp-pair.yaml")
    lab.wait("bgp-established:r1", "bgp-established:r2", timeout=60)
    lab.wait("route:r1:10.2.0.0/24", timeout=30)
    rib = lab.cli("r2", "show", "rib").stdout
    assert "10.1.0.0/24" in rib and "65001" in rib, rib
    routes = lab.cli("r1", "show", "route", "10.2.0.0/24").stdout
    assert "AS65002" in routes, routes


# 3. down leaves no namespace, no veth, no process and no state behind.
def test_down_leaves_nothing(tmp_path):
    before = root_links()
    lab = Lab("pair.yaml", tmp_path).up()
    try:
        st = lab.status()
        pids = [p["pid"] for n in st["nodes"] for p in n["processes"]]
        assert len(pids) == 3  # bird, zebra, ospfd
        assert len(lab.namespaces()) == 3
        # something the test started inside the lab goes too
        sleeper = lab.popen("h1", "sleep", "600")
        wait_until(lambda: any(os.path.exists(f"/proc/{p}") for p in [sleeper.pid]),
                   what="sleep to start")
    finally:
        p = lab.down()
    assert p.returncode == 0, p.stderr
    assert lab.namespaces() == []
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or \
            open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z"
    sleeper.wait(timeout=10)
    assert not os.path.exists(f"/run/vroom-lab/{lab.name}")
    assert root_links() == before, "the lab changed the root namespace's links"
    # down again is harmless
    assert lab.down().returncode == 0


# 4. Broken topology files are refused with file, line and reason, creating nothing.
BROKEN = [
    ("name: x\nnodes:\n  r1: {kind: juniper}\n", 3, "unknown kind 'juniper'"),
    ("name: x\nnodes:\n  h1: {kind: linux}\nlinks:\n  - endpoints: [h1:eth0, h2:eth0]\n", 5,
     "there is no node h2"),
    ("name: x\nnodes:\n  a: {kind: linux}\n  b: {kind: linux}\nlinks:\n"
     "  - endpoints: [a:eth0, b:eth0]\n  - endpoints: [a:eth0, b:eth1]\n", 7, "used twice"),
    ("name: x\nnodes:\n  a: {kind: linux, addresses: {eth0: 10.0.0.300/24}}\nlinks:\n"
     "  - endpoints: [a:eth0, a:eth1]\n", 3, "is not an address"),
    ("name: x\nnodes:\n  r1: {kind: bird, config: missing.conf}\n", 3, "missing.conf"),
]


@pytest.mark.parametrize("text,line,reason", BROKEN)
def test_broken_topology_refused(tmp_path, text, line, reason):
    name = unique_name()
    f = tmp_path / "bad.yaml"
    f.write_text(text.replace("name: x", f"name: {name}"))
    p = run(VROOM_LAB, "up", str(f), check=False)
    assert p.returncode != 0
    assert f"{f}:{line}:" in p.stderr and reason in p.stderr, p.stderr
    assert not [n for n in netns_list() if n.startswith(name + "-")]
    assert not os.path.exists(f"/run/vroom-lab/{name}")


# 5. A config the daemon itself refuses is caught before anything is created.
def test_bad_daemon_config_refused(tmp_path):
    name = unique_name()
    conf = tmp_path / "r1.conf"
    conf.write_text("router id 10.255.0.1;\nprotocol ospf v2 { area 0 { interface eth0 }\n")
    f = tmp_path / "bad.yaml"
    f.write_text(f"name: {name}\nnodes:\n  r1: {{kind: bird, config: {conf}}}\n")
    p = run(VROOM_LAB, "up", str(f), check=False)
    assert p.returncode != 0 and "bird refuses" in p.stderr, p.stderr
    assert not [n for n in netns_list() if n.startswith(name + "-")]


# 6. A failure half-way through up (a route the kernel refuses) rolls everything back.
def test_failed_up_rolls_back(tmp_path):
    name = unique_name()
    f = tmp_path / "half.yaml"
    f.write_text(f"name: {name}\nnodes:\n  a:\n    kind: linux\n    addresses: {{eth0: 10.0.0.1/24}}\n"
                 "    routes: [\"10.9.0.0/16 via 192.0.2.1\"]\n  b: {kind: linux}\n"
                 "links:\n  - endpoints: [a:eth0, b:eth0]\n")
    p = run(VROOM_LAB, "up", str(f), check=False)
    assert p.returncode != 0 and "node a" in p.stderr, p.stderr
    assert not [n for n in netns_list() if n.startswith(name + "-")]
    assert not os.path.exists(f"/run/vroom-lab/{name}")


# 7. Two labs from the same file under different names run side by side; down of
#    one leaves the other running.
def test_two_labs_side_by_side(make_lab):
    a = make_lab("pair.yaml")
    b = make_lab("pair.yaml")
    a.wait("ospf-full:r1", "ospf-full:r2", timeout=60)
    b.wait("ospf-full:r1", "ospf-full:r2", timeout=60)
    b.wait("ping:h1:10.255.0.2", timeout=30)
    assert a.down().returncode == 0
    assert a.namespaces() == [] and len(b.namespaces()) == 3
    assert b.status()["state"] == "up"
    b.wait("ping:h1:10.255.0.2", timeout=30)


# 8. down cleans up after vroom-lab itself was killed half-way through up.
@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3])
def test_down_after_killed_up(tmp_path, delay):
    lab = Lab("ospf-triangle.yaml", tmp_path)
    before = root_links()
    p = subprocess.Popen([VROOM_LAB, "up", lab.file], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(delay)  # kill at some point during up: where exactly does not matter
    p.send_signal(signal.SIGKILL)
    p.wait()
    d = lab.down()
    assert d.returncode == 0, d.stderr
    assert lab.namespaces() == []
    assert not os.path.exists(f"/run/vroom-lab/{lab.name}")
    assert root_links() == before
    # nothing of the lab still runs: no process in a namespace, no daemon with its config
    ps = run("ps", "-eo", "pid,stat,args").stdout
    assert lab.name not in ps.replace(lab.file, ""), ps


# 9. status --json, exec and cli see the running lab; a condition that cannot
#    hold times out with a reason.
def test_status_exec_cli_wait(make_lab):
    lab = make_lab("pair.yaml")
    st = lab.status()
    assert subset({"name": lab.name, "state": "up",
                   "nodes": [{"name": "r1", "kind": "bird", "netns": f"{lab.name}-r1",
                              "netns_present": True, "processes": [{"name": "bird",
                                                                    "running": True}]},
                             {"name": "r2", "kind": "frr"},
                             {"name": "h1", "kind": "linux", "processes": []}]}, st), st
    assert "10.0.1.2/24" in lab.exec("h1", "ip", "-4", "addr", "show", "eth0").stdout
    assert lab.exec("r1", "sysctl", "-n", "net.ipv4.ip_forward").stdout.strip() == "1"
    assert lab.exec("h1", "sysctl", "-n", "net.ipv4.ip_forward").stdout.strip() == "0"
    assert "BIRD" in lab.cli("r1", "show", "status").stdout
    assert "ospf router-id 10.255.0.2" in lab.cli("r2", "show", "running-config").stdout
    p = run(VROOM_LAB, "wait", lab.name, "route:h1:10.77.0.0/16", "--timeout", "1", check=False)
    assert p.returncode != 0 and "timed out" in p.stderr and "route:h1" in p.stderr
    p = run(VROOM_LAB, "wait", lab.name, "ospf-full:h1", "--timeout", "1", check=False)
    assert p.returncode != 0 and "runs no such protocol" in p.stderr
    p = run(VROOM_LAB, "cli", lab.name, "h1", "--", "x", check=False)
    assert p.returncode != 0 and "has no CLI" in p.stderr
    p = run(VROOM_LAB, "exec", lab.name, "nosuch", "--", "true", check=False)
    assert p.returncode != 0 and "no node nosuch" in p.stderr
    p = run(VROOM_LAB, "up", lab.file, check=False)
    assert p.returncode != 0 and "already up" in p.stderr
    # a daemon that dies shows in status
    bird = st["nodes"][0]["processes"][0]["pid"]
    os.kill(bird, signal.SIGKILL)
    wait_until(lambda: lab.status()["state"] == "degraded", what="state degraded")
    p = run(VROOM_LAB, "status", lab.name, check=False)
    assert p.returncode != 0 and "=DEAD" in p.stdout


# 10. A twelve-node lab (BIRD and FRR routers in a ring, hosts) comes up and converges.
def test_twelve_nodes(make_lab):
    lab = make_lab("ring12.yaml")
    assert len(lab.namespaces()) == 12
    lab.wait(*[f"ospf-full:r{i}:2" for i in range(1, 9)], timeout=90)
    lab.wait("ping:h1:10.200.3.2", "ping:h4:10.200.1.2", timeout=60)


# 11. vroom-lab itself is valgrind-clean (no invalid access, no leak) through
#     up, status, wait (met and timed out) and down.
def test_valgrind_clean(tmp_path):
    lab = Lab("pair.yaml", tmp_path)
    vg = ["valgrind", "-q", "--leak-check=full", "--show-leak-kinds=all",
          "--errors-for-leak-kinds=all", "--error-exitcode=99", VROOM_LAB]
    try:
        steps = [(["up", lab.file], 0),
                 (["status", lab.name, "--json"], 0),
                 (["wait", lab.name, "ospf-full:r1", "--timeout", "60"], 0),
                 (["wait", lab.name, "route:h1:10.9.9.0/24", "--timeout", "0.5"], 1),
                 (["down", lab.name], 0)]
        for args, want in steps:
            p = run(*vg, *args, check=False, timeout=180)
            assert p.returncode == want, f"{args}: exit {p.returncode}\n{p.stderr}"
    finally:
        lab.down()
    assert lab.namespaces() == []


# 12. A vroom-router runs vroom-routerd by default: on the config the lab
#     writes from its addresses and routes, its socket reachable as
#     VR/control, its routes in vroomd when up returns; a config routerd
#     refuses is caught before anything exists; down after a killed up stops
#     it (by PID); control: none runs nothing.
def test_vroom_router_runs_routerd(make_lab, tmp_path):
    lab = make_lab("vr-static.yaml")
    r1 = next(n for n in lab.status()["nodes"] if n["name"] == "r1")
    assert [p["name"] for p in r1["processes"]] == ["vroom-routerd"], r1
    routes = {r["prefix"]: r for r in json.loads(
        lab.cli("r1", "--json", "route", "list", "r1").stdout)}
    assert subset({"via": "10.0.2.2", "dev": "eth1"}, routes["10.9.0.0/16"]), routes
    st = json.loads(lab.cli("r1/control", "routerd.status").stdout)
    assert st["router_id"] == "10.255.0.1" and st["fib"]["synced"], st
    rib = json.loads(lab.cli("r1/control", "rib.prefix",
                             '{"prefix": "2001:db8:9::/48"}').stdout)
    assert rib["routes"][0]["protocol"] == "static", rib
    gen = open(f"/run/vroom-lab/{lab.name}/r1/routerd.yaml").read()
    assert '{prefix: "10.9.0.0/16", via: "10.0.2.2"}' in gen, gen
    lab.wait("running", "ping:h1:10.9.0.1", timeout=30)
    p = run(VROOM_LAB, "wait", lab.name, "ospf-full:r1", "--timeout", "1", check=False)
    assert p.returncode != 0 and "ospf-full:r1" in p.stderr

    # a routerd config with a bad line: refused with routerd's FILE:LINE: reason
    name = unique_name()
    bad = tmp_path / "r1.yaml"
    bad.write_text("interfaces:\n  - {name: eth0, addresses: [10.0.1.1/24]}\n"
                   "static:\n  - {prefix: 10.9.0.0/16, dev: eth9}\n")
    f = tmp_path / "bad.yaml"
    f.write_text(f"name: {name}\nnodes:\n  hostA: {{kind: host}}\n"
                 f"  r1: {{kind: vroom-router, host: hostA, config: {bad}}}\n")
    p = run(VROOM_LAB, "up", str(f), check=False)
    assert p.returncode != 0 and f"{bad}:4:" in p.stderr and "eth9" in p.stderr, p.stderr
    assert not [n for n in netns_list() if n.startswith(name + "-")]

    # control: none: no process, the lab's routes straight into vroomd
    text = open(lab.file).read()
    (tmp_path / "none.yaml").write_text(text.replace("    host: hostA\n",
                                                     "    host: hostA\n    control: none\n"))
    none = make_lab(str(tmp_path / "none.yaml"))
    r1 = next(n for n in none.status()["nodes"] if n["name"] == "r1")
    assert r1["processes"] == [], r1
    none.wait("ping:h1:10.9.0.1", timeout=30)


# 13. up killed once vroom-routerd is started (its PID in the records) but
#     before up returns: down stops it by PID and leaves nothing.
def test_down_after_killed_up_stops_routerd(tmp_path):
    lab = Lab("vr-routerd-ospf.yaml", tmp_path)
    records = f"/run/vroom-lab/{lab.name}/records"
    p = subprocess.Popen([VROOM_LAB, "up", lab.file], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        wait_until(lambda: os.path.exists(records) and " vroom-routerd" in open(records).read(),
                   timeout=30, interval=0.005, what="routerd's PID recorded")
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    pid = int(next(l.split()[1] for l in open(records) if l.endswith(" vroom-routerd\n")))
    d = lab.down()
    assert d.returncode == 0, d.stderr
    assert lab.namespaces() == []
    assert not os.path.exists(f"/proc/{pid}") or \
        open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z"
    ps = run("ps", "-eo", "pid,stat,args").stdout
    assert lab.name not in ps.replace(lab.file, ""), ps
