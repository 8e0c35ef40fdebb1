"""The `litekube` process entry point: signals first, then the CLI. This module does I/O.

Ctrl-C (SIGINT) and SIGTERM (a CI job's `timeout`) end the process with exit
128 + the signal's number and no traceback: while the CLI is still being
imported the signal is noted and acted on right after; during a command it
unwinds it, so the control-plane lock is released on the way out.
`litekube run` installs its own handlers.
"""
from __future__ import annotations

import gc
import signal
import sys

__all__ = ["main"]


def _exit(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    # While Python imports, an exception raised by a signal handler can surface wrapped in
    # another (a RuntimeError from a class being built), with a traceback: so a signal that
    # arrives then is only noted, and acted on once the imports are done.
    arrived: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _frame: arrived.append(number))
    from litekube.cli import main as cli_main

    # One command, then exit: the modules imported so far are never garbage, and the cyclic
    # collector need not walk the thousands of objects a listing decodes again and again. It
    # still runs, seldom, for a command that settles a large cluster.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    if arrived:
        sys.exit(128 + arrived[0])
    signal.signal(signal.SIGINT, _exit)
    signal.signal(signal.SIGTERM, _exit)
    try:
        cli_main()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # a signal's SystemExit that Python wrapped on its way out (a lazy import, __set_name__)
        code = _signal_exit(exc)
        if code is None:
            raise
        sys.exit(code)


def _signal_exit(exc: BaseException) -> int | None:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, SystemExit) and isinstance(cause.code, int) and cause.code > 128:
            return cause.code
        cause = cause.__cause__ or cause.__context__
    return None
