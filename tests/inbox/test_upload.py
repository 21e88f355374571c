"""`/document deposer` core path (no Discord): read, relay, file, answer with the post's link."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.sources.inbox.layout import month_folder
from bot.sources.inbox.upload import deposit
from bot.timeutil import utc_now
from tests.helpers import RecordingPublisher

from .conftest import FailingPipeline, communications, outbox_rows


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


async def test_upload_is_posted_and_answered_with_its_link(
    app: App, demo_files: dict[str, bytes]
) -> None:
    publisher = RecordingPublisher()
    app.set_publisher(publisher)
    app.outbox_worker.start()
    try:
        data = demo_files["2026-10-info-psoc-5.pdf"]
        result = await deposit(app, data, "info psoc.pdf", uploader="Julie", channel="psoc")
        assert result.status == "posted"
        assert result.link and result.link.startswith("https://discord.test/")
        assert result.link in result.message
        # (Other features may post too, e.g. date proposals to staff: look at ours.)
        (post,) = [p for p in publisher.posts if p.channel == "psoc"]
        assert post.channel == "psoc"
        (comm,) = await communications(app)
        assert comm["source_kind"] == "upload" and comm["source_name"] == "Julie"
        folder = month_folder(Path(app.settings.inbox_path), utc_now())
        assert _files(folder) == ["info psoc.pdf"]
        assert post.files == [str(folder / "info psoc.pdf")]
        # The same document again: not posted twice, the first post's link is given.
        again = await deposit(app, data, "copie.pdf", uploader="Marc")
        assert again.status == "duplicate"
        assert again.link == result.link
        assert len([p for p in publisher.posts if p.channel == "psoc"]) == 1
        assert _files(folder) == ["info psoc.pdf"]
    finally:
        await app.outbox_worker.stop()


async def test_upload_queued_when_not_sent_yet(app: App, demo_files: dict[str, bytes]) -> None:
    data = demo_files["2026-09-02-convocation-comite-liaison.eml"]
    result = await deposit(app, data, "lettre.eml", uploader="Julie", wait_link_seconds=0)
    assert result.status == "queued"
    assert "#general" in result.message
    (row,) = await outbox_rows(app, "communication")
    assert row["communication_id"] == result.communication_id
    folder = month_folder(Path(app.settings.inbox_path), utc_now())
    assert (folder / "lettre.pieces-jointes" / "ordre-du-jour.txt").is_file()


async def test_unreadable_upload_is_refused_and_not_kept(app: App) -> None:
    result = await deposit(app, b"%PDF-1.4 cut short", "rapport.pdf", uploader="Julie")
    assert result.status == "failed"
    assert "incomplet" in result.message
    assert await outbox_rows(app) == []
    folder = month_folder(Path(app.settings.inbox_path), utc_now())
    assert _files(folder) == []


async def test_upload_limits(app: App) -> None:
    app.settings.config.inbox.max_file_bytes = 1000
    too_big = await deposit(app, b"x" * 2000, "gros.txt", uploader="Julie")
    assert too_big.status == "failed" and "limite" in too_big.message
    unknown = await deposit(app, b"Note\n\nTexte.", "n.txt", uploader="Julie", channel="nulle")
    assert unknown.status == "failed" and "nulle" in unknown.message


async def test_traversal_in_uploaded_name(app: App) -> None:
    result = await deposit(
        app, b"Note\n\nTexte.", "../../etc/passwd.txt", uploader="Julie", wait_link_seconds=0
    )
    assert result.status == "queued"
    folder = month_folder(Path(app.settings.inbox_path), utc_now())
    assert _files(folder) == ["passwd.txt"]


async def test_relay_failure_answers_and_keeps_nothing(
    app: App, demo_files: dict[str, bytes]
) -> None:
    app.pipeline = FailingPipeline(app.pipeline, RuntimeError("database is locked"))  # type: ignore[assignment]
    data = demo_files["2026-09-02-convocation-comite-liaison.eml"]
    result = await deposit(app, data, "lettre.eml", uploader="Julie", wait_link_seconds=0)
    assert result.status == "failed"
    assert "RuntimeError" in result.message and result.message.startswith("Le document")
    folder = month_folder(Path(app.settings.inbox_path), utc_now())
    assert _files(folder) == []  # neither the e-mail nor its extracted attachment
    assert await outbox_rows(app) == []
