"""The simulated kubelet (pkg/kubelet): pod lifecycle, node heartbeats and status.

No I/O happens here.
"""
