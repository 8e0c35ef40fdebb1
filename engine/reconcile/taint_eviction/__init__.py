"""The taint eviction controller (pkg/controller/tainteviction): NoExecute taints evict pods.

No I/O happens here.
"""
