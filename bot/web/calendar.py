"""Calendar feeds over HTTP: ``GET /calendrier/<token>.ics``, for calendar clients.

Routes only (``CalendarFeeds(...).routes()`` gives aiohttp route definitions); the listener
itself is ``bot.web.server.WebServer``. Answers:
- a valid token: the feed, ``text/calendar``, with ``ETag`` and ``Last-Modified``; a client
  that sends ``If-None-Match`` (or ``If-Modified-Since``) for an unchanged calendar gets 304
  after one token lookup and one cheap query, without the feed being built;
- anything else (unknown, revoked or expired token, another path under /calendrier/):
  an empty 404, the same for every case, so that nothing can be learnt from it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.calendar.offsets import ReminderOffsets, offsets_text
from bot.calendar.subscriptions import PATH_PREFIX, feed_body, fingerprint, lookup
from bot.store.db import Database
from bot.timeutil import MONTREAL, from_iso, utc_now

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/calendar"


class CalendarFeeds:
    """The handler, with its cache: the last body built per feed, keyed by its ETag."""

    def __init__(
        self,
        db: Callable[[], Database],
        *,
        defaults: ReminderOffsets,
        tz: ZoneInfo = MONTREAL,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self.defaults = defaults
        self.tz = tz
        self.clock = clock
        self._cache: dict[str, tuple[str, bytes]] = {}
        self._config = hashlib.sha256(
            f"{offsets_text(defaults.meetings)}|{offsets_text(defaults.deadlines)}|{tz.key}".encode()
        ).hexdigest()[:8]
        self.built = 0  # feeds built (not served from the cache): tests and metrics

    def routes(self) -> list[web.RouteDef]:
        return [web.get(PATH_PREFIX + "{token}.ics", self.handle)]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        now = self.clock()
        db = self._db()
        token = await lookup(db, request.match_info.get("token", ""), now=now)
        if token is None:
            return web.Response(status=404)
        digest, latest = await fingerprint(db, now=now, tz=self.tz)
        etag = f'"{token.scope.replace(":", "-")}-{digest}-{self._config}"'
        modified = from_iso(latest).replace(microsecond=0) if latest else token.created_at
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
            "Cache-Control": "private, max-age=300",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex, nofollow",
        }
        if _not_modified(request, etag, modified):
            return web.Response(status=304, headers=headers)
        cached = self._cache.get(token.scope)
        if cached is not None and cached[0] == etag:
            body = cached[1]
        else:
            body = await feed_body(
                db, token.delegation_id, defaults=self.defaults, now=now, tz=self.tz
            )
            self._cache[token.scope] = (etag, body)
            self.built += 1
        headers["Content-Disposition"] = 'inline; filename="relais.ics"'
        return web.Response(body=body, content_type=CONTENT_TYPE, charset="utf-8", headers=headers)


def _not_modified(request: web.Request, etag: str, modified: datetime) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in wanted or etag in wanted
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return modified <= when
    return False
