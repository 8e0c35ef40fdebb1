"""Fuzzing the input boundary through the real CLI: never a traceback, a hang or a partial write."""
from __future__ import annotations

from collections import Counter

from tests.reliability import corpus, fuzzing, harness


def test_the_corpus_is_deterministic_and_covers_every_family():
    first, again = corpus.cases(7, 60), corpus.cases(7, 60)
    assert [c.data for c in first] == [c.data for c in again]
    families = Counter(c.name.split("/")[0] for c in corpus.cases(7, 400))
    assert set(families) == {"seed", "hostile", "typed", "text"}


def test_every_case_gets_an_answer_and_a_refusal_writes_nothing(empty_cluster, tmp_path, cli_db):
    cases = corpus.cases(seed=20261202, count=harness.scaled(300, 2600))
    report = fuzzing.run_cases(cases, empty_cluster, tmp_path, timeout=harness.scaled(60, 120))
    exits = Counter(o.exit for o in report.outcomes)
    harness.FIGURES[f"fuzz ({cli_db})"] = {
        "cases": len(report.outcomes), "accepted": exits.get(0, 0), "refused (exit 1)": exits.get(1, 0),
        "usage (exit 2)": exits.get(2, 0), "violations": len(report.violations),
        "slowest case s": round(max(o.seconds for o in report.outcomes), 1),
        "peak worker RSS MiB": round(report.peak_rss_mib)}
    assert [(o.name, o.violation) for o in report.violations] == []
    by_name = {o.name: o for o in report.outcomes}
    # the documentation's examples apply as they are
    assert all(by_name[f"seed/{name}"].exit == 0 for name, _ in corpus.seeds())
    # and a few hostile shapes get exactly kubectl's answer
    assert by_name["hostile/alias/billion-laughs"].first_line.endswith(
        "yaml: document contains excessive aliasing")
    assert by_name["hostile/dup/name"].first_line == (
        'Error from server (BadRequest): error when creating "{}": ConfigMap in version "v1" cannot be handled '
        "as a ConfigMap: strict decoding error: yaml: unmarshal errors:".format(
            by_name["hostile/dup/name"].first_line.split('"')[1]))
    assert by_name["hostile/work/replicas-100000"].exit == 0
