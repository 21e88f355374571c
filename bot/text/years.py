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

from bot.text.grammar import MONTH, NUMBERED, WD, Point, day_value
from bot.text.lexicon import KIND_RE, month_number

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
    """The document's own date near its top ("Québec, le 13 janvier 2021", "Janvier 2018",
    "Bulletin de la Coalition — septembre 2026")."""
    return own_dates(text)[0]


# A title ending on its own date: "Bulletin de la Coalition — septembre 2026",
# "INFO-PSOC numéro 5 Octobre 2026", "Lettre aux membres, 15 septembre 2026". A full date
# needs the dash or comma: "Ordre du jour du 14 octobre 2026" is the meeting's date.
_TITLE_DATE = re.compile(
    rf"^[ \t*_#]*(?:(?P<title>\S[^\n]{{2,100}}?)[ \t]*(?P<sep>[—–,]|[ \t]-)?[ \t]*)??"
    rf"(?P<date>(?:(?:le|ce)[ \t]+)?(?:(?:{WD})[ \t]+)?(?:(?P<day>1er|[0-3]?\d)[ \t]+)?"
    rf"(?P<month>{MONTH})[ \t]+(?P<year>(?:19|20)\d\d))[ \t*_.]*$",
    re.IGNORECASE | re.MULTILINE,
)
# An agenda or a notice of meeting: the date atop it is the meeting's.
_AGENDA = re.compile(r"(?<!\w)(?:ordre du jour|convocation|invitation)(?!\w)", re.IGNORECASE)
# Words that make a date in a title an event's date rather than the document's.
_EVENT_TITLE = re.compile(
    r"(?<!\w)(?:ordre du jour|convocation|invitation|journée|semaine|mois|manifestation"
    r"|mobilisation|marche|vigile|grève|fête|gala|souper|portes ouvertes|activité|événement"
    r"|élections?|date)s?(?!\w)",
    re.IGNORECASE,
)
# A full date closes the title of a publication ("Lettre aux membres, 15 septembre 2026"):
# elsewhere ("Journée de réflexion — 23 octobre 2026") it is what happens that day.
_PUBLICATION_TITLE = re.compile(
    r"(?<!\w)(?:bulletin|infolettre|lettre|communiqué|info|nouvelles|rapport|mémoire|avis"
    r"|note|revue|journal|édition|numéro|no|n°|vol|volume|bilan|compte rendu|mise à jour"
    r"|chronique|éditorial|mot)(?!\w)",
    re.IGNORECASE,
)
_TITLE_END_WORD = re.compile(
    r"(?<!\w)(?:du|de|le|au|dès|depuis|avant|après|jusqu['’]en|jusqu['’]au|en|d['’]ici)$",
    re.IGNORECASE,
)
_TITLE_LINES = 3


def own_dates(text: str) -> tuple[date | None, list[tuple[int, int]]]:
    """The document's own date (the reference for missing years) and the spans of the
    date lines that only date the document (never reported as dates to remember).

    "Québec, le 13 janvier 2021", "Le 28 juin 2023" and "Janvier 2018" date the document, and
    so does a date closing the title in the first lines ("Bulletin — septembre 2026") or a full
    date that is the whole first line. A bare "14 septembre 2023" further down atop an agenda
    is the meeting's date: it anchors years but stays among the dates found.
    """
    head = text[:2500]
    reference: date | None = None
    spans: list[tuple[int, int]] = []
    if head.count("\n") >= 4:
        m = _DOC_DATE_LINE.search(head)
        found = _date_of(m) if m is not None else None
        if m is not None and found is not None:
            reference = found
            first = not head[: m.start()].strip()
            own = m.group("place") or m.group("le") or not m.group("day")
            if own or (first and not _AGENDA.search(head, 0, 400)):
                spans.append((m.start(), m.end()))
    if head.count("\n") >= 2:
        title_date = _title_date(head)
        if title_date is not None:
            found, span = title_date
            reference = reference or found
            if span not in spans:
                spans.append(span)
    return reference, spans


def _title_date(head: str) -> tuple[date, tuple[int, int]] | None:
    pos = 0
    for line in range(_TITLE_LINES):
        while head.startswith("\n", pos):
            pos += 1
        end = head.find("\n", pos)
        if end < 0:
            return None
        m = _TITLE_DATE.match(head, pos, end)
        pos = end
        if m is None:
            continue
        title = m.group("title")
        if title is None:
            # The whole line: a month ("Octobre 2026") in the first lines, a full date first.
            if m.group("day") and (line or _AGENDA.search(head, 0, 400)):
                continue
        elif m.group("day") and not m.group("sep"):
            if not NUMBERED.search(title):
                continue
            # "INFO-PSOC numéro 5 Octobre 2026": the number, then its month.
            found = _date_of(m, month_only=True)
            if found is not None:
                return found, (m.start("month"), m.end())
            continue
        elif _EVENT_TITLE.search(title) or _event_cue(title) or _TITLE_END_WORD.search(title):
            continue
        elif m.group("day") and not _PUBLICATION_TITLE.search(title):
            continue
        found = _date_of(m)
        if found is not None:
            return found, (m.start("date"), m.end())
    return None


def _event_cue(title: str) -> bool:
    return any(m.lastgroup in ("rencontre", "echeance", "periode") for m in KIND_RE.finditer(title))


def _date_of(m: re.Match[str], *, month_only: bool = False) -> date | None:
    """The date a date line gives: its day, or the last day of its month."""
    month = month_number(m.group("month"))
    if month is None:
        return None
    year = int(m.group("year"))
    if month_only or not m.group("day"):
        return date(year, month, last_dom(year, month))
    day = day_value(m.group("day"))
    if not 1 <= day <= last_dom(year, month):
        return None
    return date(year, month, day)


def loose_years(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Years written without a day or month ("automne 2017", "en 2019") still anchor later dates.

    Not counted: fiscal pairs ("2021-2022"), numbers such as "2005-12", amounts ("2000 $").
    """
    found = []
    for c in _YEARISH.finditer(text):
        m = _LOOSE_YEAR.match(text, max(0, c.start() - 2))
        if m and m.start(1) == c.start() and not any(a <= c.start() < b for a, b in skip):
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
