"""Building posts: untrusted text escaped, nobody pinged, Discord's limits respected."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.messages import t
from bot.models import Button, Document, Embed, EmbedField, Post
from bot.safe_text import cut, escape_markdown, inline, neutralise_mentions, strip_controls
from bot.sources.documents.limits import human_size
from bot.text import Analysis, FoundDate, dates_to_remember, describe
from bot.timeutil import MONTREAL, discord_ts

# Discord's limits (characters) for one message.
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
FILE_MAX_BYTES = 10 * 1024 * 1024

COLOR_COMMUNICATION = 0x1F6FB2

# The one text-safety module; re-exported here for the modules that import them from render.
__all__ = ["cut", "escape_markdown", "neutralise_mentions", "render_communication", "safe_link"]


def safe_link(url: str | None) -> str | None:
    if url and re.match(r"^https?://[^\s<>]+$", url):
        return url
    return None


_CLOCK = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s*(?:h|:)\s*([0-5]\d)?(?![\d])")


def time_of(found: FoundDate) -> time | None:
    """The time of day the text gives with the date (« 14 septembre à 9 h 30 »), if any."""
    match = _CLOCK.search(found.text)
    if match is None:
        return None
    return time(int(match.group(1)), int(match.group(2) or 0))


def _when(found: FoundDate) -> str:
    if found.precision != "day":  # a month, a week or a season: never a made-up day
        return describe(found)
    at = time_of(found) if not found.end else None
    if at is not None:  # the time the text gives, in each reader's own zone
        return discord_ts(
            datetime.combine(found.start(), at, MONTREAL).astimezone(UTC), "f"
        )
    when = discord_ts(_noon(found.start()), "D")
    if found.end:
        when += " → " + discord_ts(_noon(date.fromisoformat(found.end[:10])), "D")
    return when


def date_line(found: FoundDate) -> str:
    """One line of « Dates à retenir »: Discord timestamp(s), then what happens."""
    label = escape_markdown(found.label or found.text)
    return f"• {_when(found)} — {label}"


def _noon(day: date) -> datetime:
    # Noon local: the date reads the same in every North American time zone.
    return datetime.combine(day, time(12), MONTREAL).astimezone(UTC)


def dates_block(dates: list[FoundDate], today: date, limit: int = 8) -> str | None:
    """Future dates first; dates that share what happens (« les 3 et 8 décembre ») share a line."""
    ordered = dates_to_remember(dates, today)[: limit * 2]
    if not ordered:
        return None
    groups: dict[str, list[FoundDate]] = {}
    for found in ordered:
        groups.setdefault(found.label or found.text, []).append(found)
    lines: list[str] = []
    for label, members in list(groups.items())[:limit]:
        when = ", ".join(_when(f) for f in members)
        line = f"• {when} — {escape_markdown(label)}"
        if not any(f.is_future(today) for f in members):  # after the future ones, marked
            line = f"• ~~{when}~~ {t('render.past')} — {escape_markdown(label)}"
        if sum(len(x) + 1 for x in lines) + len(line) > FIELD_VALUE_MAX:
            break
        lines.append(line)
    return "\n".join(lines)


def render_communication(
    doc: Document,
    analysis: Analysis,
    *,
    channel: str,
    communication_id: int,
    today: date,
    ping_role: str | None = None,
) -> Post:
    title = inline(doc.title.strip() or "(sans titre)", TITLE_MAX)
    summary = [escape_markdown(s) for s in analysis.summary]
    description = "\n\n".join(summary) if summary else t("render.no_summary")
    description = cut(description, 3000)
    # What the post shows (feeds: `/flux modifier affichage`): everything, the summary
    # without the dates, or only the title and its link.
    show = str(doc.meta.get("show") or "full")
    if show == "title":
        description = ""
    fields: list[EmbedField] = []
    block = dates_block(analysis.dates, today) if show == "full" else ""
    if block:
        fields.append(EmbedField(name=t("render.dates_to_remember"), value=block))
    if doc.categories:
        cats = ", ".join(escape_markdown(c) for c in doc.categories[:10])
        fields.append(
            EmbedField(name=t("render.categories"), value=cut(cats, FIELD_VALUE_MAX), inline=True)
        )
    if doc.sender:
        fields.append(
            EmbedField(
                name=t("render.sender"),
                value=inline(doc.sender, FIELD_VALUE_MAX),
                inline=True,
            )
        )
    files, too_big = _attachments(doc)
    if too_big:
        fields.append(
            EmbedField(
                name=t("render.attachments"),
                value=cut(
                    t("render.attachment_too_big", names=", ".join(too_big)), FIELD_VALUE_MAX
                ),
            )
        )
    if doc.attachments:
        names = ", ".join(inline(a.title, 200) for a in doc.attachments[:10])
        fields.append(EmbedField(name=t("render.attachments"), value=cut(names, FIELD_VALUE_MAX)))
    embed = Embed(
        title=title,
        description=description,
        url=safe_link(doc.link),
        color=COLOR_COMMUNICATION,
        fields=fields[:FIELDS_MAX],
        author=cut(strip_controls(source_label(doc)), AUTHOR_MAX),
        footer=cut(
            strip_controls(f"{t('render.source')} : {source_label(doc)} · {doc.kind.upper()}"),
            FOOTER_MAX,
        ),
        timestamp=doc.published.isoformat() if doc.published else None,
    )
    _fit_total(embed)
    return Post(
        channel=channel,
        embeds=[embed],
        ping_roles=[ping_role] if ping_role else [],
        files=files,
        buttons=[
            Button(
                custom_id=f"follow:take:{communication_id}",
                label=t("render.take_button"),
                style="secondary",
            )
        ],
    )


def source_label(doc: Document) -> str:
    """Who the communication comes from, as members name it."""
    if doc.source_kind == "feed":
        return doc.source_name
    if doc.source_kind == "upload":
        return t("render.source.upload", who=doc.source_name)
    return t("render.source.inbox")


MAX_FILES = 10


def _attachments(doc: Document) -> tuple[list[str], list[str]]:
    """The original and its attachments that fit in one message; the names of those that do not."""
    candidates = [d.original_path for d in (doc, *doc.attachments) if d.original_path is not None]
    files: list[str] = []
    too_big: list[str] = []
    total = 0
    for path in (Path(p) for p in candidates):
        if not path.is_file():
            continue
        size = path.stat().st_size
        if len(files) < MAX_FILES and total + size <= FILE_MAX_BYTES:
            files.append(str(path))
            total += size
        else:
            too_big.append(f"{inline(path.name, 200)} ({human_size(size)})")
    return files, too_big


def embed_length(embed: Embed) -> int:
    total = sum(len(x or "") for x in (embed.title, embed.description, embed.footer, embed.author))
    return total + sum(len(f.name) + len(f.value) for f in embed.fields)


def _fit_total(embed: Embed) -> None:
    """Keep one embed under the 6,000-character total by shortening its description."""
    excess = embed_length(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        embed.description = cut(embed.description, max(100, len(embed.description) - excess))
