"""Announcements written as Markdown files, for staff who work outside Discord.

A file dropped in ``inbox/annonces/`` starts with a small header between two ``---`` lines::

    ---
    titre: Assemblée générale
    canaux: general, psoc
    role: Délégation PSOC
    quand: 14 septembre 9 h 30
    ---
    Le texte de l'annonce, en Markdown.

``titre`` may be left out when the text starts with a ``# Titre`` line; ``role``, ``quand``
(absent: now) and ``tout_le_monde: oui`` (ping @everyone) are optional.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.announcements.draft import AnnouncementError
from bot.messages import t

_KEYS = {
    "titre": "title",
    "title": "title",
    "canaux": "channels",
    "canal": "channels",
    "channels": "channels",
    "channel": "channels",
    "role": "role",
    "roles": "role",
    "quand": "when",
    "when": "when",
    "date": "when",
    "tout_le_monde": "everyone",
    "everyone": "everyone",
}
_YES = {"oui", "yes", "vrai", "true", "1"}
_NO = {"non", "no", "faux", "false", "0", ""}
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class FileAnnouncement:
    title: str
    body: str
    channels: list[str]
    roles: list[str]
    when: str | None  # as typed; None means now
    everyone: bool


def _key(raw: str) -> str:
    folded = unicodedata.normalize("NFD", raw.strip().casefold().replace(" ", "_"))
    return "".join(c for c in folded if not unicodedata.combining(c))


_BLOCK_START = re.compile(r"^\s*([-*+>#|]|\d+[.)]\s|```)")


def unwrap_paragraphs(body: str) -> str:
    """Join the lines an editor wrapped inside a paragraph, as Markdown reads them.

    Discord shows every newline, so a file wrapped at 80 columns would post with ragged
    breaks; lists, quotes, headings, tables, code and lines ending in two spaces stay as typed.
    """
    out: list[str] = []
    in_code = False
    for line in body.split("\n"):
        if line.strip().startswith("```"):
            in_code = not in_code
            out.append(line)
            continue
        previous = out[-1] if out else ""
        joinable = (
            not in_code
            and out
            and previous.strip()
            and line.strip()
            and not previous.endswith("  ")
            and not _BLOCK_START.match(line)
            and not _BLOCK_START.match(previous)
        )
        if joinable:
            out[-1] = previous.rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;]", value) if item.strip()]


def parse_file(text: str, *, fallback_title: str) -> FileAnnouncement:
    """Read header and body; raises ``AnnouncementError`` (French) when the header is bad."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise AnnouncementError(t("announcements.file.no_header"))
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise AnnouncementError(t("announcements.file.unclosed_header")) from None
    values: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if ":" not in line:
            raise AnnouncementError(t("announcements.file.bad_line", line=number, text=line[:80]))
        raw_key, value = line.split(":", 1)
        key = _KEYS.get(_key(raw_key))
        if key is None:
            raise AnnouncementError(
                t(
                    "announcements.file.unknown_key",
                    key=raw_key.strip(),
                    line=number,
                    known="titre, canaux, role, quand, tout_le_monde",
                )
            )
        if key in values:
            raise AnnouncementError(t("announcements.file.duplicate_key", key=raw_key.strip()))
        values[key] = value.strip()
    body = "\n".join(lines[end + 1 :]).strip()
    title = values.get("title", "")
    if not title:
        first, _, rest = body.partition("\n")
        heading = _HEADING.match(first.strip())
        if heading:
            title, body = heading.group(1), rest.strip()
        else:
            title = fallback_title
    channels = _split_list(values.get("channels", ""))
    if not channels:
        raise AnnouncementError(t("announcements.file.no_channels"))
    everyone_raw = values.get("everyone", "").casefold()
    if everyone_raw not in _YES | _NO:
        raise AnnouncementError(t("announcements.file.bad_everyone", value=everyone_raw))
    when = values.get("when") or None
    if when is not None and _key(when) in {"maintenant", "now", "tout_de_suite"}:
        when = None
    return FileAnnouncement(
        title=title.strip(),
        body=unwrap_paragraphs(body),
        channels=channels,
        roles=_split_list(values.get("role", "")),
        when=when,
        everyone=everyone_raw in _YES,
    )
