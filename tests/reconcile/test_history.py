"""ControllerRevision history (pkg/controller/history): hash, names, equality, numbering, truncation."""
from __future__ import annotations

from litekube.reconcile.common import history
from litekube.reconcile.views import MemoryView

PARENT = {"apiVersion": "apps/v1", "kind": "StatefulSet",
          "metadata": {"name": "web", "namespace": "default", "uid": "u-web"}}
TEMPLATE = {"metadata": {"labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]}}


def cr(revision: int, data: object, name: str | None = None, owner: str | None = "u-web", labels=None) -> dict:
    h = history.hash_revision(data)
    meta = {"name": name or f"web-{h}", "namespace": "default",
            "labels": {"app": "nginx", history.HASH_LABEL: h, **(labels or {})},
            "creationTimestamp": "2026-01-01T00:00:00Z"}
    if owner:
        meta["ownerReferences"] = [{"kind": "StatefulSet", "name": "web", "uid": owner, "controller": True}]
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta, "data": data,
            "revision": revision}


def test_fnv1_32_known_vectors():
    # Go's fnv.New32 (FNV-1): the empty input is the offset basis, "a" is 0x050c5d7e
    assert history._fnv1_32(b"") == 0x811C9DC5
    assert history._fnv1_32(b"a") == 0x050C5D7E
    assert history._fnv1_32(b"foobar") == 0x31F0B262


def test_safe_encode_maps_each_byte_into_the_alphabet():
    # "0" is byte 48: 48 % 27 = 21 -> "4"; "9" is 57: 57 % 27 = 3 -> "f"
    assert history.safe_encode("09") == "4f"
    assert history.safe_encode("") == ""


def test_hash_is_of_the_go_json_bytes_and_the_decimal_probe():
    data = {"spec": {"template": {"$patch": "replace", "b": "<&>", "a": 1}}}
    raw = b'{"spec":{"template":{"$patch":"replace","a":1,"b":"\\u003c\\u0026\\u003e"}}}'
    assert history.raw(data) == raw
    assert history.hash_revision(data) == history.safe_encode(str(history._fnv1_32(raw)))
    assert history.hash_revision(data, 12) == history.safe_encode(str(history._fnv1_32(raw + b"12")))
    assert history.hash_revision(data, 0) != history.hash_revision(data)


def test_template_patch_writes_what_go_writes_even_when_empty():
    patch = history.template_patch(TEMPLATE)
    t = patch["spec"]["template"]
    assert t["$patch"] == "replace"
    assert t["metadata"] == {"labels": {"app": "nginx"}, "creationTimestamp": None}
    assert t["spec"]["containers"][0]["resources"] == {}
    assert "resources" not in TEMPLATE["spec"]["containers"][0]  # not mutated
    assert history.raw(patch).startswith(b'{"spec":{"template":{"$patch":"replace","metadata":'
                                         b'{"creationTimestamp":null,')


def test_new_revision_labels_name_owner():
    data = history.template_patch(TEMPLATE)
    rev = history.new_revision(PARENT, {"app": "nginx"}, data, 3, 0, annotations={"a": "b"})
    h = history.hash_revision(data, 0)
    assert rev["metadata"]["name"] == f"web-{h}"
    assert rev["metadata"]["labels"] == {"app": "nginx", history.HASH_LABEL: h}
    assert rev["metadata"]["annotations"] == {"a": "b"}
    assert rev["metadata"]["ownerReferences"] == [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                                   "uid": "u-web", "controller": True, "blockOwnerDeletion": True}]
    assert rev["revision"] == 3 and rev["data"] == data


def test_revision_name_cuts_the_prefix_to_223_bytes():
    assert history.revision_name("x" * 300, "abc") == "x" * 223 + "-abc"
    assert history.revision_name("web", "abc") == "web-abc"


def test_equal_revision():
    a, b = cr(1, {"x": 1}), cr(2, {"x": 1}, name="other")
    assert history.equal_revision(a, b)
    assert not history.equal_revision(a, cr(1, {"x": 2}))
    assert history.equal_revision(None, None) and not history.equal_revision(a, None)
    # numeric hash labels that differ: unequal even with equal data (upstream's int32 parse)
    n1, n2 = cr(1, {"x": 1}, labels={history.HASH_LABEL: "1"}), cr(1, {"x": 1}, labels={history.HASH_LABEL: "2"})
    assert not history.equal_revision(n1, n2)
    assert history.find_equal_revisions([a, cr(3, {"y": 1}), b], a) == [a, b]


def test_sort_and_next_revision():
    r = [cr(3, {"c": 1}), cr(1, {"a": 1}), cr(2, {"b": 1})]
    assert [x["revision"] for x in history.sort_revisions(r)] == [1, 2, 3]
    assert history.next_revision(history.sort_revisions(r)) == 4
    assert history.next_revision([]) == 1


def test_owned_revisions_are_the_parents_and_the_orphans_the_selector_matches():
    mine, orphan = cr(1, {"a": 1}), cr(2, {"b": 1}, owner=None)
    other = cr(3, {"c": 1}, owner="u-other")
    unmatched = cr(4, {"d": 1})
    unmatched["metadata"]["labels"] = {"app": "else"}
    view = MemoryView([mine, orphan, other, unmatched])
    names = {c["metadata"]["name"] for c in history.owned_revisions(view, PARENT, {"matchLabels": {"app": "nginx"}})}
    assert names == {mine["metadata"]["name"], orphan["metadata"]["name"]}
    assert history.owned_revisions(view, PARENT, None) == []


def _candidate(data):
    return lambda revision, collisions: history.new_revision(PARENT, {"app": "nginx"}, data, revision, collisions)


def test_resolve_keeps_the_newest_equal_revision():
    data = {"v": 1}
    newest = history.new_revision(PARENT, {"app": "nginx"}, data, 2, 0)
    revs = [cr(1, {"v": 0}), newest]
    rev, what, count = history.resolve_update_revision(MemoryView(revs), PARENT, revs, _candidate(data), 0)
    assert (rev, what, count) == (newest, "keep", 0)


def test_resolve_renumbers_an_older_equal_revision_on_rollback():
    old = history.new_revision(PARENT, {"app": "nginx"}, {"v": 0}, 1, 0)
    revs = [old, history.new_revision(PARENT, {"app": "nginx"}, {"v": 1}, 2, 0)]
    rev, what, _ = history.resolve_update_revision(MemoryView(revs), PARENT, revs, _candidate({"v": 0}), 0)
    assert what == "update" and rev["revision"] == 3 and rev["metadata"]["name"] == old["metadata"]["name"]
    assert old["revision"] == 1  # not mutated


def test_resolve_creates_and_bumps_the_collision_count_on_a_taken_name():
    data = {"v": 2}
    squatter = history.new_revision(PARENT, {"app": "nginx"}, {"other": True}, 1, 0)
    squatter["metadata"]["name"] = history.new_revision(PARENT, {}, data, 1, 0)["metadata"]["name"]
    squatter["metadata"]["ownerReferences"][0]["uid"] = "u-someone-else"
    view = MemoryView([squatter])
    rev, what, count = history.resolve_update_revision(view, PARENT, [], _candidate(data), 0)
    assert what == "create" and count == 1
    assert rev["metadata"]["name"] == f"web-{history.hash_revision(data, 1)}" and rev["revision"] == 1
    rev, what, count = history.resolve_update_revision(MemoryView(), PARENT, [], _candidate(data), 0)
    assert what == "create" and count == 0


def test_truncation_keeps_the_limit_and_the_live_revisions():
    revs = [cr(i, {"v": i}) for i in range(1, 15)]
    names = [c["metadata"]["name"] for c in revs]
    # current 13, update 14, a pod still on revision 1: 11 left, limit 10 deletes the oldest one of them (2)
    drop = history.revisions_to_truncate(revs, {names[12], names[13], names[0]}, None)
    assert [c["revision"] for c in drop] == [2]
    assert history.revisions_to_truncate(revs, set(), 14) == []
    assert [c["revision"] for c in history.revisions_to_truncate(revs, {names[13]}, 0)] == list(range(1, 14))
    assert [c["revision"] for c in history.revisions_to_truncate(revs, set(), 12)] == [1, 2]


# pkg/controller/statefulset/stateful_set_compatibility_test.go: a revision written by kube-controller-manager 1.33
UPSTREAM_RAW = (b'{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,'
                b'"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test",'
                b'"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],'
                b'"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",'
                b'"securityContext":{},"terminationGracePeriodSeconds":30}}}}')


def test_hash_matches_a_revision_kube_controller_manager_wrote():
    import json
    data = json.loads(UPSTREAM_RAW)
    assert history.raw(data) == UPSTREAM_RAW
    assert history.hash_revision(data, 0) == "c77f6d978"  # test-c77f6d978, status.collisionCount 0
    template = json.loads(UPSTREAM_RAW)["spec"]["template"]
    del template["$patch"], template["metadata"]["creationTimestamp"], template["spec"]["containers"][0]["resources"]
    assert history.raw(history.template_patch(template)) == UPSTREAM_RAW
