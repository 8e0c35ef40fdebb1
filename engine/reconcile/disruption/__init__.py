"""The disruption controller (pkg/controller/disruption): PodDisruptionBudget status and eviction checks.

No I/O happens here.
"""
