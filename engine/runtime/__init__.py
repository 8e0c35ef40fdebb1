"""The runtime: informer cache, work queue, the control-plane loop, clocks, leases. This package does I/O.

Its log records go to the `litekube` logger, silent unless the application
configures it: what a failed reconcile says is kept in ControlPlane.errors.
LITEKUBE_FROZEN_SHARED=1 (settings.frozen_shared) makes the cache's shared
containers refuse changes in place (reconcile/sharing.py), from the import on.
"""
import logging

from litekube.reconcile import sharing as _sharing
from litekube.runtime import settings as _settings

logging.getLogger("litekube").addHandler(logging.NullHandler())
if _settings.frozen_shared():
    _sharing.set_frozen(True)
