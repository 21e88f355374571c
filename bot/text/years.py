"""Years the text leaves out, and the document's own date line.

Order: the list or range (see ``grammar.propagate_chain``); ``prochain``/``dernier``; the same
day written with its year elsewhere; a fiscal-year heading (``2021-2022``: April–December →
2021, January–March → 2022); the last explicit year before; the reference date.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.text.grammar import MONTH, WD, Point, day_value
from bot.text.lexicon import month_number

_FISCAL = re.compile(r"[\s\S]?(?<![\d-])((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)(?![\d-])")
_FISCAL_LINE_CUE = re.compile(
    r"exercice|année financière|calendrier|programmation|planification|fiscal",
    re.IGNORECASE,
)
_DOC_DATE_LINE = re.compile(
    rf"^[ \t*_#]*(?P<place>[A-ZÀ-Ý][\w’'.\- ]{{1,40}},[ \t]*)?(?P<le>(?:le|ce)[ \t]+)?"
    rf"(?:(?:{WD})[ \t]+)?"
    rf"(?:(?P<day>1er|[0-3]?\d)[ \t]+)?(?P<month>{MONTH})[ \t]+(?P<year>(?:19|20)\d\d)"
    rf"[ \t*_.]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class YearContext:
    reference: date
    explicit_years: list[tuple[int, int]]  # (position, year), in text order
    fiscal: list[tuple[int, int]]  # (position, first year)
    known: dict[tuple[int, int], int]  # (month, day or 0) -> year written somewhere
    explicit_pos: list[int] = field(default_factory=list)
    fiscal_pos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.explicit_pos = [pos for pos, _ in self.explicit_years]
        self.fiscal_pos = [pos for pos, _ in self.fiscal]


def infer_year(p: Point, ctx: YearContext) -> None:
    if p.year is not None:
        return
    ref = ctx.reference
    if p.rel and p.month == 0:  # "jeudi prochain"
        assert p.weekday is not None
        delta = (p.weekday - ref.weekday()) % 7
        if p.rel == "prochain":
            target = ref + timedelta(days=delta or 7)
        else:
            target = ref - timedelta(days=(ref.weekday() - p.weekday) % 7 or 7)
        p.day, p.month, p.year = target.day, target.month, target.year
        return
    if p.rel:
        p.year = _relative_year(p, ref)
        return
    key = (p.month, p.day or 0)
    if key in ctx.known:
        p.year = ctx.known[key]
        return
    fiscal = _fiscal_before(p.pos, ctx)
    if fiscal is not None:
        p.year = fiscal if p.month >= 4 else fiscal + 1
        return
    i = bisect_left(ctx.explicit_pos, p.pos)
    if i:
        p.year = _weekday_fit(p, ctx.explicit_years[i - 1][1])
        return
    # The document's own date: a date more than three months before it is probably next year's.
    y = ref.year
    if _safe_date(y, p.month, p.day or last_dom(y, p.month)) < ref - timedelta(days=92):
        y += 1
    p.year = _weekday_fit(p, y)


def _relative_year(p: Point, ref: date) -> int:
    y = ref.year
    if p.day is None:
        if p.rel == "prochain":
            return y if p.month > ref.month else y + 1
        return y if p.month < ref.month else y - 1
    candidate = _safe_date(y, p.month, p.day)
    if p.rel == "prochain":
        return y if candidate >= ref else y + 1
    return y if candidate <= ref else y - 1


def _weekday_fit(p: Point, year: int) -> int:
    """A weekday written beside the date picks the year among neighbours when it disagrees."""
    if p.weekday is None or p.day is None:
        return year
    for y in (year, year + 1, year - 1):
        try:
            if date(y, p.month, p.day).weekday() == p.weekday:
                return y
        except ValueError:
            continue
    return year


def _fiscal_before(pos: int, ctx: YearContext) -> int | None:
    i = bisect_left(ctx.fiscal_pos, pos)
    if not i:
        return None
    fpos, y = ctx.fiscal[i - 1]
    # A later explicit year outside that fiscal year means the text has moved on.
    lo = bisect_right(ctx.explicit_pos, fpos)
    hi = bisect_left(ctx.explicit_pos, pos)
    if any(ey not in (y, y + 1) for _, ey in ctx.explicit_years[lo:hi]):
        return None
    return y


def _safe_date(y: int, m: int, d: int) -> date:
    return date(y, m, min(d, last_dom(y, m)))


def last_dom(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def document_date(text: str) -> date | None:
    """The document's own date line near its top ("Québec, le 13 janvier 2021", "Janvier 2018")."""
    found = document_date_match(text)
    if found is None:
        return None
    return found[0]


def document_date_match(text: str) -> tuple[date, int, int] | None:
    """The date line and its span; the span is (-1, -1) when the line may be an event.

    "Québec, le 13 janvier 2021", "Le 28 juin 2023" and "Janvier 2018" date the document;
    a bare "14 septembre 2023" atop an agenda is the meeting's date: it anchors years but
    stays among the dates found.
    """
    head = text[:2500]
    if head.count("\n") < 4:
        return None
    m = _DOC_DATE_LINE.search(head)
    if m is None:
        return None
    month = month_number(m.group("month"))
    if month is None:
        return None
    year = int(m.group("year"))
    if m.group("day"):
        day = day_value(m.group("day"))
        if not 1 <= day <= last_dom(year, month):
            return None
    else:
        day = last_dom(year, month)
    own = bool(m.group("place") or m.group("le") or not m.group("day"))
    return date(year, month, day), (m.start() if own else -1), (m.end() if own else -1)


def loose_years(text: str, skip: tuple[int, int]) -> list[tuple[int, int]]:
    """Years written without a day or month ("automne 2017", "en 2019") still anchor later dates.

    Not counted: fiscal pairs ("2021-2022"), numbers such as "2005-12", amounts ("2000 $").
    """
    found = []
    for c in _YEARISH.finditer(text):
        m = _LOOSE_YEAR.match(text, max(0, c.start() - 2))
        if m and m.start(1) == c.start() and not skip[0] <= c.start() < skip[1]:
            found.append((c.start(), int(c.group(0))))
    return found


# Cheap first pass (a literal-led pattern the regex engine scans fast), exact check after.
_YEARISH = re.compile(r"(?:19|20)\d\d")


_LOOSE_YEAR = re.compile(
    r"[\s\S]{0,2}?(?<![\w./,$-])(?<!\d )((?:19|20)\d\d)(?![\w/-]|\s?[$%]|[.,]\d| \d)"
)


def fiscal_markers(text: str) -> list[tuple[int, int]]:
    markers = []
    for c in _YEARISH.finditer(text):
        m = _FISCAL.match(text, max(0, c.start() - 1))
        if m is None or m.start(1) != c.start():
            continue
        y1 = int(m.group(1))
        second = m.group(2)
        y2 = int(second) if len(second) == 4 else (y1 // 100) * 100 + int(second)
        if y2 != y1 + 1:
            continue
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        line = text[ls : le if le >= 0 else len(text)]
        stripped = line.strip()
        heading = len(stripped) <= 80 and not stripped.endswith((".", ";", "!", "?"))
        if heading or _FISCAL_LINE_CUE.search(line):
            markers.append((m.start(), y1))
    return markers
