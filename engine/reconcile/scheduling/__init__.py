"""The scheduler's plugins: node and pod facts, filters, scores.

No I/O happens here. `nodeinfo` precomputes what the plugins read,
`filters` holds the Filter plugins in kube-scheduler's order with their
reason strings, `scores` the Score plugins with their weights and
normalization; `engine.reconcile.scheduler` runs them as one scheduling cycle.
"""
from engine.reconcile.scheduling import filters, nodeinfo, scores

__all__ = ["filters", "nodeinfo", "scores"]
