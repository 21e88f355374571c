"""The token grammar of French dates: runs of date words read into points (day, month, year).

A run is a sequence of adjacent tokens (weekdays, day numbers, month names, years, numeric
dates and the little words that join them: ``et``, ``au``, ``du``, ``,``…). A run must hold a
month or a numeric date to count, so street numbers, counts, phone numbers, page ranges and
times never become dates. Tokens are only read in windows around month-like words.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from bot.text.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAYS, month_number

_FULL = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_ABBR = "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
MONTH = rf"(?:(?:{_FULL})(?!\w)|(?:{_ABBR})(?:\.|(?=\s+(?:19|20)\d\d(?!\d))))"
# In running text an abbreviation without its dot is a month only right after a day number
# ("14 sept", checked when parsing) or before a year.
MONTH_TOKEN = rf"(?:(?:{_FULL})(?!\w)|(?:{_ABBR})(?:\.|(?!\w)))"
WD = "|".join(WEEKDAYS)
_APOS = "['’]"

TOKEN = re.compile(
    rf"""
    (?<!\w)(?:
        (?<![./])(?:
            (?<!-)(?P<iso>(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\2
                (?:0?[1-9]|[12]\d|3[01])(?![\w/-]))
          | (?<!-)(?P<dmy>(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\4
                (?:19|20)\d\d(?![\w/-]))
          | (?<!-)(?P<dmy2>(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/\d\d(?![\w/-]|[.,]\d))
          | (?<!-)(?P<dm>(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?![\w/]|[.,]\d))
          | (?<!-)(?P<year>(?:19|20)\d\d(?![\w/]|-\d))
          | (?<!,)(?<!\d\d\d-)
            (?:(?<![A-Za-z]-)|(?<=(?:vier|rier|mars|vril|[ (]mai|juin|llet|août|aout|mbre|obre)-))
            (?P<day>1[ \t]*\n?[ \t]*(?:er|re)|premier|[0-3]?\d)
            (?![\w/]|-(?![0-3]?\d(?![\w/-]))|[.,]\d)
        )
      | (?P<month>{MONTH_TOKEN})
      | (?P<wd>(?:{WD})(?!\w))
      | (?P<rel>(?:prochaine?s?|derni[eè]re?s?)(?!\w))
      | (?P<conn>(?:et|ou|au|aux|à|du|le|les|entre|jusqu{_APOS}au)(?!\w))
    )
  | (?P<punct>[,&–-])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_RANGE_CONN = {"au", "aux", "à", "-", "–", "jusqu'au", "jusqu’au"}

_MONTH_ALONE_CUE = re.compile(
    rf"(?:(?<!\w)(?:en|dès|depuis|début|fin|courant|avant|après|jusqu{_APOS}en|d{_APOS}ici"
    rf"|à partir d{_APOS}|mi)\s*-?\s*|(?<!\w)(?:mois|rencontre|réunion|séance|assemblée|"
    rf"consultation|session|semaine|fin|début|bulletin|rapport)\s+(?:de\s+|d{_APOS}\s*))$",
    re.IGNORECASE,
)

_MOVED = re.compile(r"(?:report|déplac|devanc|repouss)\w*\s*$", re.IGNORECASE)


@dataclass
class Point:
    day: int | None  # None: month precision
    month: int
    year: int | None = None
    explicit: bool = False  # year written beside it (or numeric date)
    weekday: int | None = None
    rel: str | None = None  # "prochain" / "dernier"
    range_next: bool = False
    pos: int = 0
    year_from: str = ""  # how the year was chosen (FoundDate.year_from)
    doubtful: bool = False


@dataclass
class Run:
    start: int
    end: int
    points: list[Point] = field(default_factory=list)
    first: int = -1  # where its first token starts (a weekday before the day, "du"…)


def _clean_rel(word: str) -> str:
    return "prochain" if word.lower().startswith("prochain") else "dernier"


def day_value(word: str) -> int:
    w = word.lower()
    if w == "premier" or w.endswith(("er", "re")):
        return 1
    return int(w)


# Cheap anchors: tokens are only read in windows around them (most text holds no date).
_ANCHOR_WORDS = (
    "janv", "fév", "fev", "mars", "avr", "mai", "juin", "juil", "août", "aout", "sept", "oct",
    "nov", "déc", "dec", "prochain", "derni",
)  # fmt: skip
_ANCHOR_CHECK = re.compile(rf"{MONTH_TOKEN}|prochaine?s?(?!\w)|derni[eè]re?s?(?!\w)", re.IGNORECASE)
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


def tokens_runs(text: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    for start, end in _windows(text):
        runs.extend(_window_runs(text, start, end))
    return runs


_ANCHOR_GROUPS = frozenset({"month", "iso", "dmy", "dmy2", "dm", "rel"})


def _window_runs(text: str, start: int, end: int) -> list[list[re.Match[str]]]:
    """Runs of adjacent tokens that hold a month, a numeric date or prochain/dernier."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    useful = False
    prev_end = -1
    for m in TOKEN.finditer(text, start, end):
        if current:
            gap = text[prev_end : m.start()]
            # A list item's dash or comma on a new line is a bullet, not a range or a list.
            if (
                (gap and not gap.isspace())
                or gap.count("\n") > 1
                or ("\n" in gap and m.lastgroup in ("conn", "punct"))
                or ("\n" in gap and _ends_heading(current[-1], m))
                # A complete date ends its line: the next line's date is another item.
                or ("\n" in gap and current[-1].lastgroup in ("year", "iso", "dmy", "dmy2"))
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


def _ends_heading(prev: re.Match[str], month: re.Match[str]) -> bool:
    """ "INFO-PSOC numéro 5\nOctobre 2026": a line ending on a bare number, then a line
    opening on a capitalised month, is a heading and a date line, not "5 octobre"
    (a sentence wrapped inside a date writes its month in lower case)."""
    return (
        month.lastgroup == "month"
        and month.group(0)[:1].isupper()
        and prev.lastgroup == "day"
        and prev.group(0).isdigit()
    )


# Numbers that name an issue, an article or a step, never a day: "INFO-PSOC numéro 5 Octobre".
NUMBERED = re.compile(
    r"(?<!\w)(?:numéro|num\.|no\.?|n°|nº|vol\.|volume|édition|bulletin|article|art\.|annexe"
    r"|section|chapitre|point|étape|phase)\s*$",
    re.IGNORECASE,
)


def parse_run(text: str, toks: list[re.Match[str]]) -> Run | None:
    """Turn one run of tokens into points; None when the run holds no date."""
    if not any(t.lastgroup in ("month", "iso", "dmy", "dmy2", "dm") for t in toks) and not any(
        t.lastgroup == "rel" for t in toks
    ):
        return None
    points: list[Point] = []
    pending: list[Point] = []  # days waiting for their month
    group: list[Point] = []  # the points the last month or year belongs to
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

    def dated(point: Point, m: re.Match[str]) -> None:
        """A point that carries its own month starts a group; days still waiting for a month
        were no list of it (« 12 14/10 »)."""
        nonlocal pending, group
        pending = []
        points.append(point)
        group = [point]
        use(m)

    def link_range() -> None:
        if pending:
            pending[-1].range_next = True
        elif group:
            group[-1].range_next = True

    for idx, m in enumerate(toks):
        kind = m.lastgroup
        word = m.group(0)
        low = word.lower()
        if kind in ("iso", "dmy", "dmy2"):
            parts = re.split(r"[-/.]", word)
            y, mo, d = (
                (parts[0], parts[1], parts[2]) if kind == "iso" else (parts[2], parts[1], parts[0])
            )
            year = int(y) if len(y) == 4 else 2000 + int(y)  # "14/03/25": this century's
            point = Point(
                int(d),
                int(mo),
                year,
                explicit=True,
                pos=m.start(),
                weekday=pending_wd,
                year_from="written",
            )
            if valid(point):
                dated(point, m)
            pending_wd = None
            last = "month"
        elif kind == "wd":
            pending_wd = WEEKDAYS[low]
            last = "wd"
        elif kind == "day":
            if NUMBERED.search(text, max(0, m.start() - 12), m.start()):
                pending = []
                pending_wd = None
                last = "skip"
                continue
            if last not in ("conn", "wd") and pending:
                pending = []  # "12 14 mars": two numbers that are not a list
            if low == "premier" and last not in ("conn", "wd", None):
                pending_wd = None
                last = "day"
                continue
            point = Point(day_value(word), 0, weekday=pending_wd, pos=m.start())
            if not 1 <= day_value(word) <= 31:
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
                point = Point(d, mo, weekday=pending_wd, pos=m.start())
                if valid(point):
                    dated(point, m)
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
                new = [p for p in pending if valid(p)]
                pending = []
                use(m)
            else:
                new = [Point(None, month, pos=m.start())]
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
                    p.year_from = "written"
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
                point = Point(0, 0, weekday=pending_wd, rel=_clean_rel(word), pos=m.start())
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
    return Run(min(p.pos for p in points), last_used, points, toks[0].start())


_DAYS_IN = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid(p: Point) -> bool:
    if p.day is None:
        return 1 <= p.month <= 12
    if not 1 <= p.month <= 12 or not 1 <= p.day <= _DAYS_IN[p.month]:
        return False
    if p.month == 2 and p.day == 29 and p.year is not None:
        return calendar.isleap(p.year)  # 29 février stays possible while the year is unknown
    return True


def propagate_chain(points: list[Point]) -> None:
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
            p.year_from = "list"
            continue
        earlier = next((q for q in reversed(points[:i]) if q.year is not None and q.month), None)
        if earlier is not None and earlier.year is not None:
            y = earlier.year
            if (p.month, p.day or 0) < (earlier.month, earlier.day or 0):
                y += 1
            p.year = y
            p.year_from = "list"


def iso(p: Point) -> str:
    if p.day is None:
        return f"{p.year:04d}-{p.month:02d}"
    return f"{p.year:04d}-{p.month:02d}-{p.day:02d}"


def month_alone_ok(text: str, p: Point) -> bool:
    return bool(_MONTH_ALONE_CUE.search(text, max(0, p.pos - 30), p.pos))


def first_full_date(text: str, start: int, end: int) -> date | None:
    """The first date written in full (day, month, year) in text[start:end]: a header's."""
    for toks in _window_runs(text, start, end):
        run = parse_run(text, toks)
        if run is None:
            continue
        propagate_chain(run.points)
        for p in run.points:
            if p.day and p.year and valid(p):
                return date(p.year, p.month, p.day)
    return None
