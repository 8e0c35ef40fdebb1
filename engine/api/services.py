"""The Service REST's allocators: ClusterIPs, nodePorts and healthCheckNodePort, as kube-apiserver v1.32.

This module does I/O through the store: it asks the store's allocation
table (litekube.store.allocations, kept by the Writer with every Service
write) which addresses and ports are held, inside the writing transaction
(Reader.allocated, Reader.first_unallocated), so that two Services never
get the same one even when several processes write (every write
transaction is BEGIN IMMEDIATE: allocations are serialized with the writes
they depend on), a deleted Service's address and ports are free as soon as
it is gone, and an allocation costs index probes, not a read of every
Service.

`allocate_create` is pkg/registry/core/service/storage/alloc.go's
allocateCreate (initIPFamilyFields, txnAllocClusterIPs, initNodePorts,
allocHealthCheckNodePort); `allocate_update` is the update path:
strategy.go's dropTypeDependentFields, storage.go's patchAllocatedValues,
then allocateUpdate. Both run after defaulting and before validation, as
the registry's BeginCreate/BeginUpdate hooks do. The allocation rule of
litekube.model.service_network is deterministic (lowest free in a band).
"""
from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from litekube import errors
from litekube.model import cluster_network, service_network
from litekube.model.validation.fields import go_strings
from litekube.store import allocations

if TYPE_CHECKING:
    from litekube.api.server import Transaction

__all__ = ["allocate_create", "allocate_update", "ranges"]


def ranges(tx: "Transaction") -> tuple[service_network.IPRange, service_network.PortRange]:
    """The cluster's service CIDR (from kubeadm-config) and NodePort range."""
    config = tx.find("ConfigMap", cluster_network.CONFIG_NAMESPACE, cluster_network.CONFIG_NAME)
    return service_network.IPRange(service_network.service_subnet(config)), service_network.PortRange()


def _type(svc: dict) -> str:
    return (svc.get("spec") or {}).get("type") or "ClusterIP"


def _needs_cluster_ip(svc: dict) -> bool:
    return _type(svc) != "ExternalName"


def _needs_node_port(svc: dict) -> bool:
    return _type(svc) in ("NodePort", "LoadBalancer")


def _should_allocate_node_ports(svc: dict) -> bool:
    if _type(svc) == "NodePort":
        return True
    if _type(svc) == "LoadBalancer":
        return (svc.get("spec") or {}).get("allocateLoadBalancerNodePorts") is not False
    return False


def _needs_health_check(svc: dict) -> bool:
    spec = svc.get("spec") or {}
    return _type(svc) == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _headless(spec: dict) -> bool:
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return bool(ips) and ips[0] == "None"


def _name(svc: dict) -> str:
    meta = svc.get("metadata") or {}
    return meta.get("name") or meta.get("generateName") or ""


def _internal(message: str) -> errors.ApiError:
    return errors.ApiError(f"Internal error occurred: {message}")


def _sync_cluster_ips(spec: dict) -> None:
    """The v1 conversion: clusterIP and clusterIPs[0] agree when only one was given."""
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    elif spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]


def _valid_ips(spec: dict) -> bool:
    for ip in spec.get("clusterIPs") or []:
        if ip == "None":
            continue
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return False
    return True


def _family_of(ip: str) -> str:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return ""


def _families(svc: dict, raw_spec: dict) -> None:
    """initIPFamilyFields on a single-stack IPv4 cluster: headless and selectorless defaults to
    RequireDualStack with both families (as upstream); everything else SingleStack IPv4 or, with
    PreferDualStack, IPv4 alone. Refused as upstream: two clusterIPs or families with SingleStack,
    an IPv6 clusterIP, RequireDualStack, and any family but IPv4 (`not configured on this cluster`)."""
    spec = svc["spec"]
    if not _needs_cluster_ip(svc):
        spec.pop("ipFamilies", None)
        spec.pop("ipFamilyPolicy", None)
        return
    policy = spec.get("ipFamilyPolicy")
    causes: list[errors.Cause] = []
    if policy == "SingleStack":
        if len(spec.get("clusterIPs") or []) == 2:
            causes.append(errors.Cause("spec.ipFamilyPolicy", "Invalid value", "must be 'RequireDualStack' or "
                                       "'PreferDualStack' when multiple cluster IPs are specified", policy))
        if len(raw_spec.get("ipFamilies") or []) == 2:
            causes.append(errors.Cause("spec.ipFamilyPolicy", "Invalid value", "must be 'RequireDualStack' or "
                                       "'PreferDualStack' when multiple IP families are specified", policy))
    given = list(raw_spec.get("ipFamilies") or [])
    for i, ip in enumerate(spec.get("clusterIPs") or []):
        if ip == "None":
            break
        if i >= len(given) and _family_of(ip) == "IPv6":
            causes.append(errors.Cause(f"spec.clusterIPs[{i}]", "Invalid value",
                                       "IPv6 is not configured on this cluster", go_strings(spec.get("clusterIPs"))))
    if causes:
        raise errors.Invalid("Service", _name(svc), causes)
    if _headless(spec) and not spec.get("selector"):
        if not raw_spec.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = "RequireDualStack"
        families = list(raw_spec.get("ipFamilies") or ["IPv4"])
        if spec["ipFamilyPolicy"] != "SingleStack" and len(families) < 2:
            families.append("IPv6" if families[0] == "IPv4" else "IPv4")
        spec["ipFamilies"] = families
        return
    if policy == "RequireDualStack":
        causes.append(errors.Cause("spec.ipFamilyPolicy", "Invalid value",
                                   "this cluster is not configured for dual-stack services", policy))
    for i, family in enumerate(spec.get("ipFamilies") or []):
        if family != "IPv4":
            causes.append(errors.Cause(f"spec.ipFamilies[{i}]", "Invalid value", "not configured on this cluster",
                                       family))
    if causes:
        raise errors.Invalid("Service", _name(svc), causes)


class _Held:
    """The offsets of a range that Services other than `exclude` hold, asked of the store's
    allocation table, plus what this request took (a service_network.Used)."""

    def __init__(self, tx: "Transaction", kind: str, base: int, exclude: tuple[str, str]) -> None:
        self.reader, self.kind, self.base, self.exclude = tx.reader, kind, base, exclude
        self.taken: set[int] = set()

    def __contains__(self, offset: object) -> bool:
        assert isinstance(offset, int)
        return offset in self.taken or self.reader.allocated(self.kind, self.base + offset, self.exclude)

    def first_free(self, start: int, stop: int) -> int | None:
        found = self.reader.first_unallocated(self.kind, self.base + start, self.base + stop, self.exclude,
                                              {self.base + t for t in self.taken})
        return None if found is None else found - self.base


def _alloc_ip(tx: "Transaction", svc: dict, ip_range: service_network.IPRange, exclude: tuple[str, str]) -> None:
    spec = svc["spec"]
    used = _Held(tx, allocations.IP, ip_range.base, exclude)
    requested = (spec.get("clusterIPs") or [""])[0]
    if requested:
        try:
            ip_range.allocate(requested, used)
        except service_network.AllocationError as exc:
            raise errors.Invalid("Service", _name(svc), [errors.Cause(
                "spec.clusterIPs", "Invalid value", f"failed to allocate IP {requested}: {exc}",
                go_strings(spec.get("clusterIPs")))]) from None
        ip = str(ipaddress.ip_address(requested))
    else:
        try:
            ip = ip_range.allocate_next(used)
        except service_network.AllocationError as exc:
            raise _internal(f"failed to allocate a serviceIP: {exc}") from None
    spec["clusterIP"] = ip
    spec["clusterIPs"] = [ip, *(spec.get("clusterIPs") or [])[1:]]


class _Ports:
    """A PortAllocationOperation: the held ports plus what this request took."""

    def __init__(self, tx: "Transaction", port_range: service_network.PortRange, exclude: tuple[str, str]) -> None:
        self.used = _Held(tx, allocations.PORT, port_range.base, exclude)
        self.range = port_range

    def allocate(self, port: int) -> None:
        self.range.allocate(port, self.used)
        self.used.taken.add(port - self.range.base)

    def allocate_next(self) -> int:
        port = self.range.allocate_next(self.used)
        self.used.taken.add(port - self.range.base)
        return port


def _invalid_port(svc: dict, index: int, port: int, exc: Exception) -> errors.Invalid:
    return errors.Invalid("Service", _name(svc), [errors.Cause(
        f"spec.ports[{index}].nodePort", "Invalid value", str(exc), port)])


def _next_port(ops: _Ports) -> int:
    try:
        return ops.allocate_next()
    except service_network.AllocationError as exc:
        raise _internal(f"failed to allocate a nodePort: {exc}") from None


def _init_node_ports(svc: dict, ops: _Ports) -> None:
    """initNodePorts: requested ports honoured (one number for the same service port over
    protocols), the others allocated unless a LoadBalancer turns allocation off."""
    ports = svc["spec"].get("ports") or []
    by_service_port: dict[int, int] = {}
    for i, port in enumerate(ports):
        if not port.get("nodePort") and not _should_allocate_node_ports(svc):
            continue
        number = int(port.get("port") or 0)
        allocated = by_service_port.get(number, 0)
        if not allocated:
            requested = next((int(p["nodePort"]) for p in ports[i:]
                              if int(p.get("port") or 0) == number and p.get("nodePort")), 0)
            if requested:
                try:
                    ops.allocate(requested)
                except service_network.AllocationError as exc:
                    raise _invalid_port(svc, i, requested, exc) from None
                port["nodePort"] = requested
            else:
                port["nodePort"] = _next_port(ops)
            by_service_port[number] = port["nodePort"]
        elif int(port.get("nodePort") or 0) != allocated:
            if not port.get("nodePort"):
                port["nodePort"] = allocated
            else:
                try:
                    ops.allocate(int(port["nodePort"]))
                except service_network.AllocationError as exc:
                    raise _invalid_port(svc, i, int(port["nodePort"]), exc) from None


def _alloc_health_check(svc: dict, ops: _Ports) -> None:
    spec = svc["spec"]
    requested = int(spec.get("healthCheckNodePort") or 0)
    if requested:
        try:
            ops.allocate(requested)
        except service_network.AllocationError as exc:
            raise _internal(f"failed to allocate requested HealthCheck NodePort {requested}: {exc}") from None
    else:
        try:
            spec["healthCheckNodePort"] = ops.allocate_next()
        except service_network.AllocationError as exc:
            raise _internal(f"failed to allocate a HealthCheck NodePort 0: {exc}") from None


def _key(svc: dict, namespace: str) -> tuple[str, str]:
    meta = svc.get("metadata") or {}
    return meta.get("namespace") or namespace, meta.get("name") or ""


def allocate_create(tx: "Transaction", svc: dict, raw: dict) -> None:
    """Fill `svc` (defaulted, not yet validated) with its ClusterIPs, nodePorts and
    healthCheckNodePort; raises Invalid for a refused request, InternalError for a full range."""
    spec = svc.setdefault("spec", {})
    raw_spec = raw.get("spec") or {}
    _sync_cluster_ips(spec)
    if not _valid_ips(spec):
        return  # validation refuses it
    _families(svc, raw_spec)
    ip_range, port_range = ranges(tx)
    exclude = _key(svc, "default")
    if _needs_cluster_ip(svc) and not _headless(spec):
        _alloc_ip(tx, svc, ip_range, exclude)
    ops = None
    if _needs_node_port(svc):
        ops = _Ports(tx, port_range, exclude)
        _init_node_ports(svc, ops)
    if _needs_health_check(svc):
        _alloc_health_check(svc, ops or _Ports(tx, port_range, exclude))


def _drop_type_dependent(new: dict, old: dict) -> None:
    """dropTypeDependentFields: what a type change leaves behind, when the client did not change it."""
    spec, old_spec = new["spec"], old.get("spec") or {}
    if _needs_cluster_ip(old) and not _needs_cluster_ip(new):
        if (spec.get("clusterIPs") or []) == (old_spec.get("clusterIPs") or []) \
                and spec.get("clusterIP", "") == old_spec.get("clusterIP", ""):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if spec.get("ipFamilies") == old_spec.get("ipFamilies"):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if _needs_node_port(old) and not _needs_node_port(new):
        if [p.get("nodePort") for p in spec.get("ports") or []] == \
                [p.get("nodePort") for p in old_spec.get("ports") or []][:len(spec.get("ports") or [])]:
            for port in spec.get("ports") or []:
                port.pop("nodePort", None)
    if _needs_health_check(old) and not _needs_health_check(new) \
            and spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)
    if _type(old) == "LoadBalancer" and _type(new) != "LoadBalancer":
        for field in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if spec.get(field) == old_spec.get(field):
                spec.pop(field, None)
    accessible = _needs_node_port(new) or bool(spec.get("externalIPs"))
    if not accessible and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)


def _patch_allocated(new: dict, old: dict) -> None:
    """patchAllocatedValues: a client that leaves out what was allocated keeps it."""
    spec, old_spec = new["spec"], old.get("spec") or {}
    if _needs_cluster_ip(old) and _needs_cluster_ip(new):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if _needs_node_port(old) and _needs_node_port(new):
        def used_by(s: dict) -> set[int]:
            return {int(p["nodePort"]) for p in s.get("ports") or [] if p.get("nodePort")}
        used = used_by(old_spec) & used_by(spec)
        by_name = {p.get("name") or "": p.get("nodePort") or 0 for p in old_spec.get("ports") or []}
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                old_value = by_name.get(port.get("name") or "", 0)
                if old_value and old_value not in used:
                    port["nodePort"] = old_value
    if _needs_health_check(old) and _needs_health_check(new) and not spec.get("healthCheckNodePort") \
            and old_spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def allocate_update(tx: "Transaction", new: dict, old: dict, raw: dict | None = None) -> None:
    """The update path: drop what the new type does not use, keep what was allocated, allocate
    what the new spec needs (addresses and ports the old object held stay its own)."""
    spec = new.setdefault("spec", {})
    old_spec = old.get("spec") or {}
    _sync_cluster_ips(spec)  # the v1 conversion comes first, at decoding
    _drop_type_dependent(new, old)
    _patch_allocated(new, old)
    _sync_cluster_ips(spec)
    if not _valid_ips(spec):
        return
    if not _needs_cluster_ip(new):
        spec.pop("ipFamilies", None)
        spec.pop("ipFamilyPolicy", None)
    elif not _needs_cluster_ip(old):
        _families(new, {})
    else:
        raw_spec = (raw or {}).get("spec") or spec
        if not raw_spec.get("ipFamilyPolicy") and old_spec.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = old_spec["ipFamilyPolicy"]  # a PUT without a policy keeps the old one
            raw_spec = {**raw_spec, "ipFamilyPolicy": spec["ipFamilyPolicy"]}
        _families(new, raw_spec)  # what the update asks (policy, families) is checked as on create
    ip_range, port_range = ranges(tx)
    exclude = _key(old, "default")
    if _needs_cluster_ip(new) and not _headless(spec) and not _headless(old_spec):
        old_ips = old_spec.get("clusterIPs") or [] if _needs_cluster_ip(old) else []
        if not spec.get("clusterIPs") or (not old_ips and spec["clusterIPs"][0] != "None"):
            _alloc_ip(tx, new, ip_range, exclude)
    ops = None
    if _needs_node_port(new):
        ops = _Ports(tx, port_range, exclude)
        old_ports = {int(p["nodePort"]) for p in old_spec.get("ports") or [] if p.get("nodePort")} \
            if _needs_node_port(old) else set()
        taken: set[int] = set()
        for i, port in enumerate(spec.get("ports") or []):
            if not port.get("nodePort") and not _should_allocate_node_ports(new):
                continue
            if port.get("nodePort"):
                number = int(port["nodePort"])
                if number not in old_ports and number not in taken:
                    try:
                        ops.allocate(number)
                    except service_network.AllocationError as exc:
                        raise _invalid_port(new, i, number, exc) from None
                    taken.add(number)
            else:
                port["nodePort"] = _next_port(ops)
    if _needs_health_check(new):
        if _needs_health_check(old) and old_spec.get("healthCheckNodePort"):
            if spec.get("healthCheckNodePort") != old_spec["healthCheckNodePort"]:
                raise errors.Invalid("Service", _name(new), [errors.Cause(
                    "spec.healthCheckNodePort", "Invalid value", "field is immutable",
                    spec.get("healthCheckNodePort") or 0)])
        else:
            _alloc_health_check(new, ops or _Ports(tx, port_range, exclude))
