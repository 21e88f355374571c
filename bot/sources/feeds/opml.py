"""OPML import and export of the watched feeds (and pages).

An uploaded OPML file is untrusted XML: the same entity/DOCTYPE refusal as feeds runs on it
first, in every encoding, then expat reads it. Import is two steps (a preview, then staff
confirm); this module only reads and writes the documents.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from bot.messages import t
from bot.sources.feeds.config import FeedDef
from bot.sources.feeds.safety import FeedSafetyError, refuse_entity_doctype

MAX_OPML_BYTES = 1_000_000
MAX_OUTLINES = 500


class OpmlError(Exception):
    """The file is not a usable OPML document; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OpmlEntry:
    name: str
    url: str
    kind: str = "feed"  # "page" for outlines of type "link" exported by Relais


def _clean_name(raw: str, url: str) -> str:
    """OPML titles are free text; feed names are limited (see config._NAME): keep it simple."""
    allowed = []
    for char in " ".join(raw.split()):
        allowed.append(char if char.isalnum() or char in " .,'’()«»:–—-" else " ")
    name = " ".join("".join(allowed).split())[:80].strip(" .,:-–—")
    if not name:
        from urllib.parse import urlsplit

        name = (urlsplit(url).hostname or "flux")[:80]
    return name


def parse_opml(data: bytes) -> list[OpmlEntry]:
    """Every outline with an ``xmlUrl`` (or Relais' page outlines), in document order."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(t("feeds.opml.too_big", limit="1 Mo"))
    try:
        refuse_entity_doctype(data)
    except FeedSafetyError as exc:
        raise OpmlError(t(exc.key, **exc.values)) from None
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError, LookupError):
        raise OpmlError(t("feeds.opml.not_xml")) from None
    if root.tag.lower() != "opml":
        raise OpmlError(t("feeds.opml.not_opml"))
    entries: list[OpmlEntry] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        kind = "feed"
        if not url and (outline.get("type") or "").lower() == "link":
            url, kind = (outline.get("url") or "").strip(), "page"
        if not url or url in seen:
            continue
        seen.add(url)
        title = outline.get("title") or outline.get("text") or ""
        entries.append(OpmlEntry(name=_clean_name(title, url), url=url, kind=kind))
        if len(entries) >= MAX_OUTLINES:
            break
    if not entries:
        raise OpmlError(t("feeds.opml.empty"))
    return entries


def export_opml(feeds: Iterable[FeedDef], *, now: datetime) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Relais — flux suivis"
    ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        if feed.kind == "page":
            ET.SubElement(body, "outline", type="link", text=feed.name, title=feed.name,
                          url=feed.url)
        else:
            ET.SubElement(body, "outline", type="rss", text=feed.name, title=feed.name,
                          xmlUrl=feed.url)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
