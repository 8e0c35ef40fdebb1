"""The resource quota controller (pkg/controller/resourcequota): status.hard and status.used.

No I/O happens here.
"""
