"""The installed `litekube` process ends quickly (without tearing down its heap) and exactly as an
orderly exit would: all output written, kubectl's exit codes, exit functions run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from litekube import cli as litekube

ENTRY = "import sys; from litekube.entry import main; sys.argv[0] = 'litekube'; main()"


def run(db, *args: str, code: str = ENTRY) -> subprocess.CompletedProcess:
    env = {**os.environ, "LITEKUBE_DB": str(db)}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.db"
    manifest = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i:03d}}}\ndata: {{k: v}}\n"
                       for i in range(300))
    result = CliRunner().invoke(litekube.cli, ["--db", str(path), "apply", "-f", "-"], input=manifest)
    assert result.exit_code == 0, result.output
    return path


def test_all_the_output_is_written(db):
    done = run(db, "get", "configmaps", "-o", "yaml")
    expected = CliRunner().invoke(litekube.cli, ["--db", str(db), "get", "configmaps", "-o", "yaml"]).stdout
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == expected
    assert done.stdout.count("name: cm-") == 300


@pytest.mark.parametrize(("args", "code", "stderr"), [
    (("get", "nosuch"), 1, 'error: the server doesn\'t have a resource type "nosuch"\n'),
    (("version", "--bogus"), 2, "Error: No such option '--bogus'.\n"),
    (("version", "--client"), 0, ""),
], ids=["engine error", "usage error", "success"])
def test_exit_codes(db, args, code, stderr):
    done = run(db, *args)
    assert done.returncode == code
    assert done.stderr.endswith(stderr)


def test_what_get_read_is_kept_to_the_end_of_the_process(db, tmp_path):
    """The process keeps `get`'s objects for os._exit to drop with the heap (root.KEPT); a CLI invoked
    inside another process (tests, CliRunner) keeps nothing."""
    marker = tmp_path / "kept"
    code = ("import atexit, sys, pathlib; from litekube import entry; from litekube.cli import root\n"
            f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text("
            "' '.join(str(len(g)) for r in root.KEPT for g in r.groups)))\n"
            "sys.argv[1:] = ['get', 'configmaps']\n"
            "entry.main()")
    done = run(db, code=code)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.count("cm-") == 300
    assert marker.read_text() == "301"  # the 300 ConfigMaps and kube-root-ca.crt, in one group
    from litekube.cli import root
    assert CliRunner().invoke(litekube.cli, ["--db", str(db), "get", "configmaps"]).exit_code == 0
    assert root.KEPT is None


def test_exit_functions_run_and_text_exits_print(db, tmp_path):
    """An atexit function (logging's flush, say) still runs; `sys.exit("text")` prints it and exits 1."""
    marker = tmp_path / "ran"
    code = ("import atexit, sys, pathlib; from litekube import entry; from litekube.cli import root\n"
            f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('yes'))\n"
            "root.main = lambda: sys.exit('stopped: why')\n"
            "import litekube.cli; litekube.cli.main = root.main\n"
            "entry.main()")
    done = run(db, code=code)
    assert (done.returncode, done.stderr) == (1, "stopped: why\n")
    assert marker.read_text() == "yes"


def test_a_signal_landing_in_a_finalizer_still_ends_the_process(db):
    """The SIGINT handler's SystemExit raised inside a __del__ (or a garbage-collector callback) is one
    Python can only report as "Exception ignored"; the process then goes on. The entry point raises the
    signal again from outside the finalizer: exit 130, nothing on stderr, the command never finishes."""
    code = ("import sys, time; from litekube import entry, cli\n"
            "class Finalized:\n"
            "    def __del__(self):\n"
            "        entry._exit(2, None)  # as if SIGINT arrived while this finalizer ran\n"
            "def command():\n"
            "    item = Finalized()\n"
            "    del item\n"
            "    time.sleep(30)\n"
            "    print('finished')\n"
            "cli.main = command\n"
            "entry.main()")
    done = run(db, code=code)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


@pytest.mark.parametrize("signum", [2, 15], ids=["SIGINT", "SIGTERM"])
def test_a_signal_as_soon_as_the_entry_point_is_imported_is_noted(db, signum):
    """From the entry module's first line on, a signal is noted and ends the process once the CLI is
    imported: 128 + the signal, no traceback (before, a SIGINT while it imported `signal` and the
    other modules it needs was Python's KeyboardInterrupt with a traceback)."""
    code = ("import signal; from litekube import entry\n"
            f"signal.raise_signal({signum})\n"
            "print('not yet')\n"
            "entry.main()")
    done = run(db, "version", "--client", code=code)
    assert (done.returncode, done.stdout, done.stderr) == (128 + signum, "not yet\n", "")


def test_a_signal_noted_by_the_script_before_the_entry_point_ends_the_process(db):
    """cli.py, run as a script, notes signals from its first line and hands them to the entry point."""
    code = "from litekube import entry; entry.main([2])"
    done = run(db, "version", "--client", code=code)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")
