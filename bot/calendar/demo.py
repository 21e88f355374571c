"""config/calendar.toml: delegations, meetings and deadlines loaded at start, idempotently.

Items carry a ``key``: an item already loaded is never loaded again, so the file may be read
at every start. Dates are French (« 14 septembre » is the next 14 September) or relative to
another item (``relative_to`` + ``days``), so the demonstration stays in the future.
Reading is in two steps: ``plan_calendar`` (pure: every mistake named, nothing written; also
what `relais check` runs) then ``load_calendar_file`` (writes what is new, in one transaction).
Also ``upcoming_summary`` for `relais demo`.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar import repository as repo
from bot.calendar.calendar_file import CalendarFile, validate_file
from bot.calendar.dateinput import localize, parse_datetime
from bot.calendar.model import CalendarError
from bot.calendar.offsets import offsets_from_config
from bot.calendar.recurrence import parse_recurrence, series_start
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import MONTREAL, format_local, from_iso

log = logging.getLogger(__name__)


@dataclass
class PlannedMeeting:
    key: str
    title: str
    start: datetime
    end: datetime
    delegations: list[str]
    place: str | None = None
    video_link: str | None = None
    notes: str | None = None
    prepares: str | None = None
    debriefs: str | None = None
    rrule: str | None = None
    reminders: str | None = None


@dataclass
class PlannedDeadline:
    key: str
    title: str
    due: datetime
    period_start: datetime | None
    delegation: str | None
    notes: str | None = None
    reminders: str | None = None


@dataclass
class CalendarPlan:
    delegations: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[PlannedMeeting] = field(default_factory=list)
    deadlines: list[PlannedDeadline] = field(default_factory=list)


@dataclass
class LoadReport:
    delegations: int = 0
    meetings: int = 0
    deadlines: int = 0
    skipped: list[str] = field(default_factory=list)


def _problem(path: Path, where: str, message: str) -> CalendarError:
    return CalendarError(f"{path} — {where} : {message}")


def read_calendar_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _problem(path, "fichier", str(exc)) from None
    return validate_file(data, path)


def plan_calendar(
    data: dict[str, Any],
    path: Path,
    *,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
    known_starts: dict[str, datetime] | None = None,
    known_delegations: set[str] | None = None,
) -> CalendarPlan:
    """Check and resolve the file's content; raise ``CalendarError`` naming file and item."""
    plan = CalendarPlan()
    starts = dict(known_starts or {})
    delegation_names = {n.casefold() for n in known_delegations or set()}

    def clock(where: str, raw: str) -> time:
        try:
            moment = parse_datetime(f"2001-01-10 {raw}", now=datetime(2001, 1, 1, tzinfo=tz), tz=tz)
        except CalendarError as exc:
            raise _problem(path, where, exc.message) from None
        return moment.astimezone(tz).time()

    def moment(where: str, item: dict[str, Any], at: time) -> datetime:
        if "relative_to" in item:
            anchor = starts.get(item["relative_to"])
            if anchor is None:
                raise _problem(path, where, f"« {item['relative_to']} » inconnu (relative_to)")
            day = anchor.astimezone(tz).date() + timedelta(days=int(item.get("days", 0)))
        elif "date" in item:
            try:
                found = parse_datetime(
                    str(item["date"]), now=now, tz=tz, default_time=time(23, 59), allow_past=True
                )
            except CalendarError as exc:
                raise _problem(path, where, exc.message) from None
            day = found.astimezone(tz).date()
        else:
            raise _problem(path, where, "« date » ou « relative_to » attendu")
        try:
            return localize(day, at, tz)
        except CalendarError as exc:
            raise _problem(path, where, exc.message) from None

    def delegation(where: str, name: str) -> str:
        if name.casefold() not in delegation_names:
            raise _problem(path, where, t("calendar.delegation.unknown", name=name))
        return name

    for index, item in enumerate(data.get("delegations", []), start=1):
        where = f"délégation n° {index}"
        for key in ("name", "role", "channel"):
            if not str(item.get(key, "")).strip():
                raise _problem(path, where, f"clé « {key} » manquante")
        delegation_names.add(str(item["name"]).casefold())
        plan.delegations.append(item)

    def entries(section: str, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each item of ``section`` with where it stands, once its key and title are there."""
        for index, item in enumerate(data.get(section, []), start=1):
            where = f"{label} « {item.get('key', index) if isinstance(item, dict) else index} »"
            if not item.get("key") or not item.get("title"):
                raise _problem(path, where, "« key » et « title » sont requis")
            yield where, item

    def reminders(item: dict[str, Any]) -> str | None:
        return ", ".join(item["reminders"]) if item.get("reminders") else None

    for where, item in entries("meetings", "rencontre"):
        start = moment(where, item, clock(where, item.get("start", "9 h")))
        rrule = None
        if item.get("recurrence"):
            try:
                parsed = parse_recurrence(
                    item["recurrence"], first_day=start.astimezone(tz).date(), now=now, tz=tz
                )
                if parsed.at is not None and "start" not in item:
                    start = localize(start.astimezone(tz).date(), parsed.at, tz)
                start = series_start(start, parsed.rule, tz)
            except CalendarError as exc:
                raise _problem(path, where, exc.message) from None
            rrule = parsed.rule.to_rule()
        end = localize(start.astimezone(tz).date(), clock(where, item.get("end", "12 h")), tz)
        if end <= start:
            message = t(
                "calendar.date.end_before_start",
                start=format_local(start, tz=tz),
                end=format_local(end, tz=tz),
            )
            raise _problem(path, where, message)
        starts.setdefault(item["key"], start)
        plan.meetings.append(
            PlannedMeeting(
                key=item["key"],
                title=item["title"],
                start=start,
                end=end,
                delegations=[delegation(where, n) for n in item.get("delegations", [])],
                place=item.get("place"),
                video_link=item.get("video_link"),
                notes=item.get("notes"),
                prepares=item.get("prepares"),
                debriefs=item.get("debriefs"),
                rrule=rrule,
                reminders=reminders(item),
            )
        )
    keys = set(starts)
    for planned in plan.meetings:
        for linked in (planned.prepares, planned.debriefs):
            if linked and linked not in keys:
                raise _problem(path, f"rencontre « {planned.key} »", f"« {linked} » inconnu")

    for where, item in entries("deadlines", "échéance"):
        due = moment(where, item, clock(where, item.get("time", "17 h")))
        period = None
        if "period_days" in item:
            first_day = due.astimezone(tz).date() - timedelta(days=int(item["period_days"]))
            period = localize(first_day, time(0, 0), tz)
        who = item.get("delegation")
        plan.deadlines.append(
            PlannedDeadline(
                key=item["key"],
                title=item["title"],
                due=due,
                period_start=period,
                delegation=delegation(where, who) if who else None,
                notes=item.get("notes"),
                reminders=reminders(item),
            )
        )
    return plan


async def load_calendar_file(
    db: Database, path: Path, *, now: datetime, settings: Any = None
) -> LoadReport:
    """Load ``path``; items already loaded (same key or delegation name) are left alone."""
    tz: ZoneInfo = getattr(settings, "timezone", MONTREAL)
    offsets = offsets_from_config(getattr(settings, "config", {}))
    data = read_calendar_file(path)
    meeting_rows = await db.fetchall(
        "SELECT id, external_key, start_at FROM cal_meetings WHERE external_key IS NOT NULL"
    )
    meeting_ids = {row["external_key"]: row["id"] for row in meeting_rows}
    known_deadlines = {
        row["external_key"]
        for row in await db.fetchall(
            "SELECT external_key FROM cal_deadlines WHERE external_key IS NOT NULL"
        )
    }
    existing = {d.name.casefold(): d.id for d in await repo.list_delegations(db)}
    plan = plan_calendar(
        data,
        path,
        now=now,
        tz=tz,
        known_starts={row["external_key"]: from_iso(row["start_at"]) for row in meeting_rows},
        known_delegations=set(existing),
    )
    report = LoadReport()
    for item in plan.delegations:
        if str(item["name"]).casefold() in existing:
            continue
        created = await repo.create_delegation(
            db, item["name"], item["role"], item["channel"], now=now,
            public=bool(item.get("public", False)),
        )  # fmt: skip
        await repo.set_members(
            db,
            created.id,
            [(name, name) for name in item.get("delegates", [])],
            [(name, name) for name in item.get("substitutes", [])],
        )
        existing[created.name.casefold()] = created.id
        report.delegations += 1

    async with db.transaction() as conn:
        links: list[tuple[str, str, str]] = []  # (column, meeting key, linked key)
        for meeting in plan.meetings:
            if meeting.key in meeting_ids:
                continue
            if meeting.start <= now and not meeting.rrule:
                report.skipped.append(meeting.key)
                log.info("calendar file: meeting %s is in the past, not loaded", meeting.key)
                continue
            draft = repo.MeetingDraft(
                title=meeting.title,
                start=meeting.start,
                end=meeting.end,
                delegation_ids=tuple(existing[n.casefold()] for n in meeting.delegations),
                place=meeting.place,
                video_link=meeting.video_link,
                notes=meeting.notes,
                external_key=meeting.key,
                rrule=meeting.rrule,
                reminder_offsets=meeting.reminders,
            )
            meeting_ids[meeting.key], _ = await repo.insert_item(
                conn, draft, now=now, offsets=offsets.meetings, tz=tz
            )
            report.meetings += 1
            if meeting.prepares:
                links.append(("preparatory_id", meeting.prepares, meeting.key))
            if meeting.debriefs:
                links.append(("debrief_id", meeting.debriefs, meeting.key))
        for column, target, linked in links:
            if target in meeting_ids and linked in meeting_ids:
                await conn.execute(
                    f"UPDATE cal_meetings SET {column} = ? WHERE id = ? AND {column} IS NULL",
                    (meeting_ids[linked], meeting_ids[target]),
                )
        for deadline in plan.deadlines:
            if deadline.key in known_deadlines:
                continue
            if deadline.due <= now:
                report.skipped.append(deadline.key)
                continue
            await repo.insert_item(
                conn,
                repo.DeadlineDraft(
                    title=deadline.title,
                    due=deadline.due,
                    period_start=deadline.period_start,
                    delegation_id=existing[deadline.delegation.casefold()]
                    if deadline.delegation
                    else None,
                    notes=deadline.notes,
                    external_key=deadline.key,
                    reminder_offsets=deadline.reminders,
                ),
                now=now,
                offsets=offsets.deadlines,
                tz=tz,
            )
            report.deadlines += 1
    return report


DEMO_FILE = Path("demo") / "calendar.toml"


def configured_file(settings: Any) -> Path | None:
    """The calendar to load at start: ``[calendar] file`` whenever it holds entries (whatever
    the mode: it is the coalition's own calendar), else the demo calendar (config/demo/) when
    ``load_demo`` asks for it ("auto": only on embedded defaults, i.e. without a token)."""
    section = getattr(getattr(settings, "config", None), "calendar", None)
    if section is None:
        return None
    path: Path = settings.config_path(section.file)
    if path.is_file() and _has_entries(path):
        return path
    wanted = getattr(section, "load_demo", "auto")
    if wanted == "auto":
        wanted = bool(getattr(settings, "console_mode", False))
    if not wanted:
        return None
    demo: Path = settings.config_dir / DEMO_FILE
    return demo if demo.is_file() else None


def _has_entries(path: Path) -> bool:
    """True when the file declares something; a file that cannot be read counts (so that
    `relais check` and the start-up log name its mistake instead of ignoring it)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    top_keys = set(CalendarFile.model_fields)
    return any(data.get(key) for key in top_keys) or bool(set(data) - top_keys)


async def load_configured_calendar(
    db: Database, settings: Any, *, now: datetime
) -> LoadReport | None:
    """Load the configured file at start; a mistake is logged and loads nothing."""
    path = configured_file(settings)
    if path is None:
        return None
    try:
        report = await load_calendar_file(db, path, now=now, settings=settings)
    except CalendarError as exc:
        log.error("calendar file not loaded: %s", exc.message)
        return None
    log.info(
        "calendar file %s: %d delegation(s), %d meeting(s), %d deadline(s) added",
        path, report.delegations, report.meetings, report.deadlines,
    )  # fmt: skip
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
