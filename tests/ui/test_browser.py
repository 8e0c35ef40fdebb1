"""The page in a real headless Chromium (Debian's), driven by Playwright: it shows the cluster and replays it.

Skipped only outside CI when Chromium or Playwright is missing; `.ci/run`
installs both. Playwright never downloads a browser here: it launches
/usr/bin/chromium. Screenshots are checked for what they hold (the
colours of ready pods and of the failed node), not compared pixel by
pixel.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Litekube
from tests.ui import pngs
from tests.ui.servers import Server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.environ.get("CI"):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")

from playwright.sync_api import sync_playwright  # noqa: E402


def hexcolour(text: str) -> tuple[int, int, int]:
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@pytest.fixture
def page(cluster_db, tmp_path):
    server = Server(cluster_db)
    errors: list[str] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                       headless=True, args=ARGS,
                                                       viewport={"width": 1280, "height": 900})
        try:
            tab = context.new_page()
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.set_default_timeout(15_000)
            tab.goto(server.url)
            yield tab, server, errors
        finally:
            context.close()
            server.stop()


def shown(tab) -> dict:
    """What the page draws now: node states, each demo pod's node, state and template hash, demo's ReplicaSets."""
    return tab.evaluate("""() => ({
        revision: Number(document.body.dataset.revision),
        nodes: Object.fromEntries([...document.querySelectorAll('[data-node]')].map(
            n => [n.dataset.node, n.dataset.ready])),
        pods: [...document.querySelectorAll('#cluster [data-pod^="demo/"]')].map(
            p => [p.dataset.pod, p.closest('[data-node]') ? p.closest('[data-node]').dataset.node : '',
                  p.dataset.state, p.dataset.hash]),
        replicasets: [...document.querySelectorAll('#workloads [data-object^="ReplicaSet/demo/"]')].map(
            r => r.dataset.object),
    })""")


def slide_to(tab, index: int, revision: int) -> dict:
    tab.eval_on_selector("#slider", "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", str(index))
    tab.wait_for_selector(f"body[data-revision='{revision}']")
    return shown(tab)


def screenshot_colours(tab, selector: str, path: Path):
    tab.locator(selector).screenshot(path=str(path))
    return pngs.colours(path.read_bytes())


def test_the_page_shows_the_cluster_and_replays_the_rollout_and_the_node_failure(page, tmp_path, cluster_db):
    tab, _, errors = page
    tab.wait_for_selector("[data-pod]")
    steps = tab.evaluate("fetch('/api/steps').then(r => r.json())")
    revisions = [steps["start"]] + [s[0] for s in steps["steps"]]
    tab.wait_for_selector(f"body[data-revision='{revisions[-1]}']")

    # Live, at the head: node-1's kubelet is down, its pods evicted; three new pods run elsewhere.
    now = shown(tab)
    assert now["nodes"] == {"node-1": "Unknown", "node-2": "True", "node-3": "True"}
    assert "kubelet down" in tab.inner_text("[data-node='node-1']")
    ready = [p for p in now["pods"] if p[2] == "ready"]
    assert len(ready) == 3 and all(p[1] != "node-1" for p in ready) and len({p[3] for p in ready}) == 1
    new_hash = ready[0][3]
    assert tab.inner_text("#live") == "live"
    live = screenshot_colours(tab, "#cluster", tmp_path / "live.png")
    assert len(live) > 50  # not blank
    assert live[hexcolour("#2f9e44")] > 500  # ready pods are drawn green
    assert live[hexcolour("#ece4f6")] > 500  # the lost node's box

    # Back to just before the rollout: the first ReplicaSet's three ready pods, every node Ready.
    created = [s[0] for s in steps["steps"] if s[2:5] == ["ADDED", "ReplicaSet", "demo"]]  # web's, not CoreDNS's
    before = revisions.index(created[1]) - 1
    old = slide_to(tab, before, revisions[before])
    assert old["nodes"] == {"node-1": "True", "node-2": "True", "node-3": "True"}
    assert len(old["pods"]) == 3 and all(p[2] == "ready" for p in old["pods"])
    old_hash = old["pods"][0][3]
    assert old_hash != new_hash and {p[3] for p in old["pods"]} == {old_hash}
    assert tab.inner_text("#live") == "replay"
    assert len(old["replicasets"]) == 1

    # Through the rollout, one step at a time: old and new pods side by side, two ReplicaSets in the tree.
    mixed = None
    for index in range(before + 1, len(revisions)):
        frame = slide_to(tab, index, revisions[index])
        if {p[3] for p in frame["pods"]} == {old_hash, new_hash}:
            mixed = frame
            break
    assert mixed is not None and len(mixed["replicasets"]) == 2
    middle = screenshot_colours(tab, "#cluster", tmp_path / "middle.png")
    assert len(middle) > 50 and middle != live

    # The step buttons and the keyboard move the slider too.
    tab.click("#back")
    tab.wait_for_selector(f"body[data-revision='{revisions[index - 1]}']")
    tab.focus("#slider")
    tab.keyboard.press("Home")
    tab.wait_for_selector(f"body[data-revision='{revisions[0]}']")
    assert shown(tab)["pods"] == []  # before anything was applied
    tab.click("#last")
    tab.wait_for_selector(f"body[data-revision='{revisions[-1]}']")
    assert tab.inner_text("#live") == "live"

    # The namespace filter: kube-system shows CoreDNS's pods, none of the samples'.
    tab.select_option("#namespace", "kube-system")
    tab.wait_for_selector("body[data-namespace='kube-system']")
    assert shown(tab)["pods"] == [] and shown(tab)["nodes"]["node-1"] == "Unknown"
    tab.select_option("#namespace", "demo")
    tab.wait_for_selector("body[data-namespace='demo']")
    assert len(shown(tab)["pods"]) == len(now["pods"])

    # Live: a change made now, from another command, appears without reloading.
    assert Litekube(cluster_db)("scale", "deployment/web", "--replicas", "4", "-n", "demo").exit_code == 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if sum(p[2] == "ready" for p in shown(tab)["pods"]) == 4:
            break
        tab.wait_for_timeout(250)
    assert sum(p[2] == "ready" for p in shown(tab)["pods"]) == 4
    assert errors == []
