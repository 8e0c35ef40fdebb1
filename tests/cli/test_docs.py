"""Every command has help text and a README entry; the README's quick start is what CI runs."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from litekube import cli as litekube

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
litekube.load_all()


def test_the_lazy_command_map_names_every_command_in_its_module():
    for name, command in litekube.cli.commands.items():
        module = litekube.cli.COMMANDS.get(name)
        assert module is not None, f"litekube {name} is missing from litekube.cli.COMMANDS"
        assert command.callback.__module__ == f"litekube.cli.{module}", name
    assert set(litekube.cli.COMMANDS) == set(litekube.cli.commands)
    for name, group in litekube.cli.commands.items():
        for sub in getattr(group, "commands", {}).values():
            module = sub.callback.__module__.split(".")[-1]
            assert module == litekube.cli.COMMANDS[name] or module in litekube.cli.EXTENDS.get(name, ()), \
                f"litekube {name} {sub.name} comes from {module}: add it to litekube.cli EXTENDS"


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, path + " "))
    return found


@pytest.mark.parametrize("path,command", commands(litekube.cli), ids=[p for p, _ in commands(litekube.cli)])
def test_every_command_has_help_and_a_readme_entry(path, command):
    assert (command.help or "").strip(), f"litekube {path} has no help text"
    if not isinstance(command, click.Group):
        words = path.split()
        assert any(f"litekube {path}" in line or (words[-1] in line and f"litekube {' '.join(words[:-1])}" in line)
                   for line in README.splitlines() if line.startswith("| `litekube")), \
            f"litekube {path} is missing from the README's command reference"


def test_the_quick_start_has_exactly_two_commands():
    quick = README.split("## Quick start")[1].split("\n## ")[0]
    blocks = [b for b in quick.split("```")[1::2]]
    assert [b.strip() for b in blocks] == [
        "pip install . && litekube apply -f samples/ && litekube get all -n demo",
        "pip install '.[test]' && python -m pytest",
    ]


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert 'python3 -m pip install --quiet ".[test]"' in script and "python3 -m pytest" in script
