"""Settings the runtime reads from the environment, checked by the CLI before any command runs.

No I/O happens here beyond reading the environment; this module imports
nothing heavy, so the check costs nothing at start-up.
"""
from __future__ import annotations

import os

from litekube.model import durations

__all__ = ["SETTLE_BUDGET", "frozen_shared", "settle_budget"]

SETTLE_BUDGET = 20.0  # wall seconds one command spends settling before it returns


def settle_budget() -> float:
    """LITEKUBE_SETTLE_TIMEOUT (a duration; 0 means no bound), else SETTLE_BUDGET.

    Raises ValueError for a value that is not a duration.
    """
    text = os.environ.get("LITEKUBE_SETTLE_TIMEOUT")
    if text is None or text == "":
        return SETTLE_BUDGET
    try:
        seconds = float(text) if text.replace(".", "", 1).isdigit() else durations.parse_duration(text)
    except ValueError:
        raise ValueError(f'invalid LITEKUBE_SETTLE_TIMEOUT "{text}": want a duration such as 30s or 2m') from None
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise ValueError(f'invalid LITEKUBE_SETTLE_TIMEOUT "{text}": want a duration such as 30s or 2m')
    return seconds


def frozen_shared() -> bool:
    """LITEKUBE_FROZEN_SHARED=1: the cache's shared containers refuse changes in place (a check for
    reconcilers that mutate what they read; engine/reconcile/sharing.py). Off when unset, 0 or empty."""
    return os.environ.get("LITEKUBE_FROZEN_SHARED", "").strip() not in ("", "0")
