"""Move the dates of the demo content so that it reads as if written a few days ago.

The demo (config/demo/) is written as of a fixed day, its *anchor*. `relais demo` shifts every
date in it by whole weeks (weekdays stay right: « le mardi 15 décembre » stays a Tuesday) so
that the anchor falls in the week before the day the demo runs: what the content announces
as ahead is ahead, whatever the day. Forms moved: « 14 octobre 2026 », « 1er décembre »,
« les 3 et 8 décembre 2026 », « du 23 au 27 novembre », « octobre 2026 », ISO dates and
datetimes, RFC 2822 dates (e-mail, RSS), fiscal years « 2026-2027 ». Pure and linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from bot.text.lexicon import MONTH_NAMES
from bot.timeutil import FRENCH_MONTHS, MONTREAL

# The month names (with and without accents) of the text feature, as a demo author writes them.
MONTHS = FRENCH_MONTHS
_MONTH_INDEX = MONTH_NAMES

_DAY = r"\d{1,2}(?:er|<sup>er</sup>)?"
_SEP = r"(?:[ \u00a0]*,[ \u00a0]*|[ \u00a0]+(?:et|au|à)[ \u00a0]+)"
_MONTH = "|".join(sorted(_MONTH_INDEX, key=len, reverse=True))
FRENCH = re.compile(
    rf"(?<![\w-])(?:(?P<days>{_DAY}(?:{_SEP}{_DAY})*)[ \u00a0]+)?"
    rf"(?P<month>(?i:{_MONTH}))(?![\w])(?:[ \u00a0]+(?P<year>\d{{4}})(?!\d))?"
)
_DAY_PART = re.compile(rf"({_DAY})|({_SEP})")
ISO_DATETIME = re.compile(
    r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:\d{2})?(?![\d])"
)
RFC2822 = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2}"
    r" (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}(?::\d{2})? [+-]\d{4}\b"
)
FISCAL = re.compile(r"(?<![\d-])(20\d\d)-(20\d\d)(?![\d-])")


def week_shift(anchor: date, today: date) -> timedelta:
    """Whole weeks that bring ``anchor`` into the seven days ending ``today``."""
    return timedelta(days=((today - anchor).days // 7) * 7)


def _year_for(day: int, month: int, anchor: date) -> int:
    """A date written without its year is the one nearest the anchor."""
    best = anchor.year
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        try:
            current = date(best, month, day)
        except ValueError:
            best = year
            continue
        if abs((candidate - anchor).days) < abs((current - anchor).days):
            best = year
    return best


def _render_day(day: int, original: str) -> str:
    if day != 1:
        return str(day)
    return "1<sup>er</sup>" if "<sup>" in original else "1er"


def _month_name(month: int, like: str) -> str:
    name = MONTHS[month - 1]
    return name.capitalize() if like[:1].isupper() else name


class Redater:
    def __init__(self, anchor: date, today: date) -> None:
        self.anchor = anchor
        self.shift = week_shift(anchor, today)
        self.years = round(self.shift.days / 365.25)

    def __call__(self, text: str) -> str:
        if not self.shift:
            return text
        text = RFC2822.sub(self._rfc2822, text)
        text = ISO_DATETIME.sub(self._iso, text)
        text = FISCAL.sub(self._fiscal, text)
        return FRENCH.sub(self._french, text)

    def _rfc2822(self, match: re.Match[str]) -> str:
        moved = parsedate_to_datetime(match.group(0)).astimezone(MONTREAL) + self.shift
        # Same wall-clock time in Montréal, with that day's offset (summer or winter time).
        local = moved.replace(tzinfo=None).replace(tzinfo=MONTREAL)
        return format_datetime(local)

    def _iso(self, match: re.Match[str]) -> str:
        year, month, day, clock, zone = match.groups()
        try:
            moved = date(int(year), int(month), int(day)) + self.shift
        except ValueError:
            return match.group(0)
        if not clock:
            return moved.isoformat()
        if zone and zone != "Z":
            wall = datetime.fromisoformat(f"{moved.isoformat()}{clock}").replace(tzinfo=MONTREAL)
            offset = wall.strftime("%z")
            return f"{moved.isoformat()}{clock}{offset[:3]}:{offset[3:]}"
        return f"{moved.isoformat()}{clock}{zone or ''}"

    def _fiscal(self, match: re.Match[str]) -> str:
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1 or not self.years:
            return match.group(0)
        return f"{first + self.years}-{second + self.years}"

    def _french(self, match: re.Match[str]) -> str:
        month_text = match.group("month")
        month = _MONTH_INDEX[month_text.lower()]
        year_text = match.group("year")
        days_text = match.group("days")
        if days_text is None:
            # « octobre 2026 »: a month alone moves as its middle does.
            if year_text is None:
                return match.group(0)
            moved = date(int(year_text), month, 15) + self.shift
            return f"{_month_name(moved.month, month_text)} {moved.year}"
        parts: list[tuple[str, str]] = []  # ("day", text) or ("sep", text)
        for day_match, sep_match in _DAY_PART.findall(days_text):
            parts.append(("day", day_match) if day_match else ("sep", sep_match))
        year = int(year_text) if year_text else None
        moved_days: list[date] = []
        for kind, value in parts:
            if kind != "day":
                continue
            number = int(re.match(r"\d+", value).group(0))  # type: ignore[union-attr]
            try:
                moved_days.append(
                    date(year or _year_for(number, month, self.anchor), month, number) + self.shift
                )
            except ValueError:
                return match.group(0)
        same_month = len({(d.year, d.month) for d in moved_days}) == 1
        out: list[str] = []
        index = 0
        for kind, value in parts:
            if kind == "sep":
                out.append(value)
                continue
            moved = moved_days[index]
            index += 1
            out.append(_render_day(moved.day, value))
            if not same_month and index < len(moved_days):
                out.append(" " + _month_name(moved.month, month_text))
                if year is not None and moved.year != moved_days[-1].year:
                    out.append(f" {moved.year}")
        last = moved_days[-1]
        out.append(" " + _month_name(last.month, month_text))
        if year is not None:
            out.append(f" {last.year}")
        return "".join(out)


def redater(anchor: date, today: date) -> Callable[[str], str]:
    return Redater(anchor, today)


# ---------------------------------------------------------------------------- `relais demo`

TEXT_SUFFIXES = {".txt", ".md", ".eml", ".xml", ".atom", ".rss", ".html", ".toml"}


def demo_today() -> date:
    """The day the demo runs in Montréal; RELAIS_DEMO_TODAY=YYYY-MM-DD pretends another
    (tests, screenshots)."""
    import os

    forced = os.environ.get("RELAIS_DEMO_TODAY", "").strip()
    if forced:
        return date.fromisoformat(forced)
    from bot.timeutil import utc_now

    return utc_now().astimezone(MONTREAL).date()


def _anchors(demo_dir: Path) -> dict[str, date]:
    import tomllib

    path = demo_dir / "dates.toml"
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, date)}


def _redate_file(path: Path, redate: Callable[[str], str]) -> None:
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # a legacy-encoded file stays as written
    path.write_bytes(redate(text).encode("utf-8"))


def prepare_demo(config_dir: Path, root: Path, today: date) -> tuple[Path, Path]:
    """Copy config/ into ``root`` with the demo's dates moved relative to ``today``; write the
    demo inbox there. Returns (config folder, inbox folder) of the copy."""
    import importlib.util
    import shutil

    config = root / "config"
    shutil.copytree(config_dir, config, ignore=shutil.ignore_patterns("__pycache__"))
    demo = config / "demo"
    inbox = root / "inbox"
    anchors = _anchors(demo)
    if (demo / "inbox").is_dir():
        shutil.copytree(demo / "inbox", inbox)
    else:
        inbox.mkdir()
    if not anchors:
        return config, inbox
    by_part = {part: redater(anchor, today) for part, anchor in anchors.items()}
    if "feeds" in by_part and (demo / "feeds").is_dir():
        for path in sorted((demo / "feeds").iterdir()):
            _redate_file(path, by_part["feeds"])
    if "calendar" in by_part and (demo / "calendar.toml").is_file():
        _redate_file(demo / "calendar.toml", by_part["calendar"])
    if "inbox" in by_part:
        redate = by_part["inbox"]
        maker = demo / "make_inbox.py"
        generated: set[Path] = set()
        if maker.is_file():
            spec = importlib.util.spec_from_file_location("relais_demo_make_inbox", maker)
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                for name in module.demo_files():  # the documents as shipped...
                    (inbox / name).unlink(missing_ok=True)
                for name, data in module.demo_files(redate).items():  # ...as of today
                    (inbox / name).parent.mkdir(parents=True, exist_ok=True)
                    (inbox / name).write_bytes(data)
                    generated.add(inbox / name)
        for path in sorted(inbox.rglob("*")):
            if path.is_file() and path not in generated and path.suffix.lower() in {".md", ".txt"}:
                _redate_file(path, redate)
    return config, inbox
