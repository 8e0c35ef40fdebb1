"""tree and graph through the real CLI: exact output, colours, errors, and the README's picture kept current."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "manifests" / "pictures" / "shop.yaml"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT and not os.environ.get("CI"),
                               reason="Graphviz's dot is not installed (.ci/run installs it)")

# A hand-written slice for the selectorless Service of shop.yaml: one pod, one address outside the cluster.
SLICE = """apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: front-1
  namespace: shop
  labels:
    kubernetes.io/service-name: front
addressType: IPv4
ports:
- name: http
  port: 80
  protocol: TCP
endpoints:
- addresses: ["IP"]
  conditions: {ready: true}
  nodeName: node-1
  targetRef: {kind: Pod, namespace: shop, name: POD}
- addresses: ["192.0.2.42"]
  conditions: {ready: false}
"""

REGENERATE = ("litekube --db /tmp/samples.db apply -f samples/ && "
              "litekube --db /tmp/samples.db graph -n demo -o svg --output-file samples/graph.svg")


def pods(lk, namespace: str) -> list[dict]:
    """The namespace's pods by node then name: their generated names depend on the revisions before them."""
    items = json.loads(lk("get", "pods", "-n", namespace, "-o", "json").output)["items"]
    return sorted(items, key=lambda p: (p["spec"].get("nodeName", ""), p["metadata"]["name"]))


def shop_dot(lk) -> str:
    """shop.dot with the pod names this run generated (the file has those of the run that wrote it)."""
    text = (SHOP.parent / "shop.dot").read_text()
    for recorded, pod in zip(["front-64db6d88c-lgghb", "front-64db6d88c-65cnn"], pods(lk, "shop")):
        text = text.replace(recorded, pod["metadata"]["name"])
    return text


@pytest.fixture
def samples(lk):
    assert lk("apply", "-f", str(SAMPLES)).exit_code == 0
    return lk


@pytest.fixture
def shop(lk):
    assert lk("apply", "-f", str(SHOP)).exit_code == 0
    first = pods(lk, "shop")[0]
    assert first["spec"]["nodeName"] == "node-1"
    slice_ = SLICE.replace("POD", first["metadata"]["name"]).replace("IP", first["status"]["podIP"])
    assert lk("apply", "-f", "-", input=slice_).exit_code == 0
    return lk


class TestTree:
    def test_a_deployment_of_the_samples(self, samples):
        result = samples("tree", "deployment/web", "-n", "demo")
        assert result.exit_code == 0
        a, b, c = sorted(p["metadata"]["name"] for p in pods(samples, "demo"))
        assert result.output == (
            "NAMESPACE  NAME                          READY  REASON  AGE\n"
            "demo       Deployment/web                -              6s\n"
            "demo       └─ReplicaSet/web-6c956c7598   -              6s\n"
            f"demo         ├─Pod/{a}  True           6s\n"
            f"demo         ├─Pod/{b}  True           6s\n"
            f"demo         └─Pod/{c}  True           6s\n")

    def test_kind_name_form_and_a_rollout_shows_both_replicasets(self, samples):
        assert samples("set", "image", "deployment/web", "nginx=nginx:1.28", "-n", "demo").exit_code == 0
        result = samples("tree", "deploy", "web", "-n", "demo")
        lines = result.output.splitlines()
        assert [line.split()[1] for line in lines[1:3]] == ["Deployment/web", "├─ReplicaSet/web-6c956c7598"]
        assert lines[3].split()[1].startswith("└─ReplicaSet/web-") and len(lines) == 7

    def test_colour_when_asked_and_plain_when_piped(self, samples):
        plain = samples("tree", "deploy/web", "-n", "demo")
        assert "\x1b[" not in plain.output  # the runner's stdout is no terminal: auto means plain
        coloured = samples("tree", "deploy/web", "-n", "demo", "--color", "always")
        assert "\x1b[32mTrue\x1b[0m" in coloured.output and "\x1b[1mweb\x1b[0m" in coloured.output
        assert "\x1b[90m└─\x1b[0mReplicaSet/" in coloured.output
        assert "\x1b[" not in samples("tree", "deploy/web", "-n", "demo", "-c", "never").output

    def test_no_color_wins_in_auto(self, samples, monkeypatch):
        monkeypatch.setenv("NO_COLOR", "1")
        from litekube.cli import pictures

        monkeypatch.setattr(pictures, "_is_terminal", lambda: True)
        assert "\x1b[" not in samples("tree", "deploy/web", "-n", "demo").output
        monkeypatch.delenv("NO_COLOR")
        assert "\x1b[" in samples("tree", "deploy/web", "-n", "demo").output

    def test_a_node_and_its_lease_across_namespaces(self, samples):
        result = samples("tree", "node/node-1", "-A")
        assert result.output == ("NAMESPACE        NAME            READY  REASON        AGE\n"
                                 "                 Node/node-1     True   KubeletReady  11s\n"
                                 "kube-node-lease  └─Lease/node-1  -                    11s\n")

    def test_a_cronjob_its_job_and_the_jobs_pod(self, lk):
        assert lk("apply", "-f", str(ROOT / "tests" / "manifests" / "jobs" / "cronjob.yaml")).exit_code == 0
        # 60 s of cluster time hold exactly one minute boundary wherever in its minute the clock
        # started (70 s held two when it started at second 50 or later); then no more Jobs while
        # the one made finishes
        assert lk("advance", "60s").exit_code == 0
        assert lk("patch", "cronjob", "hello", "-p", '{"spec": {"suspend": true}}').exit_code == 0
        assert lk("advance", "30s").exit_code == 0
        lines = lk("tree", "cronjob/hello").output.splitlines()
        assert lines[0] == "NAMESPACE  NAME                          READY  REASON        AGE"
        assert [line.split()[1].split("/")[0] for line in lines[1:]] == ["CronJob", "└─Job", "└─Pod"]
        # the Job is finished, its pod Succeeded: Ready False with reason PodCompleted, as kubectl-tree shows it
        assert lines[3].split()[2:4] == ["False", "PodCompleted"]

    def test_label_selector_filters_what_is_owned(self, samples):
        result = samples("tree", "deploy/web", "-n", "demo", "-l", "app=other")
        assert result.output == "No resources are owned by this object through ownerReferences.\n"

    def test_nothing_owned(self, shop):
        result = shop("tree", "svc/front", "-n", "shop")
        assert (result.exit_code, result.output) == (
            0, "No resources are owned by this object through ownerReferences.\n")

    def test_missing_object_and_bad_arguments(self, samples):
        result = samples("tree", "deploy/nope", "-n", "demo")
        assert (result.exit_code, result.output) == (
            1, 'Error from server (NotFound): deployments.apps "nope" not found\n')
        result = samples("tree", "deploy", "-n", "demo")
        assert result.exit_code == 2 and "expected one resource: TYPE/NAME or TYPE NAME" in result.output
        result = samples("tree", "nokind/x")
        assert (result.exit_code, result.output) == (1, 'error: the server doesn\'t have a resource type "nokind"\n')
        result = samples("tree", "deploy/web", "--color", "sometimes")
        assert result.exit_code == 2 and "'sometimes' is not one of 'auto', 'always', 'never'" in result.output


class TestGraph:
    def test_dot_of_a_deployment_service_slice_and_ingress(self, shop):
        result = shop("graph", "-n", "shop", "-o", "dot")
        assert result.exit_code == 0
        assert result.output == shop_dot(shop)

    def test_dot_is_the_default_and_needs_no_graphviz(self, shop, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))
        result = shop("graph", "-n", "shop")
        assert result.exit_code == 0 and result.output == shop_dot(shop)

    def test_svg_without_graphviz_is_a_one_line_error(self, shop, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))
        for fmt in ("svg", "png", "html"):
            out = tmp_path / f"x.{fmt}"
            result = shop("graph", "-n", "shop", "-o", fmt, "--output-file", str(out))
            assert result.exit_code == 1 and not out.exists()
            needed = "png" if fmt == "png" else "svg"
            assert result.output == (f"error: -o {needed} needs Graphviz's dot, which is not on PATH: install "
                                     f"Graphviz (Debian: apt-get install graphviz) or use -o dot\n")

    @needs_dot
    def test_svg_png_and_html(self, shop, tmp_path):
        svg = shop("graph", "-n", "shop", "-o", "svg")
        assert svg.exit_code == 0 and "<svg" in svg.output
        name = pods(shop, "shop")[0]["metadata"]["name"].replace("-", "&#45;")
        assert f"<title>Pod/shop/{name}</title>" in svg.output
        png = tmp_path / "shop.png"
        assert shop("graph", "-n", "shop", "-o", "png", "--output-file", str(png)).exit_code == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        page = tmp_path / "shop.html"
        assert shop("graph", "-n", "shop", "-o", "html", "--output-file", str(page)).exit_code == 0
        text = page.read_text()
        assert text.startswith("<!DOCTYPE html>") and "<title>litekube: namespace shop</title>" in text
        assert "<svg" in text and "ingress&#45;shop" not in text and "Ingress/shop/shop" in text

    def test_png_is_not_written_to_a_terminal(self, shop, monkeypatch):
        from litekube.cli import pictures

        monkeypatch.setattr(pictures, "_is_terminal", lambda: True)
        result = shop("graph", "-n", "shop", "-o", "png")
        assert (result.exit_code, result.output) == (1, ("error: refusing to write a PNG image to a terminal: use "
                                                         "--output-file FILE or redirect the output\n"))

    def test_all_namespaces(self, shop):
        result = shop("graph", "-A")
        assert 'label="all namespaces"' in result.output
        assert '"Deployment/shop/front" [label="deployment\\nshop/front"' in result.output

    def test_an_empty_namespace_still_shows_the_nodes(self, lk):
        result = lk("graph", "-n", "nothing-here")
        assert result.exit_code == 0 and result.output.count("subgraph") == 3 and "->" not in result.output

    @needs_dot
    def test_the_readme_picture_of_the_samples_is_current(self, samples, tmp_path):
        # Compared on what it shows (every object, label, edge and colour), not on coordinates, which move with
        # the fonts and the Graphviz build of the machine.
        fresh = tmp_path / "graph.svg"
        assert samples("graph", "-n", "demo", "-o", "svg", "--output-file", str(fresh)).exit_code == 0
        committed = (ROOT / "samples" / "graph.svg").read_text()
        assert svg_content(fresh.read_text()) == svg_content(committed), \
            f"samples/graph.svg is stale; regenerate it: {REGENERATE}"
        assert len(svg_content(committed)["titles"]) > 10


def svg_content(svg: str) -> dict:
    import re

    return {"titles": sorted(re.findall(r"<title>(.*?)</title>", svg)),
            "texts": sorted(re.findall(r"<text[^>]*>(.*?)</text>", svg)),
            "fills": sorted(set(re.findall(r'fill="(#[0-9a-f]{6})"', svg)))}
