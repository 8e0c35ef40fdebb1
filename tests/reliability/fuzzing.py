"""The fuzz runner: each case through the real `litekube apply -f`, in a guarded worker process.

This module does I/O. A worker process (`python -m tests.reliability.fuzzing
worker`) runs cases one after the other through the real CLI in-process, on
a fresh copy of a template database each, under an address-space limit
(resource.setrlimit), and answers one JSON line per case. The parent gives
each case a wall-clock limit; a worker that overruns it is killed (a hang),
one that dies is a crash; both are restarted for the next case.

Violations: a traceback (an exception escaping the CLI, or "Traceback" in
its output), an exit code outside {0, 1, 2}, a hang, a crash or memory
exhaustion, and a refused apply that changed the store (a new revision, or
the CANARY ConfigMap of a multi-document case written).
"""
from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Outcome", "run_cases", "MEMORY_LIMIT"]

MEMORY_LIMIT = 2 * 1024 ** 3  # address space of a worker: a case may not need more than 2 GiB


@dataclass
class Outcome:
    name: str
    exit: int | None
    first_line: str = ""
    violation: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    peak_rss_mib: float = 0.0

    @property
    def violations(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.violation]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class _Worker:
    def __init__(self, template: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.fuzzing", "worker", str(template)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env, cwd=str(Path(__file__).resolve().parents[2]), preexec_fn=_limit_memory)

    def ask(self, case: Path, db: Path, timeout: float) -> dict | None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"case": str(case), "db": str(db)}) + "\n")
        self.proc.stdin.flush()
        poller = select.poll()  # not select(): a long test run may hold descriptors past FD_SETSIZE
        poller.register(self.proc.stdout, select.POLLIN)
        if not poller.poll(timeout * 1000):
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"crashed": self.proc.wait(timeout=10)}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def run_cases(cases, template: Path, workdir: Path, timeout: float) -> Report:
    """Every case through `apply -f`; the outcomes and the workers' peak memory."""
    env = {**os.environ, "LITEKUBE_SETTLE_TIMEOUT": "2s", "PYTHONUNBUFFERED": "1"}
    report = Report()
    worker = _Worker(template, env)
    try:
        for number, case in enumerate(cases):
            path = workdir / f"case-{number}.yaml"
            path.write_bytes(case.data)
            db = workdir / f"case-{number}.db"
            began = time.monotonic()
            answer = worker.ask(path, db, timeout)
            seconds = time.monotonic() - began
            if answer is None or "crashed" in answer:
                what = "hang" if answer is None else f"worker died with {answer['crashed']}"
                report.outcomes.append(Outcome(case.name, None, violation=what, seconds=seconds))
                worker.stop()
                worker = _Worker(template, env)
            else:
                report.peak_rss_mib = max(report.peak_rss_mib, answer["rss_kib"] / 1024)
                report.outcomes.append(Outcome(case.name, answer["exit"], answer["first_line"],
                                               answer["violation"], seconds))
            path.unlink(missing_ok=True)
            _forget(db)
    finally:
        worker.stop()
    return report


def _forget(db: Path) -> None:
    """A case's database goes: the SQLite file and its side files, or the PostgreSQL database standing in
    for it (LITEKUBE_TEST_CLI_DB, tests/pgmap.py)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    from tests import pgmap

    socket = os.environ.get(pgmap.SOCKET_ENV)
    if socket:
        pgmap.drop(pgmap.database_name(str(db)), socket)


# -- the worker ---------------------------------------------------------------------------

def _state(db: Path) -> tuple[int, bool]:
    from tests.reliability.harness import rows

    (rev, canary), = rows(db, "SELECT (SELECT rev FROM revision), "
                              "(SELECT COUNT(*) FROM objects WHERE kind = 'ConfigMap' AND name = 'fuzz-canary')")
    return rev, canary > 0


def _one(template: Path, case: Path, db: Path) -> dict:
    from click.testing import CliRunner

    from litekube import cli as litekube

    from tests.reliability.harness import copy_db

    copy_db(template, db)
    before, _ = _state(db)
    result = CliRunner().invoke(litekube.cli, ["--db", str(db), "apply", "-f", str(case)], catch_exceptions=True)
    output = (result.stdout or "") + (result.stderr or "")
    violation = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        violation = f"traceback: {type(result.exception).__name__}: {str(result.exception)[:200]}"
    elif "Traceback" in output:
        violation = "traceback in the output"
    elif result.exit_code not in (0, 1, 2):
        violation = f"exit code {result.exit_code}"
    elif result.exit_code != 0:
        after, canary = _state(db)
        if after != before or canary:
            violation = f"refused, but the store changed (revision {before} -> {after}, canary {canary})"
    first = (result.stderr or result.stdout or "").splitlines()[:1]
    return {"exit": result.exit_code, "first_line": first[0][:300] if first else "", "violation": violation,
            "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def worker(template: str) -> None:
    """Answer one JSON line per case read from stdin."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = _one(Path(template), Path(request["case"]), Path(request["db"]))
        except MemoryError:
            answer = {"exit": None, "first_line": "", "violation": "memory exhausted",
                      "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        except Exception as exc:  # the harness itself failed: report it rather than die
            answer = {"exit": None, "first_line": "", "violation": f"harness error: {exc!r}"[:300],
                      "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    worker(sys.argv[2])
