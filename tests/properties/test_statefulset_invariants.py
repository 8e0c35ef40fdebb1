"""StatefulSet invariants under random scaling, readiness and failures (the controller as a pure function)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile.common import pod_ranking
from litekube.reconcile.statefulset import utils
from tests.reconcile.statefulset_fixtures import Cluster, sts

OPS = st.lists(st.one_of(
    st.tuples(st.just("scale"), st.integers(0, 6)),
    st.tuples(st.just("ready"), st.integers(0, 6)),
    st.tuples(st.just("fail"), st.integers(0, 6)),
    st.tuples(st.just("finish"), st.just(0)),
    st.tuples(st.just("sync"), st.just(0))), max_size=40)


@settings(max_examples=60, deadline=None)
@given(OPS, st.sampled_from(["OrderedReady", "Parallel"]))
def test_one_pod_per_ordinal_and_ordered_creation(ops, policy):
    c = Cluster(sts(3, policy=policy), graceful=True)
    for op, n in ops:
        if op == "scale":
            c.scale(n)
        elif op == "ready" and c.get("Pod", f"web-{n}"):
            c.ready(f"web-{n}")
        elif op == "fail" and c.get("Pod", f"web-{n}"):
            c.set_phase(f"web-{n}", "Failed")
        elif op == "finish":
            c.finish_terminating()
        before = {p["metadata"]["name"]: p for p in c.pods()}
        seen = len(c.log)
        c.sync()
        created = [x.split()[-1] for x in c.log[seen:] if x.startswith("create Pod")]
        ordinals = [utils.ordinal(p) for p in c.pods()]
        assert len(ordinals) == len(set(ordinals))
        for pod in c.pods():
            assert pod["metadata"]["labels"][utils.POD_INDEX_LABEL] == str(utils.ordinal(pod))
        if policy == "OrderedReady":
            assert len(created) <= 1
            for name in created:
                k = int(name.rsplit("-", 1)[1])
                for i in range(k):
                    prior = before.get(f"web-{i}")
                    assert prior is not None and prior["status"]["phase"] == "Running" and pod_ranking.is_ready(prior)
