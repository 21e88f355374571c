"""French dates in running text: a small token grammar, year inference, label and kind.

``find_dates(text, reference)`` is a pure function. Dates are read from runs of date tokens
(weekdays, day numbers, month names, years, numeric dates and the little words that join them:
``et``, ``au``, ``du``, ``,``…); a run must hold a month (or a numeric date) to count, so street
numbers, counts, phone numbers, page ranges and times never become dates.

A missing year is inferred, in this order: the list or range the date belongs to; ``prochain`` /
``dernier``; the same day written with its year elsewhere in the text; a fiscal-year heading
(``2021-2022``: April–December → 2021, January–March → 2022); the last explicit year before it;
the reference date (the document's own date line when it has one, else ``reference``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.text.lexicon import (
    KIND_RE,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    WEEKDAYS,
    month_number,
)
from bot.text.model import DateKind, FoundDate, Precision

_FULL = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_ABBR = "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
_MONTH = rf"(?:(?:{_FULL})(?!\w)|(?:{_ABBR})(?:\.|(?=\s+(?:19|20)\d\d(?!\d))))"
# In running text an abbreviation without its dot is a month only right after a day number
# ("14 sept", checked when parsing) or before a year.
_MONTH_TOKEN = rf"(?:(?:{_FULL})(?!\w)|(?:{_ABBR})(?:\.|(?!\w)))"
_WD = "|".join(WEEKDAYS)
_APOS = "['’]"

_TOKEN = re.compile(
    rf"""
    (?<!\w)(?:
        (?<![./])(?:
            (?<!-)(?P<iso>(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\2
                (?:0?[1-9]|[12]\d|3[01])(?![\w/-]))
          | (?<!-)(?P<dmy>(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\4
                (?:19|20)\d\d(?![\w/-]))
          | (?<!-)(?P<dm>(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?![\w/]|[.,]\d))
          | (?<!-)(?P<year>(?:19|20)\d\d(?![\w/]|-\d))
          | (?<!,)(?<!\d\d\d-)(?<![A-Za-z]-)
            (?P<day>1[ \t]*\n?[ \t]*(?:er|re)|premier|[0-3]?\d)
            (?![\w/]|-(?![0-3]?\d(?![\w/-]))|[.,]\d)
        )
      | (?P<month>{_MONTH_TOKEN})
      | (?P<wd>(?:{_WD})(?!\w))
      | (?P<rel>(?:prochaine?s?|derni[eè]re?s?)(?!\w))
      | (?P<conn>(?:et|ou|au|aux|à|du|le|les|entre|jusqu{_APOS}au)(?!\w))
    )
  | (?P<punct>[,&–-])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_RANGE_CONN = {"au", "aux", "à", "-", "–", "jusqu'au", "jusqu’au"}
_LIST_CONN = {"et", "ou", ",", "&"}

# A month named alone is a date only after words like these ("à la fin du mois de mars").
_MONTH_ALONE_CUE = re.compile(
    rf"(?:(?<!\w)(?:en|dès|depuis|début|fin|courant|avant|après|jusqu{_APOS}en|d{_APOS}ici"
    rf"|à partir d{_APOS}|mi)\s*-?\s*|(?<!\w)(?:mois|rencontre|réunion|séance|assemblée|"
    rf"consultation|session|semaine|fin|début|bulletin|rapport)\s+(?:de\s+|d{_APOS}\s*))$",
    re.IGNORECASE,
)
_FISCAL = re.compile(r"[\s\S]?(?<![\d-])((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)(?![\d-])")
_FISCAL_LINE_CUE = re.compile(
    r"exercice|année financière|calendrier|programmation|planification|fiscal",
    re.IGNORECASE,
)
_DOC_DATE_LINE = re.compile(
    rf"^[ \t*_#]*(?:[A-ZÀ-Ý][\w’'.\- ]{{1,40}},[ \t]*)?(?:(?:le|ce)[ \t]+)?(?:(?:{_WD})[ \t]+)?"
    rf"(?:(?P<day>1er|[0-3]?\d)[ \t]+)?(?P<month>{_MONTH})[ \t]+(?P<year>(?:19|20)\d\d)"
    rf"[ \t*_.]*$",
    re.IGNORECASE | re.MULTILINE,
)
_MAIL_HEADERS = re.compile(
    r"^[ \t>]*(?:De|From)[ \t]*:.*\n(?:[ \t>]*(?:Envoyé|Sent|Date|À|A|To|Cc|Objet|Subject)"
    r"[ \t]*:.*(?:\n|$)){1,6}|^.{0,120}(?:a écrit|wrote)[ \t]*:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_MOVED = re.compile(r"(?:report|déplac|devanc|repouss)\w*\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-•*✓▪◦–·►>]+|\d{1,2}[.)])\s*")


@dataclass
class _Point:
    day: int | None  # None: month precision
    month: int
    year: int | None = None
    explicit: bool = False  # year written beside it (or numeric date)
    weekday: int | None = None
    rel: str | None = None  # "prochain" / "dernier"
    range_next: bool = False
    pos: int = 0


@dataclass
class _Run:
    start: int
    end: int
    points: list[_Point] = field(default_factory=list)


def _clean_rel(word: str) -> str:
    return "prochain" if word.lower().startswith("prochain") else "dernier"


def _day_value(word: str) -> int:
    w = word.lower()
    if w == "premier" or w.endswith(("er", "re")):
        return 1
    return int(w)


# Cheap anchors: tokens are only read in windows around them (most text holds no date).
_ANCHOR_WORDS = (
    "janv", "fév", "fev", "mars", "avr", "mai", "juin", "juil", "août", "aout", "sept", "oct",
    "nov", "déc", "dec", "prochain", "derni",
)  # fmt: skip
_ANCHOR_CHECK = re.compile(
    rf"{_MONTH_TOKEN}|prochaine?s?(?!\w)|derni[eè]re?s?(?!\w)", re.IGNORECASE
)
_NUMERIC_ANCHOR = re.compile(r"\d[-/.]\d")
_WINDOW_BEFORE = 60
_WINDOW_AFTER = 40


def _windows(text: str) -> list[tuple[int, int]]:
    low = text.lower()
    anchors: list[int] = []
    for word in _ANCHOR_WORDS:
        i = low.find(word)
        while i >= 0:
            # "semaine", "décision", "maintenant" hold month-like letters: check the word.
            if (i == 0 or not low[i - 1].isalpha()) and _ANCHOR_CHECK.match(low, i):
                anchors.append(i)
            i = low.find(word, i + 1)
    anchors.extend(m.start() for m in _NUMERIC_ANCHOR.finditer(text))
    anchors.sort()
    spans: list[tuple[int, int]] = []
    for a in anchors:
        start = max(0, a - _WINDOW_BEFORE)
        end = min(len(text), a + _WINDOW_AFTER)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    # Start and end windows on whitespace so no token is cut in two.
    out = []
    for start, end in spans:
        if start > 0:
            space = text.find(" ", start)
            start = space if 0 <= space < end else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        out.append((start, end))
    return out


def _tokens_runs(text: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    for start, end in _windows(text):
        runs.extend(_window_runs(text, start, end))
    return runs


_ANCHOR_GROUPS = frozenset({"month", "iso", "dmy", "dm", "rel"})


def _window_runs(text: str, start: int, end: int) -> list[list[re.Match[str]]]:
    """Runs of adjacent tokens that hold a month, a numeric date or prochain/dernier."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    useful = False
    prev_end = -1
    for m in _TOKEN.finditer(text, start, end):
        if current:
            gap = text[prev_end : m.start()]
            # A list item's dash or comma on a new line is a bullet, not a range or a list.
            if (
                (gap and not gap.isspace())
                or gap.count("\n") > 1
                or ("\n" in gap and m.lastgroup in ("conn", "punct"))
            ):
                if useful:
                    runs.append(current)
                current = []
                useful = False
        current.append(m)
        useful = useful or m.lastgroup in _ANCHOR_GROUPS
        prev_end = m.end()
    if current and useful:
        runs.append(current)
    return runs


def _parse_run(text: str, toks: list[re.Match[str]]) -> _Run | None:
    """Turn one run of tokens into points; None when the run holds no date."""
    if not any(t.lastgroup in ("month", "iso", "dmy", "dm") for t in toks) and not any(
        t.lastgroup == "rel" for t in toks
    ):
        return None
    points: list[_Point] = []
    pending: list[_Point] = []  # days waiting for their month
    group: list[_Point] = []  # the points the last month or year belongs to
    pending_wd: int | None = None
    last: str | None = None  # kind of the previous token
    between = False
    first_used: int | None = None
    last_used = 0

    def use(m: re.Match[str]) -> None:
        nonlocal first_used, last_used
        if first_used is None:
            first_used = m.start()
        last_used = m.end()

    def link_range() -> None:
        if pending:
            pending[-1].range_next = True
        elif group:
            group[-1].range_next = True

    for idx, m in enumerate(toks):
        kind = m.lastgroup
        word = m.group(0)
        low = word.lower()
        if kind in ("iso", "dmy"):
            parts = re.split(r"[-/.]", word)
            y, mo, d = (
                (parts[0], parts[1], parts[2]) if kind == "iso" else (parts[2], parts[1], parts[0])
            )
            point = _Point(
                int(d), int(mo), int(y), explicit=True, pos=m.start(), weekday=pending_wd
            )
            if _valid(point):
                if pending:
                    pending = []
                points.append(point)
                group = [point]
                use(m)
            pending_wd = None
            last = "month"
        elif kind == "wd":
            pending_wd = WEEKDAYS[low]
            last = "wd"
        elif kind == "day":
            if last not in ("conn", "wd") and pending:
                pending = []  # "12 14 mars": two numbers that are not a list
            if low == "premier" and last not in ("conn", "wd", None):
                pending_wd = None
                last = "day"
                continue
            point = _Point(_day_value(word), 0, weekday=pending_wd, pos=m.start())
            if not 1 <= _day_value(word) <= 31:
                pending = []
            else:
                pending.append(point)
            pending_wd = None
            last = "day"
        elif kind == "dm":
            # "le 14/10": a day and month without year, only after le/du/au or a weekday.
            prev = toks[idx - 1].group(0).lower() if idx else ""
            if prev in ("le", "du", "au", "et", "jusqu'au", "jusqu’au") or prev in WEEKDAYS:
                d, mo = (int(x) for x in word.split("/"))
                point = _Point(d, mo, weekday=pending_wd, pos=m.start())
                if _valid(point):
                    pending = []
                    points.append(point)
                    group = [point]
                    use(m)
            pending_wd = None
            last = "month"
        elif kind == "month":
            if "." not in word and low in MONTH_ABBREVIATIONS and not (pending and last == "day"):
                nxt = toks[idx + 1] if idx + 1 < len(toks) else None
                if nxt is None or nxt.lastgroup != "year":
                    pending = []
                    group = []
                    last = "skip"
                    continue
            month = month_number(word)
            assert month is not None
            if pending:
                for p in pending:
                    p.month = month
                new = [p for p in pending if _valid(p)]
                pending = []
                use(m)
            else:
                new = [_Point(None, month, pos=m.start())]
                use(m)
            points.extend(new)
            group = new
            pending_wd = None
            last = "month"
        elif kind == "year":
            if last == "month" and group and all(p.year is None for p in group):
                for p in group:
                    p.year = int(word)
                    p.explicit = True
                use(m)
                last = "year"
            else:
                pending = []
                group = []
                last = "year_dropped"
        elif kind == "rel":
            if last in ("month", "year") and group:
                for p in group:
                    p.rel = _clean_rel(word)
                use(m)
            elif last == "wd" and pending_wd is not None:
                point = _Point(0, 0, weekday=pending_wd, rel=_clean_rel(word), pos=m.start())
                points.append(point)
                group = [point]
                use(m)
                pending_wd = None
            last = "rel"
        else:  # conn
            c = low.replace("’", "'")
            if c in _RANGE_CONN or (between and c == "et"):
                link_range()
                between = False
            elif c == "entre":
                between = True
            elif c in ("le", "les", "du"):
                if last not in ("conn", None):
                    # "12 le 14 mars": a number then a new date, not a list.
                    if pending and last == "day":
                        pending = []
            last = "conn"
    # "reporté du 12 au 26 janvier": moved from one day to another, not a range.
    if _MOVED.search(text, max(0, toks[0].start() - 25), toks[0].start()):
        for p in points:
            p.range_next = False
    # Range links pointing at nothing (e.g. "14 septembre à 13 h") are no ranges.
    for i, p in enumerate(points):
        if p.range_next and i == len(points) - 1:
            p.range_next = False
    if not points or first_used is None:
        return None
    return _Run(min(p.pos for p in points), last_used, points)


def _valid(p: _Point) -> bool:
    if p.day is None:
        return 1 <= p.month <= 12
    if not 1 <= p.month <= 12 or not 1 <= p.day <= 31:
        return False
    year = p.year if p.year is not None else 2000  # leap year: 29 février stays possible
    return p.day <= calendar.monthrange(year, p.month)[1]


def _propagate_chain(points: list[_Point]) -> None:
    """List and range rule: a year written once serves the whole chain, in calendar order."""
    for i, p in enumerate(points):
        if p.year is not None or p.rel or p.month == 0:
            continue
        later = next((q for q in points[i + 1 :] if q.explicit), None)
        if later is not None and later.year is not None:
            y = later.year
            if (p.month, p.day or 0) > (later.month, later.day or 0):
                y -= 1
            p.year = y
            continue
        earlier = next((q for q in reversed(points[:i]) if q.year is not None and q.month), None)
        if earlier is not None and earlier.year is not None:
            y = earlier.year
            if (p.month, p.day or 0) < (earlier.month, earlier.day or 0):
                y += 1
            p.year = y


@dataclass
class _Context:
    reference: date
    explicit_years: list[tuple[int, int]]  # (position, year), in text order
    fiscal: list[tuple[int, int]]  # (position, first year)
    known: dict[tuple[int, int], int]  # (month, day or 0) -> year written somewhere
    explicit_pos: list[int] = field(default_factory=list)
    fiscal_pos: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.explicit_pos = [pos for pos, _ in self.explicit_years]
        self.fiscal_pos = [pos for pos, _ in self.fiscal]


def _infer_year(p: _Point, ctx: _Context) -> None:
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
    if _safe_date(y, p.month, p.day or _last_dom(y, p.month)) < ref - timedelta(days=92):
        y += 1
    p.year = _weekday_fit(p, y)


def _relative_year(p: _Point, ref: date) -> int:
    y = ref.year
    if p.day is None:
        if p.rel == "prochain":
            return y if p.month > ref.month else y + 1
        return y if p.month < ref.month else y - 1
    candidate = _safe_date(y, p.month, p.day)
    if p.rel == "prochain":
        return y if candidate >= ref else y + 1
    return y if candidate <= ref else y - 1


def _weekday_fit(p: _Point, year: int) -> int:
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


def _fiscal_before(pos: int, ctx: _Context) -> int | None:
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
    return date(y, m, min(d, _last_dom(y, m)))


def _last_dom(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def document_date(text: str) -> date | None:
    """The document's own date line near its top ("Québec, le 13 janvier 2021", "Janvier 2018")."""
    found = _document_date_match(text)
    if found is None:
        return None
    return found[0]


def _document_date_match(text: str) -> tuple[date, int, int] | None:
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
        day = _day_value(m.group("day"))
        if not 1 <= day <= _last_dom(year, month):
            return None
    else:
        day = _last_dom(year, month)
    return date(year, month, day), m.start(), m.end()


def find_dates(text: str, reference: date) -> list[FoundDate]:
    """Every date the text mentions, with inferred years, what happens and its kind."""
    if not text:
        return []
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    doc = _document_date_match(text)
    skip = (doc[1], doc[2]) if doc else (-1, -1)
    ref = doc[0] if doc else reference

    headers = [(m.start(), m.end()) for m in _MAIL_HEADERS.finditer(text)] if ":" in text else []
    runs: list[_Run] = []
    for toks in _tokens_runs(text):
        run = _parse_run(text, toks)
        if run is None or skip[0] <= run.start < skip[1]:
            continue
        if any(a <= run.start < b for a, b in headers):
            continue  # the date a forwarded or quoted e-mail was sent is no event
        runs.append(run)

    explicit_years: list[tuple[int, int]] = []
    known: dict[tuple[int, int], int] = {}
    for run in runs:
        _propagate_chain(run.points)
        for p in run.points:
            if p.explicit and p.year is not None:
                explicit_years.append((p.pos, p.year))
                known.setdefault((p.month, p.day or 0), p.year)
    explicit_years.extend(_loose_years(text, skip))
    explicit_years.sort()
    ctx = _Context(ref, explicit_years, _fiscal_markers(text), known)

    results: list[tuple[int, FoundDate]] = []
    for run in runs:
        kept = [
            p
            for p in run.points
            if p.day is not None or p.year is not None or p.rel or _month_alone_ok(text, p)
        ]
        for p in kept:
            _infer_year(p, ctx)
        run_text = _run_text(text, run)
        run_label, run_kind = _label_and_kind(text, run)
        i = 0
        while i < len(kept):
            p = kept[i]
            end: _Point | None = None
            if p.range_next and i + 1 < len(kept) and kept[i + 1].year is not None:
                end = kept[i + 1]
                i += 1
            i += 1
            if p.year is None:
                continue
            start_iso = _iso(p)
            end_iso = _iso(end) if end is not None else None
            if end_iso is not None and end_iso < start_iso:
                continue
            precision: Precision = "day" if p.day is not None else "month"
            label, kind = run_label, run_kind
            if end is not None:
                kind = "periode"
            results.append((p.pos, FoundDate(start_iso, end_iso, precision, run_text, label, kind)))
        last = kept[-1] if kept else None
        if last is not None and last.day is not None and last.year is not None:
            results.extend(_bare_days(text, run, last))
    return _dedupe(results)


# "annulée le 5 novembre; reprise le 19.": a bare day after a date takes its month.
_BARE_DAY = re.compile(r"(?<!\w)(?:le|au|jusqu['’]au)\s+(1er|[0-3]?\d)(?=\s*(?:[.;,)!]|$))")


def _bare_days(text: str, run: _Run, anchor: _Point) -> list[tuple[int, FoundDate]]:
    ls, le = _line_bounds(text, run.end, run.end)
    _, se = _sentence_bounds(text, ls, le, run.end, run.end)
    out = []
    for m in _BARE_DAY.finditer(text, run.end, min(se, run.end + 120)):
        assert anchor.year is not None and anchor.day is not None
        day = _day_value(m.group(1))
        year, month = anchor.year, anchor.month
        if day <= anchor.day:  # "le 28 juin ... le 3": the next month's
            month = month % 12 + 1
            year += month == 1
        if not 1 <= day <= _last_dom(year, month):
            continue
        bare = _Run(m.start(1), m.end(1))
        label, kind = _label_and_kind(text, bare)
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        out.append((m.start(1), FoundDate(iso, None, "day", m.group(0), label, kind)))
    return out


def _iso(p: _Point) -> str:
    if p.day is None:
        return f"{p.year:04d}-{p.month:02d}"
    return f"{p.year:04d}-{p.month:02d}-{p.day:02d}"


def _month_alone_ok(text: str, p: _Point) -> bool:
    return bool(_MONTH_ALONE_CUE.search(text, max(0, p.pos - 30), p.pos))


def _loose_years(text: str, skip: tuple[int, int]) -> list[tuple[int, int]]:
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


def _fiscal_markers(text: str) -> list[tuple[int, int]]:
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


_LEADING = re.compile(r"^(?:(?:(?:les|le|et|ou|au|à)(?!\w)|[,&–-])\s*)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s*(?:et|ou|au|à|du|le|les|entre|,|-|–|&))+$", re.IGNORECASE)


def _run_text(text: str, run: _Run) -> str:
    # Keep an opening "du" / "entre le" / weekday just before the first date word.
    words = text[max(0, run.start - 25) : run.start].split()
    take = 0
    if words and words[-1].lower() in WEEKDAYS:
        take = 1
    if len(words) > take and words[-1 - take].lower() in ("du", "le", "les"):
        take += 1
        if words[-take].lower() in ("le", "les") and len(words) > take:
            take += words[-1 - take].lower() == "entre"
    start = run.start
    if take:
        start = text.rfind(words[-take], max(0, run.start - 25), run.start)
    chunk = " ".join(text[start : run.end].split())
    chunk = _ONE_ER.sub(r"1\1", _TRAILING.sub("", chunk))
    return _LEADING.sub("", chunk) if not chunk.lower().startswith(("du ", "entre ")) else chunk


_ONE_ER = re.compile(r"(?<!\w)1 (er|re)(?!\w)")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return ls, le if le >= 0 else len(text)


_SENT_END = re.compile(r"[.!?…](?:\s+|$)(?=[A-ZÀ-Ý«\"“•\-\d]|$)")


def _sentence_bounds(text: str, ls: int, le: int, start: int, end: int) -> tuple[int, int]:
    ss = ls
    for m in _SENT_END.finditer(text, ls, start):
        if not _abbrev_before(text, m.start()):
            ss = m.end()
    se = le
    for m in _SENT_END.finditer(text, end, le):
        if not _abbrev_before(text, m.start()):
            se = m.start() + 1
            break
    return ss, se


def _abbrev_before(text: str, dot: int) -> bool:
    word = re.search(r"(\w+)$", text[max(0, dot - 8) : dot])
    if word is None:
        return False
    w = word.group(1).lower()
    return len(w) == 1 or w in _ABBREVIATIONS


_ABBREVIATIONS = frozenset(
    {"m", "mm", "mme", "mmes", "p", "pp", "no", "art", "dr", "st", "ste", "c", "d", "cf", "vol"}
    | set(MONTH_ABBREVIATIONS)
)


def _tidy(label: str, limit: int = 160) -> str:
    label = " ".join(label.split()).strip(" :;,-–—•*_")
    if label.endswith(".") and not label.endswith(".."):
        label = label[:-1]
    label = re.sub(r"\*\*|__", "", label)
    if len(label) > limit:
        cut = label[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        label = cut.rstrip(" ,;:") + "…"
    return label


def _label_and_kind(text: str, run: _Run) -> tuple[str, DateKind]:
    rs = run.start
    re_ = run.end
    ls, le = _line_bounds(text, rs, re_)
    before = text[ls:rs]
    after = text[re_:le]
    bare_before = _BULLET.sub("", before)

    # "30 juin 2018 : fin de la consultation" / "Après le 30 juin : production d'un rapport"
    colon_after = re.match(r"^\s*(?:prochain\w*|derni\w*)?\s*[:–—]\s*(\S.*)", after)
    if colon_after and len(bare_before) <= 30 and ":" not in bare_before:
        label = _first_sentence(colon_after.group(1))
        kind = _kind_of(label, None)
        if kind == "autre":
            heading = _list_heading(text, ls)
            kind = _kind_of(heading, None) if heading else kind
        return _tidy(label), kind

    # "les séances de présentation du cadre normatif (18, 20 et 25 avril 2023)"
    if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
        ss, _ = _sentence_bounds(text, ls, le, rs, re_)
        head = text[ss:rs].rstrip()[:-1]
        parts = head.rsplit(", ", 1)
        if len(parts) == 2 and len(parts[1].split()) >= 3:
            head = parts[1]
        return _tidy(head), _kind_of(head, None)

    rest = re.sub(r"[\s.;,:)]+", "", after)
    # "Dates des rencontres : 12 et 14 octobre 2021"
    if not rest and bare_before.rstrip().endswith(":") and len(bare_before.strip()) > 1:
        head = bare_before.rstrip()[:-1]
        return _tidy(head), _kind_of(head, None)

    # A line that is only dates: the heading of the list gives the label.
    if not rest and not re.sub(
        r"[\s(]+|\b(?:le|les|du|entre)\b", "", bare_before, flags=re.IGNORECASE
    ):
        heading = _list_heading(text, ls)
        if heading:
            return _tidy(heading), _kind_of(heading, None)

    ss, se = _sentence_bounds(text, ls, le, rs, re_)
    sentence = text[ss:se]
    kind = _kind_of(sentence, (rs - ss, re_ - ss))
    if len(sentence) > 160 and rs - ss > 100:
        space = text.rfind(" ", ss, rs - 60)
        sentence = "…" + text[(space if space > ss else rs - 60) : se].lstrip()
    return _tidy(sentence), kind


def _first_sentence(s: str) -> str:
    m = _SENT_END.search(s)
    return s[: m.start() + 1] if m and m.start() > 10 else s


def _list_heading(text: str, line_start: int) -> str | None:
    pos = line_start - 1
    for _ in range(12):
        if pos <= 0:
            return None
        ls = text.rfind("\n", 0, pos) + 1
        line = _BULLET.sub("", text[ls:pos]).strip()
        pos = ls - 1
        if not line:
            continue
        head, colon, _ = line.partition(":")
        if colon and _is_only_dates(head):
            continue  # another "date : item" line of the same list
        if not _is_only_dates(line):
            return line if len(line) <= 120 else None
    return None


def _is_only_dates(s: str) -> bool:
    rest = _TOKEN.sub("", s)
    rest = re.sub(
        r"(?<!\w)(?:après|avant|autour|vers|dès|fin|début)(?!\w)", "", rest, flags=re.IGNORECASE
    )
    return not re.sub(r"[\s.;,:()•*✓-]+", "", rest)


def _kind_of(s: str, span: tuple[int, int] | None) -> DateKind:
    """The cue nearest the date decides; without a span, the first cue found."""
    best: tuple[float, DateKind] | None = None
    for kind, pattern in KIND_RE:
        for m in pattern.finditer(s):
            if span is None:
                dist = float(m.start())
            elif m.end() <= span[0]:
                dist = span[0] - m.end()
            elif m.start() >= span[1]:
                dist = (m.start() - span[1]) * 1.5
            else:
                dist = 0.0
            if best is None or dist < best[0]:
                best = (dist, kind)  # type: ignore[assignment]
    return best[1] if best else "autre"


def _dedupe(results: list[tuple[int, FoundDate]]) -> list[FoundDate]:
    merged: dict[tuple[str, str | None, str], FoundDate] = {}
    order: list[tuple[str, str | None, str]] = []
    for _, found in sorted(results, key=lambda r: r[0]):
        key = (found.date, found.end, found.precision)
        old = merged.get(key)
        if old is None:
            merged[key] = found
            order.append(key)
        elif old.kind == "autre" and found.kind != "autre":
            merged[key] = FoundDate(
                old.date, old.end, old.precision, old.text, found.label, found.kind
            )
    return [merged[k] for k in order]
