"""Word documents (.docx): body paragraphs and tables in order, headers, with a zip-bomb guard."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from lxml import etree
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
    KeyError,
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = _Budget(ctx.limits.max_uncompressed_bytes)
            names = {i.filename for i in archive.infolist()}
            body = _Body()
            _stream_part(archive, "word/document.xml", budget, body)
            header_lines = _header_lines(archive, names, budget)
            core = _core_properties(archive, names, budget)
    except DocumentError:
        raise
    except _DOCX_ERRORS as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind="Word", detail=type(exc).__name__), code="unreadable"
        ) from exc
    body_lines = body.lines
    core_title = core.get("title", "").strip()
    author = core.get("creator", "").strip()
    created = _parse_created(core.get("created", ""))
    headings = body.headings
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
        title=title,
        text=text,
        sender=None if author.lower() in _GENERIC_AUTHORS else author[:200],
        published=published,
        meta=meta,
    )


# --------------------------------------------------------------------------- streaming
#
# The document's XML is read as a stream of events, never as a whole tree: a 14 MB .docx
# holds ~150 MB of XML, which python-docx turned into 1.4 GB of objects and 58 s. Members
# are inflated in bounded chunks against a budget whatever the zip's directory declares
# (zipfile inflates a whole member in one read() otherwise), and the parser never loads a
# DTD, never expands an entity and never reaches the network.

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHUNK = 64 * 1024
_HEADING_STYLE = re.compile(r"(?i)^(heading|titre|title)")


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise DocumentError(
                t(
                    "inbox.error.zip_bomb",
                    size=f"plus de {human_size(self.limit)}",
                    limit=human_size(self.limit),
                    ratio="?",
                ),
                code="zip_bomb",
            )


class _ChunkedMember(io.RawIOBase):
    """A zip member read 64 KiB at a time, each chunk charged to the budget."""

    def __init__(self, handle: IO[bytes], budget: _Budget) -> None:
        self._handle = handle
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._handle.read(min(len(buffer), _CHUNK))
        self._budget.take(len(chunk))
        if _DTD in chunk[:4096] or b"<!ENTITY" in chunk:
            raise DocumentError(t("inbox.error.not_docx"), code="not_docx")
        buffer[: len(chunk)] = chunk
        return len(chunk)


_DTD = b"<!DOCTYPE"


def _events(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[tuple[str, Any]]:
    with archive.open(name) as handle:
        stream = io.BufferedReader(_ChunkedMember(handle, budget), _CHUNK)
        yield from etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
        )


class _Body:
    """Lines of a part: paragraphs in order, a table row as its cells joined by « | »."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.headings: list[str] = []
        self._paragraph: list[str] | None = None
        self._style = ""
        self._tables = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def start(self, tag: str, elem: Any) -> None:
        if tag == "p":
            self._paragraph = []
            self._style = ""
        elif tag == "tbl":
            self._tables += 1
        elif tag == "tr" and self._tables == 1:
            self._row = []
        elif tag == "tc" and self._tables == 1:
            self._cell = []

    def end(self, tag: str, elem: Any) -> None:
        if tag == "t" and self._paragraph is not None:
            self._paragraph.append(elem.text or "")
        elif tag == "tab" and self._paragraph is not None:
            self._paragraph.append("\t")
        elif tag in ("br", "cr") and self._paragraph is not None:
            self._paragraph.append("\n")
        elif tag == "pStyle":
            self._style = elem.get(W + "val") or ""
        elif tag == "p" and self._paragraph is not None:
            text = "".join(self._paragraph)
            self._paragraph = None
            if self._cell is not None:
                if text.strip():
                    self._cell.append(text.strip())
            elif self._tables == 0:
                self.lines.append(text)
                if _HEADING_STYLE.match(self._style) and text.strip() and len(self.headings) < 5:
                    self.headings.append(text.strip())
        elif tag == "tc" and self._tables == 1 and self._cell is not None:
            content = " ".join(self._cell)
            self._cell = None
            if content and self._row is not None:
                self._row.append(content)
        elif tag == "tr" and self._tables == 1 and self._row is not None:
            if self._row:
                self.lines.append(" | ".join(self._row))
            self._row = None
        elif tag == "tbl":
            self._tables -= 1
        if tag in ("p", "tbl", "tr"):
            elem.clear()  # keep memory flat: what is read is dropped


def _stream_part(archive: zipfile.ZipFile, name: str, budget: _Budget, sink: _Body) -> None:
    for event, elem in _events(archive, name, budget):
        tag = elem.tag
        if not isinstance(tag, str) or not tag.startswith(W):
            continue
        local = tag[len(W) :]
        if event == "start":
            sink.start(local, elem)
        else:
            sink.end(local, elem)
            if local in ("p", "tbl") and elem.getparent() is not None:
                # Drop the siblings already read, too (lxml keeps them otherwise).
                parent = elem.getparent()
                while elem.getprevious() is not None:
                    del parent[0]


def _header_lines(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for name in sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n)):
        body = _Body()
        _stream_part(archive, name, budget, body)
        for line in body.lines:
            key = line.strip()
            if key and key not in seen:
                seen.add(key)
                lines.append(key)
    return lines


def _core_properties(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> dict[str, str]:
    out: dict[str, str] = {}
    if "docProps/core.xml" not in names:
        return out
    for event, elem in _events(archive, "docProps/core.xml", budget):
        if event != "end" or not isinstance(elem.tag, str):
            continue
        local = elem.tag.rsplit("}", 1)[-1]
        if local in ("title", "creator", "created") and elem.text:
            out[local] = elem.text[:500]
    return out


def _parse_created(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
