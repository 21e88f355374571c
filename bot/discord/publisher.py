"""Publisher that posts outbox rows to Discord, pinging nobody but the roles a row names."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import aiohttp
import discord

from bot.discord.views import build_view
from bot.messages import t
from bot.models import DM_PREFIX, Embed, Post
from bot.relay.publisher import (
    ChannelUnavailable,
    DiscordUnreachable,
    PermanentPublishError,
    PublishedRef,
    RateLimitedError,
    RecipientUnavailable,
    TransientPublishError,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024  # Discord's limit per message for a bot without boosts
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_NONCE = 25
# Discord error codes meaning "this channel is not (or no longer) reachable by Relais"
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
# Answers that mean "Discord is not there right now" rather than "this post is wrong".
OUTAGE_STATUSES = {502, 503, 504, 520, 521, 522, 523, 524}
# How far back the history of a channel is read to find a post sent before a crash.
HISTORY_LIMIT = 500

Fingerprint = tuple[object, ...]


def fingerprint(content: str | None, embeds: Sequence[discord.Embed]) -> Fingerprint:
    """What identifies a post among the channel's messages: its text, as Discord keeps it.

    Nothing is added to the post for this: rows are sent one at a time per channel, so
    among the messages after the last confirmed one, only the row being sent can carry
    exactly its text; messages of other rows are recognised by their recorded ids.
    """

    def norm(value: object) -> str:
        return str(value or "").strip()

    return (
        norm(content),
        tuple(
            (
                norm(e.title),
                norm(e.description),
                # not the URL: Discord may normalise it (a trailing slash, escaping)
                norm(e.footer.text),
                norm(e.author.name),
                tuple((norm(f.name), norm(f.value)) for f in e.fields),
            )
            for e in embeds
        ),
    )


def forum_title(post: Post) -> str:
    """A forum post's title (1–100 characters): the first embed's title, else the content."""
    title = next((e.title for e in post.embeds if e.title), None) or post.content or "Relais"
    title = " ".join(title.replace("\\", "").split())
    return title[:100] or "Relais"


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


class DiscordPublisher:
    """Sends a ``Post`` to its channel of the configured guild."""

    def __init__(self, client: discord.Client, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    # ------------------------------------------------------------------ resolution
    @property
    def guild(self) -> discord.Guild | None:
        guild_id = self.settings.discord_guild_id
        if guild_id is not None:
            return self.client.get_guild(guild_id)
        guilds = self.client.guilds
        return guilds[0] if len(guilds) == 1 else None

    def resolve_channel(self, key: str) -> discord.abc.Messageable | discord.ForumChannel:
        """Logical key → configured name or id → guild channel; ChannelUnavailable otherwise."""
        target = self.settings.config.channels.get(key, key).strip().lstrip("#")
        guild = self.guild
        if guild is None:
            raise ChannelUnavailable(t("discord.publish.no_guild"))
        channel: object | None = None
        if target.isdigit():
            channel = guild.get_channel_or_thread(int(target))
        else:
            candidates: list[discord.TextChannel | discord.VoiceChannel] = [
                *guild.text_channels,
                *guild.voice_channels,
            ]
            channel = discord.utils.get(candidates, name=target) or next(
                (c for c in candidates if c.name.casefold() == target.casefold()), None
            )
        if isinstance(channel, discord.ForumChannel):
            return channel  # a forum takes one post (a new thread) per publication
        if not isinstance(channel, discord.abc.Messageable):
            raise ChannelUnavailable(t("discord.publish.no_channel", key=key, target=target))
        return channel

    def resolve_roles(self, names: list[str]) -> list[discord.Role]:
        guild = self.guild
        roles: list[discord.Role] = []
        if guild is None:
            return roles
        for name in names:
            wanted = name.strip().lstrip("@")
            role = guild.get_role(int(wanted)) if wanted.isdigit() else None
            if role is None:
                role = discord.utils.get(guild.roles, name=wanted) or next(
                    (r for r in guild.roles if r.name.casefold() == wanted.casefold()), None
                )
            if role is None or role.is_default():
                log.warning("role %r to ping is not in the guild; posting without it", name)
                continue
            if role not in roles:
                roles.append(role)
        return roles

    # ------------------------------------------------------------------ building
    def build_content(self, post: Post, roles: list[discord.Role]) -> str:
        pings = [role.mention for role in roles]
        if post.ping_everyone and "@everyone" not in post.content:
            pings.insert(0, "@everyone")
        content = " ".join(part for part in (" ".join(pings), post.content) if part)
        return _clip(content, MAX_CONTENT) or ""

    @staticmethod
    def build_embed(embed: Embed) -> discord.Embed:
        timestamp = None
        if embed.timestamp:
            try:
                timestamp = datetime.fromisoformat(embed.timestamp)
            except ValueError:
                timestamp = None
        out = discord.Embed(
            title=_clip(embed.title, 256),
            description=_clip(embed.description, 4096),
            url=embed.url or None,
            colour=embed.color,
            timestamp=timestamp,
        )
        for item in embed.fields[:25]:
            out.add_field(
                name=_clip(item.name, 256) or "\u200b",
                value=_clip(item.value, 1024) or "\u200b",
                inline=item.inline,
            )
        if embed.footer:
            out.set_footer(text=_clip(embed.footer, 2048))
        if embed.author:
            out.set_author(name=_clip(embed.author, 256) or "")
        return out

    def build_embeds(self, post: Post) -> list[discord.Embed]:
        embeds: list[discord.Embed] = []
        total = 0
        for embed in post.embeds[:MAX_EMBEDS]:
            built = self.build_embed(embed)
            size = len(built)
            if total + size > MAX_EMBED_TOTAL:
                log.warning("post to %r: embeds beyond 6,000 characters dropped", post.channel)
                break
            total += size
            embeds.append(built)
        return embeds

    @staticmethod
    def build_files(post: Post) -> list[discord.File]:
        files: list[discord.File] = []
        total = 0
        for name in post.files[:10]:
            path = Path(name)
            try:
                size = path.stat().st_size
            except OSError:
                log.warning("attachment %s is gone; posting without it", path)
                continue
            if size > MAX_FILE_BYTES or total + size > MAX_FILE_BYTES:
                log.warning("attachment %s (%d bytes) exceeds Discord's limit; skipped", path, size)
                continue
            total += size
            files.append(discord.File(path, filename=path.name))
        return files

    # ------------------------------------------------------------------ sending
    async def resolve_dm(self, key: str) -> discord.abc.Messageable:
        """« dm:<user id> »: the member's direct-message channel."""
        user_id = key.removeprefix(DM_PREFIX)
        if not user_id.isdigit():
            raise RecipientUnavailable(f"not a user id: {key!r}")
        try:
            user = self.client.get_user(int(user_id)) or await self.client.fetch_user(int(user_id))
            return await user.create_dm()
        except discord.NotFound as exc:
            raise RecipientUnavailable(f"user {user_id} unknown") from exc
        except discord.Forbidden as exc:
            raise RecipientUnavailable(f"403 {exc.code}: {exc.text}") from exc
        except discord.HTTPException as exc:
            raise TransientPublishError(f"{exc.status} {exc.text}") from exc

    async def publish(self, post: Post, nonce: str) -> PublishedRef:
        direct = post.channel.startswith(DM_PREFIX)
        channel = (
            await self.resolve_dm(post.channel) if direct else self.resolve_channel(post.channel)
        )
        roles = self.resolve_roles(post.ping_roles)
        users = [discord.Object(int(u)) for u in post.ping_users if u.isdigit()]
        allowed = discord.AllowedMentions(
            everyone=post.ping_everyone,
            users=users or False,
            roles=roles or False,
            replied_user=False,
        )
        files = self.build_files(post)
        view = build_view(post.buttons)
        try:
            # Any: send's overloads cannot express "a view or none" in one call
            sender: Any = channel
            if isinstance(channel, discord.ForumChannel):
                # No nonce on thread creation: the outbox's own dedupe is the guard here.
                created = await sender.create_thread(
                    name=forum_title(post),
                    content=self.build_content(post, roles) or None,
                    embeds=self.build_embeds(post),
                    files=files,
                    allowed_mentions=allowed,
                    view=view,
                )
                message = created.message
            else:
                message = await sender.send(
                    content=self.build_content(post, roles) or None,
                    embeds=self.build_embeds(post),
                    files=files,
                    allowed_mentions=allowed,
                    nonce=nonce[:MAX_NONCE],
                    view=view,
                )
        except discord.Forbidden as exc:
            if direct:  # 50007: the member's direct messages are closed
                raise RecipientUnavailable(f"403 {exc.code}: {exc.text}") from exc
            if exc.code in (MISSING_ACCESS, MISSING_PERMISSIONS):
                raise ChannelUnavailable(
                    t("discord.publish.forbidden", key=post.channel, error=exc.text or exc.code)
                ) from exc
            raise PermanentPublishError(f"403 {exc.code}: {exc.text}") from exc
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_CHANNEL:
                raise ChannelUnavailable(
                    t("discord.publish.no_channel", key=post.channel, target=post.channel)
                ) from exc
            raise PermanentPublishError(f"404 {exc.code}: {exc.text}") from exc
        except SEND_ERRORS as exc:
            _translate(exc)
        finally:
            for file in files:
                file.close()
        return PublishedRef(
            channel_id=str(message.channel.id), message_id=str(message.id), url=message.jump_url
        )

    async def find_sent(
        self, post: Post, *, after_message_id: str | None, not_before: datetime
    ) -> list[PublishedRef]:
        """This post's messages among the channel's messages posted by Relais after
        ``after_message_id`` (or ``not_before``), oldest first."""
        channel = self.resolve_channel(post.channel)
        roles = self.resolve_roles(post.ping_roles)
        wanted = fingerprint(self.build_content(post, roles), self.build_embeds(post))
        anchor = discord.utils.time_snowflake(not_before)
        if after_message_id is not None and after_message_id.isdigit():
            anchor = max(anchor, int(after_message_id))
        me = self.client.user.id if self.client.user is not None else None
        found: list[PublishedRef] = []
        history: Any = channel  # Messageable.history; Any: the channel union is wide
        try:
            async for message in history.history(
                limit=HISTORY_LIMIT, after=discord.Object(anchor), oldest_first=True
            ):
                if message.author.id != me or message.interaction_metadata is not None:
                    continue
                if fingerprint(message.content, message.embeds) == wanted:
                    found.append(
                        PublishedRef(
                            channel_id=str(message.channel.id),
                            message_id=str(message.id),
                            url=message.jump_url,
                        )
                    )
        except discord.Forbidden:
            # Without "Read Message History" the check cannot be made: send (the nonce may
            # still hold) rather than keep the post back for ever.
            log.warning(
                "cannot read the history of %r to check for a resend; sending", post.channel
            )
            return []
        except SEND_ERRORS as exc:
            _translate(exc)
        return found


# What a request to Discord may raise; ``_translate`` says which kind of trouble each is.
SEND_ERRORS = (
    discord.HTTPException,
    discord.RateLimited,
    TimeoutError,
    aiohttp.ClientError,
    OSError,
)


def _translate(exc: BaseException) -> NoReturn:
    """A discord.py or network error as the outbox's kind of trouble."""
    if isinstance(exc, discord.RateLimited):
        raise RateLimitedError(f"rate limited for {exc.retry_after:.1f}s", exc.retry_after) from exc
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            # With a Via header, discord.py slept each retry_after, the last one included:
            # the row may go again at once. Without, Discord (Cloudflare) asks Retry-After.
            headers = exc.response.headers
            waited = bool(headers.get("Via"))
            retry_after = 0.0 if waited else _seconds(headers.get("Retry-After"), 60.0)
            raise RateLimitedError(f"429 {exc.text}", retry_after) from exc
        if exc.status in OUTAGE_STATUSES:
            raise DiscordUnreachable(f"{exc.status} {exc.text}") from exc
        if exc.status >= 500:
            raise TransientPublishError(f"{exc.status} {exc.text}") from exc
        raise PermanentPublishError(f"{exc.status} {exc.code}: {exc.text}") from exc
    if isinstance(exc, (aiohttp.ClientConnectionError, OSError, TimeoutError)):
        raise DiscordUnreachable(f"{type(exc).__name__}: {exc}") from exc
    raise TransientPublishError(f"{type(exc).__name__}: {exc}") from exc


def _seconds(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
