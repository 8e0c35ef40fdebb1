"""IP families on litekube's single-stack IPv4 cluster, through the real CLI, with exact output.

As kube-apiserver v1.32's initIPFamilyFields (pkg/registry/core/service/storage/alloc.go) on
a cluster with only an IPv4 service CIDR: IPv6 and RequireDualStack are refused, PreferDualStack
gets IPv4 alone; a refused Service is not created.
"""
from __future__ import annotations

import pytest

SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80}}]
{extra}"""


@pytest.fixture
def cluster(lk):
    assert lk("init").exit_code == 0
    return lk


@pytest.mark.parametrize("name, extra, output", [
    ("v6", "  ipFamilies: [IPv6]\n  ipFamilyPolicy: SingleStack\n",
     'The Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster '
     '(error when creating "STDIN")\n'),
    ("v6-default", "  ipFamilies: [IPv6]\n",
     'The Service "v6-default" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this '
     'cluster (error when creating "STDIN")\n'),
    ("dual", "  ipFamilyPolicy: RequireDualStack\n",
     'The Service "dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
     'configured for dual-stack services (error when creating "STDIN")\n'),
    ("dual2", "  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n",
     'The Service "dual2" is invalid: [spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is '
     'not configured for dual-stack services, spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this '
     'cluster] (error when creating "STDIN")\n'),
    ("prefer-v6", "  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]\n",
     'The Service "prefer-v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this '
     'cluster (error when creating "STDIN")\n'),
    ("single2", "  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4, IPv6]\n",
     'The Service "single2" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": must be '
     "'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified "
     '(error when creating "STDIN")\n'),
    ("v6ip", "  clusterIP: fd00::10\n",
     'The Service "v6ip" is invalid: spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not '
     'configured on this cluster (error when creating "STDIN")\n'),
])
def test_refused_and_not_created(cluster, name, extra, output):
    result = cluster("apply", "-f", "-", input=SERVICE.format(name=name, extra=extra))
    assert (result.exit_code, result.output) == (1, output)
    got = cluster("get", "service", name)
    assert (got.exit_code, got.output) == (1, f'Error from server (NotFound): services "{name}" not found\n')


@pytest.mark.parametrize("extra", ["  ipFamilyPolicy: PreferDualStack\n",
                                   "  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4]\n"])
def test_prefer_dual_stack_gets_ipv4_alone(cluster, extra):
    result = cluster("apply", "-f", "-", input=SERVICE.format(name="prefer", extra=extra))
    assert (result.exit_code, result.output) == (0, "service/prefer created\n")
    got = cluster("get", "service", "prefer", "-o",
                  "jsonpath={.spec.ipFamilyPolicy} {.spec.ipFamilies} {.spec.clusterIPs}")
    assert got.output == 'PreferDualStack ["IPv4"] ["10.96.1.1"]'


def test_an_update_to_require_dual_stack_is_refused(cluster):
    assert cluster("apply", "-f", "-", input=SERVICE.format(name="web", extra="")).exit_code == 0
    result = cluster("apply", "-f", "-", input=SERVICE.format(name="web", extra="  ipFamilyPolicy: RequireDualStack\n"))
    assert (result.exit_code, result.output) == (1, (
        'The Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
        'configured for dual-stack services (error when patching "STDIN")\n'))


def test_a_replace_without_a_policy_keeps_the_old_one(cluster):
    extra = "  ipFamilyPolicy: PreferDualStack\n"
    assert cluster("apply", "-f", "-", input=SERVICE.format(name="web", extra=extra)).exit_code == 0
    result = cluster("replace", "-f", "-", input=SERVICE.format(name="web", extra=""))
    assert (result.exit_code, result.output) == (0, "service/web replaced\n")
    got = cluster("get", "service", "web", "-o", "jsonpath={.spec.ipFamilyPolicy} {.spec.ipFamilies}")
    assert got.output == 'PreferDualStack ["IPv4"]'
