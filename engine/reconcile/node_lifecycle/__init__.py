"""The node lifecycle controller (pkg/controller/nodelifecycle): heartbeats, conditions, taints.

No I/O happens here.
"""
