"""explain renders an OpenAPI v3 document exactly as kubectl v1.32 does; the documents are well formed."""
from __future__ import annotations

import json

import pytest

from litekube.model import explaining, kinds, openapi
from litekube.model.schemas import KIND_SCHEMAS
from tests.kubectl.record import FIXTURES
from tests.model.explain_cases import CASES

APPS = json.loads((FIXTURES / "openapi_apps_v1.json").read_text())


def render(command: str) -> tuple[int, str, str]:
    """What `litekube explain` prints for `command` over the recorded document (as the CLI does)."""
    args = command.split()[1:]
    target = next(a for a in args if not a.startswith("--"))
    resource, *fields = target.split(".")
    try:
        return 0, explaining.explain(APPS, kinds.resolve(resource)[0], fields, "--recursive" in args), ""
    except explaining.ExplainError as exc:
        return 1, exc.partial, f"error: {exc}\n"


@pytest.mark.parametrize("command,code,stdout,stderr", CASES, ids=[c[0] for c in CASES])
def test_same_output_as_kubectl(command, code, stdout, stderr):
    assert render(command) == (code, stdout, stderr)


class TestWrap:
    @pytest.mark.parametrize("text,limit,expected", [
        ("aaa bbb ccc", 7, "aaa bbb\nccc"),
        ("aaa bbb ccc", 8, "aaa bbb\nccc"),
        ("aaa bbb", 6, "aaa\nbbb"),
        ("aaaaaaaaaa bb", 4, "aaaaaaaaaa\nbb"),   # a word longer than the limit stays whole
        ("a\n\nb", 5, "a\n\nb"),
        ("x  ", 2, "x  "[:1]),
    ])
    def test_go_wordwrap(self, text, limit, expected):
        assert explaining.wrap(text, limit) == expected


class TestDocuments:
    def test_every_kind_has_its_gvk_and_paths(self):
        for group, version in openapi.group_versions():
            doc = openapi.document(group, version)
            refs = json.dumps(doc)
            for kind in kinds.KINDS:
                if (kind.group, kind.version) != (group, version) or kind.kind not in KIND_SCHEMAS:
                    continue
                gvk = {"group": group, "kind": kind.kind, "version": version}
                assert any(gvk in (s.get("x-kubernetes-group-version-kind") or [])
                           for s in doc["components"]["schemas"].values()), kind.kind
            # every $ref points at a schema of the same document
            for ref in {part.split('"')[0] for part in refs.split('"$ref": "#/components/schemas/')[1:]}:
                assert ref in doc["components"]["schemas"], ref

    def test_the_index_lists_every_group_version(self):
        paths = openapi.index()["paths"]
        assert "api/v1" in paths and "apis/apps/v1" in paths
        assert paths["apis/apps/v1"]["serverRelativeURL"].startswith("/openapi/v3/apis/apps/v1?hash=")

    def test_fixture_is_still_what_litekube_serves(self):
        # the explain cases were recorded over this snapshot; regenerate both when a schema changes
        current = openapi.document("apps", "v1")
        assert set(current["components"]["schemas"]) >= set(APPS["components"]["schemas"])
