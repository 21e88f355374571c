"""Calendar writes announce themselves here, so reminder jobs follow at once."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# Reminder services subscribe here to (re)schedule jobs as soon as rows change.
_change_listeners: list[Callable[[], None]] = []


def on_change(callback: Callable[[], None]) -> Callable[[], None]:
    """Subscribe to calendar writes; returns the unsubscribe function."""
    _change_listeners.append(callback)
    return lambda: _change_listeners.remove(callback) if callback in _change_listeners else None


def notify_change() -> None:
    for callback in list(_change_listeners):
        try:
            callback()
        except Exception:  # a listener must never undo a committed write
            log.exception("calendar change listener failed")
