"""Run the real kubectl against fixture objects and print what it prints.

This module does I/O (it starts tests.kubectl.fake_apiserver and runs kubectl).
The expected strings of litekube's format tests were recorded with it:

    python -m tests.kubectl.record tests/kubectl/fixtures/objects.json get pods -o jsonpath='{.items[*].metadata.name}'

prints kubectl's exit code, then its stdout and stderr (repr). `Kubectl`
is the same as a context manager, for the tests that re-check the
recorded strings against kubectl when it is installed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.kubectl.fake_apiserver import FakeApiServer

__all__ = ["Kubectl", "available", "FIXTURES"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def available() -> bool:
    return shutil.which("kubectl") is not None


class Kubectl:
    """`with Kubectl(objects) as k: k.run("get", "pods")` -> (exit code, stdout, stderr)."""

    def __init__(self, objects: list[dict], openapi_documents: dict[str, dict] | None = None) -> None:
        self.objects = objects
        self.documents = openapi_documents

    def __enter__(self) -> "Kubectl":
        self.server = FakeApiServer(self.objects, self.documents)
        self.tmp = tempfile.TemporaryDirectory()
        config = Path(self.tmp.name) / "config"
        config.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{self.server.port}"}}],
            "users": [{"name": "fake", "user": {}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake", "namespace": "default"}}],
            "current-context": "fake"}))
        self.env = {**os.environ, "KUBECONFIG": str(config), "HOME": self.tmp.name,
                    "KUBECACHEDIR": str(Path(self.tmp.name) / "cache")}
        return self

    def __exit__(self, *exc) -> None:
        self.server.close()
        self.tmp.cleanup()

    def run(self, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        done = subprocess.run(["kubectl", "--cache-dir", str(Path(self.tmp.name) / "cache"), *args], input=stdin,
                              capture_output=True, text=True, env=self.env, timeout=60)
        return done.returncode, done.stdout, done.stderr


def main(argv: list[str]) -> None:
    with Kubectl(json.loads(Path(argv[0]).read_text())) as k:
        code, out, err = k.run(*argv[1:])
    print(code)
    print(repr(out))
    print(repr(err))


if __name__ == "__main__":
    main(sys.argv[1:])
