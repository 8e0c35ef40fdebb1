"""The cluster's pod network, as kubeadm keeps it: `kube-system/kubeadm-config`. No I/O happens here.

`litekube init --cluster-cidr CIDR --node-cidr-mask-size N` stores the pod
subnet and the node mask the way a kubeadm cluster does: the
ClusterConfiguration in the `kubeadm-config` ConfigMap (networking.podSubnet,
and a `node-cidr-mask-size` extra argument of the controller manager when it
is not the default). The node IPAM reads them from there; a cluster without
that ConfigMap uses the defaults, kubeadm's with flannel: 10.244.0.0/16 and
/24, so 256 nodes. The checks are kubeadm's `ValidatePodSubnetNodeMask`.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from litekube import errors

__all__ = ["DEFAULT_POD_SUBNET", "DEFAULT_NODE_MASK", "CONFIG_NAMESPACE", "CONFIG_NAME", "MAX_MASK_DIFF",
           "validate", "config_map", "network", "node_count"]

DEFAULT_POD_SUBNET = "10.244.0.0/16"
DEFAULT_NODE_MASK = 24
CONFIG_NAMESPACE, CONFIG_NAME = "kube-system", "kubeadm-config"
MAX_MASK_DIFF = 16  # kubeadm's PodSubnetNodeMaskMaxDiff


def validate(cidr: str, mask: int) -> str:
    """The canonical IPv4 CIDR; raises ManifestError with kubeadm's reasons."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise errors.ManifestError(f'invalid --cluster-cidr "{cidr}": couldn\'t parse subnet') from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise errors.ManifestError(f'invalid --cluster-cidr "{cidr}": only IPv4 pod subnets are supported')
    if not 0 < mask <= 32:
        raise errors.ManifestError(f"invalid --node-cidr-mask-size {mask}: must be between 1 and 32")
    if net.prefixlen > mask:
        raise errors.ManifestError(
            f'networking.podSubnet: Invalid value: "{net}": the size of pod subnet with mask {net.prefixlen} '
            f"is smaller than the size of node subnet with mask {mask}")
    if mask - net.prefixlen > MAX_MASK_DIFF:
        raise errors.ManifestError(
            f'networking.podSubnet: Invalid value: "{net}": pod subnet mask ({net.prefixlen}) and node-mask '
            f"({mask}) difference is greater than {MAX_MASK_DIFF}")
    return str(net)


def node_count(cidr: str, mask: int) -> int:
    """How many node subnets the cluster CIDR holds."""
    return 1 << (mask - ipaddress.ip_network(cidr, strict=False).prefixlen)


def config_map(cidr: str, mask: int, kubernetes_version: str = "v1.32.0",
               service_subnet: str = "10.96.0.0/12") -> dict:
    """The kubeadm-config ConfigMap for a pod subnet, node mask and service subnet (validated first)."""
    import yaml

    cidr = validate(cidr, mask)
    config: dict = {"apiVersion": "kubeadm.k8s.io/v1beta4", "kind": "ClusterConfiguration",
                    "kubernetesVersion": kubernetes_version, "clusterName": "kubernetes",
                    "networking": {"dnsDomain": "cluster.local", "podSubnet": cidr, "serviceSubnet": service_subnet}}
    if mask != DEFAULT_NODE_MASK:
        config["controllerManager"] = {"extraArgs": [{"name": "node-cidr-mask-size", "value": str(mask)}]}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": CONFIG_NAME, "namespace": CONFIG_NAMESPACE},
            "data": {"ClusterConfiguration": yaml.safe_dump(config, sort_keys=False)}}


@lru_cache(maxsize=64)
def _parse(text: str) -> tuple[str, int]:
    import yaml

    try:
        config = yaml.safe_load(text) or {}
        cidr = ((config.get("networking") or {}).get("podSubnet") or DEFAULT_POD_SUBNET).split(",")[0].strip()
        mask = DEFAULT_NODE_MASK
        for arg in (config.get("controllerManager") or {}).get("extraArgs") or []:
            if isinstance(arg, dict) and arg.get("name") in ("node-cidr-mask-size", "node-cidr-mask-size-ipv4"):
                mask = int(arg.get("value"))
        return validate(cidr, mask), mask
    except (errors.LitekubeError, ValueError, TypeError, AttributeError, yaml.YAMLError):
        return DEFAULT_POD_SUBNET, DEFAULT_NODE_MASK  # a broken config: the controller manager's defaults


def network(config: dict | None) -> tuple[str, int]:
    """(pod subnet, node mask) from the kubeadm-config ConfigMap, or the defaults without one."""
    text = ((config or {}).get("data") or {}).get("ClusterConfiguration")
    return _parse(text) if text else (DEFAULT_POD_SUBNET, DEFAULT_NODE_MASK)
