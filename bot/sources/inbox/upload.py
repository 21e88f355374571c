"""Documents uploaded in Discord (`/document deposer`): the inbox's path, without the folder watch.

The cog only downloads the attachment and shows ``UploadResult.message``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.messages import t
from bot.models import Document
from bot.sources.documents import DocumentError, Limits, read_document, sizes_apart
from bot.sources.documents.common import sanitize_filename
from bot.sources.inbox import layout
from bot.sources.inbox.service import InboxApp, InboxService
from bot.store import communications
from bot.timeutil import utc_now

log = logging.getLogger(__name__)

UploadStatus = Literal["posted", "queued", "duplicate", "failed"]


@dataclass
class UploadResult:
    status: UploadStatus
    message: str  # French, ready to show to the uploader
    communication_id: int | None = None
    link: str | None = None


async def deposit(
    app: InboxApp,
    data: bytes,
    filename: str,
    *,
    uploader: str,
    channel: str | None = None,
    wait_link_seconds: float = 10.0,
) -> UploadResult:
    """Read, relay and file an uploaded document; wait a little for the post's link."""
    settings = app.settings
    limit = settings.config.inbox.max_file_bytes
    if len(data) > limit:
        shown, bound = sizes_apart(len(data), limit)
        return UploadResult("failed", t("inbox.cmd.too_large", size=shown, limit=bound))
    if channel is not None and channel not in settings.config.channels:
        known = ", ".join(sorted(settings.config.channels))
        return UploadResult("failed", t("inbox.cmd.unknown_channel", channel=channel, known=known))
    name = sanitize_filename(filename)
    root = Path(settings.inbox_path)
    folder = layout.month_folder(root, utc_now())
    staged = await asyncio.to_thread(_stage, folder, name, data)
    try:
        doc = await asyncio.to_thread(
            read_document,
            staged,
            source_kind="upload",
            source_name=uploader[:100] or "upload",
            limits=Limits(max_file_bytes=limit),
            name=name,
        )
    except DocumentError as exc:
        await asyncio.to_thread(staged.unlink, missing_ok=True)
        return UploadResult("failed", t("inbox.cmd.failed", reason=exc.reason))
    if channel:
        doc.channels = [channel]
    if await app.pipeline.is_known(doc):
        await asyncio.to_thread(staged.unlink, missing_ok=True)
        row = await app.db.fetchone(
            "SELECT id FROM communications WHERE scope = 'file' AND external_id = ?",
            (doc.external_id,),
        )
        existing = int(row["id"]) if row else None
        link = await communications.post_link(app.db, existing) if existing else None
        message = t("inbox.cmd.duplicate_link", link=link) if link else t("inbox.cmd.duplicate")
        return UploadResult("duplicate", message, existing, link)
    if doc.kind == "eml" and doc.attachments:
        await asyncio.to_thread(InboxService._save_attachments, doc, staged)
    try:
        result = await app.pipeline.relay(doc)
    except Exception as exc:
        # Nothing was stored (one transaction): drop the staged copy so that the same file
        # can be uploaded again, and tell the uploader rather than leave them waiting.
        log.exception("upload: relay failed for %s", name)
        await asyncio.to_thread(_discard, staged, doc)
        return UploadResult(
            "failed",
            t("inbox.cmd.failed", reason=t("inbox.error.internal", detail=type(exc).__name__)),
        )
    comm_id = getattr(result, "communication_id", None)
    if comm_id is None:
        return UploadResult("duplicate", t("inbox.cmd.duplicate"))
    link = await wait_for_link(app, comm_id, wait_link_seconds)
    if link:
        return UploadResult("posted", t("inbox.cmd.posted", link=link), comm_id, link)
    key = doc.channels[0] if doc.channels else await _stored_channel(app, comm_id)
    shown = app.settings.config.channels.get(key, key).lstrip("#")
    return UploadResult("queued", t("inbox.cmd.queued", channel=shown), comm_id)


async def _stored_channel(app: InboxApp, comm_id: int) -> str:
    row = await app.db.fetchone("SELECT channel FROM communications WHERE id = ?", (comm_id,))
    return str(row["channel"]) if row else "?"


async def wait_for_link(app: InboxApp, communication_id: int, seconds: float) -> str | None:
    """The Discord link of the post once the outbox worker has sent it (None if not yet)."""
    deadline = time.monotonic() + seconds
    while True:
        link = await communications.post_link(app.db, communication_id)
        if link or time.monotonic() >= deadline:
            return link
        await asyncio.sleep(0.25)


def _discard(staged: Path, doc: Document) -> None:
    staged.unlink(missing_ok=True)
    pieces = staged.parent / f"{staged.stem}.pieces-jointes"
    if doc.attachments and pieces.is_dir():
        shutil.rmtree(pieces, ignore_errors=True)


def _stage(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = layout.unique_path(folder, name)
    path.write_bytes(data)
    return path
