"""The data plane, computed: kube-proxy rules, flannel routes, CoreDNS answers, the system components.

No I/O happens here. Every function takes Service, EndpointSlice, Node and
Pod objects as the Kubernetes API defines them and returns what the node's
kube-proxy, flanneld or CoreDNS would program or answer.
"""
