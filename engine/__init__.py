"""litekube: a Kubernetes control plane in one SQLite file.

The Python API is imported on first use (`litekube.Cluster`), so that the
command line's start-up does not pay for it:

    import litekube
    with litekube.Cluster() as c:
        c.apply("samples/")
"""
# (no `from __future__ import annotations`: it imports a module, and the command line's entry point
# comes through here before it can take SIGINT)
__all__ = ["Cluster", "errors", "strategies", "invariants"]


def __getattr__(name: str):
    if name == "Cluster":
        from litekube.client import Cluster

        return Cluster
    if name in ("errors", "strategies", "invariants", "client"):
        import importlib

        return importlib.import_module(f"litekube.{name}")
    raise AttributeError(f"module 'litekube' has no attribute {name!r}")
