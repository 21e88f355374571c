"""One log line when Discord goes away, one when it is back, whoever notices.

Both the gateway (commands, buttons) and the outbox (posts) notice an outage; the operator
needs one WARNING when it starts and one INFO when everything works again, not a line (or a
traceback) per attempt and per part.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class OutageLog:
    def __init__(self) -> None:
        self.started: float | None = None
        self.down: set[str] = set()  # parts that lost Discord: "gateway", "posts"
        self.outages = 0

    @property
    def active(self) -> bool:
        return self.started is not None

    def lost(self, part: str, error: object) -> None:
        if part in self.down:
            return
        self.down.add(part)
        if self.started is None:
            self.started = time.monotonic()
            self.outages += 1
            log.warning("Discord unreachable (%s: %s); retrying, nothing is lost", part, error)
        else:
            log.debug("Discord unreachable for %s too: %s", part, error)

    def back(self, part: str) -> float | None:
        """``part`` works again; the outage's length once no part is down any more."""
        if part not in self.down:
            return None
        self.down.discard(part)
        if self.down or self.started is None:
            return None
        lasted = time.monotonic() - self.started
        self.started = None
        log.info("Discord reachable again after %.0f s: posts and commands resume", lasted)
        return lasted
