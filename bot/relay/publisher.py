"""Where posts go: the Publisher protocol, its errors, and the console publisher."""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TextIO

from bot.models import Post
from bot.safe_text import for_terminal
from bot.timeutil import format_local


@dataclass(frozen=True)
class PublishedRef:
    channel_id: str
    message_id: str
    url: str | None = None


class PublishError(Exception):
    """Base of the errors a publisher may raise for one post."""


class ChannelUnavailable(PublishError):
    """The channel is not configured or not visible: the row waits, with a warning."""


class TransientPublishError(PublishError):
    """Worth retrying later (Discord outage, rate limit after its own retries, network)."""


class PermanentPublishError(PublishError):
    """Retrying cannot help (payload refused): the row is set aside for staff."""


class RecipientUnavailable(PermanentPublishError):
    """A direct message the member does not accept (DMs closed, user gone): retrying cannot
    help, and staff need not hear of it; the feature that sent it is told instead."""


class RateLimitedError(TransientPublishError):
    """Discord still said 429 after discord.py's own waits: send again after ``retry_after``
    seconds (0 when discord.py already slept it), not counted as a failed attempt."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = max(0.0, retry_after)


class DiscordUnreachable(TransientPublishError):
    """No answer from Discord (connection refused or reset, timeout, 502/503/504): an outage,
    not the post's fault. Retried every few seconds until Discord is back, never set aside."""


class Publisher(Protocol):
    async def publish(self, post: Post, nonce: str) -> PublishedRef: ...


class HistoryPublisher(Publisher, Protocol):
    """A publisher that can tell whether a post already reached its channel."""

    async def find_sent(
        self, post: Post, *, after_message_id: str | None, not_before: datetime
    ) -> list[PublishedRef]:
        """Messages of the channel, after ``after_message_id`` (else from ``not_before``),
        that Relais posted with exactly this post's text: oldest first."""
        ...


class ConsolePublisher:
    """Prints each post readably: what Relais would have posted in Discord."""

    def __init__(self, channels: dict[str, str] | None = None, stream: TextIO | None = None):
        self.channels = channels or {}
        self.stream = stream
        self.count = 0

    def channel_name(self, key: str) -> str:
        return self.channels.get(key, key).lstrip("#")

    async def publish(self, post: Post, nonce: str) -> PublishedRef:
        self.count += 1
        out = self.stream or sys.stdout
        out.write(render_console(post, self.channel_name(post.channel)))
        out.flush()
        return PublishedRef(channel_id=self.channel_name(post.channel), message_id=str(self.count))


def render_console(post: Post, channel_name: str) -> str:
    width = 78
    lines = [f"┌─ #{channel_name} " + "─" * max(0, width - len(channel_name) - 5)]
    pings = [f"@{role}" for role in post.ping_roles] + [f"@{u}" for u in post.ping_users]
    if post.ping_everyone:
        pings.insert(0, "@everyone")
    head = " ".join(pings)
    if post.content or head:
        lines.extend(_wrap(" ".join(p for p in (head, post.content) if p), width))
    for embed in post.embeds:
        if embed.author:
            lines.append(f"│ {embed.author}")
        if embed.title:
            lines.append(f"│ ▌ {embed.title}")
        if embed.url:
            lines.append(f"│   {embed.url}")
        if embed.description:
            lines.append("│")
            lines.extend(_wrap(embed.description, width))
        for field in embed.fields:
            lines.append("│")
            lines.append(f"│ {field.name}")
            lines.extend(_wrap(field.value, width))
        if embed.footer:
            lines.append("│")
            lines.append(f"│ — {embed.footer}")
    for path in post.files:
        lines.append(f"│ 📎 {path}")
    if post.buttons:
        lines.append("│ " + "  ".join(f"[{b.label}]" for b in post.buttons))
    lines.append("└" + "─" * (width - 1))
    return _console_text("\n".join(lines)) + "\n\n"


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, width - 2) or [""]
        out.extend(f"│ {line}" for line in wrapped)
    return out


_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_ESCAPE = re.compile(r"\\([\\*_~`|\[\]>#\-.])")


def _console_text(text: str) -> str:
    """Discord markup made readable in a terminal: timestamps in Montréal time, no escapes."""

    def stamp(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC)
        style = match.group(2) or "f"
        return format_local(moment, with_time=style not in ("d", "D"))

    # Untrusted text reaches a terminal here: no escape sequences, bell or bidi trickery.
    return for_terminal(_ESCAPE.sub(r"\1", _TIMESTAMP.sub(stamp, text)))
