"""config/calendar.toml checked by pydantic: French errors naming file, item and key; the new
keys (recurrence, reminders, public) load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.calendar import repository as repo
from bot.calendar.demo import load_calendar_file
from bot.calendar.model import CalendarError
from bot.calendar.occurrences import load_meetings
from bot.store.db import Database

from .conftest import NOW, count


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        (
            '[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "14 septembre"\ndays = "deux"\n',
            ["rencontre « a »", "clé « days » : nombre entier attendu"],
        ),
        (
            '[[delegations]]\nname = "D"\nrole = "R"\nchannel = "c"\npublic = "oui"\n',
            ["délégation « D »", "clé « public » : booléen attendu"],
        ),
        (
            '[[deadlines]]\nkey = "e"\ntitle = "E"\ndate = "1 mars"\nreminders = ["J-7", "demain"]\n',
            ["échéance « e »", "Décalage de rappel « demain » invalide"],
        ),
        (
            '[[meetings]]\ntitle = "Sans clé"\ndate = "14 septembre"\n',
            ["rencontre n° 1", "clé « key » manquante"],
        ),
        (
            '[[meetings]]\nkey = "a"\ntitle = "A"\ndate = "14 septembre"\nrecurrence = "parfois"\n',
            ["rencontre « a »", "le 3e mardi du mois, 9 h 30"],
        ),
        ('[[rencontres]]\nkey = "a"\n', ["fichier", "clé(s) inconnue(s) rencontres"]),
    ],
)
async def test_mistakes_are_named_in_french(
    db: Database, tmp_path: Path, body: str, fragments: list[str]
) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CalendarError) as caught:
        await load_calendar_file(db, path, now=NOW)
    for fragment in [str(path), *fragments]:
        assert fragment in caught.value.message


async def test_recurrence_reminders_and_public_load(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(
        '[[delegations]]\nname = "Table"\nrole = "R"\nchannel = "c"\npublic = true\n'
        '[[meetings]]\nkey = "cl"\ntitle = "Comité"\ndate = "1er janvier 2027"\n'
        'recurrence = "le 3e mardi du mois, 9 h 30"\nend = "11 h"\nreminders = ["J-2"]\n'
        'delegations = ["Table"]\n',
        encoding="utf-8",
    )
    await load_calendar_file(db, path, now=NOW)
    [meeting] = await load_meetings(db)
    assert meeting.rrule == "FREQ=MONTHLY;BYDAY=3TU" and meeting.reminder_offsets == "J-2"
    assert meeting.start.isoformat() == "2027-01-19T14:30:00+00:00"
    table = await repo.find_delegation(db, "Table")
    assert table is not None and table.public
    # A series' reminders are planned per occurrence, not written as a single meeting's.
    assert await count(db, "cal_reminders") == 0
