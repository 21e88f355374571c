"""The shape the cogs' commands share (bot/discord/slash.py)."""

from __future__ import annotations

import discord

from bot.discord.slash import choices, command, options
from bot.messages import t


def test_a_command_and_its_options_are_named_and_described_from_their_keys() -> None:
    @command("feeds.cmd.test")
    @options("feeds.cmd.param", nom=("name", "name_or_url"), salon="channel")
    async def tester(interaction: discord.Interaction, nom: str, salon: str) -> None:
        raise AssertionError("never run")

    assert (tester.name, tester.description) == (t("feeds.cmd.test"), t("feeds.cmd.test.desc"))
    nom, salon = tester.parameters
    assert nom.display_name == t("feeds.cmd.param.name")
    assert nom.description == t("feeds.cmd.param.name_or_url.desc")  # its own description
    assert salon.display_name == t("feeds.cmd.param.channel")
    assert salon.description == t("feeds.cmd.param.channel.desc")


def test_an_option_named_like_its_key_is_given_bare() -> None:
    @command("calendar.cmd.presences")
    @options("calendar.opt", "element", date=("date", "presences_date"))
    async def presences(interaction: discord.Interaction, element: str, date: str) -> None:
        raise AssertionError("never run")

    element, date = presences.parameters
    assert (element.display_name, element.description) == (
        t("calendar.opt.element"),
        t("calendar.opt.element.desc"),
    )
    assert (date.display_name, date.description) == (
        t("calendar.opt.date"),
        t("calendar.opt.presences_date.desc"),
    )


def test_choices_hold_what_was_typed_within_discord_limits() -> None:
    names = ["Table de quartier", "TABLE régionale", "Comité"] + [f"table {i}" for i in range(40)]
    found = choices(names, "table")
    assert [c.name for c in found[:2]] == ["Table de quartier", "TABLE régionale"]
    assert len(found) == 25 and "Comité" not in [c.name for c in found]
    long = choices(["é" * 150], "")
    assert len(long[0].name) == len(long[0].value) == 100
