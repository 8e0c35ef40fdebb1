"""The `litekube` process entry point: signals first, then the CLI. This module does I/O.

Ctrl-C (SIGINT) and SIGTERM (a CI job's `timeout`) end the process with exit
128 + the signal's number and no traceback: while the CLI is still being
imported the signal is noted and acted on right after; during a command it
unwinds it, so the control-plane lock is released on the way out.
`litekube run` installs its own handlers.
"""
# First, before any module that takes time to import (`signal` itself imports enum, and even
# `from __future__ import annotations` imports a module): a signal that arrives from here on is
# noted, and acted on in main(). The C module is already loaded.
import _signal

_ARRIVED: list[int] = []


def _note(number: int, _frame) -> None:
    _ARRIVED.append(number)


for _number in (_signal.SIGINT, _signal.SIGTERM):
    _signal.signal(_number, _note)

import atexit  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

__all__ = ["main"]


def _exit(signum: int, _frame) -> None:
    raise SystemExit(128 + signum)


def _unraisable(hook) -> None:
    """sys.unraisablehook: a signal's SystemExit raised while Python ran a finalizer (a __del__, a
    weakref or garbage-collector callback) cannot end the process from there; Python would print
    "Exception ignored in ..." with a traceback and go on. The signal is raised again instead, so that
    its handler runs once the finalizer is over and the process ends as for any other signal. (Raised
    from here, the handler would run at once, inside this hook, and be ignored the same way; raised from
    another thread, it is run by the main thread at its next instruction out of this hook.)"""
    exc = hook.exc_value
    if isinstance(exc, SystemExit) and isinstance(exc.code, int) and exc.code > 128:
        threading.Timer(0.01, signal.raise_signal, (exc.code - 128,)).start()
        return
    sys.__unraisablehook__(hook)


def main(noted: list[int] | None = None) -> None:
    """`noted`: the signals a caller noted before this module was imported (cli.py run as a script)."""
    sys.unraisablehook = _unraisable
    # While Python imports, an exception raised by a signal handler can surface wrapped in
    # another (a RuntimeError from a class being built), with a traceback: so a signal that
    # arrives then is only noted, and acted on once the imports are done.
    from litekube.cli import main as cli_main  # signals meanwhile: noted by _note (taken on import)
    from litekube.cli import root

    root.KEPT = []  # _finish ends the process with os._exit: what a command read need not be freed

    # One command, then exit: the modules imported so far are never garbage, and the cyclic
    # collector need not walk the thousands of objects a listing decodes again and again. It
    # still runs, seldom, for a command that settles a large cluster.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    if _listing(sys.argv[1:]):
        # A listing that does not watch decodes thousands of objects and prints them, all plain
        # acyclic values that reference counting frees: the cyclic collector is not run at all.
        gc.disable()
    arrived = (noted or []) + _ARRIVED
    if arrived:
        sys.exit(128 + arrived[0])
    signal.signal(signal.SIGINT, _exit)
    signal.signal(signal.SIGTERM, _exit)
    try:
        cli_main()
    except SystemExit as exc:
        _finish(exc.code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # a signal's SystemExit that Python wrapped on its way out (a lazy import, __set_name__)
        code = _signal_exit(exc)
        if code is None:
            raise
        sys.exit(code)


def _listing(args: list[str]) -> bool:
    """Whether the command line is `get` without -w/--watch (options before the verb aside)."""
    verb = next((a for a in args if not a.startswith("-")), None)
    return verb == "get" and not any(a in ("-w", "--watch", "--watch-only") or a.startswith("--watch")
                                     for a in args)


def _finish(code: object) -> None:
    """End the process as Python would, without tearing down the heap object by object.

    A command that held a large cluster in memory (`scale` on 10,000 pods) would
    otherwise spend longer freeing it than doing its work. What an orderly exit does
    that matters is still done: other non-daemon threads are waited for, the exit
    functions (logging's flush among them) run, stdout and stderr are flushed. A
    signal's exit (over 128) takes the ordinary path.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    if status > 128:
        sys.exit(status)
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # `litekube get pods | head`; a closed stream
            status = status or 1
    os._exit(status)


def _signal_exit(exc: BaseException) -> int | None:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, SystemExit) and isinstance(cause.code, int) and cause.code > 128:
            return cause.code
        cause = cause.__cause__ or cause.__context__
    return None
