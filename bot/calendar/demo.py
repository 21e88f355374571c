"""config/calendar.toml: delegations, meetings and deadlines loaded at start, idempotently.

Items carry a ``key``: an item already loaded is never loaded again, so the file may be read
at every start. Dates are French (« 14 septembre » is the next 14 September) or relative to
another item (``relative_to`` + ``days``), so the demonstration stays in the future.
Also ``upcoming_summary`` for `relais demo`.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar import repository as repo
from bot.calendar.dateinput import localize, parse_datetime
from bot.calendar.model import CalendarError
from bot.calendar.offsets import offsets_from_config
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import MONTREAL, format_local

log = logging.getLogger(__name__)

_MEETING_KEYS = {
    "key",
    "title",
    "date",
    "start",
    "end",
    "relative_to",
    "days",
    "place",
    "video_link",
    "notes",
    "delegations",
    "prepares",
    "debriefs",
}
_DEADLINE_KEYS = {
    "key",
    "title",
    "date",
    "time",
    "relative_to",
    "days",
    "period_days",
    "delegation",
    "notes",
}
_DELEGATION_KEYS = {"name", "role", "channel", "delegates", "substitutes"}


@dataclass
class LoadReport:
    delegations: int = 0
    meetings: int = 0
    deadlines: int = 0
    skipped: list[str] = field(default_factory=list)


def _problem(path: Path, where: str, message: str) -> CalendarError:
    return CalendarError(f"{path} — {where} : {message}")


def _check_keys(path: Path, where: str, item: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise _problem(path, where, f"clé(s) inconnue(s) {', '.join(unknown)}")


def _clock(path: Path, where: str, raw: str) -> time:
    try:
        moment = parse_datetime(f"2001-01-10 {raw}", now=datetime(2001, 1, 1, tzinfo=MONTREAL))
    except CalendarError as exc:
        raise _problem(path, where, exc.message) from None
    return moment.astimezone(MONTREAL).time()


async def load_calendar_file(
    db: Database, path: Path, *, now: datetime, settings: Any = None
) -> LoadReport:
    """Load ``path``; items already loaded (same key or delegation name) are left alone."""
    tz: ZoneInfo = getattr(settings, "timezone", MONTREAL)
    offsets = offsets_from_config(getattr(settings, "config", {}))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))  # noqa: ASYNC240 (small, local)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _problem(path, "fichier", str(exc)) from None
    report = LoadReport()
    delegations: dict[str, int] = {}
    for index, item in enumerate(data.get("delegations", []), start=1):
        where = f"délégation n° {index}"
        _check_keys(path, where, item, _DELEGATION_KEYS)
        for key in ("name", "role", "channel"):
            if not str(item.get(key, "")).strip():
                raise _problem(path, where, f"clé « {key} » manquante")
        existing = await repo.find_delegation(db, item["name"])
        if existing is None:
            existing = await repo.create_delegation(
                db, item["name"], item["role"], item["channel"], now=now
            )
            await repo.set_members(
                db,
                existing.id,
                [(name, name) for name in item.get("delegates", [])],
                [(name, name) for name in item.get("substitutes", [])],
            )
            report.delegations += 1
        delegations[existing.name.casefold()] = existing.id

    def delegation_id(where: str, name: str) -> int:
        found = delegations.get(name.casefold())
        if found is None:
            raise _problem(path, where, t("calendar.delegation.unknown", name=name))
        return found

    starts: dict[str, datetime] = {}
    meeting_ids: dict[str, int] = {}
    rows = await db.fetchall(
        "SELECT id, external_key, start_at FROM cal_meetings WHERE external_key IS NOT NULL"
    )
    for row in rows:
        meeting_ids[row["external_key"]] = row["id"]
        starts[row["external_key"]] = datetime.fromisoformat(row["start_at"])
    due_rows = await db.fetchall(
        "SELECT external_key, due_at FROM cal_deadlines WHERE external_key IS NOT NULL"
    )
    known_deadlines = {row["external_key"] for row in due_rows}

    def day_of(where: str, item: dict[str, Any], at: time) -> datetime:
        if "relative_to" in item:
            anchor = starts.get(item["relative_to"])
            if anchor is None:
                raise _problem(path, where, f"« {item['relative_to']} » inconnu (relative_to)")
            day = anchor.astimezone(tz).date() + timedelta(days=int(item.get("days", 0)))
        elif "date" in item:
            try:
                day = (
                    parse_datetime(
                        str(item["date"]),
                        now=now,
                        tz=tz,
                        default_time=time(23, 59),
                        allow_past=True,
                    )
                    .astimezone(tz)
                    .date()
                )
            except CalendarError as exc:
                raise _problem(path, where, exc.message) from None
        else:
            raise _problem(path, where, "« date » ou « relative_to » attendu")
        try:
            return localize(day, at, tz)
        except CalendarError as exc:
            raise _problem(path, where, exc.message) from None

    new_links: list[tuple[str, str, str]] = []  # (column, meeting key, linked key)
    async with db.transaction() as conn:
        for index, item in enumerate(data.get("meetings", []), start=1):
            where = f"rencontre « {item.get('key', index)} »"
            _check_keys(path, where, item, _MEETING_KEYS)
            if not item.get("key") or not item.get("title"):
                raise _problem(path, where, "« key » et « title » sont requis")
            key = item["key"]
            if key in meeting_ids:
                continue
            start = day_of(where, item, _clock(path, where, item.get("start", "9 h")))
            end = localize(start.date(), _clock(path, where, item.get("end", "12 h")), tz)
            starts[key] = start
            if end <= start:
                raise _problem(
                    path,
                    where,
                    t(
                        "calendar.date.end_before_start",
                        start=format_local(start),
                        end=format_local(end),
                    ),
                )
            if start <= now:
                report.skipped.append(key)
                log.info("calendar file: meeting %s is in the past, not loaded", key)
                continue
            draft = repo.MeetingDraft(
                title=item["title"],
                start=start,
                end=end,
                delegation_ids=tuple(delegation_id(where, n) for n in item.get("delegations", [])),
                place=item.get("place"),
                video_link=item.get("video_link"),
                notes=item.get("notes"),
                external_key=key,
            )
            meeting_ids[key] = await repo.insert_meeting(conn, draft, now=now)
            await repo.insert_reminders(
                conn, "meeting", meeting_ids[key], start, offsets.meetings, now=now, tz=tz
            )
            report.meetings += 1
            if item.get("prepares"):
                new_links.append(("preparatory_id", item["prepares"], key))
            if item.get("debriefs"):
                new_links.append(("debrief_id", item["debriefs"], key))
        for column, target, linked in new_links:
            if target in meeting_ids and linked in meeting_ids:
                await conn.execute(
                    f"UPDATE cal_meetings SET {column} = ? WHERE id = ? AND {column} IS NULL",
                    (meeting_ids[linked], meeting_ids[target]),
                )
        for index, item in enumerate(data.get("deadlines", []), start=1):
            where = f"échéance « {item.get('key', index)} »"
            _check_keys(path, where, item, _DEADLINE_KEYS)
            if not item.get("key") or not item.get("title"):
                raise _problem(path, where, "« key » et « title » sont requis")
            if item["key"] in known_deadlines:
                continue
            due = day_of(where, item, _clock(path, where, item.get("time", "17 h")))
            if due <= now:
                report.skipped.append(item["key"])
                continue
            period = None
            if "period_days" in item:
                period = localize(
                    due.date() - timedelta(days=int(item["period_days"])), time(0, 0), tz
                )
            who = item.get("delegation")
            deadline_id = await repo.insert_deadline(
                conn,
                repo.DeadlineDraft(
                    title=item["title"],
                    due=due,
                    period_start=period,
                    delegation_id=delegation_id(where, who) if who else None,
                    notes=item.get("notes"),
                    external_key=item["key"],
                ),
                now=now,
            )
            await repo.insert_reminders(
                conn, "deadline", deadline_id, due, offsets.deadlines, now=now, tz=tz
            )
            report.deadlines += 1
    if report.meetings or report.deadlines:
        repo.notify_change()
    return report


async def load_configured_calendar(
    db: Database, settings: Any, *, now: datetime
) -> LoadReport | None:
    """The file named by ``[calendar] file`` when ``load_demo`` is on; errors are logged."""
    section = getattr(getattr(settings, "config", None), "calendar", None)
    if section is None or not getattr(section, "load_demo", True):
        return None
    path = settings.config_path(section.file)
    if not path.is_file():
        return None
    try:
        report = await load_calendar_file(db, path, now=now, settings=settings)
    except CalendarError as exc:
        log.error("calendar file not loaded: %s", exc.message)
        return None
    log.info(
        "calendar file %s: %d delegation(s), %d meeting(s), %d deadline(s) added",
        path,
        report.delegations,
        report.meetings,
        report.deadlines,
    )
    return report


async def upcoming_summary(db: Database, settings: Any, now: datetime, days: int = 400) -> str:
    """French plain text listing upcoming meetings and deadlines (for the terminal)."""
    tz: ZoneInfo = getattr(settings, "timezone", MONTREAL)
    until = now + timedelta(days=days)
    meetings = await repo.upcoming_meetings(db, now=now, until=until)
    deadlines = await repo.upcoming_deadlines(db, now=now, until=until)
    names = {d.id: d.name for d in await repo.list_delegations(db)}
    by_id = {m.id: m for m in meetings}
    lines = [t("calendar.summary.meetings", count=len(meetings))]
    for meeting in meetings:
        line = f"  - {format_local(meeting.start, tz=tz)} : {meeting.title}"
        who = ", ".join(names[i] for i in meeting.delegation_ids if i in names)
        if who:
            line += f" ({who})"
        if meeting.place:
            line += f" — {meeting.place}"
        prep = by_id.get(meeting.preparatory_id) if meeting.preparatory_id else None
        if prep is not None:
            line += " — " + t("calendar.summary.prep", when=format_local(prep.start, tz=tz))
        lines.append(line)
    if not meetings:
        lines.append(t("calendar.summary.none"))
    lines.append(t("calendar.summary.deadlines", count=len(deadlines)))
    for deadline in deadlines:
        line = f"  - {format_local(deadline.due, tz=tz)} : {deadline.title}"
        if deadline.period_start is not None:
            line += f" (du {format_local(deadline.period_start, with_time=False, tz=tz)})"
        who = names.get(deadline.delegation_id or 0) or t("calendar.list.everyone")
        line += f" — {who}"
        lines.append(line)
    if not deadlines:
        lines.append(t("calendar.summary.none"))
    return "\n".join(lines)
