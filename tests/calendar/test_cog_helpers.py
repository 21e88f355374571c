"""The calendar cog's pure helpers (the cog itself runs in tests/e2e/test_calendar_e2e.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.timeutil import MONTREAL
from cogs.calendar._ui import input_form, parse_people, split_place


def test_place_and_link_share_one_field() -> None:
    assert split_place("MSSS, Québec\nhttps://meet.example.org/gt") == (
        "MSSS, Québec",
        "https://meet.example.org/gt",
    )
    assert split_place("https://meet.example.org/gt") == (None, "https://meet.example.org/gt")
    assert split_place("Salle 2\n\nQuébec") == ("Salle 2, Québec", None)
    assert split_place("") == (None, None)


def test_people_by_mention_or_name() -> None:
    names = {"12": "Marie"}
    assert parse_people("<@12>, Jean Gagnon; <@!34>", names) == [
        ("12", "Marie"),
        ("Jean Gagnon", "Jean Gagnon"),
        ("34", None),
    ]
    assert parse_people(None, names) == []


def test_dates_are_offered_for_editing_in_local_time() -> None:
    assert input_form(datetime(2027, 9, 14, 13, 30, tzinfo=UTC), MONTREAL) == "2027-09-14 09:30"
