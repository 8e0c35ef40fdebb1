"""LimitRanger: defaults merged into pods, and min/max/ratio enforced, with upstream's cases and messages."""
from __future__ import annotations

import pytest

from litekube.model import limitranging


def resources(cpu: str = "", memory: str = "") -> dict:
    out = {}
    if cpu:
        out["cpu"] = cpu
    if memory:
        out["memory"] = memory
    return out


def pod(containers: int, requests: dict, limits: dict) -> dict:
    made = []
    for i in range(containers):
        res = {}
        if requests:
            res["requests"] = dict(requests)
        if limits:
            res["limits"] = dict(limits)
        made.append({"name": f"foo-{i}", "image": f"foo:V{i}", "resources": res})
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "test"}, "spec": {"containers": made}}


def limit_range(kind: str, min_=None, max_=None, default=None, default_request=None, ratio=None) -> dict:
    item = {"type": kind}
    for key, value in (("min", min_), ("max", max_), ("default", default), ("defaultRequest", default_request),
                       ("maxLimitRequestRatio", ratio)):
        if value:
            item[key] = value
    return {"kind": "LimitRange", "metadata": {"name": "abc", "namespace": "test"}, "spec": {"limits": [item]}}


VALID = {"kind": "LimitRange", "metadata": {"name": "abc", "namespace": "test"}, "spec": {"limits": [
    {"type": "Pod", "max": resources("200m", "4Gi"), "min": resources("50m", "2Mi")},
    {"type": "Container", "max": resources("100m", "2Gi"), "min": resources("25m", "1Mi"),
     "default": resources("75m", "10Mi"), "defaultRequest": resources("50m", "5Mi")}]}}


class TestDefaults:
    """TestMergePodResourceRequirements."""

    def test_a_pod_without_resources_gets_every_default(self):
        p = pod(1, {}, {})
        limitranging.default_pod(p, VALID)
        assert p["spec"]["containers"][0]["resources"] == {"limits": resources("75m", "10Mi"),
                                                           "requests": resources("50m", "5Mi")}
        assert p["metadata"]["annotations"][limitranging.ANNOTATION] == (
            "LimitRanger plugin set: cpu, memory request for container foo-0; cpu, memory limit for container foo-0")

    def test_only_what_is_missing_is_merged(self):
        p = pod(1, resources("", "512Mi"), {})
        limitranging.default_pod(p, VALID)
        assert p["spec"]["containers"][0]["resources"] == {"limits": resources("75m", "10Mi"),
                                                           "requests": resources("50m", "512Mi")}
        assert p["metadata"]["annotations"][limitranging.ANNOTATION] == (
            "LimitRanger plugin set: cpu request for container foo-0; cpu, memory limit for container foo-0")

    def test_a_pod_with_everything_set_is_left_alone(self):
        p = pod(1, resources("100m", "512Mi"), resources("200m", "1G"))
        limitranging.default_pod(p, VALID)
        assert p["spec"]["containers"][0]["resources"] == {"requests": resources("100m", "512Mi"),
                                                           "limits": resources("200m", "1G")}
        assert "annotations" not in p["metadata"]

    def test_init_containers_are_named_as_such(self):
        p = pod(1, resources("100m", "512Mi"), resources("200m", "1G"))
        p["spec"]["initContainers"] = [{"name": "setup", "image": "busybox"}]
        limitranging.default_pod(p, VALID)
        assert p["metadata"]["annotations"][limitranging.ANNOTATION] == (
            "LimitRanger plugin set: cpu, memory request for init container setup; "
            "cpu, memory limit for init container setup")


C, P = "Container", "Pod"
SUCCESS = [  # TestPodLimitFunc's success cases
    ("ctr-min-cpu-request", pod(1, resources("100m"), {}), limit_range(C, min_=resources("50m"))),
    ("ctr-min-cpu-request-limit", pod(1, resources("100m"), resources("200m")), limit_range(C, min_=resources("50m"))),
    ("ctr-min-memory-request", pod(1, resources("", "60Mi"), {}), limit_range(C, min_=resources("", "50Mi"))),
    ("ctr-max-cpu-request-limit", pod(1, resources("500m"), resources("1")), limit_range(C, max_=resources("2"))),
    ("ctr-max-cpu-limit", pod(1, {}, resources("1")), limit_range(C, max_=resources("2"))),
    ("ctr-max-mem-request-limit", pod(1, resources("", "250Mi"), resources("", "500Mi")),
     limit_range(C, max_=resources("", "1Gi"))),
    ("ctr-max-cpu-ratio", pod(1, resources("500m"), resources("750m")), limit_range(C, ratio=resources("1.5"))),
    ("pod-min-cpu-request", pod(2, resources("75m"), {}), limit_range(P, min_=resources("100m"))),
    ("pod-max-cpu-request-limit", pod(2, resources("500m"), resources("1")), limit_range(P, max_=resources("2"))),
    ("pod-max-mem-ratio", pod(3, resources("", "300Mi"), resources("", "450Mi")),
     limit_range(P, max_=resources("", "2Gi"), ratio=resources("", "1.5"))),
    # Boundaries: equal to min, to max and to the ratio are allowed.
    ("ctr-request-equals-min", pod(1, resources("50m"), {}), limit_range(C, min_=resources("50m"))),
    ("ctr-limit-equals-max", pod(1, {}, resources("2")), limit_range(C, max_=resources("2"))),
    ("ctr-ratio-equals-max", pod(1, resources("500m"), resources("1")), limit_range(C, ratio=resources("2"))),
]
FAILURE = [  # TestPodLimitFunc's error cases, with upstream's messages
    ("ctr-min-cpu-request", pod(1, resources("40m"), {}), limit_range(C, min_=resources("50m")),
     "minimum cpu usage per Container is 50m, but request is 40m"),
    ("ctr-min-cpu-no-request-limit", pod(1, {}, {}), limit_range(C, min_=resources("50m")),
     "minimum cpu usage per Container is 50m.  No request is specified"),
    ("ctr-min-memory-request-limit", pod(1, resources("", "40Mi"), resources("", "100Mi")),
     limit_range(C, min_=resources("", "50Mi")), "minimum memory usage per Container is 50Mi, but request is 40Mi"),
    ("ctr-max-cpu-request-limit", pod(1, resources("500m"), resources("2500m")), limit_range(C, max_=resources("2")),
     "maximum cpu usage per Container is 2, but limit is 2500m"),
    ("ctr-max-cpu-no-request-limit", pod(1, {}, {}), limit_range(C, max_=resources("2")),
     "maximum cpu usage per Container is 2.  No limit is specified"),
    ("ctr-max-cpu-ratio", pod(1, resources("1250m"), resources("2500m")), limit_range(C, ratio=resources("1")),
     "cpu max limit to request ratio per Container is 1, but provided ratio is 2.000000"),
    ("ctr-ratio-no-request", pod(1, {}, resources("1")), limit_range(C, ratio=resources("1")),
     "cpu max limit to request ratio per Container is 1, but no request is specified or request is 0"),
    ("pod-min-cpu-request", pod(2, resources("40m"), {}), limit_range(P, min_=resources("100m")),
     "minimum cpu usage per Pod is 100m, but request is 80m"),
    ("pod-max-mem-limit", pod(3, {}, resources("", "500Mi")), limit_range(P, max_=resources("", "1Gi")),
     "maximum memory usage per Pod is 1Gi, but limit is 1500Mi"),
    # Boundaries: one milli over max, one milli under min.
    ("ctr-limit-one-over-max", pod(1, {}, resources("2001m")), limit_range(C, max_=resources("2")),
     "maximum cpu usage per Container is 2, but limit is 2001m"),
    ("ctr-request-one-under-min", pod(1, resources("49m"), {}), limit_range(C, min_=resources("50m")),
     "minimum cpu usage per Container is 50m, but request is 49m"),
]


@pytest.mark.parametrize("name,p,lr", [pytest.param(*c, id=c[0]) for c in SUCCESS])
def test_allowed(name, p, lr):
    assert limitranging.verify_pod(p, lr) == []


@pytest.mark.parametrize("name,p,lr,message", [pytest.param(*c, id=c[0]) for c in FAILURE])
def test_refused(name, p, lr, message):
    assert limitranging.verify_pod(p, lr) == [message]


class TestClaims:
    LR = limit_range("PersistentVolumeClaim", min_={"storage": "1Gi"}, max_={"storage": "10Gi"})

    @pytest.mark.parametrize("size", ["1Gi", "10Gi", "5Gi"])
    def test_within_and_at_the_edges(self, size):
        claim = {"spec": {"resources": {"requests": {"storage": size}}}}
        assert limitranging.verify_claim(claim, self.LR) == []

    @pytest.mark.parametrize("size,message", [
        ("1023Mi", "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 1023Mi"),
        ("10241Mi", "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 10241Mi"),
    ])
    def test_outside(self, size, message):
        claim = {"spec": {"resources": {"requests": {"storage": size}}}}
        assert limitranging.verify_claim(claim, self.LR) == [message]
