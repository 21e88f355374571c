"""Plain text and Markdown (.txt, .md) in any common encoding, UTF-16 included."""

from __future__ import annotations

import re

from bot.messages import t
from bot.models import Document
from bot.sources.documents.common import (
    ReadContext,
    decode_bytes,
    finish_text,
    letterhead_date,
    looks_binary,
    new_document,
    title_from_text,
)
from bot.sources.documents.errors import DocumentError

_MD_HEADING = re.compile(r"^\s{0,3}#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def read_text(data: bytes, ctx: ReadContext, *, kind: str = "txt") -> Document:
    raw = decode_bytes(data)
    if looks_binary(raw):
        raise DocumentError(t("inbox.error.not_text"), code="not_text")
    text = finish_text(raw, ctx)
    if not text:
        raise DocumentError(t("inbox.error.no_text"), code="no_text")
    fallback = ctx.name.rsplit(".", 1)[0] or ctx.name
    title = None
    if kind == "md":
        m = _MD_HEADING.search(text)
        if m:
            title = m.group(1).strip(" *_")
    dated = letterhead_date(text)
    return new_document(
        ctx,
        kind=kind,
        data=data,
        title=title or title_from_text(text, fallback),
        text=text,
        published=dated[0] if dated else None,
        meta={"published_precision": dated[1]} if dated else None,
    )
