"""The `litekube` command: the CLI lives in the package (engine/cli, installed as litekube.cli).

`python cli.py ARGS` runs it from a checkout once litekube is installed (`pip install -e .`).
"""
from litekube.cli import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()
