"""`/rechercher texte [source] [depuis]`: full-text search of relayed communications (ephemeral).

Thin: the query is sanitised and run by ``bot.search.index``; this only formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcements.service import parse_since
from bot.discord.slash import choices, command, options, reply
from bot.messages import t
from bot.relay.render import cut, escape_markdown, safe_link
from bot.safe_text import fit_lines
from bot.search.index import SearchResult, search, sources
from bot.timeutil import discord_ts

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

REPLY_MAX = 1950
EXCERPT_MAX = 160


def result_text(typed: str, result: SearchResult) -> str:
    """The ephemeral reply: best first, each with date, source and link, then an excerpt."""
    shown = cut(escape_markdown(typed.strip()), 100)
    if result.query is None:
        return t("announcements.search.empty_query")
    if not result.hits:
        return t("announcements.search.none", query=shown)
    lines = [t("announcements.search.header", query=shown, count=len(result.hits))]
    if result.relaxed:
        lines.append(t("announcements.search.relaxed"))
    for n, hit in enumerate(result.hits, start=1):
        title = cut(escape_markdown(hit.title or "(sans titre)"), 90)
        link = safe_link(hit.link)
        line = t(
            "announcements.search.line",
            n=n,
            title=f"[{title}](<{link}>)" if link else title,
            date=discord_ts(hit.at, "d"),
            source=escape_markdown(hit.source_name),
        )
        if hit.excerpt:
            line += "\n> " + cut(escape_markdown(hit.excerpt), EXCERPT_MAX)
        lines.append(line)
    return fit_lines(lines, REPLY_MAX)


class SearchCog(commands.Cog):
    def __init__(self, bot: RelaisBot) -> None:
        self.bot = bot

    @property
    def db(self) -> Any:
        return self.bot.app.db

    @command("announcements.cmd.search")
    @app_commands.guild_only()
    @options("announcements.param", texte="text", source="source", depuis="since")
    async def rechercher(
        self,
        interaction: discord.Interaction,
        texte: app_commands.Range[str, 1, 300],
        source: str | None = None,
        depuis: str | None = None,
    ) -> None:
        since = None
        if depuis:
            since = parse_since(depuis, tz=self.bot.app.settings.timezone)
        result = await search(self.db, texte, source=source or None, since=since, limit=10)
        await reply(interaction, result_text(texte, result), suppress_embeds=True)

    @rechercher.autocomplete("source")
    async def _sources(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(await sources(self.db), current)


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(SearchCog(bot))
