"""French dates in running text: a small token grammar, year inference, label and kind.

``find_dates(text, reference)`` is a pure function. Dates are read from runs of date tokens
(weekdays, day numbers, month names, years, numeric dates and the little words that join them:
``et``, ``au``, ``du``, ``,``…); a run must hold a month (or a numeric date) to count, so street
numbers, counts, phone numbers, page ranges and times never become dates.

A missing year is inferred, in this order: the list or range the date belongs to; ``prochain`` /
``dernier``; the same day written with its year elsewhere in the text; a fiscal-year heading
(``2021-2022``: April–December → 2021, January–March → 2022); the last explicit year before it;
the reference date (the document's own date line when it has one, else ``reference``).
The document's own date lines ("Québec, le 13 janvier 2021", "Bulletin — septembre 2026" atop
the text) are not reported; numbers that name an issue or an article ("numéro 5 Octobre
2026") are no days.

Modules: ``grammar`` (tokens and runs), ``years`` (inference, date line), ``labels`` (label, kind).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from bot.text.grammar import (
    Point,
    Run,
    day_value,
    iso,
    month_alone_ok,
    parse_run,
    propagate_chain,
    tokens_runs,
)
from bot.text.labels import label_and_kind, line_bounds, run_text, sentence_bounds
from bot.text.model import FoundDate, Precision
from bot.text.years import (
    YearContext,
    fiscal_markers,
    infer_year,
    last_dom,
    loose_years,
    own_dates,
)

_MAIL_HEADERS = re.compile(
    r"^[ \t>]*(?:De|From)[ \t]*:.*\n(?:[ \t>]*(?:Envoyé|Sent|Date|À|A|To|Cc|Objet|Subject)"
    r"[ \t]*:.*(?:\n|$)){1,6}|^.{0,120}(?:a écrit|wrote)[ \t]*:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def find_dates(text: str, reference: date) -> list[FoundDate]:
    """Every date the text mentions, with inferred years, what happens and its kind."""
    if not text:
        return []
    if isinstance(reference, datetime):
        reference = reference.date()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    own_date, skip = own_dates(text)
    ref = own_date or reference

    headers = [(m.start(), m.end()) for m in _MAIL_HEADERS.finditer(text)] if ":" in text else []
    runs: list[Run] = []
    for toks in tokens_runs(text):
        run = parse_run(text, toks)
        if run is None or any(a <= run.start < b for a, b in skip):
            continue
        if any(a <= run.start < b for a, b in headers):
            continue  # the date a forwarded or quoted e-mail was sent is no event
        runs.append(run)

    explicit_years: list[tuple[int, int]] = []
    known: dict[tuple[int, int], int] = {}
    for run in runs:
        propagate_chain(run.points)
        for p in run.points:
            if p.explicit and p.year is not None:
                explicit_years.append((p.pos, p.year))
                known.setdefault((p.month, p.day or 0), p.year)
    explicit_years.extend(loose_years(text, skip))
    explicit_years.sort()
    ctx = YearContext(ref, explicit_years, fiscal_markers(text), known)

    results: list[tuple[int, FoundDate]] = []
    for run in runs:
        kept = [
            p
            for p in run.points
            if p.day is not None or p.year is not None or p.rel or month_alone_ok(text, p)
        ]
        for p in kept:
            infer_year(p, ctx)
        found_text = run_text(text, run)
        run_label, run_kind = label_and_kind(text, run)
        i = 0
        while i < len(kept):
            p = kept[i]
            end: Point | None = None
            if p.range_next and i + 1 < len(kept) and kept[i + 1].year is not None:
                end = kept[i + 1]
                i += 1
            i += 1
            if p.year is None:
                continue
            start_iso = iso(p)
            end_iso = iso(end) if end is not None else None
            if end_iso is not None and end_iso < start_iso:
                continue
            precision: Precision = "day" if p.day is not None else "month"
            label, kind = run_label, run_kind
            if end is not None:
                kind = "periode"
            results.append(
                (p.pos, FoundDate(start_iso, end_iso, precision, found_text, label, kind))
            )
        last = kept[-1] if kept else None
        if last is not None and last.day is not None and last.year is not None:
            results.extend(_bare_days(text, run, last))
    return _dedupe(results)


# "annulée le 5 novembre; reprise le 19.": a bare day after a date takes its month.
_BARE_DAY = re.compile(r"(?<!\w)(?:le|au|jusqu['’]au)\s+(1er|[0-3]?\d)(?=\s*(?:[.;,)!]|$))")


def _bare_days(text: str, run: Run, anchor: Point) -> list[tuple[int, FoundDate]]:
    ls, le = line_bounds(text, run.end, run.end)
    _, se = sentence_bounds(text, ls, le, run.end, run.end)
    out = []
    for m in _BARE_DAY.finditer(text, run.end, min(se, run.end + 120)):
        assert anchor.year is not None and anchor.day is not None
        day = day_value(m.group(1))
        year, month = anchor.year, anchor.month
        if day <= anchor.day:  # "le 28 juin ... le 3": the next month's
            month = month % 12 + 1
            year += month == 1
        if not 1 <= day <= last_dom(year, month):
            continue
        bare = Run(m.start(1), m.end(1))
        label, kind = label_and_kind(text, bare)
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        out.append((m.start(1), FoundDate(iso, None, "day", m.group(0), label, kind)))
    return out


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
