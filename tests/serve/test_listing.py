"""LIST and GET with upstream's resourceVersion, resourceVersionMatch, limit and continue semantics,
through the REST handlers on a real store (no HTTP): snapshot-consistent continuations, exact reads,
compaction boundaries and the validation errors kube-apiserver v1.32 gives."""
from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit, parse_qsl

import pytest

from litekube.api.server import Api
from litekube.store import Store
from litekube.ui.kubeapi import handlers, routes, statuses
from litekube.ui.kubeapi.statuses import HTTPError

CM = "/api/v1/namespaces/default/configmaps"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
INCONSISTENT = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list.")


@pytest.fixture
def api(tmp_path):
    store = Store(str(tmp_path / "list.db"), wall=lambda: 1_700_000_000.0)
    yield Api(store, node_count=0)
    store.close()


def call(api: Api, path: str, accept: str = "application/json") -> tuple[int, dict]:
    """(code, body) of a GET as the server answers it (errors as their Status)."""
    url = urlsplit(path)
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    target = routes.target(*routes.resolve(url.path))
    request = handlers.Request("GET", target, query, accept=accept)
    h = handlers.Handlers(api)
    try:
        handlers.selector_check(query, target.kind)
        return h.list(request) if target.name is None else h.get(request)
    except HTTPError as exc:
        return exc.code, statuses.from_error(exc)
    except Exception as exc:  # litekube's errors, as app.py turns them into a Status
        status = statuses.from_error(exc, target.kind, target.name or "")
        return status["code"], status


def make(api: Api, *names: str, namespace: str = "default", labels: dict | None = None) -> None:
    with api.write() as tx:
        for name in names:
            tx.create({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
                       "data": {"v": "1"}}, namespace=namespace)


def change(api: Api, name: str, value: str) -> None:
    with api.write() as tx:
        obj = tx.get("ConfigMap", "default", name)
        obj["data"] = {"v": value}
        tx.update(obj, namespace="default")


def token_of(body: dict) -> dict:
    text = body["metadata"]["continue"]
    assert "=" not in text  # base64url without padding, as storage.EncodeContinue
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def names(body: dict) -> list[str]:
    return [o["metadata"]["name"] for o in body["items"]]


class TestContinue:
    def test_pages_are_a_snapshot_of_the_first(self, api):
        make(api, "a", "b", "c", "d")
        code, first = call(api, f"{CM}?limit=2")
        rv = int(first["metadata"]["resourceVersion"])
        assert (code, names(first), first["metadata"]["remainingItemCount"]) == (200, ["a", "b"], 2)
        assert token_of(first) == {"v": "meta.k8s.io/v1", "rv": rv, "start": "b\x00"}
        change(api, "c", "2")  # modified after page one: shows as it was
        make(api, "bb", "e")  # created after page one: absent
        with api.write() as tx:
            tx.delete("ConfigMap", "default", "d")  # deleted after page one: still there
        code, rest = call(api, f"{CM}?limit=5&continue={first['metadata']['continue']}")
        assert (code, names(rest), rest["metadata"]["resourceVersion"]) == (200, ["c", "d"], str(rv))
        assert [o["data"] for o in rest["items"]] == [{"v": "1"}, {"v": "1"}]
        assert int(rest["items"][0]["metadata"]["resourceVersion"]) <= rv
        assert "continue" not in rest["metadata"] and "remainingItemCount" not in rest["metadata"]

    @pytest.mark.parametrize("limit, pages", [(1, [["a"], ["b"], ["c"]]), (3, [["a", "b", "c"]]),
                                              (2, [["a", "b"], ["c"]])], ids=["limit-1", "limit-equal", "limit-2"])
    def test_page_boundaries(self, api, limit, pages):
        make(api, "a", "b", "c")
        seen, url = [], f"{CM}?limit={limit}"
        while True:
            code, page = call(api, url)
            assert code == 200
            seen.append(names(page))
            if "continue" not in page["metadata"]:
                break
            assert page["metadata"]["remainingItemCount"] == 3 - sum(map(len, seen))
            url = f"{CM}?limit={limit}&continue={page['metadata']['continue']}"
        assert seen == pages

    def test_across_namespaces_the_start_key_has_the_namespace(self, api):
        with api.write() as tx:
            tx.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
        make(api, "a")
        make(api, "a", namespace="dev")  # (between default and kube-flannel, kube-system)
        code, first = call(api, "/api/v1/configmaps?limit=1")
        assert token_of(first)["start"] == "default/a\x00"
        code, rest = call(api, f"/api/v1/configmaps?limit=1&continue={first['metadata']['continue']}")
        assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in rest["items"]] == [("dev", "a")]

    def test_selectors_give_no_remaining_count(self, api):
        make(api, "a", "b", "c", labels={"t": "y"})
        code, first = call(api, f"{CM}?limit=1&labelSelector=t%3Dy")
        assert names(first) == ["a"] and "remainingItemCount" not in first["metadata"]
        assert "continue" in first["metadata"]

    def test_table_pages_carry_the_remaining_count(self, api):
        make(api, "a", "b", "c")
        code, table = call(api, f"{CM}?limit=1", accept=TABLE)
        assert (table["kind"], table["metadata"]["remainingItemCount"]) == ("Table", 2)
        assert token_of(table)["start"] == "a\x00"

    def test_compacted_first_revision_is_410_with_an_inconsistent_token(self, api):
        make(api, "a", "b", "c")
        code, first = call(api, f"{CM}?limit=1")
        rv = int(first["metadata"]["resourceVersion"])
        make(api, "z")
        with api.store.write() as writer:  # the compaction point passes the first page's revision
            writer._q("DELETE FROM changelog WHERE rev <= ?", (rv + 1,))
            writer._q("UPDATE compaction SET rev = ? WHERE id = 1", (rv + 1,))
        code, body = call(api, f"{CM}?limit=1&continue={first['metadata']['continue']}")
        assert (code, body["reason"], body["message"]) == (410, "Expired", INCONSISTENT)
        assert token_of(body) == {"v": "meta.k8s.io/v1", "rv": -1, "start": "a\x00"}
        code, rest = call(api, f"{CM}?continue={body['metadata']['continue']}")  # the latest, from "a" on
        assert (code, names(rest)) == (200, ["b", "c", "z"])
        assert rest["metadata"]["resourceVersion"] == str(api.store.revision())

    def test_at_the_compaction_point_the_list_is_still_served(self, api):
        make(api, "a", "b")
        code, first = call(api, f"{CM}?limit=1")
        rv = int(first["metadata"]["resourceVersion"])
        make(api, "c")
        with api.store.write() as writer:  # compacted exactly up to the first page's revision
            writer._q("DELETE FROM changelog WHERE rev <= ?", (rv,))
            writer._q("UPDATE compaction SET rev = ? WHERE id = 1", (rv,))
        code, rest = call(api, f"{CM}?continue={first['metadata']['continue']}")
        assert (code, names(rest)) == (200, ["b"])

    def test_a_version_compacted_and_overwritten_since_cannot_be_rebuilt(self, api):
        """litekube's changelog keeps each write's new body: an object last written at or before the
        compaction point and changed after the first page has no stored version to show (etcd keeps
        it), so the continuation is answered as a compacted one."""
        make(api, "a", "b")
        code, first = call(api, f"{CM}?limit=1")
        rv = int(first["metadata"]["resourceVersion"])
        with api.store.write() as writer:
            writer._q("DELETE FROM changelog WHERE rev <= ?", (rv,))
            writer._q("UPDATE compaction SET rev = ? WHERE id = 1", (rv,))
        change(api, "b", "2")
        code, body = call(api, f"{CM}?continue={first['metadata']['continue']}")
        assert (code, body["message"], token_of(body)["rv"]) == (410, INCONSISTENT, -1)

    @pytest.mark.parametrize("query, message", [
        ("continue=abc", "invalid continue token: continue key is not valid: illegal base64 data or JSON"),
        ("continue=" + base64.urlsafe_b64encode(b'{"v":"x","rv":1,"start":"a"}').decode(),
         'invalid continue token: continue key is not valid: server does not recognize this encoded version "x"'),
        ("continue=" + base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').decode(),
         "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion "
         "(version meta.k8s.io/v1)"),
        ("continue=" + base64.urlsafe_b64encode(b'{"v":"meta.k8s.io/v1","rv":1,"start":"../a"}').decode(),
         "invalid continue token: continue key is not valid: ../a"),
    ], ids=["not-base64", "version", "rv-zero", "traversal"])
    def test_bad_tokens(self, api, query, message):
        assert call(api, f"{CM}?{query}")[1]["message"] == message

    def test_resource_version_with_continue_is_400(self, api):
        make(api, "a", "b")
        first = call(api, f"{CM}?limit=1")[1]
        code, body = call(api, f"{CM}?limit=1&resourceVersion=5&continue={first['metadata']['continue']}")
        assert (code, body["message"]) == (400, "specifying resource version is not allowed when using continue")
        assert call(api, f"{CM}?resourceVersion=0&continue={first['metadata']['continue']}")[0] == 200


class TestResourceVersion:
    def test_exact_lists_the_past(self, api):
        make(api, "a")
        rv = api.store.revision()
        change(api, "a", "2")
        make(api, "b")
        code, body = call(api, f"{CM}?resourceVersion={rv}&resourceVersionMatch=Exact")
        assert (code, names(body), body["items"][0]["data"], body["metadata"]["resourceVersion"]) == \
            (200, ["a"], {"v": "1"}, str(rv))
        # a non-zero resourceVersion with a limit and no match is the legacy exact read
        code, body = call(api, f"{CM}?resourceVersion={rv}&limit=5")
        assert (names(body), body["metadata"]["resourceVersion"]) == (["a"], str(rv))

    @pytest.mark.parametrize("query", ["", "resourceVersion=0", "resourceVersionMatch=NotOlderThan&resourceVersion=2",
                                       "resourceVersion=2"])
    def test_other_reads_are_the_latest(self, api, query):
        make(api, "a")
        change(api, "a", "2")
        code, body = call(api, f"{CM}?{query}")
        assert (code, body["items"][0]["data"]) == (200, {"v": "2"})
        assert body["metadata"]["resourceVersion"] == str(api.store.revision())

    def test_exact_below_the_compaction_point_is_410(self, api):
        make(api, "a", "b")
        compacted = api.store.revision()
        with api.store.write() as writer:
            writer._q("DELETE FROM changelog WHERE rev <= ?", (compacted,))
            writer._q("UPDATE compaction SET rev = ? WHERE id = 1", (compacted,))
        code, body = call(api, f"{CM}?resourceVersion={compacted - 1}&resourceVersionMatch=Exact")
        assert (code, body["reason"], body["message"]) == (410, "Expired",
                                                           "The resourceVersion for the provided list is too old.")
        assert "continue" not in body["metadata"]
        assert call(api, f"{CM}?resourceVersion={compacted}&resourceVersionMatch=Exact")[0] == 200

    @pytest.mark.parametrize("path", [CM, "/api/v1/namespaces/default"], ids=["list", "get"])
    def test_too_large_is_504_after_waiting(self, api, path):
        head = api.store.revision()
        code, body = call(api, f"{path}?resourceVersion={head + 5}")
        assert (code, body["reason"], body["message"]) == (
            504, "Timeout", f"Timeout: Too large resource version: {head + 5}, current: {head}")
        assert body["details"] == {"causes": [{"reason": "ResourceVersionTooLarge",
                                               "message": "Too large resource version"}], "retryAfterSeconds": 1}

    def test_exact_in_the_future(self, api):
        head = api.store.revision()
        code, body = call(api, f"{CM}?resourceVersion={head + 1}&resourceVersionMatch=Exact")
        assert (code, body["message"], "reason" in body) == (
            500, "etcdserver: mvcc: required revision is a future revision", False)

    def test_get_accepts_resource_versions(self, api):
        make(api, "a")
        rv = api.store.revision()
        for value in ("", "0", str(rv)):
            code, body = call(api, f"{CM}/a?resourceVersion={value}")
            assert (code, body["metadata"]["name"]) == (200, "a")


class TestListOptionsValidation:
    @pytest.mark.parametrize("query, message", [
        ("resourceVersionMatch=Exact",
         "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"),
        ("resourceVersionMatch=Exact&resourceVersion=0",
         'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
        ("resourceVersionMatch=Newest&resourceVersion=1",
         'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'),
        ("resourceVersionMatch=NotOlderThan&resourceVersion=1&continue=x",
         "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided"),
        ("resourceVersionMatch=NotOlderThan",
         "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"),
    ], ids=["match-without-rv", "exact-zero", "unsupported", "with-continue", "not-older-without-rv"])
    def test_invalid(self, api, query, message):
        code, body = call(api, f"{CM}?{query}")
        assert (code, body["reason"], body["message"]) == (422, "Invalid",
                                                           f'ListOptions.meta.k8s.io "" is invalid: {message}')
        assert (body["details"]["group"], body["details"]["kind"]) == ("meta.k8s.io", "ListOptions")
        assert "name" not in body["details"]

    def test_several_causes_aggregate(self, api):
        code, body = call(api, f"{CM}?resourceVersionMatch=Bad&continue=x")
        assert body["message"] == (
            'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is '
            'forbidden unless resourceVersion is provided, resourceVersionMatch: Forbidden: resourceVersionMatch '
            'is forbidden when continue is provided, resourceVersionMatch: Unsupported value: "Bad": supported '
            'values: "Exact", "NotOlderThan", ""]')
        assert [c["reason"] for c in body["details"]["causes"]] == ["FieldValueForbidden", "FieldValueForbidden",
                                                                    "FieldValueNotSupported"]


class TestTableTypes:
    """Column types and cell types as upstream's printers declare and emit them (printers.go v1.32)."""

    def test_deployment_counts_are_integers_in_string_columns(self, api):
        with api.write() as tx:
            tx.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                       "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                                "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
        code, table = call(api, "/apis/apps/v1/namespaces/default/deployments", accept=TABLE)
        assert [(c["name"], c["type"], c["format"], c["priority"]) for c in table["columnDefinitions"]] == [
            ("Name", "string", "name", 0), ("Ready", "string", "", 0), ("Up-to-date", "string", "", 0),
            ("Available", "string", "", 0), ("Age", "string", "", 0), ("Containers", "string", "", 1),
            ("Images", "string", "", 1), ("Selector", "string", "", 1)]
        cells = table["rows"][0]["cells"]
        assert cells[:4] == ["web", "0/2", 0, 0] and isinstance(cells[4], str)

    def test_replica_set_columns_are_integer(self, api):
        from litekube.ui.kubeapi import tables
        assert [(c["name"], c["type"]) for c in tables.column_definitions("ReplicaSet")][:5] == [
            ("Name", "string"), ("Desired", "integer"), ("Current", "integer"), ("Ready", "integer"),
            ("Age", "string")]
        assert [(c["name"], c["type"]) for c in tables.column_definitions("CronJob")][3:5] == [
            ("Suspend", "boolean"), ("Active", "integer")]

    def test_pod_restarts_stay_a_string_and_a_finished_pod_has_a_row_condition(self, api):
        from datetime import datetime, timezone
        from litekube.ui.kubeapi import tables
        pod = {"kind": "Pod", "metadata": {"name": "p", "creationTimestamp": "2025-12-31T00:00:00Z"},
               "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Succeeded"}}
        row = tables.table("Pod", [pod], datetime(2026, 1, 1, tzinfo=timezone.utc))["rows"][0]
        assert row["cells"][:5] == ["p", "0/1", "Succeeded", "0", "24h"]
        assert row["conditions"] == [{"type": "Completed", "status": "True", "reason": "Succeeded",
                                      "message": "The pod has completed successfully."}]

    def test_configmap_data_and_default_table_dates(self, api):
        make(api, "a")
        code, table = call(api, f"{CM}/a", accept=TABLE)
        assert table["rows"][0]["cells"][:2] == ["a", 1]
        from litekube.ui.kubeapi import tables
        assert [(c["name"], c["type"]) for c in tables.column_definitions("NoPrinterKind")] == [
            ("Name", "string"), ("Created At", "date")]


class TestPageCost:
    """Each page of a paginated LIST reads its own rows (a keyset on the key), never the whole kind:
    a full listing of N objects in pages of L reads about N rows, not N²/L (counted, not timed)."""

    N, LIMIT = 300, 25

    def _pages(self, api, query: str = "", between=None) -> list[tuple[list[str], int, int | None]]:
        """(names, object rows the store decoded, remainingItemCount) of every page of a full listing."""
        from litekube.store import objects
        pages, url = [], f"{CM}?limit={self.LIMIT}{query}"
        while True:
            before = objects.READS["objects"]
            code, page = call(api, url)
            assert code == 200, page
            pages.append((names(page), objects.READS["objects"] - before, page["metadata"].get("remainingItemCount")))
            if "continue" not in page["metadata"]:
                return pages
            if between is not None:
                between(len(pages))
            url = f"{CM}?limit={self.LIMIT}{query}&continue={page['metadata']['continue']}"

    def test_a_page_reads_its_page(self, api):
        make(api, *(f"cm-{i:04d}" for i in range(self.N)))
        pages = self._pages(api)
        assert [n for p in pages for n in p[0]] == [f"cm-{i:04d}" for i in range(self.N)]
        assert [p[2] for p in pages] == [self.N - self.LIMIT * k for k in range(1, len(pages))] + [None]
        # limit + 1 rows (one to know that more follow): linear in the page, whatever the page's position.
        assert max(p[1] for p in pages) <= self.LIMIT + 1, [p[1] for p in pages]

    def test_a_past_page_reads_its_page_and_the_changes_since(self, api):
        make(api, *(f"cm-{i:04d}" for i in range(self.N)))

        def churn(page: int) -> None:  # after each page: one object changed, one created, one deleted
            change(api, f"cm-{page * 20:04d}", str(page))
            make(api, f"cm-{page * 20 + 5:04d}x")
            with api.write() as tx:
                tx.delete("ConfigMap", "default", f"cm-{page * 20 + 7:04d}")

        pages = self._pages(api, between=churn)
        # The listing is the first page's snapshot: every object as it was, none created since.
        assert [n for p in pages for n in p[0]] == [f"cm-{i:04d}" for i in range(self.N)]
        assert [p[2] for p in pages] == [self.N - self.LIMIT * k for k in range(1, len(pages))] + [None]
        # A continuation reads its limit + 1 rows, plus one per object the churn touched in its range
        # (each changed or deleted one is rebuilt from the changelog), never the rows before its start.
        churned = 3 * len(pages)
        assert max(p[1] for p in pages[1:]) <= 2 * (self.LIMIT + 1) + churned, [p[1] for p in pages]
        assert sum(p[1] for p in pages) <= 2 * self.N, [p[1] for p in pages]

    def test_a_selector_reads_up_to_its_page(self, api):
        make(api, *(f"cm-{i:04d}" for i in range(0, self.N, 2)), labels={"t": "y"})
        make(api, *(f"cm-{i:04d}" for i in range(1, self.N, 2)), labels={"t": "n"})
        pages = self._pages(api, "&labelSelector=t%3Dy")
        assert [n for p in pages for n in p[0]] == [f"cm-{i:04d}" for i in range(0, self.N, 2)]
        assert all(p[2] is None for p in pages)
        # The first page (the latest) narrows by the label in SQL: limit + 1 rows. A continuation reads
        # the past, where a label may have been another: the rows of its key range, matching or not.
        assert pages[0][1] == self.LIMIT + 1
        assert max(p[1] for p in pages[1:]) <= 2 * (self.LIMIT + 1), [p[1] for p in pages]
        assert sum(p[1] for p in pages) <= self.N + 2 * len(pages), [p[1] for p in pages]
