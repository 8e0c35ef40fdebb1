"""Watches over the wire: framing, bookmarks, many at once from one poller, and a client that stops reading."""
from __future__ import annotations

import time

import pytest

from tests.serve.client import Raw, Stream
from tests.serve.servers import Served, wait_for

CM_PATH = "/api/v1/namespaces/default/configmaps"


def _cm(name: str, size: int = 10, labels: dict | None = None) -> dict:
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"k": "x" * size}}


def _names(stream: Stream, type_: str = "ADDED") -> list[str]:
    return [e["object"]["metadata"]["name"] for e in stream.events if e["type"] == type_]


def test_framing_and_timeout(served):
    client = Raw(served)
    rv = client.json("GET", CM_PATH)[1]["metadata"]["resourceVersion"]
    stream = Stream(served, f"resourceVersion={rv}&timeoutSeconds=2")
    client.json("POST", CM_PATH, _cm("framed"))
    assert stream.ended.wait(30), "timeoutSeconds=2 must end the stream"
    head = stream.head.decode().lower()
    assert head.startswith("http/1.1 200 ok") and "transfer-encoding: chunked" in head
    assert "content-type: application/json" in head
    assert [(e["type"], e["object"]["kind"], e["object"]["apiVersion"]) for e in stream.events] == \
        [("ADDED", "ConfigMap", "v1")]
    stream.close()


def test_bookmarks_only_when_allowed(served):
    client = Raw(served)
    rv = client.json("GET", CM_PATH)[1]["metadata"]["resourceVersion"]
    quiet = Stream(served, f"resourceVersion={rv}&timeoutSeconds=7")
    marked = Stream(served, f"resourceVersion={rv}&timeoutSeconds=7&allowWatchBookmarks=true")
    assert quiet.ended.wait(30) and marked.ended.wait(30)
    assert quiet.events == []
    assert [e["type"] for e in marked.events] == ["BOOKMARK"]
    assert marked.events[0]["object"]["kind"] == "ConfigMap"
    assert int(marked.events[0]["object"]["metadata"]["resourceVersion"]) >= int(rv)


def test_many_watches_get_every_event(served):
    client = Raw(served)
    rv = client.json("GET", CM_PATH)[1]["metadata"]["resourceVersion"]
    streams = [Stream(served, f"resourceVersion={rv}&labelSelector=suite%3Dmany") for _ in range(40)]
    names = [f"many-{i}" for i in range(60)]
    for name in names:
        client.json("POST", CM_PATH, _cm(name, labels={"suite": "many"}))
    try:
        for stream in streams:
            wait_for(lambda s=stream: len(s.events) >= len(names), timeout=60, what="every event")
            assert _names(stream) == names
    finally:
        for stream in streams:
            stream.close()


@pytest.fixture(scope="module")
def impatient(tmp_path_factory, cli_db):
    """A server that drops a watch 50 events behind, or one whose client blocks it 2 s."""
    server = Served(tmp_path_factory.mktemp("impatient"),
                    env={"LITEKUBE_SERVE_WATCH_QUEUE": "50", "LITEKUBE_SERVE_SEND_TIMEOUT": "2"})
    try:
        yield server
    finally:
        assert server.stop() == 0


def test_a_client_that_stops_reading_is_dropped(impatient):
    client = Raw(impatient)
    rv = client.json("GET", CM_PATH)[1]["metadata"]["resourceVersion"]
    slow = Stream(impatient, f"resourceVersion={rv}", rcvbuf=4096, read=False)
    fast = Stream(impatient, f"resourceVersion={rv}")
    names = [f"big-{i}" for i in range(120)]
    started = time.monotonic()
    for name in names:  # 120 x 60 KiB: far more than the slow client's socket buffers hold
        status, _ = client.json("POST", CM_PATH, _cm(name, size=60 * 1024))
        assert status == 201
    wait_for(lambda: len(fast.events) >= len(names), timeout=60, what="the fast watch's events")
    assert _names(fast) == names  # the stuck client did not hold the others back
    slow.start()  # now read what the server sent before it gave up on this client
    assert slow.ended.wait(60), "the server must end a watch whose client stopped reading"
    assert len(slow.events) < len(names)
    assert time.monotonic() - started < 60
    status, version = client.json("GET", "/version")
    assert status == 200 and impatient.alive()
    fast.close()
    slow.close()


def test_a_watch_converts_a_pods_spec_host_as_the_list_does():
    """`fieldSelector=spec.host=X` on a Pod watch selects by spec.nodeName, as the list does (no server)."""
    from types import SimpleNamespace

    from litekube.model import kinds
    from litekube.ui.kubeapi.watching import Watcher

    target = SimpleNamespace(kind=kinds.lookup("Pod"), namespace="default")
    watcher = Watcher(None, target, None, "spec.host=node-1", 10)  # type: ignore[arg-type]

    def change(node: str, type_: str = "MODIFIED"):
        body = {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"nodeName": node}}
        return SimpleNamespace(type=type_, body=body, namespace="default", name="p")

    assert watcher.event(change("node-2", "ADDED")) is None
    assert watcher.event(change("node-1")) == ("ADDED", change("node-1").body)
    assert watcher.event(change("node-2")) == ("DELETED", change("node-2").body)
