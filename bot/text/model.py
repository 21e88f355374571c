"""The results of text analysis: found dates and the analysis of a communication."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DateKind = Literal["rencontre", "echeance", "periode", "autre"]
# "week": a week (date = its Monday, end = its Sunday); "season": a season of a year
# (date = its first month, end = its last month, "AAAA-MM"). Never turned into a made-up day.
Precision = Literal["day", "week", "month", "season"]

KINDS: tuple[DateKind, ...] = ("rencontre", "echeance", "periode", "autre")
PRECISIONS: tuple[Precision, ...] = ("day", "week", "month", "season")


@dataclass(frozen=True)
class FoundDate:
    date: str  # "AAAA-MM-JJ", or "AAAA-MM" when only the month is known
    end: str | None  # last day (or month) of a range, else None
    precision: Precision
    text: str  # as found in the text
    label: str  # what happens that day
    kind: DateKind
    # Whose date the missing parts were read against: "date_line" (the document's own),
    # "email" (its Date), "header" (a « Date : » / « Envoyé : » block atop the text),
    # "quoted" (a quoted message's « Envoyé : »), "period" (the period an
    # undated report covers), "metadata", "latest_date" (the latest full date written in the
    # text), "today" (last resort) or "given" (the caller's reference).
    anchor: str = "given"
    anchor_date: str = ""  # AAAA-MM-JJ of that anchor
    # How the year was chosen: "written", "list", "relative", "same_day", "section_year",
    # "fiscal", "school", "past_tense", "future_tense", "nearest", "weekday".
    year_from: str = "written"
    doubtful: bool = False  # the year was inferred with doubt: « année déduite »

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored in ``communications.dates_json`` and printed by the CLI."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FoundDate:
        kind = data.get("kind", "autre")
        precision = data.get("precision", "day")
        return cls(
            date=str(data["date"]),
            end=data.get("end") or None,
            precision=precision if precision in PRECISIONS else "day",
            text=str(data.get("text", "")),
            label=str(data.get("label", "")),
            kind=kind if kind in KINDS else "autre",
            anchor=str(data.get("anchor", "given")),
            anchor_date=str(data.get("anchor_date", "")),
            year_from=str(data.get("year_from", "written")),
            doubtful=bool(data.get("doubtful", False)),
        )

    def start(self) -> dt.date:
        """The first day this date designates (the 1st of the month for month precision)."""
        return _first_day(self.date)

    def last_day(self) -> dt.date:
        """The last day it designates: the range's end, or the month's last day."""
        value = self.end or self.date
        if len(value) == 7:
            y, m = (int(p) for p in value.split("-"))
            return dt.date(y, m, calendar.monthrange(y, m)[1])
        return dt.date.fromisoformat(value)

    def is_future(self, today: dt.date) -> bool:
        """Still ahead (or under way) on ``today``."""
        return self.last_day() >= today

    def key(self) -> str:
        """A stable identity within one communication, e.g. for button custom_ids."""
        return f"{self.date}/{self.end or ''}/{self.kind}"


def _first_day(value: str) -> dt.date:
    if len(value) == 7:
        y, m = value.split("-")
        return dt.date(int(y), int(m), 1)
    return dt.date.fromisoformat(value)


@dataclass
class Analysis:
    summary: list[str] = field(default_factory=list)
    dates: list[FoundDate] = field(default_factory=list)
