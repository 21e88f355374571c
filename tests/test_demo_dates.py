"""The demo stays true: its dates move with the day it runs, so what it announces is ahead."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.cli import main
from bot.demo_dates import MONTHS, Redater, week_shift


def test_week_shift_puts_the_anchor_in_the_week_before_today() -> None:
    anchor = date(2026, 11, 20)
    for today in (date(2026, 11, 20), date(2026, 11, 26), date(2027, 3, 3), date(2031, 1, 1)):
        moved = anchor + week_shift(anchor, today)
        assert 0 <= (today - moved).days < 7
        assert moved.weekday() == anchor.weekday()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 14 octobre 2026", "le 28 octobre 2026"),
        ("le mardi 15 décembre 2026", "le mardi 29 décembre 2026"),
        ("les 3 et 8 décembre 2026 à 13 h 30", "les 17 et 22 décembre 2026 à 13 h 30"),
        ("du 23 au 27 décembre 2026", "du 6 au 10 janvier 2027"),
        ("du 21 au 25 décembre 2026", "du 4 au 8 janvier 2027"),
        ("du 20 au 22 novembre 2026", "du 4 au 6 décembre 2026"),
        ("du 1<sup>er</sup> décembre 2026", "du 15 décembre 2026"),
        ("le 18 novembre", "le 2 décembre"),  # no year: the nearest one, kept without
        ("Octobre 2026", "Octobre 2026"),  # a month alone moves as its middle
        ("Bulletin — décembre 2026", "Bulletin — décembre 2026"),
        ("Fri, 20 Nov 2026 10:00:00 -0500", "Fri, 04 Dec 2026 10:00:00 -0500"),
        ("2026-10-30T09:00:00-04:00", "2026-11-13T09:00:00-05:00"),  # winter time by then
        ("exercice 2026-2027", "exercice 2026-2027"),
        ("numéro 5, 4 % et 2026-2027 2026-13-45", "numéro 5, 4 % et 2026-2027 2026-13-45"),
    ],
)
def test_forms_of_dates_move_by_whole_weeks(text: str, expected: str) -> None:
    assert Redater(date(2026, 11, 20), date(2026, 12, 4))(text) == expected


def test_a_year_later_fiscal_years_follow() -> None:
    redate = Redater(date(2026, 11, 20), date(2027, 11, 25))
    assert redate("exercice 2027-2028") == "exercice 2028-2029"
    assert redate("le 1er décembre 2026") == "le 30 novembre 2027"


_DATE = re.compile(r"(\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (\d{4})")


def _dates_to_remember(output: str) -> list[date]:
    found = []
    for line in output.splitlines():
        if line.startswith("│ • "):
            match = _DATE.search(line)
            assert match, line
            day, month, year = match.groups()
            found.append(date(int(year), MONTHS.index(month) + 1, int(day)))
    return found


@pytest.mark.parametrize("today", ["2027-02-09", "2027-08-31", "2029-05-17"])
def test_relais_demo_on_any_day_shows_what_is_ahead(
    today: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RELAIS_DEMO_TODAY", today)
    assert main(["demo"]) == 0
    output = capsys.readouterr().out
    dates = _dates_to_remember(output)
    assert len(dates) >= 10  # every demo communication has its « Dates à retenir »
    assert min(dates) >= date.fromisoformat(today), sorted(dates)[:3]
    assert "Rencontres à venir" in output and "Échéances à venir" in output
