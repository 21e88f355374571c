"""Helpers shared by the readers: context, decoding, titles, letterhead dates, file names."""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from charset_normalizer import from_bytes

from bot.messages import t
from bot.models import Document
from bot.safe_text import cut
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.limits import DEFAULT_LIMITS, Limits
from bot.text import clean_text
from bot.timeutil import MONTREAL

SourceKind = Literal["feed", "inbox", "upload"]

# What parsers raise on malformed input (beyond their own error types): decoding, lookups,
# arithmetic on garbage numbers, truncated compressed streams, runaway nesting.
MALFORMED: tuple[type[BaseException], ...] = (
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    EOFError,
    OSError,
    RecursionError,
    NotImplementedError,
    zlib.error,
    struct.error,
)

# Labels that mean "Latin-1" in practice are nearly always Windows-1252 (’ – œ live in the
# 0x80-0x9F range that Latin-1 maps to control characters).
LATIN1_LABELS = frozenset(
    {
        "iso-8859-1",
        "iso8859-1",
        "iso_8859-1",
        "latin-1",
        "latin1",
        "l1",
        "cp819",
        "ibm819",
        "us-ascii",
        "ascii",
        "iso-ir-100",
        "csisolatin1",
    }
)


@dataclass
class ReadContext:
    """What a reader needs besides the bytes: where the document comes from and its bounds."""

    name: str  # file name, already safe to show
    source_kind: SourceKind = "inbox"
    source_name: str = "inbox"
    limits: Limits = DEFAULT_LIMITS
    depth: int = 0
    # Reads an attachment (bytes, file name) with the same dispatcher; set by the dispatcher.
    read_nested: Callable[[bytes, str, int], Document] | None = None
    warnings: list[str] = field(default_factory=list)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def codec_for(label: str | None) -> str | None:
    """A Python codec name for a charset label, with Latin-1 read as Windows-1252."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    if label in LATIN1_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in {"latin_1", "iso8859-1", "ascii"} else name


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text of unknown encoding: BOM, then the declared label, UTF-8, a guess, cp1252.

    Raises ``DocumentError`` when the bytes do not look like text at all.
    """
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(bom_codec)
            except UnicodeDecodeError:
                break
    codec = codec_for(declared)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    # French legacy text is Windows-1252 far more often than anything a guesser proposes
    # (charset-normalizer reads « à » in cp1252 as cp1250 « ŕ »).
    try:
        legacy = data.decode("cp1252")
    except UnicodeDecodeError:
        legacy = None
    if legacy is not None and not looks_binary(legacy):
        return legacy
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        guessed = codec_for(best.encoding) or "cp1252"
        try:
            return data.decode(guessed)
        except (UnicodeDecodeError, LookupError):
            pass
    if data.count(b"\x00") > len(data) // 100:
        raise DocumentError(t("inbox.error.not_text"), code="not_text")
    return data.decode("cp1252", errors="replace")


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: mostly-ASCII text puts NUL in every other byte."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be"
    return None


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary file named .txt)."""
    sample = text[:20_000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} and ch not in "\n\r\t\f"
    )
    return bad > len(sample) * 0.05


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")
# Names Windows reserves for devices, whatever the extension (« CON.txt » cannot be opened on
# a Windows share).
_RESERVED_STEM = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$")
# File names are at most 255 bytes on Linux file systems and SMB shares. Stay well below so
# that the suffixes Relais adds (« -2 », « .erreur.txt », « .pieces-jointes ») always fit.
MAX_NAME_BYTES = 180


def sanitize_filename(name: str | None, fallback: str = "document") -> str:
    """A bare file name safe to create in a folder, here or on a Windows share.

    No directories (``../../etc/passwd`` becomes ``passwd``), no control characters, none of
    the characters Windows forbids (replaced by ``_``), no trailing dots or spaces, no device
    names, no undecodable bytes, and at most ``MAX_NAME_BYTES`` bytes of UTF-8 (the extension
    kept). Names made only of dots or nothing become the fallback.
    """
    if not name:
        return fallback
    base = re.split(r"[\\/]", name)[-1]
    # Undecodable bytes in a name on disk come back as lone surrogates: they cannot be
    # stored as UTF-8 (SQLite, JSON, Discord), so they are replaced.
    base = "".join("_" if "\ud800" <= ch <= "\udfff" else ch for ch in base)
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE_NAME.sub("_", base).strip().lstrip(".").strip()
    base = base.rstrip(". ")
    if not base or set(base) <= {".", "_", " "}:
        return fallback
    if _RESERVED_STEM.match(base.split(".")[0].strip()):
        base = "_" + base
    return _bound_bytes(base)


def _bound_bytes(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """Shorten ``name`` to ``limit`` bytes of UTF-8, keeping a short extension."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = "." + ext if dot and stem and len(ext.encode("utf-8")) <= 10 else ""
    if not suffix:
        stem = name
    room = limit - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return (cut or "document") + suffix


def suffix_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def finish_text(raw: str, ctx: ReadContext) -> str:
    """Clean extracted text and bound its length."""
    text = raw.replace("\x00", "")
    if len(text) > ctx.limits.max_text_chars:
        text = text[: ctx.limits.max_text_chars]
        ctx.warnings.append("text_truncated")
    return clean_text(text)


def title_from_text(text: str, fallback: str) -> str:
    """The first heading-like line: an « Objet : » line, else the first meaningful line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines[:40]:
        m = re.match(r"(?i)^\**\s*(objet|sujet|subject|re)\s*:\s*(.+?)\**$", line)
        if m and len(m.group(2).strip()) > 3:
            return _shorten(m.group(2).strip(" *"))
    for line in lines[:10]:
        stripped = line.lstrip("#").strip(" *_=-")
        if (
            len(stripped) >= 3
            and not _LETTERHEAD_DATE.match(stripped)
            and any(c.isalpha() for c in stripped)
        ):
            return _shorten(stripped)
    return fallback


def _shorten(text: str, limit: int = 200) -> str:
    return cut(" ".join(text.split()), limit)


_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "février": 2,
    "fevrier": 2,
    "févr": 2,
    "fevr": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "décembre": 12,
    "decembre": 12,
    "déc": 12,
    "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_CORE = (
    rf"(?P<day>[0-3]?\d)\s*(?:er|ᵉʳ)?\s+(?P<month>{_MONTH_RE})\.?\s+(?P<year>(?:19|20)\d\d)"
)
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
# A line that is only a date, optionally « Québec, le … », « Le … », « Date : … ».
_LETTERHEAD_DATE = re.compile(
    rf"(?i)^\W*(?:[A-ZÀ-Ý][\w'’ .-]{{0,40}},\s*)?(?:date\s*:\s*)?(?:le\s+)?(?:{_WEEKDAY}\s+)?"
    rf"{_DATE_CORE}\W*$"
)
_MONTH_HEADING = re.compile(rf"(?i)^\W*(?P<month>{_MONTH_RE})\.?\s+(?P<year>(?:19|20)\d\d)\W*$")


def letterhead_date(text: str) -> tuple[datetime, str] | None:
    """The document's own date when its head carries one (« Québec, le 13 janvier 2021 »).

    Returns (midnight Montréal time in UTC, precision "day"/"month"), or None. Only whole
    lines near the top count: a date inside a sentence or a list is an event, not the
    document's date.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines[:10]:
        m = _LETTERHEAD_DATE.match(line)
        if m:
            built = _build(
                int(m.group("year")), _MONTHS[m.group("month").lower()], int(m.group("day"))
            )
            if built:
                return built, "day"
    for line in lines[:40]:
        m = _MONTH_HEADING.match(line)
        if m:
            built = _build(int(m.group("year")), _MONTHS[m.group("month").lower()], 1)
            if built:
                return built, "month"
    return None


def _build(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=MONTREAL).astimezone(UTC)
    except ValueError:
        return None


def new_document(
    ctx: ReadContext,
    *,
    kind: str,
    data: bytes,
    title: str,
    text: str,
    sender: str | None = None,
    published: datetime | None = None,
    attachments: list[Document] | None = None,
    meta: dict[str, object] | None = None,
) -> Document:
    all_meta: dict[str, object] = {"filename": ctx.name, "size": len(data)}
    if ctx.warnings:
        all_meta["warnings"] = list(ctx.warnings)
    all_meta.update(meta or {})
    return Document(
        source_kind=ctx.source_kind,
        source_name=ctx.source_name,
        kind=kind,
        title=_shorten(title),  # one line, at most 200 characters, whatever the reader found
        text=text,
        external_id=sha256_hex(data),
        sender=sender,
        published=published.astimezone(UTC) if published else None,
        attachments=list(attachments or []),
        meta=all_meta,
    )
