"""The `litekube` command: the CLI lives in the package (engine/cli, installed as litekube.cli).

`python cli.py ARGS` runs it from a checkout once litekube is installed (`pip install -e .`).
"""
if __name__ == "__main__":
    from litekube.entry import main  # signals before the (slow) imports

    main()
else:
    from litekube.cli import cli, main

    __all__ = ["cli", "main"]
