"""config/calendar.toml: loaded idempotently, next 14 September, and the demo summary."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.calendar import repository as repo
from bot.calendar import upcoming_summary
from bot.calendar.config import validate_settings
from bot.calendar.demo import load_calendar_file, load_configured_calendar
from bot.calendar.model import CalendarError
from bot.calendar.reminders import CalendarService
from bot.relay.publisher import ConsolePublisher
from bot.settings import Settings, SettingsError
from bot.store.db import Database
from bot.timeutil import MONTREAL

from .conftest import NOW, snapshot


@pytest.fixture
def demo_settings(settings: Settings, repo_dir: Path) -> Settings:
    shutil.copy(repo_dir / "config" / "demo" / "calendar.toml", settings.config_dir / "calendar.toml")
    return settings


async def test_shipped_file_loads_once(db: Database, demo_settings: Settings) -> None:
    first = await load_configured_calendar(db, demo_settings, now=NOW)
    assert first is not None
    assert (first.delegations, first.meetings, first.deadlines) == (1, 3, 1)
    state = await snapshot(db)
    second = await load_configured_calendar(db, demo_settings, now=NOW + timedelta(days=1))
    assert second is not None and (second.delegations, second.meetings, second.deadlines) == (
        0,
        0,
        0,
    )
    assert await snapshot(db) == state

    meetings = await repo.upcoming_meetings(db, now=NOW, until=NOW + timedelta(days=400))
    by_title = {m.title.split(" ")[0]: m for m in meetings}
    main = next(m for m in meetings if "première rencontre" in m.title)
    local = main.start.astimezone(MONTREAL)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2027, 9, 14, 9, 30)
    prep = await repo.require_meeting(db, main.preparatory_id or 0)
    debrief = await repo.require_meeting(db, main.debrief_id or 0)
    assert prep.start.astimezone(MONTREAL).day == 13 and debrief.start > main.end
    assert by_title and all(m.delegation_ids for m in meetings)
    deadline = (await repo.upcoming_deadlines(db, now=NOW))[0]
    assert deadline.period_start is not None and deadline.period_start > main.start
    assert deadline.due.astimezone(MONTREAL).hour == 17


async def test_next_fourteenth_of_september_after_it_passed(
    db: Database, demo_settings: Settings
) -> None:
    late_september = datetime(2027, 9, 20, 12, 0, tzinfo=UTC)
    await load_configured_calendar(db, demo_settings, now=late_september)
    meetings = await repo.upcoming_meetings(db, now=late_september)
    assert {m.start.astimezone(MONTREAL).year for m in meetings} == {2028}


async def test_summary_for_relais_demo(db: Database, demo_settings: Settings) -> None:
    await load_configured_calendar(db, demo_settings, now=NOW)
    text = await upcoming_summary(db, demo_settings, NOW)
    assert text.startswith("Rencontres à venir (3) :")
    assert "mardi 14 septembre 2027, 9 h 30 : Groupe de travail MSSS–CTROC" in text
    assert "préparatoire : lundi 13 septembre 2027, 13 h 30" in text
    assert "Échéances à venir (1) :" in text
    assert "17 h : Fin de la consultation" in text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "31 juin"\n', "31 juin"),
        (
            '[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "14 septembre"\n'
            'start = "10 h"\nend = "9 h"\n',
            "doit venir après",
        ),
        (
            '[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "14 septembre"\ndelegations = ["X"]\n',
            "Délégation « X » introuvable",
        ),
        (
            '[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "14 septembre"\nsalle = "B"\n',
            "clé(s) inconnue(s) salle",
        ),
        ('[[deadlines]]\nkey = "d"\ntitle = "D"\nrelative_to = "nope"\n', "« nope » inconnu"),
        ("[[meetings]\n", "fichier"),
    ],
)
async def test_file_mistakes_are_named_and_load_nothing(
    db: Database, tmp_path: Path, body: str, fragment: str
) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(body, encoding="utf-8")
    state = await snapshot(db)
    with pytest.raises(CalendarError) as caught:
        await load_calendar_file(db, path, now=NOW)
    assert fragment in caught.value.message and str(path) in caught.value.message
    assert await snapshot(db) == state


def test_relais_check_accepts_the_shipped_file_and_names_mistakes(
    demo_settings: Settings,
) -> None:
    validate_settings(demo_settings)  # the shipped demo file is valid
    path = demo_settings.config_dir / "calendar.toml"
    path.write_text('[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "31 juin"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        validate_settings(demo_settings)
    assert str(path) in str(caught.value) and "31 juin" in str(caught.value)


async def test_service_describes_upcoming_items_for_relais_demo(
    db: Database, demo_settings: Settings
) -> None:
    app = App(demo_settings, db, ConsolePublisher(stream=io.StringIO()))
    service = CalendarService(app, clock=lambda: NOW)
    await service.run_once()
    await service.run_once()  # idempotent
    text = await service.describe()
    assert text.count("\n  - ") == 4 and "Rencontres à venir (3)" in text
