"""Benchmark: `litekube check` of the samples, 200 examples of up to 20 steps (issue 11): under 60 s.

Run: python -m tests.perf.bench_check [--examples 200] [--max-steps 20] [--seed 1]

Prints the wall time, examples, steps and steps/s; exits 1 over the 60 s budget.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from litekube import checking

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    checks = checking.load_checks(str(ROOT / "samples" / "checks" / "web.yaml"))
    started = time.perf_counter()
    report = checking.run(str(ROOT / "samples"), checks, examples=args.examples, seed=args.seed,
                          max_steps=args.max_steps, database=None)
    elapsed = time.perf_counter() - started
    print(f"check of the samples: {report.examples} examples, {report.steps:,} steps, "
          f"{'held' if report.ok else 'BROKEN: ' + report.broken.message} in {elapsed:.1f} s "
          f"({report.steps / elapsed:,.0f} steps/s; budget {BUDGET:.0f} s)")
    sys.exit(0 if report.ok and elapsed < BUDGET else 1)


if __name__ == "__main__":
    main()
