"""`litekube check`: draw steps against manifests, check invariants at every revision, shrink a failure.

This module does I/O (database files, Hypothesis' example database). The
manifests are applied once into a template cluster; each example copies it,
draws up to `max_steps` steps (litekube.strategies) and replays the
changelog after each one (litekube.invariants.Replay). A broken invariant
fails the example; Hypothesis shrinks it to a minimal sequence of steps,
saves it (the example database in `.litekube-check/`) and tries it first on
the next run.

checks.yaml:

    namespace: demo
    nodes: 3
    invariants:
      - available_at_least(deployment/web, 2)
      - pdb_respected()
    steps:                      # kind: weight (strategies.OPERATIONS, FAULTS, TIME)
      set_image: 3
      drain: 1
      advance: 1
    scale: [2, 6]               # the replicas `scale` draws from
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import Callable

import yaml

from litekube import errors, invariants, strategies
from litekube.client import Cluster

__all__ = ["Checks", "Report", "load_checks", "run", "replay_commands"]


@dataclass
class Checks:
    invariants: list[invariants.Invariant]
    weights: dict[str, int]
    namespace: str = "default"
    nodes: int = 3
    scale: tuple[int, int] = (1, 6)


@dataclass
class Report:
    examples: int = 0
    steps: int = 0
    invariants: list[str] = field(default_factory=list)
    broken: invariants.Broken | None = None
    failing: list[strategies.Step] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


def load_checks(path: str) -> Checks:
    try:
        with open(path) as stream:
            data = yaml.safe_load(stream) or {}
    except OSError as exc:
        raise errors.ManifestError(f"open {path}: {(exc.strerror or str(exc)).lower()}") from None
    namespace = str(data.get("namespace", "default"))
    try:
        found = [invariants.parse(str(text), namespace) for text in data.get("invariants") or []]
    except ValueError as exc:
        raise errors.ManifestError(f"{path}: {exc}") from None
    if not found:
        raise errors.ManifestError(f"{path}: no invariants to check")
    weights = {str(k): int(v) for k, v in (data.get("steps") or {}).items()}
    unknown = set(weights) - set(strategies.OPERATIONS + strategies.FAULTS + strategies.TIME)
    if unknown:
        raise errors.ManifestError(f"{path}: unknown steps {', '.join(sorted(unknown))}")
    low, high = data.get("scale") or (1, 6)
    return Checks(found, weights or dict.fromkeys(strategies.OPERATIONS + strategies.FAULTS + strategies.TIME, 1),
                  namespace, int(data.get("nodes", 3)), (int(low), int(high)))


def _template(manifests: str, checks: Checks, root: str) -> str:
    path = os.path.join(root, "template.db")
    with Cluster(path, node_count=checks.nodes, deterministic=True) as cluster:
        cluster.apply(manifests)
    return path


def _example(template: str, checks: Checks, data, max_steps: int, counter: list[int]):
    """One example: (broken, steps run, cluster kept open for the trace or None)."""
    cluster = Cluster(template=template, deterministic=True)
    replay = invariants.Replay(cluster.store, checks.invariants)
    done: list[strategies.Step] = []
    count = data.draw(__import__("hypothesis").strategies.integers(1, max_steps), label="steps")
    for _ in range(count):
        step = data.draw(strategies.steps(cluster, checks.namespace, checks.weights, checks.scale))
        step.run(cluster)
        done.append(step)
        counter[0] += 1
        broken = replay.follow()
        if broken is not None:
            return broken, done, cluster
    cluster.close()
    return None, done, None


def run(manifests: str, checks: Checks, *, examples: int = 200, seed: int | None = None, max_steps: int = 20,
        database: str | None = ".litekube-check", progress: Callable[[str], None] = lambda line: None,
        batch: int = 50) -> Report:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis.database import DirectoryBasedExampleDatabase

    report = Report(invariants=[i.name for i in checks.invariants])
    counter = [0]
    last: dict = {}
    with tempfile.TemporaryDirectory(prefix="litekube-check-") as root:
        template = _template(manifests, checks, root)

        @settings(max_examples=examples, deadline=None, print_blob=False,
                  database=DirectoryBasedExampleDatabase(database) if database else None,
                  suppress_health_check=list(HealthCheck), phases=list(Phase))
        @given(st.data())
        def example(data) -> None:
            report.examples += 1
            if report.examples % batch == 0:
                progress(f"{report.examples} examples, {counter[0]:,} steps")
            broken, done, cluster = _example(template, checks, data, max_steps, counter)
            if broken is not None:
                if last.get("cluster") is not None:
                    last["cluster"].close()
                last.update(broken=broken, steps=done, cluster=cluster)
                raise AssertionError(broken.message)

        if seed is not None:
            from hypothesis import seed as fixed

            example = fixed(seed)(example)
        try:
            example()
        except AssertionError:
            cluster = last["cluster"]
            report.broken, report.failing = last["broken"], last["steps"]
            try:
                report.trace = _trace_around(cluster, checks, report.broken.revision)
            finally:
                cluster.close()
        report.steps = counter[0]
    if report.ok:  # Hypothesis may run the empty example besides the ones asked for
        report.examples = min(report.examples, examples)
    return report


def _trace_around(cluster: Cluster, checks: Checks, revision: int) -> list[dict]:
    """The `rollout trace` rows of the first Deployment around `revision` (3 before, 3 after)."""
    deployments = cluster.list("deployments", namespace=checks.namespace)
    if not deployments:
        return []
    rows = cluster.rollout_trace(f"deployment/{deployments[0]['metadata']['name']}", namespace=checks.namespace)
    at = next((i for i, r in enumerate(rows) if r["revision"] >= revision), len(rows) - 1)
    return rows[max(0, at - 3):at + 4]


def replay_commands(report: Report, manifests: str, checks: Checks, db: str = "replay.db") -> list[str]:
    """What a user pastes to replay the failure in a fresh database."""
    return ([f"litekube --db {db} init --nodes {checks.nodes}", f"litekube --db {db} apply -f {manifests}"]
            + [step.command(db) for step in report.failing])
