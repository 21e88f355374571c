"""`/relais etat` (staff): version, uptime, outbox backlog and the rows set aside;
`/relais reprendre` (staff): send set-aside rows again (after a long Discord outage, say)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot import __version__
from bot.discord.checks import StaffGroup
from bot.discord.cogs import GroupCog
from bot.discord.slash import command, options, reply
from bot.messages import t
from bot.safe_text import cut, escape_markdown, fit_lines
from bot.store import outbox
from bot.timeutil import discord_ts, from_iso, utc_now

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

SET_ASIDE_SHOWN = 10


def format_uptime(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return t("admin.uptime.days", days=days, hours=hours, minutes=minutes)
    if hours:
        return t("admin.uptime.hours", hours=hours, minutes=minutes)
    return t("admin.uptime.minutes", minutes=minutes)


async def status_embed(bot: RelaisBot, now: datetime | None = None) -> discord.Embed:
    """The state of Relais, as staff sees it (built apart from the command to be testable)."""
    now = now or utc_now()
    db = bot.app.db
    counts = await outbox.counts(db)
    embed = discord.Embed(title=t("admin.status.title"), colour=0x2E86C1)
    embed.add_field(name=t("admin.status.version"), value=__version__, inline=True)
    embed.add_field(
        name=t("admin.status.uptime"),
        value=t(
            "admin.status.uptime_value",
            uptime=format_uptime(now - bot.app.started_at),
            since=discord_ts(bot.app.started_at, "f"),
        ),
        inline=True,
    )
    embed.add_field(
        name=t("admin.status.backlog"),
        value=t(
            "admin.status.backlog_value",
            pending=counts.pending,
            waiting=counts.waiting,
            sent=counts.sent,
        ),
        inline=False,
    )
    rows = await outbox.set_aside_rows(db, limit=SET_ASIDE_SHOWN)
    if rows:
        lines = [
            t(
                "admin.status.set_aside_row",
                id=row["id"],
                kind=row["kind"],
                channel=row["channel"],
                created=discord_ts(from_iso(row["created_at"]), "d"),
                error=cut(escape_markdown(row["last_error"] or "?"), 120),
            )
            for row in rows
        ]
        if counts.set_aside > len(rows):
            lines.append(t("admin.status.set_aside_more", count=counts.set_aside - len(rows)))
        lines.append(t("admin.status.set_aside_hint"))
        value = "\n".join(lines)
    else:
        value = t("admin.status.set_aside_none")
    embed.add_field(
        name=t("admin.status.set_aside", count=counts.set_aside),
        value=cut(value, 1024),
        inline=False,
    )
    if bot.failed_cogs:
        embed.add_field(
            name=t("admin.status.failed_cogs"),
            value=fit_lines([f"`{name}`" for name in bot.failed_cogs], 1024),
            inline=False,
        )
    return embed


async def retry_set_aside(bot: RelaisBot, row_id: int | None = None) -> str:
    """Put set-aside rows (one, or all) back in the queue with fresh attempts; the answer.

    The rows keep their nonce: a row Discord did accept after all is not shown twice.
    """
    db = bot.app.db
    if row_id is not None:
        ids = [row_id]
    else:
        rows = await db.fetchall("SELECT id FROM outbox WHERE status = 'set_aside' ORDER BY id")
        ids = [row["id"] for row in rows]
    requeued = [i for i in ids if await outbox.requeue(db, i)]
    if row_id is not None:
        key = "admin.retry.one" if requeued else "admin.retry.unknown"
        return t(key, id=row_id)
    if not requeued:
        return t("admin.retry.none")
    return t("admin.retry.all", count=len(requeued))


class RelaisGroup(StaffGroup):
    """/relais …: administration of Relais itself."""

    def __init__(self, bot: RelaisBot) -> None:
        super().__init__("admin.cmd.relais")
        self.bot = bot

    @command("admin.cmd.etat")
    async def etat(self, interaction: discord.Interaction) -> None:
        await reply(interaction, embed=await status_embed(self.bot))

    @command("admin.cmd.reprendre")
    @options("admin.opt", numero="numero")
    async def reprendre(
        self, interaction: discord.Interaction, numero: app_commands.Range[int, 1] | None = None
    ) -> None:
        await reply(interaction, await retry_set_aside(self.bot, numero))


class Admin(GroupCog):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(bot, RelaisGroup(bot))


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(Admin(bot))
