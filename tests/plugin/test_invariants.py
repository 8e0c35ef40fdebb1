"""litekube.invariants: checked at every changelog revision, and over fixture objects."""
from __future__ import annotations

from pathlib import Path

from litekube import invariants

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _view(*objects: dict) -> invariants.View:
    view = invariants.View()
    for obj in objects:
        meta = obj["metadata"]
        view.objects[obj["kind"]][(meta.get("namespace", ""), meta["name"])] = obj
    return view


SERVICE = {"kind": "Service", "metadata": {"name": "web", "namespace": "demo"}}


def _slice(name: str, *ready) -> dict:
    return {"kind": "EndpointSlice", "metadata": {"name": name, "namespace": "demo",
                                                   "labels": {"kubernetes.io/service-name": "web"}},
            "endpoints": [{"addresses": ["10.244.0.5"], "conditions": {} if r is None else {"ready": r}}
                          for r in ready]}


def test_service_has_ready_endpoint_over_endpointslices():
    inv = invariants.service_has_ready_endpoint("svc/web", namespace="demo")
    assert inv.check(_view(SERVICE, _slice("web-a", False), _slice("web-b", True))) is None
    assert inv.check(_view(SERVICE, _slice("web-a", None))) is None  # nil ready reads as true
    assert inv.check(_view(SERVICE, _slice("web-a", False))) == "service demo/web has no ready endpoint"
    assert inv.check(_view(SERVICE)) == "service demo/web has no Endpoints or EndpointSlice"
    endpoints = {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "demo"},
                 "subsets": [{"addresses": [{"ip": "10.244.0.5"}]}]}
    assert inv.check(_view(SERVICE, endpoints)) is None
    endpoints["subsets"] = [{"notReadyAddresses": [{"ip": "10.244.0.5"}]}]
    assert inv.check(_view(SERVICE, endpoints)) == "service demo/web has no ready endpoint"


def test_parse_the_checks_yaml_form():
    assert invariants.parse("available_at_least(deployment/web, 3)").name == "available_at_least(deployment/web, 3)"
    assert invariants.parse("pdb_respected()").name == "pdb_respected()"


def test_a_rollout_breaks_available_at_least_at_a_revision_between_steps(cluster):
    cluster.apply(str(SAMPLES))
    replay = invariants.Replay(cluster.store, [invariants.available_at_least("deployment/web", 3, "demo"),
                                               invariants.pods_at_most("deployment/web", 4, "demo")])
    assert replay.broken is None
    cluster.set_image("deployment/web", nginx="nginx:1.28", namespace="demo")
    broken = replay.follow()
    # the default 25% maxUnavailable of 3 rounds down to 0, maxSurge up to 1: never below 3, never above 4
    assert broken is None
    cluster.scale("deployment/web", 5, namespace="demo")
    broken = replay.follow()
    assert broken is not None and broken.invariant == "pods_at_most(deployment/web, 4)"
    assert broken.message == "5 pods of deployment/web, want at most 4"
    assert cluster.revision > broken.revision > 0
