"""Bounds on the work a single document may cost (size, pages, decompression, nesting)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50_000_000
    max_pdf_pages: int = 400
    # Wall-clock budget for PDF text extraction: pypdf is pure Python, a hostile content
    # stream can keep it busy for minutes.
    pdf_seconds: float = 60.0
    max_text_chars: int = 2_000_000
    max_uncompressed_bytes: int = 200 * MIB
    max_compression_ratio: float = 100.0
    max_zip_entries: int = 5_000
    max_attachments: int = 30
    max_depth: int = 3


DEFAULT_LIMITS = Limits()


def human_size(size: int) -> str:
    """A byte count as people read it, in French decimal units: 50,000,000 → « 50 Mo »,
    5,100 → « 5,1 Ko » (a mégaoctet is a million bytes, as the limit is written in
    relais.toml: 50,000,000 was shown « 47,7 Mo »)."""
    for unit, scale in (("Go", 10**9), ("Mo", 10**6), ("Ko", 10**3)):
        if size >= scale:
            text = f"{size / scale:.1f}".rstrip("0").rstrip(".")
            return f"{text.replace('.', ',')} {unit}"
    return f"{size} octets"


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """``size`` and ``limit`` for one message, never shown alike when they differ
    (« 50 Mo ; la limite est de 50 Mo » says nothing): then both in bytes."""
    shown, bound = human_size(size), human_size(limit)
    if shown == bound and size != limit:
        return _bytes(size), _bytes(limit)
    return shown, bound


def _bytes(size: int) -> str:
    return f"{size:,}".replace(",", "\u202f") + " octets"
