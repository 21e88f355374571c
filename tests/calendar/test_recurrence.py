"""Recurrence: French input, occurrences in wall-clock time, RRULE round trip, exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr

from bot.calendar.model import CalendarError
from bot.calendar.recurrence import (
    Exception_,
    Recurrence,
    expand,
    find_occurrence,
    last_day,
    occurrence_key,
    parse_recurrence,
    series_start,
)
from bot.timeutil import MONTREAL

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
TUESDAY = date(2027, 1, 5)


def parse(text: str, first: date = TUESDAY) -> Recurrence:
    return parse_recurrence(text, first_day=first, now=NOW).rule


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("chaque semaine", "FREQ=WEEKLY;BYDAY=TU"),
        ("Toutes les semaines", "FREQ=WEEKLY;BYDAY=TU"),
        ("hebdomadaire", "FREQ=WEEKLY;BYDAY=TU"),
        ("chaque jeudi", "FREQ=WEEKLY;BYDAY=TH"),
        ("tous les jeudis", "FREQ=WEEKLY;BYDAY=TH"),
        ("toutes les 2 semaines", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("toutes les deux semaines", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("une semaine sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("aux quinze jours", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("le 3e mardi du mois", "FREQ=MONTHLY;BYDAY=3TU"),
        ("le troisième mardi de chaque mois", "FREQ=MONTHLY;BYDAY=3TU"),
        ("le 3ème mardi du mois", "FREQ=MONTHLY;BYDAY=3TU"),
        ("le 1er lundi du mois", "FREQ=MONTHLY;BYDAY=1MO"),
        ("le dernier vendredi du mois", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("le 15 de chaque mois", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("chaque mois", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("mensuelle", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("tous les 2 mois", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=5"),
        ("chaque mardi, 10 fois", "FREQ=WEEKLY;BYDAY=TU;COUNT=10"),
        ("chaque semaine jusqu’au 30 juin 2027", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630"),
        ("chaque mois jusqu'en juin 2027", "FREQ=MONTHLY;BYMONTHDAY=5;UNTIL=20270630"),
        ("le 3e mardi du mois, pendant 6 rencontres", "FREQ=MONTHLY;BYDAY=3TU;COUNT=6"),
    ],
)
def test_french_input(text: str, rule: str) -> None:
    parsed = parse(text)
    assert parsed.to_rule() == rule
    assert Recurrence.from_rule(rule) == parsed


def test_a_time_typed_with_the_rule_is_returned() -> None:
    parsed = parse_recurrence("le 3e mardi du mois, 9 h 30", first_day=TUESDAY, now=NOW)
    assert parsed.rule.to_rule() == "FREQ=MONTHLY;BYDAY=3TU" and parsed.at == time(9, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Indiquez la récurrence"),
        ("de temps en temps", "« le 3e mardi du mois, 9 h 30 »"),
        ("le 5e mardi du mois", "le dernier mardi du mois"),
        ("chaque semaine jusqu’au 1er janvier 2027", "vient avant la première rencontre"),
        ("chaque semaine, 900 fois", "de 1 à 500"),
        ("toutes les 20 semaines", "de 1 à 12"),
        ("chaque semaine jusqu’au n’importe quand", "jusqu’au 30 juin 2027"),
        ("le 3e mardi du mois, 25 h", "n’existe pas"),
    ],
)
def test_bad_input_says_what_to_type(text: str, expected: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse(text)
    assert expected in caught.value.message


def test_describe_in_french() -> None:
    assert parse("le 3e mardi du mois, 10 fois").describe() == "le 3e mardi du mois, 10 fois"
    assert parse("toutes les 2 semaines jusqu’au 1er juin 2027").describe() == (
        "toutes les 2 semaines, le mardi, jusqu’au 1er juin 2027"
    )


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 30) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MONTREAL)


def test_third_tuesday_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    rule = parse("le 3e mardi du mois")
    start = series_start(local(2027, 1, 1), rule)
    assert start.astimezone(MONTREAL) == local(2027, 1, 19)
    found = expand(
        1, start, start + timedelta(hours=2), rule,
        window_start=start, window_end=start + timedelta(days=100),
    )  # fmt: skip
    assert [o.start.astimezone(MONTREAL) for o in found] == [
        local(2027, 1, 19), local(2027, 2, 16), local(2027, 3, 16), local(2027, 4, 20),
    ]  # fmt: skip
    # Before and after 14 March 2027: the same 9 h 30, a different UTC hour.
    assert {o.start.astimezone(MONTREAL).time() for o in found} == {time(9, 30)}
    assert len({o.start.astimezone(UTC).hour for o in found}) == 2


@pytest.mark.parametrize(
    "text",
    [
        "chaque semaine",
        "toutes les 3 semaines, 20 fois",
        "le 3e mardi du mois",
        "le dernier vendredi du mois",
        "le 31 de chaque mois, 9 fois",
        "tous les 2 mois jusqu’au 31 décembre 2028",
    ],
)
def test_occurrences_agree_with_dateutil_and_windows_jump_correctly(text: str) -> None:
    rule = parse(text, date(2027, 1, 1))
    start = series_start(local(2027, 1, 1), rule)
    window_end = start + timedelta(days=730)
    found = expand(1, start, start + timedelta(hours=1), rule,
                   window_start=start, window_end=window_end)  # fmt: skip
    naive = start.astimezone(MONTREAL).replace(tzinfo=None)
    ics = rule.to_ics(start_time=naive.time(), tz=MONTREAL)
    reference = (
        rrulestr(ics.replace("UNTIL=", "UNTIL=").split("UNTIL=")[0].rstrip(";"), dtstart=naive)
        if "UNTIL" in ics
        else rrulestr(ics, dtstart=naive)
    )
    expected = [d for d in reference.between(naive, window_end.astimezone(MONTREAL).replace(
        tzinfo=None), inc=True)]  # fmt: skip
    if rule.until is not None:
        expected = [d for d in expected if d.date() <= rule.until]
    assert [o.start.astimezone(MONTREAL).replace(tzinfo=None) for o in found] == expected
    # A window in the middle gives the same occurrences, with the same indexes.
    middle = start + timedelta(days=300)
    later = expand(1, start, start + timedelta(hours=1), rule,
                   window_start=middle, window_end=window_end)  # fmt: skip
    assert later == [o for o in found if o.end > middle]


def test_one_occurrence_moved_and_one_cancelled_leave_the_rest() -> None:
    rule = parse("chaque semaine")
    start = local(2027, 1, 5).astimezone(UTC)
    second = start + timedelta(days=7)
    third = start + timedelta(days=14)
    changes = {
        occurrence_key(second): Exception_(second, "moved", second + timedelta(days=1),
                                           second + timedelta(days=1, hours=2)),
        occurrence_key(third): Exception_(third, "cancelled"),
    }  # fmt: skip
    found = expand(1, start, start + timedelta(hours=2), rule, window_start=start,
                   window_end=start + timedelta(days=28), exceptions=changes)  # fmt: skip
    assert [o.start.astimezone(MONTREAL).date() for o in found] == [
        date(2027, 1, 5), date(2027, 1, 13), date(2027, 1, 26),
    ]  # fmt: skip
    assert found[1].moved and found[1].original == second
    with_cancelled = expand(1, start, start + timedelta(hours=2), rule, window_start=start,
                            window_end=start + timedelta(days=28), exceptions=changes,
                            include_cancelled=True)  # fmt: skip
    assert [o.cancelled for o in with_cancelled] == [False, False, True, False]


def test_an_occurrence_moved_into_a_window_from_outside_is_listed() -> None:
    rule = parse("chaque semaine")
    start = local(2027, 1, 5).astimezone(UTC)
    first = start
    changes = {
        occurrence_key(first): Exception_(
            first, "moved", start + timedelta(days=40), start + timedelta(days=40, hours=1)
        )
    }
    found = expand(1, start, start + timedelta(hours=2), rule,
                   window_start=start + timedelta(days=39), window_end=start + timedelta(days=41),
                   exceptions=changes)  # fmt: skip
    assert [o.original for o in found] == [first]


def test_find_occurrence_and_last_day() -> None:
    rule = parse("le 3e mardi du mois, 3 fois")
    start = series_start(local(2027, 1, 1), rule)
    assert find_occurrence(start, rule, date(2027, 2, 16)) == local(2027, 2, 16).astimezone(UTC)
    assert find_occurrence(start, rule, date(2027, 2, 17)) is None
    assert last_day(start, rule) == date(2027, 3, 16)
    assert last_day(start, parse("chaque semaine")) is None
