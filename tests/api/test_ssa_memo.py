"""The remembered comparisons and encodings of litekube.model.fieldpath (lists of flat maps by value,
FieldsV1 forms and their unions and differences by identity) change no managedFields: a kubelet's
sequence of status writes, each write's entries fed to the next as the control plane feeds them
(the very objects), records byte for byte what plain ssa.update records with nothing remembered."""
from __future__ import annotations

import contextlib
import copy
import json
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.api import ssa
from litekube.model import fieldpath

T1 = "2026-01-01T00:01:00Z"


class _Forgetful(dict):
    """A memo table that remembers nothing."""

    def __setitem__(self, key, value) -> None:
        pass


def plain(fn, *args):
    """`fn(*args)` with every memo of fieldpath off, on copies of `args` (no object shared with
    the remembered runs)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(fieldpath, "_flat_memo_key", lambda old, new, t: None))
        for table in ("_V1", "_V1_UNIONS", "_V1_DIFFERENCES"):
            stack.enter_context(mock.patch.object(fieldpath, table, _Forgetful()))
        return fn(*copy.deepcopy(args))


# Few values, so that lists repeat across writes and examples (the memo answers); a few ints and
# bools, which are not remembered (True == 1 would make two lists equal as keys).
_condition = st.fixed_dictionaries(
    {"type": st.sampled_from(["Ready", "PodScheduled", "Initialized", "ContainersReady"]),
     "status": st.sampled_from(["True", "False", "Unknown"])},
    optional={"lastProbeTime": st.none(), "lastTransitionTime": st.sampled_from(["t1", "t2"]),
              "reason": st.sampled_from(["ContainersNotReady", "PodCompleted", True, 1]),
              "message": st.sampled_from(["containers with unready status: [c]", ""])})
_ips = st.lists(st.fixed_dictionaries({"ip": st.sampled_from(["10.0.0.2", "10.0.0.3", "10.0.0.4"])}),
                max_size=2, unique_by=lambda d: d["ip"])
_status = st.fixed_dictionaries({}, optional={
    "phase": st.sampled_from(["Pending", "Running"]),
    "hostIP": st.sampled_from(["172.18.0.2", "172.18.0.3"]),
    "hostIPs": _ips, "podIPs": _ips,
    "conditions": st.lists(_condition, max_size=4, unique_by=lambda d: d["type"]),
    "containerStatuses": st.lists(st.fixed_dictionaries({"name": st.sampled_from(["a", "b"]),
                                                          "ready": st.booleans(),
                                                          "state": st.sampled_from([{}, {"running": {}}])}),
                                  max_size=2, unique_by=lambda d: d["name"]),
})
_owners = [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "time": T1,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:nodeName": {}}}},
           {"manager": "other", "operation": "Update", "apiVersion": "v1", "time": T1,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:hostIP": {}, "f:conditions": {
                'k:{"type":"Ready"}': {".": {}, "f:status": {}}}}}}]


def _writes(statuses: list, branches: list, trusted: bool) -> list[str]:
    """The managedFields after each status write, as JSON in their key order; then after each of
    `branches` written instead of the next, each from the very entries of the last write."""
    entries, seen, before = _owners, [], None
    for status in statuses:
        entries = _write(before, status, entries, trusted)
        seen.append(json.dumps(entries))
        before = status
    for status in branches:
        seen.append(json.dumps(_write(before, status, entries, trusted)))
    return seen


def _write(before: dict | None, status: dict, entries: list[dict], trusted: bool) -> list[dict]:
    return ssa.update({} if before is None else {"status": before}, {"status": status}, "kubelet",
                      kind="Pod", api_version="v1", now=T1, subresource="status", entries=entries,
                      trusted=trusted)


@settings(max_examples=400, deadline=None)
@given(st.lists(_status, min_size=1, max_size=4), st.lists(_status, max_size=3), st.booleans())
def test_remembered_writes_record_what_plain_ones_do(statuses, branches, trusted) -> None:
    want = plain(_writes, statuses, branches, trusted)
    assert _writes(statuses, branches, trusted) == want
    assert _writes(statuses, branches, trusted) == want  # a second time, every memo answering


def test_a_list_of_flat_maps_is_compared_once() -> None:
    t = fieldpath.listtypes.root("Pod").field("status").field("conditions")
    old = [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]
    new = [{"type": "Ready", "status": "True"}]
    first = fieldpath._differ(old, new, t)
    assert first == (None, {'k:{"type":"Ready"}': {"f:status": {".": {}}}},
                     {'k:{"type":"Ready"}': {"f:reason": {".": {}}}})
    assert fieldpath._differ(copy.deepcopy(old), copy.deepcopy(new), t) is first
    # not the same lists: a key in another order, a bool for a string, another list type
    assert fieldpath._flat_memo_key([{"status": "True", "type": "Ready"}], new, t) != \
        fieldpath._flat_memo_key(old, new, t)
    assert fieldpath._flat_memo_key([{"type": "Ready", "status": True}], new, t) is None
    assert fieldpath._flat_memo_key([{"type": "Ready", "status": 1}], new, t) is None
    assert fieldpath._flat_memo_key([{"type": "Ready", "x": {"a": "b"}}], new, t) is None
    ips = fieldpath.listtypes.root("Pod").field("status").field("podIPs")
    assert fieldpath._flat_memo_key([{"ip": "a"}], [{"ip": "b"}], ips) != \
        fieldpath._flat_memo_key([{"ip": "a"}], [{"ip": "b"}], t)


def test_a_fields_v1_form_is_encoded_once_per_set() -> None:
    s = {"f:status": {"f:phase": {".": {}}, "f:conditions": {".": {}, 'k:{"type":"Ready"}': {".": {}}}}}
    first = fieldpath.to_fields_v1(s)
    assert first == {"f:status": {"f:conditions": {".": {}, 'k:{"type":"Ready"}': {}}, "f:phase": {}}}
    assert fieldpath.to_fields_v1(s) is first
    assert fieldpath.to_fields_v1(copy.deepcopy(s)) == first
    assert fieldpath.to_fields_v1(copy.deepcopy(s)) is not first
