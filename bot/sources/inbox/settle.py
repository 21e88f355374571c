"""When is a dropped file complete? When its size and date stop moving."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time of the first observation with these values


class Settler:
    """Decides from successive observations of (size, mtime) whether a file is complete.

    A file is taken once two observations agree, at least ``confirm`` apart, and it has
    not changed for ``stable_seconds`` (either by our own clock or by its mtime: a file
    moved in atomically keeps an old mtime and is taken at once).
    """

    def __init__(
        self,
        stable_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.stable = stable_seconds
        self.confirm = min(stable_seconds, 0.1)
        self._clock = clock
        self._wall = wall
        self._seen: dict[Path, _Seen] = {}

    def observe(self, path: Path, size: int, mtime_ns: int) -> bool:
        now = self._clock()
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (size, mtime_ns):
            self._seen[path] = _Seen(size, mtime_ns, now)
            return False
        unchanged_for = now - seen.since
        if unchanged_for < self.confirm:
            return False
        age = self._wall() - mtime_ns / 1e9
        if unchanged_for >= self.stable or age >= self.stable:
            del self._seen[path]
            return True
        return False

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def __len__(self) -> int:
        return len(self._seen)
