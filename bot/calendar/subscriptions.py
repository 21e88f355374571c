"""Subscribable calendars: unguessable tokens, and what each feed holds.

One feed for everything public and one per delegation, each behind a token of its own.
Staff revoke a token (its URL answers 404 from then on) or re-issue one (the old URL dies,
the new one is given to members). A token may also carry an expiry.

What is public: a meeting whose delegations are all public (or that has none), a deadline
for everyone or for a public delegation. Nothing of a non-public delegation ever appears in
the public feed, not even its name.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar.delegations import delegations_by_id
from bot.calendar.ics import write_calendar
from bot.calendar.model import CalendarError, Deadline, Delegation, Meeting
from bot.calendar.occurrences import load_exceptions, load_meetings, rule_of
from bot.calendar.offsets import ReminderOffsets
from bot.calendar.recurrence import last_day
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import MONTREAL, from_iso, to_iso

PAST_DAYS = 90  # how far back a feed goes: last quarter's meetings stay in members' calendars
PATH_PREFIX = "/calendrier/"


@dataclass(frozen=True)
class FeedToken:
    id: int
    token: str
    delegation_id: int | None  # None: the public feed
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def valid(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at

    @property
    def scope(self) -> str:
        return "public" if self.delegation_id is None else f"delegation:{self.delegation_id}"


def _token(row: Any) -> FeedToken:
    return FeedToken(
        id=row["id"],
        token=row["token"],
        delegation_id=row["delegation_id"],
        created_at=from_iso(row["created_at"]),
        expires_at=from_iso(row["expires_at"]) if row["expires_at"] else None,
        revoked_at=from_iso(row["revoked_at"]) if row["revoked_at"] else None,
    )


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: not guessable, not enumerable


def _scope_sql(delegation_id: int | None) -> tuple[str, tuple[object, ...]]:
    if delegation_id is None:
        return "delegation_id IS NULL", ()
    return "delegation_id = ?", (delegation_id,)


async def active_token(
    db: Database, delegation_id: int | None, *, now: datetime
) -> FeedToken | None:
    where, params = _scope_sql(delegation_id)
    rows = await db.fetchall(
        f"SELECT * FROM cal_feed_tokens WHERE {where} AND revoked_at IS NULL ORDER BY id DESC",
        params,
    )
    for row in rows:
        token = _token(row)
        if token.valid(now):
            return token
    return None


async def issue_token(
    db: Database,
    delegation_id: int | None,
    *,
    now: datetime,
    valid_days: int | None = None,
) -> FeedToken:
    """A new token for the scope; every earlier one is revoked in the same transaction."""
    where, params = _scope_sql(delegation_id)
    token = new_token()
    expires = to_iso(now + timedelta(days=valid_days)) if valid_days else None
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE cal_feed_tokens SET revoked_at = ? WHERE {where} AND revoked_at IS NULL",
            (to_iso(now), *params),
        )
        cursor = await conn.execute(
            "INSERT INTO cal_feed_tokens(token, delegation_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token, delegation_id, to_iso(now), expires),
        )
        token_id = cursor.lastrowid
    row = await db.fetchone("SELECT * FROM cal_feed_tokens WHERE id = ?", (token_id,))
    assert row is not None
    return _token(row)


async def ensure_token(db: Database, delegation_id: int | None, *, now: datetime) -> FeedToken:
    """The scope's active token, created on first use."""
    return await active_token(db, delegation_id, now=now) or await issue_token(
        db, delegation_id, now=now
    )


async def revoke(db: Database, delegation_id: int | None, *, now: datetime) -> int:
    """Revoke the scope's tokens; returns how many were active."""
    where, params = _scope_sql(delegation_id)
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"UPDATE cal_feed_tokens SET revoked_at = ? WHERE {where} AND revoked_at IS NULL",
            (to_iso(now), *params),
        )
        return cursor.rowcount


async def lookup(db: Database, token: str, *, now: datetime) -> FeedToken | None:
    """The token if it exists and is still valid; None for anything else."""
    if not token or len(token) > 64:
        return None
    row = await db.fetchone("SELECT * FROM cal_feed_tokens WHERE token = ?", (token,))
    if row is None:
        return None
    found = _token(row)
    # Constant-time comparison as well: the index lookup already matched, this only keeps a
    # collation or trailing-space surprise from ever letting another string through.
    if not secrets.compare_digest(found.token, token) or not found.valid(now):
        return None
    return found


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH_PREFIX}{token}.ics"


# --- feed content ----------------------------------------------------------------------------


def is_public_meeting(meeting: Meeting, delegations: dict[int, Delegation]) -> bool:
    return all(i in delegations and delegations[i].public for i in meeting.delegation_ids)


def is_public_deadline(deadline: Deadline, delegations: dict[int, Delegation]) -> bool:
    if deadline.delegation_id is None:
        return True
    found = delegations.get(deadline.delegation_id)
    return found is not None and found.public


async def fingerprint(db: Database, *, now: datetime, tz: ZoneInfo = MONTREAL) -> tuple[str, str]:
    """(validator, latest change ISO) of everything a feed depends on, in one query: what
    makes a 304 cheap. The local day is part of it: the window moves once a day."""
    row = await db.fetchone(
        "SELECT"
        " (SELECT COALESCE(MAX(updated_at), '') || '/' || COUNT(*) FROM cal_meetings) AS m,"
        " (SELECT COALESCE(MAX(updated_at), '') || '/' || COUNT(*) FROM cal_deadlines) AS d,"
        " (SELECT COALESCE(MAX(updated_at), '') || '/' || COUNT(*)"
        "    FROM cal_occurrence_changes) AS o,"
        " (SELECT COALESCE(group_concat(id || ':' || name || ':' || public, '|'), '')"
        "    FROM cal_delegations) AS g,"
        " (SELECT COUNT(*) FROM cal_meeting_delegations) AS l"
    )
    assert row is not None
    parts = (row["m"], row["d"], row["o"], row["g"], str(row["l"]))
    day = now.astimezone(tz).date().isoformat()
    digest = hashlib.sha256("\n".join((*parts, day)).encode("utf-8")).hexdigest()[:32]
    latest = max((p.split("/")[0] for p in parts[:3]), default="")
    return digest, latest


async def feed_items(
    db: Database,
    delegation_id: int | None,
    *,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
) -> tuple[list[Meeting], list[Deadline], dict[int, Delegation]]:
    """What one feed holds (cancelled items included: clients must remove them)."""
    since = now - timedelta(days=PAST_DAYS)
    delegations = await delegations_by_id(db)
    meetings = await load_meetings(
        db,
        "(m.rrule IS NULL AND m.end_at > ?) OR m.rrule IS NOT NULL ORDER BY m.start_at, m.id",
        (to_iso(since),),
    )
    kept = []
    since_day = since.astimezone(tz).date()
    for meeting in meetings:
        if meeting.rrule:
            last = last_day(meeting.start, rule_of(meeting), tz)
            if last is not None and last < since_day:
                continue
        if delegation_id is None:
            if not is_public_meeting(meeting, delegations):
                continue
        elif delegation_id not in meeting.delegation_ids:
            continue
        kept.append(meeting)
    rows = await db.fetchall(
        "SELECT * FROM cal_deadlines WHERE due_at > ? ORDER BY due_at, id", (to_iso(since),)
    )
    deadlines = [Deadline.from_row(r) for r in rows]
    if delegation_id is None:
        deadlines = [d for d in deadlines if is_public_deadline(d, delegations)]
        shown = {i: d for i, d in delegations.items() if d.public}
    else:
        deadlines = [d for d in deadlines if d.delegation_id == delegation_id]
        shown = delegations
    return kept, deadlines, shown


async def feed_body(
    db: Database,
    delegation_id: int | None,
    *,
    defaults: ReminderOffsets,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
) -> bytes:
    meetings, deadlines, delegations = await feed_items(db, delegation_id, now=now, tz=tz)
    exceptions = await load_exceptions(db, [m.id for m in meetings if m.rrule])
    name = t("calendar.ics.name")
    if delegation_id is not None and delegation_id in delegations:
        name = t("calendar.feed.name_delegation", name=delegations[delegation_id].name)
    return write_calendar(
        meetings,
        deadlines,
        delegations=delegations,
        defaults=defaults,
        exceptions=exceptions,
        name=name,
        stamp=now,
        tz=tz,
    )


async def feed_links(
    db: Database, base_url: str, delegation_ids: list[int], *, now: datetime
) -> list[tuple[str, str]]:
    """(name, URL) of the public feed then of each delegation's: what a member receives."""
    links = [
        (
            t("calendar.feed.public"),
            feed_url(base_url, (await ensure_token(db, None, now=now)).token),
        )
    ]
    delegations = await delegations_by_id(db)
    for delegation_id in delegation_ids:
        found = delegations.get(delegation_id)
        if found is None:
            raise CalendarError(t("calendar.delegation.unknown", name=delegation_id))
        token = await ensure_token(db, delegation_id, now=now)
        links.append((found.name, feed_url(base_url, token.token)))
    return links
