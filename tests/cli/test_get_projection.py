"""`get` prints a table of pods from a projection (only the fields the row reads): the same table
as from whole objects, for pods in every state the printer distinguishes."""
from __future__ import annotations

import pytest

from tests.cli.test_pods import pod

INIT = """apiVersion: v1
kind: Pod
metadata:
  name: init
  labels: {tier: setup}
spec:
  initContainers:
  - name: wait
    image: busybox
  - name: sidecar
    image: envoy
    restartPolicy: Always
  containers:
  - name: app
    image: nginx
  readinessGates:
  - conditionType: example.com/ready
"""


HELD = """apiVersion: v1
kind: Pod
metadata:
  name: held
  finalizers: [example.com/hold]
spec:
  containers:
  - name: app
    image: nginx
"""


@pytest.fixture
def pods(lk):
    lk("apply", "-f", "-", input=pod("running"))
    lk("apply", "-f", "-", input=pod("never", '{sim.litekube.io/never-ready: "true"}'))
    lk("apply", "-f", "-", input=pod("done", "{sim.litekube.io/exit-after: 5s}", restart="Never"))
    lk("apply", "-f", "-", input=pod("crash", "{sim.litekube.io/crash-after: 3s}"))
    lk("apply", "-f", "-", input=pod("huge", cpu="500"))  # fits no node: Pending
    lk("apply", "-f", "-", input=INIT)
    lk("apply", "-f", "-", input=HELD)
    lk("advance", "1m")
    assert lk("delete", "pod", "held").exit_code == 0  # its finalizer keeps it Terminating
    return lk


# --sort-by reads any field: it lists whole objects, so it is the reference here
@pytest.mark.parametrize("flags", [(), ("-o", "wide"), ("--show-labels",), ("-A", "-o", "wide"),
                                   ("-L", "tier"), ("--no-headers",), ("--field-selector", "status.phase=Running"),
                                   ("-l", "tier"), ("--show-kind",)],
                         ids=lambda f: " ".join(f) or "plain")
def test_the_same_table_as_from_whole_objects(pods, flags):
    projected = pods("get", "pods", *flags)
    # across namespaces (kube-system's and kube-flannel's pods too) the listing's order is by namespace,
    # then name; --sort-by's sort is stable
    whole = pods("get", "pods", *flags, "--sort-by", ".metadata.namespace" if "-A" in flags else ".metadata.name")
    assert projected.exit_code == whole.exit_code == 0, projected.output
    assert projected.stdout == whole.stdout
    assert projected.stdout.count("\n") >= (1 if flags in (("-l", "tier"),) else 2)


def test_the_states_are_all_there(pods):
    """The fixture's pods cover what the printer distinguishes (so the comparison above means something)."""
    text = pods("get", "pods").stdout
    for word in ("Terminating", "Completed", "Pending", "CrashLoopBackOff", "1/2", "0/1", "ago)"):
        assert word in text, text


@pytest.mark.parametrize("field", ["status.x'y", 'status.x"y', "status.", "status..phase", "status.qosClass"],
                         ids=["quote", "double quote", "trailing dot", "empty key", "a real field"])
def test_a_field_the_pods_registry_has_no_label_for_is_refused(lk, field):
    """A field selector names only the fields a kind's registry selects by (a Pod's spec.nodeName,
    status.phase...): any other spelling is the API server's 400, worded by kubectl (EnhanceListError),
    before any projection or SQL (the store's keys SQLite cannot spell: tests/store/test_projection.py)."""
    lk("apply", "-f", "-", input=pod("running"))
    for extra in ((), ("--sort-by", ".metadata.name")):
        refused = lk("get", "pods", "--field-selector", f"{field}=1", *extra)
        assert (refused.exit_code, refused.stdout) == (1, "")
        assert refused.stderr == ('Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match '
                                  f'label selector "", field selector "{field}=1": field label not supported: {field}\n')
