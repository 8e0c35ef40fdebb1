"""The runtime: informer cache, work queue, the control-plane loop, clocks, leases. This package does I/O.

Its log records go to the `litekube` logger, silent unless the application
configures it: what a failed reconcile says is kept in ControlPlane.errors.
"""
import logging

logging.getLogger("litekube").addHandler(logging.NullHandler())
