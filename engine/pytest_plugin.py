"""The pytest plugin (entry point `pytest11`): a fresh, isolated, deterministic `cluster` fixture.

This module does I/O (database files). Installed with litekube, it is active
in every pytest run:

    def test_scale(cluster):
        cluster.apply("k8s/")
        cluster.scale("deployment/web", 5)
        assert cluster.get("deployment/web")["status"]["availableReplicas"] == 5

Each test gets a copy of a cluster built once per session (3 nodes of 4 CPU
and 16Gi, the wall clock fixed: the same test gives the same objects, names
and revisions every run). `--litekube-keep` keeps the database of a failing
test and prints the command to inspect it. Nothing here is imported until a
test asks for the fixture.
"""
from __future__ import annotations

import pytest

__all__ = ["cluster", "litekube_template"]


def pytest_addoption(parser) -> None:
    group = parser.getgroup("litekube")
    group.addoption("--litekube-keep", action="store_true", default=False,
                    help="keep the litekube database of a failing test and print how to inspect it")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        item.stash.setdefault(_FAILED, set()).add(report.when)


_FAILED = pytest.StashKey[set]()


@pytest.fixture(scope="session")
def litekube_template(tmp_path_factory) -> str:
    """A database holding a new, settled cluster: what every `cluster` starts as."""
    from litekube.client import Cluster

    path = tmp_path_factory.mktemp("litekube") / "template.db"
    Cluster(path, deterministic=True).close()
    return str(path)


@pytest.fixture
def cluster(request, litekube_template):
    """A fresh litekube.Cluster in a temporary database, removed after the test (unless kept)."""
    from litekube.client import Cluster

    c = Cluster(template=litekube_template, deterministic=True)
    try:
        yield c
    finally:
        failed = bool(request.node.stash.get(_FAILED, set()) & {"setup", "call"})
        if failed and request.config.getoption("--litekube-keep"):
            path = c.keep()
            c.close()
            reporter = request.config.pluginmanager.get_plugin("terminalreporter")
            message = (f"\nlitekube: kept the database of {request.node.nodeid}: {path}\n"
                       f"  inspect it with: litekube --db {path} get all -A\n"
                       f"                   litekube --db {path} changes\n")
            if reporter is not None:
                reporter.write_line(message)
            else:
                print(message)
        else:
            c.close()
