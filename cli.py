"""The `litekube` command: the CLI lives in the package (engine/cli, installed as litekube.cli).

`python cli.py ARGS` runs it from a checkout once litekube is installed (`pip install -e .`).
"""
if __name__ == "__main__":
    import _signal  # a signal is noted from the first line on (the entry point acts on it)

    noted: list[int] = []
    for number in (_signal.SIGINT, _signal.SIGTERM):
        _signal.signal(number, lambda number, _frame: noted.append(number))
    from litekube.entry import main  # signals before the (slow) imports

    main(noted)
else:
    from litekube.cli import cli, main

    __all__ = ["cli", "main"]
