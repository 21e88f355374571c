"""PDF documents through pypdf, with bounded work and a clear refusal of encrypted files."""

from __future__ import annotations

import io
import logging
import re
import time
from datetime import UTC, datetime

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

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

log = logging.getLogger(__name__)

_PDF_ERRORS: tuple[type[BaseException], ...] = (PyPdfError, *MALFORMED)

# pypdf logs every recoverable oddity of a damaged file as a warning: keep our logs readable.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# Titles that PDF producers write by themselves and that say nothing about the document.
_NOISE_TITLE = re.compile(
    r"(?i)^(untitled|sans titre|document\d*|microsoft word\s*-.*|.*\.(docx?|pdf|odt))$"
)


def read_pdf(data: bytes, ctx: ReadContext) -> Document:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise DocumentError(t("inbox.error.not_pdf"), code="not_pdf")
    # A file cut short (interrupted copy) has no end-of-file marker; pypdf would otherwise
    # "repair" it and silently return part of the text.
    if b"%%EOF" not in data[-4096:]:
        raise DocumentError(t("inbox.error.pdf_truncated"), code="pdf_truncated", incomplete=True)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt_or_refuse(reader)
        page_count = len(reader.pages)
        pages = _extract_pages(reader, page_count, ctx)
        info = _metadata(reader)
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise DocumentError(t("inbox.error.pdf_encrypted"), code="pdf_encrypted") from exc
    except _PDF_ERRORS as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind="PDF", detail=type(exc).__name__), code="unreadable"
        ) from exc
    text = finish_text("\n\n".join(p for p in pages if p.strip()), ctx)
    if not text:
        raise DocumentError(t("inbox.error.pdf_no_text"), code="pdf_no_text")
    title = info.get("title")
    if not isinstance(title, str) or _NOISE_TITLE.match(title):
        title = title_from_text(text, ctx.name)
    published: datetime | None
    dated = letterhead_date(text)
    precision = None
    if dated:
        published, precision = dated
    else:
        created = info.get("created")
        published = created if isinstance(created, datetime) else None
        precision = "metadata" if published else None
    meta: dict[str, object] = {"pages": page_count}
    if precision:
        meta["published_precision"] = precision
    return new_document(
        ctx,
        kind="pdf",
        data=data,
        title=title,
        text=text,
        sender=author if isinstance(author := info.get("author"), str) else None,
        published=published,
        meta=meta,
    )


def _decrypt_or_refuse(reader: PdfReader) -> None:
    # Many PDFs carry only an owner password (printing/copy restrictions) and open with an
    # empty user password: those are readable. Anything else is refused.
    try:
        result = reader.decrypt("")
    except (FileNotDecryptedError, DependencyError, NotImplementedError, PyPdfError) as exc:
        raise DocumentError(t("inbox.error.pdf_encrypted"), code="pdf_encrypted") from exc
    if not result:
        raise DocumentError(t("inbox.error.pdf_encrypted"), code="pdf_encrypted")


def _extract_pages(reader: PdfReader, page_count: int, ctx: ReadContext) -> list[str]:
    limit = min(page_count, ctx.limits.max_pdf_pages)
    if page_count > limit:
        ctx.warnings.append(f"pages_truncated:{limit}/{page_count}")
    deadline = time.monotonic() + ctx.limits.pdf_seconds
    chars = 0
    pages: list[str] = []
    for index in range(limit):
        if time.monotonic() > deadline:
            ctx.warnings.append(f"time_budget:{index}/{page_count}")
            break
        try:
            page_text = reader.pages[index].extract_text() or ""
        except _PDF_ERRORS as exc:
            # One damaged page should not cost the whole document.
            log.info("pdf %s: page %d unreadable: %r", ctx.name, index + 1, exc)
            ctx.warnings.append(f"page_unreadable:{index + 1}")
            continue
        pages.append(page_text)
        chars += len(page_text)
        if chars > ctx.limits.max_text_chars:
            ctx.warnings.append("text_truncated")
            break
    return pages


def _metadata(reader: PdfReader) -> dict[str, object]:
    out: dict[str, object] = {}
    try:
        meta = reader.metadata
    except _PDF_ERRORS:
        return out
    if meta is None:
        return out
    for key, attr in (("title", "title"), ("author", "author")):
        try:
            value = getattr(meta, attr)
        except _PDF_ERRORS:
            continue
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", value.replace("\x00", "")).strip()
            if value:
                out[key] = value[:200]
    try:
        created = meta.creation_date
    except _PDF_ERRORS:
        created = None
    if isinstance(created, datetime):
        out["created"] = created if created.tzinfo else created.replace(tzinfo=UTC)
    return out
