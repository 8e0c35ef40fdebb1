"""The system components of a kind/kubeadm cluster with flannel, as objects. No I/O happens here.

`objects(proxy_mode, backend)` gives kube-system's CoreDNS (ConfigMap
`coredns` with kubeadm's Corefile, Deployment `coredns` of 2, Service
`kube-dns` at the service CIDR's tenth address, 10.96.0.10 by default) and kube-proxy (ConfigMap with the
KubeProxyConfiguration, DaemonSet), and kube-flannel's Namespace,
ConfigMap `kube-flannel-cfg` and DaemonSet `kube-flannel-ds`, with
kubeadm's and kube-flannel.yml's labels, tolerations and priority classes.
`config_maps(...)` are the two ConfigMaps alone: what selects the proxy
mode and the flannel backend.
"""
from __future__ import annotations

import json

__all__ = ["KUBE_SYSTEM", "KUBE_PROXY", "KUBE_FLANNEL", "FLANNEL_CONFIG", "PROXY_MODES", "proxy_mode_of",
           "config_maps", "objects", "COREFILE"]

KUBE_SYSTEM, KUBE_PROXY = "kube-system", "kube-proxy"
KUBE_FLANNEL, FLANNEL_CONFIG = "kube-flannel", "kube-flannel-cfg"
PROXY_MODES = ("iptables", "ipvs")
FLANNEL_IMAGE, CNI_PLUGIN_IMAGE = "ghcr.io/flannel-io/flannel:v0.26.1", "ghcr.io/flannel-io/flannel-cni-plugin:v1.6.0-flannel1"

COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""

CNI_CONF = json.dumps({"name": "cbr0", "cniVersion": "0.3.1", "plugins": [
    {"type": "flannel", "delegate": {"hairpinMode": True, "isDefaultGateway": True}},
    {"type": "portmap", "capabilities": {"portMappings": True}}]}, indent=2) + "\n"


def proxy_mode_of(config: str | None) -> str:
    """The `mode:` of a KubeProxyConfiguration (iptables when unset, as on Linux)."""
    for line in (config or "").splitlines():
        key, _, value = line.partition(":")
        if key == "mode" and value.strip().strip('"') in PROXY_MODES:
            return value.strip().strip('"')
    return "iptables"


def _proxy_config(mode: str, cluster_cidr: str) -> str:
    return ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: "
            f"{cluster_cidr}\nconfigSyncPeriod: 15m0s\nconntrack:\n  maxPerCore: 32768\n  min: 131072\n"
            "detectLocalMode: \"\"\nenableProfiling: false\nhealthzBindAddress: \"\"\n"
            "iptables:\n  localhostNodePorts: null\n  masqueradeAll: false\n  masqueradeBit: null\n"
            "  minSyncPeriod: 1s\n  syncPeriod: 0s\nipvs:\n  scheduler: \"\"\n  syncPeriod: 0s\n"
            f"kind: KubeProxyConfiguration\nmetricsBindAddress: \"\"\nmode: {mode}\n")


def _net_conf(network: str, backend: str) -> str:
    return json.dumps({"Network": network, "EnableNFTables": False, "Backend": {"Type": backend}}, indent=2) + "\n"


def config_maps(proxy_mode: str = "iptables", backend: str = "vxlan", network: str = "10.244.0.0/16") -> list[dict]:
    """kube-system/kube-proxy and kube-flannel/kube-flannel-cfg."""
    flannel_labels = {"tier": "node", "k8s-app": "flannel", "app": "flannel"}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": KUBE_PROXY, "namespace": KUBE_SYSTEM, "labels": {"app": "kube-proxy"}},
         "data": {"config.conf": _proxy_config(proxy_mode, network)}},
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": FLANNEL_CONFIG, "namespace": KUBE_FLANNEL, "labels": flannel_labels},
         "data": {"cni-conf.json": CNI_CONF, "net-conf.json": _net_conf(network, backend)}},
    ]


def _coredns(dns_ip: str) -> list[dict]:
    labels = {"k8s-app": "kube-dns"}
    container = {
        "name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3", "imagePullPolicy": "IfNotPresent",
        "args": ["-conf", "/etc/coredns/Corefile"],
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}],
        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"add": ["NET_BIND_SERVICE"],
                                                                                 "drop": ["ALL"]},
                            "readOnlyRootFilesystem": True},
        "livenessProbe": {"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60,
                          "timeoutSeconds": 5, "successThreshold": 1, "failureThreshold": 5},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}},
    }
    affinity = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100,
        "podAffinityTerm": {"labelSelector": {"matchExpressions": [
            {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]}, "topologyKey": "kubernetes.io/hostname"}}]}}
    return [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "coredns", "namespace": KUBE_SYSTEM},
         "data": {"Corefile": COREFILE}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coredns", "namespace": KUBE_SYSTEM}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": KUBE_SYSTEM, "labels": labels},
         "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
                      "affinity": affinity,
                      "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                      {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                      "nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [container],
                      "dnsPolicy": "Default",
                      "volumes": [{"name": "config-volume", "configMap": {
                          "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": KUBE_SYSTEM,
                      "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                 "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": dns_ip, "selector": labels,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}},
    ]


def _kube_proxy() -> list[dict]:
    labels = {"k8s-app": "kube-proxy"}
    container = {
        "name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.32.0", "imagePullPolicy": "IfNotPresent",
        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                    "--hostname-override=$(NODE_NAME)"],
        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
        "securityContext": {"privileged": True},
        "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                         {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                         {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}],
    }
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "kube-proxy", "namespace": KUBE_SYSTEM}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "kube-proxy", "namespace": KUBE_SYSTEM, "labels": labels},
         "spec": {"selector": {"matchLabels": labels}, "updateStrategy": {"type": "RollingUpdate"},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "containers": [container], "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
                      "priorityClassName": "system-node-critical", "serviceAccountName": "kube-proxy",
                      "tolerations": [{"operator": "Exists"}],
                      "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                                  {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock",
                                                                        "type": "FileOrCreate"}},
                                  {"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}]}}}},
    ]


def _flannel() -> list[dict]:
    labels = {"tier": "node", "app": "flannel"}
    container = {
        "name": "kube-flannel", "image": FLANNEL_IMAGE, "command": ["/opt/bin/flanneld"],
        "args": ["--ip-masq", "--kube-subnet-mgr"], "resources": {"requests": {"cpu": "100m", "memory": "50Mi"}},
        "securityContext": {"privileged": False, "capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "EVENT_QUEUE_DEPTH", "value": "5000"}],
        "volumeMounts": [{"name": "run", "mountPath": "/run/flannel"},
                         {"name": "flannel-cfg", "mountPath": "/etc/kube-flannel/"},
                         {"name": "xtables-lock", "mountPath": "/run/xtables.lock"}],
    }
    inits = [
        {"name": "install-cni-plugin", "image": CNI_PLUGIN_IMAGE, "command": ["cp"],
         "args": ["-f", "/flannel", "/opt/cni/bin/flannel"],
         "volumeMounts": [{"name": "cni-plugin", "mountPath": "/opt/cni/bin"}]},
        {"name": "install-cni", "image": FLANNEL_IMAGE, "command": ["cp"],
         "args": ["-f", "/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"],
         "volumeMounts": [{"name": "cni", "mountPath": "/etc/cni/net.d"},
                          {"name": "flannel-cfg", "mountPath": "/etc/kube-flannel/"}]},
    ]
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": KUBE_FLANNEL, "labels": {
            "k8s-app": "flannel", "pod-security.kubernetes.io/enforce": "privileged"}}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
            "name": "flannel", "namespace": KUBE_FLANNEL, "labels": {"k8s-app": "flannel"}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "kube-flannel-ds", "namespace": KUBE_FLANNEL,
                      "labels": {"tier": "node", "app": "flannel", "k8s-app": "flannel"}},
         "spec": {"selector": {"matchLabels": {"app": "flannel"}}, "template": {"metadata": {"labels": labels},
                  "spec": {
                      "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                          "nodeSelectorTerms": [{"matchExpressions": [
                              {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}},
                      "hostNetwork": True, "priorityClassName": "system-node-critical",
                      "tolerations": [{"operator": "Exists", "effect": "NoSchedule"}],
                      "serviceAccountName": "flannel", "initContainers": inits, "containers": [container],
                      "volumes": [{"name": "run", "hostPath": {"path": "/run/flannel"}},
                                  {"name": "cni-plugin", "hostPath": {"path": "/opt/cni/bin"}},
                                  {"name": "cni", "hostPath": {"path": "/etc/cni/net.d"}},
                                  {"name": "flannel-cfg", "configMap": {"name": FLANNEL_CONFIG}},
                                  {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock",
                                                                        "type": "FileOrCreate"}}]}}}},
    ]


def objects(proxy_mode: str = "iptables", backend: str = "vxlan", network: str = "10.244.0.0/16",
            dns_ip: str = "10.96.0.10") -> list[dict]:
    """Every system component object, Namespaces first, then ConfigMaps before the workloads that mount them.

    `dns_ip` is kube-dns's clusterIP: the tenth address of the service CIDR (kubeadm's
    clusterDNS), 10.96.0.10 on the default 10.96.0.0/12.
    """
    flannel = _flannel()
    proxy_cm, flannel_cm = config_maps(proxy_mode, backend, network)
    return [flannel[0], *_coredns(dns_ip), proxy_cm, *_kube_proxy(), flannel_cm, *flannel[1:]]
