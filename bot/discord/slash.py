"""The shape every cog's slash commands share, written once.

- ``command(key)``: a command named ``key`` and described by ``key.desc`` in the catalog.
- ``options(prefix, "option", option=key, …)``: each option named ``prefix.key`` and
  described by ``prefix.key.desc`` (a bare ``"option"`` when its key is its own name;
  ``option=(key, other)`` when its description is ``prefix.other.desc``), so a name and its
  description never come from two different keys by mistake.
- ``choices(names, typed)``: an autocomplete answer (what holds the typed text, Discord's
  limits of 25 choices and 100 characters); ``configured_channels``: the channel keys of
  relais.toml, for every « salon » option.
- ``reply(interaction, …)``: the answer, ephemeral and pinging nobody, whether the
  interaction was deferred (``thinking``) or not; the one error handler answers through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.discord.i18n import L

if TYPE_CHECKING:
    from discord.app_commands.commands import CommandCallback, GroupT, P, T

NO_PINGS = discord.AllowedMentions.none()
# Discord's limits for an autocomplete answer.
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100

F = TypeVar("F")


def command(
    key: str,
) -> Callable[[CommandCallback[GroupT, P, T]], app_commands.Command[GroupT, P, T]]:
    """``@app_commands.command`` with its French name and description from the catalog."""
    return app_commands.command(name=L(key), description=L(f"{key}.desc"))


def options(prefix: str, *same: str, **keys: str | tuple[str, str]) -> Callable[[F], F]:
    """``@app_commands.rename`` and ``@app_commands.describe`` from one list of keys;
    ``same``: options whose key is their own name."""
    names: dict[str, app_commands.locale_str] = {}
    descriptions: dict[str, app_commands.locale_str] = {}
    for option, key in {**{name: name for name in same}, **keys}.items():
        name, described = key if isinstance(key, tuple) else (key, key)
        names[option] = L(f"{prefix}.{name}")
        descriptions[option] = L(f"{prefix}.{described}.desc")

    def decorate(func: F) -> F:
        return app_commands.describe(**descriptions)(app_commands.rename(**names)(func))

    return decorate


def choices(names: Iterable[str], typed: str) -> list[app_commands.Choice[str]]:
    """The names that hold what was typed (any case), as Discord takes them."""
    wanted = typed.casefold()
    return [
        app_commands.Choice(name=name[:MAX_CHOICE_CHARS], value=name[:MAX_CHOICE_CHARS])
        for name in names
        if wanted in name.casefold()
    ][:MAX_CHOICES]


async def configured_channels(
    interaction: discord.Interaction[Any], typed: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete of a channel option: the channel keys of relais.toml ``[channels]``."""
    app: Any = interaction.client.app
    return choices(sorted(app.settings.config.channels), typed)


async def reply(
    interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any
) -> None:
    """``content`` and the other parts of a message (``embed``, ``embeds``, ``file``,
    ``view``, ``suppress_embeds``) as the ephemeral answer to ``interaction``, or as its
    follow-up once it was deferred or answered."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def thinking(interaction: discord.Interaction[Any]) -> None:
    """Acknowledge at once (ephemeral « réfléchit… »): the work may outlast the 3 seconds
    Discord waits for an answer; ``reply`` then follows up."""
    await interaction.response.defer(ephemeral=True, thinking=True)
