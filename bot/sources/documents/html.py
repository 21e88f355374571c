"""HTML pages and e-mail bodies: inscriptis keeps « 1<sup>er</sup> avril » readable."""

from __future__ import annotations

import html as html_lib
import re

from inscriptis import get_text
from lxml.etree import LxmlError

from bot.messages import t
from bot.models import Document
from bot.sources.documents.common import (
    MALFORMED,
    ReadContext,
    decode_bytes,
    finish_text,
    letterhead_date,
    looks_binary,
    new_document,
    title_from_text,
)
from bot.sources.documents.errors import DocumentError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.I | re.S)
_AUTHOR = re.compile(r"""<meta\s+name=["']author["']\s+content=["']([^"']+)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")


_HTML_ERRORS: tuple[type[BaseException], ...] = (LxmlError, *MALFORMED)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or page (also used for e-mail bodies)."""
    if not markup.strip():
        return ""
    try:
        return get_text(markup)
    except _HTML_ERRORS as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind="HTML", detail=type(exc).__name__), code="unreadable"
        ) from exc


def read_html(data: bytes, ctx: ReadContext) -> Document:
    m = _META_CHARSET.search(data[:4096])
    markup = decode_bytes(data, m.group(1).decode("ascii", "replace") if m else None)
    if looks_binary(markup):
        raise DocumentError(t("inbox.error.not_text"), code="not_text")
    text = finish_text(html_to_text(markup), ctx)
    if not text:
        raise DocumentError(t("inbox.error.no_text"), code="no_text")
    title = _inner(_TITLE, markup) or _inner(_H1, markup)
    author = _inner(_AUTHOR, markup)
    dated = letterhead_date(text)
    return new_document(
        ctx,
        kind="html",
        data=data,
        title=title or title_from_text(text, ctx.name),
        text=text,
        sender=author,
        published=dated[0] if dated else None,
        meta={"published_precision": dated[1]} if dated else None,
    )


def _inner(pattern: re.Pattern[str], markup: str) -> str | None:
    m = pattern.search(markup[:200_000])
    if not m:
        return None
    text = re.sub(r"\s+", " ", html_lib.unescape(_TAG.sub(" ", m.group(1)))).strip()
    return text[:200] or None
