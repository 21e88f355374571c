"""Ordering found dates for "Dates à retenir": what is still ahead first."""

from __future__ import annotations

from datetime import date

from bot.text.model import FoundDate


def dates_to_remember(
    dates: list[FoundDate], today: date, *, limit: int | None = None
) -> list[FoundDate]:
    """Future (or ongoing) dates first, soonest first; then past ones, most recent first.

    ``today`` is passed in (the caller's local date): this module never reads the clock.
    """
    future = sorted(
        (d for d in dates if d.is_future(today)),
        key=lambda d: (d.start(), d.precision != "day", d.date),
    )
    past = sorted(
        (d for d in dates if not d.is_future(today)),
        key=lambda d: (d.last_day(), d.date),
        reverse=True,
    )
    ordered = future + past
    return ordered if limit is None else ordered[:limit]


def future_dates(dates: list[FoundDate], today: date) -> list[FoundDate]:
    """Dates still ahead on ``today`` whose kind is worth a calendar entry."""
    return [
        d
        for d in dates_to_remember(dates, today)
        if d.is_future(today) and d.kind in ("rencontre", "echeance", "periode")
    ]


def describe(found: FoundDate) -> str:
    """The date in French words: "14 septembre 2023", "mai 2018", "du 18 au 24 octobre 2021"."""
    from bot.messages import t

    if found.precision == "week":
        return t("text.date.week", start=_words(found.date))
    if found.precision == "season":
        first = int(found.date[5:7])
        name = t(f"text.season.{_SEASON_OF.get(first, 'printemps')}")
        years = (
            found.date[:4]
            if not found.end or found.end[:4] == found.date[:4]
            else (f"{found.date[:4]}-{found.end[:4]}")
        )
        return t("text.date.season", season=name, year=years)
    if not found.end:
        return _words(found.date)
    start, end = found.date.split("-"), found.end.split("-")
    if len(start) == len(end) == 3 and start[0] == end[0]:
        # "du 18 au 24 octobre 2021", "du 15 avril au 15 mai 2024": the year said once.
        day = "1er" if int(start[2]) == 1 else str(int(start[2]))
        short = day if start[1] == end[1] else f"{day} {_month(start[1])}"
        return t("text.date.range", start=short, end=_words(found.end))
    return t("text.date.range", start=_words(found.date), end=_words(found.end))


_SEASON_OF = {3: "printemps", 6: "ete", 9: "automne", 12: "hiver"}


def _month(number: str) -> str:
    from bot.text.lexicon import MONTHS_FR

    return MONTHS_FR[int(number) - 1]


def kind_name(found: FoundDate) -> str:
    """ "Rencontre", "Échéance", "Période" or "Date"."""
    from bot.messages import t

    return t(f"text.kind.{found.kind}")


def _words(value: str) -> str:
    from bot.messages import t
    from bot.text.lexicon import MONTHS_FR

    parts = value.split("-")
    year, month = int(parts[0]), MONTHS_FR[int(parts[1]) - 1]
    if len(parts) == 2:
        return t("text.date.month", month=month, year=year)
    day = int(parts[2])
    if day == 1:
        return t("text.date.first_day", month=month, year=year)
    return t("text.date.day", day=day, month=month, year=year)
