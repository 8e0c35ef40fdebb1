"""A writer process for the concurrency test: real CLI commands in a loop, one JSON report at the end.

This module does I/O. `python -m tests.reliability.writing DB ID COUNT` creates
COUNT ConfigMaps `w<ID>-<n>` and races `replace` on ConfigMap `race`
(read, change, replace with the resourceVersion read), then replaces it once
with a resourceVersion it knows is stale; it prints what was acknowledged,
every Conflict message and every other error line.
"""
from __future__ import annotations

import json
import sys

from click.testing import CliRunner

from litekube import cli as litekube

CONFLICT = ('Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on '
            'configmaps "race": the object has been modified; please apply your changes to the latest version '
            "and try again")


def _configmap(name: str, value: str, rv: str | None = None) -> str:
    meta = {"name": name, **({"resourceVersion": rv} if rv else {})}
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"v": value}})


def main(db: str, ident: str, count: int) -> None:
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(litekube.cli, ["--db", db, *args], input=input, catch_exceptions=True)

    report: dict = {"created": [], "replaced": [], "conflicts": 0, "errors": []}
    stale = None
    for n in range(count):
        name = f"w{ident}-{n}"
        made = run("create", "-f", "-", input=_configmap(name, f"{ident}-{n}"))
        if made.exit_code == 0 and made.stdout == f"configmap/{name} created\n":
            report["created"].append(name)
        else:
            report["errors"].append(f"create {name}: {made.exit_code} {made.stdout}{made.stderr}")
        current = run("get", "configmap", "race", "-o", "json")
        if current.exit_code != 0:
            report["errors"].append(f"get race: {current.stderr}")
            continue
        rv = json.loads(current.stdout)["metadata"]["resourceVersion"]
        stale = stale or rv
        value = f"{ident}-{n}"
        replaced = run("replace", "-f", "-", input=_configmap("race", value, rv))
        if replaced.exit_code == 0 and replaced.stdout == "configmap/race replaced\n":
            report["replaced"].append(value)
        elif replaced.exit_code == 1 and replaced.stderr == CONFLICT + "\n":
            report["conflicts"] += 1
        else:
            report["errors"].append(f"replace race: {replaced.exit_code} {replaced.stdout}{replaced.stderr}")
    last = run("replace", "-f", "-", input=_configmap("race", f"{ident}-stale", stale))
    report["stale_replace"] = [last.exit_code, last.stderr]
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
