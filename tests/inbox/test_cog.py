"""The `/document deposer` command is declared as specified (its work is in test_upload)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.checks import StaffGroup
from bot.messages import CATALOG
from cogs.documents import DocumentGroup


def test_command_shape() -> None:
    group = DocumentGroup(bot=object())  # type: ignore[arg-type]
    assert group.name == "document"
    command = group.get_command("deposer")
    assert isinstance(command, app_commands.Command)
    params = {p.name: p for p in command.parameters}
    assert list(params) == ["fichier", "canal"]
    assert (
        params["fichier"].required
        and params["fichier"].type is discord.AppCommandOptionType.attachment
    )
    assert not params["canal"].required
    # Visible to every member (staff without "Manage Server" see it), checked at run time.
    assert group.default_permissions is None
    assert isinstance(group, StaffGroup)  # the staff check, on the whole group


def test_every_localised_key_has_english() -> None:
    keys = [k for k in CATALOG if k.startswith("inbox.cmd.") and not k.endswith(".en")]
    localised: list[Any] = [k for k in keys if k.split(".")[2] in {"group", "deposit", "param"}]
    assert localised
    for key in localised:
        assert key + ".en" in CATALOG, key
