"""Word documents (.docx): body paragraphs and tables in order, headers, with a zip-bomb guard."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import docx as python_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from bot.messages import t
from bot.models import Document
from bot.sources.documents.common import (
    MALFORMED,
    ReadContext,
    finish_text,
    letterhead_date,
    new_document,
    title_from_text,
)
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.limits import human_size

_GENERIC_AUTHORS = {
    "",
    "python-docx",
    "utilisateur windows",
    "windows user",
    "microsoft office user",
    "utilisateur de microsoft office",
    "auteur",
    "author",
    "admin",
    "user",
}


_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    *MALFORMED,
)
_DOCX_ERRORS: tuple[type[BaseException], ...] = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    LxmlError,
    *MALFORMED,
)


def check_zip(data: bytes, ctx: ReadContext) -> None:
    """Refuse archives whose declared content is too large, too many, or too compressed.

    zipfile stops reading an entry at its declared size, so the declared sizes bound the
    work python-docx can be made to do.
    """
    if _zip_start(data) and data.rfind(b"PK\x05\x06", -65_557) < 0:
        # A zip starts with its first member and ends with its directory: no directory at
        # the end means the copy is still in progress (or was cut short).
        raise DocumentError(t("inbox.error.zip_truncated"), code="zip_truncated", incomplete=True)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise DocumentError(t("inbox.error.not_docx"), code="not_docx") from exc
    limits = ctx.limits
    if len(infos) > limits.max_zip_entries:
        raise DocumentError(t("inbox.error.not_docx"), code="not_docx")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    ratio = total / max(packed, 1)
    worst = max(
        (i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1_000_000),
        default=0.0,
    )
    if total > limits.max_uncompressed_bytes or worst > limits.max_compression_ratio:
        raise DocumentError(
            t(
                "inbox.error.zip_bomb",
                size=human_size(total),
                limit=human_size(limits.max_uncompressed_bytes),
                ratio=f"{max(ratio, worst):.0f}:1",
            ),
            code="zip_bomb",
        )
    if not any(i.filename == "word/document.xml" for i in infos):
        raise DocumentError(t("inbox.error.not_docx"), code="not_docx")


def _zip_start(data: bytes) -> bool:
    """A real first zip member (sane local header, printable name), not junk after « PK »."""
    if len(data) < 30 or not data.startswith(b"PK\x03\x04"):
        return False
    method, name_length = (
        struct.unpack_from("<H", data, 8)[0],
        struct.unpack_from("<H", data, 26)[0],
    )
    name = data[30 : 30 + name_length]
    return (
        method in (0, 8)
        and 0 < name_length <= 512
        and len(name) == name_length
        and all(32 <= b < 127 for b in name)
    )


def read_docx(data: bytes, ctx: ReadContext) -> Document:
    check_zip(data, ctx)
    try:
        document = python_docx.Document(io.BytesIO(data))
        header_lines = _header_lines(document)
        body_lines = list(_block_lines(document.iter_inner_content()))
        props = document.core_properties
        core_title = (props.title or "").strip()
        author = (props.author or "").strip()
        created = props.created
        headings = _headings(document)
    except _DOCX_ERRORS as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind="Word", detail=type(exc).__name__), code="unreadable"
        ) from exc
    raw = "\n".join(header_lines + ([""] if header_lines else []) + body_lines)
    text = finish_text(raw, ctx)
    if not text:
        raise DocumentError(t("inbox.error.no_text"), code="no_text")
    body_text = finish_text("\n".join(body_lines), ctx) or text
    title = (
        core_title or (headings[0] if headings else None) or title_from_text(body_text, ctx.name)
    )
    dated = letterhead_date(body_text) or letterhead_date(text)
    published: datetime | None = dated[0] if dated else None
    meta: dict[str, object] = {}
    if dated:
        meta["published_precision"] = dated[1]
    elif isinstance(created, datetime):
        published = created if created.tzinfo else created.replace(tzinfo=UTC)
        meta["published_precision"] = "metadata"
    return new_document(
        ctx,
        kind="docx",
        data=data,
        title=title[:200],
        text=text,
        sender=None if author.lower() in _GENERIC_AUTHORS else author[:200],
        published=published,
        meta=meta,
    )


def _block_lines(blocks: Iterable[Any], depth: int = 0) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table) and depth < 5:
            yield from _table_lines(block, depth)


def _table_lines(table: Table, depth: int) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # Merged cells come back once per grid column: keep each once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            content = " ".join(
                line.strip()
                for line in _block_lines(cell.iter_inner_content(), depth + 1)
                if line.strip()
            )
            if content:
                cells.append(content)
        if cells:
            yield " | ".join(cells)


def _header_lines(document: Any) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            # A linked header has no content of its own (and reading it would create one).
            if header.is_linked_to_previous:
                continue
            for line in _block_lines(header.iter_inner_content()):
                key = line.strip()
                if key and key not in seen:
                    seen.add(key)
                    lines.append(key)
    return lines


def _headings(document: Any) -> list[str]:
    found = []
    for paragraph in document.paragraphs[:60]:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if (
            style.startswith("Heading") or style.startswith("Titre") or style == "Title"
        ) and paragraph.text.strip():
            found.append(paragraph.text.strip())
    return found
