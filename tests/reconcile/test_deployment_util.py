"""Deployment helpers: hash, templates, revisions, annotations, conditions, kubectl rollout status."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.reconcile.deployment import controller as deployment
from litekube.reconcile.deployment import rolling
from litekube.reconcile.deployment import util as du

NOW = 1_800_000_000.0


def rs(revision: str | None = None, **ann) -> dict:
    annotations = dict(ann)
    if revision is not None:
        annotations[du.REVISION] = revision
    return {"metadata": {"name": "x", "annotations": annotations}, "spec": {"replicas": 1}}


class TestPublicSurface:
    @pytest.mark.parametrize("module", [deployment, du, rolling], ids=lambda m: m.__name__)
    def test_all_names_exist(self, module):
        assert all(hasattr(module, name) for name in module.__all__)


class TestHash:
    def test_alphabet_and_stability(self):
        t = {"metadata": {"labels": {"app": "web"}}}
        h = du.compute_hash(t)
        assert h == du.compute_hash({"metadata": {"labels": {"app": "web"}}})
        assert set(h) <= set("bcdfghjklmnpqrstvwxz2456789")

    def test_collision_count_changes_hash(self):
        t = {"metadata": {"labels": {"app": "web"}}}
        assert len({du.compute_hash(t), du.compute_hash(t, 0), du.compute_hash(t, 1)}) == 3

    def test_safe_encode_maps_digits(self):
        assert du.safe_encode("0123456789") == "456789bcdf"


class TestTemplates:
    @pytest.mark.parametrize("t1, t2, equal", [
        ({"metadata": {"labels": {"a": "1", du.HASH_LABEL: "x"}}}, {"metadata": {"labels": {"a": "1"}}}, True),
        ({"metadata": {"labels": {"a": "1"}, "annotations": {}}}, {"metadata": {"labels": {"a": "1"}}}, True),
        ({"metadata": {"labels": {"a": "1"}, "creationTimestamp": None}}, {"metadata": {"labels": {"a": "1"}}}, True),
        ({"metadata": {"labels": {"a": "1"}}}, {"metadata": {"labels": {"a": "2"}}}, False),
        ({"spec": {"containers": [{"image": "a"}]}}, {"spec": {"containers": [{"image": "b"}]}}, False),
    ], ids=["hash-ignored", "empty-map", "null-field", "label-differs", "image-differs"])
    def test_equal_ignore_hash(self, t1, t2, equal):
        assert du.equal_ignore_hash(t1, t2) is equal

    def test_find_new_picks_oldest_match(self):
        t = {"metadata": {"labels": {"a": "1"}}}
        d = {"spec": {"template": t}}
        older = {"metadata": {"name": "b", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"template": t}}
        newer = {"metadata": {"name": "a", "creationTimestamp": "2026-01-02T00:00:00Z"}, "spec": {"template": t}}
        other = {"metadata": {"name": "c", "creationTimestamp": "2025-01-01T00:00:00Z"}, "spec": {"template": {}}}
        assert du.find_new_replica_set(d, [newer, other, older]) is older
        assert du.find_new_replica_set(d, [other]) is None

    def test_find_new_compares_the_given_key_of_each_replica_set(self):
        """The controller passes the key remembered per ReplicaSet: what is compared is its answer."""
        t = {"metadata": {"labels": {"a": "1", du.HASH_LABEL: "h"}}}
        d = {"spec": {"template": {"metadata": {"labels": {"a": "1"}}}}}
        first = {"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:00Z"}, "spec": {"template": t}}
        second = {"metadata": {"name": "b", "creationTimestamp": "2026-01-02T00:00:00Z"}, "spec": {"template": t}}
        asked = []

        def key(rs):
            asked.append(rs["metadata"]["name"])
            return du.replica_set_template_key(rs) if rs is second else "another template"
        assert du.find_new_replica_set(d, [second, first], key) is second
        assert asked == ["a", "b"]
        assert du.template_key(t) == du.template_key(d["spec"]["template"]) == {"metadata": {"labels": {"a": "1"}}}


class TestRevisions:
    @pytest.mark.parametrize("value, expected", [(None, 0), ("3", 3), ("x", 0)], ids=["missing", "int", "junk"])
    def test_revision(self, value, expected):
        assert du.revision(rs(value)) == expected

    def test_max_revision(self):
        assert du.max_revision([rs("2"), rs("10"), rs(None), None]) == 10
        assert du.max_revision([]) == 0

    def test_new_annotations_copy_and_skip(self):
        d = {"metadata": {"annotations": {"team": "a", "kubectl.kubernetes.io/last-applied-configuration": "{}",
                                          du.REVISION: "7", du.REVISION_HISTORY: "1"}},
             "spec": {"replicas": 4, "strategy": {"type": "RollingUpdate",
                                                  "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}
        new = {"metadata": {}}
        assert du.set_new_replica_set_annotations(d, new, 3, exists=False)
        assert new["metadata"]["annotations"] == {"team": "a", du.REVISION: "3", du.DESIRED_REPLICAS: "4",
                                                  du.MAX_REPLICAS: "5"}

    def test_rollback_records_history(self):
        d = {"metadata": {}, "spec": {"replicas": 1}}
        old = rs("1")
        assert du.set_new_replica_set_annotations(d, old, 4, exists=True)
        assert old["metadata"]["annotations"] == {du.REVISION: "4", du.REVISION_HISTORY: "1"}
        du.set_new_replica_set_annotations(d, old, 6, exists=True)
        assert old["metadata"]["annotations"][du.REVISION_HISTORY] == "1,4"

    def test_higher_revision_is_kept(self):
        d = {"metadata": {}, "spec": {"replicas": 1}}
        new = rs("5")
        assert not du.set_new_replica_set_annotations(d, new, 3, exists=True)
        assert new["metadata"]["annotations"][du.REVISION] == "5"


class TestConditions:
    def test_same_status_keeps_transition_time(self):
        status: dict = {}
        du.set_condition(status, du.new_condition("Progressing", "True", "A", "m", NOW))
        du.set_condition(status, du.new_condition("Progressing", "True", "B", "m", NOW + 60))
        (cond,) = status["conditions"]
        assert (cond["reason"], cond["lastTransitionTime"], cond["lastUpdateTime"]) == (
            "B", du.timestamp(NOW), du.timestamp(NOW + 60))

    def test_same_status_and_reason_is_a_no_op(self):
        status: dict = {}
        du.set_condition(status, du.new_condition("Progressing", "True", "A", "m", NOW))
        du.set_condition(status, du.new_condition("Progressing", "True", "A", "other", NOW + 60))
        assert status["conditions"][0]["message"] == "m"


def dep(generation=2, observed=2, replicas=3, updated=0, total=0, available=0, reason=None) -> dict:
    status = {"observedGeneration": observed, "updatedReplicas": updated, "replicas": total,
              "availableReplicas": available}
    if reason:
        status["conditions"] = [{"type": "Progressing", "status": "False", "reason": reason}]
    return {"metadata": {"name": "web", "generation": generation}, "spec": {"replicas": replicas}, "status": status}


class TestRolloutStatus:
    @pytest.mark.parametrize("d, message, done", [
        (dep(generation=3), "Waiting for deployment spec update to be observed...", False),
        (dep(updated=1, total=4), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
                                  'updated...', False),
        (dep(updated=3, total=4, available=3), 'Waiting for deployment "web" rollout to finish: 1 old replicas are '
                                               'pending termination...', False),
        (dep(updated=3, total=3, available=2), 'Waiting for deployment "web" rollout to finish: 2 of 3 updated '
                                               'replicas are available...', False),
        (dep(updated=3, total=3, available=3), 'deployment "web" successfully rolled out', True),
    ], ids=["spec-not-observed", "updating", "old-pending", "available", "done"])
    def test_messages(self, d, message, done):
        assert du.rollout_status(d) == (message, done)

    def test_deadline_exceeded(self):
        with pytest.raises(errors.LitekubeError, match='deployment "web" exceeded its progress deadline'):
            du.rollout_status(dep(reason="ProgressDeadlineExceeded"))

    def test_revision_mismatch(self):
        d = dep(updated=3, total=3, available=3)
        d["metadata"]["annotations"] = {du.REVISION: "2"}
        with pytest.raises(errors.LitekubeError, match=r"desired revision \(3\) is different from the running "
                                                      r"revision \(2\)"):
            du.rollout_status(d, 3)
