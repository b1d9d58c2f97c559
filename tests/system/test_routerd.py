"""System tests of vroom-routerd: the control plane running in a vroom
virtual router's container, pushing its static and connected routes to the
host's vroomd through the data-plane hypervisor API, traffic following
them, a reload on SIGHUP, a reconnect to vroomd, and a restart that
resynchronises vroomd's FIB in full.

The lab is vr-static.yaml's topology with r1's routes in a routerd config
file the topology names (`config:`): the lab starts vroom-routerd on it in
r1's container (the default control plane of a vroom-router). A restart
is done by hand with `vroom-lab exec`; routerd is stopped by PID.
"""
import json
import os
import signal
import socket

import pytest

from conftest import BUILD, run, subset, vroomctl, wait_until

VROOM_ROUTERD = os.path.join(BUILD, "src", "cmd", "vroom-routerd")

TOPO = """\
name: rdstatic
nodes:
  hostA: {kind: host}
  r1:
    kind: vroom-router
    host: hostA
    addresses:
      lo: 10.255.0.1/32
      eth0: [10.0.1.1/24, "2001:db8:1::1/64"]
      eth1: [10.0.2.1/24, "2001:db8:2::1/64"]
  h1:
    kind: linux
    addresses: {eth0: [10.0.1.2/24, "2001:db8:1::2/64"]}
    routes: ["default via 10.0.1.1", "default via 2001:db8:1::1"]
  h2:
    kind: linux
    addresses: {eth0: [10.0.2.2/24, "2001:db8:2::2/64"], lo: [10.9.0.1/32, "2001:db8:9::1/128", 10.10.0.1/32, 10.11.0.1/32]}
    routes: ["default via 10.0.2.1", "default via 2001:db8:2::1"]
links:
  - endpoints: [h1:eth0, r1:eth0]
  - endpoints: [h2:eth0, r1:eth1]
"""

CONFIG = """\
router-id: 10.255.0.1
interfaces:
  - {name: lo, addresses: [10.255.0.1/32]}
  - {name: eth0, addresses: [10.0.1.1/24, "2001:db8:1::1/64"]}
  - {name: eth1, addresses: [10.0.2.1/24, "2001:db8:2::1/64"]}
static:
  - {prefix: 10.9.0.0/16, via: 10.0.2.2}
  - {prefix: "2001:db8:9::/48", via: "2001:db8:2::2"}
  - {prefix: 10.10.0.0/16, via: 10.9.0.1}
  - {prefix: 192.0.2.0/24, type: blackhole}
"""


class Routerd:
    """A VR's vroom-routerd: the one the lab started (the default control
    plane of a vroom-router, on the config file the topology names), or,
    once that one is stopped, one started by hand in the VR's container on
    the same config, socket and log."""

    def __init__(self, lab, cfg, node="r1", host="hostA"):
        self.lab = lab
        self.node = node
        self.host = host
        self.cfg = cfg
        self.dir = f"/run/vroom-lab/{lab.name}/{node}"
        self.sock = os.path.join(self.dir, "routerd.sock")
        self.log = os.path.join(self.dir, "routerd.log")
        self.proc = None
        self.pid = None
        self.logtext = ""

    def write(self, config):
        with open(self.cfg, "w") as f:
            f.write(config)

    def lab_pid(self):
        for n in self.lab.status()["nodes"]:
            if n["name"] == self.node:
                for p in n["processes"]:
                    if p["name"] == "vroom-routerd" and p["running"]:
                        return p["pid"]
        return None

    def alive(self):
        if self.proc is not None:
            return self.proc.poll() is None
        if self.pid is None:
            return False
        try:
            stat = open(f"/proc/{self.pid}/stat").read()
        except OSError:
            return False
        return stat.split(")")[1].split()[0] != "Z"

    def start(self, *extra):
        """Attach to the lab's routerd while it runs, else start one by hand."""
        if self.proc is None and self.pid is None:
            self.pid = self.lab_pid()
        if not self.alive():
            import subprocess
            from conftest import VROOM_LAB
            vroomd = f"/run/vroom-lab/{self.lab.name}/{self.host}/vroomd.sock"
            args = list(extra) or ["-c", self.cfg]
            if os.path.exists(self.sock):
                os.unlink(self.sock)
            self.logf = open(self.log, "a")
            self.proc = subprocess.Popen(
                [VROOM_LAB, "exec", self.lab.name, self.node, "--", VROOM_ROUTERD, *args,
                 "-s", self.sock, "--vroomd", vroomd, "--vr", self.node],
                stdout=self.logf, stderr=self.logf)
            self.pid = self.proc.pid
        wait_until(lambda: os.path.exists(self.sock) and self.try_call("routerd.status"),
                   timeout=20, what=f"{self.node}'s vroom-routerd socket")
        return self

    def kill(self, sig):
        os.kill(self.pid, sig)

    def stop(self, sig=signal.SIGTERM):
        if self.pid is None:
            self.pid = self.lab_pid()
        if self.alive():
            os.kill(self.pid, sig)
            try:
                wait_until(lambda: not self.alive(), timeout=10, what="routerd to stop")
            except AssertionError:
                os.kill(self.pid, signal.SIGKILL)
                wait_until(lambda: not self.alive(), timeout=10, what="routerd killed")
        if self.proc is not None:
            self.proc.wait()
        self.proc = None
        self.pid = None
        if os.path.exists(self.log):
            self.logtext = open(self.log).read()

    def sanitizer_clean(self):
        """A sanitizer build reports into the log (and at exit, leaks)."""
        log = self.logtext or (open(self.log).read() if os.path.exists(self.log) else "")
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert bad not in log, log[-4000:]

    def call(self, method, params=None):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.sock)
        req = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}
        s.sendall((json.dumps(req) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        s.close()
        resp = json.loads(buf)
        if "error" in resp:
            raise AssertionError(f"{method}: {resp['error']}")
        return resp["result"]

    def try_call(self, method):
        try:
            return self.call(method)
        except (OSError, ValueError, AssertionError):
            return None

    def fib(self):
        return self.call("routerd.status")["fib"]

    def idle(self):
        f = self.fib()
        return f["state"] == "run" and f["synced"] and f["queued"] == 0 and f["in_flight"] == 0


def vroomd_routes(lab):
    return {r["prefix"]: r for r in vroomctl(lab, "r1", "route", "list", "r1")}


@pytest.fixture
def routerd_lab(make_lab, tmp_path):
    cfg = os.path.join(str(tmp_path), "r1.yaml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    topo = os.path.join(str(tmp_path), "rdstatic.yaml")
    with open(topo, "w") as f:
        f.write(TOPO.replace("    host: hostA\n", f"    host: hostA\n    config: {cfg}\n", 1))
    lab = make_lab(topo)
    rd = Routerd(lab, cfg)
    try:
        yield lab, rd
    finally:
        rd.stop()
    rd.sanitizer_clean()


# 1. routerd's static routes (one recursive) reach vroomd's FIB with via + dev,
#    traffic follows them, and its show methods report the RIB.
def test_static_routes_to_vroomd(routerd_lab):
    lab, rd = routerd_lab
    rd.start()
    wait_until(rd.idle, timeout=20, what="the FIB pushed")
    routes = vroomd_routes(lab)
    assert subset({"type": "unicast", "via": "10.0.2.2", "dev": "eth1"}, routes["10.9.0.0/16"])
    assert subset({"type": "unicast", "via": "10.0.2.2", "dev": "eth1"}, routes["10.10.0.0/16"])
    assert subset({"type": "unicast", "via": "2001:db8:2::2", "dev": "eth1"},
                  routes["2001:db8:9::/48"])
    assert routes["192.0.2.0/24"]["type"] == "blackhole"
    lab.wait("ping:h1:10.9.0.1", "ping:h1:2001:db8:9::1", "ping:h1:10.10.0.1", timeout=30)
    rib = rd.call("rib.prefix", {"prefix": "10.10.0.0/16"})
    assert subset({"protocol": "static", "best": True, "nexthops": [{"via": "10.9.0.1"}],
                   "resolved": [{"via": "10.0.2.2", "dev": "eth1"}]}, rib["routes"][0])
    names = [p["name"] for p in rd.call("proto.list")]
    assert names == ["connected", "static"]
    export = rd.call("state.export")
    assert export["records"] > 5


# 2. A reload on SIGHUP adds and removes routes in vroomd without a restart;
#    a reconnect to vroomd resumes without a full resync; a restarted routerd
#    resynchronises vroomd in full (what it no longer has is deleted).
def test_reload_reconnect_resync(routerd_lab):
    lab, rd = routerd_lab
    rd.start()
    wait_until(rd.idle, timeout=20, what="the FIB pushed")
    assert rd.fib()["full_resyncs"] == 1

    rd.write(CONFIG.replace("{prefix: 10.10.0.0/16, via: 10.9.0.1}",
                            "{prefix: 10.11.0.0/16, via: 10.0.2.2, dev: eth1}"))
    rd.kill(signal.SIGHUP)
    wait_until(lambda: "10.11.0.0/16" in vroomd_routes(lab)
               and "10.10.0.0/16" not in vroomd_routes(lab), timeout=20, what="the reload")
    lab.wait("ping:h1:10.11.0.1", timeout=30)

    seq = rd.fib()["confirmed_seq"]
    rd.call("fib.reconnect")
    wait_until(lambda: rd.idle() and rd.fib()["state"] == "run", timeout=20, what="reconnect")
    f = rd.fib()
    assert f["full_resyncs"] == 1 and f["confirmed_seq"] == seq
    assert vroomctl(lab, "r1", "vr", "show", "r1")["route_seq"] == seq

    # routerd dies; while it is away its config loses 10.9/16's sibling route
    rd.stop(signal.SIGKILL)
    rd.write(CONFIG)  # 10.10/16 back, 10.11/16 gone
    assert "10.11.0.0/16" in vroomd_routes(lab)  # the data plane kept forwarding
    rd.start()
    wait_until(rd.idle, timeout=20, what="the full resync")
    routes = vroomd_routes(lab)
    assert "10.11.0.0/16" not in routes
    assert subset({"via": "10.0.2.2", "dev": "eth1"}, routes["10.10.0.0/16"])
    assert rd.fib()["full_resyncs"] == 1  # a new process: its first connection
    assert rd.fib()["seq"] > seq
    lab.wait("ping:h1:10.10.0.1", timeout=30)


# 3. Under VROOM_LAB_VALGRIND the lab runs vroom-routerd under valgrind too
#    (leaks counted as errors): through the FIB push, a link down and up,
#    vroomctl's RIB command and a reload, then a clean stop, valgrind
#    reports no error.
def test_routerd_valgrind_clean(make_lab, tmp_path, monkeypatch):
    vg = tmp_path / "vg"
    vg.mkdir()
    monkeypatch.setenv("VROOM_LAB_VALGRIND", str(vg))
    cfg = os.path.join(str(tmp_path), "r1.yaml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    topo = os.path.join(str(tmp_path), "rdvg.yaml")
    with open(topo, "w") as f:
        f.write(TOPO.replace("    host: hostA\n", f"    host: hostA\n    config: {cfg}\n", 1))
    lab = make_lab(topo)
    rd = Routerd(lab, cfg).start()
    lab.wait("ping:h1:10.9.0.1", timeout=60)
    lab.exec("r1", "ip", "link", "set", "eth1", "down")
    wait_until(lambda: "10.9.0.0/16" not in vroomd_routes(lab), timeout=30,
               what="10.9/16 withdrawn with eth1")
    lab.exec("r1", "ip", "link", "set", "eth1", "up")
    wait_until(lambda: "10.9.0.0/16" in vroomd_routes(lab), timeout=30, what="10.9/16 back")
    assert "10.10.0.0/16" in lab.cli("r1", "vr", "r1", "rib").stdout
    rd.call("config.reload")
    rd.stop()
    logs = list(vg.glob("routerd-*.log"))
    assert len(logs) == 1, logs
    log = logs[0].read_text()
    assert "ERROR SUMMARY: 0 errors" in log, log[-4000:]
