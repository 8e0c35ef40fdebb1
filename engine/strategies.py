"""Hypothesis strategies for the steps a check draws: operations, faults and time, against a cluster.

This module does no I/O itself; a drawn `Step` runs on a `litekube.Cluster`
(`step.run(cluster)`) and prints as the litekube command that replays it
(`step.command()`). The strategies read the given cluster's objects when
drawn, so they only name what exists:

    operations(cluster, "demo")   scale, set image, rollout undo/pause/resume/restart, label
    faults(cluster, "demo")       node down/up, pod crash, unready, drain, cordon/uncordon, node added/removed
    time()                        advance by a duration
    steps(cluster, "demo", weights)  one of them, by weight (checks.yaml's operations and faults)
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass

from hypothesis import strategies as st

from litekube import errors

__all__ = ["Step", "operations", "faults", "time", "steps", "OPERATIONS", "FAULTS", "TIME"]

OPERATIONS = ("scale", "set_image", "undo", "pause", "resume", "restart", "label")
FAULTS = ("node_down", "node_up", "crash", "unready", "drain", "cordon", "uncordon", "add_node", "remove_node")
TIME = ("advance",)


@dataclass(frozen=True)
class Step:
    """One step: what to do (`op`), to what (`target`), with what (`arg`), in which namespace."""

    op: str
    target: str
    arg: object = None
    namespace: str = "default"

    def command(self, db: str = "") -> str:
        """The litekube command that replays this step."""
        base = f"litekube --db {shlex.quote(db)}" if db else "litekube"
        ns = f" -n {self.namespace}"
        if self.op == "scale":
            return f"{base} scale {self.target} --replicas={self.arg}{ns}"
        if self.op == "set_image":
            container, image = self.arg  # type: ignore[misc]
            return f"{base} set image {self.target} {container}={image}{ns}"
        if self.op in ("undo", "pause", "resume", "restart"):
            return f"{base} rollout {self.op} {self.target}{ns}"
        if self.op == "label":
            return f"{base} label {self.target} {self.arg} --overwrite{ns}"
        if self.op in ("node_down", "node_up"):
            return f"{base} fault {self.op.replace('_', '-')} {self.target}"
        if self.op in ("crash", "unready"):
            return f"{base} fault {self.op} {self.target}{ns}"
        if self.op == "drain":
            return f"{base} drain {self.target} --ignore-daemonsets --force --timeout=2m"
        if self.op in ("cordon", "uncordon"):
            return f"{base} {self.op} {self.target}"
        if self.op == "add_node":
            return f"{base} node add {self.target}"
        if self.op == "remove_node":
            return f"{base} delete node {self.target}"
        if self.op == "advance":
            return f"{base} advance {self.arg}s"
        raise ValueError(f"unknown step {self.op}")

    def run(self, cluster) -> str:
        """Run the step; a refused one (kubectl would print an error) answers its error line."""
        ns = self.namespace
        try:
            if self.op == "scale":
                return cluster.scale(self.target, int(self.arg), namespace=ns)  # type: ignore[arg-type]
            if self.op == "set_image":
                container, image = self.arg  # type: ignore[misc]
                return cluster.set_image(self.target, {container: image}, namespace=ns)
            if self.op in ("undo", "pause", "resume", "restart"):
                return getattr(cluster, f"rollout_{self.op}")(self.target, namespace=ns)
            if self.op == "label":
                return cluster.label(self.target, [str(self.arg)], namespace=ns, overwrite=True)
            if self.op in ("node_down", "node_up"):
                return cluster.fault(self.op.replace("_", "-"), self.target)
            if self.op in ("crash", "unready"):
                return cluster.fault(self.op, self.target.partition("/")[2], namespace=ns)
            if self.op == "drain":
                return "\n".join(cluster.drain(self.target, force=True, ignore_daemonsets=True, timeout=120))
            if self.op in ("cordon", "uncordon"):
                return getattr(cluster, self.op)(self.target)
            if self.op == "add_node":
                return cluster.add_node(self.target)
            if self.op == "remove_node":
                return "\n".join(str(o) for o in cluster.remove_node(self.target))
            if self.op == "advance":
                cluster.advance(float(self.arg))  # type: ignore[arg-type]
                return f"advanced {self.arg}s"
        except errors.LitekubeError as exc:
            return exc.render()
        raise ValueError(f"unknown step {self.op}")


def _names(cluster, kind: str, namespace: str | None) -> list[str]:
    return sorted(o["metadata"]["name"] for o in cluster.list(kind, namespace=namespace))


def _one(op: str, cluster, namespace: str, scale_range: tuple[int, int] = (1, 6)) -> st.SearchStrategy[Step]:
    """The strategy for one kind of step, drawn against the cluster's objects now (None if none applies)."""
    deployments = [f"deployment/{n}" for n in _names(cluster, "deployments", namespace)]
    nodes = _names(cluster, "nodes", None)
    if op == "scale" and deployments:
        return st.builds(lambda t, r: Step("scale", t, r, namespace), st.sampled_from(deployments),
                         st.integers(*scale_range))
    if op == "set_image" and deployments:
        def image(target: str, version: int) -> Step:
            dep = cluster.get(target, namespace=namespace)
            container = dep["spec"]["template"]["spec"]["containers"][0]
            repo = container["image"].rsplit(":", 1)[0]
            return Step("set_image", target, (container["name"], f"{repo}:v{version}"), namespace)
        return st.builds(image, st.sampled_from(deployments), st.integers(1, 3))
    if op in ("undo", "pause", "resume", "restart") and deployments:
        return st.builds(lambda t: Step(op, t, None, namespace), st.sampled_from(deployments))
    if op == "label" and deployments:
        return st.builds(lambda t, v: Step("label", t, f"litekube.io/checked={v}", namespace),
                         st.sampled_from(deployments), st.sampled_from(["a", "b"]))
    if op in ("node_down", "node_up", "drain", "cordon", "uncordon", "remove_node") and nodes:
        return st.builds(lambda n: Step(op, n), st.sampled_from(nodes))
    if op == "add_node":
        return st.just(Step("add_node", f"node-{len(nodes) + 1}"))
    if op in ("crash", "unready"):
        pods = _names(cluster, "pods", namespace)
        if pods:
            return st.builds(lambda p: Step(op, f"pod/{p}", None, namespace), st.sampled_from(pods))
    if op == "advance":
        return time()
    return st.nothing()


def time(durations: tuple[int, ...] = (5, 30, 60, 300)) -> st.SearchStrategy[Step]:
    """Advance the cluster clock by one of `durations` (seconds)."""
    return st.builds(lambda s: Step("advance", "", s), st.sampled_from(durations))


def operations(cluster, namespace: str = "default") -> st.SearchStrategy[Step]:
    return st.one_of(*[_one(op, cluster, namespace) for op in OPERATIONS])


def faults(cluster, namespace: str = "default") -> st.SearchStrategy[Step]:
    return st.one_of(*[_one(op, cluster, namespace) for op in FAULTS])


def steps(cluster, namespace: str = "default", weights: dict[str, int] | None = None,
          scale_range: tuple[int, int] = (1, 6)) -> st.SearchStrategy[Step]:
    """One step of the kinds in `weights` (default: all, weight 1), a kind drawn by its weight first."""
    weights = weights or dict.fromkeys(OPERATIONS + FAULTS + TIME, 1)
    kinds = [op for op, weight in sorted(weights.items()) for _ in range(int(weight))]
    if not kinds:
        return st.nothing()
    return st.sampled_from(kinds).flatmap(lambda op: _one(op, cluster, namespace, scale_range))
