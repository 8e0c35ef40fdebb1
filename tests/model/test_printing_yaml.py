"""-o yaml as kubectl writes it (go-yaml v2 under sigs.k8s.io/yaml): which strings are quoted, and how."""
from __future__ import annotations

import pytest

from litekube.model import printing


@pytest.mark.parametrize("value,printed", [
    # Recorded from kubectl v1.32.4: `kubectl create namespace VALUE --dry-run=client -o yaml`.
    ("x", "x"), ("no-quotes", "no-quotes"),
    ("n", '"n"'), ("N", '"N"'), ("y", '"y"'), ("Y", '"Y"'),  # YAML 1.1 booleans to go-yaml, not to PyYAML
    ("yes", '"yes"'), ("no", '"no"'), ("on", '"on"'), ("off", '"off"'), ("true", '"true"'),
    ("1", '"1"'), ("1.5", '"1.5"'), ("1e3", '"1e3"'),
    ("yy", "yy"), ("nn", "nn"),
])
def test_scalar_quoting(value, printed):
    assert printing.to_yaml([{"name": value}]) == f"name: {printed}"


def test_a_quoted_string_reads_back_as_the_same_string():
    import yaml

    for value in ("n", "Y", "yes", "1.5", "x"):
        assert yaml.safe_load(printing.to_yaml([{"name": value}])) == {"name": value}
