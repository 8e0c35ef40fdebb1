"""The command group and what every command shares: the database, errors, common flags.

Commands parse their flags, call the engine and render what it returns;
engine errors become kubectl's messages and exit codes here, and only here.
"""
from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

import click

from litekube import errors
from litekube.model import durations, kinds, printing

if TYPE_CHECKING:  # imported on first use: a command pays only for what it needs (start-up time)
    from litekube.api.server import Api

__all__ = ["main", "cli", "Context", "pass_context", "handle_errors", "namespace_options", "output_options",
           "file_options", "dry_run_option", "duration_seconds", "quantity_option", "iso", "one", "targets"]

VERSION = "0.1.0"
SERVER_VERSION = "v1.32.0-litekube"

# What a command read, kept to the end of a one-shot process: entry.main, which ends the process
# with os._exit, sets a list here, and `get` leaves its objects in it, so that the heap drops them
# at exit instead of freeing them one by one (0.035 s for a 10,000-pod table at load 9). None
# elsewhere (tests invoking the CLI in one process): nothing is kept.
KEPT: list | None = None


# kubectl's field manager for each command that writes (its --field-manager default); a command
# without one writes as `kubectl`, the manager the apiserver takes from kubectl's user agent.
FIELD_MANAGERS = {
    "create": "kubectl-create", "replace": "kubectl-replace", "edit": "kubectl-edit", "patch": "kubectl-patch",
    "label": "kubectl-label", "annotate": "kubectl-annotate", "set": "kubectl-set", "expose": "kubectl-expose",
    "autoscale": "kubectl-autoscale", "taint": "kubectl-taint", "run": "kubectl-run",
    "rollout restart": "kubectl-rollout", "rollout pause": "kubectl-rollout", "rollout resume": "kubectl-rollout",
    "apply": "kubectl-client-side-apply",
}


def field_manager(click_ctx: click.Context | None) -> str:
    """The field manager of the command being run (`rollout restart` -> kubectl-rollout)."""
    words = click_ctx.command_path.split()[1:] if click_ctx is not None else []
    for size in (2, 1):
        found = FIELD_MANAGERS.get(" ".join(words[:size])) if len(words) >= size else None
        if found:
            return found
    return "kubectl"


class Context:
    """What every command shares: the database, opened on first use."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._api: Api | None = None

    @property
    def api(self) -> "Api":
        if self._api is None:
            from litekube.api.server import Api
            from litekube.store import Store

            self._api = Api(Store(self.db))
            self._api.manager = field_manager(click.get_current_context(silent=True))
            if self._api.created:  # a new cluster: let its nodes register before anything else
                self.settle()
        return self._api

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.api.store.now(), tz=timezone.utc)

    def close(self) -> None:
        """At the end of the command: the database's connections go (a process running many
        commands, such as a test suite or the Python API, does not pile up descriptors)."""
        if self._api is not None:
            self._api.store.close()

    def settle(self) -> None:
        """After a write: run the embedded control plane until the cluster settles.

        With a `litekube run` leading, the write is all there is to do, as
        against a real cluster; a leader that stopped renewing its Lease gets
        one warning line, since nothing will reconcile until it comes back.
        """
        from litekube.runtime import embedded

        report = embedded.settle(self.api)
        if report is None:
            status = embedded.leader_status(self.api)
            if status is not None and status.stale:
                click.echo(f"warning: the control plane leader {status.holder} has not renewed its lease for "
                           f"{status.renewed_ago:.0f}s: the change is stored and will be reconciled when a "
                           "control plane runs", err=True)
        elif not report.settled:
            click.echo(report.message(), err=True)


pass_context = click.make_pass_decorator(Context)


def _fail(error: errors.LitekubeError) -> None:
    click.echo(error.render(), err=True)
    sys.exit(1)


def handle_errors(fn):
    """Turn engine errors into kubectl's one-line message and exit code 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except errors.LitekubeError as exc:
            _fail(exc)
    return wrapper


def namespace_options(fn):
    fn = click.option("-n", "--namespace", default=None, help="The namespace (default: default).")(fn)
    return fn


def output_options(fn):
    """The output flags every listing command shares."""
    fn = click.option("-o", "--output", type=click.Choice(printing.FORMATS), default="table",
                      help="Output format: table, wide, yaml, json or name.")(fn)
    fn = click.option("--no-headers", is_flag=True, help="Print tables without the header row.")(fn)
    fn = click.option("--show-labels", is_flag=True, help="Add a LABELS column.")(fn)
    return fn


def file_options(fn):
    fn = click.option("-f", "--filename", "filenames", multiple=True, required=True,
                      help="A manifest file, a directory of them, or - for stdin.")(fn)
    fn = click.option("-R", "--recursive", is_flag=True, help="Read directories recursively.")(fn)
    return fn


def dry_run_option(fn):
    return click.option("--dry-run", type=click.Choice(["none", "client", "server"]), default="none",
                        help="client: only print; server: check everything, write nothing.")(fn)


class LazyGroup(click.Group):
    """A group whose commands are imported on first use: `COMMANDS` maps a command name to the
    module of `litekube.cli` that registers it. A name missing from the map imports every area."""

    COMMANDS: dict[str, str] = {}
    MODULES: list[str] = []
    # Modules that add subcommands to another module's group (`set load`, `create job`).
    EXTENDS: dict[str, list[str]] = {}
    # Called after a load: decorates the commands loaded so far (help text, completion).
    AFTER_LOAD: Callable[[], None] | None = None

    def _load(self, module: str) -> None:
        importlib.import_module(f"litekube.cli.{module}")
        if self.AFTER_LOAD is not None:
            self.AFTER_LOAD()

    def load_all(self) -> None:
        for module in self.MODULES:
            self._load(module)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            module = self.COMMANDS.get(name)
            if module is not None:
                self._load(module)
            else:
                self.load_all()
        for extra in self.EXTENDS.get(name, ()):  # also when another command's module registered the group
            if f"litekube.cli.{extra}" not in sys.modules:
                self._load(extra)
        return self.commands.get(name)


def _environment() -> None:
    """Every LITEKUBE_* variable the engine reads, checked before any command runs.

    An invalid one is a usage error: one line, exit 2.
    """
    from litekube.runtime import settings
    from litekube.store import history

    checks = (history.history_from_env, settings.settle_budget)
    for check in checks:
        try:
            check()
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="LITEKUBE_DB", default="litekube.db", show_default=True,
              help="The database file (or an SQLAlchemy URL); also LITEKUBE_DB.")
@click.version_option(VERSION, prog_name="litekube")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """litekube: a Kubernetes control plane in one SQLite file, driven like kubectl."""
    if not db.strip():
        click.echo("error: --db (LITEKUBE_DB) must name a database file", err=True)
        sys.exit(2)
    if "\0" in db:
        click.echo("error: --db (LITEKUBE_DB) must not contain a NUL character", err=True)
        sys.exit(2)
    _environment()
    ctx.obj = Context(db)
    ctx.call_on_close(ctx.obj.close)
    if sys.stderr.isatty():  # a settle longer than a second shows its progress there
        from litekube.runtime import progress

        progress.HOOK = progress.Terminal(sys.stderr).report




def quantity_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Click callback: the option must be a Kubernetes quantity (`4`, `500m`, `16Gi`)."""
    from litekube.model import quantities

    if value is None:
        return value
    try:
        quantities.parse(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a quantity (e.g. 4, 500m, 16Gi)") from None
    return value


def duration_seconds(text: str, param_hint: str = "--request-timeout") -> float:
    """Seconds from `30`, `1.5` or a Go duration (`1h30m`); a usage error for anything else.

    Negative, infinite and NaN values are refused: none of them is a length of time.
    """
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = durations.parse_duration(text)
        except ValueError:
            raise click.BadParameter(f"invalid duration {text!r}", param_hint=param_hint) from None
    if not 0 <= seconds < 1e12:
        raise click.BadParameter(f"invalid duration {text!r}: want a length of time from 0 up",
                                 param_hint=param_hint)
    return seconds



def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")



def one(args: tuple[str, ...]) -> tuple[kinds.Kind, str]:
    from litekube.api import reading

    targets = reading.parse_targets(list(args))
    if len(targets) != 1 or targets[0][1] is None:
        raise click.UsageError("expected one resource: TYPE/NAME or TYPE NAME")
    return targets[0][0], targets[0][1]


def targets(args: tuple[str, ...]) -> list[tuple[kinds.Kind, str]]:
    from litekube.api import reading

    targets = reading.parse_targets(list(args))
    if any(name is None for _, name in targets):
        raise click.UsageError("resource(s) were provided, but no name was specified")
    return targets  # type: ignore[return-value]




def _terminate(signum: int, _frame) -> None:
    # SIGTERM (a CI job's `timeout`) ends the command as Ctrl-C does: cleanly,
    # releasing the control-plane lock on the way out; exit 128 + 15.
    raise SystemExit(128 + signum)


def main() -> None:
    """The CLI; `litekube.entry.main` (the installed command) sets up signals before importing it."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        cli(prog_name="litekube")
    except KeyboardInterrupt:  # outside Click's own handling (before or after the command)
        sys.exit(130)
    except BrokenPipeError:  # `litekube get pods | head`
        os._exit(1)

