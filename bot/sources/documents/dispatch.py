"""``read_document``: pick the reader by file type; only ``DocumentError`` comes out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.messages import t
from bot.models import Document
from bot.sources.documents.common import ReadContext, SourceKind, sanitize_filename, suffix_of
from bot.sources.documents.docx import read_docx
from bot.sources.documents.eml import read_eml
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.files import classify, read_beneath
from bot.sources.documents.html import read_html
from bot.sources.documents.limits import DEFAULT_LIMITS, Limits, sizes_apart
from bot.sources.documents.pdf import read_pdf
from bot.sources.documents.text import read_text

log = logging.getLogger(__name__)

Reader = Callable[[bytes, ReadContext], Document]

READERS: dict[str, tuple[str, Reader]] = {
    ".eml": ("eml", read_eml),
    ".pdf": ("pdf", read_pdf),
    ".docx": ("docx", read_docx),
    ".txt": ("txt", read_text),
    ".text": ("txt", read_text),
    ".md": ("md", lambda data, ctx: read_text(data, ctx, kind="md")),
    ".markdown": ("md", lambda data, ctx: read_text(data, ctx, kind="md")),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
}

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(READERS))


# What the first bytes say a file is, whatever its name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # .doc, .xls, Outlook .msg
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!", "archive"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
)


def sniff(data: bytes) -> str | None:
    """The format the content announces by its magic bytes, or None for text-like content."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"  # PDF readers accept junk before the marker
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _by_content(data: bytes, entry: tuple[str, Reader]) -> tuple[str, Reader]:
    """Check the name against the content: PDF bytes named .txt are read as the PDF they
    are, a Word document named .txt as Word; other binary content named as text is
    refused, never posted as garbage. (.pdf and .docx check their own magic.)"""
    kind, _ = entry
    found = sniff(data)
    if kind in ("pdf", "docx") or found is None:
        return entry
    if kind == "eml" and found not in ("pdf", "zip"):  # the e-mail reader says "not an e-mail"
        return entry
    if found == "pdf":
        return READERS[".pdf"]
    if found == "zip" and b"word/" in data[:65_536] + data[-65_557:]:
        return READERS[".docx"]
    raise DocumentError(
        t("inbox.error.mislabelled", kind=kind.upper(), found=found), code="mislabelled"
    )


def _too_large(size: int, limit: int) -> DocumentError:
    shown, bound = sizes_apart(size, limit)
    return DocumentError(t("inbox.error.too_large", size=shown, limit=bound), code="too_large")


def kind_of(name: str) -> str | None:
    """The document kind a file name maps to (``eml``, ``pdf``…), or None if unsupported."""
    entry = READERS.get(suffix_of(name))
    if entry:
        return entry[0]
    return "msg" if suffix_of(name) == ".msg" else None


def is_supported(name: str) -> bool:
    return suffix_of(name) in READERS


def read_bytes(
    data: bytes,
    name: str,
    *,
    source_kind: SourceKind = "inbox",
    source_name: str = "inbox",
    limits: Limits = DEFAULT_LIMITS,
    depth: int = 0,
) -> Document:
    """Read one document from memory. Raises only ``DocumentError`` (French reason)."""
    safe_name = sanitize_filename(name)
    if depth > limits.max_depth:
        raise DocumentError(t("inbox.error.too_deep", limit=limits.max_depth), code="too_deep")
    suffix = suffix_of(safe_name)
    if suffix == ".msg":
        raise DocumentError(t("inbox.error.msg_unavailable"), code="unsupported")
    entry = READERS.get(suffix)
    if entry is None:
        raise DocumentError(
            t(
                "inbox.error.unsupported",
                suffix=suffix or safe_name,
                supported=", ".join(SUPPORTED_SUFFIXES),
            ),
            code="unsupported",
        )
    if not data:
        raise DocumentError(t("inbox.error.empty"), code="empty")
    if len(data) > limits.max_file_bytes:
        raise _too_large(len(data), limits.max_file_bytes)
    kind, reader = _by_content(data, entry)

    def nested(payload: bytes, inner_name: str, inner_depth: int) -> Document:
        return read_bytes(
            payload,
            inner_name,
            source_kind=source_kind,
            source_name=source_name,
            limits=limits,
            depth=inner_depth,
        )

    ctx = ReadContext(
        name=safe_name,
        source_kind=source_kind,
        source_name=source_name,
        limits=limits,
        depth=depth,
        read_nested=nested,
    )
    try:
        return reader(data, ctx)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind=kind.upper(), detail="structure trop profonde"),
            code="unreadable",
        ) from exc
    except MemoryError as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind=kind.upper(), detail="mémoire insuffisante"),
            code="memory",  # the machine's state, not the document's: retried
        ) from exc
    except Exception as exc:
        # Third-party parsers raise a zoo of exceptions on hostile input; the contract is that
        # callers only ever see DocumentError, with the cause kept for the logs.
        log.info("reader %s failed on %s: %r", kind, safe_name, exc)
        raise DocumentError(
            t("inbox.error.unreadable", kind=kind.upper(), detail=type(exc).__name__),
            code="unreadable",
        ) from exc


def read_document(
    path: Path,
    *,
    source_kind: SourceKind = "inbox",
    source_name: str = "inbox",
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
    root: Path | None = None,
) -> Document:
    """Read the file at ``path`` (size checked before anything is loaded).

    ``name`` overrides the file name used to choose the reader (uploads keep their original
    name while stored under another). Sets ``original_path`` to ``path``. With ``root``, the
    file is reached without following any link and must lie under ``root`` (the inbox).
    """
    display = name or path.name
    try:
        if root is not None:
            kind, info = classify(root, path)
            if kind == "missing":
                raise FileNotFoundError(2, "No such file or directory", str(path))
            if kind != "file" or info is None:
                raise DocumentError(t("inbox.error.not_regular"), code="not_regular")
            size = info.st_size
        else:
            size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise _too_large(size, limits.max_file_bytes)
        if size == 0:
            # Checked before the type so that an empty file of any name gets the plain reason.
            raise DocumentError(t("inbox.error.empty"), code="empty")
        if not is_supported(display):
            return read_bytes(
                b"", display, source_kind=source_kind, source_name=source_name, limits=limits
            )
        data = (
            read_beneath(root, path, limits.max_file_bytes)
            if root is not None
            else path.read_bytes()
        )
    except OSError as exc:
        raise DocumentError(
            t("inbox.error.io", detail=exc.strerror or type(exc).__name__), code="io"
        ) from exc
    doc = read_bytes(data, display, source_kind=source_kind, source_name=source_name, limits=limits)
    doc.original_path = path
    return doc
