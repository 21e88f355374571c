"""Bounds on the work a single document may cost (size, pages, decompression, nesting)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MIB
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
    """French human form of a byte count: « 300 Mo », « 5,1 Ko »."""
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            if unit == "octets":
                return f"{int(value)} octets"
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    return f"{size} octets"  # pragma: no cover
