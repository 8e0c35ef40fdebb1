"""Pod and node states the pictures colour by, at each boundary of the rules."""
from __future__ import annotations

import pytest

from litekube.model.pictures import statuses
from litekube.model.pictures.statuses import NodeState, PodState
from tests.model import pictures_fixtures as fx


@pytest.mark.parametrize("pod,state", [
    (fx.pod("a"), PodState.READY),
    (fx.pod("a", ready=False), PodState.RUNNING),
    (fx.pod("a", node=None, phase="Pending"), PodState.PENDING),
    (fx.pod("a", phase="Pending", waiting="ContainerCreating"), PodState.PENDING),
    (fx.pod("a", waiting="CrashLoopBackOff", ready=False), PodState.FAILING),
    (fx.pod("a", phase="Pending", waiting="CreateContainerConfigError"), PodState.FAILING),
    (fx.pod("a", phase="Pending", waiting="ImagePullBackOff"), PodState.FAILING),
    (fx.pod("a", phase="Succeeded", ready=False), PodState.SUCCEEDED),
    (fx.pod("a", phase="Failed", ready=False), PodState.FAILED),
    (fx.pod("a", deleting=True), PodState.TERMINATING),
    # a finished pod being deleted is still finished, as kubectl's STATUS says
    (fx.pod("a", phase="Succeeded", ready=False, deleting=True), PodState.SUCCEEDED),
], ids=["ready", "running-not-ready", "unscheduled", "creating", "crashloop", "config-error", "image",
        "succeeded", "failed", "terminating", "succeeded-deleting"])
def test_pod_state(pod, state):
    assert statuses.pod_state(pod) == state


def test_a_pod_on_a_lost_node_is_unknown():
    pod = fx.pod("a", deleting=True)
    pod["status"]["reason"] = "NodeLost"
    assert statuses.pod_state(pod) == PodState.UNKNOWN


@pytest.mark.parametrize("node,state", [
    (fx.node("n"), NodeState.READY),
    (fx.node("n", ready="False"), NodeState.NOT_READY),
    (fx.node("n", ready="Unknown"), NodeState.UNKNOWN),
    (fx.node("n", unschedulable=True), NodeState.CORDONED),
    (fx.node("n", ready="False", unschedulable=True), NodeState.NOT_READY),
    ({"kind": "Node", "metadata": {"name": "n"}}, NodeState.UNKNOWN),
], ids=["ready", "not-ready", "unknown", "cordoned", "not-ready-wins-over-cordon", "no-status"])
def test_node_state(node, state):
    assert statuses.node_state(node) == state


def test_every_state_has_a_colour():
    assert set(statuses.POD_COLORS) == set(PodState)
    assert set(statuses.NODE_COLORS) == set(NodeState)
    assert len(set(statuses.POD_COLORS.values())) == len(PodState)
