"""French date-time input typed by staff.

Forms: « 14 septembre 9 h 30 », « 2027-09-14 09:30 », « demain 14 h », « lundi 10 h ».

Pure functions. Every refusal is a ``CalendarError`` whose message says what is wrong in
French (a day that does not exist, an hour skipped by daylight saving time, a past date...).
"""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.model import CalendarError
from bot.messages import t
from bot.timeutil import FRENCH_MONTHS, FRENCH_WEEKDAYS, MONTREAL, format_local

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(FRENCH_MONTHS, start=1):
    _plain = "".join(c for c in unicodedata.normalize("NFD", _name) if not unicodedata.combining(c))
    _MONTHS[_name] = _i
    _MONTHS[_plain] = _i
_MONTHS.update(
    {
        "janv": 1,
        "fev": 2,
        "fév": 2,
        "févr": 2,
        "fevr": 2,
        "avr": 4,
        "juil": 7,
        "aout": 8,
        "sept": 9,
        "sep": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
        "déc": 12,
    }
)
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WEEKDAYS = {name: i for i, name in enumerate(FRENCH_WEEKDAYS)}
_WEEKDAY_ALT = "|".join(FRENCH_WEEKDAYS)

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
_TEXTUAL = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er)?\s+({_MONTH_ALT})\.?(?:\s+(\d{{4}}))?(?![\w])")
_RELATIVE = re.compile(r"(après-demain|apres-demain|après demain|apres demain|aujourd'hui|demain)")
_WEEKDAY = re.compile(rf"\b({_WEEKDAY_ALT})(\s+prochain)?\b")
_TIME = re.compile(r"(?<![\d/-])(\d{1,2})\s*(?:h(?:eures?)?|:)\s*(\d{1,2})?(?![\d])(?:\s*min\b)?")
_NOON = re.compile(r"\bmidi\b")
# What may remain once the date and the time are taken out.
_FILLER = re.compile(r"^(?:\s|,|\.|\ble\b|\bà\b|\ba\b|\bvers\b|\bdès\b|\bdes\b)*$")

EXAMPLES = "« 14 septembre 9 h 30 », « 2027-09-14 09:30 », « demain 14 h »"


@dataclass(frozen=True)
class _DateParts:
    year: int | None
    month: int
    day: int


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\d)t(\d)", r"\1 \2", text)  # ISO "2027-09-14T09:30"
    return re.sub(r"\s+", " ", text).strip()


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _month_name(month: int) -> str:
    return FRENCH_MONTHS[month - 1]


def _check_day(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise CalendarError(t("calendar.date.bad_month", month=month))
    days = _cal.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise CalendarError(
            t(
                "calendar.date.bad_day",
                day="1er" if day == 1 else day,
                month=_month_name(month),
                year=year,
                days=days,
            )
        )
    return date(year, month, day)


def _resolve_year(parts: _DateParts, today: date) -> date:
    if parts.year is not None:
        return _check_day(parts.year, parts.month, parts.day)
    # No year typed: the next such day from today on. 29 February waits for a leap year.
    for year in range(today.year, today.year + 9):
        if parts.month == 2 and parts.day == 29 and not _cal.isleap(year):
            continue
        try:
            candidate = _check_day(year, parts.month, parts.day)
        except CalendarError:
            if year == today.year:
                raise
            continue
        if candidate >= today:
            return candidate
    return _check_day(today.year, parts.month, parts.day)


def _take_date(text: str, today: date) -> tuple[date | None, str, int | None]:
    """(day, rest of the text, weekday named in the text)."""
    weekday: int | None = None
    next_week = False
    if m := _WEEKDAY.search(text):
        weekday = _WEEKDAYS[m.group(1)]
        next_week = bool(m.group(2))
        text = _cut(text, m)
    if m := _ISO.search(text):
        day = _check_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day, _cut(text, m), weekday
    if m := _TEXTUAL.search(text):
        year = int(m.group(3)) if m.group(3) else None
        parts = _DateParts(year, _MONTHS[m.group(2)], int(m.group(1)))
        return _resolve_year(parts, today), _cut(text, m), weekday
    if m := _NUMERIC.search(text):
        raw_year = m.group(3)
        year = None if raw_year is None else int(raw_year) + (2000 if len(raw_year) == 2 else 0)
        parts = _DateParts(year, int(m.group(2)), int(m.group(1)))
        return _resolve_year(parts, today), _cut(text, m), weekday
    if m := _RELATIVE.search(text):
        word = m.group(1)
        shift = 0 if word.startswith("aujourd") else 1 if word == "demain" else 2
        return today + timedelta(days=shift), _cut(text, m), None
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7
        if ahead == 0 and next_week:
            ahead = 7
        return today + timedelta(days=ahead), text, None
    return None, text, None


def _take_time(text: str, raw: str) -> tuple[time | None, str]:
    if m := _NOON.search(text):
        return time(12, 0), _cut(text, m)
    if m := _TIME.search(text):
        hour = int(m.group(1))
        minute = int(m.group(2) or 0)
        if hour > 23 or minute > 59:
            raise CalendarError(t("calendar.date.bad_time", text=m.group(0).strip()))
        return time(hour, minute), _cut(text, m)
    return None, text


def localize(day: date, at: time, tz: ZoneInfo = MONTREAL) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz``, refusing an hour that does not exist there."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise CalendarError(
            t(
                "calendar.date.dst_gap",
                date=format_local(aware, with_time=False, tz=tz),
                time=_clock(at),
                suggestion=_clock(round_trip.time()),
            )
        )
    return aware


def _clock(at: time) -> str:
    return f"{at.hour} h {at.minute:02d}" if at.minute else f"{at.hour} h"


def parse_day(raw: str, *, now: datetime, tz: ZoneInfo = MONTREAL) -> date:
    """The local day a person names (« 16 février », « 2027-02-16 », « demain »), past or not."""
    moment = parse_datetime(raw, now=now, tz=tz, default_time=time(12), allow_past=True)
    return moment.astimezone(tz).date()


def parse_datetime(
    raw: str,
    *,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
    default_time: time | None = None,
    allow_past: bool = False,
) -> datetime:
    """Read a French date and time typed by a person; return it aware, in UTC.

    Without a year, the next such day is meant. Without a time, ``default_time`` is used
    or the input is refused. Raises ``CalendarError`` with a French explanation.
    """
    text = _normalise(raw)
    if not text:
        raise CalendarError(t("calendar.date.empty", examples=EXAMPLES))
    today = now.astimezone(tz).date()
    day, rest, weekday = _take_date(text, today)
    at, rest = _take_time(rest, raw)
    if day is None or not _FILLER.match(rest):
        raise CalendarError(t("calendar.date.unknown", text=raw.strip(), examples=EXAMPLES))
    if weekday is not None and day.weekday() != weekday:
        raise CalendarError(
            t(
                "calendar.date.weekday_mismatch",
                date=format_local(datetime.combine(day, time(12), tz), with_time=False, tz=tz),
                weekday=FRENCH_WEEKDAYS[weekday],
            )
        )
    if at is None:
        if default_time is None:
            raise CalendarError(t("calendar.date.no_time", text=raw.strip()))
        at = default_time
    value = localize(day, at, tz)
    if not allow_past and value <= now:
        raise CalendarError(t("calendar.date.past", when=format_local(value, tz=tz)))
    return value.astimezone(UTC)


def parse_end(raw: str, *, start: datetime, now: datetime, tz: ZoneInfo = MONTREAL) -> datetime:
    """The end of a meeting: a time alone (« 11 h 30 ») means the day it starts."""
    text = _normalise(raw)
    at, rest = _take_time(text, raw)
    if at is not None and _FILLER.match(rest):
        value = localize(start.astimezone(tz).date(), at, tz).astimezone(UTC)
    else:
        value = parse_datetime(raw, now=now, tz=tz)
    check_order(start, value, tz=tz)
    return value


def check_order(start: datetime, end: datetime, *, tz: ZoneInfo = MONTREAL) -> None:
    if end <= start:
        raise CalendarError(
            t(
                "calendar.date.end_before_start",
                start=format_local(start, tz=tz),
                end=format_local(end, tz=tz),
            )
        )


def check_future(value: datetime, *, now: datetime, tz: ZoneInfo = MONTREAL) -> None:
    if value <= now:
        raise CalendarError(t("calendar.date.past", when=format_local(value, tz=tz)))
