"""Calendar feeds over real HTTP (aiohttp on an ephemeral loopback port): text/calendar,
ETag / Last-Modified with 304, the change shows at once, dead tokens get an empty 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import icalendar
import pytest
from aiohttp import web

from bot.calendar import repository as repo
from bot.calendar import subscriptions as subs
from bot.calendar.offsets import (
    DEFAULT_DEADLINE_OFFSETS,
    DEFAULT_MEETING_OFFSETS,
    ReminderOffsets,
    parse_offset,
)
from bot.store.db import Database
from bot.web.calendar import CalendarFeeds

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
DEFAULTS = ReminderOffsets(
    tuple(parse_offset(s) for s in DEFAULT_MEETING_OFFSETS),
    tuple(parse_offset(s) for s in DEFAULT_DEADLINE_OFFSETS),
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Database, str, CalendarFeeds, Clock]]:
    db = await Database.open(tmp_path / "feeds.db")
    clock = Clock()
    feeds = CalendarFeeds(lambda: db, defaults=DEFAULTS, clock=clock)
    app = web.Application()
    app.add_routes(feeds.routes())
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield db, f"http://127.0.0.1:{port}", feeds, clock
    finally:
        await runner.cleanup()
        await db.close()


async def test_feed_conditional_get_and_change(
    served: tuple[Database, str, CalendarFeeds, Clock],
) -> None:
    db, base, feeds, clock = served
    start = NOW + timedelta(days=20)
    meeting = await repo.create_meeting(
        db, repo.MeetingDraft("Assemblée", start, start + timedelta(hours=2)), now=NOW,
        offsets=DEFAULTS.meetings,
    )  # fmt: skip
    token = await subs.ensure_token(db, None, now=NOW)
    url = subs.feed_url(base, token.token)
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            etag, modified = answer.headers["ETag"], answer.headers["Last-Modified"]
            body = await answer.read()
        [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Assemblée"
        async with http.get(url, headers={"If-None-Match": etag}) as answer:
            assert answer.status == 304 and await answer.read() == b""
            assert answer.headers["ETag"] == etag
        async with http.get(url, headers={"If-Modified-Since": modified}) as answer:
            assert answer.status == 304
        async with http.head(url) as answer:
            assert answer.status == 200
        assert feeds.built == 1  # same data: the cached body was served again

        clock.now = NOW + timedelta(seconds=5)
        await repo.update_meeting(db, meeting.id, now=clock.now, offsets=DEFAULTS.meetings,
                                  title="Assemblée générale")  # fmt: skip
        async with http.get(url, headers={"If-None-Match": etag}) as answer:
            assert answer.status == 200 and answer.headers["ETag"] != etag
            [event] = icalendar.Calendar.from_ical(await answer.read()).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Assemblée générale" and event.decoded("SEQUENCE") == 1


async def test_dead_tokens_get_an_empty_404(
    served: tuple[Database, str, CalendarFeeds, Clock],
) -> None:
    db, base, _, clock = served
    old = await subs.ensure_token(db, None, now=NOW)
    new = await subs.issue_token(db, None, now=NOW, valid_days=1)
    async with aiohttp.ClientSession() as http:
        answers = []
        for path in (
            subs.feed_url(base, old.token),  # re-issued
            subs.feed_url(base, "pas-un-jeton"),
            f"{base}/calendrier/{new.token}",  # no .ics
        ):
            async with http.get(path) as answer:
                answers.append((answer.status, await answer.read()))
        clock.now = NOW + timedelta(days=2)  # expired
        async with http.get(subs.feed_url(base, new.token)) as answer:
            answers.append((answer.status, await answer.read()))
        await subs.revoke(db, None, now=NOW)
        clock.now = NOW
        async with http.get(subs.feed_url(base, new.token)) as answer:
            answers.append((answer.status, await answer.read()))
    assert {status for status, _ in answers} == {404}
    assert {body for _, body in answers if body} <= {b"404: Not Found"}
    assert answers[0][1] == b"" and answers[-1][1] == b""
