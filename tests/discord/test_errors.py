"""The French sentence each kind of app-command error gets."""

from __future__ import annotations

from discord import app_commands

from bot.discord.errors import NotStaff, message_for
from bot.errors import RelaisError


def test_user_error_is_shown_as_written_even_when_wrapped() -> None:
    assert message_for(RelaisError("Ce flux est déjà suivi.")) == "Ce flux est déjà suivi."


def test_missing_staff_role_names_the_role() -> None:
    text = message_for(NotStaff("Permanence"))
    assert "permanence" in text.lower() and "« Permanence »" in text


def test_cooldown_gives_seconds() -> None:
    cooldown = app_commands.Cooldown(1, 30)
    assert "12 s" in message_for(app_commands.CommandOnCooldown(cooldown, 12.4))


def test_other_check_failures_and_unknown_errors_are_french() -> None:
    assert message_for(app_commands.CheckFailure()) == (
        "Vous ne pouvez pas utiliser cette commande ici."
    )
    assert message_for(app_commands.NoPrivateMessage()).startswith("Cette commande ne fonctionne")
    assert message_for(RuntimeError("boom")).startswith("Oups, une erreur interne")
