"""The simulation contract: annotations parsed into a frozen PodSimulation."""
from __future__ import annotations

import dataclasses

import pytest

from litekube.reconcile.kubelet import simulation


def pod(**annotations: str) -> dict:
    return {"metadata": {"annotations": annotations}}


class TestForPod:
    @pytest.mark.parametrize("annotations, field, expected", [
        pytest.param({}, "start_delay", 1.0, id="start-delay-default"),
        pytest.param({"sim.litekube.io/start-delay": "2500ms"}, "start_delay", 2.5, id="start-delay-ms"),
        pytest.param({"sim.litekube.io/start-delay": "soon"}, "start_delay", 1.0, id="start-delay-invalid"),
        pytest.param({"sim.litekube.io/ready-after": "1m"}, "ready_after", 60.0, id="ready-after"),
        pytest.param({"sim.litekube.io/never-ready": "true"}, "never_ready", True, id="never-ready"),
        pytest.param({"sim.litekube.io/never-ready": "no"}, "never_ready", False, id="never-ready-other"),
        pytest.param({"sim.litekube.io/exit-after": "30s"}, "exit_after", 30.0, id="exit-after"),
        pytest.param({"sim.litekube.io/exit-code": "3"}, "exit_code", 3, id="exit-code"),
        pytest.param({}, "exit_code", 0, id="exit-code-default"),
        pytest.param({"sim.litekube.io/crash-after": "5s"}, "crash_after", 5.0, id="crash-after"),
        pytest.param({"sim.litekube.io/unready": "true"}, "unready", True, id="unready-fault"),
        pytest.param({"sim.litekube.io/crash": "2026-01-01T00:00:10Z"}, "crash_at", 1767225610.0,
                     id="crash-fault"),
        pytest.param({"sim.litekube.io/crash": "yesterday"}, "crash_at", None, id="crash-fault-invalid"),
    ])
    def test_field(self, annotations: dict, field: str, expected: object) -> None:
        assert getattr(simulation.for_pod(pod(**annotations)), field) == expected

    def test_frozen(self) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            simulation.for_pod(pod()).start_delay = 3  # type: ignore[misc]

    @pytest.mark.parametrize("sim, container, expected", [
        pytest.param(simulation.PodSimulation(), {}, 0.0, id="no-probe"),
        pytest.param(simulation.PodSimulation(), {"readinessProbe": {"initialDelaySeconds": 7}}, 7.0, id="probe"),
        pytest.param(simulation.PodSimulation(ready_after=3), {"readinessProbe": {"initialDelaySeconds": 7}}, 3,
                     id="annotation-wins"),
    ])
    def test_ready_delay(self, sim: simulation.PodSimulation, container: dict, expected: float) -> None:
        assert sim.ready_delay(container) == expected


class TestNode:
    def test_down(self) -> None:
        assert simulation.node_is_down({"metadata": {"annotations": {"sim.litekube.io/down": "true"}}})
        assert not simulation.node_is_down({"metadata": {}})

    @pytest.mark.parametrize("node, expected", [
        pytest.param({"metadata": {"annotations": {"sim.litekube.io/internal-ip": "10.1.0.5"}}}, "10.1.0.5",
                     id="annotation"),
        pytest.param({"metadata": {}, "status": {"addresses": [{"type": "InternalIP", "address": "10.1.0.6"}]}},
                     "10.1.0.6", id="status"),
        pytest.param({"metadata": {}}, "", id="none"),
    ])
    def test_internal_ip(self, node: dict, expected: str) -> None:
        assert simulation.node_internal_ip(node) == expected


def test_public_surface() -> None:
    assert set(simulation.__all__) == {"Annotation", "PodSimulation", "DEFAULT_START_DELAY", "DEFAULT_JOB_POD_RUN",
                                       "for_pod", "node_is_down", "node_internal_ip"}
