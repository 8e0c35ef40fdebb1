"""Every command's --help has an Examples section, and no description is cut in a command list."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from litekube import cli as litekube
from tests.cli.test_docs import commands

ALL = commands(litekube.cli)


@pytest.mark.parametrize("path,command", ALL, ids=[p for p, _ in ALL])
def test_help_has_examples(path, command):
    result = CliRunner().invoke(litekube.cli, [*path.split(), "--help"])
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:\n", 1)
    assert len(examples) == 2, f"litekube {path} --help has no Examples section"
    assert "  litekube " in examples[1] or "| litekube " in examples[1]


@pytest.mark.parametrize("group", [litekube.cli] + [c for _, c in ALL if isinstance(c, click.Group)],
                         ids=["litekube"] + [p for p, c in ALL if isinstance(c, click.Group)])
def test_command_lists_are_never_cut(group):
    for name, command in group.commands.items():
        short = command.get_short_help_str(limit=45)
        assert not short.endswith("..."), f"{name}: {short}"
        assert short == " ".join(short.split()) and short[-1] in ".)", f"{name}: {short!r}"
