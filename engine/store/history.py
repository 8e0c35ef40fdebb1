"""How much changelog compaction keeps: LITEKUBE_HISTORY. This module reads the environment only.

Apart from the rest of the store so that checking the variable (every command
does, before it runs) imports neither the driver nor the store's machinery.
"""
from __future__ import annotations

import os

__all__ = ["DEFAULT_HISTORY", "history_from_env"]

DEFAULT_HISTORY = 10_000


def history_from_env(default: int = DEFAULT_HISTORY) -> int:
    """LITEKUBE_HISTORY, the changelog revisions compaction keeps; ValueError when it is not a count."""
    text = os.environ.get("LITEKUBE_HISTORY")
    if text is None or text == "":
        return default
    if not text.strip().isdigit() or len(text.strip()) > 12:
        raise ValueError(f'invalid LITEKUBE_HISTORY "{text}": want a whole number of revisions (e.g. 10000)')
    return int(text)
