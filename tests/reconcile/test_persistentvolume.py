"""PV matching and binding as pure functions (index_test.go / binder_test.go cases, condensed)."""
from __future__ import annotations

import pytest

from litekube.reconcile.base import Update
from litekube.reconcile.common import volumes
from litekube.reconcile.persistentvolume import controller


def pv(name: str, size: str, modes=("ReadWriteOnce",), cls: str = "", labels=None, claim=None, phase="Available"):
    spec = {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": cls,
            "hostPath": {"path": "/tmp/x"}, "persistentVolumeReclaimPolicy": "Retain"}
    if claim:
        spec["claimRef"] = claim
    return {"kind": "PersistentVolume", "metadata": {"name": name, "uid": f"uid-{name}", "labels": labels or {}},
            "spec": spec, "status": {"phase": phase}}


def pvc(size: str, modes=("ReadWriteOnce",), cls: str = "", selector=None):
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}, "storageClassName": cls}
    if selector:
        spec["selector"] = selector
    return {"kind": "PersistentVolumeClaim", "metadata": {"name": "c", "namespace": "default", "uid": "uid-c"},
            "spec": spec, "status": {"phase": "Pending"}}


VOLUMES = [pv("gce-1", "1G"), pv("gce-5", "5G"), pv("gce-10", "10G"), pv("nfs-5", "5G", ("ReadWriteMany",)),
           pv("ssd-5", "5G", cls="ssd", labels={"tier": "fast"})]


@pytest.mark.parametrize(("claim", "expected"), [
    (pvc("1G"), "gce-1"),
    (pvc("3G"), "gce-5"),            # the smallest that fits
    (pvc("5G"), "gce-5"),            # exactly at the boundary
    (pvc("5000000001"), "gce-10"),   # one byte above
    (pvc("11G"), None),
    (pvc("1G", ("ReadWriteMany",)), "nfs-5"),
    (pvc("1G", cls="ssd"), "ssd-5"),
    (pvc("1G", cls="ssd", selector={"matchLabels": {"tier": "slow"}}), None),
], ids=["exact-small", "smallest-fit", "boundary", "above-boundary", "too-big", "rwx", "class", "selector"])
def test_find_best_match(claim, expected) -> None:
    found = volumes.find_best_match(claim, VOLUMES)
    assert (found["metadata"]["name"] if found else None) == expected


def test_prebound_volume_wins_and_delay_binding_skips_the_rest() -> None:
    claim = pvc("1G")
    prebound = pv("pre", "10G", claim={"name": "c", "namespace": "default"})
    assert volumes.find_best_match(claim, [*VOLUMES, prebound])["metadata"]["name"] == "pre"
    assert volumes.find_best_match(claim, VOLUMES, delay_binding=True) is None


def test_bind_writes_claim_ref_and_annotations() -> None:
    actions = controller._bind(pv("gce-1", "1G"), pvc("1G"), 0.0)
    updates = [a.obj for a in actions if isinstance(a, Update)]
    assert updates[0]["spec"]["claimRef"]["uid"] == "uid-c"
    assert updates[0]["metadata"]["annotations"] == {volumes.BOUND_BY_CONTROLLER: "yes"}
    assert updates[1]["spec"]["volumeName"] == "gce-1"
    assert updates[1]["metadata"]["annotations"] == {volumes.BOUND_BY_CONTROLLER: "yes", volumes.BIND_COMPLETED: "yes"}


@pytest.mark.parametrize(("volume", "reason"), [
    (pv("v", "1G"), "requested PV is too small"),
    (pv("v", "10G", cls="ssd"), "storageClassName does not match"),
    (pv("v", "10G", ("ReadOnlyMany",)), "incompatible accessMode"),
])
def test_mismatch_reasons(volume, reason) -> None:
    assert volumes.mismatch(volume, pvc("5G")) == reason
