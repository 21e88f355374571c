from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.models import Document, Post
from bot.relay.pipeline import Pipeline
from bot.store import outbox
from bot.store.db import Database
from tests.helpers import make_settings


def _doc(external_id: str = "item-1", **kw: object) -> Document:
    base: dict[str, object] = {
        "source_kind": "feed",
        "source_name": "MSSS",
        "kind": "rss",
        "title": "Consultation sur la convention PSOC",
        "text": "Le ministère annonce une consultation. Elle se tiendra du 23 novembre au 11 décembre 2026.",
        "external_id": external_id,
        "published": datetime(2026, 11, 16, 19, tzinfo=UTC),
    }
    base.update(kw)
    return Document(**base)  # type: ignore[arg-type]


async def test_relay_writes_communication_and_outbox_row_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = await Database.open(settings.database_path)
    pipeline = Pipeline(db, settings)
    woken: list[int] = []
    pipeline.on_enqueued(lambda: woken.append(1))
    first = await pipeline.relay(_doc())
    assert not first.duplicate and first.communication_id is not None and len(first.outbox_ids) == 1
    again = await pipeline.relay(_doc())
    assert again.duplicate and again.outbox_ids == []
    rows = await db.fetchall("SELECT channel, payload, communication_id FROM outbox")
    assert len(rows) == 1 and woken == [1]
    post = Post.from_json(rows[0]["payload"])
    assert rows[0]["channel"] == "psoc"  # routing rule on « PSOC »
    assert post.embeds[0].title == "Consultation sur la convention PSOC"
    comm = await db.fetchone("SELECT title, summary_json FROM communications")
    assert comm is not None
    summary = json.loads(comm["summary_json"])
    assert summary and all(sentence in _doc().text for sentence in summary)
    await db.close()


async def test_same_item_in_two_feeds_is_two_communications(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = await Database.open(settings.database_path)
    pipeline = Pipeline(db, settings)
    assert not (await pipeline.relay(_doc(source_name="A"))).duplicate
    assert not (await pipeline.relay(_doc(source_name="B"))).duplicate
    # files are unique by content wherever they come from
    file_doc = _doc(source_kind="inbox", source_name="inbox", kind="txt", external_id="sha")
    assert not (await pipeline.relay(file_doc)).duplicate
    upload = _doc(source_kind="upload", source_name="staff", kind="txt", external_id="sha")
    assert (await pipeline.relay(upload)).duplicate
    await db.close()


async def test_explicit_channels_and_several_targets(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = await Database.open(settings.database_path)
    pipeline = Pipeline(db, settings)
    result = await pipeline.relay(_doc(channels=["general", "msss"], mention_role="Délégation"))
    assert len(result.outbox_ids) == 2
    rows = await db.fetchall("SELECT channel, payload FROM outbox ORDER BY id")
    assert [r["channel"] for r in rows] == ["general", "msss"]
    assert Post.from_json(rows[0]["payload"]).ping_roles == ["Délégation"]
    await db.close()


async def test_listener_failure_rolls_back_everything(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = await Database.open(settings.database_path)
    pipeline = Pipeline(db, settings)

    async def broken(conn, comm_id, doc, analysis) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("listener bug")

    pipeline.add_listener(broken)
    try:
        await pipeline.relay(_doc())
    except RuntimeError:
        pass
    assert await db.fetchall("SELECT id FROM communications") == []
    assert (await outbox.counts(db)).pending == 0
    await db.close()


async def test_attachments_are_stored_as_children(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = await Database.open(settings.database_path)
    pipeline = Pipeline(db, settings)
    child = _doc(source_kind="inbox", kind="pdf", external_id="sha-child", title="annexe.pdf")
    parent = _doc(source_kind="inbox", kind="eml", external_id="sha-mail", attachments=[child])
    result = await pipeline.relay(parent)
    rows = await db.fetchall("SELECT external_id, parent_id FROM communications ORDER BY id")
    assert [(r["external_id"], r["parent_id"]) for r in rows] == [
        ("sha-mail", None),
        ("sha-child", result.communication_id),
    ]
    assert len(result.outbox_ids) == 1  # one post for the e-mail, attachments listed in it
    await db.close()
