"""E-mails (.eml): subject, sender, date and body; each attachment read as its own document."""

from __future__ import annotations

import email
import email.errors
import mimetypes
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from bot.messages import t
from bot.models import Document
from bot.sources.documents.common import (
    MALFORMED,
    ReadContext,
    codec_for,
    decode_bytes,
    finish_text,
    new_document,
    sanitize_filename,
    title_from_text,
)
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.html import html_to_text
from bot.sources.documents.limits import DEFAULT_LIMITS

_KNOWN_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "received",
    "cc",
    "reply-to",
    "return-path",
    "sender",
}
# Forwarding/reply prefixes added by mail clients (Outlook writes « TR : » in French).
_PREFIX = re.compile(r"^\s*((re|tr|fw|fwd|réf|ref)\s*:\s*)+", re.IGNORECASE)


def read_eml(data: bytes, ctx: ReadContext) -> Document:
    try:
        return _read_eml(data, ctx)
    except MALFORMED as exc:
        raise DocumentError(
            t("inbox.error.unreadable", kind="courriel", detail=type(exc).__name__),
            code="unreadable",
        ) from exc


def _read_eml(data: bytes, ctx: ReadContext) -> Document:
    msg = _parse(data)
    if msg.is_multipart() and any(
        isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in msg.defects
    ):
        # No closing MIME boundary: the copy of this e-mail is still in progress (or was cut).
        raise DocumentError(t("inbox.error.eml_truncated"), code="eml_truncated", incomplete=True)
    # An e-mail forwarded 200 times nests 200 messages: reading (or re-serialising) them all
    # recursed past Python's limit and lost the whole e-mail. Messages beyond the depth limit
    # are replaced by a note naming them: read to the limit, the rest listed.
    too_deep = _prune(msg, ctx.limits.max_depth - ctx.depth)
    subject = _header(msg, "subject")
    sender = _sender(msg)
    published = _date(msg)
    body_part, body = _body(msg)
    attachments: list[Document] = []
    skipped: list[str] = []
    failed: list[dict[str, str]] = []
    for index, (name, payload) in enumerate(_attachment_parts(msg, body_part)):
        if index >= ctx.limits.max_attachments:
            ctx.warnings.append(f"attachments_truncated:{ctx.limits.max_attachments}")
            break
        if ctx.read_nested is None:
            skipped.append(name)
            continue
        try:
            attachment = ctx.read_nested(payload, name, ctx.depth + 1)
        except DocumentError as exc:
            if exc.code == "unsupported":
                skipped.append(name)
            else:
                failed.append({"name": name, "error": exc.reason, "code": exc.code})
            continue
        attachment.meta["part_index"] = index
        attachment.meta.setdefault("filename", name)
        attachments.append(attachment)
        # What a forwarded message could not read is reported with the outer e-mail.
        for item in attachment.meta.get("attachment_errors") or []:
            failed.append(item)
        too_deep.extend(attachment.meta.get("nested_not_read") or [])
    text = finish_text(body, ctx)
    title = _PREFIX.sub("", subject or "").strip() or title_from_text(text, ctx.name)
    if not text:
        if not subject and not attachments:
            raise DocumentError(t("inbox.error.no_text"), code="no_text")
        text = title
    meta: dict[str, object] = {}
    if too_deep:
        meta["nested_not_read"] = too_deep
    if skipped:
        meta["skipped_attachments"] = skipped
    if failed:
        meta["attachment_errors"] = failed
    message_id = _header(msg, "message-id")
    if message_id:
        meta["message_id"] = message_id[:300]
    return new_document(
        ctx,
        kind="eml",
        data=data,
        title=title,
        text=text,
        sender=sender,
        published=published,
        attachments=attachments,
        meta=meta,
    )


def _prune(msg: Message, levels: int) -> list[str]:
    """Replace the messages nested deeper than ``levels`` by a short note; their subjects.

    Walks the tree with a stack (no recursion), so any depth is fine.
    """
    pruned: list[str] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, level = stack.pop()
        payload = part.get_payload()
        if not isinstance(payload, list):
            continue
        if part.get_content_type() == "message/rfc822":
            inner = payload[0] if payload and isinstance(payload[0], Message) else None
            if inner is None:
                continue
            if level + 1 > levels:
                subject = _decode_header_value(str(inner.get("subject", "") or ""))[:200]
                pruned.append(subject or "(sans objet)")
                note = EmailMessage()
                note["Subject"] = subject or "(sans objet)"
                note.set_content(t("inbox.eml.too_deep", subject=subject or "(sans objet)"))
                part.set_payload([note])
                continue
            stack.append((inner, level + 1))
            continue
        for sub in payload:
            if isinstance(sub, Message):
                stack.append((sub, level))
    return pruned


def save_attachments(doc: Document, data: bytes, folder: Path) -> None:
    """Write the attachments of an e-mail read by ``read_eml`` into ``folder`` and set each
    attachment's ``original_path``. Names are sanitised again and made unique here, so a
    hostile name (``../../etc/passwd``) can only ever land inside ``folder``.
    """
    wanted = {a.meta.get("part_index"): a for a in doc.attachments}
    if not wanted:
        return
    msg = _parse(data)
    _prune(msg, DEFAULT_LIMITS.max_depth)  # the same tree read_eml read (same part indexes)
    body_part, _ = _body(msg)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for index, (name, payload) in enumerate(_attachment_parts(msg, body_part)):
        attachment = wanted.get(index)
        if attachment is None:
            continue
        target = _unique(root / sanitize_filename(name, f"piece-jointe-{index + 1}"))
        if target.resolve().parent != root:  # belt and braces: never write outside folder
            continue
        target.write_bytes(payload)
        attachment.original_path = target


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    return path.with_name(f"{path.stem}-{id(path)}{path.suffix}")


def _parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    names = {k.lower() for k, _ in msg.raw_items()}
    if not names & _KNOWN_HEADERS:
        raise DocumentError(t("inbox.error.not_email"), code="not_email")
    assert isinstance(msg, EmailMessage)
    return msg


def _decode_header_value(raw: str) -> str:
    raw = re.sub(r"\r?\n[ \t]+", " ", raw)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # 8-bit bytes in a header (no encoded word): UTF-8 if it is, else Windows-1252.
        blob = raw.encode("utf-8", "surrogateescape")
        try:
            raw = blob.decode("utf-8")
        except UnicodeDecodeError:
            raw = blob.decode("cp1252", "replace")
    try:
        chunks = decode_header(raw)
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return raw.strip()
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        elif charset is None:
            parts.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            codec = codec_for(charset) or "utf-8"
            try:
                parts.append(chunk.decode(codec))
            except (UnicodeDecodeError, LookupError):
                parts.append(chunk.decode("cp1252", "replace"))
    text = "".join(parts)
    return re.sub(r"[\x00-\x1f\x7f]+", " ", re.sub(r"\s+", " ", text)).strip()


def _header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name and isinstance(value, str):
            decoded = _decode_header_value(value)
            return decoded or None
    return None


def _sender(msg: Message) -> str | None:
    raw = _header(msg, "from") or _header(msg, "sender")
    if not raw:
        return None
    name, address = parseaddr(raw)
    name = name.strip().strip('"')
    if name and address:
        return f"{name} <{address}>"[:200]
    return (name or address or raw)[:200]


def _date(msg: Message) -> datetime | None:
    raw = _header(msg, "date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": zone unknown; RFC 5322 says treat as UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _decode_part(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except (ValueError, LookupError, UnicodeError):
        charset = None
    try:
        return decode_bytes(payload, charset)
    except DocumentError:
        return ""


def _body(msg: EmailMessage) -> tuple[Message | None, str]:
    """The body part and its plain text: text/plain preferred, HTML converted otherwise."""
    candidates: list[Message] = []
    for preference in (("plain",), ("html",)):
        try:
            part = msg.get_body(preferencelist=preference)
        except (KeyError, ValueError, TypeError, AttributeError, IndexError):
            part = None
        if part is not None:
            candidates.append(part)
    if not candidates and not msg.is_multipart() and msg.get_content_maintype() == "text":
        candidates.append(msg)
    for candidate in candidates:
        text = _decode_part(candidate)
        if candidate.get_content_subtype() == "html":
            text = html_to_text(text)
        if text.strip():
            return candidate, text
    return (candidates[0] if candidates else None), ""


def _attachment_parts(msg: Message, body: Message | None) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each attachment, in order; the body and containers excluded."""
    number = 0
    for part in _walk(msg):
        if part is msg or part is body:
            continue
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                number += 1
                inner_name = _filename(part) or f"message-joint-{number}.eml"
                try:
                    blob = inner[0].as_bytes(policy=policy.default)
                except (ValueError, TypeError, LookupError, UnicodeError, AttributeError):
                    continue
                yield sanitize_filename(inner_name, f"message-joint-{number}.eml"), blob
            continue
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        name = _filename(part)
        if disposition != "attachment" and not name:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        number += 1
        if not name:
            ext = mimetypes.guess_extension(content_type) or ".bin"
            name = f"piece-jointe-{number}{ext}"
        yield sanitize_filename(name, f"piece-jointe-{number}"), payload


def _walk(part: Message, depth: int = 0) -> Iterator[Message]:
    # Unlike Message.walk, do not descend into attached messages: they are read whole, as
    # their own document, by the recursive reader.
    yield part
    if depth > 50 or part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _walk(sub, depth + 1)


def _filename(part: Message) -> str | None:
    try:
        name: str | None = part.get_filename()
    except (ValueError, TypeError, LookupError, UnicodeError, AttributeError, IndexError):
        return None
    if not name:
        return None
    return _decode_header_value(name) if "=?" in name else name
