"""Recurring meetings: the rule, its French input, its occurrences, its iCalendar RRULE.

A series is one ``cal_meetings`` row whose ``start_at`` is the first occurrence and whose
``rrule`` column holds the rule in RFC 5545 form (``FREQ=MONTHLY;BYDAY=3TU;COUNT=10``, with
``UNTIL`` as a local date ``YYYYMMDD``). Occurrences are computed in wall-clock time in the
calendar's zone, so a meeting at 9 h 30 stays at 9 h 30 across daylight saving changes.
An occurrence is named by its original start (UTC); moving or cancelling one writes an
exception for that name and leaves the others alone.

Pure module: no database, no Discord. Expansion is linear in the occurrences asked for, not
in the length of the series (it jumps to the window).
"""

from __future__ import annotations

import calendar as _cal
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.calendar.model import CalendarError
from bot.messages import t
from bot.text.lexicon import MONTH_NAMES
from bot.timeutil import FRENCH_MONTHS, FRENCH_WEEKDAYS, MONTREAL

Freq = Literal["weekly", "monthly"]
MAX_COUNT = 500
MAX_INTERVAL = 12
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Recurrence:
    freq: Freq
    interval: int = 1
    weekday: int | None = None  # weekly: the day (0 = lundi); monthly with ``nth``: the day
    nth: int | None = None  # monthly: 1 to 4, or -1 for the last such weekday of the month
    monthday: int | None = None  # monthly by day of the month (months without it are skipped)
    until: date | None = None  # last local day included
    count: int | None = None  # number of occurrences, cancelled ones included (as RFC 5545)

    # --- storage and iCalendar --------------------------------------------------------------

    def to_rule(self) -> str:
        """The form stored in ``cal_meetings.rrule`` (UNTIL as a local date)."""
        parts = [f"FREQ={self.freq.upper()}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.freq == "weekly" and self.weekday is not None:
            parts.append(f"BYDAY={_RRULE_DAYS[self.weekday]}")
        if self.freq == "monthly" and self.nth is not None and self.weekday is not None:
            parts.append(f"BYDAY={self.nth}{_RRULE_DAYS[self.weekday]}")
        if self.freq == "monthly" and self.monthday is not None:
            parts.append(f"BYMONTHDAY={self.monthday}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    def to_ics(self, *, start_time: time, tz: ZoneInfo) -> str:
        """RRULE value for an event whose DTSTART carries ``tz``: UNTIL becomes UTC."""
        rule = self.to_rule()
        if self.until is not None:
            last = datetime.combine(self.until, start_time, tzinfo=tz).astimezone(UTC)
            rule = rule.replace(f"UNTIL={self.until:%Y%m%d}", f"UNTIL={last:%Y%m%dT%H%M%SZ}")
        return rule

    @classmethod
    def from_rule(cls, text: str) -> Recurrence:
        fields = dict(part.split("=", 1) for part in text.strip().split(";") if "=" in part)
        freq = fields.get("FREQ", "").lower()
        if freq not in ("weekly", "monthly"):
            raise ValueError(f"unsupported recurrence {text!r}")
        weekday = nth = monthday = None
        if byday := fields.get("BYDAY"):
            match = re.fullmatch(r"(-?\d)?(MO|TU|WE|TH|FR|SA|SU)", byday)
            if not match:
                raise ValueError(f"unsupported BYDAY in {text!r}")
            weekday = _RRULE_DAYS.index(match.group(2))
            nth = int(match.group(1)) if match.group(1) else None
        if "BYMONTHDAY" in fields:
            monthday = int(fields["BYMONTHDAY"])
        until = None
        if raw := fields.get("UNTIL"):
            until = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
        return cls(
            freq=freq,  # type: ignore[arg-type]
            interval=int(fields.get("INTERVAL", 1)),
            weekday=weekday,
            nth=nth,
            monthday=monthday,
            until=until,
            count=int(fields["COUNT"]) if "COUNT" in fields else None,
        )

    # --- reading -------------------------------------------------------------------------

    def describe(self) -> str:
        """French, as staff would say it: « le 3e mardi du mois, jusqu’au 30 juin 2027 »."""
        if self.freq == "weekly":
            day = FRENCH_WEEKDAYS[self.weekday] if self.weekday is not None else ""
            if self.interval == 1:
                text = t("calendar.recurrence.weekly", weekday=day)
            else:
                text = t("calendar.recurrence.weekly_n", n=self.interval, weekday=day)
        elif self.nth is not None and self.weekday is not None:
            ordinal = t("calendar.recurrence.last") if self.nth == -1 else _ordinal(self.nth)
            key = "calendar.recurrence.nth" if self.interval == 1 else "calendar.recurrence.nth_n"
            text = t(key, nth=ordinal, weekday=FRENCH_WEEKDAYS[self.weekday], n=self.interval)
        else:
            day = "1er" if self.monthday == 1 else str(self.monthday)
            key = "calendar.recurrence.monthday"
            if self.interval != 1:
                key = "calendar.recurrence.monthday_n"
            text = t(key, day=day, n=self.interval)
        if self.until is not None:
            text += t("calendar.recurrence.until", date=_french_date(self.until))
        if self.count is not None:
            text += t("calendar.recurrence.count", count=self.count)
        return text

    # --- occurrences -----------------------------------------------------------------------

    def matches(self, day: date) -> bool:
        """Whether ``day`` has the rule's shape (weekday, nth weekday, day of the month)."""
        if self.freq == "weekly":
            return self.weekday is None or day.weekday() == self.weekday
        if self.monthday is not None:
            return day.day == self.monthday
        if self.nth is not None and self.weekday is not None:
            return _nth_weekday(day.year, day.month, self.weekday, self.nth) == day
        return True

    def first_on_or_after(self, day: date) -> date:
        """The first day from ``day`` on that fits the rule: a series starts there."""
        for offset in range(0, 400):
            candidate = day + timedelta(days=offset)
            if self.matches(candidate):
                return candidate
        raise CalendarError(t("calendar.recurrence.never"))

    def days(self, first: date, *, from_day: date | None = None) -> Iterator[tuple[int, date]]:
        """(index, local day) of each occurrence of a series starting on ``first``, from the
        first one on or after ``from_day``; the index counts from the series' first day."""
        if self.freq == "weekly":
            step = 7 * self.interval
            start_index = 0
            if from_day is not None and from_day > first:
                start_index = (from_day - first).days // step
            index = start_index
            while True:
                day = first + timedelta(days=index * step)
                if not self._within(index, day):
                    return
                if from_day is None or day >= from_day:
                    yield index, day
                index += 1
        else:
            months0 = first.year * 12 + first.month - 1
            period = 0
            if from_day is not None and from_day > first:
                months = from_day.year * 12 + from_day.month - 1 - months0
                period = max(0, months // self.interval - 1)
            # ``index`` counts occurrences, not months: a skipped month (no 31st) is no
            # occurrence. Jumping ahead needs the number of occurrences in the skipped months.
            index = self._count_before(first, period)
            misses = 0
            while True:
                months = months0 + period * self.interval
                year, month = divmod(months, 12)
                day_found = self._day_in_month(year, month + 1, first)
                period += 1
                if day_found is None or day_found < first:
                    misses += 1
                    if misses > 24:
                        return
                    continue
                misses = 0
                if not self._within(index, day_found):
                    return
                if from_day is None or day_found >= from_day:
                    yield index, day_found
                index += 1

    def _count_before(self, first: date, period: int) -> int:
        if period == 0:
            return 0
        if self.monthday is None or self.monthday <= 28:
            return period  # every month has the day: one occurrence per period
        months0 = first.year * 12 + first.month - 1
        found = 0
        for p in range(period):
            year, month = divmod(months0 + p * self.interval, 12)
            day = self._day_in_month(year, month + 1, first)
            found += day is not None and day >= first
        return found

    def _day_in_month(self, year: int, month: int, first: date) -> date | None:
        if self.nth is not None and self.weekday is not None:
            return _nth_weekday(year, month, self.weekday, self.nth)
        wanted = self.monthday if self.monthday is not None else first.day
        if wanted > _cal.monthrange(year, month)[1]:
            return None
        return date(year, month, wanted)

    def _within(self, index: int, day: date) -> bool:
        if self.count is not None and index >= self.count:
            return False
        return self.until is None or day <= self.until


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    days = _cal.monthrange(year, month)[1]
    if nth == -1:
        last = date(year, month, days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = 1 + (weekday - first.weekday()) % 7 + 7 * (nth - 1)
    return date(year, month, day) if day <= days else None


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def _french_date(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {FRENCH_MONTHS[day.month - 1]} {day.year}"


# --- occurrences of a meeting ----------------------------------------------------------------


@dataclass(frozen=True)
class Exception_:
    """One occurrence moved or cancelled (a row of ``cal_occurrence_changes``)."""

    original: datetime  # UTC: the occurrence's name
    status: Literal["moved", "cancelled"]
    start: datetime | None = None
    end: datetime | None = None
    sequence: int = 0


@dataclass(frozen=True)
class Occurrence:
    meeting_id: int
    original: datetime  # UTC start the rule gives: the occurrence's name (RECURRENCE-ID)
    start: datetime  # UTC, after any move
    end: datetime
    cancelled: bool = False
    moved: bool = False
    index: int = 0

    @property
    def key(self) -> str:
        """Stored in reminder and attendance rows: the original start, UTC ISO."""
        return occurrence_key(self.original)


def occurrence_key(original: datetime) -> str:
    return original.astimezone(UTC).isoformat(timespec="seconds")


def expand(
    meeting_id: int,
    start: datetime,
    end: datetime,
    rule: Recurrence | None,
    *,
    window_start: datetime,
    window_end: datetime,
    exceptions: Mapping[str, Exception_] | None = None,
    tz: ZoneInfo = MONTREAL,
    include_cancelled: bool = False,
    limit: int | None = None,
) -> list[Occurrence]:
    """Occurrences overlapping [window_start, window_end), soonest first (moves applied)."""
    exceptions = exceptions or {}
    duration = end - start
    found: list[Occurrence] = []
    if rule is None:
        candidates: Iterator[tuple[int, datetime]] = iter([(0, start)])
    else:
        candidates = _originals(start, rule, tz, from_utc=window_start - duration)
    seen: set[str] = set()
    for index, original in candidates:
        if original >= window_end:
            break
        key = occurrence_key(original)
        seen.add(key)
        occurrence = _apply(meeting_id, index, original, duration, exceptions.get(key))
        if occurrence.end > window_start and occurrence.start < window_end:
            if include_cancelled or not occurrence.cancelled:
                found.append(occurrence)
    # Occurrences moved into the window from outside the part the loop looked at.
    for key, change in exceptions.items():
        if key in seen or change.status != "moved" or change.start is None:
            continue
        occurrence = _apply(meeting_id, -1, change.original, duration, change)
        if occurrence.end > window_start and occurrence.start < window_end:
            if rule is None or _is_occurrence(start, rule, tz, change.original):
                found.append(occurrence)
    found.sort(key=lambda o: (o.start, o.meeting_id))
    return found[:limit] if limit is not None else found


def _apply(
    meeting_id: int,
    index: int,
    original: datetime,
    duration: timedelta,
    change: Exception_ | None,
) -> Occurrence:
    if change is None:
        return Occurrence(meeting_id, original, original, original + duration, index=index)
    if change.status == "cancelled":
        return Occurrence(
            meeting_id, original, original, original + duration, cancelled=True, index=index
        )
    new_start = change.start or original
    new_end = change.end or new_start + duration
    return Occurrence(meeting_id, original, new_start, new_end, moved=True, index=index)


def _originals(
    start: datetime, rule: Recurrence, tz: ZoneInfo, *, from_utc: datetime | None = None
) -> Iterator[tuple[int, datetime]]:
    local = start.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    from_day = None
    if from_utc is not None:
        from_day = from_utc.astimezone(tz).date() - timedelta(days=1)
    for index, day in rule.days(local.date(), from_day=from_day):
        yield index, datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def _is_occurrence(start: datetime, rule: Recurrence, tz: ZoneInfo, original: datetime) -> bool:
    for _, candidate in _originals(start, rule, tz, from_utc=original - timedelta(days=1)):
        if candidate == original:
            return True
        if candidate > original:
            return False
    return False


def find_occurrence(
    start: datetime,
    rule: Recurrence | None,
    day: date,
    *,
    tz: ZoneInfo = MONTREAL,
) -> datetime | None:
    """The original start (UTC) of the occurrence falling on local ``day``, if any."""
    if rule is None:
        return start if start.astimezone(tz).date() == day else None
    from_utc = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    for _, original in _originals(start, rule, tz, from_utc=from_utc):
        local_day = original.astimezone(tz).date()
        if local_day == day:
            return original
        if local_day > day:
            return None
    return None


def last_day(start: datetime, rule: Recurrence | None, tz: ZoneInfo = MONTREAL) -> date | None:
    """The local day of the last occurrence, or None for a series without end."""
    if rule is None:
        return start.astimezone(tz).date()
    if rule.until is None and rule.count is None:
        return None
    last = None
    for _, day in rule.days(start.astimezone(tz).date()):
        last = day
    return last


# --- French input ----------------------------------------------------------------------------

EXAMPLES = (
    "« chaque semaine », « toutes les 2 semaines », « le 3e mardi du mois, 9 h 30 », "
    "« le 15 de chaque mois jusqu’au 30 juin 2027 », « chaque mardi, 10 fois »"
)

_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
}  # fmt: skip
_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "1e": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2,
    "troisieme": 3, "3e": 3, "3eme": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4,
    "cinquieme": 5, "5e": 5, "5eme": 5,
    "dernier": -1, "derniere": -1,
}  # fmt: skip
_DAYS = {name: number for number, name in enumerate(FRENCH_WEEKDAYS)}
_NUM = r"(\d{1,2}|" + "|".join(_NUMBERS) + r")"
_DAY = r"(" + "|".join(_DAYS) + r")s?"
_ORD = r"(" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
_MONTHLY_TAIL = r"(?:du|de\s+chaque|de\s+tous\s+les|chaque|de\s+chaque)\s+mois"

_NTH = re.compile(
    rf"\b(?:le\s+|les\s+|chaque\s+|tous\s+les\s+)?{_ORD}\s+{_DAY}\s+{_MONTHLY_TAIL}\b"
)
_MONTHDAY = re.compile(
    rf"\b(?:le\s+|les\s+|tous\s+les\s+)?(\d{{1,2}})(?:er|re|e)?\s+{_MONTHLY_TAIL}\b"
)
_MONTHDAY_AFTER = re.compile(r"\b(?:chaque|tous\s+les)\s+mois\s*,?\s+le\s+(\d{1,2})(?:er|e)?\b")
_EVERY_N_WEEKS = re.compile(
    rf"\b(?:toutes\s+les|aux|chaque|a\s+toutes\s+les)\s+{_NUM}\s+semaines\b"
    rf"|\bune\s+semaine\s+sur\s+{_NUM}\b"
)
_EVERY_N_MONTHS = re.compile(
    rf"\b(?:tous\s+les|aux|chaque)\s+{_NUM}\s+mois\b|\bun\s+mois\s+sur\s+{_NUM}\b"
)
_FORTNIGHT = re.compile(r"\baux\s+(?:quinze|15)\s+jours\b|\bbihebdomadaire\b")
_WEEKLY = re.compile(r"\b(?:chaque|toutes\s+les)\s+semaines?\b|\bhebdomadaires?\b")
_MONTHLY = re.compile(r"\b(?:chaque|tous\s+les)\s+mois\b|\bmensuel(?:le)?s?\b|\bmensuellement\b")
# How often, first match wins: (pattern, frequency, interval); None: the interval is the
# number typed, and a rule already read (« le 3e mardi ») must be of that frequency.
_FREQUENCIES: tuple[tuple[re.Pattern[str], Freq, int | None], ...] = (
    (_EVERY_N_WEEKS, "weekly", None),
    (_FORTNIGHT, "weekly", 2),
    (_EVERY_N_MONTHS, "monthly", None),
    (_WEEKLY, "weekly", 1),
    (_MONTHLY, "monthly", 1),
)
_WEEKDAY = re.compile(rf"\b(?:chaque|tous\s+les|le|les)\s+{_DAY}\b")
_COUNT = re.compile(
    r"\b(?:pendant\s+|pour\s+|sur\s+|en\s+)?(\d{1,3})\s+"
    r"(?:fois|occurrences?|rencontres?|seances?)\b"
)
_UNTIL = re.compile(r"\bjusqu\s*['’]?\s*(?:au|a\s+la|a\s+l|a|en)?\s+(?P<rest>.+?)(?=,|$| et\b)")
_TIME = re.compile(r"(?<![\d/-])(\d{1,2})\s*(?:h|:)\s*(\d{2})?(?!\d)")
_FILLER = re.compile(r"^(?:\s|,|;|\.|\bet\b|\ble\b|\bles\b|\ba\b|\bde\b|\bdu\b|\bdes\b)*$")
_MONTH_YEAR = re.compile(r"^(\w+)\s+(\d{4})$")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\d)\s*(?:e|eme|ème|è)\b", r"\1e", text)
    return re.sub(r"\s+", " ", text).strip()


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() else _NUMBERS[raw]


@dataclass(frozen=True)
class ParsedRecurrence:
    rule: Recurrence
    at: time | None  # a time typed with the rule (« le 3e mardi du mois, 9 h 30 »)


def parse_recurrence(
    raw: str, *, first_day: date, now: datetime, tz: ZoneInfo = MONTREAL
) -> ParsedRecurrence:
    """Read staff's French: « le 3e mardi du mois, 9 h 30 », « toutes les 2 semaines
    jusqu’au 30 juin 2027 », « chaque mardi, 10 fois ». ``first_day``: the day typed as the
    start (a rule without a weekday or day of the month takes it from there).
    Raises ``CalendarError`` saying what to type."""
    text = _plain(raw)
    if not text:
        raise CalendarError(t("calendar.recurrence.empty", examples=EXAMPLES))
    rest = text

    def cut(match: re.Match[str]) -> None:
        nonlocal rest
        rest = rest[: match.start()] + " " + rest[match.end() :]

    until: date | None = None
    count: int | None = None
    at: time | None = None
    if m := _UNTIL.search(rest):
        until = _until_day(m.group("rest").strip(), raw, now=now, tz=tz)
        cut(m)
    if m := _COUNT.search(rest):
        count = int(m.group(1))
        cut(m)
    if m := _TIME.search(rest):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour > 23 or minute > 59:
            raise CalendarError(t("calendar.date.bad_time", text=m.group(0).strip()))
        at = time(hour, minute)
        cut(m)

    rule: Recurrence | None = None
    if m := _NTH.search(rest):
        nth = _ORDINALS[m.group(1)]
        if nth == 5:
            raise CalendarError(
                t("calendar.recurrence.fifth", weekday=m.group(2), examples=EXAMPLES)
            )
        rule = Recurrence("monthly", nth=nth, weekday=_DAYS[m.group(2)])
        cut(m)
    elif m := (_MONTHDAY.search(rest) or _MONTHDAY_AFTER.search(rest)):
        day = int(m.group(1))
        if not 1 <= day <= 31:
            raise CalendarError(t("calendar.recurrence.bad_monthday", day=day))
        rule = Recurrence("monthly", monthday=day)
        cut(m)
    def unknown() -> CalendarError:
        return CalendarError(t("calendar.recurrence.unknown", text=raw.strip(), examples=EXAMPLES))

    interval = 1
    for pattern, freq, fixed in _FREQUENCIES:
        if m := pattern.search(rest):
            interval = fixed if fixed is not None else _number(m.group(1) or m.group(2))
            rule = rule or Recurrence(freq)
            if fixed is None and rule.freq != freq:
                raise unknown()
            cut(m)
            break
    if m := _WEEKDAY.search(rest):
        weekday = _DAYS[m.group(1)]
        if rule is None:
            rule = Recurrence("weekly")
        if rule.freq != "weekly":
            raise unknown()
        rule = replace(rule, weekday=weekday)
        cut(m)
    if rule is None or not _FILLER.match(rest):
        raise unknown()
    if not 1 <= interval <= MAX_INTERVAL:
        raise CalendarError(t("calendar.recurrence.bad_interval", max=MAX_INTERVAL))
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise CalendarError(t("calendar.recurrence.bad_count", max=MAX_COUNT))
    if rule.freq == "weekly" and rule.weekday is None:
        rule = replace(rule, weekday=first_day.weekday())
    if rule.freq == "monthly" and rule.nth is None and rule.monthday is None:
        rule = replace(rule, monthday=first_day.day)
    rule = replace(rule, interval=interval, until=until, count=count)
    if until is not None and until < rule.first_on_or_after(first_day):
        raise CalendarError(
            t("calendar.recurrence.until_before", until=_french_date(until),
              start=_french_date(first_day))
        )  # fmt: skip
    return ParsedRecurrence(rule, at)


def _until_day(text: str, raw: str, *, now: datetime, tz: ZoneInfo) -> date:
    from bot.calendar.dateinput import parse_day

    if m := _MONTH_YEAR.match(text):  # « jusqu’en juin 2027 »: to the end of that month
        if month := MONTH_NAMES.get(m.group(1)):  # the text is plain: « fevrier », « aout »
            year = int(m.group(2))
            return date(year, month, _cal.monthrange(year, month)[1])
    try:
        return parse_day(text, now=now, tz=tz)
    except CalendarError:
        raise CalendarError(
            t("calendar.recurrence.bad_until", text=text, examples=EXAMPLES)
        ) from None


def series_start(start: datetime, rule: Recurrence, tz: ZoneInfo = MONTREAL) -> datetime:
    """The first occurrence from the typed start on (« le 3e mardi » typed on a Monday)."""
    local = start.astimezone(tz)
    day = rule.first_on_or_after(local.date())
    if day == local.date():
        return start
    return datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=tz).astimezone(UTC)
