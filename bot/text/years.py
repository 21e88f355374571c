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
from bot.text.structure import Structure

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
class YearMark:
    pos: int
    year: int
    loose: bool  # a year alone ("en 2019"), not a date's
    statistic: bool = False  # in a sentence of figures ("12 % en 2023"): reaches no further


@dataclass
class Fiscal:
    pos: int
    year: int  # the first year of "2021-2022"
    kind: str  # "fiscal" (April–March) or "school" (September–June)


@dataclass
class YearContext:
    """What a missing year may be read from, bounded by the text's structure."""

    st: Structure
    anchor: date
    anchor_kind: str
    marks: list[YearMark]  # explicit years in text order
    fiscal: list[Fiscal]
    known: dict[tuple[int, int, int], int]  # (section, month, day or 0) -> year written there
    mark_pos: list[int] = field(default_factory=list)
    fiscal_pos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.marks.sort(key=lambda m: m.pos)
        self.fiscal.sort(key=lambda f: f.pos)
        self.mark_pos = [m.pos for m in self.marks]
        self.fiscal_pos = [f.pos for f in self.fiscal]

    def context_year(self, pos: int) -> YearMark | None:
        """The last explicit year before ``pos`` that still reaches it: same section, and the
        same paragraph unless it stands in the section's heading ("Bilan 2024")."""
        st = self.st
        i = bisect_left(self.mark_pos, pos)
        section = st.section(pos)
        para = st.paragraph(pos)
        sent = st.sentence_index(pos)
        # Looking back over a bounded number of marks keeps this linear.
        for j in range(i - 1, max(-1, i - 8), -1):
            mark = self.marks[j]
            if st.section(mark.pos) != section:
                return None
            if mark.statistic and st.sentence_index(mark.pos) != sent:
                continue
            if st.paragraph(mark.pos) == para or st.in_heading(mark.pos):
                return mark
            return None
        return None

    def fiscal_year(self, pos: int, month: int) -> tuple[int, str] | None:
        i = bisect_left(self.fiscal_pos, pos)
        if not i:
            return None
        f = self.fiscal[i - 1]
        st = self.st
        if st.section(f.pos) != st.section(pos) and not st.in_heading(f.pos):
            return None
        if st.section(f.pos) < st.section(pos) - 1:
            return None
        # A later explicit year outside that period means the text has moved on.
        lo = bisect_right(self.mark_pos, f.pos)
        hi = bisect_left(self.mark_pos, pos)
        if any(m.year not in (f.year, f.year + 1) for m in self.marks[max(lo, hi - 8) : hi]):
            return None
        if f.kind == "school":
            if month in (7, 8):
                return None  # a school year covers September to June only
            return (f.year if month >= 8 else f.year + 1), "school"
        return (f.year if month >= 4 else f.year + 1), "fiscal"


DOUBT_DAYS = 60  # an inferred year this far from the anchor is flagged « année déduite »


def infer_year(
    p: Point, ctx: YearContext, anchor: date, anchor_kind: str, tense: str | None
) -> None:
    if p.year is not None:
        return
    ref = anchor
    if p.rel and p.month == 0:  # "jeudi prochain"
        assert p.weekday is not None
        delta = (p.weekday - ref.weekday()) % 7
        if p.rel == "prochain":
            target = ref + timedelta(days=delta or 7)
        else:
            target = ref - timedelta(days=(ref.weekday() - p.weekday) % 7 or 7)
        p.day, p.month, p.year = target.day, target.month, target.year
        p.year_from = "relative"
        p.doubtful = anchor_kind in ("today", "metadata", "latest_date")
        return
    if p.rel:
        p.year = _relative_year(p, ref)
        p.year_from = "relative"
        p.doubtful = anchor_kind in ("today", "metadata", "latest_date")
        return
    section = ctx.st.section(p.pos)
    key = (section, p.month, p.day or 0)
    if key in ctx.known:
        p.year = ctx.known[key]
        p.year_from = "same_day"
        return
    shift = ctx.st.year_shift(p.pos)
    if shift:
        p.year = _weekday_fit(p, ref.year + shift)  # « le forum de l'an prochain, le 11 avril »
        p.year_from = "relative"
        return
    fiscal = ctx.fiscal_year(p.pos, p.month)
    if fiscal is not None:
        p.year, p.year_from = fiscal
        return
    mark = ctx.context_year(p.pos)
    if mark is not None and (
        ctx.st.in_heading(mark.pos) or _tense_agrees(p, mark.year, ref, tense)
    ):
        p.year = _weekday_fit(p, mark.year)
        p.year_from = "section_year"
        return
    year, how = anchor_year(p.month, p.day, ref, tense)
    fitted = _weekday_fit(p, year)
    p.year = fitted
    p.year_from = "weekday" if fitted != year else how
    distance = abs((_safe_date(fitted, p.month, p.day or 15) - ref).days)
    p.doubtful = fitted == year and (
        anchor_kind in ("today", "metadata", "latest_date")
        or (how == "nearest" and distance > DOUBT_DAYS)
    )


def anchor_year(month: int, day: int | None, ref: date, tense: str | None) -> tuple[int, str]:
    """The year of a day (or month) read against ``ref``: behind it for the past tense,
    ahead of it for the future, else the nearest with a bias for what is ahead."""
    y = ref.year
    if day is None:
        if tense == "past":
            return (y if month <= ref.month else y - 1), "past_tense"
        if tense == "future":
            return (y if month >= ref.month else y + 1), "future_tense"
        return (y + 1 if _safe_date(y, month, 31) < ref - timedelta(days=92) else y), "nearest"
    cands = [_safe_date(y + k, month, day) for k in (-1, 0, 1)]
    if tense == "past":
        past = [c for c in cands if c <= ref + timedelta(days=30)]
        return past[-1].year, "past_tense"
    if tense == "future":
        ahead = [c for c in cands if c >= ref - timedelta(days=30)]
        return ahead[0].year, "future_tense"
    # More than three months before the anchor: probably next year's.
    near = [c for c in cands if c >= ref - timedelta(days=92)]
    return near[0].year, "nearest"


def _tense_agrees(p: Point, year: int, ref: date, tense: str | None) -> bool:
    """A carried year that puts a future event in the past (or the reverse) is not its year."""
    if tense is None:
        return True
    when = _safe_date(year, p.month, p.day or 15)
    if tense == "future":
        return when >= ref - timedelta(days=31)
    return when <= ref + timedelta(days=31)


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


def loose_years(text: str, st: Structure, skip: list[tuple[int, int]]) -> list[YearMark]:
    """Years written without a day or month ("automne 2017", "en 2019") still anchor later dates.

    Not counted: fiscal pairs ("2021-2022"), numbers such as "2005-12", amounts ("2000 $"),
    rooms and offices ("salle 2014"), civic numbers ("2200, rue Sherbrooke"), counts
    ("2023 personnes"). A year in a sentence of figures ("12 % en 2023") reaches no further
    than its sentence.
    """
    found = []
    for c in _YEARISH.finditer(text):
        m = _LOOSE_YEAR.match(text, max(0, c.start() - 2))
        if not m or m.start(1) != c.start() or any(a <= c.start() < b for a, b in skip):
            continue
        if not_a_year(text, c.start(), c.end()):
            continue
        ss, se = st.sentence(c.start())
        statistic = bool(_FIGURES.search(text, ss, min(se, ss + 400)))
        found.append(YearMark(c.start(), int(c.group(0)), loose=True, statistic=statistic))
    return found


_NOT_YEAR_BEFORE = re.compile(
    r"(?<!\w)(?:salle|local|locaux|bureau|porte|suite|pièce|poste|case postale|c\.p\.|no|n°|nº"
    r"|numéro|code|autobus|ligne|route|chambre|loi|projet de loi|règlement|dossier|au|du)"
    r"[ \t.]*$",
    re.IGNORECASE,
)
_NOT_YEAR_AFTER = re.compile(
    r"[ \t]*(?:,[ \t]*)?(?:rue|avenue|av\.|boulevard|boul\.|chemin|ch\.|route|rang|place|côte"
    r"|montée|rte|blvd)(?!\w)|[ \t]?(?:\$|\$|dollars|%|pour ?cent|personnes|organismes|membres"
    r"|participant\w*|familles|ménages|heures|km|places|lits|postes|emplois|demandes|signatures)",
    re.IGNORECASE,
)
_FIGURES = re.compile(
    r"\d[ \t]?(?:%|\$|pour ?cent)|hausse|baisse|augment\w+|diminu\w+|taux", re.IGNORECASE
)


def not_a_year(text: str, start: int, end: int) -> bool:
    """A number that reads like a year but is a room, a civic number, an amount or a count."""
    before = text[max(0, start - 16) : start]
    if _NOT_YEAR_BEFORE.search(before):
        # "au 2200" is a civic number only when a street follows; "du 2014" never a year alone.
        word = before.rstrip().rsplit(None, 1)[-1].lower() if before.strip() else ""
        if word not in ("au", "du") or _NOT_YEAR_AFTER.match(text, end, end + 20):
            return True
    return bool(_NOT_YEAR_AFTER.match(text, end, end + 20))


# Cheap first pass (a literal-led pattern the regex engine scans fast), exact check after.
_YEARISH = re.compile(r"(?:19|20)\d\d")


_LOOSE_YEAR = re.compile(
    r"[\s\S]{0,2}?(?<![\w./,$-])(?<!\d )((?:19|20)\d\d)(?![\w/-]|\s?[$%]|[.,]\d| \d)"
)
_SCHOOL_CUE = re.compile(
    r"scolaire|école|rentrée|élèves|étudiant\w*|cégep|universit\w+|session|saison", re.IGNORECASE
)


def fiscal_markers(text: str, st: Structure) -> list[Fiscal]:
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
        ls = st.line_start(m.start())
        le = text.find("\n", m.end(), m.end() + 200)
        le = le if le >= 0 else min(len(text), m.end() + 200)
        line = text[max(ls, m.start() - 200) : le]
        stripped = text[ls:le].strip()
        heading = len(stripped) <= 80 and not stripped.endswith((".", ";", "!", "?"))
        if heading or _FISCAL_LINE_CUE.search(line):
            kind = "school" if _SCHOOL_CUE.search(line) else "fiscal"
            markers.append(Fiscal(m.start(), y1, kind))
    return markers


def report_period(text: str, st: Structure, fiscal: list[Fiscal]) -> date | None:
    """The end of the period an undated report covers: "Rapport annuel 2021-2022" (a fiscal
    year ends on 31 March, a school year on 30 June), "Bilan 2024" (31 December), when
    written in its first lines."""
    head_end = (
        st.line_starts[min(len(st.line_starts) - 1, 6)] if len(st.line_starts) > 6 else len(text)
    )
    head_end = min(head_end, 600)
    for f in fiscal:
        if f.pos < head_end:
            return date(f.year + 1, 6, 30) if f.kind == "school" else date(f.year + 1, 3, 31)
    m = _TITLE_YEAR.search(text, 0, head_end)
    if m is not None:
        return date(int(m.group(1)), 12, 31)
    return None


_TITLE_YEAR = re.compile(
    r"(?:rapport|bilan|plan|programmation|bulletin|revue|rétrospective|portrait|mémoire)"
    r"[^\n.]{0,60}?(?<![\d-])((?:19|20)\d\d)(?![\d-])",
    re.IGNORECASE,
)
