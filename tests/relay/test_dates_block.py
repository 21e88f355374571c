"""« Dates à retenir »: the time when the text gives one, past dates marked after the others."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.relay.render import dates_block
from bot.text import FoundDate
from bot.timeutil import MONTREAL


def found(day: str, text: str, label: str) -> FoundDate:
    return FoundDate(day, None, "day", text, label, "rencontre")


def test_time_given_by_the_text_is_shown_and_past_dates_are_marked() -> None:
    block = dates_block(
        [
            found("2027-09-14", "14 septembre 2027 à 9 h 30", "Rencontre du comité"),
            found("2027-09-20", "20 septembre 2027", "Dépôt"),
            found("2026-01-10", "10 janvier 2026", "Ancienne rencontre"),
        ],
        date(2026, 12, 1),
    )
    assert block is not None
    first, second, third = block.splitlines()
    at = int(datetime(2027, 9, 14, 9, 30, tzinfo=MONTREAL).astimezone(UTC).timestamp())
    assert first.startswith(f"• <t:{at}:f> — Rencontre du comité")
    assert ":D>" in second and "Dépôt" in second
    assert "(passée)" in third and third.startswith("• ~~") and "Ancienne rencontre" in third
