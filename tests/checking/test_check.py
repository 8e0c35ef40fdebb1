"""`litekube check`: planted violations are found, shrunk to their minimal steps, and replay from the printed
commands in a fresh database; a correct manifest passes."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from litekube import checking, invariants
from litekube import cli as litekube
from litekube.store import Store

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests" / "check"

# (case, the invariant that must break, the minimal number of steps)
PLANTED = [("unavailable", "available_at_least(deployment/web, 3)", 1),  # maxUnavailable 50% of 4
           ("pdb", "pdb_respected()", 1),  # maxUnavailable 2 against minAvailable 3 of 4
           # minAvailable 1: one drain breaks quorum, as two of the three db pods share node-3 (CoreDNS's
           # requests are on node-1 and node-2, and litekube's scheduler lacks PodTopologySpread's system
           # default spreading, which on kind would put one per node and take two drains)
           ("quorum", "available_at_least(deployment/db, 2)", 1),
           ("recreate", "available_at_least(deployment/web, 1)", 1)]  # Recreate: no pod during the gap


def _run(case: str, examples: int = 100, **kwargs) -> tuple[checking.Checks, checking.Report]:
    checks = checking.load_checks(str(MANIFESTS / case / "checks.yaml"))
    manifest = next(p for p in sorted((MANIFESTS / case).iterdir()) if p.name != "checks.yaml")
    return checks, checking.run(str(manifest), checks, examples=examples, seed=1, database=None, **kwargs)


@pytest.mark.parametrize("case,invariant,minimal", PLANTED)
def test_a_planted_violation_is_found_shrunk_and_replays(case, invariant, minimal, tmp_path):
    checks, report = _run(case)
    assert report.broken is not None and report.broken.invariant == invariant
    assert len(report.failing) == minimal
    manifest = next(p for p in sorted((MANIFESTS / case).iterdir()) if p.name != "checks.yaml")
    db = tmp_path / "replay.db"
    runner = CliRunner()
    for command in checking.replay_commands(report, str(manifest), checks, str(db)):
        args = shlex.split(command)[1:]
        runner.invoke(litekube.cli, args, catch_exceptions=False)
    # the replayed database breaks the same invariant somewhere in its changelog
    store = Store(str(db), history=10_000_000)
    try:
        replay = invariants.Replay.__new__(invariants.Replay)
        replay.store, replay.invariants, replay.view = store, checks.invariants, invariants.View()
        replay.broken, replay.revisions = None, 0
        broken = replay.follow()
    finally:
        store.close()
    assert broken is not None and broken.invariant == invariant


def test_the_seed_makes_a_run_repeatable():
    first, second = _run("unavailable", examples=20)[1], _run("unavailable", examples=20)[1]
    assert (first.broken, first.failing, first.steps) == (second.broken, second.failing, second.steps)


def test_a_correct_manifest_passes():
    checks, report = _run("correct", examples=30, max_steps=8)
    assert report.ok and report.examples == 30


def test_the_command_prints_the_counterexample(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = MANIFESTS / "unavailable"
    result = CliRunner().invoke(litekube.cli, ["check", "-f", str(case / "web.yaml"), "--checks",
                                               str(case / "checks.yaml"), "--seed", "1", "--examples", "30"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("invariant available_at_least(deployment/web, 3) broke at revision ")
    assert lines[1] == "shrunk to 1 step; replay it with:"
    # without --seed the failure is saved in the example database and tried first next time
    args = ["check", "-f", str(case / "web.yaml"), "--checks", str(case / "checks.yaml"), "--examples", "30"]
    assert CliRunner().invoke(litekube.cli, args).exit_code == 1
    assert any((tmp_path / ".litekube-check").rglob("*"))
    again = CliRunner().invoke(litekube.cli, args + ["-o", "json"])
    assert again.exit_code == 1 and '"invariant": "available_at_least(deployment/web, 3)"' in again.stdout
