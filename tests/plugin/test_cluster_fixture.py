"""The pytest plugin's `cluster` fixture, and the Python API through it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from litekube import errors

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_the_fixture_is_a_settled_cluster_of_three_nodes(cluster):
    assert [n["metadata"]["name"] for n in cluster.list("nodes", namespace=None)] == ["node-1", "node-2", "node-3"]


def test_apply_scale_and_roll_out_the_samples(cluster):
    verbs = [str(o) for o in cluster.apply(str(SAMPLES))]
    assert verbs == ["namespace/demo created", "configmap/web-config created", "deployment.apps/web created",
                     "service/web created"]
    assert cluster.get("deployment/web", namespace="demo")["status"]["availableReplicas"] == 3
    assert cluster.scale("deployment/web", 5, namespace="demo") == "deployment.apps/web scaled"
    assert len(cluster.list("pods", namespace="demo", selector="app=web")) == 5
    assert cluster.set_image("deployment/web", nginx="nginx:1.28", namespace="demo") == \
        "deployment.apps/web image updated"
    pods = cluster.list("pods", namespace="demo", selector="app=web", field_selector="status.phase=Running")
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {"nginx:1.28"}
    assert cluster.rollout_undo("deployment/web", namespace="demo") == "deployment.apps/web rolled back"
    trace = cluster.rollout_trace("deployment/web", namespace="demo")
    assert trace[-1]["available"] == 5


def test_dicts_text_and_lists_apply(cluster):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
    assert [str(o) for o in cluster.apply(cm)] == ["configmap/a created"]
    assert [str(o) for o in cluster.apply([cm])] == ["configmap/a unchanged"]
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"
    assert [str(o) for o in cluster.apply(text)] == ["configmap/b created"]


def test_errors_are_litekubes_with_kubectls_message(cluster):
    with pytest.raises(errors.NotFound) as found:
        cluster.get("deployment/web")
    assert str(found.value) == 'deployments.apps "web" not found'
    with pytest.raises(errors.Invalid) as invalid:
        cluster.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}})
    assert str(invalid.value).startswith('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value')


def test_faults_nodes_time_and_the_changelog(cluster):
    start = cluster.revision
    assert cluster.node_down("node-1") == "node/node-1 is down"
    assert cluster.advance("1m") == pytest.approx(cluster.now)
    ready = {c["type"]: c["status"] for c in cluster.get("node/node-1")["status"]["conditions"]}
    assert ready["Ready"] == "Unknown"
    assert cluster.node_up("node-1") == "node/node-1 is up"
    assert cluster.add_node("node-4") == "node/node-4 created"
    assert cluster.cordon("node-4") == "node/node-4 cordoned"
    assert cluster.uncordon("node-4") == "node/node-4 uncordoned"
    drained = cluster.drain("node-2", ignore_daemonsets=True)  # kube-proxy's and flannel's pods stay
    assert drained[0] == "node/node-2 cordoned" and drained[-1] == "node/node-2 drained"
    assert drained[1].startswith("Warning: ignoring DaemonSet-managed Pods: kube-flannel/kube-flannel-ds-")
    changes = cluster.changes(since=start)
    assert changes[0].revision == start + 1 and changes[0].kind == "Node" and changes[0].name == "node-1"
    assert [c.revision for c in cluster.watch(since=start, timeout=0)] == [c.revision for c in changes]


def test_the_fixture_is_deterministic(cluster, litekube_template):
    import litekube

    with litekube.Cluster(template=litekube_template) as other:
        for c in (cluster, other):
            c.apply(str(SAMPLES))
            c.scale("deployment/web", 4, namespace="demo")
        names = [sorted(p["metadata"]["name"] for p in c.list("pods", namespace="demo")) for c in (cluster, other)]
        assert names[0] == names[1] and cluster.revision == other.revision


@pytest.mark.sqlite_only  # the temporary file itself
def test_a_temporary_database_goes_on_close():
    import litekube

    c = litekube.Cluster()
    path = Path(c.path)
    assert path.exists()
    c.close()
    assert not path.parent.exists()


@pytest.mark.sqlite_only  # the kept file itself
def test_keep_keeps_a_failing_tests_database(tmp_path):
    (tmp_path / "test_x.py").write_text("def test_fails(cluster):\n    cluster.scale('deployment/x', 1)\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--litekube-keep",
                          str(tmp_path / "test_x.py")], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    line = next(x for x in run.stdout.splitlines() if "inspect it with" in x)
    path = line.split("--db ")[1].split()[0]
    assert Path(path).exists()
    assert "litekube: kept the database of test_x.py::test_fails" in run.stdout
    Path(path).unlink()
