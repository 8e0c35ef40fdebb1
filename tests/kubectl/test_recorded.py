"""The recorded kubectl outputs are still what the installed kubectl prints (skipped without kubectl).

This module does I/O: it runs kubectl against tests.kubectl.fake_apiserver.
The format tests compare litekube with strings recorded from kubectl v1.32;
this re-runs kubectl on the same fixtures so that a recording cannot drift.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.kubectl.record import FIXTURES, Kubectl, available
from tests.model.jsonpath_cases import CASES, TARGETS
from tests.model.test_jsonpath import SORTS

pytestmark = pytest.mark.skipif(not available(), reason="kubectl is not installed")


def _version_ok(k: Kubectl) -> bool:
    code, out, _ = k.run("version", "--client")
    return code == 0 and re.search(r"v1\.32\.", out) is not None


def test_jsonpath_cases_match_the_installed_kubectl():
    with Kubectl(json.loads((FIXTURES / "jsonpath.json").read_text())) as k:
        if not _version_ok(k):
            pytest.skip("the recordings are kubectl v1.32's")
        differ = [(target, template) for target, template, code, stdout, stderr in CASES
                  if k.run(*TARGETS[target].split(), "-o", "jsonpath=" + template) != (code, stdout, stderr)]
    assert differ == []


def test_sort_orders_match_the_installed_kubectl():
    with Kubectl(json.loads((FIXTURES / "objects.json").read_text())) as k:
        if not _version_ok(k):
            pytest.skip("the recordings are kubectl v1.32's")
        for key, names in SORTS.items():
            code, out, _ = k.run("get", "pods", f"--sort-by={key}", "-o", "name")
            assert (code, out) == (0, "".join(f"pod/{n}\n" for n in names.split())), key


EXPLAINED = ["deployment", "deployment.spec.template.spec", "pods --recursive", "service.spec.ports",
             "configmap.binaryData", "job.spec", "ingress.spec.rules.http.paths.backend", "node.status.capacity",
             "deployment.spec.nope", "horizontalpodautoscaler.spec.metrics"]


def test_explain_renders_litekubes_documents_as_kubectl_does():
    from litekube.model import explaining, kinds, openapi

    with Kubectl([]) as k:
        if not _version_ok(k):
            pytest.skip("the renderer follows kubectl v1.32")
        for command in EXPLAINED:
            target, *flags = command.split()
            resource, *fields = target.split(".")
            kind = kinds.resolve(resource)[0]
            try:
                expected = (0, explaining.explain(openapi.document(kind.group, kind.version), kind, fields,
                                                  "--recursive" in flags), "")
            except explaining.ExplainError as exc:
                expected = (1, exc.partial, f"error: {exc}\n")
            assert k.run("explain", *command.split()) == expected, command
