"""The `litekube` process entry point: signals first, then the CLI. This module does I/O.

Ctrl-C (SIGINT) and SIGTERM (a CI job's `timeout`) end the process with exit
128 + the signal's number and no traceback, even while the CLI is still
being imported; during a command they unwind it, so the control-plane lock
is released on the way out. `litekube run` installs its own handlers.
"""
from __future__ import annotations

import signal
import sys

__all__ = ["main"]


def _exit(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGINT, _exit)
    signal.signal(signal.SIGTERM, _exit)
    try:
        from litekube.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        sys.exit(130)
