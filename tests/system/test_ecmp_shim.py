"""System test of vroomd's netlink shim with multipath kernel routes: a route
with RTA_MULTIPATH and a route over a nexthop group (nhid, as FRR installs
them) in a VR's container become next-hop groups in vroomd's FIB with every
member; a group changed in place (`ip nexthop replace`) changes the route.

The lab is lab/vr-ospf.yaml (r1: a vroom VR with BIRD in its container,
which leaves routes it did not make alone); the routes are added with `ip`
in r1's container.
"""
from conftest import vroomctl, wait_until


def members(lab, prefix_addr):
    p = vroomctl(lab, "r1", "route", "get", "r1", prefix_addr, check=False)
    if p.returncode != 0:
        return None
    import json
    r = json.loads(p.stdout)
    if "nexthops" in r:
        return sorted((n.get("via"), n.get("dev")) for n in r["nexthops"])
    return [(r.get("via"), r.get("dev"))]


def test_shim_multipath_and_nexthop_groups(make_lab):
    lab = make_lab("vr-ospf.yaml")
    both = [("10.0.1.2", "eth0"), ("10.0.12.2", "eth1")]
    # RTA_MULTIPATH
    lab.exec("r1", "ip", "route", "add", "10.77.0.0/16", "nexthop", "via", "10.0.1.2",
             "nexthop", "via", "10.0.12.2")
    wait_until(lambda: members(lab, "10.77.1.1") == both, timeout=20,
               what="10.77.0.0/16 with both next hops in vroomd's FIB")
    # nexthop objects and a group (nhid)
    lab.exec("r1", "ip", "nexthop", "add", "id", "71", "via", "10.0.1.2", "dev", "eth0")
    lab.exec("r1", "ip", "nexthop", "add", "id", "72", "via", "10.0.12.2", "dev", "eth1")
    lab.exec("r1", "ip", "nexthop", "add", "id", "70", "group", "71/72")
    lab.exec("r1", "ip", "route", "add", "10.78.0.0/16", "nhid", "70")
    wait_until(lambda: members(lab, "10.78.1.1") == both, timeout=20,
               what="10.78.0.0/16 over nexthop group 70 with both members")
    show = vroomctl(lab, "r1", "vr", "show", "r1")
    assert show["next_hop_groups"] == 1, show  # both routes share one group
    # the group changes in place: the route follows
    lab.exec("r1", "ip", "nexthop", "replace", "id", "70", "group", "72")
    wait_until(lambda: members(lab, "10.78.1.1") == [("10.0.12.2", "eth1")], timeout=20,
               what="10.78.0.0/16 down to one next hop")
    assert members(lab, "10.77.1.1") == both
    # gone from the kernel, gone from vroomd
    lab.exec("r1", "ip", "route", "del", "10.77.0.0/16")
    lab.exec("r1", "ip", "route", "del", "10.78.0.0/16")
    wait_until(lambda: vroomctl(lab, "r1", "vr", "show", "r1")["next_hop_groups"] == 0 and
               members(lab, "10.77.1.1") != both, timeout=20, what="the routes withdrawn")
