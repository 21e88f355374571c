"""French date input: the forms staff type, and every refusal in French."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar.dateinput import localize, parse_datetime, parse_end
from bot.calendar.model import CalendarError
from bot.timeutil import FRENCH_MONTHS, MONTREAL

from .conftest import NOW


def local(value: datetime) -> tuple[int, int, int, int, int]:
    moment = value.astimezone(MONTREAL)
    return moment.year, moment.month, moment.day, moment.hour, moment.minute


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 septembre 9 h 30", (2027, 9, 14, 9, 30)),
        ("14 septembre 2027 à 9h30", (2027, 9, 14, 9, 30)),
        ("le 14 sept. 9 h", (2027, 9, 14, 9, 0)),
        ("mardi 14 septembre 2027, 9 h 30", (2027, 9, 14, 9, 30)),
        ("2027-09-14 09:30", (2027, 9, 14, 9, 30)),
        ("2027-09-14T09:30", (2027, 9, 14, 9, 30)),
        ("14/09/2027 9h30", (2027, 9, 14, 9, 30)),
        ("1er décembre 13 h", (2026, 12, 1, 13, 0)),
        ("1ᵉʳ décembre 13 h", (2026, 12, 1, 13, 0)),
        ("3 fevrier 10 h", (2027, 2, 3, 10, 0)),
        ("demain 14 h", (2026, 11, 23, 14, 0)),
        ("après-demain midi", (2026, 11, 24, 12, 0)),
        ("aujourd’hui 16 h 15", (2026, 11, 22, 16, 15)),
        ("lundi 10 h", (2026, 11, 23, 10, 0)),
        ("dimanche prochain 10 h", (2026, 11, 29, 10, 0)),
        ("  25   DÉCEMBRE   18 H  ", (2026, 12, 25, 18, 0)),
    ],
)
def test_accepted_forms(text: str, expected: tuple[int, ...]) -> None:
    value = parse_datetime(text, now=NOW)
    assert value.tzinfo is not None and value.utcoffset() == UTC.utcoffset(None)
    assert local(value) == expected


def test_missing_year_means_the_next_such_day() -> None:
    # 22 November 2026: 20 November is behind us, so « 20 novembre » is in 2027.
    assert local(parse_datetime("20 novembre 9 h", now=NOW))[:3] == (2027, 11, 20)
    assert local(parse_datetime("30 novembre 9 h", now=NOW))[:3] == (2026, 11, 30)


def test_default_time_used_only_when_given() -> None:
    value = parse_datetime("15 octobre 2027", now=NOW, default_time=time(17, 0))
    assert local(value) == (2027, 10, 15, 17, 0)
    with pytest.raises(CalendarError, match="Précisez l’heure"):
        parse_datetime("15 octobre 2027", now=NOW)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31 juin 2027 10 h", "31 juin 2027 n’existe pas : juin 2027 compte 30 jours"),
        ("31 juin 10 h", "n’existe pas"),
        ("29 février 2027 10 h", "février 2027 compte 28 jours"),
        ("2027-13-02 10:00", "mois 13 n’existe pas"),
        ("14 septembre 25 h", "« 25 h » n’existe pas"),
        ("14 septembre 9 h 75", "n’existe pas"),
        ("2027-03-14 02:30", "l’heure 2 h 30 n’existe pas à Montréal"),
        ("14 mars 2027 2 h 15", "heure avancée"),
        ("2026-11-20 10:00", "déjà passée"),
        ("aujourd’hui 9 h", "déjà passée"),
        ("lundi 14 septembre 2027 9 h", "n’est pas un lundi"),
        ("bientôt", "Je ne comprends pas la date « bientôt »"),
        ("14 septembre 9 h 30 ou 10 h", "Je ne comprends pas"),
        ("", "Indiquez une date"),
    ],
)
def test_refusals_are_french_and_specific(text: str, fragment: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse_datetime(text, now=NOW)
    assert fragment in caught.value.message


def test_leap_day_without_year_waits_for_a_leap_year() -> None:
    assert local(parse_datetime("29 février 10 h", now=NOW))[:3] == (2028, 2, 29)


def test_ambiguous_autumn_hour_is_the_first_one() -> None:
    # 1 November 2026, 1 h 30 happens twice in Montréal: the first (daylight) one is meant.
    value = localize(datetime(2026, 11, 1).date(), time(1, 30))
    assert value.utcoffset() is not None and value.astimezone(UTC).hour == 5


def test_end_as_time_alone_is_the_same_day() -> None:
    start = parse_datetime("14 septembre 9 h 30", now=NOW)
    end = parse_end("12 h", start=start, now=NOW)
    assert local(end) == (2027, 9, 14, 12, 0)
    end = parse_end("15 septembre 2027 10 h", start=start, now=NOW)
    assert local(end) == (2027, 9, 15, 10, 0)


@pytest.mark.parametrize("text", ["9 h", "9 h 30", "14 septembre 2027 8 h"])
def test_end_before_start_refused(text: str) -> None:
    start = parse_datetime("14 septembre 9 h 30", now=NOW)
    with pytest.raises(CalendarError, match="doit venir après le début"):
        parse_end(text, start=start, now=NOW)


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2027, 1, 1), max_value=datetime(2035, 12, 31, 23, 59)
    ).map(lambda d: d.replace(second=0, microsecond=0)),
    french=st.booleans(),
)
def test_any_written_wall_time_reads_back_or_is_refused_as_a_dst_gap(
    moment: datetime, french: bool
) -> None:
    if french:
        month = FRENCH_MONTHS[moment.month - 1]
        day = "1er" if moment.day == 1 else str(moment.day)
        text = f"{day} {month} {moment.year} {moment.hour} h {moment.minute:02d}"
    else:
        text = moment.strftime("%Y-%m-%d %H:%M")
    aware = moment.replace(tzinfo=MONTREAL)
    exists = aware.astimezone(UTC).astimezone(MONTREAL).replace(tzinfo=None) == moment
    if exists:
        parsed = parse_datetime(text, now=NOW).astimezone(MONTREAL)
        assert parsed.replace(tzinfo=None) == moment
    else:
        with pytest.raises(CalendarError, match="heure avancée"):
            parse_datetime(text, now=NOW)
