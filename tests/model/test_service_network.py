"""The Service allocators: upstream's ipallocator and portallocator cases, on litekube's deterministic rule."""
from __future__ import annotations

import pytest

from litekube.model import service_network as sn


@pytest.mark.parametrize("cidr, size, offset", [
    ("192.168.1.0/24", 254, 16),   # TestAllocate: 254 free on a /24
    ("192.168.1.0/28", 14, 0),     # 16 addresses or fewer: no static band
    ("192.168.1.0/27", 30, 16),    # max(16, 32/16) = 16
    ("10.96.0.0/20", 4094, 256),   # 4096/16 = 256
    ("10.96.0.0/21", 2046, 128),   # 2048/16 = 128
    ("10.96.0.0/12", 1048574, 256),  # kubeadm's: capped at 256
    ("192.168.1.0/30", 2, 0),
    ("192.168.1.1/32", 0, 0),
])
def test_range_sizes_and_static_band(cidr, size, offset):
    r = sn.IPRange(cidr)
    assert (r.size, r.offset) == (size, offset)


def test_calculate_range_offset_edges():
    # calculateRangeOffset of TestCalculateRangeOffset: min(max(16, size/16), 256), 0 up to 16
    assert [sn.range_offset(n) for n in (1, 16, 17, 255, 256, 512, 4096, 8192, 1 << 20)] == \
        [0, 0, 16, 16, 16, 32, 256, 256, 256]
    assert [sn.port_range_offset(n) for n in (16, 17, 511, 512, 2768, 4096, 10000)] == \
        [0, 16, 16, 16, 86, 128, 128]


def test_default_bands_of_the_reference_table():
    r = sn.IPRange(sn.DEFAULT_SERVICE_SUBNET)
    assert r.address(0) == "10.96.0.1" and r.address(r.offset - 1) == "10.96.1.0"
    assert r.address(r.offset) == "10.96.1.1" and r.address(r.size - 1) == "10.111.255.254"
    p = sn.PortRange()
    assert (str(p), p.offset) == ("30000-32767", 86)


def test_dynamic_allocation_takes_the_upper_band_first_then_the_lower():
    r = sn.IPRange("192.168.1.0/24")  # static .1-.16, dynamic .17-.254
    used: set[int] = set()
    got = []
    for _ in range(254):
        ip = r.allocate_next(used)
        got.append(ip)
        used.add(r.index(ip))
    assert got[0] == "192.168.1.17" and got[237] == "192.168.1.254" and got[238] == "192.168.1.1"
    assert got[-1] == "192.168.1.16" and len(set(got)) == 254
    with pytest.raises(sn.AllocationError, match="^range is full$"):
        r.allocate_next(used)
    # Release one and it is the next one taken (TestAllocate: release then reallocate)
    used.discard(r.index("192.168.1.100"))
    assert r.allocate_next(used) == "192.168.1.100"


def test_allocate_refusals_worded_as_upstream():
    r = sn.IPRange("192.168.1.0/24")
    used = {r.index("192.168.1.5")}
    with pytest.raises(sn.AllocationError, match="^provided IP is already allocated$"):
        r.allocate("192.168.1.5", used)
    for outside in ("192.168.1.0", "192.168.1.255", "192.168.0.1", "10.0.0.1"):  # network, broadcast, others
        with pytest.raises(sn.AllocationError) as exc:
            r.allocate(outside, used)
        assert str(exc.value) == (f"the provided IP ({outside}) is not in the valid range. "
                                  "The range of valid IPs is 192.168.1.0/24")
    assert r.allocate("192.168.1.1", used) == 0 and r.allocate("192.168.1.254", used) == 253


def test_small_range_without_static_band():
    r = sn.IPRange("192.168.1.0/28")
    assert [r.allocate_next(set(range(i))) for i in (0, 1, 13)] == ["192.168.1.1", "192.168.1.2", "192.168.1.14"]


def test_port_allocator_bands_and_messages():
    p = sn.PortRange()
    used: set[int] = set()
    first = [p.allocate_next(used | set()) for _ in range(1)]
    assert first == [30086]
    got = []
    for _ in range(2768):
        port = p.allocate_next(used)
        got.append(port)
        used.add(port)
    assert got[0] == 30086 and got[2681] == 32767 and got[2682] == 30000 and got[-1] == 30085
    with pytest.raises(sn.AllocationError, match="^range is full$"):
        p.allocate_next(used)
    with pytest.raises(sn.AllocationError, match="^provided port is already allocated$"):
        p.allocate(30007, {30007})
    for outside in (29999, 32768, 80):
        with pytest.raises(sn.AllocationError) as exc:
            p.allocate(outside, set())
        assert str(exc.value) == "provided port is not in the valid range. The range of valid ports is 30000-32767"
    p.allocate(30000, set())
    p.allocate(32767, set())


def test_load_balancer_pool_forms():
    assert sn.parse_pool("172.18.255.200-172.18.255.202") == ["172.18.255.200", "172.18.255.201", "172.18.255.202"]
    assert sn.parse_pool("203.0.113.8/30,198.51.100.7") == ["203.0.113.8", "203.0.113.9", "203.0.113.10",
                                                            "203.0.113.11", "198.51.100.7"]
    assert len(sn.lb_pool(None)) == 51
    assert sn.lb_pool(sn.pool_config_map("203.0.113.1-203.0.113.2")) == ("203.0.113.1", "203.0.113.2")
    with pytest.raises(Exception, match="invalid load balancer pool"):
        sn.parse_pool("1.2.3.9-1.2.3.1")
