"""The scheduler (pkg/scheduler): one scheduling cycle per pod, its filter and score plugins.

No I/O happens here.
"""
