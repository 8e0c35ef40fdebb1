"""The Services of the Kubernetes documentation, applied through the real CLI, with exact output.

The manifests under tests/manifests/docs-services/ are the documentation's Service examples
(kubernetes/website content/en/examples/service/, .../service/access/, .../service/networking/,
application/guestbook/, and the inline examples of docs/concepts/services-networking/service.md and
dns-pod-service.md), each file naming its source, each example in a namespace of its own (most are
called my-service), with the Deployments and Pods the documentation pairs them with.

Dynamic ClusterIPs are litekube's (the lowest free address of the upper band, 10.96.1.1 on, in the
order `apply -f DIR` creates them: files by name); requested ones (nodePort 30007, clusterIP None) are
honoured; LoadBalancer addresses come from the cluster's pool (172.18.255.200 on). The AGE column is
left out of the comparison: it is the only column that depends on the clock.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests" / "docs-services"


def rows(output: str) -> list[str]:
    """Each line without its last column (AGE)."""
    return [re.sub(r"\s+\S+$", "", line) for line in output.splitlines()]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, cli_db):
    from tests.cli.conftest import Litekube
    lk = Litekube(tmp_path_factory.mktemp("docs-services") / "litekube.db")
    result = lk("init")
    assert result.exit_code == 0, result.output
    result = lk("apply", "-f", str(MANIFESTS))
    assert result.exit_code == 0, result.output
    return lk


def test_every_docs_service_gets_its_cluster_ip_and_ports(cluster):
    result = cluster("get", "svc", "-A")
    assert result.exit_code == 0, result.output
    assert rows(result.output) == [
        'NAMESPACE              NAME                TYPE           CLUSTER-IP   EXTERNAL-IP               PORT(S)',
        'access                 frontend            LoadBalancer   10.96.1.2    172.18.255.200            80:30086/TCP',
        'access                 hello               ClusterIP      10.96.1.1    <none>                    80/TCP',
        'default                kubernetes          ClusterIP      10.96.0.1    <none>                    443/TCP',
        'dns-subdomain          busybox-subdomain   ClusterIP      None         <none>                    1234/TCP',
        'dual-stack             my-service          ClusterIP      10.96.1.3    <none>                    80/TCP',
        'graceful               nginx-service       ClusterIP      10.96.1.9    <none>                    80/TCP',
        'guestbook              frontend            NodePort       10.96.1.6    <none>                    80:30087/TCP',
        'guestbook              redis-follower      ClusterIP      10.96.1.5    <none>                    6379/TCP',
        'guestbook              redis-leader        ClusterIP      10.96.1.4    <none>                    6379/TCP',
        'kube-system            kube-dns            ClusterIP      10.96.0.10   <none>                    53/UDP,53/TCP,9153/TCP',
        'lb-example             my-service          LoadBalancer   10.96.1.7    172.18.255.201            8080:30088/TCP',
        'my-nginx               my-nginx            ClusterIP      10.96.1.10   <none>                    80/TCP',
        'nginx-8000             nginx-service       ClusterIP      10.96.1.8    <none>                    8000/TCP',
        'simple                 my-service          ClusterIP      10.96.1.17   <none>                    80/TCP',
        'svc-external-ips       my-service          ClusterIP      10.96.1.16   198.51.100.32             80/TCP',
        'svc-externalname       my-service          ExternalName   <none>       my.database.example.com   <none>',
        'svc-loadbalancer       my-service          LoadBalancer   10.96.1.15   172.18.255.202            80:30089/TCP',
        'svc-multi-port         my-service          ClusterIP      10.96.1.13   <none>                    80/TCP,443/TCP',
        'svc-named-port         nginx-service       ClusterIP      10.96.1.11   <none>                    80/TCP',
        'svc-nodeport           my-service          NodePort       10.96.1.14   <none>                    80:30007/TCP',
        'svc-without-selector   my-service          ClusterIP      10.96.1.12   <none>                    80/TCP',
    ]


def test_every_docs_service_gets_its_endpointslices(cluster):
    result = cluster("get", "endpointslices", "-A")
    assert result.exit_code == 0, result.output
    assert rows(result.output) == [
        'NAMESPACE              NAME                      ADDRESSTYPE   PORTS        ENDPOINTS',
        'access                 frontend-fmztm            IPv4          80           10.244.1.4',
        'access                 hello-xdfjv               IPv4          80           10.244.0.3,10.244.1.3,10.244.2.2',
        'default                kubernetes                IPv4          6443         172.18.0.1',
        'dns-subdomain          busybox-subdomain-dlqkf   IPv4          1234         10.244.2.3,10.244.2.4',
        'dual-stack             my-service-pfkkb          IPv4          <unset>      <unset>',
        'graceful               nginx-service-hgqbn       IPv4          80           10.244.1.5',
        'guestbook              frontend-fmztm            IPv4          80           10.244.1.6,10.244.2.5,10.244.0.4',
        'guestbook              redis-follower-xklmj      IPv4          6379         10.244.0.5,10.244.1.7',
        'guestbook              redis-leader-kfq77        IPv4          6379         10.244.2.6',
        'kube-system            kube-dns-zw9lk            IPv4          53,53,9153   10.244.1.2,10.244.0.2',
        'lb-example             my-service-pfkkb          IPv4          8080         10.244.0.6,10.244.1.8,10.244.2.7 + 2 more...',
        'my-nginx               my-nginx-9wph5            IPv4          80           10.244.0.8,10.244.2.9',
        'nginx-8000             nginx-service-hgqbn       IPv4          <unset>      <unset>',
        'simple                 my-service-pfkkb          IPv4          <unset>      <unset>',
        'svc-external-ips       my-service-pfkkb          IPv4          <unset>      <unset>',
        'svc-loadbalancer       my-service-pfkkb          IPv4          <unset>      <unset>',
        'svc-multi-port         my-service-pfkkb          IPv4          <unset>      <unset>',
        'svc-named-port         nginx-service-hgqbn       IPv4          80           10.244.0.9',
        'svc-nodeport           my-service-pfkkb          IPv4          <unset>      <unset>',
        'svc-without-selector   my-service-1              IPv4          9376         10.4.5.6,10.1.2.3',
    ]


def test_describe_the_access_tutorials_load_balancer(cluster):
    result = cluster("describe", "service", "frontend", "-n", "access")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    cut = lines.index("Events:")
    assert lines[:cut] == [
        'Name:                     frontend',
        'Namespace:                access',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app.kubernetes.io/name=hello,tier=frontend',
        'Type:                     LoadBalancer',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.1.2',
        'IPs:                      10.96.1.2',
        'LoadBalancer Ingress:     172.18.255.200 (VIP)',
        'Port:                     <unset>  80/TCP',
        'TargetPort:               80/TCP',
        'NodePort:                 <unset>  30086/TCP',
        'Endpoints:                10.244.1.4:80',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
    ]
    assert lines[cut + 1].split() == ["Type", "Reason", "Age", "From", "Message"]
    event = lines[cut + 3].split()
    assert event[:2] == ["Normal", "IPAllocated"] and event[3:] == ["metallb-controller", "Assigned", "IP", '["172.18.255.200"]']
    assert len(lines) == cut + 4


def test_describe_the_headless_subdomain_service(cluster):
    result = cluster("describe", "svc", "busybox-subdomain", "-n", "dns-subdomain")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        'Name:                     busybox-subdomain',
        'Namespace:                dns-subdomain',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 name=busybox',
        'Type:                     ClusterIP',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       None',
        'IPs:                      None',
        'Port:                     foo  1234/TCP',
        'TargetPort:               1234/TCP',
        'Endpoints:                10.244.2.3:1234,10.244.2.4:1234',
        'Session Affinity:         None',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
    ]


def test_describe_the_external_name_service(cluster):
    result = cluster("describe", "svc", "my-service", "-n", "svc-externalname")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        'Name:              my-service',
        'Namespace:         svc-externalname',
        'Labels:            <none>',
        'Annotations:       <none>',
        'Selector:          <none>',
        'Type:              ExternalName',
        'IP Families:       <none>',
        'IP:                ',
        'IPs:               <none>',
        'External Name:     my.database.example.com',
        'Session Affinity:  None',
        'Events:            <none>',
    ]
