"""Plain data shared by every layer: what comes in (Document) and what goes out (Post).

This module imports nothing from the project so that every layer may use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` gives, without its deep copy of every value (a burst of
    1,000 reminders spent a quarter of a second there)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass
class Document:
    """One communication as read from a source, before the pipeline summarises it."""

    source_kind: Literal["feed", "inbox", "upload"]
    source_name: str  # feed name, inbox sub-folder, or uploader
    kind: str  # rss, atom, eml, pdf, docx, txt, md, html, msg
    title: str
    text: str  # cleaned plain text (already through bot.text cleaning where the reader can)
    external_id: str  # feed item identity, or the file's SHA-256
    link: str | None = None
    sender: str | None = None
    published: datetime | None = None  # aware, UTC
    categories: list[str] = field(default_factory=list)
    attachments: list[Document] = field(default_factory=list)
    original_path: Path | None = None  # file to attach to the post, if any
    channels: list[str] = field(default_factory=list)  # routing hints (logical channel keys)
    mention_role: str | None = None  # a role the source is configured to ping
    meta: dict[str, Any] = field(default_factory=dict)


ButtonStyle = Literal["primary", "secondary", "success", "danger"]


@dataclass
class Button:
    custom_id: str
    label: str
    style: ButtonStyle = "secondary"
    row: int | None = None  # Discord action row (0-4); None: filled in order


@dataclass
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass
class Embed:
    title: str | None = None
    description: str | None = None
    url: str | None = None
    color: int | None = None
    fields: list[EmbedField] = field(default_factory=list)
    footer: str | None = None
    author: str | None = None
    timestamp: str | None = None  # ISO 8601, aware


@dataclass
class Post:
    """A message to send. Channels and roles are logical keys resolved by the publisher.

    Nobody is pinged unless listed in ``ping_roles`` (or ``ping_everyone`` is set explicitly
    by staff): text inside content and embeds never pings.
    """

    channel: str
    content: str = ""
    embeds: list[Embed] = field(default_factory=list)
    ping_roles: list[str] = field(default_factory=list)
    ping_everyone: bool = False
    ping_users: list[str] = field(default_factory=list)  # Discord user ids Relais means to ping
    files: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(_plain(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Post:
        data = json.loads(raw)
        embeds = []
        for e in data.get("embeds", []):
            fields = [EmbedField(**f) for f in e.pop("fields", [])]
            embeds.append(Embed(**e, fields=fields))
        buttons = [Button(**b) for b in data.get("buttons", [])]
        return cls(
            channel=data["channel"],
            content=data.get("content", ""),
            embeds=embeds,
            ping_roles=list(data.get("ping_roles", [])),
            ping_everyone=bool(data.get("ping_everyone", False)),
            ping_users=list(data.get("ping_users", [])),
            files=list(data.get("files", [])),
            buttons=buttons,
        )


STAFF_CHANNEL = "staff"
DM_PREFIX = "dm:"  # a Post to "dm:<user id>" is a direct message to that member


def staff_notice(title: str, body: str, *, color: int | None = None) -> Post:
    """A notice to the staff channel: one embed, title and text within Discord's limits.
    ``title`` and ``body`` are already safe (catalog text with escaped values)."""
    return Post(
        channel=STAFF_CHANNEL,
        embeds=[Embed(title=title[:256], description=body[:4000], color=color)],
    )
