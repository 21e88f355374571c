"""Document readers: e-mail, PDF, Word, text, HTML -> ``bot.models.Document``.

Only ``DocumentError`` (with a French reason) ever comes out of a reader.
"""

from bot.sources.documents.dispatch import (
    SUPPORTED_SUFFIXES,
    is_supported,
    kind_of,
    read_bytes,
    read_document,
)
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.limits import DEFAULT_LIMITS, Limits, human_size, sizes_apart

__all__ = [
    "DEFAULT_LIMITS",
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "Limits",
    "human_size",
    "is_supported",
    "kind_of",
    "read_bytes",
    "read_document",
    "sizes_apart",
]
