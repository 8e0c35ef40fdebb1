"""The ownership tree as kubectl-tree prints it: order, branches, READY/REASON, colours, widths."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model.pictures import trees
from litekube.reconcile.views import MemoryView
from tests.model import pictures_fixtures as fx

NOW = datetime(2026, 1, 1, 0, 2, 5, tzinfo=timezone.utc)


def chain():
    web = fx.deployment()
    old, new = fx.replicaset(web, "aaaa", 1), fx.replicaset(web, "bbbb", 2)
    pods = [fx.pod("web-aaaa-1", owner=old), fx.pod("web-bbbb-2", owner=new, ready=False),
            fx.pod("web-bbbb-1", owner=new)]
    return web, MemoryView([web, old, new, *pods])


class TestRows:
    def test_children_sorted_by_kind_then_name_and_branches_drawn_as_kubectl_tree(self):
        web, view = chain()
        assert trees.render(trees.rows(web, view, NOW)) == (
            "NAMESPACE  NAME                   READY  REASON  AGE\n"
            "demo       Deployment/web         -              2m5s\n"
            "demo       ├─ReplicaSet/web-aaaa  -              2m5s\n"
            "demo       │ └─Pod/web-aaaa-1     True           2m5s\n"
            "demo       └─ReplicaSet/web-bbbb  -              2m5s\n"
            "demo         ├─Pod/web-bbbb-1     True           2m5s\n"
            "demo         └─Pod/web-bbbb-2     False          2m5s\n")

    def test_ties_on_kind_and_name_sort_by_namespace(self):
        owner = {"apiVersion": "v1", "kind": "Node", "metadata": fx.meta("n1", None)}
        a = {"apiVersion": "v1", "kind": "Lease", "metadata": fx.meta("n1", "zeta", uid="u1", owner=owner)}
        b = {"apiVersion": "v1", "kind": "Lease", "metadata": fx.meta("n1", "alpha", uid="u2", owner=owner)}
        c = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("z", "zeta", uid="u3", owner=owner)}
        rows = trees.rows(owner, MemoryView([owner, a, b, c]), NOW)
        assert [(r.kind, r.namespace) for r in rows] == [("Node", ""), ("ConfigMap", "zeta"), ("Lease", "alpha"),
                                                         ("Lease", "zeta")]

    def test_an_ownership_cycle_is_printed_once_not_followed_forever(self):
        a = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("a")}
        b = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("b", owner=a)}
        a["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": "b", "uid": "uid-b"}]
        rows = trees.rows(a, MemoryView([a, b]), NOW)
        assert [(r.branch, r.name) for r in rows] == [("", "a"), ("└─", "b"), ("  └─", "a")]

    def test_nothing_owned(self):
        web = fx.deployment()
        assert not trees.owns_anything(web, MemoryView([web]))
        assert trees.NOTHING_OWNED == "No resources are owned by this object through ownerReferences."


class TestStatus:
    @pytest.mark.parametrize("conditions,expected", [
        ([{"type": "Ready", "status": "True", "reason": "AllGood"}], ("True", "AllGood")),
        ([{"type": "Processed", "status": "True"}], ("", "")),  # only Ready counts
        ([{"type": "Scheduled", "status": "True"}, {"type": "Ready", "status": "False", "reason": "X"}],
         ("False", "X")),
        ([], ("", "")),
        (None, ("", "")),
    ], ids=["ready", "other-type", "ready-among-others", "empty", "no-conditions"])
    def test_ready_and_reason_come_from_the_ready_condition(self, conditions, expected):
        from litekube.model.pictures import statuses
        obj = {"status": {"conditions": conditions}} if conditions is not None else {}
        assert statuses.ready_reason(obj) == expected


G, R, GREEN, B, X = trees.GRAY, trees.RED, trees.GREEN, trees.BOLD, trees.RESET


class TestColour:
    def test_fatih_color_codes_as_kubectl_tree_writes_them(self):
        web = fx.deployment()
        rs = fx.replicaset(web, "aaaa", 1)
        p = fx.pod("web-aaaa-1", owner=rs, ready=False, reason="ContainersNotReady")
        text = trees.render(trees.rows(web, MemoryView([web, rs, p]), NOW), color=True)
        lines = text.splitlines()
        assert lines[1] == f"demo       {G}{X}Deployment/{B}web{X}         {G}-{X}      {G}{X}                    2m5s"
        assert lines[3] == (f"demo       {G}  └─{X}Pod/{B}web-aaaa-1{X}     {R}False{X}  "
                            f"{R}ContainersNotReady{X}  2m5s")

    @pytest.mark.parametrize("api,kind,phase,reason,colour", [
        ("v1", "Pod", "Succeeded", "PodCompleted", GREEN),
        ("v1", "Pod", "Failed", "PodFailed", R),
        ("v1", "Pod", "Running", "PodCompleted", R),
        ("v1", "Service", "Succeeded", "PodCompleted", R),
        ("example.com/v1", "Pod", "Succeeded", "PodCompleted", R),
        ("v1", "Pod", "Succeeded", "OtherReason", R),
    ], ids=["completed-pod", "failed-pod", "incomplete-pod", "other-kind", "custom-pod-kind", "other-reason"])
    def test_a_completed_pod_is_green_though_not_ready(self, api, kind, phase, reason, colour):
        # upstream's TestTreeViewCompletedPodReason table
        obj = {"apiVersion": api, "kind": kind, "metadata": fx.meta("test", "default"),
               "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "False", "reason": reason}]}}
        text = trees.render(trees.rows(obj, MemoryView([obj]), NOW), color=True)
        assert f"{colour}{reason}{X}" in text and f"{colour}False{X}" in text
        plain = trees.render(trees.rows(obj, MemoryView([obj]), NOW), color=False)
        assert "\x1b[" not in plain and "False" in plain and reason in plain

    def test_unknown_is_red_and_no_condition_grey(self):
        n = fx.node("node-1", ready="Unknown")
        text = trees.render(trees.rows(n, MemoryView([n]), NOW), color=True)
        assert f"{R}Unknown{X}" in text

    def test_columns_align_on_what_is_visible(self):
        web, view = chain()
        coloured = trees.render(trees.rows(web, view, NOW), color=True)
        stripped = "".join(part.split("m", 1)[1] if i else part for i, part in enumerate(coloured.split("\x1b[")))
        assert stripped.replace(" \n", "\n") == trees.render(trees.rows(web, view, NOW))

    def test_wide_characters_count_twice(self):
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("名前")}
        child = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": fx.meta("ab", owner=obj)}
        lines = trees.render(trees.rows(obj, MemoryView([obj, child]), NOW)).splitlines()
        # "ConfigMap/名前" is 14 columns wide, as wide as "└─ConfigMap/ab"
        assert lines[1].index("-") + 2 == lines[2].index("-")
