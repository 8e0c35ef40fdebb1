"""check: property-based checking of manifests (litekube.checking). This module does I/O."""
from __future__ import annotations

import json

import click

from litekube.cli.root import cli, handle_errors


@cli.command()
@click.option("-f", "--filename", "manifests", required=True, help="The manifests: a file or a directory.")
@click.option("--checks", "checks_path", required=True, help="checks.yaml: invariants and the steps to draw.")
@click.option("--examples", type=click.IntRange(1), default=200, show_default=True, help="How many examples.")
@click.option("--seed", type=int, default=None, help="Make the run repeatable.")
@click.option("--max-steps", type=click.IntRange(1), default=20, show_default=True, help="Steps per example.")
@click.option("-o", "--output", type=click.Choice(["json"]), default=None, help="json: one object for machines.")
@handle_errors
def check(manifests, checks_path, examples, seed, max_steps, output) -> None:
    """Drive operations, faults and time against manifests; check invariants at every revision.

    \b
    Examples:
      # Check the samples against the invariants of checks.yaml, 200 examples
      litekube check -f samples/ --checks checks.yaml
      # Repeatable, as JSON
      litekube check -f samples/ --checks checks.yaml --seed 1 -o json
    """
    from litekube import checking

    checks = checking.load_checks(checks_path)
    echo = (lambda line: None) if output else (lambda line: click.echo(line, err=True))
    report = checking.run(manifests, checks, examples=examples, seed=seed, max_steps=max_steps, progress=echo)
    commands = checking.replay_commands(report, manifests, checks) if not report.ok else []
    if output == "json":
        click.echo(json.dumps({
            "examples": report.examples, "steps": report.steps, "invariants": report.invariants, "ok": report.ok,
            "broken": None if report.ok else {"invariant": report.broken.invariant,
                                              "revision": report.broken.revision,
                                              "message": report.broken.message},
            "replay": commands, "trace": report.trace}, indent=2))
    elif report.ok:
        n = len(report.invariants)
        click.echo(f"{report.examples} examples, {report.steps:,} steps, all {n} invariant{'s' * (n != 1)} held")
    else:
        b = report.broken
        click.echo(f"invariant {b.invariant} broke at revision {b.revision}: {b.message}")
        click.echo(f"shrunk to {len(report.failing)} step{'s' * (len(report.failing) != 1)}; replay it with:")
        for command in commands:
            click.echo(f"  {command}")
        if report.trace:
            names = list(report.trace[0]["replicaSets"])
            click.echo("rollout trace around the failure:")
            click.echo("  " + "  ".join(["REVISION", *names, "PODS", "AVAILABLE"]))
            for row in report.trace:
                click.echo("  " + "  ".join([str(row["revision"]).ljust(8),
                                             *(str(row["replicaSets"][x]).ljust(len(x)) for x in names),
                                             str(row["pods"]).ljust(4), str(row["available"])]))
    if not report.ok:
        raise SystemExit(1)
