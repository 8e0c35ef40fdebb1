"""Property: a Deployment's rolling update keeps within maxSurge and maxUnavailable at every revision,
and converges after any sequence of rollouts, scales, pauses, undos, crashes and node failures.

A Hypothesis state machine drives one 3-node cluster (a fresh database per
example). After each operation the control plane settles, and the changelog
is replayed revision by revision (tests/properties/replay.py):

(a) during a rollout (set image, undo, or resume of a changed template)
    that starts with the deployment at rest, active pods (neither
    terminating nor terminal) of its ReplicaSets never exceed
    spec.replicas + maxSurge, and neither does the sum of the ReplicaSets'
    spec.replicas;
(b) in the same window, available pods never drop below
    spec.replicas - maxUnavailable.
Windows are exact: a scale, a pause, a crash or a node fault closes the
window, and a rollout opens one only when the deployment is unpaused, no
node is down, and exactly spec.replicas pods are active, all available.

At teardown, after resume, node recovery if every node is down, and time
to evict and replace: the rollout is complete, availableReplicas equals
spec.replicas, and exactly one ReplicaSet (the one matching the template)
has replicas (none when spec.replicas is 0).
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from litekube import errors
from litekube.api import applying, operating, rollouts
from litekube.api.server import Api
from litekube.model import kinds, manifests, nodes
from litekube.reconcile.deployment import util
from litekube.runtime import embedded
from tests.properties import replay
from tests.properties.conftest import Databases, bootstrap

SHAPE = nodes.Shape(cpu="4", memory="16Gi", pods=110)
NODES = [f"node-{i}" for i in (1, 2, 3)]
NAMESPACE, NAME = "default", "web"
DEPLOYMENT = kinds.lookup("Deployment")
EVICTION_WAIT = 600.0  # node grace (40s) + the default NoExecute toleration (300s) + restarts
SETTLE_WAIT = 30.0  # more than minReadySeconds and the readiness delays

SETTINGS = settings(max_examples=15, stateful_step_count=8, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

FENCEPOST = st.sampled_from([0, 1, 2, "25%", "50%"])
FENCEPOSTS = st.tuples(FENCEPOST, FENCEPOST).filter(lambda pair: pair != (0, 0))


def deployment_manifest(replicas: int, surge, unavailable, min_ready: int, ready_after: str | None) -> str:
    template_meta: dict = {"labels": {"app": NAME}}
    if ready_after:
        template_meta["annotations"] = {"sim.litekube.io/ready-after": ready_after}
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": NAME, "namespace": NAMESPACE},
            "spec": {"replicas": replicas, "minReadySeconds": min_ready,
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
                     "selector": {"matchLabels": {"app": NAME}},
                     "template": {"metadata": template_meta,
                                  "spec": {"containers": [{"name": "app", "image": "app:1", "resources": {
                                      "requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}}
    return yaml.safe_dump(body)


@dataclass(frozen=True)
class Counts:
    """A deployment's pods at one revision."""

    active: int
    available: int
    rs_replicas: int


class RolloutMachine(RuleBasedStateMachine):
    """Operations on deployment `web`; every revision they cause is checked."""

    pod_surge = True  # check (a) on active pods, not only on the ReplicaSets' spec.replicas

    def __init__(self, databases: Databases) -> None:
        super().__init__()
        self.databases = databases
        self.store = databases.fresh(databases.template("three-nodes", bootstrap(SHAPE, len(NODES))))
        self.api = Api(self.store, SHAPE, len(NODES))
        self.replay = replay.Replay(self.store)
        self.rs_owner: dict[str, str] = {}  # ReplicaSet uid -> controller uid, kept after deletion
        self.down: set[str] = set()
        self.paused = False
        self.window = False  # checking (a) and (b) on the revisions of the current operation
        self.failed = False
        self.check()

    # -- the replayed view ------------------------------------------------------------------
    def deployment(self) -> dict | None:
        return self.replay.get("Deployment", NAMESPACE, NAME)

    def counts(self, dep: dict, now: float) -> Counts:
        uid = dep["metadata"]["uid"]
        min_ready = int(dep["spec"].get("minReadySeconds") or 0)
        active = available = 0
        for pod in self.replay.list("Pod"):
            if self.rs_owner.get(replay.controller_uid(pod) or "") != uid or not replay.is_active(pod):
                continue
            active += 1
            available += replay.is_available(pod, min_ready, now)
        rs_replicas = sum(int(rs["spec"].get("replicas") or 0) for rs in self.replay.list("ReplicaSet")
                          if replay.controller_uid(rs) == uid)
        return Counts(active, available, rs_replicas)

    def at_rest(self) -> bool:
        """Unpaused, no node down, exactly spec.replicas active pods, all available: a rollout may start."""
        dep = self.deployment()
        if dep is None or self.down or dep["spec"].get("paused"):
            return False
        counts = self.counts(dep, self.store.now())
        return counts.active == counts.available == util.replicas(dep)

    def check(self) -> None:
        """Replay every revision since the last check, checking (a) and (b) inside a window."""
        try:
            for change in self.replay.follow():
                if change.kind == "ReplicaSet" and change.type != "DELETED":
                    owner = replay.controller_uid(change.body)
                    if owner:
                        self.rs_owner[change.body["metadata"]["uid"]] = owner
                if self.window and change.kind in ("Pod", "ReplicaSet", "Deployment"):
                    self.check_window(change)
        except AssertionError:
            self.failed = True
            raise

    def check_window(self, change) -> None:
        dep = self.deployment()
        assert dep is not None, f"deployment gone at revision {change.revision}"
        replicas = util.replicas(dep)
        rolling = dep["spec"]["strategy"]["rollingUpdate"]
        surge, unavailable = util.resolve_fenceposts(rolling["maxSurge"], rolling["maxUnavailable"], replicas)
        counts = self.counts(dep, change.time)
        where = (f"at revision {change.revision} ({change.type} {change.kind} {change.name}), "
                 f"replicas={replicas} maxSurge={surge} maxUnavailable={unavailable}")
        assert counts.rs_replicas <= replicas + surge, (
            f"(a) ReplicaSets want {counts.rs_replicas} pods {where}")
        if self.pod_surge:
            assert counts.active <= replicas + surge, f"(a) {counts.active} active pods {where}"
        assert counts.available >= replicas - unavailable, f"(b) {counts.available} available pods {where}"

    # -- operating ----------------------------------------------------------------------------
    def operate(self, rollout: bool, operation) -> None:
        """Run one operation and settle; a rollout from rest opens a window over its revisions."""
        rest = rollout and self.at_rest()
        try:
            operation()
        except errors.LitekubeError:
            pass  # not applicable now (undo without history, ...): kubectl would refuse it too
        dep = self.api.call(lambda tx: tx.get("Deployment", NAMESPACE, NAME))
        self.paused = bool(dep["spec"].get("paused"))
        self.window = rest and not self.paused
        self.require_settled(embedded.settle(self.api))
        self.check()

    def pass_time(self, seconds: float) -> None:
        self.require_settled(embedded.advance(self.api, seconds))
        self.check()

    def require_settled(self, settled) -> None:
        """The control plane must settle: settled=False is a livelock the engine cut off."""
        if settled is None or not settled.settled:
            self.failed = True
            raise AssertionError(settled and settled.message())

    @initialize(replicas=st.integers(1, 6), fenceposts=FENCEPOSTS, min_ready=st.sampled_from([0, 3]),
                ready_after=st.sampled_from([None, "2s", "5s"]))
    def create(self, replicas, fenceposts, min_ready, ready_after):
        text = deployment_manifest(replicas, *fenceposts, min_ready, ready_after)
        self.operate(False, lambda: applying.apply(self.api, manifests.parse(text, "web.yaml")))

    @rule(tag=st.integers(1, 4))
    def set_image(self, tag):
        self.operate(True, lambda: rollouts.set_image(self.api, DEPLOYMENT, NAMESPACE, NAME, {"app": f"app:{tag}"}))

    @rule(replicas=st.integers(0, 8))
    def scale(self, replicas):
        self.operate(False, lambda: rollouts.scale(self.api, DEPLOYMENT, NAMESPACE, NAME, replicas))

    @precondition(lambda self: not self.paused)
    @rule()
    def pause(self):
        self.operate(False, lambda: rollouts.pause(self.api, DEPLOYMENT, NAMESPACE, NAME))

    @precondition(lambda self: self.paused)
    @rule()
    def resume(self):
        self.operate(True, lambda: rollouts.resume(self.api, DEPLOYMENT, NAMESPACE, NAME))

    @rule()
    def undo(self):
        self.operate(True, lambda: rollouts.undo(self.api, DEPLOYMENT, NAMESPACE, NAME))

    @rule(index=st.integers(0, 15))
    def crash(self, index):
        pods = sorted(p["metadata"]["name"] for p in self.replay.list("Pod")
                      if replay.is_active(p) and (p.get("spec") or {}).get("nodeName")
                      and (p["metadata"].get("labels") or {}).get("app") == NAME)
        if pods:
            name = pods[index % len(pods)]
            self.operate(False, lambda: operating.fault(self.api, "crash", name, NAMESPACE))

    @precondition(lambda self: len(self.down) < len(NODES))
    @rule(index=st.integers(0, 2), seconds=st.integers(60, 400))
    def node_down(self, index, seconds):
        up = sorted(set(NODES) - self.down)
        node = up[index % len(up)]
        self.down.add(node)
        self.operate(False, lambda: operating.fault(self.api, "node-down", node))
        self.pass_time(seconds)

    @precondition(lambda self: bool(self.down))
    @rule(index=st.integers(0, 2), seconds=st.integers(60, 400))
    def node_up(self, index, seconds):
        down = sorted(self.down)
        node = down[index % len(down)]
        self.down.discard(node)
        self.operate(False, lambda: operating.fault(self.api, "node-up", node))
        self.pass_time(seconds)

    @invariant()
    def replay_is_current(self):
        assert self.replay.revision == self.store.revision()

    # -- convergence ----------------------------------------------------------------------------
    def teardown(self):
        try:
            if not self.failed and self.deployment() is not None:
                self.converge()
        finally:
            self.databases.discard(self.store)

    def converge(self) -> None:
        if self.paused:
            self.operate(False, lambda: rollouts.resume(self.api, DEPLOYMENT, NAMESPACE, NAME))
        if self.down == set(NODES):
            self.down.discard(NODES[0])
            self.operate(False, lambda: operating.fault(self.api, "node-up", NODES[0]))
        self.pass_time(EVICTION_WAIT if self.down else SETTLE_WAIT)
        with self.api.read() as tx:
            dep = tx.get("Deployment", NAMESPACE, NAME)
            rss = rollouts.replica_sets_of(tx, dep)
        replicas = util.replicas(dep)
        message, done = util.rollout_status(dep)
        assert done, message
        assert util.status_int(dep, "availableReplicas") == replicas, dep["status"]
        scaled = [rs for rs in rss if util.replicas(rs) > 0]
        assert len(scaled) == (1 if replicas else 0), [(rs["metadata"]["name"], util.replicas(rs)) for rs in rss]
        if scaled:
            assert util.equal_ignore_hash(scaled[0]["spec"]["template"], dep["spec"]["template"])
        counts = self.counts(self.deployment(), self.store.now())
        assert counts.active == counts.available == replicas, counts


def test_rollouts_keep_pods_within_surge_and_availability_bounds(databases):
    """(a) on active pods and on ReplicaSet replicas, (b), and convergence."""
    run_state_machine_as_test(lambda: RolloutMachine(databases), settings=SETTINGS)


class ReplicaSetBoundsMachine(RolloutMachine):
    """The same machine with (a) on the ReplicaSets' spec.replicas only (upstream's surge accounting),
    so that a pod-level surge failure does not hide (b) and convergence from the search."""

    pod_surge = False


def test_rollouts_keep_replica_sets_within_surge_and_availability_bounds(databases):
    """(a) on ReplicaSet replicas, (b), and convergence."""
    run_state_machine_as_test(lambda: ReplicaSetBoundsMachine(databases), settings=SETTINGS)
