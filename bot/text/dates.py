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
from bisect import bisect_right
from datetime import date, datetime, timedelta

from bot.text.grammar import (
    Point,
    Run,
    iso,
    month_alone_ok,
    parse_run,
    propagate_chain,
    tokens_runs,
)
from bot.text.labels import label_and_kind, run_text
from bot.text.model import FoundDate, Precision
from bot.text.relative import Mention, find_relative
from bot.text.structure import Structure, build, quoted_segments
from bot.text.years import (
    Fiscal,
    YearContext,
    YearMark,
    anchor_year,
    fiscal_markers,
    infer_year,
    loose_years,
    own_dates,
    report_period,
)

# At most this many date runs (and as many relative words) are read per text: every one costs
# a label, and thousands of them (hostile input) would only flood « Dates à retenir ».
MAX_DATES = 1000


def find_dates(text: str, reference: date, *, reference_kind: str = "given") -> list[FoundDate]:
    """Every date the text mentions, with inferred years, what happens and its kind.

    ``reference_kind`` says where ``reference`` comes from: "given" or "email" (trusted),
    "metadata" (a file's properties: used only when plausible) or "today" (the moment the
    document arrived: the last resort, after the period a report covers).
    """
    if not text:
        return []
    if isinstance(reference, datetime):
        reference = reference.date()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    own_date, skip = own_dates(text)
    st = build(text)

    runs: list[Run] = []
    for toks in tokens_runs(text):
        run = parse_run(text, toks)
        if run is None or any(a <= run.start < b for a, b in skip):
            continue
        runs.append(run)
        if len(runs) >= MAX_DATES:
            break  # a text of thousands of dates is no communication a member reads

    marks: list[YearMark] = []
    for run in runs:
        propagate_chain(run.points)
        for p in run.points:
            if p.explicit and p.year is not None:
                marks.append(YearMark(p.pos, p.year, loose=False))
    marks.extend(loose_years(text, st, skip))
    fiscal = fiscal_markers(text, st)
    full_dates = [
        date(p.year, p.month, p.day)
        for run in runs
        for p in run.points
        if p.explicit and p.year and p.day and p.month
    ]
    anchor, anchor_kind = _anchor(
        text, st, reference, reference_kind, own_date, marks, fiscal, full_dates
    )
    segments, header_spans = quoted_segments(text, anchor, anchor_kind)
    seg_starts = [seg.start for seg in segments]
    if header_spans:
        # The date a forwarded or quoted e-mail was sent is no event.
        runs = [r for r in runs if not _inside(header_spans, r.start)]

    def anchor_at(pos: int) -> tuple[date, str]:
        seg = segments[max(0, bisect_right(seg_starts, pos) - 1)]
        return seg.anchor, seg.kind

    known: dict[tuple[int, int, int], int] = {}
    for run in runs:
        for p in run.points:
            if p.explicit and p.year is not None:
                known.setdefault((st.section(p.pos), p.month, p.day or 0), p.year)
    ctx = YearContext(st, anchor, anchor_kind, marks, fiscal, known)

    results: list[tuple[int, FoundDate]] = []
    mentions: list[Mention] = []
    day_dates: list[tuple[int, date]] = []
    for run in runs:
        kept = [
            p
            for p in run.points
            if p.day is not None or p.year is not None or p.rel or month_alone_ok(text, p)
        ]
        _infer_run(kept, ctx, anchor_at, st, run)
        for p in run.points:
            if p.month and p.year is not None:
                mentions.append(Mention(p.pos, run.end, p.day, p.month, p.year))
            elif p.month and not p.day:
                # « en avril : les 7, 14 et 28 »: a month alone is context for the days after.
                year, _ = anchor_year(p.month, None, anchor_at(p.pos)[0], st.tense(p.pos, run.end))
                mentions.append(Mention(p.pos, run.end, None, p.month, year))
        found_text = run_text(text, run)
        run_label, run_kind = label_and_kind(text, run, st)
        seg_anchor, seg_kind = anchor_at(run.start)
        i = 0
        while i < len(kept):
            p = kept[i]
            end: Point | None = None
            if p.range_next and i + 1 < len(kept) and kept[i + 1].year is not None:
                end = kept[i + 1]
                i += 1
            i += 1
            if p.year is None or p.month == 0:
                continue
            start_iso = iso(p)
            end_iso = iso(end) if end is not None else None
            if end_iso is not None and end_iso < start_iso:
                continue
            precision: Precision = "day" if p.day is not None else "month"
            label, kind = run_label, run_kind
            if (
                p.day is not None
                and end is None
                and _WEEK_OF.search(text, max(0, p.pos - 16), p.pos)
            ):
                # « la semaine du 12 mai »: that week, at week precision.
                monday = date(p.year, p.month, p.day)
                monday -= timedelta(days=monday.weekday())
                start_iso = monday.isoformat()
                end_iso = (monday + timedelta(days=6)).isoformat()
                precision = "week"
            if end is not None:
                kind = "periode"
            if p.day is not None:
                day_dates.append((p.pos, date(p.year, p.month, p.day)))
            results.append(
                (
                    p.pos,
                    FoundDate(
                        start_iso,
                        end_iso,
                        precision,
                        found_text,
                        label,
                        kind,
                        anchor=seg_kind,
                        anchor_date=seg_anchor.isoformat(),
                        year_from=p.year_from or "written",
                        doubtful=p.doubtful or bool(end and end.doubtful),
                    ),
                )
            )
    mentions.sort(key=lambda m: m.pos)
    day_dates.sort()
    covered = sorted(
        header_spans + [(min(r.start, r.first) if r.first >= 0 else r.start, r.end) for r in runs]
    )
    overridden: list[tuple[int, int]] = []
    absorbed: list[int] = []
    for rel in find_relative(text, st, anchor_at, covered, mentions, day_dates, st.tense, absorbed):
        a, k = anchor_at(rel.start)
        label, kind = label_and_kind(text, Run(rel.start, rel.end), st)
        if rel.end_date and rel.precision == "day":
            kind = "periode"
        # Its date, then the other days of a list (« les 7, 14 et 28 »), with one label.
        spans = [(rel.date, rel.end_date, rel.precision)]
        spans += [(extra, None, "day") for extra in rel.extra or ()]
        for on, until, precision in spans:
            results.append(
                (
                    rel.start,
                    FoundDate(
                        on,
                        until,
                        precision,
                        rel.text,
                        label,
                        kind,
                        anchor=k,
                        anchor_date=a.isoformat(),
                        year_from=rel.year_from,
                        doubtful=rel.doubtful,
                    ),
                )
            )
        if rel.override:
            overridden.append((rel.start, rel.end))
    if absorbed:
        gone = set(absorbed)
        results = [(pos, f) for pos, f in results if f.precision != "month" or pos not in gone]
    overridden.sort()
    if overridden:
        # « le deuxième mardi de mai »: the month alone the grammar read is part of that day.
        results = [
            (pos, f) for pos, f in results if f.precision != "month" or not _inside(overridden, pos)
        ]
    return _dedupe(results)


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is ``pos`` inside one of ``spans`` (sorted, not overlapping)? A bisection."""
    i = bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


_WEEK_OF = re.compile(r"(?<!\w)semaine\s+du\s+$", re.IGNORECASE)


def _infer_run(
    kept: list[Point], ctx: YearContext, anchor_at: object, st: object, run: Run
) -> None:
    """A list or range keeps one year: the first point without one is inferred, the next ones
    follow it in calendar order (« du 22 décembre au 5 janvier »)."""
    prev: Point | None = None
    for p in kept:
        if (
            p.year is None
            and prev is not None
            and prev.year is not None
            and prev.month
            and not p.rel
        ):
            y = prev.year
            if (p.month, p.day or 0) < (prev.month, prev.day or 0):
                y += 1
            p.year = y
            p.year_from = "list"
            p.doubtful = prev.doubtful
        elif p.year is None:
            anchor, kind = anchor_at(p.pos)  # type: ignore[operator]
            infer_year(p, ctx, anchor, kind, ctx.st.tense(p.pos, run.end))
        prev = p


def _anchor(
    text: str,
    st: Structure,
    reference: date,
    reference_kind: str,
    own_date: date | None,
    marks: list[YearMark],
    fiscal: list[Fiscal],
    full_dates: list[date],
) -> tuple[date, str]:
    """Whose date the text's relative words and missing years are read against."""
    if own_date is not None:
        return own_date, "date_line"
    if reference_kind not in ("metadata", "today"):
        return reference, reference_kind
    years = [m.year for m in marks if not m.loose]
    if reference_kind == "metadata" and (
        not years or min(years) - 1 <= reference.year <= max(years) + 1
    ):
        return reference, "metadata"
    period = report_period(text, st, fiscal)
    if period is not None:
        return period, "period"
    if reference_kind == "metadata" and not years:
        return reference, "metadata"
    latest = max(full_dates) if full_dates else None
    if latest is not None and reference_kind == "metadata":
        return latest, "latest_date"
    return reference, "today" if reference_kind == "today" else reference_kind


def _dedupe(results: list[tuple[int, FoundDate]]) -> list[FoundDate]:
    merged: dict[tuple[str, str | None, str], FoundDate] = {}
    from dataclasses import replace

    order: list[tuple[str, str | None, str]] = []
    for _, found in sorted(results, key=lambda r: r[0]):
        key = (found.date, found.end, found.precision)
        old = merged.get(key)
        if old is None:
            merged[key] = found
            order.append(key)
        elif old.kind == "autre" and found.kind != "autre":
            merged[key] = replace(old, label=found.label, kind=found.kind)
    return [merged[k] for k in order]
