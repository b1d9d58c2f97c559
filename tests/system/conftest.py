"""Shared pieces of vroom's system tests: labs with unique names that are
always torn down, polling with a deadline instead of sleeping, and JSON
compared by subset.

Every lab a test makes gets a name of its own (prefix "t" + random), so
tests never collide with each other or with a lab someone left running;
its namespaces carry that name as prefix and are removed even when the test
fails.
"""
import json
import os
import random
import re
import string
import subprocess
import time

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VROOM_BUILD", os.path.join(TOP, "build"))
VROOM_LAB = os.path.join(BUILD, "src", "cmd", "vroom-lab")
VROOM_PROBE = os.path.join(BUILD, "src", "cmd", "vroom-probe")


def run(*args, check=True, timeout=120, **kw):
    """Run a command, return CompletedProcess with text output."""
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}\n"
                             f"stdout: {p.stdout}\nstderr: {p.stderr}")
    return p


def netns_list():
    out = run("ip", "netns", "list").stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def wait_until(fn, timeout=30, interval=0.1, what="condition"):
    """Poll fn() until it returns a true value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def subset(expected, actual):
    """True if every key/value of expected is in actual (recursively; lists by position)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and subset(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) >= len(expected) and all(
            subset(e, a) for e, a in zip(expected, actual))
    return expected == actual


def unique_name(prefix="t"):
    return prefix + "".join(random.choice(string.ascii_lowercase + string.digits)
                            for _ in range(7))


class Lab:
    """A lab made from a topology file of lab/ under a unique name."""

    def __init__(self, topo, tmp_path, name=None):
        self.name = name or unique_name()
        src = os.path.join(TOP, "lab", topo) if not os.path.isabs(topo) else topo
        text = open(src).read()
        srcdir = os.path.dirname(src)
        text = re.sub(r"^name:.*$", f"name: {self.name}", text, count=1, flags=re.M)
        # configs stay where they are: make their paths absolute
        text = re.sub(r"config:\s*([^\s,}]+)",
                      lambda m: f"config: {os.path.join(srcdir, m.group(1))}", text)
        self.file = os.path.join(str(tmp_path), f"{self.name}.yaml")
        with open(self.file, "w") as f:
            f.write(text)
        self.is_up = False

    def up(self):
        run(VROOM_LAB, "up", self.file)
        self.is_up = True
        return self

    def down(self):
        p = run(VROOM_LAB, "down", self.name, check=False)
        self.is_up = False
        return p

    def wait(self, *conds, timeout=60):
        return run(VROOM_LAB, "wait", self.name, *conds, "--timeout", str(timeout),
                   timeout=timeout + 30)

    def exec(self, node, *cmd, check=True, timeout=120):
        return run(VROOM_LAB, "exec", self.name, node, "--", *cmd, check=check, timeout=timeout)

    def cli(self, node, *args, check=True):
        return run(VROOM_LAB, "cli", self.name, node, "--", *args, check=check)

    def status(self):
        return json.loads(run(VROOM_LAB, "status", self.name, "--json", check=False).stdout)

    def popen(self, node, *cmd):
        return subprocess.Popen([VROOM_LAB, "exec", self.name, node, "--", *cmd],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def namespaces(self):
        return [n for n in netns_list() if n.startswith(self.name + "-")]


@pytest.fixture
def make_lab(tmp_path):
    """make_lab("pair.yaml") -> a Lab, brought up; torn down after the test, pass or fail."""
    labs = []

    def make(topo, up=True, name=None):
        lab = Lab(topo, tmp_path, name=name)
        labs.append(lab)
        return lab.up() if up else lab

    yield make
    for lab in labs:
        lab.down()
        left = lab.namespaces()
        assert not left, f"namespaces left behind by {lab.name}: {left}"


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("lab")


def pytest_configure(config):
    for exe in (VROOM_LAB, VROOM_PROBE):
        if not os.access(exe, os.X_OK):
            raise pytest.UsageError(f"{exe} is not built (run make build)")


def probe(lab, src, dst, dst_addr, rate, duration, size=64, port=7000):
    """vroom-probe from node src to dst_addr (on node dst); returns the receiver's JSON report."""
    import selectors
    recv = lab.popen(dst, VROOM_PROBE, "recv", "--port", str(port), "--json",
                     "--idle-timeout", "5", "--timeout", str(duration + 60))
    try:
        sel = selectors.DefaultSelector()
        sel.register(recv.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + 10
        seen = ""
        while "listening on" not in seen:
            if time.monotonic() > deadline or recv.poll() is not None:
                raise AssertionError(f"vroom-probe recv did not start: {seen}")
            if sel.select(timeout=0.2):
                line = recv.stderr.readline()
                seen += line
        lab.exec(src, VROOM_PROBE, "send", "--to", f"{dst_addr}:{port}", "--rate", str(rate),
                 "--duration", str(duration), "--size", str(size), timeout=duration + 60)
        out, err = recv.communicate(timeout=duration + 60)
        assert recv.returncode == 0, f"vroom-probe recv exited {recv.returncode}: {err}"
        return json.loads(out)
    finally:
        if recv.poll() is None:
            recv.kill()
            recv.wait()


def vroomctl(lab, vr, *args, check=True):
    """vroomctl --json on the socket of the host vr is placed on; returns parsed JSON
    (or the CompletedProcess when check is False)."""
    p = run(VROOM_LAB, "cli", lab.name, vr, "--", "--json", *args, check=check)
    if not check:
        return p
    return json.loads(p.stdout) if p.stdout.strip() else None
