"""Fixtures for the announcements tests: a started service over the suite's real App
(tests/conftest.py), drafts, communications and outbox rows written as Relais writes them."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from bot.announcements.draft import Draft
from bot.announcements.service import AnnouncementService
from bot.app import App
from bot.store import outbox
from bot.store.communications import NewCommunication, insert
from bot.store.db import Database
from bot.timeutil import to_iso


def draft(**kw: object) -> Draft:
    """A valid announcement for general; ``kw`` changes what a test is about."""
    values: dict[str, object] = {
        "title": "Assemblée générale",
        "body": "Bonjour,\n\nL’assemblée aura lieu au local habituel.",
        "channels": ["general"],
    }
    values.update(kw)
    return Draft(**values)  # type: ignore[arg-type]


@pytest.fixture
async def service(app: App) -> AsyncIterator[AnnouncementService]:
    app.scheduler.start()
    svc = AnnouncementService(app)
    await svc.start()
    app.clock.start()
    try:
        yield svc
    finally:
        await svc.stop()


async def add_communication(
    db: Database,
    *,
    title: str,
    text: str,
    source_name: str = "msss",
    summary: list[str] | None = None,
    created_at: datetime | None = None,
    published: datetime | None = None,
    with_button: bool = True,
    sent_url: str | None = None,
) -> int:
    """A relayed communication as the pipeline leaves it: the row and its outbox row."""
    from bot.models import Button, Embed, Post

    async with db.transaction() as conn:
        comm_id = await insert(
            conn,
            NewCommunication(
                scope=f"feed:{source_name}",
                external_id=f"{title}:{time.monotonic_ns()}",
                source_kind="feed",
                source_name=source_name,
                kind="rss",
                title=title,
                text=text,
                channel="msss",
                summary=summary or [],
                published=published,
                link="https://www.msss.gouv.qc.ca/x",
            ),
        )
        assert comm_id is not None
        if created_at is not None:
            await conn.execute(
                "UPDATE communications SET created_at = ? WHERE id = ?",
                (to_iso(created_at), comm_id),
            )
        buttons = [Button(custom_id=f"follow:take:{comm_id}", label="Pris en charge")]
        post = Post(channel="msss", embeds=[Embed(title=title)],
                    buttons=buttons if with_button else [])
        row = await outbox.enqueue(conn, post, kind="communication", communication_id=comm_id)
        if sent_url is not None:
            await conn.execute(
                "UPDATE outbox SET status = 'sent', message_url = ?, message_id = '1',"
                " channel_id = '2' WHERE id = ?",
                (sent_url, row),
            )
    return comm_id


async def outbox_payloads(db: Database, kind: str) -> list[dict[str, object]]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = ? ORDER BY id", (kind,))
    return [json.loads(r["payload"]) for r in rows]

