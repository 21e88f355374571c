"""An announcement as staff wrote it, its checks, and the posts it becomes.

Staff text is trusted Markdown (it is not escaped), but it still pings nobody by itself:
only the roles chosen (``ping_roles``) and, when staff tick it explicitly, ``@everyone``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.announcements.split import TooLong, split_text
from bot.errors import RelaisError
from bot.messages import t
from bot.models import Embed, Post

TITLE_MAX = 256
# One embed description holds 4,096 characters; keep room for Discord's own counting of
# surrogate pairs and for the continuation footer.
PART_MAX = 4000
MAX_PARTS = 10
COLOR_ANNOUNCEMENT = 0xE3A21A


class AnnouncementError(RelaisError):
    """A refusal whose message (French) is shown to staff as is."""


@dataclass
class Draft:
    title: str
    body: str
    channels: list[str]
    ping_roles: list[str] = field(default_factory=list)
    ping_everyone: bool = False


def normalise_channels(raw: Iterable[str], known: dict[str, str]) -> list[str]:
    """Logical channel keys for what staff named: a key, or the channel's configured name/id.

    ``known`` is ``settings.config.channels`` (key -> channel name or id). Raises
    ``AnnouncementError`` naming the unknown channel and the known ones.
    """
    by_name: dict[str, str] = {}
    key: str | None
    for key, value in known.items():
        by_name[key.casefold()] = key
        by_name.setdefault(str(value).casefold().lstrip("#"), key)
    result: list[str] = []
    for item in raw:
        name = item.strip().lstrip("#").strip()
        if not name:
            continue
        key = by_name.get(name.casefold())
        if key is None:
            raise AnnouncementError(
                t("announcements.error.unknown_channel", channel=name, known=", ".join(known))
            )
        if key not in result:
            result.append(key)
    return result


def check(draft: Draft, known_channels: dict[str, str]) -> list[str]:
    """Validate ``draft`` (raises ``AnnouncementError``); returns the body's parts."""
    if not draft.title.strip():
        raise AnnouncementError(t("announcements.error.no_title"))
    if len(draft.title) > TITLE_MAX:
        raise AnnouncementError(
            t("announcements.error.title_too_long", length=len(draft.title), limit=TITLE_MAX)
        )
    if not draft.body.strip():
        raise AnnouncementError(t("announcements.error.no_body"))
    if not draft.channels:
        raise AnnouncementError(t("announcements.error.no_channel"))
    for channel in draft.channels:
        if channel not in known_channels:
            raise AnnouncementError(
                t(
                    "announcements.error.unknown_channel",
                    channel=channel,
                    known=", ".join(known_channels),
                )
            )
    for role in draft.ping_roles:
        if role.strip().lstrip("@").casefold() in {"everyone", "here"}:
            raise AnnouncementError(t("announcements.error.everyone_as_role"))
    return body_parts(draft.body)


def body_parts(body: str) -> list[str]:
    try:
        return split_text(body, PART_MAX, max_parts=MAX_PARTS)
    except TooLong as err:
        if err.reason == "line":
            raise AnnouncementError(
                t(
                    "announcements.error.line_too_long",
                    length=err.length,
                    limit=err.limit,
                    excerpt=err.excerpt,
                )
            ) from None
        raise AnnouncementError(
            t("announcements.error.too_many_parts", parts=err.length, limit=err.limit)
        ) from None


def render(draft: Draft, *, author: str | None = None) -> list[Post]:
    """Every post of the announcement, channel by channel, parts in order.

    Pings go with the first part only: a long announcement notifies once.
    """
    parts = body_parts(draft.body)
    posts: list[Post] = []
    for channel in draft.channels:
        for index, part in enumerate(parts):
            footer = None
            if len(parts) > 1:
                footer = t("announcements.post.part", n=index + 1, total=len(parts))
            embed = Embed(
                title=draft.title.strip() if index == 0 else None,
                description=part,
                color=COLOR_ANNOUNCEMENT,
                author=t("announcements.post.author", name=author) if author and index == 0
                else None,
                footer=footer,
            )
            posts.append(
                Post(
                    channel=channel,
                    embeds=[embed],
                    ping_roles=list(draft.ping_roles) if index == 0 else [],
                    ping_everyone=draft.ping_everyone if index == 0 else False,
                )
            )
    return posts
